// SPDX-License-Identifier: GPL-2.0-only
/* map.c - `memblock-cli map`: terminal, SVG, HTML and JSON maps of the address space. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <sys/stat.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "cli.h"
#include "map.h"
#include "shell.h"

#define HTML_BUDGET_PIECES	200000

enum map_format { FMT_TEXT, FMT_SVG, FMT_HTML, FMT_CSV };

static int term_width(bool tty)
{
	struct winsize ws;
	const char *cols = getenv("COLUMNS");
	uint64_t v;

	if (tty && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	if (cols && cli_parse_u64(cols, &v) && v > 0 && v < 10000)
		return (int)v;
	return 80;
}

/* Open the object {"base", "size", ...} of [@base, @end); the caller closes it. */
static void json_range_begin(struct json *j, uint64_t base, uint64_t end)
{
	json_obj_begin(j);
	json_hex_field(j, "base", base);
	json_hex_field(j, "size", end - base);
}

static void json_snapshot(struct json *j, const char *input, const struct map_model *m,
			  const struct map_snapshot *s, int width)
{
	struct map_segs ext = { 0 };
	struct map_run *runs = NULL;
	struct map_legend_ent *leg = NULL;
	size_t nruns = 0, nleg = 0, i, p;

	cli_json_open(j);
	json_str_field(j, "input", input);
	json_uint_field(j, "total_events", m->cap->nevents);
	json_uint_field(j, "at_event", s->at);
	json_bool_field(j, "exact", s->exact);
	json_uint_field(j, "dropped", m->cap->log_dropped);
	json_bool_field(j, "complete", !m->cap->log_dropped);
	json_hex_field(j, "memory_size", s->memory_bytes);
	json_hex_field(j, "reserved_size", s->reserved_bytes);
	json_hex_field(j, "free_size", s->free_bytes);
	json_key(j, "memory");
	json_arr_begin(j);
	for (i = 0; i < s->nmemory; i++) {
		json_range_begin(j, s->memory[i].base, s->memory[i].end);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "reserved");
	json_arr_begin(j);
	for (i = 0; i < s->nreserved; i++) {
		const struct map_region *g = &s->reserved[i];

		json_range_begin(j, g->base, g->end);
		json_str_field(j, "caller", map_owner_name(m, g->owner));
		json_key(j, "pieces");
		json_arr_begin(j);
		for (p = 0; p < g->npieces; p++) {
			const struct map_seg *pc = &s->pieces[g->first + p];

			json_range_begin(j, pc->base, pc->end);
			json_str_field(j, "caller", map_owner_name(m, pc->owner));
			json_obj_end(j);
		}
		json_arr_end(j);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "callers");
	json_arr_begin(j);
	if (!map_legend(m, s, &leg, &nleg)) {
		for (i = 0; i < nleg; i++) {
			json_obj_begin(j);
			json_str_field(j, "caller", map_owner_name(m, leg[i].owner));
			json_hex_field(j, "size", leg[i].bytes);
			json_uint_field(j, "ranges", leg[i].ranges);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
	json_key(j, "layout");
	json_arr_begin(j);
	if (!map_extent(s, &ext) && !map_layout_runs(&ext, 16, &runs, &nruns)) {
		for (i = 0; i < nruns; i++) {
			json_range_begin(j, runs[i].base, runs[i].end);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
	json_obj_end(j);
	map_segs_free(&ext);
	free(runs);
	free(leg);
}

/* ---- output files: written whole or not at all ---- */

/**
 * map_out_open() - open an output: stdout (@path NULL), a device or FIFO
 * (written directly, never replaced) or a temporary file next to @path
 * @o: filled
 * @path: output file or NULL
 *
 * Return: 0, or an exit status after an Error: line.
 */
int map_out_open(struct map_outfile *o, const char *path)
{
	struct stat st = { 0 };
	mode_t um, mode = 0666;
	char *real = NULL;
	int fd;

	memset(o, 0, sizeof(*o));
	o->path = path;
	if (!path) {
		o->f = stdout;
		return 0;
	}
	if (stat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return cli_fail(MB_EXIT_FAIL, "cannot write %s: it is a directory", path);
		if (!S_ISREG(st.st_mode)) {
			/* a device, FIFO or socket: write to it, never replace it */
			fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC | O_NOCTTY);
			if (fd < 0)
				return cli_fail(MB_EXIT_FAIL, "cannot write %s: %s", path,
						errno == ENXIO ? "no process reads the FIFO" :
						strerror(errno));
			fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
			o->f = fdopen(fd, "w");
			if (!o->f) {
				close(fd);
				return cli_fail(MB_EXIT_FAIL, "cannot write %s: %s", path,
						strerror(errno));
			}
			return 0;
		}
		mode = st.st_mode & 07777;
		real = realpath(path, NULL);	/* through a symlink: replace its target */
	}
	if (asprintf(&o->tmp, "%s.tmpXXXXXX", real ? real : path) < 0) {
		free(real);
		o->tmp = NULL;
		return cli_fail(MB_EXIT_FAIL, "out of memory");
	}
	free(real);
	fd = mkstemp(o->tmp);
	if (fd < 0) {
		int e = errno;

		free(o->tmp);
		o->tmp = NULL;
		return cli_fail(MB_EXIT_FAIL, "cannot write %s: %s", path, strerror(e));
	}
	um = umask(0);
	umask(um);
	fchmod(fd, st.st_mode && mode != 0666 ? mode : (0666 & ~um));
	o->f = fdopen(fd, "w");
	if (!o->f) {
		close(fd);
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
		return cli_fail(MB_EXIT_FAIL, "out of memory");
	}
	return 0;
}

/**
 * map_out_abort() - drop an output: the temporary file is removed
 * @o: output
 */
void map_out_abort(struct map_outfile *o)
{
	if (o->f && o->f != stdout)
		fclose(o->f);
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
	}
	memset(o, 0, sizeof(*o));
}

/**
 * map_out_commit() - flush, check and (for a regular file) rename into place
 * @o: output
 *
 * Return: 0, or an exit status after an Error: line.
 */
int map_out_commit(struct map_outfile *o)
{
	int e = 0, rc = MB_EXIT_OK;
	char *target = NULL;

	errno = 0;
	if (fflush(o->f) || ferror(o->f))
		e = errno ? errno : EIO;
	if (!e && o->tmp && fsync(fileno(o->f)))
		e = errno;
	if (o->f == stdout) {	/* cli_finish_stdout() reports a failed stdout */
		memset(o, 0, sizeof(*o));
		return rc;
	}
	if (fclose(o->f) && !e)
		e = errno ? errno : EIO;
	o->f = NULL;
	if (!e && o->tmp) {
		target = realpath(o->path, NULL);
		if (rename(o->tmp, target ? target : o->path))
			e = errno;
		free(target);
		if (!e) {
			free(o->tmp);
			o->tmp = NULL;
		}
	}
	if (e)
		rc = cli_fail(MB_EXIT_FAIL, "cannot write %s: %s", o->path, strerror(e));
	map_out_abort(o);
	return rc;
}

/* ---- CSV: one row per caller, bloaty-style ---- */

static const struct map_model *leg_model;

static int leg_by_name(const void *a, const void *b)
{
	const struct map_legend_ent *x = a, *y = b;

	return strcmp(map_owner_name(leg_model, x->owner), map_owner_name(leg_model, y->owner));
}

/**
 * map_legend_ordered() - the legend in the order and length the options ask for
 * @m: model
 * @s: snapshot
 * @o: options (@sort_name, @rows)
 * @ents: malloc'd result
 * @n: number of entries (at most @o->rows when set)
 * @all: number before cutting to @o->rows
 *
 * Return: 0, or -1 when out of memory.
 */
int map_legend_ordered(const struct map_model *m, const struct map_snapshot *s,
		       const struct map_opts *o, struct map_legend_ent **ents, size_t *n,
		       size_t *all)
{
	if (map_legend(m, s, ents, n))
		return -1;
	*all = *n;
	if (o->sort_name) {
		leg_model = m;
		qsort(*ents, *n, sizeof(**ents), leg_by_name);
	}
	if (o->rows && *n > o->rows)
		*n = o->rows;
	return 0;
}

static void csv_name(FILE *out, const char *s)
{
	char buf[600];
	const char *p;

	cli_escape(s, buf, sizeof(buf));
	if (!strpbrk(buf, ",\"")) {
		fputs(buf, out);
		return;
	}
	fputc('"', out);
	for (p = buf; *p; p++) {
		if (*p == '"')
			fputc('"', out);
		fputc(*p, out);
	}
	fputc('"', out);
}

static int map_render_csv(FILE *out, const struct map_model *m, const struct map_snapshot *s,
			  const struct map_opts *o)
{
	struct map_legend_ent *leg;
	size_t n, all, i;
	char col[8];

	if (map_legend_ordered(m, s, o, &leg, &n, &all))
		return -1;
	fprintf(out, "caller,bytes,ranges,colour\n");
	for (i = 0; i < n; i++) {
		csv_name(out, map_owner_name(m, leg[i].owner));
		fprintf(out, ",%" PRIu64 ",%zu,%s\n", leg[i].bytes, leg[i].ranges,
			map_color(m, leg[i].owner, col));
	}
	free(leg);
	return 0;
}

struct map_args {
	enum map_format fmt;
	const char *outpath, *title, *color, *input;
	uint64_t at, width, rows;
	bool linear, scale_log, sort_name;
	struct mba_group group;
};

static int parse_args(int argc, char **argv, struct map_args *a)
{
	int opt, w = 0;

	a->color = "auto";
	a->at = UINT64_MAX;
	while ((opt = cli_next_opt(argc, argv)) != -1) {
		switch (opt) {
		case 'f':
			/* "term" is text's other name (docs/map.md) */
			w = strcmp(optarg, "term") ? cli_arg_word(opt, optarg) : FMT_TEXT;
			a->fmt = (enum map_format)w;
			break;
		case 'o':
			a->outpath = optarg;
			break;
		case 'a':
			if (cli_arg_u64("--at", optarg, &a->at))
				return MB_EXIT_USAGE;
			break;
		case 'w':
			if (cli_arg_in("--width", optarg, 20, 100000, &a->width))
				return MB_EXIT_USAGE;
			break;
		case 'c':
			w = cli_arg_word(opt, optarg);
			a->color = optarg;
			break;
		case 't':
			a->title = optarg;
			break;
		case 's':
			w = cli_arg_word(opt, optarg);
			a->linear = w == 0;
			a->scale_log = w == 1;
			break;
		case 'S':
			/* "delta", diff's default, is taken too: by size, as here */
			w = strcmp(optarg, "delta") ? cli_arg_word(opt, optarg) : 0;
			a->sort_name = w == 1;
			break;
		case 'n':
			if (cli_arg_in("--rows", optarg, 1, UINT64_MAX, &a->rows))
				return MB_EXIT_USAGE;
			break;
		case 'G':
			if (mba_group_parse(optarg, &a->group))
				return cli_fail(MB_EXIT_USAGE,
						"map: --group wants " MBA_GROUP_NAMES ", not '%s'",
						optarg);
			break;
		default:
			return MB_EXIT_USAGE;
		}
		if (w < 0)
			return MB_EXIT_USAGE;
	}
	if (cli_operands(argc, argv, 1, "one INPUT file"))
		return MB_EXIT_USAGE;
	if (cli_json && a->fmt != FMT_TEXT && a->fmt != FMT_CSV && !a->outpath)
		return cli_fail(MB_EXIT_USAGE, "-j with --format svg|html needs -o FILE");
	a->input = argv[optind];
	return 0;
}

static void json_written(const char *path, enum map_format fmt)
{
	static const char *const names[] = { "text", "svg", "html", "csv" };
	struct json *j = cli_json_begin(NULL);

	json_str_field(j, "output", path);
	json_str_field(j, "format", names[fmt]);
	cli_json_end(j);
	fputc('\n', stdout);
}

/* Draw the map in the wanted format onto @out; 0, or -1 when out of memory. */
static int render(FILE *out, struct map_model *m, const struct map_args *a,
		  const struct map_opts *o)
{
	struct map_snapshot snap;
	int rc;

	if (a->fmt == FMT_HTML)
		return map_render_html(out, m, o, HTML_BUDGET_PIECES);
	if (map_model_seek(m, o->start_at) || map_snapshot_exact(m, &snap))
		return -1;
	if (cli_json && !a->outpath) {
		struct json *j = json_new(stdout);

		json_snapshot(j, a->input, m, &snap, o->width);
		json_free(j);
		fputc('\n', stdout);
		rc = 0;
	} else if (a->fmt == FMT_SVG) {
		rc = map_render_svg(out, m, &snap, o);
	} else if (a->fmt == FMT_CSV) {
		rc = map_render_csv(out, m, &snap, o);
	} else {
		rc = map_render_text(out, m, &snap, o);
	}
	map_snapshot_free(&snap);
	return rc;
}

/**
 * cmd_map() - the map command
 * @argc: argument count
 * @argv: arguments, argv[0] = "map"
 *
 * Return: exit status.
 */
int cmd_map(int argc, char **argv)
{
	struct map_args a = { 0 };
	struct mb_capture *cap;
	struct map_model m;
	struct map_opts o = { 0 };
	struct map_outfile out;
	bool tty;
	int ret;

	ret = parse_args(argc, argv, &a);
	if (ret)
		return ret;
	cap = cli_open(a.input, a.at != UINT64_MAX ? "--at" : NULL, a.at, &ret);
	if (!cap)
		return ret;
	if (map_model_init(&m, cap, &a.group)) {
		map_model_free(&m);
		cli_release(cap);
		return cli_fail(MB_EXIT_FAIL, "out of memory");
	}
	tty = !a.outpath && isatty(STDOUT_FILENO);
	o.start_at = a.at == UINT64_MAX ? cap->nevents : a.at;
	/* the explorer page starts linear; the text and SVG maps log (every stretch visible) */
	o.log_scale = a.fmt == FMT_HTML ? a.scale_log : !a.linear;
	o.title = a.title ? a.title : a.input;
	o.sort_name = a.sort_name;
	o.rows = a.rows;
	if (a.fmt == FMT_TEXT) {
		o.width = a.width ? (int)a.width : term_width(tty);
		o.color = !strcmp(a.color, "always") ||
			  (!strcmp(a.color, "auto") && tty && !getenv("NO_COLOR"));
	} else {
		o.width = a.width ? (int)a.width : 1000;
	}
	ret = map_out_open(&out, a.outpath);
	if (ret)
		goto done;
	if (render(out.f, &m, &a, &o)) {
		map_out_abort(&out);
		ret = cli_fail(MB_EXIT_FAIL, "out of memory while drawing the map");
		goto done;
	}
	ret = map_out_commit(&out);
	if (!ret && a.outpath && cli_json) {
		json_written(a.outpath, a.fmt);
		ret = map_out_commit(&(struct map_outfile){ .f = stdout });
	}
done:
	map_model_free(&m);
	cli_release(cap);
	return ret;
}
