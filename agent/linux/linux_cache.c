// SPDX-License-Identifier: GPL-2.0-only
/* linux_cache.c - keep unpacked kernel images so a second capture of the same file skips the unpacking. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "agent_internal.h"

#define CACHE_MAX_FILE	(1ull << 30)

static int cache_dir(char *out, size_t cap)
{
	const char *d = getenv("MB_CACHE_DIR"), *x = getenv("XDG_CACHE_HOME"),
		   *h = getenv("HOME");
	int n;

	if (d && (!*d || !strcmp(d, "off")))
		return -1;
	if (d)
		n = snprintf(out, cap, "%s", d);
	else if (x && *x == '/')
		n = snprintf(out, cap, "%s/memblock-cli", x);
	else if (h && *h == '/')
		n = snprintf(out, cap, "%s/.cache/memblock-cli", h);
	else
		return -1;
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/* Two independent 64-bit FNV-1a lanes over the bytes, plus the length. */
static void hash128(const uint8_t *p, size_t len, uint64_t h[2])
{
	uint64_t a = 0xcbf29ce484222325ull, b = 0x84222325cbf29ce4ull;
	size_t i;

	for (i = 0; i + 8 <= len; i += 8) {
		uint64_t w;

		memcpy(&w, p + i, 8);
		a = (a ^ w) * 0x100000001b3ull;
		b = (b ^ (w >> 32 | w << 32)) * 0x1000193ull * 0x100000001b3ull;
	}
	for (; i < len; i++) {
		a = (a ^ p[i]) * 0x100000001b3ull;
		b = (b ^ p[i]) * 0x1000193ull;
	}
	h[0] = a ^ len;
	h[1] = b;
}

/**
 * mb_linux_cache_name() - cache file path for an input file's derived data
 * @input: the input file's bytes
 * @len: their length
 * @suffix: what is kept ("vmlinux", "bzimage")
 * @out: receives the path (the directory is created)
 * @cap: size of @out
 *
 * Return: 0, or -1 when caching is off or the directory cannot be made.
 */
int mb_linux_cache_name(const void *input, size_t len, const char *suffix, char *out,
			size_t cap)
{
	char dir[3072];
	uint64_t h[2];
	int n;

	if (cache_dir(dir, sizeof(dir)))
		return -1;
	/* mkdir -p of the last two components is enough for ~/.cache/memblock-cli. */
	{
		char *slash = strrchr(dir, '/');

		if (slash && slash != dir) {
			*slash = 0;
			mkdir(dir, 0700);
			*slash = '/';
		}
		if (mkdir(dir, 0700) && errno != EEXIST)
			return -1;
	}
	hash128(input, len, h);
	n = snprintf(out, cap, "%s/%016llx%016llx.%s", dir, (unsigned long long)h[0],
		     (unsigned long long)h[1], suffix);
	return n > 0 && (size_t)n < cap ? 0 : -1;
}

/**
 * mb_linux_cache_load() - read a cached file
 * @path: from mb_linux_cache_name()
 * @out: receives the malloc'd bytes
 * @len: receives their length
 *
 * Return: 0, or -1 when absent or unreadable (the caller unpacks again).
 */
int mb_linux_cache_load(const char *path, uint8_t **out, size_t *len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	uint8_t *p;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size <= 0 ||
	    (uint64_t)st.st_size > CACHE_MAX_FILE) {
		close(fd);
		return -1;
	}
	p = malloc((size_t)st.st_size);
	if (!p) {
		close(fd);
		return -1;
	}
	while (got < (size_t)st.st_size) {
		ssize_t r = read(fd, p + got, (size_t)st.st_size - got);

		if (r <= 0) {
			free(p);
			close(fd);
			return -1;
		}
		got += (size_t)r;
	}
	close(fd);
	*out = p;
	*len = got;
	return 0;
}

/**
 * mb_linux_cache_store() - write a cache file atomically (best effort)
 * @path: from mb_linux_cache_name()
 * @buf: bytes
 * @len: length
 *
 * A file written elsewhere under a temporary name and renamed: readers see
 * the whole file or none. Failures only cost the next run the unpacking.
 */
void mb_linux_cache_store(const char *path, const void *buf, size_t len)
{
	char tmp[4096];
	const char *p = buf;
	int fd;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp))
		return;
	fd = mkstemp(tmp);
	if (fd < 0) {
		mb_agent_log(1, "cache: %s: %s", path, strerror(errno));
		return;
	}
	while (len) {
		ssize_t n = write(fd, p, len);

		if (n <= 0) {
			close(fd);
			unlink(tmp);
			return;
		}
		p += n;
		len -= (size_t)n;
	}
	if (fsync(fd)) {
		close(fd);
		unlink(tmp);
		return;
	}
	if (close(fd) || rename(tmp, path)) {
		unlink(tmp);
		return;
	}
	mb_agent_log(2, "cache: wrote %s", path);
}
