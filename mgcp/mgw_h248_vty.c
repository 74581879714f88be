/* tandem-mgw's VTY for the H.248 side: the controller in the mgw node and
 * "show h248".
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <inttypes.h>
#include <stdlib.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_dtmf.h"
#include "mgcp/mgw_h248.h"

#define H248_STR "H.248 (MEGACO) gateway control\n"

DEFUN(cfg_h248_port, cfg_h248_port_cmd, "h248 local-port <1-65535>",
      H248_STR "Local UDP port of H.248 (on the MGCP bind ip)\n" "Port number (default 2944)\n")
{
	g_mgw->h248->cfg.local_port = atoi(argv[0]);
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_h248_ctrl, cfg_h248_ctrl_cmd, "h248 controller ip A.B.C.D port <1-65535>",
      H248_STR "The controller (MGC): H.248 is on when one is set\n" "Its address\n" "IPv4 address\n"
      "Its port\n" "Port number\n")
{
	if (!mgw_vty_ip_ok(vty, argv[0]))
		return CMD_WARNING;
	osmo_talloc_replace_string(g_mgw->h248, &g_mgw->h248->cfg.ctrl_ip, argv[0]);
	g_mgw->h248->cfg.ctrl_port = atoi(argv[1]);
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_no_h248_ctrl, cfg_no_h248_ctrl_cmd, "no h248 controller",
      NO_STR H248_STR "No controller: H.248 off\n")
{
	TALLOC_FREE(g_mgw->h248->cfg.ctrl_ip);
	g_mgw->h248->cfg.ctrl_port = 0;
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_h248_version, cfg_h248_version_cmd, "h248 version <1-3>",
      H248_STR "Protocol version we send\n" "Version\n")
{
	g_mgw->h248->cfg.version = atoi(argv[0]);
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

void mgw_h248_config_write(struct vty *vty, const struct mgw_h248 *h)
{
	/* defaults unwritten: a config without H.248 reads back as it was */
	if (h->cfg.local_port != MGW_H248_PORT)
		vty_out(vty, " h248 local-port %u%s", h->cfg.local_port, VTY_NEWLINE);
	if (h->cfg.version != 1)
		vty_out(vty, " h248 version %u%s", h->cfg.version, VTY_NEWLINE);
	if (h->cfg.ctrl_ip)
		vty_out(vty, " h248 controller ip %s port %u%s", h->cfg.ctrl_ip, h->cfg.ctrl_port, VTY_NEWLINE);
}

static void show_ctrs(struct vty *vty, const struct rate_ctr_group *g, const char *prefix)
{
	unsigned int i;

	/* by name, one per line: what scripts and tests read */
	for (i = 0; i < g->desc->num_ctr; i++)
		vty_out(vty, " %s%s: %" PRIu64 "%s", prefix, g->desc->ctr_desc[i].name,
			rate_ctr_group_get_ctr((struct rate_ctr_group *)g, i)->current, VTY_NEWLINE);
}

DEFUN(show_h248, show_h248_cmd, "show h248", SHOW_STR "H.248 side: controller, contexts, counters\n")
{
	const struct mgw_h248 *h = g_mgw->h248;
	const struct mgw_h248_ctx *ctx;
	unsigned int i, n_terms = 0;

	llist_for_each_entry(ctx, &h->ctxs, list)
		n_terms += mgw_h248_ctx_n_terms(ctx);
	if (h->cfg.ctrl_ip) {
		const char *ip;
		uint16_t port;

		vty_out(vty, "H.248 v%u: mId %s, controller %s:%u, %s%s", h->cfg.version, h->tl ? h->tl->mid : "-",
			h->cfg.ctrl_ip, h->cfg.ctrl_port, mgw_h248_state_name(h), VTY_NEWLINE);
		/* sent elsewhere by ServiceChangeAddress, MgcIdToTry or Handoff */
		mgw_h248_peer(h, &ip, &port);
		if (h->peer_ip[0] || h->peer_port)
			vty_out(vty, " now talking to %s:%u%s", ip, port, VTY_NEWLINE);
	} else
		vty_out(vty, "H.248: off (no controller)%s", VTY_NEWLINE);
	vty_out(vty, " contexts %u, terminations %u, outstanding requests %u%s", h->n_ctxs, n_terms,
		h->tl ? h248_tl_outstanding(h->tl) : 0, VTY_NEWLINE);
	llist_for_each_entry(ctx, &h->ctxs, list) {
		vty_out(vty, " context %u on %s:", ctx->id, ctx->ep ? ctx->ep->name : "-");
		for (i = 0; i < MGW_H248_TERMS_PER_CTX; i++) {
			const struct mgw_h248_term *t = ctx->terms[i];

			if (!t)
				continue;
			vty_out(vty, " %s (%s", t->name, get_value_string(h248_mode_names, t->mode));
			if (t->conn)
				vty_out(vty, ", conn %s, port %u", t->conn->id, t->conn->local_port);
			if (mgw_h248_signal_of(t))
				vty_out(vty, ", signal %s", mgw_h248_signal_of(t)->label);
			vty_out(vty, ")");
		}
		vty_out(vty, "%s", VTY_NEWLINE);
	}
	for (i = 0; i < g_mgw->n_endpoints; i++) {
		char name[MGW_H248_TERM_NAME_MAX + 1];

		/* taken out of service by the controller's ServiceChange */
		if (!g_mgw->endpoints[i].h248_oos)
			continue;
		mgw_h248_tdm_name(&g_mgw->endpoints[i], name, sizeof(name));
		vty_out(vty, " out of service: %s%s", name, VTY_NEWLINE);
	}
	show_ctrs(vty, h->ctrs, "");
	if (h->tl)
		show_ctrs(vty, h->tl->ctrs, "tl:");
	return CMD_SUCCESS;
}

void mgw_h248_vty_init(struct mgw_h248 *h, int node)
{
	install_element(node, &cfg_h248_port_cmd);
	install_element(node, &cfg_h248_ctrl_cmd);
	install_element(node, &cfg_no_h248_ctrl_cmd);
	install_element(node, &cfg_h248_version_cmd);
	install_element_ve(&show_h248_cmd);
}
