/* ISUP numbers <-> tel: / sip:...;user=phone URIs, CPC <-> cpc=,
 * hop counter <-> Max-Forwards.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <sofia-sip/url.h>

#include "isup/isup_number.h"
#include "isup/sipi_profile.h"

/*! What a telephone URI carried besides the number. */
struct sipi_uri_info {
	/*! a cpc= parameter was present; cpc holds the Q.763 category */
	bool has_cpc;
	uint8_t cpc;
	/*! the user part was a local number with this phone-context */
	char phone_context[64];
};

/*! Format a number as a URI of the profile: tel: when p->host is
 *  NULL, else sip:NUMBER@host;user=phone.  NAI international gives
 *  +E.164; every other NAI a local number with phone-context.  Digit
 *  code 11 becomes '*', code 12 '#' (as %23), a final ST is dropped.
 *  \param[in] cpc calling party's category to add as cpc=, or -1
 *  \returns the length, or -SIPI_ERR_BAD_NUMBER / -SIPI_ERR_SPACE /
 *  -SIPI_ERR_INVAL (local number and no context) */
int sipi_number_to_uri(char *buf, size_t size, const struct sipi_profile *p, const struct isup_number *num,
		       int cpc);

/*! Read the number of a parsed tel:, sip: or sips: URI into num:
 *  '+' gives NAI international, anything else NAI national; NPI E.164.
 *  Other header bits of num are left as they were.
 *  \param[out] info cpc and phone-context found, may be NULL
 *  \returns 0 or -SIPI_ERR_BAD_URI / -SIPI_ERR_BAD_NUMBER */
int sipi_number_from_url(const url_t *url, struct isup_number *num, struct sipi_uri_info *info);

/*! As sipi_number_from_url() for a URI string, with or without
 *  "Display" <...> around it. */
int sipi_number_from_uri(const char *uri, struct isup_number *num, struct sipi_uri_info *info);

/*! One row of the CPC <-> cpc= table. */
struct sipi_cpc_row {
	uint8_t cpc;
	const char *sip;
	/*! sent towards SIP */
	bool to_sip;
	/*! the value a received cpc= maps to */
	bool from_sip;
};
/*! The CPC table. \param[out] n rows */
const struct sipi_cpc_row *sipi_cpc_table(unsigned int *n);
/*! cpc= value to send for a Q.763 category, NULL when none is sent. */
const char *sipi_cpc_to_sip(uint8_t cpc);
/*! Q.763 category of a cpc= value (case-insensitive); unknown values
 *  and a missing parameter give ordinary (0x0a). */
uint8_t sipi_cpc_from_sip(const char *value);

/*! Max-Forwards for a hop counter: hop x p->hop_factor, at most 70. */
unsigned int sipi_max_forwards_from_hop(const struct sipi_profile *p, uint8_t hop);
/*! Hop counter for a Max-Forwards: max_forwards / p->hop_factor, at
 *  most 31 (5 bits). */
uint8_t sipi_hop_from_max_forwards(const struct sipi_profile *p, unsigned int max_forwards);
