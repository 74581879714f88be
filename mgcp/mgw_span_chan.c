/* The channel of a ds/e1 endpoint.
 *
 * RTP -> timeslot: packets are split into 10 ms frames into the jitter
 * buffer; the span's clock takes one frame each 10 ms and decodes it to
 * A-law (a missing frame is concealed: bcg729's PLC for G.729, the last
 * SID again during G.729 DTX, silence for G.711).  RFC 4733 events start
 * an in-band tone that replaces the audio while it lasts.
 *
 * timeslot -> RTP: the octets are transcoded to the connection's codec
 * and packetisation and sent; the DTMF detector listens to them, and a
 * digit goes out as RFC 4733 events (when the remote SDP offered
 * telephone-event) and as NTFY when the call agent asked (RQNT).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_g711.h"
#include "mgcp/mgw_media.h"
#include "mgcp/mgw_span_chan.h"
#include "mgcp/mgw_xcode.h"
#include "src/tandem_log.h"

/* RFC 4733 2.5.1.3: an update every 50 ms while the digit lasts */
#define EVENT_UPDATE_SAMPLES 400
/* RFC 4733 2.5.1.4: the end packet goes three times */
#define EVENT_END_REPEAT 3
#define EVENT_VOLUME 10

static void chan_reset(struct mgw_chan *chan)
{
	mgw_jb_reset(&chan->jb);
	chan->play_pos = MGW_CHAN_FRAME;
	chan->gen.event = -1;
	chan->evtx.event = -1;
	mgw_dtmf_det_init(&chan->det);
}

int mgw_chan_update(struct mgw_conn *conn)
{
	struct mgw_chan *chan = conn->chan;

	if (conn->codec == MGCP_CODEC_NONE) {
		TALLOC_FREE(conn->chan);
		return 0;
	}
	if (chan && chan->codec == conn->codec && chan->ptime == conn->ptime && chan->vad == conn->vad)
		return 0;
	TALLOC_FREE(conn->chan);
	chan = talloc_zero(conn, struct mgw_chan);
	if (!chan)
		return -ENOMEM;
	chan->conn = conn;
	chan->codec = conn->codec;
	chan->ptime = conn->ptime;
	chan->vad = conn->vad;
	chan_reset(chan);
	chan->down = mgw_xcode_alloc(chan, conn->codec, MGCP_CODEC_PCMA, 10, false);
	chan->up = mgw_xcode_alloc(chan, MGCP_CODEC_PCMA, conn->codec, conn->ptime, conn->vad);
	if (!chan->down || !chan->up) {
		talloc_free(chan);
		return -ENOTSUP;
	}
	conn->chan = chan;
	return 0;
}

static void chan_event_in(struct mgw_chan *chan, const struct mgw_rtp_hdr *h, const uint8_t *payload)
{
	struct mgw_conn *conn = chan->conn;
	struct mgw_dtmf_payload ev;

	if (mgw_dtmf_payload_parse(payload, h->payload_len, &ev) < 0 || ev.event >= MGW_DTMF_EVENTS) {
		mgw_ctr_inc(conn->ep->mgw, MGW_CTR_RTP_DROP_PAYLOAD);
		conn->rx_dropped++;
		return;
	}
	if (mgw_dtmf_gen_event(&chan->gen, ev.event, h->ts, ev.duration, ev.end)) {
		chan->tones_generated++;
		mgw_ctr_inc(conn->ep->mgw, MGW_CTR_DTMF_RX_EVENT);
		LOGP(DMGW, LOGL_INFO, "%s/%s: RFC 4733 digit %c -> in-band\n", conn->ep->name, conn->id,
		     mgw_dtmf_char(ev.event));
	}
}

void mgw_chan_rtp_in(struct mgw_conn *conn, const struct mgw_rtp_hdr *h, const uint8_t *payload, uint32_t arrival)
{
	struct mgw_chan *chan = conn->chan;
	size_t flen, off = 0;
	unsigned int n;
	uint32_t ts = h->ts;

	if (!chan)
		return;
	if (conn->dtmf_pt >= 0 && h->pt == conn->dtmf_pt) {
		chan_event_in(chan, h, payload);
		return;
	}
	if (chan->codec == MGCP_CODEC_G729) {
		flen = MGW_G729_SPEECH_LEN;
		n = h->payload_len / flen + (h->payload_len % flen == MGW_G729_SID_LEN);
	} else {
		flen = MGW_CHAN_FRAME;
		if (h->payload_len % flen) {
			mgw_ctr_inc(conn->ep->mgw, MGW_CTR_RTP_DROP_PAYLOAD);
			conn->rx_dropped++;
			return;
		}
		n = h->payload_len / flen;
	}
	mgw_jb_arrival(&chan->jb, h->ts, arrival, n);
	while (off < h->payload_len) {
		size_t l = h->payload_len - off < flen ? h->payload_len - off : flen;
		int rc = mgw_jb_put(&chan->jb, ts, payload + off, l);

		if (rc == MGW_JB_PUT_LATE) {
			mgw_ctr_inc(conn->ep->mgw, MGW_CTR_JB_LATE);
			return;
		}
		off += l;
		ts += MGW_CHAN_FRAME;
	}
}

int mgw_chan_play_digits(struct mgw_chan *chan, const uint8_t *events, unsigned int n)
{
	if (n > MGW_CHAN_SIGNALS_MAX)
		return -ENOSPC;
	memcpy(chan->signals, events, n);
	chan->n_signals = n;
	chan->next_signal = 0;
	chan->signal_pause = 0;
	return 0;
}

/* Start the next signalled digit once the last one and its pause are over;
 * an RFC 4733 tone from the peer goes first. */
static void chan_next_signal(struct mgw_chan *chan)
{
	if (mgw_dtmf_gen_active(&chan->gen))
		return;
	if (chan->signal_pause) {
		chan->signal_pause -= chan->signal_pause > MGW_CHAN_FRAME ? MGW_CHAN_FRAME : chan->signal_pause;
		return;
	}
	if (chan->next_signal >= chan->n_signals)
		return;
	/* a timestamp of our own keeps it apart from the peer's events */
	mgw_dtmf_gen_event(&chan->gen, chan->signals[chan->next_signal++], ++chan->signal_id | 0x80000000u,
			   MGW_CHAN_SIGNAL_TONE, true);
	chan->signal_pause = MGW_CHAN_SIGNAL_PAUSE;
	chan->tones_generated++;
}

/* The next 10 ms for the timeslot into chan->play. */
static void chan_refill(struct mgw_chan *chan)
{
	uint8_t frame[MGW_JB_FRAME_MAX];
	struct mgw_xcode_pkt pkt;
	int16_t pcm[MGW_CHAN_FRAME];
	size_t len = 0;
	int rc = MGW_JB_IDLE;

	if (mgw_mode_receives(chan->conn->mode))
		rc = mgw_jb_get(&chan->jb, frame, &len);
	if (rc == MGW_JB_FRAME) {
		chan->last_sid = chan->codec == MGCP_CODEC_G729 && len == MGW_G729_SID_LEN;
		if (chan->last_sid)
			memcpy(chan->sid, frame, MGW_G729_SID_LEN);
		if (mgw_xcode_push(chan->down, frame, len) < 0)
			rc = MGW_JB_MISSING;
	}
	if (rc == MGW_JB_MISSING) {
		/* in DTX the last SID keeps the comfort noise going */
		if (chan->last_sid)
			mgw_xcode_push(chan->down, chan->sid, MGW_G729_SID_LEN);
		else
			mgw_xcode_conceal(chan->down, 1);
		chan->concealed++;
	}
	chan->play_pos = 0;
	if (rc == MGW_JB_IDLE || mgw_xcode_pull(chan->down, &pkt) != 1) {
		memset(chan->play, MGW_E1_IDLE, sizeof(chan->play));
		chan->idle_frames++;
	} else {
		memcpy(chan->play, pkt.data, MGW_CHAN_FRAME);
	}
	chan_next_signal(chan);
	if (mgw_dtmf_gen_active(&chan->gen)) {
		mgw_g711_decode_buf(true, chan->play, MGW_CHAN_FRAME, pcm);
		mgw_dtmf_gen_fill(&chan->gen, pcm, MGW_CHAN_FRAME);
		mgw_g711_encode_buf(true, pcm, MGW_CHAN_FRAME, chan->play);
	}
}

void mgw_chan_tdm_out(struct mgw_chan *chan, uint8_t *out, size_t n)
{
	while (n) {
		size_t k;

		if (chan->play_pos == MGW_CHAN_FRAME)
			chan_refill(chan);
		k = MGW_CHAN_FRAME - chan->play_pos;
		if (k > n)
			k = n;
		memcpy(out, chan->play + chan->play_pos, k);
		chan->play_pos += k;
		out += k;
		n -= k;
	}
}

static void chan_send_event(struct mgw_chan *chan, bool end)
{
	struct mgw_conn *conn = chan->conn;
	struct mgw_chan_event_tx *e = &chan->evtx;
	struct mgw_dtmf_payload p = {
		.event = e->event,
		.end = end,
		.volume = EVENT_VOLUME,
		.duration = e->duration > 0xffff ? 0xffff : e->duration,
	};
	uint8_t buf[MGW_DTMF_EVENT_LEN];

	if (conn->dtmf_pt < 0 || !conn->has_remote || !mgw_mode_sends(conn->mode))
		return;
	mgw_dtmf_payload_build(buf, &p);
	/* the first packet of an event carries the marker (RFC 4733 2.5.1.3) */
	mgw_media_out_pt(conn, conn->dtmf_pt, buf, sizeof(buf), e->ts - conn->ts_base, e->duration == 0);
	mgw_ctr_inc(conn->ep->mgw, MGW_CTR_DTMF_TX_EVENT);
}

static void chan_digit_cb(void *data, const struct mgw_dtmf_result *r)
{
	struct mgw_chan *chan = data;
	struct mgw_conn *conn = chan->conn;
	struct mgw_chan_event_tx *e = &chan->evtx;

	if (r->on >= 0) {
		chan->digits_detected++;
		mgw_ctr_inc(conn->ep->mgw, MGW_CTR_DTMF_DETECTED);
		LOGP(DMGW, LOGL_INFO, "%s/%s: in-band digit %c detected\n", conn->ep->name, conn->id,
		     mgw_dtmf_char(r->on));
		e->event = r->on;
		e->ts = conn->ts_base + (uint32_t)r->start;
		e->start_sample = r->start;
		e->duration = 0;
		e->ends_left = 0;
		e->next_update = EVENT_UPDATE_SAMPLES;
		chan_send_event(chan, false);
		mgw_endp_notify_digit(conn->ep, mgw_dtmf_char(r->on));
	}
	if (r->off >= 0 && e->event == r->off) {
		e->duration = r->duration;
		e->ends_left = EVENT_END_REPEAT;
		e->next_update = chan->tdm_samples;
	}
}

/* Updates while the digit lasts, then the end three times. */
static void chan_events_tick(struct mgw_chan *chan)
{
	struct mgw_chan_event_tx *e = &chan->evtx;

	if (e->event < 0)
		return;
	if (e->ends_left) {
		if (chan->tdm_samples < e->next_update)
			return;
		chan_send_event(chan, true);
		e->next_update += MGW_CHAN_FRAME;
		if (--e->ends_left == 0)
			e->event = -1;
		return;
	}
	e->duration = chan->tdm_samples - e->start_sample;
	if (e->duration >= e->next_update) {
		chan_send_event(chan, false);
		e->next_update += EVENT_UPDATE_SAMPLES;
	}
}

void mgw_chan_tdm_in(struct mgw_chan *chan, const uint8_t *in, size_t n)
{
	struct mgw_conn *conn = chan->conn;
	int16_t pcm[MGW_SATOP_PAYLOAD_MAX / MGW_E1_TIMESLOTS];
	uint8_t tone[ARRAY_SIZE(pcm)];
	struct mgw_xcode_pkt pkt;
	bool send = conn->has_remote && mgw_mode_sends(conn->mode);
	/* listen for digits only when someone wants them: events or NTFY */
	bool detect = conn->dtmf_pt >= 0 || conn->ep->dtmf_notify;

	while (n) {
		size_t k = n > ARRAY_SIZE(pcm) ? ARRAY_SIZE(pcm) : n;
		const uint8_t *src = in;

		chan->tdm_samples += k;
		if (detect) {
			mgw_g711_decode_buf(true, in, k, pcm);
			mgw_dtmf_det_feed(&chan->det, pcm, k, chan_digit_cb, chan);
		}
		chan_events_tick(chan);
		/* an H.248 Signals tone goes out instead of the timeslot's audio */
		if (mgw_tone_fill_alaw(conn->tone, tone, k))
			src = tone;
		/* encoded even when nothing is sent, so that audio and event
		 * timestamps stay on the timeslot's clock */
		if (mgw_xcode_push(chan->up, src, k) < 0)
			mgw_ctr_inc(conn->ep->mgw, MGW_CTR_XCODE_OVERFLOW);
		in += k;
		n -= k;
		while (mgw_xcode_pull(chan->up, &pkt) == 1) {
			if (send)
				mgw_media_out(conn, pkt.data, pkt.len, pkt.ts, pkt.marker);
		}
	}
}
