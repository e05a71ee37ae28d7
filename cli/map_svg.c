// SPDX-License-Identifier: GPL-2.0-only
/* map_svg.c - the map as a standalone SVG image, plus colour and escaping helpers. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "map.h"

#define SVG_MAX_RUNS	16
#define SVG_BAR_H	22
#define SVG_MARGIN	10

/**
 * map_color() - the colour of an owner: derived from its name
 * (mba_caller_colour()), so it is the same in the text map, the SVG and the
 * HTML page, and in every capture
 * @m: model
 * @owner: owner index
 * @buf: at least 8 bytes
 *
 * Return: "#rrggbb" in @buf.
 */
const char *map_color(const struct map_model *m, uint32_t owner, char *buf)
{
	return mba_colour_hex(mba_caller_colour(map_owner_name(m, owner)), buf);
}

/**
 * map_xml_escape() - write text escaped for XML/HTML content and attributes
 * @out: stream
 * @str: text
 */
void map_xml_escape(FILE *out, const char *str)
{
	for (; *str; str++) {
		switch (*str) {
		case '<': fputs("&lt;", out); break;
		case '>': fputs("&gt;", out); break;
		case '&': fputs("&amp;", out); break;
		case '"': fputs("&quot;", out); break;
		case '\'': fputs("&#39;", out); break;
		default:
			if ((unsigned char)*str < 0x20 && *str != '\n')
				fputc('?', out);
			else
				fputc(*str, out);
		}
	}
}

/*
 * Where an address lands on a run's bar. Linear, or (log scale) piecewise:
 * each stretch between region boundaries gets 1 + log2(its size) of weight.
 */
struct svg_scale {
	const struct map_run *run;
	uint64_t *p;	/* boundaries, sorted, unique, from run->base to run->end */
	double *c;	/* cumulative weight at each boundary */
	size_t n;
};

static int u64_cmp(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static int scale_build(struct svg_scale *sc, const struct map_snapshot *s,
		       const struct map_run *run, bool log_scale)
{
	size_t i, k = 0;

	free(sc->p);
	free(sc->c);
	memset(sc, 0, sizeof(*sc));
	sc->run = run;
	if (!log_scale)
		return 0;
	sc->p = malloc((2 * (s->nmemory + s->nreserved) + 2) * sizeof(*sc->p));
	if (!sc->p)
		return -1;
	sc->p[k++] = run->base;
	sc->p[k++] = run->end;
	for (i = 0; i < s->nmemory + s->nreserved; i++) {
		const struct map_region *g = i < s->nmemory ? &s->memory[i] :
					     &s->reserved[i - s->nmemory];

		if (g->base > run->base && g->base < run->end)
			sc->p[k++] = g->base;
		if (g->end > run->base && g->end < run->end)
			sc->p[k++] = g->end;
	}
	qsort(sc->p, k, sizeof(*sc->p), u64_cmp);
	for (i = 1, sc->n = 1; i < k; i++)
		if (sc->p[i] != sc->p[sc->n - 1])
			sc->p[sc->n++] = sc->p[i];
	sc->c = malloc(sc->n * sizeof(*sc->c));
	if (!sc->c)
		return -1;
	sc->c[0] = 0;
	for (i = 1; i < sc->n; i++)
		sc->c[i] = sc->c[i - 1] + 1 + (63 - __builtin_clzll((sc->p[i] - sc->p[i - 1]) | 1));
	return 0;
}

static double xpos(const struct svg_scale *sc, uint64_t a, double x0, double w)
{
	const struct map_run *r = sc->run;
	size_t lo = 0, hi;

	if (!sc->c || sc->n < 2)
		return x0 + (double)(a - r->base) / (double)(r->end - r->base) * w;
	hi = sc->n - 2;
	while (lo < hi) {
		size_t mid = (lo + hi + 1) / 2;

		if (sc->p[mid] <= a)
			lo = mid;
		else
			hi = mid - 1;
	}
	return x0 + (sc->c[lo] + (sc->c[lo + 1] - sc->c[lo]) * (double)(a - sc->p[lo]) /
		     (double)(sc->p[lo + 1] - sc->p[lo])) / sc->c[sc->n - 1] * w;
}

/**
 * map_render_svg() - write one snapshot as a standalone SVG document
 * @out: stream
 * @m: model (owner names)
 * @s: snapshot
 * @o: @width in pixels, @title
 *
 * Return: 0, or -1 when out of memory.
 */
int map_render_svg(FILE *out, const struct map_model *m, const struct map_snapshot *s,
		   const struct map_opts *o)
{
	struct map_segs ext = { 0 };
	struct map_run *runs = NULL;
	struct map_legend_ent *leg = NULL;
	size_t nruns = 0, nleg = 0, i, r, mi = 0, ri = 0;
	struct svg_scale sc = { 0 };
	int width = o->width < 300 ? 300 : o->width, height, y;
	double x0 = SVG_MARGIN, bw = width - 2 * SVG_MARGIN;
	char h1[24], h2[24], h3[24], col[8];
	int ret = -1;

	if (map_extent(s, &ext) || map_layout_runs(&ext, SVG_MAX_RUNS, &runs, &nruns) ||
	    map_legend(m, s, &leg, &nleg))
		goto out;

	height = 50 + (m->cap->log_dropped ? 18 : 0) + (int)nruns * (18 + SVG_BAR_H + 8) +
		 (nruns ? (int)(nruns - 1) * 16 : 0) + 24 + (int)nleg * 18 + 10;
	fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
		"viewBox=\"0 0 %d %d\" font-family=\"monospace\" font-size=\"12\">\n",
		width, height, width, height);
	fprintf(out, "<title>");
	map_xml_escape(out, o->title ? o->title : "memblock map");
	fprintf(out, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#ffffff\"/>\n");
	fprintf(out, "<text x=\"%d\" y=\"18\" font-size=\"14\" font-weight=\"bold\">", SVG_MARGIN);
	map_xml_escape(out, o->title ? o->title : "memblock map");
	fprintf(out, "</text>\n<text x=\"%d\" y=\"36\">after %zu of %zu events: memory %s in "
		"%zu regions, reserved %s in %zu regions, free %s; %s scale</text>\n", SVG_MARGIN, s->at,
		m->cap->nevents, cli_human_size(s->memory_bytes, h1, sizeof(h1)), s->nmemory,
		cli_human_size(s->reserved_bytes, h2, sizeof(h2)), s->nreserved,
		cli_human_size(s->free_bytes, h3, sizeof(h3)), o->log_scale ? "log" : "linear");
	y = 50;
	if (m->cap->log_dropped) {
		fprintf(out, "<text x=\"%d\" y=\"%d\" fill=\"#c00000\">INCOMPLETE: the log dropped "
			"%" PRIu64 " calls</text>\n", SVG_MARGIN, y + 4, m->cap->log_dropped);
		y += 18;
	}
	for (r = 0; r < nruns; r++) {
		const struct map_run *run = &runs[r];

		if (r > 0) {
			fprintf(out, "<text class=\"hole\" x=\"%d\" y=\"%d\" fill=\"#888888\" "
				"font-style=\"italic\">~ hole 0x%" PRIx64 "-0x%" PRIx64 " (%s) ~</text>\n",
				SVG_MARGIN, y + 11, runs[r - 1].end, run->base - 1,
				cli_human_size(run->base - runs[r - 1].end, h1, sizeof(h1)));
			y += 16;
		}
		fprintf(out, "<text x=\"%d\" y=\"%d\">0x%" PRIx64 "-0x%" PRIx64 " (%s)</text>\n",
			SVG_MARGIN, y + 13, run->base, run->end - 1,
			cli_human_size(run->end - run->base, h1, sizeof(h1)));
		y += 18;
		if (scale_build(&sc, s, run, o->log_scale))
			goto out;
		fprintf(out, "<g class=\"run\"><rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
			"fill=\"#f4f4f4\" stroke=\"#cccccc\"/>\n", x0, y, bw, SVG_BAR_H);
		for (; mi < s->nmemory && s->memory[mi].base < run->end; mi++) {
			const struct map_region *g = &s->memory[mi];
			double a = xpos(&sc, g->base, x0, bw), b = xpos(&sc, g->end, x0, bw);

			fprintf(out, "<rect class=\"mem\" x=\"%.2f\" y=\"%d\" width=\"%.2f\" "
				"height=\"%d\" fill=\"#cfe8cf\"><title>memory 0x%" PRIx64 "-0x%" PRIx64
				" (%s)</title></rect>\n", a, y, b - a, SVG_BAR_H, g->base, g->end - 1,
				cli_human_size(g->end - g->base, h1, sizeof(h1)));
		}
		for (; ri < s->nreserved && s->reserved[ri].base < run->end; ri++) {
			const struct map_region *g = &s->reserved[ri];
			size_t p;

			fprintf(out, "<g class=\"rsv\"><title>reserved 0x%" PRIx64 "-0x%" PRIx64
				" (%s)", g->base, g->end - 1,
				cli_human_size(g->end - g->base, h1, sizeof(h1)));
			for (p = 0; p < g->npieces && p < 8; p++) {
				const struct map_seg *pc = &s->pieces[g->first + p];

				fprintf(out, "\n");
				map_xml_escape(out, map_owner_name(m, pc->owner));
				fprintf(out, ": %s", cli_human_size(pc->end - pc->base, h1, sizeof(h1)));
			}
			if (g->npieces > 8)
				fprintf(out, "\n... %zu more", g->npieces - 8);
			fprintf(out, "</title>");
			for (p = 0; p < g->npieces; p++) {
				const struct map_seg *pc = &s->pieces[g->first + p];
				double a = xpos(&sc, pc->base, x0, bw);
				double b = xpos(&sc, pc->end, x0, bw);

				fprintf(out, "<rect x=\"%.2f\" y=\"%d\" width=\"%.2f\" height=\"%d\" "
					"fill=\"%s\"/>", a, y + 2, b - a < 1 ? 1.0 : b - a, SVG_BAR_H - 4,
					map_color(m, pc->owner, col));
			}
			fprintf(out, "</g>\n");
		}
		fprintf(out, "</g>\n");
		y += SVG_BAR_H + 8;
	}
	y += 8;
	fprintf(out, "<text x=\"%d\" y=\"%d\" font-weight=\"bold\">reserved, by caller</text>\n",
		SVG_MARGIN, y + 4);
	y += 10;
	for (i = 0; i < nleg; i++) {
		fprintf(out, "<g class=\"legend\"><rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
			"fill=\"%s\"/><text x=\"%d\" y=\"%d\">", SVG_MARGIN, y,
			map_color(m, leg[i].owner, col), SVG_MARGIN + 18, y + 10);
		map_xml_escape(out, map_owner_name(m, leg[i].owner));
		fprintf(out, " - %s in %zu range%s</text></g>\n",
			cli_human_size(leg[i].bytes, h1, sizeof(h1)), leg[i].ranges,
			leg[i].ranges == 1 ? "" : "s");
		y += 18;
	}
	fprintf(out, "</svg>\n");
	ret = 0;
out:
	map_segs_free(&ext);
	free(runs);
	free(leg);
	free(sc.p);
	free(sc.c);
	return ret;
}
