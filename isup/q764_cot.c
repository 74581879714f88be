/* Continuity check (Q.764 2.1.8, Q.724 7): COT, CCR and T8, T24-T27, T36.
 *
 * The check itself needs media equipment: a loop on the incoming side and
 * a check-tone transceiver on the outgoing side.  Both are call-control
 * callbacks (isup_call_ops.cot_loop / .cot_test); without them the loop
 * is taken as connected and our own check as successful, with a log line,
 * so that the signalling runs in full either way.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>

#include "isup/isup_params.h"
#include "isup/q764_internal.h"
#include "src/tandem_log.h"

/* Continuity check indicator of the NCI, Q.763 3.35 */
#define NCI_COT_NONE		0
#define NCI_COT_THIS_CIRCUIT	1
#define NCI_COT_PREVIOUS	2

#define CAUSE_NORMAL		16
#define CAUSE_TEMP_FAILURE	41

static void ctr_inc(struct isup_circuit *c, unsigned int idx)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(c->trunk->ctrs, idx));
}

bool isup_cot_out_wanted(struct isup_trunk *trunk)
{
	switch (trunk->cfg.cot_policy) {
	case ISUP_COT_ALWAYS:
		return true;
	case ISUP_COT_PERCENT:
		/* spread evenly rather than randomly: every call adds the
		 * share, a check is due each time it passes 100 */
		trunk->cot_acc += trunk->cfg.cot_percent;
		if (trunk->cot_acc < 100)
			return false;
		trunk->cot_acc -= 100;
		return true;
	default:
		return false;
	}
}

int isup_cot_set_nci(struct isup_msg *iam, bool check)
{
	struct isup_nci nci = { 0 };
	uint8_t buf[1];
	int rc;

	/* a missing or odd NCI is rebuilt: it is mandatory in an IAM */
	isup_msg_get_bf(iam, ISUP_PAR_NCI, &nci, sizeof(nci));
	/* the indicator describes this circuit, which is ours: "required"
	 * when we check, otherwise "not required" whatever the caller set,
	 * or the peer would wait for a COT that never comes */
	nci.continuity = check ? NCI_COT_THIS_CIRCUIT : NCI_COT_NONE;
	rc = isup_nci_encode(buf, sizeof(buf), &nci);
	if (rc < 0)
		return rc;
	rc = isup_msg_set_param(iam, ISUP_PAR_NCI, buf, rc);
	return rc < 0 ? rc : 0;
}

static int cot_send(struct isup_circuit *c, bool ok)
{
	return isup_send_octet(c->trunk, c->cic, ISUP_MSG_COT, ISUP_PAR_CONTINUITY_IND, ok ? 1 : 0);
}

/* ---- outgoing side: our check tone ---- */

static void cot_out_done(struct isup_circuit *c, bool ok)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;
	bool recheck = c->fi->state == ISUP_CIRC_ST_OUT_CCR;

	c->cot_testing = false;
	osmo_timer_del(&c->cot_timer);
	if (ok) {
		c->cot_failures = 0;
		/* Q.764 2.1.8: a successful recheck ends with REL from the
		 * side that checked (no COT); the circuit is then idle */
		if (recheck)
			isup_circuit_release_send(c, CAUSE_NORMAL);
		else
			cot_send(c, true);
		return;
	}
	ctr_inc(c, ISUP_CTR_COT_FAIL);
	cot_send(c, false);
	c->cot_failures++;
	if (c->cot_failures >= 2)
		LOGPFSML(c->fi, LOGL_ERROR, "continuity check failed %u times: maintenance alert\n",
			 c->cot_failures);
	if (!recheck) {
		/* the call goes elsewhere (repeat attempt, Q.764 2.1.8);
		 * the circuit stays seized for the recheck */
		LOGPFSML(c->fi, LOGL_NOTICE, "continuity check failed: call retried elsewhere\n");
		if (c->call && ops && ops->retry_ind)
			ops->retry_ind(c);
		else
			isup_circuit_call_gone(c, CAUSE_TEMP_FAILURE, true);
		c->call = NULL;
		c->called[0] = '\0';
	}
	isup_circuit_state_chg(c, ISUP_CIRC_ST_OUT_RETEST,
			       c->cot_failures == 1 ? ISUP_T25 : ISUP_T26);
}

static void cot_timer_cb(void *data)
{
	struct isup_circuit *c = data;

	ctr_inc(c, ISUP_CTR_TIMER_EXPIRY);
	LOGPFSML(c->fi, LOGL_NOTICE, "T24 expired: no check tone back\n");
	cot_out_done(c, false);
}

void isup_cot_out_start(struct isup_circuit *c)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;

	if (!ops || !ops->cot_test) {
		LOGPFSML(c->fi, LOGL_INFO, "no continuity test equipment: check assumed successful\n");
		c->cot_testing = true;
		cot_out_done(c, true);
		return;
	}
	c->cot_testing = true;
	osmo_timer_schedule(&c->cot_timer, 0,
			    osmo_tdef_get(c->trunk->tdefs, ISUP_T24, OSMO_TDEF_MS, -1) * 1000);
	ops->cot_test(c);
}

int isup_circuit_cot_result(struct isup_circuit *c, bool ok)
{
	if (!c->cot_testing)
		return -EINVAL;
	cot_out_done(c, ok);
	return 0;
}

void isup_cot_out_abort(struct isup_circuit *c)
{
	c->cot_testing = false;
	osmo_timer_del(&c->cot_timer);
}

/* ---- incoming side: the loop ---- */

void isup_cot_loop(struct isup_circuit *c, bool on)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;

	if (ops && ops->cot_loop)
		ops->cot_loop(c, on);
	else if (on)
		LOGPFSML(c->fi, LOGL_INFO, "no loop equipment: loop assumed connected\n");
}

bool isup_cot_in_iam(struct isup_circuit *c, const struct isup_msg *iam)
{
	struct isup_nci nci;
	int len;

	if (isup_msg_get_bf(iam, ISUP_PAR_NCI, &nci, sizeof(nci)) < 0 ||
	    (nci.continuity != NCI_COT_THIS_CIRCUIT && nci.continuity != NCI_COT_PREVIOUS))
		return false;
	/* call control hears of the call once the COT says the path is
	 * good (Q.764 2.1.8): hold the IAM until then */
	TALLOC_FREE(c->cot_iam);
	len = isup_encode_alloc(c, iam, &c->cot_iam);
	if (len < 0) {
		c->cot_iam = NULL;
		return false;
	}
	c->cot_iam_len = len;
	if (nci.continuity == NCI_COT_THIS_CIRCUIT)
		isup_cot_loop(c, true);
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IN_COT, ISUP_T8);
	return true;
}

static void rx_cot(struct isup_circuit *c, struct isup_msg *msg)
{
	struct isup_cot_ind ind = { 0 };
	struct isup_msg *iam = NULL;
	int rc;

	if (isup_msg_get_bf(msg, ISUP_PAR_CONTINUITY_IND, &ind, sizeof(ind)) < 0) {
		isup_circuit_unexpected(c, msg);
		return;
	}
	if (!ind.success) {
		/* the peer retests with CCR; the call is gone without REL */
		ctr_inc(c, ISUP_CTR_COT_FAIL);
		LOGPFSML(c->fi, LOGL_NOTICE, "COT: continuity check failed, awaiting CCR\n");
		isup_circuit_state_chg(c, ISUP_CIRC_ST_IN_RECHECK, ISUP_T27);
		return;
	}
	if (c->fi->state != ISUP_CIRC_ST_IN_COT) {
		/* after CCR the checking side ends with REL, not COT */
		isup_circuit_unexpected(c, msg);
		return;
	}
	/* the IAM came off the wire with its CIC and was kept so */
	rc = isup_decode_cic(c, c->trunk->cfg.variant, c->cot_iam, c->cot_iam_len, &iam, NULL);
	TALLOC_FREE(c->cot_iam);
	if (rc < 0) {
		isup_circuit_release_send(c, CAUSE_TEMP_FAILURE);
		return;
	}
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IN_IAM, 0);
	isup_circuit_deliver_setup(c, iam);
	talloc_free(iam);
}

bool isup_cot_rx(struct isup_circuit *c, struct isup_msg *msg)
{
	switch (c->fi->state) {
	case ISUP_CIRC_ST_IN_COT:
	case ISUP_CIRC_ST_IN_CCR:
		if (msg->type == ISUP_MSG_COT) {
			rx_cot(c, msg);
			return true;
		}
		break;
	case ISUP_CIRC_ST_IDLE:
	case ISUP_CIRC_ST_IN_RECHECK:
		if (msg->type == ISUP_MSG_CCR) {
			/* a recheck (or a test call): loop until REL or COT */
			if (c->blk & ISUP_BLK_LOCAL)
				break;
			isup_cot_loop(c, true);
			isup_circuit_state_chg(c, ISUP_CIRC_ST_IN_CCR, ISUP_T36);
			return true;
		}
		break;
	}
	return false;
}

void isup_cot_timeout(struct isup_circuit *c)
{
	struct osmo_fsm_inst *fi = c->fi;

	switch (fi->state) {
	case ISUP_CIRC_ST_IN_COT:
		/* T8: release the connection (Annex A); temporary failure */
		ctr_inc(c, ISUP_CTR_COT_FAIL);
		isup_circuit_release_send(c, CAUSE_TEMP_FAILURE);
		break;
	case ISUP_CIRC_ST_IN_RECHECK:
	case ISUP_CIRC_ST_IN_CCR:
		/* T27: no CCR came; T36: no REL after the CCR */
		LOGPFSML(fi, LOGL_ERROR, "T%d expired: resetting the circuit\n", fi->T);
		isup_circuit_reset_start(c, false);
		break;
	case ISUP_CIRC_ST_OUT_RETEST:
		/* T25/T26: recheck with CCR and the check tone */
		isup_send_simple(c->trunk, c->cic, ISUP_MSG_CCR);
		isup_circuit_state_chg(c, ISUP_CIRC_ST_OUT_CCR, 0);
		isup_cot_out_start(c);
		break;
	}
}

void isup_cot_leave(struct isup_circuit *c, uint32_t old_state, uint32_t new_state)
{
	if ((old_state == ISUP_CIRC_ST_IN_COT || old_state == ISUP_CIRC_ST_IN_CCR) &&
	    new_state != ISUP_CIRC_ST_IN_COT && new_state != ISUP_CIRC_ST_IN_CCR)
		isup_cot_loop(c, false);
	if (old_state == ISUP_CIRC_ST_IN_COT && new_state != ISUP_CIRC_ST_IN_COT)
		TALLOC_FREE(c->cot_iam);
	if ((old_state == ISUP_CIRC_ST_OUT_IAM || old_state == ISUP_CIRC_ST_OUT_CCR) &&
	    new_state != old_state && c->cot_testing)
		isup_cot_out_abort(c);
	if (new_state == ISUP_CIRC_ST_IDLE || new_state == ISUP_CIRC_ST_UNAVAILABLE ||
	    new_state == ISUP_CIRC_ST_RESETTING)
		c->cot_failures = 0;
}

void isup_cot_init_timer(struct isup_circuit *c)
{
	osmo_timer_setup(&c->cot_timer, cot_timer_cb, c);
}
