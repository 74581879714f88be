/* Call control: the call FSM and the SIP -> ISUP basic call.
 *
 * One osmo_fsm instance per call is the talloc root of the call: the
 * struct cc_call, its CDR, its IAM and its SDP copy are children, so
 * terminating the FSM frees everything.  The SIP leg is a nua handle whose
 * hmagic is the call; the ISUP leg is a Q.764 circuit whose ->call is the
 * call.  Each leg reports its end (sip_gone, isup_gone); the call ends
 * when both are gone, or when the release guard timer X1 expires.
 *
 * No media gateway yet: the 183/200 answer carries the INVITE's own SDP as
 * a placeholder so that SIP UAs complete the offer/answer.  This is NOT a
 * real media answer (doc/callcontrol.md).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_alloc.h>
#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include "db/cdr_record.h"
#include "db/cdr_sip.h"
#include "db/cdr_writer.h"
#include "isup/isup_params.h"
#include "isup/q764.h"
#include "isup/sipi_call.h"
#include "isup/sipi_cause.h"
#include "isup/sipi_reason.h"
#include "src/cc.h"
#include "src/ss7.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/* Cause values call control itself uses (Q.850). */
#define CAUSE_NO_ROUTE		3
#define CAUSE_NORMAL		16
#define CAUSE_NO_CIRCUIT	34
#define CAUSE_TEMP_FAILURE	41
#define CAUSE_CONGESTION	42
#define CAUSE_INTERWORKING	127

/*! Call control timers (X = not from a standard). */
enum cc_timer {
	CC_X1 = -1,	/*!< release guard: both legs must be gone by then */
};

struct osmo_tdef cc_tdefs[] = {
	{ .T = CC_X1, .default_val = 32, .unit = OSMO_TDEF_S,
	  .desc = "Release guard: a call whose legs are not both gone is freed" },
	{}
};

struct cc_state *g_cc;

const struct value_string cc_call_state_names[] = {
	{ CC_ST_PROCEEDING, "PROCEEDING" },
	{ CC_ST_ALERTING, "ALERTING" },
	{ CC_ST_ANSWERED, "ANSWERED" },
	{ CC_ST_RELEASING, "RELEASING" },
	{ 0, NULL }
};

const struct value_string cc_call_event_names[] = {
	{ CC_EV_ISUP_PROGRESS, "ISUP_PROGRESS" },
	{ CC_EV_ISUP_RELEASE, "ISUP_RELEASE" },
	{ CC_EV_ISUP_RETRY, "ISUP_RETRY" },
	{ CC_EV_SIP_CANCEL, "SIP_CANCEL" },
	{ CC_EV_SIP_BYE, "SIP_BYE" },
	{ CC_EV_SIP_GONE, "SIP_GONE" },
	{ CC_EV_CLEAR, "CLEAR" },
	{ 0, NULL }
};

const struct value_string cc_sip_profile_names[] = {
	{ CC_PROFILE_SIP, "sip" },
	{ CC_PROFILE_SIPI, "sip-i" },
	{ CC_PROFILE_SIPT, "sip-t" },
	{ 0, NULL }
};

static const struct rate_ctr_desc cc_ctr_desc[] = {
	[CC_CTR_CALL_IN] = { "call:in", "Calls offered to call control" },
	[CC_CTR_CALL_ANSWERED] = { "call:answered", "Calls answered" },
	[CC_CTR_FAIL_NO_ROUTE] = { "fail:no-route", "Calls failed: no route" },
	[CC_CTR_FAIL_NO_CIRCUIT] = { "fail:no-circuit", "Calls failed: no circuit available" },
	[CC_CTR_FAIL_IAM] = { "fail:iam", "Calls failed: IAM could not be built or sent" },
	[CC_CTR_FAIL_OVERLOAD] = { "fail:overload", "Calls refused: too many calls" },
	[CC_CTR_FAIL_REJECTED] = { "fail:rejected", "Calls released by the far end before answer" },
	[CC_CTR_FAIL_CANCELLED] = { "fail:cancelled", "Calls cancelled by the caller" },
	[CC_CTR_FAIL_TIMEOUT] = { "fail:timeout", "Calls freed by the release guard timer" },
	[CC_CTR_CLEARED] = { "cleared", "Calls cleared by the operator" },
};

static const struct rate_ctr_group_desc cc_ctrg_desc = {
	.group_name_prefix = "cc",
	.group_description = "Call control",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(cc_ctr_desc),
	.ctr_desc = cc_ctr_desc,
};

void cc_ctr_inc(enum cc_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(g_cc->ctrs, c));
}

void cc_route_ctr_inc(const struct cc_route *r, enum cc_route_ctr c)
{
	if (r && r->ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(r->ctrs, c));
}

void cc_sipi_profile(struct sipi_profile *p, int variant)
{
	static const enum sipi_mode modes[] = {
		[CC_PROFILE_SIP] = SIPI_MODE_SIP,
		[CC_PROFILE_SIPI] = SIPI_MODE_SIPI,
		[CC_PROFILE_SIPT] = SIPI_MODE_SIPT,
	};

	sipi_profile_init(p, modes[g_cc->profile]);
	p->variant = variant;
}

static enum sipi_cause_map cc_cause_map(void)
{
	struct sipi_profile p;

	cc_sipi_profile(&p, ISUP_VARIANT_ITU);
	return p.cause_map;
}

struct cc_call *cc_call_find(uint32_t id)
{
	struct cc_call *call;

	llist_for_each_entry(call, &g_cc->calls, list)
		if (call->id == id)
			return call;
	return NULL;
}

static int64_t cc_ms_since(const struct timespec *t0)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - t0->tv_sec) * 1000 + (now.tv_nsec - t0->tv_nsec) / 1000000;
}

static void cc_set_prefix(struct cc_call *call)
{
	char buf[64];

	if (call->circ)
		snprintf(buf, sizeof(buf), "call-%u-cic-%u", call->id, call->cic);
	else
		snprintf(buf, sizeof(buf), "call-%u", call->id);
	osmo_fsm_inst_update_id(call->fi, buf);
}

static void cc_record_cause(struct cc_call *call, uint8_t cause, int location, enum cdr_releaser by)
{
	/* the first release decides the record */
	if (call->cdr->cause != CDR_UNSET)
		return;
	call->cdr->cause = cause;
	call->cdr->cause_location = location;
	call->cdr->released_by = by;
}

/* The end of the ISUP leg when it is our side that ends it. */
static void cc_isup_release(struct cc_call *call, uint8_t cause)
{
	struct isup_circuit *c = call->circ;

	call->isup_gone = true;
	call->circ = NULL;
	if (!c || c->call != call)
		return;
	c->call = NULL;
	if (isup_circuit_release(c, cause) < 0)
		LOGPFSML(call->fi, LOGL_NOTICE, "circuit already idle, no REL sent\n");
}

/* A final non-2xx response (before answer) or BYE (after), with a Q.850
 * Reason either way. */
static void cc_sip_release(struct cc_call *call, uint8_t cause, int location)
{
	char reason[128];
	uint16_t status;

	if (!call->nh || call->sip_gone)
		return;
	if (sipi_reason_format(reason, sizeof(reason), cause, location, NULL) < 0)
		snprintf(reason, sizeof(reason), "Q.850;cause=%u", cause);
	if (call->fi->state == CC_ST_ANSWERED) {
		nua_bye(call->nh, SIPTAG_REASON_STR(reason), TAG_END());
		return;
	}
	if (call->sip_final_sent)
		return;
	status = sipi_status_from_cause(cc_cause_map(), cause, location >= 0 ? location : CDR_LOC_BEYOND_IW);
	call->sip_final_sent = true;
	LOGPFSML(call->fi, LOGL_INFO, "cause %u -> SIP %u\n", cause, status);
	nua_respond(call->nh, status, sip_status_phrase(status) ?: "Call Failed", SIPTAG_REASON_STR(reason),
		    TAG_END());
}

static void cc_check_done(struct cc_call *call)
{
	if (call->sip_gone && call->isup_gone)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

static void cc_releasing(struct cc_call *call)
{
	if (call->fi->state != CC_ST_RELEASING)
		osmo_fsm_inst_state_chg(call->fi, CC_ST_RELEASING,
					osmo_tdef_get(cc_tdefs, CC_X1, OSMO_TDEF_S, -1), CC_X1);
	cc_check_done(call);
}

/* Tandem itself fails the call before or instead of an IAM. */
static void cc_fail(struct cc_call *call, uint8_t cause, enum cc_ctr ctr)
{
	cc_ctr_inc(ctr);
	if (ctr == CC_CTR_FAIL_NO_CIRCUIT)
		cc_route_ctr_inc(call->route, CC_ROUTE_CTR_NO_CIRCUIT);
	cc_record_cause(call, cause, CDR_LOC_TRANSIT, CDR_REL_TANDEMD);
	cc_isup_release(call, cause);
	cc_sip_release(call, cause, CDR_LOC_TRANSIT);
	cc_releasing(call);
}

static const struct isup_call_ops cc_isup_ops;

/* Seize a circuit on the route's destinations, from dest_idx on, and send
 * the IAM.  \returns 0 or -ENODEV (no circuit anywhere). */
static int cc_place(struct cc_call *call)
{
	const struct cc_route *r = call->route;

	for (; call->dest_idx < r->num_dest; call->dest_idx++) {
		struct isup_trunk *t = ss7_trunk_find(r->dest[call->dest_idx]);
		struct isup_circuit *c;
		int rc;

		if (!t || !t->started || t->cfg.variant != call->iam->variant) {
			LOGPFSML(call->fi, LOGL_NOTICE, "destination %s: no such running trunk of the IAM's variant\n",
				 r->dest[call->dest_idx]);
			continue;
		}
		if (!t->call_ops)
			t->call_ops = &cc_isup_ops;
		/* a failed send leaves the circuit idle: try the next one */
		while ((c = isup_trunk_select(t))) {
			rc = isup_circuit_setup(c, call->iam);
			if (rc == 0) {
				c->call = call;
				call->circ = c;
				call->cic = c->cic;
				osmo_strlcpy(call->trunk_name, t->cfg.name, sizeof(call->trunk_name));
				cdr_record_set(call->cdr, egress_trunk, t->cfg.name);
				call->cdr->cic = c->cic;
				call->cdr->opc = t->cfg.opc;
				call->cdr->dpc = t->cfg.dpc;
				cc_set_prefix(call);
				LOGPFSML(call->fi, LOGL_INFO, "IAM sent on trunk %s CIC %u\n", t->cfg.name, c->cic);
				return 0;
			}
			LOGPFSML(call->fi, LOGL_ERROR, "IAM on %s CIC %u failed: %d\n", t->cfg.name, c->cic, rc);
			cc_ctr_inc(CC_CTR_FAIL_IAM);
			break;
		}
	}
	return -ENODEV;
}

/* Build the IAM and apply the route's number manipulation. */
static int cc_build_iam(struct cc_call *call, const sip_t *sip, int variant)
{
	struct sipi_invite_in in;
	struct sipi_profile p;
	struct isup_number num;
	int rc;

	su_home_t home[1] = { SU_HOME_INIT(home) };

	cc_sipi_profile(&p, variant);
	/* the URI strings of in live in a Sofia home, not in talloc */
	rc = sipi_invite_in_from_sip(home, sip, &in);
	/* The body of SIP-I/SIP-T INVITEs is not yet parsed here (first
	 * slice): the IAM is built from the headers, which Q.1912.5 allows
	 * for profile A/B and which carries what routing needs. */
	if (rc == 0)
		rc = sipi_invite_to_iam(call, &p, &in, NULL, &call->iam);
	su_home_deinit(home);
	if (rc < 0)
		return rc;
	rc = isup_msg_get_number(call->iam, ISUP_PAR_CALLED, &num);
	if (rc < 0)
		return rc;
	if (cc_route_apply(call->route, num.digits, call->called_out, sizeof(call->called_out)) < 0 ||
	    strlen(call->called_out) > ISUP_NUMBER_MAX_DIGITS)
		return -ENOSPC;
	osmo_strlcpy(num.digits, call->called_out, sizeof(num.digits));
	if (call->route->nai != CC_NAI_KEEP)
		num.nai = call->route->nai;
	cdr_record_set(call->cdr, called_out, num.digits);
	call->cdr->called_out_nai = num.nai;
	return isup_msg_set_number(call->iam, ISUP_PAR_CALLED, &num);
}

/* The variant of the first running destination trunk (the IAM is built
 * once per call; destinations of another variant are skipped). */
static int cc_route_variant(const struct cc_route *r)
{
	unsigned int i;

	for (i = 0; i < r->num_dest; i++) {
		struct isup_trunk *t = ss7_trunk_find(r->dest[i]);

		if (t)
			return t->cfg.variant;
	}
	return -ENODEV;
}

static const char *url_number(const url_t *url)
{
	if (!url)
		return NULL;
	return url->url_type == url_tel ? url->url_host : url->url_user;
}

static void cc_progress(struct cc_call *call, const struct isup_msg *msg)
{
	struct sipi_progress pr;

	if (call->cdr->pdd_ms == CDR_UNSET)
		call->cdr->pdd_ms = cc_ms_since(&call->started);
	if (msg->type == ISUP_MSG_ANM || msg->type == ISUP_MSG_CON) {
		if (call->fi->state == CC_ST_ANSWERED)
			return;
		cc_ctr_inc(CC_CTR_CALL_ANSWERED);
		cc_route_ctr_inc(call->route, CC_ROUTE_CTR_ANSWERED);
		call->cdr->answer_us = cdr_now_us();
		call->sip_final_sent = true;
		osmo_fsm_inst_state_chg(call->fi, CC_ST_ANSWERED, 0, 0);
		/* placeholder answer: the offer itself (no media gateway yet) */
		nua_respond(call->nh, SIP_200_OK, TAG_IF(call->sdp, SIPTAG_CONTENT_TYPE_STR("application/sdp")),
			    TAG_IF(call->sdp, SIPTAG_PAYLOAD_STR(call->sdp)), TAG_END());
		return;
	}
	if (sipi_progress_from_isup(msg, &pr) < 0 || !pr.status || call->fi->state == CC_ST_ANSWERED)
		return;
	if (msg->type == ISUP_MSG_ACM && call->fi->state == CC_ST_PROCEEDING)
		osmo_fsm_inst_state_chg(call->fi, CC_ST_ALERTING, 0, 0);
	if (pr.with_sdp && call->sdp)
		nua_respond(call->nh, pr.status, sip_status_phrase(pr.status),
			    SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(call->sdp), TAG_END());
	else
		nua_respond(call->nh, pr.status, sip_status_phrase(pr.status), TAG_END());
}

static uint8_t cc_request_cause(enum sipi_release_req req, const sip_t *sip)
{
	struct sipi_reason reason = {};
	struct isup_cause cause = {};

	if (sip && sipi_reason_from_sip(sip, &reason) < 0)
		memset(&reason, 0, sizeof(reason));
	sipi_cause_from_request(cc_cause_map(), req, &reason, &cause);
	return cause.value;
}

static void cc_call_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cc_call *call = fi->priv;
	uint8_t cause;

	switch (event) {
	case CC_EV_ISUP_PROGRESS:
		if (fi->state != CC_ST_RELEASING)
			cc_progress(call, data);
		break;
	case CC_EV_ISUP_RELEASE:
		cause = *(uint8_t *)data;
		call->isup_gone = true;
		call->circ = NULL;
		if (fi->state != CC_ST_RELEASING) {
			if (fi->state != CC_ST_ANSWERED) {
				cc_ctr_inc(CC_CTR_FAIL_REJECTED);
				cc_route_ctr_inc(call->route, CC_ROUTE_CTR_REJECTED);
			}
			cc_record_cause(call, cause, CDR_LOC_BEYOND_IW, CDR_REL_CALLED);
			cc_sip_release(call, cause, -1);
		}
		cc_releasing(call);
		break;
	case CC_EV_ISUP_RETRY:
		call->circ = NULL;
		if (fi->state == CC_ST_RELEASING)
			break;
		if (cc_place(call) < 0)
			cc_fail(call, CAUSE_NO_CIRCUIT, CC_CTR_FAIL_NO_CIRCUIT);
		break;
	case CC_EV_SIP_CANCEL:
		/* nua answers the CANCEL and the INVITE (487) itself */
		call->sip_final_sent = true;
		if (fi->state == CC_ST_RELEASING || fi->state == CC_ST_ANSWERED)
			break;
		cc_ctr_inc(CC_CTR_FAIL_CANCELLED);
		cause = cc_request_cause(SIPI_REQ_CANCEL, data);
		cc_record_cause(call, cause, CDR_LOC_USER, CDR_REL_CALLING);
		cc_isup_release(call, cause);
		cc_releasing(call);
		break;
	case CC_EV_SIP_BYE:
		cause = cc_request_cause(SIPI_REQ_BYE, data);
		cc_record_cause(call, cause, CDR_LOC_USER, CDR_REL_CALLING);
		cc_isup_release(call, cause);
		cc_releasing(call);
		break;
	case CC_EV_SIP_GONE:
		call->sip_gone = true;
		if (call->nh) {
			nua_handle_bind(call->nh, NULL);
			nua_handle_destroy(call->nh);
			call->nh = NULL;
		}
		if (!call->isup_gone) {
			cc_record_cause(call, CAUSE_INTERWORKING, CDR_LOC_TRANSIT, CDR_REL_CALLING);
			cc_isup_release(call, CAUSE_INTERWORKING);
		}
		cc_releasing(call);
		break;
	case CC_EV_CLEAR:
		cc_ctr_inc(CC_CTR_CLEARED);
		cc_record_cause(call, CAUSE_NORMAL, CDR_LOC_TRANSIT, CDR_REL_TANDEMD);
		cc_isup_release(call, CAUSE_NORMAL);
		cc_sip_release(call, CAUSE_NORMAL, CDR_LOC_TRANSIT);
		cc_releasing(call);
		break;
	}
}

static int cc_call_timer_cb(struct osmo_fsm_inst *fi)
{
	struct cc_call *call = fi->priv;

	LOGPFSML(fi, LOGL_ERROR, "release guard expired (sip %s, isup %s)\n",
		 call->sip_gone ? "gone" : "up", call->isup_gone ? "gone" : "up");
	cc_ctr_inc(CC_CTR_FAIL_TIMEOUT);
	return 1;
}

static void cc_call_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause why)
{
	struct cc_call *call = fi->priv;

	/* a call freed with a leg still up (shutdown, guard timer) */
	cc_record_cause(call, CAUSE_TEMP_FAILURE, CDR_LOC_TRANSIT, CDR_REL_TANDEMD);
	cc_isup_release(call, CAUSE_TEMP_FAILURE);
	if (call->nh) {
		nua_handle_bind(call->nh, NULL);
		cc_sip_release(call, CAUSE_TEMP_FAILURE, CDR_LOC_TRANSIT);
		nua_handle_destroy(call->nh);
		call->nh = NULL;
	}
	call->cdr->end_us = cdr_now_us();
	if (g_cdr && cdr_writer_submit(g_cdr, call->cdr) < 0)
		LOGPFSML(fi, LOGL_ERROR, "CDR not recorded (counted by the writer)\n");
	llist_del(&call->list);
	g_cc->num_calls--;
}

#define CC_ALL_EVENTS (S(CC_EV_ISUP_PROGRESS) | S(CC_EV_ISUP_RELEASE) | S(CC_EV_ISUP_RETRY) | \
		       S(CC_EV_SIP_CANCEL) | S(CC_EV_SIP_BYE) | S(CC_EV_SIP_GONE) | S(CC_EV_CLEAR))

static const struct osmo_fsm_state cc_call_states[] = {
	[CC_ST_PROCEEDING] = {
		.name = "PROCEEDING",
		.in_event_mask = CC_ALL_EVENTS,
		.out_state_mask = S(CC_ST_ALERTING) | S(CC_ST_ANSWERED) | S(CC_ST_RELEASING),
		.action = cc_call_action,
	},
	[CC_ST_ALERTING] = {
		.name = "ALERTING",
		.in_event_mask = CC_ALL_EVENTS,
		.out_state_mask = S(CC_ST_ANSWERED) | S(CC_ST_RELEASING),
		.action = cc_call_action,
	},
	[CC_ST_ANSWERED] = {
		.name = "ANSWERED",
		.in_event_mask = CC_ALL_EVENTS,
		.out_state_mask = S(CC_ST_RELEASING),
		.action = cc_call_action,
	},
	[CC_ST_RELEASING] = {
		.name = "RELEASING",
		.in_event_mask = CC_ALL_EVENTS,
		.out_state_mask = 0,
		.action = cc_call_action,
	},
};

static struct osmo_fsm cc_call_fsm = {
	.name = "CALL",
	.states = cc_call_states,
	.num_states = ARRAY_SIZE(cc_call_states),
	.log_subsys = DCC,
	.event_names = cc_call_event_names,
	.timer_cb = cc_call_timer_cb,
	.cleanup = cc_call_cleanup,
};

/* Q.764 circuit -> call control */
static void cc_isup_progress_ind(struct isup_circuit *c, const struct isup_msg *msg)
{
	struct cc_call *call = c->call;

	osmo_fsm_inst_dispatch(call->fi, CC_EV_ISUP_PROGRESS, (void *)msg);
}

static void cc_isup_release_ind(struct isup_circuit *c, uint8_t cause)
{
	struct cc_call *call = c->call;

	if (!call)
		return;
	c->call = NULL;
	osmo_fsm_inst_dispatch(call->fi, CC_EV_ISUP_RELEASE, &cause);
}

static void cc_isup_retry_ind(struct isup_circuit *c)
{
	struct cc_call *call = c->call;

	c->call = NULL;
	osmo_fsm_inst_dispatch(call->fi, CC_EV_ISUP_RETRY, NULL);
}

static const struct isup_call_ops cc_isup_ops = {
	/* incoming IAMs: ISUP -> SIP is not in this slice, the circuit
	 * releases them with cause 47 itself */
	.setup_ind = NULL,
	.progress_ind = cc_isup_progress_ind,
	.release_ind = cc_isup_release_ind,
	.retry_ind = cc_isup_retry_ind,
};

/* Refuse an INVITE before a call exists. */
static void cc_refuse(struct nua_s *nua, nua_handle_t *nh, const sip_t *sip, uint8_t cause)
{
	char reason[128];
	uint16_t status = sipi_status_from_cause(cc_cause_map(), cause, CDR_LOC_TRANSIT);

	if (sipi_reason_format(reason, sizeof(reason), cause, CDR_LOC_TRANSIT, NULL) < 0)
		snprintf(reason, sizeof(reason), "Q.850;cause=%u", cause);
	/* spooled before the answer leaves, as for every refused attempt */
	cdr_sip_refused(g_cdr, nua, sip, cause, CDR_LOC_TRANSIT);
	nua_respond(nh, status, sip_status_phrase(status) ?: "Call Failed", SIPTAG_REASON_STR(reason), TAG_END());
}

int cc_sip_invite(struct nua_s *nua, nua_handle_t *nh, const sip_t *sip)
{
	struct osmo_fsm_inst *fi;
	struct cc_call *call;
	const char *called, *calling;
	char why[160];
	int variant;

	if (!g_cc || !g_cc->routes.num)
		return -ENOENT;
	cc_ctr_inc(CC_CTR_CALL_IN);
	if (g_cc->num_calls >= CC_MAX_CALLS) {
		cc_ctr_inc(CC_CTR_FAIL_OVERLOAD);
		cc_refuse(nua, nh, sip, CAUSE_CONGESTION);
		return 0;
	}
	fi = osmo_fsm_inst_alloc(&cc_call_fsm, g_cc->ctx, NULL, LOGL_INFO, NULL);
	if (!fi) {
		cc_ctr_inc(CC_CTR_FAIL_OVERLOAD);
		cc_refuse(nua, nh, sip, CAUSE_TEMP_FAILURE);
		return 0;
	}
	call = talloc_zero(fi, struct cc_call);
	if (call)
		call->cdr = talloc_zero(call, struct cdr_record);
	if (!call || !call->cdr) {
		osmo_fsm_inst_free(fi);
		cc_ctr_inc(CC_CTR_FAIL_OVERLOAD);
		cc_refuse(nua, nh, sip, CAUSE_TEMP_FAILURE);
		return 0;
	}
	fi->priv = call;
	call->fi = fi;
	call->id = ++g_cc->next_id;
	clock_gettime(CLOCK_MONOTONIC, &call->started);
	llist_add_tail(&call->list, &g_cc->calls);
	g_cc->num_calls++;
	cc_set_prefix(call);
	call->nh = nh;
	nua_handle_bind(nh, call);

	cdr_record_init(call->cdr);
	call->cdr->start_us = cdr_now_us();
	called = sip->sip_request ? url_number(sip->sip_request->rq_url) : NULL;
	calling = sip->sip_from ? url_number(sip->sip_from->a_url) : NULL;
	cdr_record_set(call->cdr, called_in, called ?: "");
	cdr_record_set(call->cdr, calling_in, calling ?: "");
	cdr_record_set(call->cdr, calling_out, calling ?: "");
	cdr_record_set(call->cdr, ingress_trunk, "sip");
	if (sip->sip_call_id) {
		cdr_record_set(call->cdr, sip_call_id, sip->sip_call_id->i_id);
		call->call_id = talloc_strndup(call, sip->sip_call_id->i_id, CDR_CALL_ID_MAX);
	}
	if (sip->sip_payload && sip->sip_payload->pl_len && sip->sip_payload->pl_len <= CC_SDP_MAX &&
	    sip->sip_content_type && sip->sip_content_type->c_type &&
	    !strcasecmp(sip->sip_content_type->c_type, "application/sdp"))
		call->sdp = talloc_strndup(call, sip->sip_payload->pl_data, sip->sip_payload->pl_len);

	nua_respond(nh, SIP_100_TRYING, TAG_END());

	call->route = cc_route_lookup(&g_cc->routes, called ?: "", calling, why, sizeof(why));
	LOGPFSML(fi, LOGL_INFO, "INVITE %s -> %s: %s\n", calling ?: "?", called ?: "?", why);
	if (!call->route) {
		cc_fail(call, CAUSE_NO_ROUTE, CC_CTR_FAIL_NO_ROUTE);
		return 0;
	}
	osmo_strlcpy(call->route_name, call->route->name, sizeof(call->route_name));
	cc_route_ctr_inc(call->route, CC_ROUTE_CTR_CALLS);
	cdr_record_set(call->cdr, route, call->route->name);
	variant = cc_route_variant(call->route);
	if (variant < 0) {
		cc_fail(call, CAUSE_NO_CIRCUIT, CC_CTR_FAIL_NO_CIRCUIT);
		return 0;
	}
	if (cc_build_iam(call, sip, variant) < 0) {
		LOGPFSML(fi, LOGL_NOTICE, "cannot build the IAM from the INVITE\n");
		cc_fail(call, CAUSE_INTERWORKING, CC_CTR_FAIL_IAM);
		return 0;
	}
	if (cc_place(call) < 0)
		cc_fail(call, CAUSE_NO_CIRCUIT, CC_CTR_FAIL_NO_CIRCUIT);
	return 0;
}

bool cc_sip_event(int event, int status, const char *phrase, nua_handle_t *nh, void *hmagic,
		  const sip_t *sip, int callstate)
{
	struct cc_call *call = hmagic;

	if (!call || call->nh != nh)
		return false;
	switch (event) {
	case nua_i_invite:
		/* re-INVITE (hold, codec change) is not in this slice: refuse
		 * it, which leaves the dialog as it was (RFC 3261 14.2) */
		nua_respond(nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
		return true;
	case nua_i_cancel:
		osmo_fsm_inst_dispatch(call->fi, CC_EV_SIP_CANCEL, (void *)sip);
		return true;
	case nua_i_bye:
		osmo_fsm_inst_dispatch(call->fi, CC_EV_SIP_BYE, (void *)sip);
		return true;
	case nua_i_state:
		if (callstate == nua_callstate_terminated)
			osmo_fsm_inst_dispatch(call->fi, CC_EV_SIP_GONE, NULL);
		return true;
	case nua_r_bye:
	case nua_i_ack:
	case nua_i_active:
	case nua_i_terminated:
	case nua_i_prack:
		return true;
	default:
		LOGPFSML(call->fi, LOGL_DEBUG, "nua %s %d %s\n", nua_event_name(event), status, phrase ?: "");
		return false;
	}
}

int cc_init(void *ctx)
{
	int rc;

	g_cc = talloc_zero(ctx, struct cc_state);
	if (!g_cc)
		return -ENOMEM;
	g_cc->ctx = g_cc;
	INIT_LLIST_HEAD(&g_cc->calls);
	cc_route_table_init(&g_cc->routes);
	g_cc->profile = CC_PROFILE_SIP;
	g_cc->ctrs = rate_ctr_group_alloc(g_cc, &cc_ctrg_desc, 0);
	if (!g_cc->ctrs)
		return -ENOMEM;
	osmo_tdefs_reset(cc_tdefs);
	rc = osmo_fsm_register(&cc_call_fsm);
	if (rc < 0)
		return rc;
	cc_vty_init();
	return 0;
}

void cc_stop(void)
{
	struct cc_call *call, *tmp;

	if (!g_cc)
		return;
	llist_for_each_entry_safe(call, tmp, &g_cc->calls, list)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REQUEST, NULL);
}
