/* SPDX-License-Identifier: GPL-2.0-only */
/* target.h - decoders of what the guest holds: our event log and struct memblock. */
#ifndef MBAGENT_TARGET_H
#define MBAGENT_TARGET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mbagent/btf.h"
#include "mbagent/capture.h"
#include "mbagent/error.h"
#include "mbagent/transport.h"
#include "uapi/mb_evlog.h"

/* Region arrays longer than this are treated as corrupt. */
#define MB_MAX_REGIONS		(1u << 20)

/*
 * Translate a regions pointer (a target virtual address) to the address the
 * transport reads: 0, or -1 if @vaddr is in no mapping the reader knows.
 */
typedef int (*mb_v2p_fn)(uint64_t vaddr, uint64_t *addr, void *ctx);

/**
 * struct mb_read_opts - how mb_memblock_read() reaches and checks the arrays
 * @v2p: translation of the regions pointers (NULL: identity)
 * @ctx: for @v2p
 * @ram_bytes: guest RAM size; the arrays must lie in it (0: unknown)
 * @in_flux: the target may be inside a memblock call (a watchpoint stop):
 *   skip the checks of order, overlap and empty regions
 */
struct mb_read_opts {
	mb_v2p_fn v2p;
	void *ctx;
	uint64_t ram_bytes;
	bool in_flux;
};

int mb_evlog_validate(const struct mb_evlog_header *h, uint64_t area_bytes,
		      struct mb_error *err);
int mb_evlog_read_header(struct mb_transport *t, uint64_t addr, uint64_t area_bytes,
			 struct mb_evlog_header *h, struct mb_error *err);
int mb_evlog_read_records(struct mb_transport *t, uint64_t addr,
			  const struct mb_evlog_header *h, struct mb_evlog_record **recs,
			  size_t *n, struct mb_error *err);
int mb_evlog_read_chains(struct mb_transport *t, const struct mb_evlog_header *h,
			 struct mb_evlog_chain **chains, size_t *n, struct mb_error *err);

int mb_memblock_read(struct mb_transport *t, uint64_t addr, const struct mb_layout *l,
		     const struct mb_read_opts *o, struct mb_state *out, struct mb_error *err);
int mb_memblock_check(const struct mb_state *st, struct mb_error *err);

#endif /* MBAGENT_TARGET_H */
