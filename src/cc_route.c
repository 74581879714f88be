/* Call routing table: matching and number manipulation.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/utils.h>

#include "src/cc_route.h"

void cc_route_table_init(struct cc_route_table *t)
{
	INIT_LLIST_HEAD(&t->routes);
	t->num = 0;
}

struct cc_route *cc_route_find(struct cc_route_table *t, const char *name)
{
	struct cc_route *r;

	llist_for_each_entry(r, &t->routes, list)
		if (!strcmp(r->name, name))
			return r;
	return NULL;
}

struct cc_route *cc_route_get(void *ctx, struct cc_route_table *t, const char *name, int *err)
{
	struct cc_route *r;

	if (!name || !*name || strlen(name) >= CC_ROUTE_NAME_MAX) {
		*err = -EINVAL;
		return NULL;
	}
	r = cc_route_find(t, name);
	if (r)
		return r;
	if (t->num >= CC_ROUTE_MAX) {
		*err = -ENOSPC;
		return NULL;
	}
	r = talloc_zero(ctx, struct cc_route);
	if (!r) {
		*err = -ENOMEM;
		return NULL;
	}
	osmo_strlcpy(r->name, name, sizeof(r->name));
	r->nai = CC_NAI_KEEP;
	llist_add_tail(&r->list, &t->routes);
	t->num++;
	return r;
}

int cc_route_del(struct cc_route_table *t, const char *name)
{
	struct cc_route *r = cc_route_find(t, name);

	if (!r)
		return -ENOENT;
	llist_del(&r->list);
	t->num--;
	talloc_free(r);
	return 0;
}

bool cc_digits_valid(const char *s)
{
	size_t n = strlen(s);

	return n <= CC_DIGITS_MAX && strspn(s, "0123456789") == n;
}

int cc_route_add_dest(struct cc_route *r, const char *trunk)
{
	unsigned int i;

	if (!trunk || !*trunk || strlen(trunk) >= CC_ROUTE_NAME_MAX)
		return -EINVAL;
	for (i = 0; i < r->num_dest; i++)
		if (!strcmp(r->dest[i], trunk))
			return -EEXIST;
	if (r->num_dest >= CC_ROUTE_MAX_DEST)
		return -ENOSPC;
	osmo_strlcpy(r->dest[r->num_dest++], trunk, CC_ROUTE_NAME_MAX);
	return 0;
}

static bool has_prefix(const char *s, const char *prefix)
{
	return !strncmp(s, prefix, strlen(prefix));
}

/* Rank of a matching route: called prefix length first, then a named
 * source trunk, then calling prefix length. */
static unsigned int route_rank(const struct cc_route *r)
{
	return strlen(r->called_prefix) * 1000 + (r->source_trunk[0] ? 100 : 0) + strlen(r->calling_prefix);
}

static bool route_matches(const struct cc_route *r, const char *called, const char *calling,
			  const char *source)
{
	if (!r->num_dest || !has_prefix(called, r->called_prefix))
		return false;
	if (r->calling_prefix[0] && (!calling || !has_prefix(calling, r->calling_prefix)))
		return false;
	return !r->source_trunk[0] || (source && !strcmp(source, r->source_trunk));
}

static void explain(const struct cc_route *best, const char *called, const char *calling,
		    const char *source, char *why, size_t why_len)
{
	size_t n;

	if (!best) {
		snprintf(why, why_len, "no route matches called %s%s%s%s%s", called, calling ? " calling " : "",
			 calling ?: "", source ? " from " : "", source ?: "");
		return;
	}
	n = snprintf(why, why_len, "route %s: called prefix '%s' (%zu digits)", best->name,
		     best->called_prefix, strlen(best->called_prefix));
	if (best->source_trunk[0] && n < why_len)
		n += snprintf(why + n, why_len - n, ", source trunk '%s'", best->source_trunk);
	if (best->calling_prefix[0] && n < why_len)
		n += snprintf(why + n, why_len - n, ", calling prefix '%s'", best->calling_prefix);
	if (n < why_len)
		snprintf(why + n, why_len - n, " is the longest match");
}

const struct cc_route *cc_route_lookup(const struct cc_route_table *t, const char *called,
				       const char *calling, const char *source, char *why, size_t why_len)
{
	const struct cc_route *r, *best = NULL;
	unsigned int best_rank = 0;

	llist_for_each_entry(r, &t->routes, list) {
		unsigned int rank;

		if (!route_matches(r, called, calling, source))
			continue;
		rank = route_rank(r);
		/* strictly better wins, so the first configured keeps a tie */
		if (best && rank <= best_rank)
			continue;
		best = r;
		best_rank = rank;
	}
	if (why && why_len)
		explain(best, called, calling, source, why, why_len);
	return best;
}

/* ---- overlap ---- */

const struct value_string cc_number_state_names[] = {
	{ CC_NUM_INCOMPLETE, "incomplete" },
	{ CC_NUM_ENOUGH, "enough" },
	{ CC_NUM_COMPLETE, "complete" },
	{ CC_NUM_TOO_SHORT, "too-short" },
	{ 0, NULL }
};

enum cc_number_state cc_route_number_state(const struct cc_route *r, unsigned int ndigits, bool st)
{
	if (!r)
		return st ? CC_NUM_TOO_SHORT : CC_NUM_INCOMPLETE;
	if (ndigits < r->min_digits)
		return st ? CC_NUM_TOO_SHORT : CC_NUM_INCOMPLETE;
	if (st || !r->overlap || (r->max_digits && ndigits >= r->max_digits))
		return CC_NUM_COMPLETE;
	return CC_NUM_ENOUGH;
}

bool cc_route_could_match(const struct cc_route_table *t, const char *called, const char *calling,
			  const char *source)
{
	const struct cc_route *r;
	size_t n = strlen(called);

	llist_for_each_entry(r, &t->routes, list) {
		if (strlen(r->called_prefix) <= n || strncmp(r->called_prefix, called, n))
			continue;
		/* the route as it would match the longer number */
		if (route_matches(r, r->called_prefix, calling, source))
			return true;
	}
	return false;
}

/* ---- failover lists ---- */

static bool list_has(const uint16_t *list, unsigned int num, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < num; i++)
		if (list[i] == v)
			return true;
	return false;
}

static int list_add(uint16_t *list, unsigned int *num, unsigned int v)
{
	if (list_has(list, *num, v))
		return 0;
	if (*num >= CC_ROUTE_FAILOVER_MAX)
		return -ENOSPC;
	list[(*num)++] = v;
	return 0;
}

static int list_del(uint16_t *list, unsigned int *num, unsigned int v)
{
	unsigned int i;

	for (i = 0; i < *num; i++) {
		if (list[i] != v)
			continue;
		memmove(&list[i], &list[i + 1], (*num - i - 1) * sizeof(list[0]));
		(*num)--;
		return 0;
	}
	return -ENOENT;
}

int cc_route_add_fo_cause(struct cc_route *r, unsigned int cause)
{
	if (cause < 1 || cause > 127)
		return -EINVAL;
	r->fo_disabled = false;
	return list_add(r->fo_causes, &r->num_fo_causes, cause);
}

int cc_route_add_fo_status(struct cc_route *r, unsigned int status)
{
	if (status < 300 || status > 699)
		return -EINVAL;
	r->fo_disabled = false;
	return list_add(r->fo_status, &r->num_fo_status, status);
}

int cc_route_del_fo_cause(struct cc_route *r, unsigned int cause)
{
	return list_del(r->fo_causes, &r->num_fo_causes, cause);
}

int cc_route_del_fo_status(struct cc_route *r, unsigned int status)
{
	return list_del(r->fo_status, &r->num_fo_status, status);
}

void cc_route_fo_reset(struct cc_route *r, bool disable)
{
	r->num_fo_causes = r->num_fo_status = 0;
	r->fo_disabled = disable;
}

bool cc_route_failover(const struct cc_route *r, uint8_t cause, uint16_t sip_status)
{
	if (!r || r->fo_disabled)
		return false;
	if (!r->num_fo_causes && !r->num_fo_status)
		return (cause && cause == CC_ROUTE_FAILOVER_DEFAULT_CAUSE) ||
		       (sip_status && sip_status == CC_ROUTE_FAILOVER_DEFAULT_STATUS);
	return (cause && list_has(r->fo_causes, r->num_fo_causes, cause)) ||
	       (sip_status && list_has(r->fo_status, r->num_fo_status, sip_status));
}

int cc_route_apply(const struct cc_route *r, const char *in, char *out, size_t out_len)
{
	size_t n = strlen(in);
	const char *rest = in + (r->strip < n ? r->strip : n);
	int len = snprintf(out, out_len, "%s%s", r->prefix, rest);

	if (len < 0 || (size_t)len >= out_len || len > CC_DIGITS_MAX)
		return -ENOSPC;
	return len;
}
