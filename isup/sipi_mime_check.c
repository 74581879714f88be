/* Pre-flight check of a multipart body before Sofia-SIP parses it.
 *
 * msg_multipart_parse() (Sofia-SIP 1.12) hands each part's header lines
 * to its message parser, which asserts that every header it extracts is
 * at least one octet long.  A NUL octet among a part's header lines (for
 * instance an ISUP part sent without the blank line before its octets)
 * makes that parser extract zero octets and abort the process.  This
 * walk splits the body at the same places Sofia does and refuses such
 * bodies; Sofia then does the real parsing.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <string.h>

#include "isup/sipi_body.h"
#include "isup/sipi_err.h"
#include "isup/sipi_mime_check.h"

/* Whether the header lines of the part [p, end) are free of NUL octets.
 * They end at the first empty line; a part without one is all header
 * lines to Sofia. */
static bool part_headers_ok(const char *p, const char *end)
{
	while (p < end) {
		if (*p == '\r' || *p == '\n')
			return true;
		while (p < end && *p != '\r' && *p != '\n') {
			if (*p == '\0')
				return false;
			p++;
		}
		if (p < end && *p == '\r')
			p++;
		if (p < end && *p == '\n')
			p++;
	}
	return true;
}

int sipi_mime_check(const char *boundary, const char *buf, size_t len)
{
	char delim[3 + SIPI_BOUNDARY_MAX + 1];
	size_t blen = strlen(boundary), dlen;
	const char *p, *end = buf + len, *next;
	unsigned int parts = 0;

	if (blen == 0 || blen > SIPI_BOUNDARY_MAX)
		return -SIPI_ERR_NO_BOUNDARY;
	/* delim is "\n--boundary"; the first may start the body without
	 * the line feed */
	delim[0] = '\n';
	delim[1] = '-';
	delim[2] = '-';
	memcpy(delim + 3, boundary, blen + 1);
	dlen = 3 + blen;

	if (len >= dlen - 1 && memcmp(buf, delim + 1, dlen - 1) == 0) {
		p = buf + dlen - 1;
	} else {
		p = memmem(buf, len, delim, dlen);
		if (!p)
			return -SIPI_ERR_NO_BOUNDARY;
		p += dlen;
	}

	for (;;) {
		/* transport padding and the line end after a delimiter */
		while (p < end && *p == ' ')
			p++;
		if (p < end && *p == '\r')
			p += (p + 1 < end && p[1] == '\n') ? 2 : 1;
		else if (p < end && *p == '\n')
			p++;
		if ((size_t)(end - p) < dlen)
			return -SIPI_ERR_MULTIPART;
		next = memmem(p, end - p, delim, dlen);
		if (!next)
			return -SIPI_ERR_MULTIPART;
		if (++parts > SIPI_MAX_PARTS)
			return -SIPI_ERR_TOO_BIG;
		if (!part_headers_ok(p, next))
			return -SIPI_ERR_MULTIPART;
		p = next + dlen;
		if (end - p >= 2 && p[0] == '-' && p[1] == '-')
			return (int)parts;
	}
}
