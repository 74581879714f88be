/* Call control VTY: the call-control node (profile, timers), show calls /
 * show call / clear call.  Routes are in src/cc_route_vty.c.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>
#include <osmocom/core/tdef.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "db/cdr_record.h"
#include "isup/q764.h"
#include "src/cc.h"
#include "src/tandem_vty.h"

static struct cmd_node cc_node = { CC_NODE, "%s(config-cc)# ", 1 };

DEFUN(cfg_cc, cfg_cc_cmd, "call-control", "Configure call control and routing\n")
{
	vty->node = CC_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_cc_profile, cfg_cc_profile_cmd, "profile (sip|sip-i|sip-t)",
      "Interworking profile of the SIP side (until SIP trunks have their own)\n"
      "Plain SIP (Q.1912.5 profile A/B, RFC 3398 causes not used)\n"
      "SIP-I (Q.1912.5 profile C)\n" "SIP-T (RFC 3372)\n")
{
	g_cc->profile = get_string_value(cc_sip_profile_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cc_max_calls, cfg_cc_max_calls_cmd, "max-calls <1-1000000>",
      "Most calls at once: more INVITEs get 503 with cause 42, more IAMs REL 42 (default 16384)\n"
      "Number of calls\n")
{
	/* lowering it below the calls up now only refuses new ones */
	g_cc->max_calls = atoi(argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_cc_timer, cfg_cc_timer_cmd, "timer " OSMO_TDEF_VTY_ARG_SET,
      "Configure a call control timer\n" OSMO_TDEF_VTY_DOC_SET)
{
	return osmo_tdef_vty_set_cmd(vty, cc_tdefs, argv);
}

DEFUN(show_cc_timer, show_cc_timer_cmd, "show call-control timer " OSMO_TDEF_VTY_ARG_T_OPTIONAL,
      SHOW_STR "Call control counters\n" "Timers\n" OSMO_TDEF_VTY_DOC_T)
{
	return osmo_tdef_vty_show_cmd(vty, cc_tdefs, argc > 0 ? argv[0] : NULL, NULL);
}

static bool cc_timers_default(void)
{
	const struct osmo_tdef *t;

	osmo_tdef_for_each(t, cc_tdefs)
		if (t->val != t->default_val)
			return false;
	return true;
}

static int cc_config_write(struct vty *vty)
{
	/* nothing configured: no node, as before call control existed */
	if (!g_cc->routes.num && g_cc->profile == CC_PROFILE_SIP && cc_timers_default() &&
	    g_cc->max_calls == CC_MAX_CALLS_DEFAULT)
		return CMD_SUCCESS;
	vty_out(vty, "call-control%s", VTY_NEWLINE);
	vty_out(vty, " profile %s%s", get_value_string(cc_sip_profile_names, g_cc->profile), VTY_NEWLINE);
	if (g_cc->max_calls != CC_MAX_CALLS_DEFAULT)
		vty_out(vty, " max-calls %u%s", g_cc->max_calls, VTY_NEWLINE);
	osmo_tdef_vty_write(vty, cc_tdefs, " timer ");
	cc_route_vty_write(vty);
	return CMD_SUCCESS;
}

static long cc_age(const struct cc_call *call)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - call->started.tv_sec;
}

static const char *circ_state(const struct cc_call *call)
{
	if (!call->isup || !call->isup->circ)
		return call->isup ? "-" : "released";
	return osmo_fsm_inst_state_name(call->isup->circ->fi);
}

static uint16_t call_cic(const struct cc_call *call)
{
	return call->isup ? call->isup->cic : (uint16_t)(call->cdr->cic >= 0 ? call->cdr->cic : 0);
}

/* The leg's state, or "gone" once its FSM ended. */
static const char *leg_str(const char *state)
{
	return strcmp(state, "-") ? state : "gone";
}

DEFUN(show_calls, show_calls_cmd, "show calls", SHOW_STR "Calls in progress, one line each\n")
{
	const struct cc_call *call;

	vty_out(vty, "%-6s %-10s %-8s %-10s %-10s %-8s %-5s %-12s %-6s %-6s %s%s", "ID", "STATE", "DIR", "SIP",
		"ISUP", "TRUNK", "CIC", "CIRCUIT", "AGE", "CODEC", "CALL-ID", VTY_NEWLINE);
	llist_for_each_entry(call, &g_cc->calls, list) {
		const char *trunk = call->dir == CC_DIR_SIP_TO_ISUP ? call->out_trunk : call->in_trunk;
		char age[16];

		snprintf(age, sizeof(age), "%lds", cc_age(call));
		vty_out(vty, "%-6u %-10s %-8s %-10s %-10s %-8s %-5u %-12s %-6s %-6s %s%s", call->id,
			osmo_fsm_inst_state_name(call->fi), get_value_string(cc_dir_names, call->dir),
			leg_str(cc_sip_leg_state(call->sip)), leg_str(cc_isup_leg_state(call->isup)),
			trunk[0] ? trunk : "-", call_cic(call), circ_state(call), age,
			cc_call_codec(call)[0] ? cc_call_codec(call) : "-", call->call_id ?: "-", VTY_NEWLINE);
	}
	vty_out(vty, "%u call(s)%s", g_cc->num_calls, VTY_NEWLINE);
	return CMD_SUCCESS;
}

static struct cc_call *call_arg(struct vty *vty, const char *arg)
{
	struct cc_call *call = cc_call_find(strtoul(arg, NULL, 10));

	if (!call)
		vty_out(vty, "%% no call %s%s", arg, VTY_NEWLINE);
	return call;
}

DEFUN(show_call, show_call_cmd, "show call <1-4294967295>", SHOW_STR "One call in detail\n" "Call id\n")
{
	const struct cc_call *call = call_arg(vty, argv[0]);
	char line[128];
	unsigned int i;

	if (!call)
		return CMD_WARNING;
	vty_out(vty, "call %u: %s, %s, age %lds%s", call->id, osmo_fsm_inst_state_name(call->fi),
		get_value_string(cc_dir_names, call->dir), cc_age(call), VTY_NEWLINE);
	vty_out(vty, " SIP leg: %s %s, trunk %s, Call-ID %s%s",
		call->sip ? (call->sip->outgoing ? "out" : "in") : "-", leg_str(cc_sip_leg_state(call->sip)),
		call->dir == CC_DIR_SIP_TO_ISUP ? call->in_trunk : call->out_trunk[0] ? call->out_trunk : "-",
		call->call_id ?: "-", VTY_NEWLINE);
	vty_out(vty, " ISUP leg: %s %s, trunk %s CIC %u, circuit %s%s",
		call->isup ? (call->isup->outgoing ? "out" : "in") : "-", leg_str(cc_isup_leg_state(call->isup)),
		call->dir == CC_DIR_ISUP_TO_SIP ? call->in_trunk : call->out_trunk[0] ? call->out_trunk : "-",
		call_cic(call), circ_state(call), VTY_NEWLINE);
	vty_out(vty, " route %s, called in %s, called out %s%s", call->route_name[0] ? call->route_name : "-",
		call->cdr->called_in, call->called_out[0] ? call->called_out : "-", VTY_NEWLINE);
	vty_out(vty, " ladder:%s", VTY_NEWLINE);
	for (i = 0; i < call->ladder.num; i++) {
		cc_ladder_entry_str(line, sizeof(line), &call->ladder.e[i]);
		vty_out(vty, "%s%s", line, VTY_NEWLINE);
	}
	if (call->ladder.dropped)
		vty_out(vty, "  ... %u more%s", call->ladder.dropped, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(clear_call, clear_call_cmd, "clear call <1-4294967295>", "Clear\n" "Release a call (cause 16)\n"
      "Call id\n")
{
	struct cc_call *call = call_arg(vty, argv[0]);

	if (!call)
		return CMD_WARNING;
	osmo_fsm_inst_dispatch(call->fi, CC_EV_CLEAR, NULL);
	return CMD_SUCCESS;
}

DEFUN(show_cc, show_cc_cmd, "show call-control", SHOW_STR "Call control counters\n")
{
	vty_out(vty, "profile %s, %u route(s), %u call(s), max-calls %u%s",
		get_value_string(cc_sip_profile_names, g_cc->profile), g_cc->routes.num, g_cc->num_calls,
		g_cc->max_calls, VTY_NEWLINE);
	vty_out_rate_ctr_group(vty, " ", g_cc->ctrs);
	return CMD_SUCCESS;
}

DEFUN(show_cc_delay, show_cc_delay_cmd, "show call-control setup-delay",
      SHOW_STR "Call control counters\n" "Delay from INVITE received to IAM sent\n")
{
	const struct cc_delay_hist *h = &g_cc->setup_delay;

	vty_out(vty, "INVITE -> IAM: %" PRIu64 " call(s)", h->count);
	if (h->count)
		vty_out(vty, ", mean %" PRIu64 " us, p50 %" PRIu64 " us, p90 %" PRIu64 " us, p99 %" PRIu64
			" us, max %" PRIu64 " us", h->sum_us / h->count, cc_delay_percentile(h, 0.5),
			cc_delay_percentile(h, 0.9), cc_delay_percentile(h, 0.99), h->max_us);
	vty_out(vty, "%s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(clear_cc_delay, clear_cc_delay_cmd, "clear call-control setup-delay",
      "Clear\n" "Call control\n" "Forget the INVITE -> IAM delays measured so far\n")
{
	cc_delay_reset(&g_cc->setup_delay);
	return CMD_SUCCESS;
}

void cc_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_cc_cmd);
	install_node(&cc_node, cc_config_write);
	install_element(CC_NODE, &cfg_cc_profile_cmd);
	install_element(CC_NODE, &cfg_cc_timer_cmd);
	install_element(CC_NODE, &cfg_cc_max_calls_cmd);
	cc_route_vty_init();
	install_element_ve(&show_calls_cmd);
	install_element_ve(&show_call_cmd);
	install_element_ve(&show_cc_cmd);
	install_element_ve(&show_cc_timer_cmd);
	install_element(ENABLE_NODE, &clear_call_cmd);
	install_element_ve(&show_cc_delay_cmd);
	install_element(ENABLE_NODE, &clear_cc_delay_cmd);
}
