// SPDX-License-Identifier: GPL-2.0
/*
 * Task management that reaches every I_T nexus of a logical unit
 * (RFC 7143 11.5, SAM-5 7, SPC-4 5.12.11.2.6).
 *
 * A connection's tasks belong to its io_work: they are created, moved and
 * freed there without a lock.  So a TMF (or a PREEMPT AND ABORT) cannot
 * end the tasks of another session itself: it posts an abort request on
 * each connection concerned (conn->tmf_reqs, under conn->tx_lock) and
 * queues its io_work, which carries the request out between two PDUs (a
 * task may be receiving data into its pages in the middle of one).  Each
 * request holds a reference on the TMF's waiting count, like each aborted
 * task that is still running in the backstore, so the response goes out
 * only when the last of them has ended.  A connection that closes instead
 * drops its requests in ktgt_tmf_conn_end(), once its tasks are freed; after
 * that nothing more is posted on it.
 *
 * The control mode page reports TST 000b (one task set shared by every
 * I_T nexus) and TAS 0: tasks of other nexuses that a TMF aborts end
 * without any response; the unit attention of the event tells their
 * initiators.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/atomic.h>

#include "ktgt_tmf.h"

/* Which tasks of the other connections an abort request reaches. */
struct ktgt_tmf_scope {
	struct ktgt_dev *dev;		/* tasks on this LU, or with NULL: */
	struct ktgt_target *tgt;	/* every task of this target's sessions */
	const struct ktgt_nexus *issuer; /* gets no @ua */
	bool keep_issuer;		/* and its tasks are not touched */
	/* NULL: every nexus; else only the nexuses it selects (atomic ctx) */
	bool (*match)(const struct ktgt_nexus *nexus, const void *arg);
	const void *arg;
	u16 ua;				/* raised on @dev for a nexus that lost tasks */
	bool close;			/* close the connections reached (cold reset) */
	bool one_task;			/* ABORT TASK: only the task with */
	u32 itt;			/* this ITT on */
	u64 lun_id;			/* this LUN */
};

/* An abort carried to another connection. */
struct ktgt_tmf_req {
	struct list_head node;		/* conn->tmf_reqs */
	struct ktgt_tmf *tmf;		/* holds a waiting count; or NULL */
	struct ktgt_dev *dev;		/* reference held; or NULL: */
	struct ktgt_target *tgt;	/* compared only */
	const struct ktgt_nexus *issuer; /* compared only */
	u16 ua;
	bool close;
	bool one_task;
	u32 itt;
	u64 lun_id;
};

/**
 * ktgt_tmf_alloc() - a TMF response for @conn, waiting for one reference
 * @conn: the connection the TMF came in on (a reference is taken)
 *
 * Return: the TMF with its response PDU, or NULL without memory.
 */
struct ktgt_tmf *ktgt_tmf_alloc(struct ktgt_conn *conn)
{
	struct ktgt_tmf *tmf;

	tmf = kzalloc(sizeof(*tmf), GFP_KERNEL);
	if (!tmf)
		return NULL;
	tmf->rsp = ktgt_tx_pdu_alloc(KTGT_OP_TMF_RSP, 0, GFP_KERNEL);
	if (!tmf->rsp) {
		kfree(tmf);
		return NULL;
	}
	atomic_set(&tmf->waiting, 1);
	kref_get(&conn->kref);
	tmf->conn = conn;
	return tmf;
}

/* Drop one wait; the last sends the response.  Any process context. */
void ktgt_tmf_put(struct ktgt_tmf *tmf)
{
	if (!atomic_dec_and_test(&tmf->waiting))
		return;
	/* the issuer may have closed meanwhile: nobody to answer */
	if (!ktgt_conn_queue_tx_live(tmf->conn, tmf->rsp))
		ktgt_tx_pdu_free(tmf->rsp);
	ktgt_conn_put(tmf->conn);
	kfree(tmf);
}

static void ktgt_tmf_req_free(struct ktgt_tmf_req *req)
{
	if (req->tmf)
		ktgt_tmf_put(req->tmf);
	ktgt_dev_put(req->dev);
	kfree(req);
}

struct ktgt_tmf_post {
	const struct ktgt_tmf_scope *s;
	struct ktgt_tmf *tmf;
	struct list_head free;		/* requests allocated beforehand */
};

/* Under ktgt_conns_lock: post a request on @conn if the scope reaches it. */
static void ktgt_tmf_post_one(struct ktgt_conn *conn, void *arg)
{
	struct ktgt_tmf_post *p = arg;
	const struct ktgt_tmf_scope *s = p->s;
	struct ktgt_session *sess;
	struct ktgt_tmf_req *req;
	unsigned long flags;

	if (p->tmf && conn == p->tmf->conn)
		return;			/* the issuing connection's: done already */
	spin_lock_irqsave(&conn->tx_lock, flags);
	/* the session stays attached until ktgt_tmf_conn_end() has run */
	sess = READ_ONCE(conn->sess);
	if (conn->tmf_closed || !sess || sess->type != KTGT_SESSION_NORMAL ||
	    (s->keep_issuer && &sess->nexus == s->issuer))
		goto out;
	if (s->tgt && (!sess->tpg || sess->tpg->tgt != s->tgt))
		goto out;
	if (s->match && !s->match(&sess->nexus, s->arg))
		goto out;
	req = list_first_entry_or_null(&p->free, struct ktgt_tmf_req, node);
	if (!req) {
		pr_warn_ratelimited("task management: no memory to abort the tasks of %s\n",
				    sess->initiator_name);
		goto out;
	}
	list_move_tail(&req->node, &conn->tmf_reqs);
	req->tmf = p->tmf;
	if (req->tmf)
		atomic_inc(&req->tmf->waiting);
	req->dev = s->dev;
	if (req->dev)
		ktgt_dev_get(req->dev);
	req->tgt = s->tgt;
	req->issuer = s->issuer;
	req->ua = s->ua;
	req->close = s->close;
	req->one_task = s->one_task;
	req->itt = s->itt;
	req->lun_id = s->lun_id;
	if (!conn->closing)
		queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
out:
	spin_unlock_irqrestore(&conn->tx_lock, flags);
}

/*
 * Abort tasks of other connections, for @tmf (NULL: nobody waits).
 * Process context, no lock held.  Returns once every request is posted;
 * the tasks end in their connections' io_work (or teardown).
 */
static void ktgt_tmf_abort_others(struct ktgt_tmf *tmf,
				  const struct ktgt_tmf_scope *s)
{
	struct ktgt_tmf_post p = { .s = s, .tmf = tmf };
	struct ktgt_tmf_req *req, *tmp;
	unsigned int i, n = ktgt_conn_count();

	INIT_LIST_HEAD(&p.free);
	/* connections that log in after this count have no task to abort */
	for (i = 0; i < n; i++) {
		req = kzalloc(sizeof(*req), GFP_NOIO);
		if (!req)
			break;
		list_add(&req->node, &p.free);
	}
	ktgt_conn_for_each(ktgt_tmf_post_one, &p);
	list_for_each_entry_safe(req, tmp, &p.free, node)
		kfree(req);
}

static bool ktgt_tmf_req_hits(const struct ktgt_tmf_req *req,
			      const struct ktgt_task *task)
{
	if (READ_ONCE(task->rsp_sent))
		return false;	/* answered: only waits to be freed */
	if (req->one_task)
		return task->itt == req->itt && task->scmd.lun_id == req->lun_id;
	if (!task->lun)
		return false;
	if (req->dev)
		return task->lun->dev == req->dev;
	return task->lun->tpg->tgt == req->tgt;
}

static void ktgt_tmf_req_run(struct ktgt_conn *conn, struct ktgt_tmf_req *req)
{
	struct ktgt_task *task, *tmp;
	bool hit = false;

	list_for_each_entry_safe(task, tmp, &conn->tasks, node) {
		if (!ktgt_tmf_req_hits(req, task))
			continue;
		hit = true;
		ktgt_task_abort(task, req->tmf);
	}
	/* ABORT TASK found its task here: the response sent later says so */
	if (hit && req->one_task && req->tmf) {
		struct ktgt_tmf_rsp_hdr *rsp = (void *)&req->tmf->rsp->bhs;

		WRITE_ONCE(rsp->response, KTGT_TMF_RSP_COMPLETE);
	}
	/* before the TMF response can go out */
	if (hit && req->ua && req->dev && &conn->sess->nexus != req->issuer)
		ktgt_ua_raise(req->dev, &conn->sess->nexus, req->ua);
	if (req->close)
		ktgt_conn_close(conn);
	ktgt_tmf_req_free(req);
}

/**
 * ktgt_tmf_conn_run() - carry out the abort requests posted on @conn
 * @conn: the connection, from its io_work
 */
void ktgt_tmf_conn_run(struct ktgt_conn *conn)
{
	struct ktgt_tmf_req *req, *tmp;
	LIST_HEAD(reqs);

	if (list_empty_careful(&conn->tmf_reqs))
		return;
	/* only between PDUs: mid-PDU, a task may be receiving data */
	if (conn->rx_state != KTGT_RX_BHS || conn->rx_off)
		return;
	spin_lock_irq(&conn->tx_lock);
	list_splice_init(&conn->tmf_reqs, &reqs);
	spin_unlock_irq(&conn->tx_lock);
	list_for_each_entry_safe(req, tmp, &reqs, node) {
		list_del(&req->node);
		ktgt_tmf_req_run(conn, req);
	}
}

/**
 * ktgt_tmf_conn_end() - @conn is being torn down, its tasks are freed
 * @conn: the connection, from its release work, still in its session
 *
 * Drops the requests not carried out (their tasks ended with the
 * connection) and refuses any later one.
 */
void ktgt_tmf_conn_end(struct ktgt_conn *conn)
{
	struct ktgt_tmf_req *req, *tmp;
	LIST_HEAD(reqs);

	spin_lock_irq(&conn->tx_lock);
	conn->tmf_closed = true;
	list_splice_init(&conn->tmf_reqs, &reqs);
	spin_unlock_irq(&conn->tx_lock);
	list_for_each_entry_safe(req, tmp, &reqs, node) {
		list_del(&req->node);
		ktgt_tmf_req_free(req);
	}
}

/**
 * ktgt_tmf_nexus_abort() - ktgt_nexus_ops.abort_tasks of an iSCSI session
 * @issuer: the nexus asking (PREEMPT AND ABORT); its tasks are kept
 * @dev:    the logical unit
 * @match:  selects the nexuses whose tasks on @dev end (atomic context)
 * @arg:    for @match, used only before this returns
 *
 * The tasks end without a response (TAS 0) in their connections' io_work,
 * soon after this returns.
 */
void ktgt_tmf_nexus_abort(struct ktgt_nexus *issuer, struct ktgt_dev *dev,
			  bool (*match)(const struct ktgt_nexus *nexus, const void *arg),
			  const void *arg)
{
	struct ktgt_tmf_scope s = {
		.dev = dev,
		.issuer = issuer,
		.keep_issuer = true,
		.match = match,
		.arg = arg,
	};

	ktgt_tmf_abort_others(NULL, &s);
}

static bool ktgt_tmf_same_nexus(const struct ktgt_nexus *nexus, const void *arg)
{
	return nexus == arg;
}

/**
 * ktgt_tmf_lu_others() - ABORT TASK SET, CLEAR TASK SET, LOGICAL UNIT
 *                        RESET: the part beyond the issuing connection
 * @tmf:  the TMF, issued on a connection of @sess (whose tasks on the LU
 *        it has aborted)
 * @sess: the issuing session
 * @dev:  the logical unit
 * @fn:   the function
 *
 * ABORT TASK SET reaches the other connections of @sess (MC/S) only.  The
 * control mode page's TST 000b means one task set for all I_T nexuses,
 * which CLEAR TASK SET and LOGICAL UNIT RESET empty (SAM-5 7.4, 7.6); with
 * CLEAR TASK SET, another nexus that loses tasks gets COMMANDS CLEARED BY
 * ANOTHER INITIATOR; a reset raises its own unit attention for every
 * nexus.
 */
void ktgt_tmf_lu_others(struct ktgt_tmf *tmf, struct ktgt_session *sess,
			struct ktgt_dev *dev, u8 fn)
{
	struct ktgt_tmf_scope s = {
		.dev = dev,
		.issuer = &sess->nexus,
	};

	if (fn == KTGT_TMF_ABORT_TASK_SET) {
		s.match = ktgt_tmf_same_nexus;
		s.arg = &sess->nexus;
	} else if (fn == KTGT_TMF_CLEAR_TASK_SET) {
		s.ua = KTGT_UA_COMMANDS_CLEARED;
	}
	ktgt_tmf_abort_others(tmf, &s);
}

/*
 * Reset every logical unit of @tgt.  ktgt_cfg_mutex is taken here, as
 * login takes it from io_work.  An LU exported by several TPGs of the
 * target is reset once per LUN; a condition still pending is not queued
 * twice.
 */
static void ktgt_tmf_target_reset(struct ktgt_target *tgt)
{
	struct ktgt_tpg *tpg;
	struct ktgt_lun *lun;
	int i;

	mutex_lock(&ktgt_cfg_mutex);
	list_for_each_entry(tpg, &tgt->tpgs, node) {
		for (i = 0; i < KTGT_MAX_LUNS; i++) {
			lun = rcu_dereference_protected(tpg->luns[i],
							lockdep_is_held(&ktgt_cfg_mutex));
			if (lun && lun->dev)
				ktgt_dev_target_reset(lun->dev);
		}
	}
	mutex_unlock(&ktgt_cfg_mutex);
}

/**
 * ktgt_tmf_target_others() - TARGET WARM / COLD RESET: the other I_T
 *                            nexuses' part, and every LU's reset
 * @tmf:  the TMF, issued by @sess (whose own tasks it has aborted)
 * @sess: the issuing session
 * @cold: TARGET COLD RESET: every other connection to the target is
 *        closed too (RFC 7143 11.5.1), once its tasks are aborted
 *
 * Every task of every session of the target (whichever TPG), on every LU
 * of the target, ends; every LU of the target reports POWER ON, RESET, OR
 * BUS DEVICE RESET OCCURRED (see ktgt_dev_target_reset()).
 */
void ktgt_tmf_target_others(struct ktgt_tmf *tmf, struct ktgt_session *sess,
			    bool cold)
{
	struct ktgt_tmf_scope s = {
		.tgt = sess->tpg->tgt,
		.issuer = &sess->nexus,
		.close = cold,
	};

	ktgt_tmf_abort_others(tmf, &s);
	ktgt_tmf_target_reset(sess->tpg->tgt);
}

/**
 * ktgt_tmf_task_others() - ABORT TASK for a task of another connection of
 *                          the issuing session (MC/S)
 * @tmf:    the TMF; its response says "function complete" if a connection
 *          finds the task, else what the issuer put there
 * @sess:   the issuing session
 * @itt:    the Referenced Task Tag
 * @lun_id: the LUN the task must be on
 */
void ktgt_tmf_task_others(struct ktgt_tmf *tmf, struct ktgt_session *sess,
			  u32 itt, u64 lun_id)
{
	struct ktgt_tmf_scope s = {
		.issuer = &sess->nexus,
		.match = ktgt_tmf_same_nexus,
		.arg = &sess->nexus,
		.one_task = true,
		.itt = itt,
		.lun_id = lun_id,
	};

	ktgt_tmf_abort_others(tmf, &s);
}
