// SPDX-License-Identifier: GPL-2.0-only
/* test_output.c - exact text of memblock_dump_all() and of the memblock=debug lines. */

#include "core_test.h"

/*
 * Symbolizer: names the two memblock functions that appear as callers, "caller" otherwise.
 * The reserve of an allocation must name a return address inside
 * memblock_alloc_range_nid, as Linux's %pS does ("memblock_alloc_range_nid+0xbd/0x180"
 * in the 6.12 fixture); its entry address is not one, and shows as "+0x0".
 * The offset itself depends on the compiler, so any inside address is shown as
 * Linux's.
 */
static int test_sym(uint64_t addr, char *buf, size_t len, void *ctx)
{
	uint64_t f1 = (uint64_t)(uintptr_t)memblock_alloc_range_nid;
	uint64_t f2 = (uint64_t)(uintptr_t)memblock_free;

	/* an address belongs to the nearer of the two function starts below it */
	bool in_f1 = addr >= f1 && addr < f1 + 0x1000 && !(f2 > f1 && addr >= f2);

	(void)ctx;
	if (addr == f1)
		snprintf(buf, len, "memblock_alloc_range_nid+0x0/0x180");
	else if (in_f1)
		snprintf(buf, len, "memblock_alloc_range_nid+0xbd/0x180");
	else if (addr >= f2 && addr < f2 + 0x1000)
		snprintf(buf, len, "memblock_free+0x%llx/0x1000", (unsigned long long)(addr - f2));
	else
		snprintf(buf, len, "caller+0x10/0x20");
	return 0;
}

static bool starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static int unknown_sym(uint64_t addr, char *buf, size_t len, void *ctx)
{
	(void)addr;
	(void)buf;
	(void)len;
	(void)ctx;
	return -1;
}

static void dump_all_pc(void)
{
	memblock_add(0x1000, 0x9e000);
	memblock_add(SZ_1M, 0x1fee0000);
	memblock_reserve(0, SZ_64K);
	memblock_reserve(0x9f000, 0x61000);
	memblock_reserve(SZ_16M, 0x2c11000);
	t_capture(true);
	memblock_dump_all();
	CHECK_STR(t_output(), "");
	memblock_debug = 1;
	memblock_dump_all();
	CHECK_STR(t_output(),
		  "MEMBLOCK configuration:\n"
		  " memory size = 0x000000001ff7e000 reserved size = 0x0000000002c82000\n"
		  " memory.cnt  = 0x2\n"
		  " memory[0x0]\t[0x0000000000001000-0x000000000009efff], 0x000000000009e000 bytes flags: 0x0\n"
		  " memory[0x1]\t[0x0000000000100000-0x000000001ffdffff], 0x000000001fee0000 bytes flags: 0x0\n"
		  " reserved.cnt  = 0x3\n"
		  " reserved[0x0]\t[0x0000000000000000-0x000000000000ffff], 0x0000000000010000 bytes flags: 0x0\n"
		  " reserved[0x1]\t[0x000000000009f000-0x00000000000fffff], 0x0000000000061000 bytes flags: 0x0\n"
		  " reserved[0x2]\t[0x0000000001000000-0x0000000003c10fff], 0x0000000002c11000 bytes flags: 0x0\n");
}

static void dump_all_nodes_and_flags(void)
{
	int i;

	memblock_add_node(0x1000, 0x9e000, 0, MEMBLOCK_NONE);
	memblock_add_node(SZ_1M, SZ_1M, 1, MEMBLOCK_NOMAP | MEMBLOCK_HOTPLUG);
	for (i = 0; i < 17; i++)
		memblock_reserve(SZ_16M + i * SZ_8K, SZ_4K);
	memblock_set_node(SZ_16M, SZ_4K, RSV, 0);
	t_capture(true);
	__memblock_dump_all();
	CHECK(strstr(t_output(), " memory[0x1]\t[0x0000000000100000-0x00000000001fffff], "
			"0x0000000000100000 bytes on node 1 flags: 0x5\n") != NULL);
	CHECK(strstr(t_output(), " reserved[0x0]\t[0x0000000001000000-0x0000000001000fff], "
			"0x0000000000001000 bytes on node 0 flags: 0x0\n") != NULL);
	CHECK(strstr(t_output(), " reserved[0x10]\t[0x0000000001020000-0x0000000001020fff], "
			"0x0000000000001000 bytes flags: 0x0\n") != NULL);
	CHECK(strstr(t_output(), " reserved.cnt  = 0x11\n") != NULL);
}

static void dump_all_empty(void)
{
	t_capture(true);
	__memblock_dump_all();
	CHECK_STR(t_output(),
		  "MEMBLOCK configuration:\n"
		  " memory size = 0x0000000000000000 reserved size = 0x0000000000000000\n"
		  " memory.cnt  = 0x0\n"
		  " reserved.cnt  = 0x0\n");
}

static void debug_lines_ranges(void)
{
	static char buf[SZ_16K];

	memblock_set_symbolizer(test_sym, NULL);
	memblock_host_map(SZ_1M, buf, sizeof(buf));
	memblock_debug = 1;
	t_capture(true);
	memblock_add(0x1000, 0x9f000);
	memblock_add_node(SZ_1M, SZ_1M, 1, MEMBLOCK_HOTPLUG);
	memblock_remove(0x5000, 0x1000);
	memblock_reserve(0x3c00000, 0x11000);
	memblock_phys_free(0x3c00000, 0x1000);
	memblock_physmem_add(0, SZ_1M);
	CHECK_STR(t_output(),
		  "memblock_add: [0x0000000000001000-0x000000000009ffff] caller+0x10/0x20\n"
		  "memblock_add_node: [0x0000000000100000-0x00000000001fffff] nid=1 flags=1 caller+0x10/0x20\n"
		  "memblock_remove: [0x0000000000005000-0x0000000000005fff] caller+0x10/0x20\n"
		  "memblock_reserve: [0x0000000003c00000-0x0000000003c10fff] caller+0x10/0x20\n"
		  "memblock_phys_free: [0x0000000003c00000-0x0000000003c00fff] caller+0x10/0x20\n"
		  "memblock_physmem_add: [0x0000000000000000-0x00000000000fffff] caller+0x10/0x20\n");
	t_clear_output();
	memblock_reserve(SZ_1M, SZ_4K);
	t_clear_output();
	memblock_free(buf, SZ_4K);
	CHECK(starts_with(t_output(),
			  "memblock_phys_free: [0x0000000000100000-0x0000000000100fff] memblock_free+0x"));
}

static void debug_lines_alloc(void)
{
	memblock_set_symbolizer(test_sym, NULL);
	memblock_add(SZ_16M, SZ_16M);
	memblock_debug = 1;
	t_capture(true);
	memblock_phys_alloc_range(0x7000, 0x1000, 0, SZ_16M + SZ_1M);
	CHECK_STR(t_output(), t_bottom_up ?
		  "memblock_phys_alloc_range: 28672 bytes align=0x1000 from=0x0000000000000000 max_addr=0x0000000001100000 caller+0x10/0x20\n"
		  "memblock_reserve: [0x0000000001000000-0x0000000001006fff] memblock_alloc_range_nid+0xbd/0x180\n" :
		  "memblock_phys_alloc_range: 28672 bytes align=0x1000 from=0x0000000000000000 max_addr=0x0000000001100000 caller+0x10/0x20\n"
		  "memblock_reserve: [0x00000000010f9000-0x00000000010fffff] memblock_alloc_range_nid+0xbd/0x180\n");
	t_clear_output();
	memblock_alloc(16384, 64);
	CHECK_STR(t_output(), t_bottom_up ?
		  "memblock_alloc_try_nid: 16384 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 caller+0x10/0x20\n"
		  "memblock_reserve: [0x0000000001007000-0x000000000100afff] memblock_alloc_range_nid+0xbd/0x180\n" :
		  "memblock_alloc_try_nid: 16384 bytes align=0x40 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 caller+0x10/0x20\n"
		  "memblock_reserve: [0x0000000001ffc000-0x0000000001ffffff] memblock_alloc_range_nid+0xbd/0x180\n");
	t_clear_output();
	memblock_alloc_exact_nid_raw(8388608, 0x200000, SZ_16M, 0, 0);
	CHECK_STR(t_output(),
		  "memblock_alloc_exact_nid_raw: 8388608 bytes align=0x200000 nid=0 from=0x0000000001000000 max_addr=0x0000000000000000 caller+0x10/0x20\n");
	t_clear_output();
	memblock_alloc_raw(4096, 4096);
	CHECK(starts_with(t_output(), "memblock_alloc_try_nid_raw: 4096 bytes align=0x1000 nid=-1 from=0x0000000000000000 max_addr=0x0000000000000000 caller+0x10/0x20\nmemblock_reserve: "));
	t_clear_output();
	memblock_alloc_low(64, 0);
	CHECK(starts_with(t_output(), "memblock_alloc_try_nid: 64 bytes align=0x0 nid=-1 from=0x0000000000000000 max_addr=0x00000000ffffffff caller+0x10/0x20\nmemblock_reserve: "));
	t_clear_output();
	/* no line of its own: only the reservation */
	memblock_phys_alloc_try_nid(4096, 4096, 0);
	CHECK(starts_with(t_output(), "memblock_reserve: ["));
	CHECK(strchr(t_output(), '\n') == t_output() + strlen(t_output()) - 1);
}

static void debug_line_doubled(void)
{
	int i;

	memblock_set_symbolizer(test_sym, NULL);
	memblock_add(0, 64 * SZ_1M);
	memblock_allow_resize();
	for (i = 0; i < 128; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	memblock_debug = 1;
	t_capture(true);
	memblock_reserve(SZ_16M, SZ_4K);
	/* top-down: the top of memory; bottom-up: right above the range being reserved */
	CHECK(strstr(t_output(), t_bottom_up ?
		     "memblock: reserved is doubled to 256 at [0x0000000001001000-0x00000000010027ff]\n" :
		     "memblock: reserved is doubled to 256 at [0x0000000003ffe000-0x0000000003fff7ff]\n")
	      != NULL);
	CHECK(strstr(t_output(), t_bottom_up ?
		     "memblock_reserve: [0x0000000001001000-0x0000000001002fff] " :
		     "memblock_reserve: [0x0000000003ffe000-0x0000000003ffffff] ") != NULL);
}

static void debug_off_silent(void)
{
	memblock_add(SZ_16M, SZ_16M);
	t_capture(true);
	memblock_alloc(100, 0);
	memblock_reserve(0, SZ_4K);
	CHECK_STR(t_output(), "");
}

static void debug_no_symbolizer(void)
{
	const char *o;
	char *end;

	memblock_debug = 1;
	t_capture(true);
	memblock_add(SZ_16M, SZ_16M);
	o = t_output();
	CHECK(starts_with(o, "memblock_add: [0x0000000001000000-0x0000000001ffffff] 0x"));
	CHECK(strtoull(o + strlen("memblock_add: [0x0000000001000000-0x0000000001ffffff] "),
		       &end, 16) != 0 && *end == '\n');
	t_clear_output();
	memblock_set_symbolizer(unknown_sym, NULL);
	memblock_reserve(SZ_16M, SZ_16M);
	CHECK(starts_with(t_output(), "memblock_reserve: [0x0000000001000000-0x0000000001ffffff] 0x"));
}

static const struct t_case cases[] = {
	{ "memblock_dump_all_pc_layout", dump_all_pc },
	{ "memblock_dump_all_nodes_and_flags", dump_all_nodes_and_flags },
	{ "memblock_dump_all_empty", dump_all_empty },
	{ "memblock_debug_lines_ranges", debug_lines_ranges },
	{ "memblock_debug_lines_alloc", debug_lines_alloc },
	{ "memblock_debug_line_doubled", debug_line_doubled },
	{ "memblock_debug_off_silent", debug_off_silent },
	{ "memblock_debug_no_symbolizer", debug_no_symbolizer },
};

const struct t_group t_group_output = T_GROUP("output", cases);
