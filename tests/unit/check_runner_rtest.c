/* runner/rtest.c: R tests through the runner's requests, the parts that
 * need no R: finding a runnable R test, the refusals when R cannot run,
 * and the stored answers that resume and repeated submits give without
 * calling R. (R itself runs in the integration tests.) */
#include "check_concerto.h"

#include "runner/rtest.h"
#include "runner/service.h"
#include "runner/service_internal.h"
#include "store/secret.h"
#include "store/sessions.h"

#include <apr_strings.h>
#include <json.h>
#include <string.h>

#define NOW 1800000000L
#define STORED_PAGE                                                                                \
    "{\"code\":0,\"data\":{\"templateHtml\":\"<p>stored</p>\",\"templateCss\":\"\","               \
    "\"templateJs\":\"\",\"templateHead\":\"\",\"templateParams\":{},\"lastSubmitId\":\"s1\"},"    \
    "\"hash\":\"H\",\"token\":\"old\",\"timeLimit\":0}"

static cc_db *r_tests_db(void)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);

    ck_assert_int_eq(cc_db_exec(db, "INSERT INTO test (id, name, slug, type, visibility, code, "
                                    "created, updated) VALUES "
                                    "(901, 'code', 'code', 0, 0, 'x <- 1', 0, 0), "
                                    "(902, 'sub', 'sub', 0, 2, 'x <- 2', 0, 0), "
                                    "(903, 'flow', 'flow', 2, 1, NULL, 0, 0)"),
                     APR_SUCCESS);
    return db;
}

START_TEST(finds_runnable_r_tests)
{
    cc_db *db = r_tests_db();
    cc_run_result out;
    int type = -1;

    ck_assert_int_eq(cc_rtest_find(db, cc_test_pool, "code", 0, &type, &out), 1);
    ck_assert_int_eq(type, 0);
    ck_assert_int_eq(cc_rtest_find(db, cc_test_pool, "flow", 0, &type, &out), 1);
    ck_assert_int_eq(type, 2);
    /* A subtest runs inside another test, never by its address. */
    ck_assert_int_eq(cc_rtest_find(db, cc_test_pool, "sub", 0, &type, &out), 0);
    ck_assert_int_eq(out.http_status, 404);
    ck_assert_ptr_nonnull(strstr(out.message, "part of another test"));
    ck_assert_int_eq(cc_rtest_find(db, cc_test_pool, NULL, 902, &type, &out), 1);
    /* The native assessment is not an R test. */
    ck_assert_int_eq(cc_rtest_find(db, cc_test_pool, "demo-cat", 0, &type, &out), 0);
    ck_assert_int_eq(out.code, CC_RUN_TEST_NOT_FOUND);
    ck_assert_int_eq(cc_rtest_find(db, cc_test_pool, "nosuch", 0, &type, &out), 0);
    ck_assert_int_eq(out.http_status, 404);
}
END_TEST

START_TEST(r_off_is_a_clear_503)
{
    cc_db *db = r_tests_db();
    cc_run_result out;
    cc_run_r_options opts;

    /* No options given: as ConcertoR Off. */
    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "code", NULL, NULL, NOW, &out), APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 503);
    ck_assert_str_eq(out.message, "this server does not run R tests (ConcertoR Off)");
    memset(&opts, 0, sizeof(opts));
    opts.timeout_seconds = 30;
    cc_run_set_r_options(cc_test_pool, &opts);
    ck_assert_int_eq(cc_run_intro(db, cc_test_pool, "code", &out), APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 503);
    ck_assert_ptr_null(out.json);
    /* Nothing was stored; native tests and unknown slugs are as before. */
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT COUNT(*) FROM test_session"), "0");
    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "nosuch", NULL, NULL, NOW, &out), APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 404);
    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "demo-cat", NULL, NULL, NOW, &out),
                     APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 200);
}
END_TEST

/* A running session of the code test with a stored page, and its token. */
static cc_session *stored_session(cc_db *db, int status, const char *last_response,
                                  const char **token)
{
    cc_session *s = NULL;
    cc_token_key key;
    cc_run_result out;
    const char *errmsg = NULL;
    int swapped = 0;

    ck_assert_int_eq(
        cc_session_create(db, cc_test_pool, 901, "{}", NULL, NULL, "c3RhdGU=", NOW, &s),
        APR_SUCCESS);
    s->status = status;
    s->last_submit_id = "s1";
    s->last_response = last_response;
    ck_assert_int_eq(cc_session_save(db, cc_test_pool, s, NOW, &swapped), APR_SUCCESS);
    ck_assert_int_eq(swapped, 1);
    ck_assert_int_eq(cc_secret_token_key(db, cc_test_pool, &key, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_run_sign_token(cc_test_pool, &key, s->hash, NOW, token, &out), 1);
    return s;
}

static json_object *parsed(const cc_run_result *out)
{
    json_object *root;

    ck_assert_ptr_nonnull(out->json);
    root = json_tokener_parse(out->json);
    ck_assert_ptr_nonnull(root);
    return root;
}

START_TEST(stored_answers_need_no_r)
{
    cc_db *db = r_tests_db();
    const char *token = NULL;
    cc_session *s = stored_session(db, CC_SESSION_RUNNING, STORED_PAGE, &token);
    apr_table_t *values = apr_table_make(cc_test_pool, 2);
    cc_run_result out;
    json_object *root, *data;

    /* R is off here: these answers come from the session row. */
    ck_assert_int_eq(cc_run_resume(db, cc_test_pool, s->hash, token, NOW + 5, &out), APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 200);
    ck_assert_int_eq(out.code, CC_RUN_RESUME);
    root = parsed(&out);
    data = json_object_object_get(root, "data");
    ck_assert_str_eq(json_object_get_string(json_object_object_get(data, "templateHtml")),
                     "<p>stored</p>");
    ck_assert_str_ne(json_object_get_string(json_object_object_get(root, "token")), "old");
    json_object_put(root);
    apr_table_set(values, "answer", "1");
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, s->hash, token, values, "s1", NOW + 6, &out),
                     APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 200);
    ck_assert_int_eq(out.code, CC_RUN_VIEW);
    /* A new answer needs R. */
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, s->hash, token, values, "s2", NOW + 7, &out),
                     APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 503);
    ck_assert_ptr_nonnull(strstr(out.message, "ConcertoR Off"));
    /* Nothing changed: still version 1 and no claim. */
    ck_assert_str_eq(cc_test_value(db, cc_test_pool,
                                   "SELECT version || '/' || COALESCE(busy_until, 0) FROM "
                                   "test_session"),
                     "1/0");
}
END_TEST

START_TEST(ended_sessions)
{
    cc_db *db = r_tests_db();
    const char *token = NULL;
    const char *error_answer = "{\"code\":-1,\"data\":{\"message\":\"boom\"},\"hash\":\"H\","
                               "\"token\":null,\"timeLimit\":0}";
    cc_session *s = stored_session(db, CC_SESSION_ERROR, error_answer, &token);
    apr_table_t *values = apr_table_make(cc_test_pool, 1);
    cc_run_result out;
    json_object *root;

    /* A session in error shows its error again, without a token. */
    ck_assert_int_eq(cc_run_resume(db, cc_test_pool, s->hash, token, NOW + 5, &out), APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 200);
    ck_assert_int_eq(out.code, CC_RUN_ERROR);
    root = parsed(&out);
    ck_assert(json_object_is_type(json_object_object_get(root, "token"), json_type_null));
    json_object_put(root);
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, s->hash, token, values, "s9", NOW + 6, &out),
                     APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 409);
    ck_assert_int_eq(out.code, CC_RUN_SESSION_LOST);
    s = stored_session(db, CC_SESSION_STOPPED, STORED_PAGE, &token);
    ck_assert_int_eq(cc_run_resume(db, cc_test_pool, s->hash, token, NOW + 5, &out), APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 409);
}
END_TEST

TCase *tcase_runner_rtest(void)
{
    TCase *tc = cc_test_tcase("runner/rtest");

    tcase_add_test(tc, finds_runnable_r_tests);
    tcase_add_test(tc, r_off_is_a_clear_503);
    tcase_add_test(tc, stored_answers_need_no_r);
    tcase_add_test(tc, ended_sessions);
    return tc;
}
