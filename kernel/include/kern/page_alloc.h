/* SPDX-License-Identifier: GPL-2.0-only */
/* page_alloc.h - the small counted page allocator memblock_free_all() feeds. */
#ifndef _KERN_PAGE_ALLOC_H
#define _KERN_PAGE_ALLOC_H

#include <stdint.h>

void page_alloc_free_range(uint64_t base, uint64_t size, void *ctx);
uint64_t page_alloc_free_pages(void);
uint64_t page_alloc_nr_ranges(void);
uint64_t alloc_page(void);
void free_page(uint64_t pa);

#endif /* _KERN_PAGE_ALLOC_H */
