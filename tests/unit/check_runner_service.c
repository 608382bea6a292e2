/* runner/service: sessions of native tests through the database, without
 * HTTP. */
#include "check_concerto.h"

#include "runner/cache.h"
#include "runner/service.h"
#include "store/revision.h"

#include <apr_strings.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

#define NOW 1800000000L

static json_object *parsed(const cc_run_result *res)
{
    json_object *root;

    ck_assert_ptr_nonnull(res->json);
    root = json_tokener_parse(res->json);
    ck_assert_ptr_nonnull(root);
    return root;
}

static const char *text_of(json_object *root, const char *key)
{
    return apr_pstrdup(cc_test_pool, json_object_get_string(json_object_object_get(root, key)));
}

static long first_item(json_object *root)
{
    json_object *params =
        json_object_object_get(json_object_object_get(root, "data"), "templateParams");
    return (long)json_object_get_int64(json_object_object_get(
        json_object_array_get_idx(json_object_object_get(params, "items"), 0), "id"));
}

START_TEST(session_to_the_end)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res, again;
    json_object *root;
    const char *hash, *token;
    int n = 0, code;

    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "demo-cat", "127.0.0.1", "ua", NOW, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 200);
    root = parsed(&res);
    hash = text_of(root, "hash");
    token = text_of(root, "token");
    code = json_object_get_int(json_object_object_get(root, "code"));
    ck_assert_int_eq(code, CC_RUN_VIEW);
    ck_assert_ptr_null(strstr(res.json, "scoreMap"));
    while (code == CC_RUN_VIEW) {
        apr_table_t *values = apr_table_make(cc_test_pool, 2);
        const char *submit = apr_psprintf(cc_test_pool, "s%d", n);
        apr_table_set(values, apr_psprintf(cc_test_pool, "r%ld", first_item(root)), "2");
        json_object_put(root);
        ck_assert_int_eq(
            cc_run_submit(db, cc_test_pool, hash, token, values, submit, NOW + 10 * (n + 1), &res),
            APR_SUCCESS);
        ck_assert_msg(res.http_status == 200, "%d %s", res.http_status, res.message);
        ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, values, submit,
                                       NOW + 10 * (n + 1) + 5, &again),
                         APR_SUCCESS);
        ck_assert_str_eq(again.json, res.json);
        root = parsed(&res);
        token = text_of(root, "token");
        code = json_object_get_int(json_object_object_get(root, "code"));
        ck_assert_int_le(++n, 25);
    }
    json_object_put(root);
    ck_assert_int_eq(code, CC_RUN_FINISHED);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "demo_cat_responses", NULL), n);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "status = 2"), 1);
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, apr_table_make(cc_test_pool, 1),
                                   "late", NOW + 999, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 409);
    ck_assert_int_eq(res.code, CC_RUN_SESSION_LOST);
}
END_TEST

START_TEST(refusals)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res;
    json_object *root;
    const char *hash, *token;
    apr_table_t *values = apr_table_make(cc_test_pool, 2);

    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "nosuch", NULL, NULL, NOW, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 404);
    ck_assert_int_eq(res.code, CC_RUN_TEST_NOT_FOUND);
    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "demo-cat", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    hash = text_of(root, "hash");
    token = text_of(root, "token");
    apr_table_set(values, apr_psprintf(cc_test_pool, "r%ld", first_item(root)), "nine");
    json_object_put(root);
    /* Forged, missing, expired and other sessions' tokens: 403. */
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, "x.y", values, NULL, NOW, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 403);
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, NULL, values, NULL, NOW, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 403);
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, values, NULL, NOW + 100000, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 403);
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, "0123456789abcdef0123456789abcdef01234567",
                                   token, values, NULL, NOW, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 403);
    /* A value that is not an option: 400, and nothing saved. */
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, values, "s1", NOW + 1, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 400);
    ck_assert_ptr_nonnull(strstr(res.message, "not one of the answers"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "demo_cat_responses", NULL), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "version = 0"), 1);
}
END_TEST

START_TEST(resume_keepalive_log_kill)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res, resumed;
    json_object *root;
    const char *hash, *token;

    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "number-attitude", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    hash = text_of(root, "hash");
    token = text_of(root, "token");
    json_object_put(root);
    /* Resume shows the same page under code 16. */
    ck_assert_int_eq(cc_run_resume(db, cc_test_pool, hash, token, NOW + 5, &resumed), APR_SUCCESS);
    ck_assert_int_eq(resumed.http_status, 200);
    ck_assert_int_eq(resumed.code, CC_RUN_RESUME);
    root = parsed(&resumed);
    ck_assert_int_eq(json_object_get_int(json_object_object_get(root, "code")), CC_RUN_RESUME);
    ck_assert_ptr_nonnull(strstr(resumed.json, "\"items\":[{\"id\":1,"));
    json_object_put(root);
    ck_assert_int_eq(cc_run_keepalive(db, cc_test_pool, hash, token, NOW + 100, &res), APR_SUCCESS);
    ck_assert_int_eq(res.code, CC_RUN_KEEPALIVE);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session",
                                   apr_psprintf(cc_test_pool, "updated = %ld", NOW + 100)),
                     1);
    ck_assert_int_eq(
        cc_run_log(db, cc_test_pool, hash, token, "TypeError: x is undefined", NOW + 101, &res),
        APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 200);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session_log", "type = 0"), 1);
    ck_assert_int_eq(cc_run_log(db, cc_test_pool, hash, token, "", NOW + 102, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 400);
    ck_assert_int_eq(cc_run_kill(db, cc_test_pool, hash, token, NOW + 103, &res), APR_SUCCESS);
    ck_assert_int_eq(res.code, CC_RUN_STOPPED);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "status = 1"), 1);
    ck_assert_int_eq(cc_run_resume(db, cc_test_pool, hash, token, NOW + 104, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 409);
    ck_assert_int_eq(cc_run_keepalive(db, cc_test_pool, hash, "forged", NOW, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 403);
}
END_TEST

/* Answers one page of number-attitude: every item on it gets value. */
static json_object *answer_page(cc_db *db, json_object *root, const char *value, const char *button,
                                long now, const char **token)
{
    json_object *items = json_object_object_get(
        json_object_object_get(json_object_object_get(root, "data"), "templateParams"), "items");
    apr_table_t *values = apr_table_make(cc_test_pool, 4);
    const char *hash = text_of(root, "hash");
    cc_run_result res;
    size_t k;

    for (k = 0; k < json_object_array_length(items); k++)
        apr_table_set(values,
                      apr_psprintf(cc_test_pool, "r%ld",
                                   (long)json_object_get_int64(json_object_object_get(
                                       json_object_array_get_idx(items, k), "id"))),
                      value);
    apr_table_set(values, "buttonPressed", button);
    json_object_put(root);
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, *token, values, NULL, now, &res),
                     APR_SUCCESS);
    ck_assert_msg(res.http_status == 200, "%d %s", res.http_status, res.message);
    root = parsed(&res);
    *token = text_of(root, "token");
    return root;
}

START_TEST(back_button_updates_the_response_rows)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res;
    json_object *root;
    const char *token, *created, *session;

    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "number-attitude", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    token = text_of(root, "token");
    root = answer_page(db, root, "2", "next", NOW + 10, &token);
    root = answer_page(db, root, "1", "next", NOW + 20, &token);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses", NULL), 6);
    session = cc_test_value(db, cc_test_pool, "SELECT session_id FROM number_attitude_responses");
    created = cc_test_value(db, cc_test_pool,
                            "SELECT createdTime FROM number_attitude_responses WHERE item_id = 1");
    /* Back from page 3 to page 2, then page 2 answered again: its three
     * rows change, none is added. */
    root = answer_page(db, root, "", "back", NOW + 30, &token);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses", NULL), 6);
    root = answer_page(db, root, "3", "next", NOW + 40, &token);
    json_object_put(root);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses", NULL), 6);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses",
                                   "response = '3' AND score IS NOT NULL AND \"updateTime\" > "
                                   "\"createdTime\""),
                     3);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses",
                                   "response = '2' AND \"updateTime\" = \"createdTime\""),
                     3);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses",
                                   apr_psprintf(cc_test_pool, "session_id = '%s'", session)),
                     6);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool,
                                   "SELECT createdTime FROM number_attitude_responses WHERE "
                                   "item_id = 1"),
                     created);
    /* Each item's theta is the one after its latest answer. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses",
                                   "theta IS NULL OR sem IS NULL"),
                     0);
}
END_TEST

/* An estimate that does not exist is NULL in the table and null in the
 * JSON: ML with nothing but skipped answers has no SEM. */
START_TEST(infinite_sem_is_stored_as_null)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res;
    json_object *root, *params;
    const char *token;

    cc_test_exec(db,
                 "UPDATE test SET settings = replace(replace(settings, '\"EAP\"', '\"ML\"'), "
                 "'\"testTimeLimit\":0', '\"testTimeLimit\":60') WHERE slug = 'number-attitude'");
    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "number-attitude", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    token = text_of(root, "token");
    {
        apr_table_t *values = apr_table_make(cc_test_pool, 2);
        /* The page's timer ran out with nothing answered (55 s of 60: the
         * server believes it within its grace). */
        apr_table_set(values, "isTimeout", "1");
        ck_assert_int_eq(cc_run_submit(db, cc_test_pool, text_of(root, "hash"), token, values, NULL,
                                       NOW + 55, &res),
                         APR_SUCCESS);
    }
    json_object_put(root);
    ck_assert_msg(res.http_status == 200, "%d %s", res.http_status, res.message);
    root = parsed(&res);
    params = json_object_object_get(json_object_object_get(root, "data"), "templateParams");
    ck_assert_int_eq(res.code, CC_RUN_FINISHED);
    ck_assert_ptr_null(json_object_object_get(params, "sem"));
    ck_assert_ptr_null(json_object_array_get_idx(json_object_object_get(params, "semHistory"), 0));
    json_object_put(root);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses", NULL), 3);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "number_attitude_responses",
                                   "skipped = 1 AND sem IS NULL AND score IS NULL"),
                     3);
}
END_TEST

START_TEST(idle_sessions_expire)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res;
    json_object *root;
    const char *hash, *token;
    int go_on = -1;

    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "demo-cat", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    hash = text_of(root, "hash");
    token = text_of(root, "token");
    json_object_put(root);
    ck_assert_int_eq(
        cc_run_expire_idle(db, cc_test_pool, hash, token, 1800, NOW + 1800, &go_on, &res),
        APR_SUCCESS);
    ck_assert_int_eq(go_on, 1);
    /* a keep-alive counts as use */
    ck_assert_int_eq(cc_run_keepalive(db, cc_test_pool, hash, token, NOW + 1700, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(
        cc_run_expire_idle(db, cc_test_pool, hash, token, 1800, NOW + 3400, &go_on, &res),
        APR_SUCCESS);
    ck_assert_int_eq(go_on, 1);
    /* a forged token is refused before anything else */
    ck_assert_int_eq(
        cc_run_expire_idle(db, cc_test_pool, hash, "forged", 1800, NOW + 9000, &go_on, &res),
        APR_SUCCESS);
    ck_assert_int_eq(go_on, 0);
    ck_assert_int_eq(res.http_status, 403);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "status = 0"), 1);
    ck_assert_int_eq(
        cc_run_expire_idle(db, cc_test_pool, hash, token, 1800, NOW + 3501, &go_on, &res),
        APR_SUCCESS);
    ck_assert_int_eq(go_on, 0);
    ck_assert_int_eq(res.http_status, 410);
    ck_assert_int_eq(res.code, CC_RUN_SESSION_LOST);
    ck_assert_ptr_nonnull(strstr(res.message, "30 minutes"));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "status = 1"), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session_log",
                                   "type = 2 AND message LIKE '%%idle for 1801 s%%'"),
                     1);
    /* once stopped, the usual refusal of an ended session follows */
    ck_assert_int_eq(
        cc_run_expire_idle(db, cc_test_pool, hash, token, 1800, NOW + 3600, &go_on, &res),
        APR_SUCCESS);
    ck_assert_int_eq(go_on, 1);
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, apr_table_make(cc_test_pool, 1),
                                   NULL, NOW + 3600, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 409);
}
END_TEST

static const char *data_text(json_object *root, const char *key)
{
    return text_of(json_object_object_get(root, "data"), key);
}

START_TEST(pages_rendered_on_the_server)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res, again;
    json_object *root;
    const char *hash, *token, *html;
    apr_table_t *values = apr_table_make(cc_test_pool, 2);
    long item;
    int n;

    /* The start page, before any session. */
    ck_assert_int_eq(cc_run_intro(db, cc_test_pool, "demo-cat", &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 200);
    root = parsed(&res);
    ck_assert_ptr_nonnull(strstr(data_text(root, "templateHtml"), "cc-start"));
    ck_assert_ptr_nonnull(strstr(data_text(root, "templateCss"), ".cc"));
    ck_assert_ptr_null(strstr(data_text(root, "templateHtml"), "{{"));
    ck_assert(json_object_object_get(root, "hash") == NULL);
    json_object_put(root);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", NULL), 0);
    ck_assert_int_eq(cc_run_intro(db, cc_test_pool, "nosuch", &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 404);

    /* An item page: the item's radio group, named as Concerto names it. */
    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "demo-cat", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    hash = text_of(root, "hash");
    token = text_of(root, "token");
    item = first_item(root);
    html = data_text(root, "templateHtml");
    ck_assert_ptr_nonnull(strstr(html, apr_psprintf(cc_test_pool, "name=\"r%ld\"", item)));
    ck_assert_ptr_nonnull(strstr(html, "Question 1 (at most 25)"));
    ck_assert_ptr_null(strstr(html, "checked"));
    json_object_put(root);

    /* No answer: the same page with the alert, nothing stored. */
    apr_table_set(values, "buttonPressed", "next");
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, values, "e1", NOW + 3, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 200);
    ck_assert_int_eq(res.code, CC_RUN_VIEW);
    root = parsed(&res);
    ck_assert_int_eq(first_item(root), item);
    ck_assert_ptr_nonnull(strstr(data_text(root, "templateHtml"), "Please choose an answer"));
    token = text_of(root, "token");
    json_object_put(root);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "test_session", "version = 0"), 1);

    /* Through to the results page, always the first option. */
    for (n = 0; n < 25 && res.code == CC_RUN_VIEW; n++) {
        root = parsed(&res);
        apr_table_set(values, apr_psprintf(cc_test_pool, "r%ld", first_item(root)), "1");
        token = text_of(root, "token");
        json_object_put(root);
        ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, values,
                                       apr_psprintf(cc_test_pool, "p%d", n), NOW + 10 + n, &res),
                         APR_SUCCESS);
        ck_assert_msg(res.http_status == 200, "%d %s", res.http_status, res.message);
    }
    ck_assert_int_eq(res.code, CC_RUN_FINISHED);
    root = parsed(&res);
    html = data_text(root, "templateHtml");
    ck_assert_ptr_nonnull(strstr(html, "cc-results"));
    ck_assert_ptr_nonnull(strstr(html, "<svg"));
    ck_assert_ptr_nonnull(strstr(html, "Results by area")); /* numeracy and vocabulary */
    json_object_put(root);
    /* The last answer repeated: the same results page again. */
    ck_assert_int_eq(cc_run_submit(db, cc_test_pool, hash, token, values,
                                   apr_psprintf(cc_test_pool, "p%d", n - 1), NOW + 99, &again),
                     APR_SUCCESS);
    ck_assert_int_eq(again.http_status, 200);
    ck_assert_str_eq(again.json, res.json);
}
END_TEST

/* The first page's items of a new session, on a request pool of its own
 * (gone before the cache is). */
static json_object *first_page(cc_db *db, const char *slug)
{
    apr_pool_t *request;
    cc_run_result res;
    json_object *root, *items;

    apr_pool_create(&request, cc_test_pool);
    ck_assert_int_eq(cc_run_start(db, request, slug, NULL, NULL, NOW, &res), APR_SUCCESS);
    ck_assert_msg(res.http_status == 200, "%d %s", res.http_status, res.message);
    root = parsed(&res);
    items = json_object_get(json_object_object_get(
        json_object_object_get(json_object_object_get(root, "data"), "templateParams"), "items"));
    json_object_put(root);
    apr_pool_destroy(request);
    return items;
}

static const char *first_question(cc_db *db, const char *slug)
{
    json_object *items = first_page(db, slug);
    const char *q =
        apr_pstrdup(cc_test_pool, json_object_get_string(json_object_object_get(
                                      json_object_array_get_idx(items, 0), "question")));

    json_object_put(items);
    return q;
}

static int first_page_size(cc_db *db, const char *slug)
{
    json_object *items = first_page(db, slug);
    int n = (int)json_object_array_length(items);

    json_object_put(items);
    return n;
}

START_TEST(cached_test_follows_revisions)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_test_cache *cache = NULL;
    const char *before;
    long test_id;

    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 4, &cache), APR_SUCCESS);
    cc_test_cache_set_process(cache);
    before = first_question(db, "number-attitude");
    ck_assert_int_eq(cc_test_cache_size(cache), 1);
    ck_assert_int_eq(first_page_size(db, "number-attitude"), 3);
    /* By hand, without a bump: the cached build goes on being used. */
    ck_assert_int_eq(cc_db_exec(db, "UPDATE number_attitude_items SET question = 'Changed' "
                                    "WHERE id = 1"),
                     APR_SUCCESS);
    ck_assert_str_eq(first_question(db, "number-attitude"), before);
    ck_assert_int_eq(cc_revision_bump_table(db, cc_test_pool, "number_attitude_items"),
                     APR_SUCCESS);
    ck_assert_str_eq(first_question(db, "number-attitude"), "Changed");
    /* The test's settings, likewise. */
    ck_assert_int_eq(cc_db_exec(db, "UPDATE test SET settings = REPLACE(settings, "
                                    "'\"itemsPerPage\":3', '\"itemsPerPage\":1') "
                                    "WHERE slug = 'number-attitude'"),
                     APR_SUCCESS);
    ck_assert_int_eq(first_page_size(db, "number-attitude"), 3);
    test_id = strtol(
        cc_test_value(db, cc_test_pool, "SELECT id FROM test WHERE slug = 'number-attitude'"), NULL,
        10);
    ck_assert_int_eq(cc_revision_bump_test(db, cc_test_pool, test_id), APR_SUCCESS);
    ck_assert_int_eq(first_page_size(db, "number-attitude"), 1);
    /* Another test beside it; only replaced builds are gone. */
    ck_assert_str_ne(first_question(db, "demo-cat"), "");
    ck_assert_int_eq(cc_test_cache_size(cache), 2);
    ck_assert_int_eq(cc_test_cache_pools(cache), 2);
    cc_test_cache_set_process(NULL);
}
END_TEST

static const char *intro_html(cc_db *db, int *status)
{
    apr_pool_t *request;
    cc_run_result res;
    const char *html = NULL;
    json_object *root;

    apr_pool_create(&request, cc_test_pool);
    ck_assert_int_eq(cc_run_intro(db, request, "demo-cat", &res), APR_SUCCESS);
    *status = res.http_status;
    if (res.http_status == 200) {
        root = parsed(&res);
        html = apr_pstrdup(cc_test_pool, data_text(root, "templateHtml"));
        json_object_put(root);
    }
    apr_pool_destroy(request);
    return html;
}

START_TEST(cached_test_follows_templates)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_test_cache *cache = NULL;
    const char *uncached, *html;
    int status = 0;

    uncached = intro_html(db, &status);
    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 4, &cache), APR_SUCCESS);
    cc_test_cache_set_process(cache);
    /* The cached templates render the same page. */
    ck_assert_str_eq(intro_html(db, &status), uncached);
    ck_assert_str_eq(intro_html(db, &status), uncached);
    /* An edit by hand is unseen until the template's revision is bumped. */
    ck_assert_int_eq(cc_db_exec(db, "UPDATE view_template SET html = '<p>edited</p>' "
                                    "WHERE name = 'cc-start'"),
                     APR_SUCCESS);
    ck_assert_str_eq(intro_html(db, &status), uncached);
    ck_assert_int_eq(cc_revision_bump_template(db, cc_test_pool, "cc-start"), APR_SUCCESS);
    ck_assert_str_eq(intro_html(db, &status), "<p>edited</p>");
    /* Deleted, then made again (with revision 0 again): both are seen
     * without a bump. */
    ck_assert_int_eq(cc_db_exec(db, "CREATE TABLE kept AS SELECT * FROM view_template "
                                    "WHERE name = 'cc-start'"),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_db_exec(db, "DELETE FROM view_template WHERE name = 'cc-start'"),
                     APR_SUCCESS);
    html = intro_html(db, &status);
    ck_assert_ptr_null(html);
    ck_assert_int_eq(status, 500);
    ck_assert_int_eq(cc_db_exec(db, "INSERT INTO view_template (name, head, html, css, js, "
                                    "accessibility, archived, starter_content, created, updated) "
                                    "SELECT name, head, '<p>again</p>', css, js, accessibility, "
                                    "archived, starter_content, created, updated FROM kept"),
                     APR_SUCCESS);
    ck_assert_str_eq(intro_html(db, &status), "<p>again</p>");
    cc_test_cache_set_process(NULL);
}
END_TEST

START_TEST(token_key_is_kept_per_process)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_test_cache *cache = NULL;
    cc_run_result res;
    json_object *root;
    const char *hash, *token;

    ck_assert_int_eq(cc_test_cache_create(cc_test_pool, 4, &cache), APR_SUCCESS);
    cc_test_cache_set_process(cache);
    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "demo-cat", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    hash = text_of(root, "hash");
    token = text_of(root, "token");
    json_object_put(root);
    /* Read once: the process goes on with the key it has. */
    ck_assert_int_eq(cc_db_exec(db, "DELETE FROM administration_setting WHERE skey = 'secret'"),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_run_keepalive(db, cc_test_pool, hash, token, NOW + 1, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 200);
    /* Without the process cache it is read each time. */
    cc_test_cache_set_process(NULL);
    ck_assert_int_eq(cc_run_keepalive(db, cc_test_pool, hash, token, NOW + 2, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 503);
}
END_TEST

START_TEST(idle_check_read_serves_the_request)
{
    cc_db *db = cc_test_db_starter(cc_test_pool, NOW);
    cc_run_result res;
    json_object *root;
    apr_pool_t *request;
    const char *hash, *token;
    int go_on = -1;

    ck_assert_int_eq(cc_run_start(db, cc_test_pool, "demo-cat", NULL, NULL, NOW, &res),
                     APR_SUCCESS);
    root = parsed(&res);
    hash = text_of(root, "hash");
    token = text_of(root, "token");
    json_object_put(root);
    apr_pool_create(&request, cc_test_pool);
    ck_assert_int_eq(cc_run_expire_idle(db, request, hash, token, 1800, NOW + 5, &go_on, &res),
                     APR_SUCCESS);
    ck_assert_int_eq(go_on, 1);
    /* Stopped in between (by hand): the request goes on with the row the
     * idle check read, once; the next call reads it again. */
    cc_test_exec(db, "UPDATE test_session SET status = 1");
    ck_assert_int_eq(cc_run_keepalive(db, request, hash, token, NOW + 6, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 200);
    ck_assert_int_eq(cc_run_resume(db, request, hash, token, NOW + 7, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 409);
    /* A read kept before a refused token is dropped. */
    cc_test_exec(db, "UPDATE test_session SET status = 0");
    ck_assert_int_eq(cc_run_expire_idle(db, request, hash, token, 1800, NOW + 8, &go_on, &res),
                     APR_SUCCESS);
    cc_test_exec(db, "UPDATE test_session SET status = 1");
    ck_assert_int_eq(cc_run_keepalive(db, request, hash, "forged", NOW + 9, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 403);
    ck_assert_int_eq(cc_run_resume(db, request, hash, token, NOW + 10, &res), APR_SUCCESS);
    ck_assert_int_eq(res.http_status, 409);
    apr_pool_destroy(request);
}
END_TEST

TCase *tcase_runner_service(void)
{
    TCase *tc = cc_test_tcase("runner/service");

    tcase_add_test(tc, session_to_the_end);
    tcase_add_test(tc, refusals);
    tcase_add_test(tc, resume_keepalive_log_kill);
    tcase_add_test(tc, pages_rendered_on_the_server);
    tcase_add_test(tc, back_button_updates_the_response_rows);
    tcase_add_test(tc, infinite_sem_is_stored_as_null);
    tcase_add_test(tc, idle_sessions_expire);
    tcase_add_test(tc, cached_test_follows_revisions);
    tcase_add_test(tc, cached_test_follows_templates);
    tcase_add_test(tc, token_key_is_kept_per_process);
    tcase_add_test(tc, idle_check_read_serves_the_request);
    return tc;
}
