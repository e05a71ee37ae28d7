/* SPDX-License-Identifier: GPL-2.0-only */
/* check.h - CHECK() for the tests/linux programs: report a failed condition and count it. */
#ifndef MB_TESTS_LINUX_CHECK_H
#define MB_TESTS_LINUX_CHECK_H

#include <stdio.h>

/* Failed checks so far; each program returns non-zero when it is not 0. */
static int failures;

#define CHECK(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: check failed: %s: ", __FILE__, __LINE__, #cond); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failures++; \
	} \
} while (0)

#endif
