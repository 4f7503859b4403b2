/* SPDX-License-Identifier: GPL-2.0 */
/*
 * iSCSI wire format (RFC 7143): opcodes, flags and the 48-byte Basic Header
 * Segment of every PDU the target receives or sends.  Pure: no kernel I/O.
 */
#ifndef KTGT_PROTO_H
#define KTGT_PROTO_H

#include "ktgt_compat.h"

#define KTGT_BHS_LEN		48
#define KTGT_DIGEST_LEN		4
#define KTGT_RSVD_TAG		0xffffffffU
#define KTGT_ISCSI_PORT		3260
#define KTGT_NAME_MAX		224	/* RFC 7143 6.1: 223 bytes + NUL */
#define KTGT_MAX_DLENGTH	0xffffffU	/* DataSegmentLength is 24 bits */

/* Initiator opcodes */
#define KTGT_OP_NOOP_OUT	0x00
#define KTGT_OP_SCSI_CMD	0x01
#define KTGT_OP_TMF_REQ		0x02
#define KTGT_OP_LOGIN_REQ	0x03
#define KTGT_OP_TEXT_REQ	0x04
#define KTGT_OP_DATA_OUT	0x05
#define KTGT_OP_LOGOUT_REQ	0x06
#define KTGT_OP_SNACK		0x10
/* Target opcodes */
#define KTGT_OP_NOOP_IN		0x20
#define KTGT_OP_SCSI_RSP	0x21
#define KTGT_OP_TMF_RSP		0x22
#define KTGT_OP_LOGIN_RSP	0x23
#define KTGT_OP_TEXT_RSP	0x24
#define KTGT_OP_DATA_IN		0x25
#define KTGT_OP_LOGOUT_RSP	0x26
#define KTGT_OP_R2T		0x31
#define KTGT_OP_ASYNC_MSG	0x32
#define KTGT_OP_REJECT		0x3f

#define KTGT_OPCODE_MASK	0x3f
#define KTGT_OP_IMMEDIATE	0x40	/* I bit, byte 0 */

/* Byte 1 flags */
#define KTGT_FLAG_FINAL		0x80
#define KTGT_FLAG_CMD_READ	0x40
#define KTGT_FLAG_CMD_WRITE	0x20
#define KTGT_FLAG_CMD_ATTR_MASK	0x07
#define KTGT_FLAG_DATA_ACK	0x40
#define KTGT_FLAG_DATA_OVERFLOW	0x04
#define KTGT_FLAG_DATA_UNDERFLOW 0x02
#define KTGT_FLAG_DATA_STATUS	0x01
#define KTGT_FLAG_RSP_BIDI_OVERFLOW	0x10
#define KTGT_FLAG_RSP_BIDI_UNDERFLOW	0x08
#define KTGT_FLAG_RSP_OVERFLOW	0x04
#define KTGT_FLAG_RSP_UNDERFLOW	0x02
#define KTGT_FLAG_TEXT_CONTINUE	0x40
/* SCSI Command task attributes (byte 1, ATTR field) */
#define KTGT_TASK_ATTR_UNTAGGED	0
#define KTGT_TASK_ATTR_SIMPLE	1
#define KTGT_TASK_ATTR_ORDERED	2
#define KTGT_TASK_ATTR_HOQ	3
#define KTGT_TASK_ATTR_ACA	4
/* SNACK Request: type in byte 1 */
#define KTGT_SNACK_TYPE_MASK	0x0f
#define KTGT_SNACK_DATA_R2T	0
#define KTGT_SNACK_STATUS	1
#define KTGT_SNACK_DATA_ACK	2
#define KTGT_SNACK_RDATA	3
/* Login: T, C, CSG(2), NSG(2) */
#define KTGT_FLAG_LOGIN_TRANSIT	0x80
#define KTGT_FLAG_LOGIN_CONTINUE 0x40
#define KTGT_LOGIN_CSG_SHIFT	2
#define KTGT_LOGIN_CSG_MASK	0x0c
#define KTGT_LOGIN_NSG_MASK	0x03

/* Login stages */
#define KTGT_STAGE_SECURITY	0
#define KTGT_STAGE_OPERATIONAL	1
#define KTGT_STAGE_FULL_FEATURE	3

/* Login status class / detail (RFC 7143 11.13.5) */
#define KTGT_LOGIN_CLASS_SUCCESS	0x00
#define KTGT_LOGIN_CLASS_REDIRECT	0x01
#define KTGT_LOGIN_CLASS_INITIATOR_ERR	0x02
#define KTGT_LOGIN_CLASS_TARGET_ERR	0x03
#define KTGT_LOGIN_INIT_ERR		0x00
#define KTGT_LOGIN_AUTH_FAILED		0x01
#define KTGT_LOGIN_AUTHZ_FAILED		0x02
#define KTGT_LOGIN_TGT_NOT_FOUND	0x03
#define KTGT_LOGIN_TGT_REMOVED		0x04
#define KTGT_LOGIN_UNSUPPORTED_VER	0x05
#define KTGT_LOGIN_TOO_MANY_CONNS	0x06
#define KTGT_LOGIN_MISSING_PARAM	0x07
#define KTGT_LOGIN_NO_SESSION_SPAN	0x08
#define KTGT_LOGIN_NO_SESSION_TYPE	0x09
#define KTGT_LOGIN_NO_SESSION		0x0a
#define KTGT_LOGIN_INVALID_REQ		0x0b
#define KTGT_LOGIN_TGT_ERROR		0x00
#define KTGT_LOGIN_SVC_UNAVAILABLE	0x01
#define KTGT_LOGIN_NO_RESOURCES		0x02

/* Reject reasons (RFC 7143 11.17.1) */
#define KTGT_REJECT_DIGEST_ERROR	0x02
#define KTGT_REJECT_SNACK_REJECT	0x03
#define KTGT_REJECT_PROTOCOL_ERROR	0x04
#define KTGT_REJECT_CMD_NOT_SUPPORTED	0x05
#define KTGT_REJECT_IMM_CMD_REJECT	0x06
#define KTGT_REJECT_TASK_IN_PROGRESS	0x07
#define KTGT_REJECT_INVALID_DATA_ACK	0x08
#define KTGT_REJECT_INVALID_PDU_FIELD	0x09
#define KTGT_REJECT_LONG_OP_REJECT	0x0a
#define KTGT_REJECT_DEPRECATED		0x0b
#define KTGT_REJECT_WAITING_FOR_LOGOUT	0x0c

/* Logout reason codes (byte 1, low 7 bits) and response codes */
#define KTGT_LOGOUT_CLOSE_SESSION	0
#define KTGT_LOGOUT_CLOSE_CONNECTION	1
#define KTGT_LOGOUT_REMOVE_FOR_RECOVERY	2
#define KTGT_LOGOUT_RSP_OK		0
#define KTGT_LOGOUT_RSP_CID_NOT_FOUND	1
#define KTGT_LOGOUT_RSP_RECOVERY_UNSUPP	2
#define KTGT_LOGOUT_RSP_CLEANUP_FAILED	3

/* SCSI Response: response byte */
#define KTGT_RSP_COMPLETED		0x00
#define KTGT_RSP_TARGET_FAILURE		0x01

/* TMF functions and responses */
#define KTGT_TMF_ABORT_TASK		1
#define KTGT_TMF_ABORT_TASK_SET		2
#define KTGT_TMF_CLEAR_ACA		3
#define KTGT_TMF_CLEAR_TASK_SET		4
#define KTGT_TMF_LUN_RESET		5
#define KTGT_TMF_TARGET_WARM_RESET	6
#define KTGT_TMF_TARGET_COLD_RESET	7
#define KTGT_TMF_TASK_REASSIGN		8
#define KTGT_TMF_RSP_COMPLETE		0
#define KTGT_TMF_RSP_NO_TASK		1
#define KTGT_TMF_RSP_NO_LUN		2
#define KTGT_TMF_RSP_TASK_ALLEGIANT	3
#define KTGT_TMF_RSP_NO_FAILOVER	4
#define KTGT_TMF_RSP_NOT_SUPPORTED	5
#define KTGT_TMF_RSP_AUTH_FAILED	6
#define KTGT_TMF_RSP_REJECTED		255

/* Async event codes */
#define KTGT_ASYNC_SCSI_EVENT		0
#define KTGT_ASYNC_LOGOUT_REQUEST	1
#define KTGT_ASYNC_DROP_CONNECTION	2
#define KTGT_ASYNC_DROP_ALL		3
#define KTGT_ASYNC_NEGOTIATE		4

/*
 * Generic view of the BHS: the fields at the same place in every PDU.
 * Opcode-specific views below overlay it.
 */
struct ktgt_bhs {
	u8 opcode;
	u8 flags;
	u8 rsvd2[2];
	u8 hlength;		/* TotalAHSLength in 4-byte words */
	u8 dlength[3];		/* DataSegmentLength */
	u8 lun[8];
	__be32 itt;
	__be32 ttt;		/* or ExpectedDataTransferLength/CID... */
	__be32 sn1;		/* CmdSN (initiator) / StatSN (target) */
	__be32 sn2;		/* ExpStatSN (initiator) / ExpCmdSN (target) */
	__be32 sn3;		/* MaxCmdSN (target) */
	u8 rest[12];
};
static_assert(sizeof(struct ktgt_bhs) == KTGT_BHS_LEN, "BHS size");

struct ktgt_scsi_cmd_hdr {
	u8 opcode;
	u8 flags;
	__be16 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 lun[8];
	__be32 itt;
	__be32 data_length;	/* ExpectedDataTransferLength */
	__be32 cmdsn;
	__be32 exp_statsn;
	u8 cdb[16];
};
static_assert(sizeof(struct ktgt_scsi_cmd_hdr) == KTGT_BHS_LEN, "cmd size");

struct ktgt_scsi_rsp_hdr {
	u8 opcode;
	u8 flags;
	u8 response;
	u8 cmd_status;
	u8 hlength;
	u8 dlength[3];
	u8 rsvd[8];
	__be32 itt;
	__be32 snack_tag;
	__be32 statsn;
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	__be32 exp_datasn;
	__be32 bi_residual_count;
	__be32 residual_count;
};
static_assert(sizeof(struct ktgt_scsi_rsp_hdr) == KTGT_BHS_LEN, "rsp size");

/* Data-Out (initiator) and Data-In (target) */
struct ktgt_data_hdr {
	u8 opcode;
	u8 flags;
	u8 rsvd2;
	u8 cmd_status;		/* Data-In with S bit */
	u8 hlength;
	u8 dlength[3];
	u8 lun[8];
	__be32 itt;
	__be32 ttt;
	__be32 statsn;		/* Data-In; ExpStatSN in Data-Out */
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	__be32 datasn;
	__be32 offset;
	__be32 residual_count;
};
static_assert(sizeof(struct ktgt_data_hdr) == KTGT_BHS_LEN, "data size");

struct ktgt_r2t_hdr {
	u8 opcode;
	u8 flags;
	__be16 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 lun[8];
	__be32 itt;
	__be32 ttt;
	__be32 statsn;
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	__be32 r2tsn;
	__be32 data_offset;
	__be32 data_length;
};
static_assert(sizeof(struct ktgt_r2t_hdr) == KTGT_BHS_LEN, "r2t size");

/* NOP-Out / NOP-In */
struct ktgt_nop_hdr {
	u8 opcode;
	u8 flags;
	__be16 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 lun[8];
	__be32 itt;
	__be32 ttt;
	__be32 sn1;		/* CmdSN (out) / StatSN (in) */
	__be32 sn2;		/* ExpStatSN (out) / ExpCmdSN (in) */
	__be32 max_cmdsn;	/* in only */
	u8 rsvd3[12];
};
static_assert(sizeof(struct ktgt_nop_hdr) == KTGT_BHS_LEN, "nop size");

struct ktgt_login_req_hdr {
	u8 opcode;
	u8 flags;
	u8 max_version;
	u8 min_version;
	u8 hlength;
	u8 dlength[3];
	u8 isid[6];
	__be16 tsih;
	__be32 itt;
	__be16 cid;
	__be16 rsvd3;
	__be32 cmdsn;
	__be32 exp_statsn;
	u8 rsvd5[16];
};
static_assert(sizeof(struct ktgt_login_req_hdr) == KTGT_BHS_LEN, "login req size");

struct ktgt_login_rsp_hdr {
	u8 opcode;
	u8 flags;
	u8 max_version;
	u8 active_version;
	u8 hlength;
	u8 dlength[3];
	u8 isid[6];
	__be16 tsih;
	__be32 itt;
	__be32 rsvd3;
	__be32 statsn;
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	u8 status_class;
	u8 status_detail;
	u8 rsvd5[10];
};
static_assert(sizeof(struct ktgt_login_rsp_hdr) == KTGT_BHS_LEN, "login rsp size");

/* Text request / response share the layout */
struct ktgt_text_hdr {
	u8 opcode;
	u8 flags;
	__be16 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 lun[8];
	__be32 itt;
	__be32 ttt;
	__be32 sn1;		/* CmdSN / StatSN */
	__be32 sn2;		/* ExpStatSN / ExpCmdSN */
	__be32 max_cmdsn;
	u8 rsvd4[12];
};
static_assert(sizeof(struct ktgt_text_hdr) == KTGT_BHS_LEN, "text size");

struct ktgt_logout_req_hdr {
	u8 opcode;
	u8 flags;		/* F | reason */
	__be16 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 rsvd3[8];
	__be32 itt;
	__be16 cid;
	__be16 rsvd4;
	__be32 cmdsn;
	__be32 exp_statsn;
	u8 rsvd5[16];
};
static_assert(sizeof(struct ktgt_logout_req_hdr) == KTGT_BHS_LEN, "logout req size");

struct ktgt_logout_rsp_hdr {
	u8 opcode;
	u8 flags;
	u8 response;
	u8 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 rsvd3[8];
	__be32 itt;
	__be32 rsvd4;
	__be32 statsn;
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	__be32 rsvd5;
	__be16 time2wait;
	__be16 time2retain;
	__be32 rsvd6;
};
static_assert(sizeof(struct ktgt_logout_rsp_hdr) == KTGT_BHS_LEN, "logout rsp size");

struct ktgt_tmf_req_hdr {
	u8 opcode;
	u8 flags;		/* F | function */
	__be16 rsvd1;
	u8 hlength;
	u8 dlength[3];
	u8 lun[8];
	__be32 itt;
	__be32 rtt;		/* referenced task tag */
	__be32 cmdsn;
	__be32 exp_statsn;
	__be32 refcmdsn;
	__be32 exp_datasn;
	u8 rsvd2[8];
};
static_assert(sizeof(struct ktgt_tmf_req_hdr) == KTGT_BHS_LEN, "tmf req size");

struct ktgt_tmf_rsp_hdr {
	u8 opcode;
	u8 flags;
	u8 response;
	u8 rsvd1;
	u8 hlength;
	u8 dlength[3];
	u8 rsvd2[8];
	__be32 itt;
	__be32 rsvd3;
	__be32 statsn;
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	u8 rsvd4[12];
};
static_assert(sizeof(struct ktgt_tmf_rsp_hdr) == KTGT_BHS_LEN, "tmf rsp size");

struct ktgt_async_hdr {
	u8 opcode;
	u8 flags;
	__be16 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 lun[8];
	__be32 itt;		/* 0xffffffff */
	__be32 rsvd4;
	__be32 statsn;
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	u8 async_event;
	u8 async_vcode;
	__be16 param1;
	__be16 param2;
	__be16 param3;
	u8 rsvd5[4];
};
static_assert(sizeof(struct ktgt_async_hdr) == KTGT_BHS_LEN, "async size");

struct ktgt_reject_hdr {
	u8 opcode;
	u8 flags;
	u8 reason;
	u8 rsvd2;
	u8 hlength;
	u8 dlength[3];
	u8 rsvd3[8];
	__be32 ffffffff;
	__be32 rsvd4;
	__be32 statsn;
	__be32 exp_cmdsn;
	__be32 max_cmdsn;
	__be32 datasn;		/* R2TSN/DataSN when rejecting a SNACK */
	u8 rsvd5[8];
};
static_assert(sizeof(struct ktgt_reject_hdr) == KTGT_BHS_LEN, "reject size");

/* pdu.c: codec helpers */
u32 ktgt_bhs_dlength(const struct ktgt_bhs *bhs);
void ktgt_bhs_set_dlength(struct ktgt_bhs *bhs, u32 len);
u32 ktgt_bhs_ahslength(const struct ktgt_bhs *bhs);
static inline u8 ktgt_bhs_opcode(const struct ktgt_bhs *bhs)
{
	return bhs->opcode & KTGT_OPCODE_MASK;
}

static inline u32 ktgt_pad4(u32 len)
{
	return (4 - (len & 3)) & 3;
}

/*
 * 64-bit LUN field <-> flat LUN number (SAM peripheral addressing below 256,
 * flat space below 16384, extended flat space below 2^24).  Formats that do
 * not map to a single flat number decode to KTGT_LUN_INVALID.
 */
#define KTGT_LUN_INVALID	(~0ULL)
#define KTGT_LUN_MAX_WIRE	(1ULL << 24)
u64 ktgt_lun_from_wire(const u8 lun[8]);
void ktgt_lun_to_wire(u64 lun, u8 out[8]);

/* Serial number arithmetic, RFC 1982 with SERIAL_BITS = 32 */
static inline bool ktgt_sn_lt(u32 a, u32 b)
{
	return (s32)(a - b) < 0;
}

static inline bool ktgt_sn_lte(u32 a, u32 b)
{
	return (s32)(a - b) <= 0;
}

/* 0, or a KTGT_REJECT_* reason for a malformed initiator BHS */
int ktgt_bhs_check_initiator(const struct ktgt_bhs *bhs);

#endif /* KTGT_PROTO_H */
