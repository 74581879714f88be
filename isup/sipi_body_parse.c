/* Parsing SIP-I / SIP-T bodies with Sofia-SIP's multipart support.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mime.h>
#include <sofia-sip/msg_mime_protos.h>
#include <sofia-sip/sip_header.h>

#include "isup/sipi_body.h"
#include "isup/sipi_err.h"
#include "isup/sipi_mime_check.h"

/* What one body part is, independent of whether it came alone or in a
 * multipart. */
struct part_view {
	const msg_content_type_t *ct;
	const msg_content_disposition_t *cd;
	const uint8_t *data;
	size_t len;
};

static bool type_is(const msg_content_type_t *ct, const char *type)
{
	return ct && ct->c_type && strcasecmp(ct->c_type, type) == 0;
}

static bool type_is_multipart(const msg_content_type_t *ct)
{
	return ct && ct->c_type && strncasecmp(ct->c_type, "multipart/", 10) == 0;
}

/* RFC 3261 20.11: a missing handling parameter means required. */
static bool part_required(const msg_content_disposition_t *cd)
{
	return !cd || !cd->cd_optional;
}

static char *param_dup(void *ctx, const msg_content_type_t *ct, const char *name)
{
	const char *v = ct->c_params ? msg_params_find(ct->c_params, name) : NULL;
	size_t n;

	if (!v)
		return NULL;
	n = strlen(v);
	if (n >= 2 && v[0] == '"' && v[n - 1] == '"')
		return talloc_strndup(ctx, v + 1, n - 2);
	return talloc_strdup(ctx, v);
}

static int take_sdp(struct sipi_body_result *r, const struct part_view *pv)
{
	if (r->sdp)
		return -SIPI_ERR_DUPLICATE;
	if (pv->len > SIPI_SDP_MAX)
		return -SIPI_ERR_TOO_BIG;
	r->sdp = talloc_size(r, pv->len + 1);
	if (!r->sdp)
		return -SIPI_ERR_NOMEM;
	if (pv->len)
		memcpy(r->sdp, pv->data, pv->len);
	r->sdp[pv->len] = '\0';
	r->sdp_len = pv->len;
	return 0;
}

/* An optional part we cannot use is ignored (RFC 3204 section 5); a
 * required one fails the whole body. */
static int isup_unusable(struct sipi_body_result *r, int rc)
{
	r->isup_rc = rc;
	if (r->isup_required)
		return rc;
	r->isup_ignored = true;
	return 0;
}

static int take_isup(const struct sipi_profile *p, struct sipi_body_result *r, const struct part_view *pv)
{
	int v, rc;

	if (r->has_isup)
		return -SIPI_ERR_DUPLICATE;
	r->has_isup = true;
	r->isup_required = part_required(pv->cd);
	r->isup_version = param_dup(r, pv->ct, "version=");
	r->isup_base = param_dup(r, pv->ct, "base=");
	if (pv->len > ISUP_MAX_MSG_LEN)
		return isup_unusable(r, -SIPI_ERR_TOO_BIG);
	if (pv->len) {
		r->isup_raw = talloc_memdup(r, pv->data, pv->len);
		if (!r->isup_raw)
			return -SIPI_ERR_NOMEM;
		r->isup_len = pv->len;
	}
	if (!sipi_profile_encapsulates(p)) {
		/* plain SIP: the part is never looked at */
		r->isup_ignored = true;
		return 0;
	}
	if (pv->len == 0)
		return isup_unusable(r, -SIPI_ERR_EMPTY_PART);
	v = sipi_variant_from_params(r->isup_version, r->isup_base);
	if (v < 0)
		return isup_unusable(r, v);
	r->variant = v;
	rc = isup_decode(r, r->variant, r->isup_raw, r->isup_len, &r->isup, &r->isup_err);
	if (rc < 0)
		return isup_unusable(r, -SIPI_ERR_ISUP);
	return 0;
}

static int take_part(const struct sipi_profile *p, struct sipi_body_result *r, const struct part_view *pv)
{
	r->num_parts++;
	if (type_is_multipart(pv->ct))
		return -SIPI_ERR_NESTED;
	if (type_is(pv->ct, "application/sdp"))
		return take_sdp(r, pv);
	if (type_is(pv->ct, "application/isup"))
		return take_isup(p, r, pv);
	/* a part of a type we do not know: fine unless it must be read */
	if (pv->cd && pv->cd->cd_optional)
		return 0;
	if (pv->ct && !pv->cd && pv->len == 0)
		return 0;
	return -SIPI_ERR_UNSUPPORTED_TYPE;
}

static const char *boundary_of(su_home_t *home, const msg_content_type_t *ct)
{
	const char *b = ct->c_params ? msg_params_find(ct->c_params, "boundary=") : NULL;
	size_t n;

	if (!b)
		return NULL;
	n = strlen(b);
	if (n >= 2 && b[0] == '"' && b[n - 1] == '"')
		return msg_unquote_dup(home, b);
	return b;
}

static int parse_multipart(su_home_t *home, const struct sipi_profile *p, struct sipi_body_result *r,
			   const msg_content_type_t *ct, const uint8_t *data, size_t len)
{
	const char *boundary = boundary_of(home, ct);
	msg_multipart_t *mp, *all;
	msg_payload_t pl[1];
	char *buf;
	int rc;

	if (!boundary || !*boundary)
		return -SIPI_ERR_NO_BOUNDARY;
	if (strlen(boundary) > SIPI_BOUNDARY_MAX)
		return -SIPI_ERR_NO_BOUNDARY;
	if (len == 0)
		return -SIPI_ERR_MULTIPART;
	/* Sofia writes into the buffer and peeks a few octets past the
	 * delimiters it finds: give it a NUL-padded copy */
	buf = su_zalloc(home, len + SIPI_BOUNDARY_MAX + 16);
	if (!buf)
		return -SIPI_ERR_NOMEM;
	memcpy(buf, data, len);
	rc = sipi_mime_check(boundary, buf, len);
	if (rc < 0)
		return rc;

	msg_payload_init(pl);
	pl->pl_data = buf;
	pl->pl_len = len;
	all = msg_multipart_parse(home, ct, pl);
	if (!all)
		return -SIPI_ERR_MULTIPART;
	for (mp = all; mp; mp = mp->mp_next) {
		struct part_view pv = {
			.ct = mp->mp_content_type,
			.cd = mp->mp_content_disposition,
			.data = mp->mp_payload ? (const uint8_t *)mp->mp_payload->pl_data : NULL,
			.len = mp->mp_payload ? mp->mp_payload->pl_len : 0,
		};

		if (r->num_parts >= SIPI_MAX_PARTS)
			return -SIPI_ERR_TOO_BIG;
		rc = take_part(p, r, &pv);
		if (rc < 0)
			return rc;
	}
	return 0;
}

static int parse_body(su_home_t *home, const struct sipi_profile *p, struct sipi_body_result *r,
		      const msg_content_type_t *ct, const msg_content_disposition_t *cd, const uint8_t *data,
		      size_t len)
{
	struct part_view pv = { .ct = ct, .cd = cd, .data = data, .len = len };

	if (len > SIPI_BODY_MAX)
		return -SIPI_ERR_TOO_BIG;
	if (!ct) {
		/* RFC 3261 20.15: a body needs a Content-Type */
		return len ? -SIPI_ERR_UNSUPPORTED_TYPE : 0;
	}
	if (type_is_multipart(ct))
		return parse_multipart(home, p, r, ct, data, len);
	if (len == 0 && !type_is(ct, "application/isup"))
		return 0;
	return take_part(p, r, &pv);
}

static int finish(void *ctx, struct sipi_body_result *r, int rc, struct sipi_body_result **out)
{
	if (rc < 0) {
		talloc_free(r);
		*out = NULL;
		return rc;
	}
	*out = r;
	return 0;
}

int sipi_body_parse(void *ctx, const struct sipi_profile *p, const sip_t *sip, struct sipi_body_result **out)
{
	struct sipi_body_result *r;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	int rc;

	*out = NULL;
	r = talloc_zero(ctx, struct sipi_body_result);
	if (!r)
		return -SIPI_ERR_NOMEM;
	rc = parse_body(home, p, r, sip->sip_content_type, sip->sip_content_disposition,
			sip->sip_payload ? (const uint8_t *)sip->sip_payload->pl_data : NULL,
			sip->sip_payload ? sip->sip_payload->pl_len : 0);
	su_home_deinit(home);
	return finish(ctx, r, rc, out);
}

int sipi_body_parse_raw(void *ctx, const struct sipi_profile *p, const char *content_type,
			const char *content_disposition, const uint8_t *data, size_t len,
			struct sipi_body_result **out)
{
	struct sipi_body_result *r;
	msg_content_type_t *ct = NULL;
	msg_content_disposition_t *cd = NULL;
	su_home_t home[1] = { SU_HOME_INIT(home) };
	int rc = 0;

	*out = NULL;
	r = talloc_zero(ctx, struct sipi_body_result);
	if (!r)
		return -SIPI_ERR_NOMEM;
	if (content_type) {
		ct = msg_content_type_make(home, content_type);
		if (!ct)
			rc = -SIPI_ERR_BAD_HEADER;
	}
	if (content_disposition && rc == 0) {
		cd = msg_content_disposition_make(home, content_disposition);
		if (!cd)
			rc = -SIPI_ERR_BAD_HEADER;
	}
	if (rc == 0)
		rc = parse_body(home, p, r, ct, cd, data, data ? len : 0);
	su_home_deinit(home);
	return finish(ctx, r, rc, out);
}
