/* Call control: overlap signalling (doc/callcontrol.md, "Overlap").
 *
 * ISUP -> SIP: an IAM whose called number is incomplete for its route
 * waits for SAMs (T35 while below the route's minimum, then the
 * interworking timer T10 of the en-bloc conversion) and the call is
 * routed once, with the whole number; towards a SIP-I/SIP-T trunk the
 * INVITE goes at the minimum and later SAMs follow in INFO.  SIP -> ISUP:
 * an INVITE whose number is below the route's minimum gets 484 (RFC 3578
 * en bloc); a SAM in INFO goes on the circuit.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>

struct cc_call;
struct isup_msg;

/*! Q.850 cause 28 "invalid number format (address incomplete)". */
#define CC_CAUSE_ADDRESS_INCOMPLETE	28

/*! Rate counters of overlap signalling (group "cc:overlap"). */
enum cc_overlap_ctr {
	CC_OVL_CTR_COLLECT,	/*!< ISUP -> SIP calls that waited for digits */
	CC_OVL_CTR_SAM_IN,	/*!< SAMs received */
	CC_OVL_CTR_SAM_LATE,	/*!< SAMs after the number was complete */
	CC_OVL_CTR_SAM_BAD,	/*!< SAMs without digits, bad digits, too long */
	CC_OVL_CTR_T10,		/*!< numbers completed by T10 (en-bloc conversion) */
	CC_OVL_CTR_T35,		/*!< calls released by T35 (cause 28) */
	CC_OVL_CTR_TOO_SHORT,	/*!< ST before the route's minimum (cause 28) */
	CC_OVL_CTR_484,		/*!< INVITEs refused with 484 */
	CC_OVL_CTR_SAM_INFO,	/*!< SAMs sent on in INFO (SIP-I/SIP-T) */
	CC_OVL_CTR_SAM_OUT,	/*!< SAMs from INFO sent on the circuit */
};

/*! Register the overlap FSM and allocate its counters (from cc_init). */
int cc_overlap_init(void *ctx);

/*! Count an overlap event. */
void cc_overlap_ctr_inc(enum cc_overlap_ctr c);

/*! ISUP -> SIP: look at the IAM's called number (ST as a trailing 'F').
 *  \returns true when overlap took the call (it waits for SAMs, or was
 *  released with cause 28), false when the number is complete and the
 *  call is to be routed as usual. */
bool cc_overlap_iam(struct cc_call *call, const char *called, const char *calling);

/*! ISUP -> SIP: a SAM from the calling side. */
void cc_overlap_rx_sam(struct cc_call *call, const struct isup_msg *sam);

/*! SIP-I/SIP-T -> ISUP: a SAM that came encapsulated in INFO, sent on
 *  the call's circuit while its IAM awaits the ACM. */
void cc_overlap_info_sam(struct cc_call *call, const struct isup_msg *sam);

/*! SIP -> ISUP: an INVITE's called number below its route's minimum is
 *  refused with 484 (cause 28).  \returns true when refused. */
bool cc_overlap_invite(struct cc_call *call, const char *called, const char *calling);
