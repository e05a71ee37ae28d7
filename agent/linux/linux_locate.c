// SPDX-License-Identifier: GPL-2.0-only
/* linux_locate.c - find and read struct memblock of a Linux kernel, typed by its BTF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/linux.h"

/* Region arrays never hold more than this many entries in practice. */
#define MAX_REGIONS	(1u << 20)

static uint64_t get64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t get_n(const uint8_t *p, uint32_t n)
{
	uint64_t v = 0;

	memcpy(&v, p, n > 8 ? 8 : n);	/* x86-64 is little-endian, like the host */
	return v;
}

static bool is_image_addr(const struct mb_linux_image *img, uint64_t a)
{
	uint8_t b;

	return a >= MB_LINUX_START_KERNEL_MAP && !mb_linux_image_read(img, a, &b, 1);
}

static bool is_kernel_ptr(const struct mb_linux_image *img, uint64_t a)
{
	uint64_t phys;

	if (a % 8)
		return false;
	if (is_image_addr(img, a))
		return true;
	return a < MB_LINUX_START_KERNEL_MAP && !mb_linux_virt_to_phys(a, &phys);
}

static bool points_at(const struct mb_linux_image *img, uint64_t a, const char *s)
{
	char buf[16];
	size_t n = strlen(s) + 1;

	return n <= sizeof(buf) && !mb_linux_image_read(img, a, buf, n) && !memcmp(buf, s, n);
}

static bool reject(char *why, size_t cap, const char *fmt, const char *what)
{
	if (why && cap)
		snprintf(why, cap, fmt, what);
	return false;
}

static bool check_type(const struct mb_linux_image *img, const uint8_t *t, const char *name,
		       char *why, size_t cap)
{
	const struct mb_linux_layout *l = &img->layout;
	uint64_t cnt = get64(t + l->cnt_off), max = get64(t + l->max_off);
	uint64_t total = get64(t + l->total_size_off), regions = get64(t + l->regions_off);
	uint64_t m;

	if (!points_at(img, get64(t + l->name_off), name))
		return reject(why, cap, "%s.name does not point at its name", name);
	if (!is_kernel_ptr(img, regions))
		return reject(why, cap, "%s.regions is not a kernel address", name);
	if (max < 128 || max > MAX_REGIONS)
		return reject(why, cap, "%s.max is implausible", name);
	for (m = max; m > 128; m /= 2)
		if (m % 2)
			return reject(why, cap, "%s.max is not 128 times a power of two", name);
	if (m != 128)
		return reject(why, cap, "%s.max is not 128 times a power of two", name);
	if (cnt > max)
		return reject(why, cap, "%s.cnt exceeds max", name);
	if (!cnt && total)
		return reject(why, cap, "%s is empty but has a total size", name);
	return true;
}

bool mb_linux_check_memblock(const struct mb_linux_image *img, uint64_t vaddr,
			     mb_linux_read_fn read, void *ctx, char *why, size_t why_cap)
{
	const struct mb_linux_layout *l = &img->layout;
	uint8_t buf[512];
	uint64_t bu;

	if (l->memblock_size > sizeof(buf))
		return reject(why, why_cap, "%s", "struct memblock too large");
	if (read(ctx, vaddr, buf, l->memblock_size))
		return reject(why, why_cap, "%s", "cannot read the candidate");
	bu = get_n(buf + l->bottom_up_off, l->bottom_up_size);
	if (bu > 1)
		return reject(why, why_cap, "%s", "bottom_up is not a bool");
	if (!check_type(img, buf + l->memory_off, "memory", why, why_cap) ||
	    !check_type(img, buf + l->reserved_off, "reserved", why, why_cap))
		return false;
	if (get64(buf + l->memory_off + l->regions_off) ==
	    get64(buf + l->reserved_off + l->regions_off))
		return reject(why, why_cap, "%s", "memory and reserved share their regions");
	return true;
}

static int image_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	return mb_linux_image_read(ctx, vaddr, buf, len);
}

int mb_linux_locate_memblock(const struct mb_linux_image *img, uint64_t *vaddr,
			     struct mb_error *err)
{
	static const char *const where[] = { ".init.data", ".data", ".meminit.data" };
	const struct mb_linux_layout *l = &img->layout;
	uint64_t found[4];
	size_t nfound = 0, i;
	uint64_t mem_name = 0, res_name = 0;

	for (i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		const struct mb_linux_section *s = mb_linux_image_section(img, where[i]);
		uint64_t off;

		if (!s || !s->data || s->size < l->memblock_size)
			continue;
		for (off = 0; off + l->memblock_size <= s->size; off += 8) {
			const uint8_t *p = s->data + off;
			uint64_t a = s->addr + off;
			uint64_t mr = get64(p + l->memory_off + l->regions_off);
			uint64_t rr = get64(p + l->reserved_off + l->regions_off);
			uint64_t mn = get64(p + l->memory_off + l->name_off);
			uint64_t rn = get64(p + l->reserved_off + l->name_off);

			/* Cheap filter first: both names must be kernel image pointers. */
			if (mn < MB_LINUX_START_KERNEL_MAP || rn < MB_LINUX_START_KERNEL_MAP)
				continue;
			if ((mem_name && mn != mem_name) || (res_name && rn != res_name)) {
				if (!points_at(img, mn, "memory") || !points_at(img, rn, "reserved"))
					continue;
			}
			if (!mb_linux_check_memblock(img, a, image_read, (void *)img, NULL, 0))
				continue;
			/* In the file the arrays are the static ones, inside the image. */
			if (!is_image_addr(img, mr) || !is_image_addr(img, rr))
				continue;
			mem_name = mn;
			res_name = rn;
			if (nfound < sizeof(found) / sizeof(found[0]))
				found[nfound] = a;
			nfound++;
		}
		if (nfound)
			break;
	}
	if (!nfound)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "no struct memblock found in the image's data sections");
	if (nfound > 1)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, found[1],
				    "%zu candidates for struct memblock (0x%llx, 0x%llx, ...)",
				    nfound, (unsigned long long)found[0],
				    (unsigned long long)found[1]);
	*vaddr = found[0];
	return 0;
}

static int read_array(const struct mb_linux_layout *l, const uint8_t *t, const char *name,
		      mb_linux_read_fn read, void *ctx, struct mb_array *a, struct mb_error *err)
{
	uint64_t regions = get64(t + l->regions_off);
	uint8_t *raw;
	uint64_t i;

	a->cnt = get64(t + l->cnt_off);
	a->max = get64(t + l->max_off);
	a->total_size = get64(t + l->total_size_off);
	a->regions = NULL;
	if (a->cnt > a->max || a->cnt > MAX_REGIONS)
		return mb_error_set(err, MB_ERR_FORMAT, 0, regions,
				    "memblock.%s: cnt %llu exceeds max %llu", name,
				    (unsigned long long)a->cnt, (unsigned long long)a->max);
	a->regions = calloc(a->cnt ? a->cnt : 1, sizeof(*a->regions));
	raw = malloc(a->cnt ? a->cnt * l->region_size : 1);
	if (!a->regions || !raw) {
		free(raw);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	if (a->cnt && read(ctx, regions, raw, a->cnt * l->region_size)) {
		free(raw);
		return mb_error_set(err, MB_ERR_IO, 0, regions,
				    "cannot read memblock.%s.regions at 0x%llx", name,
				    (unsigned long long)regions);
	}
	for (i = 0; i < a->cnt; i++) {
		const uint8_t *r = raw + i * l->region_size;

		a->regions[i].base = get64(r + l->base_off);
		a->regions[i].size = get64(r + l->size_off);
		a->regions[i].flags = (uint32_t)get_n(r + l->flags_off, l->flags_size);
		a->regions[i].nid = l->nid_off < 0 ? 0 : (int32_t)get_n(r + l->nid_off, 4);
	}
	free(raw);
	return 0;
}

int mb_linux_read_state(const struct mb_linux_layout *l, uint64_t vaddr, mb_linux_read_fn read,
			void *ctx, struct mb_state *st, struct mb_error *err)
{
	uint8_t buf[512];

	memset(st, 0, sizeof(*st));
	if (l->memblock_size > sizeof(buf))
		return mb_error_set(err, MB_ERR_MISMATCH, 0, 0, "struct memblock too large");
	if (read(ctx, vaddr, buf, l->memblock_size))
		return mb_error_set(err, MB_ERR_IO, 0, vaddr, "cannot read struct memblock at 0x%llx",
				    (unsigned long long)vaddr);
	st->bottom_up = get_n(buf + l->bottom_up_off, l->bottom_up_size) != 0;
	st->current_limit = get64(buf + l->current_limit_off);
	if (read_array(l, buf + l->memory_off, "memory", read, ctx, &st->memory, err) ||
	    read_array(l, buf + l->reserved_off, "reserved", read, ctx, &st->reserved, err)) {
		mb_linux_state_free(st);
		return -1;
	}
	st->valid = true;
	return 0;
}

void mb_linux_state_free(struct mb_state *st)
{
	free(st->memory.regions);
	free(st->reserved.regions);
	st->memory.regions = NULL;
	st->reserved.regions = NULL;
	st->valid = false;
}
