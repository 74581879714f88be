/* Unit tests for the MGCP codec (RFC 3435): every verb and parameter, every
 * error with the return code it earns, SDP, and round trips.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "mgcp/mgcp_codec.h"
#include "mgcp/mgcp_msg.h"
#include "tests/unit/testlib.h"

static struct mgcp_msg msg, msg2;
static struct mgcp_err_detail err;
static char out[MGCP_MSG_MAX + 1], out2[MGCP_MSG_MAX + 1];

static int parse(const char *s)
{
	return mgcp_msg_parse(&msg, s, strlen(s), NULL, &err);
}

/* encode(parse(s)) parses again to a message that encodes identically */
static void assert_roundtrip(const char *s)
{
	int n1, n2;

	ck_assert_int_eq(mgcp_msg_parse(&msg, s, strlen(s), NULL, &err), 0);
	n1 = mgcp_msg_encode(&msg, out, sizeof(out));
	ck_assert_int_gt(n1, 0);
	ck_assert_int_eq(mgcp_msg_parse(&msg2, out, n1, NULL, &err), 0);
	n2 = mgcp_msg_encode(&msg2, out2, sizeof(out2));
	ck_assert_int_eq(n1, n2);
	ck_assert_str_eq(out, out2);
}

static const char crcx[] = "CRCX 1234 rtpbridge/1@mgw MGCP 1.0\r\n"
			   "C: 1A2b\r\n"
			   "L: p:20, a:PCMA;G729, e:off, s:on, b:64, x-foo:bar\r\n"
			   "M: sendrecv\r\n"
			   "X: 0123456789abcdef\r\n"
			   "N: ca@[127.0.0.1]:2727\r\n"
			   "R: D/[0-9#*T](N)\r\n"
			   "S:\r\n"
			   "X-Osmo-CP: foo\r\n"
			   "\r\n"
			   "v=0\r\n"
			   "o=- 42 7 IN IP4 127.0.0.1\r\n"
			   "s=-\r\n"
			   "c=IN IP4 127.0.0.2\r\n"
			   "t=0 0\r\n"
			   "m=audio 4000 RTP/AVP 18 8 101\r\n"
			   "a=rtpmap:18 G729/8000\r\n"
			   "a=fmtp:18 annexb=no\r\n"
			   "a=rtpmap:101 telephone-event/8000\r\n"
			   "a=ptime:20\r\n"
			   "a=sendrecv\r\n";

START_TEST(test_crcx_full)
{
	ck_assert_int_eq(parse(crcx), 0);
	ck_assert(!msg.is_response);
	ck_assert_int_eq(msg.verb, MGCP_VERB_CRCX);
	ck_assert_uint_eq(msg.trans_id, 1234);
	ck_assert_str_eq(msg.endpoint, "rtpbridge/1@mgw");
	ck_assert_str_eq(msg.call_id, "1A2b");
	ck_assert(msg.present & MGCP_P_LCO);
	ck_assert(msg.lco.has_ptime);
	ck_assert_uint_eq(msg.lco.ptime_min, 20);
	ck_assert_uint_eq(msg.lco.ptime_max, 20);
	ck_assert_uint_eq(msg.lco.n_codecs, 2);
	ck_assert_str_eq(msg.lco.codecs[0], "PCMA");
	ck_assert_str_eq(msg.lco.codecs[1], "G729");
	ck_assert_int_eq(msg.lco.echo, 0);
	ck_assert_int_eq(msg.lco.silence, 1);
	ck_assert_str_eq(msg.lco.other, "b:64, x-foo:bar");
	ck_assert_int_eq(msg.mode, MGCP_MODE_SENDRECV);
	ck_assert_str_eq(msg.request_id, "0123456789abcdef");
	ck_assert_str_eq(msg.notified_entity, "ca@[127.0.0.1]:2727");
	ck_assert_str_eq(mgcp_msg_get_other(&msg, "r"), "D/[0-9#*T](N)");
	ck_assert_str_eq(mgcp_msg_get_other(&msg, "S"), "");
	ck_assert_str_eq(mgcp_msg_get_other(&msg, "x-osmo-cp"), "foo");
	ck_assert_ptr_null(mgcp_msg_get_other(&msg, "Q"));
	ck_assert(msg.present & MGCP_P_SDP);
	ck_assert_str_eq(msg.sdp.addr, "127.0.0.2");
	ck_assert_uint_eq(msg.sdp.port, 4000);
	ck_assert_uint_eq(msg.sdp.n_pt, 3);
	ck_assert_uint_eq(msg.sdp.pts[0].pt, 18);
	ck_assert_str_eq(msg.sdp.pts[0].fmtp, "annexb=no");
	ck_assert_str_eq(mgcp_sdp_pt_name(&msg.sdp.pts[1]), "PCMA");
	ck_assert_str_eq(msg.sdp.pts[2].name, "telephone-event");
	ck_assert_uint_eq(msg.sdp.ptime, 20);
	ck_assert_int_eq(msg.sdp.dir, MGCP_SDP_DIR_SENDRECV);
	ck_assert_uint_eq(msg.sdp.sess_id, 42);
	assert_roundtrip(crcx);
}
END_TEST

/* Every verb parses, with LF-only line ends and lower case verbs too. */
START_TEST(test_every_verb)
{
	static const char *const verbs[] = { "EPCF", "CRCX", "MDCX", "DLCX", "RQNT", "NTFY", "AUEP", "AUCX", "RSIP" };
	char buf[256];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(verbs); i++) {
		snprintf(buf, sizeof(buf), "%s %u ds/e1-1/%u@gw.example MGCP 1.0\nC: 1\n", verbs[i], i + 1, i + 1);
		ck_assert_int_eq(parse(buf), 0);
		ck_assert_str_eq(get_value_string(mgcp_verb_names, msg.verb), verbs[i]);
		ck_assert_uint_eq(msg.trans_id, i + 1);
		assert_roundtrip(buf);
		ck_assert(strstr(out, "\r\nC: 1\r\n"));
	}
	ck_assert_int_eq(parse("crcx 9 a@b MGCP 1.0\r\n"), 0);
	ck_assert_int_eq(msg.verb, MGCP_VERB_CRCX);
	/* a profile after the version is accepted */
	ck_assert_int_eq(parse("AUEP 9 a@b MGCP 1.0 NCS 1.0\r\n"), 0);
}
END_TEST

START_TEST(test_other_params)
{
	static const char s[] = "NTFY 77 aaln/1@gw MGCP 1.0\r\n"
				"N: ca@ca.example:5678\r\n"
				"X: 0123456789AC\r\n"
				"O: L/hd,D/9,D/1\r\n";
	static const char rsip[] = "RSIP 5 *@mgw MGCP 1.0\r\nRM: restart\r\nRD: 0\r\n";
	static const char mdcx[] = "MDCX 6 rtpbridge/2@mgw MGCP 1.0\r\nC: abc\r\nI: DEF0\r\nM: recvonly\r\n"
				   "E: 900 Endpoint malfunction\r\nZ: rtpbridge/2@mgw\r\nD: (xx|1xxx)\r\n"
				   "Q: process\r\nT: L/hu\r\nF: R,S,RC\r\nK: 6234-6255, 6257\r\nB: e:mu\r\n"
				   "P: PS=1, OS=62, PR=0, OR=0, PL=0, JI=0, LA=0\r\nES: L/hu\r\nPL: D\r\n"
				   "MD: 4000\r\nA: a:PCMU\r\nI2: 1\r\nZ2: a@b\r\n";
	static const char *const modes[] = { "sendonly", "recvonly", "sendrecv", "confrnce", "inactive",
					     "loopback", "conttest", "netwloop", "netwtest", "data" };
	static const char *const rms[] = { "graceful", "forced", "restart", "disconnected", "cancel-graceful" };
	char buf[256];
	unsigned int i;

	assert_roundtrip(s);
	ck_assert_str_eq(mgcp_msg_get_other(&msg, "O"), "L/hd,D/9,D/1");
	assert_roundtrip(rsip);
	ck_assert_int_eq(msg.restart_method, MGCP_RM_RESTART);
	ck_assert(msg.present & MGCP_P_RESTART_DELAY);
	assert_roundtrip(mdcx);
	ck_assert_str_eq(msg.reason, "900 Endpoint malfunction");
	ck_assert_str_eq(msg.specific_ep, "rtpbridge/2@mgw");
	ck_assert_str_eq(msg.conn_id, "DEF0");
	ck_assert_int_eq(msg.mode, MGCP_MODE_RECVONLY);
	ck_assert_uint_eq(msg.n_other, 13);
	ck_assert_str_eq(mgcp_msg_get_other(&msg, "P"), "PS=1, OS=62, PR=0, OR=0, PL=0, JI=0, LA=0");
	for (i = 0; i < ARRAY_SIZE(modes); i++) {
		snprintf(buf, sizeof(buf), "MDCX 1 a@b MGCP 1.0\r\nM: %s\r\n", modes[i]);
		ck_assert_int_eq(parse(buf), 0);
		ck_assert_str_eq(get_value_string(mgcp_conn_mode_names, msg.mode), modes[i]);
		assert_roundtrip(buf);
	}
	for (i = 0; i < ARRAY_SIZE(rms); i++) {
		snprintf(buf, sizeof(buf), "RSIP 1 a@b MGCP 1.0\r\nRM: %s\r\n", rms[i]);
		ck_assert_int_eq(parse(buf), 0);
		ck_assert_str_eq(get_value_string(mgcp_restart_method_names, msg.restart_method), rms[i]);
		assert_roundtrip(buf);
	}
}
END_TEST

START_TEST(test_responses)
{
	static const char ok[] = "200 1234 OK\r\nI: 1F\r\nZ: rtpbridge/3@mgw\r\n\r\n"
				 "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
				 "m=audio 16002 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n";
	static const char auep[] = "200 9 OK\r\nZ: rtpbridge/1@mgw\r\nZ: rtpbridge/2@mgw\r\n";
	char longc[400];

	assert_roundtrip(ok);
	ck_assert(msg.is_response);
	ck_assert_uint_eq(msg.code, 200);
	ck_assert_str_eq(msg.comment, "OK");
	ck_assert_str_eq(msg.conn_id, "1F");
	ck_assert_uint_eq(msg.sdp.port, 16002);
	assert_roundtrip(auep);
	ck_assert_str_eq(msg.specific_ep, "rtpbridge/1@mgw");
	ck_assert_str_eq(mgcp_msg_get_other(&msg, "Z"), "rtpbridge/2@mgw");
	/* no comment, and the 000 response acknowledgement */
	assert_roundtrip("250 17\r\n");
	ck_assert_str_eq(msg.comment, "");
	assert_roundtrip("000 17\r\n");
	ck_assert_uint_eq(msg.code, 0);
	/* a long comment is cut, not refused */
	memset(longc, 'x', sizeof(longc));
	memcpy(longc, "510 5 ", 6);
	longc[sizeof(longc) - 1] = '\0';
	ck_assert_int_eq(parse(longc), 0);
	ck_assert_uint_eq(strlen(msg.comment), MGCP_COMMENT_MAX);
}
END_TEST

START_TEST(test_builders)
{
	int n;

	ck_assert_int_eq(mgcp_msg_init_resp(&msg, 534, 99, NULL), 0);
	n = mgcp_msg_encode(&msg, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(out, "534 99 Codec negotiation failure\r\n");
	ck_assert_int_eq(mgcp_msg_init_resp(&msg, 200, 1, "OK"), 0);
	strcpy(msg.conn_id, "A");
	msg.present |= MGCP_P_CONN_ID | MGCP_P_SDP;
	strcpy(msg.sdp.addr, "127.0.0.1");
	msg.sdp.port = 4002;
	msg.sdp.ptime = 20;
	ck_assert_int_eq(mgcp_sdp_add_pt(&msg.sdp, 18, "G729", 8000, "annexb=no"), 0);
	n = mgcp_msg_encode(&msg, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	ck_assert_str_eq(out, "200 1 OK\r\nI: A\r\n\r\nv=0\r\no=- 0 0 IN IP4 127.0.0.1\r\ns=-\r\n"
			      "c=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4002 RTP/AVP 18\r\n"
			      "a=rtpmap:18 G729/8000\r\na=fmtp:18 annexb=no\r\na=ptime:20\r\n");
	/* too small a buffer: every size up to the full length fails cleanly */
	for (int i = 0; i < n + 1; i++)
		ck_assert_int_eq(mgcp_msg_encode(&msg, out2, i), -MGCP_ERR_SPACE);
	ck_assert_int_eq(mgcp_msg_encode(&msg, out2, n + 1), n);

	ck_assert_int_eq(mgcp_msg_init_cmd(&msg, MGCP_VERB_RSIP, 5, "*@mgw"), 0);
	msg.present |= MGCP_P_RESTART_METHOD;
	msg.restart_method = MGCP_RM_GRACEFUL;
	ck_assert_int_eq(mgcp_msg_add_other(&msg, "X-Tandem", "1"), 0);
	n = mgcp_msg_encode(&msg, out, sizeof(out));
	ck_assert_str_eq(out, "RSIP 5 *@mgw MGCP 1.0\r\nRM: graceful\r\nX-Tandem: 1\r\n");

	/* builder arguments are checked */
	ck_assert_int_eq(mgcp_msg_init_cmd(&msg, MGCP_VERB_NONE, 5, "a@b"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_init_cmd(&msg, MGCP_VERB_CRCX, 0, "a@b"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_init_cmd(&msg, MGCP_VERB_CRCX, 1000000000, "a@b"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_init_cmd(&msg, MGCP_VERB_CRCX, 1, "nodomain"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_init_cmd(&msg, MGCP_VERB_CRCX, 1, "a b@c"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_init_resp(&msg, 1000, 1, NULL), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_init_resp(&msg, 200, 1, "bad\r\ncomment"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_init_cmd(&msg, MGCP_VERB_CRCX, 1, "a@b"), 0);
	msg.present |= MGCP_P_CALL_ID;
	strcpy(msg.call_id, "xyz");
	ck_assert_int_eq(mgcp_msg_encode(&msg, out, sizeof(out)), -MGCP_ERR_INVAL);
	msg.present = MGCP_P_MODE;
	ck_assert_int_eq(mgcp_msg_encode(&msg, out, sizeof(out)), -MGCP_ERR_INVAL);
	msg.present = 0;
	ck_assert_int_eq(mgcp_msg_add_other(&msg, "waytoolongparamname", "1"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_add_other(&msg, "R:", "1"), -MGCP_ERR_INVAL);
	ck_assert_int_eq(mgcp_msg_add_other(&msg, "R", "a\r\nb"), -MGCP_ERR_INVAL);
	for (int i = 0; i < MGCP_OTHER_MAX; i++)
		ck_assert_int_eq(mgcp_msg_add_other(&msg, "R", ""), 0);
	ck_assert_int_eq(mgcp_msg_add_other(&msg, "R", ""), -MGCP_ERR_TOO_MANY);
}
END_TEST

/* Each malformed input: the error, the RFC 3435 code to answer with, and
 * whether the transaction id was still read (else no answer is possible). */
static const struct {
	const char *in;
	int rc;
	unsigned int code;
	bool has_tid;
	unsigned int line;
	const char *param;
} bad[] = {
	{ "", -MGCP_ERR_SYNTAX, 0, false, 0, "" },
	{ "CRCX\r\n", -MGCP_ERR_SYNTAX, 0, false, 1, "" },
	{ "CRCX abc a@b MGCP 1.0\r\n", -MGCP_ERR_TRANS_ID, 0, false, 1, "" },
	{ "CRCX 0 a@b MGCP 1.0\r\n", -MGCP_ERR_TRANS_ID, 0, false, 1, "" },
	{ "CRCX 1234567890 a@b MGCP 1.0\r\n", -MGCP_ERR_TRANS_ID, 0, false, 1, "" },
	{ "FOOO 12 a@b MGCP 1.0\r\n", -MGCP_ERR_VERB, 504, true, 1, "" },
	{ "CRCXX 12 a@b MGCP 1.0\r\n", -MGCP_ERR_VERB, 504, true, 1, "" },
	{ "CRCX 12 a@b MGCP 2.0\r\n", -MGCP_ERR_VERSION, 528, true, 1, "" },
	{ "CRCX 12 a@b SIP 1.0\r\n", -MGCP_ERR_VERSION, 528, true, 1, "" },
	{ "CRCX 12 a@b\r\n", -MGCP_ERR_SYNTAX, 510, true, 1, "" },
	{ "CRCX 12 ab MGCP 1.0\r\n", -MGCP_ERR_ENDPOINT, 500, true, 1, "" },
	{ "CRCX 12 a@b@c MGCP 1.0\r\n", -MGCP_ERR_ENDPOINT, 500, true, 1, "" },
	{ "CRCX 12 @b MGCP 1.0\r\n", -MGCP_ERR_ENDPOINT, 500, true, 1, "" },
	{ "CRCX 12 a@b MGCP 1.0 x y z\r\n", -MGCP_ERR_SYNTAX, 0, false, 1, "" },
	{ "CRCX 12 a@b MGCP 1.0\r\nC 1\r\n", -MGCP_ERR_PARAM, 510, true, 2, "" },
	{ "CRCX 12 a@b MGCP 1.0\r\n: 1\r\n", -MGCP_ERR_PARAM, 510, true, 2, "" },
	{ "CRCX 12 a@b MGCP 1.0\r\nC: xyz\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2, "C" },
	{ "CRCX 12 a@b MGCP 1.0\r\nC:\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2, "C" },
	{ "CRCX 12 a@b MGCP 1.0\r\nI: 123456789012345678901234567890123\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2,
	  "I" },
	{ "CRCX 12 a@b MGCP 1.0\r\nC: 1\r\nC: 2\r\n", -MGCP_ERR_PARAM_DUP, 510, true, 3, "C" },
	{ "CRCX 12 a@b MGCP 1.0\r\nW: 1\r\n", -MGCP_ERR_PARAM_UNKNOWN, 539, true, 2, "W" },
	{ "CRCX 12 a@b MGCP 1.0\r\nX+crit: 1\r\n", -MGCP_ERR_PARAM_EXT, 511, true, 2, "X+crit" },
	{ "CRCX 12 a@b MGCP 1.0\r\nM: sendsome\r\n", -MGCP_ERR_MODE, 517, true, 2, "M" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: p\r\n", -MGCP_ERR_LCO, 541, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: p:0\r\n", -MGCP_ERR_LCO, 541, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: p:30-20\r\n", -MGCP_ERR_LCO, 541, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: p:20,\r\n", -MGCP_ERR_LCO, 541, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: p:20, p:30\r\n", -MGCP_ERR_LCO, 541, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: a:PCMA;;G729\r\n", -MGCP_ERR_LCO, 541, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: a:1;2;3;4;5;6;7;8;9\r\n", -MGCP_ERR_LCO_VALUE, 532, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: e:maybe\r\n", -MGCP_ERR_LCO_VALUE, 532, true, 2, "L" },
	{ "CRCX 12 a@b MGCP 1.0\r\nL: zz:1\r\n", -MGCP_ERR_LCO_EXT, 525, true, 2, "L" },
	{ "RSIP 12 a@b MGCP 1.0\r\nRM: sometime\r\n", -MGCP_ERR_RESTART_METHOD, 536, true, 2, "RM" },
	{ "RSIP 12 a@b MGCP 1.0\r\nRD: soon\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2, "RD" },
	{ "RSIP 12 a@b MGCP 1.0\r\nE: bad\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2, "E" },
	{ "CRCX 12 a@b MGCP 1.0\r\nZ: nodomain\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2, "Z" },
	{ "CRCX 12 a@b MGCP 1.0\r\nN: a b\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2, "N" },
	{ "CRCX 12 a@b MGCP 1.0\r\nR: \x01\r\n", -MGCP_ERR_PARAM_VALUE, 539, true, 2, "R" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=1\r\n", -MGCP_ERR_SDP, 509, true, 1, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\n", -MGCP_ERR_SDP, 509, true, 2, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nm=audio 1 RTP/AVP 0\r\n", -MGCP_ERR_SDP, 509, true, 2, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.999\r\n", -MGCP_ERR_SDP, 509, true, 2, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 70000 RTP/AVP 0\r\n", -MGCP_ERR_SDP, 509,
	  true, 3, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/SAVP 0\r\n",
	  -MGCP_ERR_SDP_UNSUPPORTED, 505, true, 3, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0 0\r\n", -MGCP_ERR_SDP, 509,
	  true, 3, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 128\r\n", -MGCP_ERR_SDP, 509,
	  true, 3, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\n"
	  "m=audio 1 RTP/AVP 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16\r\n",
	  -MGCP_ERR_SDP_UNSUPPORTED, 505, true, 3, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\na=ptime:0\r\n", -MGCP_ERR_SDP,
	  509, true, 4, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU\r\n",
	  -MGCP_ERR_SDP, 509, true, 4, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\na=rtpmap:0 PCMU/8000/2\r\n",
	  -MGCP_ERR_SDP, 509, true, 4, "SDP" },
	{ "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nbogus\r\n", -MGCP_ERR_SDP, 509, true, 2, "SDP" },
	/* responses never get an answer */
	{ "2x0 12 OK\r\n", -MGCP_ERR_SYNTAX, 0, false, 1, "" },
	{ "200 OK\r\n", -MGCP_ERR_TRANS_ID, 0, false, 1, "" },
	{ "200 12 OK\r\nI: zz\r\n", -MGCP_ERR_PARAM_VALUE, 0, true, 2, "I" },
};

/* A NUL inside a line. */
static const char nul_line[] = "CRCX 12 a@b MGCP 1.0\r\nC: 1\0\r\n";

START_TEST(test_errors)
{
	const char *in = bad[_i].in;
	size_t len = strlen(in);

	ck_assert_int_eq(mgcp_msg_parse(&msg, in, len, NULL, &err), bad[_i].rc);
	ck_assert_int_eq(err.rc, bad[_i].rc);
	ck_assert_msg(err.mgcp_code == bad[_i].code, "case %d: code %u, expected %u", _i, err.mgcp_code,
		      bad[_i].code);
	ck_assert_msg(err.has_trans_id == bad[_i].has_tid, "case %d: has_trans_id", _i);
	if (bad[_i].has_tid)
		ck_assert_uint_eq(err.trans_id, 12);
	ck_assert_msg(err.line == bad[_i].line, "case %d: line %u, expected %u", _i, err.line, bad[_i].line);
	ck_assert_str_eq(err.param, bad[_i].param);
	ck_assert_str_ne(mgcp_strerror(err.rc), "");
}
END_TEST

START_TEST(test_nul)
{
	ck_assert_int_eq(mgcp_msg_parse(&msg, nul_line, sizeof(nul_line) - 1, NULL, &err), -MGCP_ERR_SYNTAX);
	ck_assert_uint_eq(err.mgcp_code, 510);
	ck_assert_uint_eq(err.line, 2);
}
END_TEST

/* Bounds: longest line, longest message, too many parameters. */
START_TEST(test_bounds)
{
	static char buf[MGCP_MSG_MAX * 2];
	size_t n;
	int i;

	/* a line of exactly MGCP_LINE_MAX is fine, one more is not */
	n = sprintf(buf, "CRCX 12 a@b MGCP 1.0\r\nR: ");
	memset(buf + n, 'a', MGCP_VALUE_MAX);
	strcpy(buf + n + MGCP_VALUE_MAX, "\r\n");
	ck_assert_int_eq(parse(buf), 0);
	strcpy(buf + n + MGCP_VALUE_MAX, "b\r\n");
	ck_assert_int_eq(parse(buf), -MGCP_ERR_TOO_LONG);
	ck_assert_uint_eq(err.mgcp_code, 510);
	memset(buf + n, 'a', MGCP_LINE_MAX + 10);
	strcpy(buf + n + MGCP_LINE_MAX + 10, "\r\n");
	ck_assert_int_eq(parse(buf), -MGCP_ERR_TOO_LONG);
	ck_assert(err.has_trans_id);

	n = sprintf(buf, "CRCX 12 a@b MGCP 1.0\r\n");
	for (i = 0; i < MGCP_OTHER_MAX; i++)
		n += sprintf(buf + n, "R: %d\r\n", i);
	ck_assert_int_eq(parse(buf), 0);
	sprintf(buf + n, "S: x\r\n");
	ck_assert_int_eq(parse(buf), -MGCP_ERR_TOO_MANY);
	ck_assert_uint_eq(err.mgcp_code, 510);

	/* an oversized SDP */
	n = sprintf(buf, "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\n");
	while (n < MGCP_MSG_MAX + 100)
		n += sprintf(buf + n, "a=x-padding:0123456789\r\n");
	ck_assert_int_eq(mgcp_msg_parse(&msg, buf, n, NULL, &err), -MGCP_ERR_TOO_LONG);
	ck_assert_uint_eq(err.mgcp_code, 510);
	/* too many SDP lines although short */
	n = sprintf(buf, "CRCX 12 a@b MGCP 1.0\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\n");
	for (i = 0; i < MGCP_SDP_LINES_MAX; i++)
		n += sprintf(buf + n, "b=%d\r\n", i);
	ck_assert_int_eq(mgcp_msg_parse(&msg, buf, n, NULL, &err), -MGCP_ERR_TOO_LONG);
}
END_TEST

START_TEST(test_piggyback)
{
	static const char two[] = "200 1 OK\r\nI: 1\r\n.\r\nDLCX 2 a@b MGCP 1.0\r\nC: 1\r\n";
	static const char sdp_then[] = "200 1 OK\r\n\r\nv=0\r\nc=IN IP4 1.2.3.4\r\nm=audio 1 RTP/AVP 0\r\n.\n"
				       "200 2 OK\r\n";
	size_t used;

	ck_assert_int_eq(mgcp_msg_parse(&msg, two, strlen(two), &used, &err), 0);
	ck_assert_uint_eq(msg.trans_id, 1);
	ck_assert_int_eq(mgcp_msg_parse(&msg, two + used, strlen(two) - used, &used, &err), 0);
	ck_assert_int_eq(msg.verb, MGCP_VERB_DLCX);
	ck_assert_int_eq(mgcp_msg_parse(&msg, sdp_then, strlen(sdp_then), &used, &err), 0);
	ck_assert(msg.present & MGCP_P_SDP);
	ck_assert_str_eq(sdp_then + used, "200 2 OK\r\n");
}
END_TEST

START_TEST(test_sdp_details)
{
	static const char s[] = "v=0\r\no=x 1 2 IN IP6 ::1\r\ns=x\r\nc=IN IP6 ::1\r\nt=0 0\r\n"
				"m=audio 5004/2 RTP/AVP 0 96\r\na=rtpmap:96 telephone-event/8000\r\na=fmtp:96 0-15\r\n"
				"a=rtpmap:97 unused/8000\r\nm=video 5006 RTP/AVP 31\r\nc=IN IP4 9.9.9.9\r\n"
				"a=ptime:99\r\na=rtpmap:31 H261/90000\r\n";
	static const char sess_c[] = "v=0\nc=IN IP4 10.0.0.1/127\nm=audio 0 RTP/AVP 8\na=inactive\n";
	struct mgcp_sdp sdp;

	ck_assert_int_eq(mgcp_sdp_parse(&sdp, s, strlen(s), NULL), 0);
	ck_assert(sdp.ipv6);
	ck_assert_str_eq(sdp.addr, "::1");
	ck_assert_uint_eq(sdp.port, 5004);
	ck_assert_uint_eq(sdp.n_pt, 2);
	ck_assert_str_eq(mgcp_sdp_pt_name(&sdp.pts[0]), "PCMU");
	ck_assert_str_eq(sdp.pts[1].fmtp, "0-15");
	/* the video stream's attributes are not ours */
	ck_assert_uint_eq(sdp.ptime, 0);
	ck_assert_int_eq(mgcp_sdp_parse(&sdp, sess_c, strlen(sess_c), NULL), 0);
	ck_assert_str_eq(sdp.addr, "10.0.0.1");
	ck_assert_uint_eq(sdp.port, 0);
	ck_assert_int_eq(sdp.dir, MGCP_SDP_DIR_INACTIVE);
	sdp.pts[0].pt = 96;
	ck_assert_ptr_null(mgcp_sdp_pt_name(&sdp.pts[0]));
	ck_assert_int_eq(mgcp_sdp_encode(&sdp, out, sizeof(out)), (int)strlen(out));
	ck_assert(strstr(out, "a=inactive\r\n"));
}
END_TEST

START_TEST(test_codec_table)
{
	ck_assert_int_eq(mgcp_codec_by_name("pcma"), MGCP_CODEC_PCMA);
	ck_assert_int_eq(mgcp_codec_by_name("G.729"), MGCP_CODEC_G729);
	ck_assert_int_eq(mgcp_codec_by_name("G729a"), MGCP_CODEC_G729);
	ck_assert_int_eq(mgcp_codec_by_name("AMR"), MGCP_CODEC_NONE);
	ck_assert_int_eq(mgcp_codec_by_name(NULL), MGCP_CODEC_NONE);
	ck_assert_int_eq(mgcp_codec_by_pt(0), MGCP_CODEC_PCMU);
	ck_assert_int_eq(mgcp_codec_by_pt(18), MGCP_CODEC_G729);
	ck_assert_int_eq(mgcp_codec_by_pt(96), MGCP_CODEC_NONE);
	ck_assert_int_eq(mgcp_codec_by_pt(-1), MGCP_CODEC_NONE);
	ck_assert_uint_eq(mgcp_err_to_rc(-MGCP_ERR_TOO_LONG), 510);
	ck_assert_str_eq(get_value_string(mgcp_rc_names, 500), "Endpoint unknown");
}
END_TEST

static Suite *mgcp_msg_suite(void)
{
	Suite *s = suite_create("mgcp_msg");
	TCase *tc = tt_tcase(s, "codec");

	tcase_add_test(tc, test_crcx_full);
	tcase_add_test(tc, test_every_verb);
	tcase_add_test(tc, test_other_params);
	tcase_add_test(tc, test_responses);
	tcase_add_test(tc, test_builders);
	tcase_add_loop_test(tc, test_errors, 0, ARRAY_SIZE(bad));
	tcase_add_test(tc, test_nul);
	tcase_add_test(tc, test_bounds);
	tcase_add_test(tc, test_piggyback);
	tcase_add_test(tc, test_sdp_details);
	tcase_add_test(tc, test_codec_table);
	return s;
}

int main(void)
{
	return tt_run(mgcp_msg_suite());
}
