/* Unit tests for the H.248.1 text codec (Annex B): the call-flow messages
 * of RFC 3525 Appendix A, long and short tokens, comments, the builder's
 * exact output, round trips in every form, every class of malformed input
 * with the error code it earns, and the bounds.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include "mgcp/h248_msg.h"
#include "tests/unit/testlib.h"

static char out[H248_MSG_MAX * 2], out2[H248_MSG_MAX * 2];
static struct h248_err_detail err;

static struct h248_msg *parse_ok(const char *s)
{
	struct h248_msg *msg = NULL;
	int rc = h248_msg_parse(tt_ctx, s, strlen(s), &msg, &err);

	ck_assert_msg(rc == 0, "parse failed: %s (line %u, token '%s')", h248_strerror(rc), err.line, err.token);
	ck_assert_ptr_nonnull(msg);
	return msg;
}

/* Every form (compact/pretty, long/short) parses back to a message whose
 * compact long form is the same text. */
static void assert_roundtrip(const char *s)
{
	struct h248_msg *msg = parse_ok(s), *again;
	unsigned int flags;
	int n, nf;

	n = h248_msg_encode(msg, 0, out, sizeof(out));
	ck_assert_int_gt(n, 0);
	for (flags = 0; flags < 4; flags++) {
		char form[H248_MSG_MAX * 2];

		nf = h248_msg_encode(msg, flags, form, sizeof(form));
		ck_assert_int_gt(nf, 0);
		again = parse_ok(form);
		ck_assert_int_eq(h248_msg_encode(again, 0, out2, sizeof(out2)), n);
		ck_assert_str_eq(out, out2);
		talloc_free(again);
	}
	talloc_free(msg);
}

static struct h248_cmd *first_cmd(struct h248_msg *msg)
{
	struct h248_trans *t = h248_msg_first_trans(msg);
	struct h248_action *a = llist_first_entry(&t->actions, struct h248_action, list);

	return llist_first_entry(&a->cmds, struct h248_cmd, list);
}

static struct h248_stream *first_stream(struct h248_cmd *c)
{
	return llist_first_entry(&c->media.streams, struct h248_stream, list);
}

static const char *item_name(struct llist_head *items, unsigned int idx)
{
	struct h248_item *it;

	llist_for_each_entry(it, items, list) {
		if (idx-- == 0)
			return it->name;
	}
	return NULL;
}

/* RFC 3525 A.1.1 step 1: the residential gateway registers. */
static const char rfc_sc[] = "MEGACO/1 [124.124.124.222]:55555\n"
			     "Transaction = 9998 {\n"
			     "   Context = - {\n"
			     "      ServiceChange = ROOT {Services {\n"
			     "         Method=Restart,\n"
			     "         ServiceChangeAddress=55555, Profile=ResGW/1}\n"
			     "      }\n"
			     "   }\n"
			     "}\n";

/* RFC 3525 A.1.1: the MGC's reply. */
static const char rfc_sc_reply[] = "MEGACO/1 [123.123.123.4]:55555\n"
				   "Reply = 9998 {\n"
				   "   Context = - {ServiceChange = ROOT {\n"
				   "      Services {ServiceChangeAddress=55555, Profile=ResGW/1} } }\n"
				   "}\n";

/* RFC 3525 A.1.1: Modify to look for off-hook (its "al/of(strict=state)"
 * written with braces as the Annex B ABNF has it). */
static const char rfc_modify[] = "MEGACO/1 [123.123.123.4]:55555\n"
				 "Transaction = 9999 {\n"
				 "   Context = - {\n"
				 "       Modify = A4444 {\n"
				 "           Media { Stream = 1 {\n"
				 "                LocalControl {\n"
				 "                    Mode = SendReceive,\n"
				 "                    tdmc/gain=2,  ; in dB,\n"
				 "                    tdmc/ec=on\n"
				 "                }\n"
				 "           }\n"
				 "      },\n"
				 "          Events = 2222 {al/of {strict=state}}\n"
				 "       }\n"
				 "   }\n"
				 "}\n";

/* RFC 3525 A.1.1: the off-hook Notify. */
static const char rfc_notify[] = "MEGACO/1 [124.124.124.222]:55555\n"
				 "Transaction = 10000 {\n"
				 "   Context = - {\n"
				 "       Notify = A4444 {ObservedEvents =2222 {\n"
				 "          19990729T22000000:al/of{init=false}}}\n"
				 "   }\n"
				 "}\n";

/* RFC 3525 A.1.1: Add the physical and an RTP termination in a new context. */
static const char rfc_add[] = "MEGACO/1 [123.123.123.4]:55555\n"
			      "Transaction = 10003 {\n"
			      "   Context = $ {\n"
			      "      Add = A4444,\n"
			      "      Add = $ {\n"
			      "          Media {\n"
			      "            Stream = 1 {\n"
			      "                 LocalControl {\n"
			      "                     Mode = ReceiveOnly,\n"
			      "                     nt/jit=40 ; in ms\n"
			      "                 },\n"
			      "                 Local {\n"
			      "v=0\n"
			      "c=IN IP4 $\n"
			      "m=audio $ RTP/AVP 4\n"
			      "a=ptime:30\n"
			      "v=0\n"
			      "c=IN IP4 $\n"
			      "m=audio $ RTP/AVP 0\n"
			      "                 }\n"
			      "            }\n"
			      "          }\n"
			      "      }\n"
			      "   }\n"
			      "}\n";

/* RFC 3525 A.1.1: the reply with the context and the chosen termination. */
static const char rfc_add_reply[] = "MEGACO/1 [124.124.124.222]:55555\n"
				    "Reply = 10003 {\n"
				    "   Context = 2000 {\n"
				    "      Add = A4444,\n"
				    "      Add=A4445{\n"
				    "         Media {\n"
				    "             Stream = 1 {\n"
				    "                 Local {\n"
				    "v=0\n"
				    "o=- 2890844526 2890842807 IN IP4 124.124.124.222\n"
				    "s=-\n"
				    "t= 0 0\n"
				    "c=IN IP4 124.124.124.222\n"
				    "m=audio 2222 RTP/AVP 4\n"
				    "a=ptime:30\n"
				    "a=recvonly\n"
				    "                 } ; RTP profile for G.723.1 is 4\n"
				    "             }\n"
				    "         }\n"
				    "      }\n"
				    "   }\n"
				    "}\n";

/* RFC 3525 A.1.1: Subtract replies with the statistics. */
static const char rfc_subtract_reply[] = "MEGACO/1 [124.124.124.222]:55555\n"
					 "Reply = 50008 {\n"
					 "   Context = 5000 {\n"
					 "      Subtract = A5555 {\n"
					 "          Statistics {\n"
					 "              nt/os=45123, ; Octets Sent\n"
					 "              nt/dur=40 ; in seconds\n"
					 "              }\n"
					 "          },\n"
					 "      Subtract = A5556 {\n"
					 "          Statistics {\n"
					 "              rtp/ps=1245, ; packets sent\n"
					 "              nt/os=62345, ; octets sent\n"
					 "              rtp/pr=780, ; packets received\n"
					 "              nt/or=45123, ; octets received\n"
					 "              rtp/pl=10, ; % packets lost\n"
					 "              rtp/jit=27,\n"
					 "              rtp/delay=48 ; average latency\n"
					 "          }\n"
					 "      }\n"
					 "   }\n"
					 "}\n";

START_TEST(test_rfc3525_service_change)
{
	struct h248_msg *msg = parse_ok(rfc_sc);
	struct h248_trans *t = h248_msg_first_trans(msg);
	struct h248_action *a = llist_first_entry(&t->actions, struct h248_action, list);
	struct h248_cmd *c = first_cmd(msg);

	ck_assert_uint_eq(msg->version, 1);
	ck_assert_str_eq(msg->mid, "[124.124.124.222]:55555");
	ck_assert_uint_eq(msg->n_trans, 1);
	ck_assert_int_eq(t->kind, H248_TRANS_REQUEST);
	ck_assert_uint_eq(t->id, 9998);
	ck_assert_int_eq(a->ctx, H248_CTX_NULL);
	ck_assert_int_eq(c->kind, H248_CMD_SERVICE_CHANGE);
	ck_assert_str_eq(c->term_id, "ROOT");
	ck_assert(c->sc.present);
	ck_assert_int_eq(c->sc.method, H248_SC_RESTART);
	ck_assert_str_eq(c->sc.address, "55555");
	ck_assert_str_eq(c->sc.profile, "ResGW/1");
	ck_assert_ptr_null(c->sc.reason);
	ck_assert(!c->sc.has_delay);
	talloc_free(msg);

	msg = parse_ok(rfc_sc_reply);
	t = h248_msg_first_trans(msg);
	ck_assert_int_eq(t->kind, H248_TRANS_REPLY);
	ck_assert_uint_eq(t->id, 9998);
	c = first_cmd(msg);
	ck_assert_int_eq(c->sc.method, H248_SC_NONE);
	ck_assert_str_eq(c->sc.profile, "ResGW/1");
	talloc_free(msg);
}
END_TEST

START_TEST(test_rfc3525_modify_notify)
{
	struct h248_msg *msg = parse_ok(rfc_modify);
	struct h248_cmd *c = first_cmd(msg);
	struct h248_stream *s = first_stream(c);
	struct h248_item *ev, *par;

	ck_assert_int_eq(c->kind, H248_CMD_MODIFY);
	ck_assert_str_eq(c->term_id, "A4444");
	ck_assert_uint_eq(c->media.n_streams, 1);
	ck_assert_uint_eq(s->id, 1);
	ck_assert(s->lc.present);
	ck_assert_int_eq(s->lc.mode, H248_MODE_SENDRECV);
	ck_assert_int_eq(s->lc.reserve_value, -1);
	ck_assert_uint_eq(s->lc.n_props, 2);
	ck_assert_str_eq(item_name(&s->lc.props, 0), "tdmc/gain");
	ck_assert_str_eq(item_name(&s->lc.props, 1), "tdmc/ec");
	ck_assert(c->events.present);
	ck_assert_uint_eq(c->events.request_id, 2222);
	ck_assert_uint_eq(c->events.n_items, 1);
	ev = llist_first_entry(&c->events.items, struct h248_item, list);
	ck_assert_str_eq(ev->name, "al/of");
	par = llist_first_entry(&ev->children, struct h248_item, list);
	ck_assert_str_eq(par->name, "strict");
	ck_assert_int_eq(par->op, '=');
	ck_assert_str_eq(par->value, "state");
	talloc_free(msg);

	msg = parse_ok(rfc_notify);
	c = first_cmd(msg);
	ck_assert_int_eq(c->kind, H248_CMD_NOTIFY);
	ck_assert(c->observed.present);
	ck_assert_uint_eq(c->observed.request_id, 2222);
	ev = llist_first_entry(&c->observed.items, struct h248_item, list);
	ck_assert_str_eq(ev->timestamp, "19990729T22000000");
	ck_assert_str_eq(ev->name, "al/of");
	talloc_free(msg);
}
END_TEST

START_TEST(test_rfc3525_add)
{
	struct h248_msg *msg = parse_ok(rfc_add);
	struct h248_trans *t = h248_msg_first_trans(msg);
	struct h248_action *a = llist_first_entry(&t->actions, struct h248_action, list);
	struct h248_cmd *c1, *c2;
	struct h248_stream *s;

	ck_assert_int_eq(a->ctx, H248_CTX_CHOOSE);
	ck_assert_uint_eq(a->n_cmds, 2);
	c1 = llist_first_entry(&a->cmds, struct h248_cmd, list);
	c2 = llist_last_entry(&a->cmds, struct h248_cmd, list);
	ck_assert_int_eq(c1->kind, H248_CMD_ADD);
	ck_assert_str_eq(c1->term_id, "A4444");
	ck_assert(!c1->media.present);
	ck_assert_str_eq(c2->term_id, "$");
	s = first_stream(c2);
	ck_assert_int_eq(s->lc.mode, H248_MODE_RECVONLY);
	/* the SDP verbatim, without the white space around it */
	ck_assert_str_eq(s->local, "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 4\na=ptime:30\n"
				   "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 0");
	ck_assert_ptr_null(s->remote);
	talloc_free(msg);

	msg = parse_ok(rfc_add_reply);
	t = h248_msg_first_trans(msg);
	a = llist_first_entry(&t->actions, struct h248_action, list);
	ck_assert_int_eq(a->ctx, H248_CTX_ID);
	ck_assert_uint_eq(a->ctx_id, 2000);
	c2 = llist_last_entry(&a->cmds, struct h248_cmd, list);
	ck_assert_str_eq(c2->term_id, "A4445");
	s = first_stream(c2);
	ck_assert(strstr(s->local, "m=audio 2222 RTP/AVP 4\na=ptime:30\na=recvonly") != NULL);
	ck_assert(s->local[strlen(s->local) - 1] == 'y');
	talloc_free(msg);

	msg = parse_ok(rfc_subtract_reply);
	t = h248_msg_first_trans(msg);
	a = llist_first_entry(&t->actions, struct h248_action, list);
	c2 = llist_last_entry(&a->cmds, struct h248_cmd, list);
	ck_assert_int_eq(c2->kind, H248_CMD_SUBTRACT);
	ck_assert_uint_eq(c2->stats.n_items, 7);
	ck_assert_str_eq(item_name(&c2->stats.items, 6), "rtp/delay");
	talloc_free(msg);
}
END_TEST

START_TEST(test_roundtrips)
{
	static const char *const v[] = {
		rfc_sc, rfc_sc_reply, rfc_modify, rfc_notify, rfc_add, rfc_add_reply, rfc_subtract_reply,
		"!/2 <mg1.example.net>:2944\nP=7{ER=430{\"Unknown TerminationID\"}}PN=8{}K{1,3-5}",
		"!/3 [::1]:2944\nT=12{C=*{AV=tdm/1/*{AT{M,E,SG}}},C=17{TP{a,b,isolate},O-MF=rtp/3{M{O{MO=IN,"
		"RV=ON,RG=OFF},R{v=0\r\nc=IN IP4 127.0.0.1\r\nm=audio 4000 RTP/AVP 8\r\n}},"
		"SG{SL=1{tone/dt{SY=BR,DR=100}}}}}}",
		"MEGACO/2 mg7\nP=9{IA,C=-{SC=ROOT{SV{AD=[10.0.0.1]:2944,PF=ResGW/1,V=2,MG=<mgc2.example>,"
		"20260101T12000000}}},C=3{MF=A1{ER=501{}}}}",
		"MEGACO/1 [1.2.3.4]\nERROR=400{\"bad\"}",
		"MEGACO/3 [10.1.1.1]:2944\nT=33{C=-{SC=tdm/*{SV{MT=FL,RE=\"905 Termination taken out of "
		"service\",DL=10,X-foo=bar}}}}",
		/* "}" inside SDP is escaped; a body ending in "\" keeps its brace */
		"!/1 [1.1.1.1]\nT=1{C=1{MF=a{M{L{a=x:\\}y},R{z\\ }}}}}",
		/* the v3 statistics and properties with ranges and inequalities */
		"!/3 [1.1.1.1]\nT=2{C=1{MF=a{M{ST=2{O{tdmc/gain>4,x/y=[1:5],x/z=[a,b],x/w={1,2},x/v#3}},"
		"TS{SI=OS,BF=OFF}},E=*{dd/ce{DM=dp1},al/on{KA}},EB{g/sc}}}}",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		assert_roundtrip(v[i]);
}
END_TEST

/* Tokens are case-insensitive and have long and short forms (Annex B.2);
 * comments and line ends may stand anywhere between symbols. */
START_TEST(test_long_short_case_comments)
{
	static const char lng[] = "megaco/1 [1.2.3.4]:2944 transaction=5{context=7{modify=tdm/1/2{"
				  "media{stream=1{localcontrol{mode=sendreceive,reservedvalue=on,"
				  "reservedgroup=off}}},signals{},events=3{dd/ce}}}}";
	static const char shrt[] = "!/1 [1.2.3.4]:2944\n"
				   ";comment before the first transaction\n"
				   "T = 5 ; the id\n"
				   "{ C = 7 { MF = tdm/1/2 {\n"
				   "  M { ST = 1 { O { MO = SR , RV = ON ,\r\n RG = OFF } } } ,\n"
				   "  SG { } , E = 3 { dd/ce } } } }\n";
	static const char expect[] = "MEGACO/1 [1.2.3.4]:2944\nTransaction=5{Context=7{Modify=tdm/1/2{Media{"
				     "Stream=1{LocalControl{Mode=SendReceive,ReservedValue=ON,ReservedGroup=OFF}}},"
				     "Events=3{dd/ce},Signals{}}}}";
	struct h248_msg *a = parse_ok(lng), *b = parse_ok(shrt);
	struct h248_stream *s = first_stream(first_cmd(a));

	ck_assert_int_eq(s->lc.mode, H248_MODE_SENDRECV);
	ck_assert_int_eq(s->lc.reserve_value, 1);
	ck_assert_int_eq(s->lc.reserve_group, 0);
	ck_assert(first_cmd(a)->signals.present);
	ck_assert_int_gt(h248_msg_encode(a, 0, out, sizeof(out)), 0);
	ck_assert_int_gt(h248_msg_encode(b, 0, out2, sizeof(out2)), 0);
	ck_assert_str_eq(out, expect);
	ck_assert_str_eq(out2, expect);
	talloc_free(a);
	talloc_free(b);
}
END_TEST

/* What tandemd's controller will send: the exact bytes of each form. */
START_TEST(test_build_add)
{
	struct h248_msg *msg = h248_msg_alloc(tt_ctx, 2, "[127.0.0.1]:2944");
	struct h248_trans *t = h248_trans_add(msg, H248_TRANS_REQUEST, 42);
	struct h248_action *a = h248_action_add(t, H248_CTX_CHOOSE, 0);
	struct h248_cmd *tdm = h248_cmd_add(a, H248_CMD_ADD, "tdm/1/5");
	struct h248_cmd *rtp = h248_cmd_add(a, H248_CMD_ADD, "$");
	struct h248_stream *s;
	int n;

	s = h248_stream_add(tdm, 0);
	s->lc.present = true;
	s->lc.mode = H248_MODE_SENDRECV;
	s = h248_stream_add(rtp, 1);
	s->lc.present = true;
	s->lc.mode = H248_MODE_RECVONLY;
	s->lc.reserve_value = 1;
	ck_assert_int_eq(h248_str_set(s, &s->local, "v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8"), 0);
	rtp->events.present = true;
	rtp->events.has_request_id = true;
	rtp->events.request_id = 9;
	ck_assert_ptr_nonnull(h248_item_add(rtp, &rtp->events.items, &rtp->events.n_items, "dd/std", NULL));

	n = h248_msg_encode(msg, H248_ENC_SHORT, out, sizeof(out));
	ck_assert_str_eq(out, "!/2 [127.0.0.1]:2944\n"
			      "T=42{C=${A=tdm/1/5{M{O{MO=SR}}},A=${M{ST=1{O{MO=RC,RV=ON},"
			      "L{v=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8}}},E=9{dd/std}}}}");
	ck_assert_int_eq(n, strlen(out));

	/* every buffer shorter than the text is refused, never overrun */
	for (size_t size = 1; size <= (size_t)n; size++)
		ck_assert_int_eq(h248_msg_encode(msg, H248_ENC_SHORT, out2, size), -H248_ERR_SPACE);

	h248_msg_encode(msg, H248_ENC_PRETTY, out, sizeof(out));
	ck_assert_str_eq(out, "MEGACO/2 [127.0.0.1]:2944\n"
			      "Transaction = 42 {\n"
			      "  Context = $ {\n"
			      "    Add = tdm/1/5 {\n"
			      "      Media {\n"
			      "        LocalControl {\n"
			      "          Mode = SendReceive\n"
			      "        }\n"
			      "      }\n"
			      "    },\n"
			      "    Add = $ {\n"
			      "      Media {\n"
			      "        Stream = 1 {\n"
			      "          LocalControl {\n"
			      "            Mode = ReceiveOnly,\n"
			      "            ReservedValue = ON\n"
			      "          },\n"
			      "          Local {\n"
			      "v=0\n"
			      "c=IN IP4 $\n"
			      "m=audio $ RTP/AVP 8\n"
			      "}\n"
			      "        }\n"
			      "      },\n"
			      "      Events = 9 {\n"
			      "        dd/std\n"
			      "      }\n"
			      "    }\n"
			      "  }\n"
			      "}\n");
	talloc_free(msg);
}
END_TEST

START_TEST(test_build_replies)
{
	struct h248_msg *msg = h248_msg_alloc(tt_ctx, 1, "<mg.example>");
	struct h248_trans *t;
	struct h248_action *a;
	struct h248_cmd *c;

	t = h248_trans_add(msg, H248_TRANS_REPLY, 1);
	ck_assert_int_eq(h248_error_set(t, &t->error, H248_EC_UNKNOWN_CONTEXT, NULL), 0);
	t = h248_trans_add(msg, H248_TRANS_REPLY, 2);
	a = h248_action_add(t, H248_CTX_ID, 77);
	c = h248_cmd_add(a, H248_CMD_SUBTRACT, "rtp/1");
	c = h248_cmd_add(a, H248_CMD_MODIFY, "tdm/1/1");
	h248_error_set(c, &c->error, H248_EC_UNKNOWN_TERM, "no such circuit");
	t = h248_trans_add(msg, H248_TRANS_PENDING, 3);
	t = h248_trans_add(msg, H248_TRANS_ACK, 0);
	t->acks[0] = (struct h248_ack_range){ 4, 4 };
	t->acks[1] = (struct h248_ack_range){ 6, 9 };
	t->n_acks = 2;
	t = h248_trans_add(msg, H248_TRANS_REPLY, 5);
	a = h248_action_add(t, H248_CTX_NULL, 0);
	c = h248_cmd_add(a, H248_CMD_SERVICE_CHANGE, "ROOT");
	c->sc.present = true;
	h248_str_set(c, &c->sc.address, "2944");
	h248_str_set(c, &c->sc.profile, "TandemGW/1");
	c->sc.version = 2;
	h248_msg_encode(msg, H248_ENC_SHORT, out, sizeof(out));
	ck_assert_str_eq(out, "!/1 <mg.example>\n"
			      "P=1{ER=411{\"The transaction refers to an unknown ContextId\"}}"
			      "P=2{C=77{S=rtp/1,MF=tdm/1/1{ER=430{\"no such circuit\"}}}}"
			      "PN=3{}K{4,6-9}P=5{C=-{SC=ROOT{SV{AD=2944,PF=TandemGW/1,V=2}}}}");
	assert_roundtrip(out);
	talloc_free(msg);
}
END_TEST

START_TEST(test_builder_bounds)
{
	struct h248_msg *msg = h248_msg_alloc(tt_ctx, 1, "mg1");
	struct h248_trans *t = NULL;
	struct h248_action *a;
	struct h248_cmd *c;
	char longname[H248_NAME_MAX + 2];
	int i;

	for (i = 0; i < H248_TRANS_MAX; i++)
		ck_assert_ptr_nonnull(t = h248_trans_add(msg, H248_TRANS_REQUEST, i));
	ck_assert_ptr_null(h248_trans_add(msg, H248_TRANS_REQUEST, 99));
	for (i = 0; i < H248_ACTIONS_MAX; i++)
		ck_assert_ptr_nonnull(h248_action_add(t, H248_CTX_ID, i));
	ck_assert_ptr_null(h248_action_add(t, H248_CTX_ID, 99));
	a = llist_first_entry(&t->actions, struct h248_action, list);
	for (i = 0; i < H248_CMDS_MAX; i++)
		ck_assert_ptr_nonnull(h248_cmd_add(a, H248_CMD_ADD, "a"));
	ck_assert_ptr_null(h248_cmd_add(a, H248_CMD_ADD, "a"));
	memset(longname, 'x', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	a = llist_last_entry(&t->actions, struct h248_action, list);
	ck_assert_ptr_null(h248_cmd_add(a, H248_CMD_ADD, longname));
	c = h248_cmd_add(a, H248_CMD_ADD, "a");
	ck_assert_int_eq(h248_error_set(c, &c->error, 10000, NULL), -H248_ERR_INVAL);
	/* what would not read back is refused: a bad termination id, an item
	 * name or value that is not a word, a quoted string or a bracket */
	c = h248_cmd_add(a, H248_CMD_ADD, "1bad");
	ck_assert_int_eq(h248_msg_encode(msg, 0, out, sizeof(out)), -H248_ERR_INVAL);
	llist_del(&c->list);
	a->n_cmds--;
	talloc_free(c);
	c = h248_cmd_add(a, H248_CMD_ADD, "a");
	c->signals.present = true;
	h248_item_add(c, &c->signals.items, &c->signals.n_items, "cg/rt", "two words");
	ck_assert_int_eq(h248_msg_encode(msg, 0, out, sizeof(out)), -H248_ERR_INVAL);
	llist_del(&c->list);
	a->n_cmds--;
	talloc_free(c);
	c = h248_cmd_add(a, H248_CMD_ADD, "a");
	/* an error text with a quote cannot be written */
	h248_error_set(c, &c->error, 500, "a \"quoted\" text");
	ck_assert_int_eq(h248_msg_encode(msg, 0, out, sizeof(out)), -H248_ERR_INVAL);
	talloc_free(msg);
}
END_TEST

/* One class of malformed input each: the codec error, the H.248.1 code
 * to answer with, and whether the transaction id could be read. */
static const struct bad_case {
	const char *what;
	const char *text;
	int rc;
	unsigned int code;
	int trans_id;		/* -1: none read */
} bad_cases[] = {
	{ "empty", "", -H248_ERR_HEADER, 400, -1 },
	{ "not megaco", "SIP/2.0 [1.2.3.4] T=1{C=-{N=a{OE=1{x/y}}}}", -H248_ERR_HEADER, 400, -1 },
	{ "version 4", "MEGACO/4 [1.2.3.4] T=1{C=-{N=a{OE=1{x/y}}}}", -H248_ERR_VERSION, 406, -1 },
	{ "no mId separator", "MEGACO/1[1.2.3.4] T=1{}", -H248_ERR_HEADER, 400, -1 },
	{ "bad mId", "MEGACO/1 [1.2.x.4] T=1{C=-{N=a{OE=1{x/y}}}}", -H248_ERR_HEADER, 400, -1 },
	{ "no body", "MEGACO/1 [1.2.3.4]:2944\n", -H248_ERR_SYNTAX, 400, -1 },
	{ "authentication", "AU=0x1:0x2:0x3 MEGACO/1 [1.2.3.4] T=1{}", -H248_ERR_UNSUPPORTED, 501, -1 },
	{ "MTP mId", "MEGACO/1 MTP{0102} T=1{C=-{N=a{OE=1{x/y}}}}", -H248_ERR_UNSUPPORTED, 501, -1 },
	{ "unterminated", "!/1 [1.2.3.4]\nT=9{C=-{MF=A1{M{O{MO=SR}}}", -H248_ERR_SYNTAX, 403, 9 },
	{ "comma between transactions", "!/1 [1.2.3.4]\nT=1{C=-{MF=a}},T=2{C=-{MF=a}}", -H248_ERR_SYNTAX, 400, -1 },
	{ "NUL byte", "!/1 [1.2.3.4]\nT=3{C=-{MF=a\0}}", -H248_ERR_SYNTAX, 403, 3 },
	{ "unknown transaction", "!/1 [1.2.3.4]\nX=1{C=-{MF=a}}", -H248_ERR_TRANS, 400, -1 },
	{ "transaction id", "!/1 [1.2.3.4]\nT=4294967296{C=-{MF=a}}", -H248_ERR_TRANS, 400, -1 },
	{ "transaction no braces", "!/1 [1.2.3.4]\nT=5", -H248_ERR_TRANS, 400, -1 },
	{ "empty transaction", "!/1 [1.2.3.4]\nT=5{}", -H248_ERR_SYNTAX, 403, 5 },
	{ "context id", "!/1 [1.2.3.4]\nT=6{C=x1{MF=a}}", -H248_ERR_ID, 410, 6 },
	{ "termination id", "!/1 [1.2.3.4]\nT=7{C=-{MF=-a}}", -H248_ERR_ID, 410, 7 },
	{ "unknown command", "!/1 [1.2.3.4]\nT=8{C=-{Frobnicate=a}}", -H248_ERR_COMMAND, 443, 8 },
	{ "unknown action", "!/1 [1.2.3.4]\nT=8{C=-{Bogus}}", -H248_ERR_ACTION, 421, 8 },
	{ "unknown descriptor", "!/1 [1.2.3.4]\nT=9{C=-{MF=a{Fancy{}}}}", -H248_ERR_DESCRIPTOR, 444, 9 },
	{ "descriptor twice", "!/1 [1.2.3.4]\nT=9{C=-{MF=a{M{O{MO=SR}},M{O{MO=SR}}}}}", -H248_ERR_DUP, 448, 9 },
	{ "descriptor not legal", "!/1 [1.2.3.4]\nT=9{C=-{MF=a{SV{MT=RS}}}}", -H248_ERR_NOT_LEGAL, 447, 9 },
	{ "unknown mode", "!/1 [1.2.3.4]\nT=9{C=-{MF=a{M{O{MO=Sideways}}}}}", -H248_ERR_VALUE, 449, 9 },
	{ "unknown method", "!/1 [1.2.3.4]\nT=9{C=-{SC=ROOT{SV{MT=Reboot}}}}", -H248_ERR_VALUE, 449, 9 },
	{ "stream 0", "!/1 [1.2.3.4]\nT=9{C=-{MF=a{M{ST=0{O{MO=SR}}}}}}", -H248_ERR_VALUE, 449, 9 },
	{ "ServiceChange without Services", "!/1 [1.2.3.4]\nT=10{C=-{SC=ROOT}}", -H248_ERR_MISSING, 442, 10 },
	{ "ServiceChange without Method", "!/1 [1.2.3.4]\nT=10{C=-{SC=ROOT{SV{RE=900}}}}", -H248_ERR_MISSING, 442, 10 },
	{ "Notify without ObservedEvents", "!/1 [1.2.3.4]\nT=10{C=-{N=a}}", -H248_ERR_MISSING, 442, 10 },
	{ "error code 5 digits", "!/1 [1.2.3.4]\nP=1{ER=40000{}}", -H248_ERR_SYNTAX, 400, -1 },
	{ "pending with content", "!/1 [1.2.3.4]\nPN=1{C=-{MF=a}}", -H248_ERR_SYNTAX, 400, -1 },
	{ "reply error and actions", "!/1 [1.2.3.4]\nP=1{ER=500{},C=-{MF=a}}", -H248_ERR_SYNTAX, 400, -1 },
	{ "ack range backwards", "!/1 [1.2.3.4]\nK{5-3}", -H248_ERR_TRANS, 400, -1 },
	{ "segment", "!/3 [1.2.3.4]\nSM=1/2{}", -H248_ERR_UNSUPPORTED, 501, -1 },
	{ "unterminated quote", "!/1 [1.2.3.4]\nP=1{ER=500{\"oops}}", -H248_ERR_SYNTAX, 400, -1 },
	{ "unterminated SDP", "!/1 [1.2.3.4]\nT=2{C=-{MF=a{M{L{v=0}}}}", -H248_ERR_SYNTAX, 403, 2 },
};

START_TEST(test_bad_input)
{
	const struct bad_case *bc = &bad_cases[_i];
	struct h248_msg *msg = (void *)1;
	size_t len = strlen(bc->text);
	int rc;

	if (!strcmp(bc->what, "NUL byte"))
		len += 4;	/* the text goes on after the NUL */
	rc = h248_msg_parse(tt_ctx, bc->text, len, &msg, &err);
	ck_assert_msg(rc == bc->rc, "%s: rc %d (%s), want %d", bc->what, rc, h248_strerror(rc), bc->rc);
	ck_assert_ptr_null(msg);
	ck_assert_int_eq(err.rc, rc);
	ck_assert_msg(err.code == bc->code, "%s: code %u, want %u", bc->what, err.code, bc->code);
	ck_assert_int_eq(err.has_trans_id, bc->trans_id >= 0);
	if (bc->trans_id >= 0)
		ck_assert_uint_eq(err.trans_id, bc->trans_id);
}
END_TEST

START_TEST(test_error_detail)
{
	static const char s[] = "MEGACO/1 [1.2.3.4]:2944\nTransaction = 77 {\n  Context = 5 {\n"
				"    Modify = a { Media { LocalControl { Mode = SendReceive } } ; ok\n"
				"    Modify = b { Media { Stream = 1 { Local { v=0 } } } ] }\n}\n";
	struct h248_msg *msg;

	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, strlen(s), &msg, &err), -H248_ERR_SYNTAX);
	ck_assert_uint_eq(err.line, 5);
	ck_assert(err.has_trans_id);
	ck_assert_uint_eq(err.trans_id, 77);
	ck_assert_uint_eq(err.code, H248_EC_SYNTAX_TRANS);
	ck_assert_str_eq(get_value_string(h248_code_names, err.code), "Syntax error in transaction request");

	/* the unknown descriptor is named */
	ck_assert_int_eq(h248_msg_parse(tt_ctx, "!/1 m\nT=1{C=1{A=a{Gizmo=3{}}}}", 30, &msg, &err),
			 -H248_ERR_DESCRIPTOR);
	ck_assert_str_eq(err.token, "Gizmo");
	/* a fault found after the text was read is on the line of its item */
	ck_assert_int_eq(h248_msg_parse(tt_ctx, "!/1 m\nT=1{\nC=1{\nA=a{\n Gizmo=3{}}}}", 34, &msg, &err),
			 -H248_ERR_DESCRIPTOR);
	ck_assert_uint_eq(err.line, 5);
	ck_assert_int_eq(h248_msg_parse(tt_ctx, "!/1 m\nT=1{C=-{\n\nSC=ROOT}}", 25, &msg, &err), -H248_ERR_MISSING);
	ck_assert_uint_eq(err.line, 4);
	/* a NULL detail is allowed */
	ck_assert_int_eq(h248_msg_parse(tt_ctx, "x", 1, &msg, NULL), -H248_ERR_HEADER);
}
END_TEST

/* Every bound: one past it is refused with the right error, at it accepted. */
START_TEST(test_parse_bounds)
{
	char *s = talloc_size(tt_ctx, H248_MSG_MAX * 2);
	struct h248_msg *msg;
	size_t n;
	int i;

	/* transactions */
	n = sprintf(s, "!/1 m\n");
	for (i = 0; i <= H248_TRANS_MAX; i++)
		n += sprintf(s + n, "T=%d{C=-{MF=a}}", i + 1);
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n, &msg, &err), -H248_ERR_TOO_MANY_TRANS);
	ck_assert_uint_eq(err.code, H248_EC_TOO_MANY_TRANS);
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n - strlen("T=17{C=-{MF=a}}"), &msg, &err), 0);
	talloc_free(msg);

	/* commands in an action */
	n = sprintf(s, "!/1 m\nT=1{C=-{");
	for (i = 0; i <= H248_CMDS_MAX; i++)
		n += sprintf(s + n, "%sMF=a", i ? "," : "");
	n += sprintf(s + n, "}}");
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n, &msg, &err), -H248_ERR_TOO_MANY);
	ck_assert_uint_eq(err.code, H248_EC_RESOURCES);
	ck_assert(err.has_trans_id);

	/* nesting */
	n = sprintf(s, "!/1 m\nT=1{C=-{MF=a{E=1{x/y");
	for (i = 0; i < H248_DEPTH_MAX; i++)
		n += sprintf(s + n, "{p");
	for (i = 0; i < H248_DEPTH_MAX; i++)
		n += sprintf(s + n, "}");
	n += sprintf(s + n, "}}}}");
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n, &msg, &err), -H248_ERR_DEPTH);

	/* the SDP of Local */
	n = sprintf(s, "!/1 m\nT=1{C=-{MF=a{M{L{");
	memset(s + n, 'x', H248_SDP_MAX + 1);
	n += H248_SDP_MAX + 1;
	n += sprintf(s + n, "}}}}}");
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n, &msg, &err), -H248_ERR_TOO_LONG);
	memmove(s + n - 6, s + n - 5, 6);
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n - 1, &msg, &err), 0);
	ck_assert_uint_eq(strlen(first_stream(first_cmd(msg))->local), H248_SDP_MAX);
	talloc_free(msg);

	/* a name */
	n = sprintf(s, "!/1 m\nT=1{C=-{MF=a");
	memset(s + n, 'b', H248_NAME_MAX);
	n += H248_NAME_MAX;
	n += sprintf(s + n, "}}");
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n, &msg, &err), -H248_ERR_TOO_LONG);

	/* the message */
	memset(s, ' ', H248_MSG_MAX + 1);
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, H248_MSG_MAX + 1, &msg, &err), -H248_ERR_TOO_LONG);

	/* items in one pair of braces */
	n = sprintf(s, "!/1 m\nT=1{C=-{MF=a{SA{");
	for (i = 0; i <= H248_ITEMS_MAX; i++)
		n += sprintf(s + n, "%sx/y%d=1", i ? "," : "", i);
	n += sprintf(s + n, "}}}}");
	ck_assert_int_eq(h248_msg_parse(tt_ctx, s, n, &msg, &err), -H248_ERR_TOO_MANY);
	talloc_free(s);
}
END_TEST

/* Parse @s that must fail: the error, with the detail in err. */
static int parse_err(const char *s)
{
	struct h248_msg *msg = (void *)1;
	int rc = h248_msg_parse(tt_ctx, s, strlen(s), &msg, &err);

	ck_assert_ptr_null(msg);
	return rc;
}

/* Interoperability: constructs that other implementations write, each in a
 * message of the shape they use (checked against the Annex B ABNF of
 * RFC 3525 and its v3 additions). */

/* transactionList = 1*(transactionRequest / transactionReply /
 * transactionPending / transactionResponseAck): no separator between them,
 * and a TransactionResponseAck of several ranges. */
START_TEST(test_interop_transactions)
{
	static const char s[] = "MEGACO/1 [192.0.2.9]:2944\n"
				"Reply = 11 {\n\tContext = 40 {\n\t\tAdd = ep/7\n\t}\n}"
				"Reply=12{Context=41{Subtract=ep/8}}"
				"TransactionResponseAck {\n\t20-24,\n\t30\n}"
				"TransactionResponseAck{31-33}"
				"Pending = 13 { }\n"
				"Transaction = 14 {\n\tContext = - {\n\t\tNotify = ep/9 {\n"
				"\t\t\tObservedEvents = 5 {\n\t\t\t\t20260301T10203040:al/on\n\t\t\t}\n\t\t}\n\t}\n}";
	static const enum h248_trans_kind kinds[] = {
		H248_TRANS_REPLY, H248_TRANS_REPLY, H248_TRANS_ACK, H248_TRANS_ACK, H248_TRANS_PENDING,
		H248_TRANS_REQUEST,
	};
	struct h248_msg *msg = parse_ok(s);
	struct h248_trans *t;
	struct h248_item *ev;
	struct h248_cmd *c;
	unsigned int i = 0;

	ck_assert_uint_eq(msg->n_trans, ARRAY_SIZE(kinds));
	llist_for_each_entry(t, &msg->trans, list) {
		ck_assert_int_eq(t->kind, kinds[i]);
		if (i == 2) {
			ck_assert_uint_eq(t->n_acks, 2);
			ck_assert_uint_eq(t->acks[0].first, 20);
			ck_assert_uint_eq(t->acks[0].last, 24);
			ck_assert_uint_eq(t->acks[1].first, 30);
			ck_assert_uint_eq(t->acks[1].last, 30);
		}
		if (i == 5) {
			ck_assert_uint_eq(t->id, 14);
			c = llist_first_entry(&llist_first_entry(&t->actions, struct h248_action, list)->cmds,
					      struct h248_cmd, list);
			ev = llist_first_entry(&c->observed.items, struct h248_item, list);
			ck_assert_str_eq(ev->timestamp, "20260301T10203040");
			ck_assert_str_eq(ev->name, "al/on");
		}
		i++;
	}
	talloc_free(msg);
	assert_roundtrip(s);
}
END_TEST

/* actionRequest = CtxToken EQUAL ContextID LBRKT ((contextRequest [COMMA
 * commandRequestList]) / commandRequestList) RBRKT, several in one
 * transaction; contextProperty = topologyDescriptor / priority /
 * EmergencyOffToken / EmergencyToken / iepsValue / contextAttrDescriptor,
 * and contextAudit, in requests and replies. */
START_TEST(test_interop_context_props)
{
	static const char s[] = "MEGACO/3 <mgc.example>:2944\n"
				"Transaction = 600 {\n"
				"  Context = 8 {\n"
				"    Priority = 4,\n"
				"    Emergency,\n"
				"    Topology { ep/1, ep/2, oneway, ep/2, ep/3, isolate },\n"
				"    IEPSCall = ON,\n"
				"    ContextAttr { xc/mix = [ 1:8 ], xc/lvl = { 2, 3 } },\n"
				"    ContextAudit { Topology, Priority, Emergency, IEPSCall },\n"
				"    Add = ep/1,\n"
				"    Add = ep/2 { Media { LocalControl { Mode = SendReceive } } }\n"
				"  },\n"
				"  Context = 9 { EmergencyOff, Subtract = ep/4 }\n"
				"}";
	static const char *const props[] = { "Priority", "Emergency", "Topology", "IEPSCall", "ContextAttr",
					     "ContextAudit" };
	static const char reply[] = "!/3 [192.0.2.1]:2944\nP=600{C=8{PR=4,EGO,TP{ep/1,ep/2,bothway},"
				    "A=ep/1,A=ep/2,ER=502{\"not ready\"}},C=9{S=ep/4}}";
	struct h248_msg *msg = parse_ok(s);
	struct h248_trans *t = h248_msg_first_trans(msg);
	struct h248_action *a = llist_first_entry(&t->actions, struct h248_action, list);
	struct h248_action *b = llist_last_entry(&t->actions, struct h248_action, list);
	struct h248_item *it;
	unsigned int i;

	ck_assert_uint_eq(t->n_actions, 2);
	ck_assert_uint_eq(a->ctx_id, 8);
	ck_assert_uint_eq(a->n_props, ARRAY_SIZE(props));
	for (i = 0; i < ARRAY_SIZE(props); i++)
		ck_assert_str_eq(item_name(&a->props, i), props[i]);
	it = llist_first_entry(&a->props, struct h248_item, list);
	ck_assert_str_eq(it->value, "4");
	ck_assert_uint_eq(a->n_cmds, 2);
	ck_assert_uint_eq(b->ctx_id, 9);
	ck_assert_uint_eq(b->n_props, 1);
	ck_assert_str_eq(item_name(&b->props, 0), "EmergencyOff");
	ck_assert_uint_eq(b->n_cmds, 1);
	talloc_free(msg);
	assert_roundtrip(s);

	msg = parse_ok(reply);
	t = h248_msg_first_trans(msg);
	a = llist_first_entry(&t->actions, struct h248_action, list);
	ck_assert_uint_eq(a->n_props, 3);
	ck_assert_uint_eq(a->n_cmds, 2);
	ck_assert(a->error.present);
	ck_assert_uint_eq(a->error.code, 502);
	talloc_free(msg);
	assert_roundtrip(reply);
}
END_TEST

/* Productions that other implementations write and that parsed before:
 * kept as regression inputs. */
START_TEST(test_interop_forms)
{
	static const char *const v[] = {
		/* digitMapDescriptor = DigitMapToken EQUAL ((LBRKT digitMapValue RBRKT) /
		 * (digitMapName [LBRKT digitMapValue RBRKT])), timers first */
		"MEGACO/1 <mg3.example>:2944\nTransaction = 21 {\n  Context = - {\n"
		"    Modify = line/4 {\n      Events = 77 { al/on, dd/ce { DigitMap = plan4 } },\n"
		"      Signals { cg/dt },\n      DigitMap = plan4 {\n        T:3,\n        S:20,\n"
		"        L:45,\n        (0| 00|[2-8]xxxxxx|9xxx.|#xx)\n      }\n    }\n  }\n}",
		"!/1 <mg3.example>\nT=22{C=-{MF=line/4{E=78{dd/ce{DM={Z:1,(xx|1xx)}}},DM={T:2,(x.)}}}}",
		/* MgcIdToTry, Handoff, ServiceChangeInc; then ServiceChangeAddress as a
		 * bare port (not both: serviceChangeParm of Annex B) */
		"MEGACO/2 [192.0.2.30]\nTransaction = 31 {\n  Context = - {\n    ServiceChange = ROOT {\n"
		"      Services {\n        Method = HandOff,\n        MgcIdToTry = <backup.example>:2944,\n"
		"        Profile = lineGW/2,\n"
		"        Reason = \"903 MGC Directed Change\",\n        ServiceChangeInc\n      }\n    }\n  }\n}",
		"!/2 [192.0.2.30]\nT=37{C=-{SC=ROOT{SV{MT=RS,RE=\"901 Cold Boot\",AD=2950,PF=lineGW/2,V=2,"
		"20260102T03040506}}}}",
		/* Signals without braces (stop all signals), a SignalList, signal parameters */
		"MEGACO/2 [192.0.2.30]:2944\nT=32{C=5{MF=line/1{SG},MF=line/2{SG{SignalList=9{cg/rt,"
		"al/ri{SignalType=Brief,Duration=300,NotifyCompletion={TimeOut,IntByEvent},KeepActive}}}}}}",
		/* Local with white space after the brace, SDP in CRLF lines */
		"MEGACO/1 [192.0.2.30]:2944\nT=33{C=${A=rtp/$ {Media{Stream=1{LocalControl{Mode=ReceiveOnly,"
		"nt/jit=40},Local { \r\nv=0\r\nc=IN IP4 $ \r\nm=audio $ RTP/AVP 8\r\n\r\n\t}}}}}}",
		/* statistics with decimal values, in a reply */
		"MEGACO/1 [192.0.2.30]:2944\nP=34{C=6{S=rtp/6{Media{Stream=1{Statistics{rtp/ps=1200,"
		"rtp/pl=0.25,nt/dur=4000}}}},S=line/6{Statistics{nt/os=3210}}}}",
		/* audit requests with nested Media, TerminationState, LocalControl, Stream */
		"MEGACO/2 [192.0.2.30]:2944\nT=35{C=-{AV=line/7{Audit{Media{TerminationState{ServiceStates}}}},"
		"AV=line/8{Audit{Media{Stream=2{LocalControl{Mode,ReservedValue,nt/jit}}}}},"
		"AV=line/9{Audit{EventBuffer{tonedet/std{Stream=1}},Signals{SignalList=3{ct/ct}},"
		"DigitMap=plan4,Packages{al-1}}}}}",
		/* v3 event parameters: notify behaviour and embedded descriptors */
		"MEGACO/3 [192.0.2.30]:2944\nT=36{C=-{MF=line/1{E=50{al/of{KeepActive,RegulatedNotify{Embed{"
		"Signals{cg/rt{SPADirection=External,SPARequestID=9}},Events=51{al/on}}},"
		"ResetEventsDescriptor},dd/ce{ImmediateNotify},al/fl{NeverNotify}}}}}",
	};
	struct h248_msg *msg;
	struct h248_cmd *c;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		assert_roundtrip(v[i]);

	msg = parse_ok(v[2]);
	c = first_cmd(msg);
	ck_assert_int_eq(c->sc.method, H248_SC_HANDOFF);
	ck_assert_str_eq(c->sc.mgc_id, "<backup.example>:2944");
	ck_assert_ptr_null(c->sc.address);
	ck_assert_str_eq(c->sc.reason, "903 MGC Directed Change");
	ck_assert_uint_eq(c->sc.n_other, 1);
	ck_assert_str_eq(item_name(&c->sc.other, 0), "ServiceChangeInc");
	talloc_free(msg);

	msg = parse_ok(v[3]);
	c = first_cmd(msg);
	ck_assert_str_eq(c->sc.address, "2950");
	ck_assert_uint_eq(c->sc.version, 2);
	ck_assert_str_eq(c->sc.timestamp, "20260102T03040506");
	talloc_free(msg);

	msg = parse_ok(v[4]);
	c = first_cmd(msg);
	ck_assert(c->signals.present);
	ck_assert(!c->signals.braces);
	ck_assert_uint_eq(c->signals.n_items, 0);
	talloc_free(msg);

	msg = parse_ok(v[5]);
	ck_assert_str_eq(first_stream(first_cmd(msg))->local, "v=0\r\nc=IN IP4 $ \r\nm=audio $ RTP/AVP 8");
	talloc_free(msg);
}
END_TEST

/* v3: termIDList = (TerminationID / LSBRKT TerminationID 1*(COMMA
 * TerminationID) RSBRKT) in replies, e.g. the answer to a wildcard audit. */
/* Physical terminations named by digits, as other implementations do
 * (the ABNF wants a letter first): read, written back the same. */
START_TEST(test_interop_digit_term_ids)
{
	struct h248_msg *m = parse_ok("MEGACO/1 [10.0.0.9]:55555\nTransaction = 4711 {\n Context = - {\n"
				      "  Modify = 20000001/00000003/00000007 { Events = 9 { al/of } }\n }\n}\n");
	const struct h248_action *a = llist_first_entry(&h248_msg_first_trans(m)->actions, struct h248_action, list);
	const struct h248_cmd *c = llist_first_entry(&a->cmds, struct h248_cmd, list);
	char buf[512];

	ck_assert_str_eq(c->term_id, "20000001/00000003/00000007");
	ck_assert_int_gt(h248_msg_encode(m, H248_ENC_SHORT, buf, sizeof(buf)), 0);
	ck_assert_ptr_nonnull(strstr(buf, "MF=20000001/00000003/00000007{E=9{al/of}}"));
	talloc_free(m);
}
END_TEST

START_TEST(test_interop_term_list)
{
	static const char s[] = "MEGACO/3 [192.0.2.40]:2944\nReply = 70 {\n  Context = 12 {\n"
				"    AuditValue = [\n      ep/1/1,\n      ep/1/2 , ep/2/1\n    ] {\n"
				"      Events = 4 { al/of },\n      Media,\n      Statistics,\n      Error = 502 { }\n"
				"    },\n    Modify = [ep/3,ep/4]\n  }\n}";
	struct h248_msg *msg = parse_ok(s);
	struct h248_cmd *c = first_cmd(msg);
	struct h248_err_detail *e = &err;
	char big[H248_TEXT_MAX * 2];
	int i, n;

	ck_assert_int_eq(c->kind, H248_CMD_AUDIT_VALUE);
	ck_assert_uint_eq(c->n_term_ids, 3);
	ck_assert_str_eq(c->term_id, "ep/1/1");
	ck_assert_str_eq(c->term_ids[1], "ep/1/2");
	ck_assert_str_eq(c->term_ids[2], "ep/2/1");
	/* auditReturnItem: the audited descriptors with nothing to return */
	ck_assert(!c->media.present);
	ck_assert_uint_eq(c->n_other, 2);
	ck_assert_str_eq(item_name(&c->other, 0), "Media");
	ck_assert_str_eq(item_name(&c->other, 1), "Statistics");
	ck_assert(c->error.present);
	ck_assert_int_gt(h248_msg_encode(msg, H248_ENC_SHORT, out, sizeof(out)), 0);
	ck_assert_str_eq(out, "!/3 [192.0.2.40]:2944\nP=70{C=12{AV=[ep/1/1,ep/1/2,ep/2/1]{E=4{al/of},Media,"
			      "Statistics,ER=502{}},MF=[ep/3,ep/4]}}");
	assert_roundtrip(s);
	/* the builder writes a list in v3 only */
	msg->version = 2;
	ck_assert_int_eq(h248_msg_encode(msg, 0, out, sizeof(out)), -H248_ERR_INVAL);
	talloc_free(msg);

	/* a request on a list would be carried out on its first id only */
	ck_assert_int_eq(parse_err("!/3 m\nT=71{C=1{MF=[a/1,a/2]{SG{}}}}"),
			 -H248_ERR_UNSUPPORTED);
	ck_assert_uint_eq(e->code, H248_EC_NOT_IMPLEMENTED);
	ck_assert(e->has_trans_id);
	ck_assert_uint_eq(e->trans_id, 71);
	ck_assert_str_eq(e->token, "MF");
	/* before v3 there are no lists; a list names two ids at least */
	ck_assert_int_eq(parse_err("!/2 m\nP=72{C=1{A=[a/1,a/2]}}"), -H248_ERR_ID);
	ck_assert_int_eq(parse_err("!/2 m\nP=72{C=1{A=[abcdefghijklmnopqrstuvwxyz/1,abcdefghijklmnopqrstuvwxyz/2,"
				   "abcdefghijklmnopqrstuvwxyz/3]}}"), -H248_ERR_ID);
	ck_assert_int_eq(parse_err("!/3 m\nP=72{C=1{A=[a/1]}}"), -H248_ERR_ID);
	ck_assert_int_eq(parse_err("!/3 m\nP=72{C=1{A=[a/1,,a/2]}}"), -H248_ERR_ID);
	ck_assert_int_eq(parse_err("!/3 m\nP=72{C=1{A=[a/1 a/2]}}"), -H248_ERR_ID);
	ck_assert_int_eq(parse_err("!/3 m\nP=72{C=1{A=[a/1,9-x]}}"), -H248_ERR_ID);
	ck_assert_str_eq(e->token, "9-x");
	ck_assert_int_eq(parse_err("!/3 m\nP=72{C=1{A=[a/1,a/2]:9}}"), -H248_ERR_ID);
	ck_assert(e->has_reply_id);
	/* bounds: H248_TERM_IDS_MAX ids, each no longer than a name */
	n = sprintf(big, "!/3 m\nP=73{C=1{A=[");
	for (i = 0; i <= H248_TERM_IDS_MAX; i++)
		n += sprintf(big + n, "%sa%d", i ? "," : "", i);
	n += sprintf(big + n, "]}}");
	ck_assert_int_eq(parse_err(big), -H248_ERR_TOO_MANY);
	n = sprintf(big, "!/3 m\nP=73{C=1{A=[a/1,");
	memset(big + n, 'b', H248_NAME_MAX + 1);
	n += H248_NAME_MAX + 1;
	n += sprintf(big + n, "]}}");
	ck_assert_int_eq(parse_err(big), -H248_ERR_TOO_LONG);
	ck_assert_uint_eq(e->code, H248_EC_RESOURCES);
	/* the audit return items stay descriptors in a request */
	ck_assert_int_eq(parse_err("!/3 m\nT=74{C=1{MF=a/1{Media}}}"), -H248_ERR_SYNTAX);
	ck_assert_uint_eq(e->code, H248_EC_SYNTAX_TRANS);
}
END_TEST

/* v3 transactionReply = ReplyToken EQUAL TransactionID [SLASH segmentNumber
 * [SLASH SegmentationCompleteToken]]: not reassembled, so refused with 501,
 * but with the id of the request that it answers. */
START_TEST(test_interop_segmented_reply)
{
	static const char *const segs[] = {
		"MEGACO/3 [192.0.2.50]:2944\nReply = 4000/1 {\n  Context = 3 { Add = ep/1 }\n}",
		"MEGACO/3 [192.0.2.50]:2944\nReply = 4000/65535/END {\n  Context = 3 { Add = ep/1 }\n}",
		"!/3 [192.0.2.50]:2944\nP=4000/2/end{C=3{A=ep/1}}",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(segs); i++) {
		ck_assert_int_eq(parse_err(segs[i]),
				 -H248_ERR_UNSUPPORTED);
		ck_assert_uint_eq(err.code, H248_EC_NOT_IMPLEMENTED);
		ck_assert(err.has_reply_id);
		ck_assert_uint_eq(err.reply_id, 4000);
		ck_assert(!err.has_trans_id);
	}
	/* not segments: a bad segment number, another word, before v3 */
	ck_assert_int_eq(parse_err("!/3 m\nP=9/65536{C=3{A=e}}"), -H248_ERR_TRANS);
	ck_assert_int_eq(parse_err("!/3 m\nP=9/1/ALL{C=3{A=e}}"), -H248_ERR_TRANS);
	ck_assert_int_eq(parse_err("!/2 m\nP=9/1{C=3{A=e}}"), -H248_ERR_TRANS);
	ck_assert_int_eq(parse_err("!/3 m\nT=9/1{C=3{A=e}}"), -H248_ERR_TRANS);
}
END_TEST

/* An event whose embedded Events has an event embedding Signals in turn
 * (v3 secondEventParameter): 14 levels of braces. */
START_TEST(test_interop_deep_embed)
{
	static const char s[] = "!/3 [192.0.2.60]:2944\nT=80{C=-{MF=ep/1{E=81{al/on{Stream=1,RegulatedNotify{"
				"Embed{Signals{cg/rt{SPADirection=External}},E=82{al/of{Stream=2,RegulatedNotify{"
				"Embed{SG{al/ri{NC={TO,IBE},SPADirection=Both}}}},ResetEventsDescriptor}}}},"
				"ResetEventsDescriptor}}}}}";

	assert_roundtrip(s);
}
END_TEST

START_TEST(test_names)
{
	ck_assert_str_eq(get_value_string(h248_cmd_names, H248_CMD_AUDIT_CAP), "AuditCapability");
	ck_assert_str_eq(get_value_string(h248_mode_names, H248_MODE_LOOPBACK), "loopback");
	ck_assert_str_eq(get_value_string(h248_sc_method_names, H248_SC_DISCONNECTED), "disconnected");
	ck_assert_str_eq(get_value_string(h248_code_names, 501), "Not Implemented");
	ck_assert_str_eq(get_value_string(h248_code_names, 431), "No TerminationID matched a wildcard");
	ck_assert_str_eq(h248_strerror(-H248_ERR_DUP), "descriptor given twice");
	ck_assert_uint_eq(h248_err_to_code(-H248_ERR_COMMAND), 443);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("h248");
	TCase *tc = tt_tcase(s, "h248");

	tcase_add_test(tc, test_rfc3525_service_change);
	tcase_add_test(tc, test_rfc3525_modify_notify);
	tcase_add_test(tc, test_rfc3525_add);
	tcase_add_test(tc, test_roundtrips);
	tcase_add_test(tc, test_long_short_case_comments);
	tcase_add_test(tc, test_build_add);
	tcase_add_test(tc, test_build_replies);
	tcase_add_test(tc, test_builder_bounds);
	tcase_add_loop_test(tc, test_bad_input, 0, ARRAY_SIZE(bad_cases));
	tcase_add_test(tc, test_error_detail);
	tcase_add_test(tc, test_parse_bounds);
	tcase_add_test(tc, test_names);
	tcase_add_test(tc, test_interop_transactions);
	tcase_add_test(tc, test_interop_context_props);
	tcase_add_test(tc, test_interop_forms);
	tcase_add_test(tc, test_interop_term_list);
	tcase_add_test(tc, test_interop_digit_term_ids);
	tcase_add_test(tc, test_interop_segmented_reply);
	tcase_add_test(tc, test_interop_deep_embed);
	return tt_run(s);
}
