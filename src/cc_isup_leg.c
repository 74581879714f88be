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
#include "isup/sipi_call.h"
#include "src/cc.h"
#include "src/cc_overlap.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

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

/* The ISUP message of a SIP response whose parameters ours takes: the one
 * encapsulated in it (SIP-I/SIP-T) when it is of type t1 or t2 and of the
 * trunk's variant; Q.1912.5 passes it on transparently [mem]. */
static const struct isup_msg *cc_isup_encapsulated(const struct cc_isup_leg *leg, const struct cc_progress *pr,
						   uint8_t t1, uint8_t t2)
{
	const struct isup_msg *m = pr->msg;

	if (m && m->variant == leg->trunk->cfg.variant && (m->type == t1 || m->type == t2))
		return m;
	return NULL;
}

/* The ACM's parameters for a 18x without an encapsulated ACM: backward
 * call indicators from the status (180 subscriber free, 183 no
 * indication), in-band information when it carries SDP. */
static struct isup_msg *cc_isup_acm_params(struct cc_isup_leg *leg, const struct cc_progress *pr)
{
	struct isup_msg *m = isup_msg_alloc(leg, leg->trunk->cfg.variant, ISUP_MSG_ACM);
	struct isup_bci bci;
	struct isup_obci obci;
	bool has_obci;
	uint8_t buf[2];
	int len, rc = -ENOMEM;

	if (!m)
		return NULL;
	sipi_backward_from_progress(pr->status, pr->sdp != NULL, &bci, &obci, &has_obci);
	len = isup_bci_encode(buf, sizeof(buf), &bci);
	if (len > 0)
		rc = isup_msg_set_param(m, ISUP_PAR_BCI, buf, len);
	if (rc >= 0 && has_obci) {
		len = isup_obci_encode(buf, sizeof(buf), &obci);
		rc = len > 0 ? isup_msg_set_param(m, ISUP_PAR_OBCI, buf, len) : -EINVAL;
	}
	if (rc < 0)
		TALLOC_FREE(m);
	return m;
}

/* Send a message that call control built (or copied) on the leg's circuit. */
static int cc_isup_send(struct cc_isup_leg *leg, const struct isup_msg *params)
{
	struct isup_msg *msg = cc_isup_msg_copy(leg, params);
	int rc;

	if (!msg)
		return -ENOMEM;
	msg->has_cic = true;
	msg->cic = leg->cic;
	rc = isup_trunk_send(leg->trunk, msg);
	talloc_free(msg);
	return rc;
}

static bool cc_isup_inband(const struct isup_msg *msg)
{
	struct isup_obci obci;

	return isup_msg_find_param(msg, ISUP_PAR_OBCI) &&
	       isup_msg_get_bf(msg, ISUP_PAR_OBCI, &obci, sizeof(obci)) == 0 && obci.inband_info;
}

/* SIP progress -> ACM first, CPG after (Q.1912.5 7.x). */
static void cc_isup_progress_out(struct cc_isup_leg *leg, const struct cc_progress *pr)
{
	const struct isup_msg *params;
	struct isup_msg *built = NULL, *cpg;
	uint8_t ev;
	int rc;

	if (!leg->circ)
		return;
	if (!leg->acm_sent) {
		params = cc_isup_encapsulated(leg, pr, ISUP_MSG_ACM, ISUP_MSG_ACM);
		if (!params)
			params = built = cc_isup_acm_params(leg, pr);
		rc = params ? isup_circuit_alert_msg(leg->circ, params) : -ENOMEM;
		if (rc < 0) {
			LOGPFSML(leg->fi, LOGL_ERROR, "ACM not sent: %d\n", rc);
			talloc_free(built);
			return;
		}
		leg->acm_sent = true;
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "ACM%s%s", built ? "" : " (from SIP-I)",
			  cc_isup_inband(params) ? " in-band" : "");
		talloc_free(built);
		osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ALERTING, 0, 0);
		return;
	}
	params = cc_isup_encapsulated(leg, pr, ISUP_MSG_CPG, ISUP_MSG_CPG);
	if (params) {
		rc = cc_isup_send(leg, params);
		if (rc < 0)
			LOGPFSML(leg->fi, LOGL_ERROR, "CPG not sent: %d\n", rc);
		else
			cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "CPG (from SIP-I)");
		return;
	}
	ev = pr->status == 180 ? ISUP_EV_ALERTING : pr->sdp ? ISUP_EV_INBAND : ISUP_EV_PROGRESS;
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

/* SIP answer -> ANM, or CON when no ACM went out; the parameters of the
 * encapsulated ANM/CON on SIP-I/SIP-T. */
static void cc_isup_answer_out(struct cc_isup_leg *leg, const struct cc_progress *pr)
{
	const struct isup_msg *params = cc_isup_encapsulated(leg, pr, ISUP_MSG_ANM, ISUP_MSG_CON);
	bool con = !leg->acm_sent;

	if (!leg->circ)
		return;
	if (isup_circuit_answer_msg(leg->circ, params) < 0) {
		LOGPFSML(leg->fi, LOGL_ERROR, "ANM not sent\n");
		return;
	}
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "%s%s", con ? "CON" : "ANM", params ? " (from SIP-I)" : "");
	osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ANSWERED, 0, 0);
}

/* An ISUP message of the answered call (either side): in INFO to a
 * SIP-I/SIP-T peer when Q.1912.5 carries it there. */
static void cc_isup_midcall_in(struct cc_isup_leg *leg, const struct isup_msg *msg)
{
	struct cc_midcall mc = { .from = CC_SIDE_ISUP, .msg = msg };

	if (!sipi_info_carries(msg->type)) {
		LOGPFSML(leg->fi, LOGL_INFO, "mid-call %s not passed on\n", isup_msg_type_name(msg->type));
		cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
		return;
	}
	osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_MIDCALL, &mc);
}

static void cc_isup_rx(struct cc_isup_leg *leg, uint32_t event, const struct isup_msg *msg)
{
	struct cc_progress pr = { .from = CC_SIDE_ISUP, .msg = msg };

	if (!leg->outgoing && msg->type == ISUP_MSG_SAM) {
		/* more digits of the called number (src/cc_overlap.c) */
		cc_overlap_rx_sam(leg->call, msg);
		return;
	}
	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_ISUP, "%s", isup_msg_type_name(msg->type));
	if (event == CC_LEG_EV_RX_PROGRESS && leg->fi->state == CC_LEG_ST_ANSWERED) {
		cc_isup_midcall_in(leg, msg);
		return;
	}
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

/* Another mid-call message from the SIP side (INFO, e.g. CPG): sent on
 * the circuit as it came. */
static void cc_isup_midcall_pass(struct cc_isup_leg *leg, const struct isup_msg *msg)
{
	int rc = -EPROTO;

	if (msg->variant == leg->trunk->cfg.variant && sipi_info_carries(msg->type))
		rc = cc_isup_send(leg, msg);
	if (rc < 0) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "mid-call %s not sent: %d\n", isup_msg_type_name(msg->type), rc);
		cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
		return;
	}
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "%s", isup_msg_type_name(msg->type));
}

/* Mid-call ISUP from the SIP side (INFO): SUS/RES suspend or resume the
 * call (Q.764 runs T2/T6), others pass as they came. */
static void cc_isup_midcall_out(struct cc_isup_leg *leg, const struct cc_midcall *mc)
{
	struct isup_susres ind = {};
	const struct isup_param *par = isup_msg_find_param(mc->msg, ISUP_PAR_SUSP_RES_IND);
	bool res = mc->msg->type == ISUP_MSG_RES;
	int rc;

	if (!leg->circ)
		return;
	if (mc->msg->type != ISUP_MSG_SUS && !res) {
		cc_isup_midcall_pass(leg, mc->msg);
		return;
	}
	if (par)
		isup_susres_decode(&ind, par->data, par->len);
	rc = res ? isup_circuit_resume(leg->circ, ind.network_initiated) :
		   isup_circuit_suspend(leg->circ, ind.network_initiated);
	if (rc < 0) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "%s not sent: %d\n", res ? "RES" : "SUS", rc);
		cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
		return;
	}
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_ISUP, "%s%s", res ? "RES" : "SUS",
		  ind.network_initiated ? " network" : "");
}

void cc_call_hold_notify(struct cc_call *call, bool held)
{
	struct cc_isup_leg *leg = call->isup;
	struct isup_msg *cpg;
	int rc = -ENOMEM;

	if (held == call->held)
		return;
	call->held = held;
	if (!leg || !leg->circ || call->fi->state != CC_ST_ANSWERED)
		return;
	cpg = isup_msg_alloc(leg, leg->trunk->cfg.variant, ISUP_MSG_CPG);
	if (cpg && sipi_hold_cpg(cpg, held) == 0) {
		cpg->has_cic = true;
		cpg->cic = leg->cic;
		rc = isup_trunk_send(leg->trunk, cpg);
	}
	talloc_free(cpg);
	if (rc < 0) {
		LOGPFSML(leg->fi, LOGL_ERROR, "CPG (%s) not sent: %d\n", held ? "hold" : "retrieval", rc);
		cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
		return;
	}
	cc_ladder(call, CC_LADDER_OUT, CC_SIDE_ISUP, "CPG remote %s", held ? "hold" : "retrieval");
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
			cc_isup_answer_out(leg, data);
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

/* Also the call's copy of a received IAM (the circuit frees its own
 * after setup_ind).  Compact: the IAM copy lives as long as the call, and
 * a decoder's pool, sized for the worst case, is 4.6 kB for an IAM. */
struct isup_msg *cc_isup_msg_copy(void *ctx, const struct isup_msg *msg)
{
	uint8_t buf[ISUP_MAX_MSG_LEN];
	struct isup_msg *copy = NULL;
	int len = isup_encode(msg, buf, sizeof(buf));

	if (len < 0 ||
	    isup_decode_ex(ctx, msg->variant, ISUP_DEC_COMPACT, buf, len, &copy, NULL) < 0)
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
	call->iam = cc_isup_msg_copy(call, msg);
	if (!call->iam) {
		cc_call_fail(call, CC_CAUSE_TEMP_FAILURE, CC_CTR_FAIL_IAM);
		return;
	}
	/* an incomplete number waits for SAMs first (src/cc_overlap.c) */
	if (cc_overlap_iam(call, called.digits, calling.digits[0] ? calling.digits : NULL))
		return;
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
