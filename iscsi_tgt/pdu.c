// SPDX-License-Identifier: GPL-2.0
/*
 * iSCSI PDU codec helpers (RFC 7143 11): data segment / AHS lengths, the
 * SAM LUN field, and a sanity check of the Basic Header Segment of PDUs an
 * initiator sends.  Pure: compiles in the kernel and in user space.
 */
#include "ktgt_compat.h"
#include "ktgt_proto.h"

u32 ktgt_bhs_dlength(const struct ktgt_bhs *bhs)
{
	return get_unaligned_be24(bhs->dlength);
}

void ktgt_bhs_set_dlength(struct ktgt_bhs *bhs, u32 len)
{
	put_unaligned_be24(len & KTGT_MAX_DLENGTH, bhs->dlength);
}

u32 ktgt_bhs_ahslength(const struct ktgt_bhs *bhs)
{
	return (u32)bhs->hlength * 4;
}

/* SAM-5 4.7: address method in the two top bits of byte 0 */
#define KTGT_LUN_AM_MASK	0xc0
#define KTGT_LUN_AM_PERIPHERAL	0x00
#define KTGT_LUN_AM_FLAT	0x40
#define KTGT_LUN_EXT_FLAT	0xd2	/* extended flat space, 3-byte LUN */

static bool ktgt_lun_zero_from(const u8 lun[8], int from)
{
	int i;

	for (i = from; i < 8; i++)
		if (lun[i])
			return false;
	return true;
}

/**
 * ktgt_lun_from_wire() - decode the 8-byte LUN field of a PDU
 * @lun: the field as received
 *
 * Single level LUNs only: peripheral device addressing with bus 0, flat
 * space addressing and extended flat space addressing.  Anything else
 * (hierarchical LUNs, logical unit addressing, well-known LUNs, a non-zero
 * bus number) is reported as %KTGT_LUN_INVALID, which never matches a
 * configured LUN.
 *
 * Return: the LUN number or %KTGT_LUN_INVALID.
 */
u64 ktgt_lun_from_wire(const u8 lun[8])
{
	switch (lun[0] & KTGT_LUN_AM_MASK) {
	case KTGT_LUN_AM_PERIPHERAL:
		if (lun[0] || !ktgt_lun_zero_from(lun, 2))
			return KTGT_LUN_INVALID;
		return lun[1];
	case KTGT_LUN_AM_FLAT:
		if (!ktgt_lun_zero_from(lun, 2))
			return KTGT_LUN_INVALID;
		return (u64)(lun[0] & 0x3f) << 8 | lun[1];
	default:
		if (lun[0] != KTGT_LUN_EXT_FLAT || !ktgt_lun_zero_from(lun, 4))
			return KTGT_LUN_INVALID;
		return get_unaligned_be24(&lun[1]);
	}
}

/**
 * ktgt_lun_to_wire() - encode a LUN number into the 8-byte LUN field
 * @lun: LUN number, below %KTGT_LUN_MAX_WIRE
 * @out: the field to fill
 *
 * Uses peripheral device addressing below 256, as most targets do (and as
 * initiators print it), flat space addressing below 16384 and extended flat
 * space addressing above.  A LUN that cannot be represented is encoded as
 * all ones, which no initiator maps to a real LUN.
 */
void ktgt_lun_to_wire(u64 lun, u8 out[8])
{
	memset(out, 0, 8);
	if (lun < 256) {
		out[1] = (u8)lun;
	} else if (lun < 16384) {
		out[0] = KTGT_LUN_AM_FLAT | (u8)(lun >> 8);
		out[1] = (u8)lun;
	} else if (lun < KTGT_LUN_MAX_WIRE) {
		out[0] = KTGT_LUN_EXT_FLAT;
		put_unaligned_be24((u32)lun, &out[1]);
	} else {
		memset(out, 0xff, 8);
	}
}

static bool ktgt_login_stage_valid(u8 stage)
{
	return stage == KTGT_STAGE_SECURITY || stage == KTGT_STAGE_OPERATIONAL ||
	       stage == KTGT_STAGE_FULL_FEATURE;
}

static int ktgt_check_scsi_cmd(const struct ktgt_bhs *bhs)
{
	const struct ktgt_scsi_cmd_hdr *hdr = (const void *)bhs;
	u8 attr = hdr->flags & KTGT_FLAG_CMD_ATTR_MASK;

	if (be32_to_cpu(hdr->itt) == KTGT_RSVD_TAG)
		return KTGT_REJECT_INVALID_PDU_FIELD;
	/* SAM task attributes 5..7 are reserved code values */
	if (attr > KTGT_TASK_ATTR_ACA)
		return KTGT_REJECT_INVALID_PDU_FIELD;
	/* unsolicited data, immediate or not, only comes with a write */
	if (!(hdr->flags & KTGT_FLAG_CMD_WRITE) &&
	    (!(hdr->flags & KTGT_FLAG_FINAL) || ktgt_bhs_dlength(bhs)))
		return KTGT_REJECT_PROTOCOL_ERROR;
	return 0;
}

/**
 * ktgt_bhs_check_initiator() - sanity check a BHS received from an initiator
 * @bhs: the 48-byte header
 *
 * Checks what can be checked without connection or session state: the
 * opcode, constant bits and reserved code values in defined fields.  As
 * RFC 7143 11.2 requires, reserved fields themselves are ignored.  Length
 * limits depending on negotiated values (MaxRecvDataSegmentLength) are left
 * to the caller.  During login the caller answers a non-zero result with a
 * Login Response "initiator error" instead of a Reject PDU.
 *
 * Return: 0 if the header is acceptable, else a KTGT_REJECT_* reason.
 */
int ktgt_bhs_check_initiator(const struct ktgt_bhs *bhs)
{
	u8 op = ktgt_bhs_opcode(bhs);
	u8 flags = bhs->flags;
	u32 itt = be32_to_cpu(bhs->itt);

	/* Only the SCSI Command carries AHS (extended CDB, bidi length) */
	if (bhs->hlength && op != KTGT_OP_SCSI_CMD)
		return KTGT_REJECT_PROTOCOL_ERROR;

	switch (op) {
	case KTGT_OP_NOOP_OUT:
		if (!(flags & KTGT_FLAG_FINAL))
			return KTGT_REJECT_PROTOCOL_ERROR;
		/* a NOP-Out that wants no answer must be immediate */
		if (itt == KTGT_RSVD_TAG && !(bhs->opcode & KTGT_OP_IMMEDIATE))
			return KTGT_REJECT_PROTOCOL_ERROR;
		return 0;
	case KTGT_OP_SCSI_CMD:
		return ktgt_check_scsi_cmd(bhs);
	case KTGT_OP_TMF_REQ:
		/* unknown functions get a TMF response "rejected", not here */
		if (!(flags & KTGT_FLAG_FINAL))
			return KTGT_REJECT_PROTOCOL_ERROR;
		if (itt == KTGT_RSVD_TAG)
			return KTGT_REJECT_INVALID_PDU_FIELD;
		return 0;
	case KTGT_OP_LOGIN_REQ: {
		u8 csg = (flags & KTGT_LOGIN_CSG_MASK) >> KTGT_LOGIN_CSG_SHIFT;
		u8 nsg = flags & KTGT_LOGIN_NSG_MASK;

		if ((flags & KTGT_FLAG_LOGIN_TRANSIT) &&
		    (flags & KTGT_FLAG_LOGIN_CONTINUE))
			return KTGT_REJECT_PROTOCOL_ERROR;
		if (csg == KTGT_STAGE_FULL_FEATURE || !ktgt_login_stage_valid(csg))
			return KTGT_REJECT_INVALID_PDU_FIELD;
		if ((flags & KTGT_FLAG_LOGIN_TRANSIT) &&
		    (!ktgt_login_stage_valid(nsg) || nsg <= csg))
			return KTGT_REJECT_INVALID_PDU_FIELD;
		if (itt == KTGT_RSVD_TAG)
			return KTGT_REJECT_INVALID_PDU_FIELD;
		return 0;
	}
	case KTGT_OP_TEXT_REQ:
		if ((flags & KTGT_FLAG_FINAL) && (flags & KTGT_FLAG_TEXT_CONTINUE))
			return KTGT_REJECT_PROTOCOL_ERROR;
		if (itt == KTGT_RSVD_TAG)
			return KTGT_REJECT_INVALID_PDU_FIELD;
		return 0;
	case KTGT_OP_DATA_OUT:
		if (itt == KTGT_RSVD_TAG)
			return KTGT_REJECT_INVALID_PDU_FIELD;
		return 0;
	case KTGT_OP_LOGOUT_REQ:
		if (!(flags & KTGT_FLAG_FINAL))
			return KTGT_REJECT_PROTOCOL_ERROR;
		if ((flags & ~KTGT_FLAG_FINAL) > KTGT_LOGOUT_REMOVE_FOR_RECOVERY)
			return KTGT_REJECT_INVALID_PDU_FIELD;
		if (itt == KTGT_RSVD_TAG)
			return KTGT_REJECT_INVALID_PDU_FIELD;
		return 0;
	case KTGT_OP_SNACK:
		if (!(flags & KTGT_FLAG_FINAL))
			return KTGT_REJECT_PROTOCOL_ERROR;
		if ((flags & KTGT_SNACK_TYPE_MASK) > KTGT_SNACK_RDATA)
			return KTGT_REJECT_INVALID_PDU_FIELD;
		return 0;
	default:
		/* target opcodes, vendor specific 0x1c-0x1e, reserved */
		return KTGT_REJECT_CMD_NOT_SUPPORTED;
	}
}
