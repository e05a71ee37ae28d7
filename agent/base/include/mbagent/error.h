/* SPDX-License-Identifier: GPL-2.0-only */
/* error.h - the agent's error object: what failed, why, where. */
#ifndef MBAGENT_ERROR_H
#define MBAGENT_ERROR_H

#include <stdint.h>

enum mb_errcode {
	MB_OK = 0,
	MB_ERR_INVAL,		/* bad argument / command line */
	MB_ERR_IO,		/* read/write/socket failure (see err_no) */
	MB_ERR_NOMEM,
	MB_ERR_PROTO,		/* peer broke the protocol */
	MB_ERR_TIMEOUT,		/* peer did not answer in time */
	MB_ERR_REMOTE,		/* peer answered with an error (e.g. RSP Exx) */
	MB_ERR_FORMAT,		/* file or guest data malformed */
	MB_ERR_CORRUPT,		/* checksum mismatch */
	MB_ERR_NOTFOUND,	/* symbol, type, magic, file not found */
	MB_ERR_MISMATCH,	/* build-id or layout mismatch */
	MB_ERR_UNSUPPORTED,
	MB_ERR_CLOSED,		/* peer closed the connection */
};

/**
 * struct mb_error - an error with its context, filled by the failing layer
 * @code: enum mb_errcode
 * @err_no: errno at the point of failure, 0 if none
 * @addr: guest address involved, or 0
 * @msg: one human-readable line, no trailing newline
 */
struct mb_error {
	int code;
	int err_no;
	uint64_t addr;
	char msg[512];
};

/* Set @err (if non-NULL) and return -1, so callers can `return mb_error_set(...)`. */
int mb_error_set(struct mb_error *err, int code, int err_no, uint64_t addr,
		 const char *fmt, ...) __attribute__((format(printf, 5, 6)));
/* Prefix an existing message: "context: old message". Returns -1. */
int mb_error_prefix(struct mb_error *err, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
const char *mb_errcode_name(int code);

/* Verbosity of the agent's diagnostics on stderr: 0 quiet, 1 info, 2 debug. */
extern int mb_agent_verbose;

#endif /* MBAGENT_ERROR_H */
