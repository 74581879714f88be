/* DTMF: in-band tone generation and detection (Goertzel, ITU-T Q.23/Q.24),
 * and the RFC 4733 telephone-event payload.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/*! Samples per detector block (12.75 ms): short enough to time Q.24's
 *  40 ms operate / 23 ms non-operate with two blocks. */
#define MGW_DTMF_BLOCK 102
/*! Consecutive blocks with the same digit before it counts (>= 25.5 ms of
 *  tone fully inside them, so a 40 ms tone always passes and a 23 ms one
 *  never does). */
#define MGW_DTMF_ON_BLOCKS 2
/*! Consecutive blocks without it before the digit ends. */
#define MGW_DTMF_OFF_BLOCKS 2
/*! Shortest tone generated from an event, in samples (Q.24: 40 ms). */
#define MGW_DTMF_GEN_MIN 400
/*! A generated tone whose end never came stops this long (samples) after
 *  the last event update. */
#define MGW_DTMF_GEN_HANGOVER 1600
/*! RFC 4733 event payload length. */
#define MGW_DTMF_EVENT_LEN 4
/*! Events 0..15 are DTMF digits (RFC 4733 3.2). */
#define MGW_DTMF_EVENTS 16

/*! Event code (0..15) of digit character @c, or -1. */
int mgw_dtmf_event(char c);
/*! Digit character of event code @ev (0..15), or 0. */
char mgw_dtmf_char(int ev);

/*! An in-band tone generator. */
struct mgw_dtmf_gen {
	int event;		/*!< -1 when silent */
	uint32_t n;		/*!< samples generated */
	uint32_t limit;		/*!< stop after this many */
	uint32_t rtp_ts;	/*!< the RTP event's timestamp (identifies it) */
	bool ended;
};

/*! Start or update tone @event (0..15) from an RFC 4733 packet: @duration
 *  samples so far, @end set in the final packets, @ts the event's
 *  timestamp.  Returns true when this started a new tone. */
bool mgw_dtmf_gen_event(struct mgw_dtmf_gen *g, int event, uint32_t ts, uint32_t duration, bool end);
/*! Overwrite @n samples of @pcm with the tone while one plays. */
void mgw_dtmf_gen_fill(struct mgw_dtmf_gen *g, int16_t *pcm, size_t n);
/*! Whether a tone is playing. */
bool mgw_dtmf_gen_active(const struct mgw_dtmf_gen *g);

/*! Most stretches in one tone's cadence. */
#define MGW_TONE_SEGS_MAX 8

/*! One stretch of a tone: up to two frequencies (0: none, both 0 is
 *  silence) for @ms milliseconds (0: for ever). */
struct mgw_tone_seg {
	uint16_t f1, f2;
	uint16_t ms;
};

/*! A tone: its stretches, played over and over (H.248 signals, MGCP has
 *  its own digits above). */
struct mgw_tone_spec {
	uint8_t n_segs;
	struct mgw_tone_seg segs[MGW_TONE_SEGS_MAX];
};

/*! A tone being played, on the same oscillator as the DTMF generator. */
struct mgw_tone {
	bool active;
	struct mgw_tone_spec spec;
	uint32_t n;		/*!< samples played */
	uint32_t limit;		/*!< stop after this many; 0: until stopped */
	char label[16];		/*!< what it is, for VTY and audits ("cg/rt") */
};

/*! The two frequencies of DTMF event @event (0..15); -1 when no digit. */
int mgw_dtmf_freqs(int event, uint16_t *f1, uint16_t *f2);
/*! Start @spec on @t for @limit samples (0: until stopped), replacing
 *  what played. */
void mgw_tone_start(struct mgw_tone *t, const struct mgw_tone_spec *spec, uint32_t limit, const char *label);
/*! Whether @t (may be NULL) plays. */
bool mgw_tone_active(const struct mgw_tone *t);
/*! Overwrite @n samples of @pcm with the tone; false (and @pcm untouched)
 *  when it does not play. */
bool mgw_tone_fill(struct mgw_tone *t, int16_t *pcm, size_t n);
/*! The same for @n A-law octets, the form of a timeslot. */
bool mgw_tone_fill_alaw(struct mgw_tone *t, uint8_t *alaw, size_t n);

/*! Goertzel detector state. */
struct mgw_dtmf_det {
	int16_t block[MGW_DTMF_BLOCK];
	unsigned int fill;
	int cand;		/*!< digit seen in the last blocks, -1 none */
	unsigned int cand_blocks;
	int digit;		/*!< digit reported on, -1 none */
	unsigned int off_blocks;
	uint64_t samples;	/*!< samples seen, for event timing */
	uint64_t digit_start;	/*!< sample where the reported digit began */
	uint64_t rejected;	/*!< blocks that had a digit-like pair but failed twist/level checks */
};

/*! What the detector found after a block. */
struct mgw_dtmf_result {
	int on;			/*!< a digit (event 0..15) began, -1 none */
	int off;		/*!< the current digit ended, -1 none */
	uint64_t start;		/*!< sample where the digit began */
	uint32_t duration;	/*!< samples it lasted (for off) */
};

/*! Reset @d. */
void mgw_dtmf_det_init(struct mgw_dtmf_det *d);
/*! Feed @n samples; calls @cb for each digit start and end. */
void mgw_dtmf_det_feed(struct mgw_dtmf_det *d, const int16_t *pcm, size_t n,
		       void (*cb)(void *data, const struct mgw_dtmf_result *r), void *data);
/*! Digit of one block (twist, level and purity checked), or -1. */
int mgw_dtmf_det_block(const int16_t *pcm, size_t n);

/*! An RFC 4733 event payload. */
struct mgw_dtmf_payload {
	uint8_t event;
	bool end;
	uint8_t volume;		/*!< -dBm0, 0..63 */
	uint16_t duration;
};

/*! Parse one 4-octet event; < 0 when @len is short. */
int mgw_dtmf_payload_parse(const uint8_t *buf, size_t len, struct mgw_dtmf_payload *p);
/*! Write one 4-octet event into @buf. */
void mgw_dtmf_payload_build(uint8_t *buf, const struct mgw_dtmf_payload *p);
