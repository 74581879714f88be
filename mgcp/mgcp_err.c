/* MGCP codec errors and RFC 3435 return codes: the one place for their text.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mgcp/mgcp_err.h"

const struct value_string mgcp_err_names[] = {
	{ MGCP_ERR_NONE, "no error" },
	{ MGCP_ERR_TOO_LONG, "message or line too long" },
	{ MGCP_ERR_SYNTAX, "malformed command or response line" },
	{ MGCP_ERR_VERB, "unknown verb" },
	{ MGCP_ERR_TRANS_ID, "bad transaction id" },
	{ MGCP_ERR_ENDPOINT, "malformed endpoint name" },
	{ MGCP_ERR_VERSION, "unsupported protocol version" },
	{ MGCP_ERR_PARAM, "malformed parameter line" },
	{ MGCP_ERR_PARAM_UNKNOWN, "unknown parameter" },
	{ MGCP_ERR_PARAM_EXT, "unsupported critical extension parameter" },
	{ MGCP_ERR_PARAM_DUP, "duplicate parameter" },
	{ MGCP_ERR_PARAM_VALUE, "bad parameter value" },
	{ MGCP_ERR_TOO_MANY, "too many parameters" },
	{ MGCP_ERR_MODE, "unknown connection mode" },
	{ MGCP_ERR_LCO, "malformed LocalConnectionOptions" },
	{ MGCP_ERR_LCO_VALUE, "unsupported LocalConnectionOptions value" },
	{ MGCP_ERR_LCO_EXT, "unknown LocalConnectionOptions extension" },
	{ MGCP_ERR_RESTART_METHOD, "unknown RestartMethod" },
	{ MGCP_ERR_SDP, "malformed session description" },
	{ MGCP_ERR_SPACE, "output buffer too small" },
	{ MGCP_ERR_INVAL, "invalid argument" },
	{ MGCP_ERR_SDP_UNSUPPORTED, "unsupported session description" },
	{ 0, NULL }
};

const char *mgcp_strerror(int rc)
{
	return get_value_string(mgcp_err_names, rc < 0 ? -rc : rc);
}

const struct value_string mgcp_rc_names[] = {
	{ MGCP_RC_TRYING, "Transaction being executed" },
	{ MGCP_RC_OK, "OK" },
	{ MGCP_RC_DELETED, "Connection was deleted" },
	{ MGCP_RC_TRANSIENT, "Transient error" },
	{ MGCP_RC_NO_RESOURCES_NOW, "Insufficient resources now" },
	{ MGCP_RC_RESTARTING_NOW, "Endpoint restarting" },
	{ MGCP_RC_NO_ENDPOINT_AVAILABLE, "No endpoint available" },
	{ MGCP_RC_UNKNOWN_ENDPOINT, "Endpoint unknown" },
	{ MGCP_RC_NOT_READY, "Endpoint not ready" },
	{ MGCP_RC_NO_RESOURCES, "Insufficient resources" },
	{ MGCP_RC_WILDCARD_TOO_COMPLICATED, "Wildcard too complicated" },
	{ MGCP_RC_UNKNOWN_COMMAND, "Unknown or unsupported command" },
	{ MGCP_RC_UNSUPPORTED_RCD, "Unsupported RemoteConnectionDescriptor" },
	{ MGCP_RC_LCO_AND_RCD, "Cannot satisfy both LocalConnectionOptions and RemoteConnectionDescriptor" },
	{ MGCP_RC_UNSUPPORTED, "Unsupported functionality" },
	{ MGCP_RC_RCD_ERROR, "Error in RemoteConnectionDescriptor" },
	{ MGCP_RC_PROTOCOL_ERROR, "Protocol error" },
	{ MGCP_RC_UNRECOGNIZED_EXTENSION, "Unrecognized extension" },
	{ MGCP_RC_NO_SUCH_EVENT, "Cannot detect requested event" },
	{ MGCP_RC_CANNOT_GENERATE_SIGNAL, "Cannot generate signal" },
	{ MGCP_RC_INCORRECT_CONN_ID, "Incorrect connection-id" },
	{ MGCP_RC_UNKNOWN_CALL_ID, "Unknown call-id" },
	{ MGCP_RC_INVALID_MODE, "Unsupported or invalid mode" },
	{ MGCP_RC_UNKNOWN_PACKAGE, "Unsupported or unknown package" },
	{ MGCP_RC_RESTARTING, "Endpoint is restarting" },
	{ MGCP_RC_LCO_INCONSISTENT, "Internal inconsistency in LocalConnectionOptions" },
	{ MGCP_RC_LCO_UNKNOWN_EXTENSION, "Unknown extension in LocalConnectionOptions" },
	{ MGCP_RC_MISSING_RCD, "Missing RemoteConnectionDescriptor" },
	{ MGCP_RC_INCOMPATIBLE_VERSION, "Incompatible protocol version" },
	{ MGCP_RC_HW_FAILURE, "Internal hardware failure" },
	{ MGCP_RC_LCO_UNSUPPORTED_VALUE, "Unsupported value in LocalConnectionOptions" },
	{ MGCP_RC_RESPONSE_TOO_LARGE, "Response too large" },
	{ MGCP_RC_CODEC_NEGOTIATION, "Codec negotiation failure" },
	{ MGCP_RC_PTIME_UNSUPPORTED, "Packetization period not supported" },
	{ MGCP_RC_RESTART_METHOD, "Unknown or unsupported RestartMethod" },
	{ MGCP_RC_INVALID_PARAM, "Invalid or unsupported command parameter" },
	{ MGCP_RC_CONN_LIMIT, "Per endpoint connection limit exceeded" },
	{ MGCP_RC_LCO_INVALID, "Invalid or unsupported LocalConnectionOptions" },
	{ 0, NULL }
};

/* Which answer each parse failure earns (RFC 3435 2.4). */
static const struct {
	enum mgcp_err err;
	enum mgcp_rc rc;
} mgcp_err_rc_map[] = {
	{ MGCP_ERR_VERB, MGCP_RC_UNKNOWN_COMMAND },
	{ MGCP_ERR_VERSION, MGCP_RC_INCOMPATIBLE_VERSION },
	{ MGCP_ERR_PARAM_UNKNOWN, MGCP_RC_INVALID_PARAM },
	{ MGCP_ERR_PARAM_VALUE, MGCP_RC_INVALID_PARAM },
	{ MGCP_ERR_PARAM_EXT, MGCP_RC_UNRECOGNIZED_EXTENSION },
	{ MGCP_ERR_MODE, MGCP_RC_INVALID_MODE },
	{ MGCP_ERR_LCO, MGCP_RC_LCO_INVALID },
	{ MGCP_ERR_LCO_VALUE, MGCP_RC_LCO_UNSUPPORTED_VALUE },
	{ MGCP_ERR_LCO_EXT, MGCP_RC_LCO_UNKNOWN_EXTENSION },
	{ MGCP_ERR_RESTART_METHOD, MGCP_RC_RESTART_METHOD },
	{ MGCP_ERR_SDP, MGCP_RC_RCD_ERROR },
	{ MGCP_ERR_SDP_UNSUPPORTED, MGCP_RC_UNSUPPORTED_RCD },
	{ MGCP_ERR_ENDPOINT, MGCP_RC_UNKNOWN_ENDPOINT },
};

unsigned int mgcp_err_to_rc(int rc)
{
	unsigned int i;

	if (rc < 0)
		rc = -rc;
	for (i = 0; i < ARRAY_SIZE(mgcp_err_rc_map); i++) {
		if ((int)mgcp_err_rc_map[i].err == rc)
			return mgcp_err_rc_map[i].rc;
	}
	return MGCP_RC_PROTOCOL_ERROR;
}
