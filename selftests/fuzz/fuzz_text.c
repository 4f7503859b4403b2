// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: ktgt_text_next() on arbitrary text segments.  Every
 * record must lie inside the segment, be NUL-free, and the iteration must
 * cover the input exactly once.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ktgt_compat.h"
#include "ktgt_params.h"

#define KTGT_FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	const char *end = text + size;
	const char *prev_end = text;
	struct ktgt_text_iter it;
	const char *k, *v;
	u32 kl, vl;
	size_t covered = 0, nuls = 0, i;

	if (size > 0xffffffffU)
		return 0;
	ktgt_text_iter_init(&it, text, (u32)size);
	while (ktgt_text_next(&it, &k, &kl, &v, &vl)) {
		u32 rec;

		KTGT_FUZZ_ASSERT(k >= prev_end && k < end);
		KTGT_FUZZ_ASSERT(k + kl <= end);
		KTGT_FUZZ_ASSERT(!memchr(k, '\0', kl));
		if (v) {
			KTGT_FUZZ_ASSERT(v == k + kl + 1 && k[kl] == '=');
			KTGT_FUZZ_ASSERT(v + vl <= end);
			KTGT_FUZZ_ASSERT(!memchr(v, '\0', vl));
			KTGT_FUZZ_ASSERT(!memchr(k, '=', kl));
			rec = kl + 1 + vl;
		} else {
			KTGT_FUZZ_ASSERT(vl == 0 && !memchr(k, '=', kl));
			rec = kl;
		}
		KTGT_FUZZ_ASSERT(rec > 0);
		KTGT_FUZZ_ASSERT(k + rec == end || k[rec] == '\0');
		covered += rec;
		prev_end = k + rec;
	}
	for (i = 0; i < size; i++)
		nuls += !data[i];
	KTGT_FUZZ_ASSERT(covered + nuls == size);
	return 0;
}
