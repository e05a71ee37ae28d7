// SPDX-License-Identifier: GPL-2.0-only
/* test_basic.c - add, reserve, remove and free scenarios (overlap, adjacency, merge, caps). */

#include "core_test.h"

/* Initial state: empty arrays, static 128-entry arrays, names. */
static void init_state(void)
{
	CHECK_EQ(MEM->cnt, 0);
	CHECK_EQ(MEM->max, 128);
	CHECK_EQ(RSV->cnt, 0);
	CHECK_EQ(RSV->max, 128);
	CHECK_STR(MEM->name, "memory");
	CHECK_STR(RSV->name, "reserved");
	CHECK_EQ(memblock.current_limit, MEMBLOCK_ALLOC_ANYWHERE);
	CHECK(!memblock_bottom_up() == !t_bottom_up);
}

static void add_simple(void)
{
	CHECK_EQ(memblock_add(SZ_1G, SZ_16M), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1G, SZ_16M);
	CHECK_EQ(MEM->total_size, SZ_16M);
	CHECK_EQ(MEM->regions[0].nid, MAX_NUMNODES);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_NONE);
}

static void add_node_simple(void)
{
	CHECK_EQ(memblock_add_node(SZ_1M, SZ_16M, 1, MEMBLOCK_HOTPLUG), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_EQ(MEM->regions[0].nid, 1);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(MEM->total_size, SZ_16M);
}

static void add_disjoint(void)
{
	/* added high first: the array stays sorted */
	memblock_add(0x80000000, SZ_16M);
	memblock_add(0x10000000, SZ_2M);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 0, 0x10000000, SZ_2M);
	CHECK_RGN(MEM, 1, 0x80000000, SZ_16M);
	CHECK_EQ(MEM->total_size, SZ_16M + SZ_2M);
}

static void add_overlap_top(void)
{
	/* new range overlaps the top of an existing one */
	memblock_add(SZ_1G, SZ_1M);
	memblock_add(SZ_1G + SZ_64K, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1G, SZ_1M + SZ_64K);
	CHECK_EQ(MEM->total_size, SZ_1M + SZ_64K);
}

static void add_overlap_bottom(void)
{
	memblock_add(SZ_1G, SZ_1M);
	memblock_add(SZ_1G - SZ_64K, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1G - SZ_64K, SZ_1M + SZ_64K);
	CHECK_EQ(MEM->total_size, SZ_1M + SZ_64K);
}

static void add_within(void)
{
	memblock_add(SZ_1G, SZ_16M);
	CHECK_EQ(memblock_add(SZ_1G + SZ_1M, SZ_1M), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1G, SZ_16M);
	CHECK_EQ(MEM->total_size, SZ_16M);
}

static void add_twice(void)
{
	memblock_add(SZ_1G, SZ_1M);
	memblock_add(SZ_1G, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_EQ(MEM->total_size, SZ_1M);
}

static void add_between(void)
{
	/* fills the hole between two regions exactly: all three merge */
	memblock_add(SZ_1M, SZ_1M);
	memblock_add(3 * SZ_1M, SZ_1M);
	memblock_add(2 * SZ_1M, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1M, 3 * SZ_1M);
	CHECK_EQ(MEM->total_size, 3 * SZ_1M);
}

static void add_spanning_several(void)
{
	/* one range covering three regions and the gaps between */
	memblock_add(SZ_1M, SZ_64K);
	memblock_add(2 * SZ_1M, SZ_64K);
	memblock_add(3 * SZ_1M, SZ_64K);
	memblock_add(0, 8 * SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, 0, 8 * SZ_1M);
	CHECK_EQ(MEM->total_size, 8 * SZ_1M);
}

static void add_adjacent_merge(void)
{
	memblock_add(SZ_1M, SZ_1M);
	memblock_add(2 * SZ_1M, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1M, 2 * SZ_1M);
	memblock_add(0, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, 0, 3 * SZ_1M);
}

static void add_adjacent_different_nid(void)
{
	/* exact adjacency but different nids: not merged */
	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	memblock_add_node(2 * SZ_1M, SZ_1M, 1, MEMBLOCK_NONE);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_EQ(MEM->regions[0].nid, 0);
	CHECK_EQ(MEM->regions[1].nid, 1);
	/* same nid: merged */
	memblock_add_node(3 * SZ_1M, SZ_1M, 1, MEMBLOCK_NONE);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 1, 2 * SZ_1M, 2 * SZ_1M);
}

static void add_adjacent_different_flags(void)
{
	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_HOTPLUG);
	memblock_add_node(2 * SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	CHECK_EQ(MEM->cnt, 2);
	memblock_add_node(0, SZ_1M, 0, MEMBLOCK_HOTPLUG);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 0, 0, 2 * SZ_1M);
	CHECK_EQ(MEM->regions[0].flags, MEMBLOCK_HOTPLUG);
}

static void add_gap_fill_keeps_existing(void)
{
	/* existing regions keep their nid; only the gaps get the new one */
	memblock_add_node(SZ_1M, SZ_1M, 1, MEMBLOCK_NONE);
	memblock_add_node(4 * SZ_1M, SZ_1M, 1, MEMBLOCK_NONE);
	CHECK_EQ(memblock_add_node(0, 8 * SZ_1M, 2, MEMBLOCK_NONE), 0);
	CHECK_EQ(MEM->cnt, 5);
	CHECK_RGN(MEM, 0, 0, SZ_1M);
	CHECK_EQ(MEM->regions[0].nid, 2);
	CHECK_RGN(MEM, 1, SZ_1M, SZ_1M);
	CHECK_EQ(MEM->regions[1].nid, 1);
	CHECK_RGN(MEM, 2, 2 * SZ_1M, 2 * SZ_1M);
	CHECK_EQ(MEM->regions[2].nid, 2);
	CHECK_RGN(MEM, 3, 4 * SZ_1M, SZ_1M);
	CHECK_RGN(MEM, 4, 5 * SZ_1M, 3 * SZ_1M);
	CHECK_EQ(MEM->total_size, 8 * SZ_1M);
}

static void add_zero_size(void)
{
	CHECK_EQ(memblock_add(SZ_1M, 0), 0);
	CHECK_EQ(MEM->cnt, 0);
	CHECK_EQ(MEM->total_size, 0);
}

static void add_near_max(void)
{
	/* size capped so the region ends exactly at PHYS_ADDR_MAX */
	phys_addr_t base = PHYS_ADDR_MAX - SZ_1M;

	CHECK_EQ(memblock_add(base, SZ_2M), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, base, PHYS_ADDR_MAX - base);
	CHECK_EQ(MEM->total_size, SZ_1M);
}

static void reserve_simple(void)
{
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_64K), 0);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, SZ_16M, SZ_64K);
	CHECK_EQ(RSV->total_size, SZ_64K);
	CHECK_EQ(RSV->regions[0].nid, MAX_NUMNODES);
	CHECK_EQ(memblock_reserved_size(), SZ_64K);
	/* reservations need not be memory */
	CHECK_EQ(MEM->cnt, 0);
}

static void reserve_disjoint(void)
{
	memblock_reserve(SZ_1G, SZ_1M);
	memblock_reserve(SZ_16M, SZ_64K);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_RGN(RSV, 0, SZ_16M, SZ_64K);
	CHECK_RGN(RSV, 1, SZ_1G, SZ_1M);
	CHECK_EQ(RSV->total_size, SZ_1M + SZ_64K);
}

static void reserve_overlap_top(void)
{
	memblock_reserve(SZ_16M, SZ_1M);
	memblock_reserve(SZ_16M + SZ_64K, SZ_1M);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, SZ_16M, SZ_1M + SZ_64K);
}

static void reserve_overlap_bottom(void)
{
	memblock_reserve(SZ_16M, SZ_1M);
	memblock_reserve(SZ_16M - SZ_4K, SZ_8K);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, SZ_16M - SZ_4K, SZ_1M + SZ_4K);
	CHECK_EQ(RSV->total_size, SZ_1M + SZ_4K);
}

static void reserve_within(void)
{
	memblock_reserve(SZ_16M, SZ_1M);
	memblock_reserve(SZ_16M + SZ_4K, SZ_4K);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, SZ_16M, SZ_1M);
}

static void reserve_twice(void)
{
	memblock_reserve(SZ_16M, SZ_1M);
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_1M), 0);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_EQ(RSV->total_size, SZ_1M);
}

static void reserve_between(void)
{
	memblock_reserve(SZ_1M, SZ_4K);
	memblock_reserve(SZ_1M + SZ_8K, SZ_4K);
	memblock_reserve(SZ_1M + SZ_4K, SZ_4K);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, SZ_1M, 3 * SZ_4K);
}

static void reserve_near_max(void)
{
	phys_addr_t base = PHYS_ADDR_MAX - SZ_4K;

	memblock_reserve(base, SZ_1M);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, base, SZ_4K);
}

static void reserve_zero_size(void)
{
	CHECK_EQ(memblock_reserve(SZ_1M, 0), 0);
	CHECK_EQ(RSV->cnt, 0);
}

static void reserve_many_no_resize_room(void)
{
	/* 128 disjoint reservations fit the static array exactly */
	int i;

	for (i = 0; i < 128; i++)
		CHECK_EQ(memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K), 0);
	CHECK_EQ(RSV->cnt, 128);
	CHECK_EQ(RSV->max, 128);
	CHECK_EQ(RSV->total_size, 128 * SZ_4K);
}

static void remove_simple(void)
{
	memblock_add(SZ_1M, SZ_1M);
	memblock_add(SZ_16M, SZ_1M);
	CHECK_EQ(memblock_remove(SZ_1M, SZ_1M), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_16M, SZ_1M);
	CHECK_EQ(MEM->total_size, SZ_1M);
}

static void remove_absent(void)
{
	memblock_add(SZ_16M, SZ_1M);
	CHECK_EQ(memblock_remove(SZ_1M, SZ_1M), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_16M, SZ_1M);
}

static void remove_overlap_top(void)
{
	memblock_add(SZ_1M, SZ_1M);
	memblock_remove(SZ_1M + SZ_64K * 8, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1M, SZ_64K * 8);
	CHECK_EQ(MEM->total_size, SZ_64K * 8);
}

static void remove_overlap_bottom(void)
{
	memblock_add(SZ_1M, SZ_1M);
	memblock_remove(0, SZ_1M + SZ_64K);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_1M + SZ_64K, SZ_1M - SZ_64K);
	CHECK_EQ(MEM->total_size, SZ_1M - SZ_64K);
}

static void remove_within(void)
{
	/* removing from the middle splits the region in two */
	memblock_add_node(SZ_1M, SZ_1M, 3, MEMBLOCK_MIRROR);
	memblock_remove(SZ_1M + SZ_64K, SZ_64K);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 0, SZ_1M, SZ_64K);
	CHECK_RGN(MEM, 1, SZ_1M + 2 * SZ_64K, SZ_1M - 2 * SZ_64K);
	CHECK_EQ(MEM->regions[1].nid, 3);
	CHECK_EQ(MEM->regions[1].flags, MEMBLOCK_MIRROR);
	CHECK_EQ(MEM->total_size, SZ_1M - SZ_64K);
}

static void remove_across_several(void)
{
	/* part of the first, all of the second and third, part of the fourth */
	memblock_add(SZ_1M, SZ_1M);
	memblock_add(3 * SZ_1M, SZ_1M);
	memblock_add(5 * SZ_1M, SZ_1M);
	memblock_add(7 * SZ_1M, SZ_1M);
	memblock_add(9 * SZ_1M, SZ_1M);
	CHECK_EQ(memblock_remove(SZ_1M + SZ_64K, 6 * SZ_1M + SZ_64K), 0);
	CHECK_EQ(MEM->cnt, 3);
	CHECK_RGN(MEM, 0, SZ_1M, SZ_64K);
	CHECK_RGN(MEM, 1, 7 * SZ_1M + 2 * SZ_64K, SZ_1M - 2 * SZ_64K);
	CHECK_RGN(MEM, 2, 9 * SZ_1M, SZ_1M);
	CHECK_EQ(MEM->total_size, SZ_64K + SZ_1M - 2 * SZ_64K + SZ_1M);
}

static void remove_all(void)
{
	/* an emptied type has cnt 0 and a zeroed regions[0] with nid MAX_NUMNODES */
	memblock_add_node(SZ_1M, SZ_1M, 2, MEMBLOCK_HOTPLUG);
	memblock_remove(0, SZ_16M);
	CHECK_EQ(MEM->cnt, 0);
	CHECK_EQ(MEM->total_size, 0);
	CHECK_EQ(MEM->regions[0].base, 0);
	CHECK_EQ(MEM->regions[0].size, 0);
	CHECK_EQ(MEM->regions[0].flags, 0);
	CHECK_EQ(MEM->regions[0].nid, MAX_NUMNODES);
	/* and can be refilled */
	memblock_add(SZ_16M, SZ_1M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, SZ_16M, SZ_1M);
}

static void remove_near_max(void)
{
	phys_addr_t base = PHYS_ADDR_MAX - SZ_2M;

	memblock_add(base, SZ_2M);
	memblock_remove(base + SZ_1M, SZ_16M);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, base, SZ_1M);
}

static void remove_zero_size(void)
{
	memblock_add(SZ_1M, SZ_1M);
	CHECK_EQ(memblock_remove(SZ_1M, 0), 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_EQ(MEM->total_size, SZ_1M);
}

static void phys_free_simple(void)
{
	memblock_reserve(SZ_1M, SZ_4K);
	memblock_reserve(SZ_16M, SZ_4K);
	CHECK_EQ(memblock_phys_free(SZ_1M, SZ_4K), 0);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, SZ_16M, SZ_4K);
	CHECK_EQ(RSV->total_size, SZ_4K);
}

static void phys_free_absent(void)
{
	memblock_reserve(SZ_16M, SZ_4K);
	CHECK_EQ(memblock_phys_free(SZ_1M, SZ_4K), 0);
	CHECK_EQ(RSV->cnt, 1);
}

static void phys_free_partial_split(void)
{
	memblock_reserve(SZ_1M, SZ_16K);
	memblock_phys_free(SZ_1M + SZ_4K, SZ_4K);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_RGN(RSV, 0, SZ_1M, SZ_4K);
	CHECK_RGN(RSV, 1, SZ_1M + SZ_8K, SZ_8K);
	CHECK_EQ(RSV->total_size, 3 * SZ_4K);
}

static void phys_free_across_several(void)
{
	memblock_reserve(SZ_1M, SZ_4K);
	memblock_reserve(SZ_1M + SZ_8K, SZ_4K);
	memblock_reserve(SZ_1M + SZ_16K, SZ_8K);
	memblock_phys_free(SZ_1M + SZ_4K / 2, SZ_16K + SZ_4K);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_RGN(RSV, 0, SZ_1M, SZ_4K / 2);
	CHECK_RGN(RSV, 1, SZ_1M + SZ_16K + SZ_4K + SZ_4K / 2, SZ_4K / 2);
}

static void phys_free_near_max(void)
{
	phys_addr_t base = PHYS_ADDR_MAX - SZ_8K;

	memblock_reserve(base, SZ_8K);
	memblock_phys_free(base + SZ_4K, SZ_1M);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, base, SZ_4K);
}

static void free_virtual(void)
{
	/* memblock_free(ptr) frees the physical range the pointer maps to */
	static char buf[0x4000];

	memblock_host_map(SZ_1M, buf, sizeof(buf));
	memblock_reserve(SZ_1M, 0x4000);
	memblock_free(buf + 0x1000, 0x1000);
	CHECK_EQ(RSV->cnt, 2);
	CHECK_RGN(RSV, 0, SZ_1M, 0x1000);
	CHECK_RGN(RSV, 1, SZ_1M + 0x2000, 0x2000);
	memblock_free(NULL, 0x1000);
	CHECK_EQ(RSV->cnt, 2);
}

static void physmem_add_simple(void)
{
	CHECK_EQ(memblock_physmem_add(SZ_1M, SZ_1M), 0);
	CHECK_EQ(physmem.cnt, 1);
	CHECK_EQ(physmem.max, 4);
	CHECK_RGN(&physmem, 0, SZ_1M, SZ_1M);
	CHECK_EQ(MEM->cnt, 0);
}

static const struct t_case cases[] = {
	{ "init_state", init_state },
	{ "memblock_add_simple", add_simple },
	{ "memblock_add_node_simple", add_node_simple },
	{ "memblock_add_disjoint", add_disjoint },
	{ "memblock_add_overlap_top", add_overlap_top },
	{ "memblock_add_overlap_bottom", add_overlap_bottom },
	{ "memblock_add_within", add_within },
	{ "memblock_add_twice", add_twice },
	{ "memblock_add_between", add_between },
	{ "memblock_add_spanning_several", add_spanning_several },
	{ "memblock_add_adjacent_merge", add_adjacent_merge },
	{ "memblock_add_adjacent_different_nid", add_adjacent_different_nid },
	{ "memblock_add_adjacent_different_flags", add_adjacent_different_flags },
	{ "memblock_add_gap_fill_keeps_existing", add_gap_fill_keeps_existing },
	{ "memblock_add_zero_size", add_zero_size },
	{ "memblock_add_near_max", add_near_max },
	{ "memblock_reserve_simple", reserve_simple },
	{ "memblock_reserve_disjoint", reserve_disjoint },
	{ "memblock_reserve_overlap_top", reserve_overlap_top },
	{ "memblock_reserve_overlap_bottom", reserve_overlap_bottom },
	{ "memblock_reserve_within", reserve_within },
	{ "memblock_reserve_twice", reserve_twice },
	{ "memblock_reserve_between", reserve_between },
	{ "memblock_reserve_near_max", reserve_near_max },
	{ "memblock_reserve_zero_size", reserve_zero_size },
	{ "memblock_reserve_128_fit_static_array", reserve_many_no_resize_room },
	{ "memblock_remove_simple", remove_simple },
	{ "memblock_remove_absent", remove_absent },
	{ "memblock_remove_overlap_top", remove_overlap_top },
	{ "memblock_remove_overlap_bottom", remove_overlap_bottom },
	{ "memblock_remove_within", remove_within },
	{ "memblock_remove_across_several", remove_across_several },
	{ "memblock_remove_all", remove_all },
	{ "memblock_remove_near_max", remove_near_max },
	{ "memblock_remove_zero_size", remove_zero_size },
	{ "memblock_phys_free_simple", phys_free_simple },
	{ "memblock_phys_free_absent", phys_free_absent },
	{ "memblock_phys_free_partial_split", phys_free_partial_split },
	{ "memblock_phys_free_across_several", phys_free_across_several },
	{ "memblock_phys_free_near_max", phys_free_near_max },
	{ "memblock_free_virtual", free_virtual },
	{ "memblock_physmem_add_simple", physmem_add_simple },
};

const struct t_group t_group_basic = T_GROUP("basic", cases);
