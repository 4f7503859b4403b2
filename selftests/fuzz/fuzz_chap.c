// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the CHAP exchange on arbitrary requests, and the
 * binary-value decoder.  The hash is a stand-in (not cryptographic): only
 * the parsing and the state machine are under test.
 *
 * Input: byte 0 selects the configuration (mutual credentials, algorithm
 * policy, same secret both ways); the rest is split into requests at 0xfe.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ktgt_compat.h"
#include "ktgt_params.h"
#include "ktgt_chap.h"

#define KTGT_FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static bool f_has_alg(void *priv, u8 alg)
{
	(void)priv;
	return alg >= KTGT_CHAP_ALG_MD5 && alg <= KTGT_CHAP_ALG_SHA3_256;
}

static int f_digest(void *priv, u8 alg, const struct ktgt_chap_buf *parts,
		    unsigned int n, u8 *out)
{
	u32 h = 2166136261U, len, i, j;

	(void)priv;
	len = alg == KTGT_CHAP_ALG_MD5 ? 16 : alg == KTGT_CHAP_ALG_SHA1 ? 20 : 32;
	for (i = 0; i < n; i++)
		for (j = 0; j < parts[i].len; j++)
			h = (h ^ parts[i].p[j]) * 16777619U;
	for (i = 0; i < len; i++) {
		h = (h ^ i) * 16777619U;
		out[i] = (u8)(h >> 24);
	}
	return 0;
}

static void f_random(void *priv, u8 *buf, u32 len)
{
	(void)priv;
	while (len--)
		*buf++ = (u8)len;
}

static const struct ktgt_chap_ops f_ops = {
	.has_alg = f_has_alg,
	.digest = f_digest,
	.random = f_random,
};

static bool status_valid(int st)
{
	return st == 0 || st == KTGT_LOGIN_ST_AUTH_FAILED ||
	       st == KTGT_LOGIN_ST_NO_RESOURCES ||
	       st == KTGT_LOGIN_STATUS(KTGT_LOGIN_CLASS_TARGET_ERR,
				       KTGT_LOGIN_TGT_ERROR);
}

static void check_out(const struct ktgt_textbuf *tb)
{
	struct ktgt_text_iter it;
	const char *k, *v;
	u32 kl, vl, n = 0;

	KTGT_FUZZ_ASSERT(tb->len <= tb->cap);
	ktgt_text_iter_init(&it, tb->buf, tb->len);
	while (ktgt_text_next(&it, &k, &kl, &v, &vl)) {
		KTGT_FUZZ_ASSERT(v && kl == 6 && !memcmp(k, "CHAP_", 5));
		n += kl + vl + 2;
	}
	KTGT_FUZZ_ASSERT(n == tb->len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct ktgt_chap c;
	static char outbuf[1024];
	static u8 bin[2048];
	struct ktgt_textbuf tb;
	const u8 *p, *end;
	bool was_done = false;
	int st = 0, n;
	u8 cfg;

	if (size < 1 || size > 1 << 20)
		return 0;
	cfg = data[0];

	/* the decoder on the raw input */
	n = ktgt_chap_decode_binary((const char *)data + 1, (u32)(size - 1),
				    bin, cfg & 0x80 ? 16 : sizeof(bin));
	KTGT_FUZZ_ASSERT(n == -EINVAL ||
			 (n >= 1 && n <= (cfg & 0x80 ? 16 : (int)sizeof(bin))));

	ktgt_chap_init(&c, &f_ops, NULL, "user",
		       cfg & 4 ? "mutualsecret" : "initiatorsecret",
		       cfg & 1 ? "target" : NULL,
		       cfg & 2 ? "mutualsecret" : NULL);
	if (cfg & 8)
		c.algs &= ~KTGT_CHAP_ALG_BIT(KTGT_CHAP_ALG_MD5);

	p = data + 1;
	end = data + size;
	while (p < end && !st) {
		const u8 *sep = memchr(p, 0xfe, (size_t)(end - p));
		const u8 *rend = sep ? sep : end;

		tb.buf = outbuf;
		tb.len = 0;
		tb.cap = (cfg & 0x40) ? 40 : sizeof(outbuf);
		st = ktgt_chap_process(&c, (const char *)p, (u32)(rend - p), &tb);
		KTGT_FUZZ_ASSERT(status_valid(st));
		if (st) {
			KTGT_FUZZ_ASSERT(!ktgt_chap_done(&c));
			/* a failure is final */
			KTGT_FUZZ_ASSERT(ktgt_chap_process(&c, "CHAP_A=5", 9, &tb)
					 == KTGT_LOGIN_ST_AUTH_FAILED);
			break;
		}
		check_out(&tb);
		if (was_done)
			KTGT_FUZZ_ASSERT(ktgt_chap_done(&c));
		was_done = ktgt_chap_done(&c);
		if (was_done && c.mutual)
			KTGT_FUZZ_ASSERT(c.mutual_user[0] && c.mutual_secret_len);
		p = sep ? sep + 1 : end;
	}
	ktgt_chap_wipe(&c);
	return 0;
}
