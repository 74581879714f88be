/* H.248.1 message objects: constructors used by the parser and by code
 * that builds a message to send.  Each object is a talloc child of the one
 * that contains it, and every list is bounded (h248_msg.h).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <talloc.h>

#include "mgcp/h248_msg.h"

struct h248_msg *h248_msg_alloc(void *ctx, unsigned int version, const char *mid)
{
	struct h248_msg *msg = talloc_zero(ctx, struct h248_msg);

	msg->version = version;
	osmo_strlcpy(msg->mid, mid ? mid : "", sizeof(msg->mid));
	INIT_LLIST_HEAD(&msg->trans);
	return msg;
}

struct h248_trans *h248_trans_add(struct h248_msg *msg, enum h248_trans_kind kind, uint32_t id)
{
	struct h248_trans *t;

	if (msg->n_trans >= H248_TRANS_MAX)
		return NULL;
	t = talloc_zero(msg, struct h248_trans);
	t->kind = kind;
	t->id = id;
	INIT_LLIST_HEAD(&t->actions);
	llist_add_tail(&t->list, &msg->trans);
	msg->n_trans++;
	return t;
}

struct h248_action *h248_action_add(struct h248_trans *t, enum h248_ctx_kind ctx, uint32_t ctx_id)
{
	struct h248_action *a;

	if (t->n_actions >= H248_ACTIONS_MAX)
		return NULL;
	a = talloc_zero(t, struct h248_action);
	a->ctx = ctx;
	a->ctx_id = ctx == H248_CTX_ID ? ctx_id : 0;
	INIT_LLIST_HEAD(&a->props);
	INIT_LLIST_HEAD(&a->cmds);
	llist_add_tail(&a->list, &t->actions);
	t->n_actions++;
	return a;
}

static void h248_desc_init(struct h248_desc *d)
{
	INIT_LLIST_HEAD(&d->items);
}

struct h248_cmd *h248_cmd_add(struct h248_action *a, enum h248_cmd_kind kind, const char *term_id)
{
	struct h248_cmd *c;

	if (a->n_cmds >= H248_CMDS_MAX || !term_id || strlen(term_id) > H248_NAME_MAX)
		return NULL;
	c = talloc_zero(a, struct h248_cmd);
	c->kind = kind;
	c->term_id = talloc_strdup(c, term_id);
	INIT_LLIST_HEAD(&c->media.streams);
	INIT_LLIST_HEAD(&c->media.ts);
	h248_desc_init(&c->events);
	h248_desc_init(&c->signals);
	h248_desc_init(&c->observed);
	h248_desc_init(&c->stats);
	h248_desc_init(&c->audit);
	INIT_LLIST_HEAD(&c->sc.other);
	INIT_LLIST_HEAD(&c->other);
	llist_add_tail(&c->list, &a->cmds);
	a->n_cmds++;
	return c;
}

struct h248_stream *h248_stream_add(struct h248_cmd *c, uint16_t id)
{
	struct h248_stream *s;

	if (c->media.n_streams >= H248_ITEMS_MAX)
		return NULL;
	s = talloc_zero(c, struct h248_stream);
	s->id = id;
	s->lc.reserve_value = -1;
	s->lc.reserve_group = -1;
	INIT_LLIST_HEAD(&s->lc.props);
	INIT_LLIST_HEAD(&s->stats);
	llist_add_tail(&s->list, &c->media.streams);
	c->media.n_streams++;
	c->media.present = true;
	return s;
}

struct h248_item *h248_item_add(void *parent, struct llist_head *list, unsigned int *n,
				const char *name, const char *value)
{
	struct h248_item *it;

	if (*n >= H248_ITEMS_MAX || !name || strlen(name) > H248_NAME_MAX ||
	    (value && strlen(value) > H248_TEXT_MAX))
		return NULL;
	it = talloc_zero(parent, struct h248_item);
	INIT_LLIST_HEAD(&it->children);
	it->name = talloc_strdup(it, name);
	if (value) {
		it->op = '=';
		it->value = talloc_strdup(it, value);
	}
	llist_add_tail(&it->list, list);
	(*n)++;
	return it;
}

int h248_error_set(void *parent, struct h248_error *e, unsigned int code, const char *text)
{
	if (code > 9999)
		return -H248_ERR_INVAL;
	if (!text)
		text = get_value_string_or_null(h248_code_names, code);
	e->present = true;
	e->code = code;
	return h248_str_set(parent, &e->text, text);
}

int h248_str_set(void *parent, char **field, const char *value)
{
	talloc_free(*field);
	*field = NULL;
	if (!value)
		return 0;
	if (strlen(value) > H248_TEXT_MAX)
		return -H248_ERR_INVAL;
	*field = talloc_strdup(parent, value);
	return 0;
}

struct h248_trans *h248_msg_first_trans(const struct h248_msg *msg)
{
	return llist_first_entry_or_null(&msg->trans, struct h248_trans, list);
}

const struct h248_error *h248_trans_first_error(const struct h248_trans *t)
{
	const struct h248_action *a;
	const struct h248_cmd *c;

	if (t->error.present)
		return &t->error;
	llist_for_each_entry(a, &t->actions, list) {
		if (a->error.present)
			return &a->error;
		llist_for_each_entry(c, &a->cmds, list) {
			if (c->error.present)
				return &c->error;
		}
	}
	return NULL;
}

void h248_timestamp_now(char *buf, size_t size)
{
	struct timespec ts;
	struct tm tm;

	clock_gettime(CLOCK_REALTIME, &ts);
	gmtime_r(&ts.tv_sec, &tm);
	snprintf(buf, size, "%04d%02d%02dT%02d%02d%02d%02d", (tm.tm_year + 1900) % 10000, (tm.tm_mon + 1) % 100,
		 tm.tm_mday % 100, tm.tm_hour % 100, tm.tm_min % 100, tm.tm_sec % 100,
		 (int)(ts.tv_nsec / 10000000) % 100);
}
