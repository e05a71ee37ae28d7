// SPDX-License-Identifier: GPL-2.0-only
/* evlog.c - the memblock event log: a fixed buffer of records that never overflows. */

#include "mb_evlog.h"

static struct mb_evlog_header *evlog_hdr;
static struct mb_evlog_record *evlog_recs;
static struct mb_evlog_chain *evlog_chains;

/**
 * mb_evlog_init - start a new event log in a caller-provided buffer
 * @buf: the buffer (8-byte aligned); NULL disables logging
 * @bytes: its size; capacity is (bytes - header) / record size
 *
 * Writes a fresh header (boot state BOOTING, boot_tsc now) and forgets any
 * previous log.  A buffer smaller than the header disables logging.
 */
void mb_evlog_init(void *buf, size_t bytes)
{
	struct mb_evlog_header *h = buf;
	uint64_t cap;

	evlog_hdr = NULL;
	evlog_recs = NULL;
	evlog_chains = NULL;
	if (!buf || bytes < sizeof(*h))
		return;
	cap = (bytes - sizeof(*h)) / sizeof(struct mb_evlog_record);
	if (cap > 0xffffffffu)
		cap = 0xffffffffu;
	memset(h, 0, sizeof(*h));
	h->magic = MB_EVLOG_MAGIC;
	h->version = MB_EVLOG_VERSION;
	h->header_size = sizeof(*h);
	h->record_size = sizeof(struct mb_evlog_record);
	h->capacity = (uint32_t)cap;
	h->boot_state = MB_BOOT_STATE_BOOTING;
	h->boot_tsc = mb_shim_timestamp();
	evlog_recs = (struct mb_evlog_record *)((char *)buf + sizeof(*h));
	evlog_hdr = h;
}

/**
 * mb_evlog_header - the current log header
 *
 * Return: the header written by mb_evlog_init(), or NULL if none.
 */
struct mb_evlog_header *mb_evlog_header(void)
{
	return evlog_hdr;
}

/**
 * mb_evlog_set_state - record the boot state
 * @state: one of MB_BOOT_STATE_*
 */
void mb_evlog_set_state(uint32_t state)
{
	if (evlog_hdr)
		evlog_hdr->boot_state = state;
}

/**
 * mb_evlog_set_build_id - record the kernel's GNU build-id
 * @id: the build-id bytes
 * @len: their number (truncated to MB_EVLOG_BUILD_ID_MAX)
 */
void mb_evlog_set_build_id(const uint8_t *id, uint32_t len)
{
	if (!evlog_hdr || !id)
		return;
	if (len > MB_EVLOG_BUILD_ID_MAX)
		len = MB_EVLOG_BUILD_ID_MAX;
	memset(evlog_hdr->build_id, 0, sizeof(evlog_hdr->build_id));
	memcpy(evlog_hdr->build_id, id, len);
	evlog_hdr->build_id_len = len;
}

/**
 * mb_evlog_set_tsc_hz - record the TSC frequency
 * @hz: ticks per second (0 if unknown)
 */
void mb_evlog_set_tsc_hz(uint64_t hz)
{
	if (evlog_hdr)
		evlog_hdr->tsc_hz = hz;
}

/**
 * mb_evlog_set_memblock_addr - record where struct memblock lives
 * @phys: its physical address
 */
void mb_evlog_set_memblock_addr(uint64_t phys)
{
	if (evlog_hdr)
		evlog_hdr->memblock_addr = phys;
}

/**
 * mb_evlog_set_chain_area - give the log room for caller chains
 * @buf: @bytes of chain slots (8-byte aligned), one per record from seq 0
 * @bytes: their size; records past the slots it holds (or past the log's
 *   capacity) get no chain
 * @phys: physical address of @buf, published in the header for the host
 *
 * Call after mb_evlog_init().  From then on every appended record whose
 * slot exists also gets its caller chain (mb_shim_stack_chain()).
 */
void mb_evlog_set_chain_area(void *buf, size_t bytes, uint64_t phys)
{
	struct mb_evlog_header *h = evlog_hdr;
	uint64_t cap = bytes / sizeof(struct mb_evlog_chain);

	if (!h || !buf || !cap)
		return;
	/* No slot without a record slot to go with it. */
	if (cap > h->capacity)
		cap = h->capacity;
	evlog_chains = buf;
	h->chain_addr = phys;
	h->chain_slot_size = sizeof(struct mb_evlog_chain);
	h->chain_capacity = (uint32_t)cap;
	h->features |= MB_EVLOG_FEAT_CHAINS;
}

/**
 * mb_evlog_append - append one record
 * @rec: the record; seq, tsc and pad are filled in here
 *
 * When the log is full the record is not stored and header.dropped is
 * incremented: nothing is ever written past the buffer.  The record is
 * stored before header.written grows, so a reader never sees a partial one.
 */
void mb_evlog_append(struct mb_evlog_record *rec)
{
	struct mb_evlog_header *h = evlog_hdr;

	if (!h)
		return;
	if (h->written >= h->capacity) {
		h->dropped++;
		return;
	}
	rec->seq = h->written;
	rec->tsc = mb_shim_timestamp();
	rec->pad = 0;
	if (evlog_chains && h->written < h->chain_capacity) {
		struct mb_evlog_chain *c = &evlog_chains[h->written];

		c->flags = 0;
		c->nframes = (uint32_t)mb_shim_stack_chain(rec->caller, c->ret,
							  MB_EVLOG_CHAIN_MAX);
	}
	memcpy(&evlog_recs[h->written], rec, sizeof(*rec));
	__asm__ __volatile__("" ::: "memory");
	h->written++;
}
