/* Unit tests: the tone player of H.248 Signals (cadences, durations, the
 * A-law form a timeslot takes) and the controller addresses of
 * ServiceChangeAddress / MgcIdToTry.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_h248.h"
#include "tests/unit/testlib.h"

/* Sign changes in @n samples: twice the frequency times the length. */
static unsigned int crossings(const int16_t *pcm, size_t n)
{
	unsigned int c = 0;
	size_t i;

	for (i = 1; i < n; i++)
		c += (pcm[i - 1] < 0) != (pcm[i] < 0);
	return c;
}

static bool silent(const int16_t *pcm, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++) {
		if (pcm[i])
			return false;
	}
	return true;
}

START_TEST(test_ringback_cadence)
{
	static const struct mgw_tone_spec rt = { 2, { { 425, 0, 1000 }, { 0, 0, 4000 } } };
	static int16_t pcm[6 * 8000];
	struct mgw_tone t;

	mgw_tone_start(&t, &rt, 0, "cg/rt");
	ck_assert(mgw_tone_active(&t));
	ck_assert_str_eq(t.label, "cg/rt");
	/* filled in odd pieces, as a span does */
	for (size_t off = 0; off < ARRAY_SIZE(pcm); off += 77)
		ck_assert(mgw_tone_fill(&t, pcm + off, off + 77 > ARRAY_SIZE(pcm) ? ARRAY_SIZE(pcm) - off : 77));
	/* 1 s of 425 Hz: 850 sign changes, give or take one */
	ck_assert_uint_ge(crossings(pcm, 8000), 849);
	ck_assert_uint_le(crossings(pcm, 8000), 851);
	ck_assert(silent(pcm + 8000, 4 * 8000));
	/* and again from the fifth second */
	ck_assert_uint_ge(crossings(pcm + 5 * 8000, 8000), 849);
	ck_assert(mgw_tone_active(&t));
}
END_TEST

START_TEST(test_sit_segments)
{
	static const struct mgw_tone_spec sit = {
		4, { { 950, 0, 330 }, { 1400, 0, 330 }, { 1800, 0, 330 }, { 0, 0, 1000 } } };
	static int16_t pcm[2 * 8000];
	struct mgw_tone t;

	mgw_tone_start(&t, &sit, 0, "cg/sit");
	mgw_tone_fill(&t, pcm, ARRAY_SIZE(pcm));
	/* 330 ms of each: 2 * f * 0.33 sign changes */
	ck_assert_uint_ge(crossings(pcm, 2640), 625);
	ck_assert_uint_le(crossings(pcm, 2640), 629);
	ck_assert_uint_ge(crossings(pcm + 2640, 2640), 922);
	ck_assert_uint_le(crossings(pcm + 2640, 2640), 926);
	ck_assert_uint_ge(crossings(pcm + 5280, 2640), 1186);
	ck_assert_uint_le(crossings(pcm + 5280, 2640), 1190);
	ck_assert(silent(pcm + 7920, 8000));
	/* the cycle starts over */
	ck_assert(!silent(pcm + 15920, 80));
}
END_TEST

START_TEST(test_limit_and_dtmf)
{
	struct mgw_tone_spec spec = { 1 };
	int16_t pcm[1000];
	uint8_t alaw[80];
	struct mgw_tone t;

	ck_assert_int_eq(mgw_dtmf_freqs(mgw_dtmf_event('5'), &spec.segs[0].f1, &spec.segs[0].f2), 0);
	ck_assert_uint_eq(spec.segs[0].f1, 770);
	ck_assert_uint_eq(spec.segs[0].f2, 1336);
	ck_assert_int_eq(mgw_dtmf_freqs(16, &spec.segs[0].f1, &spec.segs[0].f2), -1);
	/* 100 ms: the rest of the buffer is silence, then it is over */
	mgw_tone_start(&t, &spec, 800, "dg/d5");
	ck_assert(mgw_tone_fill(&t, pcm, ARRAY_SIZE(pcm)));
	ck_assert(!silent(pcm, 800));
	ck_assert(silent(pcm + 800, 200));
	ck_assert(!mgw_tone_active(&t));
	/* a stopped tone leaves the media alone */
	memset(alaw, 0x42, sizeof(alaw));
	ck_assert(!mgw_tone_fill_alaw(&t, alaw, sizeof(alaw)));
	ck_assert(!mgw_tone_fill_alaw(NULL, alaw, sizeof(alaw)));
	ck_assert_uint_eq(alaw[0], 0x42);
	/* no stretches: nothing plays */
	spec.n_segs = 0;
	mgw_tone_start(&t, &spec, 0, "x");
	ck_assert(!mgw_tone_active(&t));
	/* continuous, into A-law */
	spec.n_segs = 1;
	mgw_tone_start(&t, &spec, 0, "dg/d5");
	ck_assert(mgw_tone_fill_alaw(&t, alaw, sizeof(alaw)));
	ck_assert_uint_ne(alaw[10], 0x42);
}
END_TEST

START_TEST(test_addr_parse)
{
	static const struct {
		const char *in;
		const char *def;
		int rc;
		const char *ip;
		uint16_t port;
	} cases[] = {
		{ "[10.1.2.3]:2945", NULL, 0, "10.1.2.3", 2945 },
		{ "[10.1.2.3]", NULL, 0, "10.1.2.3", 2944 },	/* Annex D.1 */
		{ "10.1.2.3:7000", NULL, 0, "10.1.2.3", 7000 },
		{ "7000", "127.0.0.1", 0, "127.0.0.1", 7000 },
		{ "7000", NULL, -EINVAL },
		{ "<mgc.example.net>:2944", NULL, -EINVAL },	/* no resolver */
		{ "mgc-device", NULL, -EINVAL },
		{ "[10.1.2.3]x", NULL, -EINVAL },
		{ "[10.1.2.3", NULL, -EINVAL },
		{ "[10.1.2.3]:0", NULL, -EINVAL },
		{ "[10.1.2.3]:65536", NULL, -EINVAL },
		{ "[10.1.2.3]:", NULL, -EINVAL },
		{ "[10.1.2.300]:5", NULL, -EINVAL },
		{ "[]:5", NULL, -EINVAL },
		{ "[1234.1234.1234.1234]:5", NULL, -EINVAL },
		{ "", "127.0.0.1", -EINVAL },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		char ip[16] = "";
		uint16_t port = 0;

		ck_assert_msg(mgw_h248_addr_parse(cases[i].in, cases[i].def, ip, &port) == cases[i].rc, "%s",
			      cases[i].in);
		if (cases[i].rc)
			continue;
		ck_assert_str_eq(ip, cases[i].ip);
		ck_assert_uint_eq(port, cases[i].port);
	}
}
END_TEST

static Suite *mgw_tone_suite(void)
{
	Suite *s = suite_create("mgw_tone");
	TCase *tc = tt_tcase(s, "tone");

	tcase_add_test(tc, test_ringback_cadence);
	tcase_add_test(tc, test_sit_segments);
	tcase_add_test(tc, test_limit_and_dtmf);
	tc = tt_tcase(s, "addr");
	tcase_add_test(tc, test_addr_parse);
	return s;
}

int main(void)
{
	return tt_run(mgw_tone_suite());
}
