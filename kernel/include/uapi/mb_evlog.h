/* SPDX-License-Identifier: GPL-2.0-only WITH Linux-syscall-note */
/* mb_evlog.h - the memblock event-log ABI shared by the kernel and the host. */
#ifndef _UAPI_MB_EVLOG_H
#define _UAPI_MB_EVLOG_H

/*
 * This header is the contract between the test kernel, which writes the log
 * into its own image, and every host consumer (agent, CLI, gdb scripts).
 * Only fixed-width types, explicit padding, little-endian (x86-64) layout.
 * The gdb scripts parse the MB_EVLOG_* defines and the MB_EVLOG_OPS list out
 * of this file at build time: keep one define per line.
 */
#include <stdint.h>

#define MB_EVLOG_MAGIC		0x474f4c4b4c424d4dULL	/* "MMBLKLOG" little-endian */
#define MB_EVLOG_VERSION	1
#define MB_EVLOG_HEADER_SIZE	128
#define MB_EVLOG_RECORD_SIZE	96
#define MB_EVLOG_BUILD_ID_MAX	32
#define MB_EVLOG_CHAIN_MAX	16	/* return addresses per chain slot */
#define MB_EVLOG_CHAIN_SIZE	136	/* sizeof(struct mb_evlog_chain) */

/*
 * Bits of mb_evlog_header.features. A reader ignores bits it does not know;
 * a log without a bit simply lacks that part (older kernels: features 0).
 */
#define MB_EVLOG_FEAT_CHAINS	0x1	/* chain_addr/chain_slot_size/chain_capacity valid */

/* Boot state written into mb_evlog_header.boot_state. */
#define MB_BOOT_STATE_EMPTY	0	/* log never initialised */
#define MB_BOOT_STATE_BOOTING	1	/* early boot, memblock live */
#define MB_BOOT_STATE_DONE	2	/* memblock_free_all() done, report printed */
#define MB_BOOT_STATE_PANIC	3	/* the kernel stopped on a fatal error */

/* Bits of mb_evlog_record.rflags. */
#define MB_REC_FAILED		0x0001	/* call failed: result holds -errno or 0 */
#define MB_REC_INTERNAL		0x0002	/* made by memblock itself (depth > 0) */

/*
 * Operations. X-macro: X(enum suffix, numeric value, Linux function name).
 * Values are ABI: never renumber, only append.
 */
#define MB_EVLOG_OPS(X) \
	X(ADD,			1,  "memblock_add") \
	X(ADD_NODE,		2,  "memblock_add_node") \
	X(REMOVE,		3,  "memblock_remove") \
	X(RESERVE,		4,  "memblock_reserve") \
	X(PHYS_FREE,		5,  "memblock_phys_free") \
	X(FREE,			6,  "memblock_free") \
	X(MARK_HOTPLUG,		7,  "memblock_mark_hotplug") \
	X(CLEAR_HOTPLUG,	8,  "memblock_clear_hotplug") \
	X(MARK_MIRROR,		9,  "memblock_mark_mirror") \
	X(MARK_NOMAP,		10, "memblock_mark_nomap") \
	X(CLEAR_NOMAP,		11, "memblock_clear_nomap") \
	X(RESERVED_MARK_NOINIT,	12, "memblock_reserved_mark_noinit") \
	X(SET_NODE,		13, "memblock_set_node") \
	X(ALLOW_RESIZE,		14, "memblock_allow_resize") \
	X(SET_CURRENT_LIMIT,	15, "memblock_set_current_limit") \
	X(SET_BOTTOM_UP,	16, "memblock_set_bottom_up") \
	X(DOUBLE_ARRAY,		17, "memblock_double_array") \
	X(PHYS_ALLOC_RANGE,	18, "memblock_phys_alloc_range") \
	X(PHYS_ALLOC_TRY_NID,	19, "memblock_phys_alloc_try_nid") \
	X(PHYS_ALLOC,		20, "memblock_phys_alloc") \
	X(ALLOC_RANGE_NID,	21, "memblock_alloc_range_nid") \
	X(ALLOC_TRY_NID,	22, "memblock_alloc_try_nid") \
	X(ALLOC_TRY_NID_RAW,	23, "memblock_alloc_try_nid_raw") \
	X(ALLOC_EXACT_NID_RAW,	24, "memblock_alloc_exact_nid_raw") \
	X(ALLOC,		25, "memblock_alloc") \
	X(ALLOC_RAW,		26, "memblock_alloc_raw") \
	X(ALLOC_FROM,		27, "memblock_alloc_from") \
	X(ALLOC_LOW,		28, "memblock_alloc_low") \
	X(ALLOC_NODE,		29, "memblock_alloc_node") \
	X(CAP_MEMORY_RANGE,	30, "memblock_cap_memory_range") \
	X(MEM_LIMIT_REMOVE_MAP,	31, "memblock_mem_limit_remove_map") \
	X(ENFORCE_MEMORY_LIMIT,	32, "memblock_enforce_memory_limit") \
	X(TRIM_MEMORY,		33, "memblock_trim_memory") \
	X(FREE_ALL,		34, "memblock_free_all") \
	X(PHYSMEM_ADD,		35, "memblock_physmem_add") \
	X(SET_MOVABLE_NODE,	36, "memblock_set_movable_node") \
	X(SET_MIRRORED_KERNELCORE, 37, "memblock_set_mirrored_kernelcore")

/* Region array named by a record (SET_NODE and DOUBLE_ARRAY: in @mflags). */
#define MB_TYPE_MEMORY		0
#define MB_TYPE_RESERVED	1
#define MB_TYPE_PHYSMEM		2
#define MB_TYPE_UNKNOWN		0xffffffff

enum mb_evlog_op {
	MB_OP_NONE = 0,
#define MB_EVLOG_OP_ENUM(name, val, str) MB_OP_##name = val,
	MB_EVLOG_OPS(MB_EVLOG_OP_ENUM)
#undef MB_EVLOG_OP_ENUM
	MB_OP__COUNT
};

/**
 * struct mb_evlog_header - start of the event log in guest memory
 * @magic:        %MB_EVLOG_MAGIC
 * @version:      %MB_EVLOG_VERSION
 * @header_size:  sizeof(struct mb_evlog_header); records start at this offset
 * @record_size:  sizeof(struct mb_evlog_record)
 * @capacity:     number of record slots after the header
 * @written:      records stored (never more than @capacity)
 * @dropped:      calls not recorded because the log was full
 * @boot_state:   one of MB_BOOT_STATE_*
 * @build_id_len: number of valid bytes in @build_id (0 if unknown)
 * @build_id:     the kernel's GNU build-id (NT_GNU_BUILD_ID descriptor)
 * @tsc_hz:       TSC frequency in Hz, 0 if unknown
 * @boot_tsc:     TSC value when the log was initialised
 * @memblock_addr: physical address of the kernel's struct memblock
 * @chain_addr:   physical address of the chain area: @chain_capacity slots
 *                of @chain_slot_size bytes, slot i belonging to the record
 *                with seq i (only with %MB_EVLOG_FEAT_CHAINS)
 * @chain_slot_size: bytes per chain slot (struct mb_evlog_chain, or larger
 *                in later versions: read the first %MB_EVLOG_CHAIN_SIZE)
 * @chain_capacity: number of chain slots; records from seq @chain_capacity
 *                on have no chain
 * @features:     MB_EVLOG_FEAT_* bits
 * @reserved:     zero; room for later versions
 *
 * The chain fields took bytes that were reserved (zero) in the first
 * layout, so a log without chains reads exactly as before, and a reader that
 * predates chains reads a log that has them.
 */
struct mb_evlog_header {
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;
	uint32_t record_size;
	uint32_t capacity;
	uint64_t written;
	uint64_t dropped;
	uint32_t boot_state;
	uint32_t build_id_len;
	uint8_t  build_id[MB_EVLOG_BUILD_ID_MAX];
	uint64_t tsc_hz;
	uint64_t boot_tsc;
	uint64_t memblock_addr;
	uint64_t chain_addr;
	uint32_t chain_slot_size;
	uint32_t chain_capacity;
	uint32_t features;
	uint8_t  reserved[4];
};

/**
 * struct mb_evlog_record - one memblock call
 * @seq:          sequence number, 0 for the first record
 * @tsc:          TSC at the end of the call (0 where no TSC, e.g. on the host)
 * @op:           enum mb_evlog_op
 * @rflags:       MB_REC_* bits
 * @nid:          node argument (NUMA_NO_NODE = -1 when the call has none)
 * @base:         base / start argument (0 if none)
 * @size:         size argument (0 if none)
 * @align:        alignment argument (0 if none)
 * @min_addr:     min_addr / start of an allocation window (0 if none)
 * @max_addr:     max_addr / end of an allocation window; also the value of
 *                set_current_limit, set_bottom_up (0/1), trim align,
 *                memory limits
 * @result:       physical address for allocations (0 on failure), else the
 *                return value as a sign-extended int (0 or -errno)
 * @caller:       return address of the call (the caller inside the kernel)
 * @mflags:       memblock flags argument (enum memblock_flags)
 * @memory_cnt:   memblock.memory.cnt after the call
 * @reserved_cnt: memblock.reserved.cnt after the call
 * @depth:        0 for calls from outside memblock, >0 for memblock's own
 *                nested calls (replay skips them: the outer call redoes them)
 * @pad:          zero
 *
 * Per-operation use of the fields (anything not listed is 0, nid -1):
 * - ADD, REMOVE, RESERVE, PHYS_FREE, PHYSMEM_ADD, MARK_*, CLEAR_*,
 *   RESERVED_MARK_NOINIT: @base, @size.  ADD_NODE adds @nid and @mflags.
 * - FREE (memblock_free(ptr, size)): @base = physical address of ptr
 *   (0 for NULL), @size; replay it as memblock_phys_free when @base != 0.
 * - SET_NODE: @base, @size, @nid, @mflags = MB_TYPE_* of the type argument.
 * - ALLOW_RESIZE: nothing.  SET_CURRENT_LIMIT: @max_addr = limit.
 *   SET_BOTTOM_UP, SET_MOVABLE_NODE, SET_MIRRORED_KERNELCORE: @max_addr = 0/1.
 * - TRIM_MEMORY: @max_addr = align (a trim that would wrap a start past 2^64
 *   is refused: MB_REC_FAILED, @result -EINVAL).  ENFORCE_MEMORY_LIMIT and
 *   MEM_LIMIT_REMOVE_MAP: @max_addr = limit.  CAP_MEMORY_RANGE: @base, @size.
 * - Allocations: @size, @align, @nid and @min_addr/@max_addr exactly as the
 *   caller passed them (memblock_phys_alloc_range: start/end;
 *   memblock_alloc_from: min_addr; memblock_alloc_low and memblock_alloc
 *   have none: 0/0); ALLOC_RANGE_NID also puts exact_nid (0/1) in @mflags.
 *   @result is the physical address (0 and MB_REC_FAILED on failure).
 * - FREE_ALL: @result = number of pages handed to the page allocator.
 * - DOUBLE_ARRAY (depth >= 1, MB_REC_INTERNAL; appended before the record of
 *   the call that caused it): @mflags = MB_TYPE_* of the doubled array,
 *   @base = physical address of the new array, @size = its (page-aligned)
 *   allocation size, @min_addr = physical address of the old array,
 *   @align = old allocation size, @max_addr = new max (entries), @caller =
 *   caller of the public call that caused it.  On failure: @base 0,
 *   MB_REC_FAILED, @result -ENOMEM.
 * The other nested work memblock does itself (reserving a doubled array,
 * freeing the old one, the reservation an allocation makes, memblock_free_all
 * clearing HOTPLUG and setting reserved nids) is not recorded: replaying the
 * depth-0 records redoes it.
 */
struct mb_evlog_record {
	uint64_t seq;
	uint64_t tsc;
	uint16_t op;
	uint16_t rflags;
	int32_t  nid;
	uint64_t base;
	uint64_t size;
	uint64_t align;
	uint64_t min_addr;
	uint64_t max_addr;
	uint64_t result;
	uint64_t caller;
	uint32_t mflags;
	uint32_t memory_cnt;
	uint32_t reserved_cnt;
	uint16_t depth;
	uint16_t pad;
};

/**
 * struct mb_evlog_chain - the caller chain of one record (one chain slot)
 * @nframes:      valid entries in @ret (0: no chain for this record)
 * @flags:        zero
 * @ret:          return addresses found by following the saved frame
 *                pointers when the record was appended: @ret[0] is the
 *                record's @caller, @ret[1] where that caller returns to,
 *                and so on outwards
 *
 * The slot is written before mb_evlog_header.written counts its record.
 */
struct mb_evlog_chain {
	uint32_t nframes;
	uint32_t flags;
	uint64_t ret[MB_EVLOG_CHAIN_MAX];
};

_Static_assert(sizeof(struct mb_evlog_chain) == MB_EVLOG_CHAIN_SIZE,
	       "mb_evlog_chain ABI size");
_Static_assert(sizeof(struct mb_evlog_header) == MB_EVLOG_HEADER_SIZE,
	       "mb_evlog_header ABI size");
_Static_assert(sizeof(struct mb_evlog_record) == MB_EVLOG_RECORD_SIZE,
	       "mb_evlog_record ABI size");

#endif /* _UAPI_MB_EVLOG_H */
