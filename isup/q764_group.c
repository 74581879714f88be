/* Circuit group procedures of Q.764: GRS/GRA (2.9.3.2), CGB/CGBA and
 * CGU/CGUA (2.8.2), CQM/CQR (2.15), in both directions.
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

static void ctr_inc(struct isup_trunk *trunk, unsigned int idx)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, idx));
}

/* The short and long repeat timers of each group procedure. */
static void group_timers(uint8_t type, int *Tshort, int *Tlong)
{
	switch (type) {
	case ISUP_MSG_GRS:
		*Tshort = ISUP_T22;
		*Tlong = ISUP_T23;
		break;
	case ISUP_MSG_CGB:
		*Tshort = ISUP_T18;
		*Tlong = ISUP_T19;
		break;
	default:
		*Tshort = ISUP_T20;
		*Tlong = ISUP_T21;
		break;
	}
}

static int group_send(struct isup_trunk *trunk, uint8_t type, uint16_t cic, uint8_t cgsmt,
		      const struct isup_range_status *rs)
{
	struct isup_msg *msg = isup_msg_alloc(trunk, trunk->cfg.variant, type);
	uint8_t buf[1 + ISUP_RS_MAX_STATUS];
	int len, rc;

	if (!msg)
		return -ENOMEM;
	msg->has_cic = true;
	msg->cic = cic;
	len = isup_range_status_encode(buf, sizeof(buf), rs);
	rc = len;
	if (len > 0)
		rc = isup_msg_set_param(msg, ISUP_PAR_RANGE_STATUS, buf, len);
	if (rc >= 0 && type != ISUP_MSG_GRS && type != ISUP_MSG_GRA && type != ISUP_MSG_CQM)
		rc = isup_msg_set_param(msg, ISUP_PAR_CGSMT, &cgsmt, 1);
	if (rc >= 0)
		rc = isup_trunk_send(trunk, msg);
	else
		ctr_inc(trunk, ISUP_CTR_TX_FAIL);
	talloc_free(msg);
	return rc < 0 ? rc : 0;
}

static void group_op_timer_start(struct isup_group_op *op)
{
	int Tshort, Tlong, T;

	group_timers(op->type, &Tshort, &Tlong);
	osmo_timer_schedule(&op->timer, isup_repeat_next(op->trunk, &op->rep, Tshort, Tlong, &T), 0);
}

static void group_op_timer_cb(void *data)
{
	struct isup_group_op *op = data;
	struct isup_trunk *trunk = op->trunk;
	int Tshort, Tlong;

	group_timers(op->type, &Tshort, &Tlong);
	ctr_inc(trunk, ISUP_CTR_TIMER_EXPIRY);
	if (isup_repeat_expired(trunk, &op->rep, Tlong))
		/* Q.764 2.9.3.2, 2.8.2.2: past the long timer, alert
		 * maintenance and repeat at the long interval */
		LOGP(DISUP, LOGL_ERROR, "trunk %s CIC %u: T%d expired, no answer to %s: maintenance alert\n",
		     trunk->cfg.name, op->cic, Tlong, isup_msg_type_name(op->type));
	else
		LOGP(DISUP, LOGL_NOTICE, "trunk %s CIC %u: timer expired, resending %s\n",
		     trunk->cfg.name, op->cic, isup_msg_type_name(op->type));
	group_send(trunk, op->type, op->cic, op->cgsmt, &op->rs);
	group_op_timer_start(op);
}

void isup_group_op_free(struct isup_group_op *op)
{
	osmo_timer_del(&op->timer);
	llist_del(&op->list);
	talloc_free(op);
}

static struct isup_group_op *group_op_start(struct isup_trunk *trunk, uint8_t type, uint16_t cic,
					    uint8_t cgsmt, const struct isup_range_status *rs)
{
	struct isup_group_op *op = talloc_zero(trunk, struct isup_group_op);

	if (!op)
		return NULL;
	op->trunk = trunk;
	op->type = type;
	op->cic = cic;
	op->cgsmt = cgsmt;
	op->rs = *rs;
	osmo_timer_setup(&op->timer, group_op_timer_cb, op);
	isup_repeat_start(&op->rep, false);
	llist_add_tail(&op->list, &trunk->group_ops);
	group_send(trunk, type, cic, cgsmt, rs);
	group_op_timer_start(op);
	return op;
}

static struct isup_group_op *group_op_find(struct isup_trunk *trunk, uint8_t type, uint16_t cic,
					   uint8_t range)
{
	struct isup_group_op *op;

	llist_for_each_entry(op, &trunk->group_ops, list)
		if (op->type == type && op->cic == cic && op->rs.range == range)
			return op;
	return NULL;
}

int isup_trunk_group_reset(struct isup_trunk *trunk)
{
	unsigned int i = 0, j, n;
	struct isup_group_op *op, *tmp;

	if (!trunk->started || !trunk->available)
		return -ENOTCONN;
	llist_for_each_entry_safe(op, tmp, &trunk->group_ops, list)
		if (op->type == ISUP_MSG_GRS)
			isup_group_op_free(op);
	/* Q.764 2.9.3.2: GRS covers up to 32 consecutive CICs; a lone
	 * circuit is reset with RSC */
	while (i < trunk->num_circ) {
		for (n = 1; i + n < trunk->num_circ && n < ISUP_GROUP_MAX &&
			    trunk->circ[i + n]->cic == trunk->circ[i]->cic + n; n++)
			;
		if (n == 1) {
			isup_circuit_reset_start(trunk->circ[i], false);
		} else {
			struct isup_range_status rs = { .range = n - 1 };

			for (j = 0; j < n; j++)
				isup_circuit_reset_by_group(trunk->circ[i + j]);
			group_op_start(trunk, ISUP_MSG_GRS, trunk->circ[i]->cic, 0, &rs);
		}
		i += n;
	}
	return 0;
}

int isup_trunk_group_block(struct isup_trunk *trunk, uint16_t first, uint16_t last,
			   bool block, bool hardware)
{
	struct isup_range_status rs = { 0 };
	uint8_t bit = hardware ? ISUP_BLK_LOCAL_HW : ISUP_BLK_LOCAL_MAINT;
	unsigned int i, equipped = 0;
	struct isup_circuit *c;

	if (!trunk->started)
		return -ENOTCONN;
	if (last <= first || last - first + 1 > ISUP_GROUP_MAX)
		return -ERANGE;
	rs.range = last - first;
	rs.status_len = isup_range_status_len(rs.range);
	for (i = 0; i <= rs.range; i++) {
		c = isup_trunk_circuit(trunk, first + i);
		if (!c)
			continue;
		equipped++;
		isup_range_status_set(&rs, i, true);
		if (block) {
			c->blk |= bit;
			/* Q.764 2.8.2.1: hardware blocking ends the calls */
			if (hardware && c->fi->state >= ISUP_CIRC_ST_OUT_IAM &&
			    c->fi->state <= ISUP_CIRC_ST_ANSWERED)
				isup_circuit_release(c, 41);
		}
	}
	if (!equipped)
		return -ENOENT;
	if (!trunk->available)
		return block ? 0 : -ENOTCONN;
	if (!group_op_start(trunk, block ? ISUP_MSG_CGB : ISUP_MSG_CGU, first, hardware ? 1 : 0, &rs))
		return -ENOMEM;
	return 0;
}

/* ---- received group messages ---- */

static int get_rs(struct isup_trunk *trunk, struct isup_msg *msg, struct isup_range_status *rs,
		  bool with_status)
{
	const struct isup_param *p = isup_msg_find_param(msg, ISUP_PAR_RANGE_STATUS);

	if (!p || isup_range_status_decode(rs, p->data, p->len) < 0)
		goto bad;
	/* Q.763 3.43: range 1..31 for group messages (0 is reserved);
	 * Q.764 2.9.3 (1992) / 2.15: CQM may ask about one circuit (0) */
	if (rs->range < (msg->type == ISUP_MSG_CQM ? 0 : 1) || rs->range >= ISUP_GROUP_MAX)
		goto bad;
	if (with_status && rs->status_len != isup_range_status_len(rs->range))
		goto bad;
	return 0;
bad:
	LOGP(DISUP, LOGL_NOTICE, "trunk %s CIC %u: %s with a bad range/status, discarded\n",
	     trunk->cfg.name, msg->cic, isup_msg_type_name(msg->type));
	ctr_inc(trunk, ISUP_CTR_RX_BAD_RANGE);
	return -EINVAL;
}

static int get_cgsmt(struct isup_trunk *trunk, struct isup_msg *msg, uint8_t *type)
{
	struct isup_cgsmt t;

	if (isup_msg_get_bf(msg, ISUP_PAR_CGSMT, &t, sizeof(t)) < 0 || t.type > 1) {
		ctr_inc(trunk, ISUP_CTR_RX_BAD_RANGE);
		return -EINVAL;
	}
	*type = t.type;
	return 0;
}

static void rx_grs(struct isup_trunk *trunk, struct isup_msg *msg)
{
	struct isup_range_status rs, gra = { 0 };
	struct isup_circuit *c;
	unsigned int i;

	if (get_rs(trunk, msg, &rs, false) < 0)
		return;
	gra.range = rs.range;
	gra.status_len = isup_range_status_len(rs.range);
	for (i = 0; i <= rs.range; i++) {
		c = isup_trunk_circuit(trunk, msg->cic + i);
		if (!c)
			continue;
		isup_circuit_remote_reset(c, false);
		/* GRA status: 1 = blocked for maintenance here */
		if (c->blk & ISUP_BLK_LOCAL_MAINT)
			isup_range_status_set(&gra, i, true);
	}
	group_send(trunk, ISUP_MSG_GRA, msg->cic, 0, &gra);
}

static void rx_gra(struct isup_trunk *trunk, struct isup_msg *msg)
{
	struct isup_range_status rs;
	struct isup_group_op *op;
	struct isup_circuit *c;
	unsigned int i;

	if (get_rs(trunk, msg, &rs, true) < 0)
		return;
	op = group_op_find(trunk, ISUP_MSG_GRS, msg->cic, rs.range);
	if (!op) {
		LOGP(DISUP, LOGL_NOTICE, "trunk %s CIC %u: unexpected GRA, discarded\n",
		     trunk->cfg.name, msg->cic);
		ctr_inc(trunk, ISUP_CTR_RX_UNEXPECTED);
		return;
	}
	isup_group_op_free(op);
	for (i = 0; i <= rs.range; i++) {
		c = isup_trunk_circuit(trunk, msg->cic + i);
		if (!c)
			continue;
		isup_circuit_set_remote_blk(c, ISUP_BLK_REMOTE_MAINT, isup_range_status_get(&rs, i));
		if (c->fi->state == ISUP_CIRC_ST_RESETTING && c->group_reset)
			isup_circuit_reset_done(c);
	}
}

static void rx_cgb_cgu(struct isup_trunk *trunk, struct isup_msg *msg, bool block)
{
	struct isup_range_status rs, ack = { 0 };
	struct isup_circuit *c;
	uint8_t type;
	unsigned int i;

	if (get_cgsmt(trunk, msg, &type) < 0 || get_rs(trunk, msg, &rs, true) < 0)
		return;
	ack.range = rs.range;
	ack.status_len = rs.status_len;
	for (i = 0; i <= rs.range; i++) {
		if (!isup_range_status_get(&rs, i))
			continue;
		c = isup_trunk_circuit(trunk, msg->cic + i);
		if (!c)
			continue;
		isup_range_status_set(&ack, i, true);
		isup_circuit_set_remote_blk(c, type ? ISUP_BLK_REMOTE_HW : ISUP_BLK_REMOTE_MAINT, block);
		/* hardware blocking ends the call without REL/RLC on that
		 * circuit: both ends know it is gone */
		if (block && type == 1)
			isup_circuit_drop_call(c);
	}
	group_send(trunk, block ? ISUP_MSG_CGBA : ISUP_MSG_CGUA, msg->cic, type, &ack);
}

static void rx_cgba_cgua(struct isup_trunk *trunk, struct isup_msg *msg, bool block)
{
	struct isup_range_status rs;
	struct isup_group_op *op;
	struct isup_circuit *c;
	uint8_t type, bit;
	unsigned int i;

	if (get_cgsmt(trunk, msg, &type) < 0 || get_rs(trunk, msg, &rs, true) < 0)
		return;
	op = group_op_find(trunk, block ? ISUP_MSG_CGB : ISUP_MSG_CGU, msg->cic, rs.range);
	if (!op || op->cgsmt != type) {
		LOGP(DISUP, LOGL_NOTICE, "trunk %s CIC %u: unexpected %s, discarded\n",
		     trunk->cfg.name, msg->cic, isup_msg_type_name(msg->type));
		ctr_inc(trunk, ISUP_CTR_RX_UNEXPECTED);
		return;
	}
	bit = type ? ISUP_BLK_LOCAL_HW : ISUP_BLK_LOCAL_MAINT;
	for (i = 0; i <= rs.range; i++) {
		if (!isup_range_status_get(&op->rs, i) || !isup_range_status_get(&rs, i))
			continue;
		c = isup_trunk_circuit(trunk, msg->cic + i);
		if (c)
			isup_circuit_local_blk_confirmed(c, bit, block);
	}
	isup_group_op_free(op);
}

static void rx_cqm(struct isup_trunk *trunk, struct isup_msg *msg)
{
	struct isup_range_status rs, cqr = { 0 };
	struct isup_circuit_state csi = { 0 };
	struct isup_circuit *c;
	struct isup_msg *rsp;
	uint8_t buf[256];
	unsigned int i;
	int len, rc;

	if (get_rs(trunk, msg, &rs, false) < 0)
		return;
	cqr.range = rs.range;
	csi.count = rs.range + 1;
	for (i = 0; i <= rs.range; i++) {
		c = isup_trunk_circuit(trunk, msg->cic + i);
		/* Q.763 3.14: 0x03 (DC = 00, BA = 11) is "unequipped" */
		csi.state[i] = c ? isup_circuit_state_octet(c) : 0x03;
	}
	rsp = isup_msg_alloc(trunk, trunk->cfg.variant, ISUP_MSG_CQR);
	if (!rsp)
		return;
	rsp->has_cic = true;
	rsp->cic = msg->cic;
	len = isup_range_status_encode(buf, sizeof(buf), &cqr);
	rc = len < 0 ? len : isup_msg_set_param(rsp, ISUP_PAR_RANGE_STATUS, buf, len);
	if (rc >= 0) {
		len = isup_circuit_state_encode(buf, sizeof(buf), &csi);
		rc = len < 0 ? len : isup_msg_set_param(rsp, ISUP_PAR_CIRC_STATE_IND, buf, len);
	}
	if (rc >= 0)
		isup_trunk_send(trunk, rsp);
	else
		ctr_inc(trunk, ISUP_CTR_TX_FAIL);
	talloc_free(rsp);
}

void isup_group_rx(struct isup_trunk *trunk, struct isup_msg *msg)
{
	switch (msg->type) {
	case ISUP_MSG_GRS:
		rx_grs(trunk, msg);
		break;
	case ISUP_MSG_GRA:
		rx_gra(trunk, msg);
		break;
	case ISUP_MSG_CGB:
		rx_cgb_cgu(trunk, msg, true);
		break;
	case ISUP_MSG_CGU:
		rx_cgb_cgu(trunk, msg, false);
		break;
	case ISUP_MSG_CGBA:
		rx_cgba_cgua(trunk, msg, true);
		break;
	case ISUP_MSG_CGUA:
		rx_cgba_cgua(trunk, msg, false);
		break;
	case ISUP_MSG_CQM:
		rx_cqm(trunk, msg);
		break;
	}
}
