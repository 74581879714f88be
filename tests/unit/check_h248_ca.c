/* Unit tests of tandemd's H.248.1 controller (mgcp/h248_ca*.c) over real
 * UDP sockets on 127.0.0.1, the test playing the gateway: registration by
 * ServiceChange (each method, the reply's address and version, contexts
 * lost on a restart), Add/Modify/Subtract/AuditValue and their outcome,
 * error replies at each level, timeout, cancel, stop, Notify, commands we
 * do not take, foreign datagrams and the ROOT probe; audit_needed after
 * Disconnected/Failover/Handoff and after a DOWN gateway answers again;
 * the per-code Error counters; a Handoff we send to the gateway.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/select.h>

#include "mgcp/h248_ca.h"
#include "mgcp/h248_dd.h"
#include "src/tandem_log.h"
#include "tests/unit/script_mgw.h"
#include "tests/unit/testlib.h"

struct outcome {
	unsigned int calls;
	int rc;
	unsigned int code;
	uint32_t ctx_id;
	bool has_ctx;
	unsigned int n_terms;
	char term[H248_CA_TERMS_MAX][H248_NAME_MAX + 1];
	char local[H248_CA_TERMS_MAX][256];
	unsigned int states;
	enum h248_ca_state state;
	unsigned int lost;
	enum h248_sc_method lost_method;
	unsigned int notifies;
	uint32_t notify_ctx;
	char digits[8];
	unsigned int audits;
	enum h248_ca_audit_why audit_why;
};

static void result_cb(void *data, const struct h248_ca_result *res)
{
	struct outcome *o = data;
	unsigned int i;

	o->calls++;
	o->rc = res->rc;
	o->code = res->code;
	o->has_ctx = res->has_ctx;
	o->ctx_id = res->ctx_id;
	o->n_terms = res->n_terms;
	for (i = 0; i < res->n_terms; i++) {
		osmo_strlcpy(o->term[i], res->terms[i].id, sizeof(o->term[i]));
		osmo_strlcpy(o->local[i], res->terms[i].local ? res->terms[i].local : "", sizeof(o->local[i]));
	}
}

static void state_cb(struct h248_ca *ca, enum h248_ca_state st, void *priv)
{
	struct outcome *o = priv;

	o->states++;
	o->state = st;
}

static void lost_cb(struct h248_ca *ca, enum h248_sc_method method, const char *reason, void *priv)
{
	struct outcome *o = priv;

	o->lost++;
	o->lost_method = method;
}

static void notify_cb(struct h248_ca *ca, uint32_t ctx_id, const struct h248_cmd *cmd, void *priv)
{
	struct outcome *o = priv;

	o->notifies++;
	o->notify_ctx = ctx_id;
	h248_dd_observed(cmd, o->digits, sizeof(o->digits));
}

static void audit_cb(struct h248_ca *ca, enum h248_ca_audit_why why, void *priv)
{
	struct outcome *o = priv;

	o->audits++;
	o->audit_why = why;
}

static const struct h248_ca_ops test_ops = {
	.state = state_cb, .contexts_lost = lost_cb, .notify = notify_cb, .audit_needed = audit_cb,
};

static uint64_t ctr(struct h248_ca *ca, enum h248_ca_ctr c)
{
	return rate_ctr_group_get_ctr(ca->ctrs, c)->current;
}

static bool called(void *arg)
{
	return ((struct outcome *)arg)->calls > 0;
}

/* A gateway socket and a started controller pointing at it; no probe. */
static struct h248_ca *ca_start(struct script_gw *g, struct outcome *o, bool probe)
{
	struct h248_ca *ca = h248_ca_alloc(tt_ctx, "t", 0);

	gw_open(g);
	ck_assert_ptr_nonnull(ca);
	ca->cfg.local_port = 0;
	ca->cfg.remote_port = g->port;
	ca->ops = &test_ops;
	ca->priv = o;
	if (!probe)
		osmo_tdef_set(ca->tdefs, H248_CA_T_PROBE, 0, OSMO_TDEF_S);
	ck_assert_int_eq(h248_ca_start(ca), 0);
	ck_assert_uint_ne(h248_ca_local_port(ca), 0);
	g->ca_addr.sin_family = AF_INET;
	g->ca_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->ca_addr.sin_port = htons(h248_ca_local_port(ca));
	return ca;
}

static void ca_finish(struct h248_ca *ca, struct script_gw *g)
{
	talloc_free(ca);
	close(g->fd);
}

/* What the controller sent next, parsed (free with talloc_free). */
static struct h248_msg *gw_recv_msg(struct script_gw *g)
{
	struct rx_wait w;
	struct h248_msg *msg = NULL;
	const char *text = gw_recv(g, &w);

	ck_assert_msg(h248_msg_parse(tt_ctx, text, strlen(text), &msg, NULL) == 0, "unparsable: %s", text);
	return msg;
}

static const struct h248_cmd *first_cmd(const struct h248_msg *msg)
{
	const struct h248_trans *t = h248_msg_first_trans(msg);
	const struct h248_action *a;

	ck_assert_ptr_nonnull(t);
	a = llist_first_entry(&t->actions, struct h248_action, list);
	return llist_first_entry(&a->cmds, struct h248_cmd, list);
}

/* The gateway sends ServiceChange on ROOT; returns the controller's reply. */
static struct h248_msg *gw_service_change(struct script_gw *g, uint32_t tid, unsigned int version,
					  const char *method, const char *reason)
{
	char buf[512];

	snprintf(buf, sizeof(buf),
		 "MEGACO/%u [127.0.0.1]:%u\nTransaction = %u { Context = - { ServiceChange = ROOT {"
		 " Services { Method = %s, Reason = \"%s\" } } } }",
		 version, g->port, tid, method, reason);
	gw_send(g, buf);
	return gw_recv_msg(g);
}

static void gw_reply(struct script_gw *g, uint32_t tid, const char *body)
{
	char buf[2048];

	snprintf(buf, sizeof(buf), "MEGACO/1 [127.0.0.1]:%u\nReply = %u { %s }", g->port, tid, body);
	gw_send(g, buf);
}

static void registered(struct script_gw *g, struct h248_ca *ca, struct outcome *o)
{
	struct h248_msg *r = gw_service_change(g, 1, 1, "Restart", "901 Cold Boot");

	talloc_free(r);
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
}

START_TEST(test_registration)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	struct h248_ca_term tdm = { .id = "tdm/1/1" };
	struct h248_msg *r;
	const struct h248_trans *t;
	const struct h248_cmd *c;
	char port[8];

	ck_assert_int_eq(ca->state, H248_CA_ST_UNKNOWN);
	/* nothing may go before the gateway registered */
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &tdm, 1, result_cb, &o, NULL), -ENOTCONN);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_REQ_REFUSED), 1);

	r = gw_service_change(&g, 77, 1, "Restart", "901 Cold Boot");
	t = h248_msg_first_trans(r);
	ck_assert_int_eq(t->kind, H248_TRANS_REPLY);
	ck_assert_uint_eq(t->id, 77);
	c = first_cmd(r);
	ck_assert_int_eq(c->kind, H248_CMD_SERVICE_CHANGE);
	ck_assert_str_eq(c->term_id, "ROOT");
	ck_assert(!c->error.present);
	ck_assert(c->sc.present);
	snprintf(port, sizeof(port), "%u", h248_ca_local_port(ca));
	ck_assert_str_eq(c->sc.address, port);
	ck_assert_uint_eq(c->sc.version, 1);
	/* 7.2.8: a registration's response carries a TimeStamp */
	ck_assert(c->sc.timestamp && strlen(c->sc.timestamp) == H248_TIMESTAMP_LEN && c->sc.timestamp[8] == 'T');
	talloc_free(r);
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	ck_assert_uint_eq(o.states, 1);
	ck_assert_uint_eq(o.lost, 0);	/* first time: there was nothing to lose */
	ck_assert_str_eq(ca->last_reason, "901 Cold Boot");

	/* a restart of the gateway we know: its contexts are gone */
	talloc_free(gw_service_change(&g, 78, 1, "Restart", "901 Cold Boot"));
	ck_assert_uint_eq(o.lost, 1);
	ck_assert_int_eq(o.lost_method, H248_SC_RESTART);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_RESTART), 2);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_CONTEXTS_LOST), 1);

	/* a retransmitted ServiceChange is answered again, not executed again */
	r = gw_service_change(&g, 78, 1, "Restart", "901 Cold Boot");
	ck_assert_uint_eq(h248_msg_first_trans(r)->id, 78);
	talloc_free(r);
	ck_assert_uint_eq(o.lost, 1);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_RESTART), 2);

	/* Graceful: no new context, but modifying the old ones goes on */
	talloc_free(gw_service_change(&g, 79, 1, "Graceful", "905 Termination taken out of service"));
	ck_assert_int_eq(ca->state, H248_CA_ST_GRACEFUL);
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &tdm, 1, result_cb, &o, NULL), -ENOTCONN);
	ck_assert_int_eq(h248_ca_modify(ca, 5, &tdm, 1, NULL, NULL, NULL), 0);
	talloc_free(gw_recv_msg(&g));

	/* Forced: out of service with its contexts */
	talloc_free(gw_service_change(&g, 80, 1, "Forced", "905 Termination taken out of service"));
	ck_assert_int_eq(ca->state, H248_CA_ST_DOWN);
	ck_assert_uint_eq(o.lost, 2);
	ck_assert_int_eq(o.lost_method, H248_SC_FORCED);
	ck_assert_int_eq(h248_ca_modify(ca, 5, &tdm, 1, NULL, NULL, NULL), -ENOTCONN);

	/* Disconnected: back, contexts kept */
	talloc_free(gw_service_change(&g, 81, 1, "Disconnected", "900 Service Restored"));
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	ck_assert_uint_eq(o.lost, 2);
	talloc_free(gw_service_change(&g, 82, 1, "Failover", "904 Manual Intervention"));
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	ck_assert_uint_eq(o.lost, 2);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_GRACEFUL), 1);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_FORCED), 1);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_DISCONNECTED), 1);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_FAILOVER), 1);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(ca->tl->ctrs, H248_TL_CTR_RX_DUP_REQUEST)->current, 1);
	ca_finish(ca, &g);
}
END_TEST

/* ServiceChanges that do not register: on a termination, or a method
 * we do not take; and the bare reply to Forced. */
START_TEST(test_service_change_other)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	struct h248_msg *r;
	const struct h248_cmd *c;
	char buf[512];

	registered(&g, ca, &o);
	snprintf(buf, sizeof(buf), "MEGACO/1 [127.0.0.1]:%u\nTransaction = 60 { Context = - { ServiceChange ="
		 " tdm/1/3 { Services { Method = Forced, Reason = \"905 Termination taken out of service\" } } } }",
		 g.port);
	gw_send(&g, buf);
	r = gw_recv_msg(&g);
	c = first_cmd(r);
	ck_assert_str_eq(c->term_id, "tdm/1/3");
	ck_assert(!c->error.present);
	ck_assert(!c->sc.present);
	talloc_free(r);
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	ck_assert_uint_eq(o.lost, 0);

	r = gw_service_change(&g, 61, 1, "X-Nap", "900 Service Restored");
	c = first_cmd(r);
	ck_assert(c->error.present);
	ck_assert_uint_eq(c->error.code, 501);
	talloc_free(r);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_OTHER), 2);
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);

	r = gw_service_change(&g, 62, 1, "Forced", "905 Termination taken out of service");
	c = first_cmd(r);
	ck_assert(!c->error.present);
	ck_assert(!c->sc.present);	/* a Services descriptor may not be empty */
	talloc_free(r);
	ck_assert_int_eq(ca->state, H248_CA_ST_DOWN);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_version_agreed)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	struct h248_ca_term tdm = { .id = "tdm/1/1" };
	struct h248_msg *r;

	ca->cfg.version = 2;
	h248_ca_stop(ca);
	ck_assert_int_eq(h248_ca_start(ca), 0);
	g.ca_addr.sin_port = htons(h248_ca_local_port(ca));
	/* a version 3 gateway: we speak 2 at most, and say so */
	r = gw_service_change(&g, 5, 3, "Restart", "901 Cold Boot");
	ck_assert_uint_eq(r->version, 2);
	ck_assert_uint_eq(first_cmd(r)->sc.version, 2);
	talloc_free(r);
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &tdm, 1, NULL, NULL, NULL), 0);
	r = gw_recv_msg(&g);
	ck_assert_uint_eq(r->version, 2);
	talloc_free(r);
	/* a version 1 gateway: 1 it is */
	r = gw_service_change(&g, 6, 1, "Restart", "901 Cold Boot");
	ck_assert_uint_eq(r->version, 1);
	ck_assert_uint_eq(first_cmd(r)->sc.version, 1);
	talloc_free(r);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_add_modify_subtract)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	const struct h248_ca_media tdm_m = { .mode = H248_MODE_SENDRECV };
	const struct h248_ca_media rtp_m = { .stream = 1, .mode = H248_MODE_RECVONLY,
					     .local = "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8 0" };
	const struct h248_ca_term add[] = { { "tdm/1/1", &tdm_m }, { "$", &rtp_m } };
	const struct h248_ca_media send_m = { .stream = 1, .mode = H248_MODE_SENDRECV,
					      .remote = "v=0\nc=IN IP4 127.0.0.1\nm=audio 4000 RTP/AVP 8" };
	const struct h248_ca_term mod[] = { { "rtp/3", &send_m } };
	const struct h248_stream *s;
	const struct h248_trans *t;
	const struct h248_action *a;
	const struct h248_cmd *c;
	struct h248_msg *req;

	registered(&g, ca, &o);
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, add, 2, result_cb, &o, NULL), 0);
	ck_assert_uint_eq(h248_ca_outstanding(ca), 1);
	req = gw_recv_msg(&g);
	t = h248_msg_first_trans(req);
	ck_assert_int_eq(t->kind, H248_TRANS_REQUEST);
	a = llist_first_entry(&t->actions, struct h248_action, list);
	ck_assert_int_eq(a->ctx, H248_CTX_CHOOSE);
	ck_assert_uint_eq(a->n_cmds, 2);
	c = llist_first_entry(&a->cmds, struct h248_cmd, list);
	ck_assert_int_eq(c->kind, H248_CMD_ADD);
	ck_assert_str_eq(c->term_id, "tdm/1/1");
	s = llist_first_entry(&c->media.streams, struct h248_stream, list);
	ck_assert_uint_eq(s->id, 0);
	ck_assert_int_eq(s->lc.mode, H248_MODE_SENDRECV);
	ck_assert_ptr_null(s->local);
	c = llist_last_entry(&a->cmds, struct h248_cmd, list);
	ck_assert_str_eq(c->term_id, "$");
	s = llist_first_entry(&c->media.streams, struct h248_stream, list);
	ck_assert_uint_eq(s->id, 1);
	ck_assert_int_eq(s->lc.mode, H248_MODE_RECVONLY);
	ck_assert_ptr_nonnull(strstr(s->local, "m=audio $ RTP/AVP 8 0"));
	gw_reply(&g, t->id, "Context = 7 { Add = tdm/1/1, Add = rtp/3 { Media { Stream = 1 { Local {\n"
			    "v=0\nc=IN IP4 127.0.0.1\nm=audio 16002 RTP/AVP 8\n} } } } }");
	talloc_free(req);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(o.rc, 0);
	ck_assert(o.has_ctx);
	ck_assert_uint_eq(o.ctx_id, 7);
	ck_assert_uint_eq(o.n_terms, 2);
	ck_assert_str_eq(o.term[0], "tdm/1/1");
	ck_assert_str_eq(o.term[1], "rtp/3");
	ck_assert_str_eq(o.local[0], "");
	ck_assert_ptr_nonnull(strstr(o.local[1], "m=audio 16002 RTP/AVP 8"));
	ck_assert_uint_eq(h248_ca_outstanding(ca), 0);

	/* Modify to sendrecv with the remote end */
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(h248_ca_modify(ca, 7, mod, 1, result_cb, &o, NULL), 0);
	req = gw_recv_msg(&g);
	t = h248_msg_first_trans(req);
	a = llist_first_entry(&t->actions, struct h248_action, list);
	ck_assert_int_eq(a->ctx, H248_CTX_ID);
	ck_assert_uint_eq(a->ctx_id, 7);
	c = first_cmd(req);
	ck_assert_int_eq(c->kind, H248_CMD_MODIFY);
	ck_assert_str_eq(c->term_id, "rtp/3");
	s = llist_first_entry(&c->media.streams, struct h248_stream, list);
	ck_assert_int_eq(s->lc.mode, H248_MODE_SENDRECV);
	ck_assert_ptr_nonnull(strstr(s->remote, "m=audio 4000 RTP/AVP 8"));
	gw_reply(&g, t->id, "Context = 7 { Modify = rtp/3 }");
	talloc_free(req);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(o.rc, 0);

	/* Subtract * with the Statistics */
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(h248_ca_subtract(ca, 7, "*", result_cb, &o, NULL), 0);
	req = gw_recv_msg(&g);
	t = h248_msg_first_trans(req);
	c = first_cmd(req);
	ck_assert_int_eq(c->kind, H248_CMD_SUBTRACT);
	ck_assert_str_eq(c->term_id, "*");
	ck_assert(c->audit.present);
	ck_assert_str_eq(llist_first_entry(&c->audit.items, struct h248_item, list)->name, "Statistics");
	gw_reply(&g, t->id, "Context = 7 { Subtract = tdm/1/1 { Statistics { nt/dur = 10 } },"
			    " Subtract = rtp/3 { Statistics { nt/dur = 10, rtp/pr = 4 } } }");
	talloc_free(req);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(o.rc, 0);
	ck_assert_uint_eq(o.n_terms, 2);
	ck_assert_str_eq(o.term[1], "rtp/3");

	/* AuditValue of ROOT, in any state */
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(h248_ca_audit(ca, H248_CA_CTX_NULL, "ROOT", result_cb, &o, NULL), 0);
	req = gw_recv_msg(&g);
	c = first_cmd(req);
	ck_assert_int_eq(c->kind, H248_CMD_AUDIT_VALUE);
	ck_assert_int_eq(llist_first_entry(&h248_msg_first_trans(req)->actions, struct h248_action, list)->ctx,
			 H248_CTX_NULL);
	gw_reply(&g, h248_msg_first_trans(req)->id, "Context = - { AuditValue = ROOT { Packages { g-1, rtp-1 } } }");
	talloc_free(req);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(o.rc, 0);
	ck_assert(!o.has_ctx);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_REQ_OK), 4);

	/* bad arguments never reach the wire */
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_NULL, add, 2, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, add, 0, NULL, NULL, NULL), -E2BIG);
	ck_assert_int_eq(h248_ca_modify(ca, H248_CA_CTX_CHOOSE, mod, 1, NULL, NULL, NULL), -EINVAL);
	ck_assert_int_eq(h248_ca_subtract(ca, H248_CA_CTX_NULL, "*", NULL, NULL, NULL), -EINVAL);
	ck_assert_uint_eq(h248_ca_outstanding(ca), 0);
	ca_finish(ca, &g);
}
END_TEST

/* The gateway's Error comes back as its H.248.1 code, at every level. */
START_TEST(test_error_replies)
{
	static const struct {
		const char *body;
		unsigned int code;
	} cases[] = {
		{ "Error = 500 { \"Internal software failure\" }", 500 },
		{ "Context = 99 { Error = 411 { \"The transaction refers to an unknown ContextId\" } }", 411 },
		{ "Context = - { Add = tdm/9/1 { Error = 430 { \"Unknown TerminationID\" } } }", 430 },
		{ "Context = - { Add = tdm/1/1 { Error = 433 { } } }", 433 },
		{ "Context = - { Add = $ { Error = 510 {} } }", 510 },
	};
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	const struct h248_ca_term add = { .id = "tdm/9/1" };
	unsigned int i;

	registered(&g, ca, &o);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct h248_msg *req;

		memset(&o, 0, sizeof(o));
		ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &add, 1, result_cb, &o, NULL), 0);
		req = gw_recv_msg(&g);
		gw_reply(&g, h248_msg_first_trans(req)->id, cases[i].body);
		talloc_free(req);
		ck_assert(spin(called, &o));
		ck_assert_int_eq(o.rc, -EPROTO);
		ck_assert_uint_eq(o.code, cases[i].code);
	}
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_REQ_ERROR), ARRAY_SIZE(cases));
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_REQ_OK), 0);
	/* an Error does not mean the gateway is gone */
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(ca->tl->ctrs, H248_TL_CTR_RX_ERROR_REPLY)->current,
			  ARRAY_SIZE(cases));
	ca_finish(ca, &g);
}
END_TEST

/* Retransmit after 10 ms, give up after 100 ms.  The VTY sets the timers
 * on the gateway; a restart applies them. */
static void fast_timers(struct h248_ca *ca, struct script_gw *g)
{
	h248_ca_stop(ca);
	osmo_tdef_set(ca->tdefs, H248_TL_T_RTO_INIT, 10, OSMO_TDEF_MS);
	osmo_tdef_set(ca->tdefs, H248_TL_T_RTO_MAX, 20, OSMO_TDEF_MS);
	osmo_tdef_set(ca->tdefs, H248_TL_T_GIVE_UP, 100, OSMO_TDEF_MS);
	ck_assert_int_eq(h248_ca_start(ca), 0);
	g->ca_addr.sin_port = htons(h248_ca_local_port(ca));
}

START_TEST(test_timeout_down)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	const struct h248_ca_term add = { .id = "tdm/1/1" };
	struct rx_wait w = { .g = &g };
	char first[2048];
	unsigned int copies = 0;

	registered(&g, ca, &o);
	fast_timers(ca, &g);
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);	/* what we knew stays */
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &add, 1, result_cb, &o, NULL), 0);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(o.rc, -ETIMEDOUT);
	ck_assert_int_eq(ca->state, H248_CA_ST_DOWN);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_REQ_TIMEOUT), 1);
	/* the silent gateway got the same request again and again */
	while (gw_has_datagram(&w)) {
		if (!copies++)
			osmo_strlcpy(first, w.buf, sizeof(first));
		else
			ck_assert_str_eq(w.buf, first);
	}
	ck_assert_uint_ge(copies, 3);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(ca->tl->ctrs, H248_TL_CTR_RETRANS)->current, copies - 1);
	/* DOWN: no new call is sent */
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &add, 1, result_cb, &o, NULL), -ENOTCONN);
	ca_finish(ca, &g);
}
END_TEST

START_TEST(test_cancel_stop)
{
	struct script_gw g;
	struct outcome o = { 0 }, o2 = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	const struct h248_ca_term add = { .id = "tdm/1/2" };
	struct h248_ca_req *req;
	struct h248_msg *m;
	const struct h248_cmd *c;

	registered(&g, ca, &o);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &add, 1, result_cb, &o, &req), 0);
	ck_assert_ptr_nonnull(req);
	h248_ca_req_cancel(req);
	m = gw_recv_msg(&g);
	gw_reply(&g, h248_msg_first_trans(m)->id, "Context = 12 { Add = tdm/1/2 }");
	talloc_free(m);
	/* the call left: its context is subtracted, nobody is called back */
	m = gw_recv_msg(&g);
	c = first_cmd(m);
	ck_assert_int_eq(c->kind, H248_CMD_SUBTRACT);
	ck_assert_str_eq(c->term_id, "*");
	ck_assert_uint_eq(llist_first_entry(&h248_msg_first_trans(m)->actions, struct h248_action, list)->ctx_id, 12);
	talloc_free(m);
	ck_assert_uint_eq(o.calls, 0);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_ORPHAN_SUBTRACT), 1);

	/* stop: what is outstanding ends with -ENOTCONN */
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &add, 1, result_cb, &o2, NULL), 0);
	h248_ca_stop(ca);
	ck_assert_uint_eq(o2.calls, 1);
	ck_assert_int_eq(o2.rc, -ENOTCONN);
	ck_assert_uint_eq(h248_ca_outstanding(ca), 0);
	ck_assert_int_eq(h248_ca_subtract(ca, 12, "*", NULL, NULL, NULL), -ENOTCONN);
	ca_finish(ca, &g);
}
END_TEST

static bool foreign_counted(void *arg)
{
	return ctr(arg, H248_CA_CTR_RX_FOREIGN) > 0;
}

/* Events in Add and Modify: each digit its dd event, "" disarms, a
 * digit the package does not have is refused before anything is sent. */
START_TEST(test_events)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	const struct h248_ca_events dtmf = { .request_id = 9, .dd_digits = "5#*A" };
	const struct h248_ca_events none = { .request_id = 10, .dd_digits = "" };
	const struct h248_ca_events bad = { .request_id = 11, .dd_digits = "5x" };
	const struct h248_ca_term add = { .id = "tdm/1/1", .events = &dtmf };
	const struct h248_ca_term mod = { .id = "tdm/1/1", .events = &none };
	const struct h248_ca_term wrong = { .id = "tdm/1/1", .events = &bad };
	static const char *const names[] = { "dd/d5", "dd/do", "dd/ds", "dd/da" };
	const struct h248_item *it;
	const struct h248_cmd *c;
	struct h248_msg *req;
	unsigned int i = 0;

	registered(&g, ca, &o);
	ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &add, 1, result_cb, &o, NULL), 0);
	req = gw_recv_msg(&g);
	c = first_cmd(req);
	ck_assert(c->events.present);
	ck_assert(c->events.has_request_id);
	ck_assert_uint_eq(c->events.request_id, 9);
	ck_assert_uint_eq(c->events.n_items, 4);
	llist_for_each_entry(it, &c->events.items, list)
		ck_assert_str_eq(it->name, names[i++]);
	ck_assert(!c->media.present);
	gw_reply(&g, h248_msg_first_trans(req)->id, "Context = 7 { Add = tdm/1/1 }");
	talloc_free(req);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(o.rc, 0);

	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(h248_ca_modify(ca, 7, &mod, 1, result_cb, &o, NULL), 0);
	req = gw_recv_msg(&g);
	c = first_cmd(req);
	ck_assert(c->events.present);
	ck_assert_uint_eq(c->events.request_id, 10);
	ck_assert_uint_eq(c->events.n_items, 0);
	gw_reply(&g, h248_msg_first_trans(req)->id, "Context = 7 { Modify = tdm/1/1 }");
	talloc_free(req);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(o.rc, 0);

	ck_assert_int_eq(h248_ca_modify(ca, 7, &wrong, 1, result_cb, &o, NULL), -EINVAL);
	ck_assert_uint_eq(h248_ca_outstanding(ca), 0);
	ca_finish(ca, &g);
}
END_TEST

/* The gateway Notifies @observed in context 12; the reply has no Error. */
static void notify(struct script_gw *g, uint32_t tid, const char *observed)
{
	const struct h248_cmd *c;
	struct h248_msg *r;
	char buf[512];

	snprintf(buf, sizeof(buf), "MEGACO/1 [127.0.0.1]:%u\nTransaction = %u { Context = 12 {"
		 " Notify = tdm/1/1 { ObservedEvents = 3 { %s } } } }", g->port, tid, observed);
	gw_send(g, buf);
	r = gw_recv_msg(g);
	c = first_cmd(r);
	ck_assert_int_eq(c->kind, H248_CMD_NOTIFY);
	ck_assert(!c->error.present);
	talloc_free(r);
}

START_TEST(test_gateway_requests)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	struct sockaddr_in to = g.ca_addr, from = { .sin_family = AF_INET };
	struct h248_msg *r;
	const struct h248_cmd *c;
	char buf[512];
	int fd;

	registered(&g, ca, &o);
	notify(&g, 40, "al/on");
	ck_assert_uint_eq(o.notifies, 1);
	ck_assert_uint_eq(o.notify_ctx, 12);
	ck_assert_str_eq(o.digits, "");
	/* DTMF: the dd digits in order, whatever else was observed */
	notify(&g, 43, "20261125T17065395:dd/d5, al/on, dd/zz, DD/DO");
	ck_assert_uint_eq(o.notifies, 2);
	ck_assert_str_eq(o.digits, "5#");

	/* a gateway does not Add on the controller */
	snprintf(buf, sizeof(buf), "MEGACO/1 [127.0.0.1]:%u\nTransaction = 41 { Context = $ { Add = tdm/1/1 } }",
		 g.port);
	gw_send(&g, buf);
	r = gw_recv_msg(&g);
	c = first_cmd(r);
	ck_assert(c->error.present);
	ck_assert_uint_eq(c->error.code, 501);
	talloc_free(r);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_RX_UNSUPPORTED), 1);

	/* malformed: a message-level 400 from the transaction layer */
	gw_send(&g, "this is not H.248");
	r = gw_recv_msg(&g);
	ck_assert(r->error.present);
	ck_assert_uint_eq(r->error.code, 400);
	talloc_free(r);

	/* anyone but the gateway's address is dropped and counted, unanswered */
	fd = socket(AF_INET, SOCK_DGRAM, 0);
	ck_assert_int_ge(fd, 0);
	from.sin_addr.s_addr = htonl(0x7f000002);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&from, sizeof(from)), 0);
	snprintf(buf, sizeof(buf), "MEGACO/1 [127.0.0.2]:9\nTransaction = 42 { Context = - {"
		 " ServiceChange = ROOT { Services { Method = Restart } } } }");
	ck_assert_int_gt(sendto(fd, buf, strlen(buf), 0, (struct sockaddr *)&to, sizeof(to)), 0);
	ck_assert(spin(foreign_counted, ca));
	close(fd);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_SC_RESTART), 1);
	ca_finish(ca, &g);
}
END_TEST

/* What spin() waits for: the controller in a state. */
struct state_wait {
	struct h248_ca *ca;
	enum h248_ca_state st;
};

static bool in_state(void *arg)
{
	const struct state_wait *w = arg;

	return w->ca->state == w->st;
}

static bool reaches(struct h248_ca *ca, enum h248_ca_state st)
{
	struct state_wait w = { ca, st };

	return spin(in_state, &w);
}

/* A gateway registered with an earlier run of ours: the probe finds it. */
START_TEST(test_probe)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, true);
	struct h248_msg *m = gw_recv_msg(&g);
	const struct h248_cmd *c = first_cmd(m);

	ck_assert_int_eq(c->kind, H248_CMD_AUDIT_VALUE);
	ck_assert_str_eq(c->term_id, "ROOT");
	gw_reply(&g, h248_msg_first_trans(m)->id, "Context = - { AuditValue = ROOT }");
	talloc_free(m);
	ck_assert(reaches(ca, H248_CA_ST_REGISTERED));
	ck_assert_uint_eq(o.states, 1);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_REQ_OK), 1);
	ca_finish(ca, &g);
}
END_TEST

/* Disconnected, Failover and Handoff from a gateway we knew: audit. */
START_TEST(test_audit_needed)
{
	static const struct {
		const char *method;
		enum h248_ca_audit_why why;
	} cases[] = {
		{ "Disconnected", H248_CA_AUDIT_DISCONNECTED },
		{ "Failover", H248_CA_AUDIT_FAILOVER },
		{ "HandOff", H248_CA_AUDIT_HANDOFF },
	};
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	unsigned int i;

	/* the first time we hear of it there is nothing of ours to audit */
	talloc_free(gw_service_change(&g, 1, 1, "Disconnected", "900 Service Restored"));
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	ck_assert_uint_eq(o.audits, 0);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		talloc_free(gw_service_change(&g, 10 + i, 1, cases[i].method, "900 Service Restored"));
		ck_assert_uint_eq(o.audits, i + 1);
		ck_assert_int_eq(o.audit_why, cases[i].why);
		ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	}
	ck_assert_uint_eq(o.lost, 0);
	/* a Restart loses the contexts: nothing to audit */
	talloc_free(gw_service_change(&g, 20, 1, "Restart", "901 Cold Boot"));
	ck_assert_uint_eq(o.lost, 1);
	ck_assert_uint_eq(o.audits, ARRAY_SIZE(cases));
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_AUDIT_RUN), ARRAY_SIZE(cases));
	ca_finish(ca, &g);
}
END_TEST

/* A gateway DOWN after timeouts that answers the probe again: audit; one
 * Forced out of service that answers: still DOWN, no audit. */
START_TEST(test_audit_when_back)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	struct rx_wait w = { .g = &g };
	struct h248_msg *m;

	registered(&g, ca, &o);
	fast_timers(ca, &g);
	/* silence: the audit of ROOT times out, DOWN */
	ck_assert_int_eq(h248_ca_audit(ca, H248_CA_CTX_NULL, "ROOT", NULL, NULL, NULL), 0);
	ck_assert(reaches(ca, H248_CA_ST_DOWN));
	while (gw_has_datagram(&w))
		;
	ck_assert_uint_eq(o.audits, 0);
	/* the probe is answered: it is back, and may have kept our contexts */
	h248_ca_probe_schedule(ca, 0);
	m = gw_recv_msg(&g);
	ck_assert_str_eq(first_cmd(m)->term_id, "ROOT");
	gw_reply(&g, h248_msg_first_trans(m)->id, "Context = - { AuditValue = ROOT }");
	talloc_free(m);
	ck_assert(reaches(ca, H248_CA_ST_REGISTERED));
	ck_assert_uint_eq(o.audits, 1);
	ck_assert_int_eq(o.audit_why, H248_CA_AUDIT_BACK);

	/* Forced: an answer does not bring it back, and nothing is audited */
	talloc_free(gw_service_change(&g, 30, 1, "Forced", "905 Termination taken out of service"));
	ck_assert_int_eq(h248_ca_audit(ca, H248_CA_CTX_NULL, "ROOT", result_cb, &o, NULL), 0);
	m = gw_recv_msg(&g);
	gw_reply(&g, h248_msg_first_trans(m)->id, "Context = - { AuditValue = ROOT }");
	talloc_free(m);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(ca->state, H248_CA_ST_DOWN);
	ck_assert_uint_eq(o.audits, 1);
	ca_finish(ca, &g);
}
END_TEST

/* Each Error code of a reply bumps its own counter, from one table. */
START_TEST(test_error_counters)
{
	static const struct {
		unsigned int code;
		enum h248_ca_ctr ctr;
	} cases[] = {
		{ 400, H248_CA_CTR_ERR_400 }, { 401, H248_CA_CTR_ERR_401 }, { 403, H248_CA_CTR_ERR_403 },
		{ 406, H248_CA_CTR_ERR_406 }, { 410, H248_CA_CTR_ERR_410 }, { 411, H248_CA_CTR_ERR_411 },
		{ 412, H248_CA_CTR_ERR_412 }, { 421, H248_CA_CTR_ERR_421 }, { 430, H248_CA_CTR_ERR_430 },
		{ 431, H248_CA_CTR_ERR_431 }, { 433, H248_CA_CTR_ERR_433 }, { 434, H248_CA_CTR_ERR_434 },
		{ 435, H248_CA_CTR_ERR_435 }, { 440, H248_CA_CTR_ERR_440 }, { 442, H248_CA_CTR_ERR_44X },
		{ 449, H248_CA_CTR_ERR_44X }, { 500, H248_CA_CTR_ERR_500 }, { 501, H248_CA_CTR_ERR_501 },
		{ 502, H248_CA_CTR_ERR_502 }, { 503, H248_CA_CTR_ERR_503 }, { 510, H248_CA_CTR_ERR_510 },
		{ 515, H248_CA_CTR_ERR_515 }, { 441, H248_CA_CTR_ERR_OTHER }, { 581, H248_CA_CTR_ERR_OTHER },
	};
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	const struct h248_ca_term add = { .id = "tdm/1/1" };
	unsigned int i;

	registered(&g, ca, &o);
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		uint64_t before = ctr(ca, cases[i].ctr);
		struct h248_msg *req;
		char body[128];

		memset(&o, 0, sizeof(o));
		ck_assert_int_eq(h248_ca_add(ca, H248_CA_CTX_CHOOSE, &add, 1, result_cb, &o, NULL), 0);
		req = gw_recv_msg(&g);
		snprintf(body, sizeof(body), "Context = - { Add = tdm/1/1 { Error = %u { } } }", cases[i].code);
		gw_reply(&g, h248_msg_first_trans(req)->id, body);
		talloc_free(req);
		ck_assert(spin(called, &o));
		ck_assert_uint_eq(o.code, cases[i].code);
		ck_assert_msg(ctr(ca, cases[i].ctr) == before + 1, "code %u", cases[i].code);
		ck_assert_int_eq(h248_ca_err_ctr(cases[i].code), cases[i].ctr);
	}
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_ERR_44X), 2);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_ERR_OTHER), 2);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_REQ_ERROR), ARRAY_SIZE(cases));
	ca_finish(ca, &g);
}
END_TEST

/* We hand the gateway to another MGC: ServiceChange Handoff with
 * MgcIdToTry; our calls forget their contexts; DOWN until it registers. */
START_TEST(test_handoff)
{
	struct script_gw g;
	struct outcome o = { 0 };
	struct h248_ca *ca = ca_start(&g, &o, false);
	struct rx_wait w;
	const struct h248_action *a;
	const struct h248_cmd *c;
	struct h248_msg *m = NULL;
	const char *text;
	unsigned int i;

	/* not registered: nothing to hand over */
	ck_assert_int_eq(h248_ca_handoff(ca, "[127.0.0.1]:2945"), -ENOTCONN);
	registered(&g, ca, &o);
	ck_assert_int_eq(h248_ca_handoff(ca, "not an mid"), -EINVAL);
	ck_assert_int_eq(h248_ca_handoff(ca, "[127.0.0.1]:2945 }"), -EINVAL);
	ck_assert_int_eq(h248_ca_handoff(ca, ""), -EINVAL);
	ck_assert_uint_eq(h248_ca_outstanding(ca), 0);
	/* refused: it stays ours, as it was */
	ck_assert_int_eq(h248_ca_handoff(ca, "<mgc2.example.net>:2944"), 0);
	ck_assert_int_eq(ca->state, H248_CA_ST_GRACEFUL);
	ck_assert_uint_eq(o.lost, 1);
	ck_assert_int_eq(o.lost_method, H248_SC_HANDOFF);
	ck_assert_int_eq(h248_ca_handoff(ca, "[127.0.0.1]:2945"), -ENOTCONN);	/* one at a time */
	m = gw_recv_msg(&g);
	gw_reply(&g, h248_msg_first_trans(m)->id,
		 "Context = - { ServiceChange = ROOT { Error = 501 { \"Not Implemented\" } } }");
	talloc_free(m);
	m = NULL;
	ck_assert(reaches(ca, H248_CA_ST_REGISTERED));
	ck_assert(!ca->handed_off);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_HANDOFF), 0);
	/* accepted: DOWN once it says so */
	o.lost = 0;
	ck_assert_int_eq(h248_ca_handoff(ca, "[127.0.0.1]:2945"), 0);
	ck_assert_int_eq(ca->state, H248_CA_ST_GRACEFUL);
	ck_assert_uint_eq(o.lost, 1);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_CONTEXTS_LOST), 0);
	/* the bytes: ServiceChange on ROOT in the NULL context */
	text = gw_recv(&g, &w);
	ck_assert_msg(strstr(text, "MgcIdToTry=[127.0.0.1]:2945") || strstr(text, "MgcIdToTry = [127.0.0.1]:2945"),
		      "%s", text);
	ck_assert_int_eq(h248_msg_parse(tt_ctx, text, strlen(text), &m, NULL), 0);
	a = llist_first_entry(&h248_msg_first_trans(m)->actions, struct h248_action, list);
	ck_assert_int_eq(a->ctx, H248_CTX_NULL);
	c = first_cmd(m);
	ck_assert_int_eq(c->kind, H248_CMD_SERVICE_CHANGE);
	ck_assert_str_eq(c->term_id, "ROOT");
	ck_assert(c->sc.present);
	ck_assert_int_eq(c->sc.method, H248_SC_HANDOFF);
	ck_assert_str_eq(c->sc.mgc_id, "[127.0.0.1]:2945");
	ck_assert_str_eq(c->sc.reason, "903 MGC Directed Change");
	/* its reply makes it DOWN; nothing brings it back, not even an answer
	 * to the probe */
	gw_reply(&g, h248_msg_first_trans(m)->id, "Context = - { ServiceChange = ROOT }");
	talloc_free(m);
	ck_assert(reaches(ca, H248_CA_ST_DOWN));
	ck_assert(ca->handed_off);
	ck_assert_uint_eq(ctr(ca, H248_CA_CTR_HANDOFF), 1);
	memset(&o, 0, sizeof(o));
	ck_assert_int_eq(h248_ca_audit(ca, H248_CA_CTX_NULL, "ROOT", result_cb, &o, NULL), 0);
	m = gw_recv_msg(&g);
	gw_reply(&g, h248_msg_first_trans(m)->id, "Context = - { AuditValue = ROOT }");
	talloc_free(m);
	ck_assert(spin(called, &o));
	ck_assert_int_eq(ca->state, H248_CA_ST_DOWN);
	ck_assert_uint_eq(o.audits, 0);
	/* nor is it probed: the timer goes off, nothing is sent */
	h248_ca_probe_schedule(ca, 0);
	for (i = 0; i < 5; i++) {
		osmo_select_main(1);
		usleep(1000);
	}
	w.g = &g;
	ck_assert(!gw_has_datagram(&w));
	ck_assert(!ca->probing);
	ck_assert_int_eq(h248_ca_handoff(ca, "[127.0.0.1]:2945"), -ENOTCONN);
	/* the new MGC would not have it: it registers with us again */
	talloc_free(gw_service_change(&g, 50, 1, "Disconnected", "900 Service Restored"));
	ck_assert_int_eq(ca->state, H248_CA_ST_REGISTERED);
	ck_assert(!ca->handed_off);
	ca_finish(ca, &g);
}
END_TEST

int main(void)
{
	void *root = talloc_named_const(NULL, 0, "check_h248_ca");
	Suite *s = suite_create("h248_ca");
	TCase *tc = tt_tcase(s, "controller");

	tandem_log_init(root);
	rate_ctr_init(root);
	tcase_add_test(tc, test_registration);
	tcase_add_test(tc, test_service_change_other);
	tcase_add_test(tc, test_version_agreed);
	tcase_add_test(tc, test_add_modify_subtract);
	tcase_add_test(tc, test_error_replies);
	tcase_add_test(tc, test_timeout_down);
	tcase_add_test(tc, test_cancel_stop);
	tcase_add_test(tc, test_events);
	tcase_add_test(tc, test_gateway_requests);
	tcase_add_test(tc, test_probe);
	tcase_add_test(tc, test_audit_needed);
	tcase_add_test(tc, test_audit_when_back);
	tcase_add_test(tc, test_error_counters);
	tcase_add_test(tc, test_handoff);
	return tt_run(s);
}
