#include "db.h"

#include "../core/log.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <apr_tables.h>
#include <strings.h>

const char *const cc_db_driver_names[] = {"sqlite3", "pgsql", "mysql", "odbc", "oracle", NULL};

static cc_db_error_observer_fn *error_observer;

void cc_db_set_error_observer(cc_db_error_observer_fn *observer)
{
    error_observer = observer;
}

static void db_count_error(void)
{
    if (error_observer)
        error_observer();
}

apr_status_t cc_db_dialect_for(const char *driver, cc_dialect *out)
{
    static const cc_dialect dialects[] = {CC_DIALECT_SQLITE, CC_DIALECT_PGSQL, CC_DIALECT_MYSQL,
                                          CC_DIALECT_ODBC, CC_DIALECT_ORACLE};
    int i;

    for (i = 0; driver && cc_db_driver_names[i]; i++) {
        if (!strcmp(driver, cc_db_driver_names[i])) {
            *out = dialects[i];
            return APR_SUCCESS;
        }
    }
    return APR_ENOTIMPL;
}

/* Record a failure: keep the driver's message and count it. */
static apr_status_t db_fail(cc_db *db, int rv, const char *what)
{
    const char *detail = db->handle ? apr_dbd_error(db->driver, db->handle, rv) : NULL;

    db_count_error();
    db->last_error = apr_psprintf(db->pool, "%s failed (%s error %d): %s", what, db->driver_name,
                                  rv, detail && *detail ? detail : "no detail from the driver");
    cc_log(CC_LOG_MARK, CC_LOG_DEBUG, APR_EGENERAL, "%s", db->last_error);
    return APR_EGENERAL;
}

/* SQLite needs a busy timeout (apr sets none) and foreign keys on; PRAGMAs
 * that answer with a row must go through select, since apr_dbd_query treats
 * a returned row as failure. */
static apr_status_t db_prepare_sqlite(cc_db *db)
{
    static const char *const pragmas[] = {"PRAGMA foreign_keys = ON", "PRAGMA busy_timeout = 5000",
                                          "PRAGMA journal_mode = WAL", NULL};
    int i;

    for (i = 0; pragmas[i]; i++) {
        apr_dbd_results_t *res = NULL;
        apr_dbd_row_t *row = NULL;
        int rv = apr_dbd_select(db->driver, db->pool, db->handle, &res, pragmas[i], 0);
        if (rv != 0)
            return db_fail(db, rv, pragmas[i]);
        while (apr_dbd_get_row(db->driver, db->pool, res, &row, -1) == 0)
            ;
    }
    return APR_SUCCESS;
}

/* MariaDB/MySQL, per connection: UTF-8 in full (utf8mb4), and standard
 * SQL's quoting: double quotes around identifiers (ANSI_QUOTES; the schema
 * and the data tables quote camelCase names that way), a backslash in a
 * string literal is itself (NO_BACKSLASH_ESCAPES), || concatenates; and
 * errors rather than silent truncation. */
static apr_status_t db_prepare_mysql(cc_db *db)
{
    static const char *const settings[] = {
        "SET NAMES utf8mb4",
        "SET SESSION sql_mode = 'ANSI_QUOTES,NO_BACKSLASH_ESCAPES,PIPES_AS_CONCAT,"
        "STRICT_ALL_TABLES,NO_ENGINE_SUBSTITUTION,ERROR_FOR_DIVISION_BY_ZERO'",
        NULL};
    int i, nrows = 0;

    for (i = 0; settings[i]; i++) {
        int rv = apr_dbd_query(db->driver, db->handle, &nrows, settings[i]);
        if (rv != 0)
            return db_fail(db, rv, settings[i]);
    }
    return APR_SUCCESS;
}

/* Whether params names key (as a word, in any case). */
static int params_have_key(const char *params, const char *key)
{
    apr_size_t len = strlen(key);
    const char *p;

    for (p = params; *p; p++)
        if (!strncasecmp(p, key, len) && (p == params || !apr_isalpha(p[-1])) &&
            !apr_isalpha(p[len]))
            return 1;
    return 0;
}

/* The driver's own keys, added after the site's (apr_dbd_mysql and
 * apr_dbd_odbc keep the last value of a key).
 * mysql: reconnect=0, since a silent reconnect would lose the session
 * settings above, an open transaction and the prepared statements;
 * flags=CLIENT_FOUND_ROWS (the one flag the driver knows) unless the site
 * set flags, so that an UPDATE counts the rows it matched, as on the other
 * databases, not only the rows whose values changed.
 * odbc: bufsize=1 MB unless given, as mysql's default field size: the
 * driver's default cuts long text (a saved R state) at about 16 kB. */
static const char *driver_params(apr_pool_t *pool, cc_dialect dialect, const char *params)
{
    const char *sep = *params ? "," : "";

    if (dialect == CC_DIALECT_MYSQL)
        return apr_pstrcat(pool, params, sep,
                           params_have_key(params, "flags") ? "" : "flags=CLIENT_FOUND_ROWS,",
                           "reconnect=0", NULL);
    if (dialect == CC_DIALECT_ODBC && !params_have_key(params, "bufsize"))
        return apr_pstrcat(pool, params, sep, "bufsize=1048576", NULL);
    return params;
}

/* Over ODBC the SQL is the database's: PostgreSQL answers version() with
 * its name; anything else is taken for SQL Server, the dialect written for
 * ODBC. A failed probe is no error of the site's, so it is not counted. */
static void db_detect_odbc_dialect(cc_db *db)
{
    apr_pool_t *scratch;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;

    apr_pool_create(&scratch, db->pool);
    if (apr_dbd_select(db->driver, scratch, db->handle, &res, "SELECT version()", 0) == 0) {
        int first = 1;
        while (apr_dbd_get_row(db->driver, scratch, res, &row, -1) == 0) {
            char *value = NULL;
            if (first && apr_dbd_datum_get(db->driver, row, 0, APR_DBD_TYPE_STRING, &value) == 0 &&
                value && !strncmp(value, "PostgreSQL", 10))
                db->dialect = CC_DIALECT_PGSQL;
            first = 0;
        }
    }
    apr_pool_destroy(scratch);
}

void cc_db_set_write_lock(cc_db *db, const cc_db_write_lock *lock)
{
    if (db->dialect == CC_DIALECT_SQLITE && !db->holds_write_lock)
        db->write_lock = lock;
}

/* The lock only shortens waits: SQLite's own locking keeps the data
 * right, so a lock that cannot be taken means going on without it. */
static void write_lock_take(cc_db *db)
{
    apr_status_t rv;

    if (db->write_lock == NULL || db->holds_write_lock)
        return;
    rv = db->write_lock->acquire(db->write_lock->baton);
    if (rv == APR_SUCCESS)
        db->holds_write_lock = 1;
    else
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, rv,
               "cannot take the SQLite write lock; this write waits on SQLite's busy timeout");
}

static void write_lock_give_back(cc_db *db)
{
    apr_status_t rv;

    if (!db->holds_write_lock)
        return;
    db->holds_write_lock = 0;
    rv = db->write_lock->release(db->write_lock->baton);
    if (rv != APR_SUCCESS)
        cc_log(CC_LOG_MARK, CC_LOG_ERR, rv, "cannot release the SQLite write lock");
}

static apr_status_t db_close_cleanup(void *data)
{
    cc_db *db = data;

    /* Closing rolls back an unfinished transaction: its lock goes too. */
    write_lock_give_back(db);
    if (db->handle) {
        apr_dbd_close(db->driver, db->handle);
        db->handle = NULL;
    }
    return APR_SUCCESS;
}

apr_status_t cc_db_open(apr_pool_t *parent, const char *driver, const char *params, cc_db **out,
                        const char **errmsg)
{
    apr_pool_t *pool;
    cc_db *db;
    apr_status_t rv;
    const char *open_error = NULL;
    cc_dialect dialect;

    *out = NULL;
    if (cc_db_dialect_for(driver, &dialect) != APR_SUCCESS) {
        *errmsg = apr_psprintf(parent, "unknown database driver '%s'", driver ? driver : "");
        return APR_ENOTIMPL;
    }
    rv = apr_pool_create(&pool, parent);
    if (rv != APR_SUCCESS) {
        *errmsg = "out of memory";
        return rv;
    }
    apr_pool_tag(pool, "concerto_db");
    db = apr_pcalloc(pool, sizeof(*db));
    db->pool = pool;
    db->dialect = dialect;
    db->driver_name = apr_pstrdup(pool, driver);
    db->source = apr_pstrcat(pool, driver, "\n", params ? params : "", NULL);
    db->statements = apr_hash_make(pool);
    db->schema_version = -1;
    rv = apr_dbd_init(pool);
    if (rv == APR_SUCCESS)
        rv = apr_dbd_get_driver(pool, driver, &db->driver);
    if (rv != APR_SUCCESS) {
        char errbuf[256];
        /* A driver module that is not installed is APR_EDSOOPEN. */
        if (rv == APR_ENOTIMPL || APR_STATUS_IS_EDSOOPEN(rv))
            *errmsg = apr_psprintf(parent,
                                   "apr_dbd has no driver '%s' (install the "
                                   "libaprutil1-dbd-%s package)",
                                   driver, driver);
        else
            *errmsg = apr_psprintf(parent, "cannot load apr_dbd driver '%s' (%s)", driver,
                                   apr_strerror(rv, errbuf, sizeof(errbuf)));
        db_count_error();
        apr_pool_destroy(pool);
        return rv;
    }
    if (!params)
        params = "";
    params = driver_params(pool, dialect, params);
    rv = apr_dbd_open_ex(db->driver, pool, params, &db->handle, &open_error);
    if (rv != APR_SUCCESS || db->handle == NULL) {
        *errmsg = apr_psprintf(parent, "cannot connect to the %s database: %s", driver,
                               open_error && *open_error ? open_error : "no detail from apr_dbd");
        db_count_error();
        apr_pool_destroy(pool);
        return rv != APR_SUCCESS ? rv : APR_EGENERAL;
    }
    apr_pool_cleanup_register(pool, db, db_close_cleanup, apr_pool_cleanup_null);
    if (dialect == CC_DIALECT_SQLITE && db_prepare_sqlite(db) != APR_SUCCESS) {
        *errmsg = apr_pstrdup(parent, db->last_error);
        apr_pool_destroy(pool);
        return APR_EGENERAL;
    }
    if (dialect == CC_DIALECT_ODBC) {
        db->sequential = 1;
        db_detect_odbc_dialect(db);
    }
    if (dialect == CC_DIALECT_MYSQL && db_prepare_mysql(db) != APR_SUCCESS) {
        *errmsg = apr_pstrdup(parent, db->last_error);
        apr_pool_destroy(pool);
        return APR_EGENERAL;
    }
    *out = db;
    return APR_SUCCESS;
}

void cc_db_close(cc_db *db)
{
    if (db)
        apr_pool_destroy(db->pool);
}

apr_status_t cc_db_ping(cc_db *db)
{
    const char *one = NULL;
    apr_pool_t *scratch;
    apr_status_t rv;

    if (apr_dbd_check_conn(db->driver, db->pool, db->handle) != APR_SUCCESS)
        return db_fail(db, APR_EGENERAL, "connection check");
    apr_pool_create(&scratch, db->pool);
    rv = cc_db_select_value(db, scratch, &one,
                            db->dialect == CC_DIALECT_ORACLE ? "SELECT 1 FROM DUAL" : "SELECT 1", 0,
                            NULL);
    if (rv == APR_SUCCESS && (one == NULL || strcmp(one, "1") != 0))
        rv = db_fail(db, 0, "SELECT 1 (unexpected answer)");
    apr_pool_destroy(scratch);
    return rv;
}

apr_status_t cc_db_exec(cc_db *db, const char *sql)
{
    int nrows = 0;
    int rv = apr_dbd_query(db->driver, db->handle, &nrows, sql);

    /* exec carries DDL: statements prepared before it may be stale, and
     * inside a transaction they would not be retried. */
    apr_hash_clear(db->statements);
    return rv == 0 ? APR_SUCCESS : db_fail(db, rv, "statement");
}

/* apr_dbd takes '%' and a letter anywhere in the text as a parameter (so a
 * LIKE '%x' pattern is one): a count that differs from the values given
 * would make the driver read past them. '%%' is a literal '%'. */
static int count_markers(const char *sql)
{
    int n = 0;

    for (; *sql; sql++) {
        if (*sql != '%')
            continue;
        if (sql[1] == '%')
            sql++;
        else if ((sql[1] >= 'a' && sql[1] <= 'z') || (sql[1] >= 'A' && sql[1] <= 'Z'))
            n++;
    }
    return n;
}

static apr_status_t check_markers(cc_db *db, const char *sql, int nargs)
{
    int markers = count_markers(sql);

    if (markers == nargs)
        return APR_SUCCESS;
    db_count_error();
    db->last_error =
        apr_psprintf(db->pool,
                     "statement has %d parameter marker%s but %d value%s given "
                     "(write a literal %% as %%%%): %.80s",
                     markers, markers == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s", sql);
    return APR_EINVAL;
}

/* The connection's prepared statement for sql, prepared on first use. */
static apr_status_t db_statement(cc_db *db, const char *sql, apr_dbd_prepared_t **stmt)
{
    char *key;
    int rv;

    *stmt = apr_hash_get(db->statements, sql, APR_HASH_KEY_STRING);
    if (*stmt)
        return APR_SUCCESS;
    key = apr_pstrdup(db->pool, sql);
    rv = apr_dbd_prepare(db->driver, db->pool, db->handle, key, NULL, stmt);
    if (rv != 0)
        return db_fail(db, rv, "prepare");
    apr_hash_set(db->statements, key, APR_HASH_KEY_STRING, *stmt);
    return APR_SUCCESS;
}

/* After a failure the cached statement may be stale (SQLite's legacy
 * prepare does not recompile after a schema change): forget it, and retry
 * once when no transaction would be disturbed by it. */
static int db_retry_after(cc_db *db, const char *sql, int attempt)
{
    apr_hash_set(db->statements, sql, APR_HASH_KEY_STRING, NULL);
    return attempt == 0 && !db->in_transaction;
}

/* ODBC answers an UPDATE or DELETE that matched no row with SQL_NO_DATA,
 * which apr_dbd_odbc reports as a failure: it is a count of 0. */
static int db_no_rows(cc_db *db, int rv)
{
    const char *detail;

    if (rv == 0 || !db->sequential)
        return 0;
    detail = apr_dbd_error(db->driver, db->handle, rv);
    return detail && strstr(detail, "returned SQL_NO_DATA") != NULL;
}

apr_status_t cc_db_query(cc_db *db, apr_pool_t *pool, int *affected, const char *sql, int nargs,
                         const char *const *args)
{
    apr_dbd_prepared_t *stmt = NULL;
    int nrows = 0, attempt, rv = 0;

    if (check_markers(db, sql, nargs) != APR_SUCCESS)
        return APR_EINVAL;
    /* A statement on its own is a write transaction of its own. */
    if (!db->in_transaction)
        write_lock_take(db);
    for (attempt = 0;; attempt++) {
        apr_status_t st = db_statement(db, sql, &stmt);
        if (st != APR_SUCCESS) {
            if (!db->in_transaction)
                write_lock_give_back(db);
            return st;
        }
        rv = apr_dbd_pquery(db->driver, pool, db->handle, &nrows, stmt, nargs, (const char **)args);
        if (db_no_rows(db, rv)) {
            rv = 0;
            nrows = 0;
        }
        if (rv == 0 || !db_retry_after(db, sql, attempt))
            break;
    }
    if (!db->in_transaction)
        write_lock_give_back(db);
    if (rv != 0)
        return db_fail(db, rv, "query");
    if (affected)
        *affected = nrows;
    return APR_SUCCESS;
}

/* apr_dbd reports SQL NULL differently per driver (NULL for sqlite, "" for
 * pgsql); datum_get with a string type answers APR_ENOENT for NULL on both. */
static const char *db_entry(cc_db *db, apr_pool_t *pool, apr_dbd_row_t *row, int col)
{
    char *value = NULL;

    if (apr_dbd_datum_get(db->driver, row, col, APR_DBD_TYPE_STRING, &value) == APR_ENOENT)
        return NULL;
    if (value == NULL) {
        const char *raw = apr_dbd_get_entry(db->driver, row, col);
        return raw ? apr_pstrdup(pool, raw) : NULL;
    }
    return apr_pstrdup(pool, value);
}

apr_status_t cc_db_select(cc_db *db, apr_pool_t *pool, cc_rows **out, const char *sql, int nargs,
                          const char *const *args)
{
    apr_dbd_prepared_t *stmt = NULL;
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    apr_array_header_t *rows;
    cc_rows *result;
    int rv = 0, i, attempt;

    if (check_markers(db, sql, nargs) != APR_SUCCESS)
        return APR_EINVAL;
    for (attempt = 0;; attempt++) {
        apr_status_t st = db_statement(db, sql, &stmt);
        if (st != APR_SUCCESS)
            return st;
        /* random access: the pgsql driver's sequential mode hides errors. */
        rv = apr_dbd_pselect(db->driver, pool, db->handle, &res, stmt, !db->sequential, nargs,
                             (const char **)args);
        if (rv == 0 || !db_retry_after(db, sql, attempt))
            break;
    }
    if (rv != 0)
        return db_fail(db, rv, "select");
    result = apr_pcalloc(pool, sizeof(*result));
    result->ncols = apr_dbd_num_cols(db->driver, res);
    result->names = apr_pcalloc(pool, sizeof(char *) * (result->ncols + 1));
    /* Names first: pgsql frees its result once the last row is read. */
    for (i = 0; i < result->ncols; i++) {
        const char *name = apr_dbd_get_name(db->driver, res, i);
        result->names[i] = apr_pstrdup(pool, name ? name : "");
    }
    rows = apr_array_make(pool, 8, sizeof(const char **));
    /* In random access the mysql driver reads row N (from 1) and answers
     * "no more rows" to -1, which the other drivers take as "the next". */
    while ((rv = apr_dbd_get_row(
                db->driver, pool, res, &row,
                db->dialect == CC_DIALECT_MYSQL && !db->sequential ? rows->nelts + 1 : -1)) == 0) {
        const char **values = apr_pcalloc(pool, sizeof(char *) * (result->ncols + 1));
        for (i = 0; i < result->ncols; i++)
            values[i] = db_entry(db, pool, row, i);
        APR_ARRAY_PUSH(rows, const char **) = values;
    }
    if (rv != -1)
        return db_fail(db, rv, "reading rows");
    result->nrows = rows->nelts;
    result->values = (const char ***)rows->elts;
    *out = result;
    return APR_SUCCESS;
}

apr_status_t cc_db_select_value(cc_db *db, apr_pool_t *pool, const char **out, const char *sql,
                                int nargs, const char *const *args)
{
    cc_rows *rows = NULL;
    apr_status_t rv = cc_db_select(db, pool, &rows, sql, nargs, args);

    *out = NULL;
    if (rv == APR_SUCCESS && rows->nrows > 0 && rows->ncols > 0)
        *out = rows->values[0][0];
    return rv;
}

/* The first value of an unprepared query, reading the result to its end
 * (the driver finishes the statement there); NULL when it fails. */
static const char *unprepared_value(cc_db *db, apr_pool_t *pool, const char *sql)
{
    apr_dbd_results_t *res = NULL;
    apr_dbd_row_t *row = NULL;
    const char *value = NULL;

    if (apr_dbd_select(db->driver, pool, db->handle, &res, sql, 0) != 0)
        return NULL;
    if (apr_dbd_get_row(db->driver, pool, res, &row, -1) == 0) {
        value = apr_pstrdup(pool, apr_dbd_get_entry(db->driver, row, 0));
        while (apr_dbd_get_row(db->driver, pool, res, &row, -1) == 0)
            ;
    }
    return value;
}

/* SQLite's legacy prepare leaves statements failing once ("database schema
 * has changed") after another connection changed the schema (another child
 * made or altered a data table), and inside a transaction a failure is not
 * retried. apr_dbd_sqlite3 begins with BEGIN IMMEDIATE, after which the
 * schema cannot move: when its version moved since the last look, forget
 * the cached statements and let one statement take the failure that loads
 * the new schema. */
static void catch_up_with_schema(cc_db *db, apr_pool_t *pool)
{
    const char *version;
    long now;

    if (db->dialect != CC_DIALECT_SQLITE)
        return;
    version = unprepared_value(db, pool, "PRAGMA schema_version");
    now = version ? (long)apr_atoi64(version) : -1;
    if (now == db->schema_version)
        return;
    apr_hash_clear(db->statements);
    if (unprepared_value(db, pool, "SELECT COUNT(*) FROM sqlite_master") == NULL)
        unprepared_value(db, pool, "SELECT COUNT(*) FROM sqlite_master");
    db->schema_version = now;
}

apr_status_t cc_db_begin(cc_db *db, apr_pool_t *pool, apr_dbd_transaction_t **txn)
{
    int rv;

    write_lock_take(db);
    rv = apr_dbd_transaction_start(db->driver, pool, db->handle, txn);
    if (rv != 0) {
        write_lock_give_back(db);
        return db_fail(db, rv, "begin transaction");
    }
    db->in_transaction = 1;
    catch_up_with_schema(db, pool);
    return APR_SUCCESS;
}

apr_status_t cc_db_end(cc_db *db, apr_pool_t *pool, apr_dbd_transaction_t *txn, int rollback)
{
    int rv;

    if (rollback)
        apr_dbd_transaction_mode_set(db->driver, txn, APR_DBD_TRANSACTION_ROLLBACK);
    rv = apr_dbd_transaction_end(db->driver, pool, txn);
    db->in_transaction = 0;
    write_lock_give_back(db);
    /* A rollback may undo DDL: statements cached since would be stale. */
    if (rollback || rv != 0)
        apr_hash_clear(db->statements);
    return rv == 0 ? APR_SUCCESS : db_fail(db, rv, "end transaction");
}
