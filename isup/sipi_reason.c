/* The SIP Reason header with Q.850 causes (RFC 3326, RFC 6432, RFC 8606).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/sip_header.h>
#include <sofia-sip/msg_header.h>

#include "isup/sipi_cause.h"
#include "isup/sipi_err.h"
#include "isup/sipi_reason.h"

/* RFC 8606 isup-location-value tokens, indexed by Q.850 location. */
static const struct value_string location_tokens[] = {
	{ SIPI_LOC_USER, "U" },
	{ SIPI_LOC_LPN, "LPN" },
	{ SIPI_LOC_LN, "LN" },
	{ SIPI_LOC_TN, "TN" },
	{ SIPI_LOC_RLN, "RLN" },
	{ SIPI_LOC_RPN, "RPN" },
	{ SIPI_LOC_INTL, "INTL" },
	{ SIPI_LOC_BI, "BI" },
	{ 0, NULL }
};

const char *sipi_location_token(uint8_t location)
{
	return get_value_string_or_null(location_tokens, location);
}

int sipi_location_parse(const char *token)
{
	const struct value_string *v;

	for (v = location_tokens; v->str; v++)
		if (strcasecmp(v->str, token) == 0)
			return v->value;
	return -1;
}

int sipi_reason_format(char *buf, size_t size, uint8_t cause, int location, const char *text)
{
	const char *loc = location >= 0 ? sipi_location_token((uint8_t)location) : NULL;
	char safe[SIPI_REASON_TEXT_MAX];
	size_t i, j;
	int n;

	if (cause < 1 || cause > 127)
		return -SIPI_ERR_INVAL;
	if (!text)
		text = sipi_cause_text(cause);
	if (!text)
		text = "Unknown cause";
	/* a quoted-string must not end early: drop quotes, backslashes
	 * and control characters rather than escaping them */
	for (i = 0, j = 0; text[i] && j < sizeof(safe) - 1; i++)
		if (text[i] != '"' && text[i] != '\\' && (unsigned char)text[i] >= 0x20)
			safe[j++] = text[i];
	safe[j] = '\0';
	if (loc)
		n = snprintf(buf, size, "Q.850;cause=%u;text=\"%s\";location=%s", cause, safe, loc);
	else
		n = snprintf(buf, size, "Q.850;cause=%u;text=\"%s\"", cause, safe);
	if (n < 0 || (size_t)n >= size)
		return -SIPI_ERR_SPACE;
	return n;
}

/* Fill out from one parsed reason-value when it is a usable Q.850 one. */
static bool reason_take(const sip_reason_t *re, struct sipi_reason *out)
{
	const char *loc;
	char *end;
	long cause;
	size_t len;

	if (!re->re_protocol || strcasecmp(re->re_protocol, "Q.850") != 0 || !re->re_cause)
		return false;
	cause = strtol(re->re_cause, &end, 10);
	if (end == re->re_cause || *end || cause < 1 || cause > 127)
		return false;
	memset(out, 0, sizeof(*out));
	out->present = true;
	out->cause = (uint8_t)cause;
	loc = msg_params_find(re->re_params, "location=");
	if (loc) {
		int l = sipi_location_parse(loc);

		if (l >= 0) {
			out->has_location = true;
			out->location = (uint8_t)l;
		}
	}
	if (re->re_text) {
		const char *t = re->re_text;

		len = strlen(t);
		if (len >= 2 && t[0] == '"' && t[len - 1] == '"') {
			t++;
			len -= 2;
		}
		if (len >= sizeof(out->text))
			len = sizeof(out->text) - 1;
		memcpy(out->text, t, len);
		out->text[len] = '\0';
	}
	return true;
}

int sipi_reason_from_sip(const sip_t *sip, struct sipi_reason *out)
{
	const sip_reason_t *re;

	memset(out, 0, sizeof(*out));
	for (re = sip ? sip->sip_reason : NULL; re; re = re->re_next)
		if (reason_take(re, out))
			return 0;
	return 0;
}

int sipi_reason_parse(const char *value, struct sipi_reason *out)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	sip_reason_t *re;
	int rc = 0;

	memset(out, 0, sizeof(*out));
	if (!value)
		return -SIPI_ERR_INVAL;
	re = sip_reason_make(home, value);
	if (!re)
		rc = -SIPI_ERR_BAD_HEADER;
	for (; re; re = re->re_next)
		if (reason_take(re, out))
			break;
	su_home_deinit(home);
	return rc;
}
