// SPDX-License-Identifier: GPL-2.0-only
/* host_shim.c - host implementation of mb_shim.h: panic, timestamps, phys<->virt registry. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mb_shim.h"
#include "memblock_host.h"

/**
 * struct host_map - one host buffer standing for a physical range
 * @phys: first physical address
 * @size: bytes
 * @buf: host memory
 * @owned: allocated here for a region array (freed on release)
 */
struct host_map {
	uint64_t phys;
	uint64_t size;
	void *buf;
	bool owned;
};

static struct host_map *maps;
static size_t nmaps, maps_cap;
static void (*panic_handler)(const char *msg);

static int add_map(uint64_t phys, void *buf, uint64_t size, bool owned)
{
	if (nmaps == maps_cap) {
		size_t ncap = maps_cap ? maps_cap * 2 : 16;
		struct host_map *n = realloc(maps, ncap * sizeof(*n));

		if (!n)
			return -1;
		maps = n;
		maps_cap = ncap;
	}
	maps[nmaps].phys = phys;
	maps[nmaps].size = size;
	maps[nmaps].buf = buf;
	maps[nmaps].owned = owned;
	nmaps++;
	return 0;
}

static void del_map(size_t i)
{
	memmove(&maps[i], &maps[i + 1], (nmaps - i - 1) * sizeof(*maps));
	nmaps--;
}

/**
 * memblock_host_map - back a physical range with a host buffer
 * @phys: first physical address
 * @buf: host buffer of at least @size bytes
 * @size: bytes
 */
void memblock_host_map(uint64_t phys, void *buf, uint64_t size)
{
	if (add_map(phys, buf, size, false))
		mb_shim_panic("host_shim: out of memory\n");
}

/**
 * memblock_host_unmap_all - forget every registered buffer
 *
 * Array backings that memblock still uses are kept.
 */
void memblock_host_unmap_all(void)
{
	size_t i = 0;

	while (i < nmaps) {
		if (!maps[i].owned)
			del_map(i);
		else
			i++;
	}
}

/**
 * memblock_host_array_count - array backings currently allocated
 *
 * Return: how many region arrays the shim allocated and has not freed.
 */
unsigned long memblock_host_array_count(void)
{
	unsigned long n = 0;
	size_t i;

	for (i = 0; i < nmaps; i++)
		n += maps[i].owned;
	return n;
}

/**
 * memblock_host_set_panic_handler - intercept memblock panics
 * @fn: handler that does not return, or NULL for print-and-abort
 */
void memblock_host_set_panic_handler(void (*fn)(const char *msg))
{
	panic_handler = fn;
}

/**
 * mb_shim_panic - stop: print the message and abort (or call the handler)
 * @msg: the panic message
 */
void mb_shim_panic(const char *msg)
{
	if (panic_handler)
		panic_handler(msg);
	fprintf(stderr, "memblock panic: %s", msg);
	abort();
}

/**
 * mb_shim_timestamp - event-log timestamp; always 0 on the host
 *
 * Return: 0, so that host logs are reproducible.
 */
uint64_t mb_shim_timestamp(void)
{
	return 0;
}

/* Registered buffers only: array backings are never shared or zeroed. */
static struct host_map *find_phys(uint64_t phys, uint64_t size)
{
	size_t i;

	for (i = nmaps; i-- > 0;) {
		struct host_map *m = &maps[i];

		if (m->owned)
			continue;
		if (phys >= m->phys && phys - m->phys <= m->size &&
		    size <= m->size - (phys - m->phys))
			return m;
	}
	return NULL;
}

/**
 * mb_shim_phys_to_virt - host memory for a physical range
 * @phys: first physical address
 * @size: bytes needed
 * @for_array: a region array: allocate zeroed backing if none is registered
 *
 * Return: a host pointer, or NULL (zeroing is then skipped).
 */
void *mb_shim_phys_to_virt(uint64_t phys, uint64_t size, bool for_array)
{
	struct host_map *m = find_phys(phys, size);
	void *buf;

	if (m)
		return (char *)m->buf + (phys - m->phys);
	if (!for_array)
		return NULL;
	buf = calloc(1, size ? size : 1);
	if (!buf || add_map(phys, buf, size, true)) {
		free(buf);
		return NULL;
	}
	return buf;
}

/**
 * mb_shim_virt_to_phys - physical address of a host pointer
 * @virt: pointer into a registered buffer or array backing, or an
 *        identity pointer returned by memblock_alloc*()
 *
 * Return: the physical address.
 */
uint64_t mb_shim_virt_to_phys(const void *virt)
{
	uintptr_t v = (uintptr_t)virt;
	size_t i;

	for (i = nmaps; i-- > 0;) {
		uintptr_t b = (uintptr_t)maps[i].buf;

		if (v >= b && v - b < maps[i].size)
			return maps[i].phys + (v - b);
	}
	return (uint64_t)v;
}

/**
 * mb_shim_array_release - memblock stopped using a region array
 * @virt: the array
 * @size: its allocation size
 *
 * Frees the backing if the shim allocated it.
 */
void mb_shim_array_release(void *virt, uint64_t size)
{
	size_t i;

	(void)size;
	for (i = 0; i < nmaps; i++) {
		if (maps[i].owned && maps[i].buf == virt) {
			free(maps[i].buf);
			del_map(i);
			return;
		}
	}
}
