// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: BHS decoding helpers and ktgt_bhs_check_initiator() on
 * arbitrary 48-byte headers, with round-trip invariants.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ktgt_compat.h"
#include "ktgt_proto.h"

#define KTGT_FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktgt_bhs bhs, copy;
	u8 lun[8];
	u64 l;
	u32 d;
	int r;

	if (size < KTGT_BHS_LEN)
		return 0;
	memcpy(&bhs, data, KTGT_BHS_LEN);

	r = ktgt_bhs_check_initiator(&bhs);
	KTGT_FUZZ_ASSERT(r == 0 || r == KTGT_REJECT_PROTOCOL_ERROR ||
			 r == KTGT_REJECT_CMD_NOT_SUPPORTED ||
			 r == KTGT_REJECT_INVALID_PDU_FIELD);
	/* the check only reads the header */
	KTGT_FUZZ_ASSERT(!memcmp(&bhs, data, KTGT_BHS_LEN));

	d = ktgt_bhs_dlength(&bhs);
	KTGT_FUZZ_ASSERT(d <= KTGT_MAX_DLENGTH);
	KTGT_FUZZ_ASSERT(ktgt_bhs_ahslength(&bhs) <= 255 * 4);
	KTGT_FUZZ_ASSERT(ktgt_bhs_opcode(&bhs) <= KTGT_OPCODE_MASK);
	copy = bhs;
	ktgt_bhs_set_dlength(&copy, d);
	KTGT_FUZZ_ASSERT(!memcmp(&copy, &bhs, KTGT_BHS_LEN));
	if (size >= KTGT_BHS_LEN + 4) {
		u32 v = get_unaligned_be32(data + KTGT_BHS_LEN);

		ktgt_bhs_set_dlength(&copy, v);
		KTGT_FUZZ_ASSERT(ktgt_bhs_dlength(&copy) == (v & KTGT_MAX_DLENGTH));
		KTGT_FUZZ_ASSERT(copy.hlength == bhs.hlength &&
				 !memcmp(copy.lun, bhs.lun, 8));
	}

	/* a LUN that decodes re-encodes to a field decoding the same */
	l = ktgt_lun_from_wire(bhs.lun);
	if (l != KTGT_LUN_INVALID) {
		KTGT_FUZZ_ASSERT(l < KTGT_LUN_MAX_WIRE);
		ktgt_lun_to_wire(l, lun);
		KTGT_FUZZ_ASSERT(ktgt_lun_from_wire(lun) == l);
	}
	/* and any number encodes to something that decodes back */
	l = get_unaligned_be64(data + 8) % (KTGT_LUN_MAX_WIRE + 16);
	ktgt_lun_to_wire(l, lun);
	l = l < KTGT_LUN_MAX_WIRE ? l : KTGT_LUN_INVALID;
	KTGT_FUZZ_ASSERT(ktgt_lun_from_wire(lun) == l);
	return 0;
}
