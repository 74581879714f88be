/* Call control: an INVITE arrives (SIP -> ISUP): admission, routing, the
 * body per the trunk's profile, the IAM built from it.
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
#include "isup/isup_params.h"
#include "isup/sipi_body.h"
#include "isup/sipi_call.h"
#include "isup/sipi_cause.h"
#include "isup/sipi_reason.h"
#include "src/cc.h"
#include "src/cc_overlap.h"
#include "src/cc_sip_priv.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"

/* Refuse an INVITE before a call exists. */
static void cc_refuse(struct nua_s *nua, nua_handle_t *nh, const sip_t *sip, uint8_t cause)
{
	struct sipi_profile p;
	char reason[128];
	uint16_t status;

	cc_sipi_profile(&p, ISUP_VARIANT_ITU);
	status = sipi_status_from_cause(p.cause_map, cause, CDR_LOC_TRANSIT);
	cc_reason(reason, sizeof(reason), cause, CDR_LOC_TRANSIT);
	/* spooled before the answer leaves, as for every refused attempt */
	cdr_sip_refused(g_cdr, nua, sip, cause, CDR_LOC_TRANSIT);
	nua_respond(nh, status, sip_status_phrase(status) ?: "Call Failed", SIPTAG_REASON_STR(reason), TAG_END());
}

/* The INVITE's body per the profile: SDP and, for SIP-I/SIP-T, the
 * encapsulated IAM.  \returns 0, or < 0 after the call was failed */
static int cc_sip_body(struct cc_call *call, const sip_t *sip, struct sipi_body_result **out)
{
	struct sipi_reaction react;
	int rc;

	*out = NULL;
	if (!sip->sip_payload || !sip->sip_payload->pl_len)
		return 0;
	rc = sipi_body_parse(call, &call->prof, sip, out);
	if (rc == 0)
		return 0;
	sipi_body_reaction(rc, &react);
	LOGPFSML(call->fi, LOGL_NOTICE, "INVITE body refused (%d): %u\n", rc, react.status);
	cc_call_fail_status(call, react.cause ?: CC_CAUSE_INTERWORKING, react.status, CC_CTR_BODY_BAD);
	return -EINVAL;
}

/* A SIP-I body's IAM whose called number differs from the Request-URI:
 * the Request-URI wins (doc/interworking.md); counted and logged. */
static void cc_check_body_called(struct cc_call *call, const struct sipi_body_result *body, const char *called)
{
	struct isup_number num;

	if (!body || !body->isup || body->isup->type != ISUP_MSG_IAM || !called)
		return;
	if (isup_msg_get_number(body->isup, ISUP_PAR_CALLED, &num) < 0 || !strcmp(num.digits, called))
		return;
	cc_ctr_inc(CC_CTR_BODY_MISMATCH);
	LOGPFSML(call->fi, LOGL_NOTICE, "SIP-I body called %s disagrees with the Request-URI %s: URI wins\n",
		 num.digits, called);
}

static int cc_build_iam(struct cc_call *call, const sip_t *sip, const struct sipi_body_result *body)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct sipi_invite_in in;
	int rc;

	/* the URI strings of in live in a Sofia home, not in talloc */
	rc = sipi_invite_in_from_sip(home, sip, &in);
	if (rc == 0)
		rc = sipi_invite_to_iam(call, &call->prof, &in,
					body && body->isup && body->isup->type == ISUP_MSG_IAM ? body : NULL,
					&call->iam);
	su_home_deinit(home);
	return rc;
}

int cc_sip_invite(struct nua_s *nua, nua_handle_t *nh, const sip_t *sip)
{
	struct sipi_body_result *body = NULL;
	struct sip_trunk *trunk = NULL;
	const char *called, *calling, *sdp;
	struct cc_sip_leg *leg;
	struct cc_call *call;
	int variant;

	if (!g_cc)
		return -ENOENT;
	/* admission first: an unknown source is refused before routing */
	if (sip_trunk_admit(nua, nh, sip, &trunk) < 0)
		return 0;
	if (!g_cc->routes.num)
		return -ENOENT;
	cc_ctr_inc(CC_CTR_CALL_IN);
	if (trunk)
		sip_trunk_ctr_inc(trunk, SIP_TRUNK_CTR_CALL_IN);
	call = cc_call_alloc(CC_DIR_SIP_TO_ISUP);
	if (!call) {
		cc_refuse(nua, nh, sip, CC_CAUSE_CONGESTION);
		return 0;
	}
	leg = cc_sip_leg_alloc_in(call, nh, trunk);
	if (!leg) {
		osmo_fsm_inst_term(call->fi, OSMO_FSM_TERM_ERROR, NULL);
		cc_refuse(nua, nh, sip, CC_CAUSE_TEMP_FAILURE);
		return 0;
	}
	if (trunk)
		cc_trunk_profile(&call->prof, trunk, ISUP_VARIANT_ITU);
	else
		cc_sipi_profile(&call->prof, ISUP_VARIANT_ITU);
	called = sip->sip_request ? cc_url_number(sip->sip_request->rq_url) : NULL;
	calling = sip->sip_from ? cc_url_number(sip->sip_from->a_url) : NULL;
	cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "INVITE %s", called ?: "?");
	osmo_strlcpy(call->in_trunk, trunk ? trunk->name : "sip", sizeof(call->in_trunk));
	leg->rel100 = trunk && trunk->rel100 != SIP_TRUNK_100REL_OFF &&
		      (sip_has_feature(sip->sip_supported, "100rel") || sip_has_feature(sip->sip_require, "100rel"));
	cdr_record_set(call->cdr, called_in, called ?: "");
	cdr_record_set(call->cdr, calling_in, calling ?: "");
	cdr_record_set(call->cdr, calling_out, calling ?: "");
	cdr_record_set(call->cdr, ingress_trunk, call->in_trunk);
	if (sip->sip_call_id) {
		cdr_record_set(call->cdr, sip_call_id, sip->sip_call_id->i_id);
		call->call_id = talloc_strndup(call, sip->sip_call_id->i_id, CDR_CALL_ID_MAX);
	}

	/* nua has already sent 100 Trying for the INVITE; one more from us
	 * would only be a duplicate on the wire */
	cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "100");

	/* RFC 3578 en bloc: too few digits for the route get 484 */
	if (cc_overlap_invite(call, called, calling))
		return 0;
	if (!cc_call_lookup(call, called, calling, call->in_trunk))
		return 0;
	variant = cc_call_variant(call);
	if (variant < 0) {
		cc_call_fail(call, CC_CAUSE_NO_CIRCUIT, CC_CTR_FAIL_NO_CIRCUIT);
		return 0;
	}
	call->prof.variant = variant;
	if (cc_sip_body(call, sip, &body) < 0)
		return 0;
	sdp = body ? body->sdp : cc_sdp_of(sip);
	if (sdp && strlen(sdp) <= CC_SDP_MAX)
		call->sdp = talloc_strdup(call, sdp);
	cc_check_body_called(call, body, called);
	if (cc_build_iam(call, sip, body) < 0) {
		LOGPFSML(call->fi, LOGL_NOTICE, "cannot build the IAM from the INVITE\n");
		cc_call_fail(call, CC_CAUSE_INTERWORKING, CC_CTR_FAIL_IAM);
		return 0;
	}
	talloc_free(body);
	cc_call_proceed(call);
	return 0;
}
