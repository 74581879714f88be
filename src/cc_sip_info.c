/* Call control: mid-call ISUP messages on the SIP leg, carried in INFO
 * (SIP-I / SIP-T, Q.1912.5): out towards the SIP peer and in from it.
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

#include "isup/isup_names.h"
#include "isup/sipi_body.h"
#include "src/cc.h"
#include "src/cc_sip_priv.h"
#include "src/tandem_log.h"

/* SUS/RES towards SIP: INFO with the message encapsulated (SIP-I/SIP-T
 * only; plain SIP has no mapping for them). */
void cc_sip_midcall_out(struct cc_sip_leg *leg, const struct cc_midcall *mc)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	struct sipi_body *b = NULL;

	if (!leg->nh || leg->released || !sipi_profile_encapsulates(&leg->call->prof))
		return;
	if (sipi_body_build(leg, &leg->call->prof, NULL, mc->msg, &b) < 0 || !b)
		return;
	nua_info(leg->nh, SIPTAG_CONTENT_TYPE_STR(b->content_type),
		 TAG_IF(b->content_disposition, SIPTAG_CONTENT_DISPOSITION_STR(b->content_disposition)),
		 SIPTAG_PAYLOAD(sip_payload_create(home, b->data, b->len)), TAG_END());
	su_home_deinit(home);
	talloc_free(b);
	cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "INFO (%s)", isup_msg_type_name(mc->msg->type));
}

/* An INFO of the dialog: SUS/RES in a SIP-I/SIP-T body go to ISUP. */
void cc_sip_i_info(struct cc_sip_leg *leg, const sip_t *sip)
{
	struct sipi_body_result *body = NULL;
	struct cc_midcall mc = { .from = CC_SIDE_SIP };

	if (!sip || !sip->sip_payload || sipi_body_parse(leg, &leg->call->prof, sip, &body) < 0 || !body)
		return;
	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_SIP, "INFO (%s)",
		  body->isup ? isup_msg_type_name(body->isup->type) : "no ISUP");
	if (body->isup && (body->isup->type == ISUP_MSG_SUS || body->isup->type == ISUP_MSG_RES)) {
		mc.msg = body->isup;
		osmo_fsm_inst_dispatch(leg->call->fi, CC_EV_MIDCALL, &mc);
	}
	talloc_free(body);
}
