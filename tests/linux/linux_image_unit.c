// SPDX-License-Identifier: GPL-2.0-only
/* linux_image_unit.c - unit tests: bzImage/deb extraction, BTF layout and locator on synthetic images. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <bpf/btf.h>
#include <elf.h>
#include <lz4.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "mbagent/linux.h"

#define RODATA_ADDR	0xffffffff82000000ull
#define INIT_ADDR	0xffffffff83000000ull

#include "check.h"

struct buf {
	uint8_t *p;
	size_t len;
};

static void put(struct buf *b, const void *p, size_t n)
{
	b->p = realloc(b->p, b->len + n + 1);
	if (!b->p)
		abort();
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

static void pad_to(struct buf *b, size_t align)
{
	static const uint8_t z[4096];

	while (b->len % align)
		put(b, z, 1);
}

static void put64(uint8_t *p, uint64_t v)
{
	memcpy(p, &v, 8);
}

/* BTF with struct memblock, memblock_type and memblock_region (Linux x86-64 layout). */
static void *make_btf(uint32_t *size, bool with_nid)
{
	struct btf *btf = btf__new_empty();
	int u64, ul, b, i32, u32, ch, cptr, reg, rptr, ty, mb;
	const void *raw;
	void *copy;

	u64 = btf__add_int(btf, "long long unsigned int", 8, 0);
	ul = btf__add_int(btf, "long unsigned int", 8, 0);
	b = btf__add_int(btf, "_Bool", 1, BTF_INT_BOOL);
	i32 = btf__add_int(btf, "int", 4, BTF_INT_SIGNED);
	u32 = btf__add_enum(btf, "memblock_flags", 4);
	btf__add_enum_value(btf, "MEMBLOCK_NONE", 0);
	ch = btf__add_int(btf, "char", 1, BTF_INT_CHAR);
	cptr = btf__add_ptr(btf, ch);
	reg = btf__add_struct(btf, "memblock_region", 24);
	btf__add_field(btf, "base", u64, 0, 0);
	btf__add_field(btf, "size", u64, 64, 0);
	btf__add_field(btf, "flags", u32, 128, 0);
	if (with_nid)
		btf__add_field(btf, "nid", i32, 160, 0);
	rptr = btf__add_ptr(btf, reg);
	ty = btf__add_struct(btf, "memblock_type", 40);
	btf__add_field(btf, "cnt", ul, 0, 0);
	btf__add_field(btf, "max", ul, 64, 0);
	btf__add_field(btf, "total_size", u64, 128, 0);
	btf__add_field(btf, "regions", rptr, 192, 0);
	btf__add_field(btf, "name", cptr, 256, 0);
	mb = btf__add_struct(btf, "memblock", 96);
	btf__add_field(btf, "bottom_up", b, 0, 0);
	btf__add_field(btf, "current_limit", u64, 64, 0);
	btf__add_field(btf, "memory", ty, 128, 0);
	btf__add_field(btf, "reserved", ty, 448, 0);
	if (mb < 0)
		abort();
	raw = btf__raw_data(btf, size);
	copy = malloc(*size);
	memcpy(copy, raw, *size);
	btf__free(btf);
	return copy;
}

/* Write a struct memblock image at @p (96 bytes, the layout above). */
static void fake_memblock(uint8_t *p, uint64_t mem_name, uint64_t res_name, uint64_t mem_regions,
			  uint64_t res_regions, uint64_t max, uint64_t cnt)
{
	memset(p, 0, 96);
	put64(p + 8, ~0ull);
	put64(p + 16 + 0, cnt);
	put64(p + 16 + 8, max);
	put64(p + 16 + 24, mem_regions);
	put64(p + 16 + 32, mem_name);
	put64(p + 56 + 0, cnt);
	put64(p + 56 + 8, max);
	put64(p + 56 + 24, res_regions);
	put64(p + 56 + 32, res_name);
}

/*
 * A minimal x86-64 vmlinux: .rodata (banner and names), .init.data (a decoy
 * memblock, the real one, and the two static arrays), .BTF, .shstrtab.
 * @nreal: how many valid memblock structures to plant (0, 1 or 2).
 */
#define KS_SYMS		1200u
#define KS_BASE		0xffffffff81000000ull
#define KS_FREE_ALL	(KS_BASE + 0x200040)

/*
 * kallsyms tables the way scripts/kallsyms lays them out (6.1 order):
 * offsets, relative_base, num_syms, names, markers, token_table, token_index.
 * Tokens are the characters themselves; unused slots hold "~~".
 */
static void make_kallsyms(struct buf *ro, bool break_index)
{
	static char names[KS_SYMS + 3][24];
	uint64_t addr[KS_SYMS + 3], base = KS_BASE;
	uint32_t num = KS_SYMS + 3, i, marker[16] = { 0 };
	struct buf nm = { 0 }, tt = { 0 };
	uint16_t idx[256];

	for (i = 0; i < num; i++) {
		if (i == 0) {
			snprintf(names[i], sizeof(names[i]), "T_text");
			addr[i] = base;
		} else if (i <= KS_SYMS) {
			snprintf(names[i], sizeof(names[i]), "%csym_%u", i % 3 ? 't' : 'T', i);
			addr[i] = base + 0x100ull * i;
		} else if (i == KS_SYMS + 1) {
			snprintf(names[i], sizeof(names[i]), "Tmemblock_free_all");
			addr[i] = KS_FREE_ALL;
		} else {
			snprintf(names[i], sizeof(names[i]), "Dmemblock");
			addr[i] = INIT_ADDR + 0x800;
		}
	}
	pad_to(ro, 8);
	for (i = 0; i < num; i++) {
		int32_t off = (int32_t)(int64_t)(base - 1 - addr[i]);

		put(ro, &off, 4);
	}
	pad_to(ro, 8);
	put(ro, &base, 8);
	put(ro, &num, 4);
	pad_to(ro, 8);
	for (i = 0; i < num; i++) {
		uint8_t len = (uint8_t)strlen(names[i]);

		if (i % 256 == 0)
			marker[i / 256] = (uint32_t)nm.len;
		put(&nm, &len, 1);
		put(&nm, names[i], len);
	}
	put(ro, nm.p, nm.len);
	pad_to(ro, 4);
	put(ro, marker, sizeof(marker));
	for (i = 0; i < 256; i++) {
		char t[3] = { (char)i, 0, 0 };

		if (!((i >= 'a' && i <= 'z') || (i >= 'A' && i <= 'Z') ||
		      (i >= '0' && i <= '9') || i == '_'))
			memcpy(t, "~~", 3);
		idx[i] = (uint16_t)tt.len;
		put(&tt, t, strlen(t) + 1);
	}
	if (break_index)
		idx[77]++;
	put(ro, tt.p, tt.len);
	pad_to(ro, 8);
	put(ro, idx, sizeof(idx));
	free(nm.p);
	free(tt.p);
}

static struct buf make_elf_ks(int nreal, bool with_btf, int kallsyms, uint64_t *where);

static struct buf make_elf(int nreal, bool with_btf, uint64_t *where)
{
	return make_elf_ks(nreal, with_btf, 0, where);
}

/* @kallsyms: 0 none, 1 valid tables, 2 tables with a broken token index. */
static struct buf make_elf_ks(int nreal, bool with_btf, int kallsyms, uint64_t *where)
{
	static const char shstr[] = "\0.rodata\0.init.data\0.BTF\0.shstrtab\0.text\0";
	const char rodata[] = "xxxxLinux version 9.9.9-test (unit)\0memory\0reserved\0mem\0";
	uint64_t mem_name = RODATA_ADDR + 36, res_name = RODATA_ADDR + 43;
	struct buf e = { 0 };
	uint8_t init[0x4000] = { 0 };
	Elf64_Ehdr eh = { 0 };
	Elf64_Shdr sh[6];
	struct buf ro = { 0 };
	size_t off_ro, off_init, off_btf, off_shstr, off_sh;
	uint32_t btf_size = 0;
	void *btf = make_btf(&btf_size, true);

	/* Decoy: right names, implausible max (100). */
	fake_memblock(init + 0x100, mem_name, res_name, INIT_ADDR + 0x1000, INIT_ADDR + 0x2000, 100, 1);
	/* Decoy: names swapped. */
	fake_memblock(init + 0x200, res_name, mem_name, INIT_ADDR + 0x1000, INIT_ADDR + 0x2000, 128, 1);
	if (nreal >= 1) {
		fake_memblock(init + 0x800, mem_name, res_name, INIT_ADDR + 0x1000,
			      INIT_ADDR + 0x2000, 128, 1);
		*where = INIT_ADDR + 0x800;
	}
	if (nreal >= 2)
		fake_memblock(init + 0xa00, mem_name, res_name, INIT_ADDR + 0x1000,
			      INIT_ADDR + 0x2000, 256, 0);

	memset(sh, 0, sizeof(sh));
	put(&e, &eh, sizeof(eh));
	off_ro = e.len;
	put(&ro, rodata, sizeof(rodata));
	if (kallsyms)
		make_kallsyms(&ro, kallsyms == 2);
	put(&e, ro.p, ro.len);
	pad_to(&e, 8);
	off_init = e.len;
	put(&e, init, sizeof(init));
	off_btf = e.len;
	if (with_btf)
		put(&e, btf, btf_size);
	pad_to(&e, 8);
	off_shstr = e.len;
	put(&e, shstr, sizeof(shstr));
	pad_to(&e, 8);
	off_sh = e.len;

	sh[1].sh_name = 1;
	sh[1].sh_type = SHT_PROGBITS;
	sh[1].sh_flags = SHF_ALLOC;
	sh[1].sh_addr = RODATA_ADDR;
	sh[1].sh_offset = off_ro;
	sh[1].sh_size = ro.len;
	sh[2].sh_name = 9;
	sh[2].sh_type = SHT_PROGBITS;
	sh[2].sh_flags = SHF_ALLOC | SHF_WRITE;
	sh[2].sh_addr = INIT_ADDR;
	sh[2].sh_offset = off_init;
	sh[2].sh_size = sizeof(init);
	sh[3].sh_name = 20;
	sh[3].sh_type = SHT_PROGBITS;
	sh[3].sh_offset = off_btf;
	sh[3].sh_size = with_btf ? btf_size : 0;
	sh[4].sh_name = 25;
	sh[4].sh_type = SHT_STRTAB;
	sh[4].sh_offset = off_shstr;
	sh[4].sh_size = sizeof(shstr);
	sh[5].sh_name = 35;
	sh[5].sh_type = SHT_NOBITS;
	sh[5].sh_flags = SHF_ALLOC | SHF_EXECINSTR;
	sh[5].sh_addr = KS_BASE;
	sh[5].sh_size = 0x400000;
	put(&e, sh, sizeof(sh));

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	eh.e_type = ET_EXEC;
	eh.e_machine = EM_X86_64;
	eh.e_version = EV_CURRENT;
	eh.e_ehsize = sizeof(eh);
	eh.e_shentsize = sizeof(Elf64_Shdr);
	eh.e_shnum = 6;
	eh.e_shstrndx = 4;
	eh.e_shoff = off_sh;
	memcpy(e.p, &eh, sizeof(eh));
	free(btf);
	free(ro.p);
	return e;
}

/* Compress @in the way the kernel build packs vmlinux.bin (with the size appended). */
static struct buf pack(const char *kind, const struct buf *in)
{
	struct buf out = { 0 };
	uint32_t size = (uint32_t)in->len;

	if (!strcmp(kind, "gzip")) {
		z_stream zs = { 0 };
		uint8_t *tmp = malloc(compressBound(in->len) + 64);

		deflateInit2(&zs, 9, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY);
		zs.next_in = in->p;
		zs.avail_in = (uInt)in->len;
		zs.next_out = tmp;
		zs.avail_out = (uInt)(compressBound(in->len) + 64);
		deflate(&zs, Z_FINISH);
		put(&out, tmp, zs.total_out);
		deflateEnd(&zs);
		free(tmp);
	} else if (!strcmp(kind, "xz")) {
		size_t cap = lzma_stream_buffer_bound(in->len), pos = 0;
		uint8_t *tmp = malloc(cap);

		lzma_easy_buffer_encode(6, LZMA_CHECK_CRC32, NULL, in->p, in->len, tmp, &pos, cap);
		put(&out, tmp, pos);
		free(tmp);
	} else if (!strcmp(kind, "zstd")) {
		size_t cap = ZSTD_compressBound(in->len);
		uint8_t *tmp = malloc(cap);
		size_t n = ZSTD_compress(tmp, cap, in->p, in->len, 19);

		put(&out, tmp, n);
		free(tmp);
	} else if (!strcmp(kind, "lz4")) {
		/* Legacy format; small blocks so the image spans several. */
		const uint32_t magic = 0x184c2102u, block = 4096;
		uint8_t *tmp = malloc((size_t)LZ4_compressBound((int)block));
		size_t pos;

		put(&out, &magic, 4);
		for (pos = 0; pos < in->len; pos += block) {
			int n = (int)(in->len - pos < block ? in->len - pos : block);
			uint32_t c = (uint32_t)LZ4_compress_default((const char *)in->p + pos,
								    (char *)tmp, n,
								    LZ4_compressBound((int)block));

			put(&out, &c, 4);
			put(&out, tmp, c);
		}
		free(tmp);
	}
	put(&out, &size, 4);
	return out;
}

static struct buf make_bzimage(const struct buf *payload, uint16_t version)
{
	struct buf b = { 0 };
	uint8_t setup[5 * 512] = { 0 };
	uint32_t off = 0x100, len = (uint32_t)payload->len;
	uint8_t head[0x100] = { 0 };

	setup[0x1f1] = 4;	/* setup_sects: 4 + the boot sector */
	memcpy(setup + 0x202, "HdrS", 4);
	memcpy(setup + 0x206, &version, 2);
	memcpy(setup + 0x248, &off, 4);
	memcpy(setup + 0x24c, &len, 4);
	put(&b, setup, sizeof(setup));
	put(&b, head, sizeof(head));	/* the decompressor's own code would be here */
	put(&b, payload->p, payload->len);
	return b;
}

static void tar_add(struct buf *t, const char *name, const struct buf *data, char type)
{
	uint8_t h[512] = { 0 };
	unsigned int sum = 0, i;

	snprintf((char *)h, 100, "%s", name);
	snprintf((char *)h + 100, 8, "%07o", type == '5' ? 0755 : 0644);
	snprintf((char *)h + 108, 8, "%07o", 0);
	snprintf((char *)h + 116, 8, "%07o", 0);
	snprintf((char *)h + 124, 12, "%011o", data ? (unsigned int)data->len : 0);
	snprintf((char *)h + 136, 12, "%011o", 0);
	memset(h + 148, ' ', 8);
	h[156] = (uint8_t)type;
	memcpy(h + 257, "ustar\0" "00", 8);
	for (i = 0; i < 512; i++)
		sum += h[i];
	snprintf((char *)h + 148, 8, "%06o", sum);
	put(t, h, 512);
	if (data) {
		put(t, data->p, data->len);
		pad_to(t, 512);
	}
}

static void ar_add(struct buf *a, const char *name, const struct buf *data)
{
	char h[61];

	snprintf(h, sizeof(h), "%-16s%-12s%-6s%-6s%-8s%-10zu`\n", name, "0", "0", "0", "100644",
		 data->len);
	put(a, h, 60);
	put(a, data->p, data->len);
	if (data->len & 1)
		put(a, "\n", 1);
}

static struct buf make_deb(const struct buf *kernel, bool with_kernel)
{
	struct buf tar = { 0 }, deb = { 0 }, ver = { 0 }, ctl = { 0 }, big = { 0 }, xz;
	uint8_t zero[1024] = { 0 };
	size_t i;

	put(&ver, "2.0\n", 4);
	tar_add(&tar, "./", NULL, '5');
	tar_add(&tar, "./boot/", NULL, '5');
	for (i = 0; i < 3000; i++)
		put(&big, "filler ", 7);
	tar_add(&tar, "./boot/config-9.9.9-test", &big, '0');
	if (with_kernel)
		tar_add(&tar, "./boot/vmlinuz-9.9.9-test", kernel, '0');
	tar_add(&tar, "./lib/modules/x.ko", &big, '0');
	put(&tar, zero, sizeof(zero));
	xz = pack("xz", &tar);
	xz.len -= 4;	/* a plain .xz file: no size appended */
	put(&ctl, zero, 16);
	put(&deb, "!<arch>\n", 8);
	ar_add(&deb, "debian-binary", &ver);
	ar_add(&deb, "control.tar.xz", &ctl);
	ar_add(&deb, "data.tar.xz", &xz);
	free(tar.p);
	free(ver.p);
	free(ctl.p);
	free(big.p);
	free(xz.p);
	return deb;
}

static void test_extract(const struct buf *elf)
{
	static const char *const kinds[] = { "gzip", "xz", "lz4", "zstd" };
	struct mb_error err;
	size_t i;

	for (i = 0; i < 4; i++) {
		struct buf pl = pack(kinds[i], elf), bz = make_bzimage(&pl, 0x20f);
		uint8_t *out = NULL;
		size_t out_len = 0, cut;
		const char *kind = NULL;

		memset(&err, 0, sizeof(err));
		CHECK(mb_linux_extract_vmlinux(bz.p, bz.len, &out, &out_len, &kind, &err) == 0,
		      "%s: %s", kinds[i], err.msg);
		CHECK(out && out_len == elf->len && !memcmp(out, elf->p, elf->len),
		      "%s: payload differs", kinds[i]);
		CHECK(kind && !strcmp(kind, kinds[i]), "%s: kind %s", kinds[i], kind ? kind : "-");
		free(out);

		/* Truncations and corruptions fail cleanly (or, rarely, still decode). */
		for (cut = 1; cut < 64; cut += 7) {
			struct buf t = make_bzimage(&pl, 0x20f);
			size_t pos = 5 * 512 + 0x100 + pl.len * cut / 64;
			int r;

			t.p[pos] ^= 0x5a;
			out = NULL;
			r = mb_linux_extract_vmlinux(t.p, t.len, &out, &out_len, &kind, &err);
			CHECK(r == 0 || err.msg[0], "%s: corrupt: no message", kinds[i]);
			free(out);
			out = NULL;
			r = mb_linux_extract_vmlinux(t.p, pos, &out, &out_len, &kind, &err);
			CHECK(r == -1, "%s: truncated image to %zu accepted", kinds[i], pos);
			free(out);
			free(t.p);
		}
		/* Protocol too old: no payload fields. */
		free(bz.p);
		bz = make_bzimage(&pl, 0x207);
		CHECK(mb_linux_extract_vmlinux(bz.p, bz.len, &out, &out_len, &kind, &err) == -1 &&
		      err.code == MB_ERR_UNSUPPORTED, "%s: protocol 2.07 accepted", kinds[i]);
		free(bz.p);
		free(pl.p);
	}
	{
		uint8_t junk[4096] = { 0 };
		uint8_t *out = NULL;
		size_t out_len;
		const char *kind;

		CHECK(mb_linux_extract_vmlinux(junk, sizeof(junk), &out, &out_len, &kind, &err) == -1 &&
		      err.code == MB_ERR_FORMAT, "junk accepted as bzImage");
	}
}

static void test_deb(const struct buf *elf)
{
	struct buf pl = pack("zstd", elf), bz = make_bzimage(&pl, 0x20f);
	struct buf deb = make_deb(&bz, true), nodeb = make_deb(&bz, false);
	struct mb_error err = { 0 };
	uint8_t *out = NULL;
	size_t out_len = 0;
	char member[256] = "";

	CHECK(mb_linux_deb_find_kernel(deb.p, deb.len, &out, &out_len, member, sizeof(member),
				       &err) == 0, "deb: %s", err.msg);
	CHECK(out && out_len == bz.len && !memcmp(out, bz.p, bz.len), "deb: kernel differs");
	CHECK(!strcmp(member, "./boot/vmlinuz-9.9.9-test"), "deb: member %s", member);
	free(out);
	out = NULL;
	CHECK(mb_linux_deb_find_kernel(nodeb.p, nodeb.len, &out, &out_len, NULL, 0, &err) == -1 &&
	      err.code == MB_ERR_NOTFOUND, "deb without kernel: %d %s", err.code, err.msg);
	CHECK(mb_linux_deb_find_kernel(deb.p, deb.len / 2, &out, &out_len, NULL, 0, &err) == -1,
	      "truncated deb accepted");
	free(out);

	/* Corrupt packages and ELF files fail cleanly. */
	{
		size_t pos;

		for (pos = 0; pos < deb.len; pos += deb.len / 150 + 1) {
			struct buf d = { 0 };

			put(&d, deb.p, deb.len);
			d.p[pos] ^= 0xa5;
			out = NULL;
			if (mb_linux_deb_find_kernel(d.p, d.len, &out, &out_len, NULL, 0, &err))
				CHECK(err.msg[0], "corrupt deb at %zu: no message", pos);
			free(out);
			free(d.p);
		}
		for (pos = 0; pos < elf->len; pos += 61) {
			uint8_t *cut = malloc(pos + 1);
			struct mb_linux_image *img;

			memcpy(cut, elf->p, pos);
			img = mb_linux_image_from_elf(cut, pos, &err);
			CHECK(!img, "ELF truncated to %zu accepted", pos);
			mb_linux_image_free(img);
		}
	}

	/* The whole path through a file: .deb -> vmlinuz -> vmlinux -> BTF -> locator. */
	{
		char path[] = "/tmp/mb-linux-unit-XXXXXX";
		int fd = mkstemp(path);
		struct mb_linux_image *img;
		uint64_t where = 0;

		CHECK(fd >= 0 && write(fd, deb.p, deb.len) == (ssize_t)deb.len, "temp file");
		close(fd);
		img = mb_linux_image_open(path, &err);
		CHECK(img, "open deb: %s", err.msg);
		if (img) {
			CHECK(img->from_deb && !strcmp(img->compression, "zstd"), "deb: %s",
			      img->compression);
			CHECK(!strncmp(img->version, "Linux version 9.9.9-test", 24), "banner '%s'",
			      img->version);
			CHECK(mb_linux_locate_memblock(img, &where, &err) == 0 &&
			      where == INIT_ADDR + 0x800, "locate through deb: %s", err.msg);
			mb_linux_image_free(img);
		}
		unlink(path);
	}
	free(pl.p);
	free(bz.p);
	free(deb.p);
	free(nodeb.p);
}

static int buf_read(void *ctx, uint64_t vaddr, void *out, size_t len)
{
	const struct mb_linux_image *img = ctx;

	return mb_linux_image_read(img, vaddr, out, len);
}

static void test_layout_and_locator(void)
{
	struct mb_error err = { 0 };
	struct mb_linux_image *img;
	struct buf e;
	uint64_t where = 0, got = 0, phys = 0;
	char why[128];

	e = make_elf(1, true, &where);
	img = mb_linux_image_from_elf(e.p, e.len, &err);
	CHECK(img, "from_elf: %s", err.msg);
	if (!img)
		return;
	CHECK(img->layout.memblock_size == 96 && img->layout.type_size == 40 &&
	      img->layout.region_size == 24, "sizes %u %u %u", img->layout.memblock_size,
	      img->layout.type_size, img->layout.region_size);
	CHECK(img->layout.memory.off == 16 && img->layout.reserved.off == 56 &&
	      img->layout.regions.off == 24 && img->layout.name.off == 32 &&
	      img->layout.nid.present && img->layout.nid.off == 20 &&
	      img->layout.flags.size == 4, "offsets");
	CHECK(!img->has_symtab, "symtab");
	CHECK(mb_linux_symbol(img, "memblock", &got) == -1, "symbol without symtab");
	CHECK(mb_linux_locate_memblock(img, &got, &err) == 0 && got == where,
	      "locate: %s (0x%llx)", err.msg, (unsigned long long)got);
	CHECK(!mb_linux_check_memblock(img, INIT_ADDR + 0x100, buf_read, img, why, sizeof(why)) &&
	      strstr(why, "max"), "decoy with max 100: %s", why);
	CHECK(!mb_linux_check_memblock(img, INIT_ADDR + 0x200, buf_read, img, why, sizeof(why)) &&
	      strstr(why, "name"), "decoy with swapped names: %s", why);
	CHECK(!mb_linux_check_memblock(img, 0x1000, buf_read, img, why, sizeof(why)),
	      "unreadable address accepted");
	{
		struct mb_state st;

		CHECK(mb_linux_read_state(&img->layout, where, buf_read, img, &st, &err) == 0,
		      "read_state: %s", err.msg);
		CHECK(st.valid && st.memory.cnt == 1 && st.memory.max == 128 &&
		      st.reserved.cnt == 1 && st.current_limit == ~0ull && !st.bottom_up,
		      "state fields");
		mb_state_clear(&st);
	}
	mb_linux_image_free(img);

	e = make_elf(2, true, &where);
	img = mb_linux_image_from_elf(e.p, e.len, &err);
	CHECK(img && mb_linux_locate_memblock(img, &got, &err) == -1 &&
	      strstr(err.msg, "candidates"), "two candidates: %s", err.msg);
	mb_linux_image_free(img);

	e = make_elf(0, true, &where);
	img = mb_linux_image_from_elf(e.p, e.len, &err);
	CHECK(img && mb_linux_locate_memblock(img, &got, &err) == -1 &&
	      err.code == MB_ERR_NOTFOUND, "no candidate: %s", err.msg);
	mb_linux_image_free(img);

	e = make_elf(1, false, &where);
	img = mb_linux_image_from_elf(e.p, e.len, &err);
	CHECK(!img && strstr(err.msg, "BTF"),
	      "no BTF: %s", err.msg);
	mb_linux_image_free(img);

	CHECK(mb_linux_virt_to_phys(0xffffffff82c05860ull, &phys) == 0 && phys == 0x2c05860,
	      "image address");
	CHECK(mb_linux_virt_to_phys(0xffff88801ffb0000ull, &phys) == 0 && phys == 0x1ffb0000,
	      "direct map address");
	CHECK(mb_linux_virt_to_phys(0x1000, &phys) == -1, "user address translated");
}

static void test_kallsyms(void)
{
	struct mb_error err = { 0 };
	struct mb_linux_image *img;
	struct mb_linux_kallsyms *k;
	uint64_t where = 0, a = 0;
	struct buf e = make_elf_ks(1, true, 1, &where);

	img = mb_linux_image_from_elf(e.p, e.len, &err);
	CHECK(img, "from_elf: %s", err.msg);
	if (!img)
		return;
	k = mb_linux_kallsyms_open(img, &err);
	CHECK(k, "kallsyms: %s", err.msg);
	CHECK(mb_linux_kallsyms_count(k) == KS_SYMS + 3, "count %u", mb_linux_kallsyms_count(k));
	CHECK(mb_linux_kallsyms_lookup(k, "memblock", &a) == 0 && a == where,
	      "memblock at 0x%llx", (unsigned long long)a);
	CHECK(mb_linux_kallsyms_lookup(k, "memblock_free_all", &a) == 0 && a == KS_FREE_ALL,
	      "memblock_free_all at 0x%llx", (unsigned long long)a);
	CHECK(mb_linux_kallsyms_lookup(k, "sym_777", &a) == 0 && a == KS_BASE + 0x100 * 777,
	      "sym_777 at 0x%llx", (unsigned long long)a);
	CHECK(mb_linux_kallsyms_lookup(k, "sym_77", &a) == 0 && a == KS_BASE + 0x100 * 77,
	      "sym_77 at 0x%llx", (unsigned long long)a);
	CHECK(mb_linux_kallsyms_lookup(k, "nothere", &a) == -1, "missing symbol found");
	mb_linux_kallsyms_free(k);
	mb_linux_image_free(img);

	/* Corrupted tables: found or not, never a crash or a read out of bounds. */
	{
		size_t pos;

		for (pos = 0; pos < 0x4000; pos += 97) {
			struct buf c = make_elf_ks(1, true, 1, &where);
			size_t at = 64 + 56 + pos;	/* inside .rodata's kallsyms part */

			if (at < c.len)
				c.p[at] ^= (uint8_t)(pos | 1);
			img = mb_linux_image_from_elf(c.p, c.len, &err);
			k = img ? mb_linux_kallsyms_open(img, &err) : NULL;
			if (k)
				mb_linux_kallsyms_lookup(k, "memblock", &a);
			mb_linux_kallsyms_free(k);
			mb_linux_image_free(img);
		}
	}

	/* A token index that does not match its table: no tables found. */
	e = make_elf_ks(1, true, 2, &where);
	img = mb_linux_image_from_elf(e.p, e.len, &err);
	k = img ? mb_linux_kallsyms_open(img, &err) : NULL;
	CHECK(img && !k && err.code == MB_ERR_NOTFOUND, "broken index accepted");
	mb_linux_kallsyms_free(k);
	mb_linux_image_free(img);

	/* No tables at all. */
	e = make_elf(1, true, &where);
	img = mb_linux_image_from_elf(e.p, e.len, &err);
	k = img ? mb_linux_kallsyms_open(img, &err) : NULL;
	CHECK(img && !k && err.code == MB_ERR_NOTFOUND, "no tables: %s", err.msg);
	CHECK(mb_linux_kallsyms_lookup(NULL, "memblock", &a) == -1, "NULL decoder");
	mb_linux_kallsyms_free(k);
	mb_linux_image_free(img);
}

static void test_btf_without_nid(void)
{
	uint32_t size;
	void *raw = make_btf(&size, false);
	struct btf *btf = btf__new(raw, size);
	struct mb_layout l;
	struct mb_error err = { 0 };

	CHECK(btf && mb_btf_layout(btf, &l, &err) == 0 && !l.nid.present,
	      "layout without nid: %s", err.msg);
	btf__free(btf);
	free(raw);
}

static void test_system_map(void)
{
	char path[] = "/tmp/mb-linux-map-XXXXXX";
	int fd = mkstemp(path);
	const char text[] = "ffffffff81000000 T _text\nffffffff82c05860 d memblock\n"
			    "ffffffff83440d3e T memblock_free_all\n";
	struct mb_error err = { 0 };
	uint64_t a = 0;

	CHECK(fd >= 0 && write(fd, text, sizeof(text) - 1) == (ssize_t)sizeof(text) - 1, "tmp");
	close(fd);
	CHECK(mb_linux_system_map_lookup(path, "memblock", &a, &err) == 0 &&
	      a == 0xffffffff82c05860ull, "System.map memblock");
	CHECK(mb_linux_system_map_lookup(path, "memblock_free_all", &a, &err) == 0 &&
	      a == 0xffffffff83440d3eull, "System.map memblock_free_all");
	CHECK(mb_linux_system_map_lookup(path, "nothere", &a, &err) == -1 &&
	      err.code == MB_ERR_NOTFOUND, "missing symbol");
	unlink(path);
}

static void test_capture_bad_input(void)
{
	char path[] = "/tmp/mb-linux-junk-XXXXXX";
	int fd = mkstemp(path);
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };

	CHECK(fd >= 0 && write(fd, "not a kernel at all\n", 20) == 20, "tmp");
	close(fd);
	o.image = path;
	CHECK(!mb_linux_capture(&o, &err) && err.msg[0], "junk image: no error");
	o.image = "/nonexistent/vmlinuz";
	CHECK(!mb_linux_capture(&o, &err) && err.code == MB_ERR_IO, "missing image: %s", err.msg);
	CHECK(!mb_linux_capture(NULL, &err) && err.code == MB_ERR_INVAL, "no options");
	unlink(path);
}

static void test_read_point(void)
{
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };

	CHECK(mb_linux_parse_read_point("symbol:start_kernel", &o, &err) == 0 &&
	      o.read_point == MB_LINUX_AT_SYMBOL && !strcmp(o.read_symbol, "start_kernel"),
	      "symbol:NAME");
	CHECK(mb_linux_parse_read_point("pattern:Memory: ", &o, &err) == 0 &&
	      o.read_point == MB_LINUX_AT_PATTERN && !strcmp(o.pattern, "Memory: "),
	      "pattern:TEXT");
	CHECK(mb_linux_parse_read_point("idle:1500", &o, &err) == 0 &&
	      o.read_point == MB_LINUX_AT_IDLE && o.idle_ms == 1500, "idle:MS");
	CHECK(mb_linux_parse_read_point("auto", &o, &err) == 0 &&
	      o.read_point == MB_LINUX_AT_AUTO, "auto");
	CHECK(mb_linux_parse_read_point("idle:x", &o, &err) == -1 && err.code == MB_ERR_INVAL,
	      "idle:x accepted");
	CHECK(mb_linux_parse_read_point("later", &o, &err) == -1 && err.code == MB_ERR_INVAL,
	      "unknown accepted");
}

/*
 * Fake QEMU for mb_linux_capture(): this binary run with QEMU's arguments.
 * It serves the gdbstub socket named by "-chardev socket,id=mbgdb,path=P":
 * answers the handshake, breakpoints and continue like QEMU, and never
 * answers a memory read ('m'), as a wedged stub would.
 */
static void fake_reply(int fd, const char *body)
{
	unsigned int sum = 0;
	char pkt[256];

	for (const char *p = body; *p; p++)
		sum += (unsigned char)*p;
	snprintf(pkt, sizeof(pkt), "$%s#%02x", body, sum & 0xff);
	if (write(fd, pkt, strlen(pkt)) < 0)
		_exit(1);
}

static int fake_qemu(int argc, char **argv)
{
	struct sockaddr_un sun = { .sun_family = AF_UNIX };
	const char *path = NULL;
	char pkt[4096];
	size_t n = 0;
	int lfd, fd;

	for (int i = 1; i < argc; i++)
		if (!strncmp(argv[i], "socket,id=mbgdb,path=", 21))
			path = argv[i] + 21;
	if (!path)
		return 2;
	snprintf(sun.sun_path, sizeof(sun.sun_path), "%.*s", (int)strcspn(path, ","), path);
	lfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (lfd < 0 || bind(lfd, (struct sockaddr *)&sun, sizeof(sun)) || listen(lfd, 1))
		return 3;
	fd = accept(lfd, NULL, NULL);
	for (;;) {
		char c;
		char *body;

		if (read(fd, &c, 1) != 1)
			return 0;
		if (c == '$')
			n = 0;
		if (c != '#') {
			if (n < sizeof(pkt) - 1)
				pkt[n++] = c;
			continue;
		}
		if (read(fd, pkt + n, 2) != 2 || write(fd, "+", 1) != 1)
			return 0;
		pkt[n] = 0;
		body = pkt + 1;
		if (body[0] == 'm')
			pause();		/* wedged: never answers, until killed */
		else if (!strncmp(body, "qSupported", 10))
			fake_reply(fd, "PacketSize=1000");
		else if (!strcmp(body, "?") || body[0] == 'c' || !strncmp(body, "vCont;c", 7))
			fake_reply(fd, "T05thread:01;");
		else if (body[0] == 'Z' || body[0] == 'z' || !strncmp(body, "Qqemu.PhysMemMode", 17))
			fake_reply(fd, "OK");
		else
			fake_reply(fd, "");
	}
}

/* A gdbstub that stops answering mid-capture: the error says "timeout". */
static void test_capture_gdbstub_timeout(void)
{
	char path[] = "/tmp/mb-linux-synth-XXXXXX", self[4096];
	struct mb_linux_opts o = { 0 };
	struct mb_error err = { 0 };
	struct mb_capture *c;
	uint64_t where;
	struct buf e = make_elf(1, true, &where);
	int fd = mkstemp(path);
	ssize_t sl = readlink("/proc/self/exe", self, sizeof(self) - 1);

	CHECK(fd >= 0 && sl > 0 && write(fd, e.p, e.len) == (ssize_t)e.len, "tmp image");
	close(fd);
	free(e.p);
	if (sl <= 0)
		return;
	self[sl] = 0;
	o.image = path;
	o.machine.qemu = self;
	o.read_point = MB_LINUX_AT_IDLE;
	o.idle_ms = 100;
	o.timeout_s = 60;
	c = mb_linux_capture(&o, &err);
	CHECK(!c && err.code == MB_ERR_TIMEOUT && strstr(err.msg, "timeout") &&
	      strstr(err.msg, "struct memblock"), "wedged gdbstub: code %d: %s", err.code,
	      err.msg);
	mb_capture_free(c);
	unlink(path);
}

int main(int argc, char **argv)
{
	uint64_t where;
	struct buf elf;

	if (argc == 3 && !strcmp(argv[1], "--write-image")) {
		/* The synthetic vmlinux, for the CLI's tests. */
		FILE *f = fopen(argv[2], "wb");

		elf = make_elf(1, true, &where);
		if (!f || fwrite(elf.p, 1, elf.len, f) != elf.len || fclose(f))
			return 1;
		free(elf.p);
		return 0;
	}
	if (argc > 1)
		return fake_qemu(argc, argv);
	elf = make_elf(1, true, &where);

	test_extract(&elf);
	test_deb(&elf);
	test_layout_and_locator();
	test_btf_without_nid();
	test_kallsyms();
	test_system_map();
	test_read_point();
	test_capture_bad_input();
	test_capture_gdbstub_timeout();
	free(elf.p);
	if (failures)
		fprintf(stderr, "%d check(s) failed\n", failures);
	return failures ? 1 : 0;
}
