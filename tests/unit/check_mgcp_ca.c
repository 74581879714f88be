/* Unit tests of the MGCP call agent (mgcp/mgcp_ca*.c) over real UDP
 * sockets on 127.0.0.1, the test playing the gateway: retransmission and
 * timeout, response matching, duplicates, provisional responses and
 * response acknowledgement, RSIP/NTFY/unknown commands, orphaned CRCX,
 * the transaction bound, endpoint names, and the SDP offer/answer of
 * src/cc_media_sdp.c.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>

#include "mgcp/mgcp_ca.h"
#include "src/cc_media_gw.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"
#include "tests/unit/script_mgw.h"
#include "tests/unit/testlib.h"

/* ---- the call agent under test ---- */

struct outcome {
	unsigned int calls;
	bool timeout;
	unsigned int code;
	char conn_id[MGCP_ID_MAX + 1];
	unsigned int rsips;
	enum mgcp_restart_method rm;
	char rsip_ep[MGCP_ENDPOINT_MAX + 1];
	unsigned int ntfys;
};

static void resp_cb(struct mgcp_ca_trans *t, const struct mgcp_msg *resp, void *priv)
{
	struct outcome *o = priv;

	o->calls++;
	o->timeout = !resp;
	if (resp) {
		o->code = resp->code;
		osmo_strlcpy(o->conn_id, resp->conn_id, sizeof(o->conn_id));
	}
}

static void rsip_cb(struct mgcp_ca *ca, const struct mgcp_msg *cmd, void *priv)
{
	struct outcome *o = priv;

	o->rsips++;
	o->rm = cmd->restart_method;
	osmo_strlcpy(o->rsip_ep, cmd->endpoint, sizeof(o->rsip_ep));
}

static void ntfy_cb(struct mgcp_ca *ca, const struct mgcp_msg *cmd, void *priv)
{
	((struct outcome *)priv)->ntfys++;
}

static const struct mgcp_ca_ops test_ops = { .rsip = rsip_cb, .ntfy = ntfy_cb };

/* A gateway socket and a started call agent pointing at it. */
static struct mgcp_ca *ca_start(struct script_gw *g, struct outcome *o)
{
	struct mgcp_ca *ca = mgcp_ca_alloc(tt_ctx, "t", 0);

	gw_open(g);

	ck_assert_ptr_nonnull(ca);
	ca->cfg.local_port = 0;
	ca->cfg.remote_port = g->port;
	ca->ops = &test_ops;
	ca->priv = o;
	/* no keepalive: the test decides every datagram */
	osmo_tdef_set(ca->tdefs, MGCP_CA_T_KEEPALIVE, 0, OSMO_TDEF_S);
	ck_assert_int_eq(mgcp_ca_start(ca), 0);
	ck_assert_uint_ne(mgcp_ca_local_port(ca), 0);
	/* the gateway answers where the agent listens */
	g->ca_addr.sin_family = AF_INET;
	g->ca_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->ca_addr.sin_port = htons(mgcp_ca_local_port(ca));
	return ca;
}

static void ca_finish(struct mgcp_ca *ca, struct script_gw *g)
{
	talloc_free(ca);
	close(g->fd);
}

static void crcx(struct mgcp_ca *ca, struct outcome *o, struct mgcp_ca_trans **tp)
{
	struct mgcp_msg *m = talloc_zero(tt_ctx, struct mgcp_msg);

	ck_assert_int_eq(mgcp_msg_init_cmd(m, MGCP_VERB_CRCX, 1, "rtpbridge/*@mgw"), 0);
	strcpy(m->call_id, "abc1");
	m->present |= MGCP_P_CALL_ID;
	m->mode = MGCP_MODE_RECVONLY;
	m->present |= MGCP_P_MODE;
	ck_assert_int_eq(mgcp_ca_send(ca, m, resp_cb, o, tp), 0);
	talloc_free(m);
}

static uint64_t ctr(struct mgcp_ca *ca, enum mgcp_ca_ctr c)
{
	return rate_ctr_group_get_ctr(ca->ctrs, c)->current;
}

static bool outcome_called(void *arg)
{
	return ((struct outcome *)arg)->calls > 0;
}

START_TEST(test_rto_schedule)
{
	struct mgcp_ca *ca = mgcp_ca_alloc(tt_ctx, "t", 0);
	const unsigned long dflt[] = { 200, 400, 800, 1600, 3200, 4000, 4000 };
	unsigned int i;

	/* RFC 3435 3.5 defaults: 200 ms doubling up to 4 s */
	for (i = 0; i < ARRAY_SIZE(dflt); i++)
		ck_assert_uint_eq(mgcp_ca_rto(ca, i), dflt[i]);
	osmo_tdef_set(ca->tdefs, MGCP_CA_T_RTO_INIT, 30, OSMO_TDEF_MS);
	osmo_tdef_set(ca->tdefs, MGCP_CA_T_RTO_MAX, 100, OSMO_TDEF_MS);
	ck_assert_uint_eq(mgcp_ca_rto(ca, 0), 30);
	ck_assert_uint_eq(mgcp_ca_rto(ca, 1), 60);
	ck_assert_uint_eq(mgcp_ca_rto(ca, 2), 100);
	ck_assert_uint_eq(mgcp_ca_rto(ca, 40), 100);
	talloc_free(ca);
}
END_TEST

START_TEST(test_retransmit_then_timeout)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct mgcp_ca *ca;
	struct rx_wait w;
	char first[MGCP_MSG_MAX + 1];
	unsigned int copies = 0;

	ca = ca_start(&g, &o);
	osmo_tdef_set(ca->tdefs, MGCP_CA_T_RTO_INIT, 10, OSMO_TDEF_MS);
	osmo_tdef_set(ca->tdefs, MGCP_CA_T_RTO_MAX, 40, OSMO_TDEF_MS);
	osmo_tdef_set(ca->tdefs, MGCP_CA_T_RETRANS, 3, OSMO_TDEF_CUSTOM);
	crcx(ca, &o, NULL);
	ck_assert_uint_eq(mgcp_ca_outstanding(ca), 1);
	ck_assert_msg(spin(outcome_called, &o), "no timeout");
	ck_assert(o.timeout);
	ck_assert_uint_eq(o.calls, 1);
	/* the silent gateway got the command once plus 3 identical retransmissions */
	w.g = &g;
	while (gw_has_datagram(&w)) {
		if (!copies++)
			strcpy(first, w.buf);
		else
			ck_assert_str_eq(w.buf, first);
	}
	ck_assert_uint_eq(copies, 4);
	ck_assert_ptr_nonnull(strstr(first, "CRCX "));
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_TX_RETRANS), 3);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_TIMEOUT), 1);
	ck_assert_int_eq(ca->state, MGCP_CA_ST_DOWN);
	ck_assert_uint_eq(mgcp_ca_outstanding(ca), 0);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_response_matching_and_duplicates)
{
	struct script_gw g;
	struct outcome o = { 0 }, o2 = { 0 };
	struct mgcp_ca *ca;
	struct rx_wait w;
	uint32_t id1, id2;
	char resp[128];

	ca = ca_start(&g, &o);
	crcx(ca, &o, NULL);
	id1 = trans_id_of(gw_recv(&g, &w));
	crcx(ca, &o2, NULL);
	id2 = trans_id_of(gw_recv(&g, &w));
	ck_assert_uint_ne(id1, id2);

	/* answers out of order go to their own transaction */
	snprintf(resp, sizeof(resp), "510 %u Protocol error\r\n", id2);
	gw_send(&g, resp);
	snprintf(resp, sizeof(resp), "200 %u OK\r\nI: 5A\r\n", id1);
	gw_send(&g, resp);
	ck_assert(spin(outcome_called, &o));
	ck_assert(spin(outcome_called, &o2));
	ck_assert_uint_eq(o.code, 200);
	ck_assert_str_eq(o.conn_id, "5A");
	ck_assert_uint_eq(o2.code, 510);
	ck_assert_int_eq(ca->state, MGCP_CA_ST_UP);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_RX_ERROR), 1);

	/* the same answer again, and one to nothing of ours: ignored, counted */
	gw_send(&g, resp);
	snprintf(resp, sizeof(resp), "200 %u OK\r\n", id2 + 1000);
	gw_send(&g, resp);
	/* a malformed one */
	gw_send(&g, "2x0 17 bad\r\n");
	crcx(ca, &o, NULL);	/* a marker: once it is answered, the above was read */
	id1 = trans_id_of(gw_recv(&g, &w));
	o.calls = 0;
	snprintf(resp, sizeof(resp), "200 %u OK\r\n", id1);
	gw_send(&g, resp);
	ck_assert(spin(outcome_called, &o));
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_RX_DUPLICATE), 1);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_RX_UNKNOWN), 1);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_RX_MALFORMED), 1);
	ck_assert_uint_eq(o.calls, 1);
	ck_assert_uint_eq(o2.calls, 1);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_provisional_and_response_ack)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct mgcp_ca *ca;
	struct rx_wait w;
	uint32_t id;
	char resp[128], ack[32];

	ca = ca_start(&g, &o);
	crcx(ca, &o, NULL);
	id = trans_id_of(gw_recv(&g, &w));
	snprintf(resp, sizeof(resp), "100 %u Pending\r\n", id);
	gw_send(&g, resp);
	snprintf(resp, sizeof(resp), "200 %u OK\r\nI: 7\r\nK:\r\n", id);
	gw_send(&g, resp);
	ck_assert(spin(outcome_called, &o));
	ck_assert_uint_eq(o.code, 200);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_RX_PROVISIONAL), 1);
	/* RFC 3435 3.5.6: the final after a provisional is acknowledged by 000,
	 * skipping any retransmission of the command still in flight */
	snprintf(ack, sizeof(ack), "000 %u", id);
	do {
		gw_recv(&g, &w);
	} while (strncmp(w.buf, "CRCX", 4) == 0);
	ck_assert_msg(strncmp(w.buf, ack, strlen(ack)) == 0, "got %s", w.buf);
	/* the final repeated: our 000 was lost, send it again */
	gw_send(&g, resp);
	gw_recv(&g, &w);
	ck_assert_msg(strncmp(w.buf, ack, strlen(ack)) == 0, "got %s", w.buf);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_TX_ACK), 2);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_gateway_commands)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct mgcp_ca *ca;
	struct rx_wait w;

	ca = ca_start(&g, &o);
	gw_send(&g, "RSIP 77 *@mgw MGCP 1.0\r\nRM: forced\r\n");
	ck_assert_str_eq(gw_recv(&g, &w), "200 77 OK\r\n");
	ck_assert_uint_eq(o.rsips, 1);
	ck_assert_int_eq(o.rm, MGCP_RM_FORCED);
	ck_assert_str_eq(o.rsip_ep, "*@mgw");
	ck_assert_int_eq(ca->state, MGCP_CA_ST_UP);
	/* RSIP brings an AUEP to learn what is left (keepalives off or not) */
	ck_assert_ptr_nonnull(strstr(gw_recv(&g, &w), "AUEP "));
	ck_assert_ptr_nonnull(strstr(w.buf, " *@mgw MGCP 1.0"));
	/* retransmitted RSIP: same answer, not acted on twice */
	gw_send(&g, "RSIP 77 *@mgw MGCP 1.0\r\nRM: forced\r\n");
	ck_assert_str_eq(gw_recv(&g, &w), "200 77 OK\r\n");
	ck_assert_uint_eq(o.rsips, 1);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_RX_CMD_DUPLICATE), 1);

	gw_send(&g, "NTFY 78 ds/e1-1/3@mgw MGCP 1.0\r\nX: 12\r\nO: L/hu\r\n");
	ck_assert_str_eq(gw_recv(&g, &w), "200 78 OK\r\n");
	ck_assert_uint_eq(o.ntfys, 1);
	/* commands a call agent does not execute, and unknown verbs: 504 */
	gw_send(&g, "CRCX 79 ds/e1-1/3@mgw MGCP 1.0\r\nC: 1\r\nM: recvonly\r\n");
	ck_assert_ptr_nonnull(strstr(gw_recv(&g, &w), "504 79"));
	gw_send(&g, "XYZW 80 ds/e1-1/3@mgw MGCP 1.0\r\n");
	ck_assert_ptr_nonnull(strstr(gw_recv(&g, &w), "504 80"));
	/* a bad parameter in a command: the codec's return code */
	gw_send(&g, "RSIP 81 *@mgw MGCP 1.0\r\nRM: sometime\r\n");
	ck_assert_ptr_nonnull(strstr(gw_recv(&g, &w), "81"));
	ck_assert_uint_eq(o.rsips, 1);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_RX_UNSUPPORTED), 2);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_orphan_crcx_is_deleted)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct mgcp_ca_trans *t;
	struct mgcp_ca *ca;
	struct rx_wait w;
	uint32_t id;
	char resp[160];

	ca = ca_start(&g, &o);
	crcx(ca, &o, &t);
	id = trans_id_of(gw_recv(&g, &w));
	mgcp_ca_trans_orphan(t);
	snprintf(resp, sizeof(resp), "200 %u OK\r\nI: 1F\r\nZ: rtpbridge/4@mgw\r\n\r\nv=0\r\n"
		 "o=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 16002 RTP/AVP 8\r\n", id);
	gw_send(&g, resp);
	do {
		gw_recv(&g, &w);
	} while (strncmp(w.buf, "CRCX", 4) == 0);
	ck_assert_msg(strncmp(w.buf, "DLCX ", 5) == 0, "got %s", w.buf);
	ck_assert_ptr_nonnull(strstr(w.buf, " rtpbridge/4@mgw MGCP 1.0"));
	ck_assert_ptr_nonnull(strstr(w.buf, "I: 1F"));
	ck_assert_ptr_nonnull(strstr(w.buf, "C: abc1"));
	ck_assert_uint_eq(o.calls, 0);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_ORPHAN_DLCX), 1);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_transaction_bound)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct mgcp_msg *m = talloc_zero(tt_ctx, struct mgcp_msg);
	struct mgcp_ca *ca;
	unsigned int i;

	ca = ca_start(&g, &o);
	for (i = 0; i < MGCP_CA_TRANS_MAX; i++) {
		mgcp_msg_init_cmd(m, MGCP_VERB_AUEP, 1, "x@mgw");
		ck_assert_int_eq(mgcp_ca_send(ca, m, resp_cb, &o, NULL), 0);
	}
	mgcp_msg_init_cmd(m, MGCP_VERB_AUEP, 1, "x@mgw");
	ck_assert_int_eq(mgcp_ca_send(ca, m, resp_cb, &o, NULL), -ENOSPC);
	ck_assert_uint_eq(ctr(ca, MGCP_CA_CTR_OVERFLOW), 1);
	/* stopping ends every transaction with a callback */
	mgcp_ca_stop(ca);
	ck_assert_uint_eq(o.calls, MGCP_CA_TRANS_MAX);
	ck_assert_int_eq(mgcp_ca_send(ca, m, resp_cb, &o, NULL), -ENOTCONN);
	talloc_free(m);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_endpoint_names)
{
	char buf[MGCP_ENDPOINT_MAX + 1], big[400];

	ck_assert_int_eq(mgcp_ca_endpoint_expand("ds/e1-1/{cic}@mgw", 17, buf, sizeof(buf)), 14);
	ck_assert_str_eq(buf, "ds/e1-1/17@mgw");
	ck_assert_int_gt(mgcp_ca_endpoint_expand("rtpbridge/*@mgw", 3, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "rtpbridge/*@mgw");
	ck_assert_int_gt(mgcp_ca_endpoint_expand("ds/{cic}@mgw", 16383, buf, sizeof(buf)), 0);
	ck_assert_str_eq(buf, "ds/16383@mgw");
	/* too long for the buffer, too long for MGCP, not an endpoint */
	ck_assert_int_eq(mgcp_ca_endpoint_expand("ds/{cic}@mgw", 17, buf, 8), -ENOSPC);
	memset(big, 'a', 300);
	strcpy(big + 300, "{cic}@mgw");
	ck_assert_int_eq(mgcp_ca_endpoint_expand(big, 1, big + 320, 80), -ENOSPC);
	ck_assert_int_eq(mgcp_ca_endpoint_expand("no-domain-{cic}", 1, buf, sizeof(buf)), -EINVAL);

	ck_assert(mgcp_ca_endpoint_covers("*@mgw", "rtpbridge/3@mgw"));
	ck_assert(mgcp_ca_endpoint_covers("rtpbridge/*@MGW", "rtpbridge/3@mgw"));
	ck_assert(mgcp_ca_endpoint_covers("ds/e1-1/17@mgw", "ds/e1-1/17@mgw"));
	ck_assert(!mgcp_ca_endpoint_covers("ds/e1-1/17@mgw", "ds/e1-1/171@mgw"));
	ck_assert(!mgcp_ca_endpoint_covers("ds/*@mgw", "rtpbridge/1@mgw"));
	ck_assert(!mgcp_ca_endpoint_covers("*@other", "rtpbridge/1@mgw"));
}
END_TEST

/* ---- SDP offer/answer ---- */

#define SDP_HEAD "v=0\r\no=peer 5 6 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"

static const int PCMA = SIP_CODEC_PCMA, PCMU = SIP_CODEC_PCMU, G729 = SIP_CODEC_G729,
		 TE = SIP_CODEC_TELEPHONE_EVENT;

START_TEST(test_sdp_negotiation_table)
{
	static const struct {
		const char *offer;
		int codecs[4];
		unsigned int n;
		int rc;
		enum mgcp_codec codec;
		int pt;
		bool te;
	} t[] = {
		/* the trunk's order decides, not the offer's */
		{ SDP_HEAD "m=audio 4000 RTP/AVP 0 8\r\n", { PCMA, PCMU }, 2, 0, MGCP_CODEC_PCMA, 8, false },
		{ SDP_HEAD "m=audio 4000 RTP/AVP 0 8\r\n", { PCMU, PCMA }, 2, 0, MGCP_CODEC_PCMU, 0, false },
		{ SDP_HEAD "m=audio 4000 RTP/AVP 18 0\r\na=rtpmap:18 G729/8000\r\n", { G729, PCMU }, 2, 0,
		  MGCP_CODEC_G729, 18, false },
		/* telephone-event only when both want it, at the offer's number */
		{ SDP_HEAD "m=audio 4000 RTP/AVP 8 96\r\na=rtpmap:96 telephone-event/8000\r\n", { PCMA, TE }, 2, 0,
		  MGCP_CODEC_PCMA, 8, true },
		{ SDP_HEAD "m=audio 4000 RTP/AVP 8 96\r\na=rtpmap:96 telephone-event/8000\r\n", { PCMA }, 1, 0,
		  MGCP_CODEC_PCMA, 8, false },
		/* nothing in common */
		{ SDP_HEAD "m=audio 4000 RTP/AVP 0\r\n", { PCMA, G729 }, 2, -ENOTSUP },
		{ SDP_HEAD "m=audio 4000 RTP/AVP 96\r\na=rtpmap:96 telephone-event/8000\r\n", { PCMA, TE }, 2,
		  -ENOTSUP },
		{ SDP_HEAD "m=audio 4000 RTP/AVP 8\r\n", { TE }, 1, -ENOTSUP },
		/* rejected or non-audio streams are skipped; none usable is an error */
		{ SDP_HEAD "m=video 5000 RTP/AVP 31\r\nm=audio 4000 RTP/AVP 8\r\n", { PCMA }, 1, 0, MGCP_CODEC_PCMA,
		  8, false },
		{ SDP_HEAD "m=audio 0 RTP/AVP 8\r\n", { PCMA }, 1, -EINVAL },
		{ SDP_HEAD "m=video 5000 RTP/AVP 31\r\n", { PCMA }, 1, -EINVAL },
		{ "v=0\r\nm=audio 4000 RTP/AVP 8\r\n", { PCMA }, 1, -EINVAL },
		{ "", { PCMA }, 1, -EINVAL },
		{ "not sdp at all", { PCMA }, 1, -EINVAL },
	};
	struct cc_media_neg neg;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(t); i++) {
		int rc = cc_media_sdp_negotiate(t[i].offer, t[i].codecs, t[i].n, &neg);

		ck_assert_msg(rc == t[i].rc, "row %u: rc %d, expected %d", i, rc, t[i].rc);
		if (rc)
			continue;
		ck_assert_msg(neg.codec == t[i].codec, "row %u: codec %d", i, neg.codec);
		ck_assert_int_eq(neg.pt, t[i].pt);
		ck_assert_int_eq(neg.te, t[i].te);
		ck_assert_str_eq(neg.remote.addr, "192.0.2.1");
		ck_assert_uint_eq(neg.remote.port, 4000);
		ck_assert_uint_eq(neg.remote.n_pt, t[i].te ? 2 : 1);
	}
}
END_TEST

static const struct mgcp_sdp *gw_sdp(void)
{
	static struct mgcp_sdp s;
	const char *text = "v=0\r\no=- 77 1 IN IP4 127.0.0.5\r\ns=-\r\nc=IN IP4 127.0.0.5\r\nt=0 0\r\n"
			   "m=audio 16010 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
			   "a=rtpmap:101 telephone-event/8000\r\na=ptime:20\r\n";

	ck_assert_int_eq(mgcp_sdp_parse(&s, text, strlen(text), NULL), 0);
	return &s;
}

START_TEST(test_sdp_answer)
{
	const char *offer = SDP_HEAD "m=video 5000 RTP/AVP 31\r\n"
				     "m=audio 4000 RTP/AVP 0 8 96\r\na=rtpmap:96 telephone-event/8000\r\n"
				     "a=fmtp:96 0-15\r\na=sendonly\r\na=crypto:1 x\r\n";
	int codecs[] = { PCMA, TE };
	struct cc_media_neg neg;
	char *ans;

	ck_assert_int_eq(cc_media_sdp_negotiate(offer, codecs, 2, &neg), 0);
	ck_assert_uint_eq(neg.audio_idx, 1);
	ck_assert_int_eq(neg.remote.dir, MGCP_SDP_DIR_SENDONLY);
	ans = cc_media_sdp_answer(tt_ctx, offer, &neg, gw_sdp());
	ck_assert_ptr_nonnull(ans);
	/* the offer's m-lines in order; video rejected; audio at the gateway */
	ck_assert_msg(strstr(ans, "m=video 0 RTP/AVP 31\r\n") != NULL, "%s", ans);
	ck_assert_msg(strstr(ans, "m=audio 16010 RTP/AVP 8 96\r\n") != NULL, "%s", ans);
	ck_assert(strstr(ans, "m=video") < strstr(ans, "m=audio"));
	ck_assert_ptr_nonnull(strstr(ans, "c=IN IP4 127.0.0.5\r\n"));
	ck_assert_ptr_nonnull(strstr(ans, "a=rtpmap:96 telephone-event/8000\r\n"));
	ck_assert_ptr_nonnull(strstr(ans, "a=recvonly\r\n"));
	ck_assert_ptr_null(strstr(ans, "192.0.2.1"));
	ck_assert_ptr_null(strstr(ans, "crypto"));
	ck_assert_ptr_null(strstr(ans, " 0 8"));
	talloc_free(ans);
}
END_TEST

START_TEST(test_sdp_offer)
{
	int codecs[] = { PCMU, G729, PCMA, TE };
	int g729_only[] = { G729 };
	char *offer;

	/* trunk order, restricted to what the gateway listed */
	offer = cc_media_sdp_offer(tt_ctx, gw_sdp(), codecs, 4);
	ck_assert_ptr_nonnull(offer);
	ck_assert_msg(strstr(offer, "m=audio 16010 RTP/AVP 0 8 101\r\n") != NULL, "%s", offer);
	ck_assert_ptr_nonnull(strstr(offer, "c=IN IP4 127.0.0.5\r\n"));
	ck_assert_ptr_nonnull(strstr(offer, "a=sendrecv\r\n"));
	talloc_free(offer);
	ck_assert_ptr_null(cc_media_sdp_offer(tt_ctx, gw_sdp(), g729_only, 1));
}
END_TEST

START_TEST(test_sdp_osmo_mgw_origin)
{
	/* osmo-mgw 1.10 writes its hex connection id as the o= session id */
	const char *text = "v=0\r\no=- 1D0D55D9 23 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			   "m=audio 26014 RTP/AVP 96\r\na=rtpmap:96 PCMA/8000\r\na=ptime:20\r\n";
	const char *bad = "v=0\r\no=- 1D0D-55D9 23 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			  "m=audio 26014 RTP/AVP 8\r\n";
	struct mgcp_sdp sdp;

	ck_assert_int_eq(mgcp_sdp_parse(&sdp, text, strlen(text), NULL), 0);
	ck_assert_uint_eq(sdp.sess_id, 0);
	ck_assert_uint_eq(sdp.sess_version, 23);
	ck_assert_uint_eq(sdp.port, 26014);
	ck_assert_int_lt(mgcp_sdp_parse(&sdp, bad, strlen(bad), NULL), 0);
}
END_TEST

int main(void)
{
	void *root = talloc_named_const(NULL, 0, "check_mgcp_ca");
	Suite *s = suite_create("mgcp_ca");
	TCase *tc = tt_tcase(s, "agent");
	TCase *sdp = tt_tcase(s, "sdp");

	tandem_log_init(root);
	rate_ctr_init(root);
	tcase_add_test(tc, test_rto_schedule);
	tcase_add_test(tc, test_retransmit_then_timeout);
	tcase_add_test(tc, test_response_matching_and_duplicates);
	tcase_add_test(tc, test_provisional_and_response_ack);
	tcase_add_test(tc, test_gateway_commands);
	tcase_add_test(tc, test_orphan_crcx_is_deleted);
	tcase_add_test(tc, test_transaction_bound);
	tcase_add_test(tc, test_endpoint_names);
	tcase_add_test(sdp, test_sdp_negotiation_table);
	tcase_add_test(sdp, test_sdp_answer);
	tcase_add_test(sdp, test_sdp_offer);
	tcase_add_test(sdp, test_sdp_osmo_mgw_origin);
	return tt_run(s);
}
