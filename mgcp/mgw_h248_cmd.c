/* tandem-mgw H.248: executing the controller's transactions (H.248.1
 * clauses 7.2 and 8).
 *
 * Actions run in order, and the commands of an action in order; the first
 * command that fails gets an Error descriptor in its reply and ends the
 * transaction, unless it was marked optional ("O-").  What ran before
 * stays done (no rollback).  A context chosen with "$" that is still empty
 * when its action ends is not kept and the reply names the NULL context.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

/* What one action works on. */
struct exec {
	struct mgw_h248 *h;
	const struct h248_action *a;
	struct h248_trans *rt;		/* the reply transaction */
	struct h248_action *ra;		/* its reply */
	struct mgw_h248_ctx *ctx;	/* NULL: the NULL context, or $ not created yet */
};

static const struct {
	unsigned int code;
	enum mgw_h248_ctr ctr;
} code_ctrs[] = {
	{ H248_EC_BAD_ID, MGW_H248_CTR_ERR_BAD_ID },
	{ H248_EC_UNKNOWN_CONTEXT, MGW_H248_CTR_ERR_UNKNOWN_CONTEXT },
	{ H248_EC_NO_CONTEXT, MGW_H248_CTR_ERR_NO_CONTEXT },
	{ H248_EC_UNKNOWN_ACTION, MGW_H248_CTR_ERR_UNKNOWN_ACTION },
	{ H248_EC_UNKNOWN_TERM, MGW_H248_CTR_ERR_UNKNOWN_TERM },
	{ H248_EC_NO_WILDCARD_MATCH, MGW_H248_CTR_ERR_NO_WILDCARD_MATCH },
	{ H248_EC_TERM_IN_CONTEXT, MGW_H248_CTR_ERR_TERM_IN_CONTEXT },
	{ H248_EC_MAX_TERMS, MGW_H248_CTR_ERR_MAX_TERMS },
	{ H248_EC_TERM_NOT_IN_CONTEXT, MGW_H248_CTR_ERR_NOT_IN_CONTEXT },
	{ H248_EC_DESC_NOT_LEGAL, MGW_H248_CTR_ERR_DESC_NOT_LEGAL },
	{ H248_EC_MISSING_SDP, MGW_H248_CTR_ERR_SDP },
	{ H248_EC_BAD_VALUE, MGW_H248_CTR_ERR_SDP },
	{ H248_EC_UNSUPPORTED_MEDIA, MGW_H248_CTR_ERR_MEDIA },
	{ H248_EC_BAD_MODE, MGW_H248_CTR_ERR_MODE },
	{ H248_EC_NOT_IMPLEMENTED, MGW_H248_CTR_ERR_NOT_IMPLEMENTED },
	{ H248_EC_RESOURCES, MGW_H248_CTR_ERR_RESOURCES },
	{ H248_EC_UNKNOWN_PACKAGE, MGW_H248_CTR_ERR_UNKNOWN_PACKAGE },
	{ H248_EC_NO_SUCH_EVENT, MGW_H248_CTR_ERR_NO_SUCH_EVENT },
	{ H248_EC_UNKNOWN_PARAM, MGW_H248_CTR_ERR_UNKNOWN_PARAM },
	{ H248_EC_NO_SUCH_SIGNAL, MGW_H248_CTR_ERR_NO_SUCH_SIGNAL },
};

static void count_error(struct mgw_h248 *h, unsigned int code)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(code_ctrs); i++) {
		if (code_ctrs[i].code == code) {
			mgw_h248_ctr_inc(h, code_ctrs[i].ctr);
			return;
		}
	}
	mgw_h248_ctr_inc(h, MGW_H248_CTR_ERR_OTHER);
}

static bool is_choose(const char *id)
{
	return !strcmp(id, "$");
}

static bool has_wildcard(const char *id)
{
	return strchr(id, '*') || strchr(id, '$');
}

/* A context for Add: the action's, or a new one for "$". */
static unsigned int add_ctx(struct exec *x)
{
	if (x->ctx)
		return 0;
	if (x->a->ctx != H248_CTX_CHOOSE)
		return H248_EC_UNKNOWN_ACTION;	/* Add to the NULL context */
	x->ctx = mgw_h248_ctx_alloc(x->h);
	if (!x->ctx)
		return H248_EC_NO_CONTEXT;
	x->ra->ctx = H248_CTX_ID;
	x->ra->ctx_id = x->ctx->id;
	return 0;
}

static unsigned int cmd_add(struct exec *x, const struct h248_cmd *c, struct h248_cmd *r)
{
	struct mgw_h248_term *term = NULL;
	struct mgw_endpoint *ep = NULL;
	unsigned int rc;

	if (!strcasecmp(c->term_id, "ROOT"))
		return H248_EC_BAD_ID;
	if (!is_choose(c->term_id)) {
		if (has_wildcard(c->term_id))
			return H248_EC_NOT_IMPLEMENTED;	/* only "$" for a new RTP termination */
		if (mgw_h248_term_find(x->h, c->term_id, NULL))
			return H248_EC_TERM_IN_CONTEXT;
		ep = mgw_h248_tdm_endpoint(x->h, c->term_id);
		if (!ep)
			return H248_EC_UNKNOWN_TERM;
	}
	rc = add_ctx(x);
	if (rc)
		return rc;
	rc = ep ? mgw_h248_ctx_add_tdm(x->ctx, ep, &term) : mgw_h248_ctx_add_rtp(x->ctx, &term);
	if (rc)
		return rc;
	rc = mgw_h248_media_apply(term, c, true);
	if (!rc)
		rc = mgw_h248_events_apply(x->h, term, c);
	if (rc) {
		mgw_h248_term_free(term);
		return rc;
	}
	h248_str_set(r, &r->term_id, term->name);
	if (term->conn && mgw_h248_media_reply(term, r, false) < 0)
		return H248_EC_INTERNAL;
	LOGP(DMGW, LOGL_INFO, "H.248 context %u: %s added (%s)\n", x->ctx->id, term->name,
	     term->conn ? term->conn->ep->name : term->tdm->name);
	mgw_h248_ctr_inc(x->h, MGW_H248_CTR_ADD_OK);
	return 0;
}

/* The termination @id names in the action's context; 0 or an error code.
 * *@term stays NULL for a timeslot outside every context. */
static unsigned int find_term(struct exec *x, const char *id, struct mgw_h248_term **term)
{
	struct mgw_h248_ctx *ctx = NULL;

	*term = NULL;
	if (has_wildcard(id))
		return H248_EC_NOT_IMPLEMENTED;
	*term = mgw_h248_term_find(x->h, id, &ctx);
	if (*term) {
		if (ctx != x->ctx)
			return H248_EC_TERM_NOT_IN_CONTEXT;
		return 0;
	}
	if (!mgw_h248_tdm_endpoint(x->h, id))
		return H248_EC_UNKNOWN_TERM;
	/* an idle timeslot is in the NULL context */
	return x->ctx ? H248_EC_TERM_NOT_IN_CONTEXT : 0;
}

static unsigned int cmd_modify(struct exec *x, const struct h248_cmd *c, struct h248_cmd *r)
{
	struct mgw_h248_term *term;
	unsigned int rc;
	bool sdp = false;

	rc = find_term(x, c->term_id, &term);
	if (rc)
		return rc;
	rc = mgw_h248_events_apply(x->h, term, c);
	if (rc)
		return rc;
	if (term) {
		rc = mgw_h248_media_apply(term, c, false);
		if (rc)
			return rc;
		if (c->media.present) {
			const struct h248_stream *s;

			llist_for_each_entry(s, &c->media.streams, list)
				sdp |= s->local || s->remote;
		}
		/* a new Local or Remote gets our (maybe changed) Local back */
		if (sdp && term->conn && mgw_h248_media_reply(term, r, false) < 0)
			return H248_EC_INTERNAL;
	} else if (c->media.present) {
		/* an idle timeslot has nothing to set */
		return H248_EC_DESC_NOT_LEGAL;
	}
	mgw_h248_ctr_inc(x->h, MGW_H248_CTR_MODIFY_OK);
	return 0;
}

static unsigned int subtract_one(struct exec *x, struct mgw_h248_term *term, struct h248_cmd *r)
{
	if (mgw_h248_stats_reply(term, r) < 0)
		return H248_EC_INTERNAL;
	LOGP(DMGW, LOGL_INFO, "H.248 context %u: %s subtracted\n", x->ctx->id, term->name);
	mgw_h248_term_free(term);
	mgw_h248_ctr_inc(x->h, MGW_H248_CTR_SUBTRACT_OK);
	return 0;
}

static unsigned int cmd_subtract(struct exec *x, const struct h248_cmd *c, struct h248_cmd *r)
{
	struct mgw_h248_term *term;
	unsigned int rc, i, n = 0;

	if (!x->ctx)
		return x->a->ctx == H248_CTX_CHOOSE ? H248_EC_UNKNOWN_ACTION : H248_EC_TERM_NOT_IN_CONTEXT;
	if (!strcmp(c->term_id, "*")) {
		/* one reply, with its Statistics, per termination */
		for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
			term = x->ctx->terms[i];
			if (!term)
				continue;
			if (n++) {
				r = h248_cmd_add(x->ra, H248_CMD_SUBTRACT, term->name);
				if (!r)
					return H248_EC_INTERNAL;
			} else {
				h248_str_set(r, &r->term_id, term->name);
			}
			rc = subtract_one(x, term, r);
			if (rc)
				return rc;
		}
		return n ? 0 : H248_EC_NO_WILDCARD_MATCH;
	}
	rc = find_term(x, c->term_id, &term);
	if (rc)
		return rc;
	return subtract_one(x, term, r);
}

static unsigned int exec_cmd(struct exec *x, const struct h248_cmd *c, struct h248_cmd *r)
{
	if (x->a->ctx == H248_CTX_ALL && mgw_h248_ctx_all_refuse(c->kind))
		return mgw_h248_ctx_all_refuse(c->kind);
	switch (c->kind) {
	case H248_CMD_ADD:
		return cmd_add(x, c, r);
	case H248_CMD_MODIFY:
		return cmd_modify(x, c, r);
	case H248_CMD_SUBTRACT:
		return cmd_subtract(x, c, r);
	case H248_CMD_AUDIT_VALUE:
	case H248_CMD_AUDIT_CAP:
		return mgw_h248_audit(x->h, x->a, x->ctx, x->rt, x->ra, c, r);
	case H248_CMD_MOVE:
		return add_ctx(x) ?: mgw_h248_move(x->h, x->ctx, c, r);
	case H248_CMD_NOTIFY:
		/* Notify goes from gateway to controller only */
		return H248_EC_UNKNOWN_ACTION;
	case H248_CMD_SERVICE_CHANGE:
		return mgw_h248_sc_request(x->h, x->a, c, r);
	default:
		return H248_EC_NOT_IMPLEMENTED;
	}
}

/* Run one action; false when it failed and the transaction stops. */
static bool exec_action(struct mgw_h248 *h, const struct h248_action *a, struct h248_trans *rt)
{
	struct exec x = { .h = h, .a = a, .rt = rt };
	const struct h248_cmd *c;
	bool ok = true;

	x.ra = h248_action_add(rt, a->ctx == H248_CTX_CHOOSE ? H248_CTX_NULL : a->ctx, a->ctx_id);
	if (!x.ra)
		return false;
	if (a->ctx == H248_CTX_ID) {
		x.ctx = mgw_h248_ctx_find(h, a->ctx_id);
		if (!x.ctx) {
			h248_error_set(x.ra, &x.ra->error, H248_EC_UNKNOWN_CONTEXT, NULL);
			count_error(h, H248_EC_UNKNOWN_CONTEXT);
			return false;
		}
	}
	llist_for_each_entry(c, &a->cmds, list) {
		struct h248_cmd *r = h248_cmd_add(x.ra, c->kind, c->term_id);
		unsigned int rc;

		if (!r) {
			ok = false;
			break;
		}
		rc = exec_cmd(&x, c, r);
		/* Subtract of the last termination ends the context */
		if (x.ctx && mgw_h248_ctx_n_terms(x.ctx) == 0 && c->kind == H248_CMD_SUBTRACT) {
			mgw_h248_ctx_free(x.ctx);
			x.ctx = NULL;
		}
		if (!rc)
			continue;
		LOGP(DMGW, LOGL_NOTICE, "H.248 %s = %s: error %u %s\n", get_value_string(h248_cmd_names, c->kind),
		     c->term_id, rc, get_value_string(h248_code_names, rc));
		h248_error_set(r, &r->error, rc, NULL);
		count_error(h, rc);
		if (!c->optional) {
			ok = false;
			break;
		}
	}
	if (a->ctx == H248_CTX_CHOOSE && x.ctx && mgw_h248_ctx_n_terms(x.ctx) == 0) {
		mgw_h248_ctx_free(x.ctx);
		x.ra->ctx = H248_CTX_NULL;
		x.ra->ctx_id = 0;
	}
	return ok;
}

void mgw_h248_request(struct mgw_h248 *h, const struct h248_trans *t)
{
	struct h248_msg *msg = h248_msg_alloc(h, h->cfg.version, h->tl->mid);
	struct h248_trans *rt = msg ? h248_trans_add(msg, H248_TRANS_REPLY, t->id) : NULL;
	const struct h248_action *a;
	int rc;

	if (!rt) {
		talloc_free(msg);
		return;
	}
	llist_for_each_entry(a, &t->actions, list) {
		if (!exec_action(h, a, rt))
			break;
	}
	rc = h248_tl_reply(h->tl, msg);
	talloc_free(msg);
	if (rc != -EINVAL)
		return;
	/* the reply does not encode (too big): answer 500 rather than Pending forever */
	LOGP(DMGW, LOGL_ERROR, "H.248 transaction %u: reply does not encode, answering 500\n", t->id);
	count_error(h, H248_EC_INTERNAL);
	msg = h248_msg_alloc(h, h->cfg.version, h->tl->mid);
	rt = msg ? h248_trans_add(msg, H248_TRANS_REPLY, t->id) : NULL;
	if (rt && h248_error_set(rt, &rt->error, H248_EC_INTERNAL, NULL) == 0)
		h248_tl_reply(h->tl, msg);
	talloc_free(msg);
}
