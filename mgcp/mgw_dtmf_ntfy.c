/* NTFY of detected DTMF digits (RFC 3435 2.3.4), retransmitted with the
 * same transaction id every X1 until the call agent answers (3.5), at most
 * MGW_NTFY_TRIES times, at most MGW_NTFY_PENDING_MAX outstanding.  A
 * request in step mode is spent by its NTFY: later digits wait in the
 * endpoint's quarantine list for the next RQNT (4.4.1).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

/* An NTFY sent and not answered yet (RFC 3435 3.5: retransmitted with the
 * same transaction id every X1 until a response, MGW_NTFY_TRIES times). */
struct mgw_ntfy {
	struct llist_head list;
	struct mgw *mgw;
	uint32_t trans_id;
	struct sockaddr_in to;
	unsigned int tries;
	struct osmo_timer_list timer;
	int len;
	char buf[MGCP_MSG_MAX + 1];
};

static int ntfy_destructor(struct mgw_ntfy *n)
{
	osmo_timer_del(&n->timer);
	llist_del(&n->list);
	n->mgw->n_ntfy_pending--;
	return 0;
}

static void ntfy_schedule(struct mgw_ntfy *n)
{
	unsigned long ms = osmo_tdef_get(n->mgw->tdefs, MGW_T_RSIP, OSMO_TDEF_MS, 1000);

	osmo_timer_schedule(&n->timer, ms / 1000, (ms % 1000) * 1000);
}

static void ntfy_timer_cb(void *data)
{
	struct mgw_ntfy *n = data;

	if (n->tries >= MGW_NTFY_TRIES) {
		mgw_ctr_inc(n->mgw, MGW_CTR_NTFY_FAIL);
		LOGP(DMGW, LOGL_NOTICE, "NTFY %u never answered, given up\n", n->trans_id);
		talloc_free(n);
		return;
	}
	n->tries++;
	mgw_ctr_inc(n->mgw, MGW_CTR_NTFY_RETRANSMIT);
	mgw_mgcp_send_raw(n->mgw, n->buf, n->len, &n->to);
	ntfy_schedule(n);
}

bool mgw_ntfy_response(struct mgw *mgw, const struct mgcp_msg *resp)
{
	struct mgw_ntfy *n;

	llist_for_each_entry(n, &mgw->ntfy_pending, list) {
		if (n->trans_id == resp->trans_id) {
			if (resp->code >= 400) {
				mgw_ctr_inc(mgw, MGW_CTR_NTFY_FAIL);
				LOGP(DMGW, LOGL_NOTICE, "NTFY %u refused: %u\n", n->trans_id, resp->code);
			}
			/* a provisional response (1xx) still ends our retransmissions */
			talloc_free(n);
			return true;
		}
	}
	return false;
}

void mgw_ntfy_flush(struct mgw *mgw)
{
	struct mgw_ntfy *n, *tmp;

	llist_for_each_entry_safe(n, tmp, &mgw->ntfy_pending, list)
		talloc_free(n);
}

void mgw_endp_notify_digit(struct mgw_endpoint *ep, char digit)
{
	struct mgw *mgw = ep->mgw;
	static struct mgcp_msg msg;
	char endpoint[MGCP_ENDPOINT_MAX + 1], observed[8];
	int ev = mgw_dtmf_event(digit);
	struct mgw_ntfy *n;

	/* a timeslot in an H.248 context reports by Notify, not NTFY */
	if (ep->h248 && mgw->h248) {
		mgw_h248_notify_digit(mgw->h248, ep, digit);
		return;
	}
	if (ev < 0)
		return;
	if (ep->dtmf_spent) {
		/* step by step: kept for the next request (RFC 3435 4.4.1) */
		size_t len = strlen(ep->quarantine);

		if (len == MGW_QUARANTINE_MAX) {
			mgw_ctr_inc(mgw, MGW_CTR_NTFY_FAIL);
			memmove(ep->quarantine, ep->quarantine + 1, --len);
		}
		ep->quarantine[len] = digit;
		ep->quarantine[len + 1] = '\0';
		return;
	}
	if (!(ep->dtmf_notify & (1u << ev)) || !ep->has_notified_entity)
		return;
	snprintf(endpoint, sizeof(endpoint), "%s@%s", ep->name, mgw->cfg.domain);
	snprintf(observed, sizeof(observed), "D/%c", digit);
	if (++mgw->next_trans_id > MGCP_TRANS_ID_MAX)
		mgw->next_trans_id = 1;
	n = talloc_zero(mgw, struct mgw_ntfy);
	if (!n || mgcp_msg_init_cmd(&msg, MGCP_VERB_NTFY, mgw->next_trans_id, endpoint) < 0) {
		talloc_free(n);
		mgw_ctr_inc(mgw, MGW_CTR_NTFY_FAIL);
		return;
	}
	osmo_strlcpy(msg.request_id, ep->request_id, sizeof(msg.request_id));
	msg.present |= MGCP_P_REQUEST_ID;
	mgcp_msg_add_other(&msg, "O", observed);
	n->len = mgcp_msg_encode(&msg, n->buf, sizeof(n->buf));
	if (n->len < 0) {
		talloc_free(n);
		mgw_ctr_inc(mgw, MGW_CTR_NTFY_FAIL);
		return;
	}
	n->mgw = mgw;
	n->trans_id = mgw->next_trans_id;
	n->to = ep->notified_entity;
	n->tries = 1;
	osmo_timer_setup(&n->timer, ntfy_timer_cb, n);
	llist_add_tail(&n->list, &mgw->ntfy_pending);
	mgw->n_ntfy_pending++;
	talloc_set_destructor(n, ntfy_destructor);
	if (mgw->n_ntfy_pending > MGW_NTFY_PENDING_MAX) {
		mgw_ctr_inc(mgw, MGW_CTR_NTFY_FAIL);
		talloc_free(llist_first_entry(&mgw->ntfy_pending, struct mgw_ntfy, list));
	}
	/* a failed send is retried like an unanswered one */
	mgw_mgcp_send_raw(mgw, n->buf, n->len, &n->to);
	ntfy_schedule(n);
	mgw_ctr_inc(mgw, MGW_CTR_NTFY_TX);
	/* the request is spent unless it loops */
	ep->dtmf_spent = !ep->dtmf_loop;
	LOGP(DMGW, LOGL_INFO, "%s: NTFY %u O: %s (request %s)\n", ep->name, n->trans_id, observed, ep->request_id);
}
