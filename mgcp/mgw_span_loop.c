/* The loop span driver: each packet goes straight to a peer span in the
 * same process.  Two gateways' worth of spans without sockets, for the unit
 * tests and the benchmark; it also keeps the driver interface honest.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>

#include "mgcp/mgw.h"

static int loop_open(struct mgw_span *span)
{
	return span->drv_priv ? 0 : -EINVAL;
}

static void loop_close(struct mgw_span *span)
{
}

static int loop_tx(struct mgw_span *span, const uint8_t *frames, unsigned int n_frames)
{
	struct mgw_span *peer = span->drv_priv;

	if (!peer)
		return -EINVAL;
	/* the sequence number is simply the count of packets sent so far */
	mgw_span_rx(peer, (uint16_t)span->stats.tx_packets, false, mgw_span_lops(span), frames, n_frames);
	return 0;
}

static const struct mgw_span_driver mgw_span_loop_driver = {
	.name = "loop",
	.open = loop_open,
	.close = loop_close,
	.tx = loop_tx,
};

void mgw_span_loop_pair(struct mgw_span *a, struct mgw_span *b)
{
	a->drv = b->drv = &mgw_span_loop_driver;
	a->drv_priv = b;
	b->drv_priv = a;
}
