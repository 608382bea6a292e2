/* tasks/cleanup: which sessions go (old and ended, or abandoned), with
 * their log and files; orphan directories; responses stay. */
#include "check_concerto.h"

#include "store/sessions.h"
#include "tasks/cleanup.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_time.h>

#define DAY 86400L

static void add_session(cc_db *db, const char *hash, int status, long updated)
{
    const char *args[] = {hash, apr_itoa(cc_test_pool, status), apr_ltoa(cc_test_pool, updated),
                          NULL};
    apr_status_t rv = cc_db_query(db, cc_test_pool, NULL,
                                  "INSERT INTO test_session (hash, test_id, status, updated, "
                                  "created) VALUES (%s, 1, %s, %s, 0)",
                                  3, args);

    ck_assert_msg(rv == APR_SUCCESS, "%s", db->last_error);
    cc_test_exec(db, apr_psprintf(cc_test_pool,
                                  "INSERT INTO test_session_log (session_id, test_id, type, "
                                  "message, created) SELECT id, 1, 2, 'm', 0 FROM test_session "
                                  "WHERE hash = '%s'",
                                  hash));
}

static const char *add_dir(const char *data_dir, const char *hash, long mtime)
{
    const char *dir = apr_pstrcat(cc_test_pool, data_dir, "/files/sessions/", hash, NULL);
    const char *file = apr_pstrcat(cc_test_pool, dir, "/upload.txt", NULL);
    apr_file_t *f = NULL;

    ck_assert_int_eq(apr_dir_make_recursive(dir, APR_OS_DEFAULT, cc_test_pool), APR_SUCCESS);
    ck_assert_int_eq(
        apr_file_open(&f, file, APR_FOPEN_WRITE | APR_FOPEN_CREATE, APR_OS_DEFAULT, cc_test_pool),
        APR_SUCCESS);
    apr_file_close(f);
    ck_assert_int_eq(apr_file_mtime_set(dir, apr_time_from_sec(mtime), cc_test_pool), APR_SUCCESS);
    return dir;
}

static int exists(const char *path)
{
    apr_finfo_t info;

    return apr_stat(&info, path, APR_FINFO_TYPE, cc_test_pool) == APR_SUCCESS;
}

START_TEST(removes_old_ended_and_abandoned_sessions)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *data_dir = cc_test_tmpdir(cc_test_pool);
    long now = (long)apr_time_sec(apr_time_now());
    cc_cleanup_result result;
    const char *old_done, *recent_done, *orphan_old, *orphan_new, *running_dir;

    cc_test_exec(db, "INSERT INTO test (id, name, slug, created, updated) "
                     "VALUES (1, 't', 't', 0, 0)");
    add_session(db, "aaaa01", CC_SESSION_FINALIZED, now - 8 * DAY);
    add_session(db, "aaaa02", CC_SESSION_STOPPED, now - 8 * DAY);
    add_session(db, "aaaa03", CC_SESSION_RUNNING, now - 8 * DAY); /* abandoned */
    add_session(db, "bbbb01", CC_SESSION_FINALIZED, now - 6 * DAY);
    add_session(db, "bbbb02", CC_SESSION_RUNNING, now - 100);
    cc_test_exec(db, "CREATE TABLE demo_responses (session_id VARCHAR(64))");
    cc_test_exec(db, "INSERT INTO demo_responses VALUES ('1')");
    old_done = add_dir(data_dir, "aaaa01", now - 8 * DAY);
    recent_done = add_dir(data_dir, "bbbb01", now - 6 * DAY);
    running_dir = add_dir(data_dir, "bbbb02", now - 100);
    orphan_old = add_dir(data_dir, "cccc01", now - 9 * DAY);
    orphan_new = add_dir(data_dir, "cccc02", now - DAY);

    ck_assert_int_eq(cc_sessions_clear(db, cc_test_pool, data_dir, now, 7 * DAY, 3900, &result),
                     APR_SUCCESS);
    ck_assert_int_eq(result.sessions, 3);
    ck_assert_int_eq(result.directories, 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", NULL), 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "hash LIKE 'aaaa%'"), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session_log", NULL), 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "demo_responses", NULL), 1);
    ck_assert(!exists(old_done));
    ck_assert(!exists(orphan_old));
    ck_assert(exists(recent_done));
    ck_assert(exists(running_dir));
    ck_assert(exists(orphan_new));

    /* Again: nothing left to do. */
    ck_assert_int_eq(cc_sessions_clear(db, cc_test_pool, data_dir, now, 7 * DAY, 3900, &result),
                     APR_SUCCESS);
    ck_assert_int_eq(result.sessions + result.directories, 0);
}
END_TEST

START_TEST(age_zero_keeps_running_sessions_within_idle_limit)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *data_dir = cc_test_tmpdir(cc_test_pool);
    long now = (long)apr_time_sec(apr_time_now());
    cc_cleanup_result result;

    cc_test_exec(db, "INSERT INTO test (id, name, slug, created, updated) "
                     "VALUES (1, 't', 't', 0, 0)");
    add_session(db, "dd01", CC_SESSION_RUNNING, now - 3000);
    add_session(db, "dd02", CC_SESSION_RUNNING, now - 4000);
    add_session(db, "dd03", CC_SESSION_FINALIZED, now - 10);
    ck_assert_int_eq(cc_sessions_clear(db, cc_test_pool, data_dir, now, 0, 3900, &result),
                     APR_SUCCESS);
    ck_assert_int_eq(result.sessions, 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "hash = 'dd01'"), 1);
}
END_TEST

START_TEST(odd_directory_names_are_left_alone)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *data_dir = cc_test_tmpdir(cc_test_pool);
    long now = (long)apr_time_sec(apr_time_now());
    cc_cleanup_result result;
    const char *odd = add_dir(data_dir, "not-a-hash", now - 30 * DAY);

    ck_assert_int_eq(cc_sessions_clear(db, cc_test_pool, data_dir, now, DAY, 3900, &result),
                     APR_SUCCESS);
    ck_assert_int_eq(result.directories, 0);
    ck_assert(exists(odd));
}
END_TEST

TCase *tcase_tasks_cleanup(void)
{
    TCase *tc = cc_test_tcase("tasks/cleanup");

    tcase_add_test(tc, removes_old_ended_and_abandoned_sessions);
    tcase_add_test(tc, age_zero_keeps_running_sessions_within_idle_limit);
    tcase_add_test(tc, odd_directory_names_are_left_alone);
    return tc;
}
