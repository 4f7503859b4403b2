// SPDX-License-Identifier: GPL-2.0
/* SANITIZE CDB and OVERWRITE parameter list checks (sanitize_parse.c). */
#include "ktgt_compat.h"
#include "ktgt_sense.h"
#include "ktgt_sanitize.h"
#include "ktgt_unit.h"

static u8 cdb[10], p[4096 + 8];
static struct ktgt_sense_err e;
static struct ktgt_sanitize_ow ow;

static int cdb_len(u8 sa, u16 len, u32 bs)
{
	memset(cdb, 0, sizeof(cdb));
	memset(&e, 0, sizeof(e));
	cdb[0] = KTGT_OP_SANITIZE;
	cdb[1] = sa;
	put_unaligned_be16(len, &cdb[7]);
	return ktgt_sanitize_check_cdb(cdb, bs, &e);
}

static bool invalid_cdb_len(void)
{
	return e.key == KTGT_SK_ILLEGAL_REQUEST && e.asc == 0x24 &&
	       e.ascq == 0 && e.sks_valid && e.sks_cd && e.sks_field == 7 &&
	       e.sks_bpv && e.sks_bit == 7;
}

static int ow_parse(u8 b0, u16 plen, u32 len, u32 bs)
{
	memset(&e, 0, sizeof(e));
	memset(&ow, 0, sizeof(ow));
	p[0] = b0;
	p[1] = 0;
	put_unaligned_be16(plen, &p[2]);
	return ktgt_sanitize_parse_ow(p, len, bs, &ow, &e);
}

static bool invalid_param(u16 byte, u8 bit)
{
	return e.key == KTGT_SK_ILLEGAL_REQUEST && e.asc == 0x26 &&
	       e.ascq == 0 && e.sks_valid && !e.sks_cd &&
	       e.sks_field == byte && e.sks_bpv && e.sks_bit == bit;
}

int main(void)
{
	u8 blk[512];
	unsigned int i;
	bool ok;

	/* PARAMETER LIST LENGTH */
	KTGT_CHECK(cdb_len(1, 0, 512) == -EINVAL && invalid_cdb_len(),
		   "OVERWRITE with length 0: 24/00 at byte 7");
	KTGT_CHECK(cdb_len(1, 4, 512) == -EINVAL && invalid_cdb_len(),
		   "OVERWRITE with length 4: 24/00");
	KTGT_CHECK(cdb_len(1, 5, 512) == 0, "OVERWRITE with length 5: ok");
	KTGT_CHECK(cdb_len(1, 516, 512) == 0, "OVERWRITE with length bs+4: ok");
	KTGT_CHECK(cdb_len(1, 517, 512) == -EINVAL && invalid_cdb_len(),
		   "OVERWRITE with length bs+5: 24/00");
	KTGT_CHECK(cdb_len(1, 4100, 4096) == 0, "4096-byte blocks: bs+4 ok");
	KTGT_CHECK(cdb_len(2, 0, 512) == 0, "BLOCK ERASE with length 0: ok");
	KTGT_CHECK(cdb_len(2, 8, 512) == -EINVAL && invalid_cdb_len(),
		   "BLOCK ERASE with length 8: 24/00");
	KTGT_CHECK(cdb_len(0x1f, 8, 512) == -EINVAL && invalid_cdb_len(),
		   "EXIT FAILURE MODE with length 8: 24/00");
	KTGT_CHECK(cdb_len(0x1f, 0, 512) == 0, "EXIT FAILURE MODE, 0: ok");

	/* parameter list */
	memset(&p[4], 0xaa, 512);
	KTGT_CHECK(ow_parse(0x01, 512, 516, 512) == 0 && ow.count == 1 &&
		   !ow.invert && ow.pattern_len == 512 && ow.pattern == &p[4],
		   "one pass, one block of pattern");
	KTGT_CHECK(ow_parse(0x9f, 4, 8, 512) == 0 && ow.count == 31 &&
		   ow.invert && ow.pattern_len == 4, "INVERT, 31 passes, 4 bytes");
	KTGT_CHECK(ow_parse(0x00, 512, 516, 512) == -EINVAL &&
		   invalid_param(0, 4), "OVERWRITE COUNT 0: 26/00 at byte 0 bit 4");
	KTGT_CHECK(ow_parse(0x21, 512, 516, 512) == -EINVAL &&
		   invalid_param(0, 6), "TEST 01b: 26/00 at byte 0 bit 6");
	KTGT_CHECK(ow_parse(0x01, 0, 516, 512) == -EINVAL &&
		   invalid_param(2, 7), "pattern length 0: 26/00 at byte 2");
	KTGT_CHECK(ow_parse(0x01, 516, 516, 512) == -EINVAL &&
		   invalid_param(2, 7), "pattern longer than a block: 26/00");
	KTGT_CHECK(ow_parse(0x01, 8, 8, 512) == -EINVAL && invalid_param(2, 7),
		   "pattern longer than the list: 26/00");
	KTGT_CHECK(ow_parse(0x01, 1, 4, 512) == -EINVAL,
		   "a list of 4 bytes is refused");

	/* filling */
	p[4] = 0x12;
	p[5] = 0x34;
	p[6] = 0x56;
	ow_parse(0x82, 3, 7, 512);
	ktgt_sanitize_fill(blk, sizeof(blk), &ow, 0);
	for (ok = true, i = 0; i < sizeof(blk); i++)
		ok &= blk[i] == p[4 + i % 3];
	KTGT_CHECK(ok, "pass 0: the pattern repeats over the block");
	ktgt_sanitize_fill(blk, sizeof(blk), &ow, 1);
	for (ok = true, i = 0; i < sizeof(blk); i++) {
		u8 want = p[4 + i % 3] ^ 0xff;

		ok &= blk[i] == want;
	}
	KTGT_CHECK(ok, "pass 1 with INVERT: the inverted pattern");
	ow.invert = false;
	ktgt_sanitize_fill(blk, sizeof(blk), &ow, 1);
	KTGT_CHECK(blk[0] == 0x12 && blk[511] == p[4 + 511 % 3],
		   "pass 1 without INVERT: the pattern");
	return ktgt_unit_done();
}
