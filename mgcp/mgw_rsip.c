/* tandem-mgw's restart procedure towards its call agent (RFC 3435 4.4.6).
 *
 * On start the gateway sends RSIP "restart" for all its endpoints
 * ("*@domain") and retransmits it with the same transaction id every X1
 * until the call agent answers.  After MGW_RSIP_TRIES unanswered tries it
 * is disconnected and tries again every X2 with "disconnected".  On
 * shutdown it sends one RSIP "forced": the endpoints are gone right away.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>

#include <osmocom/core/fsm.h>

#include "mgcp/mgw.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/*! Tries of one RSIP before the gateway counts itself disconnected. */
#define MGW_RSIP_TRIES 5

enum mgw_rsip_state {
	MGW_RSIP_ST_IDLE,		/*!< no call agent configured, or not started */
	MGW_RSIP_ST_RESTARTING,		/*!< RSIP sent, waiting for its answer */
	MGW_RSIP_ST_IN_SERVICE,		/*!< the call agent acknowledged */
	MGW_RSIP_ST_DISCONNECTED,	/*!< no answer; retrying slowly */
};

enum mgw_rsip_event {
	MGW_RSIP_EV_START,
	MGW_RSIP_EV_ACK,	/*!< data: the response */
	MGW_RSIP_EV_REJECT,	/*!< data: the response */
};

static const struct value_string mgw_rsip_event_names[] = {
	{ MGW_RSIP_EV_START, "START" },
	{ MGW_RSIP_EV_ACK, "ACK" },
	{ MGW_RSIP_EV_REJECT, "REJECT" },
	{ 0, NULL }
};

struct mgw_rsip {
	struct mgw *mgw;
	uint32_t trans_id;
	enum mgcp_restart_method method;
	unsigned int tries;
};

static int ca_addr(struct mgw *mgw, struct sockaddr_in *sin)
{
	memset(sin, 0, sizeof(*sin));
	sin->sin_family = AF_INET;
	sin->sin_port = htons(mgw->cfg.ca_port);
	if (!mgw->cfg.ca_ip || inet_pton(AF_INET, mgw->cfg.ca_ip, &sin->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

static uint32_t next_trans_id(struct mgw *mgw)
{
	if (++mgw->next_trans_id > MGCP_TRANS_ID_MAX)
		mgw->next_trans_id = 1;
	return mgw->next_trans_id;
}

static int rsip_send(struct mgw *mgw, uint32_t trans_id, enum mgcp_restart_method method)
{
	struct mgcp_msg msg;
	struct sockaddr_in ca;
	char ep[MGCP_ENDPOINT_MAX + 1];

	if (ca_addr(mgw, &ca) < 0)
		return -EINVAL;
	snprintf(ep, sizeof(ep), "*@%s", mgw->cfg.domain);
	if (mgcp_msg_init_cmd(&msg, MGCP_VERB_RSIP, trans_id, ep) < 0)
		return -EINVAL;
	msg.restart_method = method;
	msg.present |= MGCP_P_RESTART_METHOD;
	if (method == MGCP_RM_RESTART) {
		msg.restart_delay = 0;
		msg.present |= MGCP_P_RESTART_DELAY;
	}
	mgw_ctr_inc(mgw, MGW_CTR_RSIP_TX);
	LOGP(DMGW, LOGL_NOTICE, "RSIP %u %s (%s) to call agent %s:%u\n", trans_id, ep,
	     get_value_string(mgcp_restart_method_names, method), mgw->cfg.ca_ip, mgw->cfg.ca_port);
	return mgw_mgcp_send(mgw, &msg, &ca);
}

static void rsip_new(struct osmo_fsm_inst *fi, enum mgcp_restart_method method)
{
	struct mgw_rsip *r = fi->priv;

	r->trans_id = next_trans_id(r->mgw);
	r->method = method;
	r->tries = 1;
	rsip_send(r->mgw, r->trans_id, method);
}

static void rsip_idle(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct mgw_rsip *r = fi->priv;

	rsip_new(fi, MGCP_RM_RESTART);
	osmo_fsm_inst_state_chg(fi, MGW_RSIP_ST_RESTARTING, osmo_tdef_get(r->mgw->tdefs, MGW_T_RSIP, OSMO_TDEF_S, 1),
				MGW_T_RSIP);
}

static void rsip_restarting(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	const struct mgcp_msg *resp = data;

	switch (event) {
	case MGW_RSIP_EV_ACK:
		LOGPFSML(fi, LOGL_NOTICE, "call agent answered RSIP: %u %s\n", resp->code, resp->comment);
		osmo_fsm_inst_state_chg(fi, MGW_RSIP_ST_IN_SERVICE, 0, 0);
		break;
	case MGW_RSIP_EV_REJECT:
		/* still a live call agent: in service, but say it refused */
		LOGPFSML(fi, LOGL_ERROR, "call agent refused RSIP: %u %s\n", resp->code, resp->comment);
		osmo_fsm_inst_state_chg(fi, MGW_RSIP_ST_IN_SERVICE, 0, 0);
		break;
	}
}

static void rsip_in_service(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	/* a late answer to a retransmission: nothing more to do */
}

static void rsip_disconnected(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	rsip_restarting(fi, event, data);
}

static int rsip_timer_cb(struct osmo_fsm_inst *fi)
{
	struct mgw_rsip *r = fi->priv;
	struct mgw *mgw = r->mgw;

	switch (fi->state) {
	case MGW_RSIP_ST_RESTARTING:
		if (r->tries < MGW_RSIP_TRIES) {
			r->tries++;
			rsip_send(mgw, r->trans_id, r->method);
			osmo_fsm_inst_state_chg(fi, MGW_RSIP_ST_RESTARTING,
						osmo_tdef_get(mgw->tdefs, MGW_T_RSIP, OSMO_TDEF_S, 1), MGW_T_RSIP);
			return 0;
		}
		mgw_ctr_inc(mgw, MGW_CTR_RSIP_TIMEOUT);
		LOGPFSML(fi, LOGL_ERROR, "call agent %s:%u did not answer RSIP\n", mgw->cfg.ca_ip, mgw->cfg.ca_port);
		osmo_fsm_inst_state_chg(fi, MGW_RSIP_ST_DISCONNECTED,
					osmo_tdef_get(mgw->tdefs, MGW_T_RSIP_DISC, OSMO_TDEF_S, 15), MGW_T_RSIP_DISC);
		return 0;
	case MGW_RSIP_ST_DISCONNECTED:
		rsip_new(fi, MGCP_RM_DISCONNECTED);
		osmo_fsm_inst_state_chg(fi, MGW_RSIP_ST_RESTARTING,
					osmo_tdef_get(mgw->tdefs, MGW_T_RSIP, OSMO_TDEF_S, 1), MGW_T_RSIP);
		return 0;
	}
	return 0;
}

static const struct osmo_fsm_state mgw_rsip_states[] = {
	[MGW_RSIP_ST_IDLE] = {
		.name = "IDLE",
		.in_event_mask = S(MGW_RSIP_EV_START),
		.out_state_mask = S(MGW_RSIP_ST_RESTARTING),
		.action = rsip_idle,
	},
	[MGW_RSIP_ST_RESTARTING] = {
		.name = "RESTARTING",
		.in_event_mask = S(MGW_RSIP_EV_ACK) | S(MGW_RSIP_EV_REJECT),
		.out_state_mask = S(MGW_RSIP_ST_RESTARTING) | S(MGW_RSIP_ST_IN_SERVICE) | S(MGW_RSIP_ST_DISCONNECTED),
		.action = rsip_restarting,
	},
	[MGW_RSIP_ST_IN_SERVICE] = {
		.name = "IN_SERVICE",
		.in_event_mask = S(MGW_RSIP_EV_ACK) | S(MGW_RSIP_EV_REJECT),
		.out_state_mask = 0,
		.action = rsip_in_service,
	},
	[MGW_RSIP_ST_DISCONNECTED] = {
		.name = "DISCONNECTED",
		.in_event_mask = S(MGW_RSIP_EV_ACK) | S(MGW_RSIP_EV_REJECT),
		.out_state_mask = S(MGW_RSIP_ST_RESTARTING) | S(MGW_RSIP_ST_IN_SERVICE),
		.action = rsip_disconnected,
	},
};

static struct osmo_fsm mgw_rsip_fsm = {
	.name = "mgw_rsip",
	.states = mgw_rsip_states,
	.num_states = ARRAY_SIZE(mgw_rsip_states),
	.timer_cb = rsip_timer_cb,
	.event_names = mgw_rsip_event_names,
	.log_subsys = DMGW,
};

int mgw_rsip_start(struct mgw *mgw)
{
	struct sockaddr_in ca;
	struct mgw_rsip *r;

	if (!osmo_fsm_find_by_name(mgw_rsip_fsm.name) && osmo_fsm_register(&mgw_rsip_fsm) < 0)
		return -EIO;
	mgw->rsip_fi = osmo_fsm_inst_alloc(&mgw_rsip_fsm, mgw, NULL, LOGL_INFO, "mgw");
	if (!mgw->rsip_fi)
		return -ENOMEM;
	r = talloc_zero(mgw->rsip_fi, struct mgw_rsip);
	if (!r)
		return -ENOMEM;
	r->mgw = mgw;
	mgw->rsip_fi->priv = r;
	if (ca_addr(mgw, &ca) < 0) {
		LOGP(DMGW, LOGL_NOTICE, "no call agent configured: no RSIP sent\n");
		return 0;
	}
	return osmo_fsm_inst_dispatch(mgw->rsip_fi, MGW_RSIP_EV_START, NULL);
}

bool mgw_rsip_response(struct mgw *mgw, const struct mgcp_msg *resp)
{
	struct mgw_rsip *r;

	if (!mgw->rsip_fi)
		return false;
	r = mgw->rsip_fi->priv;
	if (mgw->rsip_fi->state == MGW_RSIP_ST_IDLE || resp->trans_id != r->trans_id)
		return false;
	if (resp->code >= 200 && resp->code < 300) {
		osmo_fsm_inst_dispatch(mgw->rsip_fi, MGW_RSIP_EV_ACK, (void *)resp);
	} else if (resp->code >= 400) {
		mgw_ctr_inc(mgw, MGW_CTR_RSIP_REJECTED);
		osmo_fsm_inst_dispatch(mgw->rsip_fi, MGW_RSIP_EV_REJECT, (void *)resp);
	}
	return true;
}

void mgw_rsip_shutdown(struct mgw *mgw)
{
	struct sockaddr_in ca;

	if (ca_addr(mgw, &ca) < 0)
		return;
	rsip_send(mgw, next_trans_id(mgw), MGCP_RM_FORCED);
}

const char *mgw_rsip_state_name(struct mgw *mgw)
{
	return mgw->rsip_fi ? osmo_fsm_inst_state_name(mgw->rsip_fi) : "NONE";
}
