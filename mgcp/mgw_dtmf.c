/* DTMF tones (ITU-T Q.23) generated and detected, RFC 4733 events.
 *
 * The detector runs the Goertzel algorithm for the eight Q.23 frequencies
 * over blocks of MGW_DTMF_BLOCK samples.  A block holds a digit when the
 * strongest row and column tones are each loud enough, stand 6 dB above
 * the others of their group, carry most of the block's energy, and their
 * twist is within Q.24's limits (high group up to 4 dB above, or 8 dB
 * below, the low group).  Timing follows Q.24 through whole blocks: see
 * MGW_DTMF_ON_BLOCKS.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_g711.h"

#define ARRAY_LEN(a) (sizeof(a) / sizeof((a)[0]))

/* RFC 4733 3.2: events 0-9, *, #, A-D */
static const char dtmf_chars[MGW_DTMF_EVENTS + 1] = "0123456789*#ABCD";
static const double dtmf_row_hz[4] = { 697, 770, 852, 941 };
static const double dtmf_col_hz[4] = { 1209, 1336, 1477, 1633 };
/* keypad position of each event: row * 4 + column */
static const uint8_t dtmf_pos[MGW_DTMF_EVENTS] = {
	13, 0, 1, 2, 4, 5, 6, 8, 9, 10, 12, 14, 3, 7, 11, 15,
};

/* each generated tone: -10 dBm0 (A-law's 0 dBm0 is a sine of peak 22706) */
#define DTMF_GEN_AMP 7180.0
/* a tone must reach about -30 dBm0: mean square of a sine of peak 700 */
#define DTMF_MIN_POWER (700.0 * 700.0 / 2)
/* Q.24 twist limits, as power ratios high/low: +4 dB, -8 dB */
#define DTMF_REV_TWIST 2.512
#define DTMF_STD_TWIST 0.1585
/* 6 dB above the rest of the group */
#define DTMF_PURITY 4.0
/* both tones carry at least this share of the block's energy */
#define DTMF_SHARE 0.6

int mgw_dtmf_event(char c)
{
	const char *p;

	if (c >= 'a' && c <= 'd')
		c -= 'a' - 'A';
	p = c ? strchr(dtmf_chars, c) : NULL;
	return p ? (int)(p - dtmf_chars) : -1;
}

char mgw_dtmf_char(int ev)
{
	return ev >= 0 && ev < MGW_DTMF_EVENTS ? dtmf_chars[ev] : 0;
}

bool mgw_dtmf_gen_event(struct mgw_dtmf_gen *g, int event, uint32_t ts, uint32_t duration, bool end)
{
	bool fresh = g->event != event || g->rtp_ts != ts;

	if (event < 0 || event >= MGW_DTMF_EVENTS)
		return false;
	if (fresh) {
		/* the end packets are sent three times: do not replay the tone */
		if (end && g->event < 0 && g->rtp_ts == ts && g->ended)
			return false;
		g->event = event;
		g->rtp_ts = ts;
		g->n = 0;
		g->ended = false;
	} else if (g->ended) {
		return false;
	}
	if (end) {
		g->ended = true;
		g->limit = duration > MGW_DTMF_GEN_MIN ? duration : MGW_DTMF_GEN_MIN;
	} else {
		g->limit = duration + MGW_DTMF_GEN_HANGOVER;
	}
	return fresh;
}

bool mgw_dtmf_gen_active(const struct mgw_dtmf_gen *g)
{
	return g->event >= 0;
}

/* The one oscillator: sample @n of @f1 + @f2 (Hz, 0: absent), each at
 * DTMF_GEN_AMP. */
static int16_t osc_sample(double f1, double f2, uint32_t n)
{
	double t = n / 8000.0, v = 0;

	if (f1 > 0)
		v += sin(2 * M_PI * f1 * t);
	if (f2 > 0)
		v += sin(2 * M_PI * f2 * t);
	return lrint(DTMF_GEN_AMP * v);
}

int mgw_dtmf_freqs(int event, uint16_t *f1, uint16_t *f2)
{
	if (event < 0 || event >= MGW_DTMF_EVENTS)
		return -1;
	*f1 = dtmf_row_hz[dtmf_pos[event] / 4];
	*f2 = dtmf_col_hz[dtmf_pos[event] % 4];
	return 0;
}

void mgw_dtmf_gen_fill(struct mgw_dtmf_gen *g, int16_t *pcm, size_t n)
{
	double fr, fc;
	size_t i;

	if (g->event < 0)
		return;
	fr = dtmf_row_hz[dtmf_pos[g->event] / 4];
	fc = dtmf_col_hz[dtmf_pos[g->event] % 4];
	for (i = 0; i < n && g->n < g->limit; i++, g->n++)
		pcm[i] = osc_sample(fr, fc, g->n);
	if (g->n >= g->limit) {
		/* keep rtp_ts and ended: a late repeat of the end must not restart it */
		g->event = -1;
	}
}

void mgw_tone_start(struct mgw_tone *t, const struct mgw_tone_spec *spec, uint32_t limit, const char *label)
{
	memset(t, 0, sizeof(*t));
	if (!spec->n_segs || spec->n_segs > MGW_TONE_SEGS_MAX)
		return;
	t->spec = *spec;
	t->limit = limit;
	t->active = true;
	snprintf(t->label, sizeof(t->label), "%s", label ? label : "");
}

bool mgw_tone_active(const struct mgw_tone *t)
{
	return t && t->active;
}

/* The stretch of the cadence that sample @n falls in. */
static const struct mgw_tone_seg *tone_seg(const struct mgw_tone_spec *s, uint32_t n)
{
	uint32_t cycle = 0, pos;
	unsigned int i;

	for (i = 0; i < s->n_segs; i++) {
		/* a stretch for ever ends the cadence */
		if (!s->segs[i].ms)
			break;
		cycle += s->segs[i].ms * 8u;
	}
	if (i < s->n_segs && cycle == 0)
		return &s->segs[0];
	pos = cycle ? n % cycle : 0;
	for (i = 0; i < s->n_segs; i++) {
		if (!s->segs[i].ms || pos < s->segs[i].ms * 8u)
			return &s->segs[i];
		pos -= s->segs[i].ms * 8u;
	}
	return &s->segs[s->n_segs - 1];
}

bool mgw_tone_fill(struct mgw_tone *t, int16_t *pcm, size_t n)
{
	size_t i;

	if (!mgw_tone_active(t))
		return false;
	for (i = 0; i < n; i++) {
		const struct mgw_tone_seg *sg;

		if (t->limit && t->n >= t->limit) {
			/* the rest of this frame is silence: media resumes with the next */
			pcm[i] = 0;
			t->active = false;
			continue;
		}
		sg = tone_seg(&t->spec, t->n);
		pcm[i] = osc_sample(sg->f1, sg->f2, t->n);
		t->n++;
	}
	return true;
}

bool mgw_tone_fill_alaw(struct mgw_tone *t, uint8_t *alaw, size_t n)
{
	int16_t pcm[256];

	if (!mgw_tone_active(t))
		return false;
	while (n) {
		size_t k = n > ARRAY_LEN(pcm) ? ARRAY_LEN(pcm) : n;

		mgw_tone_fill(t, pcm, k);
		mgw_g711_encode_buf(true, pcm, k, alaw);
		alaw += k;
		n -= k;
	}
	return true;
}

/* Mean square of the component at @hz in @x (Goertzel). */
static double goertzel(const double *x, size_t n, double hz)
{
	double c = 2 * cos(2 * M_PI * hz / 8000.0), s1 = 0, s2 = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - c * s1 * s2) * 2.0 / ((double)n * n);
}

/* Index of the strongest of @p[4], or -1 when it does not stand out. */
static int strongest(const double *p)
{
	int i, best = 0;

	for (i = 1; i < 4; i++) {
		if (p[i] > p[best])
			best = i;
	}
	for (i = 0; i < 4; i++) {
		if (i != best && p[i] * DTMF_PURITY > p[best])
			return -1;
	}
	return best;
}

int mgw_dtmf_det_block(const int16_t *pcm, size_t n)
{
	double x[MGW_DTMF_BLOCK], row[4], col[4], energy = 0;
	int r, c, i, ev;

	if (n == 0 || n > MGW_DTMF_BLOCK)
		return -1;
	for (i = 0; i < (int)n; i++) {
		x[i] = pcm[i];
		energy += x[i] * x[i];
	}
	energy /= n;
	if (energy < 2 * DTMF_MIN_POWER)
		return -1;
	for (i = 0; i < 4; i++) {
		row[i] = goertzel(x, n, dtmf_row_hz[i]);
		col[i] = goertzel(x, n, dtmf_col_hz[i]);
	}
	r = strongest(row);
	c = strongest(col);
	if (r < 0 || c < 0)
		return -1;
	if (row[r] < DTMF_MIN_POWER || col[c] < DTMF_MIN_POWER)
		return -1;
	if (col[c] > row[r] * DTMF_REV_TWIST || col[c] < row[r] * DTMF_STD_TWIST)
		return -1;
	if (row[r] + col[c] < DTMF_SHARE * energy)
		return -1;
	for (ev = 0; ev < MGW_DTMF_EVENTS; ev++) {
		if (dtmf_pos[ev] == r * 4 + c)
			return ev;
	}
	return -1;
}

void mgw_dtmf_det_init(struct mgw_dtmf_det *d)
{
	memset(d, 0, sizeof(*d));
	d->cand = -1;
	d->digit = -1;
}

static void det_block_done(struct mgw_dtmf_det *d, int dg, void (*cb)(void *, const struct mgw_dtmf_result *),
			   void *data)
{
	struct mgw_dtmf_result r = { .on = -1, .off = -1 };

	if (d->digit >= 0) {
		if (dg == d->digit) {
			d->off_blocks = 0;
			return;
		}
		if (++d->off_blocks < MGW_DTMF_OFF_BLOCKS)
			return;
		r.off = d->digit;
		r.start = d->digit_start;
		r.duration = d->samples - d->off_blocks * MGW_DTMF_BLOCK - d->digit_start;
		d->digit = -1;
		d->cand = -1;
		d->cand_blocks = 0;
		cb(data, &r);
		r.off = -1;
	}
	if (dg >= 0 && dg == d->cand) {
		d->cand_blocks++;
	} else {
		d->cand = dg;
		d->cand_blocks = dg >= 0;
	}
	if (d->cand >= 0 && d->cand_blocks >= MGW_DTMF_ON_BLOCKS) {
		d->digit = d->cand;
		d->off_blocks = 0;
		d->digit_start = d->samples - d->cand_blocks * MGW_DTMF_BLOCK;
		r.on = d->digit;
		r.start = d->digit_start;
		cb(data, &r);
	}
}

void mgw_dtmf_det_feed(struct mgw_dtmf_det *d, const int16_t *pcm, size_t n,
		       void (*cb)(void *data, const struct mgw_dtmf_result *r), void *data)
{
	while (n) {
		size_t k = MGW_DTMF_BLOCK - d->fill;

		if (k > n)
			k = n;
		memcpy(d->block + d->fill, pcm, k * sizeof(*pcm));
		d->fill += k;
		d->samples += k;
		pcm += k;
		n -= k;
		if (d->fill == MGW_DTMF_BLOCK) {
			d->fill = 0;
			det_block_done(d, mgw_dtmf_det_block(d->block, MGW_DTMF_BLOCK), cb, data);
		}
	}
}

int mgw_dtmf_payload_parse(const uint8_t *buf, size_t len, struct mgw_dtmf_payload *p)
{
	if (len < MGW_DTMF_EVENT_LEN)
		return -1;
	p->event = buf[0];
	p->end = buf[1] & 0x80;
	p->volume = buf[1] & 0x3f;
	p->duration = (buf[2] << 8) | buf[3];
	return 0;
}

void mgw_dtmf_payload_build(uint8_t *buf, const struct mgw_dtmf_payload *p)
{
	buf[0] = p->event;
	buf[1] = (p->end ? 0x80 : 0) | (p->volume & 0x3f);
	buf[2] = p->duration >> 8;
	buf[3] = p->duration;
}
