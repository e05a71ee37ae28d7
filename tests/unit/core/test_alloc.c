// SPDX-License-Identifier: GPL-2.0-only
/* test_alloc.c - allocation family scenarios, top-down and bottom-up. */

#include "core_test.h"

#define LO	SZ_16M
#define HI	(2 * SZ_16M)

static phys_addr_t pa(void *p)
{
	return mb_shim_virt_to_phys(p);
}

/* Expected address: top-down vs bottom-up. */
static phys_addr_t dir(phys_addr_t td, phys_addr_t bu)
{
	return t_bottom_up ? bu : td;
}

static void setup_mem(void)
{
	memblock_add(LO, HI - LO);
}

static void alloc_simple(void)
{
	void *p;

	setup_mem();
	p = memblock_alloc(SZ_4K, SMP_CACHE_BYTES);
	CHECK(p != NULL);
	CHECK_EQ(pa(p), dir(HI - SZ_4K, LO));
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, dir(HI - SZ_4K, LO), SZ_4K);
	CHECK_EQ(RSV->regions[0].nid, MAX_NUMNODES);
	CHECK_EQ(RSV->regions[0].flags, MEMBLOCK_NONE);
	CHECK_EQ(memblock_reserved_size(), SZ_4K);
}

static void alloc_two_merge(void)
{
	/* consecutive allocations are adjacent and merge */
	setup_mem();
	memblock_alloc(SZ_4K, SZ_4K);
	memblock_alloc(SZ_4K, SZ_4K);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, dir(HI - SZ_8K, LO), SZ_8K);
}

static void phys_alloc_simple(void)
{
	setup_mem();
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), dir(HI - SZ_4K, LO));
	CHECK_EQ(RSV->cnt, 1);
}

static void alloc_exact_fit(void)
{
	/* the only hole is exactly the requested size */
	void *p;

	setup_mem();
	memblock_reserve(LO, 4 * SZ_1M);
	memblock_reserve(LO + 4 * SZ_1M + SZ_64K, HI - (LO + 4 * SZ_1M + SZ_64K));
	p = memblock_alloc(SZ_64K, SZ_4K);
	CHECK_EQ(pa(p), LO + 4 * SZ_1M);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_RGN(RSV, 0, LO, HI - LO);
}

static void alloc_too_large(void)
{
	setup_mem();
	memblock_reserve(LO, SZ_1M);
	CHECK(memblock_alloc(HI - LO, SZ_4K) == NULL);
	CHECK_EQ(memblock_phys_alloc(HI - LO, SZ_4K), 0);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_EQ(RSV->total_size, SZ_1M);
}

static void alloc_no_memory(void)
{
	CHECK(memblock_alloc(SZ_4K, SZ_4K) == NULL);
	CHECK_EQ(RSV->cnt, 0);
	CHECK_EQ(RSV->total_size, 0);
}

static void alloc_all_reserved(void)
{
	setup_mem();
	memblock_reserve(LO, HI - LO);
	CHECK(memblock_alloc_raw(SZ_4K, SZ_4K) == NULL);
	CHECK_EQ(RSV->cnt, 1);
}

static void alloc_align(void)
{
	phys_addr_t a;

	setup_mem();
	a = pa(memblock_alloc(100, SZ_64K));
	CHECK_EQ(a, dir(HI - SZ_64K, LO));
	CHECK_EQ(a % SZ_64K, 0);
	CHECK_RGN(RSV, 0, a, 100);
	a = pa(memblock_alloc(100, SZ_1M));
	CHECK_EQ(a, dir(HI - SZ_1M, LO + SZ_1M));
}

static void alloc_align_zero(void)
{
	/* align 0 means SMP_CACHE_BYTES */
	setup_mem();
	memblock_reserve(dir(HI - 8, LO), 8);
	CHECK_EQ(pa(memblock_alloc(10, 0)), dir(HI - 64, LO + 64));
}

static void alloc_from_min(void)
{
	setup_mem();
	CHECK_EQ(pa(memblock_alloc_from(SZ_4K, SZ_4K, LO + SZ_2M)), dir(HI - SZ_4K, LO + SZ_2M));
}

static void alloc_from_min_dropped(void)
{
	/* an unsatisfiable min_addr is dropped (virtual APIs only) */
	setup_mem();
	CHECK_EQ(pa(memblock_alloc_from(SZ_4K, SZ_4K, HI + SZ_16M)), dir(HI - SZ_4K, LO));
	CHECK_EQ(RSV->cnt, 1);
	/* the physical range API does not retry */
	CHECK_EQ(memblock_phys_alloc_range(SZ_4K, SZ_4K, HI + SZ_16M, HI + SZ_1G), 0);
	CHECK_EQ(RSV->cnt, 1);
}

static void alloc_try_nid_max(void)
{
	setup_mem();
	CHECK_EQ(pa(memblock_alloc_try_nid(SZ_4K, SZ_4K, 0, LO + SZ_1M, NUMA_NO_NODE)),
		 dir(LO + SZ_1M - SZ_4K, LO));
	CHECK_EQ(pa(memblock_alloc_try_nid_raw(SZ_4K, SZ_4K, LO + SZ_2M, LO + 3 * SZ_1M,
					       NUMA_NO_NODE)),
		 dir(LO + 3 * SZ_1M - SZ_4K, LO + SZ_2M));
}

static void alloc_current_limit(void)
{
	/* virtual APIs clamp max_addr to the current limit; phys_alloc_range does not */
	setup_mem();
	memblock_set_current_limit(LO + SZ_8K * 4);
	CHECK_EQ(memblock_get_current_limit(), LO + SZ_8K * 4);
	CHECK_EQ(pa(memblock_alloc(SZ_4K, SZ_4K)), dir(LO + SZ_8K * 4 - SZ_4K, LO));
	CHECK_EQ(pa(memblock_alloc_try_nid(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE,
					   NUMA_NO_NODE)),
		 dir(LO + SZ_8K * 4 - SZ_8K, LO + SZ_4K));
	CHECK_EQ(memblock_phys_alloc_range(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ANYWHERE),
		 dir(HI - SZ_4K, LO + SZ_8K));
	/* end 0 (ACCESSIBLE) and 1 (NOLEAKTRACE) mean the current limit */
	CHECK_EQ(memblock_phys_alloc_range(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_ACCESSIBLE),
		 dir(LO + SZ_8K * 4 - 3 * SZ_4K, LO + 3 * SZ_4K));
	CHECK_EQ(memblock_alloc_range_nid(SZ_4K, SZ_4K, 0, MEMBLOCK_ALLOC_NOLEAKTRACE,
					  NUMA_NO_NODE, false),
		 dir(LO + SZ_8K * 4 - 4 * SZ_4K, LO + 4 * SZ_4K));
}

static void alloc_first_page_never(void)
{
	/* start is raised to PAGE_SIZE: address 0 is never returned */
	memblock_add(0, SZ_8K);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), SZ_4K);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), 0);
	CHECK_EQ(RSV->cnt, 1);
}

static void alloc_range_exact_bounds(void)
{
	setup_mem();
	CHECK_EQ(memblock_phys_alloc_range(SZ_64K, SZ_4K, LO + SZ_1M, LO + SZ_1M + SZ_64K),
		 LO + SZ_1M);
	CHECK_EQ(memblock_phys_alloc_range(SZ_64K, SZ_4K, LO + SZ_2M, LO + SZ_2M + SZ_64K - 1),
		 0);
	CHECK_EQ(RSV->cnt, 1);
	/* window touching the end of memory */
	CHECK_EQ(memblock_phys_alloc_range(SZ_4K, SZ_4K, HI - SZ_4K, HI + SZ_1G), HI - SZ_4K);
	/* window below all memory */
	CHECK_EQ(memblock_phys_alloc_range(SZ_4K, SZ_4K, 0, LO), 0);
}

static void setup_two_nodes(void)
{
	memblock_add_node(LO, SZ_8M, 0, MEMBLOCK_NONE);
	memblock_add_node(LO + SZ_8M, HI - LO - SZ_8M, 1, MEMBLOCK_NONE);
}

static void alloc_nid_fallback(void)
{
	setup_two_nodes();
	/* node 1 free: allocation lands there */
	CHECK_EQ(pa(memblock_alloc_node(SZ_4K, SZ_4K, 1)), dir(HI - SZ_4K, LO + SZ_8M));
	/* node 1 full: falls back to node 0 */
	memblock_reserve(LO + SZ_8M, HI - LO - SZ_8M);
	CHECK_EQ(pa(memblock_alloc_node(SZ_4K, SZ_4K, 1)), dir(LO + SZ_8M - SZ_4K, LO));
	CHECK_EQ(memblock_phys_alloc_try_nid(SZ_4K, SZ_4K, 1),
		 dir(LO + SZ_8M - SZ_8K, LO + SZ_4K));
	/* node 0 request served by node 0 */
	CHECK_EQ(pa(memblock_alloc_try_nid(SZ_4K, SZ_4K, 0, 0, 0)),
		 dir(LO + SZ_8M - 3 * SZ_4K, LO + 2 * SZ_4K));
}

static void alloc_exact_nid(void)
{
	setup_two_nodes();
	memblock_reserve(LO + SZ_8M, HI - LO - SZ_8M);
	/* exact node: no fallback */
	CHECK(memblock_alloc_exact_nid_raw(SZ_4K, SZ_4K, 0, 0, 1) == NULL);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_EQ(pa(memblock_alloc_exact_nid_raw(SZ_4K, SZ_4K, 0, 0, 0)),
		 dir(LO + SZ_8M - SZ_4K, LO));
	/* memblock_alloc_range_nid with exact_nid */
	CHECK_EQ(memblock_alloc_range_nid(SZ_4K, SZ_4K, 0, 0, 1, true), 0);
	CHECK(memblock_alloc_range_nid(SZ_4K, SZ_4K, 0, 0, 1, false) != 0);
}

static void alloc_zeroing(void)
{
	static unsigned char buf[SZ_64K];
	unsigned char *p, *q;

	memset(buf, 0xaa, sizeof(buf));
	memblock_host_map(LO, buf, sizeof(buf));
	memblock_add(LO, SZ_64K);
	p = memblock_alloc(SZ_4K, SZ_4K);
	CHECK(p == buf + dir(SZ_64K - SZ_4K, 0));
	CHECK(p[0] == 0 && p[SZ_4K - 1] == 0);
	q = memblock_alloc_raw(SZ_4K, SZ_4K);
	CHECK(q == buf + dir(SZ_64K - SZ_8K, SZ_4K));
	CHECK(q[0] == 0xaa && q[SZ_4K - 1] == 0xaa);
	q = memblock_alloc_try_nid_raw(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE);
	CHECK(q[0] == 0xaa);
	p = memblock_alloc_try_nid(SZ_4K, SZ_4K, 0, 0, NUMA_NO_NODE);
	CHECK(p[0] == 0 && p[100] == 0);
	/* physical allocations never zero */
	CHECK_EQ(buf[memblock_phys_alloc(SZ_4K, SZ_4K) - LO], 0xaa);
}

static void alloc_mirror_fallback(void)
{
	setup_mem();
	memblock_set_mirrored_kernelcore(true);
	memblock_mark_mirror(LO + SZ_1M, SZ_1M);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), dir(LO + SZ_2M - SZ_4K, LO + SZ_1M));
	/* mirror full: warning and fallback to any memory */
	memblock_reserve(LO + SZ_1M, SZ_1M);
	t_capture(true);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), dir(HI - SZ_4K, LO));
	CHECK_STR(t_output(), "Could not allocate 0x0000000000001000 bytes of mirrored memory\n");
}

static void alloc_movable_node_skips_hotplug(void)
{
	memblock_add_node(LO, SZ_8M, MAX_NUMNODES, MEMBLOCK_HOTPLUG);
	memblock_add(LO + SZ_8M, HI - LO - SZ_8M);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), dir(HI - SZ_4K, LO));
	memblock_set_movable_node(true);
	CHECK(memblock_movable_node_enabled());
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), dir(HI - SZ_8K, LO + SZ_8M));
	/* only hotplug memory left: fail */
	memblock_reserve(LO + SZ_8M, HI - LO - SZ_8M);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), 0);
}

static void alloc_skips_nomap(void)
{
	setup_mem();
	memblock_mark_nomap(LO + SZ_8M, HI - LO - SZ_8M);
	memblock_mark_nomap(LO, SZ_1M);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), dir(LO + SZ_8M - SZ_4K, LO + SZ_1M));
}

static void alloc_low_below_4g(void)
{
	phys_addr_t g4 = 0x100000000ULL;

	memblock_add(g4 - SZ_16M, 2 * SZ_16M);
	/* ARCH_LOW_ADDRESS_LIMIT is 0xffffffff, used as an exclusive end */
	CHECK_EQ(pa(memblock_alloc_low(SZ_4K, SZ_4K)), dir(g4 - SZ_8K, g4 - SZ_16M));
	CHECK_EQ(pa(memblock_alloc(SZ_4K, SZ_4K)), dir(g4 + SZ_16M - SZ_4K, g4 - SZ_16M + SZ_4K));
}

static void alloc_failure_no_state_change(void)
{
	struct memblock_region before[4];

	setup_mem();
	memblock_reserve(LO + SZ_1M, SZ_1M);
	memcpy(before, RSV->regions, sizeof(before));
	CHECK(memblock_alloc_try_nid(HI, SZ_4K, 0, 0, NUMA_NO_NODE) == NULL);
	CHECK(memblock_alloc_exact_nid_raw(SZ_4K, SZ_4K, 0, 0, 5) == NULL);
	CHECK_EQ(memblock_phys_alloc_range(SZ_2M, SZ_4K, LO + SZ_1M, LO + SZ_2M + SZ_1M), 0);
	CHECK(memcmp(before, RSV->regions, sizeof(before)) == 0);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_EQ(MEM->cnt, 1);
}

static void alloc_skips_small_holes(void)
{
	/* holes smaller than the request are skipped in both directions */
	int i;

	setup_mem();
	for (i = 0; i < 64; i++)
		memblock_reserve(LO + i * SZ_64K + SZ_4K, SZ_64K - SZ_4K);
	memblock_reserve(LO + 64 * SZ_64K, HI - LO - 64 * SZ_64K - SZ_64K);
	CHECK_EQ(memblock_phys_alloc(SZ_8K, SZ_4K), dir(HI - SZ_8K, HI - SZ_64K));
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), dir(HI - SZ_8K - SZ_4K, LO));
}

static const struct t_case cases[] = {
	{ "memblock_alloc_simple", alloc_simple },
	{ "memblock_alloc_two_merge", alloc_two_merge },
	{ "memblock_phys_alloc_simple", phys_alloc_simple },
	{ "memblock_alloc_exact_fit", alloc_exact_fit },
	{ "memblock_alloc_too_large", alloc_too_large },
	{ "memblock_alloc_no_memory", alloc_no_memory },
	{ "memblock_alloc_raw_all_reserved", alloc_all_reserved },
	{ "memblock_alloc_align", alloc_align },
	{ "memblock_alloc_align_zero", alloc_align_zero },
	{ "memblock_alloc_from_min", alloc_from_min },
	{ "memblock_alloc_from_min_dropped", alloc_from_min_dropped },
	{ "memblock_alloc_try_nid_max", alloc_try_nid_max },
	{ "memblock_alloc_current_limit", alloc_current_limit },
	{ "memblock_alloc_first_page_never", alloc_first_page_never },
	{ "memblock_phys_alloc_range_exact_bounds", alloc_range_exact_bounds },
	{ "memblock_alloc_node_nid_fallback", alloc_nid_fallback },
	{ "memblock_alloc_exact_nid_raw", alloc_exact_nid },
	{ "memblock_alloc_zeroing_vs_raw", alloc_zeroing },
	{ "memblock_alloc_mirror_fallback", alloc_mirror_fallback },
	{ "memblock_alloc_movable_node_skips_hotplug", alloc_movable_node_skips_hotplug },
	{ "memblock_alloc_skips_nomap", alloc_skips_nomap },
	{ "memblock_alloc_low_below_4g", alloc_low_below_4g },
	{ "memblock_alloc_failure_no_state_change", alloc_failure_no_state_change },
	{ "memblock_alloc_skips_small_holes", alloc_skips_small_holes },
};

const struct t_group t_group_alloc = T_GROUP("alloc", cases);
