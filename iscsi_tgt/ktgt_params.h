/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Login/text key=value negotiation (RFC 7143 6 and 13).  Pure: no kernel
 * I/O, compiles in user space for unit tests and libFuzzer.
 */
#ifndef KTGT_PARAMS_H
#define KTGT_PARAMS_H

#include "ktgt_compat.h"
#include "ktgt_proto.h"

/* Keys the target knows.  Order is ABI for param/ attribute names only. */
enum ktgt_param_id {
	KTGT_P_HEADER_DIGEST,
	KTGT_P_DATA_DIGEST,
	KTGT_P_MAX_CONNECTIONS,
	KTGT_P_TARGET_ALIAS,
	KTGT_P_INITIAL_R2T,
	KTGT_P_IMMEDIATE_DATA,
	KTGT_P_MAX_RECV_DSL,		/* MaxRecvDataSegmentLength (declarative) */
	KTGT_P_MAX_BURST,
	KTGT_P_FIRST_BURST,
	KTGT_P_DEFAULT_TIME2WAIT,
	KTGT_P_DEFAULT_TIME2RETAIN,
	KTGT_P_MAX_OUTSTANDING_R2T,
	KTGT_P_DATA_PDU_IN_ORDER,
	KTGT_P_DATA_SEQUENCE_IN_ORDER,
	KTGT_P_ERROR_RECOVERY_LEVEL,
	KTGT_P_OF_MARKER,
	KTGT_P_IF_MARKER,
	KTGT_P_OF_MARK_INT,
	KTGT_P_IF_MARK_INT,
	KTGT_P_NR_CONFIGURABLE,
};

#define KTGT_PARAM_VAL_MAX	256

/* RFC 7143 6.1: key names are at most 63 bytes, values at most 255 */
#define KTGT_KEY_NAME_MAX	63
#define KTGT_KEY_VALUE_MAX	255

/* A login status as returned by the negotiation: class << 8 | detail */
#define KTGT_LOGIN_STATUS(cls, detail)	((cls) << 8 | (detail))
#define KTGT_LOGIN_ST_INIT_ERR	\
	KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_INITIATOR_ERR, KTGT_LOGIN_INIT_ERR)
#define KTGT_LOGIN_ST_AUTH_FAILED \
	KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_INITIATOR_ERR, KTGT_LOGIN_AUTH_FAILED)
#define KTGT_LOGIN_ST_MISSING_PARAM \
	KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_INITIATOR_ERR, KTGT_LOGIN_MISSING_PARAM)
#define KTGT_LOGIN_ST_NO_SESSION_TYPE \
	KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_INITIATOR_ERR, KTGT_LOGIN_NO_SESSION_TYPE)
#define KTGT_LOGIN_ST_NO_RESOURCES \
	KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_TARGET_ERR, KTGT_LOGIN_NO_RESOURCES)

/* The target's configured offer (param/ in configfs), as validated strings. */
struct ktgt_param_offer {
	char val[KTGT_P_NR_CONFIGURABLE][KTGT_PARAM_VAL_MAX];
};

/* Operational values in force for a session / connection after login. */
struct ktgt_params {
	u32 max_recv_dsl;	/* largest data segment we accept (we declared) */
	u32 max_xmit_dsl;	/* largest data segment we may send (initiator declared) */
	u32 max_burst;
	u32 first_burst;
	u32 max_outstanding_r2t;
	u32 max_connections;
	u32 default_time2wait;
	u32 default_time2retain;
	u32 erl;
	bool header_digest;
	bool data_digest;
	bool initial_r2t;
	bool immediate_data;
	bool data_pdu_in_order;
	bool data_seq_in_order;
};

enum ktgt_session_type {
	KTGT_SESSION_UNSET,
	KTGT_SESSION_NORMAL,
	KTGT_SESSION_DISCOVERY,
};

/* Output text buffer: "key=value\0" records. Fixed capacity, set by caller. */
struct ktgt_textbuf {
	char *buf;
	u32 len;
	u32 cap;
};

/*
 * Append "key=val\0".  Returns 0, or -ENOSPC (and appends nothing) if the
 * record does not fit in cap - len bytes.
 */
int ktgt_textbuf_add(struct ktgt_textbuf *tb, const char *key, const char *val);

/*
 * Negotiation state for one login (one connection) or one text exchange.
 * A login error is returned as (status_class << 8 | status_detail), so
 * 0x0207 is "initiator error, missing parameter".
 *
 * Usage by the login code, per connection:
 *
 *	ktgt_nego_init(n, &tpg->params);	(under the lock guarding params)
 *	n->auth_required = ...;			(leading defaults to true)
 *	for each complete Login Request (text reassembled over C=1 PDUs):
 *		st = ktgt_nego_login(n, csg, text, len, &out);
 *		if (st) -> Login Response with that status, close.
 *		if auth_method is "CHAP": feed the same text to the CHAP code.
 *		if T=1 and leaving the security stage:
 *			st = ktgt_nego_leave_security(n, chap_succeeded);
 *		if T=1 and NSG is full feature:
 *			st = ktgt_nego_finish(n, &out);
 *			if (!st && ktgt_nego_pending(n)) answer with T=0: the
 *			offers in @out need the initiator's reply, then call
 *			ktgt_nego_login() and ktgt_nego_finish() again.
 *	n->params holds the result once finish returned 0 and nothing is
 *	pending.
 */
struct ktgt_nego {
	const struct ktgt_param_offer *offer;	/* as passed to init; not used later */
	bool auth_required;	/* security stage must pick CHAP */
	bool leading;		/* leading connection of the session */

	struct ktgt_params params;	/* result */
	enum ktgt_session_type session_type;
	char initiator_name[KTGT_NAME_MAX];
	char target_name[KTGT_NAME_MAX];
	char initiator_alias[KTGT_NAME_MAX];
	char auth_method[16];	/* "None" or "CHAP" once chosen */

	u64 seen;		/* bit per key the initiator has sent */
	u64 answered;		/* bit per key we already responded to/declared */

	/* private to params.c */
	u64 offered;		/* keys the target offered */
	u64 declared;		/* keys the target declared */
	bool started;		/* the first Login Request was processed */
	bool offers_sent;	/* ktgt_nego_finish() emitted offers */
	bool offers_replied;	/* a request came in after those offers */
	u32 ours[KTGT_P_NR_CONFIGURABLE];	/* the offer, parsed */
	char target_alias[KTGT_PARAM_VAL_MAX];
};

/*
 * Reset @n and take a copy of the target's offer (NULL: the target defaults
 * of ktgt_param_offer_defaults()).  Invalid or empty values in @offer fall
 * back to those defaults.  @offer is not referenced after this returns.
 * Sets leading = true and auth_required = false; n->params starts at the
 * RFC 7143 defaults, except max_recv_dsl = our MaxRecvDataSegmentLength.
 */
void ktgt_nego_init(struct ktgt_nego *n, const struct ktgt_param_offer *offer);

/*
 * Process the complete text of a login request (after C-bit reassembly)
 * received in @stage (KTGT_STAGE_*).  Responses are appended to @out.
 * Returns 0 or a login status (class << 8 | detail); on error @out may hold
 * a partial answer and must not be sent.  CHAP_* keys are left to the
 * caller (not answered) when AuthMethod=CHAP was chosen.  On the first
 * request, InitiatorName (and TargetName for a Normal session) must be
 * present, else 0x0207.
 */
int ktgt_nego_login(struct ktgt_nego *n, int stage, const char *text, u32 len,
		    struct ktgt_textbuf *out);

/*
 * The initiator asks to leave the security stage (T=1, CSG=0).  @chap_ok
 * tells whether the CHAP exchange completed successfully.  Returns 0 if
 * allowed, 0x0201 if authentication is required or CHAP was chosen but has
 * not succeeded.
 */
int ktgt_nego_leave_security(const struct ktgt_nego *n, bool chap_ok);

/*
 * Called when the target agrees to enter the full feature phase: append the
 * keys the target still has to offer or declare (our
 * MaxRecvDataSegmentLength, TargetAlias, values differing from the RFC
 * defaults the initiator did not negotiate) and check the final values in
 * n->params.  Returns 0 or a login status.  If ktgt_nego_pending() is true
 * afterwards, respond with T=0 and call it again after the next request.
 */
int ktgt_nego_finish(struct ktgt_nego *n, struct ktgt_textbuf *out);

/* True while the target has offered keys the initiator has not answered. */
bool ktgt_nego_pending(const struct ktgt_nego *n);

/*
 * Fill an offer with the target defaults: the RFC 7143 defaults except
 * MaxRecvDataSegmentLength=262144, MaxBurstLength=1048576, InitialR2T=No.
 */
void ktgt_param_offer_defaults(struct ktgt_param_offer *offer);
/*
 * configfs param/<name>: look up a configurable key by its RFC name (exact,
 * case-sensitive): returns its enum ktgt_param_id or -EINVAL.
 * ktgt_param_name(): the RFC name of an id, NULL if out of range.
 * ktgt_param_validate(): 0 or -EINVAL; @val is NUL-terminated, without a
 * trailing newline (strip it first), and must fit KTGT_PARAM_VAL_MAX.
 */
int ktgt_param_lookup(const char *key);
const char *ktgt_param_name(int id);
int ktgt_param_validate(int id, const char *val);

/*
 * Iterate "key=value\0" records in a text segment.  Returns false at end.
 * Empty records (padding NULs) are skipped; a last record without NUL ends
 * at the end of the segment.  *key, *klen is the part before the first '='
 * (klen may be 0); a record without '=' gives *val == NULL, *vlen == 0 and
 * the whole record as the key.  Keys and values are not NUL-terminated
 * when the text lacks a terminator: always use the lengths.
 */
struct ktgt_text_iter {
	const char *p;
	const char *end;
};

static inline void ktgt_text_iter_init(struct ktgt_text_iter *it,
				       const char *text, u32 len)
{
	it->p = text;
	it->end = text ? text + len : NULL;
}

/* Value of a hexadecimal digit, or -1. */
int ktgt_hex_val(char c);

bool ktgt_text_next(struct ktgt_text_iter *it, const char **key, u32 *klen,
		    const char **val, u32 *vlen);

#endif /* KTGT_PARAMS_H */
