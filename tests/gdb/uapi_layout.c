// SPDX-License-Identifier: GPL-2.0-only
/* uapi_layout.c - print the event-log ABI as the C compiler sees it, for the gdb-scripts generator test. */
#include <stddef.h>
#include <stdio.h>

#include "uapi/mb_evlog.h"

#define FIELD(s, f) printf("field %s %s %zu %zu\n", #s, #f, offsetof(struct s, f), \
			   sizeof(((struct s *)0)->f))
#define OP(name, val, str) printf("op %s %d %s\n", #name, val, str);

int main(void)
{
	printf("size mb_evlog_header %zu\n", sizeof(struct mb_evlog_header));
	printf("size mb_evlog_record %zu\n", sizeof(struct mb_evlog_record));
	printf("define MB_EVLOG_MAGIC %llu\n", (unsigned long long)MB_EVLOG_MAGIC);
	printf("define MB_EVLOG_VERSION %d\n", MB_EVLOG_VERSION);
	printf("define MB_BOOT_STATE_DONE %d\n", MB_BOOT_STATE_DONE);
	printf("define MB_REC_FAILED %d\n", MB_REC_FAILED);
	printf("define MB_REC_INTERNAL %d\n", MB_REC_INTERNAL);
	FIELD(mb_evlog_header, magic);
	FIELD(mb_evlog_header, version);
	FIELD(mb_evlog_header, header_size);
	FIELD(mb_evlog_header, record_size);
	FIELD(mb_evlog_header, capacity);
	FIELD(mb_evlog_header, written);
	FIELD(mb_evlog_header, dropped);
	FIELD(mb_evlog_header, boot_state);
	FIELD(mb_evlog_header, build_id_len);
	FIELD(mb_evlog_header, build_id);
	FIELD(mb_evlog_header, tsc_hz);
	FIELD(mb_evlog_header, boot_tsc);
	FIELD(mb_evlog_header, memblock_addr);
	FIELD(mb_evlog_record, seq);
	FIELD(mb_evlog_record, tsc);
	FIELD(mb_evlog_record, op);
	FIELD(mb_evlog_record, rflags);
	FIELD(mb_evlog_record, nid);
	FIELD(mb_evlog_record, base);
	FIELD(mb_evlog_record, size);
	FIELD(mb_evlog_record, align);
	FIELD(mb_evlog_record, min_addr);
	FIELD(mb_evlog_record, max_addr);
	FIELD(mb_evlog_record, result);
	FIELD(mb_evlog_record, caller);
	FIELD(mb_evlog_record, mflags);
	FIELD(mb_evlog_record, memory_cnt);
	FIELD(mb_evlog_record, reserved_cnt);
	FIELD(mb_evlog_record, depth);
	MB_EVLOG_OPS(OP)
	return 0;
}
