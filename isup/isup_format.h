/* The ISUP message-format table: mandatory fixed, mandatory variable and
 * optional part of every message type, per variant.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include "isup/isup_names.h"

#define ISUP_FMT_MAX_FIXED	4
#define ISUP_FMT_MAX_VAR	2

/*! Variant bit masks for isup_fmt.variants. */
#define ISUP_VBIT(v)		(1u << (v))
#define ISUP_V_ITU		ISUP_VBIT(ISUP_VARIANT_ITU)
#define ISUP_V_ANSI		ISUP_VBIT(ISUP_VARIANT_ANSI)
#define ISUP_V_CHINA		ISUP_VBIT(ISUP_VARIANT_CHINA)
#define ISUP_V_ALL		(ISUP_V_ITU | ISUP_V_ANSI | ISUP_V_CHINA)
#define ISUP_V_ITU_CHINA	(ISUP_V_ITU | ISUP_V_CHINA)

/*! How the body after the message type is laid out. */
enum isup_fmt_kind {
	/*! fixed, pointer block, variable part, optional part */
	ISUP_FMT_PARAMS,
	/*! a format the recommendation leaves to national specs (CRG),
	 *  an embedded message (PAM) or a code whose layout we could not
	 *  verify: kept as one opaque body */
	ISUP_FMT_OPAQUE,
};

extern const struct value_string isup_fmt_kind_names[];

struct isup_fmt_fixed {
	uint8_t code;
	uint8_t len;
};

/*! One row of the format table. */
struct isup_fmt {
	uint8_t type;
	/*! ISUP_V_* mask of the variants this row applies to */
	uint8_t variants;
	enum isup_fmt_kind kind;
	/*! whether the message has a pointer to an optional part */
	bool optional;
	uint8_t num_fixed;
	struct isup_fmt_fixed fixed[ISUP_FMT_MAX_FIXED];
	uint8_t num_var;
	uint8_t var[ISUP_FMT_MAX_VAR];
};

/*! Look up the format of a message type in a variant.
 *  \returns the row, or NULL for a type unknown in that variant. */
const struct isup_fmt *isup_fmt_find(enum isup_variant variant, uint8_t type);

/*! Iterate the table: row i, or NULL past the end (for tests and tools). */
const struct isup_fmt *isup_fmt_get(unsigned int i);

/*! The layout used for message types not in the table: Q.763 section
 *  1.8 requires new messages to carry only an optional part, so that the
 *  message compatibility information can be found. */
extern const struct isup_fmt isup_fmt_generic;

/*! Total octets of the mandatory fixed part. */
unsigned int isup_fmt_fixed_len(const struct isup_fmt *fmt);
