/* RTCP reports (RFC 3550 6.4, 6.5) for each connection.
 *
 * Interval, simplified from RFC 3550 6.2/6.3 for a two-party session with
 * no bandwidth negotiation: every X4 seconds (default 5, the RFC's
 * minimum), randomised between 0.5 and 1.5 times so that gateways do not
 * synchronise; the first report after half an interval.  A report is an
 * SR once we have sent RTP, an RR before, with one report block once the
 * peer's stream was seen, then an SDES CNAME ("mgw@<rtp ip>").  It goes to
 * the remote RTP port + 1 (no a=rtcp support).  Received SRs give LSR and
 * DLSR for our report block.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <time.h>

#include <osmocom/core/bit32gen.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_rtcp.h"
#include "src/tandem_log.h"

#define RTCP_SR 200
#define RTCP_RR 201
#define RTCP_SDES 202
#define SDES_CNAME 1
/* seconds from 1900 (NTP) to 1970 (Unix) */
#define NTP_UNIX_OFFSET 2208988800u

static void rtcp_hdr(uint8_t *p, unsigned int count, uint8_t pt, size_t len)
{
	p[0] = 0x80 | (count & 0x1f);
	p[1] = pt;
	p[2] = (len / 4 - 1) >> 8;
	p[3] = len / 4 - 1;
}

/* One report block about the peer's stream (RFC 3550 6.4.1). */
static size_t rtcp_report_block(struct mgw_conn *conn, uint8_t *p)
{
	const struct mgw_rtp_stats *s = &conn->rx;
	uint32_t expected = mgw_rtp_stats_expected(s);
	uint32_t exp_int = expected - conn->rtcp_expected_prior, rec_int = s->received - conn->rtcp_received_prior;
	int32_t lost_int = (int32_t)(exp_int - rec_int), lost = mgw_rtp_stats_lost(s);
	uint8_t fraction = 0;
	uint32_t dlsr = 0;

	conn->rtcp_expected_prior = expected;
	conn->rtcp_received_prior = s->received;
	if (exp_int && lost_int > 0)
		fraction = ((uint64_t)lost_int << 8) / exp_int;
	if (lost > 0x7fffff)
		lost = 0x7fffff;
	if (lost < -0x800000)
		lost = -0x800000;
	if (conn->last_sr_ntp) {
		struct timespec now;

		clock_gettime(CLOCK_MONOTONIC, &now);
		dlsr = (uint32_t)(((now.tv_sec - conn->last_sr_at.tv_sec) * 1000000000LL + now.tv_nsec -
				   conn->last_sr_at.tv_nsec) * 65536 / 1000000000LL);
	}
	osmo_store32be(s->ssrc, p);
	osmo_store32be(((uint32_t)fraction << 24) | ((uint32_t)lost & 0xffffff), p + 4);
	osmo_store32be(s->cycles + s->max_seq, p + 8);
	osmo_store32be(mgw_rtp_stats_jitter(s), p + 12);
	osmo_store32be(conn->last_sr_ntp, p + 16);
	osmo_store32be(dlsr, p + 20);
	return 24;
}

size_t mgw_rtcp_build(struct mgw_conn *conn, uint8_t *buf, size_t size)
{
	bool sr = conn->tx_packets > 0, rb = conn->rx.init;
	size_t off = 8, start, cname_len;
	char cname[64];

	if (size < 8 + 20 + 24 + 12 + sizeof(cname))
		return 0;
	osmo_store32be(conn->ssrc, buf + 4);
	if (sr) {
		struct timespec now;
		uint64_t frac;

		clock_gettime(CLOCK_REALTIME, &now);
		frac = ((uint64_t)now.tv_nsec << 32) / 1000000000u;
		osmo_store32be((uint32_t)now.tv_sec + NTP_UNIX_OFFSET, buf + 8);
		osmo_store32be((uint32_t)frac, buf + 12);
		osmo_store32be(conn->last_tx_ts, buf + 16);
		osmo_store32be((uint32_t)conn->tx_packets, buf + 20);
		osmo_store32be((uint32_t)conn->tx_bytes, buf + 24);
		off = 28;
	}
	if (rb)
		off += rtcp_report_block(conn, buf + off);
	rtcp_hdr(buf, rb, sr ? RTCP_SR : RTCP_RR, off);

	/* SDES with the CNAME, padded to a 32-bit boundary by END octets */
	start = off;
	cname_len = snprintf(cname, sizeof(cname), "mgw@%s", conn->ep->mgw->cfg.rtp_ip);
	if (cname_len >= sizeof(cname))
		cname_len = sizeof(cname) - 1;
	osmo_store32be(conn->ssrc, buf + off + 4);
	off += 8;
	buf[off++] = SDES_CNAME;
	buf[off++] = cname_len;
	memcpy(buf + off, cname, cname_len);
	off += cname_len;
	do
		buf[off++] = 0;
	while (off % 4);
	rtcp_hdr(buf + start, 1, RTCP_SDES, off - start);
	return off;
}

void mgw_rtcp_rx(struct mgw_conn *conn, const uint8_t *buf, size_t len)
{
	/* the compound packet was checked; only its leading SR matters here */
	if (len >= 20 && buf[1] == RTCP_SR) {
		conn->last_sr_ntp = (osmo_load32be(buf + 8) << 16) | (osmo_load32be(buf + 12) >> 16);
		clock_gettime(CLOCK_MONOTONIC, &conn->last_sr_at);
	}
}

static void rtcp_schedule(struct mgw_conn *conn, bool first)
{
	unsigned long interval_ms = osmo_tdef_get(conn->ep->mgw->tdefs, MGW_T_RTCP, OSMO_TDEF_MS, 5000);
	uint16_t r;
	unsigned long ms;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = 32768;
	/* 0.5 .. 1.5 times the interval; the first one after half of that */
	ms = interval_ms / 2 + (interval_ms * r) / 65536;
	if (first)
		ms /= 2;
	osmo_timer_schedule(&conn->rtcp_timer, ms / 1000, (ms % 1000) * 1000);
}

static void rtcp_timer_cb(void *data)
{
	struct mgw_conn *conn = data;
	struct mgw *mgw = conn->ep->mgw;
	uint8_t buf[256];
	struct sockaddr_in to;
	size_t len;

	if (conn->has_remote && conn->mode != MGCP_MODE_INACTIVE && conn->rtcp.fd >= 0) {
		len = mgw_rtcp_build(conn, buf, sizeof(buf));
		to = conn->remote;
		to.sin_port = htons(ntohs(conn->remote.sin_port) + 1);
		if (len && sendto(conn->rtcp.fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)) == (ssize_t)len) {
			conn->rtcp_tx++;
			mgw_ctr_inc(mgw, MGW_CTR_RTCP_TX);
		} else {
			mgw_ctr_inc(mgw, MGW_CTR_RTCP_TX_FAIL);
		}
	}
	rtcp_schedule(conn, false);
}

void mgw_rtcp_start(struct mgw_conn *conn)
{
	osmo_timer_setup(&conn->rtcp_timer, rtcp_timer_cb, conn);
	rtcp_schedule(conn, true);
}

void mgw_rtcp_stop(struct mgw_conn *conn)
{
	osmo_timer_del(&conn->rtcp_timer);
}
