/* SPDX-License-Identifier: GPL-2.0-only */
/* evlog_area.h - the event log's storage in the kernel image (symbol mb_evlog_area). */
#ifndef _KERN_EVLOG_AREA_H
#define _KERN_EVLOG_AREA_H

#include "mb_evlog.h"

#ifndef MB_EVLOG_CAPACITY
#define MB_EVLOG_CAPACITY 16384
#endif

/**
 * struct mb_evlog_area - the whole log as the host sees it
 * @header: struct mb_evlog_header (capacity <= MB_EVLOG_CAPACITY)
 * @records: the record slots
 */
struct mb_evlog_area {
	struct mb_evlog_header header;
	struct mb_evlog_record records[MB_EVLOG_CAPACITY];
};

/* Global and in .symtab: the agent and gdb find the log by this name. */
extern struct mb_evlog_area mb_evlog_area;

/*
 * Caller chains of the first MB_EVLOG_CHAIN_CAPACITY records (the header's
 * chain_addr points here; later records have none).
 */
#ifndef MB_EVLOG_CHAIN_CAPACITY
#define MB_EVLOG_CHAIN_CAPACITY 4096
#endif
extern struct mb_evlog_chain mb_evlog_chains[MB_EVLOG_CHAIN_CAPACITY];

#endif /* _KERN_EVLOG_AREA_H */
