// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_btf.c - libFuzzer: the BTF layout loader (libbpf btf__new + mb_btf_layout) on mutated BTF. */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz_common.h"
#include "mbagent/btf.h"
#include "mbagent/target.h"

/* A field the loader accepted must lie inside its struct. */
#define check_field(f, struct_size) do {					\
		if ((f)->present && (uint64_t)(f)->off + (f)->size > (struct_size)) { \
			fprintf(stderr, "accepted %s at offset %u, %u bytes, in a %u-byte struct\n", \
				#f, (f)->off, (f)->size, (struct_size));	\
			abort();					\
		}							\
	} while (0)

/**
 * LLVMFuzzerTestOneInput() - parse the input as raw BTF, derive the memblock
 * layout, then decode a struct memblock with it from fake guest memory
 * @data: fuzz input
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t guest[8192];
	struct fz_mem m = { .base = 0, .data = guest, .len = sizeof(guest) };
	struct mb_transport t = { .ops = &fz_mem_ops, .priv = &m };
	struct mb_layout l;
	struct mb_error err;
	struct mb_state st;
	struct btf *btf;

	if (size > (1u << 20))
		return 0;
	btf = btf__new(data, (uint32_t)size);
	if (!btf)
		return 0;
	if (mb_btf_layout(btf, &l, &err) == 0) {
		check_field(&l.bottom_up, l.memblock_size);
		check_field(&l.current_limit, l.memblock_size);
		check_field(&l.memory, l.memblock_size);
		check_field(&l.reserved, l.memblock_size);
		check_field(&l.cnt, l.type_size);
		check_field(&l.max, l.type_size);
		check_field(&l.total_size, l.type_size);
		check_field(&l.regions, l.type_size);
		check_field(&l.name, l.type_size);
		check_field(&l.base, l.region_size);
		check_field(&l.size, l.region_size);
		check_field(&l.flags, l.region_size);
		check_field(&l.nid, l.region_size);
		/* All-zero guest memory: empty arrays, struct memblock read only. */
		memset(guest, 0, sizeof(guest));
		if (mb_memblock_read(&t, 0x100, &l, NULL, &st, &err) == 0)
			mb_state_clear(&st);
	}
	btf__free(btf);
	return 0;
}
