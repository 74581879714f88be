/* Unit tests of the call ladder (src/cc_ladder.c): bounds, truncation and
 * the line format of `show call ID`.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <talloc.h>

#include "src/cc_ladder.h"
#include "tests/unit/testlib.h"

START_TEST(test_format)
{
	struct cc_ladder *l = talloc_zero(tt_ctx, struct cc_ladder);
	char buf[128];

	cc_ladder_init(l, l);

	cc_ladder_add(l, 0, CC_LADDER_IN, CC_SIDE_SIP, "INVITE %s", "030123");
	cc_ladder_add(l, 1234, CC_LADDER_OUT, CC_SIDE_ISUP, "IAM cic=%u", 5);
	ck_assert_uint_eq(l->num, 2);
	ck_assert_uint_eq(l->dropped, 0);
	cc_ladder_entry_str(buf, sizeof(buf), &l->e[0]);
	ck_assert_str_eq(buf, "  +0.000s  SIP   in   INVITE 030123");
	cc_ladder_entry_str(buf, sizeof(buf), &l->e[1]);
	ck_assert_str_eq(buf, "  +1.234s  ISUP  out  IAM cic=5");
	talloc_free(l);
}
END_TEST

START_TEST(test_grows_in_steps)
{
	struct cc_ladder *l = talloc_zero(tt_ctx, struct cc_ladder);
	unsigned int i;

	cc_ladder_init(l, l);
	ck_assert_uint_eq(l->cap, 0);
	for (i = 0; i < 9; i++)
		cc_ladder_add(l, i, CC_LADDER_IN, CC_SIDE_SIP, "%u", i);
	/* a short call holds 16 entries, not 64 */
	ck_assert_uint_eq(l->cap, 16);
	ck_assert_str_eq(l->e[0].text, "0");
	ck_assert_str_eq(l->e[8].text, "8");
	/* without a context nothing is allocated: entries are only counted */
	cc_ladder_init(l, NULL);
	cc_ladder_add(l, 0, CC_LADDER_IN, CC_SIDE_SIP, "x");
	ck_assert_uint_eq(l->num, 0);
	ck_assert_uint_eq(l->dropped, 1);
	talloc_free(l);
}
END_TEST

START_TEST(test_bounded)
{
	struct cc_ladder *l = talloc_zero(tt_ctx, struct cc_ladder);
	char longtext[200];
	unsigned int i;

	cc_ladder_init(l, l);

	memset(longtext, 'x', sizeof(longtext) - 1);
	longtext[sizeof(longtext) - 1] = '\0';
	cc_ladder_add(l, 1, CC_LADDER_IN, CC_SIDE_SIP, "%s", longtext);
	/* truncated to the entry, NUL-terminated */
	ck_assert_uint_eq(strlen(l->e[0].text), CC_LADDER_TEXT - 1);
	for (i = 1; i < CC_LADDER_MAX + 10; i++)
		cc_ladder_add(l, i, CC_LADDER_OUT, CC_SIDE_ISUP, "CPG %u", i);
	ck_assert_uint_eq(l->num, CC_LADDER_MAX);
	ck_assert_uint_eq(l->cap, CC_LADDER_MAX);
	ck_assert_uint_eq(l->dropped, 10);
	/* the first messages are kept, the last ones counted */
	ck_assert_str_eq(l->e[CC_LADDER_MAX - 1].text, "CPG 63");
	talloc_free(l);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cc_ladder");
	TCase *tc = tt_tcase(s, "ladder");

	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_grows_in_steps);
	tcase_add_test(tc, test_bounded);
	return tt_run(s);
}
