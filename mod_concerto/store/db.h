/* One database connection through apr_dbd, with the few things every caller
 * needs: bound-parameter queries, result sets read into a pool, transactions
 * and a readable error message. SQL uses apr_dbd's portable %s markers. */
#ifndef CC_DB_H
#define CC_DB_H

#include <apr_dbd.h>
#include <apr_hash.h>
#include <apr_pools.h>

typedef enum {
    CC_DIALECT_SQLITE,
    CC_DIALECT_PGSQL,
    CC_DIALECT_MYSQL,
    CC_DIALECT_ODBC,
    CC_DIALECT_ORACLE
} cc_dialect;

/* A lock that makes this server's writers on SQLite queue one behind the
 * other instead of polling SQLite's busy handler. The httpd glue gives a
 * cross-process mutex; without one (concertoctl) busy_timeout still waits. */
typedef struct cc_db_write_lock {
    apr_status_t (*acquire)(void *baton);
    apr_status_t (*release)(void *baton);
    void *baton;
} cc_db_write_lock;

typedef struct cc_db {
    apr_pool_t *pool; /* owns the connection; destroyed by cc_db_close */
    const apr_dbd_driver_t *driver;
    apr_dbd_t *handle;
    /* The SQL spoken: the driver's, except over ODBC, where it is the
     * database's behind it (PostgreSQL, else SQL Server). */
    cc_dialect dialect;
    const char *driver_name;
    /* Results read in order only: the odbc driver cannot make a prepared
     * statement's cursor scrollable. */
    int sequential;
    /* Which database: driver and parameters, the same text for every
     * connection to it (a key for per-process caches; never logged, it may
     * hold a password). */
    const char *source;
    const char *last_error; /* message of the last failure, in pool */
    /* Prepared statements by SQL text. apr_dbd_sqlite3 keeps every statement
     * until the connection closes, so each text is prepared once. */
    apr_hash_t *statements;
    /* SQLite: the schema version the cached statements were prepared
     * under (-1: not read yet); see cc_db_begin. */
    long schema_version;
    int in_transaction;
    const cc_db_write_lock *write_lock; /* SQLite only; NULL: none */
    int holds_write_lock;
} cc_db;

/* Rows of a result set, every value a string or NULL for SQL NULL. */
typedef struct cc_rows {
    int ncols;
    int nrows;
    const char **names;
    const char ***values; /* values[row][col] */
} cc_rows;

/* Known driver names; NULL-terminated. */
extern const char *const cc_db_driver_names[];

/* APR_SUCCESS and the dialect for a driver name we support. */
apr_status_t cc_db_dialect_for(const char *driver, cc_dialect *out);

/* Load the apr_dbd driver and open a connection with its own subpool of
 * parent. On failure *errmsg says why (never NULL). */
apr_status_t cc_db_open(apr_pool_t *parent, const char *driver, const char *params, cc_db **out,
                        const char **errmsg);
void cc_db_close(cc_db *db);

/* Cheap liveness check; APR_SUCCESS when the server answers. */
apr_status_t cc_db_ping(cc_db *db);

/* A statement without parameters and without result (DDL, PRAGMA). The text
 * is passed to the database as it is: '%' needs no escaping here. It
 * empties the statement cache, since DDL can make cached statements stale. */
apr_status_t cc_db_exec(cc_db *db, const char *sql);

/* A statement with bound parameters (%s markers, '%%' for a literal '%'). */
apr_status_t cc_db_query(cc_db *db, apr_pool_t *pool, int *affected, const char *sql, int nargs,
                         const char *const *args);
apr_status_t cc_db_select(cc_db *db, apr_pool_t *pool, cc_rows **out, const char *sql, int nargs,
                          const char *const *args);
/* The first column of the first row, or NULL when there is none. */
apr_status_t cc_db_select_value(cc_db *db, apr_pool_t *pool, const char **out, const char *sql,
                                int nargs, const char *const *args);

/* Use lock for this connection's writes: each transaction holds it from
 * begin to end, and each statement of cc_db_query outside one while it
 * runs. Only SQLite connections take it (other databases queue writers
 * themselves); NULL removes it. The lock must outlive the connection. */
void cc_db_set_write_lock(cc_db *db, const cc_db_write_lock *lock);

/* On SQLite the write lock is taken first (apr_dbd_sqlite3 then begins
 * IMMEDIATE, taking SQLite's own write lock at once). */
apr_status_t cc_db_begin(cc_db *db, apr_pool_t *pool, apr_dbd_transaction_t **txn);
/* Commits, or rolls back when any statement inside failed or rollback is
 * set; gives the write lock back on every path. */
apr_status_t cc_db_end(cc_db *db, apr_pool_t *pool, apr_dbd_transaction_t *txn, int rollback);

/* Called once for every failed database operation (the metrics count them). */
typedef void cc_db_error_observer_fn(void);
void cc_db_set_error_observer(cc_db_error_observer_fn *observer);

#endif
