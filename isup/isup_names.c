/* ISUP variant, message and parameter names: the one place for them.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <strings.h>

#include "isup/isup_err.h"
#include "isup/isup_names.h"

const struct value_string isup_variant_names[] = {
	{ ISUP_VARIANT_ITU, "itu" },
	{ ISUP_VARIANT_ANSI, "ansi" },
	{ ISUP_VARIANT_CHINA, "china" },
	{ 0, NULL }
};

int isup_variant_parse(const char *s)
{
	int i;

	if (!s)
		return -ISUP_ERR_INVAL;
	for (i = 0; isup_variant_names[i].str; i++) {
		if (strcasecmp(isup_variant_names[i].str, s) == 0)
			return isup_variant_names[i].value;
	}
	return -ISUP_ERR_INVAL;
}

const struct value_string isup_msg_type_names[] = {
	{ ISUP_MSG_IAM, "IAM" }, { ISUP_MSG_SAM, "SAM" },
	{ ISUP_MSG_INR, "INR" }, { ISUP_MSG_INF, "INF" },
	{ ISUP_MSG_COT, "COT" }, { ISUP_MSG_ACM, "ACM" },
	{ ISUP_MSG_CON, "CON" }, { ISUP_MSG_FOT, "FOT" },
	{ ISUP_MSG_ANM, "ANM" }, { ISUP_MSG_REL, "REL" },
	{ ISUP_MSG_SUS, "SUS" }, { ISUP_MSG_RES, "RES" },
	{ ISUP_MSG_RLC, "RLC" }, { ISUP_MSG_CCR, "CCR" },
	{ ISUP_MSG_RSC, "RSC" }, { ISUP_MSG_BLO, "BLO" },
	{ ISUP_MSG_UBL, "UBL" }, { ISUP_MSG_BLA, "BLA" },
	{ ISUP_MSG_UBA, "UBA" }, { ISUP_MSG_GRS, "GRS" },
	{ ISUP_MSG_CGB, "CGB" }, { ISUP_MSG_CGU, "CGU" },
	{ ISUP_MSG_CGBA, "CGBA" }, { ISUP_MSG_CGUA, "CGUA" },
	{ ISUP_MSG_CMR, "CMR" }, { ISUP_MSG_CMC, "CMC" },
	{ ISUP_MSG_CMRJ, "CMRJ" }, { ISUP_MSG_FAR, "FAR" },
	{ ISUP_MSG_FAA, "FAA" }, { ISUP_MSG_FRJ, "FRJ" },
	{ ISUP_MSG_FAD, "FAD" }, { ISUP_MSG_FAI, "FAI" },
	{ ISUP_MSG_LPA, "LPA" }, { ISUP_MSG_CSVR, "CSVR" },
	{ ISUP_MSG_CSVS, "CSVS" }, { ISUP_MSG_DRS, "DRS" },
	{ ISUP_MSG_PAM, "PAM" }, { ISUP_MSG_GRA, "GRA" },
	{ ISUP_MSG_CQM, "CQM" }, { ISUP_MSG_CQR, "CQR" },
	{ ISUP_MSG_CPG, "CPG" }, { ISUP_MSG_USR, "USR" },
	{ ISUP_MSG_UCIC, "UCIC" }, { ISUP_MSG_CFN, "CFN" },
	{ ISUP_MSG_OLM, "OLM" }, { ISUP_MSG_CRG, "CRG" },
	{ ISUP_MSG_NRM, "NRM" }, { ISUP_MSG_FAC, "FAC" },
	{ ISUP_MSG_UPT, "UPT" }, { ISUP_MSG_UPA, "UPA" },
	{ ISUP_MSG_IDR, "IDR" }, { ISUP_MSG_IRS, "IRS" },
	{ ISUP_MSG_SGM, "SGM" }, { ISUP_MSG_LPR, "LPR" },
	{ ISUP_MSG_APM, "APM" }, { ISUP_MSG_PRI, "PRI" },
	{ ISUP_MSG_SDN, "SDN" }, { ISUP_MSG_CRA, "CRA" },
	{ ISUP_MSG_CRM, "CRM" }, { ISUP_MSG_CVR, "CVR" },
	{ ISUP_MSG_CVT, "CVT" }, { ISUP_MSG_EXM, "EXM" },
	{ 0, NULL }
};

const struct value_string isup_msg_type_long_names[] = {
	{ ISUP_MSG_IAM, "Initial address" },
	{ ISUP_MSG_SAM, "Subsequent address" },
	{ ISUP_MSG_INR, "Information request" },
	{ ISUP_MSG_INF, "Information" },
	{ ISUP_MSG_COT, "Continuity" },
	{ ISUP_MSG_ACM, "Address complete" },
	{ ISUP_MSG_CON, "Connect" },
	{ ISUP_MSG_FOT, "Forward transfer" },
	{ ISUP_MSG_ANM, "Answer" },
	{ ISUP_MSG_REL, "Release" },
	{ ISUP_MSG_SUS, "Suspend" },
	{ ISUP_MSG_RES, "Resume" },
	{ ISUP_MSG_RLC, "Release complete" },
	{ ISUP_MSG_CCR, "Continuity check request" },
	{ ISUP_MSG_RSC, "Reset circuit" },
	{ ISUP_MSG_BLO, "Blocking" },
	{ ISUP_MSG_UBL, "Unblocking" },
	{ ISUP_MSG_BLA, "Blocking acknowledgement" },
	{ ISUP_MSG_UBA, "Unblocking acknowledgement" },
	{ ISUP_MSG_GRS, "Circuit group reset" },
	{ ISUP_MSG_CGB, "Circuit group blocking" },
	{ ISUP_MSG_CGU, "Circuit group unblocking" },
	{ ISUP_MSG_CGBA, "Circuit group blocking acknowledgement" },
	{ ISUP_MSG_CGUA, "Circuit group unblocking acknowledgement" },
	{ ISUP_MSG_CMR, "Call modification request" },
	{ ISUP_MSG_CMC, "Call modification completed" },
	{ ISUP_MSG_CMRJ, "Call modification reject" },
	{ ISUP_MSG_FAR, "Facility request" },
	{ ISUP_MSG_FAA, "Facility accepted" },
	{ ISUP_MSG_FRJ, "Facility reject" },
	{ ISUP_MSG_FAD, "Facility deactivated" },
	{ ISUP_MSG_FAI, "Facility information" },
	{ ISUP_MSG_LPA, "Loop back acknowledgement" },
	{ ISUP_MSG_CSVR, "CUG selection and validation request" },
	{ ISUP_MSG_CSVS, "CUG selection and validation response" },
	{ ISUP_MSG_DRS, "Delayed release" },
	{ ISUP_MSG_PAM, "Pass-along" },
	{ ISUP_MSG_GRA, "Circuit group reset acknowledgement" },
	{ ISUP_MSG_CQM, "Circuit group query" },
	{ ISUP_MSG_CQR, "Circuit group query response" },
	{ ISUP_MSG_CPG, "Call progress" },
	{ ISUP_MSG_USR, "User-to-user information" },
	{ ISUP_MSG_UCIC, "Unequipped CIC" },
	{ ISUP_MSG_CFN, "Confusion" },
	{ ISUP_MSG_OLM, "Overload" },
	{ ISUP_MSG_CRG, "Charge information" },
	{ ISUP_MSG_NRM, "Network resource management" },
	{ ISUP_MSG_FAC, "Facility" },
	{ ISUP_MSG_UPT, "User part test" },
	{ ISUP_MSG_UPA, "User part available" },
	{ ISUP_MSG_IDR, "Identification request" },
	{ ISUP_MSG_IRS, "Identification response" },
	{ ISUP_MSG_SGM, "Segmentation" },
	{ ISUP_MSG_LPR, "Loop prevention" },
	{ ISUP_MSG_APM, "Application transport" },
	{ ISUP_MSG_PRI, "Pre-release information" },
	{ ISUP_MSG_SDN, "Subsequent directory number" },
	{ ISUP_MSG_CRA, "Circuit reservation acknowledgement" },
	{ ISUP_MSG_CRM, "Circuit reservation" },
	{ ISUP_MSG_CVR, "Circuit validation response" },
	{ ISUP_MSG_CVT, "Circuit validation test" },
	{ ISUP_MSG_EXM, "Exit" },
	{ 0, NULL }
};

/* Codes and names per Q.763 (12/1999) section 3.1 Table 5 */
const struct value_string isup_param_names[] = {
	{ 0x00, "End of optional parameters" },
	{ 0x01, "Call reference" },
	{ 0x02, "Transmission medium requirement" },
	{ 0x03, "Access transport" },
	{ 0x04, "Called party number" },
	{ 0x05, "Subsequent number" },
	{ 0x06, "Nature of connection indicators" },
	{ 0x07, "Forward call indicators" },
	{ 0x08, "Optional forward call indicators" },
	{ 0x09, "Calling party's category" },
	{ 0x0a, "Calling party number" },
	{ 0x0b, "Redirecting number" },
	{ 0x0c, "Redirection number" },
	{ 0x0d, "Connection request" },
	{ 0x0e, "Information request indicators" },
	{ 0x0f, "Information indicators" },
	{ 0x10, "Continuity indicators" },
	{ 0x11, "Backward call indicators" },
	{ 0x12, "Cause indicators" },
	{ 0x13, "Redirection information" },
	{ 0x15, "Circuit group supervision message type" },
	{ 0x16, "Range and status" },
	{ 0x17, "Call modification indicators" },
	{ 0x18, "Facility indicator" },
	{ 0x1a, "Closed user group interlock code" },
	{ 0x1d, "User service information" },
	{ 0x1e, "Signalling point code" },
	{ 0x20, "User-to-user information" },
	{ 0x21, "Connected number" },
	{ 0x22, "Suspend/resume indicators" },
	{ 0x23, "Transit network selection" },
	{ 0x24, "Event information" },
	{ 0x25, "Circuit assignment map" },
	{ 0x26, "Circuit state indicator" },
	{ 0x27, "Automatic congestion level" },
	{ 0x28, "Original called number" },
	{ 0x29, "Optional backward call indicators" },
	{ 0x2a, "User-to-user indicators" },
	{ 0x2b, "Origination ISC point code" },
	{ 0x2c, "Generic notification indicator" },
	{ 0x2d, "Call history information" },
	{ 0x2e, "Access delivery information" },
	{ 0x2f, "Network specific facility" },
	{ 0x30, "User service information prime" },
	{ 0x31, "Propagation delay counter" },
	{ 0x32, "Remote operations" },
	{ 0x33, "Service activation" },
	{ 0x34, "User teleservice information" },
	{ 0x35, "Transmission medium used" },
	{ 0x36, "Call diversion information" },
	{ 0x37, "Echo control information" },
	{ 0x38, "Message compatibility information" },
	{ 0x39, "Parameter compatibility information" },
	{ 0x3a, "MLPP precedence" },
	{ 0x3b, "MCID request indicators" },
	{ 0x3c, "MCID response indicators" },
	{ 0x3d, "Hop counter" },
	{ 0x3e, "Transmission medium requirement prime" },
	{ 0x3f, "Location number" },
	{ 0x40, "Redirection number restriction" },
	{ 0x43, "Call transfer reference" },
	{ 0x44, "Loop prevention indicators" },
	{ 0x45, "Call transfer number" },
	{ 0x4b, "CCSS" },
	{ 0x4c, "Forward GVNS" },
	{ 0x4d, "Backward GVNS" },
	{ 0x4e, "Redirect capability" },
	{ 0x5b, "Network management controls" },
	{ 0x65, "Correlation id" },
	{ 0x66, "SCF id" },
	{ 0x6e, "Call diversion treatment indicators" },
	{ 0x6f, "Called IN number" },
	{ 0x70, "Call offering treatment indicators" },
	{ 0x71, "Charged party identification" },
	{ 0x72, "Conference treatment indicators" },
	{ 0x73, "Display information" },
	{ 0x74, "UID action indicators" },
	{ 0x75, "UID capability indicators" },
	{ 0x77, "Redirect counter" },
	{ 0x78, "Application transport" },
	{ 0x79, "Collect call request" },
	{ 0x7a, "CCNR possible indicator" },
	{ 0x7b, "Pivot capability" },
	{ 0x7c, "Pivot routing indicators" },
	{ 0x7d, "Called directory number" },
	{ 0x7f, "Original called IN number" },
	{ 0x81, "Calling geodetic location" },
	{ 0x82, "HTR information" },
	{ 0x84, "Network routing number" },
	{ 0x85, "Query on release capability" },
	{ 0x86, "Pivot status" },
	{ 0x87, "Pivot counter" },
	{ 0x88, "Pivot routing forward information" },
	{ 0x89, "Pivot routing backward information" },
	{ 0x8a, "Redirect status" },
	{ 0x8b, "Redirect forward information" },
	{ 0x8c, "Redirect backward information" },
	{ 0x8d, "Number portability forward information" },
	{ 0xc0, "Generic number" },
	{ 0xc1, "Generic digits" },
	{ 0, NULL }
};

/* ANSI T1.113 code points that are absent from, or named differently
 * in, Q.763 (checked against Wireshark packet-isup.h and libss7 isup.h) */
const struct value_string isup_ansi_param_names[] = {
	{ 0xc0, "Generic address" },
	{ 0xc2, "Operator services information" },
	{ 0xc3, "Egress service" },
	{ 0xc4, "Jurisdiction information" },
	{ 0xc5, "Carrier identification" },
	{ 0xc6, "Business group" },
	{ 0xc7, "Generic name" },
	{ 0xe1, "Notification indicator" },
	{ 0xe5, "Circuit group characteristics indicators" },
	{ 0xe6, "Circuit validation response indicator" },
	{ 0xe7, "Outgoing trunk group number" },
	{ 0xe8, "Circuit identification name" },
	{ 0xe9, "Common language location identification" },
	{ 0xea, "Originating line information" },
	{ 0xeb, "Charge number" },
	{ 0xec, "Service code indicator" },
	{ 0xed, "Special processing request" },
	{ 0xee, "Carrier selection information" },
	{ 0xef, "Network transport" },
	{ 0, NULL }
};

const char *isup_param_name(enum isup_variant variant, uint8_t code)
{
	const char *s;

	if (variant == ISUP_VARIANT_ANSI) {
		s = get_value_string_or_null(isup_ansi_param_names, code);
		if (s)
			return s;
	}
	s = get_value_string_or_null(isup_param_names, code);
	return s ? s : "unknown";
}

const char *isup_msg_type_name(uint8_t type)
{
	const char *s = get_value_string_or_null(isup_msg_type_names, type);

	return s ? s : "unknown";
}

const struct value_string isup_event_ind_names[] = {
	{ ISUP_EV_ALERTING, "alerting" },
	{ ISUP_EV_PROGRESS, "progress" },
	{ ISUP_EV_INBAND, "in-band information or an appropriate pattern is now available" },
	{ ISUP_EV_FWD_BUSY, "call forwarded on busy" },
	{ ISUP_EV_FWD_NOREPLY, "call forwarded on no reply" },
	{ ISUP_EV_FWD_UNCOND, "call forwarded unconditional" },
	{ 0, NULL }
};
