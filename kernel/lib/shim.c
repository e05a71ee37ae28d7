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

/* The boot stack (entry.S): every frame memblock runs in lies inside it. */
extern char boot_stack[], boot_stack_top[];

/**
 * mb_shim_stack_chain() - the caller chain of the running call, by frame pointers
 * @from_ret: the return address to start at (the record's caller)
 * @out: receives up to @max return addresses, @from_ret first
 * @max: capacity of @out
 *
 * The kernel is built with frame pointers: each frame holds the caller's
 * %rbp at [%rbp] and the return address at [%rbp + 8]. The walk stays inside
 * the boot stack, needs each saved %rbp to lie higher than the last, and
 * ends at the zero %rbp entry.S starts with.
 *
 * Return: the number of addresses stored (0 if @from_ret was not found).
 */
size_t mb_shim_stack_chain(uint64_t from_ret, uint64_t *out, size_t max)
{
	uint64_t lo = (uint64_t)(uintptr_t)boot_stack, hi = (uint64_t)(uintptr_t)boot_stack_top;
	uint64_t fp = (uint64_t)(uintptr_t)__builtin_frame_address(0);
	bool found = false;
	size_t n = 0;

	while (fp >= lo && fp <= hi - 16 && !(fp & 7)) {
		const uint64_t *f = (const uint64_t *)(uintptr_t)fp;
		uint64_t next = f[0], ret = f[1];

		if (!found && from_ret && ret == from_ret)
			found = true;
		if (found) {
			if (!ret || n == max)
				break;
			out[n++] = ret;
		}
		if (next <= fp)
			break;
		fp = next;
	}
	return n;
}
