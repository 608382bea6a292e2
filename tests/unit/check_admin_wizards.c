/* admin/wizards.c: wizards, their steps and params. */
#include "admin_fixture.h"

#include "admin/tests.h"
#include "admin/wizards.h"

START_TEST(steps_and_params_bump_the_wizard)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL, *list = NULL;
    long test = 0, wizard = 0, step = 0, param = 0, var;

    ck_assert_int_eq(cc_admin_test_create(db, cc_test_pool,
                                          admin_fixture_json(cc_test_pool, "{\"name\":\"src\"}"),
                                          &admin_fixture_alice, 1000, &test, &err),
                     APR_SUCCESS);
    var = cc_admin_number(cc_test_value(db, cc_test_pool, "SELECT id FROM test_variable"));
    ck_assert_int_ne(
        cc_admin_wizard_create(db, cc_test_pool,
                               admin_fixture_json(cc_test_pool, apr_psprintf(cc_test_pool,
                                                                             "{\"name\":\"w\","
                                                                             "\"test_id\":%ld}",
                                                                             test)),
                               &admin_fixture_bob, 1000, &wizard, &err),
        APR_SUCCESS);
    ck_assert_str_eq(err.field, "test_id");
    ck_assert_int_eq(
        cc_admin_wizard_create(db, cc_test_pool,
                               admin_fixture_json(cc_test_pool, apr_psprintf(cc_test_pool,
                                                                             "{\"name\":\"w\","
                                                                             "\"test_id\":%ld}",
                                                                             test)),
                               &admin_fixture_alice, 1000, &wizard, &err),
        APR_SUCCESS);
    ck_assert_int_eq(cc_admin_wizard_child(db, cc_test_pool, &cc_kind_wizard_step, wizard, 0, &step,
                                           admin_fixture_json(cc_test_pool, "{\"title\":\"s\"}"),
                                           &admin_fixture_alice, 1001, &err),
                     APR_SUCCESS);
    ck_assert_int_ne(
        cc_admin_wizard_child(
            db, cc_test_pool, &cc_kind_wizard_param, wizard, 0, &param,
            admin_fixture_json(cc_test_pool, apr_psprintf(cc_test_pool,
                                                          "{\"step_id\":%ld,\"variable_id\":"
                                                          "%ld}",
                                                          step + 100, var)),
            &admin_fixture_alice, 1001, &err),
        APR_SUCCESS);
    ck_assert_str_eq(err.field, "step_id");
    ck_assert_int_eq(
        cc_admin_wizard_child(
            db, cc_test_pool, &cc_kind_wizard_param, wizard, 0, &param,
            admin_fixture_json(cc_test_pool, apr_psprintf(cc_test_pool,
                                                          "{\"step_id\":%ld,\"variable_id\":"
                                                          "%ld,\"value\":\"v\"}",
                                                          step, var)),
            &admin_fixture_alice, 1001, &err),
        APR_SUCCESS);
    ck_assert_int_eq(
        cc_admin_wizard_get(db, cc_test_pool, wizard, &admin_fixture_alice, &out, &err),
        APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(out, "revision"), 2);
    json_object_object_get_ex(out, "params", &list);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(list, 0), "value"), "v");
    ck_assert_int_eq(cc_admin_wizard_child(db, cc_test_pool, &cc_kind_wizard_step, wizard, 2, &step,
                                           NULL, &admin_fixture_alice, 1002, &err),
                     APR_SUCCESS);
    /* The step's params went with it. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_wizard_param", NULL), 0);
}
END_TEST

TCase *tcase_admin_wizards(void)
{
    TCase *tc = cc_test_tcase("admin/wizards");

    tcase_add_test(tc, steps_and_params_bump_the_wizard);
    return tc;
}
