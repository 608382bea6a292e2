/* admin/tasks.c: new tasks are pending; only pending ones cancel. */
#include "admin_fixture.h"

#include "admin/tasks.h"
#include "tasks/schedule.h"

START_TEST(create_and_cancel)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL;
    long id = 0, other = 0;

    ck_assert_int_eq(
        cc_admin_task_create(db, cc_test_pool,
                             admin_fixture_json(cc_test_pool, "{\"type\":4,\"info\":{\"a\":1}}"),
                             500, &id, &err),
        APR_SUCCESS);
    ck_assert_int_eq(cc_entity_get(db, cc_test_pool, &cc_kind_task, 0, id, NULL, &out, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(out, "status"), CC_TASK_PENDING);
    ck_assert_str_eq(admin_fixture_str(out, "info"), "{\"a\":1}");
    ck_assert_int_ne(cc_admin_task_create(db, cc_test_pool,
                                          admin_fixture_json(cc_test_pool, "{\"type\":-1}"), 500,
                                          &other, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(err.field, "type");
    ck_assert_int_eq(cc_admin_task_cancel(db, cc_test_pool, id, 600, &err), APR_SUCCESS);
    ck_assert_int_ne(cc_admin_task_cancel(db, cc_test_pool, id, 600, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 409);
    ck_assert_int_ne(cc_admin_task_cancel(db, cc_test_pool, id + 1, 600, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
}
END_TEST

TCase *tcase_admin_tasks(void)
{
    TCase *tc = cc_test_tcase("admin/tasks");

    tcase_add_test(tc, create_and_cancel);
    return tc;
}
