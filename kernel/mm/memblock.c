// SPDX-License-Identifier: GPL-2.0-only
/* memblock.c - boot-time physical memory allocator with Linux 6.12 semantics, every call logged. */

/**
 * DOC: memblock overview
 *
 * memblock keeps two sorted arrays of physical ranges: ``memblock.memory``
 * (RAM the kernel may use) and ``memblock.reserved`` (ranges that are taken).
 * Free memory is memory minus reserved, computed on the fly.  An allocation
 * finds a free, aligned hole (top-down unless memblock_set_bottom_up(true))
 * and reserves it.  The arrays start as static 128-entry arrays and are
 * doubled once memblock_allow_resize() has been called.
 *
 * This implementation follows Linux 6.12 in every observable result (region
 * arrays, return values, debug lines), but finds positions by binary search
 * and moves each array tail at most once per call.  Every public function
 * that changes state appends exactly one record to the event log
 * (mb_evlog.h); read-only queries, iterators and dumps are not recorded.
 */

#include "memblock.h"
#include "mb_evlog.h"

#define ENOMEM			12
#define INIT_PHYSMEM_REGIONS	4
#define MB_LINE_MAX		384	/* longest line: ~160 chars + a 128-byte symbol */

/* Address of a point inside the current function (for "%pS" of nested calls). */
#define MB_HERE() ({ __label__ __mb_here; __mb_here: (uint64_t)(uintptr_t)&&__mb_here; })

static struct memblock_region memblock_memory_init_regions[INIT_MEMBLOCK_MEMORY_REGIONS];
static struct memblock_region memblock_reserved_init_regions[INIT_MEMBLOCK_RESERVED_REGIONS];
static struct memblock_region memblock_physmem_init_regions[INIT_PHYSMEM_REGIONS];

/* The allocator state, named and laid out as Linux's. */
struct memblock memblock = {
	.memory.regions		= memblock_memory_init_regions,
	.memory.max		= INIT_MEMBLOCK_MEMORY_REGIONS,
	.memory.name		= "memory",

	.reserved.regions	= memblock_reserved_init_regions,
	.reserved.max		= INIT_MEMBLOCK_RESERVED_REGIONS,
	.reserved.name		= "reserved",

	.bottom_up		= false,
	.current_limit		= MEMBLOCK_ALLOC_ANYWHERE,
};

/* All physical memory regardless of mem= (Linux: HAVE_MEMBLOCK_PHYS_MAP). */
struct memblock_type physmem = {
	.regions	= memblock_physmem_init_regions,
	.max		= INIT_PHYSMEM_REGIONS,
	.name		= "physmem",
};

/* Non-zero: print Linux's memblock=debug lines through the print hook. */
int memblock_debug;

static struct memblock_type *memblock_memory = &memblock.memory;
static int memblock_can_resize;
static bool system_has_some_mirror;
static bool movable_node_enabled;
static bool mirrored_kernelcore;

static memblock_print_fn print_hook;
static void *print_ctx;
static memblock_symbolize_fn sym_hook;
static void *sym_ctx;
static memblock_free_pages_fn free_pages_hook;
static void *free_pages_ctx;

/* Caller of the public call in progress (for DOUBLE_ARRAY records). */
static uint64_t mb_outer_caller;
/* Nesting of memblock's own internal events (double_array inside a call). */
static uint16_t mb_depth;

/* ------------------------------------------------------------------ */
/* Small helpers                                                       */
/* ------------------------------------------------------------------ */

static inline phys_addr_t mb_min(phys_addr_t a, phys_addr_t b)
{
	return a < b ? a : b;
}

static inline phys_addr_t mb_max(phys_addr_t a, phys_addr_t b)
{
	return a > b ? a : b;
}

static inline phys_addr_t mb_clamp(phys_addr_t v, phys_addr_t lo, phys_addr_t hi)
{
	return mb_min(mb_max(v, lo), hi);
}

/* Linux's mask-based round_up/round_down (align must be a power of 2). */
static inline phys_addr_t mb_round_up(phys_addr_t x, phys_addr_t align)
{
	return ((x - 1) | (align - 1)) + 1;
}

static inline phys_addr_t mb_round_down(phys_addr_t x, phys_addr_t align)
{
	return x & ~(align - 1);
}

static inline phys_addr_t page_align(phys_addr_t x)
{
	return mb_round_up(x, PAGE_SIZE);
}

static inline phys_addr_t rgn_end(const struct memblock_region *r)
{
	return r->base + r->size;
}

static uint32_t type_id(const struct memblock_type *type)
{
	if (type == &memblock.memory)
		return MB_TYPE_MEMORY;
	if (type == &memblock.reserved)
		return MB_TYPE_RESERVED;
	if (type == &physmem)
		return MB_TYPE_PHYSMEM;
	return MB_TYPE_UNKNOWN;
}

static struct memblock_region *init_array_of(const struct memblock_type *type)
{
	if (type == &memblock.memory)
		return memblock_memory_init_regions;
	if (type == &memblock.reserved)
		return memblock_reserved_init_regions;
	if (type == &physmem)
		return memblock_physmem_init_regions;
	return NULL;
}

static bool is_init_array(const struct memblock_region *regions)
{
	return regions == memblock_memory_init_regions ||
	       regions == memblock_reserved_init_regions ||
	       regions == memblock_physmem_init_regions;
}

/* ------------------------------------------------------------------ */
/* Output: print hook, %pa, %pS                                        */
/* ------------------------------------------------------------------ */

static int mb_snprintf(char *buf, size_t size, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int mb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

static void mb_print(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void mb_print(const char *fmt, ...)
{
	char line[MB_LINE_MAX];
	va_list ap;

	if (!print_hook)
		return;
	va_start(ap, fmt);
	mb_vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	print_hook(line, print_ctx);
}

#define memblock_dbg(fmt, ...)					\
	do {							\
		if (memblock_debug)				\
			mb_print(fmt, ##__VA_ARGS__);		\
	} while (0)

/* %pS: the symbolizer's "func+0xoff/0xlen", else "0x<hex>". */
static const char *mb_sym(uint64_t addr, char *buf, size_t len)
{
	if (!sym_hook || sym_hook(addr, buf, len, sym_ctx) != 0)
		mb_snprintf(buf, len, "0x%llx", (unsigned long long)addr);
	buf[len - 1] = '\0';
	return buf;
}

/* %pa is "0x%016llx" on x86-64; format strings below spell it out. */
#define PA "0x%016llx"
#define PAV(x) ((unsigned long long)(x))

/* ------------------------------------------------------------------ */
/* Event log                                                           */
/* ------------------------------------------------------------------ */

static void mb_record(struct mb_evlog_record *r)
{
	r->memory_cnt = (uint32_t)memblock.memory.cnt;
	r->reserved_cnt = (uint32_t)memblock.reserved.cnt;
	mb_evlog_append(r);
}

static void mb_record_ret(struct mb_evlog_record *r, int ret)
{
	r->result = (uint64_t)(int64_t)ret;
	if (ret)
		r->rflags |= MB_REC_FAILED;
	mb_record(r);
}

#define MB_RECN(opname, nidv, ...)					\
	struct mb_evlog_record rec = { .op = MB_OP_##opname,		\
				       .nid = (nidv),			\
				       .caller = MB_CALLER(),		\
				       __VA_ARGS__ };			\
	mb_outer_caller = rec.caller
#define MB_REC(opname, ...) MB_RECN(opname, NUMA_NO_NODE, __VA_ARGS__)

/* ------------------------------------------------------------------ */
/* Searching sorted, non-overlapping arrays                            */
/* ------------------------------------------------------------------ */

/*
 * First index whose region ends above @addr (cnt if none).  Branch-free
 * halving (the compiler emits a conditional move): the search is on every
 * add, reserve and free, and mispredicted branches cost more than the loads.
 */
static unsigned long first_end_above(const struct memblock_type *type, phys_addr_t addr)
{
	const struct memblock_region *r = type->regions;
	unsigned long base = 0, n = type->cnt;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned long half = n / 2;

		base = rgn_end(&r[base + half - 1]) <= addr ? base + half : base;
		n -= half;
	}
	return base + (rgn_end(&r[base]) <= addr);
}

/* Number of regions whose base is <= @addr. */
static unsigned long count_base_le(const struct memblock_type *type, phys_addr_t addr)
{
	const struct memblock_region *r = type->regions;
	unsigned long base = 0, n = type->cnt;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned long half = n / 2;

		base = r[base + half - 1].base <= addr ? base + half : base;
		n -= half;
	}
	return base + (r[base].base <= addr);
}

/* Number of regions whose base is < @addr. */
static unsigned long count_base_lt(const struct memblock_type *type, phys_addr_t addr)
{
	const struct memblock_region *r = type->regions;
	unsigned long base = 0, n = type->cnt;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned long half = n / 2;

		base = r[base + half - 1].base < addr ? base + half : base;
		n -= half;
	}
	return base + (r[base].base < addr);
}

/* Number of regions whose end is < @addr. */
static unsigned long count_end_lt(const struct memblock_type *type, phys_addr_t addr)
{
	const struct memblock_region *r = type->regions;
	unsigned long base = 0, n = type->cnt;

	if (!n)
		return 0;
	while (n > 1) {
		unsigned long half = n / 2;

		base = rgn_end(&r[base + half - 1]) < addr ? base + half : base;
		n -= half;
	}
	return base + (rgn_end(&r[base]) < addr);
}

/* Index of the region containing @addr, or -1. */
static long memblock_search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned long i = first_end_above(type, addr);

	if (i < type->cnt && type->regions[i].base <= addr)
		return (long)i;
	return -1;
}

/* ------------------------------------------------------------------ */
/* Core array manipulation                                             */
/* ------------------------------------------------------------------ */

static phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t *size)
{
	return *size = mb_min(*size, PHYS_ADDR_MAX - base);
}

static void memblock_remove_region(struct memblock_type *type, unsigned long r)
{
	type->total_size -= type->regions[r].size;
	memmove(&type->regions[r], &type->regions[r + 1],
		(type->cnt - (r + 1)) * sizeof(type->regions[r]));
	type->cnt--;

	if (type->cnt == 0) {
		type->regions[0].base = 0;
		type->regions[0].size = 0;
		type->regions[0].flags = 0;
		memblock_set_region_node(&type->regions[0], MAX_NUMNODES);
	}
}

static void memblock_insert_region(struct memblock_type *type, unsigned long idx,
				   phys_addr_t base, phys_addr_t size, int nid,
				   enum memblock_flags flags)
{
	struct memblock_region *rgn = &type->regions[idx];

	if (type->cnt >= type->max)
		mb_shim_panic("memblock: BUG: insert into a full array\n");
	memmove(rgn + 1, rgn, (type->cnt - idx) * sizeof(*rgn));
	rgn->base = base;
	rgn->size = size;
	rgn->flags = flags;
	memblock_set_region_node(rgn, nid);
	type->cnt++;
	type->total_size += size;
}

static bool mergeable(const struct memblock_region *a, const struct memblock_region *b)
{
	return rgn_end(a) == b->base && a->nid == b->nid && a->flags == b->flags;
}

/* Merge compatible neighbours among regions [start_rgn - 1, end_rgn]. */
static void memblock_merge_regions(struct memblock_type *type, unsigned long start_rgn,
				   unsigned long end_rgn)
{
	unsigned long i = start_rgn ? start_rgn - 1 : 0;

	if (type->cnt == 0)
		return;
	end_rgn = mb_min(end_rgn, type->cnt - 1);
	while (i < end_rgn) {
		struct memblock_region *this = &type->regions[i];
		struct memblock_region *next = &type->regions[i + 1];

		if (!mergeable(this, next)) {
			if (rgn_end(this) > next->base)
				mb_shim_panic("memblock: BUG: overlapping regions\n");
			i++;
			continue;
		}
		this->size += next->size;
		memmove(next, next + 1, (type->cnt - (i + 2)) * sizeof(*next));
		type->cnt--;
		end_rgn--;
	}
}

static phys_addr_t find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				 phys_addr_t align);
static int add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
		     int nid, enum memblock_flags flags, uint64_t dbg_caller);
static int remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size);

/* Physical address of each type's current array (0 for the static ones). */
static phys_addr_t array_phys(const struct memblock_type *type)
{
	if (is_init_array(type->regions))
		return 0;
	return mb_shim_virt_to_phys(type->regions);
}

/*
 * Double @type's array.  For memblock.reserved the new array must not sit
 * on [new_area_start, new_area_start + new_area_size), the range about to
 * be added.  Returns 0 or -1.
 */
static __attribute__((noinline)) int memblock_double_array(struct memblock_type *type,
							   phys_addr_t new_area_start,
							   phys_addr_t new_area_size)
{
	struct memblock_region *new_array, *old_array;
	phys_addr_t old_alloc_size, new_alloc_size, old_size, new_size, addr, new_end;
	phys_addr_t old_phys;
	struct mb_evlog_record rec = {
		.op = MB_OP_DOUBLE_ARRAY, .rflags = MB_REC_INTERNAL,
		.nid = NUMA_NO_NODE, .caller = mb_outer_caller,
		.mflags = type_id(type),
	};
	char msg[96];

	if (!memblock_can_resize) {
		mb_snprintf(msg, sizeof(msg), "memblock: cannot resize %s array\n", type->name);
		mb_shim_panic(msg);
	}

	mb_depth++;
	rec.depth = mb_depth;
	old_size = type->max * sizeof(struct memblock_region);
	new_size = old_size << 1;
	old_alloc_size = page_align(old_size);
	new_alloc_size = page_align(new_size);
	old_phys = array_phys(type);
	rec.align = old_alloc_size;
	rec.min_addr = old_phys;
	rec.size = new_alloc_size;

	/* only exclude the range being added when doubling reserved */
	if (type != &memblock.reserved)
		new_area_start = new_area_size = 0;

	addr = find_in_range(new_area_start + new_area_size, memblock.current_limit,
			     new_alloc_size, PAGE_SIZE);
	if (!addr && new_area_size)
		addr = find_in_range(0, mb_min(new_area_start, memblock.current_limit),
				     new_alloc_size, PAGE_SIZE);
	new_array = addr ? mb_shim_phys_to_virt(addr, new_alloc_size, true) : NULL;
	if (!addr || !new_array) {
		mb_print("memblock: Failed to double %s array from %ld to %ld entries !\n",
			 type->name, (long)type->max, (long)(type->max * 2));
		rec.max_addr = type->max;
		mb_record_ret(&rec, -ENOMEM);
		mb_depth--;
		return -1;
	}

	new_end = addr + new_size - 1;
	memblock_dbg("memblock: %s is doubled to %ld at [" PA "-" PA "]\n",
		     type->name, (long)(type->max * 2), PAV(addr), PAV(new_end));

	memcpy(new_array, type->regions, old_size);
	memset(new_array + type->max, 0, old_size);
	old_array = type->regions;
	type->regions = new_array;
	type->max <<= 1;

	/* Free the old array unless it is one of the static ones. */
	if (!is_init_array(old_array)) {
		if (memblock_debug) {
			char sym[128];

			mb_print("memblock_phys_free: [" PA "-" PA "] %s\n", PAV(old_phys),
				 PAV(old_phys + old_alloc_size - 1),
				 mb_sym((uint64_t)(uintptr_t)memblock_free, sym, sizeof(sym)));
		}
		remove_range(&memblock.reserved, old_phys, old_alloc_size);
		mb_shim_array_release(old_array, old_alloc_size);
	}

	/* Reserve the new array: it came from memblock itself. */
	if (add_range(&memblock.reserved, addr, new_alloc_size, MAX_NUMNODES, 0, MB_HERE()))
		mb_shim_panic("memblock: BUG: cannot reserve the doubled array\n");

	rec.base = addr;
	rec.max_addr = type->max;
	mb_record_ret(&rec, 0);
	mb_depth--;
	return 0;
}

/*
 * Add [base, base + size) to @type: only the parts not yet covered are
 * inserted (with @nid/@flags), then neighbours are merged.  dbg_caller is
 * non-zero when a "memblock_reserve:" debug line is due (nested reserves).
 */
static int add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
		     int nid, enum memblock_flags flags, uint64_t dbg_caller)
{
	phys_addr_t obase = base, end, b, pb = 0, pe = 0;
	unsigned long i, first, nr_new, idx = 0;
	struct memblock_region *rgn;

	if (dbg_caller && memblock_debug) {
		char sym[128];

		mb_print("memblock_reserve: [" PA "-" PA "] %s\n", PAV(base),
			 PAV(base + size - 1), mb_sym(dbg_caller, sym, sizeof(sym)));
	}

	end = base + memblock_cap_size(base, &size);
	if (!size)
		return 0;

	/* special case for empty array */
	if (type->regions[0].size == 0) {
		type->regions[0].base = base;
		type->regions[0].size = size;
		type->regions[0].flags = flags;
		memblock_set_region_node(&type->regions[0], nid);
		type->total_size = size;
		type->cnt = 1;
		return 0;
	}

repeat:
	/* Count the uncovered pieces; remember the single one if that is all. */
	first = first_end_above(type, base);
	nr_new = 0;
	b = base;
	for (i = first; i < type->cnt; i++) {
		rgn = &type->regions[i];
		if (rgn->base >= end)
			break;
		if (rgn->base > b) {
			if (!nr_new) {
				pb = b;
				pe = rgn->base;
				idx = i;
			}
			nr_new++;
		}
		b = mb_min(rgn_end(rgn), end);
	}
	if (b < end) {
		if (!nr_new) {
			pb = b;
			pe = end;
			idx = i;
		}
		nr_new++;
	}
	if (!nr_new)
		return 0;

	if (type->cnt + nr_new > type->max) {
		while (type->cnt + nr_new > type->max)
			if (memblock_double_array(type, obase, size) < 0)
				return -ENOMEM;
		/* doubling may have freed an old array inside the range */
		goto repeat;
	}

	if (nr_new == 1) {
		/* One piece: merge with neighbours directly, moving the tail at most once. */
		struct memblock_region piece = { .base = pb, .size = pe - pb, .flags = flags,
						 .nid = nid };
		bool ml = idx > 0 && mergeable(&type->regions[idx - 1], &piece);
		bool mr = idx < type->cnt && mergeable(&piece, &type->regions[idx]);

		type->total_size += piece.size;
		if (ml && mr) {
			rgn = &type->regions[idx - 1];
			rgn->size += piece.size + type->regions[idx].size;
			memmove(&type->regions[idx], &type->regions[idx + 1],
				(type->cnt - idx - 1) * sizeof(*rgn));
			type->cnt--;
		} else if (ml) {
			type->regions[idx - 1].size += piece.size;
		} else if (mr) {
			type->regions[idx].base = pb;
			type->regions[idx].size += piece.size;
		} else {
			rgn = &type->regions[idx];
			memmove(rgn + 1, rgn, (type->cnt - idx) * sizeof(*rgn));
			*rgn = piece;
			type->cnt++;
		}
		return 0;
	}

	/* Several pieces: Linux's insert pass, then merge the touched window. */
	{
		unsigned long start_rgn = ULONG_MAX, end_rgn = 0;

		for (i = first; i < type->cnt; i++) {
			phys_addr_t rbase = type->regions[i].base;
			phys_addr_t rend = rgn_end(&type->regions[i]);

			if (rbase >= end)
				break;
			if (rend <= base)
				continue;
			if (rbase > base) {
				if (start_rgn == ULONG_MAX)
					start_rgn = i;
				end_rgn = i + 1;
				memblock_insert_region(type, i++, base, rbase - base, nid, flags);
			}
			base = mb_min(rend, end);
		}
		if (base < end) {
			if (start_rgn == ULONG_MAX)
				start_rgn = i;
			end_rgn = i + 1;
			memblock_insert_region(type, i, base, end - base, nid, flags);
		}
		memblock_merge_regions(type, start_rgn, end_rgn);
	}
	return 0;
}

static int ensure_room_for_split(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	/* we'll create at most two more regions */
	while (type->cnt + 2 > type->max)
		if (memblock_double_array(type, base, size) < 0)
			return -ENOMEM;
	return 0;
}

/*
 * Split regions so that none crosses base or base + size; on return
 * [*start_rgn, *end_rgn) are exactly the regions inside the window.
 */
static int memblock_isolate_range(struct memblock_type *type, phys_addr_t base,
				  phys_addr_t size, unsigned long *start_rgn,
				  unsigned long *end_rgn)
{
	phys_addr_t end;
	unsigned long idx;

	*start_rgn = *end_rgn = 0;
	if (!size)
		return 0;
	end = base + memblock_cap_size(base, &size);
	if (ensure_room_for_split(type, base, size))
		return -ENOMEM;

	for (idx = first_end_above(type, base); idx < type->cnt; idx++) {
		struct memblock_region *rgn = &type->regions[idx];
		phys_addr_t rbase = rgn->base;
		phys_addr_t rend = rbase + rgn->size;

		if (rbase >= end)
			break;
		if (rend <= base)
			continue;

		if (rbase < base) {
			/* crosses base: split, continue with the upper half */
			rgn->base = base;
			rgn->size -= base - rbase;
			type->total_size -= base - rbase;
			memblock_insert_region(type, idx, rbase, base - rbase,
					       memblock_get_region_node(rgn), rgn->flags);
		} else if (rend > end) {
			/* crosses end: split, redo the lower half */
			rgn->base = end;
			rgn->size -= end - rbase;
			type->total_size -= end - rbase;
			memblock_insert_region(type, idx--, rbase, end - rbase,
					       memblock_get_region_node(rgn), rgn->flags);
		} else {
			if (!*end_rgn)
				*start_rgn = idx;
			*end_rgn = idx + 1;
		}
	}
	return 0;
}

/* Remove [base, base + size) from @type (isolate + remove, one tail move). */
static int remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	struct memblock_region lo, hi;
	unsigned long i, j, k, npieces;
	phys_addr_t end, removed = 0;
	bool keep_lo, keep_hi;

	if (!size)
		return 0;
	end = base + memblock_cap_size(base, &size);
	if (ensure_room_for_split(type, base, size))
		return -ENOMEM;

	i = first_end_above(type, base);
	for (j = i; j < type->cnt && type->regions[j].base < end; j++)
		;
	if (i == j)
		return 0;

	lo = type->regions[i];
	hi = type->regions[j - 1];
	keep_lo = lo.base < base;
	keep_hi = rgn_end(&hi) > end;
	for (k = i; k < j; k++) {
		const struct memblock_region *r = &type->regions[k];

		removed += mb_min(rgn_end(r), end) - mb_max(r->base, base);
	}
	if (keep_lo)
		lo.size = base - lo.base;
	if (keep_hi) {
		hi.size = rgn_end(&hi) - end;
		hi.base = end;
	}
	npieces = (unsigned long)keep_lo + (unsigned long)keep_hi;
	if (npieces != j - i)
		memmove(&type->regions[i + npieces], &type->regions[j],
			(type->cnt - j) * sizeof(struct memblock_region));
	type->cnt = type->cnt + npieces - (j - i);
	if (keep_lo)
		type->regions[i++] = lo;
	if (keep_hi)
		type->regions[i] = hi;
	type->total_size -= removed;

	if (type->cnt == 0) {
		type->regions[0].base = 0;
		type->regions[0].size = 0;
		type->regions[0].flags = 0;
		memblock_set_region_node(&type->regions[0], MAX_NUMNODES);
	}
	return 0;
}

static int memblock_setclr_flag(struct memblock_type *type, phys_addr_t base,
				phys_addr_t size, int set, int flag)
{
	unsigned long start_rgn, end_rgn, i;
	int ret;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++) {
		struct memblock_region *r = &type->regions[i];

		if (set)
			r->flags |= flag;
		else
			r->flags &= ~flag;
	}
	memblock_merge_regions(type, start_rgn, end_rgn);
	return 0;
}

static int set_node(phys_addr_t base, phys_addr_t size, struct memblock_type *type, int nid)
{
	unsigned long start_rgn, end_rgn, i;
	int ret;

	ret = memblock_isolate_range(type, base, size, &start_rgn, &end_rgn);
	if (ret)
		return ret;
	for (i = start_rgn; i < end_rgn; i++)
		memblock_set_region_node(&type->regions[i], nid);
	memblock_merge_regions(type, start_rgn, end_rgn);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Iteration                                                           */
/* ------------------------------------------------------------------ */

static bool should_skip_region(struct memblock_type *type, struct memblock_region *m,
			       int nid, int flags)
{
	int m_nid = memblock_get_region_node(m);

	/* only memblock.memory is filtered */
	if (type != memblock_memory)
		return false;
	if (numa_valid_node(nid) && nid != m_nid)
		return true;
	if (movable_node_enabled && memblock_is_hotpluggable(m) && !(flags & MEMBLOCK_HOTPLUG))
		return true;
	if ((flags & MEMBLOCK_MIRROR) && !memblock_is_mirror(m))
		return true;
	if (!(flags & MEMBLOCK_NOMAP) && memblock_is_nomap(m))
		return true;
	if (!(flags & MEMBLOCK_DRIVER_MANAGED) && memblock_is_driver_managed(m))
		return true;
	return false;
}

/**
 * __next_mem_range - next range of @type_a not covered by @type_b
 * @idx: iterator state (0 to start; ULLONG_MAX when done)
 * @nid: node to restrict to, or NUMA_NO_NODE
 * @flags: MEMBLOCK_* the caller asks for (filters memblock.memory regions)
 * @type_a: the type iterated
 * @type_b: the type subtracted, or NULL
 * @out_start: where to store the range start (may be NULL)
 * @out_end: where to store the range end (may be NULL)
 * @out_nid: where to store the node of the range (may be NULL)
 *
 * The low 32 bits of @idx index @type_a, the high 32 bits index the gaps
 * of @type_b (gap k lies between regions k-1 and k).  Ranges come out in
 * ascending order.
 */
void __next_mem_range(uint64_t *idx, int nid, enum memblock_flags flags,
		      struct memblock_type *type_a, struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	long idx_a = (long)(uint32_t)(*idx & 0xffffffff);
	long idx_b = (long)(uint32_t)(*idx >> 32);

	for (; idx_a < (long)type_a->cnt; idx_a++) {
		struct memblock_region *m = &type_a->regions[idx_a];
		phys_addr_t m_start = m->base;
		phys_addr_t m_end = m->base + m->size;
		int m_nid = memblock_get_region_node(m);

		if (should_skip_region(type_a, m, nid, flags))
			continue;

		if (!type_b) {
			if (out_start)
				*out_start = m_start;
			if (out_end)
				*out_end = m_end;
			if (out_nid)
				*out_nid = m_nid;
			idx_a++;
			*idx = (uint32_t)idx_a | (uint64_t)idx_b << 32;
			return;
		}

		/* scan the gaps before each region of type_b */
		for (; idx_b < (long)type_b->cnt + 1; idx_b++) {
			struct memblock_region *r = &type_b->regions[idx_b];
			phys_addr_t r_start = idx_b ? rgn_end(r - 1) : 0;
			phys_addr_t r_end = idx_b < (long)type_b->cnt ? r->base : PHYS_ADDR_MAX;

			if (r_start >= m_end)
				break;
			if (m_start < r_end) {
				if (out_start)
					*out_start = mb_max(m_start, r_start);
				if (out_end)
					*out_end = mb_min(m_end, r_end);
				if (out_nid)
					*out_nid = m_nid;
				if (m_end <= r_end)
					idx_a++;
				else
					idx_b++;
				*idx = (uint32_t)idx_a | (uint64_t)idx_b << 32;
				return;
			}
		}
	}
	*idx = (uint64_t)ULLONG_MAX;
}

/**
 * __next_mem_range_rev - previous range of @type_a not covered by @type_b
 * @idx: iterator state (ULLONG_MAX to start and when done)
 * @nid: node to restrict to, or NUMA_NO_NODE
 * @flags: MEMBLOCK_* the caller asks for
 * @type_a: the type iterated
 * @type_b: the type subtracted, or NULL
 * @out_start: where to store the range start (may be NULL)
 * @out_end: where to store the range end (may be NULL)
 * @out_nid: where to store the node of the range (may be NULL)
 *
 * The mirror image of __next_mem_range(): ranges come out in descending order.
 */
void __next_mem_range_rev(uint64_t *idx, int nid, enum memblock_flags flags,
			  struct memblock_type *type_a, struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	long idx_a = (long)(int32_t)(uint32_t)(*idx & 0xffffffff);
	long idx_b = (long)(int32_t)(uint32_t)(*idx >> 32);

	if (*idx == (uint64_t)ULLONG_MAX) {
		idx_a = (long)type_a->cnt - 1;
		idx_b = type_b ? (long)type_b->cnt : 0;
	}

	for (; idx_a >= 0; idx_a--) {
		struct memblock_region *m = &type_a->regions[idx_a];
		phys_addr_t m_start = m->base;
		phys_addr_t m_end = m->base + m->size;
		int m_nid = memblock_get_region_node(m);

		if (should_skip_region(type_a, m, nid, flags))
			continue;

		if (!type_b) {
			if (out_start)
				*out_start = m_start;
			if (out_end)
				*out_end = m_end;
			if (out_nid)
				*out_nid = m_nid;
			idx_a--;
			*idx = (uint32_t)idx_a | (uint64_t)(uint32_t)idx_b << 32;
			return;
		}

		for (; idx_b >= 0; idx_b--) {
			struct memblock_region *r = &type_b->regions[idx_b];
			phys_addr_t r_start = idx_b ? rgn_end(r - 1) : 0;
			phys_addr_t r_end = idx_b < (long)type_b->cnt ? r->base : PHYS_ADDR_MAX;

			if (r_end <= m_start)
				break;
			if (m_end > r_start) {
				if (out_start)
					*out_start = mb_max(m_start, r_start);
				if (out_end)
					*out_end = mb_min(m_end, r_end);
				if (out_nid)
					*out_nid = m_nid;
				if (m_start >= r_start)
					idx_a--;
				else
					idx_b--;
				*idx = (uint32_t)idx_a | (uint64_t)(uint32_t)idx_b << 32;
				return;
			}
		}
	}
	*idx = (uint64_t)ULLONG_MAX;
}

/**
 * __next_mem_pfn_range - next memory region holding at least one whole page
 * @idx: iterator state (-1 to start; -1 again when done)
 * @nid: node to restrict to (any if not a valid node)
 * @out_start_pfn: first whole page (may be NULL)
 * @out_end_pfn: end page, exclusive (may be NULL)
 * @out_nid: node of the region (may be NULL)
 */
void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
			  unsigned long *out_end_pfn, int *out_nid)
{
	struct memblock_type *type = &memblock.memory;
	struct memblock_region *r = NULL;
	int r_nid = 0;

	while (++*idx < (int)type->cnt) {
		r = &type->regions[*idx];
		r_nid = memblock_get_region_node(r);
		if (PFN_UP(r->base) >= PFN_DOWN(r->base + r->size))
			continue;
		if (!numa_valid_node(nid) || nid == r_nid)
			break;
	}
	if (*idx >= (int)type->cnt) {
		*idx = -1;
		return;
	}
	if (out_start_pfn)
		*out_start_pfn = PFN_UP(r->base);
	if (out_end_pfn)
		*out_end_pfn = PFN_DOWN(r->base + r->size);
	if (out_nid)
		*out_nid = r_nid;
}

/* ------------------------------------------------------------------ */
/* Finding free space                                                  */
/* ------------------------------------------------------------------ */

static phys_addr_t find_range_bottom_up(phys_addr_t start, phys_addr_t end, phys_addr_t size,
					phys_addr_t align, int nid, enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	uint64_t i = 0;

	if (size) {
		/*
		 * Ranges below @start cannot fit: begin at the first memory
		 * region reaching above it, with the gap cursor placed where
		 * Linux's scan from index 0 would meet that region.
		 */
		unsigned long a = first_end_above(&memblock.memory, start);
		unsigned long b;

		if (a >= memblock.memory.cnt)
			return 0;
		b = count_base_le(&memblock.reserved, memblock.memory.regions[a].base);
		i = (uint32_t)a | (uint64_t)b << 32;
	}
	for (__next_mem_range(&i, nid, flags, &memblock.memory, &memblock.reserved,
			      &this_start, &this_end, NULL);
	     i != (uint64_t)ULLONG_MAX;
	     __next_mem_range(&i, nid, flags, &memblock.memory, &memblock.reserved,
			      &this_start, &this_end, NULL)) {
		if (size && this_start >= end)
			break;
		this_start = mb_clamp(this_start, start, end);
		this_end = mb_clamp(this_end, start, end);
		cand = mb_round_up(this_start, align);
		if (cand < this_end && this_end - cand >= size)
			return cand;
	}
	return 0;
}

static phys_addr_t find_range_top_down(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				       phys_addr_t align, int nid, enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	uint64_t i = (uint64_t)ULLONG_MAX;

	if (size) {
		/* Ranges at or above @end cannot fit: begin below it. */
		unsigned long a = count_base_lt(&memblock.memory, end);
		unsigned long b;

		if (a == 0)
			return 0;
		a--;
		b = count_end_lt(&memblock.reserved, rgn_end(&memblock.memory.regions[a]));
		i = (uint32_t)a | (uint64_t)b << 32;
	}
	for (__next_mem_range_rev(&i, nid, flags, &memblock.memory, &memblock.reserved,
				  &this_start, &this_end, NULL);
	     i != (uint64_t)ULLONG_MAX;
	     __next_mem_range_rev(&i, nid, flags, &memblock.memory, &memblock.reserved,
				  &this_start, &this_end, NULL)) {
		if (size && this_end <= start)
			break;
		this_start = mb_clamp(this_start, start, end);
		this_end = mb_clamp(this_end, start, end);
		if (this_end < size)
			continue;
		cand = mb_round_down(this_end - size, align);
		if (cand >= this_start)
			return cand;
	}
	return 0;
}

static phys_addr_t find_in_range_node(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end, int nid, enum memblock_flags flags)
{
	/* pump up @end */
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = memblock.current_limit;
	/* avoid allocating the first page */
	start = mb_max(start, PAGE_SIZE);
	end = mb_max(start, end);

	if (memblock.bottom_up)
		return find_range_bottom_up(start, end, size, align, nid, flags);
	return find_range_top_down(start, end, size, align, nid, flags);
}

static enum memblock_flags choose_memblock_flags(void)
{
	return system_has_some_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
}

static void warn_mirror(phys_addr_t size)
{
	mb_print("Could not allocate " PA " bytes of mirrored memory\n", PAV(size));
}

static phys_addr_t find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				 phys_addr_t align)
{
	enum memblock_flags flags = choose_memblock_flags();
	phys_addr_t ret;

again:
	ret = find_in_range_node(size, align, start, end, NUMA_NO_NODE, flags);
	if (!ret && (flags & MEMBLOCK_MIRROR)) {
		warn_mirror(size);
		flags &= ~MEMBLOCK_MIRROR;
		goto again;
	}
	return ret;
}

/* ------------------------------------------------------------------ */
/* Allocation core                                                     */
/* ------------------------------------------------------------------ */

static phys_addr_t alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				   phys_addr_t end, int nid, bool exact_nid)
{
	/* The reservation's debug line names memblock_alloc_range_nid, as in Linux. */
	uint64_t rsv_caller = (uint64_t)(uintptr_t)memblock_alloc_range_nid;
	enum memblock_flags flags = choose_memblock_flags();
	phys_addr_t found;

	if (!align)
		align = SMP_CACHE_BYTES;

again:
	found = find_in_range_node(size, align, start, end, nid, flags);
	if (found && !add_range(&memblock.reserved, found, size, MAX_NUMNODES, 0, rsv_caller))
		return found;

	if (numa_valid_node(nid) && !exact_nid) {
		found = find_in_range_node(size, align, start, end, NUMA_NO_NODE, flags);
		if (found && !add_range(&memblock.reserved, found, size, MAX_NUMNODES, 0,
					rsv_caller))
			return found;
	}

	if (flags & MEMBLOCK_MIRROR) {
		flags &= ~MEMBLOCK_MIRROR;
		warn_mirror(size);
		goto again;
	}
	return 0;
}

static void *alloc_internal(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
			    phys_addr_t max_addr, int nid, bool exact_nid, bool zero,
			    phys_addr_t *phys)
{
	phys_addr_t alloc;
	void *ptr;

	if (max_addr > memblock.current_limit)
		max_addr = memblock.current_limit;

	alloc = alloc_range_nid(size, align, min_addr, max_addr, nid, exact_nid);
	/* retry without the lower limit */
	if (!alloc && min_addr)
		alloc = alloc_range_nid(size, align, 0, max_addr, nid, exact_nid);
	*phys = alloc;
	if (!alloc)
		return NULL;

	ptr = mb_shim_phys_to_virt(alloc, size, false);
	if (ptr) {
		if (zero)
			memset(ptr, 0, size);
		return ptr;
	}
	/* host without a registered buffer: an identity "pointer" */
	return (void *)(uintptr_t)alloc;
}

static void dbg_alloc(const char *func, phys_addr_t size, phys_addr_t align, int nid,
		      phys_addr_t min_addr, phys_addr_t max_addr, uint64_t caller)
{
	char sym[128];

	if (!memblock_debug)
		return;
	mb_print("%s: %llu bytes align=0x%llx nid=%d from=" PA " max_addr=" PA " %s\n",
		 func, PAV(size), PAV(align), nid, PAV(min_addr), PAV(max_addr),
		 mb_sym(caller, sym, sizeof(sym)));
}

static void dbg_phys_alloc(phys_addr_t size, phys_addr_t align, phys_addr_t start,
			   phys_addr_t end, uint64_t caller)
{
	char sym[128];

	if (!memblock_debug)
		return;
	mb_print("memblock_phys_alloc_range: %llu bytes align=0x%llx from=" PA " max_addr=" PA
		 " %s\n", PAV(size), PAV(align), PAV(start), PAV(end),
		 mb_sym(caller, sym, sizeof(sym)));
}

static void dbg_range(const char *func, phys_addr_t base, phys_addr_t size, uint64_t caller)
{
	char sym[128];

	if (!memblock_debug)
		return;
	mb_print("%s: [" PA "-" PA "] %s\n", func, PAV(base), PAV(base + size - 1),
		 mb_sym(caller, sym, sizeof(sym)));
}

static void *alloc_public(struct mb_evlog_record *rec, const char *dbg_func, bool exact,
			  bool zero)
{
	phys_addr_t phys;
	void *ptr;

	dbg_alloc(dbg_func, rec->size, rec->align, rec->nid, rec->min_addr, rec->max_addr,
		  rec->caller);
	ptr = alloc_internal(rec->size, rec->align, rec->min_addr, rec->max_addr, rec->nid,
			     exact, zero, &phys);
	rec->result = phys;
	if (!phys)
		rec->rflags |= MB_REC_FAILED;
	mb_record(rec);
	return ptr;
}

/* ------------------------------------------------------------------ */
/* Public API: hooks and state                                         */
/* ------------------------------------------------------------------ */

/**
 * memblock_set_print_hook - set where memblock prints its lines
 * @fn: called once per complete line (NULL: print nothing)
 * @ctx: passed back to @fn
 */
void memblock_set_print_hook(memblock_print_fn fn, void *ctx)
{
	print_hook = fn;
	print_ctx = ctx;
}

/**
 * memblock_set_symbolizer - set how "%pS" caller addresses are rendered
 * @fn: returns 0 after writing "func+0xoff/0xlen" (NULL: print "0x<hex>")
 * @ctx: passed back to @fn
 */
void memblock_set_symbolizer(memblock_symbolize_fn fn, void *ctx)
{
	sym_hook = fn;
	sym_ctx = ctx;
}

/**
 * memblock_set_free_pages_hook - set what memblock_free_all() hands pages to
 * @fn: called with each page-aligned free range (NULL: only count)
 * @ctx: passed back to @fn
 */
void memblock_set_free_pages_hook(memblock_free_pages_fn fn, void *ctx)
{
	free_pages_hook = fn;
	free_pages_ctx = ctx;
}

static void reset_type(struct memblock_type *type, unsigned long init_max)
{
	struct memblock_region *init = init_array_of(type);

	if (!is_init_array(type->regions))
		mb_shim_array_release(type->regions,
				      page_align(type->max * sizeof(struct memblock_region)));
	memset(init, 0, init_max * sizeof(*init));
	type->regions = init;
	type->cnt = 0;
	type->max = init_max;
	type->total_size = 0;
}

/**
 * memblock_reset_state - return memblock to its static initial state
 *
 * Empties the arrays, puts the static 128-entry arrays back (releasing any
 * doubled array through mb_shim_array_release()), and restores bottom_up,
 * current_limit, the resize permission and the "has mirror" state.  The
 * hooks, memblock_debug and the boot options (movable_node,
 * mirrored_kernelcore) are settings and are kept.  Not recorded in the log.
 * Used by tests and by replay.
 */
void memblock_reset_state(void)
{
	reset_type(&memblock.memory, INIT_MEMBLOCK_MEMORY_REGIONS);
	reset_type(&memblock.reserved, INIT_MEMBLOCK_RESERVED_REGIONS);
	reset_type(&physmem, INIT_PHYSMEM_REGIONS);
	memblock.bottom_up = false;
	memblock.current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	memblock_memory = &memblock.memory;
	memblock_can_resize = 0;
	system_has_some_mirror = false;
	mb_depth = 0;
}

/**
 * memblock_set_movable_node - the "movable_node" boot option
 * @enable: when true, allocations skip MEMBLOCK_HOTPLUG memory
 *
 * Linux reads movable_node_is_enabled(); here the option is a call, so
 * that it is recorded in the event log (value in max_addr).
 */
void memblock_set_movable_node(bool enable)
{
	MB_REC(SET_MOVABLE_NODE, .max_addr = enable);

	movable_node_enabled = enable;
	mb_record(&rec);
}

/**
 * memblock_movable_node_enabled - is the movable_node option on?
 *
 * Return: true when HOTPLUG memory is skipped by allocations.
 */
bool memblock_movable_node_enabled(void)
{
	return movable_node_enabled;
}

/**
 * memblock_set_mirrored_kernelcore - the "kernelcore=mirror" boot option
 * @enable: when false (the default) memblock_mark_mirror() does nothing
 */
void memblock_set_mirrored_kernelcore(bool enable)
{
	MB_REC(SET_MIRRORED_KERNELCORE, .max_addr = enable);

	mirrored_kernelcore = enable;
	mb_record(&rec);
}

/**
 * memblock_has_mirror - has any memory been marked mirrored?
 *
 * Return: true once memblock_mark_mirror() took effect; allocations then
 * prefer MEMBLOCK_MIRROR memory.
 */
bool memblock_has_mirror(void)
{
	return system_has_some_mirror;
}

/* ------------------------------------------------------------------ */
/* Public API: ranges                                                  */
/* ------------------------------------------------------------------ */

/**
 * memblock_add_node - add new memblock region within a NUMA node
 * @base: base address of the new region
 * @size: size of the new region
 * @nid: nid of the new region
 * @flags: flags of the new region
 *
 * Add new memblock region [@base, @base + @size) to the "memory" type.
 * Only the parts not already covered are added, with @nid and @flags.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_add_node(phys_addr_t base, phys_addr_t size, int nid, enum memblock_flags flags)
{
	MB_RECN(ADD_NODE, nid, .base = base, .size = size, .mflags = flags);
	phys_addr_t end = base + size - 1;
	char sym[128];
	int ret;

	if (memblock_debug)
		mb_print("memblock_add_node: [" PA "-" PA "] nid=%d flags=%x %s\n", PAV(base),
			 PAV(end), nid, flags, mb_sym(rec.caller, sym, sizeof(sym)));
	ret = add_range(&memblock.memory, base, size, nid, flags, 0);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_add - add new memblock region
 * @base: base address of the new region
 * @size: size of the new region
 *
 * Add new memblock region [@base, @base + @size) to the "memory" type,
 * with nid MAX_NUMNODES ("unassigned") and no flags.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_add(phys_addr_t base, phys_addr_t size)
{
	MB_REC(ADD, .base = base, .size = size);
	int ret;

	dbg_range("memblock_add", base, size, rec.caller);
	ret = add_range(&memblock.memory, base, size, MAX_NUMNODES, 0, 0);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_remove - remove a range from the "memory" type
 * @base: base address of the range
 * @size: size of the range
 *
 * Regions crossing the range are split; parts inside it are removed.
 * Removing memory that is not there is a successful no-op.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_remove(phys_addr_t base, phys_addr_t size)
{
	MB_REC(REMOVE, .base = base, .size = size);
	int ret;

	dbg_range("memblock_remove", base, size, rec.caller);
	ret = remove_range(&memblock.memory, base, size);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_phys_free - free boot memory block
 * @base: phys starting address of the boot memory block
 * @size: size of the boot memory block in bytes
 *
 * Remove [@base, @base + @size) from the "reserved" type.  As in Linux
 * 6.12 the memory is not released to the page allocator here.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_phys_free(phys_addr_t base, phys_addr_t size)
{
	MB_REC(PHYS_FREE, .base = base, .size = size);
	int ret;

	dbg_range("memblock_phys_free", base, size, rec.caller);
	ret = remove_range(&memblock.reserved, base, size);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_free - free boot memory allocation
 * @ptr: starting address of the boot memory allocation (NULL: nothing)
 * @size: size of the boot memory block in bytes
 *
 * Free boot memory block previously allocated by memblock_alloc_xx() API.
 * The debug line is memblock_phys_free's, with memblock_free as caller.
 */
void memblock_free(void *ptr, size_t size)
{
	MB_REC(FREE, .size = size);
	int ret = 0;

	if (ptr) {
		phys_addr_t base = mb_shim_virt_to_phys(ptr);

		rec.base = base;
		dbg_range("memblock_phys_free", base, size, MB_HERE());
		ret = remove_range(&memblock.reserved, base, size);
	}
	mb_record_ret(&rec, ret);
}

/**
 * memblock_reserve - mark a range as reserved
 * @base: base address of the range
 * @size: size of the range
 *
 * Add [@base, @base + @size) to the "reserved" type (nid MAX_NUMNODES,
 * no flags).  The range need not be memory.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	MB_REC(RESERVE, .base = base, .size = size);
	int ret;

	ret = add_range(&memblock.reserved, base, size, MAX_NUMNODES, 0, rec.caller);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_physmem_add - add a range to the "physmem" type
 * @base: base address of the range
 * @size: size of the range
 *
 * physmem records all physical memory regardless of mem= (Linux keeps it
 * only with CONFIG_HAVE_MEMBLOCK_PHYS_MAP); it is not part of dumps.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_physmem_add(phys_addr_t base, phys_addr_t size)
{
	MB_REC(PHYSMEM_ADD, .base = base, .size = size);
	int ret;

	dbg_range("memblock_physmem_add", base, size, rec.caller);
	ret = add_range(&physmem, base, size, MAX_NUMNODES, 0, 0);
	mb_record_ret(&rec, ret);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Public API: flags and nodes                                         */
/* ------------------------------------------------------------------ */

/**
 * memblock_mark_hotplug - mark hotpluggable memory with flag MEMBLOCK_HOTPLUG
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size)
{
	MB_REC(MARK_HOTPLUG, .base = base, .size = size);
	int ret = memblock_setclr_flag(&memblock.memory, base, size, 1, MEMBLOCK_HOTPLUG);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_clear_hotplug - clear flag MEMBLOCK_HOTPLUG for a specified region
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size)
{
	MB_REC(CLEAR_HOTPLUG, .base = base, .size = size);
	int ret = memblock_setclr_flag(&memblock.memory, base, size, 0, MEMBLOCK_HOTPLUG);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_mark_mirror - mark mirrored memory with flag MEMBLOCK_MIRROR
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Does nothing (and returns 0) unless memblock_set_mirrored_kernelcore(true)
 * was called; otherwise also makes allocations prefer mirrored memory.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_mark_mirror(phys_addr_t base, phys_addr_t size)
{
	MB_REC(MARK_MIRROR, .base = base, .size = size);
	int ret = 0;

	if (mirrored_kernelcore) {
		system_has_some_mirror = true;
		ret = memblock_setclr_flag(&memblock.memory, base, size, 1, MEMBLOCK_MIRROR);
	}
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_mark_nomap - mark a memory region with flag MEMBLOCK_NOMAP
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * NOMAP memory is not part of the direct map: allocations and free ranges
 * skip it unless asked for it.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_mark_nomap(phys_addr_t base, phys_addr_t size)
{
	MB_REC(MARK_NOMAP, .base = base, .size = size);
	int ret = memblock_setclr_flag(&memblock.memory, base, size, 1, MEMBLOCK_NOMAP);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_clear_nomap - clear flag MEMBLOCK_NOMAP for a specified region
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_clear_nomap(phys_addr_t base, phys_addr_t size)
{
	MB_REC(CLEAR_NOMAP, .base = base, .size = size);
	int ret = memblock_setclr_flag(&memblock.memory, base, size, 0, MEMBLOCK_NOMAP);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_reserved_mark_noinit - mark a reserved range MEMBLOCK_RSRV_NOINIT
 * @base: the base phys addr of the region
 * @size: the size of the region
 *
 * Struct pages of such reserved memory are not initialised by memblock.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_reserved_mark_noinit(phys_addr_t base, phys_addr_t size)
{
	MB_REC(RESERVED_MARK_NOINIT, .base = base, .size = size);
	int ret = memblock_setclr_flag(&memblock.reserved, base, size, 1, MEMBLOCK_RSRV_NOINIT);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_set_node - set node ID on memblock regions
 * @base: base of area to set node ID for
 * @size: size of area to set node ID for
 * @type: memblock type to set node ID for
 * @nid: node ID to set
 *
 * Set the nid of the @type regions in [@base, @base + @size) to @nid,
 * splitting regions at the range ends and merging where possible.
 *
 * Return: 0 on success, -errno on failure.
 */
int memblock_set_node(phys_addr_t base, phys_addr_t size, struct memblock_type *type, int nid)
{
	MB_RECN(SET_NODE, nid, .base = base, .size = size, .mflags = type_id(type));
	int ret = set_node(base, size, type, nid);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_allow_resize - allow the region arrays to be doubled
 *
 * Before this call, running out of array entries panics (Linux 6.12).
 */
void memblock_allow_resize(void)
{
	MB_REC(ALLOW_RESIZE);

	memblock_can_resize = 1;
	mb_record(&rec);
}

/* ------------------------------------------------------------------ */
/* Public API: allocation                                              */
/* ------------------------------------------------------------------ */

/**
 * memblock_alloc_range_nid - allocate boot memory block
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size (0: SMP_CACHE_BYTES)
 * @start: the lower bound of the memory region to allocate (phys address)
 * @end: the upper bound of the memory region to allocate (phys address)
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 * @exact_nid: control the allocation fall back to other nodes
 *
 * Find a free area in [@start, @end) (an @end of MEMBLOCK_ALLOC_ACCESSIBLE
 * or MEMBLOCK_ALLOC_NOLEAKTRACE means the current limit; the first page is
 * never used) and reserve it.  If @nid has no room and @exact_nid is false,
 * any node is tried; mirrored memory is preferred when some exists.
 *
 * Return: physical address of the allocated block, 0 on failure.
 */
phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				     phys_addr_t end, int nid, bool exact_nid)
{
	MB_RECN(ALLOC_RANGE_NID, nid, .size = size, .align = align, .min_addr = start,
	       .max_addr = end, .mflags = exact_nid);
	phys_addr_t found = alloc_range_nid(size, align, start, end, nid, exact_nid);

	rec.result = found;
	if (!found)
		rec.rflags |= MB_REC_FAILED;
	mb_record(&rec);
	return found;
}

static phys_addr_t phys_alloc_public(struct mb_evlog_record *rec, phys_addr_t start,
				     phys_addr_t end)
{
	phys_addr_t found;

	dbg_phys_alloc(rec->size, rec->align, start, end, rec->caller);
	found = alloc_range_nid(rec->size, rec->align, start, end, NUMA_NO_NODE, false);
	rec->result = found;
	if (!found)
		rec->rflags |= MB_REC_FAILED;
	mb_record(rec);
	return found;
}

/**
 * memblock_phys_alloc_range - allocate a memory block inside specified range
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @start: the lower bound of the memory region to allocate (physical address)
 * @end: the upper bound of the memory region to allocate (physical address)
 *
 * @end is used as given (MEMBLOCK_ALLOC_ANYWHERE is not clamped to the
 * current limit); the memory is not zeroed.
 *
 * Return: physical address of the allocated memory block on success,
 * 0 on failure.
 */
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end)
{
	MB_REC(PHYS_ALLOC_RANGE, .size = size, .align = align, .min_addr = start,
	       .max_addr = end);

	return phys_alloc_public(&rec, start, end);
}

/**
 * memblock_phys_alloc - allocate a memory block below the current limit
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 *
 * Same as memblock_phys_alloc_range(@size, @align, 0,
 * MEMBLOCK_ALLOC_ACCESSIBLE); its debug line is memblock_phys_alloc_range's.
 *
 * Return: physical address of the allocated memory block, 0 on failure.
 */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	MB_REC(PHYS_ALLOC, .size = size, .align = align);

	return phys_alloc_public(&rec, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
}

/**
 * memblock_phys_alloc_try_nid - allocate a memory block from specified NUMA node
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * Falls back to any node when @nid has no room.  Prints no debug line of
 * its own (as in Linux).
 *
 * Return: physical address of the allocated memory block, 0 on failure.
 */
phys_addr_t memblock_phys_alloc_try_nid(phys_addr_t size, phys_addr_t align, int nid)
{
	MB_RECN(PHYS_ALLOC_TRY_NID, nid, .size = size, .align = align);
	phys_addr_t found = alloc_range_nid(size, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, nid, false);

	rec.result = found;
	if (!found)
		rec.rflags |= MB_REC_FAILED;
	mb_record(&rec);
	return found;
}

/**
 * memblock_alloc_exact_nid_raw - allocate boot memory block on the exact node
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @min_addr: the lower bound of the memory region to allocate (phys address)
 * @max_addr: the upper bound of the memory region to allocate (phys address)
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * Never falls back to another node; the memory is not zeroed.  @max_addr
 * above the current limit is clamped to it; an unsatisfiable @min_addr is
 * dropped and the allocation retried from 0.
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				   phys_addr_t max_addr, int nid)
{
	MB_RECN(ALLOC_EXACT_NID_RAW, nid, .size = size, .align = align, .min_addr = min_addr,
	       .max_addr = max_addr);

	return alloc_public(&rec, "memblock_alloc_exact_nid_raw", true, false);
}

/**
 * memblock_alloc_try_nid_raw - allocate boot memory block without zeroing
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @min_addr: the lower bound of the memory region to allocate (phys address)
 * @max_addr: the upper bound of the memory region to allocate (phys address)
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * Like memblock_alloc_try_nid() but the memory is not zeroed.
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid)
{
	MB_RECN(ALLOC_TRY_NID_RAW, nid, .size = size, .align = align, .min_addr = min_addr,
	       .max_addr = max_addr);

	return alloc_public(&rec, "memblock_alloc_try_nid_raw", false, false);
}

/**
 * memblock_alloc_try_nid - allocate boot memory block
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @min_addr: the lower bound of the memory region to allocate (phys address)
 * @max_addr: the upper bound of the memory region to allocate (phys address)
 * @nid: nid of the free area to find, %NUMA_NO_NODE for any node
 *
 * Allocates and zeroes memory, preferring node @nid and falling back to
 * any node.  @max_addr above the current limit is clamped to it
 * (MEMBLOCK_ALLOC_ACCESSIBLE means the current limit); an unsatisfiable
 * @min_addr is dropped and the allocation retried from 0.
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
			     phys_addr_t max_addr, int nid)
{
	MB_RECN(ALLOC_TRY_NID, nid, .size = size, .align = align, .min_addr = min_addr,
	       .max_addr = max_addr);

	return alloc_public(&rec, "memblock_alloc_try_nid", false, true);
}

/**
 * memblock_alloc - allocate zeroed boot memory
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 *
 * memblock_alloc_try_nid(@size, @align, MEMBLOCK_LOW_LIMIT,
 * MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE), with that function's debug line.
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	MB_REC(ALLOC, .size = size, .align = align);

	return alloc_public(&rec, "memblock_alloc_try_nid", false, true);
}

/**
 * memblock_alloc_raw - allocate boot memory without zeroing it
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 *
 * memblock_alloc_try_nid_raw(@size, @align, MEMBLOCK_LOW_LIMIT,
 * MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE).
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align)
{
	MB_REC(ALLOC_RAW, .size = size, .align = align);

	return alloc_public(&rec, "memblock_alloc_try_nid_raw", false, false);
}

/**
 * memblock_alloc_from - allocate zeroed boot memory above a lower bound
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @min_addr: preferred lower bound (dropped if it cannot be satisfied)
 *
 * memblock_alloc_try_nid(@size, @align, @min_addr,
 * MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE).
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc_from(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr)
{
	MB_REC(ALLOC_FROM, .size = size, .align = align, .min_addr = min_addr);

	return alloc_public(&rec, "memblock_alloc_try_nid", false, true);
}

/**
 * memblock_alloc_low - allocate zeroed boot memory below 4 GiB
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 *
 * memblock_alloc_try_nid(@size, @align, MEMBLOCK_LOW_LIMIT,
 * ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE).  The log record keeps min/max 0.
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc_low(phys_addr_t size, phys_addr_t align)
{
	MB_REC(ALLOC_LOW, .size = size, .align = align);
	phys_addr_t phys;
	void *ptr;

	dbg_alloc("memblock_alloc_try_nid", size, align, NUMA_NO_NODE, MEMBLOCK_LOW_LIMIT,
		  ARCH_LOW_ADDRESS_LIMIT, rec.caller);
	ptr = alloc_internal(size, align, MEMBLOCK_LOW_LIMIT, ARCH_LOW_ADDRESS_LIMIT,
			     NUMA_NO_NODE, false, true, &phys);
	rec.result = phys;
	if (!phys)
		rec.rflags |= MB_REC_FAILED;
	mb_record(&rec);
	return ptr;
}

/**
 * memblock_alloc_node - allocate zeroed boot memory on a node
 * @size: size of memory block to be allocated in bytes
 * @align: alignment of the region and block's size
 * @nid: preferred node (falls back to any node)
 *
 * memblock_alloc_try_nid(@size, @align, MEMBLOCK_LOW_LIMIT,
 * MEMBLOCK_ALLOC_ACCESSIBLE, @nid).
 *
 * Return: virtual address of the allocated memory block, NULL on failure.
 */
void *memblock_alloc_node(phys_addr_t size, phys_addr_t align, int nid)
{
	MB_RECN(ALLOC_NODE, nid, .size = size, .align = align);

	return alloc_public(&rec, "memblock_alloc_try_nid", false, true);
}

/* ------------------------------------------------------------------ */
/* Public API: limits and direction                                    */
/* ------------------------------------------------------------------ */

/**
 * memblock_set_current_limit - set the upper bound of accessible allocations
 * @limit: the new limit (MEMBLOCK_ALLOC_ANYWHERE: none)
 */
void memblock_set_current_limit(phys_addr_t limit)
{
	MB_REC(SET_CURRENT_LIMIT, .max_addr = limit);

	memblock.current_limit = limit;
	mb_record(&rec);
}

/**
 * memblock_get_current_limit - the upper bound of accessible allocations
 *
 * Return: memblock.current_limit.
 */
phys_addr_t memblock_get_current_limit(void)
{
	return memblock.current_limit;
}

/**
 * memblock_set_bottom_up - set the allocation direction
 * @enable: true for bottom-up, false for top-down (the default)
 */
void memblock_set_bottom_up(bool enable)
{
	MB_REC(SET_BOTTOM_UP, .max_addr = enable);

	memblock.bottom_up = enable;
	mb_record(&rec);
}

/**
 * memblock_bottom_up - the allocation direction
 *
 * Return: true when allocations are made bottom-up.
 */
bool memblock_bottom_up(void)
{
	return memblock.bottom_up;
}

/* ------------------------------------------------------------------ */
/* Public API: queries                                                 */
/* ------------------------------------------------------------------ */

/**
 * memblock_phys_mem_size - total size of memory
 *
 * Return: memblock.memory.total_size.
 */
phys_addr_t memblock_phys_mem_size(void)
{
	return memblock.memory.total_size;
}

/**
 * memblock_reserved_size - total size of reservations
 *
 * Return: memblock.reserved.total_size.
 */
phys_addr_t memblock_reserved_size(void)
{
	return memblock.reserved.total_size;
}

/**
 * memblock_estimated_nr_free_pages - pages of memory not reserved
 *
 * Return: PHYS_PFN(memory size - reserved size).
 */
unsigned long memblock_estimated_nr_free_pages(void)
{
	return PHYS_PFN(memblock_phys_mem_size() - memblock_reserved_size());
}

/**
 * memblock_validate_numa_coverage - check that enough memory has a node
 * @threshold_bytes: how much memory without a valid node is tolerated
 *
 * Adds up the whole pages of memory regions whose nid is not a valid node;
 * above @threshold_bytes prints "NUMA: no nodes coverage for %luMB of %luMB
 * RAM" (always, like Linux's pr_err).  Not recorded in the log.
 *
 * Return: true if the memory without a node is at most @threshold_bytes.
 */
bool memblock_validate_numa_coverage(unsigned long threshold_bytes)
{
	unsigned long nr_pages = 0, start_pfn, end_pfn;
	int i, nid;

	for_each_mem_pfn_range(i, MAX_NUMNODES, &start_pfn, &end_pfn, &nid) {
		if (!numa_valid_node(nid))
			nr_pages += end_pfn - start_pfn;
	}
	if ((nr_pages << PAGE_SHIFT) > threshold_bytes) {
		mb_print("NUMA: no nodes coverage for %luMB of %luMB RAM\n",
			 (nr_pages << PAGE_SHIFT) >> 20,
			 (unsigned long)(memblock_phys_mem_size() >> 20));
		return false;
	}
	return true;
}

/**
 * memblock_start_of_DRAM - lowest memory address
 *
 * Return: base of the first memory region (0 when there is none).
 */
phys_addr_t memblock_start_of_DRAM(void)
{
	return memblock.memory.regions[0].base;
}

/**
 * memblock_end_of_DRAM - end of the highest memory region
 *
 * Return: end (exclusive) of the last memory region; 0 when memory is
 * empty (Linux 6.12 would read regions[-1] there).
 */
phys_addr_t memblock_end_of_DRAM(void)
{
	unsigned long cnt = memblock.memory.cnt;

	if (!cnt)
		return 0;
	return rgn_end(&memblock.memory.regions[cnt - 1]);
}

/**
 * memblock_is_memory - is an address inside memory?
 * @addr: physical address
 *
 * Return: true if a memory region contains @addr.
 */
bool memblock_is_memory(phys_addr_t addr)
{
	return memblock_search(&memblock.memory, addr) != -1;
}

/**
 * memblock_is_map_memory - is an address inside mapped memory?
 * @addr: physical address
 *
 * Return: true if a memory region without MEMBLOCK_NOMAP contains @addr.
 */
bool memblock_is_map_memory(phys_addr_t addr)
{
	long i = memblock_search(&memblock.memory, addr);

	if (i == -1)
		return false;
	return !memblock_is_nomap(&memblock.memory.regions[i]);
}

/**
 * memblock_is_region_memory - check if a region is a subset of memory
 * @base: base of region to check
 * @size: size of region to check
 *
 * Return: true if one memory region contains all of [@base, @base + @size)
 * (size capped at the top of the address space).
 */
bool memblock_is_region_memory(phys_addr_t base, phys_addr_t size)
{
	long idx = memblock_search(&memblock.memory, base);
	phys_addr_t end = base + memblock_cap_size(base, &size);

	if (idx == -1)
		return false;
	return rgn_end(&memblock.memory.regions[idx]) >= end;
}

/**
 * memblock_is_region_reserved - check if a region intersects reserved memory
 * @base: base of region to check
 * @size: size of region to check
 *
 * Return: true if any reserved region overlaps [@base, @base + @size).
 */
bool memblock_is_region_reserved(phys_addr_t base, phys_addr_t size)
{
	return memblock_overlaps_region(&memblock.reserved, base, size);
}

/**
 * memblock_is_reserved - is an address reserved?
 * @addr: physical address
 *
 * Return: true if a reserved region contains @addr.
 */
bool memblock_is_reserved(phys_addr_t addr)
{
	return memblock_search(&memblock.reserved, addr) != -1;
}

/**
 * memblock_search_pfn_nid - find the memory region holding a page
 * @pfn: page frame number
 * @start_pfn: out: PFN_DOWN of the region base
 * @end_pfn: out: PFN_DOWN of the region end
 *
 * Return: the region's nid, or NUMA_NO_NODE when @pfn is not memory.
 */
int memblock_search_pfn_nid(unsigned long pfn, unsigned long *start_pfn, unsigned long *end_pfn)
{
	struct memblock_type *type = &memblock.memory;
	long mid = memblock_search(type, PFN_PHYS(pfn));

	if (mid == -1)
		return NUMA_NO_NODE;
	*start_pfn = PFN_DOWN(type->regions[mid].base);
	*end_pfn = PFN_DOWN(rgn_end(&type->regions[mid]));
	return memblock_get_region_node(&type->regions[mid]);
}

/**
 * memblock_addrs_overlap - do two ranges overlap?
 * @base1: base of the first range
 * @size1: size of the first range
 * @base2: base of the second range
 * @size2: size of the second range
 *
 * Return: true if [@base1, @base1 + @size1) and [@base2, @base2 + @size2)
 * share a byte.
 */
bool memblock_addrs_overlap(phys_addr_t base1, phys_addr_t size1, phys_addr_t base2,
			    phys_addr_t size2)
{
	return base1 < (base2 + size2) && base2 < (base1 + size1);
}

/**
 * memblock_overlaps_region - does a range overlap regions of a type?
 * @type: memblock type to check
 * @base: base of the range
 * @size: size of the range (capped at the top of the address space)
 *
 * Return: true if any region of @type overlaps [@base, @base + @size).
 */
bool memblock_overlaps_region(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	unsigned long i;

	memblock_cap_size(base, &size);
	i = first_end_above(type, base);
	return i < type->cnt && memblock_addrs_overlap(base, size, type->regions[i].base,
						       type->regions[i].size);
}

/* ------------------------------------------------------------------ */
/* Public API: memory limits                                           */
/* ------------------------------------------------------------------ */

static phys_addr_t find_max_addr(phys_addr_t limit)
{
	phys_addr_t max_addr = PHYS_ADDR_MAX;
	unsigned long i;

	for (i = 0; i < memblock.memory.cnt; i++) {
		struct memblock_region *r = &memblock.memory.regions[i];

		if (limit <= r->size) {
			max_addr = r->base + limit;
			break;
		}
		limit -= r->size;
	}
	return max_addr;
}

static void cap_memory_range(phys_addr_t base, phys_addr_t size)
{
	unsigned long start_rgn, end_rgn;
	long i;

	if (!size)
		return;
	if (!memblock_memory->total_size) {
		mb_print("memblock_cap_memory_range: No memory registered yet\n");
		return;
	}
	if (memblock_isolate_range(&memblock.memory, base, size, &start_rgn, &end_rgn))
		return;

	/* remove all the MAP regions */
	for (i = (long)memblock.memory.cnt - 1; i >= (long)end_rgn; i--)
		if (!memblock_is_nomap(&memblock.memory.regions[i]))
			memblock_remove_region(&memblock.memory, i);
	for (i = (long)start_rgn - 1; i >= 0; i--)
		if (!memblock_is_nomap(&memblock.memory.regions[i]))
			memblock_remove_region(&memblock.memory, i);

	/* truncate the reserved regions */
	remove_range(&memblock.reserved, 0, base);
	remove_range(&memblock.reserved, base + size, PHYS_ADDR_MAX);
}

/**
 * memblock_cap_memory_range - keep only one window of memory
 * @base: base of the window
 * @size: size of the window (0: do nothing)
 *
 * Removes all memory outside [@base, @base + @size) except NOMAP regions
 * (which may be left split at the window edges, as in Linux), and truncates
 * the reserved regions to the window.
 */
void memblock_cap_memory_range(phys_addr_t base, phys_addr_t size)
{
	MB_REC(CAP_MEMORY_RANGE, .base = base, .size = size);

	cap_memory_range(base, size);
	mb_record(&rec);
}

/**
 * memblock_mem_limit_remove_map - keep the first @limit bytes of memory
 * @limit: bytes of memory to keep (0: do nothing)
 *
 * Like memblock_enforce_memory_limit() but through
 * memblock_cap_memory_range(), so NOMAP memory above the limit stays.
 */
void memblock_mem_limit_remove_map(phys_addr_t limit)
{
	MB_REC(MEM_LIMIT_REMOVE_MAP, .max_addr = limit);
	phys_addr_t max_addr;

	if (limit) {
		max_addr = find_max_addr(limit);
		if (max_addr != PHYS_ADDR_MAX)
			cap_memory_range(0, max_addr);
	}
	mb_record(&rec);
}

/**
 * memblock_enforce_memory_limit - the mem= option
 * @limit: bytes of memory to keep (0: do nothing)
 *
 * Finds the address below which memory adds up to @limit and removes
 * everything above it from both memory and reserved.  Nothing happens when
 * @limit is at least the total memory.
 */
void memblock_enforce_memory_limit(phys_addr_t limit)
{
	MB_REC(ENFORCE_MEMORY_LIMIT, .max_addr = limit);
	phys_addr_t max_addr;

	if (limit) {
		max_addr = find_max_addr(limit);
		if (max_addr != PHYS_ADDR_MAX) {
			remove_range(&memblock.memory, max_addr, PHYS_ADDR_MAX);
			remove_range(&memblock.reserved, max_addr, PHYS_ADDR_MAX);
		}
	}
	mb_record(&rec);
}

/**
 * memblock_trim_memory - trim memory regions to an alignment
 * @align: the alignment (a power of 2)
 *
 * Rounds each memory region's base up and end down to @align, removing
 * regions that vanish.  As in Linux, memory.total_size is not reduced for
 * regions shrunk in place (only for regions removed).
 */
void memblock_trim_memory(phys_addr_t align)
{
	MB_REC(TRIM_MEMORY, .max_addr = align);
	unsigned long i;

	for (i = 0; i < memblock.memory.cnt; i++) {
		struct memblock_region *r = &memblock.memory.regions[i];
		phys_addr_t orig_start = r->base;
		phys_addr_t orig_end = r->base + r->size;
		phys_addr_t start = mb_round_up(orig_start, align);
		phys_addr_t end = mb_round_down(orig_end, align);

		if (start == orig_start && end == orig_end)
			continue;
		if (start < end) {
			r->base = start;
			r->size = end - start;
		} else {
			memblock_remove_region(&memblock.memory, i);
			i--;
		}
	}
	mb_record(&rec);
}

/* ------------------------------------------------------------------ */
/* Public API: end of early boot                                       */
/* ------------------------------------------------------------------ */

/**
 * memblock_free_all - release free pages to the page allocator
 *
 * Clears MEMBLOCK_HOTPLUG on all memory, copies each memory region's nid
 * onto the reserved regions it overlaps (Linux 6.12
 * memmap_init_reserved_pages), then hands every whole page of memory minus
 * reserved (NOMAP and driver-managed memory excluded) to the free-pages
 * hook, one call per free range.
 *
 * Return: the number of pages handed over.
 */
unsigned long memblock_free_all(void)
{
	MB_REC(FREE_ALL);
	phys_addr_t start, end;
	unsigned long count = 0, max_reserved, i;
	uint64_t it;

	memblock_setclr_flag(&memblock.memory, 0, PHYS_ADDR_MAX, 0, MEMBLOCK_HOTPLUG);

repeat:
	max_reserved = memblock.reserved.max;
	for (i = 0; i < memblock.memory.cnt; i++) {
		struct memblock_region *r = &memblock.memory.regions[i];

		set_node(r->base, r->size, &memblock.reserved, memblock_get_region_node(r));
	}
	if (max_reserved != memblock.reserved.max)
		goto repeat;

	for_each_free_mem_range(it, NUMA_NO_NODE, MEMBLOCK_NONE, &start, &end, NULL) {
		unsigned long spfn = PFN_UP(start), epfn = PFN_DOWN(end);

		if (spfn >= epfn)
			continue;
		if (free_pages_hook)
			free_pages_hook(PFN_PHYS(spfn), PFN_PHYS(epfn - spfn), free_pages_ctx);
		count += epfn - spfn;
	}
	rec.result = count;
	mb_record(&rec);
	return count;
}

static void memblock_dump(struct memblock_type *type)
{
	unsigned long i;

	mb_print(" %s.cnt  = 0x%lx\n", type->name, type->cnt);
	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *rgn = &type->regions[i];
		phys_addr_t base = rgn->base, size = rgn->size, end = base + size - 1;
		int nid = memblock_get_region_node(rgn);
		char nid_buf[32] = "";

		if (numa_valid_node(nid))
			mb_snprintf(nid_buf, sizeof(nid_buf), " on node %d", nid);
		mb_print(" %s[0x%lx]\t[" PA "-" PA "], " PA " bytes%s flags: 0x%x\n", type->name,
			 i, PAV(base), PAV(end), PAV(size), nid_buf, rgn->flags);
	}
}

/**
 * __memblock_dump_all - print both arrays in Linux's format
 *
 * Prints "MEMBLOCK configuration:", the sizes and every region of memory
 * and reserved through the print hook, whatever memblock_debug says.
 */
void __memblock_dump_all(void)
{
	mb_print("MEMBLOCK configuration:\n");
	mb_print(" memory size = " PA " reserved size = " PA "\n",
		 PAV(memblock.memory.total_size), PAV(memblock.reserved.total_size));
	memblock_dump(&memblock.memory);
	memblock_dump(&memblock.reserved);
}

/**
 * memblock_dump_all - print both arrays when memblock=debug is on
 *
 * Does nothing unless memblock_debug is non-zero.
 */
void memblock_dump_all(void)
{
	if (memblock_debug)
		__memblock_dump_all();
}
