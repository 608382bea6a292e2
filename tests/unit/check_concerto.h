/* The unit tests of the core library: one TCase per source file, all run by
 * check_main.c in one suite. Shared helpers live in check_main.c. */
#ifndef CHECK_CONCERTO_H
#define CHECK_CONCERTO_H

#include <apr_pools.h>
#include <check.h>

#include "store/db.h"

/* One per source file, named after it ("core/config" -> tcase_core_config). */
TCase *tcase_core_config(void);
TCase *tcase_core_log(void);
TCase *tcase_core_random(void);
TCase *tcase_core_router(void);
TCase *tcase_core_body(void);
TCase *tcase_core_multipart(void);
TCase *tcase_core_token(void);
TCase *tcase_core_template(void);
TCase *tcase_core_page(void);
TCase *tcase_core_admin_page(void);
TCase *tcase_core_shared_pool(void);
TCase *tcase_core_json_pool(void);
TCase *tcase_core_files(void);
TCase *tcase_core_access(void);
TCase *tcase_core_digest(void);
TCase *tcase_core_totp(void);
TCase *tcase_store_dbparams(void);
TCase *tcase_store_db(void);
TCase *tcase_store_migrate(void);
TCase *tcase_store_users(void);
TCase *tcase_store_admin_sessions(void);
TCase *tcase_store_api_clients(void);
TCase *tcase_store_user_totp(void);
TCase *tcase_store_settings(void);
TCase *tcase_store_sessions(void);
TCase *tcase_store_setup(void);
TCase *tcase_store_dbpool(void);
TCase *tcase_store_secret(void);
TCase *tcase_store_datatable(void);
TCase *tcase_monitor_metrics(void);
TCase *tcase_monitor_health(void);
TCase *tcase_cat_bank(void);
TCase *tcase_cat_rng(void);
TCase *tcase_cat_model(void);
TCase *tcase_cat_estimate(void);
TCase *tcase_cat_select(void);
TCase *tcase_cat_simulate(void);
TCase *tcase_catapi_request(void);
TCase *tcase_runner_assessment(void);
TCase *tcase_store_starter(void);
TCase *tcase_store_starter_rtest(void);
TCase *tcase_runner_service(void);
TCase *tcase_runner_testload(void);
TCase *tcase_runner_upload(void);
TCase *tcase_runner_view(void);
TCase *tcase_runner_plot(void);
TCase *tcase_store_templates(void);
TCase *tcase_runner_exposure(void);
TCase *tcase_runner_cache(void);
TCase *tcase_rhost_rhost(void);
TCase *tcase_rhost_dbbridge(void);
TCase *tcase_runner_rtest(void);
TCase *tcase_tasks_lock(void);
TCase *tcase_tasks_cleanup(void);
TCase *tcase_tasks_session_count(void);
TCase *tcase_tasks_schedule(void);
TCase *tcase_content_format(void);
TCase *tcase_content_inserts(void);
TCase *tcase_content_ids(void);
TCase *tcase_content_members(void);
TCase *tcase_content_export(void);
TCase *tcase_content_plan(void);
TCase *tcase_content_apply(void);
TCase *tcase_content_files(void);
TCase *tcase_content_task(void);
TCase *tcase_admin_entity(void);
TCase *tcase_admin_tests(void);
TCase *tcase_admin_templates(void);
TCase *tcase_admin_tables(void);
TCase *tcase_admin_sessions(void);
TCase *tcase_admin_rest(void);
TCase *tcase_admin_data(void);
TCase *tcase_admin_users(void);
TCase *tcase_admin_wizards(void);
TCase *tcase_admin_settings(void);
TCase *tcase_admin_tasks(void);
TCase *tcase_admin_files(void);
TCase *tcase_admin_api_doc(void);
TCase *tcase_store_datatable_page(void);

/* The pool of the running test: created before and destroyed after each
 * test by the checked fixture every TCase installs. */
extern apr_pool_t *cc_test_pool;
void cc_test_pool_setup(void);
void cc_test_pool_teardown(void);

/* A new TCase with the pool fixture and a timeout that leaves room for
 * bcrypt and a sanitizer build. */
TCase *cc_test_tcase(const char *name);

/* A fresh directory under $TMPDIR (or /tmp), removed with everything in it
 * when pool is destroyed. */
const char *cc_test_tmpdir(apr_pool_t *pool);

/* A new SQLite database in a fresh temporary directory, closed with pool.
 * Fails the test when it cannot be opened. */
cc_db *cc_test_db(apr_pool_t *pool);
/* The same, with every migration applied. */
cc_db *cc_test_db_migrated(apr_pool_t *pool);
/* The same, set up (admin, secret) and with the starter content loaded
 * (conf/starter) at time now. */
cc_db *cc_test_db_starter(apr_pool_t *pool, long now);

/* R started in this process (once; in fork mode in each test's child). */
void cc_test_need_r(void);

/* The first value of a query without parameters (NULL for none or NULL);
 * fails the test when the statement fails. */
const char *cc_test_value(cc_db *db, apr_pool_t *pool, const char *sql);
/* COUNT(*) of a table, or of rows matching a WHERE clause (may be NULL). */
long cc_test_count(cc_db *db, apr_pool_t *pool, const char *table, const char *where);
/* A statement without result that must succeed. */
void cc_test_exec(cc_db *db, const char *sql);

#endif
