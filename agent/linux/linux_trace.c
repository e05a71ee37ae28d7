// SPDX-License-Identifier: GPL-2.0-only
/* linux_trace.c - record every memblock call of a stock Linux boot through QEMU's gdbstub. */
#define _GNU_SOURCE
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "agent_internal.h"
#include "mb_evlog.h"
#include "mbagent/linux_trace.h"
#include "mbagent/import.h"
#include "mbagent/orc.h"

/*
 * How it works. QEMU's TCG gdbstub keeps its breakpoints in a list checked
 * by virtual PC before a block of guest code is looked up or translated; it
 * never patches guest memory. So breakpoints at the kernel's (virtual)
 * entry points can be inserted while QEMU waits at -S, before the
 * decompressor has even written the kernel: the first stop is memblock's
 * first call.
 *
 * At an entry stop the registers are read with one 'g' (the System V
 * arguments are rdi, rsi, rdx, rcx, r8, r9), together with struct memblock
 * in the same batch; then the top of the stack (the return address and the
 * caller frames). A breakpoint at the return address, held while a call
 * returns there, gives the result (rax) and the counts after the call; a
 * return stop belongs to the pending call whose stack pointer it restores
 * (entry rsp + 8), so nested and tail calls pair up correctly.
 *
 * What a stop costs: QEMU 7.2 throws away all translated code at every
 * debug stop (a single step's included), so the guest code that runs next
 * is translated again; the round trips are small beside that. So a stop
 * does its breakpoint changes and the continue in one pipelined batch and
 * leaves its breakpoint without a single step (see leave_stop()). The same
 * flush makes it safe to insert a breakpoint at a stop: no translated block
 * can jump past it.
 *
 * Events are appended when a call returns, as our kernel's log does, so a
 * nested call (an allocation's reserve) comes before its outer call; depth
 * is the number of traced calls pending at entry.
 */

#define MAX_PARAMS	6
#define MAX_PENDING	64
#define MAX_RET_SITES	65536
#define REPLY_CAP	16384
#define PAGE_SZ		4096ull
#define BPQ_MAX		64

/* The System V AMD64 argument registers, as indices into the 'g' packet. */
static const int arg_regs[MAX_PARAMS] = { 5, 4, 3, 2, 8, 9 };	/* rdi rsi rdx rcx r8 r9 */
#define REG_RAX	0
#define REG_RBP	6
#define REG_RSP	7
#define REG_RIP	16

/*
 * Entry points. @params is used when the image's BTF has no prototype for
 * the function; @ret says how to read the result: 'v' nothing, 'i' int
 * (0 or -errno), 'p' physical address, 'V' kernel pointer (direct map).
 */
static const struct entry_def {
	const char *name;
	unsigned int op;
	const char *params;
	char ret;
} defs[] = {
	{ "memblock_add", MB_OP_ADD, "base,size", 'i' },
	{ "memblock_add_node", MB_OP_ADD_NODE, "base,size,nid,flags", 'i' },
	{ "memblock_remove", MB_OP_REMOVE, "base,size", 'i' },
	{ "memblock_reserve", MB_OP_RESERVE, "base,size", 'i' },
	{ "memblock_phys_free", MB_OP_PHYS_FREE, "base,size", 'i' },
	{ "memblock_free", MB_OP_FREE, "ptr,size", 'v' },
	{ "memblock_mark_hotplug", MB_OP_MARK_HOTPLUG, "base,size", 'i' },
	{ "memblock_clear_hotplug", MB_OP_CLEAR_HOTPLUG, "base,size", 'i' },
	{ "memblock_mark_mirror", MB_OP_MARK_MIRROR, "base,size", 'i' },
	{ "memblock_mark_nomap", MB_OP_MARK_NOMAP, "base,size", 'i' },
	{ "memblock_clear_nomap", MB_OP_CLEAR_NOMAP, "base,size", 'i' },
	{ "memblock_reserved_mark_noinit", MB_OP_RESERVED_MARK_NOINIT, "base,size", 'i' },
	{ "memblock_set_node", MB_OP_SET_NODE, "base,size,type,nid", 'i' },
	{ "memblock_allow_resize", MB_OP_ALLOW_RESIZE, "", 'v' },
	{ "memblock_set_current_limit", MB_OP_SET_CURRENT_LIMIT, "limit", 'v' },
	{ "memblock_set_bottom_up", MB_OP_SET_BOTTOM_UP, "enable", 'v' },
	{ "memblock_double_array", MB_OP_DOUBLE_ARRAY, "type,new_area_start,new_area_size", 'i' },
	{ "memblock_phys_alloc_range", MB_OP_PHYS_ALLOC_RANGE, "size,align,start,end", 'p' },
	{ "memblock_phys_alloc_try_nid", MB_OP_PHYS_ALLOC_TRY_NID, "size,align,nid", 'p' },
	{ "memblock_phys_alloc", MB_OP_PHYS_ALLOC, "size,align", 'p' },
	{ "memblock_alloc_range_nid", MB_OP_ALLOC_RANGE_NID,
	  "size,align,start,end,nid,exact_nid", 'p' },
	{ "memblock_alloc_try_nid", MB_OP_ALLOC_TRY_NID, "size,align,min_addr,max_addr,nid", 'V' },
	{ "memblock_alloc_try_nid_raw", MB_OP_ALLOC_TRY_NID_RAW,
	  "size,align,min_addr,max_addr,nid", 'V' },
	{ "memblock_alloc_exact_nid_raw", MB_OP_ALLOC_EXACT_NID_RAW,
	  "size,align,min_addr,max_addr,nid", 'V' },
	{ "memblock_alloc", MB_OP_ALLOC, "size,align", 'V' },
	{ "memblock_alloc_raw", MB_OP_ALLOC_RAW, "size,align", 'V' },
	{ "memblock_alloc_from", MB_OP_ALLOC_FROM, "size,align,min_addr", 'V' },
	{ "memblock_alloc_low", MB_OP_ALLOC_LOW, "size,align", 'V' },
	{ "memblock_alloc_node", MB_OP_ALLOC_NODE, "size,align,nid", 'V' },
	{ "memblock_cap_memory_range", MB_OP_CAP_MEMORY_RANGE, "base,size", 'v' },
	{ "memblock_mem_limit_remove_map", MB_OP_MEM_LIMIT_REMOVE_MAP, "limit", 'v' },
	{ "memblock_enforce_memory_limit", MB_OP_ENFORCE_MEMORY_LIMIT, "limit", 'v' },
	{ "memblock_trim_memory", MB_OP_TRIM_MEMORY, "align", 'v' },
	{ "memblock_free_all", MB_OP_FREE_ALL, "", 'v' },
	{ "memblock_physmem_add", MB_OP_PHYSMEM_ADD, "base,size", 'i' },
};
#define NDEFS (sizeof(defs) / sizeof(defs[0]))
_Static_assert(NDEFS + 4 <= BPQ_MAX, "a stop's breakpoint changes fit one batch");

struct param {
	char name[32];
	uint8_t size;		/* bytes in the register that count */
	bool is_signed;
};

struct entry {
	const struct entry_def *def;
	uint64_t addr;
	bool found;
	bool armed;		/* its breakpoint is in QEMU's list now */
	bool from_btf;
	char ret;
	int nparams;
	struct param p[MAX_PARAMS];
	unsigned long hits;
};

struct pending {
	struct entry *e;
	struct mb_event ev;
	uint64_t ret;		/* return address */
	uint64_t rsp;		/* rsp at entry */
	uint64_t type_ptr;	/* DOUBLE_ARRAY: the memblock_type argument */
	unsigned int nframes;
	unsigned int method;	/* enum mb_chain_method */
	uint64_t frames[MB_TRACE_MAX_FRAMES];
};

struct tracer {
	const struct mb_linux_trace_io *io;
	const struct mb_linux_image *img;
	const struct mb_linux_kallsyms *ks;
	const struct mb_layout *l;
	uint64_t mb;
	uint64_t stop_addr;
	struct mb_linux_trace_opts o;
	struct mb_capture *c;
	struct mb_linux_trace_stats st;
	struct entry ent[NDEFS];
	/* Return sites with a breakpoint, sorted for bsearch. */
	uint64_t *sites;
	size_t nsites;
	struct pending pend[MAX_PENDING];
	int npend;
	/* Breakpoint changes of this stop, sent in one batch (see flush_bps()). */
	struct bp_op {
		uint64_t addr;
		bool insert;
		bool entry;
	} bpq[BPQ_MAX];
	int nbpq;
	bool need_step;		/* the current stop's address still holds a breakpoint */
	uint64_t steps;
	/* What replaying the events so far leaves in bottom_up/current_limit. */
	bool model_bottom_up;
	uint64_t model_limit;
	bool have_initial;
	/* The first stop (memblock's first call), to tell a second boot by. */
	uint64_t first_rip, first_rsp;
	uint8_t first_mb[512];
	/* Registers and struct memblock of the current stop. */
	uint64_t regs[24];
	uint8_t mbraw[512];
	char *reply[2];
	/* Caller chains, parallel to c->events. */
	uint8_t *nframes;
	uint64_t (*frames)[MB_TRACE_MAX_FRAMES];
	size_t chains_cap;
	const char *unwinder;
	char unwinder_buf[256];
	struct mb_orc *orc;
	uint64_t extra_reads;	/* stack reads beyond the window, for the unwinder */
	uint64_t why_counts[8];
	const char *whys[8];
};

static uint64_t rd64(const void *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

/* Guest address for an m packet: physical when the stub reads physical memory. */
static int guest_addr(const struct tracer *t, uint64_t vaddr, uint64_t *out)
{
	if (!t->io->phys) {
		*out = vaddr;
		return 0;
	}
	return mb_linux_virt_to_phys(vaddr, out);
}

/* Kernel pointer to physical (direct map or image); 0 for NULL or unknown. */
static uint64_t kptr_phys(uint64_t v)
{
	uint64_t p;

	if (!v || mb_linux_virt_to_phys(v, &p))
		return 0;
	return p;
}

/* --- prototypes from BTF --- */

static void builtin_params(struct entry *e)
{
	const char *s = e->def->params;

	e->nparams = 0;
	e->ret = e->def->ret;
	while (*s && e->nparams < MAX_PARAMS) {
		struct param *p = &e->p[e->nparams++];
		size_t n = strcspn(s, ",");

		snprintf(p->name, sizeof(p->name), "%.*s", (int)n, s);
		p->size = 8;
		p->is_signed = false;
		if (!strcmp(p->name, "nid") || !strcmp(p->name, "flags")) {
			p->size = 4;
			p->is_signed = !strcmp(p->name, "nid");
		} else if (!strcmp(p->name, "exact_nid") || !strcmp(p->name, "enable")) {
			p->size = 1;
		}
		s += n;
		if (*s == ',')
			s++;
	}
}

/* Size and signedness of a BTF type (typedefs, modifiers and enums resolved). */
static void btf_scalar(const struct btf *btf, uint32_t id, uint8_t *size, bool *is_signed,
		       bool *is_ptr)
{
	const struct btf_type *t = btf__type_by_id(btf, btf__resolve_type(btf, id));

	*size = 8;
	*is_signed = false;
	*is_ptr = false;
	if (!t)
		return;
	if (btf_is_ptr(t)) {
		*is_ptr = true;
	} else if (btf_is_int(t)) {
		*size = (uint8_t)t->size;
		*is_signed = btf_int_encoding(t) & BTF_INT_SIGNED;
	} else if (btf_is_enum(t) || btf_is_enum64(t)) {
		*size = (uint8_t)t->size;
		*is_signed = btf_kflag(t);
	}
}

static bool proto_params(const struct btf *btf, struct entry *e)
{
	const struct btf_type *fn, *proto;
	const struct btf_param *bp;
	int id, i, n;

	if (!btf)
		return false;
	id = btf__find_by_name_kind(btf, e->def->name, BTF_KIND_FUNC);
	if (id < 0)
		return false;
	fn = btf__type_by_id(btf, id);
	proto = fn ? btf__type_by_id(btf, fn->type) : NULL;
	if (!proto || !btf_is_func_proto(proto))
		return false;
	n = btf_vlen(proto);
	if (n > MAX_PARAMS)
		return false;
	bp = btf_params(proto);
	e->nparams = 0;
	for (i = 0; i < n; i++) {
		struct param *p = &e->p[e->nparams];
		bool ptr;

		if (!bp[i].type)
			break;	/* "..." */
		snprintf(p->name, sizeof(p->name), "%s", btf__name_by_offset(btf, bp[i].name_off));
		btf_scalar(btf, bp[i].type, &p->size, &p->is_signed, &ptr);
		e->nparams++;
	}
	if (!proto->type) {
		e->ret = 'v';
	} else {
		uint8_t sz;
		bool sg, ptr;

		btf_scalar(btf, proto->type, &sz, &sg, &ptr);
		e->ret = ptr ? 'V' : sz == 8 ? 'p' : 'i';
	}
	return true;
}

/* A register narrowed to the parameter's width (and sign-extended). */
static uint64_t arg_value(const struct param *p, uint64_t reg)
{
	switch (p->size) {
	case 1:
		return p->is_signed ? (uint64_t)(int64_t)(int8_t)reg : (uint8_t)reg;
	case 2:
		return p->is_signed ? (uint64_t)(int64_t)(int16_t)reg : (uint16_t)reg;
	case 4:
		return p->is_signed ? (uint64_t)(int64_t)(int32_t)reg : (uint32_t)reg;
	default:
		return reg;
	}
}

/* --- struct memblock of the current stop --- */

static uint64_t mb_u64(const struct tracer *t, uint32_t off)
{
	return rd64(t->mbraw + off);
}

static uint32_t type_id(const struct tracer *t, uint64_t ptr)
{
	if (ptr == t->mb + t->l->memory.off)
		return MB_TYPE_MEMORY;
	if (ptr == t->mb + t->l->reserved.off)
		return MB_TYPE_RESERVED;
	return MB_TYPE_UNKNOWN;
}

static bool cur_bottom_up(const struct tracer *t)
{
	return t->mbraw[t->l->bottom_up.off] != 0;
}

static uint64_t cur_limit(const struct tracer *t)
{
	return mb_u64(t, t->l->current_limit.off);
}

static void cur_counts(const struct tracer *t, struct mb_event *ev)
{
	ev->rec.memory_cnt = (uint32_t)mb_u64(t, t->l->memory.off + t->l->cnt.off);
	ev->rec.reserved_cnt = (uint32_t)mb_u64(t, t->l->reserved.off + t->l->cnt.off);
}

/* One batch: the registers and struct memblock. */
static int read_stop(struct tracer *t, struct mb_error *err)
{
	char mcmd[64];
	const char *pkts[2] = { "g", mcmd };
	size_t caps[2] = { REPLY_CAP, REPLY_CAP }, lens[2];
	uint8_t regs[REPLY_CAP / 2];
	uint64_t a;
	ssize_t n;

	if (guest_addr(t, t->mb, &a))
		return mb_error_set(err, MB_ERR_INVAL, 0, t->mb, "struct memblock at 0x%llx: no mapping",
				    (unsigned long long)t->mb);
	snprintf(mcmd, sizeof(mcmd), "m%llx,%x", (unsigned long long)a, t->l->memblock_size);
	if (mb_rsp_batch(t->io->rsp, 2, pkts, t->reply, caps, lens, err))
		return -1;
	n = mb_rsp_unhex(t->reply[0], lens[0], regs, sizeof(regs));
	if (n < (REG_RIP + 1) * 8)
		return mb_error_set(err, MB_ERR_PROTO, 0, 0, "bad register reply '%.16s' (%zu chars)",
				    t->reply[0], lens[0]);
	for (int i = 0; i <= REG_RIP; i++)
		t->regs[i] = rd64(regs + 8 * i);
	n = mb_rsp_unhex(t->reply[1], lens[1], t->mbraw, sizeof(t->mbraw));
	if (n != (ssize_t)t->l->memblock_size)
		return mb_error_set(err, MB_ERR_REMOTE, 0, t->mb,
				    "cannot read struct memblock at 0x%llx: '%.16s'",
				    (unsigned long long)t->mb, t->reply[1]);
	return 0;
}

static int read_mem(struct tracer *t, uint64_t vaddr, void *buf, size_t len, struct mb_error *err)
{
	uint64_t a;

	if (guest_addr(t, vaddr, &a))
		return mb_error_set(err, MB_ERR_INVAL, 0, vaddr, "0x%llx: no mapping",
				    (unsigned long long)vaddr);
	return mb_rsp_read_mem(t->io->rsp, a, buf, len, err);
}

static int live_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	struct mb_error e = { 0 };

	return read_mem(ctx, vaddr, buf, len, &e) ? -1 : 0;
}

/* --- caller chains --- */

/* Is @ret the address after a call instruction in the image? */
static bool after_call(const struct tracer *t, uint64_t ret)
{
	uint8_t b[7];

	if (mb_linux_image_read(t->img, ret - 7, b, sizeof(b)))
		return false;
	if (b[2] == 0xe8)				/* call rel32 */
		return true;
	if (b[1] == 0xff && (b[2] & 0x38) == 0x10)	/* call *disp32(...) / *rip(...) */
		return true;
	if (b[5] == 0xff && (b[6] & 0xf8) == 0xd0)	/* call *%reg */
		return true;
	if (b[4] == 0x41 && b[5] == 0xff && (b[6] & 0xf8) == 0xd0)
		return true;
	return false;
}

static bool kernel_text(uint64_t a)
{
	return a >= MB_LINUX_START_KERNEL_MAP && a < 0xffffffffff000000ull;
}

/*
 * Without ORC data: the return address on top of the stack, then frame
 * pointers while they stay plausible (each saved rbp above the last inside
 * the stack we read, each return address right after a call instruction).
 */
static unsigned int unwind_fp(struct tracer *t, uint64_t rsp, uint64_t rbp, const uint8_t *stk,
			      size_t n, uint64_t *frames, unsigned int max)
{
	unsigned int k = 0;
	uint64_t ret = n >= 8 ? rd64(stk) : 0;

	if (!kernel_text(ret))
		return 0;
	frames[k++] = ret;
	while (k < max && rbp >= rsp && rbp + 16 <= rsp + n && !(rbp & 7)) {
		uint64_t next = rd64(stk + (rbp - rsp)), r = rd64(stk + (rbp - rsp) + 8);

		if (!kernel_text(r) || !after_call(t, r))
			break;
		frames[k++] = r;
		if (next <= rbp)
			break;
		rbp = next;
	}
	return k;
}

/* The unwinder's reads: the stack window read at the stop, then (rarely) the guest. */
struct stackwin {
	struct tracer *t;
	uint64_t base;
	const uint8_t *buf;
	size_t n;
	unsigned int extra;
};

static int win_read(void *ctx, uint64_t addr, void *buf, size_t len)
{
	struct stackwin *w = ctx;

	if (addr >= w->base && len <= w->n && addr - w->base <= w->n - len) {
		memcpy(buf, w->buf + (addr - w->base), len);
		return 0;
	}
	if (w->extra >= 2)
		return -1;
	w->extra++;
	w->t->extra_reads++;
	return live_read(w->t, addr, buf, len);
}

static void count_why(struct tracer *t, const char *why)
{
	int i;

	if (!why)
		return;
	for (i = 0; i < 8 && t->whys[i]; i++)
		if (!strcmp(t->whys[i], why))
			break;
	if (i == 8)
		return;
	t->whys[i] = why;
	t->why_counts[i]++;
}

static unsigned int unwind(struct tracer *t, uint64_t rip, uint64_t rsp, const uint8_t *stk,
			   size_t n, uint64_t *frames, unsigned int *method)
{
	struct stackwin w = { .t = t, .base = rsp, .buf = stk, .n = n };
	const char *why = NULL;
	unsigned int k;

	if (t->orc) {
		k = mb_orc_unwind(t->orc, rip, rsp, t->regs[REG_RBP], win_read, &w, frames,
				  t->o.max_frames, &why);
		count_why(t, why);
		if (k) {
			*method = MB_CHAIN_ORC;
			return k;
		}
	}
	k = unwind_fp(t, rsp, t->regs[REG_RBP], stk, n, frames, t->o.max_frames);
	*method = k > 1 ? MB_CHAIN_FP : MB_CHAIN_ONE;
	return k;
}

static int keep_chain(struct tracer *t, size_t idx, const struct pending *p, struct mb_error *err)
{
	if (idx >= t->chains_cap) {
		size_t cap = t->chains_cap ? t->chains_cap * 2 : 4096;
		uint8_t *nf = realloc(t->nframes, cap);
		uint64_t (*fr)[MB_TRACE_MAX_FRAMES];

		if (!nf)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory for chains");
		t->nframes = nf;
		fr = realloc(t->frames, cap * sizeof(*fr));
		if (!fr)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory for chains");
		t->frames = fr;
		t->chains_cap = cap;
	}
	t->nframes[idx] = (uint8_t)p->nframes;
	memcpy(t->frames[idx], p->frames, sizeof(p->frames));
	if (p->nframes >= 2)
		t->st.chains_multi++;
	return 0;
}

/* --- events --- */

static void set_caller(struct tracer *t, struct mb_event *ev, uint64_t ret)
{
	char name[256];
	uint64_t off, len;

	ev->rec.caller = ret;
	ev->caller_sym = MB_NO_SYM;
	ev->caller_off = 0;
	if (mb_linux_symbolize(t->ks, ret, name, sizeof(name), &off, &len) == 0) {
		ev->caller_sym = mb_capture_intern_sym(t->c, name);
		ev->caller_off = off > UINT32_MAX ? UINT32_MAX : (uint32_t)off;
	}
}

static int append(struct tracer *t, struct mb_event *ev, const struct pending *p,
		  struct mb_error *err)
{
	if (t->c->nevents >= t->o.max_events)
		return mb_error_set(err, MB_ERR_NOMEM, 0, 0,
				    "the trace exceeds %zu events (limit): not written", t->o.max_events);
	ev->rec.seq = t->c->nevents;
	if (keep_chain(t, t->c->nevents, p, err) || mb_capture_add_event(t->c, ev, err))
		return -1;
	if (p->nframes)
		return mb_capture_set_chain(t->c, t->c->nevents - 1, p->frames, p->nframes,
					    p->method, err);
	return 0;
}

/* One event for a direct write to struct memblock that no traced call made. */
static int synth_write(struct tracer *t, struct pending *syn, uint16_t op, uint64_t value,
		       struct mb_error *err)
{
	struct mb_event ev = { .rec = { .op = op, .nid = -1, .max_addr = value } };

	ev.caller_sym = mb_capture_intern_sym(t->c, "(direct write before)");
	cur_counts(t, &ev);
	if (append(t, &ev, syn, err))
		return -1;
	t->st.synthesized++;
	return 0;
}

/* Direct writes to memblock.bottom_up/current_limit between calls (inline helpers). */
static int sync_model(struct tracer *t, const struct pending *p, struct mb_error *err)
{
	struct pending syn = *p;

	syn.nframes = 0;
	if (cur_bottom_up(t) != t->model_bottom_up) {
		if (synth_write(t, &syn, MB_OP_SET_BOTTOM_UP, cur_bottom_up(t), err))
			return -1;
		t->model_bottom_up = cur_bottom_up(t);
	}
	if (cur_limit(t) != t->model_limit) {
		if (synth_write(t, &syn, MB_OP_SET_CURRENT_LIMIT, cur_limit(t), err))
			return -1;
		t->model_limit = cur_limit(t);
	}
	return 0;
}

static int read_initial(struct tracer *t, struct mb_error *err)
{
	if (mb_linux_read_state(t->l, t->mb, live_read, t, &t->c->initial, err))
		return mb_error_prefix(err, "initial state");
	t->model_bottom_up = t->c->initial.bottom_up;
	t->model_limit = t->c->initial.current_limit;
	t->have_initial = true;
	t->first_rip = t->regs[REG_RIP];
	t->first_rsp = t->regs[REG_RSP];
	memcpy(t->first_mb, t->mbraw, sizeof(t->first_mb));
	if (t->c->initial.memory.cnt || t->c->initial.reserved.cnt)
		mb_capture_set_meta(t->c, "trace_initial_note",
				    "arrays were not empty at the first traced call");
	return 0;
}

/* "func+0xoff" (or "func") for an error message; "?" when kallsyms does not know. */
static const char *site_name(const struct tracer *t, uint64_t addr, char *buf, size_t cap)
{
	uint64_t off, len;
	size_t n;

	if (mb_linux_symbolize(t->ks, addr, buf, cap, &off, &len))
		return "?";
	n = strlen(buf);
	if (off)
		snprintf(buf + n, cap - n, "+0x%llx", (unsigned long long)off);
	return buf;
}

/*
 * Breakpoint changes are queued during a stop and sent in one pipelined
 * batch before the guest resumes: one round trip however many there are.
 */
static void queue_bp(struct tracer *t, uint64_t addr, bool insert, bool entry)
{
	struct bp_op *op = &t->bpq[t->nbpq++];

	op->addr = addr;
	op->insert = insert;
	op->entry = entry;
}

static int flush_bps(struct tracer *t, bool cont, struct mb_error *err)
{
	char pkt[BPQ_MAX][40], rep[BPQ_MAX][64];
	const char *pkts[BPQ_MAX];
	char *reps[BPQ_MAX];
	size_t caps[BPQ_MAX], lens[BPQ_MAX];
	int n = t->nbpq;

	if (!n && !cont)
		return 0;
	t->nbpq = 0;
	for (int i = 0; i < n; i++) {
		snprintf(pkt[i], sizeof(pkt[i]), "%c0,%llx,1", t->bpq[i].insert ? 'Z' : 'z',
			 (unsigned long long)t->bpq[i].addr);
		pkts[i] = pkt[i];
		reps[i] = rep[i];
		caps[i] = sizeof(rep[i]);
	}
	if (cont ? mb_rsp_batch_continue(t->io->rsp, (size_t)n, pkts, reps, caps, lens, err) :
		   mb_rsp_batch(t->io->rsp, (size_t)n, pkts, reps, caps, lens, err))
		return mb_error_prefix(err, "breakpoint changes");
	for (int i = 0; i < n; i++) {
		const struct bp_op *op = &t->bpq[i];

		char name[160];

		if (!strcmp(rep[i], "OK"))
			continue;
		site_name(t, op->addr, name, sizeof(name));
		if (!rep[i][0])
			return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, op->addr,
					    "QEMU refused the %sbreakpoint at %s (0x%llx): the gdbstub does not support software breakpoints",
					    op->entry ? "" : "return ", name,
					    (unsigned long long)op->addr);
		if (op->insert)
			return mb_error_set(err, MB_ERR_REMOTE, 0, op->addr,
					    "QEMU refused the %sbreakpoint at %s (0x%llx): '%.20s'",
					    op->entry ? "" : "return ", name,
					    (unsigned long long)op->addr, rep[i]);
		return mb_error_set(err, MB_ERR_REMOTE, 0, op->addr,
				    "removing the breakpoint at %s (0x%llx): '%.20s'", name,
				    (unsigned long long)op->addr, rep[i]);
	}
	return 0;
}

static int add_site(struct tracer *t, uint64_t ret, struct mb_error *err)
{
	size_t lo = 0, hi = t->nsites;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->sites[mid] == ret)
			return 0;
		if (t->sites[mid] < ret)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (t->nsites >= MAX_RET_SITES)
		return mb_error_set(err, MB_ERR_NOMEM, 0, ret,
				    "more than %d distinct return sites", MAX_RET_SITES);
	if (!t->sites) {
		t->sites = malloc(MAX_RET_SITES * sizeof(*t->sites));
		if (!t->sites)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	queue_bp(t, ret, true, false);
	memmove(t->sites + lo + 1, t->sites + lo, (t->nsites - lo) * sizeof(*t->sites));
	t->sites[lo] = ret;
	t->nsites++;
	t->st.return_sites++;
	return 0;
}

/* Take a return site's breakpoint out again (no pending call returns there). */
static void drop_site(struct tracer *t, uint64_t ret)
{
	size_t lo = 0, hi = t->nsites;

	for (int i = 0; i < t->npend; i++)
		if (t->pend[i].ret == ret)
			return;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->sites[mid] == ret) {
			queue_bp(t, ret, false, false);
			memmove(t->sites + mid, t->sites + mid + 1,
				(t->nsites - mid - 1) * sizeof(*t->sites));
			t->nsites--;
			return;
		}
		if (t->sites[mid] < ret)
			lo = mid + 1;
		else
			hi = mid;
	}
}

static bool is_site(const struct tracer *t, uint64_t a)
{
	size_t lo = 0, hi = t->nsites;

	while (lo < hi) {
		size_t mid = (lo + hi) / 2;

		if (t->sites[mid] == a)
			return true;
		if (t->sites[mid] < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

static void fill_args(struct tracer *t, struct pending *p)
{
	struct entry *e = p->e;
	struct mb_event *ev = &p->ev;
	int i;

	for (i = 0; i < e->nparams; i++) {
		const char *n = e->p[i].name;
		uint64_t v = arg_value(&e->p[i], t->regs[arg_regs[i]]);

		if (!strcmp(n, "base"))
			ev->rec.base = v;
		else if (!strcmp(n, "size"))
			ev->rec.size = v;
		else if (!strcmp(n, "ptr"))
			ev->rec.base = kptr_phys(v);
		else if (!strcmp(n, "nid"))
			ev->rec.nid = (int32_t)v;
		else if (!strcmp(n, "flags") || !strcmp(n, "exact_nid"))
			ev->rec.mflags = (uint32_t)v;
		else if (!strcmp(n, "type")) {
			ev->rec.mflags = type_id(t, v);
			p->type_ptr = v;
		} else if (!strcmp(n, "align"))
			*(ev->rec.op == MB_OP_TRIM_MEMORY ? &ev->rec.max_addr : &ev->rec.align) = v;
		else if (!strcmp(n, "start") || !strcmp(n, "min_addr"))
			ev->rec.min_addr = v;
		else if (!strcmp(n, "end") || !strcmp(n, "max_addr") || !strcmp(n, "limit") ||
			 !strcmp(n, "enable"))
			ev->rec.max_addr = v;
	}
}

static uint64_t page_align(uint64_t v)
{
	return (v + PAGE_SZ - 1) & ~(PAGE_SZ - 1);
}

static int on_entry(struct tracer *t, struct entry *e, struct mb_error *err)
{
	uint64_t rsp = t->regs[REG_RSP];
	uint8_t stk[2048];
	size_t n = t->o.stack_bytes;
	struct pending *p;

	if (++e->hits > t->o.max_hits)
		return mb_error_set(err, MB_ERR_INVAL, 0, e->addr,
				    "%s was called more than %lu times (bound): stopping the trace",
				    e->def->name, t->o.max_hits);
	if (t->npend >= MAX_PENDING)
		return mb_error_set(err, MB_ERR_INVAL, 0, e->addr,
				    "more than %d nested memblock calls pending", MAX_PENDING);
	if (read_mem(t, rsp, stk, n, err) && (n = 8, read_mem(t, rsp, stk, 8, err)))
		return mb_error_prefix(err, "stack at 0x%llx", (unsigned long long)rsp);
	p = &t->pend[t->npend];
	memset(p, 0, sizeof(*p));
	p->e = e;
	p->rsp = rsp;
	p->ret = rd64(stk);
	p->ev.rec.op = (uint16_t)e->def->op;
	p->ev.rec.nid = -1;
	p->ev.rec.depth = (uint16_t)t->npend;
	if (t->npend)
		p->ev.rec.rflags |= MB_REC_INTERNAL;
	fill_args(t, p);
	set_caller(t, &p->ev, p->ret);
	p->nframes = unwind(t, e->addr, rsp, stk, n, p->frames, &p->method);
	if (e->def->op == MB_OP_DOUBLE_ARRAY) {
		uint32_t id = p->ev.rec.mflags;

		if (id == MB_TYPE_MEMORY || id == MB_TYPE_RESERVED) {
			uint32_t off = id == MB_TYPE_MEMORY ? t->l->memory.off : t->l->reserved.off;

			p->ev.rec.min_addr = kptr_phys(mb_u64(t, off + t->l->regions.off));
			p->ev.rec.align = page_align(mb_u64(t, off + t->l->max.off) * t->l->region_size);
		}
		/* Credited to the public call that caused it, as our kernel does. */
		if (t->npend)
			set_caller(t, &p->ev, t->pend[0].ret);
		p->ev.rec.caller = t->npend ? t->pend[0].ret : p->ret;
	}
	if (!t->npend && sync_model(t, p, err))
		return -1;
	t->npend++;
	if (e->def->op == MB_OP_FREE_ALL)
		return 0;
	return add_site(t, p->ret, err);
}

static void set_result(struct tracer *t, struct pending *p)
{
	uint64_t rax = t->regs[REG_RAX];
	struct mb_event *ev = &p->ev;

	switch (p->e->ret) {
	case 'i': {
		int32_t v = (int32_t)rax;

		ev->rec.result = (uint64_t)(int64_t)v;
		if (v)
			ev->rec.rflags |= MB_REC_FAILED;
		break;
	}
	case 'p':
		ev->rec.result = rax;
		if (!rax)
			ev->rec.rflags |= MB_REC_FAILED;
		break;
	case 'V':
		ev->rec.result = kptr_phys(rax);
		if (!ev->rec.result)
			ev->rec.rflags |= MB_REC_FAILED;
		break;
	default:
		ev->rec.result = 0;
		break;
	}
	if (ev->rec.op == MB_OP_DOUBLE_ARRAY && (ev->rec.mflags == MB_TYPE_MEMORY ||
					     ev->rec.mflags == MB_TYPE_RESERVED)) {
		uint32_t off = ev->rec.mflags == MB_TYPE_MEMORY ? t->l->memory.off : t->l->reserved.off;
		uint64_t max = mb_u64(t, off + t->l->max.off);

		ev->rec.max_addr = max;
		if (ev->rec.rflags & MB_REC_FAILED) {
			ev->rec.result = (uint64_t)(int64_t)-ENOMEM;
		} else {
			ev->rec.base = kptr_phys(mb_u64(t, off + t->l->regions.off));
			ev->rec.size = page_align(max * t->l->region_size);
		}
	}
	cur_counts(t, ev);
}

/* A return stop: complete every pending call this return ends (tail calls share it). */
static int on_return(struct tracer *t, struct mb_error *err)
{
	uint64_t rip = t->regs[REG_RIP], rsp = t->regs[REG_RSP];
	bool any = false;

	while (t->npend) {
		struct pending *p = &t->pend[t->npend - 1];

		if (p->ret != rip || p->rsp + 8 != rsp)
			break;
		set_result(t, p);
		if (p->ev.rec.op == MB_OP_SET_CURRENT_LIMIT && !p->ev.rec.depth)
			t->model_limit = p->ev.rec.max_addr;
		if (p->ev.rec.op == MB_OP_SET_BOTTOM_UP && !p->ev.rec.depth)
			t->model_bottom_up = p->ev.rec.max_addr != 0;
		if (append(t, &p->ev, p, err))
			return -1;
		t->npend--;
		any = true;
	}
	/*
	 * Fewer breakpoints run faster (QEMU walks the whole list at every
	 * block lookup and runs pages holding one an instruction per block):
	 * only pending calls keep their return breakpoint.
	 */
	if (any)
		drop_site(t, rip);
	if (any)
		t->st.returns++;
	else
		t->st.passes++;
	return 0;
}

static struct entry *entry_at(struct tracer *t, uint64_t rip)
{
	for (size_t i = 0; i < NDEFS; i++)
		if (t->ent[i].found && t->ent[i].addr == rip)
			return &t->ent[i];
	return NULL;
}

/* Find the entry points in kallsyms and their prototypes in BTF; record both. */
static int find_entries(struct tracer *t, struct mb_error *err)
{
	char *traced = NULL, *missing = NULL, *args = NULL;
	size_t tl = 0, ml = 0, al = 0;
	FILE *ft = open_memstream(&traced, &tl);
	FILE *fm = open_memstream(&missing, &ml);
	FILE *fa = open_memstream(&args, &al);
	uint32_t i, n;
	const char *name;
	uint64_t addr;

	if (!ft || !fm || !fa) {
		if (ft)
			fclose(ft);
		if (fm)
			fclose(fm);
		if (fa)
			fclose(fa);
		free(traced);
		free(missing);
		free(args);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	n = mb_linux_kallsyms_text(t->ks, UINT32_MAX, &name, &addr);
	for (size_t d = 0; d < NDEFS; d++) {
		struct entry *e = &t->ent[d];
		const char *clone = NULL;
		size_t nl = strlen(defs[d].name);

		e->def = &defs[d];
		for (i = 0; i < n; i++) {
			mb_linux_kallsyms_text(t->ks, i, &name, &addr);
			if (!strcmp(name, defs[d].name)) {
				e->found = true;
				e->addr = addr;
				break;
			}
			if (!clone && !strncmp(name, defs[d].name, nl) && name[nl] == '.')
				clone = name;
		}
		if (!e->found) {
			fprintf(fm, "%s%s (%s)", ftell(fm) ? ", " : "", defs[d].name,
				clone ? "only a compiler clone with other arguments" :
					"no symbol: inline or not built");
			continue;
		}
		e->from_btf = proto_params(t->img->btf, e);
		if (!e->from_btf)
			builtin_params(e);
		fprintf(ft, "%s%s@0x%" PRIx64, ftell(ft) ? ", " : "", defs[d].name, e->addr);
		fprintf(fa, "%s%s(", ftell(fa) ? "; " : "", defs[d].name);
		for (int k = 0; k < e->nparams; k++)
			fprintf(fa, "%s%s:%s%u", k ? ", " : "", e->p[k].name,
				e->p[k].is_signed ? "s" : "u", e->p[k].size * 8);
		fprintf(fa, ")->%c%s", e->ret, e->from_btf ? "" : " [built-in]");
		t->st.traced++;
	}
	fclose(ft);
	fclose(fm);
	fclose(fa);
	mb_capture_set_meta(t->c, "trace_entry_points", traced);
	mb_capture_set_meta(t->c, "trace_missing", ml ? missing : "none");
	mb_capture_set_meta(t->c, "trace_args", args);
	free(traced);
	free(missing);
	free(args);
	if (!n)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "kallsyms: no text symbols decoded");
	for (size_t d = 0; d < NDEFS; d++)
		if (defs[d].op == MB_OP_RESERVE && !t->ent[d].found)
			return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
					    "memblock_reserve is not a symbol of this image: nothing to trace");
	return 0;
}

/* Entry breakpoints taken out at an earlier stop go back in (see leave_stop()). */
static void rearm_entries(struct tracer *t)
{
	for (size_t d = 0; d < NDEFS; d++) {
		struct entry *e = &t->ent[d];

		if (e->found && !e->armed) {
			queue_bp(t, e->addr, true, true);
			e->armed = true;
		}
	}
}

/*
 * How the guest gets past the breakpoint it stopped at, without a single
 * step (each step is one more stop, see the top). A return site's
 * breakpoint is gone already unless another pending call returns there
 * (then, and at a pass, one step). An entry breakpoint is taken out and
 * put back at the next stop: a call to the same entry point from inside it
 * with no other traced call between would be missed, and memblock has none.
 */
static void leave_stop(struct tracer *t, struct entry *e, uint64_t rip)
{
	if (e) {
		queue_bp(t, rip, false, true);
		e->armed = false;
		t->need_step = false;
		return;
	}
	t->need_step = is_site(t, rip);
}

/*
 * A guest that reboots (a reset QEMU lets through) runs memblock's first
 * call again: the same address and stack, and struct memblock as the image
 * initialises it. No later call of one boot meets all three, as the first
 * call changes the arrays before any other call can start at the top level.
 */
static bool second_boot(const struct tracer *t)
{
	return t->st.stops > 1 && t->regs[REG_RIP] == t->first_rip &&
	       t->regs[REG_RSP] == t->first_rsp &&
	       !memcmp(t->mbraw, t->first_mb, t->l->memblock_size);
}

/*
 * A stop the tracer did not ask for. QEMU's gdbstub reports a shutdown as
 * signal 3 (SIGQUIT), and a reset is a shutdown under the launcher's
 * -no-reboot; a pause from outside (the monitor's "stop") is signal 2.
 */
static int guest_stopped(const struct mb_rsp_stop *stop, size_t nevents, struct mb_error *err)
{
	if (stop->signal == 3)
		return mb_error_set(err, MB_ERR_CLOSED, 0, 0,
				    "the guest reset or shut down mid-trace after %zu events (QEMU stopped it with signal 3)",
				    nevents);
	if (stop->signal == 2)
		return mb_error_set(err, MB_ERR_CLOSED, 0, 0,
				    "the guest was paused from outside mid-trace after %zu events (signal 2)",
				    nevents);
	return mb_error_set(err, MB_ERR_CLOSED, 0, 0,
			    "the guest stopped by itself mid-trace (signal %d) after %zu events",
			    stop->signal, nevents);
}

/*
 * Resuming at a breakpoint's address would stop there again: one single
 * step first (QEMU ignores breakpoints for a single step), then continue.
 */
static int step_over(struct tracer *t, struct mb_error *err)
{
	char reply[256];

	t->steps++;
	if (mb_rsp_command(t->io->rsp, "vCont;s", reply, sizeof(reply), err) < 0)
		return mb_error_prefix(err, "single step");
	if ((reply[0] != 'T' && reply[0] != 'S') || strncmp(reply + 1, "05", 2)) {
		return mb_error_set(err, reply[0] == 'W' || reply[0] == 'X' ? MB_ERR_CLOSED :
				    MB_ERR_PROTO, 0, 0,
				    "single step over a breakpoint: unexpected reply '%.40s'", reply);
	}
	return 0;
}

struct symctx {
	const struct mb_linux_kallsyms *ks;
	char name[256];
};

static int sym_fn(void *ctx, uint64_t addr, const char **name, uint64_t *start, uint64_t *len)
{
	struct symctx *sc = ctx;
	uint64_t off;

	if (mb_linux_symbolize(sc->ks, addr, sc->name, sizeof(sc->name), &off, len))
		return -1;
	*name = sc->name;
	*start = addr - off;
	return 0;
}

int mb_linux_trace(const struct mb_linux_trace_io *io, const struct mb_linux_image *img,
		   const struct mb_linux_kallsyms *ks, uint64_t mb, uint64_t stop_addr,
		   const struct mb_linux_trace_opts *to, struct mb_capture *c,
		   struct mb_state *final, struct mb_linux_trace_stats *stats,
		   struct mb_error *err)
{
	struct tracer *t = calloc(1, sizeof(*t));
	size_t maxr = mb_rsp_max_read(io->rsp);
	int64_t ms_step = 0, ms_run = 0, ms_start = mb_now_ms();
	int rc = -1;
	char buf[400];

	if (!t)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	t->io = io;
	t->img = img;
	t->ks = ks;
	t->l = &img->layout;
	t->mb = mb;
	t->stop_addr = stop_addr;
	t->c = c;
	if (to)
		t->o = *to;
	if (!t->o.max_hits)
		t->o.max_hits = MB_TRACE_DEFAULT_MAX_HITS;
	if (!t->o.max_events)
		t->o.max_events = MB_TRACE_DEFAULT_MAX_EVENTS;
	if (!t->o.max_frames || t->o.max_frames > MB_TRACE_MAX_FRAMES)
		t->o.max_frames = MB_TRACE_MAX_FRAMES;
	if (!t->o.stack_bytes)
		t->o.stack_bytes = 1024;
	if (t->o.stack_bytes > 2048)
		t->o.stack_bytes = 2048;
	if (maxr && t->o.stack_bytes > maxr)
		t->o.stack_bytes = maxr;
	if (t->o.stack_bytes < 64)
		t->o.stack_bytes = 64;
	{
		struct mb_error oe = { 0 };

		if (mb_orc_load_image(img, &t->orc, &oe) == 0) {
			snprintf(t->unwinder_buf, sizeof(t->unwinder_buf), "ORC %s, %zu entries",
				 mb_orc_format_name(mb_orc_format(t->orc)), mb_orc_count(t->orc));
			if (!to || !to->stack_bytes)
				t->o.stack_bytes = 2048;
		} else {
			t->orc = NULL;
			snprintf(t->unwinder_buf, sizeof(t->unwinder_buf),
				 "frame pointers where plausible, else one frame (no ORC: %.150s)",
				 oe.msg);
		}
		t->unwinder = t->unwinder_buf;
	}
	t->reply[0] = malloc(REPLY_CAP);
	t->reply[1] = malloc(REPLY_CAP);
	if (!t->reply[0] || !t->reply[1]) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		goto out;
	}
	if (t->l->memblock_size > sizeof(t->mbraw)) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "struct memblock of %u bytes", t->l->memblock_size);
		goto out;
	}
	if (find_entries(t, err))
		goto out;
	/* Entry breakpoints, before the kernel exists in memory (see the top). */
	for (size_t d = 0; d < NDEFS; d++) {
		if (!t->ent[d].found)
			continue;
		if (mb_rsp_breakpoint(io->rsp, false, true, t->ent[d].addr, err)) {
			mb_error_prefix(err, "QEMU refused the breakpoint at %s (0x%llx)",
					defs[d].name, (unsigned long long)t->ent[d].addr);
			goto out;
		}
	}
	if (!entry_at(t, stop_addr) &&
	    mb_rsp_breakpoint(io->rsp, false, true, stop_addr, err)) {
		char name[160];

		mb_error_prefix(err, "QEMU refused the read-point breakpoint at %s (0x%llx)",
				site_name(t, stop_addr, name, sizeof(name)),
				(unsigned long long)stop_addr);
		goto out;
	}
	for (size_t d = 0; d < NDEFS; d++)
		t->ent[d].armed = t->ent[d].found;
	for (;;) {
		struct mb_rsp_stop stop = { 0 };
		struct entry *e;
		uint64_t rip;
		int64_t tm0, tm1, tm2;

		tm0 = mb_now_ms();
		if (t->need_step && (flush_bps(t, false, err) || step_over(t, err)))
			goto out;
		tm1 = mb_now_ms();
		if (flush_bps(t, true, err) || io->wait(io->ctx, &stop, err))
			goto out;
		tm2 = mb_now_ms();
		ms_step += tm1 - tm0;
		ms_run += tm2 - tm1;
		t->st.stops++;
		if (stop.kind == 'W' || stop.kind == 'X') {
			mb_error_set(err, MB_ERR_CLOSED, 0, 0,
				     "the guest ended mid-trace (%c%02x) after %zu events", stop.kind,
				     stop.signal, c->nevents);
			goto out;
		}
		if (stop.signal != 5) {
			guest_stopped(&stop, c->nevents, err);
			goto out;
		}
		if (read_stop(t, err))
			goto out;
		rip = t->regs[REG_RIP];
		if (!t->have_initial && read_initial(t, err))
			goto out;
		e = entry_at(t, rip);
		if (e && second_boot(t)) {
			mb_error_set(err, MB_ERR_CLOSED, 0, rip,
				     "the guest rebooted mid-trace after %zu events: its first memblock call (%s) came again, with struct memblock back at its initial state",
				     c->nevents, e->def->name);
			goto out;
		}
		rearm_entries(t);
		if (mb_agent_verbose >= 3)
			fprintf(stderr, "stop %" PRIu64 ": rip %#" PRIx64 " rsp %#" PRIx64 " %s pend %d\n",
				t->st.stops, rip, t->regs[REG_RSP], e ? e->def->name : "-", t->npend);
		if (rip == stop_addr) {
			if (mb_linux_read_state(t->l, mb, live_read, t, final, err)) {
				mb_error_prefix(err, "at the read point");
				goto out;
			}
			break;
		}
		if (e) {
			t->st.entries++;
			if (on_entry(t, e, err))
				goto out;
		} else if (is_site(t, rip)) {
			if (on_return(t, err))
				goto out;
		} else {
			mb_error_set(err, MB_ERR_PROTO, 0, rip,
				     "the guest stopped at 0x%llx, which is none of our breakpoints",
				     (unsigned long long)rip);
			goto out;
		}
		leave_stop(t, e, rip);
	}
	if (t->npend)
		mb_agent_log(1, "linux: %d memblock calls still pending at the read point", t->npend);
	snprintf(buf, sizeof(buf),
		 "%" PRIu64 " stops: %" PRIu64 " entries, %" PRIu64 " returns, %" PRIu64
		 " passes; %u entry points, %u return breakpoints; %" PRIu64 " synthesized; %" PRIu64 " single steps; %lld ms: %lld running, %lld stepping, %lld at stops",
		 t->st.stops, t->st.entries, t->st.returns, t->st.passes, t->st.traced,
		 t->st.return_sites, t->st.synthesized, t->steps, (long long)(mb_now_ms() - ms_start),
		 (long long)ms_run, (long long)ms_step,
		 (long long)(mb_now_ms() - ms_start - ms_run - ms_step));
	mb_capture_set_meta(c, "trace_stats", buf);
	mb_capture_set_meta(c, "trace_unwinder", t->unwinder);
	{
		struct symctx sc = { .ks = ks };

		if (mb_capture_symbolize_chains(c, sym_fn, &sc, err))
			goto out;
	}
	{
		char why[512];
		size_t wl = 0;

		why[0] = 0;
		for (int i = 0; i < 8 && t->whys[i]; i++)
			wl += (size_t)snprintf(why + wl, wl < sizeof(why) ? sizeof(why) - wl : 0,
					       "%s%s: %" PRIu64, i ? "; " : "", t->whys[i],
					       t->why_counts[i]);
		snprintf(buf, sizeof(buf), "%" PRIu64 " of %zu events have 2+ frames; %" PRIu64
			 " extra stack reads", t->st.chains_multi, c->nevents, t->extra_reads);
		mb_capture_set_meta(c, "trace_chains", buf);
		if (why[0])
			mb_capture_set_meta(c, "trace_unwind_stops", why);
	}
	rc = 0;
out:
	if (stats)
		*stats = t->st;
	free(t->reply[0]);
	free(t->reply[1]);
	free(t->sites);
	free(t->nframes);
	free(t->frames);
	mb_orc_free(t->orc);
	free(t);
	return rc;
}

/**
 * mb_linux_trace_check_console() - match memblock=debug lines to traced events
 * @trace: the traced capture
 * @con: the same boot's console, imported
 * @out: receives a summary ("N of M console lines match a traced event"),
 *   naming the first line without one
 * @cap: size of @out
 *
 * Each console event must equal one traced event, each used once, in
 * operation, base, size and caller symbol+offset.
 *
 * Return: the number of console events without a traced event.
 */
size_t mb_linux_trace_check_console(const struct mb_capture *trace, const struct mb_capture *con,
				    char *out, size_t cap)
{
	bool *used = calloc(trace->nevents + 1, sizeof(*used));
	size_t i, j, lines = 0, bad = 0;
	char first[256] = "";

	if (!used) {
		snprintf(out, cap, "not checked: out of memory");
		return 0;
	}
	for (i = 0; i < con->nevents; i++) {
		const struct mb_event *ce = &con->events[i];
		const char *cs = mb_event_sym(con, ce);
		bool found = false;

		if (ce->rec.op == MB_OP_NONE || (cs && !strcmp(cs, MB_IMPORT_NUMA_SYM)))
			continue;
		lines++;
		for (j = 0; j < trace->nevents && !found; j++) {
			const struct mb_event *te = &trace->events[j];
			const char *ts = mb_event_sym(trace, te);

			if (used[j] || te->rec.op != ce->rec.op || te->rec.base != ce->rec.base)
				continue;
			/*
			 * "memblock: reserved is doubled to N at [a-b]" names no
			 * caller and the array's bytes; the trace has the
			 * page-aligned allocation (the log ABI's size).
			 */
			if (ce->rec.op == MB_OP_DOUBLE_ARRAY) {
				if (te->rec.size != page_align(ce->rec.size))
					continue;
			} else if (te->rec.size != ce->rec.size || te->caller_off != ce->caller_off ||
				   !ts != !cs || (ts && strcmp(ts, cs))) {
				continue;
			}
			used[j] = found = true;
		}
		if (!found && !bad++)
			snprintf(first, sizeof(first), "; first without: %s [0x%" PRIx64 "+0x%" PRIx64
				 "] %s+0x%x", mb_op_name(ce->rec.op) ?: "?", ce->rec.base, ce->rec.size,
				 cs ?: "?", ce->caller_off);
	}
	snprintf(out, cap, "%zu of %zu console lines match a traced event%s", lines - bad, lines,
		 first);
	free(used);
	return bad;
}
