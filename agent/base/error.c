// SPDX-License-Identifier: GPL-2.0-only
/* error.c - fill and decorate struct mb_error, name error codes. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "mbagent/error.h"
#include "agent_internal.h"

/**
 * mb_error_set() - record an error
 * @err: error object to fill, may be NULL
 * @code: enum mb_errcode
 * @err_no: errno at the failure, 0 if none
 * @addr: guest address involved, 0 if none
 * @fmt: printf format of the one-line message
 *
 * Return: always -1, so callers can write `return mb_error_set(...)`.
 */
int mb_error_set(struct mb_error *err, int code, int err_no, uint64_t addr,
		 const char *fmt, ...)
{
	va_list ap;

	if (!err)
		return -1;
	err->code = code;
	err->err_no = err_no;
	err->addr = addr;
	va_start(ap, fmt);
	vsnprintf(err->msg, sizeof(err->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/**
 * mb_error_prefix() - add context in front of an existing message
 * @err: error object already filled by a lower layer, may be NULL
 * @fmt: printf format of the context
 *
 * The message becomes "context: old message" (truncated to fit).
 *
 * Return: always -1.
 */
int mb_error_prefix(struct mb_error *err, const char *fmt, ...)
{
	char old[sizeof(err->msg)];
	char pre[sizeof(err->msg)];
	va_list ap;

	if (!err)
		return -1;
	memcpy(old, err->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	va_start(ap, fmt);
	vsnprintf(pre, sizeof(pre), fmt, ap);
	va_end(ap);
	if (old[0]) {
		size_t n = strlen(pre), m = strlen(old);

		if (n > sizeof(err->msg) - 3)
			n = sizeof(err->msg) - 3;
		memcpy(err->msg, pre, n);
		memcpy(err->msg + n, ": ", 2);
		n += 2;
		if (m > sizeof(err->msg) - 1 - n)
			m = sizeof(err->msg) - 1 - n;
		memcpy(err->msg + n, old, m);
		err->msg[n + m] = '\0';
	} else {
		memcpy(err->msg, pre, sizeof(err->msg));
	}
	if (err->code == MB_OK)
		err->code = MB_ERR_INVAL;
	return -1;
}

/**
 * mb_errcode_name() - short stable name of an error code
 * @code: enum mb_errcode
 *
 * Return: a static string such as "timeout"; "unknown" for other values.
 */
const char *mb_errcode_name(int code)
{
	switch (code) {
	case MB_OK:			return "ok";
	case MB_ERR_INVAL:		return "invalid";
	case MB_ERR_IO:			return "io";
	case MB_ERR_NOMEM:		return "nomem";
	case MB_ERR_PROTO:		return "protocol";
	case MB_ERR_TIMEOUT:		return "timeout";
	case MB_ERR_REMOTE:		return "remote";
	case MB_ERR_FORMAT:		return "format";
	case MB_ERR_CORRUPT:		return "corrupt";
	case MB_ERR_NOTFOUND:		return "notfound";
	case MB_ERR_MISMATCH:		return "mismatch";
	case MB_ERR_UNSUPPORTED:	return "unsupported";
	case MB_ERR_CLOSED:		return "closed";
	}
	return "unknown";
}

int mb_agent_verbose;

/**
 * mb_agent_log() - print one diagnostic line on stderr if verbose enough
 * @level: 1 info, 2 debug
 * @fmt: printf format, no trailing newline
 */
void mb_agent_log(int level, const char *fmt, ...)
{
	va_list ap;

	if (mb_agent_verbose < level)
		return;
	fputs(level >= 2 ? "debug: " : "info: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/**
 * mb_now_ms() - monotonic clock in milliseconds
 *
 * Return: milliseconds since an arbitrary start.
 */
int64_t mb_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
