/* G.711 A-law and mu-law, written for Tandem from the segment/mantissa
 * description in ITU-T G.711 (the well-known compact formulation: find the
 * segment by comparing with its end point, keep four mantissa bits, invert
 * the even bits for A-law and all bits for mu-law).  Decoding goes through
 * two 256-entry tables built on first use.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdbool.h>

#include "mgcp/mgw_g711.h"

/* Segment end points of the 13-bit (A-law) and 14-bit biased (mu-law) magnitudes. */
static const int16_t alaw_seg_end[8] = { 0x1F, 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF };
static const int16_t ulaw_seg_end[8] = { 0x3F, 0x7F, 0xFF, 0x1FF, 0x3FF, 0x7FF, 0xFFF, 0x1FFF };

#define ULAW_BIAS 0x84	/* added before the segment search, in 16-bit units */
#define ULAW_CLIP 8159	/* largest 14-bit magnitude mu-law represents */

static int g711_segment(int v, const int16_t *end)
{
	int i;

	for (i = 0; i < 8; i++) {
		if (v <= end[i])
			return i;
	}
	return 8;
}

uint8_t mgw_alaw_encode(int16_t s)
{
	int pcm = s >> 3, mask, seg, aval;

	if (pcm >= 0) {
		mask = 0xD5;	/* sign bit set for positive, then even bits inverted */
	} else {
		mask = 0x55;
		pcm = -pcm - 1;
	}
	seg = g711_segment(pcm, alaw_seg_end);
	if (seg >= 8)
		return 0x7F ^ mask;
	aval = seg << 4;
	aval |= seg < 2 ? (pcm >> 1) & 0x0F : (pcm >> seg) & 0x0F;
	return aval ^ mask;
}

static int16_t alaw_decode_calc(uint8_t a)
{
	int t, seg;

	a ^= 0x55;
	t = (a & 0x0F) << 4;
	seg = (a & 0x70) >> 4;
	if (seg == 0) {
		t += 8;
	} else {
		t += 0x108;
		t <<= seg - 1;
	}
	return (a & 0x80) ? t : -t;
}

uint8_t mgw_ulaw_encode(int16_t s)
{
	int pcm = s >> 2, mask, seg;

	if (pcm < 0) {
		pcm = -pcm;
		mask = 0x7F;
	} else {
		mask = 0xFF;
	}
	if (pcm > ULAW_CLIP)
		pcm = ULAW_CLIP;
	pcm += ULAW_BIAS >> 2;
	seg = g711_segment(pcm, ulaw_seg_end);
	if (seg >= 8)
		return 0x7F ^ mask;
	return ((seg << 4) | ((pcm >> (seg + 1)) & 0x0F)) ^ mask;
}

static int16_t ulaw_decode_calc(uint8_t u)
{
	int t;

	u = ~u;
	t = ((u & 0x0F) << 3) + ULAW_BIAS;
	t <<= (u & 0x70) >> 4;
	return (u & 0x80) ? ULAW_BIAS - t : t - ULAW_BIAS;
}

static int16_t alaw_table[256], ulaw_table[256];
static bool tables_ready;

static void g711_tables(void)
{
	int i;

	/* Idempotent, so a race between two first users only repeats work. */
	for (i = 0; i < 256; i++) {
		alaw_table[i] = alaw_decode_calc(i);
		ulaw_table[i] = ulaw_decode_calc(i);
	}
	__atomic_store_n(&tables_ready, true, __ATOMIC_RELEASE);
}

int16_t mgw_alaw_decode(uint8_t a)
{
	if (!__atomic_load_n(&tables_ready, __ATOMIC_ACQUIRE))
		g711_tables();
	return alaw_table[a];
}

int16_t mgw_ulaw_decode(uint8_t u)
{
	if (!__atomic_load_n(&tables_ready, __ATOMIC_ACQUIRE))
		g711_tables();
	return ulaw_table[u];
}

void mgw_g711_decode_buf(bool alaw, const uint8_t *in, size_t n, int16_t *pcm)
{
	const int16_t *t;
	size_t i;

	if (!__atomic_load_n(&tables_ready, __ATOMIC_ACQUIRE))
		g711_tables();
	t = alaw ? alaw_table : ulaw_table;
	for (i = 0; i < n; i++)
		pcm[i] = t[in[i]];
}

void mgw_g711_encode_buf(bool alaw, const int16_t *pcm, size_t n, uint8_t *out)
{
	size_t i;

	if (alaw) {
		for (i = 0; i < n; i++)
			out[i] = mgw_alaw_encode(pcm[i]);
	} else {
		for (i = 0; i < n; i++)
			out[i] = mgw_ulaw_encode(pcm[i]);
	}
}
