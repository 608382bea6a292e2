/* admin/data.c: /api/data's filters, inserts, updates and deletes. */
#include "admin_fixture.h"

#include "admin/data.h"
#include "store/datatable.h"

static cc_rest_request data_request(const char *method, const char *path, const char *query,
                                    const char *body, const cc_admin_actor *actor)
{
    cc_rest_request req;

    memset(&req, 0, sizeof(req));
    ck_assert(cc_rest_split(cc_test_pool, path, &req));
    req.method = method;
    req.query = query;
    req.body = body;
    req.len = body ? strlen(body) : 0;
    req.actor = actor;
    return req;
}

START_TEST(filters_and_writes)
{
    static const cc_dt_column cols[] = {{"w", CC_DT_STRING, 16, 0, 1, NULL},
                                        {"n", CC_DT_INTEGER, 0, 0, 1, NULL}};
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    cc_rest_answer answer;
    cc_rest_request req;
    const char *errmsg = NULL;

    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "d", NULL, cols, 2, NULL, &errmsg),
                     APR_SUCCESS);
    cc_test_exec(db, "UPDATE data_table SET owner_id = 1");
    cc_test_exec(db, "INSERT INTO d (w, n) VALUES ('a', 1), ('b', 2), ('c', 3)");
    req = data_request("GET", "d", "n>=2&n!=3&access_token=x", NULL, &admin_fixture_alice);
    ck_assert_int_eq(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq((int)json_object_array_length(answer.json), 1);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(answer.json, 0), "w"), "b");
    req = data_request("GET", "d", "n<=1", NULL, &admin_fixture_alice);
    ck_assert_int_eq(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq((int)json_object_array_length(answer.json), 1);
    req = data_request("GET", "d", "x=1", NULL, &admin_fixture_alice);
    ck_assert_int_ne(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 400);
    req = data_request("GET", "d", NULL, NULL, &admin_fixture_bob);
    ck_assert_int_ne(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 403);
    req = data_request("PUT", "d", NULL, "{\"w\":\"z\",\"n\":9}", &admin_fixture_alice);
    ck_assert_int_eq(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(answer.status, 201);
    ck_assert_int_eq(admin_fixture_int(answer.json, "id"), 4);
    req = data_request("POST", "d", NULL, "{\"nope\":1}", &admin_fixture_alice);
    ck_assert_int_ne(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 400);
    req = data_request("POST", "d/4", NULL, "{\"n\":10}", &admin_fixture_alice);
    ck_assert_int_eq(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_str_eq(admin_fixture_str(answer.json, "n"), "10");
    req = data_request("DELETE", "1/4", NULL, NULL, &admin_fixture_alice);
    ck_assert_int_eq(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(answer.status, 204);
    req = data_request("GET", "d/4", NULL, NULL, &admin_fixture_alice);
    ck_assert_int_ne(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
    req = data_request("GET", "nosuch", NULL, NULL, &admin_fixture_alice);
    ck_assert_int_ne(cc_admin_data_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
}
END_TEST

TCase *tcase_admin_data(void)
{
    TCase *tc = cc_test_tcase("admin/data");

    tcase_add_test(tc, filters_and_writes);
    return tc;
}
