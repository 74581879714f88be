/* SIP trunks: digest authentication of the peer's requests (`auth
 * incoming REALM USER PASS`, RFC 3261 22.4, RFC 2617).  Sofia-SIP's own
 * server-side module does the work (sofia-sip/auth_module.h: nonces
 * signed with a per-module key, qop=auth, nonce lifetime, stale=true):
 * nua has no server-side authentication of its own, and digest is easy
 * to get subtly wrong by hand.  One module per trunk, made on first use
 * and dropped whenever the trunk's configuration changes.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <errno.h>
#include <string.h>

#include <sofia-sip/auth_module.h>
#include <sofia-sip/auth_plugin.h>
#include <sofia-sip/nua.h>
#include <sofia-sip/nua_tag.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_status.h>
#include <sofia-sip/su_string.h>
#include <sofia-sip/url.h>

#include <osmocom/core/logging.h>

#include "src/app.h"
#include "src/sip_loop.h"
#include "src/sip_trunk.h"
#include "src/sip_trunk_priv.h"
#include "src/tandem_log.h"

/* Nonces live five minutes; a retransmitted INVITE reuses its nonce. */
#define SIP_TRUNK_NONCE_EXPIRES	300

static const auth_challenger_t sip_trunk_challenger = {
	401, "Unauthorized", sip_www_authenticate_class, sip_authentication_info_class,
};

void sip_trunk_auth_reset(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);

	if (p && p->am) {
		auth_mod_unref(p->am);
		p->am = NULL;
	}
}

static auth_mod_t *auth_module(struct sip_trunk *t)
{
	struct sip_trunk_priv *p = sip_trunk_priv(t);
	auth_passwd_t *apw;

	if (p->am)
		return p->am;
	p->am = auth_mod_create(g_app && g_app->loop ? sip_loop_root(g_app->loop) : NULL,
				AUTHTAG_METHOD("Digest"), AUTHTAG_REALM(t->auth_in_realm),
				AUTHTAG_QOP("auth"), AUTHTAG_ALGORITHM("MD5"),
				AUTHTAG_EXPIRES(SIP_TRUNK_NONCE_EXPIRES), AUTHTAG_BLACKLIST(0),
				AUTHTAG_FORBIDDEN(1), TAG_END());
	if (!p->am)
		return NULL;
	/* one user, from the config rather than an htdigest file */
	apw = auth_mod_addpass(p->am, t->auth_in_user, t->auth_in_realm);
	if (!apw) {
		sip_trunk_auth_reset(t);
		return NULL;
	}
	apw->apw_pass = su_strdup(p->am->am_home, t->auth_in_pass);
	return p->am;
}

int sip_trunk_auth_check(struct sip_trunk *t, struct nua_s *nua, struct nua_handle_s *nh,
			 const struct sip_s *sip)
{
	auth_mod_t *am = auth_module(t);
	/* a home of its own, freed by the last unref */
	auth_status_t *as = am ? auth_status_new(NULL) : NULL;
	int rc = -EACCES;

	if (!as || !sip->sip_request) {
		LOGP(DSIP, LOGL_ERROR, "SIP trunk %s: cannot check digest, refusing\n", t->name);
		sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_AUTH_FAIL);
		nua_respond(nh, SIP_500_INTERNAL_SERVER_ERROR, NUTAG_WITH_THIS(nua), TAG_END());
		if (as)
			auth_status_unref(as);
		return -ENOMEM;
	}
	as->as_method = sip->sip_request->rq_method_name;
	as->as_uri = url_as_string(as->as_home, sip->sip_request->rq_url);
	as->as_realm = t->auth_in_realm;
	if (sip->sip_payload) {
		as->as_body = sip->sip_payload->pl_data;
		as->as_bodylen = sip->sip_payload->pl_len;
	}
	auth_mod_verify(am, as, sip->sip_authorization, &sip_trunk_challenger);
	if (as->as_status == 0) {
		rc = 0;
	} else {
		/* no credentials, or a stale nonce, is the normal first round */
		if (sip->sip_authorization && !as->as_stale) {
			sip_trunk_ctr_inc(t, SIP_TRUNK_CTR_AUTH_FAIL);
			LOGP(DSIP, LOGL_NOTICE, "SIP trunk %s: %s with bad credentials (%d %s)\n", t->name,
			     as->as_method, as->as_status, as->as_phrase ?: "");
		}
		nua_respond(nh, as->as_status, as->as_phrase, NUTAG_WITH_THIS(nua),
			    SIPTAG_HEADER((sip_header_t *)as->as_response), TAG_END());
	}
	auth_status_unref(as);
	return rc;
}
