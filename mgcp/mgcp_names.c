/* Names of MGCP verbs, modes, restart methods and parameters: the one place
 * for them, used by the parser, the builder and the VTY alike.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "mgcp/mgcp_msg.h"

const struct value_string mgcp_verb_names[] = {
	{ MGCP_VERB_NONE, "NONE" },
	{ MGCP_VERB_EPCF, "EPCF" },
	{ MGCP_VERB_CRCX, "CRCX" },
	{ MGCP_VERB_MDCX, "MDCX" },
	{ MGCP_VERB_DLCX, "DLCX" },
	{ MGCP_VERB_RQNT, "RQNT" },
	{ MGCP_VERB_NTFY, "NTFY" },
	{ MGCP_VERB_AUEP, "AUEP" },
	{ MGCP_VERB_AUCX, "AUCX" },
	{ MGCP_VERB_RSIP, "RSIP" },
	{ 0, NULL }
};

const struct value_string mgcp_conn_mode_names[] = {
	{ MGCP_MODE_NONE, "none" },
	{ MGCP_MODE_SENDONLY, "sendonly" },
	{ MGCP_MODE_RECVONLY, "recvonly" },
	{ MGCP_MODE_SENDRECV, "sendrecv" },
	{ MGCP_MODE_CONFRNCE, "confrnce" },
	{ MGCP_MODE_INACTIVE, "inactive" },
	{ MGCP_MODE_LOOPBACK, "loopback" },
	{ MGCP_MODE_CONTTEST, "conttest" },
	{ MGCP_MODE_NETWLOOP, "netwloop" },
	{ MGCP_MODE_NETWTEST, "netwtest" },
	{ MGCP_MODE_DATA, "data" },
	{ 0, NULL }
};

const struct value_string mgcp_restart_method_names[] = {
	{ MGCP_RM_NONE, "none" },
	{ MGCP_RM_GRACEFUL, "graceful" },
	{ MGCP_RM_FORCED, "forced" },
	{ MGCP_RM_RESTART, "restart" },
	{ MGCP_RM_DISCONNECTED, "disconnected" },
	{ MGCP_RM_CANCEL_GRACEFUL, "cancel-graceful" },
	{ 0, NULL }
};

const struct value_string mgcp_param_bit_names[] = {
	{ MGCP_P_CALL_ID, "C" },
	{ MGCP_P_CONN_ID, "I" },
	{ MGCP_P_MODE, "M" },
	{ MGCP_P_LCO, "L" },
	{ MGCP_P_REQUEST_ID, "X" },
	{ MGCP_P_NOTIFIED_ENTITY, "N" },
	{ MGCP_P_SPECIFIC_EP, "Z" },
	{ MGCP_P_RESTART_METHOD, "RM" },
	{ MGCP_P_RESTART_DELAY, "RD" },
	{ MGCP_P_REASON, "E" },
	{ MGCP_P_SDP, "SDP" },
	{ 0, NULL }
};
