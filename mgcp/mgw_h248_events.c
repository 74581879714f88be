/* tandem-mgw H.248: the Events descriptor for DTMF detection (package
 * "dd", H.248.1 Annex E.6) on TDM terminations, and the Notify with
 * ObservedEvents that reports each digit to the controller.
 *
 * The in-band detector of the timeslot (mgw_dtmf.c) finds the digits; the
 * events armed here only decide which of them are reported.  An Events
 * descriptor replaces the one before it (H.248.1 7.1.9), an empty one
 * disarms, and the events stay armed after each report.  The per-digit
 * events d0..d9, ds (star), do (#) and da..dd are supported, and the
 * wildcard event "dd/" + "*" for all of them; the digit map completion event ce needs a DigitMap, which
 * this gateway does not keep, so it is answered 501.  Another package is
 * answered 440, another event 451, an event parameter 446.  An RTP
 * termination has no timeslot to listen to: dd there is 440.
 *
 * The Signals descriptor of the same command is checked before the events
 * are armed and applied after them (mgw_h248_signals.c), so that a command
 * whose Events or Signals fail changes neither.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <talloc.h>

#include "mgcp/h248_dd.h"
#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

#define DD_ALL ((1u << MGW_DTMF_EVENTS) - 1)

/* The bits one "pkg/event" item arms, or an H.248.1 error code. */
static unsigned int item_bits(const struct h248_item *it, uint32_t *bits)
{
	const char *slash = strchr(it->name, '/');
	int ev;

	if (!slash || slash - it->name != 2 || strncasecmp(it->name, "dd", 2))
		return H248_EC_UNKNOWN_PACKAGE;
	if (it->n_children || it->value || it->body)
		return H248_EC_UNKNOWN_PARAM;
	if (!strcmp(slash + 1, "*")) {
		*bits |= DD_ALL;
		return 0;
	}
	if (!strcasecmp(slash + 1, "ce"))
		return H248_EC_NOT_IMPLEMENTED;
	ev = mgw_dtmf_event(h248_dd_digit(slash + 1));
	if (ev < 0)
		return H248_EC_NO_SUCH_EVENT;
	*bits |= 1u << ev;
	return 0;
}

unsigned int mgw_h248_events_apply(struct mgw_h248 *h, struct mgw_h248_term *term, const struct h248_cmd *c)
{
	const struct h248_item *it;
	uint32_t bits = 0;
	unsigned int rc;

	/* the Signals descriptor goes with the Events one: both or neither */
	rc = mgw_h248_signals_check(term, c);
	if (rc)
		return rc;
	if (!c->events.present)
		return mgw_h248_signals_apply(h, term, c);
	llist_for_each_entry(it, &c->events.items, list) {
		rc = item_bits(it, &bits);
		if (rc)
			return rc;
	}
	if (bits && !term)
		return H248_EC_NOT_IMPLEMENTED;	/* an idle timeslot has no detector running */
	if (!term)
		return mgw_h248_signals_apply(h, term, c);
	if (bits && !term->tdm)
		return H248_EC_UNKNOWN_PACKAGE;
	term->dd_events = bits;
	term->events_rid = c->events.has_request_id ? c->events.request_id : 0;
	if (term->tdm)
		term->tdm->dtmf_notify = bits;
	LOGP(DMGW, LOGL_INFO, "H.248 %s: dd events 0x%04x armed, request %u\n", term->name, bits,
	     term->events_rid);
	return mgw_h248_signals_apply(h, term, c);
}

static void notify_reply_cb(void *data, uint32_t id, int rc, const struct h248_trans *reply)
{
	struct mgw_h248 *h = data;
	const struct h248_error *e = rc < 0 ? NULL : h248_trans_first_error(reply);

	if (rc < 0 || e) {
		mgw_h248_ctr_inc(h, MGW_H248_CTR_NOTIFY_FAIL);
		LOGP(DMGW, LOGL_NOTICE, "H.248 Notify %u: %s %u\n", id, rc < 0 ? "no answer" : "refused",
		     e ? e->code : 0);
	}
}

/* The TDM termination on @ep, with its context. */
static struct mgw_h248_term *tdm_term(struct mgw_h248 *h, struct mgw_endpoint *ep)
{
	struct mgw_h248_ctx *ctx;
	unsigned int i;

	llist_for_each_entry(ctx, &h->ctxs, list) {
		for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
			if (ctx->terms[i] && ctx->terms[i]->tdm == ep)
				return ctx->terms[i];
		}
	}
	return NULL;
}

void mgw_h248_notify_digit(struct mgw_h248 *h, struct mgw_endpoint *ep, char digit)
{
	struct mgw_h248_term *term = tdm_term(h, ep);
	int ev = mgw_dtmf_event(digit);
	struct h248_msg *msg;
	struct h248_trans *t;
	struct h248_action *a;
	struct h248_cmd *c;
	struct h248_item *it;
	char name[8], ts[48];
	int64_t rc = -ENOMEM;

	if (!term || ev < 0 || !(term->dd_events & (1u << ev)))
		return;
	/* a detected event stops the termination's signal (H.248.1 7.1.9) */
	mgw_h248_signal_stop(term);
	snprintf(name, sizeof(name), "dd/%s", h248_dd_event(digit));
	h248_timestamp_now(ts, sizeof(ts));
	msg = h248_msg_alloc(h, h->cfg.version, h->tl->mid);
	t = msg ? h248_trans_add(msg, H248_TRANS_REQUEST, 0) : NULL;
	a = t ? h248_action_add(t, H248_CTX_ID, term->ctx->id) : NULL;
	c = a ? h248_cmd_add(a, H248_CMD_NOTIFY, term->name) : NULL;
	it = c ? h248_item_add(c, &c->observed.items, &c->observed.n_items, name, NULL) : NULL;
	if (it && h248_str_set(it, &it->timestamp, ts) == 0) {
		c->observed.present = true;
		c->observed.has_request_id = true;
		c->observed.request_id = term->events_rid;
		c->observed.braces = true;
		rc = h248_tl_request(h->tl, msg, notify_reply_cb, h);
	}
	talloc_free(msg);
	if (rc <= 0) {
		mgw_h248_ctr_inc(h, MGW_H248_CTR_NOTIFY_FAIL);
		LOGP(DMGW, LOGL_ERROR, "H.248 %s: cannot send Notify of %s: %s\n", term->name, name,
		     strerror(-(int)rc));
		return;
	}
	mgw_h248_ctr_inc(h, MGW_H248_CTR_NOTIFY_TX);
	LOGP(DMGW, LOGL_INFO, "H.248 context %u: Notify %s %s (request %u), transaction %ld\n", term->ctx->id,
	     term->name, name, term->events_rid, (long)rc);
}
