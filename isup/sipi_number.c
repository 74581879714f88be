/* ISUP numbers <-> telephone URIs (RFC 3966, RFC 3261 user=phone).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include <sofia-sip/su_alloc.h>
#include <sofia-sip/url.h>

#include "isup/sipi_err.h"
#include "isup/sipi_number.h"

/* Q.763 3.11 categories and RFC 4694 cpc values.  "ordinary" is the
 * meaning of no cpc at all, so it is never sent. */
static const struct sipi_cpc_row cpc_rows[] = {
	{ 0x00, "unknown", true, true },
	{ 0x01, "operator", true, false },
	{ 0x02, "operator", true, false },
	{ 0x03, "operator", true, false },
	{ 0x04, "operator", true, false },
	{ 0x05, "operator", true, false },
	{ 0x09, "operator", true, true },
	{ 0x0a, "ordinary", false, true },
	{ 0x0c, "datacall", true, true },
	{ 0x0d, "test", true, true },
	{ 0x0f, "payphone", true, true },
};

const struct sipi_cpc_row *sipi_cpc_table(unsigned int *n)
{
	*n = ARRAY_SIZE(cpc_rows);
	return cpc_rows;
}

const char *sipi_cpc_to_sip(uint8_t cpc)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cpc_rows); i++)
		if (cpc_rows[i].cpc == cpc && cpc_rows[i].to_sip)
			return cpc_rows[i].sip;
	return NULL;
}

uint8_t sipi_cpc_from_sip(const char *value)
{
	unsigned int i;

	if (value)
		for (i = 0; i < ARRAY_SIZE(cpc_rows); i++)
			if (cpc_rows[i].from_sip && strcasecmp(cpc_rows[i].sip, value) == 0)
				return cpc_rows[i].cpc;
	return 0x0a;
}

unsigned int sipi_max_forwards_from_hop(const struct sipi_profile *p, uint8_t hop)
{
	unsigned int f = p->hop_factor ? p->hop_factor : 1;
	unsigned int mf = hop * f;

	return mf > 70 ? 70 : mf;
}

uint8_t sipi_hop_from_max_forwards(const struct sipi_profile *p, unsigned int max_forwards)
{
	unsigned int f = p->hop_factor ? p->hop_factor : 1;
	unsigned int hop = max_forwards / f;

	return hop > 31 ? 31 : (uint8_t)hop;
}

/* ISUP address signals as URI characters; NULL-safe. */
static int digits_to_uri(char *out, size_t size, const char *digits)
{
	size_t n = strlen(digits), i, o = 0;

	/* ST ends pulsing; it is signalling, not part of the number */
	if (n && (digits[n - 1] == 'F' || digits[n - 1] == 'f'))
		n--;
	if (n == 0)
		return -SIPI_ERR_BAD_NUMBER;
	for (i = 0; i < n; i++) {
		const char *s;
		char one[2] = { digits[i], 0 };

		if (digits[i] >= '0' && digits[i] <= '9')
			s = one;
		else if (digits[i] == 'B' || digits[i] == 'b')
			s = "*";
		else if (digits[i] == 'C' || digits[i] == 'c')
			s = "%23";
		else
			return -SIPI_ERR_BAD_NUMBER;
		if (o + strlen(s) >= size)
			return -SIPI_ERR_SPACE;
		memcpy(out + o, s, strlen(s));
		o += strlen(s);
	}
	out[o] = '\0';
	return (int)o;
}

int sipi_number_to_uri(char *buf, size_t size, const struct sipi_profile *p, const struct isup_number *num,
		       int cpc)
{
	char digits[3 * ISUP_NUMBER_MAX_DIGITS + 1], user[sizeof(digits) + 96];
	const char *ctx = p->phone_context ? p->phone_context : p->host;
	const char *cpcs = cpc >= 0 ? sipi_cpc_to_sip((uint8_t)cpc) : NULL;
	bool global = num->nai == ISUP_NAI_INTERNATIONAL;
	int rc, n;

	rc = digits_to_uri(digits, sizeof(digits), num->digits);
	if (rc < 0)
		return rc;
	if (global && (strchr(digits, '*') || strchr(digits, '%')))
		return -SIPI_ERR_BAD_NUMBER;	/* RFC 3966: only local numbers have * and # */
	if (!global && !ctx)
		return -SIPI_ERR_INVAL;
	if (global)
		n = snprintf(user, sizeof(user), "+%s", digits);
	else
		n = snprintf(user, sizeof(user), "%s;phone-context=%s", digits, ctx);
	if (n < 0 || (size_t)n >= sizeof(user))
		return -SIPI_ERR_SPACE;
	if (cpcs) {
		size_t l = strlen(user);

		n = snprintf(user + l, sizeof(user) - l, ";cpc=%s", cpcs);
		if (n < 0 || (size_t)n >= sizeof(user) - l)
			return -SIPI_ERR_SPACE;
	}
	if (p->host)
		n = snprintf(buf, size, "sip:%s@%s;user=phone", user, p->host);
	else
		n = snprintf(buf, size, "tel:%s", user);
	if (n < 0 || (size_t)n >= size)
		return -SIPI_ERR_SPACE;
	return n;
}

/* Fill info from one ";name=value" list of a telephone-subscriber. */
static void tel_params(const char *s, struct sipi_uri_info *info)
{
	char name[16], value[64];

	while (s && *s == ';') {
		size_t nl, vl = 0;
		const char *eq, *end;

		s++;
		end = s + strcspn(s, ";");
		eq = memchr(s, '=', end - s);
		nl = (eq ? eq : end) - s;
		if (eq)
			vl = end - eq - 1;
		if (nl < sizeof(name) && vl < sizeof(value)) {
			memcpy(name, s, nl);
			name[nl] = '\0';
			if (eq)
				memcpy(value, eq + 1, vl);
			value[vl] = '\0';
			if (info && strcasecmp(name, "cpc") == 0) {
				info->has_cpc = true;
				info->cpc = sipi_cpc_from_sip(value);
			} else if (info && strcasecmp(name, "phone-context") == 0) {
				memcpy(info->phone_context, value, vl + 1);
			}
		}
		s = end;
	}
}

/* Parse "+4930123;cpc=x" or "030123;phone-context=+49" into num. */
static int tel_subscriber(const char *user, struct isup_number *num, struct sipi_uri_info *info)
{
	char digits[ISUP_NUMBER_MAX_DIGITS + 1];
	const char *s = user;
	size_t n = 0;
	bool global = false;

	if (*s == '+') {
		global = true;
		s++;
	}
	for (; *s && *s != ';'; s++) {
		char d;

		/* RFC 3966 visual separators carry no digit */
		if (*s == '-' || *s == '.' || *s == '(' || *s == ')')
			continue;
		if (*s >= '0' && *s <= '9')
			d = *s;
		else if (*s == '*')
			d = 'B';
		else if (*s == '#')
			d = 'C';
		else if (*s == '%' && s[1] == '2' && s[2] == '3') {
			d = 'C';
			s += 2;
		} else
			return -SIPI_ERR_BAD_URI;
		if (n >= ISUP_NUMBER_MAX_DIGITS)
			return -SIPI_ERR_BAD_NUMBER;
		digits[n++] = d;
	}
	if (n == 0 || (global && (memchr(digits, 'B', n) || memchr(digits, 'C', n))))
		return -SIPI_ERR_BAD_URI;
	digits[n] = '\0';
	tel_params(s, info);
	memcpy(num->digits, digits, n + 1);
	num->nai = global ? ISUP_NAI_INTERNATIONAL : ISUP_NAI_NATIONAL;
	num->npi = ISUP_NPI_E164;
	return 0;
}

int sipi_number_from_url(const url_t *url, struct isup_number *num, struct sipi_uri_info *info)
{
	int rc;

	if (info)
		memset(info, 0, sizeof(*info));
	if (!url || !url->url_user || !*url->url_user)
		return -SIPI_ERR_BAD_URI;
	if (url->url_type != url_tel && url->url_type != url_sip && url->url_type != url_sips)
		return -SIPI_ERR_BAD_URI;
	rc = tel_subscriber(url->url_user, num, info);
	/* Sofia keeps a tel: URI's parameters apart from its number */
	if (rc == 0 && url->url_type == url_tel && url->url_params && info) {
		char params[256];

		snprintf(params, sizeof(params), ";%s", url->url_params);
		tel_params(params, info);
	}
	return rc;
}

int sipi_number_from_uri(const char *uri, struct isup_number *num, struct sipi_uri_info *info)
{
	su_home_t home[1] = { SU_HOME_INIT(home) };
	const char *lt, *gt;
	char *s;
	url_t *url;
	int rc;

	if (info)
		memset(info, 0, sizeof(*info));
	if (!uri)
		return -SIPI_ERR_BAD_URI;
	lt = strchr(uri, '<');
	gt = lt ? strchr(lt, '>') : NULL;
	if (lt && gt)
		s = su_strndup(home, lt + 1, gt - lt - 1);
	else if (lt)
		s = NULL;
	else
		s = su_strdup(home, uri);
	url = s ? url_make(home, s) : NULL;
	rc = url ? sipi_number_from_url(url, num, info) : -SIPI_ERR_BAD_URI;
	su_home_deinit(home);
	return rc;
}
