/* MGCP codec error codes and RFC 3435 return codes.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <osmocom/core/utils.h>

/*! Codec error codes; functions return them negated, 0 or a length on success. */
enum mgcp_err {
	MGCP_ERR_NONE = 0,
	MGCP_ERR_TOO_LONG,	/*!< message or line longer than the bounds */
	MGCP_ERR_SYNTAX,	/*!< malformed command or response line */
	MGCP_ERR_VERB,		/*!< unknown verb */
	MGCP_ERR_TRANS_ID,	/*!< missing or out-of-range transaction id */
	MGCP_ERR_ENDPOINT,	/*!< malformed endpoint name */
	MGCP_ERR_VERSION,	/*!< protocol version other than MGCP 1.0 */
	MGCP_ERR_PARAM,		/*!< malformed parameter line */
	MGCP_ERR_PARAM_UNKNOWN,	/*!< unknown parameter name */
	MGCP_ERR_PARAM_EXT,	/*!< unsupported critical extension (x+...) */
	MGCP_ERR_PARAM_DUP,	/*!< a parameter given twice */
	MGCP_ERR_PARAM_VALUE,	/*!< a parameter value out of its syntax */
	MGCP_ERR_TOO_MANY,	/*!< more parameters than MGCP_OTHER_MAX */
	MGCP_ERR_MODE,		/*!< unknown connection mode */
	MGCP_ERR_LCO,		/*!< malformed LocalConnectionOptions */
	MGCP_ERR_LCO_VALUE,	/*!< LocalConnectionOptions value not supported */
	MGCP_ERR_LCO_EXT,	/*!< unknown LocalConnectionOptions extension */
	MGCP_ERR_RESTART_METHOD, /*!< unknown RestartMethod */
	MGCP_ERR_SDP,		/*!< malformed session description */
	MGCP_ERR_SPACE,		/*!< output buffer too small */
	MGCP_ERR_INVAL,		/*!< bad argument to a builder */
	MGCP_ERR_SDP_UNSUPPORTED, /*!< session description we cannot use (transport, too many payload types) */
};

extern const struct value_string mgcp_err_names[];

/*! Human readable text for an error code (either sign accepted). */
const char *mgcp_strerror(int rc);

/*! RFC 3435 2.4 return codes used by Tandem (the full 1xx..5xx set has more). */
enum mgcp_rc {
	MGCP_RC_TRYING = 100,
	MGCP_RC_OK = 200,
	MGCP_RC_DELETED = 250,
	MGCP_RC_TRANSIENT = 400,
	MGCP_RC_NO_RESOURCES_NOW = 403,
	MGCP_RC_RESTARTING_NOW = 405,
	MGCP_RC_NO_ENDPOINT_AVAILABLE = 410,
	MGCP_RC_UNKNOWN_ENDPOINT = 500,
	MGCP_RC_NOT_READY = 501,
	MGCP_RC_NO_RESOURCES = 502,
	MGCP_RC_WILDCARD_TOO_COMPLICATED = 503,
	MGCP_RC_UNKNOWN_COMMAND = 504,
	MGCP_RC_UNSUPPORTED_RCD = 505,
	MGCP_RC_LCO_AND_RCD = 506,
	MGCP_RC_UNSUPPORTED = 507,
	MGCP_RC_RCD_ERROR = 509,
	MGCP_RC_PROTOCOL_ERROR = 510,
	MGCP_RC_UNRECOGNIZED_EXTENSION = 511,
	MGCP_RC_NO_SUCH_EVENT = 512,
	MGCP_RC_CANNOT_GENERATE_SIGNAL = 513,
	MGCP_RC_INCORRECT_CONN_ID = 515,
	MGCP_RC_UNKNOWN_CALL_ID = 516,
	MGCP_RC_INVALID_MODE = 517,
	MGCP_RC_UNKNOWN_PACKAGE = 518,
	MGCP_RC_RESTARTING = 520,
	MGCP_RC_LCO_INCONSISTENT = 524,
	MGCP_RC_LCO_UNKNOWN_EXTENSION = 525,
	MGCP_RC_MISSING_RCD = 527,
	MGCP_RC_INCOMPATIBLE_VERSION = 528,
	MGCP_RC_HW_FAILURE = 529,
	MGCP_RC_LCO_UNSUPPORTED_VALUE = 532,
	MGCP_RC_RESPONSE_TOO_LARGE = 533,
	MGCP_RC_CODEC_NEGOTIATION = 534,
	MGCP_RC_PTIME_UNSUPPORTED = 535,
	MGCP_RC_RESTART_METHOD = 536,
	MGCP_RC_INVALID_PARAM = 539,
	MGCP_RC_CONN_LIMIT = 540,
	MGCP_RC_LCO_INVALID = 541,
};

/*! Response comments for the return codes above: the one table of them. */
extern const struct value_string mgcp_rc_names[];

/*! The RFC 3435 return code for a codec error (510 when nothing more precise fits). */
unsigned int mgcp_err_to_rc(int rc);

