/* ISUP codec benchmark: decode+encode of IAM, ACM, ANM and REL, in ns per
 * message, against Sofia-SIP parsing an INVITE with SDP measured in the same
 * run.  The ratio is what matters (the goal: an IAM at least 10x faster than
 * the INVITE parse); absolute times depend on the machine.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/msg.h>
#include <sofia-sip/sip.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/su.h>
#include <talloc.h>

#include "isup/isup_msg.h"

static const char invite[] =
	"INVITE sip:+4930123456@gw.example.net;user=phone SIP/2.0\r\n"
	"Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds\r\n"
	"Max-Forwards: 70\r\n"
	"To: <sip:+4930123456@gw.example.net;user=phone>\r\n"
	"From: \"Alice\" <sip:+4940555123@192.0.2.10;user=phone>;tag=1928301774\r\n"
	"Call-ID: a84b4c76e66710@pc33.example.net\r\n"
	"CSeq: 314159 INVITE\r\n"
	"Contact: <sip:+4940555123@192.0.2.10:5060>\r\n"
	"P-Asserted-Identity: <sip:+4940555123@192.0.2.10;user=phone>\r\n"
	"Allow: INVITE, ACK, BYE, CANCEL, OPTIONS, INFO, PRACK, UPDATE\r\n"
	"Supported: 100rel, timer\r\n"
	"Content-Type: application/sdp\r\n"
	"Content-Length: 228\r\n"
	"\r\n"
	"v=0\r\n"
	"o=- 20518 0 IN IP4 192.0.2.10\r\n"
	"s=-\r\n"
	"c=IN IP4 192.0.2.10\r\n"
	"t=0 0\r\n"
	"m=audio 49170 RTP/AVP 8 0 18 101\r\n"
	"a=rtpmap:8 PCMA/8000\r\n"
	"a=rtpmap:0 PCMU/8000\r\n"
	"a=rtpmap:18 G729/8000\r\n"
	"a=fmtp:18 annexb=no\r\n"
	"a=rtpmap:101 telephone-event/8000\r\n"
	"a=ptime:20\r\n";

/* ITU messages as they come over M3UA (CIC first). */
static const uint8_t iam[] = { 0x01, 0x00, 0x01, 0x00, 0x20, 0x01, 0x0a, 0x00, 0x02, 0x09, 0x07,
			       0x03, 0x10, 0x21, 0x43, 0x65, 0x87, 0x09, 0x0a, 0x08, 0x83, 0x13,
			       0x21, 0x43, 0x65, 0x87, 0x09, 0x00, 0x3d, 0x01, 0x1f, 0x00 };
static const uint8_t acm[] = { 0x01, 0x00, 0x06, 0x16, 0x14, 0x01, 0x29, 0x01, 0x01, 0x00 };
static const uint8_t anm[] = { 0x01, 0x00, 0x09, 0x00 };
static const uint8_t rel[] = { 0x01, 0x00, 0x0c, 0x02, 0x00, 0x02, 0x8a, 0x90 };

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static double bench_isup(const uint8_t *buf, size_t len, long iters)
{
	void *ctx = talloc_named_const(NULL, 0, "bench");
	uint8_t out[512];
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		struct isup_msg *msg;

		if (isup_decode_cic(ctx, ISUP_VARIANT_ITU, buf, len, &msg, NULL) < 0 ||
		    isup_encode_cic(msg, out, sizeof(out)) != (int)len) {
			fprintf(stderr, "bench: codec failed\n");
			exit(1);
		}
		talloc_free(msg);
	}
	t0 = (now_ns() - t0) / iters;
	talloc_free(ctx);
	return t0;
}

static double bench_invite(long iters)
{
	msg_mclass_t const *mc = sip_default_mclass();
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		msg_t *m = msg_make(mc, 0, invite, sizeof(invite) - 1);

		if (!m || !sip_object(m) || !sip_object(m)->sip_payload) {
			fprintf(stderr, "bench: Sofia did not parse the INVITE\n");
			exit(1);
		}
		msg_destroy(m);
	}
	return (now_ns() - t0) / iters;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 200000;
	struct {
		const char *name;
		const uint8_t *buf;
		size_t len;
		double ns;
	} cases[] = {
		{ "IAM", iam, sizeof(iam) },
		{ "ACM", acm, sizeof(acm) },
		{ "ANM", anm, sizeof(anm) },
		{ "REL", rel, sizeof(rel) },
	};
	double invite_ns;
	unsigned int i;

	if (iters < 1000)
		iters = 1000;
	su_init();
	/* warm up caches and allocators before measuring */
	bench_invite(iters / 10);
	bench_isup(iam, sizeof(iam), iters / 10);

	invite_ns = bench_invite(iters / 4);
	printf("baseline  Sofia-SIP INVITE+SDP parse: %8.1f ns/msg\n", invite_ns);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		cases[i].ns = bench_isup(cases[i].buf, cases[i].len, iters);
		printf("ISUP %s decode+encode:              %8.1f ns/msg  ratio INVITE/%s = %.1fx\n",
		       cases[i].name, cases[i].ns, cases[i].name, invite_ns / cases[i].ns);
	}
	printf("IAM vs INVITE parse: %.1fx faster (goal >= 10x)\n", invite_ns / cases[0].ns);
	su_deinit();
	return 0;
}
