/* VTY of the media gateways: the `media-gateway NAME` node, the ISUP
 * trunk's ` media-gateway GW`, `show media-gateway` and the operator's
 * test call, which runs the per-call media API against the gateway.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/tdef_vty.h>
#include <osmocom/vty/vty.h>

#include "isup/q764.h"
#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/sip_trunk.h"
#include "src/tandem_vty.h"

#define MGW_STR "Media gateway controlled over MGCP or H.248\n"
#define TEST_STR "Test call: the per-call media of one call, run by hand\n"
#define CODEC_ARGS "(PCMA|PCMU|G729)"
#define CODEC_HELP "G.711 A-law\n" "G.711 mu-law\n" "G.729\n"

static struct cmd_node mgw_node = {
	MGCP_GW_NODE,
	"%s(config-media-gateway)# ",
	1,
};

static bool addr_ok(struct vty *vty, const char *addr)
{
	struct in6_addr a;

	if (inet_pton(AF_INET, addr, &a) == 1 || inet_pton(AF_INET6, addr, &a) == 1)
		return true;
	vty_out(vty, "%% invalid IP address '%s'%s", addr, VTY_NEWLINE);
	return false;
}

DEFUN(cfg_mgw, cfg_mgw_cmd, "media-gateway NAME", MGW_STR "Name of the gateway\n")
{
	struct cc_media_gw *gw = cc_media_gw_get(argv[0]);

	if (!gw) {
		vty_out(vty, "%% cannot create media gateway %s (name up to %d characters, at most %d gateways)%s",
			argv[0], MGCP_CA_NAME_MAX - 1, CC_MEDIA_GW_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty->index = gw;
	vty->node = MGCP_GW_NODE;
	return CMD_SUCCESS;
}

static bool gw_started(const struct cc_media_gw *gw)
{
	if (gw->proto == CC_MEDIA_PROTO_H248)
		return h248_ca_started(gw->h248);
	return mgcp_ca_started(gw->ca);
}

DEFUN(cfg_mgw_protocol, cfg_mgw_protocol_cmd, "protocol (mgcp|h248)",
      "How the gateway is controlled\n" "MGCP (RFC 3435), the default\n" "H.248.1 (MEGACO), text encoding\n")
{
	struct cc_media_gw *gw = vty->index;
	enum cc_media_proto proto = get_string_value(cc_media_proto_names, argv[0]);
	struct mgcp_ca_cfg *cfg = &gw->ca->cfg;
	int rc;

	if (proto == gw->proto)
		return CMD_SUCCESS;
	rc = cc_media_gw_set_proto(gw, proto);
	if (rc < 0) {
		vty_out(vty, "%% cannot change the protocol of %s: %s%s", cfg->name,
			rc == -EBUSY ? "calls use the gateway" : strerror(-rc), VTY_NEWLINE);
		return CMD_WARNING;
	}
	/* the other protocol's well-known ports, unless set otherwise */
	if (proto == CC_MEDIA_PROTO_H248) {
		if (cfg->remote_port == MGCP_CA_DEFAULT_REMOTE_PORT)
			cfg->remote_port = H248_CA_DEFAULT_PORT;
		if (cfg->local_port == MGCP_CA_DEFAULT_LOCAL_PORT)
			cfg->local_port = H248_CA_DEFAULT_PORT;
	} else {
		if (cfg->remote_port == H248_CA_DEFAULT_PORT)
			cfg->remote_port = MGCP_CA_DEFAULT_REMOTE_PORT;
		if (cfg->local_port == H248_CA_DEFAULT_PORT)
			cfg->local_port = MGCP_CA_DEFAULT_LOCAL_PORT;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_remote, cfg_mgw_remote_cmd, "remote (A.B.C.D|X:X::X:X) <1-65535>",
      "Where the gateway listens\n" "IPv4 address\n" "IPv6 address\n" "UDP port (MGCP 2427, H.248 2944)\n")
{
	struct cc_media_gw *gw = vty->index;
	struct mgcp_ca_cfg old = gw->ca->cfg;

	if (!addr_ok(vty, argv[0]))
		return CMD_WARNING;
	osmo_strlcpy(gw->ca->cfg.remote_addr, argv[0], sizeof(gw->ca->cfg.remote_addr));
	gw->ca->cfg.remote_port = atoi(argv[1]);
	if (mgcp_ca_set_remote(gw->ca) < 0) {
		gw->ca->cfg = old;
		vty_out(vty, "%% cannot use %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_local, cfg_mgw_local_cmd, "local (A.B.C.D|X:X::X:X) <0-65535>",
      "Where we listen for this gateway\n" "IPv4 address\n" "IPv6 address\n"
      "UDP port (MGCP 2727, H.248 2944; 0 = any)\n")
{
	struct cc_media_gw *gw = vty->index;
	struct mgcp_ca_cfg old = gw->ca->cfg;

	if (!addr_ok(vty, argv[0]))
		return CMD_WARNING;
	osmo_strlcpy(gw->ca->cfg.local_addr, argv[0], sizeof(gw->ca->cfg.local_addr));
	gw->ca->cfg.local_port = atoi(argv[1]);
	if (gw_started(gw) &&
	    (strcmp(old.local_addr, gw->ca->cfg.local_addr) || old.local_port != gw->ca->cfg.local_port)) {
		/* rebind now; transactions under way end as timed out */
		gw->pops->stop(gw);
		if (cc_media_gw_start(gw) < 0) {
			vty_out(vty, "%% cannot bind %s %s, keeping the old address%s", argv[0], argv[1],
				VTY_NEWLINE);
			gw->ca->cfg = old;
			cc_media_gw_start(gw);
			return CMD_WARNING;
		}
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_domain, cfg_mgw_domain_cmd, "domain NAME",
      "Endpoint domain the AUEP keepalive names (*@NAME)\n" "Domain, e.g. mgw\n")
{
	struct cc_media_gw *gw = vty->index;
	char ep[MGCP_ENDPOINT_MAX + 8];

	snprintf(ep, sizeof(ep), "*@%s", argv[0]);
	if (strlen(argv[0]) >= sizeof(gw->ca->cfg.domain) || mgcp_endpoint_split(ep, NULL, NULL) < 0) {
		vty_out(vty, "%% invalid domain '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	osmo_strlcpy(gw->ca->cfg.domain, argv[0], sizeof(gw->ca->cfg.domain));
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_codec, cfg_mgw_codec_cmd, "codec .CODECS",
      "Codecs of the circuit side (LocalConnectionOptions a:), in order\n"
      "PCMA, PCMU or G729, up to 4, separated by spaces\n")
{
	struct cc_media_gw *gw = vty->index;
	enum mgcp_codec codecs[MGCP_CA_CODECS_MAX];
	int i;

	if (argc > MGCP_CA_CODECS_MAX) {
		vty_out(vty, "%% at most %d codecs%s", MGCP_CA_CODECS_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	for (i = 0; i < argc; i++) {
		codecs[i] = mgcp_codec_by_name(argv[i]);
		if (codecs[i] != MGCP_CODEC_PCMA && codecs[i] != MGCP_CODEC_PCMU && codecs[i] != MGCP_CODEC_G729) {
			vty_out(vty, "%% unknown codec '%s' (PCMA, PCMU, G729)%s", argv[i], VTY_NEWLINE);
			return CMD_WARNING;
		}
	}
	memcpy(gw->ca->cfg.codecs, codecs, sizeof(codecs[0]) * argc);
	gw->ca->cfg.n_codecs = argc;
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_no_codec, cfg_mgw_no_codec_cmd, "no codec",
      NO_STR "Let each call's codecs decide the circuit side\n")
{
	struct cc_media_gw *gw = vty->index;

	gw->ca->cfg.n_codecs = 0;
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_circuit_mode, cfg_mgw_circuit_mode_cmd, "circuit-mode (sendrecv|recvonly|inactive)",
      "ConnectionMode of the circuit side's CRCX\n" "Both ways (TDM endpoints)\n"
      "Receive only (osmo-mgw rtpbridge: no remote end to send to)\n" "Neither\n")
{
	struct cc_media_gw *gw = vty->index;

	gw->ca->cfg.circuit_mode = get_string_value(mgcp_conn_mode_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_dtmf, cfg_mgw_dtmf_cmd, "dtmf-detect",
      "Ask the gateway for the circuit's DTMF digits (H.248 dd package; the default)\n")
{
	struct cc_media_gw *gw = vty->index;

	gw->no_dtmf = false;
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_no_dtmf, cfg_mgw_no_dtmf_cmd, "no dtmf-detect",
      NO_STR "Do not ask for DTMF digits (a gateway without the dd package refuses Adds that do)\n")
{
	struct cc_media_gw *gw = vty->index;

	gw->no_dtmf = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_mgw_timer, cfg_mgw_timer_cmd, "timer " OSMO_TDEF_VTY_ARG_SET,
      "Set a timer of this gateway's protocol (MGCP: X1 X2 ms, X3 count, X4..X6 s; H.248: T1..T6 ms,"
      " T7 count, T20 s)\n" OSMO_TDEF_VTY_DOC_SET)
{
	struct cc_media_gw *gw = vty->index;

	return osmo_tdef_vty_set_cmd(vty, cc_media_gw_tdefs(gw), argv);
}

static int mgw_config_write(struct vty *vty)
{
	struct cc_media_gw *gw;
	unsigned int i;

	if (!g_cc_media)
		return CMD_SUCCESS;
	llist_for_each_entry(gw, &g_cc_media->gws, list) {
		const struct mgcp_ca_cfg *cfg = &gw->ca->cfg;

		vty_out(vty, "media-gateway %s%s", cfg->name, VTY_NEWLINE);
		/* first: it sets the ports the lines below may change */
		if (gw->proto != CC_MEDIA_PROTO_MGCP)
			vty_out(vty, " protocol %s%s", get_value_string(cc_media_proto_names, gw->proto), VTY_NEWLINE);
		vty_out(vty, " remote %s %u%s", cfg->remote_addr, cfg->remote_port, VTY_NEWLINE);
		vty_out(vty, " local %s %u%s", cfg->local_addr, cfg->local_port, VTY_NEWLINE);
		vty_out(vty, " domain %s%s", cfg->domain, VTY_NEWLINE);
		if (cfg->n_codecs) {
			vty_out(vty, " codec");
			for (i = 0; i < cfg->n_codecs; i++)
				vty_out(vty, " %s", mgcp_codecs[cfg->codecs[i]].name);
			vty_out(vty, "%s", VTY_NEWLINE);
		}
		vty_out(vty, " circuit-mode %s%s", get_value_string(mgcp_conn_mode_names, cfg->circuit_mode),
			VTY_NEWLINE);
		if (gw->no_dtmf)
			vty_out(vty, " no dtmf-detect%s", VTY_NEWLINE);
		osmo_tdef_vty_write(vty, cc_media_gw_tdefs(gw), " timer ");
	}
	return CMD_SUCCESS;
}

/* ---- the ISUP trunk's gateway ---- */

DEFUN(cfg_trunk_media_gw, cfg_trunk_media_gw_cmd, "media-gateway NAME",
      "Media gateway of this trunk's circuits (endpoints from mgw-endpoint)\n" "Gateway name\n")
{
	struct isup_trunk *trunk = vty->index;

	if (cc_media_trunk_set(trunk->cfg.name, argv[0]) < 0) {
		vty_out(vty, "%% cannot set the media gateway (name too long or too many trunks)%s", VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(cfg_trunk_no_media_gw, cfg_trunk_no_media_gw_cmd, "no media-gateway",
      NO_STR "Run this trunk's calls without a media gateway\n")
{
	struct isup_trunk *trunk = vty->index;

	cc_media_trunk_set(trunk->cfg.name, NULL);
	return CMD_SUCCESS;
}

void cc_media_trunk_vty_write(struct vty *vty, const char *trunk)
{
	const char *gw = cc_media_trunk_gw(trunk);

	if (gw)
		vty_out(vty, " media-gateway %s%s", gw, VTY_NEWLINE);
}

/* ---- show ---- */

/* The calls on the gateway: per H.248 context its two terminations, per
 * MGCP call its endpoint and connections. */
static void show_gw_calls(struct vty *vty, const struct cc_media_gw *gw)
{
	const struct cc_media *m;
	unsigned int n = 0;

	llist_for_each_entry(m, &gw->users, list)
		n++;
	vty_out(vty, " %s: %u%s", gw->proto == CC_MEDIA_PROTO_H248 ? "contexts" : "calls", n, VTY_NEWLINE);
	llist_for_each_entry(m, &gw->users, list) {
		const char *state = get_value_string(cc_media_state_names, cc_media_state(m));
		const char *codec = cc_media_codec(m)[0] ? cc_media_codec(m) : "-";

		if (gw->proto == CC_MEDIA_PROTO_H248) {
			if (m->ctx_id)
				vty_out(vty, "  context %u: %s + %s, %s, codec %s%s", m->ctx_id, m->endpoint,
					m->rtp_term[0] ? m->rtp_term : "$", state, codec, VTY_NEWLINE);
			else
				vty_out(vty, "  context $: %s + $, %s%s", m->endpoint, state, VTY_NEWLINE);
		} else {
			vty_out(vty, "  call %s: %s, connections %s %s, %s, codec %s%s", m->call_id[0] ? m->call_id : "-",
				m->endpoint[0] ? m->endpoint : "-", m->conn_circuit[0] ? m->conn_circuit : "-",
				m->conn_sip[0] ? m->conn_sip : "-", state, codec, VTY_NEWLINE);
		}
	}
}

/* The controller's counters; of the per-code Error counters only those
 * that counted something (a gateway sends few of the codes). */
static void show_h248_ctrs(struct vty *vty, struct rate_ctr_group *ctrg)
{
	unsigned int i;

	vty_out(vty, " %s:%s", ctrg->desc->group_description, VTY_NEWLINE);
	for (i = 0; i < ctrg->desc->num_ctr; i++) {
		const struct rate_ctr *ctr = rate_ctr_group_get_ctr(ctrg, i);

		if (i >= H248_CA_CTR_ERR_400 && i <= H248_CA_CTR_ERR_OTHER && !ctr->current)
			continue;
		vty_out(vty, "  %s: %8" PRIu64 "%s", ctrg->desc->ctr_desc[i].description, ctr->current, VTY_NEWLINE);
	}
}

static void show_gw(struct vty *vty, struct cc_media_gw *gw)
{
	const struct mgcp_ca_cfg *cfg = &gw->ca->cfg;
	unsigned int i;

	if (gw->proto == CC_MEDIA_PROTO_H248)
		vty_out(vty, "media-gateway %s: h248 %s, remote %s:%u, local %s:%u, version %u%s", cfg->name,
			h248_ca_started(gw->h248) ? get_value_string(h248_ca_state_names, gw->h248->state)
						  : "STOPPED",
			cfg->remote_addr, cfg->remote_port, cfg->local_addr, h248_ca_local_port(gw->h248),
			gw->h248->version, VTY_NEWLINE);
	else
		vty_out(vty, "media-gateway %s: %s, remote %s:%u, local %s:%u, domain %s%s", cfg->name,
			mgcp_ca_started(gw->ca) ? get_value_string(mgcp_ca_state_names, gw->ca->state) : "STOPPED",
			cfg->remote_addr, cfg->remote_port, cfg->local_addr, mgcp_ca_local_port(gw->ca), cfg->domain,
			VTY_NEWLINE);
	vty_out(vty, " codecs:");
	for (i = 0; i < cfg->n_codecs; i++)
		vty_out(vty, " %s", mgcp_codecs[cfg->codecs[i]].name);
	vty_out(vty, "%s%s", cfg->n_codecs ? "" : " (per call)", VTY_NEWLINE);
	vty_out(vty, " transactions outstanding: %u%s",
		gw->proto == CC_MEDIA_PROTO_H248 ? h248_ca_outstanding(gw->h248) : mgcp_ca_outstanding(gw->ca),
		VTY_NEWLINE);
	if (gw->test)
		vty_out(vty, " test call: %s endpoint %s codec %s cause %u%s",
			get_value_string(cc_media_state_names, cc_media_state(gw->test)),
			cc_media_endpoint(gw->test)[0] ? cc_media_endpoint(gw->test) : "-",
			cc_media_codec(gw->test)[0] ? cc_media_codec(gw->test) : "-", gw->test_cause, VTY_NEWLINE);
	else
		vty_out(vty, " test call: none%s", VTY_NEWLINE);
	show_gw_calls(vty, gw);
	osmo_tdef_vty_out_all(vty, cc_media_gw_tdefs(gw), " timer ");
	vty_out_rate_ctr_group(vty, " ", gw->ca->ctrs);
	if (gw->proto == CC_MEDIA_PROTO_H248) {
		show_h248_ctrs(vty, gw->h248->ctrs);
		if (gw->h248->tl)
			vty_out_rate_ctr_group(vty, " ", gw->h248->tl->ctrs);
	}
}

DEFUN(show_mgw, show_mgw_cmd, "show media-gateway [NAME]", SHOW_STR MGW_STR "Gateway name\n")
{
	struct cc_media_gw *gw;

	if (argc && argv[0]) {
		gw = cc_media_gw_find(argv[0]);
		if (!gw) {
			vty_out(vty, "%% no media gateway %s%s", argv[0], VTY_NEWLINE);
			return CMD_WARNING;
		}
		show_gw(vty, gw);
		return CMD_SUCCESS;
	}
	if (!g_cc_media || llist_empty(&g_cc_media->gws))
		vty_out(vty, "no media gateways configured%s", VTY_NEWLINE);
	else
		llist_for_each_entry(gw, &g_cc_media->gws, list)
			show_gw(vty, gw);
	return CMD_SUCCESS;
}

DEFUN(show_mgw_test_sdp, show_mgw_test_sdp_cmd, "show media-gateway NAME test-call sdp",
      SHOW_STR MGW_STR "Gateway name\n" TEST_STR "The SDP the SIP peer would get\n")
{
	struct cc_media_gw *gw = cc_media_gw_find(argv[0]);

	if (!gw) {
		vty_out(vty, "%% no media gateway %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty_out(vty, "%s", gw->test_sdp);
	return CMD_SUCCESS;
}

/* ---- the test call ---- */

static void test_ready(struct cc_media *m, void *priv, const char *sdp)
{
	struct cc_media_gw *gw = priv;
	char *p;

	osmo_strlcpy(gw->test_sdp, sdp, sizeof(gw->test_sdp));
	/* the VTY prints lines with its own newline */
	for (p = gw->test_sdp; *p; p++)
		if (*p == '\r')
			*p = ' ';
}

static void test_failed(struct cc_media *m, void *priv, uint8_t cause)
{
	struct cc_media_gw *gw = priv;

	gw->test_cause = cause;
}

static const struct cc_media_ops test_ops = {
	.ready = test_ready,
	.failed = test_failed,
};

static const int test_codecs[] = { SIP_CODEC_PCMA, SIP_CODEC_PCMU, SIP_CODEC_G729, SIP_CODEC_TELEPHONE_EVENT };

static struct cc_media_gw *test_gw(struct vty *vty, const char *name, bool need_call)
{
	struct cc_media_gw *gw = cc_media_gw_find(name);

	if (!gw) {
		vty_out(vty, "%% no media gateway %s%s", name, VTY_NEWLINE);
		return NULL;
	}
	if (need_call && !gw->test) {
		vty_out(vty, "%% no test call on %s%s", name, VTY_NEWLINE);
		return NULL;
	}
	return gw;
}

static struct cc_media *test_new(struct vty *vty, struct cc_media_gw *gw, const char *pattern, const char *cic)
{
	struct cc_media *m;
	int err;

	TALLOC_FREE(gw->test);
	gw->test_sdp[0] = '\0';
	gw->test_cause = 0;
	m = cc_media_alloc(gw, gw->ca->cfg.name, pattern, atoi(cic), &test_ops, gw, &err);
	if (!m)
		vty_out(vty, "%% cannot start: %s%s", strerror(-err), VTY_NEWLINE);
	else
		cc_media_set_name(m, "test-call");
	gw->test = m;
	return m;
}

static int test_result(struct vty *vty, int rc)
{
	if (rc == 0)
		return CMD_SUCCESS;
	vty_out(vty, "%% refused: %s%s", strerror(-rc), VTY_NEWLINE);
	return CMD_WARNING;
}

DEFUN(mgw_test_start, mgw_test_start_cmd, "media-gateway NAME test-call start ENDPOINT <0-16383>",
      MGW_STR "Gateway name\n" TEST_STR "ISUP -> SIP: create both connections, get the SDP offer\n"
      "Endpoint pattern, {cic} replaced (e.g. rtpbridge/*@mgw)\n" "CIC\n")
{
	struct cc_media_gw *gw = test_gw(vty, argv[0], false);
	struct cc_media *m;

	if (!gw || !(m = test_new(vty, gw, argv[1], argv[2])))
		return CMD_WARNING;
	return test_result(vty, cc_media_make_offer(m, test_codecs, ARRAY_SIZE(test_codecs)));
}

static void test_sdp(char *buf, size_t len, const char *addr, const char *port, const char *codec)
{
	enum mgcp_codec c = mgcp_codec_by_name(codec);

	snprintf(buf, len,
		 "v=0\r\no=peer 1 1 IN IP4 %s\r\ns=-\r\nc=IN IP4 %s\r\nt=0 0\r\n"
		 "m=audio %s RTP/AVP %d 101\r\na=rtpmap:%d %s/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
		 "a=fmtp:101 0-15\r\na=sendrecv\r\n",
		 addr, addr, port, mgcp_codecs[c].static_pt, mgcp_codecs[c].static_pt, mgcp_codecs[c].name);
}

DEFUN(mgw_test_offer, mgw_test_offer_cmd,
      "media-gateway NAME test-call offer ENDPOINT <0-16383> A.B.C.D <1-65535> " CODEC_ARGS,
      MGW_STR "Gateway name\n" TEST_STR "SIP -> ISUP: a SIP peer offers one codec; create both connections\n"
      "Endpoint pattern, {cic} replaced\n" "CIC\n" "The peer's RTP address\n" "The peer's RTP port\n" CODEC_HELP)
{
	struct cc_media_gw *gw = test_gw(vty, argv[0], false);
	struct cc_media *m;
	char sdp[512];

	if (!gw || !(m = test_new(vty, gw, argv[1], argv[2])))
		return CMD_WARNING;
	test_sdp(sdp, sizeof(sdp), argv[3], argv[4], argv[5]);
	return test_result(vty, cc_media_answer_offer(m, sdp, test_codecs, ARRAY_SIZE(test_codecs)));
}

DEFUN(mgw_test_answer, mgw_test_answer_cmd, "media-gateway NAME test-call answer A.B.C.D <1-65535> " CODEC_ARGS,
      MGW_STR "Gateway name\n" TEST_STR "The SIP peer answers the offer (MDCX)\n" "The peer's RTP address\n"
      "The peer's RTP port\n" CODEC_HELP)
{
	struct cc_media_gw *gw = test_gw(vty, argv[0], true);
	char sdp[512];

	if (!gw)
		return CMD_WARNING;
	test_sdp(sdp, sizeof(sdp), argv[1], argv[2], argv[3]);
	return test_result(vty, cc_media_set_answer(gw->test, sdp));
}

DEFUN(mgw_test_mode, mgw_test_mode_cmd, "media-gateway NAME test-call mode (sendrecv|sendonly|recvonly|inactive)",
      MGW_STR "Gateway name\n" TEST_STR "Change the direction of the SIP side (MDCX)\n" "Both ways\n"
      "Send only\n" "Receive only\n" "Neither (hold)\n")
{
	struct cc_media_gw *gw = test_gw(vty, argv[0], true);

	if (!gw)
		return CMD_WARNING;
	return test_result(vty, cc_media_set_mode(gw->test, argv[1]));
}

DEFUN(mgw_test_release, mgw_test_release_cmd, "media-gateway NAME test-call release",
      MGW_STR "Gateway name\n" TEST_STR "Delete the connections (DLCX)\n")
{
	struct cc_media_gw *gw = test_gw(vty, argv[0], true);

	if (!gw)
		return CMD_WARNING;
	/* keep the object so that show tells RELEASED */
	cc_media_release(gw->test);
	return CMD_SUCCESS;
}

DEFUN(mgw_audit, mgw_audit_cmd, "media-gateway NAME audit",
      MGW_STR "Gateway name\n" "Ask the gateway now whether it is there (MGCP AUEP, H.248 AuditValue ROOT)\n")
{
	struct cc_media_gw *gw = test_gw(vty, argv[0], false);

	if (!gw)
		return CMD_WARNING;
	if (gw->pops->audit(gw) < 0) {
		vty_out(vty, "%% gateway %s is not started%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

DEFUN(mgw_handoff, mgw_handoff_cmd, "media-gateway NAME handoff MID",
      MGW_STR "Gateway name\n"
      "H.248: hand the gateway over to another controller (ServiceChange Handoff); its calls here end\n"
      "The controller's mId, e.g. [192.0.2.1]:2944\n")
{
	struct cc_media_gw *gw = test_gw(vty, argv[0], false);
	int rc;

	if (!gw)
		return CMD_WARNING;
	if (gw->proto != CC_MEDIA_PROTO_H248) {
		vty_out(vty, "%% gateway %s is not controlled over H.248%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	rc = h248_ca_handoff(gw->h248, argv[1]);
	if (rc == -EINVAL) {
		vty_out(vty, "%% %s is no H.248 mId ([address]:port, <domain>:port or a device name)%s", argv[1],
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc < 0) {
		vty_out(vty, "%% gateway %s: %s%s", argv[0], rc == -ENOTCONN ? "not registered" : strerror(-rc),
			VTY_NEWLINE);
		return CMD_WARNING;
	}
	return CMD_SUCCESS;
}

void cc_media_vty_init(void)
{
	install_element(CONFIG_NODE, &cfg_mgw_cmd);
	install_node(&mgw_node, mgw_config_write);
	install_element(MGCP_GW_NODE, &cfg_mgw_protocol_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_remote_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_local_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_domain_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_codec_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_no_codec_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_circuit_mode_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_dtmf_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_no_dtmf_cmd);
	install_element(MGCP_GW_NODE, &cfg_mgw_timer_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_media_gw_cmd);
	install_element(ISUP_TRUNK_NODE, &cfg_trunk_no_media_gw_cmd);
	install_element_ve(&show_mgw_cmd);
	install_element_ve(&show_mgw_test_sdp_cmd);
	install_element(ENABLE_NODE, &mgw_test_start_cmd);
	install_element(ENABLE_NODE, &mgw_test_offer_cmd);
	install_element(ENABLE_NODE, &mgw_test_answer_cmd);
	install_element(ENABLE_NODE, &mgw_test_mode_cmd);
	install_element(ENABLE_NODE, &mgw_test_release_cmd);
	install_element(ENABLE_NODE, &mgw_audit_cmd);
	install_element(ENABLE_NODE, &mgw_handoff_cmd);
}
