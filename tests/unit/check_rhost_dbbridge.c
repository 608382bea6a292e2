/* rhost/dbbridge.c: R's cc_db_query and cc_db_driver on the connection
 * bound for a cc_rhost_call, called from R as the package calls them. */
#include "check_concerto.h"

#include "rhost/rhost.h"

#include <apr_strings.h>
#include <string.h>

/* Defines f(x) in R's global environment from its body. */
static void define(const char *body)
{
    cc_r_result res;
    const char *code = apr_pstrcat(cc_test_pool, "f <<- function(x) {", body, "}", NULL);

    ck_assert_int_eq(cc_rhost_eval(cc_test_pool, code, 5000, &res), APR_SUCCESS);
    ck_assert_msg(res.status == CC_R_OK, "%s: %s", code, res.message ? res.message : "");
}

static cc_r_result call_f(cc_db *db, const char *arg)
{
    cc_r_result res;

    ck_assert_int_eq(cc_rhost_call(cc_test_pool, db, "f", arg, 5000, &res), APR_SUCCESS);
    return res;
}

static const char *value_of(cc_db *db, const char *arg)
{
    cc_r_result res = call_f(db, arg);

    ck_assert_msg(res.status == CC_R_OK, "f(%s): %s", arg, res.message ? res.message : "");
    ck_assert_ptr_nonnull(res.value);
    return res.value;
}

static cc_db *table_db(void)
{
    cc_db *db = cc_test_db(cc_test_pool);

    ck_assert_int_eq(cc_db_exec(db, "CREATE TABLE t (id INTEGER PRIMARY KEY AUTOINCREMENT, a TEXT, "
                                    "b TEXT)"),
                     APR_SUCCESS);
    return db;
}

#define QUERY ".Call('cc_db_query', "
#define EMBEDDED ", PACKAGE = '(embedding)')"

START_TEST(test_driver_name)
{
    cc_db *db = cc_test_db(cc_test_pool);

    cc_test_need_r();
    define(".Call('cc_db_driver'" EMBEDDED);
    ck_assert_str_eq(value_of(db, ""), "sqlite3");
}
END_TEST

START_TEST(test_insert_then_select)
{
    cc_db *db = table_db();

    cc_test_need_r();
    /* NA_character_ is SQL NULL; lastInsertId follows the INSERT. */
    define("r <- " QUERY "'  insert INTO t (a, b) VALUES (%s, %s)', c(x, NA), FALSE" EMBEDDED
           "; paste(r$affected, r$lastInsertId)");
    ck_assert_str_eq(value_of(db, "first"), "1 1");
    ck_assert_str_eq(value_of(db, "caf\xc3\xa9"), "1 2");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM t WHERE b IS NULL"),
                     "2");
    /* A statement that is not an INSERT: no id. */
    define("r <- " QUERY "'UPDATE t SET b = %s', x, FALSE" EMBEDDED
           "; paste(r$affected, is.na(r$lastInsertId))");
    ck_assert_str_eq(value_of(db, "bee"), "2 TRUE");
    /* Columns by name, every value a string, NA for NULL, UTF-8 kept. */
    define("r <- " QUERY "'SELECT id, a, b, NULL AS n FROM t WHERE a = %s', x, TRUE" EMBEDDED
           "; paste(paste(names(r), collapse = ','), r$id, r$a, r$b, is.na(r$n), "
           "is.character(r$id), sep = '|')");
    ck_assert_str_eq(value_of(db, "caf\xc3\xa9"), "id,a,b,n|2|caf\xc3\xa9|bee|TRUE|TRUE");
    /* No rows: a list of empty columns; apr_dbd_sqlite3 tells no
     * columns at all then (PostgreSQL does). */
    define("r <- " QUERY "'SELECT a FROM t WHERE a = %s', x, TRUE" EMBEDDED
           "; paste(is.list(r), length(r$a))");
    ck_assert_str_eq(value_of(db, "none"), "TRUE 0");
    /* A literal % is written %%. */
    define("r <- " QUERY "\"SELECT '100%%' AS p\", character(0), TRUE" EMBEDDED "; r$p");
    ck_assert_str_eq(value_of(db, ""), "100%");
}
END_TEST

START_TEST(test_database_error_is_an_r_error)
{
    cc_db *db = table_db();
    cc_r_result res;

    cc_test_need_r();
    define(QUERY "'SELECT * FROM nosuch', character(0), TRUE" EMBEDDED);
    res = call_f(db, "");
    ck_assert_int_eq(res.status, CC_R_ERROR);
    ck_assert_ptr_nonnull(strstr(res.message, "database error: "));
    ck_assert_ptr_nonnull(strstr(res.message, "nosuch"));
    /* Caught in R, and the connection goes on working. */
    define("m <- tryCatch(" QUERY "'INSERT INTO t (a) VALUES (%s)', c('1', '2'), FALSE" EMBEDDED
           ", error = function(e) conditionMessage(e)); "
           "r <- " QUERY "'SELECT COUNT(*) AS n FROM t', NULL, TRUE" EMBEDDED
           "; paste(grepl('parameter marker', m), r$n)");
    ck_assert_str_eq(value_of(db, ""), "TRUE 0");
}
END_TEST

START_TEST(test_bad_arguments)
{
    cc_db *db = table_db();
    cc_r_result res;

    cc_test_need_r();
    define(QUERY "1, character(0), TRUE" EMBEDDED);
    res = call_f(db, "");
    ck_assert_int_eq(res.status, CC_R_ERROR);
    ck_assert_ptr_nonnull(strstr(res.message, "sql must be one character string"));
    define(QUERY "'SELECT 1', 1, TRUE" EMBEDDED);
    res = call_f(db, "");
    ck_assert_ptr_nonnull(strstr(res.message, "params must be a character vector"));
    define(QUERY "'SELECT 1', character(0), NA" EMBEDDED);
    res = call_f(db, "");
    ck_assert_ptr_nonnull(strstr(res.message, "select must be TRUE or FALSE"));
}
END_TEST

START_TEST(test_no_connection_outside_a_call)
{
    cc_r_result res;

    cc_test_need_r();
    define(QUERY "'SELECT 1', character(0), TRUE" EMBEDDED);
    res = call_f(NULL, "");
    ck_assert_int_eq(res.status, CC_R_ERROR);
    ck_assert_ptr_nonnull(strstr(res.message, "no database connection"));
    /* cc_rhost_eval binds none either. */
    ck_assert_int_eq(cc_rhost_eval(cc_test_pool, "f('')", 5000, &res), APR_SUCCESS);
    ck_assert_int_eq(res.status, CC_R_ERROR);
}
END_TEST

TCase *tcase_rhost_dbbridge(void)
{
    TCase *tc = cc_test_tcase("rhost/dbbridge");

    tcase_add_test(tc, test_driver_name);
    tcase_add_test(tc, test_insert_then_select);
    tcase_add_test(tc, test_database_error_is_an_r_error);
    tcase_add_test(tc, test_bad_arguments);
    tcase_add_test(tc, test_no_connection_outside_a_call);
    return tc;
}
