/* tandemd's H.248.1 controller: what the gateway asks of us, chiefly its
 * registration (H.248.1 7.2.8 and 11.3).
 *
 * A ServiceChange on ROOT with Method Restart, Disconnected, Failover or
 * Handoff registers the gateway; the reply carries our
 * ServiceChangeAddress (our port) and the Version agreed, the lower of
 * the gateway's and ours, which both sides use from then on.  A Restart
 * of a gateway that was registered before means its contexts are gone
 * (cold or warm boot alike); Forced on ROOT takes it out of service with
 * its contexts; Graceful lets the calls finish but no new context is
 * asked for.  Disconnected, Failover and Handoff of a gateway we knew
 * keep the contexts, or some of them: ops->audit_needed tells the user
 * to audit them.  Notify is answered and passed on; any other
 * command gets 501 Not Implemented.  The callbacks run after the reply
 * has gone, so anything the user sends follows it on the wire.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include <osmocom/core/logging.h>

#include "mgcp/h248_ca.h"
#include "src/tandem_log.h"

#define LOGCA(ca, level, fmt, args...) \
	LOGP(DMGCP, level, "h248 gw %s: " fmt, (ca)->cfg.name, ##args)

/* What a ServiceChange on ROOT does to us. */
static const struct {
	enum h248_sc_method method;
	enum h248_ca_ctr ctr;
	enum h248_ca_state state;
	bool lost_if_known;	/* its contexts are gone, if we knew it */
	bool audit_if_known;	/* its contexts may be there or not: audit them */
	enum h248_ca_audit_why why;
} sc_rules[] = {
	{ H248_SC_RESTART, H248_CA_CTR_SC_RESTART, H248_CA_ST_REGISTERED, true, false, 0 },
	{ H248_SC_DISCONNECTED, H248_CA_CTR_SC_DISCONNECTED, H248_CA_ST_REGISTERED, false, true,
	  H248_CA_AUDIT_DISCONNECTED },
	{ H248_SC_FAILOVER, H248_CA_CTR_SC_FAILOVER, H248_CA_ST_REGISTERED, false, true, H248_CA_AUDIT_FAILOVER },
	{ H248_SC_HANDOFF, H248_CA_CTR_SC_OTHER, H248_CA_ST_REGISTERED, false, true, H248_CA_AUDIT_HANDOFF },
	{ H248_SC_FORCED, H248_CA_CTR_SC_FORCED, H248_CA_ST_DOWN, true, false, 0 },
	{ H248_SC_GRACEFUL, H248_CA_CTR_SC_GRACEFUL, H248_CA_ST_GRACEFUL, false, false, 0 },
};

/* What to tell the user once the reply has gone. */
struct rx_after {
	bool sc;
	enum h248_ca_state state;
	bool lost;
	bool audit;
	enum h248_ca_audit_why why;
	enum h248_sc_method method;
	unsigned int n_notify;
	const struct h248_cmd *notify[H248_CMDS_MAX];
	uint32_t notify_ctx[H248_CMDS_MAX];
};

static unsigned int agreed_version(const struct h248_ca *ca, const struct h248_msg *msg,
				   const struct h248_cmd *c)
{
	unsigned int theirs = c->sc.version ? c->sc.version : msg->version;

	return OSMO_MIN(theirs, ca->cfg.version);
}

static unsigned int rx_service_change(struct h248_ca *ca, const struct h248_msg *msg, const struct h248_cmd *c,
				      struct h248_cmd *r, struct rx_after *after)
{
	char port[8], ts[H248_TIMESTAMP_LEN + 1];
	unsigned int i;

	/* a Services descriptor holds one parameter at least: only a
	 * registration's reply has any, the others are a bare ServiceChange */
	if (strcasecmp(c->term_id, "ROOT")) {
		/* one termination in or out of service: nothing of ours changes */
		h248_ca_ctr_inc(ca, H248_CA_CTR_SC_OTHER);
		LOGCA(ca, LOGL_NOTICE, "ServiceChange %s on %s: %s\n",
		      get_value_string(h248_sc_method_names, c->sc.method), c->term_id,
		      c->sc.reason ? c->sc.reason : "");
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(sc_rules); i++) {
		if (sc_rules[i].method == c->sc.method)
			break;
	}
	if (i == ARRAY_SIZE(sc_rules)) {
		h248_ca_ctr_inc(ca, H248_CA_CTR_SC_OTHER);
		return H248_EC_NOT_IMPLEMENTED;
	}
	h248_ca_ctr_inc(ca, sc_rules[i].ctr);
	ca->last_method = c->sc.method;
	osmo_strlcpy(ca->last_reason, c->sc.reason ? c->sc.reason : "", sizeof(ca->last_reason));
	after->sc = true;
	after->state = sc_rules[i].state;
	after->method = c->sc.method;
	after->lost |= sc_rules[i].lost_if_known && ca->known;
	/* Disconnected (it lost touch with us for a while), Failover and
	 * Handoff (another MGC had it): what is left of our contexts only
	 * an audit tells (H.248.1 7.2.8) */
	after->audit = sc_rules[i].audit_if_known && ca->known && !after->lost;
	after->why = sc_rules[i].why;
	if (after->state == H248_CA_ST_REGISTERED) {
		ca->handed_off = false;
		ca->version = agreed_version(ca, msg, c);
		/* the reply already goes in the version agreed */
		ca->tl->version = ca->version;
		r->sc.present = true;
		r->sc.version = ca->version;
		snprintf(port, sizeof(port), "%u", h248_ca_local_port(ca));
		/* 7.2.8: "The TimeStamp parameter shall be sent with a
		 * registration command and its response" */
		h248_timestamp_now(ts, sizeof(ts));
		if (h248_str_set(r, &r->sc.address, port) < 0 || h248_str_set(r, &r->sc.timestamp, ts) < 0)
			return H248_EC_INTERNAL;
	}
	LOGCA(ca, LOGL_NOTICE, "ServiceChange %s \"%s\" on ROOT accepted (version %u)\n",
	      get_value_string(h248_sc_method_names, c->sc.method), ca->last_reason, ca->version);
	return 0;
}

static unsigned int rx_cmd(struct h248_ca *ca, const struct h248_msg *msg, const struct h248_action *a,
			   const struct h248_cmd *c, struct h248_cmd *r, struct rx_after *after)
{
	switch (c->kind) {
	case H248_CMD_SERVICE_CHANGE:
		return rx_service_change(ca, msg, c, r, after);
	case H248_CMD_NOTIFY:
		h248_ca_ctr_inc(ca, H248_CA_CTR_RX_NOTIFY);
		if (after->n_notify < ARRAY_SIZE(after->notify)) {
			after->notify_ctx[after->n_notify] = a->ctx == H248_CTX_ID ? a->ctx_id : 0;
			after->notify[after->n_notify++] = c;
		}
		return 0;
	default:
		/* commands that go from the controller to the gateway only */
		h248_ca_ctr_inc(ca, H248_CA_CTR_RX_UNSUPPORTED);
		return H248_EC_NOT_IMPLEMENTED;
	}
}

static void rx_after(struct h248_ca *ca, const struct rx_after *after)
{
	unsigned int i;

	if (after->sc) {
		if (after->lost) {
			h248_ca_ctr_inc(ca, H248_CA_CTR_CONTEXTS_LOST);
			LOGCA(ca, LOGL_ERROR, "gateway %s: its contexts are gone\n",
			      get_value_string(h248_sc_method_names, after->method));
			if (ca->ops && ca->ops->contexts_lost)
				ca->ops->contexts_lost(ca, after->method, ca->last_reason, ca->priv);
		}
		h248_ca_set_state(ca, after->state);
		if (after->audit && ca->state == H248_CA_ST_REGISTERED)
			h248_ca_audit_needed(ca, after->why);
	}
	for (i = 0; i < after->n_notify; i++) {
		if (ca->ops && ca->ops->notify)
			ca->ops->notify(ca, after->notify_ctx[i], after->notify[i], ca->priv);
	}
}

void h248_ca_rx_request(struct h248_ca *ca, const struct h248_msg *msg, const struct h248_trans *t)
{
	struct h248_msg *rmsg = h248_msg_alloc(ca, ca->version, ca->tl->mid);
	struct h248_trans *rt = rmsg ? h248_trans_add(rmsg, H248_TRANS_REPLY, t->id) : NULL;
	struct rx_after after = { 0 };
	const struct h248_action *a;
	const struct h248_cmd *c;
	bool stop = false;

	if (!rt) {
		talloc_free(rmsg);
		return;
	}
	llist_for_each_entry(a, &t->actions, list) {
		struct h248_action *ra = h248_action_add(rt, a->ctx, a->ctx_id);

		if (!ra)
			break;
		llist_for_each_entry(c, &a->cmds, list) {
			struct h248_cmd *r = h248_cmd_add(ra, c->kind, c->term_id);
			unsigned int code;

			if (!r) {
				stop = true;
				break;
			}
			code = rx_cmd(ca, msg, a, c, r, &after);
			if (!code)
				continue;
			LOGCA(ca, LOGL_NOTICE, "%s = %s from the gateway: error %u\n",
			      get_value_string(h248_cmd_names, c->kind), c->term_id, code);
			h248_error_set(r, &r->error, code, NULL);
			if (!c->optional) {
				stop = true;
				break;
			}
		}
		if (stop)
			break;
	}
	if (h248_tl_reply(ca->tl, rmsg) < 0)
		LOGCA(ca, LOGL_ERROR, "transaction %u: cannot send the reply\n", t->id);
	talloc_free(rmsg);
	rx_after(ca, &after);
}
