// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_import.c - libFuzzer: the Linux memblock=debug console log importer (and replay of what it makes). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/import.h"
#include "mbagent/replay.h"

/**
 * LLVMFuzzerTestOneInput() - import the input as console text; replay and
 * verify any capture it yields
 * @data: fuzz input
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_import_stats stats;
	struct mb_replay_report rep;
	struct mb_capture *c;
	struct mb_error err;
	struct mb_state out;
	FILE *f;

	if (size == 0 || size > 200000)
		return 0;
	f = fmemopen((void *)data, size, "r");
	if (!f)
		return 0;
	c = mb_import_stream(f, "fuzz.log", &stats, &err);
	fclose(f);
	if (!c)
		return 0;
	if (stats.memblock_lines > stats.lines || c->ncheckpoints > stats.blocks)
		abort();
	if (c->nevents <= 4000) {
		memset(&out, 0, sizeof(out));
		if (mb_replay_verify(c, &out, &rep, &err) >= 0)
			mb_state_clear(&out);
	}
	mb_capture_free(c);
	return 0;
}
