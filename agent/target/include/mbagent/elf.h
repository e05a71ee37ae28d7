/* SPDX-License-Identifier: GPL-2.0-only */
/* elf.h - symbols, section data and the GNU build-id of a target ELF (libelf). */
#ifndef MBAGENT_ELF_H
#define MBAGENT_ELF_H

#include <stddef.h>
#include <stdint.h>
#include "mbagent/error.h"

struct mb_elf;

struct mb_elf *mb_elf_open(const char *path, struct mb_error *err);
void mb_elf_close(struct mb_elf *e);
const char *mb_elf_path(const struct mb_elf *e);
int mb_elf_symbol(const struct mb_elf *e, const char *name, uint64_t *addr, uint64_t *size,
		  struct mb_error *err);
const char *mb_elf_symbolize(const struct mb_elf *e, uint64_t addr, uint64_t *off);
size_t mb_elf_nsyms(const struct mb_elf *e);
int mb_elf_section(const struct mb_elf *e, const char *name, void **data, size_t *size,
		   uint64_t *addr, struct mb_error *err);
int mb_elf_build_id(const struct mb_elf *e, const uint8_t **id, size_t *len);
int mb_elf_check_build_id(const struct mb_elf *e, const uint8_t *id, size_t len,
			  struct mb_error *err);

#endif /* MBAGENT_ELF_H */
