// SPDX-License-Identifier: GPL-2.0-only
/* imap.c - disjoint address ranges with owners: a treap with per-owner byte totals. */
#include <stdlib.h>
#include <string.h>
#include "mbanalysis/analysis.h"

struct mba_node {
	struct mba_seg s;
	uint32_t prio;
	int32_t l, r;
};

/**
 * mba_imap_init() - an empty map
 * @m: map
 */
void mba_imap_init(struct mba_imap *m)
{
	memset(m, 0, sizeof(*m));
	m->free_list = -1;
	m->root = -1;
	m->seed = 0x2545f491u;
}

/**
 * mba_imap_clear() - drop every range, keep the allocations
 * @m: map
 */
void mba_imap_clear(struct mba_imap *m)
{
	m->used = 0;
	m->free_list = -1;
	m->root = -1;
	m->n = 0;
	if (m->total)
		memset(m->total, 0, m->ntotal * sizeof(*m->total));
}

/**
 * mba_imap_free() - release a map
 * @m: map
 */
void mba_imap_free(struct mba_imap *m)
{
	free(m->nodes);
	free(m->total);
	mba_imap_init(m);
}

static int32_t node_new(struct mba_imap *m, const struct mba_seg *s)
{
	int32_t i;

	if (m->free_list >= 0) {
		i = m->free_list;
		m->free_list = m->nodes[i].l;
	} else {
		if (m->used == m->cap) {
			size_t c = m->cap ? m->cap * 2 : 1024;
			struct mba_node *nn;

			if (c > INT32_MAX) {
				m->oom = true;
				return -1;
			}
			nn = realloc(m->nodes, c * sizeof(*nn));
			if (!nn) {
				m->oom = true;
				return -1;
			}
			m->nodes = nn;
			m->cap = c;
		}
		i = (int32_t)m->used++;
	}
	/* xorshift: priorities independent of the addresses */
	m->seed ^= m->seed << 13;
	m->seed ^= m->seed >> 17;
	m->seed ^= m->seed << 5;
	m->nodes[i] = (struct mba_node){ *s, m->seed, -1, -1 };
	m->n++;
	return i;
}

static void node_release(struct mba_imap *m, int32_t i)
{
	m->nodes[i].l = m->free_list;
	m->free_list = i;
	m->n--;
}

/* Bytes of @owner change by +@add or -@sub. */
static void account(struct mba_imap *m, uint32_t owner, uint64_t add, uint64_t sub)
{
	if (owner >= m->ntotal) {
		size_t n = m->ntotal ? m->ntotal : 64;
		uint64_t *t;

		while (n <= owner)
			n *= 2;
		t = realloc(m->total, n * sizeof(*t));
		if (!t) {
			m->oom = true;
			return;
		}
		memset(t + m->ntotal, 0, (n - m->ntotal) * sizeof(*t));
		m->total = t;
		m->ntotal = n;
	}
	m->total[owner] += add;
	m->total[owner] -= sub;
}

/* Split @t into bases < @key (*l) and bases >= @key (*r). */
static void split(struct mba_imap *m, int32_t t, uint64_t key, int32_t *l, int32_t *r)
{
	if (t < 0) {
		*l = *r = -1;
		return;
	}
	if (m->nodes[t].s.base < key) {
		split(m, m->nodes[t].r, key, &m->nodes[t].r, r);
		*l = t;
	} else {
		split(m, m->nodes[t].l, key, l, &m->nodes[t].l);
		*r = t;
	}
}

static int32_t join(struct mba_imap *m, int32_t a, int32_t b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	if (m->nodes[a].prio > m->nodes[b].prio) {
		m->nodes[a].r = join(m, m->nodes[a].r, b);
		return a;
	}
	m->nodes[b].l = join(m, a, m->nodes[b].l);
	return b;
}

static int32_t rightmost(const struct mba_imap *m, int32_t t)
{
	while (t >= 0 && m->nodes[t].r >= 0)
		t = m->nodes[t].r;
	return t;
}

static int32_t leftmost(const struct mba_imap *m, int32_t t)
{
	while (t >= 0 && m->nodes[t].l >= 0)
		t = m->nodes[t].l;
	return t;
}

/* Free a subtree, taking its bytes away from their owners. */
static void drop(struct mba_imap *m, int32_t t)
{
	while (t >= 0) {
		int32_t r = m->nodes[t].r;

		drop(m, m->nodes[t].l);
		account(m, m->nodes[t].s.owner, 0, m->nodes[t].s.end - m->nodes[t].s.base);
		node_release(m, t);
		t = r;
	}
}

/* Cut [base, end) out; *l and *r receive what lies below and above it. */
static void cut(struct mba_imap *m, uint64_t base, uint64_t end, int32_t *lo, int32_t *hi)
{
	int32_t l, mid, r, x, rem = -1;

	split(m, m->root, base, &l, &r);
	x = rightmost(m, l);
	if (x >= 0 && m->nodes[x].s.end > base) {
		struct mba_seg *s = &m->nodes[x].s;

		if (s->end > end) {
			struct mba_seg tail = *s;

			tail.base = end;
			rem = node_new(m, &tail);
			s = &m->nodes[x].s;	/* node_new may move the array */
		}
		account(m, s->owner, 0, (s->end > end ? end : s->end) - base);
		s->end = base;
	}
	split(m, r, end, &mid, &r);
	x = rightmost(m, mid);
	if (x >= 0 && m->nodes[x].s.end > end) {
		struct mba_seg tail = m->nodes[x].s;

		tail.base = end;
		account(m, tail.owner, tail.end - tail.base, 0);
		rem = node_new(m, &tail);
	}
	drop(m, mid);
	if (rem >= 0)
		r = join(m, rem, r);
	*lo = l;
	*hi = r;
}

/**
 * mba_imap_erase() - remove [@base, @end)
 * @m: map
 * @base: start
 * @end: end (exclusive)
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_imap_erase(struct mba_imap *m, uint64_t base, uint64_t end)
{
	int32_t l, r;

	if (end <= base)
		return 0;
	cut(m, base, end, &l, &r);
	m->root = join(m, l, r);
	return m->oom ? -1 : 0;
}

static bool same(const struct mba_seg *a, const struct mba_seg *b)
{
	return a->owner == b->owner && a->ev == b->ev;
}

/**
 * mba_imap_paint() - give [@base, @end) to @owner, replacing what was there
 * @m: map
 * @base: start
 * @end: end (exclusive)
 * @owner: owner index
 * @ev: event that gave it (MBA_EV_INITIAL: the initial state)
 *
 * Adjacent ranges of the same owner and event are merged.
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_imap_paint(struct mba_imap *m, uint64_t base, uint64_t end, uint32_t owner,
		   uint64_t ev)
{
	struct mba_seg s = { base, end, ev, owner };
	int32_t l, r, x, y, ym;

	if (end <= base)
		return 0;
	cut(m, base, end, &l, &r);
	account(m, owner, end - base, 0);
	x = rightmost(m, l);
	y = leftmost(m, r);
	if (y >= 0 && m->nodes[y].s.base == end && same(&m->nodes[y].s, &s)) {
		s.end = m->nodes[y].s.end;
		split(m, r, end + 1, &ym, &r);
		node_release(m, ym);	/* exactly y: bases are distinct */
	}
	if (x >= 0 && m->nodes[x].s.end == base && same(&m->nodes[x].s, &s)) {
		m->nodes[x].s.end = s.end;
		m->root = join(m, l, r);
		return m->oom ? -1 : 0;
	}
	x = node_new(m, &s);
	if (x < 0) {
		m->root = join(m, l, r);
		return -1;
	}
	m->root = join(m, join(m, l, x), r);
	return m->oom ? -1 : 0;
}

/**
 * mba_imap_total() - bytes held by @owner
 * @m: map
 * @owner: owner index
 *
 * Return: the sum of its ranges (never more than 2^64 - 1: ranges are disjoint).
 */
uint64_t mba_imap_total(const struct mba_imap *m, uint32_t owner)
{
	return owner < m->ntotal ? m->total[owner] : 0;
}

/**
 * mba_imap_lookup() - the range holding @addr
 * @m: map
 * @addr: address
 * @out: filled when found
 *
 * Return: whether a range holds @addr.
 */
bool mba_imap_lookup(const struct mba_imap *m, uint64_t addr, struct mba_seg *out)
{
	int32_t t = m->root, best = -1;

	while (t >= 0) {
		if (m->nodes[t].s.base <= addr) {
			best = t;
			t = m->nodes[t].r;
		} else {
			t = m->nodes[t].l;
		}
	}
	if (best < 0 || m->nodes[best].s.end <= addr)
		return false;
	*out = m->nodes[best].s;
	return true;
}

/**
 * mba_imap_flatten() - every range in address order
 * @m: map
 * @v: array, grown with realloc (may be non-NULL on entry)
 * @n: filled with the number of ranges
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_imap_flatten(const struct mba_imap *m, struct mba_seg **v, size_t *n)
{
	int32_t *stack;
	struct mba_seg *out;
	size_t sp = 0, k = 0, depth = 64;
	int32_t t = m->root;

	*n = 0;
	out = realloc(*v, (m->n ? m->n : 1) * sizeof(*out));
	stack = malloc(depth * sizeof(*stack));
	if (!out || !stack) {
		free(stack);
		if (out)
			*v = out;
		return -1;
	}
	*v = out;
	while (t >= 0 || sp) {
		while (t >= 0) {
			if (sp == depth) {
				int32_t *ns = realloc(stack, depth * 2 * sizeof(*ns));

				if (!ns) {
					free(stack);
					return -1;
				}
				stack = ns;
				depth *= 2;
			}
			stack[sp++] = t;
			t = m->nodes[t].l;
		}
		t = stack[--sp];
		out[k++] = m->nodes[t].s;
		t = m->nodes[t].r;
	}
	free(stack);
	*n = k;
	return 0;
}
