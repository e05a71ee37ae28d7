/* SPDX-License-Identifier: GPL-2.0-only */
/* serial.h - client of the test kernel's COM2 protocol (binary frames, CRC-32). */
#ifndef MBAGENT_SERIAL_H
#define MBAGENT_SERIAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mbagent/error.h"
#include "mbagent/transport.h"

#define MB_SER_SYNC0		0xA5
#define MB_SER_SYNC1		0x5A
#define MB_SER_VERSION		1
#define MB_SER_HDR		10	/* sync(2) version type tag(2) length(4) */
#define MB_SER_HELLO		0x01
#define MB_SER_READ_MEM		0x02
#define MB_SER_READ_LOG		0x03
#define MB_SER_ERROR		0x7F
#define MB_SER_REPLY		0x80
#define MB_SER_HELLO_LEN	80
#define MB_SER_MAX_REQ		64
/* Largest reply payload we accept: the kernel's max_payload plus headroom. */
#define MB_SER_MAX_REPLY	(1u << 20)

struct mb_serial;

/**
 * struct mb_serial_hello - the HELLO reply
 * @proto_version: 1
 * @boot_state: MB_BOOT_STATE_*
 * @evlog_addr: physical address of the log header
 * @evlog_bytes: size of the whole log area
 * @memblock_addr: physical address of struct memblock
 * @records_written: records in the log
 * @max_payload: largest reply payload the kernel sends
 * @build_id_len: valid bytes of @build_id
 * @build_id: the kernel's GNU build-id
 */
struct mb_serial_hello {
	uint32_t proto_version;
	uint32_t boot_state;
	uint64_t evlog_addr;
	uint64_t evlog_bytes;
	uint64_t memblock_addr;
	uint64_t records_written;
	uint32_t max_payload;
	uint32_t build_id_len;
	uint8_t build_id[32];
};

/**
 * struct mb_serial_stats - counters for tests and diagnostics
 * @frames_sent: requests written (retries included)
 * @frames_received: frames with a good CRC
 * @bad_crc: frames dropped for a CRC mismatch
 * @retries: requests sent again (HELLO polls not included)
 * @polls: HELLOs sent again while waiting for the kernel to listen
 * @skipped_bytes: bytes skipped while looking for a sync
 * @stale: good frames with another tag (answers to abandoned requests)
 * @stream_bytes: bytes of good frames, sync to CRC
 * @stream_ns: time from each good frame's first byte arriving to its last:
 *   @stream_bytes / @stream_ns is the link's raw rate, turnarounds excluded
 */
struct mb_serial_stats {
	uint64_t frames_sent;
	uint64_t frames_received;
	uint64_t bad_crc;
	uint64_t retries;
	uint64_t polls;
	uint64_t skipped_bytes;
	uint64_t stale;
	uint64_t stream_bytes;
	uint64_t stream_ns;
};

struct mb_serial *mb_serial_connect(const char *path, int timeout_ms, struct mb_error *err);
struct mb_serial *mb_serial_open_fd(int fd, int timeout_ms, struct mb_error *err);
void mb_serial_close(struct mb_serial *s);
void mb_serial_set_timeout(struct mb_serial *s, int timeout_ms);
const struct mb_serial_stats *mb_serial_stats(const struct mb_serial *s);
int mb_serial_hello(struct mb_serial *s, struct mb_serial_hello *h, int timeout_ms,
		    struct mb_error *err);
int mb_serial_read_mem(struct mb_serial *s, uint64_t addr, void *buf, size_t len,
		       struct mb_error *err);
int mb_serial_read_log(struct mb_serial *s, uint64_t from_seq, uint32_t max_records,
		       void *out, uint64_t *first_seq, uint32_t *count, struct mb_error *err);
uint32_t mb_crc32(uint32_t crc, const void *buf, size_t len);
size_t mb_serial_frame(uint8_t *out, uint8_t type, uint16_t tag, const void *payload,
		       uint32_t len);
struct mb_transport *mb_serial_transport(struct mb_serial *s);
int mb_serial_prefetch(struct mb_serial *s, const uint64_t *addr, const uint32_t *len, int n);
bool mb_serial_take_cached(struct mb_serial *s, uint64_t addr, void *buf, size_t len);

#endif /* MBAGENT_SERIAL_H */
