/* JSON form of ISUP messages for the tandem-isup tool (doc/isup-json.md).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "isup/isup_msg.h"

/*! Build the JSON object of a message. \returns a new reference or NULL */
json_t *isup_json_from_msg(const struct isup_msg *msg);

/*! Build a message from its JSON object.
 *  \param[in] variant variant to use; negative: take "variant" from the
 *  JSON, defaulting to itu
 *  \param[in] with_cic whether the JSON must carry "cic"
 *  \param[out] errbuf a reason on failure
 *  \returns 0 or a negative isup_err. */
int isup_json_to_msg(void *ctx, json_t *obj, int variant, bool with_cic,
		     struct isup_msg **out, char *errbuf, size_t errlen);

/*! Parse hex ("0a 1B:ff" — whitespace and colons ignored, an optional
 *  leading 0x) into a new talloc buffer.  \returns length, -ISUP_ERR_LENGTH
 *  for an odd number of digits, or -ISUP_ERR_INVAL for another character */
int isup_hex_parse(void *ctx, const char *hex, uint8_t **out);
