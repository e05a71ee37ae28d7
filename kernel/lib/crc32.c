// SPDX-License-Identifier: GPL-2.0-only
/* crc32.c - CRC-32/IEEE, table driven. Builds for the host and the kernel. */
#include <stddef.h>
#include <stdint.h>

uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

static uint32_t crc_table[256];
static int crc_table_ready;

static void crc_table_init(void)
{
	for (uint32_t i = 0; i < 256; i++) {
		uint32_t c = i;

		for (int k = 0; k < 8; k++)
			c = (c >> 1) ^ (0xedb88320u & -(c & 1));
		crc_table[i] = c;
	}
	crc_table_ready = 1;
}

/**
 * crc32_ieee() - update a CRC-32/IEEE
 * @crc: running value; start with 0
 * @buf: bytes
 * @len: count
 *
 * Reflected polynomial 0xEDB88320, init 0xFFFFFFFF, final xor 0xFFFFFFFF:
 * crc32_ieee(0, "123456789", 9) == 0xCBF43926. Chain calls by passing the
 * previous result.
 *
 * Return: the CRC of everything passed so far.
 */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	if (!crc_table_ready)
		crc_table_init();
	crc = ~crc;
	while (len--)
		crc = (crc >> 8) ^ crc_table[(crc ^ *p++) & 0xff];
	return ~crc;
}
