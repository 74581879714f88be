/* tandem-mgw H.248: AuditValue and AuditCapabilities (H.248.1 clauses
 * 7.2.5 and 7.2.6), on ROOT, one termination, a wildcard (clause 6.2) and
 * in context ALL ("*").
 *
 * What a reply holds is what the Audit descriptor asked (7.1.18): an empty
 * one returns the TerminationIDs alone, which with a wildcard lists the
 * terminations that match.  A wildcard is answered with one command reply
 * per matching termination (6.2), unless the command carries the "W-"
 * flag: then one reply with the wildcard id and no descriptors (Media or
 * Statistics of several terminations cannot stand under one id).  Where a
 * wildcard looks depends on the context (7.2.5): in a context, that
 * context's terminations; in the NULL context, the idle timeslots; in
 * context ALL, the terminations of every context, each context in its own
 * action of the reply.  Nothing matching is 431.  A reply with more command
 * replies or actions than a message may hold (H248_CMDS_MAX,
 * H248_ACTIONS_MAX) is answered 533 rather than cut short: the controller
 * then narrows the wildcard.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include "mgcp/h248_dd.h"
#include "mgcp/h248_priv.h"
#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

/* What an Audit descriptor asks for. */
enum audit_want {
	AW_MEDIA = 1 << 0,
	AW_STATS = 1 << 1,
	AW_STATE = 1 << 2,
	AW_EVENTS = 1 << 3,
	AW_SIGNALS = 1 << 4,
	AW_PACKAGES = 1 << 5,
};

/* Audit items by descriptor token; the rest of the descriptors of
 * 7.1.18 (Modem, Mux, DigitMap, EventBuffer, ObservedEvents) we have none
 * of, so they are answered by leaving them out. */
static const struct {
	enum h248_tok tok;
	unsigned int want;
} audit_items[] = {
	{ H248_TOK_MEDIA, AW_MEDIA },
	{ H248_TOK_STATS, AW_STATS },
	{ H248_TOK_TERMINATION_STATE, AW_STATE },
	{ H248_TOK_EVENTS, AW_EVENTS },
	{ H248_TOK_SIGNALS, AW_SIGNALS },
	{ H248_TOK_PACKAGES, AW_PACKAGES },
	{ H248_TOK_MODEM, 0 },
	{ H248_TOK_MUX, 0 },
	{ H248_TOK_DIGIT_MAP, 0 },
	{ H248_TOK_EVENT_BUFFER, 0 },
	{ H248_TOK_OBSERVED_EVENTS, 0 },
};

/* Where a package applies. */
enum pkg_on {
	PKG_ROOT = 1 << 0,
	PKG_TDM = 1 << 1,
	PKG_RTP = 1 << 2,
};

/* The packages this gateway implements (H.248.1 Annex E): where each
 * applies, and on which terminations its events are detected
 * (mgw_h248_events.c) and its signals played (mgw_h248_signals.c; an RTP
 * termination plays while a timeslot carries it). */
static const struct {
	const char *name;
	unsigned int version;
	unsigned int on;
	unsigned int events;
	unsigned int signals;
} packages[] = {
	{ "g", 1, PKG_ROOT | PKG_TDM | PKG_RTP, 0, 0 },
	{ "root", 1, PKG_ROOT, 0, 0 },
	{ "nt", 1, PKG_ROOT | PKG_TDM | PKG_RTP, 0, 0 },
	{ "rtp", 1, PKG_ROOT | PKG_RTP, 0, 0 },
	{ "tdmc", 1, PKG_ROOT | PKG_TDM, 0, 0 },
	/* DTMF: detection is dd (E.6, no signals), generation dg (E.5) */
	{ "dd", 1, PKG_ROOT | PKG_TDM, PKG_TDM, 0 },
	{ "dg", 1, PKG_ROOT | PKG_TDM | PKG_RTP, 0, PKG_TDM | PKG_RTP },
	{ "cg", 1, PKG_ROOT | PKG_TDM | PKG_RTP, 0, PKG_TDM | PKG_RTP },
};

/* One termination a wildcard matched: in a context, or an idle timeslot. */
struct match {
	struct mgw_h248_term *term;
	struct mgw_endpoint *idle;
	char name[MGW_H248_TERM_NAME_MAX + 1];
};

static unsigned int audit_wants(const struct h248_cmd *c, unsigned int *want)
{
	const struct h248_item *it;
	unsigned int i;

	*want = 0;
	llist_for_each_entry(it, &c->audit.items, list) {
		for (i = 0; i < ARRAY_SIZE(audit_items); i++) {
			if (h248_tok_is(it->name, audit_items[i].tok))
				break;
		}
		if (i < ARRAY_SIZE(audit_items)) {
			*want |= audit_items[i].want;
			continue;
		}
		/* a single property, event or statistic (v2 auditItem "pkg/name") */
		if (strchr(it->name, '/'))
			return H248_EC_NOT_IMPLEMENTED;
		return H248_EC_UNKNOWN_DESC;
	}
	return 0;
}

/* One level of a name against one level of a pattern: "*" is any run of
 * characters within the level (Annex B.1 wildcarding). */
static bool level_match(const char *p, size_t pl, const char *n, size_t nl)
{
	size_t pi = 0, ni = 0, star = (size_t)-1, resume = 0;

	while (ni < nl) {
		if (pi < pl && p[pi] == '*') {
			star = pi++;
			resume = ni;
		} else if (pi < pl && tolower((unsigned char)p[pi]) == tolower((unsigned char)n[ni])) {
			pi++;
			ni++;
		} else if (star != (size_t)-1) {
			pi = star + 1;
			ni = ++resume;
		} else {
			return false;
		}
	}
	while (pi < pl && p[pi] == '*')
		pi++;
	return pi == pl;
}

/* Whether @name matches the wildcard @pat: level by level, and a last
 * level of "*" alone matches every level below: "tdm" then "*" is
 * every timeslot of every span. */
static bool wild_match(const char *pat, const char *name)
{
	for (;;) {
		const char *ps = strchr(pat, '/'), *ns = strchr(name, '/');
		size_t pl = ps ? (size_t)(ps - pat) : strlen(pat);
		size_t nl = ns ? (size_t)(ns - name) : strlen(name);

		if (!ps && pl == 1 && pat[0] == '*')
			return true;
		if (!level_match(pat, pl, name, nl))
			return false;
		if (!ps || !ns)
			return !ps && !ns;
		pat = ps + 1;
		name = ns + 1;
	}
}

static void term_match(struct match *m, unsigned int *n, unsigned int max, struct mgw_h248_term *term,
		       const char *pat)
{
	if (!wild_match(pat, term->name))
		return;
	if (*n < max) {
		m[*n].term = term;
		m[*n].idle = NULL;
		osmo_strlcpy(m[*n].name, term->name, sizeof(m[*n].name));
	}
	(*n)++;
}

/* The terminations of @ctx that match @pat; returns how many (maybe more than @max stored). */
static unsigned int ctx_matches(struct mgw_h248_ctx *ctx, const char *pat, struct match *m, unsigned int max)
{
	unsigned int i, n = 0;

	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
		if (ctx->terms[i])
			term_match(m, &n, max, ctx->terms[i], pat);
	}
	return n;
}

/* The idle timeslots (NULL context) that match @pat, in span and timeslot order. */
static unsigned int null_matches(struct mgw_h248 *h, const char *pat, struct match *m, unsigned int max)
{
	struct mgw *mgw = h->mgw;
	unsigned int i, n = 0;

	for (i = 0; i < mgw->n_endpoints; i++) {
		struct mgw_endpoint *ep = &mgw->endpoints[i];
		char name[MGW_H248_TERM_NAME_MAX + 1];

		if (!ep->span || ep->h248)
			continue;
		mgw_h248_tdm_name(ep, name, sizeof(name));
		if (!wild_match(pat, name))
			continue;
		if (n < max) {
			m[n].term = NULL;
			m[n].idle = ep;
			osmo_strlcpy(m[n].name, name, sizeof(m[n].name));
		}
		n++;
	}
	return n;
}

static unsigned int put_packages(struct h248_cmd *r, unsigned int on)
{
	struct h248_item *p = h248_item_add(r, &r->other, &r->n_other, "Packages", NULL);
	unsigned int i;

	if (!p)
		return H248_EC_INTERNAL;
	p->braces = true;
	for (i = 0; i < ARRAY_SIZE(packages); i++) {
		char name[16];

		if (!(packages[i].on & on))
			continue;
		snprintf(name, sizeof(name), "%s-%u", packages[i].name, packages[i].version);
		if (!h248_item_add(p, &p->children, &p->n_children, name, NULL))
			return H248_EC_INTERNAL;
	}
	return 0;
}

/* The item "all of package P" (P, a slash, a star) for each package whose
 * events (@signals false) or signals a termination of kind @on may have;
 * no descriptor when there are none. */
static unsigned int put_caps_items(struct h248_cmd *r, struct h248_desc *d, unsigned int on, bool signals)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(packages); i++) {
		char name[16];

		if (!((signals ? packages[i].signals : packages[i].events) & on))
			continue;
		snprintf(name, sizeof(name), "%s/*", packages[i].name);
		if (!h248_item_add(r, &d->items, &d->n_items, name, NULL))
			return H248_EC_INTERNAL;
		d->present = true;
		/* eventsDescriptor: items need a RequestID; signals take braces */
		d->has_request_id = !signals;
		d->braces = true;
	}
	return 0;
}

/* ServiceStates (E.1.2): an idle timeslot taken out of service by a
 * ServiceChange Forced/Graceful on it (mgw_h248_handoff.c) says so. */
static unsigned int put_in_service(struct h248_cmd *r, bool oos)
{
	r->media.present = true;
	r->media.has_ts = true;
	return h248_item_add(r, &r->media.ts, &r->media.n_ts, "ServiceStates", oos ? "OutOfService" : "InService") ?
		       0 :
		       H248_EC_INTERNAL;
}

/* The dd events armed on a TDM termination (7.1.9), with their RequestID. */
static unsigned int put_events(const struct mgw_h248_term *term, struct h248_cmd *r)
{
	unsigned int ev;

	/* none armed: no descriptor (a bare "Events" reads as RequestID 0 to some) */
	if (!term || !term->dd_events)
		return 0;
	r->events.present = true;
	r->events.has_request_id = true;
	r->events.request_id = term->events_rid;
	for (ev = 0; ev < MGW_DTMF_EVENTS; ev++) {
		char name[16];

		if (!(term->dd_events & (1u << ev)))
			continue;
		snprintf(name, sizeof(name), "dd/%s", h248_dd_event(mgw_dtmf_char(ev)));
		if (!h248_item_add(r, &r->events.items, &r->events.n_items, name, NULL))
			return H248_EC_INTERNAL;
	}
	return 0;
}

/* AuditValue of one termination (@term in a context, or the idle timeslot
 * @idle): what @want asks, current values (7.2.5). */
static unsigned int value_of(struct mgw_h248_term *term, struct mgw_endpoint *idle, const struct h248_cmd *c,
			     unsigned int want, struct h248_cmd *r)
{
	unsigned int rc = 0;

	if ((want & AW_MEDIA) && term && mgw_h248_media_reply(term, r, true) < 0)
		return H248_EC_INTERNAL;
	/* ServiceStates sits in the Media descriptor's TerminationState */
	if (want & AW_STATE || (want & AW_MEDIA && idle))
		rc = put_in_service(r, idle && idle->h248_oos);
	if (!rc && (want & AW_STATS) && term && mgw_h248_stats_reply(term, r) < 0)
		rc = H248_EC_INTERNAL;
	if (!rc && (want & AW_EVENTS))
		rc = put_events(term, r);
	/* the signal playing (mgw_h248_signals.c looks at the Audit itself) */
	if (!rc && (want & AW_SIGNALS) && term && mgw_h248_signals_audit(term, c, r) < 0)
		rc = H248_EC_INTERNAL;
	if (!rc && (want & AW_PACKAGES))
		rc = put_packages(r, idle || term->tdm ? PKG_TDM : PKG_RTP);
	return rc;
}

/* The codecs an RTP termination may use, as a Local with CHOOSE port:
 * the gateway's codec list (the one MGCP's AUEP A: gives too). */
static unsigned int put_media_caps(struct mgw_h248 *h, struct h248_cmd *r)
{
	const struct mgw_cfg *cfg = &h->mgw->cfg;
	struct h248_stream *s = h248_stream_add(r, 1);
	char *m, *maps;
	unsigned int i;

	if (!s)
		return H248_EC_INTERNAL;
	r->media.present = true;
	/* no CRLF after the last line, as the parser keeps a Local */
	m = talloc_asprintf(s, "v=0\r\nc=IN IP4 %s\r\nm=audio $ RTP/AVP", cfg->rtp_ip);
	maps = talloc_strdup(s, "");
	for (i = 0; i < cfg->n_codec_pref && m && maps; i++) {
		const struct mgcp_codec_desc *d = &mgcp_codecs[cfg->codec_pref[i]];

		if (d->static_pt < 0)
			continue;
		m = talloc_asprintf_append(m, " %d", d->static_pt);
		maps = talloc_asprintf_append(maps, "\r\na=rtpmap:%d %s/%u", d->static_pt, d->name, d->rate);
	}
	s->local = m && maps ? talloc_asprintf(s, "%s%s", m, maps) : NULL;
	talloc_free(m);
	talloc_free(maps);
	return s->local ? 0 : H248_EC_INTERNAL;
}

/* AuditCapabilities of one termination: what it could do (7.2.6). */
static unsigned int caps_of(struct mgw_h248 *h, bool tdm, unsigned int want, struct h248_cmd *r)
{
	unsigned int rc = 0;

	/* a timeslot's media is G.711 on the span: no SDP to offer */
	if ((want & AW_MEDIA) && !tdm)
		rc = put_media_caps(h, r);
	if (!rc && (want & AW_STATE))
		rc = put_in_service(r, false);
	if (!rc && (want & AW_EVENTS))
		rc = put_caps_items(r, &r->events, tdm ? PKG_TDM : PKG_RTP, false);
	if (!rc && (want & AW_SIGNALS))
		rc = put_caps_items(r, &r->signals, tdm ? PKG_TDM : PKG_RTP, true);
	if (!rc && (want & AW_PACKAGES))
		rc = put_packages(r, tdm ? PKG_TDM : PKG_RTP);
	return rc;
}

static unsigned int audit_one(struct mgw_h248 *h, const struct h248_cmd *c, unsigned int want,
			      struct mgw_h248_term *term, struct mgw_endpoint *idle, struct h248_cmd *r)
{
	if (c->kind == H248_CMD_AUDIT_CAP)
		return caps_of(h, idle || term->tdm, want, r);
	return value_of(term, idle, c, want, r);
}

static void count_ok(struct mgw_h248 *h, const struct h248_cmd *c)
{
	mgw_h248_ctr_inc(h, MGW_H248_CTR_AUDIT_OK);
	if (c->kind == H248_CMD_AUDIT_CAP)
		mgw_h248_ctr_inc(h, MGW_H248_CTR_AUDITCAP_OK);
}

/* ROOT: the gateway as a whole, in the NULL context only (6.2). */
static unsigned int audit_root(struct mgw_h248 *h, const struct h248_cmd *c, unsigned int want,
			       struct h248_cmd *r)
{
	unsigned int rc = 0;

	if (want & AW_PACKAGES)
		rc = put_packages(r, PKG_ROOT);
	if (!rc && (want & AW_STATE))
		rc = put_in_service(r, false);
	if (!rc)
		count_ok(h, c);
	return rc;
}

/* One named termination in context @ctx (NULL: the NULL context). */
static unsigned int audit_named(struct mgw_h248 *h, struct mgw_h248_ctx *ctx, const struct h248_cmd *c,
				unsigned int want, struct h248_cmd *r)
{
	struct mgw_h248_ctx *in = NULL;
	struct mgw_h248_term *term = mgw_h248_term_find(h, c->term_id, &in);
	struct mgw_endpoint *idle = NULL;
	unsigned int rc;

	if (term) {
		if (in != ctx)
			return H248_EC_TERM_NOT_IN_CONTEXT;
	} else {
		idle = mgw_h248_tdm_endpoint(h, c->term_id);
		if (!idle)
			return H248_EC_UNKNOWN_TERM;
		/* an idle timeslot is in the NULL context */
		if (ctx)
			return H248_EC_TERM_NOT_IN_CONTEXT;
	}
	rc = audit_one(h, c, want, term, idle, r);
	if (!rc)
		count_ok(h, c);
	return rc;
}

/* Put the replies for @n matches into @ra, the first into @r. */
static unsigned int reply_matches(struct mgw_h248 *h, const struct h248_cmd *c, unsigned int want,
				  struct h248_action *ra, struct h248_cmd *r, const struct match *m, unsigned int n)
{
	unsigned int i, rc;

	for (i = 0; i < n; i++) {
		if (i) {
			r = h248_cmd_add(ra, c->kind, m[i].name);
			if (!r)
				return H248_EC_INTERNAL;
		} else if (h248_str_set(r, &r->term_id, m[i].name) < 0) {
			return H248_EC_INTERNAL;
		}
		rc = audit_one(h, c, want, m[i].term, m[i].idle, r);
		if (rc)
			return rc;
	}
	return 0;
}

/* Commands of the request's action after @c: each needs a reply slot. */
static unsigned int cmds_after(const struct h248_action *a, const struct h248_cmd *c)
{
	const struct llist_head *p;
	unsigned int n = 0;

	for (p = c->list.next; p != &a->cmds; p = p->next)
		n++;
	return n;
}

static unsigned int audit_wildcard(struct mgw_h248 *h, const struct h248_action *a, struct mgw_h248_ctx *ctx,
				   const struct h248_cmd *c, unsigned int want, struct h248_action *ra,
				   struct h248_cmd *r)
{
	/* one reply each, in the room the action has left once the
	 * commands after this one have theirs */
	unsigned int later = cmds_after(a, c);
	unsigned int room = H248_CMDS_MAX + 1 > ra->n_cmds + later ? H248_CMDS_MAX + 1 - ra->n_cmds - later : 0;
	struct match *m;
	unsigned int n, rc;

	if (!room)
		return H248_EC_RESPONSE_TOO_BIG;
	m = talloc_array(r, struct match, room);
	if (!m)
		return H248_EC_RESOURCES;
	n = ctx ? ctx_matches(ctx, c->term_id, m, room) : null_matches(h, c->term_id, m, room);
	if (n == 0)
		rc = H248_EC_NO_WILDCARD_MATCH;
	else if (c->wildcard)
		rc = 0;	/* the wildcard id alone stands for them all */
	else if (n > room)
		rc = H248_EC_RESPONSE_TOO_BIG;
	else
		rc = reply_matches(h, c, want, ra, r, m, n);
	talloc_free(m);
	if (!rc)
		count_ok(h, c);
	return rc;
}

/* Context ALL: every context with a matching termination gets an action
 * of its own in the reply, the first one being @ra itself (7.2.5: "all
 * matching terminations and the context to which they are associated"). */
static unsigned int audit_all(struct mgw_h248 *h, struct h248_trans *rt, const struct h248_cmd *c,
			      unsigned int want, struct h248_action *ra, struct h248_cmd *r)
{
	unsigned int room = H248_ACTIONS_MAX - rt->n_actions + 1;
	struct match m[MGW_H248_TERMS_PER_CTX];
	struct mgw_h248_ctx *ctx;
	unsigned int n_ctx = 0, rc;

	/* first count, so that a reply too big is refused before it is half built */
	llist_for_each_entry(ctx, &h->ctxs, list)
		n_ctx += ctx_matches(ctx, c->term_id, m, ARRAY_SIZE(m)) > 0;
	if (n_ctx == 0 && !strchr(c->term_id, '*'))
		return mgw_h248_tdm_endpoint(h, c->term_id) ? H248_EC_TERM_NOT_IN_CONTEXT : H248_EC_UNKNOWN_TERM;
	if (n_ctx == 0)
		return H248_EC_NO_WILDCARD_MATCH;
	if (n_ctx > room)
		return H248_EC_RESPONSE_TOO_BIG;
	n_ctx = 0;
	llist_for_each_entry(ctx, &h->ctxs, list) {
		unsigned int n = ctx_matches(ctx, c->term_id, m, ARRAY_SIZE(m));

		if (!n)
			continue;
		if (n_ctx++) {
			ra = h248_action_add(rt, H248_CTX_ID, ctx->id);
			r = ra ? h248_cmd_add(ra, c->kind, m[0].name) : NULL;
			if (!r)
				return H248_EC_INTERNAL;
		} else {
			ra->ctx = H248_CTX_ID;
			ra->ctx_id = ctx->id;
		}
		rc = reply_matches(h, c, want, ra, r, m, n);
		if (rc)
			return rc;
	}
	count_ok(h, c);
	return 0;
}

unsigned int mgw_h248_audit(struct mgw_h248 *h, const struct h248_action *a, struct mgw_h248_ctx *ctx,
			    struct h248_trans *rt, struct h248_action *ra, const struct h248_cmd *c,
			    struct h248_cmd *r)
{
	unsigned int want, rc;

	rc = audit_wants(c, &want);
	if (rc)
		return rc;
	/* CHOOSE names nothing that exists */
	if (a->ctx == H248_CTX_CHOOSE)
		return H248_EC_UNKNOWN_ACTION;
	if (strchr(c->term_id, '$'))
		return H248_EC_NOT_IMPLEMENTED;
	if (!strcasecmp(c->term_id, "ROOT"))
		return ctx || a->ctx == H248_CTX_ALL ? H248_EC_BAD_ID : audit_root(h, c, want, r);
	if (a->ctx == H248_CTX_ALL) {
		/* its replies take the whole action */
		if (a->n_cmds > 1)
			return H248_EC_NOT_IMPLEMENTED;
		return audit_all(h, rt, c, want, ra, r);
	}
	if (strchr(c->term_id, '*'))
		return audit_wildcard(h, a, ctx, c, want, ra, r);
	return audit_named(h, ctx, c, want, r);
}

unsigned int mgw_h248_ctx_all_refuse(enum h248_cmd_kind kind)
{
	switch (kind) {
	case H248_CMD_AUDIT_VALUE:
	case H248_CMD_AUDIT_CAP:
		return 0;
	case H248_CMD_ADD:
	case H248_CMD_MOVE:
	case H248_CMD_NOTIFY:
	case H248_CMD_SERVICE_CHANGE:
		/* they name one context, or none (6.1.1) */
		return H248_EC_UNKNOWN_ACTION;
	default:
		/* Modify or Subtract of every context at once */
		return H248_EC_NOT_IMPLEMENTED;
	}
}
