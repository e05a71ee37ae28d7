// SPDX-License-Identifier: GPL-2.0-only
/* capture.c - the capture model (events, states, symbols) and its file format. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "agent_internal.h"
#include "capture_chain.h"
#include "mbagent/capture.h"
#include "mbagent/outfile.h"
#include "uapi/mb_evlog.h"

/* On-disk layout: see docs/capture-format.md. */
#define CAP_MAGIC		"MBCAPTUR"
#define CAP_VERSION		1
#define CAP_HEADER_SIZE		64
#define CAP_ENTRY_SIZE		32
#define CAP_RECORD_SIZE		112
#define CAP_MAX_SECTIONS	4096

#define SECT_INFO		1
#define SECT_META		2
#define SECT_SYMS		3
#define SECT_STATE		4
#define SECT_EVENTS		5

#define SECTF_REQUIRED		0x1

#define STATE_INITIAL		0
#define STATE_FINAL		1
#define STATE_CHECKPOINT	2

#define STATEF_VALID		0x1
#define STATEF_BOTTOM_UP	0x2

#define IOBUF_SIZE		(1u << 16)

/* ---- symbol index (private, hangs off the capture) ---- */

struct sym_index {
	uint32_t *slots;	/* sym index + 1, 0 = empty */
	size_t nslots;
};

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ULL;

	while (*s) {
		h ^= (unsigned char)*s++;
		h *= 1099511628211ULL;
	}
	return h;
}

/*
 * Capacity of one of the capture's arrays.  @ptr is the array it was
 * measured for: an array allocated elsewhere (the reader sizes syms exactly)
 * counts as full.
 */
struct grow {
	const void *ptr;
	size_t cap;
};

/* Make room for element @n of *@arr, doubling the capacity when full. */
static int grow_array(struct grow *g, void **arr, size_t n, size_t elsz)
{
	size_t cap = g && *arr && g->ptr == *arr ? g->cap : n;
	void *p;

	if (n < cap)
		return 0;
	cap = cap < 8 ? 8 : cap;
	if (cap > SIZE_MAX / 2 / elsz)
		return -1;
	cap *= 2;
	p = realloc(*arr, cap * elsz);
	if (!p)
		return -1;
	*arr = p;
	if (g) {
		g->ptr = p;
		g->cap = cap;
	}
	return 0;
}

/*
 * The index is kept in a side table keyed by the capture pointer so that the
 * public struct stays as the contract defines it.  One table entry per live
 * capture; a handful at most.
 */
struct sym_owner {
	const struct mb_capture *c;
	struct sym_index idx;
	size_t ev_cap;		/* allocated length of c->events */
	struct grow syms, meta, checkpoints;
	struct sym_owner *next;
};

static struct sym_owner *sym_owners;

static struct sym_owner *owner_of(const struct mb_capture *c)
{
	struct sym_owner *o;

	for (o = sym_owners; o; o = o->next)
		if (o->c == c)
			return o;
	o = calloc(1, sizeof(*o));
	if (!o)
		return NULL;
	o->c = c;
	o->next = sym_owners;
	sym_owners = o;
	return o;
}

static struct sym_index *sym_index_of(const struct mb_capture *c, bool create)
{
	struct sym_owner *o = owner_of(c);

	return o ? &o->idx : NULL;
}

static void sym_index_drop(const struct mb_capture *c)
{
	struct sym_owner **pp, *o;

	for (pp = &sym_owners; (o = *pp); pp = &o->next) {
		if (o->c == c) {
			*pp = o->next;
			free(o->idx.slots);
			free(o);
			return;
		}
	}
}

static int sym_index_rebuild(struct mb_capture *c, struct sym_index *ix, size_t want)
{
	size_t n = 64, i;
	uint32_t *slots;

	while (n < want * 2)
		n *= 2;
	slots = calloc(n, sizeof(*slots));
	if (!slots)
		return -1;
	for (i = 0; i < c->nsyms; i++) {
		size_t h = str_hash(c->syms[i]) & (n - 1);

		while (slots[h])
			h = (h + 1) & (n - 1);
		slots[h] = (uint32_t)i + 1;
	}
	free(ix->slots);
	ix->slots = slots;
	ix->nslots = n;
	return 0;
}

/**
 * mb_capture_new() - allocate an empty capture
 *
 * Return: a zeroed capture with both states invalid, or NULL on ENOMEM.
 */
struct mb_capture *mb_capture_new(void)
{
	return calloc(1, sizeof(struct mb_capture));
}

/**
 * mb_state_clear() - free a state's region arrays and zero it
 * @st: state, may be NULL
 */
void mb_state_clear(struct mb_state *st)
{
	if (!st)
		return;
	free(st->memory.regions);
	free(st->reserved.regions);
	memset(st, 0, sizeof(*st));
}

/**
 * mb_array_init() - counts of an array and room for its regions
 * @a: the array (its old regions are not freed)
 * @cnt: regions in use; @a->regions gets room for that many (NULL for 0)
 * @max: capacity on the target
 * @total_size: as the target reported it
 *
 * Return: 0, or -1 when out of memory (@a->regions then NULL).
 */
int mb_array_init(struct mb_array *a, uint64_t cnt, uint64_t max, uint64_t total_size)
{
	a->cnt = cnt;
	a->max = max;
	a->total_size = total_size;
	a->regions = NULL;
	if (!cnt)
		return 0;
	if (cnt > SIZE_MAX / sizeof(*a->regions))
		return -1;
	a->regions = malloc(cnt * sizeof(*a->regions));
	return a->regions ? 0 : -1;
}

static int array_copy(struct mb_array *dst, const struct mb_array *src)
{
	if (mb_array_init(dst, src->cnt, src->max, src->total_size))
		return -1;
	if (src->cnt)
		memcpy(dst->regions, src->regions, src->cnt * sizeof(*dst->regions));
	return 0;
}

/**
 * mb_state_copy() - deep-copy a state
 * @dst: destination (overwritten, not freed first)
 * @src: source
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set (then @dst is cleared).
 */
int mb_state_copy(struct mb_state *dst, const struct mb_state *src, struct mb_error *err)
{
	*dst = *src;
	dst->memory.regions = NULL;
	dst->reserved.regions = NULL;
	if (array_copy(&dst->memory, &src->memory) ||
	    array_copy(&dst->reserved, &src->reserved)) {
		mb_state_clear(dst);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory copying a state");
	}
	return 0;
}

/**
 * mb_capture_free() - free a capture and everything it owns
 * @c: capture, may be NULL
 */
void mb_capture_free(struct mb_capture *c)
{
	size_t i;

	if (!c)
		return;
	sym_index_drop(c);
	mb_state_clear(&c->initial);
	mb_state_clear(&c->final);
	free(c->events);
	for (i = 0; i < c->nsyms; i++)
		free(c->syms[i]);
	free(c->syms);
	for (i = 0; i < c->nmeta; i++) {
		free(c->meta[i].key);
		free(c->meta[i].value);
	}
	free(c->meta);
	for (i = 0; i < c->ncheckpoints; i++)
		mb_state_clear(&c->checkpoints[i].state);
	free(c->checkpoints);
	mb_chain_free(c);
	free(c);
}

/**
 * mb_capture_intern_sym() - find or add a symbol name
 * @c: capture
 * @name: symbol name (copied)
 *
 * Return: the index of @name in @c->syms, or MB_NO_SYM on allocation failure.
 */
uint32_t mb_capture_intern_sym(struct mb_capture *c, const char *name)
{
	struct sym_index *ix = sym_index_of(c, true);
	size_t h;
	char **ns;
	char *dup;

	if (!ix || !name)
		return MB_NO_SYM;
	if (ix->nslots < (c->nsyms + 1) * 2 && sym_index_rebuild(c, ix, c->nsyms + 1))
		return MB_NO_SYM;
	h = str_hash(name) & (ix->nslots - 1);
	while (ix->slots[h]) {
		if (!strcmp(c->syms[ix->slots[h] - 1], name))
			return ix->slots[h] - 1;
		h = (h + 1) & (ix->nslots - 1);
	}
	if (c->nsyms >= UINT32_MAX - 1)
		return MB_NO_SYM;
	ns = c->syms;
	if (grow_array(&owner_of(c)->syms, (void **)&ns, c->nsyms, sizeof(*ns)))
		return MB_NO_SYM;
	c->syms = ns;
	dup = strdup(name);
	if (!dup)
		return MB_NO_SYM;
	c->syms[c->nsyms] = dup;
	ix->slots[h] = (uint32_t)c->nsyms + 1;
	return (uint32_t)c->nsyms++;
}

/**
 * mb_capture_set_meta() - set (or replace) a metadata pair
 * @c: capture
 * @key: key (copied)
 * @value: value (copied)
 *
 * Return: 0, or -1 on allocation failure.
 */
int mb_capture_set_meta(struct mb_capture *c, const char *key, const char *value)
{
	struct mb_meta *nm;
	char *k, *v;
	size_t i;

	v = strdup(value ? value : "");
	if (!v)
		return -1;
	for (i = 0; i < c->nmeta; i++) {
		if (!strcmp(c->meta[i].key, key)) {
			free(c->meta[i].value);
			c->meta[i].value = v;
			return 0;
		}
	}
	k = strdup(key);
	nm = c->meta;
	if (!k || !owner_of(c) ||
	    grow_array(&owner_of(c)->meta, (void **)&nm, c->nmeta, sizeof(*nm))) {
		free(k);
		free(v);
		return -1;
	}
	c->meta = nm;
	c->meta[c->nmeta].key = k;
	c->meta[c->nmeta].value = v;
	c->nmeta++;
	return 0;
}

/**
 * mb_capture_get_meta() - look up a metadata value
 * @c: capture
 * @key: key
 *
 * Return: the value, or NULL if @key is not set.
 */
const char *mb_capture_get_meta(const struct mb_capture *c, const char *key)
{
	size_t i;

	for (i = 0; i < c->nmeta; i++)
		if (!strcmp(c->meta[i].key, key))
			return c->meta[i].value;
	return NULL;
}


/**
 * mb_capture_reserve_events() - make room for @n more events
 * @c: capture
 * @n: events about to be added
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set.
 */
int mb_capture_reserve_events(struct mb_capture *c, size_t n, struct mb_error *err)
{
	struct sym_owner *o = owner_of(c);
	size_t want = c->nevents + n, cap;
	struct mb_event *ne;

	if (!o)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	if (want < c->nevents || want > SIZE_MAX / sizeof(*ne) / 2)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "too many events");
	if (c->events && want <= o->ev_cap)
		return 0;
	cap = o->ev_cap > 16 ? o->ev_cap : 16;
	while (cap < want)
		cap *= 2;
	ne = realloc(c->events, cap * sizeof(*ne));
	if (!ne)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0,
				    "out of memory for %zu events", want);
	c->events = ne;
	o->ev_cap = cap;
	return 0;
}

/**
 * mb_capture_add_event() - append a copy of an event
 * @c: capture
 * @ev: event
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set.
 */
int mb_capture_add_event(struct mb_capture *c, const struct mb_event *ev, struct mb_error *err)
{
	if (mb_capture_reserve_events(c, 1, err))
		return -1;
	c->events[c->nevents++] = *ev;
	return 0;
}

/**
 * mb_capture_add_checkpoint() - append an intermediate state
 * @c: capture
 * @at: number of events preceding the state
 * @st: the state (deep-copied)
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set.
 */
int mb_capture_add_checkpoint(struct mb_capture *c, uint64_t at, const struct mb_state *st,
			      struct mb_error *err)
{
	struct sym_owner *o = owner_of(c);
	struct mb_checkpoint *n = c->checkpoints;

	if (!o || grow_array(&o->checkpoints, (void **)&n, c->ncheckpoints, sizeof(*n)))
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	c->checkpoints = n;
	n[c->ncheckpoints].at = at;
	if (mb_state_copy(&n[c->ncheckpoints].state, st, err))
		return -1;
	c->ncheckpoints++;
	return 0;
}

static const char *const op_names[MB_OP__COUNT] = {
#define OPN(name, val, str) [val] = str,
	MB_EVLOG_OPS(OPN)
#undef OPN
};

/**
 * mb_op_name() - Linux function name of an operation
 * @op: enum mb_evlog_op
 *
 * Return: e.g. "memblock_add", or NULL for an unknown number.
 */
const char *mb_op_name(unsigned int op)
{
	return op < MB_OP__COUNT ? op_names[op] : NULL;
}

/**
 * mb_op_from_name() - operation number of a Linux function name
 * @name: e.g. "memblock_reserve"; the "memblock_" prefix may be omitted
 *
 * Return: the enum mb_evlog_op value, or MB_OP_NONE if unknown.
 */
unsigned int mb_op_from_name(const char *name)
{
	unsigned int i;

	for (i = 1; i < MB_OP__COUNT; i++) {
		if (!op_names[i])
			continue;
		if (!strcmp(op_names[i], name) || !strcmp(op_names[i] + 9, name))
			return i;
	}
	return MB_OP_NONE;
}

/**
 * mb_event_sym() - symbol name of an event's caller
 * @c: capture holding the symbol table
 * @ev: event
 *
 * Return: the name, or NULL if the caller is not symbolised.
 */
const char *mb_event_sym(const struct mb_capture *c, const struct mb_event *ev)
{
	if (ev->caller_sym == MB_NO_SYM || ev->caller_sym >= c->nsyms)
		return NULL;
	return c->syms[ev->caller_sym];
}

/* ---- little-endian encoding ---- */

static void put16(uint8_t *p, uint16_t v)
{
	p[0] = v;
	p[1] = v >> 8;
}

static void put32(uint8_t *p, uint32_t v)
{
	put16(p, v);
	put16(p + 2, v >> 16);
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static uint16_t get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static uint32_t get32(const uint8_t *p)
{
	return (uint32_t)get16(p) | (uint32_t)get16(p + 2) << 16;
}

static uint64_t get64(const uint8_t *p)
{
	return (uint64_t)get32(p) | (uint64_t)get32(p + 4) << 32;
}

/* ---- writer ---- */

struct wsect {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t length;
	uint32_t crc;
};

struct writer {
	int fd;
	uint8_t *buf;
	size_t used;
	uint64_t pos;		/* file offset of buf[0] + used */
	uint32_t file_crc;
	struct wsect *sects;
	size_t nsects;
	struct wsect *cur;
	int failed_errno;
	struct grow sects_cap;
	bool direct;		/* not seekable: keep everything in @buf */
	size_t cap;		/* size of @buf when @direct */
};

static int w_flush(struct writer *w)
{
	size_t off = 0;

	while (off < w->used) {
		ssize_t n = write(w->fd, w->buf + off, w->used - off);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			w->failed_errno = errno;
			return -1;
		}
		off += (size_t)n;
	}
	w->used = 0;
	return 0;
}

static int w_bytes(struct writer *w, const void *data, size_t len)
{
	const uint8_t *p = data;

	if (w->failed_errno)
		return -1;
	w->file_crc = crc32(w->file_crc, p, len);
	if (w->cur)
		w->cur->crc = crc32(w->cur->crc, p, len);
	w->pos += len;
	if (w->direct && w->used + len > w->cap) {
		size_t ncap = w->cap ? w->cap : IOBUF_SIZE;
		uint8_t *nb;

		while (ncap < w->used + len)
			ncap *= 2;
		nb = realloc(w->buf, ncap);
		if (!nb) {
			w->failed_errno = ENOMEM;
			return -1;
		}
		w->buf = nb;
		w->cap = ncap;
	}
	/* Direct: the buffer was grown to hold it all. Else flush when full. */
	while (len) {
		mb_fill_buf(w->buf, w->direct ? w->cap : IOBUF_SIZE, &w->used, &p, &len);
		if (w->used == IOBUF_SIZE && !w->direct && w_flush(w))
			return -1;
	}
	return 0;
}

static int w_u32(struct writer *w, uint32_t v)
{
	uint8_t b[4];

	put32(b, v);
	return w_bytes(w, b, 4);
}

static int w_u64(struct writer *w, uint64_t v)
{
	uint8_t b[8];

	put64(b, v);
	return w_bytes(w, b, 8);
}

static int w_str(struct writer *w, const char *s)
{
	size_t len = s ? strlen(s) : 0;

	if (len > UINT32_MAX)
		len = UINT32_MAX;
	w_u32(w, (uint32_t)len);
	return w_bytes(w, s, len);
}

static int w_begin(struct writer *w, uint32_t type, uint32_t flags)
{
	struct wsect *n = w->sects;

	if (grow_array(&w->sects_cap, (void **)&n, w->nsects, sizeof(*n))) {
		w->failed_errno = ENOMEM;
		return -1;
	}
	w->sects = n;
	w->cur = &n[w->nsects++];
	w->cur->type = type;
	w->cur->flags = flags;
	w->cur->offset = w->pos;
	w->cur->crc = crc32(0L, Z_NULL, 0);
	return 0;
}

static void w_end(struct writer *w)
{
	w->cur->length = w->pos - w->cur->offset;
	w->cur = NULL;
}

static void w_array(struct writer *w, const struct mb_array *a, bool valid)
{
	uint64_t i, cnt = valid && a->regions ? a->cnt : 0;
	uint8_t rec[24];

	w_u64(w, cnt);
	w_u64(w, a->max);
	w_u64(w, a->total_size);
	for (i = 0; i < cnt; i++) {
		put64(rec, a->regions[i].base);
		put64(rec + 8, a->regions[i].size);
		put32(rec + 16, a->regions[i].flags);
		put32(rec + 20, (uint32_t)a->regions[i].nid);
		w_bytes(w, rec, sizeof(rec));
	}
}

static void w_state(struct writer *w, uint32_t role, uint64_t at, const struct mb_state *st)
{
	uint32_t f = (st->valid ? STATEF_VALID : 0) | (st->bottom_up ? STATEF_BOTTOM_UP : 0);

	w_begin(w, SECT_STATE, 0);
	w_u32(w, role);
	w_u32(w, f);
	w_u64(w, at);
	w_u64(w, st->current_limit);
	w_array(w, &st->memory, st->valid);
	w_array(w, &st->reserved, st->valid);
	w_end(w);
}

static void encode_event(uint8_t *r, const struct mb_event *e)
{
	memset(r, 0, CAP_RECORD_SIZE);
	put64(r + 0, e->rec.seq);
	put64(r + 8, e->rec.tsc);
	put16(r + 16, e->rec.op);
	put16(r + 18, e->rec.rflags);
	put32(r + 20, (uint32_t)e->rec.nid);
	put64(r + 24, e->rec.base);
	put64(r + 32, e->rec.size);
	put64(r + 40, e->rec.align);
	put64(r + 48, e->rec.min_addr);
	put64(r + 56, e->rec.max_addr);
	put64(r + 64, e->rec.result);
	put64(r + 72, e->rec.caller);
	put32(r + 80, e->rec.mflags);
	put32(r + 84, e->rec.memory_cnt);
	put32(r + 88, e->rec.reserved_cnt);
	put16(r + 92, e->rec.depth);
	put32(r + 96, e->caller_sym);
	put32(r + 100, e->caller_off);
}

static void decode_event(struct mb_event *e, const uint8_t *r)
{
	e->rec.seq = get64(r + 0);
	e->rec.tsc = get64(r + 8);
	e->rec.op = get16(r + 16);
	e->rec.rflags = get16(r + 18);
	e->rec.nid = (int32_t)get32(r + 20);
	e->rec.base = get64(r + 24);
	e->rec.size = get64(r + 32);
	e->rec.align = get64(r + 40);
	e->rec.min_addr = get64(r + 48);
	e->rec.max_addr = get64(r + 56);
	e->rec.result = get64(r + 64);
	e->rec.caller = get64(r + 72);
	e->rec.mflags = get32(r + 80);
	e->rec.memory_cnt = get32(r + 84);
	e->rec.reserved_cnt = get32(r + 88);
	e->rec.depth = get16(r + 92);
	e->caller_sym = get32(r + 96);
	e->caller_off = get32(r + 100);
}

/* The optional CHAINS section, only when some event has a chain. */
static void w_chains(struct writer *w, const struct mb_capture *c)
{
	uint8_t *buf;
	size_t len;

	if (w->failed_errno)
		return;
	if (mb_chain_section_encode(c, &buf, &len)) {
		w->failed_errno = ENOMEM;
		return;
	}
	if (!buf)
		return;
	w_begin(w, MB_SECT_CHAINS, 0);
	w_bytes(w, buf, len);
	w_end(w);
	free(buf);
}

static void w_body(struct writer *w, const struct mb_capture *c)
{
	uint8_t rec[CAP_RECORD_SIZE];
	size_t i;

	w_begin(w, SECT_INFO, SECTF_REQUIRED);
	w_u32(w, c->source);
	w_u32(w, c->boot_state);
	w_u64(w, c->log_capacity);
	w_u64(w, c->log_written);
	w_u64(w, c->log_dropped);
	w_u32(w, c->build_id_len > 32 ? 32 : c->build_id_len);
	w_bytes(w, c->build_id, 32);
	w_u32(w, 0);
	w_end(w);

	w_begin(w, SECT_META, 0);
	w_u32(w, (uint32_t)c->nmeta);
	for (i = 0; i < c->nmeta; i++) {
		w_str(w, c->meta[i].key);
		w_str(w, c->meta[i].value);
	}
	w_end(w);

	w_begin(w, SECT_SYMS, SECTF_REQUIRED);
	w_u32(w, (uint32_t)c->nsyms);
	for (i = 0; i < c->nsyms; i++)
		w_str(w, c->syms[i]);
	w_end(w);

	w_state(w, STATE_INITIAL, 0, &c->initial);
	w_state(w, STATE_FINAL, c->nevents, &c->final);
	for (i = 0; i < c->ncheckpoints; i++)
		w_state(w, STATE_CHECKPOINT, c->checkpoints[i].at, &c->checkpoints[i].state);

	w_begin(w, SECT_EVENTS, SECTF_REQUIRED);
	w_u32(w, CAP_RECORD_SIZE);
	w_u32(w, 0);
	w_u64(w, c->nevents);
	for (i = 0; i < c->nevents && !w->failed_errno; i++) {
		encode_event(rec, &c->events[i]);
		w_bytes(w, rec, sizeof(rec));
	}
	w_end(w);

	w_chains(w, c);
}

/**
 * mb_capture_write() - write a capture file atomically
 * @c: capture
 * @path: destination (see mb_outfile_open()): a regular file is replaced
 *   by rename once the new one is complete and fsync'ed (mode 0666 minus the
 *   umask); a FIFO or character device is written in place, never replaced
 * @err: filled on failure (no temporary file is left behind)
 *
 * Return: 0, or -1 with @err set.
 */
int mb_capture_write(const struct mb_capture *c, const char *path, struct mb_error *err)
{
	struct writer w = { .fd = -1 };
	struct mb_outfile out;
	uint8_t hdr[CAP_HEADER_SIZE];
	uint64_t table_off;
	size_t i;
	int rc = -1;

	w.buf = malloc(IOBUF_SIZE);
	if (!w.buf)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	if (mb_outfile_open(&out, path, err)) {
		free(w.buf);
		return -1;
	}
	w.fd = out.fd;
	w.file_crc = crc32(0L, Z_NULL, 0);
	memset(hdr, 0, sizeof(hdr));
	/*
	 * The header comes last (it holds the table offset and CRCs): a
	 * seekable file gets a placeholder, patched at the end; a FIFO or
	 * device gets the whole file assembled in memory first.
	 */
	w.direct = out.direct;
	w.cap = IOBUF_SIZE;
	memcpy(w.buf, hdr, sizeof(hdr));
	w.used = sizeof(hdr);
	w.pos = sizeof(hdr);

	w_body(&w, c);
	table_off = w.pos;
	for (i = 0; i < w.nsects; i++) {
		w_u32(&w, w.sects[i].type);
		w_u32(&w, w.sects[i].flags);
		w_u64(&w, w.sects[i].offset);
		w_u64(&w, w.sects[i].length);
		w_u32(&w, w.sects[i].crc);
		w_u32(&w, 0);
	}
	memcpy(hdr, CAP_MAGIC, 8);
	put32(hdr + 8, CAP_VERSION);
	put32(hdr + 12, CAP_HEADER_SIZE);
	put64(hdr + 16, w.pos);
	put64(hdr + 24, table_off);
	put32(hdr + 32, (uint32_t)w.nsects);
	put32(hdr + 36, CAP_ENTRY_SIZE);
	put32(hdr + 40, w.file_crc);
	put32(hdr + 44, 0);
	put32(hdr + 60, crc32(crc32(0L, Z_NULL, 0), hdr, 60));
	if (w.direct && !w.failed_errno)
		memcpy(w.buf, hdr, sizeof(hdr));
	if (w.failed_errno || w_flush(&w)) {
		mb_error_set(err, w.failed_errno == ENOMEM ? MB_ERR_NOMEM : MB_ERR_IO,
			     w.failed_errno, 0, "%s: write: %s", path, strerror(w.failed_errno));
		goto out;
	}
	if (!w.direct && pwrite(w.fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr)) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: write: %s", path, strerror(errno));
		goto out;
	}
	rc = mb_outfile_commit(&out, err);
out:
	if (rc)
		mb_outfile_abort(&out);
	free(w.buf);
	free(w.sects);
	return rc;
}

/* ---- reader ---- */

struct rsect {
	uint32_t type;
	uint32_t flags;
	uint64_t offset;
	uint64_t length;
	uint32_t crc;
};

/* A bounded cursor over one section's bytes. */
static int malformed(struct mb_error *err, const char *path, const char *section)
{
	return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: malformed %s section", path, section);
}

struct cursor {
	const uint8_t *p;
	size_t left;
	bool bad;
};

static const uint8_t *cur_take(struct cursor *cu, size_t n)
{
	const uint8_t *p = cu->p;

	if (cu->bad || n > cu->left) {
		cu->bad = true;
		return NULL;
	}
	cu->p += n;
	cu->left -= n;
	return p;
}

static uint32_t cur_u32(struct cursor *cu)
{
	const uint8_t *p = cur_take(cu, 4);

	return p ? get32(p) : 0;
}

static uint64_t cur_u64(struct cursor *cu)
{
	const uint8_t *p = cur_take(cu, 8);

	return p ? get64(p) : 0;
}

static char *cur_str(struct cursor *cu)
{
	uint32_t len = cur_u32(cu);
	const uint8_t *p = cur_take(cu, len);
	char *s;

	if (!p)
		return NULL;
	if (memchr(p, 0, len)) {
		cu->bad = true;
		return NULL;
	}
	s = malloc((size_t)len + 1);
	if (!s) {
		cu->bad = true;
		return NULL;
	}
	memcpy(s, p, len);
	s[len] = 0;
	return s;
}

static int read_at(int fd, void *buf, size_t len, uint64_t off, const char *path,
		   struct mb_error *err)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, (uint8_t *)buf + done, len - done, (off_t)(off + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: read: %s", path,
					    strerror(errno));
		if (n == 0)
			return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
					    "%s: truncated capture file", path);
		done += (size_t)n;
	}
	return 0;
}

static int parse_array(struct cursor *cu, struct mb_array *a)
{
	uint64_t i;

	a->cnt = cur_u64(cu);
	a->max = cur_u64(cu);
	a->total_size = cur_u64(cu);
	if (cu->bad || a->cnt > cu->left / 24)
		return -1;
	if (!a->cnt)
		return 0;
	a->regions = malloc(a->cnt * sizeof(*a->regions));
	if (!a->regions)
		return -1;
	for (i = 0; i < a->cnt; i++) {
		const uint8_t *p = cur_take(cu, 24);

		a->regions[i].base = get64(p);
		a->regions[i].size = get64(p + 8);
		a->regions[i].flags = get32(p + 16);
		a->regions[i].nid = (int32_t)get32(p + 20);
	}
	return 0;
}

static int parse_state(struct mb_capture *c, struct cursor *cu, const char *path,
		       struct mb_error *err)
{
	struct mb_state st;
	uint32_t role, f;
	uint64_t at;

	memset(&st, 0, sizeof(st));
	role = cur_u32(cu);
	f = cur_u32(cu);
	at = cur_u64(cu);
	st.current_limit = cur_u64(cu);
	st.valid = f & STATEF_VALID;
	st.bottom_up = f & STATEF_BOTTOM_UP;
	if (cu->bad || parse_array(cu, &st.memory) || parse_array(cu, &st.reserved)) {
		mb_state_clear(&st);
		return malformed(err, path, "state");
	}
	switch (role) {
	case STATE_INITIAL:
		mb_state_clear(&c->initial);
		c->initial = st;
		return 0;
	case STATE_FINAL:
		mb_state_clear(&c->final);
		c->final = st;
		return 0;
	case STATE_CHECKPOINT: {
		struct sym_owner *o = owner_of(c);
		struct mb_checkpoint *n = c->checkpoints;

		if (!o || grow_array(&o->checkpoints, (void **)&n, c->ncheckpoints,
				     sizeof(*n))) {
			mb_state_clear(&st);
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		}
		c->checkpoints = n;
		n[c->ncheckpoints].at = at;
		n[c->ncheckpoints].state = st;
		c->ncheckpoints++;
		return 0;
	}
	default:
		/* A newer kind of state: skip it. */
		mb_state_clear(&st);
		return 0;
	}
}

static int parse_info(struct mb_capture *c, struct cursor *cu, const char *path,
		      struct mb_error *err)
{
	c->source = cur_u32(cu);
	c->boot_state = cur_u32(cu);
	c->log_capacity = cur_u64(cu);
	c->log_written = cur_u64(cu);
	c->log_dropped = cur_u64(cu);
	c->build_id_len = cur_u32(cu);
	if (!cu->bad && cu->left >= 32)
		memcpy(c->build_id, cur_take(cu, 32), 32);
	else
		cu->bad = true;
	if (cu->bad || c->build_id_len > 32)
		return malformed(err, path, "info");
	return 0;
}

/*
 * A list section: a u32 count, then @per strings an entry (each string at
 * least its 4-byte length). On success *@out holds the count * @per strings
 * (malloc'd, never NULL) and *@n the count.
 */
static int cur_strings(struct cursor *cu, unsigned int per, char ***out, uint32_t *n,
		       const char *path, const char *section, struct mb_error *err)
{
	size_t i, total;
	char **v;

	*n = cur_u32(cu);
	if (*n > cu->left / (4 * per))
		return malformed(err, path, section);
	total = (size_t)*n * per;
	v = calloc(total ? total : 1, sizeof(*v));
	if (!v)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	for (i = 0; i < total; i++) {
		v[i] = cur_str(cu);
		if (!v[i]) {
			while (i)
				free(v[--i]);
			free(v);
			return malformed(err, path, section);
		}
	}
	*out = v;
	return 0;
}

static int parse_meta(struct mb_capture *c, struct cursor *cu, const char *path,
		      struct mb_error *err)
{
	char **kv;
	uint32_t n, i;
	int rc = 0;

	if (cur_strings(cu, 2, &kv, &n, path, "metadata", err))
		return -1;
	for (i = 0; i < n && !rc; i++)
		if (mb_capture_set_meta(c, kv[2 * i], kv[2 * i + 1]))
			rc = malformed(err, path, "metadata");
	for (i = 0; i < 2 * n; i++)
		free(kv[i]);
	free(kv);
	return rc;
}

static int parse_syms(struct mb_capture *c, struct cursor *cu, const char *path,
		      struct mb_error *err)
{
	uint32_t n;

	if (cur_strings(cu, 1, &c->syms, &n, path, "symbol", err))
		return -1;
	c->nsyms = n;
	return 0;
}

static int parse_small(struct mb_capture *c, const struct rsect *s, const uint8_t *data,
		       const char *path, struct mb_error *err)
{
	struct cursor cu = { data, (size_t)s->length, false };

	switch (s->type) {
	case SECT_INFO:
		return parse_info(c, &cu, path, err);
	case SECT_META:
		return parse_meta(c, &cu, path, err);
	case SECT_SYMS:
		return parse_syms(c, &cu, path, err);
	case SECT_STATE:
		return parse_state(c, &cu, path, err);
	}
	return 0;
}

static int read_events(struct mb_capture *c, int fd, const struct rsect *s, const char *path,
		       struct mb_error *err)
{
	uint8_t head[16], *buf;
	uint32_t rsize;
	uint64_t count, off, i, left;
	uint32_t crc;
	size_t per, chunk;

	if (s->length < 16)
		return malformed(err, path, "event");
	if (read_at(fd, head, 16, s->offset, path, err))
		return -1;
	crc = crc32(crc32(0L, Z_NULL, 0), head, 16);
	rsize = get32(head);
	count = get64(head + 8);
	if (rsize < 104 || rsize > 4096 || count > (s->length - 16) / rsize ||
	    count * rsize != s->length - 16)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "%s: malformed event section (record size %u, %llu records in %llu bytes)",
				    path, rsize, (unsigned long long)count,
				    (unsigned long long)s->length);
	if (count > SIZE_MAX / sizeof(struct mb_event))
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "too many events");
	if (mb_capture_reserve_events(c, count ? (size_t)count : 1, err))
		return -1;
	per = IOBUF_SIZE / rsize;
	buf = malloc(per * rsize);
	if (!buf)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	off = s->offset + 16;
	for (i = 0, left = count; left; left -= chunk) {
		size_t k;

		chunk = left < per ? (size_t)left : per;
		if (read_at(fd, buf, chunk * rsize, off, path, err)) {
			free(buf);
			return -1;
		}
		crc = crc32(crc, buf, (uInt)(chunk * rsize));
		off += chunk * rsize;
		for (k = 0; k < chunk; k++, i++) {
			struct mb_event *e = &c->events[i];

			decode_event(e, buf + k * rsize);
			if (e->caller_sym != MB_NO_SYM && e->caller_sym >= c->nsyms) {
				free(buf);
				c->nevents = i;
				return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
						    "%s: event %llu names symbol %u of %zu", path,
						    (unsigned long long)i, e->caller_sym, c->nsyms);
			}
		}
		c->nevents = i;
	}
	free(buf);
	if (crc != s->crc)
		return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
				    "%s: checksum mismatch in event section", path);
	return 0;
}

static int read_file_body(struct mb_capture *c, int fd, const char *path, uint64_t fsize,
			  struct mb_error *err)
{
	uint8_t hdr[CAP_HEADER_SIZE], *buf = NULL, *table = NULL;
	uint64_t file_size, table_off, off;
	uint32_t nsect, esize, fcrc, crc;
	struct rsect *sects = NULL;
	int rc = -1;
	uint32_t i;

	if (fsize < CAP_HEADER_SIZE) {
		if (fsize >= 8 && read_at(fd, hdr, 8, 0, path, err) == 0 &&
		    !memcmp(hdr, CAP_MAGIC, 8))
			return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
					    "%s: truncated capture file (%llu bytes)", path,
					    (unsigned long long)fsize);
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: not a capture file", path);
	}
	if (read_at(fd, hdr, sizeof(hdr), 0, path, err))
		return -1;
	if (memcmp(hdr, CAP_MAGIC, 8))
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "%s: not a capture file (bad magic)", path);
	if (get32(hdr + 60) != crc32(crc32(0L, Z_NULL, 0), hdr, 60))
		return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
				    "%s: corrupt capture file (header checksum mismatch)", path);
	if (get32(hdr + 8) != CAP_VERSION)
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "%s: capture format version %u is not supported (this build reads %d)",
				    path, get32(hdr + 8), CAP_VERSION);
	file_size = get64(hdr + 16);
	table_off = get64(hdr + 24);
	nsect = get32(hdr + 32);
	esize = get32(hdr + 36);
	fcrc = get32(hdr + 40);
	if (file_size > fsize)
		return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
				    "%s: truncated capture file (%llu of %llu bytes)", path,
				    (unsigned long long)fsize, (unsigned long long)file_size);
	if (file_size < fsize)
		return mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
				    "%s: corrupt capture file (%llu trailing bytes)", path,
				    (unsigned long long)(fsize - file_size));
	if (get32(hdr + 12) != CAP_HEADER_SIZE || esize < 28 || esize > 256 ||
	    nsect > CAP_MAX_SECTIONS || table_off < CAP_HEADER_SIZE || table_off > file_size ||
	    (uint64_t)nsect * esize != file_size - table_off)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "%s: malformed capture header", path);

	/* Whole-file checksum, streamed. */
	buf = malloc(IOBUF_SIZE);
	if (!buf)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	crc = crc32(0L, Z_NULL, 0);
	for (off = CAP_HEADER_SIZE; off < file_size;) {
		size_t n = file_size - off < IOBUF_SIZE ? (size_t)(file_size - off) : IOBUF_SIZE;

		if (read_at(fd, buf, n, off, path, err))
			goto out;
		crc = crc32(crc, buf, (uInt)n);
		off += n;
	}
	if (crc != fcrc) {
		mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
			     "%s: corrupt capture file (file checksum mismatch)", path);
		goto out;
	}

	table = malloc((size_t)nsect * esize + 1);
	sects = calloc(nsect + 1, sizeof(*sects));
	if (!table || !sects) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		goto out;
	}
	if (read_at(fd, table, (size_t)nsect * esize, table_off, path, err))
		goto out;
	for (i = 0; i < nsect; i++) {
		const uint8_t *e = table + (size_t)i * esize;

		sects[i].type = get32(e);
		sects[i].flags = get32(e + 4);
		sects[i].offset = get64(e + 8);
		sects[i].length = get64(e + 16);
		sects[i].crc = get32(e + 24);
		if (sects[i].offset < CAP_HEADER_SIZE || sects[i].offset > table_off ||
		    sects[i].length > table_off - sects[i].offset) {
			mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				     "%s: section %u lies outside the file", path, i);
			goto out;
		}
		if (sects[i].type < SECT_INFO || sects[i].type > MB_SECT_CHAINS) {
			if (sects[i].flags & SECTF_REQUIRED) {
				mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
					     "%s: required section type %u is not supported",
					     path, sects[i].type);
				goto out;
			}
		}
	}
	/*
	 * Order of parsing: info, meta, syms, states, events (they refer to
	 * syms), then chains (they refer to events and syms).
	 */
	{
		static const uint32_t order[] = { SECT_INFO, SECT_META, SECT_SYMS, SECT_STATE,
						  SECT_EVENTS, MB_SECT_CHAINS };
		bool have[MB_SECT_CHAINS + 1] = { false };
		size_t k;

		for (k = 0; k < sizeof(order) / sizeof(order[0]); k++) {
			for (i = 0; i < nsect; i++) {
				uint8_t *data;

				if (sects[i].type != order[k])
					continue;
				if (have[order[k]] && order[k] != SECT_STATE) {
					mb_error_set(err, MB_ERR_FORMAT, 0, 0,
						     "%s: duplicate section type %u", path,
						     order[k]);
					goto out;
				}
				have[order[k]] = true;
				if (order[k] == SECT_EVENTS) {
					if (read_events(c, fd, &sects[i], path, err))
						goto out;
					continue;
				}
				data = malloc((size_t)sects[i].length + 1);
				if (!data) {
					mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
					goto out;
				}
				if (read_at(fd, data, (size_t)sects[i].length, sects[i].offset,
					    path, err)) {
					free(data);
					goto out;
				}
				if (crc32(crc32(0L, Z_NULL, 0), data, (uInt)sects[i].length) !=
				    sects[i].crc) {
					free(data);
					mb_error_set(err, MB_ERR_CORRUPT, 0, 0,
						     "%s: checksum mismatch in section %u", path, i);
					goto out;
				}
				if (order[k] == MB_SECT_CHAINS ?
				    mb_chain_section_decode(c, data, (size_t)sects[i].length,
							    path, err) :
				    parse_small(c, &sects[i], data, path, err)) {
					free(data);
					goto out;
				}
				free(data);
			}
		}
		if (!have[SECT_INFO] || !have[SECT_EVENTS] || !have[SECT_SYMS]) {
			mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				     "%s: capture lacks a required section", path);
			goto out;
		}
	}
	for (i = 1; i < c->ncheckpoints; i++) {
		if (c->checkpoints[i].at < c->checkpoints[i - 1].at) {
			mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				     "%s: checkpoints out of order", path);
			goto out;
		}
	}
	if (c->ncheckpoints && c->checkpoints[c->ncheckpoints - 1].at > c->nevents) {
		mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: checkpoint beyond the last event",
			     path);
		goto out;
	}
	rc = 0;
out:
	free(buf);
	free(table);
	free(sects);
	return rc;
}

/**
 * mb_capture_read() - read and validate a capture file
 * @path: file name
 * @err: filled on failure: MB_ERR_IO/NOTFOUND (cannot open), MB_ERR_FORMAT
 *   (not a capture, malformed), MB_ERR_CORRUPT (checksum, truncation),
 *   MB_ERR_UNSUPPORTED (newer major version or unknown required section)
 *
 * Every count is checked against the bytes that hold it before anything is
 * allocated, so a hostile file cannot make the reader allocate more than a
 * small multiple of its own size.
 *
 * Return: a new capture, or NULL with @err set.
 */
struct mb_capture *mb_capture_read(const char *path, struct mb_error *err)
{
	struct mb_capture *c;
	struct stat st;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		mb_error_set(err, errno == ENOENT ? MB_ERR_NOTFOUND : MB_ERR_IO, errno, 0,
			     "%s: %s", path, strerror(errno));
		return NULL;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		mb_error_set(err, MB_ERR_IO, errno ? errno : EINVAL, 0, "%s: not a regular file",
			     path);
		close(fd);
		return NULL;
	}
	c = mb_capture_new();
	if (!c) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		close(fd);
		return NULL;
	}
	if (read_file_body(c, fd, path, (uint64_t)st.st_size, err)) {
		mb_capture_free(c);
		c = NULL;
	}
	close(fd);
	return c;
}
