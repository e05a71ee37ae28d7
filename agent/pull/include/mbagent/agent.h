/* SPDX-License-Identifier: GPL-2.0-only */
/* agent.h - the capture entry point: boot or attach to QEMU, pull a capture. */
#ifndef MBAGENT_AGENT_H
#define MBAGENT_AGENT_H

#include <stdbool.h>
#include "mbagent/capture.h"
#include "mbagent/error.h"

/**
 * struct mb_capture_opts - what to capture and how
 * @kernel: kernel ELF to boot (NULL with @attach)
 * @transport: "gdb", "serial" or "ramfile" (NULL = "gdb")
 * @mem: QEMU -m value, e.g. "256M" (NULL = "256M")
 * @smp: number of CPUs (0 = 1)
 * @append: kernel command line (NULL = none)
 * @initrd: initrd file (NULL = none)
 * @numa_nodes: NUMA nodes to give QEMU (0 = no NUMA)
 * @attach: attach to a running QEMU instead of booting one:
 *   "unix:PATH", "tcp:HOST:PORT", "HOST:PORT" or "gdb:..." (gdbstub),
 *   "serial:PATH" (unix socket of the COM2 chardev), or "ramfile:PATH"
 *   (the memory-backend-file of a QEMU started with share=on; its size is
 *   the RAM size). An attached gdb target is left running afterwards.
 * @elf: ELF of the running kernel (symbols, BTF, build-id); NULL = @kernel
 * @progress: print progress on stderr (a terminal)
 * @timeout_s: give up if the boot is not done after this many seconds
 *   (0 = 60)
 * @qemu_extra: NULL-terminated extra QEMU arguments, or NULL
 * @qemu: QEMU binary (NULL = "qemu-system-x86_64")
 */
struct mb_capture_opts {
	const char *kernel;
	const char *transport;
	const char *mem;
	int smp;
	const char *append;
	const char *initrd;
	int numa_nodes;
	const char *attach;
	const char *elf;
	bool progress;
	int timeout_s;
	const char *const *qemu_extra;
	const char *qemu;
};

/**
 * mb_agent_capture() - boot (or attach to) QEMU and pull a capture
 * @o: options
 * @err: filled on failure
 *
 * Boots @o->kernel in QEMU (or attaches to @o->attach), waits until the
 * kernel's log header says the boot is done, reads the event log and the
 * final memblock arrays through @o->transport, stops QEMU it started.
 *
 * Return: a new capture (free with mb_capture_free()) or NULL with @err set.
 */
struct mb_capture *mb_agent_capture(const struct mb_capture_opts *o, struct mb_error *err);

#endif /* MBAGENT_AGENT_H */
