/* SPDX-License-Identifier: GPL-2.0-only */
/* analysis.h - ownership of reserved memory by caller, caller names and colours. */
#ifndef MBANALYSIS_ANALYSIS_H
#define MBANALYSIS_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <mbagent/capture.h>

/* Owner 0 is always the initial state's: reserved before the log started. */
#define MBA_OWNER_INITIAL	0
#define MBA_INITIAL_NAME	"[initial state]"
/* Owner of the arrays memblock allocates for itself when it doubles one. */
#define MBA_ARRAY_OWNER		"memblock_double_array"
#define MBA_NO_OWNER		UINT32_MAX
/* Event index of bytes that come from the capture's initial state. */
#define MBA_EV_INITIAL		UINT64_MAX
#define MBA_MAX_ARRAYS		16

/* ---- caller names (names.c) ---- */

/**
 * struct mba_names - interned caller names; index = owner
 */
struct mba_names {
	char **v;
	size_t n;
	size_t cap;
	uint32_t *slots;	/* index + 1, open addressing */
	size_t nslots;
};

uint32_t mba_name_hash(const char *name);
uint32_t mba_names_get(struct mba_names *nm, const char *name);
uint32_t mba_names_find(const struct mba_names *nm, const char *name);
void mba_names_free(struct mba_names *nm);
void mba_strip_sym(const char *sym, char *buf, size_t len);

/*
 * Grouping of events into owners (names.c): by the calling function (the
 * default), by the first frame outside memblock, by frame N of the caller
 * chain, or by the chain itself (function names joined by " < ", from the
 * first frame outside memblock outwards to start_kernel, at most @n frames).
 */
enum mba_group_kind {
	MBA_GROUP_CALLER,
	MBA_GROUP_FRAME,
	MBA_GROUP_FRAME_N,
	MBA_GROUP_CHAIN,
};

/**
 * struct mba_group - how events are grouped into owners
 * @kind: enum mba_group_kind
 * @n: MBA_GROUP_FRAME_N: the frame (0: the caller); MBA_GROUP_CHAIN: the
 *   most frames in a label (0: MBA_CHAIN_DEPTH)
 *
 * All zero is grouping by caller.
 */
struct mba_group {
	enum mba_group_kind kind;
	unsigned int n;
};

#define MBA_CHAIN_DEPTH		4	/* frames in a chain label unless told */
#define MBA_CHAIN_END		"start_kernel"	/* a chain label's last frame */
#define MBA_GROUP_LABEL_MAX	256	/* a label's bytes, NUL included */
/* What mba_group_parse() accepts, for error messages (N's ranges follow MB_CHAIN_MAX). */
#define MBA_GROUP_NAMES		"caller, frame, frame:N (0-15), chain or chain:N (1-16)"

int mba_group_parse(const char *s, struct mba_group *g);
const char *mba_group_label(const struct mba_group *g, const struct mb_capture *c,
			    const struct mb_event *ev, char *buf, size_t len);
const char *mba_group_caller(const struct mb_capture *c, const struct mb_event *ev,
			     char *buf, size_t len);
const char *mba_group_first_frame(const struct mb_capture *c, const struct mb_event *ev,
				  char *buf, size_t len);
const char *mba_group_frame(const struct mb_capture *c, const struct mb_event *ev,
			    unsigned int n, char *buf, size_t len);
const char *mba_group_chain(const struct mb_capture *c, const struct mb_event *ev,
			    unsigned int depth, char *buf, size_t len);

/* ---- interval map (imap.c) ---- */

/**
 * struct mba_seg - the half-open range [@base, @end), held by @owner since
 * event @ev (MBA_EV_INITIAL for the initial state)
 */
struct mba_seg {
	uint64_t base;
	uint64_t end;
	uint64_t ev;
	uint32_t owner;
};

struct mba_node;

/**
 * struct mba_imap - disjoint ranges with owners in a treap: O(log n) per
 * paint/erase, per-owner byte totals kept on the fly
 * @n: live segments
 */
struct mba_imap {
	struct mba_node *nodes;
	size_t used;
	size_t cap;
	int32_t free_list;
	int32_t root;
	uint32_t seed;
	size_t n;
	uint64_t *total;
	size_t ntotal;
	bool oom;
};

void mba_imap_init(struct mba_imap *m);
void mba_imap_clear(struct mba_imap *m);
void mba_imap_free(struct mba_imap *m);
int mba_imap_paint(struct mba_imap *m, uint64_t base, uint64_t end, uint32_t owner,
		   uint64_t ev);
int mba_imap_erase(struct mba_imap *m, uint64_t base, uint64_t end);
uint64_t mba_imap_total(const struct mba_imap *m, uint32_t owner);
bool mba_imap_lookup(const struct mba_imap *m, uint64_t addr, struct mba_seg *out);
int mba_imap_flatten(const struct mba_imap *m, struct mba_seg **v, size_t *n);

/* ---- ownership replay (owners.c) ---- */

/**
 * struct mba_owners - replays a capture's events at byte level, keeping for
 * every reserved byte the caller (group) that reserved or allocated it
 * @cap: the capture (not owned)
 * @at: events applied
 * @memory: memory coverage (owner 0)
 * @reserved: reserved coverage by owner
 * @names: owner names; [0] is MBA_INITIAL_NAME
 * @group: how events are grouped into owners
 */
struct mba_owners {
	const struct mb_capture *cap;
	size_t at;
	struct mba_imap memory;
	struct mba_imap reserved;
	struct mba_names *names;
	bool own_names;
	struct mba_group group;
	uint32_t *sym_owner;
	uint32_t last_alloc_owner;
	uint64_t last_alloc_ev;
	uint64_t dbl_base[MBA_MAX_ARRAYS];
	size_t ndbl;
};

int mba_owners_init(struct mba_owners *o, const struct mb_capture *cap,
		    struct mba_names *shared, const struct mba_group *group);
void mba_owners_free(struct mba_owners *o);
int mba_owners_reset(struct mba_owners *o);
int mba_owners_step(struct mba_owners *o);
int mba_owners_seek(struct mba_owners *o, size_t at);
const char *mba_owner_name(const struct mba_owners *o, uint32_t owner);
uint32_t mba_event_owner(struct mba_owners *o, const struct mb_event *ev);
bool mba_is_alloc_op(unsigned int op);
bool mba_event_base(const struct mb_event *e, uint64_t *base);

/*
 * ---- ownership replays on the heap (handle.c) ----
 * For callers that cannot embed the structs: the Python module reaches
 * these through ctypes with opaque pointers.
 */
struct mb_error;
struct mba_names *mba_names_new(void);
void mba_names_destroy(struct mba_names *nm);
struct mba_owners *mba_owners_open(const struct mb_capture *cap, struct mba_names *shared,
				   const char *group, struct mb_error *err);
void mba_owners_close(struct mba_owners *o);
size_t mba_owners_count(const struct mba_owners *o);
uint64_t mba_owners_bytes(const struct mba_owners *o, uint32_t owner);
int mba_owners_ranges(const struct mba_owners *o, struct mba_seg **v, size_t *n);
void mba_free(void *p);

/* ---- caller colours (colour.c) ---- */

/**
 * struct mba_rgb - a colour; @fg_dark: draw text on it in black (else white)
 */
struct mba_rgb {
	uint8_t r, g, b;
	bool fg_dark;
};

struct mba_rgb mba_caller_colour(const char *name);
const char *mba_colour_hex(struct mba_rgb c, char *buf);
int mba_ansi256(struct mba_rgb c);

/* ---- aligned call sequences (align.c) ---- */

enum mba_ekind { MBA_EQUAL, MBA_CHANGED, MBA_INSERT, MBA_DELETE };

/**
 * struct mba_edit - one step of an alignment: @a and @b index the two key
 * sequences (SIZE_MAX when absent)
 */
struct mba_edit {
	uint8_t kind;
	size_t a, b;
};

/**
 * struct mba_script - an edit script; @truncated: the sequences were too
 * different to align within the cost cap, the middle is replaced wholesale
 */
struct mba_script {
	struct mba_edit *v;
	size_t n, cap;
	bool truncated;
};

int mba_align(const uint64_t *a, size_t n, const uint64_t *b, size_t m,
	      struct mba_script *out);

/* ---- sums that do not overflow (totals.c) ---- */

typedef __int128 mba_s128;
const char *mba_s128_str(mba_s128 v, char *buf, size_t len);

#endif /* MBANALYSIS_ANALYSIS_H */
