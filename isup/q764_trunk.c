/* ISUP trunks: configuration, circuits, timers, counters, selection.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>

#include "isup/q764_internal.h"
#include "src/tandem_log.h"

const struct value_string isup_select_policy_names[] = {
	{ ISUP_SELECT_SEQUENTIAL, "sequential" },
	{ ISUP_SELECT_ROUND_ROBIN, "round-robin" },
	{ ISUP_SELECT_LEAST_USED, "least-used" },
	{ 0, NULL }
};

const struct value_string isup_cot_policy_names[] = {
	{ ISUP_COT_NEVER, "never" },
	{ ISUP_COT_ALWAYS, "always" },
	{ ISUP_COT_PERCENT, "percent" },
	{ 0, NULL }
};

const struct value_string isup_blk_names[] = {
	{ ISUP_BLK_LOCAL_MAINT, "local-maintenance" },
	{ ISUP_BLK_LOCAL_HW, "local-hardware" },
	{ ISUP_BLK_REMOTE_MAINT, "remote-maintenance" },
	{ ISUP_BLK_REMOTE_HW, "remote-hardware" },
	{ 0, NULL }
};

const struct value_string isup_circ_pending_names[] = {
	{ ISUP_PEND_NONE, "none" },
	{ ISUP_PEND_BLO, "BLO" },
	{ ISUP_PEND_UBL, "UBL" },
	{ 0, NULL }
};

const struct value_string isup_circ_filter_names[] = {
	{ ISUP_FILTER_ALL, "all" },
	{ ISUP_FILTER_IDLE, "idle" },
	{ ISUP_FILTER_BUSY, "busy" },
	{ ISUP_FILTER_BLOCKED, "blocked" },
	{ ISUP_FILTER_UNAVAILABLE, "unavailable" },
	{ ISUP_FILTER_RESETTING, "resetting" },
	{ ISUP_FILTER_UNEQUIPPED, "unequipped" },
	{ 0, NULL }
};

/* Defaults per Q.764 Annex A, in seconds (the low end where a range is
 * given, as most switches use). */
static const struct osmo_tdef isup_tdefs_default[] = {
	{ .T = ISUP_T1, .default_val = 15, .desc = "REL sent: resend REL", .min_val = 1 },
	{ .T = ISUP_T2, .default_val = 180, .desc = "SUS (user) received: awaiting RES, release cause 102", .min_val = 1 },
	{ .T = ISUP_T5, .default_val = 300, .desc = "initial REL sent: RSC, alert", .min_val = 1 },
	{ .T = ISUP_T6, .default_val = 120, .desc = "SUS (network) received: awaiting RES, release cause 102", .min_val = 1 },
	{ .T = ISUP_T7, .default_val = 20, .desc = "IAM sent: awaiting ACM, release cause 102", .min_val = 1 },
	{ .T = ISUP_T8, .default_val = 10, .desc = "IAM with continuity check received: awaiting COT, release cause 41", .min_val = 1 },
	{ .T = ISUP_T9, .default_val = 90, .desc = "ACM received: awaiting ANM, release", .min_val = 1 },
	{ .T = ISUP_T12, .default_val = 15, .desc = "BLO sent: resend BLO", .min_val = 1 },
	{ .T = ISUP_T13, .default_val = 300, .desc = "initial BLO sent: resend BLO, alert", .min_val = 1 },
	{ .T = ISUP_T14, .default_val = 15, .desc = "UBL sent: resend UBL", .min_val = 1 },
	{ .T = ISUP_T15, .default_val = 300, .desc = "initial UBL sent: resend UBL, alert", .min_val = 1 },
	{ .T = ISUP_T16, .default_val = 15, .desc = "RSC sent: resend RSC", .min_val = 1 },
	{ .T = ISUP_T17, .default_val = 300, .desc = "initial RSC sent: resend RSC, alert", .min_val = 1 },
	{ .T = ISUP_T18, .default_val = 15, .desc = "CGB sent: resend CGB", .min_val = 1 },
	{ .T = ISUP_T19, .default_val = 300, .desc = "initial CGB sent: resend CGB, alert", .min_val = 1 },
	{ .T = ISUP_T20, .default_val = 15, .desc = "CGU sent: resend CGU", .min_val = 1 },
	{ .T = ISUP_T21, .default_val = 300, .desc = "initial CGU sent: resend CGU, alert", .min_val = 1 },
	{ .T = ISUP_T22, .default_val = 15, .desc = "GRS sent: resend GRS", .min_val = 1 },
	{ .T = ISUP_T23, .default_val = 300, .desc = "initial GRS sent: resend GRS, alert", .min_val = 1 },
	{ .T = ISUP_T24, .default_val = 1500, .unit = OSMO_TDEF_MS, .desc = "check tone sent: awaiting it back, COT failed", .min_val = 100 },
	{ .T = ISUP_T25, .default_val = 1, .desc = "first continuity check failed: send CCR", .min_val = 1 },
	{ .T = ISUP_T26, .default_val = 60, .desc = "later continuity check failed: send CCR", .min_val = 1 },
	{ .T = ISUP_T27, .default_val = 240, .desc = "COT failed received: awaiting CCR, RSC", .min_val = 1 },
	{ .T = ISUP_T33, .default_val = 12, .desc = "INR sent: release", .min_val = 1 },
	{ .T = ISUP_T34, .default_val = 2, .desc = "segmentation: awaiting SGM", .min_val = 1 },
	{ .T = ISUP_T35, .default_val = 15, .desc = "awaiting more digits: release cause 28", .min_val = 1 },
	{ .T = ISUP_T36, .default_val = 10, .desc = "CCR received: awaiting REL or COT, RSC", .min_val = 1 },
	{ .T = ISUP_T38, .default_val = 120, .desc = "SUS (network), international incoming exchange: not started", .min_val = 1 },
	{}
};

static const struct rate_ctr_desc isup_trunk_ctr_desc[] = {
	[ISUP_CTR_RX_MSG] = { "rx:msg", "ISUP messages received" },
	[ISUP_CTR_TX_MSG] = { "tx:msg", "ISUP messages sent" },
	[ISUP_CTR_RX_DECODE_ERR] = { "rx:decode_error", "Truncated or malformed messages discarded" },
	[ISUP_CTR_RX_UNKNOWN_MSG] = { "rx:unknown_msg", "Unrecognised message types" },
	[ISUP_CTR_RX_UNKNOWN_PARAM] = { "rx:unknown_param", "Messages with unrecognised parameters" },
	[ISUP_CTR_RX_UNEQUIPPED] = { "rx:unequipped_cic", "Messages for unequipped CICs" },
	[ISUP_CTR_RX_UNEXPECTED] = { "rx:unexpected", "Messages unexpected in the circuit's state" },
	[ISUP_CTR_RX_BAD_RANGE] = { "rx:bad_range", "Group messages with an invalid range" },
	[ISUP_CTR_RX_UCIC] = { "rx:ucic", "UCIC received: the peer lacks the circuit" },
	[ISUP_CTR_TX_FAIL] = { "tx:fail", "Messages that could not be encoded or sent" },
	[ISUP_CTR_TX_CFN] = { "tx:cfn", "Confusion messages sent" },
	[ISUP_CTR_TX_UCIC] = { "tx:ucic", "UCIC messages sent" },
	[ISUP_CTR_TIMER_EXPIRY] = { "timer:expiry", "Q.764 timer expiries" },
	[ISUP_CTR_DUAL_SEIZURE] = { "call:dual_seizure", "Dual seizures detected" },
	[ISUP_CTR_NO_CIRCUIT] = { "call:no_circuit", "Outgoing calls with no free circuit" },
	[ISUP_CTR_MTP_PAUSE] = { "mtp:pause", "Destination became inaccessible" },
	[ISUP_CTR_MTP_RESUME] = { "mtp:resume", "Destination became accessible" },
	[ISUP_CTR_CALL_FAIL] = { "call:fail", "Calls released by a failure (timer, reset, pause)" },
	[ISUP_CTR_COT_FAIL] = { "cot:fail", "Continuity checks that failed (either side)" },
	[ISUP_CTR_SUSPEND] = { "call:suspend", "SUS received on answered calls" },
};

static const struct rate_ctr_group_desc isup_trunk_ctrg_desc = {
	.group_name_prefix = "isup:trunk",
	.group_description = "ISUP trunk",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(isup_trunk_ctr_desc),
	.ctr_desc = isup_trunk_ctr_desc,
};

/* Message types counted one by one; everything else is "other". */
static const uint8_t isup_counted_types[] = {
	ISUP_MSG_IAM, ISUP_MSG_SAM, ISUP_MSG_ACM, ISUP_MSG_CON, ISUP_MSG_ANM, ISUP_MSG_CPG,
	ISUP_MSG_REL, ISUP_MSG_RLC, ISUP_MSG_SUS, ISUP_MSG_RES, ISUP_MSG_COT, ISUP_MSG_CCR,
	ISUP_MSG_RSC, ISUP_MSG_GRS, ISUP_MSG_GRA, ISUP_MSG_BLO, ISUP_MSG_BLA, ISUP_MSG_UBL,
	ISUP_MSG_UBA, ISUP_MSG_CGB, ISUP_MSG_CGBA, ISUP_MSG_CGU, ISUP_MSG_CGUA, ISUP_MSG_CQM,
	ISUP_MSG_CQR, ISUP_MSG_UCIC, ISUP_MSG_CFN, ISUP_MSG_INR, ISUP_MSG_INF,
};
#define ISUP_NUM_COUNTED	(ARRAY_SIZE(isup_counted_types) + 1)

#define MSG_CTR(dir, name) { dir ":" name, name " messages " dir }
#define MSG_CTRS(dir) { \
	MSG_CTR(dir, "IAM"), MSG_CTR(dir, "SAM"), MSG_CTR(dir, "ACM"), MSG_CTR(dir, "CON"), \
	MSG_CTR(dir, "ANM"), MSG_CTR(dir, "CPG"), MSG_CTR(dir, "REL"), MSG_CTR(dir, "RLC"), \
	MSG_CTR(dir, "SUS"), MSG_CTR(dir, "RES"), MSG_CTR(dir, "COT"), MSG_CTR(dir, "CCR"), \
	MSG_CTR(dir, "RSC"), MSG_CTR(dir, "GRS"), MSG_CTR(dir, "GRA"), MSG_CTR(dir, "BLO"), \
	MSG_CTR(dir, "BLA"), MSG_CTR(dir, "UBL"), MSG_CTR(dir, "UBA"), MSG_CTR(dir, "CGB"), \
	MSG_CTR(dir, "CGBA"), MSG_CTR(dir, "CGU"), MSG_CTR(dir, "CGUA"), MSG_CTR(dir, "CQM"), \
	MSG_CTR(dir, "CQR"), MSG_CTR(dir, "UCIC"), MSG_CTR(dir, "CFN"), MSG_CTR(dir, "INR"), \
	MSG_CTR(dir, "INF"), MSG_CTR(dir, "other") }

static const struct rate_ctr_desc isup_rx_ctr_desc[] = MSG_CTRS("rx");
static const struct rate_ctr_desc isup_tx_ctr_desc[] = MSG_CTRS("tx");

osmo_static_assert(ARRAY_SIZE(isup_rx_ctr_desc) == ISUP_NUM_COUNTED, isup_rx_ctr_count);

static const struct rate_ctr_group_desc isup_rx_ctrg_desc = {
	.group_name_prefix = "isup:trunk:rx",
	.group_description = "ISUP messages received by type",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(isup_rx_ctr_desc),
	.ctr_desc = isup_rx_ctr_desc,
};

static const struct rate_ctr_group_desc isup_tx_ctrg_desc = {
	.group_name_prefix = "isup:trunk:tx",
	.group_description = "ISUP messages sent by type",
	.class_id = OSMO_STATS_CLASS_PEER,
	.num_ctr = ARRAY_SIZE(isup_tx_ctr_desc),
	.ctr_desc = isup_tx_ctr_desc,
};

int isup_msg_ctr_index(uint8_t type)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(isup_counted_types); i++)
		if (isup_counted_types[i] == type)
			return i;
	return ARRAY_SIZE(isup_counted_types);
}

static int isup_trunk_destructor(struct isup_trunk *trunk)
{
	isup_trunk_stop(trunk);
	rate_ctr_group_free(trunk->ctrs);
	rate_ctr_group_free(trunk->rx_ctrs);
	rate_ctr_group_free(trunk->tx_ctrs);
	return 0;
}

struct isup_trunk *isup_trunk_alloc(void *ctx, const char *name, unsigned int index)
{
	struct isup_trunk *trunk;

	if (!name || !*name || strlen(name) >= ISUP_TRUNK_NAME_MAX)
		return NULL;
	if (isup_q764_fsm_init() < 0)
		return NULL;
	trunk = talloc_zero(ctx, struct isup_trunk);
	if (!trunk)
		return NULL;
	INIT_LLIST_HEAD(&trunk->list);
	INIT_LLIST_HEAD(&trunk->group_ops);
	osmo_strlcpy(trunk->cfg.name, name, sizeof(trunk->cfg.name));
	trunk->cfg.variant = ISUP_VARIANT_ITU;
	trunk->cfg.policy = ISUP_SELECT_SEQUENTIAL;
	trunk->tdefs = talloc_memdup(trunk, isup_tdefs_default, sizeof(isup_tdefs_default));
	trunk->ctrs = rate_ctr_group_alloc(trunk, &isup_trunk_ctrg_desc, index);
	trunk->rx_ctrs = rate_ctr_group_alloc(trunk, &isup_rx_ctrg_desc, index);
	trunk->tx_ctrs = rate_ctr_group_alloc(trunk, &isup_tx_ctrg_desc, index);
	if (!trunk->tdefs || !trunk->ctrs || !trunk->rx_ctrs || !trunk->tx_ctrs) {
		rate_ctr_group_free(trunk->ctrs);
		rate_ctr_group_free(trunk->rx_ctrs);
		rate_ctr_group_free(trunk->tx_ctrs);
		talloc_free(trunk);
		return NULL;
	}
	rate_ctr_group_set_name(trunk->ctrs, name);
	rate_ctr_group_set_name(trunk->rx_ctrs, name);
	rate_ctr_group_set_name(trunk->tx_ctrs, name);
	osmo_tdefs_reset(trunk->tdefs);
	talloc_set_destructor(trunk, isup_trunk_destructor);
	return trunk;
}

void isup_trunk_free(struct isup_trunk *trunk)
{
	talloc_free(trunk);
}

unsigned int isup_variant_max_cic(enum isup_variant variant)
{
	/* Q.763 1.2: 12 bits; T1.113: 14 bits */
	return variant == ISUP_VARIANT_ANSI ? 16383 : 4095;
}

static unsigned int isup_trunk_cfg_count(const struct isup_trunk_cfg *cfg)
{
	unsigned int i, n = 0;

	for (i = 0; i < cfg->num_ranges; i++)
		n += cfg->ranges[i].last - cfg->ranges[i].first + 1;
	return n;
}

int isup_trunk_add_range(struct isup_trunk *trunk, unsigned int first, unsigned int last)
{
	struct isup_trunk_cfg *cfg = &trunk->cfg;
	unsigned int i, j;

	if (first > last || last > isup_variant_max_cic(cfg->variant))
		return -EINVAL;
	if (cfg->num_ranges >= ISUP_TRUNK_MAX_RANGES)
		return -ERANGE;
	if (isup_trunk_cfg_count(cfg) + (last - first + 1) > ISUP_TRUNK_MAX_CIRCUITS)
		return -ERANGE;
	for (i = 0; i < cfg->num_ranges; i++)
		if (first <= cfg->ranges[i].last && last >= cfg->ranges[i].first)
			return -EEXIST;
	/* keep the ranges sorted so that circuits come out in CIC order */
	for (i = 0; i < cfg->num_ranges && cfg->ranges[i].first < first; i++)
		;
	for (j = cfg->num_ranges; j > i; j--)
		cfg->ranges[j] = cfg->ranges[j - 1];
	cfg->ranges[i].first = first;
	cfg->ranges[i].last = last;
	cfg->num_ranges++;
	return 0;
}

int isup_trunk_start(struct isup_trunk *trunk)
{
	struct isup_circuit *c;
	unsigned int i, cic, n = isup_trunk_cfg_count(&trunk->cfg);
	char id[ISUP_TRUNK_NAME_MAX + 8];

	if (trunk->started)
		return 0;
	if (!trunk->cfg.opc_set || !trunk->cfg.dpc_set || n == 0)
		return -EINVAL;
	trunk->circ = talloc_zero_array(trunk, struct isup_circuit *, n);
	if (!trunk->circ)
		return -ENOMEM;
	trunk->num_circ = 0;
	for (i = 0; i < trunk->cfg.num_ranges; i++) {
		for (cic = trunk->cfg.ranges[i].first; cic <= trunk->cfg.ranges[i].last; cic++) {
			c = talloc_zero(trunk->circ, struct isup_circuit);
			if (!c)
				goto fail;
			c->trunk = trunk;
			c->cic = cic;
			isup_circuit_init_timer(c);
			snprintf(id, sizeof(id), "%s-%u", trunk->cfg.name, cic);
			c->fi = osmo_fsm_inst_alloc(&isup_circuit_fsm, c, c, LOGL_DEBUG, NULL);
			if (!c->fi)
				goto fail;
			osmo_fsm_inst_update_id_f_sanitize(c->fi, '-', "%s", id);
			trunk->circ[trunk->num_circ++] = c;
		}
	}
	trunk->started = true;
	trunk->available = false;
	LOGP(DISUP, LOGL_NOTICE, "trunk %s: %u circuits, waiting for the destination\n",
	     trunk->cfg.name, trunk->num_circ);
	return 0;
fail:
	trunk->started = true;
	isup_trunk_stop(trunk);
	return -ENOMEM;
}

void isup_trunk_stop(struct isup_trunk *trunk)
{
	struct isup_group_op *op, *tmp;
	unsigned int i;

	llist_for_each_entry_safe(op, tmp, &trunk->group_ops, list)
		isup_group_op_free(op);
	if (!trunk->started)
		return;
	for (i = 0; i < trunk->num_circ; i++) {
		struct isup_circuit *c = trunk->circ[i];

		osmo_timer_del(&c->blk_timer);
		osmo_timer_del(&c->cot_timer);
		if (c->fi)
			osmo_fsm_inst_term(c->fi, OSMO_FSM_TERM_REQUEST, NULL);
	}
	TALLOC_FREE(trunk->circ);
	trunk->num_circ = 0;
	trunk->started = false;
	trunk->available = false;
}

struct isup_circuit *isup_trunk_circuit(struct isup_trunk *trunk, uint16_t cic)
{
	unsigned int lo = 0, hi = trunk->num_circ;

	while (lo < hi) {
		unsigned int mid = (lo + hi) / 2;
		struct isup_circuit *c = trunk->circ[mid];

		if (c->cic == cic)
			return c;
		if (c->cic < cic)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

bool isup_trunk_controls(const struct isup_trunk *trunk, uint16_t cic)
{
	bool higher = trunk->cfg.opc > trunk->cfg.dpc;

	return (cic % 2 == 0) == higher;
}

static bool isup_circuit_free(const struct isup_circuit *c)
{
	return c->fi->state == ISUP_CIRC_ST_IDLE && !c->blk && !c->remote_unequipped &&
	       c->pending == ISUP_PEND_NONE;
}

struct isup_circuit *isup_trunk_select(struct isup_trunk *trunk)
{
	struct isup_circuit *best = NULL;
	unsigned int i, k;

	if (!trunk->started || !trunk->available || trunk->num_circ == 0)
		goto none;
	switch (trunk->cfg.policy) {
	case ISUP_SELECT_SEQUENTIAL:
		for (i = 0; i < trunk->num_circ; i++)
			if (isup_circuit_free(trunk->circ[i]))
				return trunk->circ[i];
		break;
	case ISUP_SELECT_ROUND_ROBIN:
		for (k = 0; k < trunk->num_circ; k++) {
			i = (trunk->rr_next + k) % trunk->num_circ;
			if (isup_circuit_free(trunk->circ[i])) {
				trunk->rr_next = (i + 1) % trunk->num_circ;
				return trunk->circ[i];
			}
		}
		break;
	case ISUP_SELECT_LEAST_USED:
		for (i = 0; i < trunk->num_circ; i++)
			if (isup_circuit_free(trunk->circ[i]) &&
			    (!best || trunk->circ[i]->seizures < best->seizures))
				best = trunk->circ[i];
		if (best)
			return best;
		break;
	}
none:
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_NO_CIRCUIT));
	return NULL;
}

unsigned long isup_trunk_timer(const struct isup_trunk *trunk, int T)
{
	return osmo_tdef_get(trunk->tdefs, T, OSMO_TDEF_S, 1);
}

int isup_trunk_send(struct isup_trunk *trunk, struct isup_msg *msg)
{
	uint8_t buf[ISUP_MAX_MSG_LEN];
	int len, rc;

	len = isup_encode_cic(msg, buf, sizeof(buf));
	if (len < 0 || !trunk->tx) {
		LOGP(DISUP, LOGL_ERROR, "trunk %s CIC %u: cannot encode %s: %s\n", trunk->cfg.name,
		     msg->cic, isup_msg_type_name(msg->type), isup_strerror(len));
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_TX_FAIL));
		return len < 0 ? -EINVAL : -ENOTCONN;
	}
	rc = trunk->tx(trunk, msg->cic, buf, len);
	if (rc < 0) {
		rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_TX_FAIL));
		return rc;
	}
	LOGP(DISUP, LOGL_INFO, "trunk %s CIC %u: tx %s\n", trunk->cfg.name, msg->cic,
	     isup_msg_type_name(msg->type));
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_TX_MSG));
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->tx_ctrs, isup_msg_ctr_index(msg->type)));
	return 0;
}

void isup_trunk_mtp_pause(struct isup_trunk *trunk)
{
	struct isup_group_op *op, *tmp;
	unsigned int i;

	if (!trunk->started || !trunk->available)
		return;
	trunk->available = false;
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_MTP_PAUSE));
	LOGP(DISUP, LOGL_NOTICE, "trunk %s: destination inaccessible (MTP-PAUSE)\n", trunk->cfg.name);
	llist_for_each_entry_safe(op, tmp, &trunk->group_ops, list)
		isup_group_op_free(op);
	for (i = 0; i < trunk->num_circ; i++)
		isup_circuit_mtp_pause(trunk->circ[i]);
}

void isup_trunk_mtp_resume(struct isup_trunk *trunk)
{
	if (!trunk->started || trunk->available)
		return;
	trunk->available = true;
	rate_ctr_inc(rate_ctr_group_get_ctr(trunk->ctrs, ISUP_CTR_MTP_RESUME));
	LOGP(DISUP, LOGL_NOTICE, "trunk %s: destination accessible (MTP-RESUME), resetting circuits\n",
	     trunk->cfg.name);
	isup_trunk_group_reset(trunk);
}

bool isup_circuit_matches(const struct isup_circuit *c, enum isup_circ_filter f)
{
	uint32_t st = c->fi->state;

	switch (f) {
	case ISUP_FILTER_ALL:
		return true;
	case ISUP_FILTER_IDLE:
		return st == ISUP_CIRC_ST_IDLE && !c->blk;
	case ISUP_FILTER_BUSY:
		return st >= ISUP_CIRC_ST_OUT_IAM;
	case ISUP_FILTER_BLOCKED:
		return c->blk != 0;
	case ISUP_FILTER_UNAVAILABLE:
		return st == ISUP_CIRC_ST_UNAVAILABLE;
	case ISUP_FILTER_RESETTING:
		return st == ISUP_CIRC_ST_RESETTING;
	case ISUP_FILTER_UNEQUIPPED:
		return c->remote_unequipped;
	}
	return false;
}

const char *isup_circuit_blk_str(const struct isup_circuit *c, char *buf, size_t len)
{
	static const struct {
		uint8_t bit;
		const char *abbr;
	} bits[] = {
		{ ISUP_BLK_LOCAL_MAINT, "LM" },
		{ ISUP_BLK_LOCAL_HW, "LH" },
		{ ISUP_BLK_REMOTE_MAINT, "RM" },
		{ ISUP_BLK_REMOTE_HW, "RH" },
	};
	struct osmo_strbuf sb = { .buf = buf, .len = len };
	unsigned int i;
	bool any = false;

	buf[0] = '\0';
	for (i = 0; i < ARRAY_SIZE(bits); i++) {
		if (c->blk & bits[i].bit) {
			OSMO_STRBUF_PRINTF(sb, "%s%s", any ? "," : "", bits[i].abbr);
			any = true;
		}
	}
	if (!any)
		OSMO_STRBUF_PRINTF(sb, "-");
	return buf;
}

static unsigned long repeat_elapsed(const struct isup_repeat *r)
{
	struct timespec now;

	osmo_clock_gettime(CLOCK_MONOTONIC, &now);
	if (now.tv_sec < r->start.tv_sec)
		return 0;
	return now.tv_sec - r->start.tv_sec - (now.tv_nsec < r->start.tv_nsec ? 1 : 0);
}

void isup_repeat_start(struct isup_repeat *r, bool long_phase)
{
	osmo_clock_gettime(CLOCK_MONOTONIC, &r->start);
	r->long_phase = long_phase;
}

bool isup_repeat_expired(const struct isup_trunk *trunk, struct isup_repeat *r, int Tlong)
{
	if (r->long_phase || repeat_elapsed(r) < isup_trunk_timer(trunk, Tlong))
		return false;
	r->long_phase = true;
	return true;
}

unsigned long isup_repeat_next(const struct isup_trunk *trunk, const struct isup_repeat *r,
			       int Tshort, int Tlong, int *T)
{
	unsigned long tl = isup_trunk_timer(trunk, Tlong), ts = isup_trunk_timer(trunk, Tshort);
	unsigned long elapsed = repeat_elapsed(r);

	if (r->long_phase || elapsed >= tl) {
		*T = Tlong;
		return tl;
	}
	/* the long timer runs beside the short one and may end first */
	if (tl - elapsed <= ts) {
		*T = Tlong;
		return tl - elapsed;
	}
	*T = Tshort;
	return ts;
}
