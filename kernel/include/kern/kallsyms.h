/* SPDX-License-Identifier: GPL-2.0-only */
/* kallsyms.h - the kernel's own symbol table (built by a second link pass). */
#ifndef _KERN_KALLSYMS_H
#define _KERN_KALLSYMS_H

#include <stddef.h>
#include <stdint.h>

int kallsyms_lookup(uint64_t addr, char *buf, size_t len);
int kallsyms_symbolize(uint64_t addr, char *buf, size_t len, void *ctx);
uint64_t kallsyms_count(void);

#endif /* _KERN_KALLSYMS_H */
