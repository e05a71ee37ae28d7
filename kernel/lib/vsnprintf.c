// SPDX-License-Identifier: GPL-2.0-only
/* vsnprintf.c - the kernel's printf engine (mb_vsnprintf), a small C subset. */
#include "kern/lib.h"

struct outbuf {
	char *buf;
	size_t size;
	size_t len;	/* would-be length, may exceed size */
};

static void out_char(struct outbuf *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void out_pad(struct outbuf *o, char c, int n)
{
	while (n-- > 0)
		out_char(o, c);
}

/* Format one integer with flags, width and optional precision. */
static void out_number(struct outbuf *o, uint64_t v, bool neg, unsigned int base,
		       bool upper, bool alt, bool zero, bool left, int width, int prec)
{
	const char *digits = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	char tmp[24];
	int n = 0, len, pfx = 0;

	do {
		tmp[n++] = digits[v % base];
		v /= base;
	} while (v);
	if (prec == 0 && n == 1 && tmp[0] == '0')
		n = 0;
	len = n < prec ? prec : n;
	if (neg)
		pfx = 1;
	else if (alt && base == 16)
		pfx = 2;
	if (left || !zero || prec >= 0) {
		if (!left)
			out_pad(o, ' ', width - len - pfx);
		if (neg)
			out_char(o, '-');
		if (pfx == 2) {
			out_char(o, '0');
			out_char(o, upper ? 'X' : 'x');
		}
	} else {
		if (neg)
			out_char(o, '-');
		if (pfx == 2) {
			out_char(o, '0');
			out_char(o, upper ? 'X' : 'x');
		}
		out_pad(o, '0', width - len - pfx);
	}
	out_pad(o, '0', len - n);
	while (n)
		out_char(o, tmp[--n]);
	if (left)
		out_pad(o, ' ', width - len - pfx);
}

/**
 * mb_vsnprintf() - format into a bounded buffer
 * @buf: destination (always NUL-terminated when @size > 0)
 * @size: size of @buf
 * @fmt: format: %s %c %d %i %u %x %X %p %% with flags '-', '0', '#',
 *       width and precision (numbers or '*'), length modifiers hh h l ll z t j
 * @ap: arguments
 *
 * '#' with %x prints a 0x prefix also for zero, as the Linux kernel does.
 *
 * Return: the length the full output would have had (like vsnprintf).
 */
int mb_vsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct outbuf o = { buf, size, 0 };

	while (*fmt) {
		bool left = false, zero = false, alt = false, plus = false, space = false;
		int width = 0, prec = -1, lng = 0;
		uint64_t uv;
		int64_t sv;
		char c = *fmt++;

		if (c != '%') {
			out_char(&o, c);
			continue;
		}
		for (;; fmt++) {
			if (*fmt == '-')
				left = true;
			else if (*fmt == '0')
				zero = true;
			else if (*fmt == '#')
				alt = true;
			else if (*fmt == '+')
				plus = true;
			else if (*fmt == ' ')
				space = true;
			else
				break;
		}
		if (*fmt == '*') {
			width = va_arg(ap, int);
			if (width < 0) {
				left = true;
				width = -width;
			}
			fmt++;
		} else {
			while (*fmt >= '0' && *fmt <= '9')
				width = width * 10 + (*fmt++ - '0');
		}
		if (*fmt == '.') {
			fmt++;
			prec = 0;
			if (*fmt == '*') {
				prec = va_arg(ap, int);
				fmt++;
			} else {
				while (*fmt >= '0' && *fmt <= '9')
					prec = prec * 10 + (*fmt++ - '0');
			}
		}
		for (;; fmt++) {
			if (*fmt == 'l')
				lng++;
			else if (*fmt == 'z' || *fmt == 't' || *fmt == 'j')
				lng = 2;
			else if (*fmt == 'h')
				lng = lng > 0 ? lng : -1;
			else
				break;
		}
		c = *fmt;
		if (!c)
			break;
		fmt++;
		switch (c) {
		case 'c':
			if (!left)
				out_pad(&o, ' ', width - 1);
			out_char(&o, (char)va_arg(ap, int));
			if (left)
				out_pad(&o, ' ', width - 1);
			break;
		case 's': {
			const char *s = va_arg(ap, const char *);
			int n;

			if (!s)
				s = "(null)";
			n = (int)strnlen(s, prec >= 0 ? (size_t)prec : (size_t)-1);
			if (!left)
				out_pad(&o, ' ', width - n);
			for (int i = 0; i < n; i++)
				out_char(&o, s[i]);
			if (left)
				out_pad(&o, ' ', width - n);
			break;
		}
		case 'd':
		case 'i':
			if (lng >= 2)
				sv = va_arg(ap, long long);
			else if (lng == 1)
				sv = va_arg(ap, long);
			else
				sv = va_arg(ap, int);
			if (sv < 0) {
				uv = -(uint64_t)sv;
			} else {
				uv = sv;
				if (plus || space) {
					out_char(&o, plus ? '+' : ' ');
					width--;
				}
			}
			out_number(&o, uv, sv < 0, 10, false, false, zero, left, width, prec);
			break;
		case 'u':
		case 'x':
		case 'X':
		case 'o':
			if (lng >= 2)
				uv = va_arg(ap, unsigned long long);
			else if (lng == 1)
				uv = va_arg(ap, unsigned long);
			else
				uv = va_arg(ap, unsigned int);
			out_number(&o, uv, false, c == 'u' ? 10 : c == 'o' ? 8 : 16, c == 'X',
				   alt, zero, left, width, prec);
			break;
		case 'p':
			uv = (uint64_t)(uintptr_t)va_arg(ap, void *);
			out_number(&o, uv, false, 16, false, true, zero, left, width, prec);
			break;
		case '%':
			out_char(&o, '%');
			break;
		default:
			out_char(&o, '%');
			out_char(&o, c);
			break;
		}
	}
	if (size)
		buf[o.len < size ? o.len : size - 1] = '\0';
	return (int)o.len;
}

/**
 * mb_snprintf() - format into a bounded buffer
 * @buf: destination
 * @size: size of @buf
 * @fmt: format (see mb_vsnprintf())
 *
 * Return: the length the full output would have had.
 */
int mb_snprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mb_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
