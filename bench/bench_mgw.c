/* Benchmark: transcoding channels per core in tandem-mgw.
 *
 * One channel is a bridge with a G.729 leg and a PCMA leg, 20 ms packets,
 * both directions: every 20 ms an RTP G.729 packet comes in and leaves as
 * PCMA, and an RTP PCMA packet comes in and leaves as G.729.  The path is
 * the gateway's own (mgw_media_rtp_in: RTP checks, receiver statistics,
 * transcoder, RTP build) with the UDP send replaced by a counter, so the
 * figure is CPU per channel, not the kernel's.  The baseline, in the same
 * run, is bcg729 alone: encode + decode of the same two 10 ms frames.
 * The ratio baseline/path says what the gateway adds (goal >= 0.85).
 * The span path (see bench_span) is measured against the same baseline.
 * A third figure runs the transcoding core in one and in two threads, for
 * the scaling factor on two cores.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <talloc.h>

#include <bcg729/decoder.h>
#include <bcg729/encoder.h>

#include <osmocom/core/application.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_g711.h"
#include "mgcp/mgw_media.h"
#include "mgcp/mgw_span.h"
#include "mgcp/mgw_xcode.h"
#include "src/tandem_log.h"

#define SECONDS 2.0
#define NPKT 500	/* 10 s of a tone, reused round-robin */

static uint8_t g729_pkts[NPKT][20], pcma_pkts[NPKT][160];
static int16_t pcm[NPKT * 160];
static uint64_t sent_bytes;

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int count_send(struct mgw_conn *conn, const uint8_t *pkt, size_t len)
{
	sent_bytes += len;
	return 0;
}

static void make_input(void)
{
	bcg729EncoderChannelContextStruct *enc = initBcg729EncoderChannel(0);
	uint8_t len;
	int i;

	for (i = 0; i < NPKT * 160; i++)
		pcm[i] = lrint(8000 * sin(2 * M_PI * 1000 * i / 8000.0) + 500 * sin(2 * M_PI * 313 * i / 8000.0));
	for (i = 0; i < NPKT; i++) {
		bcg729Encoder(enc, pcm + i * 160, g729_pkts[i], &len);
		bcg729Encoder(enc, pcm + i * 160 + 80, g729_pkts[i] + 10, &len);
		mgw_g711_encode_buf(true, pcm + i * 160, 160, pcma_pkts[i]);
	}
	closeBcg729EncoderChannel(enc);
}

/* bcg729 alone: per 20 ms, decode two frames and encode two frames. */
static double bench_raw(double secs, uint64_t *iters)
{
	bcg729EncoderChannelContextStruct *enc = initBcg729EncoderChannel(0);
	bcg729DecoderChannelContextStruct *dec = initBcg729DecoderChannel();
	uint8_t bits[10], len;
	int16_t out[80];
	uint64_t n = 0;
	double t0 = now(), t;

	do {
		int k;

		for (k = 0; k < 64; k++, n++) {
			unsigned int p = n % NPKT;

			bcg729Decoder(dec, g729_pkts[p], 10, 0, 0, 0, out);
			bcg729Decoder(dec, g729_pkts[p] + 10, 10, 0, 0, 0, out);
			bcg729Encoder(enc, pcm + p * 160, bits, &len);
			bcg729Encoder(enc, pcm + p * 160 + 80, bits, &len);
		}
		t = now();
	} while (t - t0 < secs);
	closeBcg729EncoderChannel(enc);
	closeBcg729DecoderChannel(dec);
	*iters = n;
	return (t - t0) / n;
}

/* The gateway's path on a real rtpbridge endpoint: G.729 leg b, PCMA leg a. */
static double bench_path(struct mgw_conn *a, struct mgw_conn *b, double secs, uint64_t *iters)
{
	uint8_t pkt_g[12 + 20], pkt_a[12 + 160];
	uint64_t n = 0;
	double t0 = now(), t;

	do {
		int k;

		for (k = 0; k < 64; k++, n++) {
			unsigned int p = n % NPKT;

			mgw_rtp_build(pkt_g, 18, false, n, n * 160, 0x1111);
			memcpy(pkt_g + 12, g729_pkts[p], 20);
			mgw_media_rtp_in(b, pkt_g, sizeof(pkt_g), n * 160);
			mgw_rtp_build(pkt_a, 8, false, n, n * 160, 0x2222);
			memcpy(pkt_a + 12, pcma_pkts[p], 160);
			mgw_media_rtp_in(a, pkt_a, sizeof(pkt_a), n * 160);
		}
		t = now();
	} while (t - t0 < secs);
	*iters = n;
	return (t - t0) / n;
}

/* The span path: 31 channels on ds/e1-1/1..31, span 1 looped back to
 * itself.  Per channel and 20 ms: an RTP G.729 packet in, its two frames
 * through the jitter buffer and decoded to A-law on the timeslot, 20
 * packets' worth of E1 frames built and received through the loop driver
 * (shared by the 31; no SAToP header, no socket: CPU, not the kernel), the
 * timeslot's A-law encoded to G.729 and sent as RTP: the "RTP in ->
 * G.729 decode -> PCMA -> span, and back". */
#define SPAN_CHANNELS 31

static double bench_span(struct mgw *mgw, double secs, uint64_t *iters)
{
	struct mgw_span *span = mgw->spans[0];
	uint8_t pkt_g[12 + 20];
	/* sequence, timestamps and the span clock go on from call to call */
	static struct timespec t;
	static uint64_t round;
	uint64_t n = 0;
	double t0 = now(), tn;
	unsigned int c;

	if (!round)
		t = span->t0;
	do {
		int k;

		for (k = 0; k < 8; k++, round++) {
			unsigned int p = round % NPKT;

			for (c = 0; c < SPAN_CHANNELS; c++, n++) {
				mgw_rtp_build(pkt_g, 18, false, round, round * 160, 0x3333 + c);
				memcpy(pkt_g + 12, g729_pkts[p], 20);
				mgw_media_rtp_in(mgw->endpoints[c].conns[0], pkt_g, sizeof(pkt_g), round * 160);
			}
			t.tv_nsec += 20000000;
			if (t.tv_nsec >= 1000000000) {
				t.tv_sec++;
				t.tv_nsec -= 1000000000;
			}
			mgw_span_clock(span, &t);
		}
		tn = now();
	} while (tn - t0 < secs);
	*iters = n;
	return (tn - t0) / n;
}

static struct mgw *span_mgw(void *ctx)
{
	struct mgw *mgw = mgw_alloc(ctx);
	struct mgw_span *span;
	unsigned int c;

	if (!mgw)
		return NULL;
	mgw->cfg.num_endpoints = 0;
	span = mgw_span_get(mgw, 1);
	if (!span || mgw_endp_init(mgw) < 0)
		return NULL;
	mgw->next_rtp_port = mgw->cfg.rtp_port_min = 42000 + (getpid() % 200) * 100;
	mgw->cfg.rtp_port_max = mgw->cfg.rtp_port_min + 99;
	mgw_span_loop_pair(span, span);
	if (mgw_spans_start(mgw) < 0)
		return NULL;
	for (c = 0; c < SPAN_CHANNELS; c++) {
		struct mgw_conn *conn = mgw_conn_alloc(&mgw->endpoints[c], "1");

		if (!conn)
			return NULL;
		conn->mode = MGCP_MODE_SENDRECV;
		conn->codec = MGCP_CODEC_G729;
		conn->pt = 18;
		conn->ptime = 20;
		conn->has_remote = true;
		if (mgw_endp_update_media(&mgw->endpoints[c]) < 0)
			return NULL;
	}
	return mgw;
}

/* The transcoding core alone, for the thread scaling figure. */
struct worker {
	pthread_t thread;
	double secs;
	uint64_t iters;
};

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	void *ctx = talloc_named_const(NULL, 0, "worker");
	struct mgw_xcode *to_a = mgw_xcode_alloc(ctx, MGCP_CODEC_G729, MGCP_CODEC_PCMA, 20, false);
	struct mgw_xcode *to_g = mgw_xcode_alloc(ctx, MGCP_CODEC_PCMA, MGCP_CODEC_G729, 20, false);
	struct mgw_xcode_pkt xp;
	double t0 = now();
	uint64_t n = 0;

	while (now() - t0 < w->secs) {
		int k;

		for (k = 0; k < 64; k++, n++) {
			unsigned int p = n % NPKT;

			mgw_xcode_push(to_a, g729_pkts[p], 20);
			while (mgw_xcode_pull(to_a, &xp) == 1)
				;
			mgw_xcode_push(to_g, pcma_pkts[p], 160);
			while (mgw_xcode_pull(to_g, &xp) == 1)
				;
		}
	}
	w->iters = n;
	talloc_free(ctx);
	return NULL;
}

static double bench_threads(int nthreads, double secs)
{
	struct worker w[2];
	uint64_t total = 0;
	int i;

	for (i = 0; i < nthreads; i++) {
		w[i].secs = secs;
		pthread_create(&w[i].thread, NULL, worker_main, &w[i]);
	}
	for (i = 0; i < nthreads; i++) {
		pthread_join(w[i].thread, NULL);
		total += w[i].iters;
	}
	return total / secs;	/* channel-periods per second */
}

int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : SECONDS;
	void *ctx = talloc_named_const(NULL, 0, "bench_mgw");
	struct mgw_conn *a, *b;
	struct mgw *mgw;
	uint64_t n_raw, n_path;
	double raw, path, ratio, one, two, span_path;
	struct mgw *smgw;
	uint64_t n_span, sent_before;
	int round;

	tandem_log_init(ctx);
	log_set_all_filter(osmo_stderr_target, 0);
	rate_ctr_init(ctx);
	mgw = mgw_alloc(ctx);
	if (!mgw || mgw_endp_init(mgw) < 0)
		return 1;
	mgw->next_rtp_port = mgw->cfg.rtp_port_min = 40000 + (getpid() % 500) * 40;
	mgw->cfg.rtp_port_max = mgw->cfg.rtp_port_min + 39;
	a = mgw_conn_alloc(&mgw->endpoints[0], "1");
	b = mgw_conn_alloc(&mgw->endpoints[0], "1");
	if (!a || !b) {
		fprintf(stderr, "bench_mgw: no RTP ports\n");
		return 1;
	}
	a->mode = b->mode = MGCP_MODE_SENDRECV;
	a->codec = MGCP_CODEC_PCMA;
	a->pt = 8;
	b->codec = MGCP_CODEC_G729;
	b->pt = 18;
	a->ptime = b->ptime = 20;
	a->has_remote = b->has_remote = true;
	mgw_endp_update_media(&mgw->endpoints[0]);
	mgw_media_send = count_send;
	make_input();

	/* interleave the two measurements so load changes hit both */
	raw = path = 0;
	for (round = 0; round < 3; round++) {
		double r = bench_raw(secs / 3, &n_raw), p = bench_path(a, b, secs / 3, &n_path);

		if (round == 0 || r < raw)
			raw = r;
		if (round == 0 || p < path)
			path = p;
	}
	ratio = raw / path;
	printf("bench_mgw: bcg729 encode+decode of 20 ms (2 frames each way): %.2f us -> %.0f channels/core\n",
	       raw * 1e6, 0.020 / raw);
	printf("bench_mgw: tandem-mgw path RTP G.729 -> PCMA and RTP PCMA -> G.729, 20 ms: %.2f us -> %.0f "
	       "channels/core\n",
	       path * 1e6, 0.020 / path);
	printf("bench_mgw: ratio raw/path = %.3f (goal >= 0.85) %s\n", ratio, ratio >= 0.85 ? "ok" : "BELOW GOAL");
	smgw = span_mgw(ctx);
	if (!smgw) {
		fprintf(stderr, "bench_mgw: cannot set up the span path\n");
		return 1;
	}
	sent_before = sent_bytes;
	span_path = 0;
	for (round = 0; round < 3; round++) {
		double r = bench_raw(secs / 3, &n_raw), p = bench_span(smgw, secs / 3, &n_span);

		if (round == 0 || r < raw)
			raw = r;
		if (round == 0 || p < span_path)
			span_path = p;
	}
	printf("bench_mgw: span path RTP G.729 -> A-law timeslot -> E1 frames (loop driver) -> G.729 RTP (31 channels, "
	       "20 ms): %.2f us -> %.0f channels/core\n",
	       span_path * 1e6, 0.020 / span_path);
	printf("bench_mgw: ratio raw/span path = %.3f (raw %.2f us in the same rounds; goal >= 0.85) %s\n",
	       raw / span_path, raw * 1e6,
	       raw / span_path >= 0.85 ? "ok" : "BELOW GOAL");
	if (sent_bytes == sent_before || smgw->spans[0]->stats.rx_packets == 0) {
		fprintf(stderr, "bench_mgw: the span path sent nothing\n");
		return 1;
	}
	mgw_spans_stop(smgw);
	one = bench_threads(1, secs / 2);
	two = bench_threads(2, secs / 2);
	printf("bench_mgw: transcoding core, 1 thread %.0f channels, 2 threads %.0f channels: scaling %.2fx\n",
	       one * 0.020, two * 0.020, two / one);
	if (!sent_bytes || a->tx_packets == 0 || b->tx_packets == 0) {
		fprintf(stderr, "bench_mgw: the path sent nothing\n");
		return 1;
	}
	talloc_free(ctx);
	return 0;
}
