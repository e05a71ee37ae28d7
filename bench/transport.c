// SPDX-License-Identifier: GPL-2.0-only
/* transport.c - benchmark: guest memory through each transport vs gdb's dump, interleaved rounds, medians. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mbagent/agent.h"
#include "mbagent/qemu.h"
#include "mbagent/rsp.h"
#include "mbagent/serial.h"

#define BASE		0x1000000ULL	/* 16 MiB: plain RAM the test kernel leaves alone */
#define MAX_ROUNDS	64

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void die(const char *what, const struct mb_error *err)
{
	fprintf(stderr, "transport bench: %s: %s\n", what, err ? err->msg : strerror(errno));
	exit(1);
}

/* The bytes written into the guest: no two neighbouring pages alike, few zeroes. */
static uint8_t pattern(uint64_t a)
{
	uint64_t x = (a >> 3) * 0x9e3779b97f4a7c15ULL;

	return (uint8_t)(x >> (56 - 8 * (a & 7)) | 1);
}

struct bench {
	struct mb_qemu *q;
	struct mb_transport *ram;
	struct mb_serial *s;
	const uint8_t *ref;	/* the pattern, computed here: the oracle */
	uint8_t *buf;
	size_t len, serial_len;
	double gdb_startup;	/* gdb start-up + connect, this round */
	double raw_uart;	/* MiB/s inside the last serial transfer */
};

/* Run gdb -batch: connect and dump [BASE, BASE + len) to @out. Returns seconds. */
static double run_gdb(const char *gdb_addr, size_t len, const char *out)
{
	char target[160], dump[320];
	double t0;
	pid_t pid;
	int st;

	snprintf(target, sizeof(target), "target remote %s", gdb_addr + 5);
	snprintf(dump, sizeof(dump), "dump binary memory %s %#llx %#llx", out,
		 (unsigned long long)BASE, (unsigned long long)(BASE + len));
	t0 = now();
	pid = fork();
	if (pid == 0) {
		const char *argv[] = { "gdb", "-batch", "-nx", "-ex", "set pagination off",
				       "-ex", target, "-ex", dump, "-ex", "detach", NULL };

		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		execvp("gdb", (char **)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("gdb did not run (is it installed?)", NULL);
	return now() - t0;
}

static void check(const struct bench *b, const uint8_t *got, size_t len, const char *who)
{
	if (memcmp(got, b->ref, len)) {
		fprintf(stderr, "transport bench: %s returned other bytes than written\n", who);
		exit(1);
	}
}

static double m_ramfile(struct bench *b)
{
	struct mb_error err = { 0 };
	double t0 = now();

	if (mb_transport_read(b->ram, BASE, b->buf, b->len, &err))
		die("RAM file read", &err);
	t0 = now() - t0;
	check(b, b->buf, b->len, "the RAM file");
	return t0;
}

/*
 * Serial: READ_MEM in max_payload pieces.  The raw UART rate comes from the
 * same transfer: the client times every reply frame from the arrival of its
 * first byte to that of its last.
 */
static double m_serial(struct bench *b)
{
	struct mb_serial_stats before = *mb_serial_stats(b->s);
	struct mb_error err = { 0 };
	double t0 = now(), t;

	if (mb_serial_read_mem(b->s, BASE, b->buf, b->serial_len, &err))
		die("serial read", &err);
	t = now() - t0;
	check(b, b->buf, b->serial_len, "serial");
	b->raw_uart = (mb_serial_stats(b->s)->stream_bytes - before.stream_bytes) / 1048576.0 /
		      ((mb_serial_stats(b->s)->stream_ns - before.stream_ns) / 1e9);
	return t;
}

static double gdbstub(struct bench *b, unsigned int window)
{
	struct mb_error err = { 0 };
	struct mb_rsp *r = mb_rsp_connect(b->q->gdb_addr, 5000, &err);
	double t0, t;

	if (!r || mb_rsp_handshake(r, &err) || mb_rsp_set_phys_mode(r, true, &err))
		die("gdbstub", &err);
	mb_rsp_set_window(r, window);
	t0 = now();
	if (mb_rsp_read_mem(r, BASE, b->buf, b->len, &err))
		die("gdbstub read", &err);
	t = now() - t0;
	check(b, b->buf, b->len, "the gdbstub");
	/* QEMU stopped the guest on connect: let it run for the serial reads. */
	if (mb_rsp_continue(r, &err))
		die("gdbstub continue", &err);
	mb_rsp_close(r);
	usleep(100000);	/* let QEMU notice the disconnect before the next client */
	return t;
}

static double m_gdb8(struct bench *b)
{
	return gdbstub(b, 8);
}

static double m_gdb32(struct bench *b)
{
	return gdbstub(b, 32);
}

static double m_gdb1(struct bench *b)
{
	return gdbstub(b, 1);
}

/* gdb's own dump, minus its start-up and connect (a 1-byte dump, same round). */
static double m_gdbdump(struct bench *b)
{
	char file[128];
	FILE *f;
	double full;

	snprintf(file, sizeof(file), "%s/gdb-dump.bin", b->q->dir);
	b->gdb_startup = run_gdb(b->q->gdb_addr, 1, file);
	usleep(100000);
	full = run_gdb(b->q->gdb_addr, b->len, file);
	usleep(100000);
	f = fopen(file, "rb");
	if (!f || fread(b->buf, 1, b->len, f) != b->len)
		die("gdb's dump", NULL);
	fclose(f);
	unlink(file);
	check(b, b->buf, b->len, "gdb's dump");
	return full - b->gdb_startup;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		double (*fn)(struct bench *b);
		bool serial;
	} m[] = {
		{ "ramfile", m_ramfile, false },
		{ "serial (READ_MEM, 64 KiB)", m_serial, true },
		{ "gdbstub (window 8)", m_gdb8, false },
		{ "gdbstub (window 32)", m_gdb32, false },
		{ "gdbstub (window 1)", m_gdb1, false },
		{ "gdb dump binary memory", m_gdbdump, false },
	};
	enum { NM = sizeof(m) / sizeof(m[0]) };
	const char *kernel = argc > 1 ? argv[1] : "build/kernel/kernel.elf";
	size_t len = (argc > 2 ? strtoul(argv[2], NULL, 0) : 16) << 20;
	size_t serial_len = (argc > 3 ? strtoul(argv[3], NULL, 0) : 256) << 10;
	int rounds = argc > 4 ? atoi(argv[4]) : 5;
	struct mb_qemu_opts qo = { .kernel = kernel, .machine.mem = "256M", .serial = true,
				   .ramfile = true };
	static double secs[NM][MAX_ROUNDS], uart[MAX_ROUNDS], startup[MAX_ROUNDS];
	struct mb_serial_hello hello;
	struct mb_error err = { 0 };
	struct bench b = { 0 };
	uint8_t *ref;
	double rate[NM];
	int fd;

	if (!len || !serial_len || serial_len > len || rounds < 1 || rounds > MAX_ROUNDS)
		die("usage: bench_transport KERNEL [MiB] [serial KiB] [rounds]", NULL);
	ref = malloc(len);
	b.buf = malloc(len);
	if (!ref || !b.buf)
		die("out of memory", NULL);
	b.ref = ref;
	b.len = len;
	b.serial_len = serial_len;
	b.q = mb_qemu_start(&qo, &err);
	if (!b.q)
		die("starting QEMU", &err);
	b.s = mb_serial_connect(b.q->serial_path, 5000, &err);
	if (!b.s || mb_serial_hello(b.s, &hello, 60000, &err))
		die("serial HELLO", &err);
	/*
	 * Fill the region through the shared RAM file with a pattern computed
	 * here: a transport that returned an untouched (zeroed) buffer, or the
	 * wrong range, fails the byte check.
	 */
	for (size_t i = 0; i < len; i++)
		ref[i] = pattern(BASE + i);
	fd = open(b.q->ram_path, O_WRONLY);
	if (fd < 0 || pwrite(fd, ref, len, BASE) != (ssize_t)len)
		die("writing the pattern into guest RAM", NULL);
	close(fd);
	b.ram = mb_ramfile_open(b.q->ram_path, b.q->ram_bytes, &err);
	if (!b.ram)
		die("RAM file", &err);
	m_ramfile(&b);	/* warm the page cache; not timed */

	/* Every round runs every method, starting one further along each time. */
	for (int r = 0; r < rounds; r++) {
		for (int k = 0; k < NM; k++) {
			int i = (r + k) % NM;

			secs[i][r] = m[i].fn(&b);
			if (m[i].serial)
				uart[r] = b.raw_uart;
			if (m[i].fn == m_gdbdump)
				startup[r] = b.gdb_startup;
		}
		fprintf(stderr, "round %d/%d done\n", r + 1, rounds);
	}
	for (int i = 0; i < NM; i++) {
		double mib = (m[i].serial ? serial_len : len) / 1048576.0;

		rate[i] = mib / median(secs[i], rounds);
	}
	printf("%d interleaved rounds, medians; %zu MiB per read (serial: %zu KiB)\n", rounds,
	       len >> 20, serial_len >> 10);
	printf("%-26s %10s %9s %10s\n", "transport", "seconds", "MiB/s", "x gdb");
	for (int i = 0; i < NM; i++)
		printf("%-26s %10.3f %9.2f %10.2f\n", m[i].name, median(secs[i], rounds), rate[i],
		       rate[i] / rate[NM - 1]);
	printf("raw UART rate inside the serial transfers (first to last byte of each "
	       "%u-byte reply): %.3f MiB/s; raw / serial protocol = %.2f\n", hello.max_payload,
	       median(uart, rounds), median(uart, rounds) / rate[1]);
	printf("gdb start-up + connect (1-byte dump), subtracted per round: %.3f s\n",
	       median(startup, rounds));
	b.ram->ops->close(b.ram);
	mb_serial_close(b.s);
	mb_qemu_stop(b.q);
	free(ref);
	free(b.buf);
	return 0;
}
