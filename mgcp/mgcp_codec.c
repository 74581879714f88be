/* The audio codecs Tandem knows: the one table of names, payload types,
 * clock rates and frame sizes (RFC 3551 section 6 for the static types).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

#include "mgcp/mgcp_codec.h"

const struct mgcp_codec_desc mgcp_codecs[_NUM_MGCP_CODEC] = {
	[MGCP_CODEC_NONE] = { MGCP_CODEC_NONE, "none", -1, 0, 0, 0 },
	/* G.711 is sample based: frame_bytes is octets per millisecond. */
	[MGCP_CODEC_PCMU] = { MGCP_CODEC_PCMU, "PCMU", 0, 8000, 0, 8 },
	[MGCP_CODEC_PCMA] = { MGCP_CODEC_PCMA, "PCMA", 8, 8000, 0, 8 },
	[MGCP_CODEC_G729] = { MGCP_CODEC_G729, "G729", 18, 8000, 10, 10 },
	[MGCP_CODEC_GSM] = { MGCP_CODEC_GSM, "GSM", 3, 8000, 20, 33 },
	/* G.722's RTP clock is 8000 although it samples at 16 kHz (RFC 3551 4.5.2). */
	[MGCP_CODEC_G722] = { MGCP_CODEC_G722, "G722", 9, 8000, 0, 8 },
	[MGCP_CODEC_G723] = { MGCP_CODEC_G723, "G723", 4, 8000, 30, 24 },
	[MGCP_CODEC_CN] = { MGCP_CODEC_CN, "CN", 13, 8000, 0, 0 },
	[MGCP_CODEC_TELEPHONE_EVENT] = { MGCP_CODEC_TELEPHONE_EVENT, "telephone-event", -1, 8000, 0, 0 },
};

const struct value_string mgcp_codec_names[] = {
	{ MGCP_CODEC_NONE, "none" },
	{ MGCP_CODEC_PCMU, "PCMU" },
	{ MGCP_CODEC_PCMA, "PCMA" },
	{ MGCP_CODEC_G729, "G729" },
	{ MGCP_CODEC_GSM, "GSM" },
	{ MGCP_CODEC_G722, "G722" },
	{ MGCP_CODEC_G723, "G723" },
	{ MGCP_CODEC_CN, "CN" },
	{ MGCP_CODEC_TELEPHONE_EVENT, "telephone-event" },
	{ 0, NULL }
};

enum mgcp_codec mgcp_codec_by_name(const char *name)
{
	int i;

	if (!name)
		return MGCP_CODEC_NONE;
	/* Call agents spell G.729 several ways; Annex A is decoded by the
	 * same decoder, so they all mean the one codec here. */
	if (!strcasecmp(name, "G.729") || !strcasecmp(name, "G729a") || !strcasecmp(name, "G.729a") ||
	    !strcasecmp(name, "G729ab"))
		return MGCP_CODEC_G729;
	for (i = 1; i < _NUM_MGCP_CODEC; i++) {
		if (!strcasecmp(name, mgcp_codecs[i].name))
			return mgcp_codecs[i].codec;
	}
	return MGCP_CODEC_NONE;
}

enum mgcp_codec mgcp_codec_by_pt(int pt)
{
	int i;

	for (i = 1; i < _NUM_MGCP_CODEC; i++) {
		if (mgcp_codecs[i].static_pt >= 0 && mgcp_codecs[i].static_pt == pt)
			return mgcp_codecs[i].codec;
	}
	return MGCP_CODEC_NONE;
}
