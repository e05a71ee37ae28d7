// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_evlog.c - libFuzzer: event-log header/records and struct memblock as a hostile guest writes them. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

#include "fuzz_common.h"
#include "memblock.h"
#include "mbagent/target.h"

#define FZ_BASE 0x100000ULL

/* Our kernel's layout (x86-64), as its BTF describes it. */
static void kernel_layout(struct mb_layout *l)
{
	memset(l, 0, sizeof(*l));
	l->memblock_size = sizeof(struct memblock);
	l->type_size = sizeof(struct memblock_type);
	l->region_size = sizeof(struct memblock_region);
#define F(dst, type, member) do {						\
		l->dst.off = offsetof(struct type, member);			\
		l->dst.size = sizeof(((struct type *)0)->member);		\
		l->dst.present = true;						\
	} while (0)
	F(bottom_up, memblock, bottom_up);
	F(current_limit, memblock, current_limit);
	F(memory, memblock, memory);
	F(reserved, memblock, reserved);
	F(cnt, memblock_type, cnt);
	F(max, memblock_type, max);
	F(total_size, memblock_type, total_size);
	F(regions, memblock_type, regions);
	F(name, memblock_type, name);
	F(base, memblock_region, base);
	F(size, memblock_region, size);
	F(flags, memblock_region, flags);
	F(nid, memblock_region, nid);
#undef F
}

/**
 * LLVMFuzzerTestOneInput() - the input is guest memory at FZ_BASE holding a
 * log header (its memblock_addr names struct memblock, also in the input)
 * @data: fuzz input
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fz_mem m = { .base = FZ_BASE, .data = data, .len = size };
	struct mb_transport t = { .ops = &fz_mem_ops, .priv = &m };
	struct mb_evlog_record *recs = NULL;
	struct mb_evlog_header h;
	struct mb_layout l;
	struct mb_state st;
	struct mb_error err;
	size_t n = 0, i;

	if (mb_evlog_read_header(&t, FZ_BASE, size, &h, &err))
		return 0;
	if (mb_evlog_read_records(&t, FZ_BASE, &h, &recs, &n, &err) == 0) {
		if (n > h.written)
			abort();
		for (i = 0; i < n; i++)
			if (recs[i].seq != i)
				abort();
		free(recs);
	}
	kernel_layout(&l);
	if (mb_memblock_read(&t, h.memblock_addr, &l, NULL, &st, &err) == 0) {
		if (st.memory.cnt > st.memory.max || st.reserved.cnt > st.reserved.max)
			abort();
		for (i = 0; i < st.memory.cnt; i++)
			(void)st.memory.regions[i].base;
		mb_state_clear(&st);
	}
	return 0;
}
