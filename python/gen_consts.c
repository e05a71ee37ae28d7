// SPDX-License-Identifier: GPL-2.0-only
/* gen_consts.c - print memblock/_consts.py: ABI constants and struct layouts as the C compiler sees them. */
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "uapi/mb_evlog.h"
#include "memblock.h"
#include "mbagent/capture.h"
#include "mbagent/error.h"
#include "mbagent/replay.h"

/*
 * Every number in the generated module is computed here by the compiler from
 * the headers (sizeof, offsetof, the enum and #define values, the X-macro
 * list); the names are the headers' own.  Nothing is parsed out of text.
 */

/* Signedness of an integer member: (type)-1 < 0. */
#define SIGNED_OF(s, f) ((__typeof__(((struct s *)0)->f))-1 < (__typeof__(((struct s *)0)->f))0)

/* ("name", offset, size, kind, count): kind "i" signed, "u" unsigned, "p" pointer. */
#define FLD(s, f) printf("        (%-16s %4zu, %2zu, '%s', 1),\n", "'" #f "',", \
			 offsetof(struct s, f), sizeof(((struct s *)0)->f), \
			 SIGNED_OF(s, f) ? "i" : "u")
#define ARR(s, f) printf("        (%-16s %4zu, %2zu, 'u', %zu),\n", "'" #f "',", \
			 offsetof(struct s, f), sizeof(((struct s *)0)->f[0]), \
			 sizeof(((struct s *)0)->f) / sizeof(((struct s *)0)->f[0]))
#define PTR(s, f) printf("        (%-16s %4zu, %2zu, 'p', 1),\n", "'" #f "',", \
			 offsetof(struct s, f), sizeof(((struct s *)0)->f))
#define SUB(s, f, t) printf("        (%-16s %4zu, %2zu, 's:%s', 1),\n", "'" #f "',", \
			    offsetof(struct s, f), sizeof(((struct s *)0)->f), #t)
#define BEGIN(s) printf("    '%s': (%zu, [\n", #s, sizeof(struct s))
#define END() printf("    ]),\n")

#define VAL(name) printf("%s = %lld\n", #name, (long long)(name))
#define UVAL(name) printf("%s = %#llx\n", #name, (unsigned long long)(name))
#define PAIR(name) printf("    ('%s', %lld),\n", #name, (long long)(name))
#define OP(suffix, val, str) printf("    ('%s', %d, '%s'),\n", #suffix, MB_OP_##suffix, str);

static void evlog_layouts(void)
{
	BEGIN(mb_evlog_header);
	FLD(mb_evlog_header, magic);
	FLD(mb_evlog_header, version);
	FLD(mb_evlog_header, header_size);
	FLD(mb_evlog_header, record_size);
	FLD(mb_evlog_header, capacity);
	FLD(mb_evlog_header, written);
	FLD(mb_evlog_header, dropped);
	FLD(mb_evlog_header, boot_state);
	FLD(mb_evlog_header, build_id_len);
	ARR(mb_evlog_header, build_id);
	FLD(mb_evlog_header, tsc_hz);
	FLD(mb_evlog_header, boot_tsc);
	FLD(mb_evlog_header, memblock_addr);
	ARR(mb_evlog_header, reserved);
	END();
	BEGIN(mb_evlog_record);
	FLD(mb_evlog_record, seq);
	FLD(mb_evlog_record, tsc);
	FLD(mb_evlog_record, op);
	FLD(mb_evlog_record, rflags);
	FLD(mb_evlog_record, nid);
	FLD(mb_evlog_record, base);
	FLD(mb_evlog_record, size);
	FLD(mb_evlog_record, align);
	FLD(mb_evlog_record, min_addr);
	FLD(mb_evlog_record, max_addr);
	FLD(mb_evlog_record, result);
	FLD(mb_evlog_record, caller);
	FLD(mb_evlog_record, mflags);
	FLD(mb_evlog_record, memory_cnt);
	FLD(mb_evlog_record, reserved_cnt);
	FLD(mb_evlog_record, depth);
	FLD(mb_evlog_record, pad);
	END();
}

static void capture_layouts(void)
{
	BEGIN(mb_region_rec);
	FLD(mb_region_rec, base);
	FLD(mb_region_rec, size);
	FLD(mb_region_rec, flags);
	FLD(mb_region_rec, nid);
	END();
	BEGIN(mb_array);
	FLD(mb_array, cnt);
	FLD(mb_array, max);
	FLD(mb_array, total_size);
	PTR(mb_array, regions);
	END();
	BEGIN(mb_state);
	FLD(mb_state, valid);
	FLD(mb_state, bottom_up);
	FLD(mb_state, current_limit);
	SUB(mb_state, memory, mb_array);
	SUB(mb_state, reserved, mb_array);
	END();
	BEGIN(mb_event);
	SUB(mb_event, rec, mb_evlog_record);
	FLD(mb_event, caller_sym);
	FLD(mb_event, caller_off);
	END();
	BEGIN(mb_frame);
	FLD(mb_frame, addr);
	FLD(mb_frame, sym);
	FLD(mb_frame, off);
	FLD(mb_frame, len);
	END();
	BEGIN(mb_meta);
	PTR(mb_meta, key);
	PTR(mb_meta, value);
	END();
	BEGIN(mb_checkpoint);
	FLD(mb_checkpoint, at);
	SUB(mb_checkpoint, state, mb_state);
	END();
	BEGIN(mb_capture);
	FLD(mb_capture, source);
	ARR(mb_capture, build_id);
	FLD(mb_capture, build_id_len);
	FLD(mb_capture, log_capacity);
	FLD(mb_capture, log_written);
	FLD(mb_capture, log_dropped);
	FLD(mb_capture, boot_state);
	SUB(mb_capture, initial, mb_state);
	SUB(mb_capture, final, mb_state);
	PTR(mb_capture, events);
	FLD(mb_capture, nevents);
	PTR(mb_capture, syms);
	FLD(mb_capture, nsyms);
	PTR(mb_capture, meta);
	FLD(mb_capture, nmeta);
	PTR(mb_capture, checkpoints);
	FLD(mb_capture, ncheckpoints);
	END();
	BEGIN(mb_error);
	FLD(mb_error, code);
	FLD(mb_error, err_no);
	FLD(mb_error, addr);
	ARR(mb_error, msg);
	END();
	BEGIN(mb_replay_report);
	FLD(mb_replay_report, events);
	FLD(mb_replay_report, applied);
	FLD(mb_replay_report, skipped);
	FLD(mb_replay_report, unknown_ops);
	FLD(mb_replay_report, allocs);
	FLD(mb_replay_report, alloc_mismatches);
	FLD(mb_replay_report, first_mismatch);
	FLD(mb_replay_report, mismatch_expected);
	FLD(mb_replay_report, mismatch_got);
	FLD(mb_replay_report, dropped);
	FLD(mb_replay_report, checkpoints);
	FLD(mb_replay_report, checkpoint_fail);
	FLD(mb_replay_report, diverged);
	ARR(mb_replay_report, divergence);
	END();
}

int main(void)
{
	printf("# SPDX-License-Identifier: GPL-2.0-only\n");
	printf("\"\"\"_consts.py - constants and struct layouts printed by the C compiler"
	       " (python/gen_consts.c). Do not edit.\"\"\"\n\n");

	UVAL(MB_EVLOG_MAGIC);
	VAL(MB_EVLOG_VERSION);
	VAL(MB_EVLOG_HEADER_SIZE);
	VAL(MB_EVLOG_RECORD_SIZE);
	VAL(MB_EVLOG_BUILD_ID_MAX);
	VAL(MB_REC_FAILED);
	VAL(MB_REC_INTERNAL);
	VAL(MB_TYPE_MEMORY);
	VAL(MB_TYPE_RESERVED);
	VAL(MB_TYPE_PHYSMEM);
	UVAL(MB_TYPE_UNKNOWN);
	UVAL(MB_NO_SYM);
	VAL(MB_CMP_MAX);
	VAL(MB_CMP_LIMITS);
	VAL(MB_CMP_TOTALS);
	VAL(MB_CHAIN_MAX);

	printf("\nBOOT_STATES = [\n");
	PAIR(MB_BOOT_STATE_EMPTY);
	PAIR(MB_BOOT_STATE_BOOTING);
	PAIR(MB_BOOT_STATE_DONE);
	PAIR(MB_BOOT_STATE_PANIC);
	printf("]\n\nREC_FLAGS = [\n");
	PAIR(MB_REC_FAILED);
	PAIR(MB_REC_INTERNAL);
	printf("]\n\nSOURCES = [\n");
	PAIR(MB_SRC_UNKNOWN);
	PAIR(MB_SRC_GDB);
	PAIR(MB_SRC_SERIAL);
	PAIR(MB_SRC_RAMFILE);
	PAIR(MB_SRC_CONSOLE);
	PAIR(MB_SRC_LINUX_LIVE);
	PAIR(MB_SRC_GDB_SCRIPT);
	printf("]\n\nCHAIN_METHODS = [\n");
	PAIR(MB_CHAIN_NONE);
	PAIR(MB_CHAIN_ORC);
	PAIR(MB_CHAIN_FP);
	PAIR(MB_CHAIN_KERNEL_FP);
	PAIR(MB_CHAIN_ONE);
	printf("]\n\nREGION_FLAGS = [\n");
	PAIR(MEMBLOCK_HOTPLUG);
	PAIR(MEMBLOCK_MIRROR);
	PAIR(MEMBLOCK_NOMAP);
	PAIR(MEMBLOCK_DRIVER_MANAGED);
	PAIR(MEMBLOCK_RSRV_NOINIT);
	printf("]\n\nERRORS = [\n");
	PAIR(MB_OK);
	PAIR(MB_ERR_INVAL);
	PAIR(MB_ERR_IO);
	PAIR(MB_ERR_NOMEM);
	PAIR(MB_ERR_PROTO);
	PAIR(MB_ERR_TIMEOUT);
	PAIR(MB_ERR_REMOTE);
	PAIR(MB_ERR_FORMAT);
	PAIR(MB_ERR_CORRUPT);
	PAIR(MB_ERR_NOTFOUND);
	PAIR(MB_ERR_MISMATCH);
	PAIR(MB_ERR_UNSUPPORTED);
	PAIR(MB_ERR_CLOSED);
	printf("]\n\n# (enum suffix, value, Linux function) of every operation\nOPS = [\n");
	MB_EVLOG_OPS(OP)
	printf("]\n\n# struct name: (sizeof, [(field, offset, size, kind, count)])\n"
	       "# kind: 'u' unsigned, 'i' signed, 'p' pointer, 's:NAME' embedded struct\n"
	       "STRUCTS = {\n");
	evlog_layouts();
	capture_layouts();
	printf("}\n");
	return ferror(stdout) ? 1 : 0;
}
