// SPDX-License-Identifier: GPL-2.0
/*
 * Task attributes (SAM-5 8.6) in the task set of a logical unit.
 *
 * The control mode page reports TST 000b: one task set per logical unit,
 * shared by every I_T nexus, so the state lives in the backstore
 * (dev->ts).  A task enters the set when the transport delivers it in
 * command order (ktgt_scsi_enter()) and leaves it when it completes:
 *
 * - SIMPLE (and untagged): enabled at once unless an ORDERED or a HEAD OF
 *   QUEUE task entered before it and has not completed;
 * - ORDERED: enabled once every task that entered before it has
 *   completed; every task that enters after it (but HEAD OF QUEUE) waits
 *   for it to complete;
 * - HEAD OF QUEUE: enabled at once, ahead of any dormant task; the tasks
 *   that enter after it wait for it (SAM-5 8.6.3: a SIMPLE task waits for
 *   older HEAD OF QUEUE and ORDERED tasks), but a later HEAD OF QUEUE;
 * - ACA: refused (NormACA 0), see ktgt_ts_check_attr().
 *
 * The fast path, a SIMPLE task with no ORDERED task around, touches one
 * per-LU atomic counter (@nr_enabled) and reads @gate.  It pairs with the
 * ORDERED path like Dekker's algorithm: the SIMPLE task increments the
 * counter, then reads the gate; an ORDERED task raises the gate, then
 * reads the counter, both with a full barrier in between, so at least one
 * sees the other.  A SIMPLE task that finds the gate raised takes the
 * lock, drops its count and queues itself as dormant; whoever brings the
 * counter to zero while the gate is raised re-examines the dormant list.
 *
 * Dormant tasks sit on ts->dormant in arrival order.  A task may still
 * receive its data while dormant; ktgt_scsi_execute() then only marks it
 * (ts_exec) and ktgt_ts_restart() queues cmd->work to run it once it is
 * enabled (completions come from any context, execution needs a process).
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/workqueue.h>

#include "ktgt_scsi_int.h"
#include "ktgt_taskattr.h"

void ktgt_task_set_init(struct ktgt_task_set *ts)
{
	atomic_set(&ts->nr_enabled, 0);
	atomic_set(&ts->gate, 0);
	spin_lock_init(&ts->lock);
	ts->ordered_active = false;
	ts->hoq_active = 0;
	INIT_LIST_HEAD(&ts->dormant);
}

static void ktgt_ts_work(struct work_struct *w)
{
	struct ktgt_cmd *cmd = container_of(w, struct ktgt_cmd, work);
	struct ktgt_task_set *ts = &cmd->dev->ts;
	unsigned long flags;

	spin_lock_irqsave(&ts->lock, flags);
	WRITE_ONCE(cmd->ts_state, KTGT_TS_ENABLED);
	spin_unlock_irqrestore(&ts->lock, flags);
	ktgt_scsi_run(cmd);
}

/* Under ts->lock: @cmd, off the dormant list and counted, may run. */
static void ktgt_ts_enable(struct ktgt_cmd *cmd)
{
	if (cmd->ts_exec) {
		WRITE_ONCE(cmd->ts_state, KTGT_TS_QUEUED);
		INIT_WORK(&cmd->work, ktgt_ts_work);
		queue_work(ktgt_scsi_wq, &cmd->work);
	} else {
		/* its data is still coming: ktgt_scsi_execute() runs it */
		smp_store_release(&cmd->ts_state, KTGT_TS_ENABLED);
	}
}

/*
 * Under ts->lock: enable the dormant tasks that may run now, in arrival
 * order, and set the gate for the SIMPLE tasks to come.
 */
static void ktgt_ts_restart(struct ktgt_task_set *ts)
{
	struct ktgt_cmd *cmd, *tmp;

	lockdep_assert_held(&ts->lock);
	list_for_each_entry_safe(cmd, tmp, &ts->dormant, ts_node) {
		if (ts->ordered_active || ts->hoq_active)
			break;
		if (cmd->task_attr == KTGT_TASK_ORDERED) {
			/* every task enabled before it must be done */
			if (atomic_read(&ts->nr_enabled))
				break;
			ts->ordered_active = true;
		} else {
			atomic_inc(&ts->nr_enabled);
		}
		list_del_init(&cmd->ts_node);
		ktgt_ts_enable(cmd);
	}
	atomic_set(&ts->gate, ts->ordered_active || ts->hoq_active ||
		   !list_empty(&ts->dormant));
}

void ktgt_scsi_enter(struct ktgt_cmd *cmd)
{
	struct ktgt_task_set *ts;
	unsigned long flags;

	if (!cmd->dev || cmd->status != KTGT_SAM_GOOD || !cmd->execute ||
	    cmd->ts_state != KTGT_TS_NONE)
		return;
	ts = &cmd->dev->ts;
	cmd->ts_exec = false;
	INIT_LIST_HEAD(&cmd->ts_node);

	if (cmd->task_attr == KTGT_TASK_HEAD_OF_QUEUE) {
		/* runs at once; the tasks after it take the lock and wait */
		spin_lock_irqsave(&ts->lock, flags);
		ts->hoq_active++;
		atomic_inc(&ts->nr_enabled);
		atomic_set(&ts->gate, 1);
		cmd->ts_state = KTGT_TS_ENABLED;
		spin_unlock_irqrestore(&ts->lock, flags);
		return;
	}
	if (cmd->task_attr != KTGT_TASK_ORDERED) {
		atomic_inc(&ts->nr_enabled);
		smp_mb__after_atomic();		/* count, then read the gate */
		if (likely(!atomic_read(&ts->gate))) {
			cmd->ts_state = KTGT_TS_ENABLED;
			return;
		}
		spin_lock_irqsave(&ts->lock, flags);
		atomic_dec(&ts->nr_enabled);	/* restart counts it again */
	} else {
		spin_lock_irqsave(&ts->lock, flags);
		atomic_set(&ts->gate, 1);
		smp_mb();			/* the gate, then read the count */
	}
	cmd->ts_state = KTGT_TS_DORMANT;
	list_add_tail(&cmd->ts_node, &ts->dormant);
	ktgt_ts_restart(ts);
	spin_unlock_irqrestore(&ts->lock, flags);
}

bool ktgt_ts_hold(struct ktgt_cmd *cmd)
{
	struct ktgt_task_set *ts;
	unsigned long flags;
	bool held = false;

	if (smp_load_acquire(&cmd->ts_state) != KTGT_TS_DORMANT)
		return false;
	ts = &cmd->dev->ts;
	spin_lock_irqsave(&ts->lock, flags);
	if (cmd->ts_state == KTGT_TS_DORMANT) {
		cmd->ts_exec = true;
		held = true;
	}
	spin_unlock_irqrestore(&ts->lock, flags);
	return held;
}

/* Under ts->lock: the counts of an enabled (or queued) @cmd that leaves. */
static void ktgt_ts_uncount(struct ktgt_task_set *ts, struct ktgt_cmd *cmd)
{
	if (cmd->task_attr == KTGT_TASK_ORDERED) {
		ts->ordered_active = false;
		return;
	}
	if (cmd->task_attr == KTGT_TASK_HEAD_OF_QUEUE)
		ts->hoq_active--;
	atomic_dec(&ts->nr_enabled);
}

void ktgt_ts_leave(struct ktgt_cmd *cmd)
{
	struct ktgt_task_set *ts = &cmd->dev->ts;
	unsigned long flags;

	if (smp_load_acquire(&cmd->ts_state) == KTGT_TS_ENABLED &&
	    cmd->task_attr != KTGT_TASK_ORDERED &&
	    cmd->task_attr != KTGT_TASK_HEAD_OF_QUEUE) {
		cmd->ts_state = KTGT_TS_NONE;
		/* fully ordered: pairs with the barrier of an ORDERED entry */
		if (atomic_dec_return(&ts->nr_enabled) || !atomic_read(&ts->gate))
			return;
		spin_lock_irqsave(&ts->lock, flags);
		ktgt_ts_restart(ts);
		spin_unlock_irqrestore(&ts->lock, flags);
		return;
	}
	spin_lock_irqsave(&ts->lock, flags);
	switch (cmd->ts_state) {
	case KTGT_TS_DORMANT:
		list_del_init(&cmd->ts_node);
		break;
	case KTGT_TS_QUEUED:
		/* not for a command passed to ktgt_scsi_execute() */
		WARN_ON_ONCE(!cancel_work(&cmd->work));
		fallthrough;
	case KTGT_TS_ENABLED:
		ktgt_ts_uncount(ts, cmd);
		break;
	default:
		break;
	}
	cmd->ts_state = KTGT_TS_NONE;
	ktgt_ts_restart(ts);
	spin_unlock_irqrestore(&ts->lock, flags);
}

void ktgt_scsi_release(struct ktgt_cmd *cmd)
{
	if (cmd->dev && READ_ONCE(cmd->ts_state) != KTGT_TS_NONE)
		ktgt_ts_leave(cmd);
}

bool ktgt_ts_abort(struct ktgt_cmd *cmd)
{
	struct ktgt_task_set *ts;
	unsigned long flags;
	u8 state;

	if (!cmd->dev)
		return false;
	state = smp_load_acquire(&cmd->ts_state);
	if (state != KTGT_TS_DORMANT && state != KTGT_TS_QUEUED)
		return false;
	ts = &cmd->dev->ts;
	spin_lock_irqsave(&ts->lock, flags);
	switch (cmd->ts_state) {
	case KTGT_TS_DORMANT:
		if (!cmd->ts_exec)
			goto running;	/* the transport still owns it */
		list_del_init(&cmd->ts_node);
		break;
	case KTGT_TS_QUEUED:
		/* once its work has started, it runs */
		if (!cancel_work(&cmd->work))
			goto running;
		ktgt_ts_uncount(ts, cmd);
		break;
	default:
		goto running;
	}
	cmd->ts_state = KTGT_TS_NONE;
	ktgt_ts_restart(ts);
	spin_unlock_irqrestore(&ts->lock, flags);
	cmd->xfer_len = 0;
	ktgt_cmd_complete(cmd, KTGT_SAM_TASK_ABORTED);
	return true;
running:
	spin_unlock_irqrestore(&ts->lock, flags);
	return false;
}

/*
 * SAM-5 8.6.5: NormACA is 0 in the standard INQUIRY data (and the NACA bit
 * of every CDB is refused), so the ACA attribute is not supported and,
 * like any field the device server does not support, is answered with
 * ILLEGAL REQUEST, INVALID FIELD IN CDB (no field pointer: the attribute
 * is not in the CDB).
 */
bool ktgt_ts_check_attr(struct ktgt_cmd *cmd)
{
	if (likely(cmd->task_attr != KTGT_TASK_ACA))
		return false;
	ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST, KTGT_ASC_INVALID_FIELD_IN_CDB);
	return true;
}
