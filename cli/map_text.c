// SPDX-License-Identifier: GPL-2.0-only
/* map_text.c - the terminal map: one bar per stretch of memory, holes collapsed. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "map.h"

#define TEXT_MAX_RUNS	16
#define TEXT_MAX_ROWS	8
#define TEXT_MAX_RANGES	40
#define NLETTERS	62

static const char letters[] =
	"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
/* ANSI background colours, bright ones second; text is black on them. */
/* The pre-log owner is grey, as in the SVG and HTML maps. */

/*
 * The caller's colour (mba_caller_colour(), the same as in the SVG and the
 * HTML page) as the nearest of the 256 terminal colours, with black or white
 * text on it.
 */
static void colour_on(FILE *out, const char *caller)
{
	struct mba_rgb c = mba_caller_colour(caller);

	fprintf(out, "\033[0;38;5;%d;48;5;%dm", c.fg_dark ? 16 : 231, mba_ansi256(c));
}

/**
 * map_extent() - union of a snapshot's memory and reserved regions
 * @s: snapshot
 * @ext: filled (owner 0); release with map_segs_free()
 *
 * Return: 0, or -1 when out of memory.
 */
int map_extent(const struct map_snapshot *s, struct map_segs *ext)
{
	size_t i;

	for (i = 0; i < s->nmemory; i++)
		if (map_segs_paint(ext, s->memory[i].base, s->memory[i].end, 0))
			return -1;
	for (i = 0; i < s->nreserved; i++)
		if (map_segs_paint(ext, s->reserved[i].base, s->reserved[i].end, 0))
			return -1;
	return 0;
}

/**
 * map_rows_for() - bar rows for a stretch of @len bytes (about log4 of MiB)
 * @len: bytes
 *
 * Return: 1..8.
 */
int map_rows_for(uint64_t len)
{
	int lg = 63 - __builtin_clzll(len | 1), rows = 1;

	if (lg > 20)
		rows += (lg - 20) / 2;
	return rows > TEXT_MAX_ROWS ? TEXT_MAX_ROWS : rows;
}

static uint64_t lerp(uint64_t base, uint64_t len, uint64_t i, uint64_t n)
{
	return base + (uint64_t)((unsigned __int128)len * i / n);
}

struct cell_scan {
	const struct map_snapshot *s;
	size_t pi;	/* first piece that may overlap */
	size_t mi;	/* first memory region that may overlap */
};

/* Owner with the largest single piece in [a, b), or -1; *mem: any memory. */
static long cell_owner(struct cell_scan *c, uint64_t a, uint64_t b, bool *mem)
{
	const struct map_snapshot *s = c->s;
	uint64_t best = 0;
	long owner = -1;
	size_t q;

	while (c->pi < s->npieces && s->pieces[c->pi].end <= a)
		c->pi++;
	for (q = c->pi; q < s->npieces && s->pieces[q].base < b; q++) {
		uint64_t lo = s->pieces[q].base > a ? s->pieces[q].base : a;
		uint64_t hi = s->pieces[q].end < b ? s->pieces[q].end : b;

		if (hi - lo > best) {
			best = hi - lo;
			owner = s->pieces[q].owner;
		}
	}
	while (c->mi < s->nmemory && s->memory[c->mi].end <= a)
		c->mi++;
	*mem = c->mi < s->nmemory && s->memory[c->mi].base < b;
	return owner;
}

struct cell {
	uint64_t a;
	uint64_t b;
};

/* Proportional scale: map_rows_for() rows of @barw equal cells. */
/*
 * Linear scale: every cell covers the same power-of-two number of bytes, and
 * rows start at multiples of it, so each row's address is a round one.
 */
static int linear_cells(const struct map_run *run, int barw, struct cell **out, int *rows)
{
	uint64_t len = run->end - run->base, cell = 1, first, want;
	int n = map_rows_for(len), row, col;
	struct cell *c;

	want = len / ((uint64_t)n * barw) + 1;
	while (cell < want && cell < (1ULL << 62))
		cell <<= 1;
	first = run->base & ~(cell - 1);
	n = (int)((run->end - first + cell * barw - 1) / (cell * barw));
	if (n < 1)
		n = 1;
	c = malloc((size_t)n * barw * sizeof(*c));
	if (!c)
		return -1;
	for (row = 0; row < n; row++) {
		for (col = 0; col < barw; col++) {
			uint64_t a = first + ((uint64_t)row * barw + col) * cell;

			c[row * barw + col].a = a;
			c[row * barw + col].b = a + cell > a ? a + cell : UINT64_MAX;
		}
	}
	*out = c;
	*rows = n;
	return 0;
}

static int u64_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

struct lseg {
	uint64_t base;
	uint64_t end;
	double w;
	size_t cells;
};

/*
 * Log scale: every stretch of one kind (a caller's piece, free memory, not
 * memory) gets at least one cell, the rest in proportion to log2 of its
 * size. Leaves *out NULL (use the linear scale) when the run has more
 * stretches than 64 rows could show.
 */
static int log_cells(const struct map_snapshot *s, const struct map_run *run, int barw,
		     struct cell **out, int *rows)
{
	size_t npts = 0, i, nseg = 0, total, given = 0, k;
	uint64_t *pts = malloc((2 * (s->npieces + s->nmemory) + 2) * sizeof(*pts));
	struct lseg *seg = NULL;
	struct cell_scan cs = { s, 0, 0 };
	struct cell *c = NULL;
	long prev_owner = -2;
	bool prev_mem = false;
	double wsum = 0;
	int n;

	*out = NULL;
	if (!pts)
		return -1;
	pts[npts++] = run->base;
	pts[npts++] = run->end;
	for (i = 0; i < s->npieces; i++) {
		if (s->pieces[i].base > run->base && s->pieces[i].base < run->end)
			pts[npts++] = s->pieces[i].base;
		if (s->pieces[i].end > run->base && s->pieces[i].end < run->end)
			pts[npts++] = s->pieces[i].end;
	}
	for (i = 0; i < s->nmemory; i++) {
		if (s->memory[i].base > run->base && s->memory[i].base < run->end)
			pts[npts++] = s->memory[i].base;
		if (s->memory[i].end > run->base && s->memory[i].end < run->end)
			pts[npts++] = s->memory[i].end;
	}
	qsort(pts, npts, sizeof(*pts), u64_cmp);
	seg = malloc(npts * sizeof(*seg));
	if (!seg)
		goto fail;
	for (i = 0; i + 1 < npts; i++) {
		bool mem;
		long ow;

		if (pts[i + 1] == pts[i])
			continue;
		ow = cell_owner(&cs, pts[i], pts[i + 1], &mem);
		if (nseg && ow == prev_owner && (ow >= 0 || mem == prev_mem)) {
			seg[nseg - 1].end = pts[i + 1];
			continue;
		}
		seg[nseg++] = (struct lseg){ pts[i], pts[i + 1], 0, 1 };
		prev_owner = ow;
		prev_mem = mem;
	}
	/* about six cells per stretch, but no more rows than the linear scale */
	n = (nseg * 6 + barw - 1) / barw;
	if (n > map_rows_for(run->end - run->base))
		n = map_rows_for(run->end - run->base);
	if (nseg > (size_t)n * barw)
		n = (nseg + barw - 1) / barw;
	if (n > 64 || !nseg) {
		free(pts);
		free(seg);
		return 0;
	}
	total = (size_t)n * barw;
	for (i = 0; i < nseg; i++) {
		seg[i].w = 1.0 + (63 - __builtin_clzll((seg[i].end - seg[i].base) | 1));
		wsum += seg[i].w;
	}
	for (i = 0; i < nseg; i++) {
		seg[i].cells += (size_t)((double)(total - nseg) * seg[i].w / wsum);
		given += seg[i].cells;
	}
	for (i = 0; given < total; i = (i + 1) % nseg, given++)
		seg[i].cells++;
	c = malloc(total * sizeof(*c));
	if (!c)
		goto fail;
	for (i = 0, k = 0; i < nseg; i++) {
		size_t j;

		for (j = 0; j < seg[i].cells; j++, k++) {
			c[k].a = lerp(seg[i].base, seg[i].end - seg[i].base, j, seg[i].cells);
			c[k].b = lerp(seg[i].base, seg[i].end - seg[i].base, j + 1, seg[i].cells);
		}
	}
	free(pts);
	free(seg);
	*out = c;
	*rows = n;
	return 0;
fail:
	free(pts);
	free(seg);
	return -1;
}

static int hexdigits(uint64_t v)
{
	int d = 1;

	while (v >>= 4)
		d++;
	return d;
}

/**
 * map_render_text() - print the terminal map of one snapshot
 * @out: stream
 * @m: model (owner names)
 * @s: snapshot to draw
 * @o: width and colour
 *
 * Return: 0, or -1 when out of memory.
 */
int map_render_text(FILE *out, const struct map_model *m, const struct map_snapshot *s,
		    const struct map_opts *o)
{
	struct map_segs ext = { 0 };
	struct map_run *runs = NULL;
	struct map_legend_ent *leg = NULL;
	size_t nruns = 0, nleg = 0, i, r;
	int *letter = NULL;
	int digits = 8, barw, namew = 8, width = o->width;
	bool suffix = true;
	char h1[24], h2[24], h3[24], nbuf[300];
	struct cell_scan cs = { s, 0, 0 };
	struct cell *cells = NULL;
	int ret = -1;

	if (map_extent(s, &ext) || map_layout_runs(&ext, TEXT_MAX_RUNS, &runs, &nruns) ||
	    map_legend(m, s, &leg, &nleg))
		goto out;
	letter = malloc((m->nowners ? m->nowners : 1) * sizeof(*letter));
	if (!letter)
		goto out;
	for (i = 0; i < m->nowners; i++)
		letter[i] = -1;
	for (i = 0; i < nleg; i++)
		letter[leg[i].owner] = i < NLETTERS ? (int)i : NLETTERS;

	fprintf(out, "Physical address space after %zu of %zu events%s\n", s->at,
		m->cap->nevents, s->exact ? "" : " (regions from coverage)");
	if (m->cap->log_dropped)
		fprintf(out, "INCOMPLETE: the log dropped %" PRIu64 " calls (it was full); "
			"the map misses them\n", m->cap->log_dropped);
	fprintf(out, "memory %s in %zu regions, reserved %s in %zu regions, free %s\n\n",
		cli_human_size(s->memory_bytes, h1, sizeof(h1)), s->nmemory,
		cli_human_size(s->reserved_bytes, h2, sizeof(h2)), s->nreserved,
		cli_human_size(s->free_bytes, h3, sizeof(h3)));
	if (!nruns) {
		fprintf(out, "(no memory and no reservations)\n");
		ret = 0;
		goto out;
	}
	if (runs[nruns - 1].end > 1)
		digits = hexdigits(runs[nruns - 1].end - 1) > 8 ?
			 hexdigits(runs[nruns - 1].end - 1) : 8;
	if (width < 40)
		width = 40;
	barw = width - (2 + digits) - 2 - 1 - 11;
	if (barw < 24) {
		suffix = false;
		barw = width - (2 + digits) - 3;
	}

	for (r = 0; r < nruns; r++) {
		uint64_t len = runs[r].end - runs[r].base;
		int rows = 0, row;

		if (r > 0) {
			uint64_t hb = runs[r - 1].end, he = runs[r].base;

			fprintf(out, "%*s~ hole 0x%0*" PRIx64 "-0x%0*" PRIx64 " (%s) ~\n",
				digits / 2, "", digits, hb, digits, he - 1,
				cli_human_size(he - hb, h1, sizeof(h1)));
		}
		free(cells);
		cells = NULL;
		if (o->log_scale && log_cells(s, &runs[r], barw, &cells, &rows))
			goto out;
		if (!cells && linear_cells(&runs[r], barw, &cells, &rows))
			goto out;
		for (row = 0; row < rows; row++) {
			int cur = -2, col;

			fprintf(out, "0x%0*" PRIx64 " |", digits, cells[row * barw].a);
			for (col = 0; col < barw; col++) {
				uint64_t a = cells[row * barw + col].a;
				uint64_t b = cells[row * barw + col].b;
				bool mem;
				long ow;
				int li, want;
				char ch;

				if (b <= a)
					b = a + 1;
				ow = cell_owner(&cs, a, b, &mem);
				li = ow >= 0 ? letter[ow] : -1;
				if (li >= 0)
					ch = li < NLETTERS ? letters[li] : '*';
				else
					ch = mem ? '.' : ' ';
				want = li >= 0 ? (int)ow : (mem ? -1 : -3);
				if (o->color && want != cur) {
					if (want >= 0)
						colour_on(out, map_owner_name(m, (uint32_t)ow));
					else if (want == -1)
						fputs("\033[0;2m", out);
					else
						fputs("\033[0m", out);
					cur = want;
				}
				fputc(ch, out);
			}
			if (o->color)
				fputs("\033[0m", out);
			fputc('|', out);
			if (suffix && row == 0)
				fprintf(out, " %10s", cli_human_size(len, h1, sizeof(h1)));
			fputc('\n', out);
		}
	}

	fprintf(out, "\nLegend: '.' free memory, ' ' not memory, letters: reserved, by caller\n");
	fprintf(out, "Scale: %s\n", o->log_scale ?
		"every stretch gets a cell, widths by log2 of size (--scale linear: proportional)" :
		"proportional, a letter marks a cell with any reserved byte");
	for (i = 0; i < nleg && i < NLETTERS; i++) {
		int l = strlen(cli_escape(map_owner_name(m, leg[i].owner), nbuf, sizeof(nbuf)));

		if (l > namew)
			namew = l > 48 ? 48 : l;
	}
	if (o->sort_name || o->rows) {
		/* listed in the order and number asked for; letters stay by size */
		struct map_legend_ent *d;
		size_t nd, all;

		if (map_legend_ordered(m, s, o, &d, &nd, &all))
			goto out;
		for (i = 0; i < nd; i++) {
			int li = letter[d[i].owner];

			if (o->color) {
				fputs("  ", out);
				colour_on(out, map_owner_name(m, d[i].owner));
				fprintf(out, "%c\033[0m  ", li < NLETTERS ? letters[li] : '*');
			} else {
				fprintf(out, "  %c  ", li < NLETTERS ? letters[li] : '*');
			}
			fprintf(out, "%-*.*s %10s  %zu range%s\n", namew, namew,
				cli_escape(map_owner_name(m, d[i].owner), nbuf, sizeof(nbuf)),
				cli_human_size(d[i].bytes, h1, sizeof(h1)), d[i].ranges,
				d[i].ranges == 1 ? "" : "s");
		}
		if (nd < all)
			fprintf(out, "  ... %zu more callers (-n)\n", all - nd);
		free(d);
		nleg = 0;
	}
	for (i = 0; i < nleg; i++) {
		uint64_t other = 0;
		size_t orng = 0, j;

		if (i == NLETTERS) {
			for (j = i; j < nleg; j++) {
				other += leg[j].bytes;
				orng += leg[j].ranges;
			}
			fprintf(out, "  *  %-*s %10s  %zu ranges\n", namew, "(other callers)",
				cli_human_size(other, h1, sizeof(h1)), orng);
			break;
		}
		if (o->color) {
			fputs("  ", out);
			colour_on(out, map_owner_name(m, leg[i].owner));
			fprintf(out, "%c\033[0m  ", letters[i]);
		} else {
			fprintf(out, "  %c  ", letters[i]);
		}
		fprintf(out, "%-*.*s %10s  %zu range%s\n", namew, namew,
			cli_escape(map_owner_name(m, leg[i].owner), nbuf, sizeof(nbuf)),
			cli_human_size(leg[i].bytes, h1, sizeof(h1)), leg[i].ranges,
			leg[i].ranges == 1 ? "" : "s");
	}

	fprintf(out, "\nReserved regions:\n");
	for (i = 0; i < s->nreserved && i < TEXT_MAX_RANGES; i++) {
		const struct map_region *g = &s->reserved[i];
		size_t p, shown = 0;

		fprintf(out, "  0x%0*" PRIx64 "-0x%0*" PRIx64 " %10s  ", digits, g->base,
			digits, g->end - 1, cli_human_size(g->end - g->base, h1, sizeof(h1)));
		for (p = 0; p < g->npieces; p++) {
			uint32_t ow = s->pieces[g->first + p].owner;
			size_t q;
			bool dup = false;

			for (q = 0; q < p; q++)
				dup |= s->pieces[g->first + q].owner == ow;
			if (dup)
				continue;
			if (shown == 3) {
				fprintf(out, ", ...");
				break;
			}
			fprintf(out, "%s%s", shown ? ", " : "",
				cli_escape(map_owner_name(m, ow), nbuf, sizeof(nbuf)));
			shown++;
		}
		fputc('\n', out);
	}
	if (s->nreserved > TEXT_MAX_RANGES)
		fprintf(out, "  ... %zu more (-j lists all)\n", s->nreserved - TEXT_MAX_RANGES);
	ret = 0;
out:
	map_segs_free(&ext);
	free(runs);
	free(leg);
	free(letter);
	free(cells);
	return ret;
}
