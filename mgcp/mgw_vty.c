/* tandem-mgw's VTY: the telnet CLI (127.0.0.1:4281) and the config file,
 * one command set, in the same style as tandemd's.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/logging.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/stats.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "config.h"
#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "mgcp/mgw_span_chan.h"
#include "mgcp/mgw_xcode.h"

enum mgw_vty_node {
	MGW_NODE = _LAST_OSMOVTY_NODE + 1,
};

static struct cmd_node mgw_node = {
	MGW_NODE,
	"%s(config-mgw)# ",
	1,
};

static struct osmo_tdef_group mgw_tdef_groups[] = {
	{ .name = "mgw", .desc = "Media gateway timers" },
	{ .name = "h248", .desc = "H.248 side timers" },
	{}
};

static struct vty_app_info mgw_vty_info = {
	.name = "tandem-mgw",
	.version = PACKAGE_VERSION,
	.copyright = "Copyright (C) the Tandem authors\r\n"
		     "License GPLv3+: GNU GPL version 3 or later <https://gnu.org/licenses/gpl.html>\r\n"
		     "This is free software: you are free to change and redistribute it.\r\n"
		     "There is NO WARRANTY, to the extent permitted by law.\r\n",
};

void mgw_vty_note_restart(struct vty *vty)
{
	if (vty->type != VTY_FILE && g_mgw->running)
		vty_out(vty, "%% takes effect when tandem-mgw restarts%s", VTY_NEWLINE);
}

bool mgw_vty_ip_ok(struct vty *vty, const char *ip)
{
	struct in_addr a;

	if (inet_pton(AF_INET, ip, &a) != 1) {
		vty_out(vty, "%% invalid IPv4 address '%s'%s", ip, VTY_NEWLINE);
		return false;
	}
	return true;
}

DEFUN(cfg_mgw, cfg_mgw_cmd, "mgw", "Configure the media gateway\n")
{
	vty->node = MGW_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_bind_ip, cfg_bind_ip_cmd, "bind ip A.B.C.D",
      "Where MGCP is received\n" "Local IPv4 address\n" "IPv4 address\n")
{
	if (!mgw_vty_ip_ok(vty, argv[0]))
		return CMD_WARNING;
	osmo_talloc_replace_string(g_mgw, &g_mgw->cfg.bind_ip, argv[0]);
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_bind_port, cfg_bind_port_cmd, "bind port <1-65535>",
      "Where MGCP is received\n" "Local UDP port\n" "Port number (MGCP default 2427)\n")
{
	g_mgw->cfg.bind_port = atoi(argv[0]);
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_domain, cfg_domain_cmd, "domain NAME",
      "Domain name of the endpoints (rtpbridge/1@NAME)\n" "Domain name\n")
{
	size_t i, n = strlen(argv[0]);

	for (i = 0; i < n; i++) {
		if (argv[0][i] == '@' || (unsigned char)argv[0][i] <= ' ' || (unsigned char)argv[0][i] >= 127)
			break;
	}
	if (n == 0 || n > 64 || i < n) {
		vty_out(vty, "%% invalid domain '%s': up to 64 visible characters, no '@'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_talloc_replace_string(g_mgw, &g_mgw->cfg.domain, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_ca, cfg_ca_cmd, "call-agent ip A.B.C.D port <1-65535>",
      "The call agent that gets RSIP\n" "Its address\n" "IPv4 address\n" "Its port\n" "Port number\n")
{
	if (!mgw_vty_ip_ok(vty, argv[0]))
		return CMD_WARNING;
	osmo_talloc_replace_string(g_mgw, &g_mgw->cfg.ca_ip, argv[0]);
	g_mgw->cfg.ca_port = atoi(argv[1]);
	return CMD_SUCCESS;
}

DEFUN(cfg_no_ca, cfg_no_ca_cmd, "no call-agent", NO_STR "Send no RSIP\n")
{
	TALLOC_FREE(g_mgw->cfg.ca_ip);
	g_mgw->cfg.ca_port = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_rtp_ip, cfg_rtp_ip_cmd, "rtp bind-ip A.B.C.D",
      "RTP settings\n" "Local address of the RTP sockets\n" "IPv4 address\n")
{
	if (!mgw_vty_ip_ok(vty, argv[0]))
		return CMD_WARNING;
	osmo_talloc_replace_string(g_mgw, &g_mgw->cfg.rtp_ip, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_rtp_range, cfg_rtp_range_cmd, "rtp port-range <1024-65534> <1025-65535>",
      "RTP settings\n" "Local ports for RTP (even) and RTCP (odd)\n" "First port\n" "Last port\n")
{
	unsigned int lo = atoi(argv[0]), hi = atoi(argv[1]);

	if (hi <= lo) {
		vty_out(vty, "%% the range %u-%u holds no RTP/RTCP port pair%s", lo, hi, VTY_NEWLINE);
		return CMD_WARNING;
	}
	g_mgw->cfg.rtp_port_min = lo;
	g_mgw->cfg.rtp_port_max = hi;
	return CMD_SUCCESS;
}

DEFUN(cfg_num_ep, cfg_num_ep_cmd, "number endpoints <1-200>",
      "Number of things\n" "rtpbridge endpoints (rtpbridge/1 .. rtpbridge/N)\n" "How many\n")
{
	g_mgw->cfg.num_endpoints = atoi(argv[0]);
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_codec_pref, cfg_codec_pref_cmd, "codec preference .CODEC",
      "Codecs\n" "Codecs this gateway accepts, most preferred first\n"
      "PCMA, PCMU or G729 (Annex A; Annex B SID handled), up to three\n")
{
	enum mgcp_codec pref[MGW_CODEC_PREF_MAX];
	int i, j;

	if (argc > MGW_CODEC_PREF_MAX) {
		vty_out(vty, "%% at most %d codecs%s", MGW_CODEC_PREF_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	for (i = 0; i < argc; i++) {
		pref[i] = mgcp_codec_by_name(argv[i]);
		if (pref[i] != MGCP_CODEC_PCMA && pref[i] != MGCP_CODEC_PCMU && pref[i] != MGCP_CODEC_G729) {
			vty_out(vty, "%% unsupported codec '%s': PCMA, PCMU or G729%s", argv[i], VTY_NEWLINE);
			return CMD_WARNING;
		}
		for (j = 0; j < i; j++) {
			if (pref[j] == pref[i]) {
				vty_out(vty, "%% codec %s given twice%s", argv[i], VTY_NEWLINE);
				return CMD_WARNING;
			}
		}
	}
	memcpy(g_mgw->cfg.codec_pref, pref, sizeof(pref[0]) * i);
	g_mgw->cfg.n_codec_pref = i;
	return CMD_SUCCESS;
}

static int mgw_config_write(struct vty *vty)
{
	const struct mgw_cfg *cfg = &g_mgw->cfg;
	unsigned int i;

	vty_out(vty, "mgw%s", VTY_NEWLINE);
	vty_out(vty, " bind ip %s%s", cfg->bind_ip, VTY_NEWLINE);
	vty_out(vty, " bind port %u%s", cfg->bind_port, VTY_NEWLINE);
	vty_out(vty, " domain %s%s", cfg->domain, VTY_NEWLINE);
	if (cfg->ca_ip)
		vty_out(vty, " call-agent ip %s port %u%s", cfg->ca_ip, cfg->ca_port, VTY_NEWLINE);
	vty_out(vty, " rtp bind-ip %s%s", cfg->rtp_ip, VTY_NEWLINE);
	vty_out(vty, " rtp port-range %u %u%s", cfg->rtp_port_min, cfg->rtp_port_max, VTY_NEWLINE);
	vty_out(vty, " number endpoints %u%s", cfg->num_endpoints, VTY_NEWLINE);
	vty_out(vty, " codec preference");
	for (i = 0; i < cfg->n_codec_pref; i++)
		vty_out(vty, " %s", mgcp_codecs[cfg->codec_pref[i]].name);
	vty_out(vty, "%s", VTY_NEWLINE);
	mgw_h248_config_write(vty, g_mgw->h248);
	osmo_tdef_vty_groups_write(vty, " ");
	return CMD_SUCCESS;
}

DEFUN(show_mgw, show_mgw_cmd, "show mgw", SHOW_STR "Media gateway status\n")
{
	struct mgw *mgw = g_mgw;
	unsigned int i, used = 0, conns = 0;
	struct timespec now;

	for (i = 0; i < mgw->n_endpoints; i++) {
		unsigned int n = mgw_endp_n_conns(&mgw->endpoints[i]);

		used += n > 0;
		conns += n;
	}
	clock_gettime(CLOCK_MONOTONIC, &now);
	vty_out(vty, "tandem-mgw %s, up %lds%s", PACKAGE_VERSION, (long)(now.tv_sec - mgw->started.tv_sec), VTY_NEWLINE);
	vty_out(vty, " MGCP: %s:%u, domain %s%s", mgw->cfg.bind_ip, mgw->cfg.bind_port, mgw->cfg.domain, VTY_NEWLINE);
	if (mgw->cfg.ca_ip)
		vty_out(vty, " call agent: %s:%u, restart procedure %s%s", mgw->cfg.ca_ip, mgw->cfg.ca_port,
			mgw_rsip_state_name(mgw), VTY_NEWLINE);
	else
		vty_out(vty, " call agent: none%s", VTY_NEWLINE);
	vty_out(vty, " endpoints: %u, in use %u, connections %u%s", mgw->n_endpoints, used, conns, VTY_NEWLINE);
	vty_out(vty, " cached responses: %u%s", mgw->n_trans_cache, VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_endpoints, show_endpoints_cmd, "show endpoints", SHOW_STR "Endpoints and their connections\n")
{
	struct mgw *mgw = g_mgw;
	unsigned int i, j;

	for (i = 0; i < mgw->n_endpoints; i++) {
		struct mgw_endpoint *ep = &mgw->endpoints[i];

		vty_out(vty, "%s@%s: %u connection%s", ep->name, mgw->cfg.domain, mgw_endp_n_conns(ep),
			mgw_endp_n_conns(ep) == 1 ? "" : "s");
		for (j = 0; j < MGW_CONNS_PER_EP; j++) {
			if (ep->conns[j])
				vty_out(vty, " %s", ep->conns[j]->id);
		}
		vty_out(vty, "%s", VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

static void show_chan(struct vty *vty, const struct mgw_chan *ch)
{
	const struct mgw_jb_stats *j = &ch->jb.stats;

	vty_out(vty,
		"  timeslot %u of span %u: jitter buffer %s, depth %u target %u frames (10 ms), in %" PRIu64
		" played %" PRIu64 " late %" PRIu64 " dup %" PRIu64 " missing %" PRIu64 " underruns %" PRIu64
		" dropped %" PRIu64 "%s",
		ch->conn->ep->ts, ch->conn->ep->span->nr, ch->jb.playing ? "playing" : "buffering", mgw_jb_depth(&ch->jb),
		ch->jb.target, j->frames_in, j->played, j->late, j->dups, j->missing, j->underruns, j->dropped,
		VTY_NEWLINE);
	vty_out(vty,
		"  concealed %" PRIu64 ", idle %" PRIu64 ", dtmf pt %d, tones generated %" PRIu64 ", digits detected %" PRIu64
		"%s",
		ch->concealed, ch->idle_frames, ch->conn->dtmf_pt, ch->tones_generated, ch->digits_detected, VTY_NEWLINE);
}

static void show_conn(struct vty *vty, struct mgw_conn *c)
{
	char remote[INET_ADDRSTRLEN] = "-";

	if (c->has_remote)
		inet_ntop(AF_INET, &c->remote.sin_addr, remote, sizeof(remote));
	vty_out(vty, "%s@%s conn %s call %s: %s, %s pt %u ptime %u%s%s%s", c->ep->name, c->ep->mgw->cfg.domain, c->id,
		c->call_id, get_value_string(mgcp_conn_mode_names, c->mode), mgcp_codecs[c->codec].name, c->pt,
		c->ptime, c->vad ? " vad" : "", c->xcode ? " transcoding" : "", VTY_NEWLINE);
	vty_out(vty, "  local %s:%u remote %s:%u%s", c->ep->mgw->cfg.rtp_ip, c->local_port, remote,
		c->has_remote ? ntohs(c->remote.sin_port) : 0, VTY_NEWLINE);
	vty_out(vty,
		"  rx %" PRIu64 " packets %" PRIu64 " octets, lost %d, jitter %u ms, dropped %" PRIu64
		", rtcp %" PRIu64 "%s",
		c->rx_packets, c->rx_bytes, mgw_conn_lost(c), mgw_rtp_stats_jitter(&c->rx) / 8, c->rx_dropped,
		c->rtcp_rx, VTY_NEWLINE);
	vty_out(vty, "  tx %" PRIu64 " packets %" PRIu64 " octets, ssrc 0x%08x%s", c->tx_packets, c->tx_bytes, c->ssrc,
		VTY_NEWLINE);
	vty_out(vty, "  rtcp tx %" PRIu64 " reports%s", c->rtcp_tx, VTY_NEWLINE);
	if (c->chan)
		show_chan(vty, c->chan);
	if (c->xcode) {
		const struct mgw_xcode_stats *s = mgw_xcode_stats(c->xcode);

		vty_out(vty,
			"  transcoder: frames in %" PRIu64 " out %" PRIu64 ", SID in %" PRIu64 " out %" PRIu64
			", DTX %" PRIu64 ", concealed %" PRIu64 "%s",
			s->frames_in, s->frames_out, s->sid_in, s->sid_out, s->dtx_frames, s->concealed, VTY_NEWLINE);
	}
}

DEFUN(show_connections, show_connections_cmd, "show connections",
      SHOW_STR "Connections: codec, packets, loss and jitter\n")
{
	struct mgw *mgw = g_mgw;
	unsigned int i, j, n = 0;

	for (i = 0; i < mgw->n_endpoints; i++) {
		for (j = 0; j < MGW_CONNS_PER_EP; j++) {
			if (mgw->endpoints[i].conns[j]) {
				show_conn(vty, mgw->endpoints[i].conns[j]);
				n++;
			}
		}
	}
	vty_out(vty, "%u connection%s%s", n, n == 1 ? "" : "s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

DEFUN(show_mgw_ctrs, show_mgw_ctrs_cmd, "show mgw counters", SHOW_STR "Media gateway status\n" "Rate counters\n")
{
	const struct rate_ctr_group_desc *d = g_mgw->ctrs->desc;
	unsigned int i;

	/* by name, one per line: what scripts and tests read */
	for (i = 0; i < d->num_ctr; i++)
		vty_out(vty, " %s: %" PRIu64 "%s", d->ctr_desc[i].name,
			rate_ctr_group_get_ctr(g_mgw->ctrs, i)->current, VTY_NEWLINE);
	return CMD_SUCCESS;
}

void mgw_vty_init(struct mgw *mgw)
{
	mgw_vty_info.tall_ctx = mgw->ctx;
	vty_init(&mgw_vty_info);
	logging_vty_add_cmds();
	osmo_stats_vty_add_cmds();
	osmo_fsm_vty_add_cmds();
	osmo_talloc_vty_add_cmds();

	install_element(CONFIG_NODE, &cfg_mgw_cmd);
	install_node(&mgw_node, mgw_config_write);
	install_element(MGW_NODE, &cfg_bind_ip_cmd);
	install_element(MGW_NODE, &cfg_bind_port_cmd);
	install_element(MGW_NODE, &cfg_domain_cmd);
	install_element(MGW_NODE, &cfg_ca_cmd);
	install_element(MGW_NODE, &cfg_no_ca_cmd);
	install_element(MGW_NODE, &cfg_rtp_ip_cmd);
	install_element(MGW_NODE, &cfg_rtp_range_cmd);
	install_element(MGW_NODE, &cfg_num_ep_cmd);
	install_element(MGW_NODE, &cfg_codec_pref_cmd);
	mgw_tdef_groups[0].tdefs = mgw->tdefs;
	mgw_tdef_groups[1].tdefs = mgw->h248->tdefs;
	mgw_h248_vty_init(mgw->h248, MGW_NODE);
	osmo_tdef_vty_groups_init(MGW_NODE, mgw_tdef_groups);
	mgw_span_vty_init();

	install_element_ve(&show_mgw_cmd);
	install_element_ve(&show_endpoints_cmd);
	install_element_ve(&show_connections_cmd);
	install_element_ve(&show_mgw_ctrs_cmd);
}
