/* Call control: one osmo_fsm per call joining a SIP leg (Sofia nua handle)
 * and an ISUP leg (a Q.764 circuit).  First slice: SIP -> ISUP basic call,
 * no media gateway yet (see doc/callcontrol.md).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>

#include "isup/sipi_profile.h"
#include "src/cc_route.h"

struct nua_s;
struct nua_handle_s;
struct sip_s;
struct isup_circuit;
struct isup_msg;
struct cdr_record;

/*! Most calls at once; more INVITEs get 503 cause 42. */
#define CC_MAX_CALLS	4096
/*! Largest SDP body kept for the placeholder answer. */
#define CC_SDP_MAX	4096

/*! States of the call FSM. */
enum cc_call_state {
	CC_ST_PROCEEDING,	/*!< IAM sent, 100 sent, awaiting ACM */
	CC_ST_ALERTING,		/*!< ACM received, 18x sent */
	CC_ST_ANSWERED,		/*!< ANM/CON received, 200 sent */
	CC_ST_RELEASING,	/*!< one leg released, waiting for the other */
};
extern const struct value_string cc_call_state_names[];

/*! Events of the call FSM. */
enum cc_call_event {
	CC_EV_ISUP_PROGRESS,	/*!< ACM/CPG/ANM/CON; data: struct isup_msg */
	CC_EV_ISUP_RELEASE,	/*!< REL or circuit failure; data: uint8_t cause */
	CC_EV_ISUP_RETRY,	/*!< dual seizure lost: another circuit */
	CC_EV_SIP_CANCEL,	/*!< data: const struct sip_s */
	CC_EV_SIP_BYE,		/*!< data: const struct sip_s */
	CC_EV_SIP_GONE,		/*!< nua says the dialog is terminated */
	CC_EV_CLEAR,		/*!< operator `clear call` */
};
extern const struct value_string cc_call_event_names[];

/*! Rate counters of call control. */
enum cc_ctr {
	CC_CTR_CALL_IN,
	CC_CTR_CALL_ANSWERED,
	CC_CTR_FAIL_NO_ROUTE,
	CC_CTR_FAIL_NO_CIRCUIT,
	CC_CTR_FAIL_IAM,
	CC_CTR_FAIL_OVERLOAD,
	CC_CTR_FAIL_REJECTED,
	CC_CTR_FAIL_CANCELLED,
	CC_CTR_FAIL_TIMEOUT,
	CC_CTR_CLEARED,
};

/*! Rate counters of each route. */
enum cc_route_ctr {
	CC_ROUTE_CTR_CALLS,
	CC_ROUTE_CTR_ANSWERED,
	CC_ROUTE_CTR_NO_CIRCUIT,
	CC_ROUTE_CTR_REJECTED,
};

/*! Count on a route (routes made outside the VTY have no counters). */
void cc_route_ctr_inc(const struct cc_route *r, enum cc_route_ctr c);

/*! Which profile a SIP leg speaks (until SIP trunks carry their own). */
enum cc_sip_profile {
	CC_PROFILE_SIP,
	CC_PROFILE_SIPI,
	CC_PROFILE_SIPT,
};
extern const struct value_string cc_sip_profile_names[];

/*! One call. */
struct cc_call {
	struct llist_head list;
	uint32_t id;
	struct osmo_fsm_inst *fi;
	struct timespec started;
	/* SIP leg */
	struct nua_handle_s *nh;
	bool sip_gone;
	bool sip_final_sent;
	char *sdp;
	char *call_id;
	/* ISUP leg */
	struct isup_circuit *circ;
	bool isup_gone;
	/*! the IAM as first built, kept for a dual-seizure retry */
	struct isup_msg *iam;
	const struct cc_route *route;
	char route_name[CC_ROUTE_NAME_MAX];
	char trunk_name[CC_ROUTE_NAME_MAX];
	unsigned int dest_idx;
	uint16_t cic;
	char called_out[CC_DIGITS_MAX + 1];
	struct cdr_record *cdr;
};

/*! Process-wide call control state. */
struct cc_state {
	void *ctx;
	struct llist_head calls;
	unsigned int num_calls;
	uint32_t next_id;
	struct cc_route_table routes;
	enum cc_sip_profile profile;
	struct rate_ctr_group *ctrs;
	/*! index of the next route counter group */
	unsigned int next_route_idx;
};

extern struct cc_state *g_cc;

/*! Call control timers (X1: release guard), settable in the VTY. */
extern struct osmo_tdef cc_tdefs[];

/*! Allocate call control and install its VTY nodes (before the config). */
int cc_init(void *ctx);

/*! After ss7_start(): attach call control to every ISUP trunk. */
void cc_start(void);

/*! Release every call (shutdown). */
void cc_stop(void);

/*! An INVITE arrived.  \returns 0 when call control took it, -ENOENT
 *  when no route is configured at all (the SIP agent then refuses with
 *  503 cause 41 as before call control existed). */
int cc_sip_invite(struct nua_s *nua, struct nua_handle_s *nh, const struct sip_s *sip);

/*! A nua event on a call's handle (hmagic is the call); callstate is
 *  NUTAG_CALLSTATE of nua_i_state.  \returns true when consumed. */
bool cc_sip_event(int event, int status, const char *phrase, struct nua_handle_s *nh, void *hmagic,
		  const struct sip_s *sip, int callstate);

/*! Find a call by id. */
struct cc_call *cc_call_find(uint32_t id);

/*! Count a failure. */
void cc_ctr_inc(enum cc_ctr c);

/*! The sipi profile of the SIP side for an ISUP variant. */
void cc_sipi_profile(struct sipi_profile *p, int variant);

/*! Install the call-control VTY (src/cc_vty.c). */
void cc_vty_init(void);

struct vty;
/*! Install the route nodes and commands (src/cc_route_vty.c). */
void cc_route_vty_init(void);
/*! Write the routes of the call-control node. */
void cc_route_vty_write(struct vty *vty);
