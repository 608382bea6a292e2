/* admin/sessions.c: lists by access, one session with responses and log,
 * responses.csv, counts and the dashboard. */
#include "admin_fixture.h"

#include "admin/sessions.h"
#include "admin/tests.h"
#include "store/datatable.h"

#include <apr_file_info.h>
#include <apr_file_io.h>

static long setup_sessions(cc_db *db, long *sid)
{
    static const cc_dt_column cols[] = {{"item_id", CC_DT_BIGINT, 0, 0, 1, NULL},
                                        {"session_id", CC_DT_STRING, 64, 0, 1, NULL},
                                        {"theta", CC_DT_FLOAT, 0, 0, 1, NULL},
                                        {"note", CC_DT_TEXT, 0, 0, 1, NULL}};
    cc_admin_error err = {0, NULL, NULL};
    const char *errmsg = NULL;
    long tid = 0;

    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "resp", NULL, cols, 4, NULL, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(
        cc_admin_test_create(db, cc_test_pool,
                             admin_fixture_json(cc_test_pool,
                                                "{\"name\":\"cat\",\"type\":3,\"settings\":"
                                                "\"{\\\"responseBank\\\":{\\\"table\\\":"
                                                "\\\"resp\\\"}}\"}"),
                             &admin_fixture_alice, 1000, &tid, &err),
        APR_SUCCESS);
    cc_test_exec(db,
                 apr_psprintf(cc_test_pool,
                              "INSERT INTO test_session (hash, test_id, status, error, created, "
                              "updated) VALUES ('h1', %ld, 3, 'boom', 90000, 90000)",
                              tid));
    cc_test_exec(db, apr_psprintf(cc_test_pool,
                                  "INSERT INTO test_session (hash, test_id, status, created, "
                                  "updated) VALUES ('h2', %ld, 0, 10, 95000)",
                                  tid));
    *sid = cc_admin_number(
        cc_test_value(db, cc_test_pool, "SELECT id FROM test_session WHERE hash = 'h1'"));
    cc_test_exec(db, apr_psprintf(cc_test_pool,
                                  "INSERT INTO resp (item_id, session_id, theta, note) VALUES "
                                  "(7, 'i%ld', 0.5, 'a,\"b\"'), (8, 'i999', 1, NULL)",
                                  *sid));
    cc_test_exec(db, apr_psprintf(cc_test_pool,
                                  "INSERT INTO test_session_log (session_id, type, message, "
                                  "created) VALUES (%ld, 1, 'R error', 90000)",
                                  *sid));
    return tid;
}

START_TEST(list_get_and_csv)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL, *list = NULL;
    const char *csv = NULL, *filename = NULL;
    cc_list_query lq;
    long sid = 0, tid = setup_sessions(db, &sid);

    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "status=3", &lq, &err), APR_SUCCESS);
    ck_assert_int_eq(
        cc_admin_sessions_list(db, cc_test_pool, &lq, &admin_fixture_alice, &out, &err),
        APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(out, "total"), 1);
    ck_assert_int_eq(cc_admin_sessions_list(db, cc_test_pool, &lq, &admin_fixture_bob, &out, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(out, "total"), 0);
    ck_assert_int_eq(cc_list_query_parse(cc_test_pool, "status=9", &lq, &err), APR_SUCCESS);
    ck_assert_int_ne(
        cc_admin_sessions_list(db, cc_test_pool, &lq, &admin_fixture_alice, &out, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 400);
    ck_assert_int_eq(cc_admin_session_get(db, cc_test_pool, sid, &admin_fixture_alice, &out, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(admin_fixture_str(out, "test_name"), "cat");
    json_object_object_get_ex(out, "responses", &list);
    ck_assert_int_eq((int)json_object_array_length(list), 1);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(list, 0), "theta"), "0.5");
    json_object_object_get_ex(out, "log", &list);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(list, 0), "message"), "R error");
    ck_assert_int_ne(cc_admin_session_get(db, cc_test_pool, sid, &admin_fixture_bob, &out, &err),
                     APR_SUCCESS);
    ck_assert_int_eq(err.status, 403);
    ck_assert_int_eq(cc_admin_test_responses_csv(db, cc_test_pool, tid, &admin_fixture_alice, &csv,
                                                 &filename, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(
        csv, apr_psprintf(cc_test_pool,
                          "id,item_id,session_id,theta,note\n1,7,i%ld,0.5,\"a,\"\"b\"\"\"\n", sid));
    ck_assert_str_eq(filename, "cat-responses.csv");
}
END_TEST

/* R code writes the plain session id, here into a bigint column (on
 * PostgreSQL "i<id>" would not even be comparable with it). */
START_TEST(responses_with_plain_session_ids)
{
    static const cc_dt_column cols[] = {{"session_id", CC_DT_BIGINT, 0, 0, 1, NULL},
                                        {"theta", CC_DT_FLOAT, 0, 0, 1, NULL}};
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL, *list = NULL;
    const char *csv = NULL, *filename = NULL, *errmsg = NULL;
    long tid = 0, sid;

    ck_assert_int_eq(cc_datatable_create(db, cc_test_pool, "rresp", NULL, cols, 2, NULL, &errmsg),
                     APR_SUCCESS);
    ck_assert_int_eq(
        cc_admin_test_create(db, cc_test_pool,
                             admin_fixture_json(cc_test_pool,
                                                "{\"name\":\"rcat\",\"type\":0,\"settings\":"
                                                "\"{\\\"responseBank\\\":{\\\"table\\\":"
                                                "\\\"rresp\\\"}}\"}"),
                             &admin_fixture_alice, 1000, &tid, &err),
        APR_SUCCESS);
    cc_test_exec(db, apr_psprintf(cc_test_pool,
                                  "INSERT INTO test_session (hash, test_id, status, created, "
                                  "updated) VALUES ('r1', %ld, 2, 10, 20)",
                                  tid));
    sid = cc_admin_number(
        cc_test_value(db, cc_test_pool, "SELECT id FROM test_session WHERE hash = 'r1'"));
    cc_test_exec(db, apr_psprintf(cc_test_pool,
                                  "INSERT INTO rresp (session_id, theta) VALUES (%ld, 0.25), "
                                  "(%ld, 0.75), (%ld, 9)",
                                  sid, sid, sid + 100));
    ck_assert_int_eq(cc_admin_session_get(db, cc_test_pool, sid, &admin_fixture_alice, &out, &err),
                     APR_SUCCESS);
    json_object_object_get_ex(out, "responses", &list);
    ck_assert_int_eq((int)json_object_array_length(list), 2);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(list, 1), "theta"), "0.75");
    ck_assert_int_eq(cc_admin_test_responses_csv(db, cc_test_pool, tid, &admin_fixture_alice, &csv,
                                                 &filename, &err),
                     APR_SUCCESS);
    ck_assert_str_eq(
        csv, apr_psprintf(cc_test_pool, "id,session_id,theta\n1,%ld,0.25\n2,%ld,0.75\n", sid, sid));
}
END_TEST

START_TEST(counts_and_dashboard)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    cc_admin_error err = {0, NULL, NULL};
    json_object *out = NULL, *list = NULL;
    long sid = 0;

    setup_sessions(db, &sid);
    cc_test_exec(db, "INSERT INTO test_session_count (session_count, created) VALUES (3, 100), "
                     "(5, 200)");
    ck_assert_int_eq(cc_admin_session_counts(db, cc_test_pool, 150, &out, &err), APR_SUCCESS);
    json_object_object_get_ex(out, "items", &list);
    ck_assert_int_eq((int)json_object_array_length(list), 1);
    ck_assert_int_eq(admin_fixture_int(json_object_array_get_idx(list, 0), "count"), 5);
    /* now = 95100: one running session updated 100 s ago; both created
     * "today" (day 1 of 1970) except the one at 10. */
    ck_assert_int_eq(
        cc_admin_dashboard(db, cc_test_pool, 95100, 300, &admin_fixture_alice, &out, &err),
        APR_SUCCESS);
    ck_assert_int_eq(admin_fixture_int(out, "active_sessions"), 1);
    ck_assert_int_eq(admin_fixture_int(out, "sessions_today"), 1);
    json_object_object_get_ex(out, "recent_errors", &list);
    ck_assert_int_eq((int)json_object_array_length(list), 1);
    ck_assert_str_eq(admin_fixture_str(json_object_array_get_idx(list, 0), "error"), "boom");
    ck_assert_int_eq(
        cc_admin_dashboard(db, cc_test_pool, 95100, 300, &admin_fixture_bob, &out, &err),
        APR_SUCCESS);
    json_object_object_get_ex(out, "recent_errors", &list);
    ck_assert_int_eq((int)json_object_array_length(list), 0);
}
END_TEST

START_TEST(delete_by_super_admin_only)
{
    cc_db *db = admin_fixture_db(cc_test_pool);
    const char *dir = cc_test_tmpdir(cc_test_pool);
    const char *files = apr_pstrcat(cc_test_pool, dir, "/files/sessions/ab12", NULL);
    cc_admin_error err = {0, NULL, NULL};
    apr_finfo_t fi;
    long sid = 0;

    setup_sessions(db, &sid);
    cc_test_exec(db, "UPDATE test_session SET hash = 'ab12' WHERE hash = 'h1'");
    ck_assert_int_eq(apr_dir_make_recursive(files, APR_FPROT_OS_DEFAULT, cc_test_pool),
                     APR_SUCCESS);
    ck_assert_int_ne(
        cc_admin_test_session_delete(db, cc_test_pool, sid, dir, &admin_fixture_bob, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 403);
    ck_assert_int_eq(
        cc_admin_test_session_delete(db, cc_test_pool, sid, dir, &admin_fixture_alice, &err),
        APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session_log", NULL), 0);
    ck_assert_int_ne(apr_stat(&fi, files, APR_FINFO_TYPE, cc_test_pool), APR_SUCCESS);
    ck_assert_int_ne(
        cc_admin_test_session_delete(db, cc_test_pool, sid, dir, &admin_fixture_alice, &err),
        APR_SUCCESS);
    ck_assert_int_eq(err.status, 404);
}
END_TEST

TCase *tcase_admin_sessions(void)
{
    TCase *tc = cc_test_tcase("admin/sessions");

    tcase_add_test(tc, list_get_and_csv);
    tcase_add_test(tc, responses_with_plain_session_ids);
    tcase_add_test(tc, counts_and_dashboard);
    tcase_add_test(tc, delete_by_super_admin_only);
    return tc;
}
