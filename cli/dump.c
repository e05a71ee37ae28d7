// SPDX-License-Identifier: GPL-2.0-only
/* dump.c - `memblock-cli dump`. */
#include "cli.h"

/**
 * cmd_dump() - the dump command
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int cmd_dump(int argc, char **argv)
{
	return cli_fail(MB_EXIT_FAIL, "dump: not yet implemented");
}
