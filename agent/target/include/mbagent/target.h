/* SPDX-License-Identifier: GPL-2.0-only */
/* target.h - decoders of what the guest holds: our event log and struct memblock. */
#ifndef MBAGENT_TARGET_H
#define MBAGENT_TARGET_H

#include <stddef.h>
#include <stdint.h>
#include "mbagent/btf.h"
#include "mbagent/capture.h"
#include "mbagent/error.h"
#include "mbagent/transport.h"
#include "uapi/mb_evlog.h"

/* Region arrays longer than this are treated as corrupt. */
#define MB_MAX_REGIONS		(1u << 20)

/* Translate a target virtual address (e.g. memblock_type.regions) to physical. */
typedef uint64_t (*mb_v2p_fn)(uint64_t vaddr, void *ctx);

int mb_evlog_validate(const struct mb_evlog_header *h, uint64_t area_bytes,
		      struct mb_error *err);
int mb_evlog_read_header(struct mb_transport *t, uint64_t addr, uint64_t area_bytes,
			 struct mb_evlog_header *h, struct mb_error *err);
int mb_evlog_read_records(struct mb_transport *t, uint64_t addr,
			  const struct mb_evlog_header *h, struct mb_evlog_record **recs,
			  size_t *n, struct mb_error *err);

int mb_memblock_read(struct mb_transport *t, uint64_t addr, const struct mb_layout *l,
		     mb_v2p_fn v2p, void *ctx, struct mb_state *out, struct mb_error *err);

#endif /* MBAGENT_TARGET_H */
