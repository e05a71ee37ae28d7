// SPDX-License-Identifier: GPL-2.0-only
/* ramfile.c - read guest-physical memory from QEMU's shared RAM backing file (pread). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mbagent/outfile.h"
#include "mbagent/qemu.h"
#include "agent_internal.h"

/*
 * On the x86 "pc" and "q35" machines guest RAM below min(ram, 2.75 GiB) is
 * mapped 1:1 from offset 0 of the backing file; above that a PCI hole splits
 * RAM and the rest sits at 4 GiB. We read only the identity-mapped part and
 * refuse bigger machines, whose layout depends on the machine type.
 */
#define RAMFILE_MAX_IDENTITY	0xb0000000ULL
/* Legacy VGA and BIOS ROM windows: RAM in the file, not what the guest sees. */
#define LEGACY_HOLE_START	0xa0000ULL
#define LEGACY_HOLE_END		0x100000ULL

struct ramfile {
	struct mb_transport t;
	int fd;
	uint64_t size;
	const char *path;
};

static int rf_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		   struct mb_error *err)
{
	struct ramfile *rf = t->priv;

	if (addr >= rf->size || len > rf->size - addr)
		return mb_error_set(err, MB_ERR_REMOTE, 0, addr,
				    "%#llx+%zu is outside the %llu-byte RAM file",
				    (unsigned long long)addr, len, (unsigned long long)rf->size);
	if (addr < LEGACY_HOLE_END && addr + len > LEGACY_HOLE_START)
		return mb_error_set(err, MB_ERR_REMOTE, 0, addr,
				    "%#llx+%zu touches the legacy VGA/ROM window",
				    (unsigned long long)addr, len);
	if (t->deadline && mb_now_ms() > t->deadline)
		return mb_error_set(err, MB_ERR_TIMEOUT, 0, addr,
				    "capture deadline reached before reading %#llx",
				    (unsigned long long)addr);
	/*
	 * pread, not a mapping: if the file shrinks under us (QEMU exits, or
	 * someone truncates it) a mapped read would die of SIGBUS; pread
	 * returns short and we say so.
	 */
	for (size_t done = 0; done < len;) {
		ssize_t n = pread(rf->fd, (uint8_t *)buf + done, len - done,
				  (off_t)(addr + done));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return mb_error_set(err, MB_ERR_IO, errno, addr + done,
					    "RAM file %s: read at %#llx: %s", rf->path,
					    (unsigned long long)(addr + done), strerror(errno));
		if (n == 0) {
			struct stat st;

			return mb_error_set(err, MB_ERR_CLOSED, 0, addr + done,
					    "RAM file %s shrank to %lld bytes while reading %#llx (QEMU gone?)",
					    rf->path, fstat(rf->fd, &st) ? -1LL : (long long)st.st_size,
					    (unsigned long long)(addr + done));
		}
		done += (size_t)n;
	}
	return 0;
}

static void rf_close(struct mb_transport *t)
{
	struct ramfile *rf = t->priv;

	close(rf->fd);
	free(rf);
}

static const struct mb_transport_ops ramfile_ops = {
	.name = "ramfile",
	.read = rf_read,
	.close = rf_close,
};

/**
 * mb_ramfile_open() - open a QEMU memory-backend-file (share=on) read-only
 * @path: the backing file
 * @ram_bytes: guest RAM size the file must have (0: take the file's size)
 * @err: MB_ERR_NOTFOUND (missing), MB_ERR_INVAL (a FIFO or device: never
 *   opened blocking), MB_ERR_MISMATCH (size), MB_ERR_UNSUPPORTED
 *   (RAM large enough to be split around the PCI hole)
 *
 * Whether QEMU writes through to the file (share=on) cannot be seen here;
 * the caller checks that the log's magic is visible.
 *
 * Return: transport or NULL.
 */
struct mb_transport *mb_ramfile_open(const char *path, uint64_t ram_bytes,
				     struct mb_error *err)
{
	struct ramfile *rf;
	struct stat st;
	int fd;

	fd = mb_open_regular(path, err);
	if (fd < 0) {
		mb_error_prefix(err, "RAM file");
		return NULL;
	}
	if (fstat(fd, &st)) {
		mb_error_set(err, MB_ERR_IO, errno, 0, "RAM file %s: %s", path, strerror(errno));
		close(fd);
		return NULL;
	}
	if (ram_bytes && (uint64_t)st.st_size != ram_bytes) {
		mb_error_set(err, MB_ERR_MISMATCH, 0, 0,
			     "RAM file %s is %lld bytes, guest RAM is %llu", path,
			     (long long)st.st_size, (unsigned long long)ram_bytes);
		close(fd);
		return NULL;
	}
	if ((uint64_t)st.st_size > RAMFILE_MAX_IDENTITY || st.st_size < (1 << 20)) {
		mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
			     "RAM file of %lld bytes: only guests with 1 MiB..2.75 GiB of RAM "
			     "map it 1:1 (the PCI hole splits larger ones)",
			     (long long)st.st_size);
		close(fd);
		return NULL;
	}
	rf = calloc(1, sizeof(*rf) + strlen(path) + 1);
	if (!rf) {
		close(fd);
		mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory");
		return NULL;
	}
	rf->fd = fd;
	rf->size = st.st_size;
	rf->path = strcpy((char *)(rf + 1), path);
	rf->t.ops = &ramfile_ops;
	rf->t.priv = rf;
	return &rf->t;
}
