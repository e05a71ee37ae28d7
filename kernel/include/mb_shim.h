/* SPDX-License-Identifier: GPL-2.0-only */
/* mb_shim.h - the only freestanding/host difference memblock.c and evlog.c see. */
#ifndef _MB_SHIM_H
#define _MB_SHIM_H

/*
 * kernel/mm/memblock.c and kernel/mm/evlog.c include this header and nothing
 * else from the environment.  Freestanding builds (-DMB_FREESTANDING, the
 * test kernel) get the declarations below and the kernel implements them in
 * kernel/lib/.  Host builds map them onto libc and the host support file
 * kernel/mm/host_shim.c.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>
#include <limits.h>

#ifdef MB_FREESTANDING
void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int mb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
#else
#include <string.h>
#include <stdio.h>
#define mb_vsnprintf vsnprintf
#endif

/*
 * A function kept whole at one address: not inlined, and (GCC) not cloned
 * into specialised copies, so the return addresses it leaves are inside the
 * symbol that kallsyms names.  clang never clones and has no such attribute.
 */
#ifdef __clang__
#define mb_keep_whole __attribute__((noinline))
#else
#define mb_keep_whole __attribute__((noinline, noclone))
#endif

/* Stop forever (kernel: report on COM1 and halt; host: print and abort()). */
void mb_shim_panic(const char *msg) __attribute__((noreturn));

/* Current timestamp for the event log (kernel: rdtsc; host: 0). */
uint64_t mb_shim_timestamp(void);

/*
 * Physical to virtual for memory memblock itself writes: the doubled region
 * arrays and the zeroing done by memblock_alloc*().  Kernel: identity map.
 * Host: a table of host buffers registered by tests/replay; may return NULL
 * for zeroing (then zeroing is skipped), never for region arrays.
 */
void *mb_shim_phys_to_virt(uint64_t phys, uint64_t size, bool for_array);
uint64_t mb_shim_virt_to_phys(const void *virt);

/*
 * memblock no longer uses a region array it got from mb_shim_phys_to_virt(..,
 * true) (the array was doubled again, or memblock_reset_state() ran).  The
 * host frees the backing it allocated; the kernel has nothing to do, so the
 * freestanding build gets an empty inline and the kernel need not provide it.
 */
#ifdef MB_FREESTANDING
static inline void mb_shim_array_release(void *virt, uint64_t size)
{
	(void)virt;
	(void)size;
}
#else
void mb_shim_array_release(void *virt, uint64_t size);
#endif

#define MB_CALLER() ((uint64_t)(uintptr_t)__builtin_return_address(0))

/*
 * Collect the caller chain of the running call: follow the saved frame
 * pointers outwards from the caller of this function, skip frames until the
 * one returning to @from_ret, then store that return address and the ones
 * above it (at most @max). Kernel: walks its own boot stack (built with frame
 * pointers). Host: no walk, returns 0.
 */
#ifdef MB_FREESTANDING
size_t mb_shim_stack_chain(uint64_t from_ret, uint64_t *out, size_t max);
#else
static inline size_t mb_shim_stack_chain(uint64_t from_ret, uint64_t *out, size_t max)
{
	(void)from_ret;
	(void)out;
	(void)max;
	return 0;
}
#endif

#endif /* _MB_SHIM_H */
