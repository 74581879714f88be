/* sipi-gen: write SIP-I messages built by the sipi_ library, for the
 * tshark agreement test (tests/system/test_sipi_tshark.py).
 *
 *   sipi-gen DIR
 *
 * writes DIR/NAME.sip (one complete SIP message each: INVITE+IAM,
 * 183+ACM, 486+REL, BYE+REL, INFO+SAM) and prints one line per message:
 * NAME FILE.  The inputs are fixed; the test knows what they are.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "isup/isup_params.h"
#include "isup/sipi_body.h"
#include "isup/sipi_call.h"
#include "isup/sipi_cause.h"
#include "isup/sipi_reason.h"

static const char sdp[] = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
			  "m=audio 4000 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\n";

static void die(const char *what, int rc)
{
	fprintf(stderr, "sipi-gen: %s failed (%d)\n", what, rc);
	exit(1);
}

static struct isup_msg *decode(void *ctx, const uint8_t *b, size_t n)
{
	struct isup_msg *m;
	int rc = isup_decode(ctx, ISUP_VARIANT_ITU, b, n, &m, NULL);

	if (rc < 0)
		die("isup_decode", rc);
	return m;
}

/* Write start line + headers + our body headers + body. */
static void emit(void *ctx, const char *dir, const char *name, const char *start, const char *hdrs,
		 const struct sipi_body *b)
{
	char *path = talloc_asprintf(ctx, "%s/%s.sip", dir, name);
	FILE *f = fopen(path, "wb");

	if (!f)
		die(path, -1);
	fprintf(f, "%s\r\n%s", start, hdrs);
	if (b->mime_version)
		fprintf(f, "MIME-Version: %s\r\n", b->mime_version);
	fprintf(f, "Content-Type: %s\r\n", b->content_type);
	if (b->content_disposition)
		fprintf(f, "Content-Disposition: %s\r\n", b->content_disposition);
	fprintf(f, "Content-Length: %zu\r\n\r\n", b->len);
	fwrite(b->data, 1, b->len, f);
	fclose(f);
	printf("%s %s\n", name, path);
}

static char *dialog(void *ctx, const char *method, int cseq, const char *extra)
{
	return talloc_asprintf(ctx,
			       "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-sipi-%s\r\n"
			       "Call-ID: sipi-gen@127.0.0.1\r\nCSeq: %d %s\r\n%s",
			       method, cseq, method, extra);
}

int main(int argc, char **argv)
{
	void *ctx = talloc_named_const(NULL, 0, "sipi-gen");
	struct sipi_profile p;
	struct sipi_invite_hdrs *h;
	struct sipi_progress pr;
	struct sipi_body *b;
	struct isup_msg *m;
	struct isup_number n = { .nai = ISUP_NAI_INTERNATIONAL, .npi = ISUP_NPI_E164, .inn_ni = 1 };
	char reason[128], *hdrs;
	int rc;
	/* IAM skeleton: NCI 00, FCI 2001, CPC 0a, TMR 00, CdPN set below */
	static const uint8_t iam0[] = { 0x01, 0x00, 0x20, 0x01, 0x0a, 0x00, 0x02, 0x00, 0x02, 0x84, 0x10 };
	/* ACM: BCI charge, subscriber free, ordinary; OBCI in-band info */
	static const uint8_t acm[] = { 0x06, 0x16, 0x14, 0x01, 0x29, 0x01, 0x01, 0x00 };
	/* SAM: subsequent number 78 */
	static const uint8_t sam[] = { 0x02, 0x02, 0x00, 0x02, 0x00, 0x87 };
	struct isup_cause cause = { .location = SIPI_LOC_LN };

	if (argc != 2) {
		fprintf(stderr, "usage: sipi-gen DIR\n");
		return 2;
	}
	sipi_profile_init(&p, SIPI_MODE_SIPI);
	p.host = "127.0.0.1";
	p.phone_context = "+49";
	p.isup_required = true;

	/* INVITE + IAM: headers mapped from the IAM, IAM encapsulated */
	m = decode(ctx, iam0, sizeof(iam0));
	strcpy(n.digits, "4930123456");
	if (isup_msg_set_number(m, ISUP_PAR_CALLED, &n) < 0)
		die("set CdPN", -1);
	n = (struct isup_number){ .nai = ISUP_NAI_NATIONAL, .npi = 1, .screen = ISUP_SCREEN_NETWORK };
	strcpy(n.digits, "6912345");
	if (isup_msg_set_number(m, ISUP_PAR_CALLING, &n) < 0)
		die("set CgPN", -1);
	if (isup_msg_set_param(m, ISUP_PAR_HOP_COUNTER, (const uint8_t[]){ 12 }, 1) < 0)
		die("set hop", -1);
	rc = sipi_iam_to_invite(ctx, &p, m, &h);
	if (rc < 0)
		die("sipi_iam_to_invite", rc);
	rc = sipi_body_build(ctx, &p, sdp, m, &b);
	if (rc < 0)
		die("sipi_body_build", rc);
	hdrs = talloc_asprintf(ctx, "From: %s;tag=a\r\nTo: %s\r\nP-Asserted-Identity: %s\r\nMax-Forwards: %u\r\n",
			       h->from, h->to, h->p_asserted_identity, h->max_forwards);
	emit(ctx, argv[1], "invite-iam", talloc_asprintf(ctx, "INVITE %s SIP/2.0", h->request_uri),
	     dialog(ctx, "INVITE", 1, hdrs), b);

	/* 183 + ACM */
	m = decode(ctx, acm, sizeof(acm));
	rc = sipi_progress_from_isup(m, &pr);
	if (rc < 0 || !pr.with_sdp)
		die("sipi_progress_from_isup", rc);
	rc = sipi_body_build(ctx, &p, sdp, m, &b);
	if (rc < 0)
		die("sipi_body_build", rc);
	emit(ctx, argv[1], "progress-acm", talloc_asprintf(ctx, "SIP/2.0 %u Session Progress", pr.status),
	     dialog(ctx, "INVITE", 1, "From: <sip:a@127.0.0.1>;tag=a\r\nTo: <sip:b@127.0.0.1>;tag=b\r\n"), b);

	/* 486 + REL cause 17: status and Reason from the tables */
	cause.value = 17;
	m = isup_msg_alloc(ctx, ISUP_VARIANT_ITU, ISUP_MSG_REL);
	if (!m || isup_msg_set_cause(m, &cause) < 0)
		die("REL", -1);
	if (sipi_reason_format(reason, sizeof(reason), cause.value, cause.location, NULL) < 0)
		die("reason", -1);
	rc = sipi_body_build(ctx, &p, NULL, m, &b);
	if (rc < 0)
		die("sipi_body_build", rc);
	emit(ctx, argv[1], "busy-rel",
	     talloc_asprintf(ctx, "SIP/2.0 %u Busy Here", sipi_status_from_cause(p.cause_map, 17, cause.location)),
	     dialog(ctx, "INVITE", 1,
		    talloc_asprintf(ctx, "From: <sip:a@127.0.0.1>;tag=a\r\nTo: <sip:b@127.0.0.1>;tag=b\r\n"
					 "Reason: %s\r\n", reason)),
	     b);

	/* BYE + REL cause 16 */
	cause.value = 16;
	m = isup_msg_alloc(ctx, ISUP_VARIANT_ITU, ISUP_MSG_REL);
	if (!m || isup_msg_set_cause(m, &cause) < 0)
		die("REL", -1);
	sipi_reason_format(reason, sizeof(reason), cause.value, cause.location, NULL);
	rc = sipi_body_build(ctx, &p, NULL, m, &b);
	if (rc < 0)
		die("sipi_body_build", rc);
	emit(ctx, argv[1], "bye-rel", "BYE sip:b@127.0.0.1 SIP/2.0",
	     dialog(ctx, "BYE", 2,
		    talloc_asprintf(ctx, "From: <sip:a@127.0.0.1>;tag=a\r\nTo: <sip:b@127.0.0.1>;tag=b\r\n"
					 "Max-Forwards: 70\r\nReason: %s\r\n", reason)),
	     b);

	/* INFO + SAM */
	m = decode(ctx, sam, sizeof(sam));
	rc = sipi_body_build(ctx, &p, NULL, m, &b);
	if (rc < 0)
		die("sipi_body_build", rc);
	emit(ctx, argv[1], "info-sam", "INFO sip:b@127.0.0.1 SIP/2.0",
	     dialog(ctx, "INFO", 3, "From: <sip:a@127.0.0.1>;tag=a\r\nTo: <sip:b@127.0.0.1>;tag=b\r\nMax-Forwards: 70\r\n"),
	     b);

	talloc_free(ctx);
	return 0;
}
