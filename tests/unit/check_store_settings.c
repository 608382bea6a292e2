/* store/settings: key/value settings in administration_setting. */
#include "check_concerto.h"

#include "store/settings.h"

START_TEST(unset_is_null)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *value = "unchanged";

    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "missing", &value), APR_SUCCESS);
    ck_assert_ptr_null(value);
}
END_TEST

START_TEST(set_then_get)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *value = NULL;

    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "greeting", "hello 'world' 100%"),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "greeting", &value), APR_SUCCESS);
    ck_assert_str_eq(value, "hello 'world' 100%");
    /* Other keys stay unset; an empty value is a value. */
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "Greeting", &value), APR_SUCCESS);
    ck_assert_ptr_null(value);
    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "empty", ""), APR_SUCCESS);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "empty", &value), APR_SUCCESS);
    ck_assert_str_eq(value, "");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting", NULL), 2);
}
END_TEST

START_TEST(set_again_overwrites)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *value = NULL;

    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "k", "one"), APR_SUCCESS);
    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "other", "x"), APR_SUCCESS);
    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "k", "two"), APR_SUCCESS);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "k", &value), APR_SUCCESS);
    ck_assert_str_eq(value, "two");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting", "skey = 'k'"), 1);
    /* The same value again is no new row either. */
    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "k", "two"), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting", "skey = 'k'"), 1);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "other", &value), APR_SUCCESS);
    ck_assert_str_eq(value, "x");
}
END_TEST

START_TEST(without_schema_fails)
{
    cc_db *db = cc_test_db(cc_test_pool);
    const char *value = "unchanged";

    ck_assert_int_ne(cc_setting_get(db, cc_test_pool, "k", &value), APR_SUCCESS);
    ck_assert_ptr_null(value);
    ck_assert_int_ne(cc_setting_set(db, cc_test_pool, "k", "v"), APR_SUCCESS);
    ck_assert_ptr_nonnull(db->last_error);
}
END_TEST

/* Setting a key again updates its one row in place. */
START_TEST(set_twice_one_row)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    const char *id, *value = NULL;

    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "site", "same"), APR_SUCCESS);
    id = cc_test_value(db, cc_test_pool, "SELECT id FROM administration_setting");
    ck_assert_ptr_nonnull(id);
    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "site", "same"), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting", NULL), 1);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "site", &value), APR_SUCCESS);
    ck_assert_str_eq(value, "same");

    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "site", "changed"), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting", NULL), 1);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT id FROM administration_setting"), id);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "site", &value), APR_SUCCESS);
    ck_assert_str_eq(value, "changed");
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT svalue FROM administration_setting"),
                     "changed");
    /* And back, as often as asked. */
    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "site", "same"), APR_SUCCESS);
    ck_assert_int_eq(cc_setting_set(db, cc_test_pool, "site", "same"), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting", NULL), 1);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, "site", &value), APR_SUCCESS);
    ck_assert_str_eq(value, "same");
}
END_TEST

TCase *tcase_store_settings(void)
{
    TCase *tc = cc_test_tcase("store/settings");

    tcase_add_test(tc, unset_is_null);
    tcase_add_test(tc, set_then_get);
    tcase_add_test(tc, set_again_overwrites);
    tcase_add_test(tc, without_schema_fails);
    tcase_add_test(tc, set_twice_one_row);
    return tc;
}
