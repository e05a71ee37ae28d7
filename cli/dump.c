// SPDX-License-Identifier: GPL-2.0-only
/* dump.c - `memblock-cli dump`: the arrays in Linux, debugfs, table or JSON form. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mbagent/replay.h"

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
	int opt, w;

	while ((opt = cli_next_opt(argc, argv)) != -1) {
		switch (opt) {
		case 'f':
			w = cli_arg_word(opt, optarg);
			if (w < 0)
				return MB_EXIT_USAGE;
			fmt = (enum dump_format)w;
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
	if (cli_operands(argc, argv, attach ? 0 : 1, "one INPUT file or --attach"))
		return MB_EXIT_USAGE;
	input = attach ? attach : argv[optind];
	c = attach ? cli_load_live(attach, elf, NULL, &err) : cli_load(input, &err);
	if (!c)
		return cli_fail_err(MB_EXIT_FAIL, &err);
	if (cli_check_at(c, have_at && !initial ? "--at" : NULL, at))
		return MB_EXIT_USAGE;
	memset(&st, 0, sizeof(st));
	if (initial) {
		how = "initial";
		if (mb_state_copy(&st, &c->initial, &err))
			goto fail;
	} else if (have_at) {
		how = "replayed";
		if (mb_replay_run(c, (size_t)at, &st, NULL, &err))
			goto fail;
	} else if (cli_end_state(c, &st, &how, &err)) {
		goto fail;
	}
	if (cli_json) {
		struct json *j = json_new(stdout);

		cli_json_open(j);
		json_key(j, "input");
		json_str(j, input);
		json_key(j, "state");
		json_str(j, how);
		json_key(j, "at_event");
		json_uint(j, have_at ? at : initial ? 0 : c->nevents);
		json_key(j, "total_events");
		json_uint(j, c->nevents);
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
