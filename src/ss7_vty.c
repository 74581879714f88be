/* VTY of the ISUP trunks: the "isup trunk NAME" config node, the show
 * commands and the operator's circuit commands.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/rate_ctr.h>
#include <osmocom/sigtran/osmo_ss7.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "src/cc_media.h"
#include "src/ss7.h"

#define ISUP_STR "ISUP trunks and circuits\n"
#define TRUNK_STR "An ISUP trunk (circuit group)\n" "Trunk name\n"
#define FILTER_ARGS "(idle|busy|blocked|unavailable|resetting|unequipped)"
#define FILTER_DOC "Idle and unblocked circuits\n" "Circuits with a call\n" \
	"Circuits blocked at either end\n" "Circuits whose destination is inaccessible\n" \
	"Circuits being reset\n" "Circuits the peer reported unequipped (UCIC)\n"

static struct cmd_node isup_trunk_node = {
	ISUP_TRUNK_NODE,
	"%s(config-isup-trunk)# ",
	1,
};

static const char *pc_str(uint32_t pc)
{
	struct osmo_ss7_instance *inst = osmo_ss7_instance_find(0);

	return inst ? osmo_ss7_pointcode_print(inst, pc) : "?";
}

/* osmo_ss7_pointcode_print() has one static buffer: a second point code in
 * the same printf needs the library's second buffer */
static const char *pc_str2(uint32_t pc)
{
	struct osmo_ss7_instance *inst = osmo_ss7_instance_find(0);

	return inst ? osmo_ss7_pointcode_print2(inst, pc) : "?";
}

/* Settings that shape the circuits can only change before they exist. */
static bool trunk_cfg_locked(struct vty *vty, struct isup_trunk *trunk)
{
	if (!trunk->started)
		return false;
	vty_out(vty, "%% trunk %s is running: change it in the config file and restart%s",
		trunk->cfg.name, VTY_NEWLINE);
	return true;
}

DEFUN(cfg_isup_trunk, cfg_isup_trunk_cmd, "isup trunk NAME", ISUP_STR TRUNK_STR)
{
	struct isup_trunk *trunk = ss7_trunk_find(argv[0]);

	if (!trunk) {
		if (strlen(argv[0]) >= ISUP_TRUNK_NAME_MAX) {
			vty_out(vty, "%% trunk name too long (max %d)%s", ISUP_TRUNK_NAME_MAX - 1,
				VTY_NEWLINE);
			return CMD_WARNING;
		}
		trunk = ss7_trunk_create(argv[0]);
		if (!trunk) {
			vty_out(vty, "%% cannot create trunk %s (at most %d trunks)%s", argv[0],
				SS7_MAX_TRUNKS, VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	vty->index = trunk;
	vty->node = ISUP_TRUNK_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_variant, cfg_trunk_variant_cmd, "variant (itu|ansi|china)",
      "ISUP variant of the trunk\n" "ITU-T Q.763, 14-bit point codes\n"
      "ANSI T1.113, 24-bit point codes\n" "Chinese national ISUP, 24-bit point codes\n")
{
	struct isup_trunk *trunk = vty->index;
	int v = isup_variant_parse(argv[0]);
	unsigned int i;

	if (trunk_cfg_locked(vty, trunk))
		return CMD_WARNING;
	for (i = 0; i < trunk->cfg.num_ranges; i++) {
		if (trunk->cfg.ranges[i].last > isup_variant_max_cic(v)) {
			vty_out(vty, "%% CIC %u does not fit variant %s%s", trunk->cfg.ranges[i].last,
				argv[0], VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	if ((trunk->cfg.opc_set && !ss7_pc_valid(v, trunk->cfg.opc)) ||
	    (trunk->cfg.dpc_set && !ss7_pc_valid(v, trunk->cfg.dpc))) {
		vty_out(vty, "%% point codes do not fit variant %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	trunk->cfg.variant = v;
	return CMD_SUCCESS;
}

static int set_pc(struct vty *vty, const char *arg, bool local)
{
	struct isup_trunk *trunk = vty->index;
	struct osmo_ss7_instance *inst = osmo_ss7_instance_find(0);
	int pc;

	if (trunk_cfg_locked(vty, trunk))
		return CMD_WARNING;
	if (!inst) {
		vty_out(vty, "%% configure 'cs7 instance 0' (its point-code format) first%s",
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	pc = osmo_ss7_pointcode_parse(inst, arg);
	if (pc < 0 || !ss7_pc_valid(trunk->cfg.variant, pc)) {
		vty_out(vty, "%% invalid point code '%s' for variant %s%s", arg,
			get_value_string(isup_variant_names, trunk->cfg.variant), VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (local) {
		trunk->cfg.opc = pc;
		trunk->cfg.opc_set = true;
	} else {
		trunk->cfg.dpc = pc;
		trunk->cfg.dpc_set = true;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_opc, cfg_trunk_opc_cmd, "local-point-code POINT_CODE",
      "Our point code on this trunk (OPC of what we send)\n" "Point code, e.g. 1.1.1\n")
{
	return set_pc(vty, argv[0], true);
}

DEFUN(cfg_trunk_dpc, cfg_trunk_dpc_cmd, "remote-point-code POINT_CODE",
      "The peer exchange's point code (DPC of what we send)\n" "Point code, e.g. 2.2.2\n")
{
	return set_pc(vty, argv[0], false);
}

DEFUN(cfg_trunk_cic_range, cfg_trunk_cic_range_cmd, "cic-range <0-16383> <0-16383>",
      "Add a range of circuits\n" "First CIC\n" "Last CIC\n")
{
	struct isup_trunk *trunk = vty->index;
	int rc;

	if (trunk_cfg_locked(vty, trunk))
		return CMD_WARNING;
	rc = isup_trunk_add_range(trunk, atoi(argv[0]), atoi(argv[1]));
	switch (rc) {
	case 0:
		return CMD_SUCCESS;
	case -EEXIST:
		vty_out(vty, "%% CIC range %s-%s overlaps another range%s", argv[0], argv[1],
			VTY_NEWLINE);
		break;
	case -ERANGE:
		vty_out(vty, "%% too many circuits or ranges (max %d circuits, %d ranges)%s",
			ISUP_TRUNK_MAX_CIRCUITS, ISUP_TRUNK_MAX_RANGES, VTY_NEWLINE);
		break;
	default:
		vty_out(vty, "%% invalid CIC range %s-%s for variant %s (max CIC %u)%s", argv[0],
			argv[1], get_value_string(isup_variant_names, trunk->cfg.variant),
			isup_variant_max_cic(trunk->cfg.variant), VTY_NEWLINE);
		break;
	}
	return CMD_WARNING;
}

DEFUN(cfg_trunk_selection, cfg_trunk_selection_cmd,
      "circuit-selection (sequential|round-robin|least-used)",
      "How outgoing calls pick a circuit\n" "Lowest free CIC\n"
      "Next free CIC after the last one used\n" "Free CIC seized least often\n")
{
	struct isup_trunk *trunk = vty->index;

	trunk->cfg.policy = get_string_value(isup_select_policy_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_mgw, cfg_trunk_mgw_cmd, "mgw-endpoint PATTERN",
      "Media gateway endpoint of each circuit\n"
      "Endpoint name; {cic} is replaced by the CIC, e.g. ds/e1-0/s-{cic}@mgw\n")
{
	struct isup_trunk *trunk = vty->index;

	if (strlen(argv[0]) >= ISUP_MGW_PATTERN_MAX) {
		vty_out(vty, "%% endpoint pattern too long (max %d)%s", ISUP_MGW_PATTERN_MAX - 1,
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(trunk->cfg.mgw_pattern, argv[0], sizeof(trunk->cfg.mgw_pattern));
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_cot, cfg_trunk_cot_cmd, "continuity-check (never|always|percent) [<1-99>]",
      "Continuity check on our outgoing calls (Q.764 2.1.8)\n"
      "Never ask for one (default)\n" "On every call\n"
      "On a share of the calls, spread evenly\n" "Percent of the calls\n")
{
	struct isup_trunk *trunk = vty->index;
	int policy = get_string_value(isup_cot_policy_names, argv[0]);

	if ((policy == ISUP_COT_PERCENT) != (argc > 1)) {
		vty_out(vty, "%% a percentage goes with 'percent' only%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	trunk->cfg.cot_policy = policy;
	trunk->cfg.cot_percent = argc > 1 ? atoi(argv[1]) : 0;
	trunk->cot_acc = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_timer, cfg_trunk_timer_cmd, "timer " OSMO_TDEF_VTY_ARG_SET,
      "Set a Q.764 timer of this trunk (seconds)\n" OSMO_TDEF_VTY_DOC_SET)
{
	struct isup_trunk *trunk = vty->index;

	return osmo_tdef_vty_set_cmd(vty, trunk->tdefs, argv);
}

static int isup_trunk_config_write(struct vty *vty)
{
	struct isup_trunk *trunk;
	unsigned int i;

	llist_for_each_entry(trunk, &g_ss7->trunks, list) {
		const struct isup_trunk_cfg *cfg = &trunk->cfg;

		vty_out(vty, "isup trunk %s%s", cfg->name, VTY_NEWLINE);
		vty_out(vty, " variant %s%s", get_value_string(isup_variant_names, cfg->variant),
			VTY_NEWLINE);
		if (cfg->opc_set)
			vty_out(vty, " local-point-code %s%s", pc_str(cfg->opc), VTY_NEWLINE);
		if (cfg->dpc_set)
			vty_out(vty, " remote-point-code %s%s", pc_str(cfg->dpc), VTY_NEWLINE);
		for (i = 0; i < cfg->num_ranges; i++)
			vty_out(vty, " cic-range %u %u%s", cfg->ranges[i].first, cfg->ranges[i].last,
				VTY_NEWLINE);
		vty_out(vty, " circuit-selection %s%s",
			get_value_string(isup_select_policy_names, cfg->policy), VTY_NEWLINE);
		if (cfg->mgw_pattern[0])
			vty_out(vty, " mgw-endpoint %s%s", cfg->mgw_pattern, VTY_NEWLINE);
		cc_media_trunk_vty_write(vty, cfg->name);
		if (cfg->cot_policy == ISUP_COT_PERCENT)
			vty_out(vty, " continuity-check percent %u%s", cfg->cot_percent, VTY_NEWLINE);
		else if (cfg->cot_policy != ISUP_COT_NEVER)
			vty_out(vty, " continuity-check %s%s",
				get_value_string(isup_cot_policy_names, cfg->cot_policy), VTY_NEWLINE);
		osmo_tdef_vty_write(vty, trunk->tdefs, " timer ");
	}
	return CMD_SUCCESS;
}

/* ---- show ---- */

static void show_trunk(struct vty *vty, struct isup_trunk *trunk)
{
	const struct isup_trunk_cfg *cfg = &trunk->cfg;
	unsigned int i, counts[ISUP_FILTER_UNEQUIPPED + 1] = { 0 };
	enum isup_circ_filter f;

	vty_out(vty, "Trunk %s: variant %s, OPC %s, DPC %s, %s%s", cfg->name,
		get_value_string(isup_variant_names, cfg->variant), pc_str(cfg->opc),
		pc_str2(cfg->dpc), !trunk->started ? "not started" :
		trunk->available ? "destination available" : "destination unavailable", VTY_NEWLINE);
	vty_out(vty, " CICs:");
	for (i = 0; i < cfg->num_ranges; i++)
		vty_out(vty, " %u-%u", cfg->ranges[i].first, cfg->ranges[i].last);
	vty_out(vty, ", selection %s, controls %s CICs on dual seizure%s",
		get_value_string(isup_select_policy_names, cfg->policy),
		cfg->opc > cfg->dpc ? "even" : "odd", VTY_NEWLINE);
	for (i = 0; i < trunk->num_circ; i++)
		for (f = ISUP_FILTER_ALL; f <= ISUP_FILTER_UNEQUIPPED; f++)
			if (isup_circuit_matches(trunk->circ[i], f))
				counts[f]++;
	vty_out(vty, " circuits %u: idle %u, busy %u, blocked %u, resetting %u, unavailable %u, "
		"unequipped %u%s", counts[ISUP_FILTER_ALL], counts[ISUP_FILTER_IDLE],
		counts[ISUP_FILTER_BUSY], counts[ISUP_FILTER_BLOCKED], counts[ISUP_FILTER_RESETTING],
		counts[ISUP_FILTER_UNAVAILABLE], counts[ISUP_FILTER_UNEQUIPPED], VTY_NEWLINE);
	vty_out_rate_ctr_group(vty, "  ", trunk->ctrs);
	vty_out_rate_ctr_group(vty, "  ", trunk->rx_ctrs);
	vty_out_rate_ctr_group(vty, "  ", trunk->tx_ctrs);
}

DEFUN(show_isup_trunks, show_isup_trunks_cmd, "show isup trunks",
      SHOW_STR ISUP_STR "Trunks, their state and counters\n")
{
	struct isup_trunk *trunk;

	llist_for_each_entry(trunk, &g_ss7->trunks, list)
		show_trunk(vty, trunk);
	vty_out_rate_ctr_group(vty, "", g_ss7->ctrs);
	return CMD_SUCCESS;
}

static void show_circuits(struct vty *vty, struct isup_trunk *trunk, enum isup_circ_filter f)
{
	char blk[32], ep[ISUP_MGW_PATTERN_MAX + 8];
	unsigned int i;

	for (i = 0; i < trunk->num_circ; i++) {
		struct isup_circuit *c = trunk->circ[i];

		if (!isup_circuit_matches(c, f))
			continue;
		if (cc_media_trunk_endpoint(trunk->cfg.name, trunk->cfg.mgw_pattern, c->cic, ep, sizeof(ep)) < 0)
			osmo_strlcpy(ep, "-", sizeof(ep));
		vty_out(vty, "%-16s %5u %-13s %-12s %-8s %-4s %s%s", trunk->cfg.name, c->cic,
			osmo_fsm_inst_state_name(c->fi), isup_circuit_blk_str(c, blk, sizeof(blk)),
			c->pending ? get_value_string(isup_circ_pending_names, c->pending) : "-",
			c->remote_unequipped ? "UCIC" : "-", ep, VTY_NEWLINE);
	}
}

DEFUN(show_isup_circuits, show_isup_circuits_cmd, "show isup circuits [NAME] [" FILTER_ARGS "]",
      SHOW_STR ISUP_STR "Circuits and their state\n" "Only this trunk\n" FILTER_DOC)
{
	struct isup_trunk *trunk, *only = NULL;
	enum isup_circ_filter f = ISUP_FILTER_ALL;
	int i;

	for (i = 0; i < argc; i++) {
		int v = get_string_value(isup_circ_filter_names, argv[i]);

		if (i == 0 && (only = ss7_trunk_find(argv[i])))
			continue;
		if (v < 0) {
			vty_out(vty, "%% no trunk or filter '%s'%s", argv[i], VTY_NEWLINE);
			return CMD_WARNING;
		}
		f = v;
	}
	vty_out(vty, "%-16s %5s %-13s %-12s %-8s %-4s %s%s", "trunk", "CIC", "state", "blocking",
		"pending", "peer", "mgw-endpoint", VTY_NEWLINE);
	llist_for_each_entry(trunk, &g_ss7->trunks, list)
		if (!only || only == trunk)
			show_circuits(vty, trunk, f);
	return CMD_SUCCESS;
}

DEFUN(show_isup_timers, show_isup_timers_cmd, "show isup timers [NAME]",
      SHOW_STR ISUP_STR "Q.764 timers of each trunk\n" "Only this trunk\n")
{
	struct isup_trunk *trunk;

	llist_for_each_entry(trunk, &g_ss7->trunks, list) {
		if (argc && strcmp(argv[0], trunk->cfg.name))
			continue;
		osmo_tdef_vty_out_all(vty, trunk->tdefs, "trunk %s: ", trunk->cfg.name);
	}
	return CMD_SUCCESS;
}

/* ---- operator commands ---- */

static struct isup_trunk *running_trunk(struct vty *vty, const char *name)
{
	struct isup_trunk *trunk = ss7_trunk_find(name);

	if (!trunk) {
		vty_out(vty, "%% no trunk %s%s", name, VTY_NEWLINE);
		return NULL;
	}
	if (!trunk->started) {
		vty_out(vty, "%% trunk %s is not running%s", name, VTY_NEWLINE);
		return NULL;
	}
	return trunk;
}

static struct isup_circuit *find_circuit(struct vty *vty, const char *name, const char *cic)
{
	struct isup_trunk *trunk = running_trunk(vty, name);
	struct isup_circuit *c;

	if (!trunk)
		return NULL;
	c = isup_trunk_circuit(trunk, atoi(cic));
	if (!c)
		vty_out(vty, "%% trunk %s has no CIC %s%s", name, cic, VTY_NEWLINE);
	return c;
}

static int op_result(struct vty *vty, int rc, const char *what)
{
	switch (rc) {
	case 0:
		return CMD_SUCCESS;
	case -EALREADY:
		vty_out(vty, "%% %s: already in that state%s", what, VTY_NEWLINE);
		break;
	case -ENOTCONN:
		vty_out(vty, "%% %s: destination unavailable or no call%s", what, VTY_NEWLINE);
		break;
	case -EBUSY:
		vty_out(vty, "%% %s: circuit not idle or blocked%s", what, VTY_NEWLINE);
		break;
	default:
		vty_out(vty, "%% %s failed: %s%s", what, strerror(-rc), VTY_NEWLINE);
		break;
	}
	return CMD_WARNING;
}

DEFUN(isup_circuit_op, isup_circuit_op_cmd, "isup trunk NAME circuit <0-16383> (block|unblock|reset)",
      ISUP_STR TRUNK_STR "One circuit\n" "CIC\n" "Block for maintenance (BLO)\n"
      "Unblock (UBL)\n" "Reset (RSC)\n")
{
	struct isup_circuit *c = find_circuit(vty, argv[0], argv[1]);
	int rc;

	if (!c)
		return CMD_WARNING;
	if (!strcmp(argv[2], "block"))
		rc = isup_circuit_block(c);
	else if (!strcmp(argv[2], "unblock"))
		rc = isup_circuit_unblock(c);
	else
		rc = isup_circuit_reset(c);
	return op_result(vty, rc, argv[2]);
}

DEFUN(isup_circuits_op, isup_circuits_op_cmd,
      "isup trunk NAME circuits <0-16383> <0-16383> (block|unblock) [hardware]",
      ISUP_STR TRUNK_STR "A group of up to 32 circuits (CGB/CGU)\n" "First CIC\n" "Last CIC\n"
      "Block the group (CGB)\n" "Unblock the group (CGU)\n"
      "Hardware failure oriented (default: maintenance)\n")
{
	struct isup_trunk *trunk = running_trunk(vty, argv[0]);
	int rc;

	if (!trunk)
		return CMD_WARNING;
	rc = isup_trunk_group_block(trunk, atoi(argv[1]), atoi(argv[2]), !strcmp(argv[3], "block"),
				    argc > 4);
	if (rc == -ERANGE) {
		vty_out(vty, "%% a group is 2 to 32 consecutive CICs%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc == -ENOENT) {
		vty_out(vty, "%% no CIC of the trunk in that range%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return op_result(vty, rc, argv[3]);
}

DEFUN(isup_group_reset, isup_group_reset_cmd, "isup trunk NAME group reset",
      ISUP_STR TRUNK_STR "All circuits of the trunk\n" "Reset them (GRS)\n")
{
	struct isup_trunk *trunk = running_trunk(vty, argv[0]);

	if (!trunk)
		return CMD_WARNING;
	return op_result(vty, isup_trunk_group_reset(trunk), "group reset");
}

DEFUN(isup_test_call, isup_test_call_cmd, "isup trunk NAME circuit <0-16383> test-call DIGITS",
      ISUP_STR TRUNK_STR "One circuit\n" "CIC\n"
      "Send a test IAM on the circuit (no media)\n" "Called party number\n")
{
	struct isup_circuit *c = find_circuit(vty, argv[0], argv[1]);
	int rc;

	if (!c)
		return CMD_WARNING;
	rc = isup_circuit_test_call(c, argv[2]);
	if (rc == -EINVAL) {
		vty_out(vty, "%% called number must be 1 to 32 digits%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return op_result(vty, rc, "test call");
}

DEFUN(isup_release, isup_release_cmd, "isup trunk NAME circuit <0-16383> release <1-127>",
      ISUP_STR TRUNK_STR "One circuit\n" "CIC\n" "Release the call on it (REL)\n"
      "Q.850 cause value\n")
{
	struct isup_circuit *c = find_circuit(vty, argv[0], argv[1]);

	if (!c)
		return CMD_WARNING;
	return op_result(vty, isup_circuit_release(c, atoi(argv[2])), "release");
}

void ss7_vty_init_isup(void)
{
	install_element(CONFIG_NODE, &cfg_isup_trunk_cmd);
	install_node(&isup_trunk_node, isup_trunk_config_write);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_variant_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_opc_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_dpc_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_cic_range_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_selection_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_mgw_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_timer_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_cot_cmd);
	install_element_ve(&show_isup_trunks_cmd);
	install_element_ve(&show_isup_circuits_cmd);
	install_element_ve(&show_isup_timers_cmd);
	install_element(ENABLE_NODE, &isup_circuit_op_cmd);
	install_element(ENABLE_NODE, &isup_circuits_op_cmd);
	install_element(ENABLE_NODE, &isup_group_reset_cmd);
	install_element(ENABLE_NODE, &isup_test_call_cmd);
	install_element(ENABLE_NODE, &isup_release_cmd);
}
