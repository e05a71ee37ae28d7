/* SPDX-License-Identifier: GPL-2.0-only */
/* mb_evlog.h - kernel-side API of the memblock event log (kernel/mm/evlog.c). */
#ifndef _MB_EVLOG_H
#define _MB_EVLOG_H

#include "mb_shim.h"
#include "uapi/mb_evlog.h"

/*
 * The log is one contiguous buffer: struct mb_evlog_header followed by
 * capacity records.  The kernel passes a static buffer in its image (symbol
 * mb_evlog_area, size a build option); host tests pass a malloc'd one.
 * Before mb_evlog_init() every append is silently ignored.
 */
void mb_evlog_init(void *buf, size_t bytes);
struct mb_evlog_header *mb_evlog_header(void);
void mb_evlog_set_state(uint32_t state);
void mb_evlog_set_build_id(const uint8_t *id, uint32_t len);
void mb_evlog_set_tsc_hz(uint64_t hz);
void mb_evlog_set_memblock_addr(uint64_t phys);
/* Room for caller chains (one slot per record); see struct mb_evlog_chain. */
void mb_evlog_set_chain_area(void *buf, size_t bytes, uint64_t phys);
/* Append one record (seq and tsc are filled in); counts a drop when full. */
void mb_evlog_append(struct mb_evlog_record *rec);

#endif /* _MB_EVLOG_H */
