/* Building SIP-I / SIP-T bodies with Sofia-SIP's multipart support.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>

#include <talloc.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/msg.h>
#include <sofia-sip/msg_header.h>
#include <sofia-sip/msg_mime.h>
#include <sofia-sip/msg_mime_protos.h>
#include <sofia-sip/sip_header.h>

#include "isup/sipi_body.h"
#include "isup/sipi_err.h"

static char *isup_content_type(void *ctx, const struct sipi_profile *p)
{
	const char *version = p->isup_version ? p->isup_version : sipi_variant_default_version(p->variant);

	if (p->isup_base)
		return talloc_asprintf(ctx, "application/ISUP;version=%s;base=%s", version, p->isup_base);
	return talloc_asprintf(ctx, "application/ISUP;version=%s", version);
}

static const char *isup_disposition(const struct sipi_profile *p)
{
	return p->isup_required ? "signal;handling=required" : "signal;handling=optional";
}

/* A boundary that occurs in neither part, so that no part can end
 * early (RFC 2046 5.1.1).  Deterministic, which keeps captures and
 * tests reproducible. */
static int pick_boundary(char *out, size_t size, const char *sdp, size_t sdp_len, const uint8_t *isup,
			 size_t isup_len)
{
	unsigned int i;

	for (i = 0; i < 100; i++) {
		snprintf(out, size, "tandem-sipi-%u", i);
		if (!memmem(sdp, sdp_len, out, strlen(out)) && !memmem(isup, isup_len, out, strlen(out)))
			return 0;
	}
	return -SIPI_ERR_INVAL;
}

static int build_multipart(struct sipi_body *b, const struct sipi_profile *p, const char *sdp, const uint8_t *isup,
			   size_t isup_len)
{
	char boundary[32], ctbuf[64];
	msg_multipart_t *mp;
	msg_content_type_t *c;
	msg_header_t *h = NULL;
	su_home_t *home;
	char *isup_ct;
	issize_t len;
	size_t off;
	msg_t *msg;
	int rc = -SIPI_ERR_NOMEM;

	rc = pick_boundary(boundary, sizeof(boundary), sdp, strlen(sdp), isup, isup_len);
	if (rc < 0)
		return rc;
	isup_ct = isup_content_type(b, p);
	if (!isup_ct)
		return -SIPI_ERR_NOMEM;
	/* msg_multipart_prepare() encodes into a message's buffer */
	msg = msg_create(sip_default_mclass(), 0);
	if (!msg)
		return -SIPI_ERR_NOMEM;
	home = msg_home(msg);
	rc = -SIPI_ERR_NOMEM;
	mp = msg_multipart_create(home, "application/sdp", sdp, strlen(sdp));
	if (!mp)
		goto out;
	mp->mp_next = msg_multipart_create(home, isup_ct, isup, isup_len);
	if (!mp->mp_next)
		goto out;
	mp->mp_next->mp_content_disposition = msg_content_disposition_make(home, isup_disposition(p));
	if (!mp->mp_next->mp_content_disposition)
		goto out;
	snprintf(ctbuf, sizeof(ctbuf), "multipart/mixed;boundary=%s", boundary);
	c = msg_content_type_make(home, ctbuf);
	if (!c)
		goto out;
	rc = -SIPI_ERR_INVAL;
	if (msg_multipart_complete(home, c, mp) < 0)
		goto out;
	if (!msg_multipart_serialize(&h, mp))
		goto out;
	len = msg_multipart_prepare(msg, mp, 0);
	if (len <= 0)
		goto out;
	rc = -SIPI_ERR_NOMEM;
	b->data = talloc_size(b, len);
	if (!b->data)
		goto out;
	/* the encoded multipart is the chain of its fragments */
	for (off = 0, h = (msg_header_t *)mp; h && off < (size_t)len; h = h->sh_succ) {
		if (off + h->sh_len > (size_t)len) {
			rc = -SIPI_ERR_INVAL;
			goto out;
		}
		memcpy(b->data + off, h->sh_data, h->sh_len);
		off += h->sh_len;
	}
	if (off != (size_t)len) {
		rc = -SIPI_ERR_INVAL;
		goto out;
	}
	b->len = len;
	b->content_type = talloc_strdup(b, ctbuf);
	b->mime_version = talloc_strdup(b, "1.0");
	rc = (b->content_type && b->mime_version) ? 0 : -SIPI_ERR_NOMEM;
out:
	msg_destroy(msg);
	return rc;
}

int sipi_body_build(void *ctx, const struct sipi_profile *p, const char *sdp, const struct isup_msg *isup,
		    struct sipi_body **out)
{
	struct sipi_body *b;
	uint8_t *isup_buf = NULL;
	int isup_len = 0, rc;

	*out = NULL;
	if (!sipi_profile_encapsulates(p))
		isup = NULL;
	if (!sdp && !isup)
		return 0;
	b = talloc_zero(ctx, struct sipi_body);
	if (!b)
		return -SIPI_ERR_NOMEM;
	if (isup) {
		/* the body starts at the message type, never with a CIC */
		isup_buf = talloc_size(b, ISUP_MAX_MSG_LEN);
		if (!isup_buf) {
			rc = -SIPI_ERR_NOMEM;
			goto err;
		}
		isup_len = isup_encode(isup, isup_buf, ISUP_MAX_MSG_LEN);
		if (isup_len <= 0) {
			rc = -SIPI_ERR_INVAL;
			goto err;
		}
	}
	if (sdp && isup) {
		rc = build_multipart(b, p, sdp, isup_buf, isup_len);
		talloc_free(isup_buf);
		if (rc < 0)
			goto err;
	} else if (isup) {
		b->data = talloc_realloc_size(b, isup_buf, isup_len);
		b->len = isup_len;
		b->content_type = isup_content_type(b, p);
		b->content_disposition = talloc_strdup(b, isup_disposition(p));
		if (!b->data || !b->content_type || !b->content_disposition) {
			rc = -SIPI_ERR_NOMEM;
			goto err;
		}
	} else {
		b->len = strlen(sdp);
		b->data = talloc_memdup(b, sdp, b->len + 1);
		b->content_type = talloc_strdup(b, "application/sdp");
		if (!b->data || !b->content_type) {
			rc = -SIPI_ERR_NOMEM;
			goto err;
		}
	}
	*out = b;
	return 0;
err:
	talloc_free(b);
	return rc;
}
