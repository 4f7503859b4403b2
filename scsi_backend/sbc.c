// SPDX-License-Identifier: GPL-2.0
/*
 * SBC-3 commands, shared by every backstore: READ/WRITE and friends, READ
 * CAPACITY, SYNCHRONIZE CACHE, WRITE SAME, UNMAP, COMPARE AND WRITE,
 * ORWRITE, VERIFY, GET LBA STATUS.  Backstores only move blocks.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/highmem.h>
#include <linux/string.h>

#include "ktgt_scsi_int.h"

/* ------------------------------------------------------------------ */
/* Write ordering: COMPARE AND WRITE and ORWRITE run alone              */

static bool ktgt_gate_admit(struct ktgt_dev *dev, bool excl)
{
	if (dev->excl_active)
		return false;
	return !excl || !dev->nr_writes;
}

static void ktgt_gate_take(struct ktgt_dev *dev, struct ktgt_cmd *cmd,
			   bool excl)
{
	if (excl) {
		dev->excl_active = true;
		cmd->scsi_flags |= KTGT_CMDF_EXCL;
	} else {
		dev->nr_writes++;
		cmd->scsi_flags |= KTGT_CMDF_GATED;
	}
}

/*
 * Returns true if @cmd may go on now; false if it was queued, in which case
 * cmd->work (already initialised) is queued on ktgt_scsi_wq once admitted.
 */
static bool ktgt_gate_enter(struct ktgt_cmd *cmd, bool excl)
{
	struct ktgt_dev *dev = cmd->dev;
	unsigned long flags;
	bool ok;

	spin_lock_irqsave(&dev->io_lock, flags);
	ok = list_empty(&dev->io_waiters) && ktgt_gate_admit(dev, excl);
	if (ok) {
		ktgt_gate_take(dev, cmd, excl);
	} else {
		if (excl)
			cmd->scsi_flags |= KTGT_CMDF_WANT_EXCL;
		list_add_tail(&cmd->wait_node, &dev->io_waiters);
	}
	spin_unlock_irqrestore(&dev->io_lock, flags);
	return ok;
}

/* From ktgt_cmd_complete(), any context. */
void ktgt_sbc_io_done(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	unsigned long flags;

	spin_lock_irqsave(&dev->io_lock, flags);
	if (cmd->scsi_flags & KTGT_CMDF_GATED)
		dev->nr_writes--;
	if (cmd->scsi_flags & KTGT_CMDF_EXCL)
		dev->excl_active = false;
	cmd->scsi_flags &= ~(KTGT_CMDF_GATED | KTGT_CMDF_EXCL);

	while (!list_empty(&dev->io_waiters)) {
		struct ktgt_cmd *w = list_first_entry(&dev->io_waiters,
						      struct ktgt_cmd, wait_node);
		bool excl = w->scsi_flags & KTGT_CMDF_WANT_EXCL;

		if (!ktgt_gate_admit(dev, excl))
			break;
		list_del_init(&w->wait_node);
		w->scsi_flags &= ~KTGT_CMDF_WANT_EXCL;
		ktgt_gate_take(dev, w, excl);
		queue_work(ktgt_scsi_wq, &w->work);
	}
	spin_unlock_irqrestore(&dev->io_lock, flags);
}

/* Run @fn in process context, after taking the gate if @gate (1/2). */
static void ktgt_sbc_defer(struct ktgt_cmd *cmd, work_func_t fn, int gate)
{
	INIT_WORK(&cmd->work, fn);
	if (gate && !ktgt_gate_enter(cmd, gate == 2))
		return;
	queue_work(ktgt_scsi_wq, &cmd->work);
}

#define KTGT_GATE_NONE	0
#define KTGT_GATE_SHARED 1
#define KTGT_GATE_EXCL	2

/* Run @fn from a work item once @cmd has the LU to itself (sanitize.c). */
void ktgt_sbc_run_excl(struct ktgt_cmd *cmd, work_func_t fn)
{
	ktgt_sbc_defer(cmd, fn, KTGT_GATE_EXCL);
}

/* ------------------------------------------------------------------ */
/* Common decoding                                                      */

static u32 ktgt_max_xfer_blocks(const struct ktgt_dev *dev)
{
	return KTGT_MAX_XFER_BYTES >> dev->block_shift;
}

/* Offset of the TRANSFER LENGTH field, for the sense field pointer. */
static u16 ktgt_len_field(const u8 *cdb)
{
	if (cdb[0] == KTGT_OP_COMPARE_AND_WRITE)
		return 13;
	switch (ktgt_cdb_len(cdb[0])) {
	case 6:
		return 4;
	case 10:
		return 7;
	case 12:
		return 6;
	default:
		return 10;
	}
}

/*
 * Decode an LBA-addressed CDB into cmd->lba/nr_blocks/fua and check it:
 * protection field, write protection, range, and at most @max blocks
 * (0: no limit).
 */
static int ktgt_sbc_decode(struct ktgt_cmd *cmd, bool write, u64 max)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_cdb_rw rw;
	struct ktgt_sense_err e;

	ktgt_cdb_decode_rw(cmd->cdb, &rw);
	if (rw.has_protect && rw.protect)	/* no protection information */
		return ktgt_cmd_parse_invalid_cdb(cmd, 1, 7);
	if (write && ktgt_dev_write_protected(cmd))
		return ktgt_cmd_parse_err(cmd, KTGT_SK_DATA_PROTECT,
					  KTGT_ASC_WRITE_PROTECTED);
	if (ktgt_cdb_check_range(rw.lba, rw.nr_blocks,
				 ktgt_dev_nr_blocks(dev), &e)) {
		ktgt_cmd_set_err(cmd, &e);
		return -EINVAL;
	}
	if (max && rw.nr_blocks > max)
		return ktgt_cmd_parse_invalid_cdb(cmd, ktgt_len_field(cmd->cdb), 7);

	cmd->lba = rw.lba;
	cmd->nr_blocks = rw.nr_blocks;
	cmd->fua = rw.fua;
	return 0;
}

static int ktgt_sbc_set(struct ktgt_cmd *cmd, enum ktgt_data_dir dir,
			u32 len, void (*fn)(struct ktgt_cmd *cmd))
{
	cmd->dir = len ? dir : KTGT_DIR_NONE;
	cmd->data_len = len;
	cmd->execute = fn;
	return 0;
}

static void ktgt_sbc_exec_good(struct ktgt_cmd *cmd)
{
	ktgt_cmd_good(cmd);
}

static bool ktgt_sbc_fua(const struct ktgt_cmd *cmd)
{
	/* with the write cache disabled every write is write-through */
	return cmd->fua || !cmd->dev->wce;
}

/* ------------------------------------------------------------------ */
/* READ / WRITE (6/10/12/16), WRITE AND VERIFY                          */

static void ktgt_sbc_write_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);

	cmd->dev->ops->execute_rw(cmd);
}

/* What the data buffer's pages can hold (they may exceed buf_len). */
static u64 ktgt_bvec_bytes(const struct ktgt_cmd *cmd)
{
	u64 bytes = 0;
	unsigned int i;

	for (i = 0; i < cmd->nr_bvec; i++)
		bytes += cmd->bvec[i].bv_len;
	return bytes;
}

static void ktgt_sbc_exec_rw(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;

	if (cmd->dir == KTGT_DIR_READ) {
		/* a short buffer: move what fits, the transport reports the rest */
		if (cmd->data_len > cmd->buf_len) {
			if (!cmd->buf_len) {
				ktgt_cmd_good(cmd);
				return;
			}
			cmd->nr_blocks = DIV_ROUND_UP(cmd->buf_len,
						      dev->block_size);
		}
		if (ktgt_bvec_bytes(cmd) <
		    ((u64)cmd->nr_blocks << dev->block_shift)) {
			pr_warn_ratelimited("data buffer smaller than buf_len\n");
			ktgt_cmd_complete_sense(cmd, KTGT_SK_HARDWARE_ERROR,
						0x44, 0x00);
			return;
		}
		cmd->xfer_len = min(cmd->data_len, cmd->buf_len);
		dev->ops->execute_rw(cmd);
		return;
	}

	cmd->xfer_len = cmd->data_len;
	cmd->fua = ktgt_sbc_fua(cmd);
	INIT_WORK(&cmd->work, ktgt_sbc_write_work);
	if (ktgt_gate_enter(cmd, false))
		dev->ops->execute_rw(cmd);
}

static void ktgt_sbc_exec_io(struct ktgt_cmd *cmd)
{
	/*
	 * FCP-4 9.4.2 as iSCSI applies it (RFC 7143 11.4.5.1): when the
	 * expected transfer length is shorter than the CDB's, write only
	 * the whole blocks the initiator sent; the transport reports the
	 * overflow.  A partial block cannot be written.
	 */
	if (cmd->dir == KTGT_DIR_WRITE && cmd->data_len > cmd->buf_len) {
		if (cmd->buf_len & (cmd->dev->block_size - 1)) {
			ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST,
						0x0e, 0x03);
			return;
		}
		cmd->nr_blocks = cmd->buf_len >> cmd->dev->block_shift;
		cmd->data_len = cmd->buf_len;
	}
	if (!cmd->nr_blocks) {
		ktgt_cmd_good(cmd);
		return;
	}
	ktgt_sbc_exec_rw(cmd);
}

static bool ktgt_is_write(u8 opcode)
{
	return opcode == KTGT_OP_WRITE_6 || opcode == KTGT_OP_WRITE_10 ||
	       opcode == KTGT_OP_WRITE_12 || opcode == KTGT_OP_WRITE_16;
}

int ktgt_sbc_parse_rw(struct ktgt_cmd *cmd)
{
	bool write = ktgt_is_write(cmd->cdb[0]);
	int ret;

	ret = ktgt_sbc_decode(cmd, write, ktgt_max_xfer_blocks(cmd->dev));
	if (ret)
		return ret;
	cmd->scsi_flags |= KTGT_CMDF_TRUNCATE;
	return ktgt_sbc_set(cmd, write ? KTGT_DIR_WRITE : KTGT_DIR_READ,
			    cmd->nr_blocks << cmd->dev->block_shift,
			    ktgt_sbc_exec_io);
}

int ktgt_sbc_parse_write_verify(struct ktgt_cmd *cmd)
{
	int ret;

	ret = ktgt_sbc_decode(cmd, true, ktgt_max_xfer_blocks(cmd->dev));
	if (ret)
		return ret;
	/* verifying the medium: the data must be on it before GOOD */
	cmd->fua = true;
	cmd->scsi_flags |= KTGT_CMDF_TRUNCATE;
	return ktgt_sbc_set(cmd, KTGT_DIR_WRITE,
			    cmd->nr_blocks << cmd->dev->block_shift,
			    ktgt_sbc_exec_io);
}

/* ------------------------------------------------------------------ */
/* READ CAPACITY (10/16)                                                */

static void ktgt_sbc_exec_read_capacity(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	u64 last = ktgt_dev_nr_blocks(dev) - 1;
	u8 buf[32] = { 0 };

	if (cmd->cdb[0] == KTGT_OP_READ_CAPACITY_10) {
		put_unaligned_be32(min_t(u64, last, 0xffffffff), &buf[0]);
		put_unaligned_be32(dev->block_size, &buf[4]);
		ktgt_cmd_respond(cmd, buf, 8);
		return;
	}
	put_unaligned_be64(last, &buf[0]);
	put_unaligned_be32(dev->block_size, &buf[8]);
	buf[13] = dev->lbppbe & 0x0f;
	if (dev->lbp) {
		buf[14] = 0x80;			/* LBPME */
		if (dev->lbprz)
			buf[14] |= 0x40;	/* LBPRZ */
	}
	ktgt_cmd_respond(cmd, buf, 32);
}

int ktgt_sbc_parse_read_capacity(struct ktgt_cmd *cmd)
{
	u8 *cdb = cmd->cdb;

	if (cdb[0] == KTGT_OP_READ_CAPACITY_10) {
		if (!(cdb[8] & 0x01) && get_unaligned_be32(&cdb[2]))
			return ktgt_cmd_parse_invalid_cdb(cmd, 2, 7);
		return ktgt_sbc_set(cmd, KTGT_DIR_READ, 8,
				    ktgt_sbc_exec_read_capacity);
	}
	if (!(cdb[14] & 0x01) && get_unaligned_be64(&cdb[2]))
		return ktgt_cmd_parse_invalid_cdb(cmd, 2, 7);
	return ktgt_sbc_set(cmd, KTGT_DIR_READ, get_unaligned_be32(&cdb[10]),
			    ktgt_sbc_exec_read_capacity);
}

/* ------------------------------------------------------------------ */
/* READ DEFECT DATA (10/12)                                             */

/*
 * SBC-3 5.12/5.13: no backstore keeps a defect list, so both the primary
 * and the grown list are empty.  The header says which lists were asked
 * for (PLISTV/GLISTV) in the format asked for, with a length of 0.  Bytes
 * 2-5 of the 12-byte CDB (SBC-4's ADDRESS DESCRIPTOR INDEX) point into an
 * empty list, which is not an error.
 */
static void ktgt_sbc_exec_read_defect(struct ktgt_cmd *cmd)
{
	u8 buf[8] = { 0 };

	if (cmd->cdb[0] == KTGT_OP_READ_DEFECT_DATA_10) {
		buf[1] = cmd->cdb[2] & 0x1f;
		ktgt_cmd_respond(cmd, buf, 4);
		return;
	}
	buf[1] = cmd->cdb[1] & 0x1f;
	ktgt_cmd_respond(cmd, buf, 8);
}

int ktgt_sbc_parse_read_defect(struct ktgt_cmd *cmd)
{
	u8 *cdb = cmd->cdb;
	u32 len = cdb[0] == KTGT_OP_READ_DEFECT_DATA_10 ?
		  get_unaligned_be16(&cdb[7]) : get_unaligned_be32(&cdb[6]);

	return ktgt_sbc_set(cmd, KTGT_DIR_READ, len, ktgt_sbc_exec_read_defect);
}

/* ------------------------------------------------------------------ */
/* SYNCHRONIZE CACHE, PRE-FETCH                                         */

static void ktgt_sbc_exec_sync_cache(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;

	if (!dev->ops->sync_cache) {
		ktgt_cmd_good(cmd);
		return;
	}
	dev->ops->sync_cache(cmd);
}

int ktgt_sbc_parse_sync_cache(struct ktgt_cmd *cmd)
{
	int ret = ktgt_sbc_decode(cmd, false, 0);

	if (ret)
		return ret;
	return ktgt_sbc_set(cmd, KTGT_DIR_NONE, 0, ktgt_sbc_exec_sync_cache);
}

int ktgt_sbc_parse_pre_fetch(struct ktgt_cmd *cmd)
{
	int ret = ktgt_sbc_decode(cmd, false, 0);

	if (ret)
		return ret;
	return ktgt_sbc_set(cmd, KTGT_DIR_NONE, 0, ktgt_sbc_exec_good);
}


/* ------------------------------------------------------------------ */
/* Helpers of the multi-step commands (process context)                 */

static void ktgt_sbc_finish(struct ktgt_cmd *cmd, int err)
{
	if (err == -EIO && cmd->status != KTGT_SAM_GOOD) {
		/* a sub-I/O failed: its status and sense are in @cmd */
		cmd->xfer_len = 0;
		ktgt_cmd_complete(cmd, cmd->status);
		return;
	}
	ktgt_cmd_complete_errno(cmd, err);
}

static void ktgt_sbc_miscompare(struct ktgt_cmd *cmd, u64 offset)
{
	struct ktgt_sense_err e;

	ktgt_sense_set(&e, KTGT_SK_MISCOMPARE, KTGT_ASC_MISCOMPARE_VERIFY);
	e.info_valid = true;
	e.info = offset;
	ktgt_cmd_fail(cmd, &e);
}

/*
 * Compare @len bytes of the command's data at @coff with the pages @bv.
 * Returns the offset of the first differing byte, or -1.
 */
static s64 ktgt_sbc_compare(struct ktgt_cmd *cmd, u32 coff,
			    const struct bio_vec *bv, u32 len, u8 *bounce)
{
	u32 off = 0;

	while (off < len) {
		const struct bio_vec *v = &bv[off / PAGE_SIZE];
		u32 n = min_t(u32, PAGE_SIZE, len - off);
		u8 *a = kmap_local_page(v->bv_page);
		s64 ret = -1;
		u32 i;

		ktgt_cmd_copy_from(cmd, coff + off, bounce, n);
		if (memcmp(a, bounce, n)) {
			for (i = 0; i < n; i++)
				if (a[i] != bounce[i])
					break;
			ret = off + i;
		}
		kunmap_local(a);
		if (ret >= 0)
			return ret;
		off += n;
	}
	return -1;
}

/* ------------------------------------------------------------------ */
/* COMPARE AND WRITE, ORWRITE                                           */

static void ktgt_sbc_caw_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_dev *dev = cmd->dev;
	bool caw = cmd->cdb[0] == KTGT_OP_COMPARE_AND_WRITE;
	u32 len = cmd->nr_blocks << dev->block_shift;
	struct bio_vec *bv;
	unsigned int nr, i;
	u8 *bounce;
	s64 mis;
	int ret;

	bounce = kmalloc(PAGE_SIZE, GFP_NOIO);
	if (!bounce) {
		ktgt_sbc_finish(cmd, -ENOMEM);
		return;
	}
	ret = ktgt_bvec_alloc(len, GFP_NOIO, &bv, &nr);
	if (ret)
		goto out;
	ret = ktgt_sub_io(cmd, KTGT_DIR_READ, cmd->lba, cmd->nr_blocks, false,
			  bv, nr, len);
	if (ret)
		goto out_free;

	if (caw) {
		mis = ktgt_sbc_compare(cmd, 0, bv, len, bounce);
		if (mis >= 0) {
			ktgt_bvec_free(bv, nr);
			kfree(bounce);
			ktgt_sbc_miscompare(cmd, mis);
			return;
		}
	}
	/* the new data: the second half (CAW), or old OR data (ORWRITE) */
	for (i = 0; i < nr; i++) {
		u32 n = min_t(u32, PAGE_SIZE, len - i * PAGE_SIZE);
		u8 *a = kmap_local_page(bv[i].bv_page);
		u32 j;

		if (caw) {
			ktgt_cmd_copy_from(cmd, len + i * PAGE_SIZE, a, n);
		} else {
			ktgt_cmd_copy_from(cmd, i * PAGE_SIZE, bounce, n);
			for (j = 0; j < n; j++)
				a[j] |= bounce[j];
		}
		kunmap_local(a);
	}
	ret = ktgt_sub_io(cmd, KTGT_DIR_WRITE, cmd->lba, cmd->nr_blocks,
			  ktgt_sbc_fua(cmd), bv, nr, len);
out_free:
	ktgt_bvec_free(bv, nr);
out:
	kfree(bounce);
	if (!ret)
		cmd->xfer_len = cmd->data_len;
	ktgt_sbc_finish(cmd, ret);
}

static void ktgt_sbc_exec_caw(struct ktgt_cmd *cmd)
{
	if (!cmd->nr_blocks) {
		/*
		 * Zero blocks is a no-op, but data sent along with it means
		 * the CDB's count is not what the initiator meant (an 8-bit
		 * count of 256 wrapped to 0): refuse rather than ignore.
		 */
		if (cmd->exp_len)
			ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		else
			ktgt_cmd_good(cmd);
		return;
	}
	ktgt_sbc_defer(cmd, ktgt_sbc_caw_work, KTGT_GATE_EXCL);
}

/*
 * COMPARE AND WRITE and WRITE SAME take a Data-Out buffer of exactly the
 * size their CDB implies (2 x NUMBER OF LOGICAL BLOCKS, one block): one
 * announced larger or smaller means the CDB is not what the initiator
 * meant, so the command is refused before any data is looked at (as LIO
 * does): ILLEGAL REQUEST, INVALID FIELD IN COMMAND INFORMATION UNIT.
 */
static int ktgt_sbc_set_exact(struct ktgt_cmd *cmd, u32 len,
			      void (*fn)(struct ktgt_cmd *cmd))
{
	if (cmd->exp_len != len)
		return ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x0e03);
	return ktgt_sbc_set(cmd, KTGT_DIR_WRITE, len, fn);
}

int ktgt_sbc_parse_caw(struct ktgt_cmd *cmd)
{
	int ret = ktgt_sbc_decode(cmd, true, KTGT_MAX_CAW_BLOCKS);

	if (ret)
		return ret;
	if (!cmd->nr_blocks)		/* see ktgt_sbc_exec_caw() */
		return ktgt_sbc_set(cmd, KTGT_DIR_WRITE, 0, ktgt_sbc_exec_caw);
	return ktgt_sbc_set_exact(cmd,
				  2 * (cmd->nr_blocks << cmd->dev->block_shift),
				  ktgt_sbc_exec_caw);
}

int ktgt_sbc_parse_orwrite(struct ktgt_cmd *cmd)
{
	int ret = ktgt_sbc_decode(cmd, true, ktgt_max_xfer_blocks(cmd->dev));

	if (ret)
		return ret;
	return ktgt_sbc_set(cmd, KTGT_DIR_WRITE,
			    cmd->nr_blocks << cmd->dev->block_shift,
			    ktgt_sbc_exec_caw);
}

/* ------------------------------------------------------------------ */
/* VERIFY (BYTCHK 0, 1, 3)                                              */

static void ktgt_sbc_verify_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_dev *dev = cmd->dev;
	bool one_block = ((cmd->cdb[1] >> 1) & 3) == 3;
	u32 bs = dev->block_size;
	u32 chunk = min_t(u64, KTGT_CHUNK_BYTES >> dev->block_shift,
			  cmd->nr_blocks);
	u64 lba = cmd->lba, done = 0, left = cmd->nr_blocks;
	struct bio_vec *bv = NULL;
	unsigned int nr = 0;
	u8 *bounce;
	s64 mis = -1;
	int ret;

	bounce = kmalloc(PAGE_SIZE, GFP_NOIO);
	if (!bounce) {
		ktgt_sbc_finish(cmd, -ENOMEM);
		return;
	}
	ret = ktgt_bvec_alloc(chunk << dev->block_shift, GFP_NOIO, &bv, &nr);
	while (!ret && left) {
		u32 n = min_t(u64, left, chunk);
		u32 bytes = n << dev->block_shift;
		u32 i;

		ret = ktgt_sub_io(cmd, KTGT_DIR_READ, lba, n, false, bv, nr,
				  bytes);
		if (ret)
			break;
		if (!one_block) {
			mis = ktgt_sbc_compare(cmd, done << dev->block_shift,
					       bv, bytes, bounce);
			if (mis >= 0) {
				mis += done << dev->block_shift;
				break;
			}
		} else {
			/* every block must equal the single Data-Out block */
			for (i = 0; i < n; i++) {
				u32 off = i * bs;
				struct page *pg = bv[off / PAGE_SIZE].bv_page;
				u8 *a = kmap_local_page(pg);
				u32 j;

				ktgt_cmd_copy_from(cmd, 0, bounce, bs);
				for (j = 0; j < bs; j++)
					if (a[offset_in_page(off) + j] != bounce[j])
						break;
				kunmap_local(a);
				if (j < bs) {
					mis = ((done + i) << dev->block_shift) + j;
					break;
				}
			}
			if (mis >= 0)
				break;
		}
		lba += n;
		done += n;
		left -= n;
	}
	ktgt_bvec_free(bv, nr);
	kfree(bounce);
	if (!ret && mis >= 0) {
		ktgt_sbc_miscompare(cmd, mis);
		return;
	}
	if (!ret)
		cmd->xfer_len = cmd->data_len;
	ktgt_sbc_finish(cmd, ret);
}

static void ktgt_sbc_exec_verify(struct ktgt_cmd *cmd)
{
	if (!cmd->nr_blocks || !((cmd->cdb[1] >> 1) & 3)) {
		ktgt_cmd_good(cmd);
		return;
	}
	ktgt_sbc_defer(cmd, ktgt_sbc_verify_work, KTGT_GATE_NONE);
}

int ktgt_sbc_parse_verify(struct ktgt_cmd *cmd)
{
	u8 bytchk = (cmd->cdb[1] >> 1) & 3;
	u32 len = 0;
	int ret;

	if (bytchk == 2)
		return ktgt_cmd_parse_invalid_cdb(cmd, 1, 2);
	ret = ktgt_sbc_decode(cmd, false, bytchk == 1 ?
			      ktgt_max_xfer_blocks(cmd->dev) :
			      bytchk == 3 ? KTGT_MAX_VERIFY_SAME_BLOCKS : 0);
	if (ret)
		return ret;
	if (cmd->nr_blocks && bytchk == 1)
		len = cmd->nr_blocks << cmd->dev->block_shift;
	else if (cmd->nr_blocks && bytchk == 3)
		len = cmd->dev->block_size;
	return ktgt_sbc_set(cmd, KTGT_DIR_WRITE, len, ktgt_sbc_exec_verify);
}

/* ------------------------------------------------------------------ */
/* WRITE SAME (10/16)                                                   */

static void ktgt_sbc_write_same_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_dev *dev = cmd->dev;
	bool ndob = cmd->scsi_flags & KTGT_CMDF_WS_NDOB;
	bool unmap = cmd->scsi_flags & KTGT_CMDF_WS_UNMAP;
	u32 bs = dev->block_size;
	u64 lba = cmd->lba, left = cmd->nr_blocks;
	u32 chunk = min_t(u64, KTGT_CHUNK_BYTES >> dev->block_shift, left);
	struct bio_vec *bv = NULL;
	unsigned int nr = 0, i;
	bool zero;
	u8 *pat;
	int ret;

	pat = kzalloc(bs, GFP_NOIO);
	if (!pat) {
		ktgt_sbc_finish(cmd, -ENOMEM);
		return;
	}
	if (!ndob)
		ktgt_cmd_copy_from(cmd, 0, pat, bs);
	zero = !memchr_inv(pat, 0, bs);

	/* Deallocate when reading back gives the same data, or may be anything. */
	if (unmap && dev->lbp && dev->ops->unmap && (zero || !dev->lbprz)) {
		ret = dev->ops->unmap(dev, lba, left);
		goto out;
	}

	ret = ktgt_bvec_alloc(chunk << dev->block_shift, GFP_NOIO, &bv, &nr);
	if (ret)
		goto out;
	for (i = 0; i < chunk; i++) {
		u32 off = i * bs;

		memcpy_to_page(bv[off / PAGE_SIZE].bv_page,
			       offset_in_page(off), pat, bs);
	}
	while (left) {
		u32 n = min_t(u64, left, chunk);

		ret = ktgt_sub_io(cmd, KTGT_DIR_WRITE, lba, n, !dev->wce, bv,
				  nr, n << dev->block_shift);
		if (ret)
			break;
		lba += n;
		left -= n;
		cond_resched();
	}
	ktgt_bvec_free(bv, nr);
out:
	kfree(pat);
	if (!ret)
		cmd->xfer_len = cmd->data_len;
	ktgt_sbc_finish(cmd, ret);
}

static void ktgt_sbc_exec_write_same(struct ktgt_cmd *cmd)
{
	ktgt_sbc_defer(cmd, ktgt_sbc_write_same_work, KTGT_GATE_SHARED);
}

int ktgt_sbc_parse_write_same(struct ktgt_cmd *cmd)
{
	u8 *cdb = cmd->cdb;
	bool ndob = cdb[0] == KTGT_OP_WRITE_SAME_16 && (cdb[1] & 0x01);
	int ret;

	if (cdb[1] & 0x10)			/* ANCHOR: not supported */
		return ktgt_cmd_parse_invalid_cdb(cmd, 1, 4);
	ret = ktgt_sbc_decode(cmd, true, KTGT_MAX_WS_BLOCKS);
	if (ret)
		return ret;
	if (!cmd->nr_blocks)			/* WSNZ=1 */
		return ktgt_cmd_parse_invalid_cdb(cmd, ktgt_len_field(cdb), 7);
	if (cdb[1] & 0x08) {
		/* a fully provisioned LU (LBPME=0) does not take the UNMAP bit */
		if (!cmd->dev->lbp)
			return ktgt_cmd_parse_invalid_cdb(cmd, 1, 3);
		cmd->scsi_flags |= KTGT_CMDF_WS_UNMAP;
	}
	if (ndob)
		cmd->scsi_flags |= KTGT_CMDF_WS_NDOB;
	return ktgt_sbc_set_exact(cmd, ndob ? 0 : cmd->dev->block_size,
				  ktgt_sbc_exec_write_same);
}

/* ------------------------------------------------------------------ */
/* UNMAP                                                                */

static void ktgt_sbc_unmap_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_sense_err e;
	u32 len, n, i;
	int ret = 0;
	u8 *p;

	if (ktgt_cmd_read_params(cmd, (void **)&p, &len))
		return;
	if (ktgt_cdb_unmap_check(p, len, ktgt_dev_nr_blocks(dev),
				 KTGT_MAX_UNMAP_DESCS, KTGT_MAX_UNMAP_BLOCKS,
				 &n, &e)) {
		kfree(p);
		ktgt_cmd_fail(cmd, &e);
		return;
	}
	for (i = 0; i < n && !ret; i++) {
		const u8 *d = &p[8 + 16 * i];
		u32 cnt = get_unaligned_be32(d + 8);

		if (cnt)
			ret = dev->ops->unmap(dev, get_unaligned_be64(d), cnt);
	}
	kfree(p);
	ktgt_sbc_finish(cmd, ret);
}

static void ktgt_sbc_exec_unmap(struct ktgt_cmd *cmd)
{
	ktgt_sbc_defer(cmd, ktgt_sbc_unmap_work, KTGT_GATE_SHARED);
}

int ktgt_sbc_parse_unmap(struct ktgt_cmd *cmd)
{
	u32 len = get_unaligned_be16(&cmd->cdb[7]);

	if (cmd->cdb[1] & 0x01)			/* ANCHOR */
		return ktgt_cmd_parse_invalid_cdb(cmd, 1, 0);
	if (ktgt_dev_write_protected(cmd))
		return ktgt_cmd_parse_err(cmd, KTGT_SK_DATA_PROTECT,
					  KTGT_ASC_WRITE_PROTECTED);
	if (len && len < 8)
		return ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST,
					  KTGT_ASC_PARAM_LIST_LENGTH_ERROR);
	if (!len)
		return ktgt_sbc_set(cmd, KTGT_DIR_NONE, 0, ktgt_sbc_exec_good);
	return ktgt_sbc_set(cmd, KTGT_DIR_WRITE, len, ktgt_sbc_exec_unmap);
}

/* ------------------------------------------------------------------ */
/* GET LBA STATUS                                                       */

static void ktgt_sbc_exec_get_lba_status(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	u64 cap = ktgt_dev_nr_blocks(dev);
	u64 lba = get_unaligned_be64(&cmd->cdb[2]);
	u32 max_descs = min_t(u32, (cmd->data_len - 8) / 16, 64);
	u32 off = 8, i;
	u8 *buf;

	buf = kzalloc(8 + 16 * 64, GFP_NOIO);
	if (!buf) {
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	if (!max_descs)
		max_descs = 1;
	for (i = 0; i < max_descs && lba < cap; i++) {
		u64 run = cap - lba;
		int mapped = 1;

		if (dev->ops->lba_mapped) {
			mapped = dev->ops->lba_mapped(dev, lba, &run);
			if (mapped < 0)
				mapped = 1;
			run = clamp_t(u64, run, 1, cap - lba);
		}
		run = min_t(u64, run, 0xffffffff);
		put_unaligned_be64(lba, &buf[off]);
		put_unaligned_be32(run, &buf[off + 8]);
		buf[off + 12] = mapped ? 0x00 : 0x01;
		off += 16;
		lba += run;
	}
	put_unaligned_be32(off - 4, &buf[0]);
	ktgt_cmd_respond(cmd, buf, off);
	kfree(buf);
}

int ktgt_sbc_parse_get_lba_status(struct ktgt_cmd *cmd)
{
	u64 lba = get_unaligned_be64(&cmd->cdb[2]);
	u32 alloc = get_unaligned_be32(&cmd->cdb[10]);

	if (lba >= ktgt_dev_nr_blocks(cmd->dev))
		return ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST,
					  KTGT_ASC_LBA_OUT_OF_RANGE);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_READ, alloc,
				     ktgt_sbc_exec_get_lba_status);
}
