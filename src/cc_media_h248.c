/* A call's media over H.248.1 (mgcp/h248_ca.h): one context per call,
 * with the circuit's TDM termination (the trunk's pattern, "tdm/1/{cic}")
 * and an RTP termination the gateway makes ("$"), both added in one
 * transaction; Modify of the RTP termination; Subtract of both, and the
 * context goes.  A gateway that restarted, or was forced out of service,
 * has no contexts left: every call on it fails with cause 41.  One that
 * was Disconnected, failed over, or stopped answering for a while may
 * have kept them: each call's context is audited, at most
 * CC_MEDIA_AUDIT_WINDOW at a time, and a call whose context is gone
 * fails with cause 41, nothing subtracted.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>

#include "mgcp/h248_dd.h"
#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/tandem_log.h"

/* LocalControl Mode for a connection mode; the modes call control uses. */
static enum h248_mode h248_mode_of(enum mgcp_conn_mode mode)
{
	switch (mode) {
	case MGCP_MODE_SENDONLY:
		return H248_MODE_SENDONLY;
	case MGCP_MODE_RECVONLY:
		return H248_MODE_RECVONLY;
	case MGCP_MODE_INACTIVE:
		return H248_MODE_INACTIVE;
	case MGCP_MODE_LOOPBACK:
		return H248_MODE_LOOPBACK;
	default:
		return H248_MODE_SENDRECV;
	}
}

/* Local with CHOOSE address and port, and the call's codecs: the gateway
 * fills in its end and picks among them. */
static char *h248_local(struct cc_media *m)
{
	enum mgcp_codec codecs[CC_MEDIA_CODECS_MAX];
	unsigned int i, n = cc_media_call_codecs(m, codecs);
	char *s = talloc_strdup(m, "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP");
	bool any = false;

	for (i = 0; s && i < n; i++) {
		if (mgcp_codecs[codecs[i]].static_pt < 0)
			continue;
		s = talloc_asprintf_append(s, " %d", mgcp_codecs[codecs[i]].static_pt);
		any = true;
	}
	/* no codec with a static payload type: the gateway chooses */
	return s && !any ? talloc_strdup_append(s, " $") : s;
}

static char *h248_remote(struct cc_media *m, const struct mgcp_sdp *sdp)
{
	char buf[H248_SDP_MAX + 1];

	return mgcp_sdp_encode(sdp, buf, sizeof(buf)) < 0 ? NULL : talloc_strdup(m, buf);
}

/* The gateway's Local of a reply, parsed; false when none came. */
static bool h248_local_of(const struct h248_ca_result *res, unsigned int i, struct mgcp_sdp *sdp)
{
	const char *text = i < res->n_terms ? res->terms[i].local : NULL;

	return text && mgcp_sdp_parse(sdp, text, strlen(text), NULL) == 0 && sdp->has_media;
}

static void h248_add_cb(void *data, const struct h248_ca_result *res)
{
	struct cc_media *m = data;
	struct mgcp_sdp local;

	m->req = NULL;
	/* what was added stays (no rollback): the release subtracts it */
	if (res->has_ctx)
		m->ctx_id = res->ctx_id;
	if (res->rc < 0 || !res->has_ctx || res->n_terms < 2 || !h248_local_of(res, 1, &local)) {
		LOGPFSML(m->fi, LOGL_ERROR, "Add of %s and an RTP termination failed: %d %u %s\n", m->endpoint,
			 res->rc, res->code, res->text);
		cc_media_gw_created(m, -EPROTO, NULL);
		return;
	}
	osmo_strlcpy(m->rtp_term, res->terms[1].id, sizeof(m->rtp_term));
	LOGPFSML(m->fi, LOGL_INFO, "context %u: %s and %s\n", m->ctx_id, m->endpoint, m->rtp_term);
	cc_media_gw_created(m, 0, &local);
}

static int h248_create(struct cc_media *m)
{
	struct h248_ca_media circuit = { .mode = h248_mode_of(m->gw->ca->cfg.circuit_mode) };
	struct h248_ca_media rtp = { .stream = 1 };
	/* every digit of the circuit, when call control wants them; the
	 * Notify names the context, so one RequestID serves all calls */
	static const struct h248_ca_events dtmf = { .request_id = 1, .dd_digits = H248_DD_DIGITS };
	struct h248_ca_term terms[2] = { { m->endpoint, &circuit }, { "$", &rtp } };
	int rc = -ENOMEM;

	if (m->ops && m->ops->dtmf && !m->gw->no_dtmf)
		terms[0].events = &dtmf;
	rtp.local = h248_local(m);
	if (m->offer) {
		rtp.mode = H248_MODE_SENDRECV;
		rtp.remote = h248_remote(m, &m->neg.remote);
	} else {
		/* nowhere to send to until the SIP peer answers */
		rtp.mode = H248_MODE_RECVONLY;
	}
	if (rtp.local && (!m->offer || rtp.remote))
		rc = h248_ca_add(m->gw->h248, H248_CA_CTX_CHOOSE, terms, 2, h248_add_cb, m, &m->req);
	talloc_free((char *)rtp.local);
	talloc_free((char *)rtp.remote);
	return rc;
}

static void h248_modify_cb(void *data, const struct h248_ca_result *res)
{
	struct cc_media *m = data;
	struct mgcp_sdp local;

	m->req = NULL;
	cc_media_gw_modified(m, res->rc, res->code, res->rc == 0 && h248_local_of(res, 0, &local) ? &local : NULL);
}

static int h248_modify(struct cc_media *m, enum mgcp_conn_mode mode, const struct cc_media_neg *neg)
{
	struct h248_ca_media rtp = { .stream = 1, .mode = h248_mode_of(mode) };
	struct h248_ca_term term = { m->rtp_term, &rtp };
	int rc = -ENOMEM;

	if (neg)
		rtp.remote = h248_remote(m, &neg->remote);
	if (!neg || rtp.remote)
		rc = h248_ca_modify(m->gw->h248, m->ctx_id, &term, 1, h248_modify_cb, m, &m->req);
	talloc_free((char *)rtp.remote);
	return rc;
}

static void h248_audit_pump(struct cc_media_gw *gw);

static void h248_forget(struct cc_media *m)
{
	/* an Add still under way is the controller's to undo if it succeeds */
	h248_ca_req_cancel(m->req);
	m->req = NULL;
	m->audit_wanted = false;
	if (m->audit_req) {
		h248_ca_req_cancel(m->audit_req);
		m->audit_req = NULL;
		m->gw->audits_out--;
		/* its place in the window goes to a call still waiting */
		h248_audit_pump(m->gw);
	}
	m->ctx_id = 0;
	m->rtp_term[0] = '\0';
}

static void h248_release(struct cc_media *m)
{
	/* the Subtract outlives the call: nobody waits for its reply */
	if (m->ctx_id)
		h248_ca_subtract(m->gw->h248, m->ctx_id, "*", NULL, NULL, NULL);
	h248_forget(m);
}

static bool h248_usable(const struct cc_media_gw *gw)
{
	return gw->h248 && h248_ca_started(gw->h248) && gw->h248->state == H248_CA_ST_REGISTERED;
}

/* A termination name from the pattern: letters, digits, "_" and "/"
 * only (Annex B pathNAME). */
static int h248_endpoint(const char *pattern, uint16_t cic, char *buf, size_t len)
{
	int n = cc_media_pattern_fill(pattern, cic, buf, len);
	size_t i;

	if (n < 0 || n > H248_NAME_MAX)
		return -ENOSPC;
	if (!n || !isalpha((unsigned char)buf[0]))
		return -EINVAL;
	for (i = 0; i < (size_t)n; i++) {
		if (!isalnum((unsigned char)buf[i]) && buf[i] != '_' && buf[i] != '/')
			return -EINVAL;
	}
	return n;
}

static int h248_start(struct cc_media_gw *gw)
{
	const struct mgcp_ca_cfg *cfg = &gw->ca->cfg;
	struct h248_ca_cfg *h = &gw->h248->cfg;

	osmo_strlcpy(h->remote_addr, cfg->remote_addr, sizeof(h->remote_addr));
	h->remote_port = cfg->remote_port;
	osmo_strlcpy(h->local_addr, cfg->local_addr, sizeof(h->local_addr));
	h->local_port = cfg->local_port;
	return h248_ca_start(gw->h248);
}

static void h248_stop(struct cc_media_gw *gw)
{
	if (gw->h248)
		h248_ca_stop(gw->h248);
}

static int h248_audit(struct cc_media_gw *gw)
{
	return h248_ca_audit(gw->h248, H248_CA_CTX_NULL, "ROOT", NULL, NULL, NULL);
}

const struct cc_media_proto_ops cc_media_h248_ops = {
	.start = h248_start,
	.stop = h248_stop,
	.usable = h248_usable,
	.endpoint = h248_endpoint,
	.create = h248_create,
	.modify = h248_modify,
	.release = h248_release,
	.forget = h248_forget,
	.audit = h248_audit,
};

/* ---- audit of the calls' contexts ---- */

/* The gateway's answers to the AuditValue of a call's TDM termination in
 * its context that say the call's media is gone there (H.248.8). */
static const unsigned int h248_audit_gone_codes[] = {
	H248_EC_UNKNOWN_CONTEXT,	/* 411: the context is gone */
	H248_EC_UNKNOWN_TERM,		/* 430: the termination is */
	H248_EC_TERM_NOT_IN_CONTEXT,	/* 435: it is, in another context or none */
};

static bool h248_audit_gone(const struct h248_ca_result *res)
{
	unsigned int i;

	for (i = 0; res->rc == -EPROTO && i < ARRAY_SIZE(h248_audit_gone_codes); i++) {
		if (res->code == h248_audit_gone_codes[i])
			return true;
	}
	return false;
}

static bool h248_is_call(const struct cc_media *m, const void *arg)
{
	return m == arg;
}

/* The gateway stopped answering (or we stopped): what still waits is
 * audited when it answers again, all of it anew. */
static void h248_audit_drop(struct cc_media_gw *gw)
{
	struct cc_media *m;

	llist_for_each_entry(m, &gw->users, list)
		m->audit_wanted = false;
}

static void h248_audit_cb(void *data, const struct h248_ca_result *res)
{
	struct cc_media *m = data;
	struct cc_media_gw *gw = m->gw;

	m->audit_req = NULL;
	gw->audits_out--;
	if (res->rc == 0) {
		h248_ca_ctr_inc(gw->h248, H248_CA_CTR_AUDIT_OK);
	} else if (h248_audit_gone(res)) {
		h248_ca_ctr_inc(gw->h248, H248_CA_CTR_AUDIT_LOST);
		LOGPFSML(m->fi, LOGL_ERROR, "audit: context %u of %s is gone (%u %s)\n", m->ctx_id, m->endpoint,
			 res->code, res->text);
		/* nothing of it left on the gateway to subtract; call control
		 * may free this call, and others, in there */
		cc_media_gw_lost(gw, h248_is_call, m);
	} else if (res->rc == -EPROTO) {
		/* it answered, but not about the context: keep the call */
		h248_ca_ctr_inc(gw->h248, H248_CA_CTR_AUDIT_UNSURE);
		LOGPFSML(m->fi, LOGL_NOTICE, "audit of context %u: error %u %s, the call stays\n", m->ctx_id,
			 res->code, res->text);
	} else {
		/* no reply: the gateway is DOWN (or we stopped); its return
		 * starts another audit */
		h248_audit_drop(gw);
		return;
	}
	h248_audit_pump(gw);
}

/* Send the audits that wait, as long as the window has room. */
static void h248_audit_pump(struct cc_media_gw *gw)
{
	struct cc_media *m;

	llist_for_each_entry(m, &gw->users, list) {
		if (gw->audits_out >= CC_MEDIA_AUDIT_WINDOW || !gw->h248 ||
		    (gw->h248->state != H248_CA_ST_REGISTERED && gw->h248->state != H248_CA_ST_GRACEFUL))
			return;
		if (!m->audit_wanted)
			continue;
		m->audit_wanted = false;
		if (!m->ctx_id)
			continue;
		/* the TDM termination by name, not a wildcard: a gateway need
		 * not take wildcard audits, and one reply per call is what
		 * the window bounds */
		if (h248_ca_audit(gw->h248, m->ctx_id, m->endpoint, h248_audit_cb, m, &m->audit_req) == 0)
			gw->audits_out++;
	}
}

/* The gateway may or may not have kept our contexts: ask about each
 * call that has one; calls set up from now on are not concerned. */
static void h248_audit_needed_cb(struct h248_ca *ca, enum h248_ca_audit_why why, void *priv)
{
	struct cc_media_gw *gw = priv;
	struct cc_media *m;
	unsigned int n = 0;

	llist_for_each_entry(m, &gw->users, list) {
		enum cc_media_state st = cc_media_state(m);

		if (!m->ctx_id || m->audit_req || (st != CC_MEDIA_READY && st != CC_MEDIA_MODIFYING))
			continue;
		m->audit_wanted = true;
		n++;
	}
	LOGP(DMGCP, LOGL_NOTICE, "mgw %s: %s: auditing %u contexts\n", ca->cfg.name,
	     get_value_string(h248_ca_audit_why_names, why), n);
	h248_audit_pump(gw);
}

static void h248_lost_cb(struct h248_ca *ca, enum h248_sc_method method, const char *reason, void *priv)
{
	/* our Handoff: the contexts are there still, and the next MGC
	 * would not know them */
	if (method == H248_SC_HANDOFF)
		cc_media_gw_clear(priv);
	else
		cc_media_gw_lost(priv, NULL, NULL);
}

/* Observed DTMF digits go to the call whose context it is. */
static void h248_notify_cb(struct h248_ca *ca, uint32_t ctx_id, const struct h248_cmd *cmd, void *priv)
{
	struct cc_media_gw *gw = priv;
	char digits[H248_ITEMS_MAX + 1];
	struct cc_media *m;
	size_t i, n = h248_dd_observed(cmd, digits, sizeof(digits));

	if (!n || !ctx_id)
		return;
	llist_for_each_entry(m, &gw->users, list) {
		if (m->ctx_id != ctx_id)
			continue;
		for (i = 0; i < n; i++)
			cc_media_gw_dtmf(m, digits[i]);
		return;
	}
	LOGP(DMGCP, LOGL_NOTICE, "H.248 Notify of DTMF \"%s\" in context %u, which no call has\n", digits, ctx_id);
}

static const struct h248_ca_ops cc_media_h248_ca_ops = {
	.contexts_lost = h248_lost_cb,
	.notify = h248_notify_cb,
	.audit_needed = h248_audit_needed_cb,
};

void cc_media_h248_setup(struct cc_media_gw *gw)
{
	gw->h248->ops = &cc_media_h248_ca_ops;
	gw->h248->priv = gw;
}
