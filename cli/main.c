// SPDX-License-Identifier: GPL-2.0-only
/* main.c - memblock-cli entry point and the command table. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "uapi/mb_evlog.h"

/*
 * The command table: names, handlers, options, examples.  Everything a user
 * reads about a command is generated from it: --help (cli_print_help()),
 * the man pages with their EXAMPLES, bash completion, the shell's option
 * lists, and the getopt tables the commands parse with (cli_next_opt()).
 * -j/--json and -h/--help are added to every command here, once, and
 * cli_dispatch() handles them before the command runs.
 */
static const struct cli_opt capture_opts[] = {
	{ "kernel", 'k', 'k', "FILE", "kernel to boot (default: kernel/kernel.elf of the build)" },
	{ "mem", 'm', 'm', "SIZE", "guest RAM in QEMU -m syntax (default 256M; 512M\nwith --linux)" },
	{ "smp", 0, 'S', "N", "number of CPUs (default 1)" },
	{ "numa", 0, 'N', "N", "number of NUMA nodes (default: no NUMA)" },
	{ "initrd", 0, 'I', "FILE", "initrd to pass to the kernel" },
	{ "append", 0, 'a', "TEXT", "kernel command line" },
	{ "transport", 't', 't', "T", "gdb, serial or ramfile (default gdb)",
	  "gdb serial ramfile" },
	{ "attach", 0, 'A', "ADDR", "attach to a running QEMU: tcp:HOST:PORT, HOST:PORT,\nunix:PATH (gdbstub) or serial:PATH (COM2 socket)" },
	{ "elf", 0, 'E', "FILE", "ELF of the running kernel (symbols, build-id)" },
	{ "timeout", 0, 'T', "SEC", "give up after SEC seconds (default 60; 120 with --linux)" },
	{ "output", 'o', 'o', "FILE", "capture file to write (default memblock.cap)" },
	{ "linux", 0, 'L', "IMAGE", "boot a stock Linux kernel (bzImage/vmlinuz, vmlinux or\nDebian .deb) and read its struct memblock live (BTF)" },
	{ "system-map", 0, 'M', "FILE", "with --linux: System.map giving the memblock symbol" },
	{ "read-at", 0, 'R', "POINT", "with --linux: auto, symbol[:NAME], pattern[:TEXT] or\nidle[:MS] (when to read; default auto)" },
	{ "qemu", 0, 'Q', "PATH", "QEMU binary (default: $MB_QEMU, else\nqemu-system-x86_64 from PATH)" },
	{ "trace", 0, 'X', NULL, "with --linux: record every memblock call (arguments,\nresult, caller chain) from the first one to the read\npoint, through gdbstub breakpoints (see docs/linux.md)" },
	{ "trace-max-hits", 0, 'H', "N", "stop with an error when one entry point is hit more\nthan N times (default 200000; implies --trace)" },
	{ "trace-max-events", 0, 'V', "N", "stop with an error past N events (default 1000000;\nimplies --trace)" },
	{ "verbose", 'v', 'v', NULL, "print the agent's debug lines on stderr (e.g. why the\nRAM file transport fell back to gdb)" },
	{ "quiet", 'q', 'q', NULL, "no progress line on stderr (it is shown only on a\nterminal)" },
	{ NULL },
};

static const struct cli_example capture_examples[] = {
	{ "capture -o boot.cap", "boot the test kernel of this build and capture it" },
	{ "capture -m 1G --smp 4 --numa 2 --append \"memblock=debug\" -o numa.cap",
	  "a NUMA guest with four CPUs, printing memblock=debug on COM1" },
	{ "capture --attach tcp:127.0.0.1:1234 --elf build/kernel/kernel.elf -o live.cap",
	  "capture a QEMU that is already running with a gdbstub" },
	{ "capture --linux vmlinuz-6.1.0-56-cloud-amd64 -m 512M -o linux61.cap",
	  "boot a stock Linux kernel and read its struct memblock" },
	{ "capture --linux vmlinuz-6.1.0-56-cloud-amd64 --trace -o trace61.cap",
	  "record every memblock call of a stock Linux boot, with caller chains" },
	{ NULL },
};

static const struct cli_opt dump_opts[] = {
	{ "format", 'f', 'f', "F", "linux (memblock_dump_all, default), debugfs or table",
	  "linux debugfs table" },
	{ "at", 0, 'a', "N", "the state after the first N events (replayed)" },
	{ "initial", 0, 'i', NULL, "the state before the first event" },
	{ "attach", 0, 'A', "ADDR", "read a live target through the agent (see capture)" },
	{ "elf", 0, 'E', "FILE", "ELF of the live kernel" },
	{ NULL },
};

static const struct cli_example dump_examples[] = {
	{ "dump boot.cap", "the final arrays, as memblock_dump_all() prints them" },
	{ "dump -f debugfs --at 40 boot.cap", "the state after 40 events, debugfs style" },
	{ "dump -j linux-6.12.log", "a console log's end state as JSON" },
	{ NULL },
};

/* Every operation name, for completion after --op (from the log ABI's list). */
#define CLI_OP_WORD(name, val, str) str " "
static const char log_op_names[] = MB_EVLOG_OPS(CLI_OP_WORD);
#undef CLI_OP_WORD

static const struct cli_opt log_opts[] = {
	{ "op", 0, 'o', "OP[,OP...]", "only these operations (memblock_reserve or reserve)",
	  log_op_names },
	{ "caller", 0, 'c', "GLOB", "only callers whose symbol matches GLOB (fnmatch)" },
	{ "range", 0, 'r', "A-B", "only calls touching the addresses [A, B)" },
	{ "seq", 0, 's', "A-B", "only sequence numbers A to B (inclusive)" },
	{ "no-internal", 0, 'n', NULL, "hide memblock's own nested calls (depth > 0)" },
	{ "stack", 0, 'S', NULL, "print each call's caller chain under it\n(func+0xoff/0xlen, caller first)" },
	{ NULL },
};

static const struct cli_example log_examples[] = {
	{ "log --op reserve,phys_free --caller 'pcpu_*' boot.cap",
	  "the per-CPU allocator's reservations and frees" },
	{ "log --range 0x1f000000-0x20000000 --seq 10-40 -j boot.cap",
	  "calls 10 to 40 that touch one range, as JSON" },
	{ NULL },
};

static const struct cli_opt replay_opts[] = {
	{ "to", 0, 't', "N", "stop after the first N events" },
	{ "verify", 0, 'v', NULL, "compare the end state with the captured arrays (and,\nfor imported logs, every later configuration block);\nexit 3 naming the first divergence, 5 if the log\ndropped events" },
	{ "expect", 0, 'e', "FILE", "compare the end state's memory and reserved byte\ncoverage with the first \"MEMBLOCK configuration:\"\nblock in FILE (exit 3 if different)" },
	{ "format", 'f', 'f', "F", "linux (default), debugfs or table", "linux debugfs table" },
	{ "quiet", 'q', 'q', NULL, "print only the summary line" },
	{ NULL },
};

static const struct cli_example replay_examples[] = {
	{ "replay --to 40 -f table boot.cap", "the state after 40 events, as a table" },
	{ "replay --verify boot.cap", "check that the replay reproduces the captured arrays" },
	{ "replay --verify --expect 6.12.final.txt 6.12.log",
	  "a Linux log against the arrays read from the same boot" },
	{ NULL },
};

static const struct cli_opt map_opts[] = {
	{ "format", 'f', 'f', "F", "text (default), svg, html or csv", "text svg html csv" },
	{ "output", 'o', 'o', "FILE", "write to FILE instead of stdout (atomically)" },
	{ "at", 0, 'a', "N", "the state after the first N events (replayed)" },
	{ "width", 'w', 'w', "N", "columns of the terminal map (default: terminal width)" },
	{ "color", 0, 'c', "WHEN", "auto (default; honours NO_COLOR), always or never",
	  "auto always never" },
	{ "title", 0, 't', "TEXT", "title of the SVG/HTML page" },
	{ "scale", 's', 's', "S", "linear or log address axis (html: linear by default)",
	  "linear log" },
	{ "sort", 0, 'S', "KEY", "callers by size (default) or name", "size name" },
	{ "rows", 'n', 'n', "N", "at most N callers listed" },
	{ "group", 0, 'G', "G", "caller (default), frame (first frame outside memblock),\nframe:N (frame N of the chain) or chain[:N] (the chain,\nN frames at most, default 4)",
	  "caller frame frame:1 chain chain:8" },
	{ NULL },
};
static const struct cli_example map_examples[] = {
	{ "map boot.cap", "the address space on the terminal" },
	{ "map -f html -o boot.html boot.cap",
	  "the explorer: axis, tracks, zoom, click for the owner, timeline" },
	{ "map -f csv --sort name -n 20 boot.cap", "the callers as CSV" },
	{ NULL },
};
static const struct cli_opt diff_opts[] = {
	{ "no-events", 0, 'E', NULL, "do not print the aligned call sequences" },
	{ "all", 0, 'a', NULL, "list unchanged callers too" },
	{ "sort", 0, 'S', "KEY", "delta (default), size or name", "delta size name" },
	{ "rows", 'n', 'n', "N", "at most N rows per table" },
	{ "group", 0, 'G', "G", "caller (default), frame (first frame outside memblock),\nframe:N (frame N of the chain) or chain[:N] (the chain,\nN frames at most, default 4)",
	  "caller frame frame:1 chain chain:8" },
	{ "format", 'f', 'f', "F", "text (default), json, csv or html", "text json csv html" },
	{ "output", 'o', 'o', "FILE", "with --format html: the page to write" },
	{ "fail-if-reserved-grows", 0, 'R', "N", "exit 4 if reserved bytes grow by more than N" },
	{ "fail-if-memory-shrinks", 0, 'M', "N", "exit 4 if memory shrinks by more than N bytes" },
	{ "fail-if-new-callers", 0, 'N', NULL, "exit 4 if B reserves from callers A lacks" },
	{ NULL },
};
static const struct cli_example diff_examples[] = {
	{ "diff base.cap new.cap", "what changed, by caller, allocation and call" },
	{ "diff -j --fail-if-reserved-grows 1M base.cap new.cap",
	  "a CI gate: exit 4 if reservations grew by more than 1 MiB" },
	{ "diff --format html -o diff.html base.cap new.cap",
	  "both layouts on one axis, moves and changes marked" },
	{ NULL },
};
static const struct cli_opt whois_opts[] = {
	{ "at", 0, 'a', "N", "the state after the first N events (default: all)" },
	{ NULL },
};
static const struct cli_example whois_examples[] = {
	{ "whois 0x1000000 boot.cap", "who reserved 16 MiB, when, and what it is" },
	{ NULL },
};

static const struct cli_opt import_opts[] = {
	{ "output", 'o', 'o', "FILE", "capture file to write (required)" },
	{ NULL },
};

static const struct cli_example import_examples[] = {
	{ "import dmesg.txt -o boot.cap", "turn a memblock=debug console log into a capture" },
	{ NULL },
};

static const struct cli_opt no_opts[] = {
	{ NULL },
};

static const struct cli_example shell_examples[] = {
	{ "shell boot.cap other.cap", "an interactive session with two inputs as @a and @b" },
	{ NULL },
};

static const struct cli_opt help_opts[] = {
	{ "man", 0, 'M', NULL, "print a man page (roff) instead of the help text" },
	{ "completion", 0, 'C', NULL, "print a bash completion script" },
	{ "exit-status", 0, 'X', NULL, "print the exit status table (Markdown, as in docs/cli.md)" },
	{ NULL },
};

static const struct cli_example help_examples[] = {
	{ "help --man dump > memblock-cli-dump.1", "the man page of one command" },
	{ "help --completion > /etc/bash_completion.d/memblock-cli", "bash completion" },
	{ NULL },
};

const struct cli_cmd cli_commands[] = {
	{ "capture", cmd_capture, CMD_LIVE,
	  "boot or attach to QEMU and write a capture file",
	  "[options]",
	  "Boot a kernel in QEMU (default: the project's test kernel) or attach to a\n"
	  "running QEMU, pull memblock's event log and arrays, and write a capture.",
	  capture_opts, "print a JSON summary on stdout", capture_examples },
	{ "dump", cmd_dump, CMD_INPUT | CMD_LIVE,
	  "print the memory and reserved arrays",
	  "[options] INPUT\n[options] --attach ADDR",
	  "Print memblock's arrays at the end of INPUT (a capture file or a\n"
	  "memblock=debug console log), or after the first N events with --at.",
	  dump_opts, "JSON on stdout (addresses as \"0x...\" strings)", dump_examples },
	{ "log", cmd_log, CMD_INPUT,
	  "list the recorded memblock calls",
	  "[options] INPUT",
	  "List the memblock calls recorded in INPUT, with symbolised callers.",
	  log_opts, "JSON on stdout", log_examples },
	{ "replay", cmd_replay, CMD_INPUT,
	  "run the events through the host memblock",
	  "[options] INPUT",
	  "Run INPUT's events through the host build of memblock, starting from the\n"
	  "captured initial state, and print the resulting arrays.",
	  replay_opts, "JSON on stdout", replay_examples },
	{ "map", cmd_map, CMD_INPUT,
	  "draw the physical address space (terminal, SVG, HTML explorer, CSV)",
	  "[options] INPUT",
	  "Draw the physical address space with reserved ranges coloured by caller:\n"
	  "on the terminal, as SVG, as a self-contained HTML explorer (axis, tracks,\n"
	  "zoom, click for the owner, timeline), or the callers as CSV.",
	  map_opts, "JSON on stdout", map_examples },
	{ "diff", cmd_diff, CMD_INPUT,
	  "compare two captures by caller, allocation and event sequence",
	  "[options] A B",
	  "Compare two captures or console logs: reserved bytes per caller (symbol\n"
	  "names, offsets and clone suffixes stripped), memory ranges, the reserved\n"
	  "allocations paired by caller and size (moved, grown, shrunk, new,\n"
	  "removed; ranges in Linux's inclusive [a-b] notation), and the two call\n"
	  "sequences aligned by operation and caller.",
	  diff_opts, "JSON on stdout", diff_examples },
	{ "whois", cmd_whois, CMD_INPUT,
	  "who reserved an address, when, and what it is",
	  "[options] ADDR INPUT",
	  "Who holds ADDR: the caller and the event that reserved or allocated it,\n"
	  "what held it before, the firmware range and zone it lies in, what it is\n"
	  "(kernel image, boot protocol data, BIOS areas, ACPI tables, ...) and the\n"
	  "events that touched it.",
	  whois_opts, "JSON on stdout", whois_examples },
	{ "import", cmd_import, CMD_INPUT,
	  "turn a memblock=debug console log into a capture file",
	  "[options] LOG -o FILE",
	  "Import a Linux (6.1, 6.12) or test-kernel console log booted with\n"
	  "memblock=debug (\"-\" reads standard input). The first \"MEMBLOCK\n"
	  "configuration:\" block becomes the initial state; later blocks become\n"
	  "checkpoints.",
	  import_opts, "print a JSON summary on stdout", import_examples },
	{ "shell", cmd_shell, CMD_INTERACTIVE,
	  "interactive shell over the same commands",
	  "[INPUT [INPUT2]]",
	  "Interactive shell (readline) over the same command table.",
	  no_opts, NULL, shell_examples },
	{ "help", cmd_help, 0,
	  "list the commands or show one command's help",
	  "[COMMAND]\n--man [COMMAND]\n--completion\n--exit-status",
	  "List the commands, or print COMMAND's help; or generate, from this\n"
	  "command table, the man page of memblock-cli or of one COMMAND, a bash\n"
	  "completion script, or the exit status table.",
	  help_opts, "the command list as JSON", help_examples },
};

/* The exit statuses (cli.h MB_EXIT_*): help, man pages and docs/cli.md. */
const struct cli_exit cli_exits[] = {
	{ MB_EXIT_OK, "success" },
	{ MB_EXIT_FAIL, "runtime error: missing or unreadable file, corrupt or truncated capture, unreachable target, replay failure, a write error on the output" },
	{ MB_EXIT_USAGE, "bad command line: unknown option or command, missing argument, a bad or overflowing number" },
	{ MB_EXIT_DIVERGE, "`replay --verify`/`--expect`: the replay diverged from the captured arrays (the first divergence is named)" },
	{ MB_EXIT_GATE, "`diff`: a `--fail-if-*` gate tripped" },
	{ MB_EXIT_INCOMPLETE, "`replay --verify`: the log dropped events or has memblock lines that did not parse (incomplete), or the capture has neither final arrays nor checkpoints: it cannot be verified" },
};
const size_t cli_nexits = sizeof(cli_exits) / sizeof(cli_exits[0]);

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
		const char *names[16], *near;
		size_t i;

		cli_cmd_name = NULL;
		for (i = 0; i < cli_ncommands && i < 16; i++)
			names[i] = cli_commands[i].name;
		near = cli_did_you_mean(argv[0], names, i);
		if (near)
			return cli_fail(MB_EXIT_USAGE,
					"unknown command '%s' (did you mean '%s'? try 'memblock-cli help')",
					argv[0], near);
		return cli_fail(MB_EXIT_USAGE, "unknown command '%s' (try 'memblock-cli help')",
				argv[0]);
	}
	rc = cli_parse_common(cmd, argc, argv);
	if (rc < 0)
		rc = cmd->handler(argc, argv);
	return cli_finish_stdout(rc);
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
	const struct cli_cmd *cmd;
	struct cli_args a;
	bool man, completion, exits;
	size_t i;

	if (cli_args_parse(argc, argv, -1, NULL, &a))
		return MB_EXIT_USAGE;
	man = a.arg['M'];
	completion = a.arg['C'];
	exits = a.arg['X'];
	if (optind + 1 < argc)
		return cli_fail(MB_EXIT_USAGE, "help: expected at most one COMMAND");
	if (man + completion + exits > 1)
		return cli_fail(MB_EXIT_USAGE, "help: --man, --completion and --exit-status exclude each other");
	if (completion || exits) {
		if (optind < argc)
			return cli_fail(MB_EXIT_USAGE, "help: --%s takes no COMMAND",
					completion ? "completion" : "exit-status");
		if (completion)
			cli_print_completion(stdout);
		else
			cli_print_exit_status(stdout);
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
		cli_print_help(stdout, cmd);
		return 0;
	}
	if (cli_json) {
		struct json *j = cli_json_begin(NULL);

		json_key(j, "commands");
		json_arr_begin(j);
		for (i = 0; i < cli_ncommands; i++) {
			json_obj_begin(j);
			json_str_field(j, "name", cli_commands[i].name);
			json_str_field(j, "summary", cli_commands[i].summary);
			json_obj_end(j);
		}
		json_arr_end(j);
		cli_json_end(j);
		return 0;
	}
	print_commands(stdout);
	return 0;
}

/* Exit status after a last check that stdout was written and closed. */
static int finish(int rc)
{
	int e;

	rc = cli_finish_stdout(rc);
	if (fclose(stdout) != 0) {
		e = errno;
		if (rc == MB_EXIT_OK) {
			fprintf(stderr, "Error: cannot close standard output: %s\n", strerror(e));
			rc = MB_EXIT_FAIL;
		}
	}
	return rc;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		print_commands(stderr);
		return MB_EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		print_commands(stdout);
		return finish(0);
	}
	if (!strcmp(argv[1], "--version")) {
		printf("memblock-cli %s\n", MB_VERSION);
		return finish(0);
	}
	return finish(cli_dispatch(argc - 1, argv + 1));
}
