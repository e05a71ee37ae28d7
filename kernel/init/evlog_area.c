// SPDX-License-Identifier: GPL-2.0-only
/* evlog_area.c - the event log's storage inside the kernel image (symbol mb_evlog_area). */
#include "kern/evlog_area.h"

/* NOBITS (.bss.evlog): the loader zero-fills it; entry.S leaves it alone. */
struct mb_evlog_area mb_evlog_area __attribute__((aligned(64), section(".bss.evlog")));

/* Caller chains, one slot per record, in the same zero-filled section. */
struct mb_evlog_chain mb_evlog_chains[MB_EVLOG_CHAIN_CAPACITY]
	__attribute__((aligned(64), section(".bss.evlog")));
