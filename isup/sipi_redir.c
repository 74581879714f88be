/* Redirection <-> History-Info (RFC 7044) and Diversion (RFC 5806).
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include <talloc.h>

#include "isup/isup_params.h"
#include "isup/sipi_err.h"
#include "isup/sipi_number.h"
#include "isup/sipi_redir.h"

/* Q.763 3.45 redirecting reasons, RFC 4458 section 3 causes and RFC
 * 5806 reasons. */
static const struct sipi_redir_reason_row reason_rows[] = {
	{ 0, 404, "unknown" },
	{ 1, 486, "user-busy" },
	{ 2, 408, "no-answer" },
	{ 3, 302, "unconditional" },
	{ 4, 487, "deflection" },
	{ 5, 480, "deflection" },
	{ 6, 503, "unavailable" },
};

const struct sipi_redir_reason_row *sipi_redir_reason_table(unsigned int *n)
{
	*n = ARRAY_SIZE(reason_rows);
	return reason_rows;
}

static const struct sipi_redir_reason_row *reason_row(uint8_t reason)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reason_rows); i++)
		if (reason_rows[i].reason == reason)
			return &reason_rows[i];
	return &reason_rows[0];
}

static uint8_t reason_from_cause(long cause)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reason_rows); i++)
		if (reason_rows[i].hi_cause == cause)
			return reason_rows[i].reason;
	return 0;
}

static uint8_t reason_from_diversion(const char *s, size_t n)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(reason_rows); i++)
		if (strlen(reason_rows[i].diversion) == n && strncasecmp(reason_rows[i].diversion, s, n) == 0)
			return reason_rows[i].reason;
	return 0;
}

int sipi_redir_from_iam(const struct isup_msg *iam, struct sipi_redirection *r)
{
	memset(r, 0, sizeof(*r));
	if (isup_msg_find_param(iam, ISUP_PAR_REDIRECTING)) {
		if (isup_msg_get_number(iam, ISUP_PAR_REDIRECTING, &r->redirecting) < 0)
			return -SIPI_ERR_BAD_NUMBER;
		r->has_redirecting = true;
	}
	if (isup_msg_find_param(iam, ISUP_PAR_ORIG_CALLED)) {
		if (isup_msg_get_number(iam, ISUP_PAR_ORIG_CALLED, &r->original) < 0)
			return -SIPI_ERR_BAD_NUMBER;
		r->has_original = true;
	}
	if (isup_msg_find_param(iam, ISUP_PAR_REDIRECTION_INFO) &&
	    isup_msg_get_bf(iam, ISUP_PAR_REDIRECTION_INFO, &r->info, sizeof(r->info)) == 0)
		r->has_info = true;
	return 0;
}

int sipi_redir_to_iam(struct isup_msg *iam, const struct sipi_redirection *r)
{
	uint8_t buf[2];
	int rc;

	if (r->has_redirecting) {
		rc = isup_msg_set_number(iam, ISUP_PAR_REDIRECTING, &r->redirecting);
		if (rc < 0)
			return -SIPI_ERR_BAD_NUMBER;
	}
	if (r->has_original) {
		rc = isup_msg_set_number(iam, ISUP_PAR_ORIG_CALLED, &r->original);
		if (rc < 0)
			return -SIPI_ERR_BAD_NUMBER;
	}
	if (r->has_info) {
		rc = isup_redir_info_encode(buf, sizeof(buf), &r->info);
		if (rc < 0 || isup_msg_set_param(iam, ISUP_PAR_REDIRECTION_INFO, buf, rc) < 0)
			return -SIPI_ERR_INVAL;
	}
	return 0;
}

static bool same_number(const struct isup_number *a, const struct isup_number *b)
{
	return a->nai == b->nai && strcmp(a->digits, b->digits) == 0;
}

static bool restricted(const struct isup_number *n)
{
	return n->pres == ISUP_APRI_RESTRICTED;
}

/* "<URI>" of a number, with RFC 4458 cause and RFC 7044 privacy. */
static char *hi_uri(void *ctx, const struct sipi_profile *p, const struct isup_number *n, int cause)
{
	char uri[256];
	int rc = sipi_number_to_uri(uri, sizeof(uri), p, n, -1);

	if (rc < 0)
		return NULL;
	return talloc_asprintf(ctx, "<%s%s%s%s>", uri, cause > 0 ? ";cause=" : "",
			       cause > 0 ? talloc_asprintf(ctx, "%d", cause) : "",
			       restricted(n) ? "?Privacy=history" : "");
}

int sipi_history_info_format(void *ctx, const struct sipi_profile *p, const struct sipi_redirection *r,
			     const struct isup_number *target, char **out)
{
	const struct isup_number *first;
	uint8_t reason = r->has_info ? r->info.reason : 0;
	uint8_t orig_reason = r->has_info ? r->info.orig_reason : reason;
	char *s, *u1, *u2, *ut;

	void *tmp;
	int rc = -SIPI_ERR_BAD_NUMBER;

	*out = NULL;
	if (!r->has_redirecting)
		return 0;
	tmp = talloc_new(NULL);
	if (!tmp)
		return -SIPI_ERR_NOMEM;
	first = r->has_original ? &r->original : &r->redirecting;
	u1 = hi_uri(tmp, p, first, -1);
	ut = hi_uri(tmp, p, target, reason_row(reason)->hi_cause);
	if (!u1 || !ut)
		goto out;
	if (r->has_original && !same_number(&r->original, &r->redirecting)) {
		u2 = hi_uri(tmp, p, &r->redirecting, reason_row(orig_reason)->hi_cause);
		if (!u2)
			goto out;
		s = talloc_asprintf(ctx, "%s;index=1,%s;index=1.1;mp=1,%s;index=1.1.1;mp=1.1", u1, u2, ut);
	} else {
		s = talloc_asprintf(ctx, "%s;index=1,%s;index=1.1;mp=1", u1, ut);
	}
	rc = s ? 0 : -SIPI_ERR_NOMEM;
	*out = s;
out:
	talloc_free(tmp);
	return rc;
}

/* One name-addr entry of a comma-separated header value. */
struct hdr_entry {
	char uri[256];
	char params[256];
	bool privacy;
};

/* Split value into entries at commas outside <> and quotes. */
static int split_entries(const char *value, struct hdr_entry *e, unsigned int max)
{
	unsigned int n = 0;
	const char *s = value;

	while (*s) {
		const char *lt, *gt, *end;
		size_t ul, pl;

		while (*s == ' ' || *s == '\t' || *s == ',')
			s++;
		if (!*s)
			break;
		if (n >= max)
			return -SIPI_ERR_TOO_BIG;
		lt = strchr(s, '<');
		if (!lt)
			return -SIPI_ERR_BAD_HEADER;
		/* a display name may hold commas only inside quotes */
		if (memchr(s, ',', lt - s) && !memchr(s, '"', lt - s))
			return -SIPI_ERR_BAD_HEADER;
		gt = strchr(lt, '>');
		if (!gt)
			return -SIPI_ERR_BAD_HEADER;
		end = gt + 1 + strcspn(gt + 1, ",");
		ul = gt - lt - 1;
		pl = end - gt - 1;
		if (ul >= sizeof(e[n].uri) || pl >= sizeof(e[n].params))
			return -SIPI_ERR_TOO_BIG;
		memcpy(e[n].uri, lt + 1, ul);
		e[n].uri[ul] = '\0';
		memcpy(e[n].params, gt + 1, pl);
		e[n].params[pl] = '\0';
		/* headers escaped into the URI: only Privacy matters here */
		e[n].privacy = strcasestr(e[n].uri, "?privacy=history") || strcasestr(e[n].uri, "&privacy=history");
		n++;
		s = end;
	}
	return (int)n;
}

/* Value of ;name= in a parameter list (or URI), as a number or -1. */
static long param_num(const char *s, const char *name)
{
	size_t nl = strlen(name);
	const char *p;

	for (p = strchr(s, ';'); p; p = strchr(p + 1, ';'))
		if (strncasecmp(p + 1, name, nl) == 0 && p[1 + nl] == '=')
			return strtol(p + 2 + nl, NULL, 10);
	return -1;
}

static const char *param_str(const char *s, const char *name, size_t *len)
{
	size_t nl = strlen(name);
	const char *p;

	for (p = strchr(s, ';'); p; p = strchr(p + 1, ';'))
		if (strncasecmp(p + 1, name, nl) == 0 && p[1 + nl] == '=') {
			*len = strcspn(p + 2 + nl, ";,? ");
			return p + 2 + nl;
		}
	return NULL;
}

static int entry_number(const struct hdr_entry *e, struct isup_number *n)
{
	char uri[256];
	size_t l = strcspn(e->uri, "?");

	memcpy(uri, e->uri, l);
	uri[l] = '\0';
	memset(n, 0, sizeof(*n));
	if (sipi_number_from_uri(uri, n, NULL) < 0)
		return -SIPI_ERR_BAD_HEADER;
	n->pres = e->privacy ? ISUP_APRI_RESTRICTED : ISUP_APRI_ALLOWED;
	return 0;
}

int sipi_history_info_parse(const char *value, struct sipi_redirection *r)
{
	struct hdr_entry e[SIPI_REDIR_MAX_ENTRIES];
	int n, i, first = -1, last = -1, count = 0, rc;
	long c_first = 0, c_last = 0;

	memset(r, 0, sizeof(*r));
	n = split_entries(value, e, SIPI_REDIR_MAX_ENTRIES);
	if (n < 0)
		return n == -SIPI_ERR_TOO_BIG ? n : -SIPI_ERR_BAD_HEADER;
	for (i = 0; i < n; i++) {
		long c = param_num(e[i].uri, "cause");

		if (c < 0)
			continue;
		if (first < 0) {
			first = i;
			c_first = c;
		}
		last = i;
		c_last = c;
		count++;
	}
	/* a redirection needs an entry it came from */
	if (first < 1)
		return 0;
	rc = entry_number(&e[last - 1], &r->redirecting);
	if (rc < 0)
		return rc;
	r->has_redirecting = true;
	if (entry_number(&e[first - 1], &r->original) == 0)
		r->has_original = count > 1 || first - 1 != last - 1;
	r->has_info = true;
	r->info.redirecting_ind = r->redirecting.pres == ISUP_APRI_RESTRICTED ? 4 : 3;
	r->info.orig_reason = reason_from_cause(c_first);
	r->info.reason = reason_from_cause(c_last);
	r->info.counter = count > 5 ? 5 : count;
	return 0;
}

static char *div_entry(void *ctx, const struct sipi_profile *p, const struct isup_number *n, uint8_t reason,
		       int counter)
{
	char uri[256];

	if (sipi_number_to_uri(uri, sizeof(uri), p, n, -1) < 0)
		return NULL;
	if (counter > 0)
		return talloc_asprintf(ctx, "<%s>;reason=%s;counter=%d%s", uri, reason_row(reason)->diversion,
				       counter, restricted(n) ? ";privacy=full" : "");
	return talloc_asprintf(ctx, "<%s>;reason=%s%s", uri, reason_row(reason)->diversion,
			       restricted(n) ? ";privacy=full" : "");
}

int sipi_diversion_format(void *ctx, const struct sipi_profile *p, const struct sipi_redirection *r, char **out)
{
	uint8_t reason = r->has_info ? r->info.reason : 0;
	int counter = r->has_info && r->info.counter ? r->info.counter : 1;
	char *a, *b = NULL;
	void *tmp;
	int rc = -SIPI_ERR_BAD_NUMBER;

	*out = NULL;
	if (!r->has_redirecting)
		return 0;
	tmp = talloc_new(NULL);
	if (!tmp)
		return -SIPI_ERR_NOMEM;
	a = div_entry(tmp, p, &r->redirecting, reason, counter);
	if (!a)
		goto out;
	if (r->has_original && !same_number(&r->original, &r->redirecting)) {
		b = div_entry(tmp, p, &r->original, r->has_info ? r->info.orig_reason : reason, 1);
		if (!b)
			goto out;
	}
	*out = b ? talloc_asprintf(ctx, "%s,%s", a, b) : talloc_strdup(ctx, a);
	rc = *out ? 0 : -SIPI_ERR_NOMEM;
out:
	talloc_free(tmp);
	return rc;
}

int sipi_diversion_parse(const char *value, struct sipi_redirection *r)
{
	struct hdr_entry e[SIPI_REDIR_MAX_ENTRIES];
	const char *rs;
	size_t rl;
	long counter;
	int n, rc;

	memset(r, 0, sizeof(*r));
	n = split_entries(value, e, SIPI_REDIR_MAX_ENTRIES);
	if (n < 0)
		return n == -SIPI_ERR_TOO_BIG ? n : -SIPI_ERR_BAD_HEADER;
	if (n == 0)
		return 0;
	rc = entry_number(&e[0], &r->redirecting);
	if (rc < 0)
		return rc;
	if (strcasestr(e[0].params, "privacy=full") || strcasestr(e[0].params, "privacy=name"))
		r->redirecting.pres = ISUP_APRI_RESTRICTED;
	r->has_redirecting = true;
	if (n > 1 && entry_number(&e[n - 1], &r->original) == 0)
		r->has_original = true;
	r->has_info = true;
	r->info.redirecting_ind = r->redirecting.pres == ISUP_APRI_RESTRICTED ? 4 : 3;
	rs = param_str(e[0].params, "reason", &rl);
	r->info.reason = rs ? reason_from_diversion(rs, rl) : 0;
	rs = param_str(e[n - 1].params, "reason", &rl);
	r->info.orig_reason = rs ? reason_from_diversion(rs, rl) : r->info.reason;
	counter = param_num(e[0].params, "counter");
	if (counter < 1)
		counter = n;
	r->info.counter = counter > 5 ? 5 : (uint8_t)counter;
	return 0;
}

int sipi_contact_from_cause(char *buf, size_t size, const struct sipi_profile *p, const struct isup_cause *c)
{
	struct isup_number num;
	int rc;

	if (!c || c->value != 22 || !c->diag_len)
		return -SIPI_ERR_INVAL;
	if (isup_number_decode(&num, ISUP_NUMBER_CALLED, c->diag, c->diag_len) < 0 || !num.digits[0])
		return -SIPI_ERR_BAD_NUMBER;
	rc = sipi_number_to_uri(buf, size, p, &num, -1);
	return rc;
}
