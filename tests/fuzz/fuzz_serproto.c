// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_serproto.c - libFuzzer: the kernel's COM2 request parser and handler, compiled for the host. */
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "kern/serproto.h"
#include "uapi/mb_evlog.h"

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

#define RAM_BYTES	(1u << 20)
#define EVLOG_AT	0x1000u
#define EVLOG_RECS	64u
#define OUT_MAX		(8u << 20)

static uint8_t ram[RAM_BYTES];
static uint8_t out[OUT_MAX];
static size_t out_len;
static bool out_overflow;

static void put(void *ctx, const void *buf, size_t len)
{
	if (len > OUT_MAX - out_len) {
		out_overflow = true;
		return;
	}
	memcpy(out + out_len, buf, len);
	out_len += len;
}

static bool mem_ok(void *ctx, uint64_t addr, uint64_t len)
{
	return addr < RAM_BYTES && len <= RAM_BYTES - addr;
}

static const void *mem_ptr(void *ctx, uint64_t addr)
{
	if (addr >= RAM_BYTES)
		abort();	/* the handler must ask mem_ok first */
	return ram + addr;
}

static uint32_t boot_state(void *ctx)
{
	return MB_BOOT_STATE_DONE;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* Every byte the kernel sent must be a sequence of well-formed reply frames. */
static void check_replies(void)
{
	size_t i = 0;

	while (i < out_len) {
		uint32_t len;

		if (out_len - i < 14 || out[i] != SP_SYNC0 || out[i + 1] != SP_SYNC1 ||
		    out[i + 2] != SP_VERSION)
			abort();
		len = le32(out + i + 6);
		if (len > SP_MAX_PAYLOAD + SP_LOG_HDR_LEN || out_len - i - 14 < len)
			abort();
		if (crc32_ieee(0, out + i + 2, 8 + len) != le32(out + i + 10 + len))
			abort();
		i += 14 + len;
	}
}

static void setup(void)
{
	struct mb_evlog_header *h = (struct mb_evlog_header *)(ram + EVLOG_AT);
	struct mb_evlog_record *r = (struct mb_evlog_record *)(ram + EVLOG_AT + sizeof(*h));
	uint32_t i;

	for (i = 0; i < RAM_BYTES; i++)
		ram[i] = (uint8_t)(i * 13 + (i >> 9));
	memset(h, 0, sizeof(*h));
	h->magic = MB_EVLOG_MAGIC;
	h->version = MB_EVLOG_VERSION;
	h->header_size = MB_EVLOG_HEADER_SIZE;
	h->record_size = MB_EVLOG_RECORD_SIZE;
	h->capacity = EVLOG_RECS;
	h->written = EVLOG_RECS - 3;
	for (i = 0; i < EVLOG_RECS; i++) {
		memset(&r[i], 0, sizeof(r[i]));
		r[i].seq = i;
	}
}

/*
 * The host's bytes: segments of raw bytes (kind bit 7: count follows) or
 * requests the harness frames with a correct CRC (version, type, tag, length
 * byte, payload), so the fuzzer gets past the checksum to the handlers.
 */
static void feed(const struct sp_target *t, struct sp_rx *rx, struct fz_in *in)
{
	uint8_t f[2 + SP_HDR_LEN + 255 + 4];

	while (in->left) {
		unsigned int kind = (unsigned int)fz_take(in, 1);
		size_t n, k, flen;
		uint32_t crc;

		if (kind & 0x80) {
			n = (size_t)fz_take(in, 1);
			for (k = 0; k < n && in->left; k++)
				sp_feed_and_serve(t, rx, (uint8_t)fz_take(in, 1));
			continue;
		}
		f[0] = SP_SYNC0;
		f[1] = SP_SYNC1;
		f[2] = (kind & 0x40) ? (uint8_t)fz_take(in, 1) : SP_VERSION;
		f[3] = (uint8_t)fz_take(in, 1);
		f[4] = (uint8_t)fz_take(in, 1);
		f[5] = (uint8_t)fz_take(in, 1);
		n = (size_t)fz_take(in, 1);
		f[6] = (uint8_t)n;
		f[7] = f[8] = f[9] = 0;
		for (k = 0; k < n; k++)
			f[10 + k] = (uint8_t)fz_take(in, 1);
		crc = crc32_ieee(0, f + 2, SP_HDR_LEN + n);
		flen = 10 + n;
		for (k = 0; k < 4; k++)
			f[flen++] = (uint8_t)(crc >> (8 * k));
		for (k = 0; k < flen; k++)
			sp_feed_and_serve(t, rx, f[k]);
	}
}

/**
 * LLVMFuzzerTestOneInput() - feed the input to the kernel's receiver and
 * handler; check that every reply is a well-formed frame
 * @data: fuzz input
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static bool ready;
	static const uint8_t bid[20] = { 1, 2, 3 };
	struct sp_target t = {
		.put = put, .mem_ok = mem_ok, .mem_ptr = mem_ptr, .boot_state = boot_state,
		.evlog_addr = EVLOG_AT, .evlog_bytes = MB_EVLOG_HEADER_SIZE +
			EVLOG_RECS * MB_EVLOG_RECORD_SIZE, .memblock_addr = 0x2000,
		.evlog = ram + EVLOG_AT, .build_id = bid, .build_id_len = sizeof(bid),
	};
	struct fz_in in = { data, size };
	struct sp_rx rx;

	if (!ready) {
		setup();
		ready = true;
	}
	if (size > 4096)
		return 0;
	out_len = 0;
	out_overflow = false;
	sp_rx_init(&rx);
	feed(&t, &rx, &in);
	if (rx.state > SP_S_CRC || rx.pos > SP_MAX_REQ_PAYLOAD)
		abort();
	if (!out_overflow)
		check_replies();
	return 0;
}
