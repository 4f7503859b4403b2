// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: PERSISTENT RESERVE OUT parameter lists and iSCSI
 * TransportIDs (scsi_backend/pr_proto.c).
 *
 * Input: bytes 0-1 are CDB bytes 1 (service action) and 2 (scope/type);
 * the rest is the parameter list.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ktgt_compat.h"
#include "ktgt_pr.h"

#define KTGT_FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktgt_sense_err e;
	struct ktgt_pr_out o;
	struct ktgt_pr_tid t;
	u8 cdb[10] = { KTGT_OP_PR_OUT };
	u8 enc[300];
	u32 len, off, end;
	u8 *p;
	int n;

	if (size < 2 || size > KTGT_PR_MAX_PARAM_LEN)
		return 0;
	cdb[1] = data[0];
	cdb[2] = data[1];
	len = size - 2;
	/* an exact-size copy, so ASan sees any read past the list */
	p = malloc(len ? len : 1);
	if (!p)
		return 0;
	memcpy(p, data + 2, len);
	if (ktgt_pr_out_decode(cdb, p, len, &o, &e)) {
		KTGT_FUZZ_ASSERT(e.key == KTGT_SK_ILLEGAL_REQUEST);
		goto out;
	}
	KTGT_FUZZ_ASSERT(o.tid_off + o.tid_len <= len);
	off = o.tid_off;
	end = o.tid_off + o.tid_len;
	while (off < end) {
		n = ktgt_pr_tid_decode(&p[off], end - off, off, &t, &e);
		if (n < 0) {
			KTGT_FUZZ_ASSERT(e.asc == 0x26);
			break;
		}
		KTGT_FUZZ_ASSERT(n >= 24 && (u32)n <= end - off && n % 4 == 0);
		KTGT_FUZZ_ASSERT(strlen(t.name) > 0 && strlen(t.name) < KTGT_PR_NAME_MAX);
		/* what we decode encodes back into a TransportID that decodes
		 * to the same initiator port */
		{
			struct ktgt_pr_tid t2;
			u32 el = ktgt_pr_tid_encode(enc, sizeof(enc), t.name,
						    t.has_isid ? t.isid : NULL);

			KTGT_FUZZ_ASSERT(el <= sizeof(enc));
			KTGT_FUZZ_ASSERT(ktgt_pr_tid_decode(enc, el, 0, &t2, &e) == (int)el);
			KTGT_FUZZ_ASSERT(!strcmp(t.name, t2.name) &&
					 t.has_isid == t2.has_isid &&
					 !memcmp(t.isid, t2.isid, 6));
		}
		off += n;
	}
out:
	free(p);
	return 0;
}
