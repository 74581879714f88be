/* tandem-cdr: the operator's tool for the CDR database. */
#pragma once

#include <libpq-fe.h>

/*! The time range and filters of an export or a report. */
struct cdr_query_args {
	const char *from;
	const char *to;
	const char *trunk;	/*!< export: ingress or egress trunk, NULL for all */
	const char *format;	/*!< export: csv or json */
	const char *by;		/*!< report: NULL (totals), trunk, route or hour */
	const char *svg;	/*!< report: chart file, NULL for none */
};

/*! Stream the records of @a to stdout.  \returns a process exit code. */
int cdr_tool_export(PGconn *conn, const struct cdr_query_args *a);

/*! Print the KPI report of @a to stdout (and the chart to a->svg).
 *  \returns a process exit code. */
int cdr_tool_report(PGconn *conn, const struct cdr_query_args *a);

/*! Write the calls/ASR per hour chart of @a to a->svg.  \returns an exit code. */
int cdr_tool_svg(PGconn *conn, const struct cdr_query_args *a);

/*! Print the error of @res (or the connection) as "tandem-cdr: what: error". */
void cdr_tool_error(PGconn *conn, const PGresult *res, const char *what);
