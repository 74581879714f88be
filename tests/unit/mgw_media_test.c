/* Unit tests for tandem-mgw's media code: G.711 tables, RTP/RTCP checks and
 * receiver statistics, and the G.729 <-> G.711 transcoder (checked with a
 * Goertzel analysis of a 1 kHz tone, never by comparing lossy bytes).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <string.h>

#include "mgcp/mgw_g711.h"
#include "mgcp/mgw_rtp.h"
#include "mgcp/mgw_xcode.h"
#include "tests/unit/testlib.h"

#define RATE 8000.0

START_TEST(test_g711_known_values)
{
	ck_assert_uint_eq(mgw_alaw_encode(0), 0xD5);
	ck_assert_uint_eq(mgw_ulaw_encode(0), 0xFF);
	ck_assert_int_eq(mgw_alaw_decode(0xD5), 8);
	ck_assert_int_eq(mgw_alaw_decode(0x55), -8);
	ck_assert_int_eq(mgw_ulaw_decode(0xFF), 0);
	ck_assert_int_eq(mgw_ulaw_decode(0x7F), 0);
	ck_assert_int_eq(mgw_alaw_decode(0xAA), 32256);
	ck_assert_int_eq(mgw_alaw_decode(0x2A), -32256);
	ck_assert_int_eq(mgw_ulaw_decode(0x80), 32124);
	ck_assert_int_eq(mgw_ulaw_decode(0x00), -32124);
	ck_assert_uint_eq(mgw_alaw_encode(32767), 0xAA);
	ck_assert_uint_eq(mgw_alaw_encode(-32768), 0x2A);
	ck_assert_uint_eq(mgw_ulaw_encode(32767), 0x80);
	ck_assert_uint_eq(mgw_ulaw_encode(-32768), 0x00);
}
END_TEST

/* Every code decodes to a value that encodes back to the same code
 * (A-law has no negative zero problem; mu-law's two zeros both decode to 0). */
START_TEST(test_g711_all_codes)
{
	int c;

	for (c = 0; c < 256; c++) {
		ck_assert_uint_eq(mgw_alaw_encode(mgw_alaw_decode(c)), c);
		if (c != 0x7F)
			ck_assert_uint_eq(mgw_ulaw_encode(mgw_ulaw_decode(c)), c);
	}
}
END_TEST

/* Quantisation error is bounded by half a step of the segment; the
 * conversion is monotonic over the whole 16-bit range. */
START_TEST(test_g711_monotonic_error)
{
	int s, prev_a = -40000, prev_u = -40000;

	for (s = -32768; s <= 32767; s++) {
		int a = mgw_alaw_decode(mgw_alaw_encode(s));
		int u = mgw_ulaw_decode(mgw_ulaw_encode(s));
		int mag = s < 0 ? -s : s;

		ck_assert_int_ge(a, prev_a);
		ck_assert_int_ge(u, prev_u);
		prev_a = a;
		prev_u = u;
		/* steps are at most 1/16 of the magnitude (+ the smallest step) */
		ck_assert_int_le(abs(a - s), mag / 16 + 16);
		ck_assert_int_le(abs(u - s), mag / 16 + 16);
	}
}
END_TEST

START_TEST(test_rtp_parse)
{
	uint8_t pkt[64];
	struct mgw_rtp_hdr h;

	memset(pkt, 0xAB, sizeof(pkt));
	mgw_rtp_build(pkt, 18, true, 0xBEEF, 0x01020304, 0xCAFEBABE);
	ck_assert_int_eq(mgw_rtp_parse(pkt, 32, &h), 0);
	ck_assert_uint_eq(h.pt, 18);
	ck_assert(h.marker);
	ck_assert_uint_eq(h.seq, 0xBEEF);
	ck_assert_uint_eq(h.ts, 0x01020304);
	ck_assert_uint_eq(h.ssrc, 0xCAFEBABE);
	ck_assert_uint_eq(h.payload_off, 12);
	ck_assert_uint_eq(h.payload_len, 20);

	ck_assert_int_eq(mgw_rtp_parse(pkt, 11, &h), -MGW_RTP_ERR_SHORT);
	ck_assert_int_eq(mgw_rtp_parse(pkt, 12, &h), -MGW_RTP_ERR_EMPTY);
	pkt[0] = 0x40;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 32, &h), -MGW_RTP_ERR_VERSION);
	/* 15 CSRCs need 72 octets */
	pkt[0] = 0x8F;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 64, &h), -MGW_RTP_ERR_CSRC);
	pkt[0] = 0x82;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 32, &h), 0);
	ck_assert_uint_eq(h.payload_off, 20);
	/* extension: 1 word after the 4-octet extension header */
	pkt[0] = 0x90;
	pkt[14] = 0;
	pkt[15] = 1;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 24, &h), 0);
	ck_assert_uint_eq(h.payload_off, 20);
	pkt[15] = 0xFF;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 64, &h), -MGW_RTP_ERR_EXT);
	/* padding */
	pkt[0] = 0xA0;
	pkt[31] = 4;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 32, &h), 0);
	ck_assert_uint_eq(h.payload_len, 16);
	pkt[31] = 0;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 32, &h), -MGW_RTP_ERR_PADDING);
	pkt[31] = 200;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 32, &h), -MGW_RTP_ERR_PADDING);
	pkt[31] = 20;
	ck_assert_int_eq(mgw_rtp_parse(pkt, 32, &h), -MGW_RTP_ERR_EMPTY);
}
END_TEST

START_TEST(test_rtcp_check)
{
	/* RR with no report blocks, then an SDES of one word */
	uint8_t rr[] = { 0x80, 201, 0, 1, 1, 2, 3, 4, 0x81, 202, 0, 0 };

	ck_assert_int_eq(mgw_rtcp_check(rr, sizeof(rr)), 0);
	ck_assert_int_eq(mgw_rtcp_check(rr, 3), -MGW_RTP_ERR_SHORT);
	ck_assert_int_eq(mgw_rtcp_check(rr, 10), -MGW_RTP_ERR_RTCP);
	rr[1] = 202;
	ck_assert_int_eq(mgw_rtcp_check(rr, sizeof(rr)), -MGW_RTP_ERR_RTCP);
	rr[1] = 201;
	rr[3] = 200;
	ck_assert_int_eq(mgw_rtcp_check(rr, sizeof(rr)), -MGW_RTP_ERR_RTCP);
	rr[3] = 1;
	rr[0] = 0x00;
	ck_assert_int_eq(mgw_rtcp_check(rr, sizeof(rr)), -MGW_RTP_ERR_VERSION);
}
END_TEST

START_TEST(test_rtp_stats)
{
	struct mgw_rtp_stats s = { 0 };
	uint32_t arr = 1000, j;

	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 65534, 0, arr), 0);
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 65535, 160, arr += 160), 0);
	/* wrap, and two lost */
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 2, 640, arr += 480), 2);
	ck_assert_uint_eq(mgw_rtp_stats_expected(&s), 5);
	ck_assert_int_eq(mgw_rtp_stats_lost(&s), 2);
	/* a late one and a duplicate are not played */
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 1, 480, arr += 10), MGW_RTP_SEQ_LATE);
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 2, 640, arr += 10), MGW_RTP_SEQ_LATE);
	ck_assert_int_eq(mgw_rtp_stats_lost(&s), 0);
	/* a jump is held until a second packet confirms it */
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 30000, 800, arr += 160), MGW_RTP_SEQ_JUMP);
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 30001, 960, arr += 160), 0);
	ck_assert_uint_eq(mgw_rtp_stats_expected(&s), 1);
	/* jitter: an 80-unit wobble adds 80/16 (RFC 3550 A.8) */
	j = mgw_rtp_stats_jitter(&s);
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 7, 30002, 1120, arr += 240), 0);
	ck_assert_uint_eq(mgw_rtp_stats_jitter(&s), j + 5);
	/* a new SSRC starts over */
	ck_assert_int_eq(mgw_rtp_stats_update(&s, 8, 5, 0, arr), 0);
	ck_assert_uint_eq(s.ssrc_changes, 1);
	ck_assert_uint_eq(mgw_rtp_stats_expected(&s), 1);
}
END_TEST

/* Power of @f in @x (Goertzel), normalised so that a full-scale sine of
 * amplitude A gives A^2/2 like the mean square. */
static double goertzel(const int16_t *x, size_t n, double f)
{
	double w = 2 * M_PI * f / RATE, c = 2 * cos(w), s0, s1 = 0, s2 = 0;
	size_t i;

	for (i = 0; i < n; i++) {
		s0 = x[i] + c * s1 - s2;
		s2 = s1;
		s1 = s0;
	}
	return (s1 * s1 + s2 * s2 - c * s1 * s2) * 2.0 / ((double)n * n);
}

static double mean_square(const int16_t *x, size_t n)
{
	double e = 0;
	size_t i;

	for (i = 0; i < n; i++)
		e += (double)x[i] * x[i];
	return e / n;
}

static void tone(int16_t *pcm, size_t n, double f, double amp)
{
	size_t i;

	for (i = 0; i < n; i++)
		pcm[i] = lrint(amp * sin(2 * M_PI * f * i / RATE));
}

/* Checks that @pcm carries mostly a tone at @f of mean square @ms_in (+-3 dB),
 * and that it is the strongest frequency of the band. */
static void assert_tone(const int16_t *pcm, size_t n, double f, double ms_in)
{
	double p = goertzel(pcm, n, f), total = mean_square(pcm, n), best = 0, bestf = 0, g;
	double db = 10 * log10(p / ms_in);

	ck_assert_msg(p / total > 0.9, "tone is %.2f of the energy", p / total);
	ck_assert_msg(fabs(db) < 3.0, "level off by %.2f dB", db);
	for (g = 200; g <= 3800; g += 50) {
		double q = goertzel(pcm, n, g);

		if (q > best) {
			best = q;
			bestf = g;
		}
	}
	ck_assert_msg(bestf == f, "strongest frequency %.0f Hz", bestf);
}

/* A 1 kHz tone through PCMA -> G.729 -> PCMA, 20 ms packets. */
static void run_chain(enum mgcp_codec g711, unsigned int ptime_in, unsigned int ptime_mid, unsigned int ptime_out)
{
	enum { N = 8000 };
	static int16_t in[N], out[N + 800];
	static uint8_t law[N];
	struct mgw_xcode *a = mgw_xcode_alloc(tt_ctx, g711, MGCP_CODEC_G729, ptime_mid, false);
	struct mgw_xcode *b = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_G729, g711, ptime_out, false);
	struct mgw_xcode_pkt p, q;
	size_t i, got = 0, step = ptime_in * 8;
	uint32_t expect_ts = 0, expect_ts_b = 0;

	ck_assert_ptr_nonnull(a);
	ck_assert_ptr_nonnull(b);
	tone(in, N, 1000, 8000);
	mgw_g711_encode_buf(g711 == MGCP_CODEC_PCMA, in, N, law);
	for (i = 0; i + step <= N; i += step) {
		ck_assert_int_eq(mgw_xcode_push(a, law + i, step), (int)step);
		while (mgw_xcode_pull(a, &p) == 1) {
			ck_assert_uint_eq(p.len, ptime_mid);	/* 10 octets per 10 ms */
			ck_assert_uint_eq(p.ts, expect_ts);
			ck_assert(p.marker == (expect_ts == 0));
			expect_ts += ptime_mid * 8;
			ck_assert_int_eq(mgw_xcode_push(b, p.data, p.len), (int)(ptime_mid * 8));
			while (mgw_xcode_pull(b, &q) == 1) {
				ck_assert_uint_eq(q.len, ptime_out * 8);
				ck_assert_uint_eq(q.ts, expect_ts_b);
				expect_ts_b += q.len;
				mgw_g711_decode_buf(g711 == MGCP_CODEC_PCMA, q.data, q.len, out + got);
				got += q.len;
			}
		}
	}
	ck_assert_uint_ge(got, N - 2 * MGW_PTIME_MAX * 8);
	/* skip the codec's start-up */
	assert_tone(out + 800, got - 800, 1000, mean_square(in, N));
	ck_assert_uint_eq(mgw_xcode_stats(a)->frames_out, got / 80 + (expect_ts - got) / 80);
	talloc_free(a);
	talloc_free(b);
}

START_TEST(test_xcode_pcma_g729_pcma)
{
	run_chain(MGCP_CODEC_PCMA, 20, 20, 20);
}
END_TEST

START_TEST(test_xcode_pcmu_ptimes)
{
	/* repacketised as well as transcoded: 10 ms in, 40 ms G.729, 30 ms out */
	run_chain(MGCP_CODEC_PCMU, 10, 40, 30);
}
END_TEST

START_TEST(test_xcode_g711_only)
{
	struct mgw_xcode *x = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_PCMA, MGCP_CODEC_PCMU, 20, false);
	int16_t in[320], out[160];
	uint8_t law[320];
	struct mgw_xcode_pkt p;

	tone(in, 320, 1000, 8000);
	mgw_g711_encode_buf(true, in, 320, law);
	ck_assert_int_eq(mgw_xcode_push(x, law, 320), 320);
	ck_assert_int_eq(mgw_xcode_pull(x, &p), 1);
	ck_assert_int_eq(mgw_xcode_pull(x, &p), 1);
	ck_assert_uint_eq(p.ts, 160);
	ck_assert_int_eq(mgw_xcode_pull(x, &p), 0);
	mgw_g711_decode_buf(false, p.data, 160, out);
	assert_tone(out, 160, 1000, mean_square(in, 320));
	talloc_free(x);
}
END_TEST

START_TEST(test_xcode_bad_input)
{
	struct mgw_xcode *x = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_G729, MGCP_CODEC_PCMA, 20, false);
	uint8_t junk[MGW_PAYLOAD_MAX + 1];
	int i;

	memset(junk, 0x5A, sizeof(junk));
	ck_assert_ptr_null(mgw_xcode_alloc(tt_ctx, MGCP_CODEC_G729, MGCP_CODEC_GSM, 20, false));
	ck_assert_ptr_null(mgw_xcode_alloc(tt_ctx, MGCP_CODEC_G729, MGCP_CODEC_PCMA, 25, false));
	ck_assert_ptr_null(mgw_xcode_alloc(tt_ctx, MGCP_CODEC_G729, MGCP_CODEC_PCMA, 50, false));
	ck_assert_int_eq(mgw_xcode_push(x, junk, 0), -MGW_XCODE_ERR_PAYLOAD);
	ck_assert_int_eq(mgw_xcode_push(x, junk, 11), -MGW_XCODE_ERR_PAYLOAD);
	ck_assert_int_eq(mgw_xcode_push(x, junk, sizeof(junk)), -MGW_XCODE_ERR_PAYLOAD);
	/* garbage of a plausible length decodes to something, without harm */
	ck_assert_int_eq(mgw_xcode_push(x, junk, 20), 160);
	/* never draining the output overflows the queue instead of growing it */
	for (i = 0; i < 100 && mgw_xcode_push(x, junk, 40) > 0; i++)
		;
	ck_assert_int_lt(i, 100);
	ck_assert_uint_ge(mgw_xcode_stats(x)->overflows, 1);
	ck_assert_uint_eq(mgw_xcode_stats(x)->bad_payloads, 3);
	talloc_free(x);
}
END_TEST

/* Loss concealment keeps the tone going through a lost packet. */
START_TEST(test_xcode_plc)
{
	struct mgw_xcode *enc = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_PCMA, MGCP_CODEC_G729, 20, false);
	struct mgw_xcode *dec = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_G729, MGCP_CODEC_PCMA, 20, false);
	static int16_t in[4000], out[4000];
	static uint8_t law[4000];
	struct mgw_xcode_pkt p, q;
	size_t got = 0, i;
	double db;
	int n = 0;

	tone(in, 4000, 1000, 8000);
	mgw_g711_encode_buf(true, in, 4000, law);
	for (i = 0; i < 4000; i += 160) {
		mgw_xcode_push(enc, law + i, 160);
		while (mgw_xcode_pull(enc, &p) == 1) {
			if (++n == 12)
				ck_assert_int_eq(mgw_xcode_conceal(dec, 2), 160);	/* lost */
			else
				mgw_xcode_push(dec, p.data, p.len);
			while (mgw_xcode_pull(dec, &q) == 1) {
				mgw_g711_decode_buf(true, q.data, q.len, out + got);
				got += q.len;
			}
		}
	}
	ck_assert_uint_eq(mgw_xcode_stats(dec)->concealed, 2);
	/* the concealed 20 ms is neither silence nor a burst; the decoder's
	 * predictors then take a few frames to regain the level (G.729's own
	 * recovery), and the tone stays the dominant signal throughout */
	db = 10 * log10(mean_square(out + 11 * 160, 160) / mean_square(in, 4000));
	ck_assert_msg(db > -20 && db < 3, "concealed level %.1f dB", db);
	for (i = 17 * 160; i + 160 <= got; i += 160)
		ck_assert(goertzel(out + i, 160, 1000) / mean_square(out + i, 160) > 0.85);
	db = 10 * log10(mean_square(out + got - 160, 160) / mean_square(in, 4000));
	ck_assert_msg(db > -10, "level after recovery %.1f dB", db);
	ck_assert_int_eq(mgw_xcode_conceal(dec, 100), MGW_PLC_MAX_FRAMES * 80);
	talloc_free(enc);
	talloc_free(dec);
}
END_TEST

/* Annex B: with VAD, silence becomes SID frames and untransmitted frames;
 * the timestamps still account for the time; a SID decodes to quiet noise. */
START_TEST(test_xcode_annexb)
{
	struct mgw_xcode *enc = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_PCMA, MGCP_CODEC_G729, 20, true);
	struct mgw_xcode *dec = mgw_xcode_alloc(tt_ctx, MGCP_CODEC_G729, MGCP_CODEC_PCMA, 20, false);
	static int16_t in[16000], out[400];
	static uint8_t law[16000];
	struct mgw_xcode_pkt p, q;
	uint32_t last_ts = 0;
	size_t i, got = 0;
	int pkts = 0, sids = 0, markers = 0;

	tone(in, 8000, 1000, 8000);	/* 1 s tone, then 1 s silence */
	mgw_g711_encode_buf(true, in, 16000, law);
	for (i = 0; i < 16000; i += 160) {
		mgw_xcode_push(enc, law + i, 160);
		while (mgw_xcode_pull(enc, &p) == 1) {
			pkts++;
			ck_assert(p.len % 10 == 0 || p.len % 10 == 2);
			if (p.len % 10 == 2)
				sids++;
			if (p.marker)
				markers++;
			ck_assert(pkts == 1 || p.ts > last_ts);
			last_ts = p.ts;
			if (p.len == 2 && got < 320) {
				mgw_xcode_push(dec, p.data, p.len);
				mgw_xcode_push(dec, p.data, p.len);
				ck_assert_int_eq(mgw_xcode_pull(dec, &q), 1);
				mgw_g711_decode_buf(true, q.data, q.len, out + got);
				got += q.len;
			}
		}
	}
	ck_assert_int_ge(sids, 1);
	ck_assert_uint_ge(mgw_xcode_stats(enc)->dtx_frames, 10);
	ck_assert_int_lt(pkts, 100);	/* 2 s at 20 ms would be 100 */
	ck_assert_int_ge(markers, 1);
	ck_assert_uint_ge(last_ts, 8000);
	ck_assert_uint_eq(mgw_xcode_stats(dec)->sid_in, got / 80);
	/* comfort noise is quiet: 30 dB below the tone */
	ck_assert(got == 0 || mean_square(out, got) < mean_square(in, 8000) / 1000);
	talloc_free(enc);
	talloc_free(dec);
}
END_TEST

static Suite *mgw_media_suite(void)
{
	Suite *s = suite_create("mgw_media");
	TCase *tc = tt_tcase(s, "g711");

	tcase_add_test(tc, test_g711_known_values);
	tcase_add_test(tc, test_g711_all_codes);
	tcase_add_test(tc, test_g711_monotonic_error);
	tc = tt_tcase(s, "rtp");
	tcase_add_test(tc, test_rtp_parse);
	tcase_add_test(tc, test_rtcp_check);
	tcase_add_test(tc, test_rtp_stats);
	tc = tt_tcase(s, "xcode");
	tcase_add_test(tc, test_xcode_pcma_g729_pcma);
	tcase_add_test(tc, test_xcode_pcmu_ptimes);
	tcase_add_test(tc, test_xcode_g711_only);
	tcase_add_test(tc, test_xcode_bad_input);
	tcase_add_test(tc, test_xcode_plc);
	tcase_add_test(tc, test_xcode_annexb);
	return s;
}

int main(void)
{
	return tt_run(mgw_media_suite());
}
