/* Schema versions and migrations. */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include <talloc.h>

#include "db/cdr_schema.h"

/* Key of the advisory lock that serialises migrations across tandemds. */
#define CDR_MIGRATION_LOCK 0x54434452 /* "TCDR" */

const char cdr_schema_version_query[] = "SELECT coalesce(max(version), 0) FROM cdr_schema_version";

int cdr_schema_latest(void)
{
	int v = 0;

	for (unsigned int i = 0; i < cdr_migrations_count; i++)
		if (cdr_migrations[i].version > v)
			v = cdr_migrations[i].version;
	return v;
}

/* One simple-protocol query string with no BEGIN/COMMIT runs as a single
 * implicit transaction that the server rolls back on any error. */
char *cdr_migration_sql(void *ctx, const struct cdr_migration *m)
{
	return talloc_asprintf(ctx,
			       "SELECT pg_advisory_xact_lock(%d);\n"
			       "%s\n"
			       "INSERT INTO cdr_schema_version (version, description) VALUES (%d, '%s');\n",
			       CDR_MIGRATION_LOCK, m->sql, m->version, m->name);
}

int cdr_schema_version_sync(PGconn *conn, void *ctx, char **err)
{
	PGresult *res = PQexec(conn, cdr_schema_version_query);
	int v = -EIO;

	if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
		v = atoi(PQgetvalue(res, 0, 0));
	} else {
		const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);

		if (state && !strcmp(state, CDR_SQLSTATE_UNDEFINED_TABLE))
			v = 0;
		else
			*err = talloc_strdup(ctx, PQerrorMessage(conn));
	}
	PQclear(res);
	return v;
}

int cdr_schema_migrate_sync(PGconn *conn, void *ctx, char **err)
{
	int v = cdr_schema_version_sync(conn, ctx, err);

	if (v < 0)
		return v;
	if (v > cdr_schema_latest()) {
		*err = talloc_asprintf(ctx,
				       "database schema version %d is newer than this binary's %d: "
				       "upgrade Tandem before using this database", v, cdr_schema_latest());
		return -EPROTO;
	}
	for (unsigned int i = 0; i < cdr_migrations_count; i++) {
		const struct cdr_migration *m = &cdr_migrations[i];
		char *sql;
		PGresult *res;
		bool ok;

		if (m->version <= v)
			continue;
		sql = cdr_migration_sql(ctx, m);
		res = PQexec(conn, sql);
		talloc_free(sql);
		ok = PQresultStatus(res) == PGRES_COMMAND_OK;
		PQclear(res);
		if (!ok) {
			*err = talloc_asprintf(ctx, "migration %d (%s) failed: %s", m->version, m->name,
					       PQerrorMessage(conn));
			return -EIO;
		}
		v = m->version;
	}
	return v;
}
