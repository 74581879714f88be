/* The mapping tables as Markdown, for doc/interworking.md.
 *
 * The doc is checked against this output by a unit test, so the tables
 * in the doc are the tables in the code.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <string.h>

#include <talloc.h>

#include "isup/sipi_cause.h"
#include "isup/sipi_doc.h"
#include "isup/sipi_number.h"
#include "isup/sipi_profile.h"
#include "isup/sipi_redir.h"

const char *const sipi_doc_sections[] = {
	"cause-to-status", "status-to-cause", "headers", "cpc", "redirecting-reason", NULL,
};

static const char *status_cell(void *ctx, uint16_t status, uint16_t user)
{
	if (!status)
		return "BYE/CANCEL (a response: 480)";
	if (user)
		return talloc_asprintf(ctx, "%u (%u when location is user)", status, user);
	return talloc_asprintf(ctx, "%u", status);
}

static const struct sipi_cause_row *find_cause(const struct sipi_cause_row *t, unsigned int n, uint8_t cause)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[i].cause == cause)
			return &t[i];
	return NULL;
}

static char *cause_to_status(void *ctx)
{
	unsigned int nr, nq, c;
	const struct sipi_cause_row *r = sipi_cause_table(SIPI_MAP_RFC3398, &nr);
	const struct sipi_cause_row *q = sipi_cause_table(SIPI_MAP_Q1912, &nq);
	char *s = talloc_strdup(ctx, "| cause | Q.850 meaning | RFC 3398 profile | Q.1912.5 profile | "
				     "RFC 3398 source | Q.1912.5 source |\n|---|---|---|---|---|---|\n");

	for (c = 1; c < 128 && s; c++) {
		const struct sipi_cause_row *a = find_cause(r, nr, c), *b = find_cause(q, nq, c);
		const char *text = sipi_cause_text(c);

		if (!a && !b)
			continue;
		s = talloc_asprintf_append(s, "| %u | %s | %s | %s | %s | %s |\n", c, text ? text : "",
					   a ? status_cell(s, a->status, a->status_user) : "by class",
					   b ? status_cell(s, b->status, b->status_user) : "by class",
					   a ? a->src : "-", b ? b->src : "-");
	}
	return s;
}

static const struct sipi_status_row *find_status(const struct sipi_status_row *t, unsigned int n, uint16_t st)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		if (t[i].status == st)
			return &t[i];
	return NULL;
}

static const char *cause_cell(void *ctx, const struct sipi_status_row *r, enum sipi_cause_map map)
{
	if (!r)
		return talloc_asprintf(ctx, "%u (default)", sipi_status_default_cause(map));
	if (!r->cause)
		return talloc_asprintf(ctx, "%u (no mapping in source)", sipi_status_default_cause(map));
	return talloc_asprintf(ctx, "%u", r->cause);
}

static char *status_to_cause(void *ctx)
{
	unsigned int nr, nq, st;
	const struct sipi_status_row *r = sipi_status_table(SIPI_MAP_RFC3398, &nr);
	const struct sipi_status_row *q = sipi_status_table(SIPI_MAP_Q1912, &nq);
	char *s = talloc_strdup(ctx, "| SIP status | RFC 3398 profile | Q.1912.5 profile | RFC 3398 source | "
				     "Q.1912.5 source |\n|---|---|---|---|---|\n");

	for (st = 300; st < 700 && s; st++) {
		const struct sipi_status_row *a = find_status(r, nr, st), *b = find_status(q, nq, st);

		if (!a && !b)
			continue;
		s = talloc_asprintf_append(s, "| %u | %s | %s | %s | %s |\n", st, cause_cell(s, a, SIPI_MAP_RFC3398),
					   cause_cell(s, b, SIPI_MAP_Q1912), a ? a->src : "-", b ? b->src : "-");
	}
	if (s)
		s = talloc_asprintf_append(s, "| any other 3xx-6xx | %u | %u | RFC 3398 8.2.6.1 | Q.1912.5 |\n",
					   sipi_status_default_cause(SIPI_MAP_RFC3398),
					   sipi_status_default_cause(SIPI_MAP_Q1912));
	return s;
}

static char *headers(void *ctx)
{
	unsigned int n, i;
	const struct sipi_hdr_row *t = sipi_hdr_table(&n);
	char *s = talloc_strdup(ctx, "| SIP | ISUP | SIP-I | SIP-T | SIP | rule |\n|---|---|---|---|---|---|\n");

	for (i = 0; i < n && s; i++)
		s = talloc_asprintf_append(s, "| %s | %s | %s | %s | %s | %s |\n", t[i].sip, t[i].isup,
					   t[i].modes & (1 << SIPI_MODE_SIPI) ? "yes" : "no",
					   t[i].modes & (1 << SIPI_MODE_SIPT) ? "yes" : "no",
					   t[i].modes & (1 << SIPI_MODE_SIP) ? "yes" : "no", t[i].rule);
	return s;
}

static char *cpc(void *ctx)
{
	unsigned int n, i;
	const struct sipi_cpc_row *t = sipi_cpc_table(&n);
	char *s = talloc_strdup(ctx, "| CPC (Q.763) | cpc= | ISUP -> SIP | SIP -> ISUP |\n|---|---|---|---|\n");

	for (i = 0; i < n && s; i++)
		s = talloc_asprintf_append(s, "| 0x%02x | %s | %s | %s |\n", t[i].cpc, t[i].sip,
					   t[i].to_sip ? "sent" : "not sent", t[i].from_sip ? "yes" : "no");
	return s;
}

static char *redirecting_reason(void *ctx)
{
	unsigned int n, i;
	const struct sipi_redir_reason_row *t = sipi_redir_reason_table(&n);
	char *s = talloc_strdup(ctx, "| redirecting reason (Q.763 3.45) | History-Info cause= (RFC 4458) | "
				     "Diversion reason= (RFC 5806) |\n|---|---|---|\n");

	for (i = 0; i < n && s; i++)
		s = talloc_asprintf_append(s, "| %u | %u | %s |\n", t[i].reason, t[i].hi_cause, t[i].diversion);
	return s;
}

char *sipi_doc_section(void *ctx, const char *name)
{
	if (!strcmp(name, "cause-to-status"))
		return cause_to_status(ctx);
	if (!strcmp(name, "status-to-cause"))
		return status_to_cause(ctx);
	if (!strcmp(name, "headers"))
		return headers(ctx);
	if (!strcmp(name, "cpc"))
		return cpc(ctx);
	if (!strcmp(name, "redirecting-reason"))
		return redirecting_reason(ctx);
	return NULL;
}
