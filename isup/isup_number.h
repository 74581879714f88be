/* ISUP address signals (BCD digits) and number parameters.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <osmocom/core/utils.h>

/*! Most address signals a typed number holds.  Q.763 leaves the bound
 *  to the numbering plan (E.164: 15 digits); 32 covers an international
 *  number with routing prefixes and the ST signal.  Longer numbers stay
 *  available as the raw parameter. */
#define ISUP_NUMBER_MAX_DIGITS	32

/*! Which number parameter a struct isup_number is read from / written
 *  to; they differ in the number of header octets and in what bits 8
 *  and 4..1 of the second header octet mean. */
enum isup_number_kind {
	/*! called party (0x04), redirection (0x0c), called directory
	 *  (0x7d): o2 = INN, NPI, spare */
	ISUP_NUMBER_CALLED,
	/*! calling party (0x0a), location (0x3f), connected (0x21):
	 *  o2 = NI (INN for location), NPI, APRI, SI */
	ISUP_NUMBER_CALLING,
	/*! redirecting (0x0b), original called (0x28), called IN (0x6f),
	 *  original called IN (0x7f): o2 = spare, NPI, APRI, spare */
	ISUP_NUMBER_REDIRECTING,
	/*! generic number (0xc0): number qualifier octet, then as calling */
	ISUP_NUMBER_GENERIC,
	/*! subsequent number (0x05): one octet (odd/even + spare) */
	ISUP_NUMBER_SUBSEQUENT,
};

extern const struct value_string isup_number_kind_names[];

/*! Nature of address indicator values (Q.763 3.9). */
enum isup_nai {
	ISUP_NAI_SUBSCRIBER = 1,
	ISUP_NAI_UNKNOWN = 2,
	ISUP_NAI_NATIONAL = 3,
	ISUP_NAI_INTERNATIONAL = 4,
	ISUP_NAI_NETWORK_SPECIFIC = 5,
	ISUP_NAI_NETWORK_ROUTING_NATIONAL = 6,
	ISUP_NAI_NETWORK_ROUTING_SPECIFIC = 7,
	ISUP_NAI_NETWORK_ROUTING_CDN = 8,
};
extern const struct value_string isup_nai_names[];

/*! Numbering plan indicator values. */
enum isup_npi {
	ISUP_NPI_E164 = 1,
	ISUP_NPI_DATA = 3,
	ISUP_NPI_TELEX = 4,
	ISUP_NPI_PRIVATE = 5,
};
extern const struct value_string isup_npi_names[];

/*! Address presentation restricted indicator values. */
enum isup_apri {
	ISUP_APRI_ALLOWED = 0,
	ISUP_APRI_RESTRICTED = 1,
	ISUP_APRI_NOT_AVAILABLE = 2,
};
extern const struct value_string isup_apri_names[];

/*! Screening indicator values. */
enum isup_screening {
	ISUP_SCREEN_USER_NOT_SCREENED = 0,
	ISUP_SCREEN_USER_PASSED = 1,
	ISUP_SCREEN_USER_FAILED = 2,
	ISUP_SCREEN_NETWORK = 3,
};
extern const struct value_string isup_screening_names[];

/*! A number parameter.  All header bits are kept, including the spare
 *  ones, so decode then encode gives the same octets.  Fields that a
 *  kind does not have stay 0 and are not written. */
struct isup_number {
	/*! generic number only: number qualifier indicator */
	uint8_t qualifier;
	/*! nature of address indicator, 7 bits */
	uint8_t nai;
	/*! bit 8 of the second header octet: INN (called, redirection,
	 *  location) or NI (calling, generic), spare elsewhere */
	uint8_t inn_ni;
	/*! numbering plan indicator, 3 bits */
	uint8_t npi;
	/*! bits 4..3: APRI where defined, else spare */
	uint8_t pres;
	/*! bits 2..1: screening indicator where defined, else spare */
	uint8_t screen;
	/*! subsequent number only: the 7 spare bits of its header */
	uint8_t spare;
	/*! the filler nibble after an odd number of digits (normally 0) */
	uint8_t filler;
	/*! address signals, see isup_digits_to_str() for the characters */
	char digits[ISUP_NUMBER_MAX_DIGITS + 1];
};

/*! Convert address signals to a string.  Each nibble 0..15 becomes
 *  "0123456789ABCDEF"[n]: digits, then hex letters for codes 10..15, so
 *  code 11 is 'B', code 12 is 'C' and ST (end of pulsing) is 'F'.
 *  \param[in] data BCD octets, first digit in the low nibble
 *  \param[in] len number of octets
 *  \param[in] odd whether the last octet holds one digit only
 *  \param[out] out at least max + 1 chars
 *  \param[out] filler the unused high nibble when odd (may be NULL)
 *  \returns number of digits, or -ISUP_ERR_INVAL when more than max. */
int isup_digits_to_str(const uint8_t *data, size_t len, bool odd, char *out, size_t max,
		       uint8_t *filler);

/*! Pack a digit string (0-9, A-F, a-f) into BCD octets.
 *  \param[out] out buffer of out_size octets
 *  \param[out] odd set to whether the count of digits is odd
 *  \param[in] filler nibble to put after an odd count (normally 0)
 *  \returns octets written, or -ISUP_ERR_INVAL (bad character) or
 *  -ISUP_ERR_SPACE. */
int isup_digits_from_str(const char *digits, uint8_t *out, size_t out_size, bool *odd,
			 uint8_t filler);

/*! Decode a number parameter of a kind. \returns 0 or negative isup_err */
int isup_number_decode(struct isup_number *num, enum isup_number_kind kind,
		       const uint8_t *data, size_t len);

/*! Encode a number parameter of a kind.
 *  \returns the length written, or a negative isup_err. */
int isup_number_encode(uint8_t *out, size_t out_size, enum isup_number_kind kind,
		       const struct isup_number *num);

/*! The number kind of a parameter code in a variant.
 *  \returns the kind, or -ISUP_ERR_INVAL when the code is not a number. */
int isup_number_kind_of(int variant, uint8_t code);
