// SPDX-License-Identifier: GPL-2.0-only
/* import.c - `memblock-cli import`: console log to capture file. */
#include <string.h>

#include "cli.h"
#include "mbagent/import.h"

/**
 * cmd_import() - import a memblock=debug console log into a capture file
 * @argc: argument count
 * @argv: arguments, argv[0] = "import"
 *
 * Return: exit status.
 */
int cmd_import(int argc, char **argv)
{
	struct mb_import_stats st;
	struct mb_capture *c;
	struct mb_error err = { 0 };
	struct cli_args a;
	const char *out, *in;

	if (cli_args_parse(argc, argv, 1, "one LOG file", &a))
		return MB_EXIT_USAGE;
	out = a.arg['o'];
	if (!out)
		return cli_fail(MB_EXIT_USAGE, "import: -o FILE is required");
	in = a.argv[0];
	if (cli_check_output(out))
		return MB_EXIT_FAIL;
	if (strcmp(in, "-") && cli_is_directory(in, &err))
		return cli_fail_err(MB_EXIT_FAIL, &err);
	if (!strcmp(in, "-"))
		c = mb_import_stream(stdin, "<stdin>", &st, &err);
	else
		c = mb_import_file(in, &st, &err);
	if (cli_save(c, out, &err))
		return MB_EXIT_FAIL;
	if (cli_json) {
		struct json *j = cli_json_begin(in);

		json_str_field(j, "output", out);
		json_uint_field(j, "lines", st.lines);
		json_uint_field(j, "memblock_lines", st.memblock_lines);
		json_uint_field(j, "total_events", c->nevents);
		json_uint_field(j, "configuration_blocks", st.blocks);
		json_uint_field(j, "skipped_before_initial", st.skipped_before_initial);
		json_uint_field(j, "failed_allocations", st.failed_allocs);
		json_uint_field(j, "bad_lines", st.bad_lines);
		json_str_field(j, "linux_version", mb_capture_get_meta(c, "linux_version"));
		cli_json_end(j);
	} else {
		printf("%s: %zu events, %zu configuration blocks (%zu memblock lines before the first block folded into the initial state",
		       out, c->nevents, st.blocks, st.skipped_before_initial);
		if (st.bad_lines)
			printf(", %zu unparsable lines", st.bad_lines);
		printf(")\n");
	}
	mb_capture_free(c);
	return 0;
}
