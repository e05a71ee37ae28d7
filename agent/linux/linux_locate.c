// SPDX-License-Identifier: GPL-2.0-only
/* linux_locate.c - find and read struct memblock of a Linux kernel, typed by its BTF. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/linux.h"
#include "mbagent/target.h"


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
	const struct mb_layout *l = &img->layout;
	uint64_t cnt = mb_field_get(t, &l->cnt), max = mb_field_get(t, &l->max);
	uint64_t total = mb_field_get(t, &l->total_size), regions = mb_field_get(t, &l->regions);
	uint64_t m;

	if (!l->name.present || !points_at(img, mb_field_get(t, &l->name), name))
		return reject(why, cap, "%s.name does not point at its name", name);
	if (!is_kernel_ptr(img, regions))
		return reject(why, cap, "%s.regions is not a kernel address", name);
	if (max < 128 || max > MB_MAX_REGIONS)
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
	const struct mb_layout *l = &img->layout;
	uint8_t buf[512];
	uint64_t bu;

	if (l->memblock_size > sizeof(buf))
		return reject(why, why_cap, "%s", "struct memblock too large");
	if (read(ctx, vaddr, buf, l->memblock_size))
		return reject(why, why_cap, "%s", "cannot read the candidate");
	bu = mb_field_get(buf, &l->bottom_up);
	if (bu > 1)
		return reject(why, why_cap, "%s", "bottom_up is not a bool");
	if (!check_type(img, buf + l->memory.off, "memory", why, why_cap) ||
	    !check_type(img, buf + l->reserved.off, "reserved", why, why_cap))
		return false;
	if (mb_linux_type_field(l, buf, true, &l->regions) ==
	    mb_linux_type_field(l, buf, false, &l->regions))
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
	const struct mb_layout *l = &img->layout;
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
			uint64_t mr = mb_linux_type_field(l, p, true, &l->regions);
			uint64_t rr = mb_linux_type_field(l, p, false, &l->regions);
			uint64_t mn = mb_linux_type_field(l, p, true, &l->name);
			uint64_t rn = mb_linux_type_field(l, p, false, &l->name);

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

/* mb_memblock_read() addresses through the locator's read callback. */
struct read_fn_transport {
	struct mb_transport t;
	mb_linux_read_fn read;
	void *ctx;
};

static int read_fn_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
			struct mb_error *err)
{
	struct read_fn_transport *rt = (struct read_fn_transport *)t;

	if (rt->read(rt->ctx, addr, buf, len))
		return mb_error_set(err, MB_ERR_IO, 0, addr, "cannot read %zu bytes at 0x%llx", len,
				    (unsigned long long)addr);
	return 0;
}

static const struct mb_transport_ops read_fn_ops = { .name = "image", .read = read_fn_read };

/**
 * mb_linux_read_state() - read struct memblock and both arrays through a read callback
 * @l: layout (from the kernel's BTF)
 * @vaddr: virtual address of struct memblock
 * @read: reads by virtual address (an image's, or a test's memory)
 * @ctx: for @read
 * @st: filled (free with mb_state_clear())
 * @err: filled on failure
 *
 * The arrays are read and checked by mb_memblock_read(), as every capture's.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_linux_read_state(const struct mb_layout *l, uint64_t vaddr, mb_linux_read_fn read,
			void *ctx, struct mb_state *st, struct mb_error *err)
{
	struct read_fn_transport rt = { .t = { .ops = &read_fn_ops }, .read = read, .ctx = ctx };

	return mb_memblock_read(&rt.t, vaddr, l, NULL, st, err);
}

/**
 * mb_linux_type_field() - a member of memblock.memory or memblock.reserved
 * @l: layout
 * @mb: bytes of struct memblock
 * @memory: memblock.memory (else memblock.reserved)
 * @f: member of struct memblock_type
 *
 * Return: its value.
 */
uint64_t mb_linux_type_field(const struct mb_layout *l, const void *mb, bool memory,
			     const struct mb_field *f)
{
	return mb_field_get((const uint8_t *)mb + (memory ? l->memory.off : l->reserved.off), f);
}
