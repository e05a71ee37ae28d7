/* SPDX-License-Identifier: GPL-2.0-only */
/* memblock_host.h - host-only helpers of the memblock core (kernel/mm/host_shim.c). */
#ifndef _MEMBLOCK_HOST_H
#define _MEMBLOCK_HOST_H

#include <stdint.h>

/*
 * On the host, "physical" addresses are just numbers.  Tests and replay may
 * back ranges of them with real buffers: memblock_alloc*() then returns a
 * pointer into the buffer and zeroes it.  Without a buffer memblock_alloc*()
 * returns the physical address cast to a pointer (never dereference it) and
 * skips zeroing.  Region arrays made by memblock_double_array() get host
 * memory of their own unless a registered buffer covers them; it is freed
 * when memblock replaces the array or memblock_reset_state() runs.
 */
void memblock_host_map(uint64_t phys, void *buf, uint64_t size);
/* Forget every registered buffer (not the array backings memblock owns). */
void memblock_host_unmap_all(void);
/* Number of host array backings currently allocated (for leak tests). */
unsigned long memblock_host_array_count(void);
/*
 * Replace abort() on memblock panic: @fn gets the message and must not
 * return (e.g. longjmp).  NULL restores print-and-abort.
 */
void memblock_host_set_panic_handler(void (*fn)(const char *msg));

#endif /* _MEMBLOCK_HOST_H */
