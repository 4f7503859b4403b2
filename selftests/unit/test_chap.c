// SPDX-License-Identifier: GPL-2.0
/*
 * Unit tests of iscsi_tgt/chap.c, with small MD5 (RFC 1321), SHA-1 and
 * SHA-256 (FIPS 180-4) implementations standing in for crypto_shash.
 */
#include "ktgt_compat.h"
#include "ktgt_params.h"
#include "ktgt_chap.h"
#include "ktgt_unit.h"

/* ------------------------------------------------------------------ */
/* Hashes: one-shot over a list of parts, enough for the tests         */

struct test_hash {
	u32 h[8];
	u8 block[64];
	u32 fill;
	u64 total;
	int alg;
};

static u32 rol32(u32 v, int s)
{
	return v << s | v >> (32 - s);
}

static u32 ror32(u32 v, int s)
{
	return v >> s | v << (32 - s);
}

static void md5_block(u32 *h, const u8 *b)
{
	static const u32 k[64] = {
		0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf,
		0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8, 0x8b44f7af,
		0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e,
		0x49b40821, 0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa,
		0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6,
		0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8,
		0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122,
		0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
		0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
		0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97,
		0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d,
		0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1,
		0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
	};
	static const int r[16] = {
		7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21,
	};
	u32 m[16], a = h[0], bb = h[1], c = h[2], d = h[3];
	int i;

	for (i = 0; i < 16; i++)
		m[i] = (u32)b[4 * i] | (u32)b[4 * i + 1] << 8 |
		       (u32)b[4 * i + 2] << 16 | (u32)b[4 * i + 3] << 24;
	for (i = 0; i < 64; i++) {
		u32 f, t;
		int g;

		if (i < 16) {
			f = (bb & c) | (~bb & d);
			g = i;
		} else if (i < 32) {
			f = (d & bb) | (~d & c);
			g = (5 * i + 1) & 15;
		} else if (i < 48) {
			f = bb ^ c ^ d;
			g = (3 * i + 5) & 15;
		} else {
			f = c ^ (bb | ~d);
			g = (7 * i) & 15;
		}
		t = d;
		d = c;
		c = bb;
		bb += rol32(a + f + k[i] + m[g], r[(i >> 4) * 4 + (i & 3)]);
		a = t;
	}
	h[0] += a;
	h[1] += bb;
	h[2] += c;
	h[3] += d;
}

static void sha1_block(u32 *h, const u8 *b)
{
	u32 w[80], a = h[0], bb = h[1], c = h[2], d = h[3], e = h[4];
	int i;

	for (i = 0; i < 16; i++)
		w[i] = get_unaligned_be32(b + 4 * i);
	for (; i < 80; i++)
		w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	for (i = 0; i < 80; i++) {
		u32 f, k, t;

		if (i < 20) {
			f = (bb & c) | (~bb & d);
			k = 0x5a827999;
		} else if (i < 40) {
			f = bb ^ c ^ d;
			k = 0x6ed9eba1;
		} else if (i < 60) {
			f = (bb & c) | (bb & d) | (c & d);
			k = 0x8f1bbcdc;
		} else {
			f = bb ^ c ^ d;
			k = 0xca62c1d6;
		}
		t = rol32(a, 5) + f + e + k + w[i];
		e = d;
		d = c;
		c = rol32(bb, 30);
		bb = a;
		a = t;
	}
	h[0] += a;
	h[1] += bb;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

static void sha256_block(u32 *h, const u8 *b)
{
	static const u32 k[64] = {
		0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b,
		0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01,
		0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7,
		0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc,
		0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da, 0x983e5152,
		0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
		0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc,
		0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
		0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819,
		0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08,
		0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
		0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
		0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
	};
	u32 w[64], s[8];
	int i;

	for (i = 0; i < 16; i++)
		w[i] = get_unaligned_be32(b + 4 * i);
	for (; i < 64; i++) {
		u32 s0 = ror32(w[i - 15], 7) ^ ror32(w[i - 15], 18) ^
			 (w[i - 15] >> 3);
		u32 s1 = ror32(w[i - 2], 17) ^ ror32(w[i - 2], 19) ^
			 (w[i - 2] >> 10);

		w[i] = w[i - 16] + s0 + w[i - 7] + s1;
	}
	memcpy(s, h, sizeof(s));
	for (i = 0; i < 64; i++) {
		u32 t1 = s[7] + (ror32(s[4], 6) ^ ror32(s[4], 11) ^
				 ror32(s[4], 25)) +
			 ((s[4] & s[5]) ^ (~s[4] & s[6])) + k[i] + w[i];
		u32 t2 = (ror32(s[0], 2) ^ ror32(s[0], 13) ^ ror32(s[0], 22)) +
			 ((s[0] & s[1]) ^ (s[0] & s[2]) ^ (s[1] & s[2]));

		memmove(&s[1], &s[0], 7 * sizeof(u32));
		s[4] += t1;
		s[0] = t1 + t2;
	}
	for (i = 0; i < 8; i++)
		h[i] += s[i];
}

static void th_block(struct test_hash *t)
{
	if (t->alg == KTGT_CHAP_ALG_MD5)
		md5_block(t->h, t->block);
	else if (t->alg == KTGT_CHAP_ALG_SHA1)
		sha1_block(t->h, t->block);
	else
		sha256_block(t->h, t->block);
}

static void th_init(struct test_hash *t, int alg)
{
	static const u32 md5_iv[4] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476,
	};
	static const u32 sha1_iv[5] = {
		0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0,
	};
	static const u32 sha256_iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19,
	};

	memset(t, 0, sizeof(*t));
	t->alg = alg;
	if (alg == KTGT_CHAP_ALG_MD5)
		memcpy(t->h, md5_iv, sizeof(md5_iv));
	else if (alg == KTGT_CHAP_ALG_SHA1)
		memcpy(t->h, sha1_iv, sizeof(sha1_iv));
	else
		memcpy(t->h, sha256_iv, sizeof(sha256_iv));
}

static void th_update(struct test_hash *t, const u8 *p, u32 len)
{
	t->total += len;
	while (len--) {
		t->block[t->fill++] = *p++;
		if (t->fill == 64) {
			th_block(t);
			t->fill = 0;
		}
	}
}

static u32 th_final(struct test_hash *t, u8 *out)
{
	u64 bits = t->total * 8;
	u8 one = 0x80, zero = 0, len[8];
	u32 i, n;

	th_update(t, &one, 1);
	while (t->fill != 56)
		th_update(t, &zero, 1);
	for (i = 0; i < 8; i++)
		len[i] = t->alg == KTGT_CHAP_ALG_MD5 ? (u8)(bits >> (8 * i)) :
			 (u8)(bits >> (56 - 8 * i));
	th_update(t, len, 8);
	n = t->alg == KTGT_CHAP_ALG_MD5 ? 4 : t->alg == KTGT_CHAP_ALG_SHA1 ? 5 : 8;
	for (i = 0; i < n; i++) {
		if (t->alg == KTGT_CHAP_ALG_MD5) {
			out[4 * i] = (u8)t->h[i];
			out[4 * i + 1] = (u8)(t->h[i] >> 8);
			out[4 * i + 2] = (u8)(t->h[i] >> 16);
			out[4 * i + 3] = (u8)(t->h[i] >> 24);
		} else {
			put_unaligned_be32(t->h[i], out + 4 * i);
		}
	}
	return 4 * n;
}

static u32 hash_str(int alg, const char *s, u8 *out)
{
	struct test_hash t;

	th_init(&t, alg);
	th_update(&t, (const u8 *)s, (u32)strlen(s));
	return th_final(&t, out);
}

static void to_hex(const u8 *p, u32 len, char *buf)
{
	u32 i;

	for (i = 0; i < len; i++)
		sprintf(buf + 2 * i, "%02x", p[i]);
	buf[2 * len] = 0;
}

static bool hash_is(int alg, const char *msg, const char *want)
{
	u8 d[32];
	char hex[65];

	to_hex(d, hash_str(alg, msg, d), hex);
	if (!strcmp(hex, want))
		return true;
	printf("# got %s\n# want %s\n", hex, want);
	return false;
}

/* ------------------------------------------------------------------ */
/* ktgt_chap_ops for the tests                                         */

struct test_priv {
	u8 next_random;
	bool fail_digest;
	bool sha3;		/* claim SHA3-256 support (not implemented) */
	int digests;
};

static bool t_has_alg(void *priv, u8 alg)
{
	struct test_priv *tp = priv;

	return alg == KTGT_CHAP_ALG_MD5 || alg == KTGT_CHAP_ALG_SHA1 ||
	       alg == KTGT_CHAP_ALG_SHA256 ||
	       (tp->sha3 && alg == KTGT_CHAP_ALG_SHA3_256);
}

static int t_digest(void *priv, u8 alg, const struct ktgt_chap_buf *parts,
		    unsigned int n, u8 *out)
{
	struct test_priv *tp = priv;
	struct test_hash t;
	unsigned int i;

	tp->digests++;
	if (tp->fail_digest || alg == KTGT_CHAP_ALG_SHA3_256)
		return -ENOENT;
	th_init(&t, alg);
	for (i = 0; i < n; i++)
		th_update(&t, parts[i].p, parts[i].len);
	th_final(&t, out);
	return 0;
}

/* Deterministic "random": consecutive byte values */
static void t_random(void *priv, u8 *buf, u32 len)
{
	struct test_priv *tp = priv;

	while (len--)
		*buf++ = tp->next_random++;
}

static const struct ktgt_chap_ops t_ops = {
	.has_alg = t_has_alg,
	.digest = t_digest,
	.random = t_random,
};

/* ------------------------------------------------------------------ */

static char in_buf[16384];
static char out_buf[4096];
static struct ktgt_textbuf out;

static u32 text_of(const char *const *recs)
{
	u32 len = 0;

	for (; *recs; recs++) {
		size_t l = strlen(*recs) + 1;

		memcpy(in_buf + len, *recs, l);
		len += (u32)l;
	}
	return len;
}

#define TEXT(...) text_of((const char *const[]){ __VA_ARGS__, NULL })

static int process(struct ktgt_chap *c, u32 len)
{
	out.buf = out_buf;
	out.len = 0;
	out.cap = sizeof(out_buf);
	return ktgt_chap_process(c, in_buf, len, &out);
}

/* The value of key @k in the last response, or NULL */
static const char *out_val(const char *k)
{
	struct ktgt_text_iter it;
	const char *key, *v;
	u32 kl, vl;

	ktgt_text_iter_init(&it, out.buf, out.len);
	while (ktgt_text_next(&it, &key, &kl, &v, &vl))
		if (v && kl == strlen(k) && !memcmp(key, k, kl))
			return v;
	return NULL;
}

static bool out_is(const char *const *recs)
{
	char want[4096];
	u32 len = 0, i;

	for (; *recs; recs++) {
		size_t l = strlen(*recs) + 1;

		memcpy(want + len, *recs, l);
		len += (u32)l;
	}
	if (len == out.len && !memcmp(want, out.buf, len))
		return true;
	printf("# got : \"");
	for (i = 0; i < out.len; i++)
		putchar(out.buf[i] ? out.buf[i] : '|');
	printf("\"\n");
	return false;
}

#define OUT_IS(...) out_is((const char *const[]){ __VA_ARGS__, NULL })

/* Compute the initiator's CHAP_R for the challenge in the last response. */
static void initiator_response(int alg, const char *secret, char *rsp)
{
	u8 chal[KTGT_CHAP_PEER_CHALLENGE_MAX], d[32];
	const char *cv = out_val("CHAP_C"), *iv = out_val("CHAP_I");
	struct test_hash t;
	u8 id = (u8)atoi(iv);
	int n;

	n = ktgt_chap_decode_binary(cv, (u32)strlen(cv), chal, sizeof(chal));
	th_init(&t, alg);
	th_update(&t, &id, 1);
	th_update(&t, (const u8 *)secret, (u32)strlen(secret));
	th_update(&t, chal, (u32)n);
	strcpy(rsp, "CHAP_R=0x");
	to_hex(d, th_final(&t, d), rsp + 9);
}

#define USER	"iqn.2004-10.com.ubuntu:01:3f2e9a1b7c"
#define SECRET	"initiatorsecret1"
#define TUSER	"iqn.2024-01.org.ktgt:disk1"
#define TSECRET	"targetsecret-12"

static void start(struct ktgt_chap *c, struct test_priv *tp, const char *mu,
		  const char *ms)
{
	memset(tp, 0, sizeof(*tp));
	tp->next_random = 0x40;
	ktgt_chap_init(c, &t_ops, tp, USER, SECRET, mu, ms);
}

static void test_hashes(void)
{
	static const char million_a_prefix[] =
		"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";

	KTGT_CHECK(hash_is(KTGT_CHAP_ALG_MD5, "", "d41d8cd98f00b204e9800998ecf8427e") &&
		   hash_is(KTGT_CHAP_ALG_MD5, "abc", "900150983cd24fb0d6963f7d28e17f72") &&
		   hash_is(KTGT_CHAP_ALG_MD5, "message digest",
			   "f96b697d7cb7938d525a2f31aaf161d0") &&
		   hash_is(KTGT_CHAP_ALG_MD5,
			   "12345678901234567890123456789012345678901234567890123456789012345678901234567890",
			   "57edf4a22be3c955ac49da2e2107b67a"),
		   "MD5: RFC 1321 test suite");
	KTGT_CHECK(hash_is(KTGT_CHAP_ALG_SHA1, "abc",
			   "a9993e364706816aba3e25717850c26c9cd0d89d") &&
		   hash_is(KTGT_CHAP_ALG_SHA1, million_a_prefix,
			   "84983e441c3bd26ebaae4aa1f95129e5e54670f1"),
		   "SHA-1: FIPS 180 vectors");
	KTGT_CHECK(hash_is(KTGT_CHAP_ALG_SHA256, "abc",
			   "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad") &&
		   hash_is(KTGT_CHAP_ALG_SHA256, million_a_prefix,
			   "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"),
		   "SHA-256: FIPS 180 vectors");
}

static void test_decode(void)
{
	u8 b[8];

	KTGT_CHECK(ktgt_chap_decode_binary("0x0102ff", 8, b, 8) == 3 &&
		   b[0] == 1 && b[1] == 2 && b[2] == 0xff, "hex");
	KTGT_CHECK(ktgt_chap_decode_binary("0XaB", 4, b, 8) == 1 &&
		   b[0] == 0xab, "hex, upper-case prefix, mixed case");
	KTGT_CHECK(ktgt_chap_decode_binary("0x123", 5, b, 8) == 2 &&
		   b[0] == 0x01 && b[1] == 0x23, "hex with an odd digit count");
	KTGT_CHECK(ktgt_chap_decode_binary("0bAQID", 6, b, 8) == 3 &&
		   b[0] == 1 && b[1] == 2 && b[2] == 3, "base64");
	KTGT_CHECK(ktgt_chap_decode_binary("0BAQI=", 6, b, 8) == 2 &&
		   b[0] == 1 && b[1] == 2, "base64 with padding");
	KTGT_CHECK(ktgt_chap_decode_binary("0bAQ==", 6, b, 8) == 1 &&
		   b[0] == 1, "base64 with double padding");
	KTGT_CHECK(ktgt_chap_decode_binary("0bAQ", 4, b, 8) == 1,
		   "base64 without padding");
	KTGT_CHECK(ktgt_chap_decode_binary("0x", 2, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("0b", 2, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("0xzz", 4, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("1234", 4, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("0b!!!!", 6, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("0bA", 3, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("0bAQI==", 7, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("0bA=QI", 6, b, 8) == -EINVAL &&
		   ktgt_chap_decode_binary("0x 1", 4, b, 8) == -EINVAL,
		   "malformed binary values");
	KTGT_CHECK(ktgt_chap_decode_binary("0x010203040506070809", 20, b, 8) ==
		   -EINVAL && ktgt_chap_decode_binary("0bAQIDBAUGBwgJ", 14, b, 8) ==
		   -EINVAL, "too long for the buffer");
}

static void test_exchange(int alg, const char *alg_list)
{
	struct test_priv tp;
	struct ktgt_chap c;
	char rec[80], rsp[128], name[96];
	u32 dlen = alg == KTGT_CHAP_ALG_MD5 ? 16 : alg == KTGT_CHAP_ALG_SHA1 ? 20 : 32;
	u32 clen = dlen < 16 ? 16 : dlen;
	const char *cv;

	start(&c, &tp, NULL, NULL);
	snprintf(rec, sizeof(rec), "CHAP_A=%s", alg_list);
	snprintf(name, sizeof(name), "alg %d: CHAP_A=%s answered", alg,
		 alg_list);
	KTGT_CHECK(process(&c, TEXT(rec)) == 0 && atoi(out_val("CHAP_A")) == alg,
		   name);
	cv = out_val("CHAP_C");
	snprintf(name, sizeof(name), "alg %d: CHAP_I random, CHAP_C %u bytes hex",
		 alg, clen);
	KTGT_CHECK(!strcmp(out_val("CHAP_I"), "64") && cv &&
		   strlen(cv) == 2 + 2 * clen && !strncmp(cv, "0x4142", 6), name);
	KTGT_CHECK(!ktgt_chap_done(&c), "not done after the challenge");
	initiator_response(alg, SECRET, rsp);
	snprintf(name, sizeof(name), "alg %d: correct response accepted", alg);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp)) == 0 &&
		   out.len == 0 && ktgt_chap_done(&c), name);
	KTGT_CHECK(process(&c, TEXT("HeaderDigest=None")) == 0 &&
		   ktgt_chap_done(&c), "later request without CHAP keys");
	KTGT_CHECK(process(&c, TEXT("CHAP_A=5")) == KTGT_LOGIN_ST_AUTH_FAILED &&
		   !ktgt_chap_done(&c), "CHAP keys after success fail");
}

static void test_failures(void)
{
	struct test_priv tp;
	struct ktgt_chap c;
	char rsp[128], good[128], b64[128];

	/* wrong secret */
	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, good);
	initiator_response(KTGT_CHAP_ALG_MD5, "wrongsecret12", rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED && !ktgt_chap_done(&c),
		   "wrong secret: 0x0201");
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, good)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "no second chance");

	/* wrong user */
	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=someone", rsp)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "wrong CHAP_N: 0x0201");

	/* response in base64 is fine, truncated is not */
	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	{
		u8 chal[64], d[16], id = (u8)atoi(out_val("CHAP_I"));
		struct test_hash t;
		static const char tbl[] =
			"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
		const char *cv = out_val("CHAP_C");
		int n = ktgt_chap_decode_binary(cv, (u32)strlen(cv), chal, 64);
		char *o = b64 + sprintf(b64, "CHAP_R=0b");
		int i;

		th_init(&t, KTGT_CHAP_ALG_MD5);
		th_update(&t, &id, 1);
		th_update(&t, (const u8 *)SECRET, (u32)strlen(SECRET));
		th_update(&t, chal, (u32)n);
		th_final(&t, d);
		for (i = 0; i < 15; i += 3) {
			u32 v = (u32)d[i] << 16 | (u32)d[i + 1] << 8 | d[i + 2];

			*o++ = tbl[v >> 18];
			*o++ = tbl[(v >> 12) & 63];
			*o++ = tbl[(v >> 6) & 63];
			*o++ = tbl[v & 63];
		}
		*o++ = tbl[d[15] >> 2];
		*o++ = tbl[(d[15] & 3) << 4];
		strcpy(o, "==");
	}
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, b64)) == 0 &&
		   ktgt_chap_done(&c), "base64 CHAP_R accepted");

	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	rsp[strlen(rsp) - 2] = 0;
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "short CHAP_R: 0x0201");

	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT(rsp)) == KTGT_LOGIN_ST_AUTH_FAILED,
		   "CHAP_R without CHAP_N: 0x0201");

	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, rsp)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "CHAP_R twice: 0x0201");

	start(&c, &tp, NULL, NULL);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, "CHAP_R=0x00")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "response before CHAP_A: 0x0201");

	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	KTGT_CHECK(process(&c, TEXT("CHAP_A=5")) == KTGT_LOGIN_ST_AUTH_FAILED,
		   "CHAP_A twice: 0x0201");

	start(&c, &tp, NULL, NULL);
	KTGT_CHECK(process(&c, TEXT("CHAP_A=9,10,0x0,256")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED && OUT_IS("CHAP_A=Reject"),
		   "no acceptable algorithm: CHAP_A=Reject, 0x0201");

	start(&c, &tp, NULL, NULL);
	KTGT_CHECK(process(&c, TEXT("CHAP_A=")) == KTGT_LOGIN_ST_AUTH_FAILED,
		   "empty CHAP_A: 0x0201");

	start(&c, &tp, NULL, NULL);
	KTGT_CHECK(process(&c, TEXT("CHAP_A")) == KTGT_LOGIN_ST_AUTH_FAILED,
		   "CHAP_A without '=': 0x0201");

	/* SHA3-256 claimed but the target prefers the initiator's order */
	start(&c, &tp, NULL, NULL);
	KTGT_CHECK(process(&c, TEXT("CHAP_A=8,junk,6,5")) == 0 &&
		   atoi(out_val("CHAP_A")) == KTGT_CHAP_ALG_SHA1,
		   "unsupported and unknown algorithms skipped");
	start(&c, &tp, NULL, NULL);
	c.algs &= ~KTGT_CHAP_ALG_BIT(KTGT_CHAP_ALG_MD5);
	KTGT_CHECK(process(&c, TEXT("CHAP_A=5")) == KTGT_LOGIN_ST_AUTH_FAILED,
		   "MD5 disabled by policy");
	start(&c, &tp, NULL, NULL);
	KTGT_CHECK(process(&c, TEXT("CHAP_A=0x7")) == 0 &&
		   !strcmp(out_val("CHAP_A"), "7"), "CHAP_A in hex");

	/* no credentials configured */
	memset(&tp, 0, sizeof(tp));
	ktgt_chap_init(&c, &t_ops, &tp, "", "", NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, "", rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=", rsp)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "empty credentials never match");

	/* digest backend failure */
	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	tp.fail_digest = true;
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp)) ==
		   KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_TARGET_ERR,
				     KTGT_LOGIN_TGT_ERROR),
		   "digest failure: 0x0300");

	/* output too small */
	start(&c, &tp, NULL, NULL);
	out.buf = out_buf;
	out.len = 0;
	out.cap = 20;
	in_buf[0] = 0;
	KTGT_CHECK(ktgt_chap_process(&c, in_buf, TEXT("CHAP_A=5"), &out) ==
		   KTGT_LOGIN_ST_NO_RESOURCES, "response overflow: 0x0302");

	/* overlong configuration */
	{
		char big[KTGT_CHAP_NAME_MAX + 1];

		memset(big, 'x', sizeof(big) - 1);
		big[sizeof(big) - 1] = 0;
		KTGT_CHECK(ktgt_chap_init(&c, &t_ops, &tp, USER, big, NULL,
					  NULL) == -EINVAL &&
			   process(&c, TEXT("CHAP_A=5")) ==
			   KTGT_LOGIN_ST_AUTH_FAILED,
			   "overlong secret: -EINVAL, exchange fails");
	}
	KTGT_CHECK(ktgt_chap_init(&c, NULL, NULL, USER, SECRET, NULL, NULL) == 0 &&
		   process(&c, TEXT("CHAP_A=5")) == KTGT_LOGIN_ST_AUTH_FAILED,
		   "no ops: exchange fails");
}

static void test_mutual(void)
{
	struct test_priv tp;
	struct ktgt_chap c;
	char rsp[128], chal[80];

	/* RFC 1321 "abc" through CHAP: id 'a', secret "b", challenge "c" */
	start(&c, &tp, TUSER, "b");
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=97",
				    "CHAP_C=0x63")) == 0 &&
		   OUT_IS("CHAP_N=" TUSER,
			  "CHAP_R=0x900150983cd24fb0d6963f7d28e17f72") &&
		   ktgt_chap_done(&c), "mutual MD5: known vector");

	start(&c, &tp, TUSER, "b");
	process(&c, TEXT("CHAP_A=7"));
	initiator_response(KTGT_CHAP_ALG_SHA256, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=0x61",
				    "CHAP_C=0bYw==")) == 0 &&
		   OUT_IS("CHAP_N=" TUSER,
			  "CHAP_R=0xba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
		   "mutual SHA-256: known vector, hex CHAP_I, base64 CHAP_C");

	start(&c, &tp, TUSER, "b");
	process(&c, TEXT("CHAP_A=6"));
	initiator_response(KTGT_CHAP_ALG_SHA1, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=97",
				    "CHAP_C=0x63")) == 0 &&
		   OUT_IS("CHAP_N=" TUSER,
			  "CHAP_R=0xa9993e364706816aba3e25717850c26c9cd0d89d"),
		   "mutual SHA-1: known vector");

	/* reflection: the initiator sends our own challenge back */
	start(&c, &tp, TUSER, TSECRET);
	process(&c, TEXT("CHAP_A=5"));
	snprintf(chal, sizeof(chal), "CHAP_C=%s", out_val("CHAP_C"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=1", chal)) ==
		   KTGT_LOGIN_ST_AUTH_FAILED && !ktgt_chap_done(&c),
		   "reflected challenge refused");

	/* mutual asked, not configured */
	start(&c, &tp, NULL, NULL);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=1",
				    "CHAP_C=0x0102030405060708")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "mutual without credentials");

	/* same secret both ways */
	start(&c, &tp, TUSER, SECRET);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=1",
				    "CHAP_C=0x0102030405060708")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "same secret in both directions");

	/* half a mutual request, bad CHAP_I, bad CHAP_C */
	start(&c, &tp, TUSER, TSECRET);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=1")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "CHAP_I without CHAP_C");
	start(&c, &tp, TUSER, TSECRET);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=256",
				    "CHAP_C=0x01")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "CHAP_I out of range");
	start(&c, &tp, TUSER, TSECRET);
	process(&c, TEXT("CHAP_A=5"));
	initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
	KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=1",
				    "CHAP_C=0xgg")) ==
		   KTGT_LOGIN_ST_AUTH_FAILED, "malformed CHAP_C");

	/* a 1024-byte challenge is the most accepted */
	{
		static char big[2 * 1025 + 16];
		u32 i;

		start(&c, &tp, TUSER, TSECRET);
		process(&c, TEXT("CHAP_A=5"));
		initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
		strcpy(big, "CHAP_C=0x");
		for (i = 0; i < 1024; i++)
			strcat(big + 9 + 2 * i, "ab");
		KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=1",
					    big)) == 0 && ktgt_chap_done(&c),
			   "1024-byte mutual challenge");
		start(&c, &tp, TUSER, TSECRET);
		process(&c, TEXT("CHAP_A=5"));
		initiator_response(KTGT_CHAP_ALG_MD5, SECRET, rsp);
		strcat(big, "ab");
		KTGT_CHECK(process(&c, TEXT("CHAP_N=" USER, rsp, "CHAP_I=1",
					    big)) == KTGT_LOGIN_ST_AUTH_FAILED,
			   "1025-byte mutual challenge refused");
	}

	ktgt_chap_wipe(&c);
	KTGT_CHECK(!c.secret[0] && !c.mutual_secret[0] && !c.challenge[0] &&
		   !ktgt_chap_done(&c), "wipe clears the secrets");
}

int main(void)
{
	test_hashes();
	test_decode();
	test_exchange(KTGT_CHAP_ALG_MD5, "5");
	test_exchange(KTGT_CHAP_ALG_SHA1, "6,5");
	test_exchange(KTGT_CHAP_ALG_SHA256, "7,6,5");
	test_failures();
	test_mutual();
	return ktgt_unit_done();
}
