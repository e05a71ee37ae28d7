// SPDX-License-Identifier: GPL-2.0-only
/* imap_test.c - the ownership treap against a byte-per-address model, on random paints and erases. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mbanalysis/analysis.h"

#define SPACE	4096
#define NONE	0xffffu

static uint64_t rnd_state = 0x243f6a8885a308d3ULL;

static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

static int check(const struct mba_imap *m, const uint16_t *own, const uint16_t *evs, int step)
{
	struct mba_seg *v = NULL, s;
	uint64_t tot[8] = { 0 }, a;
	size_t n, i;
	int bad = 0;

	if (mba_imap_flatten(m, &v, &n))
		return 1;
	for (a = 0; a < SPACE; a++)
		if (own[a] != NONE)
			tot[own[a]]++;
	for (i = 0; i < n; i++) {
		if (v[i].base >= v[i].end || (i && v[i].base < v[i - 1].end))
			bad = printf("step %d: segment %zu [%llu,%llu) out of order\n", step, i,
				     (unsigned long long)v[i].base, (unsigned long long)v[i].end);
		if (i && v[i].base == v[i - 1].end && v[i].owner == v[i - 1].owner &&
		    v[i].ev == v[i - 1].ev)
			bad = printf("step %d: adjacent equal segments not merged\n", step);
		for (a = v[i].base; a < v[i].end && a < SPACE; a++)
			if (own[a] != v[i].owner || evs[a] != v[i].ev)
				bad = printf("step %d: byte %llu owner %u, model %u\n", step,
					     (unsigned long long)a, v[i].owner, own[a]);
	}
	for (a = 0; a < SPACE; a++) {
		bool hit = mba_imap_lookup(m, a, &s);

		if (hit != (own[a] != NONE) || (hit && s.owner != own[a]))
			bad = printf("step %d: lookup %llu\n", step, (unsigned long long)a);
	}
	for (i = 0; i < 8; i++)
		if (mba_imap_total(m, (uint32_t)i) != tot[i])
			bad = printf("step %d: owner %zu total %llu, model %llu\n", step, i,
				     (unsigned long long)mba_imap_total(m, (uint32_t)i),
				     (unsigned long long)tot[i]);
	if (m->n != n)
		bad = printf("step %d: count %zu, flattened %zu\n", step, m->n, n);
	free(v);
	return bad ? 1 : 0;
}

int main(void)
{
	static uint16_t own[SPACE], evs[SPACE];
	struct mba_imap m;
	int step;

	mba_imap_init(&m);
	for (step = 0; step < SPACE; step++)
		own[step] = evs[step] = NONE;
	for (step = 0; step < 20000; step++) {
		uint64_t b = rnd() % SPACE, len = rnd() % 200 + 1, e = b + len > SPACE ? SPACE : b + len, a;
		uint32_t o = (uint32_t)(rnd() % 3);	/* few owners: merging happens */
		uint64_t ev = rnd() % 2;

		if (rnd() % 3) {
			if (mba_imap_paint(&m, b, e, o, ev))
				return 1;
			for (a = b; a < e; a++) {
				own[a] = (uint16_t)o;
				evs[a] = (uint16_t)ev;
			}
		} else {
			if (mba_imap_erase(&m, b, e))
				return 1;
			for (a = b; a < e; a++)
				own[a] = evs[a] = NONE;
		}
		if ((step % 97 == 0 || step < 200) && check(&m, own, evs, step))
			return 1;
	}
	/* the top of the address space: no wrap, exact totals */
	mba_imap_clear(&m);
	if (mba_imap_paint(&m, 0, UINT64_MAX, 5, 0) || mba_imap_total(&m, 5) != UINT64_MAX ||
	    mba_imap_erase(&m, UINT64_MAX - 4096, UINT64_MAX) ||
	    mba_imap_total(&m, 5) != UINT64_MAX - 4096 || m.n != 1) {
		printf("top of the address space: total %llu, %zu segments\n",
		       (unsigned long long)mba_imap_total(&m, 5), m.n);
		return 1;
	}
	mba_imap_free(&m);
	printf("imap: 20000 random paints and erases agree with the model\n");
	return 0;
}
