// SPDX-License-Identifier: GPL-2.0-only
/* handle.c - ownership replays on the heap, behind opaque pointers (the Python module's view of owners.c). */
#include <stdlib.h>
#include "mbagent/error.h"
#include "mbanalysis/analysis.h"

/**
 * mba_names_new() - an empty name table on the heap
 *
 * For ownership replays that share their owner numbers (a diff's two sides).
 *
 * Return: the table (release with mba_names_destroy()), or NULL when out of memory.
 */
struct mba_names *mba_names_new(void)
{
	return calloc(1, sizeof(struct mba_names));
}

/**
 * mba_names_destroy() - release a table from mba_names_new()
 * @nm: table, or NULL
 */
void mba_names_destroy(struct mba_names *nm)
{
	if (!nm)
		return;
	mba_names_free(nm);
	free(nm);
}

/**
 * mba_owners_open() - a heap-allocated ownership replay of @cap, at 0 events
 * @cap: capture (must outlive the replay)
 * @shared: name table shared with other replays, or NULL for a private one
 *   (must outlive the replay)
 * @group: grouping name for mba_group_parse() ("caller", "frame",
 *   "frame:N", "chain", "chain:N"), or NULL for "caller"
 * @err: error object
 *
 * Return: the replay (release with mba_owners_close()), or NULL with @err
 * set: MB_ERR_INVAL for a grouping that does not exist, MB_ERR_NOMEM.
 */
struct mba_owners *mba_owners_open(const struct mb_capture *cap, struct mba_names *shared,
				   const char *group, struct mb_error *err)
{
	struct mba_group g = { MBA_GROUP_CALLER, 0 };
	struct mba_owners *o;

	if (group && mba_group_parse(group, &g)) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0,
			     "unknown grouping '%s': the groupings are " MBA_GROUP_NAMES,
			     group);
		return NULL;
	}
	o = calloc(1, sizeof(*o));
	if (!o || mba_owners_init(o, cap, shared, &g)) {
		if (o)
			mba_owners_free(o);
		free(o);
		mb_error_set(err, MB_ERR_NOMEM, 0, 0, "out of memory");
		return NULL;
	}
	return o;
}

/**
 * mba_owners_close() - release a replay from mba_owners_open()
 * @o: replay, or NULL
 */
void mba_owners_close(struct mba_owners *o)
{
	if (!o)
		return;
	mba_owners_free(o);
	free(o);
}

/**
 * mba_owners_count() - how many owners (names) the replay has met
 * @o: replay
 *
 * Owner numbers are 0 (MBA_OWNER_INITIAL) up to the count - 1; a shared
 * table also counts the names the other replays met.
 *
 * Return: the number of owner names.
 */
size_t mba_owners_count(const struct mba_owners *o)
{
	return o->names->n;
}

/**
 * mba_owners_bytes() - reserved bytes an owner holds now
 * @o: replay
 * @owner: owner number
 *
 * Return: the bytes, 0 for an owner holding none.
 */
uint64_t mba_owners_bytes(const struct mba_owners *o, uint32_t owner)
{
	return mba_imap_total(&o->reserved, owner);
}

/**
 * mba_owners_ranges() - the reserved ranges now, each with its owner
 * @o: replay
 * @v: set to a malloc'd array sorted by address (release with mba_free())
 * @n: set to its length
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_owners_ranges(const struct mba_owners *o, struct mba_seg **v, size_t *n)
{
	*v = NULL;
	*n = 0;
	if (mba_imap_flatten(&o->reserved, v, n)) {
		free(*v);
		*v = NULL;
		return -1;
	}
	return 0;
}

/**
 * mba_free() - release memory the analysis library allocated for a caller
 * @p: pointer, or NULL
 */
void mba_free(void *p)
{
	free(p);
}
