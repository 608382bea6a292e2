/* runner/testload: the test a runner request runs, read from the database
 * (no process cache here: built on every call). */
#include "check_concerto.h"

#include "runner/testload.h"

#include <string.h>

#define NOW 1800000000L

START_TEST(loads_by_slug_and_by_id)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_loaded_test t, again;
    cc_run_result out;

    memset(&out, 0, sizeof(out));
    ck_assert_int_eq(cc_load_test(db, cc_test_pool, "demo-cat", 0, &t, &out), 1);
    ck_assert_str_eq(t.slug, "demo-cat");
    ck_assert_int_eq(cc_assess_item_count(t.assessment), 169);
    ck_assert_ptr_nonnull(t.responses);
    ck_assert_ptr_nonnull(t.templates);
    ck_assert_str_eq(cc_member(t.settings, "scoringMethod"), "EAP");
    ck_assert_ptr_null(cc_member(t.settings, "itemNumLimit")); /* a number, not a string */
    ck_assert_int_eq(cc_load_test(db, cc_test_pool, NULL, t.id, &again, &out), 1);
    ck_assert_str_eq(again.slug, "demo-cat");
    ck_assert_int_eq(cc_column_of(t.responses, t.response_columns, "theta") >= 0, 1);
    ck_assert_int_eq(cc_column_of(t.responses, NULL, "no_such_column"), -1);
}
END_TEST

START_TEST(refusals_say_what_is_wrong)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_loaded_test t;
    cc_run_result out;

    memset(&out, 0, sizeof(out));
    ck_assert_int_eq(cc_load_test(db, cc_test_pool, "nosuch", 0, &t, &out), 0);
    ck_assert_int_eq(out.http_status, 404);
    ck_assert_int_eq(out.code, CC_RUN_TEST_NOT_FOUND);
    cc_test_exec(db, "UPDATE test SET settings = '{}' WHERE slug = 'number-attitude'");
    ck_assert_int_eq(cc_load_test(db, cc_test_pool, "number-attitude", 0, &t, &out), 0);
    ck_assert_int_eq(out.http_status, 500);
    ck_assert_str_eq(out.message, "the test's settings name no item bank table");
    cc_test_exec(db, "UPDATE test SET settings = 'not json' WHERE slug = 'number-attitude'");
    ck_assert_int_eq(cc_load_test(db, cc_test_pool, "number-attitude", 0, &t, &out), 0);
    ck_assert_ptr_nonnull(strstr(out.message, "not valid JSON"));
}
END_TEST

TCase *tcase_runner_testload(void)
{
    TCase *tc = cc_test_tcase("runner/testload");

    tcase_add_test(tc, loads_by_slug_and_by_id);
    tcase_add_test(tc, refusals_say_what_is_wrong);
    return tc;
}
