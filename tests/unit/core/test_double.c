// SPDX-License-Identifier: GPL-2.0-only
/* test_double.c - array doubling: self-reservation, avoid-the-range rule, failures, panic. */

#include "core_test.h"

static phys_addr_t array_phys(struct memblock_type *type)
{
	return mb_shim_virt_to_phys(type->regions);
}

static bool is_reserved_range(phys_addr_t base, phys_addr_t size)
{
	unsigned long i;

	for (i = 0; i < RSV->cnt; i++)
		if (RSV->regions[i].base <= base &&
		    RSV->regions[i].base + RSV->regions[i].size >= base + size)
			return true;
	return false;
}

static void reserve_many_doubles(void)
{
	int i;

	memblock_add(0, 64 * SZ_1M);
	memblock_allow_resize();
	for (i = 0; i < 129; i++)
		CHECK_EQ(memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K), 0);
	CHECK_EQ(RSV->max, 256);
	CHECK_EQ(RSV->total_size, 129 * SZ_4K + SZ_8K);
	CHECK_EQ(memblock_host_array_count(), 1);
	CHECK_RGN(RSV, 0, SZ_1M, SZ_4K);
	if (t_bottom_up) {
		/* placed right above the range being added: merged with it */
		CHECK_EQ(array_phys(RSV), 2 * SZ_1M + SZ_4K);
		CHECK_EQ(RSV->cnt, 129);
		CHECK_RGN(RSV, 128, 2 * SZ_1M, SZ_4K + SZ_8K);
	} else {
		/* the extra 8192-byte region at the top of memory */
		CHECK_EQ(array_phys(RSV), 64 * SZ_1M - SZ_8K);
		CHECK_EQ(RSV->cnt, 130);
		CHECK_RGN(RSV, 129, 64 * SZ_1M - SZ_8K, SZ_8K);
	}
}

static void reserve_double_avoids_range(void)
{
	/* the new array never lands on the range being reserved */
	phys_addr_t top = 64 * SZ_1M, base = top - SZ_1M;
	int i;

	memblock_add(0, top);
	memblock_allow_resize();
	for (i = 0; i < 128; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	CHECK_EQ(memblock_reserve(base, SZ_1M), 0);
	CHECK_EQ(RSV->max, 256);
	CHECK(array_phys(RSV) + SZ_8K <= base);
	CHECK(is_reserved_range(array_phys(RSV), SZ_8K));
	CHECK(is_reserved_range(base, SZ_1M));
	if (t_bottom_up)
		CHECK_EQ(array_phys(RSV), SZ_4K);
	else
		CHECK_EQ(array_phys(RSV), base - SZ_8K);
	CHECK_EQ(RSV->total_size, 128 * SZ_4K + SZ_1M + SZ_8K);
}

static void add_many_doubles_memory(void)
{
	int i;

	memblock_allow_resize();
	for (i = 0; i < 129; i++)
		CHECK_EQ(memblock_add(i * SZ_2M, SZ_1M), 0);
	CHECK_EQ(MEM->cnt, 129);
	CHECK_EQ(MEM->max, 256);
	CHECK_EQ(RSV->cnt, 1);
	CHECK_EQ(RSV->regions[0].size, SZ_8K);
	CHECK_EQ(RSV->regions[0].base, array_phys(MEM));
	if (t_bottom_up)
		CHECK_EQ(array_phys(MEM), SZ_4K);
	else
		CHECK_EQ(array_phys(MEM), 127 * SZ_2M + SZ_1M - SZ_8K);
	CHECK_RGN(MEM, 128, 128 * SZ_2M, SZ_1M);
	CHECK_RGN(MEM, 0, 0, SZ_1M);
}

static void fill_memory_128(void)
{
	int i;

	for (i = 0; i < 129; i++)
		memblock_add(i * SZ_2M, SZ_1M);
}

static void resize_before_allow_panics(void)
{
	char msg[128] = "";

	CHECK(t_expect_panic(fill_memory_128, msg, sizeof(msg)));
	CHECK_STR(msg, "memblock: cannot resize memory array\n");
	CHECK_EQ(MEM->cnt, 128);
}

static void double_fails_without_memory(void)
{
	int i;

	memblock_allow_resize();
	t_capture(true);
	for (i = 0; i < 128; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_4K), -12);
	CHECK_EQ(RSV->cnt, 128);
	CHECK_EQ(RSV->max, 128);
	CHECK_EQ(RSV->total_size, 128 * SZ_4K);
	CHECK_STR(t_output(),
		  "memblock: Failed to double reserved array from 128 to 256 entries !\n");
}

/*
 * A failed doubling is not retried blindly: memblock skips the search while
 * nothing has changed (issue 12: 300k reserves past a failed doubling took
 * 33 s).  Each failure must still print and return what the search would,
 * mirror warnings included, and any change must bring the search back, even
 * one that leaves every count and total as it was (clearing NOMAP here).
 */
static void double_failure_retried_after_change(void)
{
	static const char once[] =
		"Could not allocate 0x0000000000002000 bytes of mirrored memory\n"
		"Could not allocate 0x0000000000002000 bytes of mirrored memory\n"
		"memblock: Failed to double reserved array from 128 to 256 entries !\n";
	char first[512];
	int i;

	/* 1 MiB of RAM cut into 4 KiB holes by 128 reservations, and 64 KiB of NOMAP RAM */
	memblock_add(SZ_1M, SZ_1M);
	memblock_add(64 * SZ_1M, SZ_64K);
	memblock_mark_nomap(64 * SZ_1M, SZ_64K);
	memblock_set_mirrored_kernelcore(true);
	memblock_mark_mirror(SZ_1M, SZ_1M);
	memblock_allow_resize();
	for (i = 0; i < 128; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	CHECK_EQ(RSV->cnt, 128);

	t_capture(true);
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_4K), -12);
	snprintf(first, sizeof(first), "%s", t_output());
	CHECK_STR(first, once);
	t_clear_output();
	CHECK_EQ(memblock_reserve(SZ_16M + SZ_8K, SZ_4K), -12);
	CHECK_STR(t_output(), once);
	t_clear_output();
	CHECK_EQ(memblock_phys_free(SZ_1M, SZ_4K), -12);
	CHECK_STR(t_output(), once);
	CHECK_EQ(RSV->cnt, 128);
	CHECK_EQ(RSV->max, 128);

	/* same counts and totals, but now there is room */
	CHECK_EQ(memblock_clear_nomap(64 * SZ_1M, SZ_64K), 0);
	CHECK_EQ(MEM->cnt, 2);
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_4K), 0);
	CHECK_EQ(RSV->max, 256);
	CHECK(array_phys(RSV) >= 64 * SZ_1M && array_phys(RSV) + SZ_8K <= 64 * SZ_1M + SZ_64K);
	CHECK(is_reserved_range(array_phys(RSV), SZ_8K));
}

static void isolate_doubles_before_split(void)
{
	/* 127 regions: a remove needs room for two more, even for absent ranges */
	int i;

	memblock_allow_resize();
	for (i = 0; i < 127; i++)
		memblock_add(i * SZ_2M, SZ_1M);
	CHECK_EQ(MEM->max, 128);
	CHECK_EQ(memblock_remove(300 * SZ_1M, SZ_4K), 0);
	CHECK_EQ(MEM->max, 256);
	CHECK_EQ(MEM->cnt, 127);
	CHECK_EQ(RSV->cnt, 1);
}

static void double_twice_frees_old(void)
{
	int i;

	memblock_add(0, 256 * SZ_1M);
	memblock_allow_resize();
	/* descending, so that no reservation lands on an array */
	for (i = 0; i < 257; i++)
		memblock_reserve(128 * SZ_1M - i * SZ_8K, SZ_4K);
	CHECK_EQ(RSV->max, 512);
	CHECK_EQ(memblock_host_array_count(), 1);
	/* only the current (12 KiB) array is reserved besides the 257 */
	CHECK_EQ(RSV->total_size, 257 * SZ_4K + 0x3000);
	CHECK(is_reserved_range(array_phys(RSV), 0x3000));
	memblock_reset_state();
	CHECK_EQ(memblock_host_array_count(), 0);
	CHECK_EQ(RSV->max, 128);
	CHECK_EQ(RSV->cnt, 0);
}

static void double_both_nested(void)
{
	/* memory doubling reserves its array into a full reserved array */
	int i;

	memblock_add(0, 512 * SZ_1M);
	memblock_allow_resize();
	for (i = 0; i < 128; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	memblock_remove(0, 512 * SZ_1M);
	for (i = 0; i < 129; i++)
		CHECK_EQ(memblock_add(i * SZ_2M, SZ_1M), 0);
	CHECK_EQ(MEM->max, 256);
	CHECK_EQ(RSV->max, 256);
	CHECK_EQ(RSV->total_size, 128 * SZ_4K + 2 * SZ_8K);
	CHECK(is_reserved_range(array_phys(MEM), SZ_8K));
	CHECK(is_reserved_range(array_phys(RSV), SZ_8K));
	CHECK_EQ(memblock_host_array_count(), 2);
}

static void double_keeps_contents(void)
{
	int i;
	bool ok = true;

	memblock_add(0, 64 * SZ_1M);
	memblock_allow_resize();
	for (i = 0; i < 200; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	for (i = 0; i < 128; i++)
		ok &= RSV->regions[i].base == SZ_1M + i * SZ_8K && RSV->regions[i].size == SZ_4K;
	CHECK(ok);
	/* the unused half of the new array is zeroed */
	CHECK_EQ(RSV->regions[255].base, 0);
	CHECK_EQ(RSV->regions[255].size, 0);
}

static const struct t_case cases[] = {
	{ "memblock_reserve_many_doubles_reserved", reserve_many_doubles },
	{ "memblock_reserve_double_avoids_range", reserve_double_avoids_range },
	{ "memblock_add_many_doubles_memory", add_many_doubles_memory },
	{ "memblock_double_array_before_allow_resize_panics", resize_before_allow_panics },
	{ "memblock_double_array_fails_without_memory", double_fails_without_memory },
	{ "memblock_double_array_failure_retried_after_change",
	  double_failure_retried_after_change },
	{ "memblock_isolate_range_doubles_before_split", isolate_doubles_before_split },
	{ "memblock_double_array_twice_frees_old", double_twice_frees_old },
	{ "memblock_double_array_nested", double_both_nested },
	{ "memblock_double_array_keeps_contents", double_keeps_contents },
};

const struct t_group t_group_double = T_GROUP("double", cases);
