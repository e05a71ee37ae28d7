// SPDX-License-Identifier: GPL-2.0-only
/* dump.c - `memblock-cli dump`: the arrays in Linux, debugfs, table or JSON form. */
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mbagent/replay.h"

/**
 * cli_dump_format() - the -f word of dump and replay (linux, debugfs, table)
 * @a: the parsed line
 * @fmt: set to the format, DUMP_LINUX when -f was not given
 *
 * Return: 0, or MB_EXIT_USAGE after one "Error: ..." line.
 */
int cli_dump_format(const struct cli_args *a, enum dump_format *fmt)
{
	int w = cli_args_word(a, 'f', DUMP_LINUX);

	*fmt = w < 0 ? DUMP_LINUX : (enum dump_format)w;
	return w < 0 ? MB_EXIT_USAGE : 0;
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
	struct cli_args a;
	bool initial, have_at;
	uint64_t at = 0;

	if (cli_args_parse(argc, argv, -1, NULL, &a) ||
	    cli_operands(argc, argv, a.arg['A'] ? 0 : 1, "one INPUT file or --attach") ||
	    cli_args_num(&a, 'a', 0, UINT64_MAX, &at) || cli_dump_format(&a, &fmt))
		return MB_EXIT_USAGE;
	have_at = a.arg['a'];
	initial = a.arg['i'];
	attach = a.arg['A'];
	elf = a.arg['E'];
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
		struct json *j = cli_json_begin(input);

		json_str_field(j, "state", how);
		json_uint_field(j, "at_event", have_at ? at : initial ? 0 : c->nevents);
		cli_json_log(j, c);
		json_key(j, "arrays");
		cli_json_state(j, &st);
		cli_json_end(j);
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
