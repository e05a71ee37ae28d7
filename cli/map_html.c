// SPDX-License-Identifier: GPL-2.0-only
/* map_html.c - the map as one self-contained HTML page with a timeline slider. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/mb_evlog.h>
#include "map.h"

#define HTML_MAX_RUNS	24
#define HTML_MAX_FRAMES	400
#define HTML_EXACT_STEPS	2000000

/**
 * map_js_string() - write @s as a JSON string that is also safe inside <script>
 * @out: stream
 * @s: text
 *
 * The map page and the diff page embed their names this way.
 */
void map_js_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			fprintf(out, "\\%c", c);
		else if (c < 0x20 || c == '<' || c == '>' || c == '&')
			fprintf(out, "\\u%04x", c);
		else
			fputc(c, out);
	}
	fputc('"', out);
}

/* Ranges an event may have touched, for the page's fixed layout. */
static int extent_add_event(struct mba_imap *ext, const struct mb_event *ev)
{
	uint64_t b = ev->rec.base, sz = ev->rec.size;

	switch (ev->rec.op) {
	case MB_OP_ADD:
	case MB_OP_ADD_NODE:
	case MB_OP_RESERVE:
		break;
	case MB_OP_DOUBLE_ARRAY:
		if ((ev->rec.rflags & MB_REC_FAILED) || !b)
			return 0;
		break;
	default:
		if (!mba_is_alloc_op(ev->rec.op) || (ev->rec.rflags & MB_REC_FAILED) || !ev->rec.result)
			return 0;
		b = ev->rec.result;
	}
	if (!sz)
		return 0;
	return mba_imap_paint(ext, b, sz > UINT64_MAX - b ? UINT64_MAX : b + sz, 0, 0);
}

static int extent_add_array(struct mba_imap *ext, const struct mb_array *a)
{
	uint64_t r;

	for (r = 0; a->regions && r < a->cnt; r++) {
		uint64_t b = a->regions[r].base, sz = a->regions[r].size;

		if (sz && mba_imap_paint(ext, b, sz > UINT64_MAX - b ? UINT64_MAX : b + sz, 0, 0))
			return -1;
	}
	return 0;
}

/* One line about the event a snapshot ends with: op, range/result, caller. */
static void describe_event(const struct mb_capture *c, size_t at, char *buf, size_t len)
{
	const struct mb_event *ev;
	const char *op, *sym;
	char off[24] = "";
	int n;

	buf[0] = 0;
	if (!at || at > c->nevents)
		return;
	ev = &c->events[at - 1];
	op = mb_op_name(ev->rec.op);
	sym = mb_event_sym(c, ev);
	if (sym && ev->caller_off)
		snprintf(off, sizeof(off), "+0x%x", ev->caller_off);
	if (mba_is_alloc_op(ev->rec.op))
		n = snprintf(buf, len, "%s size 0x%" PRIx64 " -> 0x%" PRIx64, op ? op : "?",
			     ev->rec.size, ev->rec.result);
	else if (ev->rec.size)
		n = snprintf(buf, len, "%s [0x%" PRIx64 "-0x%" PRIx64 "]", op ? op : "?",
			     ev->rec.base, ev->rec.base + ev->rec.size - 1);
	else
		n = snprintf(buf, len, "%s", op ? op : "?");
	if (n < 0 || (size_t)n >= len)
		return;
	if (sym)
		snprintf(buf + n, len - n, "%s by %s%s%s", ev->rec.rflags & MB_REC_FAILED ?
			 " (failed)" : "", sym, off, ev->rec.depth ? " (nested)" : "");
	else
		snprintf(buf + n, len - n, "%s by 0x%" PRIx64, ev->rec.rflags & MB_REC_FAILED ?
			 " (failed)" : "", ev->rec.caller);
}

static void emit_frame(FILE *out, const struct mb_capture *c, const struct map_snapshot *s,
		       bool first)
{
	uint64_t prev = 0;
	size_t i, p;
	char desc[320];

	describe_event(c, s->at, desc, sizeof(desc));
	fprintf(out, "%s\n{\"at\":%zu,\"x\":%d,\"e\":", first ? "" : ",", s->at, s->exact);
	map_js_string(out, desc);
	fprintf(out, ",\"m\":[");
	for (i = 0; i < s->nmemory; i++) {
		fprintf(out, "%s%" PRIu64 ",%" PRIu64 ",%d", i ? "," : "", s->memory[i].base - prev,
			s->memory[i].end - s->memory[i].base, s->memory[i].nid);
		prev = s->memory[i].end;
	}
	fprintf(out, "],\"r\":[");
	prev = 0;
	for (i = 0; i < s->nreserved; i++) {
		const struct map_region *g = &s->reserved[i];

		for (p = 0; p < g->npieces; p++) {
			const struct map_seg *pc = &s->pieces[g->first + p];

			fprintf(out, "%s%" PRIu64 ",%" PRIu64 ",%" PRIu64, i || p ? "," : "",
				pc->base - prev, pc->end - pc->base,
				(uint64_t)pc->owner * 2 + (p == 0));
			prev = pc->end;
		}
	}
	fprintf(out, "]}");
}

static const char page_head[] =
"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
"<meta name=\"viewport\" content=\"width=device-width\">\n";

/* The page's script and style (cli/map_page.js, cli/map_page.css), embedded by the build. */
#include "map_page_js.h"
#include "map_page_css.h"

static const char page_body[] =
"<div id=\"help\">physical address space; wheel or +/- zoom, drag or arrows pan, 0 resets, "
"[ ] step through the snapshots; click any byte for who holds it; the timeline below "
"scrubs through the events; click a caller in the legend to hide it, hover to highlight</div>\n"
"<div id=\"controls\"><input id=\"search\" type=\"text\" "
"placeholder=\"address (0x...) or caller, Enter\"> "
"<select id=\"scale\" title=\"address scale\"><option value=\"linear\">linear scale</option>"
"<option value=\"log\">log scale</option></select> <button id=\"reset\">reset zoom</button>"
"</div>\n";

static const char page_view[] =
"<div id=\"view\"><canvas id=\"map\" width=\"1000\" height=\"154\"></canvas>"
"<div id=\"tracklabels\"><div style=\"top:2px\">firmware map</div>"
"<div style=\"top:20px\">NUMA node</div><div style=\"top:36px\">zone: DMA, DMA32, Normal</div>"
"<div style=\"top:138px\">memory (green), reserved by caller</div></div>"
"<div id=\"axis\"></div></div>\n"
"<h2>timeline: reserved bytes by caller over the events (click or drag to scrub)</h2>\n"
"<canvas id=\"timeline\" width=\"1000\" height=\"110\"></canvas>\n"
"<div id=\"info\">click the map for who holds an address</div>\n"
"<h2>reserved, by caller</h2><div id=\"legend\"></div>\n"
"<h2>reserved regions</h2><div id=\"regions\"></div>\n";

/* Embedded event table: at most this many events (else the page says so). */
#define HTML_MAX_EVENTS	50000

/* The events that touch memory or reservations, for a click's history. */
static void emit_events(FILE *out, struct map_model *m)
{
	const struct mb_capture *c = m->cap;
	bool complete = c->nevents <= HTML_MAX_EVENTS;
	size_t i, k = 0;

	fprintf(out, "var EV_COMPLETE=%s;\nvar EV=[", complete ? "true" : "false");
	for (i = 0; complete && i < c->nevents; i++) {
		const struct mb_event *ev = &c->events[i];
		uint64_t b;
		uint32_t w;

		if (!mba_event_base(ev, &b))
			continue;
		if (!ev->rec.size || (ev->rec.op == MB_OP_FREE && !ev->rec.base))
			continue;
		w = mba_event_owner(&m->own, ev);
		if (w == MBA_NO_OWNER)
			continue;
		fprintf(out, "%s[%zu,%u,%" PRIu64 ",%" PRIu64 ",%u,%u,%" PRIu64 "]", k++ ? "," : "",
			i, ev->rec.op, b, ev->rec.size, w, ev->caller_off, ev->rec.seq);
	}
	fprintf(out, "];\nvar OPS={");
	for (i = 0, k = 0; i < 256; i++)
		if (mb_op_name((unsigned int)i)) {
			fprintf(out, "%s%zu:", k++ ? "," : "", i);
			map_js_string(out, mb_op_name((unsigned int)i));
		}
	fprintf(out, "};\n");
}

/*
 * The firmware memory map when the capture carries one (metadata "e820":
 * "BASE-LAST:TYPE;..." in hex, inclusive), and what the initial reservations
 * are (metadata "prelog": "BASE-LAST:NAME;...").
 */
static void emit_firmware(FILE *out, const struct mb_capture *c)
{
	const char *fw = mb_capture_get_meta(c, "e820"), *pl = mb_capture_get_meta(c, "prelog");
	unsigned long long b, l;
	unsigned int type;
	int n, k = 0;

	fprintf(out, "var FIRMWARE=[");
	while (fw && sscanf(fw, "%llx-%llx:%x%n", &b, &l, &type, &n) == 3) {
		fprintf(out, "%s[%llu,%llu,%u]", k++ ? "," : "", b, l + 1, type);
		fw += n;
		if (*fw != ';')
			break;
		fw++;
	}
	fprintf(out, "];\nvar FW_NAMES={1:\"usable\",2:\"reserved\",3:\"ACPI data\","
		"4:\"ACPI NVS\",5:\"unusable\",7:\"persistent\",12:\"persistent (legacy)\"};\n"
		"var PRELOG=[");
	k = 0;
	while (pl && sscanf(pl, "%llx-%llx:%n", &b, &l, &n) == 2) {
		const char *name = pl + n, *end = strchr(name, ';');
		char buf[200];
		size_t len = end ? (size_t)(end - name) : strlen(name);

		if (len >= sizeof(buf))
			len = sizeof(buf) - 1;
		memcpy(buf, name, len);
		buf[len] = 0;
		fprintf(out, "%s[%llu,%llu,", k++ ? "," : "", b, l + 1);
		map_js_string(out, buf);
		fputc(']', out);
		if (!end)
			break;
		pl = end + 1;
	}
	fprintf(out, "];\n");
}

/**
 * map_render_html() - write the self-contained HTML page with a timeline
 * @out: stream
 * @m: model; reset and replayed (twice) by this function
 * @o: @width (pixels, for the page's max width) and @title
 * @budget_pieces: bound on the total reserved pieces over all embedded
 *   snapshots; fewer snapshots are embedded for busier captures
 *
 * The page embeds snapshots at evenly spaced event counts (every event for
 * small captures), always including the initial and the final state.
 * Region boundaries are memblock's (captured arrays, or a host replay per
 * snapshot for small captures); otherwise the merged coverage.
 *
 * Return: 0, or -1 when out of memory.
 */
int map_render_html(FILE *out, struct map_model *m, const struct map_opts *o,
		    size_t budget_pieces)
{
	const struct mb_capture *cap = m->cap;
	struct map_segs ext = { 0 };
	struct mba_imap eim;
	struct mba_seg *ev = NULL;
	size_t nev = 0;
	struct map_snapshot s;
	struct map_run *runs = NULL;
	size_t nruns = 0, maxsegs = 1, nframes, k, i, last = SIZE_MAX;
	size_t n = cap->nevents;
	char dropped[200] = "";
	bool exact;
	int ret = -1;

	/* Pass 1: the fixed layout and the busiest moment. */
	mba_imap_init(&eim);
	if (map_model_reset(m))
		goto out;
	if (cap->initial.valid && (extent_add_array(&eim, &cap->initial.memory) ||
				   extent_add_array(&eim, &cap->initial.reserved)))
		goto out;
	while (m->at < n) {
		if (extent_add_event(&eim, &cap->events[m->at]) || map_model_step(m))
			goto out;
		if (m->own.reserved.n + m->own.memory.n > maxsegs)
			maxsegs = m->own.reserved.n + m->own.memory.n;
	}
	if (cap->final.valid && (extent_add_array(&eim, &cap->final.memory) ||
				 extent_add_array(&eim, &cap->final.reserved)))
		goto out;
	if (mba_imap_flatten(&eim, &ev, &nev))
		goto out;
	ext.v = malloc((nev ? nev : 1) * sizeof(*ext.v));
	if (!ext.v)
		goto out;
	for (i = 0; i < nev; i++)
		ext.v[i] = (struct map_seg){ ev[i].base, ev[i].end, 0 };
	ext.n = ext.cap = nev;
	/* adjacent pieces painted by different events are one stretch */
	for (i = 1, k = 0; i < ext.n; i++) {
		if (ext.v[k].end == ext.v[i].base)
			ext.v[k].end = ext.v[i].end;
		else
			ext.v[++k] = ext.v[i];
	}
	if (ext.n)
		ext.n = k + 1;
	if (map_layout_runs(&ext, HTML_MAX_RUNS, &runs, &nruns))
		goto out;
	nframes = budget_pieces / maxsegs;
	if (nframes > HTML_MAX_FRAMES)
		nframes = HTML_MAX_FRAMES;
	if (nframes < 2)
		nframes = 2;
	if (nframes > n + 1)
		nframes = n + 1;

	if (cap->log_dropped)
		snprintf(dropped, sizeof(dropped), "<div id=\"dropped\" style=\"color:#c00000\">"
			 "INCOMPLETE: the log dropped %" PRIu64 " calls (it was full); the map misses "
			 "them</div>\n", cap->log_dropped);
	/* memblock's own regions (a replay per snapshot) while that is cheap */
	exact = (unsigned __int128)nframes * n <= HTML_EXACT_STEPS;
	fputs(page_head, out);
	fputs("<title>", out);
	map_xml_escape(out, o->title ? o->title : "memblock map");
	fputs("</title>\n", out);
	fputs("<style>\n", out);
	fputs(map_page_css, out);
	fputs("</style>\n", out);
	fprintf(out, "</head><body style=\"max-width:%dpx\">\n<h1>", o->width);
	map_xml_escape(out, o->title ? o->title : "memblock map");
	fprintf(out, "</h1>\n%s%s<div id=\"status\"></div>\n%s", page_body, dropped, page_view);

	/* Pass 2: the snapshots. */
	fprintf(out, "<script>\nvar NEVENTS=%zu;\nvar START=%zu;\nvar SCALE_LOG=%s;\nvar FRAMES=[",
		n, o->start_at < n ? o->start_at : n, o->log_scale ? "true" : "false");
	if (map_model_reset(m))
		goto out;
	for (k = 0; k < nframes; k++) {
		size_t at = nframes == 1 ? n :
			(size_t)((unsigned __int128)n * k / (nframes - 1));

		if (at == last)
			continue;
		last = at;
		if (map_model_seek(m, at) ||
		    (exact ? map_snapshot_exact(m, &s) : map_model_snapshot(m, &s)))
			goto out;
		emit_frame(out, cap, &s, k == 0);
		map_snapshot_free(&s);
	}
	fprintf(out, "];\n");
	emit_events(out, m);
	if (map_model_seek(m, m->at))	/* names the events interned */
		goto out;
	fprintf(out, "var RUNS=[");
	for (i = 0; i < nruns; i++)
		fprintf(out, "%s[%" PRIu64 ",%" PRIu64 "]", i ? "," : "", runs[i].base,
			runs[i].end);
	if (!nruns)
		fprintf(out, "[0,4096]");
	fprintf(out, "];\nvar OWNERS=[");
	for (i = 0; i < m->nowners; i++) {
		if (i)
			fputc(',', out);
		map_js_string(out, m->owners[i]);
	}
	fprintf(out, "];\nvar COLORS=[");
	for (i = 0; i < m->nowners; i++) {
		char col[8];

		fprintf(out, "%s\"%s\"", i ? "," : "", map_color(m, (uint32_t)i, col));
	}
	fprintf(out, "];\nvar FG=[");	/* dark text on the colour */
	for (i = 0; i < m->nowners; i++)
		fprintf(out, "%s%d", i ? "," : "", mba_caller_colour(map_owner_name(m, (uint32_t)i)).fg_dark);
	fprintf(out, "];\n");
	emit_firmware(out, cap);
	fprintf(out, "</script>\n<script>\n");
	fputs(map_page_js, out);
	fprintf(out, "</script>\n");
	fputs("</body></html>\n", out);
	ret = 0;
out:
	mba_imap_free(&eim);
	free(ev);
	map_segs_free(&ext);
	free(runs);
	return ret;
}
