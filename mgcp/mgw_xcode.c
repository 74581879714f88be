/* One direction of a transcoded bridge, through 16-bit PCM at 8 kHz.
 *
 * G.729 payloads are whole 10-octet frames optionally followed by one
 * 2-octet Annex B SID frame (RFC 3551 4.5.6); a SID is decoded as comfort
 * noise.  On the encoding side, with VAD on, bcg729 returns a SID or
 * nothing for silent frames: a packet then ends early, and untransmitted
 * frames still advance the timestamp so the receiver can tell the gap.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <talloc.h>

#include <bcg729/decoder.h>
#include <bcg729/encoder.h>

#include "mgcp/mgw_g711.h"
#include "mgcp/mgw_xcode.h"

/* The PCM queue holds one output packet minus a sample plus one input payload. */
#define XCODE_FIFO (MGW_PTIME_MAX * 8 + MGW_PAYLOAD_MAX * 8)

const struct value_string mgw_xcode_err_names[] = {
	{ MGW_XCODE_OK, "ok" },
	{ MGW_XCODE_ERR_CODEC, "unsupported codec" },
	{ MGW_XCODE_ERR_PAYLOAD, "bad payload length" },
	{ MGW_XCODE_ERR_OVERFLOW, "input queue overflow" },
	{ MGW_XCODE_ERR_NOMEM, "out of memory" },
	{ 0, NULL }
};

struct mgw_xcode {
	enum mgcp_codec in, out;
	unsigned int ptime;
	bcg729DecoderChannelContextStruct *dec;
	bcg729EncoderChannelContextStruct *enc;
	int16_t fifo[XCODE_FIFO];
	size_t fifo_len;
	/* output timestamp of fifo[0] */
	uint32_t ts;
	/* the last output frame was not transmitted (DTX) */
	bool in_dtx;
	bool first;
	struct mgw_xcode_stats stats;
};

static bool xcode_codec_ok(enum mgcp_codec c)
{
	return c == MGCP_CODEC_PCMA || c == MGCP_CODEC_PCMU || c == MGCP_CODEC_G729;
}

bool mgw_xcode_supported(enum mgcp_codec in, enum mgcp_codec out)
{
	return xcode_codec_ok(in) && xcode_codec_ok(out);
}

static int xcode_destructor(struct mgw_xcode *x)
{
	if (x->dec)
		closeBcg729DecoderChannel(x->dec);
	if (x->enc)
		closeBcg729EncoderChannel(x->enc);
	return 0;
}

struct mgw_xcode *mgw_xcode_alloc(void *ctx, enum mgcp_codec in, enum mgcp_codec out, unsigned int ptime_ms,
				  bool vad)
{
	struct mgw_xcode *x;

	if (!mgw_xcode_supported(in, out) || ptime_ms < MGW_PTIME_MIN || ptime_ms > MGW_PTIME_MAX ||
	    ptime_ms % 10)
		return NULL;
	x = talloc_zero(ctx, struct mgw_xcode);
	if (!x)
		return NULL;
	talloc_set_destructor(x, xcode_destructor);
	x->in = in;
	x->out = out;
	x->ptime = ptime_ms;
	x->first = true;
	if (in == MGCP_CODEC_G729) {
		x->dec = initBcg729DecoderChannel();
		if (!x->dec)
			goto fail;
	}
	if (out == MGCP_CODEC_G729) {
		x->enc = initBcg729EncoderChannel(vad ? 1 : 0);
		if (!x->enc)
			goto fail;
	}
	return x;
fail:
	talloc_free(x);
	return NULL;
}

int mgw_xcode_push(struct mgw_xcode *x, const uint8_t *payload, size_t len)
{
	size_t samples, i, frames;
	bool sid;

	if (len == 0 || len > MGW_PAYLOAD_MAX) {
		x->stats.bad_payloads++;
		return -MGW_XCODE_ERR_PAYLOAD;
	}
	if (x->in == MGCP_CODEC_G729) {
		frames = len / MGW_G729_SPEECH_LEN;
		sid = len % MGW_G729_SPEECH_LEN == MGW_G729_SID_LEN;
		if (len % MGW_G729_SPEECH_LEN != 0 && !sid) {
			x->stats.bad_payloads++;
			return -MGW_XCODE_ERR_PAYLOAD;
		}
		samples = (frames + sid) * MGW_G729_FRAME;
	} else {
		samples = len;
	}
	if (x->fifo_len + samples > XCODE_FIFO) {
		x->stats.overflows++;
		return -MGW_XCODE_ERR_OVERFLOW;
	}
	if (x->in == MGCP_CODEC_G729) {
		for (i = 0; i < frames; i++) {
			bcg729Decoder(x->dec, payload + i * MGW_G729_SPEECH_LEN, MGW_G729_SPEECH_LEN, 0, 0, 0,
				      x->fifo + x->fifo_len);
			x->fifo_len += MGW_G729_FRAME;
		}
		if (sid) {
			bcg729Decoder(x->dec, payload + frames * MGW_G729_SPEECH_LEN, MGW_G729_SID_LEN, 0, 1, 0,
				      x->fifo + x->fifo_len);
			x->fifo_len += MGW_G729_FRAME;
			x->stats.sid_in++;
		}
		x->stats.frames_in += frames + sid;
	} else {
		mgw_g711_decode_buf(x->in == MGCP_CODEC_PCMA, payload, len, x->fifo + x->fifo_len);
		x->fifo_len += len;
		x->stats.frames_in += len / MGW_G729_FRAME;
	}
	return samples;
}

int mgw_xcode_conceal(struct mgw_xcode *x, unsigned int frames)
{
	static const uint8_t erased[MGW_G729_SPEECH_LEN];
	unsigned int i;

	if (frames > MGW_PLC_MAX_FRAMES)
		frames = MGW_PLC_MAX_FRAMES;
	if (x->fifo_len + frames * MGW_G729_FRAME > XCODE_FIFO) {
		x->stats.overflows++;
		return -MGW_XCODE_ERR_OVERFLOW;
	}
	for (i = 0; i < frames; i++) {
		if (x->dec)
			bcg729Decoder(x->dec, erased, MGW_G729_SPEECH_LEN, 1, 0, 0, x->fifo + x->fifo_len);
		else
			memset(x->fifo + x->fifo_len, 0, MGW_G729_FRAME * sizeof(int16_t));
		x->fifo_len += MGW_G729_FRAME;
	}
	x->stats.concealed += frames;
	return frames * MGW_G729_FRAME;
}

static void xcode_consume(struct mgw_xcode *x, size_t n)
{
	memmove(x->fifo, x->fifo + n, (x->fifo_len - n) * sizeof(int16_t));
	x->fifo_len -= n;
	x->ts += n;
}

int mgw_xcode_pull(struct mgw_xcode *x, struct mgw_xcode_pkt *pkt)
{
	size_t want = x->ptime * 8;
	uint8_t bits[MGW_G729_SPEECH_LEN];
	uint8_t blen;

	if (x->out != MGCP_CODEC_G729) {
		if (x->fifo_len < want)
			return 0;
		mgw_g711_encode_buf(x->out == MGCP_CODEC_PCMA, x->fifo, want, pkt->data);
		pkt->len = want;
		pkt->ts = x->ts;
		pkt->marker = x->first;
		x->first = false;
		x->stats.frames_out += want / MGW_G729_FRAME;
		xcode_consume(x, want);
		return 1;
	}

	/* G.729: encode frame by frame; a packet ends after ptime, after a
	 * SID, or before a frame VAD chose not to send. */
	while (x->fifo_len >= want) {
		size_t n = 0, plen = 0;
		uint32_t start_ts = x->ts;
		bool marker = x->first || x->in_dtx, dropped = false, sid = false;

		while (n < want) {
			bcg729Encoder(x->enc, x->fifo + n, bits, &blen);
			if (blen == 0) {
				x->stats.dtx_frames++;
				dropped = true;
				break;
			}
			if (blen > MGW_G729_SPEECH_LEN)
				blen = MGW_G729_SPEECH_LEN;
			memcpy(pkt->data + plen, bits, blen);
			plen += blen;
			x->stats.frames_out++;
			n += MGW_G729_FRAME;
			if (blen == MGW_G729_SID_LEN) {
				x->stats.sid_out++;
				sid = true;
				break;
			}
		}
		/* a frame VAD chose not to send was encoded all the same */
		xcode_consume(x, dropped ? n + MGW_G729_FRAME : n);
		if (plen == 0) {
			/* time passes, nothing is sent */
			x->in_dtx = true;
			continue;
		}
		pkt->len = plen;
		pkt->ts = start_ts;
		pkt->marker = marker;
		x->first = false;
		x->in_dtx = sid || dropped;
		return 1;
	}
	return 0;
}

const struct mgw_xcode_stats *mgw_xcode_stats(const struct mgw_xcode *x)
{
	return &x->stats;
}
