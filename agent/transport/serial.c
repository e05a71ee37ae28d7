// SPDX-License-Identifier: GPL-2.0-only
/* serial.c - COM2 protocol client: frame state machine, CRC-32, retries, READ_MEM/READ_LOG. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>
#include <zlib.h>

#include "mbagent/serial.h"
#include "uapi/mb_evlog.h"
#include "agent_internal.h"

#define SER_ATTEMPTS	3
/* However much keeps arriving, one attempt ends after this long. */
#define SER_ATTEMPT_CAP_MS	120000
/* HELLO is sent again this often until the kernel answers. */
#define SER_HELLO_POLL_MS	50

/* Ranges fetched ahead by mb_serial_prefetch(); each is handed out once. */
#define SER_CACHE	8

struct ser_cached {
	uint64_t addr;
	uint32_t len;
	uint32_t got;		/* bytes arrived so far */
	uint8_t *buf;		/* NULL: slot free */
};

/* Receiver states, one per field of a frame. */
enum srx_state {
	SRX_SYNC0,
	SRX_SYNC1,
	SRX_HDR,	/* version, type, tag, length: 8 bytes */
	SRX_PAYLOAD,
	SRX_CRC,
};

enum srx_event {
	SEV_FRAME,	/* good frame: type/tag/payload */
	SEV_BAD,	/* CRC mismatch, bad version or absurd length */
};

struct mb_serial {
	int fd;
	int timeout_ms;
	uint16_t tag;
	uint32_t max_payload;

	enum srx_state st;
	uint8_t hdr[8];
	size_t got;
	uint8_t type;
	uint16_t rtag;
	uint32_t len;
	uint8_t *payload;
	size_t payload_cap;
	uint8_t crc[4];

	uint8_t in[16384];
	size_t in_pos, in_len;
	uint64_t in_ns;		/* when the bytes in @in arrived */
	uint64_t frame_ns;	/* when the current frame's sync arrived */
	struct mb_serial_stats stats;
	struct mb_transport tr;
	char why[96];
	struct ser_cached cache[SER_CACHE];
};

static void cache_drop(struct mb_serial *s, int i);

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + ts.tv_nsec;
}

/**
 * mb_crc32() - CRC-32/IEEE (reflected 0xEDB88320), as the COM2 protocol uses
 * @crc: previous value (0 to start)
 * @buf: data
 * @len: bytes
 *
 * zlib's crc32(); the kernel computes the same sum with its own code.
 *
 * Return: the updated CRC (final xor applied; chain by passing it back).
 */
uint32_t mb_crc32(uint32_t crc, const void *buf, size_t len)
{
	return (uint32_t)crc32_z(crc, buf, len);
}

static void put_le16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put_le32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = v >> (8 * i);
}

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get_le64(const uint8_t *p)
{
	return get_le32(p) | (uint64_t)get_le32(p + 4) << 32;
}

/**
 * mb_serial_frame() - encode one frame
 * @out: buffer of at least MB_SER_HDR + @len + 4 bytes
 * @type: frame type
 * @tag: tag
 * @payload: payload bytes (may be NULL when @len is 0)
 * @len: payload length
 *
 * Return: bytes written to @out.
 */
size_t mb_serial_frame(uint8_t *out, uint8_t type, uint16_t tag, const void *payload,
		       uint32_t len)
{
	out[0] = MB_SER_SYNC0;
	out[1] = MB_SER_SYNC1;
	out[2] = MB_SER_VERSION;
	out[3] = type;
	put_le16(out + 4, tag);
	put_le32(out + 6, len);
	if (len)
		memcpy(out + MB_SER_HDR, payload, len);
	put_le32(out + MB_SER_HDR + len, mb_crc32(0, out + 2, MB_SER_HDR - 2 + len));
	return MB_SER_HDR + len + 4;
}

/* Feed one byte; 1 with *ev when a frame is complete, 0 for more, -1 fatal. */
static int srx_byte(struct mb_serial *s, uint8_t c, enum srx_event *ev, struct mb_error *err)
{
	switch (s->st) {
	case SRX_SYNC0:
		if (c == MB_SER_SYNC0)
			s->st = SRX_SYNC1;
		else
			s->stats.skipped_bytes++;
		return 0;
	case SRX_SYNC1:
		if (c == MB_SER_SYNC1) {
			s->st = SRX_HDR;
			s->got = 0;
			s->frame_ns = s->in_ns;
		} else if (c != MB_SER_SYNC0) {
			s->stats.skipped_bytes += 2;
			s->st = SRX_SYNC0;
		} else {
			s->stats.skipped_bytes++;
		}
		return 0;
	case SRX_HDR:
		s->hdr[s->got++] = c;
		if (s->got < 8)
			return 0;
		s->type = s->hdr[1];
		s->rtag = s->hdr[2] | s->hdr[3] << 8;
		s->len = get_le32(s->hdr + 4);
		if (s->hdr[0] != MB_SER_VERSION || s->len > MB_SER_MAX_REPLY) {
			snprintf(s->why, sizeof(s->why), s->hdr[0] != MB_SER_VERSION ?
				 "frame version %u" : "frame length %u", s->hdr[0] !=
				 MB_SER_VERSION ? s->hdr[0] : s->len);
			s->st = SRX_SYNC0;	/* resync on the bytes that follow */
			*ev = SEV_BAD;
			return 1;
		}
		if (s->len > s->payload_cap) {
			uint8_t *p = realloc(s->payload, s->len);

			if (!p)
				return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
			s->payload = p;
			s->payload_cap = s->len;
		}
		s->got = 0;
		s->st = s->len ? SRX_PAYLOAD : SRX_CRC;
		return 0;
	case SRX_PAYLOAD:
		s->payload[s->got++] = c;
		if (s->got == s->len) {
			s->got = 0;
			s->st = SRX_CRC;
		}
		return 0;
	case SRX_CRC: {
		uint32_t want;

		s->crc[s->got++] = c;
		if (s->got < 4)
			return 0;
		s->st = SRX_SYNC0;
		want = mb_crc32(0, s->hdr, 8);
		want = mb_crc32(want, s->payload, s->len);
		if (want != get_le32(s->crc)) {
			s->stats.bad_crc++;
			snprintf(s->why, sizeof(s->why), "frame CRC mismatch");
			*ev = SEV_BAD;
			return 1;
		}
		s->stats.frames_received++;
		s->stats.stream_bytes += MB_SER_HDR + s->len + 4;
		s->stats.stream_ns += s->in_ns - s->frame_ns;
		*ev = SEV_FRAME;
		return 1;
	}
	}
	return 0;
}

/* Fast path: copy a whole payload run out of the input buffer at once. */
static void srx_bulk(struct mb_serial *s)
{
	if (s->st == SRX_PAYLOAD) {
		size_t avail = s->in_len - s->in_pos, need = s->len - s->got;
		size_t n = avail < need ? avail : need;

		if (n > 1) {
			n--;	/* leave the last byte to the state machine */
			memcpy(s->payload + s->got, s->in + s->in_pos, n);
			s->got += n;
			s->in_pos += n;
		}
	}
}

/*
 * Next frame event.  @deadline moves: every byte that carries a frame
 * forward pushes it to now + @idle_ms, so a long reply arriving slowly
 * (a loaded host, a 64 KiB frame at UART speed) never times out while it
 * still flows; only silence does.  @cap (and the transport's deadline)
 * bound the wait whatever arrives.
 */
static int srx_next(struct mb_serial *s, int64_t *deadline, int idle_ms, int64_t cap,
		    enum srx_event *ev, struct mb_error *err)
{
	if (s->tr.deadline && s->tr.deadline < cap)
		cap = s->tr.deadline;
	for (;;) {
		struct pollfd pfd = { .fd = s->fd, .events = POLLIN };
		int64_t left, now;
		ssize_t n;
		int rc;

		while (s->in_pos < s->in_len) {
			srx_bulk(s);
			rc = srx_byte(s, s->in[s->in_pos++], ev, err);
			if (rc)
				return rc < 0 ? -1 : 0;
		}
		now = mb_now_ms();
		if (*deadline > cap)
			*deadline = cap;
		left = *deadline - now;
		if (left <= 0 && s->tr.deadline && now >= s->tr.deadline)
			return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
					    "time limit of the capture reached while waiting for the serial peer");
		if (left <= 0)
			return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
					    "serial peer timeout: silent for %d ms", idle_ms);
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0 && errno != EINTR)
			return mb_error_set(err, MB_ERR_IO, errno, 0, "serial: poll: %s",
					    strerror(errno));
		if (rc <= 0)
			continue;
		n = recv(s->fd, s->in, sizeof(s->in), 0);
		if (n == 0)
			return mb_error_set(err, MB_ERR_CLOSED, 0, 0,
					    "serial peer closed the connection");
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return mb_error_set(err, errno == ECONNRESET ? MB_ERR_CLOSED : MB_ERR_IO,
					    errno, 0, "serial: recv: %s", strerror(errno));
		}
		s->in_pos = 0;
		s->in_len = n;
		s->in_ns = now_ns();
		/* Progress: bytes inside a frame, or a sync that may start one. */
		if (s->st != SRX_SYNC0 || memchr(s->in, MB_SER_SYNC0, n))
			*deadline = mb_now_ms() + idle_ms;
	}
}

static int send_all(struct mb_serial *s, const uint8_t *p, size_t n, struct mb_error *err)
{
	int64_t deadline = mb_now_ms() + s->timeout_ms;

	while (n) {
		ssize_t w = send(s->fd, p, n, MSG_NOSIGNAL);

		if (w > 0) {
			p += w;
			n -= w;
			continue;
		}
		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pfd = { .fd = s->fd, .events = POLLOUT };
			int64_t left = deadline - mb_now_ms();

			if (left <= 0)
				return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
						    "serial: timed out sending");
			poll(&pfd, 1, (int)left);
			continue;
		}
		return mb_error_set(err, MB_ERR_CLOSED, errno, 0, "serial: send: %s",
				    strerror(errno));
	}
	return 0;
}

static const char *ser_errname(uint32_t code)
{
	static const char *const names[] = {
		"?", "bad crc", "bad version", "unknown type", "bad length",
		"bad address", "bad arguments",
	};
	return code < sizeof(names) / sizeof(names[0]) ? names[code] : "unknown error";
}

/*
 * One request/reply with retries.  On success the reply payload is in
 * s->payload / s->len (type checked).  @attempt_ms is how long the peer may
 * stay silent before the request is sent again; the peer's answer to any of
 * the copies sent by this call is accepted, since every copy asks the same
 * thing (a late answer to the first is as good as one to the last).
 */
static int request(struct mb_serial *s, uint8_t type, const void *req, uint32_t len,
		   int attempts, int attempt_ms, uint64_t addr, struct mb_error *err)
{
	uint8_t frame[MB_SER_HDR + MB_SER_MAX_REQ + 4];
	uint16_t first = s->tag + 1;
	int64_t cap = mb_now_ms() + (int64_t)attempts * SER_ATTEMPT_CAP_MS;
	int a;

	for (a = 0; a < attempts; a++) {
		uint16_t tag = ++s->tag;
		int64_t deadline = mb_now_ms() + attempt_ms;
		size_t n = mb_serial_frame(frame, type, tag, req, len);

		if (a && type == MB_SER_HELLO)
			s->stats.polls++;
		else if (a)
			s->stats.retries++;
		s->stats.frames_sent++;
		if (send_all(s, frame, n, err))
			return -1;
		for (;;) {
			enum srx_event ev = SEV_BAD;

			if (srx_next(s, &deadline, attempt_ms, cap, &ev, err)) {
				if (err && err->code == MB_ERR_TIMEOUT &&
				    !(s->tr.deadline && mb_now_ms() >= s->tr.deadline) &&
				    mb_now_ms() < cap) {
					/* A short frame never completes: drop it. */
					s->st = SRX_SYNC0;
					break;
				}
				return -1;
			}
			if (ev == SEV_BAD) {
				mb_agent_log(2, "serial: %s; retrying", s->why);
				break;
			}
			if ((uint16_t)(s->rtag - first) > (uint16_t)a) {
				s->stats.stale++;
				continue;
			}
			if (s->type == MB_SER_ERROR) {
				uint32_t code = s->len >= 4 ? get_le32(s->payload) : 0;
				char msg[201] = "";

				if (s->len > 4) {
					size_t m = s->len - 4 < 200 ? s->len - 4 : 200;

					memcpy(msg, s->payload + 4, m);
					msg[m] = '\0';
				}
				if (code == 1) {	/* our request arrived corrupt */
					mb_agent_log(2, "serial: kernel saw a bad CRC; retrying");
					if (s->rtag != tag)
						continue;	/* an older copy: wait for this one */
					break;
				}
				return mb_error_set(err, MB_ERR_REMOTE, 0, addr,
						    "kernel refused request %#x: %s%s%s", type,
						    ser_errname(code), msg[0] ? ": " : "", msg);
			}
			if (s->type != (type | MB_SER_REPLY))
				return mb_error_set(err, MB_ERR_PROTO, 0, addr,
						    "serial: reply type %#x to request %#x",
						    s->type, type);
			return 0;
		}
	}
	if (err && err->code == MB_ERR_TIMEOUT)
		return mb_error_prefix(err, "after %d attempts", attempts);
	return mb_error_set(err, MB_ERR_CORRUPT, 0, addr,
			    "serial: no intact reply after %d attempts (%s)", attempts, s->why);
}

/**
 * mb_serial_open_fd() - wrap a connected stream socket to the COM2 chardev
 * @fd: socket (made non-blocking; closed by mb_serial_close())
 * @timeout_ms: per-attempt limit (<= 0: 5000)
 * @err: filled on failure
 *
 * Return: client or NULL.
 */
struct mb_serial *mb_serial_open_fd(int fd, int timeout_ms, struct mb_error *err)
{
	struct mb_serial *s;
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "serial: fcntl: %s", strerror(errno));
		return NULL;
	}
	s = calloc(1, sizeof(*s));
	if (!s) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	s->fd = fd;
	s->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	s->max_payload = 65536;
	return s;
}

/**
 * mb_serial_connect() - connect to the unix socket of QEMU's COM2 chardev
 * @path: socket path (an optional "unix:" prefix is accepted)
 * @timeout_ms: how long to retry connecting; also the per-attempt limit
 * @err: filled on failure
 *
 * Return: client or NULL.
 */
struct mb_serial *mb_serial_connect(const char *path, int timeout_ms, struct mb_error *err)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	int64_t deadline = mb_now_ms() + (timeout_ms > 0 ? timeout_ms : 5000);
	struct mb_serial *s;
	int fd;

	if (!strncmp(path, "unix:", 5))
		path += 5;
	if (strlen(path) >= sizeof(sun.sun_path)) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "socket path too long: %s", path);
		return NULL;
	}
	strcpy(sun.sun_path, path);
	for (;;) {
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			mb_error_set(err, MB_ERR_IO, errno, 0, "socket: %s", strerror(errno));
			return NULL;
		}
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) == 0)
			break;
		mb_error_set(err, MB_ERR_IO, errno, 0, "serial: connect %s: %s", path,
			     strerror(errno));
		close(fd);
		if (mb_now_ms() >= deadline)
			return NULL;
		usleep(20000);
	}
	s = mb_serial_open_fd(fd, timeout_ms, err);
	if (!s)
		close(fd);
	return s;
}

/**
 * mb_serial_close() - close and free
 * @s: client, may be NULL
 */
void mb_serial_close(struct mb_serial *s)
{
	if (!s)
		return;
	for (int i = 0; i < SER_CACHE; i++)
		cache_drop(s, i);
	close(s->fd);
	free(s->payload);
	free(s);
}

/**
 * mb_serial_set_timeout() - per-attempt limit for later requests
 * @s: client
 * @timeout_ms: milliseconds (> 0)
 */
void mb_serial_set_timeout(struct mb_serial *s, int timeout_ms)
{
	if (timeout_ms > 0)
		s->timeout_ms = timeout_ms;
}

/**
 * mb_serial_stats() - counters of this client
 * @s: client
 *
 * Return: pointer valid until mb_serial_close().
 */
const struct mb_serial_stats *mb_serial_stats(const struct mb_serial *s)
{
	return &s->stats;
}

/**
 * mb_serial_hello() - HELLO, sent again every 50 ms until @timeout_ms
 * @s: client
 * @h: decoded reply
 * @timeout_ms: total wait (the kernel answers only once it has booted; a
 *   HELLO sent before it listens is lost, so it is repeated promptly, and
 *   the answer to any copy counts)
 * @err: filled on failure
 *
 * Return: 0 or -1.
 */
int mb_serial_hello(struct mb_serial *s, struct mb_serial_hello *h, int timeout_ms,
		    struct mb_error *err)
{
	int total = timeout_ms > 0 ? timeout_ms : s->timeout_ms;
	int each = total > SER_HELLO_POLL_MS ? SER_HELLO_POLL_MS : total;
	int attempts = (total + each - 1) / each;
	const uint8_t *p;

	if (request(s, MB_SER_HELLO, NULL, 0, attempts, each, 0, err))
		return mb_error_prefix(err, "serial HELLO");
	if (s->len < MB_SER_HELLO_LEN)
		return mb_error_set(err, MB_ERR_PROTO, 0, 0,
				    "serial HELLO reply is %u bytes, want %u", s->len,
				    MB_SER_HELLO_LEN);
	p = s->payload;
	h->proto_version = get_le32(p);
	h->boot_state = get_le32(p + 4);
	h->evlog_addr = get_le64(p + 8);
	h->evlog_bytes = get_le64(p + 16);
	h->memblock_addr = get_le64(p + 24);
	h->records_written = get_le64(p + 32);
	h->max_payload = get_le32(p + 40);
	h->build_id_len = get_le32(p + 44);
	memcpy(h->build_id, p + 48, 32);
	if (h->proto_version != MB_SER_VERSION)
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "kernel speaks serial protocol %u, we speak %u",
				    h->proto_version, MB_SER_VERSION);
	if (h->build_id_len > 32 || h->max_payload < 256)
		return mb_error_set(err, MB_ERR_PROTO, 0, 0,
				    "serial HELLO: build-id length %u, max payload %u",
				    h->build_id_len, h->max_payload);
	s->max_payload = h->max_payload < MB_SER_MAX_REPLY ? h->max_payload : MB_SER_MAX_REPLY;
	return 0;
}

/**
 * mb_serial_read_mem() - READ_MEM in pieces of at most max_payload bytes
 * @s: client
 * @addr: guest-physical address
 * @buf: destination
 * @len: bytes
 * @err: filled on failure (MB_ERR_REMOTE for a refused range)
 *
 * Return: 0 or -1.
 */
int mb_serial_read_mem(struct mb_serial *s, uint64_t addr, void *buf, size_t len,
		       struct mb_error *err)
{
	size_t done = 0;

	while (done < len) {
		uint32_t n = len - done < s->max_payload ? len - done : s->max_payload;
		uint8_t req[12];

		put_le64(req, addr + done);
		put_le32(req + 8, n);
		if (request(s, MB_SER_READ_MEM, req, sizeof(req), SER_ATTEMPTS, s->timeout_ms,
			    addr + done, err))
			return mb_error_prefix(err, "serial READ_MEM %u bytes at %#llx", n,
					       (unsigned long long)(addr + done));
		if (s->len != n)
			return mb_error_set(err, MB_ERR_PROTO, 0, addr + done,
					    "serial READ_MEM at %#llx: %u bytes, asked %u",
					    (unsigned long long)(addr + done), s->len, n);
		memcpy((uint8_t *)buf + done, s->payload, n);
		done += n;
	}
	return 0;
}

/**
 * mb_serial_read_log() - READ_LOG: records from @from_seq on
 * @s: client
 * @from_seq: first sequence number wanted
 * @max_records: room in @out (records of MB_EVLOG_RECORD_SIZE bytes)
 * @out: destination for raw records
 * @first_seq: sequence number of the first returned record
 * @count: records returned (0 at the end of the log)
 * @err: filled on failure
 *
 * Return: 0 or -1.
 */
int mb_serial_read_log(struct mb_serial *s, uint64_t from_seq, uint32_t max_records,
		       void *out, uint64_t *first_seq, uint32_t *count, struct mb_error *err)
{
	uint8_t req[12];
	uint32_t n;

	put_le64(req, from_seq);
	put_le32(req + 8, max_records);
	if (request(s, MB_SER_READ_LOG, req, sizeof(req), SER_ATTEMPTS, s->timeout_ms, 0, err))
		return mb_error_prefix(err, "serial READ_LOG from %llu",
				       (unsigned long long)from_seq);
	if (s->len < 16)
		return mb_error_set(err, MB_ERR_PROTO, 0, 0, "serial READ_LOG reply of %u bytes",
				    s->len);
	n = get_le32(s->payload + 8);
	if (n > max_records || s->len != 16 + (uint64_t)n * MB_EVLOG_RECORD_SIZE)
		return mb_error_set(err, MB_ERR_PROTO, 0, 0,
				    "serial READ_LOG: %u records in %u bytes (asked at most %u)",
				    n, s->len, max_records);
	*first_seq = get_le64(s->payload);
	*count = n;
	memcpy(out, s->payload + 16, (size_t)n * MB_EVLOG_RECORD_SIZE);
	return 0;
}

static void cache_drop(struct mb_serial *s, int i)
{
	free(s->cache[i].buf);
	memset(&s->cache[i], 0, sizeof(s->cache[i]));
}

/**
 * mb_serial_take_cached() - hand out a prefetched range (once)
 * @s: client
 * @addr: guest-physical address
 * @buf: destination
 * @len: bytes
 *
 * Return: true if [@addr, @addr + @len) was prefetched whole (the slot is
 * then freed: a second read of the same bytes goes to the kernel again).
 */
bool mb_serial_take_cached(struct mb_serial *s, uint64_t addr, void *buf, size_t len)
{
	for (int i = 0; i < SER_CACHE; i++) {
		struct ser_cached *c = &s->cache[i];

		if (c->buf && c->got == c->len && addr == c->addr && len == c->len) {
			memcpy(buf, c->buf, len);
			cache_drop(s, i);
			return true;
		}
	}
	return false;
}

/**
 * mb_serial_prefetch() - READ_MEM several ranges with all requests sent at once
 * @s: client
 * @addr: start addresses, @n of them (at most 8)
 * @len: their lengths (each at most 1 MiB)
 * @n: number of ranges
 *
 * One round trip instead of one per range and per max_payload piece: the
 * kernel answers in order, the replies are matched by tag.  What arrives is
 * kept for mb_serial_take_cached(); anything that goes wrong (an error
 * frame, a timeout, a bad CRC) just leaves that range to be read normally.
 *
 * Return: the number of ranges fetched whole.
 */
int mb_serial_prefetch(struct mb_serial *s, const uint64_t *addr, const uint32_t *len, int n)
{
	uint8_t frame[MB_SER_HDR + MB_SER_MAX_REQ + 4];
	uint16_t first = s->tag + 1, ntags = 0;
	int whole = 0;
	uint32_t piece_off[256];
	uint8_t piece_slot[256];
	struct mb_error err;
	int64_t deadline;

	if (n > SER_CACHE)
		n = SER_CACHE;
	for (int i = 0; i < SER_CACHE; i++)
		cache_drop(s, i);
	for (int i = 0; i < n; i++) {
		if (!len[i] || len[i] > MB_SER_MAX_REPLY)
			continue;
		s->cache[i].buf = malloc(len[i]);
		if (!s->cache[i].buf)
			continue;
		s->cache[i].addr = addr[i];
		s->cache[i].len = len[i];
		for (uint32_t off = 0; off < len[i] && ntags < 256; off += s->max_payload) {
			uint32_t k = len[i] - off < s->max_payload ? len[i] - off : s->max_payload;
			uint8_t req[12];

			put_le64(req, addr[i] + off);
			put_le32(req + 8, k);
			piece_off[ntags] = off;
			piece_slot[ntags] = (uint8_t)i;
			if (send_all(s, frame, mb_serial_frame(frame, MB_SER_READ_MEM, ++s->tag, req,
								 sizeof(req)), &err))
				return 0;
			s->stats.frames_sent++;
			ntags++;
		}
	}
	deadline = mb_now_ms() + s->timeout_ms;
	for (uint16_t left = ntags; left;) {
		enum srx_event ev = SEV_BAD;
		uint16_t k;

		if (srx_next(s, &deadline, s->timeout_ms, mb_now_ms() + SER_ATTEMPT_CAP_MS, &ev,
			     &err)) {
			s->st = SRX_SYNC0;
			break;
		}
		if (ev == SEV_BAD)
			break;	/* a lost reply: the rest is read the normal way */
		k = (uint16_t)(s->rtag - first);
		if (k >= ntags) {
			s->stats.stale++;
			continue;
		}
		left--;
		if (s->type == (MB_SER_READ_MEM | MB_SER_REPLY)) {
			struct ser_cached *c = &s->cache[piece_slot[k]];

			if (c->buf && piece_off[k] + s->len <= c->len) {
				memcpy(c->buf + piece_off[k], s->payload, s->len);
				c->got += s->len;
			}
		}
	}
	for (int i = 0; i < n; i++) {
		if (s->cache[i].buf && s->cache[i].got == s->cache[i].len)
			whole++;
		else
			cache_drop(s, i);
	}
	return whole;
}

static int str_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		    struct mb_error *err)
{
	if (mb_serial_take_cached(t->priv, addr, buf, len))
		return 0;
	return mb_serial_read_mem(t->priv, addr, buf, len, err);
}

static void str_close(struct mb_transport *t)
{
	mb_serial_close(t->priv);
}

static const struct mb_transport_ops serial_ops = {
	.name = "serial",
	.read = str_read,
	.close = str_close,
};

/**
 * mb_serial_transport() - the struct mb_transport view of a client
 * @s: client; closing the transport closes @s
 *
 * Return: transport embedded in @s.
 */
struct mb_transport *mb_serial_transport(struct mb_serial *s)
{
	s->tr.ops = &serial_ops;
	s->tr.priv = s;
	return &s->tr;
}
