/* tandem-mgw: the gateway object, its counters and timers, start and stop.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

struct mgw *g_mgw;

static const struct rate_ctr_desc mgw_ctr_desc[] = {
	[MGW_CTR_MGCP_RX] = { "mgcp:rx", "MGCP datagrams received" },
	[MGW_CTR_MGCP_MALFORMED] = { "mgcp:malformed", "Malformed MGCP messages (answered with an error code)" },
	[MGW_CTR_MGCP_UNANSWERABLE] = { "mgcp:unanswerable", "MGCP messages dropped without a transaction id" },
	[MGW_CTR_MGCP_RETRANSMIT] = { "mgcp:retransmit", "Retransmitted commands answered from the cache" },
	[MGW_CTR_MGCP_RESPONSE_RX] = { "mgcp:response-rx", "MGCP responses received" },
	[MGW_CTR_MGCP_TX_FAIL] = { "mgcp:tx-fail", "MGCP messages that could not be sent" },
	[MGW_CTR_MGCP_UNSUPPORTED] = { "mgcp:unsupported", "Commands a gateway does not take (NTFY, RSIP)" },
	[MGW_CTR_CRCX_OK] = { "crcx:ok", "Connections created" },
	[MGW_CTR_CRCX_FAIL] = { "crcx:fail", "CRCX refused" },
	[MGW_CTR_MDCX_OK] = { "mdcx:ok", "Connections modified" },
	[MGW_CTR_MDCX_FAIL] = { "mdcx:fail", "MDCX refused" },
	[MGW_CTR_DLCX_OK] = { "dlcx:ok", "DLCX executed" },
	[MGW_CTR_DLCX_FAIL] = { "dlcx:fail", "DLCX refused" },
	[MGW_CTR_AUDIT_OK] = { "audit:ok", "AUEP, AUCX, RQNT and EPCF answered 200" },
	[MGW_CTR_AUDIT_FAIL] = { "audit:fail", "AUEP, AUCX and EPCF refused" },
	[MGW_CTR_RQNT_FAIL] = { "rqnt:fail", "RQNT refused (events or signals not supported)" },
	[MGW_CTR_RSIP_TX] = { "rsip:tx", "RSIP sent (retransmissions included)" },
	[MGW_CTR_RSIP_TIMEOUT] = { "rsip:timeout", "RSIP procedures the call agent never answered" },
	[MGW_CTR_RSIP_REJECTED] = { "rsip:rejected", "RSIP answered with an error" },
	[MGW_CTR_RTP_RX] = { "rtp:rx", "RTP packets received" },
	[MGW_CTR_RTP_TX] = { "rtp:tx", "RTP packets sent" },
	[MGW_CTR_RTP_DROP_SHORT] = { "rtp:drop-short", "RTP dropped: shorter than the header" },
	[MGW_CTR_RTP_DROP_VERSION] = { "rtp:drop-version", "RTP dropped: version not 2" },
	[MGW_CTR_RTP_DROP_CSRC] = { "rtp:drop-csrc", "RTP dropped: CSRC count past the end" },
	[MGW_CTR_RTP_DROP_EXT] = { "rtp:drop-ext", "RTP dropped: header extension past the end" },
	[MGW_CTR_RTP_DROP_PADDING] = { "rtp:drop-padding", "RTP dropped: bad padding" },
	[MGW_CTR_RTP_DROP_EMPTY] = { "rtp:drop-empty", "RTP dropped: no payload" },
	[MGW_CTR_RTP_DROP_PT] = { "rtp:drop-pt", "RTP dropped: payload type not negotiated" },
	[MGW_CTR_RTP_DROP_SOURCE] = { "rtp:drop-source", "RTP dropped: not from the connection's remote" },
	[MGW_CTR_RTP_DROP_LATE] = { "rtp:drop-late", "RTP dropped: duplicate, late or after a sequence jump" },
	[MGW_CTR_RTP_DROP_PAYLOAD] = { "rtp:drop-payload", "RTP dropped: payload impossible for the codec" },
	[MGW_CTR_RTP_DROP_MODE] = { "rtp:drop-mode", "RTP dropped: connection mode does not receive" },
	[MGW_CTR_RTP_TX_FAIL] = { "rtp:tx-fail", "RTP packets that could not be sent" },
	[MGW_CTR_RTP_PORTS_EXHAUSTED] = { "rtp:ports-exhausted", "Connections refused for want of an RTP port" },
	[MGW_CTR_RTCP_RX] = { "rtcp:rx", "RTCP packets received" },
	[MGW_CTR_RTCP_BAD] = { "rtcp:bad", "RTCP packets dropped as malformed" },
	[MGW_CTR_XCODE_OVERFLOW] = { "xcode:overflow", "Payloads dropped: transcoder queue full" },
	[MGW_CTR_XCODE_CONCEALED] = { "xcode:concealed", "Gaps filled by packet loss concealment" },
	[MGW_CTR_XCODE_FAIL] = { "xcode:fail", "Transcoders that could not be set up" },
	[MGW_CTR_SPAN_TX] = { "span:tx", "Span packets sent" },
	[MGW_CTR_SPAN_TX_FAIL] = { "span:tx-fail", "Span packets that could not be sent" },
	[MGW_CTR_SPAN_RX] = { "span:rx", "Span packets received (well-formed)" },
	[MGW_CTR_SPAN_LOST] = { "span:lost", "Span packets missing in the sequence" },
	[MGW_CTR_SPAN_OOO] = { "span:out-of-order", "Span packets dropped as duplicate or out of order" },
	[MGW_CTR_SPAN_MALFORMED] = { "span:malformed", "Span packets dropped as malformed or foreign" },
	[MGW_CTR_JB_LATE] = { "jb:late", "RTP packets too late for the jitter buffer" },
	[MGW_CTR_JB_UNDERRUN] = { "jb:underrun", "Jitter buffer ran dry" },
	[MGW_CTR_DTMF_RX_EVENT] = { "dtmf:event-rx", "RFC 4733 digits played in band" },
	[MGW_CTR_DTMF_DETECTED] = { "dtmf:detected", "In-band digits detected" },
	[MGW_CTR_DTMF_TX_EVENT] = { "dtmf:event-tx", "RFC 4733 event packets sent" },
	[MGW_CTR_NTFY_TX] = { "ntfy:tx", "NTFY sent" },
	[MGW_CTR_NTFY_FAIL] = { "ntfy:fail", "NTFY that could not be sent or were never answered" },
	[MGW_CTR_NTFY_RETRANSMIT] = { "ntfy:retransmit", "NTFY sent again for want of an answer" },
	[MGW_CTR_RTCP_TX] = { "rtcp:tx", "RTCP compound packets sent" },
	[MGW_CTR_RTCP_TX_FAIL] = { "rtcp:tx-fail", "RTCP packets that could not be sent" },
};

static const struct rate_ctr_group_desc mgw_ctrg_desc = {
	.group_name_prefix = "mgw",
	.group_description = "Media gateway",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(mgw_ctr_desc),
	.ctr_desc = mgw_ctr_desc,
};

static const struct osmo_tdef mgw_tdefs_default[] = {
	{ .T = MGW_T_RSIP, .default_val = 1, .unit = OSMO_TDEF_S,
	  .desc = "RSIP and NTFY retransmission interval" },
	{ .T = MGW_T_RSIP_DISC, .default_val = 15, .unit = OSMO_TDEF_S,
	  .desc = "RSIP retry interval after the call agent stayed silent" },
	{ .T = MGW_T_HIST, .default_val = 30, .unit = OSMO_TDEF_S,
	  .desc = "How long responses are kept for retransmitted commands (T-hist)" },
	{ .T = MGW_T_RTCP, .default_val = 5, .unit = OSMO_TDEF_S, .min_val = 1, .max_val = 3600,
	  .desc = "RTCP report interval (randomised 0.5..1.5 times, RFC 3550 6.2)" },
	{}
};

void mgw_ctr_inc(struct mgw *mgw, enum mgw_ctr ctr)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(mgw->ctrs, ctr));
}

struct mgw *mgw_alloc(void *ctx)
{
	struct mgw *mgw = talloc_zero(ctx, struct mgw);

	if (!mgw)
		return NULL;
	mgw->ctx = ctx;
	mgw->mgcp_ofd.fd = -1;
	INIT_LLIST_HEAD(&mgw->trans_cache);
	INIT_LLIST_HEAD(&mgw->ntfy_pending);
	clock_gettime(CLOCK_MONOTONIC, &mgw->started);
	mgw->cfg.bind_ip = talloc_strdup(mgw, "127.0.0.1");
	mgw->cfg.bind_port = MGW_MGCP_PORT;
	mgw->cfg.domain = talloc_strdup(mgw, "mgw");
	mgw->cfg.rtp_ip = talloc_strdup(mgw, "127.0.0.1");
	mgw->cfg.rtp_port_min = 16002;
	mgw->cfg.rtp_port_max = 16999;
	mgw->cfg.num_endpoints = 32;
	mgw->cfg.n_codec_pref = 3;
	mgw->cfg.codec_pref[0] = MGCP_CODEC_PCMA;
	mgw->cfg.codec_pref[1] = MGCP_CODEC_PCMU;
	mgw->cfg.codec_pref[2] = MGCP_CODEC_G729;
	mgw->ctrs = rate_ctr_group_alloc(mgw, &mgw_ctrg_desc, 0);
	mgw->tdefs = talloc_memdup(mgw, mgw_tdefs_default, sizeof(mgw_tdefs_default));
	if (!mgw->ctrs || !mgw->tdefs || !mgw->cfg.bind_ip || !mgw->cfg.domain || !mgw->cfg.rtp_ip) {
		talloc_free(mgw);
		return NULL;
	}
	osmo_tdefs_reset(mgw->tdefs);
	mgw->h248 = mgw_h248_alloc(mgw);
	if (!mgw->h248) {
		talloc_free(mgw);
		return NULL;
	}
	g_mgw = mgw;
	return mgw;
}

int mgw_start(struct mgw *mgw)
{
	unsigned int n_spans, fds;
	int rc;

	if (mgw->cfg.rtp_port_max <= mgw->cfg.rtp_port_min) {
		fprintf(stderr, "tandem-mgw: rtp port-range %u %u holds no port pair\n", mgw->cfg.rtp_port_min,
			mgw->cfg.rtp_port_max);
		return -EINVAL;
	}
	for (n_spans = 0; n_spans < MGW_SPANS_MAX && mgw->spans[n_spans]; n_spans++)
		;
	/* each connection has 2 sockets, each span one more; select() stops at 1024 */
	fds = mgw->cfg.num_endpoints * MGW_CONNS_PER_EP * 2 + n_spans * ((MGW_E1_TIMESLOTS - 1) * 2 + 1);
	if (fds > MGW_FDS_MAX) {
		fprintf(stderr, "tandem-mgw: %u rtpbridge endpoints and %u spans need up to %u sockets, more than %u\n",
			mgw->cfg.num_endpoints, n_spans, fds, MGW_FDS_MAX);
		return -EINVAL;
	}
	mgw->next_rtp_port = mgw->cfg.rtp_port_min;
	rc = mgw_endp_init(mgw);
	if (rc < 0)
		return rc;
	rc = mgw_mgcp_open(mgw);
	if (rc < 0) {
		fprintf(stderr, "tandem-mgw: cannot bind MGCP to %s:%u: %s\n", mgw->cfg.bind_ip, mgw->cfg.bind_port,
			strerror(-rc));
		return rc;
	}
	rc = mgw_spans_start(mgw);
	if (rc < 0) {
		fprintf(stderr, "tandem-mgw: cannot open the spans: %s\n", strerror(-rc));
		mgw_spans_stop(mgw);
		return rc;
	}
	rc = mgw_h248_start(mgw->h248);
	if (rc < 0) {
		mgw_spans_stop(mgw);
		return rc;
	}
	mgw->running = true;
	LOGP(DMGW, LOGL_NOTICE, "MGCP on %s:%u, domain %s, %u rtpbridge endpoints, RTP %s:%u-%u\n",
	     mgw->cfg.bind_ip, mgw->cfg.bind_port, mgw->cfg.domain, mgw->n_endpoints, mgw->cfg.rtp_ip,
	     mgw->cfg.rtp_port_min, mgw->cfg.rtp_port_max);
	return mgw_rsip_start(mgw);
}

void mgw_stop(struct mgw *mgw)
{
	unsigned int i, j;

	if (!mgw->running)
		return;
	mgw_rsip_shutdown(mgw);
	mgw_h248_stop(mgw->h248);
	mgw_spans_stop(mgw);
	for (i = 0; i < mgw->n_endpoints; i++) {
		for (j = 0; j < MGW_CONNS_PER_EP; j++) {
			if (mgw->endpoints[i].conns[j])
				talloc_free(mgw->endpoints[i].conns[j]);
		}
	}
	mgw_trans_flush(mgw);
	mgw_ntfy_flush(mgw);
	if (mgw->rsip_fi) {
		osmo_fsm_inst_free(mgw->rsip_fi);
		mgw->rsip_fi = NULL;
	}
	if (mgw->mgcp_ofd.fd >= 0) {
		osmo_fd_unregister(&mgw->mgcp_ofd);
		close(mgw->mgcp_ofd.fd);
		mgw->mgcp_ofd.fd = -1;
	}
	mgw->running = false;
}
