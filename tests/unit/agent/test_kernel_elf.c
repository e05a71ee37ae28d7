// SPDX-License-Identifier: GPL-2.0-only
/* test_kernel_elf.c - symbols, build-id and BTF layout of the built test kernel. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "memblock.h"
#include "uapi/mb_evlog.h"
#include "mbagent/btf.h"
#include "mbagent/elf.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

int main(int argc, char **argv)
{
	struct mb_error err = { 0 };
	struct mb_layout l;
	const uint8_t *id;
	struct mb_elf *e;
	uint64_t a, sz;
	size_t idlen;

	if (argc < 2 || access(argv[1], R_OK)) {
		printf("skip: no kernel ELF at %s (build the kernel target)\n",
		       argc > 1 ? argv[1] : "?");
		return 77;
	}
	e = mb_elf_open(argv[1], &err);
	if (!e) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	CHECK(mb_elf_symbol(e, "memblock", &a, &sz, &err) == 0 && sz == 96);
	CHECK(mb_elf_symbol(e, "mb_evlog_area", &a, &sz, &err) == 0);
	CHECK(sz >= MB_EVLOG_HEADER_SIZE + MB_EVLOG_RECORD_SIZE);
	CHECK(mb_elf_symbol(e, "memblock_add", &a, &sz, &err) == 0);
	CHECK(!strcmp(mb_elf_symbolize(e, a + 1, NULL), "memblock_add"));
	CHECK(mb_elf_build_id(e, &id, &idlen) == 0 && idlen >= 8 && idlen <= 32);
	mb_elf_close(e);
	if (mb_btf_layout_from_file(argv[1], &l, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	/* The kernel's BTF must agree with the ABI layout in memblock.h. */
	CHECK(l.memblock_size == 96 && l.type_size == 40 && l.region_size == 24);
	CHECK(l.current_limit.off == offsetof(struct memblock, current_limit));
	CHECK(l.memory.off == offsetof(struct memblock, memory));
	CHECK(l.reserved.off == offsetof(struct memblock, reserved));
	CHECK(l.cnt.size == 8 && l.regions.off == offsetof(struct memblock_type, regions));
	CHECK(l.nid.present && l.nid.off == offsetof(struct memblock_region, nid));
	CHECK(l.flags.off == offsetof(struct memblock_region, flags) && l.flags.size == 4);
	return 0;
}
