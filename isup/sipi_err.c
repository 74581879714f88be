/* SIP-I/SIP-T library error names and counters.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <osmocom/core/rate_ctr.h>
#include <osmocom/core/stats.h>

#include "isup/sipi_err.h"

const struct value_string sipi_err_names[] = {
	{ SIPI_ERR_NONE, "no error" },
	{ SIPI_ERR_INVAL, "invalid argument" },
	{ SIPI_ERR_NOMEM, "out of memory" },
	{ SIPI_ERR_SPACE, "output buffer too small" },
	{ SIPI_ERR_NO_BOUNDARY, "multipart body without a usable boundary" },
	{ SIPI_ERR_MULTIPART, "malformed multipart body" },
	{ SIPI_ERR_NESTED, "nested multipart body" },
	{ SIPI_ERR_TOO_BIG, "body, part or part count over the limit" },
	{ SIPI_ERR_EMPTY_PART, "empty application/ISUP part" },
	{ SIPI_ERR_DUPLICATE, "duplicate SDP or ISUP part" },
	{ SIPI_ERR_UNSUPPORTED_TYPE, "required body part of an unsupported type" },
	{ SIPI_ERR_UNSUPPORTED_VERSION, "required ISUP part of an unsupported version" },
	{ SIPI_ERR_ISUP, "ISUP part does not decode" },
	{ SIPI_ERR_BAD_URI, "URI without a usable telephone number" },
	{ SIPI_ERR_BAD_NUMBER, "number not representable" },
	{ SIPI_ERR_BAD_HEADER, "malformed header value" },
	{ 0, NULL }
};

const char *sipi_strerror(int rc)
{
	return get_value_string(sipi_err_names, rc < 0 ? -rc : rc);
}

/* One counter per code, indexed by the code itself; index 0 stays
 * unused so that the mapping needs no arithmetic. */
static const struct rate_ctr_desc sipi_ctr_desc[_NUM_SIPI_ERR] = {
	[SIPI_ERR_NONE] = { "none", "Not a failure (unused)" },
	[SIPI_ERR_INVAL] = { "err:inval", "Invalid arguments or strings" },
	[SIPI_ERR_NOMEM] = { "err:nomem", "Allocation failures" },
	[SIPI_ERR_SPACE] = { "err:space", "Output buffer too small" },
	[SIPI_ERR_NO_BOUNDARY] = { "body:no-boundary", "Multipart bodies without a boundary" },
	[SIPI_ERR_MULTIPART] = { "body:malformed", "Malformed multipart bodies" },
	[SIPI_ERR_NESTED] = { "body:nested", "Nested multipart bodies refused" },
	[SIPI_ERR_TOO_BIG] = { "body:too-big", "Bodies or parts over the limits" },
	[SIPI_ERR_EMPTY_PART] = { "body:empty-isup", "Empty application/ISUP parts" },
	[SIPI_ERR_DUPLICATE] = { "body:duplicate", "Duplicate SDP or ISUP parts" },
	[SIPI_ERR_UNSUPPORTED_TYPE] = { "body:unsupported-type", "Required parts of unknown type" },
	[SIPI_ERR_UNSUPPORTED_VERSION] = { "body:unsupported-version",
					   "Required ISUP parts of unknown version" },
	[SIPI_ERR_ISUP] = { "body:isup-decode", "ISUP parts that do not decode" },
	[SIPI_ERR_BAD_URI] = { "map:bad-uri", "URIs without a telephone number" },
	[SIPI_ERR_BAD_NUMBER] = { "map:bad-number", "Numbers not representable" },
	[SIPI_ERR_BAD_HEADER] = { "map:bad-header", "Malformed mapped headers" },
};

const struct rate_ctr_group_desc sipi_ctrg_desc = {
	.group_name_prefix = "sipi",
	.group_description = "SIP-I/SIP-T bodies and mappings",
	.class_id = OSMO_STATS_CLASS_GLOBAL,
	.num_ctr = _NUM_SIPI_ERR,
	.ctr_desc = sipi_ctr_desc,
};

void sipi_ctr_count(struct rate_ctr_group *ctrs, int rc)
{
	if (!ctrs || rc >= 0 || -rc >= _NUM_SIPI_ERR)
		return;
	rate_ctr_inc(rate_ctr_group_get_ctr(ctrs, -rc));
}
