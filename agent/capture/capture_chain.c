// SPDX-License-Identifier: GPL-2.0-only
/* capture_chain.c - caller chains of a capture: model, symbolising, the CHAINS section codec. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture_chain.h"
#include "mbagent/capture.h"

#define CHAIN_SECT_VERSION	1
#define CHAIN_FRAME_SIZE	24
#define CHAIN_HEAD_SIZE		24
#define CHAIN_REC_HEAD		16

static int grow_refs(struct mb_capture *c, size_t want, struct mb_error *err)
{
	struct mb_chain_ref *n;

	if (want <= c->nchains)
		return 0;
	n = realloc(c->chains, want * sizeof(*n));
	if (!n)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	memset(n + c->nchains, 0, (want - c->nchains) * sizeof(*n));
	c->chains = n;
	c->nchains = want;
	return 0;
}

/*
 * Frames are appended to one pool; a chain set twice leaves its old frames
 * unused in the pool (producers set each chain once).
 */
/* The pool's allocated length: the next power of two at or above @n, at least 64. */
static size_t pool_cap(size_t n)
{
	size_t cap = 64;

	while (cap < n)
		cap *= 2;
	return cap;
}

static int pool_take(struct mb_capture *c, unsigned int n, uint32_t *first,
		     struct mb_error *err)
{
	struct mb_frame *f;

	if (c->nframes + n > UINT32_MAX)
		return mb_error_set(err, MB_ERR_NOMEM, 0, 0, "too many chain frames");
	if (!c->frames || c->nframes + n > pool_cap(c->nframes)) {
		f = realloc(c->frames, pool_cap(c->nframes + n) * sizeof(*f));
		if (!f)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		c->frames = f;
	}
	*first = (uint32_t)c->nframes;
	c->nframes += n;
	return 0;
}

/**
 * mb_capture_set_chain_frames() - give event @ev a caller chain
 * @c: capture
 * @ev: event index, below @c->nevents
 * @frames: @n frames, frame 0 being the event's caller (copied)
 * @n: number of frames; more than MB_CHAIN_MAX are cut to MB_CHAIN_MAX;
 *   0 removes the chain
 * @method: enum mb_chain_method
 * @err: filled on failure
 *
 * A frame's @sym must be MB_NO_SYM or an index into @c->syms.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_capture_set_chain_frames(struct mb_capture *c, size_t ev, const struct mb_frame *frames,
				unsigned int n, unsigned int method, struct mb_error *err)
{
	uint32_t first = 0;
	unsigned int i;

	if (ev >= c->nevents)
		return mb_error_set(err, MB_ERR_INVAL, 0, 0,
				    "chain for event %zu of %zu", ev, c->nevents);
	if (n > MB_CHAIN_MAX)
		n = MB_CHAIN_MAX;
	for (i = 0; i < n; i++)
		if (frames[i].sym != MB_NO_SYM && frames[i].sym >= c->nsyms)
			return mb_error_set(err, MB_ERR_INVAL, 0, frames[i].addr,
					    "chain frame names symbol %u of %zu", frames[i].sym,
					    c->nsyms);
	if (grow_refs(c, ev + 1, err))
		return -1;
	if (n && pool_take(c, n, &first, err))
		return -1;
	if (n)
		memcpy(c->frames + first, frames, n * sizeof(*frames));
	c->chains[ev].first = first;
	c->chains[ev].n = (uint8_t)n;
	c->chains[ev].method = n ? (uint8_t)method : MB_CHAIN_NONE;
	return 0;
}

/**
 * mb_capture_set_chain() - give event @ev a chain of bare return addresses
 * @c: capture
 * @ev: event index
 * @addrs: @n return addresses, addrs[0] the event's caller
 * @n: number of addresses (cut to MB_CHAIN_MAX)
 * @method: enum mb_chain_method
 * @err: filled on failure
 *
 * The frames are left unsymbolised; see mb_capture_symbolize_chains().
 *
 * Return: 0, or -1 with @err set.
 */
int mb_capture_set_chain(struct mb_capture *c, size_t ev, const uint64_t *addrs, unsigned int n,
			 unsigned int method, struct mb_error *err)
{
	struct mb_frame f[MB_CHAIN_MAX];
	unsigned int i;

	if (n > MB_CHAIN_MAX)
		n = MB_CHAIN_MAX;
	for (i = 0; i < n; i++) {
		f[i].addr = addrs[i];
		f[i].sym = MB_NO_SYM;
		f[i].off = 0;
		f[i].len = 0;
	}
	return mb_capture_set_chain_frames(c, ev, f, n, method, err);
}

/**
 * mb_event_chain() - the caller chain of event @ev
 * @c: capture
 * @ev: event index
 * @frames: set to the first frame (NULL when there is none)
 * @method: if non-NULL, set to the enum mb_chain_method
 *
 * Return: the number of frames, 0 if the event has no chain.
 */
unsigned int mb_event_chain(const struct mb_capture *c, size_t ev, const struct mb_frame **frames,
			    unsigned int *method)
{
	const struct mb_chain_ref *r;

	*frames = NULL;
	if (method)
		*method = MB_CHAIN_NONE;
	if (!c || ev >= c->nchains || ev >= c->nevents)
		return 0;
	r = &c->chains[ev];
	if (!r->n || (size_t)r->first + r->n > c->nframes)
		return 0;
	*frames = c->frames + r->first;
	if (method)
		*method = r->method;
	return r->n;
}

/**
 * mb_capture_symbolize_chains() - fill sym/off/len of every unsymbolised frame
 * @c: capture
 * @fn: finds the function holding an address
 * @ctx: passed to @fn
 * @err: filled on failure (out of memory)
 *
 * Frames @fn cannot place keep MB_NO_SYM.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_capture_symbolize_chains(struct mb_capture *c, mb_symbolize_fn fn, void *ctx,
				struct mb_error *err)
{
	uint64_t start, len;
	const char *name;
	size_t i;

	for (i = 0; i < c->nframes; i++) {
		struct mb_frame *f = &c->frames[i];
		uint32_t s;

		if (f->sym != MB_NO_SYM)
			continue;
		if (fn(ctx, f->addr, &name, &start, &len) || !name || start > f->addr ||
		    f->addr - start > UINT32_MAX)
			continue;
		s = mb_capture_intern_sym(c, name);
		if (s == MB_NO_SYM)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		f->sym = s;
		f->off = (uint32_t)(f->addr - start);
		f->len = len > UINT32_MAX ? 0 : (uint32_t)len;
	}
	return 0;
}

/**
 * mb_frame_name() - symbol name of a frame
 * @c: capture
 * @f: a frame of @c
 *
 * Return: the name, or NULL when the frame is not symbolised.
 */
const char *mb_frame_name(const struct mb_capture *c, const struct mb_frame *f)
{
	if (!f || f->sym == MB_NO_SYM || f->sym >= c->nsyms)
		return NULL;
	return c->syms[f->sym];
}

/**
 * mb_frame_format() - "func+0xoff/0xlen" (as Linux's %pS), "func+0xoff" when
 *   the length is unknown, or "0xaddr" when unsymbolised
 * @c: capture
 * @f: a frame of @c
 * @buf: destination
 * @cap: its size
 *
 * Return: snprintf()'s result.
 */
int mb_frame_format(const struct mb_capture *c, const struct mb_frame *f, char *buf, size_t cap)
{
	const char *name = mb_frame_name(c, f);

	if (!name)
		return snprintf(buf, cap, "0x%" PRIx64, f->addr);
	if (!f->len)
		return snprintf(buf, cap, "%s+0x%" PRIx32, name, f->off);
	return snprintf(buf, cap, "%s+0x%" PRIx32 "/0x%" PRIx32, name, f->off, f->len);
}

/**
 * mb_symbol_is_memblock() - whether a function belongs to memblock itself
 * @name: function name
 *
 * Linux names every memblock function memblock_* or __memblock_*, plus the
 * range iterators __next_mem_range, __next_mem_range_rev and
 * __next_mem_pfn_range; our kernel's
 * memblock uses the same public names.
 *
 * Return: true for memblock's own functions.
 */
bool mb_symbol_is_memblock(const char *name)
{
	static const char *const prefixes[] = {
		"memblock_", "__memblock_", "__next_mem_range", "__next_mem_pfn_range",
	};
	size_t i;

	if (!name)
		return false;
	for (i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++)
		if (!strncmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	return false;
}

/**
 * mb_event_frame_name() - the function at one frame of an event's chain, for grouping
 * @c: capture
 * @ev: event index
 * @frame: 0 for the caller, 1 for the caller's caller, ...; -1 for the first
 *   frame whose function is not memblock's own (mb_symbol_is_memblock())
 *
 * Events without a chain (captures written before chains existed, console
 * imports) answer frame 0 and -1 with the event's caller symbol.
 *
 * Return: the symbol name, or NULL when that frame does not exist or is not
 * symbolised.
 */
const char *mb_event_frame_name(const struct mb_capture *c, size_t ev, int frame)
{
	const struct mb_frame *f;
	unsigned int n, i;

	if (!c || ev >= c->nevents || frame < -1)
		return NULL;
	n = mb_event_chain(c, ev, &f, NULL);
	if (!n) {
		if (frame > 0)
			return NULL;
		return mb_event_sym(c, &c->events[ev]);
	}
	if (frame >= 0)
		return (unsigned int)frame < n ? mb_frame_name(c, &f[frame]) : NULL;
	for (i = 0; i < n; i++) {
		const char *name = mb_frame_name(c, &f[i]);

		if (name && !mb_symbol_is_memblock(name))
			return name;
	}
	return NULL;
}

/**
 * mb_chain_method_name() - "orc", "fp", "kernel-fp", "one" or "none"
 * @method: enum mb_chain_method
 *
 * Return: a static string ("unknown" for other values).
 */
const char *mb_chain_method_name(unsigned int method)
{
	switch (method) {
	case MB_CHAIN_NONE:
		return "none";
	case MB_CHAIN_ORC:
		return "orc";
	case MB_CHAIN_FP:
		return "fp";
	case MB_CHAIN_KERNEL_FP:
		return "kernel-fp";
	case MB_CHAIN_ONE:
		return "one";
	default:
		return "unknown";
	}
}

/* ---- CHAINS section codec (docs/capture-format.md) ---- */

static void put32(uint8_t *p, uint32_t v)
{
	int i;

	for (i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/**
 * mb_chain_section_encode() - the CHAINS section payload of a capture
 * @c: capture
 * @out: set to a malloc'd payload, or NULL when no event has a chain
 * @out_len: set to its length
 *
 * Return: 0, or -1 when out of memory.
 */
int mb_chain_section_encode(const struct mb_capture *c, uint8_t **out, size_t *out_len)
{
	const struct mb_frame *f;
	size_t i, count = 0, len = CHAIN_HEAD_SIZE;
	unsigned int n, m, k;
	uint8_t *buf, *p;

	*out = NULL;
	*out_len = 0;
	for (i = 0; i < c->nevents; i++) {
		n = mb_event_chain(c, i, &f, NULL);
		if (n) {
			count++;
			len += CHAIN_REC_HEAD + (size_t)n * CHAIN_FRAME_SIZE;
		}
	}
	if (!count)
		return 0;
	buf = calloc(1, len);
	if (!buf)
		return -1;
	put32(buf, CHAIN_SECT_VERSION);
	put32(buf + 4, CHAIN_FRAME_SIZE);
	put32(buf + 8, MB_CHAIN_MAX);
	put64(buf + 16, count);
	p = buf + CHAIN_HEAD_SIZE;
	for (i = 0; i < c->nevents; i++) {
		n = mb_event_chain(c, i, &f, &m);
		if (!n)
			continue;
		put64(p, i);
		p[8] = (uint8_t)n;
		p[9] = (uint8_t)m;
		p += CHAIN_REC_HEAD;
		for (k = 0; k < n; k++, p += CHAIN_FRAME_SIZE) {
			put64(p, f[k].addr);
			put32(p + 8, f[k].sym);
			put32(p + 12, f[k].off);
			put32(p + 16, f[k].len);
		}
	}
	*out = buf;
	*out_len = len;
	return 0;
}

/**
 * mb_chain_section_decode() - read a CHAINS section payload into a capture
 * @c: capture whose events and symbols are already read
 * @data: the payload
 * @len: its length
 * @path: file name for messages
 * @err: filled on failure
 *
 * Every record is checked against the payload, the events and the symbols
 * before anything is allocated. A chain_version other than 1 is ignored.
 *
 * Return: 0, or -1 with @err set (MB_ERR_FORMAT, MB_ERR_NOMEM).
 */
int mb_chain_section_decode(struct mb_capture *c, const uint8_t *data, size_t len,
			    const char *path, struct mb_error *err)
{
	uint32_t version, fsize, maxf;
	uint64_t count, i, total = 0, prev = 0;
	const uint8_t *p;
	size_t left, k;

	if (len < CHAIN_HEAD_SIZE)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: malformed chain section", path);
	version = get32(data);
	if (version != CHAIN_SECT_VERSION)
		return 0;	/* a newer chain layout: ignored, as an unknown section */
	fsize = get32(data + 4);
	maxf = get32(data + 8);
	count = get64(data + 16);
	left = len - CHAIN_HEAD_SIZE;
	if (fsize < 20 || fsize > 256 || maxf > 255 || count > left / CHAIN_REC_HEAD ||
	    count > c->nevents)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: malformed chain section", path);
	/* First pass: check every record against the bytes and the events. */
	p = data + CHAIN_HEAD_SIZE;
	for (i = 0; i < count; i++) {
		uint64_t ev;
		unsigned int n;

		if (left < CHAIN_REC_HEAD)
			goto bad;
		ev = get64(p);
		n = p[8];
		if (ev >= c->nevents || (i && ev <= prev) || !n || n > MB_CHAIN_MAX ||
		    (size_t)n * fsize > left - CHAIN_REC_HEAD)
			goto bad;
		prev = ev;
		for (k = 0; k < n; k++) {
			uint32_t s = get32(p + CHAIN_REC_HEAD + k * fsize + 8);

			if (s != MB_NO_SYM && s >= c->nsyms)
				goto bad;
		}
		total += n;
		p += CHAIN_REC_HEAD + (size_t)n * fsize;
		left -= CHAIN_REC_HEAD + (size_t)n * fsize;
	}
	if (left)
		goto bad;
	if (!count)
		return 0;
	free(c->chains);
	free(c->frames);
	c->nchains = c->nframes = 0;
	c->chains = calloc(prev + 1, sizeof(*c->chains));
	c->frames = malloc(pool_cap(total) * sizeof(*c->frames));
	if (!c->chains || !c->frames) {
		free(c->chains);
		free(c->frames);
		c->chains = NULL;
		c->frames = NULL;
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	c->nchains = prev + 1;
	p = data + CHAIN_HEAD_SIZE;
	for (i = 0; i < count; i++) {
		uint64_t ev = get64(p);
		unsigned int n = p[8];

		c->chains[ev].first = (uint32_t)c->nframes;
		c->chains[ev].n = (uint8_t)n;
		c->chains[ev].method = p[9];
		p += CHAIN_REC_HEAD;
		for (k = 0; k < n; k++, p += fsize) {
			struct mb_frame *f = &c->frames[c->nframes++];

			f->addr = get64(p);
			f->sym = get32(p + 8);
			f->off = get32(p + 12);
			f->len = get32(p + 16);
		}
	}
	return 0;
bad:
	return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: malformed chain section (record %llu)",
			    path, (unsigned long long)i);
}

/**
 * mb_chain_free() - free a capture's chains and frames
 * @c: capture (its chain fields are left empty)
 */
void mb_chain_free(struct mb_capture *c)
{
	free(c->chains);
	free(c->frames);
	c->chains = NULL;
	c->frames = NULL;
	c->nchains = c->nframes = 0;
}
