/* SPDX-License-Identifier: GPL-2.0-only */
/* btf.h - layout of struct memblock & co. taken from a target's BTF (libbpf). */
#ifndef MBAGENT_BTF_H
#define MBAGENT_BTF_H

#include <stdbool.h>
#include <stdint.h>
#include "mbagent/error.h"

/**
 * struct mb_field - one member of a target struct
 * @off: byte offset in the struct
 * @size: byte size of the member
 * @present: false if the target's struct lacks it (e.g. nid without NUMA)
 */
struct mb_field {
	uint32_t off;
	uint32_t size;
	bool present;
};

/**
 * struct mb_layout - target sizes and offsets of the three memblock structs
 * @memblock_size: sizeof(struct memblock) on the target
 * @type_size: sizeof(struct memblock_type)
 * @region_size: sizeof(struct memblock_region)
 * @bottom_up, @current_limit, @memory, @reserved: members of struct memblock
 * @cnt, @max, @total_size, @regions, @name: members of struct memblock_type
 * @base, @size, @flags, @nid: members of struct memblock_region
 */
struct mb_layout {
	uint32_t memblock_size;
	uint32_t type_size;
	uint32_t region_size;
	struct mb_field bottom_up, current_limit, memory, reserved;
	struct mb_field cnt, max, total_size, regions, name;
	struct mb_field base, size, flags, nid;
};

struct btf;

int mb_btf_layout(const struct btf *btf, struct mb_layout *l, struct mb_error *err);
int mb_btf_layout_from_file(const char *path, struct mb_layout *l, struct mb_error *err);
uint64_t mb_field_get(const void *buf, const struct mb_field *f);
int64_t mb_field_get_signed(const void *buf, const struct mb_field *f);

#endif /* MBAGENT_BTF_H */
