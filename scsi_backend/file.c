// SPDX-License-Identifier: GPL-2.0
/*
 * File backstore: asynchronous direct I/O through ->read_iter/->write_iter
 * with a kiocb over the command's pages; buffered I/O in a work item when
 * O_DIRECT is refused.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/fs.h>
#include <linux/file.h>
#include <linux/uio.h>
#include <linux/blkdev.h>
#include <linux/falloc.h>
#include <linux/err.h>

#include "ktgt_scsi_int.h"

struct ktgt_file {
	struct file *filp;
	bool direct;
};

static int ktgt_file_open(struct ktgt_dev *dev)
{
	int flags = O_LARGEFILE | (dev->readonly ? O_RDONLY : O_RDWR);
	struct ktgt_file *f;
	struct inode *inode;
	struct block_device *sbdev;
	u64 bytes;
	int ret;

	f = kzalloc(sizeof(*f), GFP_KERNEL);
	if (!f)
		return -ENOMEM;

	f->filp = filp_open(dev->path, flags | O_DIRECT, 0);
	f->direct = !IS_ERR(f->filp);
	if (IS_ERR(f->filp) && PTR_ERR(f->filp) == -EINVAL)
		f->filp = filp_open(dev->path, flags, 0);
	if (IS_ERR(f->filp)) {
		ret = PTR_ERR(f->filp);
		pr_err("%s: cannot open %s: %d\n", dev->name, dev->path, ret);
		kfree(f);
		return ret;
	}
	inode = file_inode(f->filp);
	if (!S_ISREG(inode->i_mode) && !S_ISBLK(inode->i_mode)) {
		pr_err("%s: %s is not a regular file or block device\n",
		       dev->name, dev->path);
		ret = -EINVAL;
		goto fail;
	}
	if (!f->filp->f_op->read_iter || !f->filp->f_op->write_iter) {
		ret = -EINVAL;
		goto fail;
	}

	/*
	 * Direct I/O needs our blocks to be multiples of the device's; if
	 * not, every I/O goes through the page cache (the kiocb simply has
	 * no IOCB_DIRECT, whatever the file was opened with).
	 */
	sbdev = S_ISBLK(inode->i_mode) ? I_BDEV(inode) : inode->i_sb->s_bdev;
	if (f->direct && sbdev && bdev_logical_block_size(sbdev) > dev->block_size)
		f->direct = false;

	bytes = i_size_read(S_ISBLK(inode->i_mode) ?
			    f->filp->f_mapping->host : inode);
	if (!dev->size_bytes)
		dev->size_bytes = round_down(bytes, dev->block_size);
	if (S_ISBLK(inode->i_mode) && dev->size_bytes > bytes) {
		ret = -EINVAL;
		goto fail;
	}

	dev->wce = true;		/* page cache or the disk's cache */
	dev->nonrot = sbdev ? bdev_nonrot(sbdev) : true;
	dev->lbp = f->filp->f_op->fallocate;
	dev->lbprz = true;
	dev->unmap_gran = max_t(u32, 1, S_ISREG(inode->i_mode) ?
				inode->i_sb->s_blocksize >> dev->block_shift : 1);
	dev->priv = f;
	pr_info("%s: %s opened for %s I/O\n", dev->name, dev->path,
		f->direct ? "direct" : "buffered");
	return 0;
fail:
	filp_close(f->filp, NULL);
	kfree(f);
	return ret;
}

static void ktgt_file_close(struct ktgt_dev *dev)
{
	struct ktgt_file *f = dev->priv;

	filp_close(f->filp, NULL);
	kfree(f);
	dev->priv = NULL;
}

static void ktgt_file_done(struct ktgt_cmd *cmd, ssize_t ret)
{
	size_t want = (size_t)cmd->nr_blocks << cmd->dev->block_shift;

	if (ret < 0) {
		ktgt_cmd_complete_errno(cmd, ret);
		return;
	}
	if ((size_t)ret < want) {
		if (cmd->dir != KTGT_DIR_READ) {
			ktgt_cmd_complete_errno(cmd, -EIO);
			return;
		}
		/* a read past the end of a sparse file: zeros */
		ktgt_cmd_zero(cmd, ret, want - ret);
	}
	ktgt_cmd_complete(cmd, KTGT_SAM_GOOD);
}

/* Synchronous I/O through the page cache (sleeps: ktgt_io_wq only). */
static void ktgt_file_buffered_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_file *f = cmd->dev->priv;
	size_t len = (size_t)cmd->nr_blocks << cmd->dev->block_shift;
	struct iov_iter iter;
	struct kiocb kio;
	ssize_t ret;

	init_sync_kiocb(&kio, f->filp);
	kio.ki_flags &= ~IOCB_DIRECT;
	kio.ki_pos = cmd->lba << cmd->dev->block_shift;
	if (cmd->dir == KTGT_DIR_WRITE) {
		kio.ki_flags |= IOCB_WRITE;
		if (cmd->fua)
			kio.ki_flags |= IOCB_DSYNC;
		iov_iter_bvec(&iter, ITER_SOURCE, cmd->bvec, cmd->nr_bvec, len);
		file_start_write(f->filp);
		ret = f->filp->f_op->write_iter(&kio, &iter);
		file_end_write(f->filp);
	} else {
		iov_iter_bvec(&iter, ITER_DEST, cmd->bvec, cmd->nr_bvec, len);
		ret = f->filp->f_op->read_iter(&kio, &iter);
	}
	ktgt_file_done(cmd, ret);
}

static void ktgt_file_aio_complete(struct kiocb *iocb, long ret)
{
	struct ktgt_cmd *cmd = container_of(iocb, struct ktgt_cmd, iocb);

	if (cmd->dir == KTGT_DIR_WRITE)
		kiocb_end_write(iocb);
	if (ret == -EINVAL && !(cmd->scsi_flags & KTGT_CMDF_BUFFERED)) {
		/* direct I/O refused after all: retry it buffered */
		cmd->scsi_flags |= KTGT_CMDF_BUFFERED;
		INIT_WORK(&cmd->work, ktgt_file_buffered_work);
		queue_work(ktgt_io_wq, &cmd->work);
		return;
	}
	ktgt_file_done(cmd, ret);
}

static void ktgt_file_execute_rw(struct ktgt_cmd *cmd)
{
	struct ktgt_file *f = cmd->dev->priv;
	size_t len = (size_t)cmd->nr_blocks << cmd->dev->block_shift;
	struct kiocb *iocb = &cmd->iocb;
	struct iov_iter iter;
	ssize_t ret;

	if (!f->direct) {
		INIT_WORK(&cmd->work, ktgt_file_buffered_work);
		queue_work(ktgt_io_wq, &cmd->work);
		return;
	}

	memset(iocb, 0, sizeof(*iocb));
	iocb->ki_filp = f->filp;
	iocb->ki_pos = cmd->lba << cmd->dev->block_shift;
	iocb->ki_flags = IOCB_DIRECT;
	iocb->ki_complete = ktgt_file_aio_complete;
	if (cmd->dir == KTGT_DIR_WRITE) {
		iocb->ki_flags |= IOCB_WRITE;
		if (cmd->fua)
			iocb->ki_flags |= IOCB_DSYNC;
		iov_iter_bvec(&iter, ITER_SOURCE, cmd->bvec, cmd->nr_bvec, len);
		kiocb_start_write(iocb);
		ret = f->filp->f_op->write_iter(iocb, &iter);
	} else {
		iov_iter_bvec(&iter, ITER_DEST, cmd->bvec, cmd->nr_bvec, len);
		ret = f->filp->f_op->read_iter(iocb, &iter);
	}
	if (ret != -EIOCBQUEUED)
		ktgt_file_aio_complete(iocb, ret);
}

static void ktgt_file_sync_work(struct work_struct *work)
{
	struct ktgt_cmd *cmd = container_of(work, struct ktgt_cmd, work);
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_file *f = dev->priv;
	loff_t start = cmd->lba << dev->block_shift;
	loff_t end = cmd->nr_blocks ?
		((cmd->lba + cmd->nr_blocks) << dev->block_shift) - 1 : LLONG_MAX;

	ktgt_cmd_complete_errno(cmd, vfs_fsync_range(f->filp, start, end, 1));
}

static void ktgt_file_sync_cache(struct ktgt_cmd *cmd)
{
	INIT_WORK(&cmd->work, ktgt_file_sync_work);
	queue_work(ktgt_io_wq, &cmd->work);
}

static int ktgt_file_unmap(struct ktgt_dev *dev, u64 lba, u64 nr_blocks)
{
	struct ktgt_file *f = dev->priv;

	return vfs_fallocate(f->filp, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE,
			     lba << dev->block_shift,
			     nr_blocks << dev->block_shift);
}

static int ktgt_file_lba_mapped(struct ktgt_dev *dev, u64 lba, u64 *nr_same)
{
	struct ktgt_file *f = dev->priv;
	loff_t pos = lba << dev->block_shift, data, hole;

	if (!S_ISREG(file_inode(f->filp)->i_mode))
		return -EOPNOTSUPP;
	data = vfs_llseek(f->filp, pos, SEEK_DATA);
	if (data == -ENXIO) {			/* a hole up to the end */
		*nr_same = ktgt_dev_nr_blocks(dev) - lba;
		return 0;
	}
	if (data < 0)
		return data;
	if (data > pos) {
		*nr_same = (data >> dev->block_shift) - lba;
		return *nr_same ? 0 : 1;
	}
	hole = vfs_llseek(f->filp, pos, SEEK_HOLE);
	if (hole < 0)
		return hole;
	*nr_same = DIV_ROUND_UP_ULL(hole, dev->block_size) - lba;
	return 1;
}

/* The size written, or the file's (device's) current one. */
static int ktgt_file_resize(struct ktgt_dev *dev, u64 size)
{
	struct ktgt_file *f = dev->priv;
	struct inode *inode = file_inode(f->filp);
	bool blk = S_ISBLK(inode->i_mode);
	u64 bytes = i_size_read(blk ? f->filp->f_mapping->host : inode);

	if (!size)
		size = round_down(bytes, dev->block_size);
	if (!size || (blk && size > bytes))
		return -EINVAL;
	WRITE_ONCE(dev->size_bytes, size);
	return 0;
}

const struct ktgt_backend_ops ktgt_file_ops = {
	.name = "file",
	.product = "FILEIO",
	.open = ktgt_file_open,
	.close = ktgt_file_close,
	.execute_rw = ktgt_file_execute_rw,
	.sync_cache = ktgt_file_sync_cache,
	.unmap = ktgt_file_unmap,
	.lba_mapped = ktgt_file_lba_mapped,
	.resize = ktgt_file_resize,
};
