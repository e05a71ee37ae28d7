// SPDX-License-Identifier: GPL-2.0-only
/* test_growth.c - capture arrays grow geometrically: realloc calls counted (linked with --wrap=realloc). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "mbagent/capture.h"

#define CHECK(c) do { if (!(c)) { fprintf(stderr, "%s:%d: check failed: %s\n", \
	__FILE__, __LINE__, #c); exit(1); } } while (0)

void *__real_realloc(void *p, size_t n);
static unsigned long reallocs;

/* Every realloc of the program (libmbagent is static) comes through here. */
void *__wrap_realloc(void *p, size_t n)
{
	reallocs++;
	return __real_realloc(p, n);
}

/* Reallocs for @n appends must grow like log2(n), not like n. */
static void expect_log(const char *what, unsigned long before, unsigned long n)
{
	unsigned long used = reallocs - before, bound = 8;

	for (unsigned long k = n; k > 1; k >>= 1)
		bound++;
	fprintf(stderr, "%s: %lu appends, %lu reallocs (bound %lu)\n", what, n, used, bound);
	CHECK(used <= bound);
}

int main(int argc, char **argv)
{
	const unsigned long n = 100000;
	struct mb_capture *c = mb_capture_new(), *back;
	struct mb_state st = { .valid = true };
	struct mb_error err;
	char name[32], path[] = "/tmp/mbgrowth-XXXXXX";
	unsigned long before;
	int fd;

	CHECK(c);
	before = reallocs;
	for (unsigned long i = 0; i < n; i++)
		CHECK(mb_capture_add_checkpoint(c, i, &st, &err) == 0);
	expect_log("checkpoints", before, n);
	before = reallocs;
	for (unsigned long i = 0; i < n; i++) {
		snprintf(name, sizeof(name), "sym%lu", i);
		CHECK(mb_capture_intern_sym(c, name) == i);
	}
	expect_log("symbols", before, n);
	before = reallocs;
	for (unsigned long i = 0; i < 3000; i++) {
		snprintf(name, sizeof(name), "key%lu", i);
		CHECK(mb_capture_set_meta(c, name, "v") == 0);
	}
	expect_log("metadata", before, 3000);
	CHECK(!strcmp(mb_capture_get_meta(c, "key2999"), "v"));
	CHECK(c->ncheckpoints == n && c->checkpoints[n - 1].at == n - 1);
	/* The writer's section table: one section per checkpoint state. */
	mb_capture_free(c);
	c = mb_capture_new();
	for (unsigned long i = 0; i < 3000; i++)
		CHECK(mb_capture_add_checkpoint(c, 0, &st, &err) == 0);
	fd = mkstemp(path);
	CHECK(fd >= 0);
	close(fd);
	before = reallocs;
	CHECK(mb_capture_write(c, path, &err) == 0);
	expect_log("written sections", before, 3000);
	/* Appending to arrays the reader sized exactly still works. */
	back = mb_capture_read(path, &err);
	CHECK(back && back->ncheckpoints == 3000);
	CHECK(mb_capture_add_checkpoint(back, 0, &st, &err) == 0);
	CHECK(mb_capture_intern_sym(back, "late") != MB_NO_SYM);
	CHECK(mb_capture_set_meta(back, "late", "x") == 0);
	CHECK(back->ncheckpoints == 3001);
	mb_capture_free(back);
	mb_capture_free(c);
	unlink(path);
	(void)argc;
	(void)argv;
	return 0;
}
