/* Call control: the SIP leg of a call (CC_SIP_LEG FSM), incoming (UAS of
 * an INVITE) or outgoing (UAC towards a SIP trunk), on one nua handle whose
 * hmagic is the leg.
 *
 * The leg maps its side of Q.1912.5 / RFC 3398: statuses and requests
 * <-> the call's progress, answer and release events, with the SIP-I /
 * SIP-T body per the leg's profile.  It ends when nua says the dialog is
 * terminated.
 *
 * No media gateway yet: an incoming leg answers with the INVITE's own SDP
 * and an outgoing leg offers a fixed placeholder SDP (doc/callcontrol.md).
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
#include <osmocom/core/utils.h>

#include "db/cdr_record.h"
#include "db/cdr_sip.h"
#include "db/cdr_writer.h"
#include "isup/isup_names.h"
#include "isup/isup_params.h"
#include "isup/sipi_body.h"
#include "isup/sipi_call.h"
#include "isup/sipi_cause.h"
#include "isup/sipi_reason.h"
#include "isup/sipi_redir.h"
#include "src/app.h"
#include "src/cc.h"
#include "src/cc_media.h"
#include "src/cc_sip_priv.h"
#include "src/sip_agent.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/* Extra headers of an outgoing INVITE (P-Asserted-Identity, Privacy,
 * History-Info, Diversion), bounded. */
#define CC_EXTRA_HDRS_MAX	1024

const char *cc_sip_leg_state(const struct cc_sip_leg *leg)
{
	return leg ? osmo_fsm_inst_state_name(leg->fi) : "-";
}

const char *cc_url_number(const url_t *url)
{
	if (!url)
		return NULL;
	return url->url_type == url_tel ? url->url_host : url->url_user;
}

const char *cc_sdp_of(const sip_t *sip)
{
	if (sip && sip->sip_payload && sip->sip_payload->pl_len && sip->sip_content_type &&
	    sip->sip_content_type->c_type && !strcasecmp(sip->sip_content_type->c_type, "application/sdp"))
		return sip->sip_payload->pl_data;
	return NULL;
}

/* A response of an incoming leg, with the body the profile asks for: the
 * SDP, and for SIP-I/SIP-T the ISUP message it came from. */
void cc_sip_respond_contact(struct cc_sip_leg *leg, int status, const char *sdp,
				   const struct isup_msg *isup, const char *reason, const char *contact)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct sipi_body *b = NULL;
	const char *ct = NULL, *cd = NULL, *mv = NULL;
	sip_payload_t *pl = NULL;
	bool reliable;

	if ((sdp || isup) && sipi_body_build(leg, &leg->call->prof, sdp, isup, &b) == 0 && b) {
		ct = b->content_type;
		cd = b->content_disposition;
		mv = b->mime_version;
		pl = sip_payload_create(home, b->data, b->len);
	}
	/* 100rel: reliable 18x when the trunk allows it and the caller
	 * supports it; nua adds RSeq and waits for the PRACK.  An INVITE
	 * without an offer must get ours in the first reliable response
	 * (RFC 3262 5): an 18x without it goes unreliable. */
	reliable = status > 100 && status < 200 && leg->rel100 &&
		   (sdp || !leg->delayed_offer || leg->offer_sent || leg->sdp_done);
	nua_respond(leg->nh, status, sip_status_phrase(status) ?: "Call Failed",
		    TAG_IF(reliable, SIPTAG_REQUIRE_STR("100rel")),
		    TAG_IF(reason, SIPTAG_REASON_STR(reason)), TAG_IF(contact, SIPTAG_CONTACT_STR(contact)),
		    TAG_IF(status == 415, SIPTAG_ACCEPT_STR(sipi_accept)), TAG_IF(ct, SIPTAG_CONTENT_TYPE_STR(ct)),
		    TAG_IF(cd, SIPTAG_CONTENT_DISPOSITION_STR(cd)), TAG_IF(mv, SIPTAG_MIME_VERSION_STR(mv)),
		    TAG_IF(pl, SIPTAG_PAYLOAD(pl)), TAG_END());
	su_home_deinit(home);
	talloc_free(b);
	if (reliable && leg->rel18x_sent < UINT16_MAX)
		leg->rel18x_sent++;
	/* an offer of ours (delayed offer) is done only with its answer */
	if (sdp && !leg->offer_sent && ((status >= 200 && status < 300) || reliable))
		leg->sdp_done = true;
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "%d%s", status, pl ? " (body)" : "");
}

void cc_sip_respond(struct cc_sip_leg *leg, int status, const char *sdp, const struct isup_msg *isup,
			   const char *reason)
{
	cc_sip_respond_contact(leg, status, sdp, isup, reason, NULL);
}

void cc_reason(char *buf, size_t len, uint8_t cause, int location)
{
	if (sipi_reason_format(buf, len, cause, location, NULL) < 0)
		snprintf(buf, len, "Q.850;cause=%u", cause);
}

/* Release this leg towards its SIP peer: final response (in, before
 * answer), CANCEL (out, before answer) or BYE, with a Q.850 Reason. */
static void cc_sip_send_release(struct cc_sip_leg *leg, const struct cc_release *rel)
{
	char reason[128], uri[160], contact[168];
	bool moved = false;
	uint16_t status;

	leg->released = true;
	if (!leg->nh)
		return;
	cc_reason(reason, sizeof(reason), rel->cause, rel->location);
	if (leg->fi->state == CC_LEG_ST_ANSWERED) {
		nua_bye(leg->nh, SIPTAG_REASON_STR(reason), TAG_END());
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "BYE cause=%u", rel->cause);
		return;
	}
	if (leg->final)
		return;
	if (leg->outgoing) {
		nua_cancel(leg->nh, SIPTAG_REASON_STR(reason), TAG_END());
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "CANCEL cause=%u", rel->cause);
		return;
	}
	status = rel->status >= 300 ? rel->status :
		sipi_status_from_cause(leg->call->prof.cause_map, rel->cause,
				       rel->location >= 0 ? rel->location : CDR_LOC_BEYOND_IW);
	/* cause 22 with the new number in its diagnostic: 301 to it */
	if (status == 410 && sipi_contact_from_cause(uri, sizeof(uri), &leg->call->prof, rel->isup_cause) > 0) {
		snprintf(contact, sizeof(contact), "<%s>", uri);
		status = 301;
		moved = true;
	}
	leg->final = true;
	LOGPFSML(leg->fi, LOGL_INFO, "cause %u -> SIP %u\n", rel->cause, status);
	cc_sip_respond_contact(leg, status, NULL, NULL, reason, moved ? contact : NULL);
}

void cc_sip_report_release(struct cc_sip_leg *leg, uint8_t cause, int location, uint16_t status)
{
	struct cc_release rel = { .from = CC_SIDE_SIP, .cause = cause, .location = location, .status = status };

	leg->released = true;
	osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_RELEASE, &rel);
}

/* ISUP progress -> 18x (incoming leg). */
static void cc_sip_progress_out(struct cc_sip_leg *leg, const struct cc_progress *pr)
{
	struct sipi_progress p;
	const char *sdp;

	if (leg->outgoing || leg->final || !pr->msg)
		return;
	if (sipi_progress_from_isup(pr->msg, &p) < 0 || !p.status)
		return;
	if (leg->fi->state == CC_LEG_ST_PROCEEDING)
		osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ALERTING, 0, 0);
	/* early media: the gateway's answer once there (or the placeholder) */
	/* a delayed offer rides on the first reliable 18x, with or
	 * without in-band information (RFC 3262 5) */
	sdp = p.with_sdp || (leg->delayed_offer && leg->rel100 && !leg->offer_sent && !leg->sdp_done) ?
		cc_sip_sdp_out(leg, p.status) : NULL;
	/* without it yet: this 18x again with the SDP when it comes */
	leg->early_resend = p.with_sdp && !sdp && cc_call_media_pending(leg->call) ? p.status : 0;
	cc_sip_respond(leg, p.status, sdp, pr->msg, NULL);
}

void cc_sip_media_ready(struct cc_sip_leg *leg)
{
	struct cc_progress pr = { .from = CC_SIDE_ISUP };
	uint16_t status = leg->early_resend;
	const char *sdp;

	leg->early_resend = 0;
	if (leg->outgoing || leg->final || leg->released)
		return;
	if (leg->answer_pending) {
		/* the 200 carries the SDP: no 18x in between */
		osmo_fsm_inst_dispatch(leg->fi, CC_LEG_EV_ANSWER_REQ, &pr);
		return;
	}
	sdp = status ? cc_sip_sdp_out(leg, status) : NULL;
	if (sdp) {
		/* the ISUP message went with the first one */
		LOGPFSML(leg->fi, LOGL_INFO, "%u again, now with the gateway's SDP\n", status);
		cc_sip_respond(leg, status, sdp, NULL, NULL);
	}
}

static void cc_sip_answer_out(struct cc_sip_leg *leg, const struct cc_progress *pr)
{
	if (leg->outgoing || leg->final)
		return;
	if (cc_call_media_pending(leg->call) || cc_sip_offer_unanswered(leg)) {
		/* sent when the gateway's SDP, or the PRACK's answer to our
		 * offer, arrives; with the ANM/CON of now (SIP-I/SIP-T) */
		leg->answer_pending = true;
		if (pr->msg && !leg->answer_isup)
			leg->answer_isup = cc_isup_msg_copy(leg, pr->msg);
		return;
	}
	leg->answer_pending = false;
	leg->final = true;
	osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ANSWERED, 0, 0);
	cc_sip_respond(leg, 200, cc_sip_sdp_out(leg, 200), pr->msg ?: leg->answer_isup, NULL);
	TALLOC_FREE(leg->answer_isup);
}

uint8_t cc_request_cause(const struct cc_call *call, enum sipi_release_req req, const sip_t *sip)
{
	struct sipi_reason reason = {};
	struct isup_cause cause = {};

	if (sip && sipi_reason_from_sip(sip, &reason) < 0)
		memset(&reason, 0, sizeof(reason));
	sipi_cause_from_request(call->prof.cause_map, req, &reason, &cause);
	return cause.value;
}

/* A challenge to our INVITE: answer it once with the trunk's credentials. */
static bool cc_sip_authenticate(struct cc_sip_leg *leg, const sip_t *sip)
{
	const msg_auth_t *au = sip->sip_www_authenticate ?: sip->sip_proxy_authenticate;
	const char *realm = au ? msg_header_find_param(au->au_common, "realm=") : NULL;
	char cred[3 * SIP_TRUNK_CRED_MAX + 32];

	if (leg->auth_tried || !leg->trunk || !realm)
		return false;
	/* sip_trunk_auth_string() takes the realm quoted as it came, and
	 * refuses one too long rather than cutting it */
	if (sip_trunk_auth_string(leg->trunk, realm, cred, sizeof(cred)) < 0)
		return false;
	leg->auth_tried = true;
	nua_authenticate(leg->nh, NUTAG_AUTH(cred), TAG_END());
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "INVITE (credentials)");
	return true;
}

/* The far end's answer to the gateway's offer goes to the gateway.
 * \returns 0, or < 0 after the call was failed (it may be gone) */
int cc_sip_media_answer(struct cc_sip_leg *leg, const char *sdp)
{
	int rc = cc_call_media_answer(leg->call, sdp);

	if (rc == -ENOTSUP || rc == -EINVAL) {
		/* Q.1912.5: no common codec -> cause 65 (BYE, REL) */
		LOGPFSML(leg->fi, LOGL_NOTICE, "the answer's SDP has no codec the gateway offered\n");
		cc_call_fail(leg->call, CC_CAUSE_BEARER, CC_CTR_FAIL_CODEC);
		return rc;
	}
	if (rc < 0) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "the gateway cannot take the answer now: %d\n", rc);
		cc_call_fail(leg->call, CC_CAUSE_RESOURCE, CC_CTR_FAIL_MEDIA);
		return rc;
	}
	return 0;
}

/* The answer of the far end to our INVITE (outgoing leg), its body read. */
static void cc_sip_r_invite_pr(struct cc_sip_leg *leg, int status, const sip_t *sip, struct cc_progress pr)
{
	struct isup_cause cause = {};
	/* RFC 3262: a reliable 18x may carry the answer, the 200 then none */
	bool answered_early = leg->sdp_done;

	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_SIP, "%d", status);
	if (pr.sdp && ((status >= 200 && status < 300) ||
		       (status > 100 && sip && sip_has_feature(sip->sip_require, "100rel"))))
		leg->sdp_done = true;
	if (!leg->call->call_id && sip && sip->sip_call_id) {
		leg->call->call_id = talloc_strndup(leg->call, sip->sip_call_id->i_id, CDR_CALL_ID_MAX);
		cdr_record_set(leg->call->cdr, sip_call_id, sip->sip_call_id->i_id);
	}
	if (status < 200) {
		if (status == 100 || leg->released)
			return;
		if (leg->sdp_done && !answered_early && cc_sip_media_answer(leg, pr.sdp) < 0)
			return;
		/* Q.1912.5: T9 awaits the answer from the first 18x on */
		if (leg->fi->state == CC_LEG_ST_PROCEEDING)
			osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ALERTING,
						osmo_tdef_get(cc_tdefs, CC_T9, OSMO_TDEF_S, -1), CC_T9);
		osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_PROGRESS, &pr);
		return;
	}
	if (status < 300) {
		nua_ack(leg->nh, TAG_END());
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "ACK");
		leg->final = true;
		osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ANSWERED, 0, 0);
		if (leg->released) {
			/* our CANCEL crossed the 200: end the dialog */
			nua_bye(leg->nh, TAG_END());
			cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "BYE");
			return;
		}
		if (!answered_early && cc_sip_media_answer(leg, pr.sdp) < 0)
			return;
		osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_ANSWER, &pr);
		return;
	}
	if ((status == 401 || status == 407) && sip && cc_sip_authenticate(leg, sip))
		return;
	leg->final = true;
	if (leg->released)
		return;
	cc_sip_response_cause(leg, status, sip, CC_CAUSE_INTERWORKING, &cause);
	LOGPFSML(leg->fi, LOGL_INFO, "SIP %d -> cause %u\n", status, cause.value);
	if (leg->trunk)
		sip_trunk_ctr_inc(leg->trunk, SIP_TRUNK_CTR_FAILED);
	osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_RELEASING, 0, 0);
	cc_sip_report_release(leg, cause.value, cause.location, status);
}

void cc_sip_response_cause(const struct cc_sip_leg *leg, int status, const sip_t *sip, uint8_t fallback,
			   struct isup_cause *out)
{
	struct sipi_reason reason = {};

	memset(out, 0, sizeof(*out));
	if (sip && sipi_reason_from_sip(sip, &reason) < 0)
		memset(&reason, 0, sizeof(reason));
	if (sipi_cause_from_sip(leg->call->prof.cause_map, status, &reason, out) < 0)
		out->value = fallback;
}

/* A 18x/2xx whose body does not parse (a required ISUP part we cannot
 * read...): the call is released with the reaction's cause, 127
 * (doc/interworking.md); a 2xx is acknowledged first, then BYE. */
static void cc_sip_r_invite_bad_body(struct cc_sip_leg *leg, int status, int rc)
{
	struct sipi_reaction re;

	sipi_body_reaction(rc, &re);
	LOGPFSML(leg->fi, LOGL_NOTICE, "body of the %d refused (%d): cause %u\n", status, rc, re.cause);
	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_SIP, "%d (bad body)", status);
	if (status >= 200) {
		nua_ack(leg->nh, TAG_END());
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "ACK");
		leg->final = true;
		osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_ANSWERED, 0, 0);
	}
	cc_call_fail(leg->call, re.cause ?: CC_CAUSE_INTERWORKING, CC_CTR_BODY_BAD);
}

/* The answer of the far end to our INVITE: a multipart body (SIP-I/SIP-T)
 * gives the SDP and the encapsulated ACM/CPG/ANM/CON our ISUP message
 * takes its parameters from. */
static void cc_sip_r_invite(struct cc_sip_leg *leg, int status, const sip_t *sip)
{
	struct cc_progress pr = { .from = CC_SIDE_SIP, .status = status, .sdp = cc_sdp_of(sip) };
	struct sipi_body_result *body = NULL;
	int rc;

	if (!pr.sdp && status > 100 && status < 300 && sip && sip->sip_payload && sip->sip_payload->pl_len) {
		/* under the call control root: the leg may go during the dispatch */
		rc = sipi_body_parse(g_cc, &leg->call->prof, sip, &body);
		if (rc < 0) {
			cc_sip_r_invite_bad_body(leg, status, rc);
			return;
		}
		if (body) {
			pr.sdp = body->sdp;
			pr.msg = body->isup;
		}
	}
	cc_sip_r_invite_pr(leg, status, sip, pr);
	talloc_free(body);
}

/* T7 (no 18x/2xx) or T9 (no answer) of our INVITE: CANCEL, and the call
 * is released with cause 102 / 19 (Q.1912.5). */
static int cc_sip_leg_timer_cb(struct osmo_fsm_inst *fi)
{
	struct cc_sip_leg *leg = fi->priv;
	bool t7 = fi->T == CC_T7;
	struct cc_release rel = { .cause = t7 ? CC_CAUSE_TIMER_EXPIRY : CC_CAUSE_NO_ANSWER,
				  .location = CDR_LOC_TRANSIT };

	LOGPFSML(fi, LOGL_NOTICE, "T%d expired: CANCEL, cause %u\n", fi->T, rel.cause);
	cc_ctr_inc(t7 ? CC_CTR_FAIL_T7 : CC_CTR_FAIL_T9);
	cc_sip_send_release(leg, &rel);
	osmo_fsm_inst_state_chg(fi, CC_LEG_ST_RELEASING, 0, 0);
	cc_sip_report_release(leg, rel.cause, rel.location, 0);
	return 0;
}

static void cc_sip_leg_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cc_sip_leg *leg = fi->priv;

	switch (event) {
	case CC_LEG_EV_PROGRESS_REQ:
		cc_sip_progress_out(leg, data);
		break;
	case CC_LEG_EV_ANSWER_REQ:
		cc_sip_answer_out(leg, data);
		break;
	case CC_LEG_EV_RELEASE_REQ:
		cc_sip_send_release(leg, data);
		if (fi->state != CC_LEG_ST_RELEASING)
			osmo_fsm_inst_state_chg(fi, CC_LEG_ST_RELEASING, 0, 0);
		break;
	case CC_LEG_EV_GONE:
		osmo_fsm_inst_term(fi, OSMO_FSM_TERM_REGULAR, NULL);
		break;
	case CC_LEG_EV_MIDCALL_REQ:
		cc_sip_midcall_out(leg, data);
		break;
	}
}

static void cc_sip_leg_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause why)
{
	struct cc_sip_leg *leg = fi->priv;
	struct cc_call *call = leg->call;
	struct cc_release rel = { .cause = CC_CAUSE_TEMP_FAILURE, .location = CDR_LOC_TRANSIT };

	osmo_timer_del(&leg->hold_retry);
	if (leg->nh) {
		nua_handle_bind(leg->nh, NULL);
		/* freed with the dialog up (shutdown, guard timer) */
		if (!leg->released)
			cc_sip_send_release(leg, &rel);
		nua_handle_destroy(leg->nh);
		leg->nh = NULL;
	}
	if (!leg->released && why != OSMO_FSM_TERM_PARENT)
		cc_sip_report_release(leg, CC_CAUSE_TEMP_FAILURE, CDR_LOC_TRANSIT, 0);
	if (call->sip == leg)
		call->sip = NULL;
}

#define LEG_EVENTS (S(CC_LEG_EV_PROGRESS_REQ) | S(CC_LEG_EV_ANSWER_REQ) | S(CC_LEG_EV_RELEASE_REQ) | \
		    S(CC_LEG_EV_GONE) | S(CC_LEG_EV_MIDCALL_REQ))

static const struct osmo_fsm_state cc_sip_leg_states[] = {
	[CC_LEG_ST_PROCEEDING] = {
		.name = "PROCEEDING",
		.in_event_mask = LEG_EVENTS,
		/* itself: T7 starts once the INVITE is out */
		.out_state_mask = S(CC_LEG_ST_PROCEEDING) | S(CC_LEG_ST_ALERTING) | S(CC_LEG_ST_ANSWERED) |
				  S(CC_LEG_ST_RELEASING),
		.action = cc_sip_leg_action,
	},
	[CC_LEG_ST_ALERTING] = {
		.name = "ALERTING",
		.in_event_mask = LEG_EVENTS,
		.out_state_mask = S(CC_LEG_ST_ANSWERED) | S(CC_LEG_ST_RELEASING),
		.action = cc_sip_leg_action,
	},
	[CC_LEG_ST_ANSWERED] = {
		.name = "ANSWERED",
		.in_event_mask = LEG_EVENTS,
		.out_state_mask = S(CC_LEG_ST_RELEASING),
		.action = cc_sip_leg_action,
	},
	[CC_LEG_ST_RELEASING] = {
		.name = "RELEASING",
		.in_event_mask = LEG_EVENTS,
		/* a 200 crossing our CANCEL still confirms the dialog */
		.out_state_mask = S(CC_LEG_ST_ANSWERED),
		.action = cc_sip_leg_action,
	},
};

static struct osmo_fsm cc_sip_leg_fsm = {
	.name = "CC_SIP_LEG",
	.states = cc_sip_leg_states,
	.num_states = ARRAY_SIZE(cc_sip_leg_states),
	.log_subsys = DCC,
	.event_names = cc_leg_event_names,
	.cleanup = cc_sip_leg_cleanup,
	.timer_cb = cc_sip_leg_timer_cb,
};

static struct cc_sip_leg *cc_sip_leg_alloc(struct cc_call *call, struct sip_trunk *t, bool outgoing)
{
	struct osmo_fsm_inst *fi = cc_leg_fsm_alloc(call, &cc_sip_leg_fsm, CC_EV_SIP_LEG_GONE,
						    sizeof(struct cc_sip_leg));
	struct cc_sip_leg *leg;

	if (!fi)
		return NULL;
	leg = fi->priv;
	leg->fi = fi;
	leg->call = call;
	leg->outgoing = outgoing;
	leg->trunk = t;
	call->sip = leg;
	return leg;
}

struct cc_sip_leg *cc_sip_leg_alloc_in(struct cc_call *call, nua_handle_t *nh, struct sip_trunk *t)
{
	struct cc_sip_leg *leg = cc_sip_leg_alloc(call, t, false);

	if (!leg)
		return NULL;
	leg->nh = nh;
	nua_handle_bind(nh, leg);
	return leg;
}

/* The profile of a SIP trunk's calls. */
void cc_trunk_profile(struct sipi_profile *p, const struct sip_trunk *t, int variant)
{
	sipi_profile_init(p, t->mode);
	p->cause_map = t->cause_map;
	p->variant = variant;
	/* sip: URIs in the trunk's domain rather than tel: URIs */
	if (t->num_peers)
		p->host = t->peers[0].host;
}

/* Placeholder offer of an outgoing INVITE until the media gateway makes
 * the offer (doc/callcontrol.md): no media flows through tandemd. */
static char *cc_placeholder_offer(void *ctx)
{
	const char *addr = g_app && g_app->sip && g_app->sip->cfg.local_addr ? g_app->sip->cfg.local_addr :
			   "127.0.0.1";

	return talloc_asprintf(ctx,
			       "v=0\r\no=tandem 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
			       "m=audio 4000 RTP/AVP 8 0 101\r\na=rtpmap:8 PCMA/8000\r\na=rtpmap:0 PCMU/8000\r\n"
			       "a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=sendrecv\r\n", addr, addr);
}

char *cc_sip_sdp_ours(void *ctx, const struct cc_sip_leg *leg)
{
	const char *sdp = cc_call_sdp(leg->call);

	if (leg->outgoing && !leg->call->media)
		return cc_placeholder_offer(ctx);
	return sdp ? talloc_strdup(ctx, sdp) : NULL;
}

static void cc_extra_hdr(char *buf, size_t len, const char *name, const char *val)
{
	size_t n = strlen(buf);

	if (val && n < len)
		snprintf(buf + n, len - n, "%s%s: %s", n ? "\r\n" : "", name, val);
}

struct cc_sip_leg *cc_sip_leg_alloc_out(struct cc_call *call, struct sip_trunk *t, const char *number)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct sipi_invite_hdrs *hdrs = NULL;
	struct sipi_body *b = NULL;
	char ruri[256], extra[CC_EXTRA_HDRS_MAX] = "", mf[16];
	struct cc_sip_leg *leg;
	sip_payload_t *pl = NULL;
	nua_t *nua;
	char *sdp;
	int rc;

	/* the trunk's own bind (`local-bind`), else the agent's listener */
	nua = sip_trunk_nua(t);
	if (!nua)
		return NULL;
	rc = sip_trunk_request_uri(t, number, ruri, sizeof(ruri));
	if (rc < 0) {
		LOGPFSML(call->fi, LOGL_NOTICE, "trunk %s: no Request-URI for %s: %d\n", t->name, number, rc);
		return NULL;
	}
	cc_trunk_profile(&call->prof, t, call->iam->variant);
	leg = cc_sip_leg_alloc(call, t, true);
	if (!leg)
		return NULL;
	rc = sipi_iam_to_invite(leg, &call->prof, call->iam, &hdrs);
	sdp = call->media ? talloc_strdup(leg, call->media_sdp) : cc_placeholder_offer(leg);
	if (rc == 0 && sdp)
		rc = sipi_body_build(leg, &call->prof, sdp, call->iam, &b);
	if (rc < 0 || !hdrs || !b) {
		LOGPFSML(call->fi, LOGL_ERROR, "cannot build the INVITE from the IAM: %d\n", rc);
		cc_ctr_inc(CC_CTR_FAIL_INVITE);
		goto fail;
	}
	cc_extra_hdr(extra, sizeof(extra), "P-Asserted-Identity", hdrs->p_asserted_identity);
	cc_extra_hdr(extra, sizeof(extra), "Privacy", hdrs->privacy);
	cc_extra_hdr(extra, sizeof(extra), "History-Info", hdrs->history_info);
	cc_extra_hdr(extra, sizeof(extra), "Diversion", hdrs->diversion);
	snprintf(mf, sizeof(mf), "%u", hdrs->max_forwards);
	leg->nh = nua_handle(nua, leg, NUTAG_URL(ruri), SIPTAG_TO_STR(hdrs->to),
			     SIPTAG_FROM_STR(hdrs->from), TAG_END());
	if (!leg->nh) {
		cc_ctr_inc(CC_CTR_FAIL_INVITE);
		goto fail;
	}
	pl = sip_payload_create(home, b->data, b->len);
	/* 100rel (RFC 3262) per the trunk: nua sends the PRACKs */
	nua_invite(leg->nh, TAG_IF(t->rel100 == SIP_TRUNK_100REL_SUPPORTED, SIPTAG_SUPPORTED_STR("100rel")),
		   TAG_IF(t->rel100 == SIP_TRUNK_100REL_REQUIRED, SIPTAG_REQUIRE_STR("100rel")),
		   TAG_IF(hdrs->max_forwards, SIPTAG_MAX_FORWARDS_STR(mf)),
		   TAG_IF(extra[0], SIPTAG_HEADER_STR(extra)), SIPTAG_CONTENT_TYPE_STR(b->content_type),
		   TAG_IF(b->content_disposition, SIPTAG_CONTENT_DISPOSITION_STR(b->content_disposition)),
		   TAG_IF(b->mime_version, SIPTAG_MIME_VERSION_STR(b->mime_version)), SIPTAG_PAYLOAD(pl),
		   TAG_END());
	su_home_deinit(home);
	sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_CALL_OUT);
	osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_PROCEEDING, osmo_tdef_get(cc_tdefs, CC_T7, OSMO_TDEF_S, -1),
				CC_T7);
	cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "INVITE %s%s", number,
		  sipi_profile_encapsulates(&call->prof) ? " (IAM)" : "");
	LOGPFSML(call->fi, LOGL_INFO, "INVITE %s on trunk %s\n", ruri, t->name);
	talloc_free(b);
	talloc_free(hdrs);
	talloc_free(sdp);
	return leg;
fail:
	su_home_deinit(home);
	/* nothing was sent: the leg goes quietly */
	leg->released = true;
	call->sip = NULL;
	osmo_fsm_inst_term(leg->fi, OSMO_FSM_TERM_ERROR, NULL);
	return NULL;
}

bool cc_sip_event(int event, int status, const char *phrase, nua_handle_t *nh, void *hmagic,
		  const sip_t *sip, int callstate)
{
	struct cc_sip_leg *leg = hmagic;
	struct cc_call *call;

	if (!leg || leg->nh != nh)
		return false;
	call = leg->call;
	switch (event) {
	case nua_i_invite:
		cc_sip_reinvite(leg, sip);
		return true;
	case nua_r_invite:
		if (leg->reinvite_out)
			cc_sip_hold_response(leg, status, sip);
		else
			cc_sip_r_invite(leg, status, sip);
		return true;
	case nua_i_cancel:
		cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "CANCEL");
		/* nua answers the CANCEL and the INVITE (487) itself */
		leg->final = true;
		if (!leg->released && leg->fi->state != CC_LEG_ST_ANSWERED) {
			osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_RELEASING, 0, 0);
			cc_sip_report_release(leg, cc_request_cause(call, SIPI_REQ_CANCEL, sip), CDR_LOC_USER, 0);
		}
		return true;
	case nua_i_bye:
		cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "BYE");
		if (!leg->released) {
			osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_RELEASING, 0, 0);
			cc_sip_report_release(leg, cc_request_cause(call, SIPI_REQ_BYE, sip), CDR_LOC_USER, 0);
		}
		return true;
	case nua_i_state:
		if (callstate == nua_callstate_terminated)
			osmo_fsm_inst_dispatch(leg->fi, CC_LEG_EV_GONE, NULL);
		return true;
	case nua_r_bye:
	case nua_r_cancel:
		if (status >= 200)
			cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "%d (%s)", status,
				  event == nua_r_bye ? "BYE" : "CANCEL");
		return true;
	case nua_i_ack:
		cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "ACK");
		cc_sip_ack_in(leg, sip);
		return true;
	case nua_i_info:
		cc_sip_i_info(leg, sip);
		return true;
	case nua_r_info:
		cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "%d (INFO)", status);
		if (status >= 300) {
			/* the ISUP message it carried is lost on the way */
			LOGPFSML(leg->fi, LOGL_NOTICE, "INFO refused: %d %s\n", status, phrase ?: "");
			cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
		}
		return true;
	case nua_i_prack:
		cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "PRACK");
		cc_sip_prack_in(leg, sip);
		return true;
	case nua_i_update:
		cc_sip_update(leg, sip);
		return true;
	case nua_i_active:
	case nua_i_terminated:
	case nua_r_ack:
		return true;
	default:
		LOGPFSML(leg->fi, LOGL_DEBUG, "nua %s %d %s\n", nua_event_name(event), status, phrase ?: "");
		return false;
	}
}

/* ---- an INVITE arrives ---- */

int cc_sip_leg_init(void)
{
	return osmo_fsm_register(&cc_sip_leg_fsm);
}
