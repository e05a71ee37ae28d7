// SPDX-License-Identifier: GPL-2.0-only
/* diff.c - `memblock-cli diff A B`: per-caller totals, ranges, aligned call sequences. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mbagent/import.h"
#include "uapi/mb_evlog.h"

#define NAME_INITIAL	"[initial state]"
#define NAME_UNKNOWN	"[unknown caller]"
#define NAME_DOUBLE	"memblock_double_array"
#define MYERS_MAX_D	4000
#define TEXT_MAX_CALLS	2000
#define TEXT_MAX_RANGES	100

/* ---- caller names, shared by both sides ---- */

struct names {
	char **v;
	size_t n, cap;
	uint32_t *slots;	/* index + 1 */
	size_t nslots;
};

static uint64_t hash_str(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

static int names_grow(struct names *nm)
{
	size_t n = nm->nslots ? nm->nslots * 2 : 256, i;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (i = 0; i < nm->n; i++) {
		size_t h = hash_str(nm->v[i]) & (n - 1);

		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)i + 1;
	}
	free(nm->slots);
	nm->slots = s;
	nm->nslots = n;
	return 0;
}

static uint32_t names_get(struct names *nm, const char *name)
{
	size_t h;

	if ((nm->n + 1) * 2 > nm->nslots && names_grow(nm))
		return 0;
	h = hash_str(name) & (nm->nslots - 1);
	while (nm->slots[h]) {
		if (!strcmp(nm->v[nm->slots[h] - 1], name))
			return nm->slots[h] - 1;
		h = (h + 1) & (nm->nslots - 1);
	}
	if (nm->n == nm->cap) {
		size_t c = nm->cap ? nm->cap * 2 : 64;
		char **v = realloc(nm->v, c * sizeof(*v));

		if (!v)
			return 0;
		nm->v = v;
		nm->cap = c;
	}
	nm->v[nm->n] = strdup(name);
	if (!nm->v[nm->n])
		return 0;
	nm->slots[h] = (uint32_t)nm->n + 1;
	return (uint32_t)nm->n++;
}

static void names_free(struct names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	free(nm->slots);
}

/*
 * Symbol name without offset and without GCC clone suffixes
 * (".constprop.0", ".isra.0", ".part.0", ".cold"), which move between builds.
 */
static void strip_sym(const char *s, char *buf, size_t len)
{
	const char *dot = s[0] ? strchr(s + 1, '.') : NULL;
	size_t n = dot ? (size_t)(dot - s) : strlen(s);

	if (n >= len)
		n = len - 1;
	memcpy(buf, s, n);
	buf[n] = 0;
}

static uint32_t caller_name(struct names *nm, const struct mb_capture *c,
			    const struct mb_event *e)
{
	const char *s = mb_event_sym(c, e);
	char buf[256];

	if (s) {
		strip_sym(s, buf, sizeof(buf));
		return names_get(nm, buf);
	}
	if (e->caller) {
		snprintf(buf, sizeof(buf), "0x%" PRIx64, e->caller);
		return names_get(nm, buf);
	}
	return names_get(nm, NAME_UNKNOWN);
}

/* ---- who owns each reserved byte: a treap of disjoint intervals ---- */

struct tnode {
	uint64_t b, e;
	uint32_t owner;
	uint32_t prio;
	int32_t l, r;
};

struct owners {
	struct tnode *n;
	size_t cnt, cap;
	int32_t free_list;
	int32_t root;
	uint32_t seed;
	int64_t *total;		/* bytes per name index */
	size_t ntotal;
	bool oom;
};

static int32_t t_new(struct owners *o, uint64_t b, uint64_t e, uint32_t owner)
{
	int32_t i;

	if (o->free_list >= 0) {
		i = o->free_list;
		o->free_list = o->n[i].l;
	} else {
		if (o->cnt == o->cap) {
			size_t c = o->cap ? o->cap * 2 : 1024;
			struct tnode *nn = realloc(o->n, c * sizeof(*nn));

			if (!nn || c > INT32_MAX) {
				o->oom = true;
				return -1;
			}
			o->n = nn;
			o->cap = c;
		}
		i = (int32_t)o->cnt++;
	}
	o->seed = o->seed * 1103515245u + 12345u;
	o->n[i] = (struct tnode){ b, e, owner, o->seed, -1, -1 };
	return i;
}

static void t_add(struct owners *o, uint32_t owner, int64_t bytes)
{
	if (owner >= o->ntotal) {
		size_t n = o->ntotal ? o->ntotal : 64;
		int64_t *t;

		while (n <= owner)
			n *= 2;
		t = realloc(o->total, n * sizeof(*t));
		if (!t) {
			o->oom = true;
			return;
		}
		memset(t + o->ntotal, 0, (n - o->ntotal) * sizeof(*t));
		o->total = t;
		o->ntotal = n;
	}
	o->total[owner] += bytes;
}

/* Split @t into keys < @key (*l) and keys >= @key (*r). */
static void t_split(struct owners *o, int32_t t, uint64_t key, int32_t *l, int32_t *r)
{
	if (t < 0) {
		*l = *r = -1;
		return;
	}
	if (o->n[t].b < key) {
		t_split(o, o->n[t].r, key, &o->n[t].r, r);
		*l = t;
	} else {
		t_split(o, o->n[t].l, key, l, &o->n[t].l);
		*r = t;
	}
}

static int32_t t_merge(struct owners *o, int32_t a, int32_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	if (o->n[a].prio > o->n[b].prio) {
		o->n[a].r = t_merge(o, o->n[a].r, b);
		return a;
	}
	o->n[b].l = t_merge(o, a, o->n[b].l);
	return b;
}

static int32_t t_max(struct owners *o, int32_t t)
{
	while (t >= 0 && o->n[t].r >= 0)
		t = o->n[t].r;
	return t;
}

/* Free a subtree, taking its bytes away from their owners. */
static void t_drop(struct owners *o, int32_t t)
{
	while (t >= 0) {
		int32_t r = o->n[t].r;

		t_drop(o, o->n[t].l);
		t_add(o, o->n[t].owner, -(int64_t)(o->n[t].e - o->n[t].b));
		o->n[t].l = o->free_list;
		o->free_list = t;
		t = r;
	}
}

static void own_remove(struct owners *o, uint64_t b, uint64_t e)
{
	int32_t l, m, r, x, rem = -1;

	if (e <= b)
		return;
	t_split(o, o->root, b, &l, &r);
	x = t_max(o, l);
	if (x >= 0 && o->n[x].e > b) {
		if (o->n[x].e > e)
			rem = t_new(o, e, o->n[x].e, o->n[x].owner);
		t_add(o, o->n[x].owner, -(int64_t)(o->n[x].e - b));
		if (rem >= 0)
			t_add(o, o->n[x].owner, (int64_t)(o->n[rem].e - o->n[rem].b));
		o->n[x].e = b;
	}
	t_split(o, r, e, &m, &r);
	x = t_max(o, m);
	if (x >= 0 && o->n[x].e > e) {
		rem = t_new(o, e, o->n[x].e, o->n[x].owner);
		if (rem >= 0)
			t_add(o, o->n[x].owner, (int64_t)(o->n[rem].e - o->n[rem].b));
	}
	t_drop(o, m);
	if (rem >= 0)
		r = t_merge(o, rem, r);
	o->root = t_merge(o, l, r);
}

static void own_assign(struct owners *o, uint64_t b, uint64_t size, uint32_t owner)
{
	uint64_t e = size > UINT64_MAX - b ? UINT64_MAX : b + size;
	int32_t l, r, x;

	if (e <= b)
		return;
	own_remove(o, b, e);
	x = t_new(o, b, e, owner);
	if (x < 0)
		return;
	t_add(o, owner, (int64_t)(e - b));
	t_split(o, o->root, b, &l, &r);
	o->root = t_merge(o, t_merge(o, l, x), r);
}

static bool alloc_op(unsigned int op)
{
	return op >= MB_OP_PHYS_ALLOC_RANGE && op <= MB_OP_ALLOC_NODE;
}

static int ownership(const struct mb_capture *c, struct names *nm, struct owners *o)
{
	uint32_t init = names_get(nm, NAME_INITIAL), dbl = names_get(nm, NAME_DOUBLE);
	size_t i;

	memset(o, 0, sizeof(*o));
	o->free_list = -1;
	o->root = -1;
	o->seed = 12345;
	if (c->initial.valid)
		for (i = 0; i < c->initial.reserved.cnt; i++)
			own_assign(o, c->initial.reserved.regions[i].base,
				   c->initial.reserved.regions[i].size, init);
	for (i = 0; i < c->nevents && !o->oom; i++) {
		const struct mb_event *e = &c->events[i];
		bool ok = !(e->rflags & MB_REC_FAILED);

		if (e->op == MB_OP_RESERVE && ok)
			own_assign(o, e->base, e->size, caller_name(nm, c, e));
		else if (alloc_op(e->op) && ok && e->result)
			own_assign(o, e->result, e->size, caller_name(nm, c, e));
		else if ((e->op == MB_OP_PHYS_FREE || e->op == MB_OP_FREE) && e->base)
			own_remove(o, e->base, e->size > UINT64_MAX - e->base ?
				   UINT64_MAX : e->base + e->size);
		else if (e->op == MB_OP_DOUBLE_ARRAY && ok && e->base) {
			if (e->min_addr && e->align)
				own_remove(o, e->min_addr, e->min_addr + e->align);
			own_assign(o, e->base, e->size, dbl);
		}
	}
	return o->oom ? -1 : 0;
}

static void owners_free(struct owners *o)
{
	free(o->n);
	free(o->total);
}

static int64_t total_of(const struct owners *o, size_t i)
{
	return i < o->ntotal ? o->total[i] : 0;
}

/* ---- callers table ---- */

struct crow {
	uint32_t name;
	int64_t a, b;
};

static int64_t abs64(int64_t v)
{
	return v < 0 ? -v : v;
}

static int crow_cmp(const void *x, const void *y)
{
	const struct crow *p = x, *q = y;
	int64_t dp = abs64(p->b - p->a), dq = abs64(q->b - q->a);

	if (dp != dq)
		return dp < dq ? 1 : -1;
	if (p->b != q->b)
		return p->b < q->b ? 1 : -1;
	return (int)p->name - (int)q->name;
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

static void signed_human(int64_t v, char *buf, size_t len)
{
	char h[32];

	cli_human_size((uint64_t)abs64(v), h, sizeof(h));
	snprintf(buf, len, "%c%s", v < 0 ? '-' : '+', h);
}

static void pct(int64_t a, int64_t b, char *buf, size_t len)
{
	if (!a)
		snprintf(buf, len, "%s", b ? "[NEW]" : "0.0%");
	else if (!b)
		snprintf(buf, len, "[DEL]");
	else
		snprintf(buf, len, "%+.1f%%", (double)(b - a) * 100.0 / (double)a);
}

/* ---- ranges ---- */

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

/* ---- aligned call sequences (Myers) ---- */

enum ekind { E_EQUAL, E_CHANGED, E_INSERT, E_DELETE };

struct edit {
	uint8_t kind;
	size_t a, b;	/* event indexes (SIZE_MAX when absent) */
};

struct seq {
	size_t *idx;	/* event index of each depth-0 event */
	uint64_t *key;
	size_t n;
};

static int build_seq(const struct mb_capture *c, struct names *nm, struct seq *s)
{
	size_t i;

	s->n = 0;
	s->idx = malloc((c->nevents + 1) * sizeof(*s->idx));
	s->key = malloc((c->nevents + 1) * sizeof(*s->key));
	if (!s->idx || !s->key)
		return -1;
	for (i = 0; i < c->nevents; i++) {
		const struct mb_event *e = &c->events[i];

		const char *sym = mb_event_sym(c, e);

		/* Nested calls and the importer's inferred set_node calls are not calls. */
		if (e->depth || (sym && !strcmp(sym, MB_IMPORT_NUMA_SYM)))
			continue;
		s->idx[s->n] = i;
		s->key[s->n] = (uint64_t)e->op << 32 | caller_name(nm, c, e);
		s->n++;
	}
	return 0;
}

static bool args_changed(const struct mb_event *x, const struct mb_event *y)
{
	if (x->size != y->size || x->align != y->align || x->nid != y->nid ||
	    x->mflags != y->mflags || x->min_addr != y->min_addr || x->max_addr != y->max_addr)
		return true;
	if (!alloc_op(x->op) && x->base != y->base)
		return true;
	return (x->rflags & MB_REC_FAILED) != (y->rflags & MB_REC_FAILED);
}

struct script {
	struct edit *v;
	size_t n, cap;
	bool truncated;		/* D too large: middle replaced wholesale */
};

static int push(struct script *s, uint8_t kind, size_t a, size_t b)
{
	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 1024;
		struct edit *v = realloc(s->v, c * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = c;
	}
	s->v[s->n++] = (struct edit){ kind, a, b };
	return 0;
}

/*
 * Myers' O(ND) greedy diff on keys a[0..n) and b[0..m), recording the
 * furthest-reaching paths of every D to backtrack.  Emits edits in reverse
 * into @rev (then reversed by the caller).  Returns 1 if D exceeded the cap.
 */
static int myers(const uint64_t *a, size_t n, const uint64_t *b, size_t m, size_t ao,
		 size_t bo, struct script *rev)
{
	long max = (long)(n + m), dmax = max < MYERS_MAX_D ? max : MYERS_MAX_D;
	long *v, **trace, d, k, found = -1;
	int rc = 0;

	v = calloc((size_t)(2 * dmax + 3), sizeof(long));
	trace = calloc((size_t)dmax + 2, sizeof(*trace));
	if (!v || !trace) {
		free(v);
		free(trace);
		return -1;
	}
	v += dmax + 1;
	for (d = 0; d <= dmax && found < 0; d++) {
		for (k = -d; k <= d; k += 2) {
			long x, y;

			if (k == -d || (k != d && v[k - 1] < v[k + 1]))
				x = v[k + 1];
			else
				x = v[k - 1] + 1;
			y = x - k;
			while (x < (long)n && y < (long)m && a[x] == b[y]) {
				x++;
				y++;
			}
			v[k] = x;
			if (x >= (long)n && y >= (long)m) {
				found = d;
				break;
			}
		}
		trace[d] = malloc((size_t)(2 * d + 1) * sizeof(long));
		if (!trace[d]) {
			rc = -1;
			goto out;
		}
		for (k = -d; k <= d; k++)
			trace[d][k + d] = v[k];
	}
	if (found < 0) {
		rc = 1;
		goto out;
	}
	{
		long x = (long)n, y = (long)m;

		for (d = found; d > 0; d--) {
			long *pv = trace[d - 1], pk, px, py;

			k = x - y;
			if (k == -d || (k != d && pv[k - 1 + (d - 1)] < pv[k + 1 + (d - 1)]))
				pk = k + 1;
			else
				pk = k - 1;
			px = pv[pk + (d - 1)];
			py = px - pk;
			while (x > px && y > py) {
				x--;
				y--;
				push(rev, E_EQUAL, ao + (size_t)x, bo + (size_t)y);
			}
			if (x == px)
				push(rev, E_INSERT, SIZE_MAX, bo + (size_t)--y);
			else
				push(rev, E_DELETE, ao + (size_t)--x, SIZE_MAX);
		}
		while (x > 0 && y > 0) {
			x--;
			y--;
			push(rev, E_EQUAL, ao + (size_t)x, bo + (size_t)y);
		}
	}
out:
	for (d = 0; d <= dmax + 1; d++)
		free(trace[d]);
	free(trace);
	free(v - dmax - 1);
	return rc;
}

static int align_calls(const struct seq *sa, const struct seq *sb, struct script *out)
{
	size_t pre = 0, suf = 0, i, n = sa->n, m = sb->n;
	struct script rev = { 0 };
	int rc;

	while (pre < n && pre < m && sa->key[pre] == sb->key[pre])
		pre++;
	while (suf < n - pre && suf < m - pre && sa->key[n - 1 - suf] == sb->key[m - 1 - suf])
		suf++;
	for (i = 0; i < pre; i++)
		if (push(out, E_EQUAL, i, i))
			return -1;
	rc = myers(sa->key + pre, n - pre - suf, sb->key + pre, m - pre - suf, pre, pre, &rev);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		out->truncated = true;
		for (i = pre; i < n - suf; i++)
			push(out, E_DELETE, i, SIZE_MAX);
		for (i = pre; i < m - suf; i++)
			push(out, E_INSERT, SIZE_MAX, i);
	} else {
		for (i = rev.n; i > 0; i--)
			if (push(out, rev.v[i - 1].kind, rev.v[i - 1].a, rev.v[i - 1].b))
				return -1;
	}
	free(rev.v);
	for (i = 0; i < suf; i++)
		if (push(out, E_EQUAL, n - suf + i, m - suf + i))
			return -1;
	return 0;
}

/* ---- the command ---- */

struct side {
	const char *path;
	struct mb_capture *c;
	struct mb_state end;
	const char *how;
	struct owners own;
	struct seq seq;
};

static int load_side(struct side *s, struct names *nm, struct mb_error *err)
{
	s->c = cli_load(s->path, err);
	if (!s->c)
		return -1;
	if (cli_end_state(s->c, &s->end, &s->how, err))
		return -1;
	if (ownership(s->c, nm, &s->own) || build_seq(s->c, nm, &s->seq))
		return mb_error_set(err, MB_ERR_NOMEM, 0, 0, "out of memory");
	return 0;
}

static void free_side(struct side *s)
{
	if (s->c)
		cli_release(s->c);
	mb_state_clear(&s->end);
	owners_free(&s->own);
	free(s->seq.idx);
	free(s->seq.key);
}

static void describe_call(const struct mb_capture *c, size_t idx, char *buf, size_t len)
{
	const struct mb_event *e = &c->events[idx];
	char args[320], sym[320];

	cli_event_args(e, args, sizeof(args));
	snprintf(buf, len, "%s %s %s", mb_op_name(e->op) ? mb_op_name(e->op) : "?",
		 cli_sym(c, e, sym, sizeof(sym)), args);
}

struct gates {
	bool reserved_set, memory_set, new_callers;
	uint64_t reserved_max, memory_max;
};

/**
 * cmd_diff() - compare two captures
 * @argc: argument count
 * @argv: arguments, argv[0] = "diff"
 *
 * Return: 0, MB_EXIT_GATE when a --fail-if-* gate tripped, or an error.
 */
int cmd_diff(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "no-events", no_argument, NULL, 'n' },
		{ "all", no_argument, NULL, 'a' },
		{ "fail-if-reserved-grows", required_argument, NULL, 'R' },
		{ "fail-if-memory-shrinks", required_argument, NULL, 'M' },
		{ "fail-if-new-callers", no_argument, NULL, 'N' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct side A = { 0 }, B = { 0 };
	struct names nm = { 0 };
	struct gates g = { 0 };
	struct mb_error err = { 0 };
	struct script sc = { 0 };
	struct rdiff *rd[2] = { NULL, NULL };
	size_t nrd[2] = { 0, 0 }, ncr = 0, i, counts[4] = { 0 };
	struct crow *cr = NULL;
	bool show_events = true, all = false, tripped[3] = { false };
	int64_t ta = 0, tb = 0, rgrow, mshrink;
	int opt, rc = MB_EXIT_OK, t, new_callers = 0;

	while ((opt = cli_getopt(argc, argv, "jh", opts)) != -1) {
		switch (opt) {
		case 'n':
			show_events = false;
			break;
		case 'a':
			all = true;
			break;
		case 'R':
			if (!cli_parse_u64(optarg, &g.reserved_max))
				return cli_fail(MB_EXIT_USAGE, "diff: bad byte count '%s'", optarg);
			g.reserved_set = true;
			break;
		case 'M':
			if (!cli_parse_u64(optarg, &g.memory_max))
				return cli_fail(MB_EXIT_USAGE, "diff: bad byte count '%s'", optarg);
			g.memory_set = true;
			break;
		case 'N':
			g.new_callers = true;
			break;
		case 'j':
			cli_json = true;
			break;
		case 'h':
			return cli_usage();
		default:
			return MB_EXIT_USAGE;
		}
	}
	if (optind != argc - 2)
		return cli_fail(MB_EXIT_USAGE, "diff: expected two inputs A B (see 'diff --help')");
	A.path = argv[optind];
	B.path = argv[optind + 1];
	if (load_side(&A, &nm, &err) || load_side(&B, &nm, &err)) {
		rc = cli_fail_err(MB_EXIT_FAIL, &err);
		goto out;
	}

	/* Callers. */
	cr = calloc(nm.n + 1, sizeof(*cr));
	if (!cr) {
		rc = cli_fail(MB_EXIT_FAIL, "out of memory");
		goto out;
	}
	for (i = 0; i < nm.n; i++) {
		int64_t a = total_of(&A.own, i), b = total_of(&B.own, i);

		ta += a;
		tb += b;
		if (!a && !b)
			continue;
		if (!a && b)
			new_callers++;
		if (a == b && !all)
			continue;
		cr[ncr++] = (struct crow){ (uint32_t)i, a, b };
	}
	qsort(cr, ncr, sizeof(*cr), crow_cmp);

	/* Ranges. */
	for (t = 0; t < 2; t++) {
		const struct mb_array *a = t ? &A.end.reserved : &A.end.memory;
		const struct mb_array *b = t ? &B.end.reserved : &B.end.memory;

		rd[t] = malloc((a->cnt + b->cnt + 1) * sizeof(**rd));
		if (!rd[t]) {
			rc = cli_fail(MB_EXIT_FAIL, "out of memory");
			goto out;
		}
		nrd[t] = range_diff(a, b, rd[t]);
	}

	/* Calls. */
	if (align_calls(&A.seq, &B.seq, &sc)) {
		rc = cli_fail(MB_EXIT_FAIL, "out of memory aligning the call sequences");
		goto out;
	}
	for (i = 0; i < sc.n; i++) {
		struct edit *e = &sc.v[i];

		if (e->kind == E_EQUAL &&
		    args_changed(&A.c->events[A.seq.idx[e->a]], &B.c->events[B.seq.idx[e->b]]))
			e->kind = E_CHANGED;
		counts[e->kind]++;
	}

	/* Gates. */
	rgrow = (int64_t)(B.end.reserved.total_size - A.end.reserved.total_size);
	mshrink = (int64_t)(A.end.memory.total_size - B.end.memory.total_size);
	tripped[0] = g.reserved_set && rgrow > (int64_t)g.reserved_max;
	tripped[1] = g.memory_set && mshrink > (int64_t)g.memory_max;
	tripped[2] = g.new_callers && new_callers > 0;
	if (tripped[0] || tripped[1] || tripped[2])
		rc = MB_EXIT_GATE;

	if (cli_json) {
		struct json *j = json_new(stdout);

		json_obj_begin(j);
		json_key(j, "a");
		json_str(j, A.path);
		json_key(j, "b");
		json_str(j, B.path);
		json_key(j, "a_dropped");
		json_uint(j, A.c->log_dropped);
		json_key(j, "b_dropped");
		json_uint(j, B.c->log_dropped);
		json_key(j, "complete");
		json_bool(j, !A.c->log_dropped && !B.c->log_dropped);
		json_key(j, "callers");
		json_arr_begin(j);
		for (i = 0; i < ncr; i++) {
			json_obj_begin(j);
			json_key(j, "caller");
			json_str(j, nm.v[cr[i].name]);
			json_key(j, "status");
			json_str(j, status_of(&cr[i]));
			json_key(j, "a_bytes");
			json_int(j, cr[i].a);
			json_key(j, "b_bytes");
			json_int(j, cr[i].b);
			json_key(j, "delta");
			json_int(j, cr[i].b - cr[i].a);
			json_key(j, "percent");
			if (cr[i].a)
				json_double(j, (double)(cr[i].b - cr[i].a) * 100.0 /
					       (double)cr[i].a);
			else
				json_null(j);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_key(j, "total");
		json_obj_begin(j);
		json_key(j, "a_bytes");
		json_int(j, ta);
		json_key(j, "b_bytes");
		json_int(j, tb);
		json_key(j, "delta");
		json_int(j, tb - ta);
		json_key(j, "a_reserved_size");
		json_hex(j, A.end.reserved.total_size);
		json_key(j, "b_reserved_size");
		json_hex(j, B.end.reserved.total_size);
		json_key(j, "a_memory_size");
		json_hex(j, A.end.memory.total_size);
		json_key(j, "b_memory_size");
		json_hex(j, B.end.memory.total_size);
		json_obj_end(j);
		json_key(j, "ranges");
		json_obj_begin(j);
		for (t = 0; t < 2; t++) {
			json_key(j, t ? "reserved" : "memory");
			json_arr_begin(j);
			for (i = 0; i < nrd[t]; i++) {
				const struct rdiff *r = &rd[t][i];

				json_obj_begin(j);
				json_key(j, "change");
				json_str(j, rchange_name[r->kind]);
				json_key(j, "base");
				json_hex(j, r->base);
				json_key(j, "a_size");
				json_hex(j, r->old_size);
				json_key(j, "b_size");
				json_hex(j, r->new_size);
				json_obj_end(j);
			}
			json_arr_end(j);
		}
		json_obj_end(j);
		json_key(j, "calls");
		json_obj_begin(j);
		json_key(j, "equal");
		json_uint(j, counts[E_EQUAL]);
		json_key(j, "changed");
		json_uint(j, counts[E_CHANGED]);
		json_key(j, "inserted");
		json_uint(j, counts[E_INSERT]);
		json_key(j, "deleted");
		json_uint(j, counts[E_DELETE]);
		json_key(j, "aligned");
		json_bool(j, !sc.truncated);
		if (show_events) {
			json_key(j, "edits");
			json_arr_begin(j);
			for (i = 0; i < sc.n; i++) {
				const struct edit *e = &sc.v[i];
				static const char *const kn[] = { "equal", "changed", "inserted",
								  "deleted" };
				char d[700];

				if (e->kind == E_EQUAL)
					continue;
				json_obj_begin(j);
				json_key(j, "kind");
				json_str(j, kn[e->kind]);
				json_key(j, "a_seq");
				if (e->a != SIZE_MAX)
					json_uint(j, A.c->events[A.seq.idx[e->a]].seq);
				else
					json_null(j);
				json_key(j, "b_seq");
				if (e->b != SIZE_MAX)
					json_uint(j, B.c->events[B.seq.idx[e->b]].seq);
				else
					json_null(j);
				if (e->a != SIZE_MAX) {
					describe_call(A.c, A.seq.idx[e->a], d, sizeof(d));
					json_key(j, "a");
					json_str(j, d);
				}
				if (e->b != SIZE_MAX) {
					describe_call(B.c, B.seq.idx[e->b], d, sizeof(d));
					json_key(j, "b");
					json_str(j, d);
				}
				json_obj_end(j);
			}
			json_arr_end(j);
		}
		json_obj_end(j);
		json_key(j, "gates");
		json_obj_begin(j);
		json_key(j, "reserved_growth");
		json_int(j, rgrow);
		json_key(j, "memory_shrink");
		json_int(j, mshrink);
		json_key(j, "new_callers");
		json_int(j, new_callers);
		json_key(j, "tripped");
		json_arr_begin(j);
		if (tripped[0])
			json_str(j, "fail-if-reserved-grows");
		if (tripped[1])
			json_str(j, "fail-if-memory-shrinks");
		if (tripped[2])
			json_str(j, "fail-if-new-callers");
		json_arr_end(j);
		json_obj_end(j);
		json_key(j, "exit");
		json_int(j, rc);
		json_obj_end(j);
		json_free(j);
		goto out;
	}

	if (A.c->log_dropped || B.c->log_dropped)
		fprintf(stderr, "warning: incomplete log: %s dropped %llu calls, %s dropped %llu; per-caller totals and calls miss them\n",
			A.path, (unsigned long long)A.c->log_dropped, B.path,
			(unsigned long long)B.c->log_dropped);
	printf("reserved bytes by caller (%s -> %s):\n", A.path, B.path);
	printf("  %-9s %16s %14s %14s  %s\n", "CHANGE", "DELTA", "A", "B", "CALLER");
	for (i = 0; i < ncr; i++) {
		char p[32], d[32], a[32], b[32];

		pct(cr[i].a, cr[i].b, p, sizeof(p));
		snprintf(d, sizeof(d), "%+" PRId64, cr[i].b - cr[i].a);
		snprintf(a, sizeof(a), "%" PRId64, cr[i].a);
		snprintf(b, sizeof(b), "%" PRId64, cr[i].b);
		printf("  %-9s %16s %14s %14s  %s\n", p, d, a, b, nm.v[cr[i].name]);
	}
	{
		char p[32], d[32], h[40];

		pct(ta, tb, p, sizeof(p));
		snprintf(d, sizeof(d), "%+" PRId64, tb - ta);
		signed_human(tb - ta, h, sizeof(h));
		printf("  %-9s %16s %14" PRId64 " %14" PRId64 "  TOTAL (%s)\n", p, d, ta, tb, h);
	}
	for (t = 0; t < 2; t++) {
		printf("\n%s ranges: %zu changed\n", t ? "reserved" : "memory", nrd[t]);
		for (i = 0; i < nrd[t]; i++) {
			const struct rdiff *r = &rd[t][i];
			char h1[32], h2[32];

			if (i == TEXT_MAX_RANGES) {
				printf("  ... %zu more (use -j for all)\n", nrd[t] - i);
				break;
			}

			cli_human_size(r->old_size, h1, sizeof(h1));
			cli_human_size(r->new_size, h2, sizeof(h2));
			switch (r->kind) {
			case R_ADDED:
				printf("  + [0x%016" PRIx64 "-0x%016" PRIx64 ") %s\n", r->base,
				       r->base + r->new_size, h2);
				break;
			case R_REMOVED:
				printf("  - [0x%016" PRIx64 "-0x%016" PRIx64 ") %s\n", r->base,
				       r->base + r->old_size, h1);
				break;
			case R_RESIZED:
				printf("  ~ [0x%016" PRIx64 "-0x%016" PRIx64 ") -> [0x%016" PRIx64
				       "-0x%016" PRIx64 ") %s -> %s\n", r->base, r->base + r->old_size,
				       r->base, r->base + r->new_size, h1, h2);
				break;
			case R_CHANGED:
				printf("  ~ [0x%016" PRIx64 "-0x%016" PRIx64 ") nid %d -> %d, flags 0x%x -> 0x%x\n",
				       r->base, r->base + r->old_size, r->old_nid, r->new_nid,
				       r->old_flags, r->new_flags);
				break;
			}
		}
	}
	printf("\ncalls: %zu equal, %zu changed, %zu inserted, %zu deleted%s\n",
	       counts[E_EQUAL], counts[E_CHANGED], counts[E_INSERT], counts[E_DELETE],
	       sc.truncated ? " (sequences too different to align: middle shown as replaced)" :
	       "");
	if (show_events) {
		size_t shown = 0;

		for (i = 0; i < sc.n; i++) {
			const struct edit *e = &sc.v[i];
			char d1[700], d2[700];

			if (e->kind == E_EQUAL)
				continue;
			if (shown++ >= TEXT_MAX_CALLS)
				continue;
			if (e->a != SIZE_MAX)
				describe_call(A.c, A.seq.idx[e->a], d1, sizeof(d1));
			if (e->b != SIZE_MAX)
				describe_call(B.c, B.seq.idx[e->b], d2, sizeof(d2));
			if (e->kind == E_CHANGED)
				printf("  ~ a#%" PRIu64 " b#%" PRIu64 " %s\n      -> %s\n",
				       A.c->events[A.seq.idx[e->a]].seq,
				       B.c->events[B.seq.idx[e->b]].seq, d1, d2);
			else if (e->kind == E_INSERT)
				printf("  + b#%" PRIu64 " %s\n", B.c->events[B.seq.idx[e->b]].seq, d2);
			else
				printf("  - a#%" PRIu64 " %s\n", A.c->events[A.seq.idx[e->a]].seq, d1);
		}
		if (shown > TEXT_MAX_CALLS)
			printf("  ... %zu more (use -j for all)\n", shown - TEXT_MAX_CALLS);
	}
	if (g.reserved_set || g.memory_set || g.new_callers) {
		printf("\ngates:\n");
		if (g.reserved_set)
			printf("  fail-if-reserved-grows %" PRIu64 ": reserved grew by %" PRId64
			       " bytes: %s\n", g.reserved_max, rgrow, tripped[0] ? "FAIL" : "ok");
		if (g.memory_set)
			printf("  fail-if-memory-shrinks %" PRIu64 ": memory shrank by %" PRId64
			       " bytes: %s\n", g.memory_max, mshrink, tripped[1] ? "FAIL" : "ok");
		if (g.new_callers)
			printf("  fail-if-new-callers: %d new: %s\n", new_callers,
			       tripped[2] ? "FAIL" : "ok");
	}
out:
	free(cr);
	free(rd[0]);
	free(rd[1]);
	free(sc.v);
	free_side(&A);
	free_side(&B);
	names_free(&nm);
	return rc;
}
