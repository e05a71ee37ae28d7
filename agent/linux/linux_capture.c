// SPDX-License-Identifier: GPL-2.0-only
/* linux_capture.c - boot a stock Linux kernel under QEMU and read struct memblock live. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_internal.h"
#include "mbagent/import.h"
#include "mbagent/linux.h"
#include "mbagent/linux_trace.h"
#include "mbagent/qemu.h"
#include "mbagent/rsp.h"
#include "mbagent/target.h"

#define DEFAULT_PATTERN		"MEMBLOCK configuration:"
#define DEFAULT_END_PATTERN	"Memory: "
#define POLL_MS			20

/* Pattern mode's bookkeeping. */
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

/* One capture: the image, where and when to read, the boot, what was read. */
struct run {
	const struct mb_linux_opts *o;
	struct mb_linux_image *img;
	struct mb_linux_kallsyms *ks;
	/* where struct memblock is */
	uint64_t mb;
	const char *found_by;
	char kcheck[64];		/* what kallsyms says of it, if anything */
	/* when to read */
	int mode;			/* enum mb_linux_read_point, AUTO resolved */
	const char *sym, *sym_from, *pat, *end_pat;
	uint64_t sym_addr;
	int64_t deadline;
	/* the boot */
	char kdir[64];			/* holds the kernel unpacked from a .deb */
	char kernel_path[96];
	const char *boot;		/* the file QEMU boots */
	char append[1024];
	struct mb_qemu *q;
	struct mb_rsp *rsp;
	struct mb_transport *t;		/* every read of guest memory */
	bool phys;			/* the gdbstub reads physical memory */
	int console_fd;
	char *con;			/* console text so far */
	size_t con_len;
	size_t con_cap;
	int64_t last_growth;		/* mb_now_ms() of the last console growth */
	/* the read */
	struct watch w;
	struct mb_state final;
	char read_point[256];
	size_t keep_len;		/* console bytes whose events precede the read */
	bool dynamic;			/* arrays in the direct map at an idle read */
	struct mb_capture *traced;	/* --trace: the calls recorded on the way */
	unsigned long trace_waits;	/* --trace: times the guest was resumed */
	char cached_kernel[4096];	/* the package's kernel in the image cache, or "" */
	/* the progress line (o->progress): kernel name, phase, seconds since the start */
	char name[48];
	const char *phase;
	int64_t t0;
	int64_t drawn_ms;		/* when the line was last drawn (0: never) */
	size_t memblock_scan;		/* console offset searched for a memblock line */
};

/* ---- the progress line ---- */

/* Columns of the terminal on stderr (80 if unknown). */
static int term_cols(void)
{
	struct winsize ws;

	if (ioctl(STDERR_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col;
	return 80;
}

/*
 * Draw the progress line in place: "NAME: PHASE, Ns", cut to one column less
 * than the terminal so that it never wraps, then erase the rest of the row.
 */
static void progress_draw(struct run *run)
{
	char tail[64], line[160];
	int cols = term_cols() - 1, room;

	if (!run->o->progress)
		return;
	run->drawn_ms = mb_now_ms();
	snprintf(tail, sizeof(tail), ": %s, %llds", run->phase ? run->phase : "starting",
		 (long long)(run->drawn_ms - run->t0) / 1000);
	/* The name gives way first, then the phase and the seconds. */
	room = cols - (int)strlen(tail);
	snprintf(line, sizeof(line), "%.*s%s", room > 0 ? room : 0, run->name, tail);
	if (cols < (int)strlen(line))
		line[cols > 0 ? cols : 0] = '\0';
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
}

/* Enter @phase (unpacking, booting, tracing, reading) and redraw. */
static void progress_phase(struct run *run, const char *phase)
{
	run->phase = phase;
	progress_draw(run);
}

/* Redraw when the seconds tick. */
static void progress_tick(struct run *run)
{
	if (run->o->progress && run->phase &&
	    (mb_now_ms() - run->t0) / 1000 != (run->drawn_ms - run->t0) / 1000)
		progress_draw(run);
}

/* Erase the progress line (before the result or an error message). */
static void progress_clear(struct run *run)
{
	if (run->o->progress && run->drawn_ms) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
	}
}

/* Booting turns to tracing at the console's first memblock=debug line. */
static void progress_console(struct run *run)
{
	size_t from = run->memblock_scan;

	if (!run->o->progress || !run->phase || strcmp(run->phase, "booting") || !run->con ||
	    run->con_len < from)
		return;
	run->con[run->con_len] = '\0';
	if (strstr(run->con + from, "memblock_") || strstr(run->con + from, "MEMBLOCK"))
		progress_phase(run, "tracing");
	run->memblock_scan = run->con_len > 16 ? run->con_len - 16 : 0;
}

static int image_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	return mb_linux_image_read(ctx, vaddr, buf, len);
}

static int linux_v2p(uint64_t vaddr, uint64_t *phys, void *ctx)
{
	(void)ctx;
	return mb_linux_virt_to_phys(vaddr, phys);
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

/* Both regions pointers and capacities out of the bytes of struct memblock. */
static void state_regions(const struct mb_layout *l, const uint8_t *raw, uint64_t regions[2],
			  uint64_t max[2])
{
	for (int i = 0; i < 2; i++) {
		regions[i] = mb_linux_type_field(l, raw, i == 0, &l->regions);
		max[i] = mb_linux_type_field(l, raw, i == 0, &l->max);
	}
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

/* ---- where: struct memblock's address ---- */

/* The symbol table, the System.map, the shape scan, the kernel's kallsyms: first that knows. */
static int find_memblock(struct run *run, struct mb_error *err)
{
	const struct mb_linux_opts *o = run->o;
	struct mb_error tmp = { 0 };

	if (o->memblock_addr) {
		run->mb = o->memblock_addr;
		run->found_by = "given";
	} else if (mb_linux_symbol(run->img, "memblock", &run->mb) == 0) {
		run->found_by = "symtab";
	} else if (o->system_map && mb_linux_system_map_lookup(o->system_map, "memblock",
								&run->mb, &tmp) == 0) {
		run->found_by = "system.map";
	} else {
		if (!o->no_kallsyms)
			run->ks = mb_linux_kallsyms_open(run->img, &tmp);
		if (mb_linux_locate_memblock(run->img, &run->mb, err)) {
			/* The shape scan failed: the kernel's own symbol table may know. */
			if (mb_linux_kallsyms_lookup(run->ks, "memblock", &run->mb))
				return -1;
			run->found_by = "kallsyms";
		} else {
			run->found_by = "scan";
		}
	}
	if (!o->no_kallsyms && !run->ks && (!run->img->has_symtab || o->trace))
		run->ks = mb_linux_kallsyms_open(run->img, &tmp);
	if (o->trace && !run->ks)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "--trace needs the image's kallsyms tables%s%.400s",
				    o->no_kallsyms ? " (disabled)" : ": ",
				    o->no_kallsyms ? "" : tmp.msg);
	if (o->trace && !run->img->btf)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "--trace needs the image's BTF");
	return 0;
}

/* Two independent ways to the same address: say whether they agree. */
static void cross_check_kallsyms(struct run *run)
{
	uint64_t ka;

	if (mb_linux_kallsyms_lookup(run->ks, "memblock", &ka))
		return;
	snprintf(run->kcheck, sizeof(run->kcheck), "0x%llx (%s)", (unsigned long long)ka,
		 ka == run->mb ? "agrees" : "DIFFERS");
	if (ka != run->mb)
		mb_agent_log(1, "linux: kallsyms places memblock at 0x%llx, %s at 0x%llx",
			     (unsigned long long)ka, run->found_by, (unsigned long long)run->mb);
}

static int check_found(struct run *run, struct mb_error *err)
{
	char why[256];

	if (mb_linux_check_memblock(run->img, run->mb, image_read, run->img, why, sizeof(why)))
		return 0;
	return mb_error_set(err, MB_ERR_MISMATCH, 0, run->mb,
			    "0x%llx (from %s) is not struct memblock in this image: %s",
			    (unsigned long long)run->mb, run->found_by, why);
}

/* ---- when: the read point ---- */

/* AUTO becomes SYMBOL when the symbol has an address, else PATTERN or IDLE. */
static int choose_read_point(struct run *run, struct mb_error *err)
{
	const struct mb_linux_opts *o = run->o;
	struct mb_error tmp = { 0 };

	run->mode = o->read_point;
	run->sym = o->read_symbol ? o->read_symbol : "memblock_free_all";
	run->pat = o->pattern ? o->pattern : DEFAULT_PATTERN;
	run->end_pat = o->end_pattern ? o->end_pattern : DEFAULT_END_PATTERN;
	if (run->mode != MB_LINUX_AT_SYMBOL && run->mode != MB_LINUX_AT_AUTO) {
		if (o->trace)
			return mb_error_set(err, MB_ERR_INVAL, 0, 0,
					    "--trace reads at a symbol (read point symbol[:NAME]), not at a pattern or idle");
		return 0;
	}
	if (mb_linux_symbol(run->img, run->sym, &run->sym_addr) == 0)
		run->sym_from = "symtab";
	else if (o->system_map &&
		 mb_linux_system_map_lookup(o->system_map, run->sym, &run->sym_addr, &tmp) == 0)
		run->sym_from = "System.map";
	else if (mb_linux_kallsyms_lookup(run->ks, run->sym, &run->sym_addr) == 0)
		run->sym_from = "kallsyms";
	if (run->sym_from) {
		run->mode = MB_LINUX_AT_SYMBOL;
	} else if (run->mode == MB_LINUX_AT_SYMBOL) {
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "no address for %s: not in .symtab, %s, nor kallsyms", run->sym,
				    o->system_map ? "the System.map" : "no System.map given");
	} else if (o->trace) {
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "--trace reads at a symbol, and %s has no address", run->sym);
	} else {
		run->mode = o->pattern ? MB_LINUX_AT_PATTERN : MB_LINUX_AT_IDLE;
	}
	return 0;
}

/* ---- the boot ---- */

/*
 * The image QEMU boots: the given file, unless it is a Debian package, whose
 * kernel is written to the run directory first.
 */
static int prepare_kernel(struct run *run, struct mb_error *err)
{
	const char *path = run->o->image;
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
		run->boot = path;
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
	/* The package's kernel, unpacked by an earlier capture: boot the cached copy. */
	if (mb_linux_cache_name(file, flen, "bzimage", run->cached_kernel,
				sizeof(run->cached_kernel)) == 0 &&
	    access(run->cached_kernel, R_OK) == 0) {
		free(file);
		run->boot = run->cached_kernel;
		return 0;
	}
	ret = mb_linux_deb_find_kernel(file, flen, &kern, &klen, NULL, 0, err);
	free(file);
	if (ret)
		return mb_error_prefix(err, "%s", path);
	if (run->cached_kernel[0]) {
		mb_linux_cache_store(run->cached_kernel, kern, klen);
		if (access(run->cached_kernel, R_OK) == 0) {
			free(kern);
			run->boot = run->cached_kernel;
			return 0;
		}
	}
	snprintf(run->kdir, sizeof(run->kdir), "/tmp/mb-linux-XXXXXX");
	if (mb_tmpdir_make(run->kdir)) {	/* removed on signals, swept after SIGKILL */
		run->kdir[0] = 0;
		free(kern);
		return mb_error_set(err, MB_ERR_IO, errno, 0, "mkdtemp: %s", strerror(errno));
	}
	snprintf(run->kernel_path, sizeof(run->kernel_path), "%s/vmlinuz", run->kdir);
	ret = write_file(run->kernel_path, kern, klen, err);
	free(kern);
	run->boot = run->kernel_path;
	return ret;
}

/*
 * The kernel command line: ours first, then the user's words. A traced
 * capture does not ask for memblock=debug: the trace holds more than the
 * lines, and QEMU drops its translated code at every stop, so each printed
 * line would run the whole printk path through the translator again (see
 * docs/PERFORMANCE.md). Given by the user, the lines are checked.
 */
static void build_append(const struct mb_linux_opts *o, char *buf, size_t cap)
{
	snprintf(buf, cap, "console=ttyS0 earlyprintk=serial nokaslr panic=-1 loglevel=8%s%s%s",
		 o->no_memblock_debug || o->trace ? "" : " memblock=debug", o->machine.append ? " " : "",
		 o->machine.append ? o->machine.append : "");
}

/* QEMU through the one launcher, frozen until the gdbstub lets it run. */
static int start_qemu(struct run *run, struct mb_error *err)
{
	const struct mb_linux_opts *o = run->o;
	struct mb_qemu_opts qo = { .machine = o->machine, .kernel = run->boot,
				   .stock_linux = true };

	if (!qo.machine.mem)
		qo.machine.mem = "512M";
	qo.machine.append = run->append;

	run->q = mb_qemu_start(&qo, err);
	if (!run->q)
		return -1;
	mb_agent_log(1, "linux: %s", run->q->cmdline);
	/* QEMU creates the console file; opening it first only makes it early. */
	run->console_fd = open(run->q->console_path, O_RDONLY | O_CREAT | O_CLOEXEC, 0600);
	if (run->console_fd < 0)
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", run->q->console_path,
				    strerror(errno));
	return 0;
}

/* A dead QEMU explains a failure better than the symptom: say why it ended. */
static int blame_qemu(struct run *run, struct mb_error *err, const char *when)
{
	struct mb_error why = { 0 };

	if (!run->q || mb_qemu_alive(run->q))
		return -1;
	mb_qemu_describe_exit(run->q, &why);
	*err = why;
	return mb_error_prefix(err, "%s", when);
}

static int connect_gdbstub(struct run *run, struct mb_error *err)
{
	struct mb_error tmp = { 0 };

	run->rsp = mb_rsp_connect(run->q->gdb_addr, 10000, err);
	if (!run->rsp || mb_rsp_handshake(run->rsp, err) ||
	    mb_rsp_halt_reason(run->rsp, NULL, err)) {
		blame_qemu(run, err, "QEMU did not start");
		return mb_error_prefix(err, "QEMU gdbstub");
	}
	run->t = mb_rsp_transport(run->rsp);
	run->phys = mb_rsp_set_phys_mode(run->rsp, true, &tmp) == 0;
	return 0;
}

static int boot(struct run *run, struct mb_error *err)
{
	const struct mb_linux_opts *o = run->o;

	if (prepare_kernel(run, err))
		return -1;
	build_append(o, run->append, sizeof(run->append));
	progress_phase(run, "booting");
	if (start_qemu(run, err) || connect_gdbstub(run, err))
		return -1;
	mb_agent_log(1, "linux: booting %s, reading at %s",
		     run->img->version[0] ? run->img->version + 14 : o->image,
		     run->mode == MB_LINUX_AT_SYMBOL ? run->sym :
		     run->mode == MB_LINUX_AT_PATTERN ? run->pat : "idle");
	return 0;
}

/* ---- the read ---- */

/* Wait up to POLL_MS for a stop; follow the console; notice QEMU's end and the deadline. */
static int wait_event(struct run *run, struct mb_rsp_stop *stop, bool *stopped,
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
	progress_console(run);
	progress_tick(run);
	if (!*stopped && !mb_qemu_alive(run->q))
		return blame_qemu(run, err, "QEMU exited before the read point");
	if (mb_now_ms() > run->deadline)
		return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
				    "timed out before the read point (console: %zu bytes)",
				    run->con_len);
	return 0;
}

/*
 * Read the state now (target stopped) through the gdbstub transport, and
 * with @regions the regions pointers and capacities too (for arming watches).
 * @in_flux: the guest may be inside a memblock call.
 */
static int read_now(struct run *run, struct mb_state *st, uint64_t regions[2], uint64_t max[2],
		    bool in_flux, struct mb_error *err)
{
	const struct mb_layout *l = &run->img->layout;
	struct mb_read_opts ro = {
		.v2p = run->phys ? linux_v2p : NULL,
		.ram_bytes = run->phys ? run->q->ram_bytes : 0,
		.in_flux = in_flux,
	};
	uint64_t at = run->mb;
	uint8_t raw[4096];

	if (run->phys && mb_linux_virt_to_phys(run->mb, &at))
		return mb_error_set(err, MB_ERR_FORMAT, 0, run->mb,
				    "struct memblock at 0x%llx is not a kernel address",
				    (unsigned long long)run->mb);
	if (regions) {
		if (l->memblock_size > sizeof(raw))
			return mb_error_set(err, MB_ERR_FORMAT, 0, run->mb,
					    "struct memblock of %u bytes", l->memblock_size);
		if (mb_transport_read(run->t, at, raw, l->memblock_size, err))
			return mb_error_prefix(err, "reading struct memblock at 0x%llx",
					       (unsigned long long)run->mb);
		state_regions(l, raw, regions, max);
	}
	return mb_memblock_read(run->t, at, l, &ro, st, err);
}

/* The tracer's wait: until the guest stops, following the console, QEMU and the deadline. */
static int trace_wait(void *ctx, struct mb_rsp_stop *stop, struct mb_error *err)
{
	struct run *run = ctx;
	bool stopped = false;

	/* The second wait follows the first stop: memblock's first call. */
	if (++run->trace_waits == 2)
		progress_phase(run, "tracing");
	while (!stopped)
		if (wait_event(run, stop, &stopped, err))
			return -1;
	return 0;
}

/* --trace: every memblock call on the way to the read symbol (linux_trace.c). */
static int trace_to_symbol(struct run *run, struct mb_error *err)
{
	struct mb_linux_trace_io io = { .rsp = run->rsp, .phys = run->phys,
					.wait = trace_wait, .ctx = run };
	struct mb_linux_trace_opts to = { .max_hits = run->o->trace_max_hits,
					  .max_events = run->o->trace_max_events };
	int64_t t0 = mb_now_ms();
	int i;

	run->traced = mb_capture_new();
	if (!run->traced)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	if (mb_linux_trace(&io, run->img, run->ks, run->mb, run->sym_addr, &to, run->traced,
			   &run->final, NULL, err)) {
		/* The socket closes a moment before QEMU's exit can be seen. */
		for (i = 0; i < 50 && mb_qemu_alive(run->q); i++)
			usleep(10000);
		return blame_qemu(run, err, "QEMU exited mid-trace");
	}
	snprintf(run->read_point, sizeof(run->read_point),
		 "symbol %s (breakpoint at 0x%llx, address from %s; traced in %lld ms)", run->sym,
		 (unsigned long long)run->sym_addr, run->sym_from, (long long)(mb_now_ms() - t0));
	run->keep_len = run->con_len;
	return 0;
}

/* A hardware breakpoint at the read symbol; read when the guest stops there. */
static int read_at_symbol(struct run *run, struct mb_error *err)
{
	struct mb_rsp_stop stop;
	bool stopped = false;

	if (run->o->trace)
		return trace_to_symbol(run, err);
	if (mb_rsp_breakpoint(run->rsp, true, true, run->sym_addr, err) ||
	    mb_rsp_continue(run->rsp, err))
		return -1;
	while (!stopped)
		if (wait_event(run, &stop, &stopped, err))
			return -1;
	if (stop.kind == 'W' || stop.kind == 'X')
		return mb_error_set(err, MB_ERR_CLOSED, 0, 0, "guest ended before %s", run->sym);
	progress_phase(run, "reading");
	if (read_now(run, &run->final, NULL, NULL, false, err))
		return -1;
	snprintf(run->read_point, sizeof(run->read_point),
		 "symbol %s (hardware breakpoint at 0x%llx, address from %s)", run->sym,
		 (unsigned long long)run->sym_addr, run->sym_from);
	run->keep_len = run->con_len;
	return 0;
}

/*
 * Let the guest run until its console, once it has started, is silent (or
 * the guest stops itself), then read. The silence before the first line is
 * firmware and decompression, longer on a loaded host: it does not count.
 */
static int read_when_idle(struct run *run, struct mb_error *err)
{
	uint64_t regions[2] = { 0 }, max[2] = { 0 };
	int idle = run->o->idle_ms > 0 ? run->o->idle_ms : 3000;
	struct mb_rsp_stop stop;
	bool stopped = false;

	if (mb_rsp_continue(run->rsp, err))
		return -1;
	run->last_growth = mb_now_ms();
	while (!stopped && (!run->con_len || mb_now_ms() - run->last_growth < idle))
		if (wait_event(run, &stop, &stopped, err))
			return -1;
	if (!stopped && mb_rsp_interrupt(run->rsp, &stop, err))
		return -1;
	progress_phase(run, "reading");
	if (read_now(run, &run->final, regions, max, false, err))
		return -1;
	/* Arrays memblock had to grow live in the direct map: freed at memblock_discard(). */
	run->dynamic = regions[0] < MB_LINUX_START_KERNEL_MAP ||
		       regions[1] < MB_LINUX_START_KERNEL_MAP;
	snprintf(run->read_point, sizeof(run->read_point), "idle (%s)",
		 stopped ? "guest stopped itself" : "console silent");
	run->keep_len = run->con_len;
	return 0;
}

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

/*
 * Pattern mode: stop at every write to struct memblock or its arrays, and
 * read the state at each stop. Between two stops nothing changes, so the
 * state in force when the console printed the pattern is the one read at the
 * last stop before the text appeared: the previous stop's if the text shows
 * at a stop (that stop's write came after it), the last one's if it shows
 * while the guest runs. The console is cut at the next stop (or the end), by
 * which time the whole block after the pattern has been printed.
 */
static int read_at_pattern(struct run *run, struct mb_error *err)
{
	const struct mb_linux_image *img = run->img;
	const char *pat = run->pat, *end_pat = run->end_pat;
	struct watch *w = &run->w;
	uint64_t mb = run->mb;
	uint64_t regions[2] = { 0 }, max[2] = { 0 };
	struct mb_rsp_stop stop = { 0 };
	bool stopped, end = false, cut_pending = false;
	uint8_t raw[4096];
	size_t occ;

	if (img->layout.memblock_size > sizeof(raw))
		return mb_error_set(err, MB_ERR_FORMAT, 0, mb, "struct memblock of %u bytes",
				    img->layout.memblock_size);
	w->mb = mb;
	if (z2(run, true, mb, img->layout.memblock_size, err))
		return mb_error_prefix(err, "watch struct memblock");
	/* Before boot the image is not in memory yet: arm the arrays from the file. */
	if (mb_linux_image_read(img, mb, raw, img->layout.memblock_size) == 0) {
		state_regions(&img->layout, raw, regions, max);
		if (arm_watch(run, img, w, regions, max, err))
			return -1;
	}
	if (mb_rsp_continue(run->rsp, err))
		return -1;
	while (!end) {
		struct mb_state cur;

		if (wait_event(run, &stop, &stopped, err))
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
				if (read_now(run, &w->at_pattern, regions, max, true, err))
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
		if (read_now(run, &cur, regions, max, true, err))
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
	/* Read mid-call at each stop; the one kept must be settled arrays. */
	if (mb_memblock_check(&w->at_pattern, err))
		return -1;
	run->final = w->at_pattern;
	memset(&w->at_pattern, 0, sizeof(w->at_pattern));
	snprintf(run->read_point, sizeof(run->read_point),
		 "pattern '%s' (occurrence %zu; watched %llu memblock writes)", pat,
		 w->occurrences, (unsigned long long)w->stops);
	run->keep_len = cut_console(run->con, w->con_at_pattern, pat);
	return 0;
}

static int read_at_point(struct run *run, struct mb_error *err)
{
	int rc;

	if (run->mode == MB_LINUX_AT_SYMBOL)
		rc = read_at_symbol(run, err);
	else if (run->mode == MB_LINUX_AT_PATTERN)
		rc = read_at_pattern(run, err);
	else
		rc = read_when_idle(run, err);
	if (rc || poll_console(run, err))
		return -1;
	if (run->o->console_out && write_file(run->o->console_out, run->con, run->con_len, err))
		return -1;
	progress_phase(run, "reading");
	mb_agent_log(1, "linux: read at %s", run->read_point);
	return 0;
}

/* ---- the capture ---- */

/* Events from the console up to the read point; none is a capture of the state alone. */
static struct mb_capture *import_console(struct run *run, struct mb_error *err)
{
	struct mb_error tmp = { 0 };
	struct mb_capture *c = NULL;
	FILE *f = fmemopen(run->con, run->keep_len ? run->keep_len : 1, "r");

	if (!f) {
		mb_error_set(err, MB_ERR_NOMEM, errno, 0, "fmemopen: %s", strerror(errno));
		return NULL;
	}
	if (run->keep_len)
		c = mb_import_stream(f, "console", NULL, &tmp);
	fclose(f);
	if (c)
		return c;
	/* No memblock=debug output (or not yet): a capture of the live state only. */
	mb_agent_log(1, "linux: no console events: %s", run->keep_len ? tmp.msg : "empty");
	c = mb_capture_new();
	if (!c) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	mb_capture_set_meta(c, "console_events", "none");
	return c;
}

/* --trace: the traced calls; the same boot's memblock=debug lines each checked against them. */
static struct mb_capture *take_trace(struct run *run)
{
	struct mb_capture *c = run->traced, *con = NULL;
	struct mb_error tmp = { 0 };
	char sum[512];
	FILE *f;

	run->traced = NULL;
	c->source = MB_SRC_LINUX_TRACE;
	f = run->keep_len ? fmemopen(run->con, run->keep_len, "r") : NULL;
	if (f) {
		con = mb_import_stream(f, "console", NULL, &tmp);
		fclose(f);
	}
	if (con && con->nevents) {
		if (mb_linux_trace_check_console(c, con, sum, sizeof(sum)))
			mb_agent_log(0, "linux: %s", sum);
		mb_capture_set_meta(c, "console_check", sum);
	} else {
		mb_capture_set_meta(c, "console_check",
				    "not run: no memblock=debug lines (--append memblock=debug prints them)");
	}
	mb_capture_free(con);
	return c;
}

static struct mb_capture *build_capture(struct run *run, struct mb_error *err)
{
	const struct mb_linux_image *img = run->img;
	const struct mb_linux_opts *o = run->o;
	struct mb_capture *c = run->traced ? take_trace(run) : import_console(run, err);

	if (!c)
		return NULL;
	if (c->source != MB_SRC_LINUX_TRACE)
		c->source = MB_SRC_LINUX_LIVE;
	mb_state_clear(&c->final);
	c->final = run->final;
	memset(&run->final, 0, sizeof(run->final));
	memcpy(c->build_id, img->build_id, img->build_id_len);
	c->build_id_len = img->build_id_len;
	mb_capture_set_meta(c, "read_point", run->read_point);
	if (run->dynamic)
		mb_capture_set_meta(c, "warning",
				    "region arrays were allocated dynamically and may have been freed by memblock_discard() before this idle read; read at pattern:'Memory: ' instead");
	set_meta_u64(c, "memblock_addr", run->mb);
	mb_capture_set_meta(c, "memblock_found_by", run->found_by);
	if (run->kcheck[0])
		mb_capture_set_meta(c, "memblock_kallsyms", run->kcheck);
	mb_capture_set_meta(c, "linux_version", img->version[0] ? img->version + 14 : "unknown");
	mb_capture_set_meta(c, "image", o->image);
	mb_capture_set_meta(c, "image_compression", img->compression);
	mb_capture_set_meta(c, "ram_size", o->machine.mem ? o->machine.mem : "512M");
	mb_capture_set_meta(c, "kernel_cmdline", run->append);
	mb_capture_set_meta(c, "qemu_cmdline", run->q->cmdline);
	return c;
}

static void run_cleanup(struct run *run)
{
	if (run->t)
		run->t->ops->close(run->t);	/* closes run->rsp */
	else if (run->rsp)
		mb_rsp_close(run->rsp);
	mb_qemu_stop(run->q);
	if (run->console_fd >= 0)
		close(run->console_fd);
	free(run->con);
	if (run->kdir[0]) {
		unlink(run->kernel_path);
		mb_tmpdir_remove(run->kdir);
	}
	mb_state_clear(&run->final);
	mb_state_clear(&run->w.prev);
	mb_state_clear(&run->w.at_pattern);
	mb_capture_free(run->traced);
	mb_linux_kallsyms_free(run->ks);
	mb_linux_image_free(run->img);
}

/**
 * mb_linux_parse_read_point() - parse a --read-at argument
 * @s: the argument
 * @o: options to update
 * @err: filled on failure
 *
 * See linux.h. Return: 0, or -1 with @err set.
 */
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
	struct run run = { .o = o, .console_fd = -1 };
	struct mb_capture *c = NULL;

	if (!o || !o->image) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "no Linux kernel image given");
		return NULL;
	}
	run.t0 = mb_now_ms();
	run.deadline = run.t0 + (o->timeout_s > 0 ? o->timeout_s : 120) * 1000LL;
	{
		const char *base = strrchr(o->image, '/') ? strrchr(o->image, '/') + 1 : o->image;

		/* Until the image tells its release: the file name up to a .deb's version. */
		snprintf(run.name, sizeof(run.name), "%.*s", (int)strcspn(base, "_"), base);
	}
	progress_phase(&run, "unpacking");
	run.img = mb_linux_image_open(o->image, err);
	if (run.img && run.img->version[0]) {
		/* "Linux version 6.12.117+deb12-cloud-amd64 (...)": the release only. */
		snprintf(run.name, sizeof(run.name), "%.*s",
			 (int)strcspn(run.img->version + 14, " "), run.img->version + 14);
		progress_draw(&run);
	}
	if (run.img && !find_memblock(&run, err)) {
		cross_check_kallsyms(&run);
		if (!check_found(&run, err) && !choose_read_point(&run, err) &&
		    !boot(&run, err) && !read_at_point(&run, err))
			c = build_capture(&run, err);
	}
	run_cleanup(&run);
	progress_clear(&run);
	return c;
}
