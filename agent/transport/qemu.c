// SPDX-License-Identifier: GPL-2.0-only
/* qemu.c - spawn QEMU without a shell (fork/execvp), private sockets, kill and reap. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mbagent/qemu.h"
#include "agent_internal.h"

/**
 * mb_parse_size() - parse a QEMU-style size ("256M", "1G", "512" = MiB)
 * @s: text
 * @bytes: result
 *
 * Return: 0, or -1 if @s is not a size.
 */
int mb_parse_size(const char *s, uint64_t *bytes)
{
	unsigned long long v;
	char *end;
	int shift = 20;

	if (!s || !*s || *s == '-')
		return -1;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno || end == s)
		return -1;
	switch (*end) {
	case 'k': case 'K': shift = 10; end++; break;
	case 'm': case 'M': shift = 20; end++; break;
	case 'g': case 'G': shift = 30; end++; break;
	case 't': case 'T': shift = 40; end++; break;
	case 'b': case 'B': shift = 0; end++; break;
	case '\0': break;
	default: return -1;
	}
	if ((*end == 'i' || *end == 'B') && shift)
		end += (*end == 'i' && end[1] == 'B') ? 2 : 1;
	if (*end || v == 0 || v > (~0ULL >> shift))
		return -1;
	*bytes = (uint64_t)v << shift;
	return 0;
}

struct argv_buf {
	char **v;
	size_t n, cap;
	bool oom;
};

static void arg(struct argv_buf *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void arg(struct argv_buf *a, const char *fmt, ...)
{
	va_list ap;
	char *s;

	if (a->oom)
		return;
	if (a->n + 2 > a->cap) {
		size_t nc = a->cap ? 2 * a->cap : 32;
		char **nv = realloc(a->v, nc * sizeof(*nv));

		if (!nv) {
			a->oom = true;
			return;
		}
		a->v = nv;
		a->cap = nc;
	}
	va_start(ap, fmt);
	if (vasprintf(&s, fmt, ap) < 0)
		s = NULL;
	va_end(ap);
	if (!s) {
		a->oom = true;
		return;
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void argv_free(struct argv_buf *a)
{
	for (size_t i = 0; i < a->n; i++)
		free(a->v[i]);
	free(a->v);
}

static char *join(char **v)
{
	size_t len = 1;
	char *s, *p;

	for (size_t i = 0; v[i]; i++)
		len += strlen(v[i]) + 3;
	s = malloc(len);
	if (!s)
		return NULL;
	p = s;
	for (size_t i = 0; v[i]; i++) {
		bool q = strpbrk(v[i], " \t\"'") != NULL;

		p += sprintf(p, "%s%s%s%s", i ? " " : "", q ? "'" : "", v[i], q ? "'" : "");
	}
	*p = '\0';
	return s;
}

/* The QEMU binary: the caller's, else $MB_QEMU, else qemu-system-x86_64 from PATH. */
static const char *qemu_binary(const struct mb_qemu_opts *o)
{
	const char *env = getenv("MB_QEMU");

	if (o->machine.qemu && *o->machine.qemu)
		return o->machine.qemu;
	return env && *env ? env : "qemu-system-x86_64";
}

/* What to boot: -kernel, and -append and -initrd when given. */
static void kernel_args(struct argv_buf *a, const struct mb_qemu_opts *o)
{
	arg(a, "-kernel");
	arg(a, "%s", o->kernel);
	if (o->machine.append) {
		arg(a, "-append");
		arg(a, "%s", o->machine.append);
	}
	if (o->machine.initrd) {
		arg(a, "-initrd");
		arg(a, "%s", o->machine.initrd);
	}
}

/*
 * Memory backends, one per node, RAM split evenly in MiB (the last node takes
 * the rest), and the CPUs spread in order: node i gets CPUs
 * [i * smp / n, (i + 1) * smp / n), none when that range is empty.
 */
static void numa_args(struct argv_buf *a, int n, int smp, uint64_t mib)
{
	uint64_t each = mib / n;

	for (int i = 0; i < n; i++) {
		uint64_t sz = i == n - 1 ? mib - each * (n - 1) : each;
		int c0 = i * smp / n, c1 = (i + 1) * smp / n - 1;

		arg(a, "-object");
		arg(a, "memory-backend-ram,id=node%d,size=%lluM", i, (unsigned long long)sz);
		arg(a, "-numa");
		if (c1 >= c0)
			arg(a, "node,nodeid=%d,cpus=%d-%d,memdev=node%d", i, c0, c1, i);
		else
			arg(a, "node,nodeid=%d,memdev=node%d", i, i);
	}
}

/*
 * Our test kernel: no default devices, COM1 to the console file, COM2 to the
 * serial transport (or nothing), the debug-exit port it powers off through.
 */
static void test_kernel_argv(struct argv_buf *a, const struct mb_qemu_opts *o, struct mb_qemu *q,
			     int smp, uint64_t mib)
{
	arg(a, "%s", qemu_binary(o));
	arg(a, "-nodefaults");
	arg(a, "-machine");
	arg(a, "pc%s", o->ramfile ? ",memory-backend=ram0" : "");
	arg(a, "-m");
	arg(a, "%lluM", (unsigned long long)mib);
	arg(a, "-smp");
	arg(a, "%d", smp);
	arg(a, "-display");
	arg(a, "none");
	arg(a, "-monitor");
	arg(a, "none");
	arg(a, "-nic");
	arg(a, "none");
	arg(a, "-no-reboot");
	kernel_args(a, o);
	arg(a, "-serial");
	arg(a, "file:%s", q->console_path);
	if (o->serial) {
		arg(a, "-chardev");
		arg(a, "socket,id=mbser,path=%s,server=on,wait=off", q->serial_path);
		arg(a, "-serial");
		arg(a, "chardev:mbser");
	} else {
		arg(a, "-serial");
		arg(a, "null");
	}
	arg(a, "-chardev");
	arg(a, "socket,id=mbgdb,path=%s,server=on,wait=off", q->gdb_addr + 5);
	arg(a, "-gdb");
	arg(a, "chardev:mbgdb");
	arg(a, "-device");
	arg(a, "isa-debug-exit,iobase=0x501,iosize=2");
	if (o->ramfile) {
		arg(a, "-object");
		arg(a, "memory-backend-file,id=ram0,size=%lluM,mem-path=%s,share=on",
		    (unsigned long long)mib, q->ram_path);
	}
	if (o->machine.numa_nodes > 0)
		numa_args(a, o->machine.numa_nodes, smp, mib);
}

/*
 * A distribution kernel: QEMU's default machine and devices (the firmware
 * tables, and so memblock's arrays, are those of a plain `qemu -kernel`),
 * the console on COM1, frozen until the gdbstub says go, and paused rather
 * than gone when it reboots, so its memory can still be read.
 */
static void stock_linux_argv(struct argv_buf *a, const struct mb_qemu_opts *o, struct mb_qemu *q,
			     int smp, uint64_t mib)
{
	arg(a, "%s", qemu_binary(o));
	arg(a, "-m");
	arg(a, "%lluM", (unsigned long long)mib);
	arg(a, "-smp");
	arg(a, "%d", smp);
	kernel_args(a, o);
	if (o->machine.numa_nodes > 0)
		numa_args(a, o->machine.numa_nodes, smp, mib);
	arg(a, "-display");
	arg(a, "none");
	arg(a, "-monitor");
	arg(a, "none");
	arg(a, "-serial");
	arg(a, "file:%s", q->console_path);
	arg(a, "-nic");
	arg(a, "none");
	arg(a, "-no-reboot");
	arg(a, "-action");
	arg(a, "shutdown=pause");
	arg(a, "-chardev");
	arg(a, "socket,id=mbgdb,path=%s,server=on,wait=off", q->gdb_addr + 5);
	arg(a, "-gdb");
	arg(a, "chardev:mbgdb");
	arg(a, "-S");
}

static void build_argv(struct argv_buf *a, const struct mb_qemu_opts *o, struct mb_qemu *q)
{
	int smp = o->machine.smp > 0 ? o->machine.smp : 1;
	uint64_t mib = q->ram_bytes >> 20;

	if (o->stock_linux)
		stock_linux_argv(a, o, q, smp, mib);
	else
		test_kernel_argv(a, o, q, smp, mib);
	for (size_t i = 0; o->machine.extra && o->machine.extra[i]; i++)
		arg(a, "%s", o->machine.extra[i]);
}

/* Option combinations QEMU would refuse, or run without the agent's sockets. */
static int check_counts(const struct mb_qemu_opts *o, struct mb_error *err)
{
	const struct mb_machine *m = &o->machine;

	if (m->numa_nodes < 0 || m->numa_nodes > 64 || m->smp < 0 || m->smp > 255)
		return mb_error_set(err, MB_ERR_INVAL, 0, 0, "bad NUMA node or CPU count");
	if (o->serial && o->stock_linux)
		return mb_error_set(err, MB_ERR_INVAL, 0, 0,
				    "a stock Linux kernel has no serial transport");
	return 0;
}

/**
 * mb_qemu_start() - start QEMU with the agent's sockets in a private directory
 * @o: options (@o->kernel required)
 * @err: filled on failure
 *
 * The gdbstub is always on a unix socket (the guest runs: no -S). Nothing
 * listens on TCP, so parallel runs cannot collide.
 *
 * Return: handle (stop with mb_qemu_stop()) or NULL.
 */
struct mb_qemu *mb_qemu_start(const struct mb_qemu_opts *o, struct mb_error *err)
{
	const struct mb_machine *m = &o->machine;
	struct argv_buf a = { 0 };
	const char *tmp = getenv("TMPDIR");
	struct mb_qemu *q;
	char tmpl[64];
	pid_t pid, parent;
	int logfd;

	if (!o->kernel) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "no kernel to boot");
		return NULL;
	}
	if (access(o->kernel, R_OK)) {
		mb_error_set(err, MB_ERR_NOTFOUND, errno, 0, "kernel %s: %s", o->kernel,
			     strerror(errno));
		return NULL;
	}
	if (check_counts(o, err))
		return NULL;
	q = calloc(1, sizeof(*q));
	if (!q) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	if (mb_parse_size(m->mem ? m->mem : "256M", &q->ram_bytes) || q->ram_bytes < (16u << 20)) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "bad memory size '%s'", m->mem);
		free(q);
		return NULL;
	}
	if (m->numa_nodes > 0 && (q->ram_bytes >> 20) / (uint64_t)m->numa_nodes == 0) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "cannot split -m %s over %d NUMA nodes",
			     m->mem, m->numa_nodes);
		free(q);
		return NULL;
	}
	/* Unix socket paths are short: keep the directory short too. */
	if (!tmp || strlen(tmp) > 30)
		tmp = "/tmp";
	snprintf(tmpl, sizeof(tmpl), "%s/mbagent-XXXXXX", tmp);
	/* Removed on SIGINT/SIGTERM; after a SIGKILL, by the next run. */
	if (mb_tmpdir_make(tmpl)) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "mkdtemp %s: %s", tmpl, strerror(errno));
		free(q);
		return NULL;
	}
	snprintf(q->dir, sizeof(q->dir), "%s", tmpl);
	snprintf(q->gdb_addr, sizeof(q->gdb_addr), "unix:%s/gdb.sock", q->dir);
	if (o->serial)
		snprintf(q->serial_path, sizeof(q->serial_path), "%s/com2.sock", q->dir);
	if (o->ramfile)
		snprintf(q->ram_path, sizeof(q->ram_path), "%s/ram", q->dir);
	snprintf(q->console_path, sizeof(q->console_path), "%s/console.log", q->dir);
	snprintf(q->log_path, sizeof(q->log_path), "%s/qemu.log", q->dir);
	build_argv(&a, o, q);
	if (a.oom || !(q->cmdline = join(a.v))) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		goto fail;
	}
	mb_agent_log(2, "starting %s", q->cmdline);
	logfd = open(q->log_path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (logfd < 0) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", q->log_path, strerror(errno));
		goto fail;
	}
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "fork: %s", strerror(errno));
		close(logfd);
		goto fail;
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		/* Die with the agent (even on SIGKILL) rather than linger. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL) || getppid() != parent)
			_exit(126);
		execvp(a.v[0], a.v);
		dprintf(2, "exec %s: %s\n", a.v[0], strerror(errno));
		_exit(127);
	}
	close(logfd);
	q->pid = pid;
	argv_free(&a);
	return q;
fail:
	argv_free(&a);
	mb_qemu_stop(q);
	return NULL;
}

/**
 * mb_qemu_alive() - whether QEMU still runs (reaps it if it exited)
 * @q: handle
 *
 * Return: true while running.
 */
bool mb_qemu_alive(struct mb_qemu *q)
{
	int st;

	if (!q->pid)
		return false;
	if (waitpid(q->pid, &st, WNOHANG) == q->pid) {
		q->exit_status = st;
		q->pid = 0;
		return false;
	}
	return true;
}

/**
 * mb_qemu_describe_exit() - turn an early QEMU exit into an error
 * @q: handle (already reaped)
 * @err: filled with the status and QEMU's last output line
 *
 * Return: -1.
 */
int mb_qemu_describe_exit(struct mb_qemu *q, struct mb_error *err)
{
	char line[256] = "", buf[256];
	FILE *f = fopen(q->log_path, "r");

	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (buf[0] != '\n')
				memcpy(line, buf, sizeof(line));
		fclose(f);
		line[strcspn(line, "\n")] = '\0';
	}
	if (WIFSIGNALED(q->exit_status))
		return mb_error_set(err, MB_ERR_IO, 0, 0, "QEMU was killed by signal %d%s%s",
				    WTERMSIG(q->exit_status), line[0] ? ": " : "", line);
	return mb_error_set(err, MB_ERR_IO, 0, 0, "QEMU exited with status %d%s%s",
			    WEXITSTATUS(q->exit_status), line[0] ? ": " : "", line);
}

static void rm(const char *p)
{
	if (p[0])
		unlink(p);
}

/**
 * mb_qemu_stop() - terminate QEMU (SIGTERM, then SIGKILL), reap it, remove its files
 * @q: handle, may be NULL; freed
 */
void mb_qemu_stop(struct mb_qemu *q)
{
	if (!q)
		return;
	if (q->pid) {
		int st;

		kill(q->pid, SIGTERM);
		for (int i = 0; i < 200; i++) {
			if (waitpid(q->pid, &st, WNOHANG) == q->pid) {
				q->pid = 0;
				break;
			}
			usleep(10000);
		}
		if (q->pid) {
			kill(q->pid, SIGKILL);
			waitpid(q->pid, &st, 0);
			q->pid = 0;
		}
	}
	if (q->dir[0]) {
		if (getenv("MB_KEEP_QEMU_DIR")) {
			fprintf(stderr, "keeping %s\n", q->dir);
		} else {
			rm(q->serial_path);
			rm(q->ram_path);
			rm(q->console_path);
			rm(q->log_path);
			rm(q->gdb_addr[0] ? q->gdb_addr + 5 : "");
			mb_tmpdir_remove(q->dir);
		}
	}
	free(q->cmdline);
	free(q);
}
