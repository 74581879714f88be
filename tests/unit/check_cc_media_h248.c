/* Unit tests of a call's media over H.248 (src/cc_media_h248.c behind
 * src/cc_media.h) against a gateway played by the test over real UDP: the
 * Add of the circuit's TDM termination and an RTP termination in a new
 * context, Modify on the answer and for hold, Subtract on release, an
 * Error reply, release while the Add is under way, a gateway restart under
 * a call, and what a gateway that is not registered or a pattern that is
 * no termination name get; the audit of the calls' contexts after
 * Disconnected, Failover or a DOWN gateway's return (411/430: the call
 * fails with 41; answered: it stays), never more than the window at once.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <netinet/in.h>
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

#define GW_LOCAL "v=0\nc=IN IP4 127.0.0.9\nm=audio 16010 RTP/AVP 8 0\n"
#define PEER_SDP "v=0\r\no=peer 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n"

struct calls {
	unsigned int ready, failed, modified;
	uint8_t cause;
	char sdp[1024];
	char digits[8];
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

static const struct cc_media_ops ops = { .ready = on_ready, .failed = on_failed };

static void on_dtmf(struct cc_media *m, void *priv, char digit)
{
	struct calls *c = priv;
	size_t n = strlen(c->digits);

	if (n + 1 < sizeof(c->digits)) {
		c->digits[n] = digit;
		c->digits[n + 1] = '\0';
	}
}

static const struct cc_media_ops dtmf_ops = { .ready = on_ready, .failed = on_failed, .dtmf = on_dtmf };

static const int codecs[] = { SIP_CODEC_PCMA, SIP_CODEC_PCMU, SIP_CODEC_TELEPHONE_EVENT };

static struct h248_msg *recv_msg(struct script_gw *g)
{
	struct rx_wait w;
	struct h248_msg *msg = NULL;
	const char *text = gw_recv(g, &w);

	ck_assert_msg(h248_msg_parse(tt_ctx, text, strlen(text), &msg, NULL) == 0, "unparsable: %s", text);
	return msg;
}

static const struct h248_action *action(const struct h248_msg *msg)
{
	return llist_first_entry(&h248_msg_first_trans(msg)->actions, struct h248_action, list);
}

static const struct h248_cmd *cmd_n(const struct h248_msg *msg, unsigned int n)
{
	const struct h248_cmd *c;

	llist_for_each_entry(c, &action(msg)->cmds, list) {
		if (!n--)
			return c;
	}
	ck_abort_msg("no command %u", n);
	return NULL;
}

static const struct h248_stream *stream(const struct h248_cmd *c)
{
	ck_assert(c->media.present);
	return llist_first_entry(&c->media.streams, struct h248_stream, list);
}

/* A transaction (@kind "Transaction" or "Reply") from the gateway. */
static void send_trans(struct script_gw *g, const char *kind, uint32_t id, const char *body)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "MEGACO/1 [127.0.0.1]:%u\n%s = %u { %s }", g->port, kind, id, body);
	gw_send(g, buf);
}

static void reply(struct script_gw *g, const struct h248_msg *req, const char *body)
{
	send_trans(g, "Reply", h248_msg_first_trans(req)->id, body);
}

/* The Add of tdm/1/3 and rtp/@rtp in context @ctx went through. */
static void reply_added(struct script_gw *g, const struct h248_msg *req, unsigned int ctx, unsigned int rtp)
{
	char body[512];

	snprintf(body, sizeof(body), "Context = %u { Add = tdm/1/3, Add = rtp/%u { Media { Stream = 1 { Local {\n"
		 GW_LOCAL "} } } } }", ctx, rtp);
	reply(g, req, body);
}

static void service_change(struct script_gw *g, uint32_t id, const char *method)
{
	char body[128];

	snprintf(body, sizeof(body), "Context = - { ServiceChange = ROOT { Services { Method = %s } } }", method);
	send_trans(g, "Transaction", id, body);
	talloc_free(recv_msg(g));
}

/* The gateway "gw" under H.248, started and registered. */
static struct cc_media_gw *gw_start(struct script_gw *g)
{
	struct cc_media_gw *gw = cc_media_gw_get("gw");

	gw_open(g);
	ck_assert_int_eq(cc_media_gw_set_proto(gw, CC_MEDIA_PROTO_H248), 0);
	gw->ca->cfg.local_port = 0;
	gw->ca->cfg.remote_port = g->port;
	osmo_tdef_set(gw->h248->tdefs, H248_CA_T_PROBE, 0, OSMO_TDEF_S);
	ck_assert_int_eq(cc_media_gw_start(gw), 0);
	g->ca_addr.sin_family = AF_INET;
	g->ca_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->ca_addr.sin_port = htons(h248_ca_local_port(gw->h248));
	service_change(g, 1, "Restart");
	ck_assert_int_eq(gw->h248->state, H248_CA_ST_REGISTERED);
	return gw;
}

static bool ready_or_failed(void *arg)
{
	struct calls *c = arg;

	return c->ready || c->failed;
}

static bool not_modifying(void *arg)
{
	return cc_media_state(arg) != CC_MEDIA_MODIFYING;
}

static struct cc_media *alloc(struct calls *c)
{
	int err = 1;
	struct cc_media *m = cc_media_alloc(tt_ctx, "gw", "tdm/1/{cic}", 3, &ops, c, &err);

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(err, 0);
	return m;
}

START_TEST(test_isup_to_sip)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct cc_media *m;
	struct h248_msg *req;
	const struct h248_cmd *cmd;

	gw_start(&g);
	m = alloc(&c);
	ck_assert_str_eq(cc_media_endpoint(m), "tdm/1/3");
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_CREATING);

	/* one transaction: the timeslot and an RTP termination in a new context */
	req = recv_msg(&g);
	ck_assert_int_eq(action(req)->ctx, H248_CTX_CHOOSE);
	ck_assert_uint_eq(action(req)->n_cmds, 2);
	cmd = cmd_n(req, 0);
	ck_assert_int_eq(cmd->kind, H248_CMD_ADD);
	ck_assert_str_eq(cmd->term_id, "tdm/1/3");
	ck_assert_int_eq(stream(cmd)->lc.mode, H248_MODE_SENDRECV);
	/* nobody wants digits: no Events */
	ck_assert(!cmd->events.present);
	cmd = cmd_n(req, 1);
	ck_assert_str_eq(cmd->term_id, "$");
	ck_assert_uint_eq(stream(cmd)->id, 1);
	ck_assert_int_eq(stream(cmd)->lc.mode, H248_MODE_RECVONLY);
	ck_assert_ptr_nonnull(strstr(stream(cmd)->local, "m=audio $ RTP/AVP 8 0"));
	ck_assert_ptr_null(stream(cmd)->remote);
	reply_added(&g, req, 5, 7);
	talloc_free(req);
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.ready, 1);
	ck_assert_msg(strstr(c.sdp, "m=audio 16010 RTP/AVP 8 0 101\r\n") != NULL, "%s", c.sdp);
	ck_assert_ptr_nonnull(strstr(c.sdp, "c=IN IP4 127.0.0.9\r\n"));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);

	/* the answer: Modify of the RTP termination, sendrecv, the peer's end */
	ck_assert_int_eq(cc_media_set_answer(m, PEER_SDP "m=audio 4000 RTP/AVP 0\r\n"), 0);
	req = recv_msg(&g);
	ck_assert_int_eq(action(req)->ctx, H248_CTX_ID);
	ck_assert_uint_eq(action(req)->ctx_id, 5);
	cmd = cmd_n(req, 0);
	ck_assert_int_eq(cmd->kind, H248_CMD_MODIFY);
	ck_assert_str_eq(cmd->term_id, "rtp/7");
	ck_assert_int_eq(stream(cmd)->lc.mode, H248_MODE_SENDRECV);
	ck_assert_ptr_nonnull(strstr(stream(cmd)->remote, "c=IN IP4 192.0.2.7"));
	ck_assert_ptr_nonnull(strstr(stream(cmd)->remote, "m=audio 4000 RTP/AVP 0"));
	reply(&g, req, "Context = 5 { Modify = rtp/7 }");
	talloc_free(req);
	ck_assert(spin(not_modifying, m));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	ck_assert_str_eq(cc_media_codec(m), "PCMU");

	/* hold refused: the call stays as it was */
	ck_assert_int_eq(cc_media_set_mode(m, "inactive"), 0);
	req = recv_msg(&g);
	cmd = cmd_n(req, 0);
	ck_assert_int_eq(stream(cmd)->lc.mode, H248_MODE_INACTIVE);
	ck_assert_ptr_null(stream(cmd)->remote);
	reply(&g, req, "Context = 5 { Modify = rtp/7 { Error = 517 { } } }");
	talloc_free(req);
	ck_assert(spin(not_modifying, m));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	ck_assert_uint_eq(c.failed, 0);

	/* release: everything out of the context */
	cc_media_release(m);
	talloc_free(m);
	req = recv_msg(&g);
	cmd = cmd_n(req, 0);
	ck_assert_int_eq(cmd->kind, H248_CMD_SUBTRACT);
	ck_assert_str_eq(cmd->term_id, "*");
	ck_assert_uint_eq(action(req)->ctx_id, 5);
	talloc_free(req);
	close(g.fd);
}
END_TEST

START_TEST(test_sip_to_isup_error)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct cc_media *m;
	struct h248_msg *req;
	const struct h248_cmd *cmd;
	struct cc_media_gw *gw = gw_start(&g);

	m = alloc(&c);
	ck_assert_int_eq(cc_media_answer_offer(m, PEER_SDP "m=audio 4000 RTP/AVP 8 0\r\n", codecs, 3), 0);
	req = recv_msg(&g);
	cmd = cmd_n(req, 1);
	/* the negotiated codec only, and the peer's end at once */
	ck_assert_ptr_nonnull(strstr(stream(cmd)->local, "m=audio $ RTP/AVP 8"));
	ck_assert_ptr_null(strstr(stream(cmd)->local, "m=audio $ RTP/AVP 8 0"));
	ck_assert_int_eq(stream(cmd)->lc.mode, H248_MODE_SENDRECV);
	ck_assert_ptr_nonnull(strstr(stream(cmd)->remote, "m=audio 4000 RTP/AVP 8"));
	/* the timeslot went in, the RTP termination did not */
	reply(&g, req, "Context = 6 { Add = tdm/1/3, Add = $ { Error = 510 { } } }");
	talloc_free(req);
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.failed, 1);
	ck_assert_uint_eq(c.cause, 47);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_FAILED);
	/* what was added is subtracted */
	req = recv_msg(&g);
	ck_assert_int_eq(cmd_n(req, 0)->kind, H248_CMD_SUBTRACT);
	ck_assert_uint_eq(action(req)->ctx_id, 6);
	talloc_free(req);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(gw->ca->ctrs, MGCP_CA_CTR_MEDIA_FAIL)->current, 1);
	talloc_free(m);
	close(g.fd);
}
END_TEST

START_TEST(test_release_while_adding)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct cc_media *m;
	struct h248_msg *req;
	struct cc_media_gw *gw = gw_start(&g);

	m = alloc(&c);
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	req = recv_msg(&g);
	/* the call goes before the gateway answers */
	talloc_free(m);
	reply_added(&g, req, 9, 1);
	talloc_free(req);
	req = recv_msg(&g);
	ck_assert_int_eq(cmd_n(req, 0)->kind, H248_CMD_SUBTRACT);
	ck_assert_uint_eq(action(req)->ctx_id, 9);
	talloc_free(req);
	ck_assert_uint_eq(c.ready + c.failed, 0);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(gw->h248->ctrs, H248_CA_CTR_ORPHAN_SUBTRACT)->current, 1);
	close(g.fd);
}
END_TEST

START_TEST(test_gateway_restart)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct cc_media *m;
	struct h248_msg *req;
	struct rx_wait w = { .g = &g };
	int err;

	gw_start(&g);
	m = alloc(&c);
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	req = recv_msg(&g);
	reply_added(&g, req, 2, 1);
	talloc_free(req);
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.ready, 1);
	/* the gateway restarted: its contexts are gone, and the call's media */
	service_change(&g, 2, "Restart");
	ck_assert_uint_eq(c.failed, 1);
	ck_assert_uint_eq(c.cause, 41);
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_FAILED);
	cc_media_release(m);
	talloc_free(m);
	/* nothing to subtract on a gateway that lost it all */
	ck_assert(!gw_has_datagram(&w));
	/* out of service: no new call */
	service_change(&g, 3, "Forced");
	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "gw", "tdm/1/{cic}", 1, &ops, &c, &err));
	ck_assert_int_eq(err, -ENETDOWN);
	close(g.fd);
}
END_TEST

static bool got_digits(void *arg)
{
	return strlen(((struct calls *)arg)->digits) >= 2;
}

/* A user that wants DTMF: the TDM termination is added with Events for
 * every dd digit, and the digits of a Notify in its context reach it;
 * a Notify in another context reaches nobody and is still answered. */
START_TEST(test_dtmf)
{
	struct script_gw g;
	struct calls c = { 0 };
	const struct h248_cmd *cmd;
	const struct h248_item *it;
	struct h248_msg *req, *r;
	struct cc_media *m;
	char events[64] = "";
	int err = 1;

	gw_start(&g);
	m = cc_media_alloc(tt_ctx, "gw", "tdm/1/{cic}", 3, &dtmf_ops, &c, &err);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	req = recv_msg(&g);
	cmd = cmd_n(req, 0);
	ck_assert_str_eq(cmd->term_id, "tdm/1/3");
	ck_assert(cmd->events.present);
	ck_assert(cmd->events.has_request_id);
	llist_for_each_entry(it, &cmd->events.items, list)
		snprintf(events + strlen(events), sizeof(events) - strlen(events), "%s", it->name + 3);
	ck_assert_str_eq(events, "d0d1d2d3d4d5d6d7d8d9dsdodadbdcdd");
	ck_assert(!cmd_n(req, 1)->events.present);
	reply_added(&g, req, 5, 7);
	talloc_free(req);
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.ready, 1);

	send_trans(&g, "Transaction", 60, "Context = 9 { Notify = tdm/1/4 { ObservedEvents = 1 { dd/d1 } } }");
	r = recv_msg(&g);
	ck_assert(!cmd_n(r, 0)->error.present);
	talloc_free(r);
	send_trans(&g, "Transaction", 61, "Context = 5 { Notify = tdm/1/3 { ObservedEvents = 1 {"
					  " 20261125T17065395:dd/d5, dd/do } } }");
	r = recv_msg(&g);
	ck_assert_int_eq(cmd_n(r, 0)->kind, H248_CMD_NOTIFY);
	ck_assert(!cmd_n(r, 0)->error.present);
	talloc_free(r);
	ck_assert(spin(got_digits, &c));
	ck_assert_str_eq(c.digits, "5#");

	cc_media_release(m);
	talloc_free(m);
	talloc_free(recv_msg(&g));
	close(g.fd);
}
END_TEST

/* `no dtmf-detect`: the Add asks for no digits (a gateway without the dd
 * package would refuse it) */
START_TEST(test_no_dtmf_detect)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct h248_msg *req;
	struct cc_media *m;
	int err = 1;

	gw_start(&g);
	cc_media_gw_find("gw")->no_dtmf = true;
	m = cc_media_alloc(tt_ctx, "gw", "tdm/1/{cic}", 3, &dtmf_ops, &c, &err);
	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	req = recv_msg(&g);
	ck_assert_str_eq(cmd_n(req, 0)->term_id, "tdm/1/3");
	ck_assert(!cmd_n(req, 0)->events.present);
	ck_assert(!cmd_n(req, 1)->events.present);
	reply_added(&g, req, 5, 7);
	talloc_free(req);
	ck_assert(spin(ready_or_failed, &c));
	ck_assert_uint_eq(c.ready, 1);
	cc_media_release(m);
	talloc_free(m);
	talloc_free(recv_msg(&g));
	close(g.fd);
}
END_TEST

START_TEST(test_termination_names)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct cc_media_gw *gw = gw_start(&g);
	struct cc_media *m;
	int err;

	/* an MGCP endpoint is no H.248 termination */
	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "gw", "ds/e1-1/{cic}@mgw", 1, &ops, &c, &err));
	ck_assert_int_eq(err, -EINVAL);
	ck_assert_ptr_null(cc_media_alloc(tt_ctx, "gw", "tdm/1/{cic}/aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
					  1, &ops, &c, &err));
	ck_assert_int_eq(err, -ENOSPC);
	/* calls use the gateway: the protocol stays until they are gone */
	m = alloc(&c);
	ck_assert_int_eq(cc_media_gw_set_proto(gw, CC_MEDIA_PROTO_MGCP), -EBUSY);
	talloc_free(m);
	ck_assert_int_eq(cc_media_gw_set_proto(gw, CC_MEDIA_PROTO_MGCP), 0);
	ck_assert(!h248_ca_started(gw->h248));
	close(g.fd);
}
END_TEST

/* A call READY in context @ctx on tdm/1/@cic. */
static struct cc_media *call_in(struct script_gw *g, struct calls *c, uint16_t cic, unsigned int ctx)
{
	int err = 1;
	struct cc_media *m = cc_media_alloc(tt_ctx, "gw", "tdm/1/{cic}", cic, &ops, c, &err);
	struct h248_msg *req;

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 3), 0);
	req = recv_msg(g);
	reply_added(g, req, ctx, ctx);
	talloc_free(req);
	ck_assert(spin(ready_or_failed, c));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	return m;
}

static uint64_t ca_ctr(struct cc_media_gw *gw, enum h248_ca_ctr ctr)
{
	return rate_ctr_group_get_ctr(gw->h248->ctrs, ctr)->current;
}

/* The next request is an AuditValue of @term in context @ctx. */
static struct h248_msg *recv_audit(struct script_gw *g, unsigned int ctx, const char *term)
{
	struct h248_msg *req = recv_msg(g);
	const struct h248_cmd *cmd = cmd_n(req, 0);

	ck_assert_int_eq(action(req)->ctx, H248_CTX_ID);
	if (ctx)
		ck_assert_uint_eq(action(req)->ctx_id, ctx);
	ck_assert_int_eq(cmd->kind, H248_CMD_AUDIT_VALUE);
	if (term)
		ck_assert_str_eq(cmd->term_id, term);
	return req;
}

static void reply_audit_ok(struct script_gw *g, const struct h248_msg *req)
{
	char body[256];

	snprintf(body, sizeof(body), "Context = %u { AuditValue = %s }", action(req)->ctx_id, cmd_n(req, 0)->term_id);
	reply(g, req, body);
}

static bool audit_done(void *arg)
{
	struct cc_media_gw *gw = arg;

	return gw->audits_out == 0 && h248_ca_outstanding(gw->h248) == 0;
}

/* Disconnected: each call's context is audited; the one the gateway no
 * longer has fails with 41, nothing subtracted; the other stays. */
START_TEST(test_audit_after_disconnected)
{
	struct script_gw g;
	struct calls c1 = { 0 }, c2 = { 0 }, c3 = { 0 };
	struct cc_media_gw *gw = gw_start(&g);
	struct cc_media *m1 = call_in(&g, &c1, 3, 2), *m2 = call_in(&g, &c2, 4, 3), *m3;
	struct rx_wait w = { .g = &g };
	struct h248_msg *a1, *a2, *req;
	int err;

	service_change(&g, 2, "Disconnected");
	a1 = recv_audit(&g, 2, "tdm/1/3");
	a2 = recv_audit(&g, 3, "tdm/1/4");
	ck_assert(!gw_has_datagram(&w));
	/* a call set up while the audit runs is not audited */
	m3 = cc_media_alloc(tt_ctx, "gw", "tdm/1/{cic}", 5, &ops, &c3, &err);
	ck_assert_ptr_nonnull(m3);
	ck_assert_int_eq(cc_media_make_offer(m3, codecs, 3), 0);
	req = recv_msg(&g);
	reply_added(&g, req, 4, 4);
	talloc_free(req);
	reply(&g, a1, "Context = 2 { Error = 411 { \"The transaction refers to an unknown ContextId\" } }");
	reply_audit_ok(&g, a2);
	talloc_free(a1);
	talloc_free(a2);
	ck_assert(spin(audit_done, gw));
	ck_assert(spin(ready_or_failed, &c3));
	ck_assert_uint_eq(c1.failed, 1);
	ck_assert_uint_eq(c1.cause, 41);
	ck_assert_int_eq(cc_media_state(m1), CC_MEDIA_FAILED);
	ck_assert_uint_eq(c2.failed, 0);
	ck_assert_int_eq(cc_media_state(m2), CC_MEDIA_READY);
	ck_assert_int_eq(cc_media_state(m3), CC_MEDIA_READY);
	ck_assert_uint_eq(ca_ctr(gw, H248_CA_CTR_AUDIT_OK), 1);
	ck_assert_uint_eq(ca_ctr(gw, H248_CA_CTR_AUDIT_LOST), 1);
	ck_assert_uint_eq(ca_ctr(gw, H248_CA_CTR_ERR_411), 1);
	/* call control releases the failed call: nothing left to subtract */
	cc_media_release(m1);
	talloc_free(m1);
	ck_assert(!gw_has_datagram(&w));
	/* the one that stayed is subtracted as usual */
	cc_media_release(m2);
	req = recv_msg(&g);
	ck_assert_int_eq(cmd_n(req, 0)->kind, H248_CMD_SUBTRACT);
	ck_assert_uint_eq(action(req)->ctx_id, 3);
	talloc_free(req);
	talloc_free(m2);
	talloc_free(m3);
	close(g.fd);
}
END_TEST

/* What spin() waits for: the gateway's controller in a state. */
struct state_wait {
	struct cc_media_gw *gw;
	enum h248_ca_state st;
};

static bool in_state(void *arg)
{
	const struct state_wait *w = arg;

	return w->gw->h248->state == w->st;
}

static bool reaches(struct cc_media_gw *gw, enum h248_ca_state st)
{
	struct state_wait w = { gw, st };

	return spin(in_state, &w);
}

/* The gateway stopped answering (DOWN) and answers the probe again: the
 * calls' contexts are audited; a 430 (termination gone) fails its call,
 * an answer keeps the other; an audit timing out ends the audit. */
START_TEST(test_audit_when_back)
{
	struct script_gw g;
	struct calls c1 = { 0 }, c2 = { 0 };
	struct cc_media_gw *gw = gw_start(&g);
	struct rx_wait w = { .g = &g };
	struct cc_media *m1, *m2;
	struct h248_msg *req, *a1, *a2;

	h248_ca_stop(gw->h248);
	osmo_tdef_set(gw->h248->tdefs, H248_TL_T_RTO_INIT, 10, OSMO_TDEF_MS);
	osmo_tdef_set(gw->h248->tdefs, H248_TL_T_RTO_MAX, 20, OSMO_TDEF_MS);
	osmo_tdef_set(gw->h248->tdefs, H248_TL_T_GIVE_UP, 150, OSMO_TDEF_MS);
	ck_assert_int_eq(h248_ca_start(gw->h248), 0);
	g.ca_addr.sin_port = htons(h248_ca_local_port(gw->h248));
	m1 = call_in(&g, &c1, 3, 7);
	m2 = call_in(&g, &c2, 4, 8);
	/* silence: the operator's audit of ROOT times out */
	ck_assert_int_eq(gw->pops->audit(gw), 0);
	ck_assert(reaches(gw, H248_CA_ST_DOWN));
	while (gw_has_datagram(&w))
		;
	ck_assert_int_eq(cc_media_state(m1), CC_MEDIA_READY);
	/* back: the probe is answered */
	h248_ca_probe_schedule(gw->h248, 0);
	req = recv_msg(&g);
	ck_assert_str_eq(cmd_n(req, 0)->term_id, "ROOT");
	reply(&g, req, "Context = - { AuditValue = ROOT }");
	talloc_free(req);
	ck_assert(reaches(gw, H248_CA_ST_REGISTERED));
	a1 = recv_audit(&g, 7, "tdm/1/3");
	a2 = recv_audit(&g, 8, "tdm/1/4");
	reply(&g, a1, "Context = 7 { AuditValue = tdm/1/3 { Error = 430 { \"Unknown TerminationID\" } } }");
	reply_audit_ok(&g, a2);
	talloc_free(a1);
	talloc_free(a2);
	ck_assert(spin(audit_done, gw));
	ck_assert_uint_eq(c1.cause, 41);
	ck_assert_int_eq(cc_media_state(m1), CC_MEDIA_FAILED);
	ck_assert_int_eq(cc_media_state(m2), CC_MEDIA_READY);
	ck_assert_uint_eq(ca_ctr(gw, H248_CA_CTR_AUDIT_RUN), 1);

	/* Failover, and the audit goes unanswered: DOWN again, the call stays */
	service_change(&g, 5, "Failover");
	a2 = recv_audit(&g, 8, "tdm/1/4");
	talloc_free(a2);
	ck_assert(reaches(gw, H248_CA_ST_DOWN));
	ck_assert(spin(audit_done, gw));
	ck_assert_int_eq(cc_media_state(m2), CC_MEDIA_READY);
	ck_assert_uint_eq(ca_ctr(gw, H248_CA_CTR_AUDIT_OK), 1);
	ck_assert_uint_eq(ca_ctr(gw, H248_CA_CTR_AUDIT_LOST), 1);
	cc_media_release(m1);
	talloc_free(m1);
	talloc_free(m2);
	close(g.fd);
}
END_TEST

/* More calls than the window: never more than CC_MEDIA_AUDIT_WINDOW
 * audits outstanding; each answer lets the next one go. */
START_TEST(test_audit_window)
{
	enum { N = CC_MEDIA_AUDIT_WINDOW + 6 };
	struct script_gw g;
	struct calls c[N];
	struct cc_media *m[N];
	struct cc_media_gw *gw = gw_start(&g);
	struct rx_wait w = { .g = &g };
	struct h248_msg *pending[N];
	unsigned int i, n_pending = 0, seen = 0;

	memset(c, 0, sizeof(c));
	for (i = 0; i < N; i++)
		m[i] = call_in(&g, &c[i], 10 + i, 100 + i);
	service_change(&g, 2, "Disconnected");
	while (gw_has_datagram(&w)) {
		ck_assert_int_eq(h248_msg_parse(tt_ctx, w.buf, w.len, &pending[n_pending], NULL), 0);
		ck_assert_int_eq(cmd_n(pending[n_pending], 0)->kind, H248_CMD_AUDIT_VALUE);
		n_pending++;
	}
	ck_assert_uint_eq(n_pending, CC_MEDIA_AUDIT_WINDOW);
	ck_assert_uint_eq(h248_ca_outstanding(gw->h248), CC_MEDIA_AUDIT_WINDOW);
	/* answer them one by one: each frees a place for a waiting call */
	while (n_pending) {
		struct h248_msg *req = pending[--n_pending];

		reply_audit_ok(&g, req);
		talloc_free(req);
		seen++;
		req = NULL;
		ck_assert(spin(gw_has_datagram, &w) || seen + n_pending >= N);
		if (w.len > 0 && seen + n_pending < N) {
			ck_assert_int_eq(h248_msg_parse(tt_ctx, w.buf, w.len, &pending[n_pending], NULL), 0);
			n_pending++;
			w.len = 0;
		}
		ck_assert_uint_le(h248_ca_outstanding(gw->h248), CC_MEDIA_AUDIT_WINDOW);
		ck_assert_uint_le(gw->audits_out, CC_MEDIA_AUDIT_WINDOW);
	}
	ck_assert(spin(audit_done, gw));
	ck_assert_uint_eq(seen, N);
	ck_assert_uint_eq(ca_ctr(gw, H248_CA_CTR_AUDIT_OK), N);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(cc_media_state(m[i]), CC_MEDIA_READY);
		talloc_free(m[i]);
	}
	close(g.fd);
}
END_TEST

int main(void)
{
	void *root = talloc_named_const(NULL, 0, "check_cc_media_h248");
	Suite *s = suite_create("cc_media_h248");
	TCase *tc = tt_tcase(s, "media");

	tandem_log_init(root);
	rate_ctr_init(root);
	cc_media_core_init(root);
	tcase_add_test(tc, test_isup_to_sip);
	tcase_add_test(tc, test_sip_to_isup_error);
	tcase_add_test(tc, test_release_while_adding);
	tcase_add_test(tc, test_gateway_restart);
	tcase_add_test(tc, test_dtmf);
	tcase_add_test(tc, test_no_dtmf_detect);
	tcase_add_test(tc, test_termination_names);
	tcase_add_test(tc, test_audit_after_disconnected);
	tcase_add_test(tc, test_audit_when_back);
	tcase_add_test(tc, test_audit_window);
	return tt_run(s);
}
