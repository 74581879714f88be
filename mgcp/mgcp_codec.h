/* Audio codecs Tandem knows by name: the one table of names, static RTP
 * payload types (RFC 3551), clock rates and frame sizes.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

/*! Codecs; the values index mgcp_codecs[]. */
enum mgcp_codec {
	MGCP_CODEC_NONE = 0,
	MGCP_CODEC_PCMU,
	MGCP_CODEC_PCMA,
	MGCP_CODEC_G729,
	MGCP_CODEC_GSM,
	MGCP_CODEC_G722,
	MGCP_CODEC_G723,
	MGCP_CODEC_CN,
	MGCP_CODEC_TELEPHONE_EVENT,
	_NUM_MGCP_CODEC
};

extern const struct value_string mgcp_codec_names[];

/*! What a codec is on the wire. */
struct mgcp_codec_desc {
	enum mgcp_codec codec;
	const char *name;	/*!< encoding name as in SDP and LCO "a:" */
	int static_pt;		/*!< RFC 3551 static payload type, -1 if dynamic */
	uint32_t rate;		/*!< RTP clock rate */
	uint8_t frame_ms;	/*!< duration of one frame, 0 if sample based */
	uint8_t frame_bytes;	/*!< octets per frame (or per ms when sample based) */
};

extern const struct mgcp_codec_desc mgcp_codecs[_NUM_MGCP_CODEC];

/*! Codec by encoding name (case-insensitive, "G.729"/"G729a" accepted as G729), or MGCP_CODEC_NONE. */
enum mgcp_codec mgcp_codec_by_name(const char *name);

/*! Codec by static payload type, or MGCP_CODEC_NONE. */
enum mgcp_codec mgcp_codec_by_pt(int pt);
