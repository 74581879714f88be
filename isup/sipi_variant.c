/* application/ISUP version/base parameters <-> ISUP variants.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>
#include <strings.h>

#include "isup/sipi_body.h"
#include "isup/sipi_err.h"

/* Prefixes of RFC 3204 version/base tokens and what we decode them as.
 * gr317 (Telcordia) is ANSI-based; chn is not registered anywhere but
 * is what Chinese SIP-I gateways send. */
static const struct {
	const char *prefix;
	bool exact;
	enum isup_variant variant;
} sipi_version_rows[] = {
	{ "itu-t", false, ISUP_VARIANT_ITU },
	{ "etsi", false, ISUP_VARIANT_ITU },
	{ "ansi", false, ISUP_VARIANT_ANSI },
	{ "gr317", true, ISUP_VARIANT_ANSI },
	{ "chn", false, ISUP_VARIANT_CHINA },
};

const char sipi_accept[] = "application/sdp, multipart/mixed, application/ISUP;version=itu-t92+, "
			   "application/ISUP;version=etsi121, application/ISUP;version=ansi00, "
			   "application/ISUP;version=gr317, application/ISUP;version=chn";

static int variant_of(const char *v)
{
	unsigned int i;

	if (!v)
		return -1;
	for (i = 0; i < ARRAY_SIZE(sipi_version_rows); i++) {
		size_t n = strlen(sipi_version_rows[i].prefix);

		if (sipi_version_rows[i].exact ? strcasecmp(v, sipi_version_rows[i].prefix) == 0
					       : strncasecmp(v, sipi_version_rows[i].prefix, n) == 0)
			return sipi_version_rows[i].variant;
	}
	return -1;
}

int sipi_variant_from_params(const char *version, const char *base)
{
	int v = variant_of(version);

	/* base names the specification a national version derives from,
	 * so it lets us decode a version we do not know */
	if (v < 0)
		v = variant_of(base);
	return v < 0 ? -SIPI_ERR_UNSUPPORTED_VERSION : v;
}

const char *sipi_variant_default_version(enum isup_variant variant)
{
	switch (variant) {
	case ISUP_VARIANT_ANSI:
		return "ansi00";
	case ISUP_VARIANT_CHINA:
		return "chn";
	default:
		return "itu-t92+";
	}
}

void sipi_body_reaction(int rc, struct sipi_reaction *out)
{
	*out = (struct sipi_reaction){ .status = 400, .cause = 127 };
	switch (-rc) {
	case SIPI_ERR_UNSUPPORTED_TYPE:
	case SIPI_ERR_UNSUPPORTED_VERSION:
		out->status = 415;
		out->accept = sipi_accept;
		break;
	case SIPI_ERR_TOO_BIG:
		out->status = 413;
		break;
	case SIPI_ERR_NOMEM:
		out->status = 500;
		out->cause = 41;
		break;
	default:
		break;
	}
}
