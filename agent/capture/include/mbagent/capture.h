/* SPDX-License-Identifier: GPL-2.0-only */
/* capture.h - in-memory model of a capture: events, arrays, metadata. */
#ifndef MBAGENT_CAPTURE_H
#define MBAGENT_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mbagent/error.h"
#include "uapi/mb_evlog.h"

#define MB_NO_SYM UINT32_MAX

/* Where the capture came from. */
enum mb_source {
	MB_SRC_UNKNOWN = 0,
	MB_SRC_GDB,		/* our kernel, pulled through QEMU's gdbstub */
	MB_SRC_SERIAL,		/* our kernel, pulled through the COM2 protocol */
	MB_SRC_RAMFILE,		/* our kernel, pulled from the guest RAM file */
	MB_SRC_CONSOLE,		/* imported memblock=debug console text */
	MB_SRC_LINUX_LIVE,	/* a Linux kernel read live (+ console events) */
	MB_SRC_GDB_SCRIPT,	/* written by gdb-scripts mb-save */
	MB_SRC_LINUX_TRACE,	/* a Linux kernel traced call by call (+ arrays read live) */
};

/**
 * struct mb_region_rec - one region as captured (target-independent)
 */
struct mb_region_rec {
	uint64_t base;
	uint64_t size;
	uint32_t flags;
	int32_t nid;
};

/**
 * struct mb_array - one memblock_type as captured
 * @cnt: regions in use (as the target reported it)
 * @max: capacity on the target
 * @total_size: as the target reported it
 * @regions: @cnt entries (malloc'd)
 */
struct mb_array {
	uint64_t cnt;
	uint64_t max;
	uint64_t total_size;
	struct mb_region_rec *regions;
};

/**
 * struct mb_state - struct memblock at one point in time
 * @valid: false if this state was not captured
 */
struct mb_state {
	bool valid;
	bool bottom_up;
	uint64_t current_limit;
	struct mb_array memory;
	struct mb_array reserved;
};

/**
 * struct mb_event - one memblock call: the kernel's log record and its caller
 * @rec: the record exactly as the event log holds it (struct mb_evlog_record)
 * @caller_sym: index into mb_capture.syms, MB_NO_SYM if unknown
 * @caller_off: offset of @rec.caller from the symbol start
 */
struct mb_event {
	struct mb_evlog_record rec;
	uint32_t caller_sym;
	uint32_t caller_off;
};

/* Caller chains (optional CHAINS section, docs/capture-format.md). */
#define MB_CHAIN_MAX 16

/* How a chain was obtained. */
enum mb_chain_method {
	MB_CHAIN_NONE = 0,
	MB_CHAIN_ORC,		/* stock Linux, unwound with the image's ORC tables */
	MB_CHAIN_FP,		/* unwound by frame pointers on the host */
	MB_CHAIN_KERNEL_FP,	/* walked by frame pointers in our kernel, logged */
	MB_CHAIN_ONE,		/* only the immediate caller is known */
};

/**
 * struct mb_frame - one return address of a caller chain, symbolised
 * @addr: return address (a kernel virtual address)
 * @sym: index into mb_capture.syms, MB_NO_SYM if not symbolised
 * @off: @addr minus the symbol's start
 * @len: the symbol's length, 0 if unknown
 */
struct mb_frame {
	uint64_t addr;
	uint32_t sym;
	uint32_t off;
	uint32_t len;
};

/**
 * struct mb_chain_ref - where one event's chain lives in mb_capture.frames
 * @first: index of its frame 0 in mb_capture.frames
 * @n: number of frames (0: the event has no chain)
 * @method: enum mb_chain_method
 *
 * Frame 0 is the event's caller (the return address out of the memblock entry
 * point, equal to mb_event.caller when both are known); frame 1 is where that
 * caller returns to, and so on outwards.
 */
struct mb_chain_ref {
	uint32_t first;
	uint8_t n;
	uint8_t method;
	uint16_t pad;
};

/**
 * struct mb_meta - one free-form metadata pair ("qemu_cmdline", "ram_size", ...)
 */
struct mb_meta {
	char *key;
	char *value;
};

/**
 * struct mb_checkpoint - a state observed in the middle of the event stream
 * @at: number of events (array index) that precede this state
 * @state: the arrays at that point (e.g. a later "MEMBLOCK configuration:"
 *   block of an imported console log)
 *
 * Added after the first contract (additive): captures from the agent have
 * none.
 */
struct mb_checkpoint {
	uint64_t at;
	struct mb_state state;
};

/**
 * struct mb_capture - everything later commands need, without target or ELF
 * @source: enum mb_source
 * @build_id: kernel GNU build-id, @build_id_len bytes
 * @log_capacity/@log_written/@log_dropped/@boot_state: from the log header
 *   (for imports: capacity 0, dropped 0, boot_state DONE)
 * @initial: state before the first event (empty for our kernel's log; the
 *   first "MEMBLOCK configuration:" block for imported Linux logs)
 * @final: state read from the target at the end (may be !valid)
 * @events: @nevents events in sequence order
 * @syms: @nsyms symbol names referenced by events (caller_sym)
 * @meta: @nmeta key/value pairs
 * @checkpoints: @ncheckpoints intermediate states, sorted by @at (additive
 *   extension; NULL/0 when none)
 * @chains: caller chains of events 0..@nchains-1 (additive; @nchains may be
 *   below @nevents, and NULL/0 when no event has one). Use mb_event_chain().
 * @frames: @nframes frames the chains point into
 */
struct mb_capture {
	uint32_t source;
	uint8_t build_id[32];
	uint32_t build_id_len;
	uint64_t log_capacity;
	uint64_t log_written;
	uint64_t log_dropped;
	uint32_t boot_state;
	struct mb_state initial;
	struct mb_state final;
	struct mb_event *events;
	size_t nevents;
	char **syms;
	size_t nsyms;
	struct mb_meta *meta;
	size_t nmeta;
	struct mb_checkpoint *checkpoints;
	size_t ncheckpoints;
	struct mb_chain_ref *chains;
	size_t nchains;
	struct mb_frame *frames;
	size_t nframes;
};

struct mb_capture *mb_capture_new(void);
void mb_capture_free(struct mb_capture *c);
/* Intern a symbol name; returns its index (or MB_NO_SYM on allocation failure). */
uint32_t mb_capture_intern_sym(struct mb_capture *c, const char *name);
int mb_capture_set_meta(struct mb_capture *c, const char *key, const char *value);
const char *mb_capture_get_meta(const struct mb_capture *c, const char *key);
/* Append an event (copied). 0 or -1 with @err set. */
int mb_capture_add_event(struct mb_capture *c, const struct mb_event *ev, struct mb_error *err);

/* Additive extensions (see docs/capture-format.md). */
/* Append a checkpoint (state deep-copied). 0 or -1 with @err set. */
int mb_capture_add_checkpoint(struct mb_capture *c, uint64_t at, const struct mb_state *st,
			      struct mb_error *err);
/* Deep-copy @src into @dst (regions duplicated). 0 or -1 with @err set. */
int mb_state_copy(struct mb_state *dst, const struct mb_state *src, struct mb_error *err);
/* Free the region arrays of @st and zero it. */
void mb_state_clear(struct mb_state *st);
/*
 * Set @a's counts and give it room for @cnt regions (regions NULL when @cnt
 * is 0; the caller fills them). 0, or -1 when out of memory.
 */
int mb_array_init(struct mb_array *a, uint64_t cnt, uint64_t max, uint64_t total_size);
/* Reserve room for @n more events (avoids repeated growth). 0 or -1. */
int mb_capture_reserve_events(struct mb_capture *c, size_t n, struct mb_error *err);
/* Linux name of an operation ("memblock_add"), or NULL if unknown. */
const char *mb_op_name(unsigned int op);
/* Operation number of a Linux name, or 0 (MB_OP_NONE) if unknown. */
unsigned int mb_op_from_name(const char *name);
/* Symbol name of an event's caller or NULL. */
const char *mb_event_sym(const struct mb_capture *c, const struct mb_event *ev);

/* Caller chains (agent/capture/capture_chain.c). */
int mb_capture_set_chain(struct mb_capture *c, size_t ev, const uint64_t *addrs, unsigned int n,
			 unsigned int method, struct mb_error *err);
int mb_capture_set_chain_frames(struct mb_capture *c, size_t ev, const struct mb_frame *frames,
				unsigned int n, unsigned int method, struct mb_error *err);
unsigned int mb_event_chain(const struct mb_capture *c, size_t ev, const struct mb_frame **frames,
			    unsigned int *method);
/*
 * Looks up the function containing @addr: its name, start and length.
 * Returns 0, or non-zero when @addr is in no known function.
 */
typedef int (*mb_symbolize_fn)(void *ctx, uint64_t addr, const char **name, uint64_t *start,
			       uint64_t *len);
int mb_capture_symbolize_chains(struct mb_capture *c, mb_symbolize_fn fn, void *ctx,
				struct mb_error *err);
const char *mb_frame_name(const struct mb_capture *c, const struct mb_frame *f);
int mb_frame_format(const struct mb_capture *c, const struct mb_frame *f, char *buf, size_t cap);
bool mb_symbol_is_memblock(const char *name);
const char *mb_event_frame_name(const struct mb_capture *c, size_t ev, int frame);
const char *mb_chain_method_name(unsigned int method);

/* File I/O (docs/capture-format.md): versioned, checksummed, atomic. */
int mb_capture_write(const struct mb_capture *c, const char *path, struct mb_error *err);
struct mb_capture *mb_capture_read(const char *path, struct mb_error *err);

#endif /* MBAGENT_CAPTURE_H */
