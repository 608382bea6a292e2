/* tasks/lock: one holder at a time, expiry, release by the holder only. */
#include "check_concerto.h"

#include "tasks/lock.h"

#include <string.h>

#define NOW 1800000000L

static int claim(cc_db *db, const char *name, const char *holder, long now, const char **other)
{
    int claimed = -1;
    apr_status_t rv = cc_task_lock_claim(db, cc_test_pool, name, holder, now, 60, &claimed, other);

    ck_assert_msg(rv == APR_SUCCESS, "%s", db->last_error);
    return claimed;
}

START_TEST(second_holder_is_refused_until_release)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *other = NULL;

    ck_assert_int_eq(claim(db, "schedule_tick", "server-a", NOW, NULL), 1);
    ck_assert_int_eq(claim(db, "schedule_tick", "server-b", NOW + 1, &other), 0);
    ck_assert_str_eq(other, "server-a");
    /* Other locks are independent. */
    ck_assert_int_eq(claim(db, "sessions_log", "server-b", NOW + 1, NULL), 1);
    /* Only the holder releases. */
    ck_assert_int_eq(cc_task_lock_release(db, cc_test_pool, "schedule_tick", "server-b"),
                     APR_SUCCESS);
    ck_assert_int_eq(claim(db, "schedule_tick", "server-b", NOW + 2, NULL), 0);
    ck_assert_int_eq(cc_task_lock_release(db, cc_test_pool, "schedule_tick", "server-a"),
                     APR_SUCCESS);
    ck_assert_int_eq(claim(db, "schedule_tick", "server-b", NOW + 3, NULL), 1);
}
END_TEST

START_TEST(expired_claim_can_be_taken)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    ck_assert_int_eq(claim(db, "sessions_clear", "crashed", NOW, NULL), 1);
    ck_assert_int_eq(claim(db, "sessions_clear", "next", NOW + 59, NULL), 0);
    ck_assert_int_eq(claim(db, "sessions_clear", "next", NOW + 60, NULL), 1);
}
END_TEST

START_TEST(unknown_name_gets_a_row)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    ck_assert_int_eq(claim(db, "new_job", "server-a", NOW, NULL), 1);
    ck_assert_int_eq(claim(db, "new_job", "server-b", NOW, NULL), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "task_lock", "name = 'new_job'"), 1);
}
END_TEST

START_TEST(holder_names_differ)
{
    const char *a = cc_task_lock_holder_name(cc_test_pool);
    const char *b = cc_task_lock_holder_name(cc_test_pool);

    ck_assert_ptr_nonnull(strchr(a, ':'));
    ck_assert_str_ne(a, b);
}
END_TEST

TCase *tcase_tasks_lock(void)
{
    TCase *tc = cc_test_tcase("tasks/lock");

    tcase_add_test(tc, second_holder_is_refused_until_release);
    tcase_add_test(tc, expired_claim_can_be_taken);
    tcase_add_test(tc, unknown_name_gets_a_row);
    tcase_add_test(tc, holder_names_differ);
    return tc;
}
