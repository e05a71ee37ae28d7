// SPDX-License-Identifier: GPL-2.0-only
/* test_linux_btf.c - read Linux's struct memblock layout from a real kernel's BTF. */
#include <bpf/btf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbagent/btf.h"
#include "mbagent/linux.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

/*
 * Usage: test_agent_linux_btf [FILE]. FILE is a vmlinux, a raw BTF file, a
 * bzImage/vmlinuz or a Debian kernel package; default: $MB_VMLINUX, then
 * /sys/kernel/btf/vmlinux. Exit 77 (skip) when there is none.
 */
int main(int argc, char **argv)
{
	const char *path = argc > 1 ? argv[1] : getenv("MB_VMLINUX");
	struct mb_error err = { 0 };
	struct mb_layout l;

	if (!path || !*path)
		path = "/sys/kernel/btf/vmlinux";
	if (access(path, R_OK)) {
		printf("skip: no Linux kernel at %s (set MB_VMLINUX, or run the linux_get_kernels "
		       "test)\n", path);
		return 77;
	}
	if (mb_btf_layout_from_file(path, &l, &err)) {
		/* A packed kernel: let the Linux image reader unpack it. */
		struct mb_linux_image *img = mb_linux_image_open(path, &err);

		if (!img) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			return 1;
		}
		CHECK(img->btf);
		if (mb_btf_layout(img->btf, &l, &err)) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			return 1;
		}
		mb_linux_image_free(img);
	}
	/* x86-64 Linux 5.x-6.x: 24-byte regions, 40-byte types, 96-byte memblock. */
	CHECK(l.region_size == 24 && l.base.off == 0 && l.size.off == 8);
	CHECK(l.flags.off == 16 && l.flags.size == 4);
	CHECK(!l.nid.present || (l.nid.off == 20 && l.nid.size == 4));
	CHECK(l.type_size == 40 && l.cnt.off == 0 && l.cnt.size == 8 && l.max.off == 8);
	CHECK(l.total_size.off == 16 && l.regions.off == 24 && l.regions.size == 8);
	CHECK(l.name.present && l.name.off == 32);
	CHECK(l.bottom_up.off == 0 && l.bottom_up.size == 1 && l.current_limit.off == 8);
	CHECK(l.memory.off == 16 && l.reserved.off == 56 && l.memblock_size >= 96);
	return 0;
}
