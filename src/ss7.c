/* tandemd as an M3UA ASP: ISUP (SI=5) through libosmo-sigtran 1.6.
 *
 * libosmo-sigtran delivers MTP-PAUSE/RESUME only to its own SCCP, never to
 * an ISUP user, so destination availability is derived here from the
 * state of the AS that routes to each trunk's remote point code, polled on
 * a short timer.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/msgb.h>
#include <osmocom/core/prim.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/sigtran/mtp_sap.h>
#include <osmocom/sigtran/osmo_ss7.h>
#include <osmocom/sigtran/protocol/mtp.h>

#include "src/ss7.h"
#include "src/tandem_log.h"

/* How often the AS state is looked at; a change is seen within this. */
#define SS7_AVAIL_POLL_MS	200

struct ss7_state *g_ss7;

static const struct ss7_label_fmt ss7_label_fmts[] = {
	{ ISUP_VARIANT_ITU, 14, 4 },
	{ ISUP_VARIANT_ANSI, 24, 5 },
	{ ISUP_VARIANT_CHINA, 24, 4 },
};

static const struct rate_ctr_desc ss7_ctr_desc[] = {
	[SS7_CTR_RX_TRANSFER] = { "rx:transfer", "MTP-TRANSFER.ind received" },
	[SS7_CTR_RX_NOT_ISUP] = { "rx:not_isup", "MTP-TRANSFER.ind for another service indicator" },
	[SS7_CTR_RX_NO_TRUNK] = { "rx:no_trunk", "ISUP from a point code pair no trunk has" },
	[SS7_CTR_RX_OTHER_PRIM] = { "rx:other_prim", "Other MTP primitives received" },
	[SS7_CTR_TX_TRANSFER] = { "tx:transfer", "MTP-TRANSFER.req sent" },
	[SS7_CTR_TX_FAIL] = { "tx:fail", "MTP-TRANSFER.req that failed" },
	[SS7_CTR_PAUSE] = { "mtp:pause", "Destinations that became inaccessible" },
	[SS7_CTR_RESUME] = { "mtp:resume", "Destinations that became accessible" },
	[SS7_CTR_PCSTATE] = { "mtp:pcstate", "Remote point code status reports (DUNA/DAVA)" },
};

static const struct rate_ctr_group_desc ss7_ctrg_desc = {
	.group_name_prefix = "ss7",
	.group_description = "M3UA transport of ISUP",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(ss7_ctr_desc),
	.ctr_desc = ss7_ctr_desc,
};

static void ctr_inc(unsigned int idx)
{
	rate_ctr_inc(rate_ctr_group_get_ctr(g_ss7->ctrs, idx));
}

const struct ss7_label_fmt *ss7_label_fmt(enum isup_variant variant)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ss7_label_fmts); i++)
		if (ss7_label_fmts[i].variant == variant)
			return &ss7_label_fmts[i];
	return &ss7_label_fmts[0];
}

bool ss7_pc_valid(enum isup_variant variant, uint32_t pc)
{
	return pc < (1u << ss7_label_fmt(variant)->pc_bits);
}

uint8_t ss7_sls_for_cic(enum isup_variant variant, uint16_t cic)
{
	return cic & ((1u << ss7_label_fmt(variant)->sls_bits) - 1);
}

struct isup_trunk *ss7_trunk_find(const char *name)
{
	struct isup_trunk *trunk;

	llist_for_each_entry(trunk, &g_ss7->trunks, list)
		if (!strcmp(trunk->cfg.name, name))
			return trunk;
	return NULL;
}

static int ss7_trunk_tx(struct isup_trunk *trunk, uint16_t cic, const uint8_t *data, size_t len)
{
	struct osmo_mtp_prim *omp;
	struct msgb *msg;
	int rc;

	if (!g_ss7->inst || !g_ss7->user_registered) {
		ctr_inc(SS7_CTR_TX_FAIL);
		return -ENOTCONN;
	}
	msg = msgb_alloc_headroom(sizeof(*omp) + len + 128, 128, "ISUP MTP-TRANSFER.req");
	if (!msg) {
		ctr_inc(SS7_CTR_TX_FAIL);
		return -ENOMEM;
	}
	omp = (struct osmo_mtp_prim *)msgb_put(msg, sizeof(*omp));
	osmo_prim_init(&omp->oph, MTP_SAP_USER, OSMO_MTP_PRIM_TRANSFER, PRIM_OP_REQUEST, msg);
	omp->u.transfer.opc = trunk->cfg.opc;
	omp->u.transfer.dpc = trunk->cfg.dpc;
	omp->u.transfer.sls = ss7_sls_for_cic(trunk->cfg.variant, cic);
	omp->u.transfer.sio = MTP_SIO(MTP_SI_ISUP, g_ss7->inst->cfg.network_indicator);
	msg->l2h = msgb_put(msg, len);
	memcpy(msg->l2h, data, len);
	/* frees msg in every case */
	rc = osmo_ss7_user_mtp_xfer_req(g_ss7->inst, omp);
	if (rc < 0) {
		LOGP(DSS7, LOGL_ERROR, "trunk %s: MTP-TRANSFER.req failed: %d\n", trunk->cfg.name, rc);
		ctr_inc(SS7_CTR_TX_FAIL);
		return rc;
	}
	ctr_inc(SS7_CTR_TX_TRANSFER);
	return 0;
}

/* Trunks sharing a pair of point codes are told apart by CIC only, so
 * their CIC ranges must not overlap. */
static int ss7_check_cic_overlap(void)
{
	const struct isup_trunk *a, *b;
	unsigned int i, j;

	llist_for_each_entry(a, &g_ss7->trunks, list) {
		b = a;
		llist_for_each_entry_continue(b, &g_ss7->trunks, list) {
			if (a->cfg.opc != b->cfg.opc || a->cfg.dpc != b->cfg.dpc)
				continue;
			for (i = 0; i < a->cfg.num_ranges; i++)
				for (j = 0; j < b->cfg.num_ranges; j++) {
					if (a->cfg.ranges[i].first > b->cfg.ranges[j].last ||
					    b->cfg.ranges[j].first > a->cfg.ranges[i].last)
						continue;
					LOGP(DSS7, LOGL_ERROR, "trunks %s and %s share point codes and CICs %u-%u\n",
					     a->cfg.name, b->cfg.name, b->cfg.ranges[j].first, b->cfg.ranges[j].last);
					return -EEXIST;
				}
		}
	}
	return 0;
}

static struct isup_trunk *ss7_trunk_by_label(uint32_t opc, uint32_t dpc, const uint8_t *data, size_t len)
{
	struct isup_trunk *trunk, *first = NULL;
	uint16_t cic;

	/* several trunks may share one pair of point codes with distinct CIC
	 * ranges: the CIC picks the trunk; a CIC none of them has goes to the
	 * first, which answers it as unequipped */
	llist_for_each_entry(trunk, &g_ss7->trunks, list) {
		if (!trunk->started || trunk->cfg.dpc != opc || trunk->cfg.opc != dpc)
			continue;
		if (!first)
			first = trunk;
		if (len < 2)
			break;
		cic = (data[0] | data[1] << 8) & isup_variant_max_cic(trunk->cfg.variant);
		if (isup_trunk_circuit(trunk, cic))
			return trunk;
	}
	return first;
}

static int ss7_prim_cb(struct osmo_prim_hdr *oph, void *priv)
{
	struct osmo_mtp_prim *omp = (struct osmo_mtp_prim *)oph;
	struct osmo_mtp_transfer_param *p = &omp->u.transfer;
	struct isup_trunk *trunk;

	if (oph->sap != MTP_SAP_USER || oph->primitive != OSMO_MTP_PRIM_TRANSFER ||
	    oph->operation != PRIM_OP_INDICATION) {
		ctr_inc(SS7_CTR_RX_OTHER_PRIM);
		goto out;
	}
	ctr_inc(SS7_CTR_RX_TRANSFER);
	if ((p->sio & 0x0f) != MTP_SI_ISUP) {
		ctr_inc(SS7_CTR_RX_NOT_ISUP);
		goto out;
	}
	trunk = ss7_trunk_by_label(p->opc, p->dpc, msgb_l2(oph->msg), msgb_l2len(oph->msg));
	if (!trunk) {
		LOGP(DSS7, LOGL_NOTICE, "ISUP from OPC %s to DPC %s: no trunk, discarded\n",
		     osmo_ss7_pointcode_print(g_ss7->inst, p->opc),
		     osmo_ss7_pointcode_print2(g_ss7->inst, p->dpc));
		ctr_inc(SS7_CTR_RX_NO_TRUNK);
		goto out;
	}
	isup_trunk_rx(trunk, msgb_l2(oph->msg), msgb_l2len(oph->msg));
out:
	msgb_free(oph->msg);
	return 0;
}

static struct osmo_ss7_user ss7_isup_user = {
	.name = "ISUP",
	.prim_cb = ss7_prim_cb,
};

/* A destination is accessible while the AS that routes to it is active
 * (our own ASP is up and active at the STP) and the STP has not reported
 * the point code itself inaccessible (DUNA). */
static bool ss7_dest_available(struct isup_trunk *trunk)
{
	struct osmo_ss7_route *rt = osmo_ss7_route_lookup(g_ss7->inst, trunk->cfg.dpc);

	if (!rt || !rt->dest.as || !osmo_ss7_as_active(rt->dest.as)) {
		/* a DUNA is news from one association to the STP; once that
		 * is gone, the next one starts from "accessible" until told
		 * otherwise, as at start-up */
		trunk->dpc_prohibited = false;
		return false;
	}
	return !trunk->dpc_prohibited;
}

/* N-PCSTATE.ind: libosmo-sigtran 1.6 turns a DUNA/DAVA from the STP into
 * MTP-PAUSE/RESUME for its SCCP only, which broadcasts them to its users
 * as N-PCSTATE; this listen-only user is how ISUP learns of them. */
static int ss7_pcstate_cb(struct osmo_prim_hdr *oph, void *priv)
{
	struct osmo_scu_prim *prim = (struct osmo_scu_prim *)oph;
	struct isup_trunk *trunk;
	bool prohibited;

	if (oph->primitive != OSMO_SCU_PRIM_N_PCSTATE || oph->operation != PRIM_OP_INDICATION)
		goto out;
	ctr_inc(SS7_CTR_PCSTATE);
	if (prim->u.pcstate.sp_status != OSMO_SCCP_SP_S_INACCESSIBLE &&
	    prim->u.pcstate.sp_status != OSMO_SCCP_SP_S_ACCESSIBLE)
		goto out;
	prohibited = prim->u.pcstate.sp_status == OSMO_SCCP_SP_S_INACCESSIBLE;
	LOGP(DSS7, LOGL_NOTICE, "the STP reports PC %s %s\n",
	     osmo_ss7_pointcode_print(g_ss7->inst, prim->u.pcstate.affected_pc),
	     prohibited ? "inaccessible" : "accessible");
	llist_for_each_entry(trunk, &g_ss7->trunks, list)
		if (trunk->cfg.dpc == prim->u.pcstate.affected_pc)
			trunk->dpc_prohibited = prohibited;
	ss7_check_availability();
out:
	msgb_free(oph->msg);
	return 0;
}

static void ss7_pcstate_start(void)
{
	g_ss7->sccp = g_ss7->inst->sccp;
	if (!g_ss7->sccp) {
		/* the instance's SCCP is what DUNA/DAVA are delivered to;
		 * creating one does not set it */
		g_ss7->sccp = osmo_sccp_instance_create(g_ss7->inst, NULL);
		g_ss7->inst->sccp = g_ss7->sccp;
		g_ss7->sccp_own = true;
	}
	if (g_ss7->sccp)
		g_ss7->pcstate_user = osmo_sccp_user_bind(g_ss7->sccp, "tandem-pcstate", ss7_pcstate_cb,
							  SS7_PCSTATE_SSN);
	if (!g_ss7->pcstate_user)
		LOGP(DSS7, LOGL_ERROR, "no SCCP user for remote point code status: only the loss "
		     "of our own association is seen\n");
}

void ss7_check_availability(void)
{
	struct isup_trunk *trunk;
	bool up;

	if (!g_ss7->inst)
		return;
	llist_for_each_entry(trunk, &g_ss7->trunks, list) {
		if (!trunk->started)
			continue;
		up = ss7_dest_available(trunk);
		if (up && !trunk->available) {
			LOGP(DSS7, LOGL_NOTICE, "DPC %s accessible: MTP-RESUME for trunk %s\n",
			     osmo_ss7_pointcode_print(g_ss7->inst, trunk->cfg.dpc), trunk->cfg.name);
			ctr_inc(SS7_CTR_RESUME);
			isup_trunk_mtp_resume(trunk);
		} else if (!up && trunk->available) {
			LOGP(DSS7, LOGL_NOTICE, "DPC %s inaccessible: MTP-PAUSE for trunk %s\n",
			     osmo_ss7_pointcode_print(g_ss7->inst, trunk->cfg.dpc), trunk->cfg.name);
			ctr_inc(SS7_CTR_PAUSE);
			isup_trunk_mtp_pause(trunk);
		}
	}
}

static void ss7_avail_timer_cb(void *data)
{
	ss7_check_availability();
	osmo_timer_schedule(&g_ss7->avail_timer, 0, SS7_AVAIL_POLL_MS * 1000);
}

/* The ASP side of 1.6 has no route-table node: send everything to the
 * first M3UA AS unless routes were set up some other way. */
static int ss7_add_default_route(struct osmo_ss7_instance *inst)
{
	struct osmo_ss7_as *as;

	/* the AS's routing key already gave a route to our own PC */
	if (osmo_ss7_route_find_dpc_mask(inst->rtable_system, 0, 0))
		return 0;
	llist_for_each_entry(as, &inst->as_list, list) {
		if (as->cfg.proto != OSMO_SS7_ASP_PROT_M3UA)
			continue;
		if (!osmo_ss7_route_create(inst->rtable_system, 0, 0, as->cfg.name))
			return -ENOMEM;
		LOGP(DSS7, LOGL_INFO, "default route via AS %s\n", as->cfg.name);
		return 0;
	}
	LOGP(DSS7, LOGL_ERROR, "cs7 instance 0 has no M3UA AS: no route for ISUP\n");
	return -ENOENT;
}

int ss7_start(void)
{
	struct isup_trunk *trunk;
	int rc;

	g_ss7->inst = osmo_ss7_instance_find(0);
	if (!g_ss7->inst) {
		if (!llist_empty(&g_ss7->trunks)) {
			LOGP(DSS7, LOGL_ERROR, "ISUP trunks need 'cs7 instance 0'\n");
			return -EINVAL;
		}
		return 0;
	}
	rc = osmo_ss7_user_register(g_ss7->inst, MTP_SI_ISUP, &ss7_isup_user);
	if (rc < 0) {
		LOGP(DSS7, LOGL_ERROR, "cannot register the ISUP user: %d\n", rc);
		return rc;
	}
	g_ss7->user_registered = true;
	rc = ss7_add_default_route(g_ss7->inst);
	if (rc < 0 && !llist_empty(&g_ss7->trunks))
		return rc;
	rc = ss7_check_cic_overlap();
	if (rc < 0)
		return rc;
	llist_for_each_entry(trunk, &g_ss7->trunks, list) {
		trunk->tx = ss7_trunk_tx;
		rc = isup_trunk_start(trunk);
		if (rc < 0) {
			LOGP(DSS7, LOGL_ERROR, "trunk %s: cannot start (point codes and CIC ranges set?)\n",
			     trunk->cfg.name);
			return rc;
		}
	}
	if (!llist_empty(&g_ss7->trunks))
		ss7_pcstate_start();
	osmo_timer_setup(&g_ss7->avail_timer, ss7_avail_timer_cb, NULL);
	ss7_avail_timer_cb(NULL);
	return 0;
}

void ss7_stop(void)
{
	struct isup_trunk *trunk;

	if (!g_ss7)
		return;
	osmo_timer_del(&g_ss7->avail_timer);
	llist_for_each_entry(trunk, &g_ss7->trunks, list)
		isup_trunk_stop(trunk);
	if (g_ss7->pcstate_user) {
		osmo_sccp_user_unbind(g_ss7->pcstate_user);
		g_ss7->pcstate_user = NULL;
	}
	if (g_ss7->sccp && g_ss7->sccp_own)
		osmo_sccp_instance_destroy(g_ss7->sccp);
	g_ss7->sccp = NULL;
	g_ss7->sccp_own = false;
	if (g_ss7->user_registered) {
		osmo_ss7_user_unregister(g_ss7->inst, MTP_SI_ISUP, &ss7_isup_user);
		g_ss7->user_registered = false;
	}
}

struct isup_trunk *ss7_trunk_create(const char *name)
{
	struct isup_trunk *trunk;

	if (llist_count(&g_ss7->trunks) >= SS7_MAX_TRUNKS)
		return NULL;
	trunk = isup_trunk_alloc(g_ss7, name, g_ss7->next_index++);
	if (!trunk)
		return NULL;
	trunk->tx = ss7_trunk_tx;
	llist_add_tail(&trunk->list, &g_ss7->trunks);
	return trunk;
}

static int ss7_state_destructor(struct ss7_state *s)
{
	rate_ctr_group_free(s->ctrs);
	return 0;
}

void ss7_vty_init(void *ctx)
{
	g_ss7 = talloc_zero(ctx, struct ss7_state);
	OSMO_ASSERT(g_ss7);
	g_ss7->ctx = ctx;
	INIT_LLIST_HEAD(&g_ss7->trunks);
	g_ss7->ctrs = rate_ctr_group_alloc(g_ss7, &ss7_ctrg_desc, 0);
	talloc_set_destructor(g_ss7, ss7_state_destructor);

	OSMO_ASSERT(osmo_ss7_init() == 0);
	osmo_ss7_vty_init_asp(ctx);
	ss7_vty_init_isup();
}

int ss7_vty_go_parent(struct vty *vty)
{
	if (osmo_ss7_is_config_node(vty, vty->node))
		return osmo_ss7_vty_go_parent(vty);
	return 0;
}
