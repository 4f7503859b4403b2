/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Task attributes (SAM-5 8.6): the task set of a logical unit, shared by
 * every I_T nexus (control mode page TST 000b).  taskattr.c.
 */
#ifndef KTGT_TASKATTR_H
#define KTGT_TASKATTR_H

#include <linux/types.h>
#include <linux/atomic.h>
#include <linux/cache.h>
#include <linux/list.h>
#include <linux/spinlock.h>

struct ktgt_cmd;

/* cmd->task_attr, set by the transport before ktgt_scsi_parse() */
enum ktgt_task_attr {
	KTGT_TASK_SIMPLE,		/* and untagged */
	KTGT_TASK_ORDERED,
	KTGT_TASK_HEAD_OF_QUEUE,
	KTGT_TASK_ACA,			/* refused: NormACA 0 */
};

/*
 * The task set of one logical unit.  SIMPLE tasks with no ORDERED task in
 * the set only count themselves in @nr_enabled and read @gate; the rest
 * goes under @lock.
 */
struct ktgt_task_set {
	atomic_t nr_enabled;		/* enabled SIMPLE and HEAD OF QUEUE tasks */
	atomic_t gate;			/* !0: new SIMPLE tasks take the lock */
	spinlock_t lock;		/* irq-safe: completions come from bio end_io */
	bool ordered_active;		/* an ORDERED task is enabled */
	unsigned int hoq_active;	/* enabled HEAD OF QUEUE tasks */
	struct list_head dormant;	/* of ktgt_cmd, in arrival order */
} ____cacheline_aligned_in_smp;

void ktgt_task_set_init(struct ktgt_task_set *ts);

/**
 * ktgt_scsi_enter() - a task enters the task set of its LU
 * @cmd: a parsed command (a failed one, or one without LU, is ignored)
 *
 * Call it in the order the commands are received (CmdSN order), from
 * process context, before its data phase.  The task is enabled at once
 * (SIMPLE with no ORDERED task before it, HEAD OF QUEUE) or stays dormant
 * until the tasks it must wait for complete: ktgt_scsi_execute() then
 * holds it back and runs it when it is enabled, and ktgt_scsi_abort()
 * ends it without running it.
 */
void ktgt_scsi_enter(struct ktgt_cmd *cmd);

/**
 * ktgt_scsi_release() - a task that never ran ends (freed, aborted)
 * @cmd: the command; a no-op if it is not in the task set (completed)
 *
 * Must not be called for a command passed to ktgt_scsi_execute() that has
 * not completed (ktgt_scsi_abort() ends a dormant one).  Any context.
 */
void ktgt_scsi_release(struct ktgt_cmd *cmd);

/* --- scsi_backend internals (core.c) --- */

/* SAM status of a task that ended by an abort (never sent: TAS 0) */
#define KTGT_SAM_TASK_ABORTED	0x40

/* cmd->ts_state */
enum {
	KTGT_TS_NONE,			/* not in the task set */
	KTGT_TS_ENABLED,		/* may run; counted */
	KTGT_TS_DORMANT,		/* on ts->dormant */
	KTGT_TS_QUEUED,			/* enabled, cmd->work queued to run it */
};

/* ktgt_scsi_parse(): refuse the ACA attribute (true: cmd failed) */
bool ktgt_ts_check_attr(struct ktgt_cmd *cmd);
/* ktgt_scsi_execute(): true if @cmd must wait (it runs when enabled) */
bool ktgt_ts_hold(struct ktgt_cmd *cmd);
/*
 * ktgt_scsi_abort(): end @cmd at once, without running it, if it is held
 * back (completed with TASK ABORTED through cmd->done); false if it runs
 */
bool ktgt_ts_abort(struct ktgt_cmd *cmd);
/* ktgt_cmd_complete(): @cmd leaves the task set */
void ktgt_ts_leave(struct ktgt_cmd *cmd);
/* core.c: ktgt_scsi_execute() past the task attribute */
void ktgt_scsi_run(struct ktgt_cmd *cmd);

#endif /* KTGT_TASKATTR_H */
