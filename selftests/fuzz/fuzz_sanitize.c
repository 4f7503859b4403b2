// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the SANITIZE CDB check and OVERWRITE parameter list
 * decoder (sanitize_parse.c) on arbitrary input, then one overwrite pass
 * into an exact-size block, with the invariants sanitize.c relies on.
 *
 * Input: byte 0 picks the logical block size (512 << (b % 4)), the next
 * 10 bytes are the CDB, the rest is the parameter list.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ktgt_compat.h"
#include "ktgt_sense.h"
#include "ktgt_sanitize.h"

#define KTGT_FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktgt_sanitize_ow ow;
	struct ktgt_sense_err e;
	u8 cdb[10], sense[96], *list, *blk;
	u32 block_size, len;
	int r;

	if (size < 1 + sizeof(cdb))
		return 0;
	block_size = 512U << (data[0] % 4);
	memcpy(cdb, data + 1, sizeof(cdb));
	len = size - 1 - sizeof(cdb);
	if (len > 8192 + 4)
		return 0;
	memset(&e, 0, sizeof(e));
	r = ktgt_sanitize_check_cdb(cdb, block_size, &e);
	if (r) {
		KTGT_FUZZ_ASSERT(r == -EINVAL);
		KTGT_FUZZ_ASSERT(e.key == KTGT_SK_ILLEGAL_REQUEST);
		KTGT_FUZZ_ASSERT(ktgt_sense_build(sense, sizeof(sense), false,
						  &e) == KTGT_SENSE_FIXED_LEN);
	}
	/* an exact-size copy, so ASan sees any read past the list */
	list = malloc(len ? len : 1);
	if (!list)
		return 0;
	memcpy(list, data + 1 + sizeof(cdb), len);
	memset(&e, 0, sizeof(e));
	r = ktgt_sanitize_parse_ow(list, len, block_size, &ow, &e);
	if (r) {
		KTGT_FUZZ_ASSERT(r == -EINVAL);
		KTGT_FUZZ_ASSERT(e.key == KTGT_SK_ILLEGAL_REQUEST);
		KTGT_FUZZ_ASSERT(ktgt_sense_build(sense, sizeof(sense), true,
						  &e) > 0);
		free(list);
		return 0;
	}
	KTGT_FUZZ_ASSERT(ow.count >= 1 && ow.count <= 31);
	KTGT_FUZZ_ASSERT(ow.pattern_len >= 1 && ow.pattern_len <= block_size);
	KTGT_FUZZ_ASSERT(ow.pattern >= list &&
			 ow.pattern + ow.pattern_len <= list + len);
	blk = malloc(block_size);
	if (blk) {
		ktgt_sanitize_fill(blk, block_size, &ow, ow.count - 1);
		KTGT_FUZZ_ASSERT(blk[0] == (u8)(((ow.count - 1) & 1) && ow.invert ?
						~ow.pattern[0] : ow.pattern[0]));
		free(blk);
	}
	free(list);
	return 0;
}
