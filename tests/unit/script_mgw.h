/* A scripted media gateway for unit tests: a real UDP socket on 127.0.0.1
 * that the call agent talks to, and a bounded run of the select loop.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "mgcp/mgcp_msg.h"

struct script_gw {
	int fd;
	uint16_t port;
	struct sockaddr_in ca_addr;	/* where the last datagram came from */
};

struct rx_wait {
	struct script_gw *g;
	char buf[MGCP_MSG_MAX + 1];
	ssize_t len;
};

/*! Bind the gateway's socket on 127.0.0.1 (any port). */
void gw_open(struct script_gw *g);
/*! Run the select loop until done(arg) or 5 s; returns done(arg). */
bool spin(bool (*done)(void *), void *arg);
/*! Read one datagram without waiting (for spin()). */
bool gw_has_datagram(void *arg);
/*! The next datagram the call agent sent; fails the test after 5 s. */
const char *gw_recv(struct script_gw *g, struct rx_wait *w);
/*! Send @text to the call agent (g->ca_addr). */
void gw_send(struct script_gw *g, const char *text);
/*! The transaction id of an MGCP message. */
uint32_t trans_id_of(const char *text);
