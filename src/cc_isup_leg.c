/* Call control: the ISUP leg of a call (CC_ISUP_LEG FSM), incoming (an IAM
 * seized a circuit) or outgoing (we seized one and sent the IAM).
 *
 * The Q.764 circuit FSM (isup/q764*) runs the circuit procedures: REL/RLC
 * with T1/T5, T7 (awaiting ACM) and T9 (awaiting answer) of outgoing
 * calls, dual seizure.  This leg maps between the circuit and the call:
 * it ends as soon as the circuit leaves the call (REL sent or received),
 * since the RLC handshake belongs to the circuit.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "db/cdr_record.h"
#include "isup/isup_msg.h"
#include "isup/isup_names.h"
#include "isup/isup_params.h"
#include "isup/q764.h"
#include "src/cc.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/* Event information values of a CPG (Q.763 3.21). */
#define CPG_EVENT_ALERTING	1
#define CPG_EVENT_PROGRESS	2
#define CPG_EVENT_INBAND	3

static const struct isup_call_ops cc_isup_ops;

void cc_isup_attach(struct isup_trunk *t)
{
	if (!t->call_ops)
		t->call_ops = &cc_isup_ops;
}

const char *cc_isup_leg_state(const struct cc_isup_leg *leg)
{
	return leg ? osmo_fsm_inst_state_name(leg->fi) : "-";
}

static void cc_isup_bind(struct cc_isup_leg *leg, struct isup_circuit *c)
{
	struct cc_call *call = leg->call;

	leg->circ = c;
	leg->cic = c->cic;
	c->call = leg;
	call->cdr->cic = c->cic;
	call->cdr->opc = leg->trunk->cfg.opc;
	call->cdr->dpc = leg->trunk->cfg.dpc;
	cc_call_update_id(call);
}

/* Seize a circuit of the leg's trunk and send the call's IAM on it. */
static struct isup_circuit *cc_isup_seize(struct cc_call *call, struct isup_trunk *t)
{
	struct isup_circuit *c = isup_trunk_select(t);
	struct isup_number num;
	int rc;

	if (!c)
		return NULL;
	/* the gateway answers the SIP offer before the IAM leaves, so that
	 * a call without a common codec never seizes the far end */
	rc = cc_call_media_circuit(call, t->cfg.name, c->cic, call->sip ? call->sip->trunk : NULL);
	if (rc < 0) {
		call->setup_fail_cause = rc == -EIO ? CC_CAUSE_RESOURCE : CC_CAUSE_BEARER;
		call->setup_fail_status = rc == -EIO ? 0 : 488;
		return NULL;
	}
	rc = isup_circuit_setup(c, call->iam);
	if (rc < 0) {
		/* a failed send leaves the circuit idle: selecting again
		 * would pick it again, so this trunk is done */
		LOGPFSML(call->fi, LOGL_ERROR, "IAM on %s CIC %u failed: %d\n", t->cfg.name, c->cic, rc);
		cc_ctr_inc(CC_CTR_FAIL_IAM);
		return NULL;
	}
	if (isup_msg_get_number(call->iam, ISUP_PAR_CALLED, &num) < 0)
		num.digits[0] = '\0';
	cc_ladder(call, CC_LADDER_OUT, CC_SIDE_ISUP, "IAM cic=%u called=%s", c->cic, num.digits);
	LOGPFSML(call->fi, LOGL_INFO, "IAM sent on trunk %s CIC %u\n", t->cfg.name, c->cic);
	if (!call->setup_timed) {
		call->setup_timed = true;
		cc_delay_record(&g_cc->setup_delay, cc_call_us(call));
	}
	return c;
}

static struct cc_isup_leg *cc_isup_leg_alloc(struct cc_call *call, struct isup_trunk *t, bool outgoing);

struct cc_isup_leg *cc_isup_leg_alloc_out(struct cc_call *call, struct isup_trunk *t)
{
	struct isup_circuit *c;
	struct cc_isup_leg *leg;

	cc_isup_attach(t);
	c = cc_isup_seize(call, t);
	if (!c)
		return NULL;
	leg = cc_isup_leg_alloc(call, t, true);
	if (!leg) {
		isup_circuit_release(c, CC_CAUSE_TEMP_FAILURE);
		return NULL;
	}
	cc_isup_bind(leg, c);
	return leg;
}

/* What CC_LEG_EV_RX_RELEASE carries. */
struct cc_isup_rx_release {
	uint8_t cause;
	/*! the REL's cause indicators, NULL when no REL was received */
	const struct isup_cause *ic;
};

static void cc_isup_report_release(struct cc_isup_leg *leg, uint8_t cause, const struct isup_cause *ic)
{
	struct cc_release rel = { .from = CC_SIDE_ISUP, .cause = cause, .location = ic ? ic->location : -1,
				  .isup_cause = ic };

	leg->released = true;
	osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_RELEASE, &rel);
}

/* Our side ends the call on the circuit (REL); the circuit keeps the RLC. */
static void cc_isup_send_rel(struct cc_isup_leg *leg, uint8_t cause)
{
	struct isup_circuit *c = leg->circ;

	leg->released = true;
	leg->circ = NULL;
	if (!c || c->call != leg)
		return;
	c->call = NULL;
	if (isup_circuit_release(c, cause) < 0) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "circuit not in a call, no REL sent\n");
		return;
	}
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "REL cause=%u", cause);
}

/* SIP progress -> ACM first, CPG after (Q.1912.5 7.x). */
static void cc_isup_progress_out(struct cc_isup_leg *leg, const struct cc_progress *pr)
{
	struct isup_msg *cpg;
	uint8_t ev;
	int rc;

	if (!leg->circ)
		return;
	if (!leg->acm_sent) {
		/* q764 sends the ACM with "subscriber free" backward call
		 * indicators; an in-band indication (183 with SDP) would need
		 * an ACM built here (not offered by isup/q764.h yet) */
		rc = isup_circuit_alert(leg->circ);
		if (rc < 0) {
			LOGPFSML(leg->fi, LOGL_ERROR, "ACM not sent: %d\n", rc);
			return;
		}
		leg->acm_sent = true;
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "ACM");
		osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ALERTING, 0, 0);
		return;
	}
	ev = pr->status == 180 ? CPG_EVENT_ALERTING : pr->sdp ? CPG_EVENT_INBAND : CPG_EVENT_PROGRESS;
	cpg = isup_msg_alloc(leg, leg->trunk->cfg.variant, ISUP_MSG_CPG);
	if (!cpg)
		return;
	cpg->has_cic = true;
	cpg->cic = leg->cic;
	rc = isup_msg_set_param(cpg, ISUP_PAR_EVENT_INFO, &ev, 1);
	if (rc >= 0)
		rc = isup_trunk_send(leg->trunk, cpg);
	talloc_free(cpg);
	if (rc < 0) {
		LOGPFSML(leg->fi, LOGL_ERROR, "CPG not sent: %d\n", rc);
		return;
	}
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "CPG event=%u", ev);
}

static void cc_isup_answer_out(struct cc_isup_leg *leg)
{
	bool con = !leg->acm_sent;

	if (!leg->circ)
		return;
	if (isup_circuit_answer(leg->circ) < 0) {
		LOGPFSML(leg->fi, LOGL_ERROR, "ANM not sent\n");
		return;
	}
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, con ? "CON" : "ANM");
	osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ANSWERED, 0, 0);
}

static void cc_isup_rx(struct cc_isup_leg *leg, uint32_t event, const struct isup_msg *msg)
{
	struct cc_progress pr = { .from = CC_SIDE_ISUP, .msg = msg };

	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_ISUP, "%s", isup_msg_type_name(msg->type));
	if (!leg->outgoing) {
		/* messages of the calling side during the call (SUS, RES,
		 * INR...) are not interworked yet */
		LOGPFSML(leg->fi, LOGL_INFO, "%s from the calling side not passed on\n",
			 isup_msg_type_name(msg->type));
		return;
	}
	if (event == CC_LEG_EV_RX_ANSWER) {
		if (leg->fi->state != CC_LEG_ST_ANSWERED)
			osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ANSWERED, 0, 0);
		osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_ANSWER, &pr);
		return;
	}
	if (msg->type == ISUP_MSG_ACM && leg->fi->state == CC_LEG_ST_PROCEEDING)
		osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ALERTING, 0, 0);
	if (msg->type == ISUP_MSG_ACM || msg->type == ISUP_MSG_CPG)
		osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_PROGRESS, &pr);
}

static void cc_isup_retry(struct cc_isup_leg *leg)
{
	struct isup_circuit *c;

	leg->circ = NULL;
	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_ISUP, "IAM (dual seizure lost)");
	c = cc_isup_seize(leg->call, leg->trunk);
	if (c) {
		cc_isup_bind(leg, c);
		return;
	}
	cc_isup_report_release(leg, CC_CAUSE_NO_CIRCUIT, NULL);
	osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

/* SUS/RES from the SIP side (INFO): suspend or resume the call. */
static void cc_isup_midcall_out(struct cc_isup_leg *leg, const struct cc_midcall *mc)
{
	struct isup_susres ind = {};
	const struct isup_param *par = isup_msg_find_param(mc->msg, ISUP_PAR_SUSP_RES_IND);
	bool res = mc->msg->type == ISUP_MSG_RES;
	int rc;

	if (!leg->circ || (mc->msg->type != ISUP_MSG_SUS && !res))
		return;
	if (par)
		isup_susres_decode(&ind, par->data, par->len);
	rc = res ? isup_circuit_resume(leg->circ, ind.network_initiated) :
		   isup_circuit_suspend(leg->circ, ind.network_initiated);
	if (rc < 0) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "%s not sent: %d\n", res ? "RES" : "SUS", rc);
		return;
	}
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "%s%s", res ? "RES" : "SUS",
		  ind.network_initiated ? " network" : "");
}

static void cc_isup_leg_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cc_isup_leg *leg = fi->priv;
	const struct cc_release *rel;

	switch (event) {
	case CC_LEG_EV_PROGRESS_REQ:
		if (!leg->outgoing)
			cc_isup_progress_out(leg, data);
		break;
	case CC_LEG_EV_ANSWER_REQ:
		if (!leg->outgoing)
			cc_isup_answer_out(leg);
		break;
	case CC_LEG_EV_RELEASE_REQ:
		rel = data;
		cc_isup_send_rel(leg, rel->cause);
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		break;
	case CC_LEG_EV_RX_PROGRESS:
	case CC_LEG_EV_RX_ANSWER:
		cc_isup_rx(leg, event, data);
		break;
	case CC_LEG_EV_RX_RELEASE: {
		const struct cc_isup_rx_release *rr = data;

		leg->circ = NULL;
		cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_ISUP, "release cause=%u", rr->cause);
		cc_isup_report_release(leg, rr->cause, rr->ic);
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		break;
	}
	case CC_LEG_EV_RX_RETRY:
		cc_isup_retry(leg);
		break;
	case CC_LEG_EV_MIDCALL_REQ:
		cc_isup_midcall_out(leg, data);
		break;
	}
}

static void cc_isup_leg_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause why)
{
	struct cc_isup_leg *leg = fi->priv;
	struct cc_call *call = leg->call;

	/* freed with the circuit still in the call (shutdown, guard timer) */
	if (leg->circ)
		cc_isup_send_rel(leg, CC_CAUSE_TEMP_FAILURE);
	if (!leg->released && why != OSMO_FSM_TERM_PARENT)
		cc_isup_report_release(leg, CC_CAUSE_TEMP_FAILURE, NULL);
	if (call->isup == leg)
		call->isup = NULL;
}

#define LEG_EVENTS (S(CC_LEG_EV_PROGRESS_REQ) | S(CC_LEG_EV_ANSWER_REQ) | S(CC_LEG_EV_RELEASE_REQ) | \
		    S(CC_LEG_EV_RX_PROGRESS) | S(CC_LEG_EV_RX_ANSWER) | S(CC_LEG_EV_RX_RELEASE) | \
		    S(CC_LEG_EV_RX_RETRY) | S(CC_LEG_EV_MIDCALL_REQ))

static const struct osmo_fsm_state cc_isup_leg_states[] = {
	[CC_LEG_ST_PROCEEDING] = {
		.name = "PROCEEDING",
		.in_event_mask = LEG_EVENTS,
		.out_state_mask = S(CC_LEG_ST_ALERTING) | S(CC_LEG_ST_ANSWERED),
		.action = cc_isup_leg_action,
	},
	[CC_LEG_ST_ALERTING] = {
		.name = "ALERTING",
		.in_event_mask = LEG_EVENTS,
		.out_state_mask = S(CC_LEG_ST_ANSWERED),
		.action = cc_isup_leg_action,
	},
	[CC_LEG_ST_ANSWERED] = {
		.name = "ANSWERED",
		.in_event_mask = LEG_EVENTS,
		.out_state_mask = 0,
		.action = cc_isup_leg_action,
	},
};

static struct osmo_fsm cc_isup_leg_fsm = {
	.name = "CC_ISUP_LEG",
	.states = cc_isup_leg_states,
	.num_states = ARRAY_SIZE(cc_isup_leg_states),
	.log_subsys = DCC,
	.event_names = cc_leg_event_names,
	.cleanup = cc_isup_leg_cleanup,
};

static struct cc_isup_leg *cc_isup_leg_alloc(struct cc_call *call, struct isup_trunk *t, bool outgoing)
{
	struct osmo_fsm_inst *fi = cc_leg_fsm_alloc(call, &cc_isup_leg_fsm, CC_EV_ISUP_LEG_GONE,
						    sizeof(struct cc_isup_leg));
	struct cc_isup_leg *leg;

	if (!fi)
		return NULL;
	leg = fi->priv;
	leg->fi = fi;
	leg->call = call;
	leg->outgoing = outgoing;
	leg->trunk = t;
	call->isup = leg;
	return leg;
}

/* Q.764 circuit -> call control */

/* A copy of the received IAM, kept by the call (the circuit frees its
 * own after setup_ind). */
static struct isup_msg *cc_iam_copy(void *ctx, const struct isup_msg *msg)
{
	uint8_t buf[ISUP_MAX_MSG_LEN];
	struct isup_msg *copy = NULL;
	int len = isup_encode(msg, buf, sizeof(buf));

	if (len < 0 || isup_decode(ctx, msg->variant, buf, len, &copy, NULL) < 0)
		return NULL;
	return copy;
}

static void cc_isup_setup_ind(struct isup_circuit *c, const struct isup_msg *msg)
{
	struct isup_number called = {}, calling = {};
	struct cc_isup_leg *leg;
	struct cc_call *call;

	cc_ctr_inc(CC_CTR_CALL_IN);
	cc_ctr_inc(CC_CTR_CALL_IN_ISUP);
	call = cc_call_alloc(CC_DIR_ISUP_TO_SIP);
	if (!call) {
		isup_circuit_release(c, CC_CAUSE_CONGESTION);
		return;
	}
	leg = cc_isup_leg_alloc(call, c->trunk, false);
	if (!leg) {
		isup_circuit_release(c, CC_CAUSE_TEMP_FAILURE);
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_ERROR, NULL);
		return;
	}
	cc_isup_bind(leg, c);
	isup_msg_get_number(msg, ISUP_PAR_CALLED, &called);
	isup_msg_get_number(msg, ISUP_PAR_CALLING, &calling);
	cc_ladder(call, CC_LADDER_IN, CC_SIDE_ISUP, "IAM cic=%u called=%s", c->cic, called.digits);
	osmo_strlcpy(call->in_trunk, c->trunk->cfg.name, sizeof(call->in_trunk));
	cdr_record_set(call->cdr, ingress_trunk, c->trunk->cfg.name);
	cdr_record_set(call->cdr, called_in, called.digits);
	cdr_record_set(call->cdr, calling_in, calling.digits);
	cdr_record_set(call->cdr, calling_out, calling.digits);
	call->iam = cc_iam_copy(call, msg);
	if (!call->iam) {
		cc_call_fail(call, CC_CAUSE_TEMP_FAILURE, CC_CTR_FAIL_IAM);
		return;
	}
	if (!cc_call_lookup(call, called.digits, calling.digits[0] ? calling.digits : NULL, c->trunk->cfg.name))
		return;
	cc_call_proceed(call);
}

static void cc_isup_progress_ind(struct isup_circuit *c, const struct isup_msg *msg)
{
	struct cc_isup_leg *leg = c->call;
	bool answer = msg->type == ISUP_MSG_ANM || msg->type == ISUP_MSG_CON;

	osmo_fsm_inst_dispatch(leg->fi, answer ? CC_LEG_EV_RX_ANSWER : CC_LEG_EV_RX_PROGRESS, (void *)msg);
}

static void cc_isup_release_ind(struct isup_circuit *c, uint8_t cause)
{
	struct cc_isup_leg *leg = c->call;
	struct cc_isup_rx_release rr = { .cause = cause };

	if (!leg)
		return;
	/* a REL carries location and diagnostic; a timer or reset does not */
	if (c->rx_cause_valid && c->rx_cause.value == cause)
		rr.ic = &c->rx_cause;
	c->call = NULL;
	leg->circ = NULL;
	osmo_fsm_inst_dispatch(leg->fi, CC_LEG_EV_RX_RELEASE, &rr);
}

static void cc_isup_retry_ind(struct isup_circuit *c)
{
	struct cc_isup_leg *leg = c->call;

	c->call = NULL;
	osmo_fsm_inst_dispatch(leg->fi, CC_LEG_EV_RX_RETRY, NULL);
}

/* SUS/RES of an answered call: passed to the other leg. */
static void cc_isup_susres_ind(struct isup_circuit *c, bool network, uint8_t type)
{
	struct cc_isup_leg *leg = c->call;
	struct isup_susres ind = { .network_initiated = network };
	struct cc_midcall mc = { .from = CC_SIDE_ISUP };
	struct isup_msg *msg;
	uint8_t oct;

	if (!leg)
		return;
	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_ISUP, "%s%s", isup_msg_type_name(type),
		  network ? " network" : "");
	msg = isup_msg_alloc(leg, leg->trunk->cfg.variant, type);
	if (!msg)
		return;
	if (isup_susres_encode(&oct, 1, &ind) == 1 && isup_msg_set_param(msg, ISUP_PAR_SUSP_RES_IND, &oct, 1) >= 0) {
		mc.msg = msg;
		osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_MIDCALL, &mc);
	}
	talloc_free(msg);
}

static void cc_isup_suspend_ind(struct isup_circuit *c, bool network)
{
	cc_isup_susres_ind(c, network, ISUP_MSG_SUS);
}

static void cc_isup_resume_ind(struct isup_circuit *c, bool network)
{
	cc_isup_susres_ind(c, network, ISUP_MSG_RES);
}

static const struct isup_call_ops cc_isup_ops = {
	.setup_ind = cc_isup_setup_ind,
	.progress_ind = cc_isup_progress_ind,
	.release_ind = cc_isup_release_ind,
	.retry_ind = cc_isup_retry_ind,
	.suspend_ind = cc_isup_suspend_ind,
	.resume_ind = cc_isup_resume_ind,
};

int cc_isup_leg_init(void)
{
	return osmo_fsm_register(&cc_isup_leg_fsm);
}
