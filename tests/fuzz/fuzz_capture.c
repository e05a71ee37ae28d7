// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_capture.c - libFuzzer: the capture file reader (checksums fixed up by the harness), chains, replay, round trip. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>

#include "mbagent/capture.h"
#include "mbagent/replay.h"

#define HDR	64

static uint32_t g32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t g64(const uint8_t *p)
{
	return g32(p) | (uint64_t)g32(p + 4) << 32;
}

static void p32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void p64(uint8_t *p, uint64_t v)
{
	p32(p, (uint32_t)v);
	p32(p + 4, (uint32_t)(v >> 32));
}

static uint32_t crc(const uint8_t *p, size_t n)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), p, (uInt)n);
}

/*
 * Recompute what docs/capture-format.md checksums (sections whose bounds lie
 * in the file, then the whole file after the header, then the header), so
 * mutations reach the parsers behind the checksums.
 */
static void fix_checksums(uint8_t *b, size_t n, bool fix_size)
{
	uint64_t table, fsize;
	uint32_t nsect, esize, i;

	if (n < HDR)
		return;
	if (fix_size)
		p64(b + 16, n);
	fsize = g64(b + 16) < n ? g64(b + 16) : n;
	table = g64(b + 24);
	nsect = g32(b + 32);
	esize = g32(b + 36);
	if (esize >= 28 && esize <= 256 && table >= HDR && table <= fsize) {
		for (i = 0; i < nsect && table + (uint64_t)(i + 1) * esize <= fsize; i++) {
			uint8_t *e = b + table + (size_t)i * esize;
			uint64_t off = g64(e + 8), len = g64(e + 16);

			if (off <= fsize && len <= fsize - off)
				p32(e + 24, crc(b + off, (size_t)len));
		}
	}
	if (fsize >= HDR)
		p32(b + 40, crc(b + HDR, (size_t)(fsize - HDR)));
	p32(b + 60, crc(b, 60));
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
	while (n) {
		ssize_t w = write(fd, p, n);

		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Field by field: the record's pad is not part of the capture format. */
static bool same_event(const struct mb_event *ea, const struct mb_event *eb)
{
	const struct mb_evlog_record *a = &ea->rec, *b = &eb->rec;

	return a->seq == b->seq && a->tsc == b->tsc && a->op == b->op && a->rflags == b->rflags &&
	       a->nid == b->nid && a->base == b->base && a->size == b->size &&
	       a->align == b->align && a->min_addr == b->min_addr && a->max_addr == b->max_addr &&
	       a->result == b->result && a->caller == b->caller && a->mflags == b->mflags &&
	       a->memory_cnt == b->memory_cnt && a->reserved_cnt == b->reserved_cnt &&
	       a->depth == b->depth && ea->caller_sym == eb->caller_sym &&
	       ea->caller_off == eb->caller_off;
}

/* Chains of event @i equal in both captures (frames compared field by field). */
static bool same_chain(const struct mb_capture *a, const struct mb_capture *b, size_t i)
{
	const struct mb_frame *fa, *fb;
	unsigned int ma, mb, na, nb, k;

	na = mb_event_chain(a, i, &fa, &ma);
	nb = mb_event_chain(b, i, &fb, &mb);
	if (na != nb || ma != mb)
		return false;
	for (k = 0; k < na; k++)
		if (fa[k].addr != fb[k].addr || fa[k].sym != fb[k].sym || fa[k].off != fb[k].off ||
		    fa[k].len != fb[k].len)
			return false;
	return true;
}

/* What the reader promises about chains, and the helpers that walk them. */
static void check_chains(const struct mb_capture *c)
{
	char buf[600];
	size_t i;

	if (c->nchains > c->nevents || (c->nchains && !c->chains) || (c->nframes && !c->frames))
		abort();
	for (i = 0; i < c->nchains; i++) {
		const struct mb_chain_ref *r = &c->chains[i];
		unsigned int k;

		if (r->n > MB_CHAIN_MAX || (size_t)r->first + r->n > c->nframes)
			abort();
		for (k = 0; k < r->n; k++) {
			const struct mb_frame *f = &c->frames[r->first + k];

			if (f->sym != MB_NO_SYM && f->sym >= c->nsyms)
				abort();
			mb_frame_format(c, f, buf, sizeof(buf));
		}
	}
	for (i = 0; i < c->nevents && i < 64; i++)
		for (int fr = -1; fr <= MB_CHAIN_MAX; fr++)
			(void)mb_event_frame_name(c, i, fr);
}

static void round_trip(const struct mb_capture *c)
{
	static char dir[64];
	struct mb_capture *d;
	struct mb_error err;
	char path[96];

	if (!dir[0]) {
		snprintf(dir, sizeof(dir), "/dev/shm/mb-fuzz-capture-%d", (int)getpid());
		mkdir(dir, 0700);
	}
	snprintf(path, sizeof(path), "%s/c.mbcap", dir);
	if (mb_capture_write(c, path, &err))
		return;
	d = mb_capture_read(path, &err);
	unlink(path);
	if (!d)
		abort();	/* what we wrote must read back */
	bool same = d->nevents == c->nevents;

	for (size_t i = 0; same && i < c->nevents; i++)
		same = same_event(&d->events[i], &c->events[i]) && same_chain(c, d, i);
	if (!same || d->nsyms != c->nsyms || d->nmeta != c->nmeta ||
	    d->ncheckpoints != c->ncheckpoints || d->log_dropped != c->log_dropped) {
		fprintf(stderr, "round trip changed the capture: events %zu->%zu syms %zu->%zu "
			"meta %zu->%zu checkpoints %zu->%zu dropped %llu->%llu\n", c->nevents,
			d->nevents, c->nsyms, d->nsyms, c->nmeta, d->nmeta, c->ncheckpoints,
			d->ncheckpoints, (unsigned long long)c->log_dropped,
			(unsigned long long)d->log_dropped);
		for (size_t i = 0; i < c->nevents && i < d->nevents; i++)
			if (!same_event(&d->events[i], &c->events[i]) || !same_chain(c, d, i)) {
				fprintf(stderr, "event %zu differs\n", i);
				break;
			}
		abort();
	}
	mb_capture_free(d);
}

/**
 * LLVMFuzzerTestOneInput() - byte 0: bit 0 fix checksums, bit 1 fix the size
 * field, bit 2 write and read back, bit 3 replay; the rest is the file
 * @data: fuzz input
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t buf[1 << 20];
	struct mb_replay_report rep;
	struct mb_capture *c;
	struct mb_error err;
	struct mb_state out;
	unsigned int flags;
	char path[64];
	int fd;

	if (size < 1 || size - 1 > sizeof(buf))
		return 0;
	flags = data[0];
	memcpy(buf, data + 1, size - 1);
	if (flags & 1)
		fix_checksums(buf, size - 1, flags & 2);
	fd = memfd_create("capture", MFD_CLOEXEC);
	if (fd < 0)
		abort();
	if (write_all(fd, buf, size - 1))
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	c = mb_capture_read(path, &err);
	close(fd);
	if (!c)
		return 0;
	if ((c->nevents && !c->events) || c->build_id_len > sizeof(c->build_id))
		abort();
	for (size_t i = 0; i < c->nevents; i++)
		if (c->events[i].caller_sym != MB_NO_SYM && c->events[i].caller_sym >= c->nsyms)
			abort();
	check_chains(c);
	if (flags & 4)
		round_trip(c);
	if ((flags & 8) && c->nevents <= 2000) {
		memset(&out, 0, sizeof(out));
		if (mb_replay_verify(c, &out, &rep, &err) >= 0)
			mb_state_clear(&out);
	}
	mb_capture_free(c);
	return 0;
}
