/* Q.764 circuit procedures: ISUP trunks (circuit groups) and one FSM per
 * circuit.  Transport-free: a trunk hands encoded messages (CIC first) to
 * its tx callback and is fed received ones through isup_trunk_rx(), so the
 * same code runs over M3UA (src/ss7.c) or in a test.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/timer.h>
#include <osmocom/core/utils.h>

#include "isup/isup_msg.h"
#include "isup/isup_params.h"

/*! Most circuits one trunk may hold (bounds every per-trunk array). */
#define ISUP_TRUNK_MAX_CIRCUITS	1024
/*! Most CIC ranges one trunk may list. */
#define ISUP_TRUNK_MAX_RANGES	16
/*! Circuits one group message (GRS, CGB, CGU, CQM) may cover: range 0..31. */
#define ISUP_GROUP_MAX		32
#define ISUP_TRUNK_NAME_MAX	32
#define ISUP_MGW_PATTERN_MAX	128

struct isup_trunk;
struct isup_circuit;

/*! How an outgoing call picks a circuit. */
enum isup_select_policy {
	ISUP_SELECT_SEQUENTIAL,	/*!< lowest free CIC first */
	ISUP_SELECT_ROUND_ROBIN,	/*!< next free CIC after the last one used */
	ISUP_SELECT_LEAST_USED,	/*!< the free CIC seized least often */
};
extern const struct value_string isup_select_policy_names[];

/*! States of a circuit's FSM (call processing and reset). */
enum isup_circ_state {
	ISUP_CIRC_ST_UNAVAILABLE,	/*!< destination inaccessible (MTP-PAUSE) */
	ISUP_CIRC_ST_RESETTING,		/*!< RSC or GRS sent, awaiting RLC / GRA */
	ISUP_CIRC_ST_IDLE,
	ISUP_CIRC_ST_OUT_IAM,		/*!< IAM sent, awaiting ACM (T7) */
	ISUP_CIRC_ST_OUT_ALERTING,	/*!< ACM received, awaiting ANM (T9) */
	ISUP_CIRC_ST_IN_IAM,		/*!< IAM received, call control to answer */
	ISUP_CIRC_ST_IN_ALERTING,	/*!< ACM sent */
	ISUP_CIRC_ST_ANSWERED,
	ISUP_CIRC_ST_RELEASING,		/*!< REL sent, awaiting RLC (T1/T5) */
	ISUP_CIRC_ST_IN_COT,		/*!< IAM asking for a continuity check
					 *   received, awaiting COT (T8) */
	ISUP_CIRC_ST_IN_RECHECK,	/*!< COT "failed" received, awaiting the
					 *   peer's CCR (T27) */
	ISUP_CIRC_ST_IN_CCR,		/*!< CCR received, loop connected,
					 *   awaiting REL or COT (T36) */
	ISUP_CIRC_ST_OUT_RETEST,	/*!< our check failed: CCR after T25 (first
					 *   failure) or T26 (later ones) */
	ISUP_CIRC_ST_OUT_CCR,		/*!< CCR sent, check tone out (T24) */
};
extern const struct value_string isup_circ_state_names[];

/*! When our IAMs ask for a continuity check (Q.764 2.1.8). */
enum isup_cot_policy {
	ISUP_COT_NEVER,
	ISUP_COT_ALWAYS,
	ISUP_COT_PERCENT,	/*!< on that share of calls, spread evenly */
};
extern const struct value_string isup_cot_policy_names[];

/*! Blocking bits of a circuit; local = we blocked it, remote = the peer did. */
enum isup_blk {
	ISUP_BLK_LOCAL_MAINT = 1 << 0,
	ISUP_BLK_LOCAL_HW = 1 << 1,
	ISUP_BLK_REMOTE_MAINT = 1 << 2,
	ISUP_BLK_REMOTE_HW = 1 << 3,
};
extern const struct value_string isup_blk_names[];

#define ISUP_BLK_LOCAL	(ISUP_BLK_LOCAL_MAINT | ISUP_BLK_LOCAL_HW)
#define ISUP_BLK_REMOTE	(ISUP_BLK_REMOTE_MAINT | ISUP_BLK_REMOTE_HW)

/*! A single-circuit maintenance procedure awaiting its acknowledgement. */
enum isup_circ_pending {
	ISUP_PEND_NONE,
	ISUP_PEND_BLO,	/*!< BLO sent, awaiting BLA (T12/T13) */
	ISUP_PEND_UBL,	/*!< UBL sent, awaiting UBA (T14/T15) */
};
extern const struct value_string isup_circ_pending_names[];

/*! Filters of `show isup circuits`. */
enum isup_circ_filter {
	ISUP_FILTER_ALL,
	ISUP_FILTER_IDLE,
	ISUP_FILTER_BUSY,
	ISUP_FILTER_BLOCKED,
	ISUP_FILTER_UNAVAILABLE,
	ISUP_FILTER_RESETTING,
	ISUP_FILTER_UNEQUIPPED,
};
extern const struct value_string isup_circ_filter_names[];

/*! Timers of Q.764 (their T numbers) held per trunk in an osmo_tdef table. */
enum isup_timer {
	ISUP_T1 = 1, ISUP_T2 = 2, ISUP_T5 = 5, ISUP_T6 = 6, ISUP_T7 = 7, ISUP_T8 = 8,
	ISUP_T9 = 9,
	ISUP_T12 = 12, ISUP_T13 = 13, ISUP_T14 = 14, ISUP_T15 = 15,
	ISUP_T16 = 16, ISUP_T17 = 17, ISUP_T18 = 18, ISUP_T19 = 19,
	ISUP_T20 = 20, ISUP_T21 = 21, ISUP_T22 = 22, ISUP_T23 = 23,
	ISUP_T24 = 24, ISUP_T25 = 25, ISUP_T26 = 26, ISUP_T27 = 27,
	ISUP_T33 = 33, ISUP_T34 = 34, ISUP_T35 = 35, ISUP_T36 = 36, ISUP_T38 = 38,
};

/*! Rate counters of a trunk (beyond the per-type message counters). */
enum isup_trunk_ctr {
	ISUP_CTR_RX_MSG,
	ISUP_CTR_TX_MSG,
	ISUP_CTR_RX_DECODE_ERR,
	ISUP_CTR_RX_UNKNOWN_MSG,
	ISUP_CTR_RX_UNKNOWN_PARAM,
	ISUP_CTR_RX_UNEQUIPPED,
	ISUP_CTR_RX_UNEXPECTED,
	ISUP_CTR_RX_BAD_RANGE,
	ISUP_CTR_RX_UCIC,
	ISUP_CTR_TX_FAIL,
	ISUP_CTR_TX_CFN,
	ISUP_CTR_TX_UCIC,
	ISUP_CTR_TIMER_EXPIRY,
	ISUP_CTR_DUAL_SEIZURE,
	ISUP_CTR_NO_CIRCUIT,
	ISUP_CTR_MTP_PAUSE,
	ISUP_CTR_MTP_RESUME,
	ISUP_CTR_CALL_FAIL,
	ISUP_CTR_COT_FAIL,
	ISUP_CTR_SUSPEND,
};

/*! What call control (issue 6) learns about a circuit's call.  Every
 *  callback is optional; a trunk without call control releases incoming
 *  calls with cause 47. */
struct isup_call_ops {
	/*! an IAM seized the circuit; msg is freed after the call */
	void (*setup_ind)(struct isup_circuit *c, const struct isup_msg *msg);
	/*! ACM, CPG, ANM/CON and the like on an established call */
	void (*progress_ind)(struct isup_circuit *c, const struct isup_msg *msg);
	/*! the call on the circuit is gone (REL received, RSC, timer,
	 *  destination lost); cause is Q.850 */
	void (*release_ind)(struct isup_circuit *c, uint8_t cause);
	/*! the non-controlling side lost a dual seizure: the call must be
	 *  retried on another circuit (Q.764 2.10.1.4) */
	void (*retry_ind)(struct isup_circuit *c);
	/*! SUS received on an answered call (Q.764 2.5): network = the
	 *  suspend/resume indicator says network-initiated */
	void (*suspend_ind)(struct isup_circuit *c, bool network);
	/*! RES received on a suspended call */
	void (*resume_ind)(struct isup_circuit *c, bool network);
	/*! continuity check, incoming side: connect (on) or remove the check
	 *  loop on the circuit's media.  NULL: no loop equipment, the check
	 *  is assumed to pass (logged) */
	void (*cot_loop)(struct isup_circuit *c, bool on);
	/*! continuity check, outgoing side: send the check tone and report
	 *  with isup_circuit_cot_result() (T24 guards it).  NULL: no tone
	 *  equipment, the check is assumed successful (logged) */
	void (*cot_test)(struct isup_circuit *c);
};

/*! Send one encoded message (CIC first) towards the trunk's remote PC.
 *  \returns 0 or a negative errno. */
typedef int (*isup_trunk_tx_cb)(struct isup_trunk *trunk, uint16_t cic, const uint8_t *data,
				size_t len);

/*! A CIC range of a trunk. */
struct isup_cic_range {
	uint16_t first;
	uint16_t last;
};

/*! Q.764 pairs a short timer that repeats a message with a long one
 *  started by the first message (T12/T13, T14/T15, T16/T17, T18/T19,
 *  T20/T21, T22/T23, T1/T5): the state of one such pair. */
struct isup_repeat {
	/*! when the first message went (monotonic clock) */
	struct timespec start;
	/*! the long timer expired: maintenance alerted, repeats at its
	 *  interval from now on */
	bool long_phase;
};

/*! A group procedure (GRS, CGB or CGU) awaiting its acknowledgement. */
struct isup_group_op {
	struct llist_head list;
	struct isup_trunk *trunk;
	uint8_t type;		/*!< ISUP_MSG_GRS, _CGB or _CGU */
	uint8_t cgsmt;		/*!< 0 maintenance, 1 hardware (CGB/CGU) */
	uint16_t cic;		/*!< first CIC */
	struct isup_range_status rs;
	struct osmo_timer_list timer;
	struct isup_repeat rep;
};

/*! One circuit and its FSM. */
struct isup_circuit {
	struct isup_trunk *trunk;
	uint16_t cic;
	struct osmo_fsm_inst *fi;
	/*! ISUP_BLK_* bits */
	uint8_t blk;
	enum isup_circ_pending pending;
	struct osmo_timer_list blk_timer;
	struct isup_repeat blk_rep;	/*!< T12/T13 or T14/T15 */
	/*! the peer answered UCIC: not seizable until reset */
	bool remote_unequipped;
	/*! reset by a group procedure (GRS) rather than RSC */
	bool group_reset;
	struct isup_repeat rsc_rep;	/*!< T16/T17 */
	/*! seizures, for least-used selection */
	unsigned long seizures;
	/*! cause of the REL we sent, for retransmission */
	uint8_t rel_cause;
	/*! cause indicators of the REL being received (location,
	 *  diagnostic); rx_cause_valid only during its release_ind */
	struct isup_cause rx_cause;
	bool rx_cause_valid;
	struct isup_repeat rel_rep;	/*!< T1/T5 */
	/*! the call on the circuit was originated here */
	bool call_outgoing;
	/*! called number of an operator test call (retried on dual
	 *  seizure by the trunk itself), empty otherwise */
	char called[33];
	/*! call control's per-call pointer */
	void *call;
	/*! continuity check: our check tone is out (T24 on cot_timer) */
	bool cot_testing;
	struct osmo_timer_list cot_timer;
	/*! failed checks in a row on this circuit (T25 after the first,
	 *  T26 after later ones) */
	unsigned int cot_failures;
	/*! the IAM held back until its COT arrives (encoded, no CIC) */
	uint8_t *cot_iam;
	size_t cot_iam_len;
	/*! SUS received: the call is suspended (T2 or T6 runs) */
	bool suspended;
};

/*! Static configuration of a trunk, as the VTY sets it. */
struct isup_trunk_cfg {
	char name[ISUP_TRUNK_NAME_MAX];
	enum isup_variant variant;
	uint32_t opc;
	uint32_t dpc;
	bool opc_set, dpc_set;
	unsigned int num_ranges;
	struct isup_cic_range ranges[ISUP_TRUNK_MAX_RANGES];
	enum isup_select_policy policy;
	/*! media gateway endpoint, "{cic}" replaced by the CIC */
	char mgw_pattern[ISUP_MGW_PATTERN_MAX];
	enum isup_cot_policy cot_policy;
	/*! ISUP_COT_PERCENT: share of calls checked, 1..99 */
	uint8_t cot_percent;
};

/*! A circuit group towards one remote signalling point. */
struct isup_trunk {
	struct llist_head list;
	struct isup_trunk_cfg cfg;
	/*! circuits in CIC order; rebuilt when the ranges change */
	struct isup_circuit **circ;
	unsigned int num_circ;
	/*! Q.764 timers, per trunk */
	struct osmo_tdef *tdefs;
	/*! pending struct isup_group_op */
	struct llist_head group_ops;
	/*! destination accessible (derived from the M3UA AS state) */
	bool available;
	/*! the STP reported the DPC inaccessible (DUNA), until DAVA */
	bool dpc_prohibited;
	/*! whether the trunk started (circuits exist and procedures run) */
	bool started;
	unsigned int rr_next;
	/*! ISUP_COT_PERCENT: accumulator spreading the checks evenly */
	unsigned int cot_acc;
	struct rate_ctr_group *ctrs;
	/*! messages in/out by type: index = message type */
	struct rate_ctr_group *rx_ctrs;
	struct rate_ctr_group *tx_ctrs;
	isup_trunk_tx_cb tx;
	void *tx_priv;
	const struct isup_call_ops *call_ops;
};

/*! Allocate a trunk under ctx with default timers and no circuits. */
struct isup_trunk *isup_trunk_alloc(void *ctx, const char *name, unsigned int index);

/*! Free a trunk, its circuits, timers and counters. */
void isup_trunk_free(struct isup_trunk *trunk);

/*! Add a CIC range; checks the variant's CIC width, overlaps and the
 *  circuit limit.  \returns 0 or -EINVAL / -ERANGE / -EEXIST. */
int isup_trunk_add_range(struct isup_trunk *trunk, unsigned int first, unsigned int last);

/*! Largest CIC the variant allows (4095 ITU/China, 16383 ANSI). */
unsigned int isup_variant_max_cic(enum isup_variant variant);

/*! Create the circuits from the ranges (all UNAVAILABLE).  \returns 0 or < 0 */
int isup_trunk_start(struct isup_trunk *trunk);

/*! Stop all procedures and delete the circuits. */
void isup_trunk_stop(struct isup_trunk *trunk);

/*! The circuit with this CIC, or NULL when it is not equipped. */
struct isup_circuit *isup_trunk_circuit(struct isup_trunk *trunk, uint16_t cic);

/*! Feed a received message (CIC first, as MTP3 carries it). */
void isup_trunk_rx(struct isup_trunk *trunk, const uint8_t *data, size_t len);

/*! Destination became inaccessible (MTP-PAUSE): clear calls, circuits
 *  unavailable. */
void isup_trunk_mtp_pause(struct isup_trunk *trunk);

/*! Destination accessible again (MTP-RESUME): reset every circuit (GRS). */
void isup_trunk_mtp_resume(struct isup_trunk *trunk);

/*! Reset every circuit with GRS messages of at most 32 circuits. */
int isup_trunk_group_reset(struct isup_trunk *trunk);

/*! Whether this side controls the circuit on dual seizure (Q.764 2.10.1.4:
 *  the signalling point with the higher point code controls even CICs). */
bool isup_trunk_controls(const struct isup_trunk *trunk, uint16_t cic);

/*! Pick a circuit for an outgoing call by the trunk's policy, or NULL. */
struct isup_circuit *isup_trunk_select(struct isup_trunk *trunk);


/*! The timer value in seconds (osmo_tdef). */
unsigned long isup_trunk_timer(const struct isup_trunk *trunk, int T);

/*! Whether a circuit matches a show filter. */
bool isup_circuit_matches(const struct isup_circuit *c, enum isup_circ_filter f);

/*! Short text of a circuit's blocking and pending state, for the VTY. */
const char *isup_circuit_blk_str(const struct isup_circuit *c, char *buf, size_t len);

/*! Operator: block (maintenance) a circuit with BLO.  \returns 0 or < 0 */
int isup_circuit_block(struct isup_circuit *c);
/*! Operator: unblock a circuit with UBL.  \returns 0 or < 0 */
int isup_circuit_unblock(struct isup_circuit *c);
/*! Operator: reset a circuit with RSC.  \returns 0 or < 0 */
int isup_circuit_reset(struct isup_circuit *c);
/*! Operator: block/unblock the circuits first..last with CGB/CGU
 *  (maintenance or hardware); at most 32 circuits.  \returns 0 or < 0 */
int isup_trunk_group_block(struct isup_trunk *trunk, uint16_t first, uint16_t last,
			   bool block, bool hardware);

/*! Call control: send an IAM on a seized idle circuit (msg's CIC is set
 *  here).  \returns 0 or < 0. */
int isup_circuit_setup(struct isup_circuit *c, struct isup_msg *iam);
/*! Call control, overlap: send a SAM with more digits of the called
 *  number (0-9, a trailing 'F' for ST) on an outgoing call whose IAM is
 *  out and no ACM came yet; T7 restarts (Q.764 2.1.2, T7 runs from the
 *  latest address message).  \returns 0, -EINVAL (bad digits), -EBUSY
 *  (the call is past that point) or < 0 when sending failed. */
int isup_circuit_sam(struct isup_circuit *c, const char *digits);
/*! Operator test call: IAM with a called number on circuit c. */
int isup_circuit_test_call(struct isup_circuit *c, const char *called);
/*! Call control: release the call with a Q.850 cause (REL). */
int isup_circuit_release(struct isup_circuit *c, uint8_t cause);
/*! Call control: send ACM (incoming call) / ANM.  \returns 0 or < 0 */
int isup_circuit_alert(struct isup_circuit *c);
int isup_circuit_answer(struct isup_circuit *c);
/*! Call control: send an ACM carrying the parameters of params (of any
 *  message type, e.g. an ACM that came encapsulated in SIP-I, or one
 *  built from a 18x); the fixed backward call indicators of
 *  isup_circuit_alert() when params has none.  params may be NULL.
 *  \returns 0, -EINVAL when the circuit is not awaiting the ACM, or < 0 */
int isup_circuit_alert_msg(struct isup_circuit *c, const struct isup_msg *params);
/*! Call control: answer with ANM, or CON when no ACM went out (Q.764
 *  2.1.7), carrying the parameters of params (may be NULL); a CON gets
 *  the fixed backward call indicators when params has none.
 *  \returns 0, -EINVAL when the call cannot be answered now, or < 0 */
int isup_circuit_answer_msg(struct isup_circuit *c, const struct isup_msg *params);

/*! Continuity check equipment (cot_test): the check tone came back (ok)
 *  or not.  \returns 0, or -EINVAL when no check runs on c. */
int isup_circuit_cot_result(struct isup_circuit *c, bool ok);

/*! Call control: suspend / resume an answered call (SUS / RES, Q.764
 *  2.5); network = network-initiated, else user-initiated.
 *  \returns 0 or -EINVAL when the call is not answered. */
int isup_circuit_suspend(struct isup_circuit *c, bool network);
int isup_circuit_resume(struct isup_circuit *c, bool network);

/*! Encode and send msg on the trunk (CIC from msg->cic), counting it. */
int isup_trunk_send(struct isup_trunk *trunk, struct isup_msg *msg);
