// SPDX-License-Identifier: GPL-2.0
/*
 * Block device backstore: bios built straight over the command's pages
 * (zero copy), chained so that one completion fires per command.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/version.h>
#include <linux/slab.h>
#include <linux/bio.h>
#include <linux/blkdev.h>
#include <linux/log2.h>
#include <linux/err.h>
#include <linux/fs.h>

#include "ktgt_scsi_int.h"

struct ktgt_blk {
	struct block_device *bdev;
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	struct file *bdev_file;
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	struct bdev_handle *handle;
#elif LINUX_VERSION_CODE < KERNEL_VERSION(6, 5, 0)
	fmode_t mode;
#endif
};

static int ktgt_blk_get(struct ktgt_dev *dev, struct ktgt_blk *b)
{
	bool rw = !dev->readonly;

#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	b->bdev_file = bdev_file_open_by_path(dev->path, BLK_OPEN_READ |
					      (rw ? BLK_OPEN_WRITE : 0), dev, NULL);
	if (IS_ERR(b->bdev_file))
		return PTR_ERR(b->bdev_file);
	b->bdev = file_bdev(b->bdev_file);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	b->handle = bdev_open_by_path(dev->path, BLK_OPEN_READ |
				      (rw ? BLK_OPEN_WRITE : 0), dev, NULL);
	if (IS_ERR(b->handle))
		return PTR_ERR(b->handle);
	b->bdev = b->handle->bdev;
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	b->bdev = blkdev_get_by_path(dev->path, BLK_OPEN_READ |
				     (rw ? BLK_OPEN_WRITE : 0), dev, NULL);
	if (IS_ERR(b->bdev))
		return PTR_ERR(b->bdev);
#else
	b->mode = FMODE_READ | FMODE_EXCL | (rw ? FMODE_WRITE : 0);
	b->bdev = blkdev_get_by_path(dev->path, b->mode, dev);
	if (IS_ERR(b->bdev))
		return PTR_ERR(b->bdev);
#endif
	return 0;
}

static void ktgt_blk_put(struct ktgt_dev *dev, struct ktgt_blk *b)
{
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 9, 0)
	fput(b->bdev_file);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 7, 0)
	bdev_release(b->handle);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 5, 0)
	blkdev_put(b->bdev, dev);
#else
	blkdev_put(b->bdev, b->mode);
#endif
}

static int ktgt_blk_open(struct ktgt_dev *dev)
{
	struct ktgt_blk *b;
	struct block_device *bdev;
	u64 bytes;
	u32 lbs, pbs;
	int ret;

	b = kzalloc(sizeof(*b), GFP_KERNEL);
	if (!b)
		return -ENOMEM;
	ret = ktgt_blk_get(dev, b);
	if (ret) {
		pr_err("%s: cannot open %s: %d\n", dev->name, dev->path, ret);
		kfree(b);
		return ret;
	}
	bdev = b->bdev;

	lbs = bdev_logical_block_size(bdev);
	if (dev->block_size < lbs) {
		pr_err("%s: block_size %u below %s's logical block size %u\n",
		       dev->name, dev->block_size, dev->path, lbs);
		ret = -EINVAL;
		goto fail;
	}
	bytes = bdev_nr_bytes(bdev);
	if (!dev->size_bytes) {
		dev->size_bytes = round_down(bytes, dev->block_size);
	} else if (dev->size_bytes > bytes) {
		pr_err("%s: size %llu exceeds %s (%llu bytes)\n", dev->name,
		       dev->size_bytes, dev->path, bytes);
		ret = -EINVAL;
		goto fail;
	}

	pbs = bdev_physical_block_size(bdev);
	if (pbs > dev->block_size)
		dev->lbppbe = ilog2(pbs / dev->block_size);
	dev->wce = bdev_write_cache(bdev);
	dev->nonrot = bdev_nonrot(bdev);
	dev->lbp = bdev_max_discard_sectors(bdev);
	dev->lbprz = false;
	dev->unmap_gran = max_t(u32, 1, bdev_discard_granularity(bdev) >>
				dev->block_shift);
	dev->priv = b;
	return 0;
fail:
	ktgt_blk_put(dev, b);
	kfree(b);
	return ret;
}

static void ktgt_blk_close(struct ktgt_dev *dev)
{
	struct ktgt_blk *b = dev->priv;

	ktgt_blk_put(dev, b);
	kfree(b);
	dev->priv = NULL;
}

static void ktgt_blk_end_io(struct bio *bio)
{
	struct ktgt_cmd *cmd = bio->bi_private;
	blk_status_t sts = bio->bi_status;

	bio_put(bio);
	ktgt_cmd_complete_blk(cmd, sts);
}

static void ktgt_blk_execute_rw(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_blk *b = dev->priv;
	u32 left = cmd->nr_blocks << dev->block_shift;
	unsigned int vecs = cmd->nr_bvec, i = 0;
	struct blk_plug plug;
	struct bio *bio;
	blk_opf_t opf;

	if (cmd->dir == KTGT_DIR_WRITE)
		opf = REQ_OP_WRITE | (cmd->fua ? REQ_FUA : 0);
	else
		opf = REQ_OP_READ;

	blk_start_plug(&plug);
	bio = bio_alloc(b->bdev, min_t(unsigned int, vecs, BIO_MAX_VECS), opf,
			GFP_NOIO);
	bio->bi_iter.bi_sector = cmd->lba << (dev->block_shift - SECTOR_SHIFT);
	while (left && i < cmd->nr_bvec) {
		struct bio_vec *bv = &cmd->bvec[i];
		u32 len = min(bv->bv_len, left);

		while (bio_add_page(bio, bv->bv_page, len, bv->bv_offset) != len) {
			struct bio *prev = bio;

			bio = bio_alloc(b->bdev, min_t(unsigned int, vecs - i,
						       BIO_MAX_VECS), opf, GFP_NOIO);
			bio->bi_iter.bi_sector = bio_end_sector(prev);
			/* @prev completes into @bio: one end_io per command */
			bio_chain(prev, bio);
			submit_bio(prev);
		}
		left -= len;
		i++;
	}
	bio->bi_private = cmd;
	bio->bi_end_io = ktgt_blk_end_io;
	submit_bio(bio);
	blk_finish_plug(&plug);
}

static void ktgt_blk_sync_cache(struct ktgt_cmd *cmd)
{
	struct ktgt_blk *b = cmd->dev->priv;
	struct bio *bio;

	bio = bio_alloc(b->bdev, 0, REQ_OP_WRITE | REQ_PREFLUSH, GFP_NOIO);
	bio->bi_private = cmd;
	bio->bi_end_io = ktgt_blk_end_io;
	submit_bio(bio);
}

static int ktgt_blk_unmap(struct ktgt_dev *dev, u64 lba, u64 nr_blocks)
{
	struct ktgt_blk *b = dev->priv;
	unsigned int shift = dev->block_shift - SECTOR_SHIFT;

	return blkdev_issue_discard(b->bdev, lba << shift, nr_blocks << shift,
				    GFP_NOIO);
}

/* The size written, or the device's current one (re-read). */
static int ktgt_blk_resize(struct ktgt_dev *dev, u64 size)
{
	struct ktgt_blk *b = dev->priv;
	u64 bytes = bdev_nr_bytes(b->bdev);

	if (!size)
		size = round_down(bytes, dev->block_size);
	if (!size || size > bytes)
		return -EINVAL;
	WRITE_ONCE(dev->size_bytes, size);
	return 0;
}

const struct ktgt_backend_ops ktgt_block_ops = {
	.name = "block",
	.product = "BLOCKIO",
	.open = ktgt_blk_open,
	.close = ktgt_blk_close,
	.execute_rw = ktgt_blk_execute_rw,
	.sync_cache = ktgt_blk_sync_cache,
	.unmap = ktgt_blk_unmap,
	.resize = ktgt_blk_resize,
};
