// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_serial.c - libFuzzer: the host side of the COM2 protocol fed arbitrary kernel output. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "mbagent/serial.h"
#include "uapi/mb_evlog.h"

#define FZ_STREAM_MAX (1u << 20)

/*
 * Build what the "kernel" says from the input: a list of segments, each
 * either raw bytes (kind bit 7 set: next byte is the count) or a frame the
 * harness wraps with a correct CRC (type, tag, 16-bit length, payload), so
 * the fuzzer reaches the reply handling behind the checksum.
 */
static size_t build_stream(struct fz_in *in, uint8_t *out)
{
	static uint8_t payload[65536];
	size_t used = 0;

	while (in->left) {
		unsigned int kind = (unsigned int)fz_take(in, 1);

		if (kind & 0x80) {
			size_t n = (size_t)fz_take(in, 1);

			if (n > in->left)
				n = in->left;
			memcpy(out + used, in->p, n);
			in->p += n;
			in->left -= n;
			used += n;
		} else {
			uint8_t type = (uint8_t)fz_take(in, 1);
			uint16_t tag = (uint16_t)fz_take(in, 2);
			size_t n = (size_t)fz_take(in, 2);

			if (n > in->left)
				n = in->left;
			memcpy(payload, in->p, n);
			in->p += n;
			in->left -= n;
			used += mb_serial_frame(out + used, type, tag, payload, (uint32_t)n);
		}
		if (used > FZ_STREAM_MAX - 70000)
			break;
	}
	return used;
}

/**
 * LLVMFuzzerTestOneInput() - byte 0 picks the requests, byte 1 their sizes,
 * the rest describes the kernel's output stream
 * @data: fuzz input
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t stream[FZ_STREAM_MAX];
	static uint8_t buf[65536 + 16];
	struct fz_in in = { data, size };
	struct mb_serial_hello h;
	struct mb_serial *s;
	struct mb_error err;
	unsigned int mode, lenb;
	size_t len, off = 0;
	int sv[2];

	if (size < 2 || size > 200000)
		return 0;
	mode = (unsigned int)fz_take(&in, 1);
	lenb = (unsigned int)fz_take(&in, 1);
	len = build_stream(&in, stream);
	signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	{
		int big = 4 << 20;

		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
		setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	while (off < len) {
		ssize_t n = write(sv[1], stream + off, len - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(sv[1], SHUT_WR);
	s = mb_serial_open_fd(sv[0], 200, &err);
	if (!s)
		abort();
	if (mode & 1) {
		if (mb_serial_hello(s, &h, 200, &err) == 0 && h.build_id_len > 32)
			abort();
	}
	if (mode & 2)
		mb_serial_read_mem(s, 0x1000, buf, 1 + (size_t)lenb * 256, &err);
	if (mode & 4) {
		uint64_t first;
		uint32_t count, max = 1 + (lenb & 0x3f);

		if (mb_serial_read_log(s, 0, max, buf, &first, &count, &err) == 0 && count > max)
			abort();
	}
	if (mode & 8)
		mb_serial_read_mem(s, 0x1000, buf, 65536 + 16, &err);
	mb_serial_close(s);
	close(sv[1]);
	return 0;
}
