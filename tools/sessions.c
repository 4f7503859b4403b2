// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl: parse the text of a TPG's sessions file (tpgt_N/sessions, see
 * Documentation/configfs-abi.rst) and format counters.  No I/O here, so
 * tools/tests/test_sessions.c checks it directly.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktgtctl.h"

static int parse_u64(const char *s, uint64_t *out)
{
	char *end;

	if (*s < '0' || *s > '9')
		return -1;
	errno = 0;
	*out = strtoull(s, &end, 10);
	return errno || *end ? -1 : 0;
}

static int parse_u32(const char *s, uint32_t *out)
{
	uint64_t v;

	if (parse_u64(s, &v) || v > UINT32_MAX)
		return -1;
	*out = (uint32_t)v;
	return 0;
}

static int copy_str(char *dst, size_t size, const char *src)
{
	size_t n = strlen(src);

	if (!n || n >= size)
		return -1;
	memcpy(dst, src, n + 1);
	return 0;
}

/* One "key value..." line into @s; -1 if the value is malformed. */
static int parse_line(struct ktgtctl_session *s, char *key, char *val)
{
	if (!strcmp(key, "initiator"))
		return copy_str(s->initiator, sizeof(s->initiator), val);
	if (!strcmp(key, "target"))
		return copy_str(s->target, sizeof(s->target), val);
	if (!strcmp(key, "acl"))
		return copy_str(s->acl, sizeof(s->acl), val);
	if (!strcmp(key, "isid"))
		return strlen(val) != 12 || strspn(val, "0123456789abcdef") != 12 ?
		       -1 : copy_str(s->isid, sizeof(s->isid), val);
	if (!strcmp(key, "tsih"))
		return parse_u32(val, &s->tsih);
	if (!strcmp(key, "tpgt"))
		return parse_u32(val, &s->tpgt);
	if (!strcmp(key, "exp_cmdsn"))
		return parse_u32(val, &s->exp_cmdsn);
	if (!strcmp(key, "max_cmdsn"))
		return parse_u32(val, &s->max_cmdsn);
	if (!strcmp(key, "cmdsn_depth"))
		return parse_u32(val, &s->cmdsn_depth);
	if (!strcmp(key, "outstanding"))
		return parse_u32(val, &s->outstanding);
	if (!strcmp(key, "cmds"))
		return parse_u64(val, &s->cmds);
	if (!strcmp(key, "read_bytes"))
		return parse_u64(val, &s->read_bytes);
	if (!strcmp(key, "write_bytes"))
		return parse_u64(val, &s->write_bytes);
	if (!strcmp(key, "errors"))
		return parse_u64(val, &s->errors);
	if (!strcmp(key, "aborts"))
		return parse_u64(val, &s->aborts);
	if (!strcmp(key, "luns")) {
		char *save = NULL;

		s->nr_luns = 0;
		for (char *t = strtok_r(val, " ", &save); t; t = strtok_r(NULL, " ", &save)) {
			uint32_t l;

			if (parse_u32(t, &l) || s->nr_luns >= KTGTCTL_MAX_LUNS)
				return -1;
			s->luns[s->nr_luns++] = l;
		}
		return 0;
	}
	if (!strcmp(key, "conn")) {
		struct ktgtctl_conn *c;
		char cid[16], local[KTGTCTL_ADDR_MAX], peer[KTGTCTL_ADDR_MAX];

		if (s->nr_conns >= KTGTCTL_MAX_CONNS)
			return 0;	/* more than we show: ignored */
		c = &s->conns[s->nr_conns];
		if (sscanf(val, "%15s %63s %63s", cid, local, peer) != 3 ||
		    parse_u32(cid, &c->cid))
			return -1;
		strcpy(c->local, local);
		strcpy(c->peer, peer);
		s->nr_conns++;
		return 0;
	}
	if (!strcmp(key, "param")) {
		char *sp = strchr(val, ' ');

		if (!sp || s->nr_params >= KTGTCTL_MAX_PARAMS)
			return sp ? 0 : -1;
		*sp = 0;
		if (copy_str(s->params[s->nr_params].key, KTGTCTL_PARAM_LEN, val) ||
		    copy_str(s->params[s->nr_params].val, KTGTCTL_PARAM_LEN, sp + 1))
			return -1;
		s->nr_params++;
		return 0;
	}
	return 0;	/* a key added later: ignored */
}

int ktgtctl_parse_sessions(const char *text, size_t len,
			   struct ktgtctl_session **out, size_t *nr,
			   unsigned *bad_line)
{
	struct ktgtctl_session *v = NULL, *cur = NULL;
	size_t n = 0;
	unsigned line = 0;
	const char *p = text, *end = text + len;

	*out = NULL;
	*nr = 0;
	*bad_line = 0;
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t l = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char buf[1024], *sp;

		line++;
		if (l >= sizeof(buf))
			goto bad;
		memcpy(buf, p, l);
		buf[l] = 0;
		p += l + (nl ? 1 : 0);
		if (!l)
			continue;	/* blank: between sessions, or padding */
		if (memchr(buf, 0, l))
			goto bad;
		sp = strchr(buf, ' ');
		if (sp)
			*sp++ = 0;
		if (!strcmp(buf, "session")) {
			struct ktgtctl_session *nv = realloc(v, (n + 1) * sizeof(*v));

			if (!nv)
				goto bad;
			v = nv;
			cur = &v[n++];
			memset(cur, 0, sizeof(*cur));
			if (!sp || parse_u32(sp, &cur->tsih))
				goto bad;
			continue;
		}
		if (!cur || parse_line(cur, buf, sp ? sp : (char *)""))
			goto bad;
	}
	*out = v;
	*nr = n;
	return 0;
bad:
	free(v);
	*bad_line = line;
	return -1;
}

void ktgtctl_fmt_bytes(uint64_t b, char *buf, size_t size)
{
	static const char units[] = "KMGTPE";
	double v = (double)b;
	int u = -1;

	if (b < 1024) {
		snprintf(buf, size, "%" PRIu64 "B", b);
		return;
	}
	while (v >= 1024 && u < 5) {
		v /= 1024;
		u++;
	}
	snprintf(buf, size, "%.1f%ci", v, units[u]);
}

uint64_t ktgtctl_avg_us(uint64_t total_us, uint64_t cmds)
{
	return cmds ? (total_us + cmds / 2) / cmds : 0;
}
