// SPDX-License-Identifier: GPL-2.0-only
/* serial_server.c - serve the serial protocol (lib/serproto.c) on COM2 forever. */
#include "kern/server.h"
#include "kern/serproto.h"
#include "kern/arch.h"
#include "kern/lib.h"
#include "mb_evlog.h"
#include "memblock.h"
#include "kern/evlog_area.h"


static const struct boot_info *srv_bi;
static uint64_t srv_mapped_end;

static void srv_put(void *ctx, const void *buf, size_t len)
{
	const char *p = buf;

	while (len--)
		uart_putc(COM2_PORT, *p++);
}

/* Readable: wholly inside the union of e820 RAM ranges, below the direct map's end. */
static bool srv_mem_ok(void *ctx, uint64_t addr, uint64_t len)
{
	uint64_t end = addr + len;

	if (end < addr || end > srv_mapped_end)
		return false;
	for (uint32_t i = 0; i < srv_bi->nr_e820 && addr < end; i++) {
		const struct e820_entry *e = &srv_bi->e820[i];

		if (e->type != E820_TYPE_RAM)
			continue;
		if (addr >= e->addr && addr < e->addr + e->size)
			addr = e->addr + e->size;	/* covered up to here; e820 is sorted */
	}
	return addr >= end;
}

static const void *srv_mem_ptr(void *ctx, uint64_t addr)
{
	return (const void *)(uintptr_t)addr;
}

static uint32_t srv_state(void *ctx)
{
	return mb_evlog_header()->boot_state;
}

/**
 * serial_server_run() - answer protocol requests on COM2 forever
 * @bi: firmware hand-over (the RAM map bounds READ_MEM)
 * @mapped_end: end of the identity-mapped range
 * @build_id: the kernel's GNU build-id
 * @build_id_len: its length
 *
 * Sleeps in hlt between bytes: the COM2 receive interrupt (and a 100 Hz
 * PIT tick as a safety net) wakes it.
 */
void serial_server_run(const struct boot_info *bi, uint64_t mapped_end,
		       const uint8_t *build_id, uint32_t build_id_len)
{
	struct sp_target t = {
		.put = srv_put,
		.mem_ok = srv_mem_ok,
		.mem_ptr = srv_mem_ptr,
		.boot_state = srv_state,
		.evlog_addr = (uint64_t)(uintptr_t)&mb_evlog_area,
		.evlog_bytes = sizeof(mb_evlog_area),
		.memblock_addr = (uint64_t)(uintptr_t)&memblock,
		.evlog = &mb_evlog_area,
		.build_id = build_id,
		.build_id_len = build_id_len,
	};
	struct sp_rx rx;

	srv_bi = bi;
	srv_mapped_end = mapped_end;
	sp_rx_init(&rx);
	irq_init_com2();
	for (;;) {
		while (uart_can_read(COM2_PORT))
			sp_feed_and_serve(&t, &rx, uart_getc(COM2_PORT));
		irq_wait();
	}
}
