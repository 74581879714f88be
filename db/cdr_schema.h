/* The CDR schema: versioned migrations, shared by tandemd and tandem-cdr. */
#pragma once

#include <libpq-fe.h>

/*! One migration, generated from db/sql/NNN_name.sql. */
struct cdr_migration {
	int version;
	const char *name;
	const char *sql;
};

extern const struct cdr_migration cdr_migrations[];
extern const unsigned int cdr_migrations_count;

/*! The schema version this binary writes (its newest migration). */
int cdr_schema_latest(void);

/*! Query that returns the database's schema version as one row. */
extern const char cdr_schema_version_query[];

/*! SQLSTATE of "relation does not exist": a database with no schema yet. */
#define CDR_SQLSTATE_UNDEFINED_TABLE "42P01"

/*! The SQL that applies migration @m in one transaction, serialised against
 *  other tandemds by an advisory lock, and records its version.  The text
 *  comes only from the migration files, never from data.  talloc'd. */
char *cdr_migration_sql(void *ctx, const struct cdr_migration *m);

/*! Read the schema version over a blocking connection: 0 for an empty
 *  database.  \returns the version or -EIO (message in *@err, talloc'd). */
int cdr_schema_version_sync(PGconn *conn, void *ctx, char **err);

/*! Apply every missing migration over a blocking connection.  \returns the
 *  resulting version, -EPROTO when the database is newer than this binary,
 *  or -EIO; *@err gets a message. */
int cdr_schema_migrate_sync(PGconn *conn, void *ctx, char **err);
