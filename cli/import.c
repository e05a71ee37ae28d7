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
	const char *out = NULL, *in;
	int opt;

	while ((opt = cli_next_opt(argc, argv)) != -1) {
		switch (opt) {
		case 'o':
			out = optarg;
			break;
		default:
			return MB_EXIT_USAGE;
		}
	}
	if (cli_operands(argc, argv, 1, "one LOG file"))
		return MB_EXIT_USAGE;
	if (!out)
		return cli_fail(MB_EXIT_USAGE, "import: -o FILE is required");
	in = argv[optind];
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
		struct json *j = json_new(stdout);

		cli_json_open(j);
		json_key(j, "input");
		json_str(j, in);
		json_key(j, "output");
		json_str(j, out);
		json_key(j, "lines");
		json_uint(j, st.lines);
		json_key(j, "memblock_lines");
		json_uint(j, st.memblock_lines);
		json_key(j, "total_events");
		json_uint(j, c->nevents);
		json_key(j, "configuration_blocks");
		json_uint(j, st.blocks);
		json_key(j, "skipped_before_initial");
		json_uint(j, st.skipped_before_initial);
		json_key(j, "failed_allocations");
		json_uint(j, st.failed_allocs);
		json_key(j, "bad_lines");
		json_uint(j, st.bad_lines);
		json_key(j, "linux_version");
		json_str(j, mb_capture_get_meta(c, "linux_version"));
		json_obj_end(j);
		json_free(j);
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
