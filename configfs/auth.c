// SPDX-License-Identifier: GPL-2.0
/*
 * CHAP credentials: tpgt_N/auth/, acls/<iqn>/auth/ and the global
 * discovery_auth/ (which also has "enforce").
 *
 * userid, password, mutual_userid, mutual_password: strings shorter than
 * KTGT_SECRET_MAX without control characters; empty clears.  They are read
 * back as written (like LIO), and used by logins starting afterwards.
 * Writes and reads take ktgt_cfg_mutex, under which login copies them.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ktgt_cfs.h"

static struct ktgt_auth *ktgt_item_auth(struct config_item *item)
{
	struct config_group *g = to_config_group(item);

	if (item->ci_type == &ktgt_tpg_auth_type)
		return &container_of(g, struct ktgt_tpg, auth_group)->auth;
	if (item->ci_type == &ktgt_acl_auth_type)
		return &container_of(g, struct ktgt_acl, auth_group)->auth;
	return &ktgt_discovery_auth.auth;
}

static ssize_t ktgt_auth_show(struct config_item *item, char *page,
			      size_t off)
{
	const char *field = (const char *)ktgt_item_auth(item) + off;
	ssize_t ret;

	mutex_lock(&ktgt_cfg_mutex);
	ret = sysfs_emit(page, "%s\n", field);
	mutex_unlock(&ktgt_cfg_mutex);
	return ret;
}

static ssize_t ktgt_auth_store(struct config_item *item, const char *page,
			       size_t count, size_t off)
{
	char *field = (char *)ktgt_item_auth(item) + off;
	char buf[KTGT_SECRET_MAX];
	int ret;

	ret = ktgt_cfs_get_str(page, count, buf, sizeof(buf));
	if (ret >= 0) {
		mutex_lock(&ktgt_cfg_mutex);
		strscpy(field, buf, KTGT_SECRET_MAX);
		mutex_unlock(&ktgt_cfg_mutex);
	}
	memzero_explicit(buf, sizeof(buf));
	return ret < 0 ? ret : count;
}

#define KTGT_AUTH_ATTR(_name)						\
static ssize_t ktgt_auth_##_name##_show(struct config_item *item,	\
					char *page)			\
{									\
	return ktgt_auth_show(item, page,				\
			      offsetof(struct ktgt_auth, _name));	\
}									\
									\
static ssize_t ktgt_auth_##_name##_store(struct config_item *item,	\
					 const char *page, size_t count)\
{									\
	return ktgt_auth_store(item, page, count,			\
			       offsetof(struct ktgt_auth, _name));	\
}									\
CONFIGFS_ATTR(ktgt_auth_, _name)

KTGT_AUTH_ATTR(userid);
KTGT_AUTH_ATTR(password);
KTGT_AUTH_ATTR(mutual_userid);
KTGT_AUTH_ATTR(mutual_password);

static ssize_t ktgt_auth_enforce_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%u\n", READ_ONCE(ktgt_discovery_auth.enforce));
}

/* 1: discovery sessions must authenticate with CHAP. */
static ssize_t ktgt_auth_enforce_store(struct config_item *item,
				       const char *page, size_t count)
{
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 0, 1, &v);
	if (ret)
		return ret;
	mutex_lock(&ktgt_cfg_mutex);
	WRITE_ONCE(ktgt_discovery_auth.enforce, v);
	mutex_unlock(&ktgt_cfg_mutex);
	return count;
}

CONFIGFS_ATTR(ktgt_auth_, enforce);

static struct configfs_attribute *ktgt_auth_attrs[] = {
	&ktgt_auth_attr_userid,
	&ktgt_auth_attr_password,
	&ktgt_auth_attr_mutual_userid,
	&ktgt_auth_attr_mutual_password,
	NULL,
};

static struct configfs_attribute *ktgt_discovery_auth_attrs[] = {
	&ktgt_auth_attr_enforce,
	&ktgt_auth_attr_userid,
	&ktgt_auth_attr_password,
	&ktgt_auth_attr_mutual_userid,
	&ktgt_auth_attr_mutual_password,
	NULL,
};

/* The auth/ default groups pin their TPG / ACL (see target.c). */
static void ktgt_tpg_auth_release(struct config_item *item)
{
	struct ktgt_tpg *tpg = container_of(to_config_group(item),
					    struct ktgt_tpg, auth_group);

	config_group_put(&tpg->group);
}

static void ktgt_acl_auth_release(struct config_item *item)
{
	struct ktgt_acl *acl = container_of(to_config_group(item),
					    struct ktgt_acl, auth_group);

	config_group_put(&acl->group);
}

static struct configfs_item_operations ktgt_tpg_auth_item_ops = {
	.release	= ktgt_tpg_auth_release,
};

static struct configfs_item_operations ktgt_acl_auth_item_ops = {
	.release	= ktgt_acl_auth_release,
};

const struct config_item_type ktgt_tpg_auth_type = {
	.ct_item_ops	= &ktgt_tpg_auth_item_ops,
	.ct_attrs	= ktgt_auth_attrs,
	.ct_owner	= THIS_MODULE,
};

const struct config_item_type ktgt_acl_auth_type = {
	.ct_item_ops	= &ktgt_acl_auth_item_ops,
	.ct_attrs	= ktgt_auth_attrs,
	.ct_owner	= THIS_MODULE,
};

const struct config_item_type ktgt_discovery_auth_type = {
	.ct_attrs	= ktgt_discovery_auth_attrs,
	.ct_owner	= THIS_MODULE,
};
