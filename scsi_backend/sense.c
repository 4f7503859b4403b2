// SPDX-License-Identifier: GPL-2.0
/*
 * Sense data building (SPC-4 4.5): fixed format (70h) and descriptor
 * format (72h).  Pure code: unit-tested in user space.
 */
#include "ktgt_compat.h"
#include "ktgt_sense.h"

void ktgt_sense_set(struct ktgt_sense_err *e, u8 key, u16 asc_ascq)
{
	memset(e, 0, sizeof(*e));
	e->key = key;
	e->asc = asc_ascq >> 8;
	e->ascq = asc_ascq & 0xff;
}

static void ktgt_sense_pointer(struct ktgt_sense_err *e, bool cd, u16 byte,
			       int bit)
{
	e->sks_valid = true;
	e->sks_cd = cd;
	e->sks_field = byte;
	if (bit >= 0 && bit <= 7) {
		e->sks_bpv = true;
		e->sks_bit = bit;
	}
}

void ktgt_sense_invalid_cdb(struct ktgt_sense_err *e, u16 byte, int bit)
{
	ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST, KTGT_ASC_INVALID_FIELD_IN_CDB);
	ktgt_sense_pointer(e, true, byte, bit);
}

void ktgt_sense_invalid_param(struct ktgt_sense_err *e, u16 byte, int bit)
{
	ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
		       KTGT_ASC_INVALID_FIELD_IN_PARAM_LIST);
	ktgt_sense_pointer(e, false, byte, bit);
}

/* The three sense-key-specific bytes (field pointer format). */
static void ktgt_sense_sks(u8 *p, const struct ktgt_sense_err *e)
{
	p[0] = 0x80;				/* SKSV */
	if (e->sks_cd)
		p[0] |= 0x40;
	if (e->sks_bpv)
		p[0] |= 0x08 | (e->sks_bit & 0x07);
	put_unaligned_be16(e->sks_field, &p[1]);
}

unsigned int ktgt_sense_build(u8 *buf, unsigned int buf_len, bool desc,
			      const struct ktgt_sense_err *e)
{
	unsigned int len;

	if (buf_len < KTGT_SENSE_FIXED_LEN)
		return 0;

	if (!desc) {
		memset(buf, 0, KTGT_SENSE_FIXED_LEN);
		buf[0] = 0x70;
		buf[2] = e->key & 0x0f;
		if (e->sdat_ovfl)
			buf[2] |= 0x10;
		/* INFORMATION holds 32 bits in fixed format */
		if (e->info_valid && e->info <= 0xffffffffULL) {
			buf[0] |= 0x80;
			put_unaligned_be32((u32)e->info, &buf[3]);
		}
		buf[7] = KTGT_SENSE_FIXED_LEN - 8;
		buf[12] = e->asc;
		buf[13] = e->ascq;
		if (e->sks_valid)
			ktgt_sense_sks(&buf[15], e);
		return KTGT_SENSE_FIXED_LEN;
	}

	len = KTGT_SENSE_DESC_HDR_LEN;
	if (e->info_valid)
		len += 12;
	if (e->sks_valid)
		len += 8;
	if (buf_len < len)
		return 0;

	memset(buf, 0, len);
	buf[0] = 0x72;
	buf[1] = e->key & 0x0f;
	buf[2] = e->asc;
	buf[3] = e->ascq;
	if (e->sdat_ovfl)
		buf[4] = 0x80;
	buf[7] = len - KTGT_SENSE_DESC_HDR_LEN;
	len = KTGT_SENSE_DESC_HDR_LEN;
	if (e->info_valid) {
		buf[len] = 0x00;		/* information descriptor */
		buf[len + 1] = 0x0a;
		buf[len + 2] = 0x80;		/* VALID */
		put_unaligned_be64(e->info, &buf[len + 4]);
		len += 12;
	}
	if (e->sks_valid) {
		buf[len] = 0x02;		/* sense key specific */
		buf[len + 1] = 0x06;
		ktgt_sense_sks(&buf[len + 4], e);
		len += 8;
	}
	return len;
}
