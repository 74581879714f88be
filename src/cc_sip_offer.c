/* Call control: SDP offer/answer of the SIP leg beyond the INVITE's own
 * offer: offers of the SIP peer on an established (or early) dialog
 * (re-INVITE, UPDATE: RFC 3261 14, RFC 3311), which go to the media
 * gateway in full (MDCX with the new address, port, codec and direction)
 * before they are answered; and our own offers (an INVITE or re-INVITE
 * without SDP, RFC 3261 13.2.1 / 14.2), whose answer comes in the PRACK
 * or the ACK.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <sofia-sip/msg.h>
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

/* The direction our answer takes to a peer's offer (RFC 3264 6.1):
 * sendonly <-> recvonly, inactive and sendrecv stay. */
static const char *cc_sdp_answer_dir(const char *offer)
{
	const char *dir = cc_media_sdp_dir(offer);

	if (!strcmp(dir, "sendonly"))
		return "recvonly";
	if (!strcmp(dir, "recvonly"))
		return "sendonly";
	return dir;
}

/* base with its direction attributes replaced by dir (at the end, in the
 * media section of a single-stream SDP) and the o= version raised by
 * bump, as a changed SDP must (RFC 3264 8). */
char *cc_sdp_with_dir(void *ctx, const char *base, const char *dir, unsigned int bump)
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

/* A peer's offer waiting for the gateway (MDCX under way). */
struct cc_sip_offer_wait {
	/* UPDATE: its request, to answer it later (NUTAG_WITH); a
	 * re-INVITE is answered without (nua finds the INVITE) */
	msg_t *update_req;
	bool update;
};

static int cc_sip_offer_wait_free(struct cc_sip_offer_wait *w)
{
	if (w->update_req)
		msg_destroy(w->update_req);
	return 0;
}

static const char *cc_offer_method(bool update)
{
	return update ? "UPDATE" : "re-INVITE";
}

/* A response to a mid-call offer; @with: the UPDATE's request (NULL: the
 * current one, or for a re-INVITE the pending INVITE). */
static void cc_offer_respond(struct cc_sip_leg *leg, bool update, msg_t *with, int status, const char *sdp)
{
	nua_t *nua = sip_agent_current_nua();
	msg_t *req = update ? (with ? with : nua_current_request(nua)) : NULL;
	const char *dir;

	nua_respond(leg->nh, status, sip_status_phrase(status) ?: "Error", TAG_IF(req, NUTAG_WITH(req)),
		    TAG_IF(status == 500, SIPTAG_RETRY_AFTER_STR("1")),
		    TAG_IF(sdp, SIPTAG_CONTENT_TYPE_STR("application/sdp")), TAG_IF(sdp, SIPTAG_PAYLOAD_STR(sdp)),
		    TAG_END());
	dir = sdp ? cc_media_sdp_dir(sdp) : NULL;
	if (dir)
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "%d (%s, %s)", status, cc_offer_method(update), dir);
	else
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "%d (%s)", status, cc_offer_method(update));
	if (status >= 300)
		cc_ctr_inc(update ? CC_CTR_UPDATE_REFUSED : CC_CTR_REINVITE_REFUSED);
	/* our answer receives only or nothing: the peer holds (Q.1912.5:
	 * CPG remote hold / retrieval towards ISUP); an offer of ours says
	 * nothing about that yet */
	if (status == 200 && dir && !leg->offer_sent)
		cc_call_hold_notify(leg->call, !strcmp(dir, "recvonly") || !strcmp(dir, "inactive"));
}

/* A peer's offer on the dialog, after the checks of its method: to the
 * gateway (answered in cc_sip_offer_done()), or without a gateway
 * answered at once with the placeholder (the offer itself). */
static void cc_sip_offer_in(struct cc_sip_leg *leg, const char *offer, bool update)
{
	struct cc_call *call = leg->call;
	nua_t *nua = sip_agent_current_nua();
	const char *dir = cc_sdp_answer_dir(offer);
	struct cc_sip_offer_wait *w;
	char *answer;
	int rc;

	if (strlen(offer) > CC_SDP_MAX) {
		cc_offer_respond(leg, update, NULL, 488, NULL);
		return;
	}
	/* RFC 3261 14.2 / RFC 3311 5.2: one offer at a time; we owe an
	 * answer (500 + Retry-After) or we await one (491) */
	if (leg->offer_wait) {
		cc_offer_respond(leg, update, NULL, 500, NULL);
		return;
	}
	if (leg->offer_sent) {
		cc_offer_respond(leg, update, NULL, 491, NULL);
		return;
	}
	if (!call->media) {
		answer = cc_sdp_with_dir(leg, offer, dir, ++leg->sdp_version);
		cc_offer_respond(leg, update, NULL, answer ? 200 : 488, answer);
		talloc_free(answer);
		return;
	}
	rc = cc_call_media_reoffer(call, offer);
	if (rc < 0) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "%s offer refused: %d\n", cc_offer_method(update), rc);
		/* the gateway busy with an earlier change: try again later */
		cc_offer_respond(leg, update, NULL, rc == -EBUSY ? 500 : 488, NULL);
		return;
	}
	w = talloc_zero(leg, struct cc_sip_offer_wait);
	if (!w) {
		/* the MDCX went out; its outcome finds no one waiting */
		cc_offer_respond(leg, update, NULL, 500, NULL);
		return;
	}
	w->update = update;
	if (update)
		w->update_req = msg_ref_create(nua_current_request(nua));
	talloc_set_destructor(w, cc_sip_offer_wait_free);
	leg->offer_wait = w;
}

void cc_sip_offer_done(struct cc_sip_leg *leg, int rc, const char *sdp)
{
	struct cc_sip_offer_wait *w = leg->offer_wait;

	if (!w)
		return;
	leg->offer_wait = NULL;
	if (!leg->released && leg->nh)
		cc_offer_respond(leg, w->update, w->update_req, rc < 0 || !sdp ? 488 : 200, rc < 0 ? NULL : sdp);
	talloc_free(w);
	cc_sip_hold_flush(leg);
}

/* A re-INVITE on the answered dialog.  With an offer (hold, resume, a new
 * address or codec) it goes to the gateway; without one we offer our
 * current SDP in the 200 and the ACK brings the answer (RFC 3261 14.2).
 * Anything we cannot take gets 488 and leaves the dialog as it was. */
void cc_sip_reinvite(struct cc_sip_leg *leg, const sip_t *sip)
{
	struct cc_call *call = leg->call;
	const char *offer = cc_sdp_of(sip);
	char *ours;

	cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "re-INVITE%s%s", offer ? " " : "",
		  offer ? cc_media_sdp_dir(offer) : "");
	if (leg->fi->state != CC_LEG_ST_ANSWERED || leg->released) {
		cc_offer_respond(leg, false, NULL, 488, NULL);
		return;
	}
	if (leg->reinvite_out) {
		/* ours is out (RFC 3261 14.2) */
		cc_offer_respond(leg, false, NULL, 491, NULL);
		return;
	}
	if (offer) {
		cc_sip_offer_in(leg, offer, false);
		return;
	}
	if (leg->offer_wait || leg->offer_sent) {
		cc_offer_respond(leg, false, NULL, leg->offer_wait ? 500 : 491, NULL);
		return;
	}
	/* without a gateway the placeholder (what the peer offered first) */
	ours = call->media ? cc_call_media_offer_again(call, leg) :
	       call->sdp ? cc_sdp_with_dir(leg, call->sdp, "sendrecv", ++leg->sdp_version) : NULL;
	if (!ours) {
		cc_offer_respond(leg, false, NULL, call->media ? 500 : 488, NULL);
		return;
	}
	if (call->media) {
		leg->offer_sent = true;
		leg->offer_in_18x = false;
	}
	cc_offer_respond(leg, false, NULL, 200, ours);
	talloc_free(ours);
}

/* An UPDATE (RFC 3311), before or after answer.  Without a body it only
 * refreshes; an offer while the INVITE's own offer/answer is still open
 * gets 500 + Retry-After (we owe the answer) or 491 (we made the offer),
 * RFC 3311 5.2.  nua leaves UPDATE to us (NUTAG_APPL_METHOD). */
void cc_sip_update(struct cc_sip_leg *leg, const sip_t *sip)
{
	struct cc_call *call = leg->call;
	nua_t *nua = sip_agent_current_nua();
	const char *offer = cc_sdp_of(sip);

	cc_ladder(call, CC_LADDER_IN, CC_SIDE_SIP, "UPDATE%s%s", offer ? " " : "",
		  offer ? cc_media_sdp_dir(offer) : "");
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
	if (!leg->sdp_done || leg->reinvite_out) {
		cc_offer_respond(leg, true, NULL, leg->outgoing || leg->offer_sent || leg->reinvite_out ? 491 : 500,
				 NULL);
		return;
	}
	cc_sip_offer_in(leg, offer, true);
}

/* ---- our offers and their answers ---- */

const char *cc_sip_sdp_out(struct cc_sip_leg *leg, int status)
{
	const char *sdp = cc_call_sdp(leg->call);

	if (!leg->delayed_offer || !sdp || leg->sdp_done)
		return sdp;
	/* the offer goes once, in the first reliable 18x or the 200
	 * (RFC 3261 13.2.1, RFC 3262 5): not again before its answer */
	if (leg->offer_sent || (status < 200 && !leg->rel100))
		return NULL;
	leg->offer_sent = true;
	leg->offer_in_18x = status < 200;
	/* the next reliable 18x: its PRACK brings the answer */
	leg->offer_18x_no = leg->rel18x_sent + 1;
	return sdp;
}

bool cc_sip_offer_unanswered(const struct cc_sip_leg *leg)
{
	return leg->offer_sent && leg->offer_in_18x;
}

/* The answer to our offer arrived (or should have): to the gateway, or
 * the call ends with cause 65 (Q.1912.5: no usable answer). */
static void cc_sip_our_offer_answered(struct cc_sip_leg *leg, const char *sdp, const char *what)
{
	struct cc_progress pr = { .from = CC_SIDE_ISUP };

	leg->offer_sent = false;
	if (!sdp) {
		LOGPFSML(leg->fi, LOGL_NOTICE, "%s without the answer to our offer\n", what);
		cc_call_fail(leg->call, CC_CAUSE_BEARER, CC_CTR_FAIL_NO_ANSWER);
		return;
	}
	if (cc_sip_media_answer(leg, sdp) < 0)
		return;
	leg->sdp_done = true;
	/* a 200 held back for this answer (reliable 18x offer) goes now */
	if (leg->answer_pending && !leg->released)
		osmo_fsm_inst_dispatch(leg->fi, CC_LEG_EV_ANSWER_REQ, &pr);
	else
		cc_sip_hold_flush(leg);
}

void cc_sip_ack_in(struct cc_sip_leg *leg, const sip_t *sip)
{
	if (!leg->offer_sent || leg->offer_in_18x || leg->released)
		return;
	cc_sip_our_offer_answered(leg, cc_sdp_of(sip), "ACK");
}

void cc_sip_prack_in(struct cc_sip_leg *leg, const sip_t *sip)
{
	const char *sdp = cc_sdp_of(sip);

	if (leg->pracks_in < UINT16_MAX)
		leg->pracks_in++;
	if (!leg->offer_sent || !leg->offer_in_18x || leg->released)
		return;
	/* nta sends one reliable 18x at a time, each after the PRACK of the
	 * one before: the PRACK of an earlier 18x (without our offer) may
	 * come without SDP, the one of the offer's 18x must not */
	if (!sdp && leg->pracks_in < leg->offer_18x_no)
		return;
	cc_sip_our_offer_answered(leg, sdp, "PRACK");
}
