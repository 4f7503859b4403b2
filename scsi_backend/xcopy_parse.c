// SPDX-License-Identifier: GPL-2.0
/*
 * EXTENDED COPY (LID1) parameter list decoding (SPC-4 6.4.3): the list
 * header, identification target descriptors (E4h) and block to block
 * segment descriptors (02h).  Pure code: unit-tested and fuzzed in user
 * space; the logical units the descriptors name are resolved by xcopy.c.
 */
#include "ktgt_compat.h"
#include "ktgt_sense.h"
#include "ktgt_xcopy.h"

static int ktgt_xcopy_err(struct ktgt_sense_err *e, u8 key, u16 asc_ascq)
{
	ktgt_sense_set(e, key, asc_ascq);
	return -EINVAL;
}

static int ktgt_xcopy_bad_param(struct ktgt_sense_err *e, u32 byte, int bit)
{
	ktgt_sense_invalid_param(e, byte > 0xffff ? 0xffff : byte, bit);
	return -EINVAL;
}

static int ktgt_xcopy_parse_tgt(const u8 *p, u16 off, struct ktgt_xcopy_tgt *t,
				struct ktgt_sense_err *e)
{
	const u8 *d = p + 4;		/* designation descriptor */

	if (p[0] != KTGT_XCOPY_TGT_ID)
		return ktgt_xcopy_err(e, KTGT_SK_ILLEGAL_REQUEST,
				      KTGT_ASC_UNSUPP_TARGET_DESC_TYPE);
	/*
	 * Byte 1: LU ID TYPE (ignored by SPC-4 copy managers), NUL (obsolete:
	 * refused rather than silently discarding data), PERIPHERAL DEVICE
	 * TYPE (block devices only).
	 */
	if (p[1] & 0x20)
		return ktgt_xcopy_bad_param(e, off + 1, 5);
	if (p[1] & 0x1f)
		return ktgt_xcopy_bad_param(e, off + 1, 4);
	if (d[3] > sizeof(t->desig))
		return ktgt_xcopy_bad_param(e, off + 7, 7);

	t->off = off;
	t->code_set = d[0] & 0x0f;
	t->assoc = (d[1] >> 4) & 0x03;
	t->desig_type = d[1] & 0x0f;
	t->desig_len = d[3];
	memset(t->desig, 0, sizeof(t->desig));
	memcpy(t->desig, d + 4, t->desig_len);
	/* block device type specific parameters: PAD, DISK BLOCK LENGTH */
	t->block_len = get_unaligned_be24(p + 29);
	if (!t->block_len)
		return ktgt_xcopy_bad_param(e, off + 29, 7);
	return 0;
}

static int ktgt_xcopy_parse_seg(const u8 *p, u16 off,
				const struct ktgt_xcopy_list *l,
				struct ktgt_xcopy_seg *s,
				struct ktgt_sense_err *e)
{
	if (p[0] != KTGT_XCOPY_SEG_B2B)
		return ktgt_xcopy_err(e, KTGT_SK_ILLEGAL_REQUEST,
				      KTGT_ASC_UNSUPP_SEGMENT_DESC_TYPE);
	if (get_unaligned_be16(p + 2) != KTGT_XCOPY_SEG_B2B_LEN - 4)
		return ktgt_xcopy_bad_param(e, off + 2, 7);

	s->off = off;
	s->src = get_unaligned_be16(p + 4);
	s->dst = get_unaligned_be16(p + 6);
	s->nr_blocks = get_unaligned_be16(p + 10);
	s->src_lba = get_unaligned_be64(p + 12);
	s->dst_lba = get_unaligned_be64(p + 20);
	/* an index naming no target descriptor: nothing to reach */
	if (s->src >= l->nr_tgts || s->dst >= l->nr_tgts)
		return ktgt_xcopy_err(e, KTGT_SK_COPY_ABORTED,
				      KTGT_ASC_COPY_TARGET_NOT_REACHABLE);
	/* the descriptors' block lengths are checked against the LUs later */
	if ((u64)s->nr_blocks * l->tgt[s->src].block_len >
	    KTGT_XCOPY_MAX_SEG_BYTES)
		return ktgt_xcopy_bad_param(e, off + 10, 7);
	return 0;
}

int ktgt_xcopy_parse(const u8 *buf, u32 len, struct ktgt_xcopy_list *l,
		     struct ktgt_sense_err *e)
{
	u32 tdll, sdll, inl, pos, end;
	int ret;

	memset(l, 0, sizeof(*l));
	if (len < KTGT_XCOPY_HDR_LEN)
		return ktgt_xcopy_err(e, KTGT_SK_ILLEGAL_REQUEST,
				      KTGT_ASC_PARAM_LIST_LENGTH_ERROR);

	l->list_id = buf[0];
	l->list_id_usage = (buf[1] >> 3) & 0x03;
	tdll = get_unaligned_be16(buf + 2);
	sdll = get_unaligned_be32(buf + 8);
	inl = get_unaligned_be32(buf + 12);

	/* the lists must fit in what was sent, and in what we accept */
	if ((u64)KTGT_XCOPY_HDR_LEN + tdll + sdll + inl > len ||
	    (u64)tdll + sdll > KTGT_XCOPY_MAX_DESC_LIST_LEN)
		return ktgt_xcopy_err(e, KTGT_SK_ILLEGAL_REQUEST,
				      KTGT_ASC_PARAM_LIST_LENGTH_ERROR);
	if (l->list_id_usage == 1)
		return ktgt_xcopy_bad_param(e, 1, 4);
	if (l->list_id_usage == KTGT_XCOPY_LIST_ID_NONE && l->list_id)
		return ktgt_xcopy_bad_param(e, 0, 7);
	/* no segment type that carries inline data is supported */
	if (inl)
		return ktgt_xcopy_bad_param(e, 12, 7);
	if (tdll % KTGT_XCOPY_TGT_DESC_LEN)
		return ktgt_xcopy_bad_param(e, 2, 7);
	if (tdll / KTGT_XCOPY_TGT_DESC_LEN > KTGT_XCOPY_MAX_TGT_DESCS)
		return ktgt_xcopy_err(e, KTGT_SK_ILLEGAL_REQUEST,
				      KTGT_ASC_TOO_MANY_TARGET_DESCS);

	pos = KTGT_XCOPY_HDR_LEN;
	end = pos + tdll;
	for (; pos < end; pos += KTGT_XCOPY_TGT_DESC_LEN) {
		ret = ktgt_xcopy_parse_tgt(buf + pos, pos, &l->tgt[l->nr_tgts], e);
		if (ret)
			return ret;
		l->nr_tgts++;
	}

	end = pos + sdll;
	while (pos < end) {
		if (l->nr_segs == KTGT_XCOPY_MAX_SEG_DESCS)
			return ktgt_xcopy_err(e, KTGT_SK_ILLEGAL_REQUEST,
					      KTGT_ASC_TOO_MANY_SEGMENT_DESCS);
		/* a descriptor cut off by the SEGMENT DESCRIPTOR LIST LENGTH */
		if (end - pos < 4)
			return ktgt_xcopy_bad_param(e, 8, 7);
		if (buf[pos] == KTGT_XCOPY_SEG_B2B &&
		    end - pos < KTGT_XCOPY_SEG_B2B_LEN)
			return ktgt_xcopy_bad_param(e, 8, 7);
		ret = ktgt_xcopy_parse_seg(buf + pos, pos, l,
					   &l->seg[l->nr_segs], e);
		if (ret)
			return ret;
		l->nr_segs++;
		pos += KTGT_XCOPY_SEG_B2B_LEN;
	}
	return 0;
}

bool ktgt_xcopy_tgt_naa(const struct ktgt_xcopy_tgt *t, u64 *naa)
{
	/* binary, associated with the logical unit, NAA, IEEE Registered */
	if (t->code_set != 1 || t->assoc != 0 || t->desig_type != 3 ||
	    t->desig_len != 8 || (t->desig[0] >> 4) != 5)
		return false;
	*naa = get_unaligned_be64(t->desig);
	return true;
}
