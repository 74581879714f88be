/* Unit tests: SAToP packets, E1 framing and sequencing of spans, the
 * jitter buffer, DTMF generation/detection, and a ds/e1 channel end to end
 * over two spans joined by the loop driver.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_g711.h"
#include "mgcp/mgw_jb.h"
#include "mgcp/mgw_media.h"
#include "mgcp/mgw_span_chan.h"
#include "mgcp/mgw_xcode.h"
#include "src/tandem_log.h"
#include "tests/unit/testlib.h"

static double mean_square(const int16_t *x, size_t n)
{
	double s = 0;
	size_t i;

	for (i = 0; i < n; i++)
		s += (double)x[i] * x[i];
	return s / n;
}

static double goertzel(const int16_t *x, size_t n, double hz)
{
	double c = 2 * cos(2 * M_PI * hz / 8000), s1 = 0, s2 = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		double s0 = x[i] + c * s1 - s2;

		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - c * s1 * s2) * 2 / ((double)n * n);
}

/* A packet built with the RTP header parses back; every kind of damage is
 * refused with its own reason. */
START_TEST(test_satop_packets)
{
	uint8_t pkt[12 + 4 + 256], bad[sizeof(pkt)];
	struct mgw_satop_pkt p;
	size_t hl;

	hl = mgw_satop_build_hdr(pkt, true, false, true, 0x1234, 77, 0xabcdef);
	ck_assert_uint_eq(hl, 16);
	memset(pkt + hl, 0xd5, 256);
	ck_assert_int_eq(pkt[1], MGW_SATOP_RTP_PT);
	ck_assert_int_eq(pkt[12], 0x04);	/* R */
	ck_assert_int_eq(mgw_satop_parse(pkt, sizeof(pkt), true, 256, &p), 0);
	ck_assert(p.r_bit && !p.l_bit);
	ck_assert_uint_eq(p.seq, 0x1234);
	ck_assert_uint_eq(p.payload_len, 256);
	ck_assert_ptr_eq(p.payload, pkt + 16);
	/* the same bytes without an RTP header are a bad control word */
	ck_assert_int_eq(mgw_satop_parse(pkt, sizeof(pkt), false, 256, &p), -MGW_SPAN_ERR_CW);

	ck_assert_int_eq(mgw_satop_parse(pkt, 15, true, 256, &p), -MGW_SPAN_ERR_SHORT);
	ck_assert_int_eq(mgw_satop_parse(pkt, 3, false, 256, &p), -MGW_SPAN_ERR_SHORT);
	ck_assert_int_eq(mgw_satop_parse(pkt, sizeof(pkt) - 1, true, 256, &p), -MGW_SPAN_ERR_LENGTH);
	ck_assert_int_eq(mgw_satop_parse(pkt, sizeof(pkt), true, 512, &p), -MGW_SPAN_ERR_LENGTH);
#define DAMAGED(off, val, err)                                                          \
	do {                                                                            \
		memcpy(bad, pkt, sizeof(pkt));                                          \
		bad[off] = (val);                                                       \
		ck_assert_int_eq(mgw_satop_parse(bad, sizeof(bad), true, 256, &p), err); \
	} while (0)
	DAMAGED(0, 0x40, -MGW_SPAN_ERR_RTP);	/* version 1 */
	DAMAGED(0, 0x81, -MGW_SPAN_ERR_RTP);	/* a CSRC */
	DAMAGED(0, 0xa0, -MGW_SPAN_ERR_RTP);	/* padding */
	DAMAGED(1, 8, -MGW_SPAN_ERR_RTP);	/* payload type */
	DAMAGED(3, 0x35, -MGW_SPAN_ERR_SEQ);	/* RTP sequence differs */
	DAMAGED(12, 0x10, -MGW_SPAN_ERR_CW);	/* bits 0-3 */
	DAMAGED(12, 0x01, -MGW_SPAN_ERR_CW);	/* RSV */
	DAMAGED(13, 0x40, -MGW_SPAN_ERR_CW);	/* FRG */
	DAMAGED(13, 0x05, -MGW_SPAN_ERR_CW);	/* LEN */
	DAMAGED(1, 0x80 | MGW_SATOP_RTP_PT, 0);	/* the marker does not matter */
#undef DAMAGED

	/* L set: the payload may be left out */
	hl = mgw_satop_build_hdr(pkt, false, true, false, 9, 0, 0);
	ck_assert_uint_eq(hl, 4);
	ck_assert_int_eq(mgw_satop_parse(pkt, hl, false, 256, &p), 0);
	ck_assert(p.l_bit);
	ck_assert_ptr_null(p.payload);
	pkt[0] = 0;
	ck_assert_int_eq(mgw_satop_parse(pkt, hl, false, 256, &p), -MGW_SPAN_ERR_LENGTH);
}
END_TEST

/* Random bytes never crash the parser; what it accepts is well-formed. */
START_TEST(test_satop_random)
{
	uint8_t buf[12 + 4 + 300];
	struct mgw_satop_pkt p;
	unsigned int i, seed = 4553, accepted = 0;
	size_t len, j;

	for (i = 0; i < 20000; i++) {
		len = rand_r(&seed) % sizeof(buf);
		for (j = 0; j < len; j++)
			buf[j] = rand_r(&seed);
		if (i % 2) {
			/* mostly valid headers, so that the later checks get their turn */
			mgw_satop_build_hdr(buf, true, false, false, i, 0, 1);
			buf[rand_r(&seed) % 16] ^= 1 << (rand_r(&seed) % 8);
			len = i % 4 == 1 ? 12 + 4 + 64 : len;
		}
		if (mgw_satop_parse(buf, len, true, 64, &p) == 0) {
			accepted++;
			ck_assert(p.payload_len == 64 || (p.l_bit && p.payload_len == 0));
			ck_assert((buf[12] & 0xf3) == 0 && buf[13] == 0);
		}
	}
	/* flipping the marker, L or R bit or a sequence bit keeps a packet valid */
	ck_assert_uint_gt(accepted, 0);
}
END_TEST

static struct mgw *new_mgw(unsigned int spans)
{
	struct mgw *mgw = mgw_alloc(tt_ctx);
	unsigned int i;

	ck_assert_ptr_nonnull(mgw);
	mgw->cfg.num_endpoints = 1;
	for (i = 0; i < spans; i++)
		ck_assert_ptr_nonnull(mgw_span_get(mgw, i + 1));
	mgw->next_rtp_port = mgw->cfg.rtp_port_min = 41000 + (getpid() % 400) * 20;
	mgw->cfg.rtp_port_max = mgw->cfg.rtp_port_min + 19;
	ck_assert_int_eq(mgw_endp_init(mgw), 0);
	return mgw;
}

/* Timeslot 0 alternates FAS and NFAS across packets; free timeslots idle. */
START_TEST(test_span_framing)
{
	struct mgw *mgw = new_mgw(1);
	struct mgw_span *span = mgw_span_find(mgw, 1);
	uint8_t f[3 * 32];
	unsigned int i;

	ck_assert_uint_eq(mgw->n_endpoints, 1 + 31);
	ck_assert_str_eq(mgw->endpoints[1].name, "ds/e1-1/1");
	ck_assert_str_eq(mgw->endpoints[31].name, "ds/e1-1/31");
	ck_assert_ptr_eq(mgw_endp_find(mgw, "DS/E1-1/16"), span->eps[16]);
	for (i = 2; i <= MGW_SPANS_MAX; i++)
		ck_assert_ptr_nonnull(mgw_span_get(mgw, i));
	ck_assert_ptr_null(mgw_span_get(mgw, 99));
	mgw_span_del(mgw, 2);
	ck_assert_ptr_null(mgw_span_find(mgw, 2));
	ck_assert_ptr_eq(mgw_span_find(mgw, 3), mgw->spans[1]);
	mgw_span_build_frames(span, f, 3);
	ck_assert_int_eq(f[0], 0x9b);
	ck_assert_int_eq(f[32], 0xdf);
	ck_assert_int_eq(f[64], 0x9b);
	mgw_span_build_frames(span, f, 1);
	ck_assert_int_eq(f[0], 0xdf);
	for (i = 1; i < 32; i++)
		ck_assert_int_eq(f[i], MGW_E1_IDLE);
	talloc_free(mgw);
}
END_TEST

/* Loss, duplicates, reordering and restarts of the received sequence. */
START_TEST(test_span_sequence)
{
	struct mgw *mgw = new_mgw(1);
	struct mgw_span *span = mgw_span_find(mgw, 1);
	uint8_t f[8 * 32];

	memset(f, 0xd5, sizeof(f));
	ck_assert_str_eq(mgw_span_state_name(span), "DOWN");
	mgw_span_rx(span, 65534, false, false, f, 8);
	mgw_span_rx(span, 65535, false, false, f, 8);
	mgw_span_rx(span, 2, false, false, f, 8);	/* 0 and 1 lost, across the wrap */
	mgw_span_rx(span, 1, false, false, f, 8);	/* too late */
	mgw_span_rx(span, 2, false, false, f, 8);	/* duplicate */
	mgw_span_rx(span, 3, true, true, NULL, 8);	/* L, no payload */
	mgw_span_rx(span, 4 + MGW_SPAN_MAX_GAP, false, false, f, 8);	/* restart */
	mgw_span_rx(span, 5 + MGW_SPAN_MAX_GAP, false, false, f, 8);
	ck_assert_uint_eq(span->stats.rx_packets, 8);
	ck_assert_uint_eq(span->stats.rx_lost, 2);
	ck_assert_uint_eq(span->stats.rx_ooo, 2);
	ck_assert_uint_eq(span->stats.rx_resync, 1);
	ck_assert_uint_eq(span->stats.rx_l_bit, 1);
	ck_assert_uint_eq(span->stats.rx_r_bit, 1);
	mgw_span_rx_bad(span, MGW_SPAN_ERR_CW);
	ck_assert_uint_eq(span->stats.rx_malformed, 1);
	talloc_free(mgw);
}
END_TEST

static int put(struct mgw_jb *jb, unsigned int fn, uint8_t mark)
{
	uint8_t frame[10];

	memset(frame, mark, sizeof(frame));
	return mgw_jb_put(jb, 1000 + fn * MGW_JB_FRAME_TS, frame, sizeof(frame));
}

static int get(struct mgw_jb *jb, uint8_t *mark)
{
	uint8_t frame[MGW_JB_FRAME_MAX];
	size_t len = 0;
	int rc = mgw_jb_get(jb, frame, &len);

	if (rc == MGW_JB_FRAME) {
		ck_assert_uint_eq(len, 10);
		*mark = frame[0];
	}
	return rc;
}

START_TEST(test_jb)
{
	struct mgw_jb jb = { 0 };
	uint8_t m = 0;
	unsigned int i;

	mgw_jb_reset(&jb);
	ck_assert_int_eq(get(&jb, &m), MGW_JB_IDLE);
	/* 20 ms packets, no jitter: one packet plus one frame */
	mgw_jb_arrival(&jb, 1000, 0, 2);
	ck_assert_uint_eq(jb.target, 3);
	/* frames 0, 2, 1 (reordered), 4 (3 lost) */
	ck_assert_int_eq(put(&jb, 0, 10), MGW_JB_PUT_OK);
	ck_assert_int_eq(get(&jb, &m), MGW_JB_IDLE);	/* 3 frames not there yet */
	ck_assert_int_eq(put(&jb, 2, 12), MGW_JB_PUT_OK);
	ck_assert_int_eq(put(&jb, 1, 11), MGW_JB_PUT_OK);
	ck_assert_int_eq(put(&jb, 1, 11), MGW_JB_PUT_DUP);
	ck_assert_int_eq(put(&jb, 4, 14), MGW_JB_PUT_OK);
	for (i = 0; i < 3; i++) {
		ck_assert_int_eq(get(&jb, &m), MGW_JB_FRAME);
		ck_assert_int_eq(m, 10 + i);
	}
	ck_assert_int_eq(get(&jb, &m), MGW_JB_MISSING);
	ck_assert_int_eq(put(&jb, 3, 13), MGW_JB_PUT_LATE);
	ck_assert_int_eq(get(&jb, &m), MGW_JB_FRAME);
	ck_assert_int_eq(m, 14);
	/* dry: concealed once, then it buffers up to the target again */
	ck_assert_int_eq(get(&jb, &m), MGW_JB_MISSING);
	ck_assert_int_eq(get(&jb, &m), MGW_JB_IDLE);
	ck_assert_uint_eq(jb.stats.underruns, 1);
	for (i = 5; i < 8; i++)
		put(&jb, i, i);
	ck_assert_int_eq(get(&jb, &m), MGW_JB_FRAME);
	ck_assert_int_eq(m, 5);
	/* too deep: the oldest frames go until target + slack */
	for (i = 8; i < 20; i++)
		put(&jb, i, i);
	ck_assert_int_eq(get(&jb, &m), MGW_JB_FRAME);
	ck_assert_int_eq(m, 7);
	ck_assert_uint_eq(jb.stats.dropped, 1);
	/* far ahead: the buffer restarts there */
	ck_assert_int_eq(put(&jb, 500, 50), MGW_JB_PUT_RESYNC);
	ck_assert_uint_eq(mgw_jb_depth(&jb), 1);
	/* jitter raises the target, within bounds */
	for (i = 0; i < 200; i++)
		mgw_jb_arrival(&jb, i * 160, i * 160 + (i % 2) * 400, 2);
	ck_assert_uint_gt(jb.target, 3);
	ck_assert_uint_le(jb.target, MGW_JB_TARGET_MAX);
}
END_TEST

struct det_log {
	int on[8], off[8];
	uint32_t dur[8];
	int n_on, n_off;
};

static void det_cb(void *data, const struct mgw_dtmf_result *r)
{
	struct det_log *l = data;

	if (r->on >= 0 && l->n_on < 8)
		l->on[l->n_on++] = r->on;
	if (r->off >= 0 && l->n_off < 8) {
		l->dur[l->n_off] = r->duration;
		l->off[l->n_off++] = r->off;
	}
}

/* Tones of @ms for each digit of @digits with @gap_ms between; detected.
 * The test makes its own tones (-10 dBm0 each) rather than trust ours. */
static void run_digits(const char *digits, unsigned int ms, unsigned int gap_ms, struct det_log *l)
{
	static const char keys[] = "123A456B789C*0#D";
	static int16_t pcm[32000];
	struct mgw_dtmf_det det;
	size_t n = 800, i, k;

	memset(pcm, 0, sizeof(pcm));
	for (i = 0; digits[i]; i++) {
		int pos = strchr(keys, digits[i]) - keys;
		double fr = (double[]){ 697, 770, 852, 941 }[pos / 4], fc = (double[]){ 1209, 1336, 1477, 1633 }[pos % 4];

		for (k = 0; k < ms * 8; k++)
			pcm[n + k] = lrint(7000 * (sin(2 * M_PI * fr * k / 8000) + sin(2 * M_PI * fc * k / 8000)));
		n += (ms + gap_ms) * 8;
	}
	memset(l, 0, sizeof(*l));
	mgw_dtmf_det_init(&det);
	mgw_dtmf_det_feed(&det, pcm, n + 800, det_cb, l);
}

START_TEST(test_dtmf_detect)
{
	struct det_log l;
	int i;

	run_digits("0123456789*#ABCD", 60, 60, &l);
	ck_assert_int_eq(l.n_on, 8);	/* the log keeps 8 */
	for (i = 0; i < 8; i++) {
		ck_assert_int_eq(l.on[i], i);
		ck_assert_int_eq(l.off[i], i);
		/* within one or two blocks of the 60 ms generated */
		ck_assert_uint_ge(l.dur[i], 480 - 2 * MGW_DTMF_BLOCK);
		ck_assert_uint_le(l.dur[i], 480 + MGW_DTMF_BLOCK);
	}
	/* Q.24: 40 ms tones with 40 ms pauses count, 23 ms ones do not */
	run_digits("5555", 40, 40, &l);
	ck_assert_int_eq(l.n_on, 4);
	run_digits("5555", 23, 40, &l);
	ck_assert_int_eq(l.n_on, 0);
}
END_TEST

/* Mix a row and a column tone at the given levels (peak amplitudes). */
static int det_pair(double fr, double ar, double fc, double ac)
{
	int16_t pcm[MGW_DTMF_BLOCK];
	int i;

	for (i = 0; i < MGW_DTMF_BLOCK; i++)
		pcm[i] = lrint(ar * sin(2 * M_PI * fr * i / 8000) + ac * sin(2 * M_PI * fc * i / 8000));
	return mgw_dtmf_det_block(pcm, MGW_DTMF_BLOCK);
}

START_TEST(test_dtmf_twist_and_level)
{
	double a = 7000;

	ck_assert_int_eq(det_pair(770, a, 1336, a), 5);
	/* high group 6 dB below the low group: normal twist, accepted */
	ck_assert_int_eq(det_pair(770, a, 1336, a / 2), 5);
	/* 10 dB below: rejected */
	ck_assert_int_eq(det_pair(770, a, 1336, a / 3.16), -1);
	/* high group 3 dB above: accepted; 6 dB above: rejected */
	ck_assert_int_eq(det_pair(770, a / 1.41, 1336, a), 5);
	ck_assert_int_eq(det_pair(770, a / 2, 1336, a), -1);
	/* too quiet (-40 dBm0), or one tone only, or a voice-band tone */
	ck_assert_int_eq(det_pair(770, 150, 1336, 150), -1);
	ck_assert_int_eq(det_pair(770, a, 1336, 0), -1);
	ck_assert_int_eq(det_pair(1000, a, 1000, 0), -1);
	/* two rows at once */
	ck_assert_int_eq(det_pair(770, a, 852, a), -1);
}
END_TEST

START_TEST(test_dtmf_events)
{
	struct mgw_dtmf_payload p = { .event = 11, .end = true, .volume = 10, .duration = 800 }, q;
	struct mgw_dtmf_gen g = { .event = -1 };
	uint8_t buf[4];
	int16_t pcm[2000];

	mgw_dtmf_payload_build(buf, &p);
	ck_assert_int_eq(buf[0], 11);
	ck_assert_int_eq(buf[1], 0x8a);
	ck_assert_int_eq(buf[2] << 8 | buf[3], 800);
	ck_assert_int_eq(mgw_dtmf_payload_parse(buf, 3, &q), -1);
	ck_assert_int_eq(mgw_dtmf_payload_parse(buf, 4, &q), 0);
	ck_assert(q.end && q.event == 11 && q.volume == 10 && q.duration == 800);
	ck_assert_int_eq(mgw_dtmf_event('#'), 11);
	ck_assert_int_eq(mgw_dtmf_event('d'), 15);
	ck_assert_int_eq(mgw_dtmf_event('E'), -1);
	ck_assert_int_eq(mgw_dtmf_char(10), '*');
	ck_assert_int_eq(mgw_dtmf_char(16), 0);

	/* start, updates, end three times: one tone of the final duration */
	ck_assert(mgw_dtmf_gen_event(&g, 5, 100, 160, false));
	ck_assert(!mgw_dtmf_gen_event(&g, 5, 100, 320, false));
	ck_assert(!mgw_dtmf_gen_event(&g, 5, 100, 480, true));
	ck_assert(!mgw_dtmf_gen_event(&g, 5, 100, 480, true));
	memset(pcm, 0, sizeof(pcm));
	mgw_dtmf_gen_fill(&g, pcm, 2000);
	ck_assert(!mgw_dtmf_gen_active(&g));
	ck_assert(mean_square(pcm, 480) > 1e7);
	ck_assert(mean_square(pcm + 480, 1520) == 0);
	ck_assert(!mgw_dtmf_gen_event(&g, 5, 100, 480, true));	/* late third end */
	ck_assert(!mgw_dtmf_gen_active(&g));
	/* a lost end: the tone stops on its own after the hangover */
	ck_assert(mgw_dtmf_gen_event(&g, 1, 900, 160, false));
	mgw_dtmf_gen_fill(&g, pcm, 2000);
	ck_assert(!mgw_dtmf_gen_active(&g));
	/* a short event still gives a tone Q.24 accepts */
	ck_assert(mgw_dtmf_gen_event(&g, 2, 1900, 80, true));
	mgw_dtmf_gen_fill(&g, pcm, 2000);
	ck_assert_uint_eq(g.n, MGW_DTMF_GEN_MIN);
	ck_assert(!mgw_dtmf_gen_event(&g, 99, 2900, 80, true));
}
END_TEST

static int16_t captured[8000];
static size_t n_captured;

static int capture(struct mgw_conn *conn, const uint8_t *pkt, size_t len)
{
	struct mgw_rtp_hdr h;

	ck_assert_int_eq(mgw_rtp_parse(pkt, len, &h), 0);
	ck_assert_int_eq(h.pt, 8);
	if (n_captured + h.payload_len <= 8000) {
		mgw_g711_decode_buf(true, pkt + h.payload_off, h.payload_len, captured + n_captured);
		n_captured += h.payload_len;
	}
	return 0;
}

/* RTP G.729 into span 1's ds/e1-1/5, out of span 2's ds/e1-2/5 as PCMA:
 * two gateways' spans joined by the loop driver, clocked by hand. */
START_TEST(test_chan_over_loop)
{
	struct mgw *mgw = new_mgw(2);
	struct mgw_span *s1 = mgw_span_find(mgw, 1), *s2 = mgw_span_find(mgw, 2);
	struct mgw_endpoint *e1 = mgw_endp_find(mgw, "ds/e1-1/5"), *e2 = mgw_endp_find(mgw, "ds/e1-2/5");
	struct mgw_xcode *enc = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_PCMA, MGCP_CODEC_G729, 20, false);
	struct mgw_conn *c1, *c2;
	struct timespec t;
	int16_t pcm[160];
	uint8_t law[160], pkt[12 + 20];
	unsigned int i, k;
	uint16_t seq = 7;
	int (*old_send)(struct mgw_conn *, const uint8_t *, size_t);

	mgw_span_loop_pair(s1, s2);
	ck_assert_int_eq(mgw_spans_start(mgw), 0);
	c1 = mgw_conn_alloc(e1, "1");
	c2 = mgw_conn_alloc(e2, "1");
	ck_assert_ptr_nonnull(c1);
	ck_assert_ptr_nonnull(c2);
	ck_assert_ptr_null(mgw_conn_alloc(e1, "1"));	/* one per timeslot */
	c1->mode = c2->mode = MGCP_MODE_SENDRECV;
	c1->codec = MGCP_CODEC_G729;
	c1->pt = 18;
	c2->codec = MGCP_CODEC_PCMA;
	c2->pt = 8;
	c1->ptime = c2->ptime = 20;
	c2->has_remote = true;
	ck_assert_int_eq(mgw_endp_update_media(e1), 0);
	ck_assert_int_eq(mgw_endp_update_media(e2), 0);
	ck_assert_ptr_nonnull(c1->chan);
	ck_assert_ptr_null(mgw_conn_peer(c1));
	old_send = mgw_media_send;
	mgw_media_send = capture;
	n_captured = 0;

	t = s1->t0;
	for (i = 0; i < 50; i++) {
		struct mgw_xcode_pkt xp;

		for (k = 0; k < 160; k++)
			pcm[k] = lrint(8000 * sin(2 * M_PI * 1000 * (i * 160 + k) / 8000));
		mgw_g711_encode_buf(true, pcm, 160, law);
		mgw_xcode_push(enc, law, 160);
		ck_assert_int_eq(mgw_xcode_pull(enc, &xp), 1);
		mgw_rtp_build(pkt, 18, i == 0, seq++, 1000 + i * 160, 0x99);
		memcpy(pkt + 12, xp.data, 20);
		/* packet 20 is lost: the jitter buffer conceals it */
		if (i != 20)
			mgw_media_rtp_in(c1, pkt, sizeof(pkt), i * 160);
		/* 20 ms of span clock on both sides */
		t.tv_nsec += 20000000;
		if (t.tv_nsec >= 1000000000) {
			t.tv_sec++;
			t.tv_nsec -= 1000000000;
		}
		mgw_span_clock(s1, &t);
		mgw_span_clock(s2, &t);
	}
	ck_assert_uint_ge(s2->stats.rx_packets, 900);
	ck_assert_uint_eq(s2->stats.rx_lost, 0);
	ck_assert_uint_eq(c1->chan->jb.stats.missing, 2);
	ck_assert_uint_ge(n_captured, 7000);
	/* the tone, at its level, once the jitter buffer plays */
	ck_assert(goertzel(captured + 800, 2400, 1000) / mean_square(captured + 800, 2400) > 0.8);
	ck_assert(fabs(10 * log10(mean_square(captured + 800, 2400) / (8000.0 * 8000 / 2))) < 3);
	/* and still after the concealed packet */
	ck_assert(goertzel(captured + 4800, 1600, 1000) / mean_square(captured + 4800, 1600) > 0.5);
	mgw_media_send = old_send;
	talloc_free(enc);
	mgw_spans_stop(mgw);
	talloc_free(mgw);
}
END_TEST

static Suite *mgw_span_suite(void)
{
	Suite *s = suite_create("mgw_span");
	TCase *tc = tt_tcase(s, "span");

	tcase_add_test(tc, test_satop_packets);
	tcase_add_test(tc, test_satop_random);
	tcase_add_test(tc, test_span_framing);
	tcase_add_test(tc, test_span_sequence);
	tcase_add_test(tc, test_chan_over_loop);
	tc = tt_tcase(s, "jb");
	tcase_add_test(tc, test_jb);
	tc = tt_tcase(s, "dtmf");
	tcase_add_test(tc, test_dtmf_detect);
	tcase_add_test(tc, test_dtmf_twist_and_level);
	tcase_add_test(tc, test_dtmf_events);
	return s;
}

int main(void)
{
	void *ctx = talloc_named_const(NULL, 0, "mgw_span_test");
	int rc;

	tandem_log_init(ctx);
	log_set_all_filter(osmo_stderr_target, 0);
	rate_ctr_init(ctx);
	rc = tt_run(mgw_span_suite());
	talloc_free(ctx);
	return rc;
}
