// SPDX-License-Identifier: GPL-2.0-only
/* replay.c - `memblock-cli replay`. */
#include "cli.h"

/**
 * cmd_replay() - the replay command
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int cmd_replay(int argc, char **argv)
{
	return cli_fail(MB_EXIT_FAIL, "replay: not yet implemented");
}
