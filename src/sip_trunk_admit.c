/* SIP trunks: admission of an incoming dialog-creating request.  One
 * that arrives on a trunk's own bind (`local-bind`) is that trunk's or
 * nobody's; one on the SIP agent's listener goes to the first trunk that
 * admits its source.  The
 * source address is the one the transport received the request from
 * (msg_addrinfo() of nua's current request), not the Via, which the
 * sender writes itself.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>

#include <sofia-sip/msg_addr.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su.h>

#include <osmocom/core/logging.h>
#include <osmocom/core/utils.h>

#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"
#include "src/tandem_log.h"

#define SIP_TRUNK_403_WARNING "399 tandem \"source address is on no SIP trunk's access list\""
#define SIP_TRUNK_BIND_403_WARNING "399 tandem \"source address is not on the access list of this bind's trunk\""

/* A refused source that is a peer of a trunk whose explicit ACL leaves
 * it out: count it on that trunk, it is probably a configuration slip. */
static void count_on_peer_trunks(const struct sockaddr *src)
{
	struct sip_trunk_acl peer;
	struct sip_trunk *t;
	unsigned int i;

	llist_for_each_entry(t, sip_trunk_list(), list)
		for (i = 0; i < t->num_peers; i++)
			if (sip_trunk_acl_parse(t->peers[i].host, &peer) == 0 && sip_trunk_acl_match(&peer, src)) {
				sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_ACL_REJECT);
				break;
			}
}

static void addr_str(const struct sockaddr *sa, char *buf, size_t len)
{
	const void *a = sa->sa_family == AF_INET6 ? (const void *)&((const struct sockaddr_in6 *)sa)->sin6_addr
						  : (const void *)&((const struct sockaddr_in *)sa)->sin_addr;

	if (!inet_ntop(sa->sa_family, a, buf, len))
		osmo_strlcpy(buf, "?", len);
}

int sip_trunk_admit(struct nua_s *nua, struct nua_handle_s *nh, const struct sip_s *sip,
		    struct sip_trunk **out)
{
	msg_t *msg = nua_current_request(nua);
	su_addrinfo_t *ai = msg ? msg_addrinfo(msg) : NULL;
	struct sip_trunk *t, *bound;
	const char *method;
	char src[INET6_ADDRSTRLEN];

	*out = NULL;
	if (!sip_trunk_count())
		return 0;
	if (!sip || !sip->sip_request) {
		sip_trunks_ctr_inc(SIP_TRUNKS_CTR_MALFORMED);
		nua_respond(nh, SIP_400_BAD_REQUEST, NUTAG_WITH_THIS(nua), TAG_END());
		return -EINVAL;
	}
	method = sip->sip_request->rq_method_name;
	if (!ai || !ai->ai_addr || (ai->ai_family != AF_INET && ai->ai_family != AF_INET6)) {
		sip_trunks_ctr_inc(SIP_TRUNKS_CTR_NO_SOURCE);
		LOGP(DSIP, LOGL_ERROR, "%s: no source address from the stack, refusing 403\n", method);
		nua_respond(nh, 403, "Forbidden", NUTAG_WITH_THIS(nua), SIPTAG_WARNING_STR(SIP_TRUNK_403_WARNING),
			    TAG_END());
		return -EACCES;
	}
	bound = sip_trunk_by_nua(nua);
	if (bound) {
		/* on a trunk's own bind, only that trunk can admit */
		if (!sip_trunk_admits(bound, ai->ai_addr)) {
			sip_trunk_ctr_inc(bound, SIP_TRUNK_CTR_ACL_REJECT);
			addr_str(ai->ai_addr, src, sizeof(src));
			LOGP(DSIP, LOGL_NOTICE, "%s (Call-ID %s) from %s on the bind of SIP trunk %s refused 403: "
			     "not on its access list\n", method, sip->sip_call_id ? sip->sip_call_id->i_id : "?", src,
			     bound->name);
			nua_respond(nh, 403, "Source Not Allowed", NUTAG_WITH_THIS(nua),
				    SIPTAG_WARNING_STR(SIP_TRUNK_BIND_403_WARNING), TAG_END());
			return -EACCES;
		}
		t = bound;
	} else {
		t = sip_trunk_by_source(ai->ai_addr);
	}
	if (!t) {
		sip_trunks_ctr_inc(SIP_TRUNKS_CTR_UNKNOWN_SOURCE);
		count_on_peer_trunks(ai->ai_addr);
		addr_str(ai->ai_addr, src, sizeof(src));
		LOGP(DSIP, LOGL_NOTICE, "%s (Call-ID %s) from %s refused 403: on no trunk's access list\n", method,
		     sip->sip_call_id ? sip->sip_call_id->i_id : "?", src);
		nua_respond(nh, 403, "Source Not Allowed", NUTAG_WITH_THIS(nua),
			    SIPTAG_WARNING_STR(SIP_TRUNK_403_WARNING), TAG_END());
		return -EACCES;
	}
	if (t->auth_in_user[0]) {
		int rc = sip_trunk_auth_check(t, nua, nh, sip);

		if (rc < 0)
			return rc;
	}
	*out = t;
	return 0;
}
