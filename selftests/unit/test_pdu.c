// SPDX-License-Identifier: GPL-2.0
/* Unit tests of iscsi_tgt/pdu.c: lengths, LUN codec, initiator BHS checks. */
#include "ktgt_compat.h"
#include "ktgt_proto.h"
#include "ktgt_unit.h"

static void test_lengths(void)
{
	struct ktgt_bhs bhs;

	memset(&bhs, 0, sizeof(bhs));
	ktgt_bhs_set_dlength(&bhs, 0x123456);
	KTGT_CHECK(bhs.dlength[0] == 0x12 && bhs.dlength[1] == 0x34 &&
		   bhs.dlength[2] == 0x56, "dlength stored big endian");
	KTGT_CHECK(ktgt_bhs_dlength(&bhs) == 0x123456, "dlength read back");
	ktgt_bhs_set_dlength(&bhs, 0xffffff);
	KTGT_CHECK(ktgt_bhs_dlength(&bhs) == KTGT_MAX_DLENGTH, "dlength max");
	ktgt_bhs_set_dlength(&bhs, 0x1000001);
	KTGT_CHECK(ktgt_bhs_dlength(&bhs) == 1 && bhs.hlength == 0 &&
		   bhs.flags == 0, "dlength masked to 24 bits, no overflow");
	ktgt_bhs_set_dlength(&bhs, 0);
	KTGT_CHECK(ktgt_bhs_dlength(&bhs) == 0, "dlength zero");
	bhs.hlength = 5;
	KTGT_CHECK(ktgt_bhs_ahslength(&bhs) == 20, "AHS length in words");
	bhs.hlength = 255;
	KTGT_CHECK(ktgt_bhs_ahslength(&bhs) == 1020, "AHS length max");
	KTGT_CHECK(ktgt_pad4(0) == 0 && ktgt_pad4(1) == 3 && ktgt_pad4(2) == 2 &&
		   ktgt_pad4(3) == 1 && ktgt_pad4(4) == 0, "pad4");
	bhs.opcode = KTGT_OP_IMMEDIATE | KTGT_OP_LOGIN_REQ | 0x80;
	KTGT_CHECK(ktgt_bhs_opcode(&bhs) == KTGT_OP_LOGIN_REQ, "opcode mask");
}

static bool lun_is(const u8 *l, const u8 *want)
{
	return !memcmp(l, want, 8);
}

static void test_lun(void)
{
	static const u8 l0[8] = { 0 };
	static const u8 l5[8] = { 0x00, 0x05 };
	static const u8 l255[8] = { 0x00, 0xff };
	static const u8 l256[8] = { 0x41, 0x00 };
	static const u8 l16383[8] = { 0x7f, 0xff };
	static const u8 l16384[8] = { 0xd2, 0x00, 0x40, 0x00 };
	u8 l[8];
	u64 i;
	bool ok;

	ktgt_lun_to_wire(0, l);
	KTGT_CHECK(lun_is(l, l0), "LUN 0 encodes as zeros");
	ktgt_lun_to_wire(5, l);
	KTGT_CHECK(lun_is(l, l5), "LUN 5: peripheral addressing");
	ktgt_lun_to_wire(255, l);
	KTGT_CHECK(lun_is(l, l255), "LUN 255: peripheral addressing");
	ktgt_lun_to_wire(256, l);
	KTGT_CHECK(lun_is(l, l256), "LUN 256: flat space addressing");
	ktgt_lun_to_wire(16383, l);
	KTGT_CHECK(lun_is(l, l16383), "LUN 16383: flat space addressing");
	ktgt_lun_to_wire(16384, l);
	KTGT_CHECK(lun_is(l, l16384), "LUN 16384: extended flat space");
	ktgt_lun_to_wire(KTGT_LUN_MAX_WIRE, l);
	KTGT_CHECK(ktgt_lun_from_wire(l) == KTGT_LUN_INVALID,
		   "unrepresentable LUN encodes as invalid");

	ok = true;
	for (i = 0; i < 70000; i++) {
		ktgt_lun_to_wire(i, l);
		if (ktgt_lun_from_wire(l) != i)
			ok = false;
	}
	ktgt_lun_to_wire(KTGT_LUN_MAX_WIRE - 1, l);
	if (ktgt_lun_from_wire(l) != KTGT_LUN_MAX_WIRE - 1)
		ok = false;
	KTGT_CHECK(ok, "LUN round trip 0..69999 and 2^24-1");

	{
		u8 f5[8] = { 0x40, 0x05 };
		u8 bus[8] = { 0x01, 0x05 };
		u8 lvl2[8] = { 0x00, 0x05, 0x00, 0x01 };
		u8 tail[8] = { 0x00, 0x05, 0, 0, 0, 0, 0, 1 };
		u8 lu[8] = { 0x80, 0x05 };
		u8 wk[8] = { 0xc1, 0x01 };
		u8 ext_tail[8] = { 0xd2, 0x00, 0x40, 0x00, 0x01 };
		u8 flat2[8] = { 0x40, 0x05, 0x40, 0x01 };

		KTGT_CHECK(ktgt_lun_from_wire(f5) == 5,
			   "flat space LUN 5 accepted");
		KTGT_CHECK(ktgt_lun_from_wire(bus) == KTGT_LUN_INVALID,
			   "peripheral with bus 1 rejected");
		KTGT_CHECK(ktgt_lun_from_wire(lvl2) == KTGT_LUN_INVALID,
			   "second level LUN rejected");
		KTGT_CHECK(ktgt_lun_from_wire(tail) == KTGT_LUN_INVALID,
			   "non-zero trailing byte rejected");
		KTGT_CHECK(ktgt_lun_from_wire(lu) == KTGT_LUN_INVALID,
			   "logical unit addressing rejected");
		KTGT_CHECK(ktgt_lun_from_wire(wk) == KTGT_LUN_INVALID,
			   "well-known LUN rejected");
		KTGT_CHECK(ktgt_lun_from_wire(ext_tail) == KTGT_LUN_INVALID,
			   "extended flat with trailing byte rejected");
		KTGT_CHECK(ktgt_lun_from_wire(flat2) == KTGT_LUN_INVALID,
			   "two-level flat LUN rejected");
	}
}

static void test_sn(void)
{
	KTGT_CHECK(ktgt_sn_lt(1, 2) && !ktgt_sn_lt(2, 1) && !ktgt_sn_lt(2, 2),
		   "sn_lt simple");
	KTGT_CHECK(ktgt_sn_lt(0xfffffff0U, 5) && !ktgt_sn_lt(5, 0xfffffff0U),
		   "sn_lt wraps");
	KTGT_CHECK(ktgt_sn_lte(7, 7) && ktgt_sn_lte(0xffffffffU, 0),
		   "sn_lte");
}

static struct ktgt_bhs mk(u8 op, u8 flags, u32 itt)
{
	struct ktgt_bhs b;

	memset(&b, 0, sizeof(b));
	b.opcode = op;
	b.flags = flags;
	b.itt = cpu_to_be32(itt);
	return b;
}

static int chk(u8 op, u8 flags, u32 itt)
{
	struct ktgt_bhs b = mk(op, flags, itt);

	return ktgt_bhs_check_initiator(&b);
}

#define F KTGT_FLAG_FINAL
#define I KTGT_OP_IMMEDIATE

static void test_check_valid(void)
{
	struct ktgt_bhs b;

	KTGT_CHECK(chk(I | KTGT_OP_NOOP_OUT, F, 1) == 0, "NOP-Out ping");
	KTGT_CHECK(chk(I | KTGT_OP_NOOP_OUT, F, KTGT_RSVD_TAG) == 0,
		   "immediate NOP-Out answering a NOP-In");
	KTGT_CHECK(chk(KTGT_OP_SCSI_CMD, F | KTGT_FLAG_CMD_READ |
		       KTGT_TASK_ATTR_SIMPLE, 1) == 0, "SCSI read");
	b = mk(KTGT_OP_SCSI_CMD, KTGT_FLAG_CMD_WRITE | KTGT_TASK_ATTR_ACA, 1);
	ktgt_bhs_set_dlength(&b, 512);
	KTGT_CHECK(ktgt_bhs_check_initiator(&b) == 0,
		   "SCSI write with immediate data, F=0, ACA");
	b = mk(KTGT_OP_SCSI_CMD, F | KTGT_FLAG_CMD_READ, 1);
	b.hlength = 1;
	KTGT_CHECK(ktgt_bhs_check_initiator(&b) == 0, "SCSI command with AHS");
	KTGT_CHECK(chk(I | KTGT_OP_TMF_REQ, F | KTGT_TMF_LUN_RESET, 1) == 0,
		   "TMF LUN reset");
	KTGT_CHECK(chk(I | KTGT_OP_TMF_REQ, F | 0x7f, 1) == 0,
		   "TMF unknown function left to the TMF response");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, KTGT_FLAG_LOGIN_TRANSIT |
		       KTGT_STAGE_OPERATIONAL, 0) == 0,
		   "login security -> operational");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, KTGT_FLAG_LOGIN_TRANSIT |
		       KTGT_STAGE_OPERATIONAL << KTGT_LOGIN_CSG_SHIFT |
		       KTGT_STAGE_FULL_FEATURE, 0) == 0,
		   "login operational -> full feature");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, KTGT_FLAG_LOGIN_CONTINUE, 0) == 0,
		   "login continue");
	KTGT_CHECK(chk(KTGT_OP_TEXT_REQ, F, 9) == 0, "text request");
	KTGT_CHECK(chk(KTGT_OP_TEXT_REQ, KTGT_FLAG_TEXT_CONTINUE, 9) == 0,
		   "text request continue");
	KTGT_CHECK(chk(KTGT_OP_DATA_OUT, F, 3) == 0, "Data-Out");
	KTGT_CHECK(chk(KTGT_OP_DATA_OUT, 0, 3) == 0, "Data-Out not final");
	KTGT_CHECK(chk(I | KTGT_OP_LOGOUT_REQ, F | KTGT_LOGOUT_CLOSE_SESSION,
		       4) == 0, "logout close session");
	KTGT_CHECK(chk(I | KTGT_OP_LOGOUT_REQ, F |
		       KTGT_LOGOUT_REMOVE_FOR_RECOVERY, 4) == 0,
		   "logout remove for recovery");
	KTGT_CHECK(chk(KTGT_OP_SNACK, F | KTGT_SNACK_STATUS, KTGT_RSVD_TAG) == 0,
		   "status SNACK");
	KTGT_CHECK(chk(KTGT_OP_SNACK, F | 0x70 | KTGT_SNACK_RDATA, 1) == 0,
		   "R-Data SNACK, reserved bits ignored");
	/* reserved fields are ignored (RFC 7143 11.2) */
	b = mk(KTGT_OP_NOOP_OUT, F, 1);
	b.rsvd2[0] = 0xff;
	b.rest[11] = 0xff;
	KTGT_CHECK(ktgt_bhs_check_initiator(&b) == 0,
		   "reserved fields ignored");
}

static void test_check_invalid(void)
{
	static const u8 bad_ops[] = {
		0x07, 0x08, 0x0f, 0x11, 0x1c, 0x1d, 0x1e, 0x1f,
		KTGT_OP_NOOP_IN, KTGT_OP_SCSI_RSP, KTGT_OP_LOGIN_RSP,
		KTGT_OP_R2T, KTGT_OP_REJECT, 0x3e,
	};
	struct ktgt_bhs b;
	unsigned int i;
	bool ok = true;

	for (i = 0; i < ARRAY_SIZE(bad_ops); i++)
		if (chk(bad_ops[i], F, 1) != KTGT_REJECT_CMD_NOT_SUPPORTED ||
		    chk(I | bad_ops[i], F, 1) != KTGT_REJECT_CMD_NOT_SUPPORTED)
			ok = false;
	KTGT_CHECK(ok, "unknown and target opcodes: command not supported");

	KTGT_CHECK(chk(I | KTGT_OP_NOOP_OUT, 0, 1) ==
		   KTGT_REJECT_PROTOCOL_ERROR, "NOP-Out without F");
	KTGT_CHECK(chk(KTGT_OP_NOOP_OUT, F, KTGT_RSVD_TAG) ==
		   KTGT_REJECT_PROTOCOL_ERROR,
		   "NOP-Out with reserved ITT not immediate");
	b = mk(KTGT_OP_NOOP_OUT, F, 1);
	b.hlength = 1;
	KTGT_CHECK(ktgt_bhs_check_initiator(&b) == KTGT_REJECT_PROTOCOL_ERROR,
		   "AHS on a NOP-Out");
	KTGT_CHECK(chk(KTGT_OP_SCSI_CMD, F | KTGT_FLAG_CMD_READ | 5, 1) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "task attribute 5");
	KTGT_CHECK(chk(KTGT_OP_SCSI_CMD, F | 7, 1) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "task attribute 7");
	KTGT_CHECK(chk(KTGT_OP_SCSI_CMD, F, KTGT_RSVD_TAG) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "SCSI command reserved ITT");
	KTGT_CHECK(chk(KTGT_OP_SCSI_CMD, KTGT_FLAG_CMD_READ, 1) ==
		   KTGT_REJECT_PROTOCOL_ERROR,
		   "unsolicited Data-Out announced for a read");
	b = mk(KTGT_OP_SCSI_CMD, F | KTGT_FLAG_CMD_READ, 1);
	ktgt_bhs_set_dlength(&b, 4);
	KTGT_CHECK(ktgt_bhs_check_initiator(&b) == KTGT_REJECT_PROTOCOL_ERROR,
		   "immediate data with a read");
	KTGT_CHECK(chk(I | KTGT_OP_TMF_REQ, KTGT_TMF_ABORT_TASK, 1) ==
		   KTGT_REJECT_PROTOCOL_ERROR, "TMF without F");
	KTGT_CHECK(chk(I | KTGT_OP_TMF_REQ, F | 1, KTGT_RSVD_TAG) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "TMF reserved ITT");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, KTGT_FLAG_LOGIN_TRANSIT |
		       KTGT_FLAG_LOGIN_CONTINUE | 1, 0) ==
		   KTGT_REJECT_PROTOCOL_ERROR, "login with T and C");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, 2 << KTGT_LOGIN_CSG_SHIFT, 0) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "login CSG 2");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, 3 << KTGT_LOGIN_CSG_SHIFT, 0) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "login CSG full feature");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, KTGT_FLAG_LOGIN_TRANSIT | 2, 0) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "login NSG 2");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, KTGT_FLAG_LOGIN_TRANSIT |
		       1 << KTGT_LOGIN_CSG_SHIFT | 1, 0) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "login transit to same stage");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, KTGT_FLAG_LOGIN_TRANSIT |
		       1 << KTGT_LOGIN_CSG_SHIFT, 0) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "login transit backwards");
	KTGT_CHECK(chk(I | KTGT_OP_LOGIN_REQ, 0, KTGT_RSVD_TAG) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "login reserved ITT");
	KTGT_CHECK(chk(KTGT_OP_TEXT_REQ, F | KTGT_FLAG_TEXT_CONTINUE, 1) ==
		   KTGT_REJECT_PROTOCOL_ERROR, "text with F and C");
	KTGT_CHECK(chk(KTGT_OP_TEXT_REQ, F, KTGT_RSVD_TAG) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "text reserved ITT");
	KTGT_CHECK(chk(KTGT_OP_DATA_OUT, F, KTGT_RSVD_TAG) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "Data-Out reserved ITT");
	KTGT_CHECK(chk(I | KTGT_OP_LOGOUT_REQ, 0, 1) ==
		   KTGT_REJECT_PROTOCOL_ERROR, "logout without F");
	KTGT_CHECK(chk(I | KTGT_OP_LOGOUT_REQ, F | 3, 1) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "logout reason 3");
	KTGT_CHECK(chk(I | KTGT_OP_LOGOUT_REQ, F, KTGT_RSVD_TAG) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "logout reserved ITT");
	KTGT_CHECK(chk(KTGT_OP_SNACK, KTGT_SNACK_STATUS, 1) ==
		   KTGT_REJECT_PROTOCOL_ERROR, "SNACK without F");
	KTGT_CHECK(chk(KTGT_OP_SNACK, F | 4, 1) ==
		   KTGT_REJECT_INVALID_PDU_FIELD, "SNACK type 4");
}

int main(void)
{
	test_lengths();
	test_lun();
	test_sn();
	test_check_valid();
	test_check_invalid();
	return ktgt_unit_done();
}
