/* H.248.1 text codec internals shared by the parser and the builder: the
 * Annex B tokens and the generic item tree.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>

#include "mgcp/h248_msg.h"

/*! Annex B tokens the codec reads or writes; each has a long and a short form. */
enum h248_tok {
	H248_TOK_MEGACO,
	H248_TOK_TRANSACTION,
	H248_TOK_REPLY,
	H248_TOK_PENDING,
	H248_TOK_RESPONSE_ACK,
	H248_TOK_IMM_ACK,
	H248_TOK_CONTEXT,
	H248_TOK_ADD,
	H248_TOK_MODIFY,
	H248_TOK_SUBTRACT,
	H248_TOK_MOVE,
	H248_TOK_AUDIT_VALUE,
	H248_TOK_AUDIT_CAP,
	H248_TOK_NOTIFY,
	H248_TOK_SERVICE_CHANGE,
	H248_TOK_MEDIA,
	H248_TOK_STREAM,
	H248_TOK_LOCAL,
	H248_TOK_REMOTE,
	H248_TOK_LOCAL_CONTROL,
	H248_TOK_MODE,
	H248_TOK_RESERVED_GROUP,
	H248_TOK_RESERVED_VALUE,
	H248_TOK_TERMINATION_STATE,
	H248_TOK_EVENTS,
	H248_TOK_OBSERVED_EVENTS,
	H248_TOK_SIGNALS,
	H248_TOK_STATS,
	H248_TOK_ERROR,
	H248_TOK_AUDIT,
	H248_TOK_SERVICES,
	H248_TOK_METHOD,
	H248_TOK_REASON,
	H248_TOK_DELAY,
	H248_TOK_SC_ADDRESS,
	H248_TOK_PROFILE,
	H248_TOK_VERSION,
	H248_TOK_MGC_ID,
	H248_TOK_MODEM,
	H248_TOK_MUX,
	H248_TOK_DIGIT_MAP,
	H248_TOK_EVENT_BUFFER,
	H248_TOK_PACKAGES,
	H248_TOK_TOPOLOGY,
	H248_TOK_PRIORITY,
	H248_TOK_EMERGENCY,
	H248_TOK_EMERGENCY_OFF,
	H248_TOK_IEPS,
	H248_TOK_CONTEXT_AUDIT,
	H248_TOK_CONTEXT_ATTR,
	H248_TOK_SC_INC,
	H248_TOK_AUTH,
	H248_TOK_SEGMENT,
	H248_TOK_SENDONLY,
	H248_TOK_RECVONLY,
	H248_TOK_SENDRECV,
	H248_TOK_INACTIVE,
	H248_TOK_LOOPBACK,
	H248_TOK_FAILOVER,
	H248_TOK_FORCED,
	H248_TOK_GRACEFUL,
	H248_TOK_RESTART,
	H248_TOK_DISCONNECTED,
	H248_TOK_HANDOFF,
	H248_TOK_ON,
	H248_TOK_OFF,
	_NUM_H248_TOK
};

/*! Long forms of the tokens (Annex B.2). */
extern const struct value_string h248_tok_long_names[];
/*! Short forms of the tokens (Annex B.2). */
extern const struct value_string h248_tok_short_names[];

/*! True when @word is token @tok in its long or its short form, any case. */
bool h248_tok_is(const char *word, enum h248_tok tok);

/*! The form of @tok to write. */
const char *h248_tok_str(enum h248_tok tok, bool short_form);

/*! The token of a command kind, and back (-1 when @word names no command). */
enum h248_tok h248_cmd_tok(enum h248_cmd_kind kind);
int h248_cmd_from_word(const char *word);

/*! The tokens of modes and methods, and back (-1 when unknown). */
enum h248_tok h248_mode_tok(enum h248_mode mode);
int h248_mode_from_word(const char *word);
enum h248_tok h248_method_tok(enum h248_sc_method m);
int h248_method_from_word(const char *word);

/*! Reading state of the text parser. */
struct h248_lex {
	const char *buf;
	size_t len;
	size_t pos;
	size_t err_pos;		/*!< where the first fault was found */
	char token[H248_NAME_MAX + 1]; /*!< the token concerned by the fault */
	/*! name and value of the top-level item being read (a transaction) */
	char top_name[H248_NAME_MAX + 1];
	char top_value[H248_NAME_MAX + 1];
};

/*! Read "MEGACO/version SEP mId SEP". */
int h248_lex_header(struct h248_lex *lx, unsigned int *version, char *mid);

/*! Read the items of the message body up to the end of the text into
 *  @list, items allocated under @ctx. */
int h248_lex_body(void *ctx, struct h248_lex *lx, struct llist_head *list, unsigned int *n);

/*! True when @s is a TimeStamp "yyyymmddThhmmsshh" (Annex B). */
bool h248_is_timestamp(const char *s);

/*! True when @s is a Local/Remote/DigitMap token, whose braces hold text. */
bool h248_is_verbatim(const char *s);

/*! True when @s is a TerminationID of Annex B: ROOT, a pathNAME, $ or *. */
bool h248_term_id_ok(const char *s);

/*! True when @s can be written as a value as it is: a word of SafeChar,
 *  a quoted string, or "[...]" / "<...>" with an optional ":port". */
bool h248_value_ok(const char *s);
