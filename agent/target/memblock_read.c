// SPDX-License-Identifier: GPL-2.0-only
/* memblock_read.c - read struct memblock and its region arrays using BTF offsets. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/target.h"

static int read_type(struct mb_transport *t, const uint8_t *mb, const struct mb_field *tf,
		     const char *name, const struct mb_layout *l, mb_v2p_fn v2p, void *ctx,
		     struct mb_array *a, struct mb_error *err)
{
	const uint8_t *ty = mb + tf->off;
	uint64_t ptr, phys;
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
	phys = v2p ? v2p(ptr, ctx) : ptr;
	raw = malloc(a->cnt * l->region_size);
	a->regions = calloc(a->cnt, sizeof(*a->regions));
	if (!raw || !a->regions) {
		free(raw);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	if (mb_transport_read(t, phys, raw, a->cnt * l->region_size, err)) {
		free(raw);
		return mb_error_prefix(err, "reading memblock.%s.regions (%llu at %#llx)", name,
				       (unsigned long long)a->cnt, (unsigned long long)phys);
	}
	for (uint64_t i = 0; i < a->cnt; i++) {
		const uint8_t *r = raw + i * l->region_size;

		a->regions[i].base = mb_field_get(r, &l->base);
		a->regions[i].size = mb_field_get(r, &l->size);
		a->regions[i].flags = (uint32_t)mb_field_get(r, &l->flags);
		a->regions[i].nid = l->nid.present ? (int32_t)mb_field_get_signed(r, &l->nid) : -1;
	}
	free(raw);
	return 0;
}

/**
 * mb_memblock_read() - read a target's struct memblock and both region arrays
 * @t: transport
 * @addr: physical address of struct memblock
 * @l: layout from the target's BTF (never the host's sizeof)
 * @v2p: translation of the regions pointers (NULL: identity)
 * @ctx: passed to @v2p
 * @out: filled (valid = true); arrays malloc'd, @cnt entries each
 * @err: MB_ERR_FORMAT if cnt > max or max is absurd
 *
 * Return: 0 or -1 (then @out holds no allocations).
 */
int mb_memblock_read(struct mb_transport *t, uint64_t addr, const struct mb_layout *l,
		     mb_v2p_fn v2p, void *ctx, struct mb_state *out, struct mb_error *err)
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
	rc = read_type(t, mb, &l->memory, "memory", l, v2p, ctx, &out->memory, err);
	if (!rc)
		rc = read_type(t, mb, &l->reserved, "reserved", l, v2p, ctx, &out->reserved, err);
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
