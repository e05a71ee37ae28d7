// SPDX-License-Identifier: GPL-2.0-only
/* linux_live_test.c - Linux-kernel tests: locator on a real image, live captures, their relations and diffs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbagent/capture.h"
#include "mbagent/linux.h"
#include "mbagent/replay.h"
#include "uapi/mb_evlog.h"

#define SKIP 77

#include "check.h"

/* ---- byte coverage: sorted, merged [base, end) ranges ---- */

struct cov {
	uint64_t (*r)[2];
	size_t n, cap;
};

static void cov_sub(struct cov *c, uint64_t b, uint64_t e);

static void cov_add(struct cov *c, uint64_t b, uint64_t e)
{
	size_t i, j;

	if (b >= e)
		return;
	cov_sub(c, b, e);	/* then insert one range and merge neighbours */
	if (c->n + 1 > c->cap) {
		c->cap = c->cap ? c->cap * 2 : 64;
		c->r = realloc(c->r, c->cap * sizeof(*c->r));
		if (!c->r)
			abort();
	}
	for (i = 0; i < c->n && c->r[i][0] < b; i++)
		;
	memmove(&c->r[i + 1], &c->r[i], (c->n - i) * sizeof(*c->r));
	c->r[i][0] = b;
	c->r[i][1] = e;
	c->n++;
	for (i = 0, j = 0; i < c->n; i++) {
		if (j && c->r[j - 1][1] >= c->r[i][0]) {
			if (c->r[i][1] > c->r[j - 1][1])
				c->r[j - 1][1] = c->r[i][1];
		} else {
			c->r[j][0] = c->r[i][0];
			c->r[j][1] = c->r[i][1];
			j++;
		}
	}
	c->n = j;
}

static void cov_sub(struct cov *c, uint64_t b, uint64_t e)
{
	struct cov out = { 0 };
	size_t i;

	if (b >= e)
		return;
	out.cap = c->n * 2 + 2;
	out.r = malloc(out.cap * sizeof(*out.r));
	if (!out.r)
		abort();
	for (i = 0; i < c->n; i++) {
		uint64_t rb = c->r[i][0], re = c->r[i][1];

		if (re <= b || rb >= e) {
			out.r[out.n][0] = rb;
			out.r[out.n++][1] = re;
			continue;
		}
		if (rb < b) {
			out.r[out.n][0] = rb;
			out.r[out.n++][1] = b;
		}
		if (re > e) {
			out.r[out.n][0] = e;
			out.r[out.n++][1] = re;
		}
	}
	free(c->r);
	*c = out;
}

static void cov_of(struct cov *c, const struct mb_array *a)
{
	uint64_t i;

	for (i = 0; i < a->cnt; i++)
		cov_add(c, a->regions[i].base, a->regions[i].base + a->regions[i].size);
}

static bool cov_eq(const struct cov *a, const struct cov *b, char *why, size_t cap)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++)
		if (a->r[i][0] != b->r[i][0] || a->r[i][1] != b->r[i][1])
			break;
	if (i == a->n && i == b->n)
		return true;
	snprintf(why, cap, "range %zu: [0x%llx-0x%llx) vs [0x%llx-0x%llx) (%zu vs %zu ranges)", i,
		 i < a->n ? (unsigned long long)a->r[i][0] : 0ull,
		 i < a->n ? (unsigned long long)a->r[i][1] : 0ull,
		 i < b->n ? (unsigned long long)b->r[i][0] : 0ull,
		 i < b->n ? (unsigned long long)b->r[i][1] : 0ull, a->n, b->n);
	return false;
}

/* ---- helpers ---- */

static int numa_nodes;	/* --numa=N on the command line */

static struct mb_capture *capture(const char *deb, const char *pattern, const char *mem)
{
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };
	struct mb_capture *c;

	o.image = deb;
	o.read_point = MB_LINUX_AT_PATTERN;
	o.pattern = pattern;
	o.machine.mem = mem;
	o.machine.numa_nodes = numa_nodes;
	o.timeout_s = 240;
	c = mb_linux_capture(&o, &err);
	if (!c) {
		fprintf(stderr, "capture of %s failed: %s\n", deb, err.msg);
		exit(1);
	}
	CHECK(c->source == MB_SRC_LINUX_LIVE, "source %u", c->source);
	CHECK(c->final.valid, "final state not valid");
	CHECK(!strcmp(mb_capture_get_meta(c, "memblock_found_by") ?: "", "scan"),
	      "memblock found by %s, expected the symbol-less scan",
	      mb_capture_get_meta(c, "memblock_found_by"));
	CHECK(strstr(mb_capture_get_meta(c, "read_point") ?: "", "pattern"), "read point %s",
	      mb_capture_get_meta(c, "read_point"));
	CHECK(strstr(mb_capture_get_meta(c, "memblock_kallsyms") ?: "", "agrees"),
	      "kallsyms and scan: %s", mb_capture_get_meta(c, "memblock_kallsyms"));
	return c;
}

static bool nid_matches(int32_t console, int32_t live)
{
	/* The dump omits " on node N" for invalid node ids; the importer guesses one. */
	if (console >= 0 && console < 1024)
		return console == live;
	return live < 0 || live >= 1024;
}

static void compare_arrays_nid(const char *what, const struct mb_array *exp,
			       const struct mb_array *got, bool nid)
{
	uint64_t i;

	CHECK(exp->cnt == got->cnt, "%s.cnt: console 0x%llx, live 0x%llx", what,
	      (unsigned long long)exp->cnt, (unsigned long long)got->cnt);
	CHECK(exp->total_size == got->total_size, "%s size: console 0x%llx, live 0x%llx", what,
	      (unsigned long long)exp->total_size, (unsigned long long)got->total_size);
	for (i = 0; i < exp->cnt && i < got->cnt; i++) {
		const struct mb_region_rec *e = &exp->regions[i], *g = &got->regions[i];

		CHECK(e->base == g->base && e->size == g->size && e->flags == g->flags &&
		      (!nid || nid_matches(e->nid, g->nid)),
		      "%s[%llu]: console 0x%llx+0x%llx f%x n%d, live 0x%llx+0x%llx f%x n%d", what,
		      (unsigned long long)i, (unsigned long long)e->base,
		      (unsigned long long)e->size, e->flags, e->nid, (unsigned long long)g->base,
		      (unsigned long long)g->size, g->flags, g->nid);
	}
}

static void compare_arrays(const char *what, const struct mb_array *exp, const struct mb_array *got)
{
	compare_arrays_nid(what, exp, got, true);
}

static const struct mb_region_rec *region_at(const struct mb_array *a, uint64_t base)
{
	uint64_t i;

	for (i = 0; i < a->cnt; i++)
		if (a->regions[i].base == base)
			return &a->regions[i];
	return NULL;
}

/* ---- scenarios ---- */

static int image_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	return mb_linux_image_read(ctx, vaddr, buf, len);
}

/* The symbol-less locator on a real image's BTF and data. */
static int t_locate(const char *deb)
{
	struct mb_error err = { 0 };
	struct mb_linux_image *img = mb_linux_image_open(deb, &err);
	struct mb_state st;
	uint64_t a = 0;

	if (!img) {
		fprintf(stderr, "%s: %s\n", deb, err.msg);
		return 1;
	}
	CHECK(!img->has_symtab, "the Debian vmlinux was expected without .symtab");
	CHECK(img->layout.memblock_size == 96 && img->layout.type_size == 40 &&
	      img->layout.region_size == 24 && img->layout.memory.off == 16 &&
	      img->layout.reserved.off == 56 && img->layout.nid.present &&
	      img->layout.nid.off == 20,
	      "BTF layout differs from the measured one");
	CHECK(!strncmp(img->version, "Linux version 6.", 16), "banner '%s'", img->version);
	CHECK(mb_linux_locate_memblock(img, &a, &err) == 0, "locate: %s", err.msg);
	CHECK(a >= MB_LINUX_START_KERNEL_MAP, "address 0x%llx", (unsigned long long)a);
	/* The static initialiser: empty arrays of 128, no limit yet. */
	CHECK(mb_linux_read_state(&img->layout, a, image_read, img, &st, &err) == 0,
	      "read the static struct memblock: %s", err.msg);
	CHECK(st.valid && st.memory.max == 128 && st.reserved.max == 128 &&
	      st.memory.cnt <= 1 && st.reserved.cnt <= 1 && !st.memory.total_size &&
	      !st.reserved.total_size && st.current_limit == ~0ull && !st.bottom_up,
	      "static struct memblock is not the initialiser");
	mb_state_clear(&st);
	{
		/* __initdata_memblock: .init.data, or .data with CONFIG_MEMORY_HOTPLUG. */
		static const char *const secs[] = { ".init.data", ".data", ".meminit.data" };
		bool in = false;
		size_t i;

		for (i = 0; i < 3; i++) {
			const struct mb_linux_section *s = mb_linux_image_section(img, secs[i]);

			in |= s && a >= s->addr && a + 96 <= s->addr + s->size;
		}
		CHECK(in, "struct memblock at 0x%llx is not in a data section",
		      (unsigned long long)a);
	}
	/* The kernel's own kallsyms tables agree with the shape scan. */
	{
		struct mb_linux_kallsyms *k = mb_linux_kallsyms_open(img, &err);
		const struct mb_linux_section *it = mb_linux_image_section(img, ".init.text");
		uint64_t ka = 0, fa = 0;

		CHECK(k, "kallsyms: %s", err.msg);
		CHECK(mb_linux_kallsyms_count(k) > 10000, "only %u kallsyms",
		      mb_linux_kallsyms_count(k));
		CHECK(mb_linux_kallsyms_lookup(k, "memblock", &ka) == 0 && ka == a,
		      "kallsyms memblock 0x%llx, scan 0x%llx", (unsigned long long)ka,
		      (unsigned long long)a);
		CHECK(mb_linux_kallsyms_lookup(k, "memblock_free_all", &fa) == 0 && it &&
		      fa >= it->addr && fa < it->addr + it->size,
		      "memblock_free_all at 0x%llx is not in .init.text", (unsigned long long)fa);
		CHECK(mb_linux_kallsyms_lookup(k, "no_such_symbol_here", &fa) == -1,
		      "unknown symbol found");
		mb_linux_kallsyms_free(k);
	}
	mb_linux_image_free(img);
	return failures ? 1 : 0;
}

/* Read at the last "MEMBLOCK configuration:" block: live arrays equal the block. */
static int t_block(const char *deb, const char *mem)
{
	struct mb_capture *c = capture(deb, "MEMBLOCK configuration:", mem);
	const struct mb_state *blk;

	CHECK(c->initial.valid, "no initial block imported");
	CHECK(c->ncheckpoints >= 1, "expected a second MEMBLOCK configuration block");
	blk = c->ncheckpoints ? &c->checkpoints[c->ncheckpoints - 1].state : &c->initial;
	CHECK(c->ncheckpoints == 0 || c->checkpoints[c->ncheckpoints - 1].at == c->nevents,
	      "the console was not cut at the block (block after event %llu of %zu)",
	      c->ncheckpoints ? (unsigned long long)c->checkpoints[c->ncheckpoints - 1].at : 0ull,
	      c->nevents);
	compare_arrays("memory", &blk->memory, &c->final.memory);
	compare_arrays("reserved", &blk->reserved, &c->final.reserved);
	mb_capture_free(c);
	return failures ? 1 : 0;
}

/*
 * Read at the end of early boot ("Memory: " line, after memblock_free_all):
 * byte coverage of the live arrays equals the console events replayed on top
 * of the first block.
 */
/* Console events replayed on top of the first block, as byte coverage, vs the live arrays. */
static void check_coverage(const struct mb_capture *c)
{
	struct cov mem_r = { 0 }, res_r = { 0 }, mem_l = { 0 }, res_l = { 0 };
	char why[256] = "";
	size_t i, applied = 0;

	CHECK(c->initial.valid, "no initial block imported");
	CHECK(c->nevents > 20, "only %zu console events", c->nevents);
	cov_of(&mem_r, &c->initial.memory);
	cov_of(&res_r, &c->initial.reserved);
	for (i = 0; i < c->nevents; i++) {
		const struct mb_event *e = &c->events[i];

		if (e->rec.rflags & MB_REC_FAILED)
			continue;
		switch (e->rec.op) {
		case MB_OP_ADD:
		case MB_OP_ADD_NODE:
			cov_add(&mem_r, e->rec.base, e->rec.base + e->rec.size);
			break;
		case MB_OP_REMOVE:
			cov_sub(&mem_r, e->rec.base, e->rec.base + e->rec.size);
			break;
		case MB_OP_RESERVE:
			cov_add(&res_r, e->rec.base, e->rec.base + e->rec.size);
			break;
		case MB_OP_PHYS_FREE:
		case MB_OP_FREE:
			cov_sub(&res_r, e->rec.base, e->rec.base + e->rec.size);
			break;
		case MB_OP_PHYS_ALLOC_RANGE ... MB_OP_ALLOC_NODE:
			if (e->rec.result)
				cov_add(&res_r, e->rec.result, e->rec.result + e->rec.size);
			break;
		default:
			continue;
		}
		applied++;
	}
	CHECK(applied > 20, "only %zu coverage events", applied);
	cov_of(&mem_l, &c->final.memory);
	cov_of(&res_l, &c->final.reserved);
	CHECK(cov_eq(&mem_r, &mem_l, why, sizeof(why)), "memory coverage: replay vs live: %s", why);
	CHECK(cov_eq(&res_r, &res_l, why, sizeof(why)), "reserved coverage: replay vs live: %s",
	      why);
	free(mem_r.r);
	free(res_r.r);
	free(mem_l.r);
	free(res_l.r);
}

/* The same relation through the project's replay engine (host memblock). */
static void check_replay_engine(const struct mb_capture *c)
{
	struct mb_replay_report r;
	struct mb_error err = { 0 };
	struct mb_state rep = { 0 };
	char why[256] = "";

	memset(&r, 0, sizeof(r));
	CHECK(mb_replay_run(c, SIZE_MAX, &rep, &r, &err) == 0, "replay: %s", err.msg);
	CHECK(mb_state_compare_coverage(&c->final, &rep, why, sizeof(why)) == 0,
	      "replay engine coverage differs from live: %s", why);
	mb_state_clear(&rep);
}

static int t_end(const char *deb, const char *out, const char *mem)
{
	struct mb_capture *c = capture(deb, "Memory: ", mem);
	struct mb_error err = { 0 };

	check_coverage(c);
	check_replay_engine(c);
	if (out)
		CHECK(mb_capture_write(c, out, &err) == 0, "write %s: %s", out, err.msg);
	mb_capture_free(c);
	return failures ? 1 : 0;
}

static struct mb_capture *load(const char *path);

/*
 * The default read point with no System.map: memblock_free_all's address
 * comes from the kernel's own kallsyms tables, and a hardware breakpoint there
 * reads the same arrays as the "Memory: " line right after it.
 */
/* Parse a memblock_dump_all() text (the fixtures' *.final.txt) into a state. */
static bool parse_dump(const char *path, struct mb_state *st)
{
	FILE *f = fopen(path, "r");
	char line[512];

	memset(st, 0, sizeof(*st));
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		char type[16];
		unsigned long long idx, b, e, sz, fl;
		unsigned int node;
		struct mb_array *a;
		const char *on;

		/* The sizes the kernel keeps, not the sums of the regions. */
		if (sscanf(line, " memory size = 0x%llx reserved size = 0x%llx", &b, &e) == 2) {
			st->memory.total_size = b;
			st->reserved.total_size = e;
			continue;
		}
		if (sscanf(line, " %15[a-z][0x%llx]\t[0x%llx-0x%llx], 0x%llx bytes", type, &idx, &b,
			   &e, &sz) != 5)
			continue;
		a = !strcmp(type, "memory") ? &st->memory :
		    !strcmp(type, "reserved") ? &st->reserved : NULL;
		if (!a)
			continue;
		a->regions = realloc(a->regions, (a->cnt + 1) * sizeof(*a->regions));
		if (!a->regions)
			abort();
		on = strstr(line, " on node ");
		fl = 0;
		sscanf(strstr(line, "flags: ") ? strstr(line, "flags: ") + 7 : "0", "0x%llx", &fl);
		a->regions[a->cnt].base = b;
		a->regions[a->cnt].size = sz;
		a->regions[a->cnt].flags = (uint32_t)fl;
		a->regions[a->cnt].nid = on && sscanf(on, " on node %u", &node) == 1 ?
					 (int32_t)node : 1024;
		a->cnt++;
	}
	fclose(f);
	st->valid = st->memory.cnt > 0;
	return st->valid;
}

/*
 * The fixtures' *.final.txt were read at the default breakpoint (with the
 * -dbg symbols) from a pinned package version: a capture of that package
 * must match them exactly. A package of another version is a failure, not
 * a note: get-kernel.sh fetches the pinned one.
 */
static int t_fixture(const char *deb, const char *fixture, const char *fixture_version)
{
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };
	struct mb_capture *c;
	struct mb_state fx;
	const char *ver;

	o.image = deb;
	o.timeout_s = 240;
	c = mb_linux_capture(&o, &err);
	if (!c) {
		fprintf(stderr, "capture of %s failed: %s\n", deb, err.msg);
		return 1;
	}
	ver = mb_capture_get_meta(c, "linux_version") ?: "";
	CHECK(strstr(ver, fixture_version), "%s is '%s', the fixture was read from %s", deb, ver,
	      fixture_version);
	CHECK(parse_dump(fixture, &fx), "cannot read %s", fixture);
	if (fx.valid) {
		compare_arrays("fixture memory", &fx.memory, &c->final.memory);
		compare_arrays("fixture reserved", &fx.reserved, &c->final.reserved);
		printf("%s: %llu memory and %llu reserved regions equal %s\n", ver,
		       (unsigned long long)fx.memory.cnt, (unsigned long long)fx.reserved.cnt,
		       fixture);
	}
	free(fx.memory.regions);
	free(fx.reserved.regions);
	mb_capture_free(c);
	return failures ? 1 : 0;
}

static int t_auto(const char *deb, const char *ref_path)
{
	struct mb_capture *ref = load(ref_path), *c;
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };
	const char *rp;

	o.image = deb;
	o.timeout_s = 240;
	c = mb_linux_capture(&o, &err);
	if (!c) {
		fprintf(stderr, "capture of %s failed: %s\n", deb, err.msg);
		return 1;
	}
	rp = mb_capture_get_meta(c, "read_point") ?: "";
	CHECK(!strncmp(rp, "symbol memblock_free_all", 24) && strstr(rp, "kallsyms"),
	      "read point %s, expected memblock_free_all from kallsyms", rp);
	CHECK(strstr(mb_capture_get_meta(c, "memblock_kallsyms") ?: "", "agrees"),
	      "kallsyms and scan: %s", mb_capture_get_meta(c, "memblock_kallsyms"));
	CHECK(c->nevents == ref->nevents, "events: %zu at the breakpoint, %zu at 'Memory: '",
	      c->nevents, ref->nevents);
	/*
	 * Node ids may differ: 6.12's memblock_free_all() itself gives reserved
	 * regions their node (memmap_init_reserved_pages()), which the entry
	 * breakpoint comes before.
	 */
	compare_arrays_nid("memory", &ref->final.memory, &c->final.memory, false);
	compare_arrays_nid("reserved", &ref->final.reserved, &c->final.reserved, false);
	mb_capture_free(c);
	mb_capture_free(ref);
	return failures ? 1 : 0;
}

/*
 * Idle: read when the kernel stops making progress (here it
 * panics without a root device and, with panic=-1 and QEMU told to pause on
 * shutdown, stops). memblock lives in .data and its static arrays survive, so
 * the state equals the one read at the end of early boot.
 */
static int t_idle(const char *deb, const char *ref_path)
{
	struct mb_capture *ref = load(ref_path), *c;
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };

	o.image = deb;
	o.read_point = MB_LINUX_AT_IDLE;
	o.timeout_s = 240;
	c = mb_linux_capture(&o, &err);
	if (!c) {
		fprintf(stderr, "capture of %s failed: %s\n", deb, err.msg);
		return 1;
	}
	CHECK(!strncmp(mb_capture_get_meta(c, "read_point") ?: "", "idle", 4),
	      "read point %s, expected idle", mb_capture_get_meta(c, "read_point"));
	CHECK(c->nevents >= ref->nevents, "idle capture has fewer events (%zu < %zu)",
	      c->nevents, ref->nevents);
	compare_arrays("memory", &ref->final.memory, &c->final.memory);
	compare_arrays("reserved", &ref->final.reserved, &c->final.reserved);
	mb_capture_free(c);
	mb_capture_free(ref);
	return failures ? 1 : 0;
}

/*
 * Many NUMA nodes: enough per-node allocations that memblock doubles the
 * reserved array into the direct map. Watchpoints follow the moved array,
 * reads translate direct-map pointers, and the read points still agree.
 */
static int t_numa(const char *deb, const char *mem)
{
	struct mb_capture *end = capture(deb, "Memory: ", mem), *brk;
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };

	CHECK(end->final.reserved.max > 128, "reserved array was not doubled (max %llu)",
	      (unsigned long long)end->final.reserved.max);
	CHECK(end->final.reserved.cnt > 128, "reserved.cnt %llu",
	      (unsigned long long)end->final.reserved.cnt);
	check_coverage(end);
	check_replay_engine(end);
	o.image = deb;
	o.machine.mem = mem;
	o.machine.numa_nodes = numa_nodes;
	o.timeout_s = 240;
	brk = mb_linux_capture(&o, &err);
	if (!brk) {
		fprintf(stderr, "capture of %s failed: %s\n", deb, err.msg);
		return 1;
	}
	CHECK(!strncmp(mb_capture_get_meta(brk, "read_point") ?: "", "symbol", 6),
	      "read point %s", mb_capture_get_meta(brk, "read_point"));
	compare_arrays_nid("memory", &end->final.memory, &brk->final.memory, false);
	compare_arrays_nid("reserved", &end->final.reserved, &brk->final.reserved, false);
	mb_capture_free(brk);
	mb_capture_free(end);
	return failures ? 1 : 0;
}

static struct mb_capture *load(const char *path)
{
	struct mb_error err = { 0 };
	struct mb_capture *c = mb_capture_read(path, &err);

	if (!c) {
		fprintf(stderr, "%s: %s\n", path, err.msg);
		exit(1);
	}
	CHECK(c->source == MB_SRC_LINUX_LIVE && c->final.valid, "%s: not a live Linux capture",
	      path);
	return c;
}

/* 6.1 vs 6.12 (same QEMU): the changes the fixtures show. */
static int t_diff_kernels(const char *p61, const char *p612)
{
	struct mb_capture *a = load(p61), *b = load(p612);
	const struct mb_array *ra = &a->final.reserved, *rb = &b->final.reserved;
	const struct mb_region_rec *ka, *kb;
	struct cov ma = { 0 }, mbv = { 0 };
	char why[256];

	/* Same machine: same memory. */
	cov_of(&ma, &a->final.memory);
	cov_of(&mbv, &b->final.memory);
	CHECK(cov_eq(&ma, &mbv, why, sizeof(why)), "memory differs between kernels: %s", why);
	CHECK(a->final.memory.total_size == b->final.memory.total_size, "memory size differs");
	/* 6.1 reserves the first 1 MiB as one region; 6.12 keeps page 0 apart (no node). */
	CHECK(ra->cnt && ra->regions[0].base == 0 && ra->regions[0].size == 0x100000,
	      "6.1 reserved[0] is not [0, 1 MiB)");
	CHECK(rb->cnt > 1 && rb->regions[0].base == 0 && rb->regions[0].size == 0x1000 &&
	      (rb->regions[0].nid < 0 || rb->regions[0].nid >= 1024) &&
	      rb->regions[1].base == 0x1000, "6.12 reserved[0] is not page 0 on its own");
	/* The kernel image (loaded at 16 MiB) is larger in 6.12. */
	ka = region_at(ra, 0x1000000);
	kb = region_at(rb, 0x1000000);
	CHECK(ka && kb && kb->size > ka->size, "kernel image reservation did not grow");
	CHECK(ra->total_size != rb->total_size, "reserved sizes are equal");
	mb_capture_free(a);
	mb_capture_free(b);
	free(ma.r);
	free(mbv.r);
	return failures ? 1 : 0;
}

/* One kernel, -m 512M vs -m 256M: memory ends 256 MiB lower, the image does not move. */
static int t_diff_mem(const char *p512, const char *p256)
{
	struct mb_capture *a = load(p512), *b = load(p256);
	const struct mb_array *ma = &a->final.memory, *mbv = &b->final.memory;
	const struct mb_region_rec *ka, *kb;

	CHECK(ma->total_size - mbv->total_size == 256ull << 20, "memory sizes differ by 0x%llx",
	      (unsigned long long)(ma->total_size - mbv->total_size));
	CHECK(ma->cnt == mbv->cnt && ma->cnt >= 2, "memory region counts");
	if (ma->cnt == mbv->cnt && ma->cnt >= 2) {
		uint64_t l = ma->cnt - 1;

		CHECK(ma->regions[0].base == mbv->regions[0].base &&
		      ma->regions[0].size == mbv->regions[0].size, "low memory differs");
		CHECK(ma->regions[l].base == mbv->regions[l].base &&
		      ma->regions[l].size - mbv->regions[l].size == 256ull << 20,
		      "top of memory did not move by 256 MiB");
	}
	ka = region_at(&a->final.reserved, 0x1000000);
	kb = region_at(&b->final.reserved, 0x1000000);
	CHECK(ka && kb && ka->size == kb->size, "kernel image reservation differs");
	/* Top-down allocations sit below the top of RAM in both. */
	CHECK(a->final.reserved.regions[a->final.reserved.cnt - 1].base >= 256ull << 20 &&
	      b->final.reserved.regions[b->final.reserved.cnt - 1].base < 256ull << 20,
	      "allocations did not follow the top of memory");
	mb_capture_free(a);
	mb_capture_free(b);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	const char *cmd = argc > 1 ? argv[1] : "";
	int r;

	if (argc > 2 && !strncmp(argv[argc - 1], "--numa=", 7)) {
		numa_nodes = atoi(argv[argc - 1] + 7);
		argc--;
	}

	if (!strcmp(cmd, "fixture") && argc >= 3 && access(argv[2], R_OK)) {
		fprintf(stderr, "%s: the pinned package is missing (get-kernel.sh must fetch it)\n",
			argv[2]);
		return 1;
	}
	if (argc >= 3 && access(argv[2], R_OK) && !strstr(cmd, "diff")) {
		fprintf(stderr, "%s: not available (no such package in the archive?)\n", argv[2]);
		return SKIP;
	}
	if (!strcmp(cmd, "locate") && argc == 3)
		r = t_locate(argv[2]);
	else if (!strcmp(cmd, "block") && (argc == 3 || argc == 4))
		r = t_block(argv[2], argc == 4 ? argv[3] : NULL);
	else if (!strcmp(cmd, "numa") && argc == 4)
		r = t_numa(argv[2], argv[3]);
	else if (!strcmp(cmd, "end") && argc >= 4)
		r = t_end(argv[2], argv[3], argc > 4 ? argv[4] : NULL);
	else if (!strcmp(cmd, "auto") && argc == 4)
		r = t_auto(argv[2], argv[3]);
	else if (!strcmp(cmd, "fixture") && argc == 5)
		r = t_fixture(argv[2], argv[3], argv[4]);
	else if (!strcmp(cmd, "idle") && argc == 4)
		r = t_idle(argv[2], argv[3]);
	else if (!strcmp(cmd, "diff-kernels") && argc == 4)
		r = access(argv[3], R_OK) ? SKIP : t_diff_kernels(argv[2], argv[3]);
	else if (!strcmp(cmd, "diff-mem") && argc == 4)
		r = t_diff_mem(argv[2], argv[3]);
	else {
		fprintf(stderr, "usage: linux_live_test locate DEB | block DEB [MEM] | numa DEB MEM | end DEB OUT [MEM] | "
			"auto DEB REF | fixture DEB FIXTURE VERSION | idle DEB REF | diff-kernels A B | diff-mem A512 B256 "
			"[--numa=N]\n");
		return 2;
	}
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return r;
}
