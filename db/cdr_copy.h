/* CDRs as rows of PostgreSQL's COPY text format. */
#pragma once

#include <stddef.h>

struct cdr_record;

/*! The column list the writer fills, in COPY order ("(a, b, ...)"). */
extern const char cdr_copy_columns[];

/*! Append @rec as one COPY text line (with its newline) to @buf of @size
 *  bytes at *@len.  Fields are escaped per COPY's rules, never quoted into
 *  SQL.  \returns 0, or -ENOSPC leaving *@len unchanged. */
int cdr_copy_format(const struct cdr_record *rec, char *buf, size_t size, size_t *len);

/*! Longest line cdr_copy_format() can produce for one record. */
#define CDR_COPY_LINE_MAX 4096

/*! Format @us (microseconds since the epoch) as a UTC timestamp with
 *  milliseconds, "YYYY-MM-DD HH:MM:SS.mmm+00", into @buf (>= 32 bytes). */
void cdr_format_time(long long us, char *buf, size_t size);
