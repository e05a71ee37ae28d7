// SPDX-License-Identifier: GPL-2.0-only
/* test_serial.c - the COM2 protocol client against a fake kernel peer thread. */
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mbagent/serial.h"
#include "uapi/mb_evlog.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

#define RAM_END		(16u << 20)
#define NRECORDS	1000

struct peer_cfg {
	int bad_crc_every;	/* corrupt every Nth reply's CRC */
	int short_first;	/* truncate the Nth reply and send nothing more for it */
	bool garbage;		/* bytes before every sync */
	bool silent;		/* never answer */
	int close_at;		/* close in the middle of the Nth reply */
	int huge_len_first;	/* Nth reply claims a 4 GiB payload */
	bool lying_log;		/* READ_LOG count disagrees with the payload */
	bool over_log;		/* READ_LOG sends one record more than asked for */
};

static struct {
	int fd;
	struct peer_cfg cfg;
	int nreplies;
} peer;
static pthread_t peer_thread;

static uint8_t pattern(uint64_t a)
{
	return (uint8_t)(a * 13 ^ a >> 9);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

static bool read_exact(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t r = recv(fd, p, n, 0);

		if (r <= 0)
			return false;
		p += r;
		n -= r;
	}
	return true;
}

static void send_all(const void *p, size_t n)
{
	const uint8_t *b = p;

	while (n) {
		ssize_t w = send(peer.fd, b, n, MSG_NOSIGNAL);

		if (w <= 0)
			return;
		b += w;
		n -= w;
	}
}

/* Returns false when the peer should close. */
static bool send_reply(uint8_t type, uint16_t tag, const uint8_t *payload, uint32_t len)
{
	uint8_t *f = malloc(MB_SER_HDR + len + 4);
	size_t n;

	CHECK(f);
	n = mb_serial_frame(f, type, tag, payload, len);
	peer.nreplies++;
	if (peer.cfg.garbage)
		send_all("\x00\xa5\x00garbage\xa5", 11);
	if (peer.cfg.bad_crc_every && peer.nreplies % peer.cfg.bad_crc_every == 0)
		f[n - 1] ^= 0xff;
	if (peer.cfg.huge_len_first == peer.nreplies) {
		put32(f + 6, 0xfffffff0u);
		send_all(f, 64 < n ? 64 : n);
		free(f);
		return true;
	}
	if (peer.cfg.short_first == peer.nreplies) {
		send_all(f, n / 2);
		free(f);
		return true;
	}
	if (peer.cfg.close_at == peer.nreplies) {
		send_all(f, n / 2);
		free(f);
		return false;
	}
	send_all(f, n);
	free(f);
	return true;
}

static bool send_error(uint16_t tag, uint32_t code, const char *msg)
{
	uint8_t p[256];

	put32(p, code);
	strcpy((char *)p + 4, msg);
	return send_reply(MB_SER_ERROR, tag, p, 4 + strlen(msg) + 1);
}

static void *peer_main(void *arg)
{
	static uint8_t out[65536 + 64];

	for (;;) {
		uint8_t b, hdr[8], payload[64], crc[4];
		uint32_t len, want, got;
		uint16_t tag;
		uint64_t a;
		bool ok = true;

		if (!read_exact(peer.fd, &b, 1))
			break;
		if (b != MB_SER_SYNC0)
			continue;
		if (!read_exact(peer.fd, &b, 1))
			break;
		if (b != MB_SER_SYNC1)
			continue;
		if (!read_exact(peer.fd, hdr, 8))
			break;
		memcpy(&len, hdr + 4, 4);
		tag = hdr[2] | hdr[3] << 8;
		if (len > 64) {
			send_error(tag, 4, "too long");
			continue;
		}
		if (!read_exact(peer.fd, payload, len) || !read_exact(peer.fd, crc, 4))
			break;
		want = mb_crc32(mb_crc32(0, hdr, 8), payload, len);
		memcpy(&got, crc, 4);
		if (peer.cfg.silent)
			continue;
		if (want != got) {
			ok = send_error(tag, 1, "bad crc");
		} else if (hdr[1] == MB_SER_HELLO) {
			memset(out, 0, 80);
			put32(out, 1);
			put32(out + 4, MB_BOOT_STATE_DONE);
			put64(out + 8, 0x200000);
			put64(out + 16, 128 + NRECORDS * 96);
			put64(out + 24, 0x300000);
			put64(out + 32, NRECORDS);
			put32(out + 40, 65536);
			put32(out + 44, 20);
			memset(out + 48, 0xab, 20);
			ok = send_reply(0x81, tag, out, 80);
		} else if (hdr[1] == MB_SER_READ_MEM) {
			memcpy(&a, payload, 8);
			memcpy(&len, payload + 8, 4);
			if (len == 0 || len > 65536)
				ok = send_error(tag, 6, "bad length");
			else if (a + len > RAM_END)
				ok = send_error(tag, 5, "not RAM");
			else {
				for (uint32_t i = 0; i < len; i++)
					out[i] = pattern(a + i);
				ok = send_reply(0x82, tag, out, len);
			}
		} else if (hdr[1] == MB_SER_READ_LOG) {
			uint32_t max, n;

			memcpy(&a, payload, 8);
			memcpy(&max, payload + 8, 4);
			n = a >= NRECORDS ? 0 : NRECORDS - a;
			if (n > max)
				n = max + peer.cfg.over_log;
			if (n > 600)
				n = 600;
			put64(out, a);
			put32(out + 8, peer.cfg.lying_log ? n + 1 : n);
			put32(out + 12, 0);
			for (uint32_t i = 0; i < n; i++) {
				struct mb_evlog_record r = { .seq = a + i, .op = 1 + (a + i) % 35,
							     .base = (a + i) * 4096, .size = 4096 };
				memcpy(out + 16 + i * 96, &r, 96);
			}
			ok = send_reply(0x83, tag, out, 16 + n * 96);
		} else {
			ok = send_error(tag, 3, "unknown type");
		}
		if (!ok)
			break;
	}
	shutdown(peer.fd, SHUT_RDWR);
	close(peer.fd);
	return NULL;
}

static struct mb_serial *start(struct peer_cfg cfg, int timeout_ms)
{
	struct mb_error err = { 0 };
	struct mb_serial *s;
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	memset(&peer, 0, sizeof(peer));
	peer.fd = sv[1];
	peer.cfg = cfg;
	CHECK(pthread_create(&peer_thread, NULL, peer_main, NULL) == 0);
	s = mb_serial_open_fd(sv[0], timeout_ms, &err);
	CHECK(s);
	return s;
}

static void finish(struct mb_serial *s)
{
	mb_serial_close(s);
	pthread_join(peer_thread, NULL);
}

static void hello(struct mb_serial *s)
{
	struct mb_serial_hello h;
	struct mb_error err = { 0 };

	if (mb_serial_hello(s, &h, 2000, &err)) {
		fprintf(stderr, "hello: %s\n", err.msg);
		exit(1);
	}
	CHECK(h.boot_state == MB_BOOT_STATE_DONE && h.evlog_addr == 0x200000);
	CHECK(h.records_written == NRECORDS && h.build_id_len == 20 && h.build_id[19] == 0xab);
}

static void read_check(struct mb_serial *s, uint64_t addr, size_t len)
{
	struct mb_error err = { 0 };
	uint8_t *buf = malloc(len);

	CHECK(buf);
	if (mb_serial_read_mem(s, addr, buf, len, &err)) {
		fprintf(stderr, "read: %s\n", err.msg);
		exit(1);
	}
	for (size_t i = 0; i < len; i++)
		CHECK(buf[i] == pattern(addr + i));
	free(buf);
}

static void read_log_check(struct mb_serial *s)
{
	static uint8_t recs[NRECORDS * 96];
	struct mb_error err = { 0 };
	uint64_t seq = 0, first;
	uint32_t n;

	for (;;) {
		if (mb_serial_read_log(s, seq, NRECORDS, recs + seq * 96, &first, &n, &err)) {
			fprintf(stderr, "read_log: %s\n", err.msg);
			exit(1);
		}
		if (!n)
			break;
		CHECK(first == seq);
		seq += n;
	}
	CHECK(seq == NRECORDS);
	for (uint32_t i = 0; i < NRECORDS; i++) {
		struct mb_evlog_record r;

		memcpy(&r, recs + i * 96, 96);
		CHECK(r.seq == i && r.base == i * 4096ULL);
	}
}

static int sc_clean(void)
{
	struct mb_serial *s = start((struct peer_cfg){ 0 }, 2000);

	hello(s);
	read_check(s, 0x1234, 200000);
	read_log_check(s);
	finish(s);
	return 0;
}

static int sc_bad_crc(void)
{
	struct mb_serial *s = start((struct peer_cfg){ .bad_crc_every = 2 }, 2000);

	hello(s);
	read_check(s, 0x1000, 300000);
	read_log_check(s);
	CHECK(mb_serial_stats(s)->bad_crc > 0 && mb_serial_stats(s)->retries > 0);
	finish(s);
	return 0;
}

static int sc_error_frames(void)
{
	struct mb_serial *s = start((struct peer_cfg){ 0 }, 2000);
	struct mb_error err = { 0 };
	uint8_t buf[4096];

	hello(s);
	CHECK(mb_serial_read_mem(s, RAM_END - 100, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_REMOTE && strstr(err.msg, "bad address"));
	read_check(s, 0, 4096);
	finish(s);
	return 0;
}

static int sc_short_frame(void)
{
	struct mb_serial *s = start((struct peer_cfg){ .short_first = 2 }, 300);

	hello(s);
	read_check(s, 0x1000, 100000);
	CHECK(mb_serial_stats(s)->retries > 0);
	finish(s);
	return 0;
}

static int sc_huge_length(void)
{
	/* A long timeout: the absurd length must be refused, not waited out. */
	struct mb_serial *s = start((struct peer_cfg){ .huge_len_first = 2, .garbage = true },
				    10000);
	struct timespec t0, t1;

	hello(s);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	read_check(s, 0x1000, 100000);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	CHECK(mb_serial_stats(s)->skipped_bytes > 0);
	CHECK(t1.tv_sec - t0.tv_sec < 5);
	finish(s);
	return 0;
}

static int sc_peer_never_answers(void)
{
	struct mb_serial *s = start((struct peer_cfg){ .silent = true }, 200);
	struct mb_serial_hello h;
	struct mb_error err = { 0 };
	uint8_t b[16];

	CHECK(mb_serial_hello(s, &h, 300, &err) == -1 && err.code == MB_ERR_TIMEOUT);
	CHECK(mb_serial_read_mem(s, 0, b, sizeof(b), &err) == -1 && err.code == MB_ERR_TIMEOUT);
	finish(s);
	return 0;
}

static int sc_peer_closes_mid_frame(void)
{
	struct mb_serial *s = start((struct peer_cfg){ .close_at = 3 }, 2000);
	struct mb_error err = { 0 };
	uint8_t buf[200000];

	hello(s);
	CHECK(mb_serial_read_mem(s, 0, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_CLOSED);
	finish(s);
	return 0;
}

static int sc_inconsistent_log_reply(void)
{
	struct mb_serial *s = start((struct peer_cfg){ .lying_log = true }, 2000);
	static uint8_t recs[NRECORDS * 96];
	struct mb_error err = { 0 };
	uint64_t first;
	uint32_t n;

	hello(s);
	CHECK(mb_serial_read_log(s, 0, NRECORDS, recs, &first, &n, &err) == -1);
	CHECK(err.code == MB_ERR_PROTO);
	finish(s);
	return 0;
}

/* More records than asked for (lengths consistent): refused, never copied. */
static int sc_log_reply_over_max(void)
{
	struct mb_serial *s = start((struct peer_cfg){ .over_log = true }, 2000);
	static uint8_t recs[11 * 96];
	struct mb_error err = { 0 };
	uint64_t first;
	uint32_t n;

	hello(s);
	memset(recs, 0x5a, sizeof(recs));
	CHECK(mb_serial_read_log(s, 0, 10, recs, &first, &n, &err) == -1);
	CHECK(err.code == MB_ERR_PROTO);
	CHECK(recs[10 * 96] == 0x5a);
	finish(s);
	return 0;
}

static const struct {
	const char *name;
	int (*fn)(void);
} scenarios[] = {
	{ "clean", sc_clean },
	{ "bad_crc", sc_bad_crc },
	{ "error_frames", sc_error_frames },
	{ "short_frame", sc_short_frame },
	{ "huge_length", sc_huge_length },
	{ "peer_never_answers", sc_peer_never_answers },
	{ "peer_closes_mid_frame", sc_peer_closes_mid_frame },
	{ "inconsistent_log_reply", sc_inconsistent_log_reply },
	{ "log_reply_over_max", sc_log_reply_over_max },
};

int main(int argc, char **argv)
{
	int found = 0;

	for (size_t i = 0; i < sizeof(scenarios) / sizeof(scenarios[0]); i++) {
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
