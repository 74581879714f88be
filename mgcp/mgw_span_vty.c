/* tandem-mgw's span commands: the span node and show spans.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include <osmocom/core/talloc.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/vty.h>

#include "mgcp/mgw.h"

enum mgw_span_vty_node {
	MGW_SPAN_NODE = _LAST_OSMOVTY_NODE + 2,
};

static struct cmd_node span_node = {
	MGW_SPAN_NODE,
	"%s(config-span)# ",
	1,
};

DEFUN(cfg_span, cfg_span_cmd, "span <1-255>",
      "Configure an E1 span (its endpoints are ds/e1-N/1 .. ds/e1-N/31)\n" "Span number\n")
{
	struct mgw_span *span = mgw_span_get(g_mgw, atoi(argv[0]));

	if (!span) {
		vty_out(vty, "%% at most %d spans%s", MGW_SPANS_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	mgw_vty_note_restart(vty);
	vty->index = span;
	vty->node = MGW_SPAN_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_span, cfg_no_span_cmd, "no span <1-255>", NO_STR "Remove an E1 span\n" "Span number\n")
{
	if (g_mgw->running) {
		vty_out(vty, "%% spans cannot be removed while tandem-mgw runs%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	mgw_span_del(g_mgw, atoi(argv[0]));
	return CMD_SUCCESS;
}

DEFUN(cfg_satop, cfg_satop_cmd, "satop local A.B.C.D <1-65535> remote A.B.C.D <1-65535>",
      "Carry the span as a SAToP pseudowire (RFC 4553) over UDP\n" "Where we receive\n" "Local IPv4 address\n"
      "Local UDP port\n" "Where we send: the peer gateway or TDM-over-IP device\n" "Peer IPv4 address\n"
      "Peer UDP port\n")
{
	struct mgw_span *span = vty->index;

	if (!mgw_vty_ip_ok(vty, argv[0]) || !mgw_vty_ip_ok(vty, argv[2]))
		return CMD_WARNING;
	osmo_talloc_replace_string(span, &span->local_ip, argv[0]);
	span->local_port = atoi(argv[1]);
	osmo_talloc_replace_string(span, &span->remote_ip, argv[2]);
	span->remote_port = atoi(argv[3]);
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_payload, cfg_payload_cmd, "payload-bytes <64-1024>",
      "Octets of E1 per packet (whole 32-octet frames; RFC 4553's E1 default is 256 = 1 ms)\n"
      "Octets, a multiple of 32\n")
{
	struct mgw_span *span = vty->index;
	unsigned int n = atoi(argv[0]);

	if (n % MGW_E1_TIMESLOTS) {
		vty_out(vty, "%% payload-bytes must be a multiple of 32 (whole E1 frames)%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	span->payload_bytes = n;
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

DEFUN(cfg_rtp_header, cfg_rtp_header_cmd, "rtp-header (on|off)",
      "The optional RTP header before the control word\n" "Send and expect it\n" "Neither send nor expect it\n")
{
	struct mgw_span *span = vty->index;

	span->rtp_header = !strcmp(argv[0], "on");
	mgw_vty_note_restart(vty);
	return CMD_SUCCESS;
}

static int span_config_write(struct vty *vty)
{
	unsigned int i;

	for (i = 0; i < MGW_SPANS_MAX && g_mgw->spans[i]; i++) {
		const struct mgw_span *span = g_mgw->spans[i];

		vty_out(vty, "span %u%s", span->nr, VTY_NEWLINE);
		if (mgw_span_configured(span))
			vty_out(vty, " satop local %s %u remote %s %u%s", span->local_ip, span->local_port,
				span->remote_ip, span->remote_port, VTY_NEWLINE);
		vty_out(vty, " payload-bytes %u%s", span->payload_bytes, VTY_NEWLINE);
		vty_out(vty, " rtp-header %s%s", span->rtp_header ? "on" : "off", VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

DEFUN(show_spans, show_spans_cmd, "show spans", SHOW_STR "E1 spans: state, packets, loss, misordering\n")
{
	unsigned int i, ts, used;

	for (i = 0; i < MGW_SPANS_MAX && g_mgw->spans[i]; i++) {
		const struct mgw_span *span = g_mgw->spans[i];
		const struct mgw_span_stats *s = &span->stats;

		for (ts = 1, used = 0; ts < MGW_E1_TIMESLOTS; ts++)
			used += span->eps[ts] && span->eps[ts]->conns[0];
		vty_out(vty, "span %u: %s, %s %s:%u -> %s:%u, %u octets per packet, RTP header %s, %u timeslots in use%s",
			span->nr, mgw_span_state_name(span), span->drv->name, span->local_ip ? span->local_ip : "-",
			span->local_port, span->remote_ip ? span->remote_ip : "-", span->remote_port,
			span->payload_bytes, span->rtp_header ? "on" : "off", used, VTY_NEWLINE);
		vty_out(vty, "  tx %" PRIu64 " packets, %" PRIu64 " failed, %" PRIu64 " skipped late%s", s->tx_packets,
			s->tx_fail, s->tx_late, VTY_NEWLINE);
		vty_out(vty,
			"  rx %" PRIu64 " packets, lost %" PRIu64 ", out-of-order %" PRIu64 ", malformed %" PRIu64
			", resync %" PRIu64 ", L %" PRIu64 ", R %" PRIu64 "%s",
			s->rx_packets, s->rx_lost, s->rx_ooo, s->rx_malformed, s->rx_resync, s->rx_l_bit, s->rx_r_bit,
			VTY_NEWLINE);
	}
	vty_out(vty, "%u span%s%s", i, i == 1 ? "" : "s", VTY_NEWLINE);
	return CMD_SUCCESS;
}

/*! Install the span node and show spans. */
void mgw_span_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_span_cmd);
	install_element(CONFIG_NODE, &cfg_no_span_cmd);
	install_node(&span_node, span_config_write);
	install_element(MGW_SPAN_NODE, &cfg_satop_cmd);
	install_element(MGW_SPAN_NODE, &cfg_payload_cmd);
	install_element(MGW_SPAN_NODE, &cfg_rtp_header_cmd);
	install_element_ve(&show_spans_cmd);
}
