/* tasks/session_count: a row only when the active count changed. */
#include "check_concerto.h"

#include "store/sessions.h"
#include "tasks/session_count.h"

#include <apr_strings.h>

#define NOW 1800000000L

static void add_running(cc_db *db, const char *hash, long updated)
{
    const char *args[] = {hash, apr_ltoa(cc_test_pool, updated), NULL};
    apr_status_t rv = cc_db_query(db, cc_test_pool, NULL,
                                  "INSERT INTO test_session (hash, test_id, status, updated, "
                                  "created) VALUES (%s, 1, 0, %s, 0)",
                                  2, args);

    ck_assert_msg(rv == APR_SUCCESS, "%s", db->last_error);
}

static int record(cc_db *db, long now, long expect_count, long expect_previous)
{
    long count = -5, previous = -5;
    int recorded = -1;
    apr_status_t rv =
        cc_session_count_record(db, cc_test_pool, now, 300, &count, &previous, &recorded);

    ck_assert_msg(rv == APR_SUCCESS, "%s", db->last_error);
    ck_assert_int_eq(count, expect_count);
    ck_assert_int_eq(previous, expect_previous);
    return recorded;
}

START_TEST(records_only_changes)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    cc_test_exec(db, "INSERT INTO test (id, name, slug, created, updated) "
                     "VALUES (1, 't', 't', 0, 0)");
    ck_assert_int_eq(record(db, NOW, 0, -1), 1);
    ck_assert_int_eq(record(db, NOW + 60, 0, 0), 0);
    add_running(db, "a", NOW + 100);
    add_running(db, "b", NOW + 100);
    add_running(db, "idle", NOW - 1000);
    ck_assert_int_eq(record(db, NOW + 120, 2, 0), 1);
    ck_assert_int_eq(record(db, NOW + 180, 2, 2), 0);
    /* Past the idle limit the two no longer count. */
    ck_assert_int_eq(record(db, NOW + 401, 0, 2), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session_count", NULL), 3);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session_count",
                                   "session_count = 2 AND created = 1800000120"),
                     1);
}
END_TEST

TCase *tcase_tasks_session_count(void)
{
    TCase *tc = cc_test_tcase("tasks/session_count");

    tcase_add_test(tc, records_only_changes);
    return tc;
}
