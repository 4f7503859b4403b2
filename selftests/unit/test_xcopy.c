// SPDX-License-Identifier: GPL-2.0
/* EXTENDED COPY parameter list decoding (scsi_backend/xcopy_parse.c). */
#include "ktgt_compat.h"
#include "ktgt_sense.h"
#include "ktgt_xcopy.h"
#include "ktgt_unit.h"

#define NAA 0x56a7467123456789ULL

static u8 buf[4096];
static struct ktgt_xcopy_list l;
static struct ktgt_sense_err e;

static u32 put_tgt(u32 off, u8 type, u64 naa, u32 block_len)
{
	u8 *p = buf + off;

	memset(p, 0, 32);
	p[0] = type;
	p[4] = 0x01;			/* binary */
	p[5] = 0x03;			/* LU, NAA */
	p[7] = 8;
	put_unaligned_be64(naa, p + 8);
	put_unaligned_be24(block_len, p + 29);
	return off + 32;
}

static u32 put_seg(u32 off, u8 type, u16 src, u16 dst, u16 nr, u64 slba,
		   u64 dlba)
{
	u8 *p = buf + off;

	memset(p, 0, 28);
	p[0] = type;
	put_unaligned_be16(24, p + 2);
	put_unaligned_be16(src, p + 4);
	put_unaligned_be16(dst, p + 6);
	put_unaligned_be16(nr, p + 10);
	put_unaligned_be64(slba, p + 12);
	put_unaligned_be64(dlba, p + 20);
	return off + 28;
}

static void put_hdr(u8 list_id, u8 usage, u16 tdll, u32 sdll, u32 inl)
{
	memset(buf, 0, 16);
	buf[0] = list_id;
	buf[1] = usage << 3;
	put_unaligned_be16(tdll, buf + 2);
	put_unaligned_be32(sdll, buf + 8);
	put_unaligned_be32(inl, buf + 12);
}

/* One target, one segment: the shape VAAI and libiscsi send. */
static u32 simple(void)
{
	u32 off = put_tgt(16, KTGT_XCOPY_TGT_ID, NAA, 512);

	off = put_seg(off, KTGT_XCOPY_SEG_B2B, 0, 0, 2048, 0, 4096);
	put_hdr(7, 0, 32, 28, 0);
	return off;
}

static bool sense_is(u8 key, u16 asc)
{
	return e.key == key && (e.asc << 8 | e.ascq) == asc;
}

static void test_good(void)
{
	u32 len = simple();
	u64 naa = 0;

	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == 0, "simple list parses");
	KTGT_CHECK(l.list_id == 7 && l.list_id_usage == 0 && l.nr_tgts == 1 &&
		   l.nr_segs == 1, "header and counts");
	KTGT_CHECK(l.seg[0].nr_blocks == 2048 && l.seg[0].src_lba == 0 &&
		   l.seg[0].dst_lba == 4096 && l.seg[0].off == 48,
		   "segment fields");
	KTGT_CHECK(l.tgt[0].block_len == 512 && l.tgt[0].off == 16,
		   "target block length");
	KTGT_CHECK(ktgt_xcopy_tgt_naa(&l.tgt[0], &naa) && naa == NAA,
		   "NAA designator of the target");
	/* padding after the lists is allowed */
	KTGT_CHECK(ktgt_xcopy_parse(buf, len + 20, &l, &e) == 0,
		   "trailing bytes ignored");

	/* LU ID TYPE is ignored (SPC-4) */
	buf[17] = 0xc0;
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == 0, "LU ID TYPE ignored");
}

static void test_lengths(void)
{
	u32 len = simple();

	KTGT_CHECK(ktgt_xcopy_parse(buf, 15, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "short header: PARAMETER LIST LENGTH ERROR");
	KTGT_CHECK(ktgt_xcopy_parse(buf, 16 + 31, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "truncated target descriptor");
	KTGT_CHECK(ktgt_xcopy_parse(buf, len - 1, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "truncated segment descriptor");
	/* huge lengths do not wrap */
	put_hdr(0, 0, 0xffff, 0xffffffff, 0xffffffff);
	KTGT_CHECK(ktgt_xcopy_parse(buf, sizeof(buf), &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "overflowing lengths");
	/* lists longer than MAXIMUM DESCRIPTOR LIST LENGTH */
	put_hdr(0, 0, 32, KTGT_XCOPY_MAX_DESC_LIST_LEN, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, sizeof(buf), &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_PARAM_LIST_LENGTH_ERROR),
		   "descriptor lists too long");
	/* target list not a whole number of descriptors */
	simple();
	put_hdr(0, 0, 40, 20, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, 76, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) &&
		   e.sks_valid && !e.sks_cd && e.sks_field == 2,
		   "target list length not a multiple of 32");
	/* segment descriptor cut by the segment list length */
	simple();
	put_hdr(0, 0, 32, 27, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, 75, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) &&
		   e.sks_field == 8, "segment list cuts a descriptor");
	simple();
	put_hdr(0, 0, 32, 28, 4);
	KTGT_CHECK(ktgt_xcopy_parse(buf, 80, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) &&
		   e.sks_field == 12, "inline data refused");
}

static void test_header_fields(void)
{
	u32 len = simple();

	buf[1] = 1 << 3;
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) &&
		   e.sks_field == 1 && e.sks_bit == 4,
		   "LIST ID USAGE 01b reserved");
	buf[1] = 3 << 3;
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == -EINVAL &&
		   e.sks_field == 0, "LIST ID USAGE 11b with a list id");
	buf[0] = 0;
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == 0 &&
		   l.list_id_usage == 3, "LIST ID USAGE 11b, list id 0");
}

static void test_counts(void)
{
	u32 off = 16, i;

	for (i = 0; i < KTGT_XCOPY_MAX_TGT_DESCS + 1; i++)
		off = put_tgt(off, KTGT_XCOPY_TGT_ID, NAA, 512);
	off = put_seg(off, KTGT_XCOPY_SEG_B2B, 0, 0, 1, 0, 1);
	put_hdr(0, 0, 32 * (KTGT_XCOPY_MAX_TGT_DESCS + 1), 28, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_TOO_MANY_TARGET_DESCS),
		   "TOO MANY TARGET DESCRIPTORS");

	off = put_tgt(16, KTGT_XCOPY_TGT_ID, NAA, 512);
	for (i = 0; i < KTGT_XCOPY_MAX_SEG_DESCS + 1; i++)
		off = put_seg(off, KTGT_XCOPY_SEG_B2B, 0, 0, 1, 0, 1);
	put_hdr(0, 0, 32, 28 * (KTGT_XCOPY_MAX_SEG_DESCS + 1), 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_TOO_MANY_SEGMENT_DESCS),
		   "TOO MANY SEGMENT DESCRIPTORS");
	put_hdr(0, 0, 32, 28 * KTGT_XCOPY_MAX_SEG_DESCS, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == 0 &&
		   l.nr_segs == KTGT_XCOPY_MAX_SEG_DESCS,
		   "the maximum number of segments parses");
}

static void test_types(void)
{
	u32 off;

	off = put_tgt(16, 0xe0, NAA, 512);
	off = put_seg(off, KTGT_XCOPY_SEG_B2B, 0, 0, 1, 0, 1);
	put_hdr(0, 0, 32, 28, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_UNSUPP_TARGET_DESC_TYPE),
		   "FC N_Port_Name target: UNSUPPORTED TARGET DESCRIPTOR TYPE");

	off = put_tgt(16, KTGT_XCOPY_TGT_ID, NAA, 512);
	off = put_seg(off, 0x03, 0, 0, 1, 0, 1);
	put_unaligned_be16(16, buf + 48 + 2);
	put_hdr(0, 0, 32, 20, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, 16 + 32 + 20, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_UNSUPP_SEGMENT_DESC_TYPE),
		   "stream to stream: UNSUPPORTED SEGMENT DESCRIPTOR TYPE");

	off = put_tgt(16, KTGT_XCOPY_TGT_ID, NAA, 512);
	off = put_seg(off, KTGT_XCOPY_SEG_B2B, 0, 0, 1, 0, 1);
	put_unaligned_be16(20, buf + 48 + 2);
	put_hdr(0, 0, 32, 28, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == -EINVAL &&
		   e.sks_field == 48 + 2, "wrong block to block descriptor length");
}

static void test_target_fields(void)
{
	u32 len = simple();
	u64 naa;

	buf[17] = 0x20;
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == -EINVAL &&
		   e.sks_field == 17 && e.sks_bit == 5, "NUL bit refused");
	buf[17] = 0x01;
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == -EINVAL &&
		   e.sks_field == 17, "peripheral type other than disk refused");
	len = simple();
	put_unaligned_be24(0, buf + 16 + 29);
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == -EINVAL &&
		   e.sks_field == 16 + 29, "block length 0 refused");
	len = simple();
	buf[16 + 7] = 21;
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == -EINVAL &&
		   e.sks_field == 16 + 7, "designator longer than 20 bytes");

	/* parses, but names no LU by NAA: not reachable later */
	len = simple();
	buf[16 + 5] = 0x01;		/* T10 vendor ID */
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == 0 &&
		   !ktgt_xcopy_tgt_naa(&l.tgt[0], &naa), "T10 designator: no NAA");
	len = simple();
	buf[16 + 5] = 0x13;		/* target port association */
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == 0 &&
		   !ktgt_xcopy_tgt_naa(&l.tgt[0], &naa), "port NAA: not a LU");
	len = simple();
	buf[16 + 7] = 16;		/* NAA 6 */
	KTGT_CHECK(ktgt_xcopy_parse(buf, len, &l, &e) == 0 &&
		   !ktgt_xcopy_tgt_naa(&l.tgt[0], &naa), "16-byte NAA: not ours");
}

static void test_segment_fields(void)
{
	u32 off;

	off = put_tgt(16, KTGT_XCOPY_TGT_ID, NAA, 512);
	off = put_seg(off, KTGT_XCOPY_SEG_B2B, 0, 1, 1, 0, 1);
	put_hdr(0, 0, 32, 28, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_COPY_ABORTED,
			    KTGT_ASC_COPY_TARGET_NOT_REACHABLE),
		   "destination index past the targets: COPY ABORTED 0D/02");
	off = put_tgt(16, KTGT_XCOPY_TGT_ID, NAA, 4096);
	off = put_seg(off, KTGT_XCOPY_SEG_B2B, 0, 0, 0xffff, 0, 1);
	put_hdr(0, 0, 32, 28, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == -EINVAL &&
		   sense_is(KTGT_SK_ILLEGAL_REQUEST,
			    KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST) &&
		   e.sks_field == 48 + 10, "segment over MAXIMUM SEGMENT LENGTH");
	put_unaligned_be16(KTGT_XCOPY_MAX_SEG_BYTES / 4096, buf + 48 + 10);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == 0,
		   "segment of exactly MAXIMUM SEGMENT LENGTH");
	/* no segments at all is a valid (empty) copy */
	off = put_tgt(16, KTGT_XCOPY_TGT_ID, NAA, 512);
	put_hdr(0, 0, 32, 0, 0);
	KTGT_CHECK(ktgt_xcopy_parse(buf, off, &l, &e) == 0 && l.nr_segs == 0,
		   "no segment descriptors");
}

int main(void)
{
	test_good();
	test_lengths();
	test_header_fields();
	test_counts();
	test_types();
	test_target_fields();
	test_segment_fields();
	return ktgt_unit_done();
}
