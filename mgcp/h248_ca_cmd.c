/* tandemd's H.248.1 controller: the requests a call makes (Add, Modify,
 * Subtract, AuditValue), their outcome, and the ROOT probe.
 *
 * Each request is one transaction with one action; the transaction layer
 * retransmits it and gives up after X3 (or too many Pendings).  The
 * outcome is the reply's first Error, at whichever level it stands, or
 * the context and the terminations the gateway named.  No reply means the
 * gateway is DOWN; any reply from a gateway we had not heard from (or
 * that had stopped answering) means it is there.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/logging.h>

#include "mgcp/h248_ca.h"
#include "mgcp/h248_dd.h"
#include "src/tandem_log.h"

#define LOGCA(ca, level, fmt, args...) \
	LOGP(DMGCP, level, "h248 gw %s: " fmt, (ca)->cfg.name, ##args)

/* One request awaiting its reply. */
struct h248_ca_req {
	struct llist_head list;
	struct h248_ca *ca;
	enum h248_cmd_kind kind;
	uint32_t trans_id;
	bool cancelled;
	bool probe;
	h248_ca_cb cb;
	void *data;
};

static enum h248_ctx_kind ctx_kind(uint32_t ctx_id)
{
	if (ctx_id == H248_CA_CTX_CHOOSE)
		return H248_CTX_CHOOSE;
	return ctx_id == H248_CA_CTX_NULL ? H248_CTX_NULL : H248_CTX_ID;
}

static void result_fill(struct h248_ca_result *res, const struct h248_trans *reply)
{
	const struct h248_action *a;
	const struct h248_cmd *c;
	const struct h248_error *e = h248_trans_first_error(reply);

	res->reply = reply;
	if (e) {
		res->rc = -EPROTO;
		res->code = e->code;
		res->text = e->text ? e->text : "";
	}
	llist_for_each_entry(a, &reply->actions, list) {
		if (!res->has_ctx && a->ctx == H248_CTX_ID) {
			res->has_ctx = true;
			res->ctx_id = a->ctx_id;
		}
		llist_for_each_entry(c, &a->cmds, list) {
			const struct h248_stream *s;
			struct h248_ca_term_reply *tr;

			if (res->n_terms >= ARRAY_SIZE(res->terms))
				break;
			tr = &res->terms[res->n_terms++];
			tr->id = c->term_id;
			llist_for_each_entry(s, &c->media.streams, list) {
				if (s->local) {
					tr->local = s->local;
					break;
				}
			}
		}
	}
}

/* The user left before its Add succeeded: the context is nobody's. */
static void orphan_subtract(struct h248_ca *ca, const struct h248_ca_req *req, const struct h248_ca_result *res)
{
	if (req->kind != H248_CMD_ADD || res->rc || !res->has_ctx)
		return;
	if (h248_ca_subtract(ca, res->ctx_id, "*", NULL, NULL, NULL) == 0)
		h248_ca_ctr_inc(ca, H248_CA_CTR_ORPHAN_SUBTRACT);
}

static void req_state(struct h248_ca *ca, const struct h248_ca_result *res)
{
	if (res->rc == -ETIMEDOUT || res->rc == -EBUSY) {
		h248_ca_set_state(ca, H248_CA_ST_DOWN);
		return;
	}
	if (ca->state == H248_CA_ST_UNKNOWN) {
		h248_ca_set_state(ca, H248_CA_ST_REGISTERED);
		return;
	}
	/* it answers; but one Forced out of service, or handed to another
	 * MGC, stays out until it registers */
	if (ca->state != H248_CA_ST_DOWN || ca->last_method == H248_SC_FORCED || ca->handed_off)
		return;
	h248_ca_set_state(ca, H248_CA_ST_REGISTERED);
	/* it may have kept our contexts through the silence, or not */
	h248_ca_audit_needed(ca, H248_CA_AUDIT_BACK);
}

static void req_reply_cb(void *data, uint32_t id, int rc, const struct h248_trans *reply)
{
	struct h248_ca_req *req = data;
	struct h248_ca *ca = req->ca;
	struct h248_ca_result res = { .rc = rc, .text = "" };

	llist_del(&req->list);
	if (reply)
		result_fill(&res, reply);
	if (res.rc == 0)
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_OK);
	else if (res.rc == -EPROTO) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_ERROR);
		h248_ca_ctr_inc(ca, h248_ca_err_ctr(res.code));
	}
	else
		h248_ca_ctr_inc(ca, req->probe ? H248_CA_CTR_PROBE_FAIL : H248_CA_CTR_REQ_TIMEOUT);
	LOGCA(ca, res.rc ? LOGL_NOTICE : LOGL_DEBUG, "%s (transaction %u): %s %u %s\n",
	      get_value_string(h248_cmd_names, req->kind), id, res.rc == -EPROTO ? "error" : res.rc ? "failed" : "ok",
	      res.code, res.rc && res.rc != -EPROTO ? strerror(-res.rc) : res.text);
	if (req->probe) {
		unsigned long every = osmo_tdef_get(ca->tdefs, H248_CA_T_PROBE, OSMO_TDEF_S, 30);

		ca->probing = false;
		if (every)
			h248_ca_probe_schedule(ca, every);
	}
	req_state(ca, &res);
	if (req->cancelled)
		orphan_subtract(ca, req, &res);
	else if (req->cb)
		req->cb(req->data, &res);
	talloc_free(req);
}

void h248_ca_reqs_abort(struct h248_ca *ca)
{
	struct h248_ca_result res = { .rc = -ENOTCONN, .text = "" };
	struct h248_ca_req *req;

	while (!llist_empty(&ca->reqs)) {
		req = llist_first_entry(&ca->reqs, struct h248_ca_req, list);
		llist_del(&req->list);
		if (req->cb && !req->cancelled)
			req->cb(req->data, &res);
		talloc_free(req);
	}
}

/* A message of one request transaction with one action for @ctx_id. */
static struct h248_msg *req_alloc(struct h248_ca *ca, uint32_t ctx_id, struct h248_action **ap)
{
	struct h248_msg *msg = h248_msg_alloc(ca, ca->version, ca->tl->mid);
	struct h248_trans *t = msg ? h248_trans_add(msg, H248_TRANS_REQUEST, 0) : NULL;

	*ap = t ? h248_action_add(t, ctx_kind(ctx_id), ctx_id) : NULL;
	if (!*ap) {
		talloc_free(msg);
		return NULL;
	}
	return msg;
}

/* Send @msg (freed here) as a request of @kind. */
static int req_send(struct h248_ca *ca, struct h248_msg *msg, enum h248_cmd_kind kind, bool probe, h248_ca_cb cb,
		    void *data, struct h248_ca_req **reqp)
{
	struct h248_ca_req *req = talloc_zero(ca, struct h248_ca_req);
	int64_t id;

	if (!req) {
		talloc_free(msg);
		return -ENOMEM;
	}
	req->ca = ca;
	req->kind = kind;
	req->probe = probe;
	req->cb = cb;
	req->data = data;
	id = h248_tl_request(ca->tl, msg, req_reply_cb, req);
	talloc_free(msg);
	if (id < 0) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		LOGCA(ca, LOGL_ERROR, "%s not sent: %s\n", get_value_string(h248_cmd_names, kind),
		      strerror((int)-id));
		talloc_free(req);
		return (int)id;
	}
	req->trans_id = (uint32_t)id;
	llist_add_tail(&req->list, &ca->reqs);
	if (reqp)
		*reqp = req;
	return 0;
}

/* Whether a request that takes or changes terminations may go now. */
static int req_allowed(struct h248_ca *ca, bool new_context, struct h248_ca_req **reqp)
{
	if (reqp)
		*reqp = NULL;
	if (!h248_ca_started(ca) || ca->state == H248_CA_ST_DOWN || ca->state == H248_CA_ST_UNKNOWN ||
	    (new_context && ca->state == H248_CA_ST_GRACEFUL)) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		return -ENOTCONN;
	}
	return 0;
}

static int media_put(struct h248_cmd *c, const struct h248_ca_media *m)
{
	struct h248_stream *s = h248_stream_add(c, m->stream);

	if (!s)
		return -E2BIG;
	if (m->mode != H248_MODE_NONE) {
		s->lc.present = true;
		s->lc.mode = m->mode;
	}
	if ((m->local && (strlen(m->local) > H248_SDP_MAX || h248_str_set(s, &s->local, m->local) < 0)) ||
	    (m->remote && (strlen(m->remote) > H248_SDP_MAX || h248_str_set(s, &s->remote, m->remote) < 0)))
		return -EINVAL;
	return 0;
}

static int events_put(struct h248_cmd *c, const struct h248_ca_events *ev)
{
	const char *d;

	c->events.present = true;
	c->events.has_request_id = true;
	c->events.request_id = ev->request_id;
	c->events.braces = true;
	for (d = ev->dd_digits ? ev->dd_digits : ""; *d; d++) {
		const char *name = h248_dd_event(*d);
		char item[8];

		if (!name)
			return -EINVAL;
		snprintf(item, sizeof(item), "dd/%s", name);
		if (!h248_item_add(c, &c->events.items, &c->events.n_items, item, NULL))
			return -E2BIG;
	}
	return 0;
}

static int terms_req(struct h248_ca *ca, enum h248_cmd_kind kind, uint32_t ctx_id, const struct h248_ca_term *terms,
		     unsigned int n, h248_ca_cb cb, void *data, struct h248_ca_req **reqp)
{
	struct h248_action *a;
	struct h248_msg *msg;
	unsigned int i;
	int rc = req_allowed(ca, kind == H248_CMD_ADD, reqp);

	if (rc)
		return rc;
	if (!n || n > H248_CA_TERMS_MAX)
		rc = -E2BIG;
	else if (kind != H248_CMD_ADD && ctx_kind(ctx_id) != H248_CTX_ID)
		rc = -EINVAL;
	msg = rc ? NULL : req_alloc(ca, ctx_id, &a);
	if (!msg) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		return rc ? rc : -ENOMEM;
	}
	for (i = 0; i < n; i++) {
		struct h248_cmd *c = h248_cmd_add(a, kind, terms[i].id);

		rc = c ? 0 : -EINVAL;
		if (!rc && terms[i].media)
			rc = media_put(c, terms[i].media);
		if (!rc && terms[i].events)
			rc = events_put(c, terms[i].events);
		if (rc) {
			h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
			talloc_free(msg);
			return rc;
		}
	}
	return req_send(ca, msg, kind, false, cb, data, reqp);
}

int h248_ca_add(struct h248_ca *ca, uint32_t ctx_id, const struct h248_ca_term *terms, unsigned int n,
		h248_ca_cb cb, void *data, struct h248_ca_req **reqp)
{
	if (ctx_kind(ctx_id) == H248_CTX_NULL)
		return -EINVAL;
	return terms_req(ca, H248_CMD_ADD, ctx_id, terms, n, cb, data, reqp);
}

int h248_ca_modify(struct h248_ca *ca, uint32_t ctx_id, const struct h248_ca_term *terms, unsigned int n,
		   h248_ca_cb cb, void *data, struct h248_ca_req **reqp)
{
	return terms_req(ca, H248_CMD_MODIFY, ctx_id, terms, n, cb, data, reqp);
}

/* Subtract and AuditValue: one termination, an Audit descriptor. */
static int audit_req(struct h248_ca *ca, enum h248_cmd_kind kind, uint32_t ctx_id, const char *term_id,
		     bool probe, h248_ca_cb cb, void *data, struct h248_ca_req **reqp)
{
	static const char *const subtract_audit[] = { "Statistics" };
	static const char *const term_audit[] = { "Media", "Statistics" };
	const char *const *items = kind == H248_CMD_SUBTRACT ? subtract_audit : term_audit;
	unsigned int i, n = kind == H248_CMD_SUBTRACT ? ARRAY_SIZE(subtract_audit) : ARRAY_SIZE(term_audit);
	struct h248_action *a;
	struct h248_msg *msg;
	struct h248_cmd *c;

	msg = term_id && ctx_kind(ctx_id) != H248_CTX_CHOOSE ? req_alloc(ca, ctx_id, &a) : NULL;
	c = msg ? h248_cmd_add(a, kind, term_id) : NULL;
	if (!c) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		talloc_free(msg);
		return -EINVAL;
	}
	c->audit.present = true;
	c->audit.braces = true;
	/* ROOT has no media: ask for nothing, the gateway says what it has */
	if (strcmp(term_id, "ROOT")) {
		for (i = 0; i < n; i++)
			h248_item_add(c, &c->audit.items, &c->audit.n_items, items[i], NULL);
	}
	return req_send(ca, msg, kind, probe, cb, data, reqp);
}

int h248_ca_subtract(struct h248_ca *ca, uint32_t ctx_id, const char *term_id, h248_ca_cb cb, void *data,
		     struct h248_ca_req **reqp)
{
	/* a Graceful or Forced gateway still frees what it can */
	if (reqp)
		*reqp = NULL;
	if (!h248_ca_started(ca)) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		return -ENOTCONN;
	}
	if (ctx_kind(ctx_id) != H248_CTX_ID) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		return -EINVAL;
	}
	return audit_req(ca, H248_CMD_SUBTRACT, ctx_id, term_id, false, cb, data, reqp);
}

int h248_ca_audit(struct h248_ca *ca, uint32_t ctx_id, const char *term_id, h248_ca_cb cb, void *data,
		  struct h248_ca_req **reqp)
{
	if (reqp)
		*reqp = NULL;
	if (!h248_ca_started(ca)) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		return -ENOTCONN;
	}
	return audit_req(ca, H248_CMD_AUDIT_VALUE, ctx_id, term_id, false, cb, data, reqp);
}

void h248_ca_req_cancel(struct h248_ca_req *req)
{
	if (req)
		req->cancelled = true;
}

unsigned int h248_ca_outstanding(const struct h248_ca *ca)
{
	return llist_count(&ca->reqs);
}

static void h248_ca_probe_cb(void *data)
{
	struct h248_ca *ca = data;

	if (ca->probing || !h248_ca_started(ca))
		return;
	if (ca->handed_off) {
		unsigned long every = osmo_tdef_get(ca->tdefs, H248_CA_T_PROBE, OSMO_TDEF_S, 30);

		/* only its ServiceChange brings it back: asking is no use */
		if (every)
			h248_ca_probe_schedule(ca, every);
		return;
	}
	if (audit_req(ca, H248_CMD_AUDIT_VALUE, H248_CA_CTX_NULL, "ROOT", true, NULL, NULL, NULL) == 0)
		ca->probing = true;
}

void h248_ca_probe_schedule(struct h248_ca *ca, unsigned long secs)
{
	osmo_timer_setup(&ca->probe, h248_ca_probe_cb, ca);
	osmo_timer_schedule(&ca->probe, secs, 0);
}

/* Whether @mid is an mId of Annex B (an address, a domain or a device
 * name): the parser of a message that names it says so. */
static bool mid_valid(struct h248_ca *ca, const char *mid)
{
	char buf[H248_MID_MAX + 64];
	struct h248_msg *msg = NULL;
	int n;
	bool ok;

	if (!mid || !mid[0] || strlen(mid) > H248_MID_MAX || strpbrk(mid, " \t\r\n{}"))
		return false;
	n = snprintf(buf, sizeof(buf), "MEGACO/1 %s\nReply = 1 { Context = - { AuditValue = ROOT } }", mid);
	ok = n > 0 && (size_t)n < sizeof(buf) && h248_msg_parse(ca, buf, (size_t)n, &msg, NULL) == 0 &&
	     !strcmp(msg->mid, mid);
	talloc_free(msg);
	return ok;
}

/* The gateway's answer to our Handoff. */
static void handoff_cb(void *data, const struct h248_ca_result *res)
{
	struct h248_ca *ca = data;

	ca->handing_off = false;
	if (res->rc == 0) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_HANDOFF);
		LOGCA(ca, LOGL_NOTICE, "handed off\n");
		ca->handed_off = true;
		h248_ca_set_state(ca, H248_CA_ST_DOWN);
		return;
	}
	LOGCA(ca, LOGL_ERROR, "Handoff not taken: %s %u %s\n", res->rc == -EPROTO ? "error" : strerror(-res->rc),
	      res->code, res->text);
	/* refused: it stays ours; unanswered: DOWN (req_state), the probe
	 * finds it again */
	if (res->rc == -EPROTO && ca->state == H248_CA_ST_GRACEFUL)
		h248_ca_set_state(ca, ca->handoff_prev);
}

int h248_ca_handoff(struct h248_ca *ca, const char *mgc_id)
{
	struct h248_action *a;
	struct h248_msg *msg;
	struct h248_cmd *c;
	int rc;

	if (!h248_ca_started(ca) || ca->handing_off ||
	    (ca->state != H248_CA_ST_REGISTERED && ca->state != H248_CA_ST_GRACEFUL)) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		return -ENOTCONN;
	}
	if (!mid_valid(ca, mgc_id)) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		return -EINVAL;
	}
	msg = req_alloc(ca, H248_CA_CTX_NULL, &a);
	c = msg ? h248_cmd_add(a, H248_CMD_SERVICE_CHANGE, "ROOT") : NULL;
	if (!c || h248_str_set(c, &c->sc.mgc_id, mgc_id) < 0 ||
	    /* H.248.1 13.3: the MGC hands the gateway on */
	    h248_str_set(c, &c->sc.reason, "903 MGC Directed Change") < 0) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_REQ_REFUSED);
		talloc_free(msg);
		return -ENOMEM;
	}
	c->sc.present = true;
	c->sc.method = H248_SC_HANDOFF;
	/* the gateway keeps its contexts for the next MGC (11.5), which
	 * cannot know our calls (their SIP and ISUP sides are here): the user
	 * ends them and subtracts their contexts first, on the wire before
	 * the Handoff, so that no orphans are handed over; and no new call
	 * starts meanwhile */
	ca->handoff_prev = ca->state;
	ca->handing_off = true;
	h248_ca_set_state(ca, H248_CA_ST_GRACEFUL);
	if (ca->ops && ca->ops->contexts_lost)
		ca->ops->contexts_lost(ca, H248_SC_HANDOFF, "903 MGC Directed Change", ca->priv);
	rc = req_send(ca, msg, H248_CMD_SERVICE_CHANGE, false, handoff_cb, ca, NULL);
	if (rc < 0) {
		ca->handing_off = false;
		h248_ca_set_state(ca, ca->handoff_prev);
		return rc;
	}
	LOGCA(ca, LOGL_NOTICE, "handing off to %s\n", mgc_id);
	return 0;
}
