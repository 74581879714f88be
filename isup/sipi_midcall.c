/* Mid-call ISUP on an established SIP-I/SIP-T dialog (Q.1912.5): which
 * messages travel in INFO, and the CPG that tells the ISUP side of a hold
 * or a retrieval signalled in SDP.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>

#include "isup/isup_names.h"
#include "isup/sipi_call.h"
#include "isup/sipi_err.h"

/* Q.763 3.25 generic notification indicator (bit 8: last octet) */
#define GNI_REMOTE_HOLD		0x79
#define GNI_REMOTE_RETRIEVAL	0x7a
#define GNI_EXT			0x80

/* ISUP messages of an answered call that have no SIP counterpart and are
 * encapsulated in INFO (Q.1912.5 [mem]: "messages of the established
 * call that SIP does not map are transported in INFO"). */
static const uint8_t sipi_info_types[] = {
	ISUP_MSG_CPG, ISUP_MSG_SUS, ISUP_MSG_RES, ISUP_MSG_USR, ISUP_MSG_FAC,
	ISUP_MSG_INR, ISUP_MSG_INF, ISUP_MSG_APM,
};

bool sipi_info_carries(uint8_t type)
{
	unsigned int i;

	for (i = 0; i < sizeof(sipi_info_types); i++)
		if (sipi_info_types[i] == type)
			return true;
	return false;
}

int sipi_hold_cpg(struct isup_msg *cpg, bool held)
{
	const uint8_t ev = ISUP_EV_PROGRESS;
	const uint8_t gni = GNI_EXT | (held ? GNI_REMOTE_HOLD : GNI_REMOTE_RETRIEVAL);

	if (cpg->type != ISUP_MSG_CPG)
		return -SIPI_ERR_INVAL;
	if (isup_msg_set_param(cpg, ISUP_PAR_EVENT_INFO, &ev, 1) < 0 ||
	    isup_msg_set_param(cpg, ISUP_PAR_GENERIC_NOTIF, &gni, 1) < 0)
		return -SIPI_ERR_NOMEM;
	return 0;
}

int sipi_cpg_hold(const struct isup_msg *cpg)
{
	const struct isup_param *par;
	struct isup_generic_notif gni;
	unsigned int i;

	if (cpg->type != ISUP_MSG_CPG)
		return -SIPI_ERR_INVAL;
	/* the parameter may appear more than once (Q.763 3.25) */
	for (par = isup_msg_find_param(cpg, ISUP_PAR_GENERIC_NOTIF); par;
	     par = isup_msg_find_next(cpg, par, ISUP_PAR_GENERIC_NOTIF)) {
		if (isup_generic_notif_decode(&gni, par->data, par->len) < 0)
			continue;
		for (i = 0; i < gni.count; i++) {
			if (gni.value[i] == GNI_REMOTE_HOLD)
				return 1;
			if (gni.value[i] == GNI_REMOTE_RETRIEVAL)
				return 0;
		}
	}
	return -SIPI_ERR_INVAL;
}
