// SPDX-License-Identifier: GPL-2.0-only
/* import.c - parse Linux memblock=debug console output into a capture. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/import.h"
#include "uapi/mb_evlog.h"

#define IMP_MAX_NUMNODES	1024
#define IMP_INIT_REGIONS	128
#define IMP_LINE_MAX		4096

/* A state being assembled from a "MEMBLOCK configuration:" block. */
struct block {
	struct mb_state st;
	size_t cap[2];
	struct mb_array *cur;	/* NULL: physmem or before any .cnt line */
	int cur_idx;
	bool bad;
};

struct importer {
	struct mb_capture *c;
	struct mb_import_stats *stats;
	struct mb_error *err;
	bool have_initial;
	bool in_block;
	struct block blk;
	bool pending;		/* an alloc line waits for its reserve line */
	struct mb_event pend;
	uint64_t ts_ns;
	int version_major, version_minor;
};

/* ---- small parsing helpers over a NUL-terminated string ---- */

static const char *skip_sp(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

static bool lit(const char **pp, const char *s)
{
	size_t n = strlen(s);

	if (strncmp(*pp, s, n))
		return false;
	*pp += n;
	return true;
}

/* Up to 16 hex digits at *pp (upper case too if @upper); advances *pp. */
static bool hexdigits(const char **pp, uint64_t *out, bool upper)
{
	const char *p = *pp;
	uint64_t v = 0;
	int digits = 0;

	for (;; p++, digits++) {
		int d;

		if (*p >= '0' && *p <= '9')
			d = *p - '0';
		else if (*p >= 'a' && *p <= 'f')
			d = *p - 'a' + 10;
		else if (upper && *p >= 'A' && *p <= 'F')
			d = *p - 'A' + 10;
		else
			break;
		if (digits >= 16)
			return false;
		v = v << 4 | (uint64_t)d;
	}
	if (!digits)
		return false;
	*out = v;
	*pp = p;
	return true;
}

/* "0x" followed by hex digits (%pa, %#x) */
static bool hexnum(const char **pp, uint64_t *out)
{
	const char *p = *pp;

	if (p[0] != '0' || (p[1] != 'x' && p[1] != 'X'))
		return false;
	p += 2;
	if (!hexdigits(&p, out, true))
		return false;
	*pp = p;
	return true;
}

/* kernel "%x" (no 0x prefix) */
static bool barehex(const char **pp, uint64_t *out)
{
	return hexdigits(pp, out, false);
}

static bool decnum(const char **pp, int64_t *out)
{
	const char *p = *pp;
	bool neg = false;
	uint64_t v = 0;
	int digits = 0;

	if (*p == '-') {
		neg = true;
		p++;
	}
	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (digits >= 19)
			return false;
		v = v * 10 + (uint64_t)(*p - '0');
	}
	if (!digits)
		return false;
	*out = neg ? -(int64_t)v : (int64_t)v;
	*pp = p;
	return true;
}

/* "[0x...-0x...]" -> base, size */
static bool range(const char **pp, uint64_t *base, uint64_t *size)
{
	const char *p = *pp;
	uint64_t a, b;

	if (!lit(&p, "[") || !hexnum(&p, &a) || !lit(&p, "-") || !hexnum(&p, &b) ||
	    !lit(&p, "]") || b < a)
		return false;
	*base = a;
	*size = b - a + 1;
	*pp = p;
	return true;
}

/* "%pS": "sym+0xoff/0xlen" [" [module]"], or a bare "0x..." address */
static bool caller(struct importer *im, const char **pp, struct mb_event *ev)
{
	const char *p = skip_sp(*pp), *plus;
	char name[256];
	uint64_t off = 0, len, addr;
	size_t n;

	ev->caller_sym = MB_NO_SYM;
	ev->caller_off = 0;
	ev->rec.caller = 0;
	if (hexnum(&p, &addr)) {
		ev->rec.caller = addr;
		*pp = p;
		return true;
	}
	plus = p;
	while (*plus && *plus != '+' && *plus != ' ' && *plus != '\t')
		plus++;
	n = (size_t)(plus - p);
	if (!n || n >= sizeof(name))
		return false;
	memcpy(name, p, n);
	name[n] = 0;
	p = plus;
	if (*p == '+') {
		p++;
		if (!hexnum(&p, &off))
			return false;
		if (*p == '/') {
			p++;
			if (!hexnum(&p, &len))
				return false;
		}
	}
	ev->caller_sym = mb_capture_intern_sym(im->c, name);
	if (ev->caller_sym == MB_NO_SYM)
		return false;
	ev->caller_off = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
	/* No address in a console log: keep the offset so callers stay distinct. */
	ev->rec.caller = off;
	*pp = p;
	return true;
}

/* ---- events ---- */

static void ev_init(struct importer *im, struct mb_event *ev, unsigned int op)
{
	memset(ev, 0, sizeof(*ev));
	ev->rec.op = (uint16_t)op;
	ev->rec.nid = -1;
	ev->rec.tsc = im->ts_ns;
	ev->caller_sym = MB_NO_SYM;
}

static int emit(struct importer *im, struct mb_event *ev)
{
	if (!im->have_initial) {
		if (im->stats)
			im->stats->skipped_before_initial++;
		return 0;
	}
	ev->rec.seq = im->c->nevents;
	return mb_capture_add_event(im->c, ev, im->err);
}

static int flush_pending(struct importer *im)
{
	if (!im->pending)
		return 0;
	im->pending = false;
	im->pend.rec.rflags |= MB_REC_FAILED;
	im->pend.rec.result = 0;
	if (im->stats && im->have_initial)
		im->stats->failed_allocs++;
	return emit(im, &im->pend);
}

static bool sym_is(struct importer *im, const struct mb_event *ev, const char *name)
{
	const char *s = mb_event_sym(im->c, ev);

	return s && !strcmp(s, name);
}

/* "<fn>: [a-b] [nid=N flags=X] caller" */
static int range_line(struct importer *im, const char *p, unsigned int op, bool nidflags)
{
	struct mb_event ev;
	int64_t nid;
	uint64_t fl;

	ev_init(im, &ev, op);
	if (!range(&p, &ev.rec.base, &ev.rec.size))
		return 1;
	if (nidflags) {
		p = skip_sp(p);
		if (!lit(&p, "nid=") || !decnum(&p, &nid) || !lit(&p, " flags=") ||
		    !barehex(&p, &fl))
			return 1;
		ev.rec.nid = (int32_t)nid;
		ev.rec.mflags = (uint32_t)fl;
	}
	if (!caller(im, &p, &ev))
		return 1;

	if (op == MB_OP_RESERVE && im->pending &&
	    sym_is(im, &ev, "memblock_alloc_range_nid")) {
		/* The reserve half of an allocation: the result. */
		im->pending = false;
		im->pend.rec.result = ev.rec.base;
		if (ev.rec.size != im->pend.rec.size && !im->pend.rec.size)
			im->pend.rec.size = ev.rec.size;
		return emit(im, &im->pend) ? -1 : 0;
	}
	if (flush_pending(im))
		return -1;
	if (sym_is(im, &ev, "memblock_double_array")) {
		ev.rec.depth = 1;
		ev.rec.rflags |= MB_REC_INTERNAL;
	}
	return emit(im, &ev) ? -1 : 0;
}

/* "<fn>: N bytes align=0x.. [nid=N] from=0x.. max_addr=0x.. caller" */
static int alloc_line(struct importer *im, const char *p, unsigned int op, bool has_nid)
{
	struct mb_event ev;
	int64_t size, nid = -1;

	ev_init(im, &ev, op);
	if (!decnum(&p, &size) || size < 0 || !lit(&p, " bytes align=") ||
	    !hexnum(&p, &ev.rec.align))
		return 1;
	ev.rec.size = (uint64_t)size;
	p = skip_sp(p);
	if (has_nid && (!lit(&p, "nid=") || !decnum(&p, &nid)))
		return 1;
	ev.rec.nid = (int32_t)nid;
	p = skip_sp(p);
	if (!lit(&p, "from=") || !hexnum(&p, &ev.rec.min_addr))
		return 1;
	p = skip_sp(p);
	if (!lit(&p, "max_addr=") || !hexnum(&p, &ev.rec.max_addr))
		return 1;
	if (!caller(im, &p, &ev))
		return 1;
	if (flush_pending(im))
		return -1;
	im->pending = true;
	im->pend = ev;
	return 0;
}

/* "memblock: <type> is doubled to N at [a-b]" (anywhere in a line) */
static int doubled_line(struct importer *im, const char *p)
{
	struct mb_event ev;
	int64_t n;

	ev_init(im, &ev, MB_OP_DOUBLE_ARRAY);
	if (lit(&p, "memory"))
		ev.rec.mflags = 0;
	else if (lit(&p, "reserved"))
		ev.rec.mflags = 1;
	else
		return 1;
	if (!lit(&p, " is doubled to ") || !decnum(&p, &n) || !lit(&p, " at ") ||
	    !range(&p, &ev.rec.base, &ev.rec.size))
		return 1;
	ev.rec.max_addr = (uint64_t)n;
	ev.rec.depth = 1;
	ev.rec.rflags |= MB_REC_INTERNAL;
	return emit(im, &ev) ? -1 : 0;
}

/* ---- MEMBLOCK configuration blocks ---- */

static void block_reset(struct block *b)
{
	mb_state_clear(&b->st);
	memset(b, 0, sizeof(*b));
	b->st.valid = true;
	b->st.current_limit = UINT64_MAX;
}

static int block_add(struct block *b, const struct mb_region_rec *r)
{
	struct mb_array *a = b->cur;
	size_t *cap = &b->cap[b->cur_idx];

	if (a->cnt == *cap) {
		size_t n = *cap ? *cap * 2 : 16;
		struct mb_region_rec *nr = realloc(a->regions, n * sizeof(*nr));

		if (!nr)
			return -1;
		a->regions = nr;
		*cap = n;
	}
	a->regions[a->cnt++] = *r;
	return 0;
}

/* Index+1 of the latest event that added or reserved bytes of [base, end), 0 if none. */
static size_t latest_touch(const struct mb_capture *c, int t, uint64_t base, uint64_t end)
{
	size_t i;

	for (i = c->nevents; i > 0; i--) {
		const struct mb_event *e = &c->events[i - 1];
		uint64_t b, sz;

		if (t == 0 && (e->rec.op == MB_OP_ADD || e->rec.op == MB_OP_ADD_NODE)) {
			b = e->rec.base;
			sz = e->rec.size;
		} else if (t == 1 && e->rec.op == MB_OP_RESERVE) {
			b = e->rec.base;
			sz = e->rec.size;
		} else if (t == 1 && e->rec.op >= MB_OP_PHYS_ALLOC_RANGE && e->rec.op <= MB_OP_ALLOC_NODE &&
			   e->rec.result && !(e->rec.rflags & MB_REC_FAILED)) {
			b = e->rec.result;
			sz = e->rec.size;
		} else {
			continue;
		}
		if (b < end && b + sz > base)
			return i;
	}
	return 0;
}

/*
 * 6.12 prints no node for both NUMA_NO_NODE and MAX_NUMNODES.  Two touching
 * regions with the same flags and no printed node were not merged, so their
 * node ids differ: the region reserved more recently keeps MAX_NUMNODES (what
 * memblock_reserve gives), the older one was set to NUMA_NO_NODE by the
 * architecture's NUMA setup (x86 numa_init()).
 */
static void split_invalid_nids(const struct mb_capture *c, int t, struct mb_array *a)
{
	uint64_t i;

	for (i = 1; i < a->cnt; i++) {
		struct mb_region_rec *p = &a->regions[i - 1], *r = &a->regions[i];

		if (p->base + p->size != r->base || p->flags != r->flags ||
		    p->nid != IMP_MAX_NUMNODES || r->nid != IMP_MAX_NUMNODES)
			continue;
		if (latest_touch(c, t, p->base, p->base + p->size) >
		    latest_touch(c, t, r->base, r->base + r->size))
			r->nid = -1;
		else
			p->nid = -1;
	}
}

/* Returns 1 if @p is not a block line (the block ends), 0 if consumed, -1 error. */
static int block_line(struct importer *im, const char *p)
{
	struct block *b = &im->blk;
	struct mb_region_rec r;
	uint64_t v = 0, v2 = 0, idx, end;
	int64_t nid;
	const char *q;
	int which;

	p = skip_sp(p);
	q = p;
	if (lit(&q, "memory size = ")) {
		if (!hexnum(&q, &v) || !lit(&q, " reserved size = ") || !hexnum(&q, &v2))
			b->bad = true;
		b->st.memory.total_size = v;
		b->st.reserved.total_size = v2;
		return 0;
	}
	if (!strncmp(p, "memory", 6))
		which = 0;
	else if (!strncmp(p, "reserved", 8))
		which = 1;
	else if (!strncmp(p, "physmem", 7))
		which = 2;
	else
		return 1;
	q = p + (which == 0 ? 6 : which == 1 ? 8 : 7);
	if (*q == '.') {
		/* ".cnt  = 0x.." */
		if (!lit(&q, ".cnt") || !lit((q = skip_sp(q), &q), "= ") || !hexnum(&q, &v))
			return 1;
		b->cur = which == 2 ? NULL : which == 0 ? &b->st.memory : &b->st.reserved;
		b->cur_idx = which;
		if (b->cur)
			b->cur->max = v;	/* expected count, fixed up at the end */
		return 0;
	}
	if (*q != '[')
		return 1;
	q++;
	if (!hexnum(&q, &idx) || !lit(&q, "]"))
		return 1;
	q = skip_sp(q);
	if (!lit(&q, "[") || !hexnum(&q, &r.base) || !lit(&q, "-") || !hexnum(&q, &end) ||
	    !lit(&q, "], ") || !hexnum(&q, &r.size) || !lit(&q, " bytes"))
		return 1;
	r.nid = IMP_MAX_NUMNODES;
	if (lit(&q, " on node ")) {
		if (!decnum(&q, &nid))
			return 1;
		r.nid = (int32_t)nid;
	}
	if (!lit(&q, " flags: ") || !hexnum(&q, &v))
		return 1;
	r.flags = (uint32_t)v;
	if (which == 2 || !b->cur)
		return 0;
	if (idx != b->cur->cnt || (r.size && end != r.base + r.size - 1))
		b->bad = true;
	if (block_add(b, &r))
		return mb_error_set(im->err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	return 0;
}

static void fix_array(struct mb_array *a, bool *bad)
{
	uint64_t want = a->max, cap = IMP_INIT_REGIONS;

	/* 6.1 prints an empty type as one zero-sized entry. */
	if (a->cnt == 1 && a->regions[0].size == 0 && a->regions[0].base == 0)
		a->cnt = 0;
	else if (want != a->cnt)
		*bad = true;
	while (cap < a->cnt)
		cap *= 2;
	a->max = cap;
}

static int block_end(struct importer *im)
{
	struct block *b = &im->blk;
	uint64_t i;
	int t;

	im->in_block = false;
	fix_array(&b->st.memory, &b->bad);
	fix_array(&b->st.reserved, &b->bad);
	if (b->bad && im->stats)
		im->stats->bad_lines++;
	if (im->stats)
		im->stats->blocks++;
	/* A pending alloc whose reserve line never came before the block. */
	if (flush_pending(im))
		return -1;
	if (!im->have_initial) {
		im->c->initial = b->st;
		memset(&b->st, 0, sizeof(b->st));
		im->have_initial = true;
		return 0;
	}
	/* Node ids are set by memblock_set_node(), which Linux never logs. */
	split_invalid_nids(im->c, 0, &b->st.memory);
	split_invalid_nids(im->c, 1, &b->st.reserved);
	for (t = 0; t < 2; t++) {
		const struct mb_array *a = t ? &b->st.reserved : &b->st.memory;

		for (i = 0; i < a->cnt; i++) {
			struct mb_event ev;

			if (!a->regions[i].size)
				continue;
			ev_init(im, &ev, MB_OP_SET_NODE);
			ev.rec.base = a->regions[i].base;
			ev.rec.size = a->regions[i].size;
			ev.rec.nid = a->regions[i].nid;
			ev.rec.mflags = (uint32_t)t;
			ev.caller_sym = mb_capture_intern_sym(im->c, MB_IMPORT_NUMA_SYM);
			if (emit(im, &ev))
				return -1;
		}
	}
	if (mb_capture_add_checkpoint(im->c, im->c->nevents, &b->st, im->err))
		return -1;
	mb_state_clear(&b->st);
	return 0;
}

/* ---- lines ---- */

/*
 * Strip what precedes the kernel's message: a syslog/journal prefix ending in
 * "kernel: ", a "<6>" level, and a "[    0.000000] " timestamp (kept) or a
 * "dmesg -T" style "[Tue Nov 25 ...]" one.  Returns the message.
 */
static const char *strip_prefix(struct importer *im, const char *p)
{
	const char *q = p, *k = strstr(p, "kernel: ");

	if (k && k - p < 96)
		q = k + 8;
	if (q[0] == '<' && q[1] >= '0' && q[1] <= '7' && q[2] == '>')
		q += 3;
	if (*q == '[') {
		const char *r = q + 1;
		uint64_t sec = 0, frac = 0;
		int fd = 0;

		while (*r == ' ')
			r++;
		while (*r >= '0' && *r <= '9')
			sec = sec * 10 + (uint64_t)(*r++ - '0');
		if (*r == '.') {
			r++;
			while (*r >= '0' && *r <= '9') {
				if (fd < 9) {
					frac = frac * 10 + (uint64_t)(*r - '0');
					fd++;
				}
				r++;
			}
			while (fd < 9) {
				frac *= 10;
				fd++;
			}
			if (*r == ']') {
				im->ts_ns = sec * 1000000000ULL + frac;
				q = r + 1;
				if (*q == ' ')
					q++;
				return q;
			}
		}
		/* A human-readable timestamp: skip it whole. */
		r = strchr(q, ']');
		if (r && r - q < 48 && r[1] == ' ' && r[2] != '[')
			q = r + 2;
	}
	return q;
}

struct linefmt {
	const char *prefix;
	unsigned int op;
	int kind;		/* 0 range, 1 range+nid/flags, 2 alloc, 3 alloc+nid */
};

static const struct linefmt formats[] = {
	{ "memblock_add_node: ", MB_OP_ADD_NODE, 1 },
	{ "memblock_add: ", MB_OP_ADD, 0 },
	{ "memblock_remove: ", MB_OP_REMOVE, 0 },
	{ "memblock_reserve: ", MB_OP_RESERVE, 0 },
	{ "__memblock_reserve: ", MB_OP_RESERVE, 1 },
	{ "memblock_phys_free: ", MB_OP_PHYS_FREE, 0 },
	{ "memblock_free_late: ", MB_OP_PHYS_FREE, 0 },
	{ "memblock_physmem_add: ", MB_OP_PHYSMEM_ADD, 0 },
	{ "memblock_phys_alloc_range: ", MB_OP_PHYS_ALLOC_RANGE, 2 },
	{ "memblock_alloc_try_nid_raw: ", MB_OP_ALLOC_TRY_NID_RAW, 3 },
	{ "memblock_alloc_exact_nid_raw: ", MB_OP_ALLOC_EXACT_NID_RAW, 3 },
	{ "memblock_alloc_try_nid: ", MB_OP_ALLOC_TRY_NID, 3 },
};

static int handle_line(struct importer *im, const char *line)
{
	const char *p = strip_prefix(im, line), *d;
	size_t i;
	int rc;

	if (im->in_block) {
		rc = block_line(im, p);
		if (rc <= 0)
			return rc;
		if (block_end(im))
			return -1;
	}
	if (!im->version_major) {
		d = strstr(p, "Linux version ");
		if (d) {
			int a = 0, b = 0;

			if (sscanf(d + 14, "%d.%d", &a, &b) == 2) {
				char v[32];

				im->version_major = a;
				im->version_minor = b;
				snprintf(v, sizeof(v), "%d.%d", a, b);
				mb_capture_set_meta(im->c, "linux_version", v);
			}
		}
	}
	if (!strncmp(skip_sp(p), "MEMBLOCK configuration:", 23)) {
		if (im->stats)
			im->stats->memblock_lines++;
		block_reset(&im->blk);
		im->in_block = true;
		return 0;
	}
	d = strstr(p, "memblock: ");
	if (d && strstr(d, " is doubled to ")) {
		if (im->stats)
			im->stats->memblock_lines++;
		rc = doubled_line(im, d + 10);
		if (rc > 0 && im->stats)
			im->stats->bad_lines++;
		return rc < 0 ? -1 : 0;
	}
	p = skip_sp(p);
	for (i = 0; i < sizeof(formats) / sizeof(formats[0]); i++) {
		size_t n = strlen(formats[i].prefix);

		if (strncmp(p, formats[i].prefix, n))
			continue;
		if (im->stats)
			im->stats->memblock_lines++;
		if (formats[i].kind <= 1)
			rc = range_line(im, p + n, formats[i].op, formats[i].kind == 1);
		else
			rc = alloc_line(im, p + n, formats[i].op, formats[i].kind == 3);
		if (rc > 0 && im->stats)
			im->stats->bad_lines++;
		return rc < 0 ? -1 : 0;
	}
	return 0;
}

/*
 * Read one line into @buf (NUL-terminated, without the '\n').  A longer line
 * is consumed to its end but only @cap - 1 bytes are kept, so memory stays
 * bounded whatever the input, and *@too_long says so.
 * Returns the kept length, or -1 at the end of the input.
 */
static ssize_t bounded_line(FILE *f, char *buf, size_t cap, bool *too_long)
{
	size_t n = 0;
	bool any = false;
	int c;

	*too_long = false;
	while ((c = getc_unlocked(f)) != EOF) {
		any = true;
		if (c == '\n')
			break;
		if (n < cap - 1)
			buf[n++] = (char)c;
		else
			*too_long = true;
	}
	if (!any)
		return -1;
	buf[n] = '\0';
	return (ssize_t)n;
}

/**
 * mb_import_stream() - import memblock=debug console output
 * @f: open text stream
 * @name: name for messages (file name)
 * @stats: filled with counts, may be NULL
 * @err: filled on failure
 *
 * Return: a new capture (source MB_SRC_CONSOLE), or NULL with @err set.
 */
struct mb_capture *mb_import_stream(FILE *f, const char *name, struct mb_import_stats *stats,
				    struct mb_error *err)
{
	struct mb_import_stats local;
	struct importer im;
	char *line = NULL;
	size_t cap = 0;
	bool too_long;
	ssize_t n;

	memset(&im, 0, sizeof(im));
	if (!stats)
		stats = &local;
	memset(stats, 0, sizeof(*stats));
	im.stats = stats;
	im.err = err;
	im.c = mb_capture_new();
	if (!im.c) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	im.c->source = MB_SRC_CONSOLE;
	im.c->boot_state = MB_BOOT_STATE_DONE;
	line = malloc(IMP_LINE_MAX + 2);
	if (!line) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		goto fail;
	}
	cap = IMP_LINE_MAX + 2;
	while ((n = bounded_line(f, line, cap, &too_long)) >= 0) {
		stats->lines++;
		if (too_long)
			continue;	/* over 4 KiB: not a memblock line */
		while (n && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = 0;
		if (memchr(line, 0, (size_t)n)) {
			/* Embedded NULs: treat the line as noise. */
			continue;
		}
		if (n > IMP_LINE_MAX)
			continue;
		if (handle_line(&im, line))
			goto fail;
	}
	if (ferror(f)) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: read error: %s", name, strerror(errno));
		goto fail;
	}
	if (im.in_block && block_end(&im))
		goto fail;
	if (flush_pending(&im))
		goto fail;
	free(line);
	line = NULL;
	mb_state_clear(&im.blk.st);
	if (!im.have_initial) {
		mb_error_set(err, MB_ERR_FORMAT, 0, 0,
			     stats->memblock_lines ?
			     "%s: no \"MEMBLOCK configuration:\" block (boot without memblock=debug?)" :
			     "%s: not a capture file or a memblock=debug console log", name);
		goto fail;
	}
	im.c->log_written = im.c->nevents;
	{
		char v[32];

		snprintf(v, sizeof(v), "%zu", stats->skipped_before_initial);
		mb_capture_set_meta(im.c, "import_skipped_before_initial", v);
		snprintf(v, sizeof(v), "%zu", stats->bad_lines);
		mb_capture_set_meta(im.c, "import_bad_lines", v);
		mb_capture_set_meta(im.c, "import_file", name);
	}
	return im.c;
fail:
	free(line);
	mb_state_clear(&im.blk.st);
	mb_capture_free(im.c);
	return NULL;
}

/**
 * mb_import_file() - import a console log file
 * @path: file name
 * @stats: filled with counts, may be NULL
 * @err: filled on failure
 *
 * Return: a new capture, or NULL with @err set.
 */
struct mb_capture *mb_import_file(const char *path, struct mb_import_stats *stats,
				  struct mb_error *err)
{
	struct mb_capture *c;
	FILE *f = fopen(path, "r");

	if (!f) {
		mb_error_set(err, errno == ENOENT ? MB_ERR_NOTFOUND : MB_ERR_IO, errno, 0,
			     "%s: %s", path, strerror(errno));
		return NULL;
	}
	c = mb_import_stream(f, path, stats, err);
	fclose(f);
	return c;
}

/**
 * mb_import_sniff() - guess whether a file is a memblock console log
 * @path: file name
 *
 * Return: 1 if the first 64 KiB mention memblock output, 0 if not, -1 if the
 * file cannot be read.
 */
int mb_import_sniff(const char *path)
{
	char *buf;
	size_t n;
	FILE *f = fopen(path, "rb");
	int rc;

	if (!f)
		return -1;
	buf = malloc(65537);
	if (!buf) {
		fclose(f);
		return -1;
	}
	n = fread(buf, 1, 65536, f);
	fclose(f);
	buf[n] = 0;
	/* Replace NULs so strstr sees the whole buffer. */
	for (size_t i = 0; i < n; i++)
		if (!buf[i])
			buf[i] = ' ';
	rc = strstr(buf, "MEMBLOCK configuration:") || strstr(buf, "memblock_") ? 1 : 0;
	free(buf);
	return rc;
}
