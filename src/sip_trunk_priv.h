/* SIP trunks: state private to src/sip_trunk*.c (struct sip_trunk's priv).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <time.h>

#include <osmocom/core/timer.h>

#include "src/sip_trunk.h"

struct auth_mod_t;
struct osmo_fsm_inst;

/*! Events of the trunk FSM (src/sip_trunk_fsm.c); its states are enum
 *  sip_trunk_state. */
enum sip_trunk_event {
	SIP_TRUNK_EV_PEER_ALIVE,	/*!< a keepalive round left a peer alive */
	SIP_TRUNK_EV_ALL_DEAD,		/*!< every peer is dead */
	SIP_TRUNK_EV_RESET,		/*!< keepalive (re)started: UP */
};
extern const struct value_string sip_trunk_event_names[];

/*! Keepalive of one peer. */
struct sip_trunk_peer_ka {
	/*! the OPTIONS handle, NULL between pings */
	struct nua_handle_s *nh;
	/*! an OPTIONS is out and unanswered */
	bool pending;
	/*! the pending ping already answered a challenge */
	bool authed;
	bool up;
	unsigned int fails;
	/*! last final answer: status (0 none yet, 408 our own timeout) */
	int last_status;
	char last_phrase[48];
	time_t last_time;
};

struct sip_trunk_priv {
	struct sip_trunk *t;
	/*! UP/DOWN; mirrored into t->state */
	struct osmo_fsm_inst *fi;
	/*! `cause-map` was configured (else it follows the profile) */
	bool cause_map_set;
	struct osmo_timer_list ka_timer;
	/*! the nua the handles belong to: the agent may restart it */
	struct nua_s *ka_nua;
	struct sip_trunk_peer_ka ka[SIP_TRUNK_PEERS_MAX];
	/*! Sofia digest module of `auth incoming`, made on first use */
	struct auth_mod_t *am;
	/*! the nua of `local-bind` (src/sip_trunk_bind.c); NULL without a
	 *  bind, when it failed, or while the previous one shuts down */
	struct nua_s *bind_nua;
	/*! the URL bind_nua listens on ("" when none) */
	char bind_running[SIP_TRUNK_BIND_ADDR_MAX + 40];
	/*! a previous nua of the trunk is still shutting down */
	bool bind_retiring;
};

static inline struct sip_trunk_priv *sip_trunk_priv(const struct sip_trunk *t)
{
	return t->priv;
}

/*! The trunk's FSM, a talloc child of t (freed by the trunk). */
struct osmo_fsm_inst *sip_trunk_fsm_alloc(struct sip_trunk *t);

/*! Make the trunk-less counter group (`show rate-counters` lists it). */
void sip_trunks_ctrs_alloc(void);

/*! Count on the trunk-less counter group. */
void sip_trunks_ctr_inc(enum sip_trunk_global_ctr c);

/*! Start (or restart) and stop one trunk's keepalive (src/sip_trunk_keepalive.c). */
void sip_trunk_ka_start(struct sip_trunk *t);
void sip_trunk_ka_stop(struct sip_trunk *t);
/*! Whether the keepalives run (between sip_trunk_start() and _stop()). */
bool sip_trunk_ka_running(void);

/*! Drop the digest module of a trunk (src/sip_trunk_auth.c). */
void sip_trunk_auth_reset(struct sip_trunk *t);

/*! Check the digest of an incoming request; answers 401/403 itself.
 *  \returns 0 when verified, negative after answering. */
int sip_trunk_auth_check(struct sip_trunk *t, struct nua_s *nua, struct nua_handle_s *nh,
			 const struct sip_s *sip);

/*! Start every trunk's `local-bind` (src/sip_trunk_bind.c), before the
 *  keepalives start. */
void sip_trunk_binds_start(void);
/*! Shut every trunk's bind down, driving the loop for a bounded time. */
void sip_trunk_binds_stop(void);
/*! The trunk's bind configuration changed: move its listener (a no-op
 *  when it listens where it should, or before sip_trunk_binds_start()). */
void sip_trunk_bind_apply(struct sip_trunk *t);
/*! The trunk goes away: shut its nua down (destroyed once that is done). */
void sip_trunk_bind_release(struct sip_trunk *t);
