// SPDX-License-Identifier: GPL-2.0-only
/* test_robust.c - faults found by attacking the agent: shrinking RAM files, FIFOs, deadlines, slow peers. */
#define _GNU_SOURCE
#include <bpf/btf.h>
#include <lz4.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "mbagent/agent.h"
#include "mbagent/btf.h"
#include "mbagent/capture.h"
#include "mbagent/elf.h"
#include "mbagent/import.h"
#include "mbagent/linux.h"
#include "mbagent/outfile.h"
#include "mbagent/pull.h"
#include "mbagent/qemu.h"
#include "mbagent/rsp.h"
#include "mbagent/serial.h"
#include "uapi/mb_evlog.h"
#include "agent_internal.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)
#define CHECKE(c, e) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s (%s)\n", \
	__FILE__, __LINE__, #c, (e).msg); exit(1); } } while (0)

static const char *arg_btf;	/* the BTF fixture ELF */
static const char *arg_kernel;	/* the test kernel's ELF */
static char workdir[256];

static void mkwork(void)
{
	snprintf(workdir, sizeof(workdir), "/tmp/mbrobust-XXXXXX");
	CHECK(mkdtemp(workdir));
}

static void rmwork(void)
{
	char cmd[300];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", workdir);
	CHECK(system(cmd) == 0);
}

static uint8_t pattern(uint64_t a)
{
	return (uint8_t)(a * 13 ^ a >> 9);
}

/* ---- RAM file ---- */

/* The file shrinks between open and read: an error, not SIGBUS. */
static int sc_ramfile_shrinks(void)
{
	char path[300];
	struct mb_error err = { 0 };
	struct mb_transport *t;
	uint8_t buf[4096], want[4096];
	int fd;

	mkwork();
	snprintf(path, sizeof(path), "%s/ram", workdir);
	fd = open(path, O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 16 << 20) == 0);
	for (int i = 0; i < 4096; i++)
		want[i] = pattern(i);
	CHECK(pwrite(fd, want, sizeof(want), 8 << 20) == sizeof(want));
	t = mb_ramfile_open(path, 0, &err);
	CHECKE(t, err);
	CHECKE(mb_transport_read(t, 8 << 20, buf, sizeof(buf), &err) == 0, err);
	CHECK(!memcmp(buf, want, sizeof(buf)));
	CHECK(ftruncate(fd, 2 << 20) == 0);
	CHECK(mb_transport_read(t, 8 << 20, buf, sizeof(buf), &err) == -1);
	CHECK(strstr(err.msg, "shrank"));
	/* Still readable below the new end. */
	CHECKE(mb_transport_read(t, 1 << 20, buf, 16, &err) == 0, err);
	t->ops->close(t);
	close(fd);
	rmwork();
	return 0;
}

/* ---- FIFOs given as inputs ---- */

static int sc_fifo_inputs(void)
{
	char path[300];
	struct mb_error err = { 0 };
	struct mb_layout l;

	/* Today's failure mode is a hang: let the alarm turn it into a failure. */
	alarm(20);
	mkwork();
	snprintf(path, sizeof(path), "%s/fifo", workdir);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(mb_ramfile_open(path, 0, &err) == NULL);
	CHECK(err.code == MB_ERR_INVAL && strstr(err.msg, "FIFO"));
	memset(&err, 0, sizeof(err));
	CHECK(mb_elf_open(path, &err) == NULL);
	CHECK(err.code == MB_ERR_INVAL && strstr(err.msg, "FIFO"));
	memset(&err, 0, sizeof(err));
	CHECK(mb_btf_layout_from_file(path, &l, &err) == -1);
	CHECK(err.code == MB_ERR_INVAL);
	CHECK(mb_open_regular("/dev/null", &err) == -1);
	CHECK(strstr(err.msg, "character device"));
	rmwork();
	alarm(0);
	return 0;
}

/* ---- outputs that are not regular files ---- */

static struct mb_capture *small_capture(void)
{
	struct mb_capture *c = mb_capture_new();
	struct mb_error err;
	struct mb_event ev = { .rec = { .op = 1, .base = 0x1000, .size = 0x2000 },
			       .caller_sym = MB_NO_SYM };

	CHECK(c);
	for (int i = 0; i < 1000; i++) {
		ev.rec.seq = i;
		CHECK(mb_capture_add_event(c, &ev, &err) == 0);
	}
	CHECK(mb_capture_set_meta(c, "k", "v") == 0);
	return c;
}

struct drain {
	char path[300];
	int fd;
	size_t got;
	uint8_t head[8];
};

static void *drain_fifo(void *arg)
{
	struct drain *d = arg;
	uint8_t buf[4096];
	int fd = d->fd;
	ssize_t n;

	/* EOF before any writer came is not the end: wait for one. */
	while ((n = read(fd, buf, sizeof(buf))) != 0 || !d->got) {
		if (n <= 0) {
			usleep(1000);
			continue;
		}
		if (d->got < 8)
			memcpy(d->head + d->got, buf, 8 - d->got < (size_t)n ? 8 - d->got : (size_t)n);
		d->got += n;
	}
	close(fd);
	return NULL;
}

static int count_entries(const char *dir)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	CHECK(dp);
	while ((e = readdir(dp)))
		n += e->d_name[0] != '.';
	closedir(dp);
	return n;
}

static int sc_output_special_files(void)
{
	struct mb_capture *c = small_capture();
	struct mb_error err = { 0 };
	struct drain d = { 0 };
	char path[300], full[300], null[300];
	struct stat st;
	pthread_t th;

	alarm(20);
	mkwork();
	/* A FIFO with a reader gets the capture, and stays a FIFO. */
	snprintf(d.path, sizeof(d.path), "%s/fifo", workdir);
	CHECK(mkfifo(d.path, 0600) == 0);
	d.fd = open(d.path, O_RDONLY | O_NONBLOCK);
	CHECK(d.fd >= 0);
	CHECK(pthread_create(&th, NULL, drain_fifo, &d) == 0);
	CHECKE(mb_capture_write(c, d.path, &err) == 0, err);
	pthread_join(th, NULL);
	CHECK(stat(d.path, &st) == 0 && S_ISFIFO(st.st_mode));
	CHECK(d.got > 1000 * 112 && !memcmp(d.head, "MBCAPT", 6));
	/* A FIFO without a reader: an error at once, not a hang. */
	CHECK(mb_capture_write(c, d.path, &err) == -1);
	CHECK(strstr(err.msg, "no reader"));
	/*
	 * Character devices are written in place: as root, private nodes
	 * (never the real /dev/full: today's code would replace it);
	 * otherwise the real ones, which a non-root user cannot replace.
	 */
	if (geteuid() == 0) {
		snprintf(full, sizeof(full), "%s/full", workdir);
		snprintf(null, sizeof(null), "%s/null", workdir);
		CHECK(mknod(full, S_IFCHR | 0666, makedev(1, 7)) == 0);
		CHECK(mknod(null, S_IFCHR | 0666, makedev(1, 3)) == 0);
	} else {
		snprintf(full, sizeof(full), "/dev/full");
		snprintf(null, sizeof(null), "/dev/null");
	}
	CHECKE(mb_capture_write(c, null, &err) == 0, err);
	CHECK(stat(null, &st) == 0 && S_ISCHR(st.st_mode));
	CHECK(mb_capture_write(c, full, &err) == -1);
	CHECK(err.err_no == ENOSPC);
	CHECK(stat(full, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 7));
	/* A directory is refused. */
	snprintf(path, sizeof(path), "%s/dir", workdir);
	CHECK(mkdir(path, 0700) == 0);
	CHECK(mb_capture_write(c, path, &err) == -1 && err.code == MB_ERR_INVAL);
	/* A regular file through a symlink: the link stays, the file is replaced. */
	snprintf(path, sizeof(path), "%s/real.cap", workdir);
	CHECKE(mb_capture_write(c, path, &err) == 0, err);
	snprintf(full, sizeof(full), "%s/link.cap", workdir);
	CHECK(symlink("real.cap", full) == 0);
	CHECKE(mb_capture_write(c, full, &err) == 0, err);
	CHECK(lstat(full, &st) == 0 && S_ISLNK(st.st_mode));
	mb_capture_free(c);
	c = mb_capture_read(path, &err);
	CHECKE(c && c->nevents == 1000, err);
	/* No temporary file left: fifo, dir, real.cap, link.cap (+ the nodes). */
	CHECK(count_entries(workdir) == (geteuid() == 0 ? 6 : 4));
	mb_capture_free(c);
	rmwork();
	alarm(0);
	return 0;
}

/* ---- capture files ---- */

/* Every field of every record survives a write and a read (distinct values per field). */
static int sc_capture_roundtrip(void)
{
	struct mb_capture *c = mb_capture_new(), *b;
	struct mb_region_rec regs[3] = {
		{ 0x1000, 0x2000, 1, 0 }, { 0x10000, 0x3000, 4, 1 }, { 0x100000, 0x7000, 8, -1 },
	};
	struct mb_state st = { .valid = true, .bottom_up = true, .current_limit = 0x7fff0000,
			       .memory = { 3, 128, 0xc000, regs },
			       .reserved = { 2, 256, 0x5000, regs + 1 } };
	struct mb_error err = { 0 };
	char path[300];

	mkwork();
	snprintf(path, sizeof(path), "%s/rt.cap", workdir);
	CHECK(c);
	for (uint64_t i = 0; i < 50; i++) {
		uint64_t k = i * 0x100;
		struct mb_event e = {
			.rec = {
				.seq = i, .tsc = k + 1, .op = 2 + i % 30, .rflags = 3 + i,
				.nid = -1 + (int)i, .base = k + 5, .size = k + 6, .align = k + 7,
				.min_addr = k + 8, .max_addr = k + 9, .result = k + 10,
				.caller = k + 11, .mflags = 12 + i, .memory_cnt = 13 + i,
				.reserved_cnt = 14 + i, .depth = 15 + i,
			},
			.caller_sym = MB_NO_SYM, .caller_off = 17 + i,
		};

		if (i % 3 == 0)
			e.caller_sym = mb_capture_intern_sym(c, i % 2 ? "odd_fn" : "even_fn");
		CHECKE(mb_capture_add_event(c, &e, &err) == 0, err);
	}
	c->source = MB_SRC_SERIAL;
	c->build_id_len = 20;
	memset(c->build_id, 0xab, 20);
	c->log_capacity = 1000;
	c->log_written = 50;
	c->log_dropped = 3;
	c->boot_state = MB_BOOT_STATE_DONE;
	CHECKE(mb_state_copy(&c->final, &st, &err) == 0, err);
	st.bottom_up = false;
	CHECKE(mb_state_copy(&c->initial, &st, &err) == 0, err);
	CHECKE(mb_capture_add_checkpoint(c, 20, &st, &err) == 0, err);
	CHECK(mb_capture_set_meta(c, "transport", "serial") == 0);
	CHECKE(mb_capture_write(c, path, &err) == 0, err);
	b = mb_capture_read(path, &err);
	CHECKE(b, err);
	CHECK(b->nevents == c->nevents && b->nsyms == c->nsyms && b->ncheckpoints == 1);
	for (size_t i = 0; i < c->nevents; i++) {
		const struct mb_event *x = &c->events[i], *y = &b->events[i];
		const struct mb_evlog_record *rx = &x->rec, *ry = &y->rec;

		CHECK(rx->seq == ry->seq && rx->tsc == ry->tsc && rx->op == ry->op);
		CHECK(rx->rflags == ry->rflags && rx->nid == ry->nid && rx->base == ry->base);
		CHECK(rx->size == ry->size && rx->align == ry->align && rx->min_addr == ry->min_addr);
		CHECK(rx->max_addr == ry->max_addr && rx->result == ry->result);
		CHECK(rx->caller == ry->caller && rx->mflags == ry->mflags);
		CHECK(rx->memory_cnt == ry->memory_cnt && rx->reserved_cnt == ry->reserved_cnt);
		CHECK(rx->depth == ry->depth && x->caller_sym == y->caller_sym);
		CHECK(x->caller_off == y->caller_off);
	}
	for (size_t i = 0; i < c->nsyms; i++)
		CHECK(!strcmp(c->syms[i], b->syms[i]));
	CHECK(b->source == MB_SRC_SERIAL && b->build_id_len == 20 && b->build_id[19] == 0xab);
	CHECK(b->log_capacity == 1000 && b->log_written == 50 && b->log_dropped == 3);
	CHECK(b->boot_state == MB_BOOT_STATE_DONE);
	CHECK(b->final.valid && b->final.bottom_up && !b->initial.bottom_up);
	CHECK(b->final.current_limit == 0x7fff0000 && b->checkpoints[0].at == 20);
	CHECK(b->final.memory.cnt == 3 && b->final.memory.max == 128);
	CHECK(b->final.memory.total_size == 0xc000 && b->final.reserved.cnt == 2);
	CHECK(b->final.reserved.max == 256 && b->final.reserved.total_size == 0x5000);
	for (int i = 0; i < 3; i++) {
		const struct mb_region_rec *x = &regs[i], *y = &b->final.memory.regions[i];

		CHECK(x->base == y->base && x->size == y->size && x->flags == y->flags &&
		      x->nid == y->nid);
	}
	CHECK(b->checkpoints[0].state.reserved.regions[1].nid == -1);
	CHECK(!strcmp(mb_capture_get_meta(b, "transport"), "serial"));
	mb_capture_free(b);
	mb_capture_free(c);
	rmwork();
	return 0;
}

/*
 * The file checksum covers bytes no section checksum does (the padding of
 * the section table): a flipped bit there is still corruption.
 */
static int sc_capture_file_crc(void)
{
	struct mb_capture *c = small_capture();
	struct mb_error err = { 0 };
	char path[300];
	struct stat st;
	uint8_t b;
	int fd;

	mkwork();
	snprintf(path, sizeof(path), "%s/crc.cap", workdir);
	CHECKE(mb_capture_write(c, path, &err) == 0, err);
	mb_capture_free(c);
	fd = open(path, O_RDWR);
	CHECK(fd >= 0 && fstat(fd, &st) == 0);
	CHECK(pread(fd, &b, 1, st.st_size - 1) == 1);
	b ^= 0x40;
	CHECK(pwrite(fd, &b, 1, st.st_size - 1) == 1);
	close(fd);
	c = mb_capture_read(path, &err);
	CHECK(!c && err.code == MB_ERR_CORRUPT);
	rmwork();
	return 0;
}

/* ---- BTF with a 25-byte header ---- */

static int sc_btf_misaligned(void)
{
	struct btf *src = btf__parse_elf(arg_btf, NULL), *bad;
	struct mb_error err = { 0 };
	struct mb_layout l;
	const uint8_t *raw;
	uint8_t *copy;
	uint32_t size, hl = 25;

	CHECK(src);
	raw = btf__raw_data(src, &size);
	CHECK(raw && size > 24);
	CHECKE(mb_btf_layout(src, &l, &err) == 0, err);
	/* Header length 25: one pad byte, every type record shifted by one. */
	copy = malloc(size + 1);
	CHECK(copy);
	memcpy(copy, raw, 24);
	memcpy(copy + 4, &hl, 4);
	copy[24] = 0;
	memcpy(copy + 25, raw + 24, size - 24);
	bad = btf__new(copy, size + 1);
	if (!bad) {
		fprintf(stderr, "libbpf refuses a 25-byte header itself: nothing reaches us\n");
	} else {
		CHECK(mb_btf_layout(bad, &l, &err) == -1);
		CHECK(err.code == MB_ERR_FORMAT && strstr(err.msg, "misaligned"));
		btf__free(bad);
	}
	free(copy);
	btf__free(src);
	return 0;
}

/* ---- a fake gdbstub ---- */

struct stub {
	int fd;
	int m_delay_ms;		/* before each m reply */
	bool stop_before_m;	/* an unsolicited T05 before the first m reply */
	int m_extra;		/* bytes sent beyond what each m asked for */
	int nm;
};

static void stub_send(struct stub *s, const char *payload)
{
	size_t n = strlen(payload);
	char *f = malloc(n + 8);
	uint8_t sum = 0;

	for (size_t i = 0; i < n; i++)
		sum += (uint8_t)payload[i];
	sprintf(f, "$%s#%02x", payload, sum);
	CHECK(send(s->fd, f, n + 4, MSG_NOSIGNAL) == (ssize_t)(n + 4) || 1);
	free(f);
}

static void *stub_main(void *arg)
{
	struct stub *s = arg;
	char pkt[512], c;
	size_t n = 0;
	bool in = false;

	while (recv(s->fd, &c, 1, 0) == 1) {
		if (!in) {
			if (c == '$') {
				in = true;
				n = 0;
			}
			continue;
		}
		if (c != '#') {
			if (n < sizeof(pkt) - 1)
				pkt[n++] = c;
			continue;
		}
		in = false;
		pkt[n] = 0;
		if (recv(s->fd, &c, 1, 0) != 1 || recv(s->fd, &c, 1, 0) != 1)
			break;
		send(s->fd, "+", 1, MSG_NOSIGNAL);
		if (!strncmp(pkt, "qSupported", 10)) {
			stub_send(s, "PacketSize=1000");
		} else if (!strcmp(pkt, "?")) {
			stub_send(s, "S05");
		} else if (pkt[0] == 'm') {
			unsigned long long a;
			unsigned int len;
			char *hex;

			CHECK(sscanf(pkt + 1, "%llx,%x", &a, &len) == 2);
			if (s->m_delay_ms)
				usleep(s->m_delay_ms * 1000);
			if (s->stop_before_m && s->nm == 0)
				stub_send(s, "T05thread:01;");
			s->nm++;
			len += s->m_extra;
			hex = malloc(2 * len + 1);
			for (unsigned int i = 0; i < len; i++)
				sprintf(hex + 2 * i, "%02x", pattern(a + i));
			stub_send(s, hex);
			free(hex);
		} else if (!strncmp(pkt, "Qqemu", 5)) {
			stub_send(s, "OK");
		} else {
			stub_send(s, "");
		}
	}
	return NULL;
}

static struct mb_transport *stub_transport(struct stub *s, pthread_t *th)
{
	struct mb_error err = { 0 };
	struct mb_rsp *r;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	s->fd = sv[1];
	CHECK(pthread_create(th, NULL, stub_main, s) == 0);
	r = mb_rsp_open_fd(sv[0], 5000, &err);
	CHECKE(r, err);
	CHECKE(mb_rsp_handshake(r, &err) == 0, err);
	return mb_rsp_transport(r);
}

static void stub_done(struct stub *s, struct mb_transport *t, pthread_t th)
{
	t->ops->close(t);
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(th, NULL);
	close(s->fd);
}

/* Each m answered after 600 ms: 8 of them would take 4.8 s; the deadline says 1.5. */
static int sc_rsp_deadline(void)
{
	struct stub s = { .m_delay_ms = 600 };
	struct mb_error err = { 0 };
	static uint8_t buf[16384];
	struct mb_transport *t;
	pthread_t th;
	int64_t t0;

	t = stub_transport(&s, &th);
	t0 = mb_now_ms();
	t->deadline = t0 + 1500;
	CHECK(mb_transport_read(t, 0x10000, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_TIMEOUT && strstr(err.msg, "time limit"));
	CHECK(mb_now_ms() - t0 < 3000);
	stub_done(&s, t, th);
	return 0;
}

/* A stop reply between an m request and its answer is news, not the answer. */
static int sc_rsp_unsolicited_stop(void)
{
	struct stub s = { .stop_before_m = true };
	struct mb_error err = { 0 };
	static uint8_t buf[16384];
	struct mb_transport *t;
	pthread_t th;

	for (int window = 0; window < 2; window++) {
		s.nm = 0;
		t = stub_transport(&s, &th);
		if (!window)
			mb_rsp_set_window(t->priv, 1);
		CHECKE(mb_transport_read(t, 0x10000, buf, sizeof(buf), &err) == 0, err);
		for (size_t i = 0; i < sizeof(buf); i++)
			CHECK(buf[i] == pattern(0x10000 + i));
		stub_done(&s, t, th);
	}
	return 0;
}

/* An m reply longer than asked for is refused, never copied past the buffer. */
static int sc_rsp_reply_too_long(void)
{
	struct stub s = { .m_extra = 16 };
	struct mb_error err = { 0 };
	struct mb_transport *t;
	uint8_t *buf;
	pthread_t th;

	for (int window = 0; window < 2; window++) {
		buf = malloc(16384 + 64);
		CHECK(buf);
		memset(buf, 0x5a, 16384 + 64);
		t = stub_transport(&s, &th);
		if (!window)
			mb_rsp_set_window(t->priv, 1);
		CHECK(mb_transport_read(t, 0x10000, buf, 16384, &err) == -1);
		CHECK(err.code == MB_ERR_PROTO && strstr(err.msg, "malformed"));
		for (int i = 0; i < 64; i++)
			CHECK(buf[16384 + i] == 0x5a);
		stub_done(&s, t, th);
		free(buf);
	}
	return 0;
}

/* ---- a fake COM2 peer ---- */

struct speer {
	int fd;
	uint32_t boot_state;
	int drop_hellos;	/* ignore the first N HELLOs */
	int mem_delay_ms;	/* before each READ_MEM reply */
	int dribble_ms;		/* send replies in 1 KiB pieces this far apart */
	int hellos;
};

static void speer_send(struct speer *p, const uint8_t *f, size_t n)
{
	size_t step = p->dribble_ms ? 1024 : n;

	for (size_t off = 0; off < n; off += step) {
		size_t k = n - off < step ? n - off : step;

		if (send(p->fd, f + off, k, MSG_NOSIGNAL) != (ssize_t)k)
			return;
		if (p->dribble_ms)
			usleep(p->dribble_ms * 1000);
	}
}

static bool read_exact(int fd, void *buf, size_t n)
{
	uint8_t *b = buf;

	while (n) {
		ssize_t r = recv(fd, b, n, 0);

		if (r <= 0)
			return false;
		b += r;
		n -= r;
	}
	return true;
}

static void *speer_main(void *arg)
{
	struct speer *p = arg;
	static uint8_t out[65536 + 64], frame[65536 + 64];

	for (;;) {
		uint8_t b, hdr[8], pl[64], crc[4];
		uint32_t len;
		uint16_t tag;
		uint64_t a;

		if (!read_exact(p->fd, &b, 1))
			break;
		if (b != MB_SER_SYNC0 || !read_exact(p->fd, &b, 1) || b != MB_SER_SYNC1)
			continue;
		if (!read_exact(p->fd, hdr, 8))
			break;
		memcpy(&len, hdr + 4, 4);
		tag = hdr[2] | hdr[3] << 8;
		if (len > 64 || !read_exact(p->fd, pl, len) || !read_exact(p->fd, crc, 4))
			break;
		if (hdr[1] == MB_SER_HELLO) {
			if (p->hellos++ < p->drop_hellos)
				continue;
			memset(out, 0, 80);
			out[0] = 1;
			memcpy(out + 4, &p->boot_state, 4);
			a = 0x200000;
			memcpy(out + 8, &a, 8);
			out[41] = 1;	/* max payload 65536 */
			speer_send(p, frame, mb_serial_frame(frame, 0x81, tag, out, 80));
		} else if (hdr[1] == MB_SER_READ_MEM) {
			memcpy(&a, pl, 8);
			memcpy(&len, pl + 8, 4);
			if (len > 65536)
				len = 65536;
			for (uint32_t i = 0; i < len; i++)
				out[i] = pattern(a + i);
			if (p->mem_delay_ms)
				usleep(p->mem_delay_ms * 1000);
			speer_send(p, frame, mb_serial_frame(frame, 0x82, tag, out, len));
		}
	}
	return NULL;
}

static struct mb_serial *speer_start(struct speer *p, pthread_t *th, int timeout_ms)
{
	struct mb_error err = { 0 };
	struct mb_serial *s;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	p->fd = sv[1];
	CHECK(pthread_create(th, NULL, speer_main, p) == 0);
	s = mb_serial_open_fd(sv[0], timeout_ms, &err);
	CHECKE(s, err);
	return s;
}

static void speer_done(struct speer *p, struct mb_serial *s, pthread_t th)
{
	mb_serial_close(s);
	shutdown(p->fd, SHUT_RDWR);
	pthread_join(th, NULL);
	close(p->fd);
}

static int sc_serial_deadline(void)
{
	struct speer p = { .mem_delay_ms = 600 };
	struct mb_error err = { 0 };
	static uint8_t buf[8 * 65536];
	struct mb_transport *t;
	struct mb_serial *s;
	pthread_t th;
	int64_t t0;

	s = speer_start(&p, &th, 5000);
	t = mb_serial_transport(s);
	t0 = mb_now_ms();
	t->deadline = t0 + 1500;
	CHECK(mb_transport_read(t, 0, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_TIMEOUT && strstr(err.msg, "time limit"));
	CHECK(mb_now_ms() - t0 < 3000);
	speer_done(&p, s, th);
	return 0;
}

/*
 * A 64 KiB reply arriving in 1 KiB pieces 25 ms apart takes 1.6 s; the peer
 * is never silent for the 500 ms timeout.  It must arrive at the first try.
 */
static int sc_serial_slow_stream(void)
{
	struct speer p = { .dribble_ms = 25 };
	struct mb_error err = { 0 };
	static uint8_t buf[65536];
	struct mb_serial *s;
	pthread_t th;

	s = speer_start(&p, &th, 500);
	CHECKE(mb_serial_read_mem(s, 0x1000, buf, sizeof(buf), &err) == 0, err);
	for (size_t i = 0; i < sizeof(buf); i++)
		CHECK(buf[i] == pattern(0x1000 + i));
	CHECK(mb_serial_stats(s)->retries == 0);
	speer_done(&p, s, th);
	return 0;
}

/*
 * The first HELLO is lost (the kernel was not listening yet): the next one
 * must follow promptly, not a second later.  A late answer to an earlier
 * copy counts too (every copy asks the same).
 */
static int sc_serial_hello_prompt(void)
{
	struct speer p = { .drop_hellos = 1, .boot_state = MB_BOOT_STATE_DONE };
	struct mb_serial_hello h;
	struct mb_error err = { 0 };
	struct mb_serial *s;
	pthread_t th;
	int64_t t0;

	s = speer_start(&p, &th, 5000);
	t0 = mb_now_ms();
	CHECKE(mb_serial_hello(s, &h, 5000, &err) == 0, err);
	CHECK(h.boot_state == MB_BOOT_STATE_DONE);
	/* Today a lost HELLO costs a whole second. */
	CHECK(mb_now_ms() - t0 < 700);
	CHECK(mb_serial_stats(s)->retries == 0);
	speer_done(&p, s, th);
	return 0;
}

/*
 * Three ranges (one of 150 KiB: three READ_MEM pieces) asked for at once:
 * each is handed out whole and once, then read from the peer again.
 */
static int sc_serial_prefetch(void)
{
	struct speer p = { 0 };
	static uint8_t buf[150 << 10];
	uint64_t addr[4] = { 0x1000, 0x200000, 0x7000, 0x9000 };
	uint32_t len[4] = { 128, 150 << 10, 24, 4096 };
	struct mb_error err = { 0 };
	struct mb_serial *s;
	pthread_t th;
	uint64_t sent;

	p.boot_state = MB_BOOT_STATE_DONE;
	s = speer_start(&p, &th, 2000);
	sent = mb_serial_stats(s)->frames_sent;
	CHECK(mb_serial_prefetch(s, addr, len, 3) == 3);
	CHECK(mb_serial_stats(s)->frames_sent - sent == 5);
	for (int i = 2; i >= 0; i--) {
		memset(buf, 0, sizeof(buf));
		CHECK(mb_serial_take_cached(s, addr[i], buf, len[i]));
		for (uint32_t k = 0; k < len[i]; k++)
			CHECK(buf[k] == pattern(addr[i] + k));
		CHECK(!mb_serial_take_cached(s, addr[i], buf, len[i]));
	}
	/* Not prefetched, or a different length: not from the cache. */
	CHECK(mb_serial_prefetch(s, addr + 3, len + 3, 1) == 1);
	CHECK(!mb_serial_take_cached(s, addr[3], buf, 100));
	CHECK(!mb_serial_take_cached(s, 0x5000, buf, 4096));
	/* The transport reads through the cache, and then from the peer. */
	CHECKE(mb_transport_read(mb_serial_transport(s), addr[3], buf, 4096, &err) == 0, err);
	CHECK(buf[4095] == pattern(addr[3] + 4095));
	speer_done(&p, s, th);
	(void)err;
	return 0;
}

/* ---- pulls from hostile memory (the test kernel's ELF and BTF) ---- */

struct hostile {
	uint64_t evlog, memblock;
	uint8_t hdr[4096];	/* at evlog */
	uint8_t mb[4096];	/* at memblock */
	uint64_t bytes_read;
};

static int hostile_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
			struct mb_error *err)
{
	struct hostile *h = t->priv;

	h->bytes_read += len;
	memset(buf, 0, len);
	if (addr >= h->evlog && addr + len <= h->evlog + sizeof(h->hdr))
		memcpy(buf, h->hdr + (addr - h->evlog), len);
	else if (addr >= h->memblock && addr + len <= h->memblock + sizeof(h->mb))
		memcpy(buf, h->mb + (addr - h->memblock), len);
	return 0;
}

static void hostile_close(struct mb_transport *t)
{
}

static const struct mb_transport_ops hostile_ops = {
	.name = "hostile", .read = hostile_read, .close = hostile_close,
};

static void put_field(uint8_t *base, const struct mb_field *f, uint64_t v)
{
	for (uint32_t i = 0; i < f->size && i < 8; i++)
		base[f->off + i] = (uint8_t)(v >> (8 * i));
}

/* cnt = max = 1048576 regions where the log says 0: refused before reading them. */
static int sc_pull_impossible_array(void)
{
	static struct hostile h;
	struct mb_transport t = { .ops = &hostile_ops, .priv = &h };
	struct mb_evlog_header *hd = (struct mb_evlog_header *)h.hdr;
	struct mb_error err = { 0 };
	struct mb_pull_opts o = { 0 };
	struct mb_layout l;
	struct mb_elf *elf;
	const uint8_t *id;
	size_t idlen;
	uint64_t bytes;

	elf = mb_elf_open(arg_kernel, &err);
	CHECKE(elf, err);
	CHECKE(mb_btf_layout_from_file(arg_kernel, &l, &err) == 0, err);
	CHECKE(mb_pull_locate(elf, &h.evlog, &bytes, &h.memblock, &err) == 0, err);
	CHECK(mb_elf_build_id(elf, &id, &idlen) == 0 && idlen <= 32);
	hd->magic = MB_EVLOG_MAGIC;
	hd->version = MB_EVLOG_VERSION;
	hd->header_size = sizeof(*hd);
	hd->record_size = MB_EVLOG_RECORD_SIZE;
	hd->capacity = 16;
	hd->written = 0;
	hd->boot_state = MB_BOOT_STATE_DONE;
	hd->build_id_len = idlen;
	memcpy(hd->build_id, id, idlen);
	hd->memblock_addr = h.memblock;
	put_field(h.mb + l.memory.off, &l.cnt, 0);
	put_field(h.mb + l.memory.off, &l.max, 128);
	put_field(h.mb + l.memory.off, &l.regions, 0x400000);
	put_field(h.mb + l.reserved.off, &l.cnt, 1048576);
	put_field(h.mb + l.reserved.off, &l.max, 1048576);
	put_field(h.mb + l.reserved.off, &l.regions, 0x400000);
	o.t = &t;
	o.elf = elf;
	o.layout = &l;
	o.evlog_addr = h.evlog;
	o.evlog_bytes = bytes;
	o.memblock_addr = h.memblock;
	CHECK(mb_pull(&o, &err) == NULL);
	fprintf(stderr, "refused: %s (%llu bytes read)\n", err.msg,
		(unsigned long long)h.bytes_read);
	CHECK(err.code == MB_ERR_FORMAT);
	CHECK(h.bytes_read < 65536);
	/* A capacity memblock cannot reach (not 128 doubled k times). */
	put_field(h.mb + l.memory.off, &l.cnt, 0);
	put_field(h.mb + l.reserved.off, &l.cnt, 0);
	put_field(h.mb + l.reserved.off, &l.max, 1000);
	h.bytes_read = 0;
	CHECK(mb_pull(&o, &err) == NULL);
	CHECK(err.code == MB_ERR_FORMAT && strstr(err.msg, "doubles"));
	mb_elf_close(elf);
	return 0;
}

static struct speer acc_peer;
static int acc_ls;

/* The peer starts serving once the agent connects. */
static void *accept_then_serve(void *arg)
{
	acc_peer.fd = accept(acc_ls, NULL, NULL);
	if (acc_peer.fd >= 0)
		speer_main(&acc_peer);
	return NULL;
}

/* Boot state 99 (HELLO, or the log header): refused at once, not after the timeout. */
static int sc_boot_state_impossible(void)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct mb_capture_opts o = { 0 };
	struct mb_evlog_header hd = { 0 };
	struct mb_error err = { 0 };
	char ram[300], attach[320];
	uint64_t evlog, bytes;
	struct mb_elf *elf;
	pthread_t acc;
	int64_t t0;
	int fd;

	alarm(30);
	mkwork();
	/* Through the serial transport. */
	acc_peer.boot_state = 99;
	CHECK(strlen(workdir) < 64);
	memcpy(sun.sun_path, workdir, strlen(workdir));
	strcat(sun.sun_path, "/com2");
	acc_ls = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(acc_ls, (struct sockaddr *)&sun, sizeof(sun)) == 0 && listen(acc_ls, 1) == 0);
	snprintf(attach, sizeof(attach), "serial:%s", sun.sun_path);
	o.attach = attach;
	o.elf = arg_kernel;
	o.timeout_s = 20;
	CHECK(pthread_create(&acc, NULL, accept_then_serve, NULL) == 0);
	t0 = mb_now_ms();
	CHECK(!mb_agent_capture(&o, &err));
	fprintf(stderr, "serial: %s (%lld ms)\n", err.msg, (long long)(mb_now_ms() - t0));
	CHECK(err.code == MB_ERR_FORMAT && strstr(err.msg, "boot state 99"));
	shutdown(acc_peer.fd, SHUT_RDWR);
	pthread_join(acc, NULL);
	close(acc_peer.fd);
	close(acc_ls);
	/* Through a RAM file whose log header says 99. */
	elf = mb_elf_open(arg_kernel, &err);
	CHECKE(elf, err);
	CHECKE(mb_pull_locate(elf, &evlog, &bytes, NULL, &err) == 0, err);
	mb_elf_close(elf);
	snprintf(ram, sizeof(ram), "%s/ram", workdir);
	fd = open(ram, O_RDWR | O_CREAT, 0600);
	CHECK(fd >= 0 && ftruncate(fd, 64 << 20) == 0);
	hd.magic = MB_EVLOG_MAGIC;
	hd.version = MB_EVLOG_VERSION;
	hd.header_size = sizeof(hd);
	hd.record_size = MB_EVLOG_RECORD_SIZE;
	hd.boot_state = 99;
	CHECK(pwrite(fd, &hd, sizeof(hd), evlog) == sizeof(hd));
	close(fd);
	snprintf(attach, sizeof(attach), "ramfile:%s", ram);
	t0 = mb_now_ms();
	CHECK(!mb_agent_capture(&o, &err));
	fprintf(stderr, "ramfile: %s (%lld ms)\n", err.msg, (long long)(mb_now_ms() - t0));
	CHECK(err.code == MB_ERR_FORMAT && strstr(err.msg, "boot state"));
	rmwork();
	alarm(0);
	return 0;
}

/* ---- stock Linux images ---- */

/*
 * A bzImage whose LZ4 payload (legacy format: magic, sized blocks, size
 * trailer) is two blocks: 8 MiB starting with an ELF magic, then 4 KiB.
 * @corrupt: make the second block's size run past the end.
 */
static uint8_t *lz4_bzimage(bool corrupt, size_t *len)
{
	const size_t b1 = 8u << 20, b2 = 4096, setup = 5 * 512;
	uint8_t *raw = calloc(1, b1 + b2), *img;
	size_t cap = setup + 16 + 2 * LZ4_compressBound(b1 + b2), pos;
	uint32_t v;
	int n;

	CHECK(raw);
	memcpy(raw, "\x7f" "ELF", 4);
	for (size_t i = 64; i < b1 + b2; i++)
		raw[i] = pattern(i / 7);
	img = calloc(1, cap);
	CHECK(img);
	img[0x1f1] = 4;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x206] = 0x0f;
	img[0x207] = 0x02;
	pos = setup;
	v = 0x184c2102u;
	memcpy(img + pos, &v, 4);
	pos += 4;
	n = LZ4_compress_default((char *)raw, (char *)img + pos + 4, b1, cap - pos - 4);
	CHECK(n > 0);
	v = n;
	memcpy(img + pos, &v, 4);
	pos += 4 + n;
	n = LZ4_compress_default((char *)raw + b1, (char *)img + pos + 4, b2, cap - pos - 4);
	CHECK(n > 0);
	v = (uint32_t)n + (corrupt ? 100 : 0);
	memcpy(img + pos, &v, 4);
	pos += 4 + n;
	v = b1 + b2;
	memcpy(img + pos, &v, 4);
	pos += 4;
	v = 0;
	memcpy(img + 0x248, &v, 4);
	v = pos - setup;
	memcpy(img + 0x24c, &v, 4);
	free(raw);
	*len = pos;
	return img;
}

/* A corrupt LZ4 payload is reported as such, not as a vmlinux without .BTF. */
static int sc_linux_lz4_corrupt(void)
{
	struct mb_error err = { 0 };
	const char *kind;
	uint8_t *img, *out;
	size_t len, olen;

	img = lz4_bzimage(false, &len);
	CHECKE(mb_linux_extract_vmlinux(img, len, &out, &olen, &kind, &err) == 0, err);
	CHECK(olen == (8u << 20) + 4096 && !strcmp(kind, "lz4"));
	free(out);
	free(img);
	img = lz4_bzimage(true, &len);
	CHECK(mb_linux_extract_vmlinux(img, len, &out, &olen, &kind, &err) == -1);
	fprintf(stderr, "corrupt: %s\n", err.msg);
	CHECK(strstr(err.msg, "lz4: corrupt"));
	free(img);
	return 0;
}

/* .deb errors name the member without ar's padding; --linux FIFO does not hang. */
static int sc_linux_deb_names_and_fifo(void)
{
	static const char junk[] = "this is not xz data at all";
	struct mb_error err = { 0 };
	char deb[256], path[300];
	uint8_t *out;
	size_t olen, n;

	alarm(20);
	n = snprintf(deb, sizeof(deb), "!<arch>\n%-16s%-12s%-6s%-6s%-8s%-10zu`\n%s",
		     "data.tar.xz/", "0", "0", "0", "100644", sizeof(junk) - 1, junk);
	CHECK(mb_linux_deb_find_kernel((uint8_t *)deb, n, &out, &olen, NULL, 0, &err) == -1);
	fprintf(stderr, "deb: %s\n", err.msg);
	CHECK(strstr(err.msg, "Debian package data.tar.xz: "));
	mkwork();
	snprintf(path, sizeof(path), "%s/fifo", workdir);
	CHECK(mkfifo(path, 0600) == 0);
	CHECK(mb_linux_image_open(path, &err) == NULL);
	CHECK(strstr(err.msg, "not a regular file"));
	rmwork();
	alarm(0);
	return 0;
}

/* ---- console import ---- */

struct feeder {
	int fd;
	const char *log;
	size_t long_bytes;
};

/* Writes the log with one line of @long_bytes 'x' inserted after its first line. */
static void *feed(void *arg)
{
	struct feeder *f = arg;
	FILE *in = fopen(f->log, "r");
	static char chunk[1 << 16];
	char line[8192];
	bool first = true;

	CHECK(in);
	memset(chunk, 'x', sizeof(chunk));
	while (fgets(line, sizeof(line), in)) {
		if (write(f->fd, line, strlen(line)) < 0)
			break;
		if (!first)
			continue;
		first = false;
		for (size_t left = f->long_bytes; left;) {
			size_t k = left < sizeof(chunk) ? left : sizeof(chunk);

			if (write(f->fd, chunk, k) != (ssize_t)k)
				break;
			left -= k;
		}
		if (write(f->fd, "\n", 1) < 0)
			break;
	}
	fclose(in);
	close(f->fd);
	return NULL;
}

static long maxrss_kib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return ru.ru_maxrss;
}

/* A 64 MiB line is skipped (over 4 KiB) without being held in memory. */
static int sc_import_long_line_bounded(void)
{
	struct feeder f = { .log = MB_TEST_SRC "/tests/fuzz/corpus/import/6.1-cloud-m512.log.short",
			    .long_bytes = 64u << 20 };
	struct mb_import_stats st, ref;
	struct mb_error err = { 0 };
	struct mb_capture *c, *want;
	pthread_t th;
	long before;
	int pfd[2];
	FILE *in;

	want = mb_import_file(f.log, &ref, &err);
	CHECKE(want, err);
	before = maxrss_kib();
	CHECK(pipe(pfd) == 0);
	f.fd = pfd[1];
	CHECK(pthread_create(&th, NULL, feed, &f) == 0);
	in = fdopen(pfd[0], "r");
	c = mb_import_stream(in, "pipe", &st, &err);
	pthread_join(th, NULL);
	fclose(in);
	CHECKE(c, err);
	fprintf(stderr, "max RSS grew by %ld KiB for a %zu MiB line\n", maxrss_kib() - before,
		f.long_bytes >> 20);
	CHECK(maxrss_kib() - before < 16 * 1024);
	CHECK(st.lines == ref.lines + 1 && c->nevents == want->nevents);
	mb_capture_free(c);
	mb_capture_free(want);
	return 0;
}

/* ---- temporary directories: signals and SIGKILL ---- */

static pid_t child_tmpdir(const char *tmpl, char *made, size_t cap, bool term)
{
	int pfd[2];
	pid_t pid;

	CHECK(pipe(pfd) == 0);
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		char t[300];

		snprintf(t, sizeof(t), "%s", tmpl);
		if (mb_tmpdir_make(t))
			_exit(3);
		{
			char f[320];

			snprintf(f, sizeof(f), "%s/ram", t);
			close(open(f, O_CREAT | O_WRONLY, 0600));
		}
		if (write(pfd[1], t, strlen(t) + 1) < 0)
			_exit(4);
		if (term)
			raise(SIGTERM);
		pause();
		_exit(0);
	}
	close(pfd[1]);
	CHECK(read(pfd[0], made, cap) > 0);
	close(pfd[0]);
	return pid;
}

static int sc_tmpdir_cleanup(void)
{
	char tmpl[300], a[300], b[300], c[300];
	struct stat st;
	int status;
	pid_t pid;

	mkwork();
	snprintf(tmpl, sizeof(tmpl), "%s/mbagent-XXXXXX", workdir);
	/* SIGTERM: the handler removes the directory before dying. */
	pid = child_tmpdir(tmpl, a, sizeof(a), true);
	CHECK(waitpid(pid, &status, 0) == pid && WIFSIGNALED(status) &&
	      WTERMSIG(status) == SIGTERM);
	CHECK(stat(a, &st) == -1 && errno == ENOENT);
	/* SIGKILL: the directory stays, and the next run removes it. */
	pid = child_tmpdir(tmpl, b, sizeof(b), false);
	kill(pid, SIGKILL);
	CHECK(waitpid(pid, &status, 0) == pid);
	CHECK(stat(b, &st) == 0);
	snprintf(c, sizeof(c), "%s", tmpl);
	CHECK(mb_tmpdir_make(c) == 0);
	CHECK(stat(b, &st) == -1 && errno == ENOENT);
	/* A live owner's directory is left alone. */
	snprintf(a, sizeof(a), "%s", tmpl);
	CHECK(mb_tmpdir_make(a) == 0);
	CHECK(stat(c, &st) == 0);
	mb_tmpdir_remove(a);
	mb_tmpdir_remove(c);
	CHECK(count_entries(workdir) == 0);
	rmwork();
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
		int needs;	/* 1: BTF fixture, 2: kernel ELF */
	} sc[] = {
		{ "ramfile_shrinks", sc_ramfile_shrinks, 0 },
		{ "fifo_inputs", sc_fifo_inputs, 0 },
		{ "output_special_files", sc_output_special_files, 0 },
		{ "btf_misaligned", sc_btf_misaligned, 1 },
		{ "rsp_deadline", sc_rsp_deadline, 0 },
		{ "rsp_unsolicited_stop", sc_rsp_unsolicited_stop, 0 },
		{ "rsp_reply_too_long", sc_rsp_reply_too_long, 0 },
		{ "capture_roundtrip", sc_capture_roundtrip, 0 },
		{ "capture_file_crc", sc_capture_file_crc, 0 },
		{ "serial_deadline", sc_serial_deadline, 0 },
		{ "serial_slow_stream", sc_serial_slow_stream, 0 },
		{ "serial_hello_prompt", sc_serial_hello_prompt, 0 },
		{ "serial_prefetch", sc_serial_prefetch, 0 },
		{ "pull_impossible_array", sc_pull_impossible_array, 2 },
		{ "boot_state_impossible", sc_boot_state_impossible, 2 },
		{ "tmpdir_cleanup", sc_tmpdir_cleanup, 0 },
		{ "linux_lz4_corrupt", sc_linux_lz4_corrupt, 0 },
		{ "import_long_line_bounded", sc_import_long_line_bounded, 0 },
		{ "linux_deb_names_and_fifo", sc_linux_deb_names_and_fifo, 0 },
	};

	if (argc < 4) {
		fprintf(stderr, "usage: %s BTF-FIXTURE KERNEL-ELF SCENARIO\n", argv[0]);
		return 2;
	}
	arg_btf = argv[1];
	arg_kernel = argv[2];
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++)
		if (!strcmp(argv[3], sc[i].name))
			return sc[i].fn();
	fprintf(stderr, "no scenario named %s\n", argv[3]);
	return 2;
}
