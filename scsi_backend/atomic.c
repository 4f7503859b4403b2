// SPDX-License-Identifier: GPL-2.0
/*
 * WRITE ATOMIC(16) (SBC-4 5.48), offered only where the blocks really
 * move all or nothing with no other command seeing a mix: the ram
 * backstore allocates every page first and copies under its lock taken
 * exclusively (ram.c, KTGT_CMDF_ATOMIC).  A file or block device gives no
 * such guarantee through ktgt, so there the command is unknown and VPD
 * B0h shows no atomic limits.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>

#include "ktgt_scsi_int.h"

/* Largest atomic write, bytes: the ram lock is held for the whole copy */
#define KTGT_MAX_ATOMIC_BYTES	(1U << 20)

bool ktgt_atomic_supported(const struct ktgt_dev *dev)
{
	return dev && dev->type == KTGT_DEV_RAM;
}

/* VPD B0h bytes 44..63: the atomic limits, zero where not offered */
void ktgt_atomic_vpd_b0(const struct ktgt_dev *dev, u8 *buf)
{
	if (!ktgt_atomic_supported(dev))
		return;
	/* MAXIMUM ATOMIC TRANSFER LENGTH */
	put_unaligned_be32(KTGT_MAX_ATOMIC_BYTES >> dev->block_shift, &buf[44]);
	put_unaligned_be32(1, &buf[48]);	/* ATOMIC ALIGNMENT */
	put_unaligned_be32(1, &buf[52]);	/* ATOMIC TRANSFER LENGTH GRANULARITY */
	/* no ATOMIC BOUNDARY: bytes 56..63 stay 0 */
}

static void ktgt_atomic_exec(struct ktgt_cmd *cmd)
{
	if (!cmd->nr_blocks) {
		ktgt_cmd_good(cmd);
		return;
	}
	cmd->xfer_len = cmd->data_len;
	cmd->fua = cmd->fua || !cmd->dev->wce;
	cmd->scsi_flags |= KTGT_CMDF_ATOMIC;
	cmd->dev->ops->execute_rw(cmd);
}

int ktgt_atomic_parse(struct ktgt_cmd *cmd)
{
	struct ktgt_dev *dev = cmd->dev;
	const u8 *cdb = cmd->cdb;
	u64 lba = get_unaligned_be64(&cdb[2]);
	u32 nr = get_unaligned_be16(&cdb[12]);
	struct ktgt_sense_err e;

	if (cdb[1] & 0xe0)			/* WRPROTECT: no protection */
		return ktgt_cmd_parse_invalid_cdb(cmd, 1, 7);
	if (ktgt_dev_write_protected(cmd))
		return ktgt_cmd_parse_err(cmd, KTGT_SK_DATA_PROTECT,
					  KTGT_ASC_WRITE_PROTECTED);
	if (ktgt_cdb_check_range(lba, nr, ktgt_dev_nr_blocks(dev), &e)) {
		ktgt_cmd_set_err(cmd, &e);
		return -EINVAL;
	}
	/* SBC-4: over MAXIMUM ATOMIC TRANSFER LENGTH, INVALID FIELD IN CDB */
	if (nr > (KTGT_MAX_ATOMIC_BYTES >> dev->block_shift))
		return ktgt_cmd_parse_invalid_cdb(cmd, 12, 7);
	cmd->lba = lba;
	cmd->nr_blocks = nr;
	cmd->fua = cdb[1] & 0x08;
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_WRITE,
				     nr << dev->block_shift, ktgt_atomic_exec);
}
