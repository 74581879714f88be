/* H.248.1 transaction layer over UDP, Annex D.1.
 *
 * The sender of a request retransmits it, the interval doubling from X1 up
 * to X2, until a reply comes or X3 has passed.  A TransactionPending
 * switches it to a slower repetition (D.1.4: "shall switch to a different
 * repetition timer"): every X2, so that a final reply lost after the
 * Pendings is fetched again from the peer's kept copy, for X5 after the
 * last Pending (renewed by each, at most X7 of them).  A final reply that
 * follows Pendings is acknowledged at once (D.1.4), as is one with
 * ImmAckRequired.  The receiver of a request remembers its id: a
 * duplicate that arrives while the answer is being worked out gets a
 * Pending, one that arrives after it gets the same reply again, for
 * LONG-TIMER (X6) after the reply; an answer not ready after X4 is
 * preceded by a Pending, renewed every X4, and a reply after our Pendings
 * carries ImmAckRequired (D.1.4: SHALL).  A TransactionResponseAck lets
 * the receiver forget replies early.  X2 (4 s) and X6 (30 s) are the
 * values D.1.3 and D.1.1 suggest; D.1 leaves the others to us (see
 * doc/gateway-control.md).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <talloc.h>
#include <time.h>
#include <unistd.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/timer.h>

#include "mgcp/h248_tl.h"

const struct osmo_tdef h248_tl_tdefs_default[] = {
	{ .T = H248_TL_T_RTO_INIT, .default_val = 500, .unit = OSMO_TDEF_MS,
	  .desc = "first retransmission of a request; the interval then doubles" },
	{ .T = H248_TL_T_RTO_MAX, .default_val = 4000, .unit = OSMO_TDEF_MS,
	  .desc = "longest retransmission interval" },
	{ .T = H248_TL_T_GIVE_UP, .default_val = 20000, .unit = OSMO_TDEF_MS,
	  .desc = "no reply nor TransactionPending this long: the request failed" },
	{ .T = H248_TL_T_PROV, .default_val = 500, .unit = OSMO_TDEF_MS,
	  .desc = "answer not ready this long: send TransactionPending" },
	{ .T = H248_TL_T_PENDING, .default_val = 30000, .unit = OSMO_TDEF_MS,
	  .desc = "after a TransactionPending, wait this long for the reply (repeating the request every X2)" },
	{ .T = H248_TL_T_LONG, .default_val = 30000, .unit = OSMO_TDEF_MS,
	  .desc = "LONG-TIMER: a reply is kept this long to answer duplicates" },
	{ .T = H248_TL_T_MAX_PENDING, .default_val = 10, .unit = OSMO_TDEF_CUSTOM,
	  .desc = "most TransactionPendings accepted for one request" },
	{}
};

static const struct rate_ctr_desc h248_tl_ctr_desc[] = {
	[H248_TL_CTR_TX_REQUEST] = { "tx:request", "requests sent (first time)" },
	[H248_TL_CTR_TX_REPLY] = { "tx:reply", "replies sent (first time)" },
	[H248_TL_CTR_TX_PENDING] = { "tx:pending", "TransactionPendings sent" },
	[H248_TL_CTR_TX_ACK] = { "tx:ack", "TransactionResponseAcks sent" },
	[H248_TL_CTR_TX_ERROR] = { "tx:error", "error answers to malformed messages" },
	[H248_TL_CTR_RETRANS] = { "tx:retrans", "requests retransmitted" },
	[H248_TL_CTR_RX_REQUEST] = { "rx:request", "new requests received" },
	[H248_TL_CTR_RX_REPLY] = { "rx:reply", "replies to our requests" },
	[H248_TL_CTR_RX_ERROR_REPLY] = { "rx:error-reply", "replies with an Error descriptor" },
	[H248_TL_CTR_RX_PENDING] = { "rx:pending", "TransactionPendings received" },
	[H248_TL_CTR_RX_ACK] = { "rx:ack", "TransactionResponseAcks received" },
	[H248_TL_CTR_RX_DUP_REQUEST] = { "rx:dup-request", "duplicate requests" },
	[H248_TL_CTR_RX_DUP_REPLY] = { "rx:dup-reply", "replies to nothing outstanding" },
	[H248_TL_CTR_RX_MALFORMED] = { "rx:malformed", "messages that do not parse" },
	[H248_TL_CTR_RX_MSG_ERROR] = { "rx:msg-error", "message-level Errors received" },
	[H248_TL_CTR_TIMEOUT] = { "timeout", "requests without a reply" },
	[H248_TL_CTR_TOO_MANY_PENDING] = { "too-many-pending", "requests given up after too many Pendings" },
	[H248_TL_CTR_TABLE_FULL] = { "table-full", "transactions refused: table full" },
	[H248_TL_CTR_SEND_FAIL] = { "send-fail", "datagrams the transport refused" },
};

static const struct rate_ctr_group_desc h248_tl_ctrg_desc = {
	.group_name_prefix = "h248",
	.group_description = "H.248 association",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(h248_tl_ctr_desc),
	.ctr_desc = h248_tl_ctr_desc,
};

/* One request of ours awaiting its reply. */
struct h248_tl_out {
	struct llist_head list;
	struct h248_tl *tl;
	uint32_t id;
	char *text;
	size_t len;
	struct osmo_timer_list timer;
	unsigned long interval_ms;
	unsigned long elapsed_ms;
	/* since the last Pending, while the peer works on it */
	unsigned long pending_ms;
	unsigned int pendings;
	h248_tl_reply_cb cb;
	void *data;
};

/* One request of the peer's: being answered, or answered. */
struct h248_tl_in {
	struct llist_head list;
	struct h248_tl *tl;
	uint32_t id;
	bool replied;
	/* a Pending went out: the reply must ask for an Ack (D.1.4) */
	bool pending_sent;
	char *text;		/*!< the reply, once sent */
	size_t len;
	struct osmo_timer_list timer;
};

#define LOG_TL(tl, level, fmt, args...) \
	LOGP((tl)->log_subsys, level, "h248 %s: " fmt, (tl)->mid, ##args)

static void h248_tl_ctr(struct h248_tl *tl, enum h248_tl_ctr c)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(tl->ctrs, c));
}

static unsigned long h248_tl_ms(const struct h248_tl *tl, enum h248_tl_timer t)
{
	return osmo_tdef_get(tl->tdefs, t, t == H248_TL_T_MAX_PENDING ? OSMO_TDEF_CUSTOM : OSMO_TDEF_MS, -1);
}

static void h248_tl_arm(struct osmo_timer_list *timer, unsigned long ms)
{
	osmo_timer_schedule(timer, ms / 1000, (ms % 1000) * 1000);
}

static void h248_tl_send(struct h248_tl *tl, const char *text, size_t len)
{
	int rc = tl->ops->send(tl->priv, text, len);

	if (rc < 0) {
		LOG_TL(tl, LOGL_ERROR, "cannot send %zu octets: %s\n", len, strerror(-rc));
		h248_tl_ctr(tl, H248_TL_CTR_SEND_FAIL);
	}
}

/* Encode @msg into a talloc string under @owner (NULL: a temporary one),
 * send it, and return the text or NULL. */
static char *h248_tl_send_msg(struct h248_tl *tl, void *owner, const struct h248_msg *msg, size_t *len)
{
	char *buf = talloc_size(owner ? owner : tl, H248_MSG_MAX + 1);
	int n;

	n = h248_msg_encode(msg, tl->enc_flags, buf, H248_MSG_MAX + 1);
	if (n < 0) {
		talloc_free(buf);
		return NULL;
	}
	buf = talloc_realloc_size(owner ? owner : tl, buf, n + 1);
	h248_tl_send(tl, buf, n);
	if (len)
		*len = n;
	if (!owner) {
		talloc_free(buf);
		return NULL;
	}
	return buf;
}

/* A message of one transaction without actions: Pending, Ack or an error
 * reply; @code 0 for none. */
static void h248_tl_send_simple(struct h248_tl *tl, enum h248_trans_kind kind, uint32_t id, unsigned int code)
{
	struct h248_msg *msg = h248_msg_alloc(tl, tl->version, tl->mid);
	struct h248_trans *t = h248_trans_add(msg, kind, id);

	if (kind == H248_TRANS_ACK) {
		t->acks[0] = (struct h248_ack_range){ id, id };
		t->n_acks = 1;
	}
	if (code)
		h248_error_set(t, &t->error, code, NULL);
	h248_tl_send_msg(tl, NULL, msg, NULL);
	talloc_free(msg);
}

static int h248_tl_out_destructor(struct h248_tl_out *o)
{
	osmo_timer_del(&o->timer);
	return 0;
}

static int h248_tl_in_destructor(struct h248_tl_in *i)
{
	osmo_timer_del(&i->timer);
	return 0;
}

static int h248_tl_destructor(struct h248_tl *tl)
{
	rate_ctr_group_free(tl->ctrs);
	return 0;
}

/* The request is over: forget it, then tell its owner (who may send more). */
static void h248_tl_out_done(struct h248_tl_out *o, int rc, const struct h248_trans *reply)
{
	h248_tl_reply_cb cb = o->cb;
	void *data = o->data;
	uint32_t id = o->id;

	llist_del(&o->list);
	o->tl->n_out--;
	talloc_free(o);
	if (cb)
		cb(data, id, rc, reply);
}

/* Before a Pending: the interval doubles from X1 to X2 within X3 from the
 * first sending.  After one: every X2, within X5 from the last Pending. */
static void h248_tl_out_timer(void *arg)
{
	struct h248_tl_out *o = arg;
	struct h248_tl *tl = o->tl;
	unsigned long rto_max = h248_tl_ms(tl, H248_TL_T_RTO_MAX);
	unsigned long limit, *spent, next;

	if (o->pendings) {
		limit = h248_tl_ms(tl, H248_TL_T_PENDING);
		spent = &o->pending_ms;
		next = rto_max;
	} else {
		limit = h248_tl_ms(tl, H248_TL_T_GIVE_UP);
		spent = &o->elapsed_ms;
		next = OSMO_MIN(o->interval_ms * 2, rto_max);
	}
	*spent += o->interval_ms;
	if (*spent >= limit) {
		LOG_TL(tl, LOGL_NOTICE, "transaction %u: no reply%s\n", o->id, o->pendings ? " after Pending" : "");
		h248_tl_ctr(tl, H248_TL_CTR_TIMEOUT);
		h248_tl_out_done(o, -ETIMEDOUT, NULL);
		return;
	}
	h248_tl_ctr(tl, H248_TL_CTR_RETRANS);
	h248_tl_send(tl, o->text, o->len);
	o->interval_ms = OSMO_MIN(next, limit - *spent);
	h248_tl_arm(&o->timer, o->interval_ms);
}

static void h248_tl_in_timer(void *arg)
{
	struct h248_tl_in *i = arg;
	struct h248_tl *tl = i->tl;

	if (i->replied) {
		llist_del(&i->list);
		tl->n_in--;
		talloc_free(i);
		return;
	}
	/* still working on it: tell the peer not to give up */
	i->pending_sent = true;
	h248_tl_ctr(tl, H248_TL_CTR_TX_PENDING);
	h248_tl_send_simple(tl, H248_TRANS_PENDING, i->id, 0);
	h248_tl_arm(&i->timer, h248_tl_ms(tl, H248_TL_T_PROV));
}

static uint32_t h248_tl_rand32(void)
{
	uint32_t r = 0;

	if (getrandom(&r, sizeof(r), GRND_NONBLOCK) != sizeof(r))
		r = (uint32_t)time(NULL) ^ (uint32_t)getpid() << 16;
	return r;
}

struct h248_tl *h248_tl_alloc(void *ctx, unsigned int version, const char *mid, const struct h248_tl_ops *ops,
			      void *priv, unsigned int idx)
{
	struct h248_tl *tl = talloc_zero(ctx, struct h248_tl);

	tl->version = version;
	osmo_strlcpy(tl->mid, mid, sizeof(tl->mid));
	tl->ops = ops;
	tl->priv = priv;
	INIT_LLIST_HEAD(&tl->out);
	INIT_LLIST_HEAD(&tl->in);
	tl->tdefs = talloc_memdup(tl, h248_tl_tdefs_default, sizeof(h248_tl_tdefs_default));
	tl->ctrs = rate_ctr_group_alloc(tl, &h248_tl_ctrg_desc, idx);
	if (!tl->tdefs || !tl->ctrs) {
		talloc_free(tl);
		return NULL;
	}
	osmo_tdefs_reset(tl->tdefs);
	/* a restarted side must not reuse ids the peer still keeps replies for */
	tl->next_id = h248_tl_rand32() % 1000000000u + 1;
	talloc_set_destructor(tl, h248_tl_destructor);
	return tl;
}

static struct h248_tl_out *h248_tl_out_find(struct h248_tl *tl, uint32_t id)
{
	struct h248_tl_out *o;

	llist_for_each_entry(o, &tl->out, list) {
		if (o->id == id)
			return o;
	}
	return NULL;
}

static struct h248_tl_in *h248_tl_in_find(struct h248_tl *tl, uint32_t id)
{
	struct h248_tl_in *i;

	llist_for_each_entry(i, &tl->in, list) {
		if (i->id == id)
			return i;
	}
	return NULL;
}

/* The one transaction of @msg if it is of @kind. */
static struct h248_trans *h248_tl_single(struct h248_tl *tl, struct h248_msg *msg, enum h248_trans_kind kind)
{
	struct h248_trans *t = h248_msg_first_trans(msg);

	/* the header is the association's */
	msg->version = tl->version;
	osmo_strlcpy(msg->mid, tl->mid, sizeof(msg->mid));
	return msg->n_trans == 1 && t->kind == kind ? t : NULL;
}

int64_t h248_tl_request(struct h248_tl *tl, struct h248_msg *msg, h248_tl_reply_cb cb, void *data)
{
	struct h248_trans *t = h248_tl_single(tl, msg, H248_TRANS_REQUEST);
	struct h248_tl_out *o;

	if (!t)
		return -EINVAL;
	if (tl->n_out >= H248_TL_OUT_MAX) {
		LOG_TL(tl, LOGL_ERROR, "request refused: %u outstanding\n", tl->n_out);
		h248_tl_ctr(tl, H248_TL_CTR_TABLE_FULL);
		return -ENOSPC;
	}
	do {
		t->id = tl->next_id;
		tl->next_id = tl->next_id == UINT32_MAX ? 1 : tl->next_id + 1;
	} while (h248_tl_out_find(tl, t->id));
	o = talloc_zero(tl, struct h248_tl_out);
	o->tl = tl;
	o->id = t->id;
	o->cb = cb;
	o->data = data;
	osmo_timer_setup(&o->timer, h248_tl_out_timer, o);
	talloc_set_destructor(o, h248_tl_out_destructor);
	o->text = h248_tl_send_msg(tl, o, msg, &o->len);
	if (!o->text) {
		talloc_free(o);
		return -EINVAL;
	}
	h248_tl_ctr(tl, H248_TL_CTR_TX_REQUEST);
	llist_add_tail(&o->list, &tl->out);
	tl->n_out++;
	o->interval_ms = h248_tl_ms(tl, H248_TL_T_RTO_INIT);
	h248_tl_arm(&o->timer, o->interval_ms);
	return t->id;
}

int h248_tl_reply(struct h248_tl *tl, struct h248_msg *msg)
{
	struct h248_trans *t = h248_tl_single(tl, msg, H248_TRANS_REPLY);
	struct h248_tl_in *i;

	if (!t)
		return -EINVAL;
	i = h248_tl_in_find(tl, t->id);
	if (!i)
		return -ENOENT;
	if (i->replied)
		return -EALREADY;
	if (i->pending_sent)
		t->imm_ack = true;
	i->text = h248_tl_send_msg(tl, i, msg, &i->len);
	if (!i->text)
		return -EINVAL;
	h248_tl_ctr(tl, H248_TL_CTR_TX_REPLY);
	i->replied = true;
	h248_tl_arm(&i->timer, h248_tl_ms(tl, H248_TL_T_LONG));
	return 0;
}

static void h248_tl_rx_request(struct h248_tl *tl, const struct h248_msg *msg, const struct h248_trans *t)
{
	struct h248_tl_in *i = h248_tl_in_find(tl, t->id);

	if (i) {
		h248_tl_ctr(tl, H248_TL_CTR_RX_DUP_REQUEST);
		if (i->replied) {
			h248_tl_send(tl, i->text, i->len);
		} else {
			i->pending_sent = true;
			h248_tl_ctr(tl, H248_TL_CTR_TX_PENDING);
			h248_tl_send_simple(tl, H248_TRANS_PENDING, t->id, 0);
		}
		return;
	}
	if (tl->n_in >= H248_TL_IN_MAX) {
		LOG_TL(tl, LOGL_ERROR, "transaction %u refused: %u requests remembered\n", t->id, tl->n_in);
		h248_tl_ctr(tl, H248_TL_CTR_TABLE_FULL);
		h248_tl_ctr(tl, H248_TL_CTR_TX_ERROR);
		h248_tl_send_simple(tl, H248_TRANS_REPLY, t->id, H248_EC_RESOURCES);
		return;
	}
	i = talloc_zero(tl, struct h248_tl_in);
	i->tl = tl;
	i->id = t->id;
	osmo_timer_setup(&i->timer, h248_tl_in_timer, i);
	talloc_set_destructor(i, h248_tl_in_destructor);
	llist_add_tail(&i->list, &tl->in);
	tl->n_in++;
	h248_tl_arm(&i->timer, h248_tl_ms(tl, H248_TL_T_PROV));
	h248_tl_ctr(tl, H248_TL_CTR_RX_REQUEST);
	tl->ops->request(tl->priv, msg, t);
}

static bool h248_tl_has_error(const struct h248_trans *t)
{
	const struct h248_action *a;
	const struct h248_cmd *c;

	if (t->error.present)
		return true;
	llist_for_each_entry(a, &t->actions, list) {
		if (a->error.present)
			return true;
		llist_for_each_entry(c, &a->cmds, list) {
			if (c->error.present)
				return true;
		}
	}
	return false;
}

static void h248_tl_rx_reply(struct h248_tl *tl, const struct h248_trans *t)
{
	struct h248_tl_out *o = h248_tl_out_find(tl, t->id);

	/* acknowledge even a duplicate: our first Ack may have been lost; and
	 * a final reply after Pendings at once (D.1.4) */
	if (t->imm_ack || (o && o->pendings)) {
		h248_tl_ctr(tl, H248_TL_CTR_TX_ACK);
		h248_tl_send_simple(tl, H248_TRANS_ACK, t->id, 0);
	}
	if (!o) {
		h248_tl_ctr(tl, H248_TL_CTR_RX_DUP_REPLY);
		return;
	}
	h248_tl_ctr(tl, H248_TL_CTR_RX_REPLY);
	if (h248_tl_has_error(t))
		h248_tl_ctr(tl, H248_TL_CTR_RX_ERROR_REPLY);
	h248_tl_out_done(o, 0, t);
}

static void h248_tl_rx_pending(struct h248_tl *tl, const struct h248_trans *t)
{
	struct h248_tl_out *o = h248_tl_out_find(tl, t->id);

	h248_tl_ctr(tl, H248_TL_CTR_RX_PENDING);
	if (!o)
		return;
	if (++o->pendings > h248_tl_ms(tl, H248_TL_T_MAX_PENDING)) {
		LOG_TL(tl, LOGL_NOTICE, "transaction %u: too many Pendings, given up\n", o->id);
		h248_tl_ctr(tl, H248_TL_CTR_TOO_MANY_PENDING);
		h248_tl_out_done(o, -EBUSY, NULL);
		return;
	}
	o->pending_ms = 0;
	o->interval_ms = OSMO_MIN(h248_tl_ms(tl, H248_TL_T_RTO_MAX), h248_tl_ms(tl, H248_TL_T_PENDING));
	h248_tl_arm(&o->timer, o->interval_ms);
}

static void h248_tl_rx_ack(struct h248_tl *tl, const struct h248_trans *t)
{
	struct h248_tl_in *i, *tmp;
	unsigned int r;

	h248_tl_ctr(tl, H248_TL_CTR_RX_ACK);
	llist_for_each_entry_safe(i, tmp, &tl->in, list) {
		for (r = 0; r < t->n_acks; r++) {
			if (i->replied && i->id >= t->acks[r].first && i->id <= t->acks[r].last) {
				llist_del(&i->list);
				tl->n_in--;
				talloc_free(i);
				break;
			}
		}
	}
}

void h248_tl_rx(struct h248_tl *tl, const char *buf, size_t len)
{
	struct h248_err_detail err;
	struct h248_msg *msg;
	struct h248_trans *t;

	if (h248_msg_parse(tl, buf, len, &msg, &err) < 0) {
		LOG_TL(tl, LOGL_NOTICE, "malformed message (line %u, '%s'): %s, answering %u\n", err.line,
		       err.token, h248_strerror(err.rc), err.code);
		h248_tl_ctr(tl, H248_TL_CTR_RX_MALFORMED);
		if (err.has_reply_id) {
			struct h248_tl_out *o = h248_tl_out_find(tl, err.reply_id);

			/* a reply is never answered; what it answers has failed */
			if (o)
				h248_tl_out_done(o, -EPROTO, NULL);
			return;
		}
		h248_tl_ctr(tl, H248_TL_CTR_TX_ERROR);
		if (err.has_trans_id) {
			h248_tl_send_simple(tl, H248_TRANS_REPLY, err.trans_id, err.code);
		} else {
			struct h248_msg *e = h248_msg_alloc(tl, tl->version, tl->mid);

			h248_error_set(e, &e->error, err.code, NULL);
			h248_tl_send_msg(tl, NULL, e, NULL);
			talloc_free(e);
		}
		return;
	}
	/* an Error answers a message of ours that did not parse: never answer it */
	if (msg->error.present) {
		LOG_TL(tl, LOGL_NOTICE, "peer reports Error %u\n", msg->error.code);
		h248_tl_ctr(tl, H248_TL_CTR_RX_MSG_ERROR);
	}
	llist_for_each_entry(t, &msg->trans, list) {
		switch (t->kind) {
		case H248_TRANS_REQUEST:
			h248_tl_rx_request(tl, msg, t);
			break;
		case H248_TRANS_REPLY:
			h248_tl_rx_reply(tl, t);
			break;
		case H248_TRANS_PENDING:
			h248_tl_rx_pending(tl, t);
			break;
		case H248_TRANS_ACK:
			h248_tl_rx_ack(tl, t);
			break;
		}
	}
	talloc_free(msg);
}

unsigned int h248_tl_outstanding(const struct h248_tl *tl)
{
	return tl->n_out;
}

void h248_tl_forget_received(struct h248_tl *tl)
{
	struct h248_tl_in *i, *tmp;

	llist_for_each_entry_safe(i, tmp, &tl->in, list) {
		llist_del(&i->list);
		tl->n_in--;
		talloc_free(i);
	}
}

struct osmo_tdef *h248_tl_tdefs_alloc(void *ctx, const struct osmo_tdef *extra)
{
	struct osmo_tdef *t;
	size_t n = 0;

	while (h248_tl_tdefs_default[n].T)
		n++;
	t = talloc_zero_array(ctx, struct osmo_tdef, n + 2);
	if (!t)
		return NULL;
	memcpy(t, h248_tl_tdefs_default, n * sizeof(*t));
	memcpy(&t[n], extra, sizeof(*t));
	osmo_tdefs_reset(t);
	return t;
}
