/* Call control: what the files of the SIP leg share (cc_sip_leg.c, the
 * leg FSM; cc_sip_invite.c, an INVITE arrives; cc_sip_offer.c, mid-call
 * offers; cc_sip_info.c, mid-call ISUP in INFO).  Not for other users.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/sip.h>
#include <sofia-sip/url.h>

#include "isup/sipi_cause.h"
#include "isup/sipi_profile.h"
#include "src/cc.h"

struct isup_msg;
struct sip_trunk;

/*! The number of a SIP or tel URI (user part, tel host), NULL without. */
const char *cc_url_number(const url_t *url);
/*! The message's body when it is application/sdp, else NULL. */
const char *cc_sdp_of(const sip_t *sip);
/*! A response of an incoming leg with the body its profile asks for (SDP,
 *  and for SIP-I/SIP-T the ISUP message), a Reason and a Contact. */
void cc_sip_respond_contact(struct cc_sip_leg *leg, int status, const char *sdp, const struct isup_msg *isup,
			    const char *reason, const char *contact);
/*! cc_sip_respond_contact() without a Contact. */
void cc_sip_respond(struct cc_sip_leg *leg, int status, const char *sdp, const struct isup_msg *isup,
		    const char *reason);
/*! A Q.850 Reason header value. */
void cc_reason(char *buf, size_t len, uint8_t cause, int location);
/*! The leg's far end released: tell the call. */
void cc_sip_report_release(struct cc_sip_leg *leg, uint8_t cause, int location, uint16_t status);
/*! The REL cause a final response @status to our request gives: its
 *  Reason, else the profile's status table; @fallback when neither. */
void cc_sip_response_cause(const struct cc_sip_leg *leg, int status, const sip_t *sip, uint8_t fallback,
			   struct isup_cause *out);
/*! The cause a CANCEL or BYE gives (its Reason, else the profile's rule). */
uint8_t cc_request_cause(const struct cc_call *call, enum sipi_release_req req, const sip_t *sip);
/*! The sipi profile of a SIP trunk's calls. */
void cc_trunk_profile(struct sipi_profile *p, const struct sip_trunk *t, int variant);

/* cc_sip_offer.c */
/*! A re-INVITE on the dialog: hold / resume. */
void cc_sip_reinvite(struct cc_sip_leg *leg, const sip_t *sip);
/*! An UPDATE (RFC 3311). */
void cc_sip_update(struct cc_sip_leg *leg, const sip_t *sip);
/*! The SDP for a response of an incoming leg (the 200, or an 18x that
 *  may carry one): the gateway's answer, or with a delayed offer our offer
 *  once, in the first reliable 18x or the 200 (marks it sent). */
const char *cc_sip_sdp_out(struct cc_sip_leg *leg, int status);
/*! Our offer went out in a reliable 18x and its answer (PRACK) is still
 *  awaited: the 200 must wait. */
bool cc_sip_offer_unanswered(const struct cc_sip_leg *leg);
/*! An ACK: the answer to an offer of ours in the 200 goes to the gateway. */
void cc_sip_ack_in(struct cc_sip_leg *leg, const sip_t *sip);
/*! A PRACK: the answer to an offer of ours in a reliable 18x. */
void cc_sip_prack_in(struct cc_sip_leg *leg, const sip_t *sip);

/* cc_sip_leg.c */
/*! The SDP we gave the peer last (the gateway's, or the placeholder: our
 *  offer on an outgoing leg, the peer's echoed on an incoming one), a
 *  talloc copy under @ctx; NULL when there is none. */
char *cc_sip_sdp_ours(void *ctx, const struct cc_sip_leg *leg);
/*! The far end's answer to the gateway's offer goes to the gateway; no
 *  common codec fails the call with cause 65 (counted).  \returns 0, or
 *  < 0 after the call was failed (it may be gone). */
int cc_sip_media_answer(struct cc_sip_leg *leg, const char *sdp);

/*! @base with its direction attributes replaced by @dir and its o=
 *  version raised by @bump (RFC 3264 8). */
char *cc_sdp_with_dir(void *ctx, const char *base, const char *dir, unsigned int bump);

/* cc_sip_hold.c */
/*! A CPG of the ISUP side that holds or retrieves, towards a plain SIP
 *  peer: a re-INVITE with our SDP sendonly / sendrecv.  \returns false
 *  when @msg is no such CPG or the profile carries it in INFO. */
bool cc_sip_hold_out(struct cc_sip_leg *leg, const struct isup_msg *msg);
/*! The response to our hold / retrieval re-INVITE. */
void cc_sip_hold_response(struct cc_sip_leg *leg, int status, const sip_t *sip);
/*! An offer/answer exchange of the dialog is over: a hold or retrieval
 *  that waited for it goes now. */
void cc_sip_hold_flush(struct cc_sip_leg *leg);

/* cc_sip_info.c */
/*! Pass a mid-call ISUP message of the other leg on in INFO. */
void cc_sip_midcall_out(struct cc_sip_leg *leg, const struct cc_midcall *mc);
/*! An INFO of the dialog. */
void cc_sip_i_info(struct cc_sip_leg *leg, const sip_t *sip);
