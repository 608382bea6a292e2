/* store/sessions: the running-session count behind session_count. */
#include "check_concerto.h"

#include "store/sessions.h"

#include <apr_strings.h>

#define NOW 1800000000L

static void add_session(cc_db *db, const char *hash, int status, long updated)
{
    const char *args[] = {hash, apr_itoa(cc_test_pool, status), apr_ltoa(cc_test_pool, updated),
                          apr_ltoa(cc_test_pool, updated - 60), NULL};
    apr_status_t rv = cc_db_query(db, cc_test_pool, NULL,
                                  "INSERT INTO test_session (hash, test_id, status, updated, "
                                  "created) VALUES (%s, 1, %s, %s, %s)",
                                  4, args);

    ck_assert_msg(rv == APR_SUCCESS, "%s", db->last_error);
}

static cc_db *sessions_db(void)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    cc_test_exec(db, "INSERT INTO test (id, name, slug, created, updated) "
                     "VALUES (1, 'flow', 'flow', 0, 0)");
    return db;
}

static long count(cc_db *db, long now, int idle)
{
    long n = -1;
    apr_status_t rv = cc_sessions_count_active(db, cc_test_pool, now, idle, &n);

    ck_assert_msg(rv == APR_SUCCESS, "%s", db->last_error);
    return n;
}

START_TEST(empty_is_zero)
{
    cc_db *db = sessions_db();

    ck_assert_int_eq(count(db, NOW, 300), 0);
}
END_TEST

START_TEST(counts_running_recent_only)
{
    cc_db *db = sessions_db();

    add_session(db, "running-now", CC_SESSION_RUNNING, NOW);
    add_session(db, "running-recent", CC_SESSION_RUNNING, NOW - 120);
    add_session(db, "running-edge", CC_SESSION_RUNNING, NOW - 300);
    add_session(db, "running-idle", CC_SESSION_RUNNING, NOW - 301);
    add_session(db, "running-old", CC_SESSION_RUNNING, NOW - 86400);
    add_session(db, "stopped", CC_SESSION_STOPPED, NOW);
    add_session(db, "finalized", CC_SESSION_FINALIZED, NOW - 10);
    add_session(db, "error", CC_SESSION_ERROR, NOW);
    add_session(db, "rejected", CC_SESSION_REJECTED, NOW);

    ck_assert_int_eq(count(db, NOW, 300), 3);
    ck_assert_int_eq(count(db, NOW, 301), 4);
    ck_assert_int_eq(count(db, NOW, 60), 1);
    ck_assert_int_eq(count(db, NOW, 86400), 5);
    /* The window moves with now. */
    ck_assert_int_eq(count(db, NOW + 3600, 300), 0);
}
END_TEST

START_TEST(without_schema_fails)
{
    cc_db *db = cc_test_db(cc_test_pool);
    long n = -1;

    ck_assert_int_ne(cc_sessions_count_active(db, cc_test_pool, NOW, 300, &n), APR_SUCCESS);
    ck_assert_int_eq(n, 0);
}
END_TEST

TCase *tcase_store_sessions(void)
{
    TCase *tc = cc_test_tcase("store/sessions");

    tcase_add_test(tc, empty_is_zero);
    tcase_add_test(tc, counts_running_recent_only);
    tcase_add_test(tc, without_schema_fails);
    return tc;
}
