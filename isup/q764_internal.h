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
int isup_send_cause(struct isup_trunk *trunk, uint16_t cic, uint8_t type, uint8_t cause,
		    const uint8_t *diag, uint8_t diag_len);
void isup_circuit_reset_done(struct isup_circuit *c);
void isup_circuit_mtp_pause(struct isup_circuit *c);
/*! End the call on c without REL/RLC (hardware blocking). */
void isup_circuit_drop_call(struct isup_circuit *c);
void isup_circuit_reset_by_group(struct isup_circuit *c);
void isup_circuit_remote_reset(struct isup_circuit *c);
void isup_circuit_set_remote_blk(struct isup_circuit *c, uint8_t bits, bool on);
void isup_circuit_local_blk_confirmed(struct isup_circuit *c, uint8_t bits, bool on);
uint8_t isup_circuit_state_octet(const struct isup_circuit *c);
