// SPDX-License-Identifier: GPL-2.0-only
/* memblock_bench.c - ns per memblock operation at 128..100,000 regions, against a memmove floor. */

/*
 * For each array size N the reserved (or memory) array is filled with N
 * regions of 4 KiB every 64 KiB, then M operations are timed:
 *   reserve/add at a random hole, phys_free/remove of a random region,
 *   reserve appended after the last region, a 4 KiB top-down alloc (the
 *   holes are 60 KiB), one full for_each_free_mem_range walk;
 * plus the cost of event logging per call and the floor: one memmove of
 * N/2 regions of 24 bytes (what inserting in the middle must move).
 * Usage: memblock_bench [-q] (quick: fewer repetitions)
 */

#define _GNU_SOURCE
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "memblock.h"
#include "memblock_host.h"
#include "mb_evlog.h"

#define STRIDE	0x10000ULL
#define RSIZE	0x1000ULL
#define BASE	0x100000ULL

static uint64_t rng = 88172645463325252ULL;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static double now_ns(void)
{
	struct timespec ts;

	/* CPU time of this thread: robust on a machine shared with builds */
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

/* Cost of one now_ns() call (thread CPU time is a system call), subtracted per timed batch. */
static double clock_cost;

static void measure_clock_cost(void)
{
	double t0 = now_ns();
	int i;

	for (i = 0; i < 10000; i++)
		now_ns();
	clock_cost = (now_ns() - t0) / 10001;
}

static void fill(struct memblock_type *type, unsigned long n)
{
	unsigned long i;

	for (i = 0; i < n; i++) {
		if (type == &memblock.reserved)
			memblock_reserve(BASE + i * STRIDE, RSIZE);
		else
			memblock_add(BASE + i * STRIDE, RSIZE);
	}
}

/* Distinct random hole indices in [0, n). */
static unsigned long *pick(unsigned long n, unsigned long m)
{
	unsigned long *perm = malloc(n * sizeof(*perm)), i;

	for (i = 0; i < n; i++)
		perm[i] = i;
	for (i = 0; i < m && i < n; i++) {
		unsigned long j = i + rnd() % (n - i), t = perm[i];

		perm[i] = perm[j];
		perm[j] = t;
	}
	return perm;
}

static double floor_memmove(unsigned long n, unsigned long reps)
{
	size_t bytes = (n / 2) * sizeof(struct memblock_region);
	char *buf = calloc(1, bytes + 64);
	double t0, t;
	unsigned long i;

	t0 = now_ns();
	for (i = 0; i < reps; i++) {
		memmove(buf + ((i & 1) ? 24 : 0), buf + ((i & 1) ? 0 : 24), bytes);
		__asm__ __volatile__("" : : "r"(buf) : "memory");
	}
	t = (now_ns() - t0) / reps;
	free(buf);
	return t;
}

static void setup(unsigned long n, struct memblock_type *type)
{
	memblock_reset_state();
	/* memory everywhere; arrays grown once so timing never includes doubling */
	memblock_allow_resize();
	memblock_add(0, 1ULL << 40);
	if (type == &memblock.memory) {
		memblock_remove(0, 1ULL << 40);
		memblock_add(1ULL << 39, 1ULL << 30);
	}
	fill(type, n + 4096);
	if (type == &memblock.reserved)
		memblock_phys_free(BASE + n * STRIDE, 4096 * STRIDE);
	else
		memblock_remove(BASE + n * STRIDE, 4096 * STRIDE);
}

struct result {
	double add_rand, rsv_rand, free_rand, rsv_append, add_append, alloc_td, iter, floor;
};

static void bench_n(unsigned long n, unsigned long m, bool quick, struct result *res)
{
	unsigned long *perm, i;
	double t0;
	phys_addr_t s, e;
	uint64_t it;
	unsigned long iters, cnt0, rounds, round, rand_m, alloc_ops = 0;

	if (m > n)
		m = n;

	/* random reserve, then phys_free of those random regions (rounds for small N) */
	setup(n, &memblock.reserved);
	cnt0 = memblock.reserved.cnt;
	/* few at a time, so that the array stays near N regions */
	rand_m = n / 8 ? n / 8 : 1;
	rounds = rand_m < 20000 ? 20000 / rand_m : 1;
	if (quick)
		rounds = rounds / 10 ? rounds / 10 : 1;
	res->rsv_rand = res->free_rand = 0;
	for (round = 0; round < rounds; round++) {
		perm = pick(n, rand_m);
		t0 = now_ns();
		for (i = 0; i < rand_m; i++)
			memblock_reserve(BASE + perm[i] * STRIDE + 0x4000, RSIZE);
		res->rsv_rand += now_ns() - t0 - clock_cost;
		t0 = now_ns();
		for (i = 0; i < rand_m; i++)
			memblock_phys_free(BASE + perm[i] * STRIDE + 0x4000, RSIZE);
		res->free_rand += now_ns() - t0 - clock_cost;
		free(perm);
		if (memblock.reserved.cnt != cnt0)
			fprintf(stderr, "bench: unexpected reserved.cnt %lu\n", memblock.reserved.cnt);
	}
	res->rsv_rand /= (double)rand_m * rounds;
	res->free_rand /= (double)rand_m * rounds;
	/* appended at the end, a batch at a time (then undone, untimed) */
	res->rsv_append = 0;
	for (round = 0; round < rounds; round++) {
		t0 = now_ns();
		for (i = 0; i < rand_m; i++)
			memblock_reserve(BASE + (n + i) * STRIDE, RSIZE);
		res->rsv_append += now_ns() - t0 - clock_cost;
		memblock_phys_free(BASE + n * STRIDE, rand_m * STRIDE);
	}
	res->rsv_append /= (double)rand_m * rounds;

	/*
	 * 4 KiB top-down allocations among 60 KiB holes, below a limit; a batch
	 * at a time, each batch freed again (untimed) so the holes never run out.
	 */
	memblock_set_current_limit(BASE + n * STRIDE);
	res->alloc_td = 0;
	for (round = 0; round < (quick ? 30 : 300); round++) {
		phys_addr_t got[64];
		unsigned long batch = rand_m < 64 ? rand_m : 64, j;

		t0 = now_ns();
		for (j = 0; j < batch; j++)
			got[j] = memblock_phys_alloc(RSIZE, RSIZE);
		res->alloc_td += now_ns() - t0 - clock_cost;
		for (j = 0; j < batch; j++) {
			if (!got[j])
				fprintf(stderr, "bench: alloc failed\n");
			memblock_phys_free(got[j], RSIZE);
		}
		alloc_ops += batch;
	}
	res->alloc_td /= (double)alloc_ops;
	memblock_set_current_limit(MEMBLOCK_ALLOC_ANYWHERE);

	/* one full free-range walk */
	iters = n >= 10000 ? 20 : 200;
	t0 = now_ns();
	for (i = 0; i < iters; i++) {
		unsigned long k = 0;

		for_each_free_mem_range(it, NUMA_NO_NODE, MEMBLOCK_NONE, &s, &e, NULL)
			k++;
		if (!k)
			fprintf(stderr, "bench: empty walk\n");
	}
	res->iter = (now_ns() - t0) / iters;

	/* memory: random add and append */
	setup(n, &memblock.memory);
	res->add_rand = 0;
	for (round = 0; round < rounds; round++) {
		perm = pick(n, rand_m);
		t0 = now_ns();
		for (i = 0; i < rand_m; i++)
			memblock_add(BASE + perm[i] * STRIDE + 0x4000, RSIZE);
		res->add_rand += now_ns() - t0 - clock_cost;
		for (i = 0; i < rand_m; i++)
			memblock_remove(BASE + perm[i] * STRIDE + 0x4000, RSIZE);
		free(perm);
	}
	res->add_rand /= (double)rand_m * rounds;
	res->add_append = 0;
	for (round = 0; round < rounds; round++) {
		t0 = now_ns();
		for (i = 0; i < rand_m; i++)
			memblock_add(BASE + (n + i) * STRIDE, RSIZE);
		res->add_append += now_ns() - t0 - clock_cost;
		memblock_remove(BASE + n * STRIDE, rand_m * STRIDE);
	}
	res->add_append /= (double)rand_m * rounds;

	res->floor = floor_memmove(n, n >= 10000 ? 2000 : 200000);
}

static double bench_evlog(bool on, unsigned long m)
{
	static union {
		uint64_t a;
		unsigned char b[MB_EVLOG_HEADER_SIZE + 70000 * MB_EVLOG_RECORD_SIZE];
	} buf;
	unsigned long i, round;
	double total = 0, t0;

	setup(128, &memblock.reserved);
	for (round = 0; round < m / 32768; round++) {
		mb_evlog_init(on ? buf.b : NULL, sizeof(buf.b));
		t0 = now_ns();
		for (i = 0; i < 16384; i++) {
			memblock_reserve(BASE + 200 * STRIDE, RSIZE);
			memblock_phys_free(BASE + 200 * STRIDE, RSIZE);
		}
		total += now_ns() - t0;
	}
	mb_evlog_init(NULL, 0);
	return total / (round * 32768);
}

/**
 * main - print the benchmark table
 * @argc: argument count
 * @argv: "-q" for a quick run
 *
 * Return: 0.
 */
int main(int argc, char **argv)
{
	static const unsigned long sizes[] = { 128, 1000, 10000, 100000 };
	bool quick = argc > 1 && !strcmp(argv[1], "-q");
	struct result r[4];
	double log_on, log_off;
	size_t k;

	measure_clock_cost();
	for (k = 0; k < 4; k++)
		bench_n(sizes[k], quick ? 200 : (sizes[k] >= 10000 ? 2000 : 20000), quick, &r[k]);
	log_off = bench_evlog(false, quick ? 65536 : 655360);
	log_on = bench_evlog(true, quick ? 65536 : 655360);

	printf("memblock_bench: ns per operation (regions present in the array)\n");
	printf("%-34s %10s %10s %10s %10s\n", "operation", "128", "1000", "10000", "100000");
#define ROW(label, field)							\
	printf("%-34s %10.1f %10.1f %10.1f %10.1f\n", label, r[0].field, r[1].field,	\
	       r[2].field, r[3].field)
	ROW("memblock_add, random position", add_rand);
	ROW("memblock_reserve, random position", rsv_rand);
	ROW("memblock_phys_free, random region", free_rand);
	ROW("memblock_add, appended", add_append);
	ROW("memblock_reserve, appended", rsv_append);
	ROW("memblock_phys_alloc 4K top-down", alloc_td);
	ROW("for_each_free_mem_range (full)", iter);
	ROW("floor: memmove N/2 x 24 bytes", floor);
	printf("%-34s %10.2f %10.2f %10.2f %10.2f\n", "ratio random add / floor",
	       r[0].add_rand / r[0].floor, r[1].add_rand / r[1].floor,
	       r[2].add_rand / r[2].floor, r[3].add_rand / r[3].floor);
	printf("%-34s %10.2f %10.2f %10.2f %10.2f\n", "ratio random reserve / floor",
	       r[0].rsv_rand / r[0].floor, r[1].rsv_rand / r[1].floor,
	       r[2].rsv_rand / r[2].floor, r[3].rsv_rand / r[3].floor);
	printf("%-34s %10.2f %10.2f %10.2f %10.2f\n", "ratio random phys_free / floor",
	       r[0].free_rand / r[0].floor, r[1].free_rand / r[1].floor,
	       r[2].free_rand / r[2].floor, r[3].free_rand / r[3].floor);
	printf("(timer: thread CPU time, %.0f ns per reading, subtracted per batch)\n", clock_cost);
	printf("event log: %.1f ns per call logged, %.1f ns unlogged: %.1f ns per record\n",
	       log_on, log_off, log_on - log_off);
	memblock_reset_state();
	return 0;
}
