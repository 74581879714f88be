/* The H.248.1 DTMF detection package "dd" (Annex E.6.2): per-digit events.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

#include "mgcp/h248_dd.h"
#include "mgcp/h248_msg.h"

/* Event names by position in H248_DD_DIGITS: the one table of them
 * (star is "ds", pound "do"). */
static const char *const dd_events[H248_DD_EVENTS] = {
	"d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9",
	"ds", "do", "da", "db", "dc", "dd",
};

const char *h248_dd_event(char digit)
{
	const char *p = digit ? strchr(H248_DD_DIGITS, digit) : NULL;

	return p ? dd_events[p - H248_DD_DIGITS] : NULL;
}

char h248_dd_digit(const char *name)
{
	unsigned int i;

	for (i = 0; i < H248_DD_EVENTS; i++) {
		if (!strcasecmp(name, dd_events[i]))
			return H248_DD_DIGITS[i];
	}
	return 0;
}

size_t h248_dd_observed(const struct h248_cmd *cmd, char *buf, size_t size)
{
	const struct h248_item *it;
	size_t n = 0;

	if (!size)
		return 0;
	llist_for_each_entry(it, &cmd->observed.items, list) {
		char d;

		if (n + 1 >= size)
			break;
		if (strncasecmp(it->name, "dd/", 3))
			continue;
		d = h248_dd_digit(it->name + 3);
		if (d)
			buf[n++] = d;
	}
	buf[n] = '\0';
	return n;
}
