// SPDX-License-Identifier: GPL-2.0-only
/* test_harden.c - fault scenarios against fake peers and the file system: E codes, stalls, umask, disk full, drops. */
#include <errno.h>
#include <fcntl.h>
#include <dirent.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mbagent/btf.h"
#include "mbagent/capture.h"
#include "mbagent/elf.h"
#include "mbagent/pull.h"
#include "mbagent/replay.h"
#include "mbagent/rsp.h"
#include "mbagent/serial.h"
#include "uapi/mb_evlog.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

static const char *fixture;	/* ELF with symbols + BTF (agent unit fixture) */
static char workdir[256];

/* ---- a fake gdbstub: a valid log header, then faults ---- */

enum stub_mode {
	STUB_E_ALWAYS,		/* every m read answers E14 */
	STUB_E_AFTER_HEADER,	/* the header reads fine, later reads answer E03 */
	STUB_STALL_AFTER_HEADER,	/* the header reads fine, then silence */
};

struct stub {
	int fd;
	enum stub_mode mode;
	uint64_t evlog;
	struct mb_evlog_header hdr;
	int nm;
};

static void stub_send(int fd, const char *payload)
{
	char buf[8192];
	unsigned int sum = 0;
	size_t i, n = strlen(payload);

	for (i = 0; i < n; i++)
		sum += (unsigned char)payload[i];
	snprintf(buf, sizeof(buf), "+$%s#%02x", payload, sum & 0xff);
	send(fd, buf, strlen(buf), MSG_NOSIGNAL);
}

/* Answer one "m addr,len" from the fake memory (the header, zeros elsewhere). */
static void stub_m(struct stub *s, const char *pkt)
{
	static char hex[8192];
	unsigned long long addr, len;
	size_t i;

	s->nm++;
	if (sscanf(pkt, "m%llx,%llx", &addr, &len) != 2 || len > 2048) {
		stub_send(s->fd, "E22");
		return;
	}
	if (s->mode == STUB_E_ALWAYS || (s->nm > 1 && s->mode == STUB_E_AFTER_HEADER)) {
		stub_send(s->fd, s->mode == STUB_E_ALWAYS ? "E14" : "E03");
		return;
	}
	if (s->nm > 1 && s->mode == STUB_STALL_AFTER_HEADER)
		return;
	for (i = 0; i < len; i++) {
		uint64_t a = addr + i;
		uint8_t b = 0;

		if (a >= s->evlog && a < s->evlog + sizeof(s->hdr))
			b = ((const uint8_t *)&s->hdr)[a - s->evlog];
		snprintf(hex + 2 * i, 3, "%02x", b);
	}
	hex[2 * len] = 0;
	stub_send(s->fd, hex);
}

static void *stub_main(void *arg)
{
	struct stub *s = arg;
	char pkt[4096];
	size_t n = 0;
	bool in = false;
	char c;

	while (recv(s->fd, &c, 1, 0) == 1) {
		if (c == '$') {
			in = true;
			n = 0;
			continue;
		}
		if (!in)
			continue;
		if (c != '#') {
			if (n < sizeof(pkt) - 1)
				pkt[n++] = c;
			continue;
		}
		in = false;
		pkt[n] = 0;
		/* skip the two checksum digits */
		if (recv(s->fd, &c, 1, 0) != 1 || recv(s->fd, &c, 1, 0) != 1)
			break;
		if (!strncmp(pkt, "qSupported", 10))
			stub_send(s->fd, "PacketSize=1000");
		else if (pkt[0] == 'm')
			stub_m(s, pkt);
		else if (pkt[0] == '?')
			stub_send(s->fd, "S05");
		else
			stub_send(s->fd, "");
	}
	return NULL;
}

/* mb_pull() through the fake stub; returns the error it reported. */
static struct mb_error pull_via_stub(enum stub_mode mode)
{
	struct mb_pull_opts po = { 0 };
	struct mb_error err = { 0 };
	struct mb_transport *t;
	struct mb_capture *c;
	struct mb_layout l;
	struct mb_elf *elf;
	struct mb_rsp *r;
	struct stub s = { .mode = mode };
	uint64_t bytes;
	pthread_t th;
	int sv[2];

	elf = mb_elf_open(fixture, &err);
	CHECK(elf);
	CHECK(mb_btf_layout_from_file(fixture, &l, &err) == 0);
	CHECK(mb_pull_locate(elf, &s.evlog, &bytes, NULL, &err) == 0);
	s.hdr.magic = MB_EVLOG_MAGIC;
	s.hdr.version = MB_EVLOG_VERSION;
	s.hdr.header_size = MB_EVLOG_HEADER_SIZE;
	s.hdr.record_size = MB_EVLOG_RECORD_SIZE;
	s.hdr.capacity = (uint32_t)((bytes - MB_EVLOG_HEADER_SIZE) / MB_EVLOG_RECORD_SIZE);
	s.hdr.written = 3;
	s.hdr.boot_state = MB_BOOT_STATE_DONE;
	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	s.fd = sv[1];
	CHECK(pthread_create(&th, NULL, stub_main, &s) == 0);
	r = mb_rsp_open_fd(sv[0], 500, &err);
	CHECK(r);
	CHECK(mb_rsp_handshake(r, &err) == 0);
	t = mb_rsp_transport(r);
	CHECK(t);
	po.t = t;
	po.elf = elf;
	po.layout = &l;
	po.source = MB_SRC_GDB;
	c = mb_pull(&po, &err);
	CHECK(c == NULL);		/* a faulty peer never yields a capture */
	CHECK(err.code != MB_OK && err.msg[0]);
	CHECK(!strchr(err.msg, '\n'));
	t->ops->close(t);
	shutdown(sv[1], SHUT_RDWR);
	pthread_join(th, NULL);
	close(sv[1]);
	mb_elf_close(elf);
	return err;
}

static void sc_stub_e_codes(void)
{
	struct mb_error e = pull_via_stub(STUB_E_ALWAYS);

	CHECK(e.code == MB_ERR_REMOTE);
	CHECK(strstr(e.msg, "event log header"));
	e = pull_via_stub(STUB_E_AFTER_HEADER);
	CHECK(e.code == MB_ERR_REMOTE);
	CHECK(strstr(e.msg, "event record"));
}

static void sc_stub_stalls(void)
{
	struct mb_error e = pull_via_stub(STUB_STALL_AFTER_HEADER);

	CHECK(e.code == MB_ERR_TIMEOUT);
}

/* A COM2 peer that accepts bytes and never answers. */
static void sc_serial_peer_stalls(void)
{
	struct mb_serial_hello h;
	struct mb_error err = { 0 };
	struct mb_serial *s;
	uint8_t buf[64];
	int sv[2];

	CHECK(socketpair(AF_UNIX, SOCK_STREAM, 0, sv) == 0);
	s = mb_serial_open_fd(sv[0], 300, &err);
	CHECK(s);
	CHECK(mb_serial_hello(s, &h, 300, &err) == -1);
	CHECK(err.code == MB_ERR_TIMEOUT);
	CHECK(mb_serial_read_mem(s, 0x1000, buf, sizeof(buf), &err) == -1);
	CHECK(err.code == MB_ERR_TIMEOUT);
	mb_serial_close(s);
	close(sv[1]);
}

/* ---- capture files: umask, disk full, drops ---- */

static struct mb_capture *big_capture(size_t nevents, uint64_t dropped)
{
	struct mb_capture *c = mb_capture_new();
	struct mb_error err;
	size_t i;

	CHECK(c);
	c->source = MB_SRC_GDB;
	c->log_capacity = nevents;
	c->log_written = nevents;
	c->log_dropped = dropped;
	c->boot_state = MB_BOOT_STATE_DONE;
	for (i = 0; i < nevents; i++) {
		struct mb_event ev = {
			.rec = { .seq = i, .op = MB_OP_RESERVE, .nid = -1, .base = 0x100000 + i * 0x1000,
				 .size = 0x1000, .reserved_cnt = 1 },
			.caller_sym = MB_NO_SYM,
		};

		CHECK(mb_capture_add_event(c, &ev, &err) == 0);
	}
	return c;
}

/* No file at @path and no temporary sibling of it. */
static void check_no_file(const char *dir, const char *name)
{
	struct dirent *d;
	DIR *dp = opendir(dir);

	CHECK(dp);
	while ((d = readdir(dp)))
		if (!strncmp(d->d_name, name, strlen(name))) {
			fprintf(stderr, "left behind: %s/%s\n", dir, d->d_name);
			exit(1);
		}
	closedir(dp);
}

static void sc_capture_follows_umask(void)
{
	static const mode_t masks[] = { 022, 077, 027, 0 };
	struct mb_capture *c = big_capture(4, 0);
	struct mb_error err;
	char path[512];
	size_t i;

	for (i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		struct stat st;
		mode_t old = umask(masks[i]);

		snprintf(path, sizeof(path), "%s/umask.mbcap", workdir);
		unlink(path);
		CHECK(mb_capture_write(c, path, &err) == 0);
		umask(old);
		CHECK(stat(path, &st) == 0);
		if ((st.st_mode & 0777) != (0666 & ~masks[i])) {
			fprintf(stderr, "umask %03o: mode %03o\n", masks[i], st.st_mode & 0777);
			exit(1);
		}
		unlink(path);
	}
	mb_capture_free(c);
}

/* Write a 2000-event capture into @dir, expected to fail; nothing may remain. */
static void write_must_fail_cleanly(const char *dir, int want_errno)
{
	struct mb_capture *c = big_capture(2000, 0);
	struct mb_error err = { 0 };
	char path[512];

	snprintf(path, sizeof(path), "%s/full.mbcap", dir);
	CHECK(mb_capture_write(c, path, &err) == -1);
	CHECK(err.code == MB_ERR_IO);
	CHECK(err.err_no == want_errno);
	CHECK(err.msg[0] && !strchr(err.msg, '\n'));
	check_no_file(dir, "full.mbcap");
	mb_capture_free(c);
}

static void sc_capture_disk_full(void)
{
	char dir[512];
	pid_t pid;
	int st;

	/* A file size limit (EFBIG), in a child so the limit does not leak. */
	pid = fork();
	CHECK(pid >= 0);
	if (pid == 0) {
		struct rlimit rl = { 16384, 16384 };

		signal(SIGXFSZ, SIG_IGN);
		CHECK(setrlimit(RLIMIT_FSIZE, &rl) == 0);
		write_must_fail_cleanly(workdir, EFBIG);
		_exit(0);
	}
	CHECK(waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

	/* A full file system (ENOSPC): a 16 KiB tmpfs where mounting works (root). */
	snprintf(dir, sizeof(dir), "%s/tmpfs", workdir);
	mkdir(dir, 0700);
	if (mount("tmpfs", dir, "tmpfs", 0, "size=16k") == 0) {
		write_must_fail_cleanly(dir, ENOSPC);
		CHECK(umount(dir) == 0);
	} else {
		fprintf(stderr, "note: tmpfs mount not permitted (%s); EFBIG case only\n",
			strerror(errno));
	}
	rmdir(dir);
}

static void sc_replay_reports_drops(void)
{
	struct mb_capture *c = big_capture(10, 7), *d;
	struct mb_replay_report rep;
	struct mb_error err;
	char path[512];

	snprintf(path, sizeof(path), "%s/drops.mbcap", workdir);
	CHECK(mb_capture_write(c, path, &err) == 0);
	d = mb_capture_read(path, &err);
	CHECK(d);
	CHECK(d->log_dropped == 7);
	memset(&rep, 0, sizeof(rep));
	CHECK(mb_replay_run(d, SIZE_MAX, NULL, &rep, &err) == 0);
	CHECK(rep.dropped == 7);
	unlink(path);
	mb_capture_free(c);
	mb_capture_free(d);
}

/* Writes a capture whose log dropped events (for the CLI drop test). */
static void sc_make_dropped_capture(const char *out)
{
	struct mb_capture *c = big_capture(10, 7);
	struct mb_error err;

	CHECK(mb_capture_write(c, out, &err) == 0);
	mb_capture_free(c);
}

int main(int argc, char **argv)
{
	const char *sc = argc > 1 ? argv[1] : "";

	signal(SIGPIPE, SIG_IGN);
	if (!strcmp(sc, "make_dropped_capture") && argc > 2) {
		sc_make_dropped_capture(argv[2]);
		return 0;
	}
	if (argc < 3) {
		fprintf(stderr, "usage: test_harden SCENARIO FIXTURE_ELF\n");
		return 2;
	}
	fixture = argv[2];
	snprintf(workdir, sizeof(workdir), "%s/mb-harden-XXXXXX",
		 getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(workdir));
	if (!strcmp(sc, "stub_e_codes"))
		sc_stub_e_codes();
	else if (!strcmp(sc, "stub_stalls"))
		sc_stub_stalls();
	else if (!strcmp(sc, "serial_peer_stalls"))
		sc_serial_peer_stalls();
	else if (!strcmp(sc, "capture_follows_umask"))
		sc_capture_follows_umask();
	else if (!strcmp(sc, "capture_disk_full"))
		sc_capture_disk_full();
	else if (!strcmp(sc, "replay_reports_drops"))
		sc_replay_reports_drops();
	else {
		fprintf(stderr, "unknown scenario %s\n", sc);
		return 2;
	}
	rmdir(workdir);
	return 0;
}
