// SPDX-License-Identifier: GPL-2.0
/*
 * CHAP for the login security stage (RFC 1994, RFC 7143 12.1.3): target
 * side, with optional mutual authentication.  Pure: the hash and random
 * bytes come from struct ktgt_chap_ops.
 */
#include "ktgt_compat.h"
#include "ktgt_params.h"
#include "ktgt_chap.h"

#define KTGT_CHAP_ST_FAIL	KTGT_LOGIN_ST_AUTH_FAILED
#define KTGT_CHAP_ST_TGT_ERR	\
	KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_TARGET_ERR, KTGT_LOGIN_TGT_ERROR)
#define KTGT_CHAP_ST_NOSPC	KTGT_LOGIN_ST_NO_RESOURCES

/* CHAP keys, as bits of the per-request "seen" mask */
enum {
	KTGT_CK_A,
	KTGT_CK_I,
	KTGT_CK_C,
	KTGT_CK_N,
	KTGT_CK_R,
	KTGT_CK_NR,
};

static const char *const ktgt_chap_keys[KTGT_CK_NR] = {
	[KTGT_CK_A] = "CHAP_A",
	[KTGT_CK_I] = "CHAP_I",
	[KTGT_CK_C] = "CHAP_C",
	[KTGT_CK_N] = "CHAP_N",
	[KTGT_CK_R] = "CHAP_R",
};

#ifdef __KERNEL__
#define ktgt_chap_zero(p, n)	memzero_explicit(p, n)
#else
static void ktgt_chap_zero(void *p, size_t n)
{
	memset(p, 0, n);
	__asm__ __volatile__("" : : "r"(p) : "memory");
}
#endif

static u32 ktgt_chap_digest_len(u8 alg)
{
	switch (alg) {
	case KTGT_CHAP_ALG_MD5:
		return 16;
	case KTGT_CHAP_ALG_SHA1:
		return 20;
	case KTGT_CHAP_ALG_SHA256:
	case KTGT_CHAP_ALG_SHA3_256:
		return 32;
	default:
		return 0;
	}
}

static bool ktgt_chap_eq(const char *s, u32 len, const char *lit)
{
	u32 l = (u32)strlen(lit);

	return len == l && !memcmp(s, lit, l);
}

/* Constant time: the time taken does not depend on where bytes differ. */
static bool ktgt_chap_memeq(const u8 *a, const u8 *b, u32 len)
{
	u8 diff = 0;
	u32 i;

	for (i = 0; i < len; i++)
		diff |= a[i] ^ b[i];
	return !diff;
}

static int ktgt_chap_b64val(char c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	if (c == '+')
		return 62;
	if (c == '/')
		return 63;
	return -1;
}

static int ktgt_chap_decode_hex(const char *s, u32 len, u8 *out, u32 cap)
{
	u32 n = (len + 1) / 2, i = 0, o = 0;

	if (!len || n > cap)
		return -EINVAL;
	if (len & 1) {
		/* odd number of digits: implied leading zero */
		int d = ktgt_hex_val(s[0]);

		if (d < 0)
			return -EINVAL;
		out[o++] = (u8)d;
		i = 1;
	}
	for (; i < len; i += 2) {
		int hi = ktgt_hex_val(s[i]);
		int lo = ktgt_hex_val(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		out[o++] = (u8)(hi << 4 | lo);
	}
	return (int)o;
}

/* RFC 4648 base64; the '=' padding may be omitted. */
static int ktgt_chap_decode_b64(const char *s, u32 len, u8 *out, u32 cap)
{
	u32 acc = 0, bits = 0, o = 0, i, pad = 0;

	while (pad < 2 && len > pad && s[len - 1 - pad] == '=')
		pad++;
	len -= pad;
	if (!len || (pad && (len + pad) % 4) || len % 4 == 1)
		return -EINVAL;
	for (i = 0; i < len; i++) {
		int v = ktgt_chap_b64val(s[i]);

		if (v < 0)
			return -EINVAL;
		acc = (acc << 6 | (u32)v) & 0xffffff;
		bits += 6;
		if (bits >= 8) {
			bits -= 8;
			if (o >= cap)
				return -EINVAL;
			out[o++] = (u8)(acc >> bits);
		}
	}
	return o ? (int)o : -EINVAL;
}

int ktgt_chap_decode_binary(const char *s, u32 len, u8 *out, u32 cap)
{
	if (len < 3 || s[0] != '0')
		return -EINVAL;
	if (s[1] == 'x' || s[1] == 'X')
		return ktgt_chap_decode_hex(s + 2, len - 2, out, cap);
	if (s[1] == 'b' || s[1] == 'B')
		return ktgt_chap_decode_b64(s + 2, len - 2, out, cap);
	return -EINVAL;
}

/* numerical-value (decimal or 0x hex) at most @max */
static bool ktgt_chap_parse_num(const char *s, u32 len, u32 max, u32 *out)
{
	u32 v = 0, i = 0, base = 10;

	if (len > 2 && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		i = 2;
	}
	if (i >= len)
		return false;
	for (; i < len; i++) {
		int d = base == 16 ? ktgt_hex_val(s[i]) :
			(s[i] >= '0' && s[i] <= '9') ? s[i] - '0' : -1;

		if (d < 0)
			return false;
		v = v * base + (u32)d;
		if (v > max)
			return false;
	}
	*out = v;
	return true;
}

static int ktgt_chap_copy(char *dst, const char *src)
{
	size_t len = src ? strnlen(src, KTGT_CHAP_NAME_MAX) : 0;

	if (len >= KTGT_CHAP_NAME_MAX)
		return -EINVAL;
	memcpy(dst, src ? src : "", len);
	dst[len] = '\0';
	return (int)len;
}

int ktgt_chap_init(struct ktgt_chap *c, const struct ktgt_chap_ops *ops,
		   void *priv, const char *user, const char *secret,
		   const char *mutual_user, const char *mutual_secret)
{
	int len, a;

	memset(c, 0, sizeof(*c));
	c->ops = ops;
	c->priv = priv;
	c->state = KTGT_CHAP_FAILED;
	for (a = KTGT_CHAP_ALG_MD5; a <= KTGT_CHAP_ALG_SHA3_256; a++)
		if (ops && ops->has_alg && ops->has_alg(priv, (u8)a))
			c->algs |= KTGT_CHAP_ALG_BIT(a);

	if (ktgt_chap_copy(c->user, user) < 0 ||
	    ktgt_chap_copy(c->mutual_user, mutual_user) < 0)
		return -EINVAL;
	len = ktgt_chap_copy((char *)c->secret, secret);
	if (len < 0)
		return -EINVAL;
	c->secret_len = (u32)len;
	len = ktgt_chap_copy((char *)c->mutual_secret, mutual_secret);
	if (len < 0) {
		ktgt_chap_wipe(c);
		return -EINVAL;
	}
	c->mutual_secret_len = (u32)len;
	if (ops && ops->digest && ops->random)
		c->state = KTGT_CHAP_WAIT_A;
	return 0;
}

void ktgt_chap_wipe(struct ktgt_chap *c)
{
	ktgt_chap_zero(c, sizeof(*c));
	c->state = KTGT_CHAP_FAILED;
}

bool ktgt_chap_done(const struct ktgt_chap *c)
{
	return c->state == KTGT_CHAP_DONE;
}

static int ktgt_chap_add(struct ktgt_textbuf *out, const char *key,
			 const char *val)
{
	return ktgt_textbuf_add(out, key, val) ? KTGT_CHAP_ST_NOSPC : 0;
}

static void ktgt_chap_u32_str(u32 v, char buf[12])
{
	char tmp[12];
	int n = 0, i = 0;

	do {
		tmp[n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	while (n)
		buf[i++] = tmp[--n];
	buf[i] = '\0';
}

/* "0x" + lowercase hex of @len bytes into @buf (2 * len + 3 bytes) */
static void ktgt_chap_hex(const u8 *p, u32 len, char *buf)
{
	static const char digits[] = "0123456789abcdef";
	u32 i;

	buf[0] = '0';
	buf[1] = 'x';
	for (i = 0; i < len; i++) {
		buf[2 + 2 * i] = digits[p[i] >> 4];
		buf[3 + 2 * i] = digits[p[i] & 15];
	}
	buf[2 + 2 * len] = '\0';
}

/* H(id || secret || challenge) */
static int ktgt_chap_response(struct ktgt_chap *c, u8 id, const u8 *secret,
			      u32 secret_len, const u8 *chal, u32 chal_len,
			      u8 *out)
{
	struct ktgt_chap_buf parts[3] = {
		{ &id, 1 }, { secret, secret_len }, { chal, chal_len },
	};

	if (c->ops->digest(c->priv, c->alg, parts, 3, out))
		return KTGT_CHAP_ST_TGT_ERR;
	return 0;
}

/* CHAP_A: pick the first algorithm of the initiator's list we accept. */
static int ktgt_chap_select(struct ktgt_chap *c, const char *val, u32 vlen,
			    struct ktgt_textbuf *out)
{
	const char *p = val, *end = val + vlen;
	char buf[2 * KTGT_CHAP_DIGEST_MAX + 3];
	u32 a;
	int st;

	c->alg = 0;
	while (p <= end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		u32 ilen = (u32)((comma ? comma : end) - p);

		if (ktgt_chap_parse_num(p, ilen, 255, &a) && a < 32 &&
		    (c->algs & KTGT_CHAP_ALG_BIT(a)) &&
		    ktgt_chap_digest_len((u8)a)) {
			c->alg = (u8)a;
			break;
		}
		if (!comma)
			break;
		p = comma + 1;
	}
	if (!c->alg) {
		st = ktgt_chap_add(out, "CHAP_A", "Reject");
		return st ? st : KTGT_CHAP_ST_FAIL;
	}
	c->digest_len = (u8)ktgt_chap_digest_len(c->alg);
	c->challenge_len = max_t(u32, c->digest_len, KTGT_CHAP_CHALLENGE_MIN);
	c->ops->random(c->priv, &c->id, 1);
	c->ops->random(c->priv, c->challenge, c->challenge_len);

	ktgt_chap_u32_str(c->alg, buf);
	st = ktgt_chap_add(out, "CHAP_A", buf);
	if (st)
		return st;
	ktgt_chap_u32_str(c->id, buf);
	st = ktgt_chap_add(out, "CHAP_I", buf);
	if (st)
		return st;
	ktgt_chap_hex(c->challenge, c->challenge_len, buf);
	st = ktgt_chap_add(out, "CHAP_C", buf);
	if (st)
		return st;
	c->state = KTGT_CHAP_WAIT_R;
	return 0;
}

/* The keys of one request, located by ktgt_chap_process() */
struct ktgt_chap_req {
	const char *val[KTGT_CK_NR];
	u32 vlen[KTGT_CK_NR];
	u32 seen;
};

static int ktgt_chap_verify(struct ktgt_chap *c, struct ktgt_chap_req *r)
{
	u8 expect[KTGT_CHAP_DIGEST_MAX], got[KTGT_CHAP_DIGEST_MAX];
	int n, st;
	bool ok;

	if (!(r->seen & (1U << KTGT_CK_N)) || !(r->seen & (1U << KTGT_CK_R)))
		return KTGT_CHAP_ST_FAIL;
	if (!c->user[0] || !c->secret_len ||
	    !ktgt_chap_eq(r->val[KTGT_CK_N], r->vlen[KTGT_CK_N], c->user))
		return KTGT_CHAP_ST_FAIL;
	n = ktgt_chap_decode_binary(r->val[KTGT_CK_R], r->vlen[KTGT_CK_R],
				    got, sizeof(got));
	if (n != c->digest_len)
		return KTGT_CHAP_ST_FAIL;
	st = ktgt_chap_response(c, c->id, c->secret, c->secret_len,
				c->challenge, c->challenge_len, expect);
	if (st)
		return st;
	ok = ktgt_chap_memeq(expect, got, c->digest_len);
	ktgt_chap_zero(expect, sizeof(expect));
	return ok ? 0 : KTGT_CHAP_ST_FAIL;
}

/* Mutual CHAP: answer the initiator's CHAP_I/CHAP_C. */
static int ktgt_chap_mutual(struct ktgt_chap *c, struct ktgt_chap_req *r,
			    struct ktgt_textbuf *out)
{
	char buf[2 * KTGT_CHAP_DIGEST_MAX + 3];
	u8 rsp[KTGT_CHAP_DIGEST_MAX];
	u32 id;
	int n, st;

	if (!c->mutual_user[0] || !c->mutual_secret_len)
		return KTGT_CHAP_ST_FAIL;
	/* RFC 7143 12.1.3: never the same secret in both directions */
	if (c->mutual_secret_len == c->secret_len &&
	    !memcmp(c->mutual_secret, c->secret, c->secret_len))
		return KTGT_CHAP_ST_FAIL;
	if (!ktgt_chap_parse_num(r->val[KTGT_CK_I], r->vlen[KTGT_CK_I], 255,
				 &id))
		return KTGT_CHAP_ST_FAIL;
	n = ktgt_chap_decode_binary(r->val[KTGT_CK_C], r->vlen[KTGT_CK_C],
				    c->peer_challenge,
				    sizeof(c->peer_challenge));
	if (n <= 0)
		return KTGT_CHAP_ST_FAIL;
	/* a reflected challenge would make us compute our own answer */
	if ((u32)n == c->challenge_len &&
	    ktgt_chap_memeq(c->peer_challenge, c->challenge, c->challenge_len))
		return KTGT_CHAP_ST_FAIL;

	st = ktgt_chap_response(c, (u8)id, c->mutual_secret,
				c->mutual_secret_len, c->peer_challenge,
				(u32)n, rsp);
	if (st)
		return st;
	st = ktgt_chap_add(out, "CHAP_N", c->mutual_user);
	if (!st) {
		ktgt_chap_hex(rsp, c->digest_len, buf);
		st = ktgt_chap_add(out, "CHAP_R", buf);
	}
	ktgt_chap_zero(rsp, sizeof(rsp));
	if (!st)
		c->mutual = true;
	return st;
}

static int ktgt_chap_step(struct ktgt_chap *c, struct ktgt_chap_req *r,
			  struct ktgt_textbuf *out)
{
	u32 mutual = (1U << KTGT_CK_I) | (1U << KTGT_CK_C);
	int st;

	switch (c->state) {
	case KTGT_CHAP_WAIT_A:
		if (r->seen != 1U << KTGT_CK_A)
			return KTGT_CHAP_ST_FAIL;
		return ktgt_chap_select(c, r->val[KTGT_CK_A],
					r->vlen[KTGT_CK_A], out);
	case KTGT_CHAP_WAIT_R:
		if (r->seen & (1U << KTGT_CK_A))
			return KTGT_CHAP_ST_FAIL;
		st = ktgt_chap_verify(c, r);
		if (st)
			return st;
		if ((r->seen & mutual) == mutual) {
			st = ktgt_chap_mutual(c, r, out);
			if (st)
				return st;
		} else if (r->seen & mutual) {
			return KTGT_CHAP_ST_FAIL;
		}
		c->state = KTGT_CHAP_DONE;
		return 0;
	default:
		return KTGT_CHAP_ST_FAIL;
	}
}

int ktgt_chap_process(struct ktgt_chap *c, const char *text, u32 len,
		      struct ktgt_textbuf *out)
{
	struct ktgt_chap_req r;
	struct ktgt_text_iter it;
	const char *k, *v;
	u32 kl, vl;
	int i, st;

	memset(&r, 0, sizeof(r));
	ktgt_text_iter_init(&it, text, len);
	while (ktgt_text_next(&it, &k, &kl, &v, &vl)) {
		for (i = 0; i < KTGT_CK_NR; i++)
			if (ktgt_chap_eq(k, kl, ktgt_chap_keys[i]))
				break;
		if (i == KTGT_CK_NR)
			continue;
		/* each key once, with a value of sane length */
		if (!v || (r.seen & (1U << i)) || !vl ||
		    vl > KTGT_CHAP_VALUE_MAX) {
			c->state = KTGT_CHAP_FAILED;
			return KTGT_CHAP_ST_FAIL;
		}
		r.seen |= 1U << i;
		r.val[i] = v;
		r.vlen[i] = vl;
	}
	if (!r.seen)
		return c->state == KTGT_CHAP_FAILED ? KTGT_CHAP_ST_FAIL : 0;

	st = ktgt_chap_step(c, &r, out);
	if (st)
		c->state = KTGT_CHAP_FAILED;
	return st;
}
