/* SPDX-License-Identifier: GPL-2.0-only */
/* memblock.h - boot-time physical memory allocator, Linux 6.12 semantics. */
#ifndef _MEMBLOCK_H
#define _MEMBLOCK_H

#include "mb_shim.h"

typedef uint64_t phys_addr_t;

#define PAGE_SHIFT		12
#define PAGE_SIZE		(1UL << PAGE_SHIFT)
#define SMP_CACHE_BYTES		64
#define NODES_SHIFT		10
#define MAX_NUMNODES		(1 << NODES_SHIFT)
#define NUMA_NO_NODE		(-1)

#define INIT_MEMBLOCK_REGIONS			128
#define INIT_MEMBLOCK_RESERVED_REGIONS		INIT_MEMBLOCK_REGIONS
#define INIT_MEMBLOCK_MEMORY_REGIONS		INIT_MEMBLOCK_REGIONS

#define PHYS_ADDR_MAX			(~(phys_addr_t)0)
#define MEMBLOCK_ALLOC_ANYWHERE		(~(phys_addr_t)0)
#define MEMBLOCK_ALLOC_ACCESSIBLE	0
#define MEMBLOCK_ALLOC_NOLEAKTRACE	1
#define MEMBLOCK_LOW_LIMIT		0
#define ARCH_LOW_ADDRESS_LIMIT		0xffffffffUL

/**
 * enum memblock_flags - attributes of a memory region (values are Linux's)
 * @MEMBLOCK_NONE: no special request
 * @MEMBLOCK_HOTPLUG: hotpluggable; skipped by allocations with movable_node
 * @MEMBLOCK_MIRROR: mirrored (reliable) memory
 * @MEMBLOCK_NOMAP: not in the direct map
 * @MEMBLOCK_DRIVER_MANAGED: added by a driver, not system RAM
 * @MEMBLOCK_RSRV_NOINIT: reserved, struct pages not initialised
 */
enum memblock_flags {
	MEMBLOCK_NONE		= 0x0,
	MEMBLOCK_HOTPLUG	= 0x1,
	MEMBLOCK_MIRROR		= 0x2,
	MEMBLOCK_NOMAP		= 0x4,
	MEMBLOCK_DRIVER_MANAGED	= 0x8,
	MEMBLOCK_RSRV_NOINIT	= 0x10,
};

/**
 * struct memblock_region - a physical range [base, base + size)
 * @base: first byte
 * @size: length in bytes
 * @flags: enum memblock_flags
 * @nid: NUMA node (MAX_NUMNODES when unassigned)
 */
struct memblock_region {
	phys_addr_t base;
	phys_addr_t size;
	enum memblock_flags flags;
	int nid;
};

/**
 * struct memblock_type - a sorted array of regions
 * @cnt: regions in use
 * @max: capacity of @regions
 * @total_size: sum of region sizes
 * @regions: the array
 * @name: "memory" or "reserved"
 */
struct memblock_type {
	unsigned long cnt;
	unsigned long max;
	phys_addr_t total_size;
	struct memblock_region *regions;
	char *name;
};

/**
 * struct memblock - the allocator's state
 * @bottom_up: allocation direction (false = top-down)
 * @current_limit: upper bound of "accessible" allocations
 * @memory: usable RAM
 * @reserved: taken ranges
 */
struct memblock {
	bool bottom_up;
	phys_addr_t current_limit;
	struct memblock_type memory;
	struct memblock_type reserved;
};

_Static_assert(sizeof(struct memblock_region) == 24, "x86-64 layout");
_Static_assert(sizeof(struct memblock_type) == 40, "x86-64 layout");
_Static_assert(sizeof(struct memblock) == 96, "x86-64 layout");

extern struct memblock memblock;
extern int memblock_debug;

extern struct memblock_type physmem;

#define PFN_UP(x)	(((x) + PAGE_SIZE - 1) >> PAGE_SHIFT)
#define PFN_DOWN(x)	((x) >> PAGE_SHIFT)
#define PFN_PHYS(x)	((phys_addr_t)(x) << PAGE_SHIFT)
#define PHYS_PFN(x)	((unsigned long)((x) >> PAGE_SHIFT))

/*
 * Hooks set by the environment (kernel: UART + kallsyms; host: tests).
 *
 * memblock_print_fn receives one complete line per call, newline included
 * (debug lines, dumps, warnings); the "is doubled" debug line, which Linux
 * prints without a newline, is handed over with one, as the console shows it.
 * memblock_symbolize_fn renders a code address for %pS: it writes a
 * NUL-terminated "func+0xoff/0xlen" into @buf (at most @len bytes) and
 * returns 0, or returns non-zero when the address is unknown (memblock then
 * prints "0x<hex>", as it does when no symbolizer is set).
 * memblock_free_pages_fn receives each page-aligned range that
 * memblock_free_all() hands to the page allocator.
 */
typedef void (*memblock_print_fn)(const char *text, void *ctx);
typedef int (*memblock_symbolize_fn)(uint64_t addr, char *buf, size_t len, void *ctx);
typedef void (*memblock_free_pages_fn)(phys_addr_t base, phys_addr_t size, void *ctx);
void memblock_set_print_hook(memblock_print_fn fn, void *ctx);
void memblock_set_symbolizer(memblock_symbolize_fn fn, void *ctx);
void memblock_set_free_pages_hook(memblock_free_pages_fn fn, void *ctx);
void memblock_reset_state(void);

/* Boot options (Linux: movable_node, kernelcore=mirror). Recorded in the log. */
void memblock_set_movable_node(bool enable);
bool memblock_movable_node_enabled(void);
void memblock_set_mirrored_kernelcore(bool enable);
bool memblock_has_mirror(void);

/* Ranges. */
int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid, enum memblock_flags flags);
int memblock_add(phys_addr_t base, phys_addr_t size);
int memblock_remove(phys_addr_t base, phys_addr_t size);
int memblock_phys_free(phys_addr_t base, phys_addr_t size);
void memblock_free(void *ptr, size_t size);
int memblock_reserve(phys_addr_t base, phys_addr_t size);
int memblock_physmem_add(phys_addr_t base, phys_addr_t size);

/* Flags and nodes. */
int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size);
int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size);
int memblock_mark_mirror(phys_addr_t base, phys_addr_t size);
int memblock_mark_nomap(phys_addr_t base, phys_addr_t size);
int memblock_clear_nomap(phys_addr_t base, phys_addr_t size);
int memblock_reserved_mark_noinit(phys_addr_t base, phys_addr_t size);
int memblock_set_node(phys_addr_t base, phys_addr_t size, struct memblock_type *type, int nid);
void memblock_allow_resize(void);

/* Allocation. */
phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				     phys_addr_t end, int nid, bool exact_nid);
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end);
phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid);
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align);
void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				   phys_addr_t max_addr, int nid);
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid);
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
			     phys_addr_t max_addr, int nid);
void *memblock_alloc(phys_addr_t size, phys_addr_t align);
void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align);
void *memblock_alloc_from(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr);
void *memblock_alloc_low(phys_addr_t size, phys_addr_t align);
void *memblock_alloc_node(phys_addr_t size, phys_addr_t align, int nid);

/* Limits and direction. */
void memblock_set_current_limit(phys_addr_t limit);
phys_addr_t memblock_get_current_limit(void);
void memblock_set_bottom_up(bool enable);
bool memblock_bottom_up(void);

/* Queries. */
phys_addr_t memblock_phys_mem_size(void);
phys_addr_t memblock_reserved_size(void);
phys_addr_t memblock_start_of_DRAM(void);
phys_addr_t memblock_end_of_DRAM(void);
bool memblock_is_memory(phys_addr_t addr);
bool memblock_is_map_memory(phys_addr_t addr);
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size);
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size);
bool memblock_is_reserved(phys_addr_t addr);
int memblock_search_pfn_nid(unsigned long pfn, unsigned long *start_pfn, unsigned long *end_pfn);
bool memblock_overlaps_region(struct memblock_type *type, phys_addr_t base, phys_addr_t size);
bool memblock_addrs_overlap(phys_addr_t base1, phys_addr_t size1, phys_addr_t base2,
			    phys_addr_t size2);
unsigned long memblock_estimated_nr_free_pages(void);
bool memblock_validate_numa_coverage(unsigned long threshold_bytes);

/* Region attribute helpers (Linux's static inlines). */
static inline bool memblock_is_hotpluggable(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_HOTPLUG;
}

static inline bool memblock_is_mirror(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_MIRROR;
}

static inline bool memblock_is_nomap(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_NOMAP;
}

static inline bool memblock_is_driver_managed(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_DRIVER_MANAGED;
}

static inline bool memblock_is_reserved_noinit(const struct memblock_region *m)
{
	return m->flags & MEMBLOCK_RSRV_NOINIT;
}

static inline int memblock_get_region_node(const struct memblock_region *r)
{
	return r->nid;
}

static inline void memblock_set_region_node(struct memblock_region *r, int nid)
{
	r->nid = nid;
}

static inline bool numa_valid_node(int nid)
{
	return nid >= 0 && nid < MAX_NUMNODES;
}

static inline unsigned long memblock_region_memory_base_pfn(const struct memblock_region *reg)
{
	return PFN_UP(reg->base);
}

static inline unsigned long memblock_region_memory_end_pfn(const struct memblock_region *reg)
{
	return PFN_DOWN(reg->base + reg->size);
}

static inline unsigned long memblock_region_reserved_base_pfn(const struct memblock_region *reg)
{
	return PFN_DOWN(reg->base);
}

static inline unsigned long memblock_region_reserved_end_pfn(const struct memblock_region *reg)
{
	return PFN_UP(reg->base + reg->size);
}

/**
 * for_each_mem_region - iterate over the memory regions
 * @region: struct memblock_region pointer, set to each region in turn
 */
#define for_each_mem_region(region)					\
	for (region = memblock.memory.regions;				\
	     region < (memblock.memory.regions + memblock.memory.cnt);	\
	     region++)
/**
 * for_each_reserved_mem_region - iterate over the reserved regions
 * @region: struct memblock_region pointer, set to each region in turn
 */
#define for_each_reserved_mem_region(region)				\
	for (region = memblock.reserved.regions;			\
	     region < (memblock.reserved.regions + memblock.reserved.cnt); \
	     region++)

/* Memory limits. */
void memblock_cap_memory_range(phys_addr_t base, phys_addr_t size);
void memblock_mem_limit_remove_map(phys_addr_t limit);
void memblock_enforce_memory_limit(phys_addr_t limit);
void memblock_trim_memory(phys_addr_t align);

/* Iterators (macros in Linux's shape; helpers below). */
void __next_mem_range(uint64_t *idx, int nid, enum memblock_flags flags,
		      struct memblock_type *type_a, struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid);
void __next_mem_range_rev(uint64_t *idx, int nid, enum memblock_flags flags,
			  struct memblock_type *type_a, struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid);
void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
			  unsigned long *out_end_pfn, int *out_nid);

/**
 * __for_each_mem_range - iterate through type_a minus type_b
 * @i: iterator state (uint64_t), owned by the loop
 * @type_a: the type iterated (memblock.memory filters by @nid and @flags)
 * @type_b: the type subtracted, or NULL
 * @nid: only ranges on this node (%NUMA_NO_NODE: any node)
 * @flags: MEMBLOCK_* wanted (see for_each_free_mem_range())
 * @p_start: phys_addr_t pointer for the range start (may be NULL)
 * @p_end: phys_addr_t pointer for the range end (may be NULL)
 * @p_nid: int pointer for the nid (may be NULL)
 */
#define __for_each_mem_range(i, type_a, type_b, nid, flags, p_start, p_end, p_nid) \
	for (i = 0, __next_mem_range(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid); \
	     i != (uint64_t)ULLONG_MAX;							 \
	     __next_mem_range(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid))
/**
 * __for_each_mem_range_rev - reverse iterate through type_a minus type_b
 * @i: iterator state (uint64_t), owned by the loop
 * @type_a: the type iterated
 * @type_b: the type subtracted, or NULL
 * @nid: only ranges on this node (%NUMA_NO_NODE: any node)
 * @flags: MEMBLOCK_* wanted (see for_each_free_mem_range())
 * @p_start: phys_addr_t pointer for the range start (may be NULL)
 * @p_end: phys_addr_t pointer for the range end (may be NULL)
 * @p_nid: int pointer for the nid (may be NULL)
 */
#define __for_each_mem_range_rev(i, type_a, type_b, nid, flags, p_start, p_end, p_nid) \
	for (i = (uint64_t)ULLONG_MAX,							 \
	     __next_mem_range_rev(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid); \
	     i != (uint64_t)ULLONG_MAX;							 \
	     __next_mem_range_rev(&i, nid, flags, type_a, type_b, p_start, p_end, p_nid))
/**
 * for_each_mem_range - iterate through memory areas
 * @i: iterator state (uint64_t), owned by the loop
 * @p_start: phys_addr_t pointer for the range start (may be NULL)
 * @p_end: phys_addr_t pointer for the range end (may be NULL)
 *
 * Hotplug and driver-managed memory is included, NOMAP memory is not.
 */
#define for_each_mem_range(i, p_start, p_end) \
	__for_each_mem_range(i, &memblock.memory, NULL, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, p_start, p_end, NULL)
/**
 * for_each_mem_range_rev - reverse iterate through memory areas
 * @i: iterator state (uint64_t), owned by the loop
 * @p_start: phys_addr_t pointer for the range start (may be NULL)
 * @p_end: phys_addr_t pointer for the range end (may be NULL)
 */
#define for_each_mem_range_rev(i, p_start, p_end) \
	__for_each_mem_range_rev(i, &memblock.memory, NULL, NUMA_NO_NODE, MEMBLOCK_HOTPLUG | MEMBLOCK_DRIVER_MANAGED, p_start, p_end, NULL)
/**
 * for_each_reserved_mem_range - iterate over all reserved ranges
 * @i: iterator state (uint64_t), owned by the loop
 * @p_start: phys_addr_t pointer for the range start (may be NULL)
 * @p_end: phys_addr_t pointer for the range end (may be NULL)
 */
#define for_each_reserved_mem_range(i, p_start, p_end) \
	__for_each_mem_range(i, &memblock.reserved, NULL, NUMA_NO_NODE, MEMBLOCK_NONE, p_start, p_end, NULL)
/**
 * for_each_free_mem_range - iterate through free memory areas
 * @i: iterator state (uint64_t), owned by the loop
 * @nid: only ranges on this node (%NUMA_NO_NODE: any node)
 * @flags: MEMBLOCK_* wanted (MIRROR restricts to mirrored memory;
 *         NOMAP, DRIVER_MANAGED and, with movable_node, HOTPLUG memory is
 *         skipped unless its flag is given)
 * @p_start: phys_addr_t pointer for the range start (may be NULL)
 * @p_end: phys_addr_t pointer for the range end (may be NULL)
 * @p_nid: int pointer for the nid (may be NULL)
 *
 * Walks memory minus reserved in ascending order.
 */
#define for_each_free_mem_range(i, nid, flags, p_start, p_end, p_nid) \
	__for_each_mem_range(i, &memblock.memory, &memblock.reserved, nid, flags, p_start, p_end, p_nid)
/**
 * for_each_free_mem_range_reverse - reverse iterate through free memory areas
 * @i: iterator state (uint64_t), owned by the loop
 * @nid: only ranges on this node (%NUMA_NO_NODE: any node)
 * @flags: MEMBLOCK_* wanted (see for_each_free_mem_range())
 * @p_start: phys_addr_t pointer for the range start (may be NULL)
 * @p_end: phys_addr_t pointer for the range end (may be NULL)
 * @p_nid: int pointer for the nid (may be NULL)
 */
#define for_each_free_mem_range_reverse(i, nid, flags, p_start, p_end, p_nid) \
	__for_each_mem_range_rev(i, &memblock.memory, &memblock.reserved, nid, flags, p_start, p_end, p_nid)
/**
 * for_each_mem_pfn_range - iterate through memory regions holding whole pages
 * @i: iterator state (int), owned by the loop
 * @nid: only regions on this node (an invalid node such as MAX_NUMNODES: any)
 * @p_start: unsigned long pointer for the first pfn (may be NULL)
 * @p_end: unsigned long pointer for the end pfn (may be NULL)
 * @p_nid: int pointer for the nid (may be NULL)
 */
#define for_each_mem_pfn_range(i, nid, p_start, p_end, p_nid) \
	for (i = -1, __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid); \
	     i >= 0; __next_mem_pfn_range(&i, nid, p_start, p_end, p_nid))

/* End of early boot. */
unsigned long memblock_free_all(void);
void memblock_dump_all(void);
void __memblock_dump_all(void);

#endif /* _MEMBLOCK_H */
