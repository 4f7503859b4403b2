// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent reservations, the pure part: PERSISTENT RESERVE OUT parameter
 * lists, iSCSI TransportIDs and which commands a reservation lets through.
 * Unit-tested (selftests/unit/test_pr.c) and fuzzed (selftests/fuzz).
 */
#include "ktgt_compat.h"
#include "ktgt_pr.h"
#include "ktgt_cdb.h"

static int ktgt_pr_err_len(struct ktgt_sense_err *e)
{
	ktgt_sense_set(e, KTGT_SK_ILLEGAL_REQUEST,
		       KTGT_ASC_PARAM_LIST_LENGTH_ERROR);
	return -EINVAL;
}

static int ktgt_pr_err_param(struct ktgt_sense_err *e, u32 byte, int bit)
{
	ktgt_sense_invalid_param(e, byte > 0xffff ? 0xffff : byte, bit);
	return -EINVAL;
}

int ktgt_pr_out_decode(const u8 *cdb, const u8 *p, u32 len,
		       struct ktgt_pr_out *o, struct ktgt_sense_err *e)
{
	memset(o, 0, sizeof(*o));
	o->sa = cdb[1] & 0x1f;
	o->scope = cdb[2] >> 4;
	o->type = cdb[2] & 0x0f;

	if (o->sa > KTGT_PROUT_REGISTER_AND_MOVE) {
		ktgt_sense_invalid_cdb(e, 1, 4);
		return -EINVAL;
	}
	/* Every list starts with the 24-byte basic part. */
	if (len < 24)
		return ktgt_pr_err_len(e);
	o->res_key = get_unaligned_be64(&p[0]);
	o->sa_key = get_unaligned_be64(&p[8]);

	if (o->sa == KTGT_PROUT_REGISTER_AND_MOVE) {
		/* byte 16 reserved; 17: UNREG, APTPL; 18-19 RTPI; 20-23 TPDL */
		if (p[16])
			return ktgt_pr_err_param(e, 16, 7);
		if (p[17] & 0xfc)
			return ktgt_pr_err_param(e, 17, 7);
		o->unreg = p[17] & 0x02;
		o->aptpl = p[17] & 0x01;
		o->rtpi = get_unaligned_be16(&p[18]);
		o->tid_len = get_unaligned_be32(&p[20]);
		o->tid_off = 24;
		if (o->tid_len > len - 24)
			return ktgt_pr_err_len(e);
		/* exactly one TransportID, of at least 24 bytes */
		if (o->tid_len < 24)
			return ktgt_pr_err_param(e, 20, 7);
		return 0;
	}

	/* byte 20: SPEC_I_PT (3), ALL_TG_PT (2), APTPL (0); 21 reserved */
	if (p[20] & 0xf2)
		return ktgt_pr_err_param(e, 20, 7);
	if (p[21])
		return ktgt_pr_err_param(e, 21, 7);
	o->spec_i_pt = p[20] & 0x08;
	o->all_tg_pt = p[20] & 0x04;
	o->aptpl = p[20] & 0x01;

	if (o->spec_i_pt) {
		/* only REGISTER names further initiator ports */
		if (o->sa != KTGT_PROUT_REGISTER)
			return ktgt_pr_err_param(e, 20, 3);
		if (len < 28)
			return ktgt_pr_err_len(e);
		o->tid_len = get_unaligned_be32(&p[24]);
		o->tid_off = 28;
		if (o->tid_len != len - 28)
			return ktgt_pr_err_len(e);
		return 0;
	}
	if (len != 24)
		return ktgt_pr_err_len(e);
	/* ALL_TG_PT only means something to REGISTER (...IGNORE...) */
	if (o->sa != KTGT_PROUT_REGISTER && o->sa != KTGT_PROUT_REGISTER_IGNORE)
		o->all_tg_pt = false;
	return 0;
}

static bool ktgt_pr_is_hex(char c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') ||
	       (c >= 'A' && c <= 'F');
}

static u8 ktgt_pr_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return c - 'A' + 10;
}

int ktgt_pr_isid_parse(const char *s, u8 *isid)
{
	unsigned int i;

	for (i = 0; i < 12; i++)
		if (!ktgt_pr_is_hex(s[i]))
			return -EINVAL;
	if (s[12])
		return -EINVAL;
	for (i = 0; i < 6; i++)
		isid[i] = ktgt_pr_hex_val(s[2 * i]) << 4 |
			  ktgt_pr_hex_val(s[2 * i + 1]);
	return 0;
}

static char ktgt_pr_lower(char c)
{
	return c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c;
}

int ktgt_pr_tid_decode(const u8 *p, u32 avail, u32 off, struct ktgt_pr_tid *t,
		       struct ktgt_sense_err *e)
{
	u32 alen, n, i, sep = 0;
	u8 fmt;

	memset(t, 0, sizeof(*t));
	if (avail < 4)
		return ktgt_pr_err_param(e, off, 7);
	fmt = p[0] >> 6;
	if ((p[0] & 0x0f) != KTGT_PR_PROTO_ISCSI)
		return ktgt_pr_err_param(e, off, 3);
	if (fmt > 1 || (p[0] & 0x30))
		return ktgt_pr_err_param(e, off, 7);
	alen = get_unaligned_be16(&p[2]);
	/* SPC-4 7.6.4.6: at least 20 and a multiple of four */
	if (alen < 20 || alen % 4 || alen > avail - 4)
		return ktgt_pr_err_param(e, off + 2, 7);
	/* the name (and ISID) must end with a NUL inside the descriptor */
	for (n = 0; n < alen && p[4 + n]; n++)
		;
	if (n == alen || n == 0)
		return ktgt_pr_err_param(e, off + 4, 7);
	for (i = 0; i < n; i++) {
		char c = p[4 + i];

		if (c == ',' && !sep)
			sep = i;
		/* no controls, spaces or non-ASCII in an iSCSI name */
		if (c <= ' ' || c > '~')
			return ktgt_pr_err_param(e, off + 4 + i, 7);
	}
	if (fmt == 0) {
		if (sep || n >= KTGT_PR_NAME_MAX)
			return ktgt_pr_err_param(e, off + 4, 7);
	} else {
		/* "name,i,0x" + 12 hex digits */
		if (!sep || sep >= KTGT_PR_NAME_MAX || n != sep + 5 + 12 ||
		    ktgt_pr_lower(p[4 + sep + 1]) != 'i' || p[4 + sep + 2] != ',' ||
		    p[4 + sep + 3] != '0' || ktgt_pr_lower(p[4 + sep + 4]) != 'x')
			return ktgt_pr_err_param(e, off + 4, 7);
		if (ktgt_pr_isid_parse((const char *)&p[4 + sep + 5], t->isid))
			return ktgt_pr_err_param(e, off + 4 + sep + 5, 7);
		t->has_isid = true;
		n = sep;
	}
	for (i = 0; i < n; i++)
		t->name[i] = ktgt_pr_lower(p[4 + i]);
	t->name[n] = 0;
	return 4 + alen;
}

u32 ktgt_pr_tid_encode(u8 *buf, u32 size, const char *name, const u8 *isid)
{
	static const char hex[] = "0123456789abcdef";
	u32 n = strlen(name), len, i;

	len = n + 1 + (isid ? 5 + 12 : 0);
	len = (len + 3) & ~3U;
	if (len < 20)
		len = 20;
	len += 4;
	if (size < len)
		return len;
	memset(buf, 0, len);
	buf[0] = (isid ? 0x40 : 0x00) | KTGT_PR_PROTO_ISCSI;
	put_unaligned_be16(len - 4, &buf[2]);
	memcpy(&buf[4], name, n);
	if (isid) {
		memcpy(&buf[4 + n], KTGT_PR_ISID_SEP, 5);
		for (i = 0; i < 6; i++) {
			buf[4 + n + 5 + 2 * i] = hex[isid[i] >> 4];
			buf[4 + n + 5 + 2 * i + 1] = hex[isid[i] & 0xf];
		}
	}
	return len;
}

bool ktgt_pr_type_valid(u8 type)
{
	switch (type) {
	case KTGT_PR_TYPE_WE:
	case KTGT_PR_TYPE_EA:
	case KTGT_PR_TYPE_WE_RO:
	case KTGT_PR_TYPE_EA_RO:
	case KTGT_PR_TYPE_WE_AR:
	case KTGT_PR_TYPE_EA_AR:
		return true;
	}
	return false;
}

bool ktgt_pr_type_all_reg(u8 type)
{
	return type == KTGT_PR_TYPE_WE_AR || type == KTGT_PR_TYPE_EA_AR;
}

bool ktgt_pr_type_reg_only(u8 type)
{
	return type == KTGT_PR_TYPE_WE_RO || type == KTGT_PR_TYPE_EA_RO;
}

static bool ktgt_pr_type_we(u8 type)
{
	return type == KTGT_PR_TYPE_WE || type == KTGT_PR_TYPE_WE_RO ||
	       type == KTGT_PR_TYPE_WE_AR;
}

enum ktgt_pr_class {
	KTGT_PR_ALLOWED,	/* allowed through every reservation */
	KTGT_PR_READ,		/* allowed through Write Exclusive types */
	KTGT_PR_WRITE,		/* only holders (and registrants of RO/AR) */
};

/* SPC-4 table 60 ("allowed in the presence of various reservations") and
 * SBC-3 table 13; anything not listed is treated as a write. */
static enum ktgt_pr_class ktgt_pr_class(const u8 *cdb)
{
	switch (cdb[0]) {
	case KTGT_OP_INQUIRY:
	case KTGT_OP_REPORT_LUNS:
	case KTGT_OP_REQUEST_SENSE:
	case KTGT_OP_TEST_UNIT_READY:
	case KTGT_OP_READ_CAPACITY_10:
	case KTGT_OP_PR_IN:
	case KTGT_OP_PR_OUT:
	case 0x4d:				/* LOG SENSE */
	case 0xab:				/* READ MEDIA SERIAL NUMBER */
		return KTGT_PR_ALLOWED;
	case KTGT_OP_MAINTENANCE_IN:
		/* REPORT TPGS / OPCODES / TMFS, ... all of SPC's are allowed */
		return KTGT_PR_ALLOWED;
	case KTGT_OP_SERVICE_ACTION_IN_16:
		if ((cdb[1] & 0x1f) == KTGT_SAI_READ_CAPACITY_16)
			return KTGT_PR_ALLOWED;
		return KTGT_PR_READ;		/* GET LBA STATUS */
	case KTGT_OP_PREVENT_ALLOW:
		/* PREVENT=0 allowed; PREVENT=1 as a write */
		return cdb[4] & 0x03 ? KTGT_PR_WRITE : KTGT_PR_ALLOWED;
	case KTGT_OP_START_STOP_UNIT:
		/* START=1 with POWER CONDITION 0 allowed, others conflict */
		if ((cdb[4] & 0x01) && !(cdb[4] & 0xf0))
			return KTGT_PR_ALLOWED;
		return KTGT_PR_WRITE;
	case KTGT_OP_READ_6:
	case KTGT_OP_READ_10:
	case KTGT_OP_READ_12:
	case KTGT_OP_READ_16:
	case KTGT_OP_VERIFY_10:
	case KTGT_OP_VERIFY_12:
	case KTGT_OP_VERIFY_16:
	case KTGT_OP_PRE_FETCH_10:
	case KTGT_OP_PRE_FETCH_16:
	case KTGT_OP_MODE_SENSE_6:
	case KTGT_OP_MODE_SENSE_10:
	case KTGT_OP_READ_BUFFER:
	case KTGT_OP_READ_DEFECT_DATA_10:
	case KTGT_OP_READ_DEFECT_DATA_12:
	case 0x1c:				/* RECEIVE DIAGNOSTIC RESULTS */
	case 0x8c:				/* READ ATTRIBUTE */
		return KTGT_PR_READ;
	}
	return KTGT_PR_WRITE;
}

bool ktgt_pr_conflicts(const u8 *cdb, u8 type, bool holder, bool registered)
{
	enum ktgt_pr_class cls;

	if (type == KTGT_PR_TYPE_NONE || holder)
		return false;
	cls = ktgt_pr_class(cdb);
	if (cls == KTGT_PR_ALLOWED)
		return false;
	/* registrants pass through the Registrants Only / All Registrants types */
	if (registered && (ktgt_pr_type_reg_only(type) ||
			   ktgt_pr_type_all_reg(type)))
		return false;
	if (cls == KTGT_PR_READ && ktgt_pr_type_we(type))
		return false;
	return true;
}
