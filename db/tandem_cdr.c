/* tandem-cdr: export and summarise Tandem's call detail records. */
#include <errno.h>
#include <getopt.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "config.h"
#include "db/cdr_schema.h"
#include "db/cdr_tool.h"

static void usage(FILE *out)
{
	fprintf(out,
		"Usage: tandem-cdr [--db CONNINFO] COMMAND [OPTIONS]\n"
		"Export and summarise Tandem's call detail records (CDRs).\n\n"
		"Commands:\n"
		"  export --from TIME --to TIME [--trunk T] [--format csv|json]\n"
		"        stream the records that started in [from, to): CSV (RFC 4180,\n"
		"        header row) or a JSON array; --trunk matches ingress or egress\n"
		"  report --from TIME --to TIME [--by trunk|route|hour] [--svg FILE]\n"
		"        attempts, ASR, NER, ACD, average PDD and top release causes;\n"
		"        --svg also draws calls and ASR per hour\n"
		"  migrate   apply the schema migrations this version carries\n"
		"  schema    print the database's and this tool's schema versions\n\n"
		"TIME is anything PostgreSQL reads as a timestamptz, e.g.\n"
		"'2026-11-25 10:00' (UTC unless a zone is given) or 2026-11-25T10:00:00+01.\n"
		"The database comes from --db, else $TANDEM_CDR_DB, else libpq's\n"
		"defaults (PGHOST, PGDATABASE, ...).\n");
}

void cdr_tool_error(PGconn *conn, const PGresult *res, const char *what)
{
	const char *msg = res ? PQresultErrorMessage(res) : PQerrorMessage(conn);

	fprintf(stderr, "tandem-cdr: %s: %s%s", what, msg && msg[0] ? msg : "unknown error\n",
		msg && msg[0] && msg[strlen(msg) - 1] == '\n' ? "" : "\n");
}

static PGconn *connect_db(const char *conninfo)
{
	const char *const keys[] = { "application_name", "dbname", NULL };
	const char *const vals[] = { "tandem-cdr", conninfo ? conninfo : "", NULL };
	PGconn *conn = PQconnectdbParams(keys, vals, 1);
	PGresult *res;

	if (PQstatus(conn) != CONNECTION_OK) {
		cdr_tool_error(conn, NULL, "cannot connect to the CDR database");
		PQfinish(conn);
		return NULL;
	}
	/* Reports and exports speak UTC whatever the server's zone. */
	res = PQexec(conn, "SET TimeZone = 'UTC'");
	PQclear(res);
	return conn;
}

static int cmd_schema(PGconn *conn, bool migrate)
{
	void *ctx = talloc_new(NULL);
	char *err = NULL;
	int v = migrate ? cdr_schema_migrate_sync(conn, ctx, &err) : cdr_schema_version_sync(conn, ctx, &err);
	int rc = 0;

	if (v < 0) {
		fprintf(stderr, "tandem-cdr: %s\n", err ? err : "schema check failed");
		rc = v == -EPROTO ? 3 : 1;
	} else {
		printf("database schema version %d; this tandem-cdr supports %d\n", v,
		       cdr_schema_latest());
		if (!migrate && v > cdr_schema_latest())
			rc = 3;
	}
	talloc_free(ctx);
	return rc;
}

/* Options may come before and after the command word, so they are parsed
 * twice with this one switch.  \returns -1 to go on, else the exit status. */
static int parse_opts(int argc, char **argv, const char *optstring, struct cdr_query_args *a,
		      const char **db)
{
	static const struct option opts[] = {
		{ "db", required_argument, NULL, 'd' },
		{ "from", required_argument, NULL, 'f' },
		{ "to", required_argument, NULL, 't' },
		{ "trunk", required_argument, NULL, 'k' },
		{ "format", required_argument, NULL, 'F' },
		{ "by", required_argument, NULL, 'b' },
		{ "svg", required_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, optstring, opts, NULL)) != -1) {
		switch (c) {
		case 'd': *db = optarg; break;
		case 'f': a->from = optarg; break;
		case 't': a->to = optarg; break;
		case 'k': a->trunk = optarg; break;
		case 'F': a->format = optarg; break;
		case 'b': a->by = optarg; break;
		case 's': a->svg = optarg; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("tandem-cdr %s\n", PACKAGE_VERSION); return 0;
		default: usage(stderr); return 2;
		}
	}
	return -1;
}

int main(int argc, char **argv)
{
	struct cdr_query_args a = { .format = "csv" };
	const char *db = getenv("TANDEM_CDR_DB");
	const char *cmd;
	PGconn *conn;
	int rc;

	rc = parse_opts(argc, argv, "+h", &a, &db);
	if (rc >= 0)
		return rc;
	if (optind >= argc) {
		usage(stderr);
		return 2;
	}
	cmd = argv[optind++];
	/* options may also follow the command */
	rc = parse_opts(argc, argv, "h", &a, &db);
	if (rc >= 0)
		return rc;
	if (optind < argc) {
		fprintf(stderr, "tandem-cdr: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	if (!strcmp(cmd, "export") || !strcmp(cmd, "report")) {
		if (!a.from || !a.to) {
			fprintf(stderr, "tandem-cdr: %s needs --from and --to\n", cmd);
			return 2;
		}
		if (strcmp(a.format, "csv") && strcmp(a.format, "json")) {
			fprintf(stderr, "tandem-cdr: --format must be csv or json\n");
			return 2;
		}
		if (a.by && strcmp(a.by, "trunk") && strcmp(a.by, "route") && strcmp(a.by, "hour")) {
			fprintf(stderr, "tandem-cdr: --by must be trunk, route or hour\n");
			return 2;
		}
	} else if (strcmp(cmd, "migrate") && strcmp(cmd, "schema")) {
		fprintf(stderr, "tandem-cdr: unknown command '%s'\n", cmd);
		usage(stderr);
		return 2;
	}
	conn = connect_db(db);
	if (!conn)
		return 1;
	if (!strcmp(cmd, "export"))
		rc = cdr_tool_export(conn, &a);
	else if (!strcmp(cmd, "report"))
		rc = cdr_tool_report(conn, &a);
	else
		rc = cmd_schema(conn, !strcmp(cmd, "migrate"));
	PQfinish(conn);
	return rc;
}
