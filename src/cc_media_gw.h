/* Inside the call media code (src/cc_media*.c): the configured media
 * gateways, the ISUP trunk -> gateway table, and the SDP offer/answer.
 * Call control uses src/cc_media.h only.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>

#include "mgcp/mgcp_ca.h"
#include "mgcp/mgcp_codec.h"
#include "mgcp/mgcp_sdp.h"

struct vty;
struct cc_media;

/*! Most media gateways. */
#define CC_MEDIA_GW_MAX 16
/*! Most ISUP trunks with a ` media-gateway` line. */
#define CC_MEDIA_TRUNKS_MAX 64
/*! Most codecs a call negotiates with. */
#define CC_MEDIA_CODECS_MAX 8

/*! A configured media gateway and the calls using it. */
struct cc_media_gw {
	struct llist_head list;
	struct mgcp_ca *ca;
	/*! struct cc_media using the gateway, told about RSIP */
	struct llist_head users;
	/*! the operator's test call (`media-gateway NAME test-call ...`) */
	struct cc_media *test;
	char test_sdp[1024];
	uint8_t test_cause;
};

/*! Process-wide state of the media code. */
struct cc_media_global {
	void *ctx;
	struct llist_head gws;
	unsigned int n_gws;
	unsigned int next_idx;
	bool started;
	struct {
		char trunk[32];
		char gw[MGCP_CA_NAME_MAX];
	} trunks[CC_MEDIA_TRUNKS_MAX];
};

extern struct cc_media_global *g_cc_media;

/*! The gateway called @name, or NULL. */
struct cc_media_gw *cc_media_gw_find(const char *name);
/*! Find or create the gateway @name (NULL when the table is full). */
struct cc_media_gw *cc_media_gw_get(const char *name);
/*! Count a media event on the gateway. */
void cc_media_gw_ctr(struct cc_media_gw *gw, enum mgcp_ca_ctr c);

/*! Set (gw non-NULL) or clear the gateway of ISUP trunk @trunk; -ENOSPC when full. */
int cc_media_trunk_set(const char *trunk, const char *gw);
/*! The gateway name of @trunk, or NULL. */
const char *cc_media_trunk_gw(const char *trunk);

/*! Install the media-gateway node and the ISUP trunk's ` media-gateway` (src/cc_media_vty.c). */
void cc_media_vty_init(void);

/*! What the SIP peer's SDP gives the call. */
struct cc_media_neg {
	enum mgcp_codec codec;		/*!< the chosen audio codec */
	uint8_t pt;			/*!< its payload type in the peer's SDP */
	bool te;			/*!< telephone-event agreed */
	uint8_t te_pt;
	unsigned int audio_idx;		/*!< index of the m-line used */
	/*! the peer's audio address and the chosen payload types, for the gateway */
	struct mgcp_sdp remote;
};

/*! enum sip_codec -> enum mgcp_codec (MGCP_CODEC_NONE for an unknown value). */
enum mgcp_codec cc_media_sip_codec(int sip_codec);

/*! Read the SIP peer's SDP (Sofia's parser) and choose among @codecs
 *  (enum sip_codec, in order of preference).
 *  \returns 0, -EINVAL (does not parse, no usable audio stream) or
 *  -ENOTSUP (no codec in common). */
int cc_media_sdp_negotiate(const char *sdp, const int *codecs, unsigned int n, struct cc_media_neg *neg);

/*! The SDP answer (RFC 3264) to @offer: every m-line of the offer in its
 *  order, the chosen audio one at the gateway's address and port with the
 *  negotiated codec(s), the others rejected (port 0).  \returns a talloc
 *  string under @ctx, or NULL. */
char *cc_media_sdp_answer(void *ctx, const char *offer, const struct cc_media_neg *neg,
			  const struct mgcp_sdp *gw);

/*! The SDP offer: the gateway's address and port with the codecs of
 *  @codecs that the gateway listed.  \returns a talloc string under @ctx,
 *  or NULL when nothing is common. */
char *cc_media_sdp_offer(void *ctx, const struct mgcp_sdp *gw, const int *codecs, unsigned int n);

/*! The gateway restarted (RSIP): fail the calls on the endpoints it names. */
void cc_media_gw_rsip(struct cc_media_gw *gw, const struct mgcp_msg *rsip);

/*! The gateway registry and the FSM, without the VTY (unit tests). */
int cc_media_core_init(void *ctx);

/*! Register the per-call media FSM. */
int cc_media_fsm_init(void);
