/* A media gateway played by a unit test (tests/unit/script_mgw.h).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/select.h>

#include "tests/unit/script_mgw.h"
#include "tests/unit/testlib.h"



void gw_open(struct script_gw *g)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);

	g->fd = socket(AF_INET, SOCK_DGRAM | SOCK_NONBLOCK, 0);
	ck_assert_int_ge(g->fd, 0);
	ck_assert_int_eq(bind(g->fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(g->fd, (struct sockaddr *)&a, &len), 0);
	g->port = ntohs(a.sin_port);
}

/* Run the select loop until @done is true or 5 s have passed. */
bool spin(bool (*done)(void *), void *arg)
{
	struct timespec start, now;

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		if (done(arg))
			return true;
		osmo_select_main(1);
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (now.tv_sec - start.tv_sec > 5)
			return done(arg);
		usleep(500);
	}
}


bool gw_has_datagram(void *arg)
{
	struct rx_wait *w = arg;
	socklen_t alen = sizeof(w->g->ca_addr);

	w->len = recvfrom(w->g->fd, w->buf, sizeof(w->buf) - 1, 0, (struct sockaddr *)&w->g->ca_addr, &alen);
	if (w->len > 0)
		w->buf[w->len] = '\0';
	return w->len > 0;
}

/* The next datagram the call agent sent the gateway. */
const char *gw_recv(struct script_gw *g, struct rx_wait *w)
{
	w->g = g;
	ck_assert_msg(spin(gw_has_datagram, w), "the call agent sent nothing");
	return w->buf;
}

void gw_send(struct script_gw *g, const char *text)
{
	ck_assert_int_eq(sendto(g->fd, text, strlen(text), 0, (struct sockaddr *)&g->ca_addr, sizeof(g->ca_addr)),
			 (ssize_t)strlen(text));
}

uint32_t trans_id_of(const char *text)
{
	struct mgcp_msg *m = talloc_zero(tt_ctx, struct mgcp_msg);
	uint32_t id;

	ck_assert_int_eq(mgcp_msg_parse(m, text, strlen(text), NULL, NULL), 0);
	id = m->trans_id;
	talloc_free(m);
	return id;
}

