// SPDX-License-Identifier: GPL-2.0-only
/* transport.c - benchmark: 16 MiB of guest memory through each transport vs gdb's dump. */
#include <errno.h>
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

#define BASE	0x1000000ULL	/* 16 MiB: plain RAM in the test kernel's direct map */

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
				       "-ex", target, "-ex", dump, NULL };

		if (!freopen("/dev/null", "w", stdout) || !freopen("/dev/null", "w", stderr))
			_exit(126);
		execvp("gdb", (char **)argv);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		die("gdb did not run (is it installed?)", NULL);
	return now() - t0;
}

static int same_file(const char *path, const uint8_t *buf, size_t len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *tmp = malloc(len);
	int ok;

	ok = f && tmp && fread(tmp, 1, len, f) == len && !memcmp(tmp, buf, len);
	if (f)
		fclose(f);
	free(tmp);
	return ok;
}

struct row {
	const char *name;
	double mib;
	double secs;
};

int main(int argc, char **argv)
{
	const char *kernel = argc > 1 ? argv[1] : "build/kernel/kernel.elf";
	size_t len = (argc > 2 ? strtoul(argv[2], NULL, 0) : 16) << 20;
	size_t serial_len = (argc > 3 ? strtoul(argv[3], NULL, 0) : 16) << 20;
	struct mb_qemu_opts qo = { .kernel = kernel, .mem = "256M", .serial = true,
				   .ramfile = true };
	uint8_t *ref = malloc(len), *buf = malloc(len), *sbuf = malloc(serial_len);
	struct mb_serial_hello hello;
	struct mb_error err = { 0 };
	struct mb_transport *tr;
	struct mb_serial *s;
	struct mb_qemu *q;
	struct mb_rsp *r;
	struct row rows[8];
	double t0, t, gdb_full, gdb_base, gdb_rate, raw_rate = 0;
	char dumpfile[128];
	int n = 0, reps;

	if (!ref || !buf || !sbuf || !len || serial_len > len)
		die("bad sizes / out of memory", NULL);
	q = mb_qemu_start(&qo, &err);
	if (!q)
		die("starting QEMU", &err);
	s = mb_serial_connect(q->serial_path, 5000, &err);
	if (!s || mb_serial_hello(s, &hello, 60000, &err))
		die("serial HELLO", &err);

	/* RAM file: best of a few passes (it is a memcpy). */
	tr = mb_ramfile_open(q->ram_path, q->ram_bytes, &err);
	if (!tr)
		die("RAM file", &err);
	mb_transport_read(tr, BASE, ref, len, &err);	/* fault the pages in */
	t = 1e9;
	for (reps = 0; reps < 5; reps++) {
		t0 = now();
		if (mb_transport_read(tr, BASE, buf, len, &err))
			die("RAM file read", &err);
		if (now() - t0 < t)
			t = now() - t0;
	}
	rows[n++] = (struct row){ "ramfile", len / 1048576.0, t };
	memcpy(ref, buf, len);

	/*
	 * Serial: READ_MEM in max_payload pieces. The raw UART rate comes from
	 * the same transfer: the client times every reply frame from the
	 * arrival of its first byte to that of its last, so bytes / that time
	 * is what the UART moves with no protocol turnaround at all.
	 */
	{
		uint8_t probe[4096];
		struct mb_serial_stats before;

		if (mb_serial_read_mem(s, BASE, probe, sizeof(probe), &err))
			die("serial warm-up", &err);
		before = *mb_serial_stats(s);
		t0 = now();
		if (mb_serial_read_mem(s, BASE, sbuf, serial_len, &err))
			die("serial read", &err);
		t = now() - t0;
		rows[n++] = (struct row){ "serial", serial_len / 1048576.0, t };
		if (memcmp(sbuf, ref, serial_len))
			die("serial bytes differ from the RAM file", NULL);
		raw_rate = (mb_serial_stats(s)->stream_bytes - before.stream_bytes) / 1048576.0 /
			   ((mb_serial_stats(s)->stream_ns - before.stream_ns) / 1e9);
	}
	mb_serial_close(s);

	/* gdbstub: our client, pipelined, and strict request/reply. */
	r = mb_rsp_connect(q->gdb_addr, 5000, &err);
	if (!r || mb_rsp_handshake(r, &err) || mb_rsp_set_phys_mode(r, true, &err))
		die("gdbstub", &err);
	for (int w = 0; w < 3; w++) {
		static const unsigned int win[] = { 8, 32, 1 };
		static const char *const names[] = { "gdbstub (window 8)", "gdbstub (window 32)",
						     "gdbstub (window 1)" };

		mb_rsp_set_window(r, win[w]);
		t0 = now();
		if (mb_rsp_read_mem(r, BASE, buf, len, &err))
			die("gdbstub read", &err);
		t = now() - t0;
		if (memcmp(buf, ref, len))
			die("gdbstub bytes differ from the RAM file", NULL);
		rows[n++] = (struct row){ names[w], len / 1048576.0, t };
	}
	mb_rsp_close(r);
	usleep(100000);	/* let QEMU notice the disconnect before gdb connects */

	/* gdb's own dump, minus its start-up and connect (a 1-byte dump). */
	snprintf(dumpfile, sizeof(dumpfile), "%s/gdb-dump.bin", q->dir);
	gdb_base = run_gdb(q->gdb_addr, 1, dumpfile);
	usleep(100000);
	gdb_full = run_gdb(q->gdb_addr, len, dumpfile);
	if (!same_file(dumpfile, ref, len))
		die("gdb's dump differs from the RAM file", NULL);
	unlink(dumpfile);
	rows[n++] = (struct row){ "gdb dump binary memory", len / 1048576.0, gdb_full - gdb_base };
	gdb_rate = len / 1048576.0 / (gdb_full - gdb_base);

	printf("%-26s %8s %9s %10s %9s\n", "transport", "MiB", "seconds", "MiB/s", "x gdb");
	for (int i = 0; i < n; i++) {
		double rate = rows[i].mib / rows[i].secs;

		printf("%-26s %8.1f %9.3f %10.2f %9.2f\n", rows[i].name, rows[i].mib,
		       rows[i].secs, rate, rate / gdb_rate);
	}
	printf("raw UART rate in the same transfer (each %u-byte reply, first to last "
	       "byte): %.3f MiB/s; raw / serial protocol = %.2f\n", hello.max_payload,
	       raw_rate, raw_rate / (rows[1].mib / rows[1].secs));
	printf("gdb start-up + connect (1-byte dump): %.3f s, subtracted\n", gdb_base);
	tr->ops->close(tr);
	mb_qemu_stop(q);
	free(ref);
	free(buf);
	free(sbuf);
	return 0;
}
