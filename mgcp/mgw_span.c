/* tandem-mgw TDM spans: the driver-independent part.
 *
 * Transmit: a timer runs at the packet period (payload-bytes / 32 frames
 * of 125 us) and sends every packet due since the span opened, so a late
 * loop catches up instead of drifting; after more than a second behind it
 * skips ahead and counts the skipped packets.  Each E1 frame carries
 * FAS (0x9b) and NFAS (0xdf) alternately in timeslot 0, each timeslot's
 * octet from its endpoint's channel, or the idle code.
 *
 * Receive: the driver hands over the sequence number and the frames; a
 * gap is loss (the missing frames are played as idle code, so the
 * channels keep their timing), a packet behind the expected one is a
 * duplicate or out of order and dropped, a jump of MGW_SPAN_MAX_GAP or
 * more restarts the sequence.  Timeslot 0 of received frames is ignored:
 * a packet always starts on a frame boundary between tandem-mgw peers.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_span_chan.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/* timeslot 0: frame alignment signal and its alternate (G.704 2.3.2),
 * with the Si and spare bits set to 1 */
#define E1_FAS 0x9b
#define E1_NFAS 0xdf
/* after this much delay the clock skips ahead rather than bursting */
#define SPAN_MAX_CATCHUP_US 1000000

const struct value_string mgw_span_err_names[] = {
	{ MGW_SPAN_OK, "ok" },
	{ MGW_SPAN_ERR_SHORT, "short packet" },
	{ MGW_SPAN_ERR_CW, "bad control word" },
	{ MGW_SPAN_ERR_RTP, "bad RTP header" },
	{ MGW_SPAN_ERR_SEQ, "RTP and control word sequence differ" },
	{ MGW_SPAN_ERR_LENGTH, "wrong payload length" },
	{ MGW_SPAN_ERR_SOURCE, "not from the peer" },
	{ 0, NULL }
};

const struct value_string mgw_span_state_names[] = {
	{ MGW_SPAN_ST_DOWN, "DOWN" },
	{ MGW_SPAN_ST_WAIT, "WAIT" },
	{ MGW_SPAN_ST_UP, "UP" },
	{ MGW_SPAN_ST_LOPS, "LOPS" },
	{ 0, NULL }
};

enum span_event {
	SPAN_EV_OPEN,
	SPAN_EV_RX,
	SPAN_EV_SILENT,
	SPAN_EV_CLOSE,
};

static const struct value_string span_event_names[] = {
	{ SPAN_EV_OPEN, "OPEN" },
	{ SPAN_EV_RX, "RX" },
	{ SPAN_EV_SILENT, "SILENT" },
	{ SPAN_EV_CLOSE, "CLOSE" },
	{ 0, NULL }
};

static void span_fsm_any(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct mgw_span *span = fi->priv;

	switch (event) {
	case SPAN_EV_OPEN:
		osmo_fsm_inst_state_chg(fi, MGW_SPAN_ST_WAIT, 0, 0);
		break;
	case SPAN_EV_RX:
		if (fi->state != MGW_SPAN_ST_UP) {
			LOGP(DMGW, LOGL_NOTICE, "span %u: packets arrive\n", span->nr);
			osmo_fsm_inst_state_chg(fi, MGW_SPAN_ST_UP, 0, 0);
		}
		break;
	case SPAN_EV_SILENT:
		LOGP(DMGW, LOGL_NOTICE, "span %u: loss of packets\n", span->nr);
		osmo_fsm_inst_state_chg(fi, MGW_SPAN_ST_LOPS, 0, 0);
		break;
	case SPAN_EV_CLOSE:
		osmo_fsm_inst_state_chg(fi, MGW_SPAN_ST_DOWN, 0, 0);
		break;
	}
}

static const struct osmo_fsm_state span_states[] = {
	[MGW_SPAN_ST_DOWN] = {
		.name = "DOWN",
		.in_event_mask = S(SPAN_EV_OPEN) | S(SPAN_EV_CLOSE),
		.out_state_mask = S(MGW_SPAN_ST_WAIT) | S(MGW_SPAN_ST_DOWN),
		.action = span_fsm_any,
	},
	[MGW_SPAN_ST_WAIT] = {
		.name = "WAIT",
		.in_event_mask = S(SPAN_EV_RX) | S(SPAN_EV_CLOSE),
		.out_state_mask = S(MGW_SPAN_ST_UP) | S(MGW_SPAN_ST_DOWN),
		.action = span_fsm_any,
	},
	[MGW_SPAN_ST_UP] = {
		.name = "UP",
		.in_event_mask = S(SPAN_EV_RX) | S(SPAN_EV_SILENT) | S(SPAN_EV_CLOSE),
		.out_state_mask = S(MGW_SPAN_ST_LOPS) | S(MGW_SPAN_ST_DOWN),
		.action = span_fsm_any,
	},
	[MGW_SPAN_ST_LOPS] = {
		.name = "LOPS",
		.in_event_mask = S(SPAN_EV_RX) | S(SPAN_EV_CLOSE),
		.out_state_mask = S(MGW_SPAN_ST_UP) | S(MGW_SPAN_ST_DOWN),
		.action = span_fsm_any,
	},
};

static struct osmo_fsm span_fsm = {
	.name = "mgw_span",
	.states = span_states,
	.num_states = ARRAY_SIZE(span_states),
	.event_names = span_event_names,
	.log_subsys = DMGW,
};

struct mgw_span *mgw_span_find(struct mgw *mgw, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < MGW_SPANS_MAX; i++) {
		if (mgw->spans[i] && mgw->spans[i]->nr == nr)
			return mgw->spans[i];
	}
	return NULL;
}

static int span_destructor(struct mgw_span *span)
{
	if (span->drv)
		span->drv->close(span);
	osmo_timer_del(&span->clock);
	/* the FSM keeps a list of its instances: leave it properly */
	if (span->fi)
		osmo_fsm_inst_free(span->fi);
	return 0;
}

struct mgw_span *mgw_span_get(struct mgw *mgw, unsigned int nr)
{
	struct mgw_span *span = mgw_span_find(mgw, nr);
	unsigned int i;

	if (span)
		return span;
	for (i = 0; i < MGW_SPANS_MAX && mgw->spans[i]; i++)
		;
	if (i == MGW_SPANS_MAX)
		return NULL;
	if (!osmo_fsm_find_by_name(span_fsm.name) && osmo_fsm_register(&span_fsm) < 0)
		return NULL;
	span = talloc_zero(mgw, struct mgw_span);
	if (!span)
		return NULL;
	span->mgw = mgw;
	span->nr = nr;
	span->payload_bytes = MGW_SATOP_PAYLOAD_DEFAULT;
	span->rtp_header = true;
	span->drv = &mgw_span_satop_driver;
	span->fi = osmo_fsm_inst_alloc(&span_fsm, span, span, LOGL_INFO, NULL);
	if (!span->fi) {
		talloc_free(span);
		return NULL;
	}
	osmo_fsm_inst_update_id_f(span->fi, "span%u", nr);
	talloc_set_destructor(span, span_destructor);
	mgw->spans[i] = span;
	return span;
}

void mgw_span_del(struct mgw *mgw, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < MGW_SPANS_MAX; i++) {
		if (mgw->spans[i] && mgw->spans[i]->nr == nr) {
			talloc_free(mgw->spans[i]);
			/* keep the array packed, in configuration order */
			memmove(&mgw->spans[i], &mgw->spans[i + 1], (MGW_SPANS_MAX - i - 1) * sizeof(mgw->spans[0]));
			mgw->spans[MGW_SPANS_MAX - 1] = NULL;
			return;
		}
	}
}

bool mgw_span_configured(const struct mgw_span *span)
{
	return span->local_ip && span->remote_ip && span->local_port && span->remote_port;
}

bool mgw_span_lops(const struct mgw_span *span)
{
	return span->fi->state == MGW_SPAN_ST_LOPS;
}

const char *mgw_span_state_name(const struct mgw_span *span)
{
	return osmo_fsm_inst_state_name(span->fi);
}

static unsigned int span_frames(const struct mgw_span *span)
{
	return span->payload_bytes / MGW_E1_TIMESLOTS;
}

static uint64_t span_period_us(const struct mgw_span *span)
{
	return (uint64_t)span_frames(span) * MGW_E1_FRAME_US;
}

static int64_t ts_diff_us(const struct timespec *a, const struct timespec *b)
{
	return (int64_t)(a->tv_sec - b->tv_sec) * 1000000 + (a->tv_nsec - b->tv_nsec) / 1000;
}

static struct mgw_chan *span_chan(struct mgw_span *span, unsigned int ts)
{
	struct mgw_endpoint *ep = span->eps[ts];

	return ep && ep->conns[0] ? ep->conns[0]->chan : NULL;
}

void mgw_span_build_frames(struct mgw_span *span, uint8_t *frames, unsigned int n_frames)
{
	uint8_t col[MGW_SATOP_PAYLOAD_MAX / MGW_E1_TIMESLOTS];
	unsigned int f, ts;

	for (f = 0; f < n_frames; f++)
		frames[f * MGW_E1_TIMESLOTS] = (span->tx_frame + f) & 1 ? E1_NFAS : E1_FAS;
	span->tx_frame += n_frames;
	for (ts = 1; ts < MGW_E1_TIMESLOTS; ts++) {
		struct mgw_chan *chan = span_chan(span, ts);

		if (chan)
			mgw_chan_tdm_out(chan, col, n_frames);
		else
			memset(col, MGW_E1_IDLE, n_frames);
		/* a tone an H.248 Signals descriptor plays replaces the media */
		if (span->eps[ts])
			mgw_tone_fill_alaw(span->eps[ts]->tone, col, n_frames);
		for (f = 0; f < n_frames; f++)
			frames[f * MGW_E1_TIMESLOTS + ts] = col[f];
	}
}

static void span_tx_one(struct mgw_span *span)
{
	uint8_t frames[MGW_SATOP_PAYLOAD_MAX];
	unsigned int n = span_frames(span);

	mgw_span_build_frames(span, frames, n);
	if (span->drv->tx(span, frames, n) < 0) {
		span->stats.tx_fail++;
		mgw_ctr_inc(span->mgw, MGW_CTR_SPAN_TX_FAIL);
		return;
	}
	span->stats.tx_packets++;
	mgw_ctr_inc(span->mgw, MGW_CTR_SPAN_TX);
}

void mgw_span_clock(struct mgw_span *span, const struct timespec *now)
{
	uint64_t period = span_period_us(span);
	int64_t el = ts_diff_us(now, &span->t0);
	uint64_t due = el > 0 ? (uint64_t)el / period + 1 : 1;

	if (due > span->tx_due + SPAN_MAX_CATCHUP_US / period) {
		span->stats.tx_late += due - span->tx_due;
		span->tx_due = due;
		span_tx_one(span);
		return;
	}
	while (span->tx_due < due) {
		span->tx_due++;
		span_tx_one(span);
	}
	/* counted on our own clock, so that a benchmark's fake time works too */
	if (span->fi->state == MGW_SPAN_ST_UP && span->tx_due - span->rx_due > MGW_SPAN_LOPS_PERIODS)
		osmo_fsm_inst_dispatch(span->fi, SPAN_EV_SILENT, NULL);
}

static void span_clock_cb(void *data)
{
	struct mgw_span *span = data;
	uint64_t period = span_period_us(span);
	struct timespec now;
	int64_t next;

	clock_gettime(CLOCK_MONOTONIC, &now);
	mgw_span_clock(span, &now);
	/* wake up at the next packet's time */
	next = (int64_t)(span->tx_due * period) - ts_diff_us(&now, &span->t0);
	if (next < 0)
		next = 0;
	osmo_timer_schedule(&span->clock, next / 1000000, next % 1000000);
}

/* @n_frames of idle code for every channel: lost or omitted packets. */
static void span_rx_idle(struct mgw_span *span, unsigned int n_frames)
{
	uint8_t idle[MGW_SATOP_PAYLOAD_MAX / MGW_E1_TIMESLOTS];
	unsigned int ts;

	memset(idle, MGW_E1_IDLE, sizeof(idle));
	for (ts = 1; ts < MGW_E1_TIMESLOTS; ts++) {
		struct mgw_chan *chan = span_chan(span, ts);
		unsigned int left = n_frames;

		while (chan && left) {
			unsigned int k = left > sizeof(idle) ? sizeof(idle) : left;

			mgw_chan_tdm_in(chan, idle, k);
			left -= k;
		}
	}
}

static void span_rx_frames(struct mgw_span *span, const uint8_t *frames, unsigned int n_frames)
{
	uint8_t col[MGW_SATOP_PAYLOAD_MAX / MGW_E1_TIMESLOTS];
	unsigned int f, ts;

	for (ts = 1; ts < MGW_E1_TIMESLOTS; ts++) {
		struct mgw_chan *chan = span_chan(span, ts);

		if (!chan)
			continue;
		for (f = 0; f < n_frames; f++)
			col[f] = frames[f * MGW_E1_TIMESLOTS + ts];
		mgw_chan_tdm_in(chan, col, n_frames);
	}
}

void mgw_span_rx(struct mgw_span *span, uint16_t seq, bool l_bit, bool r_bit, const uint8_t *frames,
		 unsigned int n_frames)
{
	int16_t d;

	span->rx_due = span->tx_due;
	span->stats.rx_packets++;
	mgw_ctr_inc(span->mgw, MGW_CTR_SPAN_RX);
	span->stats.rx_l_bit += l_bit;
	span->stats.rx_r_bit += r_bit;
	d = (int16_t)(seq - span->rx_seq_next);
	if (!span->rx_seq_init) {
		span->rx_seq_init = true;
	} else if (d < 0) {
		span->stats.rx_ooo++;
		mgw_ctr_inc(span->mgw, MGW_CTR_SPAN_OOO);
		return;
	} else if (d >= MGW_SPAN_MAX_GAP) {
		span->stats.rx_resync++;
	} else if (d > 0) {
		span->stats.rx_lost += d;
		rate_ctr_add(rate_ctr_group_get_ctr(span->mgw->ctrs, MGW_CTR_SPAN_LOST), d);
		span_rx_idle(span, d * n_frames);
	}
	span->rx_seq_next = seq + 1;
	osmo_fsm_inst_dispatch(span->fi, SPAN_EV_RX, NULL);
	if (frames)
		span_rx_frames(span, frames, n_frames);
	else
		span_rx_idle(span, n_frames);
}

void mgw_span_rx_bad(struct mgw_span *span, enum mgw_span_err err)
{
	span->stats.rx_malformed++;
	mgw_ctr_inc(span->mgw, MGW_CTR_SPAN_MALFORMED);
	LOGP(DMGW, LOGL_DEBUG, "span %u: packet dropped: %s\n", span->nr, get_value_string(mgw_span_err_names, err));
}

static int span_start(struct mgw_span *span)
{
	int rc;

	rc = span->drv->open(span);
	if (rc < 0)
		return rc;
	osmo_fsm_inst_dispatch(span->fi, SPAN_EV_OPEN, NULL);
	clock_gettime(CLOCK_MONOTONIC, &span->t0);
	span->tx_due = 0;
	span->rx_due = 0;
	osmo_timer_setup(&span->clock, span_clock_cb, span);
	osmo_timer_schedule(&span->clock, 0, 0);
	LOGP(DMGW, LOGL_NOTICE, "span %u: %s, %u octets (%u frames) per packet, RTP header %s\n", span->nr,
	     span->drv->name, span->payload_bytes, span_frames(span), span->rtp_header ? "on" : "off");
	return 0;
}

int mgw_spans_start(struct mgw *mgw)
{
	unsigned int i;
	int rc;

	for (i = 0; i < MGW_SPANS_MAX && mgw->spans[i]; i++) {
		rc = span_start(mgw->spans[i]);
		if (rc < 0)
			return rc;
	}
	return 0;
}

void mgw_spans_stop(struct mgw *mgw)
{
	unsigned int i;

	for (i = 0; i < MGW_SPANS_MAX && mgw->spans[i]; i++) {
		struct mgw_span *span = mgw->spans[i];

		osmo_timer_del(&span->clock);
		span->drv->close(span);
		osmo_fsm_inst_dispatch(span->fi, SPAN_EV_CLOSE, NULL);
	}
}
