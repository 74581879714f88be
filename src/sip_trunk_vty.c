/* SIP trunks: the `sip-trunk NAME` config node, its `write` and
 * `show sip-trunk [NAME]`.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <talloc.h>

#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/utils.h>
#include <osmocom/vty/command.h>
#include <osmocom/vty/misc.h>
#include <osmocom/vty/vty.h>

#include "src/app.h"
#include "src/cc.h"
#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"
#include "src/tandem_vty.h"

#define CODEC_CHOICES "(PCMA|PCMU|G729|telephone-event)"
#define CODEC_HELP "G.711 A-law\n" "G.711 mu-law\n" "G.729\n" "DTMF events (RFC 4733)\n"

/* Trunks live under a context made after logging was set up: talloc frees
 * the newest children first, so the trunk FSMs still log their end even
 * when the daemon's root context is freed without sip_trunk_free_all(). */
static void *sip_trunks_ctx;

static struct cmd_node sip_trunk_node = { SIP_TRUNK_NODE, "%s(config-sip-trunk)# ", 1 };

/* What the keepalive uses changed: restart it (and with it the state). */
static int trunk_changed(struct sip_trunk *t)
{
	sip_trunk_reconfigured(t);
	return CMD_SUCCESS;
}

DEFUN(cfg_sip_trunk, cfg_sip_trunk_cmd, "sip-trunk NAME",
      "Configure a SIP trunk (a SIP peer to exchange calls with)\n" "Trunk name\n")
{
	int err = 0;
	struct sip_trunk *t = sip_trunk_get(sip_trunks_ctx, argv[0], &err);

	if (!t) {
		if (err == -ENOSPC)
			vty_out(vty, "%% cannot create SIP trunk '%s': at most %u trunks%s", argv[0], SIP_TRUNK_MAX,
				VTY_NEWLINE);
		else
			vty_out(vty, "%% cannot create SIP trunk '%s': %s%s", argv[0],
				err == -ENOMEM ? "out of memory" : "the name must be 1 to 31 characters without quotes",
				VTY_NEWLINE);
		return CMD_WARNING;
	}
	vty->index = t;
	vty->node = SIP_TRUNK_NODE;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_sip_trunk, cfg_no_sip_trunk_cmd, "no sip-trunk NAME",
      NO_STR "Delete a SIP trunk\n" "Trunk name\n")
{
	struct sip_trunk *t = sip_trunk_find(argv[0]);

	if (!t) {
		vty_out(vty, "%% no SIP trunk '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	/* calls may hold a pointer to their trunk */
	if (g_cc && g_cc->num_calls) {
		vty_out(vty, "%% %u call(s) in progress: delete SIP trunk %s when there are none%s",
			g_cc->num_calls, t->name, VTY_NEWLINE);
		return CMD_WARNING;
	}
	sip_trunk_del(t);
	return CMD_SUCCESS;
}

static uint16_t opt_port(int argc, const char **argv)
{
	return argc > 1 ? atoi(argv[1]) : 0;
}

DEFUN(cfg_peer, cfg_peer_cmd, "peer HOST [<1-65535>]",
      "Add a peer address (calls go to the first one up)\n" "IPv4/IPv6 address or host name\n"
      "Port (default 5060)\n")
{
	struct sip_trunk *t = vty->index;
	int rc = sip_trunk_peer_add(t, argv[0], opt_port(argc, argv));

	if (rc == -EEXIST)
		return CMD_SUCCESS;
	if (rc == -ENOSPC) {
		vty_out(vty, "%% at most %u peers per trunk%s", SIP_TRUNK_PEERS_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (rc < 0) {
		vty_out(vty, "%% '%s' is not an IP address or host name (at most %u characters)%s", argv[0],
			SIP_TRUNK_HOST_MAX - 1, VTY_NEWLINE);
		return CMD_WARNING;
	}
	return trunk_changed(t);
}

DEFUN(cfg_no_peer, cfg_no_peer_cmd, "no peer HOST [<1-65535>]",
      NO_STR "Remove a peer\n" "Address or host name\n" "Port (default: any)\n")
{
	struct sip_trunk *t = vty->index;

	if (sip_trunk_peer_del(t, argv[0], opt_port(argc, argv)) < 0) {
		vty_out(vty, "%% no peer '%s'%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	return trunk_changed(t);
}

/* A bind change restarts the trunk's nua, whose dialogs would die with
 * it: refused while the trunk has calls. */
static bool bind_change_ok(struct vty *vty, const struct sip_trunk *t)
{
	unsigned int n = sip_trunk_bind_calls(t);

	if (!n)
		return true;
	vty_out(vty, "%% %u call(s) on SIP trunk %s: change its bind when there are none%s", n, t->name,
		VTY_NEWLINE);
	return false;
}

DEFUN(cfg_transport, cfg_transport_cmd, "transport (udp|tcp)",
      "Transport towards the peers (and of the trunk's local-bind)\n" "UDP\n" "TCP\n")
{
	struct sip_trunk *t = vty->index;
	enum sip_trunk_transport tp = get_string_value(sip_trunk_transport_names, argv[0]);

	if (tp != t->transport && t->bind_addr[0] && !bind_change_ok(vty, t))
		return CMD_WARNING;
	t->transport = tp;
	return trunk_changed(t);
}

DEFUN(cfg_local_bind, cfg_local_bind_cmd, "local-bind (A.B.C.D|X:X::X:X) [<1-65535>]",
      "Listen for this trunk on its own address and port; its calls and keepalives leave from there\n"
      "IPv4 address\n" "IPv6 address\n" "Port (default 5060)\n")
{
	struct sip_trunk *t = vty->index;
	uint16_t port = argc > 1 ? atoi(argv[1]) : 5060;
	char why[160];

	/* the same again: nothing to do, unless it failed to bind (retry) */
	if (!strcmp(t->bind_addr, argv[0]) && t->bind_port == port &&
	    (sip_trunk_priv(t)->bind_nua || !sip_trunk_ka_running()))
		return CMD_SUCCESS;
	if (sip_trunk_bind_check(t, argv[0], port, why, sizeof(why)) < 0) {
		sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_BIND_FAIL);
		vty_out(vty, "%% %s%s", why, VTY_NEWLINE);
		return CMD_WARNING;
	}
	if (!bind_change_ok(vty, t))
		return CMD_WARNING;
	osmo_strlcpy(t->bind_addr, argv[0], sizeof(t->bind_addr));
	t->bind_port = port;
	return trunk_changed(t);
}

DEFUN(cfg_no_local_bind, cfg_no_local_bind_cmd, "no local-bind",
      NO_STR "Use the SIP agent's listener for this trunk\n")
{
	struct sip_trunk *t = vty->index;

	if (!t->bind_addr[0])
		return CMD_SUCCESS;
	if (!bind_change_ok(vty, t))
		return CMD_WARNING;
	t->bind_addr[0] = '\0';
	t->bind_port = 0;
	return trunk_changed(t);
}

static enum sipi_cause_map default_cause_map(enum sipi_mode mode)
{
	struct sipi_profile p;

	/* whatever the SIP-I library assumes for the profile */
	sipi_profile_init(&p, mode);
	return p.cause_map;
}

DEFUN(cfg_profile, cfg_profile_cmd, "profile (sip|sip-i|sip-t)",
      "Interworking profile of the trunk\n" "Plain SIP (Q.1912.5 profiles A/B, headers only)\n"
      "SIP-I (Q.1912.5 profile C, ISUP encapsulated)\n" "SIP-T (RFC 3372, ISUP encapsulated)\n")
{
	struct sip_trunk *t = vty->index;

	t->mode = get_string_value(sipi_mode_names, argv[0]);
	if (!sip_trunk_priv(t)->cause_map_set)
		t->cause_map = default_cause_map(t->mode);
	return CMD_SUCCESS;
}

DEFUN(cfg_cause_map, cfg_cause_map_cmd, "cause-map (q1912.5|rfc3398)",
      "Q.850 cause <-> SIP status tables (default: the profile's)\n" "ITU-T Q.1912.5\n" "IETF RFC 3398\n")
{
	struct sip_trunk *t = vty->index;

	t->cause_map = get_string_value(sipi_cause_map_names, argv[0]);
	sip_trunk_priv(t)->cause_map_set = true;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_cause_map, cfg_no_cause_map_cmd, "no cause-map",
      NO_STR "Use the profile's cause tables\n")
{
	struct sip_trunk *t = vty->index;

	sip_trunk_priv(t)->cause_map_set = false;
	t->cause_map = default_cause_map(t->mode);
	return CMD_SUCCESS;
}

static int acl_error(struct vty *vty, const char *text, int rc)
{
	vty_out(vty, "%% '%s' %s%s", text,
		rc == -EDOM ? "has host bits set beyond the prefix length"
			    : "is not A.B.C.D[/0-32] or X:X::X:X[/0-128]", VTY_NEWLINE);
	return CMD_WARNING;
}

static int acl_find(const struct sip_trunk *t, const struct sip_trunk_acl *a)
{
	unsigned int i;

	for (i = 0; i < t->num_acl; i++)
		if (t->acl[i].prefix_len == a->prefix_len && !memcmp(&t->acl[i].addr, &a->addr, sizeof(a->addr)))
			return i;
	return -1;
}

DEFUN(cfg_acl, cfg_acl_cmd, "acl PREFIX",
      "Admit requests from a source prefix (none: the peers' addresses only)\n"
      "A.B.C.D/M or X:X::X:X/M (a bare address is a host)\n")
{
	struct sip_trunk *t = vty->index;
	struct sip_trunk_acl a;
	int rc = sip_trunk_acl_parse(argv[0], &a);

	if (rc < 0)
		return acl_error(vty, argv[0], rc);
	if (acl_find(t, &a) >= 0)
		return CMD_SUCCESS;
	if (t->num_acl >= SIP_TRUNK_ACL_MAX) {
		vty_out(vty, "%% at most %u acl entries per trunk%s", SIP_TRUNK_ACL_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	t->acl[t->num_acl++] = a;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_acl, cfg_no_acl_cmd, "no acl PREFIX", NO_STR "Remove an acl entry\n" "The entry\n")
{
	struct sip_trunk *t = vty->index;
	struct sip_trunk_acl a;
	int rc = sip_trunk_acl_parse(argv[0], &a), i;

	if (rc < 0)
		return acl_error(vty, argv[0], rc);
	i = acl_find(t, &a);
	if (i < 0) {
		vty_out(vty, "%% no acl entry %s%s", argv[0], VTY_NEWLINE);
		return CMD_WARNING;
	}
	memmove(&t->acl[i], &t->acl[i + 1], (t->num_acl - i - 1) * sizeof(t->acl[0]));
	t->num_acl--;
	return CMD_SUCCESS;
}

/* Credentials end up in quoted digest parameters and NUTAG_AUTH's
 * colon-separated string: no quotes anywhere, no colon in names. */
static bool cred_ok(struct vty *vty, const char *what, const char *s, bool colon_ok)
{
	if (strlen(s) >= SIP_TRUNK_CRED_MAX || strchr(s, '"') || strchr(s, '\\') ||
	    (!colon_ok && strchr(s, ':'))) {
		vty_out(vty, "%% %s must be 1 to %u characters without quotes or backslashes%s%s", what,
			SIP_TRUNK_CRED_MAX - 1, colon_ok ? "" : " or colons", VTY_NEWLINE);
		return false;
	}
	return true;
}

DEFUN(cfg_auth_out, cfg_auth_out_cmd, "auth outgoing USER PASS",
      "Digest authentication\n" "Answer the peer's challenges with these credentials\n" "User name\n"
      "Password\n")
{
	struct sip_trunk *t = vty->index;

	if (!cred_ok(vty, "the user", argv[0], false) || !cred_ok(vty, "the password", argv[1], true))
		return CMD_WARNING;
	osmo_strlcpy(t->auth_out_user, argv[0], sizeof(t->auth_out_user));
	osmo_strlcpy(t->auth_out_pass, argv[1], sizeof(t->auth_out_pass));
	return trunk_changed(t);
}

DEFUN(cfg_no_auth_out, cfg_no_auth_out_cmd, "no auth outgoing",
      NO_STR "Digest authentication\n" "Do not answer challenges\n")
{
	struct sip_trunk *t = vty->index;

	t->auth_out_user[0] = t->auth_out_pass[0] = '\0';
	return trunk_changed(t);
}

DEFUN(cfg_auth_in, cfg_auth_in_cmd, "auth incoming REALM USER PASS",
      "Digest authentication\n" "Challenge the peer's INVITEs (401) and check the answer\n" "Realm\n"
      "User name\n" "Password\n")
{
	struct sip_trunk *t = vty->index;

	if (!cred_ok(vty, "the realm", argv[0], true) || !cred_ok(vty, "the user", argv[1], false) ||
	    !cred_ok(vty, "the password", argv[2], true))
		return CMD_WARNING;
	osmo_strlcpy(t->auth_in_realm, argv[0], sizeof(t->auth_in_realm));
	osmo_strlcpy(t->auth_in_user, argv[1], sizeof(t->auth_in_user));
	osmo_strlcpy(t->auth_in_pass, argv[2], sizeof(t->auth_in_pass));
	/* a new digest module on the next INVITE */
	sip_trunk_auth_reset(t);
	return CMD_SUCCESS;
}

DEFUN(cfg_no_auth_in, cfg_no_auth_in_cmd, "no auth incoming",
      NO_STR "Digest authentication\n" "Do not challenge the peer\n")
{
	struct sip_trunk *t = vty->index;

	t->auth_in_realm[0] = t->auth_in_user[0] = t->auth_in_pass[0] = '\0';
	/* a new digest module on the next INVITE */
	sip_trunk_auth_reset(t);
	return CMD_SUCCESS;
}

DEFUN(cfg_100rel, cfg_100rel_cmd, "100rel (off|supported|required)",
      "Reliable provisional responses (RFC 3262)\n" "Never\n"
      "When the peer supports them (Supported: 100rel)\n" "Require them of the peer\n")
{
	struct sip_trunk *t = vty->index;

	t->rel100 = get_string_value(sip_trunk_100rel_names, argv[0]);
	return CMD_SUCCESS;
}

DEFUN(cfg_codec, cfg_codec_cmd, "codec " CODEC_CHOICES,
      "Add a codec to the trunk's list, in order of preference\n" CODEC_HELP)
{
	struct sip_trunk *t = vty->index;
	enum sip_codec c = get_string_value(sip_codec_names, argv[0]);
	unsigned int i;

	for (i = 0; i < t->num_codecs; i++)
		if (t->codecs[i] == c)
			return CMD_SUCCESS;
	if (t->num_codecs >= SIP_TRUNK_CODECS_MAX) {
		vty_out(vty, "%% at most %u codecs per trunk%s", SIP_TRUNK_CODECS_MAX, VTY_NEWLINE);
		return CMD_WARNING;
	}
	t->codecs[t->num_codecs++] = c;
	return CMD_SUCCESS;
}

DEFUN(cfg_no_codec, cfg_no_codec_cmd, "no codec " CODEC_CHOICES,
      NO_STR "Remove a codec from the list\n" CODEC_HELP)
{
	struct sip_trunk *t = vty->index;
	enum sip_codec c = get_string_value(sip_codec_names, argv[0]);
	unsigned int i;

	for (i = 0; i < t->num_codecs; i++) {
		if (t->codecs[i] != c)
			continue;
		memmove(&t->codecs[i], &t->codecs[i + 1], (t->num_codecs - i - 1) * sizeof(t->codecs[0]));
		t->num_codecs--;
		return CMD_SUCCESS;
	}
	vty_out(vty, "%% codec %s is not in the list%s", argv[0], VTY_NEWLINE);
	return CMD_WARNING;
}

DEFUN(cfg_keepalive, cfg_keepalive_cmd, "keepalive <1-3600> [<1-100>]",
      "Send OPTIONS to each peer periodically\n" "Interval in seconds\n"
      "Unanswered pings in a row before a peer is dead (default 3)\n")
{
	struct sip_trunk *t = vty->index;

	t->keepalive_s = atoi(argv[0]);
	t->keepalive_fail_max = argc > 1 ? atoi(argv[1]) : 3;
	return trunk_changed(t);
}

DEFUN(cfg_no_keepalive, cfg_no_keepalive_cmd, "no keepalive", NO_STR "No OPTIONS keepalive (always UP)\n")
{
	struct sip_trunk *t = vty->index;

	t->keepalive_s = 0;
	t->keepalive_fail_max = 0;
	return trunk_changed(t);
}

static int sip_trunk_config_write(struct vty *vty)
{
	const struct sip_trunk *t;
	char acl[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	llist_for_each_entry(t, sip_trunk_list(), list) {
		vty_out(vty, "sip-trunk %s%s", t->name, VTY_NEWLINE);
		for (i = 0; i < t->num_peers; i++)
			vty_out(vty, " peer %s %u%s", t->peers[i].host, t->peers[i].port, VTY_NEWLINE);
		vty_out(vty, " transport %s%s", get_value_string(sip_trunk_transport_names, t->transport),
			VTY_NEWLINE);
		if (t->bind_addr[0])
			vty_out(vty, " local-bind %s %u%s", t->bind_addr, t->bind_port, VTY_NEWLINE);
		vty_out(vty, " profile %s%s", get_value_string(sipi_mode_names, t->mode), VTY_NEWLINE);
		if (sip_trunk_priv(t)->cause_map_set)
			vty_out(vty, " cause-map %s%s", get_value_string(sipi_cause_map_names, t->cause_map),
				VTY_NEWLINE);
		for (i = 0; i < t->num_acl; i++)
			if (sip_trunk_acl_str(&t->acl[i], acl, sizeof(acl)) > 0)
				vty_out(vty, " acl %s%s", acl, VTY_NEWLINE);
		if (t->auth_out_user[0])
			vty_out(vty, " auth outgoing %s %s%s", t->auth_out_user, t->auth_out_pass, VTY_NEWLINE);
		if (t->auth_in_user[0])
			vty_out(vty, " auth incoming %s %s %s%s", t->auth_in_realm, t->auth_in_user,
				t->auth_in_pass, VTY_NEWLINE);
		vty_out(vty, " 100rel %s%s", get_value_string(sip_trunk_100rel_names, t->rel100), VTY_NEWLINE);
		for (i = 0; i < t->num_codecs; i++)
			vty_out(vty, " codec %s%s", get_value_string(sip_codec_names, t->codecs[i]), VTY_NEWLINE);
		if (t->keepalive_s)
			vty_out(vty, " keepalive %u %u%s", t->keepalive_s, t->keepalive_fail_max, VTY_NEWLINE);
	}
	return CMD_SUCCESS;
}

static void show_peer(struct vty *vty, const struct sip_trunk *t, unsigned int i)
{
	const struct sip_trunk_peer_ka *ka = &sip_trunk_priv(t)->ka[i];
	bool v6 = strchr(t->peers[i].host, ':') != NULL;

	vty_out(vty, " peer %s%s%s:%u", v6 ? "[" : "", t->peers[i].host, v6 ? "]" : "", t->peers[i].port);
	if (!t->keepalive_s || !sip_trunk_ka_running()) {
		vty_out(vty, ": no keepalive%s", VTY_NEWLINE);
		return;
	}
	vty_out(vty, ": %s, ", ka->up ? "alive" : "dead");
	if (ka->last_status)
		vty_out(vty, "last keepalive %d %s %lld s ago", ka->last_status, ka->last_phrase,
			(long long)(time(NULL) - ka->last_time));
	else
		vty_out(vty, "no keepalive answer yet");
	vty_out(vty, ", %u failure(s) in a row%s%s", ka->fails, ka->pending ? ", ping pending" : "",
		VTY_NEWLINE);
}

static void show_bind(struct vty *vty, const struct sip_trunk *t)
{
	const struct sip_trunk_priv *p = sip_trunk_priv(t);
	char url[SIP_TRUNK_BIND_ADDR_MAX + 40];

	if (!t->bind_addr[0]) {
		vty_out(vty, " local bind: the SIP agent's listener%s", VTY_NEWLINE);
		return;
	}
	sip_trunk_bind_url(t, url, sizeof(url));
	vty_out(vty, " local bind: %s, %s%s", url,
		p->bind_nua ? "listening" : p->bind_retiring ? "restarting"
					  : sip_trunk_ka_running() ? "NOT listening (see the log)" : "not started",
		VTY_NEWLINE);
}

static void show_trunk(struct vty *vty, const struct sip_trunk *t)
{
	char acl[INET6_ADDRSTRLEN + 8];
	unsigned int i;

	vty_out(vty, "SIP trunk %s: %s, profile %s, cause-map %s, transport %s, 100rel %s%s", t->name,
		get_value_string(sip_trunk_state_names, t->state), get_value_string(sipi_mode_names, t->mode),
		get_value_string(sipi_cause_map_names, t->cause_map),
		get_value_string(sip_trunk_transport_names, t->transport),
		get_value_string(sip_trunk_100rel_names, t->rel100), VTY_NEWLINE);
	show_bind(vty, t);
	for (i = 0; i < t->num_peers; i++)
		show_peer(vty, t, i);
	if (!t->num_peers)
		vty_out(vty, " no peers: no calls can be sent%s", VTY_NEWLINE);
	if (t->keepalive_s)
		vty_out(vty, " keepalive every %u s, a peer is dead after %u failures%s", t->keepalive_s,
			t->keepalive_fail_max, VTY_NEWLINE);
	vty_out(vty, " acl:");
	for (i = 0; i < t->num_acl; i++)
		if (sip_trunk_acl_str(&t->acl[i], acl, sizeof(acl)) > 0)
			vty_out(vty, " %s", acl);
	vty_out(vty, "%s%s", t->num_acl ? "" : " (the peers' addresses)", VTY_NEWLINE);
	vty_out(vty, " digest: incoming %s, outgoing %s%s", t->auth_in_user[0] ? t->auth_in_realm : "off",
		t->auth_out_user[0] ? t->auth_out_user : "off", VTY_NEWLINE);
	vty_out(vty, " codecs:");
	for (i = 0; i < t->num_codecs; i++)
		vty_out(vty, " %s", get_value_string(sip_codec_names, t->codecs[i]));
	vty_out(vty, "%s%s", t->num_codecs ? "" : " (call control's default)", VTY_NEWLINE);
	if (t->ctrs)
		vty_out_rate_ctr_group(vty, "  ", t->ctrs);
}

DEFUN(show_sip_trunk, show_sip_trunk_cmd, "show sip-trunk [NAME]",
      SHOW_STR "SIP trunks: state, peers, keepalive, counters\n" "Only this trunk\n")
{
	const struct sip_trunk *t;

	if (argc > 0) {
		t = sip_trunk_find(argv[0]);
		if (!t) {
			vty_out(vty, "%% no SIP trunk '%s'%s", argv[0], VTY_NEWLINE);
			return CMD_WARNING;
		}
		show_trunk(vty, t);
		return CMD_SUCCESS;
	}
	vty_out(vty, "%u SIP trunk(s)%s", sip_trunk_count(), VTY_NEWLINE);
	llist_for_each_entry(t, sip_trunk_list(), list)
		show_trunk(vty, t);
	return CMD_SUCCESS;
}

void sip_trunk_vty_init(void)
{
	sip_trunks_ctx = talloc_named_const(g_app ? g_app->ctx : NULL, 0, "sip_trunks");
	sip_trunks_ctrs_alloc();
	install_element(CONFIG_NODE, &cfg_sip_trunk_cmd);
	install_element(CONFIG_NODE, &cfg_no_sip_trunk_cmd);
	install_node(&sip_trunk_node, sip_trunk_config_write);
	install_element(SIP_TRUNK_NODE, &cfg_peer_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_peer_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_transport_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_local_bind_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_local_bind_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_profile_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_cause_map_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_cause_map_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_acl_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_acl_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_auth_out_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_auth_out_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_auth_in_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_auth_in_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_100rel_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_codec_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_codec_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_keepalive_cmd);
	install_element(SIP_TRUNK_NODE, &cfg_no_keepalive_cmd);
	install_element_ve(&show_sip_trunk_cmd);
}
