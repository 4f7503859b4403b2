// SPDX-License-Identifier: GPL-2.0
/*
 * The medium of a logical unit: removable medium (INQUIRY RMB, START STOP
 * UNIT with LOEJ, PREVENT ALLOW MEDIUM REMOVAL, NOT READY without medium)
 * and live changes of the capacity.  The per-nexus state (preventions,
 * unit attentions) is in ua.c.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/kernel.h>

#include "ktgt_scsi_int.h"

bool ktgt_medium_absent(const struct ktgt_dev *dev)
{
	return READ_ONCE(dev->removable) && READ_ONCE(dev->no_medium);
}

/* SBC-3 5.25: the POWER CONDITION field, when not 0, makes START and LOEJ moot. */
static void ktgt_medium_exec_start_stop(struct ktgt_cmd *cmd)
{
	u8 b4 = cmd->cdb[4];
	bool start = b4 & 0x01, loej = b4 & 0x02;

	if (!READ_ONCE(cmd->dev->removable) || !loej || (b4 >> 4)) {
		ktgt_cmd_good(cmd);
		return;
	}
	if (ktgt_ua_load_eject(cmd, start)) {
		ktgt_cmd_complete_sense(cmd, KTGT_SK_ILLEGAL_REQUEST,
					KTGT_ASC_MEDIUM_REMOVAL_PREVENTED >> 8,
					KTGT_ASC_MEDIUM_REMOVAL_PREVENTED & 0xff);
		return;
	}
	ktgt_cmd_good(cmd);
}

int ktgt_medium_parse_start_stop(struct ktgt_cmd *cmd)
{
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_NONE, 0,
				     ktgt_medium_exec_start_stop);
}

static void ktgt_medium_exec_prevent(struct ktgt_cmd *cmd)
{
	if (!READ_ONCE(cmd->dev->removable)) {
		ktgt_cmd_good(cmd);
		return;
	}
	if (ktgt_ua_set_prevent(cmd, cmd->cdb[4] & 0x01)) {
		ktgt_cmd_complete(cmd, KTGT_SAM_BUSY);
		return;
	}
	ktgt_cmd_good(cmd);
}

/* SPC-4 6.13: PREVENT 00b allow, 01b prevent; 10b and 11b are obsolete. */
int ktgt_medium_parse_prevent(struct ktgt_cmd *cmd)
{
	if (READ_ONCE(cmd->dev->removable) && (cmd->cdb[4] & 0x02))
		return ktgt_cmd_parse_invalid_cdb(cmd, 4, 1);
	return ktgt_cmd_set_emulated(cmd, KTGT_DIR_NONE, 0,
				     ktgt_medium_exec_prevent);
}

void ktgt_dev_set_removable(struct ktgt_dev *dev, bool removable)
{
	mutex_lock(&dev->lock);
	if (dev->removable != removable) {
		WRITE_ONCE(dev->no_medium, false);
		WRITE_ONCE(dev->removable, removable);
		/* RMB is in the standard INQUIRY data */
		if (dev->enabled)
			ktgt_ua_raise_all(dev, KTGT_UA_INQUIRY_DATA_CHANGED);
	}
	mutex_unlock(&dev->lock);
}

/*
 * A disabled backstore takes any multiple of 512 (0: the backing
 * object's size at enable time); an enabled one a positive multiple of
 * its block size, or 0 for a file or block backstore's current size.
 */
int ktgt_dev_resize(struct ktgt_dev *dev, u64 size)
{
	u64 old;
	int ret = 0;

	if (size & 511)
		return -EINVAL;
	mutex_lock(&dev->lock);
	if (!dev->enabled) {
		dev->size_bytes = size;
		goto out;
	}
	if (size & (dev->block_size - 1) ||
	    (!size && !dev->ops->resize)) {
		ret = -EINVAL;
		goto out;
	}
	old = dev->size_bytes;
	if (dev->ops->resize)
		ret = dev->ops->resize(dev, size);
	else
		WRITE_ONCE(dev->size_bytes, size);
	if (ret || dev->size_bytes == old)
		goto out;
	pr_info("%s: resized from %llu to %llu bytes\n", dev->name, old,
		dev->size_bytes);
	ktgt_ua_raise_all(dev, KTGT_UA_CAPACITY_CHANGED);
out:
	mutex_unlock(&dev->lock);
	return ret;
}
