/* SPDX-License-Identifier: GPL-2.0-only */
/* replay.h - run a capture's events through the host build of memblock. */
#ifndef MBAGENT_REPLAY_H
#define MBAGENT_REPLAY_H

#include <stdbool.h>
#include <stddef.h>
#include "mbagent/capture.h"
#include "mbagent/error.h"

/* Comparison options for mb_state_compare(). */
#define MB_CMP_MAX	0x1	/* compare array capacities (max) */
#define MB_CMP_LIMITS	0x2	/* compare current_limit and bottom_up */
#define MB_CMP_TOTALS	0x4	/* compare total_size */

/**
 * struct mb_replay_report - what a replay did and found
 * @events: events considered (the @upto prefix)
 * @applied: depth-0 events executed
 * @skipped: nested (depth > 0) events skipped: the outer call redoes them
 * @unknown_ops: events with an operation replay does not know
 * @allocs: allocations compared with the recorded result
 * @alloc_mismatches: allocations whose result differed (replay then forced
 *   the recorded result: freed its own, reserved the recorded range)
 * @first_mismatch: index of the first mismatching allocation (valid when
 *   @alloc_mismatches > 0), with @mismatch_expected / @mismatch_got
 * @dropped: events the target could not record (log full): replay of such a
 *   log is incomplete
 * @checkpoints: checkpoints compared; @checkpoint_fail: index+1 of the first
 *   that differed (0 = none)
 * @diverged: verify found a difference; @divergence names the first one
 */
struct mb_replay_report {
	size_t events;
	size_t applied;
	size_t skipped;
	size_t unknown_ops;
	size_t allocs;
	size_t alloc_mismatches;
	size_t first_mismatch;
	uint64_t mismatch_expected;
	uint64_t mismatch_got;
	uint64_t dropped;
	size_t checkpoints;
	size_t checkpoint_fail;
	bool diverged;
	char divergence[512];
};

/*
 * Reset the host memblock, load @c->initial, execute the first @upto events
 * (SIZE_MAX = all), and copy the resulting arrays into @out (may be NULL;
 * free with mb_state_clear()).  Checkpoints inside the prefix are compared
 * (regions only) and the first difference is reported in @rep.  0, or -1
 * with @err set.
 */
int mb_replay_run(const struct mb_capture *c, size_t upto, struct mb_state *out,
		  struct mb_replay_report *rep, struct mb_error *err);

/*
 * Replay everything and compare with @c->final (if valid) and every
 * checkpoint.  Returns 0 when equal, 1 when a divergence was found
 * (rep->divergence names it), -1 with @err set on error.
 */
int mb_replay_verify(const struct mb_capture *c, struct mb_state *out,
		     struct mb_replay_report *rep, struct mb_error *err);

/*
 * Compare two states region by region.  0 when equal; 1 with a message like
 * "reserved[3].size: expected 0x1000, got 0x2000" in @buf otherwise.
 */
int mb_state_compare(const struct mb_state *expected, const struct mb_state *got,
		     unsigned int cmp_flags, char *buf, size_t len);

/*
 * Compare the byte coverage (union of ranges) of memory and of reserved.
 * 0 when equal; 1 with the first differing range in @buf otherwise.
 */
int mb_state_compare_coverage(const struct mb_state *expected, const struct mb_state *got,
			      char *buf, size_t len);

/* Replay's fallback when memblock panics on the host (see replay.c). */
const char *mb_replay_last_panic(void);

#endif /* MBAGENT_REPLAY_H */
