/* SPDX-License-Identifier: GPL-2.0 */
/* ktgtctl: argument checks shared by the tool and its unit tests. */
#ifndef KTGTCTL_H
#define KTGTCTL_H

#include <stddef.h>
#include <stdint.h>

#define KTGTCTL_VERSION "0.1"

/* "ram", "null", "block", "file", NULL: the backstore types, in ABI order */
extern const char *const ktgtctl_bs_types[];

/* Bytes, or a number with K, M, G, T (binary; KB/KiB accepted) -> bytes. */
int ktgtctl_parse_size(const char *s, uint64_t *out);
/* Canonical decimal (no sign, no leading zero) within [min, max]. */
int ktgtctl_parse_uint(const char *s, unsigned long min, unsigned long max,
		       unsigned long *out);
/* IPv4:PORT or [IPv6]:PORT with a port of 1-65535 (shape only). */
int ktgtctl_check_portal(const char *s);
/* A configfs directory name: non-empty, no '/', not "." or "..". */
int ktgtctl_check_name(const char *s);
/* Index in ktgtctl_bs_types, or -1. */
int ktgtctl_bs_type(const char *s);

/* Saved configuration (ktgtctl save/restore). */
#define KTGTCTL_SAVE_DEFAULT "/etc/ktgt/saveconfig.json"
/* The attribute files of a TPG's attrib/, param/ and auth/ groups, of an
 * ACL's auth/ and of discovery_auth/, as in Documentation/configfs-abi.rst. */
extern const char *const ktgtctl_attrib_keys[];
extern const char *const ktgtctl_param_keys[];
extern const char *const ktgtctl_auth_keys[];
extern const char *const ktgtctl_discovery_keys[];
/* The writable attributes of an ALUA target port group (alua/<group>/),
 * in the order restore writes them. */
extern const char *const ktgtctl_alua_keys[];
/* 1 if @key is in the NULL-terminated @keys, else 0. */
int ktgtctl_key_in(const char *const *keys, const char *key);
/* 1-based line and column of byte @off of @buf (@len bytes). */
void ktgtctl_line_of(const char *buf, size_t len, size_t off,
		     unsigned *line, unsigned *col);

#endif

/* Sessions and statistics (tools/sessions.c, tools/stats.c). */
#define KTGTCTL_MAX_LUNS	256
#define KTGTCTL_MAX_CONNS	16
#define KTGTCTL_MAX_PARAMS	32
#define KTGTCTL_PARAM_LEN	64
#define KTGTCTL_ADDR_MAX	64
#define KTGTCTL_NAME_MAX	224

struct ktgtctl_conn {
	uint32_t cid;
	char local[KTGTCTL_ADDR_MAX];
	char peer[KTGTCTL_ADDR_MAX];
};

/* One block of a tpgt_N/sessions file. */
struct ktgtctl_session {
	char initiator[KTGTCTL_NAME_MAX];
	char target[KTGTCTL_NAME_MAX];
	char acl[KTGTCTL_NAME_MAX];	/* "-": demo mode, no ACL */
	char isid[13];			/* 12 hex digits */
	uint32_t tsih, tpgt;
	uint32_t exp_cmdsn, max_cmdsn, cmdsn_depth, outstanding;
	uint32_t nr_luns;
	uint32_t luns[KTGTCTL_MAX_LUNS];
	uint32_t nr_conns;
	struct ktgtctl_conn conns[KTGTCTL_MAX_CONNS];
	uint32_t nr_params;
	struct {
		char key[KTGTCTL_PARAM_LEN];
		char val[KTGTCTL_PARAM_LEN];
	} params[KTGTCTL_MAX_PARAMS];
	uint64_t cmds, read_bytes, write_bytes, errors, aborts;
};

/*
 * Parse @len bytes of a sessions file into a malloc'ed array (*@out, *@nr
 * entries; free() it).  Unknown keys are skipped; blank lines separate
 * sessions.  -1 on a malformed line, its 1-based number in *@bad_line.
 */
int ktgtctl_parse_sessions(const char *text, size_t len,
			   struct ktgtctl_session **out, size_t *nr,
			   unsigned *bad_line);
/* 1536 -> "1.5Ki", 1000 -> "1000B" */
void ktgtctl_fmt_bytes(uint64_t b, char *buf, size_t size);
/* Rounded mean, 0 without commands. */
uint64_t ktgtctl_avg_us(uint64_t total_us, uint64_t cmds);

int ktgtctl_cmd_sessions(const char *root, int argc, char **argv);
int ktgtctl_cmd_stats(const char *root, int argc, char **argv);
