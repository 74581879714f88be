/* A call's media over MGCP (mgcp/mgcp_ca.h): one endpoint per call and
 * two connections on it, the circuit side (CRCX without SDP) and then the
 * SIP side, or only the SIP side's on a digital trunk channel ("ds/...",
 * the circuit itself); MDCX of the SIP side; DLCX of each; RSIP fails the
 * calls on the endpoints it names.  The circuit's DTMF digits (RQNT/NTFY)
 * are in src/cc_media_mgcp_dtmf.c.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>

#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/tandem_log.h"

static void mgcp_cmd(struct cc_media *m, struct mgcp_msg *cmd, enum mgcp_verb verb, const char *conn_id)
{
	mgcp_msg_init_cmd(cmd, verb, 1, m->endpoint);
	osmo_strlcpy(cmd->call_id, m->call_id, sizeof(cmd->call_id));
	cmd->present |= MGCP_P_CALL_ID;
	if (conn_id) {
		osmo_strlcpy(cmd->conn_id, conn_id, sizeof(cmd->conn_id));
		cmd->present |= MGCP_P_CONN_ID;
	}
}

static void mgcp_lco(struct mgcp_msg *cmd, const enum mgcp_codec *codecs, unsigned int n)
{
	unsigned int i;

	cmd->present |= MGCP_P_LCO;
	cmd->lco.present = true;
	cmd->lco.has_ptime = true;
	cmd->lco.ptime_min = cmd->lco.ptime_max = 20;
	cmd->lco.echo = -1;
	cmd->lco.silence = -1;
	for (i = 0; i < n && cmd->lco.n_codecs < MGCP_LCO_CODECS_MAX; i++)
		osmo_strlcpy(cmd->lco.codecs[cmd->lco.n_codecs++], mgcp_codecs[codecs[i]].name,
			     sizeof(cmd->lco.codecs[0]));
}

static void mgcp_resp_cb(struct mgcp_ca_trans *t, const struct mgcp_msg *resp, void *priv);

static int mgcp_send(struct cc_media *m, struct mgcp_msg *cmd)
{
	int rc = mgcp_ca_send(m->gw->ca, cmd, mgcp_resp_cb, m, &m->pending);

	if (rc < 0)
		LOGPFSML(m->fi, LOGL_ERROR, "cannot send %s: %d\n", get_value_string(mgcp_verb_names, cmd->verb),
			 rc);
	return rc;
}

/* Delete a connection: the call agent owns the DLCX, which may outlive the call. */
static void mgcp_dlcx(struct cc_media *m, char *conn_id)
{
	struct mgcp_msg *cmd;

	if (!conn_id[0])
		return;
	cmd = talloc_zero(m, struct mgcp_msg);
	if (cmd) {
		mgcp_cmd(m, cmd, MGCP_VERB_DLCX, conn_id);
		mgcp_ca_send(m->gw->ca, cmd, NULL, NULL, NULL);
		talloc_free(cmd);
	}
	conn_id[0] = '\0';
}

static int mgcp_crcx(struct cc_media *m)
{
	enum mgcp_codec codecs[CC_MEDIA_CODECS_MAX];
	struct mgcp_msg *cmd = talloc_zero(m, struct mgcp_msg);
	const struct mgcp_ca_cfg *cfg = &m->gw->ca->cfg;
	int rc;

	if (!cmd)
		return -ENOMEM;
	mgcp_cmd(m, cmd, MGCP_VERB_CRCX, NULL);
	cmd->present |= MGCP_P_MODE;
	if (m->step == CC_MEDIA_STEP_CIRCUIT) {
		cmd->mode = cfg->circuit_mode;
		/* what the gateway's PSTN side may use, else the call's codecs */
		if (cfg->n_codecs)
			mgcp_lco(cmd, cfg->codecs, cfg->n_codecs);
		else
			mgcp_lco(cmd, codecs, cc_media_call_codecs(m, codecs));
	} else {
		mgcp_lco(cmd, codecs, cc_media_call_codecs(m, codecs));
		if (m->offer) {
			cmd->mode = MGCP_MODE_SENDRECV;
			cmd->sdp = m->neg.remote;
			cmd->present |= MGCP_P_SDP;
		} else {
			/* nowhere to send to until the SIP peer answers */
			cmd->mode = MGCP_MODE_RECVONLY;
		}
	}
	rc = mgcp_send(m, cmd);
	talloc_free(cmd);
	return rc;
}

/* A digital trunk channel ("ds/e1-1/17@mgw", RFC 3435 Appendix E) is the
 * circuit itself: its one connection joins the timeslot to RTP, so it is
 * the SIP side, and no circuit-side connection is made.  Other endpoints
 * (an rtpbridge standing in for the PSTN side) get one per side. */
static bool mgcp_endpoint_is_circuit(const struct cc_media *m)
{
	return !strncasecmp(m->endpoint, "ds/", 3);
}

static int mgcp_create(struct cc_media *m)
{
	if (!m->call_id[0])
		mgcp_ca_new_call_id(m->gw->ca, m->call_id);
	m->step = mgcp_endpoint_is_circuit(m) ? CC_MEDIA_STEP_SIP : CC_MEDIA_STEP_CIRCUIT;
	return mgcp_crcx(m);
}

/* A CRCX answered 2xx: the next one, or the outcome. */
static int mgcp_created(struct cc_media *m, const struct mgcp_msg *resp)
{
	if (!(resp->present & MGCP_P_CONN_ID))
		return -EPROTO;
	if (m->step == CC_MEDIA_STEP_CIRCUIT) {
		osmo_strlcpy(m->conn_circuit, resp->conn_id, sizeof(m->conn_circuit));
		if (resp->present & MGCP_P_SPECIFIC_EP)
			osmo_strlcpy(m->endpoint, resp->specific_ep, sizeof(m->endpoint));
		else if (strpbrk(m->endpoint, "*$"))
			return -EPROTO;	/* the gateway did not name its endpoint */
		m->step = CC_MEDIA_STEP_SIP;
		if (mgcp_crcx(m) < 0)
			return -EIO;
		/* the circuit's connection exists: its digits can be asked for */
		cc_media_mgcp_dtmf_arm(m);
		return 0;
	}
	osmo_strlcpy(m->conn_sip, resp->conn_id, sizeof(m->conn_sip));
	if (resp->present & MGCP_P_SPECIFIC_EP)
		osmo_strlcpy(m->endpoint, resp->specific_ep, sizeof(m->endpoint));
	else if (strpbrk(m->endpoint, "*$"))
		return -EPROTO;
	if (!(resp->present & MGCP_P_SDP))
		return -EPROTO;
	if (m->conn_circuit[0]) {
		LOGPFSML(m->fi, LOGL_INFO, "connections %s (circuit) and %s (SIP) on %s\n", m->conn_circuit,
			 m->conn_sip, m->endpoint);
	} else {
		LOGPFSML(m->fi, LOGL_INFO, "connection %s on circuit %s\n", m->conn_sip, m->endpoint);
		cc_media_mgcp_dtmf_arm(m);
	}
	cc_media_gw_created(m, 0, &resp->sdp);
	return 0;
}

static void mgcp_resp_cb(struct mgcp_ca_trans *t, const struct mgcp_msg *resp, void *priv)
{
	struct cc_media *m = priv;
	bool ok = resp && resp->code >= 200 && resp->code <= 299;

	m->pending = NULL;
	switch (m->fi->state) {
	case CC_MEDIA_CREATING:
		/* a CRCX that failed made no connection */
		if (!ok || mgcp_created(m, resp) < 0)
			cc_media_gw_created(m, -EPROTO, NULL);
		return;
	case CC_MEDIA_MODIFYING:
		cc_media_gw_modified(m, ok ? 0 : resp ? -EPROTO : -ETIMEDOUT, resp ? resp->code : 0,
				     ok && resp->present & MGCP_P_SDP ? &resp->sdp : NULL);
		return;
	default:
		return;
	}
}

/* MDCX of the SIP-side connection. */
static int mgcp_modify(struct cc_media *m, enum mgcp_conn_mode mode, const struct cc_media_neg *neg)
{
	struct mgcp_msg *cmd = talloc_zero(m, struct mgcp_msg);
	enum mgcp_codec c;
	int rc;

	if (!cmd)
		return -ENOMEM;
	mgcp_cmd(m, cmd, MGCP_VERB_MDCX, m->conn_sip);
	cmd->mode = mode;
	cmd->present |= MGCP_P_MODE;
	if (neg) {
		c = neg->codec;
		mgcp_lco(cmd, &c, 1);
		cmd->sdp = neg->remote;
		cmd->present |= MGCP_P_SDP;
	}
	rc = mgcp_send(m, cmd);
	talloc_free(cmd);
	return rc;
}

static void mgcp_release(struct cc_media *m)
{
	/* a CRCX still under way is the agent's to undo if it succeeds */
	mgcp_ca_trans_orphan(m->pending);
	m->pending = NULL;
	cc_media_mgcp_dtmf_stop(m);
	mgcp_dlcx(m, m->conn_sip);
	mgcp_dlcx(m, m->conn_circuit);
}

static void mgcp_forget(struct cc_media *m)
{
	mgcp_ca_trans_orphan(m->pending);
	m->pending = NULL;
	cc_media_mgcp_dtmf_stop(m);
	m->conn_sip[0] = m->conn_circuit[0] = '\0';
}

static bool mgcp_usable(const struct cc_media_gw *gw)
{
	return mgcp_ca_started(gw->ca) && gw->ca->state != MGCP_CA_ST_DOWN;
}

static int mgcp_start(struct cc_media_gw *gw)
{
	return mgcp_ca_start(gw->ca);
}

static void mgcp_stop(struct cc_media_gw *gw)
{
	mgcp_ca_stop(gw->ca);
}

static int mgcp_audit(struct cc_media_gw *gw)
{
	if (!mgcp_ca_started(gw->ca))
		return -ENOTCONN;
	mgcp_ca_keepalive_schedule(gw->ca, true);
	return 0;
}

const struct cc_media_proto_ops cc_media_mgcp_ops = {
	.start = mgcp_start,
	.stop = mgcp_stop,
	.usable = mgcp_usable,
	.endpoint = mgcp_ca_endpoint_expand,
	.create = mgcp_create,
	.modify = mgcp_modify,
	.release = mgcp_release,
	.forget = mgcp_forget,
	.audit = mgcp_audit,
};

static bool rsip_covers(const struct cc_media *m, const void *arg)
{
	return mgcp_ca_endpoint_covers(arg, m->endpoint);
}

/*! The gateway restarted (RSIP): calls on the endpoints it names lose
 *  their media.  graceful keeps them (they end on their own, RFC 3435
 *  2.3.12), and so does disconnected (the connections survived). */
void cc_media_gw_rsip(struct cc_media_gw *gw, const struct mgcp_msg *rsip)
{
	if ((rsip->present & MGCP_P_RESTART_METHOD) && rsip->restart_method == MGCP_RM_DISCONNECTED)
		cc_media_mgcp_audit(gw, rsip->endpoint);
	if (rsip->present & MGCP_P_RESTART_METHOD &&
	    (rsip->restart_method == MGCP_RM_GRACEFUL || rsip->restart_method == MGCP_RM_DISCONNECTED ||
	     rsip->restart_method == MGCP_RM_CANCEL_GRACEFUL))
		return;
	cc_media_gw_lost(gw, rsip_covers, rsip->endpoint);
}
