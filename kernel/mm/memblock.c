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
#define EINVAL			22
#define INIT_PHYSMEM_REGIONS	4
#define MB_LINE_MAX		384	/* longest line: ~160 chars + a 128-byte symbol */

/* Address of a point inside the current function (for "%pS" of nested calls). */
#define MB_HERE() ({ __label__ __mb_here; __mb_here: (uint64_t)(uintptr_t)&&__mb_here; })

static struct memblock_region memblock_memory_init_regions[INIT_MEMBLOCK_MEMORY_REGIONS];
static struct memblock_region memblock_reserved_init_regions[INIT_MEMBLOCK_RESERVED_REGIONS];
static struct memblock_region memblock_physmem_init_regions[INIT_PHYSMEM_REGIONS];

/*
 * The allocator state.  Both types start on their static arrays; the names
 * are what the dumps print.
 */
struct memblock memblock = {
	.bottom_up = false,
	.current_limit = MEMBLOCK_ALLOC_ANYWHERE,
	.memory = {
		.name = "memory",
		.max = INIT_MEMBLOCK_MEMORY_REGIONS,
		.regions = memblock_memory_init_regions,
	},
	.reserved = {
		.name = "reserved",
		.max = INIT_MEMBLOCK_RESERVED_REGIONS,
		.regions = memblock_reserved_init_regions,
	},
};

/* Every physical range ever added, mem= or not (Linux: HAVE_MEMBLOCK_PHYS_MAP). */
struct memblock_type physmem = {
	.name = "physmem",
	.max = INIT_PHYSMEM_REGIONS,
	.regions = memblock_physmem_init_regions,
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
/*
 * Bumped whenever memblock itself changes a region array; keys the cache of
 * a failed array doubling (see dbl_no_room).
 */
static uint64_t mb_gen;

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

/*
 * Records start as a copy of this blank one and get their fields one by
 * one: GCC clears a 96-byte struct given by a designated initialiser with
 * "rep stos", whose start-up costs as much as the rest of a small call,
 * while a copy is a few vector moves.
 */
static const struct mb_evlog_record rec_blank;

/* "rec .field = value;" for each of up to four ".field = value" arguments. */
#define MB_SET0()
#define MB_SET1(a) rec a;
#define MB_SET2(a, b) rec a; rec b;
#define MB_SET3(a, b, c) rec a; rec b; rec c;
#define MB_SET4(a, b, c, d) rec a; rec b; rec c; rec d;
#define MB_NTH5(_0, _1, _2, _3, _4, which, ...) which
#define MB_SET(...) \
	MB_NTH5(_0, ##__VA_ARGS__, MB_SET4, MB_SET3, MB_SET2, MB_SET1, MB_SET0)(__VA_ARGS__)

#define MB_RECN(opname, nidv, ...)					\
	struct mb_evlog_record rec = rec_blank;				\
	rec.op = MB_OP_##opname;					\
	rec.nid = (nidv);						\
	rec.caller = MB_CALLER();					\
	MB_SET(__VA_ARGS__)						\
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

	if (!n || rgn_end(&r[n - 1]) <= addr)
		return n;	/* past the last region: every append */
	while (n > 64) {
		unsigned long half = n / 2, next = (n - half) / 2 - 1;

		/*
		 * Large arrays miss the cache: fetch both possible next probes
		 * now, so that their loads overlap this one.
		 */
		__builtin_prefetch(&r[base + next]);
		__builtin_prefetch(&r[base + half + next]);
		base = rgn_end(&r[base + half - 1]) <= addr ? base + half : base;
		n -= half;
	}
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

/*
 * Is @i what first_end_above(@type, @addr) would return?  Two neighbours
 * are looked at, no search.
 */
static inline bool is_first_end_above(const struct memblock_type *type, unsigned long i,
				      phys_addr_t addr)
{
	const struct memblock_region *r = type->regions;

	return i <= type->cnt && (!i || rgn_end(&r[i - 1]) <= addr) &&
	       (i == type->cnt || rgn_end(&r[i]) > addr);
}

/* No position guess for first_end_near(). */
#define NO_GUESS	ULONG_MAX

/*
 * first_end_above() for a caller that has a guess: the answer is taken
 * from @guess or a neighbour of it when it checks out (an allocation knows
 * the hole it found, so reserving it needs no search), else searched.
 */
static unsigned long first_end_near(const struct memblock_type *type, phys_addr_t addr,
				    unsigned long guess)
{
	if (guess != NO_GUESS) {
		if (is_first_end_above(type, guess, addr))
			return guess;
		if (guess && is_first_end_above(type, guess - 1, addr))
			return guess - 1;
		if (is_first_end_above(type, guess + 1, addr))
			return guess + 1;
	}
	return first_end_above(type, addr);
}

/* Index of the region containing @addr, or -1. */
static long memblock_search(const struct memblock_type *type, phys_addr_t addr)
{
	unsigned long i = first_end_above(type, addr);

	if (i < type->cnt && type->regions[i].base <= addr)
		return (long)i;
	return -1;
}

/*
 * One past the last region, from @from on, that starts below @end.  A short
 * forward walk: callers start at the first region reaching past their base,
 * and visit every region it passes anyway.
 */
static unsigned long end_of_overlap(const struct memblock_type *type, unsigned long from,
				    phys_addr_t end)
{
	while (from < type->cnt && type->regions[from].base < end)
		from++;
	return from;
}

/* ------------------------------------------------------------------ */
/* Core array manipulation                                             */
/* ------------------------------------------------------------------ */

/* Clip *size so that base + *size does not pass the top of the address space. */
static phys_addr_t memblock_cap_size(phys_addr_t base, phys_addr_t *size)
{
	if (*size > PHYS_ADDR_MAX - base)
		*size = PHYS_ADDR_MAX - base;
	return *size;
}

/*
 * Move @n regions from @from down to @to (lower addresses, overlapping).
 * Tails of 2 KiB to 512 KiB go in pieces of at most 2 KiB, lowest first:
 * glibc's memmove copies an overlapping block of that size forwards with
 * "rep movsb", which the project's machine (AMD EPYC, glibc 2.36) runs
 * 15-25% slower than the vector loop used for smaller and larger blocks
 * and for moves upwards; every removal from the middle makes such a move.
 */
static void move_down(struct memblock_region *to, const struct memblock_region *from,
		      unsigned long n)
{
	const unsigned long piece = 2048 / sizeof(*to);

	if (n > piece && n * sizeof(*to) <= 512 * 1024) {
		for (; n > piece; n -= piece, to += piece, from += piece)
			memmove(to, from, piece * sizeof(*to));
	}
	memmove(to, from, n * sizeof(*to));
}

/* An emptied type keeps one zeroed slot whose nid says "no node", as Linux's does. */
static void blank_if_empty(struct memblock_type *type)
{
	static const struct memblock_region blank = { .nid = MAX_NUMNODES };

	if (!type->cnt)
		type->regions[0] = blank;
}

static bool mergeable(const struct memblock_region *a, const struct memblock_region *b)
{
	return rgn_end(a) == b->base && a->nid == b->nid && a->flags == b->flags;
}

/*
 * Coalesce touching, compatible neighbours among slots [lo - 1, hi] (clamped
 * to the array): a compaction pass over that window, then one move of the
 * tail behind it.  Regions outside the window are left alone even if they
 * could merge, which is what callers that split without merging rely on.
 */
static void memblock_merge_regions(struct memblock_type *type, unsigned long lo,
				   unsigned long hi)
{
	struct memblock_region *r = type->regions;
	unsigned long keep, scan;

	if (!type->cnt)
		return;
	keep = lo ? lo - 1 : 0;
	hi = mb_min(hi, type->cnt - 1);
	for (scan = keep + 1; scan <= hi; scan++) {
		if (mergeable(&r[keep], &r[scan])) {
			r[keep].size += r[scan].size;
			continue;
		}
		if (rgn_end(&r[keep]) > r[scan].base)
			mb_shim_panic("memblock: BUG: overlapping regions\n");
		if (++keep != scan)
			r[keep] = r[scan];
	}
	if (keep + 1 < scan) {
		move_down(&r[keep + 1], &r[scan], type->cnt - scan);
		type->cnt -= scan - (keep + 1);
	}
}

static phys_addr_t find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				 phys_addr_t align, bool known_full);
static enum memblock_flags choose_memblock_flags(void);
static void warn_mirror(phys_addr_t size);
static phys_addr_t find_in_range_node(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end, int nid, enum memblock_flags flags);
static int add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
		     int nid, enum memblock_flags flags, uint64_t dbg_caller, unsigned long guess);
static int remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size);

/* Physical address of each type's current array (0 for the static ones). */
static phys_addr_t array_phys(const struct memblock_type *type)
{
	if (is_init_array(type->regions))
		return 0;
	return mb_shim_virt_to_phys(type->regions);
}

/*
 * A doubling that found no room anywhere below the current limit, and the
 * state it was tried in.  While nothing has changed, a later doubling of the
 * same size cannot find room either: it then skips the search (which walks
 * every free range, and would run again on every call that needs the array
 * to grow) but prints, records and returns exactly what the search would.
 * The counts, totals and array addresses are part of the key as a guard
 * against code that writes the arrays without going through memblock.
 */
static struct {
	bool valid;
	uint64_t gen;
	phys_addr_t size, limit, mem_total, rsv_total;
	unsigned long mem_cnt, rsv_cnt;
	const void *mem_arr, *rsv_arr;
	bool bottom_up, movable, mirror;
} dbl_no_room;

static bool dbl_key_matches(phys_addr_t size)
{
	return dbl_no_room.valid && dbl_no_room.gen == mb_gen && dbl_no_room.size == size &&
	       dbl_no_room.limit == memblock.current_limit &&
	       dbl_no_room.mem_total == memblock.memory.total_size &&
	       dbl_no_room.rsv_total == memblock.reserved.total_size &&
	       dbl_no_room.mem_cnt == memblock.memory.cnt &&
	       dbl_no_room.rsv_cnt == memblock.reserved.cnt &&
	       dbl_no_room.mem_arr == memblock.memory.regions &&
	       dbl_no_room.rsv_arr == memblock.reserved.regions &&
	       dbl_no_room.bottom_up == memblock.bottom_up &&
	       dbl_no_room.movable == movable_node_enabled &&
	       dbl_no_room.mirror == system_has_some_mirror;
}

/*
 * After a failed search: if no free range below the limit holds @size at
 * page alignment (the widest window and the weakest flags, so it covers both
 * of memblock_double_array()'s windows), remember that.
 */
static void dbl_note_no_room(phys_addr_t size)
{
	if (find_in_range_node(size, PAGE_SIZE, 0, memblock.current_limit, NUMA_NO_NODE,
			       MEMBLOCK_NONE))
		return;
	dbl_no_room.valid = true;
	dbl_no_room.gen = mb_gen;
	dbl_no_room.size = size;
	dbl_no_room.limit = memblock.current_limit;
	dbl_no_room.mem_total = memblock.memory.total_size;
	dbl_no_room.rsv_total = memblock.reserved.total_size;
	dbl_no_room.mem_cnt = memblock.memory.cnt;
	dbl_no_room.rsv_cnt = memblock.reserved.cnt;
	dbl_no_room.mem_arr = memblock.memory.regions;
	dbl_no_room.rsv_arr = memblock.reserved.regions;
	dbl_no_room.bottom_up = memblock.bottom_up;
	dbl_no_room.movable = movable_node_enabled;
	dbl_no_room.mirror = system_has_some_mirror;
}

/*
 * Give @type twice the slots.  The new array is found like an allocation
 * (page aligned, below the current limit), first above and then below the
 * range [avoid_base, avoid_base + avoid_size) that the caller is about to
 * add, so that reserving the array cannot overlap it; only a doubling of
 * memblock.reserved needs that.  The old array is copied, released (and
 * unreserved unless it was a static one), and the new one is reserved.
 * Returns 0, or -1 when there is no room.
 */
static __attribute__((noinline)) int memblock_double_array(struct memblock_type *type,
							   phys_addr_t avoid_base,
							   phys_addr_t avoid_size)
{
	const unsigned long slots = type->max;
	const phys_addr_t used = slots * sizeof(struct memblock_region);
	const phys_addr_t old_bytes = page_align(used), new_bytes = page_align(2 * used);
	const phys_addr_t old_phys = array_phys(type);
	struct memblock_region *fresh, *stale = type->regions;
	struct mb_evlog_record rec = {
		.op = MB_OP_DOUBLE_ARRAY, .rflags = MB_REC_INTERNAL,
		.nid = NUMA_NO_NODE, .caller = mb_outer_caller,
		.mflags = type_id(type),
		.align = old_bytes, .min_addr = old_phys, .size = new_bytes,
	};
	bool hopeless;
	phys_addr_t at;

	if (!memblock_can_resize) {
		char msg[96];

		mb_snprintf(msg, sizeof(msg), "memblock: cannot resize %s array\n", type->name);
		mb_shim_panic(msg);
	}
	rec.depth = ++mb_depth;

	if (type != &memblock.reserved)
		avoid_base = avoid_size = 0;
	hopeless = dbl_key_matches(new_bytes);
	at = find_in_range(avoid_base + avoid_size, memblock.current_limit, new_bytes,
			   PAGE_SIZE, hopeless);
	if (!at && avoid_size)
		at = find_in_range(0, mb_min(avoid_base, memblock.current_limit), new_bytes,
				   PAGE_SIZE, hopeless);
	fresh = at ? mb_shim_phys_to_virt(at, new_bytes, true) : NULL;
	if (!fresh) {
		if (!at && !hopeless)
			dbl_note_no_room(new_bytes);
		mb_print("memblock: Failed to double %s array from %ld to %ld entries !\n",
			 type->name, (long)slots, (long)(slots * 2));
		rec.max_addr = slots;
		mb_record_ret(&rec, -ENOMEM);
		mb_depth--;
		return -1;
	}

	memblock_dbg("memblock: %s is doubled to %ld at [" PA "-" PA "]\n", type->name,
		     (long)(slots * 2), PAV(at), PAV(at + 2 * used - 1));

	/* Old entries first, the new upper half zeroed; then switch over. */
	memcpy(fresh, stale, used);
	memset(&fresh[slots], 0, used);
	type->regions = fresh;
	type->max = 2 * slots;
	mb_gen++;

	if (!is_init_array(stale)) {
		/* Linux frees a previous dynamic array through memblock_free(). */
		if (memblock_debug) {
			char sym[128];

			mb_print("memblock_phys_free: [" PA "-" PA "] %s\n", PAV(old_phys),
				 PAV(old_phys + old_bytes - 1),
				 mb_sym((uint64_t)(uintptr_t)memblock_free, sym, sizeof(sym)));
		}
		remove_range(&memblock.reserved, old_phys, old_bytes);
		mb_shim_array_release(stale, old_bytes);
	}

	/* The array lives in memblock-managed memory: keep it reserved. */
	if (add_range(&memblock.reserved, at, new_bytes, MAX_NUMNODES, 0, MB_HERE(),
		      NO_GUESS))
		mb_shim_panic("memblock: BUG: cannot reserve the doubled array\n");

	rec.base = at;
	rec.max_addr = type->max;
	mb_record_ret(&rec, 0);
	mb_depth--;
	return 0;
}

/* Grow @type until @extra more slots fit; [base, base + size) is being added. */
static int make_room(struct memblock_type *type, unsigned long extra, phys_addr_t base,
		     phys_addr_t size)
{
	while (type->cnt + extra > type->max)
		if (memblock_double_array(type, base, size) < 0)
			return -ENOMEM;
	return 0;
}

/*
 * Fill the gaps that [base, end) leaves among regions [first, last) with new
 * regions of @nid/@flags, @nr_new of them (at least two).  The tail behind the
 * window moves once; the window is then rebuilt from its top end down, old
 * regions and new pieces interleaved, and the slots from the lowest to the
 * highest new piece (plus one neighbour each side) are merged.
 */
static void fill_gaps(struct memblock_type *type, unsigned long first, unsigned long last,
		      unsigned long nr_new, phys_addr_t base, phys_addr_t end, int nid,
		      enum memblock_flags flags)
{
	struct memblock_region *r = type->regions;
	unsigned long out = last + nr_new, top_piece = 0, low_piece = 0, k = last;
	phys_addr_t ceiling = end;

	memmove(&r[last + nr_new], &r[last], (type->cnt - last) * sizeof(*r));
	for (;;) {
		phys_addr_t floor = k > first ? rgn_end(&r[k - 1]) : base;

		if (floor < ceiling) {
			out--;
			r[out] = (struct memblock_region){ .base = floor, .size = ceiling - floor,
							   .flags = flags, .nid = nid };
			type->total_size += ceiling - floor;
			if (!top_piece)
				top_piece = out;
			low_piece = out;
		}
		if (k == first)
			break;
		k--;
		ceiling = r[k].base;
		r[--out] = r[k];
	}
	type->cnt += nr_new;
	memblock_merge_regions(type, low_piece, top_piece + 1);
}

/*
 * Add [base, base + size) to @type: only the parts not yet covered become
 * regions (with @nid/@flags), merged with compatible neighbours.  A non-zero
 * @dbg_caller prints the "memblock_reserve:" debug line first (memblock's
 * own reservations, which Linux makes through memblock_reserve()).  @guess
 * is where the caller thinks the range goes (first_end_near()), or NO_GUESS.
 */
static int add_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
		     int nid, enum memblock_flags flags, uint64_t dbg_caller, unsigned long guess)
{
	struct memblock_region piece = { .flags = flags, .nid = nid };
	unsigned long first, last, slot = 0, nr_new;
	phys_addr_t end, at;

	if (dbg_caller && memblock_debug) {
		char sym[128];

		mb_print("memblock_reserve: [" PA "-" PA "] %s\n", PAV(base),
			 PAV(base + size - 1), mb_sym(dbg_caller, sym, sizeof(sym)));
	}

	end = base + memblock_cap_size(base, &size);
	if (!size)
		return 0;

	/* Nothing stored yet (slot 0 is blank): the range becomes region 0. */
	if (!type->regions[0].size) {
		piece.base = base;
		piece.size = size;
		type->regions[0] = piece;
		type->total_size = size;
		type->cnt = 1;
		mb_gen++;
		return 0;
	}

	for (;;) {
		/*
		 * Regions [first, last) overlap the range; count the gaps it
		 * leaves between them, keeping the position of the first one.
		 */
		first = first_end_near(type, base, guess);
		guess = NO_GUESS;	/* after a doubling, search */
		nr_new = 0;
		at = base;
		for (last = first; last < type->cnt && type->regions[last].base < end; last++) {
			if (type->regions[last].base > at && !nr_new++) {
				piece.base = at;
				piece.size = type->regions[last].base - at;
				slot = last;
			}
			at = rgn_end(&type->regions[last]);
		}
		if (at < end && !nr_new++) {
			piece.base = at;
			piece.size = end - at;
			slot = last;
		}
		if (!nr_new)
			return 0;
		if (type->cnt + nr_new <= type->max)
			break;
		if (make_room(type, nr_new, base, size))
			return -ENOMEM;
		/* a doubling may have unreserved an old array inside the range: recount */
	}
	mb_gen++;

	if (nr_new > 1) {
		fill_gaps(type, first, last, nr_new, base, end, nid, flags);
		return 0;
	}

	/* One gap (the usual case): join it to its neighbours, moving the tail at most once. */
	{
		struct memblock_region *r = type->regions;
		bool join_lo = slot > 0 && mergeable(&r[slot - 1], &piece);
		bool join_hi = slot < type->cnt && mergeable(&piece, &r[slot]);

		type->total_size += piece.size;
		if (join_lo && join_hi) {
			r[slot - 1].size += piece.size + r[slot].size;
			move_down(&r[slot], &r[slot + 1], type->cnt - slot - 1);
			type->cnt--;
		} else if (join_lo) {
			r[slot - 1].size += piece.size;
		} else if (join_hi) {
			r[slot].base = piece.base;
			r[slot].size += piece.size;
		} else {
			memmove(&r[slot + 1], &r[slot], (type->cnt - slot) * sizeof(*r));
			r[slot] = piece;
			type->cnt++;
		}
	}
	return 0;
}

/*
 * Make base and base + size region boundaries of @type, splitting the (at
 * most two) regions that straddle them, with one move of the tail.  On
 * return [*start_rgn, *end_rgn) are the regions inside the range (both 0 if
 * none).  Like Linux, room for two more regions is made first, split or not.
 */
static int memblock_isolate_range(struct memblock_type *type, phys_addr_t base,
				  phys_addr_t size, unsigned long *start_rgn,
				  unsigned long *end_rgn)
{
	struct memblock_region *r;
	unsigned long lo, hi, cut_lo, cut_hi, tail;
	phys_addr_t end;

	*start_rgn = *end_rgn = 0;
	if (!size)
		return 0;
	end = base + memblock_cap_size(base, &size);
	if (make_room(type, 2, base, size))
		return -ENOMEM;

	lo = first_end_above(type, base);
	hi = end_of_overlap(type, lo, end);
	if (lo >= hi)
		return 0;
	r = type->regions;
	cut_lo = r[lo].base < base;
	cut_hi = rgn_end(&r[hi - 1]) > end;
	if (cut_lo + cut_hi) {
		mb_gen++;
		memmove(&r[hi + cut_lo + cut_hi], &r[hi], (type->cnt - hi) * sizeof(*r));
		type->cnt += cut_lo + cut_hi;
	}
	if (cut_lo) {
		/* the straddler's lower part stays in slot lo, the rest moves up one */
		memmove(&r[lo + 1], &r[lo], (hi - lo) * sizeof(*r));
		r[lo].size = base - r[lo].base;
		r[lo + 1].base = base;
		r[lo + 1].size -= r[lo].size;
	}
	if (cut_hi) {
		tail = hi + cut_lo;
		r[tail] = r[tail - 1];
		r[tail].base = end;
		r[tail].size = rgn_end(&r[tail - 1]) - end;
		r[tail - 1].size = end - r[tail - 1].base;
	}
	*start_rgn = lo + cut_lo;
	*end_rgn = hi + cut_lo;
	return 0;
}

/*
 * Take [base, base + size) out of @type: the regions it overlaps are replaced
 * by at most two remainders (below base, above the end) with one tail move.
 * Room for two more regions is made first, as Linux's isolation does.
 */
static int remove_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size)
{
	struct memblock_region *r, below, above;
	unsigned long lo, hi, k;
	phys_addr_t end, gone = 0;
	bool keep_below, keep_above;

	if (!size)
		return 0;
	end = base + memblock_cap_size(base, &size);
	if (make_room(type, 2, base, size))
		return -ENOMEM;

	lo = first_end_above(type, base);
	hi = end_of_overlap(type, lo, end);
	if (lo >= hi)
		return 0;
	mb_gen++;
	r = type->regions;
	for (k = lo; k < hi; k++)
		gone += mb_min(rgn_end(&r[k]), end) - mb_max(r[k].base, base);

	/* what survives of the first and the last overlapped region */
	below = r[lo];
	above = r[hi - 1];
	keep_below = below.base < base;
	keep_above = rgn_end(&above) > end;
	below.size = base - below.base;
	above.size = rgn_end(&above) - end;
	above.base = end;

	k = (unsigned long)keep_below + keep_above;
	if (k < hi - lo)
		move_down(&r[lo + k], &r[hi], type->cnt - hi);
	else if (k > hi - lo)	/* a hole punched into one region */
		memmove(&r[lo + k], &r[hi], (type->cnt - hi) * sizeof(*r));
	type->cnt -= hi - lo - k;
	if (keep_below)
		r[lo++] = below;
	if (keep_above)
		r[lo] = above;
	type->total_size -= gone;
	blank_if_empty(type);
	return 0;
}

/* What retag_range() does to each region of the range. */
enum retag_op { RETAG_SET_FLAGS, RETAG_CLEAR_FLAGS, RETAG_NODE };

/*
 * Change the flags or the node of the @type regions in [base, base + size):
 * isolate the range, rewrite the regions inside it, then merge that window.
 */
static int retag_range(struct memblock_type *type, phys_addr_t base, phys_addr_t size,
		       enum retag_op op, int value)
{
	unsigned long lo, hi, k;
	int err = memblock_isolate_range(type, base, size, &lo, &hi);

	if (err)
		return err;
	mb_gen++;
	for (k = lo; k < hi; k++) {
		struct memblock_region *rgn = &type->regions[k];

		switch (op) {
		case RETAG_SET_FLAGS:
			rgn->flags |= value;
			break;
		case RETAG_CLEAR_FLAGS:
			rgn->flags &= ~value;
			break;
		case RETAG_NODE:
			memblock_set_region_node(rgn, value);
			break;
		}
	}
	memblock_merge_regions(type, lo, hi);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Iteration                                                           */
/* ------------------------------------------------------------------ */

/*
 * Should iteration over @type pass over region @m?  Only memblock.memory is
 * filtered: by node, by movable_node for hotpluggable memory, by mirroring
 * when MIRROR is asked for, and NOMAP / DRIVER_MANAGED memory unless asked.
 */
static bool should_skip_region(struct memblock_type *type, struct memblock_region *m,
			       int nid, int flags)
{
	const int have = m->flags;

	if (type != memblock_memory)
		return false;
	if (numa_valid_node(nid) && memblock_get_region_node(m) != nid)
		return true;
	if (movable_node_enabled && (have & MEMBLOCK_HOTPLUG) && !(flags & MEMBLOCK_HOTPLUG))
		return true;
	if ((flags & MEMBLOCK_MIRROR) && !(have & MEMBLOCK_MIRROR))
		return true;
	return ((have & ~flags) & (MEMBLOCK_NOMAP | MEMBLOCK_DRIVER_MANAGED)) != 0;
}

/*
 * Hole number @k of @t: below region k, or above the last region when k is
 * cnt.  Hole 0 starts at 0; the last hole runs to the top of the space.
 */
static inline phys_addr_t hole_lo(const struct memblock_type *t, unsigned long k)
{
	return k ? rgn_end(&t->regions[k - 1]) : 0;
}

static inline phys_addr_t hole_hi(const struct memblock_type *t, unsigned long k)
{
	return k < t->cnt ? t->regions[k].base : PHYS_ADDR_MAX;
}

/* Hand one range to an iterator's caller (each output pointer may be NULL). */
static inline void emit_range(phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid,
			      phys_addr_t lo, phys_addr_t hi, int nid)
{
	if (out_start)
		*out_start = lo;
	if (out_end)
		*out_end = hi;
	if (out_nid)
		*out_nid = nid;
}

/* Iterator state: region index of type_a in the low half, hole index of type_b above. */
static inline uint64_t iter_pack(long a, long b)
{
	return (uint64_t)(uint32_t)a | (uint64_t)(uint32_t)b << 32;
}

/**
 * __next_mem_range - advance an ascending walk of @type_a minus @type_b
 * @idx: walk position; 0 starts a walk, ULLONG_MAX comes back at its end
 * @nid: node wanted, or NUMA_NO_NODE
 * @flags: MEMBLOCK_* asked for; filters memblock.memory only
 * @type_a: regions walked
 * @type_b: regions cut out of them, or NULL for none
 * @out_start: receives the start of the next range (may be NULL)
 * @out_end: receives its end, exclusive (may be NULL)
 * @out_nid: receives the node of the @type_a region it lies in (may be NULL)
 *
 * Without @type_b each region of @type_a that passes the filters is one
 * range.  With @type_b the ranges are the overlaps of those regions with the
 * holes between @type_b's regions; the position then also remembers the hole.
 */
void __next_mem_range(uint64_t *idx, int nid, enum memblock_flags flags,
		      struct memblock_type *type_a, struct memblock_type *type_b,
		      phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	unsigned long a = (uint32_t)*idx, h = (uint32_t)(*idx >> 32);

	while (a < type_a->cnt) {
		struct memblock_region *m = &type_a->regions[a];
		const phys_addr_t lo = m->base, hi = rgn_end(m);

		if (should_skip_region(type_a, m, nid, flags)) {
			a++;
			continue;
		}
		if (!type_b) {
			emit_range(out_start, out_end, out_nid, lo, hi, m->nid);
			*idx = iter_pack(a + 1, h);
			return;
		}
		/* holes wholly below @m are passed; a hole above it ends @m's turn */
		while (h <= type_b->cnt && hole_lo(type_b, h) < hi) {
			phys_addr_t top = hole_hi(type_b, h);

			if (top > lo) {
				emit_range(out_start, out_end, out_nid, mb_max(lo, hole_lo(type_b, h)),
					   mb_min(hi, top), m->nid);
				/* the side that ends first moves on */
				*idx = hi <= top ? iter_pack(a + 1, h) : iter_pack(a, h + 1);
				return;
			}
			h++;
		}
		a++;
	}
	*idx = (uint64_t)ULLONG_MAX;
}

/**
 * __next_mem_range_rev - advance a descending walk of @type_a minus @type_b
 * @idx: walk position; ULLONG_MAX starts a walk and comes back at its end
 * @nid: node wanted, or NUMA_NO_NODE
 * @flags: MEMBLOCK_* asked for; filters memblock.memory only
 * @type_a: regions walked
 * @type_b: regions cut out of them, or NULL for none
 * @out_start: receives the start of the next range (may be NULL)
 * @out_end: receives its end, exclusive (may be NULL)
 * @out_nid: receives the node of the @type_a region it lies in (may be NULL)
 *
 * The same ranges as __next_mem_range(), highest first.  Both halves of the
 * position count down and may reach -1 (stored as 0xffffffff).
 */
void __next_mem_range_rev(uint64_t *idx, int nid, enum memblock_flags flags,
			  struct memblock_type *type_a, struct memblock_type *type_b,
			  phys_addr_t *out_start, phys_addr_t *out_end, int *out_nid)
{
	long a, h;

	if (*idx == (uint64_t)ULLONG_MAX) {
		a = (long)type_a->cnt - 1;
		h = type_b ? (long)type_b->cnt : 0;
	} else {
		a = (int32_t)(uint32_t)*idx;
		h = (int32_t)(uint32_t)(*idx >> 32);
	}

	while (a >= 0) {
		struct memblock_region *m = &type_a->regions[a];
		const phys_addr_t lo = m->base, hi = rgn_end(m);

		if (should_skip_region(type_a, m, nid, flags)) {
			a--;
			continue;
		}
		if (!type_b) {
			emit_range(out_start, out_end, out_nid, lo, hi, m->nid);
			*idx = iter_pack(a - 1, h);
			return;
		}
		/* holes wholly above @m are passed; a hole below it ends @m's turn */
		while (h >= 0 && hole_hi(type_b, h) > lo) {
			phys_addr_t bottom = hole_lo(type_b, h);

			if (bottom < hi) {
				emit_range(out_start, out_end, out_nid, mb_max(lo, bottom),
					   mb_min(hi, hole_hi(type_b, h)), m->nid);
				*idx = lo >= bottom ? iter_pack(a - 1, h) : iter_pack(a, h - 1);
				return;
			}
			h--;
		}
		a--;
	}
	*idx = (uint64_t)ULLONG_MAX;
}

/**
 * __next_mem_pfn_range - advance a walk of memory regions by whole pages
 * @idx: walk position; -1 starts a walk and comes back at its end
 * @nid: node wanted; any invalid node (MAX_NUMNODES) takes every node
 * @out_start_pfn: receives the first whole page of the region (may be NULL)
 * @out_end_pfn: receives the page after its last whole page (may be NULL)
 * @out_nid: receives the region's node (may be NULL)
 *
 * Regions too small to hold one whole page are passed over.
 */
void __next_mem_pfn_range(int *idx, int nid, unsigned long *out_start_pfn,
			  unsigned long *out_end_pfn, int *out_nid)
{
	const struct memblock_type *mem = &memblock.memory;
	int k;

	for (k = *idx + 1; k < (int)mem->cnt; k++) {
		const struct memblock_region *m = &mem->regions[k];
		unsigned long first = PFN_UP(m->base), stop = PFN_DOWN(rgn_end(m));

		if (first >= stop)
			continue;
		if (numa_valid_node(nid) && memblock_get_region_node(m) != nid)
			continue;
		*idx = k;
		if (out_start_pfn)
			*out_start_pfn = first;
		if (out_end_pfn)
			*out_end_pfn = stop;
		if (out_nid)
			*out_nid = memblock_get_region_node(m);
		return;
	}
	*idx = -1;
}

/* ------------------------------------------------------------------ */
/* Finding free space                                                  */
/* ------------------------------------------------------------------ */

/*
 * The reserved hole cursor of the walk that made the last successful find:
 * the found range lies in that hole or the one next to it, which is what
 * first_end_near() needs to reserve it without a search.
 */
static unsigned long found_hole = NO_GUESS;

/* The reserved hole the last top-down search began at: the next one's guess. */
static unsigned long top_down_from = NO_GUESS;

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
		if (cand < this_end && this_end - cand >= size) {
			found_hole = (uint32_t)(i >> 32);
			return cand;
		}
	}
	return 0;
}

static phys_addr_t find_range_top_down(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				       phys_addr_t align, int nid, enum memblock_flags flags)
{
	phys_addr_t this_start, this_end, cand;
	uint64_t i = (uint64_t)ULLONG_MAX;

	if (size) {
		/*
		 * Nothing at or above @end can fit: begin at the last memory
		 * region starting below it, and at the reserved hole reaching
		 * below both (the first reserved region ending at or above
		 * that point, i.e. above point - 1).  The top of the arrays is
		 * tried first, then where the previous search began, since
		 * allocations tend to pile up below one spot; only then a
		 * binary search.
		 */
		const struct memblock_type *mem = &memblock.memory, *rsv = &memblock.reserved;
		unsigned long a = mem->cnt, b = rsv->cnt;
		phys_addr_t top;

		if (a && mem->regions[a - 1].base >= end)
			a = count_base_lt(mem, end);
		if (a == 0)
			return 0;
		a--;
		top = mb_min(end, rgn_end(&mem->regions[a]));
		if (b && rgn_end(&rsv->regions[b - 1]) >= top)
			b = first_end_near(rsv, top - 1, top_down_from);
		top_down_from = b;
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
		if (cand >= this_start) {
			found_hole = (uint32_t)(i >> 32);
			return cand;
		}
	}
	return 0;
}

static phys_addr_t find_in_range_node(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				      phys_addr_t end, int nid, enum memblock_flags flags)
{
	/* the two "accessible" markers (0 and 1) stand for the current limit */
	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = memblock.current_limit;
	/* page 0 is never handed out: a 0 result means failure */
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

/*
 * Free space for memblock's own arrays, in any node, preferring mirrored
 * memory when some exists (with a warning when it has to do without).  With
 * @known_full the search is known to fail and is not run; the warnings it
 * would print still are.
 */
static phys_addr_t find_in_range(phys_addr_t start, phys_addr_t end, phys_addr_t size,
				 phys_addr_t align, bool known_full)
{
	enum memblock_flags flags = choose_memblock_flags();
	phys_addr_t at;

	for (;;) {
		at = known_full ? 0 : find_in_range_node(size, align, start, end, NUMA_NO_NODE,
							 flags);
		if (at || !(flags & MEMBLOCK_MIRROR))
			return at;
		warn_mirror(size);
		flags &= ~MEMBLOCK_MIRROR;
	}
}

/* ------------------------------------------------------------------ */
/* Allocation core                                                     */
/* ------------------------------------------------------------------ */

/*
 * Reserve what an allocation found.  Not inlined, so that the caller named
 * in the "memblock_reserve:" debug line is this call's return address inside
 * memblock_alloc_range_nid(), as in Linux's console.
 */
static __attribute__((noinline)) int reserve_found(phys_addr_t base, phys_addr_t size)
{
	return add_range(&memblock.reserved, base, size, MAX_NUMNODES, 0, MB_CALLER(),
			 found_hole);
}

/* Set while memblock_alloc_range_nid() runs for another public call (not logged twice). */
static bool arn_on_behalf;

static phys_addr_t alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				   phys_addr_t end, int nid, bool exact_nid)
{
	arn_on_behalf = true;
	return memblock_alloc_range_nid(size, align, start, end, nid, exact_nid);
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
 * memblock_add_node - register RAM that belongs to a known node
 * @base: physical start of the RAM
 * @size: its length in bytes
 * @nid: node the RAM belongs to
 * @flags: MEMBLOCK_* attributes to give it
 *
 * Puts [@base, @base + @size) into memblock.memory.  Parts already present
 * keep what they had; only the uncovered parts are added with @nid and @flags
 * (and merged with neighbours that match).
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
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
	ret = add_range(&memblock.memory, base, size, nid, flags, 0, NO_GUESS);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_add - register RAM
 * @base: physical start of the RAM
 * @size: its length in bytes
 *
 * memblock_add_node() with no node yet (MAX_NUMNODES) and no flags.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_add(phys_addr_t base, phys_addr_t size)
{
	MB_REC(ADD, .base = base, .size = size);
	int ret;

	dbg_range("memblock_add", base, size, rec.caller);
	ret = add_range(&memblock.memory, base, size, MAX_NUMNODES, 0, 0, NO_GUESS);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_remove - forget RAM
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Takes [@base, @base + @size) out of memblock.memory, cutting regions that
 * straddle its ends.  A range holding no memory is not an error.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
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
 * memblock_phys_free - give back a reservation by physical address
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Takes [@base, @base + @size) out of memblock.reserved, cutting regions that
 * straddle its ends.  The pages are not handed to the page allocator here
 * (Linux 6.12 does that only after memblock_free_all()).
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
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
 * memblock_free - give back memory that an allocation returned
 * @ptr: the pointer the allocation returned (NULL does nothing)
 * @size: bytes to give back
 *
 * memblock_phys_free() of the physical address behind @ptr.  Its debug line
 * reads "memblock_phys_free:" with a caller inside memblock_free, as Linux
 * prints it.
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
 * memblock_reserve - mark a physical range as taken
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Adds [@base, @base + @size) to memblock.reserved (no node, no flags),
 * merging it with touching reservations.  The range does not have to be RAM.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_reserve(phys_addr_t base, phys_addr_t size)
{
	MB_REC(RESERVE, .base = base, .size = size);
	int ret;

	ret = add_range(&memblock.reserved, base, size, MAX_NUMNODES, 0, rec.caller, NO_GUESS);
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_physmem_add - record a range in the "physmem" type
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * physmem lists all RAM the firmware reported, mem= or not (Linux keeps it
 * only with CONFIG_HAVE_MEMBLOCK_PHYS_MAP).  Dumps do not show it.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_physmem_add(phys_addr_t base, phys_addr_t size)
{
	MB_REC(PHYSMEM_ADD, .base = base, .size = size);
	int ret;

	dbg_range("memblock_physmem_add", base, size, rec.caller);
	ret = add_range(&physmem, base, size, MAX_NUMNODES, 0, 0, NO_GUESS);
	mb_record_ret(&rec, ret);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Public API: flags and nodes                                         */
/* ------------------------------------------------------------------ */

/**
 * memblock_mark_hotplug - flag memory as hot-removable
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Sets MEMBLOCK_HOTPLUG on the memory in the range, splitting regions at its
 * ends; with movable_node on, allocations then avoid it.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_mark_hotplug(phys_addr_t base, phys_addr_t size)
{
	MB_REC(MARK_HOTPLUG, .base = base, .size = size);
	int ret = retag_range(&memblock.memory, base, size, RETAG_SET_FLAGS, MEMBLOCK_HOTPLUG);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_clear_hotplug - drop the hot-removable flag
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Clears MEMBLOCK_HOTPLUG on the memory in the range and merges what then
 * matches its neighbours.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_clear_hotplug(phys_addr_t base, phys_addr_t size)
{
	MB_REC(CLEAR_HOTPLUG, .base = base, .size = size);
	int ret = retag_range(&memblock.memory, base, size, RETAG_CLEAR_FLAGS, MEMBLOCK_HOTPLUG);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_mark_mirror - flag memory as mirrored
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Only with memblock_set_mirrored_kernelcore(true): sets MEMBLOCK_MIRROR on
 * the memory in the range, and from then on allocations try mirrored memory
 * first.  Otherwise nothing changes and 0 is returned.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_mark_mirror(phys_addr_t base, phys_addr_t size)
{
	MB_REC(MARK_MIRROR, .base = base, .size = size);
	int ret = 0;

	if (mirrored_kernelcore) {
		system_has_some_mirror = true;
		ret = retag_range(&memblock.memory, base, size, RETAG_SET_FLAGS, MEMBLOCK_MIRROR);
	}
	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_mark_nomap - keep memory out of the direct map
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Sets MEMBLOCK_NOMAP on the memory in the range.  Allocations and the free
 * range walks pass over such memory unless they ask for NOMAP.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_mark_nomap(phys_addr_t base, phys_addr_t size)
{
	MB_REC(MARK_NOMAP, .base = base, .size = size);
	int ret = retag_range(&memblock.memory, base, size, RETAG_SET_FLAGS, MEMBLOCK_NOMAP);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_clear_nomap - put memory back in the direct map
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Clears MEMBLOCK_NOMAP on the memory in the range.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_clear_nomap(phys_addr_t base, phys_addr_t size)
{
	MB_REC(CLEAR_NOMAP, .base = base, .size = size);
	int ret = retag_range(&memblock.memory, base, size, RETAG_CLEAR_FLAGS, MEMBLOCK_NOMAP);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_reserved_mark_noinit - reserved memory whose pages stay uninitialised
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Sets MEMBLOCK_RSRV_NOINIT on the reservations in the range: their struct
 * pages are left for their owner to set up.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_reserved_mark_noinit(phys_addr_t base, phys_addr_t size)
{
	MB_REC(RESERVED_MARK_NOINIT, .base = base, .size = size);
	int ret = retag_range(&memblock.reserved, base, size, RETAG_SET_FLAGS,
			      MEMBLOCK_RSRV_NOINIT);

	mb_record_ret(&rec, ret);
	return ret;
}

/**
 * memblock_set_node - assign a node to part of a type
 * @base: physical start of the range
 * @size: its length in bytes
 * @type: memblock.memory, memblock.reserved or physmem
 * @nid: the node
 *
 * Every region of @type inside [@base, @base + @size) gets @nid; regions that
 * straddle the ends are cut first, and neighbours that end up alike merge.
 *
 * Return: 0, or -ENOMEM when a region array had to grow and could not.
 */
int memblock_set_node(phys_addr_t base, phys_addr_t size, struct memblock_type *type, int nid)
{
	MB_RECN(SET_NODE, nid, .base = base, .size = size, .mflags = type_id(type));
	int ret = retag_range(type, base, size, RETAG_NODE, nid);

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
 * memblock_alloc_range_nid - find free memory in a window and reserve it
 * @size: bytes wanted
 * @align: alignment of the start (0 means SMP_CACHE_BYTES)
 * @start: lowest acceptable physical address
 * @end: address the block must end at or below; MEMBLOCK_ALLOC_ACCESSIBLE
 *	and MEMBLOCK_ALLOC_NOLEAKTRACE stand for the current limit
 * @nid: node to take the memory from, NUMA_NO_NODE for any
 * @exact_nid: when false, a node without room is not the end: any node is tried
 *
 * Searches in the current direction (top-down unless bottom-up was set),
 * never returns page 0, and when mirrored memory exists tries it first and
 * warns before falling back to the rest.  The memory found is reserved with
 * a "memblock_reserve:" debug line naming this function as its caller.  The
 * other allocation calls work through this one; only a direct call is logged
 * as an ALLOC_RANGE_NID event.
 *
 * Return: the physical address of the block, or 0 when nothing fits.
 */
mb_keep_whole
phys_addr_t memblock_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				     phys_addr_t end, int nid, bool exact_nid)
{
	const uint64_t caller = MB_CALLER();
	const phys_addr_t align_given = align;
	enum memblock_flags flags = choose_memblock_flags();
	const bool logged = !arn_on_behalf;
	phys_addr_t found;

	arn_on_behalf = false;
	if (logged)
		mb_outer_caller = caller;
	if (!align)
		align = SMP_CACHE_BYTES;

	for (;;) {
		found = find_in_range_node(size, align, start, end, nid, flags);
		if (found && !reserve_found(found, size))
			break;
		if (numa_valid_node(nid) && !exact_nid) {
			/* the node is full (or the reserve failed): any node will do */
			found = find_in_range_node(size, align, start, end, NUMA_NO_NODE, flags);
			if (found && !reserve_found(found, size))
				break;
		}
		found = 0;
		if (!(flags & MEMBLOCK_MIRROR))
			break;
		flags &= ~MEMBLOCK_MIRROR;
		warn_mirror(size);
	}

	if (logged) {
		/* built only now: most calls come from another public call */
		struct mb_evlog_record rec = rec_blank;

		rec.op = MB_OP_ALLOC_RANGE_NID;
		rec.nid = nid;
		rec.caller = caller;
		rec.size = size;
		rec.align = align_given;	/* 0 stays 0 in the log */
		rec.min_addr = start;
		rec.max_addr = end;
		rec.mflags = exact_nid;
		rec.result = found;
		if (!found)
			rec.rflags |= MB_REC_FAILED;
		mb_record(&rec);
	}
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
 * memblock_phys_alloc_range - reserve memory inside a physical window
 * @size: bytes wanted
 * @align: alignment of the start
 * @start: lowest acceptable physical address
 * @end: address the block must end at or below
 *
 * @end is taken as it is: MEMBLOCK_ALLOC_ANYWHERE is not lowered to the
 * current limit.  Nothing is zeroed or mapped.
 *
 * Return: the physical address of the block, or 0.
 */
phys_addr_t memblock_phys_alloc_range(phys_addr_t size, phys_addr_t align,
				      phys_addr_t start, phys_addr_t end)
{
	MB_REC(PHYS_ALLOC_RANGE, .size = size, .align = align, .min_addr = start,
	       .max_addr = end);

	return phys_alloc_public(&rec, start, end);
}

/**
 * memblock_phys_alloc - reserve memory below the current limit
 * @size: bytes wanted
 * @align: alignment of the start
 *
 * memblock_phys_alloc_range(@size, @align, 0, MEMBLOCK_ALLOC_ACCESSIBLE),
 * and its debug line says so.
 *
 * Return: the physical address of the block, or 0.
 */
phys_addr_t memblock_phys_alloc(phys_addr_t size, phys_addr_t align)
{
	MB_REC(PHYS_ALLOC, .size = size, .align = align);

	return phys_alloc_public(&rec, 0, MEMBLOCK_ALLOC_ACCESSIBLE);
}

/**
 * memblock_phys_alloc_try_nid - reserve memory, preferably on one node
 * @size: bytes wanted
 * @align: alignment of the start
 * @nid: node to try first, NUMA_NO_NODE for any
 *
 * Any node is used when @nid has no room.  No debug line of its own, as in
 * Linux.
 *
 * Return: the physical address of the block, or 0.
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
 * memblock_alloc_exact_nid_raw - memory from one node only, not zeroed
 * @size: bytes wanted
 * @align: alignment of the start
 * @min_addr: lowest acceptable physical address (a hint)
 * @max_addr: address the block must end at or below
 * @nid: the node, NUMA_NO_NODE for any
 *
 * No other node is tried.  @max_addr is lowered to the current limit; when
 * nothing fits above @min_addr the search is repeated from address 0.
 *
 * Return: a pointer to the block, or NULL.
 */
void *memblock_alloc_exact_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				   phys_addr_t max_addr, int nid)
{
	MB_RECN(ALLOC_EXACT_NID_RAW, nid, .size = size, .align = align, .min_addr = min_addr,
	       .max_addr = max_addr);

	return alloc_public(&rec, "memblock_alloc_exact_nid_raw", true, false);
}

/**
 * memblock_alloc_try_nid_raw - memory preferably from one node, not zeroed
 * @size: bytes wanted
 * @align: alignment of the start
 * @min_addr: lowest acceptable physical address (a hint)
 * @max_addr: address the block must end at or below
 * @nid: node to try first, NUMA_NO_NODE for any
 *
 * memblock_alloc_try_nid() without the zeroing.
 *
 * Return: a pointer to the block, or NULL.
 */
void *memblock_alloc_try_nid_raw(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				 phys_addr_t max_addr, int nid)
{
	MB_RECN(ALLOC_TRY_NID_RAW, nid, .size = size, .align = align, .min_addr = min_addr,
	       .max_addr = max_addr);

	return alloc_public(&rec, "memblock_alloc_try_nid_raw", false, false);
}

/**
 * memblock_alloc_try_nid - zeroed memory, preferably from one node
 * @size: bytes wanted
 * @align: alignment of the start
 * @min_addr: lowest acceptable physical address (a hint)
 * @max_addr: address the block must end at or below
 * @nid: node to try first, NUMA_NO_NODE for any
 *
 * Falls back to any node.  @max_addr is lowered to the current limit (and
 * MEMBLOCK_ALLOC_ACCESSIBLE means that limit); when nothing fits above
 * @min_addr the search is repeated from address 0.
 *
 * Return: a pointer to the zeroed block, or NULL.
 */
void *memblock_alloc_try_nid(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
			     phys_addr_t max_addr, int nid)
{
	MB_RECN(ALLOC_TRY_NID, nid, .size = size, .align = align, .min_addr = min_addr,
	       .max_addr = max_addr);

	return alloc_public(&rec, "memblock_alloc_try_nid", false, true);
}

/**
 * memblock_alloc - zeroed memory anywhere below the current limit
 * @size: bytes wanted
 * @align: alignment of the start
 *
 * Shorthand for memblock_alloc_try_nid(@size, @align, MEMBLOCK_LOW_LIMIT,
 * MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE); prints that function's debug line.
 *
 * Return: a pointer to the zeroed block, or NULL.
 */
void *memblock_alloc(phys_addr_t size, phys_addr_t align)
{
	MB_REC(ALLOC, .size = size, .align = align);

	return alloc_public(&rec, "memblock_alloc_try_nid", false, true);
}

/**
 * memblock_alloc_raw - memory anywhere below the current limit, not zeroed
 * @size: bytes wanted
 * @align: alignment of the start
 *
 * Shorthand for memblock_alloc_try_nid_raw(@size, @align, MEMBLOCK_LOW_LIMIT,
 * MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE).
 *
 * Return: a pointer to the block, or NULL.
 */
void *memblock_alloc_raw(phys_addr_t size, phys_addr_t align)
{
	MB_REC(ALLOC_RAW, .size = size, .align = align);

	return alloc_public(&rec, "memblock_alloc_try_nid_raw", false, false);
}

/**
 * memblock_alloc_from - zeroed memory, preferably above an address
 * @size: bytes wanted
 * @align: alignment of the start
 * @min_addr: preferred lowest address (given up when nothing fits above it)
 *
 * Shorthand for memblock_alloc_try_nid(@size, @align, @min_addr,
 * MEMBLOCK_ALLOC_ACCESSIBLE, NUMA_NO_NODE).
 *
 * Return: a pointer to the zeroed block, or NULL.
 */
void *memblock_alloc_from(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr)
{
	MB_REC(ALLOC_FROM, .size = size, .align = align, .min_addr = min_addr);

	return alloc_public(&rec, "memblock_alloc_try_nid", false, true);
}

/**
 * memblock_alloc_low - zeroed memory below 4 GiB
 * @size: bytes wanted
 * @align: alignment of the start
 *
 * Shorthand for memblock_alloc_try_nid(@size, @align, MEMBLOCK_LOW_LIMIT,
 * ARCH_LOW_ADDRESS_LIMIT, NUMA_NO_NODE).  Its log record leaves min/max at 0.
 *
 * Return: a pointer to the zeroed block, or NULL.
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
 * memblock_alloc_node - zeroed memory, preferably from one node
 * @size: bytes wanted
 * @align: alignment of the start
 * @nid: node to try first (others are used when it is full)
 *
 * Shorthand for memblock_alloc_try_nid(@size, @align, MEMBLOCK_LOW_LIMIT,
 * MEMBLOCK_ALLOC_ACCESSIBLE, @nid).
 *
 * Return: a pointer to the zeroed block, or NULL.
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
	unsigned long k, pages = 0, bytes;

	for (k = 0; k < memblock.memory.cnt; k++) {
		const struct memblock_region *rgn = &memblock.memory.regions[k];
		unsigned long first = PFN_UP(rgn->base), stop = PFN_DOWN(rgn_end(rgn));

		if (first < stop && !numa_valid_node(memblock_get_region_node(rgn)))
			pages += stop - first;
	}
	bytes = pages << PAGE_SHIFT;
	if (bytes <= threshold_bytes)
		return true;
	mb_print("NUMA: no nodes coverage for %luMB of %luMB RAM\n", bytes >> 20,
		 (unsigned long)(memblock_phys_mem_size() >> 20));
	return false;
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
 * memblock_is_region_memory - is a range wholly inside one memory region?
 * @base: physical start of the range
 * @size: its length (clipped at the top of the address space)
 *
 * Return: true when a single memory region covers [@base, @base + @size).
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
 * memblock_is_region_reserved - does a range touch any reservation?
 * @base: physical start of the range
 * @size: its length in bytes
 *
 * Return: true when some reserved region shares a byte with the range.
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
	unsigned long start_rgn, end_rgn, k, kept;
	struct memblock_type *mem;

	if (!size)
		return;
	if (!memblock_memory->total_size) {
		mb_print("memblock_cap_memory_range: No memory registered yet\n");
		return;
	}
	if (memblock_isolate_range(&memblock.memory, base, size, &start_rgn, &end_rgn))
		return;

	/* outside the window only NOMAP memory stays: one compaction pass */
	mem = &memblock.memory;
	for (k = 0, kept = 0; k < mem->cnt; k++) {
		struct memblock_region *rgn = &mem->regions[k];

		if ((k < start_rgn || k >= end_rgn) && !memblock_is_nomap(rgn)) {
			mem->total_size -= rgn->size;
			continue;
		}
		if (kept != k)
			mem->regions[kept] = *rgn;
		kept++;
	}
	mem->cnt = kept;
	blank_if_empty(mem);
	mb_gen++;

	/* reservations outside the window go too */
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
 * memblock_trim_memory - shrink every memory region to whole @align blocks
 * @align: block size, a power of 2
 *
 * Each region's start is rounded up and its end down to @align; regions left
 * with nothing are dropped.  memory.total_size only loses the dropped
 * regions, not what was cut off the others (Linux keeps it that way too).
 *
 * One divergence from Linux: when rounding a start up would carry it past
 * the top of the address space while the region keeps a non-empty end
 * (Linux would wrap that start to 0 and leave the array unsorted), nothing
 * is trimmed at all, an error line is printed, and the event is logged as
 * failed with -EINVAL.
 */
void memblock_trim_memory(phys_addr_t align)
{
	MB_REC(TRIM_MEMORY, .max_addr = align);
	struct memblock_type *mem = &memblock.memory;
	unsigned long k, kept = 0;

	for (k = 0; k < mem->cnt; k++) {
		const struct memblock_region *rgn = &mem->regions[k];
		phys_addr_t lo = mb_round_up(rgn->base, align);

		if (lo < rgn->base && lo < mb_round_down(rgn_end(rgn), align)) {
			mb_print("memblock_trim_memory: [" PA "-" PA "] would wrap past the top of "
				 "the address space at align 0x%llx; nothing trimmed\n",
				 PAV(rgn->base), PAV(rgn_end(rgn) - 1), PAV(align));
			mb_record_ret(&rec, -EINVAL);
			return;
		}
	}

	for (k = 0; k < mem->cnt; k++) {
		struct memblock_region rgn = mem->regions[k];
		phys_addr_t lo = mb_round_up(rgn.base, align);
		phys_addr_t hi = mb_round_down(rgn_end(&rgn), align);

		if (lo >= hi && !(lo == rgn.base && hi == rgn_end(&rgn))) {
			mem->total_size -= rgn.size;
			continue;
		}
		rgn.base = lo;
		rgn.size = hi - lo;
		mem->regions[kept++] = rgn;
	}
	mem->cnt = kept;
	blank_if_empty(mem);
	mb_gen++;
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

	retag_range(&memblock.memory, 0, PHYS_ADDR_MAX, RETAG_CLEAR_FLAGS, MEMBLOCK_HOTPLUG);

repeat:
	max_reserved = memblock.reserved.max;
	for (i = 0; i < memblock.memory.cnt; i++) {
		struct memblock_region *r = &memblock.memory.regions[i];

		retag_range(&memblock.reserved, r->base, r->size, RETAG_NODE,
			    memblock_get_region_node(r));
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
