// SPDX-License-Identifier: GPL-2.0
/*
 * CDB field decoding (SPC-4 / SBC-3).  Pure code: unit-tested in user space.
 */
#include "ktgt_compat.h"
#include "ktgt_cdb.h"

unsigned int ktgt_cdb_len(u8 opcode)
{
	switch (opcode >> 5) {
	case 0:
		return 6;
	case 1:
	case 2:
		return 10;
	case 4:
		return 16;
	case 5:
		return 12;
	default:
		return 0;	/* 3: reserved/variable length, 6-7: vendor */
	}
}

/* LBA field offset/size and transfer length offset/size of each command. */
struct ktgt_cdb_rw_layout {
	u8 opcode;
	u8 lba_off, lba_size;
	u8 len_off, len_size;
	u8 flags;
};

#define KTGT_RW_FUA	0x01	/* byte 1 bit 3 is FUA */
#define KTGT_RW_DPO	0x02	/* byte 1 bit 4 is DPO */
#define KTGT_RW_PROT	0x04	/* byte 1 bits 7..5 are xxPROTECT */

static const struct ktgt_cdb_rw_layout ktgt_rw_layouts[] = {
	{ KTGT_OP_READ_10,		2, 4, 7, 2, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_WRITE_10,		2, 4, 7, 2, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_WRITE_VERIFY_10,	2, 4, 7, 2, KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_VERIFY_10,		2, 4, 7, 2, KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_PRE_FETCH_10,		2, 4, 7, 2, 0 },
	{ KTGT_OP_SYNC_CACHE_10,	2, 4, 7, 2, 0 },
	{ KTGT_OP_WRITE_SAME_10,	2, 4, 7, 2, KTGT_RW_PROT },
	{ KTGT_OP_READ_12,		2, 4, 6, 4, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_WRITE_12,		2, 4, 6, 4, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_WRITE_VERIFY_12,	2, 4, 6, 4, KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_VERIFY_12,		2, 4, 6, 4, KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_READ_16,		2, 8, 10, 4, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_WRITE_16,		2, 8, 10, 4, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_ORWRITE_16,		2, 8, 10, 4, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_COMPARE_AND_WRITE,	2, 8, 13, 1, KTGT_RW_FUA | KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_WRITE_VERIFY_16,	2, 8, 10, 4, KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_VERIFY_16,		2, 8, 10, 4, KTGT_RW_DPO | KTGT_RW_PROT },
	{ KTGT_OP_PRE_FETCH_16,		2, 8, 10, 4, 0 },
	{ KTGT_OP_SYNC_CACHE_16,	2, 8, 10, 4, 0 },
	{ KTGT_OP_WRITE_SAME_16,	2, 8, 10, 4, KTGT_RW_PROT },
};

static u64 ktgt_cdb_get(const u8 *p, unsigned int size)
{
	switch (size) {
	case 1:
		return p[0];
	case 2:
		return get_unaligned_be16(p);
	case 4:
		return get_unaligned_be32(p);
	default:
		return get_unaligned_be64(p);
	}
}

int ktgt_cdb_decode_rw(const u8 *cdb, struct ktgt_cdb_rw *rw)
{
	const struct ktgt_cdb_rw_layout *l = NULL;
	unsigned int i;

	memset(rw, 0, sizeof(*rw));

	if (cdb[0] == KTGT_OP_READ_6 || cdb[0] == KTGT_OP_WRITE_6) {
		rw->lba = get_unaligned_be24(&cdb[1]) & 0x1fffff;
		rw->nr_blocks = cdb[4] ? cdb[4] : 256;
		return 0;
	}

	for (i = 0; i < ARRAY_SIZE(ktgt_rw_layouts); i++) {
		if (ktgt_rw_layouts[i].opcode == cdb[0]) {
			l = &ktgt_rw_layouts[i];
			break;
		}
	}
	if (!l)
		return -EINVAL;

	rw->lba = ktgt_cdb_get(&cdb[l->lba_off], l->lba_size);
	rw->nr_blocks = (u32)ktgt_cdb_get(&cdb[l->len_off], l->len_size);
	if (l->flags & KTGT_RW_FUA)
		rw->fua = cdb[1] & 0x08;
	if (l->flags & KTGT_RW_DPO)
		rw->dpo = cdb[1] & 0x10;
	if (l->flags & KTGT_RW_PROT) {
		rw->has_protect = true;
		rw->protect = cdb[1] >> 5;
	}
	return 0;
}

int ktgt_cdb_check_range(u64 lba, u64 nr, u64 capacity,
			 struct ktgt_sense_err *e)
{
	if (lba > capacity || nr > capacity - lba) {
		ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
			       KTGT_ASC_LBA_OUT_OF_RANGE);
		return -ERANGE;
	}
	return 0;
}

int ktgt_cdb_check_usage(const u8 *cdb, const u8 *usage, unsigned int len,
			 struct ktgt_sense_err *e)
{
	unsigned int i;
	int bit;
	u8 bad;

	for (i = 1; i < len; i++) {
		bad = cdb[i] & ~usage[i];
		if (i == len - 1)
			bad &= 0x3f;	/* vendor specific bits of CONTROL */
		if (!bad)
			continue;
		for (bit = 7; bit >= 0; bit--)
			if (bad & (1u << bit))
				break;
		ktgt_sense_invalid_cdb(e, i, bit);
		return -EINVAL;
	}
	return 0;
}

int ktgt_cdb_unmap_check(const u8 *p, u32 len, u64 capacity, u32 max_descs,
			 u32 max_lbas, u32 *nr_descs, struct ktgt_sense_err *e)
{
	u32 bdl, n, i;

	*nr_descs = 0;
	if (len < 8) {
		ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
			       KTGT_ASC_PARAM_LIST_LENGTH_ERROR);
		return -EINVAL;
	}
	bdl = get_unaligned_be16(&p[2]);
	if (bdl > len - 8) {
		ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
			       KTGT_ASC_PARAM_LIST_LENGTH_ERROR);
		return -EINVAL;
	}
	n = bdl / 16;		/* a trailing partial descriptor is ignored */
	if (n > max_descs) {
		ktgt_sense_invalid_param(e, 2, 7);
		return -EINVAL;
	}
	for (i = 0; i < n; i++) {
		const u8 *d = &p[8 + 16 * i];
		u64 lba = get_unaligned_be64(d);
		u32 cnt = get_unaligned_be32(d + 8);

		if (cnt > max_lbas) {
			ktgt_sense_invalid_param(e, 8 + 16 * i + 8, 7);
			return -EINVAL;
		}
		if (ktgt_cdb_check_range(lba, cnt, capacity, e))
			return -EINVAL;
	}
	*nr_descs = n;
	return 0;
}

void ktgt_cdb_encode_lun(u64 lun, u8 *out)
{
	unsigned int i;

	memset(out, 0, 8);
	if (lun < 256) {
		out[1] = lun;			/* peripheral device addressing */
	} else if (lun < 0x4000) {
		out[0] = 0x40 | (lun >> 8);	/* flat space addressing */
		out[1] = lun & 0xff;
	} else {
		/* Linux int_to_scsilun() layout: 2-byte levels, low first */
		for (i = 0; i < 8; i += 2) {
			out[i] = (lun >> 8) & 0xff;
			out[i + 1] = lun & 0xff;
			lun >>= 16;
		}
	}
}
