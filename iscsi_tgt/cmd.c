// SPDX-License-Identifier: GPL-2.0
/*
 * Full feature phase: SCSI Command, Data-Out, R2T, Data-In, SCSI Response,
 * NOP, Text, Logout, TMF, Reject.  Everything here runs in the
 * connection's io_work except ktgt_task_scsi_done(), which is called by the
 * SCSI layer from any context.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/net.h>

#include "ktgt_iscsi.h"
#include "ktgt_conn.h"
#include "ktgt_tmf.h"

static struct kmem_cache *ktgt_task_cache;

/* ---- helpers --------------------------------------------------------- */

static struct ktgt_task *ktgt_task_find(struct ktgt_conn *conn, u32 itt)
{
	struct ktgt_task *task;

	/* a task whose response is out lingers until io_work reaps it */
	list_for_each_entry(task, &conn->tasks, node)
		if (task->itt == itt && !READ_ONCE(task->rsp_sent))
			return task;
	return NULL;
}

/* Target transfer tags of tasks and text responses; never 0xffffffff. */
static u32 ktgt_conn_next_ttt(struct ktgt_conn *conn)
{
	u32 ttt = conn->next_ttt++ & 0x7fffffff;	/* top bit: NOP-In pings */

	return ttt;
}

/* Reject the PDU in conn->rx_bhs; its header goes back as the data. */
static int ktgt_conn_reject_close(struct ktgt_conn *conn, u8 reason, bool close)
{
	struct ktgt_reject_hdr *hdr;
	struct ktgt_tx_pdu *pdu;

	pdu = ktgt_tx_pdu_alloc(KTGT_OP_REJECT, KTGT_BHS_LEN, GFP_KERNEL);
	if (!pdu)
		return -ENOMEM;
	hdr = (struct ktgt_reject_hdr *)&pdu->bhs;
	hdr->reason = reason;
	hdr->ffffffff = cpu_to_be32(KTGT_RSVD_TAG);
	memcpy(pdu->data, &conn->rx_bhs, KTGT_BHS_LEN);
	pdu->close_after = close;
	ktgt_conn_queue_tx(conn, pdu);
	return 0;
}

void ktgt_conn_reject(struct ktgt_conn *conn, u8 reason)
{
	ktgt_conn_reject_close(conn, reason, false);
}

/* Fail a task before execution: CHECK CONDITION with this sense. */
static void ktgt_task_fail(struct ktgt_task *task, u8 key, u16 asc_ascq)
{
	task->failed = true;
	ktgt_cmd_parse_err(&task->scmd, key, asc_ascq);
}

/* ---- task and data page recycling (io_work only) -------------------- */

static struct ktgt_task *ktgt_task_get(struct ktgt_conn *conn)
{
	struct ktgt_task *task;

	task = list_first_entry_or_null(&conn->task_pool, struct ktgt_task,
					pool_node);
	if (task) {
		list_del(&task->pool_node);
		conn->nr_task_pool--;
	} else {
		task = kmem_cache_alloc(ktgt_task_cache, GFP_KERNEL);
		if (!task)
			return NULL;
	}
	memset(task, 0, offsetof(struct ktgt_task, pool_bv));
	return task;
}

static void ktgt_task_put(struct ktgt_conn *conn, struct ktgt_task *task)
{
	if (conn->nr_task_pool < KTGT_CONN_POOL_TASKS) {
		list_add(&task->pool_node, &conn->task_pool);
		conn->nr_task_pool++;
	} else {
		kmem_cache_free(ktgt_task_cache, task);
	}
}

static void ktgt_conn_put_pages(struct ktgt_conn *conn, struct bio_vec *bv,
				unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++) {
		struct page *page = bv[i].bv_page;

		if (conn->nr_page_pool < KTGT_CONN_POOL_PAGES) {
			list_add_tail(&page->lru, &conn->page_pool);
			conn->nr_page_pool++;
		} else {
			put_page(page);
		}
	}
}

/*
 * The oldest page of the pool, if no one else holds it any more: a page
 * sent with sendpage stays in a socket buffer (until the peer has it, or
 * in the retransmit queue) after its task ended, and is reused only once
 * TCP has let it go.
 */
static struct page *ktgt_conn_get_page(struct ktgt_conn *conn)
{
	struct page *page;

	page = list_first_entry_or_null(&conn->page_pool, struct page, lru);
	if (!page || page_ref_count(page) != 1)
		return NULL;
	list_del(&page->lru);
	conn->nr_page_pool--;
	return page;
}

/*
 * The data buffer of @task: up to KTGT_TASK_POOL_BUF_PAGES pages from the
 * connection's pool (new ones when it runs short) in the task's own
 * bio_vec array; a larger one from the SCSI layer's allocator.
 *
 * A pooled page keeps what an earlier command of this connection left in
 * it.  That never reaches the wire or the medium: Data-Out fills a write
 * buffer before the command runs, a read sends only the bytes the backstore
 * or the emulation filled (cmd->xfer_len, 0 on any error).
 */
static int ktgt_task_alloc_buf(struct ktgt_conn *conn, struct ktgt_task *task,
			       u32 len)
{
	unsigned int i, nr = DIV_ROUND_UP(len, PAGE_SIZE);
	struct ktgt_cmd *cmd = &task->scmd;

	if (nr > KTGT_TASK_POOL_BUF_PAGES)
		return ktgt_cmd_alloc_buf(cmd, len, GFP_KERNEL);
	for (i = 0; i < nr; i++) {
		struct page *page;

		page = ktgt_conn_get_page(conn);
		if (!page) {
			page = alloc_page(GFP_KERNEL);
			if (!page) {
				ktgt_conn_put_pages(conn, task->pool_bv, i);
				return -ENOMEM;
			}
		}
		task->pool_bv[i].bv_page = page;
		task->pool_bv[i].bv_offset = 0;
		task->pool_bv[i].bv_len = PAGE_SIZE;
	}
	cmd->bvec = task->pool_bv;
	cmd->nr_bvec = nr;
	cmd->buf_len = len;
	task->pooled_buf = true;
	return 0;
}

/* The connection is freed: give back what its pools hold. */
void ktgt_conn_pool_drain(struct ktgt_conn *conn)
{
	struct ktgt_task *task, *ttmp;
	struct page *page, *ptmp;

	list_for_each_entry_safe(task, ttmp, &conn->task_pool, pool_node)
		kmem_cache_free(ktgt_task_cache, task);
	INIT_LIST_HEAD(&conn->task_pool);
	conn->nr_task_pool = 0;
	list_for_each_entry_safe(page, ptmp, &conn->page_pool, lru)
		put_page(page);		/* a socket buffer may still hold it */
	INIT_LIST_HEAD(&conn->page_pool);
	conn->nr_page_pool = 0;
}

static void ktgt_task_free(struct ktgt_task *task)
{
	struct ktgt_tmf *tmf = task->tmf;	/* it waits for this task */
	struct ktgt_conn *conn = task->conn;
	struct ktgt_cmd *cmd = &task->scmd;

	list_del(&task->node);
	if (task->immediate)
		conn->nr_immediate--;
	ktgt_scsi_release(cmd);	/* entered, never ran */
	if (task->pooled_buf) {
		ktgt_conn_put_pages(conn, task->pool_bv, cmd->nr_bvec);
		cmd->bvec = NULL;
		cmd->nr_bvec = 0;
		cmd->buf_len = 0;
	}
	ktgt_cmd_free_buf(cmd);
	if (task->lun)
		ktgt_lun_put(task->lun);
	ktgt_task_put(conn, task);
	if (tmf)
		ktgt_tmf_put(tmf);
}

static void ktgt_task_scsi_done(struct ktgt_cmd *cmd)
{
	ktgt_conn_task_done(container_of(cmd, struct ktgt_task, scmd));
}

/* ---- CmdSN ordering -------------------------------------------------- */

static void ktgt_task_deliver(struct ktgt_task *task);

/*
 * Hand over, in CmdSN order, the tasks that were waiting for a gap to
 * close.  Called with nothing held, after exp_cmdsn moved, from the
 * io_work of @self (NULL: from a connection's teardown).
 *
 * MC/S: a task belongs to the connection that carried it, and only that
 * connection's io_work touches it.  The next task in order that belongs
 * to another connection goes to that connection's ready list and the
 * hand-over stops there: that connection delivers it and carries on from
 * here, so tasks reach the SCSI layer in CmdSN order across connections.
 */
static void ktgt_session_run_pending(struct ktgt_session *sess,
				     struct ktgt_conn *self)
{
	struct ktgt_task *task;

	for (;;) {
		spin_lock_irq(&sess->sn_lock);
		task = list_first_entry_or_null(&sess->pending, struct ktgt_task,
						pend_node);
		if (!task || task->cmdsn != sess->exp_cmdsn) {
			spin_unlock_irq(&sess->sn_lock);
			return;
		}
		list_del_init(&task->pend_node);
		sess->exp_cmdsn++;
		if (task->conn != self) {
			/* the task's connection has not ended its tasks yet */
			list_add_tail(&task->pend_node, &task->conn->ready);
			ktgt_conn_kick(task->conn);
			spin_unlock_irq(&sess->sn_lock);
			return;
		}
		spin_unlock_irq(&sess->sn_lock);
		ktgt_task_deliver(task);
	}
}

/* io_work: deliver the tasks another connection handed over, then go on. */
void ktgt_conn_run_ready(struct ktgt_conn *conn)
{
	struct ktgt_session *sess = conn->sess;
	struct ktgt_task *task;
	bool any = false;

	if (!sess || list_empty(&conn->ready))
		return;
	for (;;) {
		spin_lock_irq(&sess->sn_lock);
		task = list_first_entry_or_null(&conn->ready, struct ktgt_task,
						pend_node);
		if (task)
			list_del_init(&task->pend_node);
		spin_unlock_irq(&sess->sn_lock);
		if (!task)
			break;
		ktgt_task_deliver(task);
		any = true;
	}
	if (any)
		ktgt_session_run_pending(sess, conn);
}

enum { KTGT_SN_NOW, KTGT_SN_LATER, KTGT_SN_DROP };

/*
 * Classify a non-immediate CmdSN against the window.  NOW advances
 * ExpCmdSN.  @task, when given, is queued for LATER and counted as
 * outstanding (it shrinks MaxCmdSN until answered).
 */
static int ktgt_cmdsn_check(struct ktgt_session *sess, u32 cmdsn, struct ktgt_task *task)
{
	u32 max;
	int ret;

	spin_lock_irq(&sess->sn_lock);
	/* the MaxCmdSN we advertise: see ktgt_session_fill_window() */
	max = sess->exp_cmdsn + sess->cmdsn_depth - 1 -
	      min(sess->outstanding, sess->cmdsn_depth - 1);
	if (cmdsn == sess->exp_cmdsn) {
		sess->exp_cmdsn++;
		ret = KTGT_SN_NOW;
	} else if (ktgt_sn_lt(sess->exp_cmdsn, cmdsn) && ktgt_sn_lte(cmdsn, max)) {
		ret = KTGT_SN_LATER;
		if (task) {
			struct ktgt_task *pos;

			list_for_each_entry(pos, &sess->pending, pend_node)
				if (ktgt_sn_lt(cmdsn, pos->cmdsn))
					break;
			list_add_tail(&task->pend_node, &pos->pend_node);
		}
	} else {
		ret = KTGT_SN_DROP;
	}
	if (task && ret != KTGT_SN_DROP)
		sess->outstanding++;
	spin_unlock_irq(&sess->sn_lock);
	return ret;
}

/* ---- SCSI tasks ------------------------------------------------------ */

static void ktgt_task_execute(struct ktgt_task *task)
{
	struct ktgt_conn *conn = task->conn;

	spin_lock_irq(&conn->tx_lock);
	conn->nr_exec++;
	task->state = KTGT_TASK_EXEC;
	spin_unlock_irq(&conn->tx_lock);
	if (task->failed)
		ktgt_conn_task_done(task);	/* status and sense already set */
	else
		ktgt_scsi_execute(&task->scmd);
}

static u32 ktgt_task_data_needed(struct ktgt_task *task)
{
	/* a failed task still takes what was solicited before it failed */
	if (!task->scmd.bvec || task->scmd.dir != KTGT_DIR_WRITE || task->failed)
		return task->r2t_next;
	return task->exp_xfer_len;
}

static void ktgt_task_maybe_execute(struct ktgt_task *task)
{
	if (task->state == KTGT_TASK_DATA_OUT &&
	    task->data_received >= ktgt_task_data_needed(task))
		ktgt_task_execute(task);
}

static void ktgt_task_send_r2ts(struct ktgt_task *task)
{
	struct ktgt_conn *conn = task->conn;
	struct ktgt_params *p = &conn->sess->params;
	struct ktgt_r2t_hdr *hdr;
	struct ktgt_tx_pdu *pdu;
	u32 len;

	while (task->r2t_outstanding < max(p->max_outstanding_r2t, 1U) &&
	       task->r2t_next < task->exp_xfer_len) {
		pdu = ktgt_tx_pdu_alloc(KTGT_OP_R2T, 0, GFP_KERNEL);
		if (!pdu) {
			ktgt_conn_close(conn);
			return;
		}
		len = min(p->max_burst, task->exp_xfer_len - task->r2t_next);
		hdr = (struct ktgt_r2t_hdr *)&pdu->bhs;
		memcpy(hdr->lun, task->lun_wire, sizeof(hdr->lun));
		hdr->itt = cpu_to_be32(task->itt);
		hdr->ttt = cpu_to_be32(task->ttt);
		hdr->r2tsn = cpu_to_be32(task->r2tsn++);
		hdr->data_offset = cpu_to_be32(task->r2t_next);
		hdr->data_length = cpu_to_be32(len);
		task->r2t_next += len;
		task->r2t_outstanding++;
		ktgt_conn_queue_tx(conn, pdu);
	}
}

/* The task's turn in CmdSN order has come. */
static void ktgt_task_deliver(struct ktgt_task *task)
{
	if (task->aborted) {
		/* aborted while it waited: its CmdSN is taken, it ends here */
		struct ktgt_session *sess = task->conn->sess;

		spin_lock_irq(&sess->sn_lock);
		if (task->counted)
			sess->outstanding--;
		spin_unlock_irq(&sess->sn_lock);
		ktgt_task_free(task);
		return;
	}
	task->state = KTGT_TASK_DATA_OUT;
	/* it enters the LU's task set in CmdSN order, before its data */
	if (!task->failed)
		ktgt_scsi_enter(&task->scmd);
	if (!task->failed && task->scmd.dir == KTGT_DIR_WRITE && task->scmd.bvec)
		ktgt_task_send_r2ts(task);
	ktgt_task_maybe_execute(task);
}

/* The ATTR field (RFC 7143 11.3.1.1) as the SCSI layer knows it. */
static u8 ktgt_task_attr(u8 flags)
{
	switch (flags & KTGT_FLAG_CMD_ATTR_MASK) {
	case KTGT_TASK_ATTR_ORDERED:
		return KTGT_TASK_ORDERED;
	case KTGT_TASK_ATTR_HOQ:
		return KTGT_TASK_HEAD_OF_QUEUE;
	case KTGT_TASK_ATTR_ACA:
		return KTGT_TASK_ACA;
	default:
		/* untagged, simple (5..7 are rejected with the PDU) */
		return KTGT_TASK_SIMPLE;
	}
}

/* SCSI Command header is in: create the task, decide where data goes. */
static int ktgt_scsi_cmd_start(struct ktgt_conn *conn)
{
	struct ktgt_scsi_cmd_hdr *hdr = (struct ktgt_scsi_cmd_hdr *)&conn->rx_bhs;
	struct ktgt_session *sess = conn->sess;
	struct ktgt_params *p = &sess->params;
	u32 edtl = be32_to_cpu(hdr->data_length);
	u32 imm = conn->rx_dlen;
	u8 flags = hdr->flags;
	struct ktgt_task *task;
	struct ktgt_cmd *cmd;
	u32 len;

	if (sess->type != KTGT_SESSION_NORMAL ||
	    ((flags & KTGT_FLAG_CMD_READ) && (flags & KTGT_FLAG_CMD_WRITE))) {
		/* No SCSI on discovery sessions; no bidirectional commands. */
		conn->rx_discard = true;
		conn->rx_reject = KTGT_REJECT_CMD_NOT_SUPPORTED;
		return 0;
	}
	if (imm && (!(flags & KTGT_FLAG_CMD_WRITE) || imm > edtl ||
		    !p->immediate_data || imm > p->first_burst)) {
		pr_err_ratelimited("bad immediate data (%u bytes, EDTL %u)\n", imm, edtl);
		return -EPROTO;
	}
	if (ktgt_task_find(conn, be32_to_cpu(hdr->itt))) {
		conn->rx_discard = true;
		conn->rx_reject = KTGT_REJECT_TASK_IN_PROGRESS;
		return 0;
	}

	/*
	 * Immediate commands bypass the CmdSN window, the only other bound
	 * on the tasks (and their buffers, up to KTGT_MAX_XFER_LEN each)
	 * a session holds: past a few, RFC 7143 11.17.1's Reject.
	 */
	if ((hdr->opcode & KTGT_OP_IMMEDIATE) &&
	    conn->nr_immediate >= KTGT_MAX_IMMEDIATE_TASKS) {
		conn->rx_discard = true;
		conn->rx_reject = KTGT_REJECT_IMM_CMD_REJECT;
		return 0;
	}

	task = ktgt_task_get(conn);
	if (!task)
		return -ENOMEM;
	INIT_LIST_HEAD(&task->rsp_node);
	INIT_LIST_HEAD(&task->pend_node);
	list_add_tail(&task->node, &conn->tasks);
	task->conn = conn;
	task->state = KTGT_TASK_NEW;
	task->itt = be32_to_cpu(hdr->itt);
	task->cmdsn = be32_to_cpu(hdr->cmdsn);
	task->immediate = hdr->opcode & KTGT_OP_IMMEDIATE;
	if (task->immediate)
		conn->nr_immediate++;
	task->exp_xfer_len = edtl;
	memcpy(task->lun_wire, hdr->lun, sizeof(task->lun_wire));
	task->ttt = ktgt_conn_next_ttt(conn);
	task->start_ns = ktgt_stats_now();

	cmd = &task->scmd;
	memcpy(cmd->cdb, hdr->cdb, sizeof(cmd->cdb));
	cmd->lun_id = ktgt_lun_from_wire(hdr->lun);
	task->lun = ktgt_lun_get(sess->tpg, sess->acl, cmd->lun_id);
	cmd->dev = task->lun ? task->lun->dev : NULL;
	cmd->nexus = &sess->nexus;
	cmd->alua_port = task->lun ? &task->lun->alua_port : NULL;
	cmd->write_protect = sess->write_protect;
	cmd->exp_len = edtl;
	cmd->task_attr = ktgt_task_attr(flags);
	cmd->done = ktgt_task_scsi_done;

	if (ktgt_scsi_parse(cmd)) {
		task->failed = true;
	} else if (edtl > KTGT_MAX_XFER_LEN) {
		ktgt_task_fail(task, 0x05, 0x2400);
	} else {
		/*
		 * The buffer follows the direction the CDB implies and the
		 * iSCSI flags agree with; data the initiator sends for a
		 * command that takes none is received and dropped.
		 */
		if (cmd->dir == KTGT_DIR_WRITE && (flags & KTGT_FLAG_CMD_WRITE))
			len = edtl;
		else if (cmd->dir == KTGT_DIR_READ && (flags & KTGT_FLAG_CMD_READ))
			len = min(edtl, cmd->data_len);
		else
			len = 0;
		if (len && ktgt_task_alloc_buf(conn, task, len)) {
			/* no memory now: the initiator retries later */
			task->failed = true;
			cmd->status = KTGT_SAM_TASK_SET_FULL;
		}
	}
	task->spdtl = cmd->data_len;

	if ((flags & KTGT_FLAG_CMD_WRITE) && edtl) {
		if ((flags & KTGT_FLAG_FINAL) || p->initial_r2t)
			task->unsol_end = imm;
		else
			task->unsol_end = min(p->first_burst, edtl);
		task->r2t_next = task->unsol_end;
	}
	if (imm) {
		if (task->failed || !cmd->bvec) {
			conn->rx_discard = true;
		} else {
			conn->rx_task = task;
			conn->rx_task_off = 0;
		}
	}
	conn->rx_cur = task;
	return 0;
}

static int ktgt_scsi_cmd_rx_done(struct ktgt_conn *conn)
{
	struct ktgt_task *task = conn->rx_cur;
	struct ktgt_session *sess = conn->sess;

	task->data_received = conn->rx_dlen;
	if (task->immediate) {
		ktgt_task_deliver(task);
		return 0;
	}
	switch (ktgt_cmdsn_check(sess, task->cmdsn, task)) {
	case KTGT_SN_NOW:
		task->counted = true;
		ktgt_task_deliver(task);
		ktgt_session_run_pending(sess, conn);
		break;
	case KTGT_SN_LATER:
		task->counted = true;
		break;
	default:
		/* RFC 7143 3.2.2.1: outside the window, silently ignored */
		ktgt_task_free(task);
	}
	return 0;
}

static int ktgt_data_out_start(struct ktgt_conn *conn)
{
	struct ktgt_data_hdr *hdr = (struct ktgt_data_hdr *)&conn->rx_bhs;
	u32 ttt = be32_to_cpu(hdr->ttt);
	u32 off = be32_to_cpu(hdr->offset);
	u32 len = conn->rx_dlen;
	struct ktgt_task *task;

	task = ktgt_task_find(conn, be32_to_cpu(hdr->itt));
	if (!task || task->state > KTGT_TASK_DATA_OUT ||
	    !(task->exp_xfer_len)) {
		conn->rx_discard = true;
		conn->rx_reject = KTGT_REJECT_INVALID_PDU_FIELD;
		return 0;
	}
	if (ttt == KTGT_RSVD_TAG ? off + len > task->unsol_end || off + len < off :
	    ttt != task->ttt || off + len > task->exp_xfer_len || off + len < off) {
		pr_err_ratelimited("Data-Out outside its burst (off %u len %u)\n", off, len);
		return -EPROTO;
	}
	/*
	 * DataSN counts from 0 in each sequence (the unsolicited one and one
	 * per R2T); with in-order sequences at ERL0 a gap cannot be
	 * recovered.
	 */
	if (!task->failed && be32_to_cpu(hdr->datasn) != task->exp_datasn) {
		/*
		 * The data cannot be trusted: end the command with ABORTED
		 * COMMAND / DATA PHASE ERROR once the data already asked for
		 * is in, and keep the connection.
		 */
		pr_err_ratelimited("Data-Out DataSN %u, expected %u\n",
				   be32_to_cpu(hdr->datasn), task->exp_datasn);
		ktgt_task_fail(task, 0x0b, 0x4b00);
	}
	task->exp_datasn = (hdr->flags & KTGT_FLAG_FINAL) ? 0 : task->exp_datasn + 1;
	conn->rx_cur = task;
	if (task->failed || !task->scmd.bvec) {
		conn->rx_discard = true;
	} else {
		conn->rx_task = task;
		conn->rx_task_off = off;
	}
	return 0;
}

static int ktgt_data_out_done(struct ktgt_conn *conn)
{
	struct ktgt_data_hdr *hdr = (struct ktgt_data_hdr *)&conn->rx_bhs;
	struct ktgt_task *task = conn->rx_cur;

	if (!task)
		return 0;
	task->data_received += conn->rx_dlen;
	if (be32_to_cpu(hdr->ttt) != KTGT_RSVD_TAG && (hdr->flags & KTGT_FLAG_FINAL)) {
		if (task->r2t_outstanding)
			task->r2t_outstanding--;
		if (task->state == KTGT_TASK_DATA_OUT && !task->failed)
			ktgt_task_send_r2ts(task);
	}
	ktgt_task_maybe_execute(task);
	return 0;
}

/* Build the Data-In sequence and/or SCSI Response of a completed task. */
void ktgt_task_respond(struct ktgt_task *task)
{
	struct ktgt_conn *conn = task->conn;
	struct ktgt_session *sess = conn->sess;
	struct ktgt_cmd *cmd = &task->scmd;
	struct ktgt_scsi_rsp_hdr *rsp;
	struct ktgt_tx_pdu *pdu;
	u32 xfer = 0, resid = 0, datasn = 0;
	u8 rflags = 0;

	if (task->counted) {
		spin_lock_irq(&sess->sn_lock);
		sess->outstanding--;
		spin_unlock_irq(&sess->sn_lock);
		task->counted = false;
	}
	if (task->aborted) {
		ktgt_task_free(task);	/* and the TMF waiting for it */
		return;
	}
	task->state = KTGT_TASK_RESPONDING;
	ktgt_stats_task_done(task);

	/*
	 * RFC 7143 11.4.5.1: overflow when the command wanted more than the
	 * expected transfer length, underflow when less than that moved.
	 */
	if (!task->failed && cmd->dir == KTGT_DIR_READ)
		xfer = min(cmd->xfer_len, cmd->buf_len);
	else if (!task->failed && cmd->dir == KTGT_DIR_WRITE && cmd->bvec)
		xfer = min(task->spdtl, task->exp_xfer_len);
	if (task->spdtl > task->exp_xfer_len) {
		rflags = KTGT_FLAG_RSP_OVERFLOW;
		resid = task->spdtl - task->exp_xfer_len;
	} else if (xfer < task->exp_xfer_len) {
		rflags = KTGT_FLAG_RSP_UNDERFLOW;
		resid = task->exp_xfer_len - xfer;
	}

	if (cmd->dir == KTGT_DIR_READ && xfer) {
		u32 max_dsl = conn->max_xmit_dsl, burst = 0, off = 0;
		bool collapse = cmd->status == KTGT_SAM_GOOD && !cmd->sense_len;
		struct ktgt_data_hdr *hdr;

		while (off < xfer) {
			u32 len = min3(max_dsl, xfer - off, sess->params.max_burst - burst);

			pdu = ktgt_tx_pdu_alloc(KTGT_OP_DATA_IN, 0, GFP_KERNEL);
			if (!pdu)
				goto fail;
			hdr = (struct ktgt_data_hdr *)&pdu->bhs;
			hdr->flags = 0;
			memcpy(hdr->lun, task->lun_wire, sizeof(hdr->lun));
			hdr->itt = cpu_to_be32(task->itt);
			hdr->ttt = cpu_to_be32(KTGT_RSVD_TAG);
			hdr->datasn = cpu_to_be32(datasn++);
			hdr->offset = cpu_to_be32(off);
			pdu->task = task;
			pdu->task_off = off;
			pdu->task_len = len;
			off += len;
			burst += len;
			if (burst == sess->params.max_burst || off == xfer) {
				hdr->flags |= KTGT_FLAG_FINAL;
				burst = 0;
			}
			if (off == xfer && collapse) {
				hdr->flags |= KTGT_FLAG_DATA_STATUS | rflags;
				hdr->cmd_status = cmd->status;
				hdr->residual_count = cpu_to_be32(resid);
				pdu->free_task = true;
			}
			ktgt_conn_queue_tx(conn, pdu);
		}
		if (collapse)
			return;
	}

	pdu = ktgt_tx_pdu_alloc(KTGT_OP_SCSI_RSP, cmd->sense_len ? cmd->sense_len + 2 : 0,
				GFP_KERNEL);
	if (!pdu)
		goto fail;
	rsp = (struct ktgt_scsi_rsp_hdr *)&pdu->bhs;
	rsp->flags = KTGT_FLAG_FINAL | rflags;
	rsp->response = KTGT_RSP_COMPLETED;
	rsp->cmd_status = cmd->status;
	rsp->itt = cpu_to_be32(task->itt);
	rsp->exp_datasn = cpu_to_be32(cmd->dir == KTGT_DIR_READ ? datasn : task->r2tsn);
	rsp->residual_count = cpu_to_be32(resid);
	if (cmd->sense_len) {
		put_unaligned_be16(cmd->sense_len, pdu->data);
		memcpy((u8 *)pdu->data + 2, cmd->sense, cmd->sense_len);
	}
	pdu->task = task;
	pdu->free_task = true;
	ktgt_conn_queue_tx(conn, pdu);
	return;
fail:
	/* Out of memory for the response: ERL0 can only drop the connection. */
	ktgt_conn_close(conn);
}

/* A PDU left the socket: release what it held. */
void ktgt_pdu_sent(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu)
{
	if (pdu->free_task)
		ktgt_task_free(pdu->task);
	if (pdu->login_final && ktgt_login_complete(conn))
		ktgt_conn_close(conn);
	if (pdu->close_after) {
		/* Let the peer read the final PDU, then see FIN; if it does
		 * not close its side soon, close anyway.
		 */
		conn->state = KTGT_CONN_LOGOUT;
		kernel_sock_shutdown(conn->sock, SHUT_WR);
		if (!READ_ONCE(conn->closing))
			mod_delayed_work(ktgt_wq, &conn->timeout_work,
					 KTGT_LINGER_TIMEOUT);
	}
	ktgt_tx_pdu_free(pdu);
}

/*
 * The connection is closing: tasks held back by their task attribute (and
 * a SANITIZE that goes on by itself) end now, before release waits for the
 * tasks the SCSI layer runs.  From the release work, io_work cancelled.
 */
void ktgt_conn_abort_dormant(struct ktgt_conn *conn)
{
	struct ktgt_task *task;

	list_for_each_entry(task, &conn->tasks, node)
		if (READ_ONCE(task->state) == KTGT_TASK_EXEC)
			ktgt_scsi_abort(&task->scmd);
}

/* ERL0: the connection is gone; end every task it had. */
void ktgt_conn_end_tasks(struct ktgt_conn *conn)
{
	struct ktgt_session *sess = conn->sess;
	struct ktgt_task *task, *tmp;

	list_for_each_entry_safe(task, tmp, &conn->tasks, node) {
		if (sess) {
			spin_lock_irq(&sess->sn_lock);
			list_del_init(&task->pend_node);
			if (task->counted)
				sess->outstanding--;
			spin_unlock_irq(&sess->sn_lock);
		}
		ktgt_task_free(task);
	}
	/* MC/S: tasks of other connections may wait behind ours */
	if (sess)
		ktgt_session_run_pending(sess, NULL);
	ktgt_tmf_conn_end(conn);
}

/* ---- other PDUs ------------------------------------------------------ */

/* Non-SCSI PDUs that carry a CmdSN: returns false to drop the PDU. */
static bool ktgt_pdu_cmdsn_ok(struct ktgt_conn *conn)
{
	struct ktgt_session *sess = conn->sess;

	if (conn->rx_bhs.opcode & KTGT_OP_IMMEDIATE)
		return true;
	switch (ktgt_cmdsn_check(sess, be32_to_cpu(conn->rx_bhs.sn1), NULL)) {
	case KTGT_SN_NOW:
		ktgt_session_run_pending(sess, conn);
		return true;
	case KTGT_SN_LATER:
		return true;
	default:
		return false;
	}
}

static int ktgt_nop_out(struct ktgt_conn *conn)
{
	struct ktgt_nop_hdr *req = (struct ktgt_nop_hdr *)&conn->rx_bhs;
	struct ktgt_nop_hdr *rsp;
	struct ktgt_tx_pdu *pdu;
	u32 len;

	if (req->itt == cpu_to_be32(KTGT_RSVD_TAG)) {
		/* answer to our NOP-In, or a bare ExpStatSN update */
		if (req->ttt != cpu_to_be32(KTGT_RSVD_TAG))
			ktgt_conn_ping_answered(conn, be32_to_cpu(req->ttt));
		return 0;
	}
	if (!ktgt_pdu_cmdsn_ok(conn))
		return 0;
	/* the echo must fit what the initiator said it can receive */
	len = min(conn->rx_dlen, conn->max_xmit_dsl);
	pdu = ktgt_tx_pdu_alloc(KTGT_OP_NOOP_IN, len, GFP_KERNEL);
	if (!pdu)
		return -ENOMEM;
	rsp = (struct ktgt_nop_hdr *)&pdu->bhs;
	memcpy(rsp->lun, req->lun, sizeof(rsp->lun));
	rsp->itt = req->itt;
	rsp->ttt = cpu_to_be32(KTGT_RSVD_TAG);
	if (len)
		memcpy(pdu->data, conn->rx_buf, len);
	ktgt_conn_queue_tx(conn, pdu);
	return 0;
}

static void ktgt_text_send_chunk(struct ktgt_conn *conn, u32 itt)
{
	u32 len = min(conn->text_rsp_len - conn->text_rsp_off, conn->max_xmit_dsl);
	struct ktgt_text_hdr *hdr;
	struct ktgt_tx_pdu *pdu;

	pdu = ktgt_tx_pdu_alloc(KTGT_OP_TEXT_RSP, len, GFP_KERNEL);
	if (!pdu) {
		ktgt_conn_close(conn);
		return;
	}
	memcpy(pdu->data, conn->text_rsp + conn->text_rsp_off, len);
	conn->text_rsp_off += len;
	hdr = (struct ktgt_text_hdr *)&pdu->bhs;
	hdr->itt = cpu_to_be32(itt);
	hdr->lun[0] = 0;
	if (conn->text_rsp_off < conn->text_rsp_len) {
		hdr->flags = KTGT_FLAG_TEXT_CONTINUE;
		conn->text_ttt = ktgt_conn_next_ttt(conn);
		hdr->ttt = cpu_to_be32(conn->text_ttt);
	} else {
		hdr->flags = KTGT_FLAG_FINAL;
		hdr->ttt = cpu_to_be32(KTGT_RSVD_TAG);
		kvfree(conn->text_rsp);
		conn->text_rsp = NULL;
	}
	ktgt_conn_queue_tx(conn, pdu);
}

static int ktgt_text_req(struct ktgt_conn *conn)
{
	struct ktgt_text_hdr *req = (struct ktgt_text_hdr *)&conn->rx_bhs;
	struct ktgt_session *sess = conn->sess;
	struct ktgt_text_iter it = { .p = conn->rx_buf, .end = conn->rx_buf + conn->rx_dlen };
	struct ktgt_textbuf tb;
	const char *k, *v;
	u32 kl, vl, ttt = be32_to_cpu(req->ttt);
	char *which;

	if (!ktgt_pdu_cmdsn_ok(conn))
		return 0;
	if (ttt != KTGT_RSVD_TAG && !conn->text_req_len) {
		/* the initiator asks for the next part of our response */
		if (!conn->text_rsp || ttt != conn->text_ttt) {
			ktgt_conn_reject(conn, KTGT_REJECT_INVALID_PDU_FIELD);
			return 0;
		}
		ktgt_text_send_chunk(conn, be32_to_cpu(req->itt));
		return 0;
	}
	if (conn->text_req_len && ttt != conn->text_ttt) {
		ktgt_conn_reject(conn, KTGT_REJECT_INVALID_PDU_FIELD);
		return 0;
	}
	if ((req->flags & KTGT_FLAG_TEXT_CONTINUE) || conn->text_req_len) {
		/* RFC 7143 11.10.2: a request split over PDUs with the C bit */
		if (!conn->text_req) {
			conn->text_req = kvmalloc(KTGT_TEXT_REQ_MAX, GFP_KERNEL);
			if (!conn->text_req)
				return -ENOMEM;
		}
		if (conn->rx_dlen > KTGT_TEXT_REQ_MAX - conn->text_req_len) {
			conn->text_req_len = 0;
			ktgt_conn_reject(conn, KTGT_REJECT_PROTOCOL_ERROR);
			return 0;
		}
		memcpy(conn->text_req + conn->text_req_len, conn->rx_buf, conn->rx_dlen);
		conn->text_req_len += conn->rx_dlen;
		if (req->flags & KTGT_FLAG_TEXT_CONTINUE) {
			struct ktgt_tx_pdu *pdu;
			struct ktgt_text_hdr *hdr;

			pdu = ktgt_tx_pdu_alloc(KTGT_OP_TEXT_RSP, 0, GFP_KERNEL);
			if (!pdu)
				return -ENOMEM;
			hdr = (struct ktgt_text_hdr *)&pdu->bhs;
			hdr->flags = 0;
			hdr->itt = req->itt;
			conn->text_ttt = ktgt_conn_next_ttt(conn);
			hdr->ttt = cpu_to_be32(conn->text_ttt);
			ktgt_conn_queue_tx(conn, pdu);
			return 0;
		}
		it.p = conn->text_req;
		it.end = conn->text_req + conn->text_req_len;
		conn->text_req_len = 0;
	}
	kvfree(conn->text_rsp);
	conn->text_rsp = kvmalloc(KTGT_TEXT_RSP_MAX, GFP_KERNEL);
	which = kzalloc(KTGT_NAME_MAX, GFP_KERNEL);
	if (!conn->text_rsp || !which) {
		kfree(which);
		return -ENOMEM;
	}
	tb.buf = conn->text_rsp;
	tb.len = 0;
	tb.cap = KTGT_TEXT_RSP_MAX;
	while (ktgt_text_next(&it, &k, &kl, &v, &vl)) {
		if (kl == 11 && !memcmp(k, "SendTargets", 11)) {
			if (sess->type == KTGT_SESSION_DISCOVERY && vl && vl < KTGT_NAME_MAX) {
				memcpy(which, v, vl);
				which[vl] = 0;
			} else {
				/* RFC 7143 C.1: in a normal session, report the
				 * current target only.
				 */
				strscpy(which, sess->target_name, KTGT_NAME_MAX);
			}
			ktgt_sendtargets(conn->listener, sess->initiator_name, which,
					 &conn->local, &tb);
		} else {
			char key[64];

			snprintf(key, sizeof(key), "%.*s", (int)min_t(u32, kl, 63), k);
			ktgt_textbuf_add(&tb, key, "NotUnderstood");
		}
	}
	kfree(which);
	conn->text_rsp_len = tb.len;
	conn->text_rsp_off = 0;
	ktgt_text_send_chunk(conn, be32_to_cpu(req->itt));
	return 0;
}

static int ktgt_logout_req(struct ktgt_conn *conn)
{
	struct ktgt_logout_req_hdr *req = (struct ktgt_logout_req_hdr *)&conn->rx_bhs;
	struct ktgt_session *sess = conn->sess;
	u8 reason = req->flags & 0x7f;
	struct ktgt_logout_rsp_hdr *rsp;
	struct ktgt_tx_pdu *pdu;
	struct ktgt_conn *c;
	bool close_self = false;

	if (!ktgt_pdu_cmdsn_ok(conn))
		return 0;
	pdu = ktgt_tx_pdu_alloc(KTGT_OP_LOGOUT_RSP, 0, GFP_KERNEL);
	if (!pdu)
		return -ENOMEM;
	rsp = (struct ktgt_logout_rsp_hdr *)&pdu->bhs;
	rsp->itt = req->itt;
	switch (reason) {
	case KTGT_LOGOUT_CLOSE_SESSION:
		mutex_lock(&ktgt_sess_mutex);
		list_for_each_entry(c, &sess->conns, sess_node)
			if (c != conn)
				ktgt_conn_close(c);
		mutex_unlock(&ktgt_sess_mutex);
		close_self = true;
		break;
	case KTGT_LOGOUT_CLOSE_CONNECTION:
		if (be16_to_cpu(req->cid) == conn->cid) {
			close_self = true;
			break;
		}
		rsp->response = KTGT_LOGOUT_RSP_CID_NOT_FOUND;
		mutex_lock(&ktgt_sess_mutex);
		list_for_each_entry(c, &sess->conns, sess_node) {
			if (c->cid == be16_to_cpu(req->cid)) {
				ktgt_conn_close_quiet(c);
				rsp->response = KTGT_LOGOUT_RSP_OK;
			}
		}
		mutex_unlock(&ktgt_sess_mutex);
		break;
	default:
		/* ERL0: no connection recovery */
		rsp->response = KTGT_LOGOUT_RSP_RECOVERY_UNSUPP;
		break;
	}
	rsp->time2wait = cpu_to_be16(sess->params.default_time2wait);
	rsp->time2retain = cpu_to_be16(sess->params.default_time2retain);
	if (close_self) {
		rsp->time2wait = 0;
		rsp->time2retain = 0;
		pdu->close_after = true;
		conn->state = KTGT_CONN_LOGOUT;
		WRITE_ONCE(conn->quiet_close, true);
	}
	ktgt_conn_queue_tx(conn, pdu);
	return 0;
}

/*
 * End @task for @tmf (NULL: nobody waits); it will get no response of its
 * own.  From the io_work of the task's connection.
 */
void ktgt_task_abort(struct ktgt_task *task, struct ktgt_tmf *tmf)
{
	struct ktgt_conn *conn = task->conn;
	struct ktgt_session *sess = conn->sess;
	bool running, notify = false;

	if (!task->aborted && task->state != KTGT_TASK_RESPONDING)
		ktgt_stats_task_abort(task);
	spin_lock_irq(&conn->tx_lock);
	running = task->state >= KTGT_TASK_EXEC;
	if (running && task->state != KTGT_TASK_RESPONDING && !task->aborted) {
		task->aborted = true;
		task->tmf = tmf;
		if (tmf)
			atomic_inc(&tmf->waiting);
		notify = true;
	}
	spin_unlock_irq(&conn->tx_lock);
	if (notify)
		ktgt_scsi_abort(&task->scmd);
	if (running)
		return;

	/*
	 * Waiting for its turn in CmdSN order (the session's pending queue,
	 * or this connection's ready list): it stays there, so that ExpCmdSN
	 * still moves past it, and ends when delivered.
	 */
	spin_lock_irq(&sess->sn_lock);
	if (!list_empty(&task->pend_node)) {
		task->aborted = true;
		spin_unlock_irq(&sess->sn_lock);
		return;
	}
	/* not started yet: end it here */
	if (task->counted)
		sess->outstanding--;
	spin_unlock_irq(&sess->sn_lock);
	ktgt_task_free(task);
}

/* ABORT TASK; sets the response in @tmf's PDU. */
static void ktgt_tmf_abort_one(struct ktgt_conn *conn, struct ktgt_tmf_req_hdr *req,
			       struct ktgt_tmf *tmf)
{
	struct ktgt_tmf_rsp_hdr *rsp = (struct ktgt_tmf_rsp_hdr *)&tmf->rsp->bhs;
	struct ktgt_session *sess = conn->sess;
	struct ktgt_task *task;
	u32 ref = be32_to_cpu(req->refcmdsn);
	bool pending;

	task = ktgt_task_find(conn, be32_to_cpu(req->rtt));
	if (task && task->scmd.lun_id == ktgt_lun_from_wire(req->lun)) {
		ktgt_task_abort(task, tmf);
		rsp->response = KTGT_TMF_RSP_COMPLETE;
		return;
	}
	/*
	 * RFC 7143 11.6.1: no such task.  If RefCmdSN is in the window and
	 * before the TMF itself the command is still to come: consider it
	 * received (and so ended); otherwise the task does not exist.
	 */
	spin_lock_irq(&sess->sn_lock);
	pending = !ktgt_sn_lt(ref, sess->exp_cmdsn) &&
		  ktgt_sn_lt(ref, be32_to_cpu(req->cmdsn));
	spin_unlock_irq(&sess->sn_lock);
	/*
	 * MC/S: the task may be on another connection of the session
	 * (11.5.1: a TMF may arrive on any of them); if one finds it, the
	 * response, sent once it has looked, becomes "function complete".
	 */
	rsp->response = pending ? KTGT_TMF_RSP_COMPLETE : KTGT_TMF_RSP_NO_TASK;
	if (!pending && READ_ONCE(sess->nr_conns) > 1)
		ktgt_tmf_task_others(tmf, sess, be32_to_cpu(req->rtt),
				     ktgt_lun_from_wire(req->lun));
}

/* Abort every task of this session on @lun_id (all LUNs when @all). */
static void ktgt_tmf_abort_set(struct ktgt_conn *conn, u64 lun_id, bool all,
			       struct ktgt_tmf *tmf)
{
	struct ktgt_task *task, *tmp;

	list_for_each_entry_safe(task, tmp, &conn->tasks, node)
		if (all || task->scmd.lun_id == lun_id)
			ktgt_task_abort(task, tmf);
}

static int ktgt_tmf_req(struct ktgt_conn *conn)
{
	struct ktgt_tmf_req_hdr *req = (struct ktgt_tmf_req_hdr *)&conn->rx_bhs;
	struct ktgt_session *sess = conn->sess;
	u64 lun_id = ktgt_lun_from_wire(req->lun);
	u8 fn = req->flags & 0x7f;
	struct ktgt_tmf_rsp_hdr *rsp;
	struct ktgt_lun *lun;
	struct ktgt_tmf *tmf;

	if (!ktgt_pdu_cmdsn_ok(conn))
		return 0;
	tmf = ktgt_tmf_alloc(conn);	/* waits for the put below */
	if (!tmf)
		return -ENOMEM;
	rsp = (struct ktgt_tmf_rsp_hdr *)&tmf->rsp->bhs;
	rsp->itt = req->itt;

	if (sess->type != KTGT_SESSION_NORMAL) {
		rsp->response = KTGT_TMF_RSP_REJECTED;
		goto out;
	}
	switch (fn) {
	case KTGT_TMF_ABORT_TASK:
		ktgt_tmf_abort_one(conn, req, tmf);
		break;
	case KTGT_TMF_ABORT_TASK_SET:
	case KTGT_TMF_CLEAR_TASK_SET:
	case KTGT_TMF_LUN_RESET:
		lun = ktgt_lun_get(sess->tpg, sess->acl, lun_id);
		if (!lun) {
			rsp->response = KTGT_TMF_RSP_NO_LUN;
			break;
		}
		ktgt_tmf_abort_set(conn, lun_id, false, tmf);
		/* the other connections: the session's (MC/S), or all */
		ktgt_tmf_lu_others(tmf, sess, lun->dev, fn);
		if (fn == KTGT_TMF_LUN_RESET)
			ktgt_dev_lun_reset(lun->dev);
		ktgt_lun_put(lun);
		rsp->response = KTGT_TMF_RSP_COMPLETE;
		break;
	case KTGT_TMF_TARGET_WARM_RESET:
	case KTGT_TMF_TARGET_COLD_RESET:
		ktgt_tmf_abort_set(conn, 0, true, tmf);
		ktgt_tmf_target_others(tmf, sess, fn == KTGT_TMF_TARGET_COLD_RESET);
		rsp->response = KTGT_TMF_RSP_COMPLETE;
		/* RFC 7143 11.5.1: a cold reset also drops the connection */
		if (fn == KTGT_TMF_TARGET_COLD_RESET)
			tmf->rsp->close_after = true;
		break;
	case KTGT_TMF_TASK_REASSIGN:
		/* ErrorRecoveryLevel 0: no task allegiance reassignment */
		rsp->response = KTGT_TMF_RSP_NO_FAILOVER;
		break;
	default:
		rsp->response = KTGT_TMF_RSP_NOT_SUPPORTED;
		break;
	}
out:
	ktgt_tmf_put(tmf);
	return 0;
}

/* ---- receive dispatch ------------------------------------------------ */

/* Header complete (before the data segment): choose the data's destination. */
int ktgt_rx_pdu_start(struct ktgt_conn *conn)
{
	u8 op = ktgt_bhs_opcode(&conn->rx_bhs);

	conn->rx_cur = NULL;
	conn->rx_reject = 0;
	if (conn->state == KTGT_CONN_LOGIN) {
		if (op != KTGT_OP_LOGIN_REQ)
			return -EPROTO;
		return 0;
	}
	switch (op) {
	case KTGT_OP_SCSI_CMD:
		return ktgt_scsi_cmd_start(conn);
	case KTGT_OP_DATA_OUT:
		return ktgt_data_out_start(conn);
	default:
		return 0;
	}
}

/* The whole PDU is in. */
int ktgt_rx_pdu_done(struct ktgt_conn *conn)
{
	u8 op = ktgt_bhs_opcode(&conn->rx_bhs);

	if (conn->state == KTGT_CONN_LOGIN)
		return ktgt_login_rx(conn);
	if (conn->rx_reject) {
		ktgt_conn_reject(conn, conn->rx_reject);
		return 0;
	}
	switch (op) {
	case KTGT_OP_SCSI_CMD:
		return ktgt_scsi_cmd_rx_done(conn);
	case KTGT_OP_DATA_OUT:
		return ktgt_data_out_done(conn);
	case KTGT_OP_NOOP_OUT:
		return ktgt_nop_out(conn);
	case KTGT_OP_TEXT_REQ:
		return ktgt_text_req(conn);
	case KTGT_OP_LOGOUT_REQ:
		return ktgt_logout_req(conn);
	case KTGT_OP_TMF_REQ:
		return ktgt_tmf_req(conn);
	case KTGT_OP_LOGIN_REQ:
		/* a login on a full feature connection */
		ktgt_conn_reject(conn, KTGT_REJECT_PROTOCOL_ERROR);
		return 0;
	case KTGT_OP_SNACK:
		/* RFC 7143 11.16: no SNACK support at ErrorRecoveryLevel 0 */
		ktgt_conn_reject(conn, KTGT_REJECT_PROTOCOL_ERROR);
		return 0;
	default:
		ktgt_conn_reject(conn, KTGT_REJECT_CMD_NOT_SUPPORTED);
		return 0;
	}
}

/*
 * ERL0 and a data digest error: reject the PDU and drop the connection
 * once the Reject is out (the initiator recovers the session).
 */
int ktgt_rx_data_digest_error(struct ktgt_conn *conn)
{
	pr_err_ratelimited("data digest error from %pISpc\n", &conn->peer);
	if (conn->state == KTGT_CONN_LOGIN ||
	    ktgt_conn_reject_close(conn, KTGT_REJECT_DIGEST_ERROR, true))
		return -EBADMSG;
	conn->state = KTGT_CONN_LOGOUT;
	return 0;
}

int ktgt_task_init(void)
{
	ktgt_task_cache = KMEM_CACHE(ktgt_task, 0);
	return ktgt_task_cache ? 0 : -ENOMEM;
}

void ktgt_task_exit(void)
{
	kmem_cache_destroy(ktgt_task_cache);
}
