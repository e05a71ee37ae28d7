// SPDX-License-Identifier: GPL-2.0-only
/* map_gencap.c - write deterministic captures for the map/shell tests and the map benchmark. */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <mb_evlog.h>
#include <memblock.h>
#include <mbagent/capture.h>

static struct mb_capture *cap;
static uint64_t seq;

static void die(const char *what, const struct mb_error *err)
{
	fprintf(stderr, "map_gencap: %s: %s\n", what, err ? err->msg : "out of memory");
	exit(1);
}

static void ev(uint16_t op, uint64_t base, uint64_t size, uint64_t result, const char *caller,
	       uint32_t off, uint16_t depth, uint32_t mcnt, uint32_t rcnt)
{
	struct mb_event e = { 0 };
	struct mb_error err = { 0 };

	e.rec.seq = seq++;
	e.rec.op = op;
	e.rec.nid = -1;
	e.rec.base = base;
	e.rec.size = size;
	e.rec.align = 0;
	e.rec.max_addr = 0;
	e.rec.result = result;
	e.rec.caller = 0xffffffff81000000ULL + off;
	e.caller_sym = caller ? mb_capture_intern_sym(cap, caller) : MB_NO_SYM;
	e.caller_off = off;
	e.rec.depth = depth;
	e.rec.rflags = depth ? MB_REC_INTERNAL : 0;
	e.rec.memory_cnt = mcnt;
	e.rec.reserved_cnt = rcnt;
	if (mb_capture_add_event(cap, &e, &err))
		die("add event", &err);
}

static void set_array(struct mb_array *a, const uint64_t (*r)[2], size_t n)
{
	size_t i;

	a->cnt = n;
	a->max = 128;
	a->total_size = 0;
	a->regions = calloc(n ? n : 1, sizeof(*a->regions));
	if (!a->regions)
		die("array", NULL);
	for (i = 0; i < n; i++) {
		a->regions[i].base = r[i][0];
		a->regions[i].size = r[i][1];
		a->regions[i].nid = 0;
		a->total_size += r[i][1];
	}
}

/*
 * A small boot: two initial memory ranges and two pre-log reservations,
 * then reserve/alloc/free calls by a handful of callers, memory added
 * above 4 GiB. The final arrays are what memblock holds after them.
 */
static void gen_small(void)
{
	static const uint64_t imem[][2] = {
		{ 0x1000, 0x9e000 }, { 0x100000, 0x7ee0000 } };
	static const uint64_t irsv[][2] = {
		{ 0x0, 0x1000 }, { 0x1000000, 0x800000 } };
	static const uint64_t fmem[][2] = {
		{ 0x1000, 0x9e000 }, { 0x100000, 0x7ee0000 }, { 0x100000000, 0x40000000 } };
	static const uint64_t frsv[][2] = {
		{ 0x0, 0x1000 }, { 0x9f000, 0x61000 }, { 0x1000000, 0x800000 },
		{ 0x7200000, 0x200000 }, { 0x7e80000, 0x100000 }, { 0x7fdf000, 0x1000 },
		{ 0x13ff00000, 0x100000 } };

	cap->source = MB_SRC_GDB;
	cap->boot_state = MB_BOOT_STATE_DONE;
	cap->initial.valid = true;
	set_array(&cap->initial.memory, imem, 2);
	set_array(&cap->initial.reserved, irsv, 2);
	/* 0 */ ev(MB_OP_RESERVE, 0x9f000, 0x61000, 0, "reserve_bios_regions", 0x2a, 0, 2, 3);
	/* 1 */ ev(MB_OP_RESERVE, 0x7000000, 0x400000, 0, "reserve_initrd", 0x51, 0, 2, 4);
	/* 2 */ ev(MB_OP_RESERVE, 0x7fdf000, 0x1000, 0, "memblock_alloc_range_nid", 0x9c, 1, 2, 5);
	/* 3 */ ev(MB_OP_PHYS_ALLOC_RANGE, 0, 0x1000, 0x7fdf000, "alloc_low_pages", 0x77, 0, 2, 5);
	/* 4 */ ev(MB_OP_ALLOC_TRY_NID, 0, 0x80000, 0x7f00000, "sparse_init", 0x1b3, 0, 2, 6);
	/* 5 */ ev(MB_OP_ALLOC_TRY_NID, 0, 0x80000, 0x7e80000, "alloc_node_data", 0x40, 0, 2, 6);
	/* 6 */ ev(MB_OP_PHYS_FREE, 0x7000000, 0x200000, 0, "free_initrd_mem", 0x12, 0, 2, 6);
	/* 7 */ ev(MB_OP_ADD, 0x100000000, 0x40000000, 0, "e820__memblock_setup", 0x8d, 0, 3, 6);
	/* 8 */ ev(MB_OP_RESERVE, 0x13ff00000, 0x100000, 0, "reserve_crashkernel<&>", 0x33, 0, 3, 7);
	cap->final.valid = true;
	set_array(&cap->final.memory, fmem, 3);
	set_array(&cap->final.reserved, frsv, 7);
}

/*
 * Hostile but well-formed: unsorted, overlapping and empty initial regions,
 * a region at the very top of the address space, sizes that overflow,
 * failed allocations, an unknown operation, a caller without a symbol.
 */
static void gen_edge(void)
{
	static const uint64_t imem[][2] = {
		{ 0x100000, 0x100000 }, { 0x0, 0x200000 }, { 0x5000, 0 },
		{ 0xffffffffffff0000ULL, 0x10000 } };
	static const uint64_t irsv[][2] = {
		{ 0x180000, 0x100000 }, { 0x100000, 0x100000 }, { 0xfffffffffffff000ULL, 0x1000 } };
	struct mb_event e = { 0 };
	struct mb_error err = { 0 };

	cap->source = MB_SRC_GDB;
	cap->initial.valid = true;
	set_array(&cap->initial.memory, imem, 4);
	set_array(&cap->initial.reserved, irsv, 3);
	ev(MB_OP_RESERVE, 0xfffffffffff00000ULL, UINT64_MAX, 0, "overflow", 1, 0, 4, 4);
	ev(MB_OP_PHYS_ALLOC, 0, 0x1000, 0, "failed_alloc", 2, 0, 4, 4);
	ev(MB_OP_ALLOC, 0, 0, 0x3000, "zero_size_alloc", 3, 0, 4, 4);
	ev(999, 0x1000, 0x1000, 0, "unknown_op", 4, 0, 4, 4);
	ev(MB_OP_TRIM_MEMORY, 0, 0, 0, NULL, 5, 0, 4, 4);
	ev(MB_OP_ENFORCE_MEMORY_LIMIT, 0, 0, 0, NULL, 6, 0, 4, 4);
	ev(MB_OP_CAP_MEMORY_RANGE, 0x1000, 0x1ff000, 0, "cap", 7, 0, 4, 4);
	ev(MB_OP_REMOVE, 0x150000, 0x1000, 0, "remove", 8, 3, 4, 4);
	e.rec.seq = seq++;
	e.rec.op = MB_OP_RESERVE;
	e.rec.base = 0x1000;
	e.rec.size = 0x1000;
	e.caller_sym = MB_NO_SYM;	/* no symbol: shown by address */
	e.rec.caller = 0xffffffff81234567ULL;
	if (mb_capture_add_event(cap, &e, &err))
		die("add event", &err);
}

/*
 * Two captures for byte counts at the extremes: "tiny" holds one page
 * reserved; "huge" reserves [0x0-0xfffffffffffffffe] (2^64 - 1 bytes), by a
 * caller whose name carries terminal escape sequences.
 */
static void gen_extreme(bool huge)
{
	static const uint64_t mem[][2] = { { 0x0, 0x100000000ULL } };
	static const uint64_t tiny[][2] = { { 0x0, 0x1000 } };
	static const uint64_t all[][2] = { { 0x0, UINT64_MAX } };

	cap->source = MB_SRC_GDB;
	cap->initial.valid = true;
	set_array(&cap->initial.memory, mem, 1);
	set_array(&cap->initial.reserved, tiny, 1);
	ev(MB_OP_RESERVE, 0x2000, 0x1000, 0, "\x1b]0;owned\x07" "evil\x1b[31m_reserve", 1, 0, 1, 2);
	if (huge)
		ev(MB_OP_RESERVE, 0x0, UINT64_MAX, 0, "\x1b]0;owned\x07" "evil\x1b[31m_reserve", 2, 0,
		   1, 1);
	cap->final.valid = true;
	set_array(&cap->final.memory, mem, 1);
	set_array(&cap->final.reserved, huge ? all : tiny, 1);
	if (!huge) {	/* tiny: the page at 0x2000 as a second region */
		static const uint64_t two[][2] = { { 0x0, 0x1000 }, { 0x2000, 0x1000 } };

		free(cap->final.reserved.regions);
		set_array(&cap->final.reserved, two, 2);
	}
}

/*
 * A capture made by the real memblock (the host build of kernel/mm/memblock.c)
 * with its event log: enough reservations to double the reserved array
 * twice (the second doubling frees the first doubled array), allocations,
 * a free. Callers are named after the step that made the call; the final
 * arrays are memblock's own.
 */
static struct {
	uint64_t caller;
	const char *name;
} dbl_names[16];
static size_t ndbl_names;
static uint64_t dbl_seen;

/* Name the callers of the records appended since the last step. */
static void dbl_step(const char *name)
{
	struct mb_evlog_header *h = mb_evlog_header();
	const struct mb_evlog_record *r = (const void *)((const char *)h + h->header_size);
	size_t i;

	for (; dbl_seen < h->written; dbl_seen++) {
		for (i = 0; i < ndbl_names; i++)
			if (dbl_names[i].caller == r[dbl_seen].caller)
				break;
		if (i == ndbl_names && ndbl_names < 16) {
			dbl_names[ndbl_names].caller = r[dbl_seen].caller;
			dbl_names[ndbl_names++].name = name;
		}
	}
}

static void copy_type(struct mb_array *a, const struct memblock_type *t)
{
	unsigned long i;

	a->cnt = t->cnt;
	a->max = t->max;
	a->total_size = t->total_size;
	a->regions = calloc(t->cnt ? t->cnt : 1, sizeof(*a->regions));
	if (!a->regions)
		die("array", NULL);
	for (i = 0; i < t->cnt; i++) {
		a->regions[i].base = t->regions[i].base;
		a->regions[i].size = t->regions[i].size;
		a->regions[i].flags = t->regions[i].flags;
		a->regions[i].nid = t->regions[i].nid;
	}
}

static void gen_doubling(void)
{
	size_t bytes = MB_EVLOG_HEADER_SIZE + 4096 * MB_EVLOG_RECORD_SIZE, i, k;
	void *buf = calloc(1, bytes);
	struct mb_evlog_header *h;
	const struct mb_evlog_record *r;
	struct mb_error err = { 0 };

	if (!buf)
		die("log", NULL);
	memblock_reset_state();
	mb_evlog_init(buf, bytes);
	memblock_add(0x100000, 0x3ff00000);
	dbl_step("e820__memblock_setup");
	memblock_allow_resize();
	dbl_step("setup_arch");
	for (i = 0; i < 300; i++)
		memblock_reserve(0x1000000 + i * 0x10000, 0x1000);
	dbl_step("reserve_many");
	for (i = 0; i < 3; i++)
		memblock_phys_alloc_range(0x200000, 0x1000, 0, 0x40000000);
	dbl_step("alloc_tables");
	memblock_phys_free(0x1000000, 0x1000);
	dbl_step("free_one");

	h = mb_evlog_header();
	r = (const void *)((const char *)h + h->header_size);
	cap->source = MB_SRC_GDB;
	cap->boot_state = MB_BOOT_STATE_DONE;
	cap->log_written = h->written;
	for (i = 0; i < h->written; i++) {
		struct mb_event e = { .rec = r[i] };

		e.rec.tsc = 0;
		e.caller_sym = MB_NO_SYM;
		for (k = 0; k < ndbl_names; k++)
			if (dbl_names[k].caller == r[i].caller)
				e.caller_sym = mb_capture_intern_sym(cap, dbl_names[k].name);
		if (mb_capture_add_event(cap, &e, &err))
			die("add event", &err);
	}
	cap->final.valid = true;
	cap->final.bottom_up = memblock.bottom_up;
	cap->final.current_limit = memblock.current_limit;
	copy_type(&cap->final.memory, &memblock.memory);
	copy_type(&cap->final.reserved, &memblock.reserved);
	memblock_reset_state();
	free(buf);
}

/* xorshift64*: deterministic, no libc rand state */
static uint64_t rnd_state = 0x9e3779b97f4a7c15ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state >> 12;
	rnd_state ^= rnd_state << 25;
	rnd_state ^= rnd_state >> 27;
	return rnd_state * 0x2545f4914f6cdd1dULL;
}

/*
 * @n events: memory in four ranges, then reservations and allocations by
 * 64 callers with frees keeping about 2000 live; no final arrays.
 */
static void gen_big(size_t n)
{
	static const uint64_t mem[][2] = {
		{ 0x1000, 0x9e000 }, { 0x100000, 0xbfe00000 },
		{ 0x100000000, 0x200000000 }, { 0x400000000, 0x40000000 } };
	uint64_t *live_b, *live_s;
	size_t nlive = 0, i, maxlive = 2000;
	char name[32];
	struct mb_error err = { 0 };

	live_b = calloc(maxlive, sizeof(*live_b));
	live_s = calloc(maxlive, sizeof(*live_s));
	if (!live_b || !live_s || mb_capture_reserve_events(cap, n, &err))
		die("big", &err);
	cap->source = MB_SRC_GDB;
	cap->boot_state = MB_BOOT_STATE_DONE;
	for (i = 0; i < 4 && i < n; i++)
		ev(MB_OP_ADD, mem[i][0], mem[i][1], 0, "e820__memblock_setup", 0x10, 0, i + 1, 0);
	if (i < n) {	/* let the reserved array grow past 128 regions */
		ev(MB_OP_ALLOW_RESIZE, 0, 0, 0, "setup_arch", 0x50, 0, 4, 0);
		i++;
	}
	for (; i < n; i++) {
		uint64_t r = rnd();
		uint64_t size = ((r >> 8) % 64 + 1) << 12;
		uint64_t base = 0x100000 + ((r >> 20) % 0x2f000) * 0x4000;
		unsigned int c = (r >> 40) % 64;

		snprintf(name, sizeof(name), "caller_%02u", c);
		if (nlive == maxlive || (nlive && (r & 3) == 0)) {
			size_t k = (r >> 32) % nlive;

			ev(MB_OP_PHYS_FREE, live_b[k], live_s[k], 0, name, 0x20, 0, 4, 0);
			live_b[k] = live_b[--nlive];
			live_s[k] = live_s[nlive];
		} else if (r & 4) {
			ev(MB_OP_RESERVE, base, size, 0, name, 0x30, 0, 4, 0);
			live_b[nlive] = base;
			live_s[nlive++] = size;
		} else {
			ev(MB_OP_ALLOC_TRY_NID, 0, size, base, name, 0x40, 0, 4, 0);
			live_b[nlive] = base;
			live_s[nlive++] = size;
		}
	}
	free(live_b);
	free(live_s);
}

int main(int argc, char **argv)
{
	struct mb_error err = { 0 };

	if (argc != 3) {
		fprintf(stderr, "usage: map_gencap small|small-dropped|doubling|edge|EVENTS OUT\n");
		return 2;
	}
	cap = mb_capture_new();
	if (!cap)
		die("capture", NULL);
	if (!strcmp(argv[1], "small")) {
		gen_small();
	} else if (!strcmp(argv[1], "small-dropped")) {
		gen_small();
		cap->log_written = cap->nevents;
		cap->log_dropped = 3;	/* the log was full */
	} else if (!strcmp(argv[1], "doubling")) {
		gen_doubling();
	} else if (!strcmp(argv[1], "tiny") || !strcmp(argv[1], "huge")) {
		gen_extreme(!strcmp(argv[1], "huge"));
	} else if (!strcmp(argv[1], "edge")) {
		gen_edge();
	} else {
		gen_big(strtoull(argv[1], NULL, 0));
	}
	if (mb_capture_write(cap, argv[2], &err))
		die(argv[2], &err);
	mb_capture_free(cap);
	return 0;
}
