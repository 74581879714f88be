/* Q.850 cause <-> SIP status mapping (RFC 3398 and Q.1912.5 profiles).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "isup/isup_params.h"
#include "isup/sipi_profile.h"
#include "isup/sipi_reason.h"

/*! Q.850 cause location values (Cause indicators octet 1). */
enum sipi_location {
	SIPI_LOC_USER = 0,	/*!< U */
	SIPI_LOC_LPN = 1,	/*!< private network serving the local user */
	SIPI_LOC_LN = 2,	/*!< public network serving the local user */
	SIPI_LOC_TN = 3,	/*!< transit network */
	SIPI_LOC_RLN = 4,	/*!< public network serving the remote user */
	SIPI_LOC_RPN = 5,	/*!< private network serving the remote user */
	SIPI_LOC_INTL = 7,	/*!< international network */
	SIPI_LOC_BI = 10,	/*!< network beyond interworking point */
};
extern const struct value_string sipi_location_names[];

/*! One row of an ISUP cause -> SIP status table. */
struct sipi_cause_row {
	uint8_t cause;
	/*! the status; 0 for cause 16 (normally BYE or CANCEL, not a
	 *  response): a response then gets the table's default */
	uint16_t status;
	/*! the status when the cause location is "user"; 0: same */
	uint16_t status_user;
	/*! where the row comes from and how sure it is */
	const char *src;
};

/*! One row of a SIP status -> ISUP cause table. */
struct sipi_status_row {
	uint16_t status;
	/*! the cause; 0 = no mapping in the source, the default applies */
	uint8_t cause;
	const char *src;
};

/*! The cause -> status table of a map. \param[out] n rows */
const struct sipi_cause_row *sipi_cause_table(enum sipi_cause_map map, unsigned int *n);
/*! The status -> cause table of a map. \param[out] n rows */
const struct sipi_status_row *sipi_status_table(enum sipi_cause_map map, unsigned int *n);

/*! Status sent for causes whose row has status 0, and the
 *  status -> cause default of each map. */
uint16_t sipi_cause_default_status(enum sipi_cause_map map);
uint8_t sipi_status_default_cause(enum sipi_cause_map map);

/*! The "unspecified" cause of a cause's class (Q.850 section 2.2.5):
 *  31, 47, 63, 79, 95, 111 or 127. */
uint8_t sipi_cause_class_default(uint8_t cause);

/*! Whether a table has a row for this cause. */
bool sipi_cause_known(enum sipi_cause_map map, uint8_t cause);

/*! The SIP final status for a released call (REL cause towards SIP).
 *  Causes without a row map as their class's unspecified cause.
 *  \param[in] cause Q.850 cause value 0..127
 *  \param[in] location Q.850 location (enum sipi_location)
 *  \returns a status 300..699 */
uint16_t sipi_status_from_cause(enum sipi_cause_map map, uint8_t cause, uint8_t location);

/*! Whether a cause normally ends the call with BYE/CANCEL rather than
 *  a final response (cause 16). */
bool sipi_cause_is_normal_clearing(uint8_t cause);

/*! SIP requests that release a call without a status. */
enum sipi_release_req {
	SIPI_REQ_BYE,
	SIPI_REQ_CANCEL,
};

/*! The REL cause for a SIP final response: a Q.850 Reason wins, else
 *  the table; the location comes from Reason's location=, else the map
 *  default (BI in Q.1912.5; user for 6xx and BI otherwise in RFC 3398).
 *  \param[in] status final status 300..699
 *  \param[in] reason parsed Reason (may be NULL)
 *  \param[out] out cause indicators to send (ITU coding)
 *  \returns 0, or -SIPI_ERR_INVAL for a status out of range */
int sipi_cause_from_sip(enum sipi_cause_map map, int status, const struct sipi_reason *reason,
			struct isup_cause *out);

/*! The REL cause for a BYE or CANCEL: a Q.850 Reason wins, else 16 for
 *  BYE, and 31 (Q.1912.5) or 16 (RFC 3398) for CANCEL. */
void sipi_cause_from_request(enum sipi_cause_map map, enum sipi_release_req req,
			     const struct sipi_reason *reason, struct isup_cause *out);

/*! Q.850 text of a cause for Reason's text= ("User busy"), or NULL. */
const char *sipi_cause_text(uint8_t cause);
