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
