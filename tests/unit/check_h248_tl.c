/* Unit tests for the H.248.1 transaction layer (Annex D.1) on a fake
 * clock: retransmission and its back-off, giving up, Pending both ways,
 * duplicate requests answered from the kept reply, LONG-TIMER,
 * ImmAckRequired and TransactionResponseAck, answers to malformed input,
 * the bounds, and the rate counters of each.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <osmocom/core/timer.h>

#include "mgcp/h248_tl.h"
#include "tests/unit/testlib.h"

#define MAX_SENT 64

static char g_sent[MAX_SENT][2048];
static unsigned int g_nsent;
static unsigned int g_nreq, g_nrep;
static uint32_t g_req_id, g_rep_id;
static int g_rep_rc;
static bool g_rep_had_trans;
static struct h248_tl *g_tl;
static bool g_answer_at_once;

static int fake_send(void *priv, const char *buf, size_t len)
{
	(void)priv;
	ck_assert_uint_lt(g_nsent, MAX_SENT);
	ck_assert_uint_lt(len, sizeof(g_sent[0]));
	memcpy(g_sent[g_nsent], buf, len);
	g_sent[g_nsent++][len] = '\0';
	return 0;
}

static void answer(uint32_t id, bool imm_ack)
{
	struct h248_msg *msg = h248_msg_alloc(tt_ctx, 2, "<mg>");
	struct h248_trans *t = h248_trans_add(msg, H248_TRANS_REPLY, id);
	struct h248_action *a = h248_action_add(t, H248_CTX_ID, 5);

	t->imm_ack = imm_ack;
	h248_cmd_add(a, H248_CMD_MODIFY, "tdm/1/1");
	ck_assert_int_eq(h248_tl_reply(g_tl, msg), 0);
	talloc_free(msg);
}

static void fake_request(void *priv, const struct h248_msg *msg, const struct h248_trans *t)
{
	(void)priv;
	(void)msg;
	g_nreq++;
	g_req_id = t->id;
	if (g_answer_at_once)
		answer(t->id, false);
}

static void reply_cb(void *data, uint32_t id, int rc, const struct h248_trans *reply)
{
	(void)data;
	g_nrep++;
	g_rep_id = id;
	g_rep_rc = rc;
	g_rep_had_trans = reply != NULL;
}

static const struct h248_tl_ops ops = {
	.send = fake_send,
	.request = fake_request,
};

static void advance_ms(unsigned int ms)
{
	while (ms--) {
		osmo_clock_override_add(CLOCK_MONOTONIC, 0, 1000000);
		osmo_gettimeofday_override_add(0, 1000);
		osmo_timers_prepare();
		osmo_timers_update();
	}
}

static uint64_t ctr(enum h248_tl_ctr c)
{
	return rate_ctr_group_get_ctr(g_tl->ctrs, c)->current;
}

static void rx(const char *s)
{
	h248_tl_rx(g_tl, s, strlen(s));
}

static void setup(void)
{
	tt_setup();
	g_nsent = g_nreq = g_nrep = 0;
	g_rep_rc = 1;
	g_answer_at_once = false;
	osmo_gettimeofday_override = true;
	osmo_gettimeofday_override_time = (struct timeval){ .tv_sec = 1000 };
	osmo_clock_override_enable(CLOCK_MONOTONIC, true);
	*osmo_clock_override_gettimespec(CLOCK_MONOTONIC) = (struct timespec){ .tv_sec = 1000 };
	g_tl = h248_tl_alloc(tt_ctx, 2, "<mgc>", &ops, NULL, 0);
	g_tl->enc_flags = H248_ENC_SHORT;
}

static void teardown(void)
{
	talloc_free(g_tl);
	g_tl = NULL;
	tt_teardown();
}

/* Send a Modify request; returns its id. */
static uint32_t send_modify(void)
{
	struct h248_msg *msg = h248_msg_alloc(tt_ctx, 2, "<mgc>");
	struct h248_trans *t = h248_trans_add(msg, H248_TRANS_REQUEST, 0);
	struct h248_action *a = h248_action_add(t, H248_CTX_ID, 5);
	struct h248_stream *s = h248_stream_add(h248_cmd_add(a, H248_CMD_MODIFY, "tdm/1/1"), 0);
	int64_t id;

	s->lc.present = true;
	s->lc.mode = H248_MODE_SENDRECV;
	id = h248_tl_request(g_tl, msg, reply_cb, NULL);
	ck_assert_int_gt(id, 0);
	talloc_free(msg);
	return id;
}

START_TEST(test_retransmit_then_reply)
{
	uint32_t id = send_modify();
	char expect[128], reply[128];

	snprintf(expect, sizeof(expect), "!/2 <mgc>\nT=%u{C=5{MF=tdm/1/1{M{O{MO=SR}}}}}", id);
	ck_assert_uint_eq(g_nsent, 1);
	ck_assert_str_eq(g_sent[0], expect);
	advance_ms(499);
	ck_assert_uint_eq(g_nsent, 1);
	advance_ms(1);			/* X1 = 500 ms */
	ck_assert_uint_eq(g_nsent, 2);
	ck_assert_str_eq(g_sent[1], expect);
	advance_ms(999);
	ck_assert_uint_eq(g_nsent, 2);
	advance_ms(1);			/* then 1000 ms */
	ck_assert_uint_eq(g_nsent, 3);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RETRANS), 2);

	snprintf(reply, sizeof(reply), "!/2 <mg>\nP=%u{C=5{MF=tdm/1/1}}", id);
	rx(reply);
	ck_assert_uint_eq(g_nrep, 1);
	ck_assert_uint_eq(g_rep_id, id);
	ck_assert_int_eq(g_rep_rc, 0);
	ck_assert(g_rep_had_trans);
	ck_assert_uint_eq(h248_tl_outstanding(g_tl), 0);
	advance_ms(30000);
	ck_assert_uint_eq(g_nsent, 3);	/* no more retransmissions */

	/* the same reply again: counted, not delivered */
	rx(reply);
	ck_assert_uint_eq(g_nrep, 1);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_DUP_REPLY), 1);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_REPLY), 1);
}
END_TEST

START_TEST(test_give_up)
{
	uint32_t id = send_modify();

	/* 500, 1000, 2000, 4000, 4000, 4000, 4000, then 1000 left of 20 s */
	advance_ms(19999);
	ck_assert_uint_eq(g_nrep, 0);
	ck_assert_uint_eq(g_nsent, 8);
	advance_ms(1);
	ck_assert_uint_eq(g_nrep, 1);
	ck_assert_uint_eq(g_rep_id, id);
	ck_assert_int_eq(g_rep_rc, -ETIMEDOUT);
	ck_assert(!g_rep_had_trans);
	ck_assert_uint_eq(ctr(H248_TL_CTR_TIMEOUT), 1);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RETRANS), 7);
}
END_TEST

START_TEST(test_pending_received)
{
	uint32_t id = send_modify();
	char pn[64], reply[96], ack[64];
	int i;

	snprintf(pn, sizeof(pn), "!/2 <mg>\nPN=%u{}", id);
	rx(pn);
	/* the peer works on it: repeated on the slower timer, every X2 (D.1.4),
	 * so that a final reply lost after the Pendings is fetched again */
	advance_ms(3999);
	ck_assert_uint_eq(g_nsent, 1);
	advance_ms(1);
	ck_assert_uint_eq(g_nsent, 2);
	rx(pn);			/* renewed */
	advance_ms(29999);
	/* at 4, 8, ... 28 s after the last Pending */
	ck_assert_uint_eq(g_nsent, 9);
	ck_assert_uint_eq(g_nrep, 0);
	advance_ms(1);
	ck_assert_uint_eq(g_nrep, 1);
	ck_assert_int_eq(g_rep_rc, -ETIMEDOUT);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RETRANS), 8);

	/* too many Pendings */
	id = send_modify();
	snprintf(pn, sizeof(pn), "!/2 <mg>\nPN=%u{}", id);
	for (i = 0; i < 10; i++)
		rx(pn);
	ck_assert_uint_eq(g_nrep, 1);
	rx(pn);
	ck_assert_uint_eq(g_nrep, 2);
	ck_assert_int_eq(g_rep_rc, -EBUSY);
	ck_assert_uint_eq(ctr(H248_TL_CTR_TOO_MANY_PENDING), 1);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_PENDING), 13);

	/* a final reply after Pendings is acknowledged at once, though it
	 * does not ask (D.1.4) */
	id = send_modify();
	snprintf(pn, sizeof(pn), "!/2 <mg>\nPN=%u{}", id);
	rx(pn);
	snprintf(reply, sizeof(reply), "!/2 <mg>\nP=%u{C=5{MF=tdm/1/1}}", id);
	snprintf(ack, sizeof(ack), "!/2 <mgc>\nK{%u}", id);
	rx(reply);
	ck_assert_uint_eq(g_nrep, 3);
	ck_assert_int_eq(g_rep_rc, 0);
	ck_assert_str_eq(g_sent[g_nsent - 1], ack);
	ck_assert_uint_eq(ctr(H248_TL_CTR_TX_ACK), 1);
}
END_TEST

START_TEST(test_request_duplicates)
{
	static const char req[] = "!/2 <mgc>\nT=77{C=5{MF=tdm/1/1{M{O{MO=SR}}}}}";
	static const char reply[] = "!/2 <mgc>\nP=77{IA,C=5{MF=tdm/1/1}}";

	rx(req);
	ck_assert_uint_eq(g_nreq, 1);
	ck_assert_uint_eq(g_req_id, 77);
	ck_assert_uint_eq(g_nsent, 0);
	/* a duplicate while we work on it: Pending, not a second request */
	rx(req);
	ck_assert_uint_eq(g_nreq, 1);
	ck_assert_uint_eq(g_nsent, 1);
	ck_assert_str_eq(g_sent[0], "!/2 <mgc>\nPN=77{}");
	/* not ready after X4: Pending on our own, again every X4 */
	advance_ms(500);
	ck_assert_uint_eq(g_nsent, 2);
	ck_assert_str_eq(g_sent[1], "!/2 <mgc>\nPN=77{}");
	advance_ms(500);
	ck_assert_uint_eq(g_nsent, 3);

	/* after our Pendings the reply asks for an Ack (D.1.4: SHALL) */
	answer(77, false);
	ck_assert_uint_eq(g_nsent, 4);
	ck_assert_str_eq(g_sent[3], reply);
	ck_assert_int_eq(h248_tl_reply(g_tl, h248_msg_alloc(g_tl, 2, "x")), -EINVAL);
	/* a duplicate after the reply: the same reply, the owner not asked */
	advance_ms(29999);
	rx(req);
	ck_assert_uint_eq(g_nreq, 1);
	ck_assert_uint_eq(g_nsent, 5);
	ck_assert_str_eq(g_sent[4], reply);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_DUP_REQUEST), 2);
	/* after LONG-TIMER the id is forgotten: a new request */
	advance_ms(1);
	rx(req);
	ck_assert_uint_eq(g_nreq, 2);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_REQUEST), 2);
	ck_assert_uint_eq(ctr(H248_TL_CTR_TX_PENDING), 3);
}
END_TEST

START_TEST(test_acks)
{
	static const char req[] = "!/2 <mgc>\nT=80{C=5{MF=tdm/1/1}}";

	/* a reply of the peer's with ImmAckRequired is acknowledged, even twice */
	uint32_t id = send_modify();
	char reply[96], ack[64];

	snprintf(reply, sizeof(reply), "!/2 <mg>\nP=%u{IA,C=5{MF=tdm/1/1}}", id);
	snprintf(ack, sizeof(ack), "!/2 <mgc>\nK{%u}", id);
	rx(reply);
	ck_assert_uint_eq(g_nrep, 1);
	ck_assert_str_eq(g_sent[g_nsent - 1], ack);
	rx(reply);
	ck_assert_str_eq(g_sent[g_nsent - 1], ack);
	ck_assert_uint_eq(ctr(H248_TL_CTR_TX_ACK), 2);

	/* our reply is forgotten once the peer acknowledges it */
	g_answer_at_once = true;
	rx(req);
	ck_assert_uint_eq(g_tl->n_in, 1);
	rx("!/2 <mgc>\nK{79-81}");
	ck_assert_uint_eq(g_tl->n_in, 0);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_ACK), 1);
	rx(req);
	ck_assert_uint_eq(g_nreq, 2);
}
END_TEST

START_TEST(test_malformed)
{
	/* a request whose id was read: Reply with the error, for that id */
	rx("!/2 <mgc>\nT=90{C=5{Frobnicate=a}}");
	ck_assert_str_eq(g_sent[0], "!/2 <mgc>\nP=90{ER=443{\"Unsupported or Unknown Command\"}}");
	/* no id: a message-level Error */
	rx("MEGACO/7 <mgc>\nT=91{C=5{MF=a}}");
	ck_assert_str_eq(g_sent[1], "!/2 <mgc>\nER=406{\"Version Not Supported\"}");
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_MALFORMED), 2);
	ck_assert_uint_eq(ctr(H248_TL_CTR_TX_ERROR), 2);
	/* an Error from the peer is counted and never answered */
	rx("!/2 <mg>\nER=400{\"Syntax error in message\"}");
	ck_assert_uint_eq(g_nsent, 2);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_MSG_ERROR), 1);
	ck_assert_uint_eq(g_nreq, 0);
	/* replies with an Error descriptor are delivered and counted */
	uint32_t id = send_modify();
	char reply[96];

	snprintf(reply, sizeof(reply), "!/2 <mg>\nP=%u{C=5{MF=tdm/1/1{ER=430{}}}}", id);
	rx(reply);
	ck_assert_uint_eq(g_nrep, 1);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_ERROR_REPLY), 1);
}
END_TEST

/* A reply that does not parse: the request it answers fails at once
 * (-EPROTO, no retransmission left to wait for), and a reply is never
 * answered, not even with an Error. */
START_TEST(test_malformed_reply)
{
	uint32_t id = send_modify();
	char reply[96];

	ck_assert_uint_eq(g_nsent, 1);
	snprintf(reply, sizeof(reply), "!/2 <mg>\nP=%u{C=5{Frobnicate=tdm/1/1}}", id);
	rx(reply);
	ck_assert_uint_eq(g_nrep, 1);
	ck_assert_uint_eq(g_rep_id, id);
	ck_assert_int_eq(g_rep_rc, -EPROTO);
	ck_assert(!g_rep_had_trans);
	ck_assert_uint_eq(h248_tl_outstanding(g_tl), 0);
	ck_assert_uint_eq(ctr(H248_TL_CTR_RX_MALFORMED), 1);
	ck_assert_uint_eq(ctr(H248_TL_CTR_TX_ERROR), 0);
	advance_ms(30000);
	ck_assert_uint_eq(g_nsent, 1);
	/* one that breaks the lexer, for a request no longer outstanding */
	snprintf(reply, sizeof(reply), "!/2 <mg>\nP=%u{C=5{MF=tdm/1/1{", id);
	rx(reply);
	ck_assert_uint_eq(g_nsent, 1);
	ck_assert_uint_eq(g_nrep, 1);
}
END_TEST

START_TEST(test_bounds)
{
	struct h248_msg *two = h248_msg_alloc(tt_ctx, 2, "<mgc>");
	char req[64];
	unsigned int i;

	/* one request per datagram */
	h248_action_add(h248_trans_add(two, H248_TRANS_REQUEST, 0), H248_CTX_NULL, 0);
	h248_action_add(h248_trans_add(two, H248_TRANS_REQUEST, 0), H248_CTX_NULL, 0);
	ck_assert_int_eq(h248_tl_request(g_tl, two, reply_cb, NULL), -EINVAL);
	talloc_free(two);

	for (i = 0; i < H248_TL_OUT_MAX; i++) {
		send_modify();
		g_nsent = 0;
	}
	g_nsent = 0;
	{
		struct h248_msg *msg = h248_msg_alloc(tt_ctx, 2, "<mgc>");
		struct h248_action *a = h248_action_add(h248_trans_add(msg, H248_TRANS_REQUEST, 0), H248_CTX_NULL, 0);

		h248_cmd_add(a, H248_CMD_SUBTRACT, "a");
		ck_assert_int_eq(h248_tl_request(g_tl, msg, reply_cb, NULL), -ENOSPC);
		talloc_free(msg);
	}
	ck_assert_uint_eq(ctr(H248_TL_CTR_TABLE_FULL), 1);

	for (i = 1; i <= H248_TL_IN_MAX; i++) {
		snprintf(req, sizeof(req), "!/2 <mg>\nT=%u{C=5{MF=a}}", i);
		rx(req);
		g_nsent = 0;
	}
	ck_assert_uint_eq(g_nreq, H248_TL_IN_MAX);
	rx("!/2 <mg>\nT=5000{C=5{MF=a}}");
	ck_assert_uint_eq(g_nreq, H248_TL_IN_MAX);
	ck_assert_str_eq(g_sent[g_nsent - 1], "!/2 <mgc>\nP=5000{ER=510{\"Insufficient resources\"}}");
	ck_assert_uint_eq(ctr(H248_TL_CTR_TABLE_FULL), 2);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("h248_tl");
	TCase *tc = tcase_create("h248_tl");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	tcase_add_test(tc, test_retransmit_then_reply);
	tcase_add_test(tc, test_give_up);
	tcase_add_test(tc, test_pending_received);
	tcase_add_test(tc, test_request_duplicates);
	tcase_add_test(tc, test_acks);
	tcase_add_test(tc, test_malformed);
	tcase_add_test(tc, test_malformed_reply);
	tcase_add_test(tc, test_bounds);
	return tt_run(s);
}
