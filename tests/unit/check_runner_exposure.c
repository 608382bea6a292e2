/* runner/exposure: per-item session counts of a response table, kept a
 * while per process. */
#include "check_concerto.h"

#include "runner/exposure.h"

#include <apr_strings.h>

#define NOW 1800000000L

static cc_datatable *responses_table(cc_db *db)
{
    cc_datatable *dt = NULL;
    const char *errmsg = NULL;

    ck_assert_int_eq(
        cc_datatable_create_preset(db, cc_test_pool, "answers", CC_DT_PRESET_RESPONSES, &errmsg),
        APR_SUCCESS);
    ck_assert_int_eq(cc_datatable_describe(db, cc_test_pool, "answers", &dt, &errmsg), APR_SUCCESS);
    return dt;
}

static void add_response(cc_db *db, const cc_datatable *dt, const char *item, const char *session)
{
    const char *names[] = {"item_id", "session_id", "response", "timeTaken", "skipped"};
    const char *values[] = {item, session, "1", "2", "0"};
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_datatable_insert(db, cc_test_pool, dt, 5, names, values, NULL, &errmsg),
                     APR_SUCCESS);
}

static long count_of(const cc_exposure_counts *c, long item)
{
    int k;

    for (k = 0; k < c->n; k++)
        if (c->item_ids[k] == item)
            return c->counts[k];
    return 0;
}

START_TEST(counts_distinct_sessions_and_keeps_them_a_while)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_datatable *dt = responses_table(db);
    cc_exposure_cache *cache = NULL;
    cc_exposure_counts c;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_exposure_cache_create(cc_test_pool, 30, &cache), APR_SUCCESS);
    ck_assert_int_eq(cc_exposure_counts_get(cache, db, cc_test_pool, dt, "item_id", "session_id",
                                            NOW, &c, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(c.sessions, 0);
    ck_assert_int_eq(c.n, 0);
    add_response(db, dt, "5", "i1");
    add_response(db, dt, "5", "i1"); /* one session answering twice counts once */
    add_response(db, dt, "5", "i2");
    add_response(db, dt, "6", "i2");
    /* within the refresh time the old counts stand */
    ck_assert_int_eq(cc_exposure_counts_get(cache, db, cc_test_pool, dt, "item_id", "session_id",
                                            NOW + 29, &c, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(c.sessions, 0);
    ck_assert_int_eq(cc_exposure_counts_get(cache, db, cc_test_pool, dt, "item_id", "session_id",
                                            NOW + 30, &c, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(c.sessions, 2);
    ck_assert_int_eq(c.n, 2);
    ck_assert_int_eq(count_of(&c, 5), 2);
    ck_assert_int_eq(count_of(&c, 6), 1);
    /* without a cache: always the table as it is */
    add_response(db, dt, "6", "i3");
    ck_assert_int_eq(cc_exposure_counts_get(NULL, db, cc_test_pool, dt, "item_id", "session_id",
                                            NOW + 31, &c, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(c.sessions, 3);
    ck_assert_int_eq(count_of(&c, 6), 2);
    /* a broken table: an error the first time, the held counts later */
    cc_test_exec(db, "DROP TABLE answers");
    ck_assert_int_ne(cc_exposure_counts_get(NULL, db, cc_test_pool, dt, "item_id", "session_id",
                                            NOW + 32, &c, &errmsg),
                     APR_SUCCESS);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_int_eq(cc_exposure_counts_get(cache, db, cc_test_pool, dt, "item_id", "session_id",
                                            NOW + 100, &c, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(c.sessions, 2);
    ck_assert_int_ne(cc_exposure_counts_get(cache, db, cc_test_pool, dt, "nope", "session_id",
                                            NOW + 100, &c, &errmsg),
                     APR_SUCCESS);
}
END_TEST

TCase *tcase_runner_exposure(void)
{
    TCase *tc = cc_test_tcase("runner/exposure");

    tcase_add_test(tc, counts_distinct_sessions_and_keeps_them_a_while);
    return tc;
}
