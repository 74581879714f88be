/* Unit tests: SIP-I/SIP-T bodies, build and parse, variants, robustness.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/msg_buffer.h>
#include <sofia-sip/sip_header.h>

#include "tests/unit/testlib.h"
#include "isup/isup_params.h"
#include "isup/sipi_body.h"
#include "isup/sipi_err.h"

#define HAS(b, str) (memmem((b)->data, (b)->len, str, strlen(str)) != NULL)

static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			  "m=audio 4000 RTP/AVP 8\r\n";

/* REL, cause 17 location LN: contains NUL octets */
static const uint8_t rel[] = { 0x0c, 0x02, 0x00, 0x02, 0x82, 0x91 };
/* IAM: NCI 00, FCI 2001, CPC 0a, TMR 03, CdPN 0310 214365 */
static const uint8_t iam[] = { 0x01, 0x00, 0x20, 0x01, 0x0a, 0x03, 0x02, 0x00, 0x05, 0x03, 0x10, 0x21, 0x43, 0x65 };

static struct isup_msg *decode(const uint8_t *b, size_t n)
{
	struct isup_msg *m;

	ck_assert_int_eq(isup_decode(tt_ctx, ISUP_VARIANT_ITU, b, n, &m, NULL), 0);
	return m;
}

static struct sipi_profile prof(enum sipi_mode mode)
{
	struct sipi_profile p;

	sipi_profile_init(&p, mode);
	p.isup_required = true;
	return p;
}

START_TEST(test_build_parse_multipart)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI);
	struct sipi_body *b;
	struct sipi_body_result *r;
	struct isup_msg *m = decode(iam, sizeof(iam));

	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, sdp, m, &b), 0);
	ck_assert_ptr_nonnull(b);
	ck_assert_str_eq(b->content_type, "multipart/mixed;boundary=tandem-sipi-0");
	ck_assert_str_eq(b->mime_version, "1.0");
	ck_assert_ptr_null(b->content_disposition);
	ck_assert(HAS(b, "--tandem-sipi-0\r\nContent-Type: application/sdp\r\n\r\nv=0"));
	ck_assert(HAS(b, "\r\n--tandem-sipi-0\r\nContent-Type: application/ISUP;version=itu-t92+\r\n"));
	ck_assert(HAS(b, "Content-Disposition: signal;handling=required\r\n\r\n"));
	ck_assert_ptr_nonnull(memmem(b->data, b->len, iam, sizeof(iam)));
	ck_assert(HAS(b, "\r\n--tandem-sipi-0--\r\n"));

	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, b->content_type, NULL, b->data, b->len, &r), 0);
	ck_assert_uint_eq(r->num_parts, 2);
	ck_assert_str_eq(r->sdp, sdp);
	ck_assert(r->has_isup && r->isup_required && !r->isup_ignored);
	ck_assert_str_eq(r->isup_version, "itu-t92+");
	ck_assert_ptr_null(r->isup_base);
	ck_assert_int_eq(r->variant, ISUP_VARIANT_ITU);
	ck_assert_ptr_nonnull(r->isup);
	ck_assert(isup_msg_equal(r->isup, m));
	talloc_free(r);
	talloc_free(b);
	talloc_free(m);
}
END_TEST

START_TEST(test_build_single)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPT);
	struct sipi_body *b;
	struct sipi_body_result *r;
	struct isup_msg *m = decode(rel, sizeof(rel));

	p.isup_required = false;
	p.isup_base = "itu-t92+";
	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, NULL, m, &b), 0);
	ck_assert_str_eq(b->content_type, "application/ISUP;version=itu-t92+;base=itu-t92+");
	ck_assert_str_eq(b->content_disposition, "signal;handling=optional");
	ck_assert_ptr_null(b->mime_version);
	ck_assert_uint_eq(b->len, sizeof(rel));
	ck_assert(memcmp(b->data, rel, sizeof(rel)) == 0);
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, b->content_type, b->content_disposition, b->data, b->len,
					     &r), 0);
	ck_assert(r->has_isup && !r->isup_required);
	ck_assert_uint_eq(r->isup->type, ISUP_MSG_REL);
	ck_assert_str_eq(r->isup_base, "itu-t92+");
	talloc_free(r);
	talloc_free(b);

	/* SDP alone */
	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, sdp, NULL, &b), 0);
	ck_assert_str_eq(b->content_type, "application/sdp");
	ck_assert_uint_eq(b->len, strlen(sdp));
	talloc_free(b);
	/* nothing */
	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, NULL, NULL, &b), 0);
	ck_assert_ptr_null(b);

	/* plain SIP never sends the ISUP part */
	p = prof(SIPI_MODE_SIP);
	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, sdp, m, &b), 0);
	ck_assert_str_eq(b->content_type, "application/sdp");
	talloc_free(b);
	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, NULL, m, &b), 0);
	ck_assert_ptr_null(b);
	talloc_free(m);
}
END_TEST

/* A body as other gateways write it: quoted boundary, odd letter case,
 * preamble and epilogue, a third part that may be ignored. */
START_TEST(test_parse_foreign)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI);
	struct sipi_body_result *r;
	char body[1024];
	size_t n = 0;

	n += sprintf(body + n, "This is a preamble.\r\n--Unique \"B\"\r\n");
	n += sprintf(body + n, "Content-Type: Application/SDP\r\n\r\n%s\r\n", sdp);
	n += sprintf(body + n, "--Unique \"B\"\r\n");
	n += sprintf(body + n, "content-type: APPLICATION/isup; version=ansi00; base=ansi00\r\n"
			       "Content-Disposition: signal; handling=required\r\n\r\n");
	/* ANSI REL: cause 16 coding standard national, location LN */
	memcpy(body + n, "\x0c\x02\x00\x02\xc2\x90", 6);
	n += 6;
	n += sprintf(body + n, "\r\n--Unique \"B\"\r\nContent-Type: text/plain\r\n"
			       "Content-Disposition: render;handling=optional\r\n\r\nhello\r\n");
	n += sprintf(body + n, "--Unique \"B\"--\r\nThis is the epilogue.\r\n");

	/* a quoted boundary with quoted-pairs */
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "MULTIPART/MIXED; boundary=\"Unique \\\"B\\\"\"", NULL,
					     (uint8_t *)body, n, &r), 0);
	ck_assert_uint_eq(r->num_parts, 3);
	ck_assert_int_eq(r->variant, ISUP_VARIANT_ANSI);
	talloc_free(r);
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "multipart/mixed;boundary=X", NULL, (uint8_t *)body, n, &r),
			 -SIPI_ERR_NO_BOUNDARY);
	/* the quoted boundary with a space, unquoted by Sofia */
	n = 0;
	n += sprintf(body + n, "preamble\r\n--a b\r\nContent-Type: Application/SDP\r\n\r\n%s\r\n--a b\r\n", sdp);
	n += sprintf(body + n, "content-type: APPLICATION/isup; version=ansi00; base=ansi00\r\n"
			       "Content-Disposition: signal; handling=required\r\n\r\n");
	memcpy(body + n, "\x0c\x02\x00\x02\xc2\x90", 6);
	n += 6;
	n += sprintf(body + n, "\r\n--a b\r\nContent-Type: text/plain\r\n"
			       "Content-Disposition: render;handling=optional\r\n\r\nhello\r\n--a b--\r\nepilogue\r\n");
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "MULTIPART/MIXED; boundary=\"a b\"", NULL, (uint8_t *)body,
					     n, &r), 0);
	ck_assert_uint_eq(r->num_parts, 3);
	ck_assert_str_eq(r->sdp, sdp);
	ck_assert_int_eq(r->variant, ISUP_VARIANT_ANSI);
	ck_assert_uint_eq(r->isup->type, ISUP_MSG_REL);
	talloc_free(r);

	/* unquoted boundary, LF-only line ends */
	n = 0;
	n += sprintf(body + n, "--zz\nContent-Type: application/sdp\n\n%s\n--zz\n", sdp);
	n += sprintf(body + n, "Content-Type: application/ISUP;version=itu-t92+\n\n");
	memcpy(body + n, rel, sizeof(rel));
	n += sizeof(rel);
	n += sprintf(body + n, "\n--zz--\n");
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "multipart/mixed;boundary=zz", NULL, (uint8_t *)body, n, &r),
			 0);
	ck_assert(r->isup_required);	/* no Content-Disposition: required */
	ck_assert_uint_eq(r->isup_len, sizeof(rel));
	ck_assert_uint_eq(r->isup->type, ISUP_MSG_REL);
	talloc_free(r);
}
END_TEST

START_TEST(test_variants)
{
	static const struct {
		const char *version, *base;
		int variant;
	} v[] = {
		{ "itu-t92+", NULL, ISUP_VARIANT_ITU },	   { "ITU-T88", NULL, ISUP_VARIANT_ITU },
		{ "etsi121", NULL, ISUP_VARIANT_ITU },	   { "etsiv3", NULL, ISUP_VARIANT_ITU },
		{ "ansi00", NULL, ISUP_VARIANT_ANSI },	   { "ansi92", NULL, ISUP_VARIANT_ANSI },
		{ "gr317", NULL, ISUP_VARIANT_ANSI },	   { "chn", NULL, ISUP_VARIANT_CHINA },
		{ "chn2000", NULL, ISUP_VARIANT_CHINA },   { "ttc87", "itu-t88", ISUP_VARIANT_ITU },
		{ "nxx", "ansi95", ISUP_VARIANT_ANSI },	   { NULL, "etsi121", ISUP_VARIANT_ITU },
		{ "ttc87", NULL, -SIPI_ERR_UNSUPPORTED_VERSION },
		{ NULL, NULL, -SIPI_ERR_UNSUPPORTED_VERSION },
		{ "gr3170", NULL, -SIPI_ERR_UNSUPPORTED_VERSION },
		{ "spirou", "foo", -SIPI_ERR_UNSUPPORTED_VERSION },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(v); i++)
		ck_assert_msg(sipi_variant_from_params(v[i].version, v[i].base) == v[i].variant, "row %u", i);
	ck_assert_str_eq(sipi_variant_default_version(ISUP_VARIANT_ANSI), "ansi00");
	ck_assert_int_eq(sipi_variant_from_params(sipi_variant_default_version(ISUP_VARIANT_CHINA), NULL),
			 ISUP_VARIANT_CHINA);
}
END_TEST

/* RFC 3204 section 5: required and unknown -> 415 with Accept; optional
 * and unknown -> the part is ignored. */
START_TEST(test_unsupported_version)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI);
	struct sipi_body_result *r;
	struct sipi_reaction re;

	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "application/ISUP;version=ttc87", "signal;handling=required",
					     rel, sizeof(rel), &r), -SIPI_ERR_UNSUPPORTED_VERSION);
	ck_assert_ptr_null(r);
	sipi_body_reaction(-SIPI_ERR_UNSUPPORTED_VERSION, &re);
	ck_assert_uint_eq(re.status, 415);
	ck_assert_ptr_nonnull(strstr(re.accept, "application/ISUP;version=itu-t92+"));
	ck_assert_uint_eq(re.cause, 127);

	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "application/ISUP;version=ttc87", "signal;handling=optional",
					     rel, sizeof(rel), &r), 0);
	ck_assert(r->has_isup && r->isup_ignored);
	ck_assert_int_eq(r->isup_rc, -SIPI_ERR_UNSUPPORTED_VERSION);
	ck_assert_ptr_null(r->isup);
	talloc_free(r);

	/* an unknown required part type */
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "application/x-foo", "render;handling=required",
					     (const uint8_t *)"x", 1, &r), -SIPI_ERR_UNSUPPORTED_TYPE);
	sipi_body_reaction(-SIPI_ERR_UNSUPPORTED_TYPE, &re);
	ck_assert_uint_eq(re.status, 415);
	sipi_body_reaction(-SIPI_ERR_TOO_BIG, &re);
	ck_assert_uint_eq(re.status, 413);
	sipi_body_reaction(-SIPI_ERR_MULTIPART, &re);
	ck_assert_uint_eq(re.status, 400);
	ck_assert_ptr_null(re.accept);
}
END_TEST

START_TEST(test_plain_sip_ignores_isup)
{
	struct sipi_profile p = prof(SIPI_MODE_SIP);
	struct sipi_body_result *r;

	/* even a required part of an unknown version: never looked at */
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "application/ISUP;version=ttc87", "signal;handling=required",
					     rel, sizeof(rel), &r), 0);
	ck_assert(r->has_isup && r->isup_ignored);
	ck_assert_ptr_null(r->isup);
	talloc_free(r);
}
END_TEST

/* Robustness: each broken body gives its error code. */
static const struct broken {
	const char *name;
	const char *ct;
	const char *cd;
	const char *body;
	size_t len;	/* 0: strlen(body) */
	int rc;
} broken[] = {
	{ "no boundary parameter", "multipart/mixed", NULL, "--x\r\n\r\nabc\r\n--x--\r\n", 0, -SIPI_ERR_NO_BOUNDARY },
	{ "empty boundary", "multipart/mixed;boundary=\"\"", NULL, "--\r\n\r\n--", 0, -SIPI_ERR_NO_BOUNDARY },
	{ "boundary not in body", "multipart/mixed;boundary=x", NULL, "just text\r\n", 0, -SIPI_ERR_NO_BOUNDARY },
	{ "no close delimiter", "multipart/mixed;boundary=x", NULL,
	  "--x\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n", 0, -SIPI_ERR_MULTIPART },
	{ "truncated after delimiter", "multipart/mixed;boundary=x", NULL, "--x", 0, -SIPI_ERR_MULTIPART },
	{ "empty multipart", "multipart/mixed;boundary=x", NULL, "", 0, -SIPI_ERR_MULTIPART },
	{ "nested multipart", "multipart/mixed;boundary=x", NULL,
	  "--x\r\nContent-Type: multipart/mixed;boundary=y\r\n\r\n--y\r\n\r\n--y--\r\n--x--\r\n", 0,
	  -SIPI_ERR_NESTED },
	{ "NUL in part headers", "multipart/mixed;boundary=x", NULL,
	  "--x\r\nContent-Type: application/ISUP;version=itu-t92+\r\n\x0c\x02", 0, -SIPI_ERR_MULTIPART },
	{ "empty ISUP part", "multipart/mixed;boundary=x", NULL,
	  "--x\r\nContent-Type: application/ISUP;version=itu-t92+\r\n\r\n\r\n--x--\r\n", 0, -SIPI_ERR_EMPTY_PART },
	{ "truncated ISUP part", "multipart/mixed;boundary=x", NULL,
	  "--x\r\nContent-Type: application/ISUP;version=itu-t92+\r\n\r\n\x0c\x02\r\n--x--\r\n", 0,
	  -SIPI_ERR_ISUP },
	{ "two SDP parts", "multipart/mixed;boundary=x", NULL,
	  "--x\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n--x\r\nContent-Type: application/sdp\r\n\r\nv=0\r\n"
	  "--x--\r\n", 0, -SIPI_ERR_DUPLICATE },
	{ "too many parts", "multipart/mixed;boundary=x", NULL,
	  "--x\r\n\r\na\r\n--x\r\n\r\na\r\n--x\r\n\r\na\r\n--x\r\n\r\na\r\n--x\r\n\r\na\r\n--x\r\n\r\na\r\n"
	  "--x\r\n\r\na\r\n--x\r\n\r\na\r\n--x\r\n\r\na\r\n--x--\r\n", 0, -SIPI_ERR_TOO_BIG },
	{ "empty single ISUP body", "application/ISUP;version=itu-t92+", "signal;handling=required", "", 0,
	  -SIPI_ERR_EMPTY_PART },
	{ "truncated single ISUP body", "application/ISUP;version=itu-t92+", NULL, "\x01\x00\x20", 0,
	  -SIPI_ERR_ISUP },
	{ "bad Content-Type", "garbage", NULL, "x", 0, -SIPI_ERR_BAD_HEADER },
	{ "body without Content-Type", NULL, NULL, "x", 0, -SIPI_ERR_UNSUPPORTED_TYPE },
};

START_TEST(test_broken)
{
	const struct broken *b = &broken[_i];
	struct sipi_profile p = prof(SIPI_MODE_SIPI);
	struct sipi_body_result *r = (void *)1;
	size_t len = b->len ? b->len : strlen(b->body);

	ck_assert_msg(sipi_body_parse_raw(tt_ctx, &p, b->ct, b->cd, (const uint8_t *)b->body, len, &r) == b->rc,
		      "%s", b->name);
	ck_assert_ptr_null(r);
}
END_TEST

START_TEST(test_oversized)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI);
	struct sipi_body_result *r;
	size_t n = SIPI_BODY_MAX + 1;
	uint8_t *big = talloc_zero_size(tt_ctx, n);
	char *body;

	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "application/ISUP;version=itu-t92+", NULL, big, n, &r),
			 -SIPI_ERR_TOO_BIG);
	/* an ISUP part over ISUP_MAX_MSG_LEN inside a body under the limit */
	body = talloc_asprintf(tt_ctx, "--x\r\nContent-Type: application/ISUP;version=itu-t92+\r\n\r\n");
	body = talloc_realloc(tt_ctx, body, char, strlen(body) + ISUP_MAX_MSG_LEN + 32);
	n = strlen(body);
	memset(body + n, 0x01, ISUP_MAX_MSG_LEN + 1);
	n += ISUP_MAX_MSG_LEN + 1;
	memcpy(body + n, "\r\n--x--\r\n", 9);
	n += 9;
	ck_assert_int_eq(sipi_body_parse_raw(tt_ctx, &p, "multipart/mixed;boundary=x", NULL, (uint8_t *)body, n, &r),
			 -SIPI_ERR_TOO_BIG);
	talloc_free(body);
	talloc_free(big);
}
END_TEST

/* A whole SIP message parsed by Sofia, then handed over as sip_t. */
START_TEST(test_parse_sip_t)
{
	struct sipi_profile p = prof(SIPI_MODE_SIPI);
	struct sipi_body *b;
	struct sipi_body_result *r;
	struct isup_msg *m = decode(iam, sizeof(iam));
	char *head;
	size_t hl;
	msg_t *msg;
	int n;

	ck_assert_int_eq(sipi_body_build(tt_ctx, &p, sdp, m, &b), 0);
	head = talloc_asprintf(tt_ctx,
			       "INVITE sip:+4930123@127.0.0.1;user=phone SIP/2.0\r\n"
			       "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK1\r\n"
			       "From: <sip:a@127.0.0.1>;tag=1\r\nTo: <sip:+4930123@127.0.0.1;user=phone>\r\n"
			       "Call-ID: 1@127.0.0.1\r\nCSeq: 1 INVITE\r\nMax-Forwards: 70\r\n"
			       "MIME-Version: %s\r\nContent-Type: %s\r\nContent-Length: %zu\r\n\r\n",
			       b->mime_version, b->content_type, b->len);
	hl = strlen(head);
	msg = msg_create(sip_default_mclass(), 0);
	ck_assert_ptr_nonnull(msg);
	{
		char *buf = msg_buf_alloc(msg, hl + b->len + 1);

		memcpy(buf, head, hl);
		memcpy(buf + hl, b->data, b->len);
		msg_buf_commit(msg, hl + b->len, 1);
	}
	n = msg_extract(msg);
	ck_assert_int_gt(n, 0);
	ck_assert_int_eq(sipi_body_parse(tt_ctx, &p, sip_object(msg), &r), 0);
	ck_assert_str_eq(r->sdp, sdp);
	ck_assert(isup_msg_equal(r->isup, m));
	talloc_free(r);
	msg_destroy(msg);
	talloc_free(head);
	talloc_free(b);
	talloc_free(m);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sipi_body");
	TCase *tc = tt_tcase(s, "body");

	tcase_add_test(tc, test_build_parse_multipart);
	tcase_add_test(tc, test_build_single);
	tcase_add_test(tc, test_parse_foreign);
	tcase_add_test(tc, test_variants);
	tcase_add_test(tc, test_unsupported_version);
	tcase_add_test(tc, test_plain_sip_ignores_isup);
	tcase_add_loop_test(tc, test_broken, 0, ARRAY_SIZE(broken));
	tcase_add_test(tc, test_oversized);
	tcase_add_test(tc, test_parse_sip_t);
	return tt_run(s);
}
