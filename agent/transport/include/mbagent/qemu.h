/* SPDX-License-Identifier: GPL-2.0-only */
/* qemu.h - start and stop a QEMU for a capture; the RAM-file transport. */
#ifndef MBAGENT_QEMU_H
#define MBAGENT_QEMU_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "mbagent/error.h"
#include "mbagent/transport.h"

/**
 * struct mb_machine - the guest as the user asks for it, the same for both
 *   kernels (capture's --mem, --smp, --numa, --append, --initrd, --qemu)
 * @qemu: QEMU binary (NULL: $MB_QEMU, else qemu-system-x86_64 from PATH)
 * @mem: -m value (NULL: the kernel's default, "256M" for ours and "512M"
 *   for stock Linux)
 * @smp: CPUs (0: 1)
 * @append: kernel command line (NULL: none; stock Linux adds its own words)
 * @initrd: -initrd file (NULL: none)
 * @numa_nodes: NUMA nodes (0: none); RAM is split evenly in MiB and the
 *   CPUs in order, the same way for both kernels
 * @extra: NULL-terminated extra QEMU arguments (NULL: none)
 */
struct mb_machine {
	const char *qemu;
	const char *mem;
	int smp;
	const char *append;
	const char *initrd;
	int numa_nodes;
	const char *const *extra;
};

/**
 * struct mb_qemu_opts - how to start QEMU (the one launcher of both kernels)
 * @machine: the guest (@machine.mem NULL: "256M")
 * @kernel: kernel ELF for -kernel
 * @serial: give COM2 a unix-socket chardev (the serial transport)
 * @ramfile: back guest RAM by a shared file (the RAM-file transport)
 * @stock_linux: boot a distribution kernel: QEMU's default devices, the
 *   console alone on COM1, started frozen (-S) for the gdbstub, pausing
 *   instead of shutting down (no @serial)
 */
struct mb_qemu_opts {
	struct mb_machine machine;
	const char *kernel;
	bool serial;
	bool ramfile;
	bool stock_linux;
};

/**
 * struct mb_qemu - a running QEMU started by the agent
 * @pid: process id (0 once reaped)
 * @dir: private temporary directory holding the sockets and files
 * @gdb_addr: "unix:<dir>/gdb.sock" (always present)
 * @serial_path: COM2 socket path ("" without @serial)
 * @ram_path: RAM file ("" without @ramfile)
 * @console_path: COM1 output file
 * @log_path: QEMU's own stdout/stderr
 * @ram_bytes: guest RAM size
 * @cmdline: the command line, space-separated (for capture metadata)
 * @exit_status: wait status once reaped
 */
struct mb_qemu {
	pid_t pid;
	char dir[64];
	char gdb_addr[96];
	char serial_path[96];
	char ram_path[96];
	char console_path[96];
	char log_path[96];
	uint64_t ram_bytes;
	char *cmdline;
	int exit_status;
};

int mb_parse_size(const char *s, uint64_t *bytes);
struct mb_qemu *mb_qemu_start(const struct mb_qemu_opts *o, struct mb_error *err);
bool mb_qemu_alive(struct mb_qemu *q);
int mb_qemu_describe_exit(struct mb_qemu *q, struct mb_error *err);
void mb_qemu_stop(struct mb_qemu *q);

struct mb_transport *mb_ramfile_open(const char *path, uint64_t ram_bytes,
				     struct mb_error *err);

#endif /* MBAGENT_QEMU_H */
