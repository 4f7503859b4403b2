// SPDX-License-Identifier: GPL-2.0
/*
 * The copy manager: EXTENDED COPY (LID1), RECEIVE COPY RESULTS (COPY
 * STATUS, OPERATING PARAMETERS, FAILED SEGMENT DETAILS) and the
 * Third-party Copy VPD page (SPC-4 5.17, 6.4, 6.21-6.25, 7.8.17).
 *
 * A copy may only name logical units the I_T nexus that sends it reaches
 * through its own LUN mapping (struct ktgt_nexus_ops.get_dev_by_naa): a
 * designator of any other LU is COPY TARGET DEVICE NOT REACHABLE, however
 * the initiator learned it.  Blocks move through each backstore's own
 * execute_rw, one bounded chunk at a time, from a work item.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/list.h>
#include <linux/spinlock.h>
#include <linux/completion.h>
#include <linux/highmem.h>
#include <linux/sched.h>

#include "ktgt_scsi_int.h"
#include "ktgt_xcopy.h"

/* Results kept for RECEIVE COPY RESULTS: at most this many, LRU-evicted. */
#define KTGT_XCOPY_MAX_HELD	64

#define KTGT_RCR_COPY_STATUS	0x00
#define KTGT_RCR_OP_PARAMS	0x03
#define KTGT_RCR_FAILED_SEGS	0x04

/* One copy operation with a list identifier (LIST ID USAGE 00b or 10b). */
struct ktgt_xcopy_op {
	struct list_head node;		/* ktgt_xcopy_ops, oldest first */
	const struct ktgt_nexus *nexus;	/* compared only */
	const struct ktgt_dev *dev;	/* the copy manager's LU, compared */
	u8 list_id;
	bool hold;			/* LIST ID USAGE 00b: keep results */
	bool running;
	bool gone;			/* nexus/LU went away while running */
	bool status_held;		/* COPY STATUS not yet returned */
	bool failed_held;		/* FAILED SEGMENT DETAILS held */
	u8 cmd_status;
	u16 segs_done;
	u32 bytes;			/* written to the destinations */
	u8 sense_len;
	u8 sense[KTGT_SENSE_LEN];
};

static LIST_HEAD(ktgt_xcopy_ops);
static DEFINE_SPINLOCK(ktgt_xcopy_lock);
static unsigned int ktgt_xcopy_nr_ops;
static atomic_t ktgt_xcopy_active = ATOMIC_INIT(0);

/* Per EXTENDED COPY command, in cmd->scsi_priv while it runs. */
struct ktgt_xcopy_ctx {
	struct ktgt_xcopy_list list;
	struct ktgt_dev *dev[KTGT_XCOPY_MAX_TGT_DESCS];
	void *ref[KTGT_XCOPY_MAX_TGT_DESCS];
	struct ktgt_xcopy_op *op;	/* NULL: LIST ID USAGE 11b */
};

/* ------------------------------------------------------------------ */
/* Held results                                                         */

static void ktgt_xcopy_op_del(struct ktgt_xcopy_op *op)
{
	lockdep_assert_held(&ktgt_xcopy_lock);
	list_del(&op->node);
	ktgt_xcopy_nr_ops--;
	kfree(op);
}

static struct ktgt_xcopy_op *ktgt_xcopy_op_find(const struct ktgt_nexus *nx,
						const struct ktgt_dev *dev,
						u8 list_id)
{
	struct ktgt_xcopy_op *op;

	lockdep_assert_held(&ktgt_xcopy_lock);
	list_for_each_entry(op, &ktgt_xcopy_ops, node)
		if (op->nexus == nx && op->dev == dev && op->list_id == list_id &&
		    !op->gone)
			return op;
	return NULL;
}

/*
 * Register a copy operation: a list identifier still in use on this I_T
 * nexus is OPERATION IN PROGRESS; results held for an earlier one with
 * the same identifier are discarded (SPC-4 6.25, 6.23).
 */
static int ktgt_xcopy_op_start(struct ktgt_cmd *cmd, struct ktgt_xcopy_ctx *c)
{
	struct ktgt_xcopy_op *op, *old, *tmp;

	if (c->list.list_id_usage == KTGT_XCOPY_LIST_ID_NONE)
		return 0;
	op = kzalloc(sizeof(*op), GFP_NOIO);
	if (!op)
		return -ENOMEM;
	op->nexus = cmd->nexus;
	op->dev = cmd->dev;
	op->list_id = c->list.list_id;
	op->hold = c->list.list_id_usage == KTGT_XCOPY_LIST_ID_HOLD;
	op->running = true;

	spin_lock(&ktgt_xcopy_lock);
	old = ktgt_xcopy_op_find(cmd->nexus, cmd->dev, op->list_id);
	if (old && old->running) {
		spin_unlock(&ktgt_xcopy_lock);
		kfree(op);
		return -EBUSY;
	}
	if (old)
		ktgt_xcopy_op_del(old);
	/* make room: drop the oldest finished results */
	list_for_each_entry_safe(old, tmp, &ktgt_xcopy_ops, node) {
		if (ktgt_xcopy_nr_ops < KTGT_XCOPY_MAX_HELD)
			break;
		if (!old->running)
			ktgt_xcopy_op_del(old);
	}
	list_add_tail(&op->node, &ktgt_xcopy_ops);
	ktgt_xcopy_nr_ops++;
	spin_unlock(&ktgt_xcopy_lock);
	c->op = op;
	return 0;
}

static void ktgt_xcopy_op_progress(struct ktgt_xcopy_op *op, u16 segs, u32 bytes)
{
	if (!op)
		return;
	spin_lock(&ktgt_xcopy_lock);
	op->segs_done = segs;
	op->bytes = bytes;
	spin_unlock(&ktgt_xcopy_lock);
}

static void ktgt_xcopy_op_finish(struct ktgt_xcopy_op *op,
				 const struct ktgt_cmd *cmd)
{
	if (!op)
		return;
	spin_lock(&ktgt_xcopy_lock);
	op->running = false;
	if (op->gone || !op->hold) {
		ktgt_xcopy_op_del(op);
	} else {
		op->cmd_status = cmd->status;
		op->status_held = true;
		if (cmd->status == KTGT_SAM_CHECK_CONDITION) {
			op->failed_held = true;
			op->sense_len = cmd->sense_len;
			memcpy(op->sense, cmd->sense, cmd->sense_len);
		}
	}
	spin_unlock(&ktgt_xcopy_lock);
}

/* Forget what @nexus (NULL: every nexus) held on @dev (NULL: any LU). */
static void ktgt_xcopy_forget(const struct ktgt_dev *dev,
			      const struct ktgt_nexus *nexus)
{
	struct ktgt_xcopy_op *op, *tmp;

	spin_lock(&ktgt_xcopy_lock);
	list_for_each_entry_safe(op, tmp, &ktgt_xcopy_ops, node) {
		if ((dev && op->dev != dev) || (nexus && op->nexus != nexus))
			continue;
		if (op->running)
			op->gone = true;	/* freed when it finishes */
		else
			ktgt_xcopy_op_del(op);
	}
	spin_unlock(&ktgt_xcopy_lock);
}

void ktgt_xcopy_nexus_gone(struct ktgt_dev *dev, const struct ktgt_nexus *nexus)
{
	ktgt_xcopy_forget(dev, nexus);
}

void ktgt_xcopy_dev_gone(struct ktgt_dev *dev)
{
	ktgt_xcopy_forget(dev, NULL);
}

void ktgt_xcopy_exit(void)
{
	ktgt_xcopy_forget(NULL, NULL);
}

/* ------------------------------------------------------------------ */
/* Copy targets                                                         */

static void ktgt_xcopy_put_targets(struct ktgt_cmd *cmd, struct ktgt_xcopy_ctx *c)
{
	struct ktgt_nexus *nx = cmd->nexus;
	unsigned int i;

	for (i = 0; i < c->list.nr_tgts; i++) {
		if (c->ref[i] && nx && nx->ops && nx->ops->put_dev)
			nx->ops->put_dev(nx, c->ref[i]);
		c->ref[i] = NULL;
		c->dev[i] = NULL;
	}
}

/*
 * Resolve every target descriptor against the LUs this nexus reaches
 * (never a global list of backstores): anything else is not reachable.
 */
static int ktgt_xcopy_get_targets(struct ktgt_cmd *cmd, struct ktgt_xcopy_ctx *c,
				  struct ktgt_sense_err *e)
{
	struct ktgt_nexus *nx = cmd->nexus;
	unsigned int i;
	u64 naa;

	for (i = 0; i < c->list.nr_tgts; i++) {
		const struct ktgt_xcopy_tgt *t = &c->list.tgt[i];
		struct ktgt_dev *dev = NULL;

		if (ktgt_xcopy_tgt_naa(t, &naa)) {
			if (nx && nx->ops && nx->ops->get_dev_by_naa)
				dev = nx->ops->get_dev_by_naa(nx, naa, &c->ref[i]);
			else if (cmd->dev->naa_id == naa)
				dev = cmd->dev;	/* held by the command itself */
		}
		if (!dev || !READ_ONCE(dev->enabled)) {
			c->dev[i] = dev;
			ktgt_sense_set(e, KTGT_SK_COPY_ABORTED,
				       KTGT_ASC_COPY_TARGET_NOT_REACHABLE);
			return -ENODEV;
		}
		c->dev[i] = dev;
		/* the copy moves whole blocks of one size */
		if (t->block_len != dev->block_size) {
			ktgt_sense_invalid_param(e, t->off + 29, 7);
			return -EINVAL;
		}
	}
	return 0;
}

static bool ktgt_xcopy_wp(const struct ktgt_cmd *cmd, const struct ktgt_dev *dev)
{
	return cmd->write_protect || dev->readonly || dev->swp;
}

/* COPY ABORTED pointing at a field of the parameter list. */
static void ktgt_xcopy_aborted_at(struct ktgt_sense_err *e, u16 off)
{
	ktgt_sense_set(e, KTGT_SK_COPY_ABORTED, KTGT_ASC_NO_ADDITIONAL_SENSE);
	e->sks_valid = true;
	e->sks_field = off;
}

/* Everything that can fail before a block moves. */
static int ktgt_xcopy_check(struct ktgt_cmd *cmd, struct ktgt_xcopy_ctx *c,
			    struct ktgt_sense_err *e)
{
	unsigned int i;

	for (i = 0; i < c->list.nr_tgts; i++) {
		const struct ktgt_nexus *holder = READ_ONCE(c->dev[i]->reserved_by);

		if (holder && holder != cmd->nexus)
			return -EACCES;
	}
	for (i = 0; i < c->list.nr_segs; i++) {
		const struct ktgt_xcopy_seg *s = &c->list.seg[i];
		struct ktgt_dev *src = c->dev[s->src], *dst = c->dev[s->dst];

		/* as a READ on the source, a WRITE on the destination would */
		if (ktgt_pr_conflict_io(src, cmd->nexus, false) ||
		    ktgt_pr_conflict_io(dst, cmd->nexus, true))
			return -EACCES;
		if (src->block_size != dst->block_size) {
			ktgt_sense_invalid_param(e, s->off + 4, 7);
			return -EINVAL;
		}
		if (s->src_lba > ktgt_dev_nr_blocks(src) ||
		    s->nr_blocks > ktgt_dev_nr_blocks(src) - s->src_lba) {
			ktgt_xcopy_aborted_at(e, s->off + 12);
			return -EINVAL;
		}
		if (s->dst_lba > ktgt_dev_nr_blocks(dst) ||
		    s->nr_blocks > ktgt_dev_nr_blocks(dst) - s->dst_lba) {
			ktgt_xcopy_aborted_at(e, s->off + 20);
			return -EINVAL;
		}
		if (s->nr_blocks && ktgt_xcopy_wp(cmd, dst)) {
			ktgt_sense_set(e, KTGT_SK_DATA_PROTECT,
				       KTGT_ASC_WRITE_PROTECTED);
			return -EINVAL;
		}
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Moving blocks                                                        */

struct ktgt_xcopy_sub {
	struct ktgt_cmd cmd;
	struct completion done;
};

static void ktgt_xcopy_sub_done(struct ktgt_cmd *cmd)
{
	complete(&container_of(cmd, struct ktgt_xcopy_sub, cmd)->done);
}

/* ASC/ASCQ of fixed (70h/71h) or descriptor (72h/73h) sense data */
static u16 ktgt_xcopy_sense_asc(const u8 *sense, u8 len)
{
	u8 rc = len ? sense[0] & 0x7f : 0;

	if ((rc == 0x70 || rc == 0x71) && len >= 14)
		return sense[12] << 8 | sense[13];
	if ((rc == 0x72 || rc == 0x73) && len >= 4)
		return sense[2] << 8 | sense[3];
	return KTGT_ASC_THIRD_PARTY_DEVICE_FAILURE;
}

/* Read or write @nr blocks of @dev through its backend, waiting for it. */
static int ktgt_xcopy_io(struct ktgt_cmd *parent, struct ktgt_dev *dev,
			 enum ktgt_data_dir dir, u64 lba, u32 nr,
			 struct bio_vec *bv, unsigned int nr_bv,
			 struct ktgt_sense_err *e)
{
	struct ktgt_xcopy_sub *s;
	u32 len = nr << dev->block_shift;
	int ret = 0;

	s = kzalloc(sizeof(*s), GFP_NOIO);
	if (!s)
		return -ENOMEM;
	init_completion(&s->done);
	INIT_LIST_HEAD(&s->cmd.wait_node);
	s->cmd.dev = dev;
	s->cmd.nexus = parent->nexus;
	s->cmd.done = ktgt_xcopy_sub_done;
	s->cmd.dir = dir;
	s->cmd.lba = lba;
	s->cmd.nr_blocks = nr;
	s->cmd.fua = dir == KTGT_DIR_WRITE && !dev->wce;
	s->cmd.bvec = bv;
	s->cmd.nr_bvec = nr_bv;
	s->cmd.buf_len = len;
	s->cmd.data_len = len;
	dev->ops->execute_rw(&s->cmd);
	wait_for_completion(&s->done);

	if (s->cmd.status != KTGT_SAM_GOOD) {
		/* the copy target's error, reported by the copy manager */
		u16 asc = KTGT_ASC_THIRD_PARTY_DEVICE_FAILURE;

		if (s->cmd.status == KTGT_SAM_CHECK_CONDITION)
			asc = ktgt_xcopy_sense_asc(s->cmd.sense, s->cmd.sense_len);
		ktgt_sense_set(e, KTGT_SK_COPY_ABORTED, asc);
		ret = -EIO;
	}
	kfree(s);
	return ret;
}

static int ktgt_xcopy_segment(struct ktgt_cmd *cmd, struct ktgt_xcopy_ctx *c,
			      const struct ktgt_xcopy_seg *s, u16 idx,
			      struct bio_vec *bv, unsigned int nr_bv, u32 *bytes,
			      struct ktgt_sense_err *e)
{
	struct ktgt_dev *src = c->dev[s->src], *dst = c->dev[s->dst];
	u32 chunk = KTGT_CHUNK_BYTES >> src->block_shift;
	u32 left = s->nr_blocks, done = 0;
	/* overlapping, destination after source: copy from the end */
	bool backward = src == dst && s->dst_lba > s->src_lba &&
			s->dst_lba < s->src_lba + s->nr_blocks;
	int ret;

	while (left) {
		u32 n = min(left, chunk);
		u64 off = backward ? left - n : done;

		ret = ktgt_xcopy_io(cmd, src, KTGT_DIR_READ, s->src_lba + off,
				    n, bv, nr_bv, e);
		if (!ret)
			ret = ktgt_xcopy_io(cmd, dst, KTGT_DIR_WRITE,
					    s->dst_lba + off, n, bv, nr_bv, e);
		if (ret)
			return ret;
		left -= n;
		done += n;
		*bytes += n << dst->block_shift;
		ktgt_xcopy_op_progress(c->op, idx, *bytes);
		cond_resched();
	}
	return 0;
}

static void ktgt_xcopy_finish(struct ktgt_cmd *cmd, struct ktgt_xcopy_ctx *c,
			      int ret, const struct ktgt_sense_err *e)
{
	ktgt_xcopy_put_targets(cmd, c);
	cmd->scsi_priv = NULL;
	if (!ret)
		cmd->status = KTGT_SAM_GOOD;
	else if (ret == -EACCES)
		cmd->status = KTGT_SAM_RESERVATION_CONFLICT;
	else if (ret == -ENOMEM)
		cmd->status = KTGT_SAM_BUSY;
	else
		ktgt_cmd_set_err(cmd, e);
	ktgt_xcopy_op_finish(c->op, cmd);
	kfree(c);
	atomic_dec(&ktgt_xcopy_active);
	ktgt_cmd_complete(cmd, cmd->status);
}

static void ktgt_xcopy_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_xcopy_ctx *c = cmd->scsi_priv;
	struct ktgt_sense_err e = {};
	struct bio_vec *bv = NULL;
	unsigned int nr_bv = 0, i;
	u32 bytes = 0;
	int ret;

	ret = ktgt_xcopy_get_targets(cmd, c, &e);
	if (!ret)
		ret = ktgt_xcopy_check(cmd, c, &e);
	if (!ret && c->list.nr_segs)
		ret = ktgt_bvec_alloc(KTGT_CHUNK_BYTES, GFP_NOIO, &bv, &nr_bv);
	for (i = 0; !ret && i < c->list.nr_segs; i++) {
		ktgt_xcopy_op_progress(c->op, i + 1, bytes);
		ret = ktgt_xcopy_segment(cmd, c, &c->list.seg[i], i + 1, bv,
					 nr_bv, &bytes, &e);
	}
	ktgt_bvec_free(bv, nr_bv);
	ktgt_xcopy_finish(cmd, c, ret, &e);
}

static void ktgt_xcopy_exec(struct ktgt_cmd *cmd)
{
	struct ktgt_xcopy_ctx *c;
	struct ktgt_sense_err e;
	u32 len;
	void *p;
	int ret;

	if (!cmd->data_len) {		/* no parameter list: nothing to do */
		ktgt_cmd_good(cmd);
		return;
	}
	if (ktgt_cmd_read_params(cmd, &p, &len))
		return;
	c = kzalloc(sizeof(*c), GFP_NOIO);
	if (!c) {
		kfree(p);
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	ret = ktgt_xcopy_parse(p, len, &c->list, &e);
	kfree(p);
	if (ret) {
		kfree(c);
		ktgt_cmd_fail(cmd, &e);
		return;
	}
	/* MAXIMUM CONCURRENT COPIES, over every nexus */
	if (atomic_inc_return(&ktgt_xcopy_active) > KTGT_XCOPY_MAX_CONCURRENT) {
		atomic_dec(&ktgt_xcopy_active);
		kfree(c);
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	ret = ktgt_xcopy_op_start(cmd, c);
	if (ret) {
		atomic_dec(&ktgt_xcopy_active);
		kfree(c);
		if (ret == -EBUSY)
			ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST,
						KTGT_ASC_OPERATION_IN_PROGRESS >> 8,
						KTGT_ASC_OPERATION_IN_PROGRESS & 0xff);
		else
			ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	cmd->scsi_priv = c;
	INIT_WORK(&cmd->work, ktgt_xcopy_work);
	queue_work(ktgt_scsi_wq, &cmd->work);
}

int ktgt_xcopy_parse_cdb(struct ktgt_cmd *cmd)
{
	u32 len = get_unaligned_be32(&cmd->cdb[10]);

	if (len > KTGT_XCOPY_MAX_PARAM_LEN)
		return ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST,
					  KTGT_ASC_PARAM_LIST_LENGTH_ERROR);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_WRITE, len, ktgt_xcopy_exec);
}

/* ------------------------------------------------------------------ */
/* RECEIVE COPY RESULTS                                                 */

/* The descriptor type codes implemented, ascending (SPC-4 6.22). */
static const u8 ktgt_xcopy_codes[] = { KTGT_XCOPY_SEG_B2B, KTGT_XCOPY_TGT_ID };

static u32 ktgt_rcr_op_params(struct ktgt_cmd *cmd, u8 *buf)
{
	buf[4] = 0x01;			/* SNLID */
	put_unaligned_be16(KTGT_XCOPY_MAX_TGT_DESCS, &buf[8]);
	put_unaligned_be16(KTGT_XCOPY_MAX_SEG_DESCS, &buf[10]);
	put_unaligned_be32(KTGT_XCOPY_MAX_DESC_LIST_LEN, &buf[12]);
	put_unaligned_be32(KTGT_XCOPY_MAX_SEG_BYTES, &buf[16]);
	/* inline data, held data, stream devices: none */
	put_unaligned_be16(KTGT_XCOPY_MAX_CONCURRENT, &buf[34]);
	buf[36] = KTGT_XCOPY_MAX_CONCURRENT;
	buf[37] = cmd->dev->block_shift;	/* DATA SEGMENT GRANULARITY */
	buf[43] = sizeof(ktgt_xcopy_codes);
	memcpy(&buf[44], ktgt_xcopy_codes, sizeof(ktgt_xcopy_codes));
	put_unaligned_be32(44 + sizeof(ktgt_xcopy_codes) - 4, &buf[0]);
	return 44 + sizeof(ktgt_xcopy_codes);
}

/* COPY STATUS / FAILED SEGMENT DETAILS of the list identifier in the CDB */
static int ktgt_rcr_held(struct ktgt_cmd *cmd, u8 *buf, u32 *len)
{
	u8 sa = cmd->cdb[1] & 0x1f;
	struct ktgt_xcopy_op *op;
	bool discard = false;

	spin_lock(&ktgt_xcopy_lock);
	op = ktgt_xcopy_op_find(cmd->nexus, cmd->dev, cmd->cdb[2]);
	if (!op || (sa == KTGT_RCR_COPY_STATUS && !op->running && !op->status_held) ||
	    (sa == KTGT_RCR_FAILED_SEGS && op->running)) {
		spin_unlock(&ktgt_xcopy_lock);
		return -ENOENT;
	}
	if (sa == KTGT_RCR_COPY_STATUS) {
		put_unaligned_be32(8, &buf[0]);
		buf[4] = op->running ? 0x00 :
			 op->cmd_status == KTGT_SAM_GOOD ? 0x01 : 0x02;
		put_unaligned_be16(op->segs_done, &buf[5]);
		buf[7] = 0x00;			/* TRANSFER COUNT in bytes */
		put_unaligned_be32(op->bytes, &buf[8]);
		*len = 12;
		if (!op->running) {
			op->status_held = false;
			discard = !op->failed_held;
		}
	} else if (op->failed_held) {
		put_unaligned_be32(56 + op->sense_len, &buf[0]);
		buf[56] = op->cmd_status;
		put_unaligned_be16(op->sense_len, &buf[58]);
		memcpy(&buf[60], op->sense, op->sense_len);
		*len = 60 + op->sense_len;
		/* discarded once transferred whole, or asked with length 0 */
		if (!cmd->data_len || cmd->data_len >= *len) {
			op->failed_held = false;
			discard = !op->status_held;
		}
	} else {
		*len = 4;			/* AVAILABLE DATA 0 */
	}
	if (discard)
		ktgt_xcopy_op_del(op);
	spin_unlock(&ktgt_xcopy_lock);
	return 0;
}

static void ktgt_rcr_exec(struct ktgt_cmd *cmd)
{
	u8 *buf = kzalloc(KTGT_EMU_BUF_LEN, GFP_NOIO);
	u32 len;

	if (!buf) {
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	if ((cmd->cdb[1] & 0x1f) == KTGT_RCR_OP_PARAMS) {
		len = ktgt_rcr_op_params(cmd, buf);
	} else if (ktgt_rcr_held(cmd, buf, &len)) {
		kfree(buf);
		/* no such copy operation (or no status yet to give) */
		ktgt_cmd_parse_invalid_cdb(cmd, 2, 7);
		ktgt_cmd_complete(cmd, KTGT_SAM_CHECK_CONDITION);
		return;
	}
	ktgt_cmd_respond(cmd, buf, len);
	kfree(buf);
}

int ktgt_rcr_parse(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ,
				     get_unaligned_be32(&cmd->cdb[10]),
				     ktgt_rcr_exec);
}

/* ------------------------------------------------------------------ */
/* Third-party Copy VPD page (8Fh)                                      */

static u8 *ktgt_tpc_desc(u8 *p, u16 type, u16 len)
{
	put_unaligned_be16(type, p);
	put_unaligned_be16(len, p + 2);
	return p + 4;
}

u32 ktgt_xcopy_vpd(struct ktgt_cmd *cmd, u8 *buf)
{
	static const u8 cmds[] = {
		KTGT_OP_EXTENDED_COPY, 1, 0x00,
		KTGT_OP_RECEIVE_COPY_RESULTS, 3,
		KTGT_RCR_COPY_STATUS, KTGT_RCR_OP_PARAMS, KTGT_RCR_FAILED_SEGS,
	};
	u8 *p = &buf[4], *d;
	u32 n;

	/* Supported Commands */
	n = round_up(1 + sizeof(cmds), 4);
	d = ktgt_tpc_desc(p, 0x0001, n);
	d[0] = sizeof(cmds);
	memcpy(&d[1], cmds, sizeof(cmds));
	p = d + n;

	/* Parameter Data */
	d = ktgt_tpc_desc(p, 0x0004, 0x1c);
	put_unaligned_be16(KTGT_XCOPY_MAX_TGT_DESCS, &d[4]);
	put_unaligned_be16(KTGT_XCOPY_MAX_SEG_DESCS, &d[6]);
	put_unaligned_be32(KTGT_XCOPY_MAX_DESC_LIST_LEN, &d[8]);
	/* MAXIMUM INLINE DATA LENGTH: 0 */
	p = d + 0x1c;

	/* Supported Descriptors */
	n = round_up(1 + sizeof(ktgt_xcopy_codes), 4);
	d = ktgt_tpc_desc(p, 0x0008, n);
	d[0] = sizeof(ktgt_xcopy_codes);
	memcpy(&d[1], ktgt_xcopy_codes, sizeof(ktgt_xcopy_codes));
	p = d + n;

	/* Supported CSCD Descriptor IDs: none */
	d = ktgt_tpc_desc(p, 0x000c, 4);
	p = d + 4;

	/* General Copy Operations */
	d = ktgt_tpc_desc(p, 0x8001, 0x20);
	put_unaligned_be32(KTGT_XCOPY_MAX_CONCURRENT, &d[0]);
	put_unaligned_be32(KTGT_XCOPY_MAX_CONCURRENT, &d[4]);
	put_unaligned_be32(KTGT_XCOPY_MAX_SEG_BYTES, &d[8]);
	d[12] = cmd->dev->block_shift;	/* DATA SEGMENT GRANULARITY */
	p = d + 0x20;

	return p - buf;
}
