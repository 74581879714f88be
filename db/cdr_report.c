/* tandem-cdr report: carrier KPIs over a time range, and the hourly chart.
 *
 * Definitions (doc/cdr.md):
 *  - ASR, answer-seizure ratio: answered attempts / attempts.
 *  - NER, network effectiveness ratio (after ITU-T E.425): attempts that
 *    were answered, or failed for a reason of the user rather than the
 *    network (user busy 17, no user responding 18, no answer 19, call
 *    rejected 21, or the caller hanging up first) / attempts.
 *  - ACD, average call duration: mean talk time of answered attempts.
 *  - PDD, post-dial delay: mean over the attempts that have one.
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db/cdr_tool.h"

#define TOP_CAUSES 3
/* The chart draws one bar per hour: bound it to a readable month. */
#define SVG_MAX_HOURS 744

#define RANGE "start_time >= $1::timestamptz AND start_time < $2::timestamptz"
#define EFFECTIVE "(answer_time IS NOT NULL OR cause IN (17, 18, 19, 21) OR released_by = 'calling')"

/* Grouping expressions: chosen from this fixed list, never built from input. */
static const char *group_expr(const char *by)
{
	if (!by)
		return "'total'";
	if (!strcmp(by, "trunk"))
		return "coalesce(ingress_trunk, '-')";
	if (!strcmp(by, "route"))
		return "coalesce(route, '-')";
	return "to_char(date_trunc('hour', start_time), 'YYYY-MM-DD\"T\"HH24:00\"Z\"')";
}

static PGresult *query(PGconn *conn, const char *sql, const struct cdr_query_args *a)
{
	const char *params[2] = { a->from, a->to };
	PGresult *res = PQexecParams(conn, sql, 2, NULL, params, NULL, NULL, 0);

	if (PQresultStatus(res) != PGRES_TUPLES_OK) {
		cdr_tool_error(conn, res, "report");
		PQclear(res);
		return NULL;
	}
	return res;
}

static double pct(long long part, long long whole)
{
	return whole ? 100.0 * part / whole : 0.0;
}

static void print_value(const PGresult *res, int row, int col, double scale)
{
	if (PQgetisnull(res, row, col))
		printf(" %9s", "-");
	else
		printf(" %9.1f", strtod(PQgetvalue(res, row, col), NULL) / scale);
}

/* Top causes of group @grp as "c:n c:n ...". */
static void print_causes(const PGresult *causes, const char *grp)
{
	bool any = false;

	printf("  ");
	for (int r = 0; r < PQntuples(causes); r++) {
		if (strcmp(PQgetvalue(causes, r, 0), grp))
			continue;
		printf("%s%s:%s", any ? " " : "",
		       PQgetisnull(causes, r, 1) ? "-" : PQgetvalue(causes, r, 1),
		       PQgetvalue(causes, r, 2));
		any = true;
	}
	if (!any)
		printf("-");
	printf("\n");
}

int cdr_tool_report(PGconn *conn, const struct cdr_query_args *a)
{
	char sql[2048];
	PGresult *kpi, *causes, *top;
	const char *g = group_expr(a->by);
	long long tot_att = 0, tot_ans = 0, tot_eff = 0;
	int rc = 0;

	snprintf(sql, sizeof(sql),
		 "SELECT %s AS grp, count(*), count(answer_time), count(*) FILTER (WHERE %s),"
		 " avg(talk_ms) FILTER (WHERE answer_time IS NOT NULL), avg(pdd_ms)"
		 " FROM cdr WHERE " RANGE " GROUP BY 1 ORDER BY 1", g, EFFECTIVE);
	kpi = query(conn, sql, a);
	if (!kpi)
		return 1;
	snprintf(sql, sizeof(sql),
		 "SELECT grp, cause, n FROM (SELECT grp, cause, count(*) AS n, row_number() OVER"
		 " (PARTITION BY grp ORDER BY count(*) DESC, cause) AS rn FROM (SELECT %s AS grp,"
		 " cause FROM cdr WHERE " RANGE ") s GROUP BY grp, cause) t WHERE rn <= %d"
		 " ORDER BY grp, rn", g, TOP_CAUSES);
	causes = query(conn, sql, a);
	snprintf(sql, sizeof(sql),
		 "SELECT cause, count(*), avg(talk_ms) FILTER (WHERE answer_time IS NOT NULL),"
		 " avg(pdd_ms) FROM cdr WHERE " RANGE " GROUP BY cause ORDER BY 2 DESC, 1 LIMIT 5");
	top = query(conn, sql, a);
	if (!causes || !top) {
		rc = 1;
		goto out;
	}

	printf("CDR report from %s to %s%s%s\n", a->from, a->to, a->by ? ", by " : "",
	       a->by ? a->by : "");
	printf("%-24s %9s %9s %9s %9s %9s %9s  %s\n", a->by ? a->by : "", "attempts", "answered",
	       "ASR%", "NER%", "ACD s", "PDD ms", "top causes (cause:count)");
	for (int r = 0; r < PQntuples(kpi); r++) {
		long long att = atoll(PQgetvalue(kpi, r, 1));
		long long ans = atoll(PQgetvalue(kpi, r, 2));
		long long eff = atoll(PQgetvalue(kpi, r, 3));

		tot_att += att;
		tot_ans += ans;
		tot_eff += eff;
		printf("%-24.24s %9lld %9lld %9.1f %9.1f", PQgetvalue(kpi, r, 0), att, ans,
		       pct(ans, att), pct(eff, att));
		print_value(kpi, r, 4, 1000);
		print_value(kpi, r, 5, 1);
		print_causes(causes, PQgetvalue(kpi, r, 0));
	}
	if (a->by)
		printf("%-24s %9lld %9lld %9.1f %9.1f\n", "total", tot_att, tot_ans,
		       pct(tot_ans, tot_att), pct(tot_eff, tot_att));
	printf("top release causes:");
	for (int r = 0; r < PQntuples(top); r++)
		printf(" %s (%s)", PQgetisnull(top, r, 0) ? "none" : PQgetvalue(top, r, 0),
		       PQgetvalue(top, r, 1));
	printf("%s\n", PQntuples(top) ? "" : " none");
	if (a->svg)
		rc = cdr_tool_svg(conn, a);
out:
	PQclear(kpi);
	PQclear(causes);
	PQclear(top);
	return rc;
}

/* ------------------------------------------------------------------ chart */

static void svg_text(FILE *f, double x, double y, const char *anchor, const char *fill,
		     const char *text)
{
	fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" fill=\"%s\">", x, y, anchor, fill);
	/* the hour labels come from to_char(), but escape anyway */
	for (; *text; text++) {
		if (*text == '<')
			fputs("&lt;", f);
		else if (*text == '&')
			fputs("&amp;", f);
		else
			fputc(*text, f);
	}
	fputs("</text>\n", f);
}

int cdr_tool_svg(PGconn *conn, const struct cdr_query_args *a)
{
	const double W = 960, H = 510, L = 70, R = 70, T = 50, B = 125;
	const double pw = W - L - R, ph = H - T - B;
	PGresult *res;
	long long max_calls = 0;
	int n, step;
	double bw;
	char label[64];
	FILE *f;

	res = query(conn,
		    "SELECT to_char(h, 'MM-DD HH24:00'), count(c.call_id), count(c.answer_time)"
		    " FROM generate_series(date_trunc('hour', $1::timestamptz),"
		    " $2::timestamptz - interval '1 millisecond', interval '1 hour') AS h"
		    " LEFT JOIN cdr c ON c.start_time >= greatest(h, $1::timestamptz)"
		    " AND c.start_time < least(h + interval '1 hour', $2::timestamptz)"
		    " GROUP BY h ORDER BY h", a);
	if (!res)
		return 1;
	n = PQntuples(res);
	if (n == 0 || n > SVG_MAX_HOURS) {
		fprintf(stderr, "tandem-cdr: --svg draws 1 to %d hours; the range has %d\n",
			SVG_MAX_HOURS, n);
		PQclear(res);
		return 2;
	}
	for (int r = 0; r < n; r++)
		if (atoll(PQgetvalue(res, r, 1)) > max_calls)
			max_calls = atoll(PQgetvalue(res, r, 1));
	if (max_calls == 0)
		max_calls = 1;
	/* round the axis up to 1, 2 or 5 times a power of ten */
	{
		long long m = 1;

		while (m * 10 <= max_calls)
			m *= 10;
		max_calls = max_calls <= m ? m : max_calls <= 2 * m ? 2 * m : max_calls <= 5 * m ? 5 * m : 10 * m;
	}
	f = fopen(a->svg, "w");
	if (!f) {
		perror(a->svg);
		PQclear(res);
		return 1;
	}
	bw = pw / n;
	step = n <= 24 ? 1 : n <= 48 ? 2 : n <= 168 ? 12 : 24;
	fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
		"viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"13\">\n"
		"<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n", W, H, W, H);
	snprintf(label, sizeof(label), "Calls and ASR per hour (UTC)");
	fprintf(f, "<text x=\"%.1f\" y=\"28\" text-anchor=\"middle\" font-size=\"17\" "
		"font-weight=\"bold\">%s</text>\n", W / 2, label);
	/* grid and left axis: calls */
	for (int i = 0; i <= 5; i++) {
		double y = T + ph - ph * i / 5;

		fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#dddddd\"/>\n",
			L, y, L + pw, y);
		snprintf(label, sizeof(label), "%lld", max_calls * i / 5);
		svg_text(f, L - 8, y + 4, "end", "#1f5fa8", label);
		snprintf(label, sizeof(label), "%d%%", i * 20);
		svg_text(f, L + pw + 8, y + 4, "start", "#c0392b", label);
	}
	for (int r = 0; r < n; r++) {
		long long calls = atoll(PQgetvalue(res, r, 1));
		double h = ph * calls / max_calls;

		fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
			"fill=\"#5b9bd5\"><title>%s: %lld calls</title></rect>\n",
			L + r * bw + bw * 0.1, T + ph - h, bw * 0.8, h, PQgetvalue(res, r, 0), calls);
		if (r % step == 0) {
			double x = L + r * bw + bw / 2, y = T + ph + 14;

			fprintf(f, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
				"transform=\"rotate(-45 %.1f %.1f)\">%s</text>\n", x, y, x, y,
				PQgetvalue(res, r, 0));
		}
	}
	/* ASR line, broken where an hour had no calls (no ASR to draw) */
	for (int r = 0; r < n; r++) {
		long long calls = atoll(PQgetvalue(res, r, 1));
		bool prev = r > 0 && atoll(PQgetvalue(res, r - 1, 1)) > 0;
		bool next = r + 1 < n && atoll(PQgetvalue(res, r + 1, 1)) > 0;

		if (!calls)
			continue;
		if (!prev)
			fprintf(f, "<polyline fill=\"none\" stroke=\"#c0392b\" stroke-width=\"2.5\" "
				"points=\"");
		fprintf(f, "%.1f,%.1f ", L + r * bw + bw / 2,
			T + ph - ph * pct(atoll(PQgetvalue(res, r, 2)), calls) / 100);
		if (!next)
			fprintf(f, "\"/>\n");
	}
	for (int r = 0; r < n; r++) {
		long long calls = atoll(PQgetvalue(res, r, 1));

		if (calls)
			fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"#c0392b\"/>\n",
				L + r * bw + bw / 2,
				T + ph - ph * pct(atoll(PQgetvalue(res, r, 2)), calls) / 100);
	}
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"black\"/>\n",
		L, T + ph, L + pw, T + ph);
	fprintf(f, "<text transform=\"translate(20 %.1f) rotate(-90)\" text-anchor=\"middle\" "
		"fill=\"#1f5fa8\">call attempts</text>\n", T + ph / 2);
	fprintf(f, "<text transform=\"translate(%.1f %.1f) rotate(90)\" text-anchor=\"middle\" "
		"fill=\"#c0392b\">ASR</text>\n", W - 20, T + ph / 2);
	fprintf(f, "<rect x=\"%.1f\" y=\"%.1f\" width=\"14\" height=\"14\" fill=\"#5b9bd5\"/>\n",
		L, H - 24);
	svg_text(f, L + 20, H - 12, "start", "black", "call attempts per hour");
	fprintf(f, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#c0392b\" "
		"stroke-width=\"2.5\"/>\n", L + 220, H - 17, L + 250, H - 17);
	svg_text(f, L + 258, H - 12, "start", "black", "ASR (answered / attempts)");
	fprintf(f, "</svg>\n");
	PQclear(res);
	if (fclose(f) != 0) {
		perror(a->svg);
		return 1;
	}
	return 0;
}
