/* SPDX-License-Identifier: GPL-2.0-only */
/* capture_chain.h - the CHAINS section codec, shared by capture.c and capture_chain.c. */
#ifndef MBAGENT_CAPTURE_CHAIN_H
#define MBAGENT_CAPTURE_CHAIN_H

#include <stddef.h>
#include <stdint.h>

struct mb_capture;
struct mb_error;

/* Section type of the caller chains (optional, skipped by older readers). */
#define MB_SECT_CHAINS	6

/*
 * Encode every event's chain into a malloc'd payload. *out stays NULL (and
 * 0 is returned) when no event has a chain. Returns -1 on ENOMEM.
 */
int mb_chain_section_encode(const struct mb_capture *c, uint8_t **out, size_t *out_len);
/*
 * Decode a payload into @c, whose events and symbols are already read.
 * A newer section version is ignored. Returns 0, or -1 with @err set.
 */
int mb_chain_section_decode(struct mb_capture *c, const uint8_t *data, size_t len,
			    const char *path, struct mb_error *err);
/* Free @c's chains and frames. */
void mb_chain_free(struct mb_capture *c);

#endif /* MBAGENT_CAPTURE_CHAIN_H */
