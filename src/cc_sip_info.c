/* Call control: mid-call ISUP messages on the SIP leg, carried in INFO
 * (SIP-I / SIP-T, Q.1912.5): out towards the SIP peer and in from it.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_alloc.h>
#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "isup/isup_names.h"
#include "isup/sipi_body.h"
#include "isup/sipi_call.h"
#include "isup/sipi_err.h"
#include "src/cc.h"
#include "src/cc_overlap.h"
#include "src/cc_sip_priv.h"
#include "src/sip_agent.h"
#include "src/tandem_log.h"

/* Mid-call ISUP of the other leg (CPG, SUS, RES, ...) towards SIP: INFO
 * with the message encapsulated (SIP-I/SIP-T only; plain SIP has no
 * mapping for them, Q.1912.5 / RFC 3398). */
void cc_sip_midcall_out(struct cc_sip_leg *leg, const struct cc_midcall *mc)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct sipi_body *b = NULL;

	if (!leg->nh || leg->released)
		return;
	if (mc->msg->type == ISUP_MSG_CPG && cc_sip_hold_out(leg, mc->msg))
		return;
	if (!sipi_profile_encapsulates(&leg->call->prof) ||
	    sipi_body_build(leg, &leg->call->prof, NULL, mc->msg, &b) < 0 || !b) {
		LOGPFSML(leg->fi, LOGL_INFO, "mid-call %s not passed on: no INFO for it on this profile\n",
			 isup_msg_type_name(mc->msg->type));
		cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
		return;
	}
	nua_info(leg->nh, SIPTAG_CONTENT_TYPE_STR(b->content_type),
		 TAG_IF(b->content_disposition, SIPTAG_CONTENT_DISPOSITION_STR(b->content_disposition)),
		 SIPTAG_PAYLOAD(sip_payload_create(home, b->data, b->len)), TAG_END());
	su_home_deinit(home);
	talloc_free(b);
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "INFO (%s)", isup_msg_type_name(mc->msg->type));
}

/* Our final answer to an INFO: nua leaves INFO to us
 * (NUTAG_APPL_METHOD), so that a body we cannot read gets its RFC 3204
 * answer rather than a 200 that tells the peer its ISUP message arrived. */
static void cc_sip_info_respond(struct cc_sip_leg *leg, int status, const char *accept)
{
	nua_respond(leg->nh, status, sip_status_phrase(status) ?: "Bad Request",
		    NUTAG_WITH_THIS(sip_agent_current_nua()), TAG_IF(accept, SIPTAG_ACCEPT_STR(accept)), TAG_END());
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "%d (INFO)", status);
}

/* A body of a type we do not read that is still answered 200: on plain
 * SIP any (nothing of ours travels in INFO there, and legacy peers send
 * key presses as application/dtmf-relay or application/dtmf: the digits
 * reach the other side in band or as RFC 4733 through the gateway); on
 * SIP-I/SIP-T those DTMF types only, anything else gets RFC 3204's 415. */
static bool cc_sip_info_foreign_ok(const struct cc_sip_leg *leg, const sip_t *sip)
{
	const char *t = sip->sip_content_type ? sip->sip_content_type->c_type : NULL;

	if (!t)
		return false;
	if (!sipi_profile_encapsulates(&leg->call->prof))
		return true;
	return !strcasecmp(t, "application/dtmf-relay") || !strcasecmp(t, "application/dtmf");
}

/* An INFO of the dialog: the ISUP message of a SIP-I/SIP-T body goes to
 * the other leg when Q.1912.5 carries it in INFO. */
void cc_sip_i_info(struct cc_sip_leg *leg, const sip_t *sip)
{
	struct sipi_body_result *body = NULL;
	struct cc_midcall mc = { .from = CC_SIDE_SIP };
	struct sipi_reaction react;
	int rc;

	if (leg->released) {
		cc_sip_info_respond(leg, 481, NULL);
		return;
	}
	if (!sip || !sip->sip_payload || !sip->sip_payload->pl_len) {
		cc_sip_info_respond(leg, 200, NULL);
		return;
	}
	/* under the call control root: the leg may go during the dispatch */
	rc = sipi_body_parse(g_cc, &leg->call->prof, sip, &body);
	if (rc == -SIPI_ERR_UNSUPPORTED_TYPE && cc_sip_info_foreign_ok(leg, sip)) {
		cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_SIP, "INFO (%s, not read)", sip->sip_content_type->c_type);
		cc_sip_info_respond(leg, 200, NULL);
		return;
	}
	if (rc < 0 || !body) {
		sipi_body_reaction(rc, &react);
		cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_SIP, "INFO (bad body)");
		LOGPFSML(leg->fi, LOGL_NOTICE, "INFO body not understood (%d): %u\n", rc, react.status);
		cc_ctr_inc(CC_CTR_INFO_BODY_BAD);
		cc_sip_info_respond(leg, react.status, react.accept);
		return;
	}
	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_SIP, "INFO (%s)",
		  body->isup ? isup_msg_type_name(body->isup->type) : "no ISUP");
	/* the body was read: what becomes of its ISUP message is ours to decide */
	cc_sip_info_respond(leg, 200, NULL);
	if (!body->isup) {
		talloc_free(body);
		return;
	}
	mc.msg = body->isup;
	switch (body->isup->type) {
	case ISUP_MSG_SAM:
		/* overlap: more digits for the circuit (src/cc_overlap.c) */
		cc_overlap_info_sam(leg->call, body->isup);
		break;
	default:
		if (!sipi_info_carries(body->isup->type)) {
			LOGPFSML(leg->fi, LOGL_NOTICE, "%s in INFO not passed on\n",
				 isup_msg_type_name(body->isup->type));
			cc_ctr_inc(CC_CTR_MIDCALL_DROPPED);
			break;
		}
		/* CPG, SUS, RES...: the call passes them once answered */
		osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_MIDCALL, &mc);
		break;
	}
	talloc_free(body);
}
