/* admin/rest.c: splitting paths, areas, and dispatching requests. */
#include "admin_fixture.h"

#include "admin/rest.h"

static cc_rest_request request(const char *method, const char *path, const char *body)
{
    cc_rest_request req;

    memset(&req, 0, sizeof(req));
    ck_assert(cc_rest_split(cc_test_pool, path, &req));
    req.method = method;
    req.body = body;
    req.len = body ? strlen(body) : 0;
    req.actor = &admin_fixture_alice;
    req.now = 1000;
    return req;
}

START_TEST(split_and_areas)
{
    cc_rest_request req;

    memset(&req, 0, sizeof(req));
    ck_assert(cc_rest_split(cc_test_pool, "tests/1/nodes/2/ports/3", &req));
    ck_assert_int_eq(req.nsegs, 6);
    ck_assert_str_eq(req.segs[5], "3");
    ck_assert(!cc_rest_split(cc_test_pool, "a/b/c/d/e/f/g", &req));
    ck_assert(!cc_rest_split(cc_test_pool, "a//b", &req));
    ck_assert(!cc_rest_split(cc_test_pool, "a/", &req));
    ck_assert(!cc_rest_split(cc_test_pool, "", &req));
    ck_assert_int_eq(cc_rest_area("tests"), CC_AREA_TEST);
    ck_assert_int_eq(cc_rest_area("templates"), CC_AREA_TEMPLATE);
    ck_assert_int_eq(cc_rest_area("tables"), CC_AREA_TABLE);
    ck_assert_int_eq(cc_rest_area("sessions"), CC_AREA_TEST);
    ck_assert_int_eq(cc_rest_area("login"), CC_AREA_UNKNOWN);
}
END_TEST

START_TEST(dispatch)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    cc_rest_answer answer;
    cc_rest_request req = request("POST", "tests", "{\"name\":\"t\",\"type\":2}");
    long id;

    ck_assert_int_eq(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(answer.status, 201);
    id = admin_fixture_int(answer.json, "id");
    req = request("GET", apr_psprintf(cc_test_pool, "tests/%ld/nodes", id), NULL);
    ck_assert_int_eq(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(answer.json, "total"), 2);
    req = request("PATCH", apr_psprintf(cc_test_pool, "tests/%ld", id), NULL);
    ck_assert_int_ne(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 405);
    req = request("GET", apr_psprintf(cc_test_pool, "tests/%ld/nothing", id), NULL);
    ck_assert_int_ne(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
    req = request("PUT", apr_psprintf(cc_test_pool, "tests/%ld", id), "{");
    ck_assert_int_ne(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 400);
    req = request("GET", apr_psprintf(cc_test_pool, "tests/%ld/responses.csv", id), NULL);
    ck_assert_int_eq(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_str_eq(answer.text, "id\n");
    ck_assert_ptr_nonnull(strstr(answer.content_type, "text/csv"));
    req = request("DELETE", apr_psprintf(cc_test_pool, "tests/%ld", id), NULL);
    ck_assert_int_eq(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(answer.status, 204);
    req = request("POST", "tables",
                  "{\"name\":\"tb\",\"columns\":[{\"name\":\"a\",\"type\":"
                  "\"integer\"}]}");
    ck_assert_int_eq(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    id = admin_fixture_int(answer.json, "id");
    req = request("POST", apr_psprintf(cc_test_pool, "tables/%ld/csv", id), "a\n1\n2\n");
    req.query = "mode=replace";
    ck_assert_int_eq(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(answer.json, "imported"), 2);
    req = request("POST", apr_psprintf(cc_test_pool, "tables/%ld/csv", id), "a\n1\n");
    req.query = "mode=merge";
    ck_assert_int_ne(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_str_eq(err.field, "mode");
    req = request("GET", "nosuch", NULL);
    ck_assert_int_ne(cc_rest_handle(db, cc_test_pool, &req, &answer, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
}
END_TEST

START_TEST(csv_from_multipart)
{
    cc_rest_request req;
    cc_admin_error err = {0, NULL, NULL};
    const char *csv = NULL;
    apr_size_t len = 0;
    const char *body =
        "--XY\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.csv\"\r\n"
        "Content-Type: text/csv\r\n\r\na,b\n1,2\n\r\n--XY--\r\n";

    memset(&req, 0, sizeof(req));
    req.body = body;
    req.len = strlen(body);
    req.content_type = "multipart/form-data; boundary=XY";
    ck_assert_int_eq(cc_rest_csv_body(cc_test_pool, &req, &csv, &len, &err), APR_SUCCESS);
    ck_assert_int_eq((int)len, 8);
    ck_assert(!strncmp(csv, "a,b\n1,2\n", len));
    req.content_type = "text/csv";
    req.len = 0;
    ck_assert_int_ne(cc_rest_csv_body(cc_test_pool, &req, &csv, &len, &err), APR_SUCCESS);
    ck_assert_int_eq(err.status, 422);
}
END_TEST

TCase *tcase_admin_rest(void)
{
    TCase *tc = cc_test_tcase("admin/rest");

    tcase_add_test(tc, split_and_areas);
    tcase_add_test(tc, dispatch);
    tcase_add_test(tc, csv_from_multipart);
    return tc;
}
