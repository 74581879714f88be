/* Suspend and resume (Q.764 2.5): SUS/RES on an answered call, T2 for a
 * user-initiated suspend, T6 for a network-initiated one.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>

#include "isup/isup_params.h"
#include "isup/q764_internal.h"
#include "src/tandem_log.h"

#define CAUSE_TIMER_EXPIRY	102

static int susres_send(struct isup_circuit *c, uint8_t type, bool network)
{
	if (c->fi->state != ISUP_CIRC_ST_ANSWERED)
		return -EINVAL;
	return isup_send_octet(c->trunk, c->cic, type, ISUP_PAR_SUSP_RES_IND, network ? 1 : 0);
}

int isup_circuit_suspend(struct isup_circuit *c, bool network)
{
	return susres_send(c, ISUP_MSG_SUS, network);
}

int isup_circuit_resume(struct isup_circuit *c, bool network)
{
	return susres_send(c, ISUP_MSG_RES, network);
}

bool isup_susres_rx(struct isup_circuit *c, struct isup_msg *msg)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;
	struct isup_susres ind = { 0 };

	if (c->fi->state != ISUP_CIRC_ST_ANSWERED ||
	    (msg->type != ISUP_MSG_SUS && msg->type != ISUP_MSG_RES))
		return false;
	if (isup_msg_get_bf(msg, ISUP_PAR_SUSP_RES_IND, &ind, sizeof(ind)) < 0) {
		isup_circuit_unexpected(c, msg);
		return true;
	}
	if (msg->type == ISUP_MSG_SUS) {
		rate_ctr_inc(rate_ctr_group_get_ctr(c->trunk->ctrs, ISUP_CTR_SUSPEND));
		/* a repeated SUS restarts the timer of its kind */
		isup_circuit_state_chg(c, ISUP_CIRC_ST_ANSWERED, ind.network_initiated ? ISUP_T6 : ISUP_T2);
		c->suspended = true;
		if (c->call && ops && ops->suspend_ind)
			ops->suspend_ind(c, ind.network_initiated);
		return true;
	}
	if (!c->suspended) {
		isup_circuit_unexpected(c, msg);
		return true;
	}
	isup_circuit_state_chg(c, ISUP_CIRC_ST_ANSWERED, 0);
	c->suspended = false;
	if (c->call && ops && ops->resume_ind)
		ops->resume_ind(c, ind.network_initiated);
	return true;
}

void isup_susres_timeout(struct isup_circuit *c)
{
	/* T2 / T6: no RES, release (Annex A) with "recovery on timer
	 * expiry" */
	LOGPFSML(c->fi, LOGL_NOTICE, "T%d expired: suspended call released\n", c->fi->T);
	isup_circuit_call_gone(c, CAUSE_TIMER_EXPIRY, true);
	isup_circuit_release_send(c, CAUSE_TIMER_EXPIRY);
}
