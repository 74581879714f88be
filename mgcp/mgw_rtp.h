/* RTP and RTCP basics (RFC 3550): header checks, header building, and the
 * receiver statistics of appendix A (sequence, loss, interarrival jitter).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

/*! Fixed RTP header length. */
#define MGW_RTP_HDR_LEN 12
/*! Largest datagram read from an RTP or RTCP socket. */
#define MGW_RTP_MAX_PKT 1500

/*! Why an RTP or RTCP packet was refused. */
enum mgw_rtp_err {
	MGW_RTP_OK = 0,
	MGW_RTP_ERR_SHORT,	/*!< shorter than the fixed header */
	MGW_RTP_ERR_VERSION,	/*!< version is not 2 */
	MGW_RTP_ERR_CSRC,	/*!< CSRC list runs past the end */
	MGW_RTP_ERR_EXT,	/*!< header extension runs past the end */
	MGW_RTP_ERR_PADDING,	/*!< padding count larger than the payload */
	MGW_RTP_ERR_EMPTY,	/*!< no payload */
	MGW_RTP_ERR_RTCP,	/*!< malformed RTCP compound packet */
};

extern const struct value_string mgw_rtp_err_names[];

/*! A parsed RTP header. */
struct mgw_rtp_hdr {
	uint8_t pt;
	bool marker;
	uint16_t seq;
	uint32_t ts;
	uint32_t ssrc;
	size_t payload_off;	/*!< where the payload starts in the packet */
	size_t payload_len;	/*!< payload octets, padding removed */
};

/*! Check and parse an RTP packet; returns 0 or a negative enum mgw_rtp_err. */
int mgw_rtp_parse(const uint8_t *buf, size_t len, struct mgw_rtp_hdr *h);

/*! Write a 12-octet RTP header (no CSRC, no extension) into @buf. */
void mgw_rtp_build(uint8_t *buf, uint8_t pt, bool marker, uint16_t seq, uint32_t ts, uint32_t ssrc);

/*! Check an RTCP compound packet (RFC 3550 A.2); returns 0 or -MGW_RTP_ERR_*. */
int mgw_rtcp_check(const uint8_t *buf, size_t len);

/*! Receiver statistics of one source (RFC 3550 A.1, A.3, A.8). */
struct mgw_rtp_stats {
	bool init;
	uint32_t ssrc;
	uint16_t max_seq;
	uint32_t cycles;	/*!< shifted count of sequence number wraps */
	uint32_t base_seq;
	uint32_t bad_seq;
	uint32_t received;
	int32_t transit;
	uint32_t jitter;	/*!< scaled by 16, in timestamp units */
	uint32_t ssrc_changes;
};

/*! The packet is a duplicate or arrived after a later one. */
#define MGW_RTP_SEQ_LATE (-1)
/*! The sequence jumped; the next packet in sequence with it resyncs. */
#define MGW_RTP_SEQ_JUMP (-2)

/*! Account a packet that arrived at @arrival (timestamp units); returns
 *  how many packets are missing right before it (0 in order), or
 *  MGW_RTP_SEQ_LATE / MGW_RTP_SEQ_JUMP when it should not be played. */
int mgw_rtp_stats_update(struct mgw_rtp_stats *s, uint32_t ssrc, uint16_t seq, uint32_t ts, uint32_t arrival);

/*! Packets expected so far (highest extended sequence - first + 1). */
uint32_t mgw_rtp_stats_expected(const struct mgw_rtp_stats *s);

/*! Cumulative packets lost (may be negative with duplicates, RFC 3550 A.3). */
int32_t mgw_rtp_stats_lost(const struct mgw_rtp_stats *s);

/*! Interarrival jitter in timestamp units. */
uint32_t mgw_rtp_stats_jitter(const struct mgw_rtp_stats *s);
