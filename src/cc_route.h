/* Call routing: a table of routes matched on the called number prefix
 * (and optionally the calling number prefix and the source trunk), each
 * with an ordered list of destination trunks, a number manipulation and
 * the causes/statuses on which a call fails over to the next destination.  No VTY or I/O here, so that it unit-tests
 * on its own (tests/unit/check_cc_route.c).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/linuxlist.h>
#include <osmocom/core/utils.h>

struct rate_ctr_group;

#define CC_ROUTE_NAME_MAX	32
/*! Longest prefix or number a route handles (ISUP carries at most 32). */
#define CC_DIGITS_MAX		32
#define CC_ROUTE_MAX_DEST	8
#define CC_ROUTE_MAX		256
/*! nai value meaning "keep the number's NAI". */
#define CC_NAI_KEEP		(-1)
/*! Most failover causes, and most failover statuses, per route. */
#define CC_ROUTE_FAILOVER_MAX	16
/*! Failover when a route configures none: Q.850 cause 34 "no
 *  circuit/channel available" and SIP 503 "Service Unavailable". */
#define CC_ROUTE_FAILOVER_DEFAULT_CAUSE		34
#define CC_ROUTE_FAILOVER_DEFAULT_STATUS	503

/*! One route. */
struct cc_route {
	struct llist_head list;
	char name[CC_ROUTE_NAME_MAX];
	/*! "" matches every number */
	char called_prefix[CC_DIGITS_MAX + 1];
	char calling_prefix[CC_DIGITS_MAX + 1];
	/*! trunk (SIP or ISUP) the call must come from; "" matches any */
	char source_trunk[CC_ROUTE_NAME_MAX];
	/*! digits removed from the front of the called number, then prefix added */
	unsigned int strip;
	char prefix[CC_DIGITS_MAX + 1];
	/*! NAI of the outgoing called number, or CC_NAI_KEEP */
	int nai;
	unsigned int num_dest;
	char dest[CC_ROUTE_MAX_DEST][CC_ROUTE_NAME_MAX];
	/*! Q.850 causes and SIP statuses that move a call to the next
	 *  destination; both empty: the defaults above, unless disabled */
	unsigned int num_fo_causes;
	uint16_t fo_causes[CC_ROUTE_FAILOVER_MAX];
	unsigned int num_fo_status;
	uint16_t fo_status[CC_ROUTE_FAILOVER_MAX];
	/*! `no failover`: never fail over */
	bool fo_disabled;
	/*! overlap (doc/callcontrol.md "Overlap"): a number of fewer digits
	 *  than min_digits is incomplete (0: any length is enough); with
	 *  overlap set, a number is complete at max_digits (0: only ST or
	 *  the interworking timer T10 end it) */
	unsigned int min_digits;
	unsigned int max_digits;
	/*! the route takes overlap signalling: ISUP -> SIP waits for more
	 *  digits (en-bloc conversion), SIP -> ISUP sends the IAM early and
	 *  later digits in SAMs */
	bool overlap;
	/*! per-route counters (enum cc_route_ctr), set up by the VTY; may
	 *  be NULL (unit tests) */
	struct rate_ctr_group *ctrs;
};

/*! The route table (order of configuration kept for `write`). */
struct cc_route_table {
	struct llist_head routes;
	unsigned int num;
};

/*! Initialise an empty table. */
void cc_route_table_init(struct cc_route_table *t);

/*! The route called name, or NULL. */
struct cc_route *cc_route_find(struct cc_route_table *t, const char *name);

/*! Find or create a route under ctx.  \returns NULL with *err set to
 *  -EINVAL (bad name) or -ENOSPC (table full). */
struct cc_route *cc_route_get(void *ctx, struct cc_route_table *t, const char *name, int *err);

/*! Remove and free a route.  \returns 0 or -ENOENT. */
int cc_route_del(struct cc_route_table *t, const char *name);

/*! Whether s is 0..CC_DIGITS_MAX decimal digits (empty allowed). */
bool cc_digits_valid(const char *s);

/*! Append a destination trunk.  \returns 0, -EINVAL, -EEXIST or -ENOSPC. */
int cc_route_add_dest(struct cc_route *r, const char *trunk);

/*! The best route for a call: the longest matching called prefix, then
 *  a route naming the source trunk over one for any source, then the
 *  longest matching calling prefix; on a tie the one configured first.
 *  Routes without a destination never match.
 *  \param[in] calling may be NULL (then only routes without a calling
 *  prefix match)
 *  \param[in] source name of the trunk the call came in on, may be NULL
 *  (then only routes without a source trunk match)
 *  \param[out] why a sentence for the operator (may be NULL) */
const struct cc_route *cc_route_lookup(const struct cc_route_table *t, const char *called,
				       const char *calling, const char *source, char *why, size_t why_len);

/*! Whether a failed attempt moves the call to the route's next
 *  destination: cause (Q.850, 0 = none) or sip_status (0 = none) is in
 *  the route's failover lists, or in the defaults (cause 34, status 503)
 *  when the route configures neither list and has not disabled
 *  failover. */
bool cc_route_failover(const struct cc_route *r, uint8_t cause, uint16_t sip_status);

/*! Add a failover cause (1..127).  \returns 0, -EINVAL or -ENOSPC; an
 *  entry already there is fine. */
int cc_route_add_fo_cause(struct cc_route *r, unsigned int cause);

/*! Add a failover SIP status (300..699).  \returns 0, -EINVAL or -ENOSPC. */
int cc_route_add_fo_status(struct cc_route *r, unsigned int status);

/*! Empty both failover lists: the defaults apply again, or (disable)
 *  the route never fails over. */
void cc_route_fo_reset(struct cc_route *r, bool disable);

/*! Remove a failover cause or status.  \returns 0 or -ENOENT. */
int cc_route_del_fo_cause(struct cc_route *r, unsigned int cause);
int cc_route_del_fo_status(struct cc_route *r, unsigned int status);

/*! How complete a called number is for a route (overlap). */
enum cc_number_state {
	CC_NUM_INCOMPLETE,	/*!< fewer digits than the route's minimum, no ST */
	CC_NUM_ENOUGH,		/*!< overlap route: the minimum is there, more may come */
	CC_NUM_COMPLETE,	/*!< ST, the maximum, or a route without overlap at its minimum */
	CC_NUM_TOO_SHORT,	/*!< ST before the minimum */
};
extern const struct value_string cc_number_state_names[];

/*! How complete a number of ndigits digits (st: ended by ST) is for r;
 *  r NULL: no route yet, incomplete unless ST. */
enum cc_number_state cc_route_number_state(const struct cc_route *r, unsigned int ndigits, bool st);

/*! Whether some route could match once more digits follow called: its
 *  called prefix is longer than called and starts with it (calling and
 *  source as in cc_route_lookup()). */
bool cc_route_could_match(const struct cc_route_table *t, const char *called, const char *calling,
			  const char *source);

/*! Apply the route's number manipulation to a called number: strip, then
 *  prefix.  \returns the length written or -ENOSPC (result too long for
 *  out or for CC_DIGITS_MAX) */
int cc_route_apply(const struct cc_route *r, const char *in, char *out, size_t out_len);
