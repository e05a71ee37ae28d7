// SPDX-License-Identifier: GPL-2.0-only
/* fuzz_linux_image.c - libFuzzer: bzImage payload extraction, .deb member search and vmlinux ELF parsing. */
#include <bpf/btf.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/linux.h"

/* Guest memory for mb_linux_read_state(): all zero (empty arrays). */
static int zero_read(void *ctx, uint64_t vaddr, void *buf, size_t len)
{
	memset(buf, 0, len);
	return 0;
}

/**
 * LLVMFuzzerTestOneInput() - byte 0 picks the parser: 0 bzImage, 1 .deb,
 * 2 vmlinux ELF (then a symbol and a read), 3 Linux BTF
 * layout (then struct memblock decoded with it); the rest is the file
 * @data: fuzz input
 * @size: its length
 *
 * Return: 0.
 */
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mb_linux_image *img;
	struct mb_error err;
	uint8_t *out = NULL, *copy;
	size_t out_len = 0;
	const char *kind;
	char member[256];

	if (size < 1)
		return 0;
	switch (data[0] & 3) {
	case 0:
		if (mb_linux_extract_vmlinux(data + 1, size - 1, &out, &out_len, &kind, &err) == 0)
			free(out);
		break;
	case 1:
		if (mb_linux_deb_find_kernel(data + 1, size - 1, &out, &out_len, member,
					     sizeof(member), &err) == 0) {
			if (!memchr(member, 0, sizeof(member)))
				abort();
			free(out);
		}
		break;
	case 2:
		copy = malloc(size - 1 ? size - 1 : 1);
		if (!copy)
			return 0;
		memcpy(copy, data + 1, size - 1);
		img = mb_linux_image_from_elf(copy, size - 1, &err);
		if (img) {
			uint64_t addr;
			uint8_t buf[64];

			mb_linux_symbol(img, "memblock", &addr);
			mb_linux_image_read(img, 0xffffffff81000000ULL, buf, sizeof(buf));
			mb_linux_image_free(img);
		}
		break;
	case 3: {
		struct btf *btf = btf__new(data + 1, (uint32_t)(size - 1));
		struct mb_layout l;

		if (btf) {
			struct mb_state st;

			/* A layout it accepts must decode without reading past struct memblock. */
			if (mb_btf_layout(btf, &l, &err) == 0 &&
			    mb_linux_read_state(&l, 0xffffffff82000000ULL, zero_read, NULL, &st,
						&err) == 0)
				mb_state_clear(&st);
			btf__free(btf);
		}
		break;
	}
	}
	return 0;
}
