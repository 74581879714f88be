/* ISUP codec error codes and the detail a decoder reports.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>
#include <stdbool.h>

#include <osmocom/core/utils.h>

/*! Error codes of the ISUP codec.  Functions return them negated
 *  (e.g. -ISUP_ERR_TRUNCATED); 0 or a length means success. */
enum isup_err {
	ISUP_ERR_NONE = 0,
	/*! the buffer ends before a mandatory octet (type, CIC, fixed
	 *  part, pointer, length or parameter code) */
	ISUP_ERR_TRUNCATED,
	/*! a pointer is zero where it must not be, or points outside the
	 *  message or back into the fixed/pointer part */
	ISUP_ERR_POINTER,
	/*! a length octet runs past the end of the message or a fixed
	 *  parameter has the wrong length */
	ISUP_ERR_LENGTH,
	/*! a mandatory parameter is absent or has length zero */
	ISUP_ERR_MISSING_MANDATORY,
	/*! message type not in the format table (strict mode only) */
	ISUP_ERR_UNKNOWN_MSG,
	/*! a parameter's contents violate its Q.763 coding */
	ISUP_ERR_BAD_PARAM,
	/*! a valid coding this codec does not model as a typed struct */
	ISUP_ERR_UNSUPPORTED,
	/*! extra octets after the end of the message (strict mode only) */
	ISUP_ERR_TRAILING,
	/*! the output buffer is too small */
	ISUP_ERR_SPACE,
	/*! an argument is out of range (bad digit, too many digits, ...) */
	ISUP_ERR_INVAL,
	/*! talloc failed */
	ISUP_ERR_NOMEM,
};

extern const struct value_string isup_err_names[];

/*! Human readable text for an error code (either sign accepted). */
const char *isup_strerror(int rc);

/*! Where the decoder gave up, so that call control can build a CFN
 *  (cause 99/110 with the parameter name as diagnostic) or discard the
 *  message as Q.764 section 2.9.5 requires. */
struct isup_err_detail {
	/*! negative error code, same as the return value */
	int rc;
	/*! true when msg_type below was read from the buffer */
	bool has_msg_type;
	uint8_t msg_type;
	/*! true when the error concerns one parameter */
	bool has_param;
	uint8_t param_code;
	/*! octet offset in the input buffer where the fault was found */
	size_t offset;
};
