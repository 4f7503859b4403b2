// SPDX-License-Identifier: GPL-2.0
/*
 * Connections: the socket, the resumable receive state machine and the send
 * queue, all driven from one work item per connection (io_work) that socket
 * callbacks queue on ktgt_wq.  No thread pair per connection: each run of
 * io_work receives and sends within a budget, then yields.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/net.h>
#include <linux/tcp.h>
#include <linux/crc32c.h>
#include <linux/uio.h>
#include <linux/highmem.h>
#include <linux/version.h>
#include <net/sock.h>
#include <net/tcp.h>

#include "ktgt_iscsi.h"
#include "ktgt_conn.h"
#include "ktgt_tmf.h"

#define KTGT_IO_BUDGET		64	/* PDUs each way per io_work run */
#define KTGT_LOGIN_MAX_DSL	8192	/* RFC 7143 default during login */

static struct kmem_cache *ktgt_pdu_cache;

static DEFINE_SPINLOCK(ktgt_conns_lock);
static LIST_HEAD(ktgt_conns);
static DECLARE_WAIT_QUEUE_HEAD(ktgt_conns_wq);
static unsigned int ktgt_nr_conns;

/* ---- digests --------------------------------------------------------- */

static u32 ktgt_crc_bvec(u32 crc, const struct bio_vec *bv, u32 off, u32 len)
{
	while (len) {
		u32 boff, n;
		void *p;

		while (off >= bv->bv_len) {
			off -= bv->bv_len;
			bv++;
		}
		boff = bv->bv_offset + off;
		n = min(len, bv->bv_len - off);
		n = min_t(u32, n, PAGE_SIZE - offset_in_page(boff));
		p = kmap_local_page(bv->bv_page + (boff >> PAGE_SHIFT));
		crc = crc32c(crc, p + offset_in_page(boff), n);
		kunmap_local(p);
		off += n;
		len -= n;
	}
	return crc;
}

static void ktgt_put_digest(u32 crc, u8 *out)
{
	put_unaligned_le32(~crc, out);
}

static bool ktgt_digest_ok(u32 crc, const u8 *wire)
{
	return get_unaligned_le32(wire) == ~crc;
}

static const u8 ktgt_zero_pad[4];

/* ---- tx PDUs --------------------------------------------------------- */

struct ktgt_tx_pdu *ktgt_tx_pdu_alloc(u8 opcode, u32 data_len, gfp_t gfp)
{
	struct ktgt_tx_pdu *pdu;

	pdu = kmem_cache_zalloc(ktgt_pdu_cache, gfp);
	if (!pdu)
		return NULL;
	INIT_LIST_HEAD(&pdu->node);
	pdu->bhs.opcode = opcode;
	pdu->bhs.flags = KTGT_FLAG_FINAL;
	if (data_len) {
		pdu->data = kzalloc(data_len, gfp);
		if (!pdu->data) {
			kmem_cache_free(ktgt_pdu_cache, pdu);
			return NULL;
		}
		pdu->data_len = data_len;
	}
	return pdu;
}

void ktgt_tx_pdu_free(struct ktgt_tx_pdu *pdu)
{
	kfree(pdu->data);
	kmem_cache_free(ktgt_pdu_cache, pdu);
}

/*
 * Called from the connection's own io_work (a command completing inline
 * in submit_bio, a response built in the send phase): its send phase is
 * still to come and picks the PDU up, so queueing io_work again would
 * only cost another, empty, run.
 */
static bool ktgt_in_io_work(struct ktgt_conn *conn)
{
	return in_task() && current_work() == &conn->io_work;
}

/* Queue a PDU for sending; any context where conn is alive. */
void ktgt_conn_queue_tx(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu)
{
	unsigned long flags;

	spin_lock_irqsave(&conn->tx_lock, flags);
	list_add_tail(&pdu->node, &conn->tx_queue);
	conn->tx_backlog += pdu->data_len;
	if (!conn->closing && !ktgt_in_io_work(conn))
		queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
	spin_unlock_irqrestore(&conn->tx_lock, flags);
}

/* Queue a PDU unless the connection is closing (then: false). */
bool ktgt_conn_queue_tx_live(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu)
{
	unsigned long flags;
	bool live;

	spin_lock_irqsave(&conn->tx_lock, flags);
	live = !conn->closing;
	if (live) {
		list_add_tail(&pdu->node, &conn->tx_queue);
		conn->tx_backlog += pdu->data_len;
		if (!ktgt_in_io_work(conn))
			queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
	}
	spin_unlock_irqrestore(&conn->tx_lock, flags);
	return live;
}

/* Task completion from the SCSI layer: any context, never sleeps. */
void ktgt_conn_task_done(struct ktgt_task *task)
{
	struct ktgt_conn *conn = task->conn;
	unsigned long flags;

	spin_lock_irqsave(&conn->tx_lock, flags);
	task->state = KTGT_TASK_DONE;
	list_add_tail(&task->rsp_node, &conn->rsp_queue);
	conn->nr_exec--;
	if (conn->closing) {
		if (!conn->nr_exec)
			wake_up(&conn->exec_wq);
	} else if (!ktgt_in_io_work(conn)) {
		queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
	}
	spin_unlock_irqrestore(&conn->tx_lock, flags);
}

/* ---- sending --------------------------------------------------------- */

/*
 * Fill the sequence numbers at the moment the PDU is picked for sending, so
 * StatSN is assigned in wire order.
 */
static void ktgt_tx_fill_sn(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu)
{
	struct ktgt_bhs *bhs = &pdu->bhs;
	u8 op = ktgt_bhs_opcode(bhs);
	bool advance;

	if (op == KTGT_OP_LOGIN_RSP) {
		/* login.c fills these: the session may not exist yet */
		bhs->sn1 = cpu_to_be32(conn->statsn++);
		return;
	}
	switch (op) {
	case KTGT_OP_DATA_IN:
		advance = bhs->flags & KTGT_FLAG_DATA_STATUS;
		break;
	case KTGT_OP_R2T:
		advance = false;
		break;
	case KTGT_OP_NOOP_IN:
		advance = bhs->itt != cpu_to_be32(KTGT_RSVD_TAG);
		break;
	default:
		advance = true;
	}
	if (advance || op != KTGT_OP_DATA_IN)
		bhs->sn1 = cpu_to_be32(conn->statsn);
	if (advance)
		conn->statsn++;
	if (conn->sess)
		ktgt_session_fill_window(conn->sess, &bhs->sn2, &bhs->sn3);
}

static void ktgt_tx_prepare(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu)
{
	u32 dlen = pdu->task_len ?: pdu->data_len;
	u32 crc;

	ktgt_bhs_set_dlength(&pdu->bhs, dlen);
	ktgt_tx_fill_sn(conn, pdu);
	if (conn->hdigest)
		ktgt_put_digest(crc32c(~0U, &pdu->bhs, KTGT_BHS_LEN), pdu->hdigest);
	if (conn->ddigest && dlen) {
		if (pdu->task_len)
			crc = ktgt_crc_bvec(~0U, pdu->task->scmd.bvec, pdu->task_off, dlen);
		else
			crc = crc32c(~0U, pdu->data, dlen);
		crc = crc32c(crc, ktgt_zero_pad, ktgt_pad4(dlen));
		ktgt_put_digest(crc, pdu->ddigest);
	}
}

static int ktgt_send_kvec(struct ktgt_conn *conn, const void *buf, u32 len, bool more)
{
	struct kvec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT | MSG_NOSIGNAL };

	if (more)
		msg.msg_flags |= MSG_MORE;
	return kernel_sendmsg(conn->sock, &msg, &iov, 1, len);
}

/* Send task data pages without copying them. */
static int ktgt_send_task_data(struct ktgt_conn *conn, struct ktgt_task *task,
			       u32 off, u32 len, bool more)
{
	const struct bio_vec *bv = task->scmd.bvec;
	int flags = MSG_DONTWAIT | MSG_NOSIGNAL;
	u32 boff, n;

	while (off >= bv->bv_len) {
		off -= bv->bv_len;
		bv++;
	}
	boff = bv->bv_offset + off;
	n = min(len, bv->bv_len - off);
	n = min_t(u32, n, PAGE_SIZE - offset_in_page(boff));
	if (more || n < len)
		flags |= MSG_MORE;
#if LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
	if (more || n < len)
		flags |= MSG_SENDPAGE_NOTLAST;
	return kernel_sendpage(conn->sock, bv->bv_page + (boff >> PAGE_SHIFT),
			       offset_in_page(boff), n, flags);
#else
	{
		struct bio_vec one;
		struct msghdr msg = { .msg_flags = flags | MSG_SPLICE_PAGES };

		bvec_set_page(&one, bv->bv_page + (boff >> PAGE_SHIFT), n,
			      offset_in_page(boff));
		iov_iter_bvec(&msg.msg_iter, ITER_SOURCE, &one, 1, n);
		return sock_sendmsg(conn->sock, &msg);
	}
#endif
}

/*
 * Push as much of @pdu as the socket takes.  @follow: another PDU is sent
 * right after this one, so even its last bytes go with MSG_MORE and TCP
 * coalesces the batch (e.g. the responses of one io_work run) into full
 * segments; the last PDU of a batch pushes them out.  Returns 1 when the
 * PDU is fully sent, 0 when the socket is full (come back on write_space),
 * or a negative errno.
 */
static int ktgt_send_pdu(struct ktgt_conn *conn, struct ktgt_tx_pdu *pdu,
			 bool follow)
{
	u32 dlen = pdu->task_len ?: pdu->data_len;
	u32 hlen = KTGT_BHS_LEN + (conn->hdigest ? KTGT_DIGEST_LEN : 0);
	u32 pad = ktgt_pad4(dlen);
	u32 dglen = (conn->ddigest && dlen) ? KTGT_DIGEST_LEN : 0;
	u32 total = hlen + dlen + pad + dglen;
	int ret;

	while (pdu->sent < total) {
		u32 s = pdu->sent;
		bool more;

		if (s < KTGT_BHS_LEN) {
			more = follow || total > KTGT_BHS_LEN;
			ret = ktgt_send_kvec(conn, (u8 *)&pdu->bhs + s,
					     KTGT_BHS_LEN - s, more);
		} else if (s < hlen) {
			s -= KTGT_BHS_LEN;
			ret = ktgt_send_kvec(conn, pdu->hdigest + s,
					     KTGT_DIGEST_LEN - s, follow || total > hlen);
		} else if (s < hlen + dlen) {
			s -= hlen;
			more = follow || pad || dglen;
			if (pdu->task_len)
				ret = ktgt_send_task_data(conn, pdu->task,
							  pdu->task_off + s,
							  dlen - s, more);
			else
				ret = ktgt_send_kvec(conn, (u8 *)pdu->data + s,
						     dlen - s, more);
		} else if (s < hlen + dlen + pad) {
			s -= hlen + dlen;
			ret = ktgt_send_kvec(conn, ktgt_zero_pad, pad - s,
					     follow || dglen);
		} else {
			s -= hlen + dlen + pad;
			ret = ktgt_send_kvec(conn, pdu->ddigest + s,
					     KTGT_DIGEST_LEN - s, follow);
		}
		if (ret == -EAGAIN)
			return 0;
		if (ret <= 0)
			return ret ? ret : -ECONNRESET;
		pdu->sent += ret;
	}
	return 1;
}

/* Move completed tasks from rsp_queue to the tx queue as PDUs. */
static void ktgt_conn_build_responses(struct ktgt_conn *conn)
{
	struct ktgt_task *task;
	LIST_HEAD(done);

	spin_lock_irq(&conn->tx_lock);
	list_splice_init(&conn->rsp_queue, &done);
	spin_unlock_irq(&conn->tx_lock);

	while ((task = list_first_entry_or_null(&done, struct ktgt_task, rsp_node))) {
		list_del_init(&task->rsp_node);
		ktgt_task_respond(task);
	}
}

static int ktgt_conn_send(struct ktgt_conn *conn, int budget, bool *more)
{
	struct ktgt_tx_pdu *pdu;
	int ret, sent = 0;

	ktgt_conn_build_responses(conn);
	while (sent < budget) {
		bool follow;

		pdu = conn->tx_cur;
		if (!pdu) {
			spin_lock_irq(&conn->tx_lock);
			pdu = list_first_entry_or_null(&conn->tx_queue,
						       struct ktgt_tx_pdu, node);
			if (pdu) {
				list_del_init(&pdu->node);
				conn->tx_backlog -= pdu->data_len;
			}
			spin_unlock_irq(&conn->tx_lock);
			if (!pdu)
				return 0;
			ktgt_tx_prepare(conn, pdu);
			conn->tx_cur = pdu;
		}
		/*
		 * Responses completed meanwhile join this batch.  Only this
		 * work item takes PDUs off tx_queue: seen non-empty, the next
		 * one is there for the next round of this loop.
		 */
		if (list_empty(&conn->tx_queue) && !list_empty(&conn->rsp_queue))
			ktgt_conn_build_responses(conn);
		follow = sent + 1 < budget && !list_empty(&conn->tx_queue) &&
			 !pdu->close_after && !pdu->login_final;
		ret = ktgt_send_pdu(conn, pdu, follow);
		if (ret <= 0)
			return ret;
		conn->tx_cur = NULL;
		ktgt_pdu_sent(conn, pdu);
		sent++;
	}
	*more = true;
	return 0;
}

/*
 * The send side on a second CPU (LIO runs a receive and a send thread per
 * connection; on two CPUs that overlaps the two).  io_work still builds
 * the responses and numbers every PDU (StatSN in wire order), then hands
 * them over on tx_wire; tx_work only writes them to the socket and gives
 * them back on tx_sent, where io_work releases them (ktgt_pdu_sent(): the
 * tasks, and with them conn->tasks, stay io_work's alone).  A PDU that
 * changes the connection's state once sent (close_after) is sent by
 * io_work itself, after tx_work has drained tx_wire.
 */
static void ktgt_tx_work(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(w, struct ktgt_conn, tx_work);
	struct ktgt_tx_pdu *pdu;
	LIST_HEAD(sent);
	bool requeue = false, idle = false;
	int ret = 0, n = 0;

	for (;;) {
		bool follow;

		pdu = conn->tx_wcur;
		if (!pdu) {
			spin_lock_irq(&conn->tx_lock);
			pdu = list_first_entry_or_null(&conn->tx_wire,
						       struct ktgt_tx_pdu, node);
			if (pdu)
				list_del_init(&pdu->node);
			else
				conn->tx_busy = false;
			spin_unlock_irq(&conn->tx_lock);
			if (!pdu) {
				idle = true;
				break;
			}
			/* from here the initiator may reuse the ITT */
			if (pdu->free_task)
				WRITE_ONCE(pdu->task->rsp_sent, true);
			conn->tx_wcur = pdu;
		}
		if (n >= KTGT_IO_BUDGET) {
			requeue = true;
			break;
		}
		follow = n + 1 < KTGT_IO_BUDGET && !list_empty(&conn->tx_wire);
		ret = ktgt_send_pdu(conn, pdu, follow);
		if (ret <= 0)
			break;		/* socket full: write_space queues us */
		conn->tx_wcur = NULL;
		list_add_tail(&pdu->node, &sent);
		n++;
	}
	spin_lock_irq(&conn->tx_lock);
	list_for_each_entry(pdu, &sent, node)
		conn->tx_backlog -= pdu->data_len;
	list_splice_tail(&sent, &conn->tx_sent);
	if (!conn->closing) {
		if (requeue)
			queue_work_on(conn->tx_cpu, ktgt_wq, &conn->tx_work);
		/* release what was sent, read again if paused, send a close_after */
		if (n || idle)
			queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
	}
	spin_unlock_irq(&conn->tx_lock);
	if (ret < 0) {
		if (ret != -ECONNRESET && ret != -EPIPE)
			pr_debug("connection error %d, closing\n", ret);
		ktgt_conn_close(conn);
	}
}

/* io_work: release the PDUs tx_work has sent. */
static void ktgt_conn_reap_sent(struct ktgt_conn *conn)
{
	struct ktgt_tx_pdu *pdu, *tmp;
	LIST_HEAD(sent);

	if (list_empty_careful(&conn->tx_sent))
		return;
	spin_lock_irq(&conn->tx_lock);
	list_splice_init(&conn->tx_sent, &sent);
	spin_unlock_irq(&conn->tx_lock);
	list_for_each_entry_safe(pdu, tmp, &sent, node) {
		list_del(&pdu->node);
		ktgt_pdu_sent(conn, pdu);
	}
}

/*
 * io_work's send phase.  In full feature phase with a second CPU: number
 * the queued PDUs and hand them to tx_work, up to one that needs io_work
 * to send it; otherwise (login, logout, such a PDU) send here, once
 * tx_work is idle.
 */
static int ktgt_conn_tx(struct ktgt_conn *conn, bool rx_idle, bool *more)
{
	struct ktgt_tx_pdu *pdu, *tmp;
	LIST_HEAD(batch);
	bool busy, special = false;

	ktgt_conn_reap_sent(conn);
	if (conn->tx_cpu != conn->cpu && conn->state == KTGT_CONN_FULL_FEATURE &&
	    !conn->tx_cur) {
		ktgt_conn_build_responses(conn);
		spin_lock_irq(&conn->tx_lock);
		/*
		 * Queue depth 1: nothing left to read, one task, one PDU to
		 * send.  Sending it here is cheaper than waking tx_work on the
		 * other CPU and being woken back to release it; with more
		 * tasks in flight, tx_work overlaps sending with receiving.
		 */
		if (rx_idle && !conn->tx_busy &&
		    list_is_singular(&conn->tx_queue) &&
		    list_is_singular(&conn->tasks)) {
			spin_unlock_irq(&conn->tx_lock);
			return ktgt_conn_send(conn, KTGT_IO_BUDGET, more);
		}
		list_for_each_entry_safe(pdu, tmp, &conn->tx_queue, node) {
			if (pdu->close_after || pdu->login_final) {
				special = true;
				break;
			}
			list_move_tail(&pdu->node, &batch);
		}
		spin_unlock_irq(&conn->tx_lock);
		list_for_each_entry(pdu, &batch, node)
			ktgt_tx_prepare(conn, pdu);
		spin_lock_irq(&conn->tx_lock);
		if (!list_empty(&batch)) {
			list_splice_tail(&batch, &conn->tx_wire);
			if (!conn->tx_busy && !conn->closing) {
				conn->tx_busy = true;
				queue_work_on(conn->tx_cpu, ktgt_wq, &conn->tx_work);
			}
		}
		busy = conn->tx_busy;
		spin_unlock_irq(&conn->tx_lock);
		if (!special || busy)
			return 0;	/* tx_work queues io_work when idle */
	} else {
		spin_lock_irq(&conn->tx_lock);
		busy = conn->tx_busy;
		spin_unlock_irq(&conn->tx_lock);
		if (busy)
			return 0;
	}
	ktgt_conn_reap_sent(conn);
	return ktgt_conn_send(conn, KTGT_IO_BUDGET, more);
}

/* ---- receiving ------------------------------------------------------- */

static int ktgt_recv_kvec(struct ktgt_conn *conn, void *buf, u32 len)
{
	struct kvec iov = { .iov_base = buf, .iov_len = len };
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	int ret;

	ret = kernel_recvmsg(conn->sock, &msg, &iov, 1, len, msg.msg_flags);
	if (ret == 0)
		return -ECONNRESET;
	return ret;
}

/* Receive straight into the task's pages at buffer offset @off. */
static int ktgt_recv_task(struct ktgt_conn *conn, struct ktgt_task *task,
			  u32 off, u32 len)
{
	struct msghdr msg = { .msg_flags = MSG_DONTWAIT };
	int ret;

	iov_iter_bvec(&msg.msg_iter, ITER_DEST, task->scmd.bvec,
		      task->scmd.nr_bvec, task->scmd.buf_len);
	iov_iter_advance(&msg.msg_iter, off);
	iov_iter_truncate(&msg.msg_iter, len);
	ret = sock_recvmsg(conn->sock, &msg, MSG_DONTWAIT);
	if (ret == 0)
		return -ECONNRESET;
	return ret;
}

/* Discard @len bytes (data the target does not want, e.g. of a failed task). */
static int ktgt_recv_discard(struct ktgt_conn *conn, u32 len)
{
	u8 scratch[256];

	return ktgt_recv_kvec(conn, scratch, min_t(u32, len, sizeof(scratch)));
}

static void ktgt_rx_reset(struct ktgt_conn *conn)
{
	conn->rx_state = KTGT_RX_BHS;
	conn->rx_off = 0;
	conn->rx_task = NULL;
	conn->rx_discard = false;
}

/* BHS (and AHS, header digest) complete: decide where the data goes. */
static int ktgt_rx_header_done(struct ktgt_conn *conn)
{
	u32 max = conn->state == KTGT_CONN_FULL_FEATURE ?
		conn->max_recv_dsl : KTGT_LOGIN_MAX_DSL;
	int ret;

	conn->rx_dlen = ktgt_bhs_dlength(&conn->rx_bhs);
	conn->rx_pad = ktgt_pad4(conn->rx_dlen);
	if (conn->rx_dlen > max) {
		pr_err_ratelimited("DataSegmentLength %u > %u, closing\n",
				   conn->rx_dlen, max);
		return -EPROTO;
	}
	conn->rx_crc = ~0U;
	ret = ktgt_rx_pdu_start(conn);
	if (ret)
		return ret;
	conn->rx_off = 0;
	conn->rx_state = KTGT_RX_DATA;
	return 0;
}

static int ktgt_rx_data_done(struct ktgt_conn *conn)
{
	int ret;

	ret = ktgt_rx_pdu_done(conn);
	ktgt_rx_reset(conn);
	return ret;
}

/*
 * Advance the receive state machine.  Returns the number of PDUs completed
 * (>= 0) or a negative errno; -EAGAIN is folded into "no progress".
 */
static int ktgt_conn_recv(struct ktgt_conn *conn, int budget, bool *more)
{
	int done = 0, ret;

	while (done < budget) {
		switch (conn->rx_state) {
		case KTGT_RX_BHS:
			ret = ktgt_recv_kvec(conn, (u8 *)&conn->rx_bhs + conn->rx_off,
					     KTGT_BHS_LEN - conn->rx_off);
			if (ret < 0)
				goto out;
			conn->rx_off += ret;
			if (conn->rx_off < KTGT_BHS_LEN)
				break;
			conn->rx_off = 0;
			conn->rx_ahs_len = ktgt_bhs_ahslength(&conn->rx_bhs);
			if (conn->rx_ahs_len > sizeof(conn->rx_ahs))
				return -EPROTO;
			conn->rx_state = KTGT_RX_AHS;
			fallthrough;
		case KTGT_RX_AHS:
			if (conn->rx_off < conn->rx_ahs_len) {
				ret = ktgt_recv_kvec(conn, conn->rx_ahs + conn->rx_off,
						     conn->rx_ahs_len - conn->rx_off);
				if (ret < 0)
					goto out;
				conn->rx_off += ret;
				if (conn->rx_off < conn->rx_ahs_len)
					break;
			}
			conn->rx_off = 0;
			if (!conn->hdigest) {
				ret = ktgt_rx_header_done(conn);
				if (ret)
					return ret;
				break;
			}
			conn->rx_state = KTGT_RX_HDIGEST;
			fallthrough;
		case KTGT_RX_HDIGEST: {
			u32 crc;

			ret = ktgt_recv_kvec(conn, conn->rx_hdigest + conn->rx_off,
					     KTGT_DIGEST_LEN - conn->rx_off);
			if (ret < 0)
				goto out;
			conn->rx_off += ret;
			if (conn->rx_off < KTGT_DIGEST_LEN)
				break;
			crc = crc32c(~0U, &conn->rx_bhs, KTGT_BHS_LEN);
			crc = crc32c(crc, conn->rx_ahs, conn->rx_ahs_len);
			if (!ktgt_digest_ok(crc, conn->rx_hdigest)) {
				/* RFC 7143 7.8: at ERL0 a header digest error
				 * drops the connection.
				 */
				pr_err_ratelimited("header digest error, closing\n");
				return -EBADMSG;
			}
			ret = ktgt_rx_header_done(conn);
			if (ret)
				return ret;
			break;
		}
		case KTGT_RX_DATA: {
			u32 want = conn->rx_dlen + conn->rx_pad - conn->rx_off;

			if (!want)
				goto data_complete;
			if (conn->rx_off < conn->rx_dlen) {
				want = conn->rx_dlen - conn->rx_off;
				if (conn->rx_discard)
					ret = ktgt_recv_discard(conn, want);
				else if (conn->rx_task)
					ret = ktgt_recv_task(conn, conn->rx_task,
							     conn->rx_task_off + conn->rx_off,
							     want);
				else
					ret = ktgt_recv_kvec(conn, conn->rx_buf + conn->rx_off,
							     want);
				if (ret < 0)
					goto out;
				if (conn->ddigest && !conn->rx_discard) {
					if (conn->rx_task)
						conn->rx_crc = ktgt_crc_bvec(conn->rx_crc,
							conn->rx_task->scmd.bvec,
							conn->rx_task_off + conn->rx_off, ret);
					else
						conn->rx_crc = crc32c(conn->rx_crc,
							conn->rx_buf + conn->rx_off, ret);
				}
			} else {
				u8 pad[4];

				ret = ktgt_recv_kvec(conn, pad, want);
				if (ret < 0)
					goto out;
				conn->rx_crc = crc32c(conn->rx_crc, pad, ret);
			}
			conn->rx_off += ret;
			if (conn->rx_off < conn->rx_dlen + conn->rx_pad)
				break;
data_complete:
			conn->rx_off = 0;
			if (!conn->ddigest || !conn->rx_dlen) {
				ret = ktgt_rx_data_done(conn);
				if (ret)
					return ret;
				done++;
				break;
			}
			conn->rx_state = KTGT_RX_DDIGEST;
			fallthrough;
		}
		case KTGT_RX_DDIGEST:
			ret = ktgt_recv_kvec(conn, conn->rx_ddigest + conn->rx_off,
					     KTGT_DIGEST_LEN - conn->rx_off);
			if (ret < 0)
				goto out;
			conn->rx_off += ret;
			if (conn->rx_off < KTGT_DIGEST_LEN)
				break;
			if (!conn->rx_discard &&
			    !ktgt_digest_ok(conn->rx_crc, conn->rx_ddigest)) {
				ret = ktgt_rx_data_digest_error(conn);
				ktgt_rx_reset(conn);
				if (ret)
					return ret;
			} else {
				ret = ktgt_rx_data_done(conn);
				if (ret)
					return ret;
			}
			done++;
			break;
		}
		if (conn->closing || conn->state == KTGT_CONN_LOGOUT)
			return done;
	}
	*more = true;
	return done;
out:
	return ret == -EAGAIN ? done : ret;
}

/* ---- io_work and socket callbacks ----------------------------------- */

static void ktgt_io_work(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(w, struct ktgt_conn, io_work);
	bool more;
	int ret, loops = 0;

	do {
		bool paused, rx_idle;

		more = false;
		if (READ_ONCE(conn->closing))
			return;
		/*
		 * A peer that does not read its responses (NOP-In echoes,
		 * Rejects, text) is not read either, or they pile up here.
		 */
		paused = READ_ONCE(conn->tx_backlog) > KTGT_TX_BACKLOG_MAX;
		if (conn->state == KTGT_CONN_FULL_FEATURE)
			ktgt_conn_run_ready(conn);
		rx_idle = false;
		if (conn->state != KTGT_CONN_LOGOUT && !paused) {
			ret = ktgt_conn_recv(conn, KTGT_IO_BUDGET, &more);
			if (ret < 0)
				goto fail;
			rx_idle = !more;
		}
		ktgt_tmf_conn_run(conn);
		ret = ktgt_conn_tx(conn, rx_idle, &more);
		if (ret < 0)
			goto fail;
		if (paused && READ_ONCE(conn->tx_backlog) <= KTGT_TX_BACKLOG_MAX)
			more = true;
	} while (more && ++loops < 8);

	if (more)
		queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
	return;
fail:
	if (ret != -ECONNRESET && ret != -EPIPE)
		pr_debug("connection error %d, closing\n", ret);
	ktgt_conn_close(conn);
}

/* Run io_work soon, unless the connection is closing; any context. */
void ktgt_conn_kick(struct ktgt_conn *conn)
{
	if (!READ_ONCE(conn->closing))
		queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
}

/* Let tx_work go on with tx_wire (the socket has room again). */
static void ktgt_conn_kick_tx(struct ktgt_conn *conn)
{
	unsigned long flags;

	spin_lock_irqsave(&conn->tx_lock, flags);
	if (!conn->closing && conn->tx_busy)
		queue_work_on(conn->tx_cpu, ktgt_wq, &conn->tx_work);
	spin_unlock_irqrestore(&conn->tx_lock, flags);
}

static void ktgt_sk_data_ready(struct sock *sk)
{
	struct ktgt_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn)
		ktgt_conn_kick(conn);
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ktgt_sk_write_space(struct sock *sk)
{
	struct ktgt_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn && sk_stream_is_writeable(sk)) {
		clear_bit(SOCK_NOSPACE, &sk->sk_socket->flags);
		ktgt_conn_kick(conn);
		ktgt_conn_kick_tx(conn);
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ktgt_sk_state_change(struct sock *sk)
{
	struct ktgt_conn *conn;

	read_lock_bh(&sk->sk_callback_lock);
	conn = sk->sk_user_data;
	if (conn) {
		switch (sk->sk_state) {
		case TCP_CLOSE_WAIT:
		case TCP_CLOSE:
			ktgt_conn_close(conn);
			break;
		default:
			break;
		}
	}
	read_unlock_bh(&sk->sk_callback_lock);
}

static void ktgt_conn_restore_callbacks(struct ktgt_conn *conn)
{
	struct sock *sk = conn->sock->sk;

	write_lock_bh(&sk->sk_callback_lock);
	if (sk->sk_user_data == conn) {
		sk->sk_user_data = NULL;
		sk->sk_data_ready = conn->saved_data_ready;
		sk->sk_write_space = conn->saved_write_space;
		sk->sk_state_change = conn->saved_state_change;
	}
	write_unlock_bh(&sk->sk_callback_lock);
}

/* ---- lifetime -------------------------------------------------------- */

static void ktgt_conn_free(struct ktgt_conn *conn)
{
	ktgt_conn_pool_drain(conn);
	ktgt_login_free(conn);
	kvfree(conn->text_rsp);
	kvfree(conn->text_req);
	kvfree(conn->rx_buf);
	sock_release(conn->sock);

	spin_lock(&ktgt_conns_lock);
	list_del(&conn->global_node);
	ktgt_nr_conns--;
	wake_up_all(&ktgt_conns_wq);
	spin_unlock(&ktgt_conns_lock);

	kfree(conn);
	module_put(THIS_MODULE);
}

/*
 * Tear down in process context: stop the callbacks and io_work, wait for
 * the tasks the SCSI layer still runs, end every task (ERL0), detach from
 * the session, free.
 */
static void ktgt_conn_release_work(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(w, struct ktgt_conn, release_work);
	struct ktgt_tx_pdu *pdu, *tmp;

	ktgt_conn_restore_callbacks(conn);
	kernel_sock_shutdown(conn->sock, SHUT_RDWR);
	/*
	 * io_work first: it is what arms the timers (login done, linger,
	 * ping answered), and with conn->closing set nothing queues it again.
	 * Then the timers, which do not re-arm themselves once closing.
	 */
	cancel_work_sync(&conn->io_work);
	/* queued by io_work, or under tx_lock while not closing */
	cancel_work_sync(&conn->tx_work);
	cancel_delayed_work_sync(&conn->timeout_work);
	cancel_delayed_work_sync(&conn->nopin_work);

	ktgt_conn_abort_dormant(conn);
	spin_lock_irq(&conn->tx_lock);
	wait_event_lock_irq(conn->exec_wq, !conn->nr_exec, conn->tx_lock);
	spin_unlock_irq(&conn->tx_lock);

	if (conn->tx_cur)
		list_add(&conn->tx_cur->node, &conn->tx_queue);
	conn->tx_cur = NULL;
	/* the tasks of these PDUs are ended below, with the others */
	if (conn->tx_wcur)
		list_add(&conn->tx_wcur->node, &conn->tx_wire);
	conn->tx_wcur = NULL;
	list_splice_init(&conn->tx_wire, &conn->tx_queue);
	list_splice_init(&conn->tx_sent, &conn->tx_queue);
	list_for_each_entry_safe(pdu, tmp, &conn->tx_queue, node) {
		list_del(&pdu->node);
		ktgt_tx_pdu_free(pdu);
	}
	/*
	 * ERL0 (RFC 7143 7.1.5): a connection that fails takes its session
	 * down; only a logout or a connection reinstatement ends one
	 * connection of a session and leaves the others.
	 */
	if (conn->sess && !READ_ONCE(conn->quiet_close)) {
		mutex_lock(&ktgt_sess_mutex);
		ktgt_session_close(conn->sess);
		mutex_unlock(&ktgt_sess_mutex);
	}
	ktgt_conn_end_tasks(conn);
	ktgt_session_detach(conn);
	ktgt_conn_put(conn);
}

static void ktgt_conn_kref_release(struct kref *kref)
{
	ktgt_conn_free(container_of(kref, struct ktgt_conn, kref));
}

void ktgt_conn_put(struct ktgt_conn *conn)
{
	kref_put(&conn->kref, ktgt_conn_kref_release);
}

static void ktgt_conn_timeout(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(to_delayed_work(w), struct ktgt_conn,
					      timeout_work);

	enum ktgt_conn_state state = READ_ONCE(conn->state);

	if (state == KTGT_CONN_FULL_FEATURE)
		return;		/* login finished just in time */
	if (state == KTGT_CONN_LOGIN)
		pr_info_ratelimited("closing %pISpc: login timed out\n", &conn->peer);
	ktgt_conn_close(conn);
}

/*
 * Target-initiated NOP-In (RFC 7143 11.19): a peer that does not answer
 * within nopin_timeout is taken for dead and the connection closed.
 */
static void ktgt_conn_nopin(struct work_struct *w)
{
	struct ktgt_conn *conn = container_of(to_delayed_work(w), struct ktgt_conn,
					      nopin_work);
	struct ktgt_session *sess = conn->sess;
	struct ktgt_nop_hdr *hdr;
	struct ktgt_tx_pdu *pdu;
	u32 ttt;

	if (READ_ONCE(conn->closing) || !sess)
		return;
	if (READ_ONCE(conn->nopin_ttt) != KTGT_RSVD_TAG) {
		pr_info_ratelimited("closing %pISpc: no answer to NOP-In in %u s\n",
				    &conn->peer, sess->nopin_timeout);
		ktgt_conn_close(conn);
		return;
	}
	pdu = ktgt_tx_pdu_alloc(KTGT_OP_NOOP_IN, 0, GFP_KERNEL);
	if (!pdu)
		goto again;
	/* tags of target pings have the top bit set, task TTTs do not */
	ttt = (atomic_inc_return(&conn->nopin_seq) & 0x7fffffff) | 0x80000000;
	if (ttt == KTGT_RSVD_TAG)
		ttt = 0x80000000;
	hdr = (struct ktgt_nop_hdr *)&pdu->bhs;
	hdr->itt = cpu_to_be32(KTGT_RSVD_TAG);
	hdr->ttt = cpu_to_be32(ttt);
	WRITE_ONCE(conn->nopin_ttt, ttt);
	ktgt_conn_queue_tx(conn, pdu);
	queue_delayed_work(ktgt_wq, &conn->nopin_work, sess->nopin_timeout * HZ);
	return;
again:
	queue_delayed_work(ktgt_wq, &conn->nopin_work, sess->nopin_interval * HZ);
}

/* Async Message "logout requested" (RFC 7143 11.9.1); any process context. */
void ktgt_conn_request_logout(struct ktgt_conn *conn, u16 secs)
{
	struct ktgt_async_hdr *hdr;
	struct ktgt_tx_pdu *pdu;

	if (READ_ONCE(conn->state) != KTGT_CONN_FULL_FEATURE || conn->logout_requested)
		return;
	pdu = ktgt_tx_pdu_alloc(KTGT_OP_ASYNC_MSG, 0, GFP_KERNEL);
	if (!pdu)
		return;
	conn->logout_requested = true;
	hdr = (struct ktgt_async_hdr *)&pdu->bhs;
	hdr->itt = cpu_to_be32(KTGT_RSVD_TAG);
	hdr->async_event = KTGT_ASYNC_LOGOUT_REQUEST;
	hdr->param3 = cpu_to_be16(secs);
	ktgt_conn_queue_tx(conn, pdu);
}

void ktgt_conn_start_pings(struct ktgt_conn *conn)
{
	struct ktgt_session *sess = conn->sess;

	if (sess->type == KTGT_SESSION_NORMAL && sess->nopin_interval &&
	    !READ_ONCE(conn->closing))
		queue_delayed_work(ktgt_wq, &conn->nopin_work, sess->nopin_interval * HZ);
}

/* NOP-Out answering a ping: the peer is alive, ping again later. */
void ktgt_conn_ping_answered(struct ktgt_conn *conn, u32 ttt)
{
	if (ttt != READ_ONCE(conn->nopin_ttt))
		return;
	WRITE_ONCE(conn->nopin_ttt, KTGT_RSVD_TAG);
	if (!READ_ONCE(conn->closing))
		mod_delayed_work(ktgt_wq, &conn->nopin_work,
				 conn->sess->nopin_interval * HZ);
}

/* Close one connection of a session and leave the session be. */
void ktgt_conn_close_quiet(struct ktgt_conn *conn)
{
	WRITE_ONCE(conn->quiet_close, true);
	ktgt_conn_close(conn);
}

/* Start closing; any context.  The first caller wins. */
void ktgt_conn_close(struct ktgt_conn *conn)
{
	unsigned long flags;
	bool first;

	spin_lock_irqsave(&conn->tx_lock, flags);
	first = !conn->closing;
	WRITE_ONCE(conn->closing, true);
	spin_unlock_irqrestore(&conn->tx_lock, flags);
	if (first)
		queue_work(ktgt_wq, &conn->release_work);
}

void ktgt_conn_create(struct ktgt_listener *l, struct socket *sock)
{
	struct ktgt_conn *conn;
	struct sock *sk = sock->sk;
	int ret;

	if (!try_module_get(THIS_MODULE))
		goto fail;
	conn = kzalloc(sizeof(*conn), GFP_KERNEL);
	if (!conn)
		goto fail_mod;
	kref_init(&conn->kref);
	conn->sock = sock;
	conn->listener = l;
	conn->state = KTGT_CONN_LOGIN;
	spin_lock_init(&conn->tx_lock);
	INIT_LIST_HEAD(&conn->tx_queue);
	INIT_LIST_HEAD(&conn->rsp_queue);
	INIT_LIST_HEAD(&conn->tx_wire);
	INIT_LIST_HEAD(&conn->tx_sent);
	INIT_LIST_HEAD(&conn->tasks);
	INIT_LIST_HEAD(&conn->tmf_reqs);
	INIT_LIST_HEAD(&conn->sess_node);
	INIT_LIST_HEAD(&conn->ready);
	INIT_LIST_HEAD(&conn->task_pool);
	INIT_LIST_HEAD(&conn->page_pool);
	init_waitqueue_head(&conn->exec_wq);
	INIT_WORK(&conn->io_work, ktgt_io_work);
	INIT_WORK(&conn->tx_work, ktgt_tx_work);
	INIT_WORK(&conn->release_work, ktgt_conn_release_work);
	INIT_DELAYED_WORK(&conn->timeout_work, ktgt_conn_timeout);
	INIT_DELAYED_WORK(&conn->nopin_work, ktgt_conn_nopin);
	conn->nopin_ttt = KTGT_RSVD_TAG;
	conn->max_recv_dsl = KTGT_LOGIN_MAX_DSL;
	conn->max_xmit_dsl = KTGT_LOGIN_MAX_DSL;
	conn->rx_buf_cap = KTGT_LOGIN_MAX_DSL;
	conn->rx_buf = kmalloc(conn->rx_buf_cap, GFP_KERNEL);
	if (!conn->rx_buf)
		goto fail_free;
	conn->cpu = raw_smp_processor_id();
	conn->tx_cpu = cpumask_any_but(cpu_online_mask, conn->cpu);
	if (conn->tx_cpu >= nr_cpu_ids)
		conn->tx_cpu = conn->cpu;
	ktgt_rx_reset(conn);

	ret = kernel_getsockname(sock, (struct sockaddr *)&conn->local);
	if (ret >= 0)
		ret = kernel_getpeername(sock, (struct sockaddr *)&conn->peer);
	if (ret < 0)
		goto fail_free;

	tcp_sock_set_nodelay(sk);
	sk->sk_allocation = GFP_ATOMIC;

	spin_lock(&ktgt_conns_lock);
	list_add_tail(&conn->global_node, &ktgt_conns);
	ktgt_nr_conns++;
	spin_unlock(&ktgt_conns_lock);

	ret = ktgt_login_init(conn);
	if (ret) {
		kernel_sock_shutdown(sock, SHUT_RDWR);
		ktgt_conn_put(conn);
		return;
	}

	write_lock_bh(&sk->sk_callback_lock);
	sk->sk_user_data = conn;
	conn->saved_data_ready = sk->sk_data_ready;
	conn->saved_write_space = sk->sk_write_space;
	conn->saved_state_change = sk->sk_state_change;
	sk->sk_data_ready = ktgt_sk_data_ready;
	sk->sk_write_space = ktgt_sk_write_space;
	sk->sk_state_change = ktgt_sk_state_change;
	write_unlock_bh(&sk->sk_callback_lock);

	/* data may have arrived before the callbacks were in place */
	queue_work_on(conn->cpu, ktgt_wq, &conn->io_work);
	queue_delayed_work(ktgt_wq, &conn->timeout_work, KTGT_LOGIN_TIMEOUT);
	return;

fail_free:
	kvfree(conn->rx_buf);
	kfree(conn);
fail_mod:
	module_put(THIS_MODULE);
fail:
	sock_release(sock);
}

/* Resize the linear receive buffer after negotiation. */
int ktgt_conn_set_max_recv(struct ktgt_conn *conn, u32 max_recv_dsl)
{
	u8 *buf;

	if (max_recv_dsl > conn->rx_buf_cap) {
		buf = kvmalloc(max_recv_dsl, GFP_KERNEL);
		if (!buf)
			return -ENOMEM;
		kvfree(conn->rx_buf);
		conn->rx_buf = buf;
		conn->rx_buf_cap = max_recv_dsl;
	}
	conn->max_recv_dsl = max_recv_dsl;
	return 0;
}

/* Call @fn for every connection, under a spinlock: @fn must not sleep. */
void ktgt_conn_for_each(void (*fn)(struct ktgt_conn *conn, void *arg), void *arg)
{
	struct ktgt_conn *conn;

	spin_lock(&ktgt_conns_lock);
	list_for_each_entry(conn, &ktgt_conns, global_node)
		fn(conn, arg);
	spin_unlock(&ktgt_conns_lock);
}

unsigned int ktgt_conn_count(void)
{
	return READ_ONCE(ktgt_nr_conns);
}

/* Close every connection and wait for all of them to be gone. */
void ktgt_close_all_conns(void)
{
	struct ktgt_conn *conn;

	spin_lock(&ktgt_conns_lock);
	list_for_each_entry(conn, &ktgt_conns, global_node)
		ktgt_conn_close(conn);
	spin_unlock(&ktgt_conns_lock);
	wait_event(ktgt_conns_wq, !READ_ONCE(ktgt_nr_conns));
}

int ktgt_conn_init(void)
{
	ktgt_pdu_cache = KMEM_CACHE(ktgt_tx_pdu, 0);
	return ktgt_pdu_cache ? 0 : -ENOMEM;
}

void ktgt_conn_exit(void)
{
	kmem_cache_destroy(ktgt_pdu_cache);
}
