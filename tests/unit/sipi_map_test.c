/* Unit tests: numbers, CPC, hop counter, redirection, IAM <-> INVITE,
 * backward information, profiles.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdlib.h>
#include <string.h>

#include "tests/unit/testlib.h"
#include "isup/isup_params.h"
#include "isup/sipi_call.h"
#include "isup/sipi_err.h"
#include "isup/sipi_number.h"
#include "isup/sipi_redir.h"

static struct sipi_profile prof(enum sipi_mode mode, const char *host, const char *ctx)
{
	struct sipi_profile p;

	sipi_profile_init(&p, mode);
	p.host = host;
	p.phone_context = ctx;
	return p;
}

static struct isup_number num(uint8_t nai, const char *digits)
{
	struct isup_number n = { .nai = nai, .npi = ISUP_NPI_E164 };

	strcpy(n.digits, digits);
	return n;
}

/* Every number form: NAI x URI scheme, both directions. */
static const struct numform {
	uint8_t nai;
	const char *digits;
	const char *host, *ctx;
	const char *uri;
	/* what reading uri gives back */
	uint8_t back_nai;
	const char *back_digits;
} numforms[] = {
	{ ISUP_NAI_INTERNATIONAL, "4930123456", NULL, "+49", "tel:+4930123456", 4, "4930123456" },
	{ ISUP_NAI_INTERNATIONAL, "4930123456", "gw.example", NULL, "sip:+4930123456@gw.example;user=phone", 4,
	  "4930123456" },
	{ ISUP_NAI_NATIONAL, "30123456", NULL, "+49", "tel:30123456;phone-context=+49", 3, "30123456" },
	{ ISUP_NAI_NATIONAL, "30123456", "gw.example", "+49",
	  "sip:30123456;phone-context=+49@gw.example;user=phone", 3, "30123456" },
	{ ISUP_NAI_SUBSCRIBER, "123456", NULL, "+4930", "tel:123456;phone-context=+4930", 3, "123456" },
	{ ISUP_NAI_UNKNOWN, "0030123", "gw.example", NULL, "sip:0030123;phone-context=gw.example@gw.example;user=phone",
	  3, "0030123" },
	{ ISUP_NAI_NETWORK_SPECIFIC, "112", NULL, "+49", "tel:112;phone-context=+49", 3, "112" },
	/* ST is dropped; codes 11 and 12 are * and # */
	{ ISUP_NAI_INTERNATIONAL, "4930123F", NULL, NULL, "tel:+4930123", 4, "4930123" },
	{ ISUP_NAI_NATIONAL, "B21C", NULL, "+49", "tel:*21%23;phone-context=+49", 3, "B21C" },
};

START_TEST(test_number_forms)
{
	const struct numform *f = &numforms[_i];
	struct sipi_profile p = prof(SIPI_MODE_SIPI, f->host, f->ctx);
	struct isup_number n = num(f->nai, f->digits), back;
	char buf[256];

	ck_assert_int_gt(sipi_number_to_uri(buf, sizeof(buf), &p, &n, -1), 0);
	ck_assert_str_eq(buf, f->uri);
	memset(&back, 0, sizeof(back));
	ck_assert_int_eq(sipi_number_from_uri(buf, &back, NULL), 0);
	ck_assert_uint_eq(back.nai, f->back_nai);
	ck_assert_str_eq(back.digits, f->back_digits);
	ck_assert_uint_eq(back.npi, ISUP_NPI_E164);
}
END_TEST

START_TEST(test_number_uri_reading)
{
	struct isup_number n;
	struct sipi_uri_info info;

	ck_assert_int_eq(sipi_number_from_uri("\"Bob\" <tel:+49-30-(123).456;cpc=payphone>", &n, &info), 0);
	ck_assert_str_eq(n.digits, "4930123456");
	ck_assert_uint_eq(n.nai, ISUP_NAI_INTERNATIONAL);
	ck_assert(info.has_cpc);
	ck_assert_uint_eq(info.cpc, 0x0f);
	ck_assert_int_eq(sipi_number_from_uri("<sips:030123;phone-context=+49@h>", &n, &info), 0);
	ck_assert_str_eq(info.phone_context, "+49");
	ck_assert_int_eq(sipi_number_from_uri("sip:alice@example.com", &n, NULL), -SIPI_ERR_BAD_URI);
	ck_assert_int_eq(sipi_number_from_uri("mailto:a@b", &n, NULL), -SIPI_ERR_BAD_URI);
	ck_assert_int_eq(sipi_number_from_uri("tel:+", &n, NULL), -SIPI_ERR_BAD_URI);
	ck_assert_int_eq(sipi_number_from_uri("tel:+49*1", &n, NULL), -SIPI_ERR_BAD_URI);
	ck_assert_int_eq(sipi_number_from_uri("<tel:+491", &n, NULL), -SIPI_ERR_BAD_URI);
	ck_assert_int_eq(sipi_number_from_uri("tel:+123456789012345678901234567890123", &n, NULL),
			 -SIPI_ERR_BAD_NUMBER);
	ck_assert_int_eq(sipi_number_from_uri(NULL, &n, NULL), -SIPI_ERR_BAD_URI);
}
END_TEST

START_TEST(test_number_errors)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI, NULL, NULL);
	struct isup_number n = num(ISUP_NAI_NATIONAL, "30123");
	char buf[64];

	/* a local number needs a context */
	ck_assert_int_eq(sipi_number_to_uri(buf, sizeof(buf), &p, &n, -1), -SIPI_ERR_INVAL);
	n = num(ISUP_NAI_INTERNATIONAL, "49B1");
	ck_assert_int_eq(sipi_number_to_uri(buf, sizeof(buf), &p, &n, -1), -SIPI_ERR_BAD_NUMBER);
	n = num(ISUP_NAI_INTERNATIONAL, "49A1");
	ck_assert_int_eq(sipi_number_to_uri(buf, sizeof(buf), &p, &n, -1), -SIPI_ERR_BAD_NUMBER);
	n = num(ISUP_NAI_INTERNATIONAL, "");
	ck_assert_int_eq(sipi_number_to_uri(buf, sizeof(buf), &p, &n, -1), -SIPI_ERR_BAD_NUMBER);
	n = num(ISUP_NAI_INTERNATIONAL, "4930123456");
	ck_assert_int_eq(sipi_number_to_uri(buf, 8, &p, &n, -1), -SIPI_ERR_SPACE);
	/* cpc goes into the user part */
	ck_assert_int_gt(sipi_number_to_uri(buf, sizeof(buf), &p, &n, 0x0d), 0);
	ck_assert_str_eq(buf, "tel:+4930123456;cpc=test");
	ck_assert_int_gt(sipi_number_to_uri(buf, sizeof(buf), &p, &n, 0x0a), 0);
	ck_assert_str_eq(buf, "tel:+4930123456");
}
END_TEST

START_TEST(test_contact_from_cause_22)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI, NULL, NULL);
	/* called party number contents: international, ISDN, 4930999 (odd) */
	struct isup_cause c = { .value = 22, .diag_len = 6,
				.diag = { 0x84, 0x10, 0x94, 0x03, 0x99, 0x09 } };
	char buf[64];

	ck_assert_int_eq(sipi_contact_from_cause(buf, sizeof(buf), &p, &c), strlen("tel:+4930999"));
	ck_assert_str_eq(buf, "tel:+4930999");
	/* too small a buffer, no diagnostic, another cause, digits a URI cannot carry */
	ck_assert_int_eq(sipi_contact_from_cause(buf, 6, &p, &c), -SIPI_ERR_SPACE);
	c.value = 1;
	ck_assert_int_eq(sipi_contact_from_cause(buf, sizeof(buf), &p, &c), -SIPI_ERR_INVAL);
	c.value = 22;
	c.diag_len = 0;
	ck_assert_int_eq(sipi_contact_from_cause(buf, sizeof(buf), &p, &c), -SIPI_ERR_INVAL);
	ck_assert_int_eq(sipi_contact_from_cause(buf, sizeof(buf), &p, NULL), -SIPI_ERR_INVAL);
	c.diag_len = 1;
	ck_assert_int_eq(sipi_contact_from_cause(buf, sizeof(buf), &p, &c), -SIPI_ERR_BAD_NUMBER);
}
END_TEST

START_TEST(test_cpc_table)
{
	unsigned int n, i;
	const struct sipi_cpc_row *t = sipi_cpc_table(&n);

	for (i = 0; i < n; i++) {
		if (t[i].to_sip)
			ck_assert_str_eq(sipi_cpc_to_sip(t[i].cpc), t[i].sip);
		else
			ck_assert_ptr_null(sipi_cpc_to_sip(t[i].cpc));
		if (t[i].from_sip)
			ck_assert_uint_eq(sipi_cpc_from_sip(t[i].sip), t[i].cpc);
	}
	ck_assert_uint_eq(sipi_cpc_from_sip("PAYPHONE"), 0x0f);
	ck_assert_uint_eq(sipi_cpc_from_sip("operator"), 0x09);
	ck_assert_uint_eq(sipi_cpc_from_sip("cellular"), 0x0a);
	ck_assert_uint_eq(sipi_cpc_from_sip(NULL), 0x0a);
	ck_assert_ptr_null(sipi_cpc_to_sip(0x0b));
}
END_TEST

START_TEST(test_hop_counter)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI, NULL, "+49");

	ck_assert_uint_eq(p.hop_factor, 2);
	ck_assert_uint_eq(sipi_max_forwards_from_hop(&p, 10), 20);
	ck_assert_uint_eq(sipi_max_forwards_from_hop(&p, 31), 62);
	ck_assert_uint_eq(sipi_hop_from_max_forwards(&p, 20), 10);
	ck_assert_uint_eq(sipi_hop_from_max_forwards(&p, 70), 31);
	ck_assert_uint_eq(sipi_hop_from_max_forwards(&p, 1), 0);
	p.hop_factor = 3;
	ck_assert_uint_eq(sipi_max_forwards_from_hop(&p, 31), 70);
	p.hop_factor = 0;
	ck_assert_uint_eq(sipi_max_forwards_from_hop(&p, 5), 5);
}
END_TEST

static struct isup_msg *make_iam(uint8_t cg_pres, uint8_t cg_screen, uint8_t cpc, int hop, bool redir)
{
	struct isup_msg *m;
	static const uint8_t base[] = { 0x01, 0x00, 0x20, 0x01, 0x0a, 0x03, 0x02, 0x00, 0x00 };
	struct isup_number cd = num(ISUP_NAI_INTERNATIONAL, "4930123456");
	struct isup_number cg = num(ISUP_NAI_NATIONAL, "6912345");
	uint8_t b;

	/* IAM with an empty CdPN slot filled below */
	ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ITU, (const uint8_t[]){ 0x01, 0x00, 0x20, 0x01, 0x0a, 0x03,
										  0x02, 0x00, 0x02, 0x81, 0x10 },
				     11, &m, NULL), 0);
	(void)base;
	ck_assert_int_eq(isup_msg_set_number(m, ISUP_PAR_CALLED, &cd), 0);
	b = cpc;
	ck_assert_int_ge(isup_msg_set_param(m, ISUP_PAR_CPC, &b, 1), 0);
	if (cg_pres != 0xff) {
		cg.pres = cg_pres;
		cg.screen = cg_screen;
		ck_assert_int_eq(isup_msg_set_number(m, ISUP_PAR_CALLING, &cg), 0);
	}
	if (hop >= 0) {
		b = hop;
		ck_assert_int_ge(isup_msg_set_param(m, ISUP_PAR_HOP_COUNTER, &b, 1), 0);
	}
	if (redir) {
		struct sipi_redirection r = { .has_redirecting = true, .has_original = true, .has_info = true };

		r.redirecting = num(ISUP_NAI_INTERNATIONAL, "4940111");
		r.original = num(ISUP_NAI_INTERNATIONAL, "4940222");
		r.info.redirecting_ind = 3;
		r.info.orig_reason = 3;
		r.info.reason = 1;
		r.info.counter = 2;
		ck_assert_int_eq(sipi_redir_to_iam(m, &r), 0);
	}
	return m;
}

START_TEST(test_iam_to_invite)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI, "gw.example", "+49");
	struct sipi_invite_hdrs *h;
	struct isup_msg *m;

	/* allowed, network provided, payphone, hop 10, redirected */
	m = make_iam(ISUP_APRI_ALLOWED, ISUP_SCREEN_NETWORK, 0x0f, 10, true);
	ck_assert_int_eq(sipi_iam_to_invite(tt_ctx, &p, m, &h), 0);
	ck_assert_str_eq(h->request_uri, "sip:+4930123456@gw.example;user=phone");
	ck_assert_str_eq(h->to, "<sip:+4930123456@gw.example;user=phone>");
	ck_assert_str_eq(h->p_asserted_identity, "<sip:6912345;phone-context=+49;cpc=payphone@gw.example;user=phone>");
	ck_assert_str_eq(h->from, "<sip:6912345;phone-context=+49@gw.example;user=phone>");
	ck_assert_ptr_null(h->privacy);
	ck_assert_uint_eq(h->max_forwards, 20);
	ck_assert_str_eq(h->history_info,
			 "<sip:+4940222@gw.example;user=phone>;index=1,"
			 "<sip:+4940111@gw.example;user=phone;cause=302>;index=1.1;mp=1,"
			 "<sip:+4930123456@gw.example;user=phone;cause=486>;index=1.1.1;mp=1.1");
	ck_assert_ptr_null(h->diversion);
	talloc_free(h);

	/* Diversion instead */
	p.redir_hdr = SIPI_REDIR_DIVERSION;
	ck_assert_int_eq(sipi_iam_to_invite(tt_ctx, &p, m, &h), 0);
	ck_assert_ptr_null(h->history_info);
	ck_assert_str_eq(h->diversion, "<sip:+4940111@gw.example;user=phone>;reason=user-busy;counter=2,"
				       "<sip:+4940222@gw.example;user=phone>;reason=unconditional;counter=1");
	talloc_free(h);
	talloc_free(m);

	/* restricted: anonymous From, Privacy: id, PAI kept */
	p = prof(SIPI_MODE_SIPI, NULL, "+49");
	m = make_iam(ISUP_APRI_RESTRICTED, ISUP_SCREEN_USER_PASSED, 0x0a, -1, false);
	ck_assert_int_eq(sipi_iam_to_invite(tt_ctx, &p, m, &h), 0);
	ck_assert_str_eq(h->from, SIPI_ANONYMOUS_FROM);
	ck_assert_str_eq(h->privacy, "id");
	ck_assert_str_eq(h->p_asserted_identity, "<tel:6912345;phone-context=+49>");
	ck_assert_uint_eq(h->max_forwards, 0);
	ck_assert_ptr_null(h->history_info);
	talloc_free(h);
	talloc_free(m);

	/* user provided, not screened: no PAI; cpc rides on From */
	m = make_iam(ISUP_APRI_ALLOWED, ISUP_SCREEN_USER_NOT_SCREENED, 0x0d, -1, false);
	ck_assert_int_eq(sipi_iam_to_invite(tt_ctx, &p, m, &h), 0);
	ck_assert_ptr_null(h->p_asserted_identity);
	ck_assert_str_eq(h->from, "<tel:6912345;phone-context=+49;cpc=test>");
	talloc_free(h);
	talloc_free(m);

	/* not available, or absent: anonymous */
	m = make_iam(ISUP_APRI_NOT_AVAILABLE, 0, 0x0a, -1, false);
	ck_assert_int_eq(sipi_iam_to_invite(tt_ctx, &p, m, &h), 0);
	ck_assert_str_eq(h->from, SIPI_ANONYMOUS_FROM);
	ck_assert_ptr_null(h->p_asserted_identity);
	ck_assert_ptr_null(h->privacy);
	talloc_free(h);
	talloc_free(m);

	/* SIP-T: no PAI, no cpc, no History-Info */
	p = prof(SIPI_MODE_SIPT, NULL, "+49");
	m = make_iam(ISUP_APRI_ALLOWED, ISUP_SCREEN_NETWORK, 0x0f, 10, true);
	ck_assert_int_eq(sipi_iam_to_invite(tt_ctx, &p, m, &h), 0);
	ck_assert_ptr_null(h->p_asserted_identity);
	ck_assert_str_eq(h->from, "<tel:6912345;phone-context=+49>");
	ck_assert_ptr_null(h->history_info);
	ck_assert_uint_eq(h->max_forwards, 20);
	talloc_free(h);
	talloc_free(m);
}
END_TEST

START_TEST(test_invite_to_iam_headers)
{
	struct sipi_profile p = prof(SIPI_MODE_SIP, NULL, "+49");
	struct sipi_invite_in in = {
		.request_uri = "tel:+4930123456",
		.from = "<tel:+4969111>",
		.p_asserted_identity = "<tel:+4969222;cpc=payphone>",
		.privacy_id = true,
		.max_forwards = 40,
		.history_info = "<sip:+4940222@h;user=phone>;index=1,<sip:+4940111@h;user=phone;cause=302>;index=1.1,"
				"<sip:+4930123456@h;user=phone;cause=486>;index=1.1.1",
	};
	struct isup_msg *m;
	struct isup_number n;
	struct isup_cpc cpc;
	struct isup_hop_counter hop;
	struct sipi_redirection r;
	uint8_t *out;
	int len;

	ck_assert_int_eq(sipi_invite_to_iam(tt_ctx, &p, &in, NULL, &m), 0);
	ck_assert_int_eq(isup_msg_get_number(m, ISUP_PAR_CALLED, &n), 0);
	ck_assert_str_eq(n.digits, "4930123456");
	ck_assert_uint_eq(n.nai, ISUP_NAI_INTERNATIONAL);
	ck_assert_int_eq(isup_msg_get_number(m, ISUP_PAR_CALLING, &n), 0);
	ck_assert_str_eq(n.digits, "4969222");
	ck_assert_uint_eq(n.pres, ISUP_APRI_RESTRICTED);
	ck_assert_uint_eq(n.screen, ISUP_SCREEN_NETWORK);
	ck_assert_int_eq(isup_msg_get_bf(m, ISUP_PAR_CPC, &cpc, sizeof(cpc)), 0);
	ck_assert_uint_eq(cpc.category, 0x0f);
	ck_assert_int_eq(isup_msg_get_bf(m, ISUP_PAR_HOP_COUNTER, &hop, sizeof(hop)), 0);
	ck_assert_uint_eq(hop.count, 20);
	ck_assert_int_eq(sipi_redir_from_iam(m, &r), 0);
	ck_assert(r.has_redirecting && r.has_original && r.has_info);
	ck_assert_str_eq(r.redirecting.digits, "4940111");
	ck_assert_str_eq(r.original.digits, "4940222");
	ck_assert_uint_eq(r.info.reason, 1);
	ck_assert_uint_eq(r.info.orig_reason, 3);
	ck_assert_uint_eq(r.info.counter, 2);
	/* and it encodes */
	len = isup_encode_alloc(tt_ctx, m, &out);
	ck_assert_int_gt(len, 0);
	talloc_free(out);
	talloc_free(m);

	/* From only, Diversion */
	in.p_asserted_identity = NULL;
	in.privacy_id = false;
	in.history_info = NULL;
	in.diversion = "<tel:+4940111>;reason=no-answer;counter=1";
	ck_assert_int_eq(sipi_invite_to_iam(tt_ctx, &p, &in, NULL, &m), 0);
	ck_assert_int_eq(isup_msg_get_number(m, ISUP_PAR_CALLING, &n), 0);
	ck_assert_str_eq(n.digits, "4969111");
	ck_assert_uint_eq(n.screen, ISUP_SCREEN_USER_NOT_SCREENED);
	ck_assert_int_eq(sipi_redir_from_iam(m, &r), 0);
	ck_assert(r.has_redirecting && !r.has_original);
	ck_assert_uint_eq(r.info.reason, 2);
	talloc_free(m);

	/* no number in the Request-URI and no body: nothing to route on */
	in.request_uri = "sip:alice@example.com";
	ck_assert_int_eq(sipi_invite_to_iam(tt_ctx, &p, &in, NULL, &m), -SIPI_ERR_BAD_URI);
	ck_assert_ptr_null(m);
}
END_TEST

/* Conflict rule: body wins, except the Request-URI (retarget) and a
 * lower Max-Forwards; headers fill in what the body lacks. */
START_TEST(test_invite_to_iam_body)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI, NULL, "+49");
	struct isup_msg *body_iam = make_iam(ISUP_APRI_ALLOWED, ISUP_SCREEN_NETWORK, 0x0f, 5, false);
	struct sipi_body *b;
	struct sipi_body_result *r;
	struct sipi_invite_in in = {
		.request_uri = "tel:+4989999",
		.from = "<tel:+4969111>",
		.max_forwards = 70,
	};
	struct isup_msg *m;
	struct isup_number n;
	struct isup_cpc cpc;
	struct isup_hop_counter hop;

	p.isup_required = true;
	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, NULL, body_iam, &b), 0);
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, b->content_type, b->content_disposition, b->data, b->len,
					     &r), 0);
	ck_assert_int_eq(sipi_invite_to_iam(tt_ctx, &p, &in, r, &m), 0);
	ck_assert_int_eq(isup_msg_get_number(m, ISUP_PAR_CALLED, &n), 0);
	ck_assert_str_eq(n.digits, "4989999");	/* retargeted */
	ck_assert_int_eq(isup_msg_get_number(m, ISUP_PAR_CALLING, &n), 0);
	ck_assert_str_eq(n.digits, "6912345");	/* body wins */
	ck_assert_int_eq(isup_msg_get_bf(m, ISUP_PAR_CPC, &cpc, sizeof(cpc)), 0);
	ck_assert_uint_eq(cpc.category, 0x0f);
	ck_assert_int_eq(isup_msg_get_bf(m, ISUP_PAR_HOP_COUNTER, &hop, sizeof(hop)), 0);
	ck_assert_uint_eq(hop.count, 5);	/* body lower than 70/2 */
	talloc_free(m);

	in.max_forwards = 4;
	in.request_uri = "tel:+4930123456";
	ck_assert_int_eq(sipi_invite_to_iam(tt_ctx, &p, &in, r, &m), 0);
	ck_assert_int_eq(isup_msg_get_bf(m, ISUP_PAR_HOP_COUNTER, &hop, sizeof(hop)), 0);
	ck_assert_uint_eq(hop.count, 2);
	ck_assert_int_eq(isup_msg_get_number(m, ISUP_PAR_CALLED, &n), 0);
	ck_assert_str_eq(n.digits, "4930123456");
	talloc_free(m);

	/* plain SIP ignores the body even when it is there */
	p.mode = SIPI_MODE_SIP;
	in.request_uri = "tel:+4989999";
	ck_assert_int_eq(sipi_invite_to_iam(tt_ctx, &p, &in, r, &m), 0);
	ck_assert_int_eq(isup_msg_get_number(m, ISUP_PAR_CALLING, &n), 0);
	ck_assert_str_eq(n.digits, "4969111");
	talloc_free(m);
	talloc_free(r);
	talloc_free(b);
	talloc_free(body_iam);
}
END_TEST

START_TEST(test_redir_parse_errors)
{
	struct sipi_redirection r;

	ck_assert_int_eq(sipi_history_info_parse("garbage", &r), -SIPI_ERR_BAD_HEADER);
	ck_assert_int_eq(sipi_history_info_parse("<sip:+491@h;user=phone", &r), -SIPI_ERR_BAD_HEADER);
	/* no cause anywhere: no redirection */
	ck_assert_int_eq(sipi_history_info_parse("<tel:+491>;index=1,<tel:+492>;index=1.1", &r), 0);
	ck_assert(!r.has_redirecting);
	/* privacy escaped in the URI */
	ck_assert_int_eq(sipi_history_info_parse("<tel:+491?Privacy=history>;index=1,<tel:+492;cause=408>;index=1.1",
						 &r), 0);
	ck_assert(r.has_redirecting);
	ck_assert_uint_eq(r.redirecting.pres, ISUP_APRI_RESTRICTED);
	ck_assert_uint_eq(r.info.redirecting_ind, 4);
	ck_assert_uint_eq(r.info.reason, 2);
	ck_assert_int_eq(sipi_diversion_parse("<tel:+491>;reason=user-busy;privacy=full", &r), 0);
	ck_assert_uint_eq(r.redirecting.pres, ISUP_APRI_RESTRICTED);
	ck_assert_uint_eq(r.info.counter, 1);
	ck_assert_int_eq(sipi_diversion_parse("<mailto:x@y>", &r), -SIPI_ERR_BAD_HEADER);
	{
		char big[40 * 20] = "";
		int i;

		for (i = 0; i < 20; i++)
			strcat(big, "<tel:+491>;index=1,");
		ck_assert_int_eq(sipi_history_info_parse(big, &r), -SIPI_ERR_TOO_BIG);
	}
}
END_TEST

START_TEST(test_reason_rows)
{
	unsigned int n, i;
	const struct sipi_redir_reason_row *t = sipi_redir_reason_table(&n);

	ck_assert_uint_eq(n, 7);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(t[i].reason, i);
}
END_TEST

static struct isup_msg *msg_hex(const uint8_t *b, size_t n)
{
	struct isup_msg *m;

	ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ITU, b, n, &m, NULL), 0);
	return m;
}

START_TEST(test_progress)
{
	static const struct {
		uint8_t msg[8];
		size_t len;
		uint16_t status;
		bool sdp;
	} v[] = {
		/* ACM subscriber free -> 180 */
		{ { 0x06, 0x16, 0x14, 0x00 }, 4, 180, false },
		/* ACM no indication -> 183 */
		{ { 0x06, 0x12, 0x14, 0x00 }, 4, 183, false },
		/* ACM subscriber free + OBCI in-band -> 183 with SDP */
		{ { 0x06, 0x16, 0x14, 0x01, 0x29, 0x01, 0x01, 0x00 }, 8, 183, true },
		/* CPG alerting -> 180, progress -> 183, in-band -> 183+SDP */
		{ { 0x2c, 0x01, 0x00 }, 3, 180, false },
		{ { 0x2c, 0x02, 0x00 }, 3, 183, false },
		{ { 0x2c, 0x03, 0x00 }, 3, 183, true },
		/* CPG forwarded -> 181 */
		{ { 0x2c, 0x06, 0x00 }, 3, 181, false },
		{ { 0x2c, 0x04, 0x00 }, 3, 181, false },
	};
	struct sipi_progress pr;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++) {
		struct isup_msg *m = msg_hex(v[i].msg, v[i].len);

		ck_assert_int_eq(sipi_progress_from_isup(m, &pr), 0);
		ck_assert_msg(pr.status == v[i].status && pr.with_sdp == v[i].sdp, "vector %u: %u", i, pr.status);
		talloc_free(m);
	}
	{
		struct isup_msg *m = msg_hex((const uint8_t[]){ 0x09, 0x00 }, 2);

		ck_assert_int_eq(sipi_progress_from_isup(m, &pr), -SIPI_ERR_INVAL);
		talloc_free(m);
	}
}
END_TEST

START_TEST(test_backward_from_progress)
{
	struct isup_bci bci;
	struct isup_obci obci;
	bool has;

	sipi_backward_from_progress(180, false, &bci, &obci, &has);
	ck_assert_uint_eq(bci.called_status, 1);
	ck_assert_uint_eq(bci.charge, 2);
	ck_assert_uint_eq(bci.interworking, 1);
	ck_assert(!has);
	sipi_backward_from_progress(183, true, &bci, &obci, &has);
	ck_assert_uint_eq(bci.called_status, 0);
	ck_assert(has);
	ck_assert_uint_eq(obci.inband_info, 1);
}
END_TEST

START_TEST(test_midcall)
{
	struct isup_msg *cpg = isup_msg_alloc(tt_ctx, ISUP_VARIANT_ITU, ISUP_MSG_CPG);
	struct isup_msg *acm = isup_msg_alloc(tt_ctx, ISUP_VARIANT_ITU, ISUP_MSG_ACM);
	const struct isup_param *par;

	ck_assert(sipi_info_carries(ISUP_MSG_CPG));
	ck_assert(sipi_info_carries(ISUP_MSG_SUS));
	ck_assert(sipi_info_carries(ISUP_MSG_RES));
	ck_assert(!sipi_info_carries(ISUP_MSG_IAM));
	ck_assert(!sipi_info_carries(ISUP_MSG_REL));
	ck_assert(!sipi_info_carries(ISUP_MSG_ANM));
	/* hold: event progress, generic notification remote hold (0x79) */
	ck_assert_int_eq(sipi_hold_cpg(cpg, true), 0);
	par = isup_msg_find_param(cpg, ISUP_PAR_EVENT_INFO);
	ck_assert(par && par->len == 1 && par->data[0] == 0x02);
	par = isup_msg_find_param(cpg, ISUP_PAR_GENERIC_NOTIF);
	ck_assert(par && par->len == 1 && par->data[0] == 0xf9);
	/* retrieval replaces it: 0x7a */
	ck_assert_int_eq(sipi_hold_cpg(cpg, false), 0);
	par = isup_msg_find_param(cpg, ISUP_PAR_GENERIC_NOTIF);
	ck_assert(par && par->len == 1 && par->data[0] == 0xfa);
	ck_assert_int_eq(sipi_hold_cpg(acm, true), -SIPI_ERR_INVAL);
	/* and read back: retrieval, hold, neither, no CPG */
	ck_assert_int_eq(sipi_cpg_hold(cpg), 0);
	ck_assert_int_eq(sipi_hold_cpg(cpg, true), 0);
	ck_assert_int_eq(sipi_cpg_hold(cpg), 1);
	{
		/* "call is diverting" (0x7b, extended) then remote hold, last */
		static const uint8_t two[] = { 0x7b, 0xf9 };
		static const uint8_t other[] = { 0xfb };

		ck_assert_int_ge(isup_msg_set_param(cpg, ISUP_PAR_GENERIC_NOTIF, two, 2), 0);
		ck_assert_int_eq(sipi_cpg_hold(cpg), 1);
		ck_assert_int_ge(isup_msg_set_param(cpg, ISUP_PAR_GENERIC_NOTIF, other, 1), 0);
		ck_assert_int_eq(sipi_cpg_hold(cpg), -SIPI_ERR_INVAL);
		ck_assert_int_ge(isup_msg_del_param(cpg, ISUP_PAR_GENERIC_NOTIF), 0);
		ck_assert_int_eq(sipi_cpg_hold(cpg), -SIPI_ERR_INVAL);
	}
	ck_assert_int_eq(sipi_cpg_hold(acm), -SIPI_ERR_INVAL);
	talloc_free(cpg);
	talloc_free(acm);
}
END_TEST

START_TEST(test_profiles)
{
	struct sipi_profile p;
	unsigned int n, i;
	const struct sipi_hdr_row *t = sipi_hdr_table(&n);

	ck_assert_uint_eq(n, _NUM_SIPI_HDR);
	for (i = 0; i < n; i++)
		ck_assert_uint_eq(t[i].hdr, i);
	sipi_profile_init(&p, SIPI_MODE_SIP);
	ck_assert(!sipi_profile_encapsulates(&p));
	ck_assert(sipi_profile_maps(&p, SIPI_HDR_PAI));
	sipi_profile_init(&p, SIPI_MODE_SIPT);
	ck_assert(sipi_profile_encapsulates(&p));
	ck_assert(!sipi_profile_maps(&p, SIPI_HDR_PAI));
	ck_assert_int_eq(p.cause_map, SIPI_MAP_RFC3398);
	sipi_profile_init(&p, SIPI_MODE_SIPI);
	ck_assert(sipi_profile_encapsulates(&p));
	ck_assert(sipi_profile_maps(&p, SIPI_HDR_HISTORY_INFO));
	ck_assert(!sipi_profile_maps(&p, SIPI_HDR_DIVERSION));
	ck_assert_int_eq(p.cause_map, SIPI_MAP_Q1912);
	p.mode = _NUM_SIPI_MODE;
	ck_assert(!sipi_profile_maps(&p, SIPI_HDR_RURI_TO));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sipi_map");
	TCase *tc = tt_tcase(s, "map");

	tcase_add_loop_test(tc, test_number_forms, 0, ARRAY_SIZE(numforms));
	tcase_add_test(tc, test_number_uri_reading);
	tcase_add_test(tc, test_number_errors);
	tcase_add_test(tc, test_contact_from_cause_22);
	tcase_add_test(tc, test_cpc_table);
	tcase_add_test(tc, test_hop_counter);
	tcase_add_test(tc, test_iam_to_invite);
	tcase_add_test(tc, test_invite_to_iam_headers);
	tcase_add_test(tc, test_invite_to_iam_body);
	tcase_add_test(tc, test_redir_parse_errors);
	tcase_add_test(tc, test_reason_rows);
	tcase_add_test(tc, test_progress);
	tcase_add_test(tc, test_backward_from_progress);
	tcase_add_test(tc, test_midcall);
	tcase_add_test(tc, test_profiles);
	return tt_run(s);
}
