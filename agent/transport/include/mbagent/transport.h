/* SPDX-License-Identifier: GPL-2.0-only */
/* transport.h - one read shape for every way of reaching a target's memory. */
#ifndef MBAGENT_TRANSPORT_H
#define MBAGENT_TRANSPORT_H

#include <stddef.h>
#include <stdint.h>
#include "mbagent/error.h"

struct mb_transport;

/**
 * struct mb_transport_ops - what a transport can do
 * @name: "gdb", "serial" or "ramfile"
 * @read: read @len bytes of guest-physical memory at @addr into @buf (0 or -1)
 * @stop: halt the guest (NULL if the transport cannot)
 * @cont: resume the guest (NULL if the transport cannot)
 * @close: release everything; @t itself is freed
 */
struct mb_transport_ops {
	const char *name;
	int (*read)(struct mb_transport *t, uint64_t addr, void *buf, size_t len,
		    struct mb_error *err);
	int (*stop)(struct mb_transport *t, struct mb_error *err);
	int (*cont)(struct mb_transport *t, struct mb_error *err);
	void (*close)(struct mb_transport *t);
};

/**
 * struct mb_transport - an open connection to a target
 * @ops: the implementation
 * @priv: implementation state
 * @deadline: monotonic time (ms, see mb_now_ms()) after which every read
 *   fails with MB_ERR_TIMEOUT, whatever the per-request timeouts say; 0 =
 *   none.  The agent sets it from --timeout so that a slow or hostile peer
 *   cannot stretch a capture beyond it.
 */
struct mb_transport {
	const struct mb_transport_ops *ops;
	void *priv;
	int64_t deadline;
};

static inline int mb_transport_read(struct mb_transport *t, uint64_t addr, void *buf,
				    size_t len, struct mb_error *err)
{
	return t->ops->read(t, addr, buf, len, err);
}

#endif /* MBAGENT_TRANSPORT_H */
