// SPDX-License-Identifier: GPL-2.0-only
/* map.c - `memblock-cli map`: terminal, SVG, HTML and JSON maps of the address space. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include "cli.h"
#include "map.h"
#include "shell.h"

#define HTML_BUDGET_PIECES	200000

enum map_format { FMT_TEXT, FMT_SVG, FMT_HTML };

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

static void json_snapshot(struct json *j, const struct map_model *m,
			  const struct map_snapshot *s, int width)
{
	struct map_segs ext = { 0 };
	struct map_run *runs = NULL;
	struct map_legend_ent *leg = NULL;
	size_t nruns = 0, nleg = 0, i, p;

	json_obj_begin(j);
	json_key(j, "events");
	json_uint(j, m->cap->nevents);
	json_key(j, "at");
	json_uint(j, s->at);
	json_key(j, "exact");
	json_bool(j, s->exact);
	json_key(j, "log_dropped");
	json_uint(j, m->cap->log_dropped);
	json_key(j, "memory_bytes");
	json_hex(j, s->memory_bytes);
	json_key(j, "reserved_bytes");
	json_hex(j, s->reserved_bytes);
	json_key(j, "free_bytes");
	json_hex(j, s->free_bytes);
	json_key(j, "memory");
	json_arr_begin(j);
	for (i = 0; i < s->nmemory; i++) {
		json_obj_begin(j);
		json_key(j, "base");
		json_hex(j, s->memory[i].base);
		json_key(j, "size");
		json_hex(j, s->memory[i].end - s->memory[i].base);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_key(j, "reserved");
	json_arr_begin(j);
	for (i = 0; i < s->nreserved; i++) {
		const struct map_region *g = &s->reserved[i];

		json_obj_begin(j);
		json_key(j, "base");
		json_hex(j, g->base);
		json_key(j, "size");
		json_hex(j, g->end - g->base);
		json_key(j, "caller");
		json_str(j, map_owner_name(m, g->owner));
		json_key(j, "pieces");
		json_arr_begin(j);
		for (p = 0; p < g->npieces; p++) {
			const struct map_seg *pc = &s->pieces[g->first + p];

			json_obj_begin(j);
			json_key(j, "base");
			json_hex(j, pc->base);
			json_key(j, "size");
			json_hex(j, pc->end - pc->base);
			json_key(j, "caller");
			json_str(j, map_owner_name(m, pc->owner));
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
			json_key(j, "name");
			json_str(j, map_owner_name(m, leg[i].owner));
			json_key(j, "bytes");
			json_hex(j, leg[i].bytes);
			json_key(j, "ranges");
			json_uint(j, leg[i].ranges);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
	json_key(j, "layout");
	json_arr_begin(j);
	if (!map_extent(s, &ext) && !map_layout_runs(&ext, 16, &runs, &nruns)) {
		for (i = 0; i < nruns; i++) {
			json_obj_begin(j);
			json_key(j, "base");
			json_hex(j, runs[i].base);
			json_key(j, "size");
			json_hex(j, runs[i].end - runs[i].base);
			json_obj_end(j);
		}
	}
	json_arr_end(j);
	json_obj_end(j);
	map_segs_free(&ext);
	free(runs);
	free(leg);
}

/* Exported for the shell's completion (shell.h). */
const char map_shortopts[] = "hjf:o:w:s:";
const struct option map_longopts[] = {
	{ "help", no_argument, NULL, 'h' },
	{ "json", no_argument, NULL, 'j' },
	{ "format", required_argument, NULL, 'f' },
	{ "output", required_argument, NULL, 'o' },
	{ "at", required_argument, NULL, 'a' },
	{ "width", required_argument, NULL, 'w' },
	{ "color", required_argument, NULL, 'c' },
	{ "title", required_argument, NULL, 't' },
	{ "scale", required_argument, NULL, 's' },
	{ NULL, 0, NULL, 0 }
};

/**
 * cmd_map() - the map command
 * @argc: argument count
 * @argv: arguments, argv[0] = "map"
 *
 * Return: exit status.
 */
int cmd_map(int argc, char **argv)
{
	enum map_format fmt = FMT_TEXT;
	const char *outpath = NULL, *title = NULL, *color = "auto";
	uint64_t at = UINT64_MAX, width = 0;
	struct mb_capture *cap;
	struct mb_error err = { 0 };
	struct map_model m;
	struct map_snapshot snap;
	struct map_opts o = { 0 };
	FILE *out = stdout;
	bool tty, linear = false;
	int opt, ret = MB_EXIT_OK, rc;

	while ((opt = cli_getopt(argc, argv, map_shortopts, map_longopts)) != -1) {
		switch (opt) {
		case 'h':
			return cli_usage();
		case 'j':
			cli_json = true;
			break;
		case 'f':
			if (!strcmp(optarg, "text") || !strcmp(optarg, "term"))
				fmt = FMT_TEXT;
			else if (!strcmp(optarg, "svg"))
				fmt = FMT_SVG;
			else if (!strcmp(optarg, "html"))
				fmt = FMT_HTML;
			else
				return cli_fail(MB_EXIT_USAGE,
						"unknown format '%s' (text, svg or html)", optarg);
			break;
		case 'o':
			outpath = optarg;
			break;
		case 'a':
			if (!cli_parse_u64(optarg, &at))
				return cli_fail(MB_EXIT_USAGE, "--at wants an event count, not '%s'",
						optarg);
			break;
		case 'w':
			if (!cli_parse_u64(optarg, &width) || width < 20 || width > 100000)
				return cli_fail(MB_EXIT_USAGE, "--width wants 20..100000, not '%s'",
						optarg);
			break;
		case 'c':
			if (strcmp(optarg, "auto") && strcmp(optarg, "always") &&
			    strcmp(optarg, "never"))
				return cli_fail(MB_EXIT_USAGE,
						"--color wants auto, always or never, not '%s'", optarg);
			color = optarg;
			break;
		case 't':
			title = optarg;
			break;
		case 's':
			if (strcmp(optarg, "linear") && strcmp(optarg, "log"))
				return cli_fail(MB_EXIT_USAGE, "--scale wants linear or log, not '%s'",
						optarg);
			linear = !strcmp(optarg, "linear");
			break;
		default:
			return MB_EXIT_USAGE;
		}
	}
	if (optind != argc - 1)
		return cli_fail(MB_EXIT_USAGE, optind >= argc ? "map: missing capture file" :
				"map: exactly one capture file expected");
	if (cli_json && fmt != FMT_TEXT && !outpath)
		return cli_fail(MB_EXIT_USAGE, "-j with --format svg|html needs -o FILE");

	cap = cli_load(argv[optind], &err);
	if (!cap)
		return cli_fail_err(MB_EXIT_FAIL, &err);
	if (map_model_init(&m, cap)) {
		cli_release(cap);
		return cli_fail(MB_EXIT_FAIL, "out of memory");
	}
	if (at == UINT64_MAX || at > cap->nevents)
		at = cap->nevents;

	if (outpath) {
		out = fopen(outpath, "w");
		if (!out) {
			ret = cli_fail(MB_EXIT_FAIL, "cannot write %s: %s", outpath, strerror(errno));
			goto done;
		}
	}
	tty = !outpath && isatty(STDOUT_FILENO);
	o.start_at = at;
	o.log_scale = !linear;
	o.title = title ? title : argv[optind];
	if (fmt == FMT_TEXT) {
		o.width = width ? (int)width : term_width(tty);
		o.color = !strcmp(color, "always") ||
			  (!strcmp(color, "auto") && tty && !getenv("NO_COLOR"));
	} else {
		o.width = width ? (int)width : 1000;
	}

	if (fmt == FMT_HTML) {
		rc = map_render_html(out, &m, &o, HTML_BUDGET_PIECES);
	} else {
		rc = map_model_seek(&m, at) || map_snapshot_exact(&m, &snap);
		if (!rc) {
			if (cli_json && !outpath) {
				struct json *j = json_new(stdout);

				json_snapshot(j, &m, &snap, o.width);
				json_free(j);
				fputc('\n', stdout);
			} else if (fmt == FMT_SVG) {
				rc = map_render_svg(out, &m, &snap, &o);
			} else {
				rc = map_render_text(out, &m, &snap, &o);
			}
			map_snapshot_free(&snap);
		}
	}
	if (rc) {
		ret = cli_fail(MB_EXIT_FAIL, "out of memory while drawing the map");
		goto done;
	}
	if (outpath) {
		bool bad = ferror(out);

		if (fclose(out) || bad) {
			out = NULL;
			ret = cli_fail(MB_EXIT_FAIL, "cannot write %s: %s", outpath,
				       strerror(errno ? errno : EIO));
			goto done;
		}
		out = NULL;
		if (cli_json) {
			struct json *j = json_new(stdout);

			json_obj_begin(j);
			json_key(j, "written");
			json_str(j, outpath);
			json_key(j, "format");
			json_str(j, fmt == FMT_SVG ? "svg" : fmt == FMT_HTML ? "html" : "text");
			json_obj_end(j);
			json_free(j);
			fputc('\n', stdout);
		}
	} else {
		fflush(stdout);
	}
done:
	if (out && out != stdout)
		fclose(out);
	map_model_free(&m);
	cli_release(cap);
	return ret;
}
