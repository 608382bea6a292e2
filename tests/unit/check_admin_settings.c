/* admin/settings.c: settings listed and set. */
#include "admin_fixture.h"

#include "admin/settings.h"

START_TEST(list_and_put)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL, *items = NULL;

    ck_assert_int_eq(cc_admin_setting_put(db, cc_test_pool, "b.key",
                                          admin_fixture_json(cc_test_pool, "{\"value\":\"1\"}"),
                                          &out, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(admin_fixture_str(out, "value"), "1");
    ck_assert_int_eq(cc_admin_setting_put(db, cc_test_pool, "b.key",
                                          admin_fixture_json(cc_test_pool, "{\"value\":\"2\"}"),
                                          &out, &err),
                     APR_SUCCESS);
    ck_assert_int_ne(cc_admin_setting_put(db, cc_test_pool, "bad key",
                                          admin_fixture_json(cc_test_pool, "{\"value\":\"2\"}"),
                                          &out, &err),
                     APR_SUCCESS);
    ck_assert_int_ne(cc_admin_setting_put(db, cc_test_pool, "k",
                                          admin_fixture_json(cc_test_pool, "{\"v\":\"2\"}"), &out,
                                          &err),
                     APR_SUCCESS);
    ck_assert_str_eq(err.field, "value");
    ck_assert_int_eq(cc_admin_settings_list(db, cc_test_pool, &out, &err), APR_SUCCESS);
    json_object_object_get_ex(out, "items", &items);
    ck_assert_int_ge((int)json_object_array_length(items), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting",
                                   "skey = 'b.key' AND svalue = '2'"),
                     1);
}
END_TEST

TCase *tcase_admin_settings(void)
{
    TCase *tc = cc_test_tcase("admin/settings");

    tcase_add_test(tc, list_and_put);
    return tc;
}
