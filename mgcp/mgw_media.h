/* tandem-mgw's media path: RTP in on one connection, out on its peer.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/select.h>

#include "mgcp/mgcp_codec.h"
#include "mgcp/mgcp_msg.h"

struct mgw_conn;

/*! Read callback of a connection's RTP socket. */
int mgw_media_rtp_cb(struct osmo_fd *ofd, unsigned int what);
/*! Read callback of a connection's RTCP socket. */
int mgw_media_rtcp_cb(struct osmo_fd *ofd, unsigned int what);

/*! Handle one RTP packet received on @conn at @arrival (8 kHz units):
 *  check it, account it and send it on (transcoded if need be). */
void mgw_media_rtp_in(struct mgw_conn *conn, const uint8_t *pkt, size_t len, uint32_t arrival);

/*! Whether @len octets can be one packet's payload of @codec. */
bool mgw_media_payload_ok(enum mgcp_codec codec, size_t len);

/*! Whether a connection in mode @m takes in / sends out media. */
bool mgw_mode_receives(enum mgcp_conn_mode m);
bool mgw_mode_sends(enum mgcp_conn_mode m);

/*! Send @len payload octets from @out with its SSRC and next sequence
 *  number; @ts counts from the connection's timestamp base. */
void mgw_media_out(struct mgw_conn *out, const uint8_t *payload, size_t len, uint32_t ts, bool marker);
/*! The same with payload type @pt (telephone-event). */
void mgw_media_out_pt(struct mgw_conn *out, uint8_t pt, const uint8_t *payload, size_t len, uint32_t ts,
		      bool marker);

/*! Hook that sends a packet of @conn (a test or the benchmark may replace
 *  it); the default sends to the connection's remote address. */
extern int (*mgw_media_send)(struct mgw_conn *conn, const uint8_t *pkt, size_t len);
