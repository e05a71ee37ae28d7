// SPDX-License-Identifier: GPL-2.0-only
/* owners.c - replay a capture's events at byte level: who reserved each byte, and when. */
#include <stdlib.h>
#include <string.h>
#include <uapi/mb_evlog.h>
#include "mbanalysis/analysis.h"

static uint64_t range_end(uint64_t base, uint64_t size)
{
	return size > UINT64_MAX - base ? UINT64_MAX : base + size;
}

/**
 * mba_is_alloc_op() - true for the memblock calls that allocate
 * @op: enum mb_evlog_op
 *
 * Return: whether a successful @op reserves [result, result + size).
 */
bool mba_is_alloc_op(unsigned int op)
{
	switch (op) {
	case MB_OP_PHYS_ALLOC_RANGE:
	case MB_OP_PHYS_ALLOC_TRY_NID:
	case MB_OP_PHYS_ALLOC:
	case MB_OP_ALLOC_RANGE_NID:
	case MB_OP_ALLOC_TRY_NID:
	case MB_OP_ALLOC_TRY_NID_RAW:
	case MB_OP_ALLOC_EXACT_NID_RAW:
	case MB_OP_ALLOC:
	case MB_OP_ALLOC_RAW:
	case MB_OP_ALLOC_FROM:
	case MB_OP_ALLOC_LOW:
	case MB_OP_ALLOC_NODE:
		return true;
	default:
		return false;
	}
}

/**
 * mba_event_base() - where the range a memblock call names starts
 * @e: the event
 * @base: set to the range's base: @e->base, or the result of an allocation
 *
 * Return: false for a failed call, an allocation that found nothing, and the
 * calls that name no address range (limits, flags of the whole array, ...).
 */
bool mba_event_base(const struct mb_event *e, uint64_t *base)
{
	if (e->rec.rflags & MB_REC_FAILED)
		return false;
	switch (e->rec.op) {
	case MB_OP_ADD:
	case MB_OP_ADD_NODE:
	case MB_OP_REMOVE:
	case MB_OP_RESERVE:
	case MB_OP_PHYS_FREE:
	case MB_OP_FREE:
	case MB_OP_DOUBLE_ARRAY:
		*base = e->rec.base;
		return true;
	default:
		if (!mba_is_alloc_op(e->rec.op) || !e->rec.result)
			return false;
		*base = e->rec.result;
		return true;
	}
}

/**
 * mba_event_owner() - the owner (group) an event is credited to
 * @o: ownership replay
 * @ev: event of o->cap
 *
 * Return: the owner index, or MBA_NO_OWNER when out of memory.
 */
uint32_t mba_event_owner(struct mba_owners *o, const struct mb_event *ev)
{
	char buf[MBA_GROUP_LABEL_MAX];
	uint32_t w;

	if (ev->caller_sym != MB_NO_SYM && ev->caller_sym < o->cap->nsyms &&
	    o->sym_owner[ev->caller_sym] != MBA_NO_OWNER)
		return o->sym_owner[ev->caller_sym];
	w = mba_names_get(o->names, mba_group_label(&o->group, o->cap, ev, buf, sizeof(buf)));
	if (ev->caller_sym != MB_NO_SYM && ev->caller_sym < o->cap->nsyms &&
	    o->group.kind == MBA_GROUP_CALLER)
		o->sym_owner[ev->caller_sym] = w;
	return w;
}

static int load_array(struct mba_imap *m, const struct mb_array *a, uint32_t owner)
{
	uint64_t i;

	if (!a->regions)
		return 0;
	for (i = 0; i < a->cnt; i++)
		if (mba_imap_paint(m, a->regions[i].base,
				   range_end(a->regions[i].base, a->regions[i].size), owner,
				   MBA_EV_INITIAL))
			return -1;
	return 0;
}

/**
 * mba_owners_reset() - back to the capture's initial state (0 events)
 * @o: ownership replay
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_owners_reset(struct mba_owners *o)
{
	mba_imap_clear(&o->memory);
	mba_imap_clear(&o->reserved);
	o->at = 0;
	o->ndbl = 0;
	o->last_alloc_owner = MBA_NO_OWNER;
	if (o->cap->initial.valid &&
	    (load_array(&o->memory, &o->cap->initial.memory, 0) ||
	     load_array(&o->reserved, &o->cap->initial.reserved, MBA_OWNER_INITIAL)))
		return -1;
	return 0;
}

/**
 * mba_owners_init() - an ownership replay of @cap at its initial state
 * @o: to fill
 * @cap: capture (must outlive @o)
 * @shared: name table shared with other replays (diff: both sides), or
 *   NULL for a private one
 * @group: grouping (NULL: by caller)
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_owners_init(struct mba_owners *o, const struct mb_capture *cap,
		    struct mba_names *shared, const struct mba_group *group)
{
	size_t ns = cap->nsyms ? cap->nsyms : 1;

	memset(o, 0, sizeof(*o));
	o->cap = cap;
	if (group)
		o->group = *group;
	mba_imap_init(&o->memory);
	mba_imap_init(&o->reserved);
	o->names = shared;
	if (!shared) {
		o->names = calloc(1, sizeof(*o->names));
		o->own_names = true;
	}
	o->sym_owner = malloc(ns * sizeof(*o->sym_owner));
	if (!o->names || !o->sym_owner)
		return -1;
	memset(o->sym_owner, 0xff, ns * sizeof(*o->sym_owner));
	if (mba_names_get(o->names, MBA_INITIAL_NAME) != MBA_OWNER_INITIAL)
		return -1;
	return mba_owners_reset(o);
}

/**
 * mba_owners_free() - release an ownership replay
 * @o: ownership replay
 */
void mba_owners_free(struct mba_owners *o)
{
	if (o->own_names && o->names) {
		mba_names_free(o->names);
		free(o->names);
	}
	free(o->sym_owner);
	mba_imap_free(&o->memory);
	mba_imap_free(&o->reserved);
	memset(o, 0, sizeof(*o));
}

/**
 * mba_owner_name() - name of an owner
 * @o: ownership replay
 * @owner: owner index
 *
 * Return: the caller (group) name.
 */
const char *mba_owner_name(const struct mba_owners *o, uint32_t owner)
{
	return owner < o->names->n ? o->names->v[owner] : "?";
}

/* Memory coverage: cut everything above the address where @limit bytes end. */
static int enforce_limit(struct mba_owners *o, uint64_t limit)
{
	struct mba_seg *v = NULL;
	uint64_t acc = 0, cutat = UINT64_MAX;
	size_t n, i;
	int ret = 0;

	if (!limit)
		return 0;
	if (mba_imap_flatten(&o->memory, &v, &n)) {
		free(v);
		return -1;
	}
	for (i = 0; i < n; i++) {
		uint64_t len = v[i].end - v[i].base;

		if (acc + len >= limit) {
			cutat = v[i].base + (limit - acc);
			break;
		}
		acc += len;
	}
	free(v);
	if (cutat != UINT64_MAX)
		ret = mba_imap_erase(&o->memory, cutat, UINT64_MAX) ||
		      mba_imap_erase(&o->reserved, cutat, UINT64_MAX);
	return ret ? -1 : 0;
}

static int trim_memory(struct mba_owners *o, uint64_t align)
{
	struct mba_seg *v = NULL;
	size_t n, i;
	int ret = 0;

	if (!align || (align & (align - 1)))
		return 0;
	if (mba_imap_flatten(&o->memory, &v, &n)) {
		free(v);
		return -1;
	}
	for (i = 0; i < n && !ret; i++) {
		uint64_t b = (v[i].base + align - 1) & ~(align - 1);
		uint64_t e = v[i].end & ~(align - 1);

		if (b >= e || b < v[i].base) {
			ret = mba_imap_erase(&o->memory, v[i].base, v[i].end);
			continue;
		}
		ret = mba_imap_erase(&o->memory, v[i].base, b) ||
		      mba_imap_erase(&o->memory, e, v[i].end);
	}
	free(v);
	return ret ? -1 : 0;
}

/*
 * memblock doubled an array (a nested record): the new array is reserved by
 * memblock itself, the old one is freed unless it was the static initial
 * array (in the kernel image: only arrays an earlier doubling made are freed).
 */
static int double_array(struct mba_owners *o, const struct mb_event *ev)
{
	uint32_t owner;
	size_t i;

	if ((ev->rec.rflags & MB_REC_FAILED) || !ev->rec.base || !ev->rec.size)
		return 0;
	for (i = 0; i < o->ndbl; i++) {
		if (o->dbl_base[i] == ev->rec.min_addr && ev->rec.min_addr) {
			if (mba_imap_erase(&o->reserved, ev->rec.min_addr,
					   range_end(ev->rec.min_addr, ev->rec.align)))
				return -1;
			o->dbl_base[i] = o->dbl_base[--o->ndbl];
			break;
		}
	}
	if (o->ndbl < MBA_MAX_ARRAYS)
		o->dbl_base[o->ndbl++] = ev->rec.base;
	owner = mba_names_get(o->names, MBA_ARRAY_OWNER);
	if (owner == MBA_NO_OWNER)
		return -1;
	return mba_imap_paint(&o->reserved, ev->rec.base, range_end(ev->rec.base, ev->rec.size),
			      owner, o->at - 1);
}

/* memblock's own call on behalf of the allocation logged just before it. */
static bool on_behalf(struct mba_owners *o, const struct mb_event *ev, uint32_t owner)
{
	return o->last_alloc_owner != MBA_NO_OWNER &&
	       (ev->rec.depth > 0 || !strncmp(mba_owner_name(o, owner), "memblock_", 9));
}

/**
 * mba_owners_step() - apply the next event
 * @o: ownership replay
 *
 * Return: 0 (also when every event is applied), or -1 when out of memory.
 */
int mba_owners_step(struct mba_owners *o)
{
	const struct mb_event *ev;
	uint64_t end, evno, next_ev = 0;
	uint32_t owner, next_alloc = MBA_NO_OWNER;
	int ret = 0;

	if (o->at >= o->cap->nevents)
		return 0;
	evno = o->at;
	ev = &o->cap->events[o->at++];
	end = range_end(ev->rec.base, ev->rec.size);
	switch (ev->rec.op) {
	case MB_OP_ADD:
	case MB_OP_ADD_NODE:
		ret = mba_imap_paint(&o->memory, ev->rec.base, end, 0, 0);
		break;
	case MB_OP_REMOVE:
		ret = mba_imap_erase(&o->memory, ev->rec.base, end);
		break;
	case MB_OP_FREE:
		/* memblock_free(NULL, size) does nothing */
		if (!ev->rec.base)
			break;
		/* fall through */
	case MB_OP_PHYS_FREE:
		if (!(ev->rec.rflags & MB_REC_FAILED))
			ret = mba_imap_erase(&o->reserved, ev->rec.base, end);
		break;
	case MB_OP_DOUBLE_ARRAY:
		ret = double_array(o, ev);
		break;
	case MB_OP_CAP_MEMORY_RANGE:
		if (ev->rec.size)
			ret = mba_imap_erase(&o->memory, 0, ev->rec.base) ||
			      mba_imap_erase(&o->memory, end, UINT64_MAX) ||
			      mba_imap_erase(&o->reserved, 0, ev->rec.base) ||
			      mba_imap_erase(&o->reserved, end, UINT64_MAX);
		break;
	case MB_OP_MEM_LIMIT_REMOVE_MAP:
	case MB_OP_ENFORCE_MEMORY_LIMIT:
		ret = enforce_limit(o, ev->rec.max_addr);
		break;
	case MB_OP_TRIM_MEMORY:
		ret = trim_memory(o, ev->rec.max_addr);
		break;
	case MB_OP_RESERVE:
		owner = mba_event_owner(o, ev);
		if (owner == MBA_NO_OWNER)
			return -1;
		if (on_behalf(o, ev, owner)) {
			owner = next_alloc = o->last_alloc_owner;
			evno = next_ev = o->last_alloc_ev;
		}
		if (!(ev->rec.rflags & MB_REC_FAILED))
			ret = mba_imap_paint(&o->reserved, ev->rec.base, end, owner, evno);
		break;
	default:
		if (!mba_is_alloc_op(ev->rec.op) || (ev->rec.rflags & MB_REC_FAILED) ||
		    !ev->rec.result)
			break;
		owner = mba_event_owner(o, ev);
		if (owner == MBA_NO_OWNER)
			return -1;
		if (on_behalf(o, ev, owner)) {
			owner = o->last_alloc_owner;
			evno = o->last_alloc_ev;
		}
		next_alloc = owner;
		next_ev = evno;
		if (ev->rec.size)
			ret = mba_imap_paint(&o->reserved, ev->rec.result,
					     range_end(ev->rec.result, ev->rec.size), owner, evno);
		break;
	}
	o->last_alloc_owner = next_alloc;
	o->last_alloc_ev = next_ev;
	return ret ? -1 : 0;
}

/**
 * mba_owners_seek() - move to the state after the first @at events
 * @o: ownership replay
 * @at: event count (at most o->cap->nevents)
 *
 * Return: 0, or -1 when out of memory.
 */
int mba_owners_seek(struct mba_owners *o, size_t at)
{
	if (at > o->cap->nevents)
		at = o->cap->nevents;
	if (at < o->at && mba_owners_reset(o))
		return -1;
	while (o->at < at)
		if (mba_owners_step(o))
			return -1;
	return 0;
}
