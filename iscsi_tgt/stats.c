// SPDX-License-Identifier: GPL-2.0
/*
 * Command counters and the session listing (tpgt_N/sessions).
 *
 * The hot path costs one local_clock() at arrival, and at response time a
 * few per-CPU adds for the LUN plus a few atomic adds for the session.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/percpu.h>
#include <linux/kernel.h>
#include <linux/string.h>

#include "ktgt_iscsi.h"
#include "ktgt_conn.h"
#include "ktgt_stats.h"

void ktgt_stats_task_done(struct ktgt_task *task)
{
	struct ktgt_session *sess = task->conn->sess;
	struct ktgt_cmd *cmd = &task->scmd;
	struct ktgt_lun_stats *ls;
	u64 rd = 0, wr = 0, us, now;
	bool err = cmd->status != KTGT_SAM_GOOD;

	if (!task->failed && cmd->dir == KTGT_DIR_READ)
		rd = min(cmd->xfer_len, cmd->buf_len);
	else if (!task->failed && cmd->dir == KTGT_DIR_WRITE && !err)
		wr = min(cmd->data_len, cmd->buf_len);

	atomic64_inc(&sess->stats.cmds);
	if (rd)
		atomic64_add(rd, &sess->stats.read_bytes);
	if (wr)
		atomic64_add(wr, &sess->stats.write_bytes);
	if (err)
		atomic64_inc(&sess->stats.errors);

	if (!task->lun || !task->lun->stats)
		return;
	now = ktgt_stats_now();
	us = now > task->start_ns ?
		div_u64(now - task->start_ns, NSEC_PER_USEC) : 0;
	ls = get_cpu_ptr(task->lun->stats);
	ls->cmds++;
	ls->read_bytes += rd;
	ls->write_bytes += wr;
	ls->errors += err;
	ls->lat_total_us += us;
	if (us > ls->lat_max_us)
		ls->lat_max_us = us;
	put_cpu_ptr(task->lun->stats);
}

void ktgt_stats_task_abort(struct ktgt_task *task)
{
	atomic64_inc(&task->conn->sess->stats.aborts);
	if (task->lun && task->lun->stats)
		this_cpu_inc(task->lun->stats->aborts);
}

/* ---- tpgt_N/sessions ------------------------------------------------- */

struct ktgt_emit {
	char *buf;			/* NULL: only count */
	size_t size;
	size_t len;			/* bytes wanted so far */
};

static __printf(2, 3) void ktgt_emit(struct ktgt_emit *e, const char *fmt, ...)
{
	bool room = e->buf && e->len < e->size;
	va_list ap;

	va_start(ap, fmt);
	e->len += vsnprintf(room ? e->buf + e->len : NULL,
			    room ? e->size - e->len : 0, fmt, ap);
	va_end(ap);
}

static const char *ktgt_yn(bool v)
{
	return v ? "Yes" : "No";
}

static const char *ktgt_digest(bool v)
{
	return v ? "CRC32C" : "None";
}

static void ktgt_emit_session(struct ktgt_emit *e, struct ktgt_session *sess)
{
	const struct ktgt_params *p = &sess->params;
	struct ktgt_conn *conn;
	unsigned long flags;
	u32 exp, max, depth, out;
	u64 *luns;
	u32 n, i;

	ktgt_emit(e, "session %u\n", sess->tsih);
	ktgt_emit(e, "initiator %s\n", sess->initiator_name);
	ktgt_emit(e, "isid %6phN\n", sess->isid);
	ktgt_emit(e, "tsih %u\n", sess->tsih);
	ktgt_emit(e, "target %s\n", sess->target_name);
	ktgt_emit(e, "tpgt %u\n", sess->tpg->tpgt);
	ktgt_emit(e, "acl %s\n", sess->acl ? sess->acl->name : "-");

	spin_lock_irqsave(&sess->sn_lock, flags);
	exp = sess->exp_cmdsn;
	depth = sess->cmdsn_depth;
	out = sess->outstanding;
	spin_unlock_irqrestore(&sess->sn_lock, flags);
	max = exp + depth - 1 - min(out, depth - 1);
	ktgt_emit(e, "exp_cmdsn %u\nmax_cmdsn %u\ncmdsn_depth %u\noutstanding %u\n",
		  exp, max, depth, out);

	ktgt_emit(e, "luns");
	luns = kmalloc_array(KTGT_MAX_LUNS, sizeof(*luns), GFP_KERNEL);
	if (luns) {
		n = ktgt_tpg_report_luns(sess->tpg, sess->acl, luns, KTGT_MAX_LUNS);
		for (i = 0; i < n && i < KTGT_MAX_LUNS; i++)
			ktgt_emit(e, " %llu", luns[i]);
		kfree(luns);
	}
	ktgt_emit(e, "\n");

	list_for_each_entry(conn, &sess->conns, sess_node)
		ktgt_emit(e, "conn %u %pISpc %pISpc\n", conn->cid,
			  &conn->local, &conn->peer);

	ktgt_emit(e, "param HeaderDigest %s\n", ktgt_digest(p->header_digest));
	ktgt_emit(e, "param DataDigest %s\n", ktgt_digest(p->data_digest));
	ktgt_emit(e, "param MaxConnections %u\n", p->max_connections);
	ktgt_emit(e, "param InitialR2T %s\n", ktgt_yn(p->initial_r2t));
	ktgt_emit(e, "param ImmediateData %s\n", ktgt_yn(p->immediate_data));
	ktgt_emit(e, "param MaxRecvDataSegmentLength %u\n", p->max_recv_dsl);
	ktgt_emit(e, "param MaxXmitDataSegmentLength %u\n", p->max_xmit_dsl);
	ktgt_emit(e, "param MaxBurstLength %u\n", p->max_burst);
	ktgt_emit(e, "param FirstBurstLength %u\n", p->first_burst);
	ktgt_emit(e, "param DefaultTime2Wait %u\n", p->default_time2wait);
	ktgt_emit(e, "param DefaultTime2Retain %u\n", p->default_time2retain);
	ktgt_emit(e, "param MaxOutstandingR2T %u\n", p->max_outstanding_r2t);
	ktgt_emit(e, "param DataPDUInOrder %s\n", ktgt_yn(p->data_pdu_in_order));
	ktgt_emit(e, "param DataSequenceInOrder %s\n", ktgt_yn(p->data_seq_in_order));
	ktgt_emit(e, "param ErrorRecoveryLevel %u\n", p->erl);

	ktgt_emit(e, "cmds %lld\nread_bytes %lld\nwrite_bytes %lld\n",
		  atomic64_read(&sess->stats.cmds),
		  atomic64_read(&sess->stats.read_bytes),
		  atomic64_read(&sess->stats.write_bytes));
	ktgt_emit(e, "errors %lld\naborts %lld\n\n",
		  atomic64_read(&sess->stats.errors),
		  atomic64_read(&sess->stats.aborts));
}

/*
 * Called twice by configfs for one open file: with @buf NULL for the size,
 * then with a buffer of that size.  Sessions may come and go in between:
 * the text is then cut at @size, or padded with newlines up to it (blank
 * lines separate sessions anyway), so no byte of @buf is left unset.
 */
ssize_t ktgt_tpg_sessions_format(struct ktgt_tpg *tpg, char *buf, size_t size)
{
	struct ktgt_emit e = { .buf = buf, .size = buf ? size : 0 };
	struct ktgt_session *sess;

	mutex_lock(&ktgt_sess_mutex);
	list_for_each_entry(sess, &tpg->sessions, node)
		ktgt_emit_session(&e, sess);
	mutex_unlock(&ktgt_sess_mutex);

	if (!buf)
		return e.len;
	if (e.len < size)
		memset(buf + e.len, '\n', size - e.len);
	else if (size)
		buf[size - 1] = '\n';	/* over vsnprintf's NUL */
	return size;
}
