// SPDX-License-Identifier: GPL-2.0
/* TAP unit tests of ktgtctl's argument checks (parse.c). */
#include <inttypes.h>
#include <stdio.h>
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

static int size_is(const char *s, uint64_t want)
{
	uint64_t v = 0;

	return ktgtctl_parse_size(s, &v) == 0 && v == want;
}

static int size_bad(const char *s)
{
	uint64_t v = 12345;

	return ktgtctl_parse_size(s, &v) == -1 && v == 12345;
}

static int uint_is(const char *s, unsigned long min, unsigned long max,
		   unsigned long want)
{
	unsigned long v = 0;

	return ktgtctl_parse_uint(s, min, max, &v) == 0 && v == want;
}

static int uint_bad(const char *s, unsigned long min, unsigned long max)
{
	unsigned long v;

	return ktgtctl_parse_uint(s, min, max, &v) == -1;
}

int main(void)
{
	check(size_is("4096", 4096), "size: plain bytes");
	check(size_is("1K", 1024), "size: 1K is 1024");
	check(size_is("64M", 64ULL << 20), "size: 64M");
	check(size_is("1G", 1ULL << 30), "size: 1G");
	check(size_is("2GiB", 2ULL << 30), "size: 2GiB");
	check(size_is("3gb", 3ULL << 30), "size: 3gb (case-insensitive)");
	check(size_is("1T", 1ULL << 40), "size: 1T");
	check(size_is("18446744073709551615", UINT64_MAX), "size: UINT64_MAX bytes");
	check(size_bad("18446744073709551616"), "size: 2^64 overflows");
	check(size_bad("17179869184G"), "size: 2^34 G overflows");
	check(size_bad(""), "size: empty");
	check(size_bad("-1"), "size: negative");
	check(size_bad(" 1"), "size: leading blank");
	check(size_bad("1X"), "size: unknown suffix");
	check(size_bad("1GG"), "size: trailing garbage");
	check(size_bad("G"), "size: suffix without number");
	check(size_bad(NULL), "size: NULL");

	check(uint_is("0", 0, 255, 0), "uint: 0");
	check(uint_is("255", 0, 255, 255), "uint: max");
	check(uint_bad("256", 0, 255), "uint: above max");
	check(uint_bad("0", 1, 65535), "uint: below min");
	check(uint_bad("01", 0, 255), "uint: leading zero is not canonical");
	check(uint_bad("+1", 0, 255), "uint: sign");
	check(uint_bad("1a", 0, 255), "uint: trailing garbage");
	check(uint_bad("", 0, 255), "uint: empty");
	check(uint_bad("99999999999999999999999", 0, ~0UL), "uint: overflow");

	check(!ktgtctl_check_portal("127.0.0.1:3260"), "portal: IPv4");
	check(!ktgtctl_check_portal("0.0.0.0:3260"), "portal: IPv4 any");
	check(!ktgtctl_check_portal("[::1]:3260"), "portal: IPv6 loopback");
	check(!ktgtctl_check_portal("[fe80::1:2]:65535"), "portal: IPv6, port 65535");
	check(ktgtctl_check_portal("127.0.0.1"), "portal: port missing");
	check(ktgtctl_check_portal("127.0.0.1:0"), "portal: port 0");
	check(ktgtctl_check_portal("127.0.0.1:65536"), "portal: port 65536");
	check(ktgtctl_check_portal("::1:3260"), "portal: IPv6 without brackets");
	check(ktgtctl_check_portal("[::1]3260"), "portal: no colon after ]");
	check(ktgtctl_check_portal("[]:3260"), "portal: empty IPv6");
	check(ktgtctl_check_portal(":3260"), "portal: empty address");
	check(ktgtctl_check_portal(""), "portal: empty");

	check(!ktgtctl_check_name("iqn.2026-11.org.ktgt:demo"), "name: IQN");
	check(ktgtctl_check_name("a/b"), "name: slash");
	check(ktgtctl_check_name(".."), "name: ..");
	check(ktgtctl_check_name(""), "name: empty");

	check(ktgtctl_bs_type("ram") == 0 && ktgtctl_bs_type("null") == 1 &&
	      ktgtctl_bs_type("block") == 2 && ktgtctl_bs_type("file") == 3,
	      "backstore types");
	check(ktgtctl_bs_type("rd_mcp") == -1 && ktgtctl_bs_type(NULL) == -1,
	      "unknown backstore type");

	{
		const char *j = "{\n  \"a\": 1,\n  x\n}";
		unsigned l, c;

		ktgtctl_line_of(j, strlen(j), 0, &l, &c);
		check(l == 1 && c == 1, "line_of: offset 0 is line 1 column 1");
		ktgtctl_line_of(j, strlen(j), strchr(j, 'x') - j, &l, &c);
		check(l == 3 && c == 3, "line_of: the x is line 3 column 3");
		ktgtctl_line_of(j, strlen(j), 1000, &l, &c);
		check(l == 4, "line_of: past the end is the last line");
	}
	check(ktgtctl_key_in(ktgtctl_param_keys, "MaxBurstLength"), "keys: MaxBurstLength is a param");
	check(!ktgtctl_key_in(ktgtctl_param_keys, "maxburstlength"), "keys: param names are case-sensitive");
	check(ktgtctl_key_in(ktgtctl_attrib_keys, "generate_node_acls"), "keys: generate_node_acls is an attrib");
	check(!ktgtctl_key_in(ktgtctl_auth_keys, "enforce"), "keys: enforce is not a TPG auth key");
	check(ktgtctl_key_in(ktgtctl_discovery_keys, "enforce"), "keys: enforce is a discovery_auth key");
	printf("1..%d\n", n);
	return failed ? 1 : 0;
}
