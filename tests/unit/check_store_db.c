/* store/db: apr_dbd connections on a real SQLite database. */
#include "check_concerto.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <apr_thread_proc.h>
#include <string.h>

static int observed_errors;

static void count_error(void)
{
    observed_errors++;
}

static void db_setup(void)
{
    observed_errors = 0;
    cc_db_set_error_observer(count_error);
}

static void db_teardown(void)
{
    cc_db_set_error_observer(NULL);
}

/* A table with an id, two nullable texts and a number. */
static cc_db *db_with_table(void)
{
    cc_db *db = cc_test_db(cc_test_pool);

    cc_test_exec(db, "CREATE TABLE item (id INTEGER PRIMARY KEY, a TEXT, b TEXT, n INTEGER)");
    return db;
}

START_TEST(open_sqlite_in_temp_dir)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *path = apr_pstrcat(cc_test_pool, dir, "/fresh.db", NULL);
    const char *errmsg = NULL;
    apr_finfo_t info;
    cc_db *db = NULL;

    ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(db);
    ck_assert_ptr_nonnull(db->handle);
    ck_assert_ptr_nonnull(db->driver);
    ck_assert_int_eq(db->dialect, CC_DIALECT_SQLITE);
    ck_assert_str_eq(db->driver_name, "sqlite3");
    ck_assert_ptr_null(db->last_error);
    /* WAL mode writes the database file at open. */
    ck_assert_int_eq(apr_stat(&info, path, APR_FINFO_TYPE, cc_test_pool), APR_SUCCESS);
    ck_assert_int_eq(info.filetype, APR_REG);
    ck_assert_int_eq(observed_errors, 0);
    cc_db_close(db);
    cc_db_close(NULL);
}
END_TEST

START_TEST(dialects)
{
    static const cc_dialect expected[] = {CC_DIALECT_SQLITE, CC_DIALECT_PGSQL, CC_DIALECT_MYSQL,
                                          CC_DIALECT_ODBC, CC_DIALECT_ORACLE};
    cc_dialect dialect;
    int i;

    for (i = 0; cc_db_driver_names[i]; i++) {
        ck_assert_int_lt(i, 5);
        ck_assert_int_eq(cc_db_dialect_for(cc_db_driver_names[i], &dialect), APR_SUCCESS);
        ck_assert_int_eq(dialect, expected[i]);
    }
    ck_assert_int_eq(i, 5);
    ck_assert_str_eq(cc_db_driver_names[0], "sqlite3");
    ck_assert_str_eq(cc_db_driver_names[1], "pgsql");
    ck_assert_int_ne(cc_db_dialect_for("SQLite3", &dialect), APR_SUCCESS);
    ck_assert_int_ne(cc_db_dialect_for("", &dialect), APR_SUCCESS);
    ck_assert_int_ne(cc_db_dialect_for(NULL, &dialect), APR_SUCCESS);
}
END_TEST

START_TEST(bad_driver_refused)
{
    const char *errmsg = NULL;
    cc_db *db = (cc_db *)&errmsg;

    ck_assert_int_ne(cc_db_open(cc_test_pool, "nosuchdb", "x", &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_ptr_nonnull(strstr(errmsg, "nosuchdb"));

    errmsg = NULL;
    ck_assert_int_ne(cc_db_open(cc_test_pool, NULL, "x", &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_nonnull(errmsg);
}
END_TEST

/* A driver we know but apr_dbd cannot load here (no Debian package for
 * oracle): the message names it and says what to install. */
START_TEST(driver_not_installed)
{
    const char *errmsg = NULL;
    cc_db *db = NULL;

    ck_assert_int_ne(cc_db_open(cc_test_pool, "oracle", "x", &db, &errmsg), APR_SUCCESS);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, "'oracle'") != NULL, "%s", errmsg);
    ck_assert_msg(strstr(errmsg, "libaprutil1-dbd-oracle") != NULL, "%s", errmsg);
    ck_assert_int_eq(observed_errors, 1);
}
END_TEST

START_TEST(open_missing_dir_fails)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *errmsg = NULL;
    cc_db *db = NULL;

    ck_assert_int_ne(cc_db_open(cc_test_pool, "sqlite3",
                                apr_pstrcat(cc_test_pool, dir, "/no/such/dir/concerto.db", NULL),
                                &db, &errmsg),
                     APR_SUCCESS);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_msg(strstr(errmsg, "cannot connect to the sqlite3 database") != NULL, "%s", errmsg);
    ck_assert_msg(strstr(errmsg, "unable to open") != NULL, "%s", errmsg);
    ck_assert_int_eq(observed_errors, 1);
}
END_TEST

/* Below a regular file nobody can create anything, not even root. */
START_TEST(open_below_a_file_fails)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *file = apr_pstrcat(cc_test_pool, dir, "/plain-file", NULL);
    const char *errmsg = NULL;
    apr_file_t *f;
    cc_db *db = NULL;

    ck_assert_int_eq(apr_file_open(&f, file, APR_FOPEN_CREATE | APR_FOPEN_WRITE,
                                   APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    apr_file_close(f);
    ck_assert_int_ne(cc_db_open(cc_test_pool, "sqlite3",
                                apr_pstrcat(cc_test_pool, file, "/concerto.db", NULL), &db,
                                &errmsg),
                     APR_SUCCESS);
    ck_assert_ptr_null(db);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_ptr_nonnull(strstr(errmsg, "cannot connect"));
}
END_TEST

START_TEST(round_trip_with_params)
{
    cc_db *db = db_with_table();
    const char *row1[] = {"1", "it's; DROP TABLE item; --", NULL, "10", NULL};
    const char *row2[] = {"2", "", "zwei \xc3\xa4", "20", NULL};
    const char *sql = "INSERT INTO item (id, a, b, n) VALUES (%s, %s, %s, %s)";
    int affected = -1;
    cc_rows *rows = NULL;

    ck_assert_int_eq(cc_db_query(db, cc_test_pool, &affected, sql, 4, row1), APR_SUCCESS);
    ck_assert_int_eq(affected, 1);
    ck_assert_int_eq(cc_db_query(db, cc_test_pool, NULL, sql, 4, row2), APR_SUCCESS);

    ck_assert_int_eq(
        cc_db_select(db, cc_test_pool, &rows, "SELECT id, a, b, n FROM item ORDER BY id", 0, NULL),
        APR_SUCCESS);
    ck_assert_ptr_nonnull(rows);
    ck_assert_int_eq(rows->ncols, 4);
    ck_assert_int_eq(rows->nrows, 2);
    ck_assert_str_eq(rows->names[0], "id");
    ck_assert_str_eq(rows->names[1], "a");
    ck_assert_str_eq(rows->names[2], "b");
    ck_assert_str_eq(rows->names[3], "n");
    ck_assert_str_eq(rows->values[0][0], "1");
    ck_assert_str_eq(rows->values[0][1], "it's; DROP TABLE item; --");
    ck_assert_ptr_null(rows->values[0][2]);     /* SQL NULL */
    ck_assert_str_eq(rows->values[0][3], "10"); /* a number comes back as text */
    ck_assert_str_eq(rows->values[1][0], "2");
    ck_assert_ptr_nonnull(rows->values[1][1]); /* '' is not NULL */
    ck_assert_str_eq(rows->values[1][1], "");
    ck_assert_str_eq(rows->values[1][2], "zwei \xc3\xa4");
    ck_assert_int_eq(observed_errors, 0);
}
END_TEST

START_TEST(params_select_and_update)
{
    cc_db *db = db_with_table();
    const char *args[] = {"x", NULL};
    const char *value = "unset";
    int affected = -1;
    cc_rows *rows = NULL;

    cc_test_exec(db, "INSERT INTO item (a, n) VALUES ('x', 1), ('x', 2), ('y', 3)");
    ck_assert_int_eq(cc_db_select(db, cc_test_pool, &rows,
                                  "SELECT n FROM item WHERE a = %s ORDER BY n", 1, args),
                     APR_SUCCESS);
    ck_assert_int_eq(rows->nrows, 2);
    ck_assert_int_eq(rows->ncols, 1);
    ck_assert_str_eq(rows->values[0][0], "1");
    ck_assert_str_eq(rows->values[1][0], "2");

    ck_assert_int_eq(cc_db_query(db, cc_test_pool, &affected,
                                 "UPDATE item SET b = 'seen' WHERE a = %s", 1, args),
                     APR_SUCCESS);
    ck_assert_int_eq(affected, 2);
    args[0] = "nobody";
    ck_assert_int_eq(cc_db_query(db, cc_test_pool, &affected,
                                 "UPDATE item SET b = 'seen' WHERE a = %s", 1, args),
                     APR_SUCCESS);
    ck_assert_int_eq(affected, 0);

    /* No row: success, zero rows, NULL value. */
    ck_assert_int_eq(
        cc_db_select(db, cc_test_pool, &rows, "SELECT n FROM item WHERE a = %s", 1, args),
        APR_SUCCESS);
    ck_assert_int_eq(rows->nrows, 0);
    ck_assert_int_eq(
        cc_db_select_value(db, cc_test_pool, &value, "SELECT n FROM item WHERE a = %s", 1, args),
        APR_SUCCESS);
    ck_assert_ptr_null(value);

    /* A bound NULL compares as NULL, and %% is a literal percent sign. */
    args[0] = NULL;
    ck_assert_int_eq(cc_db_select_value(db, cc_test_pool, &value,
                                        "SELECT COUNT(*) FROM item WHERE a = %s", 1, args),
                     APR_SUCCESS);
    ck_assert_str_eq(value, "0");
    args[0] = "x";
    ck_assert_int_eq(cc_db_select_value(db, cc_test_pool, &value,
                                        "SELECT COUNT(*) FROM item WHERE a LIKE '%%' || %s", 1,
                                        args),
                     APR_SUCCESS);
    ck_assert_str_eq(value, "2");
    ck_assert_int_eq(cc_db_select_value(db, cc_test_pool, &value, "SELECT '50%%' || %s", 1, args),
                     APR_SUCCESS);
    ck_assert_str_eq(value, "50%x");
    /* cc_db_exec passes '%' through untouched. */
    cc_test_exec(db, "UPDATE item SET b = '100%' WHERE n = 3");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT b FROM item WHERE n = 3"), "100%");
    ck_assert_int_eq(observed_errors, 0);
}
END_TEST

START_TEST(select_value_first_cell)
{
    cc_db *db = db_with_table();
    const char *value = NULL;

    cc_test_exec(db, "INSERT INTO item (a, b) VALUES ('first', NULL), ('second', 'b')");
    ck_assert_int_eq(
        cc_db_select_value(db, cc_test_pool, &value, "SELECT a, b FROM item ORDER BY id", 0, NULL),
        APR_SUCCESS);
    ck_assert_str_eq(value, "first");
    value = "unset";
    ck_assert_int_eq(
        cc_db_select_value(db, cc_test_pool, &value, "SELECT b FROM item ORDER BY id", 0, NULL),
        APR_SUCCESS);
    ck_assert_ptr_null(value);
}
END_TEST

START_TEST(failing_statements_report)
{
    cc_db *db = db_with_table();
    const char *args[] = {"1", NULL};
    const char *value = "unset";
    cc_rows *rows = NULL;

    ck_assert_ptr_null(db->last_error);
    ck_assert_int_ne(cc_db_exec(db, "INSERT INTO nosuchtable VALUES (1)"), APR_SUCCESS);
    ck_assert_ptr_nonnull(db->last_error);
    ck_assert_msg(strstr(db->last_error, "no such table") != NULL, "%s", db->last_error);
    ck_assert_int_eq(observed_errors, 1);

    /* A constraint violation in a bound query. */
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (id) VALUES (%s)", 1, args),
        APR_SUCCESS);
    ck_assert_int_ne(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (id) VALUES (%s)", 1, args),
        APR_SUCCESS);
    ck_assert_msg(strstr(db->last_error, "UNIQUE") != NULL ||
                      strstr(db->last_error, "constraint") != NULL,
                  "%s", db->last_error);
    ck_assert_int_eq(observed_errors, 2);

    /* A statement that does not even prepare. */
    ck_assert_int_ne(cc_db_select(db, cc_test_pool, &rows, "SELEC nonsense", 0, NULL), APR_SUCCESS);
    ck_assert_msg(strstr(db->last_error, "syntax error") != NULL, "%s", db->last_error);
    ck_assert_int_eq(observed_errors, 3);
    ck_assert_int_ne(
        cc_db_select_value(db, cc_test_pool, &value, "SELECT nocolumn FROM item", 0, NULL),
        APR_SUCCESS);
    ck_assert_ptr_null(value);
    ck_assert_int_eq(observed_errors, 4);

    /* A failure never poisons the connection. */
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM item"), "1");
    ck_assert_int_eq(cc_db_ping(db), APR_SUCCESS);
    ck_assert_int_eq(observed_errors, 4);
}
END_TEST

START_TEST(exec_refuses_rows)
{
    cc_db *db = db_with_table();

    /* cc_db_exec is for statements without a result. */
    ck_assert_int_ne(cc_db_exec(db, "SELECT 1"), APR_SUCCESS);
    ck_assert_int_eq(observed_errors, 1);
}
END_TEST

START_TEST(rollback_discards)
{
    cc_db *db = db_with_table();
    apr_dbd_transaction_t *txn = NULL;

    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_ptr_nonnull(txn);
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('gone')", 0, NULL),
        APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 1);
    ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, 1), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 0);
}
END_TEST

START_TEST(commit_keeps)
{
    cc_db *db = db_with_table();
    apr_dbd_transaction_t *txn = NULL;

    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('kept')", 0, NULL),
        APR_SUCCESS);
    cc_test_exec(db, "INSERT INTO item (a) VALUES ('kept too')");
    ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, 0), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 2);
}
END_TEST

/* A failed statement inside a transaction rolls the whole of it back. */
START_TEST(failure_inside_transaction_rolls_back)
{
    cc_db *db = db_with_table();
    apr_dbd_transaction_t *txn = NULL;

    cc_test_exec(db, "INSERT INTO item (id, a) VALUES (1, 'before')");
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('in')", 0, NULL),
        APR_SUCCESS);
    ck_assert_int_ne(cc_db_query(db, cc_test_pool, NULL,
                                 "INSERT INTO item (id, a) VALUES (1, 'duplicate')", 0, NULL),
                     APR_SUCCESS);
    cc_db_end(db, cc_test_pool, txn, 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 1);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT a FROM item"), "before");
    /* The connection works normally afterwards. */
    cc_test_exec(db, "INSERT INTO item (a) VALUES ('after')");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 2);
}
END_TEST

/* Written on one connection, seen by another: the data is on disk. */
START_TEST(two_connections_share_data)
{
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *path = apr_pstrcat(cc_test_pool, dir, "/shared.db", NULL);
    const char *errmsg = NULL;
    cc_db *one = NULL, *two = NULL;

    ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, &one, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, &two, &errmsg), APR_SUCCESS);
    cc_test_exec(one, "CREATE TABLE t (x TEXT)");
    cc_test_exec(one, "INSERT INTO t VALUES ('hello')");
    ck_assert_str_eq(cc_test_value(two, cc_test_pool, "SELECT x FROM t"), "hello");
    cc_db_close(one);
    ck_assert_str_eq(cc_test_value(two, cc_test_pool, "SELECT x FROM t"), "hello");
}
END_TEST

START_TEST(ping_succeeds)
{
    cc_db *db = cc_test_db(cc_test_pool);

    ck_assert_int_eq(cc_db_ping(db), APR_SUCCESS);
    ck_assert_int_eq(cc_db_ping(db), APR_SUCCESS);
    ck_assert_ptr_null(db->last_error);
    ck_assert_int_eq(observed_errors, 0);
}
END_TEST

START_TEST(sqlite_pragmas_applied)
{
    cc_db *db = cc_test_db(cc_test_pool);

    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "PRAGMA busy_timeout"), "5000");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "PRAGMA foreign_keys"), "1");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "PRAGMA journal_mode"), "wal");
}
END_TEST

START_TEST(foreign_keys_enforced)
{
    cc_db *db = cc_test_db(cc_test_pool);

    cc_test_exec(db, "CREATE TABLE parent (id INTEGER PRIMARY KEY)");
    cc_test_exec(db, "CREATE TABLE child (id INTEGER PRIMARY KEY, "
                     "parent_id INTEGER NOT NULL REFERENCES parent (id))");
    cc_test_exec(db, "INSERT INTO parent (id) VALUES (1)");
    cc_test_exec(db, "INSERT INTO child (parent_id) VALUES (1)");
    ck_assert_int_ne(cc_db_exec(db, "INSERT INTO child (parent_id) VALUES (2)"), APR_SUCCESS);
    ck_assert_msg(strstr(db->last_error, "FOREIGN KEY") != NULL, "%s", db->last_error);
}
END_TEST

/* Two connections to one new database file, the first with a table t. */
static void two_connections(cc_db **one, cc_db **two)
{
    const char *path = apr_pstrcat(cc_test_pool, cc_test_tmpdir(cc_test_pool), "/two.db", NULL);
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, one, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, two, &errmsg), APR_SUCCESS);
    cc_test_exec(*one, "CREATE TABLE t (id INTEGER PRIMARY KEY, x TEXT)");
    cc_test_exec(*one, "INSERT INTO t (id, x) VALUES (1, 'one'), (2, 'two')");
}

static int is_cached(cc_db *db, const char *sql)
{
    return apr_hash_get(db->statements, sql, APR_HASH_KEY_STRING) != NULL;
}

/* One prepared statement per SQL text, however often it runs and whatever
 * buffer the text comes in. */
START_TEST(statement_cache_one_per_text)
{
    cc_db *db = db_with_table();
    const char *select_sql = "SELECT a FROM item WHERE n = %s";
    const char *update_sql = "UPDATE item SET b = %s WHERE n = %s";
    unsigned int base;
    int i;

    cc_test_exec(db, "INSERT INTO item (a, n) VALUES ('zero', 0), ('one', 1), ('two', 2)");
    base = apr_hash_count(db->statements);
    ck_assert_uint_eq(base, 0); /* cc_db_exec prepares nothing to keep */
    for (i = 0; i < 1000; i++) {
        static const char *const names[] = {"zero", "one", "two"};
        const char *args[] = {apr_itoa(cc_test_pool, i % 3), NULL};
        /* Every other time the same text in a new buffer. */
        const char *sql = i % 2 ? apr_pstrdup(cc_test_pool, select_sql) : select_sql;
        cc_rows *rows = NULL;
        ck_assert_int_eq(cc_db_select(db, cc_test_pool, &rows, sql, 1, args), APR_SUCCESS);
        ck_assert_int_eq(rows->nrows, 1);
        ck_assert_str_eq(rows->values[0][0], names[i % 3]);
    }
    ck_assert_uint_eq(apr_hash_count(db->statements), base + 1);
    ck_assert(is_cached(db, select_sql));

    for (i = 0; i < 1000; i++) {
        const char *args[] = {apr_itoa(cc_test_pool, i), "1", NULL};
        int affected = -1;
        ck_assert_int_eq(cc_db_query(db, cc_test_pool, &affected, update_sql, 2, args),
                         APR_SUCCESS);
        ck_assert_int_eq(affected, 1);
    }
    ck_assert_uint_eq(apr_hash_count(db->statements), base + 2);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT b FROM item WHERE n = 1"), "999");
    ck_assert_uint_eq(apr_hash_count(db->statements), base + 3);

    /* Each new text adds one; texts seen before add none. */
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM item"), "3");
    ck_assert_uint_eq(apr_hash_count(db->statements), base + 4);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT MAX(n) FROM item"), "2");
    ck_assert_uint_eq(apr_hash_count(db->statements), base + 5);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM item"), "3");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT MAX(n) FROM item"), "2");
    ck_assert_uint_eq(apr_hash_count(db->statements), base + 5);
    /* A text that does not prepare is not kept. */
    ck_assert_int_ne(cc_db_query(db, cc_test_pool, NULL, "UPDATE nosuchtable SET x = 1", 0, NULL),
                     APR_SUCCESS);
    ck_assert_uint_eq(apr_hash_count(db->statements), base + 5);
    ck_assert(!is_cached(db, "UPDATE nosuchtable SET x = 1"));
    ck_assert_int_eq(observed_errors, 1);
}
END_TEST

START_TEST(in_transaction_flag)
{
    cc_db *db = db_with_table();
    apr_dbd_transaction_t *txn = NULL;

    ck_assert_int_eq(db->in_transaction, 0);
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(db->in_transaction, 1);
    cc_test_exec(db, "INSERT INTO item (a) VALUES ('x')");
    ck_assert_int_eq(db->in_transaction, 1);
    ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, 0), APR_SUCCESS);
    ck_assert_int_eq(db->in_transaction, 0);

    txn = NULL;
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(db->in_transaction, 1);
    /* A failure inside does not end the transaction by itself. */
    ck_assert_int_ne(cc_db_exec(db, "INSERT INTO nosuchtable VALUES (1)"), APR_SUCCESS);
    ck_assert_int_eq(db->in_transaction, 1);
    ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, 1), APR_SUCCESS);
    ck_assert_int_eq(db->in_transaction, 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 1);
}
END_TEST

/* apr_dbd_sqlite3 prepares with the legacy API, whose statements fail once
 * the schema changed: a cached statement is prepared again and run once
 * more, and the caller sees only the right answer. */
START_TEST(cached_statements_survive_added_column)
{
    cc_db *one = NULL, *two = NULL;
    const char *select_sql = "SELECT * FROM t ORDER BY id";
    const char *insert_sql = "INSERT INTO t (id, x) VALUES (%s, %s)";
    const char *insert_args[] = {"3", "three", NULL};
    const char *by_id_args[] = {"3", NULL};
    const char *value = NULL;
    cc_rows *rows = NULL;

    two_connections(&one, &two);
    ck_assert_int_eq(cc_db_select(one, cc_test_pool, &rows, select_sql, 0, NULL), APR_SUCCESS);
    ck_assert_int_eq(rows->ncols, 2);
    ck_assert_int_eq(cc_db_select_value(one, cc_test_pool, &value, "SELECT x FROM t WHERE id = %s",
                                        1, by_id_args),
                     APR_SUCCESS);
    ck_assert_ptr_null(value);
    ck_assert_uint_eq(apr_hash_count(one->statements), 2);

    cc_test_exec(two, "ALTER TABLE t ADD COLUMN c2 TEXT");
    cc_test_exec(two, "UPDATE t SET c2 = 'new ' || x");

    ck_assert_msg(cc_db_select(one, cc_test_pool, &rows, select_sql, 0, NULL) == APR_SUCCESS, "%s",
                  one->last_error);
    ck_assert_int_eq(rows->ncols, 3);
    ck_assert_int_eq(rows->nrows, 2);
    ck_assert_str_eq(rows->names[2], "c2");
    ck_assert_str_eq(rows->values[0][1], "one");
    ck_assert_str_eq(rows->values[0][2], "new one");
    ck_assert_str_eq(rows->values[1][2], "new two");
    ck_assert(is_cached(one, select_sql));

    /* The same for a statement without result, after another change. */
    ck_assert_int_eq(cc_db_query(one, cc_test_pool, NULL, insert_sql, 2, insert_args), APR_SUCCESS);
    ck_assert_int_eq(
        cc_db_query(one, cc_test_pool, NULL, "DELETE FROM t WHERE id = %s", 1, by_id_args),
        APR_SUCCESS);
    cc_test_exec(two, "ALTER TABLE t ADD COLUMN c3 INTEGER DEFAULT 7");
    ck_assert_msg(cc_db_query(one, cc_test_pool, NULL, insert_sql, 2, insert_args) == APR_SUCCESS,
                  "%s", one->last_error);
    ck_assert_str_eq(cc_test_value(two, cc_test_pool, "SELECT x || c3 FROM t WHERE id = 3"),
                     "three7");
    ck_assert_int_eq(cc_db_select_value(one, cc_test_pool, &value, "SELECT x FROM t WHERE id = %s",
                                        1, by_id_args),
                     APR_SUCCESS);
    ck_assert_str_eq(value, "three");
    ck_assert_uint_eq(apr_hash_count(one->statements), 4);
    /* A retry that succeeds is no failure. */
    ck_assert_int_eq(observed_errors, 0);
    ck_assert_ptr_null(one->last_error);
}
END_TEST

START_TEST(cached_statements_survive_recreated_table)
{
    cc_db *one = NULL, *two = NULL;
    const char *select_sql = "SELECT id, x FROM t WHERE id >= %s ORDER BY id";
    const char *args[] = {"1", NULL};
    cc_rows *rows = NULL;

    two_connections(&one, &two);
    ck_assert_int_eq(cc_db_select(one, cc_test_pool, &rows, select_sql, 1, args), APR_SUCCESS);
    ck_assert_int_eq(rows->nrows, 2);

    cc_test_exec(two, "DROP TABLE t");
    cc_test_exec(two, "CREATE TABLE t (y INTEGER, x TEXT, id INTEGER PRIMARY KEY)");
    cc_test_exec(two, "INSERT INTO t (id, x, y) VALUES (5, 'five', 50), (6, 'six', 60), "
                      "(7, 'seven', 70)");

    ck_assert_msg(cc_db_select(one, cc_test_pool, &rows, select_sql, 1, args) == APR_SUCCESS, "%s",
                  one->last_error);
    ck_assert_int_eq(rows->ncols, 2);
    ck_assert_int_eq(rows->nrows, 3);
    ck_assert_str_eq(rows->values[0][0], "5");
    ck_assert_str_eq(rows->values[0][1], "five");
    ck_assert_str_eq(rows->values[2][0], "7");
    ck_assert_str_eq(rows->values[2][1], "seven");
    /* And it stays usable. */
    args[0] = "7";
    ck_assert_int_eq(cc_db_select(one, cc_test_pool, &rows, select_sql, 1, args), APR_SUCCESS);
    ck_assert_int_eq(rows->nrows, 1);
    ck_assert_str_eq(rows->values[0][1], "seven");
    ck_assert_uint_eq(apr_hash_count(one->statements), 1);
    ck_assert_int_eq(observed_errors, 0);
}
END_TEST

/* DDL on the connection itself (a migration) empties its cache, so that a
 * statement cached before it still works later in the same transaction,
 * where no retry is allowed. */
START_TEST(exec_empties_statement_cache)
{
    cc_db *db = cc_test_db(cc_test_pool);
    const char *insert_sql = "INSERT INTO m (a) VALUES (%s)";
    const char *args[] = {"one", NULL};
    apr_dbd_transaction_t *txn = NULL;

    cc_test_exec(db, "CREATE TABLE m (a TEXT)");
    ck_assert_int_eq(cc_db_query(db, cc_test_pool, NULL, insert_sql, 1, args), APR_SUCCESS);
    ck_assert(is_cached(db, insert_sql));
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(cc_db_exec(db, "ALTER TABLE m ADD COLUMN b TEXT"), APR_SUCCESS);
    ck_assert_int_eq(apr_hash_count(db->statements), 0);
    ck_assert_msg(cc_db_query(db, cc_test_pool, NULL, insert_sql, 1, args) == APR_SUCCESS, "%s",
                  db->last_error);
    ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, 0), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "m", NULL), 2);
}
END_TEST

/* A schema changed by another connection (a data table made or altered by
 * another child) before a transaction: cc_db_begin sees the schema version
 * move and forgets the cached statements, so the stale one is prepared anew
 * inside the transaction instead of failing there, where it is not retried.
 * (Once BEGIN IMMEDIATE holds the write lock nobody else can change the
 * schema, so a cached statement can no longer go stale inside it.) */
START_TEST(schema_change_before_transaction_forgets_cache)
{
    cc_db *one = NULL, *two = NULL;
    const char *select_sql = "SELECT * FROM t ORDER BY id";
    apr_dbd_transaction_t *txn = NULL;
    cc_rows *rows = NULL;

    two_connections(&one, &two);
    ck_assert_int_eq(cc_db_begin(one, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(cc_db_end(one, cc_test_pool, txn, 0), APR_SUCCESS);
    ck_assert_int_eq(cc_db_select(one, cc_test_pool, &rows, select_sql, 0, NULL), APR_SUCCESS);
    ck_assert_int_eq(rows->ncols, 2);
    ck_assert(is_cached(one, select_sql));

    cc_test_exec(two, "ALTER TABLE t ADD COLUMN c2 TEXT");
    ck_assert_int_eq(cc_db_begin(one, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert(!is_cached(one, select_sql));
    ck_assert_msg(cc_db_select(one, cc_test_pool, &rows, select_sql, 0, NULL) == APR_SUCCESS, "%s",
                  one->last_error);
    ck_assert_int_eq(rows->ncols, 3);
    ck_assert_int_eq(cc_db_end(one, cc_test_pool, txn, 0), APR_SUCCESS);
    ck_assert_int_eq(observed_errors, 0);

    /* An unchanged schema keeps the cache. */
    ck_assert_int_eq(cc_db_begin(one, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert(is_cached(one, select_sql));
    ck_assert_int_eq(cc_db_end(one, cc_test_pool, txn, 0), APR_SUCCESS);
}
END_TEST

/* The same with a cached statement that fails on a constraint. */
START_TEST(failing_cached_statement_in_transaction_not_retried)
{
    cc_db *db = db_with_table();
    const char *insert_sql = "INSERT INTO item (id, a) VALUES (%s, %s)";
    const char *first[] = {"1", "first", NULL};
    const char *second[] = {"2", "second", NULL};
    apr_dbd_transaction_t *txn = NULL;

    ck_assert_int_eq(cc_db_query(db, cc_test_pool, NULL, insert_sql, 2, first), APR_SUCCESS);
    ck_assert(is_cached(db, insert_sql));
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(cc_db_query(db, cc_test_pool, NULL, insert_sql, 2, second), APR_SUCCESS);
    ck_assert_int_ne(cc_db_query(db, cc_test_pool, NULL, insert_sql, 2, first), APR_SUCCESS);
    ck_assert_msg(strstr(db->last_error, "UNIQUE") != NULL, "%s", db->last_error);
    ck_assert_int_eq(observed_errors, 1);
    ck_assert(!is_cached(db, insert_sql));
    ck_assert_int_eq(db->in_transaction, 1);
    cc_db_end(db, cc_test_pool, txn, 0);
    ck_assert_int_eq(db->in_transaction, 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", "id = 2"), 0);
}
END_TEST

/* A '%' and a letter is a parameter to apr_dbd, even inside a string
 * literal: a count that does not match the values is refused before the
 * driver reads past them (it would crash). */
START_TEST(parameter_markers_counted)
{
    cc_db *db = cc_test_db(cc_test_pool);
    cc_rows *rows = NULL;
    const char *one[] = {"a", NULL};

    cc_test_exec(db, "CREATE TABLE m (a TEXT)");
    cc_test_exec(db, "INSERT INTO m VALUES ('cat')");
    ck_assert_int_eq(
        cc_db_select(db, cc_test_pool, &rows, "SELECT a FROM m WHERE a LIKE '%cat'", 0, NULL),
        APR_EINVAL);
    ck_assert_ptr_nonnull(strstr(db->last_error, "1 parameter marker but 0 values"));
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "DELETE FROM m WHERE a = %s AND a = %s", 1, one),
        APR_EINVAL);
    ck_assert_int_eq(cc_db_select(db, cc_test_pool, &rows,
                                  "SELECT a FROM m WHERE a LIKE '%%at' AND a <> %s", 1, one),
                     APR_SUCCESS);
    ck_assert_int_eq(rows->nrows, 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "m", NULL), 1);
}
END_TEST

/* A write lock that counts what happens to it and notices misuse. */
typedef struct counting_lock {
    int acquired, released, held, misuse;
    apr_status_t answer; /* what acquire returns */
} counting_lock;

static apr_status_t counting_acquire(void *baton)
{
    counting_lock *c = baton;

    if (c->answer != APR_SUCCESS)
        return c->answer;
    if (c->held)
        c->misuse++;
    c->acquired++;
    c->held = 1;
    return APR_SUCCESS;
}

static apr_status_t counting_release(void *baton)
{
    counting_lock *c = baton;

    if (!c->held)
        c->misuse++;
    c->released++;
    c->held = 0;
    return APR_SUCCESS;
}

static cc_db_write_lock counting_write_lock(counting_lock *c)
{
    cc_db_write_lock lock = {counting_acquire, counting_release, c};
    return lock;
}

/* Held from begin to end, once, whether the transaction commits or not. */
START_TEST(write_lock_held_for_transaction)
{
    cc_db *db = db_with_table();
    counting_lock c = {0};
    cc_db_write_lock lock = counting_write_lock(&c);
    apr_dbd_transaction_t *txn = NULL;
    int round;

    cc_db_set_write_lock(db, &lock);
    for (round = 0; round < 2; round++) {
        txn = NULL; /* apr_dbd keeps the mode of a transaction given again */
        ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
        ck_assert_int_eq(c.held, 1);
        ck_assert_int_eq(
            cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('x')", 0, NULL),
            APR_SUCCESS);
        ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 1);
        ck_assert_int_eq(c.acquired, round + 1);
        ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, round == 0), APR_SUCCESS);
        ck_assert_int_eq(c.held, 0);
        ck_assert_int_eq(c.released, round + 1);
    }
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 1);
    ck_assert_int_eq(c.misuse, 0);
}
END_TEST

/* A failed statement, a failed begin and an end without a begin all leave
 * the lock free. */
START_TEST(write_lock_released_on_failures)
{
    cc_db *db = db_with_table();
    counting_lock c = {0};
    cc_db_write_lock lock = counting_write_lock(&c);
    apr_dbd_transaction_t *txn = NULL;

    cc_db_set_write_lock(db, &lock);
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_ne(cc_db_query(db, cc_test_pool, NULL, "INSERT INTO nosuch VALUES (1)", 0, NULL),
                     APR_SUCCESS);
    cc_db_end(db, cc_test_pool, txn, 0);
    ck_assert_int_eq(c.held, 0);
    ck_assert_int_eq(c.released, 1);
    /* A transaction already open on the connection makes begin fail. */
    cc_test_exec(db, "BEGIN");
    txn = NULL;
    ck_assert_int_ne(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(c.held, 0);
    ck_assert_int_eq(c.acquired, 2);
    ck_assert_int_eq(c.released, 2);
    cc_test_exec(db, "ROLLBACK");
    /* The runner ends what it began even when begin failed. */
    cc_db_end(db, cc_test_pool, NULL, 1);
    ck_assert_int_eq(c.released, 2);
    ck_assert_int_eq(c.misuse, 0);
}
END_TEST

/* A statement outside a transaction is one: it holds the lock while it
 * runs, also when it fails; reads never take it. */
START_TEST(write_lock_for_single_statements)
{
    cc_db *db = db_with_table();
    counting_lock c = {0};
    cc_db_write_lock lock = counting_write_lock(&c);
    const char *value = NULL;

    cc_db_set_write_lock(db, &lock);
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('x')", 0, NULL),
        APR_SUCCESS);
    ck_assert_int_eq(c.acquired, 1);
    ck_assert_int_eq(c.held, 0);
    ck_assert_int_ne(cc_db_query(db, cc_test_pool, NULL, "UPDATE nosuch SET x = 1", 0, NULL),
                     APR_SUCCESS);
    ck_assert_int_eq(c.acquired, 2);
    ck_assert_int_eq(c.held, 0);
    ck_assert_int_eq(cc_db_select_value(db, cc_test_pool, &value, "SELECT a FROM item", 0, NULL),
                     APR_SUCCESS);
    ck_assert_str_eq(value, "x");
    ck_assert_int_eq(c.acquired, 2);
    ck_assert_int_eq(c.released, 2);
    ck_assert_int_eq(c.misuse, 0);
}
END_TEST

/* A lock that cannot be taken only costs the queueing: the write goes on
 * under SQLite's own locking, and nothing is released that was not held. */
START_TEST(write_lock_failure_is_not_fatal)
{
    cc_db *db = db_with_table();
    counting_lock c = {0};
    cc_db_write_lock lock = counting_write_lock(&c);
    apr_dbd_transaction_t *txn = NULL;

    c.answer = APR_EINTR;
    cc_db_set_write_lock(db, &lock);
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('x')", 0, NULL),
        APR_SUCCESS);
    ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, 0), APR_SUCCESS);
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('y')", 0, NULL),
        APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 2);
    ck_assert_int_eq(c.acquired + c.released + c.misuse, 0);
}
END_TEST

/* Only SQLite takes the lock; closing a connection inside a transaction
 * gives it back. */
START_TEST(write_lock_sqlite_only_and_freed_on_close)
{
    cc_db *db = db_with_table();
    counting_lock c = {0};
    cc_db_write_lock lock = counting_write_lock(&c);
    apr_dbd_transaction_t *txn = NULL;
    cc_db other;

    memset(&other, 0, sizeof(other));
    other.dialect = CC_DIALECT_PGSQL;
    cc_db_set_write_lock(&other, &lock);
    ck_assert_ptr_null(other.write_lock);
    cc_db_set_write_lock(db, &lock);
    ck_assert_ptr_eq(db->write_lock, &lock);
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(c.held, 1);
    cc_db_close(db);
    ck_assert_int_eq(c.held, 0);
    ck_assert_int_eq(c.released, 1);
    ck_assert_int_eq(c.misuse, 0);
}
END_TEST

/* Two connections to one file, each in its own thread, under one real lock:
 * the second writer waits in the lock, not in SQLite, and gets through as
 * soon as the first commits. */
typedef struct queued_writer {
    const char *path;
    const cc_db_write_lock *lock;
    volatile int done;
    apr_status_t rv;
} queued_writer;

static apr_status_t mutex_acquire(void *baton)
{
    return apr_thread_mutex_lock(baton);
}

static apr_status_t mutex_release(void *baton)
{
    return apr_thread_mutex_unlock(baton);
}

static void *APR_THREAD_FUNC second_writer(apr_thread_t *thread, void *data)
{
    queued_writer *w = data;
    apr_pool_t *pool;
    cc_db *db = NULL;
    const char *errmsg = NULL;
    apr_dbd_transaction_t *txn = NULL;

    (void)thread;
    apr_pool_create(&pool, NULL);
    w->rv = cc_db_open(pool, "sqlite3", w->path, &db, &errmsg);
    if (w->rv == APR_SUCCESS) {
        cc_db_set_write_lock(db, w->lock);
        w->rv = cc_db_begin(db, pool, &txn);
        if (w->rv == APR_SUCCESS)
            w->rv = cc_db_query(db, pool, NULL, "INSERT INTO item (a) VALUES ('second')", 0, NULL);
        if (w->rv == APR_SUCCESS)
            w->rv = cc_db_end(db, pool, txn, 0);
    }
    w->done = 1;
    apr_pool_destroy(pool);
    return NULL;
}

START_TEST(write_lock_queues_writers)
{
    const char *path = apr_pstrcat(cc_test_pool, cc_test_tmpdir(cc_test_pool), "/queue.db", NULL);
    const char *errmsg = NULL;
    apr_thread_mutex_t *mutex = NULL;
    cc_db_write_lock lock = {mutex_acquire, mutex_release, NULL};
    queued_writer w = {path, &lock, 0, APR_EGENERAL};
    apr_dbd_transaction_t *txn = NULL;
    apr_thread_t *thread = NULL;
    apr_status_t thread_rv;
    cc_db *db = NULL;

    ck_assert_int_eq(apr_thread_mutex_create(&mutex, APR_THREAD_MUTEX_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    lock.baton = mutex;
    ck_assert_int_eq(cc_db_open(cc_test_pool, "sqlite3", path, &db, &errmsg), APR_SUCCESS);
    cc_test_exec(db, "CREATE TABLE item (id INTEGER PRIMARY KEY, a TEXT)");
    cc_db_set_write_lock(db, &lock);
    ck_assert_int_eq(cc_db_begin(db, cc_test_pool, &txn), APR_SUCCESS);
    ck_assert_int_eq(
        cc_db_query(db, cc_test_pool, NULL, "INSERT INTO item (a) VALUES ('first')", 0, NULL),
        APR_SUCCESS);
    ck_assert_int_eq(apr_thread_create(&thread, NULL, second_writer, &w, cc_test_pool),
                     APR_SUCCESS);
    apr_sleep(apr_time_from_msec(200));
    /* Still queued: the mutex is held, so it is not even in SQLite. */
    ck_assert_int_eq(w.done, 0);
    ck_assert_int_eq(apr_thread_mutex_trylock(mutex), APR_EBUSY);
    ck_assert_int_eq(cc_db_end(db, cc_test_pool, txn, 0), APR_SUCCESS);
    ck_assert_int_eq(apr_thread_join(&thread_rv, thread), APR_SUCCESS);
    ck_assert_int_eq(w.rv, APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "item", NULL), 2);
    ck_assert_int_eq(apr_thread_mutex_trylock(mutex), APR_SUCCESS);
    apr_thread_mutex_unlock(mutex);
    cc_db_close(db);
}
END_TEST

TCase *tcase_store_db(void)
{
    TCase *tc = cc_test_tcase("store/db");

    tcase_add_checked_fixture(tc, db_setup, db_teardown);
    tcase_add_test(tc, open_sqlite_in_temp_dir);
    tcase_add_test(tc, dialects);
    tcase_add_test(tc, bad_driver_refused);
    tcase_add_test(tc, driver_not_installed);
    tcase_add_test(tc, open_missing_dir_fails);
    tcase_add_test(tc, open_below_a_file_fails);
    tcase_add_test(tc, round_trip_with_params);
    tcase_add_test(tc, params_select_and_update);
    tcase_add_test(tc, select_value_first_cell);
    tcase_add_test(tc, failing_statements_report);
    tcase_add_test(tc, exec_refuses_rows);
    tcase_add_test(tc, rollback_discards);
    tcase_add_test(tc, commit_keeps);
    tcase_add_test(tc, failure_inside_transaction_rolls_back);
    tcase_add_test(tc, two_connections_share_data);
    tcase_add_test(tc, ping_succeeds);
    tcase_add_test(tc, sqlite_pragmas_applied);
    tcase_add_test(tc, foreign_keys_enforced);
    tcase_add_test(tc, statement_cache_one_per_text);
    tcase_add_test(tc, in_transaction_flag);
    tcase_add_test(tc, write_lock_held_for_transaction);
    tcase_add_test(tc, write_lock_released_on_failures);
    tcase_add_test(tc, write_lock_for_single_statements);
    tcase_add_test(tc, write_lock_failure_is_not_fatal);
    tcase_add_test(tc, write_lock_sqlite_only_and_freed_on_close);
    tcase_add_test(tc, write_lock_queues_writers);
    tcase_add_test(tc, cached_statements_survive_added_column);
    tcase_add_test(tc, cached_statements_survive_recreated_table);
    tcase_add_test(tc, schema_change_before_transaction_forgets_cache);
    tcase_add_test(tc, exec_empties_statement_cache);
    tcase_add_test(tc, parameter_markers_counted);
    tcase_add_test(tc, failing_cached_statement_in_transaction_not_retried);
    return tc;
}
