/* SPDX-License-Identifier: GPL-2.0-only */
/* cli.h - shared declarations of memblock-cli: command table, output, inputs. */
#ifndef MB_CLI_H
#define MB_CLI_H

#include <getopt.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "mbagent/capture.h"
#include "mbagent/error.h"

/* Exit statuses (documented in docs/cli.md). */
#define MB_EXIT_OK		0
#define MB_EXIT_FAIL		1	/* runtime error: file, format, target */
#define MB_EXIT_USAGE		2	/* bad command line */
#define MB_EXIT_DIVERGE		3	/* replay --verify found a divergence */
#define MB_EXIT_GATE		4	/* a diff --fail-if-* gate tripped */
#define MB_EXIT_INCOMPLETE	5	/* the log dropped events: cannot verify */

/* Command flags. */
#define CMD_INPUT		0x1	/* takes capture/log file operands */
#define CMD_LIVE		0x2	/* accepts --attach (live target) */
#define CMD_INTERACTIVE		0x4	/* needs a terminal (the shell) */

/**
 * struct cli_opt - one option of a command (the command table's unit)
 * @name: long name, without "--"
 * @shortname: short option letter, 0 for a long-only option
 * @key: what cli_next_opt() returns for it (the short letter, or another
 *   unique character for a long-only option)
 * @arg: argument placeholder ("FILE"), NULL for a flag
 * @help: description for --help and the man page; '\n' starts a
 *   continuation line
 * @values: the words the argument takes, space separated (completion), or NULL
 */
struct cli_opt {
	const char *name;
	char shortname;
	int key;
	const char *arg;
	const char *help;
	const char *values;
};

/**
 * struct cli_example - one example of a command (man page EXAMPLES)
 * @cmd: the command line after "memblock-cli "
 * @what: what it does, one line
 */
struct cli_example {
	const char *cmd;
	const char *what;
};

/**
 * struct cli_exit - one exit status (help, man pages, docs/cli.md)
 * @code: MB_EXIT_*
 * @meaning: one line (Markdown backquotes allowed)
 */
struct cli_exit {
	int code;
	const char *meaning;
};

extern const struct cli_exit cli_exits[];
extern const size_t cli_nexits;

/**
 * struct cli_cmd - one entry of the command table
 * @name: command word
 * @handler: entry point, argv[0] is the command word; returns an exit status
 *   and never calls exit(), so the shell can dispatch through the same table
 * @flags: CMD_*
 * @summary: one line for the command list
 * @usage: what follows "memblock-cli NAME " in the usage lines, '\n' between
 *   alternative forms
 * @description: the paragraph under the usage lines
 * @opts: the command's own options, ended by a { NULL } entry
 * @json_help: description of -j/--json, NULL if the command has no JSON mode
 * @examples: man page examples, ended by a { NULL } entry
 *
 * -h/--help (and -j/--json when @json_help is set) are added to every
 * command; cli_dispatch() parses them once, before the handler runs.
 */
struct cli_cmd {
	const char *name;
	int (*handler)(int argc, char **argv);
	unsigned int flags;
	const char *summary;
	const char *usage;
	const char *description;
	const struct cli_opt *opts;
	const char *json_help;
	const struct cli_example *examples;
};

extern const struct cli_cmd cli_commands[];
extern const size_t cli_ncommands;
const struct cli_cmd *cli_find(const char *name);
/* Run one command: argv[0] is its name. Resets getopt and the JSON mode. */
int cli_dispatch(int argc, char **argv);

/* Handlers (one file each). */
int cmd_capture(int argc, char **argv);
int cmd_dump(int argc, char **argv);
int cmd_log(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_map(int argc, char **argv);
int cmd_diff(int argc, char **argv);
int cmd_whois(int argc, char **argv);
int cmd_import(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_help(int argc, char **argv);

/* Output mode of the running command: true = stdout carries only JSON. */
extern bool cli_json;
extern const char *cli_cmd_name;

/* Print "Error: ..." on stderr (or {"error": ...} on stdout in JSON mode). */
int cli_fail(int code, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int cli_fail_err(int code, const struct mb_error *err);
/* Print the --help text of the running command on stdout; returns 0. */
int cli_usage(void);
/* Print @cmd's --help text, generated from its table entry. */
void cli_print_help(FILE *f, const struct cli_cmd *cmd);
/*
 * The running command's next option, parsed with the getopt table built
 * from its cli_cmd entry: its key (struct cli_opt), -1 at the end, or '?'
 * after printing the error.  -j/-h were handled by cli_dispatch() and are
 * skipped here.
 */
int cli_next_opt(int argc, char **argv);
/* cli_dispatch()'s pass for -j/-h: -1 to run the command, else an exit status. */
int cli_parse_common(const struct cli_cmd *cmd, int argc, char **argv);
/* The exit status table as Markdown (the one in docs/cli.md). */
void cli_print_exit_status(FILE *f);

/*
 * Common option parsing: getopt_long with the shared --help/-h and
 * --json/-j added by the caller's tables; unknown options and missing
 * arguments become one error line. Returns the option, -1 at the end, or
 * '?' after printing the error (the caller returns MB_EXIT_USAGE).
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts);

/*
 * The one number parser of the CLI: decimal (a leading zero is still
 * decimal) or 0x-hex, optionally one K/M/G suffix (2^10/2^20/2^30), every
 * step checked for 64-bit overflow.  cli_arg_u64()/cli_arg_range() print
 * the house error line ("Error: CMD: OPT 'S' does not fit in 64 bits") and
 * return MB_EXIT_USAGE; cli_parse_u64() is the quiet form.
 */
enum { CLI_NUM_OK, CLI_NUM_BAD, CLI_NUM_OVERFLOW };
int cli_parse_num(const char *s, uint64_t *out);
const char *cli_num_error(const char *s);
bool cli_parse_u64(const char *s, uint64_t *out);
int cli_arg_u64(const char *opt, const char *s, uint64_t *out);
int cli_arg_range(const char *opt, const char *s, uint64_t *a, uint64_t *b);
bool cli_parse_range(const char *s, uint64_t *a, uint64_t *b);
int cli_arg_in(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out);

/*
 * Option words and operands, from the command table: cli_arg_word() takes
 * one of the words an option's table entry lists (its index, or -1 after
 * "Error: CMD: --OPT wants A, B or C, not 'S'"); cli_operands() checks how
 * many operands follow the options.
 */
int cli_arg_word(int key, const char *s);
int cli_operands(int argc, char **argv, int n, const char *what);

#define CLI_MAX_KEY	128

/**
 * struct cli_args - a command line parsed by its command's table entry
 * @arg: by option key: the option's argument ("" for a flag), NULL when
 *   the option was not given
 * @argc: number of operands
 * @argv: the operands
 * @buf: storage for the joined arguments of a repeated list option
 * @used: bytes of @buf in use
 *
 * cli_args_parse() fills it in one pass; cli_args_word() and cli_args_num()
 * read an option's word or number, naming the option from the table in
 * their error line.
 */
struct cli_args {
	const char *arg[CLI_MAX_KEY];
	int argc;
	char **argv;
	char buf[1024];
	size_t used;
};

int cli_args_parse(int argc, char **argv, int n, const char *what, struct cli_args *a);
int cli_args_word(const struct cli_args *a, int key, int dflt);
int cli_args_num(const struct cli_args *a, int key, uint64_t lo, uint64_t hi, uint64_t *out);

/*
 * Terminal safety: every text (not JSON) output of untrusted strings --
 * symbol names, file names, a peer's error text -- goes through these.
 * Control characters, invalid UTF-8 and the backslash become \xHH and \\.
 */
char *cli_escape(const char *s, char *buf, size_t len);
void cli_fputs_esc(FILE *f, const char *s);

/*
 * Check that stdout took everything (fflush + ferror): on "> /dev/full"
 * print one "Error: CMD: cannot write standard output: ..." line and turn
 * a 0 @rc into MB_EXIT_FAIL.  cli_dispatch() calls it after every command.
 */
int cli_finish_stdout(int rc);

/*
 * Inputs: a capture file, a memblock=debug console log (imported on the
 * fly) or a name registered by the shell ("@a"). NULL with @err set.
 */
struct mb_capture *cli_load(const char *path, struct mb_error *err);
/* Shell hook: make @c loadable as @name ("@a"); @c is owned by the caller. */
void cli_register_capture(const char *name, struct mb_capture *c);
/* Free a capture returned by cli_load (no-op for registered ones). */
void cli_release(struct mb_capture *c);
/*
 * The input named on the command line, loaded, with an event-count option
 * (@opt, e.g. "--at"; NULL for none) checked against it: NULL after the one
 * "Error: ..." line, with @rc set to the exit status.
 */
struct mb_capture *cli_open(const char *path, const char *opt, uint64_t n, int *rc);
/* 0, or MB_EXIT_USAGE after the error line for @n beyond the last event (@c released). */
int cli_check_at(struct mb_capture *c, const char *opt, uint64_t n);
/* Live target: capture through the agent from an --attach address. */
struct mb_capture *cli_load_live(const char *attach, const char *elf, const char *transport,
				 struct mb_error *err);

/* -o of capture/import: 0, or MB_EXIT_FAIL (printed) for a device, FIFO, dir. */
int cli_check_output(const char *path);
/* Write a made capture to -o (NULL @c: making it failed, @err says why); frees it on failure. */
int cli_save(struct mb_capture *c, const char *out, struct mb_error *err);

/* The test kernel of this build (next to the executable or in the build dir). */
const char *cli_default_kernel(char *buf, size_t len);

/* cli/help_gen.c: man pages and bash completion from the command table. */
int cli_print_man(FILE *f, const char *name);
void cli_print_completion(FILE *f);

/* Formatting helpers. */
const char *cli_human_size(uint64_t bytes, char *buf, size_t len);
const char *cli_sym(const struct mb_capture *c, const struct mb_event *ev, char *buf,
		    size_t len);
const char *cli_flag_names(uint32_t flags, char *buf, size_t len);

/* cli/json.c: a strict streaming JSON writer on stdout. */
struct json;
struct json *json_new(FILE *f);
void json_free(struct json *j);
void json_obj_begin(struct json *j);
void json_obj_end(struct json *j);
void json_arr_begin(struct json *j);
void json_arr_end(struct json *j);
void json_key(struct json *j, const char *key);
void json_str(struct json *j, const char *s);
void json_int(struct json *j, int64_t v);
void json_uint(struct json *j, uint64_t v);
void json_number(struct json *j, const char *digits);
void json_hex(struct json *j, uint64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
void json_double(struct json *j, double v);
/* A member in one call: json_key() and the value writer of the same name. */
void json_str_field(struct json *j, const char *key, const char *s);
void json_uint_field(struct json *j, const char *key, uint64_t v);
void json_int_field(struct json *j, const char *key, int64_t v);
void json_hex_field(struct json *j, const char *key, uint64_t v);
void json_bool_field(struct json *j, const char *key, bool v);
/* Write a JSON string literal for @s to @f (escaping as RFC 8259). */
void json_write_string(FILE *f, const char *s);

/* State dumping shared by dump, replay and the shell (in the order of -f's words). */
enum dump_format { DUMP_LINUX, DUMP_DEBUGFS, DUMP_TABLE };
void cli_print_state(const struct mb_state *st, enum dump_format fmt);
void cli_json_state(struct json *j, const struct mb_state *st);
/*
 * The JSON schema version every -j document carries ("schema_version"):
 * fields may be added within a version; renaming, removing or retyping one
 * bumps it (docs/cli.md "JSON output").
 */
#define CLI_JSON_SCHEMA_VERSION 1
void cli_json_open(struct json *j);
/* The document on stdout: begun (with "input" unless NULL), ended and freed. */
struct json *cli_json_begin(const char *input);
void cli_json_end(struct json *j);
/* "total_events", "dropped", "complete" of an input. */
void cli_json_log(struct json *j, const struct mb_capture *c);
/* Errors that say what to do: a directory as input, a near command or option. */
bool cli_is_directory(const char *path, struct mb_error *err);
const char *cli_did_you_mean(const char *word, const char *const *names, size_t n);
void cli_json_flags(struct json *j, uint32_t flags);
const char *cli_json_boot_state(uint32_t s);
void cli_json_array(struct json *j, const struct mb_array *a);

/* cli/dump.c helpers: -f of dump and replay; the end state (also for diff). */
int cli_dump_format(const struct cli_args *a, enum dump_format *fmt);
int cli_end_state(const struct mb_capture *c, struct mb_state *out, const char **how,
		  struct mb_error *err);
/* cli/log.c: one event as text args ("[0x..-0x..]", "size=.. -> 0x..") */
void cli_event_args(const struct mb_event *e, char *buf, size_t len);
void cli_json_event(struct json *j, const struct mb_capture *c, size_t idx);

#endif /* MB_CLI_H */
