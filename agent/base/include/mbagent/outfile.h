/* SPDX-License-Identifier: GPL-2.0-only */
/* outfile.h - open inputs safely (regular files only) and write outputs atomically. */
#ifndef MBAGENT_OUTFILE_H
#define MBAGENT_OUTFILE_H

#include <stdbool.h>
#include "error.h"

/**
 * struct mb_outfile - an output being written
 * @fd: write here
 * @path: the destination as given
 * @tmp: name the data gets just before the rename (NULL when written in place)
 * @direct: the destination is a FIFO or character device, written in place
 * @anon: @fd is an unnamed O_TMPFILE file (nothing on disk until commit)
 * @cleanup: slot + 1 of @tmp in the table of files removed on signals (0: none)
 */
struct mb_outfile {
	int fd;
	char *path;
	char *tmp;
	bool direct;
	bool anon;
	int cleanup;
};

int mb_outfile_open(struct mb_outfile *o, const char *path, struct mb_error *err);
int mb_outfile_commit(struct mb_outfile *o, struct mb_error *err);
void mb_outfile_abort(struct mb_outfile *o);
int mb_open_regular(const char *path, struct mb_error *err);

#endif /* MBAGENT_OUTFILE_H */
