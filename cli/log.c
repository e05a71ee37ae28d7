// SPDX-License-Identifier: GPL-2.0-only
/* log.c - `memblock-cli log`. */
#include "cli.h"

/**
 * cmd_log() - the log command
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int cmd_log(int argc, char **argv)
{
	return cli_fail(MB_EXIT_FAIL, "log: not yet implemented");
}
