// SPDX-License-Identifier: GPL-2.0
/*
 * SCSI layer core: backstore objects, command dispatch, completion and data
 * buffer helpers.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/module.h>
#include <linux/slab.h>
#include <linux/mm.h>
#include <linux/highmem.h>
#include <linux/completion.h>
#include <linux/log2.h>
#include <linux/err.h>

#include "ktgt_scsi_int.h"
#include "ktgt_alua.h"
#include "ktgt_sanitize.h"

struct workqueue_struct *ktgt_scsi_wq;
struct workqueue_struct *ktgt_io_wq;

/* ------------------------------------------------------------------ */
/* Backstore objects                                                    */

static const struct ktgt_backend_ops *const ktgt_backends[KTGT_DEV_NR_TYPES] = {
	[KTGT_DEV_RAM] = &ktgt_ram_ops,
	[KTGT_DEV_NULL] = &ktgt_null_ops,
	[KTGT_DEV_BLOCK] = &ktgt_block_ops,
	[KTGT_DEV_FILE] = &ktgt_file_ops,
};

const struct ktgt_backend_ops *ktgt_backend_ops(enum ktgt_dev_type type)
{
	if ((unsigned int)type >= KTGT_DEV_NR_TYPES)
		return NULL;
	return ktgt_backends[type];
}

/* FNV-1a, 64 bit: stable identifiers derived from the backstore name */
static u64 ktgt_fnv1a(const char *s, u64 h)
{
	while (*s) {
		h ^= (u8)*s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}

struct ktgt_dev *ktgt_dev_alloc(enum ktgt_dev_type type, const char *name)
{
	const struct ktgt_backend_ops *ops = ktgt_backend_ops(type);
	struct ktgt_dev *dev;
	u64 h;

	if (!ops || !name || !*name || strlen(name) >= KTGT_DEV_NAME_MAX)
		return ERR_PTR(-EINVAL);

	dev = kzalloc(sizeof(*dev), GFP_KERNEL);
	if (!dev)
		return ERR_PTR(-ENOMEM);
	if (ktgt_pr_dev_init(dev)) {
		kfree(dev);
		return ERR_PTR(-ENOMEM);
	}
	if (ktgt_alua_dev_init(dev)) {
		ktgt_pr_dev_free(dev);
		kfree(dev);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&dev->kref);
	mutex_init(&dev->lock);
	spin_lock_init(&dev->io_lock);
	INIT_LIST_HEAD(&dev->io_waiters);
	INIT_LIST_HEAD(&dev->ua_nexuses);
	ktgt_task_set_init(&dev->ts);
	atomic_set(&dev->nr_luns, 0);
	dev->type = type;
	dev->ops = ops;
	strscpy(dev->name, name, sizeof(dev->name));
	dev->block_size = 512;
	dev->block_shift = 9;

	/* The same name gives the same serial and WWN after a reload. */
	h = ktgt_fnv1a(ops->name, ktgt_fnv1a(name, 0xcbf29ce484222325ULL));
	snprintf(dev->unit_serial, sizeof(dev->unit_serial), "%016llx", h);
	h = ktgt_fnv1a(name, h ^ 0x6b746774ULL);
	dev->naa_id = 5ULL << 60 | KTGT_NAA_COMPANY_ID << 36 |
		      (h & 0xfffffffffULL);
	return dev;
}

int ktgt_dev_enable(struct ktgt_dev *dev)
{
	int ret;

	mutex_lock(&dev->lock);
	if (dev->enabled) {
		ret = 0;
		goto out;
	}
	ret = -EINVAL;
	if (dev->block_size != 512 && dev->block_size != 4096) {
		pr_err("%s: block_size must be 512 or 4096\n", dev->name);
		goto out;
	}
	dev->block_shift = ilog2(dev->block_size);
	if ((dev->type == KTGT_DEV_BLOCK || dev->type == KTGT_DEV_FILE) &&
	    !dev->path[0]) {
		pr_err("%s: no path set\n", dev->name);
		goto out;
	}
	if ((dev->type == KTGT_DEV_RAM || dev->type == KTGT_DEV_NULL) &&
	    !dev->size_bytes) {
		pr_err("%s: no size set\n", dev->name);
		goto out;
	}

	dev->wce = false;
	dev->d_sense = false;
	dev->swp = false;
	dev->nonrot = false;
	dev->lbp = false;
	dev->lbprz = false;
	dev->lbppbe = 0;
	dev->unmap_gran = 1;
	dev->reserved_by = NULL;
	dev->nr_writes = 0;
	dev->excl_active = false;
	dev->no_medium = false;
	/* a file or device opened read-only cannot become writable live */
	dev->open_ro = dev->readonly && (dev->type == KTGT_DEV_BLOCK ||
					 dev->type == KTGT_DEV_FILE);

	ret = dev->ops->open(dev);
	if (ret)
		goto out;

	if (!dev->size_bytes || dev->size_bytes & (dev->block_size - 1)) {
		pr_err("%s: size %llu is not a positive multiple of %u\n",
		       dev->name, dev->size_bytes, dev->block_size);
		dev->ops->close(dev);
		ret = -EINVAL;
		goto out;
	}
	WRITE_ONCE(dev->enabled, true);
	pr_info("%s: %s backstore enabled, %llu blocks of %u bytes%s\n",
		dev->name, dev->ops->name, ktgt_dev_nr_blocks(dev),
		dev->block_size, dev->readonly ? ", read-only" : "");
out:
	mutex_unlock(&dev->lock);
	return ret;
}

int ktgt_dev_disable(struct ktgt_dev *dev)
{
	int ret = 0;

	mutex_lock(&dev->lock);
	if (atomic_read(&dev->nr_luns) || ktgt_sanitize_busy(dev)) {
		ret = -EBUSY;
	} else if (dev->enabled) {
		WRITE_ONCE(dev->enabled, false);
		dev->ops->close(dev);
	}
	mutex_unlock(&dev->lock);
	return ret;
}

void ktgt_dev_get(struct ktgt_dev *dev)
{
	kref_get(&dev->kref);
}

static void ktgt_dev_release(struct kref *kref)
{
	struct ktgt_dev *dev = container_of(kref, struct ktgt_dev, kref);

	ktgt_xcopy_dev_gone(dev);
	if (dev->enabled)
		dev->ops->close(dev);
	ktgt_pr_dev_free(dev);
	ktgt_alua_dev_free(dev);
	ktgt_ua_dev_free(dev);
	mutex_destroy(&dev->lock);
	kfree(dev);
}

void ktgt_dev_put(struct ktgt_dev *dev)
{
	if (dev)
		kref_put(&dev->kref, ktgt_dev_release);
}

void ktgt_dev_nexus_gone(struct ktgt_dev *dev, const struct ktgt_nexus *nexus)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->io_lock, flags);
	if (dev->reserved_by == nexus)
		dev->reserved_by = NULL;
	spin_unlock_irqrestore(&dev->io_lock, flags);
	ktgt_xcopy_nexus_gone(dev, nexus);
	ktgt_ua_dev_nexus_gone(dev, nexus);
}

static void ktgt_dev_release_reservation(struct ktgt_dev *dev)
{
	unsigned long flags;

	spin_lock_irqsave(&dev->io_lock, flags);
	dev->reserved_by = NULL;
	spin_unlock_irqrestore(&dev->io_lock, flags);
}

/*
 * The unit attentions of resets, SAM-5 6.3.1 (table "Unit attention
 * additional sense codes for events"): a logical unit reset reports
 * BUS DEVICE RESET FUNCTION OCCURRED (29h/03h); a target (hard) reset
 * POWER ON, RESET, OR BUS DEVICE RESET OCCURRED (29h/00h), which that
 * table allows for any reset event.  Both go to every I_T nexus, the
 * issuer's included, and end medium removal preventions (SPC-4 6.13).
 */
void ktgt_dev_lun_reset(struct ktgt_dev *dev)
{
	ktgt_dev_release_reservation(dev);
	ktgt_xcopy_dev_gone(dev);	/* held copy results of every nexus */
	ktgt_ua_reset(dev, KTGT_UA_BUS_DEVICE_RESET);
}

void ktgt_dev_target_reset(struct ktgt_dev *dev)
{
	ktgt_dev_release_reservation(dev);
	ktgt_xcopy_dev_gone(dev);
	ktgt_ua_reset(dev, KTGT_UA_RESET_OCCURRED);
}

bool ktgt_dev_write_protected(const struct ktgt_cmd *cmd)
{
	return cmd->write_protect || cmd->dev->readonly || cmd->dev->swp;
}

/* ------------------------------------------------------------------ */
/* Completion                                                           */

void ktgt_scsi_abort(struct ktgt_cmd *cmd)
{
	void (*fn)(struct ktgt_cmd *cmd);

	/* held back by its task attribute: it ends here, never to run */
	if (cmd->ts_state != KTGT_TS_NONE && ktgt_ts_abort(cmd))
		return;
	fn = READ_ONCE(cmd->abort);
	if (fn)
		fn(cmd);
}

void ktgt_cmd_complete(struct ktgt_cmd *cmd, u8 status)
{
	cmd->status = status;
	if (status != KTGT_SAM_CHECK_CONDITION)
		cmd->sense_len = 0;
	/*
	 * An ORDERED or HEAD OF QUEUE task holds back later tasks until it
	 * has completed, status included (SAM-5 8.6): it leaves the task set
	 * when the transport releases it (ktgt_scsi_release()), after its
	 * response, so no task behind it answers first.
	 */
	if (cmd->ts_state != KTGT_TS_NONE &&
	    cmd->task_attr != KTGT_TASK_ORDERED &&
	    cmd->task_attr != KTGT_TASK_HEAD_OF_QUEUE)
		ktgt_ts_leave(cmd);
	if (cmd->scsi_flags & (KTGT_CMDF_GATED | KTGT_CMDF_EXCL))
		ktgt_sbc_io_done(cmd);
	cmd->done(cmd);
}

void ktgt_cmd_set_err(struct ktgt_cmd *cmd, const struct ktgt_sense_err *e)
{
	bool desc = cmd->dev && cmd->dev->d_sense;

	cmd->sense_len = ktgt_sense_build(cmd->sense, sizeof(cmd->sense),
					  desc, e);
	cmd->status = KTGT_SAM_CHECK_CONDITION;
	cmd->xfer_len = 0;
}

void ktgt_cmd_fail(struct ktgt_cmd *cmd, const struct ktgt_sense_err *e)
{
	ktgt_cmd_set_err(cmd, e);
	ktgt_cmd_complete(cmd, KTGT_SAM_CHECK_CONDITION);
}

void ktgt_cmd_complete_sense(struct ktgt_cmd *cmd, u8 key, u8 asc, u8 ascq)
{
	struct ktgt_sense_err e;

	ktgt_sense_set(&e, key, asc << 8 | ascq);
	ktgt_cmd_fail(cmd, &e);
}

void ktgt_cmd_good(struct ktgt_cmd *cmd)
{
	ktgt_cmd_complete(cmd, KTGT_SAM_GOOD);
}

int ktgt_cmd_parse_err(struct ktgt_cmd *cmd, u8 key, u16 asc_ascq)
{
	struct ktgt_sense_err e;

	ktgt_sense_set(&e, key, asc_ascq);
	ktgt_cmd_set_err(cmd, &e);
	return -EINVAL;
}

int ktgt_cmd_parse_invalid_cdb(struct ktgt_cmd *cmd, u16 byte, int bit)
{
	struct ktgt_sense_err e;

	ktgt_sense_invalid_cdb(&e, byte, bit);
	ktgt_cmd_set_err(cmd, &e);
	return -EINVAL;
}

void ktgt_cmd_fail_invalid_param(struct ktgt_cmd *cmd, u16 byte, int bit)
{
	struct ktgt_sense_err e;

	ktgt_sense_invalid_param(&e, byte, bit);
	ktgt_cmd_fail(cmd, &e);
}

/* One place mapping block layer errors to SCSI status and sense. */
void ktgt_cmd_complete_blk(struct ktgt_cmd *cmd, blk_status_t sts)
{
	bool wr = cmd->dir != KTGT_DIR_READ;

	switch (sts) {
	case BLK_STS_OK:
		ktgt_cmd_good(cmd);
		return;
	case BLK_STS_RESOURCE:
	case BLK_STS_DEV_RESOURCE:
	case BLK_STS_ZONE_RESOURCE:
	case BLK_STS_AGAIN:
		cmd->xfer_len = 0;
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	case BLK_STS_NOSPC:
		ktgt_cmd_complete_sense(cmd, KTGT_SK_DATA_PROTECT, 0x27, 0x07);
		return;
	case BLK_STS_TARGET:
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x21, 0x00);
		return;
	case BLK_STS_NOTSUPP:
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x20, 0x00);
		return;
	case BLK_STS_PROTECTION:
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ABORTED_COMMAND, 0x10, 0x01);
		return;
	case BLK_STS_TIMEOUT:
	case BLK_STS_TRANSPORT:
	case BLK_STS_OFFLINE:
		ktgt_cmd_complete_sense(cmd, KTGT_SK_NOT_READY, 0x04, 0x00);
		return;
	case BLK_STS_NEXUS:
		ktgt_cmd_complete(cmd, KTGT_SAM_RESERVATION_CONFLICT);
		return;
	case BLK_STS_MEDIUM:
	case BLK_STS_IOERR:
	default:
		if (wr)
			ktgt_cmd_complete_sense(cmd, KTGT_SK_MEDIUM_ERROR, 0x0c, 0x00);
		else
			ktgt_cmd_complete_sense(cmd, KTGT_SK_MEDIUM_ERROR, 0x11, 0x00);
		return;
	}
}

void ktgt_cmd_complete_errno(struct ktgt_cmd *cmd, int err)
{
	blk_status_t sts;

	switch (err) {
	case 0:
		sts = BLK_STS_OK;
		break;
	case -ENOSPC:
	case -EDQUOT:
		sts = BLK_STS_NOSPC;
		break;
	case -ENOMEM:
	case -EAGAIN:
		sts = BLK_STS_RESOURCE;
		break;
	case -EOPNOTSUPP:
		sts = BLK_STS_NOTSUPP;
		break;
	case -ETIMEDOUT:
		sts = BLK_STS_TIMEOUT;
		break;
	case -ENOLINK:
	case -ENODEV:
	case -ENXIO:
		sts = BLK_STS_TRANSPORT;
		break;
	default:
		sts = BLK_STS_IOERR;
		break;
	}
	ktgt_cmd_complete_blk(cmd, sts);
}

/* ------------------------------------------------------------------ */
/* Data buffers                                                         */

/* Whole pages, one bvec each, enough for @len bytes. */
int ktgt_bvec_alloc(u32 len, gfp_t gfp, struct bio_vec **bvp,
		    unsigned int *nrp)
{
	unsigned int i, nr = DIV_ROUND_UP(len, PAGE_SIZE);
	struct bio_vec *bv;

	*bvp = NULL;
	*nrp = 0;
	if (!nr)
		return 0;
	bv = kvmalloc_array(nr, sizeof(*bv), gfp);
	if (!bv)
		return -ENOMEM;
	for (i = 0; i < nr; i++) {
		struct page *page = alloc_page(gfp);

		if (!page) {
			ktgt_bvec_free(bv, i);
			return -ENOMEM;
		}
		bv[i].bv_page = page;
		bv[i].bv_offset = 0;
		bv[i].bv_len = PAGE_SIZE;
	}
	*bvp = bv;
	*nrp = nr;
	return 0;
}

void ktgt_bvec_free(struct bio_vec *bv, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		__free_page(bv[i].bv_page);
	kvfree(bv);
}

int ktgt_cmd_alloc_buf(struct ktgt_cmd *cmd, u32 len, gfp_t gfp)
{
	int ret;

	cmd->bvec = NULL;
	cmd->nr_bvec = 0;
	cmd->buf_len = 0;

	/* the peer chooses @len: bound it (the transport caps EDTL too) */
	if (len > KTGT_MAX_BUF_BYTES)
		return -E2BIG;
	ret = ktgt_bvec_alloc(len, gfp, &cmd->bvec, &cmd->nr_bvec);
	if (ret)
		return ret;
	cmd->buf_len = len;
	return 0;
}

void ktgt_cmd_free_buf(struct ktgt_cmd *cmd)
{
	ktgt_bvec_free(cmd->bvec, cmd->nr_bvec);
	cmd->bvec = NULL;
	cmd->nr_bvec = 0;
	cmd->buf_len = 0;
}

enum ktgt_copy_op { KTGT_COPY_TO, KTGT_COPY_FROM, KTGT_COPY_ZERO };

static size_t ktgt_cmd_copy(struct ktgt_cmd *cmd, u32 off, void *buf,
			    size_t len, enum ktgt_copy_op op)
{
	size_t done = 0;
	unsigned int i;

	if (off >= cmd->buf_len)
		return 0;
	len = min_t(size_t, len, cmd->buf_len - off);

	for (i = 0; i < cmd->nr_bvec && done < len; i++) {
		const struct bio_vec *bv = &cmd->bvec[i];
		size_t pos, n;

		if (off >= bv->bv_len) {
			off -= bv->bv_len;
			continue;
		}
		/* walk the (possibly multi-page) segment page by page */
		pos = bv->bv_offset + off;
		n = bv->bv_len - off;
		off = 0;
		while (n && done < len) {
			struct page *page = nth_page(bv->bv_page, pos / PAGE_SIZE);
			size_t poff = offset_in_page(pos);
			size_t c = min3(n, len - done, PAGE_SIZE - poff);

			if (op == KTGT_COPY_TO)
				memcpy_to_page(page, poff, (u8 *)buf + done, c);
			else if (op == KTGT_COPY_FROM)
				memcpy_from_page((u8 *)buf + done, page, poff, c);
			else
				memzero_page(page, poff, c);
			done += c;
			pos += c;
			n -= c;
		}
	}
	return done;
}

size_t ktgt_cmd_copy_to(struct ktgt_cmd *cmd, u32 off, const void *src, size_t len)
{
	return ktgt_cmd_copy(cmd, off, (void *)src, len, KTGT_COPY_TO);
}

size_t ktgt_cmd_copy_from(struct ktgt_cmd *cmd, u32 off, void *dst, size_t len)
{
	return ktgt_cmd_copy(cmd, off, dst, len, KTGT_COPY_FROM);
}

void ktgt_cmd_zero(struct ktgt_cmd *cmd, u32 off, u32 len)
{
	ktgt_cmd_copy(cmd, off, NULL, len, KTGT_COPY_ZERO);
}

/* Finish an emulated Data-In command with @len bytes of response. */
void ktgt_cmd_respond(struct ktgt_cmd *cmd, const void *buf, u32 len)
{
	len = min3(len, cmd->data_len, cmd->buf_len);
	cmd->xfer_len = ktgt_cmd_copy_to(cmd, 0, buf, len);
	ktgt_cmd_good(cmd);
}

/*
 * Linear copy of an emulated command's parameter list (the caller frees
 * it).  On failure the command is completed and -errno returned.
 */
int ktgt_cmd_read_params(struct ktgt_cmd *cmd, void **out, u32 *len)
{
	u32 n = min(cmd->data_len, cmd->buf_len);
	void *p;

	*out = NULL;
	*len = 0;
	if (!n)
		return 0;
	p = kmalloc(n, GFP_NOIO);
	if (!p) {
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return -ENOMEM;
	}
	cmd->xfer_len = ktgt_cmd_copy_from(cmd, 0, p, n);
	*out = p;
	*len = n;
	return 0;
}

int ktgt_cmd_set_emulated(struct ktgt_cmd *cmd, enum ktgt_data_dir dir,
			  u32 len, void (*fn)(struct ktgt_cmd *cmd))
{
	cmd->dir = len ? dir : KTGT_DIR_NONE;
	cmd->data_len = len;
	cmd->execute = fn;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Internal sub-I/O for multi-step commands (sleeps: work items only)   */

struct ktgt_sub_cmd {
	struct ktgt_cmd cmd;
	struct completion done;
};

static void ktgt_sub_done(struct ktgt_cmd *cmd)
{
	complete(&container_of(cmd, struct ktgt_sub_cmd, cmd)->done);
}

int ktgt_sub_io(struct ktgt_cmd *parent, enum ktgt_data_dir dir, u64 lba,
		u32 nr_blocks, bool fua, struct bio_vec *bvec,
		unsigned int nr_bvec, u32 len)
{
	struct ktgt_sub_cmd *s;
	int ret = 0;

	s = kzalloc(sizeof(*s), GFP_NOIO);
	if (!s)
		return -ENOMEM;
	init_completion(&s->done);
	s->cmd.dev = parent->dev;
	s->cmd.nexus = parent->nexus;
	s->cmd.lun_id = parent->lun_id;
	s->cmd.done = ktgt_sub_done;
	s->cmd.dir = dir;
	s->cmd.lba = lba;
	s->cmd.nr_blocks = nr_blocks;
	s->cmd.fua = fua;
	s->cmd.bvec = bvec;
	s->cmd.nr_bvec = nr_bvec;
	s->cmd.buf_len = len;
	s->cmd.data_len = len;
	parent->dev->ops->execute_rw(&s->cmd);
	wait_for_completion(&s->done);

	if (s->cmd.status != KTGT_SAM_GOOD) {
		parent->status = s->cmd.status;
		parent->sense_len = s->cmd.sense_len;
		memcpy(parent->sense, s->cmd.sense, s->cmd.sense_len);
		ret = -EIO;
	}
	kfree(s);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Dispatch                                                             */

static const struct ktgt_opdesc *ktgt_opdesc_find(const u8 *cdb, bool *bad_sa)
{
	bool opcode_known = false;
	unsigned int i;

	*bad_sa = false;
	for (i = 0; i < ktgt_nr_opdescs; i++) {
		const struct ktgt_opdesc *d = &ktgt_opdescs[i];

		if (d->opcode != cdb[0])
			continue;
		if (!d->has_sa || d->sa == (cdb[1] & 0x1f))
			return d;
		opcode_known = true;
	}
	*bad_sa = opcode_known;
	return NULL;
}

static void ktgt_exec_failed(struct ktgt_cmd *cmd)
{
	ktgt_cmd_complete(cmd, cmd->status);
}

int ktgt_scsi_parse(struct ktgt_cmd *cmd)
{
	const struct ktgt_opdesc *d;
	struct ktgt_sense_err e;
	struct ktgt_dev *dev = cmd->dev;
	bool bad_sa;
	int ret;

	cmd->dir = KTGT_DIR_NONE;
	cmd->data_len = 0;
	cmd->lba = 0;
	cmd->nr_blocks = 0;
	cmd->fua = false;
	cmd->execute = NULL;
	cmd->xfer_len = 0;
	cmd->status = KTGT_SAM_GOOD;
	cmd->sense_len = 0;
	cmd->scsi_flags = 0;
	cmd->scsi_priv = NULL;
	cmd->abort = NULL;
	INIT_LIST_HEAD(&cmd->wait_node);

	d = ktgt_opdesc_find(cmd->cdb, &bad_sa);
	/* SPC-4 5.14: before anything else, except INQUIRY etc. */
	if (ktgt_ua_check(cmd)) {
		ret = -EINVAL;
		goto fail;
	}
	if (ktgt_ts_check_attr(cmd)) {
		ret = -EINVAL;
		goto fail;
	}
	if (!dev && !(d && (d->flags & KTGT_OPF_NO_LU))) {
		ret = ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST,
					 KTGT_ASC_LUN_NOT_SUPPORTED);
		goto fail;
	}
	if (!d || !ktgt_opdesc_supported(d, cmd)) {
		/* a service action this LU lacks, of a command it has */
		if (d && (d->flags & KTGT_OPF_SANITIZE) &&
		    ktgt_sanitize_supported(dev, KTGT_SANITIZE_EXIT_FAILURE))
			bad_sa = true;
		else if (bad_sa && cmd->cdb[0] == KTGT_OP_SANITIZE &&
			 !ktgt_sanitize_supported(dev, KTGT_SANITIZE_EXIT_FAILURE))
			bad_sa = false;
		if (bad_sa)
			ret = ktgt_cmd_parse_invalid_cdb(cmd, 1, 4);
		else
			ret = ktgt_cmd_parse_err(cmd, KTGT_SK_ILLEGAL_REQUEST,
						 KTGT_ASC_INVALID_OPCODE);
		goto fail;
	}
	if (ktgt_cdb_check_usage(cmd->cdb, d->usage, d->cdb_len, &e)) {
		ktgt_cmd_set_err(cmd, &e);
		ret = -EINVAL;
		goto fail;
	}
	if (dev && !READ_ONCE(dev->enabled) &&
	    !(d->flags & KTGT_OPF_NOT_READY_OK)) {
		ret = ktgt_cmd_parse_err(cmd, KTGT_SK_NOT_READY,
					 KTGT_ASC_LUN_NOT_READY_MANUAL);
		goto fail;
	}
	if (dev && ktgt_sanitize_check(cmd, d)) {
		ret = -EINVAL;
		goto fail;
	}
	if (dev && ktgt_medium_absent(dev) &&
	    !(d->flags & (KTGT_OPF_NOT_READY_OK | KTGT_OPF_NO_MEDIUM_OK))) {
		ret = ktgt_cmd_parse_err(cmd, KTGT_SK_NOT_READY,
					 KTGT_ASC_MEDIUM_NOT_PRESENT_TRAY_OPEN);
		goto fail;
	}
	if (dev && ktgt_alua_check(cmd)) {
		ret = -EINVAL;
		goto fail;
	}
	if (dev && !(d->flags & KTGT_OPF_RESV_OK)) {
		const struct ktgt_nexus *holder = READ_ONCE(dev->reserved_by);

		if (holder && holder != cmd->nexus) {
			cmd->status = KTGT_SAM_RESERVATION_CONFLICT;
			ret = -EINVAL;
			goto fail;
		}
	}
	ret = d->parse(cmd);
	if (!ret)
		return 0;
fail:
	cmd->dir = KTGT_DIR_NONE;
	cmd->data_len = 0;
	cmd->execute = ktgt_exec_failed;
	if (cmd->status == KTGT_SAM_GOOD)	/* parse bug: never GOOD */
		ktgt_cmd_parse_err(cmd, KTGT_SK_HARDWARE_ERROR,
				   KTGT_ASC_INTERNAL_TARGET_FAILURE);
	return -EINVAL;
}

void ktgt_scsi_execute(struct ktgt_cmd *cmd)
{
	/* held back by its task attribute: runs once enabled */
	if (cmd->ts_state != KTGT_TS_NONE && ktgt_ts_hold(cmd))
		return;
	ktgt_scsi_run(cmd);
}

void ktgt_scsi_run(struct ktgt_cmd *cmd)
{
	if (cmd->status != KTGT_SAM_GOOD) {
		ktgt_cmd_complete(cmd, cmd->status);
		return;
	}
	if (!cmd->execute) {
		pr_warn_ratelimited("execute without a successful parse\n");
		ktgt_cmd_complete_sense(cmd, KTGT_SK_HARDWARE_ERROR, 0x44, 0x00);
		return;
	}
	/* Never act on a parameter list or data the initiator did not send. */
	if (cmd->dir == KTGT_DIR_WRITE && cmd->data_len > cmd->buf_len &&
	    !(cmd->scsi_flags & KTGT_CMDF_TRUNCATE)) {
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x24, 0x00);
		return;
	}
	/* persistent reservations: checked in CmdSN order, not at receipt */
	if (cmd->dev && ktgt_pr_conflict(cmd)) {
		ktgt_cmd_complete(cmd, KTGT_SAM_RESERVATION_CONFLICT);
		return;
	}
	cmd->xfer_len = 0;
	cmd->execute(cmd);
}

/* ------------------------------------------------------------------ */

int ktgt_scsi_init(void)
{
	ktgt_scsi_wq = alloc_workqueue("ktgt_scsi", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!ktgt_scsi_wq)
		return -ENOMEM;
	ktgt_io_wq = alloc_workqueue("ktgt_io", WQ_MEM_RECLAIM | WQ_UNBOUND, 0);
	if (!ktgt_io_wq) {
		destroy_workqueue(ktgt_scsi_wq);
		return -ENOMEM;
	}
	return 0;
}

void ktgt_scsi_exit(void)
{
	ktgt_xcopy_exit();
	destroy_workqueue(ktgt_io_wq);
	destroy_workqueue(ktgt_scsi_wq);
}
