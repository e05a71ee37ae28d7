// SPDX-License-Identifier: GPL-2.0-only
/* test_evlog.c - every call appends exactly one record with the right fields; overflow is counted. */

#include "core_test.h"

#define NREC 256

static union {
	uint64_t align;
	unsigned char bytes[MB_EVLOG_HEADER_SIZE + NREC * MB_EVLOG_RECORD_SIZE + 64];
} logbuf;

static struct mb_evlog_header *hdr(void)
{
	return (struct mb_evlog_header *)logbuf.bytes;
}

static struct mb_evlog_record *rec_at(uint64_t i)
{
	return (struct mb_evlog_record *)(logbuf.bytes + MB_EVLOG_HEADER_SIZE) + i;
}

static uint64_t last_written;

static void start_log(void)
{
	memset(&logbuf, 0, sizeof(logbuf));
	mb_evlog_init(logbuf.bytes, MB_EVLOG_HEADER_SIZE + NREC * MB_EVLOG_RECORD_SIZE);
	last_written = 0;
}

/* The one record the last call appended (checks that it was exactly one). */
static struct mb_evlog_record *one(uint16_t op)
{
	struct mb_evlog_record *r;

	CHECK_EQ(hdr()->written, last_written + 1);
	last_written = hdr()->written;
	r = rec_at(last_written - 1);
	CHECK_EQ(r->op, op);
	CHECK_EQ(r->seq, last_written - 1);
	CHECK_EQ(r->depth, 0);
	CHECK_EQ(r->memory_cnt, MEM->cnt);
	CHECK_EQ(r->reserved_cnt, RSV->cnt);
	CHECK(r->caller != 0);
	return r;
}

static void header_fields(void)
{
	static const uint8_t id[20] = { 1, 2, 3, 4, 5 };

	start_log();
	CHECK_EQ(hdr()->magic, MB_EVLOG_MAGIC);
	CHECK_EQ(hdr()->version, MB_EVLOG_VERSION);
	CHECK_EQ(hdr()->header_size, 128);
	CHECK_EQ(hdr()->record_size, 96);
	CHECK_EQ(hdr()->capacity, NREC);
	CHECK_EQ(hdr()->written, 0);
	CHECK_EQ(hdr()->boot_state, MB_BOOT_STATE_BOOTING);
	CHECK(mb_evlog_header() == hdr());
	mb_evlog_set_state(MB_BOOT_STATE_DONE);
	mb_evlog_set_build_id(id, sizeof(id));
	mb_evlog_set_tsc_hz(2096012000);
	mb_evlog_set_memblock_addr(0x1234000);
	CHECK_EQ(hdr()->boot_state, MB_BOOT_STATE_DONE);
	CHECK_EQ(hdr()->build_id_len, 20);
	CHECK_EQ(hdr()->build_id[4], 5);
	CHECK_EQ(hdr()->tsc_hz, 2096012000);
	CHECK_EQ(hdr()->memblock_addr, 0x1234000);
	/* too small a buffer: logging off, nothing written */
	mb_evlog_init(logbuf.bytes, 64);
	CHECK(mb_evlog_header() == NULL);
	memblock_add(SZ_1M, SZ_1M);
}

static void every_call_one_record(void)
{
	struct mb_evlog_record *r;
	static char buf[SZ_64K];

	start_log();
	memblock_host_map(SZ_16M, buf, sizeof(buf));

	memblock_add(SZ_16M, SZ_16M);
	r = one(MB_OP_ADD);
	CHECK_EQ(r->base, SZ_16M);
	CHECK_EQ(r->size, SZ_16M);
	CHECK_EQ(r->nid, NUMA_NO_NODE);
	CHECK_EQ(r->result, 0);
	CHECK_EQ(r->rflags, 0);
	CHECK_EQ(r->memory_cnt, 1);

	memblock_add_node(SZ_1G, SZ_1M, 3, MEMBLOCK_HOTPLUG);
	r = one(MB_OP_ADD_NODE);
	CHECK_EQ(r->nid, 3);
	CHECK_EQ(r->mflags, MEMBLOCK_HOTPLUG);
	CHECK_EQ(r->memory_cnt, 2);

	memblock_remove(SZ_1G, SZ_1M);
	r = one(MB_OP_REMOVE);
	CHECK_EQ(r->base, SZ_1G);
	CHECK_EQ(r->memory_cnt, 1);

	memblock_reserve(SZ_16M, SZ_4K);
	r = one(MB_OP_RESERVE);
	CHECK_EQ(r->reserved_cnt, 1);

	memblock_phys_free(SZ_16M, SZ_4K);
	r = one(MB_OP_PHYS_FREE);
	CHECK_EQ(r->size, SZ_4K);
	CHECK_EQ(r->reserved_cnt, 0);

	memblock_reserve(SZ_16M, SZ_8K);
	one(MB_OP_RESERVE);
	memblock_free(buf + SZ_4K, SZ_4K);
	r = one(MB_OP_FREE);
	CHECK_EQ(r->base, SZ_16M + SZ_4K);
	CHECK_EQ(r->size, SZ_4K);

	memblock_mark_hotplug(SZ_16M, SZ_1M);
	one(MB_OP_MARK_HOTPLUG);
	memblock_clear_hotplug(SZ_16M, SZ_1M);
	one(MB_OP_CLEAR_HOTPLUG);
	memblock_mark_mirror(SZ_16M, SZ_1M);
	one(MB_OP_MARK_MIRROR);
	memblock_mark_nomap(SZ_16M + SZ_8M, SZ_1M);
	r = one(MB_OP_MARK_NOMAP);
	CHECK_EQ(r->memory_cnt, 3);
	memblock_clear_nomap(SZ_16M + SZ_8M, SZ_1M);
	one(MB_OP_CLEAR_NOMAP);
	memblock_reserved_mark_noinit(SZ_16M, SZ_4K);
	one(MB_OP_RESERVED_MARK_NOINIT);
	memblock_set_node(SZ_16M, SZ_1M, RSV, 2);
	r = one(MB_OP_SET_NODE);
	CHECK_EQ(r->nid, 2);
	CHECK_EQ(r->mflags, MB_TYPE_RESERVED);
	memblock_set_node(SZ_16M, SZ_16M, MEM, 0);
	r = one(MB_OP_SET_NODE);
	CHECK_EQ(r->mflags, MB_TYPE_MEMORY);
	memblock_allow_resize();
	one(MB_OP_ALLOW_RESIZE);
	memblock_set_current_limit(SZ_16M + SZ_8M);
	r = one(MB_OP_SET_CURRENT_LIMIT);
	CHECK_EQ(r->max_addr, SZ_16M + SZ_8M);
	memblock_set_bottom_up(true);
	r = one(MB_OP_SET_BOTTOM_UP);
	CHECK_EQ(r->max_addr, 1);
	memblock_set_bottom_up(false);
	r = one(MB_OP_SET_BOTTOM_UP);
	CHECK_EQ(r->max_addr, 0);

	CHECK_EQ(memblock_phys_alloc_range(SZ_4K, SZ_4K, SZ_16M, SZ_16M + SZ_1M),
		 SZ_16M + SZ_1M - SZ_4K);
	r = one(MB_OP_PHYS_ALLOC_RANGE);
	CHECK_EQ(r->size, SZ_4K);
	CHECK_EQ(r->align, SZ_4K);
	CHECK_EQ(r->min_addr, SZ_16M);
	CHECK_EQ(r->max_addr, SZ_16M + SZ_1M);
	CHECK_EQ(r->result, SZ_16M + SZ_1M - SZ_4K);
	memblock_phys_alloc_try_nid(SZ_4K, SZ_4K, 0);
	r = one(MB_OP_PHYS_ALLOC_TRY_NID);
	CHECK_EQ(r->nid, 0);
	memblock_phys_alloc(SZ_4K, 0);
	r = one(MB_OP_PHYS_ALLOC);
	CHECK_EQ(r->align, 0);
	memblock_alloc_range_nid(SZ_4K, SZ_4K, 0, 0, 0, true);
	r = one(MB_OP_ALLOC_RANGE_NID);
	CHECK_EQ(r->mflags, 1);
	/* logged as called: align 0 stays 0 although the search uses SMP_CACHE_BYTES */
	memblock_alloc_range_nid(SZ_4K, 0, SZ_4K, SZ_1G, NUMA_NO_NODE, false);
	r = one(MB_OP_ALLOC_RANGE_NID);
	CHECK_EQ(r->align, 0);
	CHECK_EQ(r->size, SZ_4K);
	CHECK_EQ(r->min_addr, SZ_4K);
	CHECK_EQ(r->max_addr, SZ_1G);
	CHECK_EQ(r->nid, NUMA_NO_NODE);
	CHECK_EQ(r->mflags, 0);
	memblock_alloc_try_nid(100, 64, SZ_16M, SZ_1G, 0);
	r = one(MB_OP_ALLOC_TRY_NID);
	CHECK_EQ(r->min_addr, SZ_16M);
	CHECK_EQ(r->max_addr, SZ_1G);
	memblock_alloc_try_nid_raw(100, 64, 0, 0, NUMA_NO_NODE);
	one(MB_OP_ALLOC_TRY_NID_RAW);
	memblock_alloc_exact_nid_raw(100, 64, 0, 0, 0);
	one(MB_OP_ALLOC_EXACT_NID_RAW);
	memblock_alloc(100, 64);
	one(MB_OP_ALLOC);
	memblock_alloc_raw(100, 64);
	one(MB_OP_ALLOC_RAW);
	memblock_alloc_from(100, 64, SZ_16M + SZ_2M);
	r = one(MB_OP_ALLOC_FROM);
	CHECK_EQ(r->min_addr, SZ_16M + SZ_2M);
	memblock_alloc_low(100, 64);
	one(MB_OP_ALLOC_LOW);
	memblock_alloc_node(100, 64, 0);
	r = one(MB_OP_ALLOC_NODE);
	CHECK_EQ(r->nid, 0);
	memblock_physmem_add(0, SZ_1G);
	one(MB_OP_PHYSMEM_ADD);
	memblock_set_movable_node(true);
	r = one(MB_OP_SET_MOVABLE_NODE);
	CHECK_EQ(r->max_addr, 1);
	memblock_set_mirrored_kernelcore(false);
	one(MB_OP_SET_MIRRORED_KERNELCORE);
	memblock_trim_memory(SZ_4K);
	r = one(MB_OP_TRIM_MEMORY);
	CHECK_EQ(r->max_addr, SZ_4K);
	memblock_cap_memory_range(0, SZ_1G);
	r = one(MB_OP_CAP_MEMORY_RANGE);
	CHECK_EQ(r->size, SZ_1G);
	memblock_mem_limit_remove_map(SZ_1G);
	r = one(MB_OP_MEM_LIMIT_REMOVE_MAP);
	CHECK_EQ(r->max_addr, SZ_1G);
	memblock_enforce_memory_limit(SZ_1G);
	one(MB_OP_ENFORCE_MEMORY_LIMIT);
	r = NULL;
	{
		unsigned long pages = memblock_free_all();

		r = one(MB_OP_FREE_ALL);
		CHECK_EQ(r->result, pages);
		CHECK(pages > 0);
	}

	/* queries, iterators and dumps are not recorded */
	memblock_is_memory(SZ_16M);
	memblock_is_region_reserved(SZ_16M, SZ_1M);
	memblock_phys_mem_size();
	__memblock_dump_all();
	CHECK_EQ(hdr()->written, last_written);
	CHECK_EQ(hdr()->dropped, 0);
}

static void failure_records(void)
{
	struct mb_evlog_record *r;

	start_log();
	CHECK(memblock_alloc(SZ_4K, SZ_4K) == NULL);
	r = one(MB_OP_ALLOC);
	CHECK_EQ(r->result, 0);
	CHECK_EQ(r->rflags, MB_REC_FAILED);
	CHECK_EQ(memblock_phys_alloc(SZ_4K, SZ_4K), 0);
	r = one(MB_OP_PHYS_ALLOC);
	CHECK_EQ(r->rflags & MB_REC_FAILED, MB_REC_FAILED);
}

static __attribute__((noinline)) void caller_fn(void)
{
	memblock_add(SZ_16M, SZ_1M);
	/* no tail call: the return address must be inside this function */
	__asm__ __volatile__("" ::: "memory");
}

static void caller_is_return_address(void)
{
	struct mb_evlog_record *r;
	uint64_t f = (uint64_t)(uintptr_t)caller_fn;

	start_log();
	caller_fn();
	r = one(MB_OP_ADD);
	CHECK(r->caller > f && r->caller < f + 4096);
}

static void double_array_record(void)
{
	struct mb_evlog_record *r;
	uint64_t before;
	int i;

	memblock_add(0, 64 * SZ_1M);
	memblock_allow_resize();
	for (i = 0; i < 128; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	start_log();
	before = hdr()->written;
	memblock_reserve(SZ_16M, SZ_4K);
	/* the internal DOUBLE_ARRAY record comes first, then the call's own */
	CHECK_EQ(hdr()->written, before + 2);
	r = rec_at(before);
	CHECK_EQ(r->op, MB_OP_DOUBLE_ARRAY);
	CHECK_EQ(r->depth, 1);
	CHECK_EQ(r->rflags, MB_REC_INTERNAL);
	CHECK_EQ(r->mflags, MB_TYPE_RESERVED);
	/* top-down: the top of memory; bottom-up: right above the range being reserved */
	CHECK_EQ(r->base, t_bottom_up ? SZ_16M + SZ_4K : 64 * SZ_1M - SZ_8K);
	CHECK_EQ(r->size, SZ_8K);
	CHECK_EQ(r->align, SZ_4K);
	CHECK_EQ(r->min_addr, 0);
	CHECK_EQ(r->max_addr, 256);
	CHECK_EQ(r->reserved_cnt, 129);
	r = rec_at(before + 1);
	CHECK_EQ(r->op, MB_OP_RESERVE);
	CHECK_EQ(r->depth, 0);
	/* bottom-up the reservation merges with the array's */
	CHECK_EQ(r->reserved_cnt, t_bottom_up ? 129 : 130);
	CHECK_EQ(rec_at(before)->caller, r->caller);
}

/*
 * Our one deliberate divergence from Linux: a trim that would wrap a start
 * past 2^64 (Linux leaves an unsorted array) is refused whole, with an error
 * line and a failed record.
 */
static void trim_refuses_wrap(void)
{
	struct mb_evlog_record *r;

	memblock_add(0x1010, 0x2000);
	memblock_add(0xffffffffffffd000ULL, 0x2000);
	start_log();
	t_capture(true);
	memblock_trim_memory(SZ_64K);
	r = one(MB_OP_TRIM_MEMORY);
	CHECK_EQ(r->rflags, MB_REC_FAILED);
	CHECK_EQ(r->result, (uint64_t)-22);
	CHECK_EQ(r->max_addr, SZ_64K);
	CHECK_STR(t_output(), "memblock_trim_memory: [0xffffffffffffd000-0xffffffffffffefff] "
		  "would wrap past the top of the address space at align 0x10000; nothing trimmed\n");
	CHECK_EQ(MEM->cnt, 2);
	CHECK_RGN(MEM, 0, 0x1010, 0x2000);
	CHECK_RGN(MEM, 1, 0xffffffffffffd000ULL, 0x2000);
	CHECK_EQ(MEM->total_size, 0x4000);

	/* the same trim without the top region goes through */
	memblock_remove(0xffffffffffffd000ULL, 0x2000);
	last_written = hdr()->written;
	memblock_trim_memory(SZ_4K);
	r = one(MB_OP_TRIM_MEMORY);
	CHECK_EQ(r->rflags, 0);
	CHECK_EQ(MEM->cnt, 1);
	CHECK_RGN(MEM, 0, 0x2000, 0x1000);
}

static void double_array_failure_record(void)
{
	struct mb_evlog_record *r;
	int i;

	memblock_allow_resize();
	for (i = 0; i < 128; i++)
		memblock_reserve(SZ_1M + i * SZ_8K, SZ_4K);
	start_log();
	CHECK_EQ(memblock_reserve(SZ_16M, SZ_4K), -12);
	CHECK_EQ(hdr()->written, 2);
	r = rec_at(0);
	CHECK_EQ(r->op, MB_OP_DOUBLE_ARRAY);
	CHECK_EQ(r->rflags, MB_REC_INTERNAL | MB_REC_FAILED);
	CHECK_EQ(r->result, (uint64_t)-12);
	r = rec_at(1);
	CHECK_EQ(r->rflags, MB_REC_FAILED);
	CHECK_EQ(r->result, (uint64_t)(int64_t)-12);
}

static void overflow_counted(void)
{
	unsigned char *canary = logbuf.bytes + MB_EVLOG_HEADER_SIZE + 3 * MB_EVLOG_RECORD_SIZE;

	memset(&logbuf, 0x5a, sizeof(logbuf));
	mb_evlog_init(logbuf.bytes, MB_EVLOG_HEADER_SIZE + 3 * MB_EVLOG_RECORD_SIZE + 95);
	CHECK_EQ(hdr()->capacity, 3);
	memblock_add(SZ_1M, SZ_1M);
	memblock_add(SZ_4M, SZ_1M);
	memblock_reserve(SZ_1M, SZ_4K);
	memblock_reserve(SZ_2M, SZ_4K);
	memblock_remove(SZ_1M, SZ_4K);
	CHECK_EQ(hdr()->written, 3);
	CHECK_EQ(hdr()->dropped, 2);
	/* the first records stay: nothing is overwritten */
	CHECK_EQ(rec_at(0)->op, MB_OP_ADD);
	CHECK_EQ(rec_at(1)->base, SZ_4M);
	CHECK_EQ(rec_at(2)->op, MB_OP_RESERVE);
	CHECK_EQ(rec_at(2)->base, SZ_1M);
	/* nothing written past the buffer */
	CHECK(canary[0] == 0x5a && canary[94] == 0x5a && canary[200] == 0x5a);
}

static void no_log_before_init(void)
{
	memset(&logbuf, 0, sizeof(logbuf));
	memblock_add(SZ_1M, SZ_1M);
	CHECK(mb_evlog_header() == NULL);
	CHECK_EQ(hdr()->written, 0);
	CHECK_EQ(hdr()->magic, 0);
}


/* Redo one depth-0 record by calling the same public function; returns its result. */
static uint64_t replay_one(const struct mb_evlog_record *r)
{
	struct memblock_type *types[] = { &memblock.memory, &memblock.reserved, &physmem };
	phys_addr_t b = r->base, s = r->size, a = r->align, lo = r->min_addr, hi = r->max_addr;
	int nid = r->nid;

	switch (r->op) {
	case MB_OP_ADD: return (uint64_t)(int64_t)memblock_add(b, s);
	case MB_OP_ADD_NODE: return (uint64_t)(int64_t)memblock_add_node(b, s, nid, r->mflags);
	case MB_OP_REMOVE: return (uint64_t)(int64_t)memblock_remove(b, s);
	case MB_OP_RESERVE: return (uint64_t)(int64_t)memblock_reserve(b, s);
	case MB_OP_PHYS_FREE: return (uint64_t)(int64_t)memblock_phys_free(b, s);
	case MB_OP_FREE:
		memblock_free(b ? (void *)(uintptr_t)b : NULL, s);
		return 0;
	case MB_OP_MARK_HOTPLUG: return (uint64_t)(int64_t)memblock_mark_hotplug(b, s);
	case MB_OP_CLEAR_HOTPLUG: return (uint64_t)(int64_t)memblock_clear_hotplug(b, s);
	case MB_OP_MARK_MIRROR: return (uint64_t)(int64_t)memblock_mark_mirror(b, s);
	case MB_OP_MARK_NOMAP: return (uint64_t)(int64_t)memblock_mark_nomap(b, s);
	case MB_OP_CLEAR_NOMAP: return (uint64_t)(int64_t)memblock_clear_nomap(b, s);
	case MB_OP_RESERVED_MARK_NOINIT:
		return (uint64_t)(int64_t)memblock_reserved_mark_noinit(b, s);
	case MB_OP_SET_NODE:
		return (uint64_t)(int64_t)memblock_set_node(b, s, types[r->mflags], nid);
	case MB_OP_ALLOW_RESIZE: memblock_allow_resize(); return 0;
	case MB_OP_SET_CURRENT_LIMIT: memblock_set_current_limit(hi); return 0;
	case MB_OP_SET_BOTTOM_UP: memblock_set_bottom_up(hi); return 0;
	case MB_OP_SET_MOVABLE_NODE: memblock_set_movable_node(hi); return 0;
	case MB_OP_SET_MIRRORED_KERNELCORE: memblock_set_mirrored_kernelcore(hi); return 0;
	case MB_OP_PHYS_ALLOC_RANGE: return memblock_phys_alloc_range(s, a, lo, hi);
	case MB_OP_PHYS_ALLOC_TRY_NID: return memblock_phys_alloc_try_nid(s, a, nid);
	case MB_OP_PHYS_ALLOC: return memblock_phys_alloc(s, a);
	case MB_OP_ALLOC_RANGE_NID: return memblock_alloc_range_nid(s, a, lo, hi, nid, r->mflags);
	case MB_OP_ALLOC_TRY_NID:
		return mb_shim_virt_to_phys(memblock_alloc_try_nid(s, a, lo, hi, nid));
	case MB_OP_ALLOC_TRY_NID_RAW:
		return mb_shim_virt_to_phys(memblock_alloc_try_nid_raw(s, a, lo, hi, nid));
	case MB_OP_ALLOC_EXACT_NID_RAW:
		return mb_shim_virt_to_phys(memblock_alloc_exact_nid_raw(s, a, lo, hi, nid));
	case MB_OP_ALLOC: return mb_shim_virt_to_phys(memblock_alloc(s, a));
	case MB_OP_ALLOC_RAW: return mb_shim_virt_to_phys(memblock_alloc_raw(s, a));
	case MB_OP_ALLOC_FROM: return mb_shim_virt_to_phys(memblock_alloc_from(s, a, lo));
	case MB_OP_ALLOC_LOW: return mb_shim_virt_to_phys(memblock_alloc_low(s, a));
	case MB_OP_ALLOC_NODE: return mb_shim_virt_to_phys(memblock_alloc_node(s, a, nid));
	case MB_OP_CAP_MEMORY_RANGE: memblock_cap_memory_range(b, s); return 0;
	case MB_OP_MEM_LIMIT_REMOVE_MAP: memblock_mem_limit_remove_map(hi); return 0;
	case MB_OP_ENFORCE_MEMORY_LIMIT: memblock_enforce_memory_limit(hi); return 0;
	case MB_OP_TRIM_MEMORY: memblock_trim_memory(hi); return 0;
	case MB_OP_FREE_ALL: return memblock_free_all();
	case MB_OP_PHYSMEM_ADD: return (uint64_t)(int64_t)memblock_physmem_add(b, s);
	default:
		CHECK(!"unknown op in log");
		return 0;
	}
}

/* A boot-like sequence touching every operation, several doublings included. */
static void boot_sequence(void)
{
	int i;

	memblock_reserve(0, SZ_64K);
	memblock_reserve(SZ_16M, 0x2c11000);
	memblock_set_current_limit(SZ_1M);
	memblock_allow_resize();
	memblock_add(0x1000, 0x9e000);
	memblock_add(SZ_1M, 0x1fee0000);
	memblock_add_node(0x40000000, SZ_16M, 1, MEMBLOCK_HOTPLUG);
	memblock_physmem_add(0, 0x20000000);
	memblock_trim_memory(SZ_4K);
	memblock_phys_alloc_range(0x7000, 0x1000, 0, SZ_1M);
	memblock_set_current_limit(0x20000000);
	memblock_set_node(0, 0x20000000, &memblock.memory, 0);
	memblock_set_node(0, 0x20000000, &memblock.reserved, 0);
	memblock_set_mirrored_kernelcore(true);
	memblock_mark_mirror(0x10000000, SZ_16M);
	memblock_mark_nomap(0x1f000000, SZ_1M);
	memblock_set_movable_node(true);
	for (i = 0; i < 300; i++)
		memblock_alloc(64 + (i % 7) * 40, 64);
	for (i = 0; i < 150; i++)
		memblock_reserve(0x8000000 + i * SZ_8K, SZ_4K);
	for (i = 0; i < 140; i++)
		memblock_add_node(0x80000000ULL + i * SZ_2M, SZ_1M, i % 3, 0);
	memblock_alloc_node(SZ_64K, SZ_4K, 1);
	memblock_alloc_exact_nid_raw(SZ_2M, SZ_2M, SZ_16M, 0, 0);
	memblock_alloc_try_nid_raw(SZ_4K, SZ_4K, SZ_16M, 0, 2);
	memblock_alloc_try_nid(SZ_4K, SZ_4K, 0, 0x30000000, 1);
	memblock_alloc_range_nid(SZ_4K, SZ_4K, 0, 0, 2, true);
	memblock_phys_alloc_try_nid(SZ_8K, SZ_4K, 0);
	memblock_phys_alloc(SZ_8K, 0);
	memblock_alloc_raw(SZ_8K, SZ_8K);
	memblock_alloc_from(SZ_8K, SZ_8K, 0x18000000);
	memblock_alloc_low(SZ_8K, SZ_8K);
	memblock_set_bottom_up(true);
	memblock_alloc(SZ_16K, SZ_4K);
	memblock_set_bottom_up(false);
	memblock_free((void *)(uintptr_t)(0x8000000 + 3 * SZ_8K), SZ_4K);
	memblock_phys_free(0x8000000 + 5 * SZ_8K, SZ_4K);
	memblock_reserved_mark_noinit(0x8000000, SZ_4K);
	memblock_clear_nomap(0x1f000000, SZ_64K);
	memblock_mark_hotplug(0x2000000, SZ_1M);
	memblock_clear_hotplug(0x2000000, SZ_64K);
	memblock_remove(0x80000000ULL + 7 * SZ_2M, SZ_4M);
	memblock_cap_memory_range(0, 0x90000000ULL);
	memblock_mem_limit_remove_map(0x30000000);
	memblock_enforce_memory_limit(0x2f000000);
	memblock_free_all();
}

static struct memblock_region snap_mem[1024], snap_rsv[1024];

static void replay_reproduces_state(void)
{
	static union {
		uint64_t align;
		unsigned char bytes[MB_EVLOG_HEADER_SIZE + 4096 * MB_EVLOG_RECORD_SIZE];
	} first, second;
	struct mb_evlog_header *h1 = (struct mb_evlog_header *)first.bytes;
	struct mb_evlog_header *h2 = (struct mb_evlog_header *)second.bytes;
	struct mb_evlog_record *r1 = (struct mb_evlog_record *)(first.bytes + MB_EVLOG_HEADER_SIZE);
	struct mb_evlog_record *r2 = (struct mb_evlog_record *)(second.bytes + MB_EVLOG_HEADER_SIZE);
	unsigned long mcnt, rcnt, doubles = 0, same = 0, depth0 = 0;
	phys_addr_t mtot, rtot;
	uint64_t i;

	mb_evlog_init(first.bytes, sizeof(first.bytes));
	boot_sequence();
	CHECK_EQ(h1->dropped, 0);
	CHECK(memblock.reserved.max >= 256);
	CHECK(memblock.memory.max >= 256);
	mcnt = MEM->cnt;
	rcnt = RSV->cnt;
	mtot = MEM->total_size;
	rtot = RSV->total_size;
	CHECK(mcnt <= 1024 && rcnt <= 1024);
	memcpy(snap_mem, MEM->regions, mcnt * sizeof(snap_mem[0]));
	memcpy(snap_rsv, RSV->regions, rcnt * sizeof(snap_rsv[0]));

	/* replay the depth-0 records from the initial state */
	t_reset();
	mb_evlog_init(second.bytes, sizeof(second.bytes));
	for (i = 0; i < h1->written; i++) {
		if (r1[i].depth) {
			doubles++;
			continue;
		}
		depth0++;
		same += replay_one(&r1[i]) == r1[i].result;
	}
	CHECK(doubles >= 2);
	CHECK_EQ(same, depth0);
	CHECK_EQ(MEM->cnt, mcnt);
	CHECK_EQ(RSV->cnt, rcnt);
	CHECK_EQ(MEM->total_size, mtot);
	CHECK_EQ(RSV->total_size, rtot);
	CHECK(memcmp(snap_mem, MEM->regions, mcnt * sizeof(snap_mem[0])) == 0);
	CHECK(memcmp(snap_rsv, RSV->regions, rcnt * sizeof(snap_rsv[0])) == 0);
	/* and the replay logged the same events, internal ones included */
	CHECK_EQ(h2->written, h1->written);
	for (i = 0, same = 0; i < h1->written && i < h2->written; i++)
		same += r1[i].op == r2[i].op && r1[i].base == r2[i].base &&
			r1[i].size == r2[i].size && r1[i].result == r2[i].result &&
			r1[i].memory_cnt == r2[i].memory_cnt &&
			r1[i].reserved_cnt == r2[i].reserved_cnt && r1[i].depth == r2[i].depth;
	CHECK_EQ(same, h1->written);
}

static const struct t_case cases[] = {
	{ "evlog_header_fields", header_fields },
	{ "evlog_every_call_one_record", every_call_one_record },
	{ "evlog_failure_records", failure_records },
	{ "evlog_caller_is_return_address", caller_is_return_address },
	{ "evlog_double_array_record", double_array_record },
	{ "evlog_trim_refuses_wrap", trim_refuses_wrap },
	{ "evlog_double_array_failure_record", double_array_failure_record },
	{ "evlog_overflow_counted_not_overwritten", overflow_counted },
	{ "evlog_no_log_before_init", no_log_before_init },
	{ "evlog_replay_reproduces_state", replay_reproduces_state },
};

const struct t_group t_group_evlog = T_GROUP("evlog", cases);
