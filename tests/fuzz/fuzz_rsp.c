// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_rsp.c - libFuzzer: the RSP client state machine fed arbitrary gdbstub output. */
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <unistd.h>

#include "fuzz_common.h"
#include "mbagent/rsp.h"

/**
 * LLVMFuzzerTestOneInput() - byte 0 picks what the client asks, byte 1 the
 * read length and window; the rest is everything the "stub" ever says
 * @data: fuzz input
 * @size: its length
 *
 * The stub's bytes sit in a socket whose write side is shut, so the client
 * sees them and then end of stream: it must return (error or success), never
 * hang, and never touch memory outside its buffers.
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[4096];
	struct mb_rsp_stop stop;
	struct mb_error err;
	struct mb_rsp *r;
	unsigned int mode, lenb;
	size_t off = 0;
	int sv[2];

	if (size < 2 || size > 100000)
		return 0;
	mode = data[0];
	lenb = data[1];
	data += 2;
	size -= 2;
	signal(SIGPIPE, SIG_IGN);
	if (socketpair(AF_UNIX, SOCK_STREAM, 0, sv))
		abort();
	{
		int big = 1 << 20;

		setsockopt(sv[1], SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
		setsockopt(sv[0], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
		setsockopt(sv[1], SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	}
	while (off < size) {
		ssize_t n = write(sv[1], data + off, size - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	shutdown(sv[1], SHUT_WR);
	r = mb_rsp_open_fd(sv[0], 200, &err);
	if (!r)
		abort();
	mb_rsp_set_window(r, (lenb >> 5) + 1);
	if (mode & 0x80)
		mb_rsp_set_max_read(r, 16 + (lenb & 0x1f) * 16);
	if ((mode & 1) && mb_rsp_handshake(r, &err))
		goto out;
	if ((mode & 2) && mb_rsp_halt_reason(r, &stop, &err) == 0 &&
	    stop.kind != 'S' && stop.kind != 'T' && stop.kind != 'W' && stop.kind != 'X')
		abort();
	if ((mode & 4) && mb_rsp_set_phys_mode(r, true, &err))
		goto out;
	if (mode & 8)
		mb_rsp_read_mem(r, 0x1000, buf, 1 + (size_t)lenb * 16, &err);
	if (mode & 16)
		mb_rsp_breakpoint(r, true, true, 0x100000, &err);
	if ((mode & 32) && mb_rsp_continue(r, &err) == 0)
		mb_rsp_wait_stop(r, 100, &stop, &err);
	if (mode & 64) {
		char reply[64];

		mb_rsp_command(r, "qAttached", reply, sizeof(reply), &err);
	}
out:
	mb_rsp_close(r);
	close(sv[1]);
	return 0;
}
