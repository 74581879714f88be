/* The channel of a ds/e1-S/T endpoint: its connection's RTP on one side,
 * the 64 kbit/s A-law byte stream of timeslot T on the other.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgcp/mgcp_codec.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_jb.h"
#include "mgcp/mgw_rtp.h"

struct mgw_conn;
struct mgw_xcode;

/*! Samples of one playout frame (10 ms). */
#define MGW_CHAN_FRAME 80
/*! Digits an RQNT may ask to play (S: D/x signals), queued. */
#define MGW_CHAN_SIGNALS_MAX 16
/*! Each signalled digit: tone and pause after it, in samples (100 ms each). */
#define MGW_CHAN_SIGNAL_TONE 800
#define MGW_CHAN_SIGNAL_PAUSE 800

/*! RFC 4733 events we send for a digit detected in band. */
struct mgw_chan_event_tx {
	int event;		/*!< -1 when none is being sent */
	uint32_t ts;		/*!< RTP timestamp of its start */
	uint32_t duration;	/*!< samples so far */
	unsigned int ends_left;	/*!< end packets still to send (3, RFC 4733 2.5.1.4) */
	uint64_t start_sample;
	uint32_t next_update;	/*!< duration at which the next update goes */
};

/*! A ds/e1 endpoint's channel; a talloc child of its connection. */
struct mgw_chan {
	struct mgw_conn *conn;
	enum mgcp_codec codec;
	unsigned int ptime;
	bool vad;

	/* RTP -> timeslot */
	struct mgw_jb jb;
	struct mgw_xcode *down;		/*!< connection codec -> PCMA, 10 ms */
	uint8_t play[MGW_CHAN_FRAME];
	unsigned int play_pos;
	bool last_sid;
	uint8_t sid[2];
	struct mgw_dtmf_gen gen;
	/* digits to play from RQNT S: (events), one after the other */
	uint8_t signals[MGW_CHAN_SIGNALS_MAX];
	unsigned int n_signals, next_signal;
	unsigned int signal_pause;	/*!< samples of pause still to keep */
	uint32_t signal_id;

	/* timeslot -> RTP */
	struct mgw_xcode *up;		/*!< PCMA -> connection codec, ptime */
	uint64_t tdm_samples;		/*!< octets received from the timeslot */
	struct mgw_dtmf_det det;
	struct mgw_chan_event_tx evtx;

	uint64_t idle_frames;		/*!< 10 ms frames played as idle code */
	uint64_t concealed;		/*!< 10 ms frames concealed */
	uint64_t tones_generated;
	uint64_t digits_detected;
};

/*! Queue the DTMF digits @events[@n] (event codes) to be played in band,
 *  replacing what was queued; returns 0 or -ENOSPC when too many. */
int mgw_chan_play_digits(struct mgw_chan *chan, const uint8_t *events, unsigned int n);

/*! (Re)build @conn's channel after its codec, ptime or mode changed; frees
 *  it when the connection has no codec.  Returns 0 or -ENOMEM/-ENOTSUP. */
int mgw_chan_update(struct mgw_conn *conn);
/*! An RTP packet of @conn, checked and accounted, for the timeslot. */
void mgw_chan_rtp_in(struct mgw_conn *conn, const struct mgw_rtp_hdr *h, const uint8_t *payload,
		     uint32_t arrival);
/*! Fill @n octets of the timeslot from the channel (span clock). */
void mgw_chan_tdm_out(struct mgw_chan *chan, uint8_t *out, size_t n);
/*! @n octets received on the timeslot (span receive). */
void mgw_chan_tdm_in(struct mgw_chan *chan, const uint8_t *in, size_t n);
