/* RFC 4180 CSV output for tandem-cdr export. */
#pragma once

#include <stdbool.h>
#include <stdio.h>

/*! Write @s as one CSV field: quoted (quotes doubled) when it holds a comma,
 *  quote, CR or LF, or starts/ends with a space; as is otherwise.  NULL is
 *  the empty field. */
void cdr_csv_field(FILE *out, const char *s);

/*! Write the separator before field @i (none before the first). */
void cdr_csv_sep(FILE *out, unsigned int i);

/*! End a CSV record (RFC 4180: CRLF). */
void cdr_csv_eol(FILE *out);
