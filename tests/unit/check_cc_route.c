/* Unit tests of the route table (src/cc_route.c): matching order (called,
 * source trunk, calling), failover lists, number manipulation, bounds.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include "src/cc_route.h"
#include "tests/unit/testlib.h"

static struct cc_route *mk(struct cc_route_table *t, const char *name, const char *called,
			   const char *calling, const char *dest)
{
	int err = 0;
	struct cc_route *r = cc_route_get(tt_ctx, t, name, &err);

	ck_assert_ptr_nonnull(r);
	strcpy(r->called_prefix, called);
	strcpy(r->calling_prefix, calling);
	if (dest)
		ck_assert_int_eq(cc_route_add_dest(r, dest), 0);
	return r;
}

/* routes are talloc children of tt_ctx, which must end empty */
static void drain(struct cc_route_table *t)
{
	while (!llist_empty(&t->routes))
		cc_route_del(t, llist_first_entry(&t->routes, struct cc_route, list)->name);
}

START_TEST(test_longest_prefix_wins)
{
	struct cc_route_table t;
	const struct cc_route *r;
	char why[160];

	cc_route_table_init(&t);
	mk(&t, "any", "", "", "t0");
	mk(&t, "de", "49", "", "t1");
	mk(&t, "berlin", "4930", "", "t2");
	mk(&t, "nodest", "493012", "", NULL);
	r = cc_route_lookup(&t, "4930123", NULL, NULL, why, sizeof(why));
	ck_assert_str_eq(r->name, "berlin");
	ck_assert_ptr_nonnull(strstr(why, "route berlin: called prefix '4930' (4 digits)"));
	ck_assert_str_eq(cc_route_lookup(&t, "4940", NULL, NULL, NULL, 0)->name, "de");
	ck_assert_str_eq(cc_route_lookup(&t, "1", NULL, NULL, NULL, 0)->name, "any");
	drain(&t);
}
END_TEST

START_TEST(test_calling_prefix_and_tie)
{
	struct cc_route_table t;
	char why[160];

	cc_route_table_init(&t);
	mk(&t, "first", "49", "", "t1");
	mk(&t, "second", "49", "", "t2");
	mk(&t, "vip", "49", "4930", "t3");
	/* equal called prefixes: the one configured first, unless a calling
	 * prefix matches too */
	ck_assert_str_eq(cc_route_lookup(&t, "4912", NULL, NULL, NULL, 0)->name, "first");
	ck_assert_str_eq(cc_route_lookup(&t, "4912", "4940", NULL, NULL, 0)->name, "first");
	ck_assert_str_eq(cc_route_lookup(&t, "4912", "49301", NULL, NULL, 0)->name, "vip");
	ck_assert_ptr_null(cc_route_lookup(&t, "33", "4930", NULL, why, sizeof(why)));
	ck_assert_str_eq(why, "no route matches called 33 calling 4930");
	drain(&t);
}
END_TEST

START_TEST(test_apply)
{
	struct cc_route_table t;
	struct cc_route *r;
	char out[CC_DIGITS_MAX + 1];

	cc_route_table_init(&t);
	r = mk(&t, "r", "0", "", "t1");
	r->strip = 1;
	strcpy(r->prefix, "49");
	ck_assert_int_eq(cc_route_apply(r, "030123", out, sizeof(out)), 7);
	ck_assert_str_eq(out, "4930123");
	r->strip = 10;
	ck_assert_int_eq(cc_route_apply(r, "030", out, sizeof(out)), 2);
	ck_assert_str_eq(out, "49");
	r->strip = 0;
	ck_assert_int_eq(cc_route_apply(r, "1234567890123456789012345678901", out, sizeof(out)), -ENOSPC);
	ck_assert_int_eq(cc_route_apply(r, "1", out, 2), -ENOSPC);
	drain(&t);
}
END_TEST

START_TEST(test_bounds)
{
	struct cc_route_table t;
	struct cc_route *r;
	int err = 0, i;
	char name[40];

	cc_route_table_init(&t);
	ck_assert_ptr_null(cc_route_get(tt_ctx, &t, "", &err));
	ck_assert_int_eq(err, -EINVAL);
	memset(name, 'a', sizeof(name) - 1);
	name[sizeof(name) - 1] = '\0';
	ck_assert_ptr_null(cc_route_get(tt_ctx, &t, name, &err));
	r = mk(&t, "r", "", "", NULL);
	ck_assert_ptr_eq(cc_route_get(tt_ctx, &t, "r", &err), r);
	for (i = 0; i < CC_ROUTE_MAX_DEST; i++) {
		snprintf(name, sizeof(name), "t%d", i);
		ck_assert_int_eq(cc_route_add_dest(r, name), 0);
	}
	ck_assert_int_eq(cc_route_add_dest(r, "t0"), -EEXIST);
	ck_assert_int_eq(cc_route_add_dest(r, "more"), -ENOSPC);
	for (i = 1; i < CC_ROUTE_MAX; i++) {
		snprintf(name, sizeof(name), "r%d", i);
		ck_assert_ptr_nonnull(cc_route_get(tt_ctx, &t, name, &err));
	}
	ck_assert_ptr_null(cc_route_get(tt_ctx, &t, "full", &err));
	ck_assert_int_eq(err, -ENOSPC);
	ck_assert_int_eq(cc_route_del(&t, "r"), 0);
	ck_assert_int_eq(cc_route_del(&t, "r"), -ENOENT);
	ck_assert(cc_digits_valid(""));
	ck_assert(cc_digits_valid("0123"));
	ck_assert(!cc_digits_valid("12a"));
	ck_assert(!cc_digits_valid("123456789012345678901234567890123"));
	drain(&t);
}
END_TEST

START_TEST(test_source_trunk)
{
	struct cc_route_table t;
	struct cc_route *r;
	char why[200];

	cc_route_table_init(&t);
	mk(&t, "any", "49", "", "t1");
	r = mk(&t, "from-a", "49", "", "t2");
	strcpy(r->source_trunk, "carrier-a");
	r = mk(&t, "vip-from-a", "49", "4930", "t3");
	strcpy(r->source_trunk, "carrier-a");
	mk(&t, "vip", "49", "4930", "t4");
	mk(&t, "longer", "491", "", "t5");
	/* without a source only routes for any source match */
	ck_assert_str_eq(cc_route_lookup(&t, "4920", NULL, NULL, NULL, 0)->name, "any");
	ck_assert_str_eq(cc_route_lookup(&t, "4920", NULL, "carrier-b", NULL, 0)->name, "any");
	/* the source trunk outranks the calling prefix ... */
	ck_assert_str_eq(cc_route_lookup(&t, "4920", "4940", "carrier-a", NULL, 0)->name, "from-a");
	ck_assert_str_eq(cc_route_lookup(&t, "4920", "49301", "carrier-b", NULL, 0)->name, "vip");
	ck_assert_str_eq(cc_route_lookup(&t, "4920", "49301", "carrier-a", why, sizeof(why))->name,
			 "vip-from-a");
	ck_assert_str_eq(why, "route vip-from-a: called prefix '49' (2 digits), source trunk 'carrier-a', "
			      "calling prefix '4930' is the longest match");
	/* ... but not a longer called prefix */
	ck_assert_str_eq(cc_route_lookup(&t, "4910", "49301", "carrier-a", NULL, 0)->name, "longer");
	/* names match exactly, not as prefixes */
	ck_assert_str_eq(cc_route_lookup(&t, "4920", NULL, "carrier-aa", NULL, 0)->name, "any");
	ck_assert_ptr_null(cc_route_lookup(&t, "33", NULL, "carrier-a", why, sizeof(why)));
	ck_assert_str_eq(why, "no route matches called 33 from carrier-a");
	ck_assert_ptr_null(cc_route_lookup(&t, "33", "1", "x", why, sizeof(why)));
	ck_assert_str_eq(why, "no route matches called 33 calling 1 from x");
	cc_route_lookup(&t, "4920", NULL, NULL, why, sizeof(why));
	ck_assert_str_eq(why, "route any: called prefix '49' (2 digits) is the longest match");
	/* a short why buffer is cut, never overrun */
	cc_route_lookup(&t, "4920", "49301", "carrier-a", why, 20);
	ck_assert_int_eq(strlen(why), 19);
	drain(&t);
}
END_TEST

START_TEST(test_failover)
{
	struct cc_route_table t;
	struct cc_route *r;
	int i;

	cc_route_table_init(&t);
	r = mk(&t, "r", "", "", "t1");
	/* defaults: cause 34 or status 503 */
	ck_assert(cc_route_failover(r, 34, 0));
	ck_assert(cc_route_failover(r, 0, 503));
	ck_assert(cc_route_failover(r, 16, 503));
	ck_assert(!cc_route_failover(r, 17, 486));
	ck_assert(!cc_route_failover(r, 0, 0));
	ck_assert(!cc_route_failover(NULL, 34, 503));
	/* a configured list replaces both defaults */
	ck_assert_int_eq(cc_route_add_fo_cause(r, 42), 0);
	ck_assert(cc_route_failover(r, 42, 0));
	ck_assert(!cc_route_failover(r, 34, 0));
	ck_assert(!cc_route_failover(r, 0, 503));
	ck_assert_int_eq(cc_route_add_fo_status(r, 480), 0);
	ck_assert(cc_route_failover(r, 0, 480));
	ck_assert(cc_route_failover(r, 1, 480));
	ck_assert(!cc_route_failover(r, 1, 404));
	/* bounds */
	ck_assert_int_eq(cc_route_add_fo_cause(r, 0), -EINVAL);
	ck_assert_int_eq(cc_route_add_fo_cause(r, 128), -EINVAL);
	ck_assert_int_eq(cc_route_add_fo_status(r, 299), -EINVAL);
	ck_assert_int_eq(cc_route_add_fo_status(r, 700), -EINVAL);
	ck_assert_int_eq(cc_route_add_fo_cause(r, 42), 0);
	ck_assert_int_eq(r->num_fo_causes, 1);
	for (i = 1; r->num_fo_causes < CC_ROUTE_FAILOVER_MAX; i++)
		ck_assert_int_eq(cc_route_add_fo_cause(r, i), 0);
	ck_assert_int_eq(cc_route_add_fo_cause(r, 100), -ENOSPC);
	ck_assert_int_eq(cc_route_del_fo_cause(r, 42), 0);
	ck_assert_int_eq(cc_route_del_fo_cause(r, 42), -ENOENT);
	ck_assert(!cc_route_failover(r, 42, 0));
	ck_assert_int_eq(cc_route_del_fo_status(r, 480), 0);
	ck_assert_int_eq(cc_route_del_fo_status(r, 480), -ENOENT);
	/* disabled: never, whatever the lists */
	cc_route_fo_reset(r, true);
	ck_assert_uint_eq(r->num_fo_causes, 0);
	ck_assert(!cc_route_failover(r, 34, 503));
	/* adding an entry enables it again */
	ck_assert_int_eq(cc_route_add_fo_status(r, 503), 0);
	ck_assert(!r->fo_disabled);
	ck_assert(cc_route_failover(r, 0, 503));
	ck_assert(!cc_route_failover(r, 34, 0));
	/* back to the defaults */
	cc_route_fo_reset(r, false);
	ck_assert(cc_route_failover(r, 34, 0));
	drain(&t);
}
END_TEST

/* Overlap: how complete a number is for a route, and whether a longer
 * number could still find a route. */
START_TEST(test_number_state)
{
	struct cc_route_table t;
	struct cc_route *r;

	cc_route_table_init(&t);
	r = mk(&t, "ovl", "123", "", "t1");
	/* no minimum, no overlap: any length is complete (en bloc) */
	ck_assert_int_eq(cc_route_number_state(r, 3, false), CC_NUM_COMPLETE);
	r->min_digits = 6;
	ck_assert_int_eq(cc_route_number_state(r, 5, false), CC_NUM_INCOMPLETE);
	ck_assert_int_eq(cc_route_number_state(r, 5, true), CC_NUM_TOO_SHORT);
	ck_assert_int_eq(cc_route_number_state(r, 6, false), CC_NUM_COMPLETE);
	r->overlap = true;
	ck_assert_int_eq(cc_route_number_state(r, 6, false), CC_NUM_ENOUGH);
	ck_assert_int_eq(cc_route_number_state(r, 7, true), CC_NUM_COMPLETE);
	r->max_digits = 8;
	ck_assert_int_eq(cc_route_number_state(r, 7, false), CC_NUM_ENOUGH);
	ck_assert_int_eq(cc_route_number_state(r, 8, false), CC_NUM_COMPLETE);
	ck_assert_int_eq(cc_route_number_state(NULL, 3, false), CC_NUM_INCOMPLETE);
	ck_assert_int_eq(cc_route_number_state(NULL, 3, true), CC_NUM_TOO_SHORT);
	ck_assert_str_eq(get_value_string(cc_number_state_names, CC_NUM_ENOUGH), "enough");

	/* "12" could become "123..."; "13" cannot; a route without a
	 * destination, or one for another source, does not count */
	ck_assert(cc_route_could_match(&t, "12", NULL, NULL));
	ck_assert(cc_route_could_match(&t, "", NULL, NULL));
	ck_assert(!cc_route_could_match(&t, "13", NULL, NULL));
	ck_assert(!cc_route_could_match(&t, "123", NULL, NULL));
	mk(&t, "nodest", "1399", "", NULL);
	ck_assert(!cc_route_could_match(&t, "13", NULL, NULL));
	strcpy(mk(&t, "src", "1499", "", "t1")->source_trunk, "a");
	ck_assert(!cc_route_could_match(&t, "14", NULL, "b"));
	ck_assert(cc_route_could_match(&t, "14", NULL, "a"));
	drain(&t);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cc_route");
	TCase *tc = tt_tcase(s, "route");

	tcase_add_test(tc, test_longest_prefix_wins);
	tcase_add_test(tc, test_calling_prefix_and_tie);
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_source_trunk);
	tcase_add_test(tc, test_failover);
	tcase_add_test(tc, test_number_state);
	return tt_run(s);
}
