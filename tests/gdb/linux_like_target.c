// SPDX-License-Identifier: GPL-2.0-only
/* linux_like_target.c - a host process shaped like a kernel without our event log, for gdb tests. */
#include <stdbool.h>
#include <stdint.h>

/*
 * gdb-scripts must work on any kernel whose debug info has struct memblock,
 * e.g. Linux without CONFIG_NUMA (no nid field) and without mb_evlog_area.
 * This program has exactly that: Linux's struct shapes minus nid, a
 * memblock_reserve() to break on, and no event log.  The gdb scenario runs
 * it natively and checks mb-dump, mb-map and the mb-break fallback.
 */
typedef uint64_t phys_addr_t;

enum memblock_flags {
	MEMBLOCK_NONE		= 0x0,
	MEMBLOCK_HOTPLUG	= 0x1,
	MEMBLOCK_NOMAP		= 0x4,
};

struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	enum memblock_flags flags;
};

struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	char *name;
};

struct memblock {
	bool bottom_up;
	phys_addr_t current_limit;
	struct memblock_type memory;
	struct memblock_type reserved;
};

static struct memblock_region memory_regions[8];
static struct memblock_region reserved_regions[8];

struct memblock memblock = {
	.current_limit = ~(phys_addr_t)0,
	.memory = { .max = 8, .regions = memory_regions, .name = "memory" },
	.reserved = { .max = 8, .regions = reserved_regions, .name = "reserved" },
};

static void append(struct memblock_type *t, phys_addr_t base, phys_addr_t size,
		   enum memblock_flags flags)
{
	struct memblock_region *r = &t->regions[t->cnt++];

	r->base = base;
	r->size = size;
	r->flags = flags;
	t->total_size += size;
}

/**
 * memblock_reserve() - stand-in with Linux's name and arguments
 * @base: first byte
 * @size: length
 *
 * Return: 0.
 */
__attribute__((noinline)) int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	append(&memblock.reserved, base, size, MEMBLOCK_NONE);
	__asm__ volatile("" ::: "memory");
	return 0;
}

/**
 * linux_like_done() - the scenario stops here with the arrays complete
 */
__attribute__((noinline)) void linux_like_done(void)
{
	__asm__ volatile("" ::: "memory");
}

int main(void)
{
	append(&memblock.memory, 0x1000, 0x9e000, MEMBLOCK_NONE);
	append(&memblock.memory, 0x100000, 0x7ee0000, MEMBLOCK_HOTPLUG);
	append(&memblock.memory, 0x8000000, 0x100000, MEMBLOCK_NOMAP);
	memblock_reserve(0, 0x10000);
	memblock_reserve(0x1000000, 0x2000000);
	memblock_reserve(0x7fe0000, 0x20000);
	linux_like_done();
	return 0;
}
