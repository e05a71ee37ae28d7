// SPDX-License-Identifier: GPL-2.0-only
/* test_elfbtf.c - ELF symbols/build-id, BTF layouts and decoders on a small fixture ELF. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fixture_layout.h"
#include "memtr.h"
#include "mbagent/btf.h"
#include "mbagent/elf.h"
#include "mbagent/target.h"
#include "mbagent/qemu.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

static const char *fixture;

static int sc_fixture_symbols(void)
{
	struct mb_error err = { 0 };
	struct mb_elf *e = mb_elf_open(fixture, &err);
	uint64_t a, sz, off = 99;
	const uint8_t *id;
	uint8_t other[20];
	size_t idlen, bsz;
	void *data;
	const char *s;

	if (!e) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	CHECK(mb_elf_symbol(e, "memblock", &a, &sz, &err) == 0 && sz == sizeof(struct memblock));
	CHECK(mb_elf_symbol(e, "mb_evlog_area", &a, &sz, &err) == 0 && sz == 4096);
	CHECK(mb_elf_symbol(e, "mb_fixture_func", &a, &sz, &err) == 0 && sz > 3);
	s = mb_elf_symbolize(e, a + 3, &off);
	CHECK(s && !strcmp(s, "mb_fixture_func") && off == 3);
	s = mb_elf_symbolize(e, a, &off);
	CHECK(s && !strcmp(s, "mb_fixture_func") && off == 0);
	CHECK(mb_elf_symbol(e, "no_such_symbol", &a, &sz, &err) == -1 &&
	      err.code == MB_ERR_NOTFOUND);
	CHECK(mb_elf_build_id(e, &id, &idlen) == 0 && idlen == 20);
	CHECK(mb_elf_check_build_id(e, id, idlen, &err) == 0);
	memcpy(other, id, 20);
	other[5] ^= 1;
	CHECK(mb_elf_check_build_id(e, other, 20, &err) == -1 && err.code == MB_ERR_MISMATCH);
	CHECK(strstr(err.msg, "not the running kernel"));
	CHECK(mb_elf_section(e, ".BTF", &data, &bsz, NULL, &err) == 0 && bsz > 0);
	free(data);
	CHECK(mb_elf_section(e, ".nope", &data, &bsz, NULL, &err) == -1);
	mb_elf_close(e);
	/* Not an ELF; missing file. */
	CHECK(!mb_elf_open(__FILE__, &err) && err.code == MB_ERR_FORMAT);
	CHECK(!mb_elf_open("/nonexistent/x.elf", &err) && err.code == MB_ERR_NOTFOUND);
	return 0;
}

static int sc_fixture_btf_layout(void)
{
	struct mb_error err = { 0 };
	struct mb_layout l;

	if (mb_btf_layout_from_file(fixture, &l, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	CHECK(l.memblock_size == sizeof(struct memblock));
	CHECK(l.type_size == sizeof(struct memblock_type));
	CHECK(l.region_size == sizeof(struct memblock_region));
	CHECK(l.bottom_up.off == offsetof(struct memblock, bottom_up) && l.bottom_up.size == 1);
	CHECK(l.current_limit.off == offsetof(struct memblock, current_limit));
	CHECK(l.memory.off == offsetof(struct memblock, memory));
	CHECK(l.reserved.off == offsetof(struct memblock, reserved));
	CHECK(l.cnt.off == offsetof(struct memblock_type, cnt) && l.cnt.size == 4);
	CHECK(l.max.off == offsetof(struct memblock_type, max) && l.max.size == 4);
	CHECK(l.regions.off == offsetof(struct memblock_type, regions));
	CHECK(!l.name.present);
	CHECK(l.base.off == offsetof(struct memblock_region, base) && l.base.size == 4);
	CHECK(l.flags.off == 0 && l.flags.size == 2);
	CHECK(!l.nid.present);
	CHECK(mb_btf_layout_from_file("/nonexistent", &l, &err) == -1);
	return 0;
}

/* A target memory image: struct memblock at 0x1000, arrays at 0x2000/0x3000. */
static int sc_memblock_decode_foreign_layout(void)
{
	static uint8_t mem[0x4000];
	struct mb_error err = { 0 };
	struct memblock mb = { 0 };
	struct memblock_region r;
	struct mb_state st;
	struct mb_layout l;
	struct memtr m;

	CHECK(mb_btf_layout_from_file(fixture, &l, &err) == 0);
	mb.bottom_up = true;
	mb.current_limit = 0xabcdef;
	mb.memory.cnt = 3;
	mb.memory.max = 8;
	mb.memory.total_size = 0x3000;
	mb.memory.regions = (void *)(uintptr_t)0x2000;
	mb.reserved.cnt = 1;
	mb.reserved.max = 4;
	mb.reserved.regions = (void *)(uintptr_t)0x3000;
	for (int i = 0; i < 3; i++) {
		r = (struct memblock_region){ .flags = i, .base = 0x100000 * (i + 1),
					      .size = 0x1000 };
		memcpy(mem + 0x2000 + i * sizeof(r), &r, sizeof(r));
	}
	r = (struct memblock_region){ .flags = 4, .base = 0x5000, .size = 0x42 };
	memcpy(mem + 0x3000, &r, sizeof(r));
	memcpy(mem + 0x1000, &mb, sizeof(mb));
	memtr_init(&m, 0, mem, sizeof(mem));
	if (mb_memblock_read(&m.t, 0x1000, &l, NULL, &st, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	CHECK(st.valid && st.bottom_up && st.current_limit == 0xabcdef);
	CHECK(st.memory.cnt == 3 && st.memory.max == 8 && st.memory.total_size == 0x3000);
	CHECK(st.memory.regions[2].base == 0x300000 && st.memory.regions[2].flags == 2);
	CHECK(st.memory.regions[1].nid == -1);
	CHECK(st.reserved.cnt == 1 && st.reserved.regions[0].size == 0x42 &&
	      st.reserved.regions[0].flags == 4);
	free(st.memory.regions);
	free(st.reserved.regions);
	/* cnt > max is corrupt, not a long read. */
	mb.memory.cnt = 9;
	memcpy(mem + 0x1000, &mb, sizeof(mb));
	CHECK(mb_memblock_read(&m.t, 0x1000, &l, NULL, &st, &err) == -1);
	CHECK(err.code == MB_ERR_FORMAT && !st.valid);
	/* Regions pointer outside memory: an error, no crash. */
	mb.memory.cnt = 2;
	mb.memory.regions = (void *)(uintptr_t)0x3ff0;
	memcpy(mem + 0x1000, &mb, sizeof(mb));
	CHECK(mb_memblock_read(&m.t, 0x1000, &l, NULL, &st, &err) == -1);
	CHECK(err.code == MB_ERR_REMOTE);
	return 0;
}

/*
 * The image of sc_memblock_decode_foreign_layout with three memory regions
 * (0x100000, 0x200000, 0x300000; 0x1000 each) and one reserved region.
 */
static void good_image(uint8_t *mem, struct memblock *mb)
{
	struct memblock_region r;

	memset(mem, 0, 0x4000);
	memset(mb, 0, sizeof(*mb));
	mb->memory.cnt = 3;
	mb->memory.max = 8;
	mb->memory.total_size = 0x3000;
	mb->memory.regions = (void *)(uintptr_t)0x2000;
	mb->reserved.cnt = 1;
	mb->reserved.max = 4;
	mb->reserved.total_size = 0x42;
	mb->reserved.regions = (void *)(uintptr_t)0x3000;
	for (int i = 0; i < 3; i++) {
		r = (struct memblock_region){ .base = 0x100000 * (i + 1), .size = 0x1000 };
		memcpy(mem + 0x2000 + i * sizeof(r), &r, sizeof(r));
	}
	r = (struct memblock_region){ .base = 0x5000, .size = 0x42 };
	memcpy(mem + 0x3000, &r, sizeof(r));
	memcpy(mem + 0x1000, mb, sizeof(*mb));
}

static void set_region(uint8_t *mem, int i, uint32_t base, uint32_t size)
{
	struct memblock_region r = { .base = base, .size = size };

	memcpy(mem + 0x2000 + i * sizeof(r), &r, sizeof(r));
}

static int v2p_refuse_high(uint64_t vaddr, uint64_t *phys, void *ctx)
{
	(void)ctx;
	*phys = vaddr;
	return vaddr >= 0x3000 ? -1 : 0;
}

/* Read with @o; 0 if accepted, else -1 with the message checked for @want. */
static int read_expect(struct memtr *m, const struct mb_layout *l, const struct mb_read_opts *o,
		      const char *want)
{
	struct mb_error err = { 0 };
	struct mb_state st;
	int rc = mb_memblock_read(&m->t, 0x1000, l, o, &st, &err);

	if (!want) {
		if (rc)
			fprintf(stderr, "refused: %s\n", err.msg);
		CHECK(rc == 0 && st.valid);
		mb_state_clear(&st);
		return 0;
	}
	if (rc == 0 || err.code != MB_ERR_FORMAT || !strstr(err.msg, want))
		fprintf(stderr, "expected '%s', got rc %d: %s\n", want, rc, err.msg);
	CHECK(rc == -1 && err.code == MB_ERR_FORMAT && strstr(err.msg, want) && !st.valid);
	return 0;
}

/* Arrays that are not memblock's are refused with a clear error (issue 12). */
static int sc_memblock_refuses_corrupt_arrays(void)
{
	static uint8_t mem[0x4000];
	struct mb_read_opts ram = { .ram_bytes = 0x4000 }, flux = { .in_flux = true };
	struct mb_read_opts small = { .ram_bytes = 0x2000 }, v2p = { .v2p = v2p_refuse_high };
	struct mb_error err = { 0 };
	struct memblock mb;
	struct mb_state st;
	struct mb_layout l;
	struct memtr m;

	CHECK(mb_btf_layout_from_file(fixture, &l, &err) == 0);
	memtr_init(&m, 0, mem, sizeof(mem));
	good_image(mem, &mb);
	read_expect(&m, &l, NULL, NULL);
	read_expect(&m, &l, &ram, NULL);
	/* The arrays' RAM: the memory array at 0x2000 is outside 8 KiB of RAM. */
	read_expect(&m, &l, &small, "outside guest RAM");
	/* A pointer the translation does not know (reserved's, at 0x3000). */
	read_expect(&m, &l, &v2p, "not a kernel address");
	/* reserved.regions = 0: the interrupt vectors are not regions. */
	mb.reserved.regions = NULL;
	memcpy(mem + 0x1000, &mb, sizeof(mb));
	read_expect(&m, &l, NULL, "NULL");
	/* Unmapped memory reads as zeros: zero-size regions. */
	good_image(mem, &mb);
	set_region(mem, 1, 0, 0);
	read_expect(&m, &l, NULL, "size 0");
	/* ... unless read mid-call; then the check is the caller's. */
	CHECK(mb_memblock_read(&m.t, 0x1000, &l, &flux, &st, &err) == 0);
	CHECK(mb_memblock_check(&st, &err) == -1 && strstr(err.msg, "regions[1] has size 0"));
	mb_state_clear(&st);
	/* Out of order, and overlapping. */
	good_image(mem, &mb);
	set_region(mem, 2, 0x150000, 0x1000);
	read_expect(&m, &l, NULL, "overlaps or precedes");
	good_image(mem, &mb);
	set_region(mem, 1, 0x100800, 0x1000);
	read_expect(&m, &l, NULL, "overlaps or precedes");
	/* Touching regions are fine (they differ in flags or node). */
	good_image(mem, &mb);
	set_region(mem, 1, 0x101000, 0x1000);
	read_expect(&m, &l, NULL, NULL);
	/* Older Linux's empty array: one zero-size entry, total 0. */
	good_image(mem, &mb);
	mb.reserved.total_size = 0;
	memcpy(mem + 0x1000, &mb, sizeof(mb));
	memset(mem + 0x3000, 0, sizeof(struct memblock_region));
	read_expect(&m, &l, NULL, NULL);
	return 0;
}

/*
 * The one launcher: our kernel and a stock Linux get -m, -smp, -append,
 * -initrd and NUMA nodes (memory and CPUs) the same way. "true" plays QEMU.
 */
static int sc_launcher_same_options_both_kernels(void)
{
	struct mb_qemu_opts o = {
		.machine = { .qemu = "true", .mem = "96M", .smp = 4, .numa_nodes = 3,
			     .append = "a b", .initrd = fixture },
		.kernel = fixture,
	};
	static const char *const want[] = {
		"-m 96M", "-smp 4", "-append 'a b'", "-initrd ",
		"-object memory-backend-ram,id=node0,size=32M -numa node,nodeid=0,cpus=0-0,memdev=node0 "
		"-object memory-backend-ram,id=node1,size=32M -numa node,nodeid=1,cpus=1-1,memdev=node1 "
		"-object memory-backend-ram,id=node2,size=32M -numa node,nodeid=2,cpus=2-3,memdev=node2",
	};
	struct mb_error err = { 0 };
	struct mb_qemu *q;

	for (int stock = 0; stock < 2; stock++) {
		o.stock_linux = stock;
		q = mb_qemu_start(&o, &err);
		if (!q)
			fprintf(stderr, "%s\n", err.msg);
		CHECK(q);
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			if (!strstr(q->cmdline, want[i]))
				fprintf(stderr, "%s: no '%s' in %s\n", stock ? "linux" : "ours",
					want[i], q->cmdline);
			CHECK(strstr(q->cmdline, want[i]));
		}
		CHECK(!strncmp(q->cmdline, "true ", 5));
		CHECK(!stock == !strstr(q->cmdline, " -S"));
		mb_qemu_stop(q);
	}
	/* The binary: the option, else $MB_QEMU, else qemu-system-x86_64. */
	o.machine.qemu = NULL;
	setenv("MB_QEMU", "/bin/true", 1);
	CHECK((q = mb_qemu_start(&o, &err)) && !strncmp(q->cmdline, "/bin/true ", 10));
	mb_qemu_stop(q);
	o.machine.qemu = "true";
	CHECK((q = mb_qemu_start(&o, &err)) && !strncmp(q->cmdline, "true ", 5));
	mb_qemu_stop(q);
	unsetenv("MB_QEMU");
	/* Nodes smaller than a MiB cannot be made. */
	o.machine.mem = "32M";
	o.machine.numa_nodes = 64;
	CHECK(!mb_qemu_start(&o, &err) && err.code == MB_ERR_INVAL);
	return 0;
}

static void make_log(uint8_t *mem, uint32_t capacity, uint64_t written)
{
	struct mb_evlog_header h = {
		.magic = MB_EVLOG_MAGIC, .version = MB_EVLOG_VERSION,
		.header_size = MB_EVLOG_HEADER_SIZE, .record_size = MB_EVLOG_RECORD_SIZE,
		.capacity = capacity, .written = written, .boot_state = MB_BOOT_STATE_DONE,
	};

	memcpy(mem, &h, sizeof(h));
	for (uint64_t i = 0; i < written && i < capacity; i++) {
		struct mb_evlog_record r = { .seq = i, .op = MB_OP_RESERVE, .base = i << 12,
					     .size = 4096 };
		memcpy(mem + 128 + i * 96, &r, sizeof(r));
	}
}

static int sc_evlog_validation(void)
{
	static uint8_t mem[128 + 96 * 40];
	struct mb_error err = { 0 };
	struct mb_evlog_header h;
	struct mb_evlog_record *recs;
	struct memtr m;
	size_t n;

	memtr_init(&m, 0x100000, mem, sizeof(mem));
	make_log(mem, 40, 25);
	CHECK(mb_evlog_read_header(&m.t, 0x100000, sizeof(mem), &h, &err) == 0);
	CHECK(mb_evlog_read_records(&m.t, 0x100000, &h, &recs, &n, &err) == 0 && n == 25);
	CHECK(recs[24].base == 24 << 12 && recs[24].op == MB_OP_RESERVE);
	free(recs);
	/* More written than capacity: refused before any record is read. */
	make_log(mem, 40, 41);
	m.reads = 0;
	CHECK(mb_evlog_read_header(&m.t, 0x100000, sizeof(mem), &h, &err) == -1);
	CHECK(err.code == MB_ERR_FORMAT && strstr(err.msg, "capacity") && m.reads == 1);
	/* Capacity larger than the area the ELF symbol gives it. */
	make_log(mem, 41, 3);
	CHECK(mb_evlog_read_header(&m.t, 0x100000, sizeof(mem), &h, &err) == -1);
	CHECK(err.code == MB_ERR_FORMAT);
	/* Bad magic, bad version, bad sizes. */
	make_log(mem, 40, 3);
	mem[0] ^= 1;
	CHECK(mb_evlog_read_header(&m.t, 0x100000, sizeof(mem), &h, &err) == -1);
	CHECK(err.code == MB_ERR_NOTFOUND);
	make_log(mem, 40, 3);
	mem[8] = 9;
	CHECK(mb_evlog_read_header(&m.t, 0x100000, sizeof(mem), &h, &err) == -1);
	CHECK(err.code == MB_ERR_UNSUPPORTED);
	make_log(mem, 40, 3);
	mem[16] = 95;	/* record_size */
	CHECK(mb_evlog_read_header(&m.t, 0x100000, sizeof(mem), &h, &err) == -1);
	CHECK(err.code == MB_ERR_FORMAT);
	/* A record out of sequence. */
	make_log(mem, 40, 5);
	mem[128 + 2 * 96] = 7;
	CHECK(mb_evlog_read_header(&m.t, 0x100000, sizeof(mem), &h, &err) == 0);
	CHECK(mb_evlog_read_records(&m.t, 0x100000, &h, &recs, &n, &err) == -1);
	CHECK(err.code == MB_ERR_FORMAT);
	return 0;
}

static int sc_parse_sizes(void)
{
	static const struct {
		const char *s;
		uint64_t v;
	} good[] = {
		{ "256M", 256ULL << 20 }, { "512", 512ULL << 20 }, { "1G", 1ULL << 30 },
		{ "2GiB", 2ULL << 30 }, { "64k", 64ULL << 10 }, { "4096B", 4096 },
		{ "1T", 1ULL << 40 },
	};
	static const char *const bad[] = { "", "0", "-1", "12X", "M", "1GG", "99999999999999T" };
	uint64_t v;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
		CHECK(mb_parse_size(good[i].s, &v) == 0 && v == good[i].v);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		CHECK(mb_parse_size(bad[i], &v) == -1);
	CHECK(mb_parse_size(NULL, &v) == -1);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*fn)(void);
	} sc[] = {
		{ "fixture_symbols", sc_fixture_symbols },
		{ "fixture_btf_layout", sc_fixture_btf_layout },
		{ "memblock_decode_foreign_layout", sc_memblock_decode_foreign_layout },
		{ "evlog_validation", sc_evlog_validation },
		{ "parse_sizes", sc_parse_sizes },
		{ "memblock_refuses_corrupt_arrays", sc_memblock_refuses_corrupt_arrays },
		{ "launcher_same_options_both_kernels", sc_launcher_same_options_both_kernels },
	};
	int found = 0;

	if (argc < 2)
		return 2;
	fixture = argv[1];
	for (size_t i = 0; i < sizeof(sc) / sizeof(sc[0]); i++) {
		if (argc >= 3 && strcmp(argv[2], sc[i].name))
			continue;
		found = 1;
		if (sc[i].fn())
			return 1;
	}
	if (!found)
		fprintf(stderr, "no scenario named %s\n", argv[2]);
	return found ? 0 : 2;
}
