/* The ladder of a call: every message call control sent or received on
 * either leg, bounded, for `show call ID`.  Pure data, no I/O, so that it
 * unit-tests on its own (tests/unit/check_cc_ladder.c).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

/*! Most entries kept per call; later ones are only counted. */
#define CC_LADDER_MAX		64
/*! Longest message text of an entry ("IAM cic=5 called=4930123"). */
#define CC_LADDER_TEXT		40

/*! Which way a message went, seen from tandemd. */
enum cc_ladder_dir {
	CC_LADDER_IN,
	CC_LADDER_OUT,
};
extern const struct value_string cc_ladder_dir_names[];

/*! Which side of tandemd a message was on. */
enum cc_side {
	CC_SIDE_SIP,
	CC_SIDE_ISUP,
};
extern const struct value_string cc_side_names[];

/*! One message of the ladder. */
struct cc_ladder_entry {
	/*! milliseconds since the call started */
	uint32_t ms;
	uint8_t dir;	/*!< enum cc_ladder_dir */
	uint8_t side;	/*!< enum cc_side */
	char text[CC_LADDER_TEXT];
};

/*! The ladder of one call (embedded in the call).  Entries grow in
 *  steps (8, 16, 32, 64) under ctx: a typical call has about ten, and at
 *  10,000 calls a fixed array of 64 would cost 3 kB each. */
struct cc_ladder {
	/*! talloc parent of the entries (the call) */
	void *ctx;
	unsigned int num;
	unsigned int cap;
	/*! entries not kept because the ladder was full (or memory ran out) */
	unsigned int dropped;
	struct cc_ladder_entry *e;
};

/*! Start an empty ladder whose entries live under ctx. */
void cc_ladder_init(struct cc_ladder *l, void *ctx);

/*! Append a message (printf format, truncated to CC_LADDER_TEXT - 1);
 *  counted in dropped when the ladder is full. */
void cc_ladder_add(struct cc_ladder *l, uint32_t ms, enum cc_ladder_dir dir, enum cc_side side,
		   const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*! One entry as a line of `show call`:
 *  "  +1.234s  SIP   in   INVITE 0301234".
 *  \returns the length snprintf would write */
int cc_ladder_entry_str(char *buf, size_t len, const struct cc_ladder_entry *e);
