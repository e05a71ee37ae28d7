// SPDX-License-Identifier: GPL-2.0-only
/* log.c - `memblock-cli log`: the recorded calls, filtered and symbolised. */
#include <fnmatch.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "uapi/mb_evlog.h"

enum arg_kind { K_NONE, K_RANGE, K_ALLOC, K_VALUE, K_BOOL, K_DOUBLE };

static enum arg_kind kind_of(unsigned int op)
{
	switch (op) {
	case MB_OP_ADD: case MB_OP_ADD_NODE: case MB_OP_REMOVE: case MB_OP_RESERVE:
	case MB_OP_PHYS_FREE: case MB_OP_FREE: case MB_OP_MARK_HOTPLUG:
	case MB_OP_CLEAR_HOTPLUG: case MB_OP_MARK_MIRROR: case MB_OP_MARK_NOMAP:
	case MB_OP_CLEAR_NOMAP: case MB_OP_RESERVED_MARK_NOINIT: case MB_OP_SET_NODE:
	case MB_OP_CAP_MEMORY_RANGE: case MB_OP_PHYSMEM_ADD:
		return K_RANGE;
	case MB_OP_SET_CURRENT_LIMIT: case MB_OP_MEM_LIMIT_REMOVE_MAP:
	case MB_OP_ENFORCE_MEMORY_LIMIT: case MB_OP_TRIM_MEMORY:
		return K_VALUE;
	case MB_OP_SET_BOTTOM_UP: case MB_OP_SET_MOVABLE_NODE:
	case MB_OP_SET_MIRRORED_KERNELCORE:
		return K_BOOL;
	case MB_OP_DOUBLE_ARRAY:
		return K_DOUBLE;
	default:
		if (op >= MB_OP_PHYS_ALLOC_RANGE && op <= MB_OP_ALLOC_NODE)
			return K_ALLOC;
		return K_NONE;
	}
}

static const char *type_name(uint32_t t)
{
	return t == MB_TYPE_MEMORY ? "memory" : t == MB_TYPE_RESERVED ? "reserved" :
	       t == MB_TYPE_PHYSMEM ? "physmem" : "?";
}

/**
 * cli_event_args() - an event's arguments and result as one short text
 * @e: event
 * @buf: output
 * @len: size of @buf
 */
void cli_event_args(const struct mb_event *e, char *buf, size_t len)
{
	bool failed = e->rec.rflags & MB_REC_FAILED;
	size_t n = 0;

	buf[0] = 0;
	switch (kind_of(e->rec.op)) {
	case K_RANGE:
		n = (size_t)snprintf(buf, len, "[0x%016" PRIx64 "-0x%016" PRIx64 "] 0x%" PRIx64,
				     e->rec.base, e->rec.base + e->rec.size - (e->rec.size ? 1 : 0),
				     e->rec.size);
		if (e->rec.op == MB_OP_SET_NODE && n < len)
			n += (size_t)snprintf(buf + n, len - n, " %s nid=%d",
					      type_name(e->rec.mflags), e->rec.nid);
		else if (e->rec.op == MB_OP_ADD_NODE && n < len)
			n += (size_t)snprintf(buf + n, len - n, " nid=%d flags=0x%x", e->rec.nid,
					      e->rec.mflags);
		if (failed && n < len)
			snprintf(buf + n, len - n, " = %" PRId64, (int64_t)e->rec.result);
		break;
	case K_ALLOC:
		n = (size_t)snprintf(buf, len, "size=0x%" PRIx64 " align=0x%" PRIx64, e->rec.size,
				     e->rec.align);
		if (e->rec.nid != -1 && n < len)
			n += (size_t)snprintf(buf + n, len - n, " nid=%d", e->rec.nid);
		if ((e->rec.min_addr || e->rec.max_addr) && n < len)
			n += (size_t)snprintf(buf + n, len - n, " range=0x%" PRIx64 "-0x%" PRIx64,
					      e->rec.min_addr, e->rec.max_addr);
		if (n < len) {
			if (failed || !e->rec.result)
				snprintf(buf + n, len - n, " -> FAILED");
			else
				snprintf(buf + n, len - n, " -> 0x%016" PRIx64, e->rec.result);
		}
		break;
	case K_VALUE:
		snprintf(buf, len, "0x%" PRIx64, e->rec.max_addr);
		break;
	case K_BOOL:
		snprintf(buf, len, "%s", e->rec.max_addr ? "true" : "false");
		break;
	case K_DOUBLE:
		snprintf(buf, len, "%s -> %" PRIu64 " entries at 0x%016" PRIx64 "%s",
			 type_name(e->rec.mflags), e->rec.max_addr, e->rec.base,
			 failed ? " FAILED" : "");
		break;
	case K_NONE:
		if (failed)
			snprintf(buf, len, "= %" PRId64, (int64_t)e->rec.result);
		break;
	}
}

/*
 * "chain_method" and "chain" (frame 0 = the caller, outwards), only for
 * events that have a caller chain: captures without chains keep their shape.
 */
static void json_chain(struct json *j, const struct mb_capture *c, size_t idx)
{
	const struct mb_frame *f;
	unsigned int n, m, k;
	char buf[320];

	n = mb_event_chain(c, idx, &f, &m);
	if (!n)
		return;
	json_str_field(j, "chain_method", mb_chain_method_name(m));
	json_key(j, "chain");
	json_arr_begin(j);
	for (k = 0; k < n; k++) {
		const char *name = mb_frame_name(c, &f[k]);

		json_obj_begin(j);
		json_hex_field(j, "address", f[k].addr);
		mb_frame_format(c, &f[k], buf, sizeof(buf));
		json_str_field(j, "text", buf);
		json_str_field(j, "symbol", name);
		json_hex_field(j, "offset", f[k].off);
		json_hex_field(j, "length", f[k].len);
		json_obj_end(j);
	}
	json_arr_end(j);
}

/* `log --stack`: the chain under its event, one frame a line. */
static void print_chain(const struct mb_capture *c, size_t idx)
{
	const struct mb_frame *f;
	unsigned int n, k;
	char buf[320];

	n = mb_event_chain(c, idx, &f, NULL);
	for (k = 0; k < n; k++) {
		mb_frame_format(c, &f[k], buf, sizeof(buf));
		printf("%10s#%-2u %s\n", "", k, buf);
	}
}

/**
 * cli_json_event() - one event as a JSON object
 * @j: writer
 * @c: capture (symbols)
 * @idx: event index
 */
void cli_json_event(struct json *j, const struct mb_capture *c, size_t idx)
{
	const struct mb_event *e = &c->events[idx];
	const char *op = mb_op_name(e->rec.op), *sym = mb_event_sym(c, e);
	char buf[320];

	json_obj_begin(j);
	json_uint_field(j, "index", idx);
	json_uint_field(j, "seq", e->rec.seq);
	json_str_field(j, "op", op ? op : "unknown");
	json_uint_field(j, "depth", e->rec.depth);
	json_uint_field(j, "tsc", e->rec.tsc);
	json_bool_field(j, "failed", e->rec.rflags & MB_REC_FAILED);
	json_hex_field(j, "base", e->rec.base);
	json_hex_field(j, "size", e->rec.size);
	json_hex_field(j, "align", e->rec.align);
	json_hex_field(j, "min_addr", e->rec.min_addr);
	json_hex_field(j, "max_addr", e->rec.max_addr);
	json_int_field(j, "nid", e->rec.nid);
	json_key(j, "flags");
	cli_json_flags(j, e->rec.mflags);
	json_hex_field(j, "result", e->rec.result);
	/* Imported console logs name the caller as symbol+offset: no address. */
	json_key(j, "caller");
	json_obj_begin(j);
	json_str_field(j, "text", cli_sym(c, e, buf, sizeof(buf)));
	json_str_field(j, "symbol", sym);
	json_hex_field(j, "offset", e->caller_off);
	json_key(j, "address");
	if (c->source == MB_SRC_CONSOLE || c->source == MB_SRC_LINUX_LIVE || !e->rec.caller)
		json_null(j);
	else
		json_hex(j, e->rec.caller);
	json_obj_end(j);
	json_uint_field(j, "memory_cnt", e->rec.memory_cnt);
	json_uint_field(j, "reserved_cnt", e->rec.reserved_cnt);
	json_chain(j, c, idx);
	json_obj_end(j);
}

struct log_filter {
	unsigned int ops[64];
	size_t nops;
	const char *caller;
	bool have_range, have_seq, no_internal;
	uint64_t ra, rb, sa, sb;
};

static bool touches(const struct mb_event *e, uint64_t a, uint64_t b)
{
	uint64_t lo, hi;

	switch (kind_of(e->rec.op)) {
	case K_RANGE:
		lo = e->rec.base;
		hi = e->rec.base + e->rec.size;
		break;
	case K_ALLOC:
		if (!e->rec.result || (e->rec.rflags & MB_REC_FAILED))
			return false;
		lo = e->rec.result;
		hi = e->rec.result + e->rec.size;
		break;
	case K_DOUBLE:
		lo = e->rec.base;
		hi = e->rec.base + e->rec.size;
		break;
	default:
		return false;
	}
	if (hi == lo)
		return lo >= a && lo < b;
	return lo < b && hi > a;
}

static bool keep(const struct log_filter *f, const struct mb_capture *c,
		 const struct mb_event *e)
{
	size_t i;

	if (f->no_internal && e->rec.depth)
		return false;
	if (f->have_seq && (e->rec.seq < f->sa || e->rec.seq > f->sb))
		return false;
	if (f->nops) {
		for (i = 0; i < f->nops; i++)
			if (f->ops[i] == e->rec.op)
				break;
		if (i == f->nops)
			return false;
	}
	if (f->caller) {
		const char *s = mb_event_sym(c, e);

		if (!s || fnmatch(f->caller, s, 0))
			return false;
	}
	if (f->have_range && !touches(e, f->ra, f->rb))
		return false;
	return true;
}

static int parse_ops(struct log_filter *f, const char *arg)
{
	char *dup = strdup(arg), *tok, *save = NULL;
	int rc = 0;

	if (!dup)
		return -1;
	for (tok = strtok_r(dup, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned int op = mb_op_from_name(tok);

		if (!op) {
			cli_fail(MB_EXIT_USAGE, "log: unknown operation '%s'", tok);
			rc = -1;
			break;
		}
		if (f->nops < sizeof(f->ops) / sizeof(f->ops[0]))
			f->ops[f->nops++] = op;
	}
	free(dup);
	return rc;
}

/**
 * cmd_log() - list recorded calls
 * @argc: argument count
 * @argv: arguments, argv[0] = "log"
 *
 * Return: exit status.
 */
int cmd_log(int argc, char **argv)
{
	struct log_filter f;
	struct cli_args a;
	struct mb_capture *c;
	struct json *j = NULL;
	size_t i, shown = 0;
	bool stack;
	int rc;

	if (cli_args_parse(argc, argv, 1, "one INPUT file", &a))
		return MB_EXIT_USAGE;
	memset(&f, 0, sizeof(f));
	f.caller = a.arg['c'];
	f.have_range = a.arg['r'];
	f.have_seq = a.arg['s'];
	f.no_internal = a.arg['n'];
	stack = a.arg['S'];
	if ((a.arg['o'] && parse_ops(&f, a.arg['o'])) ||
	    (f.have_range && cli_arg_range("--range", a.arg['r'], &f.ra, &f.rb)) ||
	    (f.have_seq && cli_arg_range("--seq", a.arg['s'], &f.sa, &f.sb)))
		return MB_EXIT_USAGE;
	c = cli_open(argv[optind], NULL, 0, &rc);
	if (!c)
		return rc;
	if (cli_json) {
		j = cli_json_begin(argv[optind]);
		cli_json_log(j, c);
		json_key(j, "events");
		json_arr_begin(j);
	}
	for (i = 0; i < c->nevents; i++) {
		const struct mb_event *e = &c->events[i];
		char args[320], sym[320], esc[1300];
		const char *op;

		if (!keep(&f, c, e))
			continue;
		shown++;
		if (j) {
			cli_json_event(j, c, i);
			continue;
		}
		op = mb_op_name(e->rec.op);
		cli_event_args(e, args, sizeof(args));
		printf("%7" PRIu64 " %*s%-30s %-60s %s\n", e->rec.seq,
		       e->rec.depth > 8 ? 16 : e->rec.depth * 2, "", op ? op : "unknown", args,
		       cli_escape(cli_sym(c, e, sym, sizeof(sym)), esc, sizeof(esc)));
		if (stack)
			print_chain(c, i);
	}
	if (j) {
		json_arr_end(j);
		json_uint_field(j, "shown", shown);
		cli_json_end(j);
	} else if (stack && !c->nframes) {
		fprintf(stderr, "note: %s has no caller chains (written before chains existed, "
			"or its source logs none)\n", argv[optind]);
	}
	if (!j && c->log_dropped) {
		fprintf(stderr, "warning: the log is incomplete: %llu calls were not recorded\n",
			(unsigned long long)c->log_dropped);
	}
	cli_release(c);
	return 0;
}
