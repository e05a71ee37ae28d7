// SPDX-License-Identifier: GPL-2.0-only
/* test_chain.c - caller chains in captures: model, CHAINS section round trip, old and newer files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "memtr.h"
#include "mbagent/capture.h"
#include "mbagent/pull.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

static char tmpdir[] = "/tmp/mbchainXXXXXX";

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

static void put32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

static uint8_t *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	uint8_t *b;
	long n;

	CHECK(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	b = malloc((size_t)n);
	CHECK(b && fread(b, 1, (size_t)n, f) == (size_t)n);
	fclose(f);
	*len = (size_t)n;
	return b;
}

static void spill(const char *path, const uint8_t *b, size_t len)
{
	FILE *f = fopen(path, "wb");

	CHECK(f && fwrite(b, 1, len, f) == len);
	fclose(f);
}

/* Find the section table entry of @type; returns its address in @b or NULL. */
static uint8_t *find_sect(uint8_t *b, uint32_t type)
{
	uint64_t table = get64(b + 24);
	uint32_t n = get32(b + 32), es = get32(b + 36), i;

	for (i = 0; i < n; i++)
		if (get32(b + table + (uint64_t)i * es) == type)
			return b + table + (uint64_t)i * es;
	return NULL;
}

/* Recompute the section's, the file's and the header's checksums. */
static void reseal(uint8_t *b, size_t len, uint8_t *ent)
{
	uint64_t off = get64(ent + 8), slen = get64(ent + 16);

	put32(ent + 24, (uint32_t)crc32(crc32(0, Z_NULL, 0), b + off, (uInt)slen));
	put32(b + 40, (uint32_t)crc32(crc32(0, Z_NULL, 0), b + 64, (uInt)(len - 64)));
	put32(b + 60, (uint32_t)crc32(crc32(0, Z_NULL, 0), b, 60));
}

static struct mb_capture *make_capture(void)
{
	struct mb_capture *c = mb_capture_new();
	struct mb_error err = { 0 };
	struct mb_event ev;
	struct mb_frame f[3];
	uint64_t addrs[2] = { 0xffffffff81001234ull, 0xffffffff81002000ull };
	int i;

	CHECK(c);
	for (i = 0; i < 3; i++) {
		memset(&ev, 0, sizeof(ev));
		ev.rec.seq = (uint64_t)i;
		ev.rec.op = 1;
		ev.rec.caller = 0x1000 + (uint64_t)i;
		ev.caller_sym = mb_capture_intern_sym(c, i == 1 ? "setup_arch" : "memblock_alloc_range_nid");
		CHECK(mb_capture_add_event(c, &ev, &err) == 0);
	}
	f[0] = (struct mb_frame){ 0x1000, mb_capture_intern_sym(c, "memblock_alloc_range_nid"),
				  0x40, 0x120 };
	f[1] = (struct mb_frame){ 0x2000, mb_capture_intern_sym(c, "alloc_node_data"), 0x33, 0x90 };
	f[2] = (struct mb_frame){ 0x3000, MB_NO_SYM, 0, 0 };
	CHECK(mb_capture_set_chain_frames(c, 0, f, 3, MB_CHAIN_ORC, &err) == 0);
	CHECK(mb_capture_set_chain(c, 2, addrs, 2, MB_CHAIN_FP, &err) == 0);
	/* Out of range: refused. */
	CHECK(mb_capture_set_chain(c, 3, addrs, 2, MB_CHAIN_FP, &err) == -1 &&
	      err.code == MB_ERR_INVAL);
	return c;
}

static int sym_cb(void *ctx, uint64_t addr, const char **name, uint64_t *start, uint64_t *len)
{
	(void)ctx;
	if (addr >= 0xffffffff81001000ull && addr < 0xffffffff81001400ull) {
		*name = "start_kernel";
		*start = 0xffffffff81001000ull;
		*len = 0x400;
		return 0;
	}
	return -1;
}

static int sc_round_trip(void)
{
	struct mb_capture *c = make_capture(), *r;
	struct mb_error err = { 0 };
	const struct mb_frame *f;
	unsigned int m;
	char path[128], buf[128];

	CHECK(mb_capture_symbolize_chains(c, sym_cb, NULL, &err) == 0);
	snprintf(path, sizeof(path), "%s/rt.cap", tmpdir);
	CHECK(mb_capture_write(c, path, &err) == 0);
	r = mb_capture_read(path, &err);
	if (!r)
		fprintf(stderr, "%s\n", err.msg);
	CHECK(r);
	CHECK(mb_event_chain(r, 0, &f, &m) == 3 && m == MB_CHAIN_ORC);
	CHECK(f[0].addr == 0x1000 && f[0].off == 0x40 && f[0].len == 0x120);
	CHECK(!strcmp(mb_frame_name(r, &f[1]), "alloc_node_data") && f[1].off == 0x33);
	CHECK(f[2].sym == MB_NO_SYM);
	mb_frame_format(r, &f[0], buf, sizeof(buf));
	CHECK(!strcmp(buf, "memblock_alloc_range_nid+0x40/0x120"));
	mb_frame_format(r, &f[2], buf, sizeof(buf));
	CHECK(!strcmp(buf, "0x3000"));
	CHECK(mb_event_chain(r, 1, &f, &m) == 0 && !f && m == MB_CHAIN_NONE);
	CHECK(mb_event_chain(r, 2, &f, &m) == 2 && m == MB_CHAIN_FP);
	mb_frame_format(r, &f[0], buf, sizeof(buf));
	CHECK(!strcmp(buf, "start_kernel+0x234/0x400"));
	CHECK(f[1].sym == MB_NO_SYM && f[1].addr == 0xffffffff81002000ull);
	/* Grouping helper: any frame, or the first outside memblock. */
	CHECK(!strcmp(mb_event_frame_name(r, 0, 0), "memblock_alloc_range_nid"));
	CHECK(!strcmp(mb_event_frame_name(r, 0, 1), "alloc_node_data"));
	CHECK(!strcmp(mb_event_frame_name(r, 0, -1), "alloc_node_data"));
	CHECK(mb_event_frame_name(r, 0, 2) == NULL && mb_event_frame_name(r, 0, 3) == NULL);
	/* No chain: frame 0 and -1 fall back to the caller symbol. */
	CHECK(!strcmp(mb_event_frame_name(r, 1, 0), "setup_arch"));
	CHECK(!strcmp(mb_event_frame_name(r, 1, -1), "setup_arch"));
	CHECK(mb_event_frame_name(r, 1, 1) == NULL);
	CHECK(mb_event_frame_name(r, 5, 0) == NULL);
	mb_capture_free(r);
	mb_capture_free(c);
	unlink(path);
	return 0;
}

/* A capture without chains has no CHAINS section at all (byte-identical format). */
static int sc_no_chains_no_section(void)
{
	struct mb_capture *c = make_capture();
	struct mb_error err = { 0 };
	char path[128];
	uint8_t *b;
	size_t len;

	mb_capture_set_chain(c, 0, NULL, 0, 0, &err);
	mb_capture_set_chain(c, 2, NULL, 0, 0, &err);
	snprintf(path, sizeof(path), "%s/none.cap", tmpdir);
	CHECK(mb_capture_write(c, path, &err) == 0);
	b = slurp(path, &len);
	CHECK(find_sect(b, 6) == NULL);
	free(b);
	mb_capture_free(c);
	unlink(path);
	return 0;
}

/* A capture written before chains existed reads, with no chains. */
static int sc_old_capture(const char *old)
{
	struct mb_error err = { 0 };
	struct mb_capture *r = mb_capture_read(old, &err);
	const struct mb_frame *f;
	size_t i;

	if (!r)
		fprintf(stderr, "%s: %s\n", old, err.msg);
	CHECK(r && r->nevents > 0);
	CHECK(r->nchains == 0 && r->nframes == 0);
	for (i = 0; i < r->nevents; i++) {
		CHECK(mb_event_chain(r, i, &f, NULL) == 0);
		CHECK(mb_event_frame_name(r, i, 0) == mb_event_sym(r, &r->events[i]));
	}
	mb_capture_free(r);
	return 0;
}

static int write_patched(const char *name, uint32_t version, uint64_t ev0, uint32_t type,
			 struct mb_capture **out, struct mb_error *err)
{
	struct mb_capture *c = make_capture();
	char path[128];
	uint8_t *b, *ent;
	size_t len;

	snprintf(path, sizeof(path), "%s/%s", tmpdir, name);
	CHECK(mb_capture_write(c, path, err) == 0);
	mb_capture_free(c);
	b = slurp(path, &len);
	ent = find_sect(b, 6);
	CHECK(ent);
	put32(b + get64(ent + 8), version);
	b[get64(ent + 8) + 24] = (uint8_t)ev0;
	put32(ent, type);
	reseal(b, len, ent);
	spill(path, b, len);
	free(b);
	*out = mb_capture_read(path, err);
	unlink(path);
	return 0;
}

/* A newer chain layout or an unknown section type is skipped; a bad record is refused. */
static int sc_newer_and_malformed(void)
{
	struct mb_error err = { 0 };
	struct mb_capture *r;
	const struct mb_frame *f;

	write_patched("v2.cap", 2, 0, 6, &r, &err);
	CHECK(r && r->nevents == 3 && mb_event_chain(r, 0, &f, NULL) == 0);
	mb_capture_free(r);
	write_patched("t99.cap", 1, 0, 99, &r, &err);
	CHECK(r && r->nevents == 3 && mb_event_chain(r, 0, &f, NULL) == 0);
	mb_capture_free(r);
	/* Sanity: the unpatched layout (version 1, event 0) reads with its chain. */
	write_patched("same.cap", 1, 0, 6, &r, &err);
	CHECK(r && mb_event_chain(r, 0, &f, NULL) == 3);
	mb_capture_free(r);
	/* Event 7 of 3. */
	write_patched("bad.cap", 1, 7, 6, &r, &err);
	CHECK(!r && err.code == MB_ERR_FORMAT && strstr(err.msg, "chain"));
	/* Event 2 before event 2: not increasing. */
	write_patched("order.cap", 1, 2, 6, &r, &err);
	CHECK(!r && err.code == MB_ERR_FORMAT);
	return 0;
}

/* The kernel's chain slots through a transport: present, absent, malformed. */
static int sc_evlog_chains(void)
{
	static struct mb_evlog_chain slots[8];
	struct mb_evlog_header h;
	struct mb_evlog_chain *ch;
	struct mb_error err = { 0 };
	struct memtr m;
	size_t n;

	memset(&h, 0, sizeof(h));
	memset(slots, 0, sizeof(slots));
	h.capacity = 8;
	h.written = 5;
	memtr_init(&m, 0x100000, slots, sizeof(slots));
	/* Without the feature bit the chain fields mean nothing: no reads. */
	h.chain_addr = 0x100000;
	h.chain_slot_size = sizeof(struct mb_evlog_chain);
	h.chain_capacity = 3;
	CHECK(mb_evlog_read_chains(&m.t, &h, &ch, &n, &err) == 0 && !ch && n == 0 &&
	      m.reads == 0);
	h.features = MB_EVLOG_FEAT_CHAINS;
	slots[0].nframes = 2;
	slots[0].ret[0] = 0x1234;
	slots[0].ret[1] = 0x5678;
	slots[2].nframes = 16;
	slots[3].nframes = 99;	/* beyond chain_capacity: never read */
	CHECK(mb_evlog_read_chains(&m.t, &h, &ch, &n, &err) == 0 && ch && n == 3);
	CHECK(ch[0].nframes == 2 && ch[0].ret[1] == 0x5678 && ch[1].nframes == 0 &&
	      ch[2].nframes == 16);
	free(ch);
	/* Fewer records than slots: only the written ones. */
	h.written = 1;
	CHECK(mb_evlog_read_chains(&m.t, &h, &ch, &n, &err) == 0 && n == 1);
	free(ch);
	h.written = 5;
	h.chain_capacity = 4;
	CHECK(mb_evlog_read_chains(&m.t, &h, &ch, &n, &err) == -1 && err.code == MB_ERR_FORMAT &&
	      strstr(err.msg, "99 frames"));
	h.chain_capacity = 3;
	h.chain_slot_size = 64;
	CHECK(mb_evlog_read_chains(&m.t, &h, &ch, &n, &err) == -1 && err.code == MB_ERR_FORMAT);
	h.chain_slot_size = sizeof(struct mb_evlog_chain);
	slots[3].nframes = 0;
	h.chain_capacity = 9;
	CHECK(mb_evlog_read_chains(&m.t, &h, &ch, &n, &err) == -1 && err.code == MB_ERR_FORMAT &&
	      strstr(err.msg, "9 slots"));
	/* Slots outside readable memory: the transport's error, prefixed. */
	h.chain_capacity = 3;
	h.chain_addr = 0x200000;
	CHECK(mb_evlog_read_chains(&m.t, &h, &ch, &n, &err) == -1 &&
	      strstr(err.msg, "caller chains"));
	return 0;
}

int main(int argc, char **argv)
{
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: test_chain SCENARIO [OLD_CAPTURE]\n");
		return 2;
	}
	CHECK(mkdtemp(tmpdir));
	if (!strcmp(argv[1], "round_trip"))
		rc = sc_round_trip();
	else if (!strcmp(argv[1], "no_chains_no_section"))
		rc = sc_no_chains_no_section();
	else if (!strcmp(argv[1], "old_capture") && argc > 2)
		rc = sc_old_capture(argv[2]);
	else if (!strcmp(argv[1], "evlog_chains"))
		rc = sc_evlog_chains();
	else if (!strcmp(argv[1], "newer_and_malformed"))
		rc = sc_newer_and_malformed();
	else
		rc = 2;
	rmdir(tmpdir);
	return rc;
}
