/* The SIP Reason header with Q.850 causes (RFC 3326, RFC 6432, RFC 8606).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/sip.h>

#define SIPI_REASON_TEXT_MAX	64

/*! A Q.850 Reason as read from a SIP message. */
struct sipi_reason {
	/*! a Reason with protocol Q.850 and a cause 1..127 was found */
	bool present;
	uint8_t cause;
	/*! RFC 8606 location= was present and known */
	bool has_location;
	uint8_t location;
	/*! text= without the quotes, truncated */
	char text[SIPI_REASON_TEXT_MAX];
};

/*! Format a Reason header value:
 *  Q.850;cause=N;text="...";location=XX (location only when known).
 *  \param[in] text NULL uses the Q.850 name of the cause
 *  \returns the length, or -SIPI_ERR_SPACE / -SIPI_ERR_INVAL */
int sipi_reason_format(char *buf, size_t size, uint8_t cause, int location, const char *text);

/*! Parse one Reason header value (a comma-separated list allowed); the
 *  first Q.850 entry with a cause 1..127 wins.
 *  \returns 0 (out->present tells whether one was found) or
 *  -SIPI_ERR_BAD_HEADER when the value does not parse */
int sipi_reason_parse(const char *value, struct sipi_reason *out);

/*! Read the Q.850 Reason of a parsed SIP message (Sofia's sip_reason
 *  list). \returns 0 (out->present says whether one was found) */
int sipi_reason_from_sip(const sip_t *sip, struct sipi_reason *out);

/*! RFC 8606 token of a location ("LN"), or NULL when it has none. */
const char *sipi_location_token(uint8_t location);
/*! Location of an RFC 8606 token (case-insensitive), or -1. */
int sipi_location_parse(const char *token);
