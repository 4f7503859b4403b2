// SPDX-License-Identifier: GPL-2.0
/*
 * The "ktgt" configfs subsystem: its root and the fixed groups under it.
 *
 *   /sys/kernel/config/ktgt/
 *     backstores/{ram,null,block,file}/
 *     targets/
 *     discovery_auth/
 *
 * Every user-made directory pins the module (configfs_mkdir() takes a
 * reference on the owner of the subsystem and of the new item and drops them
 * in rmdir), so the module can only be unloaded once the tree is back to
 * these default groups.  ktgt_configfs_exit() therefore never has to tear
 * down user objects.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "ktgt_cfs.h"

/* ------------------------------------------------------------------ */
/* Helpers shared by the attribute and mkdir handlers                  */

/**
 * ktgt_cfs_parse_u32() - parse a decimal attribute value in [min, max]
 * @page: the written value (a trailing newline is allowed)
 * @min:  smallest value accepted
 * @max:  largest value accepted
 * @out:  receives the value
 *
 * Return: 0 or -EINVAL (garbage or out of range).
 */
int ktgt_cfs_parse_u32(const char *page, u32 min, u32 max, u32 *out)
{
	u32 v;
	int ret;

	ret = kstrtou32(page, 10, &v);
	if (ret)
		return -EINVAL;
	if (v < min || v > max)
		return -EINVAL;
	*out = v;
	return 0;
}

/**
 * ktgt_cfs_get_str() - copy a written string value without its newline
 * @page:  the written value
 * @count: its length
 * @buf:   receives the NUL-terminated string
 * @size:  size of @buf
 *
 * Return: the length, or -EINVAL (too long for @size, or holding control
 * characters).
 */
int ktgt_cfs_get_str(const char *page, size_t count, char *buf, size_t size)
{
	size_t len = strnlen(page, count);
	size_t i;

	if (len && page[len - 1] == '\n')
		len--;
	if (len >= size)
		return -EINVAL;
	for (i = 0; i < len; i++)
		if (iscntrl(page[i]))
			return -EINVAL;
	memcpy(buf, page, len);
	buf[len] = '\0';
	return len;
}

/**
 * ktgt_cfs_parse_index() - parse "<prefix><decimal>" directory names
 * @name:   the directory name
 * @prefix: what must precede the number, e.g. "lun_"
 * @min:    smallest number accepted
 * @max:    largest number accepted
 * @out:    receives the number
 *
 * The number must be canonical (no sign, no leading zero) so that two names
 * can never denote the same object.
 *
 * Return: 0, -EINVAL for a malformed name, -ERANGE when out of [min, max].
 */
int ktgt_cfs_parse_index(const char *name, const char *prefix, u32 min,
			 u32 max, u32 *out)
{
	size_t plen = strlen(prefix);
	const char *p = name + plen;
	u64 v = 0;

	if (strncmp(name, prefix, plen) || !*p)
		return -EINVAL;
	if (p[0] == '0' && p[1])
		return -EINVAL;
	for (; *p; p++) {
		if (!isdigit(*p))
			return -EINVAL;
		v = v * 10 + (*p - '0');
		if (v > max)
			return -ERANGE;
	}
	if (v < min)
		return -ERANGE;
	*out = v;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Fixed groups                                                        */

static const struct config_item_type ktgt_backstores_type = {
	.ct_owner	= THIS_MODULE,
};

static const struct config_item_type ktgt_root_type = {
	.ct_owner	= THIS_MODULE,
};

static struct config_group ktgt_backstores_group;
static struct config_group ktgt_bs_hba_groups[KTGT_DEV_NR_TYPES];
static struct config_group ktgt_targets_group;
static struct config_group ktgt_discovery_group;

static const char * const ktgt_bs_hba_names[KTGT_DEV_NR_TYPES] = {
	[KTGT_DEV_RAM]		= "ram",
	[KTGT_DEV_NULL]		= "null",
	[KTGT_DEV_BLOCK]	= "block",
	[KTGT_DEV_FILE]		= "file",
};

static struct configfs_subsystem ktgt_subsys = {
	.su_group = {
		.cg_item = {
			.ci_namebuf	= "ktgt",
			.ci_type	= &ktgt_root_type,
		},
	},
};

/**
 * ktgt_configfs_init() - build and register /sys/kernel/config/ktgt
 * Needs ktgt_wq to exist already (portals queue accept work on it).
 */
int ktgt_configfs_init(void)
{
	struct config_group *root = &ktgt_subsys.su_group;
	int i, ret;

	ret = ktgt_cfs_params_init();
	if (ret)
		return ret;

	config_group_init(root);
	mutex_init(&ktgt_subsys.su_mutex);

	config_group_init_type_name(&ktgt_backstores_group, "backstores",
				    &ktgt_backstores_type);
	configfs_add_default_group(&ktgt_backstores_group, root);
	for (i = 0; i < KTGT_DEV_NR_TYPES; i++) {
		config_group_init_type_name(&ktgt_bs_hba_groups[i],
					    ktgt_bs_hba_names[i],
					    &ktgt_bs_hba_type);
		configfs_add_default_group(&ktgt_bs_hba_groups[i],
					   &ktgt_backstores_group);
	}

	config_group_init_type_name(&ktgt_targets_group, "targets",
				    &ktgt_targets_type);
	configfs_add_default_group(&ktgt_targets_group, root);

	config_group_init_type_name(&ktgt_discovery_group, "discovery_auth",
				    &ktgt_discovery_auth_type);
	configfs_add_default_group(&ktgt_discovery_group, root);

	ret = configfs_register_subsystem(&ktgt_subsys);
	if (ret) {
		pr_err("cannot register configfs subsystem: %d\n", ret);
		return ret;
	}
	return 0;
}

/**
 * ktgt_configfs_exit() - unregister the tree and free retired listeners
 * Called at module unload, when configfs guarantees that no user-made
 * directory is left (each one pins the module).  Must run after every
 * connection is gone: connections keep pointers to their listener.
 */
void ktgt_configfs_exit(void)
{
	configfs_unregister_subsystem(&ktgt_subsys);
	ktgt_listener_cleanup();
}

/* enum ktgt_dev_type for one of the backstores/<type>/ groups */
int ktgt_cfs_hba_type(struct config_group *group)
{
	int i;

	for (i = 0; i < KTGT_DEV_NR_TYPES; i++)
		if (group == &ktgt_bs_hba_groups[i])
			return i;
	return -EINVAL;
}
