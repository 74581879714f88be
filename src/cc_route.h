/* Call routing: a table of routes matched on the called (and optionally
 * calling) number prefix, each with an ordered list of destination trunks
 * and a number manipulation.  No VTY or I/O here, so that it unit-tests
 * on its own (tests/unit/check_cc_route.c).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>

#include <osmocom/core/linuxlist.h>

struct rate_ctr_group;

#define CC_ROUTE_NAME_MAX	32
/*! Longest prefix or number a route handles (ISUP carries at most 32). */
#define CC_DIGITS_MAX		32
#define CC_ROUTE_MAX_DEST	8
#define CC_ROUTE_MAX		256
/*! nai value meaning "keep the number's NAI". */
#define CC_NAI_KEEP		(-1)

/*! One route. */
struct cc_route {
	struct llist_head list;
	char name[CC_ROUTE_NAME_MAX];
	/*! "" matches every number */
	char called_prefix[CC_DIGITS_MAX + 1];
	char calling_prefix[CC_DIGITS_MAX + 1];
	/*! digits removed from the front of the called number, then prefix added */
	unsigned int strip;
	char prefix[CC_DIGITS_MAX + 1];
	/*! NAI of the outgoing called number, or CC_NAI_KEEP */
	int nai;
	unsigned int num_dest;
	char dest[CC_ROUTE_MAX_DEST][CC_ROUTE_NAME_MAX];
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
 *  the longest matching calling prefix; on a tie the one configured
 *  first.  Routes without a destination never match.
 *  \param[in] calling may be NULL (then only routes without a calling
 *  prefix match)
 *  \param[out] why a sentence for the operator (may be NULL) */
const struct cc_route *cc_route_lookup(const struct cc_route_table *t, const char *called,
				       const char *calling, char *why, size_t why_len);

/*! Apply the route's number manipulation to a called number: strip, then
 *  prefix.  \returns the length written or -ENOSPC (result too long for
 *  out or for CC_DIGITS_MAX) */
int cc_route_apply(const struct cc_route *r, const char *in, char *out, size_t out_len);
