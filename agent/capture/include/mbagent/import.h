/* SPDX-License-Identifier: GPL-2.0-only */
/* import.h - Linux memblock=debug console logs into captures. */
#ifndef MBAGENT_IMPORT_H
#define MBAGENT_IMPORT_H

#include <stdio.h>
#include "mbagent/capture.h"
#include "mbagent/error.h"

/* Name given to the synthetic memblock_set_node events (see import.c). */
#define MB_IMPORT_NUMA_SYM "<import:numa>"

/**
 * struct mb_import_stats - what the importer saw
 * @lines: lines read
 * @memblock_lines: lines recognised as memblock output
 * @blocks: "MEMBLOCK configuration:" blocks
 * @skipped_before_initial: memblock lines before the first block (already
 *   part of the initial state, not turned into events)
 * @failed_allocs: alloc lines with no matching reserve line
 * @bad_lines: memblock-looking lines that did not parse
 */
struct mb_import_stats {
	size_t lines;
	size_t memblock_lines;
	size_t blocks;
	size_t skipped_before_initial;
	size_t failed_allocs;
	size_t bad_lines;
};

/*
 * Import a console log.  The initial state is the first "MEMBLOCK
 * configuration:" block; every later block becomes a checkpoint preceded by
 * synthetic memblock_set_node events (caller MB_IMPORT_NUMA_SYM) carrying the
 * node ids the block shows, since Linux does not log memblock_set_node.
 * Returns NULL with @err set (MB_ERR_FORMAT when the text holds no memblock
 * output at all).  @stats may be NULL.
 */
struct mb_capture *mb_import_stream(FILE *f, const char *name, struct mb_import_stats *stats,
				    struct mb_error *err);
struct mb_capture *mb_import_file(const char *path, struct mb_import_stats *stats,
				  struct mb_error *err);
/* Does this text look like a memblock=debug console log? (first 64 KiB) */
int mb_import_sniff(const char *path);

#endif /* MBAGENT_IMPORT_H */
