/* doc/interworking.md against the code's tables.
 *
 * Every generated section of the doc must equal what sipi_doc_section()
 * renders from the tables today.  On a mismatch the test writes the
 * regenerated document to interworking.md.generated in the current
 * directory; copy it over doc/interworking.md after review.
 *
 * Copyright (C) 2026 Tandem contributors
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tests/unit/testlib.h"
#include "isup/sipi_doc.h"

static char *read_doc(void *ctx)
{
	const char *top = getenv("TOP_SRCDIR");
	char *path = talloc_asprintf(ctx, "%s/doc/interworking.md", top ? top : "../..");
	FILE *f = fopen(path, "r");
	char *buf;
	long n;

	ck_assert_msg(f != NULL, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = talloc_size(ctx, n + 1);
	ck_assert_int_eq(fread(buf, 1, n, f), n);
	buf[n] = '\0';
	fclose(f);
	talloc_free(path);
	return buf;
}

/* Replace each generated section of doc; count the sections that
 * differed. */
static char *regenerate(void *ctx, const char *doc, unsigned int *changed, unsigned int *found)
{
	char *out = talloc_strdup(ctx, doc);
	unsigned int i;

	*changed = *found = 0;
	for (i = 0; sipi_doc_sections[i]; i++) {
		char *begin = talloc_asprintf(ctx, "<!-- BEGIN sipi:%s -->\n", sipi_doc_sections[i]);
		char *end = talloc_asprintf(ctx, "<!-- END sipi:%s -->", sipi_doc_sections[i]);
		char *gen = sipi_doc_section(ctx, sipi_doc_sections[i]);
		char *b = strstr(out, begin), *e;

		ck_assert_ptr_nonnull(gen);
		if (!b)
			continue;
		e = strstr(b, end);
		if (!e)
			continue;
		(*found)++;
		b += strlen(begin);
		if ((size_t)(e - b) != strlen(gen) || strncmp(b, gen, e - b) != 0) {
			char *n = talloc_asprintf(ctx, "%.*s%s%s", (int)(b - out), out, gen, e);

			(*changed)++;
			talloc_free(out);
			out = n;
		}
		talloc_free(begin);
		talloc_free(end);
		talloc_free(gen);
	}
	return out;
}

START_TEST(test_doc_matches_tables)
{
	char *doc = read_doc(tt_ctx);
	unsigned int changed, found, i;
	char *regen = regenerate(tt_ctx, doc, &changed, &found);

	for (i = 0; sipi_doc_sections[i]; i++)
		;
	if (changed) {
		FILE *f = fopen("interworking.md.generated", "w");

		if (f) {
			fputs(regen, f);
			fclose(f);
		}
	}
	ck_assert_msg(found == i, "doc/interworking.md has %u of %u generated sections", found, i);
	ck_assert_msg(changed == 0,
		      "%u section(s) of doc/interworking.md differ from the code; see interworking.md.generated",
		      changed);
	talloc_free(regen);
	talloc_free(doc);
}
END_TEST

START_TEST(test_unknown_section)
{
	ck_assert_ptr_null(sipi_doc_section(tt_ctx, "nope"));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("sipi_doc");
	TCase *tc = tt_tcase(s, "doc");

	tcase_add_test(tc, test_doc_matches_tables);
	tcase_add_test(tc, test_unknown_section);
	return tt_run(s);
}
