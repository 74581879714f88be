/* tandemd's SS7 side: an M3UA ASP (libosmo-sigtran) carrying ISUP for the
 * trunks of isup/q764.h, and their VTY.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/sigtran/sccp_sap.h>
#include <osmocom/vty/command.h>

#include "isup/q764.h"
#include "src/tandem_vty.h"

/*! Most trunks tandemd holds. */
#define SS7_MAX_TRUNKS	64

/*! Counters of the M3UA glue (per process). */
enum ss7_ctr {
	SS7_CTR_RX_TRANSFER,
	SS7_CTR_RX_NOT_ISUP,
	SS7_CTR_RX_NO_TRUNK,
	SS7_CTR_RX_OTHER_PRIM,
	SS7_CTR_TX_TRANSFER,
	SS7_CTR_TX_FAIL,
	SS7_CTR_PAUSE,
	SS7_CTR_RESUME,
	SS7_CTR_PCSTATE,
};

/*! Per-variant layout of the MTP3 routing label; the one place that
 *  knows point-code and SLS widths. */
struct ss7_label_fmt {
	enum isup_variant variant;
	uint8_t pc_bits;	/*!< 14 ITU, 24 ANSI and China */
	uint8_t sls_bits;	/*!< 4 ITU and China, 5 ANSI */
};

/*! The SS7 side of tandemd. */
struct ss7_state {
	void *ctx;
	struct osmo_ss7_instance *inst;
	bool user_registered;
	struct llist_head trunks;
	unsigned int next_index;
	struct osmo_timer_list avail_timer;
	/*! SCCP instance and user that only listen for N-PCSTATE: the one
	 *  way libosmo-sigtran 1.6 passes DUNA/DAVA (remote point code
	 *  status behind the STP) up to an application */
	struct osmo_sccp_instance *sccp;
	struct osmo_sccp_user *pcstate_user;
	bool sccp_own;
	struct rate_ctr_group *ctrs;
};

extern struct ss7_state *g_ss7;

/*! Set up libosmo-sigtran, its cs7 VTY nodes and the ISUP trunk nodes.
 *  Call after vty_init() and before the config is read. */
void ss7_vty_init(void *ctx);

/*! Leaving a node: the cs7 nodes start their ASP here. */
int ss7_vty_go_parent(struct vty *vty);

/*! After the config: register the ISUP user, add the default route and
 *  start the trunks.  Without a cs7 instance there is no SS7 side.
 *  \returns 0 or a negative errno. */
int ss7_start(void);

/*! Stop the trunks and unregister; before the loop ends. */
void ss7_stop(void);

/*! The routing-label layout of a variant. */
const struct ss7_label_fmt *ss7_label_fmt(enum isup_variant variant);

/*! Whether a point code fits the variant's width. */
bool ss7_pc_valid(enum isup_variant variant, uint32_t pc);

/*! SLS for a CIC: Q.704 2.2 / T1.111 put the CIC's low bits there so that
 *  one circuit's messages stay in sequence on one link. */
uint8_t ss7_sls_for_cic(enum isup_variant variant, uint16_t cic);

/*! Find a trunk by name. */
struct isup_trunk *ss7_trunk_find(const char *name);

/*! Create a trunk (not started). */
struct isup_trunk *ss7_trunk_create(const char *name);

/*! Install the ISUP trunk config node and the operator commands. */
void ss7_vty_init_isup(void);

/*! SSN of the listen-only SCCP user that receives N-PCSTATE (DUNA/DAVA);
 *  nothing is ever sent from it. */
#define SS7_PCSTATE_SSN	254

/*! Re-evaluate destination availability now (also runs on a timer). */
void ss7_check_availability(void);
