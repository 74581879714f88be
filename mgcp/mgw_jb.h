/* A small adaptive jitter buffer of 10 ms frames, for the clocked TDM side
 * of a ds/e1 endpoint: RTP packets go in split into frames, the span's
 * clock takes one frame every 10 ms.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*! Frames the buffer holds: 640 ms. */
#define MGW_JB_SLOTS 64
/*! One frame: 10 ms at 8 kHz. */
#define MGW_JB_FRAME_TS 80
/*! Longest frame: 10 ms of G.711. */
#define MGW_JB_FRAME_MAX 80
/*! Target depth bounds, in frames. */
#define MGW_JB_TARGET_MIN 2
#define MGW_JB_TARGET_MAX 20
/*! Frames above the target before one is dropped to shrink the delay. */
#define MGW_JB_SLACK 4

/*! What mgw_jb_put() did with a frame. */
enum mgw_jb_put_rc {
	MGW_JB_PUT_OK = 0,
	MGW_JB_PUT_LATE,	/*!< its time has passed */
	MGW_JB_PUT_DUP,		/*!< already there */
	MGW_JB_PUT_RESYNC,	/*!< too far ahead: the buffer restarted with it */
};

/*! What mgw_jb_get() returned. */
enum mgw_jb_get_rc {
	MGW_JB_IDLE = -1,	/*!< not playing (buffering, or nothing yet): send idle */
	MGW_JB_MISSING = 0,	/*!< the frame is lost or late: conceal it */
	MGW_JB_FRAME = 1,	/*!< a frame */
};

/*! Counters (show connections). */
struct mgw_jb_stats {
	uint64_t frames_in;
	uint64_t played;
	uint64_t late;
	uint64_t dups;
	uint64_t missing;	/*!< frames concealed inside the stream */
	uint64_t underruns;	/*!< the buffer ran dry and rebuffered */
	uint64_t dropped;	/*!< frames dropped to shrink the delay */
	uint64_t resyncs;
};

/*! The buffer; zero it (or mgw_jb_reset) before use. */
struct mgw_jb {
	bool started;
	bool playing;
	uint32_t base_ts;	/*!< RTP timestamp of frame number 0 */
	uint32_t head;		/*!< frame number played next */
	uint32_t end;		/*!< one past the newest frame received */
	unsigned int target;	/*!< frames buffered before playing */
	unsigned int pkt_frames;	/*!< frames per received packet */
	uint32_t jitter;	/*!< RFC 3550 estimate, 1/16 timestamp units */
	bool have_transit;
	int32_t transit;
	struct {
		bool full;
		uint8_t len;
		uint8_t data[MGW_JB_FRAME_MAX];
	} slot[MGW_JB_SLOTS];
	struct mgw_jb_stats stats;
};

/*! Forget everything. */
void mgw_jb_reset(struct mgw_jb *jb);
/*! A packet whose first sample has RTP timestamp @ts arrived at @arrival
 *  (8 kHz units) with @n_frames frames: update jitter and target. */
void mgw_jb_arrival(struct mgw_jb *jb, uint32_t ts, uint32_t arrival, unsigned int n_frames);
/*! Store one frame of @len (<= MGW_JB_FRAME_MAX) octets starting at @ts;
 *  returns enum mgw_jb_put_rc. */
int mgw_jb_put(struct mgw_jb *jb, uint32_t ts, const uint8_t *frame, size_t len);
/*! Take the next 10 ms: copies the frame to @frame and its length to @len
 *  when MGW_JB_FRAME; returns enum mgw_jb_get_rc. */
int mgw_jb_get(struct mgw_jb *jb, uint8_t *frame, size_t *len);
/*! Frames buffered from the play position to the newest. */
unsigned int mgw_jb_depth(const struct mgw_jb *jb);
