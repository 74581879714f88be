/* A call's media over MGCP after the gateway says it was disconnected
 * (RSIP "RM: disconnected", RFC 3435 2.3.12 and 4.4.6): it lost touch
 * with us for a while and may or may not have kept the connections, so
 * each call on the endpoints it names is audited, AUCX of the call's
 * SIP-side connection (every call has one; a digital channel has no other).
 * The connection or the endpoint unknown: the call's media is gone, the
 * call fails with cause 41 and nothing is deleted.  At most
 * CC_MEDIA_AUDIT_WINDOW AUCX are outstanding; the rest wait.
 *
 * The H.248 twin is in src/cc_media_h248.c.  tandem-mgw answers no AUEP
 * "F: I" (the connection ids of an endpoint), which is why AUCX is used.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>

#include "mgcp/mgcp_err.h"
#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/tandem_log.h"

/* One AUCX under way.  The call may end meanwhile: the reply finds it
 * again by pointer and connection id, or finds nothing. */
struct mgcp_audit {
	struct cc_media_gw *gw;
	struct cc_media *m;
	char conn[MGCP_ID_MAX + 1];
};

/* The answers that say the call's connection is gone (RFC 3435 2.4). */
static const unsigned int mgcp_audit_gone_codes[] = {
	MGCP_RC_UNKNOWN_ENDPOINT,	/* 500 */
	MGCP_RC_INCORRECT_CONN_ID,	/* 515 */
	MGCP_RC_UNKNOWN_CALL_ID,	/* 516: the id is another call's now */
};

static bool mgcp_audit_gone(unsigned int code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(mgcp_audit_gone_codes); i++) {
		if (code == mgcp_audit_gone_codes[i])
			return true;
	}
	return false;
}

static struct cc_media *mgcp_audit_call(const struct mgcp_audit *a)
{
	struct cc_media *m;

	llist_for_each_entry(m, &a->gw->users, list) {
		if (m == a->m && !strcmp(m->conn_sip, a->conn))
			return m;
	}
	return NULL;
}

static bool mgcp_audit_is(const struct cc_media *m, const void *arg)
{
	return m == arg;
}

static void mgcp_audit_pump(struct cc_media_gw *gw);

static void mgcp_audit_cb(struct mgcp_ca_trans *t, const struct mgcp_msg *resp, void *priv)
{
	struct mgcp_audit *a = priv;
	struct cc_media_gw *gw = a->gw;
	struct cc_media *m = mgcp_audit_call(a);
	struct cc_media *w;

	talloc_free(a);
	gw->audits_out--;
	if (!resp) {
		/* no answer: the gateway is DOWN, or we stopped */
		llist_for_each_entry(w, &gw->users, list)
			w->audit_wanted = false;
		return;
	}
	if (m && mgcp_audit_gone(resp->code)) {
		LOGPFSML(m->fi, LOGL_ERROR, "audit: connection %s on %s is gone (%u %s)\n", m->conn_sip, m->endpoint,
			 resp->code, resp->comment);
		/* call control may free this call, and others, in there */
		cc_media_gw_lost(gw, mgcp_audit_is, m);
	} else if (m && resp->code >= 300) {
		LOGPFSML(m->fi, LOGL_NOTICE, "audit of connection %s: %u %s, the call stays\n", m->conn_sip,
			 resp->code, resp->comment);
	}
	mgcp_audit_pump(gw);
}

static int mgcp_audit_send(struct cc_media_gw *gw, struct cc_media *m)
{
	struct mgcp_audit *a = talloc_zero(gw->ca, struct mgcp_audit);
	struct mgcp_msg cmd;
	int rc;

	/* under the call agent: alive while its stop calls us back */
	if (!a)
		return -ENOMEM;
	a->gw = gw;
	a->m = m;
	osmo_strlcpy(a->conn, m->conn_sip, sizeof(a->conn));
	rc = mgcp_msg_init_cmd(&cmd, MGCP_VERB_AUCX, 1, m->endpoint);
	if (rc == 0) {
		osmo_strlcpy(cmd.conn_id, m->conn_sip, sizeof(cmd.conn_id));
		cmd.present |= MGCP_P_CONN_ID;
		rc = mgcp_msg_add_other(&cmd, "F", "C");
	}
	if (rc == 0)
		rc = mgcp_ca_send(gw->ca, &cmd, mgcp_audit_cb, a, NULL);
	if (rc < 0) {
		LOGPFSML(m->fi, LOGL_ERROR, "audit: AUCX of connection %s not sent: %d\n", m->conn_sip, rc);
		talloc_free(a);
	}
	return rc;
}

static void mgcp_audit_pump(struct cc_media_gw *gw)
{
	struct cc_media *m;

	llist_for_each_entry(m, &gw->users, list) {
		if (gw->audits_out >= CC_MEDIA_AUDIT_WINDOW || !mgcp_ca_started(gw->ca) ||
		    gw->ca->state == MGCP_CA_ST_DOWN)
			return;
		if (!m->audit_wanted)
			continue;
		m->audit_wanted = false;
		if (m->conn_sip[0] && mgcp_audit_send(gw, m) == 0)
			gw->audits_out++;
	}
}

void cc_media_mgcp_audit(struct cc_media_gw *gw, const char *rsip_ep)
{
	struct cc_media *m;
	unsigned int n = 0;

	llist_for_each_entry(m, &gw->users, list) {
		enum cc_media_state st = cc_media_state(m);

		if (!m->conn_sip[0] || (st != CC_MEDIA_READY && st != CC_MEDIA_MODIFYING) ||
		    !mgcp_ca_endpoint_covers(rsip_ep, m->endpoint))
			continue;
		m->audit_wanted = true;
		n++;
	}
	LOGP(DMGCP, LOGL_NOTICE, "mgw %s: RSIP disconnected %s: auditing %u calls\n", gw->ca->cfg.name, rsip_ep, n);
	mgcp_audit_pump(gw);
}
