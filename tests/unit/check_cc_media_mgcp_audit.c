/* Unit tests of the audit of the calls after an MGCP gateway says it was
 * disconnected (src/cc_media_mgcp_audit.c), the gateway played by the
 * test over real UDP: RSIP "RM: disconnected" -> AUCX of each call's
 * connection on the endpoints it names; a connection the gateway no
 * longer has fails its call with cause 41 and nothing is deleted; never
 * more than CC_MEDIA_AUDIT_WINDOW AUCX at once.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <osmocom/core/rate_ctr.h>

#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"
#include "tests/unit/script_mgw.h"
#include "tests/unit/testlib.h"

#define GW_SDP "v=0\r\no=- 1 1 IN IP4 127.0.0.9\r\ns=-\r\nc=IN IP4 127.0.0.9\r\nt=0 0\r\nm=audio 16010 RTP/AVP 8\r\n"

struct calls {
	unsigned int ready, failed;
	uint8_t cause;
};

static void on_ready(struct cc_media *m, void *priv, const char *sdp)
{
	((struct calls *)priv)->ready++;
}

static void on_failed(struct cc_media *m, void *priv, uint8_t cause)
{
	struct calls *c = priv;

	c->failed++;
	c->cause = cause;
}

static const struct cc_media_ops ops = { .ready = on_ready, .failed = on_failed };

static const int codecs[] = { SIP_CODEC_PCMA };

static struct cc_media_gw *gw_start(struct script_gw *g)
{
	struct cc_media_gw *gw = cc_media_gw_get("gw");

	gw_open(g);
	gw->ca->cfg.local_port = 0;
	gw->ca->cfg.remote_port = g->port;
	osmo_tdef_set(gw->ca->tdefs, MGCP_CA_T_KEEPALIVE, 0, OSMO_TDEF_S);
	ck_assert_int_eq(mgcp_ca_start(gw->ca), 0);
	g->ca_addr.sin_family = AF_INET;
	g->ca_addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	g->ca_addr.sin_port = htons(mgcp_ca_local_port(gw->ca));
	return gw;
}

/* Answer the command in @text with @code and @params (CRLF lines). */
static void reply(struct script_gw *g, const char *text, unsigned int code, const char *params)
{
	char buf[1024];

	snprintf(buf, sizeof(buf), "%03u %u X\r\n%s", code, trans_id_of(text), params);
	gw_send(g, buf);
}

static bool ready_or_failed(void *arg)
{
	struct calls *c = arg;

	return c->ready || c->failed;
}

/* A call READY on @pattern with connection @conn. */
static struct cc_media *call_up(struct script_gw *g, struct calls *c, const char *pattern, uint16_t cic,
				unsigned int conn)
{
	int err = 1;
	struct cc_media *m = cc_media_alloc(tt_ctx, "gw", pattern, cic, &ops, c, &err);
	struct rx_wait w;
	char params[256];

	ck_assert_ptr_nonnull(m);
	ck_assert_int_eq(cc_media_make_offer(m, codecs, 1), 0);
	gw_recv(g, &w);
	ck_assert_msg(strstr(w.buf, "CRCX ") == w.buf, "%s", w.buf);
	snprintf(params, sizeof(params), "I: %X\r\n\r\n" GW_SDP, conn);
	reply(g, w.buf, 200, params);
	ck_assert(spin(ready_or_failed, c));
	ck_assert_int_eq(cc_media_state(m), CC_MEDIA_READY);
	return m;
}

/* The gateway says it was disconnected; the call agent's 200 is read. */
static void rsip_disconnected(struct script_gw *g, const char *endpoint)
{
	struct rx_wait w;
	char buf[128];

	snprintf(buf, sizeof(buf), "RSIP 77 %s MGCP 1.0\r\nRM: disconnected\r\n", endpoint);
	gw_send(g, buf);
	gw_recv(g, &w);
	ck_assert_msg(!strncmp(w.buf, "200 77", 6), "%s", w.buf);
}

/* Whether a datagram other than the AUEP keepalive (answered here; the
 * call agent sends one after every RSIP) is there, in w->buf. */
static bool has_cmd(void *arg)
{
	struct rx_wait *w = arg;

	while (gw_has_datagram(w)) {
		if (strncmp(w->buf, "AUEP ", 5))
			return true;
		reply(w->g, w->buf, 200, "");
	}
	return false;
}

/* The next datagram but the keepalive. */
static void next_cmd(struct script_gw *g, struct rx_wait *w)
{
	w->g = g;
	ck_assert_msg(spin(has_cmd, w), "the call agent sent nothing");
}

/* The next datagram is an AUCX on @endpoint of connection @conn. */
static void recv_aucx(struct script_gw *g, struct rx_wait *w, const char *endpoint, const char *conn)
{
	char line[64];

	next_cmd(g, w);
	snprintf(line, sizeof(line), " %s MGCP 1.0\r\n", endpoint);
	ck_assert_msg(strstr(w->buf, "AUCX ") == w->buf && strstr(w->buf, line), "%s", w->buf);
	snprintf(line, sizeof(line), "\r\nI: %s\r\n", conn);
	ck_assert_msg(strstr(w->buf, line), "%s", w->buf);
}

static bool audit_done(void *arg)
{
	struct cc_media_gw *gw = arg;

	return gw->audits_out == 0;
}

START_TEST(test_audit_after_disconnected)
{
	struct script_gw g;
	struct calls c1 = { 0 }, c2 = { 0 }, c3 = { 0 };
	struct cc_media_gw *gw = gw_start(&g);
	struct cc_media *m1 = call_up(&g, &c1, "ds/e1-1/{cic}@mgw", 3, 0x2A);
	struct cc_media *m2 = call_up(&g, &c2, "ds/e1-1/{cic}@mgw", 4, 0x2B);
	struct cc_media *m3 = call_up(&g, &c3, "ds/e1-2/{cic}@mgw", 3, 0x2C);
	struct rx_wait w1, w2, w = { .g = &g };

	/* only the calls on the endpoints it names */
	rsip_disconnected(&g, "ds/e1-1/*@mgw");
	recv_aucx(&g, &w1, "ds/e1-1/3@mgw", "2A");
	recv_aucx(&g, &w2, "ds/e1-1/4@mgw", "2B");
	ck_assert(!has_cmd(&w));
	reply(&g, w1.buf, 515, "");
	reply(&g, w2.buf, 200, "C: 1\r\n");
	ck_assert(spin(audit_done, gw));
	ck_assert_uint_eq(c1.failed, 1);
	ck_assert_uint_eq(c1.cause, 41);
	ck_assert_int_eq(cc_media_state(m2), CC_MEDIA_READY);
	ck_assert_int_eq(cc_media_state(m3), CC_MEDIA_READY);
	ck_assert_uint_eq(c2.failed + c3.failed, 0);
	/* the gateway has nothing of the failed call: nothing is deleted */
	cc_media_release(m1);
	talloc_free(m1);
	ck_assert(!has_cmd(&w));
	/* the call that stays is deleted as usual when it ends */
	cc_media_release(m2);
	next_cmd(&g, &w);
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf && strstr(w.buf, "I: 2B\r\n"), "%s", w.buf);
	talloc_free(m2);
	talloc_free(m3);
	close(g.fd);
}
END_TEST

/* A call that ends while its AUCX is under way: the answer finds nothing. */
START_TEST(test_call_ends_during_audit)
{
	struct script_gw g;
	struct calls c = { 0 };
	struct cc_media_gw *gw = gw_start(&g);
	struct cc_media *m = call_up(&g, &c, "ds/e1-1/{cic}@mgw", 3, 7);
	struct rx_wait w1, w;

	rsip_disconnected(&g, "*@mgw");
	recv_aucx(&g, &w1, "ds/e1-1/3@mgw", "7");
	cc_media_release(m);
	talloc_free(m);
	next_cmd(&g, &w);	/* its DLCX */
	ck_assert_msg(strstr(w.buf, "DLCX ") == w.buf, "%s", w.buf);
	reply(&g, w.buf, 250, "");
	reply(&g, w1.buf, 515, "");
	ck_assert(spin(audit_done, gw));
	ck_assert_uint_eq(c.failed, 0);
	close(g.fd);
}
END_TEST

/* More calls than the window: never more than CC_MEDIA_AUDIT_WINDOW
 * AUCX outstanding; each answer lets the next one go. */
START_TEST(test_audit_window)
{
	enum { N = CC_MEDIA_AUDIT_WINDOW + 6 };
	struct script_gw g;
	struct calls c[N];
	struct cc_media *m[N];
	struct cc_media_gw *gw = gw_start(&g);
	struct rx_wait w = { .g = &g };
	char pending[N][256];
	unsigned int i, n_pending = 0, seen = 0;

	memset(c, 0, sizeof(c));
	for (i = 0; i < N; i++)
		m[i] = call_up(&g, &c[i], "ds/e1-1/{cic}@mgw", 1 + i, 0x100 + i);
	rsip_disconnected(&g, "*@mgw");
	while (has_cmd(&w)) {
		ck_assert_msg(strstr(w.buf, "AUCX ") == w.buf, "%s", w.buf);
		osmo_strlcpy(pending[n_pending++], w.buf, sizeof(pending[0]));
	}
	ck_assert_uint_eq(n_pending, CC_MEDIA_AUDIT_WINDOW);
	ck_assert_uint_le(mgcp_ca_outstanding(gw->ca), CC_MEDIA_AUDIT_WINDOW + 1);	/* + the keepalive */
	while (n_pending) {
		reply(&g, pending[--n_pending], 200, "");
		seen++;
		if (seen + n_pending < N) {
			next_cmd(&g, &w);
			osmo_strlcpy(pending[n_pending++], w.buf, sizeof(pending[0]));
		}
		ck_assert_uint_le(mgcp_ca_outstanding(gw->ca), CC_MEDIA_AUDIT_WINDOW + 1);
		ck_assert_uint_le(gw->audits_out, CC_MEDIA_AUDIT_WINDOW);
	}
	ck_assert(spin(audit_done, gw));
	ck_assert_uint_eq(seen, N);
	for (i = 0; i < N; i++) {
		ck_assert_int_eq(cc_media_state(m[i]), CC_MEDIA_READY);
		talloc_free(m[i]);
	}
	close(g.fd);
}
END_TEST

int main(void)
{
	void *root = talloc_named_const(NULL, 0, "check_cc_media_mgcp_audit");
	Suite *s = suite_create("cc_media_mgcp_audit");
	TCase *tc = tt_tcase(s, "audit");

	tandem_log_init(root);
	rate_ctr_init(root);
	cc_media_core_init(root);
	tcase_add_test(tc, test_audit_after_disconnected);
	tcase_add_test(tc, test_call_ends_during_audit);
	tcase_add_test(tc, test_audit_window);
	return tt_run(s);
}
