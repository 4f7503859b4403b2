/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sense data building (SPC-4 4.5).  Pure: no kernel I/O headers, so the
 * very same code is unit-tested in user space.
 */
#ifndef KTGT_SENSE_H
#define KTGT_SENSE_H

#include "ktgt_compat.h"

/* Sense keys */
#define KTGT_SK_NO_SENSE		0x0
#define KTGT_SK_RECOVERED_ERROR		0x1
#define KTGT_SK_NOT_READY		0x2
#define KTGT_SK_MEDIUM_ERROR		0x3
#define KTGT_SK_HARDWARE_ERROR		0x4
#define KTGT_SK_ILLEGAL_REQUEST		0x5
#define KTGT_SK_UNIT_ATTENTION		0x6
#define KTGT_SK_DATA_PROTECT		0x7
#define KTGT_SK_ABORTED_COMMAND		0xb
#define KTGT_SK_MISCOMPARE		0xe

/* Additional sense code / qualifier pairs, as (asc << 8 | ascq) */
#define KTGT_ASC_NO_ADDITIONAL_SENSE		0x0000
#define KTGT_ASC_LUN_NOT_READY			0x0400	/* cause not reportable */
#define KTGT_ASC_LUN_NOT_READY_MANUAL		0x0403	/* manual intervention */
#define KTGT_ASC_WRITE_ERROR			0x0c00
#define KTGT_ASC_UNRECOVERED_READ_ERROR		0x1100
#define KTGT_ASC_MISCOMPARE_VERIFY		0x1d00
#define KTGT_ASC_PARAM_LIST_LENGTH_ERROR	0x1a00
#define KTGT_ASC_INVALID_OPCODE			0x2000
#define KTGT_ASC_LBA_OUT_OF_RANGE		0x2100
#define KTGT_ASC_INVALID_FIELD_IN_CDB		0x2400
#define KTGT_ASC_LUN_NOT_SUPPORTED		0x2500
#define KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST	0x2600
#define KTGT_ASC_WRITE_PROTECTED		0x2700
#define KTGT_ASC_SPACE_ALLOC_FAILED_WP		0x2707
#define KTGT_ASC_SAVING_PARAMS_NOT_SUPPORTED	0x3900
#define KTGT_ASC_LUN_COMM_FAILURE		0x0800
#define KTGT_ASC_INTERNAL_TARGET_FAILURE	0x4400
#define KTGT_ASC_INSUFFICIENT_RESOURCES		0x5503
#define KTGT_ASC_LOGICAL_BLOCK_GUARD_CHECK	0x1001
#define KTGT_ASC_MEDIUM_NOT_PRESENT_TRAY_OPEN	0x3a02
#define KTGT_ASC_MEDIUM_REMOVAL_PREVENTED	0x5302

#define KTGT_SENSE_FIXED_LEN		18
#define KTGT_SENSE_DESC_HDR_LEN		8

/*
 * Everything a sense buffer can carry here.  @sks_valid adds the
 * sense-key-specific field pointer (SPC-4 4.5.2.4.2); @info_valid the
 * INFORMATION field (for MISCOMPARE: the offset of the first mismatch).
 */
struct ktgt_sense_err {
	u8 key;
	u8 asc;
	u8 ascq;
	bool info_valid;
	bool sks_valid;
	bool sks_cd;		/* 1: the error is in the CDB, 0: in data */
	bool sks_bpv;		/* @sks_bit is valid */
	u8 sks_bit;		/* 0..7 */
	u16 sks_field;		/* byte offset */
	u64 info;
	bool sdat_ovfl;		/* SDAT_OVFL: more conditions than reported */
};

/* Fill @e with key/asc/ascq, everything else clear. */
void ktgt_sense_set(struct ktgt_sense_err *e, u8 key, u16 asc_ascq);

/* ILLEGAL REQUEST, INVALID FIELD IN CDB pointing at byte @byte bit @bit. */
void ktgt_sense_invalid_cdb(struct ktgt_sense_err *e, u16 byte, int bit);

/* ILLEGAL REQUEST, INVALID FIELD IN PARAMETER LIST at byte @byte bit @bit. */
void ktgt_sense_invalid_param(struct ktgt_sense_err *e, u16 byte, int bit);

/*
 * Build sense data into @buf (of @buf_len bytes, must be >= 18), fixed
 * format (response code 70h) or, when @desc, descriptor format (72h).
 * Returns the number of bytes built, or 0 if @buf_len is too small.
 */
unsigned int ktgt_sense_build(u8 *buf, unsigned int buf_len, bool desc,
			      const struct ktgt_sense_err *e);

#endif /* KTGT_SENSE_H */
