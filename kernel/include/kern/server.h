/* SPDX-License-Identifier: GPL-2.0-only */
/* server.h - the COM2 serial-protocol server run after boot. */
#ifndef _KERN_SERVER_H
#define _KERN_SERVER_H

#include <stdint.h>
#include "kern/boot.h"

void serial_server_run(const struct boot_info *bi, uint64_t mapped_end,
		       const uint8_t *build_id, uint32_t build_id_len) __attribute__((noreturn));

#endif /* _KERN_SERVER_H */
