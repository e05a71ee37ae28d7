/* SPDX-License-Identifier: GPL-2.0-only */
/* map.h - internal interface of the map command: coverage model and renderers. */
#ifndef MBCLI_MAP_H
#define MBCLI_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <mbagent/capture.h>
#include <mbanalysis/analysis.h>
#include "cli.h"

/* Owner 0 is always the initial state's owner: nobody logged the call. */
#define MAP_OWNER_PRELOG	MBA_OWNER_INITIAL
#define MAP_PRELOG_NAME		MBA_INITIAL_NAME

/**
 * struct map_seg - a half-open physical range [@base, @end) with an owner
 * @owner: index into map_model.owners (0 for memory coverage)
 */
struct map_seg {
	uint64_t base;
	uint64_t end;
	uint32_t owner;
};

/**
 * struct map_segs - sorted, non-overlapping ranges; adjacent ranges with
 * the same owner are always merged
 */
struct map_segs {
	struct map_seg *v;
	size_t n;
	size_t cap;
};

/**
 * struct map_model - the analysis library's ownership replay of a capture,
 * plus what the renderers read
 * @cap: the capture (not owned)
 * @own: who holds each byte (analysis/owners.c)
 * @at: events applied (mirrors own.at)
 * @owners: owner names (mirrors own.names); [0] = the initial state
 * @nowners: entries in @owners
 */
struct map_model {
	const struct mb_capture *cap;
	struct mba_owners own;
	size_t at;
	char **owners;
	size_t nowners;
};

/**
 * struct map_region - one region of a snapshot: [@base, @end) made of
 * pieces [@first, @first + @npieces) of map_snapshot.pieces
 * @owner: the owner with the most bytes in the region (reserved only)
 * @nid: the region's node (captured arrays), else -1
 */
struct map_region {
	uint64_t base;
	uint64_t end;
	size_t first;
	size_t npieces;
	uint32_t owner;
	int32_t nid;
};

/**
 * struct map_snapshot - the state after @at events, as regions
 * @exact: regions come from captured arrays (initial or final), not from
 *   merged coverage
 */
struct map_snapshot {
	size_t at;
	bool exact;
	struct map_region *memory;
	size_t nmemory;
	struct map_region *reserved;
	size_t nreserved;
	struct map_seg *pieces;
	size_t npieces;
	uint64_t memory_bytes;
	uint64_t reserved_bytes;
	uint64_t free_bytes;
};

/**
 * struct map_run - one contiguous stretch of the displayed address space
 * (holes between runs are collapsed)
 */
struct map_run {
	uint64_t base;
	uint64_t end;
};

/* Coverage sets (map_model.c). */
int map_segs_paint(struct map_segs *s, uint64_t base, uint64_t end, uint32_t owner);
int map_segs_erase(struct map_segs *s, uint64_t base, uint64_t end);
void map_segs_free(struct map_segs *s);

/* The model (map_model.c). */
int map_model_init(struct map_model *m, const struct mb_capture *cap,
		   const struct mba_group *group);
void map_model_free(struct map_model *m);
int map_model_reset(struct map_model *m);
int map_model_step(struct map_model *m);
int map_model_seek(struct map_model *m, size_t at);
int map_model_segs(const struct map_model *m, bool reserved, struct map_segs *out);
int map_model_snapshot(const struct map_model *m, struct map_snapshot *s);
int map_model_snapshot_from(const struct map_model *m, const struct mb_state *st,
			    struct map_snapshot *s);
const struct mb_state *map_captured_state(const struct map_model *m);
/* Exact snapshot: captured arrays, else the host memblock replay (map.c),
 * else the coverage. */
int map_snapshot_exact(const struct map_model *m, struct map_snapshot *s);
void map_snapshot_free(struct map_snapshot *s);
const char *map_owner_name(const struct map_model *m, uint32_t owner);
int map_layout_runs(const struct map_segs *extent, size_t max_runs,
		    struct map_run **runs, size_t *nruns);

int map_extent(const struct map_snapshot *s, struct map_segs *ext);
int map_rows_for(uint64_t len);
/* "#rrggbb" of an owner, from its name (the same in every format); buf >= 8. */
const char *map_color(const struct map_model *m, uint32_t owner, char *buf);
/* Write @str escaped for XML/HTML text and attributes; as a <script>-safe JSON string. */
void map_xml_escape(FILE *out, const char *str);
void map_js_string(FILE *out, const char *s);


/**
 * struct map_opts - rendering options
 * @width: columns (text) or pixels (svg, html)
 * @color: ANSI colour (text)
 * @log_scale: every stretch visible, widths by log2 of its size (text: at
 *   least one cell; SVG/HTML: piecewise scale of the bars)
 * @title: SVG/HTML title
 * @start_at: html: the event count the page shows first
 * @sort_name: callers by name (else by reserved bytes)
 * @rows: at most this many callers listed (0: all)
 */
struct map_opts {
	int width;
	bool color;
	bool log_scale;
	const char *title;
	size_t start_at;
	bool sort_name;
	size_t rows;
};

/* Renderers (map_text.c, map_svg.c, map_html.c, map_json in map.c). */
int map_render_text(FILE *out, const struct map_model *m, const struct map_snapshot *s,
		    const struct map_opts *o);
int map_render_svg(FILE *out, const struct map_model *m, const struct map_snapshot *s,
		   const struct map_opts *o);
int map_render_html(FILE *out, struct map_model *m, const struct map_opts *o,
		    size_t budget_pieces);

/* Order owners for a legend: most reserved bytes first. Returns a malloc'd
 * array of @n owner indices and per-owner byte/range totals. */
struct map_legend_ent {
	uint32_t owner;
	uint64_t bytes;
	size_t ranges;
};
int map_legend(const struct map_model *m, const struct map_snapshot *s,
	       struct map_legend_ent **ents, size_t *n);
int map_legend_ordered(const struct map_model *m, const struct map_snapshot *s,
		       const struct map_opts *o, struct map_legend_ent **ents, size_t *n,
		       size_t *all);

/**
 * struct map_outfile - where a map or page goes (map.c)
 * @f: the stream
 * @path: the named output, NULL for stdout
 * @tmp: the temporary file renamed over @path when complete (NULL when
 *   @path is written directly: a device or a FIFO is never replaced)
 */
struct map_outfile {
	FILE *f;
	const char *path;
	char *tmp;
};

int map_out_open(struct map_outfile *o, const char *path);
int map_out_commit(struct map_outfile *o);
void map_out_abort(struct map_outfile *o);

#endif /* MBCLI_MAP_H */
