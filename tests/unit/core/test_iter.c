// SPDX-License-Identifier: GPL-2.0-only
/* test_iter.c - free-range, memory, reserved and pfn iterators with flag filtering. */

#include "core_test.h"

#define MAXR 32

/**
 * struct ranges - collected iterator output
 * @n: number of ranges
 * @s: starts
 * @e: ends
 * @nid: nids
 */
struct ranges {
	int n;
	phys_addr_t s[MAXR], e[MAXR];
	int nid[MAXR];
};

static void collect_free(struct ranges *r, int nid, enum memblock_flags flags, bool rev)
{
	phys_addr_t s, e;
	int n;
	uint64_t i;

	r->n = 0;
	if (rev) {
		for_each_free_mem_range_reverse(i, nid, flags, &s, &e, &n) {
			if (r->n < MAXR) {
				r->s[r->n] = s;
				r->e[r->n] = e;
				r->nid[r->n] = n;
			}
			r->n++;
		}
	} else {
		for_each_free_mem_range(i, nid, flags, &s, &e, &n) {
			if (r->n < MAXR) {
				r->s[r->n] = s;
				r->e[r->n] = e;
				r->nid[r->n] = n;
			}
			r->n++;
		}
	}
}

static void setup(void)
{
	memblock_add(16 * SZ_1M, 16 * SZ_1M);
	memblock_add(48 * SZ_1M, 16 * SZ_1M);
	memblock_reserve(20 * SZ_1M, 4 * SZ_1M);
	memblock_reserve(30 * SZ_1M, 20 * SZ_1M);
}

/*
 * Reservations that start at a memory region's base or end at its top leave
 * an empty hole there; no empty range may come out of either walk.
 */
static void free_range_edges_not_empty(void)
{
	struct ranges r;

	memblock_add(SZ_1M, SZ_1M);
	memblock_add(4 * SZ_1M, SZ_1M);
	memblock_reserve(SZ_1M, SZ_4K);
	memblock_reserve(SZ_1M + SZ_8K, SZ_4K);
	memblock_reserve(5 * SZ_1M - SZ_4K, SZ_4K);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[0], SZ_1M + SZ_4K);
	CHECK_EQ(r.e[0], SZ_1M + SZ_8K);
	CHECK_EQ(r.s[1], SZ_1M + 3 * SZ_4K);
	CHECK_EQ(r.e[1], 2 * SZ_1M);
	CHECK_EQ(r.s[2], 4 * SZ_1M);
	CHECK_EQ(r.e[2], 5 * SZ_1M - SZ_4K);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, true);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[0], 4 * SZ_1M);
	CHECK_EQ(r.e[0], 5 * SZ_1M - SZ_4K);
	CHECK_EQ(r.s[1], SZ_1M + 3 * SZ_4K);
	CHECK_EQ(r.e[1], 2 * SZ_1M);
	CHECK_EQ(r.s[2], SZ_1M + SZ_4K);
	CHECK_EQ(r.e[2], SZ_1M + SZ_8K);
}

static void free_range_forward(void)
{
	struct ranges r;

	setup();
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[0], 16 * SZ_1M);
	CHECK_EQ(r.e[0], 20 * SZ_1M);
	CHECK_EQ(r.s[1], 24 * SZ_1M);
	CHECK_EQ(r.e[1], 30 * SZ_1M);
	CHECK_EQ(r.s[2], 50 * SZ_1M);
	CHECK_EQ(r.e[2], 64 * SZ_1M);
	CHECK_EQ(r.nid[2], MAX_NUMNODES);
}

static void free_range_reverse(void)
{
	struct ranges r;

	setup();
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, true);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[0], 50 * SZ_1M);
	CHECK_EQ(r.e[0], 64 * SZ_1M);
	CHECK_EQ(r.s[1], 24 * SZ_1M);
	CHECK_EQ(r.e[1], 30 * SZ_1M);
	CHECK_EQ(r.s[2], 16 * SZ_1M);
	CHECK_EQ(r.e[2], 20 * SZ_1M);
}

static void free_range_no_reserved(void)
{
	struct ranges r;

	memblock_add(16 * SZ_1M, 16 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.s[0], 16 * SZ_1M);
	CHECK_EQ(r.e[0], 32 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, true);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.e[0], 32 * SZ_1M);
}

static void free_range_empty_memory(void)
{
	struct ranges r;

	memblock_reserve(SZ_1M, SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 0);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, true);
	CHECK_EQ(r.n, 0);
}

static void free_range_nomap(void)
{
	struct ranges r;

	setup();
	memblock_mark_nomap(16 * SZ_1M, 2 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[0], 18 * SZ_1M);
	/* asking for NOMAP includes it */
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NOMAP, false);
	CHECK_EQ(r.n, 4);
	CHECK_EQ(r.s[0], 16 * SZ_1M);
	CHECK_EQ(r.e[0], 18 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, true);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[2], 18 * SZ_1M);
}

static void free_range_hotplug(void)
{
	struct ranges r;

	setup();
	memblock_mark_hotplug(48 * SZ_1M, 16 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 3);
	memblock_set_movable_node(true);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.e[1], 30 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_HOTPLUG, true);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[0], 50 * SZ_1M);
}

static void free_range_mirror(void)
{
	struct ranges r;

	setup();
	memblock_set_mirrored_kernelcore(true);
	memblock_mark_mirror(24 * SZ_1M, 2 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_MIRROR, false);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.s[0], 24 * SZ_1M);
	CHECK_EQ(r.e[0], 26 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 4);
}

static void free_range_driver_managed(void)
{
	struct ranges r;

	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_DRIVER_MANAGED);
	memblock_add_node(4 * SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.s[0], 4 * SZ_1M);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_DRIVER_MANAGED, false);
	CHECK_EQ(r.n, 2);
}

static void free_range_nid_filter(void)
{
	struct ranges r;

	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	memblock_add_node(2 * SZ_1M, SZ_1M, 1, MEMBLOCK_NONE);
	memblock_add_node(3 * SZ_1M, SZ_1M, 0, MEMBLOCK_NONE);
	collect_free(&r, 1, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 1);
	CHECK_EQ(r.s[0], 2 * SZ_1M);
	CHECK_EQ(r.nid[0], 1);
	collect_free(&r, 0, MEMBLOCK_NONE, true);
	CHECK_EQ(r.n, 2);
	CHECK_EQ(r.s[0], 3 * SZ_1M);
	/* MAX_NUMNODES is not a valid node: no filtering (6.12) */
	collect_free(&r, MAX_NUMNODES, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 3);
}

static void free_range_empty_gap(void)
{
	/* adjacent reserved regions with different flags leave an empty gap: Linux reports it */
	struct ranges r;

	memblock_add(16 * SZ_1M, 16 * SZ_1M);
	memblock_reserve(20 * SZ_1M, SZ_1M);
	memblock_reserve(21 * SZ_1M, SZ_1M);
	memblock_reserved_mark_noinit(21 * SZ_1M, SZ_1M);
	CHECK_EQ(RSV->cnt, 2);
	collect_free(&r, NUMA_NO_NODE, MEMBLOCK_NONE, false);
	CHECK_EQ(r.n, 3);
	CHECK_EQ(r.s[1], 21 * SZ_1M);
	CHECK_EQ(r.e[1], 21 * SZ_1M);
	CHECK_EQ(r.s[2], 22 * SZ_1M);
}

static void mem_range_skips_nomap(void)
{
	phys_addr_t s, e;
	uint64_t i;
	int n = 0;

	memblock_add_node(SZ_1M, SZ_1M, 0, MEMBLOCK_NOMAP);
	memblock_add_node(3 * SZ_1M, SZ_1M, 0, MEMBLOCK_HOTPLUG);
	memblock_add_node(5 * SZ_1M, SZ_1M, 0, MEMBLOCK_DRIVER_MANAGED);
	memblock_reserve(3 * SZ_1M, SZ_4K);
	memblock_set_movable_node(true);
	for_each_mem_range(i, &s, &e) {
		if (n == 0) {
			CHECK_EQ(s, 3 * SZ_1M);
			CHECK_EQ(e, 4 * SZ_1M);
		}
		n++;
	}
	CHECK_EQ(n, 2);
	n = 0;
	for_each_mem_range_rev(i, &s, &e) {
		if (n == 0)
			CHECK_EQ(s, 5 * SZ_1M);
		n++;
	}
	CHECK_EQ(n, 2);
}

static void reserved_range_all(void)
{
	phys_addr_t s, e;
	uint64_t i;
	int n = 0;
	struct memblock_region *rgn;

	memblock_reserve(SZ_1M, SZ_4K);
	memblock_reserve(SZ_2M, SZ_4K);
	memblock_reserved_mark_noinit(SZ_2M, SZ_4K);
	for_each_reserved_mem_range(i, &s, &e) {
		CHECK_EQ(s, n ? SZ_2M : SZ_1M);
		n++;
	}
	CHECK_EQ(n, 2);
	n = 0;
	for_each_reserved_mem_region(rgn)
		n++;
	CHECK_EQ(n, 2);
}

static void mem_pfn_range(void)
{
	unsigned long s, e;
	int i, nid, n = 0;

	memblock_add_node(0x1800, 0x3800, 0, MEMBLOCK_NONE);	/* pfn 2..5 */
	memblock_add_node(0x10800, 0x400, 0, MEMBLOCK_NONE);	/* no whole page */
	memblock_add_node(0x20800, 0x800, 0, MEMBLOCK_NONE);	/* ends on a page edge: none either */
	memblock_add_node(SZ_1M, SZ_1M, 1, MEMBLOCK_NOMAP);	/* NOMAP included */
	for_each_mem_pfn_range(i, MAX_NUMNODES, &s, &e, &nid) {
		if (n == 0) {
			CHECK_EQ(s, 2);
			CHECK_EQ(e, 5);
			CHECK_EQ(nid, 0);
		} else {
			CHECK_EQ(s, 0x100);
			CHECK_EQ(e, 0x200);
			CHECK_EQ(nid, 1);
		}
		n++;
	}
	CHECK_EQ(n, 2);
	n = 0;
	for_each_mem_pfn_range(i, 1, &s, &e, NULL)
		n++;
	CHECK_EQ(n, 1);
}

static void mem_region_iter(void)
{
	struct memblock_region *rgn;
	phys_addr_t sum = 0;

	memblock_add(SZ_1M, SZ_1M);
	memblock_add(4 * SZ_1M, SZ_2M);
	for_each_mem_region(rgn)
		sum += rgn->size;
	CHECK_EQ(sum, 3 * SZ_1M);
}

static const struct t_case cases[] = {
	{ "for_each_free_mem_range_edges_not_empty", free_range_edges_not_empty },
	{ "for_each_free_mem_range_forward", free_range_forward },
	{ "for_each_free_mem_range_reverse", free_range_reverse },
	{ "for_each_free_mem_range_no_reserved", free_range_no_reserved },
	{ "for_each_free_mem_range_empty_memory", free_range_empty_memory },
	{ "for_each_free_mem_range_nomap", free_range_nomap },
	{ "for_each_free_mem_range_hotplug_movable_node", free_range_hotplug },
	{ "for_each_free_mem_range_mirror", free_range_mirror },
	{ "for_each_free_mem_range_driver_managed", free_range_driver_managed },
	{ "for_each_free_mem_range_nid_filter", free_range_nid_filter },
	{ "for_each_free_mem_range_empty_gap", free_range_empty_gap },
	{ "for_each_mem_range_skips_nomap", mem_range_skips_nomap },
	{ "for_each_reserved_mem_range", reserved_range_all },
	{ "for_each_mem_pfn_range", mem_pfn_range },
	{ "for_each_mem_region", mem_region_iter },
};

const struct t_group t_group_iter = T_GROUP("iter", cases);
