/* G.711 A-law and mu-law (ITU-T G.711) sample conversions.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*! Linear 16-bit sample to A-law. */
uint8_t mgw_alaw_encode(int16_t s);
/*! A-law to linear 16-bit sample. */
int16_t mgw_alaw_decode(uint8_t a);
/*! Linear 16-bit sample to mu-law. */
uint8_t mgw_ulaw_encode(int16_t s);
/*! mu-law to linear 16-bit sample. */
int16_t mgw_ulaw_decode(uint8_t u);

/*! Decode @n A-law (@alaw true) or mu-law octets into @pcm. */
void mgw_g711_decode_buf(bool alaw, const uint8_t *in, size_t n, int16_t *pcm);
/*! Encode @n samples into A-law (@alaw true) or mu-law octets. */
void mgw_g711_encode_buf(bool alaw, const int16_t *pcm, size_t n, uint8_t *out);
