/* Call control: the call FSM, routing of a call onto its outgoing leg,
 * failover, and the CDR.
 *
 * One CALL osmo_fsm instance per call is the talloc root of the call: the
 * struct cc_call, its CDR, its IAM and SDP copies and the two leg FSMs
 * (CC_SIP_LEG, CC_ISUP_LEG, children with parent term events) hang below
 * it, so terminating the call frees everything.  The legs talk to their
 * stacks (nua, the Q.764 circuit) and report to the call; the call passes
 * progress, answer and release from one leg to the other, and ends when
 * both legs are gone, or when the release guard timer X1 expires.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include "db/cdr_record.h"
#include "db/cdr_writer.h"
#include "isup/isup_params.h"
#include "isup/q764.h"
#include "isup/isup_names.h"
#include "src/cc.h"
#include "src/cc_overlap.h"
#include "src/sip_trunk.h"
#include "src/ss7.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/*! Call control timers (X = not from a standard). */
enum cc_timer {
	CC_X1 = -1,	/*!< release guard: both legs must be gone by then */
};

struct osmo_tdef cc_tdefs[] = {
	{ .T = CC_X1, .default_val = 32, .unit = OSMO_TDEF_S,
	  .desc = "Release guard: a call whose legs are not both gone is freed" },
	{ .T = CC_T10, .default_val = 5, .unit = OSMO_TDEF_S, .min_val = 1,
	  .desc = "Interworking (Q.1912.5 en-bloc conversion): no further digit for this long completes an overlap number" },
	{ .T = CC_T7, .default_val = 20, .unit = OSMO_TDEF_S, .min_val = 1,
	  .desc = "ISUP -> SIP: INVITE sent, no 18x/2xx: CANCEL, REL 102 (Q.1912.5)" },
	{ .T = CC_T9, .default_val = 90, .unit = OSMO_TDEF_S, .min_val = 1,
	  .desc = "ISUP -> SIP: 18x received, no 2xx: CANCEL, REL 19 (Q.1912.5)" },
	{}
};

struct cc_state *g_cc;

const struct value_string cc_dir_names[] = {
	{ CC_DIR_SIP_TO_ISUP, "sip>isup" },
	{ CC_DIR_ISUP_TO_SIP, "isup>sip" },
	{ 0, NULL }
};

const struct value_string cc_call_state_names[] = {
	{ CC_ST_PROCEEDING, "PROCEEDING" },
	{ CC_ST_ALERTING, "ALERTING" },
	{ CC_ST_ANSWERED, "ANSWERED" },
	{ CC_ST_RELEASING, "RELEASING" },
	{ 0, NULL }
};

const struct value_string cc_call_event_names[] = {
	{ CC_EV_PROGRESS, "PROGRESS" },
	{ CC_EV_ANSWER, "ANSWER" },
	{ CC_EV_RELEASE, "RELEASE" },
	{ CC_EV_SIP_LEG_GONE, "SIP_LEG_GONE" },
	{ CC_EV_ISUP_LEG_GONE, "ISUP_LEG_GONE" },
	{ CC_EV_CLEAR, "CLEAR" },
	{ CC_EV_MIDCALL, "MIDCALL" },
	{ CC_EV_OVERLAP_GONE, "OVERLAP_GONE" },
	{ 0, NULL }
};

const struct value_string cc_leg_state_names[] = {
	{ CC_LEG_ST_PROCEEDING, "PROCEEDING" },
	{ CC_LEG_ST_ALERTING, "ALERTING" },
	{ CC_LEG_ST_ANSWERED, "ANSWERED" },
	{ CC_LEG_ST_RELEASING, "RELEASING" },
	{ 0, NULL }
};

const struct value_string cc_leg_event_names[] = {
	{ CC_LEG_EV_PROGRESS_REQ, "PROGRESS_REQ" },
	{ CC_LEG_EV_ANSWER_REQ, "ANSWER_REQ" },
	{ CC_LEG_EV_RELEASE_REQ, "RELEASE_REQ" },
	{ CC_LEG_EV_RX_PROGRESS, "RX_PROGRESS" },
	{ CC_LEG_EV_RX_ANSWER, "RX_ANSWER" },
	{ CC_LEG_EV_RX_RELEASE, "RX_RELEASE" },
	{ CC_LEG_EV_RX_RETRY, "RX_RETRY" },
	{ CC_LEG_EV_GONE, "GONE" },
	{ CC_LEG_EV_MIDCALL_REQ, "MIDCALL_REQ" },
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
	[CC_CTR_CALL_IN_ISUP] = { "call:in-isup", "Calls offered by an ISUP trunk (IAM)" },
	[CC_CTR_FAIL_INVITE] = { "fail:invite", "Calls failed: INVITE could not be built or sent" },
	[CC_CTR_FAILOVER] = { "failover", "Calls moved to the route's next destination" },
	[CC_CTR_BODY_BAD] = { "fail:body", "INVITEs refused: SIP-I/SIP-T body did not parse" },
	[CC_CTR_BODY_MISMATCH] = { "body:mismatch", "SIP-I bodies whose called number disagreed with the Request-URI" },
	[CC_CTR_FAIL_MEDIA] = { "fail:media", "Calls failed: media gateway" },
	[CC_CTR_FAIL_CODEC] = { "fail:codec", "Calls failed: no common codec" },
	[CC_CTR_UPDATE_REFUSED] = { "update:refused", "UPDATE offers refused (491, 500 or 488)" },
	[CC_CTR_FAIL_INCOMPLETE] = { "fail:incomplete", "Calls failed: called number incomplete (cause 28, 484)" },
	[CC_CTR_REINVITE_REFUSED] = { "reinvite:refused", "re-INVITE offers refused (488 or 500)" },
	[CC_CTR_FAIL_NO_ANSWER] = { "fail:no-answer-sdp", "Calls failed: our offer got no SDP answer (PRACK/ACK)" },
	[CC_CTR_FAIL_T7] = { "fail:t7", "Calls to SIP failed: no 18x/2xx within T7 (cause 102)" },
	[CC_CTR_FAIL_T9] = { "fail:t9", "Calls to SIP failed: no answer within T9 (cause 19)" },
	[CC_CTR_MIDCALL_DROPPED] = { "midcall:dropped", "Mid-call ISUP messages not passed on (no mapping, before answer, INFO refused, send failed)" },
	[CC_CTR_INFO_BODY_BAD] = { "info:body-bad", "INFOs refused: SIP-I/SIP-T body did not parse (4xx)" },
	[CC_CTR_HOLD_REINVITE] = { "hold:reinvite", "re-INVITEs sent for a CPG remote hold / retrieval (plain SIP)" },
	[CC_CTR_HOLD_REINVITE_FAILED] = { "hold:reinvite-failed", "hold / retrieval re-INVITEs refused or not sent" },
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

struct cc_call *cc_call_find(uint32_t id)
{
	struct cc_call *call;

	llist_for_each_entry(call, &g_cc->calls, list)
		if (call->id == id)
			return call;
	return NULL;
}

uint64_t cc_call_us(const struct cc_call *call)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (uint64_t)(now.tv_sec - call->started.tv_sec) * 1000000 +
	       (now.tv_nsec - call->started.tv_nsec) / 1000;
}

uint32_t cc_call_ms(const struct cc_call *call)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return (now.tv_sec - call->started.tv_sec) * 1000 + (now.tv_nsec - call->started.tv_nsec) / 1000000;
}

void cc_call_update_id(struct cc_call *call)
{
	char buf[64];

	if (call->isup && call->isup->circ)
		snprintf(buf, sizeof(buf), "call-%u-cic-%u", call->id, call->isup->cic);
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

static bool cc_leg_in_is_sip(const struct cc_call *call)
{
	return call->dir == CC_DIR_SIP_TO_ISUP;
}

static void cc_release_sip(struct cc_call *call, const struct cc_release *rel)
{
	if (call->sip && !call->sip->released)
		osmo_fsm_inst_dispatch(call->sip->fi, CC_LEG_EV_RELEASE_REQ, (void *)rel);
}

static void cc_release_isup(struct cc_call *call, const struct cc_release *rel)
{
	if (call->isup && !call->isup->released)
		osmo_fsm_inst_dispatch(call->isup->fi, CC_LEG_EV_RELEASE_REQ, (void *)rel);
}

static void cc_check_done(struct cc_call *call)
{
	if (!call->sip && !call->isup)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REGULAR, NULL);
}

static void cc_releasing(struct cc_call *call)
{
	if (call->fi->state != CC_ST_RELEASING)
		osmo_fsm_inst_state_chg(call->fi, CC_ST_RELEASING,
					osmo_tdef_get(cc_tdefs, CC_X1, OSMO_TDEF_S, -1), CC_X1);
	cc_check_done(call);
}

void cc_call_fail(struct cc_call *call, uint8_t cause, enum cc_ctr ctr)
{
	cc_call_fail_status(call, cause, 0, ctr);
}

void cc_call_fail_status(struct cc_call *call, uint8_t cause, uint16_t status, enum cc_ctr ctr)
{
	struct cc_release rel = { .cause = cause, .location = CDR_LOC_TRANSIT, .status = status };

	cc_ctr_inc(ctr);
	if (ctr == CC_CTR_FAIL_NO_CIRCUIT)
		cc_route_ctr_inc(call->route, CC_ROUTE_CTR_NO_CIRCUIT);
	cc_record_cause(call, cause, CDR_LOC_TRANSIT, CDR_REL_TANDEMD);
	cc_release_isup(call, &rel);
	cc_release_sip(call, &rel);
	cc_releasing(call);
}

/* Apply the route's number manipulation to the IAM's called number. */
static int cc_iam_called_out(struct cc_call *call)
{
	struct isup_number num;
	int rc;

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

/* SIP -> ISUP: the destination named is an ISUP trunk of the IAM's
 * variant with a free circuit?  Then the outgoing leg is started. */
static bool cc_try_isup(struct cc_call *call, const char *name)
{
	struct isup_trunk *t = ss7_trunk_find(name);

	if (!t || !t->started || t->cfg.variant != call->iam->variant) {
		LOGPFSML(call->fi, LOGL_NOTICE, "destination %s: no such running ISUP trunk of the IAM's variant\n",
			 name);
		return false;
	}
	return cc_isup_leg_alloc_out(call, t) != NULL;
}

/* ISUP -> SIP: the destination named is a usable SIP trunk?  Then the
 * INVITE goes out. */
static bool cc_try_sip(struct cc_call *call, const char *name)
{
	struct sip_trunk *t = sip_trunk_find(name);

	if (!t || !sip_trunk_usable(t)) {
		LOGPFSML(call->fi, LOGL_NOTICE, "destination %s: no such usable SIP trunk\n", name);
		return false;
	}
	return cc_sip_leg_alloc_out(call, t, call->called_out) != NULL;
}

void cc_call_route(struct cc_call *call)
{
	const struct cc_route *r = call->route;

	for (; call->dest_idx < r->num_dest; call->dest_idx++) {
		const char *name = r->dest[call->dest_idx];
		bool ok = call->dir == CC_DIR_SIP_TO_ISUP ? cc_try_isup(call, name) : cc_try_sip(call, name);

		if (!ok && call->setup_fail_cause) {
			/* the call itself cannot work (codec, gateway): no
			 * other destination would do better */
			cc_call_fail_status(call, call->setup_fail_cause, call->setup_fail_status,
					    call->setup_fail_cause == CC_CAUSE_RESOURCE ? CC_CTR_FAIL_MEDIA :
					    CC_CTR_FAIL_CODEC);
			return;
		}
		if (ok) {
			osmo_strlcpy(call->out_trunk, name, sizeof(call->out_trunk));
			cdr_record_set(call->cdr, egress_trunk, name);
			call->dest_idx++;
			return;
		}
	}
	cc_call_fail(call, CC_CAUSE_NO_CIRCUIT, CC_CTR_FAIL_NO_CIRCUIT);
}

/* The variant of the first ISUP trunk among the destinations (the IAM is
 * built once per call; destinations of another variant are skipped). */
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

bool cc_call_lookup(struct cc_call *call, const char *called, const char *calling, const char *source)
{
	char why[160];

	call->route = cc_route_lookup(&g_cc->routes, called ?: "", calling, source, why, sizeof(why));
	LOGPFSML(call->fi, LOGL_INFO, "%s -> %s from %s: %s\n", calling ?: "?", called ?: "?", source, why);
	if (!call->route) {
		cc_call_fail(call, CC_CAUSE_NO_ROUTE, CC_CTR_FAIL_NO_ROUTE);
		return false;
	}
	osmo_strlcpy(call->route_name, call->route->name, sizeof(call->route_name));
	cc_route_ctr_inc(call->route, CC_ROUTE_CTR_CALLS);
	cdr_record_set(call->cdr, route, call->route->name);
	return true;
}

/* The first SIP trunk among the route's destinations: its codecs make
 * the gateway's offer of an ISUP -> SIP call. */
static const struct sip_trunk *cc_route_first_sip(const struct cc_route *r)
{
	unsigned int i;

	for (i = 0; i < r->num_dest; i++) {
		const struct sip_trunk *t = sip_trunk_find(r->dest[i]);

		if (t)
			return t;
	}
	return NULL;
}

void cc_call_proceed(struct cc_call *call)
{
	if (cc_iam_called_out(call) < 0) {
		LOGPFSML(call->fi, LOGL_NOTICE, "called number does not fit after the route's manipulation\n");
		cc_call_fail(call, CC_CAUSE_INTERWORKING, CC_CTR_FAIL_IAM);
		return;
	}
	if (call->dir == CC_DIR_ISUP_TO_SIP && call->isup) {
		if (cc_call_media_circuit(call, call->in_trunk, call->isup->cic, cc_route_first_sip(call->route)) < 0) {
			cc_call_fail(call, CC_CAUSE_RESOURCE, CC_CTR_FAIL_MEDIA);
			return;
		}
		if (cc_call_media_pending(call)) {
			/* the INVITE carries the gateway's offer */
			call->route_pending = true;
			return;
		}
	}
	cc_call_route(call);
}

int cc_call_variant(const struct cc_call *call)
{
	return call->route ? cc_route_variant(call->route) : -ENODEV;
}

static void cc_pass_progress(struct cc_call *call, struct cc_progress *pr)
{
	if (call->cdr->pdd_ms == CDR_UNSET)
		call->cdr->pdd_ms = cc_call_ms(call);
	if (call->fi->state == CC_ST_PROCEEDING)
		osmo_fsm_inst_state_chg(call->fi, CC_ST_ALERTING, 0, 0);
	if (pr->from == CC_SIDE_ISUP) {
		if (call->sip)
			osmo_fsm_inst_dispatch(call->sip->fi, CC_LEG_EV_PROGRESS_REQ, pr);
	} else if (call->isup) {
		osmo_fsm_inst_dispatch(call->isup->fi, CC_LEG_EV_PROGRESS_REQ, pr);
	}
}

static void cc_pass_answer(struct cc_call *call, struct cc_progress *pr)
{
	if (call->fi->state == CC_ST_ANSWERED)
		return;
	if (call->cdr->pdd_ms == CDR_UNSET)
		call->cdr->pdd_ms = cc_call_ms(call);
	cc_ctr_inc(CC_CTR_CALL_ANSWERED);
	cc_route_ctr_inc(call->route, CC_ROUTE_CTR_ANSWERED);
	call->cdr->answer_us = cdr_now_us();
	if (cc_call_codec(call)[0])
		cdr_record_set(call->cdr, codec, cc_call_codec(call));
	osmo_fsm_inst_state_chg(call->fi, CC_ST_ANSWERED, 0, 0);
	if (pr->from == CC_SIDE_ISUP) {
		if (call->sip)
			osmo_fsm_inst_dispatch(call->sip->fi, CC_LEG_EV_ANSWER_REQ, pr);
	} else if (call->isup) {
		osmo_fsm_inst_dispatch(call->isup->fi, CC_LEG_EV_ANSWER_REQ, pr);
	}
}

/* A leg's far end released.  Before answer, the outgoing leg's release
 * may move the call to the route's next destination (failover). */
static void cc_leg_released(struct cc_call *call, const struct cc_release *rel)
{
	bool from_in = (rel->from == CC_SIDE_SIP) == cc_leg_in_is_sip(call);
	struct cc_release fwd = *rel;

	if (call->fi->state == CC_ST_RELEASING)
		return;
	if (!from_in && call->fi->state != CC_ST_ANSWERED && call->route &&
	    call->dest_idx < call->route->num_dest &&
	    cc_route_failover(call->route, rel->cause, rel->status)) {
		LOGPFSML(call->fi, LOGL_NOTICE, "failover after cause %u / status %u to the next destination\n",
			 rel->cause, rel->status);
		cc_ctr_inc(CC_CTR_FAILOVER);
		/* the released leg is going; the next one takes its place */
		if (rel->from == CC_SIDE_ISUP)
			call->isup = NULL;
		else
			call->sip = NULL;
		cc_call_route(call);
		return;
	}
	if (from_in) {
		if (call->fi->state != CC_ST_ANSWERED && rel->from == CC_SIDE_SIP)
			cc_ctr_inc(CC_CTR_FAIL_CANCELLED);
		cc_record_cause(call, rel->cause, rel->location, CDR_REL_CALLING);
	} else {
		if (call->fi->state != CC_ST_ANSWERED) {
			cc_ctr_inc(CC_CTR_FAIL_REJECTED);
			cc_route_ctr_inc(call->route, CC_ROUTE_CTR_REJECTED);
		}
		cc_record_cause(call, rel->cause, rel->location >= 0 ? rel->location : CDR_LOC_BEYOND_IW,
				CDR_REL_CALLED);
	}
	if (rel->from == CC_SIDE_SIP)
		cc_release_isup(call, &fwd);
	else
		cc_release_sip(call, &fwd);
	cc_releasing(call);
}

static void cc_call_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cc_call *call = fi->priv;
	struct cc_release rel = { .cause = CC_CAUSE_NORMAL, .location = CDR_LOC_TRANSIT };

	switch (event) {
	case CC_EV_PROGRESS:
		if (fi->state != CC_ST_RELEASING && fi->state != CC_ST_ANSWERED)
			cc_pass_progress(call, data);
		break;
	case CC_EV_ANSWER:
		if (fi->state != CC_ST_RELEASING)
			cc_pass_answer(call, data);
		break;
	case CC_EV_RELEASE:
		cc_leg_released(call, data);
		break;
	case CC_EV_SIP_LEG_GONE:
	case CC_EV_ISUP_LEG_GONE:
		/* every leg reports its release before it goes; a leg gone
		 * during failover was already replaced */
		if (fi->state == CC_ST_RELEASING)
			cc_check_done(call);
		break;
	case CC_EV_MIDCALL: {
		const struct cc_midcall *mc = data;
		struct osmo_fsm_inst *to = mc->from == CC_SIDE_ISUP ? (call->sip ? call->sip->fi : NULL) :
					   (call->isup ? call->isup->fi : NULL);

		/* mid-call messages belong to the answered call; before it (or
		 * with the other leg gone) they are not queued but counted */
		if (fi->state != CC_ST_ANSWERED || !to) {
			LOGPFSML(fi, LOGL_NOTICE, "%s of the %s side dropped: %s\n", isup_msg_type_name(mc->msg->type),
				 mc->from == CC_SIDE_ISUP ? "ISUP" : "SIP", to ? "not answered" : "other leg gone");
			cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
			break;
		}
		osmo_fsm_inst_dispatch(to, CC_LEG_EV_MIDCALL_REQ, data);
		break;
	}
	case CC_EV_CLEAR:
		cc_ctr_inc(CC_CTR_CLEARED);
		cc_record_cause(call, CC_CAUSE_NORMAL, CDR_LOC_TRANSIT, CDR_REL_TANDEMD);
		cc_release_isup(call, &rel);
		cc_release_sip(call, &rel);
		cc_releasing(call);
		break;
	}
}

static int cc_call_timer_cb(struct osmo_fsm_inst *fi)
{
	struct cc_call *call = fi->priv;

	LOGPFSML(fi, LOGL_ERROR, "release guard expired (sip %s, isup %s)\n", call->sip ? "up" : "gone",
		 call->isup ? "up" : "gone");
	cc_ctr_inc(CC_CTR_FAIL_TIMEOUT);
	return 1;
}

static void cc_call_pre_term(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause why)
{
	struct cc_call *call = fi->priv;

	/* a call freed with a leg still up (shutdown, guard timer): the legs
	 * are terminated as children and release themselves with 41 */
	if (call->sip || call->isup)
		cc_record_cause(call, CC_CAUSE_TEMP_FAILURE, CDR_LOC_TRANSIT, CDR_REL_TANDEMD);
}

static void cc_call_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause why)
{
	struct cc_call *call = fi->priv;

	cc_call_media_release(call);
	call->cdr->end_us = cdr_now_us();
	if (g_cdr && cdr_writer_submit(g_cdr, call->cdr) < 0)
		LOGPFSML(fi, LOGL_ERROR, "CDR not recorded (counted by the writer)\n");
	llist_del(&call->list);
	g_cc->num_calls--;
}

#define CC_ALL_EVENTS (S(CC_EV_PROGRESS) | S(CC_EV_ANSWER) | S(CC_EV_RELEASE) | S(CC_EV_SIP_LEG_GONE) | \
		       S(CC_EV_ISUP_LEG_GONE) | S(CC_EV_CLEAR) | S(CC_EV_MIDCALL) | S(CC_EV_OVERLAP_GONE))

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
	.pre_term = cc_call_pre_term,
	.cleanup = cc_call_cleanup,
};

struct osmo_fsm_inst *cc_leg_fsm_alloc(struct cc_call *call, struct osmo_fsm *fsm, uint32_t term_event,
				       size_t priv_size)
{
	struct osmo_fsm_inst *fi = osmo_fsm_inst_alloc_child(fsm, call->fi, term_event);

	if (!fi)
		return NULL;
	fi->priv = talloc_zero_size(fi, priv_size);
	if (!fi->priv) {
		osmo_fsm_inst_unlink_parent(fi, NULL);
		osmo_fsm_inst_free(fi);
		return NULL;
	}
	return fi;
}

struct cc_call *cc_call_alloc(enum cc_dir dir)
{
	struct osmo_fsm_inst *fi;
	struct cc_call *call;

	if (g_cc->num_calls >= g_cc->max_calls) {
		cc_ctr_inc(CC_CTR_FAIL_OVERLOAD);
		return NULL;
	}
	fi = osmo_fsm_inst_alloc(&cc_call_fsm, g_cc->ctx, NULL, LOGL_INFO, NULL);
	if (!fi) {
		cc_ctr_inc(CC_CTR_FAIL_OVERLOAD);
		return NULL;
	}
	call = talloc_zero(fi, struct cc_call);
	if (call)
		call->cdr = talloc_zero(call, struct cdr_record);
	if (!call || !call->cdr) {
		osmo_fsm_inst_free(fi);
		cc_ctr_inc(CC_CTR_FAIL_OVERLOAD);
		return NULL;
	}
	fi->priv = call;
	call->fi = fi;
	call->dir = dir;
	call->id = ++g_cc->next_id;
	clock_gettime(CLOCK_MONOTONIC, &call->started);
	llist_add_tail(&call->list, &g_cc->calls);
	g_cc->num_calls++;
	cc_call_update_id(call);
	cc_ladder_init(&call->ladder, call);
	cdr_record_init(call->cdr);
	call->cdr->start_us = cdr_now_us();
	return call;
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
	g_cc->max_calls = CC_MAX_CALLS_DEFAULT;
	g_cc->ctrs = rate_ctr_group_alloc(g_cc, &cc_ctrg_desc, 0);
	if (!g_cc->ctrs)
		return -ENOMEM;
	osmo_tdefs_reset(cc_tdefs);
	rc = osmo_fsm_register(&cc_call_fsm);
	if (rc == 0)
		rc = cc_sip_leg_init();
	if (rc == 0)
		rc = cc_isup_leg_init();
	if (rc == 0)
		rc = cc_overlap_init(g_cc);
	if (rc < 0)
		return rc;
	cc_vty_init();
	return 0;
}

void cc_start(void)
{
	struct isup_trunk *t;

	if (!g_ss7)
		return;
	llist_for_each_entry(t, &g_ss7->trunks, list)
		cc_isup_attach(t);
}

void cc_stop(void)
{
	struct cc_call *call, *tmp;

	if (!g_cc)
		return;
	llist_for_each_entry_safe(call, tmp, &g_cc->calls, list)
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_REQUEST, NULL);
}
