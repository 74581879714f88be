/* Q.850 cause <-> SIP status tables and the rules around them.
 *
 * Each table below is the only copy of its mapping; doc/interworking.md
 * is checked against them by tests/unit/sipi_doc_test.c.  The src
 * strings say where a row comes from: [2nd] rows agree with two or more
 * secondary copies of the specification table, [code] rows were read in
 * an implementation that claims to follow it, "Tandem" rows are our own
 * choice where the source has no row.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "isup/sipi_cause.h"
#include "isup/sipi_err.h"

const struct value_string sipi_location_names[] = {
	{ SIPI_LOC_USER, "user" },
	{ SIPI_LOC_LPN, "private network serving the local user" },
	{ SIPI_LOC_LN, "public network serving the local user" },
	{ SIPI_LOC_TN, "transit network" },
	{ SIPI_LOC_RLN, "public network serving the remote user" },
	{ SIPI_LOC_RPN, "private network serving the remote user" },
	{ SIPI_LOC_INTL, "international network" },
	{ SIPI_LOC_BI, "network beyond interworking point" },
	{ 0, NULL }
};

#define R3398 "RFC 3398 7.2.4.1 [2nd]"
#define Q1912 "Q.1912.5 [mem: as RFC 3398]"
#define Q1912V "Q.1912.5 [2nd]"
#define CLASSDEF "Tandem: class default, no row in the source"

/* RFC 3398 section 7.2.4.1.  Cause 29: two copies print 510, which is
 * no SIP status; the RFC means 501. */
static const struct sipi_cause_row rfc3398_cause_rows[] = {
	{ 1, 404, 0, R3398 },
	{ 2, 404, 0, R3398 },
	{ 3, 404, 0, R3398 },
	{ 16, 0, 0, R3398 ": BYE or CANCEL" },
	{ 17, 486, 0, R3398 },
	{ 18, 408, 0, R3398 },
	{ 19, 480, 0, R3398 },
	{ 20, 480, 0, R3398 },
	{ 21, 403, 603, R3398 ": 6xx when the location is user" },
	{ 22, 410, 0, R3398 ": 301 with the diagnostic's number as Contact, else 410" },
	{ 23, 410, 0, R3398 },
	{ 26, 404, 0, R3398 ": ANSI procedure" },
	{ 27, 502, 0, R3398 },
	{ 28, 484, 0, R3398 },
	{ 29, 501, 0, R3398 },
	{ 31, 480, 0, R3398 },
	{ 34, 503, 0, R3398 },
	{ 38, 503, 0, R3398 },
	{ 41, 503, 0, R3398 },
	{ 42, 503, 0, R3398 },
	{ 47, 503, 0, R3398 },
	{ 55, 403, 0, R3398 },
	{ 57, 403, 0, R3398 },
	{ 58, 503, 0, R3398 },
	{ 63, 503, 0, CLASSDEF },
	{ 65, 488, 0, R3398 },
	{ 70, 488, 0, R3398 },
	{ 79, 501, 0, R3398 },
	{ 87, 403, 0, R3398 },
	{ 88, 503, 0, R3398 },
	{ 95, 500, 0, CLASSDEF },
	{ 102, 504, 0, R3398 },
	{ 111, 500, 0, R3398 },
	{ 127, 500, 0, R3398 },
};

/* Q.1912.5 follows RFC 3398 here except where marked: 21 is 603 for a
 * user location (the carrier complaint), 25 maps to 483. */
static const struct sipi_cause_row q1912_cause_rows[] = {
	{ 1, 404, 0, Q1912 },
	{ 2, 404, 0, Q1912 },
	{ 3, 404, 0, Q1912 },
	{ 16, 0, 0, Q1912 ": BYE or CANCEL" },
	{ 17, 486, 0, Q1912 },
	{ 18, 408, 0, Q1912 },
	{ 19, 480, 0, Q1912 },
	{ 20, 480, 0, Q1912 },
	{ 21, 403, 603, Q1912V ": 603 when the location is user" },
	{ 22, 410, 0, Q1912V ": 301 with the diagnostic's number as Contact, else 410" },
	{ 23, 410, 0, Q1912 },
	{ 25, 483, 0, Q1912V ": not in RFC 3398" },
	{ 26, 404, 0, Q1912 },
	{ 27, 502, 0, Q1912 },
	{ 28, 484, 0, Q1912 },
	{ 29, 501, 0, Q1912 },
	{ 31, 480, 0, Q1912 },
	{ 34, 503, 0, Q1912 },
	{ 38, 503, 0, Q1912 },
	{ 41, 503, 0, Q1912 },
	{ 42, 503, 0, Q1912 },
	{ 47, 503, 0, Q1912V ": (01/2018) p. 54" },
	{ 55, 403, 0, Q1912 },
	{ 57, 403, 0, Q1912 },
	{ 58, 503, 0, Q1912 },
	{ 63, 503, 0, CLASSDEF },
	{ 65, 488, 0, Q1912 },
	{ 70, 488, 0, Q1912 },
	{ 79, 501, 0, Q1912 },
	{ 87, 403, 0, Q1912 },
	{ 88, 503, 0, Q1912 },
	{ 95, 500, 0, CLASSDEF },
	{ 102, 504, 0, Q1912 },
	{ 111, 500, 0, Q1912 },
	{ 127, 500, 0, Q1912 },
};

#define S3398 "RFC 3398 8.2.6.1 [2nd]"
#define SQ1912 "Q.1912.5 [code: OpenSIPS sip_i]"
#define SQ1912_127 "Q.1912.5 [code + mem]: any other 4xx-6xx"

/* RFC 3398 section 8.2.6.1; statuses not listed map to 31. */
static const struct sipi_status_row rfc3398_status_rows[] = {
	{ 400, 41, S3398 },
	{ 401, 21, S3398 },
	{ 402, 21, S3398 },
	{ 403, 21, S3398 },
	{ 404, 1, S3398 },
	{ 405, 63, S3398 },
	{ 406, 79, S3398 },
	{ 407, 21, S3398 },
	{ 408, 102, S3398 },
	{ 410, 22, S3398 },
	{ 413, 127, S3398 },
	{ 414, 127, S3398 },
	{ 415, 79, S3398 },
	{ 416, 127, S3398 },
	{ 420, 127, S3398 },
	{ 421, 127, S3398 },
	{ 423, 127, S3398 },
	{ 480, 18, S3398 },
	{ 481, 41, S3398 },
	{ 482, 25, S3398 },
	{ 483, 25, S3398 },
	{ 484, 28, S3398 },
	{ 485, 1, S3398 },
	{ 486, 17, S3398 },
	{ 487, 0, S3398 ": no mapping" },
	{ 488, 0, S3398 ": by Warning header, not read" },
	{ 500, 41, S3398 },
	{ 501, 79, S3398 },
	{ 502, 38, S3398 },
	{ 503, 41, S3398 },
	{ 504, 102, S3398 },
	{ 505, 127, S3398 },
	{ 513, 127, S3398 },
	{ 600, 17, S3398 },
	{ 603, 21, S3398 },
	{ 604, 1, S3398 },
	{ 606, 0, S3398 ": by Warning header, not read" },
};

/* Q.1912.5: a handful of statuses keep their meaning, every other
 * failure is "interworking" (127).  The 127 rows are listed so that the
 * doc shows them and the tests pin them. */
static const struct sipi_status_row q1912_status_rows[] = {
	{ 400, 127, SQ1912_127 },
	{ 401, 127, SQ1912_127 },
	{ 402, 127, SQ1912_127 },
	{ 403, 127, SQ1912_127 },
	{ 404, 1, SQ1912 },
	{ 405, 127, SQ1912_127 },
	{ 406, 127, SQ1912_127 },
	{ 407, 127, SQ1912_127 },
	{ 408, 127, SQ1912_127 },
	{ 410, 22, SQ1912 },
	{ 413, 127, SQ1912_127 },
	{ 414, 127, SQ1912_127 },
	{ 415, 127, SQ1912_127 },
	{ 416, 127, SQ1912_127 },
	{ 420, 127, SQ1912_127 },
	{ 421, 127, SQ1912_127 },
	{ 423, 127, SQ1912_127 },
	{ 480, 20, SQ1912 ": subscriber absent (RFC 3398: 18)" },
	{ 481, 127, SQ1912_127 },
	{ 482, 127, SQ1912_127 },
	{ 483, 127, SQ1912_127 },
	{ 484, 28, SQ1912 },
	{ 485, 127, SQ1912_127 },
	{ 486, 17, SQ1912 },
	{ 487, 127, SQ1912_127 },
	{ 488, 127, SQ1912_127 },
	{ 500, 127, SQ1912_127 },
	{ 501, 127, SQ1912_127 },
	{ 502, 127, SQ1912_127 },
	{ 503, 127, SQ1912_127 },
	{ 504, 127, SQ1912_127 },
	{ 505, 127, SQ1912_127 },
	{ 513, 127, SQ1912_127 },
	{ 600, 17, SQ1912 },
	{ 603, 21, SQ1912 },
	{ 604, 1, SQ1912 },
	{ 606, 127, SQ1912_127 },
};

const struct sipi_cause_row *sipi_cause_table(enum sipi_cause_map map, unsigned int *n)
{
	if (map == SIPI_MAP_RFC3398) {
		*n = ARRAY_SIZE(rfc3398_cause_rows);
		return rfc3398_cause_rows;
	}
	*n = ARRAY_SIZE(q1912_cause_rows);
	return q1912_cause_rows;
}

const struct sipi_status_row *sipi_status_table(enum sipi_cause_map map, unsigned int *n)
{
	if (map == SIPI_MAP_RFC3398) {
		*n = ARRAY_SIZE(rfc3398_status_rows);
		return rfc3398_status_rows;
	}
	*n = ARRAY_SIZE(q1912_status_rows);
	return q1912_status_rows;
}

uint16_t sipi_cause_default_status(enum sipi_cause_map map)
{
	/* cause 16 when a response must be sent: the "default response"
	 * of the class normal event, i.e. that of cause 31 */
	return 480;
}

uint8_t sipi_status_default_cause(enum sipi_cause_map map)
{
	return map == SIPI_MAP_RFC3398 ? 31 : 127;
}

uint8_t sipi_cause_class_default(uint8_t cause)
{
	cause &= 0x7f;
	if (cause < 32)
		return 31;
	return (uint8_t)(cause | 0x0f);
}

static const struct sipi_cause_row *cause_row(enum sipi_cause_map map, uint8_t cause)
{
	unsigned int i, n;
	const struct sipi_cause_row *t = sipi_cause_table(map, &n);

	for (i = 0; i < n; i++)
		if (t[i].cause == cause)
			return &t[i];
	return NULL;
}

bool sipi_cause_known(enum sipi_cause_map map, uint8_t cause)
{
	return cause_row(map, cause) != NULL;
}

bool sipi_cause_is_normal_clearing(uint8_t cause)
{
	return cause == 16;
}

uint16_t sipi_status_from_cause(enum sipi_cause_map map, uint8_t cause, uint8_t location)
{
	const struct sipi_cause_row *r = cause_row(map, cause & 0x7f);

	if (!r)
		r = cause_row(map, sipi_cause_class_default(cause));
	/* every class default has a row; this is only a safety net */
	if (!r || r->status == 0)
		return sipi_cause_default_status(map);
	if (r->status_user && location == SIPI_LOC_USER)
		return r->status_user;
	return r->status;
}

static void cause_init(struct isup_cause *out, uint8_t value, uint8_t location)
{
	*out = (struct isup_cause){ .coding_standard = 0, .location = location, .value = value };
}

int sipi_cause_from_sip(enum sipi_cause_map map, int status, const struct sipi_reason *reason,
			struct isup_cause *out)
{
	unsigned int i, n;
	const struct sipi_status_row *t;
	uint8_t cause, location;

	if (status < 300 || status > 699)
		return -SIPI_ERR_INVAL;
	if (map == SIPI_MAP_RFC3398 && status >= 600)
		location = SIPI_LOC_USER;
	else
		location = SIPI_LOC_BI;
	if (reason && reason->present) {
		cause_init(out, reason->cause, reason->has_location ? reason->location : location);
		return 0;
	}
	cause = sipi_status_default_cause(map);
	t = sipi_status_table(map, &n);
	for (i = 0; i < n; i++) {
		if (t[i].status == status) {
			if (t[i].cause)
				cause = t[i].cause;
			break;
		}
	}
	cause_init(out, cause, location);
	return 0;
}

void sipi_cause_from_request(enum sipi_cause_map map, enum sipi_release_req req,
			     const struct sipi_reason *reason, struct isup_cause *out)
{
	uint8_t cause = 16;

	if (reason && reason->present) {
		cause_init(out, reason->cause, reason->has_location ? reason->location : SIPI_LOC_BI);
		return;
	}
	if (req == SIPI_REQ_CANCEL && map == SIPI_MAP_Q1912)
		cause = 31;
	cause_init(out, cause, SIPI_LOC_BI);
}

/* Q.850 names, for Reason's text=. */
static const struct value_string q850_names[] = {
	{ 1, "Unallocated (unassigned) number" },
	{ 2, "No route to specified transit network" },
	{ 3, "No route to destination" },
	{ 4, "Send special information tone" },
	{ 5, "Misdialled trunk prefix" },
	{ 6, "Channel unacceptable" },
	{ 7, "Call awarded and being delivered in an established channel" },
	{ 8, "Preemption" },
	{ 9, "Preemption - circuit reserved for reuse" },
	{ 14, "QoR: ported number" },
	{ 16, "Normal call clearing" },
	{ 17, "User busy" },
	{ 18, "No user responding" },
	{ 19, "No answer from user (user alerted)" },
	{ 20, "Subscriber absent" },
	{ 21, "Call rejected" },
	{ 22, "Number changed" },
	{ 23, "Redirection to new destination" },
	{ 25, "Exchange routing error" },
	{ 26, "Non-selected user clearing" },
	{ 27, "Destination out of order" },
	{ 28, "Invalid number format (address incomplete)" },
	{ 29, "Facility rejected" },
	{ 30, "Response to STATUS ENQUIRY" },
	{ 31, "Normal, unspecified" },
	{ 34, "No circuit/channel available" },
	{ 38, "Network out of order" },
	{ 39, "Permanent frame mode connection out of service" },
	{ 40, "Permanent frame mode connection operational" },
	{ 41, "Temporary failure" },
	{ 42, "Switching equipment congestion" },
	{ 43, "Access information discarded" },
	{ 44, "Requested circuit/channel not available" },
	{ 46, "Precedence call blocked" },
	{ 47, "Resource unavailable, unspecified" },
	{ 49, "Quality of service not available" },
	{ 50, "Requested facility not subscribed" },
	{ 53, "Outgoing calls barred within CUG" },
	{ 55, "Incoming calls barred within CUG" },
	{ 57, "Bearer capability not authorized" },
	{ 58, "Bearer capability not presently available" },
	{ 62, "Inconsistency in designated outgoing access information and subscriber class" },
	{ 63, "Service or option not available, unspecified" },
	{ 65, "Bearer capability not implemented" },
	{ 66, "Channel type not implemented" },
	{ 69, "Requested facility not implemented" },
	{ 70, "Only restricted digital information bearer capability is available" },
	{ 79, "Service or option not implemented, unspecified" },
	{ 81, "Invalid call reference value" },
	{ 82, "Identified channel does not exist" },
	{ 83, "A suspended call exists, but this call identity does not" },
	{ 84, "Call identity in use" },
	{ 85, "No call suspended" },
	{ 86, "Call having the requested call identity has been cleared" },
	{ 87, "User not member of CUG" },
	{ 88, "Incompatible destination" },
	{ 90, "Non-existent CUG" },
	{ 91, "Invalid transit network selection" },
	{ 95, "Invalid message, unspecified" },
	{ 96, "Mandatory information element is missing" },
	{ 97, "Message type non-existent or not implemented" },
	{ 98, "Message not compatible with call state or message type non-existent or not implemented" },
	{ 99, "Information element / parameter non-existent or not implemented" },
	{ 100, "Invalid information element contents" },
	{ 101, "Message not compatible with call state" },
	{ 102, "Recovery on timer expiry" },
	{ 103, "Parameter non-existent or not implemented, passed on" },
	{ 110, "Message with unrecognized parameter, discarded" },
	{ 111, "Protocol error, unspecified" },
	{ 127, "Interworking, unspecified" },
	{ 0, NULL }
};

const char *sipi_cause_text(uint8_t cause)
{
	return get_value_string_or_null(q850_names, cause);
}
