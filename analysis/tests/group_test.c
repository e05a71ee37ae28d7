// SPDX-License-Identifier: GPL-2.0-only
/* group_test.c - group labels (frame:N, chain[:N]) on hand-made chains: fallbacks, start_kernel, cuts, tiny buffers. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uapi/mb_evlog.h>
#include "mbanalysis/analysis.h"

static int failures;

static void expect(const char *what, const char *got, const char *want)
{
	if (strcmp(got, want)) {
		printf("FAIL %s: got '%s', want '%s'\n", what, got, want);
		failures++;
	}
}

/* Append an event called from @caller whose chain is @names (NULL: an unsymbolised frame). */
static void add(struct mb_capture *c, const char *caller, const char *const *names, unsigned int n)
{
	struct mb_event ev = { .rec = { .op = MB_OP_RESERVE, .caller = 0xffffffff81000000ull } };
	struct mb_frame f[MB_CHAIN_MAX];
	struct mb_error err = { 0 };
	unsigned int i;

	ev.caller_sym = caller ? mb_capture_intern_sym(c, caller) : MB_NO_SYM;
	if (mb_capture_add_event(c, &ev, &err)) {
		printf("FAIL add_event: %s\n", err.msg);
		exit(1);
	}
	for (i = 0; i < n; i++) {
		f[i].addr = 0xffffffff81000000ull + 0x100 * i;
		f[i].sym = names[i] ? mb_capture_intern_sym(c, names[i]) : MB_NO_SYM;
		f[i].off = 0x10;
		f[i].len = 0x40;
	}
	if (n && mb_capture_set_chain_frames(c, c->nevents - 1, f, n, MB_CHAIN_ORC, &err)) {
		printf("FAIL set_chain: %s\n", err.msg);
		exit(1);
	}
}

static const char *lab(const struct mb_capture *c, size_t ev, const char *spec, char *buf,
		       size_t len)
{
	struct mba_group g;

	if (mba_group_parse(spec, &g)) {
		printf("FAIL parse '%s'\n", spec);
		failures++;
		return "";
	}
	return mba_group_label(&g, c, &c->events[ev], buf, len);
}

int main(void)
{
	static const char *const boot[] = {
		"memblock_alloc_range_nid", "memblock_alloc_try_nid", "alloc_node_data.constprop.0",
		"numa_init", "setup_arch", "start_kernel", "x86_64_start_kernel",
	};
	static const char *const deep[] = { "a1", "a2", "a3", "a4", "a5", "a6" };
	static const char *const mb_only[] = { "memblock_alloc_range_nid", "__memblock_x" };
	static const char *const anon[] = { "f1", NULL, "f3" };
	static const char *const bad[] = {
		"frame:16", "chain:0", "chain:17", "frame:", "frame:x", "frame:1x", "frame:-1",
		"caller:0", "chain:123", "frames", "", ":1",
	};
	char longname[3][120], buf[MBA_GROUP_LABEL_MAX], small[40];
	const char *lng[3];
	struct mb_capture *c = mb_capture_new();
	struct mba_group g;
	size_t i;

	if (!c)
		return 1;
	add(c, "memblock_alloc_range_nid", boot, 7);	/* 0 */
	add(c, "a1", deep, 6);				/* 1 */
	add(c, "memblock_alloc_range_nid", mb_only, 2);	/* 2 */
	add(c, "f1", anon, 3);				/* 3 */
	add(c, "plain_caller+0x10", NULL, 0);		/* 4: no chain */
	for (i = 0; i < 3; i++) {
		memset(longname[i], 'a' + (int)i, sizeof(longname[i]) - 1);
		longname[i][sizeof(longname[i]) - 1] = 0;
		lng[i] = longname[i];
	}
	add(c, lng[0], lng, 3);				/* 5 */

	expect("caller", lab(c, 0, "caller", buf, sizeof(buf)), "memblock_alloc_range_nid");
	expect("frame", lab(c, 0, "frame", buf, sizeof(buf)), "alloc_node_data");
	expect("frame:0", lab(c, 0, "frame:0", buf, sizeof(buf)), "memblock_alloc_range_nid");
	expect("frame:3", lab(c, 0, "frame:3", buf, sizeof(buf)), "numa_init");
	expect("frame:15 takes the last", lab(c, 0, "frame:15", buf, sizeof(buf)),
	       "x86_64_start_kernel");
	expect("chain ends at start_kernel", lab(c, 0, "chain:16", buf, sizeof(buf)),
	       "alloc_node_data < numa_init < setup_arch < start_kernel");
	expect("chain:2", lab(c, 0, "chain:2", buf, sizeof(buf)), "alloc_node_data < numa_init < ...");
	expect("chain of 4 exactly", lab(c, 0, "chain", buf, sizeof(buf)),
	       "alloc_node_data < numa_init < setup_arch < start_kernel");
	expect("chain default 4", lab(c, 1, "chain", buf, sizeof(buf)), "a1 < a2 < a3 < a4 < ...");
	expect("chain:6 whole", lab(c, 1, "chain:6", buf, sizeof(buf)),
	       "a1 < a2 < a3 < a4 < a5 < a6");
	expect("chain:5 cut", lab(c, 1, "chain:5", buf, sizeof(buf)),
	       "a1 < a2 < a3 < a4 < a5 < ...");
	expect("all memblock: caller", lab(c, 2, "chain", buf, sizeof(buf)),
	       "memblock_alloc_range_nid");
	expect("all memblock: frame", lab(c, 2, "frame", buf, sizeof(buf)),
	       "memblock_alloc_range_nid");
	snprintf(small, sizeof(small), "f1 < 0x%" PRIx64 " < f3", (uint64_t)0xffffffff81000100ull);
	expect("unsymbolised frame", lab(c, 3, "chain", buf, sizeof(buf)), small);
	expect("no chain: frame:5", lab(c, 4, "frame:5", buf, sizeof(buf)), "plain_caller");
	expect("no chain: chain", lab(c, 4, "chain", buf, sizeof(buf)), "plain_caller");

	/* Labels never overflow: three 119-byte names in 256 bytes, then in 40. */
	lab(c, 5, "chain:16", buf, sizeof(buf));
	if (strlen(buf) >= sizeof(buf) || strlen(buf) < 6 || strcmp(buf + strlen(buf) - 6, " < ..."))
		printf("FAIL long chain: '%s' (%zu bytes)\n", buf, strlen(buf)), failures++;
	if (strncmp(buf, lng[0], 119) || strncmp(buf + 119, " < ", 3) || strncmp(buf + 122, lng[1], 119))
		printf("FAIL long chain keeps its whole first frames: '%s'\n", buf), failures++;
	memset(small, 'X', sizeof(small));
	lab(c, 5, "chain:16", small, sizeof(small));
	if (!memchr(small, 0, sizeof(small)) || strlen(small) != 39 ||
	    strcmp(small + 33, " < ...") || strspn(small, "a") != 33)
		printf("FAIL small buffer: '%.40s'\n", small), failures++;
	lab(c, 1, "chain:16", small, sizeof(small));
	expect("short frames in 40 bytes", small, "a1 < a2 < a3 < a4 < a5 < a6");

	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		g.kind = MBA_GROUP_CHAIN;
		g.n = 7;
		if (!mba_group_parse(bad[i], &g) || g.kind != MBA_GROUP_CHAIN || g.n != 7)
			printf("FAIL parse accepted '%s'\n", bad[i]), failures++;
	}
	if (mba_group_parse("frame", &g) || g.kind != MBA_GROUP_FRAME ||
	    mba_group_parse("frame:15", &g) || g.kind != MBA_GROUP_FRAME_N || g.n != 15 ||
	    mba_group_parse("chain", &g) || g.kind != MBA_GROUP_CHAIN || g.n != MBA_CHAIN_DEPTH ||
	    mba_group_parse("caller", &g) || g.kind != MBA_GROUP_CALLER)
		printf("FAIL parse of good values\n"), failures++;
	mb_capture_free(c);
	if (failures)
		return 1;
	printf("group labels: all cases pass\n");
	return 0;
}
