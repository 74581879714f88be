/* H.248.1 text builder: a struct h248_msg to Annex B text, in the compact
 * form (no white space beyond what the ABNF requires) or the pretty one
 * (one item a line, indented), with long or short tokens.
 *
 * Whatever h248_msg_parse() accepts is written so that it parses back to
 * the same message (tests/fuzz/fuzz_h248.c checks it).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mgcp/h248_priv.h"

struct h248_wr {
	char *buf;
	size_t size;
	size_t len;
	int rc;			/*!< first error, 0 while all is well */
	bool pretty;
	bool short_tokens;
	unsigned int depth;
	unsigned int version;	/*!< of the message: lists of ids are v3 */
};

static void h248_put(struct h248_wr *w, const char *s)
{
	size_t n = strlen(s);

	if (w->rc)
		return;
	if (w->len + n >= w->size) {
		w->rc = -H248_ERR_SPACE;
		return;
	}
	memcpy(w->buf + w->len, s, n + 1);
	w->len += n;
}

static void h248_putf(struct h248_wr *w, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void h248_putf(struct h248_wr *w, const char *fmt, ...)
{
	char tmp[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	h248_put(w, tmp);
}

static void h248_tok(struct h248_wr *w, enum h248_tok tok)
{
	h248_put(w, h248_tok_str(tok, w->short_tokens));
}

static void h248_invalid(struct h248_wr *w)
{
	if (!w->rc)
		w->rc = -H248_ERR_INVAL;
}

static void h248_nl(struct h248_wr *w)
{
	unsigned int i;

	if (!w->pretty)
		return;
	h248_put(w, "\n");
	for (i = 0; i < w->depth; i++)
		h248_put(w, "  ");
}

static void h248_eq(struct h248_wr *w)
{
	h248_put(w, w->pretty ? " = " : "=");
}

static void h248_open(struct h248_wr *w)
{
	bool spaced = w->len && w->buf[w->len - 1] == ' ';

	h248_put(w, w->pretty && !spaced ? " {" : "{");
	w->depth++;
}

/* Start one element of a list in braces. */
static void h248_elem(struct h248_wr *w, bool *first)
{
	if (!*first)
		h248_put(w, ",");
	*first = false;
	h248_nl(w);
}

static void h248_close(struct h248_wr *w, bool had_elems)
{
	w->depth--;
	if (had_elems)
		h248_nl(w);
	h248_put(w, "}");
}

/* octetString: "}" escaped; a trailing "\" must not swallow the brace. */
static void h248_body(struct h248_wr *w, const char *body)
{
	const char *p;
	char one[2] = { 0, 0 };
	size_t n = strlen(body);

	h248_put(w, w->pretty ? " {\n" : "{");
	for (p = body; *p; p++) {
		if (*p == '}') {
			h248_put(w, "\\}");
		} else {
			one[0] = *p;
			h248_put(w, one);
		}
	}
	if (w->pretty || (n && body[n - 1] == '\\'))
		h248_put(w, "\n");
	h248_put(w, "}");
}

static void h248_quoted(struct h248_wr *w, const char *s)
{
	if (strchr(s, '"')) {
		h248_invalid(w);
		return;
	}
	h248_put(w, "\"");
	h248_put(w, s);
	h248_put(w, "\"");
}

static void h248_item(struct h248_wr *w, const struct h248_item *it);

static void h248_items(struct h248_wr *w, const struct llist_head *items, bool *first)
{
	const struct h248_item *it;

	llist_for_each_entry(it, items, list) {
		h248_elem(w, first);
		h248_item(w, it);
	}
}

static void h248_item(struct h248_wr *w, const struct h248_item *it)
{
	bool first = true;

	/* what the owner built must read back as the same item */
	if (!h248_value_ok(it->name) || (it->timestamp && !h248_is_timestamp(it->timestamp)) ||
	    (it->value && it->value[0] && !h248_value_ok(it->value))) {
		h248_invalid(w);
		return;
	}
	if (it->timestamp) {
		h248_put(w, it->timestamp);
		h248_put(w, ":");
	}
	h248_put(w, it->name);
	if (it->op) {
		char op[2] = { it->op, 0 };

		if (!it->value || (!it->value[0] && !it->braces)) {
			h248_invalid(w);
			return;
		}
		if (w->pretty) {
			h248_put(w, " ");
			h248_put(w, op);
			h248_put(w, " ");
		} else {
			h248_put(w, op);
		}
		h248_put(w, it->value);
	}
	if (it->body) {
		h248_body(w, it->body);
	} else if (it->braces) {
		h248_open(w);
		h248_items(w, &it->children, &first);
		h248_close(w, !first);
	}
}

static void h248_error(struct h248_wr *w, const struct h248_error *e)
{
	h248_tok(w, H248_TOK_ERROR);
	h248_eq(w);
	h248_putf(w, "%u", e->code);
	h248_put(w, w->pretty ? " {" : "{");
	if (e->text)
		h248_quoted(w, e->text);
	h248_put(w, "}");
}

static void h248_on_off(struct h248_wr *w, bool *first, enum h248_tok tok, int8_t v)
{
	if (v < 0)
		return;
	h248_elem(w, first);
	h248_tok(w, tok);
	h248_eq(w);
	h248_tok(w, v ? H248_TOK_ON : H248_TOK_OFF);
}

static void h248_stream_parms(struct h248_wr *w, const struct h248_stream *s, bool *first)
{
	const struct h248_local_control *lc = &s->lc;
	bool f2 = true;

	if (lc->present) {
		h248_elem(w, first);
		h248_tok(w, H248_TOK_LOCAL_CONTROL);
		h248_open(w);
		if (lc->mode) {
			h248_elem(w, &f2);
			h248_tok(w, H248_TOK_MODE);
			h248_eq(w);
			h248_tok(w, h248_mode_tok(lc->mode));
		}
		h248_on_off(w, &f2, H248_TOK_RESERVED_VALUE, lc->reserve_value);
		h248_on_off(w, &f2, H248_TOK_RESERVED_GROUP, lc->reserve_group);
		h248_items(w, &lc->props, &f2);
		if (f2)
			h248_invalid(w);
		h248_close(w, !f2);
	}
	if (s->local) {
		h248_elem(w, first);
		h248_tok(w, H248_TOK_LOCAL);
		h248_body(w, s->local);
	}
	if (s->remote) {
		h248_elem(w, first);
		h248_tok(w, H248_TOK_REMOTE);
		h248_body(w, s->remote);
	}
	if (s->has_stats) {
		f2 = true;
		h248_elem(w, first);
		h248_tok(w, H248_TOK_STATS);
		h248_open(w);
		h248_items(w, &s->stats, &f2);
		h248_close(w, !f2);
	}
}

static void h248_media(struct h248_wr *w, const struct h248_media *m)
{
	const struct h248_stream *s;
	bool first = true, f2;

	h248_tok(w, H248_TOK_MEDIA);
	h248_open(w);
	llist_for_each_entry(s, &m->streams, list) {
		if (s->id == 0) {
			h248_stream_parms(w, s, &first);
			continue;
		}
		h248_elem(w, &first);
		h248_tok(w, H248_TOK_STREAM);
		h248_eq(w);
		h248_putf(w, "%u", s->id);
		h248_open(w);
		f2 = true;
		h248_stream_parms(w, s, &f2);
		if (f2)
			h248_invalid(w);
		h248_close(w, !f2);
	}
	if (m->has_ts) {
		h248_elem(w, &first);
		h248_tok(w, H248_TOK_TERMINATION_STATE);
		h248_open(w);
		f2 = true;
		h248_items(w, &m->ts, &f2);
		if (f2)
			h248_invalid(w);
		h248_close(w, !f2);
	}
	if (first)
		h248_invalid(w);
	h248_close(w, !first);
}

static void h248_desc(struct h248_wr *w, enum h248_tok tok, const struct h248_desc *d)
{
	bool first = true;

	h248_tok(w, tok);
	if (d->has_request_id) {
		h248_eq(w);
		if (d->request_id_all)
			h248_put(w, "*");
		else
			h248_putf(w, "%u", d->request_id);
	}
	if (!d->braces && !d->has_request_id && !d->n_items)
		return;
	h248_open(w);
	h248_items(w, &d->items, &first);
	h248_close(w, !first);
}

static void h248_sc_str(struct h248_wr *w, bool *first, enum h248_tok tok, const char *v)
{
	if (!v)
		return;
	if (!h248_value_ok(v))
		h248_invalid(w);
	h248_elem(w, first);
	h248_tok(w, tok);
	h248_eq(w);
	h248_put(w, v);
}

static void h248_services(struct h248_wr *w, const struct h248_service_change *sc)
{
	bool first = true;

	h248_tok(w, H248_TOK_SERVICES);
	h248_open(w);
	if (sc->method == H248_SC_EXTENSION) {
		h248_sc_str(w, &first, H248_TOK_METHOD, sc->method_ext);
	} else if (sc->method) {
		h248_elem(w, &first);
		h248_tok(w, H248_TOK_METHOD);
		h248_eq(w);
		h248_tok(w, h248_method_tok(sc->method));
	}
	if (sc->reason) {
		h248_elem(w, &first);
		h248_tok(w, H248_TOK_REASON);
		h248_eq(w);
		h248_quoted(w, sc->reason);
	}
	if (sc->has_delay) {
		h248_elem(w, &first);
		h248_tok(w, H248_TOK_DELAY);
		h248_eq(w);
		h248_putf(w, "%u", sc->delay);
	}
	h248_sc_str(w, &first, H248_TOK_SC_ADDRESS, sc->address);
	h248_sc_str(w, &first, H248_TOK_PROFILE, sc->profile);
	if (sc->version) {
		h248_elem(w, &first);
		h248_tok(w, H248_TOK_VERSION);
		h248_eq(w);
		h248_putf(w, "%u", sc->version);
	}
	h248_sc_str(w, &first, H248_TOK_MGC_ID, sc->mgc_id);
	if (sc->timestamp) {
		h248_elem(w, &first);
		h248_put(w, sc->timestamp);
	}
	h248_items(w, &sc->other, &first);
	h248_close(w, !first);
}

static bool h248_cmd_has_desc(const struct h248_cmd *c)
{
	return c->media.present || c->events.present || c->signals.present || c->observed.present ||
	       c->stats.present || c->audit.present || c->sc.present || c->error.present || c->n_other;
}

/* termIDList = LSBRKT TerminationID 1*(COMMA TerminationID) RSBRKT (v3) */
static void h248_term_list(struct h248_wr *w, const struct h248_cmd *c)
{
	size_t len = 1;
	unsigned int i;

	/* no longer than the parser reads back */
	for (i = 0; i < c->n_term_ids && i < H248_TERM_IDS_MAX; i++)
		len += (c->term_ids[i] ? strlen(c->term_ids[i]) : 0) + 1;
	if (w->version < 3 || c->n_term_ids > H248_TERM_IDS_MAX || len > H248_TEXT_MAX) {
		h248_invalid(w);
		return;
	}
	h248_put(w, "[");
	for (i = 0; i < c->n_term_ids; i++) {
		if (!c->term_ids[i] || !h248_term_id_ok(c->term_ids[i]))
			h248_invalid(w);
		else
			h248_put(w, c->term_ids[i]);
		if (i + 1 < c->n_term_ids)
			h248_put(w, ",");
	}
	h248_put(w, "]");
}

static void h248_cmd(struct h248_wr *w, const struct h248_cmd *c)
{
	bool first = true;

	if (c->optional)
		h248_put(w, "O-");
	if (c->wildcard)
		h248_put(w, "W-");
	h248_tok(w, h248_cmd_tok(c->kind));
	h248_eq(w);
	if (c->n_term_ids > 1) {
		h248_term_list(w, c);
	} else {
		if (!h248_term_id_ok(c->term_id))
			h248_invalid(w);
		h248_put(w, c->term_id);
	}
	if (!h248_cmd_has_desc(c))
		return;
	h248_open(w);
	if (c->media.present) {
		h248_elem(w, &first);
		h248_media(w, &c->media);
	}
	if (c->events.present) {
		h248_elem(w, &first);
		h248_desc(w, H248_TOK_EVENTS, &c->events);
	}
	if (c->signals.present) {
		h248_elem(w, &first);
		h248_desc(w, H248_TOK_SIGNALS, &c->signals);
	}
	if (c->observed.present) {
		h248_elem(w, &first);
		h248_desc(w, H248_TOK_OBSERVED_EVENTS, &c->observed);
	}
	if (c->stats.present) {
		h248_elem(w, &first);
		h248_desc(w, H248_TOK_STATS, &c->stats);
	}
	if (c->audit.present) {
		h248_elem(w, &first);
		h248_desc(w, H248_TOK_AUDIT, &c->audit);
	}
	if (c->sc.present) {
		h248_elem(w, &first);
		h248_services(w, &c->sc);
	}
	h248_items(w, &c->other, &first);
	if (c->error.present) {
		h248_elem(w, &first);
		h248_error(w, &c->error);
	}
	h248_close(w, true);
}

static void h248_action(struct h248_wr *w, const struct h248_action *a)
{
	const struct h248_cmd *c;
	bool first = true;

	h248_tok(w, H248_TOK_CONTEXT);
	h248_eq(w);
	if (a->ctx == H248_CTX_ID)
		h248_putf(w, "%u", a->ctx_id);
	else
		h248_put(w, get_value_string(h248_ctx_kind_names, a->ctx));
	h248_open(w);
	h248_items(w, &a->props, &first);
	llist_for_each_entry(c, &a->cmds, list) {
		h248_elem(w, &first);
		h248_cmd(w, c);
	}
	if (a->error.present) {
		h248_elem(w, &first);
		h248_error(w, &a->error);
	}
	if (first)
		h248_invalid(w);
	h248_close(w, !first);
}

static void h248_trans(struct h248_wr *w, const struct h248_trans *t)
{
	static const enum h248_tok toks[] = {
		[H248_TRANS_REQUEST] = H248_TOK_TRANSACTION,
		[H248_TRANS_REPLY] = H248_TOK_REPLY,
		[H248_TRANS_PENDING] = H248_TOK_PENDING,
		[H248_TRANS_ACK] = H248_TOK_RESPONSE_ACK,
	};
	const struct h248_action *a;
	bool first = true;
	unsigned int i;

	h248_tok(w, toks[t->kind]);
	if (t->kind != H248_TRANS_ACK) {
		h248_eq(w);
		h248_putf(w, "%u", t->id);
	}
	h248_open(w);
	switch (t->kind) {
	case H248_TRANS_PENDING:
		break;
	case H248_TRANS_ACK:
		for (i = 0; i < t->n_acks && i < H248_ACKS_MAX; i++) {
			h248_elem(w, &first);
			if (t->acks[i].last > t->acks[i].first)
				h248_putf(w, "%u-%u", t->acks[i].first, t->acks[i].last);
			else
				h248_putf(w, "%u", t->acks[i].first);
		}
		if (first)
			h248_invalid(w);
		break;
	default:
		if (t->kind == H248_TRANS_REPLY && t->imm_ack) {
			h248_elem(w, &first);
			h248_tok(w, H248_TOK_IMM_ACK);
		}
		if (t->kind == H248_TRANS_REPLY && t->error.present) {
			h248_elem(w, &first);
			h248_error(w, &t->error);
			break;
		}
		if (!t->n_actions)
			h248_invalid(w);
		llist_for_each_entry(a, &t->actions, list) {
			h248_elem(w, &first);
			h248_action(w, a);
		}
	}
	h248_close(w, !first);
}

int h248_msg_encode(const struct h248_msg *msg, unsigned int flags, char *buf, size_t size)
{
	struct h248_wr w = {
		.buf = buf,
		.size = size,
		.pretty = flags & H248_ENC_PRETTY,
		.short_tokens = flags & H248_ENC_SHORT,
		.version = msg->version,
	};
	const struct h248_trans *t;

	if (!buf || size == 0)
		return -H248_ERR_SPACE;
	buf[0] = '\0';
	if (msg->version < 1 || msg->version > 3 || !msg->mid[0])
		return -H248_ERR_INVAL;
	h248_tok(&w, H248_TOK_MEGACO);
	h248_putf(&w, "/%u ", msg->version);
	h248_put(&w, msg->mid);
	h248_put(&w, "\n");
	if (msg->error.present) {
		h248_error(&w, &msg->error);
	} else {
		if (!msg->n_trans)
			h248_invalid(&w);
		llist_for_each_entry(t, &msg->trans, list) {
			h248_trans(&w, t);
			if (w.pretty)
				h248_put(&w, "\n");
		}
	}
	if (w.rc)
		return w.rc;
	return w.len;
}
