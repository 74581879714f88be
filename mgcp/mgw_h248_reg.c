/* tandem-mgw's registration with its H.248 controller (H.248.1 11.3).
 *
 * On start the gateway sends ServiceChange on ROOT, Method Restart, Reason
 * "901 Cold Boot"; the transaction layer retransmits it until the
 * controller answers or gives up.  Unanswered, the gateway is disconnected
 * and tries again every T10 with Method Disconnected, Reason "900 Service
 * Restored".  On shutdown it sends one ServiceChange Forced, Reason "905
 * Termination taken out of service", for ROOT: every termination goes.
 *
 * The controller may send the gateway elsewhere (mgw_h248_handoff.c): a
 * reply with MgcIdToTry, or a ServiceChange Handoff of its own.  The
 * gateway then waits for its reply to leave (state HANDOFF, 1 ms) and
 * registers with the new controller, which from then on is the only one
 * it listens to.  When that one stays silent, the retry after T10 goes to
 * the configured controller again.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <osmocom/core/fsm.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

enum mgw_h248_event {
	MGW_H248_EV_START,
	MGW_H248_EV_ACK,	/*!< the ServiceChange was answered without Error */
	MGW_H248_EV_REJECT,	/*!< answered with an Error */
	MGW_H248_EV_TIMEOUT,	/*!< the transaction layer gave up */
	MGW_H248_EV_REDIRECT,	/*!< register with h->next_ip/next_port instead */
};

static const struct value_string mgw_h248_event_names[] = {
	{ MGW_H248_EV_START, "START" },
	{ MGW_H248_EV_ACK, "ACK" },
	{ MGW_H248_EV_REJECT, "REJECT" },
	{ MGW_H248_EV_TIMEOUT, "TIMEOUT" },
	{ MGW_H248_EV_REDIRECT, "REDIRECT" },
	{ 0, NULL }
};

static void sc_reply_cb(void *data, uint32_t id, int rc, const struct h248_trans *reply)
{
	struct mgw_h248 *h = data;
	const struct h248_error *e;

	if (!h->fi)
		return;
	if (rc < 0) {
		mgw_h248_ctr_inc(h, MGW_H248_CTR_SC_TIMEOUT);
		osmo_fsm_inst_dispatch(h->fi, MGW_H248_EV_TIMEOUT, NULL);
		return;
	}
	e = h248_trans_first_error(reply);
	if (e) {
		mgw_h248_ctr_inc(h, MGW_H248_CTR_SC_REJECTED);
		snprintf(h->reason, sizeof(h->reason), "%u %s", e->code, e->text ? e->text : "");
		osmo_fsm_inst_dispatch(h->fi, MGW_H248_EV_REJECT, NULL);
		return;
	}
	snprintf(h->reason, sizeof(h->reason), "transaction %u answered", id);
	if (mgw_h248_sc_reply_seen(h, reply)) {
		/* the same ServiceChange again, to the controller named */
		h->next_method = h->sc_method;
		h->next_reason = h->sc_reason;
		osmo_fsm_inst_dispatch(h->fi, MGW_H248_EV_REDIRECT, NULL);
		return;
	}
	osmo_fsm_inst_dispatch(h->fi, MGW_H248_EV_ACK, NULL);
}

/* ServiceChange on ROOT; with @cb NULL nobody waits for the answer. */
static int sc_send(struct mgw_h248 *h, enum h248_sc_method method, const char *reason, h248_tl_reply_cb cb)
{
	struct h248_msg *msg = h248_msg_alloc(h, h->cfg.version, h->tl->mid);
	struct h248_trans *t = msg ? h248_trans_add(msg, H248_TRANS_REQUEST, 0) : NULL;
	struct h248_action *a = t ? h248_action_add(t, H248_CTX_NULL, 0) : NULL;
	struct h248_cmd *c = a ? h248_cmd_add(a, H248_CMD_SERVICE_CHANGE, "ROOT") : NULL;
	int64_t rc = -ENOMEM;

	if (cb) {
		h->sc_method = method;
		h->sc_reason = reason;
	}
	if (c) {
		char ts[H248_TIMESTAMP_LEN + 1];

		/* 11.3: the registration names the version we speak; 7.2.8: "The
		 * TimeStamp parameter shall be sent with a registration command" */
		h248_timestamp_now(ts, sizeof(ts));
		c->sc.present = true;
		c->sc.method = method;
		c->sc.version = h->cfg.version;
		if (h248_str_set(c, &c->sc.reason, reason) == 0 && h248_str_set(c, &c->sc.timestamp, ts) == 0) {
			rc = h248_tl_request(h->tl, msg, cb, h);
			if (rc > 0)
				mgw_h248_ctr_inc(h, MGW_H248_CTR_SC_TX);
		}
	}
	LOGP(DMGW, rc > 0 ? LOGL_NOTICE : LOGL_ERROR, "H.248 ServiceChange %s \"%s\" to %s:%u: %s\n",
	     get_value_string(h248_sc_method_names, method), reason, h->cfg.ctrl_ip, h->cfg.ctrl_port,
	     rc > 0 ? "sent" : "cannot send");
	talloc_free(msg);
	return rc > 0 ? 0 : (int)rc;
}

static void st_idle(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct mgw_h248 *h = fi->priv;

	osmo_fsm_inst_state_chg(fi, MGW_H248_ST_REGISTERING, 0, 0);
	sc_send(h, H248_SC_RESTART, "901 Cold Boot", sc_reply_cb);
}

static void st_registering(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct mgw_h248 *h = fi->priv;

	switch (event) {
	case MGW_H248_EV_ACK:
		LOGPFSML(fi, LOGL_NOTICE, "controller accepted the ServiceChange: %s\n", h->reason);
		h->redirects = 0;
		osmo_fsm_inst_state_chg(fi, MGW_H248_ST_IN_SERVICE, 0, 0);
		break;
	case MGW_H248_EV_REDIRECT:
		/* controllers that keep sending us round: as if refused */
		if (++h->redirects > MGW_H248_REDIRECTS_MAX) {
			LOGPFSML(fi, LOGL_ERROR, "sent on to another controller %u times: giving up\n",
				 h->redirects - 1);
			mgw_h248_ctr_inc(h, MGW_H248_CTR_SC_REJECTED);
			h->redirects = 0;
			osmo_fsm_inst_state_chg(fi, MGW_H248_ST_DISCONNECTED,
						osmo_tdef_get(h->tdefs, MGW_H248_T_RETRY, OSMO_TDEF_S, 15),
						MGW_H248_T_RETRY);
			break;
		}
		osmo_fsm_inst_state_chg_ms(fi, MGW_H248_ST_HANDOFF, 1, 0);
		break;
	case MGW_H248_EV_REJECT:
		/* a live controller that refuses us: try again later, as when silent */
		LOGPFSML(fi, LOGL_ERROR, "controller refused the ServiceChange: %s\n", h->reason);
		/* fall through */
	case MGW_H248_EV_TIMEOUT:
		osmo_fsm_inst_state_chg(fi, MGW_H248_ST_DISCONNECTED,
					osmo_tdef_get(h->tdefs, MGW_H248_T_RETRY, OSMO_TDEF_S, 15), MGW_H248_T_RETRY);
		break;
	}
}

static void st_in_service(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	/* the controller's Handoff: its reply goes out first */
	osmo_fsm_inst_state_chg_ms(fi, MGW_H248_ST_HANDOFF, 1, 0);
}

static int reg_timer_cb(struct osmo_fsm_inst *fi)
{
	struct mgw_h248 *h = fi->priv;

	if (fi->state == MGW_H248_ST_HANDOFF) {
		mgw_h248_ctrl_move(h, h->next_ip, h->next_port);
		mgw_h248_ctr_inc(h, MGW_H248_CTR_HANDOFF);
		LOGPFSML(fi, LOGL_NOTICE, "registering with controller %s:%u\n", h->peer_ip, h->peer_port);
		osmo_fsm_inst_state_chg(fi, MGW_H248_ST_REGISTERING, 0, 0);
		sc_send(h, h->next_method, h->next_reason, sc_reply_cb);
		return 0;
	}
	/* a controller we were sent to that went silent: back to ours */
	mgw_h248_ctrl_reset(h);
	osmo_fsm_inst_state_chg(fi, MGW_H248_ST_REGISTERING, 0, 0);
	sc_send(h, H248_SC_DISCONNECTED, "900 Service Restored", sc_reply_cb);
	return 0;
}

static const struct osmo_fsm_state mgw_h248_states[] = {
	[MGW_H248_ST_IDLE] = {
		.name = "IDLE",
		.in_event_mask = S(MGW_H248_EV_START),
		.out_state_mask = S(MGW_H248_ST_REGISTERING),
		.action = st_idle,
	},
	[MGW_H248_ST_REGISTERING] = {
		.name = "REGISTERING",
		.in_event_mask = S(MGW_H248_EV_ACK) | S(MGW_H248_EV_REJECT) | S(MGW_H248_EV_TIMEOUT) |
				 S(MGW_H248_EV_REDIRECT),
		.out_state_mask = S(MGW_H248_ST_IN_SERVICE) | S(MGW_H248_ST_DISCONNECTED) | S(MGW_H248_ST_HANDOFF),
		.action = st_registering,
	},
	[MGW_H248_ST_IN_SERVICE] = {
		.name = "IN_SERVICE",
		.in_event_mask = S(MGW_H248_EV_REDIRECT),
		.out_state_mask = S(MGW_H248_ST_HANDOFF),
		.action = st_in_service,
	},
	[MGW_H248_ST_HANDOFF] = {
		.name = "HANDOFF",
		.out_state_mask = S(MGW_H248_ST_REGISTERING),
	},
	[MGW_H248_ST_DISCONNECTED] = {
		.name = "DISCONNECTED",
		.out_state_mask = S(MGW_H248_ST_REGISTERING),
	},
};

static struct osmo_fsm mgw_h248_fsm = {
	.name = "mgw_h248",
	.states = mgw_h248_states,
	.num_states = ARRAY_SIZE(mgw_h248_states),
	.timer_cb = reg_timer_cb,
	.event_names = mgw_h248_event_names,
	.log_subsys = DMGW,
};

int mgw_h248_reg_start(struct mgw_h248 *h)
{
	if (!osmo_fsm_find_by_name(mgw_h248_fsm.name) && osmo_fsm_register(&mgw_h248_fsm) < 0)
		return -EIO;
	h->fi = osmo_fsm_inst_alloc(&mgw_h248_fsm, h, h, LOGL_INFO, "h248");
	if (!h->fi)
		return -ENOMEM;
	return osmo_fsm_inst_dispatch(h->fi, MGW_H248_EV_START, NULL);
}

void mgw_h248_reg_redirect(struct mgw_h248 *h)
{
	if (h->fi)
		osmo_fsm_inst_dispatch(h->fi, MGW_H248_EV_REDIRECT, NULL);
}

void mgw_h248_reg_shutdown(struct mgw_h248 *h)
{
	sc_send(h, H248_SC_FORCED, "905 Termination taken out of service", NULL);
}
