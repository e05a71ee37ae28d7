/* SPDX-License-Identifier: GPL-2.0-only */
/* fuzz_common.h - helpers shared by the libFuzzer harnesses (in-memory transport, byte reader). */
#ifndef MB_FUZZ_COMMON_H
#define MB_FUZZ_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mbagent/transport.h"

/*
 * A transport over a byte buffer that plays guest-physical memory at
 * [base, base + len).  Reads that leave it fail like an unmapped range.
 */
struct fz_mem {
	uint64_t base;
	const uint8_t *data;
	size_t len;
	unsigned long reads;
};

static int fz_mem_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		       struct mb_error *err)
{
	struct fz_mem *m = t->priv;

	m->reads++;
	if (addr < m->base || addr - m->base > m->len || len > m->len - (addr - m->base))
		return mb_error_set(err, MB_ERR_REMOTE, 0, addr, "fuzz: %zu bytes at %#llx unmapped",
				    len, (unsigned long long)addr);
	memcpy(buf, m->data + (addr - m->base), len);
	return 0;
}

static void fz_mem_close(struct mb_transport *t)
{
}

static const struct mb_transport_ops fz_mem_ops = {
	.name = "fuzzmem",
	.read = fz_mem_read,
	.close = fz_mem_close,
};

/* Consume fuzz bytes as little-endian integers; zeros once exhausted. */
struct fz_in {
	const uint8_t *p;
	size_t left;
};

static inline uint64_t fz_take(struct fz_in *in, unsigned int bytes)
{
	uint64_t v = 0;
	unsigned int i;

	for (i = 0; i < bytes && in->left; i++, in->left--)
		v |= (uint64_t)*in->p++ << (8 * i);
	return v;
}

#endif /* MB_FUZZ_COMMON_H */
