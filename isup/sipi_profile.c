/* Per-trunk interworking profiles and the header mapping table.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "isup/sipi_profile.h"

const struct value_string sipi_mode_names[] = {
	{ SIPI_MODE_SIPI, "sip-i" },
	{ SIPI_MODE_SIPT, "sip-t" },
	{ SIPI_MODE_SIP, "sip" },
	{ 0, NULL }
};

const struct value_string sipi_cause_map_names[] = {
	{ SIPI_MAP_Q1912, "q1912.5" },
	{ SIPI_MAP_RFC3398, "rfc3398" },
	{ 0, NULL }
};

const struct value_string sipi_redir_hdr_names[] = {
	{ SIPI_REDIR_HISTORY_INFO, "history-info" },
	{ SIPI_REDIR_DIVERSION, "diversion" },
	{ SIPI_REDIR_NONE, "none" },
	{ 0, NULL }
};

const struct value_string sipi_hdr_names[] = {
	{ SIPI_HDR_RURI_TO, "request-uri" },
	{ SIPI_HDR_FROM, "from" },
	{ SIPI_HDR_PAI, "p-asserted-identity" },
	{ SIPI_HDR_PRIVACY, "privacy" },
	{ SIPI_HDR_CPC, "cpc" },
	{ SIPI_HDR_MAX_FORWARDS, "max-forwards" },
	{ SIPI_HDR_HISTORY_INFO, "history-info" },
	{ SIPI_HDR_DIVERSION, "diversion" },
	{ SIPI_HDR_REASON, "reason" },
	{ SIPI_HDR_18X, "18x" },
	{ SIPI_HDR_ISUP_BODY, "isup-body" },
	{ 0, NULL }
};

#define M_SIPI	(1 << SIPI_MODE_SIPI)
#define M_SIPT	(1 << SIPI_MODE_SIPT)
#define M_SIP	(1 << SIPI_MODE_SIP)
#define M_ALL	(M_SIPI | M_SIPT | M_SIP)

/* SIP-T keeps routing, privacy and release information in headers
 * (RFC 3372 section 4, translation) and leaves the rest to the body, so
 * that SIP-T peers that read the body see no conflicting copies. */
static const struct sipi_hdr_row sipi_hdr_rows[] = {
	{ SIPI_HDR_RURI_TO, "Request-URI, To", "Called party number", M_ALL,
	  "tel: or sip:...;user=phone; +E.164 for NAI international, else phone-context" },
	{ SIPI_HDR_FROM, "From", "Calling party number", M_ALL,
	  "anonymous From when presentation is restricted or the number is not available" },
	{ SIPI_HDR_PAI, "P-Asserted-Identity", "Calling party number", M_SIPI | M_SIP,
	  "sent for network-provided or verified numbers; read as a network-provided number" },
	{ SIPI_HDR_PRIVACY, "Privacy: id", "Calling party number APRI", M_ALL,
	  "APRI restricted <-> Privacy: id (RFC 3325)" },
	{ SIPI_HDR_CPC, "cpc= URI parameter", "Calling party's category", M_SIPI | M_SIP,
	  "see the CPC table; ordinary is not sent" },
	{ SIPI_HDR_MAX_FORWARDS, "Max-Forwards", "Hop counter", M_ALL,
	  "Max-Forwards = hop counter x hop factor; hop counter = Max-Forwards / factor" },
	{ SIPI_HDR_HISTORY_INFO, "History-Info", "Redirecting number, original called number, redirection information",
	  M_SIPI | M_SIP, "RFC 7044; sent when the profile selects it, always read" },
	{ SIPI_HDR_DIVERSION, "Diversion", "Redirecting number, redirection information", M_SIPI | M_SIP,
	  "RFC 5806; sent when the profile selects it, read when no History-Info" },
	{ SIPI_HDR_REASON, "Reason: Q.850", "Cause indicators", M_ALL,
	  "RFC 3326 with RFC 8606 location=; sent on BYE, CANCEL and final responses, trusted on receipt" },
	{ SIPI_HDR_18X, "180 / 183 with SDP", "ACM/CPG backward call indicators, OBCI", M_ALL,
	  "in-band information -> 183 with SDP; subscriber free -> 180; else 183" },
	{ SIPI_HDR_ISUP_BODY, "application/ISUP body part", "the whole ISUP message", M_SIPI | M_SIPT,
	  "never sent and ignored on receipt in plain SIP" },
};

const struct sipi_hdr_row *sipi_hdr_table(unsigned int *n)
{
	*n = ARRAY_SIZE(sipi_hdr_rows);
	return sipi_hdr_rows;
}

void sipi_profile_init(struct sipi_profile *p, enum sipi_mode mode)
{
	*p = (struct sipi_profile){
		.mode = mode,
		.cause_map = mode == SIPI_MODE_SIPT ? SIPI_MAP_RFC3398 : SIPI_MAP_Q1912,
		.variant = ISUP_VARIANT_ITU,
		.redir_hdr = SIPI_REDIR_HISTORY_INFO,
		.hop_factor = 2,
	};
}

bool sipi_profile_maps(const struct sipi_profile *p, enum sipi_hdr hdr)
{
	unsigned int i;

	if (p->mode >= _NUM_SIPI_MODE)
		return false;
	if (hdr == SIPI_HDR_HISTORY_INFO && p->redir_hdr != SIPI_REDIR_HISTORY_INFO)
		return false;
	if (hdr == SIPI_HDR_DIVERSION && p->redir_hdr != SIPI_REDIR_DIVERSION)
		return false;
	for (i = 0; i < ARRAY_SIZE(sipi_hdr_rows); i++)
		if (sipi_hdr_rows[i].hdr == hdr)
			return sipi_hdr_rows[i].modes & (1 << p->mode);
	return false;
}
