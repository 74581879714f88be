/* Call control VTY, routes: the `route NAME` nodes under call-control,
 * `route lookup` and `show call-control routes`.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/vty.h>

#include "src/cc.h"
#include "src/tandem_vty.h"

static const struct rate_ctr_desc cc_route_ctr_desc[] = {
	[CC_ROUTE_CTR_CALLS] = { "call:routed", "Calls that took this route" },
	[CC_ROUTE_CTR_ANSWERED] = { "call:answered", "Calls answered" },
	[CC_ROUTE_CTR_NO_CIRCUIT] = { "fail:no-circuit", "Calls failed: no circuit on any destination" },
	[CC_ROUTE_CTR_REJECTED] = { "fail:rejected", "Calls released by the far end before answer" },
};

static const struct rate_ctr_group_desc cc_route_ctrg_desc = {
	.group_name_prefix = "cc:route",
	.group_description = "Route",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = ARRAY_SIZE(cc_route_ctr_desc),
	.ctr_desc = cc_route_ctr_desc,
};

/* the counter group is registered globally: unregister it with the route */
static int cc_route_destructor(struct cc_route *r)
{
	if (r->ctrs)
		rate_ctr_group_free(r->ctrs);
	r->ctrs = NULL;
	return 0;
}

static struct cmd_node cc_route_node = { CC_ROUTE_NODE, "%s(config-cc-route)# ", 1 };

DEFUN(cfg_cc_route, cfg_cc_route_cmd, "route NAME", "Configure a route\n" "Route name\n")
{
	int err = 0;
	struct cc_route *r = cc_route_get(g_cc, &g_cc->routes, argv[0], &err);

	if (!r) {
		vty_out(vty, "%% cannot create route '%s': %s%s", argv[0],
			err == -ENOSPC ? "too many routes" : "name must be 1 to 31 characters", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!r->ctrs) {
		r->ctrs = rate_ctr_group_alloc(r, &cc_route_ctrg_desc, g_cc->next_route_idx++);
		if (r->ctrs) {
			rate_ctr_group_set_name(r->ctrs, r->name);
			talloc_set_destructor(r, cc_route_destructor);
		}
	}
	vty->index = r;
	vty->node = CC_ROUTE_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_cc_no_route, cfg_cc_no_route_cmd, "no route NAME", NO_STR "Delete a route\n" "Route name\n")
{
	struct cc_call *call;

	/* calls keep a pointer to their route */
	llist_for_each_entry(call, &g_cc->calls, list) {
		if (call->route && !strcmp(call->route->name, argv[0])) {
			vty_out(vty, "%% route %s is in use by call %u%s", argv[0], call->id, VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	if (cc_route_del(&g_cc->routes, argv[0]) < 0) {
		vty_out(vty, "%% no route '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

static int set_prefix(struct vty *vty, char *dst, size_t len, const char *digits)
{
	if (!cc_digits_valid(digits)) {
		vty_out(vty, "%% '%s' is not 1 to %u digits%s", digits, CC_DIGITS_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(dst, digits, len);
	return CMD_SUCCESS;
}

DEFUN(cfg_route_called, cfg_route_called_cmd, "match called-prefix DIGITS",
      "Match condition\n" "Called number prefix (longest match wins)\n" "Digits\n")
{
	struct cc_route *r = vty->index;

	return set_prefix(vty, r->called_prefix, sizeof(r->called_prefix), argv[0]);
}

DEFUN(cfg_route_calling, cfg_route_calling_cmd, "match calling-prefix DIGITS",
      "Match condition\n" "Calling number prefix (tie-break after the called prefix)\n" "Digits\n")
{
	struct cc_route *r = vty->index;

	return set_prefix(vty, r->calling_prefix, sizeof(r->calling_prefix), argv[0]);
}

DEFUN(cfg_route_source, cfg_route_source_cmd, "match source-trunk NAME",
      "Match condition\n" "Only calls that came in on this trunk (SIP or ISUP)\n" "Trunk name\n")
{
	struct cc_route *r = vty->index;

	if (strlen(argv[0]) >= sizeof(r->source_trunk)) {
		vty_out(vty, "%% trunk names are 1 to %zu characters%s", sizeof(r->source_trunk) - 1, VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(r->source_trunk, argv[0], sizeof(r->source_trunk));
	return CMD_SUCCESS;
}

DEFUN(cfg_route_no_match, cfg_route_no_match_cmd, "no match (called-prefix|calling-prefix|source-trunk)",
      NO_STR "Match condition\n" "Match every called number\n" "Match every calling number\n"
      "Match calls from any trunk\n")
{
	struct cc_route *r = vty->index;

	if (!strcmp(argv[0], "called-prefix"))
		r->called_prefix[0] = '\0';
	else if (!strcmp(argv[0], "calling-prefix"))
		r->calling_prefix[0] = '\0';
	else
		r->source_trunk[0] = '\0';
	return CMD_SUCCESS;
}

#define FAILOVER_STR "Move the call to the next destination on a failure\n"

DEFUN(cfg_route_fo, cfg_route_fo_cmd, "failover (cause|status) <1-699>",
      FAILOVER_STR "On a Q.850 release cause (ISUP REL, or mapped from SIP): 1-127\n"
      "On a SIP final response status: 300-699\n" "The value\n")
{
	struct cc_route *r = vty->index;
	bool cause = !strcmp(argv[0], "cause");
	int rc = cause ? cc_route_add_fo_cause(r, atoi(argv[1])) : cc_route_add_fo_status(r, atoi(argv[1]));

	if (rc == -EINVAL) {
		vty_out(vty, "%% a failover %s is %s%s", argv[0], cause ? "1 to 127" : "300 to 699", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc < 0) {
		vty_out(vty, "%% at most %u failover %s per route%s", CC_ROUTE_FAILOVER_MAX,
			cause ? "causes" : "statuses", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_route_no_fo_entry, cfg_route_no_fo_entry_cmd, "no failover (cause|status) <1-699>",
      NO_STR FAILOVER_STR "A release cause\n" "A SIP status\n" "The value\n")
{
	struct cc_route *r = vty->index;
	int rc = !strcmp(argv[0], "cause") ? cc_route_del_fo_cause(r, atoi(argv[1]))
					   : cc_route_del_fo_status(r, atoi(argv[1]));

	if (rc < 0) {
		vty_out(vty, "%% failover %s %s is not configured%s", argv[0], argv[1], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_route_no_fo, cfg_route_no_fo_cmd, "no failover",
      NO_STR "Never move a call to the next destination (release it instead)\n")
{
	cc_route_fo_reset(vty->index, true);
	return CMD_SUCCESS;
}

DEFUN(cfg_route_fo_default, cfg_route_fo_default_cmd, "failover default",
      FAILOVER_STR "Only on cause 34 (no circuit available) and status 503\n")
{
	cc_route_fo_reset(vty->index, false);
	return CMD_SUCCESS;
}

DEFUN(cfg_route_dest, cfg_route_dest_cmd, "destination trunk NAME",
      "Add a destination, tried in configuration order\n" "A trunk (ISUP or SIP)\n" "Trunk name\n")
{
	struct cc_route *r = vty->index;
	int rc = cc_route_add_dest(r, argv[0]);

	if (rc == -EEXIST)
		return CMD_SUCCESS;
	if (rc < 0) {
		vty_out(vty, "%% %s%s", rc == -ENOSPC ? "at most 8 destinations per route" : "bad trunk name",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_route_no_dest, cfg_route_no_dest_cmd, "no destination trunk NAME",
      NO_STR "Remove a destination\n" "A trunk (ISUP or SIP)\n" "Trunk name\n")
{
	struct cc_route *r = vty->index;
	unsigned int i;

	for (i = 0; i < r->num_dest; i++) {
		if (strcmp(r->dest[i], argv[0]))
			continue;
		memmove(r->dest[i], r->dest[i + 1], (r->num_dest - i - 1) * sizeof(r->dest[0]));
		r->num_dest--;
		return CMD_SUCCESS;
	}
	vty_out(vty, "%% no destination '%s'%s", argv[0], VTY_NEWLINE);
	return CMD_WARNING;
}

DEFUN(cfg_route_strip, cfg_route_strip_cmd, "strip <0-32>",
      "Remove leading digits of the called number\n" "Number of digits\n")
{
	struct cc_route *r = vty->index;

	r->strip = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_route_prefix, cfg_route_prefix_cmd, "prefix DIGITS",
      "Digits put in front of the called number (after strip)\n" "Digits\n")
{
	struct cc_route *r = vty->index;

	return set_prefix(vty, r->prefix, sizeof(r->prefix), argv[0]);
}

DEFUN(cfg_route_no_prefix, cfg_route_no_prefix_cmd, "no prefix", NO_STR "No prefix digits\n")
{
	struct cc_route *r = vty->index;

	r->prefix[0] = '\0';
	return CMD_SUCCESS;
}

DEFUN(cfg_route_nai, cfg_route_nai_cmd, "nai <0-127>",
      "Nature of address of the outgoing called number\n"
      "Q.763 value (1 subscriber, 3 national, 4 international)\n")
{
	struct cc_route *r = vty->index;

	r->nai = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_route_no_nai, cfg_route_no_nai_cmd, "no nai", NO_STR "Keep the number's nature of address\n")
{
	struct cc_route *r = vty->index;

	r->nai = CC_NAI_KEEP;
	return CMD_SUCCESS;
}

DEFUN(cfg_route_digits, cfg_route_digits_cmd, "(min-digits|max-digits) <0-32>",
      "Fewer called digits are an incomplete number (overlap: wait for more, 484)\n"
      "Overlap: the called number is complete at this many digits\n"
      "Digits (0: min any length is enough; max only ST or timer T10 complete the number)\n")
{
	struct cc_route *r = vty->index;
	bool min = argv[0][1] == 'i';
	unsigned int n = atoi(argv[1]);

	/* 0 is no bound: only two set bounds can disagree */
	if (n && (min ? r->max_digits && n > r->max_digits : n < r->min_digits)) {
		vty_out(vty, "%% %s %u is %s %s %u%s", argv[0], n, min ? "above" : "below",
			min ? "max-digits" : "min-digits", min ? r->max_digits : r->min_digits, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (min)
		r->min_digits = n;
	else
		r->max_digits = n;
	return CMD_SUCCESS;
}

DEFUN(cfg_route_overlap, cfg_route_overlap_cmd, "overlap",
      "Overlap signalling: ISUP -> SIP collects digits (en-bloc conversion), SIP -> ISUP sends SAMs\n")
{
	struct cc_route *r = vty->index;

	r->overlap = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_route_no_overlap, cfg_route_no_overlap_cmd, "no overlap", NO_STR "En-bloc only\n")
{
	struct cc_route *r = vty->index;

	r->overlap = false;
	return CMD_SUCCESS;
}

void cc_route_vty_write(struct vty *vty)
{
	const struct cc_route *r;
	unsigned int i;

	llist_for_each_entry(r, &g_cc->routes.routes, list) {
		vty_out(vty, " route %s%s", r->name, VTY_NEWLINE);
		if (r->called_prefix[0])
			vty_out(vty, "  match called-prefix %s%s", r->called_prefix, VTY_NEWLINE);
		if (r->calling_prefix[0])
			vty_out(vty, "  match calling-prefix %s%s", r->calling_prefix, VTY_NEWLINE);
		if (r->source_trunk[0])
			vty_out(vty, "  match source-trunk %s%s", r->source_trunk, VTY_NEWLINE);
		for (i = 0; i < r->num_dest; i++)
			vty_out(vty, "  destination trunk %s%s", r->dest[i], VTY_NEWLINE);
		if (r->strip)
			vty_out(vty, "  strip %u%s", r->strip, VTY_NEWLINE);
		if (r->prefix[0])
			vty_out(vty, "  prefix %s%s", r->prefix, VTY_NEWLINE);
		if (r->nai != CC_NAI_KEEP)
			vty_out(vty, "  nai %d%s", r->nai, VTY_NEWLINE);
		for (i = 0; i < r->num_fo_causes; i++)
			vty_out(vty, "  failover cause %u%s", r->fo_causes[i], VTY_NEWLINE);
		for (i = 0; i < r->num_fo_status; i++)
			vty_out(vty, "  failover status %u%s", r->fo_status[i], VTY_NEWLINE);
		if (r->fo_disabled)
			vty_out(vty, "  no failover%s", VTY_NEWLINE);
		if (r->min_digits)
			vty_out(vty, "  min-digits %u%s", r->min_digits, VTY_NEWLINE);
		if (r->max_digits)
			vty_out(vty, "  max-digits %u%s", r->max_digits, VTY_NEWLINE);
		if (r->overlap)
			vty_out(vty, "  overlap%s", VTY_NEWLINE);
	}
}

static void show_lookup(struct vty *vty, const char *called, const char *source, const char *calling)
{
	char why[200], out[CC_DIGITS_MAX + 1];
	const struct cc_route *r;
	unsigned int i;

	if (!cc_digits_valid(called) || (calling && !cc_digits_valid(calling))) {
		vty_out(vty, "%% numbers are 1 to %u digits%s", CC_DIGITS_MAX, VTY_NEWLINE);
		return;
	}
	r = cc_route_lookup(&g_cc->routes, called, calling, source, why, sizeof(why));
	vty_out(vty, "%s%s", why, VTY_NEWLINE);
	if (!r)
		return;
	if (cc_route_apply(r, called, out, sizeof(out)) < 0)
		vty_out(vty, " called number out: too long%s", VTY_NEWLINE);
	else
		vty_out(vty, " called number out: %s%s", out, VTY_NEWLINE);
	if (r->min_digits || r->max_digits || r->overlap)
		vty_out(vty, " number: %s (min %u, max %u digits, %s)%s",
			get_value_string(cc_number_state_names, cc_route_number_state(r, strlen(called), false)),
			r->min_digits, r->max_digits, r->overlap ? "overlap" : "en-bloc", VTY_NEWLINE);
	for (i = 0; i < r->num_dest; i++)
		vty_out(vty, " destination %u: trunk %s%s", i + 1, r->dest[i], VTY_NEWLINE);
}

#define LOOKUP_STR "Routing\n" "Show which route a called number takes and why\n" "Called number\n"
#define FROM_STR "As a call from a trunk\n" "Source trunk name (SIP or ISUP)\n"
#define CALLING_STR "With a calling number\n" "Calling number\n"

DEFUN(route_lookup, route_lookup_cmd, "route lookup NUMBER", LOOKUP_STR)
{
	show_lookup(vty, argv[0], NULL, NULL);
	return CMD_SUCCESS;
}

DEFUN(route_lookup_from, route_lookup_from_cmd, "route lookup NUMBER from TRUNK", LOOKUP_STR FROM_STR)
{
	show_lookup(vty, argv[0], argv[1], NULL);
	return CMD_SUCCESS;
}

DEFUN(route_lookup_calling, route_lookup_calling_cmd, "route lookup NUMBER calling DIGITS",
      LOOKUP_STR CALLING_STR)
{
	show_lookup(vty, argv[0], NULL, argv[1]);
	return CMD_SUCCESS;
}

DEFUN(route_lookup_from_calling, route_lookup_from_calling_cmd, "route lookup NUMBER from TRUNK calling DIGITS",
      LOOKUP_STR FROM_STR CALLING_STR)
{
	show_lookup(vty, argv[0], argv[1], argv[2]);
	return CMD_SUCCESS;
}

static void show_failover(struct vty *vty, const struct cc_route *r)
{
	unsigned int i;

	if (r->source_trunk[0])
		vty_out(vty, " from trunk %s only%s", r->source_trunk, VTY_NEWLINE);
	if (r->min_digits || r->max_digits || r->overlap)
		vty_out(vty, " digits: min %u, max %u, %s%s", r->min_digits, r->max_digits,
			r->overlap ? "overlap" : "en-bloc", VTY_NEWLINE);
	if (r->fo_disabled) {
		vty_out(vty, " failover: never%s", VTY_NEWLINE);
		return;
	}
	if (!r->num_fo_causes && !r->num_fo_status) {
		vty_out(vty, " failover: cause %u, status %u (default)%s", CC_ROUTE_FAILOVER_DEFAULT_CAUSE,
			CC_ROUTE_FAILOVER_DEFAULT_STATUS, VTY_NEWLINE);
		return;
	}
	vty_out(vty, " failover:");
	for (i = 0; i < r->num_fo_causes; i++)
		vty_out(vty, " cause %u", r->fo_causes[i]);
	for (i = 0; i < r->num_fo_status; i++)
		vty_out(vty, " status %u", r->fo_status[i]);
	vty_out(vty, "%s", VTY_NEWLINE);
}

DEFUN(show_cc_routes, show_cc_routes_cmd, "show call-control routes", SHOW_STR "Call control counters\n"
      "Each route with its counters\n")
{
	const struct cc_route *r;

	llist_for_each_entry(r, &g_cc->routes.routes, list) {
		vty_out(vty, "route %s: called prefix '%s', %u destination(s)%s", r->name, r->called_prefix,
			r->num_dest, VTY_NEWLINE);
		show_failover(vty, r);
		if (r->ctrs)
			vty_out_rate_ctr_group(vty, "  ", r->ctrs);
	}
	return CMD_SUCCESS;
}

void cc_route_vty_init(void)
{
	install_element(CC_NODE, &cfg_cc_route_cmd);
	install_element(CC_NODE, &cfg_cc_no_route_cmd);
	install_node(&cc_route_node, NULL);
	install_element(CC_ROUTE_NODE, &cfg_route_called_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_calling_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_no_match_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_source_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_fo_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_no_fo_entry_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_no_fo_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_fo_default_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_dest_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_no_dest_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_strip_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_prefix_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_no_prefix_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_nai_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_no_nai_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_digits_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_overlap_cmd);
	install_element(CC_ROUTE_NODE, &cfg_route_no_overlap_cmd);
	install_element_ve(&route_lookup_cmd);
	install_element_ve(&route_lookup_from_cmd);
	install_element_ve(&route_lookup_calling_cmd);
	install_element_ve(&route_lookup_from_calling_cmd);
	install_element_ve(&show_cc_routes_cmd);
}
