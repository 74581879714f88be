/* tandem-mgw endpoints (rtpbridge/N) and their RTP connections.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/utils.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_media.h"
#include "mgcp/mgw_rtcp.h"
#include "mgcp/mgw_span_chan.h"
#include "mgcp/mgw_xcode.h"
#include "src/tandem_log.h"

static unsigned int n_spans(const struct mgw *mgw)
{
	unsigned int n = 0;

	while (n < MGW_SPANS_MAX && mgw->spans[n])
		n++;
	return n;
}

int mgw_endp_init(struct mgw *mgw)
{
	unsigned int i, s, ts;

	/* rtpbridge/1..N, then ds/e1-S/1..31 of each span */
	mgw->n_endpoints = mgw->cfg.num_endpoints + n_spans(mgw) * (MGW_E1_TIMESLOTS - 1);
	mgw->endpoints = talloc_zero_array(mgw, struct mgw_endpoint, mgw->n_endpoints);
	if (!mgw->endpoints)
		return -ENOMEM;
	for (i = 0; i < mgw->cfg.num_endpoints; i++) {
		struct mgw_endpoint *ep = &mgw->endpoints[i];

		ep->mgw = mgw;
		ep->nr = i + 1;
		ep->max_conns = MGW_CONNS_PER_EP;
		snprintf(ep->name, sizeof(ep->name), "rtpbridge/%u", ep->nr);
	}
	for (s = 0; s < n_spans(mgw); s++) {
		struct mgw_span *span = mgw->spans[s];

		for (ts = 1; ts < MGW_E1_TIMESLOTS; ts++, i++) {
			struct mgw_endpoint *ep = &mgw->endpoints[i];

			ep->mgw = mgw;
			ep->nr = i + 1;
			ep->max_conns = 1;
			ep->span = span;
			ep->ts = ts;
			snprintf(ep->name, sizeof(ep->name), "ds/e1-%u/%u", span->nr, ts);
			span->eps[ts] = ep;
		}
	}
	return 0;
}

struct mgw_endpoint *mgw_endp_find(struct mgw *mgw, const char *local)
{
	unsigned int i;

	for (i = 0; i < mgw->n_endpoints; i++) {
		if (!strcasecmp(mgw->endpoints[i].name, local))
			return &mgw->endpoints[i];
	}
	return NULL;
}

unsigned int mgw_endp_n_conns(const struct mgw_endpoint *ep)
{
	unsigned int i, n = 0;

	for (i = 0; i < MGW_CONNS_PER_EP; i++)
		n += ep->conns[i] != NULL;
	return n;
}

struct mgw_conn *mgw_conn_find(struct mgw_endpoint *ep, const char *id)
{
	unsigned int i;

	for (i = 0; i < MGW_CONNS_PER_EP; i++) {
		if (ep->conns[i] && !strcasecmp(ep->conns[i]->id, id))
			return ep->conns[i];
	}
	return NULL;
}

struct mgw_conn *mgw_conn_peer(struct mgw_conn *conn)
{
	unsigned int i;

	if (conn->mode == MGCP_MODE_LOOPBACK)
		return conn;
	if (conn->ep->span)
		return NULL;
	for (i = 0; i < MGW_CONNS_PER_EP; i++) {
		if (conn->ep->conns[i] && conn->ep->conns[i] != conn)
			return conn->ep->conns[i];
	}
	return NULL;
}

int32_t mgw_conn_lost(const struct mgw_conn *conn)
{
	return mgw_rtp_stats_lost(&conn->rx);
}

static int conn_bind(struct mgw_conn *conn, struct osmo_fd *ofd, uint16_t port, int (*cb)(struct osmo_fd *, unsigned int))
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons(port) };
	int fd;

	if (inet_pton(AF_INET, conn->ep->mgw->cfg.rtp_ip, &sin.sin_addr) != 1)
		return -EINVAL;
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) < 0) {
		int rc = -errno;

		close(fd);
		return rc;
	}
	osmo_fd_setup(ofd, fd, OSMO_FD_READ, cb, conn, 0);
	if (osmo_fd_register(ofd) < 0) {
		close(fd);
		ofd->fd = -1;
		return -EIO;
	}
	return 0;
}

static void conn_close(struct osmo_fd *ofd)
{
	if (ofd->fd >= 0) {
		osmo_fd_unregister(ofd);
		close(ofd->fd);
		ofd->fd = -1;
	}
}

static int conn_destructor(struct mgw_conn *conn)
{
	unsigned int i;

	mgw_rtcp_stop(conn);
	conn_close(&conn->rtp);
	conn_close(&conn->rtcp);
	for (i = 0; i < MGW_CONNS_PER_EP; i++) {
		if (conn->ep->conns[i] == conn)
			conn->ep->conns[i] = NULL;
	}
	return 0;
}

/* Even RTP port, RTCP on the next one (RFC 3550 11), anywhere in the range. */
static int conn_open_ports(struct mgw_conn *conn)
{
	struct mgw *mgw = conn->ep->mgw;
	unsigned int span = (mgw->cfg.rtp_port_max - mgw->cfg.rtp_port_min + 1) / 2, i;

	for (i = 0; i < span; i++) {
		uint16_t port = mgw->next_rtp_port;

		if (port < mgw->cfg.rtp_port_min || port + 1 > mgw->cfg.rtp_port_max)
			port = mgw->cfg.rtp_port_min + (mgw->cfg.rtp_port_min & 1);
		mgw->next_rtp_port = port + 2;
		if (conn_bind(conn, &conn->rtp, port, mgw_media_rtp_cb) < 0)
			continue;
		if (conn_bind(conn, &conn->rtcp, port + 1, mgw_media_rtcp_cb) < 0) {
			conn_close(&conn->rtp);
			continue;
		}
		conn->local_port = port;
		return 0;
	}
	return -EADDRINUSE;
}

static void conn_random(void *buf, size_t len)
{
	/* GRND_NONBLOCK: a predictable value early at boot beats blocking */
	if (getrandom(buf, len, GRND_NONBLOCK) != (ssize_t)len)
		memset(buf, 0x5a, len);
}

struct mgw_conn *mgw_conn_alloc(struct mgw_endpoint *ep, const char *call_id)
{
	struct mgw *mgw = ep->mgw;
	struct mgw_conn *conn;
	int slot;

	for (slot = 0; slot < (int)ep->max_conns && ep->conns[slot]; slot++)
		;
	if (slot == (int)ep->max_conns)
		return NULL;
	conn = talloc_zero(mgw->endpoints, struct mgw_conn);
	if (!conn)
		return NULL;
	conn->ep = ep;
	conn->rtp.fd = -1;
	conn->rtcp.fd = -1;
	conn->dtmf_pt = -1;
	ep->conns[slot] = conn;
	talloc_set_destructor(conn, conn_destructor);
	if (conn_open_ports(conn) < 0) {
		mgw_ctr_inc(mgw, MGW_CTR_RTP_PORTS_EXHAUSTED);
		LOGP(DMGW, LOGL_ERROR, "%s: no free RTP port pair in %u-%u\n", ep->name, mgw->cfg.rtp_port_min,
		     mgw->cfg.rtp_port_max);
		talloc_free(conn);
		return NULL;
	}
	/* ids unique for the gateway's life, never reused (RFC 3435 2.1.3) */
	snprintf(conn->id, sizeof(conn->id), "%X", ++mgw->next_conn_id);
	osmo_strlcpy(conn->call_id, call_id, sizeof(conn->call_id));
	/* random SSRC, first sequence number and timestamp (RFC 3550 5.1) */
	conn_random(&conn->ssrc, sizeof(conn->ssrc));
	conn_random(&conn->seq, sizeof(conn->seq));
	conn_random(&conn->ts_base, sizeof(conn->ts_base));
	mgw_rtcp_start(conn);
	return conn;
}

void mgw_conn_free(struct mgw_conn *conn)
{
	struct mgw_endpoint *ep = conn->ep;

	LOGP(DMGW, LOGL_INFO, "%s: connection %s deleted (rx %" PRIu64 " tx %" PRIu64 " lost %d)\n", ep->name,
	     conn->id, conn->rx_packets, conn->tx_packets, mgw_conn_lost(conn));
	talloc_free(conn);
	/* what a call's digits left in the quarantine list (RFC 3435 4.4.1)
	 * is not the next call's */
	if (!mgw_endp_n_conns(ep))
		ep->quarantine[0] = '\0';
	mgw_endp_update_media(ep);
}

/* The transcoder of @conn takes the peer's codec to ours. */
static int conn_update_xcode(struct mgw_conn *conn)
{
	struct mgw_conn *peer = mgw_conn_peer(conn);
	bool need = peer && peer != conn && peer->codec != MGCP_CODEC_NONE && conn->codec != MGCP_CODEC_NONE &&
		    (peer->codec != conn->codec || peer->ptime != conn->ptime);

	TALLOC_FREE(conn->xcode);
	if (!need)
		return 0;
	conn->xcode = mgw_xcode_alloc(conn, peer->codec, conn->codec, conn->ptime, conn->vad);
	if (!conn->xcode) {
		mgw_ctr_inc(conn->ep->mgw, MGW_CTR_XCODE_FAIL);
		LOGP(DMGW, LOGL_ERROR, "%s: cannot transcode %s/%u ms to %s/%u ms\n", conn->ep->name,
		     mgcp_codecs[peer->codec].name, peer->ptime, mgcp_codecs[conn->codec].name, conn->ptime);
		return -ENOTSUP;
	}
	LOGP(DMGW, LOGL_INFO, "%s: connection %s transcodes %s/%u ms to %s/%u ms\n", conn->ep->name, conn->id,
	     mgcp_codecs[peer->codec].name, peer->ptime, mgcp_codecs[conn->codec].name, conn->ptime);
	return 0;
}

int mgw_endp_update_media(struct mgw_endpoint *ep)
{
	unsigned int i;
	int rc = 0;

	for (i = 0; i < MGW_CONNS_PER_EP; i++) {
		if (!ep->conns[i])
			continue;
		if (ep->span) {
			if (mgw_chan_update(ep->conns[i]) < 0) {
				mgw_ctr_inc(ep->mgw, MGW_CTR_XCODE_FAIL);
				rc = -ENOTSUP;
			}
			continue;
		}
		if (conn_update_xcode(ep->conns[i]) < 0)
			rc = -ENOTSUP;
	}
	return rc;
}
