// SPDX-License-Identifier: GPL-2.0-only
/* replay.c - re-execute a capture's calls on the host memblock and compare. */
#include <errno.h>
#include <inttypes.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/replay.h"
#include "memblock.h"
#include "mb_evlog.h"
#include "memblock_host.h"

/*
 * The host memblock records every call in its own event log, exactly like
 * the kernel.  Replay reads the outcome of each call (the physical address
 * an allocation returned, even where the host cannot map it) from there.
 * A small log is re-initialised whenever it fills, so memory stays flat.
 */
#define RLOG_RECORDS	256

static uint8_t *rlog;

static struct mb_evlog_record *rlog_records(void)
{
	return (struct mb_evlog_record *)(rlog + MB_EVLOG_HEADER_SIZE);
}

static int rlog_reset(void)
{
	size_t bytes = MB_EVLOG_HEADER_SIZE + (size_t)RLOG_RECORDS * MB_EVLOG_RECORD_SIZE;

	if (!rlog) {
		rlog = malloc(bytes);
		if (!rlog)
			return -1;
	}
	mb_evlog_init(rlog, bytes);
	return 0;
}

/* The last top-level record written since @before, or NULL. */
static const struct mb_evlog_record *rlog_last_outer(uint64_t before)
{
	struct mb_evlog_header *h = mb_evlog_header();
	uint64_t i;

	if (!h)
		return NULL;
	for (i = h->written; i > before; i--) {
		const struct mb_evlog_record *r = &rlog_records()[i - 1];

		if (r->depth == 0)
			return r;
	}
	return NULL;
}

static uint64_t rlog_written(void)
{
	struct mb_evlog_header *h = mb_evlog_header();

	if (h && h->written + 32 >= h->capacity) {
		rlog_reset();
		h = mb_evlog_header();
	}
	return h ? h->written : 0;
}

static void no_free_pages(phys_addr_t base, phys_addr_t size, void *ctx)
{
}

/*
 * Region arrays for initial states larger than the static ones.  They are
 * registered at a "physical" address far above any RAM so that, when
 * memblock later doubles such an array and releases the old one, removing
 * it from memblock.reserved touches nothing.
 */
#define BIG_ARRAY_PHYS	0xfff0000000000000ULL
static struct memblock_region *big_arrays[2];

static void free_big_arrays(void)
{
	memblock_host_unmap_all();
	free(big_arrays[0]);
	free(big_arrays[1]);
	big_arrays[0] = big_arrays[1] = NULL;
}

/* memblock panics (e.g. an array full before memblock_allow_resize()). */
static jmp_buf panic_jmp;
static bool panic_armed;
static char panic_msg[256];

static void on_panic(const char *msg)
{
	size_t n;

	snprintf(panic_msg, sizeof(panic_msg), "%s", msg ? msg : "panic");
	n = strlen(panic_msg);
	while (n && panic_msg[n - 1] == '\n')
		panic_msg[--n] = 0;
	if (panic_armed)
		longjmp(panic_jmp, 1);
	fprintf(stderr, "memblock panic: %s\n", panic_msg);
	abort();
}

static int load_array(struct memblock_type *t, const struct mb_array *a, int which,
		      bool keep_max)
{
	uint64_t i, cap;

	/*
	 * A traced Linux capture starts from Linux's own initial capacities
	 * (read live): take them when they exceed ours, so arrays double
	 * exactly when Linux's did.
	 */
	if (a->cnt > t->max || (keep_max && a->max > t->max)) {
		cap = t->max ? t->max : INIT_MEMBLOCK_REGIONS;
		while (cap < a->cnt || (keep_max && cap < a->max))
			cap *= 2;
		big_arrays[which] = calloc(cap, sizeof(struct memblock_region));
		if (!big_arrays[which])
			return -1;
		memblock_host_map(BIG_ARRAY_PHYS + (uint64_t)which * (1ULL << 40),
				  big_arrays[which], cap * sizeof(struct memblock_region));
		t->regions = big_arrays[which];
		t->max = cap;
	}
	for (i = 0; i < a->cnt; i++) {
		t->regions[i].base = a->regions[i].base;
		t->regions[i].size = a->regions[i].size;
		t->regions[i].flags = (enum memblock_flags)a->regions[i].flags;
		t->regions[i].nid = a->regions[i].nid;
	}
	t->cnt = a->cnt;
	/*
	 * Keep the captured total: Linux's memblock_trim_memory() changes
	 * regions without updating it, and later calls adjust it from there.
	 */
	t->total_size = a->total_size;
	return 0;
}

/* Events imported from console text (Linux's memblock=debug, or a live Linux read). */
static bool from_console(const struct mb_capture *c)
{
	return c->source == MB_SRC_CONSOLE || c->source == MB_SRC_LINUX_LIVE;
}

static int load_state(const struct mb_capture *c, struct mb_error *err)
{
	const struct mb_state *st = &c->initial;

	memblock_reset_state();
	free_big_arrays();
	memblock_debug = 0;
	memblock_set_print_hook(NULL, NULL);
	memblock_set_free_pages_hook(no_free_pages, NULL);
	memblock_host_set_panic_handler(on_panic);
	if (rlog_reset())
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	/*
	 * A console log starts after the architecture allowed resizing (x86:
	 * e820__memblock_setup(), before the first dump), and Linux does not
	 * log memblock_allow_resize(): let the arrays double as they did.
	 */
	if (from_console(c))
		memblock_allow_resize();
	if (!st->valid)
		return 0;
	memblock.bottom_up = st->bottom_up;
	memblock.current_limit = st->current_limit;
	if (load_array(&memblock.memory, &st->memory, 0, c->source == MB_SRC_LINUX_TRACE) ||
	    load_array(&memblock.reserved, &st->reserved, 1, c->source == MB_SRC_LINUX_TRACE))
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	return 0;
}

static int save_array(struct mb_array *a, const struct memblock_type *t)
{
	unsigned long i;

	if (mb_array_init(a, t->cnt, t->max, t->total_size))
		return -1;
	for (i = 0; i < t->cnt; i++) {
		a->regions[i].base = t->regions[i].base;
		a->regions[i].size = t->regions[i].size;
		a->regions[i].flags = t->regions[i].flags;
		a->regions[i].nid = t->regions[i].nid;
	}
	return 0;
}

static int save_state(struct mb_state *out, struct mb_error *err)
{
	memset(out, 0, sizeof(*out));
	out->valid = true;
	out->bottom_up = memblock.bottom_up;
	out->current_limit = memblock.current_limit;
	if (save_array(&out->memory, &memblock.memory) ||
	    save_array(&out->reserved, &memblock.reserved)) {
		mb_state_clear(out);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	return 0;
}

static bool is_alloc(unsigned int op)
{
	return (op >= MB_OP_PHYS_ALLOC_RANGE && op <= MB_OP_ALLOC_NODE);
}

/*
 * How replay calls the host memblock for each operation, by the fields the
 * record keeps its arguments in (struct mb_evlog_record). Operations missing
 * here take arguments of their own and are handled in apply().
 */
enum call_kind {
	CALL_OTHER = 0,
	CALL_RANGE,		/* fn(base, size) */
	CALL_VALUE,		/* fn(max_addr): a limit or an alignment */
	CALL_SWITCH,		/* fn(max_addr != 0) */
	CALL_WINDOW,		/* fn(size, align, min_addr, max_addr, nid) */
	CALL_SIZED,		/* fn(size, align) */
};

struct call {
	enum call_kind kind;
	union {
		int (*range)(phys_addr_t base, phys_addr_t size);
		void (*value)(phys_addr_t v);
		void (*set)(bool on);
		void *(*window)(phys_addr_t size, phys_addr_t align, phys_addr_t min_addr,
				phys_addr_t max_addr, int nid);
		void *(*sized)(phys_addr_t size, phys_addr_t align);
	};
};

#define RANGE(op, f)	[MB_OP_##op] = { CALL_RANGE, .range = f }
#define VALUE(op, f)	[MB_OP_##op] = { CALL_VALUE, .value = f }
#define SWITCH(op, f)	[MB_OP_##op] = { CALL_SWITCH, .set = f }
#define WINDOW(op, f)	[MB_OP_##op] = { CALL_WINDOW, .window = f }
#define SIZED(op, f)	[MB_OP_##op] = { CALL_SIZED, .sized = f }

static const struct call calls[MB_OP__COUNT] = {
	RANGE(ADD, memblock_add),
	RANGE(REMOVE, memblock_remove),
	RANGE(RESERVE, memblock_reserve),
	RANGE(PHYS_FREE, memblock_phys_free),
	RANGE(MARK_HOTPLUG, memblock_mark_hotplug),
	RANGE(CLEAR_HOTPLUG, memblock_clear_hotplug),
	RANGE(MARK_MIRROR, memblock_mark_mirror),
	RANGE(MARK_NOMAP, memblock_mark_nomap),
	RANGE(CLEAR_NOMAP, memblock_clear_nomap),
	RANGE(RESERVED_MARK_NOINIT, memblock_reserved_mark_noinit),
	RANGE(PHYSMEM_ADD, memblock_physmem_add),
	VALUE(SET_CURRENT_LIMIT, memblock_set_current_limit),
	VALUE(MEM_LIMIT_REMOVE_MAP, memblock_mem_limit_remove_map),
	VALUE(ENFORCE_MEMORY_LIMIT, memblock_enforce_memory_limit),
	VALUE(TRIM_MEMORY, memblock_trim_memory),
	SWITCH(SET_MOVABLE_NODE, memblock_set_movable_node),
	SWITCH(SET_MIRRORED_KERNELCORE, memblock_set_mirrored_kernelcore),
	SWITCH(SET_BOTTOM_UP, memblock_set_bottom_up),
	WINDOW(ALLOC_TRY_NID, memblock_alloc_try_nid),
	WINDOW(ALLOC_TRY_NID_RAW, memblock_alloc_try_nid_raw),
	WINDOW(ALLOC_EXACT_NID_RAW, memblock_alloc_exact_nid_raw),
	SIZED(ALLOC, memblock_alloc),
	SIZED(ALLOC_RAW, memblock_alloc_raw),
	SIZED(ALLOC_LOW, memblock_alloc_low),
};

#undef RANGE
#undef VALUE
#undef SWITCH
#undef WINDOW
#undef SIZED

/* The array a SET_NODE record names in @mflags (MB_TYPE_*), or NULL. */
static struct memblock_type *set_node_type(uint32_t type)
{
	switch (type) {
	case MB_TYPE_MEMORY:
		return &memblock.memory;
	case MB_TYPE_RESERVED:
		return &memblock.reserved;
	case MB_TYPE_PHYSMEM:
		return &physmem;
	default:
		return NULL;
	}
}

/* The calls whose arguments no other operation shares. */
static bool apply_other(const struct mb_evlog_record *r)
{
	phys_addr_t b = r->base, s = r->size;
	struct memblock_type *type;

	switch (r->op) {
	case MB_OP_ADD_NODE:
		memblock_add_node(b, s, r->nid, (enum memblock_flags)r->mflags);
		break;
	case MB_OP_FREE:
		/* memblock_free(ptr) is memblock_phys_free(__pa(ptr)); NULL is a no-op. */
		if (b)
			memblock_phys_free(b, s);
		break;
	case MB_OP_SET_NODE:
		type = set_node_type(r->mflags);
		if (type)
			memblock_set_node(b, s, type, r->nid);
		break;
	case MB_OP_ALLOW_RESIZE:
		memblock_allow_resize();
		break;
	case MB_OP_PHYS_ALLOC_RANGE:
		memblock_phys_alloc_range(s, r->align, r->min_addr, r->max_addr);
		break;
	case MB_OP_PHYS_ALLOC_TRY_NID:
		memblock_phys_alloc_try_nid(s, r->align, r->nid);
		break;
	case MB_OP_PHYS_ALLOC:
		memblock_phys_alloc(s, r->align);
		break;
	case MB_OP_ALLOC_RANGE_NID:
		memblock_alloc_range_nid(s, r->align, r->min_addr, r->max_addr, r->nid,
					 r->mflags & 1);
		break;
	case MB_OP_ALLOC_FROM:
		memblock_alloc_from(s, r->align, r->min_addr);
		break;
	case MB_OP_ALLOC_NODE:
		memblock_alloc_node(s, r->align, r->nid);
		break;
	case MB_OP_CAP_MEMORY_RANGE:
		memblock_cap_memory_range(b, s);
		break;
	case MB_OP_FREE_ALL:
		memblock_free_all();
		break;
	case MB_OP_DOUBLE_ARRAY:
		/* Only ever internal: the call that needed room redoes it. */
		break;
	default:
		return false;
	}
	return true;
}

/* Execute one top-level call. Returns false for an unknown operation. */
static bool apply(const struct mb_event *e)
{
	const struct mb_evlog_record *r = &e->rec;
	const struct call *c = r->op < MB_OP__COUNT ? &calls[r->op] : NULL;

	switch (c ? c->kind : CALL_OTHER) {
	case CALL_RANGE:
		c->range(r->base, r->size);
		return true;
	case CALL_VALUE:
		c->value(r->max_addr);
		return true;
	case CALL_SWITCH:
		c->set(r->max_addr != 0);
		return true;
	case CALL_WINDOW:
		c->window(r->size, r->align, r->min_addr, r->max_addr, r->nid);
		return true;
	case CALL_SIZED:
		c->sized(r->size, r->align);
		return true;
	default:
		return apply_other(r);
	}
}

static bool recorded_ok(const struct mb_event *e)
{
	return !(e->rec.rflags & MB_REC_FAILED) && e->rec.result;
}

static void check_alloc(const struct mb_event *e, size_t idx, uint64_t before,
			struct mb_replay_report *rep)
{
	const struct mb_evlog_record *r = rlog_last_outer(before);
	uint64_t got = r && !(r->rflags & MB_REC_FAILED) ? r->result : 0;
	uint64_t want = recorded_ok(e) ? e->rec.result : 0;

	rep->allocs++;
	if (got == want)
		return;
	if (!rep->alloc_mismatches++) {
		rep->first_mismatch = idx;
		rep->mismatch_expected = want;
		rep->mismatch_got = got;
	}
	/* Follow the recorded history so later calls see the same arrays. */
	if (got)
		memblock_phys_free(got, e->rec.size);
	if (want)
		memblock_reserve(want, e->rec.size);
}

static void cmp_msg(char *buf, size_t len, const char *what, uint64_t want, uint64_t got)
{
	snprintf(buf, len, "%s: expected 0x%" PRIx64 ", got 0x%" PRIx64, what, want, got);
}

static int cmp_array(const char *name, const struct mb_array *a, const struct mb_array *b,
		     unsigned int fl, char *buf, size_t len)
{
	char what[64];
	uint64_t i, n = a->cnt < b->cnt ? a->cnt : b->cnt;

	for (i = 0; i < n; i++) {
		const struct mb_region_rec *x = &a->regions[i], *y = &b->regions[i];

		if (x->base != y->base) {
			snprintf(what, sizeof(what), "%s[%" PRIu64 "].base", name, i);
			cmp_msg(buf, len, what, x->base, y->base);
			return 1;
		}
		if (x->size != y->size) {
			snprintf(what, sizeof(what), "%s[%" PRIu64 "].size", name, i);
			cmp_msg(buf, len, what, x->size, y->size);
			return 1;
		}
		if (x->flags != y->flags) {
			snprintf(what, sizeof(what), "%s[%" PRIu64 "].flags", name, i);
			cmp_msg(buf, len, what, x->flags, y->flags);
			return 1;
		}
		if (x->nid != y->nid) {
			snprintf(buf, len, "%s[%" PRIu64 "].nid: expected %d, got %d", name, i,
				 x->nid, y->nid);
			return 1;
		}
	}
	if (a->cnt != b->cnt) {
		snprintf(buf, len, "%s.cnt: expected %" PRIu64 ", got %" PRIu64 " (first extra: %s[%"
			 PRIu64 "] [0x%" PRIx64 "-0x%" PRIx64 "))", name, a->cnt, b->cnt, name, n,
			 (a->cnt > n ? a : b)->regions[n].base,
			 (a->cnt > n ? a : b)->regions[n].base + (a->cnt > n ? a : b)->regions[n].size);
		return 1;
	}
	if ((fl & MB_CMP_TOTALS) && a->total_size != b->total_size) {
		snprintf(what, sizeof(what), "%s.total_size", name);
		cmp_msg(buf, len, what, a->total_size, b->total_size);
		return 1;
	}
	if ((fl & MB_CMP_MAX) && a->max != b->max) {
		snprintf(buf, len, "%s.max: expected %" PRIu64 ", got %" PRIu64, name, a->max,
			 b->max);
		return 1;
	}
	return 0;
}

/**
 * mb_state_compare() - compare two states and name the first difference
 * @expected: the reference (captured) state
 * @got: the replayed state
 * @cmp_flags: MB_CMP_* extras (regions are always compared)
 * @buf: message for the first difference
 * @len: size of @buf
 *
 * Return: 0 when equal, 1 when different.
 */
int mb_state_compare(const struct mb_state *expected, const struct mb_state *got,
		     unsigned int cmp_flags, char *buf, size_t len)
{
	if (len)
		buf[0] = 0;
	if (cmp_array("memory", &expected->memory, &got->memory, cmp_flags, buf, len) ||
	    cmp_array("reserved", &expected->reserved, &got->reserved, cmp_flags, buf, len))
		return 1;
	if (cmp_flags & MB_CMP_LIMITS) {
		if (expected->current_limit != got->current_limit) {
			cmp_msg(buf, len, "current_limit", expected->current_limit,
				got->current_limit);
			return 1;
		}
		if (expected->bottom_up != got->bottom_up) {
			snprintf(buf, len, "bottom_up: expected %d, got %d", expected->bottom_up,
				 got->bottom_up);
			return 1;
		}
	}
	return 0;
}

/* Sorted, merged ranges of an array (regions are sorted already). */
static size_t coverage(const struct mb_array *a, uint64_t (*out)[2])
{
	size_t n = 0;
	uint64_t i;

	for (i = 0; i < a->cnt; i++) {
		uint64_t b = a->regions[i].base, e = b + a->regions[i].size;

		if (!a->regions[i].size)
			continue;
		if (n && out[n - 1][1] >= b) {
			if (e > out[n - 1][1])
				out[n - 1][1] = e;
			continue;
		}
		out[n][0] = b;
		out[n][1] = e;
		n++;
	}
	return n;
}

static int cover_array(const char *name, const struct mb_array *a, const struct mb_array *b,
		       char *buf, size_t len)
{
	uint64_t (*ca)[2] = malloc((a->cnt + 1) * sizeof(*ca));
	uint64_t (*cb)[2] = malloc((b->cnt + 1) * sizeof(*cb));
	size_t na, nb, i;
	int rc = 0;

	if (!ca || !cb) {
		snprintf(buf, len, "out of memory");
		free(ca);
		free(cb);
		return 1;
	}
	na = coverage(a, ca);
	nb = coverage(b, cb);
	for (i = 0; i < na && i < nb; i++) {
		if (ca[i][0] != cb[i][0] || ca[i][1] != cb[i][1]) {
			snprintf(buf, len, "%s coverage range %zu: expected [0x%" PRIx64 "-0x%"
				 PRIx64 "), got [0x%" PRIx64 "-0x%" PRIx64 ")", name, i, ca[i][0],
				 ca[i][1], cb[i][0], cb[i][1]);
			rc = 1;
			break;
		}
	}
	if (!rc && na != nb) {
		snprintf(buf, len, "%s coverage: expected %zu ranges, got %zu", name, na, nb);
		rc = 1;
	}
	free(ca);
	free(cb);
	return rc;
}

/**
 * mb_state_compare_coverage() - compare the bytes covered by two states
 * @expected: reference state
 * @got: replayed state
 * @buf: message for the first difference
 * @len: size of @buf
 *
 * Region boundaries, node ids and flags are ignored: only which bytes are
 * memory and which are reserved.
 *
 * Return: 0 when equal, 1 when different.
 */
int mb_state_compare_coverage(const struct mb_state *expected, const struct mb_state *got,
			      char *buf, size_t len)
{
	if (len)
		buf[0] = 0;
	return cover_array("memory", &expected->memory, &got->memory, buf, len) ||
	       cover_array("reserved", &expected->reserved, &got->reserved, buf, len);
}

static int run_events(const struct mb_capture *c, size_t upto, struct mb_replay_report *rep,
		      bool check_checkpoints, volatile size_t *pos, struct mb_error *err);

static int run(const struct mb_capture *c, size_t upto, struct mb_state *out,
	       struct mb_replay_report *rep, bool check_checkpoints, struct mb_error *err)
{
	struct mb_replay_report local;
	struct mb_replay_report *volatile r = rep ? rep : &local;
	volatile size_t pos = 0;
	int rc;

	if (setjmp(panic_jmp)) {
		const struct mb_event *e = pos < c->nevents ? &c->events[pos] : NULL;

		panic_armed = false;
		memblock_reset_state();
		free_big_arrays();
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "memblock panicked replaying event %zu (%s): %s", (size_t)pos,
				    e && mb_op_name(e->rec.op) ? mb_op_name(e->rec.op) : "?", panic_msg);
	}
	panic_armed = true;
	rc = run_events(c, upto, r, check_checkpoints, &pos, err);
	panic_armed = false;
	if (rc)
		return -1;
	if (out && save_state(out, err))
		return -1;
	return 0;
}

static int run_events(const struct mb_capture *c, size_t upto, struct mb_replay_report *rep,
		      bool check_checkpoints, volatile size_t *pos, struct mb_error *err)
{
	size_t i, cp = 0;

	memset(rep, 0, sizeof(*rep));
	if (upto > c->nevents)
		upto = c->nevents;
	rep->events = upto;
	rep->dropped = c->log_dropped;
	if (load_state(c, err))
		return -1;
	for (i = 0; i <= upto; i++) {
		/* Checkpoints sit between events: compare before event i. */
		while (check_checkpoints && cp < c->ncheckpoints && c->checkpoints[cp].at <= i) {
			struct mb_state now;
			char msg[400];

			if (c->checkpoints[cp].at == i) {
				if (save_state(&now, err))
					return -1;
				rep->checkpoints++;
				if (mb_state_compare(&c->checkpoints[cp].state, &now, 0, msg,
						     sizeof(msg)) && !rep->checkpoint_fail) {
					rep->checkpoint_fail = cp + 1;
					if (!rep->diverged) {
						rep->diverged = true;
						snprintf(rep->divergence, sizeof(rep->divergence),
							 "checkpoint %zu (after %zu events): %s",
							 cp + 1, i, msg);
					}
				}
				mb_state_clear(&now);
			}
			cp++;
		}
		if (i == upto)
			break;
		{
			const struct mb_event *e = &c->events[i];
			uint64_t before;

			if (e->rec.depth) {
				rep->skipped++;
				continue;
			}
			*pos = i;
			before = rlog_written();
			if (!apply(e)) {
				rep->unknown_ops++;
				continue;
			}
			rep->applied++;
			if (is_alloc(e->rec.op))
				check_alloc(e, i, before, rep);
		}
	}
	return 0;
}

/**
 * mb_replay_run() - replay a prefix of a capture on the host memblock
 * @c: capture
 * @upto: number of events to execute (SIZE_MAX for all)
 * @out: receives the arrays afterwards (may be NULL)
 * @rep: receives counts and mismatches (may be NULL)
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set.
 */
int mb_replay_run(const struct mb_capture *c, size_t upto, struct mb_state *out,
		  struct mb_replay_report *rep, struct mb_error *err)
{
	return run(c, upto, out, rep, true, err);
}

/**
 * mb_replay_verify() - replay everything and compare with the captured arrays
 * @c: capture
 * @out: receives the replayed end state (may be NULL)
 * @rep: receives the result; rep->divergence names the first difference
 * @err: filled on failure
 *
 * Captures of our own kernel are compared with @c->final including array
 * capacities and limits, and any allocation that returned a different
 * address is a divergence.  Imported console logs (no final arrays) are
 * compared at each checkpoint; live Linux captures (console events plus
 * arrays read live) by the byte coverage of the final arrays; traced Linux
 * captures (every call from memblock's initial state) exactly, every
 * region, flag and node id, totals, limits and capacities, and every
 * allocation must return the address Linux's did.
 *
 * Return: 0 when everything matched, 1 on a divergence, -1 on error.
 */
int mb_replay_verify(const struct mb_capture *c, struct mb_state *out,
		     struct mb_replay_report *rep, struct mb_error *err)
{
	struct mb_replay_report local;
	struct mb_state end;
	char msg[400];
	bool console = from_console(c);

	if (!rep)
		rep = &local;
	if (run(c, SIZE_MAX, &end, rep, true, err))
		return -1;
	if (!rep->diverged && !console && rep->alloc_mismatches) {
		const struct mb_event *e = &c->events[rep->first_mismatch];

		rep->diverged = true;
		snprintf(rep->divergence, sizeof(rep->divergence),
			 "event %zu (seq %" PRIu64 ", %s): allocation returned 0x%" PRIx64
			 ", recorded 0x%" PRIx64, rep->first_mismatch, e->rec.seq,
			 mb_op_name(e->rec.op) ? mb_op_name(e->rec.op) : "?", rep->mismatch_got,
			 rep->mismatch_expected);
	}
	/*
	 * A live Linux read after console events: node ids and the limit come
	 * from calls Linux never logs, so only the byte coverage must agree.
	 */
	if (!rep->diverged && c->final.valid && c->source == MB_SRC_LINUX_LIVE &&
	    mb_state_compare_coverage(&c->final, &end, msg, sizeof(msg))) {
		rep->diverged = true;
		snprintf(rep->divergence, sizeof(rep->divergence), "final state: %s", msg);
	} else if (!rep->diverged && c->final.valid && c->source != MB_SRC_LINUX_LIVE &&
		   mb_state_compare(&c->final, &end, console ? 0 :
				    c->source == MB_SRC_LINUX_TRACE ?
				    MB_CMP_TOTALS | MB_CMP_LIMITS | MB_CMP_MAX :
				    MB_CMP_TOTALS | MB_CMP_LIMITS, msg, sizeof(msg))) {
		rep->diverged = true;
		snprintf(rep->divergence, sizeof(rep->divergence), "final state: %s", msg);
	}
	if (out)
		*out = end;
	else
		mb_state_clear(&end);
	return rep->diverged ? 1 : 0;
}

/**
 * mb_replay_last_panic() - message of the last memblock panic during replay
 *
 * Return: the message, or NULL if replay never panicked.
 */
const char *mb_replay_last_panic(void)
{
	return panic_msg[0] ? panic_msg : NULL;
}
