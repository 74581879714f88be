/* The MGCP call agent: what the gateway says on its own (RSIP, NTFY,
 * other commands), whether it is up (AUEP keepalive), and endpoint names.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include <osmocom/core/logging.h>

#include "mgcp/mgcp_ca.h"
#include "src/tandem_log.h"

#define LOGCA(ca, level, fmt, args...) \
	LOGP(DMGCP, level, "mgw %s: " fmt, (ca)->cfg.name, ##args)

void mgcp_ca_set_state(struct mgcp_ca *ca, enum mgcp_ca_state st)
{
	if (ca->state == st)
		return;
	LOGCA(ca, st == MGCP_CA_ST_DOWN ? LOGL_ERROR : LOGL_NOTICE, "gateway %s -> %s\n",
	      get_value_string(mgcp_ca_state_names, ca->state), get_value_string(mgcp_ca_state_names, st));
	ca->state = st;
	if (ca->ops && ca->ops->state)
		ca->ops->state(ca, st, ca->priv);
}

void mgcp_ca_rx_command(struct mgcp_ca *ca, const struct mgcp_msg *cmd, const struct osmo_sockaddr *from)
{
	struct mgcp_ca_hist *h = NULL;
	unsigned int code;
	unsigned int i;

	/* A restarted gateway may count its transaction ids from 1 again:
	 * what it said before the restart is no guide to duplicates.  A
	 * retransmitted restart RSIP is then acted on twice, which is harmless. */
	if (cmd->verb == MGCP_VERB_RSIP &&
	    (!(cmd->present & MGCP_P_RESTART_METHOD) || cmd->restart_method == MGCP_RM_RESTART))
		memset(ca->cmds, 0, sizeof(ca->cmds));

	for (i = 0; i < MGCP_CA_HIST; i++) {
		if (ca->cmds[i].trans_id == cmd->trans_id) {
			h = &ca->cmds[i];
			break;
		}
	}
	if (h) {
		/* RFC 3435 3.5: a retransmitted command gets the same answer, and
		 * is not acted on twice */
		rate_ctr_inc(rate_ctr_group_get_ctr(ca->ctrs, MGCP_CA_CTR_RX_CMD_DUPLICATE));
		mgcp_ca_reply(ca, h->code, cmd->trans_id, NULL, from);
		return;
	}

	switch (cmd->verb) {
	case MGCP_VERB_RSIP:
		code = MGCP_RC_OK;
		rate_ctr_inc(rate_ctr_group_get_ctr(ca->ctrs, MGCP_CA_CTR_RX_RSIP));
		LOGCA(ca, LOGL_NOTICE, "RSIP %s %s\n", cmd->endpoint,
		      cmd->present & MGCP_P_RESTART_METHOD
			      ? get_value_string(mgcp_restart_method_names, cmd->restart_method)
			      : "restart");
		break;
	case MGCP_VERB_NTFY:
		code = MGCP_RC_OK;
		rate_ctr_inc(rate_ctr_group_get_ctr(ca->ctrs, MGCP_CA_CTR_RX_NTFY));
		break;
	default:
		/* a call agent executes no CRCX, AUEP... (RFC 3435 2.4: 504) */
		code = MGCP_RC_UNKNOWN_COMMAND;
		rate_ctr_inc(rate_ctr_group_get_ctr(ca->ctrs, MGCP_CA_CTR_RX_UNSUPPORTED));
		LOGCA(ca, LOGL_NOTICE, "%s %u from the gateway: not a call agent command, 504\n",
		      get_value_string(mgcp_verb_names, cmd->verb), cmd->trans_id);
		break;
	}
	ca->cmds[ca->cmds_pos].trans_id = cmd->trans_id;
	ca->cmds[ca->cmds_pos].code = code;
	ca->cmds_pos = (ca->cmds_pos + 1) % MGCP_CA_HIST;
	/* answer first: the user may take long, and the gateway is waiting */
	mgcp_ca_reply(ca, code, cmd->trans_id, NULL, from);
	if (code != MGCP_RC_OK)
		return;
	mgcp_ca_set_state(ca, MGCP_CA_ST_UP);
	if (cmd->verb == MGCP_VERB_RSIP) {
		if (ca->ops && ca->ops->rsip)
			ca->ops->rsip(ca, cmd, ca->priv);
		/* learn what is left of the gateway at once */
		mgcp_ca_keepalive_schedule(ca, true);
	} else if (ca->ops && ca->ops->ntfy) {
		ca->ops->ntfy(ca, cmd, ca->priv);
	}
}

/* ---- AUEP keepalive ---- */

static void mgcp_ca_keepalive_resp(struct mgcp_ca_trans *t, const struct mgcp_msg *resp, void *priv)
{
	struct mgcp_ca *ca = priv;

	/* any answer, even 500 for the wildcard, proves the gateway alive;
	 * the state itself is set by the transaction layer */
	if (resp)
		LOGCA(ca, LOGL_DEBUG, "AUEP answered %u\n", resp->code);
	if (mgcp_ca_started(ca))
		mgcp_ca_keepalive_schedule(ca, false);
}

static void mgcp_ca_keepalive_cb(void *data)
{
	struct mgcp_ca *ca = data;
	struct mgcp_msg *auep;
	char ep[MGCP_ENDPOINT_MAX + 8];
	int rc;

	if (ca->keepalive_trans || !mgcp_ca_started(ca))
		return;
	auep = talloc_zero(ca, struct mgcp_msg);
	if (!auep)
		return;
	snprintf(ep, sizeof(ep), "*@%s", ca->cfg.domain);
	rc = mgcp_msg_init_cmd(auep, MGCP_VERB_AUEP, 1, ep);
	if (rc == 0)
		rc = mgcp_ca_send(ca, auep, mgcp_ca_keepalive_resp, ca, &ca->keepalive_trans);
	talloc_free(auep);
	if (rc < 0) {
		LOGCA(ca, LOGL_ERROR, "cannot send AUEP %s: %d\n", ep, rc);
		mgcp_ca_keepalive_schedule(ca, false);
	}
}

void mgcp_ca_keepalive_schedule(struct mgcp_ca *ca, bool now)
{
	unsigned long s = osmo_tdef_get(ca->tdefs, MGCP_CA_T_KEEPALIVE, OSMO_TDEF_S, 30);

	osmo_timer_setup(&ca->keepalive, mgcp_ca_keepalive_cb, ca);
	if (now)
		osmo_timer_schedule(&ca->keepalive, 0, 0);
	else if (s)
		osmo_timer_schedule(&ca->keepalive, s, 0);
	else
		osmo_timer_del(&ca->keepalive);
}

/* ---- endpoint names ---- */

int mgcp_ca_endpoint_expand(const char *pattern, uint16_t cic, char *buf, size_t len)
{
	const char *mark = strstr(pattern, "{cic}");
	int n;

	if (mark)
		n = snprintf(buf, len, "%.*s%u%s", (int)(mark - pattern), pattern, cic, mark + 5);
	else
		n = snprintf(buf, len, "%s", pattern);
	if (n < 0 || (size_t)n >= len || n > MGCP_ENDPOINT_MAX)
		return -ENOSPC;
	if (mgcp_endpoint_split(buf, NULL, NULL) < 0)
		return -EINVAL;
	return n;
}

bool mgcp_ca_endpoint_covers(const char *rsip_ep, const char *endpoint)
{
	const char *ra = strchr(rsip_ep, '@'), *ea = strchr(endpoint, '@');
	size_t rl, el;

	if (!ra || !ea || strcasecmp(ra, ea))
		return false;
	rl = ra - rsip_ep;
	el = ea - endpoint;
	/* RFC 3435 2.1.2: "*" stands for all endpoints below that level */
	if (rl && (rsip_ep[rl - 1] == '*' || rsip_ep[rl - 1] == '$'))
		return el >= rl - 1 && !strncasecmp(rsip_ep, endpoint, rl - 1);
	return rl == el && !strncasecmp(rsip_ep, endpoint, rl);
}
