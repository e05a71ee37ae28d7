// SPDX-License-Identifier: GPL-2.0-only
/* main.c - memblock-cli entry point and the command table. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/*
 * The command table.  argv mode and the shell both dispatch through it;
 * --help texts live here so that docs/cli.md, completion and the shell can
 * be checked against one list (tests/cli/docs_sync.sh).
 */
const struct cli_cmd cli_commands[] = {
	{ "capture", cmd_capture, CMD_LIVE,
	  "boot or attach to QEMU and write a capture file",
	  "Usage: memblock-cli capture [options]\n"
	  "Boot a kernel in QEMU (default: the project's test kernel) or attach to a\n"
	  "running QEMU, pull memblock's event log and arrays, and write a capture.\n"
	  "\n"
	  "  -k, --kernel FILE     kernel to boot (default: kernel/kernel.elf of the build)\n"
	  "  -m, --mem SIZE        guest RAM in QEMU -m syntax (default 256M; 512M\n"
	  "                        with --linux)\n"
	  "      --smp N           number of CPUs (default 1)\n"
	  "      --numa N          number of NUMA nodes (default: no NUMA)\n"
	  "      --initrd FILE     initrd to pass to the kernel\n"
	  "      --append TEXT     kernel command line\n"
	  "  -t, --transport T     gdb, serial or ramfile (default gdb)\n"
	  "      --attach ADDR     attach to a running QEMU: tcp:HOST:PORT, HOST:PORT,\n"
	  "                        unix:PATH (gdbstub) or serial:PATH (COM2 socket)\n"
	  "      --elf FILE        ELF of the running kernel (symbols, build-id)\n"
	  "      --timeout SEC     give up after SEC seconds (default 60; 120 with --linux)\n"
	  "  -o, --output FILE     capture file to write (default memblock.cap)\n"
	  "      --linux IMAGE     boot a stock Linux kernel (bzImage/vmlinuz, vmlinux or\n"
	  "                        Debian .deb) and read its struct memblock live (BTF)\n"
	  "      --system-map FILE with --linux: System.map giving the memblock symbol\n"
	  "      --read-at POINT   with --linux: auto, symbol[:NAME], pattern[:TEXT] or\n"
	  "                        idle[:MS] (when to read; default auto)\n"
	  "  -v, --verbose         print the agent's debug lines on stderr (e.g. why the\n"
	  "                        RAM file transport fell back to gdb)\n"
	  "  -j, --json            print a JSON summary on stdout\n"
	  "  -h, --help            show this help\n" },
	{ "dump", cmd_dump, CMD_INPUT | CMD_LIVE,
	  "print the memory and reserved arrays",
	  "Usage: memblock-cli dump [options] INPUT\n"
	  "       memblock-cli dump [options] --attach ADDR\n"
	  "Print memblock's arrays at the end of INPUT (a capture file or a\n"
	  "memblock=debug console log), or after the first N events with --at.\n"
	  "\n"
	  "  -f, --format F        linux (memblock_dump_all, default), debugfs or table\n"
	  "      --at N            the state after the first N events (replayed)\n"
	  "      --initial         the state before the first event\n"
	  "      --attach ADDR     read a live target through the agent (see capture)\n"
	  "      --elf FILE        ELF of the live kernel\n"
	  "  -j, --json            JSON on stdout (addresses as \"0x...\" strings)\n"
	  "  -h, --help            show this help\n" },
	{ "log", cmd_log, CMD_INPUT,
	  "list the recorded memblock calls",
	  "Usage: memblock-cli log [options] INPUT\n"
	  "List the memblock calls recorded in INPUT, with symbolised callers.\n"
	  "\n"
	  "      --op OP[,OP...]   only these operations (memblock_reserve or reserve)\n"
	  "      --caller GLOB     only callers whose symbol matches GLOB (fnmatch)\n"
	  "      --range A-B       only calls touching the addresses [A, B)\n"
	  "      --seq A-B         only sequence numbers A to B (inclusive)\n"
	  "      --no-internal     hide memblock's own nested calls (depth > 0)\n"
	  "  -j, --json            JSON on stdout\n"
	  "  -h, --help            show this help\n" },
	{ "replay", cmd_replay, CMD_INPUT,
	  "run the events through the host memblock",
	  "Usage: memblock-cli replay [options] INPUT\n"
	  "Run INPUT's events through the host build of memblock, starting from the\n"
	  "captured initial state, and print the resulting arrays.\n"
	  "\n"
	  "      --to N            stop after the first N events\n"
	  "      --verify          compare the end state with the captured arrays (and,\n"
	  "                        for imported logs, every later configuration block);\n"
	  "                        exit 3 naming the first divergence, 5 if the log\n"
	  "                        dropped events\n"
	  "      --expect FILE     compare the end state's memory and reserved byte\n"
	  "                        coverage with the first \"MEMBLOCK configuration:\"\n"
	  "                        block in FILE (exit 3 if different)\n"
	  "  -f, --format F        linux (default), debugfs or table\n"
	  "  -q, --quiet           print only the summary line\n"
	  "  -j, --json            JSON on stdout\n"
	  "  -h, --help            show this help\n" },
	{ "map", cmd_map, CMD_INPUT,
	  "draw the physical address space (terminal, SVG, HTML explorer, CSV)",
	  "Usage: memblock-cli map [options] INPUT\n"
	  "Draw the physical address space with reserved ranges coloured by caller:\n"
	  "on the terminal, as SVG, as a self-contained HTML explorer (axis, tracks,\n"
	  "zoom, click for the owner, timeline), or the callers as CSV.\n"
	  "\n"
	  "  -f, --format F        text (default), svg, html or csv\n"
	  "  -o, --output FILE     write to FILE instead of stdout (atomically)\n"
	  "      --at N            the state after the first N events (replayed)\n"
	  "      --width N         columns of the terminal map (default: terminal width)\n"
	  "      --color WHEN      auto (default; honours NO_COLOR), always or never\n"
	  "      --title TEXT      title of the SVG/HTML page\n"
	  "      --scale S         linear or log address axis (html: linear by default)\n"
	  "      --sort KEY        callers by size (default) or name\n"
	  "  -n, --rows N          at most N callers listed\n"
	  "      --group G         caller (default) or frame (first frame outside memblock)\n"
	  "  -j, --json            JSON on stdout\n"
	  "  -h, --help            show this help\n" },
	{ "diff", cmd_diff, CMD_INPUT,
	  "compare two captures by caller, allocation and event sequence",
	  "Usage: memblock-cli diff [options] A B\n"
	  "Compare two captures or console logs: reserved bytes per caller (symbol\n"
	  "names, offsets and clone suffixes stripped), memory ranges, the reserved\n"
	  "allocations paired by caller and size (moved, grown, shrunk, new,\n"
	  "removed; ranges in Linux's inclusive [a-b] notation), and the two call\n"
	  "sequences aligned by operation and caller.\n"
	  "\n"
	  "      --no-events                 do not print the aligned call sequences\n"
	  "      --all                       list unchanged callers too\n"
	  "      --sort KEY                  delta (default), size or name\n"
	  "  -n, --rows N                    at most N rows per table\n"
	  "      --group G                   caller (default) or frame (first frame\n"
	  "                                  outside memblock)\n"
	  "  -f, --format F                  text (default), json, csv or html\n"
	  "  -o, --output FILE               with --format html: the page to write\n"
	  "      --fail-if-reserved-grows N  exit 4 if reserved bytes grow by more than N\n"
	  "      --fail-if-memory-shrinks N  exit 4 if memory shrinks by more than N bytes\n"
	  "      --fail-if-new-callers       exit 4 if B reserves from callers A lacks\n"
	  "  -j, --json                      JSON on stdout (--format json)\n"
	  "  -h, --help                      show this help\n" },
	{ "whois", cmd_whois, CMD_INPUT,
	  "who reserved an address, when, and what it is",
	  "Usage: memblock-cli whois [options] ADDR INPUT\n"
	  "Who holds ADDR: the caller and the event that reserved or allocated it,\n"
	  "what held it before, the firmware range and zone it lies in, what it is\n"
	  "(kernel image, boot protocol data, BIOS areas, ACPI tables, ...) and the\n"
	  "events that touched it.\n"
	  "\n"
	  "      --at N            the state after the first N events (default: all)\n"
	  "  -j, --json            JSON on stdout\n"
	  "  -h, --help            show this help\n" },
	{ "import", cmd_import, CMD_INPUT,
	  "turn a memblock=debug console log into a capture file",
	  "Usage: memblock-cli import [options] LOG -o FILE\n"
	  "Import a Linux (6.1, 6.12) or test-kernel console log booted with\n"
	  "memblock=debug (\"-\" reads standard input). The first \"MEMBLOCK\n"
	  "configuration:\" block becomes the initial state; later blocks become\n"
	  "checkpoints.\n"
	  "\n"
	  "  -o, --output FILE     capture file to write (required)\n"
	  "  -j, --json            print a JSON summary on stdout\n"
	  "  -h, --help            show this help\n" },
	{ "shell", cmd_shell, CMD_INTERACTIVE,
	  "interactive shell over the same commands",
	  "Usage: memblock-cli shell [INPUT [INPUT2]]\n"
	  "Interactive shell (readline) over the same command table.\n"
	  "\n"
	  "  -h, --help            show this help\n" },
	{ "help", cmd_help, 0,
	  "list the commands or show one command's help",
	  "Usage: memblock-cli help [COMMAND]\n"
	  "       memblock-cli help --man [COMMAND]\n"
	  "       memblock-cli help --completion\n"
	  "List the commands, or print COMMAND's help; or generate, from this\n"
	  "command table, the man page of memblock-cli or of one COMMAND, or a bash\n"
	  "completion script.\n"
	  "\n"
	  "      --man             print a man page (roff) instead of the help text\n"
	  "      --completion      print a bash completion script\n"
	  "  -j, --json            the command list as JSON\n"
	  "  -h, --help            show this help\n" },
};

const size_t cli_ncommands = sizeof(cli_commands) / sizeof(cli_commands[0]);

/**
 * cli_find() - look a command up by name
 * @name: command word
 *
 * Return: the table entry, or NULL.
 */
const struct cli_cmd *cli_find(const char *name)
{
	size_t i;

	for (i = 0; i < cli_ncommands; i++)
		if (!strcmp(cli_commands[i].name, name))
			return &cli_commands[i];
	return NULL;
}

static void print_commands(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: memblock-cli COMMAND [options] [ARGS]\n\nCommands:\n");
	for (i = 0; i < cli_ncommands; i++)
		fprintf(f, "  %-9s %s\n", cli_commands[i].name, cli_commands[i].summary);
	fprintf(f, "\nRun 'memblock-cli COMMAND --help' for a command's options.\n");
}

/**
 * cli_dispatch() - run one command through the table
 * @argc: argument count
 * @argv: argv[0] is the command word
 *
 * Return: the command's exit status (MB_EXIT_USAGE for an unknown command).
 */
int cli_dispatch(int argc, char **argv)
{
	const struct cli_cmd *cmd;
	int rc;

	cli_json = false;
	cli_cmd_name = argv[0];
	optind = 0;	/* full getopt reset (glibc) for the shell */
	cmd = cli_find(argv[0]);
	if (!cmd) {
		cli_cmd_name = NULL;
		return cli_fail(MB_EXIT_USAGE, "unknown command '%s' (try 'memblock-cli help')",
				argv[0]);
	}
	rc = cmd->handler(argc, argv);
	fflush(stdout);
	return rc;
}

/**
 * cmd_help() - the help command
 * @argc: argument count
 * @argv: arguments
 *
 * Return: exit status.
 */
int cmd_help(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "json", no_argument, NULL, 'j' },
		{ "man", no_argument, NULL, 'M' },
		{ "completion", no_argument, NULL, 'C' },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_cmd *cmd;
	bool man = false, completion = false;
	int c;
	size_t i;

	while ((c = cli_getopt(argc, argv, "hj", opts)) != -1) {
		if (c == 'h')
			return cli_usage();
		if (c == 'j')
			cli_json = true;
		else if (c == 'M')
			man = true;
		else if (c == 'C')
			completion = true;
		else
			return MB_EXIT_USAGE;
	}
	if (optind + 1 < argc)
		return cli_fail(MB_EXIT_USAGE, "help: expected at most one COMMAND");
	if (completion) {
		if (optind < argc || man)
			return cli_fail(MB_EXIT_USAGE, "help: --completion takes no COMMAND");
		cli_print_completion(stdout);
		return 0;
	}
	if (man) {
		if (cli_print_man(stdout, optind < argc ? argv[optind] : NULL))
			return cli_fail(MB_EXIT_USAGE, "unknown command '%s'", argv[optind]);
		return 0;
	}
	if (optind < argc) {
		cmd = cli_find(argv[optind]);
		if (!cmd)
			return cli_fail(MB_EXIT_USAGE, "unknown command '%s'", argv[optind]);
		fputs(cmd->help, stdout);
		return 0;
	}
	if (cli_json) {
		struct json *j = json_new(stdout);

		json_arr_begin(j);
		for (i = 0; i < cli_ncommands; i++) {
			json_obj_begin(j);
			json_key(j, "name");
			json_str(j, cli_commands[i].name);
			json_key(j, "summary");
			json_str(j, cli_commands[i].summary);
			json_obj_end(j);
		}
		json_arr_end(j);
		json_free(j);
		return 0;
	}
	print_commands(stdout);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_commands(stderr);
		return MB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_commands(stdout);
		return 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("memblock-cli %s\n", MB_VERSION);
		return 0;
	}
	return cli_dispatch(argc - 1, argv + 1);
}
