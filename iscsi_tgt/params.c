// SPDX-License-Identifier: GPL-2.0
/*
 * Login key=value negotiation (RFC 7143 6, 13).  The target is always the
 * responder to the initiator's offers; it originates offers only for keys
 * the initiator left out (ktgt_nego_finish()).
 *
 * Pure: no kernel I/O, no allocation; compiles in user space for the unit
 * tests and the fuzzers.
 */
#include "ktgt_compat.h"
#include "ktgt_proto.h"
#include "ktgt_params.h"

/* Internal key ids: the configurable ones first, then the others. */
enum {
	KTGT_K_INITIATOR_NAME = KTGT_P_NR_CONFIGURABLE,
	KTGT_K_TARGET_NAME,
	KTGT_K_SESSION_TYPE,
	KTGT_K_INITIATOR_ALIAS,
	KTGT_K_AUTH_METHOD,
	KTGT_K_TARGET_ADDRESS,
	KTGT_K_TPGT,
	KTGT_K_SEND_TARGETS,
	KTGT_K_TASK_REPORTING,
	KTGT_K_CHAP_A,
	KTGT_K_CHAP_I,
	KTGT_K_CHAP_C,
	KTGT_K_CHAP_N,
	KTGT_K_CHAP_R,
	KTGT_K_NR,
};
static_assert(KTGT_K_NR <= 64, "seen/answered bitmaps are u64");

/* How a key is negotiated */
enum ktgt_key_type {
	KTGT_KT_DIGEST,		/* list: CRC32C, None */
	KTGT_KT_AND,		/* boolean, result AND */
	KTGT_KT_OR,		/* boolean, result OR */
	KTGT_KT_MIN,		/* numeric, result minimum */
	KTGT_KT_MAX,		/* numeric, result maximum */
	KTGT_KT_DECL,		/* numeric, declarative (MaxRecvDataSegmentLength) */
	KTGT_KT_MARKINT,	/* numeric range, irrelevant: markers are off */
	KTGT_KT_NAME,		/* iSCSI name, declarative */
	KTGT_KT_ALIAS,		/* InitiatorAlias, declarative */
	KTGT_KT_SESSION_TYPE,
	KTGT_KT_AUTH,
	KTGT_KT_TASK_REPORTING,
	KTGT_KT_TARGET_ONLY,	/* only a target sends it */
	KTGT_KT_FFP_ONLY,	/* only in full feature phase text requests */
	KTGT_KT_CHAP,		/* CHAP exchange: left to the CHAP code */
	KTGT_KT_STRING,		/* TargetAlias as a configured value */
};

#define KTGT_KF_LO		0x01	/* leading connection only */
#define KTGT_KF_DISC_IRR	0x02	/* irrelevant in a discovery session */
#define KTGT_KF_SECURITY	0x04	/* security stage only */

struct ktgt_keydef {
	const char *name;
	u8 type;		/* enum ktgt_key_type as seen from the initiator */
	u8 flags;
	u32 min, max;		/* numeric range */
	u32 def;		/* RFC 7143 default; booleans 0/1 */
};

/* Digest offers in ours[]: bit mask of allowed, plus preference order */
#define KTGT_DIG_NONE		0x1
#define KTGT_DIG_CRC32C		0x2
#define KTGT_DIG_CRC_FIRST	0x4

#define KTGT_LEN_MIN		512
#define KTGT_LEN_MAX		16777215

static const struct ktgt_keydef ktgt_keys[KTGT_K_NR] = {
	[KTGT_P_HEADER_DIGEST] = { "HeaderDigest", KTGT_KT_DIGEST, 0,
				   0, 0, KTGT_DIG_NONE },
	[KTGT_P_DATA_DIGEST] = { "DataDigest", KTGT_KT_DIGEST, 0,
				 0, 0, KTGT_DIG_NONE },
	[KTGT_P_MAX_CONNECTIONS] = { "MaxConnections", KTGT_KT_MIN,
				     KTGT_KF_LO | KTGT_KF_DISC_IRR, 1, 65535, 1 },
	[KTGT_P_TARGET_ALIAS] = { "TargetAlias", KTGT_KT_TARGET_ONLY, 0,
				  0, 0, 0 },
	[KTGT_P_INITIAL_R2T] = { "InitialR2T", KTGT_KT_OR,
				 KTGT_KF_LO | KTGT_KF_DISC_IRR, 0, 1, 1 },
	[KTGT_P_IMMEDIATE_DATA] = { "ImmediateData", KTGT_KT_AND,
				    KTGT_KF_LO | KTGT_KF_DISC_IRR, 0, 1, 1 },
	[KTGT_P_MAX_RECV_DSL] = { "MaxRecvDataSegmentLength", KTGT_KT_DECL, 0,
				  KTGT_LEN_MIN, KTGT_LEN_MAX, 8192 },
	[KTGT_P_MAX_BURST] = { "MaxBurstLength", KTGT_KT_MIN,
			       KTGT_KF_LO | KTGT_KF_DISC_IRR,
			       KTGT_LEN_MIN, KTGT_LEN_MAX, 262144 },
	[KTGT_P_FIRST_BURST] = { "FirstBurstLength", KTGT_KT_MIN,
				 KTGT_KF_LO | KTGT_KF_DISC_IRR,
				 KTGT_LEN_MIN, KTGT_LEN_MAX, 65536 },
	[KTGT_P_DEFAULT_TIME2WAIT] = { "DefaultTime2Wait", KTGT_KT_MAX,
				       KTGT_KF_LO, 0, 3600, 2 },
	[KTGT_P_DEFAULT_TIME2RETAIN] = { "DefaultTime2Retain", KTGT_KT_MIN,
					 KTGT_KF_LO, 0, 3600, 20 },
	[KTGT_P_MAX_OUTSTANDING_R2T] = { "MaxOutstandingR2T", KTGT_KT_MIN,
					 KTGT_KF_LO | KTGT_KF_DISC_IRR,
					 1, 65535, 1 },
	[KTGT_P_DATA_PDU_IN_ORDER] = { "DataPDUInOrder", KTGT_KT_OR,
				       KTGT_KF_LO | KTGT_KF_DISC_IRR, 0, 1, 1 },
	[KTGT_P_DATA_SEQUENCE_IN_ORDER] = { "DataSequenceInOrder", KTGT_KT_OR,
					    KTGT_KF_LO | KTGT_KF_DISC_IRR,
					    0, 1, 1 },
	[KTGT_P_ERROR_RECOVERY_LEVEL] = { "ErrorRecoveryLevel", KTGT_KT_MIN,
					  KTGT_KF_LO, 0, 2, 0 },
	[KTGT_P_OF_MARKER] = { "OFMarker", KTGT_KT_AND, 0, 0, 1, 0 },
	[KTGT_P_IF_MARKER] = { "IFMarker", KTGT_KT_AND, 0, 0, 1, 0 },
	[KTGT_P_OF_MARK_INT] = { "OFMarkInt", KTGT_KT_MARKINT, 0,
				 1, 65535, 2048 },
	[KTGT_P_IF_MARK_INT] = { "IFMarkInt", KTGT_KT_MARKINT, 0,
				 1, 65535, 2048 },
	[KTGT_K_INITIATOR_NAME] = { "InitiatorName", KTGT_KT_NAME, 0, 0, 0, 0 },
	[KTGT_K_TARGET_NAME] = { "TargetName", KTGT_KT_NAME, 0, 0, 0, 0 },
	[KTGT_K_SESSION_TYPE] = { "SessionType", KTGT_KT_SESSION_TYPE, 0,
				  0, 0, 0 },
	[KTGT_K_INITIATOR_ALIAS] = { "InitiatorAlias", KTGT_KT_ALIAS, 0,
				     0, 0, 0 },
	[KTGT_K_AUTH_METHOD] = { "AuthMethod", KTGT_KT_AUTH, KTGT_KF_SECURITY,
				 0, 0, 0 },
	[KTGT_K_TARGET_ADDRESS] = { "TargetAddress", KTGT_KT_TARGET_ONLY, 0,
				    0, 0, 0 },
	[KTGT_K_TPGT] = { "TargetPortalGroupTag", KTGT_KT_TARGET_ONLY, 0,
			  0, 0, 0 },
	[KTGT_K_SEND_TARGETS] = { "SendTargets", KTGT_KT_FFP_ONLY, 0, 0, 0, 0 },
	[KTGT_K_TASK_REPORTING] = { "TaskReporting", KTGT_KT_TASK_REPORTING,
				    KTGT_KF_LO | KTGT_KF_DISC_IRR, 0, 0, 0 },
	[KTGT_K_CHAP_A] = { "CHAP_A", KTGT_KT_CHAP, KTGT_KF_SECURITY, 0, 0, 0 },
	[KTGT_K_CHAP_I] = { "CHAP_I", KTGT_KT_CHAP, KTGT_KF_SECURITY, 0, 0, 0 },
	[KTGT_K_CHAP_C] = { "CHAP_C", KTGT_KT_CHAP, KTGT_KF_SECURITY, 0, 0, 0 },
	[KTGT_K_CHAP_N] = { "CHAP_N", KTGT_KT_CHAP, KTGT_KF_SECURITY, 0, 0, 0 },
	[KTGT_K_CHAP_R] = { "CHAP_R", KTGT_KT_CHAP, KTGT_KF_SECURITY, 0, 0, 0 },
};

/* The target defaults (what an unset param/<Key> means). */
static const char *const ktgt_default_vals[KTGT_P_NR_CONFIGURABLE] = {
	[KTGT_P_HEADER_DIGEST] = "None",
	[KTGT_P_DATA_DIGEST] = "None",
	[KTGT_P_MAX_CONNECTIONS] = "1",
	[KTGT_P_TARGET_ALIAS] = "",
	[KTGT_P_INITIAL_R2T] = "No",
	[KTGT_P_IMMEDIATE_DATA] = "Yes",
	[KTGT_P_MAX_RECV_DSL] = "262144",
	[KTGT_P_MAX_BURST] = "1048576",
	[KTGT_P_FIRST_BURST] = "65536",
	[KTGT_P_DEFAULT_TIME2WAIT] = "2",
	[KTGT_P_DEFAULT_TIME2RETAIN] = "20",
	[KTGT_P_MAX_OUTSTANDING_R2T] = "1",
	[KTGT_P_DATA_PDU_IN_ORDER] = "Yes",
	[KTGT_P_DATA_SEQUENCE_IN_ORDER] = "Yes",
	[KTGT_P_ERROR_RECOVERY_LEVEL] = "0",
	[KTGT_P_OF_MARKER] = "No",
	[KTGT_P_IF_MARKER] = "No",
	[KTGT_P_OF_MARK_INT] = "2048",
	[KTGT_P_IF_MARK_INT] = "2048",
};

#define KTGT_ST_INIT_ERR	KTGT_LOGIN_ST_INIT_ERR
#define KTGT_ST_AUTH		KTGT_LOGIN_ST_AUTH_FAILED
#define KTGT_ST_MISSING		KTGT_LOGIN_ST_MISSING_PARAM
#define KTGT_ST_SESS_TYPE	KTGT_LOGIN_ST_NO_SESSION_TYPE
#define KTGT_ST_NOSPC		KTGT_LOGIN_ST_NO_RESOURCES

/* ------------------------------------------------------------------ */
/* Small string helpers on (pointer, length) pairs                     */

static bool ktgt_str_eq(const char *s, u32 len, const char *lit)
{
	u32 l = (u32)strlen(lit);

	return len == l && !memcmp(s, lit, l);
}

static bool ktgt_is_digit(char c)
{
	return c >= '0' && c <= '9';
}

int ktgt_hex_val(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/*
 * RFC 7143 6.1 numerical-value: a decimal or 0x/0X hex constant below 2^64.
 * Anything else (signs, blanks, empty, overflow) is not a number.
 */
static bool ktgt_parse_num(const char *s, u32 len, u64 *out)
{
	u64 v = 0;
	u32 i;

	if (!len)
		return false;
	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		for (i = 2; i < len; i++) {
			int d = ktgt_hex_val(s[i]);

			if (d < 0 || v >> 60)
				return false;
			v = v << 4 | (u64)d;
		}
	} else {
		for (i = 0; i < len; i++) {
			u64 d;

			if (!ktgt_is_digit(s[i]))
				return false;
			d = (u64)(s[i] - '0');
			if (v > (~0ULL - d) / 10)
				return false;
			v = v * 10 + d;
		}
	}
	*out = v;
	return true;
}

static bool ktgt_parse_range(const char *s, u32 len, u32 min, u32 max,
			     u32 *out)
{
	u64 v;

	if (!ktgt_parse_num(s, len, &v) || v < min || v > max)
		return false;
	*out = (u32)v;
	return true;
}

static bool ktgt_parse_bool(const char *s, u32 len, u32 *out)
{
	if (ktgt_str_eq(s, len, "Yes")) {
		*out = 1;
		return true;
	}
	if (ktgt_str_eq(s, len, "No")) {
		*out = 0;
		return true;
	}
	return false;
}

/* "n" or "n~m" with min <= n <= m <= max (marker intervals) */
static bool ktgt_parse_num_range(const char *s, u32 len, u32 min, u32 max)
{
	const char *tilde = memchr(s, '~', len);
	u32 lo, hi;

	if (!tilde)
		return ktgt_parse_range(s, len, min, max, &lo);
	if (!ktgt_parse_range(s, (u32)(tilde - s), min, max, &lo) ||
	    !ktgt_parse_range(tilde + 1, len - (u32)(tilde - s) - 1, min, max,
			      &hi))
		return false;
	return lo <= hi;
}

/* Split a list-of-values on ','; false at the end (*p becomes NULL). */
static bool ktgt_list_next(const char **p, const char *end, const char **item,
			   u32 *ilen)
{
	const char *c;

	if (!*p)
		return false;
	c = memchr(*p, ',', (size_t)(end - *p));
	*item = *p;
	if (c) {
		*ilen = (u32)(c - *p);
		*p = c + 1;
	} else {
		*ilen = (u32)(end - *p);
		*p = NULL;
	}
	return true;
}

/* Every element non-empty and at most 255 bytes */
static bool ktgt_list_valid(const char *s, u32 len)
{
	const char *p = s, *item;
	u32 ilen;

	while (ktgt_list_next(&p, s + len, &item, &ilen))
		if (!ilen || ilen > KTGT_KEY_VALUE_MAX)
			return false;
	return true;
}

static u32 ktgt_digest_bit(const char *s, u32 len)
{
	if (ktgt_str_eq(s, len, "CRC32C"))
		return KTGT_DIG_CRC32C;
	if (ktgt_str_eq(s, len, "None"))
		return KTGT_DIG_NONE;
	return 0;
}

/* Parse a configured digest list into mask | preference; 0 if invalid. */
static u32 ktgt_parse_digest_offer(const char *s, u32 len)
{
	const char *p = s, *item;
	u32 ilen, mask = 0;

	if (!len)
		return 0;
	while (ktgt_list_next(&p, s + len, &item, &ilen)) {
		u32 bit = ktgt_digest_bit(item, ilen);

		if (!bit || (mask & bit))
			return 0;
		if (!mask && bit == KTGT_DIG_CRC32C)
			mask |= KTGT_DIG_CRC_FIRST;
		mask |= bit;
	}
	return mask;
}

/* Printable text: no ASCII control characters (UTF-8 bytes are fine). */
static bool ktgt_text_printable(const char *s, u32 len)
{
	u32 i;

	for (i = 0; i < len; i++) {
		u8 c = (u8)s[i];

		if (c < 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

/* iSCSI name: 1..223 bytes, no blanks or control characters. */
static bool ktgt_name_valid(const char *s, u32 len)
{
	u32 i;

	if (!len || len >= KTGT_NAME_MAX)
		return false;
	for (i = 0; i < len; i++) {
		u8 c = (u8)s[i];

		if (c <= 0x20 || c == 0x7f)
			return false;
	}
	return true;
}

/* RFC 7143 6.1 key name: letters, digits, . - + @ _ (and # in X# keys) */
static bool ktgt_key_valid(const char *k, u32 klen)
{
	u32 i;

	if (!klen || klen > KTGT_KEY_NAME_MAX)
		return false;
	for (i = 0; i < klen; i++) {
		char c = k[i];

		if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		    ktgt_is_digit(c) || c == '.' || c == '-' || c == '+' ||
		    c == '@' || c == '_' || c == '#')
			continue;
		return false;
	}
	return true;
}

static char *ktgt_u32_str(u32 v, char buf[12])
{
	char *p = buf + 11;

	*p = '\0';
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	return p;
}

static void ktgt_copy_str(char *dst, u32 cap, const char *s, u32 len)
{
	if (len >= cap) {
		len = cap - 1;
		/* do not cut a UTF-8 sequence in half */
		while (len && ((u8)s[len] & 0xc0) == 0x80)
			len--;
	}
	memcpy(dst, s, len);
	dst[len] = '\0';
}

/* ------------------------------------------------------------------ */
/* Text records                                                        */

bool ktgt_text_next(struct ktgt_text_iter *it, const char **key, u32 *klen,
		    const char **val, u32 *vlen)
{
	const char *rec, *nul, *eq;
	u32 rlen;

	if (!it->p || !it->end)
		return false;
	/* skip empty records (padding, doubled NULs) */
	while (it->p < it->end && *it->p == '\0')
		it->p++;
	if (it->p >= it->end)
		return false;

	rec = it->p;
	nul = memchr(rec, '\0', (size_t)(it->end - rec));
	rlen = (u32)((nul ? nul : it->end) - rec);
	it->p = nul ? nul + 1 : it->end;

	eq = memchr(rec, '=', rlen);
	*key = rec;
	if (!eq) {
		*klen = rlen;
		*val = NULL;
		*vlen = 0;
	} else {
		*klen = (u32)(eq - rec);
		*val = eq + 1;
		*vlen = rlen - *klen - 1;
	}
	return true;
}

/* Find the value of the first record with key @name; false if none. */
static bool ktgt_text_find(const char *text, u32 len, const char *name,
			   const char **val, u32 *vlen)
{
	struct ktgt_text_iter it;
	const char *k;
	u32 klen;

	ktgt_text_iter_init(&it, text, len);
	while (ktgt_text_next(&it, &k, &klen, val, vlen))
		if (*val && ktgt_str_eq(k, klen, name))
			return true;
	return false;
}

static int ktgt_tb_add(struct ktgt_textbuf *tb, const char *key, u32 klen,
		       const char *val, u32 vlen)
{
	u32 need = klen + vlen + 2;

	if (!tb || !tb->buf || tb->len > tb->cap || need > tb->cap - tb->len)
		return -ENOSPC;
	memcpy(tb->buf + tb->len, key, klen);
	tb->buf[tb->len + klen] = '=';
	memcpy(tb->buf + tb->len + klen + 1, val, vlen);
	tb->buf[tb->len + klen + 1 + vlen] = '\0';
	tb->len += need;
	return 0;
}

int ktgt_textbuf_add(struct ktgt_textbuf *tb, const char *key, const char *val)
{
	return ktgt_tb_add(tb, key, (u32)strlen(key), val, (u32)strlen(val));
}

/* ------------------------------------------------------------------ */
/* Configuration: param/<Key>                                          */

int ktgt_param_lookup(const char *key)
{
	int i;

	if (!key)
		return -EINVAL;
	for (i = 0; i < KTGT_P_NR_CONFIGURABLE; i++)
		if (!strcmp(key, ktgt_keys[i].name))
			return i;
	return -EINVAL;
}

const char *ktgt_param_name(int id)
{
	if (id < 0 || id >= KTGT_P_NR_CONFIGURABLE)
		return NULL;
	return ktgt_keys[id].name;
}

static int ktgt_param_validate_len(int id, const char *val, u32 len)
{
	const struct ktgt_keydef *d = &ktgt_keys[id];
	u32 v;

	switch (id) {
	case KTGT_P_HEADER_DIGEST:
	case KTGT_P_DATA_DIGEST:
		return ktgt_parse_digest_offer(val, len) ? 0 : -EINVAL;
	case KTGT_P_TARGET_ALIAS:
		return len <= KTGT_KEY_VALUE_MAX &&
		       ktgt_text_printable(val, len) ? 0 : -EINVAL;
	case KTGT_P_OF_MARKER:
	case KTGT_P_IF_MARKER:
		/* markers are not implemented: only "No" can be offered */
		return ktgt_str_eq(val, len, "No") ? 0 : -EINVAL;
	case KTGT_P_OF_MARK_INT:
	case KTGT_P_IF_MARK_INT:
		return ktgt_parse_num_range(val, len, d->min, d->max) ?
		       0 : -EINVAL;
	default:
		break;
	}
	if (d->type == KTGT_KT_AND || d->type == KTGT_KT_OR)
		return ktgt_parse_bool(val, len, &v) ? 0 : -EINVAL;
	return ktgt_parse_range(val, len, d->min, d->max, &v) ? 0 : -EINVAL;
}

int ktgt_param_validate(int id, const char *val)
{
	size_t len;

	if (id < 0 || id >= KTGT_P_NR_CONFIGURABLE || !val)
		return -EINVAL;
	len = strnlen(val, KTGT_PARAM_VAL_MAX);
	if (len >= KTGT_PARAM_VAL_MAX)
		return -EINVAL;
	return ktgt_param_validate_len(id, val, (u32)len);
}

void ktgt_param_offer_defaults(struct ktgt_param_offer *offer)
{
	int i;

	memset(offer, 0, sizeof(*offer));
	for (i = 0; i < KTGT_P_NR_CONFIGURABLE; i++)
		strcpy(offer->val[i], ktgt_default_vals[i]);
}

/* ------------------------------------------------------------------ */
/* Negotiation                                                         */

static u32 ktgt_offer_value(int id, const char *s, u32 len)
{
	const struct ktgt_keydef *d = &ktgt_keys[id];
	u32 v = 0;

	switch (d->type) {
	case KTGT_KT_DIGEST:
		return ktgt_parse_digest_offer(s, len);
	case KTGT_KT_AND:
	case KTGT_KT_OR:
		ktgt_parse_bool(s, len, &v);
		return v;
	case KTGT_KT_MIN:
	case KTGT_KT_MAX:
	case KTGT_KT_DECL:
		ktgt_parse_range(s, len, d->min, d->max, &v);
		return v;
	default:
		return 0;
	}
}

void ktgt_nego_init(struct ktgt_nego *n, const struct ktgt_param_offer *offer)
{
	struct ktgt_params *p = &n->params;
	int i;

	memset(n, 0, sizeof(*n));
	n->offer = offer;
	n->leading = true;

	for (i = 0; i < KTGT_P_NR_CONFIGURABLE; i++) {
		const char *s = ktgt_default_vals[i];
		size_t len = 0;

		if (offer)
			len = strnlen(offer->val[i], KTGT_PARAM_VAL_MAX);
		if (len && len < KTGT_PARAM_VAL_MAX &&
		    !ktgt_param_validate_len(i, offer->val[i], (u32)len))
			s = offer->val[i];
		else
			len = strlen(s);
		if (i == KTGT_P_TARGET_ALIAS)
			ktgt_copy_str(n->target_alias, sizeof(n->target_alias),
				      s, (u32)len);
		else
			n->ours[i] = ktgt_offer_value(i, s, (u32)len);
	}
	/* FirstBurstLength can never exceed MaxBurstLength */
	n->ours[KTGT_P_FIRST_BURST] = min_t(u32, n->ours[KTGT_P_FIRST_BURST],
					    n->ours[KTGT_P_MAX_BURST]);

	p->max_recv_dsl = n->ours[KTGT_P_MAX_RECV_DSL];
	p->max_xmit_dsl = ktgt_keys[KTGT_P_MAX_RECV_DSL].def;
	p->max_burst = ktgt_keys[KTGT_P_MAX_BURST].def;
	p->first_burst = ktgt_keys[KTGT_P_FIRST_BURST].def;
	p->max_outstanding_r2t = ktgt_keys[KTGT_P_MAX_OUTSTANDING_R2T].def;
	p->max_connections = ktgt_keys[KTGT_P_MAX_CONNECTIONS].def;
	p->default_time2wait = ktgt_keys[KTGT_P_DEFAULT_TIME2WAIT].def;
	p->default_time2retain = ktgt_keys[KTGT_P_DEFAULT_TIME2RETAIN].def;
	p->erl = ktgt_keys[KTGT_P_ERROR_RECOVERY_LEVEL].def;
	p->header_digest = false;
	p->data_digest = false;
	p->initial_r2t = true;
	p->immediate_data = true;
	p->data_pdu_in_order = true;
	p->data_seq_in_order = true;
}

/* Store a negotiated value of a configurable key into n->params. */
static void ktgt_set_param(struct ktgt_nego *n, int id, u32 v)
{
	struct ktgt_params *p = &n->params;

	switch (id) {
	case KTGT_P_HEADER_DIGEST:
		p->header_digest = v == KTGT_DIG_CRC32C;
		break;
	case KTGT_P_DATA_DIGEST:
		p->data_digest = v == KTGT_DIG_CRC32C;
		break;
	case KTGT_P_MAX_CONNECTIONS:
		p->max_connections = v;
		break;
	case KTGT_P_INITIAL_R2T:
		p->initial_r2t = v;
		break;
	case KTGT_P_IMMEDIATE_DATA:
		p->immediate_data = v;
		break;
	case KTGT_P_MAX_RECV_DSL:
		p->max_xmit_dsl = v;
		break;
	case KTGT_P_MAX_BURST:
		p->max_burst = v;
		break;
	case KTGT_P_FIRST_BURST:
		p->first_burst = v;
		break;
	case KTGT_P_DEFAULT_TIME2WAIT:
		p->default_time2wait = v;
		break;
	case KTGT_P_DEFAULT_TIME2RETAIN:
		p->default_time2retain = v;
		break;
	case KTGT_P_MAX_OUTSTANDING_R2T:
		p->max_outstanding_r2t = v;
		break;
	case KTGT_P_DATA_PDU_IN_ORDER:
		p->data_pdu_in_order = v;
		break;
	case KTGT_P_DATA_SEQUENCE_IN_ORDER:
		p->data_seq_in_order = v;
		break;
	case KTGT_P_ERROR_RECOVERY_LEVEL:
		p->erl = v;
		break;
	default:
		break;		/* markers: always No, nothing to keep */
	}
}

/* Per-request context */
struct ktgt_nego_req {
	struct ktgt_nego *n;
	struct ktgt_textbuf *out;
	int stage;
	const char *text;
	u32 len;
};

static int ktgt_answer(struct ktgt_nego_req *r, int id, const char *val)
{
	const char *name = ktgt_keys[id].name;

	r->n->answered |= 1ULL << id;
	if (ktgt_tb_add(r->out, name, (u32)strlen(name), val,
			(u32)strlen(val)))
		return KTGT_ST_NOSPC;
	return 0;
}

static int ktgt_answer_num(struct ktgt_nego_req *r, int id, u32 v)
{
	char buf[12];

	return ktgt_answer(r, id, ktgt_u32_str(v, buf));
}

static const char *ktgt_bool_str(u32 v)
{
	return v ? "Yes" : "No";
}

static const char *ktgt_digest_str(u32 bit)
{
	return bit == KTGT_DIG_CRC32C ? "CRC32C" : "None";
}

static bool ktgt_is_chap(const struct ktgt_nego *n)
{
	return !strcmp(n->auth_method, "CHAP");
}

/* The bound on FirstBurstLength that MaxBurstLength will impose. */
static u32 ktgt_max_burst_bound(struct ktgt_nego_req *r)
{
	struct ktgt_nego *n = r->n;
	u32 ours = n->ours[KTGT_P_MAX_BURST];
	const char *val;
	u32 vlen, v;

	if (n->seen & (1ULL << KTGT_P_MAX_BURST))
		return n->params.max_burst;
	if (ktgt_text_find(r->text, r->len, "MaxBurstLength", &val, &vlen) &&
	    ktgt_parse_range(val, vlen, KTGT_LEN_MIN, KTGT_LEN_MAX, &v))
		return min_t(u32, v, ours);
	return ours;
}

/* The initiator's answer to a key the target offered. */
static int ktgt_nego_reply(struct ktgt_nego_req *r, int id, const char *val,
			   u32 vlen)
{
	struct ktgt_nego *n = r->n;
	const struct ktgt_keydef *d = &ktgt_keys[id];
	u32 ours = n->ours[id];
	u32 v;

	/* the key keeps its current (default) value */
	if (ktgt_str_eq(val, vlen, "Reject") ||
	    ktgt_str_eq(val, vlen, "Irrelevant") ||
	    ktgt_str_eq(val, vlen, "NotUnderstood"))
		return 0;

	switch (d->type) {
	case KTGT_KT_DIGEST:
		v = ktgt_digest_bit(val, vlen);
		if (!(v & ours))
			return KTGT_ST_INIT_ERR;
		break;
	case KTGT_KT_AND:
	case KTGT_KT_OR:
		if (!ktgt_parse_bool(val, vlen, &v))
			return KTGT_ST_INIT_ERR;
		if ((d->type == KTGT_KT_AND ? (v && ours) : (v || ours)) != v)
			return KTGT_ST_INIT_ERR;
		break;
	case KTGT_KT_MIN:
	case KTGT_KT_MAX:
		if (!ktgt_parse_range(val, vlen, d->min, d->max, &v))
			return KTGT_ST_INIT_ERR;
		if (d->type == KTGT_KT_MIN ? v > ours : v < ours)
			return KTGT_ST_INIT_ERR;
		break;
	default:
		return KTGT_ST_INIT_ERR;
	}
	ktgt_set_param(n, id, v);
	return 0;
}

static int ktgt_nego_digest(struct ktgt_nego_req *r, int id, const char *val,
			    u32 vlen)
{
	const char *p = val, *item;
	u32 ilen;

	if (!ktgt_list_valid(val, vlen))
		return ktgt_answer(r, id, "Reject");
	/* the first value in the originator's list that we allow */
	while (ktgt_list_next(&p, val + vlen, &item, &ilen)) {
		u32 bit = ktgt_digest_bit(item, ilen);

		if (bit & r->n->ours[id]) {
			ktgt_set_param(r->n, id, bit);
			return ktgt_answer(r, id, ktgt_digest_str(bit));
		}
	}
	return ktgt_answer(r, id, "Reject");
}

static int ktgt_nego_auth(struct ktgt_nego_req *r, const char *val, u32 vlen)
{
	struct ktgt_nego *n = r->n;
	const char *p = val, *item;
	bool none = false, chap = false;
	const char *pick;
	u32 ilen;
	int st;

	if (!ktgt_list_valid(val, vlen)) {
		st = ktgt_answer(r, KTGT_K_AUTH_METHOD, "Reject");
		return st ? st : KTGT_ST_AUTH;
	}
	while (ktgt_list_next(&p, val + vlen, &item, &ilen)) {
		none |= ktgt_str_eq(item, ilen, "None");
		chap |= ktgt_str_eq(item, ilen, "CHAP");
	}
	if (n->auth_required)
		pick = chap ? "CHAP" : NULL;
	else
		pick = none ? "None" : chap ? "CHAP" : NULL;
	if (!pick) {
		st = ktgt_answer(r, KTGT_K_AUTH_METHOD, "Reject");
		return st ? st : KTGT_ST_AUTH;
	}
	strcpy(n->auth_method, pick);
	return ktgt_answer(r, KTGT_K_AUTH_METHOD, pick);
}

static int ktgt_nego_bool(struct ktgt_nego_req *r, int id, const char *val,
			  u32 vlen)
{
	const struct ktgt_keydef *d = &ktgt_keys[id];
	u32 v, res;

	if (!ktgt_parse_bool(val, vlen, &v))
		return ktgt_answer(r, id, "Reject");
	if (d->type == KTGT_KT_AND)
		res = v && r->n->ours[id];
	else
		res = v || r->n->ours[id];
	ktgt_set_param(r->n, id, res);
	return ktgt_answer(r, id, ktgt_bool_str(res));
}

static int ktgt_nego_number(struct ktgt_nego_req *r, int id, const char *val,
			    u32 vlen)
{
	const struct ktgt_keydef *d = &ktgt_keys[id];
	u32 v, res;

	if (!ktgt_parse_range(val, vlen, d->min, d->max, &v))
		return ktgt_answer(r, id, "Reject");
	if (d->type == KTGT_KT_DECL) {
		/* the initiator's receive limit is our transmit limit */
		ktgt_set_param(r->n, id, v);
		return 0;
	}
	if (d->type == KTGT_KT_MAX) {
		res = max_t(u32, v, r->n->ours[id]);
	} else {
		res = min_t(u32, v, r->n->ours[id]);
		if (id == KTGT_P_FIRST_BURST)
			res = min_t(u32, res, ktgt_max_burst_bound(r));
	}
	ktgt_set_param(r->n, id, res);
	return ktgt_answer_num(r, id, res);
}

static int ktgt_nego_session_type(struct ktgt_nego_req *r, const char *val,
				  u32 vlen)
{
	enum ktgt_session_type t;

	if (ktgt_str_eq(val, vlen, "Normal"))
		t = KTGT_SESSION_NORMAL;
	else if (ktgt_str_eq(val, vlen, "Discovery"))
		t = KTGT_SESSION_DISCOVERY;
	else
		return KTGT_ST_SESS_TYPE;
	/* set from the first request; it cannot change afterwards */
	if (r->n->session_type != KTGT_SESSION_UNSET &&
	    r->n->session_type != t)
		return KTGT_ST_INIT_ERR;
	r->n->session_type = t;
	return 0;
}

static int ktgt_nego_name(struct ktgt_nego_req *r, int id, const char *val,
			  u32 vlen)
{
	struct ktgt_nego *n = r->n;

	/* names belong in the first Login Request (RFC 7143 13.4, 13.5) */
	if (n->started)
		return KTGT_ST_INIT_ERR;
	if (!ktgt_name_valid(val, vlen))
		return ktgt_answer(r, id, "Reject");
	if (id == KTGT_K_INITIATOR_NAME)
		ktgt_copy_str(n->initiator_name, sizeof(n->initiator_name),
			      val, vlen);
	else
		ktgt_copy_str(n->target_name, sizeof(n->target_name), val,
			      vlen);
	return 0;
}

static bool ktgt_is_answer_only(const char *val, u32 vlen)
{
	return ktgt_str_eq(val, vlen, "Reject") ||
	       ktgt_str_eq(val, vlen, "Irrelevant") ||
	       ktgt_str_eq(val, vlen, "NotUnderstood");
}

static int ktgt_lookup_key(const char *k, u32 klen)
{
	int i;

	for (i = 0; i < KTGT_K_NR; i++)
		if (ktgt_str_eq(k, klen, ktgt_keys[i].name))
			return i;
	return -1;
}

static int ktgt_nego_key(struct ktgt_nego_req *r, const char *k, u32 klen,
			 const char *val, u32 vlen)
{
	struct ktgt_nego *n = r->n;
	const struct ktgt_keydef *d;
	u64 bit;
	int id;

	if (!val || !ktgt_key_valid(k, klen))
		return KTGT_ST_INIT_ERR;

	id = ktgt_lookup_key(k, klen);
	if (id < 0) {
		/* unknown, X- and X# extension keys alike */
		if (ktgt_tb_add(r->out, k, klen, "NotUnderstood", 13))
			return KTGT_ST_NOSPC;
		return 0;
	}
	d = &ktgt_keys[id];
	bit = 1ULL << id;

	if ((d->flags & KTGT_KF_SECURITY) && r->stage != KTGT_STAGE_SECURITY)
		return KTGT_ST_INIT_ERR;
	if (d->type == KTGT_KT_CHAP) {
		/* the CHAP exchange is the caller's; stray CHAP keys are not */
		if (ktgt_is_chap(n))
			return 0;
		return ktgt_answer(r, id, "Irrelevant");
	}
	/* keys only a target sends, or only sent in full feature phase */
	if (d->type == KTGT_KT_TARGET_ONLY || d->type == KTGT_KT_FFP_ONLY) {
		if (ktgt_tb_add(r->out, k, klen, "Reject", 6))
			return KTGT_ST_NOSPC;
		return 0;
	}

	/* RFC 7143 6.2: no key may be negotiated or declared twice */
	if (n->seen & bit)
		return KTGT_ST_INIT_ERR;
	n->seen |= bit;

	if (n->offered & bit)
		return ktgt_nego_reply(r, id, val, vlen);
	/* answers to offers we never made: nothing to negotiate */
	if (ktgt_is_answer_only(val, vlen))
		return 0;

	if (d->type == KTGT_KT_SESSION_TYPE)
		return ktgt_nego_session_type(r, val, vlen);
	if (d->type == KTGT_KT_NAME)
		return ktgt_nego_name(r, id, val, vlen);

	if (vlen > KTGT_KEY_VALUE_MAX)
		return ktgt_answer(r, id, "Reject");
	if (n->session_type == KTGT_SESSION_DISCOVERY &&
	    (d->flags & KTGT_KF_DISC_IRR))
		return ktgt_answer(r, id, "Irrelevant");
	if (!n->leading && (d->flags & KTGT_KF_LO))
		return ktgt_answer(r, id, "Reject");

	switch (d->type) {
	case KTGT_KT_DIGEST:
		return ktgt_nego_digest(r, id, val, vlen);
	case KTGT_KT_AND:
	case KTGT_KT_OR:
		return ktgt_nego_bool(r, id, val, vlen);
	case KTGT_KT_MIN:
	case KTGT_KT_MAX:
	case KTGT_KT_DECL:
		return ktgt_nego_number(r, id, val, vlen);
	case KTGT_KT_MARKINT:
		/* markers are always No, so the interval does not matter */
		if (!ktgt_parse_num_range(val, vlen, d->min, d->max))
			return ktgt_answer(r, id, "Reject");
		return ktgt_answer(r, id, "Irrelevant");
	case KTGT_KT_ALIAS:
		if (!ktgt_text_printable(val, vlen))
			return ktgt_answer(r, id, "Reject");
		ktgt_copy_str(n->initiator_alias, sizeof(n->initiator_alias),
			      val, vlen);
		return 0;
	case KTGT_KT_AUTH:
		return ktgt_nego_auth(r, val, vlen);
	case KTGT_KT_TASK_REPORTING: {
		const char *p = val, *item;
		u32 ilen;

		if (ktgt_list_valid(val, vlen))
			while (ktgt_list_next(&p, val + vlen, &item, &ilen))
				if (ktgt_str_eq(item, ilen, "RFC3720"))
					return ktgt_answer(r, id, "RFC3720");
		return ktgt_answer(r, id, "Reject");
	}
	default:
		return ktgt_answer(r, id, "Reject");
	}
}

int ktgt_nego_login(struct ktgt_nego *n, int stage, const char *text, u32 len,
		    struct ktgt_textbuf *out)
{
	struct ktgt_nego_req r = {
		.n = n, .out = out, .stage = stage, .text = text, .len = len,
	};
	struct ktgt_text_iter it;
	const char *k, *val;
	u32 klen, vlen;
	int st;

	if (stage != KTGT_STAGE_SECURITY && stage != KTGT_STAGE_OPERATIONAL)
		return KTGT_ST_INIT_ERR;
	/* no operational stage before authentication */
	if (stage == KTGT_STAGE_OPERATIONAL && n->auth_required &&
	    !ktgt_is_chap(n))
		return KTGT_ST_AUTH;
	if (n->offers_sent)
		n->offers_replied = true;

	if (!n->started) {
		/* the session type decides what is relevant: find it first */
		n->session_type = KTGT_SESSION_NORMAL;
		if (ktgt_text_find(text, len, "SessionType", &val, &vlen)) {
			if (ktgt_str_eq(val, vlen, "Discovery"))
				n->session_type = KTGT_SESSION_DISCOVERY;
			else if (!ktgt_str_eq(val, vlen, "Normal"))
				return KTGT_ST_SESS_TYPE;
		}
	}

	ktgt_text_iter_init(&it, text, len);
	while (ktgt_text_next(&it, &k, &klen, &val, &vlen)) {
		st = ktgt_nego_key(&r, k, klen, val, vlen);
		if (st)
			return st;
	}

	if (!n->started) {
		n->started = true;
		if (!n->initiator_name[0])
			return KTGT_ST_MISSING;
		if (n->session_type == KTGT_SESSION_NORMAL &&
		    !n->target_name[0])
			return KTGT_ST_MISSING;
	}
	return 0;
}

int ktgt_nego_leave_security(const struct ktgt_nego *n, bool chap_ok)
{
	if (ktgt_is_chap(n))
		return chap_ok ? 0 : KTGT_ST_AUTH;
	return n->auth_required ? KTGT_ST_AUTH : 0;
}

bool ktgt_nego_pending(const struct ktgt_nego *n)
{
	return (n->offered & ~n->seen) != 0;
}

/* Does the target need to offer configurable key @id itself? */
static bool ktgt_needs_offer(const struct ktgt_nego *n, int id)
{
	const struct ktgt_keydef *d = &ktgt_keys[id];

	if (n->seen & (1ULL << id))
		return false;
	if (n->session_type == KTGT_SESSION_DISCOVERY &&
	    (d->flags & KTGT_KF_DISC_IRR))
		return false;
	if (!n->leading && (d->flags & KTGT_KF_LO))
		return false;
	/*
	 * Offer only when the RFC default, which applies to a key nobody
	 * negotiates, would break the target's configured limit: a mere
	 * preference (a larger MaxBurstLength, say) is not worth holding
	 * the initiator back with T=0.
	 */
	switch (d->type) {
	case KTGT_KT_DIGEST:
		return !(n->ours[id] & KTGT_DIG_NONE);
	case KTGT_KT_AND:
	case KTGT_KT_MIN:
		return n->ours[id] < d->def;
	case KTGT_KT_OR:
	case KTGT_KT_MAX:
		return n->ours[id] > d->def;
	default:
		return false;
	}
}

static int ktgt_offer(struct ktgt_nego *n, struct ktgt_textbuf *out, int id)
{
	const char *name = ktgt_keys[id].name;
	u32 v = n->ours[id];
	char buf[12];
	const char *s;

	switch (ktgt_keys[id].type) {
	case KTGT_KT_DIGEST:
		if (!(v & KTGT_DIG_NONE))
			s = "CRC32C";
		else if (v & KTGT_DIG_CRC_FIRST)
			s = "CRC32C,None";
		else
			s = "None,CRC32C";
		break;
	case KTGT_KT_AND:
	case KTGT_KT_OR:
		s = ktgt_bool_str(v);
		break;
	default:
		s = ktgt_u32_str(v, buf);
		break;
	}
	n->offered |= 1ULL << id;
	n->answered |= 1ULL << id;
	return ktgt_textbuf_add(out, name, s) ? KTGT_ST_NOSPC : 0;
}

static int ktgt_declare(struct ktgt_nego *n, struct ktgt_textbuf *out, int id,
			const char *val)
{
	if (n->declared & (1ULL << id))
		return 0;
	n->declared |= 1ULL << id;
	n->answered |= 1ULL << id;
	return ktgt_textbuf_add(out, ktgt_keys[id].name, val) ?
	       KTGT_ST_NOSPC : 0;
}

int ktgt_nego_finish(struct ktgt_nego *n, struct ktgt_textbuf *out)
{
	struct ktgt_params *p = &n->params;
	char buf[12];
	int id, st;

	if (!n->started)
		return KTGT_ST_MISSING;

	if (n->offers_replied) {
		/* unanswered offers keep their defaults (RFC 7143 6.2) */
		n->seen |= n->offered;
	} else if (!n->offers_sent) {
		for (id = 0; id < KTGT_P_NR_CONFIGURABLE; id++) {
			if (!ktgt_needs_offer(n, id))
				continue;
			st = ktgt_offer(n, out, id);
			if (st)
				return st;
		}
		n->offers_sent = n->offered != 0;
	}

	st = ktgt_declare(n, out, KTGT_P_MAX_RECV_DSL,
			  ktgt_u32_str(p->max_recv_dsl, buf));
	if (st)
		return st;
	if (n->session_type == KTGT_SESSION_NORMAL && n->target_alias[0]) {
		st = ktgt_declare(n, out, KTGT_P_TARGET_ALIAS, n->target_alias);
		if (st)
			return st;
	}
	if (ktgt_nego_pending(n))
		return 0;

	/* a digest the target insists on must have been agreed */
	if (!(n->ours[KTGT_P_HEADER_DIGEST] & KTGT_DIG_NONE) &&
	    !p->header_digest)
		return KTGT_ST_INIT_ERR;
	if (!(n->ours[KTGT_P_DATA_DIGEST] & KTGT_DIG_NONE) && !p->data_digest)
		return KTGT_ST_INIT_ERR;
	/*
	 * RFC 7143 13.14: FirstBurstLength must not exceed MaxBurstLength.
	 * The two keys are negotiated independently: a FirstBurstLength
	 * answered before a smaller MaxBurstLength arrived (or was answered
	 * to our offer), or a default, can come out larger.  A key cannot be
	 * negotiated again, so the session uses MaxBurstLength as its
	 * FirstBurstLength; an initiator bound by both limits sends no more
	 * unsolicited data than that anyway.
	 */
	if (n->session_type == KTGT_SESSION_NORMAL && n->leading &&
	    p->first_burst > p->max_burst)
		p->first_burst = p->max_burst;
	return 0;
}
