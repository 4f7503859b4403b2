// SPDX-License-Identifier: GPL-2.0
/*
 * SANITIZE CDB and OVERWRITE parameter list checks (SBC-3 5.19).  Pure:
 * compiled in the module and in the user-space unit tests.
 */
#include "ktgt_sanitize.h"

int ktgt_sanitize_check_cdb(const u8 *cdb, u32 block_size,
			    struct ktgt_sense_err *e)
{
	u32 len = get_unaligned_be16(&cdb[7]);
	bool ok;

	if ((cdb[1] & 0x1f) == KTGT_SANITIZE_OVERWRITE)
		ok = len > 4 && len <= block_size + 4;
	else
		ok = !len;
	if (ok)
		return 0;
	ktgt_sense_invalid_cdb(e, 7, 7);
	return -EINVAL;
}

int ktgt_sanitize_parse_ow(const u8 *p, u32 len, u32 block_size,
			   struct ktgt_sanitize_ow *ow,
			   struct ktgt_sense_err *e)
{
	u16 plen;

	if (len < 5) {
		ktgt_sense_invalid_param(e, 0, 7);
		return -EINVAL;
	}
	plen = get_unaligned_be16(&p[2]);
	if (p[0] & 0x60) {		/* TEST: only 00b is defined */
		ktgt_sense_invalid_param(e, 0, 6);
		return -EINVAL;
	}
	if (!(p[0] & 0x1f)) {		/* OVERWRITE COUNT 0 is reserved */
		ktgt_sense_invalid_param(e, 0, 4);
		return -EINVAL;
	}
	if (!plen || plen > block_size || plen > len - 4) {
		ktgt_sense_invalid_param(e, 2, 7);
		return -EINVAL;
	}
	ow->invert = p[0] & 0x80;
	ow->count = p[0] & 0x1f;
	ow->pattern_len = plen;
	ow->pattern = &p[4];
	return 0;
}

void ktgt_sanitize_fill(u8 *blk, u32 block_size,
			const struct ktgt_sanitize_ow *ow, unsigned int pass)
{
	u8 x = ow->invert && (pass & 1) ? 0xff : 0x00;
	u32 i;

	for (i = 0; i < block_size; i++)
		blk[i] = ow->pattern[i % ow->pattern_len] ^ x;
}
