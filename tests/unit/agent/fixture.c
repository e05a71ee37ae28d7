// SPDX-License-Identifier: GPL-2.0-only
/* fixture.c - a small ELF with symbols, a build-id and (after pahole -J) BTF. */
#include <stdio.h>

#include "fixture_layout.h"

struct memblock memblock = { .bottom_up = true, .current_limit = 0x12345678 };
unsigned char mb_evlog_area[4096];

/**
 * mb_fixture_func() - a function for symbolisation tests
 * @x: anything
 *
 * Return: @x mixed up.
 */
__attribute__((noinline)) int mb_fixture_func(int x)
{
	return x * 3 + (int)memblock.current_limit;
}

int main(void)
{
	printf("%d\n", mb_fixture_func(mb_evlog_area[0]));
	return 0;
}
