// SPDX-License-Identifier: GPL-2.0-only
/* mkcapture.c - make deterministic synthetic captures by driving the host memblock. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/capture.h"
#include "memblock.h"
#include "mb_evlog.h"

/*
 * mb-mkcapture -n EVENTS [-v VARIANT] [--dropped N] [--console LOG] -o FILE
 *
 * Runs a pseudo-random but fixed boot-like sequence of memblock calls on the
 * host build (top-down allocations from many callers, frees, reservations,
 * NUMA node setting, enough scattered reservations to double the reserved
 * array) and writes what the host event log recorded plus the final arrays,
 * exactly like a capture of the kernel.  The same arguments always give the
 * same file.  VARIANT 1 changes a few sizes and callers (for diff tests).
 * --console also writes the run as memblock=debug console text.
 */

static const char *const callers[] = {
	"setup_arch", "e820__memblock_setup", "reserve_real_mode", "init_mem_mapping",
	"acpi_reserve_initial_tables", "sparse_init", "sparse_init_nid",
	"vmemmap_alloc_block_zero.constprop.0", "pcpu_fc_alloc", "pcpu_embed_first_chunk",
	"alloc_large_system_hash", "start_kernel", "firmware_map_add_early",
	"alloc_bootmem_cpumask_var", "mb_boot_page_tables", "mb_numa_init",
};

#define NCALLERS (sizeof(callers) / sizeof(callers[0]))

static uint32_t rng = 2463534242u;

static uint32_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

struct who {
	uint32_t caller;
	uint32_t off;
};

static struct who *who;
static size_t who_cap;

/* Attribute every record written since @before to caller @c. */
static void mark(uint64_t before, uint32_t c, uint32_t off)
{
	struct mb_evlog_header *h = mb_evlog_header();
	uint64_t i;

	for (i = before; i < h->written && i < who_cap; i++) {
		who[i].caller = c;
		who[i].off = off;
	}
}

/* --console: the same run as memblock=debug console text (for import benchmarks). */
static FILE *console;
static uint32_t cur_caller, cur_off;

static void print_hook(const char *text, void *ctx)
{
	fputs(text, console);
}

static int symbolize(uint64_t addr, char *buf, size_t len, void *ctx)
{
	uint64_t arn = (uint64_t)(uintptr_t)memblock_alloc_range_nid;

	/* memblock's own call sites; everything else is the simulated caller. */
	if (addr >= arn && addr < arn + 0x180)
		snprintf(buf, len, "memblock_alloc_range_nid+0x%x/0x180", (unsigned int)(addr - arn));
	else if (addr == (uint64_t)(uintptr_t)memblock_free)
		snprintf(buf, len, "memblock_free+0x0/0x60");
	else
		snprintf(buf, len, "%s+0x%x/0x400", callers[cur_caller], cur_off);
	return 0;
}

static uint64_t written(void)
{
	return mb_evlog_header()->written;
}

#define CALL(c, off, expr) do {			\
		uint64_t b_ = written();		\
		cur_caller = (c);			\
		cur_off = (off);			\
		expr;					\
		mark(b_, (c), (off));			\
	} while (0)

static void no_pages(phys_addr_t b, phys_addr_t s, void *ctx)
{
}

static void copy_array(struct mb_array *a, const struct memblock_type *t)
{
	unsigned long i;

	a->cnt = t->cnt;
	a->max = t->max;
	a->total_size = t->total_size;
	a->regions = calloc(t->cnt + 1, sizeof(*a->regions));
	for (i = 0; i < t->cnt; i++) {
		a->regions[i].base = t->regions[i].base;
		a->regions[i].size = t->regions[i].size;
		a->regions[i].flags = t->regions[i].flags;
		a->regions[i].nid = t->regions[i].nid;
	}
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "events", required_argument, NULL, 'n' },
		{ "variant", required_argument, NULL, 'v' },
		{ "dropped", required_argument, NULL, 'd' },
		{ "output", required_argument, NULL, 'o' },
		{ "console", required_argument, NULL, 'c' },
		{ NULL, 0, NULL, 0 },
	};
	unsigned long long n = 1000, dropped = 0;
	uint64_t *live = NULL, *live_size = NULL;
	size_t live_cap = 0;
	const char *out = NULL;
	struct mb_capture *c;
	struct mb_error err = { 0 };
	struct mb_evlog_header *h;
	const struct mb_evlog_record *rec;
	uint32_t syms[NCALLERS];
	size_t cap, bytes, i, nlive = 0;
	uint8_t *buf;
	int variant = 0, opt;
	char meta[128];

	while ((opt = getopt_long(argc, argv, "n:v:d:o:c:", opts, NULL)) != -1) {
		switch (opt) {
		case 'n':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			variant = atoi(optarg);
			break;
		case 'd':
			dropped = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			out = optarg;
			break;
		case 'c':
			console = fopen(optarg, "w");
			if (!console) {
				perror(optarg);
				return 1;
			}
			break;
		default:
			fprintf(stderr, "usage: mb-mkcapture -n EVENTS [-v VARIANT] [-d DROPPED] -o FILE\n");
			return 2;
		}
	}
	if (!out || n < 10) {
		fprintf(stderr, "usage: mb-mkcapture -n EVENTS (>= 10) [-v VARIANT] -o FILE\n");
		return 2;
	}
	cap = (size_t)n + (size_t)n / 4 + 4096;
	bytes = MB_EVLOG_HEADER_SIZE + cap * MB_EVLOG_RECORD_SIZE;
	buf = malloc(bytes);
	who_cap = cap;
	who = calloc(cap, sizeof(*who));
	if (!buf || !who) {
		fprintf(stderr, "mb-mkcapture: out of memory\n");
		return 1;
	}
	memblock_reset_state();
	memblock_set_free_pages_hook(no_pages, NULL);
	mb_evlog_init(buf, bytes);
	h = mb_evlog_header();
	if (console) {
		memblock_set_print_hook(print_hook, NULL);
		memblock_set_symbolizer(symbolize, NULL);
		memblock_debug = 1;
		__memblock_dump_all();
	}

	/* Firmware map and early reservations. */
	CALL(1, 0x73, memblock_add(0x1000, 0x9e000));
	CALL(1, 0x73, memblock_add(0x100000, (variant ? 0xbff00000ULL : 0xbfe00000ULL)));
	CALL(1, 0x73, memblock_add(0x100000000ULL, 0x40000000ULL));
	CALL(0, 0x792, memblock_reserve(0, 0x10000));
	CALL(0, 0x7d6, memblock_reserve(0x1000000, variant ? 0x2c11000 : 0x2811000));
	CALL(1, 0x90, memblock_allow_resize());
	CALL(1, 0x95, memblock_set_current_limit(0x100000));
	CALL(2, 0x50, memblock_phys_alloc_range(0x7000, 0x1000, 0, 0x100000));
	CALL(1, 0xa0, memblock_set_current_limit(0x140000000ULL));
	CALL(15, 0x30, memblock_set_node(0, 0xc0000000ULL, &memblock.memory, 0));
	CALL(15, 0x38, memblock_set_node(0x100000000ULL, 0x40000000ULL, &memblock.memory, 1));
	CALL(15, 0x40, memblock_mark_hotplug(0x100000000ULL, 0x40000000ULL));
	/* Scattered ACPI-like reservations: more than 128 regions, array doubles. */
	for (i = 0; i < 160 && written() < n; i++)
		CALL(4, 0x4a, memblock_reserve(0x200000 + i * 0x2000, 0x1000));

	while (written() < n) {
		uint32_t r = rnd() % 100, who_c = 5 + rnd() % 10, off = 0x10 + (rnd() % 8) * 0x8;
		/*
		 * After the first 2000 calls everything is 64-byte granular, so
		 * top-down allocations and LIFO frees stay contiguous and the
		 * arrays keep a boot-like size however long the run.
		 */
		bool early = written() < 2000;
		uint64_t pa = early ? 0x1000 : 0x40;
		uint64_t size = (uint64_t)(1 + rnd() % 64) * (rnd() % 4 || !early ? 0x40 : 0x1000);
		uint64_t got = 0;

		if (variant && who_c == 10)
			size *= 2;
		if (r < 30) {
			void *p;

			CALL(who_c, off, p = memblock_alloc_try_nid(size, 0x40, 0, 0, -1));
			got = (uint64_t)(uintptr_t)p;
		} else if (r < 38) {
			CALL(who_c, off, got = memblock_phys_alloc_range(size, pa, 0x100000,
									 0xc0000000ULL));
		} else if (r < 43) {
			void *p;

			CALL(who_c, off, p = memblock_alloc_node(size, 0x40, (int)(rnd() % 2)));
			got = (uint64_t)(uintptr_t)p;
		} else if (r < 45) {
			CALL(who_c, off, got = memblock_phys_alloc_try_nid(size, pa, 0));
		} else if (r < 88 && nlive) {
			/* Random and partial frees fragment: only early on. */
			uint32_t how = early ? rnd() % 20 : 0;
			size_t k = how < 17 ? nlive - 1 : rnd() % nlive;
			uint64_t fs = live_size[k];

			if (how == 19 && fs > 0x80)
				fs /= 2;
			CALL(who_c, off, memblock_phys_free(live[k], fs));
			live[k] = live[--nlive];
			live_size[k] = live_size[nlive];
		} else if (r < 96 && early) {
			uint64_t b = 0x400000 + (uint64_t)(rnd() % 64) * 0x3000;

			CALL(who_c, off, memblock_reserve(b, 0x1000));
		} else if (early) {
			uint64_t b = 0x100000000ULL + (uint64_t)(rnd() % 8) * 0x4000000;

			if (r < 98)
				CALL(who_c, off, memblock_mark_nomap(b, 0x100000));
			else
				CALL(who_c, off, memblock_clear_nomap(b, 0x100000));
		}
		if (got) {
			if (nlive == live_cap) {
				live_cap = live_cap ? live_cap * 2 : 1024;
				live = realloc(live, live_cap * sizeof(*live));
				live_size = realloc(live_size, live_cap * sizeof(*live_size));
				if (!live || !live_size)
					return 1;
			}
			live[nlive] = got;
			live_size[nlive++] = size;
		}
	}

	if (console) {
		__memblock_dump_all();
		memblock_debug = 0;
		memblock_set_print_hook(NULL, NULL);
		fclose(console);
	}
	c = mb_capture_new();
	if (!c)
		return 1;
	c->source = MB_SRC_UNKNOWN;
	c->boot_state = MB_BOOT_STATE_DONE;
	c->log_capacity = h->capacity;
	c->log_written = h->written;
	c->log_dropped = dropped;
	c->build_id_len = 20;
	for (i = 0; i < 20; i++)
		c->build_id[i] = (uint8_t)(0xa0 + i + variant);
	for (i = 0; i < NCALLERS; i++)
		syms[i] = mb_capture_intern_sym(c, callers[i]);
	snprintf(meta, sizeof(meta), "mb-mkcapture -n %llu -v %d", n, variant);
	mb_capture_set_meta(c, "generator", meta);
	mb_capture_set_meta(c, "ram_size", variant ? "4095M" : "4094M");
	if (mb_capture_reserve_events(c, h->written, &err))
		return 1;
	rec = (const struct mb_evlog_record *)(buf + MB_EVLOG_HEADER_SIZE);
	for (i = 0; i < h->written; i++) {
		struct mb_event e;

		/* The host's TSC and return addresses would vary from run to run. */
		e.rec = rec[i];
		e.rec.tsc = 0;
		e.rec.caller = 0;
		e.caller_sym = syms[who[i].caller];
		e.caller_off = who[i].off;
		e.rec.caller = 0xffffffff81000000ULL + who[i].caller * 0x1000ULL + who[i].off;
		if (mb_capture_add_event(c, &e, &err))
			return 1;
	}
	c->final.valid = true;
	c->final.bottom_up = memblock.bottom_up;
	c->final.current_limit = memblock.current_limit;
	copy_array(&c->final.memory, &memblock.memory);
	copy_array(&c->final.reserved, &memblock.reserved);
	free(buf);
	free(who);
	free(live);
	free(live_size);
	if (mb_capture_write(c, out, &err)) {
		fprintf(stderr, "mb-mkcapture: %s\n", err.msg);
		return 1;
	}
	mb_capture_free(c);
	memblock_reset_state();
	return 0;
}
