/* Call control: overlap signalling (doc/callcontrol.md, "Overlap").
 *
 * ISUP -> SIP, en-bloc conversion (Q.1912.5): the called number of an
 * IAM and its SAMs is collected in one CC_OVERLAP FSM per call, a child
 * of the call's FSM that lives as long as the call.  Below the route's
 * minimum T35 runs (Q.764: restarted by every address message; expiry
 * releases with cause 28); at the minimum of an overlap route the
 * interworking timer T10 runs until ST, the route's maximum or T10's
 * expiry complete the number.  Then the call is routed once, with the
 * whole number, as if it had come en bloc.  Towards a SIP-I/SIP-T trunk
 * (the route's first destination) an overlap route does not wait for T10:
 * the INVITE goes at the minimum with the IAM as it is (no ST), and later
 * SAMs follow encapsulated in INFO (Q.1912.5).  Such an INFO may leave
 * before the far end's first 18x, on the dialog the INVITE began: a peer
 * that matches it by Call-ID and From tag (Sofia-SIP does) takes it.
 *
 * SIP-I/SIP-T -> ISUP: a SAM in INFO goes on the circuit while its IAM
 * awaits the ACM (isup_circuit_sam()).
 *
 * SIP -> ISUP: an INVITE whose number is below the route's minimum gets
 * 484 Address Incomplete (cause 28), the RFC 3578 en-bloc way: the caller
 * sends a new INVITE with more digits.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>

#include "db/cdr_record.h"
#include "isup/isup_msg.h"
#include "isup/isup_params.h"
#include "isup/q764.h"
#include "src/cc.h"
#include "src/cc_overlap.h"
#include "src/sip_trunk.h"
#include "src/tandem_log.h"

#define S(x) (1 << (x))

/*! The ST (end of pulsing) address signal as the codec writes it. */
#define CC_ST_CHAR	'F'

enum cc_ovl_state {
	CC_OVL_ST_DIGITS,	/*!< below the minimum: T35 */
	CC_OVL_ST_MORE,		/*!< minimum there, more may come: T10 */
	CC_OVL_ST_DONE,		/*!< number complete (routed or released) */
	CC_OVL_ST_INFO,		/*!< routed to SIP-I/SIP-T early: SAMs go in INFO */
};

static const struct value_string cc_ovl_state_names[] = {
	{ CC_OVL_ST_DIGITS, "DIGITS" },
	{ CC_OVL_ST_MORE, "MORE" },
	{ CC_OVL_ST_DONE, "DONE" },
	{ CC_OVL_ST_INFO, "INFO" },
	{ 0, NULL }
};

enum cc_ovl_event {
	CC_OVL_EV_SAM,		/*!< data: the SAM's digits (const char *) */
};

static const struct value_string cc_ovl_event_names[] = {
	{ CC_OVL_EV_SAM, "SAM" },
	{ 0, NULL }
};

/*! One call's number being collected. */
struct cc_overlap {
	struct cc_call *call;
	struct osmo_fsm_inst *fi;
	/*! digits so far, without ST */
	char digits[CC_DIGITS_MAX + 1];
	char calling[CC_DIGITS_MAX + 1];
	bool has_calling;
	/*! ST received */
	bool st;
};

static const struct rate_ctr_desc cc_ovl_ctr_desc[] = {
	[CC_OVL_CTR_COLLECT] = { "collect", "ISUP calls that waited for more digits" },
	[CC_OVL_CTR_SAM_IN] = { "sam:in", "SAMs received" },
	[CC_OVL_CTR_SAM_LATE] = { "sam:late", "SAMs after the number was complete (discarded)" },
	[CC_OVL_CTR_SAM_BAD] = { "sam:bad", "SAMs without digits, with bad digits or too many (cause 28)" },
	[CC_OVL_CTR_T10] = { "t10", "Numbers completed by T10 (en-bloc conversion)" },
	[CC_OVL_CTR_T35] = { "t35", "Calls released by T35 (cause 28)" },
	[CC_OVL_CTR_TOO_SHORT] = { "too-short", "ST before the route's minimum digits (cause 28)" },
	[CC_OVL_CTR_484] = { "484", "INVITEs refused with 484 Address Incomplete" },
	[CC_OVL_CTR_SAM_INFO] = { "sam:info", "SAMs sent on in INFO (SIP-I/SIP-T)" },
	[CC_OVL_CTR_SAM_OUT] = { "sam:out", "SAMs from INFO sent on the circuit" },
};

static const struct rate_ctr_group_desc cc_ovl_ctrg_desc = {
	.group_name_prefix = "cc:overlap",
	.group_description = "Overlap signalling",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(cc_ovl_ctr_desc),
	.ctr_desc = cc_ovl_ctr_desc,
};

static struct rate_ctr_group *cc_ovl_ctrs;

void cc_overlap_ctr_inc(enum cc_overlap_ctr c)
{
	if (cc_ovl_ctrs)
		rate_ctr_inc(rate_ctr_group_get_ctr(cc_ovl_ctrs, c));
}

/* Split an ISUP number into its digits and ST.  \returns 0, or -EINVAL
 * for address signals other than 0-9 (codes 11, 12...) or an ST that is
 * not last, -ENOSPC when too long. */
static int cc_ovl_split(const char *in, char *digits, size_t len, bool *st)
{
	size_t n = strlen(in);

	*st = n && (in[n - 1] == CC_ST_CHAR || in[n - 1] == 'f');
	if (*st)
		n--;
	if (strspn(in, "0123456789") != n)
		return -EINVAL;
	if (n >= len)
		return -ENOSPC;
	memcpy(digits, in, n);
	digits[n] = '\0';
	return 0;
}

static const char *cc_ovl_calling(const struct cc_overlap *o)
{
	return o->has_calling ? o->calling : NULL;
}

static void cc_ovl_fail(struct cc_overlap *o, enum cc_overlap_ctr ctr)
{
	struct cc_call *call = o->call;

	osmo_fsm_inst_state_chg(o->fi, CC_OVL_ST_DONE, 0, 0);
	cc_overlap_ctr_inc(ctr);
	/* the call (and this FSM with it) may be gone after this */
	cc_call_fail(call, CC_CAUSE_ADDRESS_INCOMPLETE, CC_CTR_FAIL_INCOMPLETE);
}

/* The IAM's called number becomes digits.  ST is signalling between
 * exchanges, not a digit: the INVITE's Request-URI and an encapsulated IAM
 * carry the whole number, which on SIP is complete anyway. */
static int cc_ovl_set_called(struct cc_call *call, const char *digits)
{
	struct isup_number num;
	int rc = isup_msg_get_number(call->iam, ISUP_PAR_CALLED, &num);

	if (rc < 0)
		return rc;
	osmo_strlcpy(num.digits, digits, sizeof(num.digits));
	return isup_msg_set_number(call->iam, ISUP_PAR_CALLED, &num);
}

/* The number is complete: the IAM gets it, then the call is routed with
 * it as an en-bloc call would be. */
static void cc_ovl_complete(struct cc_overlap *o)
{
	struct cc_call *call = o->call;
	char called[CC_DIGITS_MAX + 1], calling[CC_DIGITS_MAX + 1];
	bool has_calling = o->has_calling;

	osmo_fsm_inst_state_chg(o->fi, CC_OVL_ST_DONE, 0, 0);
	LOGPFSML(o->fi, LOGL_INFO, "number complete: %s%s\n", o->digits, o->st ? " (ST)" : "");
	/* copies: o goes with the call when routing fails it */
	osmo_strlcpy(called, o->digits, sizeof(called));
	osmo_strlcpy(calling, o->calling, sizeof(calling));
	if (cc_ovl_set_called(call, called) < 0) {
		cc_call_fail(call, CC_CAUSE_INTERWORKING, CC_CTR_FAIL_IAM);
		return;
	}
	cdr_record_set(call->cdr, called_in, called);
	/* o may be gone after either call */
	if (!cc_call_lookup(call, called, has_calling ? calling : NULL, call->in_trunk))
		return;
	cc_call_proceed(call);
}

/* Whether the route's first destination is a SIP trunk that carries
 * ISUP (SIP-I/SIP-T): SAMs can then follow the INVITE in INFO. */
static bool cc_ovl_info_route(const struct cc_route *r)
{
	const struct sip_trunk *t = r->num_dest ? sip_trunk_find(r->dest[0]) : NULL;

	return t && t->mode != SIPI_MODE_SIP;
}

/* Overlap towards SIP-I/SIP-T: the INVITE goes now, SAMs follow in INFO. */
static void cc_ovl_route_now(struct cc_overlap *o)
{
	struct cc_call *call = o->call;
	char called[CC_DIGITS_MAX + 1], calling[CC_DIGITS_MAX + 1];
	bool has_calling = o->has_calling;

	osmo_fsm_inst_state_chg(o->fi, CC_OVL_ST_INFO, 0, 0);
	LOGPFSML(o->fi, LOGL_INFO, "routing %s now, later digits in INFO\n", o->digits);
	osmo_strlcpy(called, o->digits, sizeof(called));
	osmo_strlcpy(calling, o->calling, sizeof(calling));
	/* SAMs that came below the minimum are in the INVITE and its IAM */
	if (cc_ovl_set_called(call, called) < 0) {
		cc_call_fail(call, CC_CAUSE_INTERWORKING, CC_CTR_FAIL_IAM);
		return;
	}
	cdr_record_set(call->cdr, called_in, called);
	if (!cc_call_lookup(call, called, has_calling ? calling : NULL, call->in_trunk))
		return;
	cc_call_proceed(call);
}

/* Where the digits so far leave the call: wait (T35 or T10), complete
 * or too short. */
static void cc_ovl_evaluate(struct cc_overlap *o)
{
	const struct cc_route *r = cc_route_lookup(&g_cc->routes, o->digits, cc_ovl_calling(o),
						   o->call->in_trunk, NULL, 0);
	enum cc_number_state ns;

	if (r)
		ns = cc_route_number_state(r, strlen(o->digits), o->st);
	else if (o->st || !cc_route_could_match(&g_cc->routes, o->digits, cc_ovl_calling(o), o->call->in_trunk))
		/* no route will match: routing says so (404 / cause 3) */
		ns = CC_NUM_COMPLETE;
	else
		ns = CC_NUM_INCOMPLETE;
	LOGPFSML(o->fi, LOGL_DEBUG, "%s%s: %s\n", o->digits, o->st ? " ST" : "",
		 get_value_string(cc_number_state_names, ns));
	switch (ns) {
	case CC_NUM_INCOMPLETE:
		/* Q.764 T35 runs from the latest address message */
		osmo_fsm_inst_state_chg(o->fi, CC_OVL_ST_DIGITS,
					isup_trunk_timer(o->call->isup->trunk, ISUP_T35), ISUP_T35);
		break;
	case CC_NUM_ENOUGH:
		if (cc_ovl_info_route(r)) {
			cc_ovl_route_now(o);
			break;
		}
		osmo_fsm_inst_state_chg(o->fi, CC_OVL_ST_MORE, osmo_tdef_get(cc_tdefs, CC_T10, OSMO_TDEF_S, -1), CC_T10);
		break;
	case CC_NUM_TOO_SHORT:
		LOGPFSML(o->fi, LOGL_NOTICE, "ST after %zu digits, the route needs %u: cause 28\n",
			 strlen(o->digits), r ? r->min_digits : 0);
		cc_ovl_fail(o, CC_OVL_CTR_TOO_SHORT);
		break;
	case CC_NUM_COMPLETE:
		cc_ovl_complete(o);
		break;
	}
}

/* Append the digits of a SAM (bounded; ST noted).  \returns false after
 * failing the call with cause 28: no digits, bad ones, too many. */
static bool cc_ovl_append(struct cc_overlap *o, const char *in)
{
	char add[CC_DIGITS_MAX + 1];
	bool st;
	size_t have = strlen(o->digits);

	if (cc_ovl_split(in, add, sizeof(add), &st) < 0 || (!add[0] && !st) ||
	    have + strlen(add) > CC_DIGITS_MAX) {
		LOGPFSML(o->fi, LOGL_NOTICE, "SAM digits '%s' refused (after %s): cause 28\n", in, o->digits);
		cc_ovl_fail(o, CC_OVL_CTR_SAM_BAD);
		return false;
	}
	memcpy(o->digits + have, add, strlen(add) + 1);
	o->st = st;
	return true;
}

/* Digits of a SAM: appended, then the number looked at again. */
static void cc_ovl_digits(struct cc_overlap *o, const char *in)
{
	if (cc_ovl_append(o, in))
		cc_ovl_evaluate(o);
}

/* Digits of a SAM passed on in INFO (those from index have on): the
 * kept IAM, whose called number is already the route's output (a
 * failover re-sends it), the called number out and the CDR grow with
 * them; the dialog's Request-URI cannot. */
static void cc_ovl_follow(struct cc_overlap *o, size_t have)
{
	struct cc_call *call = o->call;
	const char *add = o->digits + have;
	struct isup_number num;
	size_t n = strlen(call->called_out);

	cdr_record_set(call->cdr, called_in, o->digits);
	if (n + strlen(add) >= sizeof(call->called_out) || isup_msg_get_number(call->iam, ISUP_PAR_CALLED, &num) < 0 ||
	    strlen(num.digits) + strlen(add) >= sizeof(num.digits)) {
		LOGPFSML(o->fi, LOGL_NOTICE, "digits %s not kept in the IAM\n", add);
		return;
	}
	osmo_strlcpy(call->called_out + n, add, sizeof(call->called_out) - n);
	cdr_record_set(call->cdr, called_out, call->called_out);
	osmo_strlcpy(num.digits + strlen(num.digits), add, sizeof(num.digits) - strlen(num.digits));
	if (isup_msg_set_number(call->iam, ISUP_PAR_CALLED, &num) < 0)
		LOGPFSML(o->fi, LOGL_NOTICE, "digits %s not kept in the IAM\n", add);
}

/* A SAM after the INVITE went to a SIP-I/SIP-T trunk: INFO with the SAM
 * encapsulated, through the SIP leg's mid-call path. */
static void cc_ovl_info_out(struct cc_overlap *o, const char *in)
{
	struct cc_call *call = o->call;
	struct cc_midcall mc = { .from = CC_SIDE_ISUP };
	struct isup_number num = {};
	struct isup_msg *sam;

	size_t have = strlen(o->digits);

	if (!cc_ovl_append(o, in))
		return;
	if (o->st)
		osmo_fsm_inst_state_chg(o->fi, CC_OVL_ST_DONE, 0, 0);
	if (!call->sip || !call->sip->outgoing || call->sip->released || !call->iam) {
		LOGPFSML(o->fi, LOGL_NOTICE, "no SIP leg for the SAM: discarded\n");
		cc_overlap_ctr_inc(CC_OVL_CTR_SAM_LATE);
		return;
	}
	sam = isup_msg_alloc(call, call->iam->variant, ISUP_MSG_SAM);
	osmo_strlcpy(num.digits, in, sizeof(num.digits));
	if (!sam || isup_msg_set_number(sam, ISUP_PAR_SUBSEQUENT, &num) < 0) {
		talloc_free(sam);
		cc_ovl_fail(o, CC_OVL_CTR_SAM_BAD);
		return;
	}
	cc_ovl_follow(o, have);
	mc.msg = sam;
	cc_overlap_ctr_inc(CC_OVL_CTR_SAM_INFO);
	osmo_fsm_inst_dispatch(call->sip->fi, CC_LEG_EV_MIDCALL_REQ, &mc);
	talloc_free(sam);
}

static void cc_ovl_action(struct osmo_fsm_inst *fi, uint32_t event, void *data)
{
	struct cc_overlap *o = fi->priv;

	switch (event) {
	case CC_OVL_EV_SAM:
		if (fi->state == CC_OVL_ST_INFO)
			cc_ovl_info_out(o, data);
		else
			cc_ovl_digits(o, data);
		break;
	}
}

static int cc_ovl_timer_cb(struct osmo_fsm_inst *fi)
{
	struct cc_overlap *o = fi->priv;

	switch (fi->T) {
	case ISUP_T35:
		LOGPFSML(fi, LOGL_NOTICE, "T35: no sufficient digits after %s: cause 28\n", o->digits);
		cc_ovl_fail(o, CC_OVL_CTR_T35);
		break;
	case CC_T10:
		/* Q.1912.5 en-bloc conversion: no more digits, the number is
		 * taken as complete */
		cc_overlap_ctr_inc(CC_OVL_CTR_T10);
		cc_ovl_complete(o);
		break;
	}
	/* the call may be gone: touch nothing, and let osmo_fsm not
	 * terminate anything either */
	return 0;
}

static void cc_ovl_cleanup(struct osmo_fsm_inst *fi, enum osmo_fsm_term_cause why)
{
	struct cc_overlap *o = fi->priv;

	if (o->call->ovl == o)
		o->call->ovl = NULL;
}

static const struct osmo_fsm_state cc_ovl_states[] = {
	[CC_OVL_ST_DIGITS] = {
		.name = "DIGITS",
		.in_event_mask = S(CC_OVL_EV_SAM),
		.out_state_mask = S(CC_OVL_ST_DIGITS) | S(CC_OVL_ST_MORE) | S(CC_OVL_ST_DONE) | S(CC_OVL_ST_INFO),
		.action = cc_ovl_action,
	},
	[CC_OVL_ST_MORE] = {
		.name = "MORE",
		.in_event_mask = S(CC_OVL_EV_SAM),
		.out_state_mask = S(CC_OVL_ST_DIGITS) | S(CC_OVL_ST_MORE) | S(CC_OVL_ST_DONE) | S(CC_OVL_ST_INFO),
		.action = cc_ovl_action,
	},
	[CC_OVL_ST_DONE] = {
		.name = "DONE",
	},
	[CC_OVL_ST_INFO] = {
		.name = "INFO",
		.in_event_mask = S(CC_OVL_EV_SAM),
		.out_state_mask = S(CC_OVL_ST_DONE),
		.action = cc_ovl_action,
	},
};

static struct osmo_fsm cc_ovl_fsm = {
	.name = "CC_OVERLAP",
	.states = cc_ovl_states,
	.num_states = ARRAY_SIZE(cc_ovl_states),
	.log_subsys = DCC,
	.event_names = cc_ovl_event_names,
	.timer_cb = cc_ovl_timer_cb,
	.cleanup = cc_ovl_cleanup,
};

int cc_overlap_init(void *ctx)
{
	/* the state names are the FSM's; the table keeps the rule that
	 * every enum has one */
	OSMO_ASSERT(ARRAY_SIZE(cc_ovl_state_names) == ARRAY_SIZE(cc_ovl_states) + 1);
	cc_ovl_ctrs = rate_ctr_group_alloc(ctx, &cc_ovl_ctrg_desc, 0);
	if (!cc_ovl_ctrs)
		return -ENOMEM;
	return osmo_fsm_register(&cc_ovl_fsm);
}

bool cc_overlap_iam(struct cc_call *call, const char *called, const char *calling)
{
	const struct cc_route *r;
	struct osmo_fsm_inst *fi;
	struct cc_overlap *o;
	char digits[CC_DIGITS_MAX + 1];
	bool st;
	enum cc_number_state ns;

	/* numbers routing cannot take (codes 11/12, too long) go the usual
	 * way and fail there */
	if (!call->isup || cc_ovl_split(called, digits, sizeof(digits), &st) < 0)
		return false;
	r = cc_route_lookup(&g_cc->routes, digits, calling, call->in_trunk, NULL, 0);
	if (!r && (st || !cc_route_could_match(&g_cc->routes, digits, calling, call->in_trunk)))
		return false;
	ns = cc_route_number_state(r, strlen(digits), st);
	if (ns == CC_NUM_COMPLETE) {
		if (st && cc_ovl_set_called(call, digits) < 0) {
			cc_call_fail(call, CC_CAUSE_INTERWORKING, CC_CTR_FAIL_IAM);
			return true;
		}
		return false;
	}
	/* the FSM ends with its call only: the term event is never sent */
	fi = osmo_fsm_inst_alloc_child(&cc_ovl_fsm, call->fi, CC_EV_OVERLAP_GONE);
	o = fi ? talloc_zero(fi, struct cc_overlap) : NULL;
	if (!o) {
		if (fi) {
			osmo_fsm_inst_unlink_parent(fi, NULL);
			osmo_fsm_inst_free(fi);
		}
		cc_call_fail(call, CC_CAUSE_TEMP_FAILURE, CC_CTR_FAIL_OVERLOAD);
		return true;
	}
	fi->priv = o;
	o->fi = fi;
	o->call = call;
	call->ovl = o;
	osmo_strlcpy(o->digits, digits, sizeof(o->digits));
	o->st = st;
	if (calling && strlen(calling) < sizeof(o->calling)) {
		osmo_strlcpy(o->calling, calling, sizeof(o->calling));
		o->has_calling = true;
	}
	cc_overlap_ctr_inc(CC_OVL_CTR_COLLECT);
	LOGPFSML(call->fi, LOGL_INFO, "called %s%s incomplete: collecting digits\n", digits, st ? " ST" : "");
	cc_ovl_evaluate(o);
	return true;
}

void cc_overlap_rx_sam(struct cc_call *call, const struct isup_msg *sam)
{
	struct isup_number num;
	bool ok = isup_msg_get_number(sam, ISUP_PAR_SUBSEQUENT, &num) == 0;

	cc_overlap_ctr_inc(CC_OVL_CTR_SAM_IN);
	cc_ladder(call, CC_LADDER_IN, CC_SIDE_ISUP, "SAM %s", ok ? num.digits : "(no number)");
	if (!call->ovl || call->ovl->fi->state == CC_OVL_ST_DONE) {
		/* Q.764 has no answer to a SAM after the number is complete:
		 * it is discarded (the SIP-I INFO mapping is not there yet) */
		LOGPFSML(call->fi, LOGL_NOTICE, "SAM after the called number was complete: discarded\n");
		cc_overlap_ctr_inc(CC_OVL_CTR_SAM_LATE);
		return;
	}
	osmo_fsm_inst_dispatch(call->ovl->fi, CC_OVL_EV_SAM, ok ? num.digits : (char *)"");
}

bool cc_overlap_invite(struct cc_call *call, const char *called, const char *calling)
{
	const struct cc_route *r;
	enum cc_number_state ns;

	if (!called || !*called || !cc_digits_valid(called))
		return false;
	r = cc_route_lookup(&g_cc->routes, called, calling, call->in_trunk, NULL, 0);
	if (!r && !cc_route_could_match(&g_cc->routes, called, calling, call->in_trunk))
		return false;
	/* SIP has no ST: the number is what the Request-URI holds */
	ns = cc_route_number_state(r, strlen(called), false);
	if (ns != CC_NUM_INCOMPLETE)
		return false;
	LOGPFSML(call->fi, LOGL_INFO, "called %s incomplete (route %s needs %u digits): 484\n", called,
		 r ? r->name : "-", r ? r->min_digits : 0);
	if (r)
		osmo_strlcpy(call->route_name, r->name, sizeof(call->route_name));
	cc_overlap_ctr_inc(CC_OVL_CTR_484);
	cc_call_fail_status(call, CC_CAUSE_ADDRESS_INCOMPLETE, 484, CC_CTR_FAIL_INCOMPLETE);
	return true;
}

void cc_overlap_info_sam(struct cc_call *call, const struct isup_msg *sam)
{
	struct isup_number num;
	size_t n;
	int rc = -ENOTCONN;

	cc_overlap_ctr_inc(CC_OVL_CTR_SAM_IN);
	if (isup_msg_get_number(sam, ISUP_PAR_SUBSEQUENT, &num) < 0) {
		cc_overlap_ctr_inc(CC_OVL_CTR_SAM_BAD);
		LOGPFSML(call->fi, LOGL_NOTICE, "SAM in INFO without digits: discarded\n");
		return;
	}
	if (call->dir == CC_DIR_SIP_TO_ISUP && call->isup && call->isup->circ)
		rc = isup_circuit_sam(call->isup->circ, num.digits);
	if (rc < 0) {
		/* bad digits, or the far end answered the IAM already (no
		 * SAM after the ACM, Q.764 2.1.2) */
		LOGPFSML(call->fi, LOGL_NOTICE, "SAM %s from INFO not sent: %d\n", num.digits, rc);
		cc_overlap_ctr_inc(rc == -EINVAL ? CC_OVL_CTR_SAM_BAD : CC_OVL_CTR_SAM_LATE);
		return;
	}
	cc_overlap_ctr_inc(CC_OVL_CTR_SAM_OUT);
	cc_ladder(call, CC_LADDER_OUT, CC_SIDE_ISUP, "SAM %s", num.digits);
	/* the CDR's called number out grows with the digits (ST is none) */
	n = strlen(call->called_out);
	if (n + strlen(num.digits) < sizeof(call->called_out)) {
		osmo_strlcpy(call->called_out + n, num.digits, sizeof(call->called_out) - n);
		n = strlen(call->called_out);
		if (n && call->called_out[n - 1] == CC_ST_CHAR)
			call->called_out[n - 1] = '\0';
		cdr_record_set(call->cdr, called_out, call->called_out);
	}
}
