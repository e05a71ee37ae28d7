// SPDX-License-Identifier: GPL-2.0-only
/* outfile.c - inputs that must be regular files; outputs renamed into place or written direct. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mbagent/outfile.h"
#include "agent_internal.h"

static const char *kind_name(mode_t m)
{
	if (S_ISDIR(m))
		return "a directory";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISBLK(m))
		return "a block device";
	if (S_ISSOCK(m))
		return "a socket";
	return "not a regular file";
}

/**
 * mb_open_regular() - open a file for reading only if it is a regular file
 * @path: the file
 * @err: MB_ERR_NOTFOUND, MB_ERR_IO, or MB_ERR_INVAL for a FIFO, device,
 *   socket or directory (opening a FIFO would wait for a writer forever)
 *
 * Return: a blocking read-only descriptor (close-on-exec), or -1.
 */
int mb_open_regular(const char *path, struct mb_error *err)
{
	struct stat st;
	int fd;

	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		return mb_error_set(err, MB_ERR_INVAL, 0, 0, "%s is %s, not a regular file",
				    path, kind_name(st.st_mode));
	/* Non-blocking: a FIFO swapped in after the stat() must not hang us. */
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	if (fd < 0)
		return mb_error_set(err, errno == ENOENT ? MB_ERR_NOTFOUND : MB_ERR_IO, errno, 0,
				    "cannot open %s: %s", path, strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return mb_error_set(err, MB_ERR_INVAL, 0, 0, "%s is %s, not a regular file",
				    path, kind_name(st.st_mode));
	}
	fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
	return fd;
}

static int open_direct(struct mb_outfile *o, const struct stat *st, struct mb_error *err)
{
	/* A FIFO without a reader fails at once (ENXIO) instead of blocking. */
	o->fd = open(o->path, O_WRONLY | O_CLOEXEC | O_NOCTTY |
		     (S_ISFIFO(st->st_mode) ? O_NONBLOCK : 0));
	if (o->fd < 0)
		return mb_error_set(err, MB_ERR_IO, errno, 0, "%s: %s", o->path,
				    errno == ENXIO ? "FIFO has no reader" : strerror(errno));
	fcntl(o->fd, F_SETFL, fcntl(o->fd, F_GETFL) & ~O_NONBLOCK);
	o->direct = true;
	return 0;
}

/**
 * mb_outfile_open() - start writing @path without ever leaving it half-written
 * @o: filled; write to @o->fd, then mb_outfile_commit() or mb_outfile_abort()
 * @path: destination
 * @err: filled on failure
 *
 * A regular (or new) destination is written to an unnamed O_TMPFILE file in
 * its directory (a named "PATH.tmpXXXXXX" where O_TMPFILE is unsupported) and
 * renamed over it on commit; a symbolic link is followed, so the link stays.
 * A FIFO or character device (/dev/stdout, /dev/null) is written in place:
 * renaming over it would replace the node.  Directories, sockets and block
 * devices are refused.
 *
 * Return: 0, or -1 with @err set.
 */
int mb_outfile_open(struct mb_outfile *o, const char *path, struct mb_error *err)
{
	struct stat st;
	char *dir;

	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (stat(path, &st) == 0) {
		if (!S_ISREG(st.st_mode) && !S_ISFIFO(st.st_mode) && !S_ISCHR(st.st_mode))
			return mb_error_set(err, MB_ERR_INVAL, 0, 0, "%s is %s: not overwritten",
					    path, kind_name(st.st_mode));
		o->path = S_ISREG(st.st_mode) ? realpath(path, NULL) : strdup(path);
	} else {
		o->path = strdup(path);
	}
	if (!o->path)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		if (open_direct(o, &st, err)) {
			mb_outfile_abort(o);
			return -1;
		}
		return 0;
	}
	dir = strdup(o->path);
	if (!dir) {
		mb_outfile_abort(o);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	/* Nothing on disk until the commit: a SIGKILL leaves no debris. */
	o->fd = open(dirname(dir), O_TMPFILE | O_WRONLY | O_CLOEXEC, 0666);
	free(dir);
	if (o->fd >= 0) {
		o->anon = true;
		return 0;
	}
	o->tmp = malloc(strlen(o->path) + 16);
	if (!o->tmp) {
		mb_outfile_abort(o);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	}
	sprintf(o->tmp, "%s.tmpXXXXXX", o->path);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: cannot create: %s", path,
			     strerror(errno));
		free(o->tmp);
		o->tmp = NULL;
		mb_outfile_abort(o);
		return -1;
	}
	{
		mode_t m = umask(0);

		umask(m);
		fchmod(o->fd, 0666 & ~m);
	}
	o->cleanup = mb_cleanup_add_file(o->tmp) + 1;
	return 0;
}

/* Give the unnamed file a temporary name next to the destination. */
static int link_anon(struct mb_outfile *o, struct mb_error *err)
{
	char proc[64];

	o->tmp = malloc(strlen(o->path) + 16);
	if (!o->tmp)
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", o->fd);
	for (int i = 0; i < 100; i++) {
		unsigned int r = (unsigned int)getpid() * 2654435761u ^
				 (unsigned int)mb_now_ms() ^ (unsigned int)i * 40503u;

		sprintf(o->tmp, "%s.tmp%06x", o->path, r & 0xffffff);
		o->cleanup = mb_cleanup_add_file(o->tmp) + 1;
		if (linkat(AT_FDCWD, proc, AT_FDCWD, o->tmp, AT_SYMLINK_FOLLOW) == 0 ||
		    linkat(o->fd, "", AT_FDCWD, o->tmp, AT_EMPTY_PATH) == 0)
			return 0;
		mb_cleanup_forget(o->cleanup - 1);
		o->cleanup = 0;
		if (errno != EEXIST)
			break;
	}
	mb_error_set(err, MB_ERR_IO, errno, 0, "%s: cannot link the new file: %s", o->path,
		     strerror(errno));
	free(o->tmp);
	o->tmp = NULL;
	return -1;
}

/**
 * mb_outfile_commit() - finish an output: flush to disk and move it into place
 * @o: from mb_outfile_open(); released whether or not this succeeds
 * @err: filled on failure (the destination is then unchanged)
 *
 * Return: 0, or -1 with @err set.
 */
int mb_outfile_commit(struct mb_outfile *o, struct mb_error *err)
{
	int rc = -1;

	if (o->direct) {
		rc = close(o->fd);
		o->fd = -1;
		if (rc)
			mb_error_set(err, MB_ERR_IO, errno, 0, "%s: close: %s", o->path,
				     strerror(errno));
		mb_outfile_abort(o);
		return rc ? -1 : 0;
	}
	if (fsync(o->fd)) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: fsync: %s", o->path, strerror(errno));
		goto out;
	}
	if (o->anon && link_anon(o, err))
		goto out;
	if (close(o->fd)) {
		o->fd = -1;
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: close: %s", o->path, strerror(errno));
		goto out;
	}
	o->fd = -1;
	if (rename(o->tmp, o->path)) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "%s: rename: %s", o->path, strerror(errno));
		goto out;
	}
	free(o->tmp);
	o->tmp = NULL;
	rc = 0;
out:
	mb_outfile_abort(o);
	return rc;
}

/**
 * mb_outfile_abort() - drop an output: close it and remove the temporary file
 * @o: from mb_outfile_open() (a zeroed or released one is fine)
 */
void mb_outfile_abort(struct mb_outfile *o)
{
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp) {
		unlink(o->tmp);
		free(o->tmp);
		o->tmp = NULL;
	}
	mb_cleanup_forget(o->cleanup - 1);
	o->cleanup = 0;
	free(o->path);
	o->path = NULL;
}
