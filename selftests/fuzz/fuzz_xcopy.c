// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ktgt_xcopy_parse() on arbitrary EXTENDED COPY parameter
 * lists, with the invariants xcopy.c relies on when it acts on the result.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ktgt_compat.h"
#include "ktgt_sense.h"
#include "ktgt_xcopy.h"

#define KTGT_FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktgt_xcopy_list l;
	struct ktgt_sense_err e;
	u8 *buf, sense[96];
	unsigned int i;
	u64 naa;
	int r;

	if (!size || size > KTGT_XCOPY_MAX_PARAM_LEN)
		return 0;
	/* an exact-size copy, so ASan sees any read past the list */
	buf = malloc(size);
	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(&e, 0, sizeof(e));

	r = ktgt_xcopy_parse(buf, size, &l, &e);
	KTGT_FUZZ_ASSERT(!memcmp(buf, data, size));
	if (r) {
		KTGT_FUZZ_ASSERT(r == -EINVAL);
		KTGT_FUZZ_ASSERT(e.key == KTGT_SK_ILLEGAL_REQUEST ||
				 e.key == KTGT_SK_COPY_ABORTED);
		KTGT_FUZZ_ASSERT(ktgt_sense_build(sense, sizeof(sense), false,
						  &e) == KTGT_SENSE_FIXED_LEN);
		KTGT_FUZZ_ASSERT(ktgt_sense_build(sense, sizeof(sense), true,
						  &e) > 0);
		free(buf);
		return 0;
	}
	KTGT_FUZZ_ASSERT(l.nr_tgts <= KTGT_XCOPY_MAX_TGT_DESCS);
	KTGT_FUZZ_ASSERT(l.nr_segs <= KTGT_XCOPY_MAX_SEG_DESCS);
	KTGT_FUZZ_ASSERT(l.list_id_usage != 1);
	KTGT_FUZZ_ASSERT(l.list_id_usage != KTGT_XCOPY_LIST_ID_NONE ||
			 !l.list_id);
	for (i = 0; i < l.nr_tgts; i++) {
		KTGT_FUZZ_ASSERT(l.tgt[i].block_len);
		KTGT_FUZZ_ASSERT(l.tgt[i].desig_len <= sizeof(l.tgt[i].desig));
		KTGT_FUZZ_ASSERT(l.tgt[i].off + KTGT_XCOPY_TGT_DESC_LEN <= size);
		if (ktgt_xcopy_tgt_naa(&l.tgt[i], &naa))
			KTGT_FUZZ_ASSERT(naa >> 60 == 5);
	}
	for (i = 0; i < l.nr_segs; i++) {
		const struct ktgt_xcopy_seg *s = &l.seg[i];

		/* indexes are safe to use, segment within the limit */
		KTGT_FUZZ_ASSERT(s->src < l.nr_tgts && s->dst < l.nr_tgts);
		KTGT_FUZZ_ASSERT((u64)s->nr_blocks * l.tgt[s->src].block_len <=
				 KTGT_XCOPY_MAX_SEG_BYTES);
		KTGT_FUZZ_ASSERT(s->off + KTGT_XCOPY_SEG_B2B_LEN <= size);
	}
	free(buf);
	return 0;
}
