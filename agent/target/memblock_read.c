// SPDX-License-Identifier: GPL-2.0-only
/* memblock_read.c - the one reader of struct memblock and its region arrays (BTF offsets). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/target.h"

/*
 * Guest RAM as QEMU's pc machine maps it: all of it from 0 when it fits
 * below 3.5 GiB; otherwise 3 GiB from 0 and the rest from 4 GiB.
 */
static bool in_guest_ram(uint64_t addr, uint64_t len, uint64_t ram)
{
	uint64_t low = ram < 0xe0000000ull ? ram : 0xc0000000ull;
	uint64_t high = ram - low;

	if (addr <= low && len <= low - addr)
		return true;
	return addr >= (1ull << 32) && addr - (1ull << 32) <= high &&
	       len <= high - (addr - (1ull << 32));
}

/* Where the @cnt regions at @ptr are for the transport, or -1 if nowhere sane. */
static int locate_regions(uint64_t ptr, uint64_t cnt, const char *name,
			  const struct mb_layout *l, const struct mb_read_opts *o,
			  uint64_t *where, struct mb_error *err)
{
	uint64_t bytes = cnt * l->region_size;

	if (!ptr)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "memblock.%s.regions is NULL with cnt %llu", name,
				    (unsigned long long)cnt);
	*where = ptr;
	if (o && o->v2p && o->v2p(ptr, where, o->ctx))
		return mb_error_set(err, MB_ERR_FORMAT, 0, ptr,
				    "memblock.%s.regions %#llx is not a kernel address", name,
				    (unsigned long long)ptr);
	if (o && o->ram_bytes && !in_guest_ram(*where, bytes, o->ram_bytes))
		return mb_error_set(err, MB_ERR_FORMAT, 0, *where,
				    "memblock.%s.regions at %#llx (%llu bytes) lies outside guest RAM (%llu MiB)",
				    name, (unsigned long long)*where, (unsigned long long)bytes,
				    (unsigned long long)(o->ram_bytes >> 20));
	return 0;
}

/* What memblock keeps true between calls: sorted, disjoint, no empty region. */
static int check_regions(const struct mb_array *a, const char *name, struct mb_error *err)
{
	uint64_t end = 0;

	/* Older Linux (6.1 among them) keeps an empty array as one zero-size entry. */
	if (a->cnt == 1 && !a->regions[0].size && !a->total_size)
		return 0;
	for (uint64_t i = 0; i < a->cnt; i++) {
		const struct mb_region_rec *r = &a->regions[i];

		if (!r->size)
			return mb_error_set(err, MB_ERR_FORMAT, 0, r->base,
					    "memblock.%s.regions[%llu] has size 0: not a memblock array",
					    name, (unsigned long long)i);
		if (r->size > ~0ull - r->base)
			return mb_error_set(err, MB_ERR_FORMAT, 0, r->base,
					    "memblock.%s.regions[%llu] wraps past the end of the address space",
					    name, (unsigned long long)i);
		if (i && r->base < end)
			return mb_error_set(err, MB_ERR_FORMAT, 0, r->base,
					    "memblock.%s.regions[%llu] at %#llx overlaps or precedes the one before",
					    name, (unsigned long long)i, (unsigned long long)r->base);
		end = r->base + r->size;
	}
	return 0;
}

static int read_type(struct mb_transport *t, const uint8_t *mb, const struct mb_field *tf,
		     const char *name, const struct mb_layout *l, const struct mb_read_opts *o,
		     struct mb_array *a, struct mb_error *err)
{
	const uint8_t *ty = mb + tf->off;
	uint64_t ptr, where;
	uint8_t *raw;

	a->cnt = mb_field_get(ty, &l->cnt);
	a->max = mb_field_get(ty, &l->max);
	a->total_size = mb_field_get(ty, &l->total_size);
	a->regions = NULL;
	ptr = mb_field_get(ty, &l->regions);
	if (a->max > MB_MAX_REGIONS || a->cnt > a->max)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "memblock.%s: cnt %llu, max %llu (limit %u)", name,
				    (unsigned long long)a->cnt, (unsigned long long)a->max,
				    MB_MAX_REGIONS);
	if (!a->cnt)
		return 0;
	if (locate_regions(ptr, a->cnt, name, l, o, &where, err))
		return -1;
	raw = malloc(a->cnt * l->region_size);
	a->regions = calloc(a->cnt, sizeof(*a->regions));
	if (!raw || !a->regions) {
		free(raw);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	if (mb_transport_read(t, where, raw, a->cnt * l->region_size, err)) {
		free(raw);
		return mb_error_prefix(err, "reading memblock.%s.regions (%llu at %#llx)", name,
				       (unsigned long long)a->cnt, (unsigned long long)where);
	}
	for (uint64_t i = 0; i < a->cnt; i++) {
		const uint8_t *r = raw + i * l->region_size;

		a->regions[i].base = mb_field_get(r, &l->base);
		a->regions[i].size = mb_field_get(r, &l->size);
		a->regions[i].flags = (uint32_t)mb_field_get(r, &l->flags);
		a->regions[i].nid = l->nid.present ? (int32_t)mb_field_get_signed(r, &l->nid) : -1;
	}
	free(raw);
	if (o && o->in_flux)
		return 0;
	return check_regions(a, name, err);
}

/**
 * mb_memblock_check() - does a state read in flux hold settled memblock arrays?
 * @st: state read by mb_memblock_read() with in_flux set
 * @err: MB_ERR_FORMAT naming the first region that is empty, out of order
 *   or overlapping
 *
 * Return: 0 or -1.
 */
int mb_memblock_check(const struct mb_state *st, struct mb_error *err)
{
	if (check_regions(&st->memory, "memory", err) ||
	    check_regions(&st->reserved, "reserved", err))
		return -1;
	return 0;
}

/**
 * mb_memblock_read() - read a target's struct memblock and both region arrays
 * @t: transport
 * @addr: address of struct memblock as @t reads it
 * @l: layout from the target's BTF (never the host's sizeof)
 * @o: how to reach and check the arrays (NULL: identity addresses, RAM size
 *   unknown, settled target)
 * @out: filled (valid = true); arrays malloc'd, @cnt entries each
 * @err: MB_ERR_FORMAT when the arrays are not memblock's: cnt > max, max
 *   beyond MB_MAX_REGIONS, a NULL or untranslatable regions pointer, an
 *   array outside guest RAM, and (unless @o->in_flux) a region of size 0,
 *   regions out of order or overlapping; the transport's error when a read
 *   fails
 *
 * Return: 0 or -1 (then @out holds no allocations).
 */
int mb_memblock_read(struct mb_transport *t, uint64_t addr, const struct mb_layout *l,
		     const struct mb_read_opts *o, struct mb_state *out, struct mb_error *err)
{
	uint8_t *mb;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!l->memblock_size || l->memblock_size > 4096)
		return mb_error_set(err, MB_ERR_FORMAT, 0, addr, "struct memblock of %u bytes",
				    l->memblock_size);
	mb = malloc(l->memblock_size);
	if (!mb)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	if (mb_transport_read(t, addr, mb, l->memblock_size, err)) {
		free(mb);
		return mb_error_prefix(err, "reading struct memblock at %#llx",
				       (unsigned long long)addr);
	}
	out->bottom_up = mb_field_get(mb, &l->bottom_up) != 0;
	out->current_limit = mb_field_get(mb, &l->current_limit);
	rc = read_type(t, mb, &l->memory, "memory", l, o, &out->memory, err);
	if (!rc)
		rc = read_type(t, mb, &l->reserved, "reserved", l, o, &out->reserved, err);
	free(mb);
	if (rc) {
		free(out->memory.regions);
		free(out->reserved.regions);
		memset(out, 0, sizeof(*out));
		return -1;
	}
	out->valid = true;
	return 0;
}
