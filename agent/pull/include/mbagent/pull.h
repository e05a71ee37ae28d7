/* SPDX-License-Identifier: GPL-2.0-only */
/* pull.h - decode the event log and struct memblock through a transport into a capture. */
#ifndef MBAGENT_PULL_H
#define MBAGENT_PULL_H

#include <stddef.h>
#include <stdint.h>
#include "mbagent/btf.h"
#include "mbagent/capture.h"
#include "mbagent/elf.h"
#include "mbagent/error.h"
#include "mbagent/target.h"
#include "mbagent/transport.h"
#include "uapi/mb_evlog.h"

/**
 * struct mb_pull_opts - what mb_pull() reads and records
 * @t: open transport (the guest should be stopped or done booting)
 * @elf: the running kernel's ELF (symbols, build-id); required
 * @layout: struct layouts from the kernel's BTF; required
 * @source: enum mb_source to record
 * @evlog_addr: physical address of the log (0: ELF symbol mb_evlog_area)
 * @evlog_bytes: size of the log area (0: that symbol's size)
 * @memblock_addr: physical address of struct memblock (0: log header, then
 *   ELF symbol memblock)
 * @qemu_cmdline: recorded as metadata (may be NULL)
 * @ram_size: guest RAM bytes, recorded as metadata (0: unknown)
 */
struct mb_pull_opts {
	struct mb_transport *t;
	struct mb_elf *elf;
	const struct mb_layout *layout;
	uint32_t source;
	uint64_t evlog_addr;
	uint64_t evlog_bytes;
	uint64_t memblock_addr;
	const char *qemu_cmdline;
	uint64_t ram_size;
};

struct mb_capture *mb_pull(const struct mb_pull_opts *o, struct mb_error *err);
int mb_pull_locate(struct mb_elf *elf, uint64_t *evlog_addr, uint64_t *evlog_bytes,
		   uint64_t *memblock_addr, struct mb_error *err);

#endif /* MBAGENT_PULL_H */
