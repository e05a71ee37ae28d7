/* SPDX-License-Identifier: GPL-2.0-only */
/* orc.h - unwind a stock x86-64 Linux stack with the image's ORC tables, or by frame pointers. */
#ifndef MBAGENT_ORC_H
#define MBAGENT_ORC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mbagent/error.h"

struct mb_linux_image;

/*
 * Layouts of one 6-byte ORC entry (two little-endian s16 offsets, then a
 * 16-bit word of bit fields, low bits first):
 *   MB_ORC_FMT_V1 (Linux up to 6.2, e.g. 6.1): sp_reg:4 bp_reg:4 type:2 end:1;
 *     types 0 call, 1 regs, 2 partial regs; sp_reg undefined + end = end of stack.
 *   MB_ORC_FMT_V2 (with a 20-byte .orc_header, e.g. 6.12): sp_reg:4 bp_reg:4
 *     type:3 signal:1; types 0 undefined, 1 end of stack, 2 call, 3 regs,
 *     4 partial regs.
 */
enum mb_orc_format {
	MB_ORC_FMT_NONE = 0,
	MB_ORC_FMT_V1,
	MB_ORC_FMT_V2,
};

/* Register numbers of an entry's sp_reg/bp_reg (the same in both layouts). */
enum mb_orc_reg {
	MB_ORC_REG_UNDEFINED = 0,
	MB_ORC_REG_PREV_SP = 1,
	MB_ORC_REG_DX = 2,
	MB_ORC_REG_DI = 3,
	MB_ORC_REG_BP = 4,
	MB_ORC_REG_SP = 5,
	MB_ORC_REG_R10 = 6,
	MB_ORC_REG_R13 = 7,
	MB_ORC_REG_BP_INDIRECT = 8,
	MB_ORC_REG_SP_INDIRECT = 9,
};

/* What an entry says about its frame, independent of the layout. */
enum mb_orc_kind {
	MB_ORC_UNDEFINED = 0,	/* no unwind information here */
	MB_ORC_END,		/* outermost frame: the unwind is complete */
	MB_ORC_CALL,		/* ordinary frame: return address just below the CFA */
	MB_ORC_REGS,		/* a full struct pt_regs lies at the CFA */
	MB_ORC_REGS_PARTIAL,	/* only the hardware iret frame lies at the CFA */
};

/**
 * struct mb_orc_entry - one ORC entry, decoded
 * @ip: first code address the entry covers (up to the next entry's @ip)
 * @sp_offset: added to the @sp_reg base to give the CFA (the caller's SP)
 * @bp_offset: where the caller's BP was saved, relative to @bp_reg's base
 * @sp_reg: enum mb_orc_reg
 * @bp_reg: enum mb_orc_reg
 * @kind: enum mb_orc_kind
 * @signal: the next frame's address is exact (not a return address), as
 *   after an interrupt or exception frame
 */
struct mb_orc_entry {
	uint64_t ip;
	int16_t sp_offset;
	int16_t bp_offset;
	uint8_t sp_reg;
	uint8_t bp_reg;
	uint8_t kind;
	bool signal;
};

/* A parsed ORC table: every entry's address, sorted, and its raw 6 bytes. */
struct mb_orc;

/*
 * Reads @len bytes of guest memory at virtual address @addr into @buf.
 * Returns 0, or non-zero if the memory cannot be read.
 */
typedef int (*mb_orc_read_fn)(void *ctx, uint64_t addr, void *buf, size_t len);

/**
 * mb_orc_load_sections() - build a table from the raw ORC sections
 * @ip: .orc_unwind_ip contents (s32 offsets, each relative to its own address)
 * @ip_addr: virtual address of .orc_unwind_ip
 * @ip_size: its size in bytes (4 per entry)
 * @unwind: .orc_unwind contents (6 bytes per entry)
 * @unwind_size: its size in bytes
 * @header: .orc_header contents, NULL when the image has none
 * @header_size: its size
 * @version: the image's "Linux version X.Y..." banner (or "X.Y..."), may be
 *   NULL; used only when there is no .orc_header
 * @out: set to the table (free with mb_orc_free())
 * @err: filled on failure
 *
 * The layout is chosen from facts: a .orc_header whose 20-byte hash is a
 * known one selects MB_ORC_FMT_V2; no .orc_header and a banner older than
 * 6.3 selects MB_ORC_FMT_V1. Anything else is refused (MB_ERR_UNSUPPORTED),
 * as are tables whose sizes disagree or whose addresses are not sorted
 * (MB_ERR_FORMAT).
 *
 * Return: 0, or -1 with @err set.
 */
int mb_orc_load_sections(const void *ip, uint64_t ip_addr, size_t ip_size, const void *unwind,
			 size_t unwind_size, const void *header, size_t header_size,
			 const char *version, struct mb_orc **out, struct mb_error *err);

/**
 * mb_orc_load_elf() - build a table from a decompressed vmlinux held in memory
 * @elf: the ELF bytes
 * @len: their length
 * @version: as for mb_orc_load_sections(); NULL to look for the banner in .rodata
 * @out: set to the table
 * @err: filled on failure (MB_ERR_NOTFOUND when the image has no ORC sections:
 *   a kernel built without CONFIG_UNWINDER_ORC)
 *
 * Return: 0, or -1 with @err set.
 */
int mb_orc_load_elf(const void *elf, size_t len, const char *version, struct mb_orc **out,
		    struct mb_error *err);

/**
 * mb_orc_load_image() - build a table from an opened Linux image
 * @img: from mb_linux_image_open() (its banner decides when there is no header)
 * @out: set to the table
 * @err: filled on failure, as for mb_orc_load_elf()
 *
 * Return: 0, or -1 with @err set.
 */
int mb_orc_load_image(const struct mb_linux_image *img, struct mb_orc **out,
		      struct mb_error *err);

/**
 * mb_orc_free() - release a table (NULL is fine)
 * @o: the table
 */
void mb_orc_free(struct mb_orc *o);

/**
 * mb_orc_format() - which entry layout the table was read with
 * @o: the table
 *
 * Return: enum mb_orc_format.
 */
int mb_orc_format(const struct mb_orc *o);

/**
 * mb_orc_format_name() - "v1 (Linux <= 6.2)", "v2 (.orc_header)" or "none"
 * @fmt: enum mb_orc_format
 *
 * Return: a static string.
 */
const char *mb_orc_format_name(int fmt);

/**
 * mb_orc_count() - number of entries in the table
 * @o: the table
 *
 * Return: the count.
 */
size_t mb_orc_count(const struct mb_orc *o);

/**
 * mb_orc_entry_at() - decode the @i-th entry (in address order)
 * @o: the table
 * @i: index below mb_orc_count()
 * @e: filled
 *
 * Return: 0, or -1 if @i is out of range.
 */
int mb_orc_entry_at(const struct mb_orc *o, size_t i, struct mb_orc_entry *e);

/**
 * mb_orc_find() - decode the entry covering @ip
 * @o: the table
 * @ip: a code address
 * @e: filled
 *
 * Return: 0, or -1 if @ip lies before the first entry.
 */
int mb_orc_find(const struct mb_orc *o, uint64_t ip, struct mb_orc_entry *e);

/**
 * mb_orc_unwind() - collect the return addresses above a stopped frame
 * @o: the table
 * @rip: the stopped instruction (e.g. a breakpoint at a function's entry)
 * @rsp: the stack pointer at @rip
 * @rbp: the frame/base pointer at @rip
 * @read: reads guest memory (the stack)
 * @ctx: passed to @read
 * @frames: receives up to @max return addresses: frames[0] is where the
 *   function containing @rip returns to (the call site's next instruction in
 *   its caller, as an event's caller address), frames[1] where that caller
 *   returns to, and so on outwards. After an interrupt frame the exact
 *   interrupted address is stored instead. @rip itself is not stored.
 * @max: capacity of @frames
 * @why_stopped: if non-NULL, set to a static reason ("end of stack" when the
 *   outermost frame was reached; "frame limit reached" when @max frames were
 *   stored with more to go; otherwise why the walk could not go on: no entry,
 *   an undefined entry, an unreadable stack, a stack not growing, ...)
 *
 * Return: the number of frames stored (0..@max). A walk that stops early
 * still returns what it found.
 */
unsigned int mb_orc_unwind(const struct mb_orc *o, uint64_t rip, uint64_t rsp, uint64_t rbp,
			   mb_orc_read_fn read, void *ctx, uint64_t *frames, unsigned int max,
			   const char **why_stopped);

/**
 * mb_fp_unwind() - collect return addresses by following saved frame pointers
 * @rip: the stopped instruction (only checked to be non-zero)
 * @rsp: the stack pointer at @rip
 * @rbp: the frame pointer at @rip
 * @at_entry: true when stopped on a function's first instruction, before it
 *   pushed %rbp: frames[0] is then read at @rsp and the walk continues from
 *   @rbp (the caller's frame); false when @rbp already is this function's frame
 * @read: reads guest memory
 * @ctx: passed to @read
 * @frames: as for mb_orc_unwind()
 * @max: capacity of @frames
 * @why_stopped: as for mb_orc_unwind(); "end of frame-pointer chain" when
 *   a zero frame pointer or return address ends it
 *
 * For images without ORC (CONFIG_UNWINDER_FRAME_POINTER kernels, our test
 * kernel). Each frame is [saved %rbp][return address] at the frame pointer;
 * the walk stops when the chain does not move strictly upwards.
 *
 * Return: the number of frames stored.
 */
unsigned int mb_fp_unwind(uint64_t rip, uint64_t rsp, uint64_t rbp, bool at_entry,
			  mb_orc_read_fn read, void *ctx, uint64_t *frames, unsigned int max,
			  const char **why_stopped);

#endif /* MBAGENT_ORC_H */
