/* The INVITE -> IAM delay histogram: percentiles within one bucket (1/16)
 * of the exact value, never below it.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <check.h>
#include <stdint.h>

#include "src/cc_delay.h"
#include "tests/unit/testlib.h"

static struct cc_delay_hist h;

START_TEST(test_empty)
{
	cc_delay_reset(&h);
	ck_assert_uint_eq(cc_delay_percentile(&h, 0.99), 0);
}
END_TEST

START_TEST(test_small_values_exact)
{
	unsigned int v;

	cc_delay_reset(&h);
	for (v = 1; v <= 10; v++)
		cc_delay_record(&h, v);
	ck_assert_uint_eq(cc_delay_percentile(&h, 0.5), 5);
	ck_assert_uint_eq(cc_delay_percentile(&h, 0.9), 9);
	ck_assert_uint_eq(cc_delay_percentile(&h, 1.0), 10);
	ck_assert_uint_eq(h.sum_us, 55);
}
END_TEST

START_TEST(test_percentiles_within_a_sixteenth)
{
	uint64_t v, exact, got;
	double p;

	cc_delay_reset(&h);
	/* 1000 samples 1000, 2000 ... 1000000 us */
	for (v = 1; v <= 1000; v++)
		cc_delay_record(&h, v * 1000);
	for (p = 0.1; p < 1.0; p += 0.1) {
		exact = (uint64_t)(p * 1000 + 0.5) * 1000;
		got = cc_delay_percentile(&h, p);
		ck_assert_uint_ge(got, exact);
		ck_assert_uint_le(got, exact + exact / 16);
	}
	ck_assert_uint_eq(cc_delay_percentile(&h, 0.99) >= 990000, 1);
	ck_assert_uint_eq(cc_delay_percentile(&h, 1.0), 1000000);
	ck_assert_uint_eq(h.max_us, 1000000);
}
END_TEST

START_TEST(test_huge_values_bounded)
{
	cc_delay_reset(&h);
	cc_delay_record(&h, UINT64_MAX);
	cc_delay_record(&h, 1ull << 40);
	ck_assert_uint_eq(h.count, 2);
	/* kept at the top bucket's value, so that the sum cannot wrap */
	ck_assert_uint_eq(cc_delay_percentile(&h, 1.0), 1ull << CC_DELAY_BITS);
	ck_assert_uint_eq(h.sum_us, 2ull << CC_DELAY_BITS);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cc_delay");
	TCase *tc = tt_tcase(s, "histogram");

	tcase_add_test(tc, test_empty);
	tcase_add_test(tc, test_small_values_exact);
	tcase_add_test(tc, test_percentiles_within_a_sixteenth);
	tcase_add_test(tc, test_huge_values_bounded);
	return tt_run(s);
}
