/* SPDX-License-Identifier: GPL-2.0-only */
/* agent.h - the capture entry point: boot or attach to QEMU, pull a capture. */
#ifndef MBAGENT_AGENT_H
#define MBAGENT_AGENT_H

#include <stdbool.h>
#include "mbagent/capture.h"
#include "mbagent/error.h"
#include "mbagent/qemu.h"

/**
 * struct mb_capture_opts - what to capture and how
 * @kernel: kernel ELF to boot (NULL with @attach)
 * @transport: "gdb", "serial" or "ramfile" (NULL = "gdb")
 * @machine: the guest to boot (@machine.mem NULL = "256M"); unused with
 *   @attach
 * @attach: attach to a running QEMU instead of booting one:
 *   "unix:PATH", "tcp:HOST:PORT", "HOST:PORT" or "gdb:..." (gdbstub),
 *   "serial:PATH" (unix socket of the COM2 chardev), or "ramfile:PATH"
 *   (the memory-backend-file of a QEMU started with share=on; its size is
 *   the RAM size). An attached gdb target is left running afterwards.
 * @elf: ELF of the running kernel (symbols, BTF, build-id); NULL = @kernel
 * @progress: print progress on stderr (a terminal)
 * @timeout_s: give up if the boot is not done after this many seconds
 *   (0 = 60)
 */
struct mb_capture_opts {
	const char *kernel;
	const char *transport;
	struct mb_machine machine;
	const char *attach;
	const char *elf;
	bool progress;
	int timeout_s;
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
