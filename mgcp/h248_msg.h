/* H.248.1 (MEGACO) text encoding, Annex B, versions 1 to 3: the data model,
 * the parser and the builder.
 *
 * The codec is shared by tandemd's controller and tandem-mgw's gateway
 * side, so it holds no gateway logic.  A message is one talloc tree: free
 * struct h248_msg and everything in it goes.  What a gateway controller
 * acts on is typed (transactions, actions, commands, Media with its streams,
 * LocalControl, Local/Remote, ServiceChange, Error); the rest of a
 * descriptor (event and signal parameters, properties, Modem, Mux, DigitMap,
 * EventBuffer, Packages, Topology...) is kept as a tree of struct h248_item
 * that the builder writes back unchanged.  Every count and length is bounded
 * by the constants below; a message that exceeds one is refused, never cut.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/utils.h>

/*! Largest message parsed or built (a UDP datagram in practice). */
#define H248_MSG_MAX 16384
/*! Most transactions (of any kind) in one message. */
#define H248_TRANS_MAX 16
/*! Most actions (contexts) in one transaction. */
#define H248_ACTIONS_MAX 16
/*! Most commands in one action. */
#define H248_CMDS_MAX 32
/*! Most items in one pair of braces (descriptors, parameters, streams...). */
#define H248_ITEMS_MAX 32
/*! Deepest nesting of braces (a v3 event with an embedded Events whose
 *  event embeds Signals in turn needs 14). */
#define H248_DEPTH_MAX 16
/*! Most ranges in a TransactionResponseAck. */
#define H248_ACKS_MAX 16
/*! Longest token, name, value or termination id. */
#define H248_NAME_MAX 64
/*! Longest mId and ServiceChange address. */
#define H248_MID_MAX 128
/*! Longest quoted string (error text, reason) and verbatim bracket value. */
#define H248_TEXT_MAX 256
/*! Most TerminationIDs in a v3 termIDList "[a, b, ...]" (and no longer
 *  than H248_TEXT_MAX written out). */
#define H248_TERM_IDS_MAX 16
/*! Longest Local or Remote descriptor (SDP) and DigitMap body. */
#define H248_SDP_MAX 4096

/*! Codec error codes; functions return them negated. */
enum h248_err {
	H248_ERR_NONE = 0,
	H248_ERR_TOO_LONG,	/*!< message, name or text longer than its bound */
	H248_ERR_TOO_MANY,	/*!< more items than a bound allows */
	H248_ERR_TOO_MANY_TRANS, /*!< more transactions than H248_TRANS_MAX */
	H248_ERR_DEPTH,		/*!< braces nested deeper than H248_DEPTH_MAX */
	H248_ERR_SYNTAX,	/*!< text that the ABNF does not allow */
	H248_ERR_HEADER,	/*!< malformed "MEGACO/v mId" header */
	H248_ERR_VERSION,	/*!< protocol version other than 1, 2 or 3 */
	H248_ERR_TRANS,		/*!< malformed transaction (token or id) */
	H248_ERR_ID,		/*!< malformed context or termination id */
	H248_ERR_ACTION,	/*!< something other than a command in a context */
	H248_ERR_COMMAND,	/*!< unknown command */
	H248_ERR_DESCRIPTOR,	/*!< unknown descriptor */
	H248_ERR_NOT_LEGAL,	/*!< descriptor not legal in this command */
	H248_ERR_DUP,		/*!< descriptor given twice */
	H248_ERR_VALUE,		/*!< bad parameter or property value */
	H248_ERR_MISSING,	/*!< a descriptor the command requires is absent */
	H248_ERR_UNSUPPORTED,	/*!< valid but not implemented (authentication, segments) */
	H248_ERR_SPACE,		/*!< output buffer too small */
	H248_ERR_INVAL,		/*!< bad argument to a builder */
};

extern const struct value_string h248_err_names[];

/*! Text for a codec error code (either sign accepted). */
const char *h248_strerror(int rc);

/*! H.248.1 error codes (clause 14 / H.248.8) that Tandem uses. */
enum h248_code {
	H248_EC_SYNTAX_MSG = 400,
	H248_EC_PROTOCOL = 401,
	H248_EC_UNAUTHORIZED = 402,
	H248_EC_SYNTAX_TRANS = 403,
	H248_EC_VERSION = 406,
	H248_EC_BAD_ID = 410,
	H248_EC_UNKNOWN_CONTEXT = 411,
	H248_EC_NO_CONTEXT = 412,
	H248_EC_TOO_MANY_TRANS = 413,
	H248_EC_UNKNOWN_ACTION = 421,
	H248_EC_SYNTAX_ACTION = 422,
	H248_EC_UNKNOWN_TERM = 430,
	H248_EC_NO_WILDCARD_MATCH = 431,
	H248_EC_NO_TERM = 432,
	H248_EC_TERM_IN_CONTEXT = 433,
	H248_EC_MAX_TERMS = 434,
	H248_EC_TERM_NOT_IN_CONTEXT = 435,
	H248_EC_UNKNOWN_PACKAGE = 440,
	H248_EC_MISSING_SDP = 441,
	H248_EC_SYNTAX_CMD = 442,
	H248_EC_UNKNOWN_CMD = 443,
	H248_EC_UNKNOWN_DESC = 444,
	H248_EC_UNKNOWN_PROP = 445,
	H248_EC_UNKNOWN_PARAM = 446,
	H248_EC_DESC_NOT_LEGAL = 447,
	H248_EC_DESC_TWICE = 448,
	H248_EC_BAD_VALUE = 449,
	H248_EC_NO_SUCH_EVENT = 451,
	H248_EC_NO_SUCH_SIGNAL = 452,
	H248_EC_MISSING_PARAM = 457,
	H248_EC_INTERNAL = 500,
	H248_EC_NOT_IMPLEMENTED = 501,
	H248_EC_NOT_READY = 502,
	H248_EC_SERVICE_UNAVAILABLE = 503,
	H248_EC_RESOURCES = 510,
	H248_EC_UNSUPPORTED_MEDIA = 515,
	H248_EC_BAD_MODE = 517,
	H248_EC_HW_FAILURE = 529,
	H248_EC_RESPONSE_TOO_BIG = 533,
};

/*! Error texts for the codes above: the one table of them. */
extern const struct value_string h248_code_names[];

/*! The H.248.1 error code to answer a codec error with. */
unsigned int h248_err_to_code(int rc);

/*! The four kinds of transaction (Annex B transactionList). */
enum h248_trans_kind {
	H248_TRANS_REQUEST,	/*!< Transaction / T */
	H248_TRANS_REPLY,	/*!< Reply / P */
	H248_TRANS_PENDING,	/*!< Pending / PN */
	H248_TRANS_ACK,		/*!< TransactionResponseAck / K */
};

extern const struct value_string h248_trans_kind_names[];

/*! Commands (clause 7.2). */
enum h248_cmd_kind {
	H248_CMD_ADD,
	H248_CMD_MODIFY,
	H248_CMD_SUBTRACT,
	H248_CMD_MOVE,
	H248_CMD_AUDIT_VALUE,
	H248_CMD_AUDIT_CAP,
	H248_CMD_NOTIFY,
	H248_CMD_SERVICE_CHANGE,
};

extern const struct value_string h248_cmd_names[];

/*! Stream modes of LocalControl (clause 7.1.7). */
enum h248_mode {
	H248_MODE_NONE = 0,	/*!< no Mode given */
	H248_MODE_SENDONLY,
	H248_MODE_RECVONLY,
	H248_MODE_SENDRECV,
	H248_MODE_INACTIVE,
	H248_MODE_LOOPBACK,
};

extern const struct value_string h248_mode_names[];

/*! ServiceChange methods (clause 7.2.8). */
enum h248_sc_method {
	H248_SC_NONE = 0,	/*!< no Method given */
	H248_SC_FAILOVER,
	H248_SC_FORCED,
	H248_SC_GRACEFUL,
	H248_SC_RESTART,
	H248_SC_DISCONNECTED,
	H248_SC_HANDOFF,
	H248_SC_EXTENSION,	/*!< an X-/X+ method, in method_ext */
};

extern const struct value_string h248_sc_method_names[];

/*! Kinds of context id. */
enum h248_ctx_kind {
	H248_CTX_ID,		/*!< a number */
	H248_CTX_CHOOSE,	/*!< $ */
	H248_CTX_NULL,		/*!< - */
	H248_CTX_ALL,		/*!< * */
};

extern const struct value_string h248_ctx_kind_names[];

/*! One element of a descriptor kept as text: "[ts:]name [op value] [{...}]".
 *  A quoted string stands alone with its quotes in @name. */
struct h248_item {
	struct llist_head list;
	char *name;
	char *timestamp;	/*!< "yyyymmddThhmmsshh" before ":" or NULL */
	char op;		/*!< 0, '=', '<', '>' or '#' */
	char *value;		/*!< NULL when there is none */
	bool braces;		/*!< children (maybe none) or body in braces */
	char *body;		/*!< verbatim braces (DigitMap) or NULL */
	struct llist_head children;
	unsigned int n_children;
	size_t pos;		/*!< where it starts in the text it was read from */
};

/*! Error descriptor. */
struct h248_error {
	bool present;
	uint16_t code;		/*!< 0..9999 */
	char *text;		/*!< without the quotes, NULL when none */
};

/*! LocalControl descriptor. */
struct h248_local_control {
	bool present;
	enum h248_mode mode;
	int8_t reserve_value;	/*!< -1 absent, 0 OFF, 1 ON */
	int8_t reserve_group;	/*!< -1 absent, 0 OFF, 1 ON */
	struct llist_head props; /*!< struct h248_item: pkg/prop op value */
	unsigned int n_props;
};

/*! One stream of a Media descriptor. */
struct h248_stream {
	struct llist_head list;
	uint16_t id;		/*!< 0: the stream parameters stood directly in Media */
	struct h248_local_control lc;
	char *local;		/*!< Local SDP, without its surrounding white space; NULL if absent */
	char *remote;		/*!< Remote SDP, likewise */
	bool has_stats;
	struct llist_head stats; /*!< struct h248_item */
	unsigned int n_stats;
};

/*! Media descriptor. */
struct h248_media {
	bool present;
	struct llist_head streams;
	unsigned int n_streams;
	bool has_ts;		/*!< TerminationState given */
	struct llist_head ts;	/*!< struct h248_item: ServiceStates, Buffer, properties */
	unsigned int n_ts;
};

/*! A descriptor whose entries are items: Events, ObservedEvents, Signals,
 *  Statistics, Audit. */
struct h248_desc {
	bool present;
	bool has_request_id;	/*!< Events / ObservedEvents = id */
	bool request_id_all;	/*!< RequestID "*" */
	uint32_t request_id;
	bool braces;		/*!< written with braces, even empty ones */
	struct llist_head items;
	unsigned int n_items;
};

/*! ServiceChange descriptor (request: Services; reply: Services too). */
struct h248_service_change {
	bool present;
	enum h248_sc_method method;
	char *method_ext;	/*!< the X- method token when H248_SC_EXTENSION */
	char *reason;		/*!< without quotes, e.g. "901 Cold Boot"; NULL if absent */
	bool has_delay;
	uint32_t delay;
	char *address;		/*!< ServiceChangeAddress: mId or port, NULL if absent */
	char *mgc_id;		/*!< MgcIdToTry, NULL if absent */
	char *profile;		/*!< "name/version", NULL if absent */
	unsigned int version;	/*!< 0 when absent */
	char *timestamp;	/*!< NULL if absent */
	struct llist_head other; /*!< struct h248_item: ServiceChangeInc, extensions, audit items */
	unsigned int n_other;
};

/*! One command, request or reply. */
struct h248_cmd {
	struct llist_head list;
	enum h248_cmd_kind kind;
	bool optional;		/*!< "O-" */
	bool wildcard;		/*!< "W-" */
	char *term_id;		/*!< ROOT, a name, $ or *, possibly with wildcards */
	struct h248_media media;
	struct h248_desc events;
	struct h248_desc signals;
	struct h248_desc observed;
	struct h248_desc stats;
	struct h248_desc audit;
	struct h248_service_change sc;
	struct h248_error error;
	/*! Modem, Mux, DigitMap, EventBuffer, Packages and audit items, in order */
	struct llist_head other;
	unsigned int n_other;
	/*! a v3 termIDList "[a, b, ...]" (read in replies only): every id,
	 *  term_id being the first; 0 when the command names one id */
	unsigned int n_term_ids;
	char *term_ids[H248_TERM_IDS_MAX];
};

/*! One action: the commands for one context. */
struct h248_action {
	struct llist_head list;
	enum h248_ctx_kind ctx;
	uint32_t ctx_id;	/*!< when ctx is H248_CTX_ID */
	/*! context properties and audit (Topology, Priority, Emergency...) */
	struct llist_head props;
	unsigned int n_props;
	struct llist_head cmds;
	unsigned int n_cmds;
	struct h248_error error; /*!< replies: the action failed */
};

/*! One range of a TransactionResponseAck. */
struct h248_ack_range {
	uint32_t first;
	uint32_t last;		/*!< == first for a single id */
};

/*! One transaction of a message. */
struct h248_trans {
	struct llist_head list;
	enum h248_trans_kind kind;
	uint32_t id;		/*!< not used for H248_TRANS_ACK */
	bool imm_ack;		/*!< replies: ImmAckRequired */
	struct llist_head actions;
	unsigned int n_actions;
	struct h248_error error; /*!< replies: the transaction failed */
	unsigned int n_acks;
	struct h248_ack_range acks[H248_ACKS_MAX];
};

/*! One H.248 message. */
struct h248_msg {
	unsigned int version;	/*!< 1..3 */
	char mid[H248_MID_MAX + 1]; /*!< as written: "[1.2.3.4]:2944", "<mg1>", a device name */
	struct h248_error error; /*!< a message-level Error instead of transactions */
	struct llist_head trans;
	unsigned int n_trans;
};

/*! Where the parser gave up, so that the receiver can answer properly. */
struct h248_err_detail {
	int rc;			/*!< negative error code, as returned */
	unsigned int code;	/*!< H.248.1 error code to answer with */
	/*! a transaction request's id was read: answer with Reply = id { Error } */
	bool has_trans_id;
	uint32_t trans_id;
	/*! a Reply's id was read: the request it answers fails at once
	 *  rather than waiting for its retransmissions to run out */
	bool has_reply_id;
	uint32_t reply_id;
	unsigned int line;	/*!< 1-based line where the fault is, 0 if none */
	char token[H248_NAME_MAX + 1]; /*!< the token concerned, "" if none */
};

/*! Builder flags for h248_msg_encode(). */
enum h248_enc_flags {
	H248_ENC_SHORT = 1 << 0,	/*!< short tokens ("T", "C", "MF"...) */
	H248_ENC_PRETTY = 1 << 1,	/*!< one item a line, indented */
};

extern const struct value_string h248_enc_flag_names[];

/*! Parse @len octets at @buf into a new message allocated under @ctx.
 *  Returns 0 and sets *@out, or a negative enum h248_err with @err (may be
 *  NULL) filled; nothing stays allocated on failure. */
int h248_msg_parse(void *ctx, const char *buf, size_t len, struct h248_msg **out,
		   struct h248_err_detail *err);

/*! Write @msg as text into @buf (NUL-terminated); returns the length
 *  without the NUL, -H248_ERR_SPACE or -H248_ERR_INVAL. */
int h248_msg_encode(const struct h248_msg *msg, unsigned int flags, char *buf, size_t size);

/*! A new empty message with version and mId. */
struct h248_msg *h248_msg_alloc(void *ctx, unsigned int version, const char *mid);

/*! Append a transaction; NULL when the message is full. */
struct h248_trans *h248_trans_add(struct h248_msg *msg, enum h248_trans_kind kind, uint32_t id);

/*! The first Error of a reply, at whichever level (transaction, action,
 *  command), or NULL. */
const struct h248_error *h248_trans_first_error(const struct h248_trans *t);

/*! Append an action for a context; NULL when the transaction is full. */
struct h248_action *h248_action_add(struct h248_trans *t, enum h248_ctx_kind ctx, uint32_t ctx_id);

/*! Append a command on termination @term_id; NULL when the action is full. */
struct h248_cmd *h248_cmd_add(struct h248_action *a, enum h248_cmd_kind kind, const char *term_id);

/*! Append a stream (@id 0: parameters directly in Media) to a command's Media. */
struct h248_stream *h248_stream_add(struct h248_cmd *c, uint16_t id);

/*! Append an item "name [= value]" to @list (counted in *@n) under talloc
 *  parent @parent; @value may be NULL.  NULL when the list is full. */
struct h248_item *h248_item_add(void *parent, struct llist_head *list, unsigned int *n,
				const char *name, const char *value);

/*! Set an Error descriptor; @text may be NULL (then the code's standard text). */
int h248_error_set(void *parent, struct h248_error *e, unsigned int code, const char *text);

/*! Set a string field of a message object (talloc under @parent). */
int h248_str_set(void *parent, char **field, const char *value);

/*! Longest TimeStamp text, "yyyymmddThhmmsshh" (Annex B.2). */
#define H248_TIMESTAMP_LEN 17

/*! Now as an H.248 TimeStamp, UTC, into @buf of H248_TIMESTAMP_LEN + 1. */
void h248_timestamp_now(char *buf, size_t size);

/*! First transaction of the message, NULL when it has none. */
struct h248_trans *h248_msg_first_trans(const struct h248_msg *msg);
