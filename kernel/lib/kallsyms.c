// SPDX-License-Identifier: GPL-2.0-only
/* kallsyms.c - address to "func+0xoff/0xlen" using the table in .kallsyms. */
#include "kern/kallsyms.h"
#include "kern/lib.h"

extern const uint64_t kallsyms_num;
extern const uint64_t kallsyms_addrs[];
extern const uint32_t kallsyms_sizes[];
extern const uint32_t kallsyms_name_offs[];
extern const char kallsyms_names[];

/**
 * kallsyms_count() - number of symbols in the table
 *
 * Return: the count (0 in the first link pass).
 */
uint64_t kallsyms_count(void)
{
	return kallsyms_num;
}

/**
 * kallsyms_lookup() - format an address the way Linux's %pS does
 * @addr: a text address
 * @buf: output, e.g. "setup_arch+0x792/0xd40"
 * @len: size of @buf
 *
 * Return: 0 on success, -2 (-ENOENT) if no symbol covers @addr (then @buf
 * holds the bare address in hex).
 */
int kallsyms_lookup(uint64_t addr, char *buf, size_t len)
{
	uint64_t lo = 0, hi = kallsyms_num;

	while (lo < hi) {		/* first index with addrs[i] > addr */
		uint64_t mid = (lo + hi) / 2;

		if (kallsyms_addrs[mid] <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo > 0) {
		uint64_t i = lo - 1;
		uint64_t off = addr - kallsyms_addrs[i];

		if (off <= kallsyms_sizes[i]) {
			mb_snprintf(buf, len, "%s+0x%lx/0x%x", kallsyms_names + kallsyms_name_offs[i],
				    (unsigned long)off, kallsyms_sizes[i]);
			return 0;
		}
	}
	mb_snprintf(buf, len, "0x%lx", (unsigned long)addr);
	return -2;
}

/**
 * kallsyms_symbolize() - memblock_symbolize_fn adaptor for kallsyms_lookup()
 * @addr: caller address
 * @buf: output
 * @len: size of @buf
 * @ctx: unused
 *
 * Return: as kallsyms_lookup().
 */
int kallsyms_symbolize(uint64_t addr, char *buf, size_t len, void *ctx)
{
	return kallsyms_lookup(addr, buf, len);
}
