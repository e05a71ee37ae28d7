// SPDX-License-Identifier: GPL-2.0-only
/* linux_trace_test.c - traced captures of stock Linux: replay, console, attribution, chains. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbagent/capture.h"
#include "mbagent/import.h"
#include "mbagent/linux.h"
#include "mbagent/replay.h"
#include "uapi/mb_evlog.h"

#define SKIP 77

#include "check.h"

static struct mb_capture *load(const char *path)
{
	struct mb_error err = { 0 };
	struct mb_capture *c = mb_capture_read(path, &err);

	if (!c) {
		fprintf(stderr, "cannot read %s: %s\n", path, err.msg);
		exit(1);
	}
	CHECK(c->source == MB_SRC_LINUX_TRACE, "%s: source %u, not a traced Linux capture", path,
	      c->source);
	return c;
}

/* capture DEB OUT MEM [NUMA]: the traced capture (and OUT.console) the other modes read. */
static int t_capture(const char *deb, const char *out, const char *mem, int numa)
{
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };
	struct mb_capture *c;
	char con[4096];

	if (access(deb, R_OK)) {
		fprintf(stderr, "%s: no kernel package (linux_get_kernels must fetch it)\n", deb);
		return 1;
	}
	snprintf(con, sizeof(con), "%s.console", out);
	unlink(out);
	o.image = deb;
	o.machine.mem = mem;
	o.machine.numa_nodes = numa;
	o.trace = true;
	/* A traced capture leaves memblock=debug out; the console check needs it. */
	o.machine.append = "memblock=debug";
	o.console_out = con;
	o.timeout_s = 900;
	c = mb_linux_capture(&o, &err);
	if (!c) {
		fprintf(stderr, "traced capture of %s failed: %s\n", deb, err.msg);
		return 1;
	}
	if (mb_capture_write(c, out, &err)) {
		fprintf(stderr, "%s: %s\n", out, err.msg);
		mb_capture_free(c);
		return 1;
	}
	printf("%s: %zu events; %s; %s\n", out, c->nevents,
	       mb_capture_get_meta(c, "trace_stats") ?: "?",
	       mb_capture_get_meta(c, "read_point") ?: "?");
	mb_capture_free(c);
	return 0;
}

/*
 * replay CAP: our memblock, fed every traced call from memblock's initial
 * state, must end with the arrays Linux had at memblock_free_all, exactly,
 * and its allocations must return the addresses Linux's did.
 */
static int t_replay(const char *path)
{
	struct mb_capture *c = load(path);
	struct mb_replay_report rep;
	struct mb_error err = { 0 };
	struct mb_state end;
	char msg[400];
	int rc;

	/* Empty: no bytes (6.1 keeps one zero-sized dummy region per array, 6.12 none). */
	CHECK(c->initial.valid && !c->initial.memory.total_size && !c->initial.reserved.total_size &&
	      c->initial.memory.cnt <= 1 && c->initial.reserved.cnt <= 1 &&
	      (!c->initial.memory.cnt || !c->initial.memory.regions[0].size) &&
	      (!c->initial.reserved.cnt || !c->initial.reserved.regions[0].size) &&
	      c->initial.memory.max && c->initial.reserved.max,
	      "initial state: valid %d, %" PRIu64 " memory and %" PRIu64 " reserved regions",
	      c->initial.valid, c->initial.memory.cnt, c->initial.reserved.cnt);
	CHECK(c->final.valid && c->final.memory.cnt && c->final.reserved.cnt, "no live arrays");
	rc = mb_replay_verify(c, &end, &rep, &err);
	CHECK(rc == 0, "replay: %s", rc < 0 ? err.msg : rep.divergence);
	if (rc >= 0) {
		/* Independently of verify's own flags: every region, flag and nid. */
		CHECK(!mb_state_compare(&c->final, &end, MB_CMP_MAX | MB_CMP_TOTALS | MB_CMP_LIMITS,
					msg, sizeof(msg)), "replayed arrays differ: %s", msg);
		mb_state_clear(&end);
	}
	CHECK(rep.allocs > 0, "no allocations replayed");
	CHECK(rep.alloc_mismatches == 0, "%zu of %zu allocations returned another address",
	      rep.alloc_mismatches, rep.allocs);
	printf("%s: %zu events, %zu applied; allocations replayed by our memblock at Linux's addresses: %zu of %zu\n",
	       path, rep.events, rep.applied, rep.allocs - rep.alloc_mismatches, rep.allocs);
	printf("%s: memory %" PRIu64 " regions, reserved %" PRIu64 " regions equal\n", path,
	       c->final.memory.cnt, c->final.reserved.cnt);
	mb_capture_free(c);
	return failures ? 1 : 0;
}

static const char *sym(const struct mb_capture *c, const struct mb_event *e)
{
	return mb_event_sym(c, e) ?: "?";
}

/*
 * console CAP: every memblock=debug line of the same boot is one traced
 * event (operation, range or size, caller symbol and offset), each traced
 * event used once; and the trace sees more than the console.
 */
static int t_console(const char *path)
{
	struct mb_capture *c = load(path), *con;
	struct mb_error err = { 0 };
	char cpath[4096];
	bool *used;
	size_t i, j, matched = 0, cons = 0;

	snprintf(cpath, sizeof(cpath), "%s.console", path);
	con = mb_import_file(cpath, NULL, &err);
	if (!con) {
		fprintf(stderr, "%s: %s\n", cpath, err.msg);
		return 1;
	}
	used = calloc(c->nevents + 1, sizeof(*used));
	for (i = 0; i < con->nevents; i++) {
		const struct mb_event *ce = &con->events[i];
		const char *cs = sym(con, ce);
		bool found = false;

		if (ce->rec.op == MB_OP_NONE || !strcmp(cs, MB_IMPORT_NUMA_SYM))
			continue;
		cons++;
		for (j = 0; j < c->nevents && !found; j++) {
			const struct mb_event *te = &c->events[j];

			if (used[j] || te->rec.op != ce->rec.op || te->rec.base != ce->rec.base)
				continue;
			/* A doubling line names no caller, and the array's bytes, not pages. */
			if (ce->rec.op == MB_OP_DOUBLE_ARRAY ?
			    te->rec.size != ((ce->rec.size + 4095) & ~4095ull) :
			    te->rec.size != ce->rec.size || te->caller_off != ce->caller_off ||
			    strcmp(sym(c, te), cs))
				continue;
			used[j] = found = true;
		}
		CHECK(found, "console line %zu (%s [0x%" PRIx64 "+0x%" PRIx64 "] %s+0x%x) has no traced event",
		      i, mb_op_name(ce->rec.op) ?: "?", ce->rec.base, ce->rec.size, cs, ce->caller_off);
		matched += found;
	}
	CHECK(cons > 10, "only %zu console events: was memblock=debug on?", cons);
	CHECK(c->nevents > cons, "trace has %zu events, console %zu", c->nevents, cons);
	printf("%s: %zu of %zu console events matched one traced event each; trace has %zu events\n",
	       path, matched, cons, c->nevents);
	free(used);
	mb_capture_free(con);
	mb_capture_free(c);
	return failures ? 1 : 0;
}

/* The first frame outside memblock, or NULL. */
static const char *outside(const struct mb_capture *c, size_t ev)
{
	const struct mb_frame *f;
	unsigned int n = mb_event_chain(c, ev, &f, NULL), k;

	for (k = 0; k < n; k++) {
		const char *s = mb_frame_name(c, &f[k]);

		if (s && !mb_symbol_is_memblock(s))
			return s;
	}
	return NULL;
}

static bool reserves(unsigned int op)
{
	return op == MB_OP_RESERVE || op == MB_OP_DOUBLE_ARRAY ||
	       (op >= MB_OP_PHYS_ALLOC_RANGE && op <= MB_OP_ALLOC_NODE);
}

/* The named caller of the last traced reservation covering @addr, or NULL. */
static const char *who(const struct mb_capture *c, uint64_t addr)
{
	size_t i = c->nevents;

	while (i--) {
		const struct mb_event *e = &c->events[i];
		uint64_t b = e->rec.op == MB_OP_RESERVE ? e->rec.base : e->rec.op == MB_OP_DOUBLE_ARRAY ?
			     e->rec.base : e->rec.result;

		if (!reserves(e->rec.op) || (e->rec.rflags & MB_REC_FAILED) || addr < b ||
		    addr - b >= e->rec.size)
			continue;
		return outside(c, i);
	}
	return NULL;
}

/*
 * attrib CAP: every reserved region at the read point starts inside a
 * traced reservation with a named caller outside memblock; the kernel
 * image, page 0 and the real-mode area by the callers Linux uses.
 */
static int t_attrib(const char *path)
{
	struct mb_capture *c = load(path);
	uint64_t i, bytes = 0, named = 0;
	const char *k = who(c, 0x1000000), *p0 = who(c, 0), *rm = NULL;

	for (i = 0; i < c->final.reserved.cnt; i++) {
		const struct mb_region_rec *r = &c->final.reserved.regions[i];
		uint64_t a;

		/* Page by page: a region may merge reservations of several callers. */
		for (a = r->base; a < r->base + r->size; a = (a | 0xfff) + 1) {
			const char *w = who(c, a);
			uint64_t n = ((a | 0xfff) + 1 < r->base + r->size ? (a | 0xfff) + 1 :
				      r->base + r->size) - a;

			bytes += n;
			if (w)
				named += n;
			else
				CHECK(w, "reserved byte 0x%" PRIx64 " (region %" PRIu64 ") has no named caller",
				      a, i);
			if (!w)
				break;	/* one message per region */
		}
	}
	/*
	 * The real-mode area: allocated by reserve_real_mode (later covered
	 * again by setup_arch's reservation of the first megabyte).
	 */
	for (i = 0; i < c->nevents; i++) {
		const struct mb_event *e = &c->events[i];

		/* x86 asks for it below 1 MiB: memblock_phys_alloc_range(size, 4K, 0, 1M). */
		if (e->rec.op == MB_OP_PHYS_ALLOC_RANGE && !e->rec.depth && e->rec.result &&
		    e->rec.max_addr == 0x100000 && who(c, e->rec.result))
			rm = outside(c, i);
	}
	CHECK(k && !strcmp(k, "setup_arch"), "kernel image at 16 MiB: %s", k ?: "(none)");
	CHECK(p0 && !strcmp(p0, "setup_arch"), "page 0: %s", p0 ?: "(none)");
	CHECK(rm && !strcmp(rm, "reserve_real_mode"), "real-mode area: %s", rm ?: "(none)");
	printf("%s: %" PRIu64 " of %" PRIu64 " reserved bytes have a named caller; kernel image: %s, page 0: %s, real mode: %s\n",
	       path, named, bytes, k ?: "-", p0 ?: "-", rm ?: "-");
	mb_capture_free(c);
	return failures ? 1 : 0;
}

/* chains CAP: at least 90% of events carry two frames or more, symbolised. */
static int t_chains(const char *path)
{
	struct mb_capture *c = load(path);
	size_t i, multi = 0, named = 0;

	for (i = 0; i < c->nevents; i++) {
		const struct mb_frame *f;
		unsigned int n = mb_event_chain(c, i, &f, NULL);

		if (n >= 2)
			multi++;
		/* A doubling is credited to the public call's caller: further up its chain. */
		for (unsigned int k = 0; k < n; k++) {
			if (f[k].addr == c->events[i].rec.caller && mb_frame_name(c, &f[k]) &&
			    (k == 0 || c->events[i].rec.op == MB_OP_DOUBLE_ARRAY)) {
				named++;
				break;
			}
		}
	}
	CHECK(c->nevents && multi * 10 >= c->nevents * 9, "%zu of %zu events with 2+ frames",
	      multi, c->nevents);
	CHECK(named == c->nevents, "%zu of %zu chains start at the event's caller, symbolised",
	      named, c->nevents);
	printf("%s: %zu of %zu events have chains of 2+ frames (%s)\n", path, multi, c->nevents,
	       mb_capture_get_meta(c, "trace_unwinder") ?: "?");
	mb_capture_free(c);
	return failures ? 1 : 0;
}

/* vmlinux DEB OUT: the package's unpacked kernel ELF (for the fault tests to edit). */
static int t_vmlinux(const char *deb, const char *out)
{
	struct mb_error err = { 0 };
	struct mb_linux_image *img = mb_linux_image_open(deb, &err);
	FILE *f;
	int rc = 0;

	if (!img) {
		fprintf(stderr, "%s: %s\n", deb, err.msg);
		return 1;
	}
	f = fopen(out, "wb");
	if (!f || fwrite(img->vmlinux, 1, img->vmlinux_len, f) != img->vmlinux_len)
		rc = 1;
	if (f && fclose(f))
		rc = 1;
	mb_linux_image_free(img);
	return rc;
}

/* meta CAP KEY: print one metadata value (exit 1 if absent). */
static int t_meta(const char *path, const char *key)
{
	struct mb_error err = { 0 };
	struct mb_capture *c = mb_capture_read(path, &err);
	const char *v = c ? mb_capture_get_meta(c, key) : NULL;

	if (v)
		printf("%s\n", v);
	else
		fprintf(stderr, "%s: no %s\n", path, c ? key : err.msg);
	mb_capture_free(c);
	return v ? 0 : 1;
}

int main(int argc, char **argv)
{
	setvbuf(stdout, NULL, _IONBF, 0);
	if (argc >= 5 && !strcmp(argv[1], "capture"))
		return t_capture(argv[2], argv[3], argv[4], argc > 5 ? atoi(argv[5]) : 0);
	if (argc == 3 && !strcmp(argv[1], "replay"))
		return t_replay(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "console"))
		return t_console(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "attrib"))
		return t_attrib(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "chains"))
		return t_chains(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "vmlinux"))
		return t_vmlinux(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "meta"))
		return t_meta(argv[2], argv[3]);
	fprintf(stderr, "usage: %s capture DEB OUT MEM [NUMA] | replay|console|attrib|chains CAP | vmlinux DEB OUT | meta CAP KEY\n",
		argv[0]);
	return 2;
}
