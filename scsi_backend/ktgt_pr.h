/* SPDX-License-Identifier: GPL-2.0 */
/*
 * SCSI persistent reservations (SPC-4 5.13, 6.15, 6.16): the pure part
 * (parameter list and TransportID decoding, the table of commands allowed
 * in the presence of each reservation type).  No kernel I/O headers, so the
 * very same code is unit-tested and fuzzed in user space; the state itself
 * lives in pr.c.
 */
#ifndef KTGT_PR_H
#define KTGT_PR_H

#include "ktgt_compat.h"
#include "ktgt_sense.h"

#define KTGT_OP_PR_IN			0x5e
#define KTGT_OP_PR_OUT			0x5f

/* PERSISTENT RESERVE IN service actions */
#define KTGT_PRIN_READ_KEYS		0x00
#define KTGT_PRIN_READ_RESERVATION	0x01
#define KTGT_PRIN_REPORT_CAPABILITIES	0x02
#define KTGT_PRIN_READ_FULL_STATUS	0x03

/* PERSISTENT RESERVE OUT service actions */
#define KTGT_PROUT_REGISTER		0x00
#define KTGT_PROUT_RESERVE		0x01
#define KTGT_PROUT_RELEASE		0x02
#define KTGT_PROUT_CLEAR		0x03
#define KTGT_PROUT_PREEMPT		0x04
#define KTGT_PROUT_PREEMPT_AND_ABORT	0x05
#define KTGT_PROUT_REGISTER_IGNORE	0x06
#define KTGT_PROUT_REGISTER_AND_MOVE	0x07

/* Reservation types (0: none) */
#define KTGT_PR_TYPE_NONE		0x0
#define KTGT_PR_TYPE_WE			0x1	/* Write Exclusive */
#define KTGT_PR_TYPE_EA			0x3	/* Exclusive Access */
#define KTGT_PR_TYPE_WE_RO		0x5	/* ... Registrants Only */
#define KTGT_PR_TYPE_EA_RO		0x6
#define KTGT_PR_TYPE_WE_AR		0x7	/* ... All Registrants */
#define KTGT_PR_TYPE_EA_AR		0x8

#define KTGT_PR_SCOPE_LU		0x0

/* ASC/ASCQ specific to reservations */
#define KTGT_ASC_INVALID_RELEASE_OF_PR		0x2604
#define KTGT_ASC_RESERVATIONS_PREEMPTED		0x2a03
#define KTGT_ASC_RESERVATIONS_RELEASED		0x2a04
#define KTGT_ASC_REGISTRATIONS_PREEMPTED	0x2a05
#define KTGT_ASC_INSUFFICIENT_REG_RESOURCES	0x5504

/* Registrations one backstore keeps at most */
#define KTGT_PR_MAX_REGS		256

/* The largest PERSISTENT RESERVE OUT parameter list accepted. */
#define KTGT_PR_MAX_PARAM_LEN		65536U

/* iSCSI names: 223 bytes + NUL (RFC 7143 6.1) */
#define KTGT_PR_NAME_MAX		224
/* "," "i" "," "0x" + 12 hex digits */
#define KTGT_PR_ISID_SEP		",i,0x"

#define KTGT_PR_PROTO_ISCSI		0x5

/*
 * The text of backstores/<type>/<name>/pr_state is at most this long: four
 * header lines (under 64 bytes) and a "reg" line per registration, each
 * under 96 bytes besides its initiator and target names.
 */
#define KTGT_PR_STATE_LINE_MAX		(96 + 2 * KTGT_PR_NAME_MAX)
#define KTGT_PR_STATE_MAX		(64 + KTGT_PR_MAX_REGS * KTGT_PR_STATE_LINE_MAX)

/* A decoded PERSISTENT RESERVE OUT CDB and parameter list header. */
struct ktgt_pr_out {
	u8 sa;
	u8 scope;
	u8 type;
	u64 res_key;
	u64 sa_key;
	bool spec_i_pt;
	bool all_tg_pt;
	bool aptpl;
	bool unreg;		/* REGISTER AND MOVE */
	u16 rtpi;		/* REGISTER AND MOVE: relative target port */
	u32 tid_off;		/* TransportIDs: offset in the list ... */
	u32 tid_len;		/* ... and length (0: none) */
};

/* An iSCSI initiator port (or, without an ISID, device) as a TransportID. */
struct ktgt_pr_tid {
	char name[KTGT_PR_NAME_MAX];	/* lower case */
	bool has_isid;			/* format 01b */
	u8 isid[6];
};

/*
 * Decode a PERSISTENT RESERVE OUT @cdb and its parameter list @p of @len
 * bytes (= PARAMETER LIST LENGTH, all of it received).  Checks every length
 * and bit SPC-4 6.16 defines; TransportIDs are only located (decode them
 * with ktgt_pr_tid_decode()).  Returns 0, or -EINVAL with @e set (PARAMETER
 * LIST LENGTH ERROR, INVALID FIELD IN PARAMETER LIST/CDB).
 */
int ktgt_pr_out_decode(const u8 *cdb, const u8 *p, u32 len,
		       struct ktgt_pr_out *o, struct ktgt_sense_err *e);

/*
 * Decode one iSCSI TransportID (SPC-4 7.6.4.6) at @p, at most @avail bytes.
 * @off is its offset in the parameter list, for the sense-key-specific
 * field pointer.  Returns its length in bytes, or -EINVAL with @e set to
 * INVALID FIELD IN PARAMETER LIST.
 */
int ktgt_pr_tid_decode(const u8 *p, u32 avail, u32 off, struct ktgt_pr_tid *t,
		       struct ktgt_sense_err *e);

/*
 * Encode an iSCSI TransportID for @name (format 01b with @isid, 00b when
 * @isid is NULL) into @buf of @size bytes.  Returns the length it takes (a
 * multiple of 4, at least 24), even when @size is too small (then nothing
 * is written).
 */
u32 ktgt_pr_tid_encode(u8 *buf, u32 size, const char *name, const u8 *isid);

/* Parse "12 hex digits" into @isid; 0 or -EINVAL. */
int ktgt_pr_isid_parse(const char *s, u8 *isid);

/* A reservation TYPE this target implements. */
bool ktgt_pr_type_valid(u8 type);
/* Write Exclusive - Registrants Only / All Registrants, ... */
bool ktgt_pr_type_all_reg(u8 type);
bool ktgt_pr_type_reg_only(u8 type);

/*
 * SPC-4 5.13.1 / SBC-3 4.17: may a command run (false) or does it end in
 * RESERVATION CONFLICT (true) while a reservation of @type exists?
 * @holder: the I_T nexus holds it; @registered: the nexus is registered.
 * PERSISTENT RESERVE IN/OUT are never refused here (PR OUT checks its own
 * keys); RESERVE/RELEASE(6/10) are handled by the caller.
 */
bool ktgt_pr_conflicts(const u8 *cdb, u8 type, bool holder, bool registered);

#endif /* KTGT_PR_H */
