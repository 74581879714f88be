/* RTP and RTCP basics (RFC 3550).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>
#include <string.h>

#include "mgcp/mgw_rtp.h"

const struct value_string mgw_rtp_err_names[] = {
	{ MGW_RTP_OK, "ok" },
	{ MGW_RTP_ERR_SHORT, "short header" },
	{ MGW_RTP_ERR_VERSION, "wrong version" },
	{ MGW_RTP_ERR_CSRC, "CSRC count past the end" },
	{ MGW_RTP_ERR_EXT, "header extension past the end" },
	{ MGW_RTP_ERR_PADDING, "bad padding" },
	{ MGW_RTP_ERR_EMPTY, "no payload" },
	{ MGW_RTP_ERR_RTCP, "malformed RTCP" },
	{ 0, NULL }
};

/* RFC 3550 A.1 */
#define RTP_MAX_DROPOUT 3000
#define RTP_MAX_MISORDER 100
#define RTP_SEQ_MOD (1u << 16)

int mgw_rtp_parse(const uint8_t *buf, size_t len, struct mgw_rtp_hdr *h)
{
	size_t off, pad = 0;
	unsigned int cc;

	if (len < MGW_RTP_HDR_LEN)
		return -MGW_RTP_ERR_SHORT;
	if ((buf[0] >> 6) != 2)
		return -MGW_RTP_ERR_VERSION;
	cc = buf[0] & 0x0f;
	off = MGW_RTP_HDR_LEN + 4 * cc;
	if (off > len)
		return -MGW_RTP_ERR_CSRC;
	if (buf[0] & 0x10) {
		size_t ext;

		if (off + 4 > len)
			return -MGW_RTP_ERR_EXT;
		ext = 4 + 4 * (((size_t)buf[off + 2] << 8) | buf[off + 3]);
		if (off + ext > len)
			return -MGW_RTP_ERR_EXT;
		off += ext;
	}
	if (buf[0] & 0x20) {
		pad = buf[len - 1];
		if (pad == 0 || off + pad > len)
			return -MGW_RTP_ERR_PADDING;
	}
	if (off + pad == len)
		return -MGW_RTP_ERR_EMPTY;
	h->marker = buf[1] & 0x80;
	h->pt = buf[1] & 0x7f;
	h->seq = (buf[2] << 8) | buf[3];
	h->ts = ((uint32_t)buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7];
	h->ssrc = ((uint32_t)buf[8] << 24) | (buf[9] << 16) | (buf[10] << 8) | buf[11];
	h->payload_off = off;
	h->payload_len = len - off - pad;
	return 0;
}

void mgw_rtp_build(uint8_t *buf, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc)
{
	buf[0] = 0x80;
	buf[1] = (marker ? 0x80 : 0) | (pt & 0x7f);
	buf[2] = seq >> 8;
	buf[3] = seq;
	buf[4] = ts >> 24;
	buf[5] = ts >> 16;
	buf[6] = ts >> 8;
	buf[7] = ts;
	buf[8] = ssrc >> 24;
	buf[9] = ssrc >> 16;
	buf[10] = ssrc >> 8;
	buf[11] = ssrc;
}

int mgw_rtcp_check(const uint8_t *buf, size_t len)
{
	size_t off = 0;
	bool first = true;

	if (len < 4)
		return -MGW_RTP_ERR_SHORT;
	while (off < len) {
		size_t plen;

		if (len - off < 4)
			return -MGW_RTP_ERR_RTCP;
		if ((buf[off] >> 6) != 2)
			return -MGW_RTP_ERR_VERSION;
		/* RFC 3550 A.2: a compound packet starts with SR or RR, unpadded */
		if (first && ((buf[off + 1] != 200 && buf[off + 1] != 201) || (buf[off] & 0x20)))
			return -MGW_RTP_ERR_RTCP;
		if (buf[off + 1] < 192 || buf[off + 1] > 223)
			return -MGW_RTP_ERR_RTCP;
		plen = 4 * ((((size_t)buf[off + 2] << 8) | buf[off + 3]) + 1);
		if (plen > len - off)
			return -MGW_RTP_ERR_RTCP;
		off += plen;
		first = false;
	}
	return 0;
}

static void stats_init_seq(struct mgw_rtp_stats *s, uint16_t seq)
{
	s->base_seq = seq;
	s->max_seq = seq;
	s->bad_seq = RTP_SEQ_MOD + 1;
	s->cycles = 0;
	s->received = 0;
}

int mgw_rtp_stats_update(struct mgw_rtp_stats *s, uint32_t ssrc, uint16_t seq, uint32_t ts, uint32_t arrival)
{
	uint16_t udelta;
	int32_t transit, d;
	int gap = 0;

	if (!s->init || s->ssrc != ssrc) {
		if (s->init)
			s->ssrc_changes++;
		/* a new source starts its own statistics */
		memset(s, 0, offsetof(struct mgw_rtp_stats, ssrc_changes));
		s->init = true;
		s->ssrc = ssrc;
		stats_init_seq(s, seq);
		s->received = 1;
		s->transit = arrival - ts;
		return 0;
	}

	udelta = seq - s->max_seq;
	if (udelta == 0) {
		s->received++;
		return MGW_RTP_SEQ_LATE;
	} else if (udelta < RTP_MAX_DROPOUT) {
		if (seq < s->max_seq)
			s->cycles += RTP_SEQ_MOD;
		s->max_seq = seq;
		gap = udelta - 1;
	} else if (udelta <= RTP_SEQ_MOD - RTP_MAX_MISORDER) {
		if (seq == s->bad_seq) {
			/* two in a row after a jump: the source restarted */
			stats_init_seq(s, seq);
		} else {
			s->bad_seq = (seq + 1) & (RTP_SEQ_MOD - 1);
			return MGW_RTP_SEQ_JUMP;
		}
	} else {
		s->received++;
		return MGW_RTP_SEQ_LATE;
	}
	s->received++;

	transit = arrival - ts;
	d = transit - s->transit;
	s->transit = transit;
	if (d < 0)
		d = -d;
	s->jitter += d - ((s->jitter + 8) >> 4);
	return gap;
}

uint32_t mgw_rtp_stats_expected(const struct mgw_rtp_stats *s)
{
	if (!s->init)
		return 0;
	return s->cycles + s->max_seq - s->base_seq + 1;
}

int32_t mgw_rtp_stats_lost(const struct mgw_rtp_stats *s)
{
	return (int32_t)(mgw_rtp_stats_expected(s) - s->received);
}

uint32_t mgw_rtp_stats_jitter(const struct mgw_rtp_stats *s)
{
	return s->jitter >> 4;
}
