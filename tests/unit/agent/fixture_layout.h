/* SPDX-License-Identifier: GPL-2.0-only */
/* fixture_layout.h - memblock structs in a deliberately foreign layout for BTF tests. */
#ifndef FIXTURE_LAYOUT_H
#define FIXTURE_LAYOUT_H

#include <stdbool.h>
#include <stdint.h>

/* Not Linux's layout: 32-bit fields, no nid, members reordered. */
struct memblock_region {
	uint16_t flags;
	uint32_t base;
	uint32_t size;
};

struct memblock_type {
	uint64_t total_size;
	uint32_t max;
	uint32_t cnt;
	struct memblock_region *regions;
};

struct memblock {
	int pad;
	struct memblock_type reserved;
	bool bottom_up;
	uint64_t current_limit;
	struct memblock_type memory;
};

#endif /* FIXTURE_LAYOUT_H */
