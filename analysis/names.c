// SPDX-License-Identifier: GPL-2.0-only
/* names.c - interned caller names and how events are grouped into callers. */
#define _GNU_SOURCE
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "mbanalysis/analysis.h"

/**
 * mba_name_hash() - 32-bit FNV-1a hash of a caller name
 * @name: NUL-terminated name
 *
 * The name table's slots and each caller's colour (colour.c) both come from
 * it; the colours in every output format depend on its values.
 *
 * Return: the hash.
 */
uint32_t mba_name_hash(const char *name)
{
	uint32_t h = 2166136261u;

	while (*name) {
		h ^= (unsigned char)*name++;
		h *= 16777619u;
	}
	return h;
}

static int names_grow(struct mba_names *nm)
{
	size_t n = nm->nslots ? nm->nslots * 2 : 256, i;
	uint32_t *s = calloc(n, sizeof(*s));

	if (!s)
		return -1;
	for (i = 0; i < nm->n; i++) {
		size_t h = mba_name_hash(nm->v[i]) & (n - 1);

		while (s[h])
			h = (h + 1) & (n - 1);
		s[h] = (uint32_t)i + 1;
	}
	free(nm->slots);
	nm->slots = s;
	nm->nslots = n;
	return 0;
}

/**
 * mba_names_find() - index of @name if interned
 * @nm: table
 * @name: caller name
 *
 * Return: the index, or MBA_NO_OWNER.
 */
uint32_t mba_names_find(const struct mba_names *nm, const char *name)
{
	size_t h;

	if (!nm->nslots)
		return MBA_NO_OWNER;
	for (h = mba_name_hash(name) & (nm->nslots - 1); nm->slots[h]; h = (h + 1) & (nm->nslots - 1))
		if (!strcmp(nm->v[nm->slots[h] - 1], name))
			return nm->slots[h] - 1;
	return MBA_NO_OWNER;
}

/**
 * mba_names_get() - index of @name, interning it on first use
 * @nm: table
 * @name: caller name
 *
 * Return: the index, or MBA_NO_OWNER when out of memory.
 */
uint32_t mba_names_get(struct mba_names *nm, const char *name)
{
	size_t h;

	if ((nm->n + 1) * 2 > nm->nslots && names_grow(nm))
		return MBA_NO_OWNER;
	for (h = mba_name_hash(name) & (nm->nslots - 1); nm->slots[h]; h = (h + 1) & (nm->nslots - 1))
		if (!strcmp(nm->v[nm->slots[h] - 1], name))
			return nm->slots[h] - 1;
	if (nm->n == nm->cap) {
		size_t c = nm->cap ? nm->cap * 2 : 64;
		char **v = realloc(nm->v, c * sizeof(*v));

		if (!v)
			return MBA_NO_OWNER;
		nm->v = v;
		nm->cap = c;
	}
	nm->v[nm->n] = strdup(name);
	if (!nm->v[nm->n])
		return MBA_NO_OWNER;
	nm->slots[h] = (uint32_t)nm->n + 1;
	return (uint32_t)nm->n++;
}

/**
 * mba_names_free() - release a name table
 * @nm: table
 */
void mba_names_free(struct mba_names *nm)
{
	size_t i;

	for (i = 0; i < nm->n; i++)
		free(nm->v[i]);
	free(nm->v);
	free(nm->slots);
	memset(nm, 0, sizeof(*nm));
}

/**
 * mba_strip_sym() - a symbol without offset and GCC clone suffixes
 * @sym: "setup_arch+0x12", "foo.constprop.0", ...
 * @buf: output
 * @len: size of @buf
 *
 * Clone suffixes (".constprop.0", ".isra.0", ".part.0", ".cold") change
 * between builds of the same source, so they are not part of a caller.
 */
void mba_strip_sym(const char *sym, char *buf, size_t len)
{
	size_t n = strcspn(sym[0] ? sym + 1 : sym, ".+") + (sym[0] ? 1 : 0);

	if (n >= len)
		n = len - 1;
	memcpy(buf, sym, n);
	buf[n] = 0;
}

/**
 * mba_group_caller() - group an event by the function that called memblock
 * @c: capture
 * @ev: event
 * @buf: output (at least 24 bytes)
 * @len: size of @buf
 *
 * Return: @buf: the caller's function, else its address, else
 * "[unknown caller]".
 */
const char *mba_group_caller(const struct mb_capture *c, const struct mb_event *ev,
			     char *buf, size_t len)
{
	const char *s = mb_event_sym(c, ev);

	if (s && *s)
		mba_strip_sym(s, buf, len);
	else if (ev->rec.caller)
		snprintf(buf, len, "0x%" PRIx64, ev->rec.caller);
	else
		snprintf(buf, len, "[unknown caller]");
	return buf;
}

/**
 * mba_group_first_frame() - group an event by its first frame outside memblock
 * @c: capture
 * @ev: event (an element of c->events)
 * @buf: output
 * @len: size of @buf
 *
 * The caller chain's first function that is not memblock's own
 * (mb_event_frame_name() with frame -1); events without a chain answer with
 * their caller, as mba_group_caller() does.
 *
 * Return: @buf.
 */
const char *mba_group_first_frame(const struct mb_capture *c, const struct mb_event *ev,
				  char *buf, size_t len)
{
	const char *name = NULL;

	if (ev >= c->events && ev < c->events + c->nevents)
		name = mb_event_frame_name(c, (size_t)(ev - c->events), -1);
	if (name && *name) {
		mba_strip_sym(name, buf, len);
		return buf;
	}
	return mba_group_caller(c, ev, buf, len);
}

/**
 * mba_group_lookup() - the grouping function for @g
 * @g: grouping
 *
 * Return: a function for mba_owners_init().
 */
mba_group_fn mba_group_lookup(enum mba_group g)
{
	return g == MBA_GROUP_FRAME ? mba_group_first_frame : mba_group_caller;
}
