// SPDX-License-Identifier: GPL-2.0-only
/* dump_text.c - the one host formatter of the "MEMBLOCK configuration:" text (dump, gdb's mb-dump, Python). */
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include "mbagent/dump_text.h"

/* Where the text goes: a stream, or a buffer that counts what did not fit. */
struct dump_sink {
	FILE *f;
	char *buf;
	size_t len;
	size_t used;
	bool failed;
};

static void __attribute__((format(printf, 2, 3))) emit(struct dump_sink *s, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	if (s->f) {
		if (vfprintf(s->f, fmt, ap) < 0)
			s->failed = true;
	} else {
		n = vsnprintf(s->used < s->len ? s->buf + s->used : NULL,
			      s->used < s->len ? s->len - s->used : 0, fmt, ap);
		if (n < 0)
			s->failed = true;
		else
			s->used += (size_t)n;
	}
	va_end(ap);
}

/* %pa: "0x" and the value in two hex digits per byte of phys_addr_t. */
static void emit_pa(struct dump_sink *s, uint64_t v, uint32_t bits)
{
	if (bits < 64)
		v &= (UINT64_C(1) << bits) - 1;
	emit(s, "0x%0*" PRIx64, (int)(bits / 4), v);
}

static const struct mb_dump_opts dump_defaults = {
	.what = MB_DUMP_ALL,
	.addr_bits = 64,
	.max_numnodes = MB_DUMP_MAX_NUMNODES,
};

static struct mb_dump_opts dump_opts(const struct mb_dump_opts *opts)
{
	struct mb_dump_opts o = opts ? *opts : dump_defaults;

	if (!o.addr_bits || o.addr_bits > 64 || o.addr_bits % 8)
		o.addr_bits = 64;
	return o;
}

/* One region as its memblock_dump() line has it after the tab. */
static void dump_region(struct dump_sink *s, const struct mb_region_rec *r,
			const struct mb_dump_opts *o)
{
	emit(s, "[");
	emit_pa(s, r->base, o->addr_bits);
	emit(s, "-");
	emit_pa(s, r->base + r->size - 1, o->addr_bits);
	emit(s, "], ");
	emit_pa(s, r->size, o->addr_bits);
	emit(s, " bytes");
	if (r->nid >= 0 && (uint32_t)r->nid < o->max_numnodes)
		emit(s, " on node %d", r->nid);
	emit(s, " flags: 0x%x", r->flags);
}

static void dump_array(struct dump_sink *s, const char *name, const struct mb_array *a,
		       const struct mb_dump_opts *o)
{
	uint64_t i;

	emit(s, " %s.cnt  = 0x%" PRIx64 "\n", name, a->cnt);
	for (i = 0; i < a->cnt && a->regions; i++) {
		emit(s, " %s[0x%" PRIx64 "]\t", name, i);
		dump_region(s, &a->regions[i], o);
		emit(s, "\n");
	}
}

static void dump_state(struct dump_sink *s, const struct mb_state *st,
		       const struct mb_dump_opts *opts)
{
	struct mb_dump_opts o = dump_opts(opts);

	if (o.what & MB_DUMP_HEADER) {
		emit(s, "MEMBLOCK configuration:\n memory size = ");
		emit_pa(s, st->memory.total_size, o.addr_bits);
		emit(s, " reserved size = ");
		emit_pa(s, st->reserved.total_size, o.addr_bits);
		emit(s, "\n");
	}
	if (o.what & MB_DUMP_MEMORY)
		dump_array(s, o.memory_name ? o.memory_name : "memory", &st->memory, &o);
	if (o.what & MB_DUMP_RESERVED)
		dump_array(s, o.reserved_name ? o.reserved_name : "reserved", &st->reserved, &o);
}

/**
 * mb_dump_text() - print a state as Linux's memblock_dump_all() does
 * @f: stream to write to
 * @st: the arrays
 * @o: what to print and how (NULL: everything, 64-bit addresses,
 *   MB_DUMP_MAX_NUMNODES)
 *
 * The "MEMBLOCK configuration:" line, the memory and reserved sizes, then
 * memblock_dump()'s lines for each array: the same text the kernel prints
 * with memblock=debug, without printk's prefixes.
 *
 * Return: 0, or -1 when writing to @f failed.
 */
int mb_dump_text(FILE *f, const struct mb_state *st, const struct mb_dump_opts *o)
{
	struct dump_sink s = { .f = f };

	dump_state(&s, st, o);
	return s.failed ? -1 : 0;
}

/**
 * mb_dump_text_buf() - mb_dump_text() into a buffer, as snprintf() does
 * @buf: output (may be NULL when @len is 0)
 * @len: size of @buf
 * @st: the arrays
 * @o: as for mb_dump_text()
 *
 * The text is NUL-terminated when @len is not 0, and cut short when it does
 * not fit; call again with a buffer of the returned length + 1.
 *
 * Return: the length of the whole text, without the NUL.
 */
size_t mb_dump_text_buf(char *buf, size_t len, const struct mb_state *st,
			const struct mb_dump_opts *o)
{
	struct dump_sink s = { .buf = buf, .len = len };

	if (len)
		buf[0] = 0;
	dump_state(&s, st, o);
	return s.used;
}

/**
 * mb_dump_region_buf() - one region as its memblock_dump() line shows it
 * @buf: output (may be NULL when @len is 0)
 * @len: size of @buf
 * @r: the region
 * @o: as for mb_dump_text() (@o->what is not used)
 *
 * The part of the line after the array's name and index, without a newline:
 * "[0x...-0x...], 0x... bytes on node 0 flags: 0x0" (gdb's pretty printer
 * of struct memblock_region prints this).
 *
 * Return: the length of the whole text, as mb_dump_text_buf().
 */
size_t mb_dump_region_buf(char *buf, size_t len, const struct mb_region_rec *r,
			  const struct mb_dump_opts *o)
{
	struct dump_sink s = { .buf = buf, .len = len };
	struct mb_dump_opts opts = dump_opts(o);

	if (len)
		buf[0] = 0;
	dump_region(&s, r, &opts);
	return s.used;
}
