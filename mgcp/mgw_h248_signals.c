/* tandem-mgw H.248: the Signals descriptor (H.248.1 7.1.11): call progress
 * tones (package "cg", Annex E.7) and DTMF digits (package "dg", the basic
 * DTMF generator of Annex E.5) played on a termination.  The detection
 * package "dd" (E.6) has no signals (E.6.3): its names are answered 452.
 *
 * On a TDM termination the tone goes into the timeslot, towards the PSTN;
 * on an RTP termination it goes out in the RTP stream, in the connection's
 * codec, towards the IP side.  Either way it replaces the media that would
 * flow in that direction, and the media flows again when it stops.  The
 * oscillator is the DTMF generator's (mgw_dtmf.c).
 *
 * A Signals descriptor replaces the one before (the playing signal stops),
 * an empty one stops it.  One signal at a time: a descriptor with two, or
 * a SignalList, is answered 501, and so is tonegen's "pt" (play tone by
 * id), which cg and dg inherit.  Parameters: SignalType (OnOff, TimeOut,
 * Brief) and Duration (hundredths of a second, 7.1.11); anything else is
 * 446, a dg digit made TimeOut without a Duration 457.  Another package is
 * 440, another signal 452.  An RTP termination plays only while it
 * is carried by a timeslot (its context has a TDM termination): the timeslot
 * is the clock of the tone; on an rtpbridge it is 501.  An idle timeslot
 * (NULL context) is not connected to anything to play to: 501 as for Events.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include "mgcp/h248_dd.h"
#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

/* Signal types (H.248.1 7.1.11). */
enum sig_type {
	SIG_ON_OFF,	/* until stopped */
	SIG_TIME_OUT,	/* until stopped or its duration is over */
	SIG_BRIEF,	/* short, ends by itself */
};

/* A dg digit is a brief signal whose duration the gateway provisions
 * (E.5): 100 ms is well over Q.24's 40 ms minimum, as MGCP's S: D/x plays. */
#define DG_SIGNAL_MS 100

/* Package cg (H.248.1 Annex E.7): the names are the package's, the tones
 * the European ones of ITU-T E.180 and Q.35 (425 Hz), since E.7 leaves
 * frequencies and cadences to the country (E.7.5).  Every cg signal is of
 * type TimeOut with a provisioned duration: ours is in default_ms.  The
 * values are from memory of E.180 and CEPT T/CS 20-15, not checked against
 * their text; rows marked "unconfirmed" are the least certain. */
static const struct cg_tone {
	const char *name;
	uint32_t default_ms;
	struct mgw_tone_spec spec;
} cg_tones[] = {
	/* The European (CEPT) values; the E.180/Q.35 text itself and ETSI
	 * ETR 187 were not readable here, so each row says which secondary
	 * sources agree (Asterisk indications.conf, DAHDI zonedata.c, the
	 * "CEPT" tables of the Android tone generator, E.180 Supplement 2
	 * country rows).  H.248.1 E.7.5 leaves the values to the country. */
	/* dial tone: continuous 425 Hz (all of them) */
	{ "dt", 30000, { 1, { { 425, 0, 0 } } } },
	/* ringing: 425 Hz 1 s on, 4 s off (all of them); as long as ISUP
	 * rings at most (T9, 180 s) */
	{ "rt", 180000, { 2, { { 425, 0, 1000 }, { 0, 0, 4000 } } } },
	/* busy: 425 Hz 0.5 s on, 0.5 s off (all of them) */
	{ "bt", 30000, { 2, { { 425, 0, 500 }, { 0, 0, 500 } } } },
	/* congestion: 425 Hz 0.2 s on, 0.2 s off ("CEPT" tables; ch, dk,
	 * no, it, fi, pt; 0.25 s in nl, bg) */
	{ "ct", 30000, { 2, { { 425, 0, 200 }, { 0, 0, 200 } } } },
	/* special information: 950, 1400, 1800 Hz, 330 ms each, then 1 s
	 * silence (E.180 / Q.35 as all of them quote it) */
	{ "sit", 30000, { 4, { { 950, 0, 330 }, { 1400, 0, 330 }, { 1800, 0, 330 }, { 0, 0, 1000 } } } },
	/* warning (recorder): 1400 Hz 0.4 s, once every 15 s (it, no, gr,
	 * hu; 0.5 s elsewhere) */
	{ "wt", 30000, { 2, { { 1400, 0, 400 }, { 0, 0, 14600 } } } },
	/* payphone recognition: no common value; E.180 Supplement 2 has two
	 * tones in turn, 0.2 s on, 0.2 s off, 0.2 s on, 2 s off; Germany's
	 * 1633 Hz then 1336 Hz -- national, unconfirmed */
	{ "prt", 30000, { 4, { { 1633, 0, 200 }, { 0, 0, 200 }, { 1336, 0, 200 }, { 0, 0, 2000 } } } },
	/* call waiting: 425 Hz 0.2 s on, 0.6 s off, 0.2 s on, 3 s off
	 * ("CEPT" tables, after 3GPP TS 22.001 F.2.3) */
	{ "cw", 30000, { 4, { { 425, 0, 200 }, { 0, 0, 600 }, { 425, 0, 200 }, { 0, 0, 3000 } } } },
	/* caller waiting: 425 Hz 0.4 s on, 0.1 s off, 0.1 s on, 4.4 s off
	 * -- no source found, unconfirmed */
	{ "cr", 30000, { 4, { { 425, 0, 400 }, { 0, 0, 100 }, { 425, 0, 100 }, { 0, 0, 4400 } } } },
};

/* What one Signals descriptor asks for. */
struct sig_req {
	char label[16];
	struct mgw_tone_spec spec;
	uint32_t limit;		/* samples; 0: until stopped */
};

/* The tone of a TDM termination, which lives in its termination; the
 * timeslot only points at it. */
struct tdm_tone {
	struct mgw_tone tone;
	struct mgw_endpoint *ep;
};

static int tdm_tone_destructor(struct tdm_tone *t)
{
	if (t->ep->tone == &t->tone)
		t->ep->tone = NULL;
	return 0;
}

static bool is_token(const char *s, const char *long_name, const char *short_name)
{
	return !strcasecmp(s, long_name) || !strcasecmp(s, short_name);
}

/* The parameters of one signal into @type and @ms; 0 or an error code. */
static unsigned int sig_params(const struct h248_item *it, enum sig_type *type, uint32_t *ms, bool *has_ms)
{
	const struct h248_item *p;

	if (it->body || it->value)
		return H248_EC_UNKNOWN_PARAM;
	llist_for_each_entry(p, &it->children, list) {
		char *end;
		unsigned long v;

		if (p->op != '=' || !p->value || p->n_children || p->body)
			return H248_EC_UNKNOWN_PARAM;
		if (is_token(p->name, "SignalType", "SY")) {
			if (is_token(p->value, "OnOff", "OO"))
				*type = SIG_ON_OFF;
			else if (is_token(p->value, "TimeOut", "TO"))
				*type = SIG_TIME_OUT;
			else if (is_token(p->value, "Brief", "BR"))
				*type = SIG_BRIEF;
			else
				return H248_EC_UNKNOWN_PARAM;
		} else if (is_token(p->name, "Duration", "DR")) {
			v = strtoul(p->value, &end, 10);
			/* the ABNF's UINT16, in hundredths of a second (7.1.11) */
			if (*end || end == p->value || v > 65535)
				return H248_EC_UNKNOWN_PARAM;
			*ms = v * 10;
			*has_ms = true;
		} else {
			return H248_EC_UNKNOWN_PARAM;
		}
	}
	return 0;
}

/* One "pkg/signal { params }" into @req; 0 or an error code. */
static unsigned int sig_parse(const struct h248_item *it, struct sig_req *req)
{
	const char *slash = strchr(it->name, '/');
	enum sig_type type;
	uint32_t ms = 0;
	bool has_ms = false;
	unsigned int rc, i;
	int ev;

	memset(req, 0, sizeof(*req));
	if (is_token(it->name, "SignalList", "SL"))
		return H248_EC_NOT_IMPLEMENTED;
	if (!slash)
		return H248_EC_UNKNOWN_PACKAGE;
	if (slash - it->name == 2 && (!strncasecmp(it->name, "cg", 2) || !strncasecmp(it->name, "dg", 2)) &&
	    !strcasecmp(slash + 1, "pt"))
		return H248_EC_NOT_IMPLEMENTED;	/* tonegen's play tone (E.3) */
	if (slash - it->name == 2 && !strncasecmp(it->name, "cg", 2)) {
		const struct cg_tone *cg = NULL;

		for (i = 0; i < ARRAY_SIZE(cg_tones); i++) {
			if (!strcasecmp(slash + 1, cg_tones[i].name))
				cg = &cg_tones[i];
		}
		if (!cg)
			return H248_EC_NO_SUCH_SIGNAL;
		type = SIG_TIME_OUT;
		rc = sig_params(it, &type, &ms, &has_ms);
		if (rc)
			return rc;
		req->spec = cg->spec;
		if (type == SIG_ON_OFF)
			ms = 0;
		else if (!has_ms)
			/* a brief cg tone: its first stretch (one ring, one beep) */
			ms = type == SIG_BRIEF ? (cg->spec.segs[0].ms ? cg->spec.segs[0].ms : DG_SIGNAL_MS)
					       : cg->default_ms;
		snprintf(req->label, sizeof(req->label), "cg/%s", cg->name);
	} else if (slash - it->name == 2 && !strncasecmp(it->name, "dd", 2)) {
		return H248_EC_NO_SUCH_SIGNAL;	/* detection only (E.6.3) */
	} else if (slash - it->name == 2 && !strncasecmp(it->name, "dg", 2)) {
		/* dg's signal names are dd's event names (E.6.2) */
		ev = mgw_dtmf_event(h248_dd_digit(slash + 1));
		if (ev < 0)
			return H248_EC_NO_SUCH_SIGNAL;
		type = SIG_BRIEF;
		rc = sig_params(it, &type, &ms, &has_ms);
		if (rc)
			return rc;
		/* made TimeOut, a Brief signal needs its Duration (7.1.11) */
		if (type == SIG_TIME_OUT && !has_ms)
			return H248_EC_MISSING_PARAM;
		req->spec.n_segs = 1;
		mgw_dtmf_freqs(ev, &req->spec.segs[0].f1, &req->spec.segs[0].f2);
		if (type == SIG_ON_OFF)
			ms = 0;
		else if (!has_ms)
			ms = DG_SIGNAL_MS;
		snprintf(req->label, sizeof(req->label), "dg/%s", h248_dd_event(mgw_dtmf_char(ev)));
	} else {
		return H248_EC_UNKNOWN_PACKAGE;
	}
	/* Duration 0 with TimeOut: nothing to play but a stop */
	req->limit = ms * 8;
	if (type != SIG_ON_OFF && !req->limit)
		req->spec.n_segs = 0;
	return 0;
}

/* The tone @term plays into, made when missing; NULL when it cannot have one. */
static struct mgw_tone *term_tone(struct mgw_h248_term *term)
{
	if (term->tdm) {
		struct tdm_tone *t;

		if (term->tdm->tone)
			return term->tdm->tone;
		t = talloc_zero(term, struct tdm_tone);
		if (!t)
			return NULL;
		t->ep = term->tdm;
		talloc_set_destructor(t, tdm_tone_destructor);
		term->tdm->tone = &t->tone;
		return &t->tone;
	}
	if (!term->conn)
		return NULL;
	if (!term->conn->tone)
		term->conn->tone = talloc_zero(term->conn, struct mgw_tone);
	return term->conn->tone;
}

struct mgw_tone *mgw_h248_signal_of(const struct mgw_h248_term *term)
{
	struct mgw_tone *t = term->tdm ? term->tdm->tone : term->conn ? term->conn->tone : NULL;

	return mgw_tone_active(t) ? t : NULL;
}

void mgw_h248_signal_stop(struct mgw_h248_term *term)
{
	struct mgw_tone *t = mgw_h248_signal_of(term);

	if (t) {
		LOGP(DMGW, LOGL_INFO, "H.248 %s: signal %s stopped\n", term->name, t->label);
		t->active = false;
	}
}

unsigned int mgw_h248_signals_check(const struct mgw_h248_term *term, const struct h248_cmd *c)
{
	struct sig_req req;

	if (!c->signals.present || !c->signals.n_items)
		return 0;
	if (c->signals.n_items > 1)
		return H248_EC_NOT_IMPLEMENTED;	/* one signal at a time */
	if (!term)
		return H248_EC_NOT_IMPLEMENTED;	/* an idle timeslot: nothing connected */
	if (!term->tdm && (!term->conn || !term->conn->ep->span))
		return H248_EC_NOT_IMPLEMENTED;	/* no timeslot to clock the tone */
	return sig_parse(llist_first_entry(&c->signals.items, struct h248_item, list), &req);
}

unsigned int mgw_h248_signals_apply(struct mgw_h248 *h, struct mgw_h248_term *term, const struct h248_cmd *c)
{
	struct sig_req req;
	struct mgw_tone *t;
	unsigned int rc;

	if (!c->signals.present)
		return 0;
	rc = mgw_h248_signals_check(term, c);
	if (rc)
		return rc;
	if (!term) {
		/* an empty descriptor on an idle timeslot: nothing plays */
		mgw_h248_ctr_inc(h, MGW_H248_CTR_SIGNAL_OK);
		return 0;
	}
	/* a new descriptor replaces the signal playing (7.1.11) */
	mgw_h248_signal_stop(term);
	if (c->signals.n_items) {
		sig_parse(llist_first_entry(&c->signals.items, struct h248_item, list), &req);
		if (req.spec.n_segs) {
			t = term_tone(term);
			if (!t)
				return H248_EC_RESOURCES;
			mgw_tone_start(t, &req.spec, req.limit, req.label);
			LOGP(DMGW, LOGL_INFO, "H.248 %s: signal %s for %u ms (0: until stopped)\n", term->name,
			     req.label, req.limit / 8);
		}
	}
	mgw_h248_ctr_inc(h, MGW_H248_CTR_SIGNAL_OK);
	return 0;
}

int mgw_h248_signals_audit(const struct mgw_h248_term *term, const struct h248_cmd *c, struct h248_cmd *r)
{
	struct mgw_tone *t = mgw_h248_signal_of(term);
	const struct h248_item *it;
	bool asked = false;

	llist_for_each_entry(it, &c->audit.items, list)
		asked |= is_token(it->name, "Signals", "SG");
	if (!asked)
		return 0;
	r->signals.present = true;
	r->signals.braces = true;
	if (t && !h248_item_add(r, &r->signals.items, &r->signals.n_items, t->label, NULL))
		return -ENOMEM;
	return 0;
}
