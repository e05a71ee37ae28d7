// SPDX-License-Identifier: GPL-2.0-only
/* string.c - memory and string helpers for the freestanding kernel. */
#include "kern/lib.h"

/**
 * memset() - fill memory with a byte
 * @s: destination
 * @c: byte value
 * @n: number of bytes
 *
 * Return: @s.
 */
void *memset(void *s, int c, size_t n)
{
	void *d = s;
	uint64_t v = 0x0101010101010101ULL * (uint8_t)c;
	size_t q = n / 8, r = n % 8;

	/* 8 bytes per iteration: rep stosb is one emulated iteration per byte under TCG */
	__asm__ volatile("rep stosq" : "+D"(d), "+c"(q) : "a"(v) : "memory");
	__asm__ volatile("rep stosb" : "+D"(d), "+c"(r) : "a"(v) : "memory");
	return s;
}

/**
 * memcpy() - copy non-overlapping memory
 * @dst: destination
 * @src: source
 * @n: number of bytes
 *
 * Return: @dst.
 */
void *memcpy(void *dst, const void *src, size_t n)
{
	void *d = dst;
	size_t q = n / 8, r = n % 8;

	__asm__ volatile("rep movsq" : "+D"(d), "+S"(src), "+c"(q) : : "memory");
	__asm__ volatile("rep movsb" : "+D"(d), "+S"(src), "+c"(r) : : "memory");
	return dst;
}

/**
 * memmove() - copy possibly overlapping memory
 * @dst: destination
 * @src: source
 * @n: number of bytes
 *
 * Return: @dst.
 */
void *memmove(void *dst, const void *src, size_t n)
{
	unsigned char *d = dst;
	const unsigned char *s = src;

	if (d <= s || d >= s + n)
		return memcpy(dst, src, n);
	d += n - 1;
	s += n - 1;
	__asm__ volatile("std\n\trep movsb\n\tcld"
			 : "+D"(d), "+S"(s), "+c"(n) : : "memory");
	return dst;
}

/**
 * memcmp() - compare memory
 * @a: first buffer
 * @b: second buffer
 * @n: number of bytes
 *
 * Return: <0, 0 or >0 like the C library's.
 */
int memcmp(const void *a, const void *b, size_t n)
{
	const unsigned char *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x - *y;
	return 0;
}

/**
 * strlen() - length of a NUL-terminated string
 * @s: the string
 *
 * Return: number of bytes before the NUL.
 */
size_t strlen(const char *s)
{
	const char *p = s;

	while (*p)
		p++;
	return p - s;
}

/**
 * strnlen() - bounded string length
 * @s: the string
 * @max: upper bound
 *
 * Return: min(strlen(@s), @max).
 */
size_t strnlen(const char *s, size_t max)
{
	size_t n = 0;

	while (n < max && s[n])
		n++;
	return n;
}

/**
 * strcmp() - compare strings
 * @a: first
 * @b: second
 *
 * Return: <0, 0 or >0.
 */
int strcmp(const char *a, const char *b)
{
	while (*a && *a == *b) {
		a++;
		b++;
	}
	return (unsigned char)*a - (unsigned char)*b;
}

/**
 * strncmp() - compare at most @n bytes of two strings
 * @a: first
 * @b: second
 * @n: bound
 *
 * Return: <0, 0 or >0.
 */
int strncmp(const char *a, const char *b, size_t n)
{
	for (; n; n--, a++, b++) {
		if (*a != *b)
			return (unsigned char)*a - (unsigned char)*b;
		if (!*a)
			break;
	}
	return 0;
}

/**
 * strchr() - find a character
 * @s: string
 * @c: character
 *
 * Return: pointer to the first @c in @s, or NULL.
 */
char *strchr(const char *s, int c)
{
	for (; *s; s++)
		if (*s == (char)c)
			return (char *)s;
	return c ? NULL : (char *)s;
}

/**
 * strstr() - find a substring
 * @hay: string searched
 * @needle: string looked for
 *
 * Return: first occurrence of @needle in @hay, or NULL.
 */
char *strstr(const char *hay, const char *needle)
{
	size_t n = strlen(needle);

	for (; *hay; hay++)
		if (!strncmp(hay, needle, n))
			return (char *)hay;
	return n ? NULL : (char *)hay;
}
