// SPDX-License-Identifier: GPL-2.0-only
/* linux_image.c - get a vmlinux (and its BTF) out of a bzImage, a vmlinux or a Debian .deb. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <lz4.h>
#include <lz4frame.h>
#include <lzma.h>
#include <zlib.h>
#include <zstd.h>

#include "agent_internal.h"
#include "mbagent/btf.h"
#include "mbagent/linux.h"

/* Boot protocol header fields (Documentation/arch/x86/boot.rst offsets). */
#define BOOT_SETUP_SECTS	0x1f1
#define BOOT_HDRS_MAGIC		0x202
#define BOOT_VERSION		0x206
#define BOOT_PAYLOAD_OFFSET	0x248
#define BOOT_PAYLOAD_LENGTH	0x24c
#define LZ4_LEGACY_MAGIC	0x184c2102u
#define LZ4_LEGACY_BLOCK	(8u << 20)
/* Refuse to inflate anything past this: a kernel is far smaller. */
#define MAX_UNPACKED		(1ull << 30)

static uint32_t get_le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t get_le16(const uint8_t *p)
{
	return p[0] | p[1] << 8;
}

/*
 * A sink receives decompressed bytes. It returns 0 to go on, 1 to stop early
 * (it has what it wanted) or -1 with the error set.
 */
typedef int (*sink_fn)(void *ctx, const uint8_t *p, size_t n, struct mb_error *err);

/* The "collect everything" sink. */
struct growbuf {
	uint8_t *p;
	size_t len;
	size_t cap;
};

static int grow_sink(void *ctx, const uint8_t *p, size_t n, struct mb_error *err)
{
	struct growbuf *g = ctx;

	if (!n)
		return 0;
	if (g->len + n > MAX_UNPACKED)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "decompressed data larger than %llu bytes",
				    (unsigned long long)MAX_UNPACKED);
	if (g->len + n > g->cap) {
		size_t cap = g->cap ? g->cap : 1 << 20;
		uint8_t *q;

		while (cap < g->len + n)
			cap *= 2;
		q = realloc(g->p, cap);
		if (!q)
			return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		g->p = q;
		g->cap = cap;
	}
	memcpy(g->p + g->len, p, n);
	g->len += n;
	return 0;
}

enum packing { PK_NONE, PK_GZIP, PK_XZ, PK_LZ4_LEGACY, PK_LZ4_FRAME, PK_ZSTD, PK_UNKNOWN };

static const char *const packing_name[] = {
	[PK_NONE] = "none", [PK_GZIP] = "gzip", [PK_XZ] = "xz",
	[PK_LZ4_LEGACY] = "lz4", [PK_LZ4_FRAME] = "lz4", [PK_ZSTD] = "zstd",
	[PK_UNKNOWN] = "unknown",
};

static enum packing sniff(const uint8_t *p, size_t n)
{
	if (n >= 2 && p[0] == 0x1f && (p[1] == 0x8b || p[1] == 0x9e))
		return PK_GZIP;
	if (n >= 6 && !memcmp(p, "\xfd" "7zXZ\0", 6))
		return PK_XZ;
	if (n >= 4 && get_le32(p) == LZ4_LEGACY_MAGIC)
		return PK_LZ4_LEGACY;
	if (n >= 4 && get_le32(p) == 0x184d2204u)
		return PK_LZ4_FRAME;
	if (n >= 4 && get_le32(p) == 0xfd2fb528u)
		return PK_ZSTD;
	return PK_UNKNOWN;
}

#define CHUNK (256u << 10)

/*
 * One step of a streaming decompressor: fill @out (@cap bytes), say how much
 * came out, whether the stream ended, and whether it is stuck (input used up
 * short of the end). 0, or -1 with @err set.
 */
typedef int (*step_fn)(void *st, uint8_t *out, size_t cap, size_t *got, bool *end,
		       bool *stuck, struct mb_error *err);

/* Run @step until the stream ends or the sink has enough; -1 on any error. */
static int drain(const char *name, step_fn step, void *st, sink_fn sink, void *ctx,
		 struct mb_error *err)
{
	uint8_t *out = malloc(CHUNK);
	int ret = -1;

	if (!out)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	for (;;) {
		bool end = false, stuck = false;
		size_t got = 0;
		int sr;

		if (step(st, out, CHUNK, &got, &end, &stuck, err))
			break;
		sr = sink(ctx, out, got, err);
		if (sr < 0)
			break;
		if (sr > 0 || end) {
			ret = 0;
			break;
		}
		if (stuck) {
			mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: truncated data", name);
			break;
		}
	}
	free(out);
	return ret;
}

struct gzip_in {
	z_stream zs;
	const uint8_t *in;
	size_t n;
};

static int gzip_step(void *st, uint8_t *out, size_t cap, size_t *got, bool *end, bool *stuck,
		     struct mb_error *err)
{
	struct gzip_in *g = st;
	size_t feed = g->n - (size_t)((const uint8_t *)g->zs.next_in - g->in);
	int zr;

	g->zs.avail_in = feed > (1u << 30) ? (1u << 30) : (uInt)feed;
	g->zs.next_out = out;
	g->zs.avail_out = (uInt)cap;
	zr = inflate(&g->zs, Z_NO_FLUSH);
	if (zr != Z_OK && zr != Z_STREAM_END)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "gzip: %s",
				    g->zs.msg ? g->zs.msg : "corrupt or truncated data");
	*got = cap - g->zs.avail_out;
	*end = zr == Z_STREAM_END;
	*stuck = g->zs.avail_in == 0 && *got == 0;
	return 0;
}

static int unpack_gzip(const uint8_t *in, size_t n, sink_fn sink, void *ctx,
		       struct mb_error *err)
{
	struct gzip_in g = { .in = in, .n = n };
	int ret;

	if (inflateInit2(&g.zs, 15 + 32) != Z_OK)
		return mb_error_set(err, MB_ERR_NOMEM, 0, 0, "zlib: cannot initialise");
	g.zs.next_in = (Bytef *)in;
	ret = drain("gzip", gzip_step, &g, sink, ctx, err);
	inflateEnd(&g.zs);
	return ret;
}

static int xz_step(void *st, uint8_t *out, size_t cap, size_t *got, bool *end, bool *stuck,
		   struct mb_error *err)
{
	lzma_stream *ls = st;
	lzma_ret lr;

	ls->next_out = out;
	ls->avail_out = cap;
	lr = lzma_code(ls, ls->avail_in ? LZMA_RUN : LZMA_FINISH);
	if (lr != LZMA_OK && lr != LZMA_STREAM_END)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "xz: %s",
				    lr == LZMA_BUF_ERROR ? "truncated data" :
				    lr == LZMA_MEM_ERROR ? "out of memory" : "corrupt data");
	*got = cap - ls->avail_out;
	*end = lr == LZMA_STREAM_END;
	*stuck = false;		/* liblzma says LZMA_BUF_ERROR itself */
	return 0;
}

static int unpack_xz(const uint8_t *in, size_t n, sink_fn sink, void *ctx, struct mb_error *err)
{
	lzma_stream ls = LZMA_STREAM_INIT;
	int ret;

	if (lzma_stream_decoder(&ls, UINT64_MAX, 0) != LZMA_OK)
		return mb_error_set(err, MB_ERR_NOMEM, 0, 0, "xz: cannot initialise");
	ls.next_in = in;
	ls.avail_in = n;
	ret = drain("xz", xz_step, &ls, sink, ctx, err);
	lzma_end(&ls);
	return ret;
}

struct zstd_in {
	ZSTD_DStream *zd;
	ZSTD_inBuffer ib;
};

static int zstd_step(void *st, uint8_t *out, size_t cap, size_t *got, bool *end, bool *stuck,
		     struct mb_error *err)
{
	struct zstd_in *z = st;
	ZSTD_outBuffer ob = { out, cap, 0 };
	size_t zr = ZSTD_decompressStream(z->zd, &ob, &z->ib);

	if (ZSTD_isError(zr))
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "zstd: %s", ZSTD_getErrorName(zr));
	*got = ob.pos;
	*end = zr == 0;
	*stuck = z->ib.pos == z->ib.size && ob.pos < ob.size;
	return 0;
}

static int unpack_zstd(const uint8_t *in, size_t n, sink_fn sink, void *ctx,
		       struct mb_error *err)
{
	struct zstd_in z = { .zd = ZSTD_createDStream(), .ib = { in, n, 0 } };
	int ret;

	if (!z.zd)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	ZSTD_initDStream(z.zd);
	/* Kernel images use windows up to 2^27 (zstd -22 --ultra); allow more. */
	ZSTD_DCtx_setParameter(z.zd, ZSTD_d_windowLogMax, 31);
	ret = drain("zstd", zstd_step, &z, sink, ctx, err);
	ZSTD_freeDStream(z.zd);
	return ret;
}

/*
 * The kernel's LZ4 payload is the legacy format: a 4-byte magic, then blocks
 * of (4-byte compressed size, data), each inflating to at most 8 MiB; the
 * build appends the 4-byte uncompressed size, which reads as a block size too
 * big for what is left, so it ends the stream. The magic may repeat.
 */
static int unpack_lz4_legacy(const uint8_t *in, size_t n, sink_fn sink, void *ctx,
			     struct mb_error *err)
{
	uint8_t *out = malloc(LZ4_LEGACY_BLOCK);
	size_t pos = 4, total = 0;
	int ret = 0, sr;

	if (!out)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	while (pos + 4 <= n) {
		uint32_t bs = get_le32(in + pos);
		int got;

		if (bs == LZ4_LEGACY_MAGIC) {
			pos += 4;
			continue;
		}
		if (bs == 0 || bs > n - pos - 4) {
			/*
			 * Only the size trailer may end the stream, and it
			 * must match; anything else is a corrupt payload,
			 * not a short vmlinux.
			 */
			if (n - pos != 4 || bs != total)
				ret = mb_error_set(err, MB_ERR_FORMAT, 0, pos,
						   "lz4: corrupt or truncated payload (block size %u at offset %zu, %zu bytes left, %zu inflated)",
						   bs, pos, n - pos - 4, total);
			break;
		}
		if (bs > (uint32_t)LZ4_compressBound(LZ4_LEGACY_BLOCK)) {
			ret = mb_error_set(err, MB_ERR_FORMAT, 0, pos, "lz4: block size %u too large", bs);
			break;
		}
		got = LZ4_decompress_safe((const char *)in + pos + 4, (char *)out, (int)bs,
					  LZ4_LEGACY_BLOCK);
		if (got < 0) {
			ret = mb_error_set(err, MB_ERR_FORMAT, 0, pos, "lz4: corrupt block at offset %zu",
					   pos);
			break;
		}
		pos += 4 + bs;
		total += (size_t)got;
		sr = sink(ctx, out, (size_t)got, err);
		if (sr < 0)
			ret = -1;
		if (sr)
			break;
	}
	free(out);
	return ret;
}

static int unpack_lz4_frame(const uint8_t *in, size_t n, sink_fn sink, void *ctx,
			    struct mb_error *err)
{
	LZ4F_dctx *dc = NULL;
	uint8_t *out = malloc(CHUNK);
	size_t pos = 0;
	int ret = -1, sr;

	if (!out || LZ4F_isError(LZ4F_createDecompressionContext(&dc, LZ4F_VERSION))) {
		free(out);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	while (1) {
		size_t osz = CHUNK, isz = n - pos;
		size_t r = LZ4F_decompress(dc, out, &osz, in + pos, &isz, NULL);

		if (LZ4F_isError(r)) {
			mb_error_set(err, MB_ERR_FORMAT, 0, 0, "lz4: %s", LZ4F_getErrorName(r));
			break;
		}
		pos += isz;
		sr = sink(ctx, out, osz, err);
		if (sr < 0)
			break;
		if (sr > 0 || r == 0) {
			ret = 0;
			break;
		}
		if (pos == n && osz == 0) {
			mb_error_set(err, MB_ERR_FORMAT, 0, 0, "lz4: truncated data");
			break;
		}
	}
	LZ4F_freeDecompressionContext(dc);
	free(out);
	return ret;
}

static int unpack(enum packing k, const uint8_t *in, size_t n, sink_fn sink, void *ctx,
		  struct mb_error *err)
{
	switch (k) {
	case PK_NONE:
		return sink(ctx, in, n, err) < 0 ? -1 : 0;
	case PK_GZIP:
		return unpack_gzip(in, n, sink, ctx, err);
	case PK_XZ:
		return unpack_xz(in, n, sink, ctx, err);
	case PK_LZ4_LEGACY:
		return unpack_lz4_legacy(in, n, sink, ctx, err);
	case PK_LZ4_FRAME:
		return unpack_lz4_frame(in, n, sink, ctx, err);
	case PK_ZSTD:
		return unpack_zstd(in, n, sink, ctx, err);
	default:
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0, "unknown compression");
	}
}

int mb_linux_extract_vmlinux(const uint8_t *buf, size_t len, uint8_t **out, size_t *out_len,
			     const char **kind, struct mb_error *err)
{
	struct growbuf g = { 0 };
	size_t setup, off, plen;
	enum packing k;
	uint16_t ver;

	if (len < 0x250 || memcmp(buf + BOOT_HDRS_MAGIC, "HdrS", 4))
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "not an x86 bzImage (no HdrS header)");
	ver = get_le16(buf + BOOT_VERSION);
	if (ver < 0x208)
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "boot protocol %u.%02u has no payload fields (need 2.08+)",
				    ver >> 8, ver & 0xff);
	setup = buf[BOOT_SETUP_SECTS] ? buf[BOOT_SETUP_SECTS] : 4;
	setup = (setup + 1) * 512;
	off = get_le32(buf + BOOT_PAYLOAD_OFFSET);
	plen = get_le32(buf + BOOT_PAYLOAD_LENGTH);
	if (setup > len || off > len - setup || plen > len - setup - off || plen < 8)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "payload (offset 0x%zx, length 0x%zx) outside the %zu-byte file",
				    off, plen, len);
	buf += setup + off;
	k = sniff(buf, plen);
	if (k == PK_UNKNOWN)
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "payload compression not supported (magic %02x %02x %02x %02x)",
				    buf[0], buf[1], buf[2], buf[3]);
	if (unpack(k, buf, plen, grow_sink, &g, err)) {
		free(g.p);
		return mb_error_prefix(err, "bzImage payload");
	}
	if (g.len < 64 || memcmp(g.p, ELFMAG, SELFMAG)) {
		free(g.p);
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "bzImage payload (%s) is not an ELF vmlinux", packing_name[k]);
	}
	*out = g.p;
	*out_len = g.len;
	*kind = packing_name[k];
	return 0;
}

/* ---- Debian packages: ar, then a (compressed) tar ---- */

/* Streaming tar reader: keeps only the member it wants. */
struct tar_state {
	uint8_t hdr[512];
	size_t hdr_fill;
	uint64_t left;		/* bytes of the current member still to come */
	uint64_t pad;		/* padding to skip after it */
	bool want;		/* keep the current member */
	bool done;
	char longname[512];
	bool have_longname;
	bool in_longname;
	size_t longname_fill;
	struct growbuf keep;
	char member[256];
};

static uint64_t tar_num(const uint8_t *f, size_t n)
{
	uint64_t v = 0;
	size_t i;

	if (f[0] & 0x80) {	/* base-256 */
		for (i = 1; i < n; i++)
			v = v << 8 | f[i];
		return v;
	}
	for (i = 0; i < n && (f[i] == ' ' || f[i] == 0); i++)
		;
	for (; i < n && f[i] >= '0' && f[i] <= '7'; i++)
		v = v * 8 + (uint64_t)(f[i] - '0');
	return v;
}

static bool kernel_member(const char *name)
{
	const char *b = name;

	if (!strncmp(b, "./", 2))
		b += 2;
	else if (*b == '/')
		b++;
	return !strncmp(b, "boot/vmlinuz-", 13) || !strncmp(b, "boot/vmlinux-", 13);
}

static int tar_header(struct tar_state *t, struct mb_error *err)
{
	char name[512];
	uint64_t size;
	char type;
	size_t i;
	bool zero = true;

	for (i = 0; i < 512; i++)
		zero &= t->hdr[i] == 0;
	if (zero) {
		t->done = true;	/* end of archive */
		return 1;
	}
	size = tar_num(t->hdr + 124, 12);
	type = (char)t->hdr[156];
	if (t->have_longname) {
		snprintf(name, sizeof(name), "%s", t->longname);
		t->have_longname = false;
	} else if (!memcmp(t->hdr + 257, "ustar", 5) && t->hdr[345]) {
		snprintf(name, sizeof(name), "%.155s/%.100s", (char *)t->hdr + 345,
			 (char *)t->hdr + 0);
	} else {
		snprintf(name, sizeof(name), "%.100s", (char *)t->hdr);
	}
	t->left = size;
	t->pad = (512 - size % 512) % 512;
	t->want = false;
	t->in_longname = false;
	if (type == 'L') {
		if (size >= sizeof(t->longname))
			return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "tar: long name too long");
		t->in_longname = true;
		t->longname_fill = 0;
	} else if ((type == '0' || type == 0) && kernel_member(name)) {
		if (size > MAX_UNPACKED)
			return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "tar: member too large");
		t->want = true;
		snprintf(t->member, sizeof(t->member), "%.255s", name);
	}
	return 0;
}

static int tar_sink(void *ctx, const uint8_t *p, size_t n, struct mb_error *err)
{
	struct tar_state *t = ctx;

	while (n && !t->done) {
		if (t->left) {
			size_t take = n < t->left ? n : (size_t)t->left;

			if (t->want && grow_sink(&t->keep, p, take, err))
				return -1;
			if (t->in_longname) {
				memcpy(t->longname + t->longname_fill, p, take);
				t->longname_fill += take;
			}
			p += take;
			n -= take;
			t->left -= take;
			if (!t->left && t->want) {
				t->done = true;
				return 1;
			}
			if (!t->left && t->in_longname) {
				t->longname[t->longname_fill] = 0;
				t->have_longname = true;
				t->in_longname = false;
			}
			continue;
		}
		if (t->pad) {
			size_t take = n < t->pad ? n : (size_t)t->pad;

			p += take;
			n -= take;
			t->pad -= take;
			continue;
		}
		{
			mb_fill_buf(t->hdr, 512, &t->hdr_fill, &p, &n);
			if (t->hdr_fill == 512) {
				int r;

				t->hdr_fill = 0;
				r = tar_header(t, err);
				if (r)
					return r;
				if (t->want && !t->left) {
					t->done = true;
					return 1;
				}
			}
		}
	}
	return t->done ? 1 : 0;
}

int mb_linux_deb_find_kernel(const uint8_t *buf, size_t len, uint8_t **out, size_t *out_len,
			     char *member, size_t member_cap, struct mb_error *err)
{
	size_t pos = 8;

	if (len < 8 || memcmp(buf, "!<arch>\n", 8))
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "not an ar archive (Debian package)");
	while (pos + 60 <= len) {
		const uint8_t *h = buf + pos;
		char name[17], sz[11];
		size_t size;
		char *end;
		enum packing k;

		memcpy(name, h, 16);
		name[16] = 0;
		/* Names are space-padded, GNU ar ends them with '/'. */
		for (int i = 15; i >= 0 && (name[i] == ' ' || name[i] == '/'); i--)
			name[i] = 0;
		memcpy(sz, h + 48, 10);
		sz[10] = 0;
		if (h[58] != '`' || h[59] != '\n')
			return mb_error_set(err, MB_ERR_FORMAT, 0, pos, "ar: bad member header");
		size = strtoul(sz, &end, 10);
		if (end == sz || size > len - pos - 60)
			return mb_error_set(err, MB_ERR_FORMAT, 0, pos, "ar: bad member size");
		pos += 60;
		if (!strncmp(name, "data.tar", 8)) {
			struct tar_state *t = calloc(1, sizeof(*t));
			int r;

			if (!t)
				return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
			k = !strcmp(name, "data.tar") ? PK_NONE : sniff(buf + pos, size);
			r = unpack(k, buf + pos, size, tar_sink, t, err);
			if (r) {
				free(t->keep.p);
				free(t);
				return mb_error_prefix(err, "Debian package %s", name);
			}
			if (!t->want || t->left) {
				free(t->keep.p);
				free(t);
				return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
						    "Debian package has no boot/vmlinuz-* file");
			}
			*out = t->keep.p ? t->keep.p : malloc(1);
			*out_len = t->keep.len;
			if (member && member_cap)
				snprintf(member, member_cap, "%s", t->member);
			free(t);
			return 0;
		}
		pos += size + (size & 1);
	}
	return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "Debian package has no data.tar member");
}

/* ---- BTF layout ---- */

/* ---- the image ---- */

static int load_file(const char *path, uint8_t **out, size_t *out_len, struct mb_error *err)
{
	struct stat st;
	uint8_t *p;
	size_t got = 0;
	/* Non-blocking: a FIFO must not hang us before the type check. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0)
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", path, strerror(errno));
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: not a regular file", path);
	}
	if ((uint64_t)st.st_size > MAX_UNPACKED) {
		close(fd);
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "%s: too large", path);
	}
	p = malloc(st.st_size ? (size_t)st.st_size : 1);
	if (!p) {
		close(fd);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r <= 0) {
			int e = r < 0 ? errno : EIO;

			free(p);
			close(fd);
			return mb_error_set(err, MB_ERR_IO, e, 0, "%s: read failed", path);
		}
		got += (size_t)r;
	}
	close(fd);
	*out = p;
	*out_len = got;
	return 0;
}

static void find_banner(struct mb_linux_image *img)
{
	const struct mb_linux_section *s = mb_linux_image_section(img, ".rodata");
	const uint8_t *p;
	size_t i, n;

	if (!s || !s->data)
		return;
	p = memmem(s->data, s->size, "Linux version ", 14);
	if (!p)
		return;
	n = (size_t)(s->data + s->size - p);
	for (i = 0; i < n && i < sizeof(img->version) - 1 && p[i] >= ' ' && p[i] < 0x7f; i++)
		img->version[i] = (char)p[i];
	img->version[i] = 0;
}

static void find_build_id(struct mb_linux_image *img, Elf_Data *d)
{
	size_t off = 0, name_off, desc_off;
	GElf_Nhdr nh;

	while ((off = gelf_getnote(d, off, &nh, &name_off, &desc_off)) > 0) {
		if (nh.n_type == NT_GNU_BUILD_ID && nh.n_namesz == 4 &&
		    !memcmp((char *)d->d_buf + name_off, "GNU", 4) && nh.n_descsz <= 32) {
			memcpy(img->build_id, (char *)d->d_buf + desc_off, nh.n_descsz);
			img->build_id_len = nh.n_descsz;
			return;
		}
	}
}

struct mb_linux_image *mb_linux_image_from_elf(uint8_t *elf_buf, size_t len, struct mb_error *err)
{
	struct mb_linux_image *img = calloc(1, sizeof(*img));
	Elf *e = NULL;
	Elf_Scn *scn = NULL;
	size_t shstrndx, nsec = 0;
	GElf_Ehdr eh;

	if (!img) {
		free(elf_buf);
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	img->vmlinux = elf_buf;
	img->vmlinux_len = len;
	img->compression = "none";
	elf_version(EV_CURRENT);
	e = elf_memory((char *)elf_buf, len);
	if (!e || elf_kind(e) != ELF_K_ELF || !gelf_getehdr(e, &eh) ||
	    eh.e_ident[EI_CLASS] != ELFCLASS64 || eh.e_machine != EM_X86_64) {
		mb_error_set(err, MB_ERR_FORMAT, 0, 0, "not an x86-64 ELF vmlinux");
		goto fail;
	}
	if (elf_getshdrstrndx(e, &shstrndx) || elf_getshdrnum(e, &nsec)) {
		mb_error_set(err, MB_ERR_FORMAT, 0, 0, "ELF: no section headers: %s",
			     elf_errmsg(-1));
		goto fail;
	}
	img->secs = calloc(nsec ? nsec : 1, sizeof(*img->secs));
	if (!img->secs) {
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		goto fail;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			continue;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name)
			continue;
		if (sh.sh_type == SHT_SYMTAB)
			img->has_symtab = true;
		if (sh.sh_type != SHT_NOBITS &&
		    (sh.sh_offset > len || sh.sh_size > len - sh.sh_offset)) {
			mb_error_set(err, MB_ERR_FORMAT, 0, 0, "ELF: section %s outside the file",
				     name);
			goto fail;
		}
		if (!strcmp(name, ".BTF") && sh.sh_type != SHT_NOBITS && !img->btf) {
			mb_libbpf_quiet();
			img->btf = btf__new(elf_buf + sh.sh_offset, (uint32_t)sh.sh_size);
			if (!img->btf) {
				const char *why = mb_libbpf_last();

				mb_error_set(err, MB_ERR_FORMAT, errno, 0, "ELF: .BTF is not valid BTF%s%s%s",
					     why[0] ? " (libbpf: " : "", why, why[0] ? ")" : "");
				goto fail;
			}
		}
		if (sh.sh_type == SHT_NOTE && !img->build_id_len) {
			d = elf_getdata(scn, NULL);
			if (d)
				find_build_id(img, d);
		}
		if ((sh.sh_flags & SHF_ALLOC) && sh.sh_addr && sh.sh_size) {
			struct mb_linux_section *s = &img->secs[img->nsecs++];

			s->name = name;
			s->addr = sh.sh_addr;
			s->size = sh.sh_size;
			s->data = sh.sh_type == SHT_NOBITS ? NULL : elf_buf + sh.sh_offset;
		}
	}
	/* Names point into the buffer (shstrtab), which the image owns. */
	elf_end(e);
	e = NULL;
	if (!img->btf) {
		mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
			     "vmlinux has no .BTF section (kernel built without CONFIG_DEBUG_INFO_BTF)");
		goto fail;
	}
	if (mb_btf_layout(img->btf, &img->layout, err))
		goto fail;
	find_banner(img);
	return img;
fail:
	if (e)
		elf_end(e);
	mb_linux_image_free(img);
	return NULL;
}

struct mb_linux_image *mb_linux_image_open(const char *path, struct mb_error *err)
{
	uint8_t *file = NULL, *kern = NULL, *elf = NULL;
	size_t flen = 0, klen = 0, elen = 0;
	const char *kind = "none";
	char member[256] = "";
	bool deb = false;
	struct mb_linux_image *img;
	char cpath[4096], ipath[4096];
	bool cached = false;

	if (load_file(path, &file, &flen, err))
		return NULL;
	/* An image unpacked before: the ELF and how it was packed, from the cache. */
	if (mb_linux_cache_name(file, flen, "vmlinux", cpath, sizeof(cpath)) == 0 &&
	    mb_linux_cache_name(file, flen, "info", ipath, sizeof(ipath)) == 0) {
		uint8_t *info = NULL;
		size_t ilen = 0;

		if (mb_linux_cache_load(ipath, &info, &ilen) == 0 &&
		    mb_linux_cache_load(cpath, &elf, &elen) == 0) {
			static const char *const kinds[] = { "none", "gzip", "xz", "lz4", "zstd" };
			char k[16] = "", *nl;
			int d = 0;

			info = realloc(info, ilen + 1);
			info[ilen] = 0;
			nl = strchr((char *)info, '\n');
			if (nl && sscanf((char *)info, "%15s %d", k, &d) == 2) {
				snprintf(member, sizeof(member), "%s", nl + 1);
				member[strcspn(member, "\n")] = 0;
				for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++)
					if (!strcmp(k, kinds[i]))
						kind = kinds[i];
				deb = d != 0;
				cached = true;
			} else {
				free(elf);
				elf = NULL;
			}
		}
		free(info);
		if (cached) {
			free(file);
			mb_agent_log(2, "linux: unpacked image from the cache: %s", cpath);
			goto have_elf;
		}
	} else {
		cpath[0] = 0;
	}
	if (flen >= 8 && !memcmp(file, "!<arch>\n", 8)) {
		if (mb_linux_deb_find_kernel(file, flen, &kern, &klen, member, sizeof(member), err)) {
			free(file);
			mb_error_prefix(err, "%s", path);
			return NULL;
		}
		free(file);
		file = kern;
		flen = klen;
		deb = true;
	}
	if (flen >= 4 && !memcmp(file, ELFMAG, SELFMAG)) {
		elf = file;
		elen = flen;
	} else {
		if (mb_linux_extract_vmlinux(file, flen, &elf, &elen, &kind, err)) {
			free(file);
			mb_error_prefix(err, "%s", path);
			return NULL;
		}
		free(file);
	}
	if (cpath[0] && strcmp(kind, "none")) {
		char info[512];
		int n = snprintf(info, sizeof(info), "%s %d\n%s\n", kind, deb ? 1 : 0, member);

		mb_linux_cache_store(cpath, elf, elen);
		if (n > 0 && (size_t)n < sizeof(info))
			mb_linux_cache_store(ipath, info, (size_t)n);
	}
have_elf:
	img = mb_linux_image_from_elf(elf, elen, err);
	if (!img) {
		mb_error_prefix(err, "%s", path);
		return NULL;
	}
	img->compression = kind;
	img->from_deb = deb;
	snprintf(img->deb_member, sizeof(img->deb_member), "%s", member);
	return img;
}

/**
 * mb_linux_image_free() - free an image and everything it owns
 * @img: the image, may be NULL
 */
void mb_linux_image_free(struct mb_linux_image *img)
{
	if (!img)
		return;
	btf__free(img->btf);
	free(img->secs);
	free(img->vmlinux);
	free(img);
}

const struct mb_linux_section *mb_linux_image_section(const struct mb_linux_image *img,
						      const char *name)
{
	size_t i;

	for (i = 0; i < img->nsecs; i++)
		if (!strcmp(img->secs[i].name, name))
			return &img->secs[i];
	return NULL;
}

int mb_linux_image_read(const struct mb_linux_image *img, uint64_t vaddr, void *buf, size_t len)
{
	size_t i;

	for (i = 0; i < img->nsecs; i++) {
		const struct mb_linux_section *s = &img->secs[i];

		if (vaddr < s->addr || vaddr - s->addr > s->size || len > s->size - (vaddr - s->addr))
			continue;
		if (s->data)
			memcpy(buf, s->data + (vaddr - s->addr), len);
		else
			memset(buf, 0, len);
		return 0;
	}
	return -1;
}

int mb_linux_symbol(const struct mb_linux_image *img, const char *name, uint64_t *addr)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	int ret = -1;

	if (!img->has_symtab)
		return -1;
	e = elf_memory((char *)img->vmlinux, img->vmlinux_len);
	if (!e)
		return -1;
	while (ret && (scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		Elf_Data *d;
		size_t i, n;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_SYMTAB || !sh.sh_entsize)
			continue;
		d = elf_getdata(scn, NULL);
		n = sh.sh_size / sh.sh_entsize;
		for (i = 0; d && i < n; i++) {
			GElf_Sym sym;
			const char *nm;

			if (!gelf_getsym(d, (int)i, &sym))
				break;
			nm = elf_strptr(e, sh.sh_link, sym.st_name);
			if (nm && !strcmp(nm, name) && sym.st_value) {
				*addr = sym.st_value;
				ret = 0;
				break;
			}
		}
	}
	elf_end(e);
	return ret;
}

int mb_linux_system_map_lookup(const char *path, const char *name, uint64_t *addr,
			       struct mb_error *err)
{
	FILE *f = fopen(path, "re");
	char line[512];

	if (!f)
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", path, strerror(errno));
	while (fgets(line, sizeof(line), f)) {
		unsigned long long a;
		char type, sym[400];

		if (sscanf(line, "%llx %c %399s", &a, &type, sym) == 3 && !strcmp(sym, name)) {
			fclose(f);
			*addr = a;
			return 0;
		}
	}
	fclose(f);
	return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0, "%s: no symbol %s", path, name);
}

int mb_linux_virt_to_phys(uint64_t vaddr, uint64_t *phys)
{
	if (vaddr >= MB_LINUX_START_KERNEL_MAP) {
		*phys = vaddr - MB_LINUX_START_KERNEL_MAP;
		return 0;
	}
	/* The direct map spans 64 TiB with 4-level paging. */
	if (vaddr >= MB_LINUX_PAGE_OFFSET && vaddr - MB_LINUX_PAGE_OFFSET < (1ull << 46)) {
		*phys = vaddr - MB_LINUX_PAGE_OFFSET;
		return 0;
	}
	return -1;
}
