// SPDX-License-Identifier: GPL-2.0
/*
 * SANITIZE (SBC-3 5.19): OVERWRITE on every backstore that stores data,
 * BLOCK ERASE where deallocated blocks read back as zeros and GET LBA
 * STATUS can tell (ram, file), EXIT FAILURE MODE.  No backstore encrypts,
 * so CRYPTOGRAPHIC ERASE is not offered.  While a sanitize runs the LU
 * answers NOT READY, SANITIZE IN PROGRESS with a progress indication; a
 * failed one leaves it in failure mode (MEDIUM ERROR, SANITIZE COMMAND
 * FAILED) until EXIT FAILURE MODE or a sanitize that succeeds.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/highmem.h>
#include <linux/sched.h>

#include "ktgt_scsi_int.h"
#include "ktgt_sanitize.h"

struct ktgt_sanitize_job {
	/* runs through the exclusive gate; carries the sub-I/O status */
	struct ktgt_cmd shadow;
	struct ktgt_cmd *orig;		/* NULL with IMMED: already GOOD */
	u8 sa;
	bool ause;
	struct ktgt_sanitize_ow ow;
	u8 pattern[4096];
};

bool ktgt_sanitize_supported(const struct ktgt_dev *dev, u16 sa)
{
	if (!dev || dev->type == KTGT_DEV_NULL)
		return false;
	switch (sa) {
	case KTGT_SANITIZE_OVERWRITE:
	case KTGT_SANITIZE_EXIT_FAILURE:
		return true;
	case KTGT_SANITIZE_BLOCK_ERASE:
		return dev->lbp && dev->lbprz && dev->ops->unmap &&
		       dev->ops->lba_mapped;
	default:
		return false;
	}
}

/* VPD B1h byte 7: WABEREQ 01b (reads after BLOCK ERASE succeed), WACEREQ 0 */
u8 ktgt_sanitize_vpd_b1(const struct ktgt_dev *dev)
{
	return ktgt_sanitize_supported(dev, KTGT_SANITIZE_BLOCK_ERASE) ? 0x40 : 0;
}

static void ktgt_sanitize_progress_sense(const struct ktgt_dev *dev,
					 struct ktgt_sense_err *e)
{
	ktgt_sense_set(e, KTGT_SK_NOT_READY, KTGT_ASC_SANITIZE_IN_PROGRESS);
	/* SPC-4 4.5.2.4.4 progress indication: SKSV, then 16 bits */
	e->sks_valid = true;
	e->sks_field = READ_ONCE(dev->sanitize_progress);
}

bool ktgt_sanitize_sense(const struct ktgt_dev *dev, struct ktgt_sense_err *e)
{
	switch (READ_ONCE(dev->sanitize_state)) {
	case KTGT_SANITIZE_RUNNING:
		ktgt_sanitize_progress_sense(dev, e);
		return true;
	case KTGT_SANITIZE_FAILED:
		ktgt_sense_set(e, KTGT_SK_MEDIUM_ERROR, KTGT_ASC_SANITIZE_FAILED);
		return true;
	default:
		return false;
	}
}

bool ktgt_sanitize_check(struct ktgt_cmd *cmd, const struct ktgt_opdesc *d)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_sense_err e;
	u8 state = READ_ONCE(dev->sanitize_state);

	/* INQUIRY, REPORT LUNS, REQUEST SENSE always go through */
	if (state == KTGT_SANITIZE_IDLE || (d->flags & KTGT_OPF_NO_LU))
		return false;
	if (state == KTGT_SANITIZE_FAILED &&
	    (d->opcode == KTGT_OP_SANITIZE ||
	     (d->flags & KTGT_OPF_NOT_READY_OK)))
		return false;
	ktgt_sanitize_sense(dev, &e);
	ktgt_cmd_set_err(cmd, &e);
	return true;
}

bool ktgt_sanitize_busy(const struct ktgt_dev *dev)
{
	return READ_ONCE(dev->sanitize_state) == KTGT_SANITIZE_RUNNING;
}

static void ktgt_sanitize_set_progress(struct ktgt_dev *dev, u64 done,
				       u64 total)
{
	WRITE_ONCE(dev->sanitize_progress,
		   total ? (u16)div64_u64(done * 65535, total) : 0);
}

static int ktgt_sanitize_overwrite(struct ktgt_sanitize_job *job)
{
	struct ktgt_cmd *cmd = &job->shadow;
	struct ktgt_dev *dev = cmd->dev;
	u64 nr_blocks = ktgt_dev_nr_blocks(dev);
	u32 bs = dev->block_size;
	u32 chunk = min_t(u64, KTGT_CHUNK_BYTES >> dev->block_shift, nr_blocks);
	u64 total = nr_blocks * job->ow.count;
	struct bio_vec *bv;
	unsigned int nr, pass, i;
	u8 *blk;
	int ret;

	blk = kmalloc(bs, GFP_NOIO);
	if (!blk)
		return -ENOMEM;
	ret = ktgt_bvec_alloc(chunk << dev->block_shift, GFP_NOIO, &bv, &nr);
	if (ret)
		goto out;
	for (pass = 0; pass < job->ow.count && !ret; pass++) {
		u64 lba = 0;

		ktgt_sanitize_fill(blk, bs, &job->ow, pass);
		for (i = 0; i < chunk; i++) {
			u32 off = i * bs;

			memcpy_to_page(bv[off / PAGE_SIZE].bv_page,
				       offset_in_page(off), blk, bs);
		}
		while (lba < nr_blocks) {
			u32 n = min_t(u64, nr_blocks - lba, chunk);

			ret = ktgt_sub_io(cmd, KTGT_DIR_WRITE, lba, n, true, bv,
					  nr, n << dev->block_shift);
			if (ret)
				break;
			lba += n;
			ktgt_sanitize_set_progress(dev, pass * nr_blocks + lba,
						   total);
			cond_resched();
		}
	}
	ktgt_bvec_free(bv, nr);
out:
	kfree(blk);
	return ret;
}

static int ktgt_sanitize_block_erase(struct ktgt_sanitize_job *job)
{
	struct ktgt_dev *dev = job->shadow.dev;
	u64 nr_blocks = ktgt_dev_nr_blocks(dev), lba = 0;
	const u64 step = 1ULL << 20;
	int ret = 0;

	while (lba < nr_blocks && !ret) {
		u64 n = min(nr_blocks - lba, step);

		ret = dev->ops->unmap(dev, lba, n);
		lba += n;
		ktgt_sanitize_set_progress(dev, lba, nr_blocks);
		cond_resched();
	}
	return ret;
}

/* Completion of the shadow command, after it left the gate. */
static void ktgt_sanitize_job_done(struct ktgt_cmd *shadow)
{
	struct ktgt_sanitize_job *job =
		container_of(shadow, struct ktgt_sanitize_job, shadow);
	struct ktgt_dev *dev = shadow->dev;
	struct ktgt_cmd *orig;
	unsigned long flags;

	/* the command may have been aborted meanwhile: ktgt_sanitize_abort() */
	spin_lock_irqsave(&dev->io_lock, flags);
	orig = job->orig;
	job->orig = NULL;
	if (orig) {
		WRITE_ONCE(orig->abort, NULL);
		orig->scsi_priv = NULL;
	}
	spin_unlock_irqrestore(&dev->io_lock, flags);
	if (orig) {
		orig->sense_len = shadow->sense_len;
		memcpy(orig->sense, shadow->sense, shadow->sense_len);
		if (shadow->status != KTGT_SAM_GOOD)
			orig->xfer_len = 0;
		ktgt_cmd_complete(orig, shadow->status);
	}
	kfree(job);
	ktgt_dev_put(dev);
}

static void ktgt_sanitize_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_sanitize_job *job =
		container_of(cmd, struct ktgt_sanitize_job, shadow);
	struct ktgt_dev *dev = cmd->dev;
	unsigned long flags;
	int ret;

	if (job->sa == KTGT_SANITIZE_OVERWRITE)
		ret = ktgt_sanitize_overwrite(job);
	else
		ret = ktgt_sanitize_block_erase(job);

	spin_lock_irqsave(&dev->io_lock, flags);
	dev->sanitize_state = ret ? KTGT_SANITIZE_FAILED : KTGT_SANITIZE_IDLE;
	dev->sanitize_ause = job->ause;
	dev->sanitize_progress = 0;
	spin_unlock_irqrestore(&dev->io_lock, flags);
	if (ret) {
		pr_warn_ratelimited("%s: SANITIZE failed (%d)\n", dev->name, ret);
		ktgt_cmd_complete_sense(cmd, KTGT_SK_MEDIUM_ERROR,
					KTGT_ASC_SANITIZE_FAILED >> 8,
					KTGT_ASC_SANITIZE_FAILED & 0xff);
		return;
	}
	ktgt_cmd_good(cmd);
}

/*
 * SBC-3 4.11: a sanitize operation, once started, goes on until it ends,
 * through resets and I_T nexus loss.  An aborted SANITIZE (ABORT TASK, a
 * reset, the session ending) therefore ends at once, like one sent with
 * IMMED, and the operation carries on; the LU keeps answering SANITIZE IN
 * PROGRESS until it is over.
 */
static void ktgt_sanitize_abort(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_sanitize_job *job;
	unsigned long flags;

	spin_lock_irqsave(&dev->io_lock, flags);
	job = cmd->scsi_priv;
	if (job && job->orig == cmd) {
		job->orig = NULL;
		cmd->scsi_priv = NULL;
		WRITE_ONCE(cmd->abort, NULL);
	} else {
		job = NULL;
	}
	spin_unlock_irqrestore(&dev->io_lock, flags);
	if (job)
		ktgt_cmd_good(cmd);
}

static void ktgt_sanitize_exec_exit(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	unsigned long flags;
	bool refused = false;

	spin_lock_irqsave(&dev->io_lock, flags);
	if (dev->sanitize_state == KTGT_SANITIZE_FAILED) {
		/* AUSE=0: only a sanitize that completes ends failure mode */
		if (dev->sanitize_ause)
			dev->sanitize_state = KTGT_SANITIZE_IDLE;
		else
			refused = true;
	}
	spin_unlock_irqrestore(&dev->io_lock, flags);
	if (refused) {
		struct ktgt_sense_err e;

		ktgt_sense_invalid_cdb(&e, 1, 4);
		ktgt_cmd_fail(cmd, &e);
		return;
	}
	ktgt_cmd_good(cmd);
}

static void ktgt_sanitize_exec(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_sanitize_job *job;
	struct ktgt_sense_err e;
	unsigned long flags;
	u8 *p = NULL;
	u32 len = 0;
	bool busy;

	job = kzalloc(sizeof(*job), GFP_NOIO);
	if (!job) {
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	job->sa = cmd->cdb[1] & 0x1f;
	job->ause = cmd->cdb[1] & 0x20;
	if (job->sa == KTGT_SANITIZE_OVERWRITE) {
		if (ktgt_cmd_read_params(cmd, (void **)&p, &len)) {
			kfree(job);
			return;
		}
		if (ktgt_sanitize_parse_ow(p, len, dev->block_size, &job->ow,
					   &e)) {
			kfree(p);
			kfree(job);
			ktgt_cmd_fail(cmd, &e);
			return;
		}
		memcpy(job->pattern, job->ow.pattern, job->ow.pattern_len);
		job->ow.pattern = job->pattern;
		kfree(p);
	}

	spin_lock_irqsave(&dev->io_lock, flags);
	busy = dev->sanitize_state == KTGT_SANITIZE_RUNNING;
	if (!busy) {
		dev->sanitize_state = KTGT_SANITIZE_RUNNING;
		dev->sanitize_progress = 0;
	}
	spin_unlock_irqrestore(&dev->io_lock, flags);
	if (busy) {
		kfree(job);
		ktgt_sanitize_progress_sense(dev, &e);
		ktgt_cmd_fail(cmd, &e);
		return;
	}

	ktgt_dev_get(dev);
	job->shadow.dev = dev;
	job->shadow.done = ktgt_sanitize_job_done;
	memcpy(job->shadow.cdb, cmd->cdb, sizeof(cmd->cdb));
	INIT_LIST_HEAD(&job->shadow.wait_node);
	if (cmd->cdb[1] & 0x80) {		/* IMMED */
		ktgt_cmd_good(cmd);
	} else {
		job->orig = cmd;
		cmd->scsi_priv = job;
		WRITE_ONCE(cmd->abort, ktgt_sanitize_abort);
	}
	ktgt_sbc_run_excl(&job->shadow, ktgt_sanitize_work);
}

int ktgt_sanitize_parse(struct ktgt_cmd *cmd)
{
	struct ktgt_sense_err e;
	u8 sa = cmd->cdb[1] & 0x1f;

	if (ktgt_sanitize_check_cdb(cmd->cdb, cmd->dev->block_size, &e)) {
		ktgt_cmd_set_err(cmd, &e);
		return -EINVAL;
	}
	if (sa == KTGT_SANITIZE_EXIT_FAILURE)
		return ktgt_cmd_set_emulated(cmd, KTGT_DIR_NONE, 0,
					     ktgt_sanitize_exec_exit);
	if (ktgt_dev_write_protected(cmd))
		return ktgt_cmd_parse_err(cmd, KTGT_SK_DATA_PROTECT,
					  KTGT_ASC_WRITE_PROTECTED);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_WRITE,
				     get_unaligned_be16(&cmd->cdb[7]),
				     ktgt_sanitize_exec);
}
