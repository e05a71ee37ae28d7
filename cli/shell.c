// SPDX-License-Identifier: GPL-2.0-only
/* shell.c - `memblock-cli shell`: placeholder until the shell helper lands. */
#include "cli.h"

/**
 * cmd_shell() - the interactive shell (not yet implemented)
 * @argc: argument count
 * @argv: arguments, argv[0] = "shell"
 *
 * Return: exit status (always 2 for now).
 */
int cmd_shell(int argc, char **argv)
{
	return cli_fail(MB_EXIT_USAGE, "shell: not yet implemented");
}
