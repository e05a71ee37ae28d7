// SPDX-License-Identifier: GPL-2.0-only
/* core_property.c - seeded random memblock operations checked after every step against a cell model. */

/*
 * The model keeps, for every 64-byte cell of a 512 KiB address space and
 * for both memory and reserved, whether it is covered and with which flags
 * and nid.  Because memblock keeps its arrays sorted, non-overlapping and
 * merged wherever neighbours are adjacent with equal attributes, the arrays
 * are a unique encoding of that cell map: after every operation the arrays
 * are expanded into cells and compared with the model, and the invariants
 * are checked directly.  Allocations are predicted exactly (Linux's
 * top-down / bottom-up search over free ranges, nid fallback, mirror
 * preference, min_addr retry, current limit) and must also be aligned and
 * inside free memory.  Region arrays doubled on the way are observed
 * (their pointers change) and applied to the model in Linux's order.
 * Operations: add, add_node (all flags), remove, reserve, phys_free,
 * mark/clear of every flag, set_node on both types, six allocation APIs,
 * direction, movable_node, current limit, enforce_memory_limit,
 * cap_memory_range / mem_limit_remove_map (while no NOMAP memory exists, as
 * Linux then leaves split NOMAP pieces unmerged), trim_memory (the model
 * tracks the total_size Linux does not subtract) and free_all; bursts of
 * one-cell operations make the arrays double.
 *
 * Usage: core_property [seed [ops]]   (or MB_PROPERTY_SEED / MB_PROPERTY_OPS)
 */

#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memblock.h"
#include "memblock_host.h"
#include "mb_evlog.h"

#define CELL		64ULL
#define SPACE		(512 * 1024ULL)
#define NCELL		(SPACE / CELL)
#define NID_NONE	MAX_NUMNODES

/**
 * struct mtype - model of one memblock type
 * @attr: 0 = not covered, else 0x80 | flags
 * @nid: node of each covered cell
 */
struct mtype {
	uint8_t attr[NCELL];
	int16_t nid[NCELL];
};

static struct mtype chk;
static bool m_has_mirror, m_movable, m_bottom_up;
static phys_addr_t m_limit;

static uint64_t rng_state;
static uint64_t seed;
static unsigned long step;
static const char *op_name = "";
static char op_desc[256];

static uint64_t rnd(void)
{
	/* xorshift64* */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dULL;
}

static uint64_t rnd_below(uint64_t n)
{
	return n ? rnd() % n : 0;
}

static struct mtype m_mem, m_rsv;

static void dump_model(const char *name, struct mtype *t)
{
	uint64_t c = 0;

	fprintf(stderr, " model %s:", name);
	while (c < NCELL) {
		uint64_t h = c;

		if (!t->attr[c]) {
			c++;
			continue;
		}
		while (h + 1 < NCELL && t->attr[h + 1] == t->attr[c] && t->nid[h + 1] == t->nid[c])
			h++;
		fprintf(stderr, " [0x%llx-0x%llx f%x n%d]", (unsigned long long)(c * CELL),
			(unsigned long long)((h + 1) * CELL), t->attr[c] & 0x7f, t->nid[c]);
		c = h + 1;
	}
	fprintf(stderr, "\n");
}

static void dump_type(struct memblock_type *type)
{
	unsigned long i;

	fprintf(stderr, " %s (cnt %lu max %lu):", type->name, type->cnt, type->max);
	for (i = 0; i < type->cnt; i++)
		fprintf(stderr, " [0x%llx-0x%llx f%x n%d]",
			(unsigned long long)type->regions[i].base,
			(unsigned long long)(type->regions[i].base + type->regions[i].size),
			type->regions[i].flags, type->regions[i].nid);
	fprintf(stderr, "\n");
}

static void dump_records(void);

static void fail(const char *what)
{
	dump_records();
	dump_type(&memblock.memory);
	dump_model("memory", &m_mem);
	dump_type(&memblock.reserved);
	dump_model("reserved", &m_rsv);
	fprintf(stderr, "core_property: FAILED at step %lu (%s: %s): %s\n"
		"core_property: reproduce with: core_property %" PRIu64 "\n",
		step, op_name, op_desc, what, seed);
	exit(1);
}

static jmp_buf bug_jmp;
static bool bug_armed;
static char bug_msg[128];

/*
 * Linux BUG()s when a doubled memory array cannot be reserved because the
 * reserved array cannot double either; memblock does the same (panic).  The
 * step is checked to be exactly that case, then the state starts afresh.
 */
static void panic_handler(const char *msg)
{
	snprintf(bug_msg, sizeof(bug_msg), "%s", msg);
	if (bug_armed)
		longjmp(bug_jmp, 1);
	fprintf(stderr, "memblock panic: %s", msg);
	fail("memblock panicked");
}

/* ---------------- model primitives ---------------- */

static void m_add(struct mtype *t, phys_addr_t b, phys_addr_t e, int nid, unsigned int flags)
{
	uint64_t c;

	for (c = b / CELL; c < e / CELL; c++) {
		if (!t->attr[c]) {
			t->attr[c] = 0x80 | flags;
			t->nid[c] = (int16_t)nid;
		}
	}
}

static void m_remove(struct mtype *t, phys_addr_t b, phys_addr_t e)
{
	uint64_t c;

	for (c = b / CELL; c < e / CELL && c < NCELL; c++) {
		t->attr[c] = 0;
		t->nid[c] = 0;
	}
}

static void m_setflag(struct mtype *t, phys_addr_t b, phys_addr_t e, unsigned int flag, bool set)
{
	uint64_t c;

	for (c = b / CELL; c < e / CELL; c++) {
		if (!t->attr[c])
			continue;
		if (set)
			t->attr[c] |= flag;
		else
			t->attr[c] &= ~flag;
	}
}

static void m_setnid(struct mtype *t, phys_addr_t b, phys_addr_t e, int nid)
{
	uint64_t c;

	for (c = b / CELL; c < e / CELL; c++)
		if (t->attr[c])
			t->nid[c] = (int16_t)nid;
}

/* memory.total_size above the sum of sizes: Linux's trim does not subtract what it trims. */
static phys_addr_t m_mem_skew;

static bool m_empty(const struct mtype *t)
{
	uint64_t c;

	for (c = 0; c < NCELL; c++)
		if (t->attr[c])
			return false;
	return true;
}

static bool m_has_flag(const struct mtype *t, unsigned int flag)
{
	uint64_t c;

	for (c = 0; c < NCELL; c++)
		if (t->attr[c] & flag)
			return true;
	return false;
}

static phys_addr_t m_sum(const struct mtype *t)
{
	phys_addr_t sum = 0;
	uint64_t c;

	for (c = 0; c < NCELL; c++)
		if (t->attr[c])
			sum += CELL;
	return sum;
}

/* Linux's __find_max_addr over the model (cells are in region order). */
static phys_addr_t m_find_max_addr(phys_addr_t limit)
{
	phys_addr_t acc = 0;
	uint64_t c;

	for (c = 0; c < NCELL && limit; c++) {
		if (!m_mem.attr[c])
			continue;
		acc += CELL;
		if (acc == limit)
			return (c + 1) * CELL;
	}
	return PHYS_ADDR_MAX;
}

/* Linux's memblock_trim_memory over canonical regions (runs of equal cells). */
static void m_trim(phys_addr_t align)
{
	uint64_t c = 0;

	while (c < NCELL) {
		uint64_t h = c, x;
		phys_addr_t os, oe, ns, ne;

		if (!m_mem.attr[c]) {
			c++;
			continue;
		}
		while (h + 1 < NCELL && m_mem.attr[h + 1] == m_mem.attr[c] &&
		       m_mem.nid[h + 1] == m_mem.nid[c])
			h++;
		os = c * CELL;
		oe = (h + 1) * CELL;
		ns = ((os - 1) | (align - 1)) + 1;
		ne = oe & ~(align - 1);
		if (ns < ne) {
			for (x = os / CELL; x < ns / CELL; x++)
				m_mem.attr[x] = 0, m_mem.nid[x] = 0;
			for (x = ne / CELL; x < oe / CELL; x++)
				m_mem.attr[x] = 0, m_mem.nid[x] = 0;
			m_mem_skew += (ns - os) + (oe - ne);
		} else {
			for (x = c; x <= h; x++)
				m_mem.attr[x] = 0, m_mem.nid[x] = 0;
		}
		c = h + 1;
	}
}

/* ---------------- checking ---------------- */

static void check_type(struct memblock_type *type, struct mtype *m)
{
	phys_addr_t sum = 0;
	unsigned long i;

	if (type->cnt > type->max)
		fail("cnt > max");
	if (type->cnt == 0 && (type->regions[0].size ||
				type->total_size != (type == &memblock.memory ? m_mem_skew : 0)))
		fail("empty type not zeroed");
	memset(&chk, 0, sizeof(chk));
	for (i = 0; i < type->cnt; i++) {
		struct memblock_region *r = &type->regions[i];
		uint64_t c;

		if (!r->size)
			fail("zero-sized region");
		if (r->base % CELL || r->size % CELL || r->base + r->size > SPACE)
			fail("region outside the model space");
		if (i) {
			struct memblock_region *p = &type->regions[i - 1];

			if (p->base + p->size > r->base)
				fail("regions unsorted or overlapping");
			if (p->base + p->size == r->base && p->flags == r->flags && p->nid == r->nid)
				fail("mergeable neighbours left unmerged");
		}
		sum += r->size;
		for (c = r->base / CELL; c < (r->base + r->size) / CELL; c++) {
			chk.attr[c] = 0x80 | r->flags;
			chk.nid[c] = (int16_t)r->nid;
		}
	}
	if (sum + (type == &memblock.memory ? m_mem_skew : 0) != type->total_size)
		fail("total_size != sum of sizes (+ what trim left, for memory)");
	if (memcmp(chk.attr, m->attr, sizeof(chk.attr)))
		fail(type == &memblock.memory ? "memory coverage/flags differ from model" :
		     "reserved coverage/flags differ from model");
	if (memcmp(chk.nid, m->nid, sizeof(chk.nid)))
		fail("nid differs from model");
}

static void check_all(void)
{
	check_type(&memblock.memory, &m_mem);
	check_type(&memblock.reserved, &m_rsv);
	if (memblock.bottom_up != m_bottom_up || memblock.current_limit != m_limit)
		fail("direction/limit differ");
}

/* Adopt the arrays as the model (after a step whose outcome the model cannot predict). */
static void resync_type(struct memblock_type *type, struct mtype *m)
{
	unsigned long i;
	uint64_t c;

	memset(m, 0, sizeof(*m));
	for (i = 0; i < type->cnt; i++)
		for (c = type->regions[i].base / CELL;
		     c < (type->regions[i].base + type->regions[i].size) / CELL && c < NCELL; c++) {
			m->attr[c] = 0x80 | type->regions[i].flags;
			m->nid[c] = (int16_t)type->regions[i].nid;
		}
}

static unsigned long resyncs, doublings, allocs_ok, allocs_failed, enomems, bugs;

/* ---------------- model allocation ---------------- */

static bool usable(uint64_t c, int nid, unsigned int flags)
{
	unsigned int a = m_mem.attr[c];

	if (!a || m_rsv.attr[c])
		return false;
	if (numa_valid_node(nid) && m_mem.nid[c] != nid)
		return false;
	if (m_movable && (a & MEMBLOCK_HOTPLUG) && !(flags & MEMBLOCK_HOTPLUG))
		return false;
	if ((flags & MEMBLOCK_MIRROR) && !(a & MEMBLOCK_MIRROR))
		return false;
	if (!(flags & MEMBLOCK_NOMAP) && (a & MEMBLOCK_NOMAP))
		return false;
	if (!(flags & MEMBLOCK_DRIVER_MANAGED) && (a & MEMBLOCK_DRIVER_MANAGED))
		return false;
	return true;
}

/* A free range: usable cells with the same memory attributes (= one region). */
static bool same_run(uint64_t a, uint64_t b)
{
	return m_mem.attr[a] == m_mem.attr[b] && m_mem.nid[a] == m_mem.nid[b];
}

static phys_addr_t clampv(phys_addr_t v, phys_addr_t lo, phys_addr_t hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

static phys_addr_t m_find(phys_addr_t size, phys_addr_t align, phys_addr_t start,
			  phys_addr_t end, int nid, unsigned int flags)
{
	int64_t c;

	if (end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE)
		end = m_limit;
	if (start < PAGE_SIZE)
		start = PAGE_SIZE;
	if (end < start)
		end = start;
	if (!m_bottom_up) {
		c = NCELL - 1;
		while (c >= 0) {
			int64_t lo;
			phys_addr_t ts, te, cand;

			if (!usable(c, nid, flags)) {
				c--;
				continue;
			}
			lo = c;
			while (lo > 0 && usable(lo - 1, nid, flags) && same_run(lo - 1, c))
				lo--;
			ts = clampv(lo * CELL, start, end);
			te = clampv((c + 1) * CELL, start, end);
			c = lo - 1;
			if (te < size)
				continue;
			cand = (te - size) & ~(align - 1);
			if (cand >= ts)
				return cand;
		}
	} else {
		c = 0;
		while (c < (int64_t)NCELL) {
			int64_t hi;
			phys_addr_t ts, te, cand;

			if (!usable(c, nid, flags)) {
				c++;
				continue;
			}
			hi = c;
			while (hi + 1 < (int64_t)NCELL && usable(hi + 1, nid, flags) &&
			       same_run(hi + 1, c))
				hi++;
			ts = clampv(c * CELL, start, end);
			te = clampv((hi + 1) * CELL, start, end);
			c = hi + 1;
			cand = ((ts - 1) | (align - 1)) + 1;
			if (cand < te && te - cand >= size)
				return cand;
		}
	}
	return 0;
}

static phys_addr_t m_alloc_range_nid(phys_addr_t size, phys_addr_t align, phys_addr_t start,
				     phys_addr_t end, int nid, bool exact)
{
	unsigned int flags = m_has_mirror ? MEMBLOCK_MIRROR : MEMBLOCK_NONE;
	phys_addr_t found;

	if (!align)
		align = SMP_CACHE_BYTES;
again:
	found = m_find(size, align, start, end, nid, flags);
	if (found)
		return found;
	if (numa_valid_node(nid) && !exact) {
		found = m_find(size, align, start, end, NUMA_NO_NODE, flags);
		if (found)
			return found;
	}
	if (flags & MEMBLOCK_MIRROR) {
		flags = MEMBLOCK_NONE;
		goto again;
	}
	return 0;
}

static phys_addr_t m_alloc_virt(phys_addr_t size, phys_addr_t align, phys_addr_t min,
				phys_addr_t max, int nid, bool exact)
{
	phys_addr_t r;

	if (max > m_limit)
		max = m_limit;
	r = m_alloc_range_nid(size, align, min, max, nid, exact);
	if (!r && min)
		r = m_alloc_range_nid(size, align, 0, max, nid, exact);
	return r;
}

/* ---------------- array observation ---------------- */

static struct memblock_region *init_mem_regions, *init_rsv_regions;
/* Physical addresses of the arrays before the step (their backing may be gone after). */
static phys_addr_t old_mem_phys, old_rsv_phys;

static bool array_in_space(struct memblock_region *regions, struct memblock_region *init,
			   phys_addr_t *phys)
{
	if (regions == init)
		return false;
	*phys = mb_shim_virt_to_phys(regions);
	return true;
}

static void apply_array_changes(struct memblock_region *old_mem, unsigned long old_mem_max,
				struct memblock_region *old_rsv, unsigned long old_rsv_max)
{
	phys_addr_t p;

	if (memblock.memory.regions != old_mem || memblock.reserved.regions != old_rsv)
		doublings++;
	/* Linux frees the old array, then reserves the new one */
	if (memblock.memory.regions != old_mem && old_mem != init_mem_regions)
		m_remove(&m_rsv, old_mem_phys,
			 old_mem_phys + PAGE_SIZE * ((old_mem_max * 24 + PAGE_SIZE - 1) / PAGE_SIZE));
	if (memblock.reserved.regions != old_rsv && old_rsv != init_rsv_regions)
		m_remove(&m_rsv, old_rsv_phys,
			 old_rsv_phys + PAGE_SIZE * ((old_rsv_max * 24 + PAGE_SIZE - 1) / PAGE_SIZE));
	if (memblock.reserved.regions != old_rsv &&
	    array_in_space(memblock.reserved.regions, init_rsv_regions, &p)) {
		if (!m_mem.attr[p / CELL])
			fail("doubled reserved array outside memory");
		m_add(&m_rsv, p, p + PAGE_SIZE * ((memblock.reserved.max * 24 + PAGE_SIZE - 1) /
						  PAGE_SIZE), NID_NONE, 0);
	}
	if (memblock.memory.regions != old_mem &&
	    array_in_space(memblock.memory.regions, init_mem_regions, &p)) {
		if (!m_mem.attr[p / CELL])
			fail("doubled memory array outside memory");
		m_add(&m_rsv, p, p + PAGE_SIZE * ((memblock.memory.max * 24 + PAGE_SIZE - 1) /
						  PAGE_SIZE), NID_NONE, 0);
	}
}

/* ---------------- the random operations ---------------- */

static union {
	uint64_t align;
	unsigned char bytes[MB_EVLOG_HEADER_SIZE + 4096 * MB_EVLOG_RECORD_SIZE];
} logbuf;

static void dump_records(void)
{
	struct mb_evlog_header *h = (struct mb_evlog_header *)logbuf.bytes;
	struct mb_evlog_record *r = (struct mb_evlog_record *)(logbuf.bytes + MB_EVLOG_HEADER_SIZE);
	uint64_t i;

	for (i = 0; h->magic == MB_EVLOG_MAGIC && i < h->written && i < 16; i++)
		fprintf(stderr, " record %llu: op %u depth %u rflags %x base 0x%llx size 0x%llx "
			"min 0x%llx max 0x%llx result 0x%llx mflags %x cnt %u/%u\n",
			(unsigned long long)i, r[i].op, r[i].depth, r[i].rflags,
			(unsigned long long)r[i].base, (unsigned long long)r[i].size,
			(unsigned long long)r[i].min_addr, (unsigned long long)r[i].max_addr,
			(unsigned long long)r[i].result, r[i].mflags, r[i].memory_cnt,
			r[i].reserved_cnt);
}

static struct mb_evlog_header *hdr(void)
{
	return (struct mb_evlog_header *)logbuf.bytes;
}

static struct mb_evlog_record *rec(uint64_t i)
{
	return (struct mb_evlog_record *)(logbuf.bytes + MB_EVLOG_HEADER_SIZE) + i;
}

static phys_addr_t rnd_base(void)
{
	return rnd_below(NCELL) * CELL;
}

static phys_addr_t rnd_size(phys_addr_t base)
{
	phys_addr_t max = SPACE - base, s;

	switch (rnd_below(4)) {
	case 0:
		s = CELL * (1 + rnd_below(4));
		break;
	case 1:
		s = CELL * (1 + rnd_below(64));
		break;
	case 2:
		s = PAGE_SIZE * (1 + rnd_below(8));
		break;
	default:
		s = CELL * (1 + rnd_below(NCELL / 4));
		break;
	}
	return s < max ? s : max;
}

static phys_addr_t rnd_align(void)
{
	static const phys_addr_t a[] = { 0, 64, 128, 256, 512, 1024, 4096, 8192, 65536 };

	return a[rnd_below(sizeof(a) / sizeof(a[0]))];
}

static int rnd_nid(void)
{
	static const int n[] = { 0, 1, 2, NUMA_NO_NODE };

	return n[rnd_below(4)];
}

static unsigned int rnd_mem_flags(void)
{
	static const unsigned int f[] = {
		MEMBLOCK_NONE, MEMBLOCK_NONE, MEMBLOCK_NONE, MEMBLOCK_HOTPLUG,
		MEMBLOCK_MIRROR, MEMBLOCK_NOMAP, MEMBLOCK_DRIVER_MANAGED,
	};

	return f[rnd_below(sizeof(f) / sizeof(f[0]))];
}

static void fresh_state(void)
{
	memblock_reset_state();
	memblock_set_mirrored_kernelcore(true);
	memblock_set_movable_node(false);
	memset(&m_mem, 0, sizeof(m_mem));
	memset(&m_rsv, 0, sizeof(m_rsv));
	m_has_mirror = false;
	m_movable = false;
	m_bottom_up = false;
	m_limit = MEMBLOCK_ALLOC_ANYWHERE;
	m_mem_skew = 0;
	memblock_allow_resize();
	/* some memory to start with */
	memblock_add(0, SPACE / 2);
	m_add(&m_mem, 0, SPACE / 2, NID_NONE, 0);
}

static phys_addr_t expected_free_all_pages(void)
{
	phys_addr_t pages = 0;
	uint64_t c = 0;

	while (c < NCELL) {
		uint64_t hi;

		if (!usable(c, NUMA_NO_NODE, MEMBLOCK_NONE)) {
			c++;
			continue;
		}
		hi = c;
		while (hi + 1 < NCELL && usable(hi + 1, NUMA_NO_NODE, MEMBLOCK_NONE) &&
		       same_run(hi + 1, c))
			hi++;
		if (PFN_DOWN((hi + 1) * CELL) > PFN_UP(c * CELL))
			pages += PFN_DOWN((hi + 1) * CELL) - PFN_UP(c * CELL);
		c = hi + 1;
	}
	return pages;
}

static void one_step(void)
{
	struct memblock_region *old_mem = memblock.memory.regions;
	struct memblock_region *old_rsv = memblock.reserved.regions;
	unsigned long old_mem_max = memblock.memory.max, old_rsv_max = memblock.reserved.max;
	unsigned int k = (unsigned int)rnd_below(100);
	phys_addr_t b = rnd_base(), s = rnd_size(b), e = b + s, align, r = 0, want = 0;
	static unsigned int burst_left, burst_kind;

	/* bursts of one-cell adds/reserves grow the arrays until they double */
	if (!burst_left && rnd_below(400) == 0) {
		burst_left = 32 + (unsigned int)rnd_below(160);
		burst_kind = (unsigned int)rnd_below(2);
	}
	if (burst_left) {
		burst_left--;
		k = burst_kind ? 0 : 26;
		s = CELL;
		e = b + s;
	}
	bool is_alloc = false, double_failed = false, mutated_before_check = false;
	int nid = rnd_nid(), ret = 0, nrec;
	unsigned int flags;
	uint64_t i;

	mb_evlog_init(logbuf.bytes, sizeof(logbuf.bytes));
	op_desc[0] = '\0';
	old_mem_phys = mb_shim_virt_to_phys(old_mem);
	old_rsv_phys = mb_shim_virt_to_phys(old_rsv);

	if (k < 14) {
		op_name = "memblock_add_node";
		flags = rnd_mem_flags();
		if (nid < 0)
			nid = NID_NONE;
		snprintf(op_desc, sizeof(op_desc), "0x%llx+0x%llx nid %d flags %x",
			 (unsigned long long)b, (unsigned long long)s, nid, flags);
		if (m_empty(&m_mem))
			m_mem_skew = 0;	/* an empty type restarts total_size */
		ret = memblock_add_node(b, s, nid, flags);
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_add(&m_mem, b, e, nid, flags);
	} else if (k < 20) {
		op_name = "memblock_add";
		if (m_empty(&m_mem))
			m_mem_skew = 0;
		ret = memblock_add(b, s);
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_add(&m_mem, b, e, NID_NONE, 0);
	} else if (k < 26) {
		op_name = "memblock_remove";
		ret = memblock_remove(b, s);
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_remove(&m_mem, b, e);
	} else if (k < 40) {
		op_name = "memblock_reserve";
		s = s > 16 * CELL ? CELL * (1 + rnd_below(16)) : s;
		e = b + s;
		ret = memblock_reserve(b, s);
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_add(&m_rsv, b, e, NID_NONE, 0);
	} else if (k < 52) {
		op_name = "memblock_phys_free";
		ret = memblock_phys_free(b, s);
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_remove(&m_rsv, b, e);
	} else if (k < 60) {
		static const unsigned int fl[] = {
			MEMBLOCK_HOTPLUG, MEMBLOCK_NOMAP, MEMBLOCK_MIRROR, MEMBLOCK_RSRV_NOINIT,
		};
		unsigned int f = fl[rnd_below(4)];
		bool set = rnd_below(2) || f == MEMBLOCK_MIRROR || f == MEMBLOCK_RSRV_NOINIT;
		struct mtype *t = f == MEMBLOCK_RSRV_NOINIT ? &m_rsv : &m_mem;

		op_name = "setclr_flag";
		snprintf(op_desc, sizeof(op_desc), "0x%llx+0x%llx flag %x set %d",
			 (unsigned long long)b, (unsigned long long)s, f, set);
		if (f == MEMBLOCK_HOTPLUG)
			ret = set ? memblock_mark_hotplug(b, s) : memblock_clear_hotplug(b, s);
		else if (f == MEMBLOCK_NOMAP)
			ret = set ? memblock_mark_nomap(b, s) : memblock_clear_nomap(b, s);
		else if (f == MEMBLOCK_MIRROR)
			ret = memblock_mark_mirror(b, s);
		else
			ret = memblock_reserved_mark_noinit(b, s);
		if (f == MEMBLOCK_MIRROR)
			m_has_mirror = true;
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_setflag(t, b, e, f, set);
	} else if (k < 64) {
		bool rsv = rnd_below(2);

		op_name = "memblock_set_node";
		if (nid < 0)
			nid = NID_NONE;
		ret = memblock_set_node(b, s, rsv ? &memblock.reserved : &memblock.memory, nid);
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_setnid(rsv ? &m_rsv : &m_mem, b, e, nid);
	} else if (k < 96) {
		/* allocations */
		phys_addr_t size = CELL * (1 + rnd_below(k < 80 ? 16 : 128));
		phys_addr_t lo = rnd_below(3) ? 0 : rnd_base();
		phys_addr_t hi = rnd_below(3) ? MEMBLOCK_ALLOC_ACCESSIBLE : lo + rnd_size(lo) + size;
		unsigned int which = (unsigned int)rnd_below(6);
		bool exact = false;

		align = rnd_align();
		is_alloc = true;
		snprintf(op_desc, sizeof(op_desc), "size 0x%llx align 0x%llx [0x%llx,0x%llx) nid %d",
			 (unsigned long long)size, (unsigned long long)align,
			 (unsigned long long)lo, (unsigned long long)hi, nid);
		switch (which) {
		case 0:
			op_name = "memblock_phys_alloc_range";
			want = m_alloc_range_nid(size, align, lo, hi, NUMA_NO_NODE, false);
			r = memblock_phys_alloc_range(size, align, lo, hi);
			break;
		case 1:
			op_name = "memblock_alloc_range_nid";
			exact = rnd_below(2);
			want = m_alloc_range_nid(size, align, lo, hi, nid, exact);
			r = memblock_alloc_range_nid(size, align, lo, hi, nid, exact);
			break;
		case 2:
			op_name = "memblock_alloc_try_nid";
			want = m_alloc_virt(size, align, lo, hi, nid, false);
			r = mb_shim_virt_to_phys(memblock_alloc_try_nid_raw(size, align, lo, hi, nid));
			break;
		case 3:
			op_name = "memblock_alloc_exact_nid_raw";
			want = m_alloc_virt(size, align, lo, hi, nid, true);
			r = mb_shim_virt_to_phys(memblock_alloc_exact_nid_raw(size, align, lo, hi, nid));
			break;
		case 4:
			op_name = "memblock_phys_alloc_try_nid";
			want = m_alloc_range_nid(size, align, 0, 0, nid, false);
			r = memblock_phys_alloc_try_nid(size, align, nid);
			align = align ? align : SMP_CACHE_BYTES;
			break;
		default:
			op_name = "memblock_alloc_from";
			want = m_alloc_virt(size, align, lo, 0, NUMA_NO_NODE, false);
			r = mb_shim_virt_to_phys(memblock_alloc_from(size, align, lo));
			break;
		}
		if (!align)
			align = SMP_CACHE_BYTES;
		for (i = 0; i < hdr()->written; i++)
			if (rec(i)->op == MB_OP_DOUBLE_ARRAY && (rec(i)->rflags & MB_REC_FAILED))
				double_failed = true;
		if (!double_failed && r != want) {
			snprintf(op_desc + strlen(op_desc), sizeof(op_desc) - strlen(op_desc),
				 ": got 0x%llx, model 0x%llx", (unsigned long long)r,
				 (unsigned long long)want);
			fail("allocation differs from the model");
		}
		if (r) {
			uint64_t c;

			if (r % align)
				fail("allocation misaligned");
			for (c = r / CELL; c < (r + size) / CELL; c++)
				if (!m_mem.attr[c] || m_rsv.attr[c])
					fail("allocation outside free memory");
		}
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (r)
			m_add(&m_rsv, r, r + size, NID_NONE, 0);
		if (r)
			allocs_ok++;
		else
			allocs_failed++;
	} else if (k < 97) {
		op_name = "memblock_set_bottom_up";
		m_bottom_up = !m_bottom_up;
		memblock_set_bottom_up(m_bottom_up);
	} else if (k < 98) {
		op_name = "memblock_set_movable_node/current_limit";
		if (rnd_below(2)) {
			m_movable = !m_movable;
			memblock_set_movable_node(m_movable);
		} else {
			m_limit = rnd_below(2) ? MEMBLOCK_ALLOC_ANYWHERE : SPACE / 2 + rnd_base() / 2;
			memblock_set_current_limit(m_limit);
		}
	} else if (k < 99 && rnd_below(16) != 0) {
		op_name = "memblock_phys_free (bulk)";
		ret = memblock_phys_free(b, s);
		apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
		if (!ret)
			m_remove(&m_rsv, b, e);
	} else if (k < 99 || rnd_below(5) != 0) {
		phys_addr_t want_pages, limit = rnd_base();
		uint64_t c, acc = 0, max_addr = PHYS_ADDR_MAX;
		unsigned int which = (unsigned int)rnd_below(4);

		/* cap_memory_range keeps split NOMAP pieces unmerged: only without NOMAP */
		if (which == 2 && m_has_flag(&m_mem, MEMBLOCK_NOMAP))
			which = 3;
		if (which == 2) {
			phys_addr_t cb = rnd_below(2) ? 0 : b, cs = rnd_below(2) ? s : SPACE - cb;
			bool via_limit = rnd_below(2);

			if (via_limit) {
				op_name = "memblock_mem_limit_remove_map";
				snprintf(op_desc, sizeof(op_desc), "limit 0x%llx", (unsigned long long)limit);
				cb = 0;
				cs = limit ? m_find_max_addr(limit) : 0;
				if (cs == PHYS_ADDR_MAX)
					cs = 0;
			} else {
				op_name = "memblock_cap_memory_range";
				snprintf(op_desc, sizeof(op_desc), "0x%llx+0x%llx", (unsigned long long)cb,
					 (unsigned long long)cs);
			}
			if (cs && m_sum(&m_mem) + m_mem_skew == 0)
				cs = 0;	/* "No memory registered yet" */
			if (via_limit)
				memblock_mem_limit_remove_map(limit);
			else
				memblock_cap_memory_range(cb, cs);
			apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
			for (i = 0; i < hdr()->written; i++)
				if (rec(i)->op == MB_OP_DOUBLE_ARRAY && (rec(i)->rflags & MB_REC_FAILED))
					double_failed = true;
			if (double_failed) {
				resync_type(&memblock.memory, &m_mem);
				resync_type(&memblock.reserved, &m_rsv);
				resyncs++;
			} else if (cs) {
				m_remove(&m_mem, 0, cb);
				m_remove(&m_mem, cb + cs, SPACE);
				m_remove(&m_rsv, 0, cb);
				m_remove(&m_rsv, cb + cs, SPACE);
			}
		} else if (which == 3) {
			phys_addr_t ta = CELL << rnd_below(7);

			op_name = "memblock_trim_memory";
			snprintf(op_desc, sizeof(op_desc), "align 0x%llx", (unsigned long long)ta);
			memblock_trim_memory(ta);
			m_trim(ta);
		} else if (which == 0) {
			op_name = "memblock_enforce_memory_limit";
			snprintf(op_desc, sizeof(op_desc), "limit 0x%llx", (unsigned long long)limit);
			for (c = 0; c < NCELL && limit; c++) {
				if (m_mem.attr[c])
					acc += CELL;
				if (m_mem.attr[c] && acc == limit) {
					max_addr = (c + 1) * CELL;
					break;
				}
			}
			memblock_enforce_memory_limit(limit);
			apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
			if (max_addr != PHYS_ADDR_MAX) {
				bool mem_failed = false, rsv_failed = false;

				/* each removal fails alone if its array cannot double (ignored, as in Linux) */
				for (i = 0; i < hdr()->written; i++) {
					if (rec(i)->op != MB_OP_DOUBLE_ARRAY ||
					    !(rec(i)->rflags & MB_REC_FAILED))
						continue;
					if (rec(i)->mflags == MB_TYPE_MEMORY)
						mem_failed = true;
					else
						rsv_failed = true;
				}
				if (!mem_failed)
					m_remove(&m_mem, max_addr, SPACE);
				if (!rsv_failed)
					m_remove(&m_rsv, max_addr, SPACE);
			}
		} else {
			op_name = "memblock_free_all";
			for (c = 0; c < NCELL; c++)
				m_mem.attr[c] &= ~MEMBLOCK_HOTPLUG;
			r = memblock_free_all();
			/* arrays doubled on the way are reserved before the pages are counted */
			apply_array_changes(old_mem, old_mem_max, old_rsv, old_rsv_max);
			want_pages = expected_free_all_pages();
			for (c = 0; c < NCELL; c++)
				if (m_mem.attr[c] && m_rsv.attr[c])
					m_rsv.nid[c] = m_mem.nid[c];
			for (i = 0; i < hdr()->written; i++)
				if (rec(i)->op == MB_OP_DOUBLE_ARRAY && (rec(i)->rflags & MB_REC_FAILED))
					double_failed = true;
			if (double_failed) {
				/* a set_node or clear_hotplug failed for lack of room: adopt */
				resync_type(&memblock.memory, &m_mem);
				resync_type(&memblock.reserved, &m_rsv);
				resyncs++;
			} else if (r != want_pages) {
				fail("free_all page count differs from the model");
			}
		}
	} else {
		op_name = "reset";
		fresh_state();
		mutated_before_check = true;
	}

	if (ret == -12) {
		enomems++;
		for (i = 0; i < hdr()->written; i++)
			if (rec(i)->op == MB_OP_DOUBLE_ARRAY && (rec(i)->rflags & MB_REC_FAILED))
				double_failed = true;
		if (!double_failed)
			fail("-ENOMEM without a failed DOUBLE_ARRAY record");
	} else if (ret) {
		fail("unexpected error return");
	}

	/* the log: DOUBLE_ARRAY records (depth > 0), then exactly one depth-0 record */
	if (!mutated_before_check) {
		nrec = (int)hdr()->written;
		if (hdr()->dropped)
			fail("event log dropped records");
		if (nrec < 1 || rec(nrec - 1)->depth != 0)
			fail("call did not end with one depth-0 record");
		for (i = 0; i + 1 < (uint64_t)nrec; i++)
			if (rec(i)->depth == 0 || rec(i)->op != MB_OP_DOUBLE_ARRAY)
				fail("more than one depth-0 record for one call");
		if (rec(nrec - 1)->memory_cnt != memblock.memory.cnt ||
		    rec(nrec - 1)->reserved_cnt != memblock.reserved.cnt)
			fail("record counts differ from the arrays");
		if (is_alloc && rec(nrec - 1)->result != r)
			fail("record result differs from the allocation");
	}
	check_all();
}

/**
 * main - run the seeded random sequence
 * @argc: argument count
 * @argv: [seed [ops]]
 *
 * Return: 0 on success; on failure prints the step, the operation and the seed, and exits 1.
 */
int main(int argc, char **argv)
{
	const char *env_seed = getenv("MB_PROPERTY_SEED");
	const char *env_ops = getenv("MB_PROPERTY_OPS");
	static unsigned long ops = 200000;

	seed = 20261125;
	if (env_seed)
		seed = strtoull(env_seed, NULL, 0);
	if (env_ops)
		ops = strtoul(env_ops, NULL, 0);
	if (argc > 1)
		seed = strtoull(argv[1], NULL, 0);
	if (argc > 2)
		ops = strtoul(argv[2], NULL, 0);
	rng_state = seed ? seed : 1;

	memblock_host_set_panic_handler(panic_handler);
	init_mem_regions = memblock.memory.regions;
	init_rsv_regions = memblock.reserved.regions;
	fresh_state();
	check_all();
	for (step = 1; step <= ops; step++) {
		bug_armed = true;
		if (setjmp(bug_jmp)) {
			bool legit = false;
			uint64_t i;

			bug_armed = false;
			for (i = 0; i < hdr()->written; i++)
				if (rec(i)->op == MB_OP_DOUBLE_ARRAY && rec(i)->depth == 2 &&
				    rec(i)->mflags == MB_TYPE_RESERVED &&
				    (rec(i)->rflags & MB_REC_FAILED))
					legit = true;
			if (!legit || strcmp(bug_msg,
					     "memblock: BUG: cannot reserve the doubled array\n")) {
				fprintf(stderr, "memblock panic: %s", bug_msg);
				fail("memblock panicked");
			}
			bugs++;
			fresh_state();
			continue;
		}
		one_step();
	}
	bug_armed = false;
	memblock_reset_state();
	if (memblock_host_array_count())
		fail("host array backings leaked");
	if (getenv("MB_PROPERTY_VERBOSE"))
		printf("core_property: seed %" PRIu64 ", %lu operations: %lu allocations "
		       "(%lu failed), %lu steps doubled an array, %lu -ENOMEM, %lu resyncs, "
		       "%lu BUGs (no room for both arrays)\n",
		       seed, ops, allocs_ok + allocs_failed, allocs_failed, doublings, enomems,
		       resyncs, bugs);
	return 0;
}
