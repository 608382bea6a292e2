/* cc_db_query and cc_db_driver for R (dbbridge.h). Every R error they
 * raise longjmps out of here: its text is copied to the stack and the
 * call's subpool destroyed first, so nothing allocated here is left. */
#include "rhost/dbbridge.h"

#include <apr_strings.h>
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#define R_NO_REMAP
#include <R_ext/Rdynload.h>
#include <Rinternals.h>

/* Only touched under rhost's mutex. */
static cc_db *bound_db;
static apr_pool_t *bound_pool;

void cc_dbbridge_bind(cc_db *db, apr_pool_t *pool)
{
    bound_db = db;
    bound_pool = pool;
}

const char *cc_dbbridge_driver_name(const cc_db *db)
{
    switch (db->dialect) {
    case CC_DIALECT_SQLITE:
        return "sqlite3";
    case CC_DIALECT_PGSQL:
        return "pgsql";
    case CC_DIALECT_MYSQL:
        return "mysql";
    case CC_DIALECT_ODBC:
    case CC_DIALECT_ORACLE:
        break;
    }
    return "odbc";
}

static void no_database(void)
{
    Rf_error("database error: no database connection is open for this R call");
}

static SEXP db_driver_routine(void)
{
    if (bound_db == NULL)
        no_database();
    return Rf_mkString(cc_dbbridge_driver_name(bound_db));
}

/* Raises "database error: MESSAGE" after freeing sub. */
static void fail(apr_pool_t *sub, const char *message)
{
    char text[1024];

    snprintf(text, sizeof(text), "%s", message ? message : "unknown error");
    apr_pool_destroy(sub);
    Rf_error("database error: %s", text);
}

static int starts_with_insert(const char *sql)
{
    while (isspace((unsigned char)*sql))
        sql++;
    return !strncasecmp(sql, "INSERT", 6);
}

/* The id the last INSERT made, as text, or NULL when the database cannot
 * tell. PostgreSQL's lastval() fails when no sequence was used: inside a
 * transaction that failure is confined to a savepoint. */
static const char *last_insert_id(cc_db *db, apr_pool_t *pool)
{
    const char *value = NULL;
    apr_status_t rv;

    switch (db->dialect) {
    case CC_DIALECT_SQLITE:
        rv = cc_db_select_value(db, pool, &value, "SELECT last_insert_rowid()", 0, NULL);
        break;
    case CC_DIALECT_MYSQL:
        rv = cc_db_select_value(db, pool, &value, "SELECT LAST_INSERT_ID()", 0, NULL);
        break;
    case CC_DIALECT_PGSQL:
        if (db->in_transaction && cc_db_exec(db, "SAVEPOINT cc_lastval") != APR_SUCCESS)
            return NULL;
        rv = cc_db_select_value(db, pool, &value, "SELECT lastval()", 0, NULL);
        if (db->in_transaction)
            cc_db_exec(db, rv == APR_SUCCESS ? "RELEASE SAVEPOINT cc_lastval"
                                             : "ROLLBACK TO SAVEPOINT cc_lastval");
        break;
    case CC_DIALECT_ODBC:
        /* SQL Server (untested): SCOPE_IDENTITY() would be another scope
         * than the prepared INSERT; @@IDENTITY is the session's last one
         * (a trigger's insert would change it). */
        rv = cc_db_select_value(db, pool, &value, "SELECT @@IDENTITY", 0, NULL);
        break;
    default:
        /* Oracle: an identity column's value needs RETURNING ... INTO,
         * which apr_dbd cannot bind; not written. */
        return NULL;
    }
    return rv == APR_SUCCESS ? value : NULL;
}

static SEXP rows_to_list(const cc_rows *rows)
{
    SEXP list, names;
    int c, r;

    PROTECT(list = Rf_allocVector(VECSXP, rows->ncols));
    PROTECT(names = Rf_allocVector(STRSXP, rows->ncols));
    for (c = 0; c < rows->ncols; c++) {
        SEXP column = Rf_allocVector(STRSXP, rows->nrows);
        SET_VECTOR_ELT(list, c, column);
        for (r = 0; r < rows->nrows; r++) {
            const char *v = rows->values[r][c];
            SET_STRING_ELT(column, r, v ? Rf_mkCharCE(v, CE_UTF8) : NA_STRING);
        }
        SET_STRING_ELT(names, c, Rf_mkCharCE(rows->names[c] ? rows->names[c] : "", CE_UTF8));
    }
    Rf_setAttrib(list, R_NamesSymbol, names);
    UNPROTECT(2);
    return list;
}

static SEXP write_result(int affected, const char *id)
{
    SEXP list, names;

    PROTECT(list = Rf_allocVector(VECSXP, 2));
    PROTECT(names = Rf_allocVector(STRSXP, 2));
    SET_VECTOR_ELT(list, 0, Rf_ScalarInteger(affected));
    SET_VECTOR_ELT(list, 1, Rf_ScalarReal(id ? R_atof(id) : NA_REAL));
    SET_STRING_ELT(names, 0, Rf_mkChar("affected"));
    SET_STRING_ELT(names, 1, Rf_mkChar("lastInsertId"));
    Rf_setAttrib(list, R_NamesSymbol, names);
    UNPROTECT(2);
    return list;
}

static SEXP db_query_routine(SEXP sql, SEXP params, SEXP select)
{
    apr_pool_t *sub = NULL;
    const char **args;
    const char *text, *id = NULL;
    cc_rows *rows = NULL;
    int n, k, affected = 0, want_rows;
    SEXP result;

    if (bound_db == NULL)
        no_database();
    if (TYPEOF(sql) != STRSXP || XLENGTH(sql) != 1 || STRING_ELT(sql, 0) == NA_STRING)
        Rf_error("cc_db_query: sql must be one character string");
    if (params != R_NilValue && TYPEOF(params) != STRSXP)
        Rf_error("cc_db_query: params must be a character vector");
    if (TYPEOF(select) != LGLSXP || XLENGTH(select) != 1 || LOGICAL(select)[0] == NA_LOGICAL)
        Rf_error("cc_db_query: select must be TRUE or FALSE");
    want_rows = LOGICAL(select)[0];
    n = params == R_NilValue ? 0 : (int)XLENGTH(params);
    /* Read from R before any pool exists: translateChar may raise. */
    text = Rf_translateCharUTF8(STRING_ELT(sql, 0));
    if (apr_pool_create(&sub, bound_pool) != APR_SUCCESS)
        Rf_error("database error: out of memory");
    args = apr_pcalloc(sub, sizeof(*args) * (size_t)(n + 1));
    for (k = 0; k < n; k++) {
        SEXP v = STRING_ELT(params, k);
        args[k] = v == NA_STRING ? NULL : apr_pstrdup(sub, Rf_translateCharUTF8(v));
    }
    if (want_rows) {
        if (cc_db_select(bound_db, sub, &rows, text, n, args) != APR_SUCCESS)
            fail(sub, bound_db->last_error);
    } else {
        if (cc_db_query(bound_db, sub, &affected, text, n, args) != APR_SUCCESS)
            fail(sub, bound_db->last_error);
        if (starts_with_insert(text))
            id = last_insert_id(bound_db, sub);
    }
    /* R allocation errors would longjmp past the destroy below; the
     * subpool then goes with the request's pool. */
    result = want_rows ? rows_to_list(rows) : write_result(affected, id);
    apr_pool_destroy(sub);
    return result;
}

void cc_dbbridge_register(void)
{
    /* Through void (*)(void), the generic function pointer type. */
    static const R_CallMethodDef routines[] = {
        {"cc_db_query", (DL_FUNC)(void (*)(void))db_query_routine, 3},
        {"cc_db_driver", (DL_FUNC)(void (*)(void))db_driver_routine, 0},
        {NULL, NULL, 0}};

    R_registerRoutines(R_getEmbeddingDllInfo(), NULL, routines, NULL, NULL);
}
