/* Shared between the isup/q764*.c files only; not for call control.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <osmocom/core/fsm.h>

#include "isup/q764.h"

#define S(x)	(1 << (x))

/*! Index into the per-type message counters of a trunk. */
int isup_msg_ctr_index(uint8_t type);

extern struct osmo_fsm isup_circuit_fsm;

int isup_q764_fsm_init(void);
void isup_circuit_init_timer(struct isup_circuit *c);
void isup_circuit_rx(struct isup_circuit *c, struct isup_msg *msg);
void isup_group_rx(struct isup_trunk *trunk, struct isup_msg *msg);
void isup_group_op_free(struct isup_group_op *op);
int isup_send_simple(struct isup_trunk *trunk, uint16_t cic, uint8_t type);
/*! Send a message whose one parameter is a single octet (COT, SUS, RES). */
int isup_send_octet(struct isup_trunk *trunk, uint16_t cic, uint8_t type, uint8_t code,
		    uint8_t value);
int isup_send_cause(struct isup_trunk *trunk, uint16_t cic, uint8_t type, uint8_t cause,
		    const uint8_t *diag, uint8_t diag_len);
void isup_circuit_reset_done(struct isup_circuit *c);
void isup_circuit_mtp_pause(struct isup_circuit *c);
/*! End the call on c without REL/RLC (hardware blocking). */
void isup_circuit_drop_call(struct isup_circuit *c);
void isup_circuit_reset_by_group(struct isup_circuit *c);
void isup_circuit_remote_reset(struct isup_circuit *c, bool resend_blo);
/*! Reset with RSC (also while unavailable: the reset after a resume);
 *  long_phase: repeat at the T17 interval from the start (after T5). */
void isup_circuit_reset_start(struct isup_circuit *c, bool long_phase);
void isup_circuit_state_chg(struct isup_circuit *c, enum isup_circ_state st, int T);
/*! Send REL with cause and await RLC (T1/T5). */
void isup_circuit_release_send(struct isup_circuit *c, uint8_t cause);
/*! Tell call control its call on c is gone. */
void isup_circuit_call_gone(struct isup_circuit *c, uint8_t cause, bool failure);
/*! Hand an incoming call to call control (or refuse it without one). */
void isup_circuit_deliver_setup(struct isup_circuit *c, const struct isup_msg *iam);
/*! Log and count a message the circuit's state does not expect. */
void isup_circuit_unexpected(struct isup_circuit *c, const struct isup_msg *msg);

/* Continuity check (q764_cot.c) */
bool isup_cot_out_wanted(struct isup_trunk *trunk);
int isup_cot_set_nci(struct isup_msg *iam, bool check);
void isup_cot_out_start(struct isup_circuit *c);
void isup_cot_out_abort(struct isup_circuit *c);
void isup_cot_loop(struct isup_circuit *c, bool on);
/*! An IAM asking for a check: held until COT (state in-cot). */
bool isup_cot_in_iam(struct isup_circuit *c, const struct isup_msg *iam);
/*! COT or CCR in a state that takes it. \returns whether handled */
bool isup_cot_rx(struct isup_circuit *c, struct isup_msg *msg);
void isup_cot_timeout(struct isup_circuit *c);
/*! State change hook: loop off, held IAM and check tone dropped. */
void isup_cot_leave(struct isup_circuit *c, uint32_t old_state, uint32_t new_state);
void isup_cot_init_timer(struct isup_circuit *c);

/* SUS/RES (q764_susres.c) */
/*! SUS or RES on an answered call. \returns whether handled */
bool isup_susres_rx(struct isup_circuit *c, struct isup_msg *msg);
void isup_susres_timeout(struct isup_circuit *c);
void isup_circuit_set_remote_blk(struct isup_circuit *c, uint8_t bits, bool on);
void isup_circuit_local_blk_confirmed(struct isup_circuit *c, uint8_t bits, bool on);
uint8_t isup_circuit_state_octet(const struct isup_circuit *c);

/* The short/long timer pairs (struct isup_repeat): start with the first
 * message (or straight in the long phase); at each expiry
 * isup_repeat_expired() says whether the long timer just ran out (alert
 * maintenance), and isup_repeat_next() gives the seconds to the next
 * expiry and which timer that is. */
void isup_repeat_start(struct isup_repeat *r, bool long_phase);
bool isup_repeat_expired(const struct isup_trunk *trunk, struct isup_repeat *r, int Tlong);
unsigned long isup_repeat_next(const struct isup_trunk *trunk, const struct isup_repeat *r,
			       int Tshort, int Tlong, int *T);
