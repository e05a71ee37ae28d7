// SPDX-License-Identifier: GPL-2.0-only
/* serproto.c - COM2 serial protocol v1: receive state machine and request handler. */
#include "kern/serproto.h"
#ifdef MB_FREESTANDING
#include "kern/lib.h"
#else
#include <string.h>
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);
#endif
#include "uapi/mb_evlog.h"

static uint16_t get16(const uint8_t *p)
{
	return p[0] | (uint16_t)p[1] << 8;
}

static uint32_t get32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = v >> (8 * i);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

/**
 * sp_rx_init() - reset the receiver: hunt for a sync
 * @rx: receiver
 */
void sp_rx_init(struct sp_rx *rx)
{
	memset(rx, 0, sizeof(*rx));
	rx->state = SP_S_SYNC0;
}

static void sp_rx_resync(struct sp_rx *rx)
{
	rx->state = SP_S_SYNC0;
	rx->pos = 0;
}

/**
 * sp_rx_feed() - push one received byte through the state machine
 * @rx: receiver
 * @byte: the byte
 * @err_code: set to an SP_E_* code when SP_RX_ERROR is returned
 *
 * Bytes before a 0xA5 0x5A sync are skipped.  A length above
 * %SP_MAX_REQ_PAYLOAD is reported as soon as the header is complete (the
 * payload is never waited for) and the receiver resyncs.  A bad CRC is
 * reported with the tag as received.  The receiver never holds more than
 * one request and never fails to return to hunting for a sync.
 *
 * Return: SP_RX_MORE, SP_RX_FRAME (rx->frame is valid until the next call)
 * or SP_RX_ERROR (rx->frame.tag is the tag to answer).
 */
int sp_rx_feed(struct sp_rx *rx, uint8_t byte, uint32_t *err_code)
{
	struct sp_frame *f = &rx->frame;

	switch (rx->state) {
	case SP_S_SYNC0:
		if (byte == SP_SYNC0)
			rx->state = SP_S_SYNC1;
		return SP_RX_MORE;
	case SP_S_SYNC1:
		if (byte == SP_SYNC1) {
			rx->state = SP_S_HEADER;
			rx->pos = 0;
		} else if (byte != SP_SYNC0) {
			rx->state = SP_S_SYNC0;
		}
		return SP_RX_MORE;
	case SP_S_HEADER:
		rx->hdr[rx->pos++] = byte;
		if (rx->pos < SP_HDR_LEN)
			return SP_RX_MORE;
		f->version = rx->hdr[0];
		f->type = rx->hdr[1];
		f->tag = get16(rx->hdr + 2);
		f->len = get32(rx->hdr + 4);
		rx->pos = 0;
		if (f->len > SP_MAX_REQ_PAYLOAD) {
			sp_rx_resync(rx);
			*err_code = SP_E_LENGTH;
			return SP_RX_ERROR;
		}
		rx->state = f->len ? SP_S_PAYLOAD : SP_S_CRC;
		return SP_RX_MORE;
	case SP_S_PAYLOAD:
		f->payload[rx->pos++] = byte;
		if (rx->pos == f->len) {
			rx->state = SP_S_CRC;
			rx->pos = 0;
		}
		return SP_RX_MORE;
	case SP_S_CRC: {
		uint32_t crc;

		rx->crc[rx->pos++] = byte;
		if (rx->pos < 4)
			return SP_RX_MORE;
		sp_rx_resync(rx);
		crc = crc32_ieee(0, rx->hdr, SP_HDR_LEN);
		crc = crc32_ieee(crc, f->payload, f->len);
		if (crc != get32(rx->crc)) {
			*err_code = SP_E_CRC;
			return SP_RX_ERROR;
		}
		return SP_RX_FRAME;
	}
	}
	sp_rx_resync(rx);
	return SP_RX_MORE;
}

/* Reply writer: header, payload pieces, CRC over version..payload. */
struct sp_tx {
	const struct sp_target *t;
	uint32_t crc;
};

static void sp_tx_begin(struct sp_tx *tx, const struct sp_target *t, uint8_t type,
			uint16_t tag, uint32_t len)
{
	uint8_t h[2 + SP_HDR_LEN] = { SP_SYNC0, SP_SYNC1, SP_VERSION, type,
				      (uint8_t)tag, (uint8_t)(tag >> 8) };

	put32(h + 6, len);
	tx->t = t;
	tx->crc = crc32_ieee(0, h + 2, SP_HDR_LEN);
	t->put(t->ctx, h, sizeof(h));
}

static void sp_tx_data(struct sp_tx *tx, const void *buf, size_t len)
{
	tx->crc = crc32_ieee(tx->crc, buf, len);
	tx->t->put(tx->t->ctx, buf, len);
}

static void sp_tx_end(struct sp_tx *tx)
{
	uint8_t c[4];

	put32(c, tx->crc);
	tx->t->put(tx->t->ctx, c, 4);
}

/**
 * sp_send_error() - send an ERROR (0x7f) frame
 * @t: target
 * @tag: tag of the request answered
 * @code: SP_E_*
 * @msg: ASCII message (cut at 200 bytes), sent NUL-terminated
 */
void sp_send_error(const struct sp_target *t, uint16_t tag, uint32_t code, const char *msg)
{
	struct sp_tx tx;
	uint8_t c[4];
	size_t n = strlen(msg);

	if (n > 199)
		n = 199;
	put32(c, code);
	sp_tx_begin(&tx, t, SP_T_ERROR, tag, (uint32_t)(4 + n + 1));
	sp_tx_data(&tx, c, 4);
	sp_tx_data(&tx, msg, n);
	sp_tx_data(&tx, "", 1);
	sp_tx_end(&tx);
}

static void sp_hello(const struct sp_target *t, const struct sp_frame *req)
{
	const struct mb_evlog_header *h = t->evlog;
	uint8_t p[SP_HELLO_LEN];
	struct sp_tx tx;
	uint32_t idlen = t->build_id_len > 32 ? 32 : t->build_id_len;

	memset(p, 0, sizeof(p));
	put32(p + 0, SP_VERSION);
	put32(p + 4, t->boot_state(t->ctx));
	put64(p + 8, t->evlog_addr);
	put64(p + 16, t->evlog_bytes);
	put64(p + 24, t->memblock_addr);
	put64(p + 32, h ? h->written : 0);
	put32(p + 40, SP_MAX_PAYLOAD);
	put32(p + 44, idlen);
	if (idlen)
		memcpy(p + 48, t->build_id, idlen);
	sp_tx_begin(&tx, t, SP_T_HELLO | SP_T_REPLY, req->tag, sizeof(p));
	sp_tx_data(&tx, p, sizeof(p));
	sp_tx_end(&tx);
}

static void sp_read_mem(const struct sp_target *t, const struct sp_frame *req)
{
	uint64_t addr;
	uint32_t len;
	struct sp_tx tx;

	if (req->len != 12) {
		sp_send_error(t, req->tag, SP_E_LENGTH, "READ_MEM payload must be 12 bytes");
		return;
	}
	addr = get64(req->payload);
	len = get32(req->payload + 8);
	if (len == 0 || len > SP_MAX_PAYLOAD) {
		sp_send_error(t, req->tag, SP_E_ARGS, "READ_MEM length must be 1..65536");
		return;
	}
	if (addr + len < addr || !t->mem_ok(t->ctx, addr, len)) {
		sp_send_error(t, req->tag, SP_E_ADDRESS, "range is not mapped RAM");
		return;
	}
	sp_tx_begin(&tx, t, SP_T_READ_MEM | SP_T_REPLY, req->tag, len);
	sp_tx_data(&tx, t->mem_ptr(t->ctx, addr), len);
	sp_tx_end(&tx);
}

static void sp_read_log(const struct sp_target *t, const struct sp_frame *req)
{
	const struct mb_evlog_header *h = t->evlog;
	const uint8_t *recs;
	uint64_t from, written, count;
	uint32_t max;
	uint8_t p[SP_LOG_HDR_LEN];
	struct sp_tx tx;

	if (req->len != 12) {
		sp_send_error(t, req->tag, SP_E_LENGTH, "READ_LOG payload must be 12 bytes");
		return;
	}
	if (!h || h->magic != MB_EVLOG_MAGIC) {
		sp_send_error(t, req->tag, SP_E_ADDRESS, "event log not initialised");
		return;
	}
	from = get64(req->payload);
	max = get32(req->payload + 8);
	written = h->written;
	if (written > h->capacity)
		written = h->capacity;
	count = from < written ? written - from : 0;
	if (count > max)
		count = max;
	if (count > (SP_MAX_PAYLOAD - SP_LOG_HDR_LEN) / MB_EVLOG_RECORD_SIZE)
		count = (SP_MAX_PAYLOAD - SP_LOG_HDR_LEN) / MB_EVLOG_RECORD_SIZE;
	put64(p, from);
	put32(p + 8, (uint32_t)count);
	put32(p + 12, 0);
	recs = (const uint8_t *)h + h->header_size;
	sp_tx_begin(&tx, t, SP_T_READ_LOG | SP_T_REPLY, req->tag,
		    (uint32_t)(SP_LOG_HDR_LEN + count * MB_EVLOG_RECORD_SIZE));
	sp_tx_data(&tx, p, sizeof(p));
	if (count)
		sp_tx_data(&tx, recs + from * MB_EVLOG_RECORD_SIZE,
			   (size_t)count * MB_EVLOG_RECORD_SIZE);
	sp_tx_end(&tx);
}

/**
 * sp_handle() - answer one request that passed the CRC check
 * @t: target
 * @req: the request
 */
void sp_handle(const struct sp_target *t, const struct sp_frame *req)
{
	if (req->version != SP_VERSION) {
		sp_send_error(t, req->tag, SP_E_VERSION, "unsupported protocol version");
		return;
	}
	switch (req->type) {
	case SP_T_HELLO:
		sp_hello(t, req);
		break;
	case SP_T_READ_MEM:
		sp_read_mem(t, req);
		break;
	case SP_T_READ_LOG:
		sp_read_log(t, req);
		break;
	default:
		sp_send_error(t, req->tag, SP_E_TYPE, "unknown request type");
		break;
	}
}

/**
 * sp_feed_and_serve() - feed one byte; answer a request or an error if complete
 * @t: target
 * @rx: receiver
 * @byte: the byte
 */
void sp_feed_and_serve(const struct sp_target *t, struct sp_rx *rx, uint8_t byte)
{
	uint32_t code = 0;
	int r = sp_rx_feed(rx, byte, &code);

	if (r == SP_RX_FRAME)
		sp_handle(t, &rx->frame);
	else if (r == SP_RX_ERROR)
		sp_send_error(t, rx->frame.tag, code,
			      code == SP_E_CRC ? "bad crc" : "request payload too long");
}
