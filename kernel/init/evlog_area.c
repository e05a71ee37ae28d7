// SPDX-License-Identifier: GPL-2.0-only
/* evlog_area.c - the event log's storage inside the kernel image (symbol mb_evlog_area). */
#include "mb_evlog.h"

#ifndef MB_EVLOG_CAPACITY
#define MB_EVLOG_CAPACITY 16384
#endif

/**
 * struct mb_evlog_area - the whole log as the host sees it
 * @header: struct mb_evlog_header (capacity == MB_EVLOG_CAPACITY)
 * @records: the record slots
 */
struct mb_evlog_area {
	struct mb_evlog_header header;
	struct mb_evlog_record records[MB_EVLOG_CAPACITY];
};

/* Global and in .symtab: the agent and gdb find the log by this name. */
struct mb_evlog_area mb_evlog_area __attribute__((aligned(64), section(".bss.evlog")));

/* Its size, for mb_evlog_init(). */
const size_t mb_evlog_area_size = sizeof(mb_evlog_area);
