// SPDX-License-Identifier: GPL-2.0-only
/* rsp.c - GDB remote serial protocol client: framing state machine, acks, pipelined reads. */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mbagent/rsp.h"
#include "agent_internal.h"

#define RSP_MAX_RETRIES		8	/* retransmissions of one packet */
#define RSP_DEFAULT_MAX_READ	0x800	/* QEMU 7.2 refuses larger m reads */
#define RSP_MIN_ADAPT_READ	256	/* below this an Exx is a real error */
#define RSP_MAX_READ		0x10000	/* never ask for more in one m packet */
#define RSP_MAX_WINDOW		64
#define RSP_CMD_BUF		8192

/* Receiver states: one per position inside "$payload#hh". */
enum rx_state {
	RX_IDLE,	/* between packets: '+', '-', '$' or garbage */
	RX_DATA,	/* payload bytes */
	RX_ESC,		/* after '}': next byte is xor 0x20 */
	RX_RLE,		/* after '*': next byte is a repeat count + 29 */
	RX_CS1,		/* first checksum hex digit */
	RX_CS2,		/* second checksum hex digit */
};

/* What the receiver produced. */
enum rx_event {
	EV_ACK,
	EV_NAK,
	EV_PACKET,	/* good packet in r->pkt / r->pkt_len */
	EV_BADPKT,	/* corrupt packet (checksum or encoding) */
};

/* One outstanding pipelined m request. */
struct rsp_req {
	size_t off;	/* offset into the caller's buffer */
	size_t len;
	int state;	/* REQ_* */
};

enum { REQ_UNSENT, REQ_WAIT_ACK, REQ_WAIT_REPLY, REQ_DONE, REQ_SLOW };

struct mb_rsp {
	int fd;
	int timeout_ms;
	size_t packet_size;
	size_t max_read;
	unsigned int window;
	bool vcont;
	bool running;
	bool phys;
	bool size_known;	/* max_read confirmed by a successful read */

	enum rx_state st;
	uint8_t sum;
	uint8_t rx_sum;
	bool bad;		/* encoding error inside the current packet */
	char *pkt;
	size_t pkt_len;
	size_t pkt_cap;

	uint8_t in[65536];
	size_t in_pos;
	size_t in_len;

	char *out;
	size_t out_len;
	size_t out_cap;

	struct mb_rsp_stats stats;
	struct mb_transport tr;
};

static const char hexd[] = "0123456789abcdef";

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static int out_reserve(struct mb_rsp *r, size_t more, struct mb_error *err)
{
	size_t need = r->out_len + more;
	char *p;

	if (need <= r->out_cap)
		return 0;
	if (need < 2 * r->out_cap)
		need = 2 * r->out_cap;
	p = realloc(r->out, need);
	if (!p)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	r->out = p;
	r->out_cap = need;
	return 0;
}

/* Write everything queued in r->out, waiting (bounded) for the socket. */
static int flush_out(struct mb_rsp *r, int64_t deadline, struct mb_error *err)
{
	size_t done = 0;

	while (done < r->out_len) {
		ssize_t n = send(r->fd, r->out + done, r->out_len - done, MSG_NOSIGNAL);

		if (n > 0) {
			done += n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
			struct pollfd pfd = { .fd = r->fd, .events = POLLOUT };
			int64_t left = deadline - mb_now_ms();
			int rc;

			if (left <= 0)
				return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
						    "gdbstub: timed out sending");
			rc = poll(&pfd, 1, (int)left);
			if (rc < 0 && errno != EINTR)
				return mb_error_set(err, MB_ERR_IO, errno, 0,
						    "gdbstub: poll: %s", strerror(errno));
			continue;
		}
		if (n < 0 && (errno == EPIPE || errno == ECONNRESET))
			return mb_error_set(err, MB_ERR_CLOSED, errno, 0,
					    "gdbstub closed the connection");
		return mb_error_set(err, MB_ERR_IO, errno, 0, "gdbstub: send: %s",
				    strerror(errno));
	}
	r->out_len = 0;
	return 0;
}

static int queue_raw(struct mb_rsp *r, const char *s, size_t n, struct mb_error *err)
{
	if (out_reserve(r, n, err))
		return -1;
	memcpy(r->out + r->out_len, s, n);
	r->out_len += n;
	return 0;
}

/* Queue "$payload#cs", escaping the four special characters. */
static int queue_packet(struct mb_rsp *r, const char *data, size_t len, struct mb_error *err)
{
	uint8_t sum = 0;
	size_t i;
	char *p;

	if (out_reserve(r, 2 * len + 4, err))
		return -1;
	p = r->out + r->out_len;
	*p++ = '$';
	for (i = 0; i < len; i++) {
		uint8_t c = data[i];

		if (c == '$' || c == '#' || c == '}' || c == '*') {
			*p++ = '}';
			sum += '}';
			c ^= 0x20;
		}
		*p++ = c;
		sum += c;
	}
	*p++ = '#';
	*p++ = hexd[sum >> 4];
	*p++ = hexd[sum & 15];
	r->out_len = p - r->out;
	r->stats.packets_sent++;
	return 0;
}

static int pkt_append(struct mb_rsp *r, char c, struct mb_error *err)
{
	if (r->pkt_len + 1 >= r->pkt_cap) {
		size_t ncap = r->pkt_cap ? 2 * r->pkt_cap : 4096;
		char *p;

		if (r->pkt_len + 1 > MB_RSP_MAX_PACKET)
			return mb_error_set(err, MB_ERR_PROTO, 0, 0,
					    "gdbstub sent a packet longer than %u bytes",
					    MB_RSP_MAX_PACKET);
		if (ncap > MB_RSP_MAX_PACKET + 1)
			ncap = MB_RSP_MAX_PACKET + 1;
		p = realloc(r->pkt, ncap);
		if (!p)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		r->pkt = p;
		r->pkt_cap = ncap;
	}
	r->pkt[r->pkt_len++] = c;
	r->pkt[r->pkt_len] = '\0';
	return 0;
}

/*
 * Feed one byte to the receive state machine. Returns 1 with *ev set when a
 * unit (ack, nak, packet) is complete, 0 when more bytes are needed, -1 on a
 * fatal protocol error.
 */
static int rx_byte(struct mb_rsp *r, uint8_t c, enum rx_event *ev, struct mb_error *err)
{
	int v;

	switch (r->st) {
	case RX_IDLE:
		if (c == '+') {
			*ev = EV_ACK;
			return 1;
		}
		if (c == '-') {
			*ev = EV_NAK;
			return 1;
		}
		if (c == '$' || c == '%') {
			r->st = RX_DATA;
			r->sum = 0;
			r->pkt_len = 0;
			r->bad = false;
			if (pkt_append(r, 0, err))
				return -1;
			r->pkt_len = 0;
			return 0;
		}
		r->stats.garbage_bytes++;
		return 0;
	case RX_DATA:
		if (c == '#') {
			r->st = RX_CS1;
			return 0;
		}
		if (c == '$') {		/* a new start: the previous one was garbage */
			r->stats.garbage_bytes += r->pkt_len + 1;
			r->sum = 0;
			r->pkt_len = 0;
			r->bad = false;
			return 0;
		}
		r->sum += c;
		if (c == '}') {
			r->st = RX_ESC;
			return 0;
		}
		if (c == '*') {
			r->st = RX_RLE;
			return 0;
		}
		return pkt_append(r, c, err);
	case RX_ESC:
		r->sum += c;
		r->st = RX_DATA;
		return pkt_append(r, c ^ 0x20, err);
	case RX_RLE: {
		int n = (int)c - 29;
		char prev;

		r->sum += c;
		r->st = RX_DATA;
		if (r->pkt_len == 0 || n < 3 || n > 97) {
			r->bad = true;
			return 0;
		}
		prev = r->pkt[r->pkt_len - 1];
		while (n--)
			if (pkt_append(r, prev, err))
				return -1;
		return 0;
	}
	case RX_CS1:
		v = hexval(c);
		if (v < 0)
			r->bad = true;
		r->rx_sum = (uint8_t)((v < 0 ? 0 : v) << 4);
		r->st = RX_CS2;
		return 0;
	case RX_CS2:
		v = hexval(c);
		r->st = RX_IDLE;
		if (v < 0 || r->bad || (uint8_t)(r->rx_sum | v) != r->sum) {
			*ev = EV_BADPKT;
			return 1;
		}
		r->stats.packets_received++;
		*ev = EV_PACKET;
		return 1;
	}
	return 0;
}

/* Wait for the next ack, nak or packet, until @deadline (monotonic ms). */
static int rx_next(struct mb_rsp *r, int64_t deadline, enum rx_event *ev, struct mb_error *err)
{
	for (;;) {
		struct pollfd pfd = { .fd = r->fd, .events = POLLIN };
		int64_t left;
		ssize_t n;
		int rc;

		while (r->in_pos < r->in_len) {
			rc = rx_byte(r, r->in[r->in_pos++], ev, err);
			if (rc)
				return rc < 0 ? -1 : 0;
		}
		if (r->out_len && flush_out(r, deadline, err))
			return -1;
		left = deadline - mb_now_ms();
		if (left <= 0 && r->tr.deadline && mb_now_ms() >= r->tr.deadline)
			return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
					    "time limit of the capture reached while waiting for the gdbstub");
		if (left <= 0)
			return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
					    "gdbstub timeout: no answer within %d ms",
					    r->timeout_ms);
		rc = poll(&pfd, 1, (int)left);
		if (rc < 0) {
			if (errno == EINTR)
				continue;
			return mb_error_set(err, MB_ERR_IO, errno, 0, "gdbstub: poll: %s",
					    strerror(errno));
		}
		if (rc == 0)
			continue;
		n = recv(r->fd, r->in, sizeof(r->in), 0);
		if (n == 0)
			return mb_error_set(err, MB_ERR_CLOSED, 0, 0,
					    "gdbstub closed the connection");
		if (n < 0) {
			if (errno == EINTR || errno == EAGAIN || errno == EWOULDBLOCK)
				continue;
			if (errno == ECONNRESET)
				return mb_error_set(err, MB_ERR_CLOSED, errno, 0,
						    "gdbstub closed the connection");
			return mb_error_set(err, MB_ERR_IO, errno, 0, "gdbstub: recv: %s",
					    strerror(errno));
		}
		r->in_pos = 0;
		r->in_len = n;
	}
}

static int parse_stop(struct mb_rsp *r, struct mb_rsp_stop *stop);

/* Packets whose answer is a stop reply. */
static bool is_stop_cmd(const char *data, size_t len)
{
	return (len == 1 && (data[0] == '?' || data[0] == 'c' || data[0] == 's')) ||
	       (len >= 5 && !memcmp(data, "vCont", 5) && (len == 5 || data[5] == ';'));
}

/* Now plus the per-wait timeout, but never past the transport's deadline. */
static int64_t deadline_in(struct mb_rsp *r)
{
	int64_t d = mb_now_ms() + r->timeout_ms;

	return r->tr.deadline && r->tr.deadline < d ? r->tr.deadline : d;
}

/*
 * A packet the stub sends on its own: console output ('O' + hex) or a stop
 * reply (the guest hit something, or QEMU's own notice).  Returns 1 for
 * one to skip, 0 for anything else, -1 (with @err) when the target exited.
 */
static int unsolicited(struct mb_rsp *r, struct mb_error *err)
{
	struct mb_rsp_stop stop;
	size_t i;

	if (r->pkt_len >= 3 && r->pkt[0] == 'O' && r->pkt_len % 2) {
		for (i = 1; i < r->pkt_len && hexval(r->pkt[i]) >= 0; i++)
			;
		if (i == r->pkt_len)
			return 1;
	}
	if (parse_stop(r, &stop))
		return 0;
	r->running = false;
	if (stop.kind == 'W' || stop.kind == 'X')
		return mb_error_set(err, MB_ERR_CLOSED, 0, 0, "the target %s (%c%02x)",
				    stop.kind == 'W' ? "exited" : "was terminated", stop.kind,
				    stop.signal);
	mb_agent_log(2, "gdbstub: unsolicited stop reply '%.40s'", r->pkt);
	return 1;
}

/*
 * Send one packet and return its reply in r->pkt. Handles '+'/'-' acks with
 * retransmission, NAKs corrupt replies, and accepts stubs that do not ack.
 * With @want_reply false, returns after the ack.
 */
static int transact(struct mb_rsp *r, const char *data, size_t len, bool want_reply,
		    struct mb_error *err)
{
	unsigned int tries = 0, bad = 0;
	bool acked = false;
	enum rx_event ev;
	int64_t deadline;

	if (queue_packet(r, data, len, err))
		return -1;
	deadline = deadline_in(r);
	if (flush_out(r, deadline, err))
		return -1;
	for (;;) {
		if (rx_next(r, deadline, &ev, err))
			return -1;
		switch (ev) {
		case EV_ACK:
			acked = true;
			if (!want_reply)
				return 0;
			break;
		case EV_NAK:
			if (acked)
				break;	/* stale: we already got our ack */
			if (++tries > RSP_MAX_RETRIES)
				return mb_error_set(err, MB_ERR_PROTO, 0, 0,
						    "gdbstub rejected packet '%.40s' %u times",
						    data, tries);
			r->stats.retransmits++;
			if (queue_packet(r, data, len, err))
				return -1;
			deadline = deadline_in(r);
			break;
		case EV_BADPKT:
			if (++bad > RSP_MAX_RETRIES)
				return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
						    "gdbstub sent %u corrupt replies in a row", bad);
			r->stats.naks_sent++;
			if (queue_raw(r, "-", 1, err))
				return -1;
			deadline = deadline_in(r);
			break;
		case EV_PACKET:
			/*
			 * A stop reply before our ack is the stub's own news
			 * (QEMU sends one when a debugger connects), not the
			 * answer to this packet.
			 */
			if (!is_stop_cmd(data, len)) {
				int u = unsolicited(r, err);

				if (u && queue_raw(r, "+", 1, err))
					return -1;
				if (u < 0)
					return -1;
				if (u)
					break;
			}
			/* Also the end for a stub that answers without acking. */
			if (queue_raw(r, "+", 1, err))
				return -1;
			return flush_out(r, deadline, err);
		}
	}
}

/**
 * mb_rsp_command() - send one packet and wait for its reply
 * @r: connection
 * @pkt: packet payload (NUL-terminated, unescaped)
 * @reply: buffer for the reply payload (NUL-terminated), may be NULL
 * @cap: size of @reply
 * @err: filled on failure
 *
 * Return: reply length, or -1 with @err set (timeout, closed, protocol).
 */
int mb_rsp_command(struct mb_rsp *r, const char *pkt, char *reply, size_t cap,
		   struct mb_error *err)
{
	if (transact(r, pkt, strlen(pkt), true, err))
		return -1;
	if (reply && cap) {
		size_t n = r->pkt_len < cap - 1 ? r->pkt_len : cap - 1;

		memcpy(reply, r->pkt, n);
		reply[n] = '\0';
	}
	return (int)r->pkt_len;
}

static struct mb_rsp *rsp_new(int fd, int timeout_ms, struct mb_error *err)
{
	struct mb_rsp *r = calloc(1, sizeof(*r));

	if (!r) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	r->fd = fd;
	r->timeout_ms = timeout_ms > 0 ? timeout_ms : 5000;
	r->packet_size = 0x1000;
	r->max_read = RSP_DEFAULT_MAX_READ;
	r->window = 8;
	r->st = RX_IDLE;
	return r;
}

/**
 * mb_rsp_open_fd() - wrap a connected stream socket
 * @fd: connected socket (made non-blocking; closed by mb_rsp_close())
 * @timeout_ms: limit on every wait (<= 0: 5000)
 * @err: filled on failure
 *
 * No packets are exchanged; call mb_rsp_handshake() next.
 *
 * Return: connection or NULL.
 */
struct mb_rsp *mb_rsp_open_fd(int fd, int timeout_ms, struct mb_error *err)
{
	int fl = fcntl(fd, F_GETFL);

	if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "gdbstub: fcntl: %s", strerror(errno));
		return NULL;
	}
	return rsp_new(fd, timeout_ms, err);
}

static int connect_once(const char *addr, struct mb_error *err)
{
	char host[256], *colon;
	struct addrinfo hints = { .ai_family = AF_UNSPEC, .ai_socktype = SOCK_STREAM };
	struct addrinfo *ai, *p;
	int fd = -1, rc;

	if (!strncmp(addr, "unix:", 5)) {
		struct sockaddr_un sun = { .sun_family = AF_UNIX };

		if (strlen(addr + 5) >= sizeof(sun.sun_path))
			return mb_error_set(err, MB_ERR_INVAL, 0, 0, "socket path too long: %s",
					    addr + 5);
		strcpy(sun.sun_path, addr + 5);
		fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0)
			return mb_error_set(err, MB_ERR_IO, errno, 0, "socket: %s",
					    strerror(errno));
		if (connect(fd, (struct sockaddr *)&sun, sizeof(sun)) < 0) {
			mb_error_set(err, MB_ERR_IO, errno, 0, "connect %s: %s", addr,
				     strerror(errno));
			close(fd);
			return -1;
		}
		return fd;
	}
	if (!strncmp(addr, "tcp:", 4))
		addr += 4;
	if (strlen(addr) >= sizeof(host))
		return mb_error_set(err, MB_ERR_INVAL, 0, 0, "address too long");
	strcpy(host, addr);
	colon = strrchr(host, ':');
	if (!colon || !colon[1])
		return mb_error_set(err, MB_ERR_INVAL, 0, 0,
				    "bad gdbstub address '%s' (want HOST:PORT or unix:PATH)",
				    addr);
	*colon = '\0';
	rc = getaddrinfo(host[0] ? host : "127.0.0.1", colon + 1, &hints, &ai);
	if (rc)
		return mb_error_set(err, MB_ERR_INVAL, 0, 0, "cannot resolve %s: %s", addr,
				    gai_strerror(rc));
	for (p = ai; p; p = p->ai_next) {
		fd = socket(p->ai_family, p->ai_socktype | SOCK_CLOEXEC, p->ai_protocol);
		if (fd < 0)
			continue;
		if (connect(fd, p->ai_addr, p->ai_addrlen) == 0)
			break;
		mb_error_set(err, MB_ERR_IO, errno, 0, "connect %s: %s", addr,
			     strerror(errno));
		close(fd);
		fd = -1;
	}
	freeaddrinfo(ai);
	return fd;
}

/**
 * mb_rsp_connect() - connect to a gdbstub, retrying until it listens
 * @addr: "unix:PATH", "tcp:HOST:PORT" or "HOST:PORT"
 * @timeout_ms: how long to keep retrying, and the limit on every later wait
 * @err: filled on failure
 *
 * Return: connection (not yet handshaken) or NULL.
 */
struct mb_rsp *mb_rsp_connect(const char *addr, int timeout_ms, struct mb_error *err)
{
	int64_t deadline = mb_now_ms() + (timeout_ms > 0 ? timeout_ms : 5000);
	struct mb_rsp *r;
	int fd;

	for (;;) {
		fd = connect_once(addr, err);
		if (fd >= 0)
			break;
		if (err && err->code == MB_ERR_INVAL)
			return NULL;
		if (mb_now_ms() >= deadline) {
			mb_error_prefix(err, "gdbstub");
			return NULL;
		}
		usleep(20000);
	}
	r = mb_rsp_open_fd(fd, timeout_ms, err);
	if (!r)
		close(fd);
	return r;
}

/**
 * mb_rsp_close() - close the connection and free it
 * @r: connection, may be NULL
 */
void mb_rsp_close(struct mb_rsp *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	free(r->pkt);
	free(r->out);
	free(r);
}

/**
 * mb_rsp_set_timeout() - limit on every later wait
 * @r: connection
 * @timeout_ms: milliseconds (> 0)
 */
void mb_rsp_set_timeout(struct mb_rsp *r, int timeout_ms)
{
	if (timeout_ms > 0)
		r->timeout_ms = timeout_ms;
}

/**
 * mb_rsp_set_window() - how many m requests may be in flight at once
 * @r: connection
 * @window: 1 (strict request/reply) to RSP_MAX_WINDOW
 */
void mb_rsp_set_window(struct mb_rsp *r, unsigned int window)
{
	if (window < 1)
		window = 1;
	if (window > RSP_MAX_WINDOW)
		window = RSP_MAX_WINDOW;
	r->window = window;
}

/**
 * mb_rsp_set_max_read() - bytes asked for in one m packet
 * @r: connection
 * @bytes: at least 16; clipped to what PacketSize allows
 */
void mb_rsp_set_max_read(struct mb_rsp *r, size_t bytes)
{
	size_t cap = r->packet_size / 2;

	if (bytes < 16)
		bytes = 16;
	r->max_read = bytes < cap ? bytes : cap;
	r->size_known = false;
}

/**
 * mb_rsp_max_read() - current bytes per m packet (after adaptation)
 * @r: connection
 *
 * Return: bytes.
 */
size_t mb_rsp_max_read(const struct mb_rsp *r)
{
	return r->max_read;
}

/**
 * mb_rsp_stats() - counters of this connection
 * @r: connection
 *
 * Return: pointer valid until mb_rsp_close().
 */
const struct mb_rsp_stats *mb_rsp_stats(const struct mb_rsp *r)
{
	return &r->stats;
}

/**
 * mb_rsp_running() - whether the target was last told to run
 * @r: connection
 *
 * Return: true after mb_rsp_continue() until a stop reply.
 */
bool mb_rsp_running(const struct mb_rsp *r)
{
	return r->running;
}

/**
 * mb_rsp_handshake() - qSupported exchange; learn PacketSize and vCont
 * @r: connection
 * @err: filled on failure
 *
 * Return: 0 or -1.
 */
int mb_rsp_handshake(struct mb_rsp *r, struct mb_error *err)
{
	char reply[1024], *tok, *save = NULL;

	/* A stray ack first resynchronises a stub waiting for one. */
	if (queue_raw(r, "+", 1, err))
		return -1;
	if (mb_rsp_command(r, "qSupported:multiprocess+;vContSupported+", reply,
			   sizeof(reply), err) < 0)
		return mb_error_prefix(err, "qSupported");
	for (tok = strtok_r(reply, ";", &save); tok; tok = strtok_r(NULL, ";", &save)) {
		if (!strncmp(tok, "PacketSize=", 11)) {
			unsigned long v = strtoul(tok + 11, NULL, 16);

			if (v >= 64 && v <= MB_RSP_MAX_PACKET)
				r->packet_size = v;
		} else if (!strcmp(tok, "vContSupported+")) {
			r->vcont = true;
		}
	}
	/*
	 * Ask for as much as the stub's packet size allows (QEMU 7.2: 0x1000
	 * -> 0x800 bytes; newer stubs more); the first read confirms it or
	 * halves it on Exx.
	 */
	r->max_read = r->packet_size / 2;
	if (r->max_read > RSP_MAX_READ)
		r->max_read = RSP_MAX_READ;
	r->size_known = false;
	mb_agent_log(2, "gdbstub: PacketSize=%#zx, m reads of %#zx bytes, vCont %s",
		     r->packet_size, r->max_read, r->vcont ? "yes" : "no");
	return 0;
}

static int parse_e_reply(struct mb_rsp *r)
{
	if (r->pkt_len == 3 && r->pkt[0] == 'E' && hexval(r->pkt[1]) >= 0 &&
	    hexval(r->pkt[2]) >= 0) {
		r->stats.e_replies++;
		return hexval(r->pkt[1]) * 16 + hexval(r->pkt[2]);
	}
	return -1;
}

/**
 * mb_rsp_unhex() - decode @n hex digits of a reply (an m or g reply) into @dst
 * @s: the digits
 * @n: how many (even)
 * @dst: where the bytes go
 * @max: room in @dst
 *
 * Return: bytes decoded, or -1 on an odd count, a bad digit or too little room.
 */
ssize_t mb_rsp_unhex(const char *s, size_t n, uint8_t *dst, size_t max)
{
	size_t i;

	if (n % 2 || n / 2 > max)
		return -1;
	for (i = 0; i < n / 2; i++) {
		int hi = hexval(s[2 * i]), lo = hexval(s[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		dst[i] = (uint8_t)(hi << 4 | lo);
	}
	return (ssize_t)(n / 2);
}

static int format_m(char *buf, size_t cap, uint64_t addr, size_t len)
{
	return snprintf(buf, cap, "m%llx,%zx", (unsigned long long)addr, len);
}

/*
 * Read one range with strict request/reply, shrinking the packet size when
 * the stub answers Exx to a large read (QEMU 7.2: E22 above 0x800 bytes).
 */
static int read_slow(struct mb_rsp *r, uint64_t addr, uint8_t *buf, size_t len,
		     struct mb_error *err)
{
	size_t done = 0, chunk = r->max_read;
	char cmd[64];

	while (done < len) {
		size_t n = len - done < chunk ? len - done : chunk;
		ssize_t got;
		int e;

		format_m(cmd, sizeof(cmd), addr + done, n);
		if (transact(r, cmd, strlen(cmd), true, err))
			return mb_error_prefix(err, "reading %zu bytes at %#llx", n,
					       (unsigned long long)(addr + done));
		e = parse_e_reply(r);
		if (e >= 0) {
			if (n > RSP_MIN_ADAPT_READ) {
				chunk = n / 2;
				continue;
			}
			return mb_error_set(err, MB_ERR_REMOTE, 0, addr + done,
					    "gdbstub cannot read %zu bytes at %#llx (E%02x)",
					    n, (unsigned long long)(addr + done), e);
		}
		got = mb_rsp_unhex(r->pkt, r->pkt_len, buf + done, n);
		if (got < 0)
			return mb_error_set(err, MB_ERR_PROTO, 0, addr + done,
					    "gdbstub sent a malformed memory reply at %#llx",
					    (unsigned long long)(addr + done));
		if (got == 0)
			return mb_error_set(err, MB_ERR_REMOTE, 0, addr + done,
					    "gdbstub returned no bytes at %#llx",
					    (unsigned long long)(addr + done));
		if (chunk < r->max_read) {
			mb_agent_log(2, "gdbstub: m reads above %#zx bytes fail; using %#zx",
				     r->max_read, chunk);
			r->max_read = chunk;
		}
		if (n == r->max_read)
			r->size_known = true;
		done += got;
	}
	return 0;
}

static int send_req(struct mb_rsp *r, uint64_t addr, struct rsp_req *q, struct mb_error *err)
{
	char cmd[64];
	int n = format_m(cmd, sizeof(cmd), addr + q->off, q->len);

	q->state = REQ_WAIT_ACK;
	return queue_packet(r, cmd, n, err);
}

/**
 * mb_rsp_read_mem() - read target memory with pipelined m packets
 * @r: connection (target stopped)
 * @addr: address (physical after mb_rsp_set_phys_mode())
 * @buf: destination
 * @len: bytes
 * @err: filled on failure
 *
 * Up to the window's worth of requests are in flight. Acks and replies come
 * back in request order, so each '+'/'-' and each reply is matched to the
 * oldest request waiting for it. A '-' resends that request; a corrupt reply
 * is NAKed when it is the only one outstanding, otherwise re-requested; an
 * Exx or short reply sends that piece through the strict path, which adapts
 * the packet size.
 *
 * Return: 0 or -1 with @err set.
 */
int mb_rsp_read_mem(struct mb_rsp *r, uint64_t addr, void *buf, size_t len,
		    struct mb_error *err)
{
	size_t nreq, i, next = 0, done = 0, inflight = 0;
	size_t ackq[RSP_MAX_WINDOW * 2], replq[RSP_MAX_WINDOW * 2];
	size_t ack_h = 0, ack_n = 0, rep_h = 0, rep_n = 0;
	struct rsp_req *q;
	unsigned int bad = 0;
	int64_t deadline;
	int rc = -1;

	if (len == 0)
		return 0;
	if (!r->size_known && len > r->max_read) {
		/* One strict read first settles the packet size for the pipeline. */
		size_t first = r->max_read;

		if (read_slow(r, addr, buf, first, err))
			return -1;
		addr += first;
		buf = (uint8_t *)buf + first;
		len -= first;
	}
	if (r->window <= 1 || len <= r->max_read)
		return read_slow(r, addr, buf, len, err);
	nreq = (len + r->max_read - 1) / r->max_read;
	q = calloc(nreq, sizeof(*q));
	if (!q)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	for (i = 0; i < nreq; i++) {
		q[i].off = i * r->max_read;
		q[i].len = len - q[i].off < r->max_read ? len - q[i].off : r->max_read;
	}
#define QLEN (RSP_MAX_WINDOW * 2)
	deadline = deadline_in(r);
	while (done < nreq) {
		enum rx_event ev;
		size_t k;

		while (inflight < r->window && next < nreq) {
			if (send_req(r, addr, &q[next], err))
				goto out;
			ackq[(ack_h + ack_n++) % QLEN] = next++;
			inflight++;
		}
		if (inflight == 0) {
			/* Everything left is for the strict path. */
			for (i = 0; i < nreq; i++) {
				if (q[i].state != REQ_SLOW)
					continue;
				if (read_slow(r, addr + q[i].off, (uint8_t *)buf + q[i].off,
					      q[i].len, err))
					goto out;
				q[i].state = REQ_DONE;
				done++;
			}
			continue;
		}
		if (rx_next(r, deadline, &ev, err)) {
			mb_error_prefix(err, "reading %zu bytes at %#llx", len,
					(unsigned long long)addr);
			goto out;
		}
		deadline = deadline_in(r);
		switch (ev) {
		case EV_ACK:
			if (!ack_n)
				break;	/* stray ack */
			k = ackq[ack_h];
			ack_h = (ack_h + 1) % QLEN;
			ack_n--;
			q[k].state = REQ_WAIT_REPLY;
			replq[(rep_h + rep_n++) % QLEN] = k;
			break;
		case EV_NAK:
			if (!ack_n)
				break;
			k = ackq[ack_h];
			ack_h = (ack_h + 1) % QLEN;
			ack_n--;
			if (r->stats.retransmits++ > nreq * RSP_MAX_RETRIES) {
				mb_error_set(err, MB_ERR_PROTO, 0, addr + q[k].off,
					     "gdbstub keeps rejecting read requests");
				goto out;
			}
			if (send_req(r, addr, &q[k], err))
				goto out;
			ackq[(ack_h + ack_n++) % QLEN] = k;
			break;
		case EV_BADPKT:
			if (++bad > nreq + RSP_MAX_RETRIES) {
				mb_error_set(err, MB_ERR_CORRUPT, 0, addr,
					     "gdbstub sent too many corrupt replies");
				goto out;
			}
			if (!rep_n && ack_n)	/* stub that does not ack */
				k = ackq[ack_h], ack_h = (ack_h + 1) % QLEN, ack_n--;
			else if (rep_n)
				k = replq[rep_h], rep_h = (rep_h + 1) % QLEN, rep_n--;
			else
				break;	/* corrupt unsolicited packet: ignore */
			if (inflight == 1) {
				/* Only one outstanding: the stub can retransmit it. */
				r->stats.naks_sent++;
				if (queue_raw(r, "-", 1, err))
					goto out;
				q[k].state = REQ_WAIT_REPLY;
				rep_h = (rep_h + QLEN - 1) % QLEN;
				replq[rep_h] = k;
				rep_n++;
				break;
			}
			r->stats.rerequests++;
			if (send_req(r, addr, &q[k], err))
				goto out;
			ackq[(ack_h + ack_n++) % QLEN] = k;
			break;
		case EV_PACKET: {
			ssize_t got;
			int u = unsolicited(r, err);

			if (u) {
				/* Not an answer to any request: ack it and read on. */
				if (queue_raw(r, "+", 1, err) || u < 0)
					goto out;
				break;
			}
			if (rep_n)
				k = replq[rep_h], rep_h = (rep_h + 1) % QLEN, rep_n--;
			else if (ack_n)	/* stub that does not ack */
				k = ackq[ack_h], ack_h = (ack_h + 1) % QLEN, ack_n--;
			else
				break;	/* unsolicited packet: ignore */
			if (queue_raw(r, "+", 1, err))
				goto out;
			inflight--;
			if (parse_e_reply(r) >= 0) {
				q[k].state = REQ_SLOW;
				break;
			}
			got = mb_rsp_unhex(r->pkt, r->pkt_len, (uint8_t *)buf + q[k].off, q[k].len);
			if (got < 0) {
				mb_error_set(err, MB_ERR_PROTO, 0, addr + q[k].off,
					     "gdbstub sent a malformed memory reply at %#llx",
					     (unsigned long long)(addr + q[k].off));
				goto out;
			}
			if ((size_t)got < q[k].len) {
				/* Short read: fetch the rest strictly. */
				q[k].off += got;
				q[k].len -= got;
				q[k].state = REQ_SLOW;
				if (got == 0) {
					mb_error_set(err, MB_ERR_REMOTE, 0, addr + q[k].off,
						     "gdbstub returned no bytes at %#llx",
						     (unsigned long long)(addr + q[k].off));
					goto out;
				}
				break;
			}
			q[k].state = REQ_DONE;
			done++;
			break;
		}
		}
	}
#undef QLEN
	rc = 0;
	if (r->out_len)
		rc = flush_out(r, deadline_in(r), err);
out:
	free(q);
	if (rc && inflight) {
		/* Leave the stream in a known state: wait out what is in flight. */
		struct mb_error tmp;
		enum rx_event ev;
		int64_t dl = mb_now_ms() + 200;

		while (inflight && !rx_next(r, dl, &ev, &tmp))
			if (ev == EV_PACKET || ev == EV_BADPKT)
				inflight--;
	}
	return rc;
}

/**
 * mb_rsp_set_phys_mode() - make m packets read physical memory (QEMU)
 * @r: connection
 * @on: true for physical, false for virtual
 * @err: filled on failure
 *
 * Return: 0, or -1 with MB_ERR_UNSUPPORTED when the stub does not know it.
 */
int mb_rsp_set_phys_mode(struct mb_rsp *r, bool on, struct mb_error *err)
{
	char reply[64];

	if (mb_rsp_command(r, on ? "Qqemu.PhyMemMode:1" : "Qqemu.PhyMemMode:0", reply,
			   sizeof(reply), err) < 0)
		return -1;
	if (!strcmp(reply, "OK")) {
		r->phys = on;
		return 0;
	}
	if (!reply[0])
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "gdbstub has no physical memory mode");
	return mb_error_set(err, MB_ERR_REMOTE, 0, 0, "Qqemu.PhyMemMode: %s", reply);
}

static int parse_stop(struct mb_rsp *r, struct mb_rsp_stop *stop)
{
	char k = r->pkt_len ? r->pkt[0] : 0;
	int hi, lo;

	if ((k != 'S' && k != 'T' && k != 'W' && k != 'X') || r->pkt_len < 3)
		return -1;
	hi = hexval(r->pkt[1]);
	lo = hexval(r->pkt[2]);
	if (hi < 0 || lo < 0)
		return -1;
	if (stop) {
		stop->kind = k;
		stop->signal = hi * 16 + lo;
	}
	return 0;
}

/**
 * mb_rsp_halt_reason() - ask why the target is stopped ('?')
 * @r: connection
 * @stop: decoded reply
 * @err: filled on failure
 *
 * Return: 0 or -1.
 */
int mb_rsp_halt_reason(struct mb_rsp *r, struct mb_rsp_stop *stop, struct mb_error *err)
{
	if (transact(r, "?", 1, true, err))
		return -1;
	if (parse_stop(r, stop))
		return mb_error_set(err, MB_ERR_PROTO, 0, 0, "bad stop reply '%.40s'", r->pkt);
	r->running = false;
	return 0;
}

/**
 * mb_rsp_wait_stop() - wait for the stop reply of a running target
 * @r: connection
 * @timeout_ms: how long to wait (<= 0: the connection's timeout)
 * @stop: decoded reply, may be NULL
 * @err: filled on failure (MB_ERR_TIMEOUT if the target did not stop)
 *
 * Return: 0 or -1.
 */
int mb_rsp_wait_stop(struct mb_rsp *r, int timeout_ms, struct mb_rsp_stop *stop,
		     struct mb_error *err)
{
	int64_t deadline = mb_now_ms() + (timeout_ms > 0 ? timeout_ms : r->timeout_ms);
	enum rx_event ev;

	if (r->tr.deadline && r->tr.deadline < deadline)
		deadline = r->tr.deadline;
	for (;;) {
		if (rx_next(r, deadline, &ev, err))
			return -1;
		if (ev == EV_BADPKT) {
			r->stats.naks_sent++;
			if (queue_raw(r, "-", 1, err))
				return -1;
			continue;
		}
		if (ev != EV_PACKET)
			continue;
		if (queue_raw(r, "+", 1, err))
			return -1;
		if (r->pkt_len && r->pkt[0] == 'O')
			continue;	/* console output */
		if (parse_stop(r, stop) == 0) {
			r->running = false;
			return flush_out(r, deadline, err);
		}
		mb_agent_log(2, "gdbstub: ignoring '%.40s' while waiting for a stop", r->pkt);
	}
}

/**
 * mb_rsp_interrupt() - stop a running target (0x03) and wait for the stop reply
 * @r: connection
 * @stop: decoded reply, may be NULL
 * @err: filled on failure
 *
 * A target that is not running is asked for its halt reason instead.
 *
 * Return: 0 or -1.
 */
int mb_rsp_interrupt(struct mb_rsp *r, struct mb_rsp_stop *stop, struct mb_error *err)
{
	if (!r->running)
		return mb_rsp_halt_reason(r, stop, err);
	if (queue_raw(r, "\x03", 1, err) || flush_out(r, deadline_in(r), err))
		return -1;
	return mb_rsp_wait_stop(r, 0, stop, err);
}

/**
 * mb_rsp_continue() - resume the target (vCont;c or c); does not wait for a stop
 * @r: connection
 * @err: filled on failure
 *
 * Return: 0 or -1.
 */
int mb_rsp_continue(struct mb_rsp *r, struct mb_error *err)
{
	const char *cmd = r->vcont ? "vCont;c" : "c";

	if (transact(r, cmd, strlen(cmd), false, err))
		return mb_error_prefix(err, "continue");
	r->running = true;
	return 0;
}

/**
 * mb_rsp_breakpoint() - insert or remove a breakpoint (Z0/z0, Z1/z1)
 * @r: connection (target stopped)
 * @hardware: Z1 (hardware) instead of Z0 (software)
 * @insert: insert (Z) or remove (z)
 * @addr: code address
 * @err: filled on failure
 *
 * Return: 0, or -1 (MB_ERR_UNSUPPORTED for an empty reply, MB_ERR_REMOTE for Exx).
 */
int mb_rsp_breakpoint(struct mb_rsp *r, bool hardware, bool insert, uint64_t addr,
		      struct mb_error *err)
{
	char cmd[64], reply[64];

	snprintf(cmd, sizeof(cmd), "%c%c,%llx,1", insert ? 'Z' : 'z', hardware ? '1' : '0',
		 (unsigned long long)addr);
	if (mb_rsp_command(r, cmd, reply, sizeof(reply), err) < 0)
		return -1;
	if (!strcmp(reply, "OK"))
		return 0;
	if (!reply[0])
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, addr,
				    "gdbstub does not support %s breakpoints",
				    hardware ? "hardware" : "software");
	return mb_error_set(err, MB_ERR_REMOTE, 0, addr, "%s at %#llx: %s", cmd,
			    (unsigned long long)addr, reply);
}

/* Send @n packets (and a continue after them with @cont); collect the @n replies. */
static int batch(struct mb_rsp *r, size_t n, const char *const *pkts, char *const *replies,
		 const size_t *caps, size_t *lens, bool cont, struct mb_error *err)
{
	const char *cmd = r->vcont ? "vCont;c" : "c";
	size_t i, got = 0;
	int64_t deadline;

	for (i = 0; i < n; i++)
		if (queue_packet(r, pkts[i], strlen(pkts[i]), err))
			return -1;
	if (cont && queue_packet(r, cmd, strlen(cmd), err))
		return -1;
	deadline = deadline_in(r);
	if (flush_out(r, deadline, err))
		return -1;
	while (got < n) {
		enum rx_event ev;

		if (rx_next(r, deadline, &ev, err))
			return mb_error_prefix(err, "batch of %zu requests", n);
		switch (ev) {
		case EV_ACK:
			break;
		case EV_NAK:
			return mb_error_set(err, MB_ERR_PROTO, 0, 0,
					    "gdbstub rejected packet %zu of a batch", got);
		case EV_BADPKT:
			return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
					    "gdbstub sent a corrupt reply in a batch");
		case EV_PACKET:
			/* Not while the target runs: see mb_rsp_batch_continue(). */
			if (!cont && queue_raw(r, "+", 1, err))
				return -1;
			if (r->pkt_len >= caps[got])
				return mb_error_set(err, MB_ERR_PROTO, 0, 0,
						    "reply of %zu bytes to '%.20s' is too long",
						    r->pkt_len, pkts[got]);
			memcpy(replies[got], r->pkt, r->pkt_len);
			replies[got][r->pkt_len] = 0;
			lens[got] = r->pkt_len;
			got++;
			break;
		}
	}
	if (cont)
		r->running = true;
	return flush_out(r, deadline, err);
}

/**
 * mb_rsp_batch() - send several packets at once and collect the replies in order
 * @r: connection (target stopped)
 * @n: number of packets
 * @pkts: payloads (NUL-terminated, unescaped)
 * @replies: buffers for the reply payloads (NUL-terminated)
 * @caps: their sizes; a longer reply is an error
 * @lens: receive the reply lengths
 * @err: filled on failure
 *
 * One round trip instead of @n, for requests whose replies do not depend
 * on each other (g, m). A stub that NAKs or corrupts a reply in the middle
 * of a batch is an error: the caller gets no partial result.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_rsp_batch(struct mb_rsp *r, size_t n, const char *const *pkts, char *const *replies,
		 const size_t *caps, size_t *lens, struct mb_error *err)
{
	return batch(r, n, pkts, replies, caps, lens, false, err);
}

/**
 * mb_rsp_batch_continue() - mb_rsp_batch(), with a continue sent right behind the packets
 * @r: connection (target stopped)
 * @n: number of packets (0: just the continue)
 * @pkts: payloads (NUL-terminated, unescaped)
 * @replies: buffers for the reply payloads (NUL-terminated)
 * @caps: their sizes; a longer reply is an error
 * @lens: receive the reply lengths
 * @err: filled on failure
 *
 * The stub handles packets in order, so the continue takes effect after
 * the others (e.g. breakpoint changes) and its stop reply comes after
 * their replies; nothing waits for the continue's own ack. The replies are
 * not acked: they arrive once the target runs, and QEMU's stub takes any
 * byte it receives while the target runs, beyond the one ack it may still
 * expect, as an interrupt (QEMU does not resend unacked replies). The
 * replies must be checked by the caller: the target runs already when
 * this returns, even when one of them is an error.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_rsp_batch_continue(struct mb_rsp *r, size_t n, const char *const *pkts,
			  char *const *replies, const size_t *caps, size_t *lens,
			  struct mb_error *err)
{
	if (batch(r, n, pkts, replies, caps, lens, true, err))
		return mb_error_prefix(err, "continue");
	return 0;
}

/* --- struct mb_transport over a gdbstub --- */

static int tr_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		   struct mb_error *err)
{
	struct mb_rsp *r = t->priv;

	if (r->running && mb_rsp_interrupt(r, NULL, err))
		return -1;
	return mb_rsp_read_mem(r, addr, buf, len, err);
}

static int tr_stop(struct mb_transport *t, struct mb_error *err)
{
	return mb_rsp_interrupt(t->priv, NULL, err);
}

static int tr_cont(struct mb_transport *t, struct mb_error *err)
{
	struct mb_rsp *r = t->priv;

	if (r->running)
		return 0;
	return mb_rsp_continue(r, err);
}

static void tr_close(struct mb_transport *t)
{
	mb_rsp_close(t->priv);
}

static const struct mb_transport_ops rsp_ops = {
	.name = "gdb",
	.read = tr_read,
	.stop = tr_stop,
	.cont = tr_cont,
	.close = tr_close,
};

/**
 * mb_rsp_transport() - the struct mb_transport view of a connection
 * @r: connection; closing the transport closes @r
 *
 * Return: transport embedded in @r (not separately allocated).
 */
struct mb_transport *mb_rsp_transport(struct mb_rsp *r)
{
	r->tr.ops = &rsp_ops;
	r->tr.priv = r;
	return &r->tr;
}

/**
 * mb_gdb_transport_open() - connect, handshake, switch to physical reads
 * @addr: gdbstub address (see mb_rsp_connect())
 * @timeout_ms: connect retry period and per-wait limit
 * @err: filled on failure
 *
 * QEMU stops the guest when a debugger connects; the transport's state says
 * so (call ->cont to resume).
 *
 * Return: transport or NULL.
 */
struct mb_transport *mb_gdb_transport_open(const char *addr, int timeout_ms,
					   struct mb_error *err)
{
	struct mb_rsp *r = mb_rsp_connect(addr, timeout_ms, err);
	struct mb_error tmp = { 0 };

	if (!r)
		return NULL;
	if (mb_rsp_handshake(r, err) || mb_rsp_halt_reason(r, NULL, err)) {
		mb_rsp_close(r);
		return NULL;
	}
	if (mb_rsp_set_phys_mode(r, true, &tmp))
		mb_agent_log(2, "gdbstub: virtual reads (%s)", tmp.msg);
	return mb_rsp_transport(r);
}
