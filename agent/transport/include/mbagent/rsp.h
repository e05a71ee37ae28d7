/* SPDX-License-Identifier: GPL-2.0-only */
/* rsp.h - GDB remote serial protocol client (QEMU gdbstub), no gdb needed. */
#ifndef MBAGENT_RSP_H
#define MBAGENT_RSP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "mbagent/error.h"
#include "mbagent/transport.h"

/* Largest packet payload we accept from a stub; longer is a protocol error. */
#define MB_RSP_MAX_PACKET	(1u << 20)

struct mb_rsp;

/**
 * struct mb_rsp_stop - a decoded stop reply
 * @kind: 'S' or 'T' (stopped), 'W' (exited), 'X' (terminated)
 * @signal: signal number (or exit status for 'W')
 */
struct mb_rsp_stop {
	char kind;
	int signal;
};

/**
 * struct mb_rsp_stats - counters for tests and diagnostics
 * @packets_sent: packets written (retransmissions included)
 * @packets_received: well-formed packets received
 * @retransmits: packets we sent again after a '-' from the stub
 * @naks_sent: '-' we sent for corrupt packets
 * @rerequests: pipelined reads asked again after a corrupt reply
 * @garbage_bytes: bytes skipped outside packets
 * @e_replies: Exx replies received
 */
struct mb_rsp_stats {
	uint64_t packets_sent;
	uint64_t packets_received;
	uint64_t retransmits;
	uint64_t naks_sent;
	uint64_t rerequests;
	uint64_t garbage_bytes;
	uint64_t e_replies;
};

struct mb_rsp *mb_rsp_connect(const char *addr, int timeout_ms, struct mb_error *err);
struct mb_rsp *mb_rsp_open_fd(int fd, int timeout_ms, struct mb_error *err);
void mb_rsp_close(struct mb_rsp *r);
void mb_rsp_set_timeout(struct mb_rsp *r, int timeout_ms);
void mb_rsp_set_window(struct mb_rsp *r, unsigned int window);
void mb_rsp_set_max_read(struct mb_rsp *r, size_t bytes);
size_t mb_rsp_max_read(const struct mb_rsp *r);
const struct mb_rsp_stats *mb_rsp_stats(const struct mb_rsp *r);

int mb_rsp_handshake(struct mb_rsp *r, struct mb_error *err);
int mb_rsp_command(struct mb_rsp *r, const char *pkt, char *reply, size_t cap,
		   struct mb_error *err);
int mb_rsp_read_mem(struct mb_rsp *r, uint64_t addr, void *buf, size_t len,
		    struct mb_error *err);
int mb_rsp_set_phys_mode(struct mb_rsp *r, bool on, struct mb_error *err);
int mb_rsp_halt_reason(struct mb_rsp *r, struct mb_rsp_stop *stop, struct mb_error *err);
int mb_rsp_interrupt(struct mb_rsp *r, struct mb_rsp_stop *stop, struct mb_error *err);
int mb_rsp_continue(struct mb_rsp *r, struct mb_error *err);
int mb_rsp_wait_stop(struct mb_rsp *r, int timeout_ms, struct mb_rsp_stop *stop,
		     struct mb_error *err);
int mb_rsp_breakpoint(struct mb_rsp *r, bool hardware, bool insert, uint64_t addr,
		      struct mb_error *err);
bool mb_rsp_running(const struct mb_rsp *r);
ssize_t mb_rsp_unhex(const char *s, size_t n, uint8_t *dst, size_t max);
int mb_rsp_batch(struct mb_rsp *r, size_t n, const char *const *pkts, char *const *replies,
		 const size_t *caps, size_t *lens, struct mb_error *err);
int mb_rsp_batch_continue(struct mb_rsp *r, size_t n, const char *const *pkts,
			  char *const *replies, const size_t *caps, size_t *lens,
			  struct mb_error *err);

struct mb_transport *mb_rsp_transport(struct mb_rsp *r);
struct mb_transport *mb_gdb_transport_open(const char *addr, int timeout_ms,
					   struct mb_error *err);

#endif /* MBAGENT_RSP_H */
