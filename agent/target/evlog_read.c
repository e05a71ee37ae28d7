// SPDX-License-Identifier: GPL-2.0-only
/* evlog_read.c - validate and read the kernel's event log through a transport. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbagent/target.h"
#include "mbagent/serial.h"

/**
 * mb_evlog_validate() - check a log header before trusting any count in it
 * @h: header as read from the target
 * @area_bytes: size of the memory holding the log (ELF symbol size); 0 = unknown
 * @err: MB_ERR_NOTFOUND (no magic), MB_ERR_UNSUPPORTED (version),
 *   MB_ERR_FORMAT (sizes or counts impossible)
 *
 * A log that claims more records than its capacity, or a capacity larger
 * than its memory, is an error: nothing is read past the end.
 *
 * Return: 0 or -1.
 */
int mb_evlog_validate(const struct mb_evlog_header *h, uint64_t area_bytes,
		      struct mb_error *err)
{
	uint64_t need;

	if (h->magic != MB_EVLOG_MAGIC)
		return mb_error_set(err, MB_ERR_NOTFOUND, 0, 0,
				    "no event log (magic %#llx, want %#llx)",
				    (unsigned long long)h->magic,
				    (unsigned long long)MB_EVLOG_MAGIC);
	if (h->version != MB_EVLOG_VERSION)
		return mb_error_set(err, MB_ERR_UNSUPPORTED, 0, 0,
				    "event log version %u, this agent reads %u", h->version,
				    MB_EVLOG_VERSION);
	if (h->header_size < MB_EVLOG_HEADER_SIZE || h->header_size > 4096 ||
	    h->record_size < MB_EVLOG_RECORD_SIZE || h->record_size > 4096)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "event log header/record sizes %u/%u (want at least %u/%u)",
				    h->header_size, h->record_size, MB_EVLOG_HEADER_SIZE,
				    MB_EVLOG_RECORD_SIZE);
	need = h->header_size + (uint64_t)h->capacity * h->record_size;
	if (area_bytes && need > area_bytes)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "event log claims %u record slots (%llu bytes) in a %llu-byte area",
				    h->capacity, (unsigned long long)need,
				    (unsigned long long)area_bytes);
	if (h->written > h->capacity)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0,
				    "event log claims %llu records written, capacity is %u",
				    (unsigned long long)h->written, h->capacity);
	if (h->build_id_len > MB_EVLOG_BUILD_ID_MAX)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "event log build-id length %u",
				    h->build_id_len);
	if (h->boot_state > MB_BOOT_STATE_PANIC)
		return mb_error_set(err, MB_ERR_FORMAT, 0, 0, "event log boot state %u",
				    h->boot_state);
	return 0;
}

/**
 * mb_evlog_read_header() - read and validate the log header
 * @t: transport
 * @addr: physical address of the header
 * @area_bytes: size of the log area (0 = unknown)
 * @h: filled
 * @err: filled on failure
 *
 * Return: 0 or -1.
 */
int mb_evlog_read_header(struct mb_transport *t, uint64_t addr, uint64_t area_bytes,
			 struct mb_evlog_header *h, struct mb_error *err)
{
	if (mb_transport_read(t, addr, h, sizeof(*h), err))
		return mb_error_prefix(err, "reading the event log header");
	if (mb_evlog_validate(h, area_bytes, err)) {
		err->addr = addr;
		return mb_error_prefix(err, "at %#llx", (unsigned long long)addr);
	}
	return 0;
}

static int read_via_serial(struct mb_transport *t, uint64_t addr,
			   const struct mb_evlog_header *h, uint8_t *raw, struct mb_error *err)
{
	uint64_t seq = 0;

	/* Fetched ahead with the header (mb_serial_prefetch()): no round trip. */
	if (mb_serial_take_cached(t->priv, addr + h->header_size, raw,
				  h->written * h->record_size))
		return 0;
	if (h->record_size != MB_EVLOG_RECORD_SIZE)
		return 1;	/* READ_LOG sends 96-byte records: use READ_MEM */
	while (seq < h->written) {
		uint64_t first;
		uint32_t n;

		if (mb_serial_read_log(t->priv, seq, (uint32_t)(h->written - seq),
				       raw + seq * MB_EVLOG_RECORD_SIZE, &first, &n, err))
			return -1;
		if (n == 0)
			return mb_error_set(err, MB_ERR_PROTO, 0, 0,
					    "kernel sent no records from %llu of %llu",
					    (unsigned long long)seq,
					    (unsigned long long)h->written);
		if (first != seq)
			return mb_error_set(err, MB_ERR_PROTO, 0, 0,
					    "READ_LOG from %llu answered from %llu",
					    (unsigned long long)seq, (unsigned long long)first);
		seq += n;
	}
	return 0;
}

/**
 * mb_evlog_read_records() - read the @h->written records of a validated log
 * @t: transport (the serial one uses READ_LOG, the others plain reads)
 * @addr: physical address of the header
 * @h: validated header
 * @recs: set to a malloc'd array of @n records (free() it)
 * @n: number of records
 * @err: filled on failure (MB_ERR_FORMAT if sequence numbers are not 0..n-1)
 *
 * Return: 0 or -1.
 */
int mb_evlog_read_records(struct mb_transport *t, uint64_t addr,
			  const struct mb_evlog_header *h, struct mb_evlog_record **recs,
			  size_t *n, struct mb_error *err)
{
	size_t cnt = h->written, i;
	uint8_t *raw;
	struct mb_evlog_record *out;
	int rc = 1;

	*recs = NULL;
	*n = 0;
	if (h->written > h->capacity)
		return mb_error_set(err, MB_ERR_FORMAT, 0, addr, "log written > capacity");
	raw = malloc(cnt * h->record_size + 1);
	out = calloc(cnt + 1, sizeof(*out));
	if (!raw || !out) {
		free(raw);
		free(out);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory for %zu records",
				    cnt);
	}
	if (!strcmp(t->ops->name, "serial"))
		rc = read_via_serial(t, addr, h, raw, err);
	if (rc > 0)
		rc = mb_transport_read(t, addr + h->header_size, raw, cnt * h->record_size, err);
	if (rc) {
		free(raw);
		free(out);
		return mb_error_prefix(err, "reading %zu event records", cnt);
	}
	for (i = 0; i < cnt; i++) {
		memcpy(&out[i], raw + i * h->record_size, sizeof(out[i]));
		if (out[i].seq != i) {
			mb_error_set(err, MB_ERR_FORMAT, 0, addr, "event record %zu has sequence "
				     "number %llu", i, (unsigned long long)out[i].seq);
			free(raw);
			free(out);
			return -1;
		}
	}
	free(raw);
	*recs = out;
	*n = cnt;
	return 0;
}

/**
 * mb_evlog_read_chains() - read the caller chains of a validated log's records
 * @t: transport
 * @h: validated header (its chain fields say where the slots are)
 * @chains: set to a malloc'd array of @n slots, slot i for record i (free() it);
 *   NULL when the log has no chains (a kernel older than chains: not an error)
 * @n: number of slots read: min(written, chain_capacity)
 * @err: filled on failure (MB_ERR_FORMAT for an impossible slot size or
 *   frame count)
 *
 * Return: 0 or -1.
 */
int mb_evlog_read_chains(struct mb_transport *t, const struct mb_evlog_header *h,
			 struct mb_evlog_chain **chains, size_t *n, struct mb_error *err)
{
	uint64_t cnt = h->written < h->chain_capacity ? h->written : h->chain_capacity;
	struct mb_evlog_chain *out;
	uint8_t *raw;
	uint64_t i;

	*chains = NULL;
	*n = 0;
	if (!(h->features & MB_EVLOG_FEAT_CHAINS) || !h->chain_addr || !cnt)
		return 0;
	if (h->chain_slot_size < MB_EVLOG_CHAIN_SIZE || h->chain_slot_size > 4096 ||
	    h->chain_capacity > h->capacity)
		return mb_error_set(err, MB_ERR_FORMAT, 0, h->chain_addr,
				    "event log chain area: %u slots of %u bytes for %u records",
				    h->chain_capacity, h->chain_slot_size, h->capacity);
	raw = malloc(cnt * h->chain_slot_size);
	out = calloc(cnt, sizeof(*out));
	if (!raw || !out) {
		free(raw);
		free(out);
		return mb_error_set(err, MB_ERR_NOMEM, ENOMEM, 0, "out of memory for %llu chains",
				    (unsigned long long)cnt);
	}
	if (mb_transport_read(t, h->chain_addr, raw, cnt * h->chain_slot_size, err)) {
		free(raw);
		free(out);
		return mb_error_prefix(err, "reading %llu caller chains", (unsigned long long)cnt);
	}
	for (i = 0; i < cnt; i++) {
		memcpy(&out[i], raw + i * h->chain_slot_size, sizeof(out[i]));
		if (out[i].nframes > MB_EVLOG_CHAIN_MAX) {
			mb_error_set(err, MB_ERR_FORMAT, 0, h->chain_addr,
				     "caller chain of record %llu claims %u frames (at most %d)",
				     (unsigned long long)i, out[i].nframes, MB_EVLOG_CHAIN_MAX);
			free(raw);
			free(out);
			return -1;
		}
	}
	free(raw);
	*chains = out;
	*n = (size_t)cnt;
	return 0;
}
