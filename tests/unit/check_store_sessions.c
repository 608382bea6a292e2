/* store/sessions: the session repository (create, load, compare-and-swap
 * save, keep-alive, idle expiry, log) and the running-session count. */
#include "check_concerto.h"

#include "store/sessions.h"

#include <apr_strings.h>
#include <string.h>

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

START_TEST(create_and_load)
{
    cc_db *db = sessions_db();
    cc_session *s = NULL, *again = NULL, *other = NULL;

    ck_assert_int_eq(
        cc_session_create(db, cc_test_pool, 1, "{\"a\":1}", "10.0.0.1", "agent", "{}", NOW, &s),
        APR_SUCCESS);
    ck_assert_int_eq((int)strlen(s->hash), 40);
    ck_assert_int_eq((int)strspn(s->hash, "0123456789abcdef"), 40);
    ck_assert_int_eq(s->status, CC_SESSION_RUNNING);
    ck_assert_int_eq(s->version, 0);
    ck_assert_int_eq((int)s->test_id, 1);
    ck_assert_str_eq(s->params, "{\"a\":1}");
    ck_assert_str_eq(s->client_ip, "10.0.0.1");
    ck_assert_ptr_null(s->last_submit_id);
    ck_assert_int_eq((int)(s->created - NOW), 0);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, s->hash, &again), APR_SUCCESS);
    ck_assert_int_eq((int)again->id, (int)s->id);
    ck_assert_int_eq(cc_session_create(db, cc_test_pool, 1, NULL, NULL, NULL, NULL, NOW, &other),
                     APR_SUCCESS);
    ck_assert_str_ne(other->hash, s->hash);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, "0000", &again), APR_NOTFOUND);
    ck_assert_int_eq(count(db, NOW, 300), 2);
}
END_TEST

/* Two writers read version 0; only the first save lands, the second is
 * told to reload, and the stored row is the first writer's. */
START_TEST(save_is_compare_and_swap)
{
    cc_db *db = sessions_db();
    cc_session *s = NULL, *a = NULL, *b = NULL, *stored = NULL;
    int swapped = -1;

    ck_assert_int_eq(cc_session_create(db, cc_test_pool, 1, NULL, NULL, NULL, "{}", NOW, &s),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, s->hash, &a), APR_SUCCESS);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, s->hash, &b), APR_SUCCESS);
    a->state = "{\"page\":1}";
    a->last_submit_id = "submit-1";
    a->last_response = "{\"code\":0}";
    a->time_limit = 30;
    ck_assert_int_eq(cc_session_save(db, cc_test_pool, a, NOW + 5, &swapped), APR_SUCCESS);
    ck_assert_int_eq(swapped, 1);
    ck_assert_int_eq(a->version, 1);
    b->state = "{\"page\":99}";
    ck_assert_int_eq(cc_session_save(db, cc_test_pool, b, NOW + 6, &swapped), APR_SUCCESS);
    ck_assert_int_eq(swapped, 0);
    ck_assert_int_eq(b->version, 0);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, s->hash, &stored), APR_SUCCESS);
    ck_assert_str_eq(stored->state, "{\"page\":1}");
    ck_assert_str_eq(stored->last_submit_id, "submit-1");
    ck_assert_str_eq(stored->last_response, "{\"code\":0}");
    ck_assert_int_eq(stored->time_limit, 30);
    ck_assert_int_eq(stored->version, 1);
    ck_assert_int_eq((int)(stored->updated - NOW), 5);
    /* The loser reloads and saves on top of the winner. */
    stored->status = CC_SESSION_FINALIZED;
    ck_assert_int_eq(cc_session_save(db, cc_test_pool, stored, NOW + 7, &swapped), APR_SUCCESS);
    ck_assert_int_eq(swapped, 1);
    ck_assert_int_eq(count(db, NOW + 7, 300), 0);
}
END_TEST

START_TEST(touch_and_expire)
{
    cc_db *db = sessions_db();
    cc_session *fresh = NULL, *idle = NULL, *stored = NULL;
    int expired = -1, swapped = -1;

    ck_assert_int_eq(cc_session_create(db, cc_test_pool, 1, NULL, NULL, NULL, NULL, NOW, &fresh),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_session_create(db, cc_test_pool, 1, NULL, NULL, NULL, NULL, NOW, &idle),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_session_touch(db, cc_test_pool, fresh->hash, NOW + 3000), APR_SUCCESS);
    ck_assert_int_eq(cc_session_touch(db, cc_test_pool, "nope", NOW), APR_NOTFOUND);
    ck_assert_int_eq(cc_session_expire_idle(db, cc_test_pool, NOW + 3600, 1000, &expired),
                     APR_SUCCESS);
    ck_assert_int_eq(expired, 1);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, idle->hash, &stored), APR_SUCCESS);
    ck_assert_int_eq(stored->status, CC_SESSION_STOPPED);
    /* Expiry bumps the version: a writer holding the old row loses. */
    ck_assert_int_eq(cc_session_save(db, cc_test_pool, idle, NOW + 3601, &swapped), APR_SUCCESS);
    ck_assert_int_eq(swapped, 0);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, fresh->hash, &stored), APR_SUCCESS);
    ck_assert_int_eq(stored->status, CC_SESSION_RUNNING);
    ck_assert_int_eq(stored->version, 0);
}
END_TEST

START_TEST(log_entries)
{
    cc_db *db = sessions_db();
    cc_session *s = NULL;

    ck_assert_int_eq(cc_session_create(db, cc_test_pool, 1, NULL, "::1", "ua", NULL, NOW, &s),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_session_log_add(db, cc_test_pool, s, CC_SESSION_LOG_SYSTEM,
                                        "time limit reached", NOW + 1),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session_log",
                                   "type = 2 AND message = 'time limit reached' AND ip = '::1'"),
                     1);
}
END_TEST

START_TEST(claim_then_save)
{
    cc_db *db = sessions_db();
    cc_session *s = NULL, *other = NULL;
    int claimed = -1, swapped = -1;

    ck_assert_int_eq(cc_session_create(db, cc_test_pool, 1, NULL, NULL, NULL, NULL, NOW, &s),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, s->hash, &other), APR_SUCCESS);
    ck_assert_int_eq(cc_session_claim(db, cc_test_pool, s, NOW, NOW + 40, &claimed), APR_SUCCESS);
    ck_assert_int_eq(claimed, 1);
    ck_assert_int_eq(s->version, 1);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT busy_until FROM test_session"),
                     "1800000040");
    /* A second claim, on the old version or on the new one while the
     * first holds, fails. */
    ck_assert_int_eq(cc_session_claim(db, cc_test_pool, other, NOW, NOW + 40, &claimed),
                     APR_SUCCESS);
    ck_assert_int_eq(claimed, 0);
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, s->hash, &other), APR_SUCCESS);
    ck_assert_int_eq(cc_session_claim(db, cc_test_pool, other, NOW + 39, NOW + 80, &claimed),
                     APR_SUCCESS);
    ck_assert_int_eq(claimed, 0);
    /* The save on the claimed version releases it. */
    ck_assert_int_eq(cc_session_save(db, cc_test_pool, s, NOW + 1, &swapped), APR_SUCCESS);
    ck_assert_int_eq(swapped, 1);
    ck_assert_ptr_null(cc_test_value(db, cc_test_pool, "SELECT busy_until FROM test_session"));
    ck_assert_int_eq(cc_session_claim(db, cc_test_pool, s, NOW + 2, NOW + 42, &claimed),
                     APR_SUCCESS);
    ck_assert_int_eq(claimed, 1);
    /* A claim left by a process that died expires. */
    ck_assert_int_eq(cc_session_load(db, cc_test_pool, s->hash, &other), APR_SUCCESS);
    ck_assert_int_eq(cc_session_claim(db, cc_test_pool, other, NOW + 43, NOW + 83, &claimed),
                     APR_SUCCESS);
    ck_assert_int_eq(claimed, 1);
}
END_TEST

TCase *tcase_store_sessions(void)
{
    TCase *tc = cc_test_tcase("store/sessions");

    tcase_add_test(tc, empty_is_zero);
    tcase_add_test(tc, counts_running_recent_only);
    tcase_add_test(tc, without_schema_fails);
    tcase_add_test(tc, create_and_load);
    tcase_add_test(tc, save_is_compare_and_swap);
    tcase_add_test(tc, touch_and_expire);
    tcase_add_test(tc, log_entries);
    tcase_add_test(tc, claim_then_save);
    return tc;
}
