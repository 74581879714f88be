/* The media of one call: what call control asks a media gateway for, and
 * the SDP offer/answer (RFC 3264) between the SIP peer and the gateway.
 * Each gateway is controlled over MGCP or H.248 (` protocol` in its
 * `media-gateway` node); call control does not know which.
 *
 * This header is the contract between the media code (src/cc_media*.c,
 * mgcp/mgcp_ca*.c, mgcp/h248_ca*.c) and call control (src/cc_call.c and
 * its legs): call control only uses what is here.
 *
 * Per call the gateway gets the circuit side and the SIP side.  Over
 * MGCP: one endpoint, named from the ISUP trunk's endpoint pattern
 * ("ds/e1-1/{cic}@mgw" -> "ds/e1-1/17@mgw", or a wildcard such as
 * "rtpbridge/ *@mgw" which the gateway names), and two connections on it,
 * the circuit side (CRCX without SDP; the TDM channel, or for rtpbridge
 * the leg towards the PSTN side) and the SIP side (an RTP connection
 * whose SDP is what the SIP peer sees).  Over H.248: one context with the
 * TDM termination the pattern names ("tdm/1/{cic}") and an RTP
 * termination.  The functions below say CRCX/MDCX/DLCX; over H.248 these
 * are the Add, Modify and Subtract of the same sides.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

struct cc_media;

/*! Outcomes call control is told about.  Every callback runs from the
 *  select loop, never from inside a cc_media_*() call. */
struct cc_media_ops {
	/*! The SIP-side connection exists; sdp is the SDP the SIP peer must
	 *  get (an answer when the peer offered, an offer otherwise), valid
	 *  during the call only. */
	void (*ready)(struct cc_media *m, void *priv, const char *sdp);
	/*! The gateway failed or timed out, or restarted (RSIP) under an
	 *  established call; cause is Q.850 (47 resource unavailable, or 41
	 *  temporary failure when the gateway is down). */
	void (*failed)(struct cc_media *m, void *priv, uint8_t cause);
	/*! The outcome of cc_media_reoffer(): rc 0 and sdp, the answer for
	 *  the SIP peer (valid during the call); or rc < 0 when the gateway
	 *  refused the change (the connection stays as it was, RFC 3435
	 *  2.3.6: the caller answers 488).  May be NULL. */
	void (*modified)(struct cc_media *m, void *priv, int rc, const char *sdp);
	/*! A DTMF digit ("0".."9", "*", "#", "A".."D") the gateway heard in
	 *  the circuit.  When set, the gateway is asked to detect digits on
	 *  the circuit side as the media is created.  May be NULL. */
	void (*dtmf)(struct cc_media *m, void *priv, char digit);
};

/*! State of a call's media, for `show calls` / `show call ID`. */
enum cc_media_state {
	CC_MEDIA_NONE,
	CC_MEDIA_CREATING,	/*!< CRCX sent */
	CC_MEDIA_READY,		/*!< both connections exist */
	CC_MEDIA_MODIFYING,	/*!< MDCX sent */
	CC_MEDIA_FAILED,
	CC_MEDIA_RELEASED,	/*!< DLCX sent (the gateway's answer is not awaited) */
};
extern const struct value_string cc_media_state_names[];

/*! The media configuration of an ISUP trunk (` media-gateway GW` and
 *  ` mgw-endpoint PATTERN` in its `isup trunk` node; both are needed).
 *  \returns false when the trunk has none: its calls then run without a
 *  media gateway (signalling only). */
bool cc_media_trunk_cfg(const char *isup_trunk, const char **gw, const char **pattern);

/*! The direction ("sendrecv", "sendonly", "recvonly", "inactive") an
 *  SDP states for its first audio stream that is not declined, read with
 *  Sofia's parser; "sendrecv" when it states none or does not parse. */
const char *cc_media_sdp_dir(const char *sdp);

/*! The gateway's name of circuit @cic of ISUP trunk @isup_trunk (whose
 *  endpoint pattern is @pattern), as the trunk's gateway and its
 *  protocol write it, for display.  \returns its length, or < 0 (no
 *  pattern, or it does not give a valid name; without a gateway the
 *  pattern is only filled in) */
int cc_media_trunk_endpoint(const char *isup_trunk, const char *pattern, uint16_t cic, char *buf, size_t len);

/*! Allocate the media of a call under ctx (the call's talloc tree).
 *  \param gw name of a configured media gateway (`media-gateway NAME`)
 *  \param endpoint_pattern the ISUP trunk's pattern; "{cic}" is replaced
 *  \param cic the call's circuit
 *  \returns NULL with *err set (-ENOENT unknown gateway, -ENETDOWN gateway
 *  down, -ENOSPC name too long). */
struct cc_media *cc_media_alloc(void *ctx, const char *gw, const char *endpoint_pattern,
				uint16_t cic, const struct cc_media_ops *ops, void *priv, int *err);

/* codecs[] below are enum sip_codec values (src/sip_trunk.h). */

/*! SIP -> ISUP: the SIP peer offered remote_sdp.  Creates both
 *  connections; ->ready() gets the gateway's answer, restricted to the
 *  codecs common to the offer and codecs[] (in that order of preference).
 *  \returns 0, or -ENOTSUP when offer and codecs[] share no codec (the
 *  caller answers 488 / cause 65 at once), -EINVAL for an SDP that does
 *  not parse (or has no usable audio stream), -EBUSY when the gateway has
 *  too many transactions outstanding, -EALREADY when called twice. */
int cc_media_answer_offer(struct cc_media *m, const char *remote_sdp, const int *codecs,
			  unsigned int num_codecs);

/*! ISUP -> SIP: create both connections without a remote SDP; ->ready()
 *  gets the offer to send in the INVITE (codecs[] in order, with
 *  telephone-event when listed).  \returns 0, -ENOTSUP (no usable codec
 *  in codecs[]), -EBUSY, -EALREADY. */
int cc_media_make_offer(struct cc_media *m, const int *codecs, unsigned int num_codecs);

/*! The SIP peer's answer to our offer (ISUP -> SIP, a delayed offer of
 *  SIP -> ISUP, or cc_media_offer_again()); MDCX of the SIP-side
 *  connection (a failure of it is ->failed(47)).  \returns 0, -ENOTSUP
 *  (no common codec), -EINVAL, -EBUSY (not READY: no offer made yet, or an
 *  MDCX under way). */
int cc_media_set_answer(struct cc_media *m, const char *remote_sdp);

/*! Change the direction of the SIP-side connection (hold: sendonly /
 *  inactive; resume: sendrecv) by MDCX; mode is the gateway connection's
 *  MGCP mode (sendrecv, sendonly, recvonly, inactive).  A gateway that
 *  refuses it leaves the connection as it was (no ->failed()).
 *  \returns 0, -EINVAL (unknown mode), -EBUSY (not READY). */
int cc_media_set_mode(struct cc_media *m, const char *mode);

/*! A new offer of the SIP peer on an existing call (re-INVITE, UPDATE;
 *  RFC 3264 8): the codec is chosen again among the call's codecs (the
 *  current one first), and the SIP-side connection is modified (MDCX) with
 *  the offer's address, port and codec and the mode its direction asks
 *  for.  ->modified() gets the answer: the gateway's address and port, the
 *  offer's m-lines, the direction mirrored and the o= version raised.  A
 *  refused change of the direction alone still gets an answer (a call
 *  that cannot be held stays a call).  Nothing changes before the gateway
 *  said yes.  \returns 0, -ENOTSUP (no common codec), -EINVAL (SDP does
 *  not parse), -EBUSY (not READY: being created or modified). */
int cc_media_reoffer(struct cc_media *m, const char *remote_sdp);

/*! Our current SDP as a new offer (the peer sent a re-INVITE without SDP,
 *  RFC 3261 14.2): the gateway's address and port with the call's codecs,
 *  sendrecv, the o= version raised.  Its answer goes to
 *  cc_media_set_answer().  \returns a talloc string under @ctx, or NULL
 *  when the media is not READY. */
char *cc_media_offer_again(struct cc_media *m, void *ctx);

/*! The offer of cc_media_offer_again() got no answer (refused): none is
 *  awaited any more. */
void cc_media_offer_withdrawn(struct cc_media *m);

/*! Delete the connections (DLCX per connection, retransmitted by the call
 *  agent even after the call is freed) and stop callbacks.  Safe to call
 *  twice and from the ops. */
void cc_media_release(struct cc_media *m);

/*! Current state and the negotiated codec name ("PCMA", "" before). */
enum cc_media_state cc_media_state(const struct cc_media *m);
const char *cc_media_codec(const struct cc_media *m);
/*! The gateway's endpoint name once known ("" before). */
const char *cc_media_endpoint(const struct cc_media *m);

/* Added by the media code (src/cc_media*.c): */

/*! Name the media after its call in the log ("call-17"). */
void cc_media_set_name(struct cc_media *m, const char *name);

/*! Set up the media code and install its VTY (after the VTY, before the config). */
int cc_media_init(void *ctx);

/*! Start the call agent of every configured media gateway (after the config). */
int cc_media_start(void);

/*! Stop every call agent (shutdown). */
void cc_media_stop(void);

struct vty;
/*! Write the ` media-gateway GW` line of ISUP trunk @trunk (its config-write). */
void cc_media_trunk_vty_write(struct vty *vty, const char *trunk);
