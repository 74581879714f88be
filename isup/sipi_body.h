/* SIP-I / SIP-T message bodies (RFC 3204, RFC 3372, ITU-T Q.1912.5).
 *
 * Building: call control hands over the SDP and/or the ISUP message and
 * gets back the Content-Type, optional Content-Disposition and
 * MIME-Version values and the octets, ready for Sofia-SIP:
 *
 *   SIPTAG_CONTENT_TYPE_STR(b->content_type),
 *   TAG_IF(b->content_disposition,
 *          SIPTAG_CONTENT_DISPOSITION_STR(b->content_disposition)),
 *   TAG_IF(b->mime_version, SIPTAG_MIME_VERSION_STR(b->mime_version)),
 *   SIPTAG_PAYLOAD(sip_payload_create(home, b->data, b->len))
 *
 * (never SIPTAG_PAYLOAD_STR: ISUP contains NUL octets).
 *
 * Parsing: sipi_body_parse() splits a received body with Sofia's
 * msg_multipart_parse() and decodes the ISUP part with isup_decode().
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/sip.h>

#include "isup/isup_msg.h"
#include "isup/sipi_profile.h"

/*! Largest body the parser accepts. */
#define SIPI_BODY_MAX		32768
/*! Most parts a multipart body may have. */
#define SIPI_MAX_PARTS		8
/*! Largest SDP part. */
#define SIPI_SDP_MAX		16384
/*! Longest boundary (RFC 2046: 1..70 characters). */
#define SIPI_BOUNDARY_MAX	70

/*! A body to send. All members are talloc children of the struct. */
struct sipi_body {
	/*! Content-Type value: multipart/mixed;boundary=..., application/sdp
	 *  or application/ISUP;version=... */
	char *content_type;
	/*! Content-Disposition value of a single ISUP body, else NULL */
	char *content_disposition;
	/*! MIME-Version value ("1.0") for multipart bodies, else NULL */
	char *mime_version;
	uint8_t *data;
	size_t len;
};

/*! Build the body of a SIP message.
 *  SDP and ISUP give multipart/mixed, one of them a single body.  In
 *  plain SIP mode the ISUP message is left out.
 *  \param[in] sdp NUL-terminated SDP, or NULL
 *  \param[in] isup message to encapsulate (no CIC is written), or NULL
 *  \param[out] out the body, or NULL when there is nothing to send
 *  \returns 0 or a negative sipi_err */
int sipi_body_build(void *ctx, const struct sipi_profile *p, const char *sdp, const struct isup_msg *isup,
		    struct sipi_body **out);

/*! What a received body held.  All members are talloc children. */
struct sipi_body_result {
	/*! the SDP (NUL-terminated), NULL when none */
	char *sdp;
	size_t sdp_len;
	/*! an application/ISUP part was present */
	bool has_isup;
	/*! its raw octets (starting at the message type) */
	uint8_t *isup_raw;
	size_t isup_len;
	/*! its parameters, NULL when absent */
	char *isup_version;
	char *isup_base;
	/*! handling=required (or no Content-Disposition, RFC 3261 20.11) */
	bool isup_required;
	/*! the variant version/base select (valid when isup != NULL) */
	enum isup_variant variant;
	/*! the decoded message, NULL when not decoded */
	struct isup_msg *isup;
	/*! the ISUP part was present but not used: plain SIP profile, or an
	 *  optional part of unknown version or that did not decode */
	bool isup_ignored;
	/*! why it was not used (negative sipi_err), 0 when used */
	int isup_rc;
	/*! decoder detail when isup_rc is -SIPI_ERR_ISUP */
	struct isup_err_detail isup_err;
	/*! number of body parts (1 for a single body, 0 for none) */
	unsigned int num_parts;
};

/*! Parse the body of a received SIP message.
 *  \param[out] out the result (talloc child of ctx), NULL on error
 *  \returns 0, or a negative sipi_err; see sipi_body_reaction() */
int sipi_body_parse(void *ctx, const struct sipi_profile *p, const sip_t *sip, struct sipi_body_result **out);

/*! Parse a body given as header values and octets (tests, fuzzing).
 *  \param[in] content_type Content-Type value, NULL when absent
 *  \param[in] content_disposition Content-Disposition value or NULL */
int sipi_body_parse_raw(void *ctx, const struct sipi_profile *p, const char *content_type,
			const char *content_disposition, const uint8_t *data, size_t len,
			struct sipi_body_result **out);

/*! The protocol's answer to a body that failed to parse. */
struct sipi_reaction {
	/*! status to answer a request with (415, 413 or 400) */
	uint16_t status;
	/*! Accept value to send with a 415, else NULL */
	const char *accept;
	/*! REL cause when the message was a response and the call must be
	 *  released instead (Q.850) */
	uint8_t cause;
};

/*! The reaction to a sipi_body_parse() error (RFC 3204 section 5 and
 *  Q.1912.5: an unsupported required part gets 415 with Accept). */
void sipi_body_reaction(int rc, struct sipi_reaction *out);

/*! The Accept value listing what the parser understands. */
extern const char sipi_accept[];

/*! The variant a version/base pair selects: version first, then base;
 *  itu-t* / etsi* -> ITU, ansi* / gr317 -> ANSI, chn* -> China.
 *  \returns the variant, or -SIPI_ERR_UNSUPPORTED_VERSION */
int sipi_variant_from_params(const char *version, const char *base);

/*! version= sent for a variant when the profile sets none. */
const char *sipi_variant_default_version(enum isup_variant variant);
