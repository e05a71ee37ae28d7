/* SPDX-License-Identifier: GPL-2.0-only */
/* linux.h - stock Linux kernels: image extraction, BTF layout, locator, live capture. */
#ifndef MBAGENT_LINUX_H
#define MBAGENT_LINUX_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "mbagent/btf.h"
#include "mbagent/capture.h"
#include "mbagent/error.h"
#include "mbagent/qemu.h"

struct btf;

/* x86-64 with nokaslr: kernel image and direct-map bases. */
#define MB_LINUX_START_KERNEL_MAP	0xffffffff80000000ull
#define MB_LINUX_PAGE_OFFSET		0xffff888000000000ull

/**
 * struct mb_linux_section - one loaded section of the vmlinux
 * @name: section name (points into the image)
 * @addr: virtual address
 * @size: size in bytes
 * @data: contents (points into the image), NULL for NOBITS (.bss)
 */
struct mb_linux_section {
	const char *name;
	uint64_t addr;
	uint64_t size;
	const uint8_t *data;
};

/**
 * struct mb_linux_image - a Linux kernel image made ready for reading
 * @vmlinux: the uncompressed ELF (malloc'd), @vmlinux_len bytes
 * @compression: how the payload was packed: "none" (a vmlinux was given),
 *   "gzip", "xz", "lz4", "zstd"
 * @from_deb: the image came out of a Debian package
 * @deb_member: path of the kernel inside the package ("./boot/vmlinuz-...")
 * @version: the "Linux version ..." banner found in the image ("" if none)
 * @build_id: GNU build-id, @build_id_len bytes (0 if none)
 * @btf: the kernel's BTF (from .BTF), owned
 * @layout: layout of struct memblock from @btf (mb_btf_layout())
 * @has_symtab: the ELF has a .symtab
 * @secs: loaded sections (SHF_ALLOC with an address), @nsecs of them
 */
struct mb_linux_image {
	uint8_t *vmlinux;
	size_t vmlinux_len;
	const char *compression;
	bool from_deb;
	char deb_member[256];
	char version[256];
	uint8_t build_id[32];
	uint32_t build_id_len;
	struct btf *btf;
	struct mb_layout layout;
	bool has_symtab;
	struct mb_linux_section *secs;
	size_t nsecs;
};

/**
 * mb_linux_extract_vmlinux() - unpack the ELF inside an x86 bzImage
 * @buf: the bzImage bytes
 * @len: their length
 * @out: set to the malloc'd ELF
 * @out_len: set to its length
 * @kind: set to the compression name ("gzip", "xz", "lz4", "zstd")
 * @err: filled on failure
 *
 * Reads setup_sects, the protocol version and payload_offset/payload_length
 * from the boot header (protocol 2.08 or later) and decompresses the payload.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_linux_extract_vmlinux(const uint8_t *buf, size_t len, uint8_t **out, size_t *out_len,
			     const char **kind, struct mb_error *err);

/**
 * mb_linux_deb_find_kernel() - take boot/vmlinuz-* (or boot/vmlinux-*) out of a .deb
 * @buf: the package bytes (an ar archive)
 * @len: their length
 * @out: set to the malloc'd kernel file
 * @out_len: set to its length
 * @member: receives the member's path inside data.tar (may be NULL)
 * @member_cap: size of @member
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set.
 */
int mb_linux_deb_find_kernel(const uint8_t *buf, size_t len, uint8_t **out, size_t *out_len,
			     char *member, size_t member_cap, struct mb_error *err);

/**
 * mb_linux_image_open() - open a bzImage/vmlinuz, a vmlinux or a Debian package
 * @path: the file
 * @err: filled on failure
 *
 * Return: the image (free with mb_linux_image_free()), or NULL with @err set.
 */
struct mb_linux_image *mb_linux_image_open(const char *path, struct mb_error *err);

/**
 * mb_linux_image_from_elf() - take ownership of an uncompressed vmlinux buffer
 * @elf: malloc'd ELF bytes (freed by the image, also on failure)
 * @len: length
 * @err: filled on failure
 *
 * Return: the image, or NULL with @err set.
 */
struct mb_linux_image *mb_linux_image_from_elf(uint8_t *elf, size_t len, struct mb_error *err);

/**
 * mb_linux_image_free() - release an image (NULL is fine)
 * @img: the image
 */
void mb_linux_image_free(struct mb_linux_image *img);

/**
 * mb_linux_image_section() - find a loaded section by name
 * @img: the image
 * @name: e.g. ".init.data"
 *
 * Return: the section or NULL.
 */
const struct mb_linux_section *mb_linux_image_section(const struct mb_linux_image *img,
						      const char *name);

/**
 * mb_linux_image_read() - read image bytes at a kernel virtual address
 * @img: the image
 * @vaddr: virtual address
 * @buf: destination
 * @len: bytes
 *
 * NOBITS sections read as zeroes.
 *
 * Return: 0, or -1 if [@vaddr, @vaddr + @len) is not inside one section.
 */
int mb_linux_image_read(const struct mb_linux_image *img, uint64_t vaddr, void *buf, size_t len);

/**
 * mb_linux_symbol() - look a symbol up in the image's .symtab
 * @img: the image
 * @name: symbol name
 * @addr: set to its value
 *
 * Return: 0, or -1 if there is no .symtab or no such symbol.
 */
int mb_linux_symbol(const struct mb_linux_image *img, const char *name, uint64_t *addr);

/**
 * mb_linux_system_map_lookup() - look a symbol up in a System.map file
 * @path: the System.map
 * @name: symbol name
 * @addr: set to its address
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set (MB_ERR_NOTFOUND if the file lacks it).
 */
int mb_linux_system_map_lookup(const char *path, const char *name, uint64_t *addr,
			       struct mb_error *err);

struct mb_linux_kallsyms;

/* The kernel's own symbol table (kallsyms) decoded from a stripped vmlinux: see linux_kallsyms.c. */
struct mb_linux_kallsyms *mb_linux_kallsyms_open(const struct mb_linux_image *img,
						 struct mb_error *err);
int mb_linux_kallsyms_lookup(const struct mb_linux_kallsyms *k, const char *name, uint64_t *addr);
uint32_t mb_linux_kallsyms_count(const struct mb_linux_kallsyms *k);
int mb_linux_kallsyms_foreach(const struct mb_linux_kallsyms *k,
			      int (*fn)(void *ctx, char type, const char *name, uint64_t addr),
			      void *ctx);
void mb_linux_kallsyms_free(struct mb_linux_kallsyms *k);

/**
 * mb_linux_virt_to_phys() - translate a kernel address (nokaslr, x86-64)
 * @vaddr: a kernel image address (>= 0xffffffff80000000) or a direct-map
 *   address (0xffff888000000000 + phys)
 * @phys: set to the physical address
 *
 * Return: 0, or -1 if @vaddr is in neither mapping.
 */
int mb_linux_virt_to_phys(uint64_t vaddr, uint64_t *phys);

/* Read callback for the locator: 0 or -1. */
typedef int (*mb_linux_read_fn)(void *ctx, uint64_t vaddr, void *buf, size_t len);

/**
 * mb_linux_check_memblock() - does @vaddr hold a plausible struct memblock?
 * @img: the image (strings and static arrays are looked up in it)
 * @vaddr: candidate virtual address of struct memblock
 * @read: reads the candidate's memory (the image's or a live guest's)
 * @ctx: for @read
 * @why: receives the reason for a rejection (may be NULL)
 * @why_cap: size of @why
 *
 * Checks, with sizes and offsets from the image's BTF: memory.name and
 * reserved.name point at "memory" and "reserved"; both regions pointers are
 * kernel image or direct-map addresses, distinct; cnt <= max and max is
 * 128 times a power of two; total_size is at most the sum the arrays could
 * hold; bottom_up is 0 or 1.
 *
 * Return: true if plausible.
 */
bool mb_linux_check_memblock(const struct mb_linux_image *img, uint64_t vaddr,
			     mb_linux_read_fn read, void *ctx, char *why, size_t why_cap);

/**
 * mb_linux_locate_memblock() - find struct memblock in the image without symbols
 * @img: the image
 * @vaddr: set to the virtual address of struct memblock
 * @err: filled on failure (no candidate, or more than one)
 *
 * Scans .init.data, .data and .meminit.data (in that order; Debian's kernels,
 * built with CONFIG_MEMORY_HOTPLUG, keep it in .data) for a structure
 * accepted by mb_linux_check_memblock() whose regions pointers point at
 * static arrays inside the image.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_linux_locate_memblock(const struct mb_linux_image *img, uint64_t *vaddr,
			     struct mb_error *err);

/* When the live read happens. */
enum mb_linux_read_point {
	MB_LINUX_AT_AUTO = 0,	/* symbol if known, else pattern if given, else idle */
	MB_LINUX_AT_SYMBOL,	/* hardware breakpoint at @read_symbol */
	MB_LINUX_AT_PATTERN,	/* state at the last console occurrence of @pattern */
	MB_LINUX_AT_IDLE,	/* console silent for @idle_ms after its first output */
};

/**
 * struct mb_linux_opts - what to boot and when to read
 * @image: bzImage/vmlinuz, vmlinux or Debian package (required)
 * @system_map: System.map (NULL = none; the image's .symtab is used if any)
 * @memblock_addr: virtual address of struct memblock if already known (0 = find)
 * @read_point: enum mb_linux_read_point
 * @read_symbol: symbol to break at (NULL = "memblock_free_all")
 * @pattern: console text marking the read point (NULL: none for AUTO;
 *   "MEMBLOCK configuration:" for AT_PATTERN)
 * @end_pattern: console text after which the read happens at the latest when
 *   reading at a pattern (NULL = "Memory: ")
 * @idle_ms: silence that counts as "no progress" (0 = 3000)
 * @no_memblock_debug: do not add memblock=debug
 * @machine: the guest (@machine.mem NULL = "512M"; @machine.append: extra
 *   kernel command line words)
 * @timeout_s: give up after this many seconds (0 = 120)
 * @console_out: if non-NULL, the serial console text is copied to this file
 * @progress: print progress on stderr
 * @no_kallsyms: do not decode the image's kallsyms tables (symbols then come
 *   only from .symtab or @system_map)
 * @trace: record every memblock call from the first one to the read point
 *   (needs a symbol read point and the kallsyms tables; see linux_trace.h)
 * @trace_max_hits: per entry point bound of a trace (0 = default)
 * @trace_max_events: event bound of a trace (0 = default)
 */
struct mb_linux_opts {
	const char *image;
	const char *system_map;
	uint64_t memblock_addr;
	int read_point;
	const char *read_symbol;
	const char *pattern;
	const char *end_pattern;
	int idle_ms;
	bool no_memblock_debug;
	struct mb_machine machine;
	int timeout_s;
	const char *console_out;
	bool progress;
	bool no_kallsyms;
	bool trace;
	unsigned long trace_max_hits;
	size_t trace_max_events;
};

/**
 * mb_linux_parse_read_point() - parse a --read-at argument into @o
 * @s: "auto", "symbol", "symbol:NAME", "pattern", "pattern:TEXT" or "idle"
 *   ("idle:MS" sets the silence in milliseconds)
 * @o: options to update (read_point, read_symbol, pattern, idle_ms); the
 *   strings point into @s
 * @err: filled on failure
 *
 * Return: 0, or -1 with @err set (MB_ERR_INVAL).
 */
int mb_linux_parse_read_point(const char *s, struct mb_linux_opts *o, struct mb_error *err);

int mb_linux_read_state(const struct mb_layout *l, uint64_t vaddr, mb_linux_read_fn read,
			void *ctx, struct mb_state *st, struct mb_error *err);
uint64_t mb_linux_type_field(const struct mb_layout *l, const void *mb, bool memory,
			     const struct mb_field *f);

/**
 * mb_linux_capture() - boot a stock Linux kernel and read struct memblock live
 * @o: options
 * @err: filled on failure
 *
 * Boots @o->image under QEMU (nokaslr, memblock=debug, console on ttyS0,
 * -nic none, -no-reboot, panic=-1) with its gdbstub, reads struct memblock at
 * the chosen read point, and imports the console's memblock=debug lines as
 * events. The capture's source is MB_SRC_LINUX_LIVE, @final holds the arrays
 * read live, @initial the first "MEMBLOCK configuration:" block. Symbols
 * (struct memblock, the read symbol) come from .symtab, then @system_map,
 * then (for the read symbol, or when the shape scan fails) the kernel's own
 * kallsyms tables. Metadata: "read_point" ("symbol memblock_free_all (...,
 * address from kallsyms)", "pattern ...", "idle (...)"), "memblock_addr",
 * "memblock_found_by" ("symtab", "system.map", "scan", "kallsyms", "given"),
 * "memblock_kallsyms" (kallsyms' address and whether it agrees),
 * "linux_version", "image", "image_compression", "ram_size",
 * "kernel_cmdline", "qemu_cmdline", and "warning" when an idle read may have
 * seen freed arrays.
 *
 * Return: a capture (free with mb_capture_free()), or NULL with @err set.
 */
struct mb_capture *mb_linux_capture(const struct mb_linux_opts *o, struct mb_error *err);

#endif /* MBAGENT_LINUX_H */
