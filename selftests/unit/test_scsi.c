// SPDX-License-Identifier: GPL-2.0
/* Unit tests of scsi_backend/cdb.c and scsi_backend/sense.c (TAP). */
#include "ktgt_compat.h"
#include "ktgt_cdb.h"
#include "ktgt_sense.h"
#include "ktgt_unit.h"

static void test_cdb_len(void)
{
	KTGT_CHECK(ktgt_cdb_len(0x00) == 6, "TEST UNIT READY is 6 bytes");
	KTGT_CHECK(ktgt_cdb_len(0x28) == 10, "READ(10) is 10 bytes");
	KTGT_CHECK(ktgt_cdb_len(0x5a) == 10, "MODE SENSE(10) is 10 bytes");
	KTGT_CHECK(ktgt_cdb_len(0x88) == 16, "READ(16) is 16 bytes");
	KTGT_CHECK(ktgt_cdb_len(0xa0) == 12, "REPORT LUNS is 12 bytes");
	KTGT_CHECK(ktgt_cdb_len(0x7f) == 0, "variable length group: 0");
	KTGT_CHECK(ktgt_cdb_len(0xc0) == 0, "vendor group: 0");
}

static void test_decode_rw(void)
{
	struct ktgt_cdb_rw rw;
	u8 r6[6] = { 0x08, 0xe1, 0x23, 0x45, 0x00, 0x00 };
	u8 w6[6] = { 0x0a, 0x00, 0x00, 0x07, 0x10, 0x00 };
	u8 r10[10] = { 0x28, 0x18, 0x12, 0x34, 0x56, 0x78, 0x00, 0x01, 0x02, 0x00 };
	u8 w16[16] = { 0x8a, 0x08, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08,
		       0x00, 0x01, 0x00, 0x00, 0x00, 0x00 };
	u8 r12[12] = { 0xa8, 0x20, 0, 0, 0, 9, 0, 0, 0, 3, 0, 0 };
	u8 caw[16] = { 0x89, 0x00, 0, 0, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0x05, 0, 0 };
	u8 ws16[16] = { 0x93, 0x09, 0, 0, 0, 0, 0, 0, 0, 0x20, 0, 0, 1, 0, 0, 0 };
	u8 sync10[10] = { 0x35, 0, 0, 0, 0, 0x40, 0, 0, 0, 0 };
	u8 inq[6] = { 0x12, 0, 0, 0, 0xff, 0 };

	KTGT_CHECK(ktgt_cdb_decode_rw(r6, &rw) == 0, "READ(6) decodes");
	KTGT_CHECK(rw.lba == 0x012345, "READ(6) LBA is 21 bits (top 3 bits dropped)");
	KTGT_CHECK(rw.nr_blocks == 256, "READ(6) length 0 means 256");
	KTGT_CHECK(!rw.fua && !rw.has_protect, "READ(6) has no FUA/protect");

	KTGT_CHECK(ktgt_cdb_decode_rw(w6, &rw) == 0 && rw.lba == 7 &&
		   rw.nr_blocks == 0x10, "WRITE(6) LBA 7 length 16");

	KTGT_CHECK(ktgt_cdb_decode_rw(r10, &rw) == 0, "READ(10) decodes");
	KTGT_CHECK(rw.lba == 0x12345678, "READ(10) LBA");
	KTGT_CHECK(rw.nr_blocks == 0x0102, "READ(10) length");
	KTGT_CHECK(rw.fua && rw.dpo && rw.protect == 0 && rw.has_protect,
		   "READ(10) FUA and DPO");

	KTGT_CHECK(ktgt_cdb_decode_rw(w16, &rw) == 0, "WRITE(16) decodes");
	KTGT_CHECK(rw.lba == 0x0102030405060708ULL, "WRITE(16) 64-bit LBA");
	KTGT_CHECK(rw.nr_blocks == 0x00010000, "WRITE(16) 32-bit length");
	KTGT_CHECK(rw.fua && !rw.dpo, "WRITE(16) FUA only");

	KTGT_CHECK(ktgt_cdb_decode_rw(r12, &rw) == 0 && rw.lba == 9 &&
		   rw.nr_blocks == 3 && rw.protect == 1, "READ(12) RDPROTECT=1");

	KTGT_CHECK(ktgt_cdb_decode_rw(caw, &rw) == 0 && rw.lba == 0x10 &&
		   rw.nr_blocks == 5, "COMPARE AND WRITE: length in byte 13");

	KTGT_CHECK(ktgt_cdb_decode_rw(ws16, &rw) == 0 && rw.nr_blocks == 0x100 &&
		   rw.lba == 0x20 && !rw.fua, "WRITE SAME(16): UNMAP bit is not FUA");

	KTGT_CHECK(ktgt_cdb_decode_rw(sync10, &rw) == 0 && rw.lba == 0x40 &&
		   rw.nr_blocks == 0, "SYNCHRONIZE CACHE(10) whole range");

	KTGT_CHECK(ktgt_cdb_decode_rw(inq, &rw) == -EINVAL,
		   "INQUIRY is not LBA addressed");
}

static void test_range(void)
{
	struct ktgt_sense_err e;

	KTGT_CHECK(ktgt_cdb_check_range(0, 100, 100, &e) == 0, "whole device");
	KTGT_CHECK(ktgt_cdb_check_range(99, 1, 100, &e) == 0, "last block");
	KTGT_CHECK(ktgt_cdb_check_range(100, 0, 100, &e) == 0,
		   "0 blocks at LBA == capacity");
	memset(&e, 0, sizeof(e));
	KTGT_CHECK(ktgt_cdb_check_range(100, 1, 100, &e) == -ERANGE,
		   "one past the end");
	KTGT_CHECK(e.key == 0x05 && e.asc == 0x21 && e.ascq == 0x00 &&
		   !e.sks_valid, "LBA OUT OF RANGE sense");
	KTGT_CHECK(ktgt_cdb_check_range(101, 0, 100, &e) == -ERANGE,
		   "0 blocks past capacity");
	KTGT_CHECK(ktgt_cdb_check_range(~0ULL, 2, 100, &e) == -ERANGE,
		   "LBA wrap around");
	KTGT_CHECK(ktgt_cdb_check_range(50, 0xffffffffULL, 100, &e) == -ERANGE,
		   "huge length");
	KTGT_CHECK(ktgt_cdb_check_range(1, ~0ULL, 100, &e) == -ERANGE,
		   "lba + nr overflows u64");
}

static void test_usage(void)
{
	static const u8 tur_usage[6] = { 0x00, 0, 0, 0, 0, 0 };
	static const u8 r10_usage[10] = { 0x28, 0xfe, 0xff, 0xff, 0xff, 0xff,
					  0x1f, 0xff, 0xff, 0x00 };
	u8 tur[6] = { 0 };
	u8 r10[10] = { 0x28, 0x08, 0, 0, 0, 1, 0x20, 0, 1, 0 };
	struct ktgt_sense_err e;

	KTGT_CHECK(ktgt_cdb_check_usage(tur, tur_usage, 6, &e) == 0, "TUR clean");
	tur[5] = 0xc0;
	KTGT_CHECK(ktgt_cdb_check_usage(tur, tur_usage, 6, &e) == 0,
		   "vendor bits of CONTROL ignored");
	tur[5] = 0x04;
	KTGT_CHECK(ktgt_cdb_check_usage(tur, tur_usage, 6, &e) == -EINVAL &&
		   e.sks_field == 5 && e.sks_bit == 2 && e.sks_cd && e.sks_bpv,
		   "NACA rejected at byte 5 bit 2");
	KTGT_CHECK(e.key == 0x05 && e.asc == 0x24 && e.ascq == 0,
		   "INVALID FIELD IN CDB");
	KTGT_CHECK(ktgt_cdb_check_usage(r10, r10_usage, 10, &e) == -EINVAL &&
		   e.sks_field == 6 && e.sks_bit == 5,
		   "READ(10) reserved bit in group byte");
	r10[6] = 0x01;
	KTGT_CHECK(ktgt_cdb_check_usage(r10, r10_usage, 10, &e) == 0,
		   "READ(10) group number allowed");
	r10[1] = 0x01;
	KTGT_CHECK(ktgt_cdb_check_usage(r10, r10_usage, 10, &e) == -EINVAL &&
		   e.sks_field == 1 && e.sks_bit == 0, "READ(10) byte 1 bit 0");
}

static void test_sense_fixed(void)
{
	static const u8 want_cdb[18] = {
		0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x24, 0x00, 0,
		0xcf, 0x00, 0x02 };
	static const u8 want_oor[18] = {
		0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x21, 0x00, 0,
		0, 0, 0 };
	static const u8 want_mis[18] = {
		0xf0, 0, 0x0e, 0x00, 0x00, 0x12, 0x34, 0x0a, 0, 0, 0, 0, 0x1d,
		0x00, 0, 0, 0, 0 };
	static const u8 want_param[18] = {
		0x70, 0, 0x05, 0, 0, 0, 0, 0x0a, 0, 0, 0, 0, 0x26, 0x00, 0,
		0x80, 0x01, 0x04 };
	struct ktgt_sense_err e;
	u8 buf[96];

	memset(buf, 0xaa, sizeof(buf));
	ktgt_sense_invalid_cdb(&e, 2, 7);
	KTGT_CHECK(ktgt_sense_build(buf, sizeof(buf), false, &e) == 18,
		   "fixed sense is 18 bytes");
	KTGT_CHECK(!memcmp(buf, want_cdb, 18),
		   "INVALID FIELD IN CDB byte 2 bit 7, exact bytes");

	ktgt_sense_set(&e, KTGT_SK_ILLEGAL_REQUEST, KTGT_ASC_LBA_OUT_OF_RANGE);
	KTGT_CHECK(ktgt_sense_build(buf, 18, false, &e) == 18 &&
		   !memcmp(buf, want_oor, 18), "LBA OUT OF RANGE, exact bytes");

	ktgt_sense_set(&e, KTGT_SK_MISCOMPARE, KTGT_ASC_MISCOMPARE_VERIFY);
	e.info_valid = true;
	e.info = 0x1234;
	KTGT_CHECK(ktgt_sense_build(buf, 18, false, &e) == 18 &&
		   !memcmp(buf, want_mis, 18), "MISCOMPARE with INFORMATION");

	e.info = 0x100000000ULL;
	ktgt_sense_build(buf, 18, false, &e);
	KTGT_CHECK(buf[0] == 0x70 && !buf[3] && !buf[6],
		   "INFORMATION over 32 bits: VALID clear in fixed format");

	ktgt_sense_invalid_param(&e, 0x104, -1);
	KTGT_CHECK(ktgt_sense_build(buf, 18, false, &e) == 18 &&
		   !memcmp(buf, want_param, 18),
		   "INVALID FIELD IN PARAMETER LIST, no bit pointer");

	ktgt_sense_set(&e, KTGT_SK_DATA_PROTECT, KTGT_ASC_WRITE_PROTECTED);
	ktgt_sense_build(buf, 18, false, &e);
	KTGT_CHECK(buf[2] == 0x07 && buf[12] == 0x27 && buf[13] == 0,
		   "WRITE PROTECTED");

	ktgt_sense_set(&e, KTGT_SK_ILLEGAL_REQUEST, KTGT_ASC_LUN_NOT_SUPPORTED);
	ktgt_sense_build(buf, 18, false, &e);
	KTGT_CHECK(buf[2] == 0x05 && buf[12] == 0x25 && buf[13] == 0,
		   "LOGICAL UNIT NOT SUPPORTED");

	KTGT_CHECK(ktgt_sense_build(buf, 17, false, &e) == 0,
		   "buffer too small: nothing built");
}

static void test_sense_desc(void)
{
	static const u8 want[28] = {
		0x72, 0x0e, 0x1d, 0x00, 0, 0, 0, 20,
		0x00, 0x0a, 0x80, 0x00, 0, 0, 0, 0x01, 0, 0, 0x00, 0x40,
		0x02, 0x06, 0x00, 0x00, 0xc0, 0x00, 0x0d, 0x00 };
	static const u8 want_plain[8] = { 0x72, 0x05, 0x20, 0x00, 0, 0, 0, 0 };
	struct ktgt_sense_err e;
	u8 buf[96];

	ktgt_sense_set(&e, KTGT_SK_MISCOMPARE, KTGT_ASC_MISCOMPARE_VERIFY);
	e.info_valid = true;
	e.info = 0x100000040ULL;
	e.sks_valid = true;
	e.sks_cd = true;
	e.sks_bpv = false;
	e.sks_field = 13;
	e.sks_bit = 3;		/* ignored without BPV */
	KTGT_CHECK(ktgt_sense_build(buf, sizeof(buf), true, &e) == 28,
		   "descriptor sense with information + SKS is 28 bytes");
	KTGT_CHECK(!memcmp(buf, want, 28), "descriptor sense exact bytes");

	ktgt_sense_set(&e, KTGT_SK_ILLEGAL_REQUEST, KTGT_ASC_INVALID_OPCODE);
	KTGT_CHECK(ktgt_sense_build(buf, sizeof(buf), true, &e) == 8 &&
		   !memcmp(buf, want_plain, 8), "descriptor sense, header only");
}

/* SDAT_OVFL: byte 2 bit 4 (fixed), byte 4 bit 7 (descriptor); UA sense */
static void test_sense_ovfl(void)
{
	struct ktgt_sense_err e;
	u8 buf[96];

	ktgt_sense_set(&e, KTGT_SK_UNIT_ATTENTION, 0x2a09);
	KTGT_CHECK(ktgt_sense_build(buf, 18, false, &e) == 18 &&
		   buf[0] == 0x70 && buf[2] == 0x06 && buf[12] == 0x2a &&
		   buf[13] == 0x09, "unit attention, fixed: 6/2Ah/09h");
	e.sdat_ovfl = true;
	KTGT_CHECK(ktgt_sense_build(buf, 18, false, &e) == 18 &&
		   buf[2] == 0x16, "fixed: SDAT_OVFL is byte 2 bit 4");
	KTGT_CHECK(ktgt_sense_build(buf, sizeof(buf), true, &e) == 8 &&
		   buf[0] == 0x72 && buf[1] == 0x06 && buf[2] == 0x2a &&
		   buf[3] == 0x09 && buf[4] == 0x80,
		   "descriptor: SDAT_OVFL is byte 4 bit 7");
	e.sdat_ovfl = false;
	ktgt_sense_build(buf, sizeof(buf), true, &e);
	KTGT_CHECK(buf[4] == 0, "descriptor: no SDAT_OVFL by default");
}

static void test_lun(void)
{
	static const u8 l0[8] = { 0 };
	static const u8 l5[8] = { 0x00, 0x05 };
	static const u8 l300[8] = { 0x41, 0x2c };
	u8 out[8];

	ktgt_cdb_encode_lun(0, out);
	KTGT_CHECK(!memcmp(out, l0, 8), "LUN 0");
	ktgt_cdb_encode_lun(5, out);
	KTGT_CHECK(!memcmp(out, l5, 8), "LUN 5: peripheral addressing");
	ktgt_cdb_encode_lun(300, out);
	KTGT_CHECK(!memcmp(out, l300, 8), "LUN 300: flat space addressing");
}

static void test_unmap(void)
{
	struct ktgt_sense_err e;
	u8 p[8 + 16 * 3];
	u32 n = 99;

	memset(p, 0, sizeof(p));
	KTGT_CHECK(ktgt_cdb_unmap_check(p, 4, 100, 8, 64, &n, &e) == -EINVAL &&
		   e.asc == 0x1a && n == 0, "short list: PARAMETER LIST LENGTH ERROR");

	put_unaligned_be16(6 + 32, &p[0]);
	put_unaligned_be16(32, &p[2]);
	put_unaligned_be64(10, &p[8]);
	put_unaligned_be32(5, &p[16]);
	put_unaligned_be64(90, &p[24]);
	put_unaligned_be32(10, &p[32]);
	KTGT_CHECK(ktgt_cdb_unmap_check(p, 40, 100, 8, 64, &n, &e) == 0 && n == 2,
		   "two descriptors accepted");
	KTGT_CHECK(ktgt_cdb_unmap_check(p, 39, 100, 8, 64, &n, &e) == -EINVAL &&
		   e.key == 0x05 && e.asc == 0x1a,
		   "block descriptor length beyond the list");

	put_unaligned_be16(36, &p[2]);	/* trailing partial descriptor */
	KTGT_CHECK(ktgt_cdb_unmap_check(p, 44, 100, 8, 64, &n, &e) == 0 && n == 2,
		   "partial descriptor ignored");

	put_unaligned_be16(32, &p[2]);
	put_unaligned_be32(11, &p[32]);
	KTGT_CHECK(ktgt_cdb_unmap_check(p, 40, 100, 8, 64, &n, &e) == -EINVAL &&
		   e.asc == 0x21, "descriptor past the end: LBA OUT OF RANGE");

	put_unaligned_be32(65, &p[32]);
	put_unaligned_be64(0, &p[24]);
	KTGT_CHECK(ktgt_cdb_unmap_check(p, 40, 100, 8, 64, &n, &e) == -EINVAL &&
		   e.asc == 0x26 && e.sks_valid && !e.sks_cd && e.sks_field == 32,
		   "count over the maximum: INVALID FIELD IN PARAMETER LIST");

	put_unaligned_be32(1, &p[32]);
	KTGT_CHECK(ktgt_cdb_unmap_check(p, 40, 100, 1, 64, &n, &e) == -EINVAL &&
		   e.asc == 0x26 && e.sks_field == 2,
		   "too many descriptors");
}

int main(void)
{
	test_cdb_len();
	test_decode_rw();
	test_range();
	test_usage();
	test_sense_fixed();
	test_sense_desc();
	test_sense_ovfl();
	test_lun();
	test_unmap();
	return ktgt_unit_done();
}
