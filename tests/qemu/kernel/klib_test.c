// SPDX-License-Identifier: GPL-2.0-only
/* klib_test.c - host unit test of the kernel's mb_vsnprintf and command-line parser. */
#include <limits.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "kern/lib.h"
#include "kern/boot.h"

static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);		\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		failures++;						\
	}								\
} while (0)

/* Format with both engines and compare text and return value. */
static void same(const char *fmt, ...)
{
	char a[256], b[256];
	va_list ap, aq;
	int ra, rb;

	va_start(ap, fmt);
	va_copy(aq, ap);
	ra = mb_vsnprintf(a, sizeof(a), fmt, ap);
	rb = vsnprintf(b, sizeof(b), fmt, aq);
	va_end(aq);
	va_end(ap);
	CHECK(ra == rb && !strcmp(a, b), "format \"%s\": kernel \"%s\" (%d), libc \"%s\" (%d)",
	      fmt, a, ra, b, rb);
}

static void expect(const char *want, const char *fmt, ...)
{
	char a[256];
	va_list ap;

	va_start(ap, fmt);
	mb_vsnprintf(a, sizeof(a), fmt, ap);
	va_end(ap);
	CHECK(!strcmp(a, want), "format \"%s\": \"%s\", want \"%s\"", fmt, a, want);
}

static void test_printf(void)
{
	char small[8];
	int n;

	same("plain text");
	same("%s|%5s|%-5s|%.2s|%c|%%", "abc", "ab", "ab", "xyz", 'q');
	same("%d %i %u %d %d", 0, -1, 4000000000u, INT_MAX, INT_MIN);
	same("%ld %lu %lld %llu", LONG_MIN, ULONG_MAX, LLONG_MIN, ULLONG_MAX);
	same("%x %X %lx %llx %#x %#lx %#llx", 0xabcu, 0xabcu, 0xdeadbeefUL, 0x123456789abcdefULL,
	     0x1fu, 0x20UL, 0x40ULL);
	same("%016llx %08x %-8x| %8d %-8d| %08d %08d", 0x1000ULL, 0x9fu, 0x9fu, -42, -42, 42, -42);
	same("[%5lu.%06lu] ", 12UL, 345UL);
	same("%#010x %#-10x|", 0x1234u, 0x1234u);
	same("%*d %-*d|", 6, 7, 6, 7);
	same("%zu %zx", (size_t)123, (size_t)0xfff);
	same("%02x%02x%02x", 0, 0xab, 0x7);
	/* the Linux kernel's rule, not the C library's: %#x of zero is 0x0 */
	expect("0x0 0x0", "%#x %#llx", 0u, 0ULL);
	expect("(null)", "%s", (char *)NULL);
	/* truncation: NUL-terminated, returns the full length */
	n = mb_snprintf(small, sizeof(small), "%s", "0123456789");
	CHECK(n == 10 && !strcmp(small, "0123456"), "truncation: %d \"%s\"", n, small);
	n = mb_snprintf(NULL, 0, "%d", 12345);
	CHECK(n == 5, "size 0 returns the length (%d)", n);
}

static void test_parse_size(void)
{
	const char *end;
	uint64_t v;

	CHECK(parse_size("256M", &end, &v) && v == 256ULL << 20 && !*end, "256M");
	CHECK(parse_size("0x1000", &end, &v) && v == 0x1000 && !*end, "0x1000");
	CHECK(parse_size("4g", &end, &v) && v == 4ULL << 30 && !*end, "4g");
	CHECK(parse_size("12kX", &end, &v) && v == 12 << 10 && *end == 'X', "12kX");
	CHECK(!parse_size("M", &end, &v), "no digits");
	CHECK(!parse_size("99999999999999999999", &end, &v), "overflow");
	CHECK(!parse_size("17179869184G", &end, &v), "suffix overflow");
}

static void test_cmdline(void)
{
	struct boot_params bp;
	char big[4000];

	cmdline_parse("", &bp);
	CHECK(!bp.memblock_debug && !bp.nr_unknown && !bp.mem_limit, "empty command line");

	cmdline_parse("console=ttyS0 memblock=debug mem=256M movable_node", &bp);
	CHECK(bp.memblock_debug && bp.mem_limit == 256ULL << 20 && bp.movable_node &&
	      !bp.nr_unknown, "Linux-style command line");

	cmdline_parse("memblock=debug,bottomup numa=off kernelcore=mirror mb_exit", &bp);
	CHECK(bp.memblock_debug && bp.bottom_up && bp.numa_off && bp.mirror &&
	      bp.exit_when_done && !bp.nr_unknown, "combined options");

	cmdline_parse("memblock_bottom_up mb_hexdump_log mb_noserve", &bp);
	CHECK(bp.bottom_up && bp.hexdump_log && bp.no_serve && !bp.memblock_debug, "switches");

	cmdline_parse("foo=bar mem=abc mem= mem=0 memblock =x \"quoted arg\"", &bp);
	CHECK(bp.nr_unknown == 7 && !bp.mem_limit && !bp.memblock_debug,
	      "unknown parameters: %d \"%s\"", bp.nr_unknown, bp.unknown);
	CHECK(!strcmp(bp.unknown, "foo=bar mem=abc mem= mem=0 memblock =x \"quoted arg\""),
	      "unknown list \"%s\"", bp.unknown);

	cmdline_parse("x=\"a b c\" memblock=\"debug\"", &bp);
	CHECK(bp.memblock_debug && bp.nr_unknown == 1 && !strcmp(bp.unknown, "x=\"a b c\""),
	      "quoted values: \"%s\"", bp.unknown);

	cmdline_parse("mb_exit=1 movable_node=yes memblock", &bp);
	CHECK(!bp.exit_when_done && !bp.movable_node && bp.nr_unknown == 3,
	      "switches with values are unknown");

	memset(big, 'z', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	for (size_t i = 50; i < sizeof(big) - 1; i += 50)
		big[i] = ' ';
	cmdline_parse(big, &bp);
	CHECK(bp.nr_unknown > 70 && strlen(bp.unknown) == sizeof(bp.unknown) - 1,
	      "long unknown list truncated (%d, %zu)", bp.nr_unknown, strlen(bp.unknown));

	cmdline_parse("\t\n  \"\"\"\x01\xff= = == mem=1G\x7f", &bp);
	CHECK(bp.nr_unknown > 0 && !bp.mem_limit, "control bytes");
}

int main(void)
{
	test_printf();
	test_parse_size();
	test_cmdline();
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
