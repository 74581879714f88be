/* Unit tests of the per-call media (src/cc_media.c) against a gateway
 * played by the test over real UDP: the CRCX/MDCX/DLCX sequence of both
 * directions, what ->ready() and ->failed() get, release while a CRCX is
 * under way, RSIP under a call, refused MDCX, allocation errors, and the
 * circuit's DTMF digits (RQNT/NTFY).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/rate_ctr.h>

#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"
#include "tests/unit/script_mgw.h"
#include "tests/unit/testlib.h"

#define GW_SDP "v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\n"
#define PEER_SDP "v=0\r\no=peer 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n"

struct calls {
	unsigned int ready, failed, modified;
	int rc;
	uint8_t cause;
	char sdp[1024];
	char digits[16];
};

static void on_ready(struct cc_media *m, void *priv, const char *sdp)
{
	struct calls *c = priv;

	c->ready++;
	osmo_strlcpy(c->sdp, sdp, sizeof(c->sdp));
}

static void on_failed(struct cc_media *m, void *priv, uint8_t cause)
{
	struct calls *c = priv;

	c->failed++;
	c->cause = cause;
}

static void on_modified(struct cc_media *m, void *priv, int rc, const char *sdp)
{
	struct calls *c = priv;

	c->modified++;
	c->rc = rc;
	osmo_strlcpy(c->sdp, sdp ? sdp : "", sizeof(c->sdp));
}

static const struct cc_media_ops ops = { .ready = on_ready, .failed = on_failed, .modified = on_modified };

/* The digits in order; the zeroed rest of the array ends the string. */
static void on_dtmf(struct cc_media *m, void *priv, char digit)
{
	char *d = ((struct calls *)priv)->digits;
	size_t n = strlen(d);

	if (n + 1 < sizeof(((struct calls *)priv)->digits))
		d[n] = digit;
}

/* call control that wants the circuit's digits */
static const struct cc_media_ops dtmf_ops = {
	.ready = on_ready, .failed = on_failed, .modified = on_modified, .dtmf = on_dtmf
};

static const int codecs[] = { SIP_CODEC_PCMA, SIP_CODEC_PCMU, SIP_CODEC_TELEPHONE_EVENT };

static struct cc_media_gw *gw_start(struct script_gw *g)
{
	struct cc_media_gw *gw = cc_media_gw_get("gw");

	gw_open(g);
	gw->ca->cfg.local_port = 0;
	gw->ca->cfg.remote_port = g->port;
	osmo_tdef_set(gw->ca->tdefs, MGCP_CA_T_KEEPALIVE, 0, OSMO_TDEF_S);
	ck_assert_int_eq(mgcp_ca_start(gw->ca), 0);
	g->ca_addr.sin_family = AF_INET;
	g->ca_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->ca_addr.sin_port = htons(mgcp_ca_local_port(gw->ca));
	return gw;
}

/* Answer the command in w with "CODE id OK" and @params (CRLF lines). */
static void reply(struct script_gw *g, const struct rx_wait *w, unsigned int code, const char *params)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%03u %u OK\r\n%s", code, trans_id_of(w->buf), params);
	gw_send(g, buf);
}

static bool ready_or_failed(void *arg)
{
	struct calls *c = arg;

	return c->ready || c->failed;
}

static bool has_failed(void *arg)
{
	return ((struct calls *)arg)->failed > 0;
}

static struct cc_media *alloc(struct calls *c, const char *pattern)
{
	int err = 1;
	struct cc_media *m = cc_media_alloc(tt_ctx, "gw", pattern, 3, &ops, c, &err);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(err, 0);
	return m;
}

static bool gw_no_outstanding(void *arg)
{
	return mgcp_ca_outstanding(((struct cc_media_gw *)arg)->ca) == 0;
}

static bool not_modifying(void *arg)
{
	return cc_media_state(arg) != CC_MEDIA_MODIFYING;
}

START_TEST(test_isup_to_sip)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait w;
	struct cc_media *m;

	gw_start(&g);
	m = alloc(&c, "rtpbridge/*@mgw");
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_CREATING);
	ck_assert_int_eq(c.ready, 0);	/* never from inside the call */

	/* circuit side: on the pattern, sendrecv, the call's codecs */
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "CRCX ") == w.buf && strstr(w.buf, " rtpbridge/*@mgw MGCP 1.0\r\n"), "%s", w.buf);
	ck_assert_ptr_nonnull(strstr(w.buf, "M: sendrecv\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "a:PCMA;PCMU"));
	reply(&g, &w, 200, "I: 11\r\nZ: rtpbridge/3@mgw\r\n");
	/* SIP side: on the endpoint the gateway named, no remote yet */
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "CRCX ") == w.buf && strstr(w.buf, " rtpbridge/3@mgw MGCP 1.0\r\n"), "%s", w.buf);
	ck_assert_ptr_nonnull(strstr(w.buf, "M: recvonly\r\n"));
	ck_assert_ptr_null(strstr(w.buf, "v=0"));
	reply(&g, &w, 200, "I: 22\r\n\r\n" GW_SDP "m=audio 16010 RTP/AVP 0 8\r\n");
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.ready, 1);
	ck_assert_msg(strstr(c.sdp, "m=audio 16010 RTP/AVP 8 0 101\r\n") != NULL, "%s", c.sdp);
	ck_assert_ptr_nonnull(strstr(c.sdp, "c=IN IP4 127.0.0.9\r\n"));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	ck_assert_str_eq(cc_media_endpoint(m), "rtpbridge/3@mgw");
	ck_assert_str_eq(cc_media_codec(m), "");

	/* the answer: MDCX of the SIP side with the peer's address */
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 0 RTP/AVP 8\r\n"), -EINVAL);
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 4000 RTP/AVP 18\r\n"), -ENOTSUP);
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 4000 RTP/AVP 0\r\n"), 0);
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 4000 RTP/AVP 0\r\n"), -EBUSY);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "MDCX ") == w.buf, "%s", w.buf);
	ck_assert_ptr_nonnull(strstr(w.buf, "I: 22\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "M: sendrecv\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "c=IN IP4 192.0.2.7\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "m=audio 4000 RTP/AVP 0\r\n"));
	reply(&g, &w, 200, "");
	ck_assert(spin(not_modifying, m));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	ck_assert_str_eq(cc_media_codec(m), "PCMU");

	/* hold refused by the gateway: the call stays as it was */
	ck_assert_int_eq(cc_media_set_mode(m, "hold"), -EINVAL);
	ck_assert_int_eq(cc_media_set_mode(m, "inactive"), 0);
	gw_recv(&g, &w);
	ck_assert_ptr_nonnull(strstr(w.buf, "M: inactive\r\n"));
	reply(&g, &w, 517, "");
	ck_assert(spin(not_modifying, m));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	ck_assert_uint_eq(c.failed, 0);

	/* release: one DLCX per connection, retransmitted by the agent */
	cc_media_release(m);
	cc_media_release(m);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_RELEASED);
	talloc_free(m);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf && strstr(w.buf, "I: 22\r\n"), "%s", w.buf);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf && strstr(w.buf, "I: 11\r\n"), "%s", w.buf);
	ck_assert_ptr_nonnull(strstr(w.buf, " rtpbridge/3@mgw MGCP"));
	close(g.fd);
}
END_TEST

START_TEST(test_release_while_creating)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait w;
	struct cc_media *m;
	struct cc_media_gw *gw = gw_start(&g);

	m = alloc(&c, "rtpbridge/*@mgw");
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	gw_recv(&g, &w);
	/* the call goes away before the gateway answers */
	talloc_free(m);
	reply(&g, &w, 200, "I: 7\r\nZ: rtpbridge/1@mgw\r\n");
	do {
		gw_recv(&g, &w);
	} while (strncmp(w.buf, "CRCX", 4) == 0);
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf && strstr(w.buf, "I: 7\r\n"), "%s", w.buf);
	ck_assert_ptr_nonnull(strstr(w.buf, " rtpbridge/1@mgw MGCP"));
	ck_assert_uint_eq(c.ready + c.failed, 0);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(gw->ca->ctrs, MGCP_CA_CTR_ORPHAN_DLCX)->current, 1);
	close(g.fd);
}
END_TEST

START_TEST(test_sip_to_isup_failure_cleans_up)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait w;
	struct cc_media *m;

	gw_start(&g);
	m = alloc(&c, "rtpbridge/{cic}@mgw");
	ck_assert_str_eq(cc_media_endpoint(m), "rtpbridge/3@mgw");
	ck_assert_int_eq(cc_media_answer_offer(m, PEER_SDP "m=audio 4000 RTP/AVP 18\r\n", codecs, 3), -ENOTSUP);
	ck_assert_int_eq(cc_media_answer_offer(m, "garbage", codecs, 3), -EINVAL);
	ck_assert_int_eq(cc_media_answer_offer(m, PEER_SDP "m=audio 4000 RTP/AVP 8 0\r\n", codecs, 3), 0);
	ck_assert_int_eq(cc_media_answer_offer(m, PEER_SDP "m=audio 4000 RTP/AVP 8 0\r\n", codecs, 3), -EALREADY);
	gw_recv(&g, &w);
	/* the negotiated codec only, on both sides */
	ck_assert_ptr_nonnull(strstr(w.buf, "L: p:20, a:PCMA\r\n"));
	reply(&g, &w, 200, "I: 1\r\n");
	gw_recv(&g, &w);
	ck_assert_ptr_nonnull(strstr(w.buf, " rtpbridge/3@mgw MGCP"));
	ck_assert_ptr_nonnull(strstr(w.buf, "c=IN IP4 192.0.2.7\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "m=audio 4000 RTP/AVP 8\r\n"));
	reply(&g, &w, 502, "");
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.failed, 1);
	ck_assert_uint_eq(c.cause, 47);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_FAILED);
	/* the circuit side that was made is deleted */
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf && strstr(w.buf, "I: 1\r\n"), "%s", w.buf);
	cc_media_release(m);
	talloc_free(m);
	close(g.fd);
}
END_TEST

START_TEST(test_answer_to_offer)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait w;
	struct cc_media *m;

	gw_start(&g);
	m = alloc(&c, "ds/e1-1/{cic}@mgw");
	ck_assert_int_eq(cc_media_answer_offer(m, PEER_SDP "m=audio 4000 RTP/AVP 0 8 101\r\n"
					       "a=rtpmap:101 telephone-event/8000\r\n", codecs, 3), 0);
	/* a digital trunk channel is the circuit: one connection, the SIP side's */
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "CRCX ") == w.buf && strstr(w.buf, " ds/e1-1/3@mgw MGCP"), "%s", w.buf);
	ck_assert_ptr_nonnull(strstr(w.buf, "M: sendrecv\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "c=IN IP4 192.0.2.7\r\n"));
	reply(&g, &w, 200, "I: 2\r\n\r\n" GW_SDP "m=audio 16020 RTP/AVP 8\r\n");
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.ready, 1);
	ck_assert_msg(strstr(c.sdp, "m=audio 16020 RTP/AVP 8 101\r\n") != NULL, "%s", c.sdp);
	ck_assert_str_eq(cc_media_codec(m), "PCMA");
	talloc_free(m);	/* freeing the call releases its media */
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf && strstr(w.buf, "I: 2\r\n"), "%s", w.buf);
	ck_assert_uint_eq(mgcp_ca_outstanding(cc_media_gw_find("gw")->ca), 1);
	close(g.fd);
}
END_TEST

static bool was_modified(void *arg)
{
	return ((struct calls *)arg)->modified > 0;
}

/* A SIP -> ISUP call answered with the gateway's SDP (PCMA). */
static struct cc_media *answered_call(struct script_gw *g, struct calls *c)
{
	struct rx_wait w;
	struct cc_media *m;

	gw_start(g);
	m = alloc(c, "ds/e1-1/{cic}@mgw");
	ck_assert_int_eq(cc_media_answer_offer(m, PEER_SDP "m=audio 4000 RTP/AVP 8 0\r\n", codecs, 3), 0);
	gw_recv(g, &w);
	reply(g, &w, 200, "I: 2\r\n\r\n" GW_SDP "m=audio 16020 RTP/AVP 8\r\n");
	ck_assert(spin(ready_or_failed, c));
	ck_assert_uint_eq(c->ready, 1);
	ck_assert_msg(strstr(c->sdp, "o=tandem 1 1 IN IP4 127.0.0.9\r\n") != NULL, "%s", c->sdp);
	return m;
}

START_TEST(test_reoffer)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait w;
	struct cc_media *m = answered_call(&g, &c);

	/* no common codec, bad SDP: refused at once, nothing sent */
	ck_assert_int_eq(cc_media_reoffer(m, PEER_SDP "m=audio 4002 RTP/AVP 18\r\n"), -ENOTSUP);
	ck_assert_int_eq(cc_media_reoffer(m, "v=0\r\n"), -EINVAL);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);

	/* a new port, PCMU listed first and PCMA still there: PCMA stays */
	ck_assert_int_eq(cc_media_reoffer(m, "v=0\r\no=peer 1 2 IN IP4 192.0.2.8\r\ns=-\r\nc=IN IP4 192.0.2.8\r\n"
				     "t=0 0\r\nm=audio 4002 RTP/AVP 0 8\r\na=sendonly\r\n"), 0);
	ck_assert_int_eq(cc_media_reoffer(m, PEER_SDP "m=audio 4004 RTP/AVP 8\r\n"), -EBUSY);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "MDCX ") == w.buf && strstr(w.buf, "I: 2\r\n"), "%s", w.buf);
	/* the peer only sends: the gateway only receives */
	ck_assert_ptr_nonnull(strstr(w.buf, "M: recvonly\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "L: p:20, a:PCMA\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "c=IN IP4 192.0.2.8\r\n"));
	ck_assert_ptr_nonnull(strstr(w.buf, "m=audio 4002 RTP/AVP 8\r\n"));
	ck_assert_uint_eq(c.modified, 0);
	reply(&g, &w, 200, "I: 2\r\n\r\n" GW_SDP "m=audio 16022 RTP/AVP 8\r\n");
	ck_assert(spin(was_modified, &c));
	ck_assert_int_eq(c.rc, 0);
	/* the answer: the gateway's (new) port, the offer's PT, direction
	 * mirrored, same o= id with the version raised */
	ck_assert_msg(strstr(c.sdp, "m=audio 16022 RTP/AVP 8\r\n") != NULL, "%s", c.sdp);
	ck_assert_ptr_nonnull(strstr(c.sdp, "a=recvonly\r\n"));
	ck_assert_ptr_nonnull(strstr(c.sdp, "o=tandem 1 2 IN IP4 127.0.0.9\r\n"));
	ck_assert_str_eq(cc_media_codec(m), "PCMA");
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);

	/* the gateway refuses a move to another address: 488 material, the
	 * connection and codec as they were */
	c.modified = 0;
	ck_assert_int_eq(cc_media_reoffer(m, PEER_SDP "m=audio 4010 RTP/AVP 0\r\n"), 0);
	gw_recv(&g, &w);
	ck_assert_ptr_nonnull(strstr(w.buf, "a:PCMU\r\n"));
	reply(&g, &w, 510, "");
	ck_assert(spin(was_modified, &c));
	ck_assert_int_lt(c.rc, 0);
	ck_assert_str_eq(cc_media_codec(m), "PCMA");
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);

	/* ...but refusing a direction change alone still gives an answer */
	c.modified = 0;
	ck_assert_int_eq(cc_media_reoffer(m, "v=0\r\no=peer 1 3 IN IP4 192.0.2.8\r\ns=-\r\nc=IN IP4 192.0.2.8\r\n"
				     "t=0 0\r\nm=audio 4002 RTP/AVP 8\r\na=inactive\r\n"), 0);
	gw_recv(&g, &w);
	ck_assert_ptr_nonnull(strstr(w.buf, "M: inactive\r\n"));
	reply(&g, &w, 517, "");
	ck_assert(spin(was_modified, &c));
	ck_assert_int_eq(c.rc, 0);
	ck_assert_ptr_nonnull(strstr(c.sdp, "a=inactive\r\n"));
	ck_assert_ptr_nonnull(strstr(c.sdp, "o=tandem 1 3 IN IP4 127.0.0.9\r\n"));
	ck_assert_uint_eq(c.failed, 0);

	/* the RFC 2543 hold (c=0.0.0.0): the peer's address stays, the
	 * gateway only receives */
	c.modified = 0;
	ck_assert_int_eq(cc_media_reoffer(m, "v=0\r\no=peer 1 4 IN IP4 0.0.0.0\r\ns=-\r\nc=IN IP4 0.0.0.0\r\n"
				     "t=0 0\r\nm=audio 4002 RTP/AVP 8\r\n"), 0);
	gw_recv(&g, &w);
	ck_assert_ptr_nonnull(strstr(w.buf, "M: recvonly\r\n"));
	ck_assert_msg(strstr(w.buf, "c=IN IP4 192.0.2.8\r\n") != NULL, "%s", w.buf);
	reply(&g, &w, 200, "");
	ck_assert(spin(was_modified, &c));
	ck_assert_int_eq(c.rc, 0);

	/* the gateway restarts under a pending offer: ->failed(), and no
	 * ->modified() (call control answers the offer itself) */
	c.modified = 0;
	ck_assert_int_eq(cc_media_reoffer(m, PEER_SDP "m=audio 4012 RTP/AVP 8\r\n"), 0);
	gw_recv(&g, &w);
	gw_send(&g, "RSIP 902 ds/e1-1/*@mgw MGCP 1.0\r\nRM: forced\r\n");
	ck_assert(spin(has_failed, &c));
	ck_assert_uint_eq(c.cause, 41);
	ck_assert_uint_eq(c.modified, 0);
	talloc_free(m);
	close(g.fd);
}
END_TEST

START_TEST(test_offer_again)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait w;
	struct cc_media *m = answered_call(&g, &c);
	char *offer;

	/* a SIP offer answered already: no answer is expected */
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 4000 RTP/AVP 8\r\n"), -EBUSY);
	offer = cc_media_offer_again(m, tt_ctx);
	ck_assert_ptr_nonnull(offer);
	ck_assert_msg(strstr(offer, "m=audio 16020 RTP/AVP 8 101\r\n") != NULL, "%s", offer);
	/* the o= id of the call's first SDP, the version raised */
	ck_assert_ptr_nonnull(strstr(offer, "o=- 1 2 IN IP4 127.0.0.9\r\n"));
	ck_assert_ptr_nonnull(strstr(offer, "a=sendrecv\r\n"));
	talloc_free(offer);
	/* the answer in the ACK: MDCX with it */
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 4006 RTP/AVP 8\r\n"), 0);
	ck_assert_ptr_null(cc_media_offer_again(m, tt_ctx));
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "MDCX ") == w.buf && strstr(w.buf, "m=audio 4006 RTP/AVP 8\r\n"), "%s", w.buf);
	reply(&g, &w, 200, "");
	ck_assert(spin(not_modifying, m));
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 4006 RTP/AVP 8\r\n"), -EBUSY);
	talloc_free(m);
	gw_recv(&g, &w);
	close(g.fd);
}
END_TEST

START_TEST(test_rsip_under_call)
{
	struct script_gw g;
	struct calls c = { 0 }, other = { 0 };
	struct rx_wait w;
	struct cc_media *m, *m2;

	gw_start(&g);
	m = alloc(&c, "ds/e1-1/{cic}@mgw");
	m2 = cc_media_alloc(tt_ctx, "gw", "ds/e1-2/{cic}@mgw", 3, &ops, &other, &(int){ 0 });
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	gw_recv(&g, &w);
	reply(&g, &w, 200, "I: 2\r\n\r\n" GW_SDP "m=audio 16010 RTP/AVP 8\r\n");
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_int_eq(cc_media_make_offer(m2, codecs, 3), 0);
	gw_recv(&g, &w);	/* m2's CRCX, left unanswered */

	/* graceful: calls go on; forced on e1-1: m fails with 41, m2 not */
	gw_send(&g, "RSIP 900 ds/e1-1/*@mgw MGCP 1.0\r\nRM: graceful\r\n");
	gw_recv(&g, &w);
	gw_send(&g, "RSIP 901 ds/e1-1/*@mgw MGCP 1.0\r\nRM: forced\r\n");
	ck_assert(spin(has_failed, &c));
	do {
		gw_recv(&g, &w);
	} while (!strstr(w.buf, "200 901"));
	ck_assert_uint_eq(c.failed, 1);
	ck_assert_uint_eq(c.cause, 41);
	ck_assert_uint_eq(other.failed, 0);
	ck_assert_int_eq(cc_media_state(m2), CC_MEDIA_CREATING);
	talloc_free(m);
	talloc_free(m2);
	close(g.fd);
}
END_TEST

/* The direction of the stream in use, not of any stream (a declined
 * video stream's a=inactive is no hold), session-level attributes
 * included. */
START_TEST(test_sdp_dir)
{
	static const char head[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n";
	char sdp[512];

	snprintf(sdp, sizeof(sdp), "%sm=audio 4000 RTP/AVP 8\r\nm=video 0 RTP/AVP 96\r\na=inactive\r\n", head);
	ck_assert_str_eq(cc_media_sdp_dir(sdp), "sendrecv");
	snprintf(sdp, sizeof(sdp), "%sm=audio 4000 RTP/AVP 8\r\na=recvonly\r\n", head);
	ck_assert_str_eq(cc_media_sdp_dir(sdp), "recvonly");
	snprintf(sdp, sizeof(sdp), "%sa=sendonly\r\nm=audio 4000 RTP/AVP 8\r\n", head);
	ck_assert_str_eq(cc_media_sdp_dir(sdp), "sendonly");
	snprintf(sdp, sizeof(sdp), "%sm=audio 0 RTP/AVP 8\r\na=inactive\r\nm=audio 4002 RTP/AVP 0\r\n"
		 "a=inactive\r\n", head);
	ck_assert_str_eq(cc_media_sdp_dir(sdp), "inactive");
	ck_assert_str_eq(cc_media_sdp_dir("not sdp"), "sendrecv");
	ck_assert_str_eq(cc_media_sdp_dir(NULL), "sendrecv");
}
END_TEST

/* The value of parameter @name ("X") of an MGCP message, "" when absent. */
static const char *param(const char *msg, const char *name, char *out, size_t size)
{
	char key[8];
	const char *p, *e;

	snprintf(key, sizeof(key), "\r\n%s: ", name);
	p = strstr(msg, key);
	out[0] = '\0';
	if (!p)
		return out;
	p += strlen(key);
	e = strstr(p, "\r\n");
	snprintf(out, size, "%.*s", (int)(e ? e - p : (long)strlen(p)), p);
	return out;
}

static bool has_digits(void *arg)
{
	return strlen(((struct calls *)arg)->digits) >= 3;
}

static unsigned long gw_ctr(struct cc_media_gw *gw, enum mgcp_ca_ctr c)
{
	return rate_ctr_group_get_ctr(gw->ca->ctrs, c)->current;
}

/* Set up a call on @pattern's endpoint for CIC 3: one connection on a
 * digital trunk channel ("ds/..."), else the circuit side's and the SIP
 * side's.  *rqnt gets the RQNT (len 0 when none came). */
static struct cc_media *dtmf_call(struct script_gw *g, struct calls *c, struct rx_wait *rqnt, const char *pattern)
{
	struct cc_media_gw *gw = cc_media_gw_find("gw");
	struct cc_media *m = cc_media_alloc(tt_ctx, "gw", pattern, 3, &dtmf_ops, c, &(int){ 0 });
	bool two = strncmp(pattern, "ds/", 3) != 0;
	struct rx_wait w, sip;
	int i;

	ck_assert_ptr_nonnull(m);
	memset(rqnt, 0, sizeof(*rqnt));
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	gw_recv(g, &w);
	ck_assert_msg(strstr(w.buf, "CRCX ") == w.buf, "%s", w.buf);
	/* no RQNT before the circuit's connection exists */
	ck_assert_uint_eq(mgcp_ca_outstanding(gw->ca), 1);
	if (two) {
		reply(g, &w, 200, "I: 11\r\n");
		/* the SIP side's CRCX, then (unless off) the RQNT */
		for (i = 0; i < (gw->no_dtmf ? 1 : 2); i++) {
			gw_recv(g, &w);
			if (strstr(w.buf, "RQNT ") == w.buf)
				*rqnt = w;
			else
				sip = w;
		}
		w = sip;
		ck_assert_msg(strstr(w.buf, "CRCX ") == w.buf, "%s", w.buf);
	}
	reply(g, &w, 200, "I: 22\r\n\r\n" GW_SDP "m=audio 16010 RTP/AVP 8\r\n");
	ck_assert(spin(ready_or_failed, c));
	ck_assert_uint_eq(c->ready, 1);
	if (!two && !gw->no_dtmf)
		gw_recv(g, rqnt);
	return m;
}

/* RQNT on the circuit's endpoint once its connection exists; a NTFY's
 * digits go to call control in order and re-arm the request (RFC 3435
 * step by step); a NTFY for no request is answered and counted. */
START_TEST(test_dtmf_rqnt_ntfy)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait w, rq;
	struct cc_media_gw *gw = gw_start(&g);
	struct cc_media *m = dtmf_call(&g, &c, &rq, "ds/e1-1/{cic}@mgw");
	char x[40], x2[40], v[64], ntfy[256];

	ck_assert_msg(strstr(rq.buf, "RQNT ") == rq.buf && strstr(rq.buf, " ds/e1-1/3@mgw MGCP 1.0\r\n"), "%s", rq.buf);
	ck_assert_str_eq(param(rq.buf, "R", v, sizeof(v)), "D/[0-9#*A-D](N)");
	/* the first request of the call drops what an earlier call left */
	ck_assert_str_eq(param(rq.buf, "Q", v, sizeof(v)), "discard");
	ck_assert(mgcp_id_valid(param(rq.buf, "X", x, sizeof(x))));
	reply(&g, &rq, 200, "");

	/* several events in one NTFY, another package's among them */
	snprintf(ntfy, sizeof(ntfy), "NTFY 500 ds/e1-1/3@mgw MGCP 1.0\r\nX: %s\r\nO: D/5, d/#,L/hu, 1\r\n", x);
	gw_send(&g, ntfy);
	ck_assert(spin(has_digits, &c));
	ck_assert_str_eq(c.digits, "5#1");
	ck_assert_uint_eq(gw_ctr(gw, MGCP_CA_CTR_DTMF_DIGITS), 3);
	/* answered, and a new request with a new id, quarantine processed */
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "200 500 ") == w.buf, "%s", w.buf);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "RQNT ") == w.buf, "%s", w.buf);
	param(w.buf, "X", x2, sizeof(x2));
	ck_assert(mgcp_id_valid(x2));
	ck_assert_str_ne(x, x2);
	ck_assert_str_eq(param(w.buf, "Q", v, sizeof(v)), "");
	reply(&g, &w, 200, "");

	/* the spent request, and another endpoint: 200, counted, no digit */
	snprintf(ntfy, sizeof(ntfy), "NTFY 501 ds/e1-1/3@mgw MGCP 1.0\r\nX: %s\r\nO: D/7\r\n", x);
	gw_send(&g, ntfy);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "200 501 ") == w.buf, "%s", w.buf);
	snprintf(ntfy, sizeof(ntfy), "NTFY 502 ds/e1-1/4@mgw MGCP 1.0\r\nX: %s\r\nO: D/7\r\n", x2);
	gw_send(&g, ntfy);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "200 502 ") == w.buf, "%s", w.buf);
	ck_assert_uint_eq(gw_ctr(gw, MGCP_CA_CTR_DTMF_UNMATCHED), 2);
	ck_assert_str_eq(c.digits, "5#1");

	/* the armed one again */
	snprintf(ntfy, sizeof(ntfy), "NTFY 503 ds/e1-1/3@mgw MGCP 1.0\r\nX: %s\r\nO: D/9\r\n", x2);
	gw_send(&g, ntfy);
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "200 503 ") == w.buf, "%s", w.buf);
	ck_assert_str_eq(c.digits, "5#19");
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "RQNT ") == w.buf, "%s", w.buf);

	/* released with that RQNT unanswered: its late answer finds no call */
	cc_media_release(m);
	talloc_free(m);
	reply(&g, &w, 200, "");
	gw_recv(&g, &w);
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf, "%s", w.buf);
	ck_assert_uint_eq(c.failed, 0);
	close(g.fd);
}
END_TEST

/* A gateway that does not detect digits refuses (_i 0): the call goes
 * on.  `no dtmf-detect` (_i 1): nothing is asked for.  No answer at all
 * (_i 2): the gateway is DOWN, like for any command, and the call that
 * has its media goes on. */
START_TEST(test_dtmf_refused_or_off)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct rx_wait rq;
	struct cc_media_gw *gw = gw_start(&g);
	struct cc_media *m;

	gw->no_dtmf = _i == 1;
	osmo_tdef_set(gw->ca->tdefs, MGCP_CA_T_RTO_INIT, 10, OSMO_TDEF_MS);
	osmo_tdef_set(gw->ca->tdefs, MGCP_CA_T_RETRANS, 1, OSMO_TDEF_CUSTOM);
	m = dtmf_call(&g, &c, &rq, _i ? "ds/e1-1/{cic}@mgw" : "rtpbridge/{cic}@mgw");
	if (_i == 1) {
		ck_assert_uint_eq(rq.len, 0);
	} else if (_i == 2) {
		ck_assert_msg(strstr(rq.buf, "RQNT ") == rq.buf, "%s", rq.buf);
		ck_assert(spin(gw_no_outstanding, gw));
		ck_assert_int_eq(gw->ca->state, MGCP_CA_ST_DOWN);
		ck_assert_uint_eq(gw_ctr(gw, MGCP_CA_CTR_DTMF_REFUSED), 0);
		ck_assert_str_eq(m->dtmf_req, "");
		mgcp_ca_set_state(gw->ca, MGCP_CA_ST_UP);
	} else {
		/* two connections: asked for once the circuit side's exists */
		ck_assert_msg(strstr(rq.buf, "RQNT ") == rq.buf && strstr(rq.buf, " rtpbridge/3@mgw "), "%s", rq.buf);
		reply(&g, &rq, 518, "");
		ck_assert(spin(gw_no_outstanding, gw));
		ck_assert_uint_eq(gw_ctr(gw, MGCP_CA_CTR_DTMF_REFUSED), 1);
	}
	ck_assert_uint_eq(mgcp_ca_outstanding(gw->ca), 0);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	ck_assert_uint_eq(c.failed, 0);
	ck_assert_int_eq(gw->ca->state, MGCP_CA_ST_UP);
	talloc_free(m);
	close(g.fd);
}
END_TEST

START_TEST(test_alloc_errors)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct cc_media_gw *gw = gw_start(&g);
	char big[300];
	int err = 0;

	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "nope", "x@mgw", 1, &ops, &c, &err));
	ck_assert_int_eq(err, -ENOENT);
	memset(big, 'a', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "gw", big, 1, &ops, &c, &err));
	ck_assert_int_eq(err, -ENOSPC);
	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "gw", "no-domain", 1, &ops, &c, &err));
	ck_assert_int_eq(err, -EINVAL);
	mgcp_ca_set_state(gw->ca, MGCP_CA_ST_DOWN);
	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "gw", "x@mgw", 1, &ops, &c, &err));
	ck_assert_int_eq(err, -ENETDOWN);
	mgcp_ca_stop(gw->ca);
	mgcp_ca_set_state(gw->ca, MGCP_CA_ST_UP);
	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "gw", "x@mgw", 1, &ops, &c, &err));
	ck_assert_int_eq(err, -ENETDOWN);
	close(g.fd);
}
END_TEST

int main(void)
{
	void *root = talloc_named_const(NULL, 0, "check_cc_media");
	Suite *s = suite_create("cc_media");
	TCase *tc = tt_tcase(s, "media");

	tandem_log_init(root);
	rate_ctr_init(root);
	cc_media_core_init(root);
	tcase_add_test(tc, test_isup_to_sip);
	tcase_add_test(tc, test_release_while_creating);
	tcase_add_test(tc, test_sip_to_isup_failure_cleans_up);
	tcase_add_test(tc, test_answer_to_offer);
	tcase_add_test(tc, test_reoffer);
	tcase_add_test(tc, test_offer_again);
	tcase_add_test(tc, test_rsip_under_call);
	tcase_add_test(tc, test_alloc_errors);
	tcase_add_test(tc, test_sdp_dir);
	tcase_add_test(tc, test_dtmf_rqnt_ntfy);
	tcase_add_loop_test(tc, test_dtmf_refused_or_off, 0, 3);
	return tt_run(s);
}
