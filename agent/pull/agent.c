// SPDX-License-Identifier: GPL-2.0-only
/* agent.c - mb_agent_capture(): boot or attach, wait for "done", pull, stop QEMU. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbagent/agent.h"
#include "mbagent/pull.h"
#include "mbagent/qemu.h"
#include "mbagent/rsp.h"
#include "mbagent/serial.h"
#include "agent_internal.h"

#define POLL_MS		100
/* How long a COM2 peer may stay silent before a request is sent again. */
#define SERIAL_SILENCE_MS	10000

/* Everything one capture holds open; released by ctx_release(). */
struct ctx {
	const struct mb_capture_opts *o;
	struct mb_elf *elf;
	struct mb_layout layout;
	uint64_t evlog, evbytes, mbaddr;
	struct mb_qemu *q;
	struct mb_transport *t;
	uint32_t source;
	int64_t deadline;
	int64_t started;
};

static void progress(struct ctx *c, const char *what)
{
	if (!c->o->progress)
		return;
	fprintf(stderr, "\rcapture: %s (%llds)   ", what,
		(long long)(mb_now_ms() - c->started) / 1000);
	fflush(stderr);
}

static void progress_end(struct ctx *c)
{
	if (c->o->progress)
		fprintf(stderr, "\r%60s\r", "");
}

static int check_qemu(struct ctx *c, struct mb_error *err)
{
	if (c->q && !mb_qemu_alive(c->q))
		return mb_qemu_describe_exit(c->q, err);
	return 0;
}

static int timed_out(struct ctx *c, const char *state, struct mb_error *err)
{
	return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
			    "boot not done after %d s (log %s)",
			    c->o->timeout_s > 0 ? c->o->timeout_s : 60, state);
}

static const char *state_name(uint32_t s)
{
	switch (s) {
	case MB_BOOT_STATE_EMPTY: return "empty";
	case MB_BOOT_STATE_BOOTING: return "booting";
	case MB_BOOT_STATE_DONE: return "done";
	case MB_BOOT_STATE_PANIC: return "panic";
	}
	return "?";
}

static int panicked(struct ctx *c, struct mb_error *err)
{
	char line[256] = "", buf[256];
	FILE *f = c->q ? fopen(c->q->console_path, "r") : NULL;

	/* The console file goes with QEMU's directory: quote its last line. */
	if (f) {
		while (fgets(buf, sizeof(buf), f))
			if (buf[0] != '\n' && buf[0] != '\r')
				memcpy(line, buf, sizeof(line));
		fclose(f);
		line[strcspn(line, "\r\n")] = '\0';
	}
	return mb_error_set(err, MB_ERR_REMOTE, 0, 0, "the kernel panicked during boot%s%s",
			    line[0] ? "; console: " : "", line);
}

/* Whether COM1 shows the kernel's panic line (Linux's wording). */
static bool console_says_panic(struct ctx *c)
{
	char buf[512];
	bool hit = false;
	FILE *f = c->q ? fopen(c->q->console_path, "r") : NULL;

	if (!f)
		return false;
	while (!hit && fgets(buf, sizeof(buf), f))
		hit = strstr(buf, "Kernel panic - not syncing") != NULL;
	fclose(f);
	return hit;
}

/*
 * The pull's first reads over COM2, asked for all at once: log header,
 * records and struct memblock (the HELLO said where and how many).  Saves
 * two round trips; what did not arrive is read the normal way.
 */
static void prefetch_serial(struct ctx *c, const struct mb_serial_hello *h)
{
	uint64_t hdr = sizeof(struct mb_evlog_header);
	uint64_t addr[3] = { c->evlog, c->evlog + hdr, c->mbaddr };
	uint32_t len[3] = { hdr, 0, c->layout.memblock_size };

	if (h->evlog_addr != c->evlog || h->records_written > MB_SER_MAX_REPLY / MB_EVLOG_RECORD_SIZE)
		return;
	len[1] = (uint32_t)h->records_written * MB_EVLOG_RECORD_SIZE;
	mb_serial_prefetch(c->t->priv, addr, len, 3);
}

/*
 * Poll the log header until the boot is done. Through the gdbstub each poll
 * stops the guest, reads 128 bytes and lets it run again; the serial
 * transport's HELLO is only answered after boot; the RAM file is simply read.
 */
static int wait_done(struct ctx *c, struct mb_error *err)
{
	struct mb_evlog_header h;
	const char *last = "not found yet";
	int bad_polls = 0;

	for (;;) {
		struct mb_error e = { 0 };
		int rc;

		if (check_qemu(c, err))
			return -1;
		if (mb_now_ms() > c->deadline)
			return timed_out(c, last, err);
		progress(c, "waiting for the boot to finish");
		if (!strcmp(c->t->ops->name, "serial")) {
			struct mb_serial_hello hello;

			if (mb_serial_hello(c->t->priv, &hello, 1000, &e) == 0) {
				last = state_name(hello.boot_state);
				if (hello.boot_state > MB_BOOT_STATE_PANIC)
					return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
							    "the kernel reports boot state %u (known: 0..%u); not a log this agent can read",
							    hello.boot_state, MB_BOOT_STATE_PANIC);
				if (hello.boot_state == MB_BOOT_STATE_PANIC)
					return panicked(c, err);
				if (hello.boot_state == MB_BOOT_STATE_DONE) {
					prefetch_serial(c, &hello);
					return 0;
				}
			} else if (e.code != MB_ERR_TIMEOUT) {
				*err = e;
				return -1;
			} else if (console_says_panic(c)) {
				/* A halted kernel never answers HELLO: its console tells. */
				return panicked(c, err);
			}
			usleep(POLL_MS * 1000);
			continue;
		}
		rc = mb_transport_read(c->t, c->evlog, &h, sizeof(h), &e);
		if (rc) {
			*err = e;
			return mb_error_prefix(err, "polling the log header");
		}
		if (h.magic == MB_EVLOG_MAGIC) {
			/*
			 * An impossible header will not fix itself: refuse it
			 * now rather than wait out the timeout.  The kernel
			 * writes the magic first, so a header caught half-way
			 * through its initialisation must fail twice running.
			 */
			rc = mb_evlog_validate(&h, c->evbytes, &e);
			bad_polls = rc ? bad_polls + 1 : 0;
			if (h.boot_state > MB_BOOT_STATE_PANIC || bad_polls >= 2) {
				*err = e;
				return mb_error_prefix(err, "the log header at %#llx is impossible",
						       (unsigned long long)c->evlog);
			}
			last = state_name(h.boot_state);
			if (h.boot_state == MB_BOOT_STATE_PANIC)
				return panicked(c, err);
			if (h.boot_state == MB_BOOT_STATE_DONE)
				return 0;
		}
		if (c->t->ops->cont && c->t->ops->cont(c->t, err))
			return -1;
		usleep(POLL_MS * 1000);
	}
}

/* Wait for QEMU to create a listening socket, failing fast if QEMU exits. */
static int wait_socket(struct ctx *c, const char *path, struct mb_error *err)
{
	int64_t until = mb_now_ms() + 10000;

	if (!strncmp(path, "unix:", 5))
		path += 5;
	while (access(path, F_OK)) {
		if (check_qemu(c, err))
			return -1;
		if (mb_now_ms() > until)
			return mb_error_set(err, MB_ERR_TIMEOUT, 0, 0,
					    "QEMU did not create %s in 10 s", path);
		usleep(10000);
	}
	return 0;
}

static struct mb_transport *open_gdb(struct ctx *c, const char *addr, struct mb_error *err)
{
	struct mb_transport *t;

	if (c->q && wait_socket(c, addr, err))
		return NULL;
	t = mb_gdb_transport_open(addr, 5000, err);

	if (t)
		c->source = MB_SRC_GDB;
	return t;
}

/* RAM file, or the gdbstub with a one-line reason when the file cannot serve. */
static struct mb_transport *open_ramfile(struct ctx *c, const char *path, uint64_t ram,
					 const char *gdb_addr, struct mb_error *err)
{
	struct mb_error why = { 0 };
	struct mb_transport *t = NULL;
	int64_t until = mb_now_ms() + 5000;

	while (path) {
		t = mb_ramfile_open(path, ram, &why);
		/* QEMU creates the file, then sizes it: retry both for a while. */
		if (t || (why.code != MB_ERR_NOTFOUND && why.code != MB_ERR_MISMATCH) ||
		    mb_now_ms() > until || check_qemu(c, &why))
			break;
		usleep(20000);
	}
	if (t) {
		c->source = MB_SRC_RAMFILE;
		return t;
	}
	if (!gdb_addr) {
		*err = why;
		return NULL;
	}
	mb_agent_log(2, "RAM file not usable (%s); using the gdbstub", why.msg);
	return open_gdb(c, gdb_addr, err);
}

static void ctx_release(struct ctx *c)
{
	if (c->t) {
		/* Past the deadline still resume an attached target and say goodbye. */
		c->t->deadline = 0;
		if (!strcmp(c->t->ops->name, "serial")) {
			const struct mb_serial_stats *st = mb_serial_stats(c->t->priv);

			mb_agent_log(1, "serial: %llu requests, %llu retries, %llu HELLO polls, %llu bad CRC",
				     (unsigned long long)st->frames_sent,
				     (unsigned long long)st->retries,
				     (unsigned long long)st->polls,
				     (unsigned long long)st->bad_crc);
		}
		/* Leave an attached target running. */
		if (!c->q && c->t->ops->cont) {
			struct mb_error e;

			c->t->ops->cont(c->t, &e);
		}
		c->t->ops->close(c->t);
	}
	mb_qemu_stop(c->q);
	mb_elf_close(c->elf);
}

static int attach(struct ctx *c, struct mb_error *err)
{
	const char *a = c->o->attach;

	if (!strncmp(a, "serial:", 7)) {
		struct mb_serial *s = mb_serial_connect(a + 7, 5000, err);

		if (!s)
			return -1;
		mb_serial_set_timeout(s, SERIAL_SILENCE_MS);
		c->t = mb_serial_transport(s);
		c->source = MB_SRC_SERIAL;
		return 0;
	}
	if (!strncmp(a, "ramfile:", 8)) {
		c->t = open_ramfile(c, a + 8, 0, NULL, err);
		return c->t ? 0 : -1;
	}
	if (!strncmp(a, "gdb:", 4))
		a += 4;
	c->t = open_gdb(c, a, err);
	return c->t ? 0 : -1;
}

static int boot(struct ctx *c, struct mb_error *err)
{
	const struct mb_capture_opts *o = c->o;
	const char *tr = o->transport ? o->transport : "gdb";
	struct mb_qemu_opts qo = { .machine = o->machine, .kernel = o->kernel };
	uint64_t ram = 0;

	if (strcmp(tr, "gdb") && strcmp(tr, "serial") && strcmp(tr, "ramfile"))
		return mb_error_set(err, MB_ERR_INVAL, 0, 0,
				    "unknown transport '%s' (gdb, serial or ramfile)", tr);
	if (mb_parse_size(o->machine.mem ? o->machine.mem : "256M", &ram))
		return mb_error_set(err, MB_ERR_INVAL, 0, 0, "bad memory size '%s'", o->machine.mem);
	qo.serial = !strcmp(tr, "serial");
	qo.ramfile = !strcmp(tr, "ramfile");
	if (qo.ramfile && o->machine.numa_nodes > 0) {
		mb_agent_log(2, "RAM file not usable (NUMA splits RAM into several backends); "
			     "using the gdbstub");
		qo.ramfile = false;
	} else if (qo.ramfile && ram > 0xb0000000ULL) {
		mb_agent_log(2, "RAM file not usable (%llu MiB is split around the PCI hole); "
			     "using the gdbstub", (unsigned long long)(ram >> 20));
		qo.ramfile = false;
	}
	progress(c, "starting QEMU");
	c->q = mb_qemu_start(&qo, err);
	if (!c->q)
		return -1;
	if (qo.serial) {
		struct mb_serial *s;

		if (wait_socket(c, c->q->serial_path, err))
			return -1;
		s = mb_serial_connect(c->q->serial_path, 5000, err);

		if (!s)
			return check_qemu(c, err) ? -1 : mb_error_prefix(err, "COM2 socket");
		/*
		 * The timeout is for silence, not for a whole reply: on a
		 * loaded host QEMU can go quiet for seconds without anything
		 * being lost, and a resent request only queues behind the
		 * first.  QEMU's death closes the socket; --timeout bounds all.
		 */
		mb_serial_set_timeout(s, SERIAL_SILENCE_MS);
		c->t = mb_serial_transport(s);
		c->source = MB_SRC_SERIAL;
	} else if (qo.ramfile) {
		c->t = open_ramfile(c, c->q->ram_path, c->q->ram_bytes, c->q->gdb_addr, err);
	} else {
		c->t = open_gdb(c, c->q->gdb_addr, err);
	}
	if (!c->t) {
		check_qemu(c, err);	/* a dead QEMU explains more than a socket error */
		return -1;
	}
	/* QEMU stops the guest when a debugger connects: let it boot. */
	if (c->t->ops->cont && c->t->ops->cont(c->t, err))
		return -1;
	return 0;
}

/**
 * mb_agent_capture() - boot (or attach to) QEMU and pull a capture
 * @o: options
 * @err: filled on failure
 *
 * Return: a new capture (free with mb_capture_free()) or NULL with @err set.
 */
struct mb_capture *mb_agent_capture(const struct mb_capture_opts *o, struct mb_error *err)
{
	struct ctx c = { .o = o };
	struct mb_capture *cap = NULL;
	const char *elfpath = o->elf ? o->elf : o->kernel;
	struct mb_pull_opts po = { 0 };

	c.started = mb_now_ms();
	c.deadline = c.started + 1000LL * (o->timeout_s > 0 ? o->timeout_s : 60);
	if (!elfpath) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "no kernel ELF (give a kernel or --elf)");
		return NULL;
	}
	if (!o->attach && !o->kernel) {
		mb_error_set(err, MB_ERR_INVAL, 0, 0, "nothing to boot or attach to");
		return NULL;
	}
	c.elf = mb_elf_open(elfpath, err);
	if (!c.elf)
		return NULL;
	if (mb_btf_layout_from_file(elfpath, &c.layout, err) ||
	    mb_pull_locate(c.elf, &c.evlog, &c.evbytes, &c.mbaddr, err))
		goto out;
	if (o->attach ? attach(&c, err) : boot(&c, err))
		goto out;
	/* --timeout bounds the whole capture, the pull included. */
	c.t->deadline = c.deadline;
	if (wait_done(&c, err))
		goto out;
	/* Stop the guest (where the transport can) for a consistent snapshot. */
	if (c.t->ops->stop && c.t->ops->stop(c.t, err))
		goto out;
	progress(&c, "reading the log and arrays");
	po.t = c.t;
	po.elf = c.elf;
	po.layout = &c.layout;
	po.source = c.source;
	po.evlog_addr = c.evlog;
	po.evlog_bytes = c.evbytes;
	po.memblock_addr = c.mbaddr;
	po.qemu_cmdline = c.q ? c.q->cmdline : NULL;
	po.ram_size = c.q ? c.q->ram_bytes : 0;
	cap = mb_pull(&po, err);
	if (!cap && err && err->code == MB_ERR_TIMEOUT && mb_now_ms() >= c.deadline)
		mb_error_prefix(err, "capture not finished within --timeout %d s",
				o->timeout_s > 0 ? o->timeout_s : 60);
	else if (!cap)
		check_qemu(&c, err);	/* "QEMU was killed" says more than "connection closed" */
out:
	progress_end(&c);
	ctx_release(&c);
	return cap;
}
