// SPDX-License-Identifier: GPL-2.0-only
/* main.c - the test kernel's boot sequence, modelled on x86 Linux's setup_arch(). */
#include "memblock.h"
#include "mb_evlog.h"
#include "kern/lib.h"
#include "kern/arch.h"
#include "kern/boot.h"
#include "kern/kallsyms.h"
#include "kern/page_alloc.h"
#include "kern/server.h"
#include "kern/evlog_area.h"

#ifndef MB_KERNEL_NAME
#define MB_KERNEL_NAME "kernel"
#endif
#if defined(MB_KERNEL_DOUBLING)
#define MB_VARIANT "doubling"
#elif defined(MB_KERNEL_MULTIBOOT)
#define MB_VARIANT "multiboot"
#else
#define MB_VARIANT "default"
#endif

#define __noinline	__attribute__((noinline))
#define BIOS_START_MIN	0x20000ULL	/* as Linux's reserve_bios_regions() */
#define BIOS_START_MAX	0x9f000ULL
#define ISA_END_ADDRESS	SZ_1M
#define NODE_DATA_SIZE	0x2b000ULL	/* a pg_data_t's size in a 6.x x86-64 kernel */
#define STRUCT_PAGE_SIZE 64ULL
#define PCPU_UNIT_SIZE	0x40000ULL	/* one CPU's per-CPU area */
#define TRAMPOLINE_SIZE	0x7000ULL	/* real-mode trampoline, as Linux reserves */
#define BADRAM_PAGES	200		/* doubling variant: reservations made */

/*
 * Every memblock call the boot makes goes through MB(), which counts it.
 * The count is printed in the summary; tests compare it with the number of
 * top-level (depth 0) records in the event log.
 */
static unsigned long mb_boot_calls;
#define MB(call) ({ mb_boot_calls++; call; })

extern char _text[], _end[];
extern const char __build_id_note_start[], __build_id_note_end[];

static struct boot_info boot_info;
static struct boot_params boot_params;
static struct acpi_info acpi_info;
static uint64_t direct_map_end = SZ_4G;	/* entry.S maps the first 4 GiB */
static int nr_nodes = 1;
static int node_cpus[MAX_NODES];
static uint8_t build_id[MB_EVLOG_BUILD_ID_MAX];
static uint32_t build_id_len;
static char build_id_hex[2 * MB_EVLOG_BUILD_ID_MAX + 1];
static uint64_t tsc_hz;

static __noreturn void boot_panic(const char *msg)
{
	mb_shim_panic(msg);
}

/* The GNU build-id note: namesz, descsz, type, "GNU\0", descriptor. */
static void read_build_id(void)
{
	const uint32_t *n = (const uint32_t *)__build_id_note_start;

	if (__build_id_note_end - __build_id_note_start < 16 || n[2] != 3 || n[0] != 4)
		return;
	build_id_len = MIN(n[1], (uint32_t)MB_EVLOG_BUILD_ID_MAX);
	memcpy(build_id, (const uint8_t *)(n + 3) + 4, build_id_len);
	for (uint32_t i = 0; i < build_id_len; i++)
		mb_snprintf(build_id_hex + 2 * i, 3, "%02x", build_id[i]);
}

static const char *e820_type_name(uint32_t type)
{
	switch (type) {
	case E820_TYPE_RAM:		return "usable";
	case E820_TYPE_RESERVED:	return "reserved";
	case E820_TYPE_ACPI:		return "ACPI data";
	case E820_TYPE_NVS:		return "ACPI NVS";
	case E820_TYPE_UNUSABLE:	return "unusable";
	case E820_TYPE_PMEM:		return "persistent (type 7)";
	case E820_TYPE_SOFT_RESERVED:	return "soft reserved";
	default:			return "type";
	}
}

static void e820_print_map(void)
{
	printk("BIOS-provided physical RAM map:\n");
	for (uint32_t i = 0; i < boot_info.nr_e820; i++) {
		const struct e820_entry *e = &boot_info.e820[i];

		printk("BIOS-e820: [mem 0x%016llx-0x%016llx] %s\n", (unsigned long long)e->addr,
		       (unsigned long long)(e->addr + e->size - 1), e820_type_name(e->type));
	}
}

/* Kernel image, page 0, initrd and the loader's own data: Linux's early_reserve_memory(). */
static __noinline void early_reserve_memory(void)
{
	/* the kernel image: text, data, bss (with the event log), symbol table */
	MB(memblock_reserve((phys_addr_t)(uintptr_t)_text, (phys_addr_t)(_end - _text)));
	/* page 0 and the BIOS scratch area: the first 64 KiB */
	MB(memblock_reserve(0, SZ_64K));
	/* the initrd and other modules (PVH modules) */
	for (uint32_t i = 0; i < boot_info.nr_modules; i++)
		MB(memblock_reserve(boot_info.modules[i].paddr, boot_info.modules[i].size));
	/* the loader's hand-over: start info, memory map, module list, command line */
	MB(memblock_reserve(boot_info.start_info, boot_info.start_info_size));
	MB(memblock_reserve(boot_info.memmap_paddr, boot_info.memmap_size));
	if (boot_info.modlist_paddr)
		MB(memblock_reserve(boot_info.modlist_paddr, boot_info.modlist_size));
	if (boot_info.cmdline_paddr)
		MB(memblock_reserve(boot_info.cmdline_paddr, boot_info.cmdline_size));
}

/* The EBDA and the BIOS area up to 1 MiB: Linux's reserve_bios_regions(). */
static __noinline void reserve_bios_regions(void)
{
	uint64_t bios_start = (uint64_t)*(volatile uint16_t *)phys_ptr(0x40e) << 4;
	uint64_t lowmem = (uint64_t)*(volatile uint16_t *)phys_ptr(0x413) << 10;

	if (lowmem < BIOS_START_MIN || lowmem > BIOS_START_MAX)
		lowmem = BIOS_START_MAX;
	if (bios_start < BIOS_START_MIN || bios_start > lowmem)
		bios_start = lowmem;
	MB(memblock_reserve(bios_start, ISA_END_ADDRESS - bios_start));
}

/* The early parameters (parsed in kmain): memblock=debug takes effect from here on. */
static __noinline void parse_early_param(void)
{
	memblock_debug = boot_params.memblock_debug;
	/* movable_node: allocations skip hot-pluggable memory */
	if (boot_params.movable_node)
		MB(memblock_set_movable_node(true));
	/* kernelcore=mirror: memblock_mark_mirror() takes effect */
	if (boot_params.mirror)
		MB(memblock_set_mirrored_kernelcore(true));
	if (boot_params.nr_unknown)
		printk("Unknown kernel command line parameters \"%s\", will be passed to user space.\n",
		       boot_params.unknown);
}

/* Usable e820 ranges to memblock.memory, as Linux's e820__memblock_setup(). */
static __noinline void e820__memblock_setup(void)
{
	/* movable_node (and our bottom-up switch) allocate bottom-up, near the kernel */
	if (boot_params.movable_node || boot_params.bottom_up)
		MB(memblock_set_bottom_up(true));
	/* nothing above the ISA range is mapped for memblock yet */
	MB(memblock_set_current_limit(ISA_END_ADDRESS));
	/* the region arrays may now grow by doubling */
	MB(memblock_allow_resize());
	for (uint32_t i = 0; i < boot_info.nr_e820; i++) {
		const struct e820_entry *e = &boot_info.e820[i];
		uint64_t start = e->addr, end = e->addr + e->size;

		if (e->type == E820_TYPE_SOFT_RESERVED) {
			MB(memblock_reserve(e->addr, e->size));
			continue;
		}
		if (e->type != E820_TYPE_RAM)
			continue;
		/* e820 sanitising: page 0 is reserved, 0xa0000-1M is not RAM */
		if (start < PAGE_SIZE)
			start = PAGE_SIZE;
		if (start < 0xa0000 && end > 0xa0000) {
			MB(memblock_add(start, 0xa0000 - start));
			start = 0xa0000;
		}
		if (start >= 0xa0000 && start < ISA_END_ADDRESS)
			start = ISA_END_ADDRESS;
		if (end > start)
			MB(memblock_add(start, end - start));
	}
	/* mem=: keep only that much memory */
	if (boot_params.mem_limit)
		MB(memblock_enforce_memory_limit(boot_params.mem_limit));
	/* drop partial pages at region edges */
	MB(memblock_trim_memory(PAGE_SIZE));
	memblock_dump_all();
}

/* The real-mode trampoline below 1 MiB, then all of low memory: Linux's reserve_real_mode(). */
static __noinline void reserve_real_mode(void)
{
	phys_addr_t tramp = MB(memblock_phys_alloc_range(TRAMPOLINE_SIZE, PAGE_SIZE, 0,
							  ISA_END_ADDRESS));

	if (!tramp)
		printk("Cannot allocate real-mode trampoline\n");
	/* Linux reserves all of the first 1 MiB (BIOS corruption, L1TF) */
	MB(memblock_reserve(0, ISA_END_ADDRESS));
}

static __noinline uint64_t *alloc_low_page(void)
{
	phys_addr_t pa = MB(memblock_phys_alloc_range(PAGE_SIZE, PAGE_SIZE, 0, SZ_4G));

	if (!pa)
		boot_panic("init_mem_mapping: out of page-table memory");
	memset((void *)(uintptr_t)pa, 0, PAGE_SIZE);
	return (uint64_t *)(uintptr_t)pa;
}

/*
 * The direct map: page tables allocated from memblock, identity mapping all
 * RAM (and at least 4 GiB, for firmware tables) with 2 MiB pages. Then
 * memblock may hand out anything that is mapped.
 */
static __noinline void init_mem_mapping(void)
{
	uint64_t ram_end = memblock_end_of_DRAM();
	uint64_t map_end = ALIGN_UP(MAX(ram_end, SZ_4G), SZ_1G);
	uint64_t *pml4, *pdpt;

	if (map_end > 512 * SZ_1G)
		map_end = 512 * SZ_1G;
	pml4 = alloc_low_page();
	pdpt = alloc_low_page();
	for (uint64_t g = 0; g < map_end / SZ_1G; g++) {
		uint64_t *pd = alloc_low_page();

		for (uint64_t j = 0; j < 512; j++)
			pd[j] = (g * SZ_1G + j * SZ_2M) | 0x83;
		pdpt[g] = (uint64_t)(uintptr_t)pd | 0x3;
	}
	pml4[0] = (uint64_t)(uintptr_t)pdpt | 0x3;
	write_cr3((uint64_t)(uintptr_t)pml4);
	direct_map_end = map_end;
	printk("init_memory_mapping: [mem 0x%08llx-0x%08llx]\n", 0ULL,
	       (unsigned long long)(map_end - 1));
	/* allocations may now come from all mapped RAM */
	MB(memblock_set_current_limit(ram_end));
}

/* Every ACPI table stays: Linux's acpi_reserve_initial_tables() (plus RSDP and RSDT/XSDT). */
static __noinline void acpi_reserve_initial_tables(void)
{
	if (!acpi_info.rsdp)
		return;
	MB(memblock_reserve(acpi_info.rsdp, acpi_info.rsdp_len));
	for (int i = 0; i < acpi_info.nr_tables; i++) {
		const struct acpi_table_ref *t = &acpi_info.tables[i];

		printk("ACPI: Reserving %s table memory at [mem 0x%llx-0x%llx]\n", t->sig,
		       (unsigned long long)t->paddr, (unsigned long long)(t->paddr + t->len - 1));
		MB(memblock_reserve(t->paddr, t->len));
	}
}

static __noinline void alloc_node_data(int nid)
{
	void *nd = MB(memblock_alloc_node(NODE_DATA_SIZE, SMP_CACHE_BYTES, nid));
	uint64_t pa = (uint64_t)(uintptr_t)nd;

	if (!nd)
		boot_panic("Cannot allocate node data");
	printk("NODE_DATA(%d) allocated [mem %#010llx-%#010llx]\n", nid,
	       (unsigned long long)pa, (unsigned long long)(pa + NODE_DATA_SIZE - 1));
}

/* NUMA from the SRAT (or one fake node): Linux's numa_init() and friends. */
static __noinline void initmem_init(void)
{
	bool srat = acpi_info.nr_nodes > 0 && !boot_params.numa_off;

	/* start with no node on anything */
	MB(memblock_set_node(0, PHYS_ADDR_MAX, &memblock.memory, MAX_NUMNODES));
	MB(memblock_set_node(0, PHYS_ADDR_MAX, &memblock.reserved, MAX_NUMNODES));
	if (srat) {
		nr_nodes = acpi_info.nr_nodes;
		for (int i = 0; i < acpi_info.nr_srat_mem; i++) {
			const struct srat_mem *m = &acpi_info.srat_mem[i];

			/* the SRAT's node for this range */
			MB(memblock_set_node(m->base, m->size, &memblock.memory, m->nid));
			if (m->hotplug)
				MB(memblock_mark_hotplug(m->base, m->size));
		}
		for (int i = 0; i < acpi_info.nr_srat_mem; i++) {
			const struct srat_mem *m = &acpi_info.srat_mem[i];

			/* reserved ranges get their node too (numa_clear_kernel_node_hotplug) */
			MB(memblock_set_node(m->base, m->size, &memblock.reserved, m->nid));
		}
		int with_cpus = 0;

		for (int n = 0; n < nr_nodes; n++) {
			node_cpus[n] = acpi_info.node_cpus[n];
			with_cpus += node_cpus[n];
		}
		/* an SRAT without processor affinity: all CPUs on the first node */
		if (!with_cpus)
			node_cpus[0] = acpi_info.nr_cpus;
	} else {
		printk("No NUMA configuration found\n");
		printk("Faking a node at [mem %#018llx-%#018llx]\n", 0ULL,
		       (unsigned long long)(memblock_end_of_DRAM() - 1));
		nr_nodes = 1;
		MB(memblock_set_node(0, PHYS_ADDR_MAX, &memblock.memory, 0));
		MB(memblock_set_node(0, PHYS_ADDR_MAX, &memblock.reserved, 0));
		node_cpus[0] = acpi_info.nr_cpus;
	}
	for (int n = 0; n < nr_nodes; n++)
		alloc_node_data(n);
	memblock_dump_all();
}

static uint64_t node_pages(int nid)
{
	unsigned long start, end, pages = 0;
	int i;

	for_each_mem_pfn_range(i, nid, &start, &end, NULL)
		pages += end - start;
	return pages;
}

/* One node's struct-page array (vmemmap) and usemap: Linux's sparse_init_nid(). */
static __noinline void sparse_init_nid(int nid)
{
	uint64_t pages = node_pages(nid);
	uint64_t map_size = ALIGN_UP(pages * STRUCT_PAGE_SIZE, SZ_2M);
	uint64_t usemap = ALIGN_UP((pages / 512 + 1) * 8, SMP_CACHE_BYTES);
	void *map, *use;

	if (!pages)
		return;
	use = MB(memblock_alloc_try_nid(usemap, SMP_CACHE_BYTES, 0,
					MEMBLOCK_ALLOC_ACCESSIBLE, nid));
	/* raw: the array is never zeroed here, only accounted */
	map = MB(memblock_alloc_exact_nid_raw(map_size, SZ_2M, SZ_16M,
					      MEMBLOCK_ALLOC_ACCESSIBLE, nid));
	if (!map)
		map = MB(memblock_alloc_try_nid_raw(map_size, PAGE_SIZE, 0,
						    MEMBLOCK_ALLOC_ACCESSIBLE, nid));
	if (!use || !map)
		printk("sparse_init_nid: node %d: cannot allocate struct pages\n", nid);
}

/* Struct pages for every node: 64 bytes per 4 KiB page. */
static __noinline void sparse_init(void)
{
	for (int n = 0; n < nr_nodes; n++)
		sparse_init_nid(n);
}

/* Per-CPU first chunk, one unit per CPU, embedded per node: Linux's pcpu_embed_first_chunk(). */
static __noinline void setup_per_cpu_areas(void)
{
	int cpus = acpi_info.nr_cpus;
	void *ai = MB(memblock_alloc(PAGE_SIZE, PAGE_SIZE));

	if (!ai)
		boot_panic("setup_per_cpu_areas: no alloc info");
	for (int n = 0; n < nr_nodes; n++) {
		uint64_t used = node_cpus[n] * PCPU_UNIT_SIZE;
		uint64_t chunk = ALIGN_UP(used, SZ_2M);
		void *p;

		if (!used)
			continue;
		p = MB(memblock_alloc_try_nid(chunk, SZ_2M, SZ_16M, MEMBLOCK_ALLOC_ACCESSIBLE, n));
		if (!p) {
			printk("setup_per_cpu_areas: node %d: no memory for %d units\n", n,
			       node_cpus[n]);
			continue;
		}
		/* give back the unused tail of the 2 MiB atom */
		if (chunk > used)
			MB(memblock_phys_free((phys_addr_t)(uintptr_t)p + used, chunk - used));
	}
	/* group offsets, unit map, unit offsets, cpu maps: sized by CPU count */
	MB(memblock_alloc(cpus * sizeof(unsigned long), SMP_CACHE_BYTES));
	MB(memblock_alloc(cpus * sizeof(int), SMP_CACHE_BYTES));
	MB(memblock_alloc(cpus * sizeof(unsigned long), SMP_CACHE_BYTES));
	MB(memblock_alloc(ALIGN_UP(cpus, 64) / 8, SMP_CACHE_BYTES));
	printk("percpu: Embedded %llu pages/cpu s%llu r0 d0 u%llu, %d CPUs on %d nodes\n",
	       (unsigned long long)(PCPU_UNIT_SIZE / PAGE_SIZE),
	       (unsigned long long)PCPU_UNIT_SIZE, (unsigned long long)PCPU_UNIT_SIZE,
	       cpus, nr_nodes);
}

/* A hash table sized by RAM: Linux's alloc_large_system_hash(). */
static __noinline void alloc_large_system_hash(const char *name, uint64_t bucket,
					       unsigned int scale)
{
	uint64_t pages = (memblock_phys_mem_size() - memblock_reserved_size()) >> PAGE_SHIFT;
	uint64_t entries = 1, size;
	unsigned int order = 0;
	void *table;

	if ((int64_t)pages <= 0)
		pages = 1;
	pages = scale > PAGE_SHIFT ? pages >> (scale - PAGE_SHIFT) : pages;
	while (entries < pages)
		entries <<= 1;
	if (entries < 16)
		entries = 16;
	size = entries * bucket;
	while ((PAGE_SIZE << order) < size)
		order++;
	table = MB(memblock_alloc(size, SMP_CACHE_BYTES));
	if (!table) {
		printk("Failed to allocate %s hash table\n", name);
		return;
	}
	printk("%s hash table entries: %llu (order: %u, %llu bytes, linear)\n", name,
	       (unsigned long long)entries, order, (unsigned long long)size);
}

static __noinline void vfs_caches_init_early(void)
{
	alloc_large_system_hash("Dentry cache", 8, 13);
	alloc_large_system_hash("Inode-cache", 8, 14);
	alloc_large_system_hash("Mount-cache", 16, 23);
	alloc_large_system_hash("Mountpoint-cache", 16, 23);
}

#ifdef MB_KERNEL_DOUBLING
/*
 * Doubling variant: a firmware "bad RAM" list of single pages, each reserved
 * separately (like early_memtest marking bad pages), enough to outgrow the
 * 128-entry reserved array and force memblock_double_array().
 */
static __noinline void reserve_bad_pages(void)
{
	uint64_t span = ALIGN_UP(BADRAM_PAGES * 2 * PAGE_SIZE, SZ_2M);
	phys_addr_t base = MB(memblock_phys_alloc_range(span, SZ_2M, SZ_16M,
							 memblock_get_current_limit()));

	if (!base) {
		printk("memtest: no room for the bad-page list\n");
		return;
	}
	/* find a free window, then give it back and mark every other page bad */
	MB(memblock_phys_free(base, span));
	for (int i = 0; i < BADRAM_PAGES; i++)
		MB(memblock_reserve(base + (uint64_t)i * 2 * PAGE_SIZE, PAGE_SIZE));
	printk("memtest: %d bad pages reserved in [mem %#010llx-%#010llx]\n", BADRAM_PAGES,
	       (unsigned long long)base, (unsigned long long)(base + span - 1));
}
#endif

/* The end of early boot: Linux's mem_init() handing memblock's free pages over. */
static __noinline void mem_init(void)
{
	unsigned long freed = MB(memblock_free_all());
	uint64_t total = memblock_phys_mem_size();

	printk("Memory: %lluK/%lluK available (%lluK reserved), %lu pages freed\n",
	       (unsigned long long)(page_alloc_free_pages() * PAGE_SIZE >> 10),
	       (unsigned long long)(total >> 10),
	       (unsigned long long)((total - page_alloc_free_pages() * PAGE_SIZE) >> 10),
	       freed);
	/* the page allocator works: take two pages and give them back */
	{
		uint64_t a = alloc_page(), b = alloc_page();

		if (!a || !b || a == b)
			boot_panic("page allocator self-test failed");
		free_page(b);
		free_page(a);
	}
}

static unsigned long long count_depth0_records(void)
{
	const struct mb_evlog_header *h = mb_evlog_header();
	const struct mb_evlog_record *r = (const void *)((const char *)h + h->header_size);
	unsigned long long n = 0;

	for (uint64_t i = 0; i < h->written && i < h->capacity; i++)
		n += r[i].depth == 0;
	return n;
}

static void hexdump_log(void)
{
	const struct mb_evlog_header *h = mb_evlog_header();
	const uint8_t *p = (const void *)h;
	uint64_t bytes = h->header_size + h->written * h->record_size;
	char line[2 * 96 + 1];

	printk("mbk-evlog: begin bytes=%llu\n", (unsigned long long)bytes);
	for (uint64_t off = 0; off < bytes; off += 96) {
		uint64_t n = MIN(96ULL, bytes - off);

		for (uint64_t i = 0; i < n; i++)
			mb_snprintf(line + 2 * i, 3, "%02x", p[off + i]);
		printk("mbk-evlog: %06llx %s\n", (unsigned long long)off, line);
	}
	printk("mbk-evlog: end\n");
}

/* The machine-readable end of boot (tests parse these lines). */
static void final_report(void)
{
	const struct mb_evlog_header *h = mb_evlog_header();
	uint64_t initrd_base = boot_info.nr_modules ? boot_info.modules[0].paddr : 0;
	uint64_t initrd_size = boot_info.nr_modules ? boot_info.modules[0].size : 0;

	printk("mbk: final memblock state:\n");
	__memblock_dump_all();
	printk("mbk-summary: kernel=%s variant=%s proto=%s cpus=%d nodes=%d "
	       "memory.cnt=%lu memory.size=0x%llx reserved.cnt=%lu reserved.size=0x%llx "
	       "reserved.max=%lu memory.max=%lu free_pages=%llu calls=%lu records=%llu "
	       "depth0=%llu dropped=%llu bottom_up=%d mem_limit=0x%llx "
	       "initrd=0x%llx+0x%llx debug=%d build_id=%s\n",
	       MB_KERNEL_NAME, MB_VARIANT, boot_info.proto, acpi_info.nr_cpus, nr_nodes,
	       memblock.memory.cnt, (unsigned long long)memblock.memory.total_size,
	       memblock.reserved.cnt, (unsigned long long)memblock.reserved.total_size,
	       memblock.reserved.max, memblock.memory.max,
	       (unsigned long long)page_alloc_free_pages(), mb_boot_calls,
	       (unsigned long long)h->written, count_depth0_records(),
	       (unsigned long long)h->dropped, memblock_bottom_up(),
	       (unsigned long long)boot_params.mem_limit, (unsigned long long)initrd_base,
	       (unsigned long long)initrd_size, memblock_debug, build_id_hex);
	if (boot_params.hexdump_log)
		hexdump_log();
}

/* Early CPU, console and log state, before any memblock call. */
static void early_init(void)
{
	uart_init(COM1_PORT);
	uart_init(COM2_PORT);
	traps_init();
	read_build_id();
	tsc_hz = tsc_calibrate_hz();
	printk_set_tsc_hz(tsc_hz);
	/* memblock=debug output goes to COM1, callers symbolised by kallsyms */
	memblock_set_print_hook(printk_text, NULL);
	memblock_set_symbolizer(kallsyms_symbolize, NULL);
	/* memblock_free_all() hands free ranges to the page allocator */
	memblock_set_free_pages_hook(page_alloc_free_range, NULL);
}

/*
 * The event log lives in the image and records from the first memblock call
 * on; mb_evlog_records=N shrinks it (to see a full log's drop counting).
 */
static void evlog_setup(void)
{
	size_t bytes = sizeof(mb_evlog_area);
	uint64_t max = (bytes - MB_EVLOG_HEADER_SIZE) / MB_EVLOG_RECORD_SIZE;

	if (boot_params.evlog_records && boot_params.evlog_records < max)
		bytes = MB_EVLOG_HEADER_SIZE + boot_params.evlog_records * MB_EVLOG_RECORD_SIZE;
	mb_evlog_init(&mb_evlog_area, bytes);
	mb_evlog_set_state(MB_BOOT_STATE_BOOTING);
	mb_evlog_set_build_id(build_id, build_id_len);
	mb_evlog_set_memblock_addr((uint64_t)(uintptr_t)&memblock);
	mb_evlog_set_tsc_hz(tsc_hz);
	if (!boot_params.evlog_nochains)
		mb_evlog_set_chain_area(mb_evlog_chains, sizeof(mb_evlog_chains),
					(uint64_t)(uintptr_t)mb_evlog_chains);
}

/**
 * kmain() - C entry, called by entry.S in long mode; never returns
 * @start_info: %ebx at entry: PVH start-info block or Multiboot info
 * @proto: BOOT_PROTO_PVH or BOOT_PROTO_MULTIBOOT (0: unknown loader)
 */
void kmain(uint32_t start_info, uint32_t proto);
void kmain(uint32_t start_info, uint32_t proto)
{
	int err;

	early_init();
	evlog_setup();
	printk("memblock-cli test kernel %s (variant %s), build-id %s\n", MB_KERNEL_NAME,
	       MB_VARIANT, build_id_hex);
	/* what the loader handed over: memory map, command line, modules */
	if (proto == BOOT_PROTO_MULTIBOOT)
		err = multiboot_parse(start_info, &boot_info);
	else if (proto == BOOT_PROTO_PVH)
		err = pvh_parse(start_info, &boot_info);
	else
		err = -22;
	if (err)
		boot_panic("no boot information with a memory map (PVH or Multiboot)");
	printk("Boot protocol: %s\n", boot_info.proto);
	printk("Command line: %s\n", boot_info.cmdline);
	e820_print_map();
	cmdline_parse(boot_info.cmdline, &boot_params);	/* applied step by step below */
	if (boot_params.evlog_records || boot_params.evlog_nochains)
		evlog_setup();		/* again: nothing is recorded yet */

	/* setup_arch(), step by step */
	early_reserve_memory();		/* kernel image, first 64 KiB, initrd, loader data */
	reserve_bios_regions();		/* EBDA and BIOS area up to 1 MiB */
	parse_early_param();		/* memblock=debug, mem=, movable_node, bottom-up */
	if (boot_params.test_fault)	/* test hook: fault on an unmapped address */
		*(volatile uint64_t *)phys_ptr(0xdead0000000ULL) = 1;
	e820__memblock_setup();		/* limit 1 MiB, allow resize, add RAM, mem=, dump */
	reserve_real_mode();		/* trampoline below 1 MiB, then reserve all of it */
	init_mem_mapping();		/* direct-map page tables from memblock, raise limit */
	acpi_scan(boot_info.rsdp_paddr, &acpi_info);	/* RSDP, RSDT/XSDT, MADT, SRAT */
	acpi_reserve_initial_tables();	/* every ACPI table */
	initmem_init();			/* NUMA nodes from SRAT, NODE_DATA, dump */
	sparse_init();			/* struct-page arrays per node, sized by RAM */
	setup_per_cpu_areas();		/* per-CPU units sized by the MADT CPU count */
	vfs_caches_init_early();	/* hash tables sized by RAM */
#ifdef MB_KERNEL_DOUBLING
	reserve_bad_pages();		/* >128 reservations: reserved array doubles */
#endif
	mem_init();			/* memblock_free_all() into the page allocator */

	final_report();
	mb_evlog_set_state(MB_BOOT_STATE_DONE);
	printk("mbk: boot state DONE\n");
	if (boot_params.exit_when_done)
		debug_exit(0);
	if (boot_params.no_serve)
		halt_forever();
	serial_server_run(&boot_info, direct_map_end, build_id, build_id_len);
}
