// SPDX-License-Identifier: GPL-2.0-only
/* align.c - align two call sequences by their keys (op and caller). */
#include <stdlib.h>
#include "mbanalysis/analysis.h"

#define MYERS_MAX_D	4000

static int push(struct mba_script *s, uint8_t kind, size_t a, size_t b)
{
	if (s->n == s->cap) {
		size_t c = s->cap ? s->cap * 2 : 1024;
		struct mba_edit *v = realloc(s->v, c * sizeof(*v));

		if (!v)
			return -1;
		s->v = v;
		s->cap = c;
	}
	s->v[s->n++] = (struct mba_edit){ kind, a, b };
	return 0;
}

/*
 * Myers' O(ND) greedy diff on keys a[0..n) and b[0..m), recording the
 * furthest-reaching paths of every D to backtrack.  Emits edits in reverse
 * into @rev (then reversed by the caller).  Returns 1 if D exceeded the cap.
 */
static int myers(const uint64_t *a, size_t n, const uint64_t *b, size_t m, size_t ao,
		 size_t bo, struct mba_script *rev)
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
				push(rev, MBA_EQUAL, ao + (size_t)x, bo + (size_t)y);
			}
			if (x == px)
				push(rev, MBA_INSERT, SIZE_MAX, bo + (size_t)--y);
			else
				push(rev, MBA_DELETE, ao + (size_t)--x, SIZE_MAX);
		}
		while (x > 0 && y > 0) {
			x--;
			y--;
			push(rev, MBA_EQUAL, ao + (size_t)x, bo + (size_t)y);
		}
	}
out:
	for (d = 0; d <= dmax + 1; d++)
		free(trace[d]);
	free(trace);
	free(v - dmax - 1);
	return rc;
}

/**
 * mba_align() - align two key sequences (Myers' O(ND) diff, common prefix
 * and suffix first)
 * @a: keys of the first sequence
 * @n: their number
 * @b: keys of the second sequence
 * @m: their number
 * @out: edits appended (MBA_EQUAL, MBA_INSERT, MBA_DELETE); out->truncated
 *   when the sequences differ by more than the cost cap
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_align(const uint64_t *a, size_t n, const uint64_t *b, size_t m,
	      struct mba_script *out)
{
	size_t pre = 0, suf = 0, i;
	struct mba_script rev = { 0 };
	int rc;

	while (pre < n && pre < m && a[pre] == b[pre])
		pre++;
	while (suf < n - pre && suf < m - pre && a[n - 1 - suf] == b[m - 1 - suf])
		suf++;
	for (i = 0; i < pre; i++)
		if (push(out, MBA_EQUAL, i, i))
			return -1;
	rc = myers(a + pre, n - pre - suf, b + pre, m - pre - suf, pre, pre, &rev);
	if (rc < 0)
		return -1;
	if (rc == 1) {
		out->truncated = true;
		for (i = pre; i < n - suf; i++)
			push(out, MBA_DELETE, i, SIZE_MAX);
		for (i = pre; i < m - suf; i++)
			push(out, MBA_INSERT, SIZE_MAX, i);
	} else {
		for (i = rev.n; i > 0; i--)
			if (push(out, rev.v[i - 1].kind, rev.v[i - 1].a, rev.v[i - 1].b))
				return -1;
	}
	free(rev.v);
	for (i = 0; i < suf; i++)
		if (push(out, MBA_EQUAL, n - suf + i, m - suf + i))
			return -1;
	return 0;
}

