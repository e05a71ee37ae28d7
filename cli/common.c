// SPDX-License-Identifier: GPL-2.0-only
/* common.c - shared CLI plumbing: errors, options, inputs, state printing. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "mbagent/agent.h"
#include "mbagent/import.h"

bool cli_json;
const char *cli_cmd_name;

/**
 * cli_fail() - report an error the house way and return @code
 * @code: exit status to return
 * @fmt: printf format of the message (no "Error:" prefix, no newline)
 *
 * Text mode: one "Error: ..." line on stderr.  JSON mode: {"error": "..."}
 * on stdout (and nothing else there).
 *
 * Return: @code.
 */
int cli_fail(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fflush(stdout);
	if (cli_json) {
		fprintf(stdout, "{\"schema_version\": %d, \"command\": ", CLI_JSON_SCHEMA_VERSION);
		json_write_string(stdout, cli_cmd_name ? cli_cmd_name : "memblock-cli");
		fputs(", \"error\": ", stdout);
		json_write_string(stdout, msg);
		fprintf(stdout, ", \"exit\": %d}\n", code);
		fflush(stdout);
	} else {
		fputs("Error: ", stderr);
		cli_fputs_esc(stderr, msg);
		fputc('\n', stderr);
	}
	return code;
}

/* Length of the UTF-8 sequence at @s if it is valid and printable, else 0. */
static size_t utf8_printable(const unsigned char *s)
{
	uint32_t cp;
	size_t n, i;

	if (s[0] < 0xc2)
		return 0;
	if (s[0] < 0xe0)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] < 0xf0)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] < 0xf5)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates, beyond U+10FFFF, C1 controls */
	if ((n == 3 && cp < 0x800) || (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff) || (cp >= 0x80 && cp <= 0x9f))
		return 0;
	return n;
}

/**
 * cli_escape() - make untrusted text safe to print on a terminal
 * @s: text (symbol names, file names, a peer's error text)
 * @buf: output
 * @len: size of @buf (at least 1); longer results are cut at a whole escape
 *
 * Control characters (C0, DEL and C1), invalid UTF-8 and the backslash
 * are written as \xHH (the backslash as \\), so the output is one
 * line that a terminal shows as-is and that names every byte.  Valid
 * printable UTF-8 passes unchanged.
 *
 * Return: @buf.
 */
char *cli_escape(const char *s, char *buf, size_t len)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t o = 0, n;

	while (*p) {
		char tmp[8];
		const char *add;
		size_t k;

		if (*p == '\\') {
			add = "\\\\";
			k = 2;
			n = 1;
		} else if (*p >= 0x20 && *p < 0x7f) {
			add = (const char *)p;
			k = n = 1;
		} else if ((n = utf8_printable(p))) {
			add = (const char *)p;
			k = n;
		} else {
			snprintf(tmp, sizeof(tmp), "\\x%02x", *p);
			add = tmp;
			k = 4;
			n = 1;
		}
		if (o + k >= len)
			break;
		memcpy(buf + o, add, k);
		o += k;
		p += n;
	}
	buf[o] = 0;
	return buf;
}

/**
 * cli_fputs_esc() - write untrusted text to @f, escaped as by cli_escape()
 * @f: stream
 * @s: text
 */
void cli_fputs_esc(FILE *f, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	size_t n;

	while (*p) {
		if (*p == '\\') {
			fputs("\\\\", f);
			p++;
		} else if (*p >= 0x20 && *p < 0x7f) {
			fputc(*p++, f);
		} else if ((n = utf8_printable(p))) {
			fwrite(p, 1, n, f);
			p += n;
		} else {
			fprintf(f, "\\x%02x", *p++);
		}
	}
}

/**
 * cli_finish_stdout() - check that everything written to stdout got out
 * @rc: the command's exit status so far
 *
 * Flushes stdout and checks its error flag (e.g. "> /dev/full").  On a write
 * error, prints one "Error: ..." line on stderr (unless the command already
 * failed with one there) and clears the flag, so the shell can go on.
 *
 * Return: @rc, or MB_EXIT_FAIL if stdout failed and @rc was 0.
 */
int cli_finish_stdout(int rc)
{
	int e = 0;

	if (fflush(stdout) != 0)
		e = errno;
	if (!ferror(stdout))
		return rc;
	clearerr(stdout);
	if (rc == MB_EXIT_OK || cli_json)
		fprintf(stderr, "Error: %s: cannot write standard output: %s\n",
			cli_cmd_name ? cli_cmd_name : "memblock-cli",
			strerror(e ? e : EIO));
	return rc == MB_EXIT_OK ? MB_EXIT_FAIL : rc;
}

/**
 * cli_fail_err() - report an agent error object
 * @code: exit status to return
 * @err: filled error
 *
 * Return: @code.
 */
int cli_fail_err(int code, const struct mb_error *err)
{
	return cli_fail(code, "%s", err->msg[0] ? err->msg : mb_errcode_name(err->code));
}

/**
 * cli_usage() - print the running command's --help text
 *
 * Return: 0.
 */
int cli_usage(void)
{
	const struct cli_cmd *cmd = cli_cmd_name ? cli_find(cli_cmd_name) : NULL;

	if (cmd)
		cli_print_help(stdout, cmd);
	return 0;
}

/**
 * cli_is_directory() - refuse a directory given where a file is read
 * @path: the input
 * @err: set to "PATH: is a directory (...)" when it is one
 *
 * Return: true if @path is a directory.
 */
bool cli_is_directory(const char *path, struct mb_error *err)
{
	struct stat st;

	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return false;
	mb_error_set(err, MB_ERR_INVAL, EISDIR, 0,
		     "%s: is a directory (give a capture file or a memblock=debug console log)",
		     path);
	return true;
}

/* Edit distance (insert, delete, substitute, swap two neighbours) of short words. */
static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d[33][33];

	if (la > 32 || lb > 32)
		return 99;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			size_t best = d[i - 1][j - 1] + (a[i - 1] != b[j - 1]);

			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/**
 * cli_did_you_mean() - the nearest of @names to a mistyped @word
 * @word: what the user typed
 * @names: candidates
 * @n: number of candidates
 *
 * Near means at most two edits, and fewer than half of @word's letters;
 * a word that starts one name alone also counts ("rep" -> "replay").
 *
 * Return: the one nearest name, or NULL if none is near or two tie.
 */
const char *cli_did_you_mean(const char *word, const char *const *names, size_t n)
{
	const char *best = NULL;
	size_t i, bd = 99, ties = 0, prefixed = 0, wl = strlen(word);
	const char *pre = NULL;

	for (i = 0; i < n; i++) {
		size_t dd = edit_distance(word, names[i]);

		if (wl >= 2 && !strncmp(names[i], word, wl)) {
			prefixed++;
			pre = names[i];
		}
		if (dd < bd) {
			bd = dd;
			best = names[i];
			ties = 0;
		} else if (dd == bd) {
			ties++;
		}
	}
	if (bd && bd <= 2 && bd * 2 < wl && !ties)
		return best;
	return prefixed == 1 ? pre : NULL;
}

/* "; did you mean '--json'?" for a mistyped long option of @cmd, or "". */
static const char *option_hint(const struct cli_cmd *cmd, const char *arg, char *buf,
			       size_t len)
{
	const char *names[64], *near;
	char word[64];
	size_t n = 0, i;

	buf[0] = '\0';
	if (!cmd || strncmp(arg, "--", 2))
		return buf;
	snprintf(word, sizeof(word), "%.*s", (int)strcspn(arg + 2, "="), arg + 2);
	for (i = 0; cmd->opts[i].name && n < 62; i++)
		names[n++] = cmd->opts[i].name;
	if (cmd->json_help)
		names[n++] = "json";
	names[n++] = "help";
	near = cli_did_you_mean(word, names, n);
	if (near)
		snprintf(buf, len, "did you mean '--%s'? ", near);
	return buf;
}

/* getopt tables built from a command's table entry (cached per command). */
struct opt_spec {
	const struct cli_cmd *cmd;
	char shortopts[96];
	struct option longopts[48];
};

static const struct opt_spec *opt_spec(const struct cli_cmd *cmd)
{
	static struct opt_spec cache[16];
	struct opt_spec *sp = NULL;
	size_t i, n = 0, k = 0;

	for (i = 0; i < sizeof(cache) / sizeof(cache[0]); i++) {
		if (cache[i].cmd == cmd)
			return &cache[i];
		if (!cache[i].cmd && !sp)
			sp = &cache[i];
	}
	if (!sp)
		sp = &cache[0];
	memset(sp, 0, sizeof(*sp));
	for (i = 0; cmd->opts[i].name && n < sizeof(sp->longopts) / sizeof(sp->longopts[0]) - 3;
	     i++) {
		const struct cli_opt *o = &cmd->opts[i];

		sp->longopts[n].name = o->name;
		sp->longopts[n].has_arg = o->arg ? required_argument : no_argument;
		sp->longopts[n].val = o->key;
		n++;
		if (o->shortname && k + 3 < sizeof(sp->shortopts)) {
			sp->shortopts[k++] = o->shortname;
			if (o->arg)
				sp->shortopts[k++] = ':';
		}
	}
	if (cmd->json_help) {
		sp->longopts[n++] = (struct option){ "json", no_argument, NULL, 'j' };
		sp->shortopts[k++] = 'j';
	}
	sp->longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	sp->shortopts[k++] = 'h';
	sp->cmd = cmd;
	return sp;
}

/**
 * cli_parse_common() - the one pass over a command line for -j and -h
 * @cmd: command
 * @argc: argument count
 * @argv: arguments (argv[0] = command word)
 *
 * Parses the whole line with the getopt table built from @cmd's entry, so
 * option arguments are told from options: -j/--json sets JSON mode,
 * -h/--help prints the help; an unknown option or a missing argument is
 * reported here, once, for every command.  Leaves getopt reset for the
 * handler.
 *
 * Return: -1 to run the command, or the exit status to return without it.
 */
int cli_parse_common(const struct cli_cmd *cmd, int argc, char **argv)
{
	const struct opt_spec *sp = opt_spec(cmd);
	bool help = false;
	int c;

	optind = 0;
	while ((c = cli_getopt(argc, argv, sp->shortopts, sp->longopts)) != -1) {
		if (c == '?') {
			optind = 0;
			return MB_EXIT_USAGE;
		}
		if (c == 'j' && cmd->json_help)
			cli_json = true;
		else if (c == 'h')
			help = true;
	}
	optind = 0;
	if (help) {
		cli_json = false;
		return cli_usage();
	}
	return -1;
}

/**
 * cli_next_opt() - the running command's next option, from its table entry
 * @argc: argument count
 * @argv: arguments
 *
 * Return: the option's key, -1 at the end, or '?' after an error line.
 */
int cli_next_opt(int argc, char **argv)
{
	const struct cli_cmd *cmd = cli_cmd_name ? cli_find(cli_cmd_name) : NULL;
	const struct opt_spec *sp;
	int c;

	if (!cmd)
		return -1;
	sp = opt_spec(cmd);
	do
		c = cli_getopt(argc, argv, sp->shortopts, sp->longopts);
	while (c == 'j' || c == 'h');
	return c;
}

/**
 * cli_getopt() - getopt_long with the CLI's error reporting
 * @argc: argument count
 * @argv: arguments (argv[0] = command word)
 * @shortopts: short options (a leading ':' is added)
 * @longopts: long options
 *
 * Return: the option character, -1 at the end, or '?' after printing
 * "Error: ..." for an unknown option or a missing argument.
 */
int cli_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts)
{
	char so[128];
	int c, i;

	snprintf(so, sizeof(so), ":%s", shortopts);
	opterr = 0;
	c = getopt_long(argc, argv, so, longopts, NULL);
	if (c == '?' || c == ':') {
		const char *arg = argv[optind - 1 < argc ? optind - 1 : argc - 1];

		/* JSON mode may be requested later on the line: look ahead. */
		for (i = 1; i < argc; i++)
			if (!strcmp(argv[i], "-j") || !strcmp(argv[i], "--json"))
				cli_json = true;
		if (c == ':')
			cli_fail(MB_EXIT_USAGE, "%s: option '%s' needs an argument", argv[0], arg);
		else if (optopt && optopt != '?')
			cli_fail(MB_EXIT_USAGE, "%s: unknown option '-%c' (see '%s --help')",
				 argv[0], optopt, argv[0]);
		else {
			char hint[96];

			cli_fail(MB_EXIT_USAGE, "%s: unknown option '%s' (%ssee '%s --help')",
				 argv[0], arg, option_hint(cli_find(argv[0]), arg, hint,
							   sizeof(hint)), argv[0]);
		}
		return '?';
	}
	return c;
}

/**
 * cli_parse_num() - the CLI's one number parser
 * @s: text: decimal digits (a leading zero is still decimal) or 0x-hex,
 *   optionally followed by one K, M or G (binary: 2^10, 2^20, 2^30)
 * @out: value, set only on success
 *
 * No sign, no blanks, no octal.  Every step is checked for 64-bit overflow,
 * the suffix included.
 *
 * Return: CLI_NUM_OK, CLI_NUM_BAD (not a number) or CLI_NUM_OVERFLOW.
 */
int cli_parse_num(const char *s, uint64_t *out)
{
	unsigned int base = 10, shift = 0, d;
	const char *p = s;
	uint64_t v = 0;

	if (!s || !*s)
		return CLI_NUM_BAD;
	if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
	}
	if (!isxdigit((unsigned char)*p))
		return CLI_NUM_BAD;
	for (; *p; p++) {
		if (*p >= '0' && *p <= '9')
			d = (unsigned int)(*p - '0');
		else if (base == 16 && *p >= 'a' && *p <= 'f')
			d = (unsigned int)(*p - 'a' + 10);
		else if (base == 16 && *p >= 'A' && *p <= 'F')
			d = (unsigned int)(*p - 'A' + 10);
		else
			break;
		if (v > (UINT64_MAX - d) / base)
			return CLI_NUM_OVERFLOW;
		v = v * base + d;
	}
	switch (*p) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	}
	if (shift)
		p++;
	if (*p)
		return CLI_NUM_BAD;
	if (v > UINT64_MAX >> shift)
		return CLI_NUM_OVERFLOW;
	*out = v << shift;
	return CLI_NUM_OK;
}

/**
 * cli_parse_u64() - parse a number the CLI way (see cli_parse_num())
 * @s: text
 * @out: value
 *
 * Return: true on success.
 */
bool cli_parse_u64(const char *s, uint64_t *out)
{
	return cli_parse_num(s, out) == CLI_NUM_OK;
}

/**
 * cli_num_error() - why a number was refused, for the error line
 * @s: the text cli_parse_num() refused
 *
 * Return: a static phrase.
 */
const char *cli_num_error(const char *s)
{
	uint64_t v;

	if (cli_parse_num(s, &v) == CLI_NUM_OVERFLOW)
		return "does not fit in 64 bits";
	return "is not a number (decimal or 0x-hex, optionally K, M or G)";
}

/**
 * cli_arg_u64() - parse an option's number or report it the house way
 * @opt: option name for the message ("--at")
 * @s: text
 * @out: value
 *
 * Return: 0, or MB_EXIT_USAGE after one "Error: CMD: OPT 'S' ..." line.
 */
int cli_arg_u64(const char *opt, const char *s, uint64_t *out)
{
	if (cli_parse_num(s, out) == CLI_NUM_OK)
		return 0;
	return cli_fail(MB_EXIT_USAGE, "%s: %s '%s' %s", cli_cmd_name ? cli_cmd_name : "memblock-cli",
			opt, s, cli_num_error(s));
}

/**
 * cli_arg_range() - parse an option's "A-B" or report it the house way
 * @opt: option name for the message ("--seq")
 * @s: text
 * @a: first value
 * @b: second value (A <= B)
 *
 * Return: 0, or MB_EXIT_USAGE after one "Error: ..." line.
 */
int cli_arg_range(const char *opt, const char *s, uint64_t *a, uint64_t *b)
{
	const char *cmd = cli_cmd_name ? cli_cmd_name : "memblock-cli";
	const char *dash = s && *s ? strchr(s + 1, '-') : NULL;
	char left[128];

	if (!dash || (size_t)(dash - s) >= sizeof(left))
		return cli_fail(MB_EXIT_USAGE, "%s: %s needs A-B, not '%s'", cmd, opt, s);
	memcpy(left, s, (size_t)(dash - s));
	left[dash - s] = 0;
	if (cli_parse_num(left, a) != CLI_NUM_OK)
		return cli_fail(MB_EXIT_USAGE, "%s: %s '%s': '%s' %s", cmd, opt, s, left,
				cli_num_error(left));
	if (cli_parse_num(dash + 1, b) != CLI_NUM_OK)
		return cli_fail(MB_EXIT_USAGE, "%s: %s '%s': '%s' %s", cmd, opt, s, dash + 1,
				cli_num_error(dash + 1));
	if (*a > *b)
		return cli_fail(MB_EXIT_USAGE, "%s: %s '%s': the first number is above the second",
				cmd, opt, s);
	return 0;
}

/**
 * cli_parse_range() - parse "A-B"
 * @s: text
 * @a: first value
 * @b: second value
 *
 * Return: true on success (and A <= B).
 */
bool cli_parse_range(const char *s, uint64_t *a, uint64_t *b)
{
	char buf[128], *dash;

	if (!s || strlen(s) >= sizeof(buf))
		return false;
	strcpy(buf, s);
	dash = strchr(buf + 1, '-');
	if (!dash)
		return false;
	*dash = 0;
	return cli_parse_u64(buf, a) && cli_parse_u64(dash + 1, b) && *a <= *b;
}

/**
 * cli_arg_in() - parse an option's number and check it lies in [@lo, @hi]
 * @opt: option name for the message ("--smp")
 * @s: text
 * @lo: smallest value taken
 * @hi: largest value taken (UINT64_MAX: no upper bound)
 * @out: value
 *
 * Return: 0, or MB_EXIT_USAGE after one "Error: CMD: OPT 'S' ..." line.
 */
int cli_arg_in(const char *opt, const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
	const char *cmd = cli_cmd_name ? cli_cmd_name : "memblock-cli";

	if (cli_arg_u64(opt, s, out))
		return MB_EXIT_USAGE;
	if (*out >= lo && *out <= hi)
		return 0;
	if (hi == UINT64_MAX)
		return cli_fail(MB_EXIT_USAGE, "%s: %s '%s' is below %" PRIu64, cmd, opt, s, lo);
	return cli_fail(MB_EXIT_USAGE, "%s: %s '%s' is not in %" PRIu64 "..%" PRIu64, cmd, opt,
			s, lo, hi);
}

/* The running command's option whose key is @key, or NULL. */
static const struct cli_opt *find_opt(int key)
{
	const struct cli_cmd *cmd = cli_cmd_name ? cli_find(cli_cmd_name) : NULL;
	const struct cli_opt *o;

	for (o = cmd ? cmd->opts : NULL; o && o->name; o++)
		if (o->key == key)
			return o;
	return NULL;
}

/**
 * cli_arg_word() - an option's argument as one of the words of its table entry
 * @key: the option's key (struct cli_opt)
 * @s: the argument
 *
 * The words are the option's @values in the running command's table entry:
 * the list that --help shows and completion offers is the list taken.
 *
 * Return: the index of @s in that list, or -1 after one
 * "Error: CMD: --OPT wants A, B or C, not 'S'" line (exit MB_EXIT_USAGE).
 */
int cli_arg_word(int key, const char *s)
{
	const struct cli_opt *o = find_opt(key);
	char list[256];
	size_t used = 0, len, n;
	const char *w;
	int i;

	if (!o || !o->values) {
		cli_fail(MB_EXIT_USAGE, "%s: option key '%c' lists no words", cli_cmd_name, key);
		return -1;
	}
	for (w = o->values, i = 0; *w; w += len + (w[len] == ' '), i++) {
		len = strcspn(w, " ");
		if (strlen(s) == len && !strncmp(s, w, len))
			return i;
	}
	/* "a, b or c" from "a b c" */
	list[0] = '\0';
	for (w = o->values; *w && used < sizeof(list); w += len + (w[len] == ' ')) {
		len = strcspn(w, " ");
		n = (size_t)snprintf(list + used, sizeof(list) - used, "%s%.*s",
				     !used ? "" : w[len] ? ", " : " or ", (int)len, w);
		used += n;
	}
	cli_fail(MB_EXIT_USAGE, "%s: --%s wants %s, not '%s'",
		 cli_cmd_name ? cli_cmd_name : "memblock-cli", o->name, list, s);
	return -1;
}

/**
 * cli_args_parse() - parse the running command's whole line by its table entry
 * @argc: argument count
 * @argv: arguments (argv[0] = command word)
 * @n: operands wanted after the options (cli_operands()); -1: not checked
 * @what: what they are, for the message; NULL when @n is 0
 * @a: filled: each given option's argument by key ("" for a flag); an
 *   option given twice counts once, with its last argument, except a list
 *   option (placeholder "X[,X...]"), whose arguments join with ','
 *
 * Return: 0, or MB_EXIT_USAGE after one "Error: ..." line (an unknown
 * option, a missing argument, the wrong number of operands).
 */
int cli_args_parse(int argc, char **argv, int n, const char *what, struct cli_args *a)
{
	const struct cli_opt *o;
	int key;

	memset(a, 0, sizeof(*a));
	while ((key = cli_next_opt(argc, argv)) != -1) {
		o = find_opt(key);
		if (!o || key < 0 || key >= CLI_MAX_KEY)
			return MB_EXIT_USAGE;
		if (o->arg && a->arg[key] && strstr(o->arg, "[,")) {
			int len = snprintf(a->buf + a->used, sizeof(a->buf) - a->used, "%s,%s",
					   a->arg[key], optarg);

			if (len < 0 || (size_t)len >= sizeof(a->buf) - a->used)
				return cli_fail(MB_EXIT_USAGE, "%s: --%s: too many words", argv[0],
						o->name);
			a->arg[key] = a->buf + a->used;
			a->used += (size_t)len + 1;
		} else {
			a->arg[key] = o->arg ? optarg : "";
		}
	}
	if (n >= 0 && cli_operands(argc, argv, n, what))
		return MB_EXIT_USAGE;
	a->argc = argc - optind;
	a->argv = argv + optind;
	return 0;
}

/**
 * cli_args_word() - a parsed option's word (cli_arg_word()), or @dflt
 * @a: parsed line
 * @key: option key
 * @dflt: the value when the option was not given
 *
 * Return: the word's index, @dflt, or -1 after one "Error: ..." line.
 */
int cli_args_word(const struct cli_args *a, int key, int dflt)
{
	return a->arg[key] ? cli_arg_word(key, a->arg[key]) : dflt;
}

/**
 * cli_args_num() - a parsed option's number, checked to lie in [@lo, @hi]
 * @a: parsed line
 * @key: option key
 * @lo: smallest value taken
 * @hi: largest value taken (UINT64_MAX: no upper bound)
 * @out: the value; left as it is when the option was not given
 *
 * Return: 0, or MB_EXIT_USAGE after one "Error: CMD: --OPT 'S' ..." line.
 */
int cli_args_num(const struct cli_args *a, int key, uint64_t lo, uint64_t hi, uint64_t *out)
{
	const struct cli_opt *o = find_opt(key);
	char name[48];

	if (!a->arg[key])
		return 0;
	snprintf(name, sizeof(name), "--%s", o ? o->name : "?");
	return cli_arg_in(name, a->arg[key], lo, hi, out);
}

/**
 * cli_operands() - check how many operands follow the options
 * @argc: argument count
 * @argv: arguments, getopt done (optind at the first operand)
 * @n: operands wanted
 * @what: what they are, for the message ("one INPUT file"); NULL when @n is
 *   0 (the first extra operand is named instead)
 *
 * Return: 0, or MB_EXIT_USAGE after one
 * "Error: CMD: expected WHAT (see 'CMD --help')" line.
 */
int cli_operands(int argc, char **argv, int n, const char *what)
{
	if (argc - optind == n)
		return 0;
	if (!what)
		return cli_fail(MB_EXIT_USAGE, "%s: unexpected argument '%s' (see '%s --help')",
				argv[0], argv[optind], argv[0]);
	return cli_fail(MB_EXIT_USAGE, "%s: expected %s (see '%s --help')", argv[0], what,
			argv[0]);
}

/**
 * cli_check_output() - refuse an output path that is not a regular file
 * @path: -o argument
 *
 * Capture files are written to a temporary file and renamed over @path:
 * right for a regular file, wrong for a device node or a FIFO, which the
 * rename would replace with a regular file (as root, -o /dev/full would
 * destroy the device).  Such targets, and directories, are refused; a path
 * that does not exist yet is fine.  Checked before the work starts and
 * again just before the write.
 *
 * Return: 0, or MB_EXIT_FAIL after one "Error: ..." line.
 */
int cli_check_output(const char *path)
{
	struct stat st;

	if (stat(path, &st)) {
		if (errno == ENOENT)
			return 0;
		return cli_fail(MB_EXIT_FAIL, "%s: %s", path, strerror(errno));
	}
	if (S_ISREG(st.st_mode))
		return 0;
	return cli_fail(MB_EXIT_FAIL,
			"%s: is a %s, not a regular file: refusing to replace it with a capture",
			path, S_ISDIR(st.st_mode) ? "directory" : S_ISFIFO(st.st_mode) ? "FIFO" :
			S_ISCHR(st.st_mode) ? "character device" : S_ISBLK(st.st_mode) ?
			"block device" : S_ISSOCK(st.st_mode) ? "socket" : "special file");
}

/**
 * cli_save() - write the capture a command made (capture, import) to its -o file
 * @c: the capture, or NULL when making it failed (@err says why)
 * @out: the -o path, checked again (cli_check_output()) just before the write
 * @err: the error of the step that made @c, and then of the write
 *
 * Return: 0, or MB_EXIT_FAIL after one "Error: ..." line, @c then freed.
 */
int cli_save(struct mb_capture *c, const char *out, struct mb_error *err)
{
	int rc = MB_EXIT_FAIL;

	if (!c)
		return cli_fail_err(MB_EXIT_FAIL, err);
	if (cli_check_output(out))
		goto fail;
	if (mb_capture_write(c, out, err)) {
		rc = cli_fail_err(MB_EXIT_FAIL, err);
		goto fail;
	}
	return 0;
fail:
	mb_capture_free(c);
	return rc;
}

/* ---- inputs ---- */

struct named {
	char name[64];
	struct mb_capture *c;
};

static struct named registry[8];

/**
 * cli_register_capture() - make a capture loadable by name (shell)
 * @name: e.g. "@a"; NULL @c removes the name
 * @c: capture, owned by the caller
 */
void cli_register_capture(const char *name, struct mb_capture *c)
{
	size_t i;

	for (i = 0; i < sizeof(registry) / sizeof(registry[0]); i++) {
		if (registry[i].c && !strcmp(registry[i].name, name)) {
			registry[i].c = c;
			return;
		}
	}
	for (i = 0; c && i < sizeof(registry) / sizeof(registry[0]); i++) {
		if (!registry[i].c) {
			snprintf(registry[i].name, sizeof(registry[i].name), "%s", name);
			registry[i].c = c;
			return;
		}
	}
}

/**
 * cli_release() - free a capture from cli_load()
 * @c: capture (registered ones are left alone)
 */
void cli_release(struct mb_capture *c)
{
	size_t i;

	for (i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
		if (registry[i].c == c)
			return;
	mb_capture_free(c);
}

/**
 * cli_load() - load a capture file or import a console log
 * @path: file name, or a name registered with cli_register_capture()
 * @err: filled on failure
 *
 * Return: a capture (release with cli_release()) or NULL with @err set.
 */
struct mb_capture *cli_load(const char *path, struct mb_error *err)
{
	static const char magic[8] = "MBCAPTUR";
	unsigned char head[8];
	size_t i, n;
	FILE *f;

	if (path[0] == '@') {
		for (i = 0; i < sizeof(registry) / sizeof(registry[0]); i++)
			if (registry[i].c && !strcmp(registry[i].name, path))
				return registry[i].c;
		mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "%s: no such loaded capture", path);
		return NULL;
	}
	if (cli_is_directory(path, err))
		return NULL;
	f = fopen(path, "rb");
	if (!f) {
		mb_error_set(err, errno == ENOENT ? MB_ERR_NOTFOUND : MB_ERR_IO, errno, 0,
			     "%s: %s", path, strerror(errno));
		return NULL;
	}
	n = fread(head, 1, sizeof(head), f);
	fclose(f);
	if (n == sizeof(head) && !memcmp(head, magic, 8))
		return mb_capture_read(path, err);
	if (n > 0 && n < sizeof(head) && !memcmp(head, magic, n)) {
		mb_error_set(err, MB_ERR_CORRUPT, 0, 0, "%s: truncated capture file", path);
		return NULL;
	}
	if (mb_import_sniff(path) == 1)
		return mb_import_file(path, NULL, err);
	mb_error_set(err, MB_ERR_FORMAT, 0, 0,
		     "%s: not a capture file or a memblock=debug console log", path);
	return NULL;
}

/**
 * cli_check_at() - refuse an event count beyond the last event of @c
 * @c: the loaded input; released when the count is refused
 * @opt: option name for the message ("--at"), NULL when none was given
 * @n: the count
 *
 * Return: 0, or MB_EXIT_USAGE after one
 * "Error: CMD: OPT N is beyond the last event (M)" line.
 */
int cli_check_at(struct mb_capture *c, const char *opt, uint64_t n)
{
	size_t last = c->nevents;

	if (!opt || n <= last)
		return 0;
	cli_release(c);
	return cli_fail(MB_EXIT_USAGE, "%s: %s %" PRIu64 " is beyond the last event (%zu)",
			cli_cmd_name ? cli_cmd_name : "memblock-cli", opt, n, last);
}

/**
 * cli_open() - load the input named on the command line, or say why not
 * @path: capture file, console log or a name the shell registered ("@a")
 * @opt: an event-count option given with it ("--at"), or NULL
 * @n: that option's count, checked against the input's events
 * @rc: set to the exit status when the input is refused
 *
 * Return: the capture (release with cli_release()), or NULL after one
 * "Error: ..." line with @rc set (MB_EXIT_FAIL, or MB_EXIT_USAGE for a count
 * beyond the last event).
 */
struct mb_capture *cli_open(const char *path, const char *opt, uint64_t n, int *rc)
{
	struct mb_error err = { 0 };
	struct mb_capture *c = cli_load(path, &err);

	if (!c) {
		*rc = cli_fail_err(MB_EXIT_FAIL, &err);
		return NULL;
	}
	*rc = cli_check_at(c, opt, n);
	return *rc ? NULL : c;
}

/* The kernel this build made: next to the executable first, then the build dir. */
/**
 * cli_default_kernel() - path of the test kernel this build made
 * @buf: output
 * @len: size of @buf
 *
 * Return: @buf, or NULL when no kernel is found.
 */
const char *cli_default_kernel(char *buf, size_t len)
{
	static const char *const rel[] = { "/../kernel/kernel.elf",
					   "/../share/memblock-cli/kernel.elf" };
	char exe[PATH_MAX / 2];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	size_t i;

	if (n > 0) {
		char *slash;

		exe[n] = 0;
		slash = strrchr(exe, '/');
		if (slash)
			*slash = 0;
		for (i = 0; i < sizeof(rel) / sizeof(rel[0]); i++) {
			if ((size_t)snprintf(buf, len, "%s%s", exe, rel[i]) < len &&
			    !access(buf, R_OK))
				return buf;
		}
	}
	snprintf(buf, len, "%s/kernel/kernel.elf", MB_BINARY_DIR);
	if (!access(buf, R_OK))
		return buf;
	return NULL;
}

/**
 * cli_load_live() - capture from a running QEMU through the agent
 * @attach: address as for `capture --attach`
 * @elf: ELF of the running kernel, may be NULL
 * @transport: transport name, may be NULL
 * @err: filled on failure
 *
 * Return: a capture or NULL with @err set.
 */
struct mb_capture *cli_load_live(const char *attach, const char *elf, const char *transport,
				 struct mb_error *err)
{
	struct mb_capture_opts o;
	char kbuf[PATH_MAX];

	memset(&o, 0, sizeof(o));
	o.attach = attach;
	/* Without --elf, assume the target runs this build's test kernel. */
	o.elf = elf ? elf : cli_default_kernel(kbuf, sizeof(kbuf));
	o.transport = transport;
	o.timeout_s = 30;
	return mb_agent_capture(&o, err);
}

/* ---- formatting ---- */

/**
 * cli_human_size() - the CLI's one human-readable size: "4 KiB", "1.5 MiB"
 * @bytes: size
 * @buf: output
 * @len: size of @buf
 *
 * Binary units.  Whole multiples print without a fraction ("1 MiB"); other
 * values with one decimal, rounded, and a value that would round to 1024.0
 * moves to the next unit ("1.0 MiB" for 1 MiB - 1 byte, never "1024.0 KiB").
 *
 * Return: @buf.
 */
const char *cli_human_size(uint64_t bytes, char *buf, size_t len)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	double v = (double)bytes;
	int u = 0;

	while (v >= 1024.0 && u < 6) {
		v /= 1024.0;
		u++;
	}
	if (u > 0 && u < 6 && v >= 1023.95) {	/* "%.1f" would give 1024.0 */
		v /= 1024.0;
		u++;
	}
	if (!u)
		snprintf(buf, len, "%" PRIu64 " B", bytes);
	else if (!(bytes & ((1ULL << (10 * u)) - 1)))
		snprintf(buf, len, "%" PRIu64 " %s", bytes >> (10 * u), units[u]);
	else
		snprintf(buf, len, "%.1f %s", v, units[u]);
	return buf;
}

/**
 * cli_sym() - "func+0xoff" for an event's caller
 * @c: capture
 * @ev: event
 * @buf: output
 * @len: size of @buf
 *
 * Return: @buf.
 */
const char *cli_sym(const struct mb_capture *c, const struct mb_event *ev, char *buf,
		    size_t len)
{
	const char *s = mb_event_sym(c, ev);

	if (s && ev->caller_off)
		snprintf(buf, len, "%s+0x%x", s, ev->caller_off);
	else if (s)
		snprintf(buf, len, "%s", s);
	else if (ev->rec.caller)
		snprintf(buf, len, "0x%" PRIx64, ev->rec.caller);
	else
		snprintf(buf, len, "?");
	return buf;
}

/**
 * cli_flag_names() - debugfs-style flag names ("NONE", "HOTPLUG|NOMAP")
 * @flags: enum memblock_flags bits
 * @buf: output
 * @len: size of @buf
 *
 * Return: @buf.
 */
const char *cli_flag_names(uint32_t flags, char *buf, size_t len)
{
	static const char *const names[] = { "HOTPLUG", "MIRROR", "NOMAP", "DRV_MNG",
					     "RSV_NIT" };
	size_t used = 0;
	int bit;

	buf[0] = 0;
	if (!flags) {
		snprintf(buf, len, "NONE");
		return buf;
	}
	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		used += (size_t)snprintf(buf + used, used < len ? len - used : 0, "%s%s",
					 used ? "|" : "", bit < 5 ? names[bit] : "UNKNOWN");
		if (used >= len)
			break;
	}
	return buf;
}

static bool nid_valid(int32_t nid)
{
	return nid >= 0 && nid < 1024;
}

static void print_linux_array(const char *name, const struct mb_array *a)
{
	uint64_t i;

	printf(" %s.cnt  = 0x%" PRIx64 "\n", name, a->cnt);
	for (i = 0; i < a->cnt; i++) {
		const struct mb_region_rec *r = &a->regions[i];
		char node[32] = "";

		if (nid_valid(r->nid))
			snprintf(node, sizeof(node), " on node %d", r->nid);
		printf(" %s[0x%" PRIx64 "]\t[0x%016" PRIx64 "-0x%016" PRIx64 "], 0x%016" PRIx64
		       " bytes%s flags: 0x%x\n", name, i, r->base, r->base + r->size - 1, r->size,
		       node, r->flags);
	}
}

static void print_debugfs_array(const char *name, const struct mb_array *a)
{
	char fl[128];
	uint64_t i;

	printf("%s:\n", name);
	for (i = 0; i < a->cnt; i++) {
		const struct mb_region_rec *r = &a->regions[i];

		printf("%4d: 0x%016" PRIx64 "..0x%016" PRIx64 " ", (int)i, r->base,
		       r->base + r->size - 1);
		if (nid_valid(r->nid))
			printf("%4d ", r->nid);
		else
			printf("%4c ", 'x');
		printf("%s\n", cli_flag_names(r->flags, fl, sizeof(fl)));
	}
}

static void print_table_array(const char *name, const struct mb_array *a)
{
	char hs[32], fl[128], node[16];
	uint64_t i;

	for (i = 0; i < a->cnt; i++) {
		const struct mb_region_rec *r = &a->regions[i];

		cli_human_size(r->size, hs, sizeof(hs));
		if (nid_valid(r->nid))
			snprintf(node, sizeof(node), "%d", r->nid);
		else
			snprintf(node, sizeof(node), "-");
		printf("%-8s %5" PRIu64 "  0x%016" PRIx64 "  0x%016" PRIx64 "  %10s  %4s  %s\n",
		       name, i, r->base, r->base + r->size, hs, node,
		       cli_flag_names(r->flags, fl, sizeof(fl)));
	}
}

/**
 * cli_print_state() - print a state in one of the text formats
 * @st: state
 * @fmt: DUMP_LINUX (memblock_dump_all), DUMP_DEBUGFS (6.12) or DUMP_TABLE
 */
void cli_print_state(const struct mb_state *st, enum dump_format fmt)
{
	char a[32], b[32];

	switch (fmt) {
	case DUMP_LINUX:
		printf("MEMBLOCK configuration:\n");
		printf(" memory size = 0x%016" PRIx64 " reserved size = 0x%016" PRIx64 "\n",
		       st->memory.total_size, st->reserved.total_size);
		print_linux_array("memory", &st->memory);
		print_linux_array("reserved", &st->reserved);
		break;
	case DUMP_DEBUGFS:
		print_debugfs_array("memory", &st->memory);
		print_debugfs_array("reserved", &st->reserved);
		break;
	case DUMP_TABLE:
		printf("%-8s %5s  %-18s  %-18s  %10s  %4s  %s\n", "array", "index", "base",
		       "end", "size", "node", "flags");
		print_table_array("memory", &st->memory);
		print_table_array("reserved", &st->reserved);
		cli_human_size(st->memory.total_size, a, sizeof(a));
		cli_human_size(st->reserved.total_size, b, sizeof(b));
		printf("memory %s in %" PRIu64 " regions, reserved %s in %" PRIu64
		       " regions, current_limit 0x%" PRIx64 ", %s\n", a, st->memory.cnt, b,
		       st->reserved.cnt, st->current_limit,
		       st->bottom_up ? "bottom-up" : "top-down");
		break;
	}
}

/**
 * cli_json_open() - open a -j document: the object and its envelope
 * @j: writer
 *
 * Every command's JSON document is an object that starts with
 * "schema_version" (CLI_JSON_SCHEMA_VERSION) and "command" (the running
 * command's name); docs/schema/COMMAND.schema.json describes the rest.
 */
void cli_json_open(struct json *j)
{
	json_obj_begin(j);
	json_uint_field(j, "schema_version", CLI_JSON_SCHEMA_VERSION);
	json_str_field(j, "command", cli_cmd_name ? cli_cmd_name : "memblock-cli");
}

/**
 * cli_json_begin() - start the -j document on stdout
 * @input: the "input" member that follows the envelope, or NULL for none
 *
 * Return: the writer, its object open (cli_json_open()); end the document
 * with cli_json_end().
 */
struct json *cli_json_begin(const char *input)
{
	struct json *j = json_new(stdout);

	cli_json_open(j);
	if (input)
		json_str_field(j, "input", input);
	return j;
}

/**
 * cli_json_end() - close the document cli_json_begin() started and free @j
 * @j: writer
 */
void cli_json_end(struct json *j)
{
	json_obj_end(j);
	json_free(j);
}

/**
 * cli_json_log() - how complete an input's log is: "total_events",
 * "dropped" (calls the log could not hold) and "complete"
 * @j: writer, in an object
 * @c: the input
 */
void cli_json_log(struct json *j, const struct mb_capture *c)
{
	json_uint_field(j, "total_events", c->nevents);
	json_uint_field(j, "dropped", c->log_dropped);
	json_bool_field(j, "complete", c->log_dropped == 0);
}

/**
 * cli_json_flags() - memblock region flags as an array of names
 * @j: writer
 * @flags: enum memblock_flags bits
 *
 * [] for none, e.g. ["HOTPLUG", "NOMAP"]; a bit without a name is written
 * as its value ("0x40").
 */
void cli_json_flags(struct json *j, uint32_t flags)
{
	static const char *const names[] = { "HOTPLUG", "MIRROR", "NOMAP", "DRV_MNG",
					     "RSV_NIT" };
	char v[16];
	int bit;

	json_arr_begin(j);
	for (bit = 0; bit < 32; bit++) {
		if (!(flags & (1u << bit)))
			continue;
		if (bit < 5) {
			json_str(j, names[bit]);
		} else {
			snprintf(v, sizeof(v), "0x%x", 1u << bit);
			json_str(j, v);
		}
	}
	json_arr_end(j);
}

/**
 * cli_json_boot_state() - the log header's boot state as a name
 * @s: MB_BOOT_STATE_* value
 *
 * Return: "empty", "booting", "done", "panic" or "unknown".
 */
const char *cli_json_boot_state(uint32_t s)
{
	static const char *const n[] = { "empty", "booting", "done", "panic" };

	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "unknown";
}

/**
 * cli_json_array() - one memblock_type as a JSON object
 * @j: writer
 * @a: array
 */
void cli_json_array(struct json *j, const struct mb_array *a)
{
	uint64_t i;

	json_obj_begin(j);
	json_uint_field(j, "cnt", a->cnt);
	json_uint_field(j, "max", a->max);
	json_hex_field(j, "total_size", a->total_size);
	json_key(j, "regions");
	json_arr_begin(j);
	for (i = 0; i < a->cnt; i++) {
		const struct mb_region_rec *r = &a->regions[i];

		json_obj_begin(j);
		json_hex_field(j, "base", r->base);
		json_hex_field(j, "end", r->base + r->size);
		json_hex_field(j, "size", r->size);
		json_int_field(j, "nid", r->nid);
		json_key(j, "flags");
		cli_json_flags(j, r->flags);
		json_obj_end(j);
	}
	json_arr_end(j);
	json_obj_end(j);
}

/**
 * cli_json_state() - a whole state as a JSON object
 * @j: writer
 * @st: state
 */
void cli_json_state(struct json *j, const struct mb_state *st)
{
	json_obj_begin(j);
	json_bool_field(j, "bottom_up", st->bottom_up);
	json_hex_field(j, "current_limit", st->current_limit);
	json_key(j, "memory");
	cli_json_array(j, &st->memory);
	json_key(j, "reserved");
	cli_json_array(j, &st->reserved);
	json_obj_end(j);
}
