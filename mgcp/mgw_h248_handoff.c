/* tandem-mgw H.248: the controller moves the gateway (H.248.1 7.2.8 and
 * 11.5).
 *
 * - ServiceChangeAddress in the controller's reply to our ServiceChange:
 *   our further requests go to that address (a port, or an mId); replies
 *   go where their request came from, and datagrams are read from it and
 *   from the controller we registered with (7.2.8).
 * - MgcIdToTry in that reply: the controller does not take us and names
 *   another one.  We reissue the same ServiceChange (method and reason)
 *   to that one (7.2.8, 11.2), which from then on is our controller.  At most
 *   MGW_H248_REDIRECTS_MAX redirects in a row are followed.  An
 *   MgcIdToTry that names the controller itself (some put their own mId in
 *   every reply) is an acceptance.
 * - ServiceChange Method=Handoff with MgcIdToTry from the controller, on
 *   ROOT in the NULL context: we answer it, then register with the new
 *   controller with Method=Handoff, Reason "903 MGC Directed Change" (11.5);
 *   the old one is foreign from then on.  Our contexts stay (11.5: "The MG
 *   shall maintain state on all Terminations and Contexts").
 *
 * Only IPv4 addresses in the mId's domainAddress form ("[a.b.c.d]:port")
 * are followed; a domain name or device name cannot be resolved here and
 * is answered 501 (Handoff) or ignored (in a reply); a Handoff without
 * MgcIdToTry is 442.  On ROOT the other methods are 501.
 * - ServiceChange Forced or Graceful on an idle timeslot (NULL context)
 *   takes it out of service: Add of it is answered 503 until a
 *   ServiceChange Restart brings it back.  A timeslot in a context is 435
 *   (the controller subtracts it first), wildcards and other methods 501.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <osmocom/core/fsm.h>
#include <osmocom/core/utils.h>

#include "mgcp/mgw.h"
#include "mgcp/mgw_h248.h"
#include "src/tandem_log.h"

/* H.248.1 Annex D.1: the port of the text encoding, when an mId has none */
#define MGC_DEFAULT_PORT 2944

static int port_parse(const char *s, uint16_t *port)
{
	char *end;
	unsigned long v;

	if (*s < '0' || *s > '9')
		return -EINVAL;
	v = strtoul(s, &end, 10);
	if (*end || v == 0 || v > 65535)
		return -EINVAL;
	*port = v;
	return 0;
}

int mgw_h248_addr_parse(const char *s, const char *def_ip, char ip[16], uint16_t *port)
{
	const char *host = s, *colon;
	size_t len;
	struct in_addr a;
	char buf[16];

	if (port_parse(s, port) == 0) {
		if (!def_ip || inet_pton(AF_INET, def_ip, &a) != 1)
			return -EINVAL;
		osmo_strlcpy(ip, def_ip, 16);
		return 0;
	}
	if (*s == '[') {
		const char *close = strchr(s, ']');

		if (!close)
			return -EINVAL;
		host = s + 1;
		len = close - host;
		colon = close[1] == ':' ? close + 1 : NULL;
		if (close[1] && !colon)
			return -EINVAL;
	} else {
		colon = strchr(s, ':');
		len = colon ? (size_t)(colon - s) : strlen(s);
	}
	if (len == 0 || len >= sizeof(buf))
		return -EINVAL;
	memcpy(buf, host, len);
	buf[len] = '\0';
	if (inet_pton(AF_INET, buf, &a) != 1)
		return -EINVAL;
	if (colon) {
		if (port_parse(colon + 1, port) < 0)
			return -EINVAL;
	} else {
		*port = MGC_DEFAULT_PORT;
	}
	osmo_strlcpy(ip, buf, 16);
	return 0;
}

void mgw_h248_peer(const struct mgw_h248 *h, const char **ip, uint16_t *port)
{
	*ip = h->peer_ip[0] ? h->peer_ip : h->cfg.ctrl_ip;
	*port = h->peer_port ? h->peer_port : h->cfg.ctrl_port;
}

void mgw_h248_ctrl_reset(struct mgw_h248 *h)
{
	h->peer_ip[0] = h->assoc_ip[0] = '\0';
	h->peer_port = h->assoc_port = 0;
}

void mgw_h248_ctrl_move(struct mgw_h248 *h, const char *ip, uint16_t port)
{
	OSMO_STRLCPY_ARRAY(h->peer_ip, ip);
	OSMO_STRLCPY_ARRAY(h->assoc_ip, ip);
	h->peer_port = h->assoc_port = port;
	/* the new controller numbers its transactions afresh (Annex D.1):
	 * the old one's must not make its first ones look like duplicates */
	if (h->tl)
		h248_tl_forget_received(h->tl);
}

static bool addr_is(const char *ip, uint16_t port, const struct sockaddr_in *sin)
{
	struct in_addr a;

	return ip && inet_pton(AF_INET, ip, &a) == 1 && a.s_addr == sin->sin_addr.s_addr &&
	       htons(port) == sin->sin_port;
}

bool mgw_h248_from_ctrl(const struct mgw_h248 *h, const struct sockaddr_in *from)
{
	const char *ip;
	uint16_t port;

	mgw_h248_peer(h, &ip, &port);
	if (addr_is(ip, port, from))
		return true;
	/* replies go where requests came from: the controller may go on
	 * sending from where we registered after naming another address */
	return addr_is(h->assoc_ip[0] ? h->assoc_ip : h->cfg.ctrl_ip,
		       h->assoc_port ? h->assoc_port : h->cfg.ctrl_port, from);
}

int mgw_h248_dest(const struct mgw_h248 *h, struct sockaddr_in *to)
{
	const char *ip;
	uint16_t port;

	if (h->rx_from) {
		*to = *h->rx_from;
		return 0;
	}
	mgw_h248_peer(h, &ip, &port);
	memset(to, 0, sizeof(*to));
	to->sin_family = AF_INET;
	to->sin_port = htons(port);
	if (!ip || inet_pton(AF_INET, ip, &to->sin_addr) != 1)
		return -EINVAL;
	return 0;
}

/* The ServiceChange descriptor of a reply, or NULL. */
static const struct h248_service_change *reply_sc(const struct h248_trans *reply)
{
	const struct h248_action *a;
	const struct h248_cmd *c;

	llist_for_each_entry(a, &reply->actions, list) {
		llist_for_each_entry(c, &a->cmds, list) {
			if (c->kind == H248_CMD_SERVICE_CHANGE && c->sc.present)
				return &c->sc;
		}
	}
	return NULL;
}

bool mgw_h248_sc_reply_seen(struct mgw_h248 *h, const struct h248_trans *reply)
{
	const struct h248_service_change *sc = reply ? reply_sc(reply) : NULL;
	const char *cur_ip;
	uint16_t cur_port, port;
	char ip[16];

	if (!sc)
		return false;
	mgw_h248_peer(h, &cur_ip, &cur_port);
	if (sc->mgc_id) {
		bool parsed = mgw_h248_addr_parse(sc->mgc_id, NULL, ip, &port) == 0;

		/* some controllers name themselves in every reply: that is no redirect */
		if (parsed && !strcmp(ip, cur_ip) && port == cur_port) {
			LOGP(DMGW, LOGL_INFO, "H.248 MgcIdToTry %s: the controller itself\n", sc->mgc_id);
		} else if (parsed) {
			OSMO_STRLCPY_ARRAY(h->next_ip, ip);
			h->next_port = port;
			LOGP(DMGW, LOGL_NOTICE, "H.248 controller %s:%u sends us on to %s\n", cur_ip, cur_port,
			     sc->mgc_id);
			return true;
		} else {
			LOGP(DMGW, LOGL_NOTICE, "H.248 MgcIdToTry %s: not an address we can use, ignored\n",
			     sc->mgc_id);
		}
	}
	if (sc->address) {
		if (mgw_h248_addr_parse(sc->address, cur_ip, ip, &port) < 0) {
			LOGP(DMGW, LOGL_NOTICE, "H.248 ServiceChangeAddress %s: not an address we can use, ignored\n",
			     sc->address);
		} else if (strcmp(ip, cur_ip) || port != cur_port) {
			OSMO_STRLCPY_ARRAY(h->peer_ip, ip);
			h->peer_port = port;
			mgw_h248_ctr_inc(h, MGW_H248_CTR_SC_ADDRESS);
			LOGP(DMGW, LOGL_NOTICE, "H.248 controller moves to %s:%u (ServiceChangeAddress)\n", ip, port);
		}
	}
	return false;
}

/* The controller takes an idle timeslot out of service, or back (7.2.8:
 * "The MGC may use ServiceChange to instruct the MG to take a Termination
 * or group of Terminations in or out of service"). */
static unsigned int sc_term(struct mgw_h248 *h, const struct h248_action *a, const struct h248_cmd *c)
{
	struct mgw_endpoint *ep;
	bool oos;

	switch (c->sc.method) {
	case H248_SC_FORCED:
	case H248_SC_GRACEFUL:
		/* an idle timeslot has nothing to wait for: at once */
		oos = true;
		break;
	case H248_SC_RESTART:
		oos = false;
		break;
	default:
		return H248_EC_NOT_IMPLEMENTED;
	}
	if (strchr(c->term_id, '*') || strchr(c->term_id, '$'))
		return H248_EC_NOT_IMPLEMENTED;
	ep = mgw_h248_tdm_endpoint(h, c->term_id);
	if (!ep) {
		/* RTP terminations live in contexts only */
		return mgw_h248_term_find(h, c->term_id, NULL) ? H248_EC_NOT_IMPLEMENTED : H248_EC_UNKNOWN_TERM;
	}
	/* one in a call: the controller subtracts it first */
	if (a->ctx != H248_CTX_NULL || ep->h248)
		return a->ctx == H248_CTX_NULL ? H248_EC_TERM_NOT_IN_CONTEXT : H248_EC_NOT_IMPLEMENTED;
	ep->h248_oos = oos;
	LOGP(DMGW, LOGL_NOTICE, "H.248 %s %s service (ServiceChange %s)\n", c->term_id, oos ? "out of" : "back in",
	     get_value_string(h248_sc_method_names, c->sc.method));
	mgw_h248_ctr_inc(h, MGW_H248_CTR_SC_RX);
	return 0;
}

unsigned int mgw_h248_sc_request(struct mgw_h248 *h, const struct h248_action *a, const struct h248_cmd *c,
				 struct h248_cmd *r)
{
	const struct h248_service_change *sc = &c->sc;
	uint16_t port;
	char ip[16];

	if (strcasecmp(c->term_id, "ROOT"))
		return sc_term(h, a, c);
	if (a->ctx != H248_CTX_NULL)
		return H248_EC_BAD_ID;		/* ROOT lives in the NULL context */
	if (sc->method != H248_SC_HANDOFF)
		return H248_EC_NOT_IMPLEMENTED;
	/* Handoff names the MGC to go to (7.2.8) */
	if (!sc->mgc_id)
		return H248_EC_SYNTAX_CMD;
	if (mgw_h248_addr_parse(sc->mgc_id, NULL, ip, &port) < 0)
		return H248_EC_NOT_IMPLEMENTED;	/* no resolver for names */
	if (!h->fi || h->fi->state != MGW_H248_ST_IN_SERVICE)
		return H248_EC_NOT_READY;
	OSMO_STRLCPY_ARRAY(h->next_ip, ip);
	h->next_port = port;
	h->next_method = H248_SC_HANDOFF;
	h->next_reason = "903 MGC Directed Change";
	LOGP(DMGW, LOGL_NOTICE, "H.248 Handoff to %s:%u ordered by the controller\n", ip, port);
	mgw_h248_reg_redirect(h);
	mgw_h248_ctr_inc(h, MGW_H248_CTR_SC_RX);
	return 0;
}
