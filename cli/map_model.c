// SPDX-License-Identifier: GPL-2.0-only
/* map_model.c - coverage-level replay of a capture that remembers who reserved each byte. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/mb_evlog.h>
#include <mbagent/replay.h>
#include "map.h"


void map_segs_free(struct map_segs *s)
{
	free(s->v);
	s->v = NULL;
	s->n = s->cap = 0;
}

/* First segment whose end is above @addr. */
static size_t segs_lower(const struct map_segs *s, uint64_t addr)
{
	size_t lo = 0, hi = s->n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->v[mid].end <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* Replace [base, end) by one segment of @owner (insert) or by nothing. */
static int segs_splice(struct map_segs *s, uint64_t base, uint64_t end,
		       uint32_t owner, bool insert)
{
	struct map_seg tmp[3];
	size_t k = 0, lo, hi, i;

	if (base >= end)
		return 0;
	lo = segs_lower(s, base);
	hi = lo;
	while (hi < s->n && s->v[hi].base < end)
		hi++;
	if (lo < hi && s->v[lo].base < base)
		tmp[k++] = (struct map_seg){ s->v[lo].base, base, s->v[lo].owner };
	if (insert)
		tmp[k++] = (struct map_seg){ base, end, owner };
	if (lo < hi && s->v[hi - 1].end > end)
		tmp[k++] = (struct map_seg){ end, s->v[hi - 1].end, s->v[hi - 1].owner };
	/* Merge with the untouched neighbours. */
	if (k && lo > 0 && s->v[lo - 1].end == tmp[0].base &&
	    s->v[lo - 1].owner == tmp[0].owner) {
		tmp[0].base = s->v[lo - 1].base;
		lo--;
	}
	if (k && hi < s->n && s->v[hi].base == tmp[k - 1].end &&
	    s->v[hi].owner == tmp[k - 1].owner) {
		tmp[k - 1].end = s->v[hi].end;
		hi++;
	}
	/* Merge inside tmp. */
	for (i = 1; i < k;) {
		if (tmp[i - 1].end == tmp[i].base && tmp[i - 1].owner == tmp[i].owner) {
			tmp[i - 1].end = tmp[i].end;
			memmove(&tmp[i], &tmp[i + 1], (k - i - 1) * sizeof(tmp[0]));
			k--;
		} else {
			i++;
		}
	}
	if (s->n - (hi - lo) + k > s->cap) {
		size_t ncap = s->cap ? s->cap * 2 : 64;
		struct map_seg *nv;

		while (ncap < s->n - (hi - lo) + k)
			ncap *= 2;
		nv = realloc(s->v, ncap * sizeof(*nv));
		if (!nv)
			return -1;
		s->v = nv;
		s->cap = ncap;
	}
	memmove(&s->v[lo + k], &s->v[hi], (s->n - hi) * sizeof(s->v[0]));
	memcpy(&s->v[lo], tmp, k * sizeof(tmp[0]));
	s->n = s->n - (hi - lo) + k;
	return 0;
}

/**
 * map_segs_paint() - give [@base, @end) to @owner, replacing what was there
 * @s: coverage set
 * @base: start
 * @end: end (exclusive)
 * @owner: owner index
 *
 * Return: 0, or -1 when out of memory.
 */
int map_segs_paint(struct map_segs *s, uint64_t base, uint64_t end, uint32_t owner)
{
	return segs_splice(s, base, end, owner, true);
}

/**
 * map_segs_erase() - remove [@base, @end) from a coverage set
 * @s: coverage set
 * @base: start
 * @end: end (exclusive)
 *
 * Return: 0, or -1 when out of memory.
 */
int map_segs_erase(struct map_segs *s, uint64_t base, uint64_t end)
{
	return segs_splice(s, base, end, 0, false);
}

static uint64_t range_end(uint64_t base, uint64_t size)
{
	return size > UINT64_MAX - base ? UINT64_MAX : base + size;
}


static void sync(struct map_model *m)
{
	m->at = m->own.at;
	m->owners = m->own.names->v;
	m->nowners = m->own.names->n;
}

/**
 * map_model_reset() - go back to the capture's initial state (0 events)
 * @m: model
 *
 * Return: 0, or -1 when out of memory.
 */
int map_model_reset(struct map_model *m)
{
	int ret = mba_owners_reset(&m->own);

	sync(m);
	return ret;
}

/**
 * map_model_init() - set up a model of @cap at its initial state
 * @m: model to fill
 * @cap: capture (must outlive the model)
 * @group: how events are grouped into owners (NULL: by caller)
 *
 * The ownership itself is the analysis library's (mba_owners); the model
 * adds memblock's region boundaries and the renderers' views.
 *
 * Return: 0, or -1 when out of memory.
 */
int map_model_init(struct map_model *m, const struct mb_capture *cap,
		   const struct mba_group *group)
{
	int ret;

	memset(m, 0, sizeof(*m));
	m->cap = cap;
	ret = mba_owners_init(&m->own, cap, NULL, group);
	if (m->own.names)
		sync(m);
	return ret;
}

/**
 * map_model_free() - release everything a model holds
 * @m: model
 */
void map_model_free(struct map_model *m)
{
	mba_owners_free(&m->own);
	memset(m, 0, sizeof(*m));
}

/**
 * map_owner_name() - name of an owner
 * @m: model
 * @owner: owner index
 *
 * Return: the caller (group) name, or MBA_INITIAL_NAME.
 */
const char *map_owner_name(const struct map_model *m, uint32_t owner)
{
	return owner < m->nowners ? m->owners[owner] : "?";
}

/**
 * map_model_step() - apply the next event
 * @m: model
 *
 * Return: 0 (also when all events are applied), or -1 when out of memory.
 */
int map_model_step(struct map_model *m)
{
	int ret = mba_owners_step(&m->own);

	sync(m);
	return ret;
}

/**
 * map_model_seek() - move to the state after the first @at events
 * @m: model
 * @at: event count (clamped to the number of events)
 *
 * Return: 0, or -1 when out of memory.
 */
int map_model_seek(struct map_model *m, size_t at)
{
	int ret = mba_owners_seek(&m->own, at);

	sync(m);
	return ret;
}

/**
 * map_model_segs() - the model's reserved (or memory) coverage as a sorted array
 * @m: model
 * @reserved: reserved coverage (else memory)
 * @out: filled; release with map_segs_free()
 *
 * Return: 0, or -1 when out of memory.
 */
int map_model_segs(const struct map_model *m, bool reserved, struct map_segs *out)
{
	const struct mba_imap *im = reserved ? &m->own.reserved : &m->own.memory;
	struct mba_seg *v = NULL;
	size_t n, i;

	memset(out, 0, sizeof(*out));
	if (mba_imap_flatten(im, &v, &n)) {
		free(v);
		return -1;
	}
	out->v = malloc((n ? n : 1) * sizeof(*out->v));
	if (!out->v) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++)
		out->v[i] = (struct map_seg){ v[i].base, v[i].end, v[i].owner };
	out->n = out->cap = n;
	free(v);
	return 0;
}

static int region_cmp(const void *a, const void *b)
{
	const struct map_region *x = a, *y = b;

	return x->base < y->base ? -1 : x->base > y->base;
}

/* Regions from a captured array: sorted, overlaps clipped, empty dropped. */
static int regions_from_array(const struct mb_array *a, struct map_region **out, size_t *n)
{
	struct map_region *r;
	size_t i, k = 0, m;

	*out = NULL;
	*n = 0;
	if (!a->regions || !a->cnt)
		return 0;
	r = calloc(a->cnt, sizeof(*r));
	if (!r)
		return -1;
	for (i = 0; i < a->cnt; i++) {
		r[k].base = a->regions[i].base;
		r[k].end = range_end(a->regions[i].base, a->regions[i].size);
		r[k].nid = a->regions[i].nid;
		if (r[k].end > r[k].base)
			k++;
	}
	qsort(r, k, sizeof(*r), region_cmp);
	/* clip overlaps (bad input) and drop what is left empty */
	for (i = 0, m = 0; i < k; i++) {
		if (m && r[i].base < r[m - 1].end)
			r[i].base = r[m - 1].end;
		if (r[i].base < r[i].end)
			r[m++] = r[i];
	}
	*out = r;
	*n = m;
	return 0;
}

static int regions_from_segs(const struct map_segs *s, struct map_region **out, size_t *n)
{
	struct map_region *r;
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (!s->n)
		return 0;
	r = calloc(s->n, sizeof(*r));
	if (!r)
		return -1;
	for (i = 0; i < s->n; i++) {
		if (k && r[k - 1].end == s->v[i].base) {
			r[k - 1].end = s->v[i].end;
			continue;
		}
		r[k].base = s->v[i].base;
		r[k].end = s->v[i].end;
		r[k].nid = -1;
		k++;
	}
	*out = r;
	*n = k;
	return 0;
}

static int push_piece(struct map_snapshot *s, size_t *cap, size_t first,
		      uint64_t b, uint64_t e, uint32_t o)
{
	if (b >= e)
		return 0;
	if (s->npieces > first && s->pieces[s->npieces - 1].end == b &&
	    s->pieces[s->npieces - 1].owner == o) {
		s->pieces[s->npieces - 1].end = e;
		return 0;
	}
	if (s->npieces == *cap) {
		size_t ncap = *cap ? *cap * 2 : 64;
		struct map_seg *np = realloc(s->pieces, ncap * sizeof(*np));

		if (!np)
			return -1;
		s->pieces = np;
		*cap = ncap;
	}
	s->pieces[s->npieces++] = (struct map_seg){ b, e, o };
	return 0;
}

/* Split every reserved region into pieces by owner; unowned bytes are pre-log. */
static int attribute(const struct map_segs *rs, struct map_snapshot *s)
{
	size_t cap = 0, i, j, p;

	for (i = 0; i < s->nreserved; i++) {
		struct map_region *r = &s->reserved[i];
		uint64_t pos = r->base, best = 0;

		r->first = s->npieces;
		j = segs_lower(rs, r->base);
		while (pos < r->end) {
			uint64_t e;

			if (j < rs->n && rs->v[j].base <= pos) {
				e = rs->v[j].end < r->end ? rs->v[j].end : r->end;
				if (push_piece(s, &cap, r->first, pos, e, rs->v[j].owner))
					return -1;
				j++;
			} else {
				e = j < rs->n && rs->v[j].base < r->end ? rs->v[j].base : r->end;
				if (push_piece(s, &cap, r->first, pos, e, MAP_OWNER_PRELOG))
					return -1;
			}
			pos = e;
		}
		r->npieces = s->npieces - r->first;
		r->owner = MAP_OWNER_PRELOG;
		for (p = r->first; p < s->npieces; p++) {
			uint64_t len = s->pieces[p].end - s->pieces[p].base;

			if (len > best) {
				best = len;
				r->owner = s->pieces[p].owner;
			}
		}
	}
	return 0;
}

static uint64_t overlap_bytes(const struct map_region *a, size_t na,
			      const struct map_region *b, size_t nb)
{
	size_t i = 0, j = 0;
	uint64_t sum = 0;

	while (i < na && j < nb) {
		uint64_t lo = a[i].base > b[j].base ? a[i].base : b[j].base;
		uint64_t hi = a[i].end < b[j].end ? a[i].end : b[j].end;

		if (hi > lo)
			sum += hi - lo;
		if (a[i].end < b[j].end)
			i++;
		else
			j++;
	}
	return sum;
}

/**
 * map_model_snapshot_from() - the model's owners over given region boundaries
 * @m: model (owners at its current position)
 * @st: arrays whose regions to use (exact memblock regions), or NULL for the
 *   model's merged coverage
 * @s: filled; release with map_snapshot_free()
 *
 * Return: 0, or -1 when out of memory.
 */
int map_model_snapshot_from(const struct map_model *m, const struct mb_state *st,
			    struct map_snapshot *s)
{
	struct map_segs mem = { 0 }, rsv = { 0 };
	size_t i;
	int ret;

	memset(s, 0, sizeof(*s));
	s->at = m->at;
	ret = map_model_segs(m, true, &rsv);
	if (!ret && st) {
		s->exact = true;
		ret = regions_from_array(&st->memory, &s->memory, &s->nmemory) ||
		      regions_from_array(&st->reserved, &s->reserved, &s->nreserved);
	} else if (!ret) {
		ret = map_model_segs(m, false, &mem) ||
		      regions_from_segs(&mem, &s->memory, &s->nmemory) ||
		      regions_from_segs(&rsv, &s->reserved, &s->nreserved);
	}
	if (ret || attribute(&rsv, s)) {
		map_segs_free(&mem);
		map_segs_free(&rsv);
		map_snapshot_free(s);
		return -1;
	}
	map_segs_free(&mem);
	map_segs_free(&rsv);
	for (i = 0; i < s->nmemory; i++)
		s->memory_bytes += s->memory[i].end - s->memory[i].base;
	for (i = 0; i < s->nreserved; i++)
		s->reserved_bytes += s->reserved[i].end - s->reserved[i].base;
	s->free_bytes = s->memory_bytes -
		overlap_bytes(s->memory, s->nmemory, s->reserved, s->nreserved);
	return 0;
}

/**
 * map_captured_state() - captured arrays for the model's position, if any
 * @m: model
 *
 * Return: the final state at the end, the initial state at 0 events, a
 * checkpoint taken after exactly m->at events, or NULL.
 */
const struct mb_state *map_captured_state(const struct map_model *m)
{
	const struct mb_capture *c = m->cap;
	size_t i;

	if (m->at == c->nevents && c->final.valid)
		return &c->final;
	if (m->at == 0 && c->initial.valid)
		return &c->initial;
	for (i = 0; i < c->ncheckpoints; i++)
		if (c->checkpoints[i].at == m->at && c->checkpoints[i].state.valid)
			return &c->checkpoints[i].state;
	return NULL;
}

/**
 * map_model_snapshot() - the model's current state as regions with owners
 * @m: model
 * @s: filled; release with map_snapshot_free()
 *
 * Where the capture holds arrays for this position (initial, final,
 * checkpoints) their region boundaries are used, so the counts are
 * memblock's; elsewhere the regions are the merged coverage.
 *
 * Return: 0, or -1 when out of memory.
 */
int map_model_snapshot(const struct map_model *m, struct map_snapshot *s)
{
	return map_model_snapshot_from(m, map_captured_state(m), s);
}

/**
 * map_snapshot_free() - release a snapshot
 * @s: snapshot
 */
void map_snapshot_free(struct map_snapshot *s)
{
	free(s->memory);
	free(s->reserved);
	free(s->pieces);
	memset(s, 0, sizeof(*s));
}

struct gap {
	uint64_t len;
	size_t idx;
};

static int gap_cmp(const void *a, const void *b)
{
	const struct gap *x = a, *y = b;

	if (x->len != y->len)
		return x->len < y->len ? 1 : -1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/**
 * map_layout_runs() - the displayed stretches of the address space
 * @extent: everything to show (memory and reserved, merged)
 * @max_runs: at most this many runs: the largest holes are collapsed,
 *   smaller ones stay inside a run
 * @runs: malloc'd result
 * @nruns: number of runs
 *
 * Return: 0, or -1 when out of memory.
 */
int map_layout_runs(const struct map_segs *extent, size_t max_runs,
		    struct map_run **runs, size_t *nruns)
{
	struct gap *gaps;
	bool *hole;
	struct map_run *r;
	size_t i, k = 0;

	*runs = NULL;
	*nruns = 0;
	if (!extent->n)
		return 0;
	if (!max_runs)
		max_runs = 1;
	gaps = calloc(extent->n, sizeof(*gaps));
	hole = calloc(extent->n, sizeof(*hole));
	r = calloc(extent->n, sizeof(*r));
	if (!gaps || !hole || !r) {
		free(gaps);
		free(hole);
		free(r);
		return -1;
	}
	for (i = 1; i < extent->n; i++) {
		gaps[i - 1].len = extent->v[i].base - extent->v[i - 1].end;
		gaps[i - 1].idx = i;
	}
	qsort(gaps, extent->n - 1, sizeof(*gaps), gap_cmp);
	for (i = 0; i + 1 < extent->n && i + 1 < max_runs; i++)
		if (gaps[i].len)
			hole[gaps[i].idx] = true;
	for (i = 0; i < extent->n; i++) {
		if (i == 0 || hole[i]) {
			r[k].base = extent->v[i].base;
			r[k].end = extent->v[i].end;
			k++;
		} else {
			r[k - 1].end = extent->v[i].end;
		}
	}
	free(gaps);
	free(hole);
	*runs = r;
	*nruns = k;
	return 0;
}

static int legend_cmp(const void *a, const void *b, void *arg)
{
	const struct map_legend_ent *x = a, *y = b;
	const struct map_model *m = arg;

	if (x->bytes != y->bytes)
		return x->bytes < y->bytes ? 1 : -1;
	return strcmp(m->owners[x->owner], m->owners[y->owner]);
}

struct owner_tot {
	uint64_t bytes;
	size_t ranges;
	uint64_t last_end;
};

/**
 * map_legend() - owners present in a snapshot, most bytes first
 * @m: model (owner names)
 * @s: snapshot
 * @ents: malloc'd result
 * @n: number of entries
 *
 * Return: 0, or -1 when out of memory.
 */
int map_legend(const struct map_model *m, const struct map_snapshot *s,
	       struct map_legend_ent **ents, size_t *n)
{
	struct owner_tot *t = calloc(m->nowners ? m->nowners : 1, sizeof(*t));
	struct map_legend_ent *e;
	size_t i, k = 0;

	*ents = NULL;
	*n = 0;
	if (!t)
		return -1;
	for (i = 0; i < s->npieces; i++) {
		struct owner_tot *o = &t[s->pieces[i].owner];

		o->bytes += s->pieces[i].end - s->pieces[i].base;
		if (!o->ranges || o->last_end != s->pieces[i].base)
			o->ranges++;
		o->last_end = s->pieces[i].end;
	}
	e = calloc(m->nowners ? m->nowners : 1, sizeof(*e));
	if (!e) {
		free(t);
		return -1;
	}
	for (i = 0; i < m->nowners; i++)
		if (t[i].ranges)
			e[k++] = (struct map_legend_ent){ i, t[i].bytes, t[i].ranges };
	free(t);
	qsort_r(e, k, sizeof(*e), legend_cmp, (void *)m);
	*ents = e;
	*n = k;
	return 0;
}

/**
 * map_snapshot_exact() - a snapshot whose regions are memblock's own
 * @m: model at the wanted position
 * @s: filled; release with map_snapshot_free()
 *
 * Uses the captured arrays where the capture has them, otherwise runs the
 * first m->at events through the host memblock (mb_replay_run()); if that
 * fails the regions fall back to the merged coverage (s->exact false).
 *
 * Return: 0, or -1 when out of memory.
 */
int map_snapshot_exact(const struct map_model *m, struct map_snapshot *s)
{
	const struct mb_state *st = map_captured_state(m);
	struct mb_replay_report rep;
	struct mb_state rs;
	struct mb_error err = { 0 };
	int ret;

	if (st)
		return map_model_snapshot_from(m, st, s);
	memset(&rs, 0, sizeof(rs));
	memset(&rep, 0, sizeof(rep));
	if (mb_replay_run(m->cap, m->at, &rs, &rep, &err) == 0 && rs.valid && !rep.diverged) {
		ret = map_model_snapshot_from(m, &rs, s);
		mb_state_clear(&rs);
		return ret;
	}
	mb_state_clear(&rs);
	return map_model_snapshot_from(m, NULL, s);
}
