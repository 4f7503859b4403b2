// SPDX-License-Identifier: GPL-2.0
/*
 * backstores/{ram,null,block,file}/<name>/
 *
 * mkdir allocates a struct ktgt_dev (scsi_backend) whose config_group this
 * file initialises; the configfs item owns the dev's initial kref and drops
 * it from ->release().  LUNs take their own references, so a dev outlives
 * its directory while a LUN still maps it (configfs itself refuses the rmdir
 * of a directory that is the target of a symlink: EBUSY).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/configfs.h>
#include <linux/ctype.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/string.h>
#include <linux/sysfs.h>

#include "ktgt_cfs.h"
#include "ktgt_pr.h"

static inline struct ktgt_dev *to_ktgt_dev(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_dev, group);
}

/* ------------------------------------------------------------------ */
/* Attributes                                                          */

static ssize_t ktgt_bs_enable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_ktgt_dev(item)->enabled));
}

/*
 * 1 opens the backend, 0 closes it; the errors of ktgt_dev_enable() and
 * ktgt_dev_disable() are returned as they are (disable: -EBUSY while a LUN
 * maps the backstore).  Writing the current state again is a no-op.
 */
static ssize_t ktgt_bs_enable_store(struct config_item *item,
				    const char *page, size_t count)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 0, 1, &v);
	if (ret)
		return ret;

	ret = v ? ktgt_dev_enable(dev) : ktgt_dev_disable(dev);
	return ret ? ret : count;
}

static ssize_t ktgt_bs_size_bytes_show(struct config_item *item, char *page)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	u64 size;

	mutex_lock(&dev->lock);
	size = dev->size_bytes;
	mutex_unlock(&dev->lock);
	return sysfs_emit(page, "%llu\n", size);
}

/*
 * Multiple of 512; the capacity is size_bytes / block_size whole blocks.
 * Written while enabled it resizes the LU live (ktgt_dev_resize()).
 */
static ssize_t ktgt_bs_size_bytes_store(struct config_item *item,
					const char *page, size_t count)
{
	u64 v;
	int ret;

	ret = kstrtou64(page, 10, &v);
	if (ret)
		return -EINVAL;
	ret = ktgt_dev_resize(to_ktgt_dev(item), v);
	return ret ? ret : count;
}

static ssize_t ktgt_bs_block_size_show(struct config_item *item, char *page)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);

	return sysfs_emit(page, "%u\n", READ_ONCE(dev->block_size));
}

static ssize_t ktgt_bs_block_size_store(struct config_item *item,
					const char *page, size_t count)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	u32 v;
	int ret;

	ret = kstrtou32(page, 10, &v);
	if (ret)
		return -EINVAL;
	if (v != 512 && v != 4096)
		return -EINVAL;

	mutex_lock(&dev->lock);
	if (dev->enabled) {
		ret = -EBUSY;
	} else {
		dev->block_size = v;
		dev->block_shift = ilog2(v);
	}
	mutex_unlock(&dev->lock);
	return ret ? ret : count;
}

static ssize_t ktgt_bs_unit_serial_show(struct config_item *item, char *page)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	ssize_t ret;

	mutex_lock(&dev->lock);
	ret = sysfs_emit(page, "%s\n", dev->unit_serial);
	mutex_unlock(&dev->lock);
	return ret;
}

/* Printable ASCII without blanks, < KTGT_SERIAL_MAX; may change live. */
static ssize_t ktgt_bs_unit_serial_store(struct config_item *item,
					 const char *page, size_t count)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	char buf[KTGT_SERIAL_MAX];
	int len, i;

	len = ktgt_cfs_get_str(page, count, buf, sizeof(buf));
	if (len < 0)
		return len;
	for (i = 0; i < len; i++)
		if (!isgraph(buf[i]))
			return -EINVAL;

	mutex_lock(&dev->lock);
	strscpy(dev->unit_serial, buf, sizeof(dev->unit_serial));
	mutex_unlock(&dev->lock);
	return count;
}

static ssize_t ktgt_bs_readonly_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_ktgt_dev(item)->readonly));
}

/*
 * May change live: commands check it when they are parsed.  A file or
 * block backstore enabled read-only was opened read-only: 0 is refused
 * (-EBUSY) until it is disabled.
 */
static ssize_t ktgt_bs_readonly_store(struct config_item *item,
				      const char *page, size_t count)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 0, 1, &v);
	if (ret)
		return ret;
	mutex_lock(&dev->lock);
	if (!v && dev->enabled && dev->open_ro)
		ret = -EBUSY;
	else
		WRITE_ONCE(dev->readonly, v);
	mutex_unlock(&dev->lock);
	return ret ? ret : count;
}

static ssize_t ktgt_bs_removable_show(struct config_item *item, char *page)
{
	return sysfs_emit(page, "%d\n", READ_ONCE(to_ktgt_dev(item)->removable));
}

/* 0/1, may change live: the medium is then loaded. */
static ssize_t ktgt_bs_removable_store(struct config_item *item,
				       const char *page, size_t count)
{
	u32 v;
	int ret;

	ret = ktgt_cfs_parse_u32(page, 0, 1, &v);
	if (ret)
		return ret;
	ktgt_dev_set_removable(to_ktgt_dev(item), v);
	return count;
}

/*
 * Persistent reservations as text (scsi_backend/pr.c): a binary attribute,
 * as 256 registrations take far more than a page.  configfs buffers the
 * writes and calls ->write once, at close.
 */
static ssize_t ktgt_bs_pr_state_read(struct config_item *item, void *buf,
				     size_t size)
{
	return ktgt_pr_state_read(to_ktgt_dev(item), buf, size);
}

static ssize_t ktgt_bs_pr_state_write(struct config_item *item,
				      const void *buf, size_t count)
{
	return ktgt_pr_state_write(to_ktgt_dev(item), buf, count);
}

static ssize_t ktgt_bs_path_show_common(struct config_item *item, char *page)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	ssize_t ret;

	mutex_lock(&dev->lock);
	ret = sysfs_emit(page, "%s\n", dev->path);
	mutex_unlock(&dev->lock);
	return ret;
}

/* An absolute path shorter than KTGT_PATH_MAX; -EBUSY while enabled. */
static ssize_t ktgt_bs_path_store_common(struct config_item *item,
					 const char *page, size_t count)
{
	struct ktgt_dev *dev = to_ktgt_dev(item);
	char buf[KTGT_PATH_MAX];
	int len;

	len = ktgt_cfs_get_str(page, count, buf, sizeof(buf));
	if (len < 0)
		return len;
	if (buf[0] != '/')
		return -EINVAL;

	mutex_lock(&dev->lock);
	if (dev->enabled)
		len = -EBUSY;
	else
		strscpy(dev->path, buf, sizeof(dev->path));
	mutex_unlock(&dev->lock);
	return len < 0 ? len : count;
}

static ssize_t ktgt_bs_dev_show(struct config_item *item, char *page)
{
	return ktgt_bs_path_show_common(item, page);
}

static ssize_t ktgt_bs_dev_store(struct config_item *item,
				 const char *page, size_t count)
{
	return ktgt_bs_path_store_common(item, page, count);
}

static ssize_t ktgt_bs_path_show(struct config_item *item, char *page)
{
	return ktgt_bs_path_show_common(item, page);
}

static ssize_t ktgt_bs_path_store(struct config_item *item,
				  const char *page, size_t count)
{
	return ktgt_bs_path_store_common(item, page, count);
}

CONFIGFS_ATTR(ktgt_bs_, enable);
CONFIGFS_ATTR(ktgt_bs_, size_bytes);
CONFIGFS_ATTR(ktgt_bs_, block_size);
CONFIGFS_ATTR(ktgt_bs_, unit_serial);
CONFIGFS_ATTR(ktgt_bs_, readonly);
CONFIGFS_ATTR(ktgt_bs_, removable);
CONFIGFS_ATTR(ktgt_bs_, dev);
CONFIGFS_ATTR(ktgt_bs_, path);
CONFIGFS_BIN_ATTR(ktgt_bs_, pr_state, NULL, KTGT_PR_STATE_MAX);

static struct configfs_bin_attribute *ktgt_bs_bin_attrs[] = {
	&ktgt_bs_attr_pr_state,
	NULL,
};

static struct configfs_attribute *ktgt_bs_mem_attrs[] = {
	&ktgt_bs_attr_enable,
	&ktgt_bs_attr_size_bytes,
	&ktgt_bs_attr_block_size,
	&ktgt_bs_attr_unit_serial,
	&ktgt_bs_attr_readonly,
	&ktgt_bs_attr_removable,
	NULL,
};

static struct configfs_attribute *ktgt_bs_block_attrs[] = {
	&ktgt_bs_attr_enable,
	&ktgt_bs_attr_size_bytes,
	&ktgt_bs_attr_block_size,
	&ktgt_bs_attr_unit_serial,
	&ktgt_bs_attr_readonly,
	&ktgt_bs_attr_removable,
	&ktgt_bs_attr_dev,
	NULL,
};

static struct configfs_attribute *ktgt_bs_file_attrs[] = {
	&ktgt_bs_attr_enable,
	&ktgt_bs_attr_size_bytes,
	&ktgt_bs_attr_block_size,
	&ktgt_bs_attr_unit_serial,
	&ktgt_bs_attr_readonly,
	&ktgt_bs_attr_removable,
	&ktgt_bs_attr_path,
	NULL,
};

/* ------------------------------------------------------------------ */
/* The dev item and the per-type groups                                */

static void ktgt_bs_dev_release(struct config_item *item)
{
	ktgt_dev_put(to_ktgt_dev(item));
}

static struct configfs_item_operations ktgt_bs_dev_item_ops = {
	.release	= ktgt_bs_dev_release,
};

static const struct config_item_type ktgt_bs_dev_types[KTGT_DEV_NR_TYPES] = {
	[KTGT_DEV_RAM] = {
		.ct_item_ops	= &ktgt_bs_dev_item_ops,
		.ct_attrs	= ktgt_bs_mem_attrs,
		.ct_bin_attrs	= ktgt_bs_bin_attrs,
		.ct_owner	= THIS_MODULE,
	},
	[KTGT_DEV_NULL] = {
		.ct_item_ops	= &ktgt_bs_dev_item_ops,
		.ct_attrs	= ktgt_bs_mem_attrs,
		.ct_bin_attrs	= ktgt_bs_bin_attrs,
		.ct_owner	= THIS_MODULE,
	},
	[KTGT_DEV_BLOCK] = {
		.ct_item_ops	= &ktgt_bs_dev_item_ops,
		.ct_attrs	= ktgt_bs_block_attrs,
		.ct_bin_attrs	= ktgt_bs_bin_attrs,
		.ct_owner	= THIS_MODULE,
	},
	[KTGT_DEV_FILE] = {
		.ct_item_ops	= &ktgt_bs_dev_item_ops,
		.ct_attrs	= ktgt_bs_file_attrs,
		.ct_bin_attrs	= ktgt_bs_bin_attrs,
		.ct_owner	= THIS_MODULE,
	},
};

/**
 * ktgt_cfs_item_to_dev() - the backstore behind a configfs item
 * @item: any item of the ktgt tree (e.g. a symlink target)
 *
 * Return: the dev, or NULL when @item is not a backstore directory.
 */
struct ktgt_dev *ktgt_cfs_item_to_dev(struct config_item *item)
{
	int i;

	for (i = 0; i < KTGT_DEV_NR_TYPES; i++)
		if (item->ci_type == &ktgt_bs_dev_types[i])
			return to_ktgt_dev(item);
	return NULL;
}

static struct config_group *ktgt_bs_make_group(struct config_group *group,
					       const char *name)
{
	int type = ktgt_cfs_hba_type(group);
	struct ktgt_dev *dev;

	if (type < 0)
		return ERR_PTR(-EINVAL);
	if (strlen(name) >= KTGT_DEV_NAME_MAX)
		return ERR_PTR(-ENAMETOOLONG);

	dev = ktgt_dev_alloc(type, name);
	if (IS_ERR(dev))
		return ERR_CAST(dev);
	if (!dev)
		return ERR_PTR(-ENOMEM);

	config_group_init_type_name(&dev->group, name,
				    &ktgt_bs_dev_types[type]);
	ktgt_cfs_alua_init(dev);
	return &dev->group;
}

static void ktgt_bs_drop_item(struct config_group *group,
			      struct config_item *item)
{
	ktgt_cfs_alua_remove(to_ktgt_dev(item));
	config_item_put(item);
}

static struct configfs_group_operations ktgt_bs_hba_group_ops = {
	.make_group	= ktgt_bs_make_group,
	.drop_item	= ktgt_bs_drop_item,
};

const struct config_item_type ktgt_bs_hba_type = {
	.ct_group_ops	= &ktgt_bs_hba_group_ops,
	.ct_owner	= THIS_MODULE,
};
