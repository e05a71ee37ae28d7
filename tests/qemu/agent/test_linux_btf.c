// SPDX-License-Identifier: GPL-2.0-only
/* test_linux_btf.c - read Linux's struct memblock layout from a real kernel's BTF. */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "mbagent/btf.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

int main(void)
{
	const char *path = getenv("MB_VMLINUX");
	struct mb_error err = { 0 };
	struct mb_layout l;

	if (!path || !*path)
		path = "/sys/kernel/btf/vmlinux";
	if (access(path, R_OK)) {
		printf("skip: no Linux BTF (set MB_VMLINUX to a vmlinux or raw BTF file)\n");
		return 77;
	}
	if (mb_btf_layout_from_file(path, &l, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	/* x86-64 Linux 5.x-6.x with CONFIG_NUMA: 24-byte regions, 40-byte types. */
	CHECK(l.region_size == 24 && l.base.off == 0 && l.size.off == 8);
	CHECK(l.flags.off == 16 && l.flags.size == 4);
	CHECK(!l.nid.present || (l.nid.off == 20 && l.nid.size == 4));
	CHECK(l.type_size == 40 && l.cnt.off == 0 && l.cnt.size == 8 && l.max.off == 8);
	CHECK(l.total_size.off == 16 && l.regions.off == 24 && l.regions.size == 8);
	CHECK(l.name.present && l.name.off == 32);
	CHECK(l.bottom_up.off == 0 && l.bottom_up.size == 1 && l.current_limit.off == 8);
	CHECK(l.memory.off == 16 && l.reserved.off == 56 && l.memblock_size >= 96);
	printf("%s: memblock %u bytes, memblock_type %u, memblock_region %u%s\n", path,
	       l.memblock_size, l.type_size, l.region_size, l.nid.present ? " (with nid)" : "");
	return 0;
}
