// SPDX-License-Identifier: GPL-2.0-only
/* linux_capture.c - boot a stock Linux kernel under QEMU and read struct memblock live. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "agent_internal.h"
#include "mbagent/import.h"
#include "mbagent/linux.h"
#include "mbagent/rsp.h"

#define DEFAULT_PATTERN		"MEMBLOCK configuration:"
#define DEFAULT_END_PATTERN	"Memory: "
#define POLL_MS			20
#define MAX_ARGS		(64 + 4 * MAX_NUMA)
#define MAX_NUMA		64

/* One boot: QEMU, its gdbstub, its console. */
struct run {
	char dir[64];
	char console_path[96];
	char gdb_path[96];
	char qemu_log[96];
	char kernel_path[96];
	pid_t pid;
	struct mb_rsp *rsp;
	bool phys;		/* gdbstub reads physical memory */
	int console_fd;
	char *con;		/* console text so far */
	size_t con_len;
	size_t con_cap;
	int64_t last_growth;	/* mb_now_ms() of the last console growth */
	const struct mb_linux_opts *o;
};

static int live_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	struct run *run = ctx;
	struct mb_error err = { 0 };
	uint64_t addr = vaddr;

	if (run->phys && mb_linux_virt_to_phys(vaddr, &addr))
		return -1;
	if (mb_rsp_read_mem(run->rsp, addr, buf, len, &err)) {
		mb_agent_log(2, "linux: read 0x%llx+%zu: %s", (unsigned long long)vaddr, len,
			     err.msg);
		return -1;
	}
	return 0;
}

static int image_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	return mb_linux_image_read(ctx, vaddr, buf, len);
}

/* Append what QEMU wrote to the console file since the last call. */
static int poll_console(struct run *run, struct mb_error *err)
{
	for (;;) {
		ssize_t n;

		if (run->con_cap - run->con_len < 65536) {
			size_t cap = run->con_cap ? run->con_cap * 2 : 1 << 20;
			char *p = realloc(run->con, cap + 1);

			if (!p)
				return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
			run->con = p;
			run->con_cap = cap;
		}
		n = read(run->console_fd, run->con + run->con_len, run->con_cap - run->con_len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mb_error_set(err, MB_ERR_IO, errno, 0, "console: %s", strerror(errno));
		if (n == 0)
			break;
		run->con_len += (size_t)n;
		run->last_growth = mb_now_ms();
	}
	run->con[run->con_len] = 0;
	return 0;
}

static size_t count_occurrences(const char *text, size_t len, const char *pat)
{
	size_t n = 0, pl = strlen(pat);
	const char *p = text, *end = text + len;

	while (pl && (p = memmem(p, (size_t)(end - p), pat, pl))) {
		n++;
		p += pl;
	}
	return n;
}

static bool qemu_alive(struct run *run)
{
	int st;

	if (run->pid <= 0)
		return false;
	if (waitpid(run->pid, &st, WNOHANG) == run->pid) {
		run->pid = -1;
		return false;
	}
	return true;
}

static void qemu_tail(struct run *run, char *out, size_t cap)
{
	FILE *f = fopen(run->qemu_log, "re");
	size_t n = 0;

	out[0] = 0;
	if (!f)
		return;
	n = fread(out, 1, cap - 1, f);
	out[n] = 0;
	fclose(f);
	while (n && (out[n - 1] == '\n' || out[n - 1] == '\r'))
		out[--n] = 0;
	for (size_t i = 0; i < n; i++)
		if (out[i] == '\n')
			out[i] = ' ';
}

static int spawn_qemu(struct run *run, const char *const *argv, struct mb_error *err)
{
	pid_t pid;
	int fd;

	fd = open(run->qemu_log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0)
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", run->qemu_log,
				    strerror(errno));
	pid = fork();
	if (pid < 0) {
		close(fd);
		return mb_error_set(err, MB_ERR_IO, errno, 0, "fork: %s", strerror(errno));
	}
	if (pid == 0) {
		int nul = open("/dev/null", O_RDONLY);

		if (nul >= 0)
			dup2(nul, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		setpgid(0, 0);
		/* A QEMU left behind by a killed agent would sit paused forever. */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() == 1)
			_exit(127);
		execvp(argv[0], (char *const *)argv);
		dprintf(2, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close(fd);
	run->pid = pid;
	return 0;
}

static void run_cleanup(struct run *run)
{
	if (run->rsp)
		mb_rsp_close(run->rsp);
	run->rsp = NULL;
	if (run->pid > 0) {
		int st, i;

		kill(run->pid, SIGTERM);
		for (i = 0; i < 100 && waitpid(run->pid, &st, WNOHANG) == 0; i++)
			usleep(20000);
		if (i == 100) {
			kill(run->pid, SIGKILL);
			waitpid(run->pid, &st, 0);
		}
		run->pid = -1;
	}
	if (run->console_fd >= 0)
		close(run->console_fd);
	run->console_fd = -1;
	free(run->con);
	run->con = NULL;
	if (run->dir[0]) {
		unlink(run->console_path);
		unlink(run->gdb_path);
		unlink(run->qemu_log);
		unlink(run->kernel_path);
		rmdir(run->dir);
	}
}

/* Write @len bytes to a new file. */
static int write_file(const char *path, const void *buf, size_t len, struct mb_error *err)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	const char *p = buf;

	if (fd < 0)
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", path, strerror(errno));
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = errno;

			close(fd);
			return mb_error_set(err, MB_ERR_IO, e, 0, "%s: %s", path, strerror(e));
		}
		p += n;
		len -= (size_t)n;
	}
	if (close(fd))
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", path, strerror(errno));
	return 0;
}

/*
 * The image QEMU boots: the given file, unless it is a Debian package, whose
 * kernel is written to the run directory first.
 */
static int prepare_kernel(struct run *run, const char *path, const char **boot,
			  struct mb_error *err)
{
	uint8_t head[8], *kern = NULL, *file;
	size_t klen = 0, flen = 0;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;
	int ret;

	if (fd < 0)
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", path, strerror(errno));
	n = read(fd, head, sizeof(head));
	if (n != sizeof(head) || memcmp(head, "!<arch>\n", 8)) {
		close(fd);
		*boot = path;
		return 0;
	}
	if (fstat(fd, &st) || st.st_size <= 0 || st.st_size > (1 << 30)) {
		close(fd);
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: cannot size", path);
	}
	flen = (size_t)st.st_size;
	file = malloc(flen);
	if (!file) {
		close(fd);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	n = pread(fd, file, flen, 0);
	close(fd);
	if (n != (ssize_t)flen) {
		free(file);
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: short read", path);
	}
	ret = mb_linux_deb_find_kernel(file, flen, &kern, &klen, NULL, 0, err);
	free(file);
	if (ret)
		return mb_error_prefix(err, "%s", path);
	ret = write_file(run->kernel_path, kern, klen, err);
	free(kern);
	*boot = run->kernel_path;
	return ret;
}

/* The memblock state reader, plus the bookkeeping of the pattern mode. */
struct watch {
	uint64_t mb;			/* struct memblock */
	uint64_t arr[2];		/* watched regions arrays */
	uint64_t arr_len[2];
	struct mb_state prev;		/* state at the previous stop */
	bool have_prev;
	struct mb_state at_pattern;	/* state when the pattern last appeared */
	bool have_at_pattern;
	size_t con_at_pattern;		/* console length at that point */
	size_t occurrences;
	uint64_t stops;
};

static int z2(struct run *run, bool insert, uint64_t addr, uint64_t len, struct mb_error *err)
{
	char cmd[80], reply[64];

	snprintf(cmd, sizeof(cmd), "%c2,%llx,%llx", insert ? 'Z' : 'z',
		 (unsigned long long)addr, (unsigned long long)len);
	if (mb_rsp_command(run->rsp, cmd, reply, sizeof(reply), err) < 0)
		return -1;
	if (strcmp(reply, "OK"))
		return mb_error_set(err, reply[0] ? MB_ERR_REMOTE : MB_ERR_UNSUPPORTED, 0, addr,
				    "write watchpoint %s: '%s'", cmd, reply);
	return 0;
}

/* Watch struct memblock and both regions arrays (re-armed when they move). */
static int arm_watch(struct run *run, const struct mb_linux_image *img, struct watch *w,
		     const uint64_t regions[2], const uint64_t max[2], struct mb_error *err)
{
	int i;

	for (i = 0; i < 2; i++) {
		uint64_t len = max[i] * img->layout.region_size;

		if (regions[i] == w->arr[i] && len == w->arr_len[i])
			continue;
		if (w->arr[i] && z2(run, false, w->arr[i], w->arr_len[i], err))
			return -1;
		w->arr[i] = 0;
		if (!regions[i] || !len)
			continue;
		if (z2(run, true, regions[i], len, err))
			return -1;
		w->arr[i] = regions[i];
		w->arr_len[i] = len;
		mb_agent_log(2, "linux: watching %s regions at 0x%llx+0x%llx",
			     i ? "reserved" : "memory", (unsigned long long)regions[i],
			     (unsigned long long)len);
	}
	return 0;
}

static void state_regions(const struct mb_linux_image *img, const uint8_t *raw,
			  uint64_t regions[2], uint64_t max[2])
{
	const struct mb_linux_layout *l = &img->layout;

	memcpy(&regions[0], raw + l->memory_off + l->regions_off, 8);
	memcpy(&regions[1], raw + l->reserved_off + l->regions_off, 8);
	memcpy(&max[0], raw + l->memory_off + l->max_off, 8);
	memcpy(&max[1], raw + l->reserved_off + l->max_off, 8);
}

/* "512M", "1G", "1048576" (bytes) as QEMU reads -m; 0 if not understood. */
static uint64_t parse_size(const char *s)
{
	char *end;
	unsigned long long v = strtoull(s, &end, 10);
	uint64_t mul = 1ull << 20;	/* QEMU: a bare number is MiB */

	if (end == s)
		return 0;
	if (*end) {
		const char *units = "KMGT";
		const char *u = (*end & ~0x20) ? strchr(units, *end & ~0x20) : NULL;

		if (!u)
			return 0;
		mul = 1ull << (10 * (u - units + 1));
		end++;
	}
	if (*end == 'B' || *end == 'b')
		end++;
	if (*end || v > (UINT64_MAX >> 40))
		return 0;
	return v * mul;
}

/* The kernel command line: ours first, then the user's words. */
static void build_append(const struct mb_linux_opts *o, char *buf, size_t cap)
{
	snprintf(buf, cap, "console=ttyS0 earlyprintk=serial nokaslr panic=-1 loglevel=8%s%s%s",
		 o->no_memblock_debug ? "" : " memblock=debug", o->append ? " " : "",
		 o->append ? o->append : "");
}

static int wait_event(struct run *run, int64_t deadline, struct mb_rsp_stop *stop, bool *stopped,
		      struct mb_error *err)
{
	struct mb_error tmp = { 0 };

	*stopped = false;
	if (mb_rsp_wait_stop(run->rsp, POLL_MS, stop, &tmp) == 0) {
		*stopped = true;
	} else if (tmp.code != MB_ERR_TIMEOUT) {
		*err = tmp;
		return mb_error_prefix(err, "gdbstub");
	}
	if (poll_console(run, err))
		return -1;
	if (!*stopped && !qemu_alive(run)) {
		char tail[400];

		qemu_tail(run, tail, sizeof(tail));
		return mb_error_set(err, MB_ERR_CLOSED, 0, 0,
				    "QEMU exited before the read point%s%s", tail[0] ? ": " : "",
				    tail);
	}
	if (mb_now_ms() > deadline)
		return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
				    "timed out before the read point (console: %zu bytes)",
				    run->con_len);
	return 0;
}

/* Read the state now (target stopped); also returns the raw struct for arming. */
static int read_now(struct run *run, const struct mb_linux_image *img, uint64_t mb,
		    struct mb_state *st, uint64_t regions[2], uint64_t max[2], struct mb_error *err)
{
	uint8_t raw[512];

	if (live_read(run, mb, raw, img->layout.memblock_size))
		return mb_error_set(err, MB_ERR_IO, 0, mb, "cannot read struct memblock at 0x%llx",
				    (unsigned long long)mb);
	if (regions)
		state_regions(img, raw, regions, max);
	return mb_linux_read_state(&img->layout, mb, live_read, run, st, err);
}

/*
 * Pattern mode: stop at every write to struct memblock or its arrays, and
 * read the state at each stop. Between two stops nothing changes, so the
 * state in force when the console printed the pattern is the one read at the
 * last stop before the text appeared: the previous stop's if the text shows
 * at a stop (that stop's write came after it), the last one's if it shows
 * while the guest runs. The console is cut at the next stop (or the end), by
 * which time the whole block after the pattern has been printed.
 */
static int run_pattern(struct run *run, const struct mb_linux_image *img, uint64_t mb,
		       const char *pat, const char *end_pat, int64_t deadline, struct watch *w,
		       struct mb_error *err)
{
	uint64_t regions[2] = { 0 }, max[2] = { 0 };
	struct mb_rsp_stop stop = { 0 };
	bool stopped, end = false, cut_pending = false;
	uint8_t raw[512];
	size_t occ;

	w->mb = mb;
	if (z2(run, true, mb, img->layout.memblock_size, err))
		return mb_error_prefix(err, "watch struct memblock");
	/* Before boot the image is not in memory yet: arm the arrays from the file. */
	if (mb_linux_image_read(img, mb, raw, img->layout.memblock_size) == 0) {
		state_regions(img, raw, regions, max);
		if (arm_watch(run, img, w, regions, max, err))
			return -1;
	}
	if (mb_rsp_continue(run->rsp, err))
		return -1;
	while (!end) {
		struct mb_state cur;

		if (wait_event(run, deadline, &stop, &stopped, err))
			return -1;
		if (stopped && (stop.kind == 'W' || stop.kind == 'X'))
			return mb_error_set(err, MB_ERR_CLOSED, 0, 0, "guest ended (%c%02x)",
					    stop.kind, stop.signal);
		/* A stop that is not a watchpoint (SIGTRAP): the guest paused itself. */
		if (stopped && stop.signal != 5)
			end = true;
		occ = count_occurrences(run->con, run->con_len, pat);
		if (end_pat && count_occurrences(run->con, run->con_len, end_pat) > 0)
			end = true;
		if (occ > w->occurrences) {
			mb_state_clear(&w->at_pattern);
			if (w->have_prev) {
				if (mb_state_copy(&w->at_pattern, &w->prev, err))
					return -1;
			} else {
				/* No write seen yet: the state now is the one in force. */
				if (!stopped && mb_rsp_interrupt(run->rsp, &stop, err))
					return -1;
				stopped = true;
				if (read_now(run, img, mb, &w->at_pattern, regions, max, err))
					return -1;
			}
			w->have_at_pattern = true;
			w->occurrences = occ;
			cut_pending = true;
		}
		if (cut_pending && (stopped || end)) {
			if (poll_console(run, err))
				return -1;
			w->con_at_pattern = run->con_len;
			cut_pending = false;
		}
		if (!stopped)
			continue;
		w->stops++;
		if (read_now(run, img, mb, &cur, regions, max, err))
			return -1;
		mb_state_clear(&w->prev);
		w->prev = cur;
		w->have_prev = true;
		if (end)
			break;
		if (arm_watch(run, img, w, regions, max, err) || mb_rsp_continue(run->rsp, err))
			return -1;
	}
	if (!w->have_at_pattern)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "the console never showed '%s' before '%s'", pat, end_pat);
	return 0;
}

/*
 * Cut the console text of a pattern-mode read: keep the last occurrence of
 * the pattern and the block it starts, drop the memblock_* lines printed
 * after it (their operations came after the state we read).
 */
static size_t cut_console(const char *con, size_t len, const char *pat)
{
	const char *last = NULL, *p = con, *end = con + len;
	size_t pl = strlen(pat);

	while ((p = memmem(p, (size_t)(end - p), pat, pl))) {
		last = p;
		p += pl;
	}
	if (!last)
		return len;
	p = memchr(last, '\n', (size_t)(end - last));
	while (p && p < end) {
		const char *line = p + 1, *nl = memchr(line, '\n', (size_t)(end - line));
		const char *txt = line;

		if (!nl)
			return (size_t)(line - con);
		if (*txt == '[') {
			const char *q = memchr(txt, ']', (size_t)(nl - txt));

			if (q)
				txt = q + 1;
			while (txt < nl && *txt == ' ')
				txt++;
		}
		if (nl - txt >= 9 && !memcmp(txt, "memblock_", 9))
			return (size_t)(line - con);
		p = nl;
	}
	return len;
}

static void set_meta_u64(struct mb_capture *c, const char *key, uint64_t v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "0x%llx", (unsigned long long)v);
	mb_capture_set_meta(c, key, buf);
}

static char *join_args(const char *const *argv)
{
	size_t n = 1, i;
	char *s;

	for (i = 0; argv[i]; i++)
		n += strlen(argv[i]) + 3;
	s = malloc(n);
	if (!s)
		return NULL;
	s[0] = 0;
	for (i = 0; argv[i]; i++) {
		if (i)
			strcat(s, " ");
		if (strchr(argv[i], ' ')) {
			strcat(s, "'");
			strcat(s, argv[i]);
			strcat(s, "'");
		} else {
			strcat(s, argv[i]);
		}
	}
	return s;
}

int mb_linux_parse_read_point(const char *s, struct mb_linux_opts *o, struct mb_error *err)
{
	const char *arg = strchr(s, ':');
	size_t n = arg ? (size_t)(arg - s) : strlen(s);

	if (arg)
		arg++;
	if (n == 4 && !strncmp(s, "auto", 4) && !arg) {
		o->read_point = MB_LINUX_AT_AUTO;
	} else if (n == 6 && !strncmp(s, "symbol", 6)) {
		o->read_point = MB_LINUX_AT_SYMBOL;
		if (arg && *arg)
			o->read_symbol = arg;
	} else if (n == 7 && !strncmp(s, "pattern", 7)) {
		o->read_point = MB_LINUX_AT_PATTERN;
		if (arg && *arg)
			o->pattern = arg;
	} else if (n == 4 && !strncmp(s, "idle", 4)) {
		char *end;
		long ms = arg ? strtol(arg, &end, 10) : 0;

		if (arg && (end == arg || *end || ms <= 0 || ms > 600000))
			return mb_error_set(err, MB_ERR_INVAL, 0, 0, "bad idle time '%s' (ms)", arg);
		o->read_point = MB_LINUX_AT_IDLE;
		o->idle_ms = (int)ms;
	} else {
		return mb_error_set(err, MB_ERR_INVAL, 0, 0,
				    "bad read point '%s' (auto, symbol[:NAME], pattern[:TEXT], idle[:MS])",
				    s);
	}
	return 0;
}

/**
 * mb_linux_capture() - boot a stock Linux kernel and read struct memblock live
 * @o: options
 * @err: filled on failure
 *
 * See linux.h. Return: a capture, or NULL with @err set.
 */
struct mb_capture *mb_linux_capture(const struct mb_linux_opts *o, struct mb_error *err)
{
	struct run run = { .pid = -1, .console_fd = -1, .o = o };
	struct mb_linux_image *img = NULL;
	struct mb_capture *c = NULL;
	struct mb_state final = { 0 };
	struct watch w = { 0 };
	const char *argv[MAX_ARGS], *boot = NULL, *found_by, *sym, *pat, *end_pat;
	char append[1024], mem_arg[64], smp_arg[32], chardev[160], numa[MAX_NUMA][2][96];
	char read_point[256], serial[160], *cmdline = NULL;
	uint64_t mb = 0, sym_addr = 0, regions[2] = { 0 }, max[2] = { 0 };
	struct mb_linux_kallsyms *ks = NULL;
	const char *sym_from = "";
	char kcheck[64] = "";
	bool dynamic = false;
	int mode, argc = 0, i, timeout_s;
	int64_t deadline;
	struct mb_error tmp = { 0 };
	size_t keep_len;

	if (!o || !o->image) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "no Linux kernel image given");
		return NULL;
	}
	timeout_s = o->timeout_s > 0 ? o->timeout_s : 120;
	deadline = mb_now_ms() + timeout_s * 1000LL;
	sym = o->read_symbol ? o->read_symbol : "memblock_free_all";
	img = mb_linux_image_open(o->image, err);
	if (!img)
		return NULL;

	/* Where struct memblock is. */
	if (o->memblock_addr) {
		mb = o->memblock_addr;
		found_by = "given";
	} else if (mb_linux_symbol(img, "memblock", &mb) == 0) {
		found_by = "symtab";
	} else if (o->system_map && mb_linux_system_map_lookup(o->system_map, "memblock", &mb,
							       &tmp) == 0) {
		found_by = "system.map";
	} else {
		if (!o->no_kallsyms)
			ks = mb_linux_kallsyms_open(img, &tmp);
		if (mb_linux_locate_memblock(img, &mb, err)) {
			/* The shape scan failed: the kernel's own symbol table may know. */
			if (mb_linux_kallsyms_lookup(ks, "memblock", &mb))
				goto fail;
			found_by = "kallsyms";
		} else {
			found_by = "scan";
		}
	}
	if (!o->no_kallsyms && !ks && !img->has_symtab)
		ks = mb_linux_kallsyms_open(img, &tmp);
	{
		uint64_t ka;

		/* Two independent ways to the same address: say whether they agree. */
		if (mb_linux_kallsyms_lookup(ks, "memblock", &ka) == 0) {
			snprintf(kcheck, sizeof(kcheck), "0x%llx (%s)", (unsigned long long)ka,
				 ka == mb ? "agrees" : "DIFFERS");
			if (ka != mb)
				mb_agent_log(1, "linux: kallsyms places memblock at 0x%llx, %s at 0x%llx",
					     (unsigned long long)ka, found_by,
					     (unsigned long long)mb);
		}
	}
	if (!mb_linux_check_memblock(img, mb, image_read, img,
				     read_point, sizeof(read_point))) {
		mb_error_set(err, MB_ERR_MISMATCH, 0, mb,
			     "0x%llx (from %s) is not struct memblock in this image: %s",
			     (unsigned long long)mb, found_by, read_point);
		goto fail;
	}

	/* When to read. */
	mode = o->read_point;
	if (mode == MB_LINUX_AT_SYMBOL || mode == MB_LINUX_AT_AUTO) {
		bool known = true;

		if (mb_linux_symbol(img, sym, &sym_addr) == 0)
			sym_from = "symtab";
		else if (o->system_map &&
			 mb_linux_system_map_lookup(o->system_map, sym, &sym_addr, &tmp) == 0)
			sym_from = "System.map";
		else if (mb_linux_kallsyms_lookup(ks, sym, &sym_addr) == 0)
			sym_from = "kallsyms";
		else
			known = false;
		if (!known && mode == MB_LINUX_AT_SYMBOL) {
			mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				     "no address for %s: not in .symtab, %s, nor kallsyms", sym,
				     o->system_map ? "the System.map" : "no System.map given");
			goto fail;
		}
		if (known)
			mode = MB_LINUX_AT_SYMBOL;
		else
			mode = o->pattern ? MB_LINUX_AT_PATTERN : MB_LINUX_AT_IDLE;
	}
	pat = o->pattern ? o->pattern : DEFAULT_PATTERN;
	end_pat = o->end_pattern ? o->end_pattern : DEFAULT_END_PATTERN;

	/* The run directory and QEMU. */
	snprintf(run.dir, sizeof(run.dir), "/tmp/mb-linux-XXXXXX");
	if (!mkdtemp(run.dir)) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "mkdtemp: %s", strerror(errno));
		run.dir[0] = 0;
		goto fail;
	}
	snprintf(run.console_path, sizeof(run.console_path), "%s/console", run.dir);
	snprintf(run.gdb_path, sizeof(run.gdb_path), "%s/gdb", run.dir);
	snprintf(run.qemu_log, sizeof(run.qemu_log), "%s/qemu.log", run.dir);
	snprintf(run.kernel_path, sizeof(run.kernel_path), "%s/vmlinuz", run.dir);
	if (prepare_kernel(&run, o->image, &boot, err))
		goto fail;
	run.console_fd = open(run.console_path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (run.console_fd < 0) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", run.console_path, strerror(errno));
		goto fail;
	}
	build_append(o, append, sizeof(append));
	snprintf(mem_arg, sizeof(mem_arg), "%s", o->mem ? o->mem : "512M");
	snprintf(smp_arg, sizeof(smp_arg), "%d", o->smp > 0 ? o->smp : 1);
	snprintf(chardev, sizeof(chardev), "socket,id=mbgdb,path=%s,server=on,wait=off",
		 run.gdb_path);
	argv[argc++] = o->qemu ? o->qemu : "qemu-system-x86_64";
	argv[argc++] = "-m";
	argv[argc++] = mem_arg;
	argv[argc++] = "-smp";
	argv[argc++] = smp_arg;
	argv[argc++] = "-kernel";
	argv[argc++] = boot;
	argv[argc++] = "-append";
	argv[argc++] = append;
	if (o->initrd) {
		argv[argc++] = "-initrd";
		argv[argc++] = o->initrd;
	}
	if (o->numa_nodes > MAX_NUMA) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "at most %d NUMA nodes", MAX_NUMA);
		goto fail;
	}
	if (o->numa_nodes > 0) {
		/* RAM split evenly (in MiB) over memory backends, one per node. */
		uint64_t total = parse_size(mem_arg), per, left;

		if (!total || total / (uint64_t)o->numa_nodes < (16ull << 20)) {
			mb_error_set(err, MB_ERR_INVAL, 0, 0,
				     "cannot split -m %s over %d NUMA nodes", mem_arg, o->numa_nodes);
			goto fail;
		}
		per = total / (uint64_t)o->numa_nodes & ~((1ull << 20) - 1);
		left = total;
		for (i = 0; i < o->numa_nodes; i++) {
			uint64_t sz = i == o->numa_nodes - 1 ? left : per;

			left -= sz;
			snprintf(numa[i][0], sizeof(numa[i][0]),
				 "memory-backend-ram,id=mbnode%d,size=%lluM", i,
				 (unsigned long long)(sz >> 20));
			snprintf(numa[i][1], sizeof(numa[i][1]), "node,nodeid=%d,memdev=mbnode%d", i,
				 i);
			argv[argc++] = "-object";
			argv[argc++] = numa[i][0];
			argv[argc++] = "-numa";
			argv[argc++] = numa[i][1];
		}
	}
	argv[argc++] = "-display";
	argv[argc++] = "none";
	argv[argc++] = "-monitor";
	argv[argc++] = "none";
	argv[argc++] = "-serial";
	snprintf(serial, sizeof(serial), "file:%s", run.console_path);
	argv[argc++] = serial;
	argv[argc++] = "-nic";
	argv[argc++] = "none";
	argv[argc++] = "-no-reboot";
	/* A guest that reboots (panic=-1) pauses instead of ending: still readable. */
	argv[argc++] = "-action";
	argv[argc++] = "shutdown=pause";
	argv[argc++] = "-chardev";
	argv[argc++] = chardev;
	argv[argc++] = "-gdb";
	argv[argc++] = "chardev:mbgdb";
	argv[argc++] = "-S";
	for (i = 0; o->qemu_extra && o->qemu_extra[i] && argc < MAX_ARGS - 1; i++)
		argv[argc++] = o->qemu_extra[i];
	argv[argc] = NULL;
	cmdline = join_args(argv);
	mb_agent_log(1, "linux: %s", cmdline ? cmdline : "(qemu)");
	if (spawn_qemu(&run, argv, err))
		goto fail;
	{
		char addr[128];
		int64_t until = mb_now_ms() + 10000;
		struct stat sst;

		/* Wait for the gdbstub socket, noticing a QEMU that failed to start. */
		while (stat(run.gdb_path, &sst) && mb_now_ms() < until && qemu_alive(&run))
			usleep(10000);
		if (!qemu_alive(&run)) {
			char tail[400];

			qemu_tail(&run, tail, sizeof(tail));
			mb_error_set(err, MB_ERR_IO, 0, 0, "QEMU did not start%s%s",
				     tail[0] ? ": " : "", tail);
			goto fail;
		}
		snprintf(addr, sizeof(addr), "unix:%s", run.gdb_path);
		run.rsp = mb_rsp_connect(addr, 10000, err);
	}
	if (!run.rsp || mb_rsp_handshake(run.rsp, err) ||
	    mb_rsp_halt_reason(run.rsp, NULL, err)) {
		char tail[400];

		qemu_tail(&run, tail, sizeof(tail));
		mb_error_prefix(err, "QEMU gdbstub%s%s%s", tail[0] ? " (QEMU said: " : "", tail,
				tail[0] ? ")" : "");
		goto fail;
	}
	run.phys = mb_rsp_set_phys_mode(run.rsp, true, &tmp) == 0;
	if (o->progress)
		fprintf(stderr, "booting %s (%s)...\n", img->version[0] ? img->version + 14 :
			o->image, mode == MB_LINUX_AT_SYMBOL ? sym :
			mode == MB_LINUX_AT_PATTERN ? pat : "idle");

	if (mode == MB_LINUX_AT_SYMBOL) {
		struct mb_rsp_stop stop;
		bool stopped = false;

		if (mb_rsp_breakpoint(run.rsp, true, true, sym_addr, err) ||
		    mb_rsp_continue(run.rsp, err))
			goto fail;
		while (!stopped)
			if (wait_event(&run, deadline, &stop, &stopped, err))
				goto fail;
		if (stop.kind == 'W' || stop.kind == 'X') {
			mb_error_set(err, MB_ERR_CLOSED, 0, 0, "guest ended before %s", sym);
			goto fail;
		}
		if (read_now(&run, img, mb, &final, NULL, NULL, err))
			goto fail;
		snprintf(read_point, sizeof(read_point),
			 "symbol %s (hardware breakpoint at 0x%llx, address from %s)", sym,
			 (unsigned long long)sym_addr, sym_from);
		keep_len = run.con_len;
	} else if (mode == MB_LINUX_AT_PATTERN) {
		if (run_pattern(&run, img, mb, pat, end_pat, deadline, &w, err))
			goto fail;
		final = w.at_pattern;
		memset(&w.at_pattern, 0, sizeof(w.at_pattern));
		snprintf(read_point, sizeof(read_point),
			 "pattern '%s' (occurrence %zu; watched %llu memblock writes)", pat,
			 w.occurrences, (unsigned long long)w.stops);
		keep_len = cut_console(run.con, w.con_at_pattern, pat);
	} else {
		struct mb_rsp_stop stop;
		bool stopped = false;
		int idle = o->idle_ms > 0 ? o->idle_ms : 3000;

		if (mb_rsp_continue(run.rsp, err))
			goto fail;
		run.last_growth = mb_now_ms();
		while (!stopped && mb_now_ms() - run.last_growth < idle)
			if (wait_event(&run, deadline, &stop, &stopped, err))
				goto fail;
		if (!stopped && mb_rsp_interrupt(run.rsp, &stop, err))
			goto fail;
		if (read_now(&run, img, mb, &final, regions, max, err))
			goto fail;
		/* Arrays memblock had to grow live in the direct map: freed at memblock_discard(). */
		dynamic = regions[0] < MB_LINUX_START_KERNEL_MAP ||
			  regions[1] < MB_LINUX_START_KERNEL_MAP;
		snprintf(read_point, sizeof(read_point), "idle (%s)",
			 stopped ? "guest stopped itself" : "console silent");
		keep_len = run.con_len;
	}
	if (poll_console(&run, err))
		goto fail;
	if (o->console_out && write_file(o->console_out, run.con, run.con_len, err))
		goto fail;
	if (o->progress)
		fprintf(stderr, "read at %s\n", read_point);

	/* Events from the console (up to the read point), state read live. */
	{
		FILE *f = fmemopen(run.con, keep_len ? keep_len : 1, "r");

		if (!f) {
			mb_error_set(err, MB_ERR_NOMEM, errno, 0, "fmemopen: %s", strerror(errno));
			goto fail;
		}
		c = keep_len ? mb_import_stream(f, "console", NULL, &tmp) : NULL;
		fclose(f);
	}
	if (!c) {
		/* No memblock=debug output (or not yet): a capture of the live state only. */
		mb_agent_log(1, "linux: no console events: %s", keep_len ? tmp.msg : "empty");
		c = mb_capture_new();
		if (!c) {
			mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
			goto fail;
		}
		mb_capture_set_meta(c, "console_events", "none");
	}
	c->source = MB_SRC_LINUX_LIVE;
	mb_state_clear(&c->final);
	c->final = final;
	memset(&final, 0, sizeof(final));
	memcpy(c->build_id, img->build_id, img->build_id_len);
	c->build_id_len = img->build_id_len;
	mb_capture_set_meta(c, "read_point", read_point);
	if (dynamic)
		mb_capture_set_meta(c, "warning",
				    "region arrays were allocated dynamically and may have been freed by memblock_discard() before this idle read; read at pattern:'Memory: ' instead");
	set_meta_u64(c, "memblock_addr", mb);
	mb_capture_set_meta(c, "memblock_found_by", found_by);
	if (kcheck[0])
		mb_capture_set_meta(c, "memblock_kallsyms", kcheck);
	mb_capture_set_meta(c, "linux_version", img->version[0] ? img->version + 14 : "unknown");
	mb_capture_set_meta(c, "image", o->image);
	mb_capture_set_meta(c, "image_compression", img->compression);
	mb_capture_set_meta(c, "ram_size", mem_arg);
	mb_capture_set_meta(c, "kernel_cmdline", append);
	if (cmdline)
		mb_capture_set_meta(c, "qemu_cmdline", cmdline);
	free(cmdline);
	mb_state_clear(&w.prev);
	mb_state_clear(&w.at_pattern);
	run_cleanup(&run);
	mb_linux_kallsyms_free(ks);
	mb_linux_image_free(img);
	return c;
fail:
	free(cmdline);
	mb_state_clear(&final);
	mb_state_clear(&w.prev);
	mb_state_clear(&w.at_pattern);
	mb_capture_free(c);
	run_cleanup(&run);
	mb_linux_kallsyms_free(ks);
	mb_linux_image_free(img);
	return NULL;
}
