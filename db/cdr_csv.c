/* RFC 4180 CSV fields. */
#include <string.h>

#include "db/cdr_csv.h"

void cdr_csv_field(FILE *out, const char *s)
{
	size_t n;

	if (!s || !s[0])
		return;
	n = strlen(s);
	/* Spreadsheets trim unquoted edge spaces: quote them to keep them. */
	if (!strpbrk(s, ",\"\r\n") && s[0] != ' ' && s[n - 1] != ' ') {
		fputs(s, out);
		return;
	}
	fputc('"', out);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', out);
		fputc(*s, out);
	}
	fputc('"', out);
}

void cdr_csv_sep(FILE *out, unsigned int i)
{
	if (i)
		fputc(',', out);
}

void cdr_csv_eol(FILE *out)
{
	fputs("\r\n", out);
}
