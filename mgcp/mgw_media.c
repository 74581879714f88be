/* tandem-mgw's media path.
 *
 * A packet received on one connection of an rtpbridge endpoint is checked
 * (RFC 3550 header, payload type, payload length), accounted in the
 * connection's receiver statistics, and sent from the peer connection to
 * the peer's remote address: relayed with the peer's own SSRC, sequence and
 * timestamp base when both sides use the same codec and packetisation,
 * transcoded otherwise.  Anything wrong is dropped and counted; nothing
 * about one connection can affect another.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_media.h"
#include "mgcp/mgw_rtcp.h"
#include "mgcp/mgw_span_chan.h"
#include "mgcp/mgw_xcode.h"
#include "src/tandem_log.h"

static int media_sendto(struct mgw_conn *conn, const uint8_t *pkt, size_t len)
{
	return sendto(conn->rtp.fd, pkt, len, 0, (const struct sockaddr *)&conn->remote, sizeof(conn->remote));
}

int (*mgw_media_send)(struct mgw_conn *conn, const uint8_t *pkt, size_t len) = media_sendto;

bool mgw_media_payload_ok(enum mgcp_codec codec, size_t len)
{
	if (len == 0 || len > MGW_PAYLOAD_MAX)
		return false;
	if (codec == MGCP_CODEC_G729)
		return len % MGW_G729_SPEECH_LEN == 0 || len % MGW_G729_SPEECH_LEN == MGW_G729_SID_LEN;
	return true;
}

bool mgw_mode_receives(enum mgcp_conn_mode m)
{
	return m == MGCP_MODE_SENDRECV || m == MGCP_MODE_RECVONLY || m == MGCP_MODE_LOOPBACK ||
	       m == MGCP_MODE_CONFRNCE;
}

bool mgw_mode_sends(enum mgcp_conn_mode m)
{
	return m == MGCP_MODE_SENDRECV || m == MGCP_MODE_SENDONLY || m == MGCP_MODE_LOOPBACK ||
	       m == MGCP_MODE_CONFRNCE;
}

void mgw_media_out_pt(struct mgw_conn *out, uint8_t pt, const uint8_t *payload, size_t len, uint32_t ts,
		      bool marker)
{
	uint8_t pkt[MGW_RTP_HDR_LEN + MGW_PAYLOAD_MAX];
	struct mgw *mgw = out->ep->mgw;

	if (len > MGW_PAYLOAD_MAX) {
		mgw_ctr_inc(mgw, MGW_CTR_RTP_TX_FAIL);
		return;
	}
	out->last_tx_ts = out->ts_base + ts;
	mgw_rtp_build(pkt, pt, marker, out->seq++, out->last_tx_ts, out->ssrc);
	memcpy(pkt + MGW_RTP_HDR_LEN, payload, len);
	if (mgw_media_send(out, pkt, MGW_RTP_HDR_LEN + len) < 0) {
		mgw_ctr_inc(mgw, MGW_CTR_RTP_TX_FAIL);
		return;
	}
	out->tx_packets++;
	out->tx_bytes += len;
	mgw_ctr_inc(mgw, MGW_CTR_RTP_TX);
}

void mgw_media_out(struct mgw_conn *out, const uint8_t *payload, size_t len, uint32_t ts, bool marker)
{
	mgw_media_out_pt(out, out->pt, payload, len, ts, marker);
}

static void media_drop(struct mgw_conn *conn, enum mgw_ctr ctr)
{
	conn->rx_dropped++;
	mgw_ctr_inc(conn->ep->mgw, ctr);
}

void mgw_media_rtp_in(struct mgw_conn *conn, const uint8_t *pkt, size_t len, uint32_t arrival)
{
	static const enum mgw_ctr err_ctr[] = {
		[MGW_RTP_ERR_SHORT] = MGW_CTR_RTP_DROP_SHORT,	  [MGW_RTP_ERR_VERSION] = MGW_CTR_RTP_DROP_VERSION,
		[MGW_RTP_ERR_CSRC] = MGW_CTR_RTP_DROP_CSRC,	  [MGW_RTP_ERR_EXT] = MGW_CTR_RTP_DROP_EXT,
		[MGW_RTP_ERR_PADDING] = MGW_CTR_RTP_DROP_PADDING, [MGW_RTP_ERR_EMPTY] = MGW_CTR_RTP_DROP_EMPTY,
		[MGW_RTP_ERR_RTCP] = MGW_CTR_RTP_DROP_SHORT,
	};
	struct mgw *mgw = conn->ep->mgw;
	const uint8_t *payload;
	struct mgw_rtp_hdr h;
	struct mgw_conn *out;
	bool is_event;
	int rc, gap;

	mgw_ctr_inc(mgw, MGW_CTR_RTP_RX);
	rc = mgw_rtp_parse(pkt, len, &h);
	if (rc < 0) {
		media_drop(conn, err_ctr[-rc]);
		LOGP(DMGW, LOGL_DEBUG, "%s/%s: RTP dropped: %s\n", conn->ep->name, conn->id,
		     get_value_string(mgw_rtp_err_names, -rc));
		return;
	}
	is_event = conn->chan && conn->dtmf_pt >= 0 && h.pt == conn->dtmf_pt;
	if (conn->codec == MGCP_CODEC_NONE || (h.pt != conn->pt && !is_event)) {
		media_drop(conn, MGW_CTR_RTP_DROP_PT);
		return;
	}
	payload = pkt + h.payload_off;
	if (is_event ? h.payload_len % MGW_DTMF_EVENT_LEN != 0 : !mgw_media_payload_ok(conn->codec, h.payload_len)) {
		media_drop(conn, MGW_CTR_RTP_DROP_PAYLOAD);
		return;
	}
	if (!mgw_mode_receives(conn->mode)) {
		media_drop(conn, MGW_CTR_RTP_DROP_MODE);
		return;
	}
	gap = mgw_rtp_stats_update(&conn->rx, h.ssrc, h.seq, h.ts, arrival);
	conn->rx_packets++;
	conn->rx_bytes += h.payload_len;
	if (conn->chan && conn->mode != MGCP_MODE_LOOPBACK) {
		/* the jitter buffer puts reordered packets back in place */
		if (gap == MGW_RTP_SEQ_JUMP) {
			media_drop(conn, MGW_CTR_RTP_DROP_LATE);
			return;
		}
		mgw_chan_rtp_in(conn, &h, payload, arrival);
		return;
	}
	if (gap < 0) {
		media_drop(conn, MGW_CTR_RTP_DROP_LATE);
		return;
	}

	out = mgw_conn_peer(conn);
	if (!out || !out->has_remote || !mgw_mode_sends(out->mode))
		return;

	if (!out->xcode) {
		mgw_media_out(out, payload, h.payload_len, h.ts, h.marker);
		return;
	}
	if (gap > 0) {
		/* one lost packet is ptime/10 frames; the transcoder caps it */
		rc = mgw_xcode_conceal(out->xcode, gap * (conn->ptime / 10));
		if (rc > 0)
			mgw_ctr_inc(mgw, MGW_CTR_XCODE_CONCEALED);
	}
	rc = mgw_xcode_push(out->xcode, payload, h.payload_len);
	if (rc < 0) {
		media_drop(conn, rc == -MGW_XCODE_ERR_OVERFLOW ? MGW_CTR_XCODE_OVERFLOW : MGW_CTR_RTP_DROP_PAYLOAD);
		return;
	}
	for (;;) {
		struct mgw_xcode_pkt xp;

		if (mgw_xcode_pull(out->xcode, &xp) != 1)
			break;
		mgw_media_out(out, xp.data, xp.len, xp.ts, xp.marker);
	}
}

/* RTP clock units (8 kHz) of the monotonic clock: arrival times for jitter. */
static uint32_t media_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint32_t)((uint64_t)ts.tv_sec * 8000 + ts.tv_nsec / 125000);
}

int mgw_media_rtp_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct mgw_conn *conn = ofd->data;
	uint8_t buf[MGW_RTP_MAX_PKT];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	ssize_t n;

	n = recvfrom(ofd->fd, buf, sizeof(buf), 0, (struct sockaddr *)&from, &flen);
	if (n < 0)
		return 0;
	/* only the remote the call agent gave us may feed this connection */
	if (conn->has_remote &&
	    (from.sin_addr.s_addr != conn->remote.sin_addr.s_addr || from.sin_port != conn->remote.sin_port)) {
		media_drop(conn, MGW_CTR_RTP_DROP_SOURCE);
		return 0;
	}
	mgw_media_rtp_in(conn, buf, n, media_now());
	return 0;
}

int mgw_media_rtcp_cb(struct osmo_fd *ofd, unsigned int what)
{
	struct mgw_conn *conn = ofd->data;
	uint8_t buf[MGW_RTP_MAX_PKT];
	ssize_t n;

	n = recv(ofd->fd, buf, sizeof(buf), 0);
	if (n < 0)
		return 0;
	if (mgw_rtcp_check(buf, n) < 0) {
		mgw_ctr_inc(conn->ep->mgw, MGW_CTR_RTCP_BAD);
		return 0;
	}
	conn->rtcp_rx++;
	mgw_ctr_inc(conn->ep->mgw, MGW_CTR_RTCP_RX);
	mgw_rtcp_rx(conn, buf, n);
	return 0;
}
