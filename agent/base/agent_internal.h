/* SPDX-License-Identifier: GPL-2.0-only */
/* agent_internal.h - helpers shared by the agent's own files (not installed). */
#ifndef MBAGENT_INTERNAL_H
#define MBAGENT_INTERNAL_H

#include <stdint.h>

/* Print a diagnostic on stderr if mb_agent_verbose >= @level (1 info, 2 debug). */
void mb_agent_log(int level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Monotonic milliseconds. */
int64_t mb_now_ms(void);

/* cleanup.c: temporary state removed on SIGINT/SIGTERM/SIGHUP/SIGQUIT and swept after SIGKILL. */
int mb_tmpdir_make(char *tmpl);
void mb_tmpdir_remove(const char *dir);
int mb_cleanup_add_file(const char *path);
void mb_cleanup_forget(int id);

#endif /* MBAGENT_INTERNAL_H */
