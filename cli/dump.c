// SPDX-License-Identifier: GPL-2.0-only
/* dump.c - `memblock-cli dump`: the arrays in Linux, debugfs, table or JSON form. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mbagent/replay.h"

/**
 * cli_parse_format() - parse a dump format name
 * @s: "linux", "debugfs" or "table"
 * @out: result
 *
 * Return: true if known.
 */
bool cli_parse_format(const char *s, enum dump_format *out)
{
	if (!strcmp(s, "linux"))
		*out = DUMP_LINUX;
	else if (!strcmp(s, "debugfs"))
		*out = DUMP_DEBUGFS;
	else if (!strcmp(s, "table"))
		*out = DUMP_TABLE;
	else
		return false;
	return true;
}

/**
 * cli_end_state() - the state at the end of a capture
 * @c: capture
 * @out: receives a copy (free with mb_state_clear())
 * @how: set to "final" (captured) or "replayed"
 * @err: filled on failure
 *
 * Return: 0 or -1 with @err set.
 */
int cli_end_state(const struct mb_capture *c, struct mb_state *out, const char **how,
		  struct mb_error *err)
{
	if (c->final.valid) {
		*how = "final";
		return mb_state_copy(out, &c->final, err);
	}
	*how = "replayed";
	return mb_replay_run(c, SIZE_MAX, out, NULL, err);
}

/**
 * cmd_dump() - print memblock's arrays
 * @argc: argument count
 * @argv: arguments, argv[0] = "dump"
 *
 * Return: exit status.
 */
int cmd_dump(int argc, char **argv)
{
	enum dump_format fmt = DUMP_LINUX;
	const char *attach = NULL, *elf = NULL, *how = "final", *input;
	struct mb_error err = { 0 };
	struct mb_capture *c;
	struct mb_state st;
	bool initial = false, have_at = false;
	uint64_t at = 0;
	int opt;

	while ((opt = cli_next_opt(argc, argv)) != -1) {
		switch (opt) {
		case 'f':
			if (!cli_parse_format(optarg, &fmt))
				return cli_fail(MB_EXIT_USAGE,
						"dump: unknown format '%s' (linux, debugfs, table)",
						optarg);
			break;
		case 'a':
			if (cli_arg_u64("--at", optarg, &at))
				return MB_EXIT_USAGE;
			have_at = true;
			break;
		case 'i':
			initial = true;
			break;
		case 'A':
			attach = optarg;
			break;
		case 'E':
			elf = optarg;
			break;
		default:
			return MB_EXIT_USAGE;
		}
	}
	if (attach ? optind != argc : optind != argc - 1)
		return cli_fail(MB_EXIT_USAGE,
				"dump: expected one INPUT file or --attach (see 'dump --help')");
	input = attach ? attach : argv[optind];
	c = attach ? cli_load_live(attach, elf, NULL, &err) : cli_load(input, &err);
	if (!c)
		return cli_fail_err(MB_EXIT_FAIL, &err);
	memset(&st, 0, sizeof(st));
	if (initial) {
		how = "initial";
		if (mb_state_copy(&st, &c->initial, &err))
			goto fail;
	} else if (have_at) {
		if (at > c->nevents) {
			size_t n = c->nevents;

			cli_release(c);
			return cli_fail(MB_EXIT_USAGE, "dump: --at %llu is beyond the last event (%zu)",
					(unsigned long long)at, n);
		}
		how = "replayed";
		if (mb_replay_run(c, (size_t)at, &st, NULL, &err))
			goto fail;
	} else if (cli_end_state(c, &st, &how, &err)) {
		goto fail;
	}
	if (cli_json) {
		struct json *j = json_new(stdout);

		json_obj_begin(j);
		json_key(j, "input");
		json_str(j, input);
		json_key(j, "state");
		json_str(j, how);
		json_key(j, "events");
		json_uint(j, have_at ? at : initial ? 0 : c->nevents);
		json_key(j, "dropped");
		json_uint(j, c->log_dropped);
		json_key(j, "complete");
		json_bool(j, c->log_dropped == 0);
		json_key(j, "arrays");
		cli_json_state(j, &st);
		json_obj_end(j);
		json_free(j);
	} else {
		cli_print_state(&st, fmt);
		if (c->log_dropped && !c->final.valid)
			fprintf(stderr, "warning: the log is incomplete: %llu calls were not recorded; the replayed state may differ from the target's\n",
				(unsigned long long)c->log_dropped);
		else if (c->log_dropped)
			fprintf(stderr, "warning: the log is incomplete: %llu calls were not recorded\n",
				(unsigned long long)c->log_dropped);
	}
	mb_state_clear(&st);
	cli_release(c);
	return 0;
fail:
	mb_state_clear(&st);
	cli_release(c);
	return cli_fail_err(MB_EXIT_FAIL, &err);
}
