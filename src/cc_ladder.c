/* The bounded message ladder of a call.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include "src/cc_ladder.h"

const struct value_string cc_ladder_dir_names[] = {
	{ CC_LADDER_IN, "in" },
	{ CC_LADDER_OUT, "out" },
	{ 0, NULL }
};

const struct value_string cc_side_names[] = {
	{ CC_SIDE_SIP, "SIP" },
	{ CC_SIDE_ISUP, "ISUP" },
	{ 0, NULL }
};

void cc_ladder_init(struct cc_ladder *l, void *ctx)
{
	memset(l, 0, sizeof(*l));
	l->ctx = ctx;
}

/* Room for one more entry.  \returns false when the ladder is full. */
static bool cc_ladder_grow(struct cc_ladder *l)
{
	struct cc_ladder_entry *e;
	unsigned int cap;

	if (l->num < l->cap)
		return true;
	if (l->cap >= CC_LADDER_MAX || !l->ctx)
		return false;
	cap = l->cap ? l->cap * 2 : 8;
	if (cap > CC_LADDER_MAX)
		cap = CC_LADDER_MAX;
	e = talloc_realloc(l->ctx, l->e, struct cc_ladder_entry, cap);
	if (!e)
		return false;
	l->e = e;
	l->cap = cap;
	return true;
}

void cc_ladder_add(struct cc_ladder *l, uint32_t ms, enum cc_ladder_dir dir, enum cc_side side,
		   const char *fmt, ...)
{
	struct cc_ladder_entry *e;
	va_list ap;

	if (!cc_ladder_grow(l)) {
		l->dropped++;
		return;
	}
	e = &l->e[l->num++];
	e->ms = ms;
	e->dir = dir;
	e->side = side;
	va_start(ap, fmt);
	vsnprintf(e->text, sizeof(e->text), fmt, ap);
	va_end(ap);
}

int cc_ladder_entry_str(char *buf, size_t len, const struct cc_ladder_entry *e)
{
	return snprintf(buf, len, "  +%u.%03us  %-4s  %-3s  %s", e->ms / 1000, e->ms % 1000,
			get_value_string(cc_side_names, e->side), get_value_string(cc_ladder_dir_names, e->dir),
			e->text);
}
