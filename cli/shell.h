/* SPDX-License-Identifier: GPL-2.0-only */
/* shell.h - internals of the shell shared with its tests: word splitting, option lists. */
#ifndef MBCLI_SHELL_H
#define MBCLI_SHELL_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include "cli.h"

/**
 * struct shell_opt - one option of a table command (for completion and for
 * telling option arguments from input operands)
 */
struct shell_opt {
	char long_name[40];
	char short_name;
	bool has_arg;
};

int shell_split(const char *line, char **argv, int max);
size_t shell_cmd_options(const struct cli_cmd *cmd, struct shell_opt *out, size_t max);

#endif /* MBCLI_SHELL_H */
