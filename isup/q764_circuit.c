/* One osmo_fsm per circuit: reset, call processing and the single-circuit
 * blocking procedures of Q.764 (2.1-2.3, 2.8, 2.9.3, 2.10.1.4).
 *
 * Blocking is orthogonal to call processing (a busy circuit can be
 * blocked for maintenance and the call goes on), so the blocking state is
 * a set of bits on the circuit with its own BLO/UBL timer, while the FSM
 * holds the call/reset state and its timer (T1, T7, T9, T16).
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

/* Q.850 causes used by the procedures */
#define CAUSE_TEMP_FAILURE	41
#define CAUSE_RESOURCE_UNAVAIL	47
#define CAUSE_NO_ANSWER		19
#define CAUSE_TIMER_EXPIRY	102

enum isup_circ_event {
	ISUP_CEV_RX,		/*!< data: struct isup_msg * for this circuit */
};

static const struct value_string isup_circ_event_names[] = {
	{ ISUP_CEV_RX, "RX" },
	{ 0, NULL }
};

const struct value_string isup_circ_state_names[] = {
	{ ISUP_CIRC_ST_UNAVAILABLE, "unavailable" },
	{ ISUP_CIRC_ST_RESETTING, "resetting" },
	{ ISUP_CIRC_ST_IDLE, "idle" },
	{ ISUP_CIRC_ST_OUT_IAM, "out-iam" },
	{ ISUP_CIRC_ST_OUT_ALERTING, "out-alerting" },
	{ ISUP_CIRC_ST_IN_IAM, "in-iam" },
	{ ISUP_CIRC_ST_IN_ALERTING, "in-alerting" },
	{ ISUP_CIRC_ST_ANSWERED, "answered" },
	{ ISUP_CIRC_ST_RELEASING, "releasing" },
	{ ISUP_CIRC_ST_IN_COT, "in-cot" },
	{ ISUP_CIRC_ST_IN_RECHECK, "in-recheck" },
	{ ISUP_CIRC_ST_IN_CCR, "in-ccr" },
	{ ISUP_CIRC_ST_OUT_RETEST, "out-retest" },
	{ ISUP_CIRC_ST_OUT_CCR, "out-ccr" },
	{ 0, NULL }
};

static void ctr_inc(struct isup_circuit *c, unsigned int idx)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(c->trunk->ctrs, idx));
}

static bool in_call(const struct isup_circuit *c)
{
	return c->fi->state >= ISUP_CIRC_ST_OUT_IAM && c->fi->state <= ISUP_CIRC_ST_ANSWERED;
}

void isup_circuit_state_chg(struct isup_circuit *c, enum isup_circ_state st, int T)
{
	unsigned long secs = T ? isup_trunk_timer(c->trunk, T) : 0;

	osmo_fsm_inst_state_chg(c->fi, st, secs, T);
}

/* Enter st with the next expiry of a short/long timer pair. */
static void state_chg_repeat(struct isup_circuit *c, enum isup_circ_state st,
			     const struct isup_repeat *r, int Tshort, int Tlong)
{
	int T;
	unsigned long secs = isup_repeat_next(c->trunk, r, Tshort, Tlong, &T);

	osmo_fsm_inst_state_chg(c->fi, st, secs, T);
}

/* Tell call control the call is gone; the circuit itself moves on. */
void isup_circuit_call_gone(struct isup_circuit *c, uint8_t cause, bool failure)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;

	if (failure)
		ctr_inc(c, ISUP_CTR_CALL_FAIL);
	if (ops && ops->release_ind && (c->call || c->called[0]))
		ops->release_ind(c, cause);
	c->call = NULL;
	c->called[0] = '\0';
}

int isup_send_simple(struct isup_trunk *trunk, uint16_t cic, uint8_t type)
{
	struct isup_msg *msg = isup_msg_alloc(trunk, trunk->cfg.variant, type);
	int rc;

	if (!msg)
		return -ENOMEM;
	msg->has_cic = true;
	msg->cic = cic;
	rc = isup_trunk_send(trunk, msg);
	talloc_free(msg);
	return rc;
}

int isup_send_octet(struct isup_trunk *trunk, uint16_t cic, uint8_t type, uint8_t code,
		    uint8_t value)
{
	struct isup_msg *msg = isup_msg_alloc(trunk, trunk->cfg.variant, type);
	int rc;

	if (!msg)
		return -ENOMEM;
	msg->has_cic = true;
	msg->cic = cic;
	rc = isup_msg_set_param(msg, code, &value, 1);
	if (rc >= 0)
		rc = isup_trunk_send(trunk, msg);
	else
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_TX_FAIL));
	talloc_free(msg);
	return rc < 0 ? rc : 0;
}

int isup_send_cause(struct isup_trunk *trunk, uint16_t cic, uint8_t type, uint8_t cause,
		    const uint8_t *diag, uint8_t diag_len)
{
	struct isup_msg *msg = isup_msg_alloc(trunk, trunk->cfg.variant, type);
	struct isup_cause ci = {
		.coding_standard = 0,
		/* public network serving the local user: we are the
		 * exchange the ISUP side sees */
		.location = 2,
		.value = cause,
	};
	int rc;

	if (!msg)
		return -ENOMEM;
	if (diag_len > ISUP_CAUSE_MAX_DIAG)
		diag_len = ISUP_CAUSE_MAX_DIAG;
	if (diag_len) {
		memcpy(ci.diag, diag, diag_len);
		ci.diag_len = diag_len;
	}
	msg->has_cic = true;
	msg->cic = cic;
	rc = isup_msg_set_cause(msg, &ci);
	if (rc == 0)
		rc = isup_trunk_send(trunk, msg);
	else
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_TX_FAIL));
	if (rc == 0 && type == ISUP_MSG_CFN)
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_TX_CFN));
	talloc_free(msg);
	return rc;
}

/* ---- blocking (BLO/UBL) with T12/T13, T14/T15 ---- */

static void blk_timers(const struct isup_circuit *c, int *Tshort, int *Tlong)
{
	*Tshort = c->pending == ISUP_PEND_BLO ? ISUP_T12 : ISUP_T14;
	*Tlong = c->pending == ISUP_PEND_BLO ? ISUP_T13 : ISUP_T15;
}

static void blk_send(struct isup_circuit *c)
{
	int Tshort, Tlong, T;

	blk_timers(c, &Tshort, &Tlong);
	isup_send_simple(c->trunk, c->cic, c->pending == ISUP_PEND_BLO ? ISUP_MSG_BLO : ISUP_MSG_UBL);
	osmo_timer_schedule(&c->blk_timer, isup_repeat_next(c->trunk, &c->blk_rep, Tshort, Tlong, &T),
			    0);
}

static void blk_timer_cb(void *data)
{
	struct isup_circuit *c = data;
	int Tshort, Tlong;

	if (c->pending == ISUP_PEND_NONE)
		return;
	blk_timers(c, &Tshort, &Tlong);
	ctr_inc(c, ISUP_CTR_TIMER_EXPIRY);
	if (isup_repeat_expired(c->trunk, &c->blk_rep, Tlong))
		/* Q.764 2.8.2.3: after the long timer, alert maintenance and
		 * keep repeating at the long interval */
		LOGPFSML(c->fi, LOGL_ERROR, "T%d expired, no answer to %s: maintenance alert\n", Tlong,
			 get_value_string(isup_circ_pending_names, c->pending));
	else
		LOGPFSML(c->fi, LOGL_NOTICE, "T%d expired: resending %s\n", Tshort,
			 get_value_string(isup_circ_pending_names, c->pending));
	blk_send(c);
}

static void blk_start(struct isup_circuit *c, enum isup_circ_pending p)
{
	c->pending = p;
	isup_repeat_start(&c->blk_rep, false);
	if (c->trunk->available && c->fi->state != ISUP_CIRC_ST_UNAVAILABLE)
		blk_send(c);
}

static void blk_stop(struct isup_circuit *c)
{
	c->pending = ISUP_PEND_NONE;
	osmo_timer_del(&c->blk_timer);
}

int isup_circuit_block(struct isup_circuit *c)
{
	if ((c->blk & ISUP_BLK_LOCAL_MAINT) && c->pending != ISUP_PEND_UBL)
		return -EALREADY;
	/* blocked for new outgoing calls from now on; BLA confirms it */
	c->blk |= ISUP_BLK_LOCAL_MAINT;
	blk_start(c, ISUP_PEND_BLO);
	return 0;
}

int isup_circuit_unblock(struct isup_circuit *c)
{
	if (!(c->blk & ISUP_BLK_LOCAL_MAINT))
		return -EALREADY;
	blk_start(c, ISUP_PEND_UBL);
	return 0;
}

void isup_circuit_set_remote_blk(struct isup_circuit *c, uint8_t bits, bool on)
{
	if (on)
		c->blk |= bits;
	else
		c->blk &= ~bits;
}

void isup_circuit_local_blk_confirmed(struct isup_circuit *c, uint8_t bits, bool on)
{
	if (on)
		c->blk |= bits;
	else
		c->blk &= ~bits;
}

/* ---- reset ---- */

static void reset_send(struct isup_circuit *c)
{
	isup_send_simple(c->trunk, c->cic, ISUP_MSG_RSC);
	state_chg_repeat(c, ISUP_CIRC_ST_RESETTING, &c->rsc_rep, ISUP_T16, ISUP_T17);
}

/* Reset with RSC; long_phase: straight at the T17 interval (after T5). */
void isup_circuit_reset_start(struct isup_circuit *c, bool long_phase)
{
	if (in_call(c) || c->fi->state == ISUP_CIRC_ST_RELEASING)
		isup_circuit_call_gone(c, CAUSE_TEMP_FAILURE, true);
	c->group_reset = false;
	isup_repeat_start(&c->rsc_rep, long_phase);
	reset_send(c);
}

int isup_circuit_reset(struct isup_circuit *c)
{
	if (c->fi->state == ISUP_CIRC_ST_UNAVAILABLE)
		return -ENOTCONN;
	isup_circuit_reset_start(c, false);
	return 0;
}



void isup_circuit_reset_by_group(struct isup_circuit *c)
{
	if (in_call(c) || c->fi->state == ISUP_CIRC_ST_RELEASING)
		isup_circuit_call_gone(c, CAUSE_TEMP_FAILURE, true);
	c->group_reset = true;
	c->remote_unequipped = false;
	c->blk &= ~ISUP_BLK_REMOTE_MAINT;
	/* the group procedure owns the timer (T22/T23) */
	isup_circuit_state_chg(c, ISUP_CIRC_ST_RESETTING, 0);
}

void isup_circuit_reset_done(struct isup_circuit *c)
{
	c->group_reset = false;
	c->remote_unequipped = false;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IDLE, 0);
	/* Q.764 2.9.3: a reset does not end local blocking; the peer has
	 * forgotten it, so tell it again */
	if ((c->blk & ISUP_BLK_LOCAL_MAINT) && c->pending != ISUP_PEND_UBL)
		blk_start(c, ISUP_PEND_BLO);
	else if (c->pending == ISUP_PEND_UBL)
		blk_start(c, ISUP_PEND_UBL);
}

/* RSC or GRS from the peer: the call is gone and the peer's maintenance
 * blocking with it.  After RSC our own maintenance blocking is sent again
 * with BLO (Q.764 2.9.3.1); after GRS the GRA status carries it. */
void isup_circuit_remote_reset(struct isup_circuit *c, bool resend_blo)
{
	if (in_call(c) || c->fi->state == ISUP_CIRC_ST_RELEASING)
		isup_circuit_call_gone(c, CAUSE_TEMP_FAILURE, true);
	c->blk &= ~ISUP_BLK_REMOTE_MAINT;
	c->remote_unequipped = false;
	if (c->fi->state == ISUP_CIRC_ST_RESETTING)
		/* our own RSC/GRS is still waiting for its answer */
		return;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IDLE, 0);
	if (resend_blo && (c->blk & ISUP_BLK_LOCAL_MAINT) && c->pending == ISUP_PEND_NONE)
		blk_start(c, ISUP_PEND_BLO);
}

void isup_circuit_drop_call(struct isup_circuit *c)
{
	if (!in_call(c) && c->fi->state != ISUP_CIRC_ST_RELEASING)
		return;
	isup_circuit_call_gone(c, CAUSE_TEMP_FAILURE, true);
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IDLE, 0);
}

void isup_circuit_mtp_pause(struct isup_circuit *c)
{
	if (in_call(c) || c->fi->state == ISUP_CIRC_ST_RELEASING)
		isup_circuit_call_gone(c, CAUSE_TEMP_FAILURE, true);
	osmo_timer_del(&c->blk_timer);
	/* an unblock the operator asked for wins; the GRS after resume
	 * tells the peer, and BLO is repeated for what stays blocked */
	if (c->pending == ISUP_PEND_UBL)
		c->blk &= ~ISUP_BLK_LOCAL_MAINT;
	c->pending = ISUP_PEND_NONE;
	c->blk &= ~ISUP_BLK_REMOTE;
	c->group_reset = false;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_UNAVAILABLE, 0);
}

/* A CGB/CGU of ours covering c awaits its acknowledgement. */
static bool group_op_pending(const struct isup_circuit *c)
{
	const struct isup_group_op *op;

	llist_for_each_entry(op, &c->trunk->group_ops, list)
		if (op->type != ISUP_MSG_GRS && c->cic >= op->cic && c->cic <= op->cic + op->rs.range &&
		    isup_range_status_get(&op->rs, c->cic - op->cic))
			return true;
	return false;
}

uint8_t isup_circuit_state_octet(const struct isup_circuit *c)
{
	uint8_t maint = 0, call, hw = 0;

	/* Q.764 2.15 (2.9.3.2 in 1992): "transient" is an IAM sent and no
	 * backward message yet, a REL awaiting RLC, and a (group)
	 * (un)blocking awaiting its acknowledgement */
	if (c->pending != ISUP_PEND_NONE || group_op_pending(c))
		return 0;
	switch (c->fi->state) {
	case ISUP_CIRC_ST_IDLE:
		call = 3;
		break;
	case ISUP_CIRC_ST_OUT_ALERTING:
		call = 2;
		break;
	case ISUP_CIRC_ST_IN_IAM:
	case ISUP_CIRC_ST_IN_ALERTING:
	case ISUP_CIRC_ST_IN_COT:
	case ISUP_CIRC_ST_IN_RECHECK:
	case ISUP_CIRC_ST_IN_CCR:
		call = 1;
		break;
	case ISUP_CIRC_ST_OUT_RETEST:
	case ISUP_CIRC_ST_OUT_CCR:
		call = 2;
		break;
	case ISUP_CIRC_ST_ANSWERED:
		call = c->call_outgoing ? 2 : 1;
		break;
	default:
		/* out-iam, resetting, releasing, unavailable: transient */
		return 0;
	}
	if (c->blk & ISUP_BLK_LOCAL_MAINT)
		maint |= 1;
	if (c->blk & ISUP_BLK_REMOTE_MAINT)
		maint |= 2;
	if (c->blk & ISUP_BLK_LOCAL_HW)
		hw |= 1;
	if (c->blk & ISUP_BLK_REMOTE_HW)
		hw |= 2;
	return maint | call << 2 | hw << 4;
}

/* ---- calls ---- */

void isup_circuit_release_send(struct isup_circuit *c, uint8_t cause)
{
	c->rel_cause = cause;
	isup_repeat_start(&c->rel_rep, false);
	isup_send_cause(c->trunk, c->cic, ISUP_MSG_REL, cause, NULL, 0);
	state_chg_repeat(c, ISUP_CIRC_ST_RELEASING, &c->rel_rep, ISUP_T1, ISUP_T5);
}

int isup_circuit_setup(struct isup_circuit *c, struct isup_msg *iam)
{
	bool check;
	int rc;

	if (c->fi->state != ISUP_CIRC_ST_IDLE || c->blk || c->remote_unequipped)
		return -EBUSY;
	iam->has_cic = true;
	iam->cic = c->cic;
	check = isup_cot_out_wanted(c->trunk);
	rc = isup_cot_set_nci(iam, check);
	if (rc == 0)
		rc = isup_trunk_send(c->trunk, iam);
	if (rc < 0)
		return rc;
	c->seizures++;
	c->call_outgoing = true;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_OUT_IAM, ISUP_T7);
	if (check)
		isup_cot_out_start(c);
	return 0;
}

int isup_circuit_sam(struct isup_circuit *c, const char *digits)
{
	struct isup_number num = {};
	struct isup_msg *sam;
	size_t n = digits ? strlen(digits) : 0;
	int rc;

	if (c->fi->state != ISUP_CIRC_ST_OUT_IAM)
		return -EBUSY;
	if (!n || n > ISUP_NUMBER_MAX_DIGITS ||
	    strspn(digits, "0123456789") < n - 1 ||
	    !((digits[n - 1] >= '0' && digits[n - 1] <= '9') || digits[n - 1] == 'F'))
		return -EINVAL;
	sam = isup_msg_alloc(c->trunk, c->trunk->cfg.variant, ISUP_MSG_SAM);
	if (!sam)
		return -ENOMEM;
	sam->has_cic = true;
	sam->cic = c->cic;
	osmo_strlcpy(num.digits, digits, sizeof(num.digits));
	rc = isup_msg_set_number(sam, ISUP_PAR_SUBSEQUENT, &num);
	if (rc >= 0)
		rc = isup_trunk_send(c->trunk, sam);
	talloc_free(sam);
	if (rc < 0)
		return rc;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_OUT_IAM, ISUP_T7);
	return 0;
}

static struct isup_msg *test_iam(struct isup_trunk *trunk, const char *called)
{
	static const uint8_t nci = 0x00, fci[2] = { 0x60, 0x01 }, cpc = 0x0a, tmr = 0x00;
	struct isup_msg *iam = isup_msg_alloc(trunk, trunk->cfg.variant, ISUP_MSG_IAM);
	struct isup_number num = { .nai = 3, .npi = 1 };

	if (!iam)
		return NULL;
	osmo_strlcpy(num.digits, called, sizeof(num.digits));
	if (isup_msg_set_param(iam, ISUP_PAR_NCI, &nci, 1) < 0 ||
	    isup_msg_set_param(iam, ISUP_PAR_FCI, fci, 2) < 0 ||
	    isup_msg_set_param(iam, ISUP_PAR_CPC, &cpc, 1) < 0 ||
	    (trunk->cfg.variant != ISUP_VARIANT_ANSI &&
	     isup_msg_set_param(iam, ISUP_PAR_TMR, &tmr, 1) < 0) ||
	    isup_msg_set_number(iam, ISUP_PAR_CALLED, &num) < 0) {
		talloc_free(iam);
		return NULL;
	}
	if (trunk->cfg.variant == ISUP_VARIANT_ANSI) {
		/* speech, circuit mode, 64 kbit/s, G.711 u-law */
		static const uint8_t usi[3] = { 0x80, 0x90, 0xa2 };

		if (isup_msg_set_param(iam, ISUP_PAR_USI, usi, sizeof(usi)) < 0) {
			talloc_free(iam);
			return NULL;
		}
	}
	return iam;
}

int isup_circuit_test_call(struct isup_circuit *c, const char *called)
{
	struct isup_msg *iam;
	int rc;

	if (!called || !*called || strlen(called) >= sizeof(c->called) ||
	    strspn(called, "0123456789") != strlen(called))
		return -EINVAL;
	iam = test_iam(c->trunk, called);
	if (!iam)
		return -ENOMEM;
	rc = isup_circuit_setup(c, iam);
	talloc_free(iam);
	if (rc == 0)
		osmo_strlcpy(c->called, called, sizeof(c->called));
	return rc;
}

int isup_circuit_release(struct isup_circuit *c, uint8_t cause)
{
	if (!in_call(c))
		return -ENOTCONN;
	c->call = NULL;
	c->called[0] = '\0';
	isup_circuit_release_send(c, cause);
	return 0;
}

/* A backward message of type for the circuit's call: the parameters of
 * params (call control's, any type) in the part the type's format gives
 * them, and the fixed backward call indicators when they are mandatory
 * and params has none. */
static struct isup_msg *backward_msg(struct isup_circuit *c, uint8_t type, const struct isup_msg *params)
{
	/* charge, subscriber free, ordinary subscriber; ISUP all the way,
	 * ISDN access */
	static const uint8_t bci[2] = { 0x16, 0x14 };
	struct isup_msg *msg = isup_msg_alloc(c->trunk, c->trunk->cfg.variant, type);
	unsigned int i;
	int rc = 0;

	if (!msg)
		return NULL;
	msg->has_cic = true;
	msg->cic = c->cic;
	for (i = 0; params && i < params->num_params && rc >= 0; i++) {
		const struct isup_param *par = &params->params[i];

		rc = isup_msg_add_param(msg, isup_msg_part_for(msg, par->code), par->code, par->data, par->len);
	}
	if (rc >= 0 && type != ISUP_MSG_ANM && !isup_msg_find_param(msg, ISUP_PAR_BCI))
		rc = isup_msg_set_param(msg, ISUP_PAR_BCI, bci, 2);
	if (rc < 0)
		TALLOC_FREE(msg);
	return msg;
}

int isup_circuit_alert_msg(struct isup_circuit *c, const struct isup_msg *params)
{
	struct isup_msg *acm;
	int rc;

	if (c->fi->state != ISUP_CIRC_ST_IN_IAM)
		return -EINVAL;
	acm = backward_msg(c, ISUP_MSG_ACM, params);
	if (!acm)
		return -ENOMEM;
	rc = isup_trunk_send(c->trunk, acm);
	talloc_free(acm);
	if (rc < 0)
		return rc;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IN_ALERTING, 0);
	return 0;
}

int isup_circuit_alert(struct isup_circuit *c)
{
	return isup_circuit_alert_msg(c, NULL);
}

int isup_circuit_answer_msg(struct isup_circuit *c, const struct isup_msg *params)
{
	struct isup_msg *msg;
	int rc;

	if (c->fi->state != ISUP_CIRC_ST_IN_IAM && c->fi->state != ISUP_CIRC_ST_IN_ALERTING)
		return -EINVAL;
	/* CON when no ACM went out (Q.764 2.1.7) */
	msg = backward_msg(c, c->fi->state == ISUP_CIRC_ST_IN_IAM ? ISUP_MSG_CON : ISUP_MSG_ANM, params);
	if (!msg)
		return -ENOMEM;
	rc = isup_trunk_send(c->trunk, msg);
	talloc_free(msg);
	if (rc < 0)
		return rc;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_ANSWERED, 0);
	return 0;
}

int isup_circuit_answer(struct isup_circuit *c)
{
	return isup_circuit_answer_msg(c, NULL);
}

/* An IAM seized the circuit (Q.764 2.1.2). */
static void rx_iam(struct isup_circuit *c, struct isup_msg *msg)
{
	if (c->blk & ISUP_BLK_LOCAL) {
		/* Q.764 2.8.2.3: a locally blocked circuit refuses the call
		 * and reminds the peer with BLO */
		if ((c->blk & ISUP_BLK_LOCAL_MAINT) && c->pending != ISUP_PEND_BLO)
			isup_send_simple(c->trunk, c->cic, ISUP_MSG_BLO);
		ctr_inc(c, ISUP_CTR_RX_UNEXPECTED);
		return;
	}
	/* Q.764 2.8.2.3: a (non-test) IAM unblocks a remotely blocked circuit */
	c->blk &= ~ISUP_BLK_REMOTE_MAINT;
	c->remote_unequipped = false;
	c->seizures++;
	c->call_outgoing = false;
	if (isup_cot_in_iam(c, msg))
		return;
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IN_IAM, 0);
	isup_circuit_deliver_setup(c, msg);
}

void isup_circuit_deliver_setup(struct isup_circuit *c, const struct isup_msg *iam)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;

	if (ops && ops->setup_ind) {
		ops->setup_ind(c, iam);
		return;
	}
	LOGPFSML(c->fi, LOGL_NOTICE, "no call control: releasing the incoming call\n");
	isup_circuit_release_send(c, CAUSE_RESOURCE_UNAVAIL);
}

/* IAM received while our own IAM is out: Q.764 2.10.1.4. */
static void dual_seizure(struct isup_circuit *c, struct isup_msg *msg)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;
	struct isup_circuit *other;
	char called[sizeof(c->called)];

	ctr_inc(c, ISUP_CTR_DUAL_SEIZURE);
	if (isup_trunk_controls(c->trunk, c->cic)) {
		LOGPFSML(c->fi, LOGL_NOTICE, "dual seizure: we control this CIC, ignoring the IAM\n");
		return;
	}
	LOGPFSML(c->fi, LOGL_NOTICE, "dual seizure: backing off, retrying on another circuit\n");
	osmo_strlcpy(called, c->called, sizeof(called));
	if (c->call && ops && ops->retry_ind)
		ops->retry_ind(c);
	c->call = NULL;
	c->called[0] = '\0';
	isup_circuit_state_chg(c, ISUP_CIRC_ST_IDLE, 0);
	rx_iam(c, msg);
	/* an operator test call retries by itself */
	if (called[0]) {
		other = isup_trunk_select(c->trunk);
		if (!other || isup_circuit_test_call(other, called) < 0)
			LOGPFSML(c->fi, LOGL_ERROR, "test call: no circuit for the retry\n");
	}
}

static void progress(struct isup_circuit *c, struct isup_msg *msg)
{
	const struct isup_call_ops *ops = c->trunk->call_ops;

	if (c->call && ops && ops->progress_ind)
		ops->progress_ind(c, msg);
}

void isup_circuit_unexpected(struct isup_circuit *c, const struct isup_msg *msg)
{
	LOGPFSML(c->fi, LOGL_NOTICE, "unexpected %s, discarded\n", isup_msg_type_name(msg->type));
	ctr_inc(c, ISUP_CTR_RX_UNEXPECTED);
}

static void rx_rel(struct isup_circuit *c, struct isup_msg *msg)
{
	struct isup_cause cause = { .value = 16 };

	isup_msg_get_cause(msg, &cause);
	if (in_call(c)) {
		/* call control may want the location and diagnostic too */
		c->rx_cause = cause;
		c->rx_cause_valid = true;
		isup_circuit_call_gone(c, cause.value, false);
		c->rx_cause_valid = false;
	}
	/* Q.764 2.3.1, 2.9.5: RLC answers REL in every state, also on an
	 * idle circuit and in a release collision */
	isup_send_simple(c->trunk, c->cic, ISUP_MSG_RLC);
	if (c->fi->state != ISUP_CIRC_ST_RESETTING)
		isup_circuit_state_chg(c, ISUP_CIRC_ST_IDLE, 0);
}

static void rx_maintenance(struct isup_circuit *c, struct isup_msg *msg)
{
	switch (msg->type) {
	case ISUP_MSG_RSC:
		isup_circuit_remote_reset(c, true);
		isup_send_simple(c->trunk, c->cic, ISUP_MSG_RLC);
		if (c->fi->state == ISUP_CIRC_ST_RESETTING && !c->group_reset)
			/* both ends reset: the peer's RSC is as good as RLC */
			isup_circuit_reset_done(c);
		break;
	case ISUP_MSG_BLO:
		c->blk |= ISUP_BLK_REMOTE_MAINT;
		isup_send_simple(c->trunk, c->cic, ISUP_MSG_BLA);
		break;
	case ISUP_MSG_UBL:
		c->blk &= ~ISUP_BLK_REMOTE_MAINT;
		isup_send_simple(c->trunk, c->cic, ISUP_MSG_UBA);
		break;
	case ISUP_MSG_BLA:
		if (c->pending == ISUP_PEND_BLO) {
			blk_stop(c);
		} else if (!(c->blk & ISUP_BLK_LOCAL_MAINT)) {
			/* Q.764 2.8.2.3 iv: unexpected BLA -> UBL */
			isup_circuit_unexpected(c, msg);
			isup_send_simple(c->trunk, c->cic, ISUP_MSG_UBL);
		} else {
			isup_circuit_unexpected(c, msg);
		}
		break;
	case ISUP_MSG_UBA:
		if (c->pending == ISUP_PEND_UBL) {
			blk_stop(c);
			c->blk &= ~ISUP_BLK_LOCAL_MAINT;
		} else if (c->blk & ISUP_BLK_LOCAL_MAINT) {
			/* Q.764 2.8.2.3 v: unexpected UBA on a locally
			 * blocked circuit -> BLO */
			isup_circuit_unexpected(c, msg);
			isup_send_simple(c->trunk, c->cic, ISUP_MSG_BLO);
		} else {
			isup_circuit_unexpected(c, msg);
		}
		break;
	case ISUP_MSG_UCIC:
		/* Q.764 2.12: the peer has no such circuit: stop everything
		 * on it, take it out of service and alert maintenance */
		ctr_inc(c, ISUP_CTR_RX_UCIC);
		LOGPFSML(c->fi, LOGL_ERROR, "UCIC: the peer has no CIC %u, circuit out of service\n",
			 c->cic);
		if (in_call(c) || c->fi->state == ISUP_CIRC_ST_RELEASING)
			isup_circuit_call_gone(c, CAUSE_TEMP_FAILURE, true);
		blk_stop(c);
		c->remote_unequipped = true;
		if (c->fi->state != ISUP_CIRC_ST_UNAVAILABLE)
			isup_circuit_state_chg(c, ISUP_CIRC_ST_IDLE, 0);
		break;
	}
}

static void isup_circ_fsm_rx(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct isup_circuit *c = fi->priv;
	struct isup_msg *msg = data;

	switch (msg->type) {
	case ISUP_MSG_RSC:
	case ISUP_MSG_BLO:
	case ISUP_MSG_UBL:
	case ISUP_MSG_BLA:
	case ISUP_MSG_UBA:
	case ISUP_MSG_UCIC:
		rx_maintenance(c, msg);
		return;
	case ISUP_MSG_REL:
		rx_rel(c, msg);
		return;
	case ISUP_MSG_CFN:
	case ISUP_MSG_CQR:
		LOGPFSML(fi, LOGL_NOTICE, "rx %s\n", isup_msg_type_name(msg->type));
		return;
	}
	if (isup_cot_rx(c, msg) || isup_susres_rx(c, msg))
		return;

	switch (fi->state) {
	case ISUP_CIRC_ST_RESETTING:
		if (msg->type == ISUP_MSG_RLC && !c->group_reset) {
			isup_circuit_reset_done(c);
			return;
		}
		break;
	case ISUP_CIRC_ST_IDLE:
		if (msg->type == ISUP_MSG_IAM) {
			rx_iam(c, msg);
			return;
		}
		break;
	case ISUP_CIRC_ST_OUT_IAM:
		switch (msg->type) {
		case ISUP_MSG_IAM:
			dual_seizure(c, msg);
			return;
		case ISUP_MSG_ACM:
			isup_circuit_state_chg(c, ISUP_CIRC_ST_OUT_ALERTING, ISUP_T9);
			progress(c, msg);
			return;
		case ISUP_MSG_CON:
		case ISUP_MSG_ANM:
			isup_circuit_state_chg(c, ISUP_CIRC_ST_ANSWERED, 0);
			progress(c, msg);
			return;
		}
		break;
	case ISUP_CIRC_ST_OUT_ALERTING:
		switch (msg->type) {
		case ISUP_MSG_ANM:
			isup_circuit_state_chg(c, ISUP_CIRC_ST_ANSWERED, 0);
			progress(c, msg);
			return;
		case ISUP_MSG_CPG:
			progress(c, msg);
			return;
		}
		break;
	case ISUP_CIRC_ST_IN_IAM:
	case ISUP_CIRC_ST_IN_ALERTING:
	case ISUP_CIRC_ST_ANSWERED:
		if (msg->type != ISUP_MSG_IAM && msg->type != ISUP_MSG_RLC) {
			progress(c, msg);
			return;
		}
		break;
	case ISUP_CIRC_ST_RELEASING:
		if (msg->type == ISUP_MSG_RLC) {
			isup_circuit_state_chg(c, ISUP_CIRC_ST_IDLE, 0);
			return;
		}
		break;
	}
	isup_circuit_unexpected(c, msg);
}

void isup_circuit_rx(struct isup_circuit *c, struct isup_msg *msg)
{
	osmo_fsm_inst_dispatch(c->fi, ISUP_CEV_RX, msg);
}

static int isup_circ_fsm_timer_cb(struct osmo_fsm_inst *fi)
{
	struct isup_circuit *c = fi->priv;

	ctr_inc(c, ISUP_CTR_TIMER_EXPIRY);
	LOGPFSML(fi, LOGL_NOTICE, "T%d expired\n", fi->T);
	switch (fi->state) {
	case ISUP_CIRC_ST_RESETTING:
		/* T16/T17: repeat RSC (Q.764 2.9.3.1) */
		if (isup_repeat_expired(c->trunk, &c->rsc_rep, ISUP_T17))
			LOGPFSML(fi, LOGL_ERROR, "no RLC for RSC: maintenance alert\n");
		reset_send(c);
		break;
	case ISUP_CIRC_ST_OUT_IAM:
		/* T7: no ACM; Q.764 2.1.4.6 releases with cause 102 */
		isup_circuit_call_gone(c, CAUSE_TIMER_EXPIRY, true);
		isup_circuit_release_send(c, CAUSE_TIMER_EXPIRY);
		break;
	case ISUP_CIRC_ST_ANSWERED:
		isup_susres_timeout(c);
		break;
	case ISUP_CIRC_ST_IN_COT:
	case ISUP_CIRC_ST_IN_RECHECK:
	case ISUP_CIRC_ST_IN_CCR:
	case ISUP_CIRC_ST_OUT_RETEST:
		isup_cot_timeout(c);
		break;
	case ISUP_CIRC_ST_OUT_ALERTING:
		/* T9: no answer */
		isup_circuit_call_gone(c, CAUSE_NO_ANSWER, true);
		isup_circuit_release_send(c, CAUSE_NO_ANSWER);
		break;
	case ISUP_CIRC_ST_RELEASING:
		/* T1: repeat REL.  T5 (Q.764 2.9.6, Annex A): RSC, alert
		 * maintenance, stop T1, start T17: the RSC repeats at the T17
		 * interval until an RLC comes */
		if (isup_repeat_expired(c->trunk, &c->rel_rep, ISUP_T5)) {
			LOGPFSML(fi, LOGL_ERROR, "T5: no RLC, resetting the circuit: maintenance alert\n");
			isup_circuit_reset_start(c, true);
			break;
		}
		isup_send_cause(c->trunk, c->cic, ISUP_MSG_REL, c->rel_cause, NULL, 0);
		state_chg_repeat(c, ISUP_CIRC_ST_RELEASING, &c->rel_rep, ISUP_T1, ISUP_T5);
		break;
	}
	return 0;
}

static void isup_circ_fsm_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause cause)
{
	struct isup_circuit *c = fi->priv;

	osmo_timer_del(&c->blk_timer);
	osmo_timer_del(&c->cot_timer);
	c->fi = NULL;
}

static void isup_circ_fsm_onleave(struct osmo_fsm_inst *fi, uint32_t next_state)
{
	struct isup_circuit *c = fi->priv;

	isup_cot_leave(c, fi->state, next_state);
	if (next_state != ISUP_CIRC_ST_ANSWERED)
		c->suspended = false;
}

#define ALL_CALL_STATES (S(ISUP_CIRC_ST_UNAVAILABLE) | S(ISUP_CIRC_ST_RESETTING) | \
			 S(ISUP_CIRC_ST_IDLE) | S(ISUP_CIRC_ST_RELEASING))

static const struct osmo_fsm_state isup_circ_states[] = {
	[ISUP_CIRC_ST_UNAVAILABLE] = {
		.name = "unavailable",
		.out_state_mask = S(ISUP_CIRC_ST_UNAVAILABLE) | S(ISUP_CIRC_ST_RESETTING),
	},
	[ISUP_CIRC_ST_RESETTING] = {
		.name = "resetting",
		.out_state_mask = S(ISUP_CIRC_ST_UNAVAILABLE) | S(ISUP_CIRC_ST_RESETTING) |
				  S(ISUP_CIRC_ST_IDLE),
	},
	[ISUP_CIRC_ST_IDLE] = {
		.name = "idle",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_OUT_IAM) | S(ISUP_CIRC_ST_IN_IAM) |
				  S(ISUP_CIRC_ST_IN_COT) | S(ISUP_CIRC_ST_IN_CCR),
	},
	[ISUP_CIRC_ST_OUT_IAM] = {
		.name = "out-iam",
		/* out-iam again: a SAM restarts T7 */
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_OUT_IAM) | S(ISUP_CIRC_ST_OUT_ALERTING) |
				  S(ISUP_CIRC_ST_ANSWERED) | S(ISUP_CIRC_ST_OUT_RETEST) |
				  S(ISUP_CIRC_ST_IN_IAM) | S(ISUP_CIRC_ST_IN_COT),
		.onleave = isup_circ_fsm_onleave,
	},
	[ISUP_CIRC_ST_OUT_ALERTING] = {
		.name = "out-alerting",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_ANSWERED),
	},
	[ISUP_CIRC_ST_IN_IAM] = {
		.name = "in-iam",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_IN_ALERTING) | S(ISUP_CIRC_ST_ANSWERED),
	},
	[ISUP_CIRC_ST_IN_ALERTING] = {
		.name = "in-alerting",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_ANSWERED),
	},
	[ISUP_CIRC_ST_ANSWERED] = {
		.name = "answered",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_ANSWERED),
		.onleave = isup_circ_fsm_onleave,
	},
	[ISUP_CIRC_ST_RELEASING] = {
		.name = "releasing",
		.out_state_mask = ALL_CALL_STATES,
	},
	[ISUP_CIRC_ST_IN_COT] = {
		.name = "in-cot",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_IN_COT) | S(ISUP_CIRC_ST_IN_IAM) |
				  S(ISUP_CIRC_ST_IN_RECHECK),
		.onleave = isup_circ_fsm_onleave,
	},
	[ISUP_CIRC_ST_IN_RECHECK] = {
		.name = "in-recheck",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_IN_CCR),
	},
	[ISUP_CIRC_ST_IN_CCR] = {
		.name = "in-ccr",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_IN_RECHECK),
		.onleave = isup_circ_fsm_onleave,
	},
	[ISUP_CIRC_ST_OUT_RETEST] = {
		.name = "out-retest",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_OUT_CCR),
	},
	[ISUP_CIRC_ST_OUT_CCR] = {
		.name = "out-ccr",
		.out_state_mask = ALL_CALL_STATES | S(ISUP_CIRC_ST_OUT_RETEST),
		.onleave = isup_circ_fsm_onleave,
	},
};

struct osmo_fsm isup_circuit_fsm = {
	.name = "isup_circuit",
	.states = isup_circ_states,
	.num_states = ARRAY_SIZE(isup_circ_states),
	.allstate_event_mask = S(ISUP_CEV_RX),
	.allstate_action = isup_circ_fsm_rx,
	.timer_cb = isup_circ_fsm_timer_cb,
	.cleanup = isup_circ_fsm_cleanup,
	.log_subsys = DISUP,
	.event_names = isup_circ_event_names,
};

int isup_q764_fsm_init(void)
{
	static bool done;
	int rc;

	if (done)
		return 0;
	rc = osmo_fsm_register(&isup_circuit_fsm);
	if (rc == 0)
		done = true;
	return rc;
}

void isup_circuit_init_timer(struct isup_circuit *c)
{
	osmo_timer_setup(&c->blk_timer, blk_timer_cb, c);
	isup_cot_init_timer(c);
}
