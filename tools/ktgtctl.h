/* SPDX-License-Identifier: GPL-2.0 */
/* ktgtctl: argument checks shared by the tool and its unit tests. */
#ifndef KTGTCTL_H
#define KTGTCTL_H

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

#endif
