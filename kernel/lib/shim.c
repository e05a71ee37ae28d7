// SPDX-License-Identifier: GPL-2.0-only
/* shim.c - the freestanding side of mb_shim.h: panic, timestamps, identity map. */
#include "mb_shim.h"
#include "mb_evlog.h"
#include "kern/lib.h"
#include "kern/arch.h"

/**
 * mb_shim_panic() - memblock hit a fatal condition: report on COM1 and halt
 * @msg: the reason
 */
void mb_shim_panic(const char *msg)
{
	printk("Kernel panic - not syncing: %s\n", msg);
	mb_evlog_set_state(MB_BOOT_STATE_PANIC);
	printk("PANIC: boot state set to PANIC, halting\n");
	halt_forever();
}

/**
 * mb_shim_timestamp() - event-log timestamp
 *
 * Return: the TSC.
 */
uint64_t mb_shim_timestamp(void)
{
	return rdtsc();
}

/**
 * mb_shim_phys_to_virt() - physical to virtual: identity in this kernel
 * @phys: physical address
 * @size: length of the access (unused: every RAM byte is mapped)
 * @for_array: unused
 *
 * Return: the same address as a pointer.
 */
void *mb_shim_phys_to_virt(uint64_t phys, uint64_t size, bool for_array)
{
	return (void *)(uintptr_t)phys;
}

/**
 * mb_shim_virt_to_phys() - virtual to physical: identity in this kernel
 * @virt: pointer
 *
 * Return: the pointer's value.
 */
uint64_t mb_shim_virt_to_phys(const void *virt)
{
	return (uint64_t)(uintptr_t)virt;
}
