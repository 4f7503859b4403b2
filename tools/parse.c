// SPDX-License-Identifier: GPL-2.0
/*
 * ktgtctl's argument checks: pure functions, unit-tested on their own
 * (tools/tests/test_parse.c).  Each returns 0 if the argument is good.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "ktgtctl.h"

const char *const ktgtctl_bs_types[] = { "ram", "null", "block", "file", NULL };

int ktgtctl_parse_size(const char *s, uint64_t *out)
{
	char *end;
	unsigned long long v;
	uint64_t mul = 1;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return -1;
	if (*end) {
		switch (toupper((unsigned char)*end)) {
		case 'K': mul = 1ULL << 10; break;
		case 'M': mul = 1ULL << 20; break;
		case 'G': mul = 1ULL << 30; break;
		case 'T': mul = 1ULL << 40; break;
		default: return -1;
		}
		end++;
		/* K, KB, KiB are all binary: storage sizes */
		if (*end == 'i' || *end == 'I')
			end++;
		if (*end == 'B' || *end == 'b')
			end++;
		if (*end)
			return -1;
	}
	if (v > UINT64_MAX / mul)
		return -1;
	*out = v * mul;
	return 0;
}

int ktgtctl_parse_uint(const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	char *end;
	unsigned long v;

	if (!s || !isdigit((unsigned char)*s))
		return -1;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || *end || v < min || v > max)
		return -1;
	/* canonical decimal only: configfs names are compared as text */
	if (s[0] == '0' && s[1])
		return -1;
	*out = v;
	return 0;
}

/* ADDR:PORT, [IPV6]:PORT; the port is required, 1-65535. */
int ktgtctl_check_portal(const char *s)
{
	const char *colon;
	unsigned long port;

	if (!s || !*s)
		return -1;
	if (s[0] == '[') {
		const char *rb = strchr(s, ']');

		if (!rb || rb == s + 1 || rb[1] != ':')
			return -1;
		colon = rb + 1;
	} else {
		colon = strrchr(s, ':');
		if (!colon || colon == s || memchr(s, ':', colon - s))
			return -1;
	}
	return ktgtctl_parse_uint(colon + 1, 1, 65535, &port);
}

/* A configfs directory name: non-empty, no '/', not . or .. */
int ktgtctl_check_name(const char *s)
{
	if (!s || !*s || strchr(s, '/') || !strcmp(s, ".") || !strcmp(s, ".."))
		return -1;
	return 0;
}

int ktgtctl_bs_type(const char *s)
{
	for (int i = 0; ktgtctl_bs_types[i]; i++)
		if (s && !strcmp(s, ktgtctl_bs_types[i]))
			return i;
	return -1;
}

const char *const ktgtctl_attrib_keys[] = {
	"authentication", "generate_node_acls", "demo_mode_write_protect",
	"default_cmdsn_depth", "nopin_interval", "nopin_response_timeout", NULL
};

const char *const ktgtctl_param_keys[] = {
	"HeaderDigest", "DataDigest", "MaxConnections", "TargetAlias",
	"InitialR2T", "ImmediateData", "MaxRecvDataSegmentLength",
	"MaxBurstLength", "FirstBurstLength", "DefaultTime2Wait",
	"DefaultTime2Retain", "MaxOutstandingR2T", "DataPDUInOrder",
	"DataSequenceInOrder", "ErrorRecoveryLevel", "OFMarker", "IFMarker",
	"OFMarkInt", "IFMarkInt", NULL
};

const char *const ktgtctl_auth_keys[] = {
	"userid", "password", "mutual_userid", "mutual_password", NULL
};

const char *const ktgtctl_discovery_keys[] = {
	"enforce", "userid", "password", "mutual_userid", "mutual_password", NULL
};

int ktgtctl_key_in(const char *const *keys, const char *key)
{
	for (; key && *keys; keys++)
		if (!strcmp(*keys, key))
			return 1;
	return 0;
}

void ktgtctl_line_of(const char *buf, size_t len, size_t off,
		     unsigned *line, unsigned *col)
{
	unsigned l = 1, c = 1;

	for (size_t i = 0; i < off && i < len; i++) {
		if (buf[i] == '\n') {
			l++;
			c = 1;
		} else {
			c++;
		}
	}
	*line = l;
	*col = c;
}

const char *const ktgtctl_alua_keys[] = {
	"tg_pt_gp_id", "alua_access_type", "preferred",
	"alua_support_active_optimized", "alua_support_active_nonoptimized",
	"alua_support_standby", "alua_support_unavailable",
	"alua_support_offline", "alua_support_transitioning",
	"alua_access_state", NULL
};
