// SPDX-License-Identifier: GPL-2.0
/*
 * Read-only statistics in configfs: tpgt_N/lun/lun_L/statistics/ (one
 * counter per file) and tpgt_N/sessions (a binary attribute, so that the
 * listing is not limited to one page).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/configfs.h>
#include <linux/percpu.h>
#include <linux/slab.h>

#include "ktgt_cfs.h"
#include "ktgt_stats.h"

void ktgt_lun_stats_sum(struct ktgt_lun *lun, struct ktgt_lun_stats *out)
{
	int cpu;

	memset(out, 0, sizeof(*out));
	for_each_possible_cpu(cpu) {
		const struct ktgt_lun_stats *s = per_cpu_ptr(lun->stats, cpu);

		out->cmds += READ_ONCE(s->cmds);
		out->read_bytes += READ_ONCE(s->read_bytes);
		out->write_bytes += READ_ONCE(s->write_bytes);
		out->errors += READ_ONCE(s->errors);
		out->aborts += READ_ONCE(s->aborts);
		out->lat_total_us += READ_ONCE(s->lat_total_us);
		out->lat_max_us = max(out->lat_max_us, READ_ONCE(s->lat_max_us));
	}
}

static struct ktgt_lun *ktgt_stats_to_lun(struct config_item *item)
{
	return container_of(to_config_group(item), struct ktgt_lun, stats_group);
}

#define KTGT_LUN_STAT(_name, _field)					\
static ssize_t ktgt_lun_stat_##_name##_show(struct config_item *item,	\
					    char *page)		\
{									\
	struct ktgt_lun_stats s;					\
									\
	ktgt_lun_stats_sum(ktgt_stats_to_lun(item), &s);		\
	return sysfs_emit(page, "%llu\n", s._field);			\
}									\
CONFIGFS_ATTR_RO(ktgt_lun_stat_, _name)

KTGT_LUN_STAT(cmds, cmds);
KTGT_LUN_STAT(read_bytes, read_bytes);
KTGT_LUN_STAT(write_bytes, write_bytes);
KTGT_LUN_STAT(errors, errors);
KTGT_LUN_STAT(aborts, aborts);
KTGT_LUN_STAT(latency_total_us, lat_total_us);
KTGT_LUN_STAT(latency_max_us, lat_max_us);

static struct configfs_attribute *ktgt_lun_stat_attrs[] = {
	&ktgt_lun_stat_attr_cmds,
	&ktgt_lun_stat_attr_read_bytes,
	&ktgt_lun_stat_attr_write_bytes,
	&ktgt_lun_stat_attr_errors,
	&ktgt_lun_stat_attr_aborts,
	&ktgt_lun_stat_attr_latency_total_us,
	&ktgt_lun_stat_attr_latency_max_us,
	NULL,
};

static const struct config_item_type ktgt_lun_stats_type = {
	.ct_attrs	= ktgt_lun_stat_attrs,
	.ct_owner	= THIS_MODULE,
};

/* Called by lun_L's make_group before it returns the group. */
int ktgt_lun_stats_init(struct ktgt_lun *lun)
{
	lun->stats = alloc_percpu(struct ktgt_lun_stats);
	if (!lun->stats)
		return -ENOMEM;
	config_group_init_type_name(&lun->stats_group, "statistics",
				    &ktgt_lun_stats_type);
	configfs_add_default_group(&lun->stats_group, &lun->group);
	return 0;
}

void ktgt_lun_stats_free(struct ktgt_lun *lun)
{
	free_percpu(lun->stats);
	lun->stats = NULL;
}

/* tpgt_N/sessions */
static ssize_t ktgt_tpg_sessions_read(struct config_item *item, void *buf,
				      size_t size)
{
	struct ktgt_tpg *tpg = container_of(to_config_group(item),
					    struct ktgt_tpg, group);

	return ktgt_tpg_sessions_format(tpg, buf, size);
}

CONFIGFS_BIN_ATTR_RO(ktgt_tpg_, sessions, NULL, KTGT_SESSIONS_MAX);

struct configfs_bin_attribute *ktgt_tpg_bin_attrs[] = {
	&ktgt_tpg_attr_sessions,
	NULL,
};
