/* SPDX-License-Identifier: GPL-2.0-only */
/* core_test.h - tiny assertion and scenario harness for the memblock core unit tests. */
#ifndef _CORE_TEST_H
#define _CORE_TEST_H

#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memblock.h"
#include "memblock_host.h"
#include "mb_evlog.h"

extern const char *t_scenario;
extern int t_failures;
extern unsigned long t_checks;
extern bool t_bottom_up;

#define CHECK(cond)							\
	do {								\
		t_checks++;						\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: [%s%s] CHECK(%s) failed\n", \
				__FILE__, __LINE__, t_scenario,		\
				t_bottom_up ? " bottom-up" : "", #cond); \
			t_failures++;					\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		unsigned long long __a = (unsigned long long)(a);	\
		unsigned long long __b = (unsigned long long)(b);	\
		t_checks++;						\
		if (__a != __b) {					\
			fprintf(stderr, "%s:%d: [%s%s] %s == %s: 0x%llx != 0x%llx\n", \
				__FILE__, __LINE__, t_scenario,		\
				t_bottom_up ? " bottom-up" : "", #a, #b, __a, __b); \
			t_failures++;					\
		}							\
	} while (0)

#define CHECK_STR(a, b)							\
	do {								\
		const char *__a = (a), *__b = (b);			\
		t_checks++;						\
		if (strcmp(__a, __b)) {					\
			fprintf(stderr, "%s:%d: [%s%s] text differs:\n--- got\n%s--- want\n%s---\n", \
				__FILE__, __LINE__, t_scenario,		\
				t_bottom_up ? " bottom-up" : "", __a, __b); \
			t_failures++;					\
		}							\
	} while (0)

/* Check region @i of @type is [base, base+size) with the given attributes. */
#define CHECK_RGN(type, i, b, s)					\
	do {								\
		CHECK_EQ((type)->regions[i].base, (b));			\
		CHECK_EQ((type)->regions[i].size, (s));			\
	} while (0)

/**
 * struct t_case - one scenario, run once top-down and once bottom-up
 * @name: scenario name (printed on failure)
 * @fn: the scenario; t_bottom_up says which direction is on
 */
struct t_case {
	const char *name;
	void (*fn)(void);
};

/**
 * struct t_group - scenarios run by one ctest test
 * @name: group name (argv[1])
 * @cases: the scenarios
 * @n: how many
 */
struct t_group {
	const char *name;
	const struct t_case *cases;
	size_t n;
};

#define T_GROUP(name, arr) { name, arr, sizeof(arr) / sizeof(arr[0]) }

/* Reset memblock, hooks, debug, log and options to a clean state. */
void t_reset(void);
/* Captured print-hook output (t_reset clears it; t_capture(true) starts). */
void t_capture(bool on);
const char *t_output(void);
void t_clear_output(void);
/* Run @fn expecting a memblock panic; returns true and stores the message. */
bool t_expect_panic(void (*fn)(void), char *msg, size_t len);

extern const struct t_group t_group_basic;
extern const struct t_group t_group_flags;
extern const struct t_group t_group_double;
extern const struct t_group t_group_alloc;
extern const struct t_group t_group_iter;
extern const struct t_group t_group_limits;
extern const struct t_group t_group_output;
extern const struct t_group t_group_evlog;

#define SZ_4K	0x1000ULL
#define SZ_8K	0x2000ULL
#define SZ_16K	0x4000ULL
#define SZ_64K	0x10000ULL
#define SZ_1M	0x100000ULL
#define SZ_2M	0x200000ULL
#define SZ_4M	0x400000ULL
#define SZ_8M	0x800000ULL
#define SZ_16M	0x1000000ULL
#define SZ_1G	0x40000000ULL

#define MEM	(&memblock.memory)
#define RSV	(&memblock.reserved)

#endif /* _CORE_TEST_H */
