/* SIP-I/SIP-T library error codes and their rate counters.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <osmocom/core/utils.h>

struct rate_ctr_group;
struct rate_ctr_group_desc;

/*! Error codes of the sipi_ functions, returned negated. */
enum sipi_err {
	SIPI_ERR_NONE = 0,
	/*! an argument is out of range or a string is malformed */
	SIPI_ERR_INVAL,
	/*! allocation failed */
	SIPI_ERR_NOMEM,
	/*! the output buffer is too small */
	SIPI_ERR_SPACE,
	/*! a Content-Type says multipart but the body has no usable
	 *  boundary (missing parameter, or no delimiter line in the body) */
	SIPI_ERR_NO_BOUNDARY,
	/*! the multipart framing is broken (no close delimiter, truncated) */
	SIPI_ERR_MULTIPART,
	/*! a multipart inside a multipart: not used by SIP-I, refused */
	SIPI_ERR_NESTED,
	/*! more parts, or a larger body or part, than the limits allow */
	SIPI_ERR_TOO_BIG,
	/*! an application/ISUP part with no octets */
	SIPI_ERR_EMPTY_PART,
	/*! two parts of the same kind (two SDPs or two ISUP bodies) */
	SIPI_ERR_DUPLICATE,
	/*! a part that must be understood (handling=required) is of a type
	 *  we do not know: answer 415 with the Accept value */
	SIPI_ERR_UNSUPPORTED_TYPE,
	/*! application/ISUP with a version/base we cannot decode and
	 *  handling=required: 415 or release, see sipi_body_reaction() */
	SIPI_ERR_UNSUPPORTED_VERSION,
	/*! the ISUP part did not decode (see isup_err in the result) */
	SIPI_ERR_ISUP,
	/*! a URI that is not tel:, sip: or sips:, or has no number */
	SIPI_ERR_BAD_URI,
	/*! digits a number parameter cannot carry */
	SIPI_ERR_BAD_NUMBER,
	/*! a header value that does not parse (Reason, History-Info, ...) */
	SIPI_ERR_BAD_HEADER,
	_NUM_SIPI_ERR
};

extern const struct value_string sipi_err_names[];

/*! Human readable text for an error code (either sign accepted). */
const char *sipi_strerror(int rc);

/*! Rate counter group description with one counter per sipi_err, so
 *  that call control can count every failure path by its code. */
extern const struct rate_ctr_group_desc sipi_ctrg_desc;

/*! Count a failure: increment the counter of rc (negative sipi_err) in
 *  a group allocated from sipi_ctrg_desc.  Does nothing for rc >= 0 or
 *  a NULL group. */
void sipi_ctr_count(struct rate_ctr_group *ctrs, int rc);
