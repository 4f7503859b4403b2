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

int ktgt_textbuf_add(struct ktgt_textbuf *tb, const char *key, const char *val);

/*
 * Negotiation state for one login (one connection) or one text exchange.
 * A login error is returned as (status_class << 8 | status_detail), so
 * 0x0207 is "initiator error, missing parameter".
 */
struct ktgt_nego {
	const struct ktgt_param_offer *offer;	/* NULL: RFC defaults */
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
};

void ktgt_nego_init(struct ktgt_nego *n, const struct ktgt_param_offer *offer);

/*
 * Process the complete text of a login request (after C-bit reassembly)
 * received in @stage (KTGT_STAGE_*).  Responses are appended to @out.
 * Returns 0 or a login status (class << 8 | detail).
 */
int ktgt_nego_login(struct ktgt_nego *n, int stage, const char *text, u32 len,
		    struct ktgt_textbuf *out);

/*
 * Called when the target agrees to leave the operational stage: append the
 * keys the target still has to offer or declare (e.g. our
 * MaxRecvDataSegmentLength) and compute the final values into n->params.
 * Returns 0 or a login status.
 */
int ktgt_nego_finish(struct ktgt_nego *n, struct ktgt_textbuf *out);

/* Fill an offer with the RFC 7143 defaults the target uses when unset. */
void ktgt_param_offer_defaults(struct ktgt_param_offer *offer);
/* configfs param/<name>: look up by RFC key name; validate a value. */
int ktgt_param_lookup(const char *key);
const char *ktgt_param_name(int id);
int ktgt_param_validate(int id, const char *val);

/* Iterate "key=value\0" records in a text segment. Returns false at end. */
struct ktgt_text_iter {
	const char *p;
	const char *end;
};
bool ktgt_text_next(struct ktgt_text_iter *it, const char **key, u32 *klen,
		    const char **val, u32 *vlen);

#endif /* KTGT_PARAMS_H */
