/* SPDX-License-Identifier: GPL-2.0-only */
/* linux_trace.h - record every memblock call of a stock Linux boot through QEMU's gdbstub. */
#ifndef MBAGENT_LINUX_TRACE_H
#define MBAGENT_LINUX_TRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mbagent/capture.h"
#include "mbagent/error.h"
#include "mbagent/linux.h"
#include "mbagent/rsp.h"

/* Defaults of struct mb_linux_trace_opts. */
#define MB_TRACE_DEFAULT_MAX_HITS	200000u		/* per entry point */
#define MB_TRACE_DEFAULT_MAX_EVENTS	1000000u
#define MB_TRACE_MAX_FRAMES		16

/**
 * struct mb_linux_trace_opts - limits of one trace (0 = default)
 * @max_hits: stop with an error when one entry point is hit more often
 * @max_events: stop with an error when the trace grows past this many events
 * @max_frames: caller frames kept per event (at most MB_TRACE_MAX_FRAMES)
 * @stack_bytes: bytes of stack read at each entry for the unwinder (64..2048)
 */
struct mb_linux_trace_opts {
	unsigned long max_hits;
	size_t max_events;
	unsigned int max_frames;
	size_t stack_bytes;
};

/**
 * struct mb_linux_trace_io - how the tracer talks to the guest
 * @rsp: the gdbstub connection (target stopped, before the kernel runs)
 * @phys: m packets read physical memory (translate kernel addresses first)
 * @wait: block until the running target stops; fails (with the reason) when
 *   QEMU exits, the deadline passes or the console cannot be read
 * @ctx: for @wait
 */
struct mb_linux_trace_io {
	struct mb_rsp *rsp;
	bool phys;
	int (*wait)(void *ctx, struct mb_rsp_stop *stop, struct mb_error *err);
	void *ctx;
};

/**
 * struct mb_linux_trace_stats - what one trace cost and saw
 * @stops: stops handled (entries, returns and ignored passes)
 * @entries: entry stops
 * @returns: return stops matched to a call
 * @passes: return-site stops that matched no pending call
 * @traced: entry points with a breakpoint
 * @return_sites: return breakpoints inserted (each removed when its call returns)
 * @synthesized: events made from direct writes to struct memblock
 * @chains_multi: events whose caller chain has two frames or more
 */
struct mb_linux_trace_stats {
	uint64_t stops;
	uint64_t entries;
	uint64_t returns;
	uint64_t passes;
	unsigned int traced;
	unsigned int return_sites;
	uint64_t synthesized;
	uint64_t chains_multi;
};

/**
 * mb_linux_trace() - run a stopped guest to @stop_addr, recording every memblock call
 * @io: the connection and the wait callback
 * @img: the kernel image (BTF for prototypes, bytes for call-site checks)
 * @ks: the image's kallsyms tables (entry points and caller symbols)
 * @mb: virtual address of struct memblock
 * @stop_addr: the read point (entry of memblock_free_all by default); the
 *   call there is recorded too, without a result
 * @to: limits (NULL: defaults)
 * @c: receives events, symbols, the initial state (read at the first stop)
 *   and metadata ("trace_entry_points", "trace_missing", "trace_args",
 *   "trace_unwinder", "trace_stats")
 * @final: receives the arrays read at @stop_addr
 * @stats: receives counters (may be NULL)
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set; on failure @c may hold a partial trace
 * that the caller must not write out.
 */
int mb_linux_trace(const struct mb_linux_trace_io *io, const struct mb_linux_image *img,
		   const struct mb_linux_kallsyms *ks, uint64_t mb, uint64_t stop_addr,
		   const struct mb_linux_trace_opts *to, struct mb_capture *c,
		   struct mb_state *final, struct mb_linux_trace_stats *stats,
		   struct mb_error *err);

/**
 * mb_linux_symbolize() - "func+0xoff/0xlen" for a kernel text address
 * @ks: kallsyms tables
 * @addr: the address
 * @name: receives the function name
 * @name_cap: size of @name
 * @off: receives the offset into the function
 * @len: receives the distance to the next symbol
 *
 * Return: 0, or -1 if no text symbol covers @addr.
 */
int mb_linux_symbolize(const struct mb_linux_kallsyms *ks, uint64_t addr, char *name,
		       size_t name_cap, uint64_t *off, uint64_t *len);

size_t mb_linux_trace_check_console(const struct mb_capture *trace, const struct mb_capture *con,
				    char *out, size_t cap);

/* Text symbols of the kallsyms tables in address order: see linux_kallsyms.c. */
uint32_t mb_linux_kallsyms_text(const struct mb_linux_kallsyms *k, uint32_t i, const char **name,
				uint64_t *addr);

#endif /* MBAGENT_LINUX_TRACE_H */
