/* SPDX-License-Identifier: GPL-2.0-only */
/* dump_text.h - the "MEMBLOCK configuration:" text of a state, as Linux's memblock_dump_all() prints it. */
#ifndef MBAGENT_DUMP_TEXT_H
#define MBAGENT_DUMP_TEXT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "mbagent/capture.h"

/* What mb_dump_text() prints (struct mb_dump_opts.what). */
#define MB_DUMP_HEADER		0x1	/* "MEMBLOCK configuration:" and the two sizes */
#define MB_DUMP_MEMORY		0x2	/* the memory array's lines */
#define MB_DUMP_RESERVED	0x4	/* the reserved array's lines */
#define MB_DUMP_ALL		(MB_DUMP_HEADER | MB_DUMP_MEMORY | MB_DUMP_RESERVED)

/* Linux's MAX_NUMNODES on x86-64 (CONFIG_NODES_SHIFT 10). */
#define MB_DUMP_MAX_NUMNODES	1024

/**
 * struct mb_dump_opts - how mb_dump_text() prints a state
 * @what: MB_DUMP_* bits
 * @addr_bits: width of the target's phys_addr_t (64 or 32): addresses are
 *   printed as %pa prints them, two hex digits per byte
 * @max_numnodes: a region's node is printed (" on node N") only when
 *   0 <= N < @max_numnodes, as Linux's numa_valid_node() decides
 * @memory_name: name of the memory array (the type's ->name), NULL: "memory"
 * @reserved_name: likewise, NULL: "reserved"
 */
struct mb_dump_opts {
	uint32_t what;
	uint32_t addr_bits;
	uint32_t max_numnodes;
	const char *memory_name;
	const char *reserved_name;
};

int mb_dump_text(FILE *f, const struct mb_state *st, const struct mb_dump_opts *o);
size_t mb_dump_text_buf(char *buf, size_t len, const struct mb_state *st,
			const struct mb_dump_opts *o);
size_t mb_dump_region_buf(char *buf, size_t len, const struct mb_region_rec *r,
			  const struct mb_dump_opts *o);

#endif /* MBAGENT_DUMP_TEXT_H */
