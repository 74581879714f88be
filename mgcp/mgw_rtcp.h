/* RTCP reports (RFC 3550 6.4) of a connection.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stddef.h>
#include <stdint.h>

struct mgw_conn;

/*! Build @conn's next compound report (SR or RR, SDES CNAME) into @buf;
 *  returns its length, 0 when @size is too small. */
size_t mgw_rtcp_build(struct mgw_conn *conn, uint8_t *buf, size_t size);
/*! A checked compound packet arrived on @conn's RTCP socket. */
void mgw_rtcp_rx(struct mgw_conn *conn, const uint8_t *buf, size_t len);
/*! Start sending reports (timer X4, randomised). */
void mgw_rtcp_start(struct mgw_conn *conn);
/*! Stop sending reports. */
void mgw_rtcp_stop(struct mgw_conn *conn);
