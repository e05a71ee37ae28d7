// SPDX-License-Identifier: GPL-2.0-only
/* capture.c - `memblock-cli capture`. */
#include "cli.h"

/**
 * cmd_capture() - the capture command
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int cmd_capture(int argc, char **argv)
{
	return cli_fail(MB_EXIT_FAIL, "capture: not yet implemented");
}
