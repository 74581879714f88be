/* Typed ISUP parameters (Q.763 section 3).
 *
 * Every decoder takes the parameter contents (without code and length)
 * and keeps spare bits, so that encode(decode(x)) == x for every coding
 * the struct can hold; codings it cannot hold return
 * -ISUP_ERR_UNSUPPORTED and the raw parameter stays authoritative.
 * Encoders return the length written or a negative isup_err.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

#include "isup/isup_msg.h"
#include "isup/isup_number.h"

/*
 * Bit-field parameters.  Each list below is the single description of
 * a parameter's layout: X(S, field, octet, first bit (0 = bit A), width).
 * It generates the struct (one uint8_t per field), the decoder, the
 * encoder and the field table the JSON tool walks.
 */

/* Nature of connection indicators, Q.763 3.35 */
#define ISUP_NCI_FIELDS(X, S) \
	X(S, satellite, 0, 0, 2) \
	X(S, continuity, 0, 2, 2) \
	X(S, echo_device, 0, 4, 1) \
	X(S, spare, 0, 5, 3)

/* Forward call indicators, Q.763 3.23 */
#define ISUP_FCI_FIELDS(X, S) \
	X(S, international, 0, 0, 1) \
	X(S, e2e_method, 0, 1, 2) \
	X(S, interworking, 0, 3, 1) \
	X(S, e2e_info, 0, 4, 1) \
	X(S, isup_all_the_way, 0, 5, 1) \
	X(S, isup_preference, 0, 6, 2) \
	X(S, isdn_access, 1, 0, 1) \
	X(S, sccp_method, 1, 1, 2) \
	X(S, ported_translated, 1, 3, 1) \
	X(S, qor_attempt, 1, 4, 1) \
	X(S, spare, 1, 5, 3)

/* Calling party's category, Q.763 3.11 */
#define ISUP_CPC_FIELDS(X, S) \
	X(S, category, 0, 0, 8)

/* Transmission medium requirement / prime / used, Q.763 3.54-3.56 */
#define ISUP_TMR_FIELDS(X, S) \
	X(S, medium, 0, 0, 8)

/* Backward call indicators, Q.763 3.5 */
#define ISUP_BCI_FIELDS(X, S) \
	X(S, charge, 0, 0, 2) \
	X(S, called_status, 0, 2, 2) \
	X(S, called_category, 0, 4, 2) \
	X(S, e2e_method, 0, 6, 2) \
	X(S, interworking, 1, 0, 1) \
	X(S, e2e_info, 1, 1, 1) \
	X(S, isup_all_the_way, 1, 2, 1) \
	X(S, holding, 1, 3, 1) \
	X(S, isdn_access, 1, 4, 1) \
	X(S, echo_device, 1, 5, 1) \
	X(S, sccp_method, 1, 6, 2)

/* Optional backward call indicators, Q.763 3.37 */
#define ISUP_OBCI_FIELDS(X, S) \
	X(S, inband_info, 0, 0, 1) \
	X(S, diversion_may_occur, 0, 1, 1) \
	X(S, simple_segmentation, 0, 2, 1) \
	X(S, mlpp_user, 0, 3, 1) \
	X(S, spare, 0, 4, 4)

/* Event information, Q.763 3.21 */
#define ISUP_EVENT_FIELDS(X, S) \
	X(S, event, 0, 0, 7) \
	X(S, pres_restricted, 0, 7, 1)

/* Redirection information, Q.763 3.45 */
#define ISUP_REDIR_INFO_FIELDS(X, S) \
	X(S, redirecting_ind, 0, 0, 3) \
	X(S, spare1, 0, 3, 1) \
	X(S, orig_reason, 0, 4, 4) \
	X(S, counter, 1, 0, 3) \
	X(S, spare2, 1, 3, 1) \
	X(S, reason, 1, 4, 4)

/* Hop counter, Q.763 3.80 */
#define ISUP_HOP_FIELDS(X, S) \
	X(S, count, 0, 0, 5) \
	X(S, spare, 0, 5, 3)

/* Suspend/resume indicators, Q.763 3.52 */
#define ISUP_SUSRES_FIELDS(X, S) \
	X(S, network_initiated, 0, 0, 1) \
	X(S, spare, 0, 1, 7)

/* Circuit group supervision message type, Q.763 3.13 */
#define ISUP_CGSMT_FIELDS(X, S) \
	X(S, type, 0, 0, 2) \
	X(S, spare, 0, 2, 6)

/* Information indicators, Q.763 3.28 */
#define ISUP_INFO_IND_FIELDS(X, S) \
	X(S, calling_addr_response, 0, 0, 2) \
	X(S, hold_provided, 0, 2, 1) \
	X(S, spare1, 0, 3, 2) \
	X(S, cpc_response, 0, 5, 1) \
	X(S, charge_response, 0, 6, 1) \
	X(S, solicited, 0, 7, 1) \
	X(S, spare2, 1, 0, 8)

/* Information request indicators, Q.763 3.29 */
#define ISUP_INFO_REQ_FIELDS(X, S) \
	X(S, calling_addr_request, 0, 0, 1) \
	X(S, holding, 0, 1, 1) \
	X(S, spare1, 0, 2, 1) \
	X(S, cpc_request, 0, 3, 1) \
	X(S, charge_request, 0, 4, 1) \
	X(S, spare2, 0, 5, 2) \
	X(S, mcid_request, 0, 7, 1) \
	X(S, spare3, 1, 0, 8)

/* Continuity indicators, Q.763 3.18 */
#define ISUP_COT_IND_FIELDS(X, S) \
	X(S, success, 0, 0, 1) \
	X(S, spare, 0, 1, 7)

/* Echo control information, Q.763 3.19 */
#define ISUP_ECHO_FIELDS(X, S) \
	X(S, out_info, 0, 0, 2) \
	X(S, in_info, 0, 2, 2) \
	X(S, out_request, 0, 4, 2) \
	X(S, in_request, 0, 6, 2)

/* User-to-user indicators, Q.763 3.60 */
#define ISUP_UTI_FIELDS(X, S) \
	X(S, response, 0, 0, 1) \
	X(S, service1, 0, 1, 2) \
	X(S, service2, 0, 3, 2) \
	X(S, service3, 0, 5, 2) \
	X(S, network_discard, 0, 7, 1)

#define ISUP_BF_MEMBER(S, name, octet, shift, width) uint8_t name;

struct isup_nci { ISUP_NCI_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_fci { ISUP_FCI_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_cpc { ISUP_CPC_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_tmr { ISUP_TMR_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_bci { ISUP_BCI_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_obci { ISUP_OBCI_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_event_info { ISUP_EVENT_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_redir_info { ISUP_REDIR_INFO_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_hop_counter { ISUP_HOP_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_susres { ISUP_SUSRES_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_cgsmt { ISUP_CGSMT_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_info_ind { ISUP_INFO_IND_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_info_req { ISUP_INFO_REQ_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_cot_ind { ISUP_COT_IND_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_echo_ctrl { ISUP_ECHO_FIELDS(ISUP_BF_MEMBER, _) };
struct isup_uti { ISUP_UTI_FIELDS(ISUP_BF_MEMBER, _) };

#define ISUP_BF_PROTOS(type) \
	int isup_##type##_decode(struct isup_##type *out, const uint8_t *data, size_t len); \
	int isup_##type##_encode(uint8_t *buf, size_t size, const struct isup_##type *in);

/*! \fn int isup_nci_decode(struct isup_nci *out, const uint8_t *data, size_t len)
 *  Decode a bit-field parameter; the same pattern exists for every
 *  struct above (isup_fci_decode, isup_bci_decode, ...).
 *  \returns 0, or -ISUP_ERR_BAD_PARAM on a wrong length. */
ISUP_BF_PROTOS(nci)
ISUP_BF_PROTOS(fci)
ISUP_BF_PROTOS(cpc)
ISUP_BF_PROTOS(tmr)
ISUP_BF_PROTOS(bci)
ISUP_BF_PROTOS(obci)
ISUP_BF_PROTOS(event_info)
ISUP_BF_PROTOS(redir_info)
ISUP_BF_PROTOS(hop_counter)
ISUP_BF_PROTOS(susres)
ISUP_BF_PROTOS(cgsmt)
ISUP_BF_PROTOS(info_ind)
ISUP_BF_PROTOS(info_req)
ISUP_BF_PROTOS(cot_ind)
ISUP_BF_PROTOS(echo_ctrl)
ISUP_BF_PROTOS(uti)

/*! One field of a bit-field parameter. */
struct isup_bf {
	const char *name;
	uint8_t octet;
	uint8_t shift;
	uint8_t width;
	/*! offset of the uint8_t member in the struct */
	size_t offset;
};

/*! A bit-field parameter type: which codes use it and its fields. */
struct isup_bf_type {
	const char *name;
	/*! exact length of the parameter contents */
	uint8_t len;
	const struct isup_bf *fields;
	unsigned int num_fields;
	size_t struct_size;
};

/*! The bit-field type of a parameter code in a variant, or NULL. */
const struct isup_bf_type *isup_bf_type_find(enum isup_variant variant, uint8_t code);
/*! Decode into a struct of t->struct_size octets. \returns 0 or negative */
int isup_bf_decode(const struct isup_bf_type *t, void *out, const uint8_t *data, size_t len);
/*! Encode from a struct; fields wider than their bits are rejected.
 *  \returns t->len or negative isup_err */
int isup_bf_encode(const struct isup_bf_type *t, uint8_t *buf, size_t size, const void *in);

/* ---- parameters with their own layout ---- */

#define ISUP_CAUSE_MAX_DIAG	32

/*! Cause indicators, Q.763 3.12 / Q.850. */
struct isup_cause {
	/*! 0 ITU-T, 2 national (ANSI sends 2) */
	uint8_t coding_standard;
	/*! bit 5 of octet 1 */
	uint8_t spare;
	/*! 0 user, 1 LPN, 2 LN, 3 TN, 4 RLN, 5 RPN, 7 INTL, 10 BI */
	uint8_t location;
	/*! octet 1a (recommendation) present */
	bool has_recommendation;
	uint8_t recommendation;
	/*! cause value, 7 bits (class in the upper 3) */
	uint8_t value;
	/*! the cause value octet came without its extension bit */
	bool value_ext_clear;
	uint8_t diag_len;
	uint8_t diag[ISUP_CAUSE_MAX_DIAG];
};

int isup_cause_decode(struct isup_cause *out, const uint8_t *data, size_t len);
int isup_cause_encode(uint8_t *buf, size_t size, const struct isup_cause *in);

#define ISUP_RS_MAX_STATUS	32

/*! Range and status, Q.763 3.43: range + 1 circuits; status bit i is
 *  circuit cic + i.  GRS and CQM carry no status (status_len 0). */
struct isup_range_status {
	uint8_t range;
	uint8_t status_len;
	uint8_t status[ISUP_RS_MAX_STATUS];
};

int isup_range_status_decode(struct isup_range_status *out, const uint8_t *data, size_t len);
int isup_range_status_encode(uint8_t *buf, size_t size, const struct isup_range_status *in);
/*! Status octets a range needs ((range + 1 + 7) / 8). */
unsigned int isup_range_status_len(uint8_t range);
/*! Status bit of circuit offset i (0 when beyond the status octets). */
bool isup_range_status_get(const struct isup_range_status *rs, unsigned int i);
/*! Set status bit i. \returns 0 or -ISUP_ERR_INVAL beyond status_len */
int isup_range_status_set(struct isup_range_status *rs, unsigned int i, bool on);

/*! Circuit state indicator, Q.763 3.14: one octet per circuit of the
 *  range.  Use the ISUP_CSI_* macros on each octet. */
struct isup_circuit_state {
	uint8_t count;
	uint8_t state[255];
};
#define ISUP_CSI_MAINT(s)	((s) & 0x03)
#define ISUP_CSI_CALL(s)	(((s) >> 2) & 0x03)
#define ISUP_CSI_HW(s)		(((s) >> 4) & 0x03)

int isup_circuit_state_decode(struct isup_circuit_state *out, const uint8_t *data, size_t len);
int isup_circuit_state_encode(uint8_t *buf, size_t size, const struct isup_circuit_state *in);

#define ISUP_GNI_MAX	16

/*! Generic notification indicator, Q.763 3.25: 7-bit notifications,
 *  each with its extension bit (1 = last octet). */
struct isup_generic_notif {
	uint8_t count;
	uint8_t value[ISUP_GNI_MAX];
	uint8_t ext[ISUP_GNI_MAX];
};

int isup_generic_notif_decode(struct isup_generic_notif *out, const uint8_t *data, size_t len);
int isup_generic_notif_encode(uint8_t *buf, size_t size, const struct isup_generic_notif *in);

#define ISUP_USI_MAX_REST	16

/*! User service information, Q.763 3.57 (Q.931 bearer capability
 *  octets 3 onwards).  Octets after the layer 1 octet stay raw. */
struct isup_usi {
	uint8_t coding_standard;
	uint8_t itc;
	uint8_t transfer_mode;
	uint8_t transfer_rate;
	/*! octet 4.1 (rate multiplier) present: rate is multirate (0x18) */
	bool has_multiplier;
	uint8_t multiplier;
	bool has_l1;
	/*! layer 1 user information protocol (2 = G.711 u-law, 3 = A-law) */
	uint8_t l1_protocol;
	/*! extension bit of the layer 1 octet (0: octets 5a.. follow) */
	uint8_t l1_ext;
	uint8_t rest_len;
	uint8_t rest[ISUP_USI_MAX_REST];
};

int isup_usi_decode(struct isup_usi *out, const uint8_t *data, size_t len);
int isup_usi_encode(uint8_t *buf, size_t size, const struct isup_usi *in);

/*! Instruction indicators of Q.763 3.33 (message compatibility) and
 *  3.41 (parameter compatibility); discard_param exists in 3.41 only
 *  (in 3.33 bit E is pass_on_not_possible). */
struct isup_compat_instr {
	uint8_t transit;
	uint8_t release;
	uint8_t notify;
	uint8_t discard_msg;
	/*! 3.41: discard parameter; unused in 3.33 */
	uint8_t discard_param;
	/*! 3.33: 1 bit (0 release, 1 discard); 3.41: 2 bits */
	uint8_t pass_on_not_possible;
	/*! 3.33 only: broadband/narrowband interworking indicator */
	uint8_t bn_interworking;
	/*! extension octets after the first (ext bit of octet 1 clear) */
	uint8_t more_len;
	uint8_t more[4];
};

/*! Message compatibility information, Q.763 3.33. */
struct isup_msg_compat {
	struct isup_compat_instr instr;
};

int isup_msg_compat_decode(struct isup_msg_compat *out, const uint8_t *data, size_t len);
int isup_msg_compat_encode(uint8_t *buf, size_t size, const struct isup_msg_compat *in);

#define ISUP_PCI_MAX	16

/*! Parameter compatibility information, Q.763 3.41. */
struct isup_param_compat {
	uint8_t count;
	struct {
		uint8_t code;
		struct isup_compat_instr instr;
	} entry[ISUP_PCI_MAX];
};

int isup_param_compat_decode(struct isup_param_compat *out, const uint8_t *data, size_t len);
int isup_param_compat_encode(uint8_t *buf, size_t size, const struct isup_param_compat *in);
/*! The instructions for one parameter code, or NULL. */
const struct isup_compat_instr *isup_param_compat_find(const struct isup_param_compat *pci,
						       uint8_t code);

/*! User-to-user information, Q.763 3.61: opaque octets. */
struct isup_uui {
	uint8_t len;
	uint8_t data[255];
};

int isup_uui_decode(struct isup_uui *out, const uint8_t *data, size_t len);
int isup_uui_encode(uint8_t *buf, size_t size, const struct isup_uui *in);

/*! Propagation delay counter, Q.763 3.42: milliseconds, MSB first. */
struct isup_prop_delay {
	uint16_t ms;
};

int isup_prop_delay_decode(struct isup_prop_delay *out, const uint8_t *data, size_t len);
int isup_prop_delay_encode(uint8_t *buf, size_t size, const struct isup_prop_delay *in);

/* ---- getters on a decoded message ---- */

/*! Decode the first parameter with this number code (called, calling,
 *  redirecting, ... generic) of msg. \returns 0, -ISUP_ERR_MISSING_MANDATORY
 *  when absent, or the decoder's error. */
int isup_msg_get_number(const struct isup_msg *msg, uint8_t code, struct isup_number *num);
/*! Encode num and set it as parameter code of msg. \returns 0 or negative */
int isup_msg_set_number(struct isup_msg *msg, uint8_t code, const struct isup_number *num);
/*! Decode the cause indicators of msg. \returns 0 or negative */
int isup_msg_get_cause(const struct isup_msg *msg, struct isup_cause *cause);
/*! Encode cause and set it in msg. \returns 0 or negative */
int isup_msg_set_cause(struct isup_msg *msg, const struct isup_cause *cause);
/*! Decode the message compatibility information. \returns 0 or negative */
int isup_msg_get_msg_compat(const struct isup_msg *msg, struct isup_msg_compat *mci);
/*! Decode the parameter compatibility information. \returns 0 or negative */
int isup_msg_get_param_compat(const struct isup_msg *msg, struct isup_param_compat *pci);
/*! Decode any bit-field parameter of msg into the matching struct
 *  (e.g. code ISUP_PAR_BCI into struct isup_bci). \returns 0 or negative */
int isup_msg_get_bf(const struct isup_msg *msg, uint8_t code, void *out, size_t out_size);
