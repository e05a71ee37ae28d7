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
	if (mb_memblock_read(&m.t, 0x1000, &l, NULL, NULL, &st, &err)) {
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
	CHECK(mb_memblock_read(&m.t, 0x1000, &l, NULL, NULL, &st, &err) == -1);
	CHECK(err.code == MB_ERR_FORMAT && !st.valid);
	/* Regions pointer outside memory: an error, no crash. */
	mb.memory.cnt = 2;
	mb.memory.regions = (void *)(uintptr_t)0x3ff0;
	memcpy(mem + 0x1000, &mb, sizeof(mb));
	CHECK(mb_memblock_read(&m.t, 0x1000, &l, NULL, NULL, &st, &err) == -1);
	CHECK(err.code == MB_ERR_REMOTE);
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
