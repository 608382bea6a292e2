/* runner/upload: a participant's file stored in the session's folder. */
#include "check_concerto.h"

#include "runner/service.h"

#include <apr_file_io.h>
#include <apr_strings.h>
#include <json.h>
#include <string.h>

#define NOW 1800000000L

/* A session of number-attitude, which grants uploads here, or of demo-cat,
 * which does not. */
static const char *session_of(cc_db *db, const char *slug, const char **token)
{
    cc_run_result res;
    json_object *root;
    const char *hash;

    ck_assert_int_eq(cc_run_start(db, cc_test_pool, slug, NULL, NULL, NOW, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 200);
    root = json_tokener_parse(res.json);
    hash = apr_pstrdup(cc_test_pool, json_object_get_string(json_object_object_get(root, "hash")));
    *token =
        apr_pstrdup(cc_test_pool, json_object_get_string(json_object_object_get(root, "token")));
    json_object_put(root);
    return hash;
}

START_TEST(stored_under_a_safe_name)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    const char *dir = cc_test_tmpdir(cc_test_pool), *token, *hash, *other_token;
    cc_run_result out;
    apr_finfo_t info;
    char *stored;

    cc_test_exec(db, "UPDATE test SET settings = replace(settings, '\"order\":\"manual\"', "
                     "'\"order\":\"manual\",\"sessionFilesAccess\":true') "
                     "WHERE slug = 'number-attitude'");
    hash = session_of(db, "number-attitude", &token);
    ck_assert_int_eq(cc_run_upload(db, cc_test_pool, hash, token, "../../etc/my notes.txt", "hello",
                                   5, dir, NOW + 1, &out),
                     APR_SUCCESS);
    ck_assert_msg(out.http_status == 200, "%d %s", out.http_status, out.message);
    ck_assert_ptr_nonnull(strstr(out.json, "\"result\":0"));
    ck_assert_ptr_nonnull(strstr(out.json, "\"name\":\"my_notes.txt\""));
    stored = apr_pstrcat(cc_test_pool, dir, "/files/sessions/", hash, "/my_notes.txt", NULL);
    ck_assert_int_eq(apr_stat(&info, stored, APR_FINFO_SIZE, cc_test_pool), APR_SUCCESS);
    ck_assert_int_eq((int)info.size, 5);
    /* No file, a forged token, a test that does not grant uploads. */
    ck_assert_int_eq(
        cc_run_upload(db, cc_test_pool, hash, token, "a.txt", NULL, 0, dir, NOW + 2, &out),
        APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 400);
    ck_assert_ptr_nonnull(strstr(out.json, "\"result\":-1"));
    ck_assert_int_eq(
        cc_run_upload(db, cc_test_pool, hash, "forged", "a.txt", "x", 1, dir, NOW + 2, &out),
        APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 403);
    hash = session_of(db, "demo-cat", &other_token);
    ck_assert_int_eq(
        cc_run_upload(db, cc_test_pool, hash, other_token, "a.txt", "x", 1, dir, NOW + 2, &out),
        APR_SUCCESS);
    ck_assert_int_eq(out.http_status, 403);
}
END_TEST

TCase *tcase_runner_upload(void)
{
    TCase *tc = cc_test_tcase("runner/upload");

    tcase_add_test(tc, stored_under_a_safe_name);
    return tc;
}
