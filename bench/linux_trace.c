// SPDX-License-Identifier: GPL-2.0-only
/* linux_trace.c - time capture --linux --trace against an untraced capture and a bare boot. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "mbagent/capture.h"
#include "mbagent/linux.h"

/*
 * Three ways to reach the entry of memblock_free_all in the same QEMU
 * (TCG), interleaved round by round so machine load hits all alike:
 *   bare      no memblock=debug, no tracing: boot, stop at the breakpoint,
 *             read struct memblock once;
 *   untraced  the default capture: memblock=debug, console imported;
 *   traced    --trace: a stop at every memblock call and return (without
 *             memblock=debug, as capture --trace boots);
 * and with -d a fourth, traced+debug: --trace --append memblock=debug (the
 * console check of the linux tests).
 * Each configuration is opened and booted once, untimed, first, so the
 * unpacked-image cache is warm for every timed run. Prints per-run times, then medians and
 * the ratios (traced - untraced) / untraced and traced / bare, for wall time
 * and for the CPU time of QEMU plus the agent, which other load on the
 * machine disturbs much less.
 */

#define MAX_ROUNDS	15
#define MAX_CONF	8

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	double s[MAX_ROUNDS];

	memcpy(s, v, (size_t)n * sizeof(*v));
	qsort(s, (size_t)n, sizeof(*s), cmp_d);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

static double cpu_s(int who)
{
	struct rusage ru;

	getrusage(who, &ru);
	return (double)ru.ru_utime.tv_sec + (double)ru.ru_utime.tv_usec / 1e6 +
	       (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
}

/* Wall seconds; *cpu gets the CPU seconds of QEMU (a reaped child) plus the agent. */
static double run(const char *deb, const char *mem, int mode, size_t *events, double *cpu)
{
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };
	struct mb_capture *c;
	double c0 = cpu_s(RUSAGE_CHILDREN) + cpu_s(RUSAGE_SELF);
	double t0 = now_s(), t;

	o.image = deb;
	o.machine.mem = mem;
	o.timeout_s = 900;
	o.read_point = MB_LINUX_AT_SYMBOL;
	o.no_memblock_debug = mode == 0;
	o.trace = mode >= 2;
	if (mode == 3)
		o.machine.append = "memblock=debug";
	c = mb_linux_capture(&o, &err);
	t = now_s() - t0;
	*cpu = cpu_s(RUSAGE_CHILDREN) + cpu_s(RUSAGE_SELF) - c0;
	if (!c) {
		fprintf(stderr, "%s %s mode %d: %s\n", deb, mem, mode, err.msg);
		exit(1);
	}
	*events = c->nevents;
	mb_capture_free(c);
	return t;
}

/* One table: medians per configuration and mode, and what tracing adds. */
static void table(double v[][4][MAX_ROUNDS], size_t ev[][4], char **args, int nconf, int rounds,
		  int nmodes, const char *unit, const char *what)
{
	printf("\n| kernel | -m | bare (%s) | untraced (%s) | traced (%s) | events |", unit, unit, unit);
	if (nmodes > 3)
		printf(" traced+debug (%s) |", unit);
	printf(" trace adds (x untraced) | traced / bare |\n|---|---|---|---|---|---|%s---|---|\n",
	       nmodes > 3 ? "---|" : "");
	for (int k = 0; k < nconf; k++) {
		double b = median(v[k][0], rounds), u = median(v[k][1], rounds);
		double tr = median(v[k][2], rounds);
		const char *name = strrchr(args[2 * k], '/');

		printf("| %s | %s | %.2f | %.2f | %.2f | %zu |", name ? name + 1 : args[2 * k],
		       args[2 * k + 1], b, u, tr, ev[k][2]);
		if (nmodes > 3)
			printf(" %.2f |", median(v[k][3], rounds));
		printf(" %.2f | %.2f |\n", (tr - u) / u, tr / b);
	}
	printf("(%s, medians of %d interleaved rounds)\n", what, rounds);
}

int main(int argc, char **argv)
{
	static const char *const names[] = { "bare", "untraced", "traced", "traced+debug" };
	double t[MAX_CONF][4][MAX_ROUNDS], cp[MAX_CONF][4][MAX_ROUNDS];
	size_t ev[MAX_CONF][4];
	int rounds = 3, a = 1, nconf, r, k, m, nmodes = 3;

	for (;;) {
		if (argc > a + 1 && !strcmp(argv[a], "-r")) {
			rounds = atoi(argv[a + 1]);
			a += 2;
		} else if (argc > a && !strcmp(argv[a], "-d")) {
			nmodes = 4;
			a++;
		} else {
			break;
		}
	}
	nconf = (argc - a) / 2;
	if (rounds < 1 || rounds > MAX_ROUNDS || nconf < 1 || nconf > MAX_CONF ||
	    (argc - a) % 2) {
		fprintf(stderr, "usage: %s [-r ROUNDS] [-d] DEB MEM [DEB MEM ...]\n", argv[0]);
		return 2;
	}
	for (k = 0; k < nconf; k++) {
		struct mb_error err = { 0 };
		struct mb_linux_image *img = mb_linux_image_open(argv[a + 2 * k], &err);

		if (!img) {
			fprintf(stderr, "%s: %s\n", argv[a + 2 * k], err.msg);
			return 1;
		}
		mb_linux_image_free(img);
	}
	/* One untimed boot each, so the package's bzImage is in the cache too. */
	for (k = 0; k < nconf; k++) {
		double cpu;
		size_t n;

		run(argv[a + 2 * k], argv[a + 2 * k + 1], 0, &n, &cpu);
	}
	for (r = 0; r < rounds; r++)
		for (k = 0; k < nconf; k++)
			for (m = 0; m < nmodes; m++) {
				int mode = (m + r) % nmodes;	/* rotate the order each round */

				t[k][mode][r] = run(argv[a + 2 * k], argv[a + 2 * k + 1], mode,
						    &ev[k][mode], &cp[k][mode][r]);
				printf("round %d %s %s %s: %.2f s wall, %.2f s CPU (%zu events)\n",
				       r + 1, argv[a + 2 * k], argv[a + 2 * k + 1], names[mode],
				       t[k][mode][r], cp[k][mode][r], ev[k][mode]);
				fflush(stdout);
			}
	table(t, ev, argv + a, nconf, rounds, nmodes, "s", "wall seconds");
	table(cp, ev, argv + a, nconf, rounds, nmodes, "CPU s",
	      "CPU seconds of QEMU plus the agent");
	return 0;
}
