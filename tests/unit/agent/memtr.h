/* SPDX-License-Identifier: GPL-2.0-only */
/* memtr.h - an in-memory struct mb_transport for decoder tests. */
#ifndef MEMTR_H
#define MEMTR_H

#include <string.h>
#include "mbagent/transport.h"

struct memtr {
	struct mb_transport t;
	uint64_t base;
	uint8_t *mem;
	size_t size;
	size_t reads;
};

static int memtr_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		      struct mb_error *err)
{
	struct memtr *m = t->priv;

	m->reads++;
	if (addr < m->base || addr - m->base > m->size || len > m->size - (addr - m->base))
		return mb_error_set(err, MB_ERR_REMOTE, 0, addr, "outside fake memory: %#llx+%zu",
				    (unsigned long long)addr, len);
	memcpy(buf, m->mem + (addr - m->base), len);
	return 0;
}

static void memtr_close(struct mb_transport *t)
{
}

static const struct mb_transport_ops memtr_ops = {
	.name = "mem", .read = memtr_read, .close = memtr_close,
};

static inline void memtr_init(struct memtr *m, uint64_t base, void *mem, size_t size)
{
	m->t.ops = &memtr_ops;
	m->t.priv = m;
	m->base = base;
	m->mem = mem;
	m->size = size;
	m->reads = 0;
}

#endif /* MEMTR_H */
