/* Per-trunk interworking profiles: which SIP <-> ISUP mappings apply.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

#include "isup/isup_names.h"

/*! How a trunk carries ISUP information. */
enum sipi_mode {
	/*! ITU-T Q.1912.5 profile C: the ISUP message is encapsulated and
	 *  every ISUP parameter with a SIP meaning is mapped to headers */
	SIPI_MODE_SIPI,
	/*! RFC 3372: the ISUP message is encapsulated; headers carry what
	 *  SIP routing needs (translation), the rest stays in the body */
	SIPI_MODE_SIPT,
	/*! Q.1912.5 profiles A/B: headers only; an ISUP part is never sent
	 *  and ignored when received */
	SIPI_MODE_SIP,
	_NUM_SIPI_MODE
};
extern const struct value_string sipi_mode_names[];

/*! Which cause <-> status tables a trunk uses. */
enum sipi_cause_map {
	/*! ITU-T Q.1912.5 (SIP-I) */
	SIPI_MAP_Q1912,
	/*! IETF RFC 3398 */
	SIPI_MAP_RFC3398,
	_NUM_SIPI_MAP
};
extern const struct value_string sipi_cause_map_names[];

/*! Which header carries redirection information towards SIP. */
enum sipi_redir_hdr {
	SIPI_REDIR_HISTORY_INFO,	/*!< RFC 7044 */
	SIPI_REDIR_DIVERSION,		/*!< RFC 5806 */
	SIPI_REDIR_NONE,
	_NUM_SIPI_REDIR
};
extern const struct value_string sipi_redir_hdr_names[];

/*! The SIP-side items an ISUP parameter maps to; rows of the header
 *  mapping table (sipi_hdr_map). */
enum sipi_hdr {
	SIPI_HDR_RURI_TO,	/*!< called party number: Request-URI, To */
	SIPI_HDR_FROM,		/*!< calling party number: From */
	SIPI_HDR_PAI,		/*!< calling party number: P-Asserted-Identity */
	SIPI_HDR_PRIVACY,	/*!< presentation restricted: Privacy: id */
	SIPI_HDR_CPC,		/*!< calling party's category: cpc= */
	SIPI_HDR_MAX_FORWARDS,	/*!< hop counter: Max-Forwards */
	SIPI_HDR_HISTORY_INFO,	/*!< redirection: History-Info */
	SIPI_HDR_DIVERSION,	/*!< redirection: Diversion */
	SIPI_HDR_REASON,	/*!< cause: Reason: Q.850 */
	SIPI_HDR_18X,		/*!< BCI/OBCI: 180 or 183 */
	SIPI_HDR_ISUP_BODY,	/*!< the whole message: application/ISUP */
	_NUM_SIPI_HDR
};
extern const struct value_string sipi_hdr_names[];

/*! One row of the header mapping table. */
struct sipi_hdr_row {
	enum sipi_hdr hdr;
	/*! the SIP side, as the doc shows it */
	const char *sip;
	/*! the ISUP side */
	const char *isup;
	/*! bit (1 << mode) set when the mapping is in effect in that mode */
	uint8_t modes;
	/*! the rule, in one line */
	const char *rule;
};

/*! The header mapping table, the only place that says which mapping
 *  applies in which mode. \param[out] n number of rows */
const struct sipi_hdr_row *sipi_hdr_table(unsigned int *n);

/*! A trunk's interworking settings.  Strings belong to the caller (the
 *  trunk config) and must outlive the profile. */
struct sipi_profile {
	enum sipi_mode mode;
	enum sipi_cause_map cause_map;
	enum isup_variant variant;
	/*! version= of the application/ISUP parts we send; NULL: the
	 *  variant's default (sipi_variant_default_version()) */
	const char *isup_version;
	/*! base= of the parts we send; NULL: not sent */
	const char *isup_base;
	/*! send the ISUP part with handling=required (else optional) */
	bool isup_required;
	/*! which header carries redirection information towards SIP */
	enum sipi_redir_hdr redir_hdr;
	/*! host of the sip: URIs we build; NULL builds tel: URIs */
	const char *host;
	/*! phone-context of numbers that are not international, e.g.
	 *  "+49"; NULL uses host (a domain context) */
	const char *phone_context;
	/*! Max-Forwards = hop counter x hop_factor (1..8) */
	uint8_t hop_factor;
};

/*! Fill a profile with the defaults of a mode: ITU variant,
 *  Q.1912.5 causes (RFC 3398 for SIP-T), History-Info, tel: URIs. */
void sipi_profile_init(struct sipi_profile *p, enum sipi_mode mode);

/*! Whether a mapping is in effect for a profile. */
bool sipi_profile_maps(const struct sipi_profile *p, enum sipi_hdr hdr);

/*! Whether the profile sends and reads the ISUP body. */
static inline bool sipi_profile_encapsulates(const struct sipi_profile *p)
{
	return sipi_profile_maps(p, SIPI_HDR_ISUP_BODY);
}
