/* SIP trunks: the trunk's UP/DOWN state machine.  The keepalive feeds it
 * whether any peer is still alive; the FSM logs and counts the changes
 * and mirrors its state into struct sip_trunk's state for call control.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"
#include "src/tandem_log.h"

/* libosmocore 1.7 has no S() */
#define S(x) (1 << (x))

const struct value_string sip_trunk_event_names[] = {
	{ SIP_TRUNK_EV_PEER_ALIVE, "PEER_ALIVE" },
	{ SIP_TRUNK_EV_ALL_DEAD, "ALL_DEAD" },
	{ SIP_TRUNK_EV_RESET, "RESET" },
	{ 0, NULL }
};

static void st_up(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == SIP_TRUNK_EV_ALL_DEAD)
		osmo_fsm_inst_state_chg(fi, SIP_TRUNK_ST_DOWN, 0, 0);
}

static void st_down(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	if (event == SIP_TRUNK_EV_PEER_ALIVE || event == SIP_TRUNK_EV_RESET)
		osmo_fsm_inst_state_chg(fi, SIP_TRUNK_ST_UP, 0, 0);
}

static void st_up_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct sip_trunk *t = fi->priv;

	t->state = SIP_TRUNK_ST_UP;
	if (prev_state == SIP_TRUNK_ST_DOWN)
		LOGPFSML(fi, LOGL_NOTICE, "SIP trunk %s is UP again\n", t->name);
}

static void st_down_onenter(struct osmo_fsm_inst *fi, uint32_t prev_state)
{
	struct sip_trunk *t = fi->priv;

	t->state = SIP_TRUNK_ST_DOWN;
	sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_DOWN);
	LOGPFSML(fi, LOGL_ERROR, "SIP trunk %s is DOWN: no peer answers OPTIONS\n", t->name);
}

static const struct osmo_fsm_state sip_trunk_fsm_states[] = {
	[SIP_TRUNK_ST_UP] = {
		.name = "UP",
		.in_event_mask = S(SIP_TRUNK_EV_PEER_ALIVE) | S(SIP_TRUNK_EV_ALL_DEAD) | S(SIP_TRUNK_EV_RESET),
		.out_state_mask = S(SIP_TRUNK_ST_DOWN),
		.action = st_up,
		.onenter = st_up_onenter,
	},
	[SIP_TRUNK_ST_DOWN] = {
		.name = "DOWN",
		.in_event_mask = S(SIP_TRUNK_EV_PEER_ALIVE) | S(SIP_TRUNK_EV_ALL_DEAD) | S(SIP_TRUNK_EV_RESET),
		.out_state_mask = S(SIP_TRUNK_ST_UP),
		.action = st_down,
		.onenter = st_down_onenter,
	},
};

static struct osmo_fsm sip_trunk_fsm = {
	.name = "sip_trunk",
	.states = sip_trunk_fsm_states,
	.num_states = ARRAY_SIZE(sip_trunk_fsm_states),
	.event_names = sip_trunk_event_names,
	.log_subsys = DSIP,
};

struct osmo_fsm_inst *sip_trunk_fsm_alloc(struct sip_trunk *t)
{
	static bool registered;
	struct osmo_fsm_inst *fi;

	if (!registered) {
		if (osmo_fsm_register(&sip_trunk_fsm) < 0)
			return NULL;
		registered = true;
	}
	fi = osmo_fsm_inst_alloc(&sip_trunk_fsm, t, t, LOGL_INFO, NULL);
	if (fi)
		osmo_fsm_inst_update_id_f_sanitize(fi, '-', "%s", t->name);
	return fi;
}
