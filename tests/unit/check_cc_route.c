/* Unit tests of the route table (src/cc_route.c): matching order, number
 * manipulation, bounds.
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
	r = cc_route_lookup(&t, "4930123", NULL, why, sizeof(why));
	ck_assert_str_eq(r->name, "berlin");
	ck_assert_ptr_nonnull(strstr(why, "route berlin: called prefix '4930' (4 digits)"));
	ck_assert_str_eq(cc_route_lookup(&t, "4940", NULL, NULL, 0)->name, "de");
	ck_assert_str_eq(cc_route_lookup(&t, "1", NULL, NULL, 0)->name, "any");
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
	ck_assert_str_eq(cc_route_lookup(&t, "4912", NULL, NULL, 0)->name, "first");
	ck_assert_str_eq(cc_route_lookup(&t, "4912", "4940", NULL, 0)->name, "first");
	ck_assert_str_eq(cc_route_lookup(&t, "4912", "49301", NULL, 0)->name, "vip");
	ck_assert_ptr_null(cc_route_lookup(&t, "33", "4930", why, sizeof(why)));
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

int main(void)
{
	Suite *s = suite_create("cc_route");
	TCase *tc = tt_tcase(s, "route");

	tcase_add_test(tc, test_longest_prefix_wins);
	tcase_add_test(tc, test_calling_prefix_and_tie);
	tcase_add_test(tc, test_apply);
	tcase_add_test(tc, test_bounds);
	return tt_run(s);
}
