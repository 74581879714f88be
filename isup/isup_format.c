/* The ISUP message-format table (Q.763 section 4, ANSI T1.113.3).
 *
 * Rows were checked against Wireshark packet-isup.c (dissect_isup_message
 * and dissect_ansi_isup_message) and Yate libs/ysig/isup.cpp
 * (s_common_params, s_itu_params, s_ansi_params).  China uses the ITU
 * rows: Wireshark and Yate both decode Chinese ISUP with the ITU layouts
 * and a 12-bit CIC.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stddef.h>

#include "isup/isup_format.h"

const struct value_string isup_fmt_kind_names[] = {
	{ ISUP_FMT_PARAMS, "params" },
	{ ISUP_FMT_OPAQUE, "opaque" },
	{ 0, NULL }
};

#define F(c, l)		{ .code = (c), .len = (l) }

/* Message with only an optional part */
#define OPT_ONLY(t, v) \
	{ .type = (t), .variants = (v), .kind = ISUP_FMT_PARAMS, .optional = true }
/* Message with no parameter at all */
#define EMPTY(t, v) \
	{ .type = (t), .variants = (v), .kind = ISUP_FMT_PARAMS, .optional = false }
#define OPAQUE(t, v) \
	{ .type = (t), .variants = (v), .kind = ISUP_FMT_OPAQUE }

static const struct isup_fmt isup_fmt_table[] = {
	{ .type = ISUP_MSG_IAM, .variants = ISUP_V_ITU_CHINA, .optional = true,
	  .num_fixed = 4,
	  .fixed = { F(ISUP_PAR_NCI, 1), F(ISUP_PAR_FCI, 2), F(ISUP_PAR_CPC, 1), F(ISUP_PAR_TMR, 1) },
	  .num_var = 1, .var = { ISUP_PAR_CALLED } },
	/* T1.113: no TMR; USI is the first mandatory variable parameter */
	{ .type = ISUP_MSG_IAM, .variants = ISUP_V_ANSI, .optional = true,
	  .num_fixed = 3,
	  .fixed = { F(ISUP_PAR_NCI, 1), F(ISUP_PAR_FCI, 2), F(ISUP_PAR_CPC, 1) },
	  .num_var = 2, .var = { ISUP_PAR_USI, ISUP_PAR_CALLED } },
	{ .type = ISUP_MSG_SAM, .variants = ISUP_V_ALL, .optional = true,
	  .num_var = 1, .var = { ISUP_PAR_SUBSEQUENT } },
	{ .type = ISUP_MSG_INR, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_INFO_REQ_IND, 2) } },
	{ .type = ISUP_MSG_INF, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_INFO_IND, 2) } },
	{ .type = ISUP_MSG_COT, .variants = ISUP_V_ALL,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_CONTINUITY_IND, 1) } },
	{ .type = ISUP_MSG_ACM, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_BCI, 2) } },
	{ .type = ISUP_MSG_CON, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_BCI, 2) } },
	OPT_ONLY(ISUP_MSG_FOT, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_ANM, ISUP_V_ALL),
	{ .type = ISUP_MSG_REL, .variants = ISUP_V_ALL, .optional = true,
	  .num_var = 1, .var = { ISUP_PAR_CAUSE } },
	{ .type = ISUP_MSG_SUS, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_SUSP_RES_IND, 1) } },
	{ .type = ISUP_MSG_RES, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_SUSP_RES_IND, 1) } },
	OPT_ONLY(ISUP_MSG_RLC, ISUP_V_ITU_CHINA),
	/* T1.113 RLC is the message type alone (Wireshark, Yate agree) */
	EMPTY(ISUP_MSG_RLC, ISUP_V_ANSI),
	EMPTY(ISUP_MSG_CCR, ISUP_V_ALL),
	EMPTY(ISUP_MSG_RSC, ISUP_V_ALL),
	EMPTY(ISUP_MSG_BLO, ISUP_V_ALL),
	EMPTY(ISUP_MSG_UBL, ISUP_V_ALL),
	EMPTY(ISUP_MSG_BLA, ISUP_V_ALL),
	EMPTY(ISUP_MSG_UBA, ISUP_V_ALL),
	{ .type = ISUP_MSG_GRS, .variants = ISUP_V_ALL,
	  .num_var = 1, .var = { ISUP_PAR_RANGE_STATUS } },
	{ .type = ISUP_MSG_CGB, .variants = ISUP_V_ALL,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_CGSMT, 1) },
	  .num_var = 1, .var = { ISUP_PAR_RANGE_STATUS } },
	{ .type = ISUP_MSG_CGU, .variants = ISUP_V_ALL,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_CGSMT, 1) },
	  .num_var = 1, .var = { ISUP_PAR_RANGE_STATUS } },
	{ .type = ISUP_MSG_CGBA, .variants = ISUP_V_ALL,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_CGSMT, 1) },
	  .num_var = 1, .var = { ISUP_PAR_RANGE_STATUS } },
	{ .type = ISUP_MSG_CGUA, .variants = ISUP_V_ALL,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_CGSMT, 1) },
	  .num_var = 1, .var = { ISUP_PAR_RANGE_STATUS } },
	{ .type = ISUP_MSG_FAR, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_FACILITY_IND, 1) } },
	{ .type = ISUP_MSG_FAA, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_FACILITY_IND, 1) } },
	{ .type = ISUP_MSG_FRJ, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_FACILITY_IND, 1) },
	  .num_var = 1, .var = { ISUP_PAR_CAUSE } },
	/* 1988 call modification / facility / CUG messages that ANSI kept
	 * code points for: no layout we could verify, kept whole */
	OPAQUE(ISUP_MSG_CMR, ISUP_V_ANSI),
	OPAQUE(ISUP_MSG_CMC, ISUP_V_ANSI),
	OPAQUE(ISUP_MSG_CMRJ, ISUP_V_ANSI),
	OPAQUE(ISUP_MSG_FAD, ISUP_V_ANSI),
	OPAQUE(ISUP_MSG_FAI, ISUP_V_ANSI),
	OPAQUE(ISUP_MSG_CSVR, ISUP_V_ANSI),
	OPAQUE(ISUP_MSG_CSVS, ISUP_V_ANSI),
	OPAQUE(ISUP_MSG_DRS, ISUP_V_ANSI),
	EMPTY(ISUP_MSG_LPA, ISUP_V_ALL),
	/* the body is a whole embedded message without CIC */
	OPAQUE(ISUP_MSG_PAM, ISUP_V_ALL),
	{ .type = ISUP_MSG_GRA, .variants = ISUP_V_ALL,
	  .num_var = 1, .var = { ISUP_PAR_RANGE_STATUS } },
	{ .type = ISUP_MSG_CQM, .variants = ISUP_V_ALL,
	  .num_var = 1, .var = { ISUP_PAR_RANGE_STATUS } },
	{ .type = ISUP_MSG_CQR, .variants = ISUP_V_ALL,
	  .num_var = 2, .var = { ISUP_PAR_RANGE_STATUS, ISUP_PAR_CIRC_STATE_IND } },
	{ .type = ISUP_MSG_CPG, .variants = ISUP_V_ALL, .optional = true,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_EVENT_INFO, 1) } },
	{ .type = ISUP_MSG_USR, .variants = ISUP_V_ALL, .optional = true,
	  .num_var = 1, .var = { ISUP_PAR_UUI } },
	EMPTY(ISUP_MSG_UCIC, ISUP_V_ALL),
	{ .type = ISUP_MSG_CFN, .variants = ISUP_V_ALL, .optional = true,
	  .num_var = 1, .var = { ISUP_PAR_CAUSE } },
	EMPTY(ISUP_MSG_OLM, ISUP_V_ALL),
	/* Q.763: "the format of this message is a national matter" */
	OPAQUE(ISUP_MSG_CRG, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_NRM, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_FAC, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_UPT, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_UPA, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_IDR, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_IRS, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_SGM, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_LPR, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_APM, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_PRI, ISUP_V_ALL),
	OPT_ONLY(ISUP_MSG_SDN, ISUP_V_ALL),
	/* ANSI T1.113 only */
	EMPTY(ISUP_MSG_CRA, ISUP_V_ANSI),
	{ .type = ISUP_MSG_CRM, .variants = ISUP_V_ANSI,
	  .num_fixed = 1, .fixed = { F(ISUP_PAR_NCI, 1) } },
	{ .type = ISUP_MSG_CVR, .variants = ISUP_V_ANSI, .optional = true,
	  .num_fixed = 2,
	  .fixed = { F(ISUP_PAR_ANSI_CVR_RESP_IND, 1), F(ISUP_PAR_ANSI_CG_CHAR_IND, 1) } },
	EMPTY(ISUP_MSG_CVT, ISUP_V_ANSI),
	OPT_ONLY(ISUP_MSG_EXM, ISUP_V_ANSI),
};

const struct isup_fmt isup_fmt_generic = {
	.type = 0, .variants = ISUP_V_ALL, .kind = ISUP_FMT_PARAMS, .optional = true,
};

const struct isup_fmt *isup_fmt_find(enum isup_variant variant, uint8_t type)
{
	unsigned int i;

	if ((unsigned int)variant >= _NUM_ISUP_VARIANT)
		return NULL;
	for (i = 0; i < ARRAY_SIZE(isup_fmt_table); i++) {
		if (isup_fmt_table[i].type == type &&
		    (isup_fmt_table[i].variants & ISUP_VBIT(variant)))
			return &isup_fmt_table[i];
	}
	return NULL;
}

const struct isup_fmt *isup_fmt_get(unsigned int i)
{
	return i < ARRAY_SIZE(isup_fmt_table) ? &isup_fmt_table[i] : NULL;
}

unsigned int isup_fmt_fixed_len(const struct isup_fmt *fmt)
{
	unsigned int i, n = 0;

	for (i = 0; i < fmt->num_fixed; i++)
		n += fmt->fixed[i].len;
	return n;
}
