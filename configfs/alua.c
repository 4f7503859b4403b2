// SPDX-License-Identifier: GPL-2.0
/*
 * ALUA in configfs:
 *
 *   backstores/<type>/<name>/alua/                     (default group)
 *   backstores/<type>/<name>/alua/default_tg_pt_gp/    (default group)
 *   backstores/<type>/<name>/alua/<group>/             (mkdir)
 *   targets/<iqn>/tpgt_N/lun/lun_L/alua_tg_pt_gp       (LUN attribute)
 *
 * The alua/ and default_tg_pt_gp/ directories each hold a reference on
 * the backstore's item, dropped from their ->release(), like the default
 * groups of a TPG.  A group made by mkdir is freed after an RCU grace
 * period: the data path may still be reading it through a port.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ktgt_cfs.h"
#include "../scsi_backend/ktgt_alua.h"

static inline struct ktgt_alua_tg_pt_gp *to_ktgt_gp(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_alua_tg_pt_gp,
			    group);
}

/* ------------------------------------------------------------------ */
/* alua/<group>/ attributes                                            */

static ssize_t ktgt_gp_tg_pt_gp_id_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(to_ktgt_gp(item)->id));
}

static ssize_t ktgt_gp_tg_pt_gp_id_store(struct config_item *item,
					 const char *page, size_t count)
{
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 1, 65535, &v);
	if (ret)
		return ret;
	ret = ktgt_alua_gp_set_id(to_ktgt_gp(item), v);
	return ret ? ret : count;
}

static ssize_t ktgt_gp_alua_access_state_show(struct config_item *item,
					      char *page)
{
	return sysfs_emit(page, "%s\n", ktgt_alua_state_name(
				  READ_ONCE(to_ktgt_gp(item)->state)));
}

static ssize_t ktgt_gp_alua_access_state_store(struct config_item *item,
					       const char *page, size_t count)
{
	char buf[32];
	u8 state;
	int ret;

	ret = ktgt_cfs_get_str(page, count, buf, sizeof(buf));
	if (ret < 0)
		return ret;
	if (ktgt_alua_parse_state(buf, &state))
		return -EINVAL;
	ret = ktgt_alua_gp_set_state(to_ktgt_gp(item), state);
	return ret ? ret : count;
}

static ssize_t ktgt_gp_alua_access_status_show(struct config_item *item,
					       char *page)
{
	static const char *const names[] = { "none", "explicit", "implicit" };
	u8 st = READ_ONCE(to_ktgt_gp(item)->status);

	return sysfs_emit(page, "%s\n", st < ARRAY_SIZE(names) ? names[st] : "?");
}

static ssize_t ktgt_gp_alua_access_type_show(struct config_item *item,
					     char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(to_ktgt_gp(item)->access_type));
}

static ssize_t ktgt_gp_alua_access_type_store(struct config_item *item,
					      const char *page, size_t count)
{
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 1, 3, &v);
	if (ret)
		return ret;
	ret = ktgt_alua_gp_set_access_type(to_ktgt_gp(item), v);
	return ret ? ret : count;
}

static ssize_t ktgt_gp_preferred_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_ktgt_gp(item)->pref));
}

static ssize_t ktgt_gp_preferred_store(struct config_item *item,
				       const char *page, size_t count)
{
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 0, 1, &v);
	if (ret)
		return ret;
	ktgt_alua_gp_set_pref(to_ktgt_gp(item), v);
	return count;
}

/* "<target>/tpgt_<N>/lun_<L>" of each port in the group, one a line */
static ssize_t ktgt_gp_members_show(struct config_item *item, char *page)
{
	struct ktgt_alua_tg_pt_gp *gp = to_ktgt_gp(item);
	struct ktgt_alua *alua = gp->alua;
	struct ktgt_alua_port *port;
	ssize_t len = 0;

	mutex_lock(&alua->lock);
	list_for_each_entry(port, &alua->ports, node) {
		struct ktgt_lun *lun;

		if (rcu_access_pointer(port->gp) != gp)
			continue;
		lun = container_of(port, struct ktgt_lun, alua_port);
		len += sysfs_emit_at(page, len, "%s/tpgt_%u/lun_%llu\n",
				     lun->tpg->tgt->name, lun->tpg->tpgt,
				     lun->id);
	}
	mutex_unlock(&alua->lock);
	return len;
}

#define KTGT_GP_SUPPORT_ATTR(_name, _bit)				\
static ssize_t ktgt_gp_alua_support_##_name##_show(			\
		struct config_item *item, char *page)			\
{									\
	return sysfs_emit(page, "%d\n",					\
			  !!(READ_ONCE(to_ktgt_gp(item)->supported) & (_bit))); \
}									\
static ssize_t ktgt_gp_alua_support_##_name##_store(			\
		struct config_item *item, const char *page, size_t count) \
{									\
	u32 v;								\
	int ret = ktgt_cfs_parse_u32(page, 0, 1, &v);			\
									\
	if (!ret)							\
		ret = ktgt_alua_gp_set_supported(to_ktgt_gp(item), _bit, v); \
	return ret ? ret : count;					\
}									\
CONFIGFS_ATTR(ktgt_gp_, alua_support_##_name)

KTGT_GP_SUPPORT_ATTR(active_optimized, KTGT_ALUA_SUP_AO);
KTGT_GP_SUPPORT_ATTR(active_nonoptimized, KTGT_ALUA_SUP_AN);
KTGT_GP_SUPPORT_ATTR(standby, KTGT_ALUA_SUP_S);
KTGT_GP_SUPPORT_ATTR(unavailable, KTGT_ALUA_SUP_U);
KTGT_GP_SUPPORT_ATTR(offline, KTGT_ALUA_SUP_O);
KTGT_GP_SUPPORT_ATTR(transitioning, KTGT_ALUA_SUP_T);

CONFIGFS_ATTR(ktgt_gp_, tg_pt_gp_id);
CONFIGFS_ATTR(ktgt_gp_, alua_access_state);
CONFIGFS_ATTR_RO(ktgt_gp_, alua_access_status);
CONFIGFS_ATTR(ktgt_gp_, alua_access_type);
CONFIGFS_ATTR(ktgt_gp_, preferred);
CONFIGFS_ATTR_RO(ktgt_gp_, members);

static struct configfs_attribute *ktgt_gp_attrs[] = {
	&ktgt_gp_attr_tg_pt_gp_id,
	&ktgt_gp_attr_alua_access_state,
	&ktgt_gp_attr_alua_access_status,
	&ktgt_gp_attr_alua_access_type,
	&ktgt_gp_attr_preferred,
	&ktgt_gp_attr_members,
	&ktgt_gp_attr_alua_support_active_optimized,
	&ktgt_gp_attr_alua_support_active_nonoptimized,
	&ktgt_gp_attr_alua_support_standby,
	&ktgt_gp_attr_alua_support_unavailable,
	&ktgt_gp_attr_alua_support_offline,
	&ktgt_gp_attr_alua_support_transitioning,
	NULL,
};

/* ------------------------------------------------------------------ */
/* The group directories                                               */

static void ktgt_gp_release(struct config_item *item)
{
	kfree_rcu(to_ktgt_gp(item), rcu);
}

static struct configfs_item_operations ktgt_gp_item_ops = {
	.release	= ktgt_gp_release,
};

static const struct config_item_type ktgt_gp_type = {
	.ct_item_ops	= &ktgt_gp_item_ops,
	.ct_attrs	= ktgt_gp_attrs,
	.ct_owner	= THIS_MODULE,
};

static void ktgt_default_gp_release(struct config_item *item)
{
	config_group_put(&to_ktgt_gp(item)->alua->dev->group);
}

static struct configfs_item_operations ktgt_default_gp_item_ops = {
	.release	= ktgt_default_gp_release,
};

static const struct config_item_type ktgt_default_gp_type = {
	.ct_item_ops	= &ktgt_default_gp_item_ops,
	.ct_attrs	= ktgt_gp_attrs,
	.ct_owner	= THIS_MODULE,
};

/* mkdir alua/<group>: the lowest free id >= 1 */
static struct config_group *ktgt_alua_make_group(struct config_group *group,
						 const char *name)
{
	struct ktgt_alua *alua = container_of(group, struct ktgt_alua, group);
	struct ktgt_alua_tg_pt_gp *gp;
	int ret;

	gp = kzalloc(sizeof(*gp), GFP_KERNEL);
	if (!gp)
		return ERR_PTR(-ENOMEM);
	ktgt_alua_gp_init(alua, gp);
	config_group_init_type_name(&gp->group, name, &ktgt_gp_type);
	ret = ktgt_alua_gp_add(alua, gp);
	if (ret) {
		kfree(gp);
		return ERR_PTR(ret);
	}
	return &gp->group;
}

/* rmdir alua/<group>: its ports go back to the default group. */
static void ktgt_alua_drop_item(struct config_group *group,
				struct config_item *item)
{
	ktgt_alua_gp_remove(to_ktgt_gp(item));
	config_item_put(item);
}

static void ktgt_alua_group_release(struct config_item *item)
{
	struct ktgt_alua *alua = container_of(to_config_group(item),
					      struct ktgt_alua, group);

	config_group_put(&alua->dev->group);
}

static struct configfs_item_operations ktgt_alua_group_item_ops = {
	.release	= ktgt_alua_group_release,
};

static struct configfs_group_operations ktgt_alua_group_group_ops = {
	.make_group	= ktgt_alua_make_group,
	.drop_item	= ktgt_alua_drop_item,
};

static const struct config_item_type ktgt_alua_group_type = {
	.ct_item_ops	= &ktgt_alua_group_item_ops,
	.ct_group_ops	= &ktgt_alua_group_group_ops,
	.ct_owner	= THIS_MODULE,
};

/* Add alua/ and alua/default_tg_pt_gp/ to a new backstore directory. */
void ktgt_cfs_alua_init(struct ktgt_dev *dev)
{
	struct ktgt_alua *alua = dev->alua;

	config_group_init_type_name(&alua->group, "alua",
				    &ktgt_alua_group_type);
	configfs_add_default_group(&alua->group, &dev->group);
	config_group_get(&dev->group);	/* dropped by ->release() */

	config_group_init_type_name(&alua->default_gp.group,
				    KTGT_ALUA_DEFAULT_GP_NAME,
				    &ktgt_default_gp_type);
	configfs_add_default_group(&alua->default_gp.group, &alua->group);
	config_group_get(&dev->group);	/* dropped by ->release() */
}

/* The backstore's rmdir: put the default groups. */
void ktgt_cfs_alua_remove(struct ktgt_dev *dev)
{
	configfs_remove_default_groups(&dev->alua->group);
	configfs_remove_default_groups(&dev->group);
}

/* ------------------------------------------------------------------ */
/* tpgt_N/lun/lun_L/alua_tg_pt_gp                                      */

static inline struct ktgt_lun *to_ktgt_lun(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_lun, group);
}

/* The LUN's backstore with a reference, or NULL while it has none. */
static struct ktgt_dev *ktgt_lun_dev_get(struct ktgt_lun *lun)
{
	struct ktgt_dev *dev = NULL;

	mutex_lock(&ktgt_cfg_mutex);
	if (lun->live && lun->dev) {
		dev = lun->dev;
		ktgt_dev_get(dev);
	}
	mutex_unlock(&ktgt_cfg_mutex);
	return dev;
}

static ssize_t ktgt_lun_alua_tg_pt_gp_show(struct config_item *item,
					   char *page)
{
	struct ktgt_lun *lun = to_ktgt_lun(item);
	struct ktgt_dev *dev = ktgt_lun_dev_get(lun);
	char name[CONFIGFS_ITEM_NAME_LEN + 1] = "";

	if (dev) {
		ktgt_alua_port_gp_name(dev, &lun->alua_port, name, sizeof(name));
		ktgt_dev_put(dev);
	}
	return sysfs_emit(page, "%s\n", name);
}

/* The name of a group of the LUN's backstore: -ENODEV without one. */
static ssize_t ktgt_lun_alua_tg_pt_gp_store(struct config_item *item,
					    const char *page, size_t count)
{
	struct ktgt_lun *lun = to_ktgt_lun(item);
	char name[CONFIGFS_ITEM_NAME_LEN + 1];
	struct ktgt_dev *dev;
	int ret;

	ret = ktgt_cfs_get_str(page, count, name, sizeof(name));
	if (ret < 0)
		return ret;
	dev = ktgt_lun_dev_get(lun);
	if (!dev)
		return -ENODEV;
	ret = ktgt_alua_port_set_gp(dev, &lun->alua_port, name);
	ktgt_dev_put(dev);
	return ret ? ret : count;
}

CONFIGFS_ATTR(ktgt_lun_, alua_tg_pt_gp);

struct configfs_attribute *ktgt_lun_alua_attrs[] = {
	&ktgt_lun_attr_alua_tg_pt_gp,
	NULL,
};
