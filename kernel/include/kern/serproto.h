/* SPDX-License-Identifier: GPL-2.0-only */
/* serproto.h - COM2 serial protocol v1: frame parser and request handler (no hardware access). */
#ifndef _KERN_SERPROTO_H
#define _KERN_SERPROTO_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#define SP_SYNC0		0xa5
#define SP_SYNC1		0x5a
#define SP_VERSION		1
#define SP_HDR_LEN		8	/* version, type, tag, length (after the sync) */
#define SP_MAX_REQ_PAYLOAD	64
#define SP_MAX_PAYLOAD		65536

#define SP_T_HELLO		0x01
#define SP_T_READ_MEM		0x02
#define SP_T_READ_LOG		0x03
#define SP_T_REPLY		0x80
#define SP_T_ERROR		0x7f

#define SP_E_CRC		1
#define SP_E_VERSION		2
#define SP_E_TYPE		3
#define SP_E_LENGTH		4
#define SP_E_ADDRESS		5
#define SP_E_ARGS		6

#define SP_HELLO_LEN		80
#define SP_LOG_HDR_LEN		16

enum sp_state {
	SP_S_SYNC0,
	SP_S_SYNC1,
	SP_S_HEADER,
	SP_S_PAYLOAD,
	SP_S_CRC,
};

/**
 * struct sp_frame - one complete, CRC-checked request
 * @version: version byte as received
 * @type: request type
 * @tag: tag to echo
 * @len: payload length
 * @payload: payload bytes
 */
struct sp_frame {
	uint8_t version;
	uint8_t type;
	uint16_t tag;
	uint32_t len;
	uint8_t payload[SP_MAX_REQ_PAYLOAD];
};

/**
 * struct sp_rx - receiver state machine
 * @state: enum sp_state
 * @pos: bytes collected in the current state
 * @hdr: header bytes
 * @crc: received CRC bytes
 * @frame: frame being assembled
 */
struct sp_rx {
	enum sp_state state;
	uint32_t pos;
	uint8_t hdr[SP_HDR_LEN];
	uint8_t crc[4];
	struct sp_frame frame;
};

/* Results of sp_rx_feed(). */
#define SP_RX_MORE	0	/* need more bytes */
#define SP_RX_FRAME	1	/* a frame with a good CRC is in rx->frame */
#define SP_RX_ERROR	2	/* reply with error *err_code, tag rx->frame.tag */

void sp_rx_init(struct sp_rx *rx);
int sp_rx_feed(struct sp_rx *rx, uint8_t byte, uint32_t *err_code);

/**
 * struct sp_target - what the handler serves, and how it talks
 * @put: write reply bytes to the link
 * @ctx: passed to the callbacks
 * @mem_ok: is [addr, addr + len) readable RAM?
 * @mem_ptr: pointer to read physical @addr from
 * @boot_state: current MB_BOOT_STATE_*
 * @evlog_addr: physical address of the log header
 * @evlog_bytes: size of the whole log area
 * @memblock_addr: physical address of struct memblock
 * @evlog: the log header (records follow at header_size)
 * @build_id: kernel build-id
 * @build_id_len: its length
 */
struct sp_target {
	void (*put)(void *ctx, const void *buf, size_t len);
	void *ctx;
	bool (*mem_ok)(void *ctx, uint64_t addr, uint64_t len);
	const void *(*mem_ptr)(void *ctx, uint64_t addr);
	uint32_t (*boot_state)(void *ctx);
	uint64_t evlog_addr;
	uint64_t evlog_bytes;
	uint64_t memblock_addr;
	const void *evlog;
	const uint8_t *build_id;
	uint32_t build_id_len;
};

void sp_send_error(const struct sp_target *t, uint16_t tag, uint32_t code, const char *msg);
void sp_handle(const struct sp_target *t, const struct sp_frame *req);
void sp_feed_and_serve(const struct sp_target *t, struct sp_rx *rx, uint8_t byte);

#endif /* _KERN_SERPROTO_H */
