// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_memblock.c - libFuzzer: fuzzed memblock operation sequences checked against a coverage model. */
#include <setjmp.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "memblock.h"
#include "memblock_host.h"

/*
 * The model: which bytes are memory, which are reserved, which memory is
 * NOMAP, as sorted disjoint half-open intervals.  memblock's arrays must
 * cover exactly these bytes after every call, stay sorted, disjoint and
 * merged, and allocations must be sound (aligned, free, inside the window)
 * and complete (fail only when no aligned free piece exists).
 */
#define SET_MAX 4096

struct iv {
	uint64_t s, e;
};

struct ivset {
	size_t n;
	struct iv v[SET_MAX];
};

static struct ivset mem, rsv, nomap;

static void set_op(struct ivset *a, uint64_t s, uint64_t e, bool add)
{
	static struct iv tmp[SET_MAX + 2];
	size_t i, n = 0;

	if (s >= e)
		return;
	for (i = 0; i < a->n; i++) {
		struct iv x = a->v[i];

		if (add) {
			if (x.e < s || x.s > e) {
				if (x.s > e && s < e) {
					tmp[n++] = (struct iv){ s, e };
					s = e = 0;
				}
				tmp[n++] = x;
			} else {
				s = x.s < s ? x.s : s;
				e = x.e > e ? x.e : e;
			}
		} else {
			if (x.e <= s || x.s >= e) {
				tmp[n++] = x;
				continue;
			}
			if (x.s < s)
				tmp[n++] = (struct iv){ x.s, s };
			if (x.e > e)
				tmp[n++] = (struct iv){ e, x.e };
		}
		if (n > SET_MAX)
			abort();
	}
	if (add && s < e)
		tmp[n++] = (struct iv){ s, e };
	if (n > SET_MAX)
		abort();
	memcpy(a->v, tmp, n * sizeof(tmp[0]));
	a->n = n;
}

static void set_intersect(struct ivset *a, const struct ivset *b)
{
	static struct ivset out;
	size_t i, j;

	out.n = 0;
	for (i = 0; i < a->n; i++)
		for (j = 0; j < b->n; j++) {
			uint64_t s = a->v[i].s > b->v[j].s ? a->v[i].s : b->v[j].s;
			uint64_t e = a->v[i].e < b->v[j].e ? a->v[i].e : b->v[j].e;

			if (s < e)
				out.v[out.n++] = (struct iv){ s, e };
		}
	*a = out;
}

static bool set_covers(const struct ivset *a, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].s <= s && e <= a->v[i].e)
			return true;
	return false;
}

static bool set_overlaps(const struct ivset *a, uint64_t s, uint64_t e)
{
	for (size_t i = 0; i < a->n; i++)
		if (a->v[i].s < e && s < a->v[i].e)
			return true;
	return false;
}

/* Type invariants, then: its byte coverage equals @model. */
static void check_type(const struct memblock_type *t, const struct ivset *model, bool cover)
{
	uint64_t total = 0, s = 0, e = 0;
	size_t k = 0;
	bool open = false;

	if (t->cnt > t->max)
		abort();
	for (unsigned long i = 0; i < t->cnt; i++) {
		const struct memblock_region *r = &t->regions[i];

		if (!r->size && t->cnt > 1)
			abort();
		if (r->base + r->size < r->base)
			abort();
		if (i) {
			const struct memblock_region *p = &t->regions[i - 1];

			if (p->base + p->size > r->base)
				abort();	/* unsorted or overlapping */
			if (p->base + p->size == r->base && p->flags == r->flags &&
			    p->nid == r->nid)
				abort();	/* mergeable neighbours left apart */
		}
		total += r->size;
	}
	if (total != t->total_size)
		abort();
	if (!cover)
		return;
	/* Coverage: merge touching regions and walk the model alongside. */
	for (unsigned long i = 0; i <= t->cnt; i++) {
		const struct memblock_region *r = i < t->cnt ? &t->regions[i] : NULL;

		if (r && !r->size)
			continue;
		if (r && open && r->base == e) {
			e += r->size;
			continue;
		}
		if (open) {
			if (k >= model->n || model->v[k].s != s || model->v[k].e != e)
				abort();
			k++;
		}
		if (r) {
			s = r->base;
			e = r->base + r->size;
			open = true;
		}
	}
	if (k != model->n)
		abort();
}

/*
 * Is there an aligned free piece of @size in [start, end)?  As in Linux, a
 * piece lies inside one memory region (neighbours with other flags or node
 * are not joined) that is not NOMAP, and outside every reservation.
 */
static bool fits(uint64_t size, uint64_t align, uint64_t start, uint64_t end)
{
	static struct ivset fr;

	for (unsigned long r = 0; r < memblock.memory.cnt; r++) {
		const struct memblock_region *m = &memblock.memory.regions[r];

		if (!m->size || (m->flags & (MEMBLOCK_NOMAP | MEMBLOCK_DRIVER_MANAGED)))
			continue;
		fr.n = 0;
		set_op(&fr, m->base, m->base + m->size, true);
		for (size_t i = 0; i < rsv.n; i++)
			set_op(&fr, rsv.v[i].s, rsv.v[i].e, false);
		for (size_t i = 0; i < fr.n; i++) {
			uint64_t s = fr.v[i].s > start ? fr.v[i].s : start;
			uint64_t e = fr.v[i].e < end ? fr.v[i].e : end;
			uint64_t a = (s + align - 1) & ~(align - 1);

			if (a >= s && s < e && a <= e && e - a >= size)
				return true;
		}
	}
	return false;
}

static void check_alloc(uint64_t got, uint64_t size, uint64_t align, uint64_t start,
			uint64_t end, bool rsv_room)
{
	uint64_t lo = start > PAGE_SIZE ? start : PAGE_SIZE;
	uint64_t hi = end == MEMBLOCK_ALLOC_ACCESSIBLE || end == MEMBLOCK_ALLOC_NOLEAKTRACE ?
		memblock.current_limit : end;

	if (!size)
		return;
	if (!align)
		align = SMP_CACHE_BYTES;
	hi = hi > lo ? hi : lo;
	if (got) {
		if (got & (align - 1) || got < lo || got + size > hi || got + size < got)
			abort();
		if (!set_covers(&mem, got, got + size) || set_overlaps(&rsv, got, got + size) ||
		    set_overlaps(&nomap, got, got + size))
			abort();
		set_op(&rsv, got, got + size, true);
	} else if (rsv_room && fits(size, align, lo, hi)) {
		fprintf(stderr, "alloc of %#llx align %#llx in [%#llx, %#llx) failed, model has room\n",
			(unsigned long long)size, (unsigned long long)align,
			(unsigned long long)lo, (unsigned long long)hi);
		abort();	/* failed although a piece was free */
	}
}

static jmp_buf panic_jmp;
static int trace = -1;

/* Linux 6.12 panics when an array must grow before memblock_allow_resize(). */
static void on_panic(const char *msg)
{
	if (strstr(msg, "cannot resize"))
		longjmp(panic_jmp, 2);
	fprintf(stderr, "memblock panic: %s\n", msg);
	longjmp(panic_jmp, 1);
}

/**
 * LLVMFuzzerTestOneInput() - run the operations the input encodes
 * @data: fuzz input: byte 0 options, then one opcode byte and its
 *   arguments per operation
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_in in = { data, size };
	unsigned int opts;
	volatile unsigned int ops = 0;
	bool resized = false;

	if (size > 4096)
		return 0;
	if (trace < 0)
		trace = getenv("FZ_TRACE") != NULL;
	memblock_reset_state();
	memblock_host_set_panic_handler(on_panic);
	mem.n = rsv.n = nomap.n = 0;
	opts = (unsigned int)fz_take(&in, 1);
	memblock_set_bottom_up(opts & 1);
	if (opts & 2)
		memblock_allow_resize();
	switch (setjmp(panic_jmp)) {
	case 0:
		break;
	case 2:
		memblock_reset_state();
		return 0;
	default:
		fprintf(stderr, "memblock panicked after %u operations\n", ops);
		abort();
	}
	while (in.left && ops < 400) {
		unsigned int op = (unsigned int)fz_take(&in, 1);
		uint64_t base = fz_take(&in, 2) << 12 | ((op & 0x80) ? fz_take(&in, 1) << 4 : 0);
		uint64_t sz = fz_take(&in, 2) << 10;
		unsigned long rmax = memblock.reserved.max, mmax = memblock.memory.max;
		bool room = !resized && memblock.reserved.cnt + 2 <= memblock.reserved.max;
		uint64_t got, align;
		int rc;

		ops++;
		if (trace)
			fprintf(stderr, "op %u: %u base %#llx size %#llx\n", ops, op & 0x0f,
				(unsigned long long)base, (unsigned long long)sz);
		switch (op & 0x0f) {
		case 0:
			if (!memblock_add(base, sz))
				set_op(&mem, base, base + sz, true);
			break;
		case 1:
			if (!memblock_add_node(base, sz, (int)(op >> 4) & 3, 0))
				set_op(&mem, base, base + sz, true);
			break;
		case 2:
			if (!memblock_remove(base, sz)) {
				set_op(&mem, base, base + sz, false);
				set_op(&nomap, base, base + sz, false);
			}
			break;
		case 3:
			if (!memblock_reserve(base, sz))
				set_op(&rsv, base, base + sz, true);
			break;
		case 4:
			if (!memblock_phys_free(base, sz))
				set_op(&rsv, base, base + sz, false);
			break;
		case 5: {
			uint64_t s2 = fz_take(&in, 2) << 12, e2 = fz_take(&in, 2) << 14;

			align = 1ULL << (fz_take(&in, 1) % 24);
			got = memblock_phys_alloc_range(sz, align, s2, e2);
			check_alloc(got, sz, align, s2, e2, room);
			break;
		}
		case 6:
			align = 1ULL << (base >> 12 & 15);
			got = memblock_phys_alloc_try_nid(sz, align, NUMA_NO_NODE);
			check_alloc(got, sz, align, 0, MEMBLOCK_ALLOC_ACCESSIBLE, room);
			break;
		case 7:
			rc = memblock_mark_nomap(base, sz);
			if (!rc) {
				static struct ivset cut;

				cut.n = 0;
				set_op(&cut, base, base + sz, true);
				set_intersect(&cut, &mem);
				for (size_t i = 0; i < cut.n; i++)
					set_op(&nomap, cut.v[i].s, cut.v[i].e, true);
			}
			break;
		case 8:
			if (!memblock_clear_nomap(base, sz))
				set_op(&nomap, base, base + sz, false);
			break;
		case 9:
			memblock_mark_hotplug(base, sz);
			break;
		case 10:
			memblock_clear_hotplug(base, sz);
			break;
		case 11:
			memblock_set_node(base, sz, &memblock.memory, (int)(op >> 4) & 3);
			break;
		case 12:
			memblock_set_current_limit(base ? base : MEMBLOCK_ALLOC_ANYWHERE);
			break;
		case 13:
			memblock_set_bottom_up(op & 0x10);
			break;
		case 14:
			(void)memblock_is_region_reserved(base, sz);
			(void)memblock_is_region_memory(base, sz);
			if (sz && !resized &&
			    memblock_is_reserved(base) != set_covers(&rsv, base, base + 1))
				abort();
			if (memblock_is_memory(base) != set_covers(&mem, base, base + 1))
				abort();
			break;
		default:
			if (memblock_reserved_size() != memblock.reserved.total_size ||
			    memblock_phys_mem_size() != memblock.memory.total_size)
				abort();
			break;
		}
		/* A doubled array is itself reserved by memblock: stop comparing reserved. */
		if (memblock.reserved.max != rmax || memblock.memory.max != mmax)
			resized = true;
		check_type(&memblock.memory, &mem, true);
		check_type(&memblock.reserved, &rsv, !resized);
	}
	memblock_reset_state();
	return 0;
}
