// SPDX-License-Identifier: GPL-2.0-only
/* elf.c - libelf reader: symbol table by name and address, sections, GNU build-id. */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbagent/elf.h"
#include "mbagent/outfile.h"

struct elf_sym {
	uint64_t addr;
	uint64_t size;
	const char *name;	/* points into mb_elf.strpool */
	bool func;
};

struct mb_elf {
	char *path;
	int fd;
	Elf *elf;
	struct elf_sym *syms;	/* sorted by address */
	size_t nsyms;
	char *strpool;
	uint8_t build_id[64];
	size_t build_id_len;
};

static int cmp_sym(const void *a, const void *b)
{
	const struct elf_sym *x = a, *y = b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	/* Prefer functions, then sized symbols, at the same address. */
	if (x->func != y->func)
		return x->func ? -1 : 1;
	if ((x->size != 0) != (y->size != 0))
		return x->size ? -1 : 1;
	return strcmp(x->name, y->name);
}

static int load_symbols(struct mb_elf *e, struct mb_error *err)
{
	Elf_Scn *scn = NULL, *symscn = NULL;
	size_t pool = 0, n = 0, i, cnt;
	GElf_Shdr sh, symsh = { 0 };
	Elf_Data *data;
	char *p;

	while ((scn = elf_nextscn(e->elf, scn))) {
		if (!gelf_getshdr(scn, &sh))
			continue;
		if (sh.sh_type == SHT_SYMTAB || (sh.sh_type == SHT_DYNSYM && !symscn)) {
			symscn = scn;
			symsh = sh;
		}
	}
	if (!symscn)
		return 0;	/* stripped: symbolisation will say "unknown" */
	data = elf_getdata(symscn, NULL);
	if (!data || !symsh.sh_entsize)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: unreadable symbol table",
				    e->path);
	cnt = symsh.sh_size / symsh.sh_entsize;
	for (i = 0; i < cnt; i++) {
		GElf_Sym s;
		const char *name;

		if (!gelf_getsym(data, i, &s) || !s.st_name || s.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(e->elf, symsh.sh_link, s.st_name);
		if (!name || !name[0])
			continue;
		pool += strlen(name) + 1;
		n++;
	}
	e->syms = calloc(n ? n : 1, sizeof(*e->syms));
	e->strpool = malloc(pool ? pool : 1);
	if (!e->syms || !e->strpool)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	p = e->strpool;
	for (i = 0; i < cnt && e->nsyms < n; i++) {
		GElf_Sym s;
		const char *name;
		int type;

		if (!gelf_getsym(data, i, &s) || !s.st_name || s.st_shndx == SHN_UNDEF)
			continue;
		name = elf_strptr(e->elf, symsh.sh_link, s.st_name);
		if (!name || !name[0])
			continue;
		type = GELF_ST_TYPE(s.st_info);
		strcpy(p, name);
		e->syms[e->nsyms].addr = s.st_value;
		e->syms[e->nsyms].size = s.st_size;
		e->syms[e->nsyms].name = p;
		e->syms[e->nsyms].func = type == STT_FUNC;
		/* Sections and files are not symbols one symbolises to. */
		if (type != STT_SECTION && type != STT_FILE)
			e->nsyms++;
		p += strlen(name) + 1;
	}
	qsort(e->syms, e->nsyms, sizeof(*e->syms), cmp_sym);
	return 0;
}

static void load_build_id(struct mb_elf *e)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	while ((scn = elf_nextscn(e->elf, scn))) {
		Elf_Data *data;
		GElf_Nhdr nh;
		size_t off = 0, noff, doff;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_NOTE)
			continue;
		data = elf_getdata(scn, NULL);
		if (!data)
			continue;
		while ((off = gelf_getnote(data, off, &nh, &noff, &doff)) > 0) {
			if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
			    !memcmp((char *)data->d_buf + noff, "GNU", 4) &&
			    nh.n_descsz > 0 && nh.n_descsz <= sizeof(e->build_id)) {
				memcpy(e->build_id, (char *)data->d_buf + doff, nh.n_descsz);
				e->build_id_len = nh.n_descsz;
				return;
			}
		}
	}
}

/**
 * mb_elf_open() - open an ELF file and index its symbols and build-id
 * @path: file
 * @err: filled on failure
 *
 * Return: handle or NULL.
 */
struct mb_elf *mb_elf_open(const char *path, struct mb_error *err)
{
	struct mb_elf *e;

	if (elf_version(EV_CURRENT) == EV_NONE) {
		mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0, "libelf: %s", elf_errmsg(-1));
		return NULL;
	}
	e = calloc(1, sizeof(*e));
	if (!e) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	e->path = strdup(path);
	/* A FIFO or device would block or mislead libelf: regular files only. */
	e->fd = mb_open_regular(path, err);
	if (e->fd < 0)
		goto fail;
	e->elf = elf_begin(e->fd, ELF_C_READ, NULL);
	if (!e->elf || elf_kind(e->elf) != ELF_K_ELF) {
		mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s is not an ELF file", path);
		goto fail;
	}
	if (load_symbols(e, err))
		goto fail;
	load_build_id(e);
	return e;
fail:
	mb_elf_close(e);
	return NULL;
}

/**
 * mb_elf_close() - release an ELF handle
 * @e: handle, may be NULL
 */
void mb_elf_close(struct mb_elf *e)
{
	if (!e)
		return;
	if (e->elf)
		elf_end(e->elf);
	if (e->fd >= 0)
		close(e->fd);
	free(e->syms);
	free(e->strpool);
	free(e->path);
	free(e);
}

/**
 * mb_elf_path() - the file this handle reads
 * @e: handle
 *
 * Return: path string owned by @e.
 */
const char *mb_elf_path(const struct mb_elf *e)
{
	return e->path;
}

/**
 * mb_elf_nsyms() - number of indexed symbols
 * @e: handle
 *
 * Return: count (0 for a stripped file).
 */
size_t mb_elf_nsyms(const struct mb_elf *e)
{
	return e->nsyms;
}

/**
 * mb_elf_symbol() - look a symbol up by name
 * @e: handle
 * @name: symbol name
 * @addr: its value (address)
 * @size: its size (may be NULL)
 * @err: MB_ERR_NOTFOUND if absent
 *
 * Return: 0 or -1.
 */
int mb_elf_symbol(const struct mb_elf *e, const char *name, uint64_t *addr, uint64_t *size,
		  struct mb_error *err)
{
	for (size_t i = 0; i < e->nsyms; i++) {
		if (strcmp(e->syms[i].name, name))
			continue;
		*addr = e->syms[i].addr;
		if (size)
			*size = e->syms[i].size;
		return 0;
	}
	return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "%s: no symbol '%s'%s", e->path, name,
			    e->nsyms ? "" : " (no symbol table)");
}

/**
 * mb_elf_symbolize() - the symbol containing an address
 * @e: handle
 * @addr: code or data address
 * @off: set to @addr minus the symbol start
 *
 * A sized symbol must contain @addr; a sizeless one covers up to the next
 * symbol.
 *
 * Return: symbol name owned by @e, or NULL.
 */
const char *mb_elf_symbolize(const struct mb_elf *e, uint64_t addr, uint64_t *off)
{
	size_t lo = 0, hi = e->nsyms;

	/* Find the last symbol whose start is <= addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (e->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	/* Walk back: the first symbol that contains @addr wins (sizeless ones
	 * contain everything up to the next symbol, so only the nearest counts). */
	for (size_t i = lo, steps = 0; i > 0 && steps < 64; i--, steps++) {
		const struct elf_sym *s = &e->syms[i - 1];

		while (i > 1 && e->syms[i - 2].addr == s->addr)
			s = &e->syms[--i - 1];
		if (s->size ? addr < s->addr + s->size : steps == 0) {
			if (off)
				*off = addr - s->addr;
			return s->name;
		}
	}
	return NULL;
}

/**
 * mb_elf_section() - copy of a section's contents
 * @e: handle
 * @name: section name, e.g. ".BTF"
 * @data: set to a malloc'd copy (free() it); NULL for SHT_NOBITS
 * @size: bytes
 * @addr: section address (may be NULL)
 * @err: MB_ERR_NOTFOUND if absent
 *
 * Return: 0 or -1.
 */
int mb_elf_section(const struct mb_elf *e, const char *name, void **data, size_t *size,
		   uint64_t *addr, struct mb_error *err)
{
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	GElf_Shdr sh;

	if (elf_getshdrstrndx(e->elf, &shstrndx))
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: %s", e->path, elf_errmsg(-1));
	while ((scn = elf_nextscn(e->elf, scn))) {
		const char *n;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		n = elf_strptr(e->elf, shstrndx, sh.sh_name);
		if (!n || strcmp(n, name))
			continue;
		if (addr)
			*addr = sh.sh_addr;
		*size = sh.sh_size;
		*data = NULL;
		if (sh.sh_type == SHT_NOBITS)
			return 0;
		d = elf_getdata(scn, NULL);
		if (!d || d->d_size != sh.sh_size)
			return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: section %s unreadable",
					    e->path, name);
		*data = malloc(d->d_size ? d->d_size : 1);
		if (!*data)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		memcpy(*data, d->d_buf, d->d_size);
		return 0;
	}
	return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "%s: no section %s", e->path, name);
}

/**
 * mb_elf_build_id() - the GNU build-id note
 * @e: handle
 * @id: set to the descriptor bytes (owned by @e)
 * @len: set to its length
 *
 * Return: 0, or -1 if the file has no build-id.
 */
int mb_elf_build_id(const struct mb_elf *e, const uint8_t **id, size_t *len)
{
	if (!e->build_id_len)
		return -1;
	*id = e->build_id;
	*len = e->build_id_len;
	return 0;
}

static void hexstr(char *out, const uint8_t *id, size_t len)
{
	for (size_t i = 0; i < len && i < 32; i++)
		sprintf(out + 2 * i, "%02x", id[i]);
	out[2 * (len < 32 ? len : 32)] = '\0';
}

/**
 * mb_elf_check_build_id() - refuse an ELF that is not the running kernel
 * @e: handle
 * @id: build-id reported by the target (its log header)
 * @len: its length (0: the target does not know; accepted)
 * @err: MB_ERR_MISMATCH with both ids when they differ
 *
 * Return: 0 or -1.
 */
int mb_elf_check_build_id(const struct mb_elf *e, const uint8_t *id, size_t len,
			  struct mb_error *err)
{
	char a[65], b[65];

	if (!len)
		return 0;
	if (!e->build_id_len)
		return mb_error_set(err, MB_ERR_MISMATCH, 0, 0,
				    "%s has no GNU build-id, the target's is known: cannot "
				    "tell it is the running kernel", e->path);
	if (e->build_id_len == len && !memcmp(e->build_id, id, len))
		return 0;
	hexstr(a, e->build_id, e->build_id_len);
	hexstr(b, id, len);
	return mb_error_set(err, MB_ERR_MISMATCH, 0, 0,
			    "%s is not the running kernel: its build-id is %s, the target's is %s",
			    e->path, a, b);
}
