/* Numbered, forward-only schema migrations. The version reached is kept in
 * the table concerto_schema; the module refuses to serve from a database
 * whose schema is behind the one it was built for. */
#ifndef CC_MIGRATE_H
#define CC_MIGRATE_H

#include "db.h"

typedef struct cc_migration {
    int version;
    const char *name;
    const char *sql; /* statements separated by ';' at the end of a line */
} cc_migration;

/* Generated from store/migrations/NNNN_name.sql; ends with version 0. */
extern const cc_migration cc_migrations[];

/* The version this build needs. */
int cc_schema_latest(void);

/* The SQL of a migration for a dialect: @ID@ and @TEXT@ replaced. */
const char *cc_schema_expand(apr_pool_t *pool, cc_dialect dialect, const char *sql);

/* What follows the column list of a CREATE TABLE: on MySQL/MariaDB the
 * full UTF-8 character set and a binary (case-sensitive, as on the other
 * databases) collation, whatever the database's defaults; "" elsewhere. */
const char *cc_schema_table_options(cc_dialect dialect);

/* The statement that undoes one migration statement on a database whose
 * DDL commits by itself (MySQL, Oracle): DROP TABLE for CREATE TABLE,
 * DROP INDEX for CREATE INDEX, DROP COLUMN for ALTER TABLE ... ADD COLUMN;
 * NULL for anything else. */
const char *cc_schema_undo_sql(apr_pool_t *pool, cc_dialect dialect, const char *statement);

/* Whether a table exists in the connection's current schema. */
apr_status_t cc_db_table_exists(cc_db *db, apr_pool_t *pool, const char *table, int *exists);

/* The version the database is at; 0 for an empty database. */
apr_status_t cc_schema_current(cc_db *db, apr_pool_t *pool, int *version);

/* Apply every pending migration, each in its own transaction. *applied
 * counts them. A failure leaves the database at the last good version:
 * where DDL commits by itself, what the failed migration had created is
 * dropped again (cc_schema_undo_sql). */
apr_status_t cc_schema_migrate(cc_db *db, apr_pool_t *pool, int *applied);

#endif
