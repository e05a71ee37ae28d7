// SPDX-License-Identifier: GPL-2.0-only
/* diff.c - `memblock-cli diff A B`: bytes by caller, allocations paired across captures, calls. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/types.h>

#include "cli.h"
#include "map.h"
#include "mbagent/import.h"
#include "mbanalysis/analysis.h"
#include "uapi/mb_evlog.h"

#define TEXT_MAX_CALLS	2000
#define TEXT_MAX_ROWS	100

enum out_format { OUT_TEXT, OUT_JSON, OUT_CSV, OUT_HTML };
enum sort_key { SORT_DELTA, SORT_SIZE, SORT_NAME };

struct diff_opts {
	bool show_events, all;
	enum out_format fmt;
	enum sort_key sort;
	uint64_t rows;		/* 0: the default */
	struct mba_group group;
	bool reserved_set, memory_set, new_callers;
	uint64_t reserved_max, memory_max;
	const char *outpath;
};

/* ---- one side: capture, end state, ownership, call sequence ---- */

struct side {
	const char *path;
	struct mb_capture *c;
	struct mb_state end;
	const char *how;
	struct mba_owners own;
	struct mba_seg *allocs;	/* live owned ranges at the end, by address */
	size_t nallocs;
	size_t *idx;		/* event index of each top-level call */
	uint64_t *key;		/* its op and caller */
	size_t ncalls;
};

static int build_calls(struct side *s)
{
	const struct mb_capture *c = s->c;
	size_t i;

	s->idx = malloc((c->nevents + 1) * sizeof(*s->idx));
	s->key = malloc((c->nevents + 1) * sizeof(*s->key));
	if (!s->idx || !s->key)
		return -1;
	for (i = 0; i < c->nevents; i++) {
		const struct mb_event *e = &c->events[i];
		const char *sym = mb_event_sym(c, e);
		uint32_t w;

		/* Nested calls and the importer's inferred set_node calls are not calls. */
		if (e->rec.depth || (sym && !strcmp(sym, MB_IMPORT_NUMA_SYM)))
			continue;
		w = mba_event_owner(&s->own, e);
		if (w == MBA_NO_OWNER)
			return -1;
		s->idx[s->ncalls] = i;
		s->key[s->ncalls] = (uint64_t)e->rec.op << 32 | w;
		s->ncalls++;
	}
	return 0;
}

static int load_side(struct side *s, struct mba_names *nm, const struct mba_group *group,
		     struct mb_error *err)
{
	s->c = cli_load(s->path, err);
	if (!s->c)
		return -1;
	if (cli_end_state(s->c, &s->end, &s->how, err))
		return -1;
	if (mba_owners_init(&s->own, s->c, nm, group) ||
	    mba_owners_seek(&s->own, s->c->nevents) ||
	    mba_imap_flatten(&s->own.reserved, &s->allocs, &s->nallocs) || build_calls(s))
		return mb_error_set(err, MB_ERR_NOMEM, 0, 0, "out of memory");
	return 0;
}

static void free_side(struct side *s)
{
	if (s->c)
		cli_release(s->c);
	mb_state_clear(&s->end);
	mba_owners_free(&s->own);
	free(s->allocs);
	free(s->idx);
	free(s->key);
}

/* ---- bytes by caller ---- */

struct crow {
	uint32_t name;
	uint64_t a, b;
};

static mba_s128 delta_of(const struct crow *r)
{
	return (mba_s128)r->b - (mba_s128)r->a;
}

static mba_s128 abs128(mba_s128 v)
{
	return v < 0 ? -v : v;
}

static const struct mba_names *sort_names;

static int crow_cmp_name(const struct crow *p, const struct crow *q)
{
	return strcmp(sort_names->v[p->name], sort_names->v[q->name]);
}

static int crow_cmp_delta(const void *x, const void *y)
{
	const struct crow *p = x, *q = y;
	mba_s128 dp = abs128(delta_of(p)), dq = abs128(delta_of(q));

	if (dp != dq)
		return dp < dq ? 1 : -1;
	if (p->b != q->b)
		return p->b < q->b ? 1 : -1;
	return crow_cmp_name(p, q);
}

static int crow_cmp_size(const void *x, const void *y)
{
	const struct crow *p = x, *q = y;
	uint64_t sp = p->a > p->b ? p->a : p->b, sq = q->a > q->b ? q->a : q->b;

	if (sp != sq)
		return sp < sq ? 1 : -1;
	return crow_cmp_name(p, q);
}

static int crow_cmp_byname(const void *x, const void *y)
{
	return crow_cmp_name(x, y);
}

static const char *status_of(const struct crow *r)
{
	if (!r->a && r->b)
		return "NEW";
	if (r->a && !r->b)
		return "DEL";
	if (r->a != r->b)
		return "CHANGED";
	return "SAME";
}

static void pct(uint64_t a, uint64_t b, char *buf, size_t len)
{
	if (!a)
		snprintf(buf, len, "%s", b ? "[NEW]" : "0.0%");
	else if (!b)
		snprintf(buf, len, "[DEL]");
	else
		snprintf(buf, len, "%+.1f%%", ((double)b - (double)a) * 100.0 / (double)a);
}

static void signed_human(mba_s128 v, char *buf, size_t len)
{
	char h[32];

	cli_human_size((uint64_t)abs128(v), h, sizeof(h));
	snprintf(buf, len, "%c%s", v < 0 ? '-' : '+', h);
}

/* ---- allocations paired across the two captures ---- */

enum akind { A_MOVED, A_GROWN, A_SHRUNK, A_NEW, A_REMOVED, A_NKINDS };

static const char *const akind_name[] = { "moved", "grown", "shrunk", "new", "removed" };

/**
 * struct achange - one allocation that differs: @a / @b index the sides'
 * allocs (SIZE_MAX when absent); @moved: the address changed too
 */
struct achange {
	uint8_t kind;
	bool moved;
	size_t a, b;
};

struct aref {
	const struct mba_seg *s;
	size_t i;
	bool paired;
};

static uint64_t seg_size(const struct mba_seg *s)
{
	return s->end - s->base;
}

static int aref_by_base(const void *x, const void *y)
{
	const struct aref *p = x, *q = y;

	if (p->s->base != q->s->base)
		return p->s->base < q->s->base ? -1 : 1;
	return p->s->owner < q->s->owner ? -1 : p->s->owner > q->s->owner;
}

/* by caller, then size, then the order the allocations were made in */
static int aref_by_owner_size(const void *x, const void *y)
{
	const struct aref *p = x, *q = y;

	if (p->s->owner != q->s->owner)
		return p->s->owner < q->s->owner ? -1 : 1;
	if (seg_size(p->s) != seg_size(q->s))
		return seg_size(p->s) < seg_size(q->s) ? -1 : 1;
	if (p->s->ev != q->s->ev)
		return p->s->ev < q->s->ev ? -1 : 1;
	return aref_by_base(x, y);
}

static int aref_by_owner(const void *x, const void *y)
{
	const struct aref *p = x, *q = y;

	if (p->s->owner != q->s->owner)
		return p->s->owner < q->s->owner ? -1 : 1;
	if (p->s->ev != q->s->ev)
		return p->s->ev < q->s->ev ? -1 : 1;
	return aref_by_base(x, y);
}

struct achanges {
	struct achange *v;
	size_t n;
	size_t unchanged;
	size_t count[A_NKINDS];
};

static void add_change(struct achanges *ch, uint8_t kind, bool moved, size_t a, size_t b)
{
	ch->v[ch->n++] = (struct achange){ kind, moved, a, b };
	ch->count[kind]++;
}

static uint8_t size_kind(const struct mba_seg *x, const struct mba_seg *y)
{
	return seg_size(y) > seg_size(x) ? A_GROWN : A_SHRUNK;
}

/*
 * Pair in three passes, each on what the previous left unpaired:
 * 1. same caller at the same address: unchanged, or grown/shrunk in place;
 * 2. same caller and size, in allocation order: moved;
 * 3. a caller with as many leftovers on both sides: paired in allocation
 *    order, moved and resized.
 * What is left is new (only in B) or removed (only in A).
 */
static int pair_allocs(const struct side *A, const struct side *B, struct achanges *ch)
{
	struct aref *ra = calloc(A->nallocs + 1, sizeof(*ra));
	struct aref *rb = calloc(B->nallocs + 1, sizeof(*rb));
	size_t i, k, na = A->nallocs, nb = B->nallocs;

	ch->v = calloc(na + nb + 1, sizeof(*ch->v));
	if (!ra || !rb || !ch->v) {
		free(ra);
		free(rb);
		return -1;
	}
	for (i = 0; i < na; i++)
		ra[i] = (struct aref){ &A->allocs[i], i, false };
	for (i = 0; i < nb; i++)
		rb[i] = (struct aref){ &B->allocs[i], i, false };

	/* 1: both lists are in address order already */
	for (i = 0, k = 0; i < na && k < nb;) {
		const struct mba_seg *x = ra[i].s, *y = rb[k].s;

		if (x->base == y->base && x->owner == y->owner) {
			if (x->end == y->end)
				ch->unchanged++;
			else
				add_change(ch, size_kind(x, y), false, ra[i].i, rb[k].i);
			ra[i++].paired = rb[k++].paired = true;
		} else if (x->base < y->base || (x->base == y->base && x->owner < y->owner)) {
			i++;
		} else {
			k++;
		}
	}
	/* 2 */
	qsort(ra, na, sizeof(*ra), aref_by_owner_size);
	qsort(rb, nb, sizeof(*rb), aref_by_owner_size);
	for (i = 0, k = 0; i < na && k < nb;) {
		int c;

		if (ra[i].paired) {
			i++;
			continue;
		}
		if (rb[k].paired) {
			k++;
			continue;
		}
		c = ra[i].s->owner != rb[k].s->owner ?
			(ra[i].s->owner < rb[k].s->owner ? -1 : 1) :
			seg_size(ra[i].s) != seg_size(rb[k].s) ?
			(seg_size(ra[i].s) < seg_size(rb[k].s) ? -1 : 1) : 0;
		if (c < 0) {
			i++;
		} else if (c > 0) {
			k++;
		} else {
			add_change(ch, A_MOVED, true, ra[i].i, rb[k].i);
			ra[i++].paired = rb[k++].paired = true;
		}
	}
	/* 3 */
	qsort(ra, na, sizeof(*ra), aref_by_owner);
	qsort(rb, nb, sizeof(*rb), aref_by_owner);
	for (i = 0, k = 0; i < na || k < nb;) {
		uint32_t w;
		size_t i0, k0, ca = 0, cb = 0;

		if (i < na && (k >= nb || ra[i].s->owner <= rb[k].s->owner))
			w = ra[i].s->owner;
		else
			w = rb[k].s->owner;
		for (i0 = i; i < na && ra[i].s->owner == w; i++)
			ca += !ra[i].paired;
		for (k0 = k; k < nb && rb[k].s->owner == w; k++)
			cb += !rb[k].paired;
		if (ca && ca == cb) {
			size_t p = i0, q = k0;

			while (p < i && q < k) {
				if (ra[p].paired) {
					p++;
				} else if (rb[q].paired) {
					q++;
				} else {
					add_change(ch, size_kind(ra[p].s, rb[q].s),
						   ra[p].s->base != rb[q].s->base, ra[p].i, rb[q].i);
					ra[p++].paired = rb[q++].paired = true;
				}
			}
		}
	}
	for (i = 0; i < na; i++)
		if (!ra[i].paired)
			add_change(ch, A_REMOVED, false, ra[i].i, SIZE_MAX);
	for (i = 0; i < nb; i++)
		if (!rb[i].paired)
			add_change(ch, A_NEW, false, SIZE_MAX, rb[i].i);
	free(ra);
	free(rb);
	return 0;
}

/* For sorting the changes: the sides' allocations. */
static const struct side *sort_a, *sort_b;
static enum sort_key sort_changes_by;

static const struct mba_seg *change_seg(const struct achange *c)
{
	return c->b != SIZE_MAX ? &sort_b->allocs[c->b] : &sort_a->allocs[c->a];
}

static mba_s128 change_delta(const struct achange *c)
{
	mba_s128 a = c->a != SIZE_MAX ? seg_size(&sort_a->allocs[c->a]) : 0;
	mba_s128 b = c->b != SIZE_MAX ? seg_size(&sort_b->allocs[c->b]) : 0;

	return b - a;
}

static int change_cmp(const void *x, const void *y)
{
	const struct achange *p = x, *q = y;
	const struct mba_seg *sp = change_seg(p), *sq = change_seg(q);
	int c;

	switch (sort_changes_by) {
	case SORT_NAME:
		c = strcmp(sort_names->v[sp->owner], sort_names->v[sq->owner]);
		if (c)
			return c;
		break;
	case SORT_SIZE:
		if (seg_size(sp) != seg_size(sq))
			return seg_size(sp) < seg_size(sq) ? 1 : -1;
		break;
	case SORT_DELTA:
		if (abs128(change_delta(p)) != abs128(change_delta(q)))
			return abs128(change_delta(p)) < abs128(change_delta(q)) ? 1 : -1;
		break;
	}
	if (p->kind != q->kind)
		return p->kind < q->kind ? -1 : 1;
	if (sp->owner != sq->owner)
		return strcmp(sort_names->v[sp->owner], sort_names->v[sq->owner]);
	if (seg_size(sp) != seg_size(sq))
		return seg_size(sp) < seg_size(sq) ? 1 : -1;
	return sp->base < sq->base ? -1 : sp->base > sq->base;
}

/* ---- memory ranges, keyed by address (memory does not move) ---- */

enum rchange { R_ADDED, R_REMOVED, R_RESIZED, R_CHANGED };

static const char *const rchange_name[] = { "added", "removed", "resized", "changed" };

struct rdiff {
	enum rchange kind;
	uint64_t base, old_size, new_size;
	int32_t old_nid, new_nid;
	uint32_t old_flags, new_flags;
};

static size_t range_diff(const struct mb_array *a, const struct mb_array *b, struct rdiff *out)
{
	uint64_t i = 0, k = 0;
	size_t n = 0;

	while (i < a->cnt || k < b->cnt) {
		const struct mb_region_rec *x = i < a->cnt ? &a->regions[i] : NULL;
		const struct mb_region_rec *y = k < b->cnt ? &b->regions[k] : NULL;

		if (x && y && x->base == y->base) {
			if (x->size != y->size || x->nid != y->nid || x->flags != y->flags)
				out[n++] = (struct rdiff){ x->size != y->size ? R_RESIZED : R_CHANGED,
							   x->base, x->size, y->size, x->nid,
							   y->nid, x->flags, y->flags };
			i++;
			k++;
		} else if (x && (!y || x->base < y->base)) {
			out[n++] = (struct rdiff){ R_REMOVED, x->base, x->size, 0, x->nid, 0,
						   x->flags, 0 };
			i++;
		} else {
			out[n++] = (struct rdiff){ R_ADDED, y->base, 0, y->size, 0, y->nid, 0,
						   y->flags };
			k++;
		}
	}
	return n;
}

/* "[0x...-0x...]": Linux's inclusive notation, for a range of @size bytes at @base. */
static const char *incl(uint64_t base, uint64_t size, char *buf, size_t len)
{
	uint64_t last = size ? (size - 1 > UINT64_MAX - base ? UINT64_MAX : base + size - 1) :
		base;

	snprintf(buf, len, "[0x%016" PRIx64 "-0x%016" PRIx64 "]", base, last);
	return buf;
}

/* ---- calls ---- */

static bool args_changed(const struct mb_event *x, const struct mb_event *y)
{
	if (x->rec.size != y->rec.size || x->rec.align != y->rec.align || x->rec.nid != y->rec.nid ||
	    x->rec.mflags != y->rec.mflags || x->rec.min_addr != y->rec.min_addr || x->rec.max_addr != y->rec.max_addr)
		return true;
	if (!mba_is_alloc_op(x->rec.op) && x->rec.base != y->rec.base)
		return true;
	return (x->rec.rflags & MB_REC_FAILED) != (y->rec.rflags & MB_REC_FAILED);
}

static void describe_call(const struct mb_capture *c, size_t idx, char *buf, size_t len)
{
	const struct mb_event *e = &c->events[idx];
	char args[320], sym[320], raw[700];

	cli_event_args(e, args, sizeof(args));
	snprintf(raw, sizeof(raw), "%s %s %s", mb_op_name(e->rec.op) ? mb_op_name(e->rec.op) : "?",
		 cli_sym(c, e, sym, sizeof(sym)), args);
	cli_escape(raw, buf, len);
}

/* ---- the whole comparison ---- */

struct diff {
	struct diff_opts o;
	struct side A, B;
	struct mba_names names;
	struct crow *cr;
	size_t ncr;
	mba_s128 ta, tb;
	int new_callers;
	struct achanges ch;
	struct rdiff *mem;
	size_t nmem;
	struct mba_script sc;
	size_t counts[4];
	mba_s128 rgrow, mshrink;
	bool tripped[3];
};

static int compare_callers(struct diff *d)
{
	size_t i;

	d->cr = calloc(d->names.n + 1, sizeof(*d->cr));
	if (!d->cr)
		return -1;
	for (i = 0; i < d->names.n; i++) {
		uint64_t a = mba_imap_total(&d->A.own.reserved, (uint32_t)i);
		uint64_t b = mba_imap_total(&d->B.own.reserved, (uint32_t)i);

		d->ta += a;
		d->tb += b;
		if (!a && !b)
			continue;
		if (!a && b)
			d->new_callers++;
		if (a == b && !d->o.all)
			continue;
		d->cr[d->ncr++] = (struct crow){ (uint32_t)i, a, b };
	}
	sort_names = &d->names;
	qsort(d->cr, d->ncr, sizeof(*d->cr), d->o.sort == SORT_NAME ? crow_cmp_byname :
	      d->o.sort == SORT_SIZE ? crow_cmp_size : crow_cmp_delta);
	return 0;
}

static int compare_allocs(struct diff *d)
{
	const struct mb_array *a = &d->A.end.memory, *b = &d->B.end.memory;

	if (pair_allocs(&d->A, &d->B, &d->ch))
		return -1;
	sort_a = &d->A;
	sort_b = &d->B;
	sort_names = &d->names;
	sort_changes_by = d->o.sort;
	qsort(d->ch.v, d->ch.n, sizeof(*d->ch.v), change_cmp);
	d->mem = malloc((a->cnt + b->cnt + 1) * sizeof(*d->mem));
	if (!d->mem)
		return -1;
	d->nmem = range_diff(a, b, d->mem);
	return 0;
}

static int compare_calls(struct diff *d)
{
	size_t i;

	if (mba_align(d->A.key, d->A.ncalls, d->B.key, d->B.ncalls, &d->sc))
		return -1;
	for (i = 0; i < d->sc.n; i++) {
		struct mba_edit *e = &d->sc.v[i];

		if (e->kind == MBA_EQUAL &&
		    args_changed(&d->A.c->events[d->A.idx[e->a]], &d->B.c->events[d->B.idx[e->b]]))
			e->kind = MBA_CHANGED;
		d->counts[e->kind]++;
	}
	return 0;
}

/* Gates on 128-bit differences: a 2^64 - 1 byte change neither wraps nor hides. */
static int check_gates(struct diff *d)
{
	d->rgrow = (mba_s128)d->B.end.reserved.total_size - (mba_s128)d->A.end.reserved.total_size;
	d->mshrink = (mba_s128)d->A.end.memory.total_size - (mba_s128)d->B.end.memory.total_size;
	d->tripped[0] = d->o.reserved_set && d->rgrow > (mba_s128)d->o.reserved_max;
	d->tripped[1] = d->o.memory_set && d->mshrink > (mba_s128)d->o.memory_max;
	d->tripped[2] = d->o.new_callers && d->new_callers > 0;
	return d->tripped[0] || d->tripped[1] || d->tripped[2] ? MB_EXIT_GATE : MB_EXIT_OK;
}

static size_t rows_limit(const struct diff *d, size_t dflt)
{
	return d->o.rows ? (size_t)d->o.rows : dflt;
}

/* ---- output ---- */

/* "@key": a signed byte count beyond 64 bits as a size: "0x1f", "-0x680". */
static void json_s128_field(struct json *j, const char *key, mba_s128 v)
{
	unsigned __int128 u = v < 0 ? -(unsigned __int128)v : (unsigned __int128)v;
	char buf[48], *p = buf + sizeof(buf);

	*--p = '\0';
	do {
		*--p = "0123456789abcdef"[(unsigned int)(u & 15)];
		u >>= 4;
	} while (u);
	*--p = 'x';
	*--p = '0';
	if (v < 0)
		*--p = '-';
	json_str_field(j, key, p);
}

static void json_change(struct json *j, const struct diff *d, const struct achange *c)
{
	const struct mba_seg *x = c->a != SIZE_MAX ? &d->A.allocs[c->a] : NULL;
	const struct mba_seg *y = c->b != SIZE_MAX ? &d->B.allocs[c->b] : NULL;

	json_obj_begin(j);
	json_str_field(j, "change", akind_name[c->kind]);
	json_bool_field(j, "moved", c->moved);
	json_str_field(j, "caller", d->names.v[(y ? y : x)->owner]);
	json_hex_field(j, "base", (y ? y : x)->base);
	json_key(j, "a_base");
	if (x)
		json_hex(j, x->base);
	else
		json_null(j);
	json_key(j, "b_base");
	if (y)
		json_hex(j, y->base);
	else
		json_null(j);
	json_hex_field(j, "a_size", x ? seg_size(x) : 0);
	json_hex_field(j, "b_size", y ? seg_size(y) : 0);
	json_obj_end(j);
}

/* One input of the diff: "a": {"input", "total_events", "dropped", "complete"}. */
static void json_side(struct json *j, const char *key, const struct side *s)
{
	json_key(j, key);
	json_obj_begin(j);
	json_str_field(j, "input", s->path);
	cli_json_log(j, s->c);
	json_obj_end(j);
}

static void print_json(const struct diff *d, int rc)
{
	struct json *j = cli_json_begin(NULL);
	size_t i, lim;

	json_side(j, "a", &d->A);
	json_side(j, "b", &d->B);
	json_bool_field(j, "complete", !d->A.c->log_dropped && !d->B.c->log_dropped);
	json_key(j, "callers");
	json_arr_begin(j);
	lim = rows_limit(d, SIZE_MAX);
	for (i = 0; i < d->ncr && i < lim; i++) {
		const struct crow *r = &d->cr[i];

		json_obj_begin(j);
		json_str_field(j, "caller", d->names.v[r->name]);
		json_str_field(j, "status", status_of(r));
		json_hex_field(j, "a_size", r->a);
		json_hex_field(j, "b_size", r->b);
		json_s128_field(j, "delta", delta_of(r));
		json_key(j, "percent");
		if (r->a)
			json_double(j, ((double)r->b - (double)r->a) * 100.0 / (double)r->a);
		else
			json_null(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "total");
	json_obj_begin(j);
	json_s128_field(j, "a_size", d->ta);
	json_s128_field(j, "b_size", d->tb);
	json_s128_field(j, "delta", d->tb - d->ta);
	json_hex_field(j, "a_reserved_size", d->A.end.reserved.total_size);
	json_hex_field(j, "b_reserved_size", d->B.end.reserved.total_size);
	json_hex_field(j, "a_memory_size", d->A.end.memory.total_size);
	json_hex_field(j, "b_memory_size", d->B.end.memory.total_size);
	json_obj_end(j);
	json_key(j, "ranges");
	json_obj_begin(j);
	json_key(j, "memory");
	json_arr_begin(j);
	for (i = 0; i < d->nmem; i++) {
		const struct rdiff *r = &d->mem[i];

		json_obj_begin(j);
		json_str_field(j, "change", rchange_name[r->kind]);
		json_hex_field(j, "base", r->base);
		json_hex_field(j, "a_size", r->old_size);
		json_hex_field(j, "b_size", r->new_size);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "reserved");
	json_arr_begin(j);
	for (i = 0; i < d->ch.n && i < lim; i++)
		json_change(j, d, &d->ch.v[i]);
	json_arr_end(j);
	json_uint_field(j, "reserved_unchanged", d->ch.unchanged);
	json_obj_end(j);
	json_key(j, "calls");
	json_obj_begin(j);
	json_uint_field(j, "equal", d->counts[MBA_EQUAL]);
	json_uint_field(j, "changed", d->counts[MBA_CHANGED]);
	json_uint_field(j, "inserted", d->counts[MBA_INSERT]);
	json_uint_field(j, "deleted", d->counts[MBA_DELETE]);
	json_bool_field(j, "aligned", !d->sc.truncated);
	if (d->o.show_events) {
		static const char *const kn[] = { "equal", "changed", "inserted", "deleted" };

		json_key(j, "edits");
		json_arr_begin(j);
		for (i = 0; i < d->sc.n; i++) {
			const struct mba_edit *e = &d->sc.v[i];

			if (e->kind == MBA_EQUAL)
				continue;
			json_obj_begin(j);
			json_str_field(j, "kind", kn[e->kind]);
			json_key(j, "a_seq");
			if (e->a != SIZE_MAX)
				json_uint(j, d->A.c->events[d->A.idx[e->a]].rec.seq);
			else
				json_null(j);
			json_key(j, "b_seq");
			if (e->b != SIZE_MAX)
				json_uint(j, d->B.c->events[d->B.idx[e->b]].rec.seq);
			else
				json_null(j);
			/* Each side's call as log -j writes it, or null. */
			json_key(j, "a");
			if (e->a != SIZE_MAX)
				cli_json_event(j, d->A.c, d->A.idx[e->a]);
			else
				json_null(j);
			json_key(j, "b");
			if (e->b != SIZE_MAX)
				cli_json_event(j, d->B.c, d->B.idx[e->b]);
			else
				json_null(j);
			json_obj_end(j);
		}
		json_arr_end(j);
	}
	json_obj_end(j);
	json_key(j, "gates");
	json_obj_begin(j);
	json_s128_field(j, "reserved_growth", d->rgrow);
	json_s128_field(j, "memory_shrink", d->mshrink);
	json_uint_field(j, "new_callers", (uint64_t)d->new_callers);
	json_key(j, "tripped");
	json_arr_begin(j);
	if (d->tripped[0])
		json_str(j, "fail-if-reserved-grows");
	if (d->tripped[1])
		json_str(j, "fail-if-memory-shrinks");
	if (d->tripped[2])
		json_str(j, "fail-if-new-callers");
	json_arr_end(j);
	json_obj_end(j);
	json_int_field(j, "exit", rc);
	cli_json_end(j);
}

/* One CSV field: quoted when it needs to be, control characters escaped. */
static void csv_field(const char *s)
{
	char buf[600];

	cli_escape(s, buf, sizeof(buf));
	if (strpbrk(buf, ",\"")) {
		const char *p;

		putchar('"');
		for (p = buf; *p; p++) {
			if (*p == '"')
				putchar('"');
			putchar(*p);
		}
		putchar('"');
	} else {
		fputs(buf, stdout);
	}
}

static void print_csv(const struct diff *d)
{
	size_t i, lim = rows_limit(d, SIZE_MAX);
	char n[48];

	printf("caller,status,a_bytes,b_bytes,delta\n");
	for (i = 0; i < d->ncr && i < lim; i++) {
		const struct crow *r = &d->cr[i];

		csv_field(d->names.v[r->name]);
		printf(",%s,%" PRIu64 ",%" PRIu64 ",%s\n", status_of(r), r->a, r->b,
		       mba_s128_str(delta_of(r), n, sizeof(n)));
	}
}

static void print_change(const struct diff *d, const struct achange *c)
{
	const struct mba_seg *x = c->a != SIZE_MAX ? &d->A.allocs[c->a] : NULL;
	const struct mba_seg *y = c->b != SIZE_MAX ? &d->B.allocs[c->b] : NULL;
	char r1[48], r2[48], h1[32], h2[32], who[300];
	const char *kind = akind_name[c->kind];

	cli_escape(d->names.v[(y ? y : x)->owner], who, sizeof(who));
	if (x)
		cli_human_size(seg_size(x), h1, sizeof(h1));
	if (y)
		cli_human_size(seg_size(y), h2, sizeof(h2));
	switch (c->kind) {
	case A_NEW:
		printf("  %-8s %s %s  %s\n", kind, incl(y->base, seg_size(y), r2, sizeof(r2)), h2,
		       who);
		break;
	case A_REMOVED:
		printf("  %-8s %s %s  %s\n", kind, incl(x->base, seg_size(x), r1, sizeof(r1)), h1,
		       who);
		break;
	case A_MOVED:
		printf("  %-8s %s -> %s %s  %s\n", kind,
		       incl(x->base, seg_size(x), r1, sizeof(r1)),
		       incl(y->base, seg_size(y), r2, sizeof(r2)), h2, who);
		break;
	default:
		printf("  %-8s %s -> %s %s -> %s%s  %s\n", kind,
		       incl(x->base, seg_size(x), r1, sizeof(r1)),
		       incl(y->base, seg_size(y), r2, sizeof(r2)), h1, h2,
		       c->moved ? " (moved)" : "", who);
		break;
	}
}

/* How many changes from @i on are new (or removed) allocations of one caller and size. */
static size_t same_run(const struct diff *d, size_t i)
{
	const struct achange *c = &d->ch.v[i];
	const struct side *sd = c->kind == A_NEW ? &d->B : &d->A;
	const struct mba_seg *x;
	size_t k;

	if (c->kind != A_NEW && c->kind != A_REMOVED)
		return 1;
	x = &sd->allocs[c->kind == A_NEW ? c->b : c->a];
	for (k = i + 1; k < d->ch.n; k++) {
		const struct achange *e = &d->ch.v[k];
		const struct mba_seg *y;

		if (e->kind != c->kind)
			break;
		y = &sd->allocs[e->kind == A_NEW ? e->b : e->a];
		if (y->owner != x->owner || seg_size(y) != seg_size(x))
			break;
	}
	return k - i;
}

/* @n new (or removed) allocations of one caller and size: one line. */
static void print_run(const struct diff *d, size_t i, size_t n)
{
	const struct achange *c = &d->ch.v[i];
	const struct side *sd = c->kind == A_NEW ? &d->B : &d->A;
	const struct mba_seg *x = &sd->allocs[c->kind == A_NEW ? c->b : c->a];
	uint64_t lo = UINT64_MAX, hi = 0;
	char h[32], who[300];
	size_t k;

	for (k = i; k < i + n; k++) {
		const struct mba_seg *y = &sd->allocs[c->kind == A_NEW ? d->ch.v[k].b : d->ch.v[k].a];

		if (y->base < lo)
			lo = y->base;
		if (y->end > hi)
			hi = y->end;
	}
	cli_human_size(seg_size(x), h, sizeof(h));
	printf("  %-8s %zu x %s within [0x%016" PRIx64 "-0x%016" PRIx64 "]  %s\n",
	       akind_name[c->kind], n, h, lo, hi - 1,
	       cli_escape(d->names.v[x->owner], who, sizeof(who)));
}

static void print_text(const struct diff *d)
{
	const struct diff_opts *o = &d->o;
	size_t i, k, lim;
	char p[32], n[48], h[40], nm[300];

	if (d->A.c->log_dropped || d->B.c->log_dropped)
		fprintf(stderr, "warning: incomplete log: %s dropped %llu calls, %s dropped %llu; per-caller totals and calls miss them\n",
			d->A.path, (unsigned long long)d->A.c->log_dropped, d->B.path,
			(unsigned long long)d->B.c->log_dropped);
	printf("reserved bytes by caller (%s -> %s):\n", d->A.path, d->B.path);
	printf("  %-9s %21s %20s %20s  %s\n", "CHANGE", "DELTA", "A", "B", "CALLER");
	lim = rows_limit(d, SIZE_MAX);
	for (i = 0; i < d->ncr && i < lim; i++) {
		const struct crow *r = &d->cr[i];

		pct(r->a, r->b, p, sizeof(p));
		printf("  %-9s %21s %20" PRIu64 " %20" PRIu64 "  %s\n", p,
		       mba_s128_str(delta_of(r), n, sizeof(n)), r->a, r->b,
		       cli_escape(d->names.v[r->name], nm, sizeof(nm)));
	}
	if (i < d->ncr)
		printf("  ... %zu more callers (-n)\n", d->ncr - i);
	{
		char a[48], b[48];

		pct(d->ta > UINT64_MAX ? UINT64_MAX : (uint64_t)d->ta,
		    d->tb > UINT64_MAX ? UINT64_MAX : (uint64_t)d->tb, p, sizeof(p));
		signed_human(d->tb - d->ta, h, sizeof(h));
		mba_s128_str(d->ta, a, sizeof(a));
		mba_s128_str(d->tb, b, sizeof(b));
		printf("  %-9s %21s %20s %20s  TOTAL (%s)\n", p,
		       mba_s128_str(d->tb - d->ta, n, sizeof(n)), a[0] == '+' ? a + 1 : a,
		       b[0] == '+' ? b + 1 : b, h);
	}

	printf("\nmemory ranges: %zu changed\n", d->nmem);
	for (i = 0; i < d->nmem && i < rows_limit(d, TEXT_MAX_ROWS); i++) {
		const struct rdiff *r = &d->mem[i];
		char r1[48], r2[48], h1[32], h2[32];

		cli_human_size(r->old_size, h1, sizeof(h1));
		cli_human_size(r->new_size, h2, sizeof(h2));
		switch (r->kind) {
		case R_ADDED:
			printf("  %-8s %s %s\n", "new", incl(r->base, r->new_size, r2, sizeof(r2)), h2);
			break;
		case R_REMOVED:
			printf("  %-8s %s %s\n", "removed", incl(r->base, r->old_size, r1, sizeof(r1)),
			       h1);
			break;
		case R_RESIZED:
			printf("  %-8s %s -> %s %s -> %s\n",
			       r->new_size > r->old_size ? "grown" : "shrunk",
			       incl(r->base, r->old_size, r1, sizeof(r1)),
			       incl(r->base, r->new_size, r2, sizeof(r2)), h1, h2);
			break;
		case R_CHANGED:
			printf("  %-8s %s nid %d -> %d, flags 0x%x -> 0x%x\n", "changed",
			       incl(r->base, r->old_size, r1, sizeof(r1)), r->old_nid, r->new_nid,
			       r->old_flags, r->new_flags);
			break;
		}
	}
	if (i < d->nmem)
		printf("  ... %zu more (-n, or -j for all)\n", d->nmem - i);

	printf("\nreserved allocations: %zu moved, %zu grown, %zu shrunk, %zu new, %zu removed, %zu unchanged\n",
	       d->ch.count[A_MOVED], d->ch.count[A_GROWN], d->ch.count[A_SHRUNK],
	       d->ch.count[A_NEW], d->ch.count[A_REMOVED], d->ch.unchanged);
	for (i = 0, k = 0; i < d->ch.n && k < rows_limit(d, TEXT_MAX_ROWS); k++) {
		size_t run = same_run(d, i);

		if (run > 1)
			print_run(d, i, run);
		else
			print_change(d, &d->ch.v[i]);
		i += run;
	}
	if (i < d->ch.n)
		printf("  ... %zu more (-n, or -j for all)\n", d->ch.n - i);

	printf("\ncalls: %zu equal, %zu changed, %zu inserted, %zu deleted%s\n",
	       d->counts[MBA_EQUAL], d->counts[MBA_CHANGED], d->counts[MBA_INSERT],
	       d->counts[MBA_DELETE], d->sc.truncated ?
	       " (sequences too different to align: middle shown as replaced)" : "");
	if (o->show_events) {
		size_t shown = 0;

		for (i = 0; i < d->sc.n; i++) {
			const struct mba_edit *e = &d->sc.v[i];
			char d1[700], d2[700];

			if (e->kind == MBA_EQUAL)
				continue;
			if (shown++ >= TEXT_MAX_CALLS)
				continue;
			if (e->a != SIZE_MAX)
				describe_call(d->A.c, d->A.idx[e->a], d1, sizeof(d1));
			if (e->b != SIZE_MAX)
				describe_call(d->B.c, d->B.idx[e->b], d2, sizeof(d2));
			if (e->kind == MBA_CHANGED)
				printf("  ~ a#%" PRIu64 " b#%" PRIu64 " %s\n      -> %s\n",
				       d->A.c->events[d->A.idx[e->a]].rec.seq,
				       d->B.c->events[d->B.idx[e->b]].rec.seq, d1, d2);
			else if (e->kind == MBA_INSERT)
				printf("  + b#%" PRIu64 " %s\n", d->B.c->events[d->B.idx[e->b]].rec.seq, d2);
			else
				printf("  - a#%" PRIu64 " %s\n", d->A.c->events[d->A.idx[e->a]].rec.seq, d1);
		}
		if (shown > TEXT_MAX_CALLS)
			printf("  ... %zu more (use -j for all)\n", shown - TEXT_MAX_CALLS);
	}
	if (o->reserved_set || o->memory_set || o->new_callers) {
		printf("\ngates:\n");
		if (o->reserved_set)
			printf("  fail-if-reserved-grows %" PRIu64 ": reserved grew by %s bytes: %s\n",
			       o->reserved_max, mba_s128_str(d->rgrow, n, sizeof(n)),
			       d->tripped[0] ? "FAIL" : "ok");
		if (o->memory_set)
			printf("  fail-if-memory-shrinks %" PRIu64 ": memory shrank by %s bytes: %s\n",
			       o->memory_max, mba_s128_str(d->mshrink, n, sizeof(n)),
			       d->tripped[1] ? "FAIL" : "ok");
		if (o->new_callers)
			printf("  fail-if-new-callers: %d new: %s\n", d->new_callers,
			       d->tripped[2] ? "FAIL" : "ok");
	}
}

/* ---- the diff page ---- */

#include "diff_page_js.h"
#include "map_page_css.h"

static void html_side(FILE *f, const char *name, const struct side *s)
{
	size_t i;

	fprintf(f, "var %s=[", name);
	for (i = 0; i < s->nallocs; i++)
		fprintf(f, "%s[%" PRIu64 ",%" PRIu64 ",%u]", i ? "," : "", s->allocs[i].base,
			s->allocs[i].end, s->allocs[i].owner);
	fprintf(f, "];\n");
}

/* The layout both sides share: their memory and reservations, holes between. */
static int html_runs(FILE *f, const struct diff *d)
{
	struct mba_imap ext;
	struct mba_seg *v = NULL;
	size_t n = 0, i, k = 0;
	const struct side *sides[2] = { &d->A, &d->B };
	int t;

	mba_imap_init(&ext);
	for (t = 0; t < 2; t++) {
		const struct mb_array *mem = &sides[t]->end.memory;

		for (i = 0; i < sides[t]->nallocs; i++)
			mba_imap_paint(&ext, sides[t]->allocs[i].base, sides[t]->allocs[i].end, 0, 0);
		for (i = 0; mem->regions && i < mem->cnt; i++)
			mba_imap_paint(&ext, mem->regions[i].base, mem->regions[i].base +
				       mem->regions[i].size, 0, 0);
	}
	if (ext.oom || mba_imap_flatten(&ext, &v, &n)) {
		mba_imap_free(&ext);
		free(v);
		return -1;
	}
	/* at most 16 runs: only the largest gaps are collapsed */
	fprintf(f, "var RUNS=[");
	for (i = 0; i < n; i++) {
		uint64_t b = v[i].base;
		size_t j = i;

		while (j + 1 < n) {
			uint64_t gap = v[j + 1].base - v[j].end;

			if (gap >= 64ULL << 20)
				break;
			j++;
		}
		fprintf(f, "%s[%" PRIu64 ",%" PRIu64 "]", k++ ? "," : "", b, v[j].end);
		i = j;
	}
	fprintf(f, "];\n");
	mba_imap_free(&ext);
	free(v);
	return 0;
}

static int print_html(const struct diff *d)
{
	struct map_outfile out;
	FILE *f;
	size_t i;
	int rc = map_out_open(&out, d->o.outpath);

	if (rc)
		return rc;
	f = out.f;
	fprintf(f, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n<title>");
	map_xml_escape(f, d->A.path);
	fputs(" -&gt; ", f);
	map_xml_escape(f, d->B.path);
	fprintf(f, "</title>\n<style>\n%s.chg{white-space:pre;cursor:pointer;padding-left:4px;"
		"margin:1px 0}\n#axis{position:relative;height:18px}\n</style></head>"
		"<body style=\"max-width:1100px\">\n<h1>diff: ", map_page_css);
	map_xml_escape(f, d->A.path);
	fputs(" -&gt; ", f);
	map_xml_escape(f, d->B.path);
	fprintf(f, "</h1>\n<div id=\"help\">reserved memory of A (top) and B (bottom) on one "
		"address axis, holes collapsed; outlines mark changed allocations: "
		"<b style=\"color:#1d4ed8\">moved</b> (a line joins old and new place), "
		"<b style=\"color:#b45309\">grown</b>, <b style=\"color:#7c3aed\">shrunk</b>, "
		"<b style=\"color:#15803d\">new</b>, <b style=\"color:#b91c1c\">removed</b>; "
		"wheel zooms, 0 resets, click a change to zoom to it</div>\n"
		"<div id=\"view\"><canvas id=\"diffmap\" width=\"1000\" height=\"150\"></canvas>"
		"<div id=\"axis\"></div></div>\n"
		"<h2>bytes by caller, B - A</h2><canvas id=\"deltas\"></canvas>\n"
		"<h2>changed allocations (%zu moved, %zu grown, %zu shrunk, %zu new, %zu removed; "
		"%zu unchanged)</h2><div id=\"changes\"></div>\n<script>\nvar NAME_A=",
		d->ch.count[A_MOVED], d->ch.count[A_GROWN], d->ch.count[A_SHRUNK],
		d->ch.count[A_NEW], d->ch.count[A_REMOVED], d->ch.unchanged);
	map_js_string(f, d->A.path);
	fprintf(f, ";\nvar NAME_B=");
	map_js_string(f, d->B.path);
	fprintf(f, ";\nvar OWNERS=[");
	for (i = 0; i < d->names.n; i++) {
		fputs(i ? "," : "", f);
		map_js_string(f, d->names.v[i]);
	}
	fprintf(f, "];\nvar COLORS=[");
	for (i = 0; i < d->names.n; i++) {
		char col[8];

		fprintf(f, "%s\"%s\"", i ? "," : "",
			mba_colour_hex(mba_caller_colour(d->names.v[i]), col));
	}
	fprintf(f, "];\n");
	html_side(f, "SIDE_A", &d->A);
	html_side(f, "SIDE_B", &d->B);
	if (html_runs(f, d)) {
		map_out_abort(&out);
		return cli_fail(MB_EXIT_FAIL, "out of memory");
	}
	fprintf(f, "var CHANGES=[");
	for (i = 0; i < d->ch.n; i++)
		fprintf(f, "%s[\"%s\",%zd,%zd]", i ? "," : "", akind_name[d->ch.v[i].kind],
			d->ch.v[i].a == SIZE_MAX ? (ssize_t)-1 : (ssize_t)d->ch.v[i].a,
			d->ch.v[i].b == SIZE_MAX ? (ssize_t)-1 : (ssize_t)d->ch.v[i].b);
	fprintf(f, "];\nvar DELTAS=[");
	for (i = 0; i < d->ncr && i < 40; i++)
		fprintf(f, "%s[%u,%" PRIu64 ",%" PRIu64 "]", i ? "," : "", d->cr[i].name, d->cr[i].a,
			d->cr[i].b);
	fprintf(f, "];\n</script>\n<script>\n%s</script>\n</body></html>\n", diff_page_js);
	return map_out_commit(&out);
}

/* ---- the command ---- */

static int parse_opts(int argc, char **argv, struct diff_opts *o)
{
	int opt, w = 0;

	o->show_events = true;
	while ((opt = cli_next_opt(argc, argv)) != -1) {
		switch (opt) {
		case 'E':
			o->show_events = false;
			break;
		case 'a':
			o->all = true;
			break;
		case 'R':
			if (cli_arg_u64("--fail-if-reserved-grows", optarg, &o->reserved_max))
				return MB_EXIT_USAGE;
			o->reserved_set = true;
			break;
		case 'M':
			if (cli_arg_u64("--fail-if-memory-shrinks", optarg, &o->memory_max))
				return MB_EXIT_USAGE;
			o->memory_set = true;
			break;
		case 'N':
			o->new_callers = true;
			break;
		case 'S':
			w = cli_arg_word(opt, optarg);
			o->sort = (enum sort_key)w;
			break;
		case 'n':
			if (cli_arg_in("--rows", optarg, 1, UINT64_MAX, &o->rows))
				return MB_EXIT_USAGE;
			break;
		case 'G':
			if (mba_group_parse(optarg, &o->group))
				return cli_fail(MB_EXIT_USAGE,
						"diff: --group wants " MBA_GROUP_NAMES ", not '%s'",
						optarg);
			break;
		case 'f':
			w = cli_arg_word(opt, optarg);
			o->fmt = (enum out_format)w;
			break;
		case 'o':
			o->outpath = optarg;
			break;
		default:
			return MB_EXIT_USAGE;
		}
		if (w < 0)
			return MB_EXIT_USAGE;
	}
	/* -j anywhere on the line: stdout carries the JSON document alone */
	if (cli_json)
		o->fmt = OUT_JSON;
	if (o->fmt == OUT_JSON)
		cli_json = true;
	if (cli_operands(argc, argv, 2, "two inputs A B"))
		return MB_EXIT_USAGE;
	if ((o->fmt == OUT_HTML) != !!o->outpath)
		return cli_fail(MB_EXIT_USAGE, "diff: --format html and -o FILE go together");
	return 0;
}

static void free_diff(struct diff *d)
{
	free(d->cr);
	free(d->ch.v);
	free(d->mem);
	free(d->sc.v);
	free_side(&d->A);
	free_side(&d->B);
	mba_names_free(&d->names);
}

/**
 * cmd_diff() - compare two captures
 * @argc: argument count
 * @argv: arguments, argv[0] = "diff"
 *
 * Return: 0, MB_EXIT_GATE when a --fail-if-* gate tripped, or an error.
 */
int cmd_diff(int argc, char **argv)
{
	struct diff *d = calloc(1, sizeof(*d));
	struct mb_error err = { 0 };
	int rc;

	if (!d)
		return cli_fail(MB_EXIT_FAIL, "out of memory");
	rc = parse_opts(argc, argv, &d->o);
	if (rc) {
		free(d);
		return rc;
	}
	d->A.path = argv[optind];
	d->B.path = argv[optind + 1];
	if (load_side(&d->A, &d->names, &d->o.group, &err) ||
	    load_side(&d->B, &d->names, &d->o.group, &err)) {
		rc = cli_fail_err(MB_EXIT_FAIL, &err);
		goto out;
	}
	if (compare_callers(d) || compare_allocs(d) || compare_calls(d)) {
		rc = cli_fail(MB_EXIT_FAIL, "out of memory");
		goto out;
	}
	rc = check_gates(d);
	if (d->o.fmt == OUT_JSON)
		print_json(d, rc);
	else if (d->o.fmt == OUT_CSV)
		print_csv(d);
	else if (d->o.fmt == OUT_HTML) {
		int hrc = print_html(d);

		if (hrc)
			rc = hrc;
	}
	else
		print_text(d);
out:
	free_diff(d);
	free(d);
	return rc;
}
