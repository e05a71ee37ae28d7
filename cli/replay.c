// SPDX-License-Identifier: GPL-2.0-only
/* replay.c - `memblock-cli replay`: re-run the events on the host memblock. */
#include <inttypes.h>
#include <string.h>

#include "cli.h"
#include "mbagent/import.h"
#include "mbagent/replay.h"

/* Memblock lines the importer could not parse (0 for captures of a target). */
static uint64_t unparsed_lines(const struct mb_capture *c)
{
	const char *v = mb_capture_get_meta(c, "import_bad_lines");
	uint64_t n = 0;

	if (v && !cli_parse_u64(v, &n))
		n = 1;	/* unreadable count: assume the worst */
	return n;
}

/*
 * docs/cli.md: --verify compares the capacities (max) of captures of our
 * kernel too.  Console logs do not show them, and Linux read live grows its
 * arrays through calls it never logs.
 */
static bool compare_capacities(const struct mb_capture *c, const struct mb_state *st,
			       struct mb_replay_report *rep)
{
	char msg[400];

	if (!c->final.valid || c->source == MB_SRC_CONSOLE || c->source == MB_SRC_LINUX_LIVE)
		return false;
	if (!mb_state_compare(&c->final, st, MB_CMP_MAX, msg, sizeof(msg)))
		return false;
	rep->diverged = true;
	snprintf(rep->divergence, sizeof(rep->divergence), "final state: %s", msg);
	return true;
}

static void json_report(struct json *j, const struct mb_replay_report *rep,
			const struct mb_capture *c)
{
	json_uint_field(j, "replayed_events", rep->events);
	json_uint_field(j, "total_events", c->nevents);
	json_uint_field(j, "applied", rep->applied);
	json_uint_field(j, "nested_skipped", rep->skipped);
	json_uint_field(j, "unknown_ops", rep->unknown_ops);
	json_uint_field(j, "allocations", rep->allocs);
	json_uint_field(j, "allocation_mismatches", rep->alloc_mismatches);
	if (rep->alloc_mismatches) {
		json_key(j, "first_mismatch");
		json_obj_begin(j);
		json_uint_field(j, "index", rep->first_mismatch);
		json_hex_field(j, "expected", rep->mismatch_expected);
		json_hex_field(j, "got", rep->mismatch_got);
		json_obj_end(j);
	}
	json_uint_field(j, "checkpoints_compared", rep->checkpoints);
	json_uint_field(j, "dropped", rep->dropped);
	json_bool_field(j, "complete", rep->dropped == 0);
}

static void text_report(const struct mb_replay_report *rep, const struct mb_capture *c)
{
	printf("replayed %zu of %zu events: %zu applied, %zu nested skipped",
	       rep->events, c->nevents, rep->applied, rep->skipped);
	if (rep->unknown_ops)
		printf(", %zu unknown operations ignored", rep->unknown_ops);
	printf("; %zu allocations, %zu returned a different address", rep->allocs,
	       rep->alloc_mismatches);
	if (rep->alloc_mismatches)
		printf(" (first: event %zu, recorded 0x%" PRIx64 ", replay 0x%" PRIx64 ")",
		       rep->first_mismatch, rep->mismatch_expected, rep->mismatch_got);
	printf("\n");
}

/**
 * cmd_replay() - replay a capture through the host memblock
 * @argc: argument count
 * @argv: arguments, argv[0] = "replay"
 *
 * Return: exit status (MB_EXIT_DIVERGE or MB_EXIT_INCOMPLETE from --verify).
 */
int cmd_replay(int argc, char **argv)
{
	enum dump_format fmt = DUMP_LINUX;
	struct mb_replay_report rep;
	struct mb_error err = { 0 };
	struct mb_capture *c, *exp = NULL;
	struct mb_state st;
	struct cli_args a;
	const char *expect;
	bool verify, quiet, have_to, nothing = false;
	uint64_t unparsed;
	char cov[512] = "";
	uint64_t to = 0;
	int rc = MB_EXIT_OK, vr = 0;

	if (cli_args_parse(argc, argv, 1, "one INPUT file", &a) ||
	    cli_args_num(&a, 't', 0, UINT64_MAX, &to) || cli_dump_format(&a, &fmt))
		return MB_EXIT_USAGE;
	have_to = a.arg['t'];
	verify = a.arg['v'];
	expect = a.arg['e'];
	quiet = a.arg['q'];
	if (verify && have_to)
		return cli_fail(MB_EXIT_USAGE, "replay: --verify and --to cannot be combined");
	c = cli_open(argv[optind], have_to ? "--to" : NULL, to, &rc);
	if (!c)
		return rc;
	if (expect) {
		exp = mb_import_file(expect, NULL, &err);
		if (!exp) {
			cli_release(c);
			return cli_fail_err(MB_EXIT_FAIL, &err);
		}
	}
	memset(&st, 0, sizeof(st));
	if (verify) {
		vr = mb_replay_verify(c, &st, &rep, &err);
		if (vr == 0 && compare_capacities(c, &st, &rep))
			vr = 1;
	} else {
		vr = mb_replay_run(c, have_to ? (size_t)to : SIZE_MAX, &st, &rep, &err);
	}
	if (vr < 0) {
		mb_capture_free(exp);
		cli_release(c);
		return cli_fail_err(MB_EXIT_FAIL, &err);
	}
	/* --expect: byte coverage against a dump (e.g. read from a real machine). */
	if (exp && mb_state_compare_coverage(&exp->initial, &st, cov, sizeof(cov)))
		rc = MB_EXIT_DIVERGE;
	nothing = verify && !c->final.valid && !c->ncheckpoints;
	unparsed = unparsed_lines(c);
	if (verify && vr == 1)
		rc = MB_EXIT_DIVERGE;
	else if (verify && (rep.dropped || nothing || unparsed) && rc == MB_EXIT_OK)
		rc = MB_EXIT_INCOMPLETE;

	if (cli_json) {
		struct json *j = cli_json_begin(argv[optind]);

		json_report(j, &rep, c);
		json_uint_field(j, "unparsed_lines", unparsed);
		if (verify) {
			json_bool_field(j, "verified",
					vr == 0 && !nothing && !unparsed && !rep.dropped);
			json_bool_field(j, "compared_final", c->final.valid);
			json_str_field(j, "divergence", vr == 1 ? rep.divergence : NULL);
		}
		if (exp) {
			json_str_field(j, "expect", expect);
			json_bool_field(j, "coverage_match", cov[0] == 0);
			json_str_field(j, "coverage_divergence", cov[0] ? cov : NULL);
		}
		if (!quiet) {
			json_key(j, "arrays");
			cli_json_state(j, &st);
		}
		json_int_field(j, "exit", rc);
		cli_json_end(j);
	} else {
		if (!quiet)
			cli_print_state(&st, fmt);
		text_report(&rep, c);
		if (verify && vr == 0 && !nothing && !unparsed && !rep.dropped)
			printf("verify: OK (%s%zu checkpoints match)\n",
			       c->final.valid ? "final arrays and " : "", rep.checkpoints);
		if (exp && !cov[0]) {
			printf("expect: OK (memory and reserved byte coverage match ");
			cli_fputs_esc(stdout, expect);
			printf(")\n");
		}
		fflush(stdout);
		if (verify && vr == 1)
			cli_fail(MB_EXIT_DIVERGE, "replay diverged: %s", rep.divergence);
		else if (cov[0])
			cli_fail(MB_EXIT_DIVERGE, "replay differs from %s: %s", expect, cov);
		else if (nothing)
			fprintf(stderr, "Error: nothing to verify against: the capture has no final arrays and no checkpoints\n");
		else if (verify && unparsed)
			fprintf(stderr, "Error: %llu memblock line%s of the log did not parse: the replay cannot be verified\n",
				(unsigned long long)unparsed, unparsed == 1 ? "" : "s");
		else if (!verify && unparsed)
			fprintf(stderr, "warning: %llu memblock line%s of the log did not parse\n",
				(unsigned long long)unparsed, unparsed == 1 ? "" : "s");
		else if (rep.dropped)
			fprintf(stderr, "%s: the log is incomplete: %llu calls were not recorded%s\n",
				verify ? "Error" : "warning", (unsigned long long)rep.dropped,
				verify ? "; the replay cannot be verified" : "");
	}
	mb_state_clear(&st);
	mb_capture_free(exp);
	cli_release(c);
	return rc;
}
