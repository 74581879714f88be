/* One direction of a transcoded bridge: payloads of one codec in, payloads
 * of another (or of the same codec with another packetisation) out, through
 * 16-bit linear PCM at 8 kHz.  G.729 Annex A/B with bcg729, G.711 A/mu-law.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mgcp/mgcp_codec.h"

/*! Samples in one G.729 frame (10 ms). */
#define MGW_G729_FRAME 80
/*! Octets of a G.729 speech frame and of an Annex B SID frame. */
#define MGW_G729_SPEECH_LEN 10
#define MGW_G729_SID_LEN 2
/*! Packetisation periods a connection may use, in ms. */
#define MGW_PTIME_MIN 10
#define MGW_PTIME_MAX 40
/*! Longest payload accepted in or produced: 50 ms of G.711. */
#define MGW_PAYLOAD_MAX 400
/*! Most erased frames concealed for one gap; longer gaps are not filled. */
#define MGW_PLC_MAX_FRAMES 8

/*! Transcoder error codes, returned negated. */
enum mgw_xcode_err {
	MGW_XCODE_OK = 0,
	MGW_XCODE_ERR_CODEC,	/*!< codec pair not supported */
	MGW_XCODE_ERR_PAYLOAD,	/*!< payload length impossible for the codec */
	MGW_XCODE_ERR_OVERFLOW,	/*!< more input queued than one packet can carry */
	MGW_XCODE_ERR_NOMEM,
};

extern const struct value_string mgw_xcode_err_names[];

/*! A packet the transcoder produced. */
struct mgw_xcode_pkt {
	uint8_t data[MGW_PAYLOAD_MAX];
	size_t len;
	/*! RTP timestamp offset of its first sample, counted from the first
	 *  sample ever output (untransmitted DTX frames advance it too) */
	uint32_t ts;
	/*! first packet after silence (RTP marker bit) */
	bool marker;
};

struct mgw_xcode;

/*! Whether the transcoder can take @in to @out. */
bool mgw_xcode_supported(enum mgcp_codec in, enum mgcp_codec out);

/*! Create a transcoder from @in to @out packets of @ptime_ms (10..40);
 *  @vad turns on G.729 Annex B VAD/DTX in the encoder.  Freed with talloc_free. */
struct mgw_xcode *mgw_xcode_alloc(void *ctx, enum mgcp_codec in, enum mgcp_codec out, unsigned int ptime_ms,
				  bool vad);

/*! Decode one received payload; returns samples queued or a negative
 *  enum mgw_xcode_err (nothing is queued then). */
int mgw_xcode_push(struct mgw_xcode *x, const uint8_t *payload, size_t len);

/*! Conceal @frames lost 10 ms frames (bcg729's PLC for G.729, silence
 *  otherwise); returns samples queued. */
int mgw_xcode_conceal(struct mgw_xcode *x, unsigned int frames);

/*! Take the next complete output packet; returns 1 with @pkt filled, 0 when
 *  more input is needed. */
int mgw_xcode_pull(struct mgw_xcode *x, struct mgw_xcode_pkt *pkt);

/*! Encoder frames that VAD decided not to send, and SID frames sent/received. */
struct mgw_xcode_stats {
	uint64_t frames_in;
	uint64_t frames_out;
	uint64_t sid_in;
	uint64_t sid_out;
	uint64_t dtx_frames;
	uint64_t concealed;
	uint64_t bad_payloads;
	uint64_t overflows;
};

/*! Counters of @x. */
const struct mgw_xcode_stats *mgw_xcode_stats(const struct mgw_xcode *x);
