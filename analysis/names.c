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

/* One frame's function for a label: clone suffixes and offset dropped, else its address. */
static void frame_label(const struct mb_capture *c, const struct mb_frame *f, char *buf,
			size_t len)
{
	const char *name = mb_frame_name(c, f);

	if (name && *name)
		mba_strip_sym(name, buf, len);
	else
		snprintf(buf, len, "0x%" PRIx64, f->addr);
}

static size_t event_index(const struct mb_capture *c, const struct mb_event *ev)
{
	if (ev >= c->events && ev < c->events + c->nevents)
		return (size_t)(ev - c->events);
	return SIZE_MAX;
}

/**
 * mba_group_frame() - group an event by frame @n of its caller chain
 * @c: capture
 * @ev: event (an element of c->events)
 * @n: frame index: 0 is the caller, 1 the caller's caller, ...
 * @buf: output
 * @len: size of @buf
 *
 * A chain shorter than @n + 1 frames answers with its last (outermost)
 * frame; an event without a chain answers with its caller, as
 * mba_group_caller() does. An unsymbolised frame is its address.
 *
 * Return: @buf.
 */
const char *mba_group_frame(const struct mb_capture *c, const struct mb_event *ev,
			    unsigned int n, char *buf, size_t len)
{
	const struct mb_frame *f;
	unsigned int nf = mb_event_chain(c, event_index(c, ev), &f, NULL);

	if (!nf)
		return mba_group_caller(c, ev, buf, len);
	frame_label(c, &f[n < nf ? n : nf - 1], buf, len);
	return buf;
}

/**
 * mba_group_chain() - group an event by its caller chain
 * @c: capture
 * @ev: event (an element of c->events)
 * @depth: most frames in the label (0: MBA_CHAIN_DEPTH)
 * @buf: output
 * @len: size of @buf
 *
 * The frames from the first one outside memblock outwards, as function
 * names (no offsets, no clone suffixes: they move between builds) joined by
 * " < ", e.g. "alloc_node_data < numa_init < setup_arch < start_kernel".
 * The label ends at start_kernel (MBA_CHAIN_END): every early-boot chain
 * passes through it, and the frames beyond it are the architecture's entry
 * code, which differs between kernel versions and says nothing about the
 * caller. A chain cut at @depth frames, or at the size of @buf, ends with
 * " < ...". An event without a chain, or whose every frame is memblock's
 * own, answers with its caller, as mba_group_caller() does.
 *
 * Return: @buf.
 */
const char *mba_group_chain(const struct mb_capture *c, const struct mb_event *ev,
			    unsigned int depth, char *buf, size_t len)
{
	static const char more[] = " < ...";
	const struct mb_frame *f;
	unsigned int nf = mb_event_chain(c, event_index(c, ev), &f, NULL), i = 0, k = 0;
	size_t at = 0;

	if (!depth)
		depth = MBA_CHAIN_DEPTH;
	while (i < nf && mb_symbol_is_memblock(mb_frame_name(c, &f[i])))
		i++;
	if (i == nf || len < sizeof(more) + 2)
		return mba_group_caller(c, ev, buf, len);
	buf[0] = 0;
	for (; i < nf; i++, k++) {
		char one[MBA_GROUP_LABEL_MAX];
		size_t olen = len - sizeof(more) + 1, need, tail = i + 1 < nf ? sizeof(more) - 1 : 0;

		/* A frame alone always fits with the marker after it. */
		frame_label(c, &f[i], one, olen < sizeof(one) ? olen : sizeof(one));
		need = strlen(one) + (k ? 3 : 0);
		if (k == depth || at + need + tail >= len) {
			memcpy(buf + at, more, sizeof(more));
			return buf;
		}
		at += (size_t)snprintf(buf + at, len - at, "%s%s", k ? " < " : "", one);
		if (!strcmp(one, MBA_CHAIN_END))
			break;
	}
	return buf;
}

/**
 * mba_group_label() - the owner name of an event under grouping @g
 * @g: grouping (NULL: by caller)
 * @c: capture
 * @ev: event (an element of c->events)
 * @buf: output (MBA_GROUP_LABEL_MAX bytes suffice)
 * @len: size of @buf
 *
 * Return: @buf.
 */
const char *mba_group_label(const struct mba_group *g, const struct mb_capture *c,
			    const struct mb_event *ev, char *buf, size_t len)
{
	switch (g ? g->kind : MBA_GROUP_CALLER) {
	case MBA_GROUP_FRAME:
		return mba_group_first_frame(c, ev, buf, len);
	case MBA_GROUP_FRAME_N:
		return mba_group_frame(c, ev, g->n, buf, len);
	case MBA_GROUP_CHAIN:
		return mba_group_chain(c, ev, g->n, buf, len);
	default:
		return mba_group_caller(c, ev, buf, len);
	}
}

/* MBA_GROUP_NAMES spells out the ranges below. */
_Static_assert(MB_CHAIN_MAX == 16, "MBA_GROUP_NAMES states frame:N (0-15) and chain:N (1-16)");

/**
 * mba_group_parse() - parse a --group argument
 * @s: "caller", "frame", "frame:N" (N in 0..MB_CHAIN_MAX - 1), "chain" or
 *   "chain:N" (N in 1..MB_CHAIN_MAX)
 * @g: receives the grouping
 *
 * Return: 0, or -1 when @s is none of these (@g unchanged).
 */
int mba_group_parse(const char *s, struct mba_group *g)
{
	struct mba_group r = { MBA_GROUP_CALLER, 0 };
	const char *arg = strchr(s, ':');
	size_t n = arg ? (size_t)(arg - s) : strlen(s);
	unsigned long v = 0;
	char *end;

	if (arg) {
		arg++;
		if (*arg < '0' || *arg > '9')
			return -1;
		v = strtoul(arg, &end, 10);
		if (*end || end - arg > 2)
			return -1;
	}
	if (n == 6 && !strncmp(s, "caller", 6) && !arg) {
		r.kind = MBA_GROUP_CALLER;
	} else if (n == 5 && !strncmp(s, "frame", 5)) {
		r.kind = arg ? MBA_GROUP_FRAME_N : MBA_GROUP_FRAME;
		if (arg && v >= MB_CHAIN_MAX)
			return -1;
		r.n = (unsigned int)v;
	} else if (n == 5 && !strncmp(s, "chain", 5)) {
		r.kind = MBA_GROUP_CHAIN;
		if (arg && (!v || v > MB_CHAIN_MAX))
			return -1;
		r.n = arg ? (unsigned int)v : MBA_CHAIN_DEPTH;
	} else {
		return -1;
	}
	*g = r;
	return 0;
}
