// SPDX-License-Identifier: GPL-2.0-only
/* cleanup.c - temporary files and directories that go away on signals and after SIGKILL. */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "agent_internal.h"

/*
 * A fixed table, so that the signal handler only reads plain memory.  A slot
 * is live while its path is non-empty.  Directories carry a lock file
 * (LOCK_NAME) held with flock() for the owner's lifetime: after a SIGKILL the
 * kernel drops the lock, and the next run that creates a directory with the
 * same prefix finds it unlocked and removes it.
 */
#define SLOTS		16
#define LOCK_NAME	".owner-lock"

struct slot {
	char path[256];
	bool dir;
	int lock_fd;
};

static struct slot slots[SLOTS];
static volatile sig_atomic_t nlive;
static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };
static struct sigaction old_sa[sizeof(sigs) / sizeof(sigs[0])];
static bool installed;

/* Remove the entries of a flat directory, then the directory (async-signal-safe). */
static void remove_dir(const char *path)
{
	char buf[4096];
	int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	long n;

	if (fd < 0)
		return;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		for (long off = 0; off < n;) {
			struct dirent64 *d = (struct dirent64 *)(buf + off);

			if (strcmp(d->d_name, ".") && strcmp(d->d_name, ".."))
				unlinkat(fd, d->d_name, 0);
			off += d->d_reclen;
		}
	}
	close(fd);
	rmdir(path);
}

static void on_signal(int sig)
{
	int saved = errno;

	for (int i = 0; i < SLOTS; i++) {
		if (!slots[i].path[0])
			continue;
		if (slots[i].dir)
			remove_dir(slots[i].path);
		else
			unlink(slots[i].path);
	}
	errno = saved;
	signal(sig, SIG_DFL);
	raise(sig);
}

static void install(void)
{
	struct sigaction sa = { .sa_handler = on_signal };

	if (installed)
		return;
	sigemptyset(&sa.sa_mask);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&sa.sa_mask, sigs[i]);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		sigaction(sigs[i], NULL, &old_sa[i]);
		/* A program with its own handler (or ignoring it) keeps it. */
		if (old_sa[i].sa_handler == SIG_DFL && !(old_sa[i].sa_flags & SA_SIGINFO))
			sigaction(sigs[i], &sa, NULL);
	}
	installed = true;
}

static void uninstall(void)
{
	if (!installed)
		return;
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++) {
		struct sigaction cur;

		sigaction(sigs[i], NULL, &cur);
		if (cur.sa_handler == on_signal)
			sigaction(sigs[i], &old_sa[i], NULL);
	}
	installed = false;
}

/* Block the handled signals while the table changes. */
static void block(sigset_t *old)
{
	sigset_t s;

	sigemptyset(&s);
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		sigaddset(&s, sigs[i]);
	sigprocmask(SIG_BLOCK, &s, old);
}

static int add(const char *path, bool dir, int lock_fd)
{
	sigset_t old;
	int id = -1;

	if (strlen(path) >= sizeof(slots[0].path))
		return -1;
	block(&old);
	for (int i = 0; i < SLOTS; i++) {
		if (slots[i].path[0])
			continue;
		slots[i].dir = dir;
		slots[i].lock_fd = lock_fd;
		strcpy(slots[i].path, path);
		id = i;
		nlive++;
		install();
		break;
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
	return id;
}

/**
 * mb_cleanup_add_file() - remove @path if a signal ends the process
 * @path: a temporary file
 *
 * Return: slot for mb_cleanup_forget(), or -1 when the table is full.
 */
int mb_cleanup_add_file(const char *path)
{
	return add(path, false, -1);
}

/**
 * mb_cleanup_forget() - stop watching a slot (the file was renamed or removed)
 * @id: value from mb_cleanup_add_file(), or -1 (ignored)
 */
void mb_cleanup_forget(int id)
{
	sigset_t old;

	if (id < 0 || id >= SLOTS)
		return;
	block(&old);
	if (slots[id].path[0]) {
		slots[id].path[0] = '\0';
		if (slots[id].lock_fd >= 0)
			close(slots[id].lock_fd);
		slots[id].lock_fd = -1;
		if (--nlive == 0)
			uninstall();
	}
	sigprocmask(SIG_SETMASK, &old, NULL);
}

/* Remove siblings of @tmpl ("DIR/prefix-XXXXXX") left by runs that died. */
static void sweep(const char *tmpl)
{
	char dir[256], prefix[128], p[1024];
	const char *slash = strrchr(tmpl, '/');
	size_t plen;
	struct dirent *d;
	DIR *dp;

	if (!slash || (size_t)(slash - tmpl) >= sizeof(dir))
		return;
	memcpy(dir, tmpl, slash - tmpl);
	dir[slash - tmpl] = '\0';
	snprintf(prefix, sizeof(prefix), "%s", slash + 1);
	plen = strcspn(prefix, "X");
	prefix[plen] = '\0';
	dp = opendir(dir[0] ? dir : "/");
	if (!dp)
		return;
	while ((d = readdir(dp))) {
		struct stat st;
		int fd;

		if (strncmp(d->d_name, prefix, plen) || strlen(d->d_name) != strlen(slash + 1))
			continue;
		snprintf(p, sizeof(p), "%s/%s/" LOCK_NAME, dir, d->d_name);
		/* Only directories of our own making (theirs carry the lock file). */
		fd = open(p, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		if (fd < 0)
			continue;
		if (fstat(fd, &st) == 0 && st.st_uid == geteuid() &&
		    flock(fd, LOCK_EX | LOCK_NB) == 0) {
			snprintf(p, sizeof(p), "%s/%s", dir, d->d_name);
			mb_agent_log(1, "removing %s, left by a run that was killed", p);
			remove_dir(p);
		}
		close(fd);
	}
	closedir(dp);
}

/**
 * mb_tmpdir_make() - mkdtemp() that cleans up after itself and after others
 * @tmpl: "DIR/prefix-XXXXXX", replaced by the directory's name
 *
 * Removes directories of the same pattern whose owner died (their lock is
 * free), creates a new one holding a lock file locked for this process's
 * lifetime, and removes it if SIGINT, SIGTERM, SIGHUP or SIGQUIT end the
 * process.  Remove it with mb_tmpdir_remove().
 *
 * Return: 0, or -1 with errno set.
 */
int mb_tmpdir_make(char *tmpl)
{
	char lk[320], tmp_lk[320];
	int fd;

	sweep(tmpl);
	if (!mkdtemp(tmpl))
		return -1;
	snprintf(tmp_lk, sizeof(tmp_lk), "%s/.lock-new", tmpl);
	snprintf(lk, sizeof(lk), "%s/" LOCK_NAME, tmpl);
	/* Locked before it gets the name a sweeper looks for. */
	fd = open(tmp_lk, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (fd < 0 || flock(fd, LOCK_EX) || rename(tmp_lk, lk)) {
		int e = errno;

		if (fd >= 0)
			close(fd);
		remove_dir(tmpl);
		errno = e;
		return -1;
	}
	if (add(tmpl, true, fd) < 0)
		close(fd);	/* table full: no signal cleanup, the sweep still works */
	return 0;
}

/**
 * mb_tmpdir_remove() - remove a directory made by mb_tmpdir_make() and its files
 * @dir: the directory (its files must be plain entries, no subdirectories)
 */
void mb_tmpdir_remove(const char *dir)
{
	for (int i = 0; i < SLOTS; i++)
		if (slots[i].dir && !strcmp(slots[i].path, dir))
			mb_cleanup_forget(i);
	remove_dir(dir);
}
