/* Unit tests of the Q.764 circuit procedures (isup/q764*.c): a trunk with a
 * tx callback that captures every message, fed with encoded messages, its
 * timers driven by libosmocore's fake clock.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <osmocom/core/application.h>
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/timer.h>

#include "isup/isup_params.h"
#include "isup/q764.h"
#include "src/tandem_log.h"
#include "tests/unit/testlib.h"

/* ---- harness ---- */

#define MAX_TX	512

struct sent {
	uint16_t cic;
	size_t len;
	uint8_t data[300];
};

static struct sent g_sent[MAX_TX];
static unsigned int g_nsent, g_next;

/* what call control saw */
static struct {
	unsigned int setup, progress, release, retry, suspend, resume;
	unsigned int loop_on, loop_off, cot_test;
	uint8_t cause;
	bool suspend_network;
	bool auto_alert;
} g_cc;

static int g_call_token;

static int tx_cb(struct isup_trunk *trunk, uint16_t cic, const uint8_t *data, size_t len)
{
	ck_assert_uint_lt(g_nsent, MAX_TX);
	ck_assert_uint_le(len, sizeof(g_sent[0].data));
	g_sent[g_nsent].cic = cic;
	g_sent[g_nsent].len = len;
	memcpy(g_sent[g_nsent].data, data, len);
	g_nsent++;
	return 0;
}

static void cc_setup_ind(struct isup_circuit *c, const struct isup_msg *msg)
{
	g_cc.setup++;
	c->call = &g_call_token;
	if (g_cc.auto_alert)
		isup_circuit_alert(c);
}

static void cc_progress_ind(struct isup_circuit *c, const struct isup_msg *msg)
{
	g_cc.progress++;
}

static void cc_release_ind(struct isup_circuit *c, uint8_t cause)
{
	g_cc.release++;
	g_cc.cause = cause;
}

static void cc_retry_ind(struct isup_circuit *c)
{
	g_cc.retry++;
}

static void cc_suspend_ind(struct isup_circuit *c, bool network)
{
	g_cc.suspend++;
	g_cc.suspend_network = network;
}

static void cc_resume_ind(struct isup_circuit *c, bool network)
{
	g_cc.resume++;
}

static void cc_cot_loop(struct isup_circuit *c, bool on)
{
	if (on)
		g_cc.loop_on++;
	else
		g_cc.loop_off++;
}

static void cc_cot_test(struct isup_circuit *c)
{
	g_cc.cot_test++;
}

static const struct isup_call_ops cc_ops = {
	.setup_ind = cc_setup_ind,
	.progress_ind = cc_progress_ind,
	.release_ind = cc_release_ind,
	.retry_ind = cc_retry_ind,
	.suspend_ind = cc_suspend_ind,
	.resume_ind = cc_resume_ind,
};

static const struct isup_call_ops cc_ops_cot = {
	.setup_ind = cc_setup_ind,
	.progress_ind = cc_progress_ind,
	.release_ind = cc_release_ind,
	.retry_ind = cc_retry_ind,
	.cot_loop = cc_cot_loop,
	.cot_test = cc_cot_test,
};

/* Advance the fake clock second by second, firing timers on the way. */
static void advance(unsigned int secs)
{
	while (secs--) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 1, 0);
		osmo_gettimeofday_override_add(1, 0);
		osmo_timers_prepare();
		osmo_timers_update();
	}
}

static void setup(void)
{
	tt_setup();
	memset(g_sent, 0, sizeof(g_sent));
	g_nsent = g_next = 0;
	memset(&g_cc, 0, sizeof(g_cc));
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = 1000 };
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	*osmo_clock_override_gettimespec(CLOCK_MONOTONIC) = (struct timespec){ .tv_sec = 1000 };
}

static void teardown(void)
{
	tt_teardown();
}

/* A trunk (PCs opc/dpc, CICs first..last) with call ops; not yet up. */
static struct isup_trunk *trunk_new(uint32_t opc, uint32_t dpc, uint16_t first, uint16_t last,
				    const struct isup_call_ops *ops)
{
	struct isup_trunk *t = isup_trunk_alloc(tt_ctx, "t", 0);

	ck_assert_ptr_nonnull(t);
	t->cfg.opc = opc;
	t->cfg.dpc = dpc;
	t->cfg.opc_set = t->cfg.dpc_set = true;
	ck_assert_int_eq(isup_trunk_add_range(t, first, last), 0);
	t->tx = tx_cb;
	t->call_ops = ops;
	ck_assert_int_eq(isup_trunk_start(t), 0);
	return t;
}

/* The next message the trunk sent: decoded (under the trunk), checked for
 * type and CIC. */
static struct isup_msg *sent(struct isup_trunk *t, uint8_t type, uint16_t cic)
{
	struct isup_msg *msg;

	ck_assert_msg(g_next < g_nsent, "expected %s on CIC %u, nothing was sent",
		      isup_msg_type_name(type), cic);
	ck_assert_int_eq(isup_decode_cic(t, t->cfg.variant, g_sent[g_next].data,
					 g_sent[g_next].len, &msg, NULL), 0);
	g_next++;
	ck_assert_msg(msg->type == type && msg->cic == cic, "expected %s on CIC %u, got %s on CIC %u",
		      isup_msg_type_name(type), cic, isup_msg_type_name(msg->type), msg->cic);
	return msg;
}

static void nothing_sent(void)
{
	ck_assert_msg(g_next == g_nsent, "%u unexpected message(s) sent", g_nsent - g_next);
}

/* secs seconds pass and nothing is sent before the last one. */
static void quiet(unsigned int secs)
{
	advance(secs - 1);
	nothing_sent();
	advance(1);
}

/* The end of a test: nothing more is sent for secs seconds. */
static void end_quiet(struct isup_trunk *t, unsigned int secs)
{
	advance(secs);
	nothing_sent();
	isup_trunk_free(t);
}

/* Nothing for secs - 1 seconds, then, in the last second, this message. */
static struct isup_msg *sent_after(struct isup_trunk *t, unsigned int secs, uint8_t type,
				   uint16_t cic)
{
	quiet(secs);
	return sent(t, type, cic);
}

static uint8_t sent_cause(struct isup_trunk *t, uint8_t type, uint16_t cic)
{
	struct isup_cause cause;

	ck_assert_int_eq(isup_msg_get_cause(sent(t, type, cic), &cause), 0);
	return cause.value;
}

/* The next message is CFN with this cause and a one-octet diagnostic. */
static void check_cfn(struct isup_trunk *t, uint16_t cic, uint8_t value, uint8_t diag)
{
	struct isup_cause cause;

	ck_assert_int_eq(isup_msg_get_cause(sent(t, ISUP_MSG_CFN, cic), &cause), 0);
	ck_assert_uint_eq(cause.value, value);
	ck_assert_uint_eq(cause.diag_len, 1);
	ck_assert_uint_eq(cause.diag[0], diag);
}

static struct isup_msg *mk(struct isup_trunk *t, uint8_t type, uint16_t cic)
{
	struct isup_msg *msg = isup_msg_alloc(t, t->cfg.variant, type);

	ck_assert_ptr_nonnull(msg);
	msg->has_cic = true;
	msg->cic = cic;
	if (type == ISUP_MSG_ACM || type == ISUP_MSG_CON) {
		static const uint8_t bci[2] = { 0x16, 0x14 };

		ck_assert_int_ge(isup_msg_set_param(msg, ISUP_PAR_BCI, bci, 2), 0);
	}
	return msg;
}

/* Encode msg as the peer would send it, feed it to the trunk, free it. */
static void feed(struct isup_trunk *t, struct isup_msg *msg)
{
	uint8_t buf[ISUP_MAX_MSG_LEN];
	int len = isup_encode_cic(msg, buf, sizeof(buf));

	ck_assert_int_gt(len, 0);
	talloc_free(msg);
	isup_trunk_rx(t, buf, len);
}

static void feed_raw(struct isup_trunk *t, uint16_t cic, const char *hex)
{
	uint8_t buf[300];
	int len;

	buf[0] = cic & 0xff;
	buf[1] = cic >> 8;
	len = osmo_hexparse(hex, buf + 2, sizeof(buf) - 2);
	ck_assert_int_ge(len, 0);
	isup_trunk_rx(t, buf, len + 2);
}

static void feed_simple(struct isup_trunk *t, uint8_t type, uint16_t cic)
{
	feed(t, mk(t, type, cic));
}

static void feed_cause(struct isup_trunk *t, uint8_t type, uint16_t cic, uint8_t value)
{
	struct isup_msg *msg = mk(t, type, cic);
	struct isup_cause cause = { .location = 2, .value = value };

	ck_assert_int_eq(isup_msg_set_cause(msg, &cause), 0);
	feed(t, msg);
}

static void set_rs(struct isup_msg *msg, uint8_t range, const char *bits)
{
	struct isup_range_status rs = { .range = range };
	uint8_t buf[40];
	unsigned int i;
	int len;

	if (bits) {
		rs.status_len = isup_range_status_len(range);
		for (i = 0; bits[i]; i++)
			isup_range_status_set(&rs, i, bits[i] == '1');
	}
	len = isup_range_status_encode(buf, sizeof(buf), &rs);
	ck_assert_int_gt(len, 0);
	ck_assert_int_ge(isup_msg_set_param(msg, ISUP_PAR_RANGE_STATUS, buf, len), 0);
}

static void feed_group(struct isup_trunk *t, uint8_t type, uint16_t cic, uint8_t range,
		       const char *bits, int cgsmt)
{
	struct isup_msg *msg = mk(t, type, cic);

	set_rs(msg, range, bits);
	if (cgsmt >= 0) {
		uint8_t v = cgsmt;

		ck_assert_int_ge(isup_msg_set_param(msg, ISUP_PAR_CGSMT, &v, 1), 0);
	}
	feed(t, msg);
}

/* The status bits of a sent group message as a string ("1011"). */
static const char *rs_bits(const struct isup_msg *msg, uint8_t *range)
{
	static char bits[40];
	const struct isup_param *p = isup_msg_find_param(msg, ISUP_PAR_RANGE_STATUS);
	struct isup_range_status rs;
	unsigned int i;

	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(isup_range_status_decode(&rs, p->data, p->len), 0);
	*range = rs.range;
	for (i = 0; i <= rs.range && rs.status_len; i++)
		bits[i] = isup_range_status_get(&rs, i) ? '1' : '0';
	bits[rs.status_len ? i : 0] = '\0';
	return bits;
}

static void check_group(struct isup_trunk *t, uint8_t type, uint16_t cic, uint8_t range,
			const char *bits, int cgsmt)
{
	struct isup_msg *msg = sent(t, type, cic);
	uint8_t r;
	const char *b = rs_bits(msg, &r);

	ck_assert_uint_eq(r, range);
	if (bits)
		ck_assert_str_eq(b, bits);
	if (cgsmt >= 0) {
		struct isup_cgsmt g;

		ck_assert_int_eq(isup_msg_get_bf(msg, ISUP_PAR_CGSMT, &g, sizeof(g)), 0);
		ck_assert_uint_eq(g.type, cgsmt);
	}
}

static void feed_iam(struct isup_trunk *t, uint16_t cic, uint8_t continuity)
{
	struct isup_msg *msg = mk(t, ISUP_MSG_IAM, cic);
	const uint8_t nci = continuity << 2, fci[2] = { 0x60, 0x01 }, cpc = 0x0a, tmr = 0;
	struct isup_number num = { .nai = 3, .npi = 1, .digits = "4711" };

	isup_msg_set_param(msg, ISUP_PAR_NCI, &nci, 1);
	isup_msg_set_param(msg, ISUP_PAR_FCI, fci, 2);
	isup_msg_set_param(msg, ISUP_PAR_CPC, &cpc, 1);
	isup_msg_set_param(msg, ISUP_PAR_TMR, &tmr, 1);
	ck_assert_int_eq(isup_msg_set_number(msg, ISUP_PAR_CALLED, &num), 0);
	feed(t, msg);
}

static void feed_cot(struct isup_trunk *t, uint16_t cic, bool ok)
{
	struct isup_msg *msg = mk(t, ISUP_MSG_COT, cic);
	uint8_t v = ok;

	ck_assert_int_ge(isup_msg_set_param(msg, ISUP_PAR_CONTINUITY_IND, &v, 1), 0);
	feed(t, msg);
}

static void feed_susres(struct isup_trunk *t, uint8_t type, uint16_t cic, bool network)
{
	struct isup_msg *msg = mk(t, type, cic);
	uint8_t v = network;

	ck_assert_int_ge(isup_msg_set_param(msg, ISUP_PAR_SUSP_RES_IND, &v, 1), 0);
	feed(t, msg);
}

static struct isup_circuit *circ(struct isup_trunk *t, uint16_t cic)
{
	struct isup_circuit *c = isup_trunk_circuit(t, cic);

	ck_assert_ptr_nonnull(c);
	return c;
}

static uint32_t st(struct isup_trunk *t, uint16_t cic)
{
	return circ(t, cic)->fi->state;
}

#define ck_state(t, cic, s) \
	ck_assert_msg(st(t, cic) == (s), "CIC %u: state %s, expected %s", cic, \
		      osmo_fsm_inst_state_name(circ(t, cic)->fi), \
		      get_value_string(isup_circ_state_names, s))

static uint64_t ctr(struct isup_trunk *t, unsigned int idx)
{
	return rate_ctr_group_get_ctr(t->ctrs, idx)->current;
}

/* Destination accessible; answer the start-up GRS (CICs first..last). */
static void bring_up(struct isup_trunk *t, uint16_t first, uint16_t last)
{
	char zeros[ISUP_GROUP_MAX + 1];
	unsigned int i;

	isup_trunk_mtp_resume(t);
	check_group(t, ISUP_MSG_GRS, first, last - first, NULL, -1);
	nothing_sent();
	memset(zeros, '0', last - first + 1);
	zeros[last - first + 1] = '\0';
	feed_group(t, ISUP_MSG_GRA, first, last - first, zeros, -1);
	for (i = first; i <= last; i++)
		ck_state(t, i, ISUP_CIRC_ST_IDLE);
	nothing_sent();
}

/* Trunk 1.1.1 (2057) -> 2.2.2 (4114), CIC 1-8: the peer controls even CICs. */
static struct isup_trunk *up8(const struct isup_call_ops *ops)
{
	struct isup_trunk *t = trunk_new(2057, 4114, 1, 8, ops);

	bring_up(t, 1, 8);
	return t;
}

/* An outgoing call on cic with IAM sent. */
static void out_call(struct isup_trunk *t, uint16_t cic)
{
	struct isup_circuit *c = circ(t, cic);

	ck_assert_int_eq(isup_circuit_test_call(c, "5551234"), 0);
	c->call = &g_call_token;
	sent(t, ISUP_MSG_IAM, cic);
	ck_state(t, cic, ISUP_CIRC_ST_OUT_IAM);
}

/* ---- reset ---- */

START_TEST(test_startup_grs_gra)
{
	struct isup_trunk *t = trunk_new(2057, 4114, 1, 8, &cc_ops);
	unsigned int i;

	for (i = 1; i <= 8; i++)
		ck_state(t, i, ISUP_CIRC_ST_UNAVAILABLE);
	/* nothing goes out while the destination is inaccessible */
	ck_assert_ptr_null(isup_trunk_select(t));
	nothing_sent();
	isup_trunk_mtp_resume(t);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	for (i = 1; i <= 8; i++)
		ck_state(t, i, ISUP_CIRC_ST_RESETTING);
	/* GRA: the peer has CIC 3 blocked for maintenance */
	feed_group(t, ISUP_MSG_GRA, 1, 7, "00100000", -1);
	for (i = 1; i <= 8; i++)
		ck_state(t, i, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(circ(t, 3)->blk, ISUP_BLK_REMOTE_MAINT);
	ck_assert_uint_eq(circ(t, 4)->blk, 0);
	nothing_sent();
	/* an unexpected GRA is discarded */
	feed_group(t, ISUP_MSG_GRA, 1, 7, "00000000", -1);
	ck_assert_uint_eq(circ(t, 3)->blk, ISUP_BLK_REMOTE_MAINT);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_grs_split_and_lone_cic)
{
	/* 1-40 and 50: GRS 1-32, GRS 33-40, RSC 50 */
	struct isup_trunk *t = trunk_new(2057, 4114, 1, 40, &cc_ops);

	isup_trunk_stop(t);
	ck_assert_int_eq(isup_trunk_add_range(t, 50, 50), 0);
	ck_assert_int_eq(isup_trunk_start(t), 0);
	isup_trunk_mtp_resume(t);
	check_group(t, ISUP_MSG_GRS, 1, 31, "", -1);
	check_group(t, ISUP_MSG_GRS, 33, 7, "", -1);
	sent(t, ISUP_MSG_RSC, 50);
	nothing_sent();
	feed_simple(t, ISUP_MSG_RLC, 50);
	ck_state(t, 50, ISUP_CIRC_ST_IDLE);
	ck_state(t, 33, ISUP_CIRC_ST_RESETTING);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_grs_t22_t23)
{
	struct isup_trunk *t = trunk_new(2057, 4114, 1, 8, &cc_ops);
	unsigned int i;

	/* T22 = 15 s, T23 = 300 s: 19 repeats at 15 s, the 20th at T23
	 * expiry (300 s after the first GRS), then every 300 s */
	isup_trunk_mtp_resume(t);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	for (i = 1; i <= 20; i++) {
		quiet(15);
		check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	}
	quiet(300);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	ck_assert_uint_eq(ctr(t, ISUP_CTR_TIMER_EXPIRY), 21);
	/* GRA at last */
	feed_group(t, ISUP_MSG_GRA, 1, 7, "00000000", -1);
	ck_state(t, 5, ISUP_CIRC_ST_IDLE);
	end_quiet(t, 600);
}
END_TEST

START_TEST(test_long_timer_not_a_multiple)
{
	struct isup_trunk *t = trunk_new(2057, 4114, 1, 8, &cc_ops);

	/* T22 = 7, T23 = 20: repeats at 7, 14, then at T23 expiry (20),
	 * then at 40 */
	osmo_tdef_set(t->tdefs, ISUP_T22, 7, OSMO_TDEF_S);
	osmo_tdef_set(t->tdefs, ISUP_T23, 20, OSMO_TDEF_S);
	isup_trunk_mtp_resume(t);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	advance(7);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	advance(7);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	quiet(6);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	quiet(20);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_grs_received)
{
	struct isup_trunk *t = up8(&cc_ops);

	/* a call on CIC 2, our blocking on CIC 4, the peer's on CIC 5 */
	feed_iam(t, 2, 0);
	ck_state(t, 2, ISUP_CIRC_ST_IN_IAM);
	ck_assert_int_eq(isup_circuit_block(circ(t, 4)), 0);
	sent(t, ISUP_MSG_BLO, 4);
	feed_simple(t, ISUP_MSG_BLA, 4);
	feed_simple(t, ISUP_MSG_BLO, 5);
	sent(t, ISUP_MSG_BLA, 5);
	feed_group(t, ISUP_MSG_GRS, 1, 7, NULL, -1);
	/* GRA status: our maintenance blocking */
	check_group(t, ISUP_MSG_GRA, 1, 7, "00010000", -1);
	nothing_sent();
	ck_state(t, 2, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(g_cc.release, 1);
	ck_assert_uint_eq(circ(t, 4)->blk, ISUP_BLK_LOCAL_MAINT);
	ck_assert_uint_eq(circ(t, 5)->blk, 0);
	/* GRS with range 0 is invalid: discarded */
	feed_group(t, ISUP_MSG_GRS, 1, 0, NULL, -1);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_BAD_RANGE), 1);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_rsc_on_busy_circuit)
{
	struct isup_trunk *t = up8(&cc_ops);

	g_cc.auto_alert = true;
	feed_iam(t, 3, 0);
	sent(t, ISUP_MSG_ACM, 3);
	ck_assert_int_eq(isup_circuit_answer(circ(t, 3)), 0);
	sent(t, ISUP_MSG_ANM, 3);
	ck_state(t, 3, ISUP_CIRC_ST_ANSWERED);
	feed_simple(t, ISUP_MSG_BLO, 3);
	sent(t, ISUP_MSG_BLA, 3);
	feed_simple(t, ISUP_MSG_RSC, 3);
	sent(t, ISUP_MSG_RLC, 3);
	nothing_sent();
	ck_state(t, 3, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(g_cc.release, 1);
	/* the reset ended the peer's maintenance blocking */
	ck_assert_uint_eq(circ(t, 3)->blk, 0);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_rsc_t16_t17)
{
	struct isup_trunk *t = up8(&cc_ops);
	unsigned int i;

	out_call(t, 6);
	ck_assert_int_eq(isup_circuit_reset(circ(t, 6)), 0);
	ck_assert_uint_eq(g_cc.release, 1);
	sent(t, ISUP_MSG_RSC, 6);
	ck_state(t, 6, ISUP_CIRC_ST_RESETTING);
	for (i = 0; i < 20; i++) {
		advance(15);
		sent(t, ISUP_MSG_RSC, 6);
	}
	/* past T17: every 300 s */
	sent_after(t, 300, ISUP_MSG_RSC, 6);
	feed_simple(t, ISUP_MSG_RLC, 6);
	ck_state(t, 6, ISUP_CIRC_ST_IDLE);
	end_quiet(t, 300);
}
END_TEST

/* ---- blocking ---- */

START_TEST(test_blo_ubl_received)
{
	struct isup_trunk *t = up8(&cc_ops);

	feed_simple(t, ISUP_MSG_BLO, 2);
	sent(t, ISUP_MSG_BLA, 2);
	ck_assert_uint_eq(circ(t, 2)->blk, ISUP_BLK_REMOTE_MAINT);
	/* a remotely blocked circuit is not selected */
	t->cfg.policy = ISUP_SELECT_SEQUENTIAL;
	ck_assert_uint_eq(isup_trunk_select(t)->cic, 1);
	circ(t, 1)->blk = ISUP_BLK_LOCAL_MAINT;
	ck_assert_uint_eq(isup_trunk_select(t)->cic, 3);
	circ(t, 1)->blk = 0;
	/* BLO again: acknowledged again */
	feed_simple(t, ISUP_MSG_BLO, 2);
	sent(t, ISUP_MSG_BLA, 2);
	feed_simple(t, ISUP_MSG_UBL, 2);
	sent(t, ISUP_MSG_UBA, 2);
	ck_assert_uint_eq(circ(t, 2)->blk, 0);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_blo_ubl_sent)
{
	struct isup_trunk *t = up8(&cc_ops);
	struct isup_circuit *c = circ(t, 4);

	ck_assert_int_eq(isup_circuit_block(c), 0);
	sent(t, ISUP_MSG_BLO, 4);
	ck_assert_uint_eq(c->blk, ISUP_BLK_LOCAL_MAINT);
	ck_assert_int_eq(c->pending, ISUP_PEND_BLO);
	feed_simple(t, ISUP_MSG_BLA, 4);
	ck_assert_int_eq(c->pending, ISUP_PEND_NONE);
	ck_assert_int_eq(isup_circuit_block(c), -EALREADY);
	/* an IAM on a circuit blocked here is refused with BLO */
	feed_iam(t, 4, 0);
	sent(t, ISUP_MSG_BLO, 4);
	ck_state(t, 4, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(g_cc.setup, 0);
	feed_simple(t, ISUP_MSG_BLA, 4);
	nothing_sent();
	ck_assert_int_eq(isup_circuit_unblock(c), 0);
	sent(t, ISUP_MSG_UBL, 4);
	ck_assert_int_eq(c->pending, ISUP_PEND_UBL);
	feed_simple(t, ISUP_MSG_UBA, 4);
	ck_assert_uint_eq(c->blk, 0);
	ck_assert_int_eq(c->pending, ISUP_PEND_NONE);
	ck_assert_int_eq(isup_circuit_unblock(c), -EALREADY);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_blo_t12_t13_ubl_t14_t15)
{
	struct isup_trunk *t = up8(&cc_ops);
	struct isup_circuit *c = circ(t, 4);
	unsigned int i;

	osmo_tdef_set(t->tdefs, ISUP_T12, 10, OSMO_TDEF_S);
	osmo_tdef_set(t->tdefs, ISUP_T13, 60, OSMO_TDEF_S);
	ck_assert_int_eq(isup_circuit_block(c), 0);
	sent(t, ISUP_MSG_BLO, 4);
	for (i = 0; i < 6; i++) {
		quiet(10);
		sent(t, ISUP_MSG_BLO, 4);
	}
	sent_after(t, 60, ISUP_MSG_BLO, 4);
	feed_simple(t, ISUP_MSG_BLA, 4);
	advance(120);
	nothing_sent();
	/* UBL: T14 / T15 */
	osmo_tdef_set(t->tdefs, ISUP_T14, 5, OSMO_TDEF_S);
	osmo_tdef_set(t->tdefs, ISUP_T15, 12, OSMO_TDEF_S);
	ck_assert_int_eq(isup_circuit_unblock(c), 0);
	sent(t, ISUP_MSG_UBL, 4);
	advance(5);
	sent(t, ISUP_MSG_UBL, 4);
	advance(5);
	sent(t, ISUP_MSG_UBL, 4);
	quiet(2);
	/* T15 at 12 s */
	sent(t, ISUP_MSG_UBL, 4);
	sent_after(t, 12, ISUP_MSG_UBL, 4);
	feed_simple(t, ISUP_MSG_UBA, 4);
	ck_assert_uint_eq(c->blk, 0);
	end_quiet(t, 30);
}
END_TEST

START_TEST(test_unexpected_bla_uba)
{
	struct isup_trunk *t = up8(&cc_ops);

	/* BLA on a circuit not blocked here: UBL (Q.764 2.8.2.3) */
	feed_simple(t, ISUP_MSG_BLA, 2);
	sent(t, ISUP_MSG_UBL, 2);
	/* UBA on a circuit blocked here: BLO */
	circ(t, 3)->blk = ISUP_BLK_LOCAL_MAINT;
	feed_simple(t, ISUP_MSG_UBA, 3);
	sent(t, ISUP_MSG_BLO, 3);
	/* UBA on an unblocked circuit: discarded */
	feed_simple(t, ISUP_MSG_UBA, 5);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_UNEXPECTED), 3);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_blocked_circuit_keeps_call)
{
	struct isup_trunk *t = up8(&cc_ops);

	out_call(t, 5);
	feed_simple(t, ISUP_MSG_BLO, 5);
	sent(t, ISUP_MSG_BLA, 5);
	ck_state(t, 5, ISUP_CIRC_ST_OUT_IAM);
	feed_simple(t, ISUP_MSG_ACM, 5);
	ck_state(t, 5, ISUP_CIRC_ST_OUT_ALERTING);
	ck_assert_uint_eq(g_cc.release, 0);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cgb_cgu_received)
{
	struct isup_trunk *t = up8(&cc_ops);

	out_call(t, 6);
	/* maintenance: CICs 5, 7, 8 of 5..8; the call on 6 stays */
	feed_group(t, ISUP_MSG_CGB, 5, 3, "1011", 0);
	check_group(t, ISUP_MSG_CGBA, 5, 3, "1011", 0);
	ck_assert_uint_eq(circ(t, 5)->blk, ISUP_BLK_REMOTE_MAINT);
	ck_assert_uint_eq(circ(t, 6)->blk, 0);
	ck_assert_uint_eq(circ(t, 8)->blk, ISUP_BLK_REMOTE_MAINT);
	/* hardware on 5..6: the call on 6 ends without REL */
	feed_group(t, ISUP_MSG_CGB, 5, 1, "11", 1);
	check_group(t, ISUP_MSG_CGBA, 5, 1, "11", 1);
	nothing_sent();
	ck_state(t, 6, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(g_cc.release, 1);
	ck_assert_uint_eq(circ(t, 5)->blk, ISUP_BLK_REMOTE_MAINT | ISUP_BLK_REMOTE_HW);
	ck_assert_uint_eq(circ(t, 6)->blk, ISUP_BLK_REMOTE_HW);
	/* unblock maintenance on 5..8, hardware on 5..6 */
	feed_group(t, ISUP_MSG_CGU, 5, 3, "1011", 0);
	check_group(t, ISUP_MSG_CGUA, 5, 3, "1011", 0);
	ck_assert_uint_eq(circ(t, 5)->blk, ISUP_BLK_REMOTE_HW);
	ck_assert_uint_eq(circ(t, 8)->blk, 0);
	feed_group(t, ISUP_MSG_CGU, 5, 1, "11", 1);
	check_group(t, ISUP_MSG_CGUA, 5, 1, "11", 1);
	ck_assert_uint_eq(circ(t, 5)->blk, 0);
	ck_assert_uint_eq(circ(t, 6)->blk, 0);
	/* status bits for circuits we do not have are not acknowledged */
	feed_group(t, ISUP_MSG_CGB, 7, 3, "1111", 0);
	check_group(t, ISUP_MSG_CGBA, 7, 3, "1100", 0);
	/* a bad supervision type or range is discarded */
	feed_group(t, ISUP_MSG_CGB, 1, 1, "11", 3);
	feed_group(t, ISUP_MSG_CGB, 1, 0, "1", 0);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_BAD_RANGE), 2);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cgb_cgu_sent)
{
	struct isup_trunk *t = up8(&cc_ops);
	unsigned int i;

	out_call(t, 2);
	feed_simple(t, ISUP_MSG_ANM, 2);
	/* maintenance CGB 1..4: calls go on */
	ck_assert_int_eq(isup_trunk_group_block(t, 1, 4, true, false), 0);
	check_group(t, ISUP_MSG_CGB, 1, 3, "1111", 0);
	ck_state(t, 2, ISUP_CIRC_ST_ANSWERED);
	/* T18 repeats */
	advance(15);
	check_group(t, ISUP_MSG_CGB, 1, 3, "1111", 0);
	feed_group(t, ISUP_MSG_CGBA, 1, 3, "1111", 0);
	for (i = 1; i <= 4; i++)
		ck_assert_uint_eq(circ(t, i)->blk, ISUP_BLK_LOCAL_MAINT);
	advance(30);
	nothing_sent();
	/* hardware CGB 2..3: the call on 2 is released */
	ck_assert_int_eq(isup_trunk_group_block(t, 2, 3, true, true), 0);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 2), 41);
	check_group(t, ISUP_MSG_CGB, 2, 1, "11", 1);
	feed_group(t, ISUP_MSG_CGBA, 2, 1, "11", 1);
	feed_simple(t, ISUP_MSG_RLC, 2);
	ck_state(t, 2, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(circ(t, 2)->blk, ISUP_BLK_LOCAL_MAINT | ISUP_BLK_LOCAL_HW);
	/* CGBA for a different type is unexpected */
	ck_assert_int_eq(isup_trunk_group_block(t, 2, 3, false, true), 0);
	check_group(t, ISUP_MSG_CGU, 2, 1, "11", 1);
	feed_group(t, ISUP_MSG_CGUA, 2, 1, "11", 0);
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_UNEXPECTED), 1);
	/* T20 repeats, then CGUA */
	advance(15);
	check_group(t, ISUP_MSG_CGU, 2, 1, "11", 1);
	feed_group(t, ISUP_MSG_CGUA, 2, 1, "11", 1);
	ck_assert_uint_eq(circ(t, 2)->blk, ISUP_BLK_LOCAL_MAINT);
	ck_assert_int_eq(isup_trunk_group_block(t, 1, 4, false, false), 0);
	check_group(t, ISUP_MSG_CGU, 1, 3, "1111", 0);
	feed_group(t, ISUP_MSG_CGUA, 1, 3, "1111", 0);
	for (i = 1; i <= 4; i++)
		ck_assert_uint_eq(circ(t, i)->blk, 0);
	advance(60);
	nothing_sent();
	/* bad ranges */
	ck_assert_int_eq(isup_trunk_group_block(t, 3, 3, true, false), -ERANGE);
	ck_assert_int_eq(isup_trunk_group_block(t, 1, 40, true, false), -ERANGE);
	ck_assert_int_eq(isup_trunk_group_block(t, 100, 110, true, false), -ENOENT);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cgb_t18_t19)
{
	struct isup_trunk *t = up8(&cc_ops);
	unsigned int i;

	osmo_tdef_set(t->tdefs, ISUP_T18, 10, OSMO_TDEF_S);
	osmo_tdef_set(t->tdefs, ISUP_T19, 35, OSMO_TDEF_S);
	ck_assert_int_eq(isup_trunk_group_block(t, 1, 2, true, false), 0);
	check_group(t, ISUP_MSG_CGB, 1, 1, "11", 0);
	for (i = 0; i < 3; i++) {
		advance(10);
		check_group(t, ISUP_MSG_CGB, 1, 1, "11", 0);
	}
	quiet(5);
	/* T19 at 35 s, then every 35 s */
	check_group(t, ISUP_MSG_CGB, 1, 1, "11", 0);
	quiet(35);
	check_group(t, ISUP_MSG_CGB, 1, 1, "11", 0);
	isup_trunk_free(t);
}
END_TEST

/* ---- calls ---- */

START_TEST(test_t7_rel_102_t1_t5)
{
	struct isup_trunk *t = up8(&cc_ops);
	unsigned int i;

	osmo_tdef_set(t->tdefs, ISUP_T1, 10, OSMO_TDEF_S);
	osmo_tdef_set(t->tdefs, ISUP_T5, 60, OSMO_TDEF_S);
	out_call(t, 3);
	quiet(20);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 102);
	ck_assert_uint_eq(g_cc.release, 1);
	ck_assert_uint_eq(g_cc.cause, 102);
	ck_state(t, 3, ISUP_CIRC_ST_RELEASING);
	/* T1 repeats the REL with the same cause */
	for (i = 0; i < 5; i++) {
		advance(10);
		ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 102);
	}
	/* T5 (60 s after the first REL): RSC, and RSC repeats from then */
	advance(10);
	sent(t, ISUP_MSG_RSC, 3);
	nothing_sent();
	ck_state(t, 3, ISUP_CIRC_ST_RESETTING);
	sent_after(t, 300, ISUP_MSG_RSC, 3);
	feed_simple(t, ISUP_MSG_RLC, 3);
	ck_state(t, 3, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(g_cc.release, 1);
	isup_trunk_free(t);
}
END_TEST

/* Overlap: SAMs after the IAM carry more digits and restart T7; after
 * the ACM, or with bad digits, none is sent. */
START_TEST(test_sam_out)
{
	struct isup_trunk *t = up8(&cc_ops);
	struct isup_number num;
	struct isup_msg *msg;

	out_call(t, 3);
	advance(15);
	ck_assert_int_eq(isup_circuit_sam(circ(t, 3), "45"), 0);
	msg = sent(t, ISUP_MSG_SAM, 3);
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_SUBSEQUENT, &num), 0);
	ck_assert_str_eq(num.digits, "45");
	ck_assert_int_eq(isup_circuit_sam(circ(t, 3), "6F"), 0);
	msg = sent(t, ISUP_MSG_SAM, 3);
	ck_assert_int_eq(isup_msg_get_number(msg, ISUP_PAR_SUBSEQUENT, &num), 0);
	ck_assert_str_eq(num.digits, "6F");
	ck_assert_int_eq(isup_circuit_sam(circ(t, 3), ""), -EINVAL);
	ck_assert_int_eq(isup_circuit_sam(circ(t, 3), "4F5"), -EINVAL);
	ck_assert_int_eq(isup_circuit_sam(circ(t, 3), "12A"), -EINVAL);
	ck_assert_int_eq(isup_circuit_sam(circ(t, 3), "123456789012345678901234567890123"), -EINVAL);
	/* T7 runs from the last SAM: 20 s after it, not after the IAM */
	quiet(20);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 102);
	feed_simple(t, ISUP_MSG_RLC, 3);
	/* after the ACM the number is complete: no SAM */
	out_call(t, 4);
	feed_simple(t, ISUP_MSG_ACM, 4);
	ck_assert_int_eq(isup_circuit_sam(circ(t, 4), "1"), -EBUSY);
	ck_assert_int_eq(isup_circuit_sam(circ(t, 5), "1"), -EBUSY);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_t9_no_answer)
{
	struct isup_trunk *t = up8(&cc_ops);

	out_call(t, 1);
	feed_simple(t, ISUP_MSG_ACM, 1);
	ck_state(t, 1, ISUP_CIRC_ST_OUT_ALERTING);
	ck_assert_uint_eq(g_cc.progress, 1);
	/* T7 no longer runs */
	quiet(90);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 1), 19);
	ck_assert_uint_eq(g_cc.cause, 19);
	feed_simple(t, ISUP_MSG_RLC, 1);
	ck_state(t, 1, ISUP_CIRC_ST_IDLE);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_call_both_ways)
{
	struct isup_trunk *t = up8(&cc_ops);

	out_call(t, 1);
	feed_simple(t, ISUP_MSG_ACM, 1);
	feed_simple(t, ISUP_MSG_ANM, 1);
	ck_state(t, 1, ISUP_CIRC_ST_ANSWERED);
	advance(200);
	nothing_sent();
	feed_cause(t, ISUP_MSG_REL, 1, 16);
	sent(t, ISUP_MSG_RLC, 1);
	ck_assert_uint_eq(g_cc.cause, 16);
	ck_state(t, 1, ISUP_CIRC_ST_IDLE);
	/* incoming, answered without ACM: CON */
	feed_iam(t, 2, 0);
	ck_assert_uint_eq(g_cc.setup, 1);
	ck_assert_int_eq(isup_circuit_answer(circ(t, 2)), 0);
	sent(t, ISUP_MSG_CON, 2);
	ck_assert_int_eq(isup_circuit_release(circ(t, 2), 16), 0);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 2), 16);
	/* release collision: REL answered with RLC, circuit idle */
	feed_cause(t, ISUP_MSG_REL, 2, 16);
	sent(t, ISUP_MSG_RLC, 2);
	ck_state(t, 2, ISUP_CIRC_ST_IDLE);
	/* REL on an idle circuit: RLC */
	feed_cause(t, ISUP_MSG_REL, 4, 16);
	sent(t, ISUP_MSG_RLC, 4);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

static void ck_param(const struct isup_msg *msg, uint8_t code, const char *hex)
{
	const struct isup_param *par = isup_msg_find_param(msg, code);

	ck_assert_msg(par != NULL || !hex, "parameter 0x%02x missing", code);
	if (hex)
		ck_assert_str_eq(osmo_hexdump_nospc(par->data, par->len), hex);
}

START_TEST(test_backward_msg_params)
{
	struct isup_trunk *t = up8(&cc_ops);
	struct isup_msg *params = isup_msg_alloc(tt_ctx, ISUP_VARIANT_ITU, ISUP_MSG_ACM);
	const uint8_t bci[2] = { 0x06, 0x01 }, obci = 0x01;
	struct isup_msg *msg;

	ck_assert_int_ge(isup_msg_set_param(params, ISUP_PAR_BCI, bci, 2), 0);
	ck_assert_int_ge(isup_msg_set_param(params, ISUP_PAR_OBCI, &obci, 1), 0);
	/* the ACM carries call control's parameters, in its own layout */
	feed_iam(t, 2, 0);
	ck_assert_int_eq(isup_circuit_alert_msg(circ(t, 2), params), 0);
	msg = sent(t, ISUP_MSG_ACM, 2);
	ck_param(msg, ISUP_PAR_BCI, "0601");
	ck_param(msg, ISUP_PAR_OBCI, "01");
	ck_state(t, 2, ISUP_CIRC_ST_IN_ALERTING);
	/* one ACM per call */
	ck_assert_int_eq(isup_circuit_alert_msg(circ(t, 2), params), -EINVAL);
	nothing_sent();
	/* ANM: the BCI is optional there and passes as given */
	ck_assert_int_eq(isup_circuit_answer_msg(circ(t, 2), params), 0);
	msg = sent(t, ISUP_MSG_ANM, 2);
	ck_param(msg, ISUP_PAR_BCI, "0601");
	ck_state(t, 2, ISUP_CIRC_ST_ANSWERED);
	/* answer without ACM: CON, the fixed BCI when the parameters have none */
	talloc_free(params);
	params = isup_msg_alloc(tt_ctx, ISUP_VARIANT_ITU, ISUP_MSG_ANM);
	ck_assert_int_ge(isup_msg_set_param(params, ISUP_PAR_OBCI, &obci, 1), 0);
	feed_iam(t, 3, 0);
	ck_assert_int_eq(isup_circuit_answer_msg(circ(t, 3), params), 0);
	msg = sent(t, ISUP_MSG_CON, 3);
	ck_param(msg, ISUP_PAR_BCI, "1614");
	ck_param(msg, ISUP_PAR_OBCI, "01");
	/* no parameters at all: the fixed ACM */
	feed_iam(t, 4, 0);
	ck_assert_int_eq(isup_circuit_alert_msg(circ(t, 4), NULL), 0);
	msg = sent(t, ISUP_MSG_ACM, 4);
	ck_param(msg, ISUP_PAR_BCI, "1614");
	ck_param(msg, ISUP_PAR_OBCI, NULL);
	ck_assert_ptr_null(isup_msg_find_param(msg, ISUP_PAR_OBCI));
	/* an idle circuit cannot answer */
	ck_assert_int_eq(isup_circuit_answer_msg(circ(t, 5), NULL), -EINVAL);
	nothing_sent();
	talloc_free(params);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_no_call_control_refuses)
{
	struct isup_trunk *t = up8(NULL);

	feed_iam(t, 2, 0);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 2), 47);
	feed_simple(t, ISUP_MSG_RLC, 2);
	ck_state(t, 2, ISUP_CIRC_ST_IDLE);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_dual_seizure_non_controlling)
{
	/* 1.1.1 < 2.2.2: the peer controls even CICs; we back off on 2 */
	struct isup_trunk *t = up8(&cc_ops);

	ck_assert(!isup_trunk_controls(t, 2));
	ck_assert(isup_trunk_controls(t, 3));
	out_call(t, 2);
	feed_iam(t, 2, 0);
	ck_assert_uint_eq(g_cc.retry, 1);
	ck_assert_uint_eq(g_cc.setup, 1);
	ck_state(t, 2, ISUP_CIRC_ST_IN_IAM);
	ck_assert_uint_eq(ctr(t, ISUP_CTR_DUAL_SEIZURE), 1);
	/* the operator test call retried by itself on the first free CIC */
	sent(t, ISUP_MSG_IAM, 1);
	ck_state(t, 1, ISUP_CIRC_ST_OUT_IAM);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_dual_seizure_controlling)
{
	struct isup_trunk *t = up8(&cc_ops);

	out_call(t, 3);
	feed_iam(t, 3, 0);
	ck_assert_uint_eq(g_cc.retry, 0);
	ck_assert_uint_eq(g_cc.setup, 0);
	ck_state(t, 3, ISUP_CIRC_ST_OUT_IAM);
	nothing_sent();
	feed_simple(t, ISUP_MSG_ACM, 3);
	ck_state(t, 3, ISUP_CIRC_ST_OUT_ALERTING);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_dual_seizure_higher_pc)
{
	/* 2.2.2 -> 1.1.1: we are the higher point code and control even CICs */
	struct isup_trunk *t = trunk_new(4114, 2057, 1, 8, &cc_ops);

	bring_up(t, 1, 8);
	ck_assert(isup_trunk_controls(t, 2));
	ck_assert(!isup_trunk_controls(t, 1));
	out_call(t, 2);
	feed_iam(t, 2, 0);
	ck_state(t, 2, ISUP_CIRC_ST_OUT_IAM);
	ck_assert_uint_eq(g_cc.retry, 0);
	out_call(t, 1);
	feed_iam(t, 1, 0);
	ck_assert_uint_eq(g_cc.retry, 1);
	ck_state(t, 1, ISUP_CIRC_ST_IN_IAM);
	isup_trunk_free(t);
}
END_TEST

/* ---- unequipped, unrecognised, queries ---- */

START_TEST(test_ucic)
{
	struct isup_trunk *t = up8(&cc_ops);

	feed_iam(t, 40, 0);
	sent(t, ISUP_MSG_UCIC, 40);
	feed_simple(t, ISUP_MSG_BLO, 41);
	sent(t, ISUP_MSG_UCIC, 41);
	/* never for UCIC itself or group messages */
	feed_simple(t, ISUP_MSG_UCIC, 42);
	feed_group(t, ISUP_MSG_GRS, 100, 3, NULL, -1);
	feed_group(t, ISUP_MSG_CGB, 100, 3, "1111", 0);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_UNEQUIPPED), 5);
	ck_assert_uint_eq(ctr(t, ISUP_CTR_TX_UCIC), 2);
	/* UCIC from the peer: the circuit is out of service until reset */
	ck_assert_int_eq(isup_circuit_block(circ(t, 1)), 0);
	sent(t, ISUP_MSG_BLO, 1);
	feed_simple(t, ISUP_MSG_UCIC, 1);
	ck_assert(circ(t, 1)->remote_unequipped);
	ck_assert_int_eq(circ(t, 1)->pending, ISUP_PEND_NONE);
	advance(30);
	nothing_sent();
	ck_assert_uint_ne(isup_trunk_select(t)->cic, 1);
	ck_assert(isup_circuit_matches(circ(t, 1), ISUP_FILTER_UNEQUIPPED));
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_unknown_message)
{
	struct isup_trunk *t = up8(&cc_ops);

	/* no compatibility information: CFN 97 naming the type */
	feed_raw(t, 5, "fe00");
	check_cfn(t, 5, 97, 0xfe);
	/* MCI "discard message", no notification: nothing */
	feed_raw(t, 5, "fd0138018800");
	nothing_sent();
	/* MCI "discard message, send notification": CFN */
	feed_raw(t, 5, "fc0138018c00");
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_CFN, 5), 97);
	/* MCI "release call" on an answered call: REL 97 */
	out_call(t, 3);
	feed_simple(t, ISUP_MSG_ANM, 3);
	feed_raw(t, 3, "fb0138018200");
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 97);
	/* MCI "release call" on an idle circuit: discarded */
	feed_raw(t, 4, "fb0138018200");
	nothing_sent();
	/* MCI pass on not possible = release (bit E = 0), no release bit:
	 * the call is released */
	out_call(t, 5);
	feed_raw(t, 5, "fa0138018000");
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 5), 97);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_UNKNOWN_MSG), 6);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_unknown_params)
{
	struct isup_trunk *t = up8(&cc_ops);

	/* IAM with an unknown optional parameter 0xfd, no PCI: dropped,
	 * CFN 99 names it, the call goes on */
	feed_raw(t, 6, "010060010a0002060483102103fd010000");
	check_cfn(t, 6, 99, 0xfd);
	ck_assert_uint_eq(g_cc.setup, 1);
	ck_state(t, 6, ISUP_CIRC_ST_IN_IAM);
	/* REL with an unknown parameter: no CFN for REL */
	feed_raw(t, 6, "0c020402" "8290" "fd0100" "00");
	sent(t, ISUP_MSG_RLC, 6);
	nothing_sent();
	/* ANM with 0xf0 and PCI "discard parameter, notify" for it: CFN,
	 * ANM processed */
	out_call(t, 3);
	feed_raw(t, 3, "0901" "f00100" "3902f094" "00");
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_CFN, 3), 99);
	ck_state(t, 3, ISUP_CIRC_ST_ANSWERED);
	/* CPG with 0xf1 and PCI "discard message" (no notify): dropped */
	feed_raw(t, 3, "2c0101" "f10100" "3902f188" "00");
	nothing_sent();
	/* CPG with 0xf2 and PCI "release call": REL 99 */
	feed_raw(t, 3, "2c0101" "f20100" "3902f282" "00");
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 99);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_bad_input)
{
	struct isup_trunk *t = up8(&cc_ops);

	feed_raw(t, 6, "0100");
	feed_raw(t, 6, "");
	isup_trunk_rx(t, (const uint8_t *)"\x06", 1);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_DECODE_ERR), 3);
	ck_state(t, 6, ISUP_CIRC_ST_IDLE);
	/* unexpected but known: ANM on an idle circuit */
	feed_simple(t, ISUP_MSG_ANM, 6);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_RX_UNEXPECTED), 1);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cqm_cqr)
{
	struct isup_trunk *t = up8(&cc_ops);
	struct isup_circuit_state csi;
	const struct isup_param *p;
	struct isup_msg *m;
	uint8_t range;

	out_call(t, 6);
	ck_assert_int_eq(isup_circuit_block(circ(t, 7)), 0);
	sent(t, ISUP_MSG_BLO, 7);
	feed_simple(t, ISUP_MSG_BLA, 7);
	feed_simple(t, ISUP_MSG_BLO, 8);
	sent(t, ISUP_MSG_BLA, 8);
	feed_iam(t, 5, 0);
	feed_simple(t, ISUP_MSG_ACM, 6);
	/* 5 incoming busy, 6 outgoing busy, 7 LM, 8 RM, 9 and 10 unequipped */
	feed_group(t, ISUP_MSG_CQM, 5, 5, NULL, -1);
	m = sent(t, ISUP_MSG_CQR, 5);
	rs_bits(m, &range);
	ck_assert_uint_eq(range, 5);
	p = isup_msg_find_param(m, ISUP_PAR_CIRC_STATE_IND);
	ck_assert_ptr_nonnull(p);
	ck_assert_int_eq(isup_circuit_state_decode(&csi, p->data, p->len), 0);
	ck_assert_uint_eq(csi.count, 6);
	ck_assert_uint_eq(csi.state[0], 0x04);
	ck_assert_uint_eq(csi.state[1], 0x08);
	ck_assert_uint_eq(csi.state[2], 0x0d);
	ck_assert_uint_eq(csi.state[3], 0x0e);
	ck_assert_uint_eq(csi.state[4], 0x03);
	ck_assert_uint_eq(csi.state[5], 0x03);
	nothing_sent();
	/* transient: IAM out without a backward message, BLO awaiting BLA;
	 * a query about one circuit (range 0) is valid */
	out_call(t, 1);
	ck_assert_int_eq(isup_circuit_block(circ(t, 2)), 0);
	sent(t, ISUP_MSG_BLO, 2);
	ck_assert_int_eq(isup_trunk_group_block(t, 3, 4, true, false), 0);
	check_group(t, ISUP_MSG_CGB, 3, 1, "11", 0);
	feed_group(t, ISUP_MSG_CQM, 1, 4, NULL, -1);
	m = sent(t, ISUP_MSG_CQR, 1);
	p = isup_msg_find_param(m, ISUP_PAR_CIRC_STATE_IND);
	ck_assert_int_eq(isup_circuit_state_decode(&csi, p->data, p->len), 0);
	ck_assert_uint_eq(csi.count, 5);
	ck_assert_mem_eq(csi.state, "\x00\x00\x00\x00\x04", 5);
	feed_group(t, ISUP_MSG_CQM, 5, 0, NULL, -1);
	m = sent(t, ISUP_MSG_CQR, 5);
	p = isup_msg_find_param(m, ISUP_PAR_CIRC_STATE_IND);
	ck_assert_int_eq(isup_circuit_state_decode(&csi, p->data, p->len), 0);
	ck_assert_uint_eq(csi.count, 1);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_pause_resume)
{
	struct isup_trunk *t = up8(&cc_ops);

	out_call(t, 1);
	ck_assert_int_eq(isup_circuit_block(circ(t, 4)), 0);
	sent(t, ISUP_MSG_BLO, 4);
	feed_simple(t, ISUP_MSG_BLA, 4);
	isup_trunk_mtp_pause(t);
	ck_assert_uint_eq(g_cc.release, 1);
	ck_assert_uint_eq(g_cc.cause, 41);
	ck_state(t, 1, ISUP_CIRC_ST_UNAVAILABLE);
	/* received messages are not processed while paused */
	feed_simple(t, ISUP_MSG_BLO, 2);
	advance(60);
	nothing_sent();
	isup_trunk_mtp_resume(t);
	check_group(t, ISUP_MSG_GRS, 1, 7, "", -1);
	feed_group(t, ISUP_MSG_GRA, 1, 7, "00000000", -1);
	/* still blocked here: BLO again */
	sent(t, ISUP_MSG_BLO, 4);
	nothing_sent();
	ck_state(t, 1, ISUP_CIRC_ST_IDLE);
	isup_trunk_free(t);
}
END_TEST

/* ---- continuity check ---- */

static uint8_t nci_cot(const struct isup_msg *iam)
{
	struct isup_nci nci;

	ck_assert_int_eq(isup_msg_get_bf(iam, ISUP_PAR_NCI, &nci, sizeof(nci)), 0);
	return nci.continuity;
}

static bool cot_ok(struct isup_trunk *t, uint16_t cic)
{
	struct isup_cot_ind ind;

	ck_assert_int_eq(isup_msg_get_bf(sent(t, ISUP_MSG_COT, cic), ISUP_PAR_CONTINUITY_IND, &ind,
					 sizeof(ind)), 0);
	return ind.success;
}

START_TEST(test_cot_incoming_success)
{
	struct isup_trunk *t = up8(&cc_ops_cot);

	feed_iam(t, 2, 1);
	ck_state(t, 2, ISUP_CIRC_ST_IN_COT);
	ck_assert_uint_eq(g_cc.loop_on, 1);
	/* call control hears of the call only after the COT */
	ck_assert_uint_eq(g_cc.setup, 0);
	nothing_sent();
	advance(5);
	feed_cot(t, 2, true);
	ck_assert_uint_eq(g_cc.loop_off, 1);
	ck_assert_uint_eq(g_cc.setup, 1);
	ck_state(t, 2, ISUP_CIRC_ST_IN_IAM);
	/* T8 no longer runs */
	advance(30);
	nothing_sent();
	/* "check on a previous circuit": no loop here, but wait for COT */
	feed_iam(t, 3, 2);
	ck_state(t, 3, ISUP_CIRC_ST_IN_COT);
	ck_assert_uint_eq(g_cc.loop_on, 1);
	feed_cot(t, 3, true);
	ck_assert_uint_eq(g_cc.setup, 2);
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cot_incoming_t8)
{
	struct isup_trunk *t = up8(&cc_ops_cot);

	feed_iam(t, 2, 1);
	quiet(10);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 2), 41);
	ck_assert_uint_eq(g_cc.loop_off, 1);
	ck_assert_uint_eq(g_cc.setup, 0);
	ck_assert_uint_eq(g_cc.release, 0);
	feed_simple(t, ISUP_MSG_RLC, 2);
	ck_state(t, 2, ISUP_CIRC_ST_IDLE);
	/* no equipment at all: the loop is assumed, the IAM still waits */
	t->call_ops = NULL;
	feed_iam(t, 3, 1);
	ck_state(t, 3, ISUP_CIRC_ST_IN_COT);
	feed_cot(t, 3, true);
	/* and without call control the call is refused */
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 47);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cot_incoming_recheck)
{
	struct isup_trunk *t = up8(&cc_ops_cot);

	feed_iam(t, 2, 1);
	feed_cot(t, 2, false);
	ck_state(t, 2, ISUP_CIRC_ST_IN_RECHECK);
	ck_assert_uint_eq(g_cc.loop_off, 1);
	ck_assert_uint_eq(g_cc.setup, 0);
	/* the circuit is not free while the recheck is due */
	ck_assert_ptr_null(circ(t, 2)->call);
	ck_assert(!isup_circuit_matches(circ(t, 2), ISUP_FILTER_IDLE));
	advance(100);
	feed_simple(t, ISUP_MSG_CCR, 2);
	ck_state(t, 2, ISUP_CIRC_ST_IN_CCR);
	ck_assert_uint_eq(g_cc.loop_on, 2);
	feed_cot(t, 2, false);
	ck_state(t, 2, ISUP_CIRC_ST_IN_RECHECK);
	feed_simple(t, ISUP_MSG_CCR, 2);
	/* the recheck passed: the checking side releases */
	feed_cause(t, ISUP_MSG_REL, 2, 16);
	sent(t, ISUP_MSG_RLC, 2);
	ck_state(t, 2, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(g_cc.loop_off, 3);
	nothing_sent();
	/* T27: no CCR after a failed check -> RSC */
	feed_iam(t, 4, 1);
	feed_cot(t, 4, false);
	sent_after(t, 240, ISUP_MSG_RSC, 4);
	feed_simple(t, ISUP_MSG_RLC, 4);
	ck_state(t, 4, ISUP_CIRC_ST_IDLE);
	/* T36: CCR (a test call on an idle circuit), then nothing -> RSC */
	feed_simple(t, ISUP_MSG_CCR, 5);
	ck_state(t, 5, ISUP_CIRC_ST_IN_CCR);
	advance(10);
	sent(t, ISUP_MSG_RSC, 5);
	ck_assert_uint_eq(g_cc.loop_on, g_cc.loop_off);
	/* COT where none is expected */
	feed_cot(t, 6, true);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_COT_FAIL), 3);
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cot_outgoing)
{
	struct isup_trunk *t = up8(&cc_ops);

	/* never (default): NCI says "not required", even if asked */
	out_call(t, 1);
	g_next--;
	ck_assert_uint_eq(nci_cot(sent(t, ISUP_MSG_IAM, 1)), 0);
	nothing_sent();
	/* always, no tone equipment: COT "successful" right after the IAM */
	t->cfg.cot_policy = ISUP_COT_ALWAYS;
	out_call(t, 3);
	g_next--;
	ck_assert_uint_eq(nci_cot(sent(t, ISUP_MSG_IAM, 3)), 1);
	ck_assert(cot_ok(t, 3));
	nothing_sent();
	ck_assert_int_eq(isup_circuit_cot_result(circ(t, 3), true), -EINVAL);
	/* 25 %: every fourth call */
	t->cfg.cot_policy = ISUP_COT_PERCENT;
	t->cfg.cot_percent = 25;
	t->cot_acc = 0;
	out_call(t, 5);
	out_call(t, 6);
	out_call(t, 7);
	out_call(t, 8);
	ck_assert(cot_ok(t, 8));
	nothing_sent();
	isup_trunk_free(t);
}
END_TEST

START_TEST(test_cot_outgoing_failure_recheck)
{
	struct isup_trunk *t = up8(&cc_ops_cot);
	struct isup_circuit *c = circ(t, 3);

	t->cfg.cot_policy = ISUP_COT_ALWAYS;
	out_call(t, 3);
	ck_assert_uint_eq(g_cc.cot_test, 1);
	ck_assert(c->cot_testing);
	nothing_sent();
	/* the tone came back: COT successful */
	ck_assert_int_eq(isup_circuit_cot_result(c, true), 0);
	ck_assert(cot_ok(t, 3));
	feed_simple(t, ISUP_MSG_ACM, 3);
	ck_state(t, 3, ISUP_CIRC_ST_OUT_ALERTING);
	ck_assert_int_eq(isup_circuit_release(c, 16), 0);
	sent(t, ISUP_MSG_REL, 3);
	feed_simple(t, ISUP_MSG_RLC, 3);
	/* failed: COT "failed", the call is retried elsewhere, CCR after T25 */
	out_call(t, 3);
	ck_assert_int_eq(isup_circuit_cot_result(c, false), 0);
	ck_assert(!cot_ok(t, 3));
	ck_assert_uint_eq(g_cc.retry, 1);
	ck_state(t, 3, ISUP_CIRC_ST_OUT_RETEST);
	ck_assert_ptr_null(c->call);
	advance(1);
	sent(t, ISUP_MSG_CCR, 3);
	ck_state(t, 3, ISUP_CIRC_ST_OUT_CCR);
	ck_assert_uint_eq(g_cc.cot_test, 3);
	/* T24 (1.5 s): no tone back -> COT failed, CCR again after T26 */
	advance(2);
	ck_assert(!cot_ok(t, 3));
	ck_state(t, 3, ISUP_CIRC_ST_OUT_RETEST);
	sent_after(t, 60, ISUP_MSG_CCR, 3);
	/* the recheck passes: REL, then idle */
	ck_assert_int_eq(isup_circuit_cot_result(c, true), 0);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 16);
	feed_simple(t, ISUP_MSG_RLC, 3);
	ck_state(t, 3, ISUP_CIRC_ST_IDLE);
	ck_assert_uint_eq(ctr(t, ISUP_CTR_COT_FAIL), 2);
	/* a reset while the tone is out stops the check */
	out_call(t, 3);
	ck_assert(c->cot_testing);
	feed_simple(t, ISUP_MSG_RSC, 3);
	sent(t, ISUP_MSG_RLC, 3);
	ck_assert(!c->cot_testing);
	ck_state(t, 3, ISUP_CIRC_ST_IDLE);
	end_quiet(t, 60);
}
END_TEST

/* ---- suspend / resume ---- */

START_TEST(test_sus_res)
{
	struct isup_trunk *t = up8(&cc_ops);
	struct isup_circuit *c = circ(t, 2);
	struct isup_susres ind;

	feed_iam(t, 2, 0);
	ck_assert_int_eq(isup_circuit_suspend(c, true), -EINVAL);
	ck_assert_int_eq(isup_circuit_answer(c), 0);
	sent(t, ISUP_MSG_CON, 2);
	/* network-initiated: T6 */
	feed_susres(t, ISUP_MSG_SUS, 2, true);
	ck_assert_uint_eq(g_cc.suspend, 1);
	ck_assert(g_cc.suspend_network);
	advance(119);
	feed_susres(t, ISUP_MSG_RES, 2, true);
	ck_assert_uint_eq(g_cc.resume, 1);
	advance(300);
	nothing_sent();
	/* RES without SUS: unexpected */
	feed_susres(t, ISUP_MSG_RES, 2, true);
	ck_assert_uint_eq(g_cc.resume, 1);
	/* user-initiated: T2 (180 s) -> REL 102 */
	feed_susres(t, ISUP_MSG_SUS, 2, false);
	ck_assert(!g_cc.suspend_network);
	quiet(180);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 2), 102);
	ck_assert_uint_eq(g_cc.cause, 102);
	feed_simple(t, ISUP_MSG_RLC, 2);
	/* network T6 expiry: REL 102 */
	out_call(t, 3);
	feed_simple(t, ISUP_MSG_ANM, 3);
	feed_susres(t, ISUP_MSG_SUS, 3, true);
	advance(120);
	ck_assert_uint_eq(sent_cause(t, ISUP_MSG_REL, 3), 102);
	/* sending SUS / RES for call control */
	out_call(t, 4);
	feed_simple(t, ISUP_MSG_CON, 4);
	ck_assert_int_eq(isup_circuit_suspend(circ(t, 4), false), 0);
	ck_assert_int_eq(isup_msg_get_bf(sent(t, ISUP_MSG_SUS, 4), ISUP_PAR_SUSP_RES_IND, &ind,
					 sizeof(ind)), 0);
	ck_assert_uint_eq(ind.network_initiated, 0);
	ck_assert_int_eq(isup_circuit_resume(circ(t, 4), true), 0);
	ck_assert_int_eq(isup_msg_get_bf(sent(t, ISUP_MSG_RES, 4), ISUP_PAR_SUSP_RES_IND, &ind,
					 sizeof(ind)), 0);
	ck_assert_uint_eq(ind.network_initiated, 1);
	nothing_sent();
	ck_assert_uint_eq(ctr(t, ISUP_CTR_SUSPEND), 3);
	isup_trunk_free(t);
}
END_TEST

static Suite *q764_suite(void)
{
	Suite *s = suite_create("q764");
	TCase *tc;

#define ADD(name, fn) \
	tc = tcase_create(name); \
	tcase_add_checked_fixture(tc, setup, teardown); \
	tcase_add_test(tc, fn); \
	suite_add_tcase(s, tc)

	ADD("reset", test_startup_grs_gra);
	tcase_add_test(tc, test_grs_split_and_lone_cic);
	tcase_add_test(tc, test_grs_t22_t23);
	tcase_add_test(tc, test_long_timer_not_a_multiple);
	tcase_add_test(tc, test_grs_received);
	tcase_add_test(tc, test_rsc_on_busy_circuit);
	tcase_add_test(tc, test_rsc_t16_t17);
	ADD("blocking", test_blo_ubl_received);
	tcase_add_test(tc, test_blo_ubl_sent);
	tcase_add_test(tc, test_blo_t12_t13_ubl_t14_t15);
	tcase_add_test(tc, test_unexpected_bla_uba);
	tcase_add_test(tc, test_blocked_circuit_keeps_call);
	tcase_add_test(tc, test_cgb_cgu_received);
	tcase_add_test(tc, test_cgb_cgu_sent);
	tcase_add_test(tc, test_cgb_t18_t19);
	ADD("calls", test_t7_rel_102_t1_t5);
	tcase_add_test(tc, test_t9_no_answer);
	tcase_add_test(tc, test_sam_out);
	tcase_add_test(tc, test_call_both_ways);
	tcase_add_test(tc, test_backward_msg_params);
	tcase_add_test(tc, test_no_call_control_refuses);
	tcase_add_test(tc, test_dual_seizure_non_controlling);
	tcase_add_test(tc, test_dual_seizure_controlling);
	tcase_add_test(tc, test_dual_seizure_higher_pc);
	tcase_add_test(tc, test_pause_resume);
	ADD("errors", test_ucic);
	tcase_add_test(tc, test_unknown_message);
	tcase_add_test(tc, test_unknown_params);
	tcase_add_test(tc, test_bad_input);
	tcase_add_test(tc, test_cqm_cqr);
	ADD("continuity", test_cot_incoming_success);
	tcase_add_test(tc, test_cot_incoming_t8);
	tcase_add_test(tc, test_cot_incoming_recheck);
	tcase_add_test(tc, test_cot_outgoing);
	tcase_add_test(tc, test_cot_outgoing_failure_recheck);
	ADD("suspend", test_sus_res);
	return s;
}

int main(void)
{
	void *log_ctx = talloc_named_const(NULL, 0, "log");
	int rc;

	tandem_log_init(log_ctx);
	log_set_all_filter(osmo_stderr_target, 1);
	log_set_category_filter(osmo_stderr_target, DISUP, 1, getenv("Q764_DEBUG") ? LOGL_DEBUG :
				LOGL_FATAL);
	rc = tt_run(q764_suite());
	log_fini();
	talloc_free(log_ctx);
	return rc;
}
