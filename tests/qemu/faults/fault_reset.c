// SPDX-License-Identifier: GPL-2.0-only
/* fault_reset.c - reset the guest (QEMU monitor system_reset) or kill QEMU in the middle of a pull. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "mbagent/btf.h"
#include "mbagent/elf.h"
#include "mbagent/pull.h"
#include "mbagent/qemu.h"
#include "mbagent/replay.h"
#include "mbagent/rsp.h"

static char mon_path[96];
static struct mb_qemu *qemu;	/* stopped on every exit path */

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s (%s)\n", \
	__FILE__, __LINE__, #c, err.msg); mb_qemu_stop(qemu); exit(1); } } while (0)

/* Send one monitor command and give QEMU time to act on it. */
static void monitor(const char *cmd)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct pollfd p;
	char buf[4096];
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);
	int i;

	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", mon_path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa))) {
		fprintf(stderr, "monitor %s: %s\n", mon_path, strerror(errno));
		exit(1);
	}
	p.fd = fd;
	p.events = POLLIN;
	if (poll(&p, 1, 2000) > 0)
		(void)!read(fd, buf, sizeof(buf));	/* banner */
	(void)!write(fd, cmd, strlen(cmd));
	(void)!write(fd, "\n", 1);
	for (i = 0; i < 5 && poll(&p, 1, 200) > 0; i++)
		if (read(fd, buf, sizeof(buf)) <= 0)
			break;
	close(fd);
	usleep(300 * 1000);
}

/* A transport that resets the guest (or kills QEMU) before read number @reset_at. */
struct resetting {
	struct mb_transport *inner;
	int reads;
	int reset_at;
	int resets;
	pid_t kill_pid;
};

static int rs_read(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		   struct mb_error *err)
{
	struct resetting *r = t->priv;

	if (r->reads++ == r->reset_at && r->kill_pid) {
		kill(r->kill_pid, SIGKILL);
		usleep(100 * 1000);
		r->resets++;
	} else if (r->reads - 1 == r->reset_at) {
		/* Paused from the monitor too, the guest stays stopped across the reset. */
		monitor("stop");
		monitor("system_reset");
		/* A later command is answered after the main loop acted on the reset. */
		monitor("info status");
		r->resets++;
	}
	return mb_transport_read(r->inner, addr, buf, len, err);
}

static void rs_close(struct mb_transport *t)
{
}

static const struct mb_transport_ops rs_ops = { .name = "gdb", .read = rs_read, .close = rs_close };

int main(int argc, char **argv)
{
	const char *extra[] = { "-monitor", NULL, "-action", "reboot=reset", NULL };
	char monarg[160], dir[] = "/tmp/mb-reset-XXXXXX";
	struct mb_qemu_opts qo = { .machine.mem = "128M" };
	struct mb_evlog_header h;
	struct mb_pull_opts po = { 0 };
	struct mb_error err = { 0 };
	struct mb_transport *t;
	struct mb_capture *c;
	struct mb_layout l;
	struct mb_elf *elf;
	struct mb_qemu *q;
	struct resetting rs;
	struct mb_transport wrapped = { .ops = &rs_ops, .priv = &rs };
	uint64_t evlog, evbytes, mbaddr;
	int i;

	if (argc != 3 && argc != 4) {
		fprintf(stderr, "usage: fault_reset KERNEL_ELF BEFORE_READ_N [kill]\n");
		return 2;
	}
	CHECK(mkdtemp(dir));
	snprintf(mon_path, sizeof(mon_path), "%s/mon.sock", dir);
	snprintf(monarg, sizeof(monarg), "unix:%s,server=on,wait=off", mon_path);
	extra[1] = monarg;
	qo.kernel = argv[1];
	qo.machine.extra = extra;
	memset(&rs, 0, sizeof(rs));
	rs.reset_at = atoi(argv[2]);

	elf = mb_elf_open(argv[1], &err);
	CHECK(elf);
	CHECK(mb_btf_layout_from_file(argv[1], &l, &err) == 0);
	CHECK(mb_pull_locate(elf, &evlog, &evbytes, &mbaddr, &err) == 0);
	q = mb_qemu_start(&qo, &err);
	CHECK(q);
	qemu = q;
	t = mb_gdb_transport_open(q->gdb_addr, 10000, &err);
	CHECK(t);
	CHECK(t->ops->cont(t, &err) == 0);
	for (i = 0; i < 600; i++) {	/* boot: at most 60 s */
		CHECK(mb_transport_read(t, evlog, &h, sizeof(h), &err) == 0);
		if (h.magic == MB_EVLOG_MAGIC && h.boot_state == MB_BOOT_STATE_DONE)
			break;
		CHECK(t->ops->cont(t, &err) == 0);
		usleep(100 * 1000);
	}
	CHECK(h.boot_state == MB_BOOT_STATE_DONE);
	CHECK(t->ops->stop(t, &err) == 0);

	rs.inner = t;
	if (argc == 4 && !strcmp(argv[3], "kill"))
		rs.kill_pid = q->pid;
	po.t = &wrapped;
	po.elf = elf;
	po.layout = &l;
	po.source = MB_SRC_GDB;
	po.evlog_addr = evlog;
	po.evlog_bytes = evbytes;
	po.memblock_addr = mbaddr;
	c = mb_pull(&po, &err);
	if (rs.resets != 1) {
		fprintf(stderr, "the pull made %d reads; no reset before read %d\n", rs.reads,
			rs.reset_at);
		mb_qemu_stop(q);
		return 1;
	}
	if (!c) {
		/* Refusing is right; the message must say something. */
		CHECK(err.msg[0] && !strchr(err.msg, '\n'));
		printf("%s before read %d of the pull: error: %s\n", rs.kill_pid ? "kill" : "reset",
		       rs.reset_at, err.msg);
	} else if (rs.kill_pid) {
		fprintf(stderr, "QEMU was killed during the pull, yet it returned a capture\n");
		mb_qemu_stop(q);
		return 1;
	} else {
		struct mb_replay_report rep;
		struct mb_state out = { 0 };
		int v = mb_replay_verify(c, &out, &rep, &err);

		printf("reset before read %d of the pull: capture with %zu events, verify %d %s\n",
		       rs.reset_at, c->nevents, v, v == 1 ? rep.divergence : "");
		mb_state_clear(&out);
		if (v != 0) {
			fprintf(stderr, "a pull across a guest reset gave a capture that reads as "
				"complete but does not replay to its own final arrays\n");
			mb_qemu_stop(q);
			return 1;
		}
		mb_capture_free(c);
	}
	t->ops->close(t);
	mb_qemu_stop(q);
	mb_elf_close(elf);
	unlink(mon_path);
	rmdir(dir);
	return 0;
}
