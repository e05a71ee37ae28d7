// SPDX-License-Identifier: GPL-2.0-only
/* pull.c - transport + ELF + BTF layout -> struct mb_capture (events, arrays, metadata). */
#include <errno.h>
#include <bpf/btf.h>
#include <stdbool.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/pull.h"
#include "mbagent/serial.h"
#include "memblock.h"
#include "agent_internal.h"

#ifndef MB_AGENT_VERSION
#define MB_AGENT_VERSION "unknown"
#endif

/**
 * mb_pull_locate() - find the log and struct memblock by ELF symbol
 * @elf: the kernel ELF (identity-mapped: symbol value = physical address)
 * @evlog_addr: address of mb_evlog_area
 * @evlog_bytes: its size
 * @memblock_addr: address of memblock (may be NULL)
 * @err: MB_ERR_NOTFOUND when a symbol is missing
 *
 * Return: 0 or -1.
 */
int mb_pull_locate(struct mb_elf *elf, uint64_t *evlog_addr, uint64_t *evlog_bytes,
		   uint64_t *memblock_addr, struct mb_error *err)
{
	if (mb_elf_symbol(elf, "mb_evlog_area", evlog_addr, evlog_bytes, err))
		return -1;
	if (memblock_addr && mb_elf_symbol(elf, "memblock", memblock_addr, NULL, err))
		return -1;
	return 0;
}

static void set_initial(struct mb_state *s)
{
	/* Our kernel starts from memblock's static initialiser: empty arrays. */
	memset(s, 0, sizeof(*s));
	s->valid = true;
	s->bottom_up = false;
	s->current_limit = MEMBLOCK_ALLOC_ANYWHERE;
	s->memory.max = INIT_MEMBLOCK_MEMORY_REGIONS;
	s->reserved.max = INIT_MEMBLOCK_RESERVED_REGIONS;
}

/* Function holding @addr in the kernel ELF: name, start, length. */
static int elf_func(void *ctx, uint64_t addr, const char **name, uint64_t *start, uint64_t *len)
{
	struct mb_elf *elf = ctx;
	uint64_t off = 0, a, sz;

	*name = mb_elf_symbolize(elf, addr, &off);
	if (!*name)
		return -1;
	*start = addr - off;
	*len = 0;
	if (!mb_elf_symbol(elf, *name, &a, &sz, NULL) && a == *start)
		*len = sz;
	return 0;
}

/*
 * Attach the kernel's logged caller chains to the events. A chain whose
 * first frame is not the record's caller is not kept (the log is then
 * inconsistent; the count lands in metadata).
 */
static int attach_chains(const struct mb_pull_opts *o, struct mb_capture *c,
			 const struct mb_evlog_header *h, struct mb_error *err)
{
	struct mb_evlog_chain *ch = NULL;
	size_t n = 0, i, with = 0, bad = 0;
	char buf[96];

	if (mb_evlog_read_chains(o->t, h, &ch, &n, err))
		return -1;
	if (!ch) {
		if (mb_capture_set_meta(c, "chains", "none (the kernel logs no chains)"))
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return 0;
	}
	for (i = 0; i < n && i < c->nevents; i++) {
		if (!ch[i].nframes)
			continue;
		if (ch[i].ret[0] != c->events[i].rec.caller) {
			bad++;
			continue;
		}
		if (mb_capture_set_chain(c, i, ch[i].ret, ch[i].nframes, MB_CHAIN_KERNEL_FP,
					 err)) {
			free(ch);
			return -1;
		}
		with++;
	}
	free(ch);
	if (mb_capture_symbolize_chains(c, elf_func, o->elf, err))
		return -1;
	snprintf(buf, sizeof(buf), "kernel-fp: %zu of %zu events, %zu dropped as inconsistent",
		 with, c->nevents, bad);
	if (mb_capture_set_meta(c, "chains", buf))
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	return 0;
}

static int meta_u64(struct mb_capture *c, const char *key, uint64_t v, bool hex)
{
	char buf[32];

	snprintf(buf, sizeof(buf), hex ? "%#" PRIx64 : "%" PRIu64, v);
	return mb_capture_set_meta(c, key, buf);
}

/*
 * The log and the arrays are read one after the other: a target reset or
 * rebooted in between would give events from one boot and arrays from
 * another.  Read the header again and check that nothing moved, and that the
 * arrays hold as many regions as the last recorded call left.
 */
static int check_unchanged(const struct mb_pull_opts *o, uint64_t evlog, uint64_t bytes,
			   const struct mb_evlog_header *h, const struct mb_evlog_record *recs,
			   size_t n, const struct mb_state *final, struct mb_error *err)
{
	struct mb_evlog_header h2;

	if (mb_evlog_read_header(o->t, evlog, bytes, &h2, err)) {
		/* A lost connection or the deadline is not the target changing. */
		if (err && (err->code == MB_ERR_TIMEOUT || err->code == MB_ERR_CLOSED ||
			    err->code == MB_ERR_IO))
			return -1;
		return mb_error_prefix(err, "target changed during the pull");
	}
	if (h2.written != h->written || h2.dropped != h->dropped ||
	    h2.boot_state != h->boot_state || h2.build_id_len != h->build_id_len ||
	    memcmp(h2.build_id, h->build_id, sizeof(h2.build_id)))
		return mb_error_set(err, MB_ERR_MISMATCH, 0, evlog,
				    "target changed during the pull (log header: %llu -> %llu records, state %u -> %u); pull again",
				    (unsigned long long)h->written, (unsigned long long)h2.written,
				    h->boot_state, h2.boot_state);
	/* A complete log's last call left exactly the arrays that were read. */
	if (n && !h->dropped && (recs[n - 1].memory_cnt != final->memory.cnt ||
				 recs[n - 1].reserved_cnt != final->reserved.cnt))
		return mb_error_set(err, MB_ERR_MISMATCH, 0, evlog,
				    "target changed during the pull: the last logged call left %u memory and %u reserved regions, the arrays hold %llu and %llu; pull again",
				    recs[n - 1].memory_cnt, recs[n - 1].reserved_cnt,
				    (unsigned long long)final->memory.cnt,
				    (unsigned long long)final->reserved.cnt);
	return 0;
}

/*
 * A transport that answers one remembered read from memory: the pre-check
 * reads struct memblock, and mb_memblock_read() reads the same bytes again
 * right after (a round trip saved on the serial link).
 */
struct once {
	struct mb_transport t;
	struct mb_transport *inner;
	uint64_t addr;
	uint32_t len;
	bool used;
	uint8_t buf[4096];
	/* Both region arrays, when they lie close together: one read for two. */
	uint64_t span_addr;
	size_t span_len;
	uint8_t *span;
};

/* Nearby arrays are read in one piece when the gap between them is this small. */
#define SPAN_MAX	(64u << 10)

static int once_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		     struct mb_error *err)
{
	struct once *o = t->priv;

	if (!o->used && addr == o->addr && len == o->len) {
		o->used = true;
		memcpy(buf, o->buf, len);
		return 0;
	}
	if (o->span && addr >= o->span_addr && len <= o->span_len &&
	    addr - o->span_addr <= o->span_len - len) {
		memcpy(buf, o->span + (addr - o->span_addr), len);
		return 0;
	}
	return mb_transport_read(o->inner, addr, buf, len, err);
}

/* Read both region arrays at once if they sit within SPAN_MAX of each other. */
static void prefetch_span(struct once *o, const struct mb_layout *l, uint64_t evlog)
{
	uint64_t lo = UINT64_MAX, hi = 0;
	struct mb_error ignored;

	for (int i = 0; i < 2; i++) {
		const uint8_t *ty = o->buf + (i ? l->reserved.off : l->memory.off);
		uint64_t cnt = mb_field_get(ty, &l->cnt), p = mb_field_get(ty, &l->regions);

		if (!cnt || p + cnt * l->region_size < p)
			return;
		lo = p < lo ? p : lo;
		hi = p + cnt * l->region_size > hi ? p + cnt * l->region_size : hi;
	}
	if (hi - lo > SPAN_MAX)
		return;
	o->span = malloc(hi - lo);
	/*
	 * Over COM2 the log header that check_unchanged() reads after the
	 * arrays goes in the same burst (the kernel answers in order, so it
	 * is still read after them): one round trip for both.
	 */
	if (o->span && !strcmp(o->inner->ops->name, "serial")) {
		uint64_t a[2] = { lo, evlog };
		uint32_t n[2] = { (uint32_t)(hi - lo), sizeof(struct mb_evlog_header) };

		mb_serial_prefetch(o->inner->priv, a, n, 2);
	}
	/* Any failure (a hole between them): read them one by one as usual. */
	if (o->span && mb_transport_read(o->inner, lo, o->span, hi - lo, &ignored)) {
		free(o->span);
		o->span = NULL;
	}
	o->span_addr = lo;
	o->span_len = hi - lo;
}

static const struct mb_transport_ops once_ops = { .name = "cached", .read = once_read };

/* Whether @max is a capacity memblock can reach: the initial one, doubled k times. */
static bool reachable_max(uint64_t max, uint64_t init)
{
	while (max > init && !(max & 1))
		max >>= 1;
	return max == init;
}

/*
 * Look at the two array headers before reading any region: a count the log
 * contradicts, a capacity memblock cannot reach or arrays bigger than RAM
 * would otherwise cost a read of up to MB_MAX_REGIONS regions (24 MiB, minutes
 * through the serial transport) before the pull could say it was wrong.
 */
static int precheck_arrays(const struct mb_pull_opts *o, uint64_t mbaddr,
			   const struct mb_evlog_header *h, const struct mb_evlog_record *recs,
			   size_t n, struct once *cache, struct mb_error *err)
{
	const struct mb_layout *l = o->layout;
	static const char *const names[2] = { "memory", "reserved" };
	const struct mb_field *types[2] = { &l->memory, &l->reserved };
	const uint64_t init[2] = { INIT_MEMBLOCK_MEMORY_REGIONS, INIT_MEMBLOCK_RESERVED_REGIONS };
	uint8_t *mb = cache->buf;

	if (!l->memblock_size || l->memblock_size > sizeof(cache->buf))
		return mb_error_set(err, MB_ERR_FORMAT, 0, mbaddr, "struct memblock of %u bytes",
				    l->memblock_size);
	if (mb_transport_read(o->t, mbaddr, mb, l->memblock_size, err))
		return mb_error_prefix(err, "reading struct memblock at %#llx",
				       (unsigned long long)mbaddr);
	cache->t.ops = &once_ops;
	cache->t.priv = cache;
	cache->inner = o->t;
	cache->addr = mbaddr;
	cache->len = l->memblock_size;
	cache->span = NULL;
	for (int i = 0; i < 2; i++) {
		const uint8_t *ty = mb + types[i]->off;
		uint64_t cnt = mb_field_get(ty, &l->cnt), max = mb_field_get(ty, &l->max);
		uint64_t logged = !n ? 0 : i ? recs[n - 1].reserved_cnt : recs[n - 1].memory_cnt;

		if (cnt > max || max > MB_MAX_REGIONS || !reachable_max(max, init[i]))
			return mb_error_set(err, MB_ERR_FORMAT, 0, mbaddr,
					    "memblock.%s claims %llu of %llu regions: memblock starts at %llu and only doubles (limit %u); not reading them",
					    names[i], (unsigned long long)cnt,
					    (unsigned long long)max, (unsigned long long)init[i],
					    MB_MAX_REGIONS);
		if (!h->dropped && cnt != logged)
			return mb_error_set(err, MB_ERR_FORMAT, 0, mbaddr,
					    "memblock.%s claims %llu regions, the log's last call left %llu; not reading them",
					    names[i], (unsigned long long)cnt,
					    (unsigned long long)logged);
		if (o->ram_size && cnt * l->region_size > o->ram_size)
			return mb_error_set(err, MB_ERR_FORMAT, 0, mbaddr,
					    "memblock.%s claims %llu regions, more than %llu bytes of RAM hold",
					    names[i], (unsigned long long)cnt,
					    (unsigned long long)o->ram_size);
	}
	return 0;
}

/* Byte offset of member @name of struct @id in @btf, or -1. */
static long member_off(const struct btf *btf, int id, const char *name)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;
	int i;

	if (!t || !btf_is_struct(t))
		return -1;
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), name))
			return (long)(btf_member_bit_offset(t, i) / 8);
	return -1;
}

static uint64_t rd64(const uint8_t *buf, size_t len, long off)
{
	uint64_t v = 0;

	if (off >= 0 && (size_t)off + 8 <= len)
		memcpy(&v, buf + off, 8);
	return v;
}

static void meta_range(char *out, size_t len, uint64_t base, uint64_t size, const char *what)
{
	size_t n = strlen(out);

	if (size && n < len)
		snprintf(out + n, len - n, "%s%" PRIx64 "-%" PRIx64 ":%s", n ? ";" : "", base,
			 base + size - 1, what);
}

/* Member @name (a u64) of the struct @id that starts at @at in @buf; 0 if absent. */
static uint64_t member64(const struct btf *btf, int id, const uint8_t *buf, size_t len, long at,
			 const char *name)
{
	long off = member_off(btf, id, name);

	return off < 0 ? 0 : rd64(buf, len, at + off);
}

/* boot_info's (address, size) member pairs naming memory the kernel was handed. */
static const struct {
	const char *addr, *size, *what;
} boot_ranges[] = {
	{ "start_info", "start_info_size", "boot protocol: start info" },
	{ "memmap_paddr", "memmap_size", "boot protocol: firmware memory map" },
	{ "modlist_paddr", "modlist_size", "boot protocol: module list" },
	{ "cmdline_paddr", "cmdline_size", "boot protocol: kernel command line" },
};

/*
 * What our test kernel reserved before anyone could log it, and the firmware
 * map it booted with: its `boot_info` (decoded through the ELF's BTF) and the
 * image's bounds, as metadata "prelog" and "e820" (both "BASE-LAST:WHAT;...",
 * hex, inclusive). Best effort: a kernel without these symbols gets neither.
 */
static void boot_metadata(const struct mb_pull_opts *o, struct mb_capture *c)
{
	static const char *const fw[] = { "", "1", "2", "3", "4", "5" };
	uint64_t addr, size, text, end;
	struct btf *btf;
	struct mb_error err = { 0 };
	uint8_t *buf = NULL;
	char pl[2048] = "", e8[2048] = "", what[64];
	long o_nm, o_mods, o_ne, o_e8;
	int id, eid, mid;
	uint32_t i, n;

	if (mb_elf_symbol(o->elf, "_text", &text, NULL, &err) ||
	    mb_elf_symbol(o->elf, "_end", &end, NULL, &err))
		return;
	meta_range(pl, sizeof(pl), text, end - text, "kernel image (_text.._end)");
	btf = btf__parse_elf(mb_elf_path(o->elf), NULL);
	if (!btf || mb_elf_symbol(o->elf, "boot_info", &addr, &size, &err) || !size ||
	    size > 65536 || (id = btf__find_by_name_kind(btf, "boot_info", BTF_KIND_STRUCT)) < 0)
		goto out;
	buf = malloc(size);
	if (!buf || mb_transport_read(o->t, addr, buf, size, &err))
		goto out;
	o_nm = member_off(btf, id, "nr_modules");
	o_mods = member_off(btf, id, "modules");
	o_ne = member_off(btf, id, "nr_e820");
	o_e8 = member_off(btf, id, "e820");
	for (i = 0; i < sizeof(boot_ranges) / sizeof(boot_ranges[0]); i++)
		meta_range(pl, sizeof(pl), member64(btf, id, buf, size, 0, boot_ranges[i].addr),
			   member64(btf, id, buf, size, 0, boot_ranges[i].size),
			   boot_ranges[i].what);
	mid = btf__find_by_name_kind(btf, "boot_module", BTF_KIND_STRUCT);
	n = o_nm >= 0 && (size_t)o_nm + 4 <= size ? *(uint32_t *)(buf + o_nm) : 0;
	for (i = 0; mid >= 0 && o_mods >= 0 && i < n && i < 16; i++) {
		long esz = btf__resolve_size(btf, mid);

		snprintf(what, sizeof(what), "boot module %u (initrd)", i);
		meta_range(pl, sizeof(pl), rd64(buf, size, o_mods + i * esz),
			   member64(btf, mid, buf, size, o_mods + i * esz, "size"), what);
	}
	eid = btf__find_by_name_kind(btf, "e820_entry", BTF_KIND_STRUCT);
	n = o_ne >= 0 && (size_t)o_ne + 4 <= size ? *(uint32_t *)(buf + o_ne) : 0;
	for (i = 0; eid >= 0 && o_e8 >= 0 && i < n && i < 128; i++) {
		long esz = btf__resolve_size(btf, eid), at = o_e8 + (long)i * esz;
		long toff = member_off(btf, eid, "type");
		uint32_t type = 0;

		if (toff >= 0 && (size_t)(at + toff + 4) <= size)
			memcpy(&type, buf + at + toff, 4);
		snprintf(what, sizeof(what), "%x", type);
		meta_range(e8, sizeof(e8), member64(btf, eid, buf, size, at, "addr"),
			   member64(btf, eid, buf, size, at, "size"), type < 6 ? fw[type] : what);
	}
	if (e8[0])
		mb_capture_set_meta(c, "e820", e8);
out:
	if (pl[0])
		mb_capture_set_meta(c, "prelog", pl);
	free(buf);
	btf__free(btf);
}

/**
 * mb_pull() - read everything a capture needs from a target
 * @o: transport, ELF, layout and addresses
 * @err: filled on failure; MB_ERR_MISMATCH when the ELF's build-id is not
 *   the one in the target's log header
 *
 * Return: a new capture or NULL.
 */
struct mb_capture *mb_pull(const struct mb_pull_opts *o, struct mb_error *err)
{
	uint64_t evlog = o->evlog_addr, bytes = o->evlog_bytes, mbaddr = o->memblock_addr;
	struct mb_evlog_record *recs = NULL;
	struct mb_evlog_header h;
	struct mb_read_opts ro = { .ram_bytes = o->ram_size };
	struct mb_capture *c = NULL;
	struct once *cache = NULL;
	const uint8_t *bid;
	size_t n = 0, bidlen;
	char hex[80];

	if (!o->t || !o->elf || !o->layout) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "mb_pull: transport, ELF and layout needed");
		return NULL;
	}
	if (!evlog) {
		if (mb_pull_locate(o->elf, &evlog, bytes ? NULL : &bytes, NULL, err))
			return NULL;
	}
	if (mb_evlog_read_header(o->t, evlog, bytes, &h, err))
		return NULL;
	if (mb_elf_check_build_id(o->elf, h.build_id, h.build_id_len, err))
		return NULL;
	if (!mbaddr)
		mbaddr = h.memblock_addr;
	if (!mbaddr && mb_elf_symbol(o->elf, "memblock", &mbaddr, NULL, err))
		return NULL;
	if (mb_evlog_read_records(o->t, evlog, &h, &recs, &n, err))
		return NULL;
	c = mb_capture_new();
	cache = calloc(1, sizeof(*cache));
	if (!c || !cache) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		goto fail;
	}
	if (precheck_arrays(o, mbaddr, &h, recs, n, cache, err))
		goto fail;
	prefetch_span(cache, o->layout, evlog);
	if (mb_memblock_read(&cache->t, mbaddr, o->layout, &ro, &c->final, err))
		goto fail;
	if (check_unchanged(o, evlog, bytes, &h, recs, n, &c->final, err))
		goto fail;
	c->source = o->source;
	memcpy(c->build_id, h.build_id, sizeof(c->build_id));
	c->build_id_len = h.build_id_len;
	c->log_capacity = h.capacity;
	c->log_written = h.written;
	c->log_dropped = h.dropped;
	c->boot_state = h.boot_state;
	set_initial(&c->initial);
	for (size_t i = 0; i < n; i++) {
		const struct mb_evlog_record *r = &recs[i];
		struct mb_event ev = {
			.rec = *r,
			.caller_sym = MB_NO_SYM, .caller_off = 0,
		};
		uint64_t off = 0;
		const char *sym = r->caller ? mb_elf_symbolize(o->elf, r->caller, &off) : NULL;

		if (sym && off <= UINT32_MAX) {
			ev.caller_sym = mb_capture_intern_sym(c, sym);
			ev.caller_off = ev.caller_sym == MB_NO_SYM ? 0 : (uint32_t)off;
		}
		if (mb_capture_add_event(c, &ev, err))
			goto fail;
	}
	free(recs);
	recs = NULL;
	free(cache->span);
	free(cache);
	cache = NULL;
	if (attach_chains(o, c, &h, err))
		goto fail;
	hex[0] = '\0';
	for (uint32_t i = 0; i < h.build_id_len && i < 32; i++)
		sprintf(hex + 2 * i, "%02x", h.build_id[i]);
	if (mb_capture_set_meta(c, "agent_version", MB_AGENT_VERSION) ||
	    mb_capture_set_meta(c, "transport", o->t->ops->name) ||
	    mb_capture_set_meta(c, "kernel", mb_elf_path(o->elf)) ||
	    (hex[0] && mb_capture_set_meta(c, "build_id", hex)) ||
	    meta_u64(c, "evlog_addr", evlog, true) ||
	    meta_u64(c, "memblock_addr", mbaddr, true) ||
	    (o->ram_size && meta_u64(c, "ram_size", o->ram_size, false)) ||
	    (o->qemu_cmdline && mb_capture_set_meta(c, "qemu_cmdline", o->qemu_cmdline))) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		goto fail;
	}
	boot_metadata(o, c);
	if (mb_elf_build_id(o->elf, &bid, &bidlen) == 0 && !h.build_id_len)
		mb_agent_log(1, "target log has no build-id; trusting %s", mb_elf_path(o->elf));
	if (h.dropped)
		mb_agent_log(1, "the kernel's log dropped %llu events (capacity %u)",
			     (unsigned long long)h.dropped, h.capacity);
	return c;
fail:
	free(recs);
	if (cache)
		free(cache->span);
	free(cache);
	mb_capture_free(c);
	return NULL;
}
