/* ACM/CPG backward information <-> 180/181/183.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "isup/isup_names.h"
#include "isup/sipi_call.h"
#include "isup/sipi_err.h"

/* BCI called party status (Q.763 3.5 bits DC) */
#define BCI_SUBSCRIBER_FREE	1

int sipi_progress_from_isup(const struct isup_msg *msg, struct sipi_progress *out)
{
	struct isup_obci obci;
	bool inband = false;

	memset(out, 0, sizeof(*out));
	if (isup_msg_find_param(msg, ISUP_PAR_OBCI) &&
	    isup_msg_get_bf(msg, ISUP_PAR_OBCI, &obci, sizeof(obci)) == 0)
		inband = obci.inband_info;

	if (msg->type == ISUP_MSG_ACM || msg->type == ISUP_MSG_CON) {
		struct isup_bci bci;

		if (inband) {
			out->status = 183;
			out->with_sdp = true;
		} else if (isup_msg_get_bf(msg, ISUP_PAR_BCI, &bci, sizeof(bci)) == 0 &&
			   bci.called_status == BCI_SUBSCRIBER_FREE) {
			out->status = 180;
		} else {
			out->status = 183;
		}
		return 0;
	}
	if (msg->type == ISUP_MSG_CPG) {
		struct isup_event_info ev;

		if (isup_msg_get_bf(msg, ISUP_PAR_EVENT_INFO, &ev, sizeof(ev)) < 0)
			return -SIPI_ERR_INVAL;
		switch (ev.event) {
		case ISUP_EV_ALERTING:
			out->status = inband ? 183 : 180;
			out->with_sdp = inband;
			break;
		case ISUP_EV_PROGRESS:
		case ISUP_EV_INBAND:
			out->status = 183;
			out->with_sdp = inband || ev.event == ISUP_EV_INBAND;
			break;
		case ISUP_EV_FWD_BUSY:
		case ISUP_EV_FWD_NOREPLY:
		case ISUP_EV_FWD_UNCOND:
			out->status = 181;
			break;
		default:
			break;
		}
		return 0;
	}
	return -SIPI_ERR_INVAL;
}

void sipi_backward_from_progress(uint16_t status, bool has_sdp, struct isup_bci *bci, struct isup_obci *obci,
				 bool *has_obci)
{
	memset(bci, 0, sizeof(*bci));
	memset(obci, 0, sizeof(*obci));
	/* a SIP network charges as a rule and is an interworking point */
	bci->charge = 2;
	bci->interworking = 1;
	bci->called_status = status == 180 ? BCI_SUBSCRIBER_FREE : 0;
	obci->inband_info = has_sdp;
	*has_obci = has_sdp;
}
