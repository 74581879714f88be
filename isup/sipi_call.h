/* Call setup and progress mapping: IAM <-> INVITE headers,
 * ACM/CPG backward indicators <-> 180/183.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <sofia-sip/sip.h>

#include "isup/isup_msg.h"
#include "isup/isup_params.h"
#include "isup/sipi_body.h"
#include "isup/sipi_profile.h"

/*! The anonymous From of RFC 3323 section 4.1.1.3. */
#define SIPI_ANONYMOUS_FROM "\"Anonymous\" <sip:anonymous@anonymous.invalid>"

/*! Headers of an INVITE built from an IAM (talloc children of the
 *  struct; NULL members are not to be sent). */
struct sipi_invite_hdrs {
	/*! Request-URI, also the URI of To */
	char *request_uri;
	/*! To value: "<Request-URI>" */
	char *to;
	/*! From value; anonymous when presentation is restricted or the
	 *  number is not available */
	char *from;
	char *p_asserted_identity;
	/*! "id" when the calling number is restricted */
	char *privacy;
	/*! 0 when the IAM had no hop counter (use the UA default) */
	unsigned int max_forwards;
	char *history_info;
	char *diversion;
};

/*! Map an IAM to INVITE headers per the profile.
 *  \returns 0 or negative sipi_err (-SIPI_ERR_BAD_NUMBER when the
 *  called party number cannot be a URI) */
int sipi_iam_to_invite(void *ctx, const struct sipi_profile *p, const struct isup_msg *iam,
		       struct sipi_invite_hdrs **out);

/*! The INVITE header values the IAM is built from, as strings so that
 *  they can come from Sofia or from a test. */
struct sipi_invite_in {
	const char *request_uri;
	/*! From and P-Asserted-Identity values (name-addr or URI) */
	const char *from;
	const char *p_asserted_identity;
	/*! Privacy contained id or header */
	bool privacy_id;
	/*! -1 when absent */
	int max_forwards;
	const char *history_info;
	const char *diversion;
};

/*! Point in at the header values of a parsed INVITE (no copies: in
 *  lives as long as sip; the URI strings are made under ctx). */
int sipi_invite_in_from_sip(void *ctx, const sip_t *sip, struct sipi_invite_in *in);

/*! Build the IAM for a received INVITE.  With an encapsulated IAM (SIP-I
 *  or SIP-T body) the body is the base and the headers override it as
 *  doc/interworking.md says (the Request-URI wins for the called number,
 *  a lower Max-Forwards lowers the hop counter, headers fill in what the
 *  body lacks); without one the IAM is built from the headers alone.
 *  \param[in] body parsed body, may be NULL
 *  \returns 0 or negative sipi_err */
int sipi_invite_to_iam(void *ctx, const struct sipi_profile *p, const struct sipi_invite_in *in,
		       const struct sipi_body_result *body, struct isup_msg **out);

/*! What to send towards SIP for an ACM or CPG. */
struct sipi_progress {
	/*! 180, 181 or 183; 0 when the message maps to no provisional
	 *  response (a CPG with an unmapped event) */
	uint16_t status;
	/*! in-band information is available: send SDP (early media) */
	bool with_sdp;
};

/*! Provisional response for an ACM or CPG (Q.1912.5): in-band
 *  information -> 183 with SDP; ACM subscriber free or CPG alerting ->
 *  180; CPG call forwarded -> 181; anything else -> 183.
 *  \returns 0 or -SIPI_ERR_INVAL for other message types */
int sipi_progress_from_isup(const struct isup_msg *msg, struct sipi_progress *out);

/*! Backward call indicators for an ACM built from a 18x: 180 ->
 *  subscriber free, 183 -> no indication; SDP -> OBCI in-band info.
 *  \param[out] has_obci whether obci is to be sent */
void sipi_backward_from_progress(uint16_t status, bool has_sdp, struct isup_bci *bci, struct isup_obci *obci,
				 bool *has_obci);

/*! Whether an ISUP message of an answered call travels in INFO on
 *  SIP-I/SIP-T (Q.1912.5: CPG, SUS, RES, USR, FAC, INR, INF, APM). */
bool sipi_info_carries(uint8_t type);

/*! Fill a CPG for a hold (held) or a retrieval signalled in SDP
 *  (re-INVITE/UPDATE with sendonly or inactive, then sendrecv):
 *  event "progress" and the generic notification indicator "remote
 *  hold" / "remote retrieval" (Q.1912.5, Q.763 3.25).
 *  \returns 0, -SIPI_ERR_INVAL when cpg is no CPG, -SIPI_ERR_NOMEM */
int sipi_hold_cpg(struct isup_msg *cpg, bool held);

/*! What a CPG says of a hold: 1 "remote hold", 0 "remote retrieval"
 *  (its generic notification indicator, Q.763 3.25); -SIPI_ERR_INVAL
 *  when it says neither or is no CPG. */
int sipi_cpg_hold(const struct isup_msg *cpg);
