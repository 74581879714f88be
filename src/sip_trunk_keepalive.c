/* SIP trunks: OPTIONS keepalive.  Every `keepalive N M` seconds each
 * peer of the trunk gets an OPTIONS on its own nua handle.  A peer that
 * leaves M pings in a row unanswered (or answers 408/503) is dead; the
 * trunk's FSM (src/sip_trunk_fsm.c) goes DOWN while all its peers are dead
 * and UP again on the first answer.  Any other final answer, 404 and 405 included, proves that the
 * peer's SIP stack is alive (RFC 3261 11: OPTIONS is answered as an
 * INVITE would be, so a 4xx/6xx is an answer), see doc/siptrunks.md.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <sofia-sip/msg_header.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "src/app.h"
#include "src/sip_agent.h"
#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"
#include "src/tandem_log.h"

static bool ka_running;
/* keepalive handles alive, so that other nua events skip the search */
static unsigned int ka_handles;

bool sip_trunk_ka_running(void)
{
	return ka_running;
}

static void ka_drop_handle(struct sip_trunk_priv *p, unsigned int i)
{
	struct sip_trunk_peer_ka *ka = &p->ka[i];

	if (!ka->nh)
		return;
	/* a handle of a nua since destroyed (the agent's rebind, the trunk's
	 * own bind moved) is gone already */
	if (p->ka_nua && p->ka_nua == sip_trunk_nua(p->t))
		nua_handle_destroy(ka->nh);
	ka->nh = NULL;
	ka->pending = false;
	ka_handles--;
}

/* The agent restarts nua on a bind change (so does a trunk's own bind),
 * and nua_destroy() frees every handle: forget ours before a new handle
 * can reuse one's address. */
static void ka_check_nua(struct sip_trunk_priv *p)
{
	struct nua_s *nua = sip_trunk_nua(p->t);
	unsigned int i;

	if (nua == p->ka_nua)
		return;
	for (i = 0; i < SIP_TRUNK_PEERS_MAX; i++)
		ka_drop_handle(p, i);
	p->ka_nua = nua;
}

static void ka_update_state(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	bool alive = false;
	unsigned int i;

	for (i = 0; i < t->num_peers; i++)
		alive |= p->ka[i].up;
	osmo_fsm_inst_dispatch(p->fi, alive ? SIP_TRUNK_EV_PEER_ALIVE : SIP_TRUNK_EV_ALL_DEAD, NULL);
}

static void ka_result(struct sip_trunk *t, unsigned int i, int status, const char *phrase)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	struct sip_trunk_peer_ka *ka = &p->ka[i];
	/* 408: no answer (ours or nua's); 503: the peer or the transport
	 * says it cannot serve; 7xx-9xx: Sofia's own errors */
	bool failed = status == 408 || status == 503 || status >= 700;

	ka->pending = false;
	ka->last_status = status;
	osmo_strlcpy(ka->last_phrase, phrase ?: "", sizeof(ka->last_phrase));
	ka->last_time = time(NULL);
	if (!failed) {
		if (!ka->up)
			LOGP(DSIP, LOGL_NOTICE, "SIP trunk %s: peer %s:%u answers again (%d)\n", t->name,
			     t->peers[i].host, t->peers[i].port, status);
		ka->fails = 0;
		ka->up = true;
	} else {
		sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_KEEPALIVE_FAIL);
		ka->fails++;
		LOGP(DSIP, LOGL_INFO, "SIP trunk %s: keepalive to %s:%u failed (%d %s), %u in a row\n",
		     t->name, t->peers[i].host, t->peers[i].port, status, phrase ?: "", ka->fails);
		if (ka->up && ka->fails >= t->keepalive_fail_max) {
			ka->up = false;
			LOGP(DSIP, LOGL_NOTICE, "SIP trunk %s: peer %s:%u is dead after %u failed keepalives\n",
			     t->name, t->peers[i].host, t->peers[i].port, ka->fails);
		}
	}
	ka_update_state(t);
}

static void ka_ping(struct sip_trunk *t, unsigned int i, struct nua_s *nua)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	struct sip_trunk_peer_ka *ka = &p->ka[i];
	const struct sip_trunk_peer *peer = &t->peers[i];
	bool v6 = strchr(peer->host, ':') != NULL;
	char uri[SIP_TRUNK_HOST_MAX + 48];

	snprintf(uri, sizeof(uri), "sip:%s%s%s:%u;transport=%s", v6 ? "[" : "", peer->host, v6 ? "]" : "",
		 peer->port, get_value_string(sip_trunk_transport_names, t->transport));
	if (!ka->nh) {
		ka->nh = nua_handle(nua, NULL, NUTAG_URL(uri), SIPTAG_TO_STR(uri), TAG_END());
		if (!ka->nh) {
			ka_result(t, i, 900, "cannot create a handle");
			return;
		}
		ka_handles++;
	}
	ka->pending = true;
	ka->authed = false;
	nua_options(ka->nh, TAG_END());
}

static void ka_timer_cb(void *data)
{
	struct sip_trunk *t = data;
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	struct nua_s *nua = sip_trunk_nua(t);
	unsigned int i;

	osmo_timer_schedule(&p->ka_timer, t->keepalive_s, 0);
	ka_check_nua(p);
	if (!nua)
		return;
	for (i = 0; i < t->num_peers; i++) {
		if (p->ka[i].pending) {
			/* Unanswered for a whole interval: a failure.  A fresh
			 * handle abandons the old transaction, so that a late
			 * answer is not mistaken for the next ping's. */
			ka_drop_handle(p, i);
			ka_result(t, i, 408, "no answer within the keepalive interval");
		}
		ka_ping(t, i, nua);
	}
}

void sip_trunk_ka_start(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	unsigned int i;

	/* the handles and the timer of a previous start go first */
	sip_trunk_ka_stop(t);
	for (i = 0; i < SIP_TRUNK_PEERS_MAX; i++) {
		memset(&p->ka[i], 0, sizeof(p->ka[i]));
		p->ka[i].up = true;
	}
	osmo_fsm_inst_dispatch(p->fi, SIP_TRUNK_EV_RESET, NULL);
	if (!ka_running || !t->keepalive_s || !t->num_peers)
		return;
	if (!t->keepalive_fail_max)
		t->keepalive_fail_max = 1;
	p->ka_nua = sip_trunk_nua(t);
	osmo_timer_setup(&p->ka_timer, ka_timer_cb, t);
	/* the first ping goes out now, so `show` has an answer early */
	osmo_timer_schedule(&p->ka_timer, 0, 0);
}

void sip_trunk_ka_stop(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	unsigned int i;

	if (!p)
		return;
	if (osmo_timer_pending(&p->ka_timer))
		osmo_timer_del(&p->ka_timer);
	for (i = 0; i < SIP_TRUNK_PEERS_MAX; i++)
		ka_drop_handle(p, i);
}

bool sip_trunk_nua_event(int event, int status, const char *phrase, struct nua_handle_s *nh,
			 const struct sip_s *sip)
{
	struct sip_trunk *t;
	unsigned int i;

	if (!ka_handles || !nh)
		return false;
	llist_for_each_entry(t, sip_trunk_list(), list) {
		struct sip_trunk_priv *p = sip_trunk_priv(t);

		ka_check_nua(p);
		for (i = 0; i < t->num_peers; i++) {
			struct sip_trunk_peer_ka *ka = &p->ka[i];

			if (ka->nh != nh)
				continue;
			if (event != nua_r_options || status < 200 || !ka->pending)
				return true;
			if ((status == 401 || status == 407) && !ka->authed && t->auth_out_user[0] && sip) {
				const msg_auth_t *au = status == 401 ? sip->sip_www_authenticate
								     : sip->sip_proxy_authenticate;
				const char *realm = au ? msg_params_find(au->au_params, "realm=") : NULL;
				char auth[3 * SIP_TRUNK_CRED_MAX + 16];

				if (sip_trunk_auth_string(t, realm, auth, sizeof(auth)) > 0) {
					ka->authed = true;
					nua_authenticate(nh, NUTAG_AUTH(auth), TAG_END());
					return true;
				}
			}
			if ((status == 401 || status == 407) && ka->authed) {
				sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_AUTH_FAIL);
				LOGP(DSIP, LOGL_NOTICE, "SIP trunk %s: peer %s:%u refuses our credentials (%d)\n",
				     t->name, t->peers[i].host, t->peers[i].port, status);
			}
			ka_result(t, i, status, phrase);
			return true;
		}
	}
	return false;
}

void sip_trunk_start(void)
{
	struct sip_trunk *t;

	ka_running = true;
	/* the pings of a trunk with its own bind leave from it */
	sip_trunk_binds_start();
	llist_for_each_entry(t, sip_trunk_list(), list)
		sip_trunk_ka_start(t);
}

void sip_trunk_stop(void)
{
	struct sip_trunk *t;

	llist_for_each_entry(t, sip_trunk_list(), list)
		sip_trunk_ka_stop(t);
	ka_running = false;
	sip_trunk_binds_stop();
}
