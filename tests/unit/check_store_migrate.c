/* store/migrate: the embedded schema and its application. */
#include "check_concerto.h"

#include "store/migrate.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

static int migration_count(void)
{
    int n = 0;

    while (cc_migrations[n].version)
        n++;
    return n;
}

START_TEST(latest_is_highest_version)
{
    int i, highest = 0;

    ck_assert_int_ge(migration_count(), 1);
    for (i = 0; cc_migrations[i].version; i++) {
        ck_assert_ptr_nonnull(cc_migrations[i].name);
        ck_assert_ptr_nonnull(cc_migrations[i].sql);
        ck_assert_uint_gt(strlen(cc_migrations[i].name), 0);
        ck_assert_uint_gt(strlen(cc_migrations[i].sql), 0);
        /* Applied in array order: strictly ascending versions. */
        ck_assert_int_gt(cc_migrations[i].version, highest);
        highest = cc_migrations[i].version;
    }
    ck_assert_int_ge(cc_schema_latest(), 1);
    ck_assert_int_eq(cc_schema_latest(), highest);
    ck_assert_int_eq(cc_migrations[0].version, 1);
    ck_assert_str_eq(cc_migrations[0].name, "initial");
    /* The comment lines of the .sql files are not embedded. */
    ck_assert_int_ne(strncmp(cc_migrations[0].sql, "--", 2), 0);
    ck_assert_ptr_null(strstr(cc_migrations[0].sql, "\n--"));
    ck_assert_ptr_nonnull(strstr(cc_migrations[0].sql, "CREATE TABLE concerto_user"));
}
END_TEST

START_TEST(expand_per_dialect)
{
    static const struct {
        cc_dialect dialect;
        const char *expected;
    } cases[] = {
        {CC_DIALECT_SQLITE, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, x TEXT, "
                            "y TEXT, email @EMAIL@ -- @ID and ID@)"},
        {CC_DIALECT_PGSQL,
         "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, x TEXT, y TEXT, email @EMAIL@ -- @ID and ID@)"},
        {CC_DIALECT_MYSQL, "CREATE TABLE t (id BIGINT AUTO_INCREMENT PRIMARY KEY, x LONGTEXT, "
                           "y LONGTEXT, email @EMAIL@ -- @ID and ID@)"},
    };
    const char *sql = "CREATE TABLE t (id @ID@, x @TEXT@, y @TEXT@, email @EMAIL@ -- @ID and ID@)";
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
        ck_assert_str_eq(cc_schema_expand(cc_test_pool, cases[i].dialect, sql), cases[i].expected);
    ck_assert_str_eq(cc_schema_expand(cc_test_pool, CC_DIALECT_SQLITE, "no tokens here"),
                     "no tokens here");
    ck_assert_str_eq(cc_schema_expand(cc_test_pool, CC_DIALECT_SQLITE, ""), "");
    ck_assert_str_eq(cc_schema_expand(cc_test_pool, CC_DIALECT_PGSQL, "@TEXT@@ID@"),
                     "TEXTBIGSERIAL PRIMARY KEY");
    /* Every dialect replaces both tokens with something. */
    for (i = CC_DIALECT_SQLITE; i <= CC_DIALECT_ORACLE; i++) {
        const char *out = cc_schema_expand(cc_test_pool, (cc_dialect)i, "a @ID@ b @TEXT@ c");
        ck_assert_ptr_null(strstr(out, "@"));
        ck_assert_uint_gt(strlen(out), strlen("a  b  c"));
    }
    /* The embedded migrations leave no token behind. */
    ck_assert_ptr_null(
        strstr(cc_schema_expand(cc_test_pool, CC_DIALECT_SQLITE, cc_migrations[0].sql), "@"));
}
END_TEST

START_TEST(empty_database_is_version_0)
{
    cc_db *db = cc_test_db(cc_test_pool);
    int version = -1, exists = -1;

    ck_assert_int_eq(cc_schema_current(db, cc_test_pool, &version), APR_SUCCESS);
    ck_assert_int_eq(version, 0);
    ck_assert_int_eq(cc_db_table_exists(db, cc_test_pool, "concerto_schema", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 0);
}
END_TEST

START_TEST(migrate_applies_all_once)
{
    cc_db *db = cc_test_db(cc_test_pool);
    int applied = -1, version = -1;
    cc_rows *rows = NULL;
    int i;

    ck_assert_msg(cc_schema_migrate(db, cc_test_pool, &applied) == APR_SUCCESS, "%s",
                  db->last_error);
    ck_assert_int_eq(applied, migration_count());
    ck_assert_int_eq(cc_schema_current(db, cc_test_pool, &version), APR_SUCCESS);
    ck_assert_int_eq(version, cc_schema_latest());

    /* One row per migration, with its name and a time. */
    ck_assert_int_eq(cc_db_select(db, cc_test_pool, &rows,
                                  "SELECT version, name, applied FROM concerto_schema "
                                  "ORDER BY version",
                                  0, NULL),
                     APR_SUCCESS);
    ck_assert_int_eq(rows->nrows, migration_count());
    for (i = 0; i < rows->nrows; i++) {
        ck_assert_int_eq(atoi(rows->values[i][0]), cc_migrations[i].version);
        ck_assert_str_eq(rows->values[i][1], cc_migrations[i].name);
        ck_assert_int_gt(atol(rows->values[i][2]), 1700000000L);
    }

    applied = -1;
    ck_assert_int_eq(cc_schema_migrate(db, cc_test_pool, &applied), APR_SUCCESS);
    ck_assert_int_eq(applied, 0);
    ck_assert_int_eq(cc_schema_current(db, cc_test_pool, &version), APR_SUCCESS);
    ck_assert_int_eq(version, cc_schema_latest());
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_schema", NULL), migration_count());
}
END_TEST

START_TEST(data_model_tables_exist)
{
    static const char *const tables[] = {"concerto_user",
                                         "role",
                                         "user_role",
                                         "view_template",
                                         "test",
                                         "test_variable",
                                         "test_node",
                                         "test_node_port",
                                         "test_node_connection",
                                         "data_table",
                                         "test_session",
                                         "test_session_log",
                                         "test_session_count",
                                         "administration_setting",
                                         "scheduled_task",
                                         "concerto_schema",
                                         NULL};
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    int i, exists;

    for (i = 0; tables[i]; i++) {
        exists = -1;
        ck_assert_int_eq(cc_db_table_exists(db, cc_test_pool, tables[i], &exists), APR_SUCCESS);
        ck_assert_msg(exists == 1, "table %s missing after migration", tables[i]);
        /* And it can be queried. */
        ck_assert_int_eq(cc_test_count(db, cc_test_pool, tables[i], NULL),
                         !strcmp(tables[i], "concerto_schema") ? migration_count() : 0);
    }
    exists = -1;
    ck_assert_int_eq(cc_db_table_exists(db, cc_test_pool, "no_such_table", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 0);
    /* The id columns count up by themselves. */
    cc_test_exec(db, "INSERT INTO role (name, role) VALUES ('A', 'ROLE_A')");
    cc_test_exec(db, "INSERT INTO role (name, role) VALUES ('B', 'ROLE_B')");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT MAX(id) FROM role"), "2");
}
END_TEST

START_TEST(foreign_keys_enforced)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    ck_assert_int_ne(cc_db_exec(db, "INSERT INTO test_variable (test_id, name, type) "
                                    "VALUES (999, 'x', 0)"),
                     APR_SUCCESS);
    ck_assert_msg(strstr(db->last_error, "FOREIGN KEY") != NULL, "%s", db->last_error);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_variable", NULL), 0);

    /* With the test present the same row goes in, and leaves with it. */
    cc_test_exec(db, "INSERT INTO test (id, name, slug, created, updated) "
                     "VALUES (999, 't', 't', 0, 0)");
    cc_test_exec(db, "INSERT INTO test_variable (test_id, name, type) VALUES (999, 'x', 0)");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_variable", NULL), 1);
    cc_test_exec(db, "DELETE FROM test WHERE id = 999");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_variable", NULL), 0);
}
END_TEST

/* A migration that fails is rolled back as a whole and not recorded. */
START_TEST(failed_migration_leaves_version)
{
    cc_db *db = cc_test_db(cc_test_pool);
    int applied = -1, version = -1, exists = -1;

    /* A table in the way makes 0001's CREATE TABLE role fail half-way. */
    cc_test_exec(db, "CREATE TABLE role (x INTEGER)");
    ck_assert_int_ne(cc_schema_migrate(db, cc_test_pool, &applied), APR_SUCCESS);
    ck_assert_int_eq(applied, 0);
    ck_assert_ptr_nonnull(db->last_error);
    ck_assert_msg(strstr(db->last_error, "0001_initial") != NULL, "%s", db->last_error);
    ck_assert_msg(strstr(db->last_error, "already exists") != NULL, "%s", db->last_error);
    ck_assert_int_eq(cc_schema_current(db, cc_test_pool, &version), APR_SUCCESS);
    ck_assert_int_eq(version, 0);
    /* concerto_user came before role in the same migration: rolled back. */
    ck_assert_int_eq(cc_db_table_exists(db, cc_test_pool, "concerto_user", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 0);

    /* Out of the way, the migration goes through. */
    cc_test_exec(db, "DROP TABLE role");
    ck_assert_int_eq(cc_schema_migrate(db, cc_test_pool, &applied), APR_SUCCESS);
    ck_assert_int_eq(applied, migration_count());
}
END_TEST

/* Where DDL commits by itself, a failed migration's statements are undone
 * one by one: each kind the migrations use has its inverse. */
START_TEST(undo_sql_per_statement)
{
    apr_pool_t *p = cc_test_pool;

    ck_assert_str_eq(cc_schema_undo_sql(p, CC_DIALECT_MYSQL, "CREATE TABLE role (\n id BIGINT)"),
                     "DROP TABLE role");
    ck_assert_str_eq(cc_schema_undo_sql(p, CC_DIALECT_MYSQL,
                                        "create index test_session_log_session ON "
                                        "test_session_log (session_id, created)"),
                     "DROP INDEX test_session_log_session ON test_session_log");
    ck_assert_str_eq(cc_schema_undo_sql(p, CC_DIALECT_ORACLE, "CREATE INDEX i ON t (a)"),
                     "DROP INDEX i");
    ck_assert_str_eq(
        cc_schema_undo_sql(p, CC_DIALECT_MYSQL, "ALTER TABLE test ADD COLUMN settings LONGTEXT"),
        "ALTER TABLE test DROP COLUMN settings");
    ck_assert_str_eq(cc_schema_undo_sql(p, CC_DIALECT_MYSQL, "ALTER TABLE \"t\" ADD \"aB\" INT"),
                     "ALTER TABLE \"t\" DROP COLUMN \"aB\"");
    ck_assert_ptr_null(cc_schema_undo_sql(p, CC_DIALECT_MYSQL, "INSERT INTO role VALUES (1)"));
    ck_assert_ptr_null(cc_schema_undo_sql(p, CC_DIALECT_MYSQL, "ALTER TABLE t DROP COLUMN c"));
    ck_assert_ptr_null(cc_schema_undo_sql(p, CC_DIALECT_MYSQL, "CREATE TABLE"));
}
END_TEST

TCase *tcase_store_migrate(void)
{
    TCase *tc = cc_test_tcase("store/migrate");

    tcase_add_test(tc, latest_is_highest_version);
    tcase_add_test(tc, expand_per_dialect);
    tcase_add_test(tc, empty_database_is_version_0);
    tcase_add_test(tc, migrate_applies_all_once);
    tcase_add_test(tc, data_model_tables_exist);
    tcase_add_test(tc, foreign_keys_enforced);
    tcase_add_test(tc, failed_migration_leaves_version);
    tcase_add_test(tc, undo_sql_per_statement);
    return tc;
}
