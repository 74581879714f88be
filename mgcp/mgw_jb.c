/* The adaptive jitter buffer.
 *
 * Frames are numbered from the first one received ((ts - base) / 80) and
 * kept in a ring.  Playing starts once the target depth is buffered; the
 * target follows the RFC 3550 interarrival jitter (one packet plus three
 * times the jitter, in whole frames, within MGW_JB_TARGET_MIN..MAX).  When
 * the buffer runs dry the play position stays put (the delay grows by
 * what was concealed) and it buffers up to the target again; when it holds
 * more than target + MGW_JB_SLACK frames the oldest is dropped.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "mgcp/mgw_jb.h"

void mgw_jb_reset(struct mgw_jb *jb)
{
	struct mgw_jb_stats stats = jb->stats;

	memset(jb, 0, sizeof(*jb));
	jb->stats = stats;
	jb->target = MGW_JB_TARGET_MIN;
	jb->pkt_frames = 1;
}

unsigned int mgw_jb_depth(const struct mgw_jb *jb)
{
	return jb->started ? jb->end - jb->head : 0;
}

static void jb_update_target(struct mgw_jb *jb)
{
	unsigned int j = ((jb->jitter >> 4) * 3 + MGW_JB_FRAME_TS - 1) / MGW_JB_FRAME_TS;
	unsigned int t = jb->pkt_frames + (j ? j : 1);

	if (t < MGW_JB_TARGET_MIN)
		t = MGW_JB_TARGET_MIN;
	if (t > MGW_JB_TARGET_MAX)
		t = MGW_JB_TARGET_MAX;
	jb->target = t;
}

void mgw_jb_arrival(struct mgw_jb *jb, uint32_t ts, uint32_t arrival, unsigned int n_frames)
{
	int32_t transit = arrival - ts, d;

	if (n_frames && n_frames <= MGW_JB_TARGET_MAX)
		jb->pkt_frames = n_frames;
	if (jb->have_transit) {
		d = transit - jb->transit;
		if (d < 0)
			d = -d;
		/* a peer restarting its timestamps is not jitter */
		if (d < 8000)
			jb->jitter += d - ((jb->jitter + 8) >> 4);
	}
	jb->transit = transit;
	jb->have_transit = true;
	jb_update_target(jb);
}

static void jb_restart(struct mgw_jb *jb, uint32_t ts)
{
	unsigned int i;

	for (i = 0; i < MGW_JB_SLOTS; i++)
		jb->slot[i].full = false;
	jb->started = true;
	jb->playing = false;
	jb->base_ts = ts;
	jb->head = 0;
	jb->end = 0;
}

int mgw_jb_put(struct mgw_jb *jb, uint32_t ts, const uint8_t *frame, size_t len)
{
	int32_t rel;
	uint32_t fn;
	int rc = MGW_JB_PUT_OK;

	if (len > MGW_JB_FRAME_MAX)
		len = MGW_JB_FRAME_MAX;
	if (!jb->started)
		jb_restart(jb, ts);
	rel = (int32_t)(ts - jb->base_ts);
	/* round to the nearest frame: timestamps need not be multiples of 80 */
	fn = (uint32_t)((rel >= 0 ? rel + MGW_JB_FRAME_TS / 2 : rel - MGW_JB_FRAME_TS / 2) / MGW_JB_FRAME_TS);
	if ((int32_t)(fn - jb->head) < 0) {
		jb->stats.late++;
		return MGW_JB_PUT_LATE;
	}
	if (fn - jb->head >= MGW_JB_SLOTS) {
		jb->stats.resyncs++;
		jb_restart(jb, ts);
		fn = 0;
		rc = MGW_JB_PUT_RESYNC;
	}
	if (jb->slot[fn % MGW_JB_SLOTS].full && (int32_t)(fn - jb->end) < 0) {
		jb->stats.dups++;
		return MGW_JB_PUT_DUP;
	}
	jb->slot[fn % MGW_JB_SLOTS].full = true;
	jb->slot[fn % MGW_JB_SLOTS].len = len;
	memcpy(jb->slot[fn % MGW_JB_SLOTS].data, frame, len);
	if ((int32_t)(fn + 1 - jb->end) > 0)
		jb->end = fn + 1;
	jb->stats.frames_in++;
	return rc;
}

int mgw_jb_get(struct mgw_jb *jb, uint8_t *frame, size_t *len)
{
	unsigned int depth = mgw_jb_depth(jb), s;

	if (!jb->started)
		return MGW_JB_IDLE;
	if (!jb->playing) {
		if (depth < jb->target)
			return MGW_JB_IDLE;
		jb->playing = true;
	}
	if (depth == 0) {
		/* dry: conceal this one and buffer up again, keeping the position */
		jb->stats.underruns++;
		jb->playing = false;
		return MGW_JB_MISSING;
	}
	if (depth > jb->target + MGW_JB_SLACK) {
		jb->slot[jb->head % MGW_JB_SLOTS].full = false;
		jb->head++;
		jb->stats.dropped++;
	}
	s = jb->head % MGW_JB_SLOTS;
	jb->head++;
	if (!jb->slot[s].full) {
		jb->stats.missing++;
		return MGW_JB_MISSING;
	}
	jb->slot[s].full = false;
	memcpy(frame, jb->slot[s].data, jb->slot[s].len);
	*len = jb->slot[s].len;
	jb->stats.played++;
	return MGW_JB_FRAME;
}
