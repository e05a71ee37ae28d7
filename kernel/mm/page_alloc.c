// SPDX-License-Identifier: GPL-2.0-only
/* page_alloc.c - a small counted page allocator: free ranges handed over by memblock_free_all(). */
#include "kern/page_alloc.h"
#include "kern/lib.h"

#define PA_PAGE_SIZE	4096ULL
#define PA_MAX_RANGES	256

struct pa_range {
	uint64_t start;		/* page aligned */
	uint64_t end;		/* exclusive */
};

static struct pa_range pa_ranges[PA_MAX_RANGES];
static unsigned int pa_nr;
static uint64_t pa_free;
static uint64_t pa_lost;	/* pages that did not fit in the range table */

/* Insert [start, end) keeping the table sorted and merged. */
static void pa_insert(uint64_t start, uint64_t end)
{
	unsigned int i = 0;

	while (i < pa_nr && pa_ranges[i].end < start)
		i++;
	if (i < pa_nr && pa_ranges[i].end == start) {
		pa_ranges[i].end = end;
		if (i + 1 < pa_nr && pa_ranges[i + 1].start == end) {
			pa_ranges[i].end = pa_ranges[i + 1].end;
			memmove(&pa_ranges[i + 1], &pa_ranges[i + 2],
				(pa_nr - i - 2) * sizeof(pa_ranges[0]));
			pa_nr--;
		}
		return;
	}
	if (i < pa_nr && pa_ranges[i].start == end) {
		pa_ranges[i].start = start;
		return;
	}
	if (pa_nr == PA_MAX_RANGES) {
		pa_lost += (end - start) / PA_PAGE_SIZE;
		return;
	}
	memmove(&pa_ranges[i + 1], &pa_ranges[i], (pa_nr - i) * sizeof(pa_ranges[0]));
	pa_ranges[i].start = start;
	pa_ranges[i].end = end;
	pa_nr++;
}

/**
 * page_alloc_free_range() - memblock_free_all() hook: pages become free
 * @base: physical start (rounded up to a page)
 * @size: length (the end is rounded down to a page)
 * @ctx: unused
 */
void page_alloc_free_range(uint64_t base, uint64_t size, void *ctx)
{
	uint64_t start = ALIGN_UP(base, PA_PAGE_SIZE);
	uint64_t end = ALIGN_DOWN(base + size, PA_PAGE_SIZE);

	if (end <= start)
		return;
	pa_insert(start, end);
	pa_free += (end - start) / PA_PAGE_SIZE;
}

/**
 * page_alloc_free_pages() - pages currently free
 *
 * Return: the count (pages dropped for lack of table room excluded).
 */
uint64_t page_alloc_free_pages(void)
{
	return pa_free - pa_lost;
}

/**
 * page_alloc_nr_ranges() - number of disjoint free ranges
 *
 * Return: the count.
 */
uint64_t page_alloc_nr_ranges(void)
{
	return pa_nr;
}

/**
 * alloc_page() - take the highest free page
 *
 * Return: its physical address, or 0 if none is free.
 */
uint64_t alloc_page(void)
{
	struct pa_range *r;

	if (!pa_nr)
		return 0;
	r = &pa_ranges[pa_nr - 1];
	r->end -= PA_PAGE_SIZE;
	if (r->end == r->start)
		pa_nr--;
	pa_free--;
	return r->end;
}

/**
 * free_page() - give a page back
 * @pa: physical address returned by alloc_page()
 */
void free_page(uint64_t pa)
{
	page_alloc_free_range(pa, PA_PAGE_SIZE, NULL);
}
