// SPDX-License-Identifier: GPL-2.0
/*
 * Unit attention conditions (SAM-5 5.14, SPC-4 5.14 with UA_INTLCK_CTRL
 * set to 0) and the rest of what a logical unit keeps per I_T nexus: the
 * PREVENT ALLOW MEDIUM REMOVAL state.
 *
 * A backstore keeps one struct ktgt_ua_nexus per I_T nexus that has
 * addressed it, created on the nexus's first command to it and freed when
 * the nexus ends (ktgt_ua_nexus_gone(), ktgt_dev_nexus_gone()) or the
 * backstore is freed.  Each holds a FIFO of up to KTGT_UA_QUEUE_LEN
 * pending conditions.  A nexus that never addressed the LU has no entry
 * and so receives no unit attention: it has no state the condition could
 * invalidate.  A new I_T nexus starts without any condition (no POWER ON
 * unit attention, as Linux's LIO target does), so that a fresh login's
 * first command succeeds.
 *
 * REPORTED LUNS DATA HAS CHANGED concerns the I_T nexus, not one LU: it
 * is a bit in nexus->ua_flags, reported on the nexus's next command to
 * any LUN after the conditions of that LU, and cleared by REPORT LUNS.
 *
 * Every list and queue is under ktgt_ua_lock (irq-safe: conditions may be
 * raised from completion context).  The command path looks its entry up
 * under RCU and takes the lock only when something is pending.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/rculist.h>

#include "ktgt_scsi_int.h"

#define KTGT_UA_QUEUE_LEN	8
#define KTGT_UA_F_LUNS_CHANGED	0	/* bit of nexus->ua_flags */

struct ktgt_ua_nexus {
	struct list_head dev_node;	/* dev->ua_nexuses, RCU */
	struct list_head nexus_node;	/* nexus->ua_entries */
	const struct ktgt_nexus *nexus;	/* compared only */
	u8 first;			/* oldest condition in conds[] */
	u8 nr;				/* conditions pending */
	bool overflow;			/* a condition found the queue full */
	bool prevent;			/* PREVENT ALLOW MEDIUM REMOVAL */
	u16 conds[KTGT_UA_QUEUE_LEN];	/* ASC << 8 | ASCQ */
	struct rcu_head rcu;
};

static DEFINE_SPINLOCK(ktgt_ua_lock);

void ktgt_ua_nexus_init(struct ktgt_nexus *nexus)
{
	nexus->ua_flags = 0;
	INIT_LIST_HEAD(&nexus->ua_entries);
}

static struct ktgt_ua_nexus *ktgt_ua_find(struct ktgt_dev *dev,
					  const struct ktgt_nexus *nexus)
{
	struct ktgt_ua_nexus *e;

	list_for_each_entry_rcu(e, &dev->ua_nexuses, dev_node,
				lockdep_is_held(&ktgt_ua_lock))
		if (e->nexus == nexus)
			return e;
	return NULL;
}

static void ktgt_ua_free(struct ktgt_ua_nexus *e)
{
	lockdep_assert_held(&ktgt_ua_lock);
	list_del_rcu(&e->dev_node);
	list_del(&e->nexus_node);
	kfree_rcu(e, rcu);
}

/* The entry for (@dev, @nexus), created if missing; false without memory. */
static bool ktgt_ua_establish(struct ktgt_dev *dev, struct ktgt_nexus *nexus)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;

	e = kzalloc(sizeof(*e), GFP_NOIO | __GFP_NOWARN);
	if (!e)
		return false;
	e->nexus = nexus;
	spin_lock_irqsave(&ktgt_ua_lock, flags);
	if (ktgt_ua_find(dev, nexus)) {
		kfree(e);
	} else {
		list_add_tail_rcu(&e->dev_node, &dev->ua_nexuses);
		list_add_tail(&e->nexus_node, &nexus->ua_entries);
	}
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
	return true;
}

/*
 * Queue @cond unless it is already pending.  A full queue keeps its
 * oldest conditions; the loss is reported with the last of them.
 */
static void ktgt_ua_push(struct ktgt_ua_nexus *e, u16 cond)
{
	unsigned int i;

	lockdep_assert_held(&ktgt_ua_lock);
	for (i = 0; i < e->nr; i++)
		if (e->conds[(e->first + i) % KTGT_UA_QUEUE_LEN] == cond)
			return;
	if (e->nr == KTGT_UA_QUEUE_LEN) {
		e->overflow = true;
		return;
	}
	e->conds[(e->first + e->nr) % KTGT_UA_QUEUE_LEN] = cond;
	WRITE_ONCE(e->nr, e->nr + 1);
}

/* Dequeue the oldest condition of (@dev, @nexus) into *@cond. */
static bool ktgt_ua_pop(struct ktgt_dev *dev, const struct ktgt_nexus *nexus,
			u16 *cond, bool *lost)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;
	bool found = false;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	e = ktgt_ua_find(dev, nexus);
	if (e && e->nr) {
		*cond = e->conds[e->first];
		e->first = (e->first + 1) % KTGT_UA_QUEUE_LEN;
		WRITE_ONCE(e->nr, e->nr - 1);
		*lost = !e->nr && e->overflow;
		if (!e->nr)
			e->overflow = false;
		found = true;
	}
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
	return found;
}

void ktgt_ua_raise(struct ktgt_dev *dev, const struct ktgt_nexus *nexus,
		   u16 asc_ascq)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	e = ktgt_ua_find(dev, nexus);
	if (e)
		ktgt_ua_push(e, asc_ascq);
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
}

void ktgt_ua_raise_match(struct ktgt_dev *dev,
			 bool (*match)(const struct ktgt_nexus *nexus, const void *arg),
			 const void *arg, u16 asc_ascq)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;

	/* an entry leaves the list, under this lock, before its nexus ends */
	spin_lock_irqsave(&ktgt_ua_lock, flags);
	list_for_each_entry(e, &dev->ua_nexuses, dev_node)
		if (match(e->nexus, arg))
			ktgt_ua_push(e, asc_ascq);
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
}

void ktgt_ua_raise_others(struct ktgt_dev *dev,
			  const struct ktgt_nexus *except, u16 asc_ascq)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	list_for_each_entry(e, &dev->ua_nexuses, dev_node)
		if (e->nexus != except)
			ktgt_ua_push(e, asc_ascq);
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
}

void ktgt_ua_raise_all(struct ktgt_dev *dev, u16 asc_ascq)
{
	ktgt_ua_raise_others(dev, NULL, asc_ascq);
}

void ktgt_ua_luns_changed(struct ktgt_nexus *nexus)
{
	set_bit(KTGT_UA_F_LUNS_CHANGED, &nexus->ua_flags);
}

/* A reset (LU reset, target reset): every nexus is told, preventions end. */
void ktgt_ua_reset(struct ktgt_dev *dev, u16 asc_ascq)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	list_for_each_entry(e, &dev->ua_nexuses, dev_node) {
		e->prevent = false;
		ktgt_ua_push(e, asc_ascq);
	}
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
}

void ktgt_ua_nexus_gone(struct ktgt_nexus *nexus)
{
	struct ktgt_ua_nexus *e, *tmp;
	unsigned long flags;

	if (!nexus->ua_entries.next)		/* never initialised */
		return;
	spin_lock_irqsave(&ktgt_ua_lock, flags);
	list_for_each_entry_safe(e, tmp, &nexus->ua_entries, nexus_node)
		ktgt_ua_free(e);
	nexus->ua_flags = 0;
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
}

void ktgt_ua_dev_nexus_gone(struct ktgt_dev *dev,
			    const struct ktgt_nexus *nexus)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	e = ktgt_ua_find(dev, nexus);
	if (e)
		ktgt_ua_free(e);
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
}

/* The backstore is being freed: no command can reach it any more. */
void ktgt_ua_dev_free(struct ktgt_dev *dev)
{
	struct ktgt_ua_nexus *e, *tmp;
	unsigned long flags;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	list_for_each_entry_safe(e, tmp, &dev->ua_nexuses, dev_node)
		ktgt_ua_free(e);
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
}

static bool ktgt_ua_exempt(u8 opcode)
{
	return opcode == KTGT_OP_INQUIRY || opcode == KTGT_OP_REPORT_LUNS ||
	       opcode == KTGT_OP_REQUEST_SENSE;
}

/* The next condition for @cmd's nexus: the LU's oldest, then the nexus's. */
static bool ktgt_ua_next(struct ktgt_cmd *cmd, bool pending, u16 *cond,
			 bool *lost)
{
	struct ktgt_nexus *nx = cmd->nexus;

	*lost = false;
	if (pending && ktgt_ua_pop(cmd->dev, nx, cond, lost))
		return true;
	if (test_and_clear_bit(KTGT_UA_F_LUNS_CHANGED, &nx->ua_flags)) {
		*cond = KTGT_UA_REPORTED_LUNS_CHANGED;
		return true;
	}
	return false;
}

static void ktgt_ua_sense(struct ktgt_sense_err *e, u16 cond, bool lost)
{
	ktgt_sense_set(e, KTGT_SK_UNIT_ATTENTION, cond);
	e->sdat_ovfl = lost;
}

bool ktgt_ua_check(struct ktgt_cmd *cmd)
{
	struct ktgt_nexus *nx = cmd->nexus;
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_ua_nexus *e;
	struct ktgt_sense_err se;
	bool pending = false, found = true, lost;
	u16 cond;

	if (!nx || !nx->ua_entries.next)	/* transport without UAs */
		return false;
	if (cmd->cdb[0] == KTGT_OP_REPORT_LUNS)
		clear_bit(KTGT_UA_F_LUNS_CHANGED, &nx->ua_flags);
	if (dev) {
		rcu_read_lock();
		e = ktgt_ua_find(dev, nx);
		if (e)
			pending = READ_ONCE(e->nr);
		else
			found = false;
		rcu_read_unlock();
		if (!found)
			ktgt_ua_establish(dev, nx);
	}
	if (ktgt_ua_exempt(cmd->cdb[0]))
		return false;
	if (!pending && !test_bit(KTGT_UA_F_LUNS_CHANGED, &nx->ua_flags))
		return false;
	if (!ktgt_ua_next(cmd, pending, &cond, &lost))
		return false;
	ktgt_ua_sense(&se, cond, lost);
	ktgt_cmd_set_err(cmd, &se);
	return true;
}

bool ktgt_ua_request_sense(struct ktgt_cmd *cmd, struct ktgt_sense_err *se)
{
	u16 cond;
	bool lost;

	if (!cmd->dev || !cmd->nexus || !cmd->nexus->ua_entries.next)
		return false;
	if (!ktgt_ua_next(cmd, true, &cond, &lost))
		return false;
	ktgt_ua_sense(se, cond, lost);
	return true;
}

/* ------------------------------------------------------------------ */
/* Removable medium: prevention per nexus, load and eject               */

int ktgt_ua_set_prevent(struct ktgt_cmd *cmd, bool prevent)
{
	struct ktgt_ua_nexus *e;
	unsigned long flags;
	int ret = -ENOMEM;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	e = ktgt_ua_find(cmd->dev, cmd->nexus);
	if (e) {
		e->prevent = prevent;
		ret = 0;
	}
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
	return ret;
}

static bool ktgt_ua_prevented(struct ktgt_dev *dev)
{
	struct ktgt_ua_nexus *e;

	lockdep_assert_held(&ktgt_ua_lock);
	list_for_each_entry(e, &dev->ua_nexuses, dev_node)
		if (e->prevent)
			return true;
	return false;
}

/*
 * START STOP UNIT with LOEJ: load (@load) or eject the medium; -EBUSY
 * while any I_T nexus prevents medium removal.  A load tells the other
 * nexuses NOT READY TO READY CHANGE, MEDIUM MAY HAVE CHANGED.
 */
int ktgt_ua_load_eject(struct ktgt_cmd *cmd, bool load)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_ua_nexus *e;
	unsigned long flags;
	int ret = 0;

	spin_lock_irqsave(&ktgt_ua_lock, flags);
	if (ktgt_ua_prevented(dev)) {
		ret = -EBUSY;
	} else if (load && READ_ONCE(dev->no_medium)) {
		WRITE_ONCE(dev->no_medium, false);
		list_for_each_entry(e, &dev->ua_nexuses, dev_node)
			if (e->nexus != cmd->nexus)
				ktgt_ua_push(e, KTGT_UA_NOT_READY_TO_READY);
	} else if (!load) {
		WRITE_ONCE(dev->no_medium, true);
	}
	spin_unlock_irqrestore(&ktgt_ua_lock, flags);
	return ret;
}
