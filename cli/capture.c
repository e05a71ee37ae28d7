// SPDX-License-Identifier: GPL-2.0-only
/* capture.c - `memblock-cli capture`: boot or attach to QEMU, write a capture file. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "mbagent/agent.h"
#include "mbagent/linux.h"

static const char *source_name(uint32_t s)
{
	static const char *const n[] = { "unknown", "gdb", "serial", "ramfile", "console",
					  "linux-live", "gdb-script", "linux-trace" };

	return s < sizeof(n) / sizeof(n[0]) ? n[s] : "unknown";
}

/* QEMU's -m SIZE: digits, then at most one unit letter; not zero. */
static bool mem_ok(const char *s)
{
	const char *p = s;
	bool nonzero = false;

	while (*p >= '0' && *p <= '9')
		nonzero |= *p++ != '0';
	if (p == s || !nonzero || p - s > 12)
		return false;
	if (*p && strchr("kKmMgGtT", *p))
		p++;
	return *p == '\0';
}

/**
 * cmd_capture() - boot or attach and write a capture
 * @argc: argument count
 * @argv: arguments, argv[0] = "capture"
 *
 * Return: exit status.
 */
int cmd_capture(int argc, char **argv)
{
	struct mb_capture_opts o;
	struct mb_linux_opts lo = { 0 };
	struct mb_error err = { 0 };
	struct mb_capture *c;
	struct cli_args a;
	const char *out;
	char kbuf[PATH_MAX];
	uint64_t smp = 0, numa = 0, timeout = 0, hits = 0, events = 0;
	bool quiet;

	if (cli_args_parse(argc, argv, 0, NULL, &a) ||
	    cli_args_num(&a, 'S', 1, 256, &smp) || cli_args_num(&a, 'N', 0, 64, &numa) ||
	    cli_args_num(&a, 'T', 1, 3600, &timeout) ||
	    cli_args_num(&a, 'H', 1, 100000000, &hits) ||
	    cli_args_num(&a, 'V', 1, 100000000, &events) || cli_args_word(&a, 't', 0) < 0)
		return MB_EXIT_USAGE;
	if (a.arg['m'] && !mem_ok(a.arg['m']))
		return cli_fail(MB_EXIT_USAGE,
				"capture: bad --mem '%s' (QEMU -m syntax: a number of MiB, or with a K, M, G or T suffix, e.g. 512M)",
				a.arg['m']);
	if (a.arg['R'] && mb_linux_parse_read_point(a.arg['R'], &lo, &err))
		return cli_fail(MB_EXIT_USAGE, "capture: %s", err.msg);
	memset(&o, 0, sizeof(o));
	o.kernel = a.arg['k'];
	o.machine.mem = a.arg['m'];
	o.machine.smp = (int)smp;
	o.machine.numa_nodes = (int)numa;
	o.machine.initrd = a.arg['I'];
	o.machine.append = a.arg['a'];
	o.transport = a.arg['t'];
	o.attach = a.arg['A'];
	o.elf = a.arg['E'];
	o.timeout_s = (int)timeout;
	o.machine.qemu = a.arg['Q'];
	out = a.arg['o'] ? a.arg['o'] : "memblock.cap";
	lo.image = a.arg['L'];
	lo.system_map = a.arg['M'];
	/* --trace-max-hits and --trace-max-events imply --trace */
	lo.trace_max_hits = (unsigned long)hits;
	lo.trace_max_events = (size_t)events;
	lo.trace = a.arg['X'] || hits || events;
	quiet = a.arg['q'];
	if (a.arg['v'])
		mb_agent_verbose = 2;	/* e.g. why the RAM file fell back to gdb */
	if ((lo.system_map || lo.read_point || lo.trace) && !lo.image)
		return cli_fail(MB_EXIT_USAGE,
				"capture: --system-map, --read-at and --trace go with --linux");
	if (cli_check_output(out))
		return MB_EXIT_FAIL;
	if (lo.image) {
		if (o.kernel || o.attach || o.transport || o.elf)
			return cli_fail(MB_EXIT_USAGE,
					"capture: --linux boots its own QEMU through the gdbstub; drop --kernel, --attach, --transport and --elf");
		if (access(lo.image, R_OK))
			return cli_fail(MB_EXIT_FAIL, "capture: %s: cannot read the kernel image", lo.image);
		lo.machine = o.machine;
		lo.timeout_s = o.timeout_s;
		lo.progress = !cli_json && !quiet && isatty(STDERR_FILENO);
		c = mb_linux_capture(&lo, &err);
		goto captured;
	}
	if (!o.attach && !o.kernel) {
		o.kernel = cli_default_kernel(kbuf, sizeof(kbuf));
		if (!o.kernel)
			return cli_fail(MB_EXIT_FAIL,
					"capture: no default kernel found (build the kernel target or pass --kernel)");
	}
	if (o.kernel && access(o.kernel, R_OK))
		return cli_fail(MB_EXIT_FAIL, "capture: %s: cannot read the kernel", o.kernel);
	o.progress = !cli_json && !quiet && isatty(STDERR_FILENO);
	c = mb_agent_capture(&o, &err);
captured:
	if (cli_save(c, out, &err))
		return MB_EXIT_FAIL;
	if (cli_json) {
		struct json *j = cli_json_begin(NULL);

		json_str_field(j, "output", out);
		json_str_field(j, "source", source_name(c->source));
		cli_json_log(j, c);
		json_str_field(j, "boot_state", cli_json_boot_state(c->boot_state));
		json_bool_field(j, "final_valid", c->final.valid);
		json_hex_field(j, "memory_size", c->final.memory.total_size);
		json_hex_field(j, "reserved_size", c->final.reserved.total_size);
		cli_json_end(j);
	} else {
		char m[32], r[32];

		cli_human_size(c->final.memory.total_size, m, sizeof(m));
		cli_human_size(c->final.reserved.total_size, r, sizeof(r));
		cli_fputs_esc(stdout, out);
		printf(": %zu events%s, memory %s in %llu regions, reserved %s in %llu regions (%s)\n",
		       c->nevents, c->log_dropped ? " (log incomplete: some dropped)" : "",
		       m, (unsigned long long)c->final.memory.cnt, r,
		       (unsigned long long)c->final.reserved.cnt, source_name(c->source));
	}
	mb_capture_free(c);
	return 0;
}
