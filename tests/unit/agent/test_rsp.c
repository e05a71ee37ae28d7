// SPDX-License-Identifier: GPL-2.0-only
/* test_rsp.c - the RSP client against a fake gdbstub thread, one fault per scenario. */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mbagent/rsp.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

#define BAD_ADDR	0x10000000ULL	/* the fake target has no memory here */

/* Faults the fake stub can inject. */
struct stub_cfg {
	int max_m;		/* largest m length answered, else E22 */
	int corrupt_every;	/* corrupt the checksum of every Nth reply */
	int nak_every;		/* answer '-' to every Nth packet */
	bool split;		/* write one byte at a time */
	bool coalesce;		/* hold output until input is drained */
	bool no_ack;		/* never send '+' */
	bool garbage;		/* junk before every reply */
	bool silent;		/* never answer anything */
	int close_after_m;	/* close in the middle of the Nth m reply */
	bool oversized;		/* answer m with a 2 MiB packet */
	bool no_z1;		/* empty reply to Z1 */
	int packet_size;	/* advertised PacketSize (0: 0x1000, as QEMU 7.2) */
	bool pause_on_byte;	/* as QEMU: a byte while running, beyond one ack, stops it */
};

struct stub {
	int fd;
	struct stub_cfg cfg;
	char *out;
	size_t out_len, out_cap;
	char last[1 << 16];
	size_t last_len;
	int npkts, nreplies, nm;
	bool running;
	bool unacked;		/* a reply went out and no '+' came back yet */
};

static uint8_t pattern(uint64_t a)
{
	return (uint8_t)(a * 7 ^ a >> 8 ^ a >> 16);
}

static void out_put(struct stub *s, const char *p, size_t n)
{
	if (s->out_len + n > s->out_cap) {
		s->out_cap = (s->out_len + n) * 2;
		s->out = realloc(s->out, s->out_cap);
		CHECK(s->out);
	}
	memcpy(s->out + s->out_len, p, n);
	s->out_len += n;
}

static void out_flush(struct stub *s)
{
	size_t i = 0;

	while (i < s->out_len) {
		ssize_t n = send(s->fd, s->out + i, s->cfg.split ? 1 : s->out_len - i,
				 MSG_NOSIGNAL);
		if (n <= 0)
			break;
		i += n;
	}
	s->out_len = 0;
}

static void reply(struct stub *s, const char *payload, size_t len)
{
	static const char hx[] = "0123456789abcdef";
	char tail[4];
	uint8_t sum = 0;
	size_t i;

	for (i = 0; i < len; i++)
		sum += (uint8_t)payload[i];
	s->nreplies++;
	s->unacked = true;
	if (s->cfg.garbage)
		out_put(s, "junk\r\n\x01\x7f ", 10);
	/* Remember the good version for a retransmission. */
	s->last_len = 0;
	if (len + 4 < sizeof(s->last)) {
		s->last[0] = '$';
		memcpy(s->last + 1, payload, len);
		s->last[len + 1] = '#';
		s->last[len + 2] = hx[sum >> 4];
		s->last[len + 3] = hx[sum & 15];
		s->last_len = len + 4;
	}
	if (s->cfg.corrupt_every && s->nreplies % s->cfg.corrupt_every == 0)
		sum ^= 0x5a;
	out_put(s, "$", 1);
	out_put(s, payload, len);
	tail[0] = '#';
	tail[1] = hx[sum >> 4];
	tail[2] = hx[sum & 15];
	out_put(s, tail, 3);
}

static void reply_str(struct stub *s, const char *p)
{
	reply(s, p, strlen(p));
}

/* Returns false to make the stub thread exit (closing the socket). */
static bool handle(struct stub *s, char *pkt, size_t len)
{
	unsigned long long addr;
	unsigned int n;

	pkt[len] = '\0';
	if (!strncmp(pkt, "qSupported", 10)) {
		char q[96];

		snprintf(q, sizeof(q), "PacketSize=%x;qXfer:features:read+;vContSupported+",
			 s->cfg.packet_size ? s->cfg.packet_size : 0x1000);
		reply_str(s, q);
	} else if (!strcmp(pkt, "?")) {
		reply_str(s, "T05thread:01;");
	} else if (!strncmp(pkt, "Qqemu.PhyMemMode:", 17)) {
		reply_str(s, "OK");
	} else if (!strcmp(pkt, "qRle")) {
		/* "a" then '*' with count ' ' (32 - 29 = 3 more), then an escaped '#'. */
		reply_str(s, "xa* }\x03");
	} else if (!strcmp(pkt, "vCont;c") || !strcmp(pkt, "c")) {
		s->running = true;
	} else if (pkt[0] == 'Z' || pkt[0] == 'z') {
		reply_str(s, pkt[1] == '1' && s->cfg.no_z1 ? "" : "OK");
	} else if (sscanf(pkt, "m%llx,%x", &addr, &n) == 2) {
		static char buf[1 << 18];
		static const char hx[] = "0123456789abcdef";
		unsigned int i;

		s->nm++;
		if (s->cfg.oversized) {
			size_t big = 2u << 20;
			char *p = malloc(big);

			CHECK(p);
			memset(p, '0', big);
			reply(s, p, big);
			free(p);
			return true;
		}
		if ((int)n > s->cfg.max_m || addr + n > BAD_ADDR) {
			reply_str(s, (int)n > s->cfg.max_m ? "E22" : "E14");
			return true;
		}
		for (i = 0; i < n; i++) {
			uint8_t b = pattern(addr + i);

			buf[2 * i] = hx[b >> 4];
			buf[2 * i + 1] = hx[b & 15];
		}
		if (s->cfg.close_after_m && s->nm == s->cfg.close_after_m) {
			out_put(s, "$", 1);
			out_put(s, buf, n);	/* half of the hex */
			out_flush(s);
			return false;
		}
		reply(s, buf, 2 * n);
	} else {
		reply_str(s, "");
	}
	return true;
}

static void *stub_main(void *arg)
{
	struct stub *s = arg;
	static char pkt[1 << 16];
	size_t plen = 0;
	int state = 0;		/* 0 idle, 1 data, 2 cs1, 3 cs2 */
	uint8_t sum = 0, rsum = 0;
	char buf[4096];

	for (;;) {
		ssize_t n = recv(s->fd, buf, sizeof(buf), 0);
		ssize_t i;

		if (n <= 0)
			break;
		if (s->cfg.silent)
			continue;
		for (i = 0; i < n; i++) {
			char c = buf[i];

			if (state == 0 && s->cfg.pause_on_byte && s->running && c != '$') {
				if (c == '+' && s->unacked) {
					s->unacked = false;
				} else {
					s->running = false;
					reply_str(s, "T02thread:01;");
				}
				if (!s->cfg.coalesce)
					out_flush(s);
				continue;
			}
			if (state == 0 && c == '+')
				s->unacked = false;
			switch (state) {
			case 0:
				if (c == '$') {
					state = 1;
					plen = 0;
					sum = 0;
				} else if (c == '-' && s->last_len) {
					out_put(s, s->last, s->last_len);
				} else if (c == 0x03 && s->running) {
					s->running = false;
					reply_str(s, "S02");
				}
				break;
			case 1:
				if (c == '#') {
					state = 2;
				} else {
					sum += (uint8_t)c;
					if (plen < sizeof(pkt) - 1)
						pkt[plen++] = c;
				}
				break;
			case 2:
				rsum = (uint8_t)(strtol((char[]){ c, 0 }, NULL, 16) << 4);
				state = 3;
				break;
			case 3:
				rsum |= (uint8_t)strtol((char[]){ c, 0 }, NULL, 16);
				state = 0;
				s->npkts++;
				if (rsum != sum ||
				    (s->cfg.nak_every && s->npkts % s->cfg.nak_every == 0)) {
					out_put(s, "-", 1);
					break;
				}
				if (!s->cfg.no_ack)
					out_put(s, "+", 1);
				if (!handle(s, pkt, plen))
					goto out;
				break;
			}
			if (!s->cfg.coalesce)
				out_flush(s);
		}
		if (s->cfg.coalesce) {
			struct pollfd pfd = { .fd = s->fd, .events = POLLIN };

			if (poll(&pfd, 1, 0) == 0)
				out_flush(s);
		}
	}
out:
	out_flush(s);
	shutdown(s->fd, SHUT_RDWR);
	close(s->fd);
	free(s->out);
	return NULL;
}

static struct stub stub;
static pthread_t stub_thread;

static struct mb_rsp *start(struct stub_cfg cfg, int timeout_ms)
{
	struct mb_error err = { 0 };
	struct mb_rsp *r;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	memset(&stub, 0, sizeof(stub));
	stub.fd = sv[1];
	stub.cfg = cfg;
	if (!stub.cfg.max_m)
		stub.cfg.max_m = 0x800;
	CHECK(pthread_create(&stub_thread, NULL, stub_main, &stub) == 0);
	r = mb_rsp_open_fd(sv[0], timeout_ms, &err);
	CHECK(r);
	return r;
}

static void finish(struct mb_rsp *r)
{
	mb_rsp_close(r);
	pthread_join(stub_thread, NULL);
}

static void read_and_check(struct mb_rsp *r, uint64_t addr, size_t len)
{
	struct mb_error err = { 0 };
	uint8_t *buf = malloc(len);
	size_t i;

	CHECK(buf);
	memset(buf, 0xee, len);
	if (mb_rsp_read_mem(r, addr, buf, len, &err)) {
		fprintf(stderr, "read failed: %s\n", err.msg);
		exit(1);
	}
	for (i = 0; i < len; i++)
		CHECK(buf[i] == pattern(addr + i));
	free(buf);
}

static void handshake(struct mb_rsp *r)
{
	struct mb_error err = { 0 };

	if (mb_rsp_handshake(r, &err)) {
		fprintf(stderr, "handshake: %s\n", err.msg);
		exit(1);
	}
}

static int sc_clean_reads(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ 0 }, 2000);
	struct mb_error err = { 0 };

	handshake(r);
	CHECK(mb_rsp_max_read(r) == 0x800);
	CHECK(mb_rsp_set_phys_mode(r, true, &err) == 0);
	read_and_check(r, 0x1000, 65536 + 123);
	mb_rsp_set_window(r, 1);
	read_and_check(r, 0x5003, 9000);
	read_and_check(r, 0x7, 1);
	finish(r);
	return 0;
}

static int sc_adapts_to_e22(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .max_m = 0x400 }, 2000);

	handshake(r);
	mb_rsp_set_max_read(r, 0x7fe);
	read_and_check(r, 0x2000, 40000);
	CHECK(mb_rsp_max_read(r) == 0x3ff);
	read_and_check(r, 0x9000, 20000);
	finish(r);
	return 0;
}

/* A stub that advertises more than it accepts, and one that accepts more. */
static int sc_packet_size_probe(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .packet_size = 0x20000, .max_m = 0x800 },
				 2000);

	handshake(r);
	CHECK(mb_rsp_max_read(r) == 0x10000);
	read_and_check(r, 0x2000, 300000);
	CHECK(mb_rsp_max_read(r) == 0x800);
	CHECK(mb_rsp_stats(r)->e_replies == 5);	/* 64K, 32K, 16K, 8K, 4K */
	read_and_check(r, 0x90000, 100000);
	CHECK(mb_rsp_stats(r)->e_replies == 5);
	finish(r);

	r = start((struct stub_cfg){ .packet_size = 0x10000, .max_m = 0x8000 }, 2000);
	handshake(r);
	read_and_check(r, 0x2000, 300000);
	CHECK(mb_rsp_max_read(r) == 0x8000);
	finish(r);
	return 0;
}

static int sc_bad_checksums(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .corrupt_every = 3 }, 2000);

	handshake(r);
	read_and_check(r, 0x100000, 100000);
	CHECK(mb_rsp_stats(r)->rerequests + mb_rsp_stats(r)->naks_sent > 0);
	mb_rsp_set_window(r, 1);
	read_and_check(r, 0x200000, 30000);
	CHECK(mb_rsp_stats(r)->naks_sent > 0);
	finish(r);
	return 0;
}

static int sc_stub_naks(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .nak_every = 4 }, 2000);

	handshake(r);
	read_and_check(r, 0x100000, 100000);
	mb_rsp_set_window(r, 1);
	read_and_check(r, 0x300000, 20000);
	CHECK(mb_rsp_stats(r)->retransmits > 0);
	finish(r);
	return 0;
}

static int sc_split_packets(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .split = true }, 2000);

	handshake(r);
	read_and_check(r, 0x4000, 20000);
	finish(r);
	return 0;
}

static int sc_coalesced_packets(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .coalesce = true }, 2000);

	handshake(r);
	mb_rsp_set_window(r, 32);
	read_and_check(r, 0x4000, 200000);
	finish(r);
	return 0;
}

static int sc_no_ack_stub(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .no_ack = true }, 2000);

	handshake(r);
	read_and_check(r, 0x4000, 50000);
	finish(r);
	return 0;
}

static int sc_garbage_before_dollar(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .garbage = true }, 2000);
	struct mb_error err = { 0 };
	char rep[64];

	handshake(r);
	read_and_check(r, 0x4000, 30000);
	CHECK(mb_rsp_stats(r)->garbage_bytes > 0);
	/* Run-length and escape decoding. */
	CHECK(mb_rsp_command(r, "qRle", rep, sizeof(rep), &err) == 6);
	CHECK(!strcmp(rep, "xaaaa#"));
	finish(r);
	return 0;
}

static int sc_e_reply(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ 0 }, 2000);
	struct mb_error err = { 0 };
	uint8_t buf[8192];

	handshake(r);
	CHECK(mb_rsp_read_mem(r, BAD_ADDR - 4096, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_REMOTE);
	CHECK(err.addr >= BAD_ADDR - 4096 && err.addr <= BAD_ADDR);
	/* The connection is still usable. */
	read_and_check(r, 0x1000, 5000);
	finish(r);
	return 0;
}

static int sc_stub_closes_mid_read(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .close_after_m = 3 }, 2000);
	struct mb_error err = { 0 };
	uint8_t buf[65536];

	handshake(r);
	CHECK(mb_rsp_read_mem(r, 0x1000, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_CLOSED);
	finish(r);
	return 0;
}

static int sc_stub_never_answers(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .silent = true }, 300);
	struct mb_error err = { 0 };
	uint8_t buf[64];

	CHECK(mb_rsp_handshake(r, &err) == -1);
	CHECK(err.code == MB_ERR_TIMEOUT);
	CHECK(mb_rsp_read_mem(r, 0x1000, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_TIMEOUT);
	finish(r);
	return 0;
}

static int sc_oversized_packet(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .oversized = true }, 2000);
	struct mb_error err = { 0 };
	uint8_t buf[64];

	handshake(r);
	CHECK(mb_rsp_read_mem(r, 0x1000, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_PROTO);
	finish(r);
	return 0;
}

static int sc_run_stop_breakpoints(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .no_z1 = true }, 2000);
	struct mb_error err = { 0 };
	struct mb_rsp_stop st = { 0 };
	struct mb_transport *t;
	uint8_t b;

	handshake(r);
	CHECK(mb_rsp_halt_reason(r, &st, &err) == 0 && st.kind == 'T' && st.signal == 5);
	CHECK(mb_rsp_breakpoint(r, false, true, 0x100000, &err) == 0);
	CHECK(mb_rsp_breakpoint(r, true, true, 0x100000, &err) == -1);
	CHECK(err.code == MB_ERR_UNSUPPORTED);
	CHECK(mb_rsp_breakpoint(r, false, false, 0x100000, &err) == 0);
	CHECK(mb_rsp_continue(r, &err) == 0 && mb_rsp_running(r));
	CHECK(mb_rsp_interrupt(r, &st, &err) == 0 && st.kind == 'S' && st.signal == 2);
	CHECK(!mb_rsp_running(r));
	/* Through the transport: a read of a running target stops it first. */
	t = mb_rsp_transport(r);
	CHECK(t->ops->cont(t, &err) == 0 && mb_rsp_running(r));
	CHECK(mb_transport_read(t, 0x42, &b, 1, &err) == 0 && b == pattern(0x42));
	CHECK(!mb_rsp_running(r));
	t->ops->close(t);
	pthread_join(stub_thread, NULL);
	return 0;
}

/*
 * Breakpoint changes and a continue in one write (the tracer's resume):
 * the replies come back, the target runs, and nothing the client sends
 * afterwards makes QEMU's stub stop it (it takes a second ack while the
 * target runs as an interrupt).
 */
static int sc_batch_continue(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .pause_on_byte = true }, 2000);
	const char *pkts[3] = { "Z0,1000,1", "z0,2000,1", "Z0,3000,1" };
	char rep[3][16], *reps[3] = { rep[0], rep[1], rep[2] };
	size_t caps[3] = { 16, 16, 16 }, lens[3];
	struct mb_error err = { 0 };
	struct mb_rsp_stop st = { 0 };

	handshake(r);
	CHECK(mb_rsp_batch_continue(r, 3, pkts, reps, caps, lens, &err) == 0);
	for (int i = 0; i < 3; i++)
		CHECK(lens[i] == 2 && !strcmp(rep[i], "OK"));
	CHECK(mb_rsp_running(r));
	/* Still running: no stop reply comes (a stray ack would bring T02). */
	CHECK(mb_rsp_wait_stop(r, 300, &st, &err) == -1 && err.code == MB_ERR_TIMEOUT);
	/* ^C: QEMU pauses and says T02. */
	CHECK(mb_rsp_interrupt(r, &st, &err) == 0 && st.kind == 'T' && st.signal == 2);
	/* Nothing queued: just the continue. */
	CHECK(mb_rsp_batch_continue(r, 0, NULL, NULL, NULL, NULL, &err) == 0 && mb_rsp_running(r));
	CHECK(mb_rsp_wait_stop(r, 300, &st, &err) == -1 && err.code == MB_ERR_TIMEOUT);
	CHECK(mb_rsp_interrupt(r, &st, &err) == 0 && st.signal == 2);
	finish(r);
	return 0;
}

static int sc_combined_faults(void)
{
	struct mb_rsp *r = start((struct stub_cfg){ .corrupt_every = 5, .nak_every = 7,
						    .garbage = true, .coalesce = true,
						    .max_m = 0x300 }, 2000);

	handshake(r);
	mb_rsp_set_window(r, 16);
	read_and_check(r, 0x10000, 300000);
	read_and_check(r, 0x90001, 77777);
	CHECK(mb_rsp_max_read(r) <= 0x300);
	finish(r);
	return 0;
}

/* A real listening socket: the stub thread accepts one client. */
static int listen_fd;

static void *accept_main(void *arg)
{
	int fd = accept(listen_fd, NULL, NULL);

	CHECK(fd >= 0);
	close(listen_fd);
	stub.fd = fd;
	return stub_main(&stub);
}

static void connect_and_read(const char *addr)
{
	struct mb_error err = { 0 };
	struct mb_rsp *r;

	r = mb_rsp_connect(addr, 2000, &err);
	if (!r) {
		fprintf(stderr, "connect %s: %s\n", addr, err.msg);
		exit(1);
	}
	handshake(r);
	read_and_check(r, 0x8000, 50000);
	finish(r);
}

static int sc_tcp_and_unix_connect(void)
{
	struct sockaddr_in sin = { .sin_family = AF_INET };
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	struct mb_error err = { 0 };
	socklen_t sl = sizeof(sin);
	char addr[128];

	/* TCP on 127.0.0.1 with a port the kernel picked. */
	memset(&stub, 0, sizeof(stub));
	stub.cfg.max_m = 0x800;
	listen_fd = socket(AF_INET, SOCK_STREAM, 0);
	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	CHECK(bind(listen_fd, (struct sockaddr *)&sin, sizeof(sin)) == 0);
	CHECK(listen(listen_fd, 1) == 0);
	CHECK(getsockname(listen_fd, (struct sockaddr *)&sin, &sl) == 0);
	CHECK(pthread_create(&stub_thread, NULL, accept_main, NULL) == 0);
	snprintf(addr, sizeof(addr), "127.0.0.1:%u", ntohs(sin.sin_port));
	connect_and_read(addr);

	/* Unix socket. */
	memset(&stub, 0, sizeof(stub));
	stub.cfg.max_m = 0x800;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "/tmp/mb-rsp-test-%d.sock", (int)getpid());
	unlink(sun.sun_path);
	listen_fd = socket(AF_UNIX, SOCK_STREAM, 0);
	CHECK(bind(listen_fd, (struct sockaddr *)&sun, sizeof(sun)) == 0);
	CHECK(listen(listen_fd, 1) == 0);
	CHECK(pthread_create(&stub_thread, NULL, accept_main, NULL) == 0);
	snprintf(addr, sizeof(addr), "unix:%s", sun.sun_path);
	connect_and_read(addr);
	unlink(sun.sun_path);

	/* Nobody listening: an error after the retry period, not a hang. */
	CHECK(!mb_rsp_connect(addr, 200, &err) && err.code == MB_ERR_IO);
	CHECK(!mb_rsp_connect("no-port-here", 200, &err) && err.code == MB_ERR_INVAL);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} scenarios[] = {
	{ "tcp_and_unix_connect", sc_tcp_and_unix_connect },
	{ "combined_faults", sc_combined_faults },
	{ "clean_reads", sc_clean_reads },
	{ "batch_continue", sc_batch_continue },
	{ "adapts_to_e22", sc_adapts_to_e22 },
	{ "packet_size_probe", sc_packet_size_probe },
	{ "bad_checksums", sc_bad_checksums },
	{ "stub_naks", sc_stub_naks },
	{ "split_packets", sc_split_packets },
	{ "coalesced_packets", sc_coalesced_packets },
	{ "no_ack_stub", sc_no_ack_stub },
	{ "garbage_before_dollar", sc_garbage_before_dollar },
	{ "e_reply", sc_e_reply },
	{ "stub_closes_mid_read", sc_stub_closes_mid_read },
	{ "stub_never_answers", sc_stub_never_answers },
	{ "oversized_packet", sc_oversized_packet },
	{ "run_stop_breakpoints", sc_run_stop_breakpoints },
};

int main(int argc, char **argv)
{
	size_t i;
	int found = 0;

	for (i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
		if (argc >= 2 && strcmp(argv[1], scenarios[i].name))
			continue;
		found = 1;
		if (scenarios[i].fn())
			return 1;
	}
	if (!found)
		fprintf(stderr, "no scenario named %s\n", argv[1]);
	return found ? 0 : 2;
}
