// SPDX-License-Identifier: GPL-2.0-only
/* shell.c - `memblock-cli shell`: a readline REPL dispatching through the command table. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <sys/select.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>
#include <readline/history.h>
#include <readline/readline.h>
#include <uapi/mb_evlog.h>
#include "cli.h"
#include "shell.h"

#define SHELL_MAX_ARGS		256
#define SHELL_HISTORY_MAX	1000
#define SHELL_MAX_MATCHES	500

/* Loaded inputs: slot 0 is "@a", slot 1 is "@b". */
static struct shell_slot {
	char *name;		/* file name or "live:ADDR" */
	struct mb_capture *cap;
} slots[2];
static int cur_slot;
static int last_status;
static bool interactive;

static const char *const slot_names[2] = { "@a", "@b" };

static const struct shell_builtin {
	const char *name;
	const char *args;
	const char *help;
} builtins[] = {
	{ "load", "FILE [a|b]", "load a capture or console log into the current slot (or a|b)" },
	{ "attach", "ADDR [ELF]", "capture a live QEMU target (as capture --attach) into the slot" },
	{ "use", "a|b", "make slot a or b current (commands default to it)" },
	{ "unload", "[a|b]", "forget a loaded input" },
	{ "info", "", "show the loaded inputs" },
	{ "help", "[COMMAND]", "this list, or a command's help" },
	{ "quit", "", "leave the shell (also exit, Ctrl-D)" },
	{ "exit", "[N]", "leave the shell with status N" },
};
#define NBUILTINS (sizeof(builtins) / sizeof(builtins[0]))

static const char *const op_names[] = {
#define X(name, val, str) str,
	MB_EVLOG_OPS(X)
#undef X
};

/**
 * shell_split() - split a line into words (quotes and backslashes as in sh)
 * @line: input line
 * @argv: receives up to @max malloc'd words
 * @max: capacity of @argv
 *
 * A '#' at the start of a word starts a comment.
 *
 * Return: number of words, or -1 (unterminated quote, too many words).
 */
int shell_split(const char *line, char **argv, int max)
{
	int argc = 0;
	const char *p = line;

	for (;;) {
		char *w, *o;
		char q = 0;

		while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r')
			p++;
		if (!*p || *p == '#')
			return argc;
		if (argc == max)
			goto fail;
		w = malloc(strlen(p) + 1);
		if (!w)
			goto fail;
		o = w;
		for (; *p; p++) {
			if (q) {
				if (*p == q)
					q = 0;
				else if (*p == '\\' && q == '"' && (p[1] == '"' || p[1] == '\\'))
					*o++ = *++p;
				else
					*o++ = *p;
			} else if (*p == '\'' || *p == '"') {
				q = *p;
			} else if (*p == '\\' && p[1]) {
				*o++ = *++p;
			} else if (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r') {
				break;
			} else {
				*o++ = *p;
			}
		}
		*o = 0;
		argv[argc++] = w;
		if (q)
			goto fail;
	}
fail:
	while (argc > 0)
		free(argv[--argc]);
	return -1;
}

static void add_opt(struct shell_opt *out, size_t *n, size_t max, const char *name, char sn,
		    bool has_arg)
{
	if (*n >= max || strlen(name) >= sizeof(out[0].long_name))
		return;
	memset(&out[*n], 0, sizeof(out[*n]));
	strcpy(out[*n].long_name, name);
	out[*n].short_name = sn;
	out[*n].has_arg = has_arg;
	(*n)++;
}

/**
 * shell_cmd_options() - the options of a table command
 * @cmd: table entry
 * @out: receives up to @max options
 * @max: capacity
 *
 * Straight from the command table: the command's own options, then
 * -j/--json (if it has a JSON mode) and -h/--help.
 *
 * Return: number of options.
 */
size_t shell_cmd_options(const struct cli_cmd *cmd, struct shell_opt *out, size_t max)
{
	const struct cli_opt *o;
	size_t n = 0;

	for (o = cmd->opts; o->name; o++)
		add_opt(out, &n, max, o->name, o->shortname, o->arg != NULL);
	if (cmd->json_help)
		add_opt(out, &n, max, "json", 'j', false);
	add_opt(out, &n, max, "help", 'h', false);
	return n;
}

static const struct shell_opt *find_opt(const struct shell_opt *o, size_t n, const char *arg)
{
	size_t i, len;

	if (arg[0] == '-' && arg[1] == '-') {
		len = strcspn(arg + 2, "=");
		for (i = 0; i < n; i++)
			if (strlen(o[i].long_name) == len && !strncmp(o[i].long_name, arg + 2, len))
				return &o[i];
		return NULL;
	}
	for (i = 0; i < n; i++)
		if (o[i].short_name && o[i].short_name == arg[1])
			return &o[i];
	return NULL;
}

/* Operands (non-option words) of @argv for @cmd, skipping option arguments. */
static int count_operands(const struct cli_cmd *cmd, int argc, char **argv, bool *live)
{
	struct shell_opt opts[64];
	size_t nopt = shell_cmd_options(cmd, opts, 64);
	int i, j, n = 0;

	*live = false;
	for (i = 1; i < argc; i++) {
		const struct shell_opt *o;

		if (!strcmp(argv[i], "--")) {
			n += argc - i - 1;
			break;
		}
		if (argv[i][0] != '-' || !argv[i][1]) {
			n++;
			continue;
		}
		if (!strncmp(argv[i], "--attach", 8))
			*live = true;
		if (argv[i][1] == '-') {
			o = find_opt(opts, nopt, argv[i]);
			if (o && o->has_arg && !strchr(argv[i], '='))
				i++;	/* the argument is the next word */
			continue;
		}
		/* a cluster of short options: "-jf svg", "-fsvg" */
		for (j = 1; argv[i][j]; j++) {
			char so[3] = { '-', argv[i][j], 0 };

			o = find_opt(opts, nopt, so);
			if (o && o->has_arg) {
				if (!argv[i][j + 1])
					i++;
				break;
			}
		}
	}
	return n;
}

static void slot_free(int s)
{
	if (slots[s].cap) {
		cli_register_capture(slot_names[s], NULL);
		mb_capture_free(slots[s].cap);
	}
	free(slots[s].name);
	slots[s].cap = NULL;
	slots[s].name = NULL;
}

static int slot_of(const char *w)
{
	if (!strcasecmp(w, "a") || !strcasecmp(w, "@a"))
		return 0;
	if (!strcasecmp(w, "b") || !strcasecmp(w, "@b"))
		return 1;
	return -1;
}

static void slot_set(int s, const char *name, struct mb_capture *c)
{
	slot_free(s);
	slots[s].cap = c;
	slots[s].name = strdup(name);
	cli_register_capture(slot_names[s], c);
}

static int load_into(int s, const char *path)
{
	struct mb_error err = { 0 };
	struct mb_capture *c;

	if (path[0] == '@')
		return cli_fail(MB_EXIT_USAGE, "load: give a file name, not %s", path);
	c = cli_load(path, &err);
	if (!c)
		return cli_fail_err(MB_EXIT_FAIL, &err);
	slot_set(s, path, c);
	printf("%s: ", slot_names[s]);
	cli_fputs_esc(stdout, path);
	printf(" (%zu events, %zu callers)\n", c->nevents, c->nsyms);
	return 0;
}

static void print_info(void)
{
	int s;

	for (s = 0; s < 2; s++) {
		if (slots[s].cap) {
			printf("%c %s  ", s == cur_slot ? '*' : ' ', slot_names[s]);
			cli_fputs_esc(stdout, slots[s].name);
			printf("  %zu events\n", slots[s].cap->nevents);
		} else
			printf("%c %s  (empty)\n", s == cur_slot ? '*' : ' ', slot_names[s]);
	}
}

static void print_help(void)
{
	size_t i;

	printf("Shell commands:\n");
	for (i = 0; i < NBUILTINS; i++)
		printf("  %-7s %-11s %s\n", builtins[i].name, builtins[i].args, builtins[i].help);
	printf("\nmemblock-cli commands (the input defaults to the current slot; name the\n"
	       "other one as @a or @b, e.g. 'diff @a @b'):\n");
	for (i = 0; i < cli_ncommands; i++)
		if (!(cli_commands[i].flags & CMD_INTERACTIVE) && strcmp(cli_commands[i].name, "help"))
			printf("  %-9s %s\n", cli_commands[i].name, cli_commands[i].summary);
}

/* Run a table command, filling missing inputs from the loaded slots. */
static int run_table(const struct cli_cmd *cmd, int argc, char **argv)
{
	char *av[SHELL_MAX_ARGS + 3];
	int ac = argc, need = 0, have, i;
	bool live;

	if (cmd->flags & CMD_INTERACTIVE)
		return cli_fail(MB_EXIT_USAGE, "already in the shell");
	memcpy(av, argv, argc * sizeof(*av));
	if ((cmd->flags & CMD_INPUT) && strcmp(cmd->name, "import")) {
		need = !strcmp(cmd->name, "diff") ? 2 : 1;
		have = count_operands(cmd, argc, argv, &live);
		for (i = 1; i < argc; i++)
			if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
				live = true;	/* no input needed */
		if (live)
			need = 0;
		if (need == 2 && have == 0) {
			if (!slots[0].cap || !slots[1].cap)
				return cli_fail(MB_EXIT_USAGE, "%s: load two inputs first "
						"(load FILE a, load FILE b)", cmd->name);
			av[ac++] = (char *)slot_names[0];
			av[ac++] = (char *)slot_names[1];
		} else if (need == 2 && have == 1) {
			if (!slots[cur_slot].cap)
				return cli_fail(MB_EXIT_USAGE, "%s: no input loaded (load FILE)",
						cmd->name);
			/* diff X: the current slot against X */
			memmove(&av[2], &av[1], (ac - 1) * sizeof(*av));
			av[1] = (char *)slot_names[cur_slot];
			ac++;
		} else if (need == 1 && (have == 0 || (have == 1 && !strcmp(cmd->name, "whois")))) {
			/* whois ADDR: about the loaded input */
			if (!slots[cur_slot].cap)
				return cli_fail(MB_EXIT_USAGE, "%s: no input loaded (load FILE)",
						cmd->name);
			av[ac++] = (char *)slot_names[cur_slot];
		}
	}
	av[ac] = NULL;
	return cli_dispatch(ac, av);
}

/* Execute one line. Returns 1 when the shell should end. */
static int shell_exec(const char *line, int *exit_code)
{
	char *argv[SHELL_MAX_ARGS + 1];
	const struct cli_cmd *cmd;
	int argc = shell_split(line, argv, SHELL_MAX_ARGS), i, s, ret = 0;
	uint64_t v;

	if (argc < 0) {
		last_status = cli_fail(MB_EXIT_USAGE, "unterminated quote or too many words");
		return 0;
	}
	if (argc == 0)
		return 0;
	argv[argc] = NULL;
	cli_json = false;
	cli_cmd_name = NULL;
	if (!strcmp(argv[0], "quit") || !strcmp(argv[0], "exit")) {
		/* A bad status is an error like any other: the shell stays. */
		if (argc > 2 || (argc == 2 && (!cli_parse_u64(argv[1], &v) || v > 255))) {
			last_status = cli_fail(MB_EXIT_USAGE, "%s: one status 0..255 expected%s%s%s",
					       argv[0], argc == 2 ? ", not '" : "",
					       argc == 2 ? argv[1] : "", argc == 2 ? "'" : "");
		} else {
			*exit_code = argc == 2 ? (int)v : interactive ? 0 : last_status;
			ret = 1;
		}
	} else if (!strcmp(argv[0], "help") || !strcmp(argv[0], "?")) {
		if (argc > 1) {
			last_status = cli_dispatch(argc, argv);
		} else {
			print_help();
			last_status = 0;
		}
	} else if (!strcmp(argv[0], "info")) {
		print_info();
		last_status = 0;
	} else if (!strcmp(argv[0], "use")) {
		s = argc == 2 ? slot_of(argv[1]) : -1;
		if (s < 0) {
			last_status = cli_fail(MB_EXIT_USAGE, "use: a or b expected");
		} else {
			cur_slot = s;
			last_status = 0;
			if (!slots[s].cap)
				printf("%s is empty: load FILE\n", slot_names[s]);
		}
	} else if (!strcmp(argv[0], "load")) {
		s = argc == 3 ? slot_of(argv[2]) : argc == 2 ? cur_slot : -1;
		if (s < 0)
			last_status = cli_fail(MB_EXIT_USAGE, "load: FILE [a|b] expected");
		else
			last_status = load_into(s, argv[1]);
		if (!last_status && argc == 3)
			cur_slot = s;
	} else if (!strcmp(argv[0], "unload")) {
		s = argc == 2 ? slot_of(argv[1]) : argc == 1 ? cur_slot : -1;
		if (s < 0) {
			last_status = cli_fail(MB_EXIT_USAGE, "unload: a or b expected");
		} else {
			slot_free(s);
			last_status = 0;
		}
	} else if (!strcmp(argv[0], "attach")) {
		struct mb_error err = { 0 };
		struct mb_capture *c;

		if (argc < 2 || argc > 3) {
			last_status = cli_fail(MB_EXIT_USAGE, "attach: ADDR [ELF] expected");
		} else {
			c = cli_load_live(argv[1], argc == 3 ? argv[2] : NULL, NULL, &err);
			if (!c) {
				last_status = cli_fail_err(MB_EXIT_FAIL, &err);
			} else {
				char name[300];

				snprintf(name, sizeof(name), "live:%s", argv[1]);
				slot_set(cur_slot, name, c);
				printf("%s: ", slot_names[cur_slot]);
				cli_fputs_esc(stdout, name);
				printf(" (%zu events)\n", c->nevents);
				last_status = 0;
			}
		}
	} else if ((cmd = cli_find(argv[0]))) {
		last_status = run_table(cmd, argc, argv);
	} else {
		last_status = cli_fail(MB_EXIT_USAGE,
				       "unknown command '%s' (type help for the list)", argv[0]);
	}
	last_status = cli_finish_stdout(last_status);
	fflush(stderr);
	for (i = 0; i < argc; i++)
		free(argv[i]);
	return ret;
}

/* ---- completion ---------------------------------------------------------- */

static char **matches;
static size_t nmatches, matches_cap, match_pos;

static void matches_reset(void)
{
	size_t i;

	for (i = match_pos; i < nmatches; i++)
		free(matches[i]);
	nmatches = 0;
	match_pos = 0;
}

static void match_add(const char *text, const char *cand)
{
	size_t i;

	char esc[512];

	if (strncmp(cand, text, strlen(text)) || nmatches >= SHELL_MAX_MATCHES)
		return;
	/* readline lists candidates raw: offer none that would need escaping */
	if (strcmp(cli_escape(cand, esc, sizeof(esc)), cand))
		return;
	for (i = 0; i < nmatches; i++)
		if (!strcmp(matches[i], cand))
			return;
	if (nmatches == matches_cap) {
		size_t ncap = matches_cap ? matches_cap * 2 : 64;
		char **nm = realloc(matches, ncap * sizeof(*nm));

		if (!nm)
			return;
		matches = nm;
		matches_cap = ncap;
	}
	matches[nmatches] = strdup(cand);
	if (matches[nmatches])
		nmatches++;
}

static char *match_next(const char *text, int state)
{
	if (match_pos < nmatches)
		return matches[match_pos++];	/* readline frees it */
	return NULL;
}

/* Values for the argument of option @opt of command @cmd. */
static bool complete_option_value(const char *cmd, const char *opt, const char *text)
{
	const struct mb_capture *c = slots[cur_slot].cap;
	const struct cli_cmd *cc = cli_find(cmd);
	const struct cli_opt *o;
	char buf[32];
	size_t i;

	/* words from the command table (--format, --color, --transport ...) */
	for (o = cc ? cc->opts : NULL; o && o->name; o++) {
		const char *w, *e;
		bool is_long = opt[1] == '-' && !strcmp(opt + 2, o->name);
		bool is_short = o->shortname && opt[1] == o->shortname && !opt[2];

		if (!o->values || !(is_long || is_short))
			continue;
		for (w = o->values; *w; w = *e ? e + 1 : e) {
			char word[64];

			e = strchr(w, ' ');
			if (!e)
				e = w + strlen(w);
			snprintf(word, sizeof(word), "%.*s", (int)(e - w), w);
			match_add(text, word);
		}
		return true;
	}
	if (!strcmp(opt, "--op")) {
		for (i = 0; i < sizeof(op_names) / sizeof(op_names[0]); i++)
			match_add(text, op_names[i]);
		return true;
	}
	if (!strcmp(opt, "--caller")) {
		for (i = 0; c && i < c->nsyms; i++)
			if (c->syms[i])
				match_add(text, c->syms[i]);
		return true;
	}
	if (!strcmp(opt, "--at") || !strcmp(opt, "--to") || !strcmp(opt, "--seq")) {
		/* event counts / sequence numbers of the current input */
		size_t n = c ? c->nevents : 0;

		for (i = 0; i <= n && nmatches < SHELL_MAX_MATCHES; i++) {
			uint64_t v = !strcmp(opt, "--seq") && i < n ? c->events[i].rec.seq : i;

			if (!strcmp(opt, "--seq") && i == n)
				break;
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
			match_add(text, buf);
		}
		return true;
	}
	return false;
}

static char **shell_complete(const char *text, int start, int end)
{
	char *argv[SHELL_MAX_ARGS + 1], *prefix;
	const struct cli_cmd *cmd;
	int argc, i;
	size_t k;

	rl_attempted_completion_over = 1;
	matches_reset();
	prefix = strndup(rl_line_buffer, start);
	argc = prefix ? shell_split(prefix, argv, SHELL_MAX_ARGS) : -1;
	free(prefix);
	if (argc < 0)
		return NULL;
	if (argc == 0) {
		for (k = 0; k < NBUILTINS; k++)
			match_add(text, builtins[k].name);
		for (k = 0; k < cli_ncommands; k++)
			if (!(cli_commands[k].flags & CMD_INTERACTIVE))
				match_add(text, cli_commands[k].name);
		goto done;
	}
	cmd = cli_find(argv[0]);
	if (!strcmp(argv[0], "use") || !strcmp(argv[0], "unload") ||
	    (!strcmp(argv[0], "load") && argc == 2)) {
		match_add(text, "a");
		match_add(text, "b");
		goto done;
	}
	if (!strcmp(argv[0], "help")) {
		for (k = 0; k < cli_ncommands; k++)
			match_add(text, cli_commands[k].name);
		goto done;
	}
	if (cmd && text[0] == '-') {
		struct shell_opt opts[64];
		size_t n = shell_cmd_options(cmd, opts, 64);
		char buf[48];

		for (k = 0; k < n; k++) {
			snprintf(buf, sizeof(buf), "--%.40s", opts[k].long_name);
			match_add(text, buf);
		}
		for (k = 0; k < n && text[1] != '-'; k++) {
			if (!opts[k].short_name)
				continue;
			snprintf(buf, sizeof(buf), "-%c", opts[k].short_name);
			match_add(text, buf);
		}
		goto done;
	}
	if (cmd && argc > 1 && argv[argc - 1][0] == '-' &&
	    complete_option_value(argv[0], argv[argc - 1], text))
		goto done;
	/* an input: loaded slots first, then files */
	if (cmd && (cmd->flags & CMD_INPUT)) {
		for (i = 0; i < 2; i++)
			if (slots[i].cap)
				match_add(text, slot_names[i]);
	}
	for (i = 0; i < argc; i++)
		free(argv[i]);
	argc = 0;
	{
		char *f;
		int state = 0;

		while ((f = rl_filename_completion_function(text, state++))) {
			match_add(text, f);
			free(f);
		}
		rl_filename_completion_desired = 1;
	}
done:
	for (i = 0; i < argc; i++)
		free(argv[i]);
	if (!nmatches)
		return NULL;
	return rl_completion_matches(text, match_next);
}

/* ---- the loop -------------------------------------------------------------- */

static char *history_path(void)
{
	const char *env = getenv("MEMBLOCK_CLI_HISTORY"), *home = getenv("HOME");
	char *p;

	if (env && *env)
		return strdup(env);
	if (!home || !*home)
		return NULL;
	if (asprintf(&p, "%s/.memblock_cli_history", home) < 0)
		return NULL;
	return p;
}

static volatile sig_atomic_t got_sigint;

static void on_sigint(int sig)
{
	got_sigint = 1;
}

static char *cb_line;
static bool cb_got_line;

static void on_line(char *line)
{
	cb_line = line;
	cb_got_line = true;
	rl_callback_handler_remove();
}

/*
 * One line from readline, or NULL at end of input.  readline's callback
 * interface, fed from pselect() with SIGINT blocked elsewhere, so that
 * Ctrl-C is seen between keystrokes: it drops the line being typed and
 * gives a fresh prompt.  (A hook inside readline's blocking read cannot end
 * the line: the next keystroke would complete it and run as a command.)
 */
static char *read_line(const char *prompt)
{
	int fd = fileno(rl_instream ? rl_instream : stdin);
	sigset_t block, orig;

	sigemptyset(&block);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	got_sigint = 0;
	cb_got_line = false;
	cb_line = NULL;
	rl_callback_handler_install(prompt, on_line);
	while (!cb_got_line) {
		fd_set fds;
		int r;

		FD_ZERO(&fds);
		FD_SET(fd, &fds);
		r = pselect(fd + 1, &fds, NULL, NULL, NULL, &orig);
		if (got_sigint) {
			got_sigint = 0;
			rl_free_line_state();
			rl_callback_sigcleanup();
			rl_replace_line("", 0);
			rl_crlf();
			rl_on_new_line();
			rl_redisplay();
			continue;
		}
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rl_callback_handler_remove();
			break;
		}
		rl_callback_read_char();
	}
	sigprocmask(SIG_SETMASK, &orig, NULL);
	return cb_line;
}

static char *prompt_text(char *buf, size_t len)
{
	const char *n = slots[cur_slot].name;
	const char *base = n ? strrchr(n, '/') : NULL;
	char esc[61];

	cli_escape(n ? (base ? base + 1 : n) : "", esc, sizeof(esc));
	snprintf(buf, len, "memblock(%s%s%s)> ", slot_names[cur_slot] + 1, n ? ":" : "", esc);
	return buf;
}

/**
 * cmd_shell() - the interactive shell
 * @argc: argument count
 * @argv: arguments, argv[0] = "shell"; up to two inputs follow
 *
 * With a terminal on stdin and stdout, reads lines with readline (history,
 * completion); otherwise reads commands from stdin, one per line, and exits
 * with the status of the last command.
 *
 * Return: exit status.
 */
int cmd_shell(int argc, char **argv)
{
	char *hist = NULL, pbuf[128];
	int opt, exit_code = 0, i, s;
	struct sigaction sa, old;

	while ((opt = cli_next_opt(argc, argv)) != -1)
		return MB_EXIT_USAGE;
	if (argc - optind > 2)
		return cli_fail(MB_EXIT_USAGE, "shell: at most two inputs");
	for (i = optind, s = 0; i < argc; i++, s++) {
		struct mb_error err = { 0 };
		struct mb_capture *c = cli_load(argv[i], &err);

		if (!c) {
			for (s = 0; s < 2; s++)
				slot_free(s);
			return cli_fail_err(MB_EXIT_FAIL, &err);
		}
		slot_set(s, argv[i], c);
	}
	cur_slot = 0;
	last_status = 0;
	interactive = isatty(STDIN_FILENO) && isatty(STDOUT_FILENO);

	if (interactive) {
		rl_readline_name = "memblock-cli";
		rl_attempted_completion_function = shell_complete;
		rl_completer_word_break_characters = " \t\n\"'";
		rl_catch_signals = 0;
		memset(&sa, 0, sizeof(sa));
		sa.sa_handler = on_sigint;
		sigaction(SIGINT, &sa, &old);
		hist = history_path();
		stifle_history(SHELL_HISTORY_MAX);
		if (hist)
			read_history(hist);
		printf("memblock-cli shell: type help for commands, Tab completes, Ctrl-D leaves\n");
		if (slots[0].cap)
			print_info();
		for (;;) {
			char *line = read_line(prompt_text(pbuf, sizeof(pbuf)));
			size_t len;
			bool done;

			if (!line) {
				putchar('\n');
				break;
			}
			/* history keeps the line without trailing blanks */
			for (len = strlen(line); len && (line[len - 1] == ' ' ||
							 line[len - 1] == '\t'); len--)
				line[len - 1] = 0;
			if (line[strspn(line, " \t")]) {
				HIST_ENTRY *h = history_length ? history_get(history_base +
									   history_length - 1) : NULL;

				if (!h || strcmp(h->line, line))
					add_history(line);
			}
			done = shell_exec(line, &exit_code);
			free(line);
			if (done)
				break;
		}
		if (hist && write_history(hist) != 0)
			fprintf(stderr, "warning: cannot write history %s: %s\n", hist,
				strerror(errno));
		free(hist);
		sigaction(SIGINT, &old, NULL);
	} else {
		char *line = NULL;
		size_t cap = 0;

		exit_code = -1;
		while (getline(&line, &cap, stdin) >= 0)
			if (shell_exec(line, &exit_code))
				break;
		free(line);
		if (exit_code < 0)
			exit_code = last_status;
	}
	matches_reset();
	free(matches);
	matches = NULL;
	matches_cap = 0;
	for (s = 0; s < 2; s++)
		slot_free(s);
	return exit_code;
}
