/* ISUP address signals: the only code that touches BCD nibbles.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include "isup/isup_err.h"
#include "isup/isup_names.h"
#include "isup/isup_number.h"

const struct value_string isup_number_kind_names[] = {
	{ ISUP_NUMBER_CALLED, "called" },
	{ ISUP_NUMBER_CALLING, "calling" },
	{ ISUP_NUMBER_REDIRECTING, "redirecting" },
	{ ISUP_NUMBER_GENERIC, "generic" },
	{ ISUP_NUMBER_SUBSEQUENT, "subsequent" },
	{ 0, NULL }
};

const struct value_string isup_nai_names[] = {
	{ ISUP_NAI_SUBSCRIBER, "subscriber number" },
	{ ISUP_NAI_UNKNOWN, "unknown" },
	{ ISUP_NAI_NATIONAL, "national (significant) number" },
	{ ISUP_NAI_INTERNATIONAL, "international number" },
	{ ISUP_NAI_NETWORK_SPECIFIC, "network-specific number" },
	{ ISUP_NAI_NETWORK_ROUTING_NATIONAL, "network routing number, national format" },
	{ ISUP_NAI_NETWORK_ROUTING_SPECIFIC, "network routing number, network-specific format" },
	{ ISUP_NAI_NETWORK_ROUTING_CDN, "network routing number concatenated with called directory number" },
	{ 0, NULL }
};

const struct value_string isup_npi_names[] = {
	{ ISUP_NPI_E164, "ISDN (telephony) E.164" },
	{ ISUP_NPI_DATA, "data X.121" },
	{ ISUP_NPI_TELEX, "telex F.69" },
	{ ISUP_NPI_PRIVATE, "private" },
	{ 0, NULL }
};

const struct value_string isup_apri_names[] = {
	{ ISUP_APRI_ALLOWED, "presentation allowed" },
	{ ISUP_APRI_RESTRICTED, "presentation restricted" },
	{ ISUP_APRI_NOT_AVAILABLE, "address not available" },
	{ 0, NULL }
};

const struct value_string isup_screening_names[] = {
	{ ISUP_SCREEN_USER_NOT_SCREENED, "user provided, not verified" },
	{ ISUP_SCREEN_USER_PASSED, "user provided, verified and passed" },
	{ ISUP_SCREEN_USER_FAILED, "user provided, verified and failed" },
	{ ISUP_SCREEN_NETWORK, "network provided" },
	{ 0, NULL }
};

static const char isup_digit_chars[] = "0123456789ABCDEF";

int isup_digits_to_str(const uint8_t *data, size_t len, bool odd, char *out, size_t max,
		       uint8_t *filler)
{
	size_t n, i;

	if (filler)
		*filler = 0;
	if (len == 0) {
		/* an odd indicator with no octet has no digit to describe */
		out[0] = '\0';
		return 0;
	}
	n = len * 2 - (odd ? 1 : 0);
	if (n > max) {
		out[0] = '\0';
		return -ISUP_ERR_INVAL;
	}
	for (i = 0; i < n; i++) {
		uint8_t o = data[i / 2];

		out[i] = isup_digit_chars[(i & 1) ? o >> 4 : o & 0x0f];
	}
	out[n] = '\0';
	if (odd && filler)
		*filler = data[len - 1] >> 4;
	return (int)n;
}

static int isup_char_nibble(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

int isup_digits_from_str(const char *digits, uint8_t *out, size_t out_size, bool *odd,
			 uint8_t filler)
{
	size_t n = strlen(digits), i, olen = (n + 1) / 2;

	if (filler > 0x0f)
		return -ISUP_ERR_INVAL;
	if (olen > out_size)
		return -ISUP_ERR_SPACE;
	for (i = 0; i < n; i++) {
		int v = isup_char_nibble(digits[i]);

		if (v < 0)
			return -ISUP_ERR_INVAL;
		if (i & 1)
			out[i / 2] |= (uint8_t)(v << 4);
		else
			out[i / 2] = (uint8_t)v;
	}
	*odd = n & 1;
	if (*odd)
		out[olen - 1] |= (uint8_t)(filler << 4);
	return (int)olen;
}

static unsigned int isup_number_hdr_len(enum isup_number_kind kind)
{
	switch (kind) {
	case ISUP_NUMBER_SUBSEQUENT:
		return 1;
	case ISUP_NUMBER_GENERIC:
		return 3;
	default:
		return 2;
	}
}

int isup_number_decode(struct isup_number *num, enum isup_number_kind kind,
		       const uint8_t *data, size_t len)
{
	unsigned int hdr = isup_number_hdr_len(kind);
	const uint8_t *p = data;
	bool odd;
	int rc;

	memset(num, 0, sizeof(*num));
	if ((unsigned int)kind > ISUP_NUMBER_SUBSEQUENT)
		return -ISUP_ERR_INVAL;
	if (len < hdr)
		return -ISUP_ERR_BAD_PARAM;
	if (kind == ISUP_NUMBER_SUBSEQUENT) {
		odd = p[0] >> 7;
		num->spare = p[0] & 0x7f;
	} else {
		if (kind == ISUP_NUMBER_GENERIC)
			num->qualifier = *p++;
		odd = p[0] >> 7;
		num->nai = p[0] & 0x7f;
		num->inn_ni = p[1] >> 7;
		num->npi = (p[1] >> 4) & 0x07;
		num->pres = (p[1] >> 2) & 0x03;
		num->screen = p[1] & 0x03;
	}
	/* an empty address with the odd bit set cannot be re-encoded */
	if (len == hdr && odd)
		return -ISUP_ERR_BAD_PARAM;
	rc = isup_digits_to_str(data + hdr, len - hdr, odd, num->digits,
				ISUP_NUMBER_MAX_DIGITS, &num->filler);
	if (rc < 0)
		return -ISUP_ERR_UNSUPPORTED;
	return 0;
}

int isup_number_encode(uint8_t *out, size_t out_size, enum isup_number_kind kind,
		       const struct isup_number *num)
{
	unsigned int hdr = isup_number_hdr_len(kind);
	uint8_t *p = out;
	bool odd;
	int rc;

	if ((unsigned int)kind > ISUP_NUMBER_SUBSEQUENT)
		return -ISUP_ERR_INVAL;
	if (strnlen(num->digits, sizeof(num->digits)) > ISUP_NUMBER_MAX_DIGITS)
		return -ISUP_ERR_INVAL;
	if (num->nai > 0x7f || num->inn_ni > 1 || num->npi > 7 || num->pres > 3 ||
	    num->screen > 3 || num->spare > 0x7f)
		return -ISUP_ERR_INVAL;
	if (out_size < hdr)
		return -ISUP_ERR_SPACE;
	rc = isup_digits_from_str(num->digits, out + hdr, out_size - hdr, &odd, num->filler);
	if (rc < 0)
		return rc;
	if (kind == ISUP_NUMBER_SUBSEQUENT) {
		p[0] = (odd ? 0x80 : 0) | num->spare;
	} else {
		if (kind == ISUP_NUMBER_GENERIC)
			*p++ = num->qualifier;
		p[0] = (odd ? 0x80 : 0) | num->nai;
		p[1] = (uint8_t)(num->inn_ni << 7 | num->npi << 4 | num->pres << 2 | num->screen);
	}
	return (int)hdr + rc;
}

int isup_number_kind_of(int variant, uint8_t code)
{
	switch (code) {
	case ISUP_PAR_CALLED:
	case ISUP_PAR_REDIRECTION_NUM:
	case ISUP_PAR_CALLED_DIR:
		return ISUP_NUMBER_CALLED;
	case ISUP_PAR_CALLING:
	case ISUP_PAR_LOCATION:
	case ISUP_PAR_CONNECTED:
		return ISUP_NUMBER_CALLING;
	case ISUP_PAR_REDIRECTING:
	case ISUP_PAR_ORIG_CALLED:
	case ISUP_PAR_CALLED_IN:
	case ISUP_PAR_ORIG_CALLED_IN:
		return ISUP_NUMBER_REDIRECTING;
	case ISUP_PAR_GENERIC_NUMBER:
		/* T1.113 generic address: type octet, then the same layout */
		return ISUP_NUMBER_GENERIC;
	case ISUP_PAR_SUBSEQUENT:
		return ISUP_NUMBER_SUBSEQUENT;
	case ISUP_PAR_ANSI_CHARGE_NUMBER:
		if (variant == ISUP_VARIANT_ANSI)
			return ISUP_NUMBER_REDIRECTING;
		return -ISUP_ERR_INVAL;
	default:
		return -ISUP_ERR_INVAL;
	}
}
