/* MGCP (RFC 3435) messages: parse and build commands and responses.
 *
 * The codec is shared by tandem-mgw (the gateway side) and tandemd's call
 * agent, so it holds no gateway logic: it turns text into a typed, fixed-size
 * struct mgcp_msg and back, and tells a caller that rejects a message which
 * RFC 3435 return code to answer with.  Nothing is allocated: every length and
 * count is bounded by the constants below, and a message that exceeds one is
 * refused rather than truncated.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

#include "mgcp/mgcp_err.h"
#include "mgcp/mgcp_sdp.h"

/*! Largest message (command or response, SDP included) parsed or built. */
#define MGCP_MSG_MAX 4096
/*! Longest line of the message header (command/response line, parameter). */
#define MGCP_LINE_MAX 512
/*! Longest endpoint name, local part and domain together. */
#define MGCP_ENDPOINT_MAX 255
/*! CallId, ConnectionId and RequestIdentifier: 1..32 hex digits. */
#define MGCP_ID_MAX 32
/*! Longest value of any other parameter. */
#define MGCP_VALUE_MAX 255
/*! Longest response comment ("OK", "Unknown endpoint"...). */
#define MGCP_COMMENT_MAX 127
/*! Most parameters kept as text (the ones without a typed field). */
#define MGCP_OTHER_MAX 64
/*! Most codecs in a LocalConnectionOptions "a:" list. */
#define MGCP_LCO_CODECS_MAX 8
/*! Longest codec name in "a:". */
#define MGCP_CODEC_NAME_MAX 31
/*! Transaction ids are 1..999999999 (RFC 3435 3.2.1.2). */
#define MGCP_TRANS_ID_MAX 999999999u

/*! MGCP verbs (RFC 3435 2.3). */
enum mgcp_verb {
	MGCP_VERB_NONE = 0,
	MGCP_VERB_EPCF,
	MGCP_VERB_CRCX,
	MGCP_VERB_MDCX,
	MGCP_VERB_DLCX,
	MGCP_VERB_RQNT,
	MGCP_VERB_NTFY,
	MGCP_VERB_AUEP,
	MGCP_VERB_AUCX,
	MGCP_VERB_RSIP,
};

extern const struct value_string mgcp_verb_names[];

/*! ConnectionMode values (RFC 3435 3.2.2.6). */
enum mgcp_conn_mode {
	MGCP_MODE_NONE = 0,	/*!< no M: given */
	MGCP_MODE_SENDONLY,
	MGCP_MODE_RECVONLY,
	MGCP_MODE_SENDRECV,
	MGCP_MODE_CONFRNCE,
	MGCP_MODE_INACTIVE,
	MGCP_MODE_LOOPBACK,
	MGCP_MODE_CONTTEST,
	MGCP_MODE_NETWLOOP,
	MGCP_MODE_NETWTEST,
	MGCP_MODE_DATA,
};

extern const struct value_string mgcp_conn_mode_names[];

/*! RestartMethod values (RFC 3435 2.3.12). */
enum mgcp_restart_method {
	MGCP_RM_NONE = 0,
	MGCP_RM_GRACEFUL,
	MGCP_RM_FORCED,
	MGCP_RM_RESTART,
	MGCP_RM_DISCONNECTED,
	MGCP_RM_CANCEL_GRACEFUL,
};

extern const struct value_string mgcp_restart_method_names[];

/*! LocalConnectionOptions (RFC 3435 2.3.3, 3.2.2.1); only what a gateway
 *  acts on is typed, the rest is checked for syntax and kept as text. */
struct mgcp_lco {
	bool present;
	/*! "p:" packetization period in ms, a range when min != max */
	bool has_ptime;
	uint16_t ptime_min;
	uint16_t ptime_max;
	/*! "a:" codec names, in the call agent's order of preference */
	unsigned int n_codecs;
	char codecs[MGCP_LCO_CODECS_MAX][MGCP_CODEC_NAME_MAX + 1];
	/*! "e:" echo cancellation, "s:" silence suppression: -1 absent, 0 off, 1 on */
	int8_t echo;
	int8_t silence;
	/*! other standard keys (b, t, gc, r, k, nt) and x- extensions, verbatim */
	char other[MGCP_VALUE_MAX + 1];
};

/*! A parameter without a typed field, kept verbatim. */
struct mgcp_param {
	char name[16];
	char value[MGCP_VALUE_MAX + 1];
};

/*! Parameter bits for struct mgcp_msg.present. */
enum mgcp_param_bit {
	MGCP_P_CALL_ID = 1 << 0,	/*!< C */
	MGCP_P_CONN_ID = 1 << 1,	/*!< I */
	MGCP_P_MODE = 1 << 2,		/*!< M */
	MGCP_P_LCO = 1 << 3,		/*!< L */
	MGCP_P_REQUEST_ID = 1 << 4,	/*!< X */
	MGCP_P_NOTIFIED_ENTITY = 1 << 5, /*!< N */
	MGCP_P_SPECIFIC_EP = 1 << 6,	/*!< Z */
	MGCP_P_RESTART_METHOD = 1 << 7, /*!< RM */
	MGCP_P_RESTART_DELAY = 1 << 8,	/*!< RD */
	MGCP_P_REASON = 1 << 9,		/*!< E */
	MGCP_P_SDP = 1 << 10,		/*!< session description after the empty line */
};

extern const struct value_string mgcp_param_bit_names[];

/*! One MGCP command or response. */
struct mgcp_msg {
	bool is_response;
	uint32_t trans_id;

	/* command line */
	enum mgcp_verb verb;
	char endpoint[MGCP_ENDPOINT_MAX + 1];	/*!< local-name@domain */

	/* response line */
	unsigned int code;			/*!< 000..999 */
	char comment[MGCP_COMMENT_MAX + 1];

	/*! which typed parameters below are present (enum mgcp_param_bit) */
	uint32_t present;
	char call_id[MGCP_ID_MAX + 1];		/*!< C */
	char conn_id[MGCP_ID_MAX + 1];		/*!< I */
	enum mgcp_conn_mode mode;		/*!< M */
	struct mgcp_lco lco;			/*!< L */
	char request_id[MGCP_ID_MAX + 1];	/*!< X */
	char notified_entity[MGCP_VALUE_MAX + 1]; /*!< N */
	char specific_ep[MGCP_ENDPOINT_MAX + 1]; /*!< Z */
	enum mgcp_restart_method restart_method; /*!< RM */
	uint32_t restart_delay;			/*!< RD, seconds */
	char reason[MGCP_VALUE_MAX + 1];	/*!< E: "NNN text" */

	/*! R, S, O, D, Q, T, F, P, ES, K, extra Z, X- extensions... in order */
	unsigned int n_other;
	struct mgcp_param other[MGCP_OTHER_MAX];

	struct mgcp_sdp sdp;			/*!< valid when MGCP_P_SDP is set */
};

/*! Where the parser gave up, so that the receiver can answer properly. */
struct mgcp_err_detail {
	int rc;			/*!< negative error code, as returned */
	/*! the RFC 3435 return code to answer with, 0 when no answer is
	 *  possible (no transaction id could be read) */
	unsigned int mgcp_code;
	/*! true once the transaction id (and verb/response code) was read */
	bool has_trans_id;
	uint32_t trans_id;
	bool is_response;
	enum mgcp_verb verb;
	unsigned int line;	/*!< 1-based line where the fault is, 0 if none */
	char param[16];	/*!< the parameter concerned, "" if none */
};

/*! Parse one MGCP message of @len octets at @buf into @msg.
 *  A line "." ends the message (piggy-backing); *@consumed, when not NULL,
 *  says how many octets the message took.  Returns 0 or a negative
 *  enum mgcp_err, with @err (may be NULL) filled on failure. */
int mgcp_msg_parse(struct mgcp_msg *msg, const char *buf, size_t len, size_t *consumed,
		   struct mgcp_err_detail *err);

/*! Write @msg as text into @buf (NUL-terminated); returns the length
 *  without the NUL or -MGCP_ERR_SPACE / -MGCP_ERR_INVAL. */
int mgcp_msg_encode(const struct mgcp_msg *msg, char *buf, size_t size);

/*! Start a command: clears @msg and sets verb, transaction id and endpoint. */
int mgcp_msg_init_cmd(struct mgcp_msg *msg, enum mgcp_verb verb, uint32_t trans_id, const char *endpoint);

/*! Start a response: clears @msg, sets code, transaction id and the
 *  standard comment for the code (@comment overrides it when not NULL). */
int mgcp_msg_init_resp(struct mgcp_msg *msg, unsigned int code, uint32_t trans_id, const char *comment);

/*! Append a verbatim parameter (R, S, O, K, X-...); -MGCP_ERR_TOO_MANY when full. */
int mgcp_msg_add_other(struct mgcp_msg *msg, const char *name, const char *value);

/*! First verbatim parameter called @name (case-insensitive), or NULL. */
const char *mgcp_msg_get_other(const struct mgcp_msg *msg, const char *name);

/*! Parse a LocalConnectionOptions value ("p:20, a:PCMA;G729, e:off"). */
int mgcp_lco_parse(struct mgcp_lco *lco, const char *value);

/*! Write a LocalConnectionOptions value; returns its length or -MGCP_ERR_SPACE. */
int mgcp_lco_encode(const struct mgcp_lco *lco, char *buf, size_t size);

/*! True when @s is 1..MGCP_ID_MAX hex digits (CallId, ConnectionId, RequestIdentifier). */
bool mgcp_id_valid(const char *s);

/*! Split "local@domain" into its parts; -MGCP_ERR_ENDPOINT when malformed.
 *  @local and @domain get at most MGCP_ENDPOINT_MAX + 1 octets each. */
int mgcp_endpoint_split(const char *endpoint, char *local, char *domain);
