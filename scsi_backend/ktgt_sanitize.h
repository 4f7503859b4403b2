/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SANITIZE (SBC-3 5.19): CDB and OVERWRITE parameter list checks.  Pure:
 * no kernel I/O headers, so the very same code is unit-tested in user space.
 */
#ifndef KTGT_SANITIZE_H
#define KTGT_SANITIZE_H

#include "ktgt_compat.h"
#include "ktgt_sense.h"

#define KTGT_OP_SANITIZE		0x48

/* Service actions */
#define KTGT_SANITIZE_OVERWRITE		0x01
#define KTGT_SANITIZE_BLOCK_ERASE	0x02
#define KTGT_SANITIZE_CRYPTO_ERASE	0x03
#define KTGT_SANITIZE_EXIT_FAILURE	0x1f

/* LOGICAL UNIT NOT READY, SANITIZE IN PROGRESS; SANITIZE COMMAND FAILED */
#define KTGT_ASC_SANITIZE_IN_PROGRESS	0x041b
#define KTGT_ASC_SANITIZE_FAILED	0x3103

/* The OVERWRITE parameter list, decoded (SBC-3 table 58) */
struct ktgt_sanitize_ow {
	bool invert;		/* invert the pattern between passes */
	u8 count;		/* OVERWRITE COUNT, 1..31 */
	u16 pattern_len;	/* 1..block size */
	const u8 *pattern;	/* points into the parameter list */
};

/**
 * ktgt_sanitize_check_cdb() - check a SANITIZE CDB's PARAMETER LIST LENGTH
 * @cdb: the CDB; the service action is one this LU implements
 * @block_size: logical block length
 * @e: filled in on error (INVALID FIELD IN CDB at the length field)
 *
 * OVERWRITE takes 5..block size + 4 bytes, the other service actions none.
 * Return: 0 or -EINVAL.
 */
int ktgt_sanitize_check_cdb(const u8 *cdb, u32 block_size,
			    struct ktgt_sense_err *e);

/**
 * ktgt_sanitize_parse_ow() - decode the OVERWRITE parameter list
 * @p: the parameter list
 * @len: its length (already checked by ktgt_sanitize_check_cdb())
 * @block_size: logical block length
 * @ow: the result; ow->pattern points into @p
 * @e: filled in on error (INVALID FIELD IN PARAMETER LIST)
 *
 * Return: 0 or -EINVAL.
 */
int ktgt_sanitize_parse_ow(const u8 *p, u32 len, u32 block_size,
			   struct ktgt_sanitize_ow *ow,
			   struct ktgt_sense_err *e);

/**
 * ktgt_sanitize_fill() - one logical block of an overwrite pass
 * @blk: the block, @block_size bytes
 * @ow: the decoded parameter list
 * @pass: 0-based pass number (odd passes are inverted when ow->invert)
 *
 * The pattern repeats from the start of the block to its end.
 */
void ktgt_sanitize_fill(u8 *blk, u32 block_size,
			const struct ktgt_sanitize_ow *ow, unsigned int pass);

#endif /* KTGT_SANITIZE_H */
