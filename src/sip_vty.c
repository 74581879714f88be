/* VTY for the SIP agent: the "sip" config node and show commands. */
#include <arpa/inet.h>
#include <string.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/vty.h>

#include "src/app.h"
#include "src/sip_agent.h"
#include "src/tandem_vty.h"

static struct cmd_node sip_node = {
	SIP_NODE,
	"%s(config-sip)# ",
	1,
};

/* Bind settings are read by nua_create(): a change made while the agent
 * runs is applied when the operator leaves the sip node, so that changing
 * address, port and transport together rebinds once. */
static void sip_vty_note_restart(struct vty *vty)
{
	if (vty->type != VTY_FILE && sip_agent_cfg_pending(g_app->sip))
		vty_out(vty, "%% SIP agent rebinds when you leave the sip node%s", VTY_NEWLINE);
}

int sip_vty_go_parent(struct vty *vty)
{
	if (vty->node == SIP_NODE && vty->type != VTY_FILE && sip_agent_apply_cfg(g_app->sip))
		vty_out(vty, "%% SIP agent restarting on the new bind%s", VTY_NEWLINE);
	return 0;
}

DEFUN(cfg_sip, cfg_sip_cmd, "sip", "Configure the SIP agent\n")
{
	vty->node = SIP_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_local_addr, cfg_sip_local_addr_cmd, "local-address (A.B.C.D|X:X::X:X)",
      "Local address the SIP agent binds to\n" "IPv4 address\n" "IPv6 address\n")
{
	struct in6_addr addr;

	/* The VTY's X:X::X:X matcher is lax: check the address for real. */
	if (inet_pton(AF_INET, argv[0], &addr) != 1 && inet_pton(AF_INET6, argv[0], &addr) != 1) {
		vty_out(vty, "%% invalid IP address '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_app->sip, &g_app->sip->cfg.local_addr, argv[0]);
	sip_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_local_port, cfg_sip_local_port_cmd, "local-port <1-65535>",
      "Local port the SIP agent binds to\n" "Port number\n")
{
	g_app->sip->cfg.local_port = atoi(argv[0]);
	sip_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_transport, cfg_sip_transport_cmd, "transport (udp|tcp|udp-tcp)",
      "Transports the SIP agent listens on\n" "UDP only\n" "TCP only\n" "UDP and TCP\n")
{
	g_app->sip->cfg.transport = get_string_value(sip_transport_names, argv[0]);
	sip_vty_note_restart(vty);
	return CMD_SUCCESS;
}

static int sip_config_write(struct vty *vty)
{
	const struct sip_cfg *cfg = &g_app->sip->cfg;

	vty_out(vty, "sip%s", VTY_NEWLINE);
	vty_out(vty, " local-address %s%s", cfg->local_addr, VTY_NEWLINE);
	vty_out(vty, " local-port %u%s", cfg->local_port, VTY_NEWLINE);
	vty_out(vty, " transport %s%s", get_value_string(sip_transport_names, cfg->transport),
		VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_sip, show_sip_cmd, "show sip", SHOW_STR "SIP agent status\n")
{
	struct sip_agent *sa = g_app->sip;

	vty_out(vty, "SIP agent: %s%s", sa->nua ? "running" : "stopped", VTY_NEWLINE);
	vty_out(vty, " bound to: %s%s", sa->running_url ?: "-", VTY_NEWLINE);
	vty_out_rate_ctr_group(vty, " ", sa->ctrs);
	return CMD_SUCCESS;
}

void sip_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_sip_cmd);
	install_node(&sip_node, sip_config_write);
	install_element(SIP_NODE, &cfg_sip_local_addr_cmd);
	install_element(SIP_NODE, &cfg_sip_local_port_cmd);
	install_element(SIP_NODE, &cfg_sip_transport_cmd);
	install_element_ve(&show_sip_cmd);
}
