/* ISUP variants, message type codes and parameter codes with their names.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdint.h>

#include <osmocom/core/utils.h>

/*! Protocol variant, a per-trunk setting. */
enum isup_variant {
	/*! ITU-T Q.763 (1992 and later, 12/1999 code points) */
	ISUP_VARIANT_ITU,
	/*! ANSI T1.113 (IAM with USI, 14-bit CIC, ANSI-only messages) */
	ISUP_VARIANT_ANSI,
	/*! Chinese national ISUP: ITU message formats and 12-bit CIC;
	 *  only MTP3 point codes are 24 bits, which the codec never sees */
	ISUP_VARIANT_CHINA,
	_NUM_ISUP_VARIANT
};

extern const struct value_string isup_variant_names[];

/*! Parse "itu", "ansi" or "china" (case-insensitive).
 *  \returns the variant, or -ISUP_ERR_INVAL. */
int isup_variant_parse(const char *s);

/*! Message type codes (Q.763 Table 4, plus ANSI T1.113 codes). */
enum isup_msg_type {
	ISUP_MSG_IAM = 0x01,
	ISUP_MSG_SAM = 0x02,
	ISUP_MSG_INR = 0x03,
	ISUP_MSG_INF = 0x04,
	ISUP_MSG_COT = 0x05,
	ISUP_MSG_ACM = 0x06,
	ISUP_MSG_CON = 0x07,
	ISUP_MSG_FOT = 0x08,
	ISUP_MSG_ANM = 0x09,
	ISUP_MSG_REL = 0x0c,
	ISUP_MSG_SUS = 0x0d,
	ISUP_MSG_RES = 0x0e,
	ISUP_MSG_RLC = 0x10,
	ISUP_MSG_CCR = 0x11,
	ISUP_MSG_RSC = 0x12,
	ISUP_MSG_BLO = 0x13,
	ISUP_MSG_UBL = 0x14,
	ISUP_MSG_BLA = 0x15,
	ISUP_MSG_UBA = 0x16,
	ISUP_MSG_GRS = 0x17,
	ISUP_MSG_CGB = 0x18,
	ISUP_MSG_CGU = 0x19,
	ISUP_MSG_CGBA = 0x1a,
	ISUP_MSG_CGUA = 0x1b,
	ISUP_MSG_CMR = 0x1c,
	ISUP_MSG_CMC = 0x1d,
	ISUP_MSG_CMRJ = 0x1e,
	ISUP_MSG_FAR = 0x1f,
	ISUP_MSG_FAA = 0x20,
	ISUP_MSG_FRJ = 0x21,
	ISUP_MSG_FAD = 0x22,
	ISUP_MSG_FAI = 0x23,
	ISUP_MSG_LPA = 0x24,
	ISUP_MSG_CSVR = 0x25,
	ISUP_MSG_CSVS = 0x26,
	ISUP_MSG_DRS = 0x27,
	ISUP_MSG_PAM = 0x28,
	ISUP_MSG_GRA = 0x29,
	ISUP_MSG_CQM = 0x2a,
	ISUP_MSG_CQR = 0x2b,
	ISUP_MSG_CPG = 0x2c,
	ISUP_MSG_USR = 0x2d,
	ISUP_MSG_UCIC = 0x2e,
	ISUP_MSG_CFN = 0x2f,
	ISUP_MSG_OLM = 0x30,
	ISUP_MSG_CRG = 0x31,
	ISUP_MSG_NRM = 0x32,
	ISUP_MSG_FAC = 0x33,
	ISUP_MSG_UPT = 0x34,
	ISUP_MSG_UPA = 0x35,
	ISUP_MSG_IDR = 0x36,
	ISUP_MSG_IRS = 0x37,
	ISUP_MSG_SGM = 0x38,
	ISUP_MSG_LPR = 0x40,
	ISUP_MSG_APM = 0x41,
	ISUP_MSG_PRI = 0x42,
	ISUP_MSG_SDN = 0x43,
	ISUP_MSG_CRA = 0xe9,
	ISUP_MSG_CRM = 0xea,
	ISUP_MSG_CVR = 0xeb,
	ISUP_MSG_CVT = 0xec,
	ISUP_MSG_EXM = 0xed,
};

/*! Acronyms ("IAM") of every message type of any variant. */
extern const struct value_string isup_msg_type_names[];
/*! Full names ("Initial address") of every message type of any variant. */
extern const struct value_string isup_msg_type_long_names[];

/*! Parameter codes (Q.763 Table 5; ANSI codes where they differ). */
enum isup_param_code {
	ISUP_PAR_EOP = 0x00,
	ISUP_PAR_CALL_REF = 0x01,
	ISUP_PAR_TMR = 0x02,
	ISUP_PAR_ACCESS_TRANSPORT = 0x03,
	ISUP_PAR_CALLED = 0x04,
	ISUP_PAR_SUBSEQUENT = 0x05,
	ISUP_PAR_NCI = 0x06,
	ISUP_PAR_FCI = 0x07,
	ISUP_PAR_OFCI = 0x08,
	ISUP_PAR_CPC = 0x09,
	ISUP_PAR_CALLING = 0x0a,
	ISUP_PAR_REDIRECTING = 0x0b,
	ISUP_PAR_REDIRECTION_NUM = 0x0c,
	ISUP_PAR_CONNECTION_REQ = 0x0d,
	ISUP_PAR_INFO_REQ_IND = 0x0e,
	ISUP_PAR_INFO_IND = 0x0f,
	ISUP_PAR_CONTINUITY_IND = 0x10,
	ISUP_PAR_BCI = 0x11,
	ISUP_PAR_CAUSE = 0x12,
	ISUP_PAR_REDIRECTION_INFO = 0x13,
	ISUP_PAR_CGSMT = 0x15,
	ISUP_PAR_RANGE_STATUS = 0x16,
	ISUP_PAR_CALL_MOD_IND = 0x17,
	ISUP_PAR_FACILITY_IND = 0x18,
	ISUP_PAR_CUG_INTERLOCK = 0x1a,
	ISUP_PAR_USI = 0x1d,
	ISUP_PAR_SPC = 0x1e,
	ISUP_PAR_UUI = 0x20,
	ISUP_PAR_CONNECTED = 0x21,
	ISUP_PAR_SUSP_RES_IND = 0x22,
	ISUP_PAR_TNS = 0x23,
	ISUP_PAR_EVENT_INFO = 0x24,
	ISUP_PAR_CIRC_ASSIGN_MAP = 0x25,
	ISUP_PAR_CIRC_STATE_IND = 0x26,
	ISUP_PAR_ACL = 0x27,
	ISUP_PAR_ORIG_CALLED = 0x28,
	ISUP_PAR_OBCI = 0x29,
	ISUP_PAR_UTI = 0x2a,
	ISUP_PAR_ORIG_ISC_PC = 0x2b,
	ISUP_PAR_GENERIC_NOTIF = 0x2c,
	ISUP_PAR_CALL_HISTORY = 0x2d,
	ISUP_PAR_ACCESS_DELIVERY = 0x2e,
	ISUP_PAR_NSF = 0x2f,
	ISUP_PAR_USI_PRIME = 0x30,
	ISUP_PAR_PROP_DELAY = 0x31,
	ISUP_PAR_REMOTE_OPS = 0x32,
	ISUP_PAR_SERVICE_ACT = 0x33,
	ISUP_PAR_UTSI = 0x34,
	ISUP_PAR_TMU = 0x35,
	ISUP_PAR_CALL_DIV_INFO = 0x36,
	ISUP_PAR_ECHO_CTRL = 0x37,
	ISUP_PAR_MSG_COMPAT = 0x38,
	ISUP_PAR_PARAM_COMPAT = 0x39,
	ISUP_PAR_MLPP = 0x3a,
	ISUP_PAR_MCID_REQ = 0x3b,
	ISUP_PAR_MCID_RSP = 0x3c,
	ISUP_PAR_HOP_COUNTER = 0x3d,
	ISUP_PAR_TMR_PRIME = 0x3e,
	ISUP_PAR_LOCATION = 0x3f,
	ISUP_PAR_REDIR_NUM_RESTR = 0x40,
	ISUP_PAR_CALLED_IN = 0x6f,
	ISUP_PAR_REDIRECT_COUNTER = 0x77,
	ISUP_PAR_APP_TRANSPORT = 0x78,
	ISUP_PAR_CALLED_DIR = 0x7d,
	ISUP_PAR_ORIG_CALLED_IN = 0x7f,
	ISUP_PAR_GENERIC_NUMBER = 0xc0,
	ISUP_PAR_GENERIC_DIGITS = 0xc1,
	/* ANSI T1.113 only */
	ISUP_PAR_ANSI_CVR_RESP_IND = 0xe6,
	ISUP_PAR_ANSI_CG_CHAR_IND = 0xe5,
	ISUP_PAR_ANSI_ORIG_LINE_INFO = 0xea,
	ISUP_PAR_ANSI_CHARGE_NUMBER = 0xeb,
};

/*! Parameter names of ITU-T Q.763 (also used for China). */
extern const struct value_string isup_param_names[];
/*! Parameter names of ANSI T1.113 where they differ from ITU. */
extern const struct value_string isup_ansi_param_names[];

/*! Name of a parameter code in a variant ("unknown" when not listed). */
const char *isup_param_name(enum isup_variant variant, uint8_t code);
/*! Acronym of a message type ("unknown" when not listed). */
const char *isup_msg_type_name(uint8_t type);

/*! Event indicator of the event information parameter (Q.763 3.21),
 *  carried by CPG. */
enum isup_event_ind {
	ISUP_EV_ALERTING = 1,
	ISUP_EV_PROGRESS = 2,
	ISUP_EV_INBAND = 3,
	ISUP_EV_FWD_BUSY = 4,
	ISUP_EV_FWD_NOREPLY = 5,
	ISUP_EV_FWD_UNCOND = 6,
};
extern const struct value_string isup_event_ind_names[];
