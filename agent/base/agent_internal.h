/* SPDX-License-Identifier: GPL-2.0-only */
/* agent_internal.h - helpers shared by the agent's own files (not installed). */
#ifndef MBAGENT_INTERNAL_H
#define MBAGENT_INTERNAL_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* Print a diagnostic on stderr if mb_agent_verbose >= @level (1 info, 2 debug). */
void mb_agent_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Monotonic milliseconds. */
int64_t mb_now_ms(void);

/*
 * Index of the last of the @n ascending values @v that is <= @x (binary
 * search); the caller checks n >= 1 and v[0] <= x. Symbol and ORC tables both
 * look addresses up this way.
 */
static inline size_t mb_last_at_or_below(const uint64_t *v, size_t n, uint64_t x)
{
	size_t lo = 0, hi = n;

	while (hi - lo > 1) {
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid] <= x)
			lo = mid;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Append to @buf (@*fill of its @cap bytes in use) as much as fits of the
 * @*len bytes at @*src, advancing @*fill, @*src and @*len past what moved.
 * Return: the number of bytes moved.
 */
static inline size_t mb_fill_buf(uint8_t *buf, size_t cap, size_t *fill, const uint8_t **src,
				 size_t *len)
{
	size_t take = cap - *fill < *len ? cap - *fill : *len;

	memcpy(buf + *fill, *src, take);
	*fill += take;
	*src += take;
	*len -= take;
	return take;
}

/*
 * Cache of unpacked kernel images (linux_cache.c): files named after a hash
 * of the input file, in $MB_CACHE_DIR, else $XDG_CACHE_HOME/memblock-cli,
 * else ~/.cache/memblock-cli; MB_CACHE_DIR=off disables it.
 */
int mb_linux_cache_name(const void *input, size_t len, const char *suffix, char *out,
			size_t cap);
int mb_linux_cache_load(const char *path, uint8_t **out, size_t *len);
void mb_linux_cache_store(const char *path, const void *buf, size_t len);

/* cleanup.c: temporary state removed on SIGINT/SIGTERM/SIGHUP/SIGQUIT and swept after SIGKILL. */
int mb_tmpdir_make(char *tmpl);
void mb_tmpdir_remove(const char *dir);
int mb_cleanup_add_file(const char *path);
void mb_cleanup_forget(int id);

#endif /* MBAGENT_INTERNAL_H */
