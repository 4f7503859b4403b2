/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Command counters: per LUN (per-CPU, read by summing) and per session
 * (atomics).  Updated once per command where its response is built
 * (ktgt_task_respond()) and where a task is aborted; read from configfs
 * (lun_L/statistics/, tpgt_N/sessions).  See Documentation/configfs-abi.rst.
 */
#ifndef KTGT_STATS_H
#define KTGT_STATS_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/sched/clock.h>

struct ktgt_lun;
struct ktgt_task;
struct ktgt_tpg;

/* One CPU's share of a LUN's counters. */
struct ktgt_lun_stats {
	u64 cmds;
	u64 read_bytes;
	u64 write_bytes;
	u64 errors;			/* status other than GOOD */
	u64 aborts;
	u64 lat_total_us;		/* arrival to response, summed */
	u64 lat_max_us;
};

struct ktgt_sess_stats {
	atomic64_t cmds;
	atomic64_t read_bytes;
	atomic64_t write_bytes;
	atomic64_t errors;
	atomic64_t aborts;
};

/* iscsi_tgt/stats.c: the hot-path hooks */
void ktgt_stats_task_done(struct ktgt_task *task);
void ktgt_stats_task_abort(struct ktgt_task *task);
/*
 * The latency clock: local_clock() reads the TSC where ktime_get_ns() may
 * read a slow clocksource (HPET); across CPUs it may be off by less than
 * a tick when the TSCs are not synchronized, so a negative span counts 0.
 */
static inline u64 ktgt_stats_now(void)
{
	return local_clock();
}

/* tpgt_N/sessions: format the TPG's sessions into @buf (NULL: measure). */
ssize_t ktgt_tpg_sessions_format(struct ktgt_tpg *tpg, char *buf, size_t size);

/* configfs/stats.c: tpgt_N/sessions (largest listing) and lun_L/statistics/ */
#define KTGT_SESSIONS_MAX	(1U << 20)
struct configfs_bin_attribute;
extern struct configfs_bin_attribute *ktgt_tpg_bin_attrs[];
int ktgt_lun_stats_init(struct ktgt_lun *lun);
void ktgt_lun_stats_free(struct ktgt_lun *lun);
/* Sum of every CPU's counters (max for lat_max_us). */
void ktgt_lun_stats_sum(struct ktgt_lun *lun, struct ktgt_lun_stats *out);

#endif /* KTGT_STATS_H */
