// SPDX-License-Identifier: GPL-2.0-only
/* test_flags.c - flag and node scenarios: splits on partial overlap, merge back, set_node. */

#include "core_test.h"

static void mark_hotplug_partial(void)
{
	/* flag the middle of a region: split into three */
	memblock_add(SZ_1M, SZ_1M);
	CHECK_EQ(memblock_mark_hotplug(SZ_1M + SZ_64K, SZ_64K), 0);
	CHECK_EQ(MEM->cnt, 3);
	CHECK_RGN(MEM, 0, SZ_1M, SZ_64K);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NONE);
	CHECK_RGN(MEM, 1, SZ_1M + SZ_64K, SZ_64K);
	CHECK_EQ(MEM->regions[1].flags, MEMBLOCK_HOTPLUG);
	CHECK_RGN(MEM, 2, SZ_1M + 2 * SZ_64K, SZ_1M - 2 * SZ_64K);
	CHECK_EQ(MEM->regions[2].flags, MEMBLOCK_NONE);
	CHECK_EQ(MEM->total_size, SZ_1M);
	/* clearing it merges everything back */
	CHECK_EQ(memblock_clear_hotplug(SZ_1M + SZ_64K, SZ_64K), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1M, SZ_1M);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NONE);
}

static void mark_hotplug_across_two(void)
{
	/* range covering the top of one region and the bottom of the next */
	memblock_add(SZ_1M, SZ_1M);
	memblock_add(3 * SZ_1M, SZ_1M);
	memblock_mark_hotplug(SZ_1M + SZ_1M / 2, 2 * SZ_1M);
	CHECK_EQ(MEM->cnt, 4);
	CHECK_RGN(MEM, 0, SZ_1M, SZ_1M / 2);
	CHECK_RGN(MEM, 1, SZ_1M + SZ_1M / 2, SZ_1M / 2);
	CHECK_EQ(MEM->regions[1].flags, MEMBLOCK_HOTPLUG);
	CHECK_RGN(MEM, 2, 3 * SZ_1M, SZ_1M / 2);
	CHECK_EQ(MEM->regions[2].flags, MEMBLOCK_HOTPLUG);
	CHECK_RGN(MEM, 3, 3 * SZ_1M + SZ_1M / 2, SZ_1M / 2);
	CHECK_EQ(MEM->regions[3].flags, MEMBLOCK_NONE);
}

static void mark_flag_whole_merges_with_neighbour(void)
{
	/* marking a region like its adjacent neighbour merges the two */
	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NOMAP);
	memblock_add_node(2 * SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	CHECK_EQ(MEM->cnt, 2);
	memblock_mark_nomap(2 * SZ_1M, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1M, 2 * SZ_1M);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NOMAP);
	memblock_clear_nomap(SZ_1M, 2 * SZ_1M);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NONE);
	CHECK_EQ(MEM->cnt, 1);
}

static void mark_flag_outside_memory(void)
{
	/* parts of the range not covered by memory are ignored */
	memblock_add(SZ_1M, SZ_1M);
	CHECK_EQ(memblock_mark_nomap(SZ_16M, SZ_1M), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NONE);
}

static void mark_mirror_needs_kernelcore(void)
{
	memblock_add(SZ_1M, SZ_1M);
	CHECK_EQ(memblock_mark_mirror(SZ_1M, SZ_64K), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK(!memblock_has_mirror());
	memblock_set_mirrored_kernelcore(true);
	CHECK_EQ(memblock_mark_mirror(SZ_1M, SZ_64K), 0);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_MIRROR);
	CHECK(memblock_has_mirror());
}

static void reserved_mark_noinit(void)
{
	memblock_reserve(SZ_1M, SZ_16K);
	CHECK_EQ(memblock_reserved_mark_noinit(SZ_1M + SZ_4K, SZ_4K), 0);
	CHECK_EQ(RSV->cnt, 3);
	CHECK_EQ(RSV->regions[1].flags, MEMBLOCK_RSRV_NOINIT);
	CHECK_RGN(RSV, 1, SZ_1M + SZ_4K, SZ_4K);
	/* memory is not touched */
	CHECK_EQ(MEM->cnt, 0);
}

static void reserve_next_to_noinit_not_merged(void)
{
	memblock_reserve(SZ_1M, SZ_4K);
	memblock_reserved_mark_noinit(SZ_1M, SZ_4K);
	memblock_reserve(SZ_1M + SZ_4K, SZ_4K);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_EQ(RSV->regions[0].flags, MEMBLOCK_RSRV_NOINIT);
	CHECK_EQ(RSV->regions[1].flags, MEMBLOCK_NONE);
}

static void set_node_partial(void)
{
	memblock_add(0, SZ_16M);
	CHECK_EQ(memblock_set_node(SZ_1M, SZ_2M, MEM, 1), 0);
	CHECK_EQ(MEM->cnt, 3);
	CHECK_EQ(MEM->regions[0].nid, MAX_NUMNODES);
	CHECK_EQ(MEM->regions[1].nid, 1);
	CHECK_RGN(MEM, 1, SZ_1M, SZ_2M);
	CHECK_EQ(MEM->regions[2].nid, MAX_NUMNODES);
	/* setting the rest to node 1 merges everything into one region */
	memblock_set_node(0, SZ_1M, MEM, 1);
	memblock_set_node(3 * SZ_1M, SZ_16M, MEM, 1);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_EQ(MEM->regions[0].nid, 1);
	CHECK_EQ(MEM->total_size, SZ_16M);
}

static void set_node_reserved(void)
{
	memblock_reserve(SZ_1M, SZ_1M);
	memblock_set_node(0, SZ_1M + SZ_64K, RSV, 0);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_EQ(RSV->regions[0].nid, 0);
	CHECK_RGN(RSV, 0, SZ_1M, SZ_64K);
	CHECK_EQ(RSV->regions[1].nid, MAX_NUMNODES);
}

static void clear_flag_partial_keeps_rest(void)
{
	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_HOTPLUG);
	memblock_clear_hotplug(SZ_1M, SZ_64K);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NONE);
	CHECK_EQ(MEM->regions[1].flags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(MEM->regions[1].nid, 0);
}

static const struct t_case cases[] = {
	{ "memblock_mark_hotplug_partial_then_clear", mark_hotplug_partial },
	{ "memblock_mark_hotplug_across_two", mark_hotplug_across_two },
	{ "memblock_mark_nomap_merges_with_neighbour", mark_flag_whole_merges_with_neighbour },
	{ "memblock_mark_nomap_outside_memory", mark_flag_outside_memory },
	{ "memblock_mark_mirror_needs_kernelcore", mark_mirror_needs_kernelcore },
	{ "memblock_reserved_mark_noinit", reserved_mark_noinit },
	{ "memblock_reserve_next_to_noinit", reserve_next_to_noinit_not_merged },
	{ "memblock_set_node_partial", set_node_partial },
	{ "memblock_set_node_reserved", set_node_reserved },
	{ "memblock_clear_hotplug_partial", clear_flag_partial_keeps_rest },
};

const struct t_group t_group_flags = T_GROUP("flags", cases);
