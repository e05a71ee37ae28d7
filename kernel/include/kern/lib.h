/* SPDX-License-Identifier: GPL-2.0-only */
/* lib.h - the test kernel's small C library: strings, formatting, console, CRC. */
#ifndef _KERN_LIB_H
#define _KERN_LIB_H

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>
#include <stdarg.h>

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)	(((x) + ((a) - 1)) & ~((__typeof__(x))(a) - 1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a) - 1))
#define MIN(a, b)	((a) < (b) ? (a) : (b))
#define MAX(a, b)	((a) > (b) ? (a) : (b))
#define SZ_1K		0x400ULL
#define SZ_64K		0x10000ULL
#define SZ_1M		0x100000ULL
#define SZ_2M		0x200000ULL
#define SZ_16M		0x1000000ULL
#define SZ_1G		0x40000000ULL
#define SZ_4G		0x100000000ULL
#define __noreturn	__attribute__((noreturn))
#define __printf(a, b)	__attribute__((format(printf, a, b)))

/*
 * A pointer to physical memory (identity mapped).  The empty asm hides the
 * constant from the compiler, which would otherwise warn about fixed
 * addresses such as the BIOS data area.
 */
static inline void *phys_ptr(uint64_t pa)
{
	void *p = (void *)(uintptr_t)pa;

	__asm__("" : "+r"(p));
	return p;
}

void *memset(void *s, int c, size_t n);
void *memcpy(void *dst, const void *src, size_t n);
void *memmove(void *dst, const void *src, size_t n);
int memcmp(const void *a, const void *b, size_t n);
size_t strlen(const char *s);
size_t strnlen(const char *s, size_t max);
int strcmp(const char *a, const char *b);
int strncmp(const char *a, const char *b, size_t n);
char *strstr(const char *hay, const char *needle);
char *strchr(const char *s, int c);

int mb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int mb_snprintf(char *buf, size_t size, const char *fmt, ...) __printf(3, 4);

/* Console (COM1). printk() adds a Linux-style "[    0.000000] " prefix per line. */
void console_write(const char *s, size_t len);
void console_puts(const char *s);
int printk(const char *fmt, ...) __printf(1, 2);
void printk_set_tsc_hz(uint64_t hz);
void printk_text(const char *text, void *ctx);	/* memblock_print_fn for memblock's output */

/* CRC-32/IEEE (reflected 0xEDB88320, init and final xor 0xFFFFFFFF). */
uint32_t crc32_ieee(uint32_t crc, const void *buf, size_t len);

/* Parse an unsigned number: decimal, 0x hex, optional K/M/G suffix. */
bool parse_size(const char *s, const char **end, uint64_t *out);

#endif /* _KERN_LIB_H */
