// SPDX-License-Identifier: GPL-2.0
/* NULL backstore: completes without storing anything; reads return zeros. */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include "ktgt_scsi_int.h"

static int ktgt_null_open(struct ktgt_dev *dev)
{
	dev->nonrot = true;
	return 0;
}

static void ktgt_null_close(struct ktgt_dev *dev)
{
}

static void ktgt_null_execute_rw(struct ktgt_cmd *cmd)
{
	if (cmd->dir == KTGT_DIR_READ)
		ktgt_cmd_zero(cmd, 0, cmd->nr_blocks << cmd->dev->block_shift);
	ktgt_cmd_complete(cmd, KTGT_SAM_GOOD);
}

static void ktgt_null_sync_cache(struct ktgt_cmd *cmd)
{
	ktgt_cmd_complete(cmd, KTGT_SAM_GOOD);
}

const struct ktgt_backend_ops ktgt_null_ops = {
	.name = "null",
	.product = "NULLIO",
	.open = ktgt_null_open,
	.close = ktgt_null_close,
	.execute_rw = ktgt_null_execute_rw,
	.sync_cache = ktgt_null_sync_cache,
};
