/* Received ISUP messages: decoding, unequipped CICs (Q.764 2.12) and
 * unrecognised messages and parameters (Q.764 2.9.5.3), then dispatch to
 * the group procedures or the circuit's FSM.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/rate_ctr.h>

#include "isup/isup_params.h"
#include "isup/q764_internal.h"
#include "src/tandem_log.h"

#define CAUSE_MSG_NONEXISTENT	97
#define CAUSE_PARAM_NONEXISTENT	99
/* most unrecognised parameters one message reports */
#define MAX_UNKNOWN_PARAMS	8

static void ctr_inc(struct isup_trunk *trunk, unsigned int idx)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, idx));
}

static bool is_group_msg(uint8_t type)
{
	switch (type) {
	case ISUP_MSG_GRS:
	case ISUP_MSG_GRA:
	case ISUP_MSG_CGB:
	case ISUP_MSG_CGBA:
	case ISUP_MSG_CGU:
	case ISUP_MSG_CGUA:
	case ISUP_MSG_CQM:
	case ISUP_MSG_CQR:
		return true;
	}
	return false;
}

/* Messages never answered with CFN (Q.764 2.9.5.3: no confusion about
 * confusion, and release must not loop). */
static bool no_cfn_for(uint8_t type)
{
	return type == ISUP_MSG_CFN || type == ISUP_MSG_REL || type == ISUP_MSG_RLC;
}

static bool circuit_in_call(const struct isup_circuit *c)
{
	return c->fi->state >= ISUP_CIRC_ST_OUT_IAM && c->fi->state <= ISUP_CIRC_ST_ANSWERED;
}

/* Q.764 2.9.5.3.1: an unrecognised message type. */
static void rx_unknown_msg(struct isup_trunk *trunk, struct isup_circuit *c, struct isup_msg *msg)
{
	struct isup_msg_compat mci;
	uint8_t diag = msg->type;
	bool release, notify;

	ctr_inc(trunk, ISUP_CTR_RX_UNKNOWN_MSG);
	if (isup_msg_get_msg_compat(msg, &mci) < 0) {
		/* no instructions: discard and tell the sender */
		LOGP(DISUP, LOGL_NOTICE, "trunk %s CIC %u: unrecognised message 0x%02x: CFN\n",
		     trunk->cfg.name, msg->cic, msg->type);
		isup_send_cause(trunk, msg->cic, ISUP_MSG_CFN, CAUSE_MSG_NONEXISTENT, &diag, 1);
		return;
	}
	notify = mci.instr.notify;
	if (mci.instr.release)
		release = true;
	else if (mci.instr.discard_msg)
		release = false;
	else
		/* "pass on" asks for a transit exchange; we end the ISUP
		 * leg, so pass-on-not-possible decides */
		release = mci.instr.pass_on_not_possible == 0;
	LOGP(DISUP, LOGL_NOTICE, "trunk %s CIC %u: unrecognised message 0x%02x: %s%s\n",
	     trunk->cfg.name, msg->cic, msg->type, release ? "release call" : "discard",
	     notify ? ", notify" : "");
	if (release && circuit_in_call(c)) {
		isup_circuit_release(c, CAUSE_MSG_NONEXISTENT);
		return;
	}
	if (notify)
		isup_send_cause(trunk, msg->cic, ISUP_MSG_CFN, CAUSE_MSG_NONEXISTENT, &diag, 1);
}

/* Q.764 2.9.5.3.2: unrecognised parameters of a known message.
 * \returns true when the message is to be processed (possibly with
 * parameters removed), false when it was discarded or the call released. */
static bool rx_unknown_params(struct isup_trunk *trunk, struct isup_circuit *c, struct isup_msg *msg)
{
	uint8_t unknown[MAX_UNKNOWN_PARAMS], diag[MAX_UNKNOWN_PARAMS];
	unsigned int i, n = 0, ndiag = 0;
	struct isup_param_compat pci;
	bool have_pci;

	for (i = 0; i < msg->num_params && n < MAX_UNKNOWN_PARAMS; i++) {
		const struct isup_param *p = &msg->params[i];

		if (p->part == ISUP_PART_OPTIONAL &&
		    !strcmp(isup_param_name(msg->variant, p->code), "unknown"))
			unknown[n++] = p->code;
	}
	if (!n)
		return true;
	ctr_inc(trunk, ISUP_CTR_RX_UNKNOWN_PARAM);
	have_pci = isup_msg_get_param_compat(msg, &pci) == 0;
	for (i = 0; i < n; i++) {
		const struct isup_compat_instr *in = have_pci ? isup_param_compat_find(&pci, unknown[i])
							      : NULL;
		uint8_t action;

		if (!in) {
			/* no instructions: drop the parameter and say so */
			isup_msg_del_param(msg, unknown[i]);
			diag[ndiag++] = unknown[i];
			continue;
		}
		if (in->release)
			action = 0;
		else if (in->discard_msg)
			action = 1;
		else if (in->discard_param)
			action = 2;
		else
			/* pass on is not possible here: 0 release, 1 discard
			 * message, 2 discard parameter */
			action = in->pass_on_not_possible;
		switch (action) {
		case 0:
			LOGP(DISUP, LOGL_NOTICE, "trunk %s CIC %u: parameter 0x%02x asks to release\n",
			     trunk->cfg.name, msg->cic, unknown[i]);
			if (circuit_in_call(c))
				isup_circuit_release(c, CAUSE_PARAM_NONEXISTENT);
			else if (msg->type == ISUP_MSG_IAM)
				/* nothing seized yet: refuse the call */
				isup_send_cause(trunk, msg->cic, ISUP_MSG_REL,
						CAUSE_PARAM_NONEXISTENT, &unknown[i], 1);
			return false;
		case 1:
			if (in->notify && !no_cfn_for(msg->type))
				isup_send_cause(trunk, msg->cic, ISUP_MSG_CFN,
						CAUSE_PARAM_NONEXISTENT, &unknown[i], 1);
			return false;
		default:
			isup_msg_del_param(msg, unknown[i]);
			if (in->notify)
				diag[ndiag++] = unknown[i];
			break;
		}
	}
	if (ndiag && !no_cfn_for(msg->type))
		isup_send_cause(trunk, msg->cic, ISUP_MSG_CFN, CAUSE_PARAM_NONEXISTENT, diag, ndiag);
	return true;
}

void isup_trunk_rx(struct isup_trunk *trunk, const uint8_t *data, size_t len)
{
	struct isup_err_detail err = { 0 };
	struct isup_circuit *c;
	struct isup_msg *msg;
	void *tmp;
	int rc;

	ctr_inc(trunk, ISUP_CTR_RX_MSG);
	tmp = talloc_new(trunk);
	if (!tmp)
		return;
	rc = isup_decode_cic(tmp, trunk->cfg.variant, data, len, &msg, &err);
	if (err.has_msg_type || rc == 0)
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->rx_ctrs,
						    isup_msg_ctr_index(rc == 0 ? msg->type : err.msg_type)));
	if (rc < 0) {
		/* truncated or malformed: Q.764 2.9.5.1 discards it */
		LOGP(DISUP, LOGL_NOTICE, "trunk %s: undecodable message (%s at octet %zu), discarded\n",
		     trunk->cfg.name, isup_strerror(rc), err.offset);
		ctr_inc(trunk, ISUP_CTR_RX_DECODE_ERR);
		goto out;
	}
	LOGP(DISUP, LOGL_INFO, "trunk %s CIC %u: rx %s\n", trunk->cfg.name, msg->cic,
	     isup_msg_type_name(msg->type));
	if (!trunk->started || !trunk->available) {
		ctr_inc(trunk, ISUP_CTR_RX_UNEXPECTED);
		goto out;
	}
	c = isup_trunk_circuit(trunk, msg->cic);
	if (!c) {
		ctr_inc(trunk, ISUP_CTR_RX_UNEQUIPPED);
		/* Q.764 2.12.1: UCIC, except for UCIC itself and group
		 * messages, whose range may start anywhere */
		if (msg->type != ISUP_MSG_UCIC && !is_group_msg(msg->type)) {
			LOGP(DISUP, LOGL_NOTICE, "trunk %s: %s for unequipped CIC %u: UCIC\n",
			     trunk->cfg.name, isup_msg_type_name(msg->type), msg->cic);
			if (isup_send_simple(trunk, msg->cic, ISUP_MSG_UCIC) == 0)
				ctr_inc(trunk, ISUP_CTR_TX_UCIC);
		}
		goto out;
	}
	if (!isup_msg_fmt(msg)) {
		rx_unknown_msg(trunk, c, msg);
		goto out;
	}
	if (!rx_unknown_params(trunk, c, msg))
		goto out;
	if (is_group_msg(msg->type) && msg->type != ISUP_MSG_CQR)
		isup_group_rx(trunk, msg);
	else
		isup_circuit_rx(c, msg);
out:
	talloc_free(tmp);
}
