/* admin/users.c: accounts with roles and a password never read back. */
#include "admin_fixture.h"

#include "admin/users.h"
#include "store/users.h"

START_TEST(users_roles_and_passwords)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL, *roles = NULL;
    cc_list_query lq;
    long id = 0, other = 0;
    int valid = 0;

    ck_assert_int_eq(cc_admin_user_create(db, cc_test_pool,
                                          admin_fixture_json(cc_test_pool,
                                                             "{\"username\":\"carol\",\"password\":"
                                                             "\"long enough\",\"password_hash\":"
                                                             "\"x\",\"roles\":[\"ROLE_TEST\","
                                                             "\"ROLE_TEST\"]}"),
                                          &admin_fixture_alice, 1000, &id, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_user_check_password(db, cc_test_pool, "carol", "long enough", &valid),
                     APR_SUCCESS);
    ck_assert_int_eq(valid, 1);
    ck_assert_int_eq(cc_admin_user_get(db, cc_test_pool, id, &out, &err), APR_SUCCESS);
    ck_assert(!json_object_object_get_ex(out, "password_hash", NULL));
    json_object_object_get_ex(out, "roles", &roles);
    ck_assert_int_eq((int)json_object_array_length(roles), 1);
    ck_assert_int_ne(
        cc_admin_user_create(db, cc_test_pool,
                             admin_fixture_json(cc_test_pool, "{\"username\":\"dave\",\"password\":"
                                                              "\"short\"}"),
                             &admin_fixture_alice, 1000, &other, &err),
        APR_SUCCESS);
    ck_assert_str_eq(err.field, "password");
    ck_assert_int_ne(
        cc_admin_user_create(db, cc_test_pool,
                             admin_fixture_json(cc_test_pool, "{\"username\":\"dave\"}"),
                             &admin_fixture_alice, 1000, &other, &err),
        APR_SUCCESS);
    ck_assert_str_eq(err.field, "password");
    ck_assert_int_ne(
        cc_admin_user_update(db, cc_test_pool, id,
                             admin_fixture_json(cc_test_pool, "{\"roles\":[\"ROLE_NONE\"],"
                                                              "\"revision\":0}"),
                             &admin_fixture_alice, 1001, &err),
        APR_SUCCESS);
    ck_assert_str_eq(err.field, "roles");
    /* The refused update changed nothing (one transaction). */
    ck_assert_str_eq(cc_test_value(db, cc_test_pool,
                                   "SELECT revision FROM concerto_user WHERE username = 'carol'"),
                     "0");
    ck_assert_int_eq(
        cc_admin_user_update(db, cc_test_pool, id,
                             admin_fixture_json(cc_test_pool, "{\"roles\":[],\"email\":\"c@x\","
                                                              "\"revision\":0}"),
                             &admin_fixture_alice, 1001, &err),
        APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "user_role", NULL), 0);
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "sort=username&order=desc", &lq, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_admin_user_list(db, cc_test_pool, &lq, &out, &err), APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(out, "total"), 3);
    ck_assert_int_ne(cc_admin_user_delete(db, cc_test_pool, 1, &admin_fixture_alice, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_int_eq(cc_admin_user_delete(db, cc_test_pool, id, &admin_fixture_alice, &err),
                     APR_SUCCESS);
}
END_TEST

TCase *tcase_admin_users(void)
{
    TCase *tc = cc_test_tcase("admin/users");

    tcase_add_test(tc, users_roles_and_passwords);
    return tc;
}
