/* Call control: one osmo_fsm per call (CALL) with one child FSM per leg:
 * CC_SIP_LEG (a Sofia nua handle, incoming or outgoing) and CC_ISUP_LEG
 * (a Q.764 circuit, incoming or outgoing).  A call joins one SIP leg and
 * one ISUP leg, in either direction (doc/callcontrol.md).
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
#include <osmocom/core/timer.h>

#include "isup/sipi_profile.h"
#include "src/cc_delay.h"
#include "src/cc_ladder.h"
#include "src/cc_route.h"

struct nua_s;
struct nua_handle_s;
struct sip_s;
struct isup_circuit;
struct isup_trunk;
struct isup_msg;
struct isup_cause;
struct cdr_record;
struct sip_trunk;
struct cc_sip_leg;
struct cc_isup_leg;
struct cc_media;
struct cc_overlap;
struct cc_sip_offer_wait;

/*! Default of `max-calls`: most calls at once; more INVITEs get 503
 *  cause 42, more IAMs REL 42. */
#define CC_MAX_CALLS_DEFAULT	16384
/*! Largest SDP body kept for the placeholder answer. */
#define CC_SDP_MAX	4096

/* Cause values call control itself uses (Q.850). */
#define CC_CAUSE_UNALLOCATED	1
#define CC_CAUSE_NO_ROUTE	3
#define CC_CAUSE_NORMAL		16
#define CC_CAUSE_NO_ANSWER	19
#define CC_CAUSE_NO_CIRCUIT	34
#define CC_CAUSE_TEMP_FAILURE	41
#define CC_CAUSE_CONGESTION	42
#define CC_CAUSE_RESOURCE	47
#define CC_CAUSE_BEARER		65
#define CC_CAUSE_TIMER_EXPIRY	102
#define CC_CAUSE_INTERWORKING	127

/*! Which way a call goes. */
enum cc_dir {
	CC_DIR_SIP_TO_ISUP,
	CC_DIR_ISUP_TO_SIP,
};
extern const struct value_string cc_dir_names[];

/*! States of the call FSM. */
enum cc_call_state {
	CC_ST_PROCEEDING,	/*!< the outgoing leg is being set up */
	CC_ST_ALERTING,		/*!< first progress (ACM / 18x) passed on */
	CC_ST_ANSWERED,		/*!< answer passed on */
	CC_ST_RELEASING,	/*!< one leg released, waiting for the other */
};
extern const struct value_string cc_call_state_names[];

/*! Events of the call FSM (all sent by its legs, except CLEAR). */
enum cc_call_event {
	CC_EV_PROGRESS,		/*!< data: struct cc_progress */
	CC_EV_ANSWER,		/*!< data: struct cc_progress */
	CC_EV_RELEASE,		/*!< a leg's far end released; data: struct cc_release */
	CC_EV_SIP_LEG_GONE,	/*!< the SIP leg FSM terminated */
	CC_EV_ISUP_LEG_GONE,	/*!< the ISUP leg FSM terminated */
	CC_EV_CLEAR,		/*!< operator `clear call` */
	CC_EV_MIDCALL,		/*!< SUS/RES of one leg for the other; data: struct cc_midcall */
	CC_EV_OVERLAP_GONE,	/*!< the overlap (digit collection) FSM terminated */
};
extern const struct value_string cc_call_event_names[];

/*! Progress or answer of a leg, passed to the other leg. */
struct cc_progress {
	enum cc_side from;
	/*! ISUP side: the ACM/CPG/ANM/CON received; SIP side: the ISUP
	 *  message encapsulated in the 18x/2xx (SIP-I/SIP-T), else NULL */
	const struct isup_msg *msg;
	/*! SIP side: the status received (18x, 2xx) and its SDP (may be NULL) */
	uint16_t status;
	const char *sdp;
};

/*! A mid-call ISUP message (SUS, RES) from one leg, for the other: sent
 *  as such on ISUP, as INFO with the message encapsulated on SIP-I/SIP-T. */
struct cc_midcall {
	enum cc_side from;
	const struct isup_msg *msg;
};

/*! A leg's far end released the call. */
struct cc_release {
	enum cc_side from;
	uint8_t cause;
	/*! Q.850 location, -1 when unknown */
	int location;
	/*! SIP final status that released it, 0 when none */
	uint16_t status;
	/*! the REL's cause indicators (diagnostic: cause 22's new number),
	 *  NULL when the release did not come from a REL; valid during the
	 *  dispatch only */
	const struct isup_cause *isup_cause;
};

/*! States of a leg FSM (both kinds). */
enum cc_leg_state {
	CC_LEG_ST_PROCEEDING,	/*!< in: setup received; out: setup sent */
	CC_LEG_ST_ALERTING,	/*!< 18x / ACM passed */
	CC_LEG_ST_ANSWERED,
	CC_LEG_ST_RELEASING,	/*!< released; waiting for the stack to finish */
};
extern const struct value_string cc_leg_state_names[];

/*! Events of a leg FSM (both kinds): from the call (*_REQ) and from the
 *  leg's own protocol stack. */
enum cc_leg_event {
	CC_LEG_EV_PROGRESS_REQ,	/*!< call: pass progress on; data: struct cc_progress */
	CC_LEG_EV_ANSWER_REQ,	/*!< call: pass the answer on; data: struct cc_progress */
	CC_LEG_EV_RELEASE_REQ,	/*!< call: release; data: struct cc_release */
	CC_LEG_EV_RX_PROGRESS,	/*!< stack: ACM/CPG, 18x */
	CC_LEG_EV_RX_ANSWER,	/*!< stack: ANM/CON, 2xx */
	CC_LEG_EV_RX_RELEASE,	/*!< stack: REL, BYE, CANCEL, final error */
	CC_LEG_EV_RX_RETRY,	/*!< ISUP: dual seizure lost */
	CC_LEG_EV_GONE,		/*!< stack: nothing left (nua terminated) */
	CC_LEG_EV_MIDCALL_REQ,	/*!< call: pass SUS/RES on; data: struct cc_midcall */
};
extern const struct value_string cc_leg_event_names[];

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
	CC_CTR_CALL_IN_ISUP,
	CC_CTR_FAIL_INVITE,
	CC_CTR_FAILOVER,
	CC_CTR_BODY_BAD,
	CC_CTR_BODY_MISMATCH,
	CC_CTR_FAIL_MEDIA,
	CC_CTR_FAIL_CODEC,
	CC_CTR_UPDATE_REFUSED,
	CC_CTR_FAIL_INCOMPLETE,
	CC_CTR_REINVITE_REFUSED,
	CC_CTR_FAIL_NO_ANSWER,
	CC_CTR_FAIL_T7,
	CC_CTR_FAIL_T9,
	CC_CTR_MIDCALL_DROPPED,
	CC_CTR_INFO_BODY_BAD,
	CC_CTR_HOLD_REINVITE,
	CC_CTR_HOLD_REINVITE_FAILED,
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

/*! Which profile a trunkless SIP side speaks (a SIP trunk has its own). */
enum cc_sip_profile {
	CC_PROFILE_SIP,
	CC_PROFILE_SIPI,
	CC_PROFILE_SIPT,
};
extern const struct value_string cc_sip_profile_names[];

/*! One call: the talloc root is its FSM instance. */
struct cc_call {
	struct llist_head list;
	uint32_t id;
	struct osmo_fsm_inst *fi;
	struct timespec started;
	/*! the INVITE -> IAM delay has been counted (a retry sends another IAM) */
	bool setup_timed;
	enum cc_dir dir;
	/*! the legs; NULL once a leg's FSM is gone */
	struct cc_sip_leg *sip;
	struct cc_isup_leg *isup;
	/*! profile of the SIP side (per SIP trunk, else the global one) */
	struct sipi_profile prof;
	/*! the IAM: built from the INVITE (SIP -> ISUP), or a copy of the
	 *  received one (ISUP -> SIP); kept for failover */
	struct isup_msg *iam;
	/*! SDP of the SIP side: the INVITE's offer (SIP -> ISUP) */
	char *sdp;
	char *call_id;
	const struct cc_route *route;
	char route_name[CC_ROUTE_NAME_MAX];
	/*! next destination of the route to try */
	unsigned int dest_idx;
	char in_trunk[CC_ROUTE_NAME_MAX];
	char out_trunk[CC_ROUTE_NAME_MAX];
	char called_out[CC_DIGITS_MAX + 1];
	struct cdr_record *cdr;
	/*! the media gateway's connections (NULL: signalling only) and the
	 *  SDP it gave for the SIP side (NULL until ready) */
	struct cc_media *media;
	char *media_sdp;
	/*! ISUP -> SIP: routing waits for the gateway's offer */
	bool route_pending;
	/*! a destination refused the call for good (no common codec, media
	 *  gateway failure): cause and SIP status to release with */
	uint8_t setup_fail_cause;
	uint16_t setup_fail_status;
	struct cc_ladder ladder;
	/*! ISUP -> SIP: the called number being collected (src/cc_overlap.c),
	 *  NULL for an en-bloc call */
	struct cc_overlap *ovl;
	/*! the SIP side holds the call (CPG "remote hold" went to ISUP) */
	bool held;
};

/*! The SIP leg of a call. */
struct cc_sip_leg {
	struct cc_call *call;
	struct osmo_fsm_inst *fi;
	bool outgoing;
	struct nua_handle_s *nh;
	/*! the SIP trunk, NULL for a trunkless setup */
	struct sip_trunk *trunk;
	/*! in: a final response went out; out: a final response came in */
	bool final;
	/*! the release of this leg was asked for or reported already */
	bool released;
	/*! out: digest answered once (a second challenge fails the leg) */
	bool auth_tried;
	/*! in: the answer waits for the media gateway's SDP */
	bool answer_pending;
	/*! in: 18x are sent reliably (RFC 3262: trunk allows, caller supports) */
	bool rel100;
	/*! how often our SDP changed since the first answer (o= version) */
	unsigned int sdp_version;
	/*! the INVITE's offer/answer is complete (a 2xx or reliable 18x
	 *  carried the answer): only then may an UPDATE offer (RFC 3311) */
	bool sdp_done;
	/*! in: the INVITE had no SDP and the media gateway makes the offer
	 *  (RFC 3261 13.2.1): in a reliable 18x or the 200; the answer comes
	 *  in the PRACK or the ACK (cc_sip_offer.c) */
	bool delayed_offer;
	/*! our offer went out (delayed offer, or a re-INVITE without SDP)
	 *  and its answer is awaited */
	bool offer_sent;
	/*! ...in a reliable 18x (answer in the PRACK), else in the 200 */
	bool offer_in_18x;
	/*! in: reliable 18x sent, PRACKs received, and which reliable 18x
	 *  carried our offer (1-based): its PRACK must carry the answer */
	uint16_t rel18x_sent, pracks_in, offer_18x_no;
	/*! a mid-call offer waits for the gateway's answer (cc_sip_offer.c) */
	struct cc_sip_offer_wait *offer_wait;
	/*! in: the status of a 18x that went without the SDP it should have
	 *  carried (the gateway's was pending): sent again with it */
	uint16_t early_resend;
	/*! in: the ANM/CON of the answer held for the gateway's SDP */
	struct isup_msg *answer_isup;
	/*! our re-INVITE (hold / retrieval from the ISUP side, plain SIP:
	 *  cc_sip_hold.c) awaits its final response */
	bool reinvite_out;
	/*! what the ISUP side asked, what the re-INVITE out says, what the
	 *  peer accepted */
	bool hold_want, hold_sent, held;
	/*! 491: the re-INVITE again after RFC 3261 14.1's wait */
	struct osmo_timer_list hold_retry;
};

/*! The ISUP leg of a call. */
struct cc_isup_leg {
	struct cc_call *call;
	struct osmo_fsm_inst *fi;
	bool outgoing;
	struct isup_trunk *trunk;
	struct isup_circuit *circ;
	uint16_t cic;
	/*! in: ACM sent (a later 18x gives CPG, the 200 ANM, not CON) */
	bool acm_sent;
	bool released;
};

/*! Process-wide call control state. */
struct cc_state {
	void *ctx;
	struct llist_head calls;
	unsigned int num_calls;
	/*! `max-calls`: admission limit */
	unsigned int max_calls;
	uint32_t next_id;
	struct cc_route_table routes;
	enum cc_sip_profile profile;
	struct rate_ctr_group *ctrs;
	/*! index of the next route counter group */
	unsigned int next_route_idx;
	/*! INVITE in -> IAM out, for `show call-control setup-delay` */
	struct cc_delay_hist setup_delay;
};

extern struct cc_state *g_cc;

/*! Call control timers (X1: release guard), settable in the VTY. */
extern struct osmo_tdef cc_tdefs[];
/*! T numbers of cc_tdefs: for the SIP leg of ISUP -> SIP calls (Q.1912.5:
 *  T7 awaiting 18x/2xx, T9 awaiting the answer), and T10, the interworking
 *  timer of the en-bloc conversion of overlap numbers. */
#define CC_T7	7
#define CC_T9	9
#define CC_T10	10

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

/*! A nua event on a call's handle (hmagic is the SIP leg); callstate is
 *  NUTAG_CALLSTATE of nua_i_state.  \returns true when consumed. */
bool cc_sip_event(int event, int status, const char *phrase, struct nua_handle_s *nh, void *hmagic,
		  const struct sip_s *sip, int callstate);

/*! Find a call by id. */
struct cc_call *cc_call_find(uint32_t id);

/*! Count a failure. */
void cc_ctr_inc(enum cc_ctr c);

/*! The global (trunkless) sipi profile of the SIP side for a variant. */
void cc_sipi_profile(struct sipi_profile *p, int variant);

/*! Milliseconds since the call started. */
uint32_t cc_call_ms(const struct cc_call *call);
/*! Microseconds since the call started. */
uint64_t cc_call_us(const struct cc_call *call);

/*! Record a message in the call's ladder. */
#define cc_ladder(call, dir, side, fmt, args...) \
	cc_ladder_add(&(call)->ladder, cc_call_ms(call), dir, side, fmt, ##args)

/*! Allocate a new call (CALL FSM, CDR) in PROCEEDING; NULL when out of
 *  memory or at `max-calls` (counted). */
struct cc_call *cc_call_alloc(enum cc_dir dir);

/*! A leg FSM instance: a child of the call's FSM (term_event when it
 *  ends) with a zeroed priv of priv_size bytes.  \returns NULL on ENOMEM */
struct osmo_fsm_inst *cc_leg_fsm_alloc(struct cc_call *call, struct osmo_fsm *fsm, uint32_t term_event,
				       size_t priv_size);

/*! The log prefix of a call after its circuit changed. */
void cc_call_update_id(struct cc_call *call);

/*! Look the route up (source: ingress trunk name, for the log); fails
 *  the call (404 / cause 3) when none matches.  \returns true when found */
bool cc_call_lookup(struct cc_call *call, const char *called, const char *calling, const char *source);

/*! With call->iam set: the route's number manipulation, then the first
 *  destination that takes the call; fails the call itself otherwise. */
void cc_call_proceed(struct cc_call *call);

/*! The ISUP variant of the first ISUP trunk among the route's
 *  destinations (a SIP -> ISUP IAM is built for it), or -ENODEV. */
int cc_call_variant(const struct cc_call *call);

/*! Route the call from call->dest_idx on and start its outgoing leg;
 *  releases the incoming leg when no destination takes the call. */
void cc_call_route(struct cc_call *call);

/*! Fail a call from tandemd itself (no route, no circuit...): both legs
 *  released with cause, counted in ctr. */
void cc_call_fail(struct cc_call *call, uint8_t cause, enum cc_ctr ctr);

/*! Fail a call with an explicit SIP status for the SIP side (e.g. 488
 *  with cause 65). */
void cc_call_fail_status(struct cc_call *call, uint8_t cause, uint16_t status, enum cc_ctr ctr);

/* The media of a call (src/cc_call_media.c). */

/*! A circuit was seized for the call on isup_trunk: with a media gateway
 *  configured there, create the call's media (SIP -> ISUP: answer the SIP
 *  offer; ISUP -> SIP: make an offer) with sip_trunk's codecs.
 *  
eturns 0 (also without a gateway), -ENOTSUP (no common codec),
 *  -EINVAL (the offer does not parse), -EIO (gateway unknown or down) */
int cc_call_media_circuit(struct cc_call *call, const char *isup_trunk, uint16_t cic,
			  const struct sip_trunk *sip_trunk);
/*! Whether the SIP side's SDP is still awaited from the gateway. */
bool cc_call_media_pending(const struct cc_call *call);
/*! The SDP for the SIP side: the gateway's, or without a gateway the
 *  placeholder (the INVITE's offer); NULL when none. */
const char *cc_call_sdp(const struct cc_call *call);
/*! ISUP -> SIP: the SIP peer's answer to the gateway's offer.
 *  
eturns 0 (also without a gateway), -ENOTSUP or -EINVAL */
int cc_call_media_answer(struct cc_call *call, const char *sdp);
/*! A mid-call offer of the SIP peer (re-INVITE, UPDATE) to the gateway;
 *  its outcome goes to cc_sip_offer_done().  \returns 0 (pending),
 *  -ENOTSUP (no common codec), -EINVAL (bad SDP), -EBUSY (the media is
 *  being set up or changed), -ENODEV without a gateway. */
int cc_call_media_reoffer(struct cc_call *call, const char *sdp);
/*! Our current SDP as a new offer (re-INVITE without SDP); its answer
 *  goes to cc_call_media_answer().  \returns a talloc string under ctx,
 *  NULL without a gateway or while the media is busy. */
char *cc_call_media_offer_again(struct cc_call *call, void *ctx);
/*! Our offer of cc_call_media_offer_again() was refused. */
void cc_call_media_offer_withdrawn(struct cc_call *call);
/*! The negotiated codec ("" without media). */
const char *cc_call_codec(const struct cc_call *call);
/*! Delete the call's media connections. */
void cc_call_media_release(struct cc_call *call);

/* The SIP leg (src/cc_sip_leg.c). */

/*! Register the CC_SIP_LEG FSM. */
int cc_sip_leg_init(void);
/*! The incoming leg of an INVITE (hmagic bound, 100 sent). */
struct cc_sip_leg *cc_sip_leg_alloc_in(struct cc_call *call, struct nua_handle_s *nh, struct sip_trunk *t);
/*! An outgoing leg: INVITE to number on trunk t with the call's IAM.
 *  \returns NULL when the INVITE cannot be built or sent. */
struct cc_sip_leg *cc_sip_leg_alloc_out(struct cc_call *call, struct sip_trunk *t, const char *number);
/*! The leg's state name, "-" without a leg. */
const char *cc_sip_leg_state(const struct cc_sip_leg *leg);
/*! The gateway's outcome of a mid-call offer (cc_call_media_reoffer()):
 *  rc 0 with the answer's SDP, else < 0 (src/cc_sip_offer.c). */
void cc_sip_offer_done(struct cc_sip_leg *leg, int rc, const char *sdp);
/*! The gateway's SDP for the SIP side arrived: the 18x and the answer
 *  that waited for it go out. */
void cc_sip_media_ready(struct cc_sip_leg *leg);

/* The ISUP leg (src/cc_isup_leg.c). */

/*! Register the CC_ISUP_LEG FSM. */
int cc_isup_leg_init(void);
/*! Attach call control to a trunk's incoming and outgoing calls. */
void cc_isup_attach(struct isup_trunk *t);
/*! An outgoing leg: seize a circuit of t and send the call's IAM.
 *  \returns NULL when no circuit could take the IAM. */
struct cc_isup_leg *cc_isup_leg_alloc_out(struct cc_call *call, struct isup_trunk *t);
/*! The leg's state name, "-" without a leg. */
const char *cc_isup_leg_state(const struct cc_isup_leg *leg);
/*! A copy of an ISUP message under ctx (encoded and decoded again);
 *  NULL on failure. */
struct isup_msg *cc_isup_msg_copy(void *ctx, const struct isup_msg *msg);
/*! The SIP side put the answered call on hold (held) or took it back
 *  (re-INVITE/UPDATE): CPG with "remote hold" / "remote retrieval" on
 *  the circuit, once per change (Q.1912.5). */
void cc_call_hold_notify(struct cc_call *call, bool held);

/*! Install the call-control VTY (src/cc_vty.c). */
void cc_vty_init(void);

struct vty;
/*! Install the route nodes and commands (src/cc_route_vty.c). */
void cc_route_vty_init(void);
/*! Write the routes of the call-control node. */
void cc_route_vty_write(struct vty *vty);
