/* IAM <-> INVITE headers.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include <sofia-sip/sip_header.h>
#include <sofia-sip/sip_extra.h>

#include "isup/sipi_call.h"
#include "isup/sipi_err.h"
#include "isup/sipi_number.h"
#include "isup/sipi_redir.h"

#define URI_MAX 256

static char *uri_of(void *ctx, const struct sipi_profile *p, const struct isup_number *n, int cpc, int *rc)
{
	char buf[URI_MAX];

	*rc = sipi_number_to_uri(buf, sizeof(buf), p, n, cpc);
	if (*rc < 0)
		return NULL;
	return talloc_strdup(ctx, buf);
}

static int calling_to_headers(struct sipi_invite_hdrs *h, const struct sipi_profile *p, const struct isup_msg *iam)
{
	struct isup_number cg;
	struct isup_cpc cpc = { .category = 0x0a };
	int cpc_val = -1, rc;
	bool pai_ok;
	char *uri;

	if (sipi_profile_maps(p, SIPI_HDR_CPC) && isup_msg_get_bf(iam, ISUP_PAR_CPC, &cpc, sizeof(cpc)) == 0)
		cpc_val = cpc.category;
	if (!isup_msg_find_param(iam, ISUP_PAR_CALLING) || isup_msg_get_number(iam, ISUP_PAR_CALLING, &cg) < 0 ||
	    cg.pres == ISUP_APRI_NOT_AVAILABLE || !cg.digits[0]) {
		h->from = talloc_strdup(h, SIPI_ANONYMOUS_FROM);
		return h->from ? 0 : -SIPI_ERR_NOMEM;
	}
	/* only a number the network vouches for is asserted (RFC 3325) */
	pai_ok = sipi_profile_maps(p, SIPI_HDR_PAI) &&
		 (cg.screen == ISUP_SCREEN_NETWORK || cg.screen == ISUP_SCREEN_USER_PASSED);
	uri = uri_of(h, p, &cg, -1, &rc);
	if (!uri)
		return rc;
	if (pai_ok) {
		char *with_cpc = uri_of(h, p, &cg, cpc_val, &rc);

		if (!with_cpc)
			return rc;
		h->p_asserted_identity = talloc_asprintf(h, "<%s>", with_cpc);
		talloc_free(with_cpc);
		if (!h->p_asserted_identity)
			return -SIPI_ERR_NOMEM;
	}
	if (cg.pres == ISUP_APRI_RESTRICTED) {
		h->from = talloc_strdup(h, SIPI_ANONYMOUS_FROM);
		if (sipi_profile_maps(p, SIPI_HDR_PRIVACY))
			h->privacy = talloc_strdup(h, "id");
	} else if (pai_ok || cpc_val < 0) {
		h->from = talloc_asprintf(h, "<%s>", uri);
	} else {
		/* no PAI to carry the category: From does */
		char *with_cpc = uri_of(h, p, &cg, cpc_val, &rc);

		if (!with_cpc)
			return rc;
		h->from = talloc_asprintf(h, "<%s>", with_cpc);
		talloc_free(with_cpc);
	}
	talloc_free(uri);
	return h->from ? 0 : -SIPI_ERR_NOMEM;
}

int sipi_iam_to_invite(void *ctx, const struct sipi_profile *p, const struct isup_msg *iam,
		       struct sipi_invite_hdrs **out)
{
	struct sipi_invite_hdrs *h;
	struct isup_number cd;
	struct isup_hop_counter hop;
	struct sipi_redirection r;
	int rc;

	*out = NULL;
	if (iam->type != ISUP_MSG_IAM)
		return -SIPI_ERR_INVAL;
	if (isup_msg_get_number(iam, ISUP_PAR_CALLED, &cd) < 0)
		return -SIPI_ERR_BAD_NUMBER;
	h = talloc_zero(ctx, struct sipi_invite_hdrs);
	if (!h)
		return -SIPI_ERR_NOMEM;
	h->request_uri = uri_of(h, p, &cd, -1, &rc);
	if (!h->request_uri)
		goto err;
	h->to = talloc_asprintf(h, "<%s>", h->request_uri);
	rc = -SIPI_ERR_NOMEM;
	if (!h->to)
		goto err;
	rc = calling_to_headers(h, p, iam);
	if (rc < 0)
		goto err;
	if (sipi_profile_maps(p, SIPI_HDR_MAX_FORWARDS) && isup_msg_find_param(iam, ISUP_PAR_HOP_COUNTER) &&
	    isup_msg_get_bf(iam, ISUP_PAR_HOP_COUNTER, &hop, sizeof(hop)) == 0)
		h->max_forwards = sipi_max_forwards_from_hop(p, hop.count);
	rc = sipi_redir_from_iam(iam, &r);
	if (rc < 0)
		goto err;
	if (sipi_profile_maps(p, SIPI_HDR_HISTORY_INFO))
		rc = sipi_history_info_format(h, p, &r, &cd, &h->history_info);
	else if (sipi_profile_maps(p, SIPI_HDR_DIVERSION))
		rc = sipi_diversion_format(h, p, &r, &h->diversion);
	if (rc < 0)
		goto err;
	*out = h;
	return 0;
err:
	talloc_free(h);
	return rc;
}

static const char *unknown_header(const sip_t *sip, const char *name)
{
	const sip_unknown_t *u;

	for (u = sip->sip_unknown; u; u = u->un_next)
		if (u->un_name && strcasecmp(u->un_name, name) == 0)
			return u->un_value;
	return NULL;
}

int sipi_invite_in_from_sip(void *ctx, const sip_t *sip, struct sipi_invite_in *in)
{
	const sip_privacy_t *priv = sip->sip_privacy;
	unsigned int i;

	memset(in, 0, sizeof(*in));
	in->max_forwards = sip->sip_max_forwards ? (int)(sip->sip_max_forwards->mf_count > 255
								 ? 255 : sip->sip_max_forwards->mf_count)
						 : -1;
	if (sip->sip_request)
		in->request_uri = url_as_string(ctx, sip->sip_request->rq_url);
	if (sip->sip_from)
		in->from = url_as_string(ctx, sip->sip_from->a_url);
	/* P-Asserted-Identity is an extension header: it is parsed only
	 * when the agent registered it, else it stays unknown */
	in->p_asserted_identity = unknown_header(sip, "P-Asserted-Identity");
	if (!in->p_asserted_identity && sip_p_asserted_identity(sip))
		in->p_asserted_identity = url_as_string(ctx, sip_p_asserted_identity(sip)->paid_url);
	for (i = 0; priv && priv->priv_values && priv->priv_values[i]; i++)
		if (strcasecmp(priv->priv_values[i], "id") == 0 || strcasecmp(priv->priv_values[i], "header") == 0)
			in->privacy_id = true;
	in->history_info = unknown_header(sip, "History-Info");
	in->diversion = unknown_header(sip, "Diversion");
	return 0;
}

/* Encode a bit-field parameter and set it; 0 or -SIPI_ERR_INVAL. */
#define SET_BF(iam, code, type, v) \
	({ \
		uint8_t _b[4]; \
		int _n = isup_##type##_encode(_b, sizeof(_b), v); \
		(_n < 0 || isup_msg_set_param(iam, code, _b, (uint8_t)_n) < 0) ? -SIPI_ERR_INVAL : 0; \
	})

/* The fixed part of an IAM made at the interworking point (Q.1912.5
 * 7.x): interworking encountered, ISUP not required all the way,
 * 3.1 kHz audio. */
static struct isup_msg *fresh_iam(void *ctx, const struct sipi_profile *p, uint8_t category)
{
	struct isup_msg *iam = isup_msg_alloc(ctx, p->variant, ISUP_MSG_IAM);
	struct isup_nci nci = { 0 };
	struct isup_fci fci = { .interworking = 1, .isup_preference = 1 };
	struct isup_cpc cpc = { .category = category };
	struct isup_tmr tmr = { .medium = 3 };
	/* ANSI has user service information instead of TMR: speech,
	 * 64 kbit/s circuit mode, G.711 mu-law */
	static const uint8_t ansi_usi[] = { 0x80, 0x90, 0xa2 };

	if (!iam)
		return NULL;
	if (SET_BF(iam, ISUP_PAR_NCI, nci, &nci) < 0 || SET_BF(iam, ISUP_PAR_FCI, fci, &fci) < 0 ||
	    SET_BF(iam, ISUP_PAR_CPC, cpc, &cpc) < 0)
		goto err;
	if (p->variant == ISUP_VARIANT_ANSI) {
		if (isup_msg_set_param(iam, ISUP_PAR_USI, ansi_usi, sizeof(ansi_usi)) < 0)
			goto err;
	} else if (SET_BF(iam, ISUP_PAR_TMR, tmr, &tmr) < 0) {
		goto err;
	}
	return iam;
err:
	talloc_free(iam);
	return NULL;
}

static int called_from_ruri(struct isup_msg *iam, const struct sipi_invite_in *in, bool from_body)
{
	struct isup_number uri_num, body_num;
	int rc;

	if (!in->request_uri)
		return from_body ? 0 : -SIPI_ERR_BAD_URI;
	memset(&uri_num, 0, sizeof(uri_num));
	rc = sipi_number_from_uri(in->request_uri, &uri_num, NULL);
	if (rc < 0)
		/* a body's called number stands when the R-URI has none */
		return from_body ? 0 : rc;
	if (from_body && isup_msg_get_number(iam, ISUP_PAR_CALLED, &body_num) == 0) {
		if (body_num.nai == uri_num.nai && strcmp(body_num.digits, uri_num.digits) == 0)
			return 0;
		/* retargeted on the SIP side: the Request-URI wins, the
		 * other header bits of the body stay */
		body_num.nai = uri_num.nai;
		memcpy(body_num.digits, uri_num.digits, sizeof(body_num.digits));
		uri_num = body_num;
	}
	return isup_msg_set_number(iam, ISUP_PAR_CALLED, &uri_num) < 0 ? -SIPI_ERR_BAD_NUMBER : 0;
}

static void calling_from_headers(struct isup_msg *iam, const struct sipi_invite_in *in)
{
	struct isup_number cg;

	if (isup_msg_find_param(iam, ISUP_PAR_CALLING))
		return;
	memset(&cg, 0, sizeof(cg));
	if (in->p_asserted_identity && sipi_number_from_uri(in->p_asserted_identity, &cg, NULL) == 0)
		cg.screen = ISUP_SCREEN_NETWORK;
	else if (in->from && sipi_number_from_uri(in->from, &cg, NULL) == 0)
		cg.screen = ISUP_SCREEN_USER_NOT_SCREENED;
	else
		return;
	cg.pres = in->privacy_id ? ISUP_APRI_RESTRICTED : ISUP_APRI_ALLOWED;
	isup_msg_set_number(iam, ISUP_PAR_CALLING, &cg);
}

static int hop_from_headers(struct isup_msg *iam, const struct sipi_profile *p, const struct sipi_invite_in *in)
{
	struct isup_hop_counter hop = { 0 }, body_hop;

	if (in->max_forwards < 0 || !sipi_profile_maps(p, SIPI_HDR_MAX_FORWARDS))
		return 0;
	hop.count = sipi_hop_from_max_forwards(p, (unsigned int)in->max_forwards);
	if (isup_msg_find_param(iam, ISUP_PAR_HOP_COUNTER) &&
	    isup_msg_get_bf(iam, ISUP_PAR_HOP_COUNTER, &body_hop, sizeof(body_hop)) == 0 &&
	    body_hop.count <= hop.count)
		return 0;
	return SET_BF(iam, ISUP_PAR_HOP_COUNTER, hop_counter, &hop);
}

static int redirection_from_headers(struct isup_msg *iam, const struct sipi_profile *p,
				    const struct sipi_invite_in *in)
{
	struct sipi_redirection r;
	int rc = 0;

	if (p->mode == SIPI_MODE_SIPT || isup_msg_find_param(iam, ISUP_PAR_REDIRECTING))
		return 0;
	memset(&r, 0, sizeof(r));
	if (in->history_info)
		rc = sipi_history_info_parse(in->history_info, &r);
	if (rc == 0 && !r.has_redirecting && in->diversion)
		rc = sipi_diversion_parse(in->diversion, &r);
	if (rc < 0 || !r.has_redirecting)
		return rc;
	return sipi_redir_to_iam(iam, &r);
}

int sipi_invite_to_iam(void *ctx, const struct sipi_profile *p, const struct sipi_invite_in *in,
		       const struct sipi_body_result *body, struct isup_msg **out)
{
	struct isup_msg *iam = NULL;
	bool from_body = false;
	uint8_t category = 0x0a;
	struct sipi_uri_info info;
	struct isup_number tmp;
	int rc;

	*out = NULL;
	if (body && body->isup && !body->isup_ignored && body->isup->type == ISUP_MSG_IAM &&
	    sipi_profile_encapsulates(p)) {
		/* compact: the call keeps its IAM as long as it lasts */
		if (isup_decode_ex(ctx, body->variant, ISUP_DEC_COMPACT, body->isup_raw, body->isup_len,
				   &iam, NULL) < 0)
			return -SIPI_ERR_ISUP;
		from_body = true;
	} else {
		const char *src = in->p_asserted_identity ? in->p_asserted_identity : in->from;

		if (sipi_profile_maps(p, SIPI_HDR_CPC) && src && sipi_number_from_uri(src, &tmp, &info) == 0 &&
		    info.has_cpc)
			category = info.cpc;
		iam = fresh_iam(ctx, p, category);
		if (!iam)
			return -SIPI_ERR_NOMEM;
	}
	rc = called_from_ruri(iam, in, from_body);
	if (rc < 0)
		goto err;
	calling_from_headers(iam, in);
	rc = hop_from_headers(iam, p, in);
	if (rc < 0)
		goto err;
	rc = redirection_from_headers(iam, p, in);
	if (rc < 0)
		goto err;
	*out = iam;
	return 0;
err:
	talloc_free(iam);
	return rc;
}
