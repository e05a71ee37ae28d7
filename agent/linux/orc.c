// SPDX-License-Identifier: GPL-2.0-only
/* orc.c - parse a vmlinux's ORC tables (6.1 and 6.12 layouts) and walk stacks with them. */
#define _GNU_SOURCE
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "agent_internal.h"
#include "mbagent/linux.h"
#include "mbagent/orc.h"

#define ORC_ENTRY_SIZE	6
#define ORC_HASH_SIZE	20

/* Offsets inside x86-64 struct pt_regs (21 longs: r15 first, ss last). */
#define PT_R13		(2 * 8)
#define PT_BP		(4 * 8)
#define PT_R10		(7 * 8)
#define PT_DX		(12 * 8)
#define PT_DI		(14 * 8)
#define PT_IP		(16 * 8)
#define PT_SP		(19 * 8)
/* The hardware part (ip, cs, flags, sp, ss) starts at PT_IP. */
#define IRET_SP		(3 * 8)

/*
 * .orc_header hashes seen in real images whose entries use the V2 layout.
 * The hash identifies the layout definition, not the kernel build, so every
 * kernel sharing that definition carries the same 20 bytes.
 */
static const uint8_t known_v2_hashes[][ORC_HASH_SIZE] = {
	/* Debian 6.12.x (seen in 6.12.117+deb12-cloud-amd64) */
	{ 0xfe, 0x5d, 0x32, 0xbf, 0x58, 0x1b, 0xd6, 0x3b, 0x2c, 0xa9,
	  0xa5, 0xc6, 0x5b, 0xa5, 0xa6, 0x25, 0xea, 0xb3, 0xfe, 0x24 },
};

struct mb_orc {
	int fmt;
	size_t n;
	uint64_t *ips;		/* sorted */
	uint8_t *raw;		/* n * ORC_ENTRY_SIZE bytes */
};

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int32_t le32s(const uint8_t *p)
{
	return (int32_t)((uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
			 (uint32_t)p[3] << 24);
}

/* "Linux version 6.1.0-56-cloud-amd64 ..." or "6.1.0..." -> 6, 1. */
static int parse_version(const char *v, int *major, int *minor)
{
	const char *p;

	if (!v)
		return -1;
	p = strstr(v, "Linux version ");
	p = p ? p + 14 : v;
	if (sscanf(p, "%d.%d", major, minor) != 2)
		return -1;
	return 0;
}

static int choose_format(const uint8_t *header, size_t header_size, const char *version,
			 struct mb_error *err)
{
	char hex[2 * ORC_HASH_SIZE + 1];
	int major, minor;
	size_t i;

	if (header) {
		if (header_size != ORC_HASH_SIZE)
			return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
					    ".orc_header is %zu bytes, expected a %d-byte hash: "
					    "unknown ORC layout", header_size, ORC_HASH_SIZE);
		for (i = 0; i < sizeof(known_v2_hashes) / sizeof(known_v2_hashes[0]); i++)
			if (!memcmp(header, known_v2_hashes[i], ORC_HASH_SIZE))
				return MB_ORC_FMT_V2;
		for (i = 0; i < ORC_HASH_SIZE; i++)
			snprintf(hex + 2 * i, 3, "%02x", header[i]);
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "unknown ORC layout: .orc_header hash %s is not one this "
				    "tool knows", hex);
	}
	if (parse_version(version, &major, &minor))
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "ORC tables without .orc_header and no kernel version "
				    "banner: cannot tell the entry layout");
	/* ORC arrived in 4.14; the V1 layout is known up to 6.2. */
	if ((major == 4 && minor >= 14) || major == 5 || (major == 6 && minor < 3))
		return MB_ORC_FMT_V1;
	return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
			    "ORC tables without .orc_header in Linux %d.%d: entry layout "
			    "not known", major, minor);
}

int mb_orc_load_sections(const void *ip, uint64_t ip_addr, size_t ip_size, const void *unwind,
			 size_t unwind_size, const void *header, size_t header_size,
			 const char *version, struct mb_orc **out, struct mb_error *err)
{
	const uint8_t *ipb = ip;
	struct mb_orc *o;
	size_t n, i;
	int fmt;

	*out = NULL;
	if (!ip || !unwind || !ip_size || ip_size % 4 || unwind_size % ORC_ENTRY_SIZE ||
	    ip_size / 4 != unwind_size / ORC_ENTRY_SIZE)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "ORC sections disagree: .orc_unwind_ip %zu bytes, "
				    ".orc_unwind %zu bytes", ip_size, unwind_size);
	fmt = choose_format(header, header_size, version, err);
	if (fmt < 0)
		return -1;
	n = ip_size / 4;
	o = calloc(1, sizeof(*o));
	if (o) {
		o->ips = malloc(n * sizeof(*o->ips));
		o->raw = malloc(n * ORC_ENTRY_SIZE);
	}
	if (!o || !o->ips || !o->raw) {
		mb_orc_free(o);
		return mb_error_set(err, MB_ERR_NOMEM, 0, 0, "no memory for %zu ORC entries", n);
	}
	o->fmt = fmt;
	o->n = n;
	for (i = 0; i < n; i++) {
		o->ips[i] = ip_addr + 4 * i + (uint64_t)(int64_t)le32s(ipb + 4 * i);
		if (i && o->ips[i] < o->ips[i - 1]) {
			uint64_t bad = o->ips[i];

			mb_orc_free(o);
			return mb_error_set(err, MB_ERR_FORMAT, 0, bad,
					    ".orc_unwind_ip is not sorted (entry %zu, 0x%llx)", i,
					    (unsigned long long)bad);
		}
	}
	memcpy(o->raw, unwind, n * ORC_ENTRY_SIZE);
	*out = o;
	return 0;
}

static void find_banner(Elf *e, size_t shstrndx, char *buf, size_t cap)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *d;
	const char *name, *p;
	size_t i, n;

	buf[0] = 0;
	while ((scn = elf_nextscn(e, scn))) {
		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, ".rodata"))
			continue;
		d = elf_getdata(scn, NULL);
		if (!d || !d->d_buf)
			return;
		p = memmem(d->d_buf, d->d_size, "Linux version ", 14);
		if (!p)
			return;
		n = (size_t)((const char *)d->d_buf + d->d_size - p);
		for (i = 0; i < n && i + 1 < cap && p[i] >= ' ' && p[i] < 0x7f; i++)
			buf[i] = p[i];
		buf[i] = 0;
		return;
	}
}

int mb_orc_load_elf(const void *elf, size_t len, const char *version, struct mb_orc **out,
		    struct mb_error *err)
{
	const void *data[3] = { NULL, NULL, NULL };
	static const char *const names[3] = { ".orc_unwind_ip", ".orc_unwind", ".orc_header" };
	size_t size[3] = { 0, 0, 0 }, shstrndx;
	uint64_t ip_addr = 0;
	char banner[256];
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	Elf_Data *d;
	Elf *e;
	int i, ret;

	*out = NULL;
	elf_version(EV_CURRENT);
	e = elf_memory((char *)elf, len);
	if (!e || elf_kind(e) != ELF_K_ELF || elf_getshdrstrndx(e, &shstrndx)) {
		if (e)
			elf_end(e);
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "not an ELF image: %s",
				    elf_errmsg(-1));
	}
	while ((scn = elf_nextscn(e, scn))) {
		const char *name;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_PROGBITS)
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		for (i = 0; name && i < 3; i++) {
			if (strcmp(name, names[i]))
				continue;
			d = elf_getdata(scn, NULL);
			if (!d || !d->d_buf || d->d_size != sh.sh_size) {
				elf_end(e);
				return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
						    "cannot read section %s", name);
			}
			data[i] = d->d_buf;
			size[i] = d->d_size;
			if (i == 0)
				ip_addr = sh.sh_addr;
		}
	}
	if (!data[0] || !data[1]) {
		elf_end(e);
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "vmlinux has no .orc_unwind_ip/.orc_unwind sections (kernel "
				    "built without CONFIG_UNWINDER_ORC)");
	}
	if (!version) {
		find_banner(e, shstrndx, banner, sizeof(banner));
		version = banner;
	}
	ret = mb_orc_load_sections(data[0], ip_addr, size[0], data[1], size[1], data[2], size[2],
				   version, out, err);
	elf_end(e);
	return ret;
}

int mb_orc_load_image(const struct mb_linux_image *img, struct mb_orc **out,
		      struct mb_error *err)
{
	const struct mb_linux_section *ip, *un, *hd;

	*out = NULL;
	ip = mb_linux_image_section(img, ".orc_unwind_ip");
	un = mb_linux_image_section(img, ".orc_unwind");
	hd = mb_linux_image_section(img, ".orc_header");
	if (!ip || !un || !ip->data || !un->data)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "vmlinux has no .orc_unwind_ip/.orc_unwind sections (kernel "
				    "built without CONFIG_UNWINDER_ORC)");
	return mb_orc_load_sections(ip->data, ip->addr, ip->size, un->data, un->size,
				    hd ? hd->data : NULL, hd ? hd->size : 0, img->version, out,
				    err);
}

void mb_orc_free(struct mb_orc *o)
{
	if (!o)
		return;
	free(o->ips);
	free(o->raw);
	free(o);
}

int mb_orc_format(const struct mb_orc *o)
{
	return o ? o->fmt : MB_ORC_FMT_NONE;
}

const char *mb_orc_format_name(int fmt)
{
	switch (fmt) {
	case MB_ORC_FMT_V1:
		return "v1 (Linux <= 6.2)";
	case MB_ORC_FMT_V2:
		return "v2 (.orc_header)";
	default:
		return "none";
	}
}

size_t mb_orc_count(const struct mb_orc *o)
{
	return o ? o->n : 0;
}

/*
 * The frame kind by the type bits of each layout: v1 keeps two bits
 * (call, regs, partial regs) and marks the end by an undefined sp register
 * with bit 10 set; v2 keeps three bits (undefined, end, call, regs, partial
 * regs) and the signal flag in bit 11.
 */
static const uint8_t v1_kinds[4] = {
	MB_ORC_CALL, MB_ORC_REGS, MB_ORC_REGS_PARTIAL, MB_ORC_UNDEFINED,
};
static const uint8_t v2_kinds[8] = {
	MB_ORC_UNDEFINED, MB_ORC_END, MB_ORC_CALL, MB_ORC_REGS, MB_ORC_REGS_PARTIAL,
	MB_ORC_UNDEFINED, MB_ORC_UNDEFINED, MB_ORC_UNDEFINED,
};

static void decode(const struct mb_orc *o, size_t i, struct mb_orc_entry *e)
{
	const uint8_t *p = o->raw + i * ORC_ENTRY_SIZE;
	uint16_t w = le16(p + 4);

	memset(e, 0, sizeof(*e));
	e->ip = o->ips[i];
	e->sp_offset = (int16_t)le16(p);
	e->bp_offset = (int16_t)le16(p + 2);
	e->sp_reg = w & 0xf;
	e->bp_reg = (w >> 4) & 0xf;
	if (o->fmt == MB_ORC_FMT_V1) {
		if (e->sp_reg == MB_ORC_REG_UNDEFINED)
			e->kind = ((w >> 10) & 1) ? MB_ORC_END : MB_ORC_UNDEFINED;
		else
			e->kind = v1_kinds[(w >> 8) & 3];
		e->signal = e->kind == MB_ORC_REGS || e->kind == MB_ORC_REGS_PARTIAL;
		return;
	}
	e->kind = v2_kinds[(w >> 8) & 7];
	e->signal = (w >> 11) & 1;
}

int mb_orc_entry_at(const struct mb_orc *o, size_t i, struct mb_orc_entry *e)
{
	if (!o || i >= o->n)
		return -1;
	decode(o, i, e);
	return 0;
}

int mb_orc_find(const struct mb_orc *o, uint64_t ip, struct mb_orc_entry *e)
{
	if (!o || !o->n || ip < o->ips[0])
		return -1;
	/* Last entry whose address is <= ip. */
	decode(o, mb_last_at_or_below(o->ips, o->n, ip), e);
	return 0;
}

static int rd64(mb_orc_read_fn read, void *ctx, uint64_t addr, uint64_t *v)
{
	uint8_t b[8];
	int i;

	if (read(ctx, addr, b, 8))
		return -1;
	*v = 0;
	for (i = 7; i >= 0; i--)
		*v = *v << 8 | b[i];
	return 0;
}

unsigned int mb_orc_unwind(const struct mb_orc *o, uint64_t rip, uint64_t rsp, uint64_t rbp,
			   mb_orc_read_fn read, void *ctx, uint64_t *frames, unsigned int max,
			   const char **why_stopped)
{
	uint64_t ip = rip, sp = rsp, bp = rbp, regs = 0, cfa, nip, nsp, v;
	bool exact = true, full_regs = false;
	const char *why = "frame limit reached";
	struct mb_orc_entry e;
	unsigned int n = 0;

	for (;;) {
		if (!ip) {
			why = "return address is zero";
			break;
		}
		if (mb_orc_find(o, exact ? ip : ip - 1, &e)) {
			why = "no ORC entry for address";
			break;
		}
		if (e.kind == MB_ORC_END) {
			why = "end of stack";
			break;
		}
		if (e.kind == MB_ORC_UNDEFINED) {
			why = "ORC entry undefined at address";
			break;
		}
		if (n >= max) {
			why = "frame limit reached";
			break;
		}
		switch (e.sp_reg) {
		case MB_ORC_REG_SP:
			cfa = sp + (int64_t)e.sp_offset;
			break;
		case MB_ORC_REG_BP:
			cfa = bp + (int64_t)e.sp_offset;
			break;
		case MB_ORC_REG_SP_INDIRECT:
			if (rd64(read, ctx, sp, &cfa))
				goto unreadable;
			cfa += (int64_t)e.sp_offset;
			break;
		case MB_ORC_REG_BP_INDIRECT:
			if (rd64(read, ctx, bp + (int64_t)e.sp_offset, &cfa))
				goto unreadable;
			break;
		case MB_ORC_REG_R10:
		case MB_ORC_REG_R13:
		case MB_ORC_REG_DI:
		case MB_ORC_REG_DX: {
			static const uint8_t off[] = {
				[MB_ORC_REG_R10] = PT_R10, [MB_ORC_REG_R13] = PT_R13,
				[MB_ORC_REG_DI] = PT_DI, [MB_ORC_REG_DX] = PT_DX,
			};

			if (!full_regs) {
				why = "ORC needs a register that was not saved";
				goto out;
			}
			if (rd64(read, ctx, regs + off[e.sp_reg], &cfa))
				goto unreadable;
			break;
		}
		default:
			why = "unsupported ORC base register";
			goto out;
		}

		switch (e.kind) {
		case MB_ORC_CALL:
			if (rd64(read, ctx, cfa - 8, &nip))
				goto unreadable;
			nsp = cfa;
			if (nsp <= sp) {
				why = "stack not growing upward";
				goto out;
			}
			full_regs = false;
			exact = e.signal;
			break;
		case MB_ORC_REGS:
			if (rd64(read, ctx, cfa + PT_IP, &nip) || rd64(read, ctx, cfa + PT_SP, &nsp))
				goto unreadable;
			regs = cfa;
			full_regs = true;
			exact = true;
			break;
		default: /* MB_ORC_REGS_PARTIAL */
			if (rd64(read, ctx, cfa, &nip) || rd64(read, ctx, cfa + IRET_SP, &nsp))
				goto unreadable;
			full_regs = false;
			exact = true;
			break;
		}

		switch (e.bp_reg) {
		case MB_ORC_REG_UNDEFINED:
			if (full_regs) {
				if (rd64(read, ctx, regs + PT_BP, &v))
					goto unreadable;
				bp = v;
			}
			break;
		case MB_ORC_REG_PREV_SP:
			if (rd64(read, ctx, cfa + (int64_t)e.bp_offset, &bp))
				goto unreadable;
			break;
		case MB_ORC_REG_BP:
			if (rd64(read, ctx, bp + (int64_t)e.bp_offset, &bp))
				goto unreadable;
			break;
		default:
			why = "unsupported ORC frame-pointer register";
			goto out;
		}
		if (!nip) {
			why = "return address is zero";
			break;
		}
		frames[n++] = nip;
		ip = nip;
		sp = nsp;
	}
	goto out;
unreadable:
	why = "stack read failed";
out:
	if (why_stopped)
		*why_stopped = why;
	return n;
}

unsigned int mb_fp_unwind(uint64_t rip, uint64_t rsp, uint64_t rbp, bool at_entry,
			  mb_orc_read_fn read, void *ctx, uint64_t *frames, unsigned int max,
			  const char **why_stopped)
{
	const char *why = "end of frame-pointer chain";
	uint64_t fp = rbp, next, ret;
	unsigned int n = 0;

	if (!rip) {
		why = "no instruction pointer";
		goto out;
	}
	if (at_entry) {
		if (!max) {
			why = "frame limit reached";
			goto out;
		}
		if (rd64(read, ctx, rsp, &ret)) {
			why = "stack read failed";
			goto out;
		}
		if (!ret)
			goto out;
		frames[n++] = ret;
		if (fp && fp <= rsp) {
			why = "frame pointer below the stack pointer";
			goto out;
		}
	}
	while (fp) {
		if (fp & 7) {
			why = "misaligned frame pointer";
			break;
		}
		if (n >= max) {
			why = "frame limit reached";
			break;
		}
		if (rd64(read, ctx, fp, &next) || rd64(read, ctx, fp + 8, &ret)) {
			why = "stack read failed";
			break;
		}
		if (!ret)
			break;
		frames[n++] = ret;
		if (next && next <= fp) {
			why = "frame pointer not moving up the stack";
			break;
		}
		fp = next;
	}
out:
	if (why_stopped)
		*why_stopped = why;
	return n;
}
