/* store/dbparams: connection parameters from settings and environment. */
#include "check_concerto.h"

#include "store/dbparams.h"

#include <stdlib.h>
#include <string.h>

/* A fake environment: NULL-terminated name/value pairs. */
static const char *fake_env(void *baton, const char *name)
{
    const char *const *pairs = baton;

    for (; pairs && pairs[0]; pairs += 2)
        if (!strcmp(pairs[0], name))
            return pairs[1];
    return NULL;
}

static const char *const empty_env[] = {NULL};
static const char *const full_env[] = {"DB_HOST",     "db.example.org", "DB_PORT", "6543",
                                       "DB_NAME",     "tests",          "DB_USER", "runner",
                                       "DB_PASSWORD", "s3cret",         NULL};

static const char *resolve(const char *driver, const char *params, const char *const *env,
                           const char **errmsg)
{
    return cc_db_params_resolve(cc_test_pool, driver, params, "/var/lib/concerto", fake_env,
                                (void *)env, errmsg);
}

START_TEST(explicit_params_win)
{
    const char *errmsg = NULL;

    ck_assert_str_eq(resolve("pgsql", "host=elsewhere dbname=x", full_env, &errmsg),
                     "host=elsewhere dbname=x");
    ck_assert_str_eq(resolve("sqlite3", "/srv/other.db", full_env, &errmsg), "/srv/other.db");
    ck_assert_str_eq(resolve("mysql", "host=h,user=u", full_env, &errmsg), "host=h,user=u");
    ck_assert_ptr_null(errmsg);
}
END_TEST

START_TEST(sqlite_default_path)
{
    const char *errmsg = NULL;

    ck_assert_str_eq(resolve("sqlite3", NULL, full_env, &errmsg), "/var/lib/concerto/concerto.db");
    /* Empty params count as not given. */
    ck_assert_str_eq(resolve("sqlite3", "", empty_env, &errmsg), "/var/lib/concerto/concerto.db");
    ck_assert_str_eq(cc_db_params_resolve(cc_test_pool, "sqlite3", NULL, "/data", fake_env,
                                          (void *)empty_env, &errmsg),
                     "/data/concerto.db");
    ck_assert_ptr_null(errmsg);
}
END_TEST

START_TEST(pgsql_defaults)
{
    const char *errmsg = NULL;
    const char *params = resolve("pgsql", NULL, empty_env, &errmsg);

    ck_assert_ptr_nonnull(params);
    ck_assert_str_eq(params,
                     "host='localhost' port='5432' dbname='concerto' user='concerto' password=''");
    /* Set but empty variables fall back to the defaults too. */
    {
        static const char *const blank_env[] = {"DB_HOST", "", "DB_PORT", "", NULL};
        params = resolve("pgsql", NULL, blank_env, &errmsg);
        ck_assert_ptr_nonnull(strstr(params, "host='localhost' port='5432' "));
    }
    ck_assert_ptr_null(errmsg);
}
END_TEST

START_TEST(pgsql_from_environment)
{
    const char *errmsg = NULL;

    ck_assert_str_eq(resolve("pgsql", NULL, full_env, &errmsg),
                     "host='db.example.org' port='6543' dbname='tests' user='runner' "
                     "password='s3cret'");
    ck_assert_ptr_null(errmsg);
}
END_TEST

START_TEST(pgsql_quotes_values)
{
    static const char *const env[] = {"DB_PASSWORD", "it's a \\secret", "DB_USER", "o'neil", NULL};
    const char *errmsg = NULL;
    const char *params = resolve("pgsql", NULL, env, &errmsg);

    ck_assert_ptr_nonnull(params);
    ck_assert_ptr_nonnull(strstr(params, " password='it\\'s a \\\\secret'"));
    ck_assert_ptr_nonnull(strstr(params, " user='o\\'neil' "));
}
END_TEST

START_TEST(mysql_defaults)
{
    const char *errmsg = NULL;

    ck_assert_str_eq(resolve("mysql", NULL, empty_env, &errmsg),
                     "host=localhost,port=3306,dbname=concerto,user=concerto,pass=");
    ck_assert_str_eq(resolve("mysql", NULL, full_env, &errmsg),
                     "host=db.example.org,port=6543,dbname=tests,user=runner,pass=s3cret");
    ck_assert_ptr_null(errmsg);
}
END_TEST

START_TEST(other_server_drivers)
{
    const char *errmsg = NULL;

    ck_assert_str_eq(resolve("odbc", NULL, full_env, &errmsg),
                     "datasource=tests,user=runner,password=s3cret");
    ck_assert_str_eq(resolve("oracle", NULL, full_env, &errmsg),
                     "server=tests,user=runner,pass=s3cret");
    ck_assert_ptr_null(errmsg);
}
END_TEST

START_TEST(unknown_driver)
{
    const char *errmsg = NULL;

    ck_assert_ptr_null(resolve("mssql", NULL, full_env, &errmsg));
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_ptr_nonnull(strstr(errmsg, "mssql"));
}
END_TEST

/* DB_PORT is interpolated into unquoted parameter strings: digits only. */
START_TEST(port_must_be_a_number)
{
    static const char *const bad_port[] = {"DB_PORT", "3306,dbname=other", NULL};
    static const char *const good_port[] = {"DB_PORT", "3307", NULL};
    static const char *const spaced_unknown[] = {"DB_HOST", "a b", NULL};
    const char *errmsg = NULL;

    ck_assert_ptr_null(resolve("mysql", NULL, bad_port, &errmsg));
    ck_assert_ptr_nonnull(strstr(errmsg, "DB_PORT"));
    errmsg = NULL;
    ck_assert_ptr_null(resolve("pgsql", NULL, bad_port, &errmsg));
    ck_assert_ptr_nonnull(errmsg);
    errmsg = NULL;
    ck_assert_str_eq(resolve("mysql", NULL, good_port, &errmsg),
                     "host=localhost,port=3307,dbname=concerto,user=concerto,pass=");
    /* An unknown driver is reported as such, whatever the environment. */
    ck_assert_ptr_null(resolve("mssql", NULL, spaced_unknown, &errmsg));
    ck_assert_ptr_nonnull(strstr(errmsg, "unknown database driver"));
    errmsg = NULL;
    /* Separators beyond space and comma are refused for unquoted drivers. */
    {
        static const char *const semicolon[] = {"DB_PASSWORD", "ab;cd", NULL};
        ck_assert_ptr_null(resolve("mysql", NULL, semicolon, &errmsg));
        ck_assert_ptr_nonnull(errmsg);
    }
}
END_TEST

START_TEST(redact_sslpassword)
{
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "host=h sslpassword='k' user=u"),
                     "host=h sslpassword=*** user=u");
}
END_TEST

/* Without a lookup function the process environment is read. */
START_TEST(process_environment)
{
    const char *errmsg = NULL;
    const char *params;

    ck_assert_str_eq(cc_env_process(NULL, "PATH"), getenv("PATH"));
    setenv("DB_HOST", "from-process-env", 1);
    setenv("DB_PORT", "7777", 1);
    params = cc_db_params_resolve(cc_test_pool, "pgsql", NULL, "/d", NULL, NULL, &errmsg);
    unsetenv("DB_HOST");
    unsetenv("DB_PORT");
    ck_assert_ptr_nonnull(params);
    ck_assert_ptr_nonnull(strstr(params, "host='from-process-env' port='7777' "));
}
END_TEST

START_TEST(redact_passwords)
{
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "host=h password=secret user=u"),
                     "host=h password=*** user=u");
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "host='h' password='se cr\\'et' user='u'"),
                     "host='h' password=*** user='u'");
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "host=h,pass=pw,user=u"),
                     "host=h,pass=***,user=u");
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "user=u,pass=pw"), "user=u,pass=***");
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "DSN=x;pwd=pw"), "DSN=x;pwd=***");
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "password=a password=b"),
                     "password=*** password=***");
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "/var/lib/concerto/concerto.db"),
                     "/var/lib/concerto/concerto.db");
    ck_assert_str_eq(cc_db_params_redact(cc_test_pool, "password="), "password=***");
}
END_TEST

/* What resolve builds, redact hides, whatever the password holds. */
START_TEST(redact_what_resolve_builds)
{
    static const char *const env[] = {"DB_PASSWORD", "p4ss' zqx\\", NULL};
    const char *errmsg = NULL;
    const char *pg = resolve("pgsql", NULL, env, &errmsg);
    const char *my = resolve("mysql", NULL, full_env, &errmsg);
    const char *red;

    red = cc_db_params_redact(cc_test_pool, pg);
    ck_assert_ptr_null(strstr(red, "p4ss"));
    ck_assert_ptr_null(strstr(red, "zqx"));
    ck_assert_str_eq(red,
                     "host='localhost' port='5432' dbname='concerto' user='concerto' password=***");
    red = cc_db_params_redact(cc_test_pool, my);
    ck_assert_ptr_null(strstr(red, "s3cret"));
    ck_assert_ptr_nonnull(strstr(red, "user=runner,pass=***"));
}
END_TEST

/* Spaces around '=', quoted values, any case of the key, ';' after the
 * value (ODBC) and ',' between pairs (apr_dbd_mysql); everything else of
 * the string is kept as it was. */
START_TEST(redact_styles)
{
    static const char *const cases[][2] = {
        {"password = 'x y'", "password = ***"},
        {"host=h password = 'x y' user=u", "host=h password = *** user=u"},
        {"host=h password= x user=u", "host=h password= *** user=u"},
        {"PASSWORD=abc", "PASSWORD=***"},
        {"host=h PassWord=abc dbname=d", "host=h PassWord=*** dbname=d"},
        {"Pwd=abc;", "Pwd=***;"},
        {"DSN=concerto;UID=u;PWD=abc;Trusted=no", "DSN=concerto;UID=u;PWD=***;Trusted=no"},
        {"pass=abc,user=u", "pass=***,user=u"},
        {"host=h,port=3306,dbname=d,user=u,PASS=abc", "host=h,port=3306,dbname=d,user=u,PASS=***"},
        {"  host=h ,, password=x ;; user=u\t", "  host=h ,, password=*** ;; user=u\t"},
        {"password='a\\'b c' pass=d", "password=*** pass=***"},
    };
    apr_size_t i;

    for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const char *red = cc_db_params_redact(cc_test_pool, cases[i][0]);
        ck_assert_msg(!strcmp(red, cases[i][1]), "redact(\"%s\") = \"%s\", expected \"%s\"",
                      cases[i][0], red, cases[i][1]);
    }
}
END_TEST

/* Only the value of a password key is hidden: not values that look like
 * one, nor keys that merely start with "pass". */
START_TEST(redact_leaves_the_rest)
{
    static const char *const unchanged[] = {
        "user=passwordless",
        "dbname=password",
        "passfile=/x",
        "host=h passfile=/home/u/.pgpass user=password dbname=pass port=5432",
        "user=pwd,dbname=pass,host=password",
        "passwords=x password_hash=y mypass=z",
        "",
        NULL,
    };
    int i;

    for (i = 0; unchanged[i]; i++)
        ck_assert_str_eq(cc_db_params_redact(cc_test_pool, unchanged[i]), unchanged[i]);
}
END_TEST

/* apr_dbd_mysql, _odbc and _oracle cut their parameters at spaces and
 * commas and know no quoting: such a DB_* value is refused. */
START_TEST(unquoted_drivers_refuse_separators)
{
    static const char *const drivers[] = {"mysql", "odbc", "oracle", NULL};
    static const char *const names[] = {"DB_HOST", "DB_NAME", "DB_USER", "DB_PASSWORD", NULL};
    static const char *const values[] = {"a b", "a,b", " lead", "trail,", NULL};
    int d, n, v;

    for (d = 0; drivers[d]; d++) {
        for (n = 0; names[n]; n++) {
            for (v = 0; values[v]; v++) {
                const char *env[] = {names[n], values[v], NULL};
                const char *errmsg = NULL;
                const char *params = resolve(drivers[d], NULL, env, &errmsg);
                ck_assert_msg(params == NULL, "%s with %s='%s' gave '%s'", drivers[d], names[n],
                              values[v], params);
                ck_assert_ptr_nonnull(errmsg);
                ck_assert_msg(strstr(errmsg, "space") && strstr(errmsg, "comma") &&
                                  strstr(errmsg, drivers[d]),
                              "%s", errmsg);
            }
        }
    }
    /* Explicit parameters are the way around it, and are passed as given. */
    {
        static const char *const env[] = {"DB_PASSWORD", "a b", NULL};
        const char *errmsg = NULL;
        ck_assert_str_eq(resolve("mysql", "host=h,pass=x", env, &errmsg), "host=h,pass=x");
        ck_assert_ptr_null(errmsg);
    }
}
END_TEST

/* libpq takes quoted values, so pgsql keeps accepting them. */
START_TEST(pgsql_accepts_separators)
{
    static const char *const env[] = {"DB_HOST", "a b",  "DB_NAME",     "x,y",  "DB_USER", "u v,",
                                      "DB_PORT", "5433", "DB_PASSWORD", "p, q", NULL};
    const char *errmsg = NULL;

    ck_assert_str_eq(resolve("pgsql", NULL, env, &errmsg),
                     "host='a b' port='5433' dbname='x,y' user='u v,' password='p, q'");
    ck_assert_ptr_null(errmsg);
}
END_TEST

TCase *tcase_store_dbparams(void)
{
    TCase *tc = cc_test_tcase("store/dbparams");

    tcase_add_test(tc, explicit_params_win);
    tcase_add_test(tc, sqlite_default_path);
    tcase_add_test(tc, pgsql_defaults);
    tcase_add_test(tc, pgsql_from_environment);
    tcase_add_test(tc, pgsql_quotes_values);
    tcase_add_test(tc, mysql_defaults);
    tcase_add_test(tc, other_server_drivers);
    tcase_add_test(tc, unknown_driver);
    tcase_add_test(tc, port_must_be_a_number);
    tcase_add_test(tc, redact_sslpassword);
    tcase_add_test(tc, process_environment);
    tcase_add_test(tc, redact_passwords);
    tcase_add_test(tc, redact_what_resolve_builds);
    tcase_add_test(tc, redact_styles);
    tcase_add_test(tc, redact_leaves_the_rest);
    tcase_add_test(tc, unquoted_drivers_refuse_separators);
    tcase_add_test(tc, pgsql_accepts_separators);
    return tc;
}
