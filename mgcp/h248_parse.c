/* H.248.1 text parser: gives the item tree of h248_lex.c its meaning
 * (transactions, actions, commands, descriptors) and checks it against
 * the Annex B ABNF.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <talloc.h>

#include "mgcp/h248_priv.h"

/* Where a fault was found, for the error detail. */
struct h248_pctx {
	struct h248_err_detail *err;
	const struct h248_item *at;	/*!< the item being read, for the line of a fault */
	bool is_reply;		/*!< the transaction being read is a reply */
	unsigned int version;	/*!< of the message, for the v3-only productions */
};

static int h248_bad(struct h248_pctx *p, int rc, const char *token)
{
	if (token && !p->err->token[0])
		osmo_strlcpy(p->err->token, token, sizeof(p->err->token));
	return rc;
}

/* A "name = value" parameter that may be given once: @given says it was. */
static int h248_param_once(struct h248_pctx *p, const struct h248_item *it, bool given)
{
	if (given)
		return h248_bad(p, -H248_ERR_DUP, it->name);
	if (it->op != '=' || it->braces)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	return 0;
}

/* UINT32 of Annex B: 1..10 digits, no more than 4294967295. */
static bool h248_uint32(const char *s, uint32_t *out)
{
	unsigned long long v = 0;
	size_t i, n = s ? strlen(s) : 0;

	if (n == 0 || n > 10)
		return false;
	for (i = 0; i < n; i++) {
		if (!isdigit((unsigned char)s[i]))
			return false;
		v = v * 10 + (s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = v;
	return true;
}

/* TerminationID = "ROOT" / pathNAME / "$" / "*" (Annex B); pathNAME =
 * ["*"] NAME *("/" / "*" / ALPHA / DIGIT / "_" / "$") ["@" pathDomainName]. */
bool h248_term_id_ok(const char *s)
{
	const char *at = strchr(s, '@'), *p = s;

	if (!strcmp(s, "$") || !strcmp(s, "*"))
		return true;
	if (*p == '*')
		p++;
	/* NAME starts with ALPHA in the ABNF, but other implementations name
	 * physical terminations by digits ("11111111/00000000/00000000" in
	 * Erlang/OTP's megaco, which its decoder reads): read them, and let
	 * the gateway answer 430 for a name it does not have */
	if (!isalnum((unsigned char)*p))
		return false;
	for (; *p && p != at; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("/*_$", *p))
			return false;
	}
	if (!at)
		return true;
	if (!at[1] || strlen(at + 1) > 64)
		return false;
	for (p = at + 1; *p; p++) {
		if (!isalnum((unsigned char)*p) && !strchr("-*.", *p))
			return false;
	}
	return true;
}

/* Move @it from the tree to a list of a message object. */
static void h248_keep(void *owner, struct h248_item *it, struct llist_head *list, unsigned int *n)
{
	llist_del(&it->list);
	talloc_steal(owner, it);
	llist_add_tail(&it->list, list);
	(*n)++;
}

static void h248_keep_children(void *owner, struct h248_item *from, struct llist_head *list,
			       unsigned int *n)
{
	struct h248_item *c, *tmp;

	llist_for_each_entry_safe(c, tmp, &from->children, list)
		h248_keep(owner, c, list, n);
	from->n_children = 0;
}

/* errorDescriptor = ErrorToken EQUAL ErrorCode LBRKT [quotedString] RBRKT */
static int h248_map_error(struct h248_pctx *p, void *owner, struct h248_item *it, struct h248_error *e)
{
	struct h248_item *q;
	uint32_t code;

	p->at = it;
	if (e->present)
		return h248_bad(p, -H248_ERR_DUP, it->name);
	if (it->op != '=' || !it->braces || strlen(it->value) > 4 || !h248_uint32(it->value, &code) ||
	    it->n_children > 1)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	e->present = true;
	e->code = code;
	if (it->n_children) {
		q = llist_first_entry(&it->children, struct h248_item, list);
		if (q->name[0] != '"')
			return h248_bad(p, -H248_ERR_SYNTAX, q->name);
		e->text = talloc_strndup(owner, q->name + 1, strlen(q->name) - 2);
	}
	return 0;
}

/* Events / ObservedEvents / Signals / Statistics / Audit: an optional
 * "= RequestID" and items in braces, kept as they are. */
static int h248_map_desc(struct h248_pctx *p, void *owner, struct h248_item *it, struct h248_desc *d,
			 bool want_id, bool need_braces)
{
	p->at = it;
	if (d->present)
		return h248_bad(p, -H248_ERR_DUP, it->name);
	d->present = true;
	INIT_LLIST_HEAD(&d->items);
	if (it->op) {
		if (!want_id || it->op != '=' || !it->braces)
			return h248_bad(p, -H248_ERR_SYNTAX, it->name);
		d->has_request_id = true;
		if (!strcmp(it->value, "*"))
			d->request_id_all = true;
		else if (!h248_uint32(it->value, &d->request_id))
			return h248_bad(p, -H248_ERR_VALUE, it->name);
	}
	if (need_braces && !it->braces)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	if (it->body)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	d->braces = it->braces;
	h248_keep_children(owner, it, &d->items, &d->n_items);
	return 0;
}

static int h248_on_off(struct h248_pctx *p, struct h248_item *it, int8_t *out)
{
	int rc;

	p->at = it;
	rc = h248_param_once(p, it, *out >= 0);
	if (rc < 0)
		return rc;
	if (h248_tok_is(it->value, H248_TOK_ON))
		*out = 1;
	else if (h248_tok_is(it->value, H248_TOK_OFF))
		*out = 0;
	else
		return h248_bad(p, -H248_ERR_VALUE, it->value);
	return 0;
}

/* localControlDescriptor = LocalControlToken LBRKT localParm *(COMMA localParm) RBRKT */
static int h248_map_lc(struct h248_pctx *p, struct h248_stream *s, struct h248_item *it)
{
	struct h248_local_control *lc = &s->lc;
	struct h248_item *c, *tmp;
	int rc, mode;

	p->at = it;
	if (lc->present)
		return h248_bad(p, -H248_ERR_DUP, it->name);
	if (it->op || !it->braces || !it->n_children)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	lc->present = true;
	llist_for_each_entry_safe(c, tmp, &it->children, list) {
		p->at = c;
		if (h248_tok_is(c->name, H248_TOK_MODE)) {
			rc = h248_param_once(p, c, lc->mode);
			if (rc < 0)
				return rc;
			mode = h248_mode_from_word(c->value);
			if (mode < 0)
				return h248_bad(p, -H248_ERR_VALUE, c->value);
			lc->mode = mode;
		} else if (h248_tok_is(c->name, H248_TOK_RESERVED_VALUE)) {
			rc = h248_on_off(p, c, &lc->reserve_value);
			if (rc < 0)
				return rc;
		} else if (h248_tok_is(c->name, H248_TOK_RESERVED_GROUP)) {
			rc = h248_on_off(p, c, &lc->reserve_group);
			if (rc < 0)
				return rc;
		} else if (c->op && strchr(c->name, '/') && !c->timestamp) {
			/* propertyParm = pkgdName parmValue */
			h248_keep(s, c, &lc->props, &lc->n_props);
		} else {
			return h248_bad(p, -H248_ERR_VALUE, c->name);
		}
	}
	return 0;
}

/* streamParm = localDescriptor / remoteDescriptor / localControlDescriptor /
 * statisticsDescriptor */
static int h248_map_stream_parm(struct h248_pctx *p, struct h248_stream *s, struct h248_item *it)
{
	char **sdp;

	p->at = it;
	if (h248_tok_is(it->name, H248_TOK_LOCAL_CONTROL))
		return h248_map_lc(p, s, it);
	if (h248_tok_is(it->name, H248_TOK_LOCAL) || h248_tok_is(it->name, H248_TOK_REMOTE)) {
		sdp = h248_tok_is(it->name, H248_TOK_LOCAL) ? &s->local : &s->remote;
		if (*sdp)
			return h248_bad(p, -H248_ERR_DUP, it->name);
		if (it->op || !it->body)
			return h248_bad(p, -H248_ERR_SYNTAX, it->name);
		*sdp = talloc_steal(s, it->body);
		it->body = NULL;
		return 0;
	}
	if (h248_tok_is(it->name, H248_TOK_STATS)) {
		if (s->has_stats)
			return h248_bad(p, -H248_ERR_DUP, it->name);
		if (it->op || !it->braces)
			return h248_bad(p, -H248_ERR_SYNTAX, it->name);
		s->has_stats = true;
		h248_keep_children(s, it, &s->stats, &s->n_stats);
		return 0;
	}
	return h248_bad(p, -H248_ERR_DESCRIPTOR, it->name);
}

static struct h248_stream *h248_stream_find(struct h248_media *m, uint16_t id)
{
	struct h248_stream *s;

	llist_for_each_entry(s, &m->streams, list) {
		if (s->id == id)
			return s;
	}
	return NULL;
}

/* mediaDescriptor = MediaToken LBRKT mediaParm *(COMMA mediaParm) RBRKT */
static int h248_map_media(struct h248_pctx *p, struct h248_cmd *cmd, struct h248_item *it)
{
	struct h248_media *m = &cmd->media;
	struct h248_item *c, *tmp, *sp, *sptmp;
	struct h248_stream *s;
	uint32_t id;
	int rc;

	p->at = it;
	if (m->present)
		return h248_bad(p, -H248_ERR_DUP, it->name);
	if (it->op || !it->braces || !it->n_children)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	m->present = true;
	llist_for_each_entry_safe(c, tmp, &it->children, list) {
		p->at = c;
		if (h248_tok_is(c->name, H248_TOK_STREAM)) {
			if (c->op != '=' || !c->braces || !c->n_children)
				return h248_bad(p, -H248_ERR_SYNTAX, c->name);
			if (!h248_uint32(c->value, &id) || id == 0 || id > UINT16_MAX)
				return h248_bad(p, -H248_ERR_VALUE, c->value);
			if (h248_stream_find(m, id))
				return h248_bad(p, -H248_ERR_DUP, c->name);
			s = h248_stream_add(cmd, id);
			if (!s)
				return h248_bad(p, -H248_ERR_TOO_MANY, c->name);
			llist_for_each_entry_safe(sp, sptmp, &c->children, list) {
				p->at = sp;
				rc = h248_map_stream_parm(p, s, sp);
				if (rc < 0)
					return rc;
			}
		} else if (h248_tok_is(c->name, H248_TOK_TERMINATION_STATE)) {
			if (m->has_ts)
				return h248_bad(p, -H248_ERR_DUP, c->name);
			if (c->op || !c->braces || !c->n_children)
				return h248_bad(p, -H248_ERR_SYNTAX, c->name);
			m->has_ts = true;
			h248_keep_children(cmd, c, &m->ts, &m->n_ts);
		} else {
			/* stream parameters directly in Media: the single stream */
			s = h248_stream_find(m, 0);
			if (!s)
				s = h248_stream_add(cmd, 0);
			if (!s)
				return h248_bad(p, -H248_ERR_TOO_MANY, c->name);
			rc = h248_map_stream_parm(p, s, c);
			if (rc < 0)
				return rc;
		}
	}
	return 0;
}

static int h248_sc_str(struct h248_pctx *p, void *owner, struct h248_item *it, char **field, bool unquote)
{
	const char *v = it->value;
	int rc = h248_param_once(p, it, *field);

	p->at = it;
	if (rc < 0)
		return rc;
	if (unquote && v[0] == '"')
		*field = talloc_strndup(owner, v + 1, strlen(v) - 2);
	else
		*field = talloc_strdup(owner, v);
	return 0;
}

/* serviceChangeDescriptor / serviceChangeReplyDescriptor =
 * ServicesToken LBRKT serviceChangeParm *(COMMA serviceChangeParm) RBRKT */
static int h248_map_sc(struct h248_pctx *p, struct h248_cmd *cmd, struct h248_item *it)
{
	struct h248_service_change *sc = &cmd->sc;
	struct h248_item *c, *tmp;
	uint32_t v;
	int m, rc = 0;

	p->at = it;
	if (sc->present)
		return h248_bad(p, -H248_ERR_DUP, it->name);
	if (it->op || !it->braces)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	sc->present = true;
	llist_for_each_entry_safe(c, tmp, &it->children, list) {
		p->at = c;
		if (h248_tok_is(c->name, H248_TOK_METHOD)) {
			rc = h248_param_once(p, c, sc->method);
			if (rc < 0)
				return rc;
			m = h248_method_from_word(c->value);
			if (m > 0) {
				sc->method = m;
			} else if (!strncasecmp(c->value, "X-", 2) || !strncasecmp(c->value, "X+", 2)) {
				sc->method = H248_SC_EXTENSION;
				sc->method_ext = talloc_strdup(cmd, c->value);
			} else {
				return h248_bad(p, -H248_ERR_VALUE, c->value);
			}
		} else if (h248_tok_is(c->name, H248_TOK_REASON)) {
			rc = h248_sc_str(p, cmd, c, &sc->reason, true);
		} else if (h248_tok_is(c->name, H248_TOK_SC_ADDRESS)) {
			rc = h248_sc_str(p, cmd, c, &sc->address, false);
		} else if (h248_tok_is(c->name, H248_TOK_MGC_ID)) {
			rc = h248_sc_str(p, cmd, c, &sc->mgc_id, false);
		} else if (h248_tok_is(c->name, H248_TOK_PROFILE)) {
			rc = h248_sc_str(p, cmd, c, &sc->profile, false);
			if (rc == 0 && (!strchr(sc->profile, '/') || sc->profile[0] == '"'))
				rc = h248_bad(p, -H248_ERR_VALUE, c->value);
		} else if (h248_tok_is(c->name, H248_TOK_DELAY)) {
			rc = h248_param_once(p, c, sc->has_delay);
			if (rc < 0)
				return rc;
			if (!h248_uint32(c->value, &sc->delay))
				return h248_bad(p, -H248_ERR_VALUE, c->name);
			sc->has_delay = true;
		} else if (h248_tok_is(c->name, H248_TOK_VERSION)) {
			rc = h248_param_once(p, c, sc->version);
			if (rc < 0)
				return rc;
			if (strlen(c->value) > 2 || !h248_uint32(c->value, &v) || v == 0)
				return h248_bad(p, -H248_ERR_VALUE, c->name);
			sc->version = v;
		} else if (!c->op && !c->braces && h248_is_timestamp(c->name)) {
			if (sc->timestamp)
				return h248_bad(p, -H248_ERR_DUP, c->name);
			sc->timestamp = talloc_strdup(cmd, c->name);
		} else if (c->name[0] != '"' && !c->timestamp) {
			/* ServiceChangeInc, extensions, audit items */
			h248_keep(cmd, c, &sc->other, &sc->n_other);
		} else {
			return h248_bad(p, -H248_ERR_SYNTAX, c->name);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* Descriptors that are legal in a command (H.248.1 clause 7.2). */
static bool h248_legal(enum h248_tok desc, enum h248_cmd_kind kind)
{
	bool sc = kind == H248_CMD_SERVICE_CHANGE, ntfy = kind == H248_CMD_NOTIFY;
	bool audit = kind == H248_CMD_AUDIT_VALUE || kind == H248_CMD_AUDIT_CAP;

	switch (desc) {
	case H248_TOK_SERVICES:
		return sc;
	case H248_TOK_OBSERVED_EVENTS:
		return ntfy || audit;
	case H248_TOK_ERROR:
		return true;
	case H248_TOK_PACKAGES:
		return audit;
	default:
		return !sc && !ntfy;
	}
}

static const enum h248_tok h248_kept_descs[] = {
	H248_TOK_MODEM, H248_TOK_MUX, H248_TOK_DIGIT_MAP, H248_TOK_EVENT_BUFFER, H248_TOK_PACKAGES,
};

static int h248_map_descriptor(struct h248_pctx *p, struct h248_cmd *cmd, struct h248_item *it)
{
	static const enum h248_tok descs[] = {
		H248_TOK_MEDIA, H248_TOK_EVENTS, H248_TOK_SIGNALS, H248_TOK_OBSERVED_EVENTS,
		H248_TOK_STATS, H248_TOK_AUDIT, H248_TOK_SERVICES, H248_TOK_ERROR,
	};
	enum h248_tok tok = _NUM_H248_TOK;
	size_t i;

	p->at = it;
	for (i = 0; i < ARRAY_SIZE(descs); i++) {
		if (h248_tok_is(it->name, descs[i]))
			tok = descs[i];
	}
	for (i = 0; i < ARRAY_SIZE(h248_kept_descs); i++) {
		if (h248_tok_is(it->name, h248_kept_descs[i]))
			tok = h248_kept_descs[i];
	}
	if (tok == _NUM_H248_TOK || it->timestamp)
		return h248_bad(p, -H248_ERR_DESCRIPTOR, it->name);
	if (!h248_legal(tok, cmd->kind))
		return h248_bad(p, -H248_ERR_NOT_LEGAL, it->name);
	if (p->is_reply && !it->op && !it->braces &&
	    (tok == H248_TOK_MEDIA || tok == H248_TOK_STATS || tok == H248_TOK_OBSERVED_EVENTS)) {
		/* auditReturnItem: the token alone, an audited descriptor
		 * that has nothing to return */
		h248_keep(cmd, it, &cmd->other, &cmd->n_other);
		return 0;
	}
	switch (tok) {
	case H248_TOK_MEDIA:
		return h248_map_media(p, cmd, it);
	case H248_TOK_EVENTS:
		return h248_map_desc(p, cmd, it, &cmd->events, true, false);
	case H248_TOK_SIGNALS:
		return h248_map_desc(p, cmd, it, &cmd->signals, false, false);
	case H248_TOK_OBSERVED_EVENTS:
		if (it->op != '=')
			return h248_bad(p, -H248_ERR_SYNTAX, it->name);
		return h248_map_desc(p, cmd, it, &cmd->observed, true, true);
	case H248_TOK_STATS:
		return h248_map_desc(p, cmd, it, &cmd->stats, false, true);
	case H248_TOK_AUDIT:
		return h248_map_desc(p, cmd, it, &cmd->audit, false, true);
	case H248_TOK_SERVICES:
		return h248_map_sc(p, cmd, it);
	case H248_TOK_ERROR:
		return h248_map_error(p, cmd, it, &cmd->error);
	default:
		h248_keep(cmd, it, &cmd->other, &cmd->n_other);
		return 0;
	}
}

/* The descriptors a request cannot do without (Annex B). */
static int h248_cmd_complete(struct h248_pctx *p, struct h248_cmd *cmd, const char *name)
{
	if (p->is_reply)
		return 0;
	switch (cmd->kind) {
	case H248_CMD_SERVICE_CHANGE:
		/* a request's Services must say the Method (H.248.1 7.2.8) */
		return cmd->sc.present && cmd->sc.method ? 0 : h248_bad(p, -H248_ERR_MISSING, name);
	case H248_CMD_NOTIFY:
		return cmd->observed.present ? 0 : h248_bad(p, -H248_ERR_MISSING, name);
	case H248_CMD_AUDIT_VALUE:
	case H248_CMD_AUDIT_CAP:
		return cmd->audit.present ? 0 : h248_bad(p, -H248_ERR_MISSING, name);
	default:
		return 0;
	}
}

static const enum h248_tok h248_ctx_props[] = {
	H248_TOK_TOPOLOGY, H248_TOK_PRIORITY, H248_TOK_EMERGENCY, H248_TOK_EMERGENCY_OFF,
	H248_TOK_IEPS, H248_TOK_CONTEXT_AUDIT, H248_TOK_CONTEXT_ATTR,
};

static bool h248_is_ctx_prop(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(h248_ctx_props); i++) {
		if (h248_tok_is(name, h248_ctx_props[i]))
			return true;
	}
	return false;
}

static bool h248_is_lwsp(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* termIDList = LSBRKT TerminationID 1*(COMMA TerminationID) RSBRKT (v3):
 * the ids of @v, as the lexer kept it with its brackets, into @ids. */
static int h248_term_list(struct h248_pctx *p, const char *v, char ids[][H248_NAME_MAX + 1],
			  unsigned int *n)
{
	size_t len = strlen(v), i = 1, start;

	*n = 0;
	if (len < 2 || v[len - 1] != ']')
		return h248_bad(p, -H248_ERR_ID, v);
	len--;
	for (;;) {
		while (i < len && h248_is_lwsp(v[i]))
			i++;
		start = i;
		while (i < len && v[i] != ',' && !h248_is_lwsp(v[i]))
			i++;
		if (i - start > H248_NAME_MAX)
			return h248_bad(p, -H248_ERR_TOO_LONG, v);
		if (*n == H248_TERM_IDS_MAX)
			return h248_bad(p, -H248_ERR_TOO_MANY, v);
		memcpy(ids[*n], v + start, i - start);
		ids[*n][i - start] = '\0';
		if (!h248_term_id_ok(ids[*n]))
			return h248_bad(p, -H248_ERR_ID, i > start ? ids[*n] : v);
		(*n)++;
		while (i < len && h248_is_lwsp(v[i]))
			i++;
		if (i == len)
			break;
		if (v[i] != ',')
			return h248_bad(p, -H248_ERR_ID, v);
		i++;
	}
	/* a list names two ids at least; one stands without brackets */
	return *n >= 2 ? 0 : h248_bad(p, -H248_ERR_ID, v);
}

/* The TerminationID or, in a v3 reply, the termIDList of a command. */
static int h248_cmd_ids(struct h248_pctx *p, struct h248_action *a, struct h248_item *it, int kind,
			struct h248_cmd **out)
{
	char ids[H248_TERM_IDS_MAX][H248_NAME_MAX + 1];
	unsigned int n = 0, i;
	struct h248_cmd *cmd;
	int rc;

	if (it->value[0] == '[') {
		if (p->version < 3)
			return h248_bad(p, -H248_ERR_ID, it->value);
		/* a request on a list would reach code that acts on one id */
		if (!p->is_reply)
			return h248_bad(p, -H248_ERR_UNSUPPORTED, it->name);
		rc = h248_term_list(p, it->value, ids, &n);
		if (rc < 0)
			return rc;
	} else {
		if (strlen(it->value) > H248_NAME_MAX)
			return h248_bad(p, -H248_ERR_TOO_LONG, it->name);
		if (!h248_term_id_ok(it->value))
			return h248_bad(p, -H248_ERR_ID, it->value);
	}
	cmd = h248_cmd_add(a, kind, n ? ids[0] : it->value);
	if (!cmd)
		return h248_bad(p, -H248_ERR_TOO_MANY, it->name);
	for (i = 0; i < n; i++)
		cmd->term_ids[i] = talloc_strdup(cmd, ids[i]);
	cmd->n_term_ids = n;
	*out = cmd;
	return 0;
}

/* A command: ["O-"] ["W-"] Token EQUAL termIDList [LBRKT descriptors RBRKT] */
static int h248_map_cmd(struct h248_pctx *p, struct h248_action *a, struct h248_item *it)
{
	const char *name = it->name;
	struct h248_item *c, *tmp;
	struct h248_cmd *cmd;
	bool optional = false, wildcard = false;
	int kind, rc;

	p->at = it;
	if (!strncasecmp(name, "O-", 2)) {
		optional = true;
		name += 2;
	}
	if (!strncasecmp(name, "W-", 2)) {
		wildcard = true;
		name += 2;
	}
	kind = h248_cmd_from_word(name);
	if (kind < 0) {
		if (optional || wildcard || (it->op == '=' && !h248_is_ctx_prop(name)))
			return h248_bad(p, -H248_ERR_COMMAND, it->name);
		return h248_bad(p, -H248_ERR_ACTION, it->name);
	}
	if (it->op != '=' || it->timestamp || it->body)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	rc = h248_cmd_ids(p, a, it, kind, &cmd);
	if (rc < 0)
		return rc;
	cmd->optional = optional;
	cmd->wildcard = wildcard;
	llist_for_each_entry_safe(c, tmp, &it->children, list) {
		p->at = c;
		rc = h248_map_descriptor(p, cmd, c);
		if (rc < 0)
			return rc;
	}
	p->at = it;
	return h248_cmd_complete(p, cmd, it->name);
}

static int h248_ctx_id(const char *v, enum h248_ctx_kind *kind, uint32_t *id)
{
	*id = 0;
	if (!strcmp(v, "$"))
		*kind = H248_CTX_CHOOSE;
	else if (!strcmp(v, "-"))
		*kind = H248_CTX_NULL;
	else if (!strcmp(v, "*"))
		*kind = H248_CTX_ALL;
	else if (h248_uint32(v, id))
		*kind = H248_CTX_ID;
	else
		return -H248_ERR_ID;
	return 0;
}

/* actionRequest / actionReply = CtxToken EQUAL ContextID LBRKT ... RBRKT */
static int h248_map_action(struct h248_pctx *p, struct h248_trans *t, struct h248_item *it)
{
	enum h248_ctx_kind kind;
	struct h248_item *c, *tmp;
	struct h248_action *a;
	uint32_t id;
	int rc;

	p->at = it;
	if (!h248_tok_is(it->name, H248_TOK_CONTEXT))
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	if (it->op != '=' || !it->braces || it->timestamp)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	if (h248_ctx_id(it->value, &kind, &id) < 0)
		return h248_bad(p, -H248_ERR_ID, it->value);
	if (!it->n_children)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	a = h248_action_add(t, kind, id);
	if (!a)
		return h248_bad(p, -H248_ERR_TOO_MANY, it->name);
	llist_for_each_entry_safe(c, tmp, &it->children, list) {
		p->at = c;
		if (p->is_reply && h248_tok_is(c->name, H248_TOK_ERROR)) {
			rc = h248_map_error(p, a, c, &a->error);
		} else if (h248_is_ctx_prop(c->name)) {
			h248_keep(a, c, &a->props, &a->n_props);
			rc = 0;
		} else {
			rc = h248_map_cmd(p, a, c);
		}
		if (rc < 0)
			return rc;
	}
	return 0;
}

/* transactionAck = TransactionID / (TransactionID "-" TransactionID) */
static int h248_map_acks(struct h248_pctx *p, struct h248_trans *t, struct h248_item *it)
{
	struct h248_item *c;
	char first[12], *dash;

	p->at = it;
	if (it->op || !it->braces || !it->n_children)
		return h248_bad(p, -H248_ERR_TRANS, it->name);
	if (it->n_children > H248_ACKS_MAX)
		return h248_bad(p, -H248_ERR_TOO_MANY, it->name);
	llist_for_each_entry(c, &it->children, list) {
		p->at = c;
		struct h248_ack_range *r = &t->acks[t->n_acks];

		if (c->op || c->braces || c->timestamp)
			return h248_bad(p, -H248_ERR_TRANS, c->name);
		dash = strchr(c->name, '-');
		if (!dash) {
			if (!h248_uint32(c->name, &r->first))
				return h248_bad(p, -H248_ERR_TRANS, c->name);
			r->last = r->first;
		} else {
			if (dash - c->name >= (ptrdiff_t)sizeof(first))
				return h248_bad(p, -H248_ERR_TRANS, c->name);
			memcpy(first, c->name, dash - c->name);
			first[dash - c->name] = '\0';
			if (!h248_uint32(first, &r->first) || !h248_uint32(dash + 1, &r->last) ||
			    r->last < r->first)
				return h248_bad(p, -H248_ERR_TRANS, c->name);
		}
		t->n_acks++;
	}
	return 0;
}

/* transactionReply = ReplyToken EQUAL TransactionID [SLASH segmentNumber
 * [SLASH SegmentationCompleteToken]] ... (v3): true when @v is the id of a
 * segment, which is read into @id. */
static bool h248_reply_segment(const char *v, uint32_t *id)
{
	const char *slash = strchr(v, '/'), *end;
	char first[11], no[6];
	uint32_t seg;

	if (!slash || slash - v >= (ptrdiff_t)sizeof(first))
		return false;
	memcpy(first, v, slash - v);
	first[slash - v] = '\0';
	end = strchr(slash + 1, '/');
	if (end && strcasecmp(end + 1, "END"))
		return false;
	if (!end)
		end = slash + strlen(slash);
	if (end - slash - 1 >= (ptrdiff_t)sizeof(no))
		return false;
	memcpy(no, slash + 1, end - slash - 1);
	no[end - slash - 1] = '\0';
	return h248_uint32(no, &seg) && seg <= UINT16_MAX && h248_uint32(first, id);
}

static int h248_map_trans(struct h248_pctx *p, struct h248_msg *msg, struct h248_item *it)
{
	enum h248_trans_kind kind;
	struct h248_item *c, *tmp;
	struct h248_trans *t;
	bool first = true;
	uint32_t id = 0;
	int rc;

	p->at = it;
	if (h248_tok_is(it->name, H248_TOK_TRANSACTION))
		kind = H248_TRANS_REQUEST;
	else if (h248_tok_is(it->name, H248_TOK_REPLY))
		kind = H248_TRANS_REPLY;
	else if (h248_tok_is(it->name, H248_TOK_PENDING))
		kind = H248_TRANS_PENDING;
	else if (h248_tok_is(it->name, H248_TOK_RESPONSE_ACK))
		kind = H248_TRANS_ACK;
	else if (h248_tok_is(it->name, H248_TOK_SEGMENT))
		return h248_bad(p, -H248_ERR_UNSUPPORTED, it->name);
	else
		return h248_bad(p, -H248_ERR_TRANS, it->name);

	if (kind == H248_TRANS_REPLY && it->op == '=' && p->version >= 3 &&
	    h248_reply_segment(it->value, &id)) {
		/* a segmented reply (v3) would need reassembling: the
		 * request it answers fails at once rather than timing out */
		p->err->has_reply_id = true;
		p->err->reply_id = id;
		return h248_bad(p, -H248_ERR_UNSUPPORTED, it->name);
	}
	if (kind != H248_TRANS_ACK) {
		if (it->op != '=' || !it->braces || !h248_uint32(it->value, &id) || it->timestamp)
			return h248_bad(p, -H248_ERR_TRANS, it->name);
	}
	t = h248_trans_add(msg, kind, id);
	if (!t)
		return h248_bad(p, -H248_ERR_TOO_MANY_TRANS, it->name);
	p->is_reply = kind == H248_TRANS_REPLY;
	p->err->has_trans_id = kind == H248_TRANS_REQUEST;
	p->err->has_reply_id = kind == H248_TRANS_REPLY;
	if (kind == H248_TRANS_REQUEST)
		p->err->trans_id = id;
	else if (kind == H248_TRANS_REPLY)
		p->err->reply_id = id;
	switch (kind) {
	case H248_TRANS_ACK:
		return h248_map_acks(p, t, it);
	case H248_TRANS_PENDING:
		return it->n_children ? h248_bad(p, -H248_ERR_SYNTAX, it->name) : 0;
	default:
		break;
	}
	if (!it->n_children)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	llist_for_each_entry_safe(c, tmp, &it->children, list) {
		p->at = c;
		if (kind == H248_TRANS_REPLY && first && !c->op && !c->braces &&
		    h248_tok_is(c->name, H248_TOK_IMM_ACK)) {
			t->imm_ack = true;
			first = false;
			continue;
		}
		first = false;
		if (kind == H248_TRANS_REPLY && h248_tok_is(c->name, H248_TOK_ERROR)) {
			/* errorDescriptor / actionReplyList: not both */
			if (t->n_actions)
				return h248_bad(p, -H248_ERR_SYNTAX, c->name);
			rc = h248_map_error(p, t, c, &t->error);
		} else {
			if (t->error.present)
				return h248_bad(p, -H248_ERR_SYNTAX, c->name);
			rc = h248_map_action(p, t, c);
		}
		if (rc < 0)
			return rc;
	}
	p->at = it;
	if (!t->n_actions && !t->error.present)
		return h248_bad(p, -H248_ERR_SYNTAX, it->name);
	return 0;
}

static unsigned int h248_line_of(const char *buf, size_t len, size_t pos)
{
	unsigned int line = 1;
	size_t i;

	for (i = 0; i < pos && i < len; i++) {
		if (buf[i] == '\n')
			line++;
	}
	return line;
}

int h248_msg_parse(void *ctx, const char *buf, size_t len, struct h248_msg **out,
		   struct h248_err_detail *err)
{
	struct h248_err_detail dummy;
	struct h248_lex lx = { .buf = buf, .len = len };
	struct h248_pctx p = { .err = err ? err : &dummy };
	struct llist_head items;
	struct h248_item *it, *tmp;
	struct h248_msg *msg = NULL;
	unsigned int n = 0, version = 0;
	char mid[H248_MID_MAX + 1];
	void *tree;
	int rc;

	memset(p.err, 0, sizeof(*p.err));
	*out = NULL;
	INIT_LLIST_HEAD(&items);
	tree = talloc_named_const(ctx, 0, "h248 parse");
	if (len > H248_MSG_MAX) {
		rc = -H248_ERR_TOO_LONG;
		goto fail;
	}
	rc = h248_lex_header(&lx, &version, mid);
	if (rc == 0)
		rc = h248_lex_body(tree, &lx, &items, &n);
	if (rc < 0) {
		uint32_t id;

		p.err->line = h248_line_of(buf, len, lx.err_pos ? lx.err_pos - 1 : 0);
		osmo_strlcpy(p.err->token, lx.token, sizeof(p.err->token));
		if (h248_tok_is(lx.top_name, H248_TOK_TRANSACTION) && h248_uint32(lx.top_value, &id)) {
			p.err->has_trans_id = true;
			p.err->trans_id = id;
		} else if (h248_tok_is(lx.top_name, H248_TOK_REPLY) && h248_uint32(lx.top_value, &id)) {
			p.err->has_reply_id = true;
			p.err->reply_id = id;
		}
		goto fail;
	}
	msg = h248_msg_alloc(ctx, version, mid);
	p.version = version;
	it = llist_first_entry(&items, struct h248_item, list);
	if (n == 1 && h248_tok_is(it->name, H248_TOK_ERROR)) {
		rc = h248_map_error(&p, msg, it, &msg->error);
	} else {
		llist_for_each_entry_safe(it, tmp, &items, list) {
			rc = h248_map_trans(&p, msg, it);
			if (rc < 0)
				break;
		}
	}
	if (rc < 0)
		goto fail;
	talloc_free(tree);
	*out = msg;
	return 0;
fail:
	if (p.at)
		p.err->line = h248_line_of(buf, len, p.at->pos);
	talloc_free(msg);
	talloc_free(tree);
	p.err->rc = rc;
	p.err->code = h248_err_to_code(rc);
	/* a syntax error inside a request earns 403, not 400 */
	if (p.err->code == H248_EC_SYNTAX_MSG && p.err->has_trans_id)
		p.err->code = H248_EC_SYNTAX_TRANS;
	return rc;
}
