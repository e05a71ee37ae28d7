// SPDX-License-Identifier: GPL-2.0-only
/* core_main.c - runs one group of memblock core scenarios (argv[1]), each top-down and bottom-up. */

#include "core_test.h"

const char *t_scenario = "";
int t_failures;
unsigned long t_checks;
bool t_bottom_up;

static char out_buf[1 << 16];
static size_t out_len;
static bool out_on;
static jmp_buf panic_jmp;
static char panic_msg[256];
static bool panic_armed;

static void print_capture(const char *text, void *ctx)
{
	size_t n = strlen(text);

	(void)ctx;
	if (!out_on || out_len + n >= sizeof(out_buf))
		return;
	memcpy(out_buf + out_len, text, n + 1);
	out_len += n;
}

/**
 * t_capture - capture memblock's print-hook output
 * @on: true to capture into the buffer t_output() returns, false to print nothing
 */
void t_capture(bool on)
{
	out_on = on;
	memblock_set_print_hook(on ? print_capture : NULL, NULL);
}

/**
 * t_output - text captured since the last t_clear_output()
 *
 * Return: the NUL-terminated capture buffer.
 */
const char *t_output(void)
{
	return out_buf;
}

/**
 * t_clear_output - empty the capture buffer
 */
void t_clear_output(void)
{
	out_len = 0;
	out_buf[0] = '\0';
}

static void panic_to_jmp(const char *msg)
{
	snprintf(panic_msg, sizeof(panic_msg), "%s", msg);
	if (panic_armed)
		longjmp(panic_jmp, 1);
	fprintf(stderr, "unexpected memblock panic: %s", msg);
	abort();
}

/**
 * t_expect_panic - run a function that should make memblock panic
 * @fn: the function
 * @msg: receives the panic message
 * @len: size of @msg
 *
 * Return: true if memblock panicked (the panic unwinds with longjmp).
 */
bool t_expect_panic(void (*fn)(void), char *msg, size_t len)
{
	panic_armed = true;
	if (setjmp(panic_jmp)) {
		panic_armed = false;
		snprintf(msg, len, "%s", panic_msg);
		return true;
	}
	fn();
	panic_armed = false;
	return false;
}

/**
 * t_reset - clean state for a scenario
 *
 * Resets memblock, the log, the hooks, memblock_debug and the boot
 * options, and sets the direction of the current run.
 */
void t_reset(void)
{
	mb_evlog_init(NULL, 0);
	memblock_set_movable_node(false);
	memblock_set_mirrored_kernelcore(false);
	memblock_reset_state();
	memblock_host_unmap_all();
	memblock_debug = 0;
	memblock_set_symbolizer(NULL, NULL);
	memblock_set_free_pages_hook(NULL, NULL);
	t_capture(false);
	t_clear_output();
	memblock_host_set_panic_handler(panic_to_jmp);
	memblock_set_bottom_up(t_bottom_up);
}

static const struct t_group *groups[] = {
	&t_group_basic, &t_group_flags, &t_group_double, &t_group_alloc,
	&t_group_iter, &t_group_limits, &t_group_output, &t_group_evlog,
};

static size_t t_scenarios;

static void run_group(const struct t_group *g)
{
	size_t i;

	for (i = 0; i < g->n; i++) {
		int dir;

		for (dir = 0; dir < 2; dir++) {
			t_bottom_up = dir == 1;
			t_scenario = g->cases[i].name;
			t_reset();
			g->cases[i].fn();
		}
	}
	t_scenarios += g->n;
	t_bottom_up = false;
	t_reset();
}

/**
 * main - run the scenario group named by argv[1] ("all" runs every group)
 * @argc: argument count
 * @argv: arguments
 *
 * Return: 0 when every check passed, 1 otherwise, 2 on bad usage.
 */
int main(int argc, char **argv)
{
	size_t i;
	bool found = false;

	for (i = 0; i < sizeof(groups) / sizeof(groups[0]); i++) {
		if (argc > 1 && strcmp(argv[1], groups[i]->name) && strcmp(argv[1], "all"))
			continue;
		found = true;
		run_group(groups[i]);
	}
	if (!found) {
		fprintf(stderr, "usage: %s all|basic|flags|double|alloc|iter|limits|output|evlog\n",
			argv[0]);
		return 2;
	}
	if (memblock_host_array_count() != 0) {
		fprintf(stderr, "leaked %lu host array backings\n", memblock_host_array_count());
		t_failures++;
	}
	if (t_failures) {
		fprintf(stderr, "%d of %lu checks failed\n", t_failures, t_checks);
		return 1;
	}
	printf("%zu scenarios, each run top-down and bottom-up: %lu checks passed\n", t_scenarios,
	       t_checks);
	return 0;
}
