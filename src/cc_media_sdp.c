/* SDP offer/answer (RFC 3264) between a SIP peer and the media gateway.
 * The SIP side's SDP goes through Sofia's parser and printer; the
 * gateway's side is the one audio stream of mgcp/mgcp_sdp.h.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <talloc.h>

#include <sofia-sip/sdp.h>
#include <sofia-sip/su_alloc.h>

#include <osmocom/core/utils.h>

#include "src/cc_media.h"
#include "src/cc_media_gw.h"
#include "src/sip_trunk.h"

/* Payload type for telephone-event when we offer it and the gateway did
 * not name one (any dynamic value works; 101 is what peers expect). */
#define CC_MEDIA_TE_PT 101

enum mgcp_codec cc_media_sip_codec(int sip_codec)
{
	switch (sip_codec) {
	case SIP_CODEC_PCMA:
		return MGCP_CODEC_PCMA;
	case SIP_CODEC_PCMU:
		return MGCP_CODEC_PCMU;
	case SIP_CODEC_G729:
		return MGCP_CODEC_G729;
	case SIP_CODEC_TELEPHONE_EVENT:
		return MGCP_CODEC_TELEPHONE_EVENT;
	default:
		return MGCP_CODEC_NONE;
	}
}

static const sdp_rtpmap_t *cc_media_find_rtpmap(const sdp_media_t *m, enum mgcp_codec c)
{
	const struct mgcp_codec_desc *d = &mgcp_codecs[c];
	const sdp_rtpmap_t *rm;

	for (rm = m->m_rtpmaps; rm; rm = rm->rm_next) {
		if (!rm->rm_encoding)
			continue;
		if (mgcp_codec_by_name(rm->rm_encoding) == c && (!rm->rm_rate || rm->rm_rate == d->rate))
			return rm;
	}
	return NULL;
}

static int cc_media_add_pt(struct mgcp_sdp *sdp, const sdp_rtpmap_t *rm)
{
	return mgcp_sdp_add_pt(sdp, rm->rm_pt, rm->rm_encoding, rm->rm_rate ? rm->rm_rate : 8000,
			       rm->rm_fmtp ? rm->rm_fmtp : NULL);
}

int cc_media_sdp_negotiate(const char *text, const int *codecs, unsigned int n, struct cc_media_neg *neg)
{
	su_home_t *home = su_home_new(sizeof(su_home_t));
	const sdp_rtpmap_t *rm = NULL, *te = NULL;
	const sdp_connection_t *c;
	const sdp_session_t *s;
	const sdp_media_t *m;
	sdp_parser_t *p;
	unsigned int i, idx = 0;
	int rc = -EINVAL;

	memset(neg, 0, sizeof(*neg));
	if (!home)
		return -ENOMEM;
	if (!text || !*text)
		goto out;
	p = sdp_parse(home, text, strlen(text), 0);
	s = sdp_session(p);
	if (!s)
		goto out;
	/* RFC 3264 6: we use the first audio stream that is not rejected */
	for (m = s->sdp_media; m; m = m->m_next, idx++)
		if (m->m_type == sdp_media_audio && m->m_port && !m->m_rejected && m->m_proto == sdp_proto_rtp)
			break;
	if (!m)
		goto out;
	c = m->m_connections ? m->m_connections : s->sdp_connection;
	if (!c || !c->c_address || strlen(c->c_address) > MGCP_SDP_ADDR_MAX || m->m_port > 65535)
		goto out;

	rc = -ENOTSUP;
	for (i = 0; i < n && !rm; i++) {
		enum mgcp_codec mc = cc_media_sip_codec(codecs[i]);

		if (mc != MGCP_CODEC_NONE && mc != MGCP_CODEC_TELEPHONE_EVENT)
			rm = cc_media_find_rtpmap(m, mc);
	}
	if (!rm)
		goto out;
	for (i = 0; i < n && !te; i++)
		if (cc_media_sip_codec(codecs[i]) == MGCP_CODEC_TELEPHONE_EVENT)
			te = cc_media_find_rtpmap(m, MGCP_CODEC_TELEPHONE_EVENT);

	neg->codec = mgcp_codec_by_name(rm->rm_encoding);
	neg->pt = rm->rm_pt;
	neg->audio_idx = idx;
	neg->remote.has_media = true;
	neg->remote.ipv6 = c->c_addrtype == sdp_addr_ip6;
	osmo_strlcpy(neg->remote.addr, c->c_address, sizeof(neg->remote.addr));
	neg->remote.port = m->m_port;
	neg->remote.sess_id = s->sdp_origin ? s->sdp_origin->o_id : 0;
	neg->remote.sess_version = s->sdp_origin ? s->sdp_origin->o_version : 0;
	switch (m->m_mode) {
	case sdp_sendonly:
		neg->remote.dir = MGCP_SDP_DIR_SENDONLY;
		break;
	case sdp_recvonly:
		neg->remote.dir = MGCP_SDP_DIR_RECVONLY;
		break;
	case sdp_inactive:
		neg->remote.dir = MGCP_SDP_DIR_INACTIVE;
		break;
	default:
		neg->remote.dir = MGCP_SDP_DIR_SENDRECV;
		break;
	}
	if (cc_media_add_pt(&neg->remote, rm) < 0)
		goto out;
	if (te) {
		neg->te = true;
		neg->te_pt = te->rm_pt;
		if (cc_media_add_pt(&neg->remote, te) < 0)
			goto out;
	}
	rc = 0;
out:
	su_home_unref(home);
	return rc;
}

const char *cc_media_sdp_dir(const char *text)
{
	su_home_t *home = su_home_new(sizeof(su_home_t));
	const char *dir = "sendrecv";
	const sdp_session_t *s;
	const sdp_media_t *m;

	if (!home)
		return dir;
	s = text && *text ? sdp_session(sdp_parse(home, text, strlen(text), 0)) : NULL;
	/* the stream the call uses (cc_media_sdp_negotiate()): a declined
	 * or other stream's direction says nothing of hold */
	for (m = s ? s->sdp_media : NULL; m; m = m->m_next)
		if (m->m_type == sdp_media_audio && m->m_port && !m->m_rejected)
			break;
	if (m && m->m_mode == sdp_sendonly)
		dir = "sendonly";
	else if (m && m->m_mode == sdp_recvonly)
		dir = "recvonly";
	else if (m && m->m_mode == sdp_inactive)
		dir = "inactive";
	su_home_unref(home);
	return dir;
}

/* The answer's direction mirrors the offer's (RFC 3264 6.1). */
static unsigned int cc_media_answer_mode(unsigned int offer_mode)
{
	switch (offer_mode) {
	case sdp_sendonly:
		return sdp_recvonly;
	case sdp_recvonly:
		return sdp_sendonly;
	case sdp_inactive:
		return sdp_inactive;
	default:
		return sdp_sendrecv;
	}
}

char *cc_media_sdp_answer(void *ctx, const char *offer, const struct cc_media_neg *neg,
			  const struct mgcp_sdp *gw)
{
	su_home_t *home = su_home_new(sizeof(su_home_t));
	sdp_connection_t conn = { .c_size = sizeof(conn) };
	sdp_origin_t origin = { .o_size = sizeof(origin) };
	sdp_rtpmap_t maps[2];
	const sdp_rtpmap_t *rm;
	sdp_session_t *s;
	sdp_media_t *m;
	sdp_printer_t *pr;
	char *out = NULL;
	unsigned int idx = 0;

	if (!home)
		return NULL;
	s = sdp_session_dup(home, sdp_session(sdp_parse(home, offer, strlen(offer), 0)));
	if (!s)
		goto out;
	conn.c_nettype = sdp_net_in;
	conn.c_addrtype = gw->ipv6 ? sdp_addr_ip6 : sdp_addr_ip4;
	conn.c_address = (char *)gw->addr;
	origin.o_username = "tandem";
	origin.o_id = gw->sess_id ? gw->sess_id : (uint64_t)time(NULL);
	origin.o_version = gw->sess_version;
	origin.o_address = &conn;
	s->sdp_origin = &origin;
	s->sdp_connection = &conn;
	s->sdp_information = NULL;
	s->sdp_uri = NULL;
	s->sdp_emails = NULL;
	s->sdp_phones = NULL;
	s->sdp_bandwidths = NULL;
	s->sdp_key = NULL;
	/* the offerer's session attributes (ICE, groups...) are not ours */
	s->sdp_attributes = NULL;
	for (m = s->sdp_media; m; m = m->m_next, idx++) {
		m->m_connections = NULL;
		m->m_bandwidths = NULL;
		m->m_key = NULL;
		m->m_information = NULL;
		if (idx != neg->audio_idx) {
			m->m_rejected = 1;
			m->m_port = 0;
			m->m_attributes = NULL;
			continue;
		}
		m->m_port = gw->port;
		m->m_number_of_ports = 0;
		m->m_attributes = NULL;
		m->m_mode = cc_media_answer_mode(m->m_mode);
		/* the offer's payload type numbers, as RFC 3264 6.1 wants */
		memset(maps, 0, sizeof(maps));
		for (rm = m->m_rtpmaps; rm; rm = rm->rm_next) {
			if (rm->rm_pt == neg->pt && !maps[0].rm_size)
				maps[0] = *rm;
			else if (neg->te && rm->rm_pt == neg->te_pt && !maps[1].rm_size)
				maps[1] = *rm;
		}
		if (!maps[0].rm_size)
			goto out;
		maps[0].rm_next = maps[1].rm_size ? &maps[1] : NULL;
		maps[1].rm_next = NULL;
		m->m_rtpmaps = &maps[0];
		m->m_format = NULL;
	}
	pr = sdp_print(home, s, NULL, 0, sdp_f_mode_always);
	if (pr && !sdp_printing_error(pr) && sdp_message(pr))
		out = talloc_strdup(ctx, sdp_message(pr));
out:
	su_home_unref(home);
	return out;
}

char *cc_media_sdp_offer(void *ctx, const struct mgcp_sdp *gw, const int *codecs, unsigned int n)
{
	struct mgcp_sdp offer = *gw;
	char buf[2048];
	unsigned int i, j;
	int len;

	offer.n_pt = 0;
	for (i = 0; i < n; i++) {
		enum mgcp_codec c = cc_media_sip_codec(codecs[i]);
		const struct mgcp_sdp_pt *found = NULL;

		if (c == MGCP_CODEC_NONE)
			continue;
		for (j = 0; j < gw->n_pt && !found; j++) {
			const char *name = mgcp_sdp_pt_name(&gw->pts[j]);

			if (name && mgcp_codec_by_name(name) == c)
				found = &gw->pts[j];
		}
		if (found)
			mgcp_sdp_add_pt(&offer, found->pt, mgcp_codecs[c].name, mgcp_codecs[c].rate, found->fmtp);
		else if (c == MGCP_CODEC_TELEPHONE_EVENT && offer.n_pt)
			/* gateways pass RFC 4733 events through without listing them */
			mgcp_sdp_add_pt(&offer, CC_MEDIA_TE_PT, mgcp_codecs[c].name, 8000, "0-15");
	}
	for (i = 0; i < offer.n_pt; i++)
		if (mgcp_codec_by_name(offer.pts[i].name) != MGCP_CODEC_TELEPHONE_EVENT)
			break;
	if (i == offer.n_pt)
		return NULL;
	offer.dir = MGCP_SDP_DIR_SENDRECV;
	if (!offer.sess_id)
		offer.sess_id = time(NULL);
	len = mgcp_sdp_encode(&offer, buf, sizeof(buf));
	if (len < 0)
		return NULL;
	return talloc_strndup(ctx, buf, len);
}
