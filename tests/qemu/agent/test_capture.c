// SPDX-License-Identifier: GPL-2.0-only
/* test_capture.c - real QEMU + test kernel: three transports, replay, mismatched ELF. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <errno.h>
#include <fcntl.h>

#include "mbagent/agent.h"
#include "mbagent/elf.h"
#include "mbagent/pull.h"
#include "mbagent/qemu.h"
#include "mbagent/replay.h"
#include "mbagent/rsp.h"
#include "mbagent/serial.h"
#include "uapi/mb_evlog.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)
#define OK(call, err) do { if (!(call)) { fprintf(stderr, "%s:%d: %s: %s (%s)\n", \
	__FILE__, __LINE__, #call, (err).msg, mb_errcode_name((err).code)); exit(1); } } while (0)

static const char *kernel;

static void need_kernel(void)
{
	if (access(kernel, R_OK)) {
		fprintf(stderr, "no kernel at %s: build the kernel target first\n", kernel);
		exit(1);	/* missing kernel in a qemu test is a failure, not a skip */
	}
}

static int same_array(const struct mb_array *a, const struct mb_array *b, const char *what)
{
	if (a->cnt != b->cnt || a->max != b->max || a->total_size != b->total_size) {
		fprintf(stderr, "%s: cnt/max/total %llu/%llu/%llu vs %llu/%llu/%llu\n", what,
			(unsigned long long)a->cnt, (unsigned long long)a->max,
			(unsigned long long)a->total_size, (unsigned long long)b->cnt,
			(unsigned long long)b->max, (unsigned long long)b->total_size);
		return 0;
	}
	for (uint64_t i = 0; i < a->cnt; i++)
		if (memcmp(&a->regions[i], &b->regions[i], sizeof(a->regions[i]))) {
			fprintf(stderr, "%s[%llu] differs\n", what, (unsigned long long)i);
			return 0;
		}
	return 1;
}

/* Everything but the metadata naming the transport must be equal. */
static int same_capture(const struct mb_capture *a, const struct mb_capture *b)
{
	if (a->build_id_len != b->build_id_len ||
	    memcmp(a->build_id, b->build_id, sizeof(a->build_id)) ||
	    a->log_capacity != b->log_capacity || a->log_written != b->log_written ||
	    a->log_dropped != b->log_dropped || a->boot_state != b->boot_state ||
	    a->nevents != b->nevents || a->final.valid != b->final.valid ||
	    a->final.bottom_up != b->final.bottom_up ||
	    a->final.current_limit != b->final.current_limit) {
		fprintf(stderr, "capture headers differ (events %zu vs %zu)\n", a->nevents,
			b->nevents);
		return 0;
	}
	for (size_t i = 0; i < a->nevents; i++) {
		const struct mb_event *x = &a->events[i], *y = &b->events[i];
		const struct mb_evlog_record *rx = &x->rec, *ry = &y->rec;
		const char *sx = x->caller_sym == MB_NO_SYM ? "" : a->syms[x->caller_sym];
		const char *sy = y->caller_sym == MB_NO_SYM ? "" : b->syms[y->caller_sym];

		if (rx->seq != ry->seq || rx->tsc != ry->tsc || rx->op != ry->op ||
		    rx->rflags != ry->rflags || rx->nid != ry->nid || rx->base != ry->base ||
		    rx->size != ry->size || rx->align != ry->align || rx->min_addr != ry->min_addr ||
		    rx->max_addr != ry->max_addr || rx->result != ry->result ||
		    rx->caller != ry->caller || rx->mflags != ry->mflags ||
		    rx->memory_cnt != ry->memory_cnt || rx->reserved_cnt != ry->reserved_cnt ||
		    rx->depth != ry->depth || x->caller_off != y->caller_off || strcmp(sx, sy)) {
			fprintf(stderr, "event %zu differs\n", i);
			return 0;
		}
	}
	return same_array(&a->final.memory, &b->final.memory, "memory") &&
	       same_array(&a->final.reserved, &b->final.reserved, "reserved");
}

static struct mb_capture *pull_with(struct mb_transport *t, struct mb_elf *elf,
				    const struct mb_layout *l, uint32_t source)
{
	struct mb_pull_opts po = { .t = t, .elf = elf, .layout = l, .source = source };
	struct mb_error err = { 0 };
	struct mb_capture *c = mb_pull(&po, &err);

	OK(c, err);
	return c;
}

/* One boot, read through all three transports: the captures must be equal.
 * Returns the gdbstub's capture. */
static struct mb_capture *three_way(void)
{
	struct mb_qemu_opts qo = { .kernel = kernel, .machine.mem = "256M", .serial = true,
				   .ramfile = true };
	struct mb_error err = { 0 };
	struct mb_serial_hello hello;
	struct mb_capture *cg, *cs, *cr;
	struct mb_transport *tg, *ts, *tr;
	struct mb_serial *s;
	struct mb_layout l;
	struct mb_elf *elf;
	struct mb_qemu *q;

	need_kernel();
	OK((elf = mb_elf_open(kernel, &err)), err);
	OK(mb_btf_layout_from_file(kernel, &l, &err) == 0, err);
	OK((q = mb_qemu_start(&qo, &err)), err);
	OK((s = mb_serial_connect(q->serial_path, 5000, &err)), err);
	OK(mb_serial_hello(s, &hello, 60000, &err) == 0, err);
	CHECK(hello.boot_state == 2);
	ts = mb_serial_transport(s);
	OK((tr = mb_ramfile_open(q->ram_path, q->ram_bytes, &err)), err);
	/* Serial needs the guest running: read through it before gdb stops it. */
	cs = pull_with(ts, elf, &l, 2);
	cr = pull_with(tr, elf, &l, 3);
	OK((tg = mb_gdb_transport_open(q->gdb_addr, 5000, &err)), err);	/* guest stops */
	cg = pull_with(tg, elf, &l, 1);
	CHECK(cg->nevents > 10 && cg->final.valid && cg->final.memory.cnt > 0);
	CHECK(cg->boot_state == 2 && cg->build_id_len > 0);
	CHECK(hello.records_written == cg->log_written);
	CHECK(same_capture(cg, cs));
	CHECK(same_capture(cg, cr));
	/* And through a capture file: written, read back, still the same. */
	{
		struct mb_capture *back;
		char path[160];

		snprintf(path, sizeof(path), "%s/test.cap", q->dir);
		OK(mb_capture_write(cs, path, &err) == 0, err);
		OK((back = mb_capture_read(path, &err)), err);
		CHECK(same_capture(back, cg));
		CHECK(back->source == cs->source);
		CHECK(!strcmp(mb_capture_get_meta(back, "transport"), "serial"));
		mb_capture_free(back);
		unlink(path);
	}
	mb_capture_free(cs);
	mb_capture_free(cr);
	tg->ops->close(tg);
	ts->ops->close(ts);
	tr->ops->close(tr);
	mb_qemu_stop(q);
	mb_elf_close(elf);
	return cg;
}

/* Pull through @t expecting a refusal whose message holds @want. */
static void pull_refused(struct mb_transport *t, struct mb_elf *elf, const struct mb_layout *l,
			 uint64_t ram, const char *want)
{
	struct mb_pull_opts po = { .t = t, .elf = elf, .layout = l, .ram_size = ram };
	struct mb_error err = { 0 };
	struct mb_capture *c = mb_pull(&po, &err);

	if (c || err.code != MB_ERR_FORMAT || !strstr(err.msg, want))
		fprintf(stderr, "%s: expected a refusal with '%s', got %s (%s)\n", t->ops->name,
			want, c ? "a capture" : err.msg, mb_errcode_name(err.code));
	CHECK(!c && err.code == MB_ERR_FORMAT && strstr(err.msg, want));
}

/*
 * Issue 12: a struct memblock whose arrays are not memblock's is refused by
 * every transport with a clear error, not written as a capture. The guest's
 * RAM file is the pen: reserved.regions = 0 (the interrupt vectors would be
 * read as regions), then memory.regions pointing beyond guest RAM.
 */
static int sc_corrupt_arrays_refused_by_every_transport(void)
{
	struct mb_qemu_opts qo = { .kernel = kernel, .machine.mem = "256M", .serial = true,
				   .ramfile = true };
	struct mb_error err = { 0 };
	struct mb_serial_hello hello;
	struct mb_transport *tg, *ts, *tr;
	uint64_t mbaddr, zero = 0, beyond = 0x40000000;
	struct mb_serial *s;
	struct mb_layout l;
	struct mb_elf *elf;
	struct mb_qemu *q;
	int fd;

	need_kernel();
	OK((elf = mb_elf_open(kernel, &err)), err);
	OK(mb_btf_layout_from_file(kernel, &l, &err) == 0, err);
	OK(mb_elf_symbol(elf, "memblock", &mbaddr, NULL, &err) == 0, err);
	OK((q = mb_qemu_start(&qo, &err)), err);
	OK((s = mb_serial_connect(q->serial_path, 5000, &err)), err);
	OK(mb_serial_hello(s, &hello, 60000, &err) == 0, err);
	CHECK(hello.boot_state == 2);
	ts = mb_serial_transport(s);
	OK((tr = mb_ramfile_open(q->ram_path, q->ram_bytes, &err)), err);
	fd = open(q->ram_path, O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK(pwrite(fd, &zero, l.regions.size,
		     (off_t)(mbaddr + l.reserved.off + l.regions.off)) == (ssize_t)l.regions.size);
	pull_refused(ts, elf, &l, 0, "reserved.regions is NULL");
	pull_refused(tr, elf, &l, 0, "reserved.regions is NULL");
	OK((tg = mb_gdb_transport_open(q->gdb_addr, 5000, &err)), err);	/* guest stops */
	pull_refused(tg, elf, &l, 0, "reserved.regions is NULL");
	CHECK(pwrite(fd, &beyond, l.regions.size,
		     (off_t)(mbaddr + l.memory.off + l.regions.off)) == (ssize_t)l.regions.size);
	pull_refused(tg, elf, &l, q->ram_bytes, "memory.regions at 0x40000000");
	pull_refused(tr, elf, &l, q->ram_bytes, "outside guest RAM");
	OK(tg->ops->cont(tg, &err) == 0, err);
	pull_refused(ts, elf, &l, q->ram_bytes, "outside guest RAM");
	close(fd);
	tg->ops->close(tg);
	ts->ops->close(ts);
	tr->ops->close(tr);
	mb_qemu_stop(q);
	mb_elf_close(elf);
	return 0;
}

static void check_replay(const struct mb_capture *c);
static void check_no_children(void);

static int sc_three_transports_identical(void)
{
	mb_capture_free(three_way());
	return 0;
}

/* The doubling kernel moves the reserved array out of the image: the
 * decoders must follow the new regions pointer through every transport. */
static int sc_doubled_arrays_followed(void)
{
	struct mb_capture *c = three_way();
	size_t doubles = 0;

	for (size_t i = 0; i < c->nevents; i++)
		doubles += c->events[i].rec.op == MB_OP_DOUBLE_ARRAY;
	CHECK(doubles > 0 && c->final.reserved.max > 128);
	check_replay(c);
	mb_capture_free(c);
	return 0;
}

static struct mb_capture *capture(const char *transport, const char *mem, const char *append)
{
	struct mb_capture_opts o = { .kernel = kernel, .transport = transport, .machine.mem = mem,
				     .machine.append = append, .timeout_s = 120 };
	struct mb_error err = { 0 };
	struct mb_capture *c;

	need_kernel();
	OK((c = mb_agent_capture(&o, &err)), err);
	return c;
}

static void check_replay(const struct mb_capture *c)
{
	struct mb_replay_report rep;
	struct mb_error err = { 0 };
	struct mb_state out = { 0 };
	char why[512];
	int rc;

	memset(&rep, 0, sizeof(rep));
	rc = mb_replay_verify(c, &out, &rep, &err);
	if (rc < 0) {
		fprintf(stderr, "replay: %s\n", err.msg);
		exit(1);
	}
	if (rc) {
		fprintf(stderr, "replay diverged: %s\n", rep.divergence);
		exit(1);
	}
	CHECK(rep.alloc_mismatches == 0 && rep.applied > 0);
	CHECK(mb_state_compare(&c->final, &out, MB_CMP_MAX | MB_CMP_LIMITS | MB_CMP_TOTALS,
			       why, sizeof(why)) == 0);
	mb_state_clear(&out);
}

static int sc_capture_gdb_replays_exactly(void)
{
	struct mb_capture *c = capture("gdb", "256M", NULL);

	CHECK(c->source == MB_SRC_GDB && c->nevents > 10);
	CHECK(mb_capture_get_meta(c, "qemu_cmdline") && mb_capture_get_meta(c, "ram_size"));
	CHECK(!strcmp(mb_capture_get_meta(c, "ram_size"), "268435456"));
	CHECK(mb_capture_get_meta(c, "agent_version"));
	check_replay(c);
	mb_capture_free(c);
	return 0;
}

static int sc_capture_serial_replays_exactly(void)
{
	struct mb_capture *c = capture("serial", "200M", NULL);

	CHECK(c->source == MB_SRC_SERIAL && c->nevents > 10);
	check_replay(c);
	mb_capture_free(c);
	return 0;
}

static int sc_capture_ramfile_replays_exactly(void)
{
	struct mb_capture *c = capture("ramfile", "384M", NULL);

	CHECK(c->source == MB_SRC_RAMFILE && c->nevents > 10);
	check_replay(c);
	mb_capture_free(c);
	return 0;
}

static int sc_capture_ramfile_falls_back_with_numa(void)
{
	struct mb_capture_opts o = { .kernel = kernel, .transport = "ramfile", .machine.mem = "256M",
				     .machine.numa_nodes = 2, .machine.smp = 2, .timeout_s = 120 };
	struct mb_error err = { 0 };
	struct mb_capture *c;

	need_kernel();
	OK((c = mb_agent_capture(&o, &err)), err);
	CHECK(c->source == MB_SRC_GDB);
	check_replay(c);
	mb_capture_free(c);
	return 0;
}

/* Copy @src to @dst with one byte of its GNU build-id flipped. */
static void write_mismatched_elf(const char *src, const char *dst)
{
	struct mb_error err = { 0 };
	struct mb_elf *e;
	const uint8_t *id;
	size_t idlen, n, i;
	uint8_t *buf;
	FILE *f;

	OK((e = mb_elf_open(src, &err)), err);
	CHECK(mb_elf_build_id(e, &id, &idlen) == 0);
	f = fopen(src, "rb");
	CHECK(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n);
	CHECK(buf && fread(buf, 1, n, f) == n);
	fclose(f);
	for (i = 0; i + idlen <= n; i++)
		if (!memcmp(buf + i, id, idlen))
			break;
	CHECK(i + idlen <= n);
	buf[i + idlen - 1] ^= 0x5a;
	mb_elf_close(e);
	f = fopen(dst, "wb");
	CHECK(f && fwrite(buf, 1, n, f) == n);
	fclose(f);
	free(buf);
}

static int sc_attach_mismatched_elf_refused(void)
{
	struct mb_qemu_opts qo = { .kernel = kernel, .machine.mem = "128M", .serial = true };
	struct mb_capture_opts o = { .timeout_s = 60 };
	struct mb_error err = { 0 };
	struct mb_serial_hello hello;
	struct mb_serial *s;
	struct mb_capture *c;
	struct mb_qemu *q;
	char bad[128], attach[160];

	need_kernel();
	OK((q = mb_qemu_start(&qo, &err)), err);
	OK((s = mb_serial_connect(q->serial_path, 5000, &err)), err);
	OK(mb_serial_hello(s, &hello, 60000, &err) == 0, err);
	mb_serial_close(s);
	snprintf(bad, sizeof(bad), "%s/other.elf", q->dir);
	write_mismatched_elf(kernel, bad);
	/* Attach through the gdbstub with the wrong ELF: refused. */
	o.attach = q->gdb_addr;
	o.elf = bad;
	c = mb_agent_capture(&o, &err);
	CHECK(!c && err.code == MB_ERR_MISMATCH);
	CHECK(strstr(err.msg, "build-id"));
	/* The right ELF through the same stub works, and so does serial attach. */
	o.elf = kernel;
	OK((c = mb_agent_capture(&o, &err)), err);
	CHECK(c->source == MB_SRC_GDB && c->nevents > 10);
	mb_capture_free(c);
	snprintf(attach, sizeof(attach), "serial:%s", q->serial_path);
	o.attach = attach;
	o.elf = bad;
	c = mb_agent_capture(&o, &err);
	CHECK(!c && err.code == MB_ERR_MISMATCH);
	unlink(bad);
	mb_qemu_stop(q);
	return 0;
}

/* A free TCP port on 127.0.0.1 (the kernel picks it; we release it for QEMU). */
static int free_port(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	socklen_t sl = sizeof(sin);
	int fd = socket(AF_INET, SOCK_STREAM, 0), port;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(fd >= 0 && bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(getsockname(fd, (struct sockaddr *)&sin, &sl) == 0);
	port = ntohs(sin.sin_port);
	close(fd);
	return port;
}

static int sc_attach_over_tcp(void)
{
	char gdbarg[64], attach[64];
	const char *extra[] = { "-gdb", gdbarg, NULL };
	struct mb_qemu_opts qo = { .kernel = kernel, .machine.mem = "128M", .serial = true,
				   .machine.extra = extra };
	struct mb_capture_opts o = { .elf = kernel, .attach = attach, .timeout_s = 60 };
	struct mb_error err = { 0 };
	struct mb_serial_hello hello;
	struct mb_serial *s;
	struct mb_capture *c;
	struct mb_qemu *q;
	int port = free_port();

	need_kernel();
	/* A later -gdb replaces the agent's unix-socket one. */
	snprintf(gdbarg, sizeof(gdbarg), "tcp:127.0.0.1:%d", port);
	snprintf(attach, sizeof(attach), "127.0.0.1:%d", port);
	OK((q = mb_qemu_start(&qo, &err)), err);
	OK((s = mb_serial_connect(q->serial_path, 5000, &err)), err);
	OK(mb_serial_hello(s, &hello, 60000, &err) == 0, err);
	mb_serial_close(s);
	OK((c = mb_agent_capture(&o, &err)), err);
	CHECK(c->source == MB_SRC_GDB && c->nevents == hello.records_written);
	check_replay(c);
	mb_capture_free(c);
	mb_qemu_stop(q);
	return 0;
}

/* mem=2M leaves no room for the direct map's page tables: the kernel panics.
 * Every transport must say so rather than wait for its timeout. */
static int sc_kernel_panic_reported(void)
{
	static const char *const tr[] = { "gdb", "serial", "ramfile" };

	need_kernel();
	for (int i = 0; i < 3; i++) {
		struct mb_capture_opts o = { .kernel = kernel, .transport = tr[i],
					     .machine.mem = "128M", .machine.append = "mem=2M",
					     .timeout_s = 60 };
		struct mb_error err = { 0 };

		CHECK(!mb_agent_capture(&o, &err));
		if (err.code != MB_ERR_REMOTE || !strstr(err.msg, "panicked")) {
			fprintf(stderr, "%s: %s\n", tr[i], err.msg);
			return 1;
		}
	}
	check_no_children();
	return 0;
}

/* RIP from a 'g' reply: x86-64 sends 16 GPRs of 8 bytes, then rip. */
static uint64_t read_rip(struct mb_rsp *r)
{
	static char rep[8192];
	struct mb_error err = { 0 };
	uint64_t rip = 0;

	OK(mb_rsp_command(r, "g", rep, sizeof(rep), &err) >= 272, err);
	for (int i = 7; i >= 0; i--) {
		unsigned int b;

		CHECK(sscanf(rep + 256 + 2 * i, "%2x", &b) == 1);
		rip = rip << 8 | b;
	}
	return rip;
}

static uint32_t boot_state(struct mb_rsp *r, uint64_t evlog)
{
	struct mb_evlog_header h;
	struct mb_error err = { 0 };

	OK(mb_rsp_read_mem(r, evlog, &h, sizeof(h), &err) == 0, err);
	return h.magic == MB_EVLOG_MAGIC ? h.boot_state : MB_BOOT_STATE_EMPTY;
}

/* A frozen guest (-S): hardware breakpoint on memblock_add, then a software
 * one on memblock_free_all; each stops there, mid-boot; then the boot ends. */
static int sc_breakpoints_stop_in_kernel(void)
{
	static const char *const frozen[] = { "-S", NULL };
	struct mb_qemu_opts qo = { .kernel = kernel, .machine.mem = "128M", .machine.extra = frozen };
	struct mb_error err = { 0 };
	struct mb_rsp_stop st;
	uint64_t add, free_all, evlog, evbytes;
	struct mb_elf *elf;
	struct mb_qemu *q;
	struct mb_rsp *r;
	int polls = 0;

	need_kernel();
	OK((elf = mb_elf_open(kernel, &err)), err);
	OK(mb_elf_symbol(elf, "memblock_add", &add, NULL, &err) == 0, err);
	OK(mb_elf_symbol(elf, "memblock_free_all", &free_all, NULL, &err) == 0, err);
	OK(mb_pull_locate(elf, &evlog, &evbytes, NULL, &err) == 0, err);
	OK((q = mb_qemu_start(&qo, &err)), err);
	OK((r = mb_rsp_connect(q->gdb_addr, 10000, &err)), err);
	OK(mb_rsp_handshake(r, &err) == 0, err);
	OK(mb_rsp_halt_reason(r, &st, &err) == 0, err);
	OK(mb_rsp_set_phys_mode(r, true, &err) == 0, err);

	OK(mb_rsp_breakpoint(r, true, true, add, &err) == 0, err);
	OK(mb_rsp_continue(r, &err) == 0, err);
	OK(mb_rsp_wait_stop(r, 60000, &st, &err) == 0, err);
	CHECK(st.kind == 'T' && st.signal == 5);
	CHECK(read_rip(r) == add);
	CHECK(boot_state(r, evlog) == MB_BOOT_STATE_BOOTING);
	OK(mb_rsp_breakpoint(r, true, false, add, &err) == 0, err);

	OK(mb_rsp_breakpoint(r, false, true, free_all, &err) == 0, err);
	OK(mb_rsp_continue(r, &err) == 0, err);
	OK(mb_rsp_wait_stop(r, 60000, &st, &err) == 0, err);
	CHECK(st.kind == 'T' && read_rip(r) == free_all);
	CHECK(boot_state(r, evlog) == MB_BOOT_STATE_BOOTING);
	OK(mb_rsp_breakpoint(r, false, false, free_all, &err) == 0, err);

	/* No breakpoints left: the boot finishes. */
	do {
		OK(mb_rsp_continue(r, &err) == 0, err);
		usleep(100000);
		OK(mb_rsp_interrupt(r, &st, &err) == 0, err);
		CHECK(++polls < 600);
	} while (boot_state(r, evlog) != MB_BOOT_STATE_DONE);
	mb_rsp_close(r);
	mb_qemu_stop(q);
	mb_elf_close(elf);
	return 0;
}

static int sc_missing_kernel_is_an_error(void)
{
	struct mb_capture_opts o = { .kernel = "/nonexistent/kernel.elf", .timeout_s = 5 };
	struct mb_error err = { 0 };

	CHECK(!mb_agent_capture(&o, &err) && err.code == MB_ERR_NOTFOUND);
	o.kernel = kernel;
	o.transport = "carrier-pigeon";
	CHECK(!mb_agent_capture(&o, &err) && err.code == MB_ERR_INVAL);
	return 0;
}

/* No child of ours may be left running or unreaped. */
static void check_no_children(void)
{
	errno = 0;
	CHECK(waitpid(-1, NULL, WNOHANG) == -1 && errno == ECHILD);
}

static int sc_boot_timeout_kills_qemu(void)
{
	static const char *const frozen[] = { "-S", NULL };	/* the guest never runs */
	struct mb_capture_opts o = { .kernel = kernel, .transport = "serial", .machine.mem = "128M",
				     .timeout_s = 2, .machine.extra = frozen };
	struct mb_error err = { 0 };

	need_kernel();
	CHECK(!mb_agent_capture(&o, &err) && err.code == MB_ERR_TIMEOUT);
	check_no_children();
	return 0;
}

static int sc_qemu_exit_is_reported(void)
{
	static const char *const bogus[] = { "-no-such-qemu-option", NULL };
	struct mb_capture_opts o = { .kernel = kernel, .transport = "gdb", .machine.mem = "128M",
				     .timeout_s = 20, .machine.extra = bogus };
	struct mb_error err = { 0 };

	need_kernel();
	CHECK(!mb_agent_capture(&o, &err));
	CHECK(strstr(err.msg, "QEMU exited") && strstr(err.msg, "no-such-qemu-option"));
	check_no_children();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} sc[] = {
		{ "three_transports_identical", sc_three_transports_identical },
		{ "doubled_arrays_followed", sc_doubled_arrays_followed },
		{ "capture_gdb_replays_exactly", sc_capture_gdb_replays_exactly },
		{ "capture_serial_replays_exactly", sc_capture_serial_replays_exactly },
		{ "capture_ramfile_replays_exactly", sc_capture_ramfile_replays_exactly },
		{ "capture_ramfile_falls_back_with_numa", sc_capture_ramfile_falls_back_with_numa },
		{ "attach_mismatched_elf_refused", sc_attach_mismatched_elf_refused },
		{ "missing_kernel_is_an_error", sc_missing_kernel_is_an_error },
		{ "attach_over_tcp", sc_attach_over_tcp },
		{ "corrupt_arrays_refused_by_every_transport",
		  sc_corrupt_arrays_refused_by_every_transport },
		{ "kernel_panic_reported", sc_kernel_panic_reported },
		{ "breakpoints_stop_in_kernel", sc_breakpoints_stop_in_kernel },
		{ "boot_timeout_kills_qemu", sc_boot_timeout_kills_qemu },
		{ "qemu_exit_is_reported", sc_qemu_exit_is_reported },
	};

	if (argc < 3)
		return 2;
	kernel = argv[1];
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++)
		if (!strcmp(argv[2], sc[i].name))
			return sc[i].fn();
	fprintf(stderr, "unknown scenario %s\n", argv[2]);
	return 2;
}
