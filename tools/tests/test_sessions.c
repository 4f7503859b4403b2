// SPDX-License-Identifier: GPL-2.0
/* TAP unit tests of the sessions-file parser and counter formatting (sessions.c). */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ktgtctl.h"

static int n, failed;

static void check(int cond, const char *name)
{
	n++;
	if (!cond)
		failed++;
	printf("%sok %d - %s\n", cond ? "" : "not ", n, name);
}

/* Two sessions, as the module writes them, then padding newlines. */
static const char two[] =
"session 1\n"
"initiator iqn.1993-08.org.debian:01:host1\n"
"isid 400001370000\n"
"tsih 1\n"
"target iqn.2026-11.org.ktgt:t1\n"
"tpgt 1\n"
"acl iqn.1993-08.org.debian:01:host1\n"
"exp_cmdsn 42\n"
"max_cmdsn 105\n"
"cmdsn_depth 64\n"
"outstanding 0\n"
"luns 0 1 7\n"
"conn 0 10.0.2.15:3260 10.0.2.2:51234\n"
"param HeaderDigest None\n"
"param MaxRecvDataSegmentLength 262144\n"
"cmds 10\nread_bytes 4096\nwrite_bytes 8192\nerrors 1\naborts 2\n"
"\n"
"session 7\n"
"initiator iqn.2026-11.org.ktgt:ini2\n"
"isid 23d000000001\n"
"tsih 7\n"
"tpgt 1\n"
"acl -\n"
"luns\n"
"conn 0 [::1]:3260 [::1]:40000\n"
"future_key some value\n"
"cmds 18446744073709551615\n"
"\n\n\n";

static int bad_at(const char *text, unsigned want_line)
{
	struct ktgtctl_session *s = (void *)1;
	size_t nr = 99;
	unsigned line = 0;
	int r = ktgtctl_parse_sessions(text, strlen(text), &s, &nr, &line);

	return r == -1 && line == want_line && s == NULL && nr == 0;
}

static int bytes_are(uint64_t b, const char *want)
{
	char buf[16];

	ktgtctl_fmt_bytes(b, buf, sizeof(buf));
	return !strcmp(buf, want);
}

int main(void)
{
	struct ktgtctl_session *s;
	size_t nr;
	unsigned line;
	int r;

	r = ktgtctl_parse_sessions(two, sizeof(two) - 1, &s, &nr, &line);
	check(r == 0 && nr == 2, "two sessions parsed");
	if (r || nr != 2) {
		printf("1..%d\n", n);
		return 1;
	}
	check(!strcmp(s[0].initiator, "iqn.1993-08.org.debian:01:host1"), "initiator");
	check(!strcmp(s[0].isid, "400001370000"), "isid");
	check(s[0].tsih == 1 && s[0].tpgt == 1, "tsih, tpgt");
	check(!strcmp(s[0].target, "iqn.2026-11.org.ktgt:t1"), "target");
	check(s[0].exp_cmdsn == 42 && s[0].max_cmdsn == 105 &&
	      s[0].cmdsn_depth == 64 && s[0].outstanding == 0, "CmdSN window");
	check(s[0].nr_luns == 3 && s[0].luns[0] == 0 && s[0].luns[1] == 1 &&
	      s[0].luns[2] == 7, "mapped LUNs");
	check(s[0].nr_conns == 1 && s[0].conns[0].cid == 0 &&
	      !strcmp(s[0].conns[0].local, "10.0.2.15:3260") &&
	      !strcmp(s[0].conns[0].peer, "10.0.2.2:51234"), "IPv4 connection");
	check(s[0].nr_params == 2 && !strcmp(s[0].params[1].key, "MaxRecvDataSegmentLength") &&
	      !strcmp(s[0].params[1].val, "262144"), "negotiated parameters");
	check(s[0].cmds == 10 && s[0].read_bytes == 4096 && s[0].write_bytes == 8192 &&
	      s[0].errors == 1 && s[0].aborts == 2, "counters");
	check(s[1].tsih == 7 && !strcmp(s[1].acl, "-") && s[1].nr_luns == 0,
	      "demo-mode session without LUNs");
	check(!strcmp(s[1].conns[0].local, "[::1]:3260") &&
	      !strcmp(s[1].conns[0].peer, "[::1]:40000"), "IPv6 connection");
	check(s[1].cmds == UINT64_MAX, "64-bit counter");
	free(s);

	r = ktgtctl_parse_sessions("", 0, &s, &nr, &line);
	check(r == 0 && nr == 0, "empty file: no sessions");
	free(s);
	r = ktgtctl_parse_sessions("\n\n", 2, &s, &nr, &line);
	check(r == 0 && nr == 0, "padding only: no sessions");
	free(s);

	check(bad_at("tsih 1\n", 1), "key before 'session' refused at line 1");
	check(bad_at("session 1\ntsih x\n", 2), "bad number refused at its line");
	check(bad_at("session 1\ncmds 18446744073709551616\n", 2), "counter overflow refused");
	check(bad_at("session 1\ntsih 4294967296\n", 2), "u32 overflow refused");
	check(bad_at("session 1\nisid 40000137000\n", 2), "short ISID refused");
	check(bad_at("session 1\nisid 40000137000G\n", 2), "non-hex ISID refused");
	check(bad_at("session 1\n\nluns 1 -2\n", 3), "negative LUN refused");
	check(bad_at("session 1\nconn 0 1.2.3.4:3260\n", 2), "connection without peer refused");
	check(bad_at("session\n", 1), "session without TSIH refused");
	check(bad_at("session 1\ncmds -1\n", 2), "signed counter refused");

	check(bytes_are(0, "0B") && bytes_are(1023, "1023B"), "bytes below 1 KiB");
	check(bytes_are(1536, "1.5Ki"), "1536 bytes");
	check(bytes_are(1ULL << 30, "1.0Gi"), "1 GiB");
	check(ktgtctl_avg_us(10, 4) == 3 && ktgtctl_avg_us(5, 0) == 0, "mean latency");

	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
