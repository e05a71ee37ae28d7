// SPDX-License-Identifier: GPL-2.0-only
/* core_linux_fixture.c - replays a real Linux memblock=debug boot log and compares with Linux's own state. */

/*
 * Input: a serial console log of a stock Linux kernel booted with
 * memblock=debug, and the kernel's struct memblock read at the entry of
 * memblock_free_all() (in memblock_dump_all() format).  The test loads the
 * last "MEMBLOCK configuration:" block of the log into memblock, replays
 * every memblock_* line that follows through the same public functions
 * (allocations with their logged arguments: the address memblock picks
 * must be the one Linux picked, shown on the next memblock_reserve line),
 * checks that our own debug lines match Linux's up to the caller, and
 * finally that the arrays equal Linux's final state exactly (dump text).
 *
 * Usage: core_linux_fixture LOG FINAL
 */

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "memblock.h"
#include "memblock_host.h"

static int failures;
static char dump[1 << 16];
static size_t dump_len;
static char last_line[512], prev_line[512];

static void fail(const char *what, const char *line)
{
	fprintf(stderr, "core_linux_fixture: %s\n  at: %s\n", what, line ? line : "(end)");
	failures++;
}

static void capture(const char *text, void *ctx)
{
	size_t n = strlen(text);

	(void)ctx;
	memcpy(prev_line, last_line, sizeof(prev_line));
	snprintf(last_line, sizeof(last_line), "%s", text);
	if (dump_len + n < sizeof(dump)) {
		memcpy(dump + dump_len, text, n + 1);
		dump_len += n;
	}
}

/* Strip "[    0.123456] " and return the text, or NULL for a line without it. */
static char *body(char *line)
{
	char *p = strstr(line, "] ");

	if (line[0] != '[' || !p)
		return NULL;
	return p + 2;
}

/* Parse one dump region line into @r; returns 1 for memory, 2 for reserved, 0 otherwise. */
static int parse_region(const char *s, struct memblock_region *r)
{
	char name[16];
	unsigned long long idx, b, e, sz;
	unsigned int flags;
	int nid = MAX_NUMNODES;
	const char *on = strstr(s, " on node ");
	const char *fl = strstr(s, " flags: 0x");

	if (sscanf(s, " %15[a-z][0x%llx]\t[0x%llx-0x%llx], 0x%llx bytes", name, &idx, &b, &e,
		   &sz) != 5 || !fl)
		return 0;
	if (on)
		nid = atoi(on + 9);
	flags = (unsigned int)strtoul(fl + 10, NULL, 16);
	r->base = b;
	r->size = sz;
	r->flags = flags;
	r->nid = nid;
	if (e != b + sz - 1)
		return 0;
	return !strcmp(name, "memory") ? 1 : !strcmp(name, "reserved") ? 2 : 0;
}

/* Load a dump block (the lines after "MEMBLOCK configuration:") into the arrays. */
static void load_block(char **lines, int n)
{
	phys_addr_t mem_total = 0, rsv_total = 0;
	int i;

	memblock_reset_state();
	memblock_allow_resize();
	for (i = 0; i < n; i++) {
		struct memblock_region r;
		int which = parse_region(lines[i], &r);
		unsigned long long msize, rsize;

		/* take the totals as printed: Linux's trim leaves them above the sum */
		if (sscanf(lines[i], " memory size = 0x%llx reserved size = 0x%llx", &msize,
			   &rsize) == 2) {
			mem_total = msize;
			rsv_total = rsize;
		}
		struct memblock_type *t = which == 1 ? &memblock.memory : &memblock.reserved;

		if (!which)
			continue;
		t->regions[t->cnt++] = r;
		t->total_size += r.size;
	}
	if (mem_total)
		memblock.memory.total_size = mem_total;
	if (rsv_total)
		memblock.reserved.total_size = rsv_total;
}

static char *lines[4096];
static int nlines;

static void free_lines(void)
{
	while (nlines > 0)
		free(lines[--nlines]);
}

static void read_lines(const char *path)
{
	FILE *f = fopen(path, "r");
	char buf[1024];

	if (!f) {
		perror(path);
		exit(2);
	}
	while (nlines < 4096 && fgets(buf, sizeof(buf), f)) {
		size_t n = strlen(buf);

		while (n && (buf[n - 1] == '\n' || buf[n - 1] == '\r'))
			buf[--n] = '\0';
		lines[nlines++] = strdup(buf);
	}
	fclose(f);
}

/* Our debug line must equal Linux's up to the caller (last field). */
static void check_dbg_with(const char *ours, const char *linux_text)
{
	const char *sp = strrchr(linux_text, ' ');
	size_t n = sp ? (size_t)(sp - linux_text) + 1 : strlen(linux_text);

	if (strncmp(ours, linux_text, n)) {
		fprintf(stderr, "  ours:  %s", ours);
		fail("debug line differs", linux_text);
		fprintf(stderr, "\n");
	}
}

static void check_dbg(const char *linux_text)
{
	check_dbg_with(last_line, linux_text);
}

/* Index of the line after a dump block starting at @start, having loaded it. */
static int load_block_at(int start)
{
	char *blk[1024];
	int n = 0, i;

	for (i = start + 1; i < nlines && n < 1024; i++) {
		char *t = body(lines[i]);

		if (!t || t[0] != ' ')
			break;
		blk[n++] = t;
	}
	load_block(blk, n);
	return i;
}

/*
 * Replay the memblock_* lines in [from_line, to_line) through the public
 * functions, checking allocation addresses and debug lines.
 */
static void replay_lines(int from_line, int to_line)
{
	unsigned long long a, b;
	phys_addr_t got_alloc = 0;
	int i, alloc_pending = 0;

	for (i = from_line; i < to_line; i++) {
		char *t = body(lines[i]);
		unsigned long long size, align, from, max;
		int nid;

		if (!t || strncmp(t, "memblock_", 9))
			continue;
		if (sscanf(t, "memblock_reserve: [0x%llx-0x%llx]", &a, &b) == 2) {
			bool by_alloc = strstr(t, " memblock_alloc_range_nid+") != NULL;

			if (by_alloc && alloc_pending) {
				/* the reservation our allocation made: same address? */
				alloc_pending = 0;
				if (got_alloc != a) {
					fprintf(stderr, "  ours: 0x%llx, Linux: 0x%llx\n",
						(unsigned long long)got_alloc, a);
					fail("allocation placed differently from Linux", lines[i]);
				}
				check_dbg(t);
				continue;
			}
			memblock_reserve(a, b - a + 1);
			check_dbg(t);
		} else if (sscanf(t, "memblock_phys_free: [0x%llx-0x%llx]", &a, &b) == 2) {
			memblock_phys_free(a, b - a + 1);
			check_dbg(t);
		} else if (sscanf(t, "memblock_add: [0x%llx-0x%llx]", &a, &b) == 2) {
			memblock_add(a, b - a + 1);
			check_dbg(t);
		} else if (sscanf(t, "memblock_remove: [0x%llx-0x%llx]", &a, &b) == 2) {
			memblock_remove(a, b - a + 1);
			check_dbg(t);
		} else if (sscanf(t, "memblock_phys_alloc_range: %llu bytes align=0x%llx from=0x%llx "
				  "max_addr=0x%llx", &size, &align, &from, &max) == 4) {
			got_alloc = memblock_phys_alloc_range(size, align, from, max);
			alloc_pending = 1;
		} else if (sscanf(t, "memblock_alloc_try_nid: %llu bytes align=0x%llx nid=%d "
				  "from=0x%llx max_addr=0x%llx", &size, &align, &nid, &from, &max) == 5) {
			got_alloc = mb_shim_virt_to_phys(memblock_alloc_try_nid(size, align, from, max,
										nid));
			alloc_pending = 1;
		} else if (sscanf(t, "memblock_alloc_try_nid_raw: %llu bytes align=0x%llx nid=%d "
				  "from=0x%llx max_addr=0x%llx", &size, &align, &nid, &from, &max) == 5) {
			got_alloc = mb_shim_virt_to_phys(memblock_alloc_try_nid_raw(size, align, from,
										    max, nid));
			alloc_pending = 1;
		} else if (sscanf(t, "memblock_alloc_exact_nid_raw: %llu bytes align=0x%llx nid=%d "
				  "from=0x%llx max_addr=0x%llx", &size, &align, &nid, &from, &max) == 5) {
			got_alloc = mb_shim_virt_to_phys(memblock_alloc_exact_nid_raw(size, align, from,
										      max, nid));
			alloc_pending = 1;
		} else {
			fail("line not understood", lines[i]);
			continue;
		}
		/* an allocation printed its own line, then (if it succeeded) the reservation */
		if (alloc_pending)
			check_dbg_with(got_alloc ? prev_line : last_line, t);
	}

	if (alloc_pending)
		fail("allocation without a reservation line in the log", NULL);
}

/* Byte coverage of a type as merged [base, end) runs, nids ignored. */
static int coverage(struct memblock_type *t, phys_addr_t *out, int max)
{
	unsigned long i;
	int n = 0;

	for (i = 0; i < t->cnt; i++) {
		phys_addr_t b = t->regions[i].base, e = b + t->regions[i].size;

		if (n && out[2 * n - 1] == b) {
			out[2 * n - 1] = e;
			continue;
		}
		if (n == max)
			return -1;
		out[2 * n] = b;
		out[2 * n + 1] = e;
		n++;
	}
	return n;
}

static phys_addr_t cov_a[2][2048], cov_b[2][2048];

/*
 * First segment: from the first dump block to the second.  Linux sets NUMA
 * node ids in between without logging it, so only byte coverage, flags and
 * the totals are compared there.
 */
static void first_segment(int first, int second)
{
	struct memblock_type *types[2] = { &memblock.memory, &memblock.reserved };
	int na[2], nb[2], k;
	phys_addr_t tot[2];

	int start = load_block_at(first);

	/* x86: memblock_set_current_limit(ISA_END_ADDRESS) until the direct map exists */
	memblock.current_limit = 0x100000;
	replay_lines(start, second);
	for (k = 0; k < 2; k++) {
		na[k] = coverage(types[k], cov_a[k], 1024);
		tot[k] = types[k]->total_size;
	}
	load_block_at(second);
	for (k = 0; k < 2; k++) {
		nb[k] = coverage(types[k], cov_b[k], 1024);
		if (na[k] != nb[k] || memcmp(cov_a[k], cov_b[k], 2 * sizeof(phys_addr_t) * na[k]))
			fail(k ? "reserved coverage differs from Linux's second block" :
			     "memory coverage differs from Linux's second block", NULL);
		if (tot[k] != types[k]->total_size)
			fail("total size differs from Linux's second block", NULL);
	}
}

int main(int argc, char **argv)
{
	int i, first_block = -1, last_block = -1;
	char *final_text;
	size_t final_len = 0;

	if (argc != 3) {
		fprintf(stderr, "usage: %s LOG FINAL\n", argv[0]);
		return 2;
	}
	read_lines(argv[1]);
	for (i = 0; i < nlines; i++) {
		char *t = body(lines[i]);

		if (t && !strcmp(t, "MEMBLOCK configuration:")) {
			if (first_block < 0)
				first_block = i;
			last_block = i;
		}
	}
	if (last_block < 0) {
		fprintf(stderr, "no MEMBLOCK configuration block in %s\n", argv[1]);
		return 2;
	}
	memblock_set_print_hook(capture, NULL);
	memblock_debug = 1;

	if (first_block != last_block)
		first_segment(first_block, last_block);

	last_block = load_block_at(last_block);
	/* x86: memblock_set_current_limit(get_max_mapped()) = end of RAM by now */
	memblock.current_limit = memblock_end_of_DRAM();
	replay_lines(last_block, nlines);

	/* compare with Linux's final state, as text in the dump format */
	free_lines();
	read_lines(argv[2]);
	final_text = calloc(1, 1 << 16);
	for (i = 0; i < nlines; i++) {
		if (strcmp(lines[i], "MEMBLOCK configuration:"))
			continue;
		for (; i < nlines && final_len + strlen(lines[i]) + 2 < (1 << 16); i++)
			final_len += (size_t)sprintf(final_text + final_len, "%s\n", lines[i]);
		break;
	}
	dump_len = 0;
	dump[0] = '\0';
	__memblock_dump_all();
	if (strcmp(dump, final_text)) {
		fprintf(stderr, "--- ours\n%s--- Linux\n%s", dump, final_text);
		fail("final state differs from Linux's", NULL);
	}
	free(final_text);
	free_lines();
	memblock_reset_state();
	if (failures) {
		fprintf(stderr, "core_linux_fixture: %d failures (%s)\n", failures, argv[1]);
		return 1;
	}
	return 0;
}
