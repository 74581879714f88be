/* Unit tests: Q.850 cause <-> SIP status tables, Reason header.
 *
 * The expected values are written out here independently of the code's
 * tables, row by row, from RFC 3398 sections 7.2.4.1 / 8.2.6.1 and
 * Q.1912.5; a test also checks that each table has exactly these rows.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/rate_ctr.h>

#include "tests/unit/testlib.h"
#include "isup/sipi_cause.h"
#include "isup/sipi_err.h"
#include "isup/sipi_reason.h"

struct c2s {
	uint8_t cause;
	uint16_t rfc3398;
	uint16_t q1912;
};

/* cause -> status with a network location (0 = no row in that table) */
static const struct c2s c2s_rows[] = {
	{ 1, 404, 404 }, { 2, 404, 404 }, { 3, 404, 404 }, { 16, 480, 480 }, { 17, 486, 486 },
	{ 18, 408, 408 }, { 19, 480, 480 }, { 20, 480, 480 }, { 21, 403, 403 }, { 22, 410, 410 },
	{ 23, 410, 410 }, { 25, 0, 483 }, { 26, 404, 404 }, { 27, 502, 502 }, { 28, 484, 484 },
	{ 29, 501, 501 }, { 31, 480, 480 }, { 34, 503, 503 }, { 38, 503, 503 }, { 41, 503, 503 },
	{ 42, 503, 503 }, { 47, 503, 503 }, { 55, 403, 403 }, { 57, 403, 403 }, { 58, 503, 503 },
	{ 63, 503, 503 }, { 65, 488, 488 }, { 70, 488, 488 }, { 79, 501, 501 }, { 87, 403, 403 },
	{ 88, 503, 503 }, { 95, 500, 500 }, { 102, 504, 504 }, { 111, 500, 500 }, { 127, 500, 500 },
};

struct s2c {
	uint16_t status;
	uint8_t rfc3398;
	uint8_t q1912;
};

/* status -> cause without a Reason header */
static const struct s2c s2c_rows[] = {
	{ 400, 41, 127 }, { 401, 21, 127 }, { 402, 21, 127 }, { 403, 21, 127 }, { 404, 1, 1 },
	{ 405, 63, 127 }, { 406, 79, 127 }, { 407, 21, 127 }, { 408, 102, 127 }, { 410, 22, 22 },
	{ 413, 127, 127 }, { 414, 127, 127 }, { 415, 79, 127 }, { 416, 127, 127 }, { 420, 127, 127 },
	{ 421, 127, 127 }, { 423, 127, 127 }, { 480, 18, 20 }, { 481, 41, 127 }, { 482, 25, 127 },
	{ 483, 25, 127 }, { 484, 28, 28 }, { 485, 1, 127 }, { 486, 17, 17 }, { 487, 31, 127 },
	{ 488, 31, 127 }, { 500, 41, 127 }, { 501, 79, 127 }, { 502, 38, 127 }, { 503, 41, 127 },
	{ 504, 102, 127 }, { 505, 127, 127 }, { 513, 127, 127 }, { 600, 17, 17 }, { 603, 21, 21 },
	{ 604, 1, 1 }, { 606, 31, 127 },
};

START_TEST(test_cause_to_status_rows)
{
	const struct c2s *r = &c2s_rows[_i];

	if (r->rfc3398) {
		ck_assert(sipi_cause_known(SIPI_MAP_RFC3398, r->cause));
		ck_assert_uint_eq(sipi_status_from_cause(SIPI_MAP_RFC3398, r->cause, SIPI_LOC_LN), r->rfc3398);
	}
	if (r->q1912) {
		ck_assert(sipi_cause_known(SIPI_MAP_Q1912, r->cause));
		ck_assert_uint_eq(sipi_status_from_cause(SIPI_MAP_Q1912, r->cause, SIPI_LOC_BI), r->q1912);
	}
}
END_TEST

/* Every code row is one of ours, and ours are all there. */
START_TEST(test_cause_tables_complete)
{
	enum sipi_cause_map map = _i;
	unsigned int n, i, j, expected = 0;
	const struct sipi_cause_row *t = sipi_cause_table(map, &n);

	for (j = 0; j < ARRAY_SIZE(c2s_rows); j++)
		if (map == SIPI_MAP_RFC3398 ? c2s_rows[j].rfc3398 : c2s_rows[j].q1912)
			expected++;
	ck_assert_uint_eq(n, expected);
	for (i = 0; i < n; i++) {
		for (j = 0; j < ARRAY_SIZE(c2s_rows); j++)
			if (c2s_rows[j].cause == t[i].cause)
				break;
		ck_assert_msg(j < ARRAY_SIZE(c2s_rows), "cause %u not expected", t[i].cause);
		ck_assert(t[i].src && *t[i].src);
	}
}
END_TEST

START_TEST(test_cause21_location)
{
	enum sipi_cause_map map = _i;

	ck_assert_uint_eq(sipi_status_from_cause(map, 21, SIPI_LOC_USER), 603);
	ck_assert_uint_eq(sipi_status_from_cause(map, 21, SIPI_LOC_LPN), 403);
	ck_assert_uint_eq(sipi_status_from_cause(map, 21, SIPI_LOC_BI), 403);
	/* only 21 depends on the location */
	ck_assert_uint_eq(sipi_status_from_cause(map, 17, SIPI_LOC_USER), 486);
}
END_TEST

/* Unknown causes map as their class's unspecified cause. */
START_TEST(test_cause_by_class)
{
	static const struct {
		uint8_t cause, class_default;
	} cls[] = { { 0, 31 }, { 5, 31 }, { 24, 31 }, { 30, 31 }, { 35, 47 }, { 44, 47 }, { 50, 63 },
		    { 62, 63 }, { 66, 79 }, { 69, 79 }, { 81, 95 }, { 91, 95 }, { 96, 111 }, { 110, 111 },
		    { 112, 127 }, { 126, 127 } };
	unsigned int i;
	int m;

	for (i = 0; i < ARRAY_SIZE(cls); i++) {
		ck_assert_uint_eq(sipi_cause_class_default(cls[i].cause), cls[i].class_default);
		for (m = 0; m < _NUM_SIPI_MAP; m++) {
			if (sipi_cause_known(m, cls[i].cause))
				continue;
			ck_assert_uint_eq(sipi_status_from_cause(m, cls[i].cause, SIPI_LOC_LN),
					  sipi_status_from_cause(m, cls[i].class_default, SIPI_LOC_LN));
		}
	}
	/* the carrier complaints */
	ck_assert_uint_eq(sipi_status_from_cause(SIPI_MAP_Q1912, 47, SIPI_LOC_LN), 503);
	ck_assert(sipi_cause_is_normal_clearing(16));
	ck_assert(!sipi_cause_is_normal_clearing(17));
}
END_TEST

START_TEST(test_status_to_cause_rows)
{
	const struct s2c *r = &s2c_rows[_i];
	struct isup_cause c;

	ck_assert_int_eq(sipi_cause_from_sip(SIPI_MAP_RFC3398, r->status, NULL, &c), 0);
	ck_assert_uint_eq(c.value, r->rfc3398);
	ck_assert_uint_eq(c.location, r->status >= 600 ? SIPI_LOC_USER : SIPI_LOC_BI);
	ck_assert_uint_eq(c.coding_standard, 0);
	ck_assert_int_eq(sipi_cause_from_sip(SIPI_MAP_Q1912, r->status, NULL, &c), 0);
	ck_assert_uint_eq(c.value, r->q1912);
	ck_assert_uint_eq(c.location, SIPI_LOC_BI);
}
END_TEST

START_TEST(test_status_tables_complete)
{
	enum sipi_cause_map map = _i;
	unsigned int n, i, j;
	const struct sipi_status_row *t = sipi_status_table(map, &n);

	ck_assert_uint_eq(n, ARRAY_SIZE(s2c_rows));
	for (i = 0; i < n; i++) {
		for (j = 0; j < ARRAY_SIZE(s2c_rows); j++)
			if (s2c_rows[j].status == t[i].status)
				break;
		ck_assert_msg(j < ARRAY_SIZE(s2c_rows), "status %u not expected", t[i].status);
	}
	/* statuses in no table take the default */
	{
		struct isup_cause c;

		ck_assert_int_eq(sipi_cause_from_sip(map, 422, NULL, &c), 0);
		ck_assert_uint_eq(c.value, map == SIPI_MAP_RFC3398 ? 31 : 127);
		ck_assert_int_eq(sipi_cause_from_sip(map, 302, NULL, &c), 0);
		ck_assert_int_eq(sipi_cause_from_sip(map, 200, NULL, &c), -SIPI_ERR_INVAL);
		ck_assert_int_eq(sipi_cause_from_sip(map, 700, NULL, &c), -SIPI_ERR_INVAL);
	}
}
END_TEST

/* A Q.850 Reason wins over the table, with its location. */
START_TEST(test_reason_wins)
{
	struct sipi_reason re;
	struct isup_cause c;

	ck_assert_int_eq(sipi_reason_parse("Q.850;cause=47;text=\"Resource unavailable\";location=LN", &re), 0);
	ck_assert(re.present);
	ck_assert_uint_eq(re.cause, 47);
	ck_assert(re.has_location);
	ck_assert_uint_eq(re.location, SIPI_LOC_LN);
	ck_assert_str_eq(re.text, "Resource unavailable");
	ck_assert_int_eq(sipi_cause_from_sip(SIPI_MAP_Q1912, 503, &re, &c), 0);
	ck_assert_uint_eq(c.value, 47);
	ck_assert_uint_eq(c.location, SIPI_LOC_LN);

	ck_assert_int_eq(sipi_reason_parse("Q.850;cause=17", &re), 0);
	ck_assert_int_eq(sipi_cause_from_sip(SIPI_MAP_RFC3398, 486, &re, &c), 0);
	ck_assert_uint_eq(c.value, 17);
	ck_assert_uint_eq(c.location, SIPI_LOC_BI);

	/* BYE and CANCEL */
	sipi_cause_from_request(SIPI_MAP_Q1912, SIPI_REQ_BYE, NULL, &c);
	ck_assert_uint_eq(c.value, 16);
	sipi_cause_from_request(SIPI_MAP_Q1912, SIPI_REQ_CANCEL, NULL, &c);
	ck_assert_uint_eq(c.value, 31);
	sipi_cause_from_request(SIPI_MAP_RFC3398, SIPI_REQ_CANCEL, NULL, &c);
	ck_assert_uint_eq(c.value, 16);
	ck_assert_int_eq(sipi_reason_parse("Q.850;cause=21;location=U", &re), 0);
	sipi_cause_from_request(SIPI_MAP_Q1912, SIPI_REQ_BYE, &re, &c);
	ck_assert_uint_eq(c.value, 21);
	ck_assert_uint_eq(c.location, SIPI_LOC_USER);
}
END_TEST

START_TEST(test_reason_parse_forms)
{
	struct sipi_reason re;

	/* a SIP reason first, then the Q.850 one */
	ck_assert_int_eq(sipi_reason_parse("SIP;cause=200;text=\"Call completed elsewhere\", Q.850;cause=16", &re),
			 0);
	ck_assert(re.present);
	ck_assert_uint_eq(re.cause, 16);
	ck_assert(!re.has_location);
	/* case of the protocol token */
	ck_assert_int_eq(sipi_reason_parse("q.850;cause=34", &re), 0);
	ck_assert_uint_eq(re.cause, 34);
	/* out of range causes and junk are no Q.850 reason */
	ck_assert_int_eq(sipi_reason_parse("Q.850;cause=0", &re), 0);
	ck_assert(!re.present);
	ck_assert_int_eq(sipi_reason_parse("Q.850;cause=128", &re), 0);
	ck_assert(!re.present);
	ck_assert_int_eq(sipi_reason_parse("Q.850;cause=1x", &re), 0);
	ck_assert(!re.present);
	ck_assert_int_eq(sipi_reason_parse("SIP;cause=486", &re), 0);
	ck_assert(!re.present);
	ck_assert_int_eq(sipi_reason_parse("", &re), -SIPI_ERR_BAD_HEADER);
	ck_assert_int_eq(sipi_reason_parse(NULL, &re), -SIPI_ERR_INVAL);
	/* unknown location: cause kept, location not */
	ck_assert_int_eq(sipi_reason_parse("Q.850;cause=17;location=XYZ", &re), 0);
	ck_assert(re.present);
	ck_assert(!re.has_location);
}
END_TEST

START_TEST(test_reason_format)
{
	char buf[128];
	struct sipi_reason re;
	static const uint8_t locs[] = { 0, 1, 2, 3, 4, 5, 7, 10 };
	unsigned int i;

	ck_assert_int_gt(sipi_reason_format(buf, sizeof(buf), 17, SIPI_LOC_LN, NULL), 0);
	ck_assert_str_eq(buf, "Q.850;cause=17;text=\"User busy\";location=LN");
	ck_assert_int_gt(sipi_reason_format(buf, sizeof(buf), 16, -1, "Normal \"x\""), 0);
	ck_assert_str_eq(buf, "Q.850;cause=16;text=\"Normal x\"");
	ck_assert_int_eq(sipi_reason_format(buf, 10, 16, -1, NULL), -SIPI_ERR_SPACE);
	ck_assert_int_eq(sipi_reason_format(buf, sizeof(buf), 0, -1, NULL), -SIPI_ERR_INVAL);
	/* a location without an RFC 8606 token is left out */
	ck_assert_int_gt(sipi_reason_format(buf, sizeof(buf), 31, 6, NULL), 0);
	ck_assert_ptr_null(strstr(buf, "location"));
	/* every location round-trips */
	for (i = 0; i < ARRAY_SIZE(locs); i++) {
		ck_assert_int_gt(sipi_reason_format(buf, sizeof(buf), 41, locs[i], NULL), 0);
		ck_assert_int_eq(sipi_reason_parse(buf, &re), 0);
		ck_assert(re.present && re.has_location);
		ck_assert_uint_eq(re.location, locs[i]);
		ck_assert_uint_eq(re.cause, 41);
	}
}
END_TEST

START_TEST(test_cause_text)
{
	unsigned int n, i;
	int m;

	for (m = 0; m < _NUM_SIPI_MAP; m++) {
		const struct sipi_cause_row *t = sipi_cause_table(m, &n);

		for (i = 0; i < n; i++)
			ck_assert_ptr_nonnull(sipi_cause_text(t[i].cause));
	}
	ck_assert_ptr_null(sipi_cause_text(120));
	ck_assert_str_eq(sipi_strerror(-SIPI_ERR_NESTED), "nested multipart body");
}
END_TEST

/* Each error code has its own counter; successes count nothing. */
START_TEST(test_counters)
{
	struct rate_ctr_group *g = rate_ctr_group_alloc(tt_ctx, &sipi_ctrg_desc, 4242);

	ck_assert_ptr_nonnull(g);
	sipi_ctr_count(g, -SIPI_ERR_NESTED);
	sipi_ctr_count(g, -SIPI_ERR_NESTED);
	sipi_ctr_count(g, -SIPI_ERR_ISUP);
	sipi_ctr_count(g, 0);
	sipi_ctr_count(g, 5);
	sipi_ctr_count(g, -_NUM_SIPI_ERR);
	sipi_ctr_count(NULL, -SIPI_ERR_ISUP);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(g, SIPI_ERR_NESTED)->current, 2);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(g, SIPI_ERR_ISUP)->current, 1);
	ck_assert_uint_eq(rate_ctr_group_get_ctr(g, SIPI_ERR_NONE)->current, 0);
	rate_ctr_group_free(g);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sipi_cause");
	TCase *tc = tt_tcase(s, "cause");

	tcase_add_loop_test(tc, test_cause_to_status_rows, 0, ARRAY_SIZE(c2s_rows));
	tcase_add_loop_test(tc, test_cause_tables_complete, 0, _NUM_SIPI_MAP);
	tcase_add_loop_test(tc, test_cause21_location, 0, _NUM_SIPI_MAP);
	tcase_add_test(tc, test_cause_by_class);
	tcase_add_loop_test(tc, test_status_to_cause_rows, 0, ARRAY_SIZE(s2c_rows));
	tcase_add_loop_test(tc, test_status_tables_complete, 0, _NUM_SIPI_MAP);
	tcase_add_test(tc, test_reason_wins);
	tcase_add_test(tc, test_reason_parse_forms);
	tcase_add_test(tc, test_reason_format);
	tcase_add_test(tc, test_cause_text);
	tcase_add_test(tc, test_counters);
	return tt_run(s);
}
