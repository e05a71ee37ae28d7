// SPDX-License-Identifier: GPL-2.0-only
/* orc_test.c - the ORC unwinder on real Debian kernels' tables, plus format and frame-pointer unit checks. */
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/linux.h"
#include "mbagent/orc.h"

#define MB_CHAIN_FRAMES_TEST 16

#include "check.h"

/* ---- a fake stack ---- */

struct stack {
	uint64_t base;		/* lowest readable address */
	uint64_t top;		/* first unreadable address above */
	uint8_t *mem;
};

static int stack_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	const struct stack *s = ctx;

	if (addr < s->base || addr > s->top || len > s->top - addr)
		return -1;
	memcpy(buf, s->mem + (addr - s->base), len);
	return 0;
}

static void stack_put(struct stack *s, uint64_t addr, uint64_t v)
{
	memcpy(s->mem + (addr - s->base), &v, 8);
}

/* ---- kernel functions from kallsyms ---- */

struct funcs {
	uint64_t *addr;
	char **name;
	size_t n, cap;
};

static int collect(void *ctx, char type, const char *name, uint64_t addr)
{
	struct funcs *f = ctx;

	if (type != 't' && type != 'T')
		return 0;
	if (f->n == f->cap) {
		f->cap = f->cap ? 2 * f->cap : 4096;
		f->addr = realloc(f->addr, f->cap * sizeof(*f->addr));
		f->name = realloc(f->name, f->cap * sizeof(*f->name));
		if (!f->addr || !f->name)
			abort();
	}
	f->addr[f->n] = addr;
	f->name[f->n] = strdup(name);
	f->n++;
	return 0;
}

/* Index of the function holding @addr (last start <= addr), or -1. */
static long func_of(const struct funcs *f, uint64_t addr)
{
	size_t lo = 0, hi = f->n;

	if (!f->n || addr < f->addr[0])
		return -1;
	while (hi - lo > 1) {
		size_t mid = (lo + hi) / 2;

		if (f->addr[mid] <= addr)
			lo = mid;
		else
			hi = mid;
	}
	return (long)lo;
}

/* Bytes taken by a ModRM byte at @p and what follows it (SIB, displacement). */
static size_t modrm_len(const uint8_t *p)
{
	unsigned int mod = p[0] >> 6, rm = p[0] & 7;
	size_t n = 1;

	if (mod != 3 && rm == 4) {
		n++;
		if (mod == 0 && (p[1] & 7) == 5)
			n += 4;
	}
	if (mod == 0 && rm == 5)
		n += 4;
	if (mod == 1)
		n += 1;
	if (mod == 2)
		n += 4;
	return n;
}

enum flow { FLOW_NEXT, FLOW_COND, FLOW_JUMP, FLOW_STOP };

/*
 * Decode the instruction at @c: its length, its effect on %rsp (@delta bytes
 * more on the stack) and its control flow (@target relative to @c for
 * branches). FLOW_STOP for returns, unknown instructions and anything that
 * moves %rsp in a way not followed here (a frame pointer set up: %rsp copied
 * to %rbp makes the CFA BP-based).
 */
static enum flow decode_insn(const uint8_t *c, size_t *len, long *delta, int64_t *target)
{
	uint8_t rex = 0, op;
	const uint8_t *m;
	size_t i = 0;

	*delta = 0;
	if (!memcmp(c, "\xf3\x0f\x1e\xfa", 4)) {
		*len = 4;
		return FLOW_NEXT;
	}
	if (c[i] >= 0x40 && c[i] <= 0x4f)
		rex = c[i++];
	op = c[i];
	m = c + i + 1;
	if (op >= 0x50 && op <= 0x57 && (!rex || rex == 0x41)) {
		if (op == 0x54 && !rex)
			return FLOW_STOP;	/* push %rsp */
		*delta = 8;
		*len = i + 1;
		return FLOW_NEXT;
	}
	if (op >= 0x58 && op <= 0x5f && (!rex || rex == 0x41)) {
		if (op == 0x5c && !rex)
			return FLOW_STOP;	/* pop %rsp */
		*delta = -8;
		*len = i + 1;
		return FLOW_NEXT;
	}
	if (!rex && op == 0x90) {
		*len = 1;
		return FLOW_NEXT;
	}
	if (op == 0x89 || op == 0x01 || op == 0x29 || op == 0x31 || op == 0x21 || op == 0x09 ||
	    op == 0x85 || op == 0x39 || op == 0x88 || op == 0x84 || op == 0x38 || op == 0x11 ||
	    op == 0x19 || op == 0x87) {
		bool reads_only = op == 0x85 || op == 0x39 || op == 0x84 || op == 0x38;

		/* r/m is the destination: refuse writes to %rsp and %rsp -> register. */
		if ((m[0] >> 6) == 3 && (m[0] & 7) == 4 && !(rex & 1) && !reads_only)
			return FLOW_STOP;
		if (op == 0x89 && (m[0] >> 6) == 3 && ((m[0] >> 3) & 7) == 4 && !(rex & 4))
			return FLOW_STOP;
		*len = i + 1 + modrm_len(m);
		return FLOW_NEXT;
	}
	if (op == 0x8b || op == 0x03 || op == 0x2b || op == 0x33 || op == 0x23 || op == 0x0b ||
	    op == 0x8d || op == 0x63 || op == 0x3b || op == 0x8a || op == 0x3a || op == 0x13 ||
	    op == 0x1b) {
		if (((m[0] >> 3) & 7) == 4 && !(rex & 4) && op != 0x3b && op != 0x3a)
			return FLOW_STOP;
		*len = i + 1 + modrm_len(m);
		return FLOW_NEXT;
	}
	if (op == 0x83 || op == 0x81 || op == 0xc7 || op == 0xc6 || op == 0x80 || op == 0xc1 ||
	    op == 0xd1 || op == 0xd3 || op == 0xf6 || op == 0xf7) {
		size_t imm = op == 0x81 || op == 0xc7 ? 4 : op == 0x83 || op == 0xc6 ||
			     op == 0x80 || op == 0xc1 ? 1 : 0;
		unsigned int reg = (m[0] >> 3) & 7;

		if (op == 0xf6 || op == 0xf7)
			imm = reg == 0 ? (op == 0xf6 ? 1 : 4) : 0;
		if ((m[0] >> 6) == 3 && (m[0] & 7) == 4 && !(rex & 1)) {
			int32_t v;

			/* Only "sub/add $imm, %rsp" are followed. */
			if (rex != 0x48 || (reg != 5 && reg != 0) || (op != 0x83 && op != 0x81))
				return FLOW_STOP;
			if (op == 0x83) {
				v = (int8_t)m[1];
			} else {
				memcpy(&v, m + 1, 4);
			}
			*delta = reg == 5 ? v : -v;
		}
		*len = i + 1 + modrm_len(m) + imm;
		return FLOW_NEXT;
	}
	if (op >= 0xb8 && op <= 0xbf) {
		*len = i + 1 + ((rex & 8) ? 8 : 4);
		return FLOW_NEXT;
	}
	if (op >= 0xb0 && op <= 0xb7) {
		*len = i + 2;
		return FLOW_NEXT;
	}
	if (!rex && (op == 0xa8 || op == 0x3c || op == 0x24 || op == 0x0c)) {
		*len = 2;
		return FLOW_NEXT;
	}
	if (op == 0xa9 || op == 0x3d || op == 0x25 || op == 0x0d || op == 0x05 || op == 0x2d) {
		*len = i + 5;
		return FLOW_NEXT;
	}
	if (!rex && op >= 0x70 && op <= 0x7f) {
		*len = 2;
		*target = 2 + (int8_t)c[1];
		return FLOW_COND;
	}
	if (!rex && op == 0xeb) {
		*len = 2;
		*target = 2 + (int8_t)c[1];
		return FLOW_JUMP;
	}
	if (!rex && (op == 0xe9 || op == 0xe8)) {
		int32_t rel;

		memcpy(&rel, c + 1, 4);
		*len = 5;
		*target = 5 + (int64_t)rel;
		/* A call leaves the depth as it was. */
		return op == 0xe9 ? FLOW_JUMP : FLOW_NEXT;
	}
	if (op == 0x0f) {
		uint8_t o2 = c[i + 1];

		m = c + i + 2;
		if (!rex && o2 >= 0x80 && o2 <= 0x8f) {
			int32_t rel;

			memcpy(&rel, c + 2, 4);
			*len = 6;
			*target = 6 + (int64_t)rel;
			return FLOW_COND;
		}
		if (o2 == 0x1f || o2 == 0xb6 || o2 == 0xb7 || o2 == 0xbe || o2 == 0xbf ||
		    (o2 >= 0x40 && o2 <= 0x4f) || (o2 >= 0x90 && o2 <= 0x9f) || o2 == 0xa3 ||
		    o2 == 0xaf) {
			*len = i + 2 + modrm_len(m);
			return FLOW_NEXT;
		}
		if (o2 == 0xba) {
			*len = i + 2 + modrm_len(m) + 1;
			return FLOW_NEXT;
		}
		return FLOW_STOP;
	}
	if (!rex && op == 0x66 && c[1] == 0x90) {
		*len = 2;
		return FLOW_NEXT;
	}
	if (!rex && op == 0x66 && c[1] == 0x0f && c[2] == 0x1f) {
		*len = 3 + modrm_len(c + 3);
		return FLOW_NEXT;
	}
	return FLOW_STOP;
}

#define SCAN_MAX 16384
#define NO_DEPTH LONG_MIN

/*
 * Stack bytes below the return address at @site, found by following the
 * function's machine code from its entry through every branch inside it
 * (independent of ORC). Returns -1 when @site is not reached that way, or
 * when two paths reach an instruction with different depths.
 */
static long site_depth(const struct mb_linux_image *img, uint64_t fn, uint64_t site)
{
	static uint8_t c[SCAN_MAX + 16];
	static long depth[SCAN_MAX];
	size_t work[512], wd = 0, lim, i;
	long wdep[512], d;

	if (site <= fn || site - fn >= SCAN_MAX)
		return -1;
	lim = SCAN_MAX;
	while (lim > site - fn && mb_linux_image_read(img, fn, c, lim + 16))
		lim /= 2;
	if (lim <= site - fn)
		return -1;
	for (i = 0; i < lim; i++)
		depth[i] = NO_DEPTH;
	work[wd] = 0;
	wdep[wd++] = 0;
	while (wd) {
		size_t off = work[--wd];

		d = wdep[wd];
		while (off < lim) {
			enum flow fl;
			size_t len = 0;
			long delta;
			int64_t tgt = 0;

			if (depth[off] != NO_DEPTH) {
				if (depth[off] != d)
					return -1;
				break;
			}
			depth[off] = d;
			fl = decode_insn(c + off, &len, &delta, &tgt);
			if (fl == FLOW_STOP)
				break;
			d += delta;
			if (fl == FLOW_COND || fl == FLOW_JUMP) {
				int64_t t = (int64_t)off + tgt;

				if (t >= 0 && t < (int64_t)lim) {
					if (fl == FLOW_JUMP) {
						off = (size_t)t;
						continue;
					}
					if (wd < 512) {
						work[wd] = (size_t)t;
						wdep[wd++] = d;
					}
				} else if (fl == FLOW_JUMP) {
					break;	/* a tail call or a cold part */
				}
			}
			off += len;
		}
	}
	d = depth[site - fn];
	return d == NO_DEPTH ? -1 : d;
}

struct text {
	uint64_t addr;
	const uint8_t *data;
	uint64_t size;
};

#define MAX_DEPTH 6

struct path {
	uint64_t ret[MAX_DEPTH];	/* return addresses, innermost first */
	long depth[MAX_DEPTH];		/* stack bytes of the function each returns into */
	long fn[MAX_DEPTH];
	int n;
};

struct search {
	const struct mb_linux_image *img;
	const struct mb_orc *orc;
	const struct funcs *f;
	struct text txt[2];
	unsigned long sites, agree;
};

/* Extend @p from the function @callee upwards; true once @want frames are found. */
static bool extend(struct search *s, struct path *p, uint64_t callee, int want)
{
	size_t t, i;

	if (p->n == want)
		return true;
	for (t = 0; t < 2; t++) {
		const struct text *x = &s->txt[t];

		for (i = 0; x->data && i + 5 <= x->size; i++) {
			struct mb_orc_entry e;
			uint64_t site = x->addr + i, ret = site + 5;
			int32_t rel;
			long g, d;
			int k;

			if (x->data[i] != 0xe8)
				continue;
			memcpy(&rel, x->data + i + 1, 4);
			if (ret + (uint64_t)(int64_t)rel != callee)
				continue;
			g = func_of(s->f, site);
			if (g < 0 || s->f->addr[g] == callee)
				continue;
			for (k = 0; k < p->n; k++)
				if (p->fn[k] == g)
					break;
			if (k < p->n)
				continue;	/* no recursion in the path */
			d = site_depth(s->img, s->f->addr[g], site);
			if (d < 0 || mb_orc_find(s->orc, ret - 1, &e))
				continue;
			s->sites++;
			/* Use only sites where ORC and the decoded code agree. */
			if (e.kind != MB_ORC_CALL || e.sp_reg != MB_ORC_REG_SP ||
			    e.sp_offset != d + 8)
				continue;
			s->agree++;
			p->ret[p->n] = ret;
			p->depth[p->n] = d + 8;
			p->fn[p->n] = g;
			p->n++;
			if (extend(s, p, s->f->addr[g], want))
				return true;
			p->n--;
		}
	}
	return false;
}

static void text_of(const struct mb_linux_image *img, const char *name, struct text *t)
{
	const struct mb_linux_section *s = mb_linux_image_section(img, name);

	memset(t, 0, sizeof(*t));
	if (s && s->data) {
		t->addr = s->addr;
		t->data = s->data;
		t->size = s->size;
	}
}

static int real_image(const char *deb, const char *want_fmt)
{
	static const char *const starts[] = {
		"memblock_alloc_range_nid", "memblock_reserve", "memblock_add", "memblock_phys_free",
		"memblock_set_node",
	};
	struct mb_linux_kallsyms *ks;
	struct mb_linux_image *img;
	struct mb_error err = { 0 };
	struct funcs f = { 0 };
	struct search s = { 0 };
	struct mb_orc *orc;
	struct mb_orc_entry e;
	size_t i, entry_ok = 0, entry_all = 0, end = 0;
	int found = 0;

	img = mb_linux_image_open(deb, &err);
	if (!img) {
		fprintf(stderr, "FAIL: %s: %s (the linux_get_kernels fixture downloads it)\n", deb,
			err.msg);
		return 1;
	}
	if (mb_orc_load_image(img, &orc, &err)) {
		fprintf(stderr, "FAIL: %s: %s\n", deb, err.msg);
		return 1;
	}
	printf("%s: %s, ORC %s, %zu entries\n", deb, img->version,
	       mb_orc_format_name(mb_orc_format(orc)), mb_orc_count(orc));
	CHECK(!strcmp(want_fmt, mb_orc_format(orc) == MB_ORC_FMT_V1 ? "v1" : "v2"),
	      "format %s, expected %s", mb_orc_format_name(mb_orc_format(orc)), want_fmt);
	ks = mb_linux_kallsyms_open(img, &err);
	if (!ks) {
		fprintf(stderr, "FAIL: kallsyms: %s\n", err.msg);
		return 1;
	}
	CHECK(mb_linux_kallsyms_foreach(ks, collect, &f) == 0, "kallsyms walk");

	/*
	 * Fact of the x86-64 call: at a function's first instruction the CFA is
	 * %rsp + 8 and the frame is an ordinary call frame.
	 */
	for (i = 0; i < f.n; i++) {
		if (strstr(f.name[i], ".cold") || mb_orc_find(orc, f.addr[i], &e) ||
		    e.ip != f.addr[i])
			continue;
		entry_all++;
		if (e.kind == MB_ORC_CALL && e.sp_reg == MB_ORC_REG_SP && e.sp_offset == 8)
			entry_ok++;
	}
	for (i = 0; i < mb_orc_count(orc); i++)
		if (!mb_orc_entry_at(orc, i, &e) && e.kind == MB_ORC_END)
			end++;
	printf("function entries with an ORC entry: %zu, of which CALL sp+8: %zu; "
	       "end-of-stack entries: %zu\n", entry_all, entry_ok, end);
	CHECK(entry_all > 10000 && entry_ok * 100 >= entry_all * 98,
	      "%zu of %zu function entries are sp+8 call frames", entry_ok, entry_all);
	CHECK(end > 0, "no end-of-stack entry");

	s.img = img;
	s.orc = orc;
	s.f = &f;
	text_of(img, ".text", &s.txt[0]);
	text_of(img, ".init.text", &s.txt[1]);
	for (i = 0; i < sizeof(starts) / sizeof(starts[0]); i++) {
		struct path p = { .n = 0 };
		struct stack st;
		uint64_t callee, frames[MB_CHAIN_FRAMES_TEST], rsp, sp;
		const char *why = NULL;
		unsigned int n, k;
		int j;

		if (mb_linux_kallsyms_lookup(ks, starts[i], &callee))
			continue;
		if (!extend(&s, &p, callee, MAX_DEPTH))
			continue;
		/* Lay the frames out as the prologues say, garbage elsewhere. */
		st.base = 0xffffc90000100000ull;
		rsp = st.base + 0x100;
		sp = rsp + 8;		/* the CFA of the stopped function */
		for (j = 1; j < p.n; j++)
			sp += (uint64_t)p.depth[j - 1];
		/* The unwinder's next read (the return address above the last frame) fails. */
		st.top = sp + (uint64_t)p.depth[p.n - 1] - 8;
		st.mem = malloc(st.top - st.base);
		memset(st.mem, 0xa5, st.top - st.base);
		stack_put(&st, rsp, p.ret[0]);
		sp = rsp + 8;
		for (j = 1; j < p.n; j++) {
			sp += (uint64_t)p.depth[j - 1];
			stack_put(&st, sp - 8, p.ret[j]);
		}
		printf("%s <- ", starts[i]);
		for (j = 0; j < p.n; j++)
			printf("%s+0x%" PRIx64 "%s", f.name[p.fn[j]], p.ret[j] - f.addr[p.fn[j]],
			       j + 1 < p.n ? " <- " : "\n");
		n = mb_orc_unwind(orc, callee, rsp, 0x5a5a5a5a5a5a5a5aull, stack_read, &st, frames,
				  MB_CHAIN_FRAMES_TEST, &why);
		CHECK(n == (unsigned int)p.n, "%s: %u frames (%s), expected %d", starts[i], n, why,
		      p.n);
		for (k = 0; k < n && k < (unsigned int)p.n; k++)
			CHECK(frames[k] == p.ret[k], "%s: frame %u is 0x%" PRIx64 ", expected 0x%" PRIx64,
			      starts[i], k, frames[k], p.ret[k]);
		CHECK(why && !strcmp(why, "stack read failed"), "stopped: %s", why ? why : "?");
		/* A smaller budget stops at it and says so. */
		n = mb_orc_unwind(orc, callee, rsp, 0, stack_read, &st, frames, 3, &why);
		CHECK(n == 3 && frames[2] == p.ret[2] && !strcmp(why, "frame limit reached"),
		      "limit 3: %u frames, %s", n, why);
		free(st.mem);
		found++;
	}
	printf("call sites examined: %lu, ORC agreeing with the decoded code: %lu; paths unwound: %d\n",
	       s.sites, s.agree, found);
	CHECK(found >= 2, "only %d known call paths of %d frames were found", found, MAX_DEPTH);
	CHECK(s.agree * 2 >= s.sites, "ORC agreed with the decoded code at %lu of %lu call sites",
	      s.agree, s.sites);

	for (i = 0; i < f.n; i++)
		free(f.name[i]);
	free(f.name);
	free(f.addr);
	mb_linux_kallsyms_free(ks);
	mb_orc_free(orc);
	mb_linux_image_free(img);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}

/* ---- unit checks without an image ---- */

static void put_entry(uint8_t *u, int16_t sp_off, int16_t bp_off, uint16_t bits)
{
	memcpy(u, &sp_off, 2);
	memcpy(u + 2, &bp_off, 2);
	memcpy(u + 4, &bits, 2);
}

static int formats(void)
{
	/* Two entries at 0x1000 and 0x1010 (offsets relative to each slot). */
	const uint64_t ipa = 0xffffffff82000000ull;
	int32_t ip[2] = { (int32_t)(0x1000 - 0), (int32_t)(0x1010 - 4) };
	uint8_t un[12], hash[20] = { 0 }, good[20] = {
		0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9,
		0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24 };
	struct mb_error err = { 0 };
	struct mb_orc_entry e;
	struct mb_orc *o;

	/* v1: sp_reg SP(5), bp_reg undefined, type 0 (call); then sp undefined + end. */
	put_entry(un, 8, 0, 5);
	put_entry(un + 6, 0, 0, 1 << 10);
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 12, NULL, 0, "Linux version 6.1.0-56-cloud-amd64",
				   &o, &err) == 0, "%s", err.msg);
	CHECK(mb_orc_format(o) == MB_ORC_FMT_V1, "v1");
	CHECK(mb_orc_find(o, ipa + 0x1000 + 4, &e) == 0 && e.ip == ipa + 0x1000 &&
	      e.kind == MB_ORC_CALL && e.sp_reg == MB_ORC_REG_SP && e.sp_offset == 8, "v1 call");
	CHECK(mb_orc_find(o, ipa + 0x1010 + 4, &e) == 0 && e.kind == MB_ORC_END, "v1 end");
	CHECK(mb_orc_find(o, ipa + 0xfff, &e) == -1, "before the first entry");
	mb_orc_free(o);

	/* v2: type 2 (call) at bits 8..10; type 1 = end of stack. */
	put_entry(un, 16, -16, 5 | 4 << 4 | 2 << 8);
	put_entry(un + 6, 0, 0, 1 << 8);
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 12, good, 20, NULL, &o, &err) == 0, "%s",
	      err.msg);
	CHECK(mb_orc_format(o) == MB_ORC_FMT_V2, "v2");
	CHECK(mb_orc_find(o, ipa + 0x1000, &e) == 0 && e.kind == MB_ORC_CALL &&
	      e.sp_offset == 16 && e.bp_offset == -16 && e.bp_reg == MB_ORC_REG_BP, "v2 call");
	CHECK(mb_orc_find(o, ipa + 0x2000, &e) == 0 && e.kind == MB_ORC_END, "v2 end");
	mb_orc_free(o);

	/* Refusals. */
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 12, hash, 20, NULL, &o, &err) == -1 &&
	      err.code == MB_ERR_UNSUPPORTED && strstr(err.msg, "hash"), "unknown hash: %s",
	      err.msg);
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 12, good, 16, NULL, &o, &err) == -1 &&
	      err.code == MB_ERR_UNSUPPORTED, "short header");
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 12, NULL, 0, "Linux version 6.5.0", &o,
				   &err) == -1 && err.code == MB_ERR_UNSUPPORTED, "6.5 without header");
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 12, NULL, 0, NULL, &o, &err) == -1 &&
	      err.code == MB_ERR_UNSUPPORTED, "no banner");
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 6, NULL, 0, "6.1", &o, &err) == -1 &&
	      err.code == MB_ERR_FORMAT, "sizes disagree");
	ip[1] = -0x100;
	CHECK(mb_orc_load_sections(ip, ipa, 8, un, 12, NULL, 0, "6.1", &o, &err) == -1 &&
	      err.code == MB_ERR_FORMAT && strstr(err.msg, "sorted"), "unsorted");
	return failures ? 1 : 0;
}

/*
 * A hand-made v2 table and stack: an entry breakpoint, an SP-based frame whose
 * call is its last instruction before a stack change (the lookup must use the
 * return address minus one), a BP-based frame, an interrupt (full pt_regs)
 * frame and the end of the stack.
 */
static int synthetic_unwind(void)
{
	static const uint8_t good[20] = {
		0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9,
		0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24 };
	static const struct { uint32_t at; int16_t sp, bp; uint16_t bits; } t[] = {
		{ 0x1000, 8, 0, 5 | 2 << 8 },			/* callee entry */
		{ 0x2000, 24, -16, 5 | 1 << 4 | 2 << 8 },	/* SP-based, bp saved */
		{ 0x2010, 8, 0, 5 | 2 << 8 },			/* after the call */
		{ 0x3000, 16, -16, 4 | 1 << 4 | 2 << 8 },	/* BP-based */
		{ 0x4000, 0, 0, 5 | 3 << 8 },			/* pt_regs at SP */
		{ 0x5000, 0, 0, 1 << 8 },			/* end of stack */
		{ 0x6000, 0, 0, 0 },				/* undefined */
	};
	const uint64_t ipa = 0xffffffff81000000ull, code = 0xffffffff81000000ull;
	struct stack st = { 0xffffc90000000000ull, 0xffffc90000000400ull, NULL };
	uint64_t frames[8], rsp0 = st.base + 0x100;
	int32_t ip[7];
	uint8_t un[7 * 6];
	struct mb_error err = { 0 };
	struct mb_orc *o;
	const char *why;
	unsigned int n;
	size_t i;

	for (i = 0; i < 7; i++) {
		ip[i] = (int32_t)(code + t[i].at - (ipa + 4 * i));
		put_entry(un + 6 * i, t[i].sp, t[i].bp, t[i].bits);
	}
	if (mb_orc_load_sections(ip, ipa, sizeof(ip), un, sizeof(un), good, 20, NULL, &o, &err)) {
		fprintf(stderr, "%s\n", err.msg);
		return 1;
	}
	st.mem = calloc(1, 0x400);
	stack_put(&st, rsp0, code + 0x2010);			/* return into the SP frame */
	stack_put(&st, rsp0 + 16, rsp0 + 0x40);			/* its saved bp */
	stack_put(&st, rsp0 + 24, code + 0x3020);		/* return into the BP frame */
	stack_put(&st, rsp0 + 0x40, 0x77);			/* the BP frame's saved bp */
	stack_put(&st, rsp0 + 0x48, code + 0x4010);		/* return into the regs frame */
	stack_put(&st, rsp0 + 0x50 + 128, code + 0x5008);	/* pt_regs.ip */
	stack_put(&st, rsp0 + 0x50 + 152, rsp0 + 0x200);	/* pt_regs.sp */
	n = mb_orc_unwind(o, code + 0x1000, rsp0, 0x1111, stack_read, &st, frames, 8, &why);
	CHECK(n == 4, "%u frames (%s)", n, why);
	CHECK(n < 1 || frames[0] == code + 0x2010, "frame 0");
	CHECK(n < 2 || frames[1] == code + 0x3020, "frame 1 (lookup at return address - 1)");
	CHECK(n < 3 || frames[2] == code + 0x4010, "frame 2 (BP-based CFA)");
	CHECK(n < 4 || frames[3] == code + 0x5008, "frame 3 (pt_regs.ip)");
	CHECK(!strcmp(why, "end of stack"), "stopped: %s", why);
	n = mb_orc_unwind(o, code + 0x6000, rsp0, 0, stack_read, &st, frames, 8, &why);
	CHECK(n == 0 && strstr(why, "undefined"), "undefined: %u %s", n, why);
	n = mb_orc_unwind(o, code + 0x100, rsp0, 0, stack_read, &st, frames, 8, &why);
	CHECK(n == 0 && strstr(why, "no ORC entry"), "before the table: %u %s", n, why);
	/* A frame whose CFA does not move up the stack is refused. */
	n = mb_orc_unwind(o, code + 0x3004, rsp0 + 0x80, rsp0, stack_read, &st, frames, 8, &why);
	CHECK(n == 0 && strstr(why, "not growing"), "downwards: %u %s", n, why);
	free(st.mem);
	mb_orc_free(o);
	return failures ? 1 : 0;
}

static int frame_pointers(void)
{
	struct stack st = { 0xffffc90000000000ull, 0xffffc90000000100ull, NULL };
	uint64_t frames[8], b = st.base;
	const char *why;
	unsigned int n;

	st.mem = calloc(1, 0x100);
	/* Stopped at a function entry: [rsp] = ret0; frames at +0x20, +0x60, +0xa0. */
	stack_put(&st, b + 0x08, 0xffffffff81000100ull);
	stack_put(&st, b + 0x20, b + 0x60);
	stack_put(&st, b + 0x28, 0xffffffff81000200ull);
	stack_put(&st, b + 0x60, b + 0xa0);
	stack_put(&st, b + 0x68, 0xffffffff81000300ull);
	stack_put(&st, b + 0xa0, 0);
	stack_put(&st, b + 0xa8, 0xffffffff81000400ull);
	n = mb_fp_unwind(0xffffffff81000000ull, b + 0x08, b + 0x20, true, stack_read, &st, frames,
			 8, &why);
	CHECK(n == 4 && frames[0] == 0xffffffff81000100ull && frames[1] == 0xffffffff81000200ull &&
	      frames[2] == 0xffffffff81000300ull && frames[3] == 0xffffffff81000400ull &&
	      !strcmp(why, "end of frame-pointer chain"), "fp: %u frames, %s", n, why);
	/* Not at entry: the walk starts at the frame pointer. */
	n = mb_fp_unwind(0xffffffff81000000ull, b + 0x08, b + 0x20, false, stack_read, &st, frames,
			 8, &why);
	CHECK(n == 3 && frames[0] == 0xffffffff81000200ull, "fp body: %u", n);
	n = mb_fp_unwind(0xffffffff81000000ull, b + 0x08, b + 0x20, true, stack_read, &st, frames,
			 2, &why);
	CHECK(n == 2 && !strcmp(why, "frame limit reached"), "fp limit: %u %s", n, why);
	/* A loop in the chain stops. */
	stack_put(&st, b + 0x60, b + 0x20);
	n = mb_fp_unwind(0xffffffff81000000ull, b + 0x08, b + 0x20, true, stack_read, &st, frames,
			 8, &why);
	CHECK(n == 3 && strstr(why, "not moving up"), "fp loop: %u %s", n, why);
	/* The chain leaves the readable stack. */
	stack_put(&st, b + 0x60, b + 0x1000);
	n = mb_fp_unwind(0xffffffff81000000ull, b + 0x08, b + 0x20, true, stack_read, &st, frames,
			 8, &why);
	CHECK(n == 3 && !strcmp(why, "stack read failed"), "fp unreadable: %u %s", n, why);
	free(st.mem);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 2 && !strcmp(argv[1], "formats"))
		return formats();
	if (argc == 2 && !strcmp(argv[1], "synthetic_unwind"))
		return synthetic_unwind();
	if (argc == 2 && !strcmp(argv[1], "frame_pointers"))
		return frame_pointers();
	if (argc == 4 && !strcmp(argv[1], "image"))
		return real_image(argv[2], argv[3]);
	fprintf(stderr, "usage: test_orc formats | synthetic_unwind | frame_pointers | image DEB v1|v2\n");
	return 2;
}
