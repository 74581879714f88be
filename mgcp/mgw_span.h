/* tandem-mgw TDM spans: an E1 (32 timeslots of 64 kbit/s) behind a small
 * driver interface.  The span core clocks the E1 frames out, scatters the
 * received frames to the ds/e1-S/T endpoints, counts loss and misordering;
 * a driver only moves frames (SAToP over UDP now, a DAHDI card later).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <netinet/in.h>
#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/select.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

/*! Timeslots of an E1 frame; timeslot 0 carries framing. */
#define MGW_E1_TIMESLOTS 32
/*! One E1 frame every 125 us: 8000 frames a second. */
#define MGW_E1_FRAME_US 125
/*! Spans a gateway may have: 31 endpoints x 2 sockets each must leave
 *  room below select()'s 1024 descriptors next to the rtpbridges. */
#define MGW_SPANS_MAX 4
/*! SAToP payload sizes (octets, whole E1 frames); RFC 4553 5.1's E1
 *  default is 256 octets = 8 frames = 1 ms. */
#define MGW_SATOP_PAYLOAD_MIN 64
#define MGW_SATOP_PAYLOAD_MAX 1024
#define MGW_SATOP_PAYLOAD_DEFAULT 256
/*! RTP payload type of the optional SAToP RTP header (dynamic). */
#define MGW_SATOP_RTP_PT 96
/*! The idle code sent on an unused or starved timeslot: A-law zero. */
#define MGW_E1_IDLE 0xd5
/*! Packet periods without a packet before the span declares loss of
 *  packets (RFC 4553 5.2's LOPS), and sets R in what it sends. */
#define MGW_SPAN_LOPS_PERIODS 10
/*! A sequence jump this far ahead is a restart of the peer, not loss. */
#define MGW_SPAN_MAX_GAP 100

struct mgw;
struct mgw_span;
struct mgw_endpoint;

/*! How a span's frames leave and arrive.  A driver calls mgw_span_rx(),
 *  mgw_span_rx_bad() when it receives. */
struct mgw_span_driver {
	const char *name;
	/*! Start moving frames; < 0 on failure. */
	int (*open)(struct mgw_span *span);
	/*! Stop; must be safe on a span that never opened. */
	void (*close)(struct mgw_span *span);
	/*! Send @n_frames E1 frames (32 octets each, back to back). */
	int (*tx)(struct mgw_span *span, const uint8_t *frames, unsigned int n_frames);
};

/*! The span's receive state (an osmo_fsm). */
enum mgw_span_state {
	MGW_SPAN_ST_DOWN,	/*!< not open */
	MGW_SPAN_ST_WAIT,	/*!< open, nothing received yet */
	MGW_SPAN_ST_UP,		/*!< packets arrive */
	MGW_SPAN_ST_LOPS,	/*!< packets stopped: loss of packet state */
};

/*! Why a received span packet was dropped. */
enum mgw_span_err {
	MGW_SPAN_OK = 0,
	MGW_SPAN_ERR_SHORT,	/*!< shorter than its headers */
	MGW_SPAN_ERR_CW,	/*!< control word bits 0-3, RSV or FRG not zero, or LEN misused */
	MGW_SPAN_ERR_RTP,	/*!< RTP header: version, CSRC, extension, payload type */
	MGW_SPAN_ERR_SEQ,	/*!< RTP and control word sequence numbers differ */
	MGW_SPAN_ERR_LENGTH,	/*!< payload is not the configured size */
	MGW_SPAN_ERR_SOURCE,	/*!< not from the configured peer */
};

extern const struct value_string mgw_span_err_names[];
extern const struct value_string mgw_span_state_names[];

/*! Counters of one span (show spans). */
struct mgw_span_stats {
	uint64_t tx_packets;
	uint64_t tx_fail;
	uint64_t tx_late;	/*!< packets skipped because the loop ran late */
	uint64_t rx_packets;
	uint64_t rx_lost;	/*!< packets missing in the sequence */
	uint64_t rx_ooo;	/*!< duplicates and packets out of order (dropped) */
	uint64_t rx_malformed;
	uint64_t rx_resync;	/*!< sequence restarts */
	uint64_t rx_l_bit;	/*!< packets with L set (peer's TDM failed) */
	uint64_t rx_r_bit;	/*!< packets with R set (peer misses ours) */
};

/*! An E1 span. */
struct mgw_span {
	struct mgw *mgw;
	unsigned int nr;

	/* configuration (SAToP) */
	char *local_ip;
	uint16_t local_port;
	char *remote_ip;
	uint16_t remote_port;
	unsigned int payload_bytes;
	bool rtp_header;

	const struct mgw_span_driver *drv;
	void *drv_priv;
	struct osmo_fsm_inst *fi;

	/* the transmit clock: packets due since t0 */
	struct osmo_timer_list clock;
	struct timespec t0;
	uint64_t tx_due;
	uint64_t tx_frame;	/*!< E1 frames sent, for timeslot 0's FAS/NFAS */
	uint64_t rx_due;	/*!< tx_due when the last packet arrived */

	/* the receive sequence */
	bool rx_seq_init;
	uint16_t rx_seq_next;

	struct mgw_span_stats stats;
	/*! endpoints ds/e1-NR/T by timeslot; [0] is framing, never set */
	struct mgw_endpoint *eps[MGW_E1_TIMESLOTS];
};

/*! The SAToP (RFC 4553) driver. */
extern const struct mgw_span_driver mgw_span_satop_driver;

/*! Join @a and @b with the loop driver: what one sends, the other receives
 *  (same process, no sockets: tests and benchmark). */
void mgw_span_loop_pair(struct mgw_span *a, struct mgw_span *b);

/*! Span @nr of @mgw, or NULL. */
struct mgw_span *mgw_span_find(struct mgw *mgw, unsigned int nr);
/*! Span @nr, created with SAToP defaults when missing; NULL when all
 *  MGW_SPANS_MAX are taken. */
struct mgw_span *mgw_span_get(struct mgw *mgw, unsigned int nr);
/*! Remove span @nr (only before the gateway runs). */
void mgw_span_del(struct mgw *mgw, unsigned int nr);
/*! Open the driver and start the clock of every configured span. */
int mgw_spans_start(struct mgw *mgw);
/*! Stop every span. */
void mgw_spans_stop(struct mgw *mgw);
/*! Install the span node and "show spans" (mgw_span_vty.c). */
void mgw_span_vty_init(void);
/*! Whether @span is complete enough to open (both addresses set). */
bool mgw_span_configured(const struct mgw_span *span);

/*! Drive the transmit side once: build and send every packet due at @now
 *  (the benchmark calls it directly). */
void mgw_span_clock(struct mgw_span *span, const struct timespec *now);
/*! Build @n_frames E1 frames into @frames from the endpoints (timeslot 0
 *  gets FAS/NFAS, free timeslots the idle code). */
void mgw_span_build_frames(struct mgw_span *span, uint8_t *frames, unsigned int n_frames);
/*! A driver received packet @seq carrying @n_frames frames (NULL when the
 *  peer omitted the payload, L set); sequence handling and scatter. */
void mgw_span_rx(struct mgw_span *span, uint16_t seq, bool l_bit, bool r_bit, const uint8_t *frames,
		 unsigned int n_frames);
/*! A driver dropped a received packet for @err. */
void mgw_span_rx_bad(struct mgw_span *span, enum mgw_span_err err);
/*! Whether the span is in loss of packet state (R bit to send). */
bool mgw_span_lops(const struct mgw_span *span);
/*! Name of the span's state. */
const char *mgw_span_state_name(const struct mgw_span *span);

/*! Parsed SAToP packet. */
struct mgw_satop_pkt {
	bool l_bit, r_bit;
	uint16_t seq;
	const uint8_t *payload;	/*!< NULL when omitted (L set, no payload) */
	size_t payload_len;
};

/*! Check and parse a SAToP packet (RTP header first when @rtp_header,
 *  RFC 4553 figure 1b); returns 0 or -enum mgw_span_err. */
int mgw_satop_parse(const uint8_t *buf, size_t len, bool rtp_header, unsigned int payload_bytes,
		    struct mgw_satop_pkt *pkt);
/*! Write the SAToP headers (RTP when @rtp_header, control word) for a
 *  packet; returns their length.  @ts is in 125 us units. */
size_t mgw_satop_build_hdr(uint8_t *buf, bool rtp_header, bool l_bit, bool r_bit, uint16_t seq, uint32_t ts,
			   uint32_t ssrc);
