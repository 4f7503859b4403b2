// SPDX-License-Identifier: GPL-2.0
/*
 * RAM backstore: pages allocated on first write and kept in an xarray, so
 * a large RAM disk costs nothing until written.  Never-written (or
 * unmapped) blocks read as zeros.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/slab.h>
#include <linux/xarray.h>
#include <linux/highmem.h>
#include <linux/rwsem.h>
#include <linux/uio.h>
#include <linux/sched.h>

#include "ktgt_scsi_int.h"

struct ktgt_ram {
	struct xarray pages;		/* page index -> struct page */
	/* I/O shared, UNMAP exclusive (it frees pages others may copy) */
	struct rw_semaphore lock;
};

static int ktgt_ram_open(struct ktgt_dev *dev)
{
	struct ktgt_ram *r = kzalloc(sizeof(*r), GFP_KERNEL);

	if (!r)
		return -ENOMEM;
	xa_init(&r->pages);
	init_rwsem(&r->lock);
	dev->priv = r;
	dev->nonrot = true;
	dev->lbp = true;
	dev->lbprz = true;
	dev->unmap_gran = max_t(u32, 1, PAGE_SIZE >> dev->block_shift);
	return 0;
}

static void ktgt_ram_close(struct ktgt_dev *dev)
{
	struct ktgt_ram *r = dev->priv;
	struct page *page;
	unsigned long idx;

	xa_for_each(&r->pages, idx, page) {
		__free_page(page);
		cond_resched();
	}
	xa_destroy(&r->pages);
	kfree(r);
	dev->priv = NULL;
}

static struct page *ktgt_ram_page_for_write(struct ktgt_ram *r,
					    unsigned long idx)
{
	struct page *page = xa_load(&r->pages, idx), *old;

	if (page)
		return page;
	page = alloc_page(GFP_NOIO | __GFP_ZERO);
	if (!page)
		return NULL;
	old = xa_cmpxchg(&r->pages, idx, NULL, page, GFP_NOIO);
	if (old) {
		__free_page(page);
		return xa_is_err(old) ? NULL : old;
	}
	return page;
}

static void ktgt_ram_unlock(struct ktgt_ram *r, bool excl)
{
	if (excl)
		up_write(&r->lock);
	else
		up_read(&r->lock);
}

static bool ktgt_ram_alloc_range(struct ktgt_ram *r, u64 pos, u64 len)
{
	unsigned long idx;

	for (idx = pos >> PAGE_SHIFT; idx <= (pos + len - 1) >> PAGE_SHIFT; idx++)
		if (!ktgt_ram_page_for_write(r, idx))
			return false;
	return true;
}

static void ktgt_ram_execute_rw(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	struct ktgt_ram *r = dev->priv;
	bool write = cmd->dir == KTGT_DIR_WRITE;
	bool atomic = write && (cmd->scsi_flags & KTGT_CMDF_ATOMIC);
	u64 pos = cmd->lba << dev->block_shift;
	size_t left = (size_t)cmd->nr_blocks << dev->block_shift;
	struct iov_iter iter;
	int err = 0;

	iov_iter_bvec(&iter, write ? ITER_SOURCE : ITER_DEST, cmd->bvec,
		      cmd->nr_bvec, left);
	if (atomic)
		down_write(&r->lock);
	else
		down_read(&r->lock);
	/* checked when parsed, but the LU may have shrunk since */
	if (pos + left > dev->size_bytes) {
		ktgt_ram_unlock(r, atomic);
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST, 0x21, 0x00);
		return;
	}
	/* WRITE ATOMIC: every page first, so that nothing or all is written */
	if (atomic && !ktgt_ram_alloc_range(r, pos, left)) {
		ktgt_ram_unlock(r, atomic);
		ktgt_cmd_complete_errno(cmd, -ENOMEM);
		return;
	}
	while (left) {
		unsigned long idx = pos >> PAGE_SHIFT;
		size_t poff = offset_in_page(pos);
		size_t n = min_t(size_t, left, PAGE_SIZE - poff);
		struct page *page;
		size_t done;
		void *addr;

		if (write) {
			page = ktgt_ram_page_for_write(r, idx);
			if (!page) {
				err = -ENOMEM;
				break;
			}
			addr = kmap_local_page(page);
			done = copy_from_iter(addr + poff, n, &iter);
			kunmap_local(addr);
		} else {
			page = xa_load(&r->pages, idx);
			if (page) {
				addr = kmap_local_page(page);
				done = copy_to_iter(addr + poff, n, &iter);
				kunmap_local(addr);
			} else {
				done = iov_iter_zero(n, &iter);
			}
		}
		if (done != n) {	/* the buffer is shorter than the I/O */
			err = -EIO;
			break;
		}
		pos += n;
		left -= n;
	}
	ktgt_ram_unlock(r, atomic);
	ktgt_cmd_complete_errno(cmd, err);
}

static void ktgt_ram_sync_cache(struct ktgt_cmd *cmd)
{
	ktgt_cmd_complete(cmd, KTGT_SAM_GOOD);
}

static int ktgt_ram_unmap(struct ktgt_dev *dev, u64 lba, u64 nr_blocks)
{
	struct ktgt_ram *r = dev->priv;
	u64 start = lba << dev->block_shift;
	u64 end = (lba + nr_blocks) << dev->block_shift;
	unsigned long first = DIV_ROUND_UP_ULL(start, PAGE_SIZE);
	unsigned long last = end >> PAGE_SHIFT;	/* exclusive */
	struct page *page;
	unsigned long idx;

	down_write(&r->lock);
	/* partial pages at either end are zeroed, whole pages freed */
	if (offset_in_page(start)) {
		page = xa_load(&r->pages, start >> PAGE_SHIFT);
		if (page)
			memzero_page(page, offset_in_page(start),
				     min_t(u64, end - start,
					   PAGE_SIZE - offset_in_page(start)));
	}
	if (offset_in_page(end) && (end >> PAGE_SHIFT) >= first) {
		page = xa_load(&r->pages, end >> PAGE_SHIFT);
		if (page)
			memzero_page(page, 0, offset_in_page(end));
	}
	if (last > first) {
		xa_for_each_range(&r->pages, idx, page, first, last - 1) {
			xa_erase(&r->pages, idx);
			__free_page(page);
			cond_resched();
		}
	}
	up_write(&r->lock);
	return 0;
}

/* Shrinking frees the pages past the end and zeroes the tail of the last. */
static int ktgt_ram_resize(struct ktgt_dev *dev, u64 size)
{
	struct ktgt_ram *r = dev->priv;
	unsigned long first = DIV_ROUND_UP_ULL(size, PAGE_SIZE), idx;
	struct page *page;

	if (!size)
		return -EINVAL;
	down_write(&r->lock);
	if (size < dev->size_bytes) {
		if (offset_in_page(size)) {
			page = xa_load(&r->pages, size >> PAGE_SHIFT);
			if (page)
				memzero_page(page, offset_in_page(size),
					     PAGE_SIZE - offset_in_page(size));
		}
		xa_for_each_start(&r->pages, idx, page, first) {
			xa_erase(&r->pages, idx);
			__free_page(page);
			cond_resched();
		}
	}
	WRITE_ONCE(dev->size_bytes, size);
	up_write(&r->lock);
	return 0;
}

static int ktgt_ram_lba_mapped(struct ktgt_dev *dev, u64 lba, u64 *nr_same)
{
	struct ktgt_ram *r = dev->priv;
	u64 nr_blocks = ktgt_dev_nr_blocks(dev);
	u32 per_page = max_t(u32, 1, PAGE_SIZE >> dev->block_shift);
	unsigned long idx = (lba << dev->block_shift) >> PAGE_SHIFT;
	bool mapped = xa_load(&r->pages, idx);
	unsigned long i, limit = idx + 65536;
	u64 end;

	for (i = idx + 1; i < limit; i++) {
		if (((u64)i << PAGE_SHIFT) >= dev->size_bytes)
			break;
		if (!!xa_load(&r->pages, i) != mapped)
			break;
	}
	end = min_t(u64, (u64)i * per_page, nr_blocks);
	*nr_same = end - lba;
	return mapped;
}

const struct ktgt_backend_ops ktgt_ram_ops = {
	.name = "ram",
	.product = "RAMDISK",
	.open = ktgt_ram_open,
	.close = ktgt_ram_close,
	.execute_rw = ktgt_ram_execute_rw,
	.sync_cache = ktgt_ram_sync_cache,
	.unmap = ktgt_ram_unmap,
	.lba_mapped = ktgt_ram_lba_mapped,
	.resize = ktgt_ram_resize,
};
