// SPDX-License-Identifier: GPL-2.0-only
/* multiboot.c - parse a Multiboot 1 information structure: memory map, command line, modules. */
#include "kern/boot.h"
#include "kern/lib.h"

#define MBI_FLAG_CMDLINE	(1u << 2)
#define MBI_FLAG_MODS		(1u << 3)
#define MBI_FLAG_MMAP		(1u << 6)
#define MBI_SIZE		88	/* through the drive/config/loader/apm/vbe fields */

/* Layouts from the Multiboot 0.6.96 specification (all 32-bit fields). */
struct mb1_info {
	uint32_t flags;
	uint32_t mem_lower;
	uint32_t mem_upper;
	uint32_t boot_device;
	uint32_t cmdline;
	uint32_t mods_count;
	uint32_t mods_addr;
	uint32_t syms[4];
	uint32_t mmap_length;
	uint32_t mmap_addr;
} __attribute__((packed));

struct mb1_module {
	uint32_t mod_start;
	uint32_t mod_end;
	uint32_t string;
	uint32_t reserved;
};

struct mb1_mmap {
	uint32_t size;		/* of the rest of this entry */
	uint64_t addr;
	uint64_t len;
	uint32_t type;
} __attribute__((packed));

/**
 * multiboot_parse() - copy what a Multiboot 1 loader handed over into @bi
 * @mbi_paddr: %ebx at entry
 * @bi: output
 *
 * The loader's command line starts with the kernel's own path (QEMU passes
 * the -kernel file name, as GRUB passes the image path); that first word is
 * dropped so that it is not reported as an unknown parameter.
 *
 * Return: 0, or -22 (-EINVAL) if there is no info block or no memory map.
 */
int multiboot_parse(uint64_t mbi_paddr, struct boot_info *bi)
{
	const struct mb1_info *mi;

	memset(bi, 0, sizeof(*bi));
	bi->proto = "Multiboot";
	if (!mbi_paddr)
		return -22;
	mi = phys_ptr(mbi_paddr);
	bi->start_info = mbi_paddr;
	bi->start_info_size = MBI_SIZE;

	if ((mi->flags & MBI_FLAG_CMDLINE) && mi->cmdline) {
		const char *c = phys_ptr(mi->cmdline);
		size_t full = strnlen(c, CMDLINE_MAX - 1);
		size_t skip = 0, n;

		while (skip < full && c[skip] != ' ')
			skip++;
		while (skip < full && c[skip] == ' ')
			skip++;
		n = full - skip;
		memcpy(bi->cmdline, c + skip, n);
		bi->cmdline[n] = '\0';
		bi->cmdline_paddr = mi->cmdline;
		bi->cmdline_size = full + 1;
	}

	if ((mi->flags & MBI_FLAG_MODS) && mi->mods_addr && mi->mods_count) {
		const struct mb1_module *m = phys_ptr(mi->mods_addr);
		uint32_t n = MIN(mi->mods_count, (uint32_t)BOOT_MODULES_MAX);

		for (uint32_t i = 0; i < n; i++) {
			if (m[i].mod_end <= m[i].mod_start)
				continue;
			bi->modules[bi->nr_modules].paddr = m[i].mod_start;
			bi->modules[bi->nr_modules].size = m[i].mod_end - m[i].mod_start;
			bi->nr_modules++;
		}
		bi->modlist_paddr = mi->mods_addr;
		bi->modlist_size = (uint64_t)mi->mods_count * sizeof(*m);
	}

	if (!(mi->flags & MBI_FLAG_MMAP) || !mi->mmap_addr || !mi->mmap_length)
		return -22;
	for (uint32_t off = 0; off + sizeof(struct mb1_mmap) <= mi->mmap_length;) {
		const struct mb1_mmap *e = phys_ptr(mi->mmap_addr + off);

		if (e->size < 20)
			break;
		e820_sort_insert(bi, e->addr, e->len, e->type);
		off += e->size + 4;
	}
	bi->memmap_paddr = mi->mmap_addr;
	bi->memmap_size = mi->mmap_length;
	return bi->nr_e820 ? 0 : -22;
}
