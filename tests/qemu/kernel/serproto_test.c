// SPDX-License-Identifier: GPL-2.0-only
/* serproto_test.c - host unit test of the kernel's serial-protocol parser and handler. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "kern/serproto.h"
#include "uapi/mb_evlog.h"

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

#define FAKE_RAM_BASE	0x100000ULL
#define FAKE_RAM_SIZE	(128 * 1024)
#define NR_RECORDS	1000

static uint8_t fake_ram[FAKE_RAM_SIZE];
static uint8_t *evlog_buf;
static uint8_t out[4 << 20];
static size_t out_len, out_pos;
static int failures;

#define CHECK(cond, ...) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "%s:%d: ", __FILE__, __LINE__);		\
		fprintf(stderr, __VA_ARGS__);				\
		fputc('\n', stderr);					\
		failures++;						\
	}								\
} while (0)

static void fake_put(void *ctx, const void *buf, size_t len)
{
	if (out_len + len > sizeof(out)) {
		fprintf(stderr, "reply buffer overflow\n");
		exit(1);
	}
	memcpy(out + out_len, buf, len);
	out_len += len;
}

static bool fake_mem_ok(void *ctx, uint64_t addr, uint64_t len)
{
	return addr >= FAKE_RAM_BASE && len <= FAKE_RAM_SIZE &&
	       addr - FAKE_RAM_BASE <= FAKE_RAM_SIZE - len;
}

static const void *fake_mem_ptr(void *ctx, uint64_t addr)
{
	return fake_ram + (addr - FAKE_RAM_BASE);
}

static uint32_t fake_state(void *ctx)
{
	return MB_BOOT_STATE_DONE;
}

static const uint8_t fake_id[20] = { 0xde, 0xad, 0xbe, 0xef, 1, 2, 3 };

static struct sp_target target = {
	.put = fake_put,
	.mem_ok = fake_mem_ok,
	.mem_ptr = fake_mem_ptr,
	.boot_state = fake_state,
	.evlog_addr = 0x200000,
	.memblock_addr = 0x10b080,
	.build_id = fake_id,
	.build_id_len = sizeof(fake_id),
};

/* One reply frame taken from the output buffer. */
struct reply {
	uint8_t type;
	uint16_t tag;
	uint32_t len;
	const uint8_t *payload;
};

static uint32_t rd32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t rd64(const uint8_t *p)
{
	return rd32(p) | (uint64_t)rd32(p + 4) << 32;
}

static int next_reply(struct reply *r)
{
	const uint8_t *f;

	if (out_pos + 14 > out_len)
		return 0;
	f = out + out_pos;
	if (f[0] != SP_SYNC0 || f[1] != SP_SYNC1 || f[2] != SP_VERSION) {
		fprintf(stderr, "malformed reply at %zu\n", out_pos);
		exit(1);
	}
	r->type = f[3];
	r->tag = f[4] | f[5] << 8;
	r->len = rd32(f + 6);
	if (out_pos + 14 + r->len > out_len) {
		fprintf(stderr, "truncated reply\n");
		exit(1);
	}
	r->payload = f + 10;
	if (crc32_ieee(0, f + 2, 8 + r->len) != rd32(f + 10 + r->len)) {
		fprintf(stderr, "reply with a bad CRC\n");
		exit(1);
	}
	out_pos += 14 + r->len;
	return 1;
}

static size_t make_frame(uint8_t *buf, uint8_t ver, uint8_t type, uint16_t tag,
			 const void *payload, uint32_t len)
{
	uint32_t crc;

	buf[0] = SP_SYNC0;
	buf[1] = SP_SYNC1;
	buf[2] = ver;
	buf[3] = type;
	buf[4] = tag;
	buf[5] = tag >> 8;
	for (int i = 0; i < 4; i++)
		buf[6 + i] = len >> (8 * i);
	if (len)
		memcpy(buf + 10, payload, len);
	crc = crc32_ieee(0, buf + 2, 8 + len);
	for (int i = 0; i < 4; i++)
		buf[10 + len + i] = crc >> (8 * i);
	return 14 + len;
}

static void feed(struct sp_rx *rx, const uint8_t *buf, size_t len)
{
	for (size_t i = 0; i < len; i++)
		sp_feed_and_serve(&target, rx, buf[i]);
}

static void send_req(struct sp_rx *rx, uint8_t type, uint16_t tag, const void *p, uint32_t len)
{
	uint8_t buf[128];

	feed(rx, buf, make_frame(buf, SP_VERSION, type, tag, p, len));
}

static void expect_error(uint16_t tag, uint32_t code)
{
	struct reply r;

	if (!next_reply(&r)) {
		CHECK(0, "no reply, expected error %u", code);
		return;
	}
	CHECK(r.type == SP_T_ERROR, "type 0x%x, expected error %u", r.type, code);
	CHECK(r.tag == tag, "error tag %u, expected %u", r.tag, tag);
	CHECK(r.len >= 5 && rd32(r.payload) == code, "error code %u, expected %u",
	      r.len >= 4 ? rd32(r.payload) : 0, code);
	CHECK(r.len <= 4 + 200 && r.payload[r.len - 1] == 0, "error message not terminated");
}

static void mem_req(uint8_t *p, uint64_t addr, uint32_t len)
{
	for (int i = 0; i < 8; i++)
		p[i] = addr >> (8 * i);
	for (int i = 0; i < 4; i++)
		p[8 + i] = len >> (8 * i);
}

static void test_crc(void)
{
	CHECK(crc32_ieee(0, "123456789", 9) == 0xcbf43926, "CRC-32 check value");
}

static void test_hello(struct sp_rx *rx)
{
	struct reply r;

	send_req(rx, SP_T_HELLO, 0x1234, NULL, 0);
	CHECK(next_reply(&r), "no HELLO reply");
	CHECK(r.type == 0x81 && r.tag == 0x1234 && r.len == SP_HELLO_LEN, "HELLO reply shape");
	CHECK(rd32(r.payload) == 1 && rd32(r.payload + 4) == MB_BOOT_STATE_DONE, "HELLO fields");
	CHECK(rd64(r.payload + 8) == 0x200000 && rd64(r.payload + 24) == 0x10b080, "HELLO addrs");
	CHECK(rd64(r.payload + 32) == NR_RECORDS, "HELLO records");
	CHECK(rd32(r.payload + 40) == SP_MAX_PAYLOAD && rd32(r.payload + 44) == 20, "HELLO sizes");
	CHECK(!memcmp(r.payload + 48, fake_id, 20), "HELLO build-id");
}

static void test_read_mem(struct sp_rx *rx)
{
	uint8_t p[12];
	struct reply r;

	mem_req(p, FAKE_RAM_BASE + 100, 300);
	send_req(rx, SP_T_READ_MEM, 1, p, 12);
	CHECK(next_reply(&r) && r.type == 0x82 && r.len == 300 &&
	      !memcmp(r.payload, fake_ram + 100, 300), "READ_MEM data");
	mem_req(p, FAKE_RAM_BASE, 65536);
	send_req(rx, SP_T_READ_MEM, 2, p, 12);
	CHECK(next_reply(&r) && r.type == 0x82 && r.len == 65536, "READ_MEM 64 KiB");
	mem_req(p, FAKE_RAM_BASE + FAKE_RAM_SIZE - 10, 11);
	send_req(rx, SP_T_READ_MEM, 3, p, 12);
	expect_error(3, SP_E_ADDRESS);
	mem_req(p, UINT64_MAX - 3, 16);
	send_req(rx, SP_T_READ_MEM, 4, p, 12);
	expect_error(4, SP_E_ADDRESS);
	mem_req(p, FAKE_RAM_BASE, 0);
	send_req(rx, SP_T_READ_MEM, 5, p, 12);
	expect_error(5, SP_E_ARGS);
	mem_req(p, FAKE_RAM_BASE, 65537);
	send_req(rx, SP_T_READ_MEM, 6, p, 12);
	expect_error(6, SP_E_ARGS);
	send_req(rx, SP_T_READ_MEM, 7, p, 11);
	expect_error(7, SP_E_LENGTH);
}

static void test_read_log(struct sp_rx *rx)
{
	uint8_t p[12];
	struct reply r;

	mem_req(p, 0, 5);			/* from_seq 0, max 5 */
	send_req(rx, SP_T_READ_LOG, 8, p, 12);
	CHECK(next_reply(&r) && r.type == 0x83 && r.len == 16 + 5 * 96, "READ_LOG 5");
	CHECK(rd64(r.payload) == 0 && rd32(r.payload + 8) == 5 && rd32(r.payload + 12) == 0,
	      "READ_LOG header");
	CHECK(rd64(r.payload + 16 + 96) == 1, "READ_LOG record seq");
	mem_req(p, 10, 100000);		/* capped by the payload limit */
	send_req(rx, SP_T_READ_LOG, 9, p, 12);
	CHECK(next_reply(&r) && r.type == 0x83 && rd32(r.payload + 8) == 682 &&
	      r.len == 16 + 682 * 96 && rd64(r.payload + 16) == 10, "READ_LOG capped at 682");
	mem_req(p, NR_RECORDS - 3, 100);
	send_req(rx, SP_T_READ_LOG, 10, p, 12);
	CHECK(next_reply(&r) && rd32(r.payload + 8) == 3, "READ_LOG tail");
	mem_req(p, NR_RECORDS, 100);
	send_req(rx, SP_T_READ_LOG, 11, p, 12);
	CHECK(next_reply(&r) && r.type == 0x83 && rd32(r.payload + 8) == 0 && r.len == 16,
	      "READ_LOG past the end");
	mem_req(p, UINT64_MAX, 100);
	send_req(rx, SP_T_READ_LOG, 12, p, 12);
	CHECK(next_reply(&r) && rd32(r.payload + 8) == 0, "READ_LOG huge from_seq");
	send_req(rx, SP_T_READ_LOG, 13, p, 3);
	expect_error(13, SP_E_LENGTH);
}

static void test_faults(struct sp_rx *rx)
{
	uint8_t buf[256];
	size_t n;
	struct reply r;

	/* bad CRC: answered with the received tag */
	n = make_frame(buf, SP_VERSION, SP_T_HELLO, 21, NULL, 0);
	buf[n - 1] ^= 0x40;
	feed(rx, buf, n);
	expect_error(21, SP_E_CRC);
	/* bad version, unknown type, a reply type sent as a request */
	feed(rx, buf, make_frame(buf, 2, SP_T_HELLO, 22, NULL, 0));
	expect_error(22, SP_E_VERSION);
	send_req(rx, 0x55, 23, NULL, 0);
	expect_error(23, SP_E_TYPE);
	send_req(rx, 0x81, 24, NULL, 0);
	expect_error(24, SP_E_TYPE);
	/* oversized length: answered right after the header, no payload awaited */
	memcpy(buf, "\xa5\x5a\x01\x01\x19\x00\xff\xff\xff\xff", 10);
	feed(rx, buf, 10);
	expect_error(25, SP_E_LENGTH);
	memcpy(buf, "\xa5\x5a\x01\x02\x1a\x00\x41\x00\x00\x00", 10);	/* 65 bytes */
	feed(rx, buf, 10);
	expect_error(26, SP_E_LENGTH);
	/* a maximal (64-byte) payload is accepted and then judged by type */
	memset(buf + 100, 0x11, 64);
	send_req(rx, SP_T_READ_MEM, 27, buf + 100, 64);
	expect_error(27, SP_E_LENGTH);
	/* sync bytes inside garbage, doubled 0xA5 */
	n = make_frame(buf + 3, SP_VERSION, SP_T_HELLO, 28, NULL, 0);
	buf[0] = 0x5a;
	buf[1] = 0xa5;
	buf[2] = 0xa5;
	buf[3] = 0xa5;		/* make_frame wrote 0xa5 here already */
	feed(rx, buf, n + 3);
	CHECK(next_reply(&r) && r.type == 0x81 && r.tag == 28, "resync on A5 A5 5A");
	/* byte-by-byte delivery: no reply until the last byte */
	n = make_frame(buf, SP_VERSION, SP_T_HELLO, 29, NULL, 0);
	for (size_t i = 0; i < n; i++) {
		size_t before = out_len;

		sp_feed_and_serve(&target, rx, buf[i]);
		CHECK((out_len != before) == (i == n - 1), "reply at byte %zu of %zu", i, n);
	}
	CHECK(next_reply(&r) && r.tag == 29, "byte-by-byte HELLO");
}

static void test_garbage(struct sp_rx *rx)
{
	uint8_t zeros[80] = { 0 };
	struct reply r;
	int last_tag = -1;

	srand(12345);
	for (int round = 0; round < 200; round++) {
		uint8_t junk[2000];

		for (size_t i = 0; i < sizeof(junk); i++)
			junk[i] = rand() & 0xff;
		if (round & 1) {	/* valid framing, random type/payload */
			uint8_t p[64];
			uint32_t len = rand() % 65;

			for (uint32_t i = 0; i < len; i++)
				p[i] = rand();
			send_req(rx, rand() & 0xff, round, p, len);
		} else {
			feed(rx, junk, sizeof(junk));
		}
	}
	while (next_reply(&r))
		;
	/* flush any half-received frame (payload <= 64 + CRC), then one HELLO */
	feed(rx, zeros, sizeof(zeros));
	send_req(rx, SP_T_HELLO, 4242, NULL, 0);
	while (next_reply(&r))
		last_tag = r.tag;
	CHECK(last_tag == 4242, "HELLO after garbage not answered last (tag %d)", last_tag);
}

int main(void)
{
	struct mb_evlog_header *h;
	struct mb_evlog_record *rec;
	struct sp_rx rx;
	size_t bytes = sizeof(*h) + NR_RECORDS * sizeof(*rec);

	evlog_buf = calloc(1, bytes);
	if (!evlog_buf)
		return 1;
	h = (struct mb_evlog_header *)evlog_buf;
	h->magic = MB_EVLOG_MAGIC;
	h->version = MB_EVLOG_VERSION;
	h->header_size = sizeof(*h);
	h->record_size = sizeof(*rec);
	h->capacity = NR_RECORDS;
	h->written = NR_RECORDS;
	rec = (struct mb_evlog_record *)(evlog_buf + sizeof(*h));
	for (int i = 0; i < NR_RECORDS; i++)
		rec[i].seq = i;
	for (size_t i = 0; i < sizeof(fake_ram); i++)
		fake_ram[i] = (uint8_t)(i * 7);
	target.evlog = h;
	target.evlog_bytes = bytes;

	sp_rx_init(&rx);
	test_crc();
	test_hello(&rx);
	test_read_mem(&rx);
	test_read_log(&rx);
	test_faults(&rx);
	test_garbage(&rx);
	CHECK(!next_reply(&(struct reply){ 0 }), "unexpected extra reply");
	free(evlog_buf);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
