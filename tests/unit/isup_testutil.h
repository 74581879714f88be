/* Helpers shared by the ISUP unit tests.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "tests/unit/testlib.h"
#include "isup/isup_msg.h"

/* Hex to bytes for test vectors; whitespace ignored. */
static inline size_t isup_t_hex(const char *hex, uint8_t *out, size_t size)
{
	size_t n = 0;
	int hi = -1;

	for (; *hex; hex++) {
		int c = (unsigned char)*hex, v;

		if (c == ' ')
			continue;
		v = (c >= '0' && c <= '9') ? c - '0' : (c >= 'a' && c <= 'f') ? c - 'a' + 10 : -1;
		ck_assert_msg(v >= 0, "bad test hex '%c'", c);
		if (hi < 0) {
			hi = v;
		} else {
			ck_assert(n < size);
			out[n++] = (uint8_t)(hi << 4 | v);
			hi = -1;
		}
	}
	ck_assert(hi < 0);
	return n;
}

/* Assert that encode(msg) equals the expected octets. */
static inline void isup_t_assert_encodes(const struct isup_msg *msg, bool cic,
					 const uint8_t *exp, size_t exp_len)
{
	uint8_t out[ISUP_MAX_MSG_LEN + 2];
	int rc = isup_encode_ex(msg, cic, out, sizeof(out));

	ck_assert_msg(rc >= 0, "encode failed: %s", isup_strerror(rc));
	ck_assert_msg((size_t)rc == exp_len && memcmp(out, exp, exp_len) == 0,
		      "re-encode differs: got %d octets, expected %zu", rc, exp_len);
}
