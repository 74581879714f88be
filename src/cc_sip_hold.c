/* Call control: a hold or retrieval from the ISUP side towards a plain SIP
 * peer.  SIP-I/SIP-T carry the CPG itself in INFO (cc_sip_info.c); plain
 * SIP cannot, so a CPG whose generic notification says "remote hold" or
 * "remote retrieval" becomes a re-INVITE of ours with our SDP a=sendonly
 * or a=sendrecv (Q.1912.5 [mem], RFC 3264 8.4).  One re-INVITE at a time:
 * a change that comes while one is out is sent after it, and 491 is
 * retried after the random wait of RFC 3261 14.1.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/timer.h>

#include "isup/sipi_call.h"
#include "isup/sipi_cause.h"
#include "isup/sipi_reason.h"
#include "src/cc.h"
#include "src/cc_sip_priv.h"
#include "src/tandem_log.h"

/* How long to wait for the gateway when the media is busy with another
 * change, before trying again. */
#define CC_HOLD_BUSY_MS 200

static void cc_sip_hold_later(struct cc_sip_leg *leg, unsigned int ms)
{
	osmo_timer_schedule(&leg->hold_retry, ms / 1000, (ms % 1000) * 1000);
}

/* Our SDP with @dir: with a gateway a new offer of its (the answer then
 * goes to it); else the placeholder with a new version. */
static char *cc_sip_hold_sdp(struct cc_sip_leg *leg, const char *dir)
{
	struct cc_call *call = leg->call;
	char *base, *sdp;

	if (call->media) {
		/* the version is raised in there */
		base = cc_call_media_offer_again(call, leg);
		sdp = base ? cc_sdp_with_dir(leg, base, dir, 0) : NULL;
		if (base && !sdp)
			cc_call_media_offer_withdrawn(call);
	} else {
		base = cc_sip_sdp_ours(leg, leg);
		sdp = base ? cc_sdp_with_dir(leg, base, dir, ++leg->sdp_version) : NULL;
	}
	talloc_free(base);
	return sdp;
}

static void cc_sip_hold_send(struct cc_sip_leg *leg)
{
	struct cc_call *call = leg->call;
	const char *dir = leg->hold_want ? "sendonly" : "sendrecv";
	char *sdp;

	if (leg->reinvite_out || leg->offer_wait || leg->offer_sent || osmo_timer_pending(&leg->hold_retry))
		return;		/* cc_sip_hold_flush() when that is over */
	if (leg->hold_want == leg->held || !leg->nh || leg->released || leg->fi->state != CC_LEG_ST_ANSWERED)
		return;
	sdp = cc_sip_hold_sdp(leg, dir);
	if (!sdp && call->media && !cc_call_media_pending(call)) {
		/* the gateway busy with another change: again shortly */
		cc_sip_hold_later(leg, CC_HOLD_BUSY_MS);
		return;
	}
	if (!sdp) {
		LOGPFSML(leg->fi, LOGL_ERROR, "no SDP of ours for the %s re-INVITE\n", dir);
		cc_ctr_inc(CC_CTR_HOLD_REINVITE_FAILED);
		return;
	}
	nua_invite(leg->nh, SIPTAG_CONTENT_TYPE_STR("application/sdp"), SIPTAG_PAYLOAD_STR(sdp), TAG_END());
	talloc_free(sdp);
	leg->reinvite_out = true;
	leg->hold_sent = leg->hold_want;
	cc_ctr_inc(CC_CTR_HOLD_REINVITE);
	cc_ladder(call, CC_LADDER_OUT, CC_SIDE_SIP, "re-INVITE %s (CPG)", dir);
}

void cc_sip_hold_flush(struct cc_sip_leg *leg)
{
	if (leg->hold_retry.cb)
		cc_sip_hold_send(leg);
}

static void cc_sip_hold_retry_cb(void *data)
{
	cc_sip_hold_send(data);
}

bool cc_sip_hold_out(struct cc_sip_leg *leg, const struct isup_msg *msg)
{
	int held;

	if (sipi_profile_encapsulates(&leg->call->prof) || (held = sipi_cpg_hold(msg)) < 0)
		return false;
	if (!leg->hold_retry.cb)
		osmo_timer_setup(&leg->hold_retry, cc_sip_hold_retry_cb, leg);
	leg->hold_want = held;
	cc_sip_hold_send(leg);
	return true;
}

void cc_sip_hold_response(struct cc_sip_leg *leg, int status, const sip_t *sip)
{
	struct isup_cause cause;
	unsigned int wait_ms;

	if (status < 200)
		return;
	leg->reinvite_out = false;
	cc_ladder(leg->call, CC_LADDER_IN, CC_SIDE_SIP, "%d (re-INVITE)", status);
	if (status < 300) {
		const char *answer = cc_sdp_of(sip);

		nua_ack(leg->nh, TAG_END());
		cc_ladder(leg->call, CC_LADDER_OUT, CC_SIDE_SIP, "ACK");
		if (leg->call->media) {
			/* the answer may move the peer's address, port or codec
			 * (RFC 3264 8): it goes to the gateway; none at all
			 * breaks offer/answer (RFC 3264 4), as for our other
			 * offers (cc_sip_offer.c) */
			if (!answer) {
				LOGPFSML(leg->fi, LOGL_NOTICE, "2xx without the answer to our re-INVITE\n");
				cc_call_fail(leg->call, CC_CAUSE_BEARER, CC_CTR_FAIL_NO_ANSWER);
				return;
			}
			if (cc_sip_media_answer(leg, answer) < 0)
				return;
		}
		leg->held = leg->hold_sent;
		cc_sip_hold_send(leg);
		return;
	}
	cc_call_media_offer_withdrawn(leg->call);
	cc_ctr_inc(CC_CTR_HOLD_REINVITE_FAILED);
	LOGPFSML(leg->fi, LOGL_NOTICE, "%s re-INVITE refused: %d\n", leg->hold_sent ? "hold" : "retrieval", status);
	if (status == 481 || status == 408) {
		/* the dialog is gone (RFC 3261 12.2.1.2: terminate it) */
		cc_sip_response_cause(leg, status, sip, CC_CAUSE_TEMP_FAILURE, &cause);
		if (!leg->released) {
			osmo_fsm_inst_state_chg(leg->fi, CC_LEG_ST_RELEASING, 0, 0);
			cc_sip_report_release(leg, cause.value, cause.location, status);
		}
		return;
	}
	if (status == 491) {
		/* RFC 3261 14.1: 2.1-4 s for the owner of the Call-ID (the
		 * side that sent the first INVITE), else 0-2 s */
		wait_ms = leg->outgoing ? 2100 + random() % 1901 : random() % 2001;
		cc_sip_hold_later(leg, wait_ms);
		return;
	}
	/* refused otherwise: the call goes on as it was */
}
