/* Call control: SDP offers of the SIP peer on an established (or early)
 * dialog: re-INVITE (hold / resume) and UPDATE (RFC 3311).
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

#include "src/app.h"
#include "src/cc.h"
#include "src/cc_media.h"
#include "src/cc_sip_priv.h"
#include "src/sip_agent.h"
#include "src/tandem_log.h"

/* The direction a peer's offer asks for, and the one our answer takes
 * (RFC 3264 6.1): sendonly <-> recvonly, inactive and sendrecv stay. */
static const char *cc_sdp_answer_dir(const char *offer)
{
	if (strstr(offer, "a=sendonly"))
		return "recvonly";
	if (strstr(offer, "a=recvonly"))
		return "sendonly";
	if (strstr(offer, "a=inactive"))
		return "inactive";
	return "sendrecv";
}

/* base with its direction attributes replaced by dir (at the end, in the
 * media section of a single-stream SDP) and the o= version raised by
 * bump, as a changed SDP must (RFC 3264 8). */
static char *cc_sdp_with_dir(void *ctx, const char *base, const char *dir, unsigned int bump)
{
	char *out = talloc_strdup(ctx, "");
	const char *line = base;

	while (out && *line) {
		const char *eol = strchr(line, '\n');
		size_t len = eol ? (size_t)(eol - line) : strlen(line);
		unsigned long long sess, ver;
		char user[64], rest[192];

		if (len && line[len - 1] == '\r')
			len--;
		if (!strncmp(line, "a=sendrecv", 10) || !strncmp(line, "a=sendonly", 10) ||
		    !strncmp(line, "a=recvonly", 10) || !strncmp(line, "a=inactive", 10)) {
			/* dropped: the answer's own comes last */
		} else if (len < sizeof(rest) && sscanf(line, "o=%63s %llu %llu %191[^\r\n]", user, &sess, &ver, rest) == 4) {
			out = talloc_asprintf_append(out, "o=%s %llu %llu %s\r\n", user, sess, ver + bump, rest);
		} else if (len) {
			out = talloc_asprintf_append(out, "%.*s\r\n", (int)len, line);
		}
		line = eol ? eol + 1 : line + strlen(line);
	}
	return out ? talloc_asprintf_append(out, "a=%s\r\n", dir) : NULL;
}

/* A re-INVITE on the answered dialog: hold (sendonly/inactive) and
 * resume with an offer; anything else gets 488 and leaves the dialog as
 * it was (RFC 3261 14.2). */
void cc_sip_reinvite(struct cc_sip_leg *leg, const sip_t *sip)
{
	struct cc_call *call = leg->call;
	const char *offer = cc_sdp_of(sip), *dir, *base;
	char *answer;

	cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "re-INVITE%s%s", offer ? " " : "",
		  offer ? cc_sdp_answer_dir(offer) : "");
	if (!offer || leg->fi->state != CC_LEG_ST_ANSWERED || leg->released || strlen(offer) > CC_SDP_MAX) {
		nua_respond(leg->nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
		cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "488");
		return;
	}
	dir = cc_sdp_answer_dir(offer);
	if (call->media && cc_media_set_mode(call->media, dir) < 0) {
		nua_respond(leg->nh, SIP_488_NOT_ACCEPTABLE, TAG_END());
		cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "488");
		return;
	}
	/* the gateway's answer again, or without a gateway the placeholder:
	 * the offer itself */
	base = call->media ? call->media_sdp : offer;
	answer = base ? cc_sdp_with_dir(leg, base, dir, ++leg->sdp_version) : NULL;
	cc_sip_respond(leg, answer ? 200 : 488, answer, NULL, NULL);
	talloc_free(answer);
}

/* An UPDATE (RFC 3311), before or after answer.  Without a body it
 * only refreshes; with an offer it is answered like a hold/resume
 * re-INVITE.  An offer while the INVITE's own offer/answer is still open
 * gets 500 + Retry-After (we owe the answer) or 491 (we made the offer),
 * RFC 3311 5.2.  nua leaves UPDATE to us (NUTAG_APPL_METHOD). */
void cc_sip_update(struct cc_sip_leg *leg, const sip_t *sip)
{
	struct cc_call *call = leg->call;
	nua_t *nua = g_app->sip->nua;
	const char *offer = cc_sdp_of(sip), *dir, *base;
	char *answer = NULL;

	cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "UPDATE%s%s", offer ? " " : "",
		  offer ? cc_sdp_answer_dir(offer) : "");
	if (leg->released) {
		nua_respond(leg->nh, SIP_481_NO_TRANSACTION, NUTAG_WITH_THIS(nua), TAG_END());
		cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "481 (UPDATE)");
		return;
	}
	if (!offer) {
		nua_respond(leg->nh, SIP_200_OK, NUTAG_WITH_THIS(nua), TAG_END());
		cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "200 (UPDATE)");
		return;
	}
	if (!leg->sdp_done) {
		if (leg->outgoing)
			nua_respond(leg->nh, SIP_491_REQUEST_PENDING, NUTAG_WITH_THIS(nua), TAG_END());
		else
			nua_respond(leg->nh, SIP_500_INTERNAL_SERVER_ERROR, NUTAG_WITH_THIS(nua),
				    SIPTAG_RETRY_AFTER_STR("1"), TAG_END());
		cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "%d (UPDATE)", leg->outgoing ? 491 : 500);
		cc_ctr_inc(CC_CTR_UPDATE_REFUSED);
		return;
	}
	dir = cc_sdp_answer_dir(offer);
	base = call->media ? call->media_sdp : offer;
	if (strlen(offer) > CC_SDP_MAX || !base || (call->media && cc_media_set_mode(call->media, dir) < 0) ||
	    !(answer = cc_sdp_with_dir(leg, base, dir, ++leg->sdp_version))) {
		nua_respond(leg->nh, SIP_488_NOT_ACCEPTABLE, NUTAG_WITH_THIS(nua), TAG_END());
		cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "488 (UPDATE)");
		cc_ctr_inc(CC_CTR_UPDATE_REFUSED);
		return;
	}
	nua_respond(leg->nh, SIP_200_OK, NUTAG_WITH_THIS(nua), SIPTAG_CONTENT_TYPE_STR("application/sdp"),
		    SIPTAG_PAYLOAD_STR(answer), TAG_END());
	cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "200 (UPDATE, %s)", dir);
	talloc_free(answer);
}

/* ---- nua -> the leg ---- */
