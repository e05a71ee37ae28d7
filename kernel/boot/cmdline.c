// SPDX-License-Identifier: GPL-2.0-only
/* cmdline.c - kernel command line: memblock=, mem=, movable_node, numa=, test knobs. */
#include "kern/boot.h"
#include "kern/lib.h"

static int digit_value(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return 99;
}

/**
 * parse_size() - parse "123", "0x1f", "256M", "4G", "64k"
 * @s: input
 * @end: set to the first unparsed character (may be NULL)
 * @out: the value
 *
 * Return: true if at least one digit was read and nothing overflowed.
 */
bool parse_size(const char *s, const char **end, uint64_t *out)
{
	unsigned int base = 10, shift = 0;
	uint64_t v = 0;
	bool any = false;
	int d;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	while ((d = digit_value(*s)) < (int)base) {
		if (v > (UINT64_MAX - d) / base)
			return false;
		v = v * base + d;
		any = true;
		s++;
	}
	switch (*s) {
	case 'k': case 'K':
		shift = 10;
		break;
	case 'm': case 'M':
		shift = 20;
		break;
	case 'g': case 'G':
		shift = 30;
		break;
	case 't': case 'T':
		shift = 40;
		break;
	}
	if (shift) {
		if (v > (UINT64_MAX >> shift))
			return false;
		v <<= shift;
		s++;
	}
	if (end)
		*end = s;
	*out = v;
	return any;
}

/* Parameters Linux users pass that this kernel accepts and ignores. */
static const char *const ignored_params[] = {
	"console", "earlyprintk", "nokaslr", "loglevel", "panic", "quiet", "debug",
	"ignore_loglevel", "root", "rw", "ro", "init", "initrd", "nosmp", "maxcpus",
	"noapic", "acpi", "printk.time",
};

static void add_unknown(struct boot_params *bp, const char *tok, size_t len)
{
	size_t used = strlen(bp->unknown);
	size_t room = sizeof(bp->unknown) - used - 1;

	bp->nr_unknown++;
	if (used && room) {
		bp->unknown[used++] = ' ';
		room--;
	}
	if (len > room)
		len = room;
	memcpy(bp->unknown + used, tok, len);
	bp->unknown[used + len] = '\0';
}

static bool name_is(const char *name, size_t nlen, const char *want)
{
	return strlen(want) == nlen && !strncmp(name, want, nlen);
}

/* One "name[=value]" token; returns false if not recognised. */
static bool parse_param(struct boot_params *bp, const char *name, size_t nlen,
			const char *val, size_t vlen)
{
	char v[64];

	if (vlen >= sizeof(v))
		vlen = sizeof(v) - 1;
	memcpy(v, val ? val : "", val ? vlen : 0);
	v[val ? vlen : 0] = '\0';

	if (name_is(name, nlen, "memblock")) {
		/* Linux: "debug" anywhere in the value enables debug output. */
		if (strstr(v, "debug"))
			bp->memblock_debug = true;
		if (strstr(v, "bottomup") || strstr(v, "bottom_up"))
			bp->bottom_up = true;
		return val != NULL;
	}
	if (name_is(name, nlen, "memblock_bottom_up") && !val) {
		bp->bottom_up = true;
		return true;
	}
	if (name_is(name, nlen, "movable_node") && !val) {
		bp->movable_node = true;
		return true;
	}
	if (name_is(name, nlen, "mem")) {
		const char *end;
		uint64_t sz;

		if (!val || !parse_size(v, &end, &sz) || *end || !sz)
			return false;
		bp->mem_limit = sz;
		return true;
	}
	if (name_is(name, nlen, "kernelcore")) {
		if (val && !strcmp(v, "mirror")) {
			bp->mirror = true;
			return true;
		}
		return false;
	}
	if (name_is(name, nlen, "numa")) {
		if (val && !strcmp(v, "off")) {
			bp->numa_off = true;
			return true;
		}
		return false;
	}
	if (name_is(name, nlen, "mb_hexdump_log") && !val) {
		bp->hexdump_log = true;
		return true;
	}
	if (name_is(name, nlen, "mb_exit") && !val) {
		bp->exit_when_done = true;
		return true;
	}
	if (name_is(name, nlen, "mb_evlog_records")) {
		const char *end;
		uint64_t n;

		if (!val || !parse_size(v, &end, &n) || *end || !n)
			return false;
		bp->evlog_records = n;
		return true;
	}
	if (name_is(name, nlen, "mb_evlog_nochains") && !val) {
		bp->evlog_nochains = true;
		return true;
	}
	if (name_is(name, nlen, "mb_test_fault") && !val) {
		bp->test_fault = true;
		return true;
	}
	if (name_is(name, nlen, "mb_noserve") && !val) {
		bp->no_serve = true;
		return true;
	}
	for (size_t i = 0; i < ARRAY_SIZE(ignored_params); i++)
		if (name_is(name, nlen, ignored_params[i]))
			return true;
	return false;
}

/**
 * cmdline_parse() - parse the kernel command line
 * @cmdline: NUL-terminated text (any bytes; never fatal)
 * @bp: output; unknown parameters are collected in @bp->unknown
 *
 * Tokens are separated by spaces, tabs or newlines; double quotes group a
 * value containing spaces (as in Linux's next_arg()).
 */
void cmdline_parse(const char *cmdline, struct boot_params *bp)
{
	const char *p = cmdline;

	memset(bp, 0, sizeof(*bp));
	while (*p) {
		const char *tok, *eq = NULL, *val = NULL;
		size_t nlen, vlen = 0;
		bool quoted = false;

		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		tok = p;
		while (*p && (quoted || (*p != ' ' && *p != '\t' && *p != '\n'))) {
			if (*p == '"')
				quoted = !quoted;
			else if (*p == '=' && !eq && !quoted)
				eq = p;
			p++;
		}
		nlen = (eq ? eq : p) - tok;
		if (eq) {
			val = eq + 1;
			vlen = p - val;
			if (vlen >= 2 && val[0] == '"' && val[vlen - 1] == '"') {
				val++;
				vlen -= 2;
			}
		}
		if (!nlen || !parse_param(bp, tok, nlen, val, vlen))
			add_unknown(bp, tok, p - tok);
	}
}
