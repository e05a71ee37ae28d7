// SPDX-License-Identifier: GPL-2.0-only
/* whois.c - `memblock-cli whois ADDR INPUT`: who reserved an address, when, and what it is. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mbanalysis/analysis.h"
#include "uapi/mb_evlog.h"

#define WHOIS_MAX_HISTORY	64

/* Low memory on every x86 PC: facts of the platform, not of the capture. */
static const struct {
	uint64_t base, last;
	const char *what;
} x86_low[] = {
	{ 0x0, 0x3ff, "real-mode interrupt vector table (page 0)" },
	{ 0x400, 0x4ff, "BIOS data area (page 0)" },
	{ 0x500, 0xfff, "page 0 (kept free of allocations: BIOS may scribble on it)" },
	{ 0x1000, 0xffff, "low 64 KiB (BIOS scratch, kept reserved)" },
	{ 0x80000, 0x9ffff, "extended BIOS data area, when below 640 KiB" },
	{ 0xa0000, 0xbffff, "legacy VGA memory" },
	{ 0xc0000, 0xeffff, "option ROMs" },
	{ 0xf0000, 0xfffff, "system BIOS ROM" },
};

/* Find "BASE-LAST:WHAT" holding @addr in a metadata list; @what gets WHAT. */
static bool meta_lookup(const char *list, uint64_t addr, uint64_t *base, uint64_t *last,
			char *what, size_t len)
{
	unsigned long long b, l;
	int n;

	while (list && sscanf(list, "%llx-%llx:%n", &b, &l, &n) == 2) {
		const char *w = list + n, *end = strchr(w, ';');
		size_t wl = end ? (size_t)(end - w) : strlen(w);

		if (addr >= b && addr <= l) {
			if (wl >= len)
				wl = len - 1;
			memcpy(what, w, wl);
			what[wl] = 0;
			*base = b;
			*last = l;
			return true;
		}
		list = end ? end + 1 : NULL;
	}
	return false;
}

static const char *e820_name(const char *type)
{
	static const char *const names[] = { "?", "usable", "reserved", "ACPI data",
					     "ACPI NVS", "unusable" };
	int t = atoi(type);

	return t > 0 && t < 6 ? names[t] : type;
}

/*
 * What the bytes are, beyond who reserved them: the capture's boot metadata
 * (the kernel image, the boot protocol's data, modules), the platform's low
 * memory, or what the reserving function is known to reserve.
 */
static void describe(const struct mb_capture *c, uint64_t addr, const char *owner, char *buf,
		     size_t len)
{
	uint64_t b, l;
	char w[200];
	size_t i;

	buf[0] = 0;
	if (meta_lookup(mb_capture_get_meta(c, "prelog"), addr, &b, &l, w, sizeof(w))) {
		snprintf(buf, len, "%s [0x%" PRIx64 "-0x%" PRIx64 "]", w, b, l);
		return;
	}
	for (i = 0; i < sizeof(x86_low) / sizeof(x86_low[0]); i++)
		if (addr >= x86_low[i].base && addr <= x86_low[i].last) {
			snprintf(buf, len, "%s", x86_low[i].what);
			return;
		}
	if (owner && strstr(owner, "acpi"))
		snprintf(buf, len, "ACPI tables");
	else if (owner && (strstr(owner, "pcpu") || strstr(owner, "per_cpu")))
		snprintf(buf, len, "per-CPU areas");
	else if (owner && strstr(owner, "hash"))
		snprintf(buf, len, "a boot-time hash table");
	else if (owner && (strstr(owner, "sparse") || strstr(owner, "vmemmap")))
		snprintf(buf, len, "mem_map (struct page array) or its section data");
	else if (owner && !strcmp(owner, MBA_ARRAY_OWNER))
		snprintf(buf, len, "memblock's own region array");
}

static bool touches(const struct mb_event *e, uint64_t addr, uint64_t *base)
{
	uint64_t b;

	if (!mba_event_base(e, &b))
		return false;
	*base = b;
	return e->rec.size && addr >= b && addr - b < e->rec.size;
}

static void event_line(const struct mb_capture *c, size_t i, char *buf, size_t len)
{
	const struct mb_event *e = &c->events[i];
	char args[320], sym[320], raw[700];

	cli_event_args(e, args, sizeof(args));
	snprintf(raw, sizeof(raw), "#%" PRIu64 " %s %s by %s", e->rec.seq,
		 mb_op_name(e->rec.op) ? mb_op_name(e->rec.op) : "?", args, cli_sym(c, e, sym, sizeof(sym)));
	cli_escape(raw, buf, len);
}

struct whois {
	uint64_t addr;
	size_t at;
	bool memory, reserved;
	struct mba_seg mem, rsv;
	const char *owner;
	char what[300];
	char fw[120];
	uint64_t fw_base, fw_last;
	size_t hist[WHOIS_MAX_HISTORY];
	size_t nhist, nhist_all;
	const char *before;
};

static int lookup(const struct mb_capture *c, struct mba_owners *o, uint64_t addr, size_t at,
		  struct whois *w)
{
	char t[32];
	size_t i;
	uint64_t b;

	memset(w, 0, sizeof(*w));
	w->addr = addr;
	w->at = at;
	if (mba_owners_seek(o, at))
		return -1;
	w->memory = mba_imap_lookup(&o->memory, addr, &w->mem);
	w->reserved = mba_imap_lookup(&o->reserved, addr, &w->rsv);
	w->owner = w->reserved ? mba_owner_name(o, w->rsv.owner) : NULL;
	describe(c, addr, w->owner, w->what, sizeof(w->what));
	if (meta_lookup(mb_capture_get_meta(c, "e820"), addr, &w->fw_base, &w->fw_last, t,
			sizeof(t)))
		snprintf(w->fw, sizeof(w->fw), "%s", e820_name(t));
	for (i = 0; i < at; i++) {
		if (!touches(&c->events[i], addr, &b))
			continue;
		if (w->nhist == WHOIS_MAX_HISTORY) {
			memmove(w->hist, w->hist + 1, (WHOIS_MAX_HISTORY - 1) * sizeof(w->hist[0]));
			w->nhist--;
		}
		w->hist[w->nhist++] = i;
		w->nhist_all++;
	}
	/* what it was before the owning event: the state just before it */
	if (w->reserved && w->rsv.ev != MBA_EV_INITIAL) {
		struct mba_seg prev;

		if (mba_owners_seek(o, w->rsv.ev))
			return -1;
		if (mba_imap_lookup(&o->reserved, addr, &prev))
			w->before = mba_owner_name(o, prev.owner);
		else
			w->before = mba_imap_lookup(&o->memory, addr, &prev) ? "free memory" :
				    "not memory";
	}
	return 0;
}

static void print_text(const struct mb_capture *c, const struct mba_owners *o,
		       const struct whois *w)
{
	char line[800], h[32], nm[300];
	size_t i;

	printf("0x%" PRIx64 " after %zu of %zu events\n", w->addr, w->at, c->nevents);
	if (w->fw[0])
		printf("  firmware:  [0x%" PRIx64 "-0x%" PRIx64 "] %s\n", w->fw_base, w->fw_last,
		       w->fw);
	if (w->memory)
		printf("  memory:    [0x%" PRIx64 "-0x%" PRIx64 "] zone %s\n", w->mem.base,
		       w->mem.end - 1, w->addr < (16ULL << 20) ? "DMA" :
		       w->addr < (4ULL << 30) ? "DMA32" : "Normal");
	else
		printf("  memory:    not memory\n");
	if (w->reserved) {
		cli_human_size(w->rsv.end - w->rsv.base, h, sizeof(h));
		printf("  owner:     %s [0x%" PRIx64 "-0x%" PRIx64 "] %s\n",
		       cli_escape(w->owner, nm, sizeof(nm)), w->rsv.base, w->rsv.end - 1, h);
		if (w->rsv.ev == MBA_EV_INITIAL) {
			printf("  since:     the initial state (reserved before the log started)\n");
		} else {
			event_line(c, w->rsv.ev, line, sizeof(line));
			printf("  since:     %s\n", line);
			printf("  before:    %s\n", cli_escape(w->before, nm, sizeof(nm)));
		}
	} else {
		printf("  owner:     none (%s)\n", w->memory ? "free" : "not reserved");
	}
	if (w->what[0])
		printf("  what:      %s\n", w->what);
	printf("  history:   %zu event%s touched it%s\n", w->nhist_all, w->nhist_all == 1 ? "" : "s",
	       w->nhist_all > w->nhist ? " (the last ones follow)" : "");
	for (i = 0; i < w->nhist; i++) {
		event_line(c, w->hist[i], line, sizeof(line));
		printf("    %s\n", line);
	}
	(void)o;
}

static void print_json(const struct mb_capture *c, const struct whois *w)
{
	struct json *j = cli_json_begin(NULL);
	size_t i;

	json_hex_field(j, "address", w->addr);
	json_uint_field(j, "at_event", w->at);
	json_uint_field(j, "total_events", c->nevents);
	json_bool_field(j, "memory", w->memory);
	json_str_field(j, "firmware", w->fw[0] ? w->fw : NULL);
	json_str_field(j, "owner", w->owner);
	if (w->reserved) {
		json_hex_field(j, "base", w->rsv.base);
		json_hex_field(j, "size", w->rsv.end - w->rsv.base);
		json_key(j, "seq");
		if (w->rsv.ev == MBA_EV_INITIAL)
			json_null(j);
		else
			json_uint(j, c->events[w->rsv.ev].rec.seq);
		json_str_field(j, "before", w->before);
	}
	json_str_field(j, "what", w->what[0] ? w->what : NULL);
	json_key(j, "history");
	json_arr_begin(j);
	for (i = 0; i < w->nhist; i++)
		cli_json_event(j, c, w->hist[i]);
	json_arr_end(j);
	cli_json_end(j);
}

/**
 * cmd_whois() - the whois command
 * @argc: argument count
 * @argv: arguments, argv[0] = "whois"
 *
 * Return: exit status.
 */
int cmd_whois(int argc, char **argv)
{
	struct mb_capture *c;
	struct mba_owners o;
	struct whois w;
	struct cli_args a;
	uint64_t addr, at = 0;
	bool have_at;
	int rc;

	if (cli_args_parse(argc, argv, 2, "ADDR INPUT", &a) ||
	    cli_args_num(&a, 'a', 0, UINT64_MAX, &at) || cli_arg_u64("ADDR", a.argv[0], &addr))
		return MB_EXIT_USAGE;
	have_at = a.arg['a'];
	c = cli_open(a.argv[1], have_at ? "--at" : NULL, at, &rc);
	if (!c)
		return rc;
	if (mba_owners_init(&o, c, NULL, NULL) ||
	    lookup(c, &o, addr, have_at ? (size_t)at : c->nevents, &w)) {
		rc = cli_fail(MB_EXIT_FAIL, "out of memory");
	} else if (cli_json) {
		print_json(c, &w);
	} else {
		print_text(c, &o, &w);
	}
	mba_owners_free(&o);
	cli_release(c);
	return rc;
}
