/* tandem-cdr export: stream records as CSV or JSON.
 *
 * Rows arrive in libpq's single-row mode, so an export of a month of
 * traffic never sits in memory; the range and trunk travel as query
 * parameters, never inside the SQL text.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "db/cdr_csv.h"
#include "db/cdr_tool.h"

enum col_kind { COL_TEXT, COL_INT, COL_BOOL };

struct col {
	const char *name;
	enum col_kind kind;
	const char *expr;	/* NULL: the column itself */
};

#define TS(c) "to_char(" c ", 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"

static const struct col export_cols[] = {
	{ "call_id", COL_TEXT, "call_id::text" },
	{ "start_time", COL_TEXT, TS("start_time") },
	{ "answer_time", COL_TEXT, TS("answer_time") },
	{ "end_time", COL_TEXT, TS("end_time") },
	{ "setup_ms", COL_INT },
	{ "talk_ms", COL_INT },
	{ "calling_in", COL_TEXT },
	{ "calling_in_nai", COL_INT },
	{ "called_in", COL_TEXT },
	{ "called_in_nai", COL_INT },
	{ "calling_out", COL_TEXT },
	{ "calling_out_nai", COL_INT },
	{ "called_out", COL_TEXT },
	{ "called_out_nai", COL_INT },
	{ "ingress_trunk", COL_TEXT },
	{ "egress_trunk", COL_TEXT },
	{ "route", COL_TEXT },
	{ "cic", COL_INT },
	{ "opc", COL_INT },
	{ "dpc", COL_INT },
	{ "sip_call_id", COL_TEXT },
	{ "cause", COL_INT },
	{ "cause_location", COL_INT },
	{ "released_by", COL_TEXT },
	{ "codec", COL_TEXT },
	{ "transcoded", COL_BOOL },
	{ "pdd_ms", COL_INT },
	{ "instance", COL_TEXT },
};
#define N_COLS (sizeof(export_cols) / sizeof(export_cols[0]))

static void build_query(char *sql, size_t size)
{
	size_t len;

	len = snprintf(sql, size, "SELECT ");
	for (size_t i = 0; i < N_COLS && len < size; i++)
		len += snprintf(sql + len, size - len, "%s%s", i ? ", " : "",
				export_cols[i].expr ? export_cols[i].expr : export_cols[i].name);
	snprintf(sql + len, size - len,
		 " FROM cdr WHERE start_time >= $1::timestamptz AND start_time < $2::timestamptz"
		 " AND ($3::text IS NULL OR ingress_trunk = $3::text OR egress_trunk = $3::text)"
		 " ORDER BY start_time, call_id");
}

static void csv_header(void)
{
	for (unsigned int i = 0; i < N_COLS; i++) {
		cdr_csv_sep(stdout, i);
		cdr_csv_field(stdout, export_cols[i].name);
	}
	cdr_csv_eol(stdout);
}

static void row_csv(const PGresult *res)
{
	for (unsigned int i = 0; i < N_COLS; i++) {
		const char *v = PQgetisnull(res, 0, i) ? NULL : PQgetvalue(res, 0, i);

		cdr_csv_sep(stdout, i);
		if (v && export_cols[i].kind == COL_BOOL)
			v = v[0] == 't' ? "true" : "false";
		cdr_csv_field(stdout, v);
	}
	cdr_csv_eol(stdout);
}

static void row_json(const PGresult *res, bool first)
{
	json_t *o = json_object();
	char *text;

	for (unsigned int i = 0; i < N_COLS; i++) {
		const char *v = PQgetvalue(res, 0, i);
		json_t *j;

		if (PQgetisnull(res, 0, i))
			j = json_null();
		else if (export_cols[i].kind == COL_INT)
			j = json_integer(strtoll(v, NULL, 10));
		else if (export_cols[i].kind == COL_BOOL)
			j = json_boolean(v[0] == 't');
		else
			j = json_string(v);
		/* the database only holds valid UTF-8, but never print a hole */
		json_object_set_new(o, export_cols[i].name, j ? j : json_null());
	}
	text = json_dumps(o, JSON_PRESERVE_ORDER | JSON_COMPACT);
	printf("%s%s", first ? "[\n" : ",\n", text ? text : "{}");
	free(text);
	json_decref(o);
}

int cdr_tool_export(PGconn *conn, const struct cdr_query_args *a)
{
	const char *params[3] = { a->from, a->to, a->trunk };
	bool csv = !strcmp(a->format, "csv");
	unsigned long rows = 0;
	char sql[2048];
	PGresult *res;
	int rc = 0;

	build_query(sql, sizeof(sql));
	if (!PQsendQueryParams(conn, sql, 3, NULL, params, NULL, NULL, 0) ||
	    !PQsetSingleRowMode(conn)) {
		cdr_tool_error(conn, NULL, "export");
		return 1;
	}
	while ((res = PQgetResult(conn))) {
		switch (PQresultStatus(res)) {
		case PGRES_SINGLE_TUPLE:
			if (rows == 0 && csv) {
				csv_header();
			}
			if (csv)
				row_csv(res);
			else
				row_json(res, rows == 0);
			rows++;
			break;
		case PGRES_TUPLES_OK:
			/* end of rows: an empty export still gets its header */
			if (rows == 0 && csv) {
				csv_header();
			}
			break;
		default:
			cdr_tool_error(conn, res, "export");
			rc = 1;
			break;
		}
		PQclear(res);
	}
	if (!csv && rc == 0)
		printf("%s]\n", rows ? "\n" : "[");
	if (fflush(stdout) != 0 || ferror(stdout)) {
		perror("tandem-cdr: export: stdout");
		rc = 1;
	}
	return rc;
}
