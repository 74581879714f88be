/* tandem-mgw: executing MGCP commands (RFC 3435 2.3) on rtpbridge endpoints.
 *
 * Each handler fills the response; every refusal carries the RFC 3435
 * return code that says why, and is counted.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_xcode.h"
#include "src/tandem_log.h"

/* What an endpoint name in a command designates. */
struct cmd_target {
	bool all;			/* "*" wildcard: every endpoint (under prefix) */
	bool any;			/* "$" wildcard: one free endpoint (under prefix) */
	char prefix[MGCP_ENDPOINT_MAX + 1];	/* "rtpbridge/", "ds/e1-1/", "" */
	struct mgw_endpoint *ep;	/* a specific endpoint */
};

static void resp_code(struct mgcp_msg *resp, const struct mgcp_msg *cmd, unsigned int code, const char *comment)
{
	mgcp_msg_init_resp(resp, code, cmd->trans_id, comment);
}

static bool target_matches(const struct cmd_target *t, const struct mgw_endpoint *ep)
{
	/* an endpoint carrying an H.248 context is not MGCP's to touch */
	return !ep->h248 && !strncasecmp(ep->name, t->prefix, strlen(t->prefix));
}

/* Resolve the command's endpoint; returns 0 or an RFC 3435 code.  A
 * trailing "*" or "$" names every / any endpoint under what precedes it;
 * a bare "$" means a free rtpbridge. */
static unsigned int cmd_target(struct mgw *mgw, const struct mgcp_msg *cmd, struct cmd_target *t)
{
	char local[MGCP_ENDPOINT_MAX + 1], domain[MGCP_ENDPOINT_MAX + 1];
	size_t l;
	unsigned int i;

	memset(t, 0, sizeof(*t));
	if (mgcp_endpoint_split(cmd->endpoint, local, domain) < 0 || strcasecmp(domain, mgw->cfg.domain))
		return MGCP_RC_UNKNOWN_ENDPOINT;
	l = strlen(local);
	if (l && (local[l - 1] == '*' || local[l - 1] == '$') && (l == 1 || local[l - 2] == '/')) {
		t->all = local[l - 1] == '*';
		t->any = !t->all;
		osmo_strlcpy(t->prefix, local, l);
		if (!strcmp(local, "$"))
			osmo_strlcpy(t->prefix, "rtpbridge/", sizeof(t->prefix));
		for (i = 0; i < mgw->n_endpoints; i++) {
			if (target_matches(t, &mgw->endpoints[i]))
				return 0;
		}
		return MGCP_RC_UNKNOWN_ENDPOINT;
	}
	t->ep = mgw_endp_find(mgw, local);
	if (t->ep && t->ep->h248)
		return MGCP_RC_NO_RESOURCES_NOW;
	return t->ep ? 0 : MGCP_RC_UNKNOWN_ENDPOINT;
}

static bool codec_allowed(struct mgw *mgw, enum mgcp_codec c)
{
	unsigned int i;

	for (i = 0; i < mgw->cfg.n_codec_pref; i++) {
		if (mgw->cfg.codec_pref[i] == c)
			return true;
	}
	return false;
}

static bool lco_allows(const struct mgcp_msg *cmd, enum mgcp_codec c)
{
	unsigned int i;

	if (!(cmd->present & MGCP_P_LCO) || !cmd->lco.n_codecs)
		return true;
	for (i = 0; i < cmd->lco.n_codecs && i < MGCP_LCO_CODECS_MAX; i++) {
		if (mgcp_codec_by_name(cmd->lco.codecs[i]) == c)
			return true;
	}
	return false;
}

/* Pick codec and payload type: the remote SDP's order first, else the
 * LCO's, else ours; only codecs we transcode and the operator allows. */
static unsigned int negotiate_codec(struct mgw *mgw, const struct mgcp_msg *cmd, enum mgcp_codec *codec,
				    uint8_t *pt)
{
	unsigned int i;

	if (cmd->present & MGCP_P_SDP) {
		for (i = 0; i < cmd->sdp.n_pt && i < MGCP_SDP_PT_MAX; i++) {
			enum mgcp_codec c = mgcp_codec_by_name(mgcp_sdp_pt_name(&cmd->sdp.pts[i]));

			if (c != MGCP_CODEC_NONE && codec_allowed(mgw, c) && lco_allows(cmd, c) &&
			    mgw_xcode_supported(c, c)) {
				*codec = c;
				*pt = cmd->sdp.pts[i].pt;
				return 0;
			}
		}
		return MGCP_RC_CODEC_NEGOTIATION;
	}
	if ((cmd->present & MGCP_P_LCO) && cmd->lco.n_codecs) {
		for (i = 0; i < cmd->lco.n_codecs && i < MGCP_LCO_CODECS_MAX; i++) {
			enum mgcp_codec c = mgcp_codec_by_name(cmd->lco.codecs[i]);

			if (c != MGCP_CODEC_NONE && codec_allowed(mgw, c) && mgw_xcode_supported(c, c)) {
				*codec = c;
				*pt = mgcp_codecs[c].static_pt;
				return 0;
			}
		}
		return MGCP_RC_CODEC_NEGOTIATION;
	}
	if (mgw->cfg.n_codec_pref == 0)
		return MGCP_RC_CODEC_NEGOTIATION;
	*codec = mgw->cfg.codec_pref[0];
	*pt = mgcp_codecs[*codec].static_pt;
	return 0;
}

static bool ptime_ok(unsigned int p)
{
	return p >= MGW_PTIME_MIN && p <= MGW_PTIME_MAX && p % 10 == 0;
}

/* LCO p: (a range: 20 if it allows, else its lowest usable value), else
 * the SDP's a=ptime, else @current. */
static unsigned int negotiate_ptime(const struct mgcp_msg *cmd, unsigned int current, unsigned int *ptime)
{
	unsigned int p;

	if ((cmd->present & MGCP_P_LCO) && cmd->lco.has_ptime) {
		if (cmd->lco.ptime_min <= 20 && cmd->lco.ptime_max >= 20) {
			*ptime = 20;
			return 0;
		}
		for (p = cmd->lco.ptime_min; p <= cmd->lco.ptime_max && p <= MGW_PTIME_MAX; p++) {
			if (ptime_ok(p)) {
				*ptime = p;
				return 0;
			}
		}
		return MGCP_RC_PTIME_UNSUPPORTED;
	}
	if ((cmd->present & MGCP_P_SDP) && cmd->sdp.ptime) {
		if (!ptime_ok(cmd->sdp.ptime))
			return MGCP_RC_PTIME_UNSUPPORTED;
		*ptime = cmd->sdp.ptime;
		return 0;
	}
	*ptime = current;
	return 0;
}

static unsigned int check_mode(enum mgcp_conn_mode m)
{
	switch (m) {
	case MGCP_MODE_SENDRECV:
	case MGCP_MODE_SENDONLY:
	case MGCP_MODE_RECVONLY:
	case MGCP_MODE_INACTIVE:
	case MGCP_MODE_LOOPBACK:
	case MGCP_MODE_CONFRNCE:
		return 0;
	default:
		return MGCP_RC_INVALID_MODE;
	}
}

/* Remote address from the SDP; IPv4 only since we bind IPv4. */
static unsigned int take_remote(const struct mgcp_msg *cmd, struct sockaddr_in *sin, bool *has)
{
	if (!(cmd->present & MGCP_P_SDP))
		return 0;
	if (cmd->sdp.ipv6)
		return MGCP_RC_UNSUPPORTED_RCD;
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	if (inet_pton(AF_INET, cmd->sdp.addr, &sin->sin_addr) != 1)
		return MGCP_RC_RCD_ERROR;
	sin->sin_port = htons(cmd->sdp.port);
	/* port 0 or no address puts the stream on hold (RFC 3264 5.1, 8.4) */
	*has = cmd->sdp.port != 0 && sin->sin_addr.s_addr != 0;
	return 0;
}

static void resp_sdp(struct mgw *mgw, struct mgw_conn *conn, struct mgcp_msg *resp)
{
	struct mgcp_sdp *sdp = &resp->sdp;
	const char *fmtp = NULL;

	memset(sdp, 0, sizeof(*sdp));
	sdp->sess_id = strtoul(conn->id, NULL, 16);
	sdp->sess_version = conn->sdp_version;
	osmo_strlcpy(sdp->addr, mgw->cfg.rtp_ip, sizeof(sdp->addr));
	sdp->has_media = true;
	sdp->port = conn->local_port;
	sdp->ptime = conn->ptime;
	/* our decoder takes SID frames either way; we only send them with VAD */
	if (conn->codec == MGCP_CODEC_G729 && !conn->vad)
		fmtp = "annexb=no";
	mgcp_sdp_add_pt(sdp, conn->pt, mgcp_codecs[conn->codec].name, mgcp_codecs[conn->codec].rate, fmtp);
	if (conn->dtmf_pt >= 0)
		mgcp_sdp_add_pt(sdp, conn->dtmf_pt, mgcp_codecs[MGCP_CODEC_TELEPHONE_EVENT].name, 8000, "0-15");
	resp->present |= MGCP_P_SDP;
}

static void conn_params(const struct mgw_conn *conn, char *buf, size_t size)
{
	snprintf(buf, size, "PS=%" PRIu64 ", OS=%" PRIu64 ", PR=%" PRIu64 ", OR=%" PRIu64 ", PL=%d, JI=%u, LA=0",
		 conn->tx_packets, conn->tx_bytes, conn->rx_packets, conn->rx_bytes, mgw_conn_lost(conn),
		 mgw_rtp_stats_jitter(&conn->rx) / 8);
}

/* RFC 4733 events on a ds/e1 connection: the remote SDP's telephone-event
 * payload type, none when it has none; we offer 101 until it speaks. */
static int negotiate_dtmf(const struct mgcp_msg *cmd, int current, bool creating)
{
	unsigned int i;

	if (!(cmd->present & MGCP_P_SDP))
		return creating ? MGW_DTMF_PT_OFFER : current;
	for (i = 0; i < cmd->sdp.n_pt && i < MGCP_SDP_PT_MAX; i++) {
		if (mgcp_codec_by_name(mgcp_sdp_pt_name(&cmd->sdp.pts[i])) == MGCP_CODEC_TELEPHONE_EVENT &&
		    cmd->sdp.pts[i].rate == 8000)
			return cmd->sdp.pts[i].pt;
	}
	return -1;
}

/* Apply M, L and the remote SDP of @cmd to @conn; 0 or an RFC 3435 code. */
static unsigned int conn_apply(struct mgw *mgw, struct mgw_conn *conn, const struct mgcp_msg *cmd, bool creating)
{
	enum mgcp_codec codec = conn->codec;
	uint8_t pt = conn->pt;
	unsigned int ptime, rc;
	struct sockaddr_in remote = conn->remote;
	bool has_remote = conn->has_remote;

	if (cmd->present & MGCP_P_MODE) {
		rc = check_mode(cmd->mode);
		if (rc)
			return rc;
	}
	if (creating || (cmd->present & MGCP_P_SDP) || ((cmd->present & MGCP_P_LCO) && cmd->lco.n_codecs)) {
		rc = negotiate_codec(mgw, cmd, &codec, &pt);
		if (rc)
			return rc;
	}
	rc = negotiate_ptime(cmd, conn->ptime ? conn->ptime : 20, &ptime);
	if (rc)
		return rc;
	rc = take_remote(cmd, &remote, &has_remote);
	if (rc)
		return rc;

	if (cmd->present & MGCP_P_MODE)
		conn->mode = cmd->mode;
	if ((cmd->present & MGCP_P_LCO) && cmd->lco.silence >= 0)
		conn->vad = cmd->lco.silence == 1;
	conn->codec = codec;
	conn->pt = pt;
	conn->ptime = ptime;
	if (conn->ep->span)
		conn->dtmf_pt = negotiate_dtmf(cmd, conn->dtmf_pt, creating);
	conn->remote = remote;
	conn->has_remote = has_remote;
	conn->sdp_version++;
	if (mgw_endp_update_media(conn->ep) < 0)
		return MGCP_RC_CODEC_NEGOTIATION;
	return 0;
}

static struct mgw_endpoint *free_endpoint(struct mgw *mgw, const struct cmd_target *t)
{
	unsigned int i;

	for (i = 0; i < mgw->n_endpoints; i++) {
		if (target_matches(t, &mgw->endpoints[i]) && mgw_endp_n_conns(&mgw->endpoints[i]) == 0)
			return &mgw->endpoints[i];
	}
	return NULL;
}

static unsigned int cmd_crcx(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp, const char **why)
{
	struct cmd_target t;
	struct mgw_conn *conn;
	unsigned int rc;

	if (!(cmd->present & MGCP_P_CALL_ID)) {
		*why = "Missing CallId";
		return MGCP_RC_PROTOCOL_ERROR;
	}
	if (!(cmd->present & MGCP_P_MODE)) {
		*why = "Missing ConnectionMode";
		return MGCP_RC_PROTOCOL_ERROR;
	}
	rc = check_mode(cmd->mode);
	if (rc)
		return rc;
	rc = cmd_target(mgw, cmd, &t);
	if (rc)
		return rc;
	if (t.all || t.any) {
		/* a bare wildcard means an rtpbridge, never a timeslot by chance */
		if (!t.prefix[0])
			osmo_strlcpy(t.prefix, "rtpbridge/", sizeof(t.prefix));
		t.ep = free_endpoint(mgw, &t);
		if (!t.ep)
			return MGCP_RC_NO_ENDPOINT_AVAILABLE;
	} else if (mgw_endp_n_conns(t.ep) >= t.ep->max_conns) {
		return MGCP_RC_NO_RESOURCES;
	}
	conn = mgw_conn_alloc(t.ep, cmd->call_id);
	if (!conn)
		return MGCP_RC_NO_RESOURCES_NOW;
	conn->mode = cmd->mode;
	rc = conn_apply(mgw, conn, cmd, true);
	if (rc) {
		mgw_conn_free(conn);
		return rc;
	}
	resp_code(resp, cmd, MGCP_RC_OK, NULL);
	osmo_strlcpy(resp->conn_id, conn->id, sizeof(resp->conn_id));
	resp->present |= MGCP_P_CONN_ID;
	if (t.all || t.any) {
		snprintf(resp->specific_ep, sizeof(resp->specific_ep), "%s@%s", t.ep->name, mgw->cfg.domain);
		resp->present |= MGCP_P_SPECIFIC_EP;
	}
	resp_sdp(mgw, conn, resp);
	LOGP(DMGW, LOGL_INFO, "%s: connection %s created, call %s, %s/%u ms, %s, local port %u\n", t.ep->name,
	     conn->id, conn->call_id, mgcp_codecs[conn->codec].name, conn->ptime,
	     get_value_string(mgcp_conn_mode_names, conn->mode), conn->local_port);
	return 0;
}

static unsigned int find_conn(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgw_conn **conn, const char **why)
{
	struct cmd_target t;
	unsigned int rc;

	rc = cmd_target(mgw, cmd, &t);
	if (rc)
		return rc;
	if (!t.ep)
		return MGCP_RC_WILDCARD_TOO_COMPLICATED;
	if (!(cmd->present & MGCP_P_CONN_ID)) {
		*why = "Missing ConnectionId";
		return MGCP_RC_PROTOCOL_ERROR;
	}
	*conn = mgw_conn_find(t.ep, cmd->conn_id);
	if (!*conn)
		return MGCP_RC_INCORRECT_CONN_ID;
	if ((cmd->present & MGCP_P_CALL_ID) && strcasecmp(cmd->call_id, (*conn)->call_id))
		return MGCP_RC_UNKNOWN_CALL_ID;
	return 0;
}

static unsigned int cmd_mdcx(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp, const char **why)
{
	struct mgw_conn *conn;
	unsigned int rc;

	rc = find_conn(mgw, cmd, &conn, why);
	if (rc)
		return rc;
	rc = conn_apply(mgw, conn, cmd, false);
	if (rc)
		return rc;
	resp_code(resp, cmd, MGCP_RC_OK, NULL);
	resp_sdp(mgw, conn, resp);
	LOGP(DMGW, LOGL_INFO, "%s: connection %s modified: %s/%u ms, %s\n", conn->ep->name, conn->id,
	     mgcp_codecs[conn->codec].name, conn->ptime, get_value_string(mgcp_conn_mode_names, conn->mode));
	return 0;
}

/* Delete on @ep the connections of call @call_id (all when NULL). */
static unsigned int dlcx_ep(struct mgw_endpoint *ep, const char *call_id)
{
	unsigned int i, n = 0;

	for (i = 0; i < MGW_CONNS_PER_EP; i++) {
		struct mgw_conn *conn = ep->conns[i];

		if (conn && (!call_id || !strcasecmp(conn->call_id, call_id))) {
			mgw_conn_free(conn);
			n++;
		}
	}
	return n;
}

static unsigned int cmd_dlcx(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp, const char **why)
{
	const char *call_id = (cmd->present & MGCP_P_CALL_ID) ? cmd->call_id : NULL;
	char params[MGCP_VALUE_MAX + 1];
	struct cmd_target t;
	unsigned int rc, i, n = 0;

	rc = cmd_target(mgw, cmd, &t);
	if (rc)
		return rc;
	if (cmd->present & MGCP_P_CONN_ID) {
		struct mgw_conn *conn;

		rc = find_conn(mgw, cmd, &conn, why);
		if (rc)
			return rc;
		conn_params(conn, params, sizeof(params));
		mgw_conn_free(conn);
		resp_code(resp, cmd, MGCP_RC_DELETED, NULL);
		mgcp_msg_add_other(resp, "P", params);
		return 0;
	}
	if (t.any)
		return MGCP_RC_WILDCARD_TOO_COMPLICATED;
	if (t.all) {
		for (i = 0; i < mgw->n_endpoints; i++) {
			if (target_matches(&t, &mgw->endpoints[i]))
				n += dlcx_ep(&mgw->endpoints[i], call_id);
		}
	} else {
		n = dlcx_ep(t.ep, call_id);
	}
	if (call_id && n == 0)
		return MGCP_RC_UNKNOWN_CALL_ID;
	resp_code(resp, cmd, MGCP_RC_DELETED, NULL);
	return 0;
}

/* Is @what among the comma separated RequestedInfo codes (F:)?  No F: means all. */
static bool requested(const struct mgcp_msg *cmd, const char *what)
{
	const char *f = mgcp_msg_get_other(cmd, "F");
	size_t wl = strlen(what);

	if (!f)
		return true;
	while (*f) {
		const char *e;
		size_t l;

		while (*f == ' ' || *f == ',')
			f++;
		e = f;
		while (*e && *e != ',' && *e != ' ')
			e++;
		l = e - f;
		if (l == wl && !strncasecmp(f, what, l))
			return true;
		f = e;
	}
	return false;
}

static unsigned int cmd_auep(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp)
{
	struct cmd_target t;
	unsigned int rc, i;

	rc = cmd_target(mgw, cmd, &t);
	if (rc)
		return rc;
	if (t.any)
		return MGCP_RC_WILDCARD_TOO_COMPLICATED;
	resp_code(resp, cmd, MGCP_RC_OK, NULL);
	if (t.all) {
		unsigned int n = 0;

		/* one Z: per endpoint (RFC 3435 2.3.10) */
		for (i = 0; i < mgw->n_endpoints; i++)
			n += target_matches(&t, &mgw->endpoints[i]);
		if (n > MGCP_OTHER_MAX + 1)
			return MGCP_RC_RESPONSE_TOO_LARGE;
		for (i = 0, n = 0; i < mgw->n_endpoints; i++) {
			char name[MGCP_ENDPOINT_MAX + 1];

			if (!target_matches(&t, &mgw->endpoints[i]))
				continue;
			snprintf(name, sizeof(name), "%s@%s", mgw->endpoints[i].name, mgw->cfg.domain);
			if (n++ == 0) {
				osmo_strlcpy(resp->specific_ep, name, sizeof(resp->specific_ep));
				resp->present |= MGCP_P_SPECIFIC_EP;
			} else {
				mgcp_msg_add_other(resp, "Z", name);
			}
		}
		return 0;
	}
	if (mgcp_msg_get_other(cmd, "F") && requested(cmd, "A")) {
		char caps[MGCP_VALUE_MAX + 1];
		size_t l = 0;

		l += snprintf(caps + l, sizeof(caps) - l, "a:");
		for (i = 0; i < mgw->cfg.n_codec_pref; i++)
			l += snprintf(caps + l, sizeof(caps) - l, "%s%s", i ? ";" : "",
				      mgcp_codecs[mgw->cfg.codec_pref[i]].name);
		snprintf(caps + l, sizeof(caps) - l, ", p:%u-%u, e:off, s:on", MGW_PTIME_MIN, MGW_PTIME_MAX);
		mgcp_msg_add_other(resp, "A", caps);
	}
	return 0;
}

static unsigned int cmd_aucx(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp, const char **why)
{
	char params[MGCP_VALUE_MAX + 1];
	struct mgw_conn *conn;
	unsigned int rc;

	rc = find_conn(mgw, cmd, &conn, why);
	if (rc)
		return rc;
	resp_code(resp, cmd, MGCP_RC_OK, NULL);
	if (requested(cmd, "C")) {
		osmo_strlcpy(resp->call_id, conn->call_id, sizeof(resp->call_id));
		resp->present |= MGCP_P_CALL_ID;
	}
	if (requested(cmd, "M")) {
		resp->mode = conn->mode;
		resp->present |= MGCP_P_MODE;
	}
	if (requested(cmd, "L")) {
		resp->lco.present = true;
		resp->lco.has_ptime = true;
		resp->lco.ptime_min = resp->lco.ptime_max = conn->ptime;
		resp->lco.n_codecs = 1;
		osmo_strlcpy(resp->lco.codecs[0], mgcp_codecs[conn->codec].name, sizeof(resp->lco.codecs[0]));
		resp->lco.silence = conn->vad;
		resp->present |= MGCP_P_LCO;
	}
	if (requested(cmd, "P")) {
		conn_params(conn, params, sizeof(params));
		mgcp_msg_add_other(resp, "P", params);
	}
	if (requested(cmd, "LC"))
		resp_sdp(mgw, conn, resp);
	return 0;
}

static unsigned int cmd_rqnt(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp, const char **why)
{
	struct cmd_target t;
	unsigned int rc, i;

	rc = cmd_target(mgw, cmd, &t);
	if (rc)
		return rc;
	if (!(cmd->present & MGCP_P_REQUEST_ID)) {
		*why = "Missing RequestIdentifier";
		return MGCP_RC_PROTOCOL_ERROR;
	}
	if (t.any)
		return MGCP_RC_WILDCARD_TOO_COMPLICATED;
	if (t.ep) {
		rc = mgw_rqnt_apply(mgw, t.ep, cmd, why);
	} else {
		for (i = 0; i < mgw->n_endpoints && !rc; i++) {
			if (target_matches(&t, &mgw->endpoints[i]))
				rc = mgw_rqnt_apply(mgw, &mgw->endpoints[i], cmd, why);
		}
	}
	if (rc)
		return rc;
	resp_code(resp, cmd, MGCP_RC_OK, NULL);
	return 0;
}

static unsigned int cmd_epcf(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp)
{
	struct cmd_target t;
	unsigned int rc;

	rc = cmd_target(mgw, cmd, &t);
	if (rc)
		return rc;
	resp_code(resp, cmd, MGCP_RC_OK, NULL);
	return 0;
}

void mgw_cmd_exec(struct mgw *mgw, const struct mgcp_msg *cmd, struct mgcp_msg *resp)
{
	const char *why = NULL;
	enum mgw_ctr ok = MGW_CTR_AUDIT_OK, fail = MGW_CTR_AUDIT_FAIL;
	unsigned int rc;

	switch (cmd->verb) {
	case MGCP_VERB_CRCX:
		rc = cmd_crcx(mgw, cmd, resp, &why);
		ok = MGW_CTR_CRCX_OK;
		fail = MGW_CTR_CRCX_FAIL;
		break;
	case MGCP_VERB_MDCX:
		rc = cmd_mdcx(mgw, cmd, resp, &why);
		ok = MGW_CTR_MDCX_OK;
		fail = MGW_CTR_MDCX_FAIL;
		break;
	case MGCP_VERB_DLCX:
		rc = cmd_dlcx(mgw, cmd, resp, &why);
		ok = MGW_CTR_DLCX_OK;
		fail = MGW_CTR_DLCX_FAIL;
		break;
	case MGCP_VERB_AUEP:
		rc = cmd_auep(mgw, cmd, resp);
		break;
	case MGCP_VERB_AUCX:
		rc = cmd_aucx(mgw, cmd, resp, &why);
		break;
	case MGCP_VERB_RQNT:
		rc = cmd_rqnt(mgw, cmd, resp, &why);
		fail = MGW_CTR_RQNT_FAIL;
		break;
	case MGCP_VERB_EPCF:
		rc = cmd_epcf(mgw, cmd, resp);
		break;
	default:
		/* NTFY and RSIP go from gateway to call agent, never to us */
		rc = MGCP_RC_UNKNOWN_COMMAND;
		fail = MGW_CTR_MGCP_UNSUPPORTED;
		break;
	}
	if (rc) {
		resp_code(resp, cmd, rc, why);
		mgw_ctr_inc(mgw, fail);
		LOGP(DMGW, LOGL_NOTICE, "%s %u %s: %u %s\n", get_value_string(mgcp_verb_names, cmd->verb),
		     cmd->trans_id, cmd->endpoint, rc, why ? why : get_value_string(mgcp_rc_names, rc));
		return;
	}
	mgw_ctr_inc(mgw, ok);
}

unsigned int mgw_conn_apply(struct mgw *mgw, struct mgw_conn *conn, const struct mgcp_msg *cmd, bool creating)
{
	return conn_apply(mgw, conn, cmd, creating);
}

void mgw_conn_local_sdp(struct mgw *mgw, struct mgw_conn *conn, struct mgcp_msg *resp)
{
	resp_sdp(mgw, conn, resp);
}
