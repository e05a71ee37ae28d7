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
	const char *out = "memblock.cap";
	char kbuf[PATH_MAX];
	bool quiet = false;
	uint64_t v;
	int opt;

	memset(&o, 0, sizeof(o));
	while ((opt = cli_next_opt(argc, argv)) != -1) {
		switch (opt) {
		case 'k':
			o.kernel = optarg;
			break;
		case 'm':
			if (!mem_ok(optarg))
				return cli_fail(MB_EXIT_USAGE,
						"capture: bad --mem '%s' (QEMU -m syntax: a number of MiB, or with a K, M, G or T suffix, e.g. 512M)",
						optarg);
			o.machine.mem = optarg;
			break;
		case 'S':
			if (cli_arg_u64("--smp", optarg, &v))
				return MB_EXIT_USAGE;
			if (!v || v > 256)
				return cli_fail(MB_EXIT_USAGE, "capture: --smp '%s' is not in 1..256",
						optarg);
			o.machine.smp = (int)v;
			break;
		case 'N':
			if (cli_arg_u64("--numa", optarg, &v))
				return MB_EXIT_USAGE;
			if (v > 64)
				return cli_fail(MB_EXIT_USAGE, "capture: --numa '%s' is not in 0..64",
						optarg);
			o.machine.numa_nodes = (int)v;
			break;
		case 'I':
			o.machine.initrd = optarg;
			break;
		case 'a':
			o.machine.append = optarg;
			break;
		case 't':
			if (strcmp(optarg, "gdb") && strcmp(optarg, "serial") &&
			    strcmp(optarg, "ramfile"))
				return cli_fail(MB_EXIT_USAGE,
						"capture: unknown transport '%s' (gdb, serial, ramfile)",
						optarg);
			o.transport = optarg;
			break;
		case 'A':
			o.attach = optarg;
			break;
		case 'E':
			o.elf = optarg;
			break;
		case 'T':
			if (cli_arg_u64("--timeout", optarg, &v))
				return MB_EXIT_USAGE;
			if (!v || v > 3600)
				return cli_fail(MB_EXIT_USAGE, "capture: --timeout '%s' is not in 1..3600",
						optarg);
			o.timeout_s = (int)v;
			break;
		case 'o':
			out = optarg;
			break;
		case 'L':
			lo.image = optarg;
			break;
		case 'M':
			lo.system_map = optarg;
			break;
		case 'Q':
			o.machine.qemu = optarg;
			break;
		case 'R':
			if (mb_linux_parse_read_point(optarg, &lo, &err))
				return cli_fail(MB_EXIT_USAGE, "capture: %s", err.msg);
			break;
		case 'X':
			lo.trace = true;
			break;
		case 'H':
			if (!cli_parse_u64(optarg, &v) || !v || v > 100000000)
				return cli_fail(MB_EXIT_USAGE, "capture: bad --trace-max-hits '%s'", optarg);
			lo.trace_max_hits = (unsigned long)v;
			lo.trace = true;
			break;
		case 'V':
			if (!cli_parse_u64(optarg, &v) || !v || v > 100000000)
				return cli_fail(MB_EXIT_USAGE, "capture: bad --trace-max-events '%s'",
						optarg);
			lo.trace_max_events = (size_t)v;
			lo.trace = true;
			break;
		case 'v':
			mb_agent_verbose = 2;	/* e.g. why the RAM file fell back to gdb */
			break;
		case 'q':
			quiet = true;
			break;
		default:
			return MB_EXIT_USAGE;
		}
	}
	if (optind != argc)
		return cli_fail(MB_EXIT_USAGE, "capture: unexpected argument '%s' (see 'capture --help')",
				argv[optind]);
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
	if (!c)
		return cli_fail_err(MB_EXIT_FAIL, &err);
	if (cli_check_output(out)) {
		mb_capture_free(c);
		return MB_EXIT_FAIL;
	}
	if (mb_capture_write(c, out, &err)) {
		mb_capture_free(c);
		return cli_fail_err(MB_EXIT_FAIL, &err);
	}
	if (cli_json) {
		struct json *j = json_new(stdout);

		cli_json_open(j);
		json_key(j, "output");
		json_str(j, out);
		json_key(j, "source");
		json_str(j, source_name(c->source));
		json_key(j, "total_events");
		json_uint(j, c->nevents);
		json_key(j, "dropped");
		json_uint(j, c->log_dropped);
		json_key(j, "complete");
		json_bool(j, c->log_dropped == 0);
		json_key(j, "boot_state");
		json_str(j, cli_json_boot_state(c->boot_state));
		json_key(j, "final_valid");
		json_bool(j, c->final.valid);
		json_key(j, "memory_size");
		json_hex(j, c->final.memory.total_size);
		json_key(j, "reserved_size");
		json_hex(j, c->final.reserved.total_size);
		json_obj_end(j);
		json_free(j);
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
