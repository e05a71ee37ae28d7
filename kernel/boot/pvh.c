// SPDX-License-Identifier: GPL-2.0-only
/* pvh.c - parse the PVH start-info block: memory map, command line, modules, RSDP. */
#include "kern/boot.h"
#include "kern/lib.h"

#define PVH_START_MAGIC		0x336ec578u

/* Layouts from the public Xen PVH boot ABI (all little-endian). */
struct pvh_start_info {
	uint32_t magic;
	uint32_t version;
	uint32_t flags;
	uint32_t nr_modules;
	uint64_t modlist_paddr;
	uint64_t cmdline_paddr;
	uint64_t rsdp_paddr;
	uint64_t memmap_paddr;		/* version >= 1 */
	uint32_t memmap_entries;
	uint32_t reserved;
};

struct pvh_module {
	uint64_t paddr;
	uint64_t size;
	uint64_t cmdline_paddr;
	uint64_t reserved;
};

struct pvh_memmap_entry {
	uint64_t addr;
	uint64_t size;
	uint32_t type;
	uint32_t reserved;
};

/**
 * e820_sort_insert() - add a range to @bi's memory map, keeping it sorted
 * @bi: boot info
 * @addr: start
 * @size: length (0: ignored)
 * @type: E820_TYPE_*
 */
void e820_sort_insert(struct boot_info *bi, uint64_t addr, uint64_t size, uint32_t type)
{
	uint32_t j = bi->nr_e820;

	if (!size || j >= E820_MAX)
		return;
	while (j > 0 && bi->e820[j - 1].addr > addr) {
		bi->e820[j] = bi->e820[j - 1];
		j--;
	}
	bi->e820[j].addr = addr;
	bi->e820[j].size = size;
	bi->e820[j].type = type;
	bi->nr_e820++;
}

/**
 * pvh_parse() - copy what the PVH loader handed over into @bi
 * @start_info_paddr: %ebx at entry
 * @bi: output
 *
 * Everything the loader passed lives below 4 GiB, which the boot page tables
 * map.  The memory map is sorted by address here (firmware maps usually are).
 *
 * Return: 0, or -22 (-EINVAL) if the block is missing or has no memory map.
 */
int pvh_parse(uint64_t start_info_paddr, struct boot_info *bi)
{
	const struct pvh_start_info *si;

	memset(bi, 0, sizeof(*bi));
	bi->proto = "PVH";
	if (!start_info_paddr)
		return -22;
	si = (const void *)(uintptr_t)start_info_paddr;
	if (si->magic != PVH_START_MAGIC)
		return -22;
	bi->start_info = start_info_paddr;
	bi->start_info_size = sizeof(*si);
	bi->rsdp_paddr = si->rsdp_paddr;

	if (si->cmdline_paddr) {
		const char *c = (const char *)(uintptr_t)si->cmdline_paddr;
		size_t n = strnlen(c, CMDLINE_MAX - 1);

		memcpy(bi->cmdline, c, n);
		bi->cmdline[n] = '\0';
		bi->cmdline_paddr = si->cmdline_paddr;
		bi->cmdline_size = n + 1;
	}

	if (si->modlist_paddr && si->nr_modules) {
		const struct pvh_module *m = (const void *)(uintptr_t)si->modlist_paddr;
		uint32_t n = MIN(si->nr_modules, (uint32_t)BOOT_MODULES_MAX);

		for (uint32_t i = 0; i < n; i++) {
			if (!m[i].size)
				continue;
			bi->modules[bi->nr_modules].paddr = m[i].paddr;
			bi->modules[bi->nr_modules].size = m[i].size;
			bi->nr_modules++;
		}
		bi->modlist_paddr = si->modlist_paddr;
		bi->modlist_size = (uint64_t)si->nr_modules * sizeof(*m);
	}

	if (si->version < 1 || !si->memmap_paddr || !si->memmap_entries)
		return -22;
	{
		const struct pvh_memmap_entry *e = (const void *)(uintptr_t)si->memmap_paddr;
		uint32_t n = MIN(si->memmap_entries, (uint32_t)E820_MAX);

		for (uint32_t i = 0; i < n; i++)
			e820_sort_insert(bi, e[i].addr, e[i].size, e[i].type);
		bi->memmap_paddr = si->memmap_paddr;
		bi->memmap_size = (uint64_t)si->memmap_entries * sizeof(*e);
	}
	return 0;
}
