/* ISUP message representation and the table-driven decoder/encoder.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

#include "isup/isup_err.h"
#include "isup/isup_names.h"
#include "isup/isup_format.h"

/*! Largest message the encoder produces or the decoder accepts; well
 *  above the 272-octet MTP3 SIF, since SIP-I bodies are not bounded by
 *  MTP. */
#define ISUP_MAX_MSG_LEN	4096

/*! Part of the message a parameter came from / goes to. */
enum isup_part {
	ISUP_PART_FIXED,
	ISUP_PART_VARIABLE,
	ISUP_PART_OPTIONAL,
};

extern const struct value_string isup_part_names[];

/*! One parameter as it is on the wire, typed or not. */
struct isup_param {
	uint8_t code;
	enum isup_part part;
	uint8_t len;
	/*! len octets, a talloc child of the message; NULL when len is 0 */
	uint8_t *data;
};

/*! A variable part laid out differently from the canonical order
 *  (variable parameters back to back in pointer order, the optional
 *  part right after them).  Valid but rare; kept so that such a message
 *  re-encodes byte for byte as long as no mandatory variable parameter
 *  changes length. */
struct isup_layout {
	uint8_t num_ptrs;
	uint8_t ptrs[ISUP_FMT_MAX_VAR + 1];
	/*! octets from the end of the pointer block up to the start of the
	 *  optional part (or the end of the last variable parameter) */
	size_t area_len;
	uint8_t *area;
};

/*! A decoded ISUP message: one talloc tree. */
struct isup_msg {
	enum isup_variant variant;
	uint8_t type;
	/*! true when the message was read with, or is to be written with,
	 *  a CIC in front of the type (MTP3/M3UA); false for SIP-I bodies */
	bool has_cic;
	uint16_t cic;
	/*! the unused top bits of the CIC field (4 in ITU/China, 2 in ANSI),
	 *  kept so that odd senders re-encode byte for byte */
	uint8_t cic_spare;

	/*! parameters in wire order: fixed, variable, then optional */
	unsigned int num_params;
	unsigned int params_cap;	/* allocated entries of params */
	/*! a decoder's copy of its input: decoded parameters point into it
	 *  rather than each owning a copy */
	uint8_t *wire;
	size_t wire_len;
	struct isup_param *params;

	/*! the whole body after the type, for message types not in the
	 *  format table or whose format is opaque (CRG, PAM); when set, the
	 *  encoder writes it and ignores params.  For unknown types params
	 *  holds the optional part when the body parses as one, so that
	 *  call control can read the message compatibility information. */
	uint8_t *body;
	size_t body_len;

	/*! the pointer to the optional part was non-zero although no
	 *  optional parameter followed (only the end octet) */
	bool opt_empty_ptr;
	/*! the optional part ran to the end of the buffer with no end of
	 *  optional parameters octet (tolerated unless strict) */
	bool eop_missing;
	/*! octets after the end of the message (tolerated unless strict) */
	uint8_t *trailer;
	size_t trailer_len;
	/*! non-canonical variable part layout, NULL when canonical */
	struct isup_layout *layout;
};

/*! Decoder flags. */
enum isup_decode_flags {
	/*! the buffer starts with the 2-octet CIC (MTP3/M3UA payload) */
	ISUP_DEC_CIC = 1 << 0,
	/*! reject unknown message types, trailing octets and a missing end
	 *  of optional parameters octet */
	ISUP_DEC_STRICT = 1 << 1,
	/*! the message is kept long (a call's IAM): allocate it piece by
	 *  piece at its exact size instead of from a pool sized for the
	 *  worst case, which is several kB */
	ISUP_DEC_COMPACT = 1 << 2,
};

/*! Decode a message.  Never reads outside buf[0..len).
 *  \param[in] ctx talloc parent of the message
 *  \param[in] variant protocol variant of the trunk
 *  \param[in] flags ISUP_DEC_* flags
 *  \param[out] out the message on success (set to NULL on error)
 *  \param[out] err filled on error when not NULL
 *  \returns 0 or a negative isup_err. */
int isup_decode_ex(void *ctx, enum isup_variant variant, unsigned int flags,
		   const uint8_t *buf, size_t len, struct isup_msg **out,
		   struct isup_err_detail *err);

/*! Decode a message that starts at the message type (SIP-I body). */
int isup_decode(void *ctx, enum isup_variant variant, const uint8_t *buf, size_t len,
		struct isup_msg **out, struct isup_err_detail *err);

/*! Decode a message that starts with the CIC (MTP3/M3UA payload). */
int isup_decode_cic(void *ctx, enum isup_variant variant, const uint8_t *buf, size_t len,
		    struct isup_msg **out, struct isup_err_detail *err);

/*! Encode a message, with the CIC in front when with_cic.
 *  \returns the length written, or a negative isup_err. */
int isup_encode_ex(const struct isup_msg *msg, bool with_cic, uint8_t *buf, size_t size);

/*! Encode without CIC (SIP-I body). \returns length or negative isup_err */
int isup_encode(const struct isup_msg *msg, uint8_t *buf, size_t size);

/*! Encode with the CIC of msg->cic. \returns length or negative isup_err */
int isup_encode_cic(const struct isup_msg *msg, uint8_t *buf, size_t size);

/*! Encode into a new talloc buffer under ctx (with the CIC when
 *  msg->has_cic). \returns length or negative isup_err */
int isup_encode_alloc(void *ctx, const struct isup_msg *msg, uint8_t **out);

/*! Allocate an empty message of a type; the caller adds parameters. */
struct isup_msg *isup_msg_alloc(void *ctx, enum isup_variant variant, uint8_t type);

/*! The format of the message's type in its variant, NULL if unknown. */
const struct isup_fmt *isup_msg_fmt(const struct isup_msg *msg);

/*! The part a parameter code takes in msg's format: fixed or variable
 *  for the mandatory codes, optional for the rest. */
enum isup_part isup_msg_part_for(const struct isup_msg *msg, uint8_t code);

/*! Append a parameter (data copied). \returns its index or negative */
int isup_msg_add_param(struct isup_msg *msg, enum isup_part part, uint8_t code,
		       const uint8_t *data, uint8_t len);

/*! Set a parameter: replaces the first one with this code, else appends
 *  it in the part the format table gives the code (optional for codes
 *  the format has no mandatory slot for). \returns index or negative */
int isup_msg_set_param(struct isup_msg *msg, uint8_t code, const uint8_t *data, uint8_t len);

/*! Remove every parameter with this code. \returns how many */
int isup_msg_del_param(struct isup_msg *msg, uint8_t code);

/*! First parameter with this code in any part, or NULL. */
const struct isup_param *isup_msg_find_param(const struct isup_msg *msg, uint8_t code);

/*! Next parameter with this code after prev (NULL: from the start);
 *  for repeated optional parameters such as generic number. */
const struct isup_param *isup_msg_find_next(const struct isup_msg *msg,
					    const struct isup_param *prev, uint8_t code);

/*! Whether two messages have the same contents (type, CIC, parameters,
 *  body and layout facts). */
bool isup_msg_equal(const struct isup_msg *a, const struct isup_msg *b);
