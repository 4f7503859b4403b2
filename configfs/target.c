// SPDX-License-Identifier: GPL-2.0
/*
 * targets/<target name>/tpgt_<N>/ with enable, attrib/ and param/.
 *
 * Targets and TPGs are linked into ktgt_targets / tgt->tpgs under
 * ktgt_cfg_mutex, where login finds them (tpg.c).  Each default group of a
 * TPG holds a reference on the TPG's item, dropped from the default group's
 * ->release(): an attribute file kept open in, say, attrib/ then keeps the
 * whole TPG allocated after its rmdir instead of pointing into freed memory.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ktgt_cfs.h"

static inline struct ktgt_target *to_ktgt_target(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_target, group);
}

static inline struct ktgt_tpg *to_ktgt_tpg(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_tpg, group);
}

/* ------------------------------------------------------------------ */
/* iSCSI names (RFC 7143 4.2.7)                                        */

static bool ktgt_all_xdigit(const char *s, size_t n)
{
	while (n--)
		if (!isxdigit(*s++))
			return false;
	return true;
}

/**
 * ktgt_cfs_check_iscsi_name() - validate an iSCSI name, copy it lowercased
 * @name:  "iqn.yyyy-mm.<reversed domain>[:<string>]", "eui.<16 hex>" or
 *         "naa.<16 or 32 hex>", any case, at most 223 bytes.
 * @lower: KTGT_NAME_MAX bytes, receives the lowercase form.
 *
 * After the date, an iqn. name may hold letters, digits, '-', '.' and ':'.
 * Returns 0 or -EINVAL.
 */
int ktgt_cfs_check_iscsi_name(const char *name, char *lower)
{
	size_t len = strlen(name);
	size_t i;

	if (!len || len >= KTGT_NAME_MAX)
		return -EINVAL;

	if (!strncasecmp(name, "iqn.", 4)) {
		unsigned int month;

		if (len < 13 || !isdigit(name[4]) || !isdigit(name[5]) ||
		    !isdigit(name[6]) || !isdigit(name[7]) ||
		    name[8] != '-' || !isdigit(name[9]) ||
		    !isdigit(name[10]) || name[11] != '.' ||
		    !isalnum(name[12]))
			return -EINVAL;
		month = (name[9] - '0') * 10 + (name[10] - '0');
		if (month < 1 || month > 12)
			return -EINVAL;
		for (i = 12; i < len; i++)
			if (!isalnum(name[i]) && name[i] != '-' &&
			    name[i] != '.' && name[i] != ':')
				return -EINVAL;
	} else if (!strncasecmp(name, "eui.", 4)) {
		if (len != 4 + 16 || !ktgt_all_xdigit(name + 4, 16))
			return -EINVAL;
	} else if (!strncasecmp(name, "naa.", 4)) {
		if ((len != 4 + 16 && len != 4 + 32) ||
		    !ktgt_all_xdigit(name + 4, len - 4))
			return -EINVAL;
	} else {
		return -EINVAL;
	}

	for (i = 0; i <= len; i++)
		lower[i] = tolower(name[i]);
	return 0;
}

/* ------------------------------------------------------------------ */
/* tpgt_N/enable                                                       */

static ssize_t ktgt_tpg_enable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_ktgt_tpg(item)->enabled));
}

/*
 * 1: logins are accepted (ktgt_tpg_find() returns the TPG).  0: refuse new
 * logins, then end the TPG's sessions and wait until they are gone.
 */
static ssize_t ktgt_tpg_enable_store(struct config_item *item,
				     const char *page, size_t count)
{
	struct ktgt_tpg *tpg = to_ktgt_tpg(item);
	bool was;
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 0, 1, &v);
	if (ret)
		return ret;

	mutex_lock(&ktgt_cfg_mutex);
	was = tpg->enabled;
	WRITE_ONCE(tpg->enabled, v);
	mutex_unlock(&ktgt_cfg_mutex);

	if (!v)
		ktgt_tpg_close_sessions(tpg);
	if (was != !!v)
		pr_info("%s tpgt %u %s\n", tpg->tgt->name, tpg->tpgt,
			v ? "enabled" : "disabled");
	return count;
}

CONFIGFS_ATTR(ktgt_tpg_, enable);

static struct configfs_attribute *ktgt_tpg_attrs[] = {
	&ktgt_tpg_attr_enable,
	NULL,
};

/* ------------------------------------------------------------------ */
/* tpgt_N/attrib/                                                      */

static inline struct ktgt_tpg *attrib_to_tpg(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_tpg,
			    attrib_group);
}

/* Changes apply to logins that start afterwards. */
#define KTGT_TPG_ATTRIB(_name, _min, _max)				\
static ssize_t ktgt_tpg_attrib_##_name##_show(struct config_item *item,\
					      char *page)		\
{									\
	return sysfs_emit(page, "%u\n",					\
			  READ_ONCE(attrib_to_tpg(item)->attrib._name));\
}									\
									\
static ssize_t ktgt_tpg_attrib_##_name##_store(struct config_item *item,\
					       const char *page,	\
					       size_t count)		\
{									\
	struct ktgt_tpg *tpg = attrib_to_tpg(item);			\
	u32 v;								\
	int ret;							\
									\
	ret = ktgt_cfs_parse_u32(page, _min, _max, &v);			\
	if (ret)							\
		return ret;						\
	mutex_lock(&ktgt_cfg_mutex);					\
	WRITE_ONCE(tpg->attrib._name, v);				\
	mutex_unlock(&ktgt_cfg_mutex);					\
	return count;							\
}									\
CONFIGFS_ATTR(ktgt_tpg_attrib_, _name)

KTGT_TPG_ATTRIB(authentication, 0, 1);
KTGT_TPG_ATTRIB(generate_node_acls, 0, 1);
KTGT_TPG_ATTRIB(demo_mode_write_protect, 0, 1);
KTGT_TPG_ATTRIB(default_cmdsn_depth, 1, KTGT_MAX_CMDSN_DEPTH);
KTGT_TPG_ATTRIB(nopin_interval, 0, 3600);
KTGT_TPG_ATTRIB(nopin_response_timeout, 1, 3600);

static struct configfs_attribute *ktgt_tpg_attrib_attrs[] = {
	&ktgt_tpg_attrib_attr_authentication,
	&ktgt_tpg_attrib_attr_generate_node_acls,
	&ktgt_tpg_attrib_attr_demo_mode_write_protect,
	&ktgt_tpg_attrib_attr_default_cmdsn_depth,
	&ktgt_tpg_attrib_attr_nopin_interval,
	&ktgt_tpg_attrib_attr_nopin_response_timeout,
	NULL,
};

static void ktgt_tpg_attrib_release(struct config_item *item)
{
	config_group_put(&attrib_to_tpg(item)->group);
}

static struct configfs_item_operations ktgt_tpg_attrib_item_ops = {
	.release	= ktgt_tpg_attrib_release,
};

static const struct config_item_type ktgt_tpg_attrib_type = {
	.ct_item_ops	= &ktgt_tpg_attrib_item_ops,
	.ct_attrs	= ktgt_tpg_attrib_attrs,
	.ct_owner	= THIS_MODULE,
};

/* ------------------------------------------------------------------ */
/* tpgt_N/param/<RFC 7143 key>                                         */

static inline struct ktgt_tpg *param_to_tpg(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_tpg,
			    param_group);
}

static ssize_t ktgt_param_show(struct config_item *item, char *page, int id)
{
	struct ktgt_tpg *tpg = param_to_tpg(item);
	ssize_t ret;

	mutex_lock(&ktgt_cfg_mutex);
	ret = sysfs_emit(page, "%s\n", tpg->params.val[id]);
	mutex_unlock(&ktgt_cfg_mutex);
	return ret;
}

/* Validated by params.c; used by logins that start afterwards. */
static ssize_t ktgt_param_store(struct config_item *item, const char *page,
				size_t count, int id)
{
	struct ktgt_tpg *tpg = param_to_tpg(item);
	char buf[KTGT_PARAM_VAL_MAX];
	int ret;

	ret = ktgt_cfs_get_str(page, count, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	ret = ktgt_param_validate(id, buf);
	if (ret)
		return ret < 0 ? ret : -EINVAL;

	mutex_lock(&ktgt_cfg_mutex);
	strscpy(tpg->params.val[id], buf, sizeof(tpg->params.val[id]));
	mutex_unlock(&ktgt_cfg_mutex);
	return count;
}

/* configfs passes no attribute to show/store: one pair per key id. */
#define KTGT_PARAM_FUNCS(n)						\
static ssize_t ktgt_param_##n##_show(struct config_item *item, char *page)\
{									\
	return ktgt_param_show(item, page, n);				\
}									\
									\
static ssize_t ktgt_param_##n##_store(struct config_item *item,	\
				      const char *page, size_t count)	\
{									\
	return ktgt_param_store(item, page, count, n);			\
}

KTGT_PARAM_FUNCS(0)
KTGT_PARAM_FUNCS(1)
KTGT_PARAM_FUNCS(2)
KTGT_PARAM_FUNCS(3)
KTGT_PARAM_FUNCS(4)
KTGT_PARAM_FUNCS(5)
KTGT_PARAM_FUNCS(6)
KTGT_PARAM_FUNCS(7)
KTGT_PARAM_FUNCS(8)
KTGT_PARAM_FUNCS(9)
KTGT_PARAM_FUNCS(10)
KTGT_PARAM_FUNCS(11)
KTGT_PARAM_FUNCS(12)
KTGT_PARAM_FUNCS(13)
KTGT_PARAM_FUNCS(14)
KTGT_PARAM_FUNCS(15)
KTGT_PARAM_FUNCS(16)
KTGT_PARAM_FUNCS(17)
KTGT_PARAM_FUNCS(18)

/* ca_name is filled in from ktgt_param_name() by ktgt_cfs_params_init() */
#define KTGT_PARAM_ATTR(n)						\
	[n] = {								\
		.ca_owner	= THIS_MODULE,				\
		.ca_mode	= 0644,					\
		.show		= ktgt_param_##n##_show,		\
		.store		= ktgt_param_##n##_store,		\
	}

static struct configfs_attribute ktgt_param_attrs[] = {
	KTGT_PARAM_ATTR(0),
	KTGT_PARAM_ATTR(1),
	KTGT_PARAM_ATTR(2),
	KTGT_PARAM_ATTR(3),
	KTGT_PARAM_ATTR(4),
	KTGT_PARAM_ATTR(5),
	KTGT_PARAM_ATTR(6),
	KTGT_PARAM_ATTR(7),
	KTGT_PARAM_ATTR(8),
	KTGT_PARAM_ATTR(9),
	KTGT_PARAM_ATTR(10),
	KTGT_PARAM_ATTR(11),
	KTGT_PARAM_ATTR(12),
	KTGT_PARAM_ATTR(13),
	KTGT_PARAM_ATTR(14),
	KTGT_PARAM_ATTR(15),
	KTGT_PARAM_ATTR(16),
	KTGT_PARAM_ATTR(17),
	KTGT_PARAM_ATTR(18),
};

static_assert(ARRAY_SIZE(ktgt_param_attrs) == KTGT_P_NR_CONFIGURABLE);

static struct configfs_attribute *
ktgt_param_attr_ptrs[KTGT_P_NR_CONFIGURABLE + 1];

/* Name the param/ attributes; before the subsystem is registered. */
int ktgt_cfs_params_init(void)
{
	int i;

	for (i = 0; i < KTGT_P_NR_CONFIGURABLE; i++) {
		const char *name = ktgt_param_name(i);

		if (!name) {
			pr_err("no name for negotiation key %d\n", i);
			return -EINVAL;
		}
		ktgt_param_attrs[i].ca_name = name;
		ktgt_param_attr_ptrs[i] = &ktgt_param_attrs[i];
	}
	ktgt_param_attr_ptrs[i] = NULL;
	return 0;
}

static void ktgt_tpg_param_release(struct config_item *item)
{
	config_group_put(&param_to_tpg(item)->group);
}

static struct configfs_item_operations ktgt_tpg_param_item_ops = {
	.release	= ktgt_tpg_param_release,
};

static const struct config_item_type ktgt_tpg_param_type = {
	.ct_item_ops	= &ktgt_tpg_param_item_ops,
	.ct_attrs	= ktgt_param_attr_ptrs,
	.ct_owner	= THIS_MODULE,
};

/* ------------------------------------------------------------------ */
/* targets/<name>/tpgt_N                                               */

static void ktgt_tpg_release(struct config_item *item)
{
	kfree(to_ktgt_tpg(item));
}

static struct configfs_item_operations ktgt_tpg_item_ops = {
	.release	= ktgt_tpg_release,
};

static const struct config_item_type ktgt_tpg_type = {
	.ct_item_ops	= &ktgt_tpg_item_ops,
	.ct_attrs	= ktgt_tpg_attrs,
	.ct_bin_attrs	= ktgt_tpg_bin_attrs,
	.ct_owner	= THIS_MODULE,
};

static void ktgt_tpg_add_default(struct ktgt_tpg *tpg, struct config_group *g,
				 const char *name,
				 const struct config_item_type *type)
{
	config_group_init_type_name(g, name, type);
	configfs_add_default_group(g, &tpg->group);
	/* dropped by the default group's ->release() */
	config_group_get(&tpg->group);
}

static struct config_group *ktgt_tpg_make_group(struct config_group *group,
						const char *name)
{
	struct ktgt_target *tgt = to_ktgt_target(&group->cg_item);
	struct ktgt_tpg *tpg;
	u32 tpgt;
	int ret;

	ret = ktgt_cfs_parse_index(name, "tpgt_", 1, U16_MAX, &tpgt);
	if (ret)
		return ERR_PTR(ret);

	tpg = kzalloc(sizeof(*tpg), GFP_KERNEL);
	if (!tpg)
		return ERR_PTR(-ENOMEM);
	tpg->tgt = tgt;
	tpg->tpgt = tpgt;
	tpg->attrib.authentication = 0;
	tpg->attrib.generate_node_acls = 0;
	tpg->attrib.demo_mode_write_protect = 1;
	tpg->attrib.default_cmdsn_depth = KTGT_DEFAULT_CMDSN_DEPTH;
	tpg->attrib.nopin_interval = KTGT_DEFAULT_NOPIN_INTERVAL;
	tpg->attrib.nopin_response_timeout = KTGT_DEFAULT_NOPIN_TIMEOUT;
	ktgt_param_offer_defaults(&tpg->params);
	INIT_LIST_HEAD(&tpg->node);
	INIT_LIST_HEAD(&tpg->acls);
	INIT_LIST_HEAD(&tpg->portals);
	INIT_LIST_HEAD(&tpg->sessions);

	config_group_init_type_name(&tpg->group, name, &ktgt_tpg_type);
	ktgt_tpg_add_default(tpg, &tpg->lun_group, "lun", &ktgt_lun_group_type);
	ktgt_tpg_add_default(tpg, &tpg->np_group, "np", &ktgt_np_group_type);
	ktgt_tpg_add_default(tpg, &tpg->acl_group, "acls",
			     &ktgt_acl_group_type);
	ktgt_tpg_add_default(tpg, &tpg->attrib_group, "attrib",
			     &ktgt_tpg_attrib_type);
	ktgt_tpg_add_default(tpg, &tpg->auth_group, "auth",
			     &ktgt_tpg_auth_type);
	ktgt_tpg_add_default(tpg, &tpg->param_group, "param",
			     &ktgt_tpg_param_type);

	mutex_lock(&ktgt_cfg_mutex);
	list_add_tail(&tpg->node, &tgt->tpgs);
	mutex_unlock(&ktgt_cfg_mutex);
	return &tpg->group;
}

/*
 * rmdir tpgt_N (configfs has already refused it with ENOTEMPTY while a LUN,
 * portal or ACL directory exists): stop logins, end the sessions and wait
 * for them, then unlink.
 */
static void ktgt_tpg_drop_item(struct config_group *group,
			       struct config_item *item)
{
	struct ktgt_tpg *tpg = to_ktgt_tpg(item);

	mutex_lock(&ktgt_cfg_mutex);
	WRITE_ONCE(tpg->enabled, false);
	list_del_init(&tpg->node);
	mutex_unlock(&ktgt_cfg_mutex);

	ktgt_tpg_close_sessions(tpg);

	configfs_remove_default_groups(&tpg->group);
	config_item_put(item);
}

/* ------------------------------------------------------------------ */
/* targets/<name>                                                      */

static void ktgt_target_release(struct config_item *item)
{
	kfree(to_ktgt_target(item));
}

static struct configfs_item_operations ktgt_target_item_ops = {
	.release	= ktgt_target_release,
};

static struct configfs_group_operations ktgt_target_group_ops = {
	.make_group	= ktgt_tpg_make_group,
	.drop_item	= ktgt_tpg_drop_item,
};

static const struct config_item_type ktgt_target_type = {
	.ct_item_ops	= &ktgt_target_item_ops,
	.ct_group_ops	= &ktgt_target_group_ops,
	.ct_owner	= THIS_MODULE,
};

/*
 * mkdir targets/<name>: -EINVAL unless a valid iSCSI name, -EEXIST if the
 * same name in another case already exists.
 */
static struct config_group *ktgt_target_make_group(struct config_group *group,
						   const char *name)
{
	struct ktgt_target *tgt, *t;
	int ret;

	tgt = kzalloc(sizeof(*tgt), GFP_KERNEL);
	if (!tgt)
		return ERR_PTR(-ENOMEM);
	ret = ktgt_cfs_check_iscsi_name(name, tgt->name);
	if (ret)
		goto err_free;
	INIT_LIST_HEAD(&tgt->tpgs);

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(t, &ktgt_targets, node) {
		if (!strcmp(t->name, tgt->name)) {
			ret = -EEXIST;
			break;
		}
	}
	if (!ret)
		list_add_tail(&tgt->node, &ktgt_targets);
	mutex_unlock(&ktgt_cfg_mutex);
	if (ret)
		goto err_free;

	config_group_init_type_name(&tgt->group, name, &ktgt_target_type);
	return &tgt->group;

err_free:
	kfree(tgt);
	return ERR_PTR(ret);
}

/* rmdir targets/<name>: configfs refuses it (ENOTEMPTY) while TPGs exist. */
static void ktgt_target_drop_item(struct config_group *group,
				  struct config_item *item)
{
	struct ktgt_target *tgt = to_ktgt_target(item);

	mutex_lock(&ktgt_cfg_mutex);
	list_del_init(&tgt->node);
	mutex_unlock(&ktgt_cfg_mutex);
	config_item_put(item);
}

static struct configfs_group_operations ktgt_targets_group_ops = {
	.make_group	= ktgt_target_make_group,
	.drop_item	= ktgt_target_drop_item,
};

const struct config_item_type ktgt_targets_type = {
	.ct_group_ops	= &ktgt_targets_group_ops,
	.ct_owner	= THIS_MODULE,
};
