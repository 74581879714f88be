/* Gateway-control codec benchmark: parse + encode of the messages that
 * set up one call's media, H.248.1 text (one transaction: Add of the
 * timeslot and of an RTP termination with Local SDP, and its reply) against
 * MGCP (CRCX with SDP and its 200 with SDP), both measured in the same run.
 * The ratio is what matters: the cost of choosing H.248 for a gateway
 * (doc/gateway-control.md); absolute times depend on the machine.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <talloc.h>

#include "mgcp/h248_msg.h"
#include "mgcp/mgcp_msg.h"

static const char h248_add[] =
	"MEGACO/1 [192.0.2.1]:2944\n"
	"Transaction = 9876 {\n"
	" Context = $ {\n"
	"  Add = tdm/1/17 { Media { LocalControl { Mode = SendReceive } }, Events = 1 { dd/d0, dd/d1, dd/d2, "
	"dd/d3, dd/d4, dd/d5, dd/d6, dd/d7, dd/d8, dd/d9, dd/ds, dd/do } },\n"
	"  Add = $ { Media { Stream = 1 { LocalControl { Mode = ReceiveOnly, ReservedValue = ON },\n"
	"   Local {\nv=0\nc=IN IP4 $\nm=audio $ RTP/AVP 8 0 18\n} } } }\n"
	" }\n"
	"}\n";

static const char h248_reply[] =
	"MEGACO/1 [192.0.2.10]:2944\n"
	"Reply = 9876 {\n"
	" Context = 42 {\n"
	"  Add = tdm/1/17,\n"
	"  Add = rtp/1234 { Media { Stream = 1 { Local {\n"
	"v=0\no=- 1 1 IN IP4 192.0.2.10\ns=-\nc=IN IP4 192.0.2.10\nt=0 0\nm=audio 16384 RTP/AVP 8\n"
	"a=rtpmap:8 PCMA/8000\na=ptime:20\n} } } }\n"
	" }\n"
	"}\n";

static const char mgcp_crcx[] =
	"CRCX 9876 ds/e1-1/17@mgw.example.net MGCP 1.0\r\n"
	"C: 4a84ad5d25f\r\n"
	"L: p:20, a:PCMA;PCMU;G729\r\n"
	"M: recvonly\r\n"
	"R: D/[0-9#*A-D](N)\r\n"
	"X: 0123456789AC\r\n"
	"\r\n"
	"v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\n"
	"m=audio 4000 RTP/AVP 8 0 18\r\n";

static const char mgcp_ok[] =
	"200 9876 OK\r\n"
	"I: FDE234C8\r\n"
	"\r\n"
	"v=0\r\no=- 1 1 IN IP4 192.0.2.10\r\ns=-\r\nc=IN IP4 192.0.2.10\r\nt=0 0\r\n"
	"m=audio 16384 RTP/AVP 8\r\na=rtpmap:8 PCMA/8000\r\na=ptime:20\r\n";

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void fail(const char *what)
{
	fprintf(stderr, "bench: %s\n", what);
	exit(1);
}

static double bench_h248(const char *text, long iters)
{
	void *ctx = talloc_named_const(NULL, 0, "bench");
	static char out[H248_MSG_MAX + 1];
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		struct h248_msg *msg;

		if (h248_msg_parse(ctx, text, strlen(text), &msg, NULL) < 0)
			fail("H.248 did not parse");
		if (h248_msg_encode(msg, 0, out, sizeof(out)) < 0)
			fail("H.248 did not encode");
		talloc_free(msg);
	}
	t0 = (now_ns() - t0) / iters;
	if (talloc_total_blocks(ctx) != 1)
		fail("H.248 leaked");
	talloc_free(ctx);
	return t0;
}

static double bench_mgcp(const char *text, long iters)
{
	static struct mgcp_msg msg;
	static char out[4096];
	double t0 = now_ns();
	long i;

	for (i = 0; i < iters; i++) {
		if (mgcp_msg_parse(&msg, text, strlen(text), NULL, NULL) < 0)
			fail("MGCP did not parse");
		if (mgcp_msg_encode(&msg, out, sizeof(out)) < 0)
			fail("MGCP did not encode");
	}
	return (now_ns() - t0) / iters;
}

int main(int argc, char **argv)
{
	long iters = argc > 1 ? atol(argv[1]) : 100000;
	double m_req, m_rep, h_req, h_rep;

	if (iters < 1000)
		iters = 1000;
	/* warm up caches and allocators before measuring */
	bench_mgcp(mgcp_crcx, iters / 10);
	bench_h248(h248_add, iters / 10);

	m_req = bench_mgcp(mgcp_crcx, iters);
	m_rep = bench_mgcp(mgcp_ok, iters);
	h_req = bench_h248(h248_add, iters);
	h_rep = bench_h248(h248_reply, iters);
	printf("baseline  MGCP CRCX+SDP parse+encode:        %8.1f ns/msg\n", m_req);
	printf("baseline  MGCP 200+SDP parse+encode:         %8.1f ns/msg\n", m_rep);
	printf("H.248 Add tdm + Add $ parse+encode:          %8.1f ns/msg  ratio H.248/MGCP = %.2f\n", h_req,
	       h_req / m_req);
	printf("H.248 Reply with Local SDP parse+encode:     %8.1f ns/msg  ratio H.248/MGCP = %.2f\n", h_rep,
	       h_rep / m_rep);
	printf("one call's media set-up (request + reply): H.248/MGCP = %.2f\n", (h_req + h_rep) / (m_req + m_rep));
	return 0;
}
