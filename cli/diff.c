// SPDX-License-Identifier: GPL-2.0-only
/* diff.c - `memblock-cli diff`. */
#include "cli.h"

/**
 * cmd_diff() - the diff command
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int cmd_diff(int argc, char **argv)
{
	return cli_fail(MB_EXIT_FAIL, "diff: not yet implemented");
}
