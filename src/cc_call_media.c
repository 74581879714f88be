/* Call control: the media of a call through the ISUP trunk's media gateway
 * (src/cc_media.h).
 *
 * SIP -> ISUP: when a circuit is seized, the SIP peer's offer goes to the
 * gateway (cc_media_answer_offer); the 183/200 carry the gateway's answer,
 * and an answer (ANM/CON) that comes before the gateway's is held until it
 * is there.  ISUP -> SIP: the gateway makes the offer when the IAM seizes
 * the circuit; the INVITE waits for it, and the 200's SDP goes back to
 * the gateway (cc_media_set_answer).  A trunk without a media gateway runs
 * signalling only, with the placeholder SDP of doc/callcontrol.md.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>

#include "src/cc.h"
#include "src/cc_media.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"

/* Codecs of a SIP side without a trunk (or a trunk without a codec list). */
static const int cc_default_codecs[] = { SIP_CODEC_PCMA, SIP_CODEC_PCMU, SIP_CODEC_TELEPHONE_EVENT };

static void cc_codecs(const struct sip_trunk *t, int *out, unsigned int *n)
{
	unsigned int i;

	if (t && t->num_codecs) {
		for (i = 0; i < t->num_codecs && i < SIP_TRUNK_CODECS_MAX; i++)
			out[i] = t->codecs[i];
		*n = i;
		return;
	}
	memcpy(out, cc_default_codecs, sizeof(cc_default_codecs));
	*n = ARRAY_SIZE(cc_default_codecs);
}

static void cc_media_ready_cb(struct cc_media *m, void *priv, const char *sdp)
{
	struct cc_call *call = priv;

	talloc_free(call->media_sdp);
	call->media_sdp = talloc_strdup(call, sdp);
	LOGPFSML(call->fi, LOGL_INFO, "media ready on %s, codec %s\n", cc_media_endpoint(m), cc_media_codec(m));
	if (call->fi->state == CC_ST_RELEASING)
		return;
	if (call->dir == CC_DIR_ISUP_TO_SIP) {
		if (call->route_pending) {
			call->route_pending = false;
			cc_call_route(call);
		}
		return;
	}
	/* the 18x and the answer that waited for the gateway's SDP */
	if (call->sip)
		cc_sip_media_ready(call->sip);
}

static void cc_media_failed_cb(struct cc_media *m, void *priv, uint8_t cause)
{
	struct cc_call *call = priv;

	LOGPFSML(call->fi, LOGL_ERROR, "media gateway failed: cause %u\n", cause);
	/* a mid-call offer waiting for the gateway gets its answer first */
	if (call->sip && call->sip->offer_wait)
		cc_sip_offer_done(call->sip, -EIO, NULL);
	if (call->fi->state != CC_ST_RELEASING)
		cc_call_fail(call, cause, CC_CTR_FAIL_MEDIA);
}

static void cc_media_modified_cb(struct cc_media *m, void *priv, int rc, const char *sdp)
{
	struct cc_call *call = priv;

	if (sdp) {
		talloc_free(call->media_sdp);
		call->media_sdp = talloc_strdup(call, sdp);
	}
	if (call->sip)
		cc_sip_offer_done(call->sip, rc, sdp);
}

static void cc_media_dtmf_cb(struct cc_media *m, void *priv, char digit)
{
	struct cc_call *call = priv;

	/* for now call control only records it */
	LOGPFSML(call->fi, LOGL_INFO, "DTMF %c from the gateway\n", digit);
	cc_ladder(call, CC_LADDER_IN, CC_SIDE_ISUP, "DTMF %c (gateway)", digit);
}

static const struct cc_media_ops cc_call_media_ops = {
	.ready = cc_media_ready_cb,
	.failed = cc_media_failed_cb,
	.modified = cc_media_modified_cb,
	.dtmf = cc_media_dtmf_cb,
};

int cc_call_media_circuit(struct cc_call *call, const char *isup_trunk, uint16_t cic,
			  const struct sip_trunk *sip_trunk)
{
	const char *gw, *pattern;
	int codecs[SIP_TRUNK_CODECS_MAX];
	unsigned int n;
	int rc, err = 0;

	/* a circuit seized again (dual seizure, failover): the old circuit's
	 * endpoint goes, also when the new trunk has no gateway */
	cc_call_media_release(call);
	if (!cc_media_trunk_cfg(isup_trunk, &gw, &pattern))
		return 0;
	call->media = cc_media_alloc(call, gw, pattern, cic, &cc_call_media_ops, call, &err);
	if (!call->media) {
		LOGPFSML(call->fi, LOGL_ERROR, "media gateway %s: %d\n", gw, err);
		return -EIO;
	}
	cc_codecs(sip_trunk, codecs, &n);
	/* an INVITE without SDP (RFC 3261 13.2.1): the gateway makes the
	 * offer, which goes out in a reliable 18x or the 200 */
	if (call->dir == CC_DIR_SIP_TO_ISUP && call->sdp)
		rc = cc_media_answer_offer(call->media, call->sdp, codecs, n);
	else
		rc = cc_media_make_offer(call->media, codecs, n);
	if (rc < 0) {
		LOGPFSML(call->fi, LOGL_NOTICE, "media: %s\n", rc == -ENOTSUP ? "no common codec" : "bad SDP");
		cc_call_media_release(call);
		return rc == -ENOTSUP ? -ENOTSUP : -EINVAL;
	}
	if (call->dir == CC_DIR_SIP_TO_ISUP && !call->sdp && call->sip)
		call->sip->delayed_offer = true;
	return 0;
}

int cc_call_media_reoffer(struct cc_call *call, const char *sdp)
{
	if (!call->media)
		return -ENODEV;
	return cc_media_reoffer(call->media, sdp);
}

char *cc_call_media_offer_again(struct cc_call *call, void *ctx)
{
	return call->media ? cc_media_offer_again(call->media, ctx) : NULL;
}

void cc_call_media_offer_withdrawn(struct cc_call *call)
{
	if (call->media)
		cc_media_offer_withdrawn(call->media);
}

bool cc_call_media_pending(const struct cc_call *call)
{
	return call->media && !call->media_sdp;
}

const char *cc_call_sdp(const struct cc_call *call)
{
	if (call->media)
		return call->media_sdp;
	/* placeholder (doc/callcontrol.md): the offer echoed as the answer */
	return call->sdp;
}

int cc_call_media_answer(struct cc_call *call, const char *sdp)
{
	if (!call->media)
		return 0;
	if (!sdp)
		return -EINVAL;
	return cc_media_set_answer(call->media, sdp);
}

const char *cc_call_codec(const struct cc_call *call)
{
	return call->media ? cc_media_codec(call->media) : "";
}

void cc_call_media_release(struct cc_call *call)
{
	if (!call->media)
		return;
	cc_media_release(call->media);
	TALLOC_FREE(call->media);
	TALLOC_FREE(call->media_sdp);
}
