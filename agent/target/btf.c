// SPDX-License-Identifier: GPL-2.0-only
/* btf.c - sizes and offsets of struct memblock, memblock_type, memblock_region from BTF. */
#include <bpf/btf.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "mbagent/btf.h"
#include "mbagent/outfile.h"

static const struct btf_type *find_struct(const struct btf *btf, const char *name,
					  int32_t *id, struct mb_error *err)
{
	const struct btf_type *t;

	*id = btf__find_by_name_kind(btf, name, BTF_KIND_STRUCT);
	if (*id < 0) {
		mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "BTF has no struct %s", name);
		return NULL;
	}
	t = btf__type_by_id(btf, *id);
	/*
	 * libbpf checks the type section's offset for alignment but not the
	 * header length, so a header of 25 bytes leaves every type record
	 * misaligned; refuse it rather than read u32s at odd addresses.
	 */
	if (!t || (uintptr_t)t % _Alignof(struct btf_type)) {
		mb_error_set(err, MB_ERR_FORMAT, 0, 0,
			     "BTF type data is misaligned (header length not a multiple of 4)");
		return NULL;
	}
	return t;
}

/* Fill @f from member @name of struct @t; @need: a missing member is an error. */
static int member(const struct btf *btf, const struct btf_type *t, const char *sname,
		  const char *name, struct mb_field *f, bool need, struct mb_error *err)
{
	const struct btf_member *m = btf_members(t);
	int n = btf_vlen(t);

	for (int i = 0; i < n; i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t bit = btf_member_bit_offset(t, i);
		__s64 sz;

		if (!mn || strcmp(mn, name))
			continue;
		if (bit % 8 || btf_member_bitfield_size(t, i))
			return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
					    "struct %s.%s is a bitfield", sname, name);
		sz = btf__resolve_size(btf, m->type);
		if (sz <= 0)
			return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
					    "struct %s.%s: no size in BTF", sname, name);
		f->off = bit / 8;
		f->size = (uint32_t)sz;
		f->present = true;
		if ((uint64_t)f->off + f->size > t->size)
			return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
					    "struct %s.%s lies outside the struct", sname, name);
		return 0;
	}
	f->present = false;
	if (need)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "BTF struct %s has no member %s",
				    sname, name);
	return 0;
}

static int scalar(const struct mb_field *f, const char *what, bool pointer,
		  struct mb_error *err)
{
	if (!f->present)
		return 0;
	if (pointer ? (f->size != 4 && f->size != 8) :
	    (f->size != 1 && f->size != 2 && f->size != 4 && f->size != 8))
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0, "%s is %u bytes", what,
				    f->size);
	return 0;
}

/**
 * mb_btf_layout() - read the memblock struct layouts out of parsed BTF
 * @btf: parsed BTF (our kernel's from pahole, or a vmlinux's .BTF)
 * @l: filled with sizes and offsets
 * @err: MB_ERR_NOTFOUND if a struct or required member is missing
 *
 * Return: 0 or -1.
 */
int mb_btf_layout(const struct btf *btf, struct mb_layout *l, struct mb_error *err)
{
	const struct btf_type *mb, *ty, *rg;
	int32_t id;

	memset(l, 0, sizeof(*l));
	mb = find_struct(btf, "memblock", &id, err);
	if (!mb)
		return -1;
	ty = find_struct(btf, "memblock_type", &id, err);
	if (!ty)
		return -1;
	rg = find_struct(btf, "memblock_region", &id, err);
	if (!rg)
		return -1;
	l->memblock_size = mb->size;
	l->type_size = ty->size;
	l->region_size = rg->size;
	if (member(btf, mb, "memblock", "bottom_up", &l->bottom_up, true, err) ||
	    member(btf, mb, "memblock", "current_limit", &l->current_limit, true, err) ||
	    member(btf, mb, "memblock", "memory", &l->memory, true, err) ||
	    member(btf, mb, "memblock", "reserved", &l->reserved, true, err) ||
	    member(btf, ty, "memblock_type", "cnt", &l->cnt, true, err) ||
	    member(btf, ty, "memblock_type", "max", &l->max, true, err) ||
	    member(btf, ty, "memblock_type", "total_size", &l->total_size, true, err) ||
	    member(btf, ty, "memblock_type", "regions", &l->regions, true, err) ||
	    member(btf, ty, "memblock_type", "name", &l->name, false, err) ||
	    member(btf, rg, "memblock_region", "base", &l->base, true, err) ||
	    member(btf, rg, "memblock_region", "size", &l->size, true, err) ||
	    member(btf, rg, "memblock_region", "flags", &l->flags, true, err) ||
	    member(btf, rg, "memblock_region", "nid", &l->nid, false, err))
		return -1;
	if (l->memory.size != l->type_size || l->reserved.size != l->type_size)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "struct memblock.memory is %u bytes, memblock_type %u",
				    l->memory.size, l->type_size);
	if (!l->region_size || !l->type_size || !l->memblock_size)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "empty memblock struct in BTF");
	if (scalar(&l->bottom_up, "memblock.bottom_up", false, err) ||
	    scalar(&l->current_limit, "memblock.current_limit", false, err) ||
	    scalar(&l->cnt, "memblock_type.cnt", false, err) ||
	    scalar(&l->max, "memblock_type.max", false, err) ||
	    scalar(&l->total_size, "memblock_type.total_size", false, err) ||
	    scalar(&l->regions, "memblock_type.regions", true, err) ||
	    scalar(&l->base, "memblock_region.base", false, err) ||
	    scalar(&l->size, "memblock_region.size", false, err) ||
	    scalar(&l->flags, "memblock_region.flags", false, err) ||
	    scalar(&l->nid, "memblock_region.nid", false, err))
		return -1;
	return 0;
}

/**
 * mb_btf_layout_from_file() - parse BTF from an ELF (.BTF) or a raw BTF file
 * @path: kernel ELF, vmlinux, or /sys/kernel/btf/vmlinux-style raw file
 * @l: filled with sizes and offsets
 * @err: filled on failure
 *
 * Return: 0 or -1.
 */
int mb_btf_layout_from_file(const char *path, struct mb_layout *l, struct mb_error *err)
{
	unsigned char magic[4] = { 0 };
	struct btf *btf = NULL;
	int fd = mb_open_regular(path, err);
	ssize_t got;
	int rc;

	if (fd < 0)
		return -1;
	got = read(fd, magic, sizeof(magic));
	close(fd);
	/* Decide the format ourselves: libbpf would print noise for others. */
	if (got == 4 && !memcmp(magic, "\x7f" "ELF", 4))
		btf = btf__parse_elf(path, NULL);
	else if (got >= 2 && magic[0] == 0x9f && magic[1] == 0xeb)
		btf = btf__parse_raw(path);
	else
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "%s is neither an ELF file nor raw BTF", path);
	if (!btf) {
		int e = errno;

		return mb_error_set(err, e == ENOENT ? MB_ERR_NOTFOUND : MB_ERR_FORMAT, e, 0,
				    "%s: no usable BTF (%s)", path, strerror(e));
	}
	rc = mb_btf_layout(btf, l, err);
	btf__free(btf);
	if (rc)
		return mb_error_prefix(err, "%s", path);
	return 0;
}

/**
 * mb_field_get() - read an unsigned little-endian member out of a struct image
 * @buf: bytes of the target struct
 * @f: member (0 if absent)
 *
 * Return: the value, zero-extended.
 */
uint64_t mb_field_get(const void *buf, const struct mb_field *f)
{
	const uint8_t *p = (const uint8_t *)buf + f->off;
	uint64_t v = 0;

	if (!f->present)
		return 0;
	for (uint32_t i = 0; i < f->size && i < 8; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/**
 * mb_field_get_signed() - read a signed little-endian member
 * @buf: bytes of the target struct
 * @f: member (0 if absent)
 *
 * Return: the value, sign-extended.
 */
int64_t mb_field_get_signed(const void *buf, const struct mb_field *f)
{
	uint64_t v = mb_field_get(buf, f);

	if (f->present && f->size < 8 && (v >> (8 * f->size - 1)) & 1)
		v |= ~0ULL << (8 * f->size);
	return (int64_t)v;
}
