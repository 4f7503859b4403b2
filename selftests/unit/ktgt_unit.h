/* SPDX-License-Identifier: GPL-2.0 */
/* A tiny TAP harness for the user-space unit tests. */
#ifndef KTGT_UNIT_H
#define KTGT_UNIT_H

#include <stdio.h>
#include <stdlib.h>

static int ktgt_unit_n, ktgt_unit_failed;

#define KTGT_CHECK(cond, name) do {					\
	ktgt_unit_n++;							\
	if (cond) {							\
		printf("ok %d - %s\n", ktgt_unit_n, name);		\
	} else {							\
		ktgt_unit_failed++;					\
		printf("not ok %d - %s (%s:%d: %s)\n", ktgt_unit_n,	\
		       name, __FILE__, __LINE__, #cond);		\
	}								\
} while (0)

static inline int ktgt_unit_done(void)
{
	printf("1..%d\n", ktgt_unit_n);
	return ktgt_unit_failed ? 1 : 0;
}

#endif /* KTGT_UNIT_H */
