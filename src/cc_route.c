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

const struct cc_route *cc_route_lookup(const struct cc_route_table *t, const char *called,
				       const char *calling, char *why, size_t why_len)
{
	const struct cc_route *r, *best = NULL;
	size_t best_cd = 0, best_cg = 0;

	llist_for_each_entry(r, &t->routes, list) {
		size_t cd = strlen(r->called_prefix), cg = strlen(r->calling_prefix);

		if (!r->num_dest || !has_prefix(called, r->called_prefix))
			continue;
		if (cg && (!calling || !has_prefix(calling, r->calling_prefix)))
			continue;
		/* strictly longer wins, so the first configured keeps a tie */
		if (best && (cd < best_cd || (cd == best_cd && cg <= best_cg)))
			continue;
		best = r;
		best_cd = cd;
		best_cg = cg;
	}
	if (why && why_len) {
		if (!best)
			snprintf(why, why_len, "no route matches called %s%s%s", called,
				 calling ? " calling " : "", calling ?: "");
		else
			snprintf(why, why_len,
				 "route %s: called prefix '%s' (%zu digits)%s%s%s is the longest match",
				 best->name, best->called_prefix, best_cd,
				 best_cg ? ", calling prefix '" : "", best_cg ? best->calling_prefix : "",
				 best_cg ? "'" : "");
	}
	return best;
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
