/* Names of H.248.1 tokens, commands, modes, methods and error codes: the
 * one place for them, used by the parser, the builder and the VTY alike.
 *
 * Tokens are from H.248.1 Annex B.2 (checked against an independent
 * implementation's token list); error texts are the names registered for
 * H.248.8 (compared with the IANA MEGACO registry as the Wireshark
 * dissectors carry it).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <strings.h>

#include "mgcp/h248_priv.h"

const struct value_string h248_tok_long_names[] = {
	{ H248_TOK_MEGACO, "MEGACO" },
	{ H248_TOK_TRANSACTION, "Transaction" },
	{ H248_TOK_REPLY, "Reply" },
	{ H248_TOK_PENDING, "Pending" },
	{ H248_TOK_RESPONSE_ACK, "TransactionResponseAck" },
	{ H248_TOK_IMM_ACK, "ImmAckRequired" },
	{ H248_TOK_CONTEXT, "Context" },
	{ H248_TOK_ADD, "Add" },
	{ H248_TOK_MODIFY, "Modify" },
	{ H248_TOK_SUBTRACT, "Subtract" },
	{ H248_TOK_MOVE, "Move" },
	{ H248_TOK_AUDIT_VALUE, "AuditValue" },
	{ H248_TOK_AUDIT_CAP, "AuditCapability" },
	{ H248_TOK_NOTIFY, "Notify" },
	{ H248_TOK_SERVICE_CHANGE, "ServiceChange" },
	{ H248_TOK_MEDIA, "Media" },
	{ H248_TOK_STREAM, "Stream" },
	{ H248_TOK_LOCAL, "Local" },
	{ H248_TOK_REMOTE, "Remote" },
	{ H248_TOK_LOCAL_CONTROL, "LocalControl" },
	{ H248_TOK_MODE, "Mode" },
	{ H248_TOK_RESERVED_GROUP, "ReservedGroup" },
	{ H248_TOK_RESERVED_VALUE, "ReservedValue" },
	{ H248_TOK_TERMINATION_STATE, "TerminationState" },
	{ H248_TOK_EVENTS, "Events" },
	{ H248_TOK_OBSERVED_EVENTS, "ObservedEvents" },
	{ H248_TOK_SIGNALS, "Signals" },
	{ H248_TOK_STATS, "Statistics" },
	{ H248_TOK_ERROR, "Error" },
	{ H248_TOK_AUDIT, "Audit" },
	{ H248_TOK_SERVICES, "Services" },
	{ H248_TOK_METHOD, "Method" },
	{ H248_TOK_REASON, "Reason" },
	{ H248_TOK_DELAY, "Delay" },
	{ H248_TOK_SC_ADDRESS, "ServiceChangeAddress" },
	{ H248_TOK_PROFILE, "Profile" },
	{ H248_TOK_VERSION, "Version" },
	{ H248_TOK_MGC_ID, "MgcIdToTry" },
	{ H248_TOK_MODEM, "Modem" },
	{ H248_TOK_MUX, "Mux" },
	{ H248_TOK_DIGIT_MAP, "DigitMap" },
	{ H248_TOK_EVENT_BUFFER, "EventBuffer" },
	{ H248_TOK_PACKAGES, "Packages" },
	{ H248_TOK_TOPOLOGY, "Topology" },
	{ H248_TOK_PRIORITY, "Priority" },
	{ H248_TOK_EMERGENCY, "Emergency" },
	{ H248_TOK_EMERGENCY_OFF, "EmergencyOff" },
	{ H248_TOK_IEPS, "IEPSCall" },
	{ H248_TOK_CONTEXT_AUDIT, "ContextAudit" },
	{ H248_TOK_CONTEXT_ATTR, "ContextAttr" },
	{ H248_TOK_SC_INC, "ServiceChangeInc" },
	{ H248_TOK_AUTH, "Authentication" },
	{ H248_TOK_SEGMENT, "Segment" },
	{ H248_TOK_SENDONLY, "SendOnly" },
	{ H248_TOK_RECVONLY, "ReceiveOnly" },
	{ H248_TOK_SENDRECV, "SendReceive" },
	{ H248_TOK_INACTIVE, "Inactive" },
	{ H248_TOK_LOOPBACK, "Loopback" },
	{ H248_TOK_FAILOVER, "Failover" },
	{ H248_TOK_FORCED, "Forced" },
	{ H248_TOK_GRACEFUL, "Graceful" },
	{ H248_TOK_RESTART, "Restart" },
	{ H248_TOK_DISCONNECTED, "Disconnected" },
	{ H248_TOK_HANDOFF, "HandOff" },
	{ H248_TOK_ON, "ON" },
	{ H248_TOK_OFF, "OFF" },
	{ 0, NULL }
};

const struct value_string h248_tok_short_names[] = {
	{ H248_TOK_MEGACO, "!" },
	{ H248_TOK_TRANSACTION, "T" },
	{ H248_TOK_REPLY, "P" },
	{ H248_TOK_PENDING, "PN" },
	{ H248_TOK_RESPONSE_ACK, "K" },
	{ H248_TOK_IMM_ACK, "IA" },
	{ H248_TOK_CONTEXT, "C" },
	{ H248_TOK_ADD, "A" },
	{ H248_TOK_MODIFY, "MF" },
	{ H248_TOK_SUBTRACT, "S" },
	{ H248_TOK_MOVE, "MV" },
	{ H248_TOK_AUDIT_VALUE, "AV" },
	{ H248_TOK_AUDIT_CAP, "AC" },
	{ H248_TOK_NOTIFY, "N" },
	{ H248_TOK_SERVICE_CHANGE, "SC" },
	{ H248_TOK_MEDIA, "M" },
	{ H248_TOK_STREAM, "ST" },
	{ H248_TOK_LOCAL, "L" },
	{ H248_TOK_REMOTE, "R" },
	{ H248_TOK_LOCAL_CONTROL, "O" },
	{ H248_TOK_MODE, "MO" },
	{ H248_TOK_RESERVED_GROUP, "RG" },
	{ H248_TOK_RESERVED_VALUE, "RV" },
	{ H248_TOK_TERMINATION_STATE, "TS" },
	{ H248_TOK_EVENTS, "E" },
	{ H248_TOK_OBSERVED_EVENTS, "OE" },
	{ H248_TOK_SIGNALS, "SG" },
	{ H248_TOK_STATS, "SA" },
	{ H248_TOK_ERROR, "ER" },
	{ H248_TOK_AUDIT, "AT" },
	{ H248_TOK_SERVICES, "SV" },
	{ H248_TOK_METHOD, "MT" },
	{ H248_TOK_REASON, "RE" },
	{ H248_TOK_DELAY, "DL" },
	{ H248_TOK_SC_ADDRESS, "AD" },
	{ H248_TOK_PROFILE, "PF" },
	{ H248_TOK_VERSION, "V" },
	{ H248_TOK_MGC_ID, "MG" },
	{ H248_TOK_MODEM, "MD" },
	{ H248_TOK_MUX, "MX" },
	{ H248_TOK_DIGIT_MAP, "DM" },
	{ H248_TOK_EVENT_BUFFER, "EB" },
	{ H248_TOK_PACKAGES, "PG" },
	{ H248_TOK_TOPOLOGY, "TP" },
	{ H248_TOK_PRIORITY, "PR" },
	{ H248_TOK_EMERGENCY, "EG" },
	{ H248_TOK_EMERGENCY_OFF, "EGO" },
	{ H248_TOK_IEPS, "IEPS" },
	{ H248_TOK_CONTEXT_AUDIT, "CA" },
	{ H248_TOK_CONTEXT_ATTR, "CT" },
	{ H248_TOK_SC_INC, "SIC" },
	{ H248_TOK_AUTH, "AU" },
	{ H248_TOK_SEGMENT, "SM" },
	{ H248_TOK_SENDONLY, "SO" },
	{ H248_TOK_RECVONLY, "RC" },
	{ H248_TOK_SENDRECV, "SR" },
	{ H248_TOK_INACTIVE, "IN" },
	{ H248_TOK_LOOPBACK, "LB" },
	{ H248_TOK_FAILOVER, "FL" },
	{ H248_TOK_FORCED, "FO" },
	{ H248_TOK_GRACEFUL, "GR" },
	{ H248_TOK_RESTART, "RS" },
	{ H248_TOK_DISCONNECTED, "DC" },
	{ H248_TOK_HANDOFF, "HO" },
	{ H248_TOK_ON, "ON" },
	{ H248_TOK_OFF, "OFF" },
	{ 0, NULL }
};

/* Commands, modes and methods in the order of their enums. */
static const enum h248_tok h248_cmd_toks[] = {
	[H248_CMD_ADD] = H248_TOK_ADD,
	[H248_CMD_MODIFY] = H248_TOK_MODIFY,
	[H248_CMD_SUBTRACT] = H248_TOK_SUBTRACT,
	[H248_CMD_MOVE] = H248_TOK_MOVE,
	[H248_CMD_AUDIT_VALUE] = H248_TOK_AUDIT_VALUE,
	[H248_CMD_AUDIT_CAP] = H248_TOK_AUDIT_CAP,
	[H248_CMD_NOTIFY] = H248_TOK_NOTIFY,
	[H248_CMD_SERVICE_CHANGE] = H248_TOK_SERVICE_CHANGE,
};

static const enum h248_tok h248_mode_toks[] = {
	[H248_MODE_SENDONLY] = H248_TOK_SENDONLY,
	[H248_MODE_RECVONLY] = H248_TOK_RECVONLY,
	[H248_MODE_SENDRECV] = H248_TOK_SENDRECV,
	[H248_MODE_INACTIVE] = H248_TOK_INACTIVE,
	[H248_MODE_LOOPBACK] = H248_TOK_LOOPBACK,
};

static const enum h248_tok h248_method_toks[] = {
	[H248_SC_FAILOVER] = H248_TOK_FAILOVER,
	[H248_SC_FORCED] = H248_TOK_FORCED,
	[H248_SC_GRACEFUL] = H248_TOK_GRACEFUL,
	[H248_SC_RESTART] = H248_TOK_RESTART,
	[H248_SC_DISCONNECTED] = H248_TOK_DISCONNECTED,
	[H248_SC_HANDOFF] = H248_TOK_HANDOFF,
};

/* The tables are in enum order, so a token is found by index: the parser
 * asks for one per word, and a search of the table each time was a third
 * of its time (bench/bench_gwctl).  A row out of order falls back to the
 * search. */
static const char *h248_tok_name(const struct value_string *vs, enum h248_tok tok)
{
	if ((unsigned int)tok < _NUM_H248_TOK && vs[tok].value == (uint32_t)tok)
		return vs[tok].str;
	return get_value_string(vs, tok);
}

bool h248_tok_is(const char *word, enum h248_tok tok)
{
	return !strcasecmp(word, h248_tok_name(h248_tok_long_names, tok)) ||
	       !strcasecmp(word, h248_tok_name(h248_tok_short_names, tok));
}

const char *h248_tok_str(enum h248_tok tok, bool short_form)
{
	return h248_tok_name(short_form ? h248_tok_short_names : h248_tok_long_names, tok);
}

enum h248_tok h248_cmd_tok(enum h248_cmd_kind kind)
{
	return h248_cmd_toks[kind];
}

static int h248_tok_index(const enum h248_tok *toks, size_t n, size_t first, const char *word)
{
	size_t i;

	for (i = first; i < n; i++) {
		if (h248_tok_is(word, toks[i]))
			return i;
	}
	return -1;
}

int h248_cmd_from_word(const char *word)
{
	return h248_tok_index(h248_cmd_toks, ARRAY_SIZE(h248_cmd_toks), 0, word);
}

enum h248_tok h248_mode_tok(enum h248_mode mode)
{
	return h248_mode_toks[mode];
}

int h248_mode_from_word(const char *word)
{
	return h248_tok_index(h248_mode_toks, ARRAY_SIZE(h248_mode_toks), H248_MODE_SENDONLY, word);
}

enum h248_tok h248_method_tok(enum h248_sc_method m)
{
	return h248_method_toks[m];
}

int h248_method_from_word(const char *word)
{
	return h248_tok_index(h248_method_toks, ARRAY_SIZE(h248_method_toks), H248_SC_FAILOVER, word);
}

const struct value_string h248_enc_flag_names[] = {
	{ H248_ENC_SHORT, "short" },
	{ H248_ENC_PRETTY, "pretty" },
	{ 0, NULL }
};

const struct value_string h248_trans_kind_names[] = {
	{ H248_TRANS_REQUEST, "request" },
	{ H248_TRANS_REPLY, "reply" },
	{ H248_TRANS_PENDING, "pending" },
	{ H248_TRANS_ACK, "response-ack" },
	{ 0, NULL }
};

const struct value_string h248_cmd_names[] = {
	{ H248_CMD_ADD, "Add" },
	{ H248_CMD_MODIFY, "Modify" },
	{ H248_CMD_SUBTRACT, "Subtract" },
	{ H248_CMD_MOVE, "Move" },
	{ H248_CMD_AUDIT_VALUE, "AuditValue" },
	{ H248_CMD_AUDIT_CAP, "AuditCapability" },
	{ H248_CMD_NOTIFY, "Notify" },
	{ H248_CMD_SERVICE_CHANGE, "ServiceChange" },
	{ 0, NULL }
};

const struct value_string h248_mode_names[] = {
	{ H248_MODE_NONE, "none" },
	{ H248_MODE_SENDONLY, "sendonly" },
	{ H248_MODE_RECVONLY, "recvonly" },
	{ H248_MODE_SENDRECV, "sendrecv" },
	{ H248_MODE_INACTIVE, "inactive" },
	{ H248_MODE_LOOPBACK, "loopback" },
	{ 0, NULL }
};

const struct value_string h248_sc_method_names[] = {
	{ H248_SC_NONE, "none" },
	{ H248_SC_FAILOVER, "failover" },
	{ H248_SC_FORCED, "forced" },
	{ H248_SC_GRACEFUL, "graceful" },
	{ H248_SC_RESTART, "restart" },
	{ H248_SC_DISCONNECTED, "disconnected" },
	{ H248_SC_HANDOFF, "handoff" },
	{ H248_SC_EXTENSION, "extension" },
	{ 0, NULL }
};

const struct value_string h248_ctx_kind_names[] = {
	{ H248_CTX_ID, "id" },
	{ H248_CTX_CHOOSE, "$" },
	{ H248_CTX_NULL, "-" },
	{ H248_CTX_ALL, "*" },
	{ 0, NULL }
};

const struct value_string h248_err_names[] = {
	{ H248_ERR_NONE, "no error" },
	{ H248_ERR_TOO_LONG, "message, name or text too long" },
	{ H248_ERR_TOO_MANY, "too many items" },
	{ H248_ERR_TOO_MANY_TRANS, "too many transactions" },
	{ H248_ERR_DEPTH, "braces nested too deep" },
	{ H248_ERR_SYNTAX, "syntax error" },
	{ H248_ERR_HEADER, "malformed message header" },
	{ H248_ERR_VERSION, "unsupported protocol version" },
	{ H248_ERR_TRANS, "malformed transaction" },
	{ H248_ERR_ID, "malformed context or termination id" },
	{ H248_ERR_ACTION, "unknown action" },
	{ H248_ERR_COMMAND, "unknown command" },
	{ H248_ERR_DESCRIPTOR, "unknown descriptor" },
	{ H248_ERR_NOT_LEGAL, "descriptor not legal in this command" },
	{ H248_ERR_DUP, "descriptor given twice" },
	{ H248_ERR_VALUE, "bad parameter value" },
	{ H248_ERR_MISSING, "required descriptor missing" },
	{ H248_ERR_UNSUPPORTED, "not implemented" },
	{ H248_ERR_SPACE, "output buffer too small" },
	{ H248_ERR_INVAL, "invalid argument" },
	{ 0, NULL }
};

const char *h248_strerror(int rc)
{
	return get_value_string(h248_err_names, rc < 0 ? -rc : rc);
}

const struct value_string h248_code_names[] = {
	{ H248_EC_SYNTAX_MSG, "Syntax error in message" },
	{ H248_EC_PROTOCOL, "Protocol Error" },
	{ H248_EC_UNAUTHORIZED, "Unauthorized" },
	{ H248_EC_SYNTAX_TRANS, "Syntax error in transaction request" },
	{ H248_EC_VERSION, "Version Not Supported" },
	{ H248_EC_BAD_ID, "Incorrect identifier" },
	{ H248_EC_UNKNOWN_CONTEXT, "The transaction refers to an unknown ContextId" },
	{ H248_EC_NO_CONTEXT, "No ContextIDs available" },
	{ H248_EC_TOO_MANY_TRANS, "Number of transactions in message exceeds maximum" },
	{ H248_EC_UNKNOWN_ACTION, "Unknown action or illegal combination of actions" },
	{ H248_EC_SYNTAX_ACTION, "Syntax Error in Action" },
	{ H248_EC_UNKNOWN_TERM, "Unknown TerminationID" },
	{ H248_EC_NO_WILDCARD_MATCH, "No TerminationID matched a wildcard" },
	{ H248_EC_NO_TERM, "Out of TerminationIDs or No TerminationID available" },
	{ H248_EC_TERM_IN_CONTEXT, "TerminationID is already in a Context" },
	{ H248_EC_MAX_TERMS, "Max number of Terminations in a Context exceeded" },
	{ H248_EC_TERM_NOT_IN_CONTEXT, "Termination ID is not in specified Context" },
	{ H248_EC_UNKNOWN_PACKAGE, "Unsupported or unknown Package" },
	{ H248_EC_MISSING_SDP, "Missing Remote or Local Descriptor" },
	{ H248_EC_SYNTAX_CMD, "Syntax Error in Command" },
	{ H248_EC_UNKNOWN_CMD, "Unsupported or Unknown Command" },
	{ H248_EC_UNKNOWN_DESC, "Unsupported or Unknown Descriptor" },
	{ H248_EC_UNKNOWN_PROP, "Unsupported or Unknown Property" },
	{ H248_EC_UNKNOWN_PARAM, "Unsupported or Unknown Parameter" },
	{ H248_EC_DESC_NOT_LEGAL, "Descriptor not legal in this command" },
	{ H248_EC_DESC_TWICE, "Descriptor appears twice in a command" },
	{ H248_EC_BAD_VALUE, "Unsupported or Unknown Parameter or Property Value" },
	{ H248_EC_NO_SUCH_EVENT, "No such event in this package" },
	{ H248_EC_NO_SUCH_SIGNAL, "No such signal in this package" },
	{ H248_EC_MISSING_PARAM, "Missing parameter in signal or event" },
	{ H248_EC_INTERNAL, "Internal software Failure in MG" },
	{ H248_EC_NOT_IMPLEMENTED, "Not Implemented" },
	{ H248_EC_NOT_READY, "Not ready" },
	{ H248_EC_SERVICE_UNAVAILABLE, "Service Unavailable" },
	{ H248_EC_RESOURCES, "Insufficient resources" },
	{ H248_EC_UNSUPPORTED_MEDIA, "Unsupported Media Type" },
	{ H248_EC_BAD_MODE, "Unsupported or invalid mode" },
	{ H248_EC_HW_FAILURE, "Internal hardware failure in MG" },
	{ H248_EC_RESPONSE_TOO_BIG, "Response exceeds maximum transport PDU size" },
	{ 0, NULL }
};

unsigned int h248_err_to_code(int rc)
{
	switch (rc < 0 ? -rc : rc) {
	case H248_ERR_VERSION:
		return H248_EC_VERSION;
	case H248_ERR_TOO_MANY_TRANS:
		return H248_EC_TOO_MANY_TRANS;
	case H248_ERR_TOO_LONG:
	case H248_ERR_TOO_MANY:
	case H248_ERR_DEPTH:
		return H248_EC_RESOURCES;
	case H248_ERR_ID:
		return H248_EC_BAD_ID;
	case H248_ERR_ACTION:
		return H248_EC_UNKNOWN_ACTION;
	case H248_ERR_COMMAND:
		return H248_EC_UNKNOWN_CMD;
	case H248_ERR_DESCRIPTOR:
		return H248_EC_UNKNOWN_DESC;
	case H248_ERR_NOT_LEGAL:
		return H248_EC_DESC_NOT_LEGAL;
	case H248_ERR_DUP:
		return H248_EC_DESC_TWICE;
	case H248_ERR_VALUE:
		return H248_EC_BAD_VALUE;
	case H248_ERR_MISSING:
		return H248_EC_SYNTAX_CMD;
	case H248_ERR_UNSUPPORTED:
		return H248_EC_NOT_IMPLEMENTED;
	case H248_ERR_SPACE:
	case H248_ERR_INVAL:
		return H248_EC_INTERNAL;
	default:
		return H248_EC_SYNTAX_MSG;
	}
}
