/* SPDX-License-Identifier: GPL-2.0 */
/*
 * EXTENDED COPY (LID1) parameter list decoding (SPC-4 6.4).  Pure: no kernel
 * I/O headers, so the same code runs in the unit test and the fuzzer.
 */
#ifndef KTGT_XCOPY_H
#define KTGT_XCOPY_H

#include "ktgt_compat.h"
#include "ktgt_sense.h"

#define KTGT_SK_COPY_ABORTED			0xa

#define KTGT_ASC_OPERATION_IN_PROGRESS		0x0016
#define KTGT_ASC_THIRD_PARTY_DEVICE_FAILURE	0x0d01
#define KTGT_ASC_COPY_TARGET_NOT_REACHABLE	0x0d02
#define KTGT_ASC_TOO_MANY_TARGET_DESCS		0x2606
#define KTGT_ASC_UNSUPP_TARGET_DESC_TYPE	0x2607
#define KTGT_ASC_TOO_MANY_SEGMENT_DESCS		0x2608
#define KTGT_ASC_UNSUPP_SEGMENT_DESC_TYPE	0x2609

/*
 * What the copy manager supports: reported by RECEIVE COPY OPERATING
 * PARAMETERS and the Third-party Copy VPD page, enforced here and in
 * xcopy.c.
 */
#define KTGT_XCOPY_HDR_LEN		16
#define KTGT_XCOPY_MAX_TGT_DESCS	8
#define KTGT_XCOPY_MAX_SEG_DESCS	8
#define KTGT_XCOPY_MAX_DESC_LIST_LEN	1024
#define KTGT_XCOPY_MAX_SEG_BYTES	(16U << 20)
/* The parameter list the CDB may announce (padding allowed after it) */
#define KTGT_XCOPY_MAX_PARAM_LEN	4096
#define KTGT_XCOPY_MAX_CONCURRENT	16

/* Descriptor type codes */
#define KTGT_XCOPY_SEG_B2B		0x02	/* block -> block */
#define KTGT_XCOPY_TGT_ID		0xe4	/* identification descriptor */
#define KTGT_XCOPY_TGT_DESC_LEN		32
#define KTGT_XCOPY_SEG_B2B_LEN		28

/* LIST ID USAGE */
#define KTGT_XCOPY_LIST_ID_HOLD		0	/* keep results for RCR */
#define KTGT_XCOPY_LIST_ID_NO_HOLD	2
#define KTGT_XCOPY_LIST_ID_NONE		3	/* list id unused, must be 0 */

/* Identification target descriptor (E4h) */
struct ktgt_xcopy_tgt {
	u16 off;		/* of the descriptor in the parameter list */
	u8 code_set;
	u8 assoc;
	u8 desig_type;
	u8 desig_len;
	u8 desig[20];
	u32 block_len;		/* DISK BLOCK LENGTH */
};

/* Block device to block device segment descriptor (02h) */
struct ktgt_xcopy_seg {
	u16 off;		/* of the descriptor in the parameter list */
	u16 src;		/* target descriptor indexes */
	u16 dst;
	u16 nr_blocks;
	u64 src_lba;
	u64 dst_lba;
};

struct ktgt_xcopy_list {
	u8 list_id;
	u8 list_id_usage;
	u16 nr_tgts;
	u16 nr_segs;
	struct ktgt_xcopy_tgt tgt[KTGT_XCOPY_MAX_TGT_DESCS];
	struct ktgt_xcopy_seg seg[KTGT_XCOPY_MAX_SEG_DESCS];
};

/**
 * ktgt_xcopy_parse() - decode and check an EXTENDED COPY parameter list
 * @buf: the parameter list
 * @len: its length (the PARAMETER LIST LENGTH of the CDB, > 0)
 * @l:   receives the descriptors
 * @e:   receives the sense to fail the command with
 *
 * Everything that can be checked without knowing the logical units is
 * checked here: lengths, counts, descriptor types, field values, indexes.
 *
 * Return: 0, or -EINVAL with @e set.
 */
int ktgt_xcopy_parse(const u8 *buf, u32 len, struct ktgt_xcopy_list *l,
		     struct ktgt_sense_err *e);

/*
 * The NAA designator of a logical unit that @t names, as the 64-bit value
 * ktgt reports in VPD 83h (NAA 5, binary, associated with the LU).
 * Return: true and *@naa set, false if @t names anything else.
 */
bool ktgt_xcopy_tgt_naa(const struct ktgt_xcopy_tgt *t, u64 *naa);

#endif /* KTGT_XCOPY_H */
