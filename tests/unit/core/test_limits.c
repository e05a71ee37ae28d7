// SPDX-License-Identifier: GPL-2.0-only
/* test_limits.c - memory limits, trimming, queries and memblock_free_all page counts. */

#include "core_test.h"

static void setup_pc(void)
{
	/* the QEMU -m 512M layout */
	memblock_add(0x1000, 0x9e000);
	memblock_add(SZ_1M, 0x1fee0000);
	memblock_reserve(0, SZ_64K);
	memblock_reserve(500 * SZ_1M, SZ_1M);
}

static void enforce_memory_limit(void)
{
	phys_addr_t max_addr = SZ_1M + 256 * SZ_1M - 0x9e000;

	setup_pc();
	memblock_enforce_memory_limit(256 * SZ_1M);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 1, SZ_1M, max_addr - SZ_1M);
	CHECK_EQ(memblock_phys_mem_size(), 256 * SZ_1M);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, 0, SZ_64K);
}

static void enforce_memory_limit_noop(void)
{
	setup_pc();
	memblock_enforce_memory_limit(0);
	memblock_enforce_memory_limit(SZ_1G);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_EQ(memblock_phys_mem_size(), 0x9e000 + 0x1fee0000);
}

static void enforce_memory_limit_within_first(void)
{
	setup_pc();
	memblock_enforce_memory_limit(SZ_64K);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, 0x1000, SZ_64K);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, 0, SZ_64K);
}

static void mem_limit_remove_map_keeps_nomap(void)
{
	setup_pc();
	memblock_mark_nomap(400 * SZ_1M, SZ_1M);
	memblock_mem_limit_remove_map(256 * SZ_1M);
	CHECK_EQ(MEM->cnt, 3);
	CHECK_RGN(MEM, 2, 400 * SZ_1M, SZ_1M);
	CHECK_EQ(MEM->regions[2].flags, MEMBLOCK_NOMAP);
	CHECK_EQ(RSV->cnt, 1);
}

static void cap_memory_range(void)
{
	memblock_add(16 * SZ_1M, 16 * SZ_1M);
	memblock_add(48 * SZ_1M, 16 * SZ_1M);
	memblock_mark_nomap(60 * SZ_1M, 4 * SZ_1M);
	memblock_reserve(10 * SZ_1M, 12 * SZ_1M);
	memblock_reserve(51 * SZ_1M, 4 * SZ_1M);
	memblock_cap_memory_range(20 * SZ_1M, 32 * SZ_1M);
	CHECK_EQ(MEM->cnt, 3);
	CHECK_RGN(MEM, 0, 20 * SZ_1M, 12 * SZ_1M);
	CHECK_RGN(MEM, 1, 48 * SZ_1M, 4 * SZ_1M);
	CHECK_RGN(MEM, 2, 60 * SZ_1M, 4 * SZ_1M);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_RGN(RSV, 0, 20 * SZ_1M, 2 * SZ_1M);
	CHECK_RGN(RSV, 1, 51 * SZ_1M, SZ_1M);
}

static void cap_memory_range_nomap_split(void)
{
	/* a NOMAP region across the window edge stays, split in two (Linux) */
	memblock_add(16 * SZ_1M, 16 * SZ_1M);
	memblock_mark_nomap(16 * SZ_1M, 16 * SZ_1M);
	memblock_cap_memory_range(16 * SZ_1M, 8 * SZ_1M);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 0, 16 * SZ_1M, 8 * SZ_1M);
	CHECK_RGN(MEM, 1, 24 * SZ_1M, 8 * SZ_1M);
}

static void cap_memory_range_no_memory(void)
{
	t_capture(true);
	memblock_reserve(SZ_1M, SZ_1M);
	memblock_cap_memory_range(0, SZ_1M);
	CHECK_STR(t_output(), "memblock_cap_memory_range: No memory registered yet\n");
	CHECK_EQ(RSV->cnt, 1);
	t_clear_output();
	memblock_add(SZ_1M, SZ_1M);
	memblock_cap_memory_range(0, 0);
	CHECK_STR(t_output(), "");
	CHECK_EQ(MEM->cnt, 1);
}

static void trim_memory(void)
{
	memblock_add(0x1010, 0x3000 - 0x1010);
	memblock_add(0x5000, 0x800);
	memblock_add(0x8000, 0x9fff0 - 0x8000);
	memblock_trim_memory(SZ_4K);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 0, 0x2000, 0x1000);
	CHECK_RGN(MEM, 1, 0x8000, 0x97000);
	/* as in Linux, total_size only loses the removed region */
	CHECK_EQ(MEM->total_size, (0x3000 - 0x1010) + (0x9fff0 - 0x8000));
}

static void trim_memory_aligned(void)
{
	memblock_add(SZ_64K, 4 * SZ_64K);
	memblock_trim_memory(SZ_64K);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_64K, 4 * SZ_64K);
}

static void trim_memory_all_small(void)
{
	memblock_add(0x100, 0x200);
	memblock_add(0x2100, 0x200);
	memblock_trim_memory(SZ_4K);
	CHECK_EQ(MEM->cnt, 0);
	CHECK_EQ(MEM->total_size, 0);
}

static void queries(void)
{
	unsigned long s = 0, e = 0;

	CHECK_EQ(memblock_start_of_DRAM(), 0);
	CHECK_EQ(memblock_end_of_DRAM(), 0);
	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	memblock_add_node(SZ_2M, SZ_1M, 1, MEMBLOCK_NONE);
	memblock_add_node(8 * SZ_1M, SZ_1M, 1, MEMBLOCK_NOMAP);
	memblock_reserve(SZ_2M + SZ_4K, SZ_4K);
	CHECK_EQ(memblock_start_of_DRAM(), SZ_1M);
	CHECK_EQ(memblock_end_of_DRAM(), 9 * SZ_1M);
	CHECK_EQ(memblock_phys_mem_size(), 3 * SZ_1M);
	CHECK_EQ(memblock_reserved_size(), SZ_4K);
	CHECK_EQ(memblock_estimated_nr_free_pages(), (3 * SZ_1M - SZ_4K) / SZ_4K);
	CHECK(memblock_is_memory(SZ_1M));
	CHECK(memblock_is_memory(SZ_2M - 1));
	CHECK(!memblock_is_memory(SZ_1M - 1));
	CHECK(!memblock_is_memory(3 * SZ_1M));
	CHECK(memblock_is_map_memory(SZ_2M));
	CHECK(!memblock_is_map_memory(8 * SZ_1M));
	CHECK(memblock_is_memory(8 * SZ_1M));
	CHECK(memblock_is_region_memory(SZ_1M, SZ_1M));
	/* spans two regions (different nids): not inside ONE region */
	CHECK(!memblock_is_region_memory(SZ_1M, SZ_2M));
	CHECK(!memblock_is_region_memory(SZ_1M - SZ_4K, SZ_8K));
	CHECK(memblock_is_region_reserved(SZ_2M, SZ_8K));
	CHECK(!memblock_is_region_reserved(SZ_2M, SZ_4K));
	CHECK(memblock_is_reserved(SZ_2M + SZ_4K));
	CHECK(!memblock_is_reserved(SZ_2M + SZ_8K));
	CHECK_EQ(memblock_search_pfn_nid(0x200, &s, &e), 1);
	CHECK_EQ(s, 0x200);
	CHECK_EQ(e, 0x300);
	CHECK_EQ(memblock_search_pfn_nid(0x10, &s, &e), NUMA_NO_NODE);
	CHECK(memblock_overlaps_region(MEM, 0, SZ_1M + 1));
	CHECK(!memblock_overlaps_region(MEM, 0, SZ_1M));
	CHECK(memblock_overlaps_region(RSV, PHYS_ADDR_MAX - 1, PHYS_ADDR_MAX) == false);
	CHECK(memblock_addrs_overlap(0, 10, 9, 10));
	CHECK(!memblock_addrs_overlap(0, 10, 10, 10));
	/* the last byte of the last region, where searches take a shortcut */
	CHECK(memblock_is_memory(9 * SZ_1M - 1));
	CHECK(!memblock_is_memory(9 * SZ_1M));
	CHECK(memblock_is_reserved(SZ_2M + SZ_8K - 1));
	CHECK(!memblock_is_reserved(SZ_2M + SZ_8K));
	memblock_reserve(SZ_2M + SZ_8K - 1, 2);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, SZ_2M + SZ_4K, SZ_4K + 1);
	memblock_phys_free(SZ_2M + SZ_8K - 1, 1);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_RGN(RSV, 0, SZ_2M + SZ_4K, SZ_4K - 1);
	CHECK_RGN(RSV, 1, SZ_2M + SZ_8K, 1);
}

static void validate_numa_coverage(void)
{
	memblock_add_node(0, SZ_16M, 0, MEMBLOCK_NONE);
	memblock_add(SZ_16M, 3 * SZ_1M);
	t_capture(true);
	CHECK(memblock_validate_numa_coverage(3 * SZ_1M));
	CHECK_STR(t_output(), "");
	CHECK(!memblock_validate_numa_coverage(SZ_1M));
	CHECK_STR(t_output(), "NUMA: no nodes coverage for 3MB of 19MB RAM\n");
	memblock_set_node(SZ_16M, 3 * SZ_1M, MEM, 1);
	CHECK(memblock_validate_numa_coverage(0));
}

static void limit_and_direction(void)
{
	memblock_set_current_limit(SZ_1M);
	CHECK_EQ(memblock_get_current_limit(), SZ_1M);
	memblock_set_bottom_up(true);
	CHECK(memblock_bottom_up());
	memblock_set_bottom_up(false);
	CHECK(!memblock_bottom_up());
	memblock_reset_state();
	CHECK_EQ(memblock_get_current_limit(), MEMBLOCK_ALLOC_ANYWHERE);
}

static phys_addr_t hook_base[16], hook_size[16];
static int hook_n;

static void free_hook(phys_addr_t base, phys_addr_t size, void *ctx)
{
	(void)ctx;
	if (hook_n < 16) {
		hook_base[hook_n] = base;
		hook_size[hook_n] = size;
	}
	hook_n++;
}

static void free_all_counts(void)
{
	hook_n = 0;
	memblock_set_free_pages_hook(free_hook, NULL);
	memblock_add(0x1000, 0x9fc00 - 0x1000);
	memblock_add(SZ_1M, 15 * SZ_1M);
	memblock_reserve(0, SZ_64K);
	memblock_reserve(SZ_1M, SZ_1M);
	memblock_reserve(3 * SZ_1M + 0x800, 0x1000);	/* partial pages around it */
	memblock_mark_nomap(8 * SZ_1M, SZ_1M);
	CHECK_EQ(memblock_free_all(), 0x8f + 0x100 + 0x4fe + 0x700);
	CHECK_EQ(hook_n, 4);
	CHECK_EQ(hook_base[0], SZ_64K);
	CHECK_EQ(hook_size[0], 0x8f000);
	CHECK_EQ(hook_base[1], SZ_2M);
	CHECK_EQ(hook_size[1], SZ_1M);
	CHECK_EQ(hook_base[2], 3 * SZ_1M + 0x2000);
	CHECK_EQ(hook_base[3], 9 * SZ_1M);
	CHECK_EQ(hook_size[3], 7 * SZ_1M);
}

static void free_all_clears_hotplug_sets_nid(void)
{
	memblock_add_node(0x1000, 0x9e000, 0, MEMBLOCK_HOTPLUG);
	memblock_add_node(SZ_1M, 15 * SZ_1M, 0, MEMBLOCK_NONE);
	memblock_reserve(0, SZ_64K);
	memblock_reserve(SZ_1M, SZ_1M);
	memblock_set_movable_node(true);
	CHECK_EQ(memblock_free_all(), (0x9f000 - SZ_64K) / SZ_4K + 14 * 256);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NONE);
	/* reserved ranges inside memory take the memory's nid (6.12) */
	CHECK_EQ(RSV->cnt, 3);
	CHECK_RGN(RSV, 0, 0, 0x1000);
	CHECK_EQ(RSV->regions[0].nid, MAX_NUMNODES);
	CHECK_RGN(RSV, 1, 0x1000, SZ_64K - 0x1000);
	CHECK_EQ(RSV->regions[1].nid, 0);
	CHECK_EQ(RSV->regions[2].nid, 0);
}

static void free_all_empty(void)
{
	CHECK_EQ(memblock_free_all(), 0);
	memblock_add(SZ_1M, SZ_1M);
	memblock_reserve(SZ_1M, SZ_1M);
	CHECK_EQ(memblock_free_all(), 0);
}

static const struct t_case cases[] = {
	{ "memblock_enforce_memory_limit", enforce_memory_limit },
	{ "memblock_enforce_memory_limit_noop", enforce_memory_limit_noop },
	{ "memblock_enforce_memory_limit_within_first", enforce_memory_limit_within_first },
	{ "memblock_mem_limit_remove_map_keeps_nomap", mem_limit_remove_map_keeps_nomap },
	{ "memblock_cap_memory_range", cap_memory_range },
	{ "memblock_cap_memory_range_nomap_split", cap_memory_range_nomap_split },
	{ "memblock_cap_memory_range_no_memory", cap_memory_range_no_memory },
	{ "memblock_trim_memory", trim_memory },
	{ "memblock_trim_memory_aligned", trim_memory_aligned },
	{ "memblock_trim_memory_all_small", trim_memory_all_small },
	{ "memblock_queries", queries },
	{ "memblock_limit_and_direction", limit_and_direction },
	{ "memblock_validate_numa_coverage", validate_numa_coverage },
	{ "memblock_free_all_counts", free_all_counts },
	{ "memblock_free_all_clears_hotplug_sets_nid", free_all_clears_hotplug_sets_nid },
	{ "memblock_free_all_empty", free_all_empty },
};

const struct t_group t_group_limits = T_GROUP("limits", cases);
