/* tandem-mgw H.248 contexts and terminations on top of the MGCP endpoint
 * model.
 *
 * A context with a TDM termination lives on that timeslot's ds/e1
 * endpoint, whose one connection is the context's RTP termination; a
 * context of RTP terminations only lives on a free rtpbridge endpoint.  When
 * a TDM termination joins or leaves a context that already has an RTP
 * termination, the connection moves to the endpoint the context needs now,
 * keeping its sockets, so the controller may add in either order.
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

#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

struct mgw_h248_ctx *mgw_h248_ctx_find(struct mgw_h248 *h, uint32_t id)
{
	struct mgw_h248_ctx *ctx;

	llist_for_each_entry(ctx, &h->ctxs, list) {
		if (ctx->id == id)
			return ctx;
	}
	return NULL;
}

struct mgw_h248_ctx *mgw_h248_ctx_alloc(struct mgw_h248 *h)
{
	struct mgw_h248_ctx *ctx;

	if (h->n_ctxs >= MGW_H248_CTX_MAX)
		return NULL;
	ctx = talloc_zero(h, struct mgw_h248_ctx);
	if (!ctx)
		return NULL;
	ctx->h = h;
	/* 0, $ (0xFFFFFFFE) and * (0xFFFFFFFF) are never context ids */
	do {
		if (++h->next_ctx_id >= 0xFFFFFFFEu)
			h->next_ctx_id = 1;
	} while (mgw_h248_ctx_find(h, h->next_ctx_id));
	ctx->id = h->next_ctx_id;
	llist_add_tail(&ctx->list, &h->ctxs);
	h->n_ctxs++;
	return ctx;
}

unsigned int mgw_h248_ctx_n_terms(const struct mgw_h248_ctx *ctx)
{
	unsigned int i, n = 0;

	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++)
		n += ctx->terms[i] != NULL;
	return n;
}

void mgw_h248_ctx_free(struct mgw_h248_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
		if (ctx->terms[i])
			mgw_h248_term_free(ctx->terms[i]);
	}
	llist_del(&ctx->list);
	ctx->h->n_ctxs--;
	talloc_free(ctx);
}

static struct mgw_h248_term *ctx_tdm(const struct mgw_h248_ctx *ctx)
{
	unsigned int i;

	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
		if (ctx->terms[i] && ctx->terms[i]->tdm)
			return ctx->terms[i];
	}
	return NULL;
}

/* The endpoint carrying @ctx from now on; NULL for none. */
static void ctx_set_ep(struct mgw_h248_ctx *ctx, struct mgw_endpoint *ep)
{
	if (ctx->ep)
		ctx->ep->h248 = false;
	ctx->ep = ep;
	if (ep)
		ep->h248 = true;
}

/* An rtpbridge endpoint neither MGCP nor another context uses. */
static struct mgw_endpoint *free_rtpbridge(struct mgw_h248 *h)
{
	struct mgw *mgw = h->mgw;
	unsigned int i;

	for (i = 0; i < mgw->n_endpoints; i++) {
		struct mgw_endpoint *ep = &mgw->endpoints[i];

		if (!ep->span && mgw_endp_n_conns(ep) == 0 && !ep->h248)
			return ep;
	}
	return NULL;
}

/* Move @conn to endpoint @to, sockets and all; the media is set up anew. */
static int conn_move(struct mgw_conn *conn, struct mgw_endpoint *to)
{
	struct mgw_endpoint *from = conn->ep;
	unsigned int i, slot;

	if (from == to)
		return 0;
	for (slot = 0; slot < to->max_conns && to->conns[slot]; slot++)
		;
	if (slot == to->max_conns)
		return -EBUSY;
	for (i = 0; i < MGW_CONNS_PER_EP; i++) {
		if (from->conns[i] == conn)
			from->conns[i] = NULL;
	}
	TALLOC_FREE(conn->xcode);
	TALLOC_FREE(conn->chan);
	/* a tone towards RTP is clocked by a timeslot: none on an rtpbridge */
	if (!to->span && conn->tone)
		conn->tone->active = false;
	conn->ep = to;
	to->conns[slot] = conn;
	/* a timeslot offers RFC 4733 events; an rtpbridge passes them through */
	if (to->span && conn->dtmf_pt < 0)
		conn->dtmf_pt = MGW_DTMF_PT_OFFER;
	mgw_endp_update_media(from);
	return mgw_endp_update_media(to);
}

static int ctx_slot(const struct mgw_h248_ctx *ctx)
{
	int i;

	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
		if (!ctx->terms[i])
			return i;
	}
	return -1;
}

void mgw_h248_tdm_name(const struct mgw_endpoint *ep, char *buf, size_t size)
{
	snprintf(buf, size, "tdm/%u/%u", ep->span->nr, ep->ts);
}

struct mgw_endpoint *mgw_h248_tdm_endpoint(struct mgw_h248 *h, const char *name)
{
	char local[32];
	unsigned int span, ts;
	char tail;

	if (sscanf(name, "tdm/%u/%u%c", &span, &ts, &tail) != 2 || span > 99 || ts > 99)
		return NULL;
	/* "tdm/01/5" is not "tdm/1/5": one spelling per termination */
	snprintf(local, sizeof(local), "tdm/%u/%u", span, ts);
	if (strcasecmp(local, name))
		return NULL;
	snprintf(local, sizeof(local), "ds/e1-%u/%u", span, ts);
	return mgw_endp_find(h->mgw, local);
}

static struct mgw_h248_term *term_alloc(struct mgw_h248_ctx *ctx, int slot)
{
	struct mgw_h248_term *term = talloc_zero(ctx, struct mgw_h248_term);

	if (!term)
		return NULL;
	term->ctx = ctx;
	term->stream_id = 1;
	clock_gettime(CLOCK_MONOTONIC, &term->added);
	ctx->terms[slot] = term;
	return term;
}

unsigned int mgw_h248_ctx_add_tdm(struct mgw_h248_ctx *ctx, struct mgw_endpoint *ep, struct mgw_h248_term **out)
{
	struct mgw_h248_term *term, *other = NULL;
	int slot = ctx_slot(ctx);
	unsigned int i;

	if (ep->h248)
		return H248_EC_TERM_IN_CONTEXT;
	/* the controller took it out of service (mgw_h248_handoff.c) */
	if (ep->h248_oos)
		return H248_EC_SERVICE_UNAVAILABLE;
	/* MGCP holds the timeslot */
	if (mgw_endp_n_conns(ep))
		return H248_EC_RESOURCES;
	if (slot < 0)
		return H248_EC_MAX_TERMS;
	/* TDM to TDM would need a timeslot cross-connect, which spans lack */
	if (ctx_tdm(ctx))
		return H248_EC_NOT_IMPLEMENTED;
	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
		if (ctx->terms[i])
			other = ctx->terms[i];
	}
	if (other && other->conn && conn_move(other->conn, ep) < 0)
		return H248_EC_RESOURCES;
	term = term_alloc(ctx, slot);
	if (!term)
		return H248_EC_RESOURCES;
	term->tdm = ep;
	term->mode = H248_MODE_SENDRECV;
	mgw_h248_tdm_name(ep, term->name, sizeof(term->name));
	ctx_set_ep(ctx, ep);
	*out = term;
	return 0;
}

unsigned int mgw_h248_ctx_add_rtp(struct mgw_h248_ctx *ctx, struct mgw_h248_term **out)
{
	struct mgw_h248 *h = ctx->h;
	struct mgw_h248_term *term;
	struct mgw_endpoint *ep = ctx->ep;
	struct mgw_conn *conn;
	char call_id[16];
	int slot = ctx_slot(ctx);

	if (slot < 0)
		return H248_EC_MAX_TERMS;
	if (!ep) {
		ep = free_rtpbridge(h);
		if (!ep)
			return H248_EC_RESOURCES;
	}
	snprintf(call_id, sizeof(call_id), "%X", ctx->id);
	conn = mgw_conn_alloc(ep, call_id);
	if (!conn)
		return H248_EC_RESOURCES;
	term = term_alloc(ctx, slot);
	if (!term) {
		mgw_conn_free(conn);
		return H248_EC_RESOURCES;
	}
	/* names never reused while the gateway runs, like MGCP connection ids */
	if (++h->next_rtp_id == 0)
		h->next_rtp_id = 1;
	snprintf(term->name, sizeof(term->name), "rtp/%u", h->next_rtp_id);
	term->conn = conn;
	term->mode = H248_MODE_SENDRECV;
	conn->mode = MGCP_MODE_SENDRECV;
	ctx_set_ep(ctx, ep);
	*out = term;
	return 0;
}

void mgw_h248_term_free(struct mgw_h248_term *term)
{
	struct mgw_h248_ctx *ctx = term->ctx;
	unsigned int i;

	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
		if (ctx->terms[i] == term)
			ctx->terms[i] = NULL;
	}
	if (term->conn)
		mgw_conn_free(term->conn);
	if (term->tdm) {
		struct mgw_h248_term *rest = NULL;

		/* the timeslot's digits were armed for this termination only */
		term->tdm->dtmf_notify = 0;

		for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
			if (ctx->terms[i] && ctx->terms[i]->conn)
				rest = ctx->terms[i];
		}
		ctx_set_ep(ctx, NULL);
		/* the RTP termination left alone needs no timeslot any more */
		if (rest) {
			struct mgw_endpoint *ep = free_rtpbridge(ctx->h);

			if (ep && conn_move(rest->conn, ep) == 0)
				ctx_set_ep(ctx, ep);
			else
				ctx_set_ep(ctx, rest->conn->ep);
		}
	}
	if (mgw_h248_ctx_n_terms(ctx) == 0)
		ctx_set_ep(ctx, NULL);
	talloc_free(term);
}

unsigned int mgw_h248_ctx_move(struct mgw_h248_term *term, struct mgw_h248_ctx *to)
{
	struct mgw_h248_ctx *from = term->ctx;
	struct mgw_endpoint *ep = to->ep;
	int slot = ctx_slot(to), rc;
	unsigned int i;

	if (slot < 0)
		return H248_EC_MAX_TERMS;
	/* a timeslot would have to take (or leave) two contexts' connections */
	if (!term->conn)
		return H248_EC_NOT_IMPLEMENTED;
	if (!ep) {
		/* into an empty context: alone, the connection keeps its
		 * rtpbridge; else (beside a timeslot or another RTP
		 * termination) it needs a bridge of its own */
		ep = mgw_h248_ctx_n_terms(from) == 1 ? term->conn->ep : free_rtpbridge(to->h);
		if (!ep)
			return H248_EC_RESOURCES;
	}
	rc = conn_move(term->conn, ep);
	if (rc < 0 && term->conn->ep != ep)
		return H248_EC_RESOURCES;	/* no room there: nothing changed */
	/* moved (its media may have failed to set up): the books follow */
	for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
		if (from->terms[i] == term)
			from->terms[i] = NULL;
	}
	if (mgw_h248_ctx_n_terms(from) == 0)
		ctx_set_ep(from, NULL);
	to->terms[slot] = term;
	term->ctx = to;
	talloc_steal(to, term);
	ctx_set_ep(to, ep);
	return rc < 0 ? H248_EC_RESOURCES : 0;
}

struct mgw_h248_term *mgw_h248_term_find(struct mgw_h248 *h, const char *name, struct mgw_h248_ctx **out)
{
	struct mgw_h248_ctx *ctx;
	unsigned int i;

	llist_for_each_entry(ctx, &h->ctxs, list) {
		for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
			if (ctx->terms[i] && !strcasecmp(ctx->terms[i]->name, name)) {
				if (out)
					*out = ctx;
				return ctx->terms[i];
			}
		}
	}
	return NULL;
}
