/* tandem-mgw H.248: Media descriptors and Statistics of RTP terminations.
 *
 * The Media descriptor is turned into what an MGCP CRCX/MDCX would carry
 * and goes through the same code (mgw_conn_apply): LocalControl Mode is
 * the connection mode, the payload types of the Local descriptor are the
 * allowed codecs (LCO a:), its a=ptime the packetization, and the Remote
 * descriptor is the remote SDP.  "$" in Local means "gateway, choose": an
 * address or port "$" gets ours, a payload list of "$" allows every codec
 * we have.  The reply's Local is the connection's SDP, all filled in.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

static const enum mgcp_conn_mode mode_map[] = {
	[H248_MODE_NONE] = MGCP_MODE_NONE,
	[H248_MODE_SENDONLY] = MGCP_MODE_SENDONLY,
	[H248_MODE_RECVONLY] = MGCP_MODE_RECVONLY,
	[H248_MODE_SENDRECV] = MGCP_MODE_SENDRECV,
	[H248_MODE_INACTIVE] = MGCP_MODE_INACTIVE,
	[H248_MODE_LOOPBACK] = MGCP_MODE_LOOPBACK,
};

/* Copy one line of Local SDP with its CHOOSE values replaced by
 * placeholders the SDP parser takes; *@any_pt is set when the payload
 * list of m= was "$". */
static int choose_line(const char *line, size_t len, char *out, size_t size, bool *any_pt)
{
	char copy[256], *tok, *save = NULL;
	const char *prev = "";
	size_t o = 0;
	unsigned int i = 0, n_pt = 0;
	bool m_line = len > 2 && !strncmp(line, "m=", 2);

	if (len >= sizeof(copy))
		return -1;
	memcpy(copy, line, len);
	copy[len] = '\0';
	for (tok = strtok_r(copy, " ", &save); tok; tok = strtok_r(NULL, " ", &save), i++) {
		const char *w = tok;

		if (!strcmp(tok, "$")) {
			if (m_line && i >= 3) {
				*any_pt = true;
				continue;
			}
			/* after "IN IP4" it is an address, elsewhere a number */
			w = !strcmp(prev, "IP4") ? "0.0.0.0" : "0";
		} else if (m_line && i >= 3) {
			n_pt++;
		}
		o += snprintf(out + o, size > o ? size - o : 0, "%s%s", i ? " " : "", w);
		prev = tok;
	}
	/* the parser needs one payload type; "$" alone lifts the restriction */
	if (m_line && n_pt == 0)
		o += snprintf(out + o, size > o ? size - o : 0, " 0");
	o += snprintf(out + o, size > o ? size - o : 0, "\r\n");
	return o < size ? (int)o : -1;
}

/* Parse a Local descriptor with "$" values; *@any_pt: codecs unrestricted. */
static int local_parse(const char *text, struct mgcp_sdp *sdp, bool *any_pt)
{
	char buf[H248_SDP_MAX + 64];
	size_t o = 0;
	const char *p = text;

	*any_pt = false;
	while (*p) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		int n;

		if (l && p[l - 1] == '\r')
			l--;
		n = choose_line(p, l, buf + o, sizeof(buf) - o, any_pt);
		if (n < 0)
			return -1;
		o += n;
		p = eol ? eol + 1 : p + strlen(p);
	}
	return mgcp_sdp_parse(sdp, buf, o, NULL);
}

static unsigned int code_from_mgcp(unsigned int rc)
{
	switch (rc) {
	case MGCP_RC_INVALID_MODE:
		return H248_EC_BAD_MODE;
	case MGCP_RC_CODEC_NEGOTIATION:
		return H248_EC_UNSUPPORTED_MEDIA;
	case MGCP_RC_PTIME_UNSUPPORTED:
	case MGCP_RC_UNSUPPORTED_RCD:
	case MGCP_RC_RCD_ERROR:
		return H248_EC_BAD_VALUE;
	case MGCP_RC_NO_RESOURCES:
	case MGCP_RC_NO_RESOURCES_NOW:
		return H248_EC_RESOURCES;
	default:
		return H248_EC_INTERNAL;
	}
}

/* Local's payload types as the allowed codecs, its ptime as the packetization. */
static void local_to_lco(const struct mgcp_sdp *local, bool any_pt, struct mgcp_msg *cmd)
{
	unsigned int i;

	cmd->lco.echo = -1;
	cmd->lco.silence = -1;
	if (!any_pt) {
		for (i = 0; i < local->n_pt && cmd->lco.n_codecs < MGCP_LCO_CODECS_MAX; i++) {
			const char *name = mgcp_sdp_pt_name(&local->pts[i]);

			/* events are no codec: telephone-event comes with the Remote */
			if (name && mgcp_codec_by_name(name) != MGCP_CODEC_TELEPHONE_EVENT)
				osmo_strlcpy(cmd->lco.codecs[cmd->lco.n_codecs++], name, sizeof(cmd->lco.codecs[0]));
		}
	}
	if (local->ptime) {
		cmd->lco.has_ptime = true;
		cmd->lco.ptime_min = cmd->lco.ptime_max = local->ptime;
	}
	cmd->lco.present = cmd->lco.n_codecs || cmd->lco.has_ptime;
	if (cmd->lco.present)
		cmd->present |= MGCP_P_LCO;
}

unsigned int mgw_h248_media_apply(struct mgw_h248_term *term, const struct h248_cmd *c, bool creating)
{
	struct mgw *mgw = term->ctx->h->mgw;
	const struct h248_stream *s;
	struct mgcp_msg *cmd;
	unsigned int rc = 0;
	bool any_pt;

	if (!c->media.present || c->media.n_streams == 0) {
		if (term->conn && creating)
			goto apply_defaults;
		return 0;
	}
	/* one audio stream is all a termination here carries */
	if (c->media.n_streams > 1)
		return H248_EC_NOT_IMPLEMENTED;
	s = llist_first_entry(&c->media.streams, struct h248_stream, list);
	if (s->lc.present && s->lc.mode != H248_MODE_NONE && s->lc.mode >= ARRAY_SIZE(mode_map))
		return H248_EC_BAD_MODE;
	term->stream_id = s->id ? s->id : term->stream_id;
	if (!term->conn) {
		/* a timeslot has no SDP; its mode is kept for audits */
		if (s->local || s->remote)
			return H248_EC_DESC_NOT_LEGAL;
		if (s->lc.present && s->lc.mode != H248_MODE_NONE)
			term->mode = s->lc.mode;
		return 0;
	}
apply_defaults:
	cmd = talloc_zero(term, struct mgcp_msg);
	if (!cmd)
		return H248_EC_RESOURCES;
	s = c->media.present && c->media.n_streams ? llist_first_entry(&c->media.streams, struct h248_stream, list)
						   : NULL;
	if (s && s->lc.present && s->lc.mode != H248_MODE_NONE) {
		cmd->mode = mode_map[s->lc.mode];
		cmd->present |= MGCP_P_MODE;
	}
	if (s && s->local) {
		struct mgcp_sdp local;

		if (local_parse(s->local, &local, &any_pt) < 0) {
			rc = H248_EC_BAD_VALUE;
			goto out;
		}
		local_to_lco(&local, any_pt, cmd);
	}
	if (s && s->remote) {
		if (mgcp_sdp_parse(&cmd->sdp, s->remote, strlen(s->remote), NULL) < 0 || !cmd->sdp.has_media) {
			rc = H248_EC_BAD_VALUE;
			goto out;
		}
		cmd->present |= MGCP_P_SDP;
	}
	rc = mgw_conn_apply(mgw, term->conn, cmd, creating);
	if (rc) {
		rc = code_from_mgcp(rc);
		goto out;
	}
	if (cmd->present & MGCP_P_MODE)
		term->mode = s->lc.mode;
out:
	talloc_free(cmd);
	return rc;
}

static struct h248_stream *reply_stream(struct mgw_h248_term *term, struct h248_cmd *r)
{
	struct h248_stream *s = h248_stream_add(r, term->stream_id);

	if (!s)
		return NULL;
	r->media.present = true;
	s->lc.present = true;
	s->lc.mode = term->mode;
	return s;
}

int mgw_h248_media_reply(struct mgw_h248_term *term, struct h248_cmd *r, bool with_remote)
{
	struct mgw *mgw = term->ctx->h->mgw;
	struct h248_stream *s = reply_stream(term, r);
	struct mgcp_msg *resp;
	char *text;
	int n;

	if (!s)
		return -ENOMEM;
	if (!term->conn)
		return 0;
	resp = talloc_zero(r, struct mgcp_msg);
	text = talloc_size(r, H248_SDP_MAX + 1);
	if (!resp || !text)
		return -ENOMEM;
	mgw_conn_local_sdp(mgw, term->conn, resp);
	n = mgcp_sdp_encode(&resp->sdp, text, H248_SDP_MAX + 1);
	/* an SDP is longer than h248_str_set()'s bound for texts */
	s->local = n < 0 ? NULL : talloc_strdup(s, text);
	if (!s->local)
		return -ENOMEM;
	if (with_remote && term->conn->has_remote) {
		char ip[INET_ADDRSTRLEN];

		inet_ntop(AF_INET, &term->conn->remote.sin_addr, ip, sizeof(ip));
		snprintf(text, H248_SDP_MAX + 1, "v=0\r\nc=IN IP4 %s\r\nm=audio %u RTP/AVP %u\r\n", ip,
			 ntohs(term->conn->remote.sin_port), term->conn->pt);
		s->remote = talloc_strdup(s, text);
		if (!s->remote)
			return -ENOMEM;
	}
	talloc_free(resp);
	talloc_free(text);
	return 0;
}

static int stat_add(struct h248_cmd *r, const char *name, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int stat_add(struct h248_cmd *r, const char *name, const char *fmt, ...)
{
	char v[32];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(v, sizeof(v), fmt, ap);
	va_end(ap);
	return h248_item_add(r, &r->stats.items, &r->stats.n_items, name, v) ? 0 : -ENOMEM;
}

int mgw_h248_stats_reply(struct mgw_h248_term *term, struct h248_cmd *r)
{
	struct mgw_conn *c = term->conn;
	struct timespec now;
	uint64_t dur;
	int rc;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dur = (now.tv_sec - term->added.tv_sec) * 1000 + (now.tv_nsec - term->added.tv_nsec) / 1000000;
	r->stats.present = true;
	r->stats.braces = true;
	/* nt (E.11): duration, octets; rtp (E.12): packets, loss ratio, jitter */
	rc = stat_add(r, "nt/dur", "%" PRIu64, dur);
	if (rc || !c)
		return rc;
	{
		int32_t lost = mgw_conn_lost(c);
		double ratio = lost > 0 ? (double)lost / (double)(c->rx_packets + lost) : 0.0;

		rc = stat_add(r, "nt/os", "%" PRIu64, c->tx_bytes) ?: stat_add(r, "nt/or", "%" PRIu64, c->rx_bytes) ?:
		     stat_add(r, "rtp/ps", "%" PRIu64, c->tx_packets) ?: stat_add(r, "rtp/pr", "%" PRIu64, c->rx_packets) ?:
		     stat_add(r, "rtp/pl", "%.4f", ratio) ?: stat_add(r, "rtp/jit", "%u", mgw_rtp_stats_jitter(&c->rx) / 8);
	}
	return rc;
}
