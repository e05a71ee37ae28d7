// SPDX-License-Identifier: GPL-2.0-only
/* printk.c - console output on COM1 with Linux-style "[    s.us] " line prefixes. */
#include "kern/lib.h"
#include "kern/arch.h"

static bool console_at_line_start = true;
static uint64_t console_tsc_hz;
static uint64_t console_tsc0;

/**
 * printk_set_tsc_hz() - set the TSC rate used for line timestamps
 * @hz: TSC ticks per second (0: print 0.000000 like Linux before its clock)
 */
void printk_set_tsc_hz(uint64_t hz)
{
	console_tsc_hz = hz;
	if (!console_tsc0)
		console_tsc0 = rdtsc();
}

/**
 * console_write() - raw bytes to COM1, "\n" becomes "\r\n"
 * @s: bytes
 * @len: count
 */
void console_write(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++) {
		if (s[i] == '\n')
			uart_putc(COM1_PORT, '\r');
		uart_putc(COM1_PORT, s[i]);
	}
}

/**
 * console_puts() - raw NUL-terminated string to COM1 (no prefix)
 * @s: string
 */
void console_puts(const char *s)
{
	console_write(s, strlen(s));
}

static void console_prefix(void)
{
	char buf[32];
	uint64_t us = 0;
	int n;

	if (console_tsc_hz) {
		uint64_t d = rdtsc() - console_tsc0;

		us = d / console_tsc_hz * 1000000 + d % console_tsc_hz * 1000000 / console_tsc_hz;
	}
	n = mb_snprintf(buf, sizeof(buf), "[%5lu.%06lu] ",
			(unsigned long)(us / 1000000), (unsigned long)(us % 1000000));
	console_write(buf, n);
}

/**
 * console_emit() - write text as printk records: each line gets a prefix
 * @s: text; a piece not ending in a newline is closed by the next record,
 *     as printk does for a message without "\n"
 */
static void console_emit(const char *s)
{
	if (!console_at_line_start) {
		console_write("\n", 1);
		console_at_line_start = true;
	}
	while (*s) {
		const char *nl = strchr(s, '\n');
		size_t n = nl ? (size_t)(nl - s + 1) : strlen(s);

		if (console_at_line_start)
			console_prefix();
		console_write(s, n);
		console_at_line_start = nl != NULL;
		s += n;
	}
}

/**
 * printk() - formatted console output
 * @fmt: format (see mb_vsnprintf())
 *
 * Return: characters formatted (before truncation at 512).
 */
int printk(const char *fmt, ...)
{
	char buf[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = mb_vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	console_emit(buf);
	return n;
}

/**
 * printk_text() - print hook for memblock: already formatted text
 * @text: one message
 * @ctx: unused
 */
void printk_text(const char *text, void *ctx)
{
	console_emit(text);
}
