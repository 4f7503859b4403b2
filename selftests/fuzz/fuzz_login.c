// SPDX-License-Identifier: GPL-2.0
/*
 * libFuzzer target: the full login negotiation on arbitrary text.
 *
 * Input: byte 0 selects the configuration (auth required, leading
 * connection, one of four target offers, output buffer size); the rest is
 * split into Login Requests at 0xfe bytes.  The first byte of each request
 * gives its stage (bits 0-1) and whether the initiator asks to leave the
 * security stage (bit 2) or to enter full feature phase (bit 3).  Every
 * result is checked for consistency; any violation traps.
 */
#include <stdio.h>
#include <stdlib.h>
#include "ktgt_compat.h"
#include "ktgt_params.h"

#define KTGT_FUZZ_ASSERT(c) do { if (!(c)) __builtin_trap(); } while (0)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct ktgt_param_offer offers[4];
static bool offers_ready;

static void setup_offers(void)
{
	struct ktgt_param_offer *o;

	ktgt_param_offer_defaults(&offers[1]);
	o = &offers[2];
	ktgt_param_offer_defaults(o);
	strcpy(o->val[KTGT_P_HEADER_DIGEST], "CRC32C");
	strcpy(o->val[KTGT_P_DATA_DIGEST], "CRC32C");
	strcpy(o->val[KTGT_P_INITIAL_R2T], "Yes");
	strcpy(o->val[KTGT_P_IMMEDIATE_DATA], "No");
	strcpy(o->val[KTGT_P_TARGET_ALIAS], "fuzz alias");
	strcpy(o->val[KTGT_P_MAX_BURST], "4096");
	strcpy(o->val[KTGT_P_FIRST_BURST], "8192");
	strcpy(o->val[KTGT_P_ERROR_RECOVERY_LEVEL], "2");
	strcpy(o->val[KTGT_P_MAX_CONNECTIONS], "4");
	strcpy(o->val[KTGT_P_DEFAULT_TIME2WAIT], "0");
	strcpy(o->val[KTGT_P_DATA_PDU_IN_ORDER], "No");
	o = &offers[3];
	ktgt_param_offer_defaults(o);
	strcpy(o->val[KTGT_P_HEADER_DIGEST], "CRC32C,None");
	strcpy(o->val[KTGT_P_MAX_BURST], "0x");
	strcpy(o->val[KTGT_P_MAX_RECV_DSL], "512");
	memset(o->val[KTGT_P_TARGET_ALIAS], 'a', KTGT_PARAM_VAL_MAX);
	strcpy(o->val[KTGT_P_OF_MARKER], "Yes");
	offers_ready = true;
}

static bool status_valid(int st)
{
	return st == 0 || st == KTGT_LOGIN_ST_INIT_ERR ||
	       st == KTGT_LOGIN_ST_AUTH_FAILED ||
	       st == KTGT_LOGIN_ST_MISSING_PARAM ||
	       st == KTGT_LOGIN_ST_NO_SESSION_TYPE ||
	       st == KTGT_LOGIN_ST_NO_RESOURCES;
}

/* The response is well-formed "key=value\0" records within capacity. */
static void check_out(const struct ktgt_textbuf *tb)
{
	struct ktgt_text_iter it;
	const char *k, *v;
	u32 kl, vl, n = 0;

	KTGT_FUZZ_ASSERT(tb->len <= tb->cap);
	if (!tb->len)
		return;
	KTGT_FUZZ_ASSERT(tb->buf[tb->len - 1] == '\0');
	KTGT_FUZZ_ASSERT(tb->buf[0] != '\0');
	ktgt_text_iter_init(&it, tb->buf, tb->len);
	while (ktgt_text_next(&it, &k, &kl, &v, &vl)) {
		KTGT_FUZZ_ASSERT(v && kl >= 1 && kl <= KTGT_KEY_NAME_MAX);
		KTGT_FUZZ_ASSERT(vl >= 1 && vl <= KTGT_KEY_VALUE_MAX);
		n += kl + vl + 2;
	}
	KTGT_FUZZ_ASSERT(n == tb->len);
}

static void check_nego(const struct ktgt_nego *n)
{
	KTGT_FUZZ_ASSERT(strnlen(n->initiator_name, KTGT_NAME_MAX) < KTGT_NAME_MAX);
	KTGT_FUZZ_ASSERT(strnlen(n->target_name, KTGT_NAME_MAX) < KTGT_NAME_MAX);
	KTGT_FUZZ_ASSERT(strnlen(n->initiator_alias, KTGT_NAME_MAX) < KTGT_NAME_MAX);
	KTGT_FUZZ_ASSERT(!n->auth_method[0] || !strcmp(n->auth_method, "None") ||
			 !strcmp(n->auth_method, "CHAP"));
}

static void check_params(const struct ktgt_nego *n)
{
	const struct ktgt_params *p = &n->params;

	KTGT_FUZZ_ASSERT(p->max_recv_dsl >= 512 && p->max_recv_dsl <= 16777215);
	KTGT_FUZZ_ASSERT(p->max_xmit_dsl >= 512 && p->max_xmit_dsl <= 16777215);
	KTGT_FUZZ_ASSERT(p->max_burst >= 512 && p->max_burst <= 16777215);
	KTGT_FUZZ_ASSERT(p->first_burst >= 512 && p->first_burst <= 16777215);
	KTGT_FUZZ_ASSERT(p->max_outstanding_r2t >= 1 &&
			 p->max_outstanding_r2t <= 65535);
	KTGT_FUZZ_ASSERT(p->max_connections >= 1 && p->max_connections <= 65535);
	KTGT_FUZZ_ASSERT(p->default_time2wait <= 3600);
	KTGT_FUZZ_ASSERT(p->default_time2retain <= 3600);
	KTGT_FUZZ_ASSERT(p->erl <= 2);
	if (n->session_type == KTGT_SESSION_NORMAL && n->leading)
		KTGT_FUZZ_ASSERT(p->first_burst <= p->max_burst);
	KTGT_FUZZ_ASSERT(n->session_type != KTGT_SESSION_UNSET);
	KTGT_FUZZ_ASSERT(n->initiator_name[0]);
	if (n->session_type == KTGT_SESSION_NORMAL)
		KTGT_FUZZ_ASSERT(n->target_name[0]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char outbuf[8192];
	struct ktgt_textbuf tb;
	struct ktgt_nego n;
	const u8 *p, *end;
	u8 cfg;
	int st = 0;

	if (!offers_ready)
		setup_offers();
	if (size < 1 || size > 1 << 20)
		return 0;
	cfg = data[0];
	ktgt_nego_init(&n, (cfg >> 2 & 3) ? &offers[cfg >> 2 & 3] : NULL);
	n.auth_required = cfg & 1;
	n.leading = !(cfg & 2);

	p = data + 1;
	end = data + size;
	while (p < end && !st) {
		const u8 *sep = memchr(p, 0xfe, (size_t)(end - p));
		const u8 *rend = sep ? sep : end;
		u8 ctl = p < rend ? *p : 0;
		const char *text = (const char *)(p < rend ? p + 1 : p);
		u32 len = p < rend ? (u32)(rend - p - 1) : 0;
		int stage = ctl & 3;

		tb.buf = outbuf;
		tb.len = 0;
		tb.cap = (cfg & 0x40) ? 48 : sizeof(outbuf);
		st = ktgt_nego_login(&n, stage, text, len, &tb);
		KTGT_FUZZ_ASSERT(status_valid(st));
		KTGT_FUZZ_ASSERT(tb.len <= tb.cap);
		check_nego(&n);
		if (st)
			break;
		check_out(&tb);
		/* reaching the operational stage needs CHAP when required */
		if (stage == KTGT_STAGE_OPERATIONAL && n.auth_required)
			KTGT_FUZZ_ASSERT(!strcmp(n.auth_method, "CHAP"));
		if (stage == KTGT_STAGE_SECURITY && (ctl & 4)) {
			st = ktgt_nego_leave_security(&n, cfg & 0x20);
			KTGT_FUZZ_ASSERT(st == 0 || st == KTGT_LOGIN_ST_AUTH_FAILED);
			if (!st && n.auth_required)
				KTGT_FUZZ_ASSERT(cfg & 0x20);
		}
		if (!st && (ctl & 8)) {
			st = ktgt_nego_finish(&n, &tb);
			KTGT_FUZZ_ASSERT(status_valid(st));
			if (!st) {
				check_out(&tb);
				if (!ktgt_nego_pending(&n))
					check_params(&n);
			}
		}
		p = sep ? sep + 1 : end;
	}
	return 0;
}
