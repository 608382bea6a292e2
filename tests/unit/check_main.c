/* The one runner of the unit tests, and the helpers they share. */
#include "check_concerto.h"

#include "rhost/rhost.h"

#include "core/files.h"
#include "store/migrate.h"
#include "store/setup.h"
#include "store/starter.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_general.h>
#include <apr_strings.h>
#include <stdlib.h>

apr_pool_t *cc_test_pool;

void cc_test_pool_setup(void)
{
    ck_assert_int_eq(apr_pool_create(&cc_test_pool, NULL), APR_SUCCESS);
}

void cc_test_pool_teardown(void)
{
    apr_pool_destroy(cc_test_pool);
    cc_test_pool = NULL;
}

TCase *cc_test_tcase(const char *name)
{
    TCase *tc = tcase_create(name);

    tcase_add_checked_fixture(tc, cc_test_pool_setup, cc_test_pool_teardown);
    tcase_set_timeout(tc, 60);
    return tc;
}

static apr_status_t tmpdir_cleanup(void *data)
{
    apr_pool_t *scratch;

    /* The pool that owned the name is on its way out: use a fresh one. */
    if (apr_pool_create(&scratch, NULL) == APR_SUCCESS) {
        cc_remove_tree(scratch, data);
        apr_pool_destroy(scratch);
    }
    free(data);
    return APR_SUCCESS;
}

const char *cc_test_tmpdir(apr_pool_t *pool)
{
    const char *base = getenv("TMPDIR");
    char *path;

    if (base == NULL || *base == '\0')
        base = "/tmp";
    path = malloc(strlen(base) + sizeof("/concerto-unit-XXXXXX"));
    ck_assert_ptr_nonnull(path);
    strcpy(path, base);
    strcat(path, "/concerto-unit-XXXXXX");
    ck_assert_msg(mkdtemp(path) != NULL, "mkdtemp under %s failed", base);
    apr_pool_cleanup_register(pool, path, tmpdir_cleanup, apr_pool_cleanup_null);
    return path;
}

cc_db *cc_test_db(apr_pool_t *pool)
{
    const char *path = apr_pstrcat(pool, cc_test_tmpdir(pool), "/concerto.db", NULL);
    const char *errmsg = NULL;
    cc_db *db = NULL;
    apr_status_t rv = cc_db_open(pool, "sqlite3", path, &db, &errmsg);

    ck_assert_msg(rv == APR_SUCCESS, "cannot open %s: %s", path, errmsg ? errmsg : "?");
    ck_assert_ptr_nonnull(db);
    return db;
}

/* Lives until apr_terminate at exit, which removes R's temp dir. */
static apr_pool_t *r_pool;
static const char *r_temp_base;

void cc_test_need_r(void)
{
    const char *errmsg = NULL;
    apr_status_t rv;

    if (r_pool == NULL) {
        ck_assert_int_eq(apr_pool_create(&r_pool, NULL), APR_SUCCESS);
        r_temp_base = apr_pstrcat(r_pool, cc_test_tmpdir(r_pool), "/r", NULL);
    }
    rv = cc_rhost_init(r_pool, r_temp_base, 0, &errmsg);
    ck_assert_msg(rv == APR_SUCCESS, "R init: %s", errmsg ? errmsg : "?");
    ck_assert(cc_rhost_ready());
}

cc_db *cc_test_db_migrated(apr_pool_t *pool)
{
    cc_db *db = cc_test_db(pool);
    int applied = 0;
    apr_status_t rv = cc_schema_migrate(db, pool, &applied);

    ck_assert_msg(rv == APR_SUCCESS, "migrate failed: %s", db->last_error);
    ck_assert_int_ge(applied, 1);
    return db;
}

cc_db *cc_test_db_starter(apr_pool_t *pool, long now)
{
    cc_db *db = cc_test_db_migrated(pool);
    cc_setup_result setup;
    cc_starter_report report;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_setup_run(db, pool, "pw-for-tests", &setup), APR_SUCCESS);
    ck_assert_msg(cc_starter_load(db, pool, "conf/starter", now, &report, &errmsg) == APR_SUCCESS,
                  "%s", errmsg);
    return db;
}

const char *cc_test_value(cc_db *db, apr_pool_t *pool, const char *sql)
{
    const char *value = NULL;
    apr_status_t rv = cc_db_select_value(db, pool, &value, sql, 0, NULL);

    ck_assert_msg(rv == APR_SUCCESS, "%s: %s", sql, db->last_error);
    return value;
}

long cc_test_count(cc_db *db, apr_pool_t *pool, const char *table, const char *where)
{
    const char *sql = apr_pstrcat(pool, "SELECT COUNT(*) FROM ", table, where ? " WHERE " : "",
                                  where ? where : "", NULL);
    const char *value = cc_test_value(db, pool, sql);

    ck_assert_ptr_nonnull(value);
    return strtol(value, NULL, 10);
}

void cc_test_exec(cc_db *db, const char *sql)
{
    apr_status_t rv = cc_db_exec(db, sql);

    ck_assert_msg(rv == APR_SUCCESS, "%s: %s", sql, db->last_error);
}

int main(void)
{
    Suite *suite;
    SRunner *runner;
    int failed;

    if (apr_initialize() != APR_SUCCESS)
        return EXIT_FAILURE;
    /* Also in every forked test: pools are torn down at exit, so a pool
     * bug shows up in the test that caused it. */
    atexit(apr_terminate);

    suite = suite_create("concerto");
    suite_add_tcase(suite, tcase_core_config());
    suite_add_tcase(suite, tcase_core_log());
    suite_add_tcase(suite, tcase_core_random());
    suite_add_tcase(suite, tcase_core_router());
    suite_add_tcase(suite, tcase_core_page());
    suite_add_tcase(suite, tcase_core_admin_page());
    suite_add_tcase(suite, tcase_core_shared_pool());
    suite_add_tcase(suite, tcase_core_json_pool());
    suite_add_tcase(suite, tcase_core_files());
    suite_add_tcase(suite, tcase_core_access());
    suite_add_tcase(suite, tcase_core_digest());
    suite_add_tcase(suite, tcase_core_totp());
    suite_add_tcase(suite, tcase_core_body());
    suite_add_tcase(suite, tcase_core_multipart());
    suite_add_tcase(suite, tcase_core_token());
    suite_add_tcase(suite, tcase_core_template());
    suite_add_tcase(suite, tcase_store_dbparams());
    suite_add_tcase(suite, tcase_store_db());
    suite_add_tcase(suite, tcase_store_migrate());
    suite_add_tcase(suite, tcase_store_users());
    suite_add_tcase(suite, tcase_store_admin_sessions());
    suite_add_tcase(suite, tcase_store_api_clients());
    suite_add_tcase(suite, tcase_store_user_totp());
    suite_add_tcase(suite, tcase_store_settings());
    suite_add_tcase(suite, tcase_store_sessions());
    suite_add_tcase(suite, tcase_store_setup());
    suite_add_tcase(suite, tcase_store_dbpool());
    suite_add_tcase(suite, tcase_store_secret());
    suite_add_tcase(suite, tcase_store_datatable());
    suite_add_tcase(suite, tcase_monitor_metrics());
    suite_add_tcase(suite, tcase_monitor_health());
    suite_add_tcase(suite, tcase_cat_bank());
    suite_add_tcase(suite, tcase_cat_rng());
    suite_add_tcase(suite, tcase_cat_model());
    suite_add_tcase(suite, tcase_cat_estimate());
    suite_add_tcase(suite, tcase_cat_select());
    suite_add_tcase(suite, tcase_cat_simulate());
    suite_add_tcase(suite, tcase_catapi_request());
    suite_add_tcase(suite, tcase_runner_assessment());
    suite_add_tcase(suite, tcase_store_starter());
    suite_add_tcase(suite, tcase_store_starter_rtest());
    suite_add_tcase(suite, tcase_runner_service());
    suite_add_tcase(suite, tcase_runner_testload());
    suite_add_tcase(suite, tcase_runner_upload());
    suite_add_tcase(suite, tcase_runner_view());
    suite_add_tcase(suite, tcase_runner_plot());
    suite_add_tcase(suite, tcase_store_templates());
    suite_add_tcase(suite, tcase_runner_exposure());
    suite_add_tcase(suite, tcase_runner_cache());
    suite_add_tcase(suite, tcase_rhost_rhost());
    suite_add_tcase(suite, tcase_rhost_dbbridge());
    suite_add_tcase(suite, tcase_runner_rtest());
    suite_add_tcase(suite, tcase_tasks_lock());
    suite_add_tcase(suite, tcase_tasks_cleanup());
    suite_add_tcase(suite, tcase_tasks_session_count());
    suite_add_tcase(suite, tcase_tasks_schedule());
    suite_add_tcase(suite, tcase_content_format());
    suite_add_tcase(suite, tcase_content_inserts());
    suite_add_tcase(suite, tcase_content_ids());
    suite_add_tcase(suite, tcase_content_members());
    suite_add_tcase(suite, tcase_content_export());
    suite_add_tcase(suite, tcase_content_plan());
    suite_add_tcase(suite, tcase_content_apply());
    suite_add_tcase(suite, tcase_content_files());
    suite_add_tcase(suite, tcase_content_task());
    suite_add_tcase(suite, tcase_admin_entity());
    suite_add_tcase(suite, tcase_admin_tests());
    suite_add_tcase(suite, tcase_admin_templates());
    suite_add_tcase(suite, tcase_admin_tables());
    suite_add_tcase(suite, tcase_admin_sessions());
    suite_add_tcase(suite, tcase_admin_rest());
    suite_add_tcase(suite, tcase_admin_data());
    suite_add_tcase(suite, tcase_admin_users());
    suite_add_tcase(suite, tcase_admin_wizards());
    suite_add_tcase(suite, tcase_admin_settings());
    suite_add_tcase(suite, tcase_admin_tasks());
    suite_add_tcase(suite, tcase_admin_files());
    suite_add_tcase(suite, tcase_admin_api_doc());
    suite_add_tcase(suite, tcase_store_datatable_page());

    runner = srunner_create(suite);
    srunner_run_all(runner, CK_NORMAL);
    failed = srunner_ntests_failed(runner);
    srunner_free(runner);
    return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
