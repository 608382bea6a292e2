#include "service.h"

#include "core/log.h"
#include "core/random.h"
#include "core/token.h"
#include "runner/assessment.h"
#include "runner/view.h"
#include "runner/cache.h"
#include "runner/rtest.h"
#include "runner/service_internal.h"
#include "runner/testload.h"
#include "store/datatable.h"
#include "store/secret.h"
#include "store/sessions.h"
#include "store/templates.h"

#include <apr_strings.h>
#include <json.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define RUNNER_PURPOSE "runner"

int cc_run_refuse(cc_run_result *out, int http_status, int code, const char *message)
{
    out->http_status = http_status;
    out->code = code;
    out->message = message;
    out->json = NULL;
    return 0;
}

static json_object *number_or_null(double v)
{
    return isfinite(v) ? json_object_new_double(v) : NULL;
}

/* {code, data:{templateParams, lastSubmitId}, hash, token, timeLimit}: the
 * answer without its page (its text is what the session keeps for a
 * repeated submit). Owned by pool. */
static json_object *answer_object(apr_pool_t *pool, const cc_assess_page *page, const char *hash,
                                  const char *token, const char *submit_id)
{
    json_object *root = cc_json_owned(pool, json_object_new_object()),
                *data = json_object_new_object(), *params = json_object_new_object(),
                *th = json_object_new_array(), *se = json_object_new_array();
    int k;

    json_object_object_add(params, "items", json_tokener_parse(page->items_json));
    json_object_object_add(params, "page", json_object_new_int(page->page));
    json_object_object_add(params, "answered", json_object_new_int(page->answered));
    json_object_object_add(params, "maxItems", json_object_new_int(page->max_items));
    json_object_object_add(params, "canGoBack", json_object_new_boolean(page->can_go_back));
    json_object_object_add(params, "timeLeft", json_object_new_int(page->time_left));
    json_object_object_add(params, "theta", number_or_null(page->theta));
    json_object_object_add(params, "sem", number_or_null(page->sem));
    json_object_object_add(params, "totalScore", json_object_new_double(page->total_score));
    if (page->stop_reason)
        json_object_object_add(params, "stopReason", json_object_new_string(page->stop_reason));
    for (k = 0; k < page->n_history; k++) {
        json_object_array_add(th, number_or_null(page->theta_history[k]));
        json_object_array_add(se, number_or_null(page->sem_history[k]));
    }
    json_object_object_add(params, "thetaHistory", th);
    json_object_object_add(params, "semHistory", se);
    json_object_object_add(data, "templateParams", params);
    json_object_object_add(data, "lastSubmitId",
                           submit_id ? json_object_new_string(submit_id) : NULL);
    json_object_object_add(root, "code",
                           json_object_new_int(page->finished ? CC_RUN_FINISHED : CC_RUN_VIEW));
    json_object_object_add(root, "data", data);
    json_object_object_add(root, "hash", json_object_new_string(hash));
    json_object_object_add(root, "token", json_object_new_string(token));
    json_object_object_add(root, "timeLimit",
                           json_object_new_int(page->time_left > 0 ? page->time_left : 0));
    return root;
}

static const char *json_text(apr_pool_t *pool, json_object *obj)
{
    return apr_pstrdup(pool, json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
}

/* The test's templates for this request: those read with the test, and
 * any other a template embeds ({{template:NAME}}) read now. */
static void template_source(cc_db *db, apr_pool_t *pool, const cc_loaded_test *t,
                            cc_view_source *src)
{
    src->lookup = cc_template_store_lookup;
    src->baton = cc_template_store_make_on(db, pool, t->templates);
}

/* Adds the rendered page to an answer (root, with its "data"):
 * data.templateHtml, templateCss, templateJs and templateHead (as Concerto
 * sends them), and sets its code. */
static int with_view(cc_db *db, apr_pool_t *pool, const cc_loaded_test *t,
                     const cc_assess_page *page, const char *alert, json_object *root, int code,
                     const char **out_json, cc_run_result *out)
{
    cc_view_source src;
    cc_template view;
    json_object *data = NULL;
    const char *errmsg = NULL;

    template_source(db, pool, t, &src);
    if ((page ? cc_view_page(pool, t->settings, page, alert, &src, &view, &errmsg)
              : cc_view_intro(pool, t->settings, &src, &view, &errmsg)) != APR_SUCCESS)
        return cc_run_refuse(out, 500, CC_RUN_ERROR,
                             apr_psprintf(pool, "the page cannot be shown: %s", errmsg));
    if (!json_object_object_get_ex(root, "data", &data))
        return cc_run_refuse(out, 500, CC_RUN_ERROR, "the stored answer cannot be read");
    json_object_object_add(data, "templateHtml", json_object_new_string(view.html));
    json_object_object_add(data, "templateCss", json_object_new_string(view.css));
    json_object_object_add(data, "templateJs", json_object_new_string(view.js));
    json_object_object_add(data, "templateHead", json_object_new_string(view.head));
    json_object_object_add(root, "code", json_object_new_int(code));
    *out_json = json_text(pool, root);
    return 1;
}

/* A whole answer: code, page, new token. */
static int page_answer(cc_db *db, apr_pool_t *pool, const cc_loaded_test *t,
                       const cc_assess_page *page, const char *alert, int code, const char *hash,
                       const char *token, const char *submit_id, cc_run_result *out)
{
    const char *json = NULL;

    if (!with_view(db, pool, t, page, alert, answer_object(pool, page, hash, token, submit_id),
                   code, &json, out))
        return 0;
    out->http_status = 200;
    out->code = code;
    out->json = json;
    return 1;
}

/* The token signing key, from this process's cache when it has it: it is
 * read from the database once per child and database. */
apr_status_t cc_run_token_key(cc_db *db, apr_pool_t *pool, cc_token_key *key, const char **errmsg)
{
    cc_test_cache *cache = cc_test_cache_process();
    apr_status_t rv;

    if (cache && cc_test_cache_token_key(cache, db->source, key))
        return APR_SUCCESS;
    rv = cc_secret_token_key(db, pool, key, errmsg);
    if (rv == APR_SUCCESS && cache)
        cc_test_cache_keep_token_key(cache, db->source, key);
    return rv;
}

int cc_run_sign_token(apr_pool_t *pool, const cc_token_key *key, const char *hash, long now,
                      const char **token, cc_run_result *out)
{
    return cc_run_sign_token_with(pool, key, hash, now, 0, token, out);
}

int cc_run_sign_token_with(apr_pool_t *pool, const cc_token_key *key, const char *hash, long now,
                           unsigned flags, const char **token, cc_run_result *out)
{
    cc_token_claims claims;
    const char *errmsg = NULL;

    memset(&claims, 0, sizeof(claims));
    claims.flags = flags;
    claims.session_hash = hash;
    claims.purpose = RUNNER_PURPOSE;
    claims.issued_at = apr_time_from_sec(now);
    claims.expires_at = apr_time_from_sec(now + CC_TOKEN_DEFAULT_LIFETIME);
    if (cc_token_sign(pool, key, &claims, token, &errmsg) != APR_SUCCESS)
        return cc_run_refuse(out, 500, CC_RUN_ERROR, errmsg);
    return 1;
}

/* The session row the idle check read (cc_run_expire_idle), handed once
 * to the same request's next open_session instead of a second read. */
#define SESSION_READ_KEY "concerto_runner_session_read"

static void keep_session_read(apr_pool_t *pool, cc_session *s)
{
    apr_pool_userdata_setn(s, SESSION_READ_KEY, NULL, pool);
}

static cc_session *take_session_read(apr_pool_t *pool, const char *hash)
{
    void *data = NULL;

    apr_pool_userdata_get(&data, SESSION_READ_KEY, pool);
    if (data == NULL)
        return NULL;
    apr_pool_userdata_setn(NULL, SESSION_READ_KEY, NULL, pool);
    return !strcmp(((cc_session *)data)->hash, hash) ? data : NULL;
}

/* Token and session checks shared by every request after the start;
 * check (may be NULL) gets the token's claims. */
int cc_run_open_session_checked(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                                long now, cc_token_key *key, cc_session **s, cc_run_result *out,
                                cc_token_check *check_out)
{
    cc_token_check local = {0}, *check = check_out ? check_out : &local;
    cc_session *kept = take_session_read(pool, hash);
    const char *errmsg = NULL;
    apr_status_t rv;

    memset(out, 0, sizeof(*out));
    if (cc_run_token_key(db, pool, key, &errmsg) != APR_SUCCESS)
        return cc_run_refuse(out, 503, CC_RUN_ERROR, errmsg);
    if (token == NULL || cc_token_verify(pool, key, token, hash, RUNNER_PURPOSE,
                                         apr_time_from_sec(now), check) != CC_TOKEN_VALID)
        return cc_run_refuse(
            out, 403, CC_RUN_SESSION_LOST,
            token ? "this session's access has expired or is not valid; please start "
                    "again"
                  : "a token is required");
    *s = kept;
    rv = kept ? APR_SUCCESS : cc_session_load(db, pool, hash, s);
    if (rv == APR_NOTFOUND)
        return cc_run_refuse(out, 404, CC_RUN_SESSION_LOST, "there is no such session");
    if (rv != APR_SUCCESS)
        return cc_run_refuse(out, 503, CC_RUN_ERROR,
                             "the session cannot be read from the database");
    return 1;
}

static int open_session(cc_db *db, apr_pool_t *pool, const char *hash, const char *token, long now,
                        cc_token_key *key, cc_session **s, cc_run_result *out)
{
    return cc_run_open_session_checked(db, pool, hash, token, now, key, s, out, NULL);
}

apr_status_t cc_run_start(cc_db *db, apr_pool_t *pool, const char *slug, const char *client_ip,
                          const char *client_browser, long now, cc_run_result *out)
{
    cc_token_key key;
    cc_loaded_test t;
    cc_assess_page page;
    cc_session *s = NULL;
    const char *state = NULL, *errmsg = NULL, *token = NULL, *seed_hex = NULL;
    unsigned long long seed;

    memset(out, 0, sizeof(*out));
    if (!cc_load_test(db, pool, slug, 0, &t, out)) {
        if (out->code == CC_RUN_TEST_NOT_FOUND)
            cc_rtest_start(db, pool, slug, client_ip, client_browser, now, out);
        return APR_SUCCESS;
    }
    cc_give_exposure_counts(db, pool, &t, now);
    /* The key first: no session is stored that could not be given a token. */
    if (cc_run_token_key(db, pool, &key, &errmsg) != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, errmsg);
        return APR_SUCCESS;
    }
    if (cc_random_hex(pool, 8, &seed_hex) != APR_SUCCESS)
        return APR_EGENERAL;
    seed = strtoull(seed_hex, NULL, 16);
    if (cc_assess_start(t.assessment, pool, now, seed, &state, &page, &errmsg) != APR_SUCCESS) {
        cc_run_refuse(out, 500, CC_RUN_ERROR,
                      apr_psprintf(pool, "the test cannot start: %s", errmsg));
        return APR_SUCCESS;
    }
    if (cc_session_create(db, pool, t.id, NULL, client_ip, client_browser, state, now, &s) !=
        APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, "the session cannot be stored");
        return APR_SUCCESS;
    }
    if (!cc_run_sign_token(pool, &key, s->hash, now, &token, out))
        return APR_SUCCESS;
    page_answer(db, pool, &t, &page, NULL, page.finished ? CC_RUN_FINISHED : CC_RUN_VIEW, s->hash,
                token, NULL, out);
    return APR_SUCCESS;
}

apr_status_t cc_run_intro(cc_db *db, apr_pool_t *pool, const char *slug, cc_run_result *out)
{
    cc_loaded_test t;
    json_object *root, *data, *params;

    memset(out, 0, sizeof(*out));
    if (!cc_load_test(db, pool, slug, 0, &t, out)) {
        if (out->code == CC_RUN_TEST_NOT_FOUND)
            cc_rtest_intro(db, pool, slug, out);
        return APR_SUCCESS;
    }
    root = cc_json_owned(pool, json_object_new_object());
    data = json_object_new_object();
    params = json_object_new_object();
    json_object_object_add(params, "title",
                           json_object_new_string(cc_member(t.settings, "title")
                                                      ? cc_member(t.settings, "title")
                                                      : ""));
    json_object_object_add(data, "templateParams", params);
    json_object_object_add(root, "code", json_object_new_int(CC_RUN_VIEW));
    json_object_object_add(root, "data", data);
    json_object_object_add(root, "hash", NULL);
    json_object_object_add(root, "token", NULL);
    json_object_object_add(root, "timeLimit", json_object_new_int(0));
    if (with_view(db, pool, &t, NULL, NULL, root, CC_RUN_VIEW, &out->json, out)) {
        out->http_status = 200;
        out->code = CC_RUN_VIEW;
    }
    return APR_SUCCESS;
}

static const char *datetime_text(apr_pool_t *pool, long now)
{
    apr_time_exp_t tm;

    apr_time_exp_gmt(&tm, apr_time_from_sec(now));
    return apr_psprintf(pool, "%04d-%02d-%02d %02d:%02d:%02d", tm.tm_year + 1900, tm.tm_mon + 1,
                        tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec);
}

/* An estimate as the response table stores it: NULL when it does not
 * exist (SEM before any information, no theta), unless the column cannot
 * be empty (a table made before theta and sem became nullable): then
 * +/-1e300 stands for an infinite value, as it did before. */
static const char *estimate_text(apr_pool_t *pool, const cc_datatable *dt, int column, double v)
{
    if (isfinite(v))
        return apr_psprintf(pool, "%.17g", v);
    if (column < 0 || dt->cols[column].nullable)
        return NULL;
    return isnan(v) ? "0" : v > 0 ? "1e300" : "-1e300";
}

/* The response table holds one row per (item_id, session_id), as
 * Concerto's upsert: an item answered again (a linear test's back
 * button) updates its row. A CAT never gives an item twice, so there it
 * is always an insert. Runs inside the submit's transaction. */
static apr_status_t save_responses(cc_db *db, apr_pool_t *pool, const cc_loaded_test *t,
                                   const cc_session *s, apr_array_header_t *responses, long now,
                                   const char **errmsg)
{
    static const char *const logical[] = {"item_id",    "response",   "score",      "timeTaken",
                                          "session_id", "theta",      "sem",        "trait",
                                          "skipped",    "updateTime", "createdTime"};
    enum { N_LOGICAL = 11, CREATED = 10 };
    const cc_datatable *dt = t->responses;
    int cols[N_LOGICAL], k, m;

    if (dt == NULL)
        return APR_SUCCESS;
    for (m = 0; m < N_LOGICAL; m++)
        cols[m] = cc_column_of(dt, t->response_columns, logical[m]);
    for (k = 0; k < responses->nelts; k++) {
        const cc_assess_response *r = &APR_ARRAY_IDX(responses, k, cc_assess_response);
        const char *values[N_LOGICAL], *names[N_LOGICAL];
        apr_array_header_t *ids = NULL;
        int n = 0;
        apr_int64_t id;
        values[0] = apr_ltoa(pool, r->item_id);
        values[1] = r->response;
        values[2] = isnan(r->score) ? NULL : apr_psprintf(pool, "%.17g", r->score);
        values[3] = apr_psprintf(pool, "%.17g", r->time_taken);
        values[4] = apr_psprintf(pool, "i%ld", s->id);
        values[5] = estimate_text(pool, dt, cols[5], r->theta);
        values[6] = estimate_text(pool, dt, cols[6], r->sem);
        values[7] = r->trait;
        values[8] = r->skipped ? "1" : "0";
        values[9] = values[10] = datetime_text(pool, now);
        for (m = 0; m < N_LOGICAL; m++) {
            if (cols[m] < 0)
                continue; /* the table has no such column: not saved */
            names[n] = dt->cols[cols[m]].name;
            values[n] = values[m];
            n++;
        }
        /* Only a test that can show an item again has a row to update:
         * others save a statement per answer. */
        if (cols[0] >= 0 && cols[4] >= 0 && cc_assess_items_revisited(t->assessment)) {
            const char *key_names[] = {dt->cols[cols[0]].name, dt->cols[cols[4]].name};
            const char *key_values[] = {apr_ltoa(pool, r->item_id),
                                        apr_psprintf(pool, "i%ld", s->id)};
            if (cc_datatable_find(db, pool, dt, 2, key_names, key_values, &ids, errmsg) !=
                APR_SUCCESS)
                return APR_EGENERAL;
        }
        if (ids && ids->nelts > 0) {
            /* createdTime, the last column given when present, stays. */
            if (cc_datatable_update(db, pool, dt, APR_ARRAY_IDX(ids, 0, apr_int64_t),
                                    n - (cols[CREATED] >= 0), names, values, errmsg) != APR_SUCCESS)
                return APR_EGENERAL;
        } else if (cc_datatable_insert_keep_revision(db, pool, dt, n, names, values, &id, errmsg) !=
                   APR_SUCCESS) {
            return APR_EGENERAL;
        }
    }
    return APR_SUCCESS;
}

/* The answer given to the session's last submit, with its page rendered
 * again from the stored state (the stored answer leaves the page out, to
 * keep the session row small). */
static void repeat_answer(cc_db *db, apr_pool_t *pool, const cc_loaded_test *t, const cc_session *s,
                          cc_run_result *out)
{
    cc_assess_page page;
    json_object *root = cc_json_owned(pool, json_tokener_parse(s->last_response)), *code = NULL;
    const char *errmsg = NULL;

    if (root == NULL || !json_object_object_get_ex(root, "code", &code) ||
        cc_assess_current(t->assessment, pool, s->state, (long)s->updated, &page, &errmsg) !=
            APR_SUCCESS) {
        cc_run_refuse(out, 409, CC_RUN_SESSION_LOST,
                      errmsg ? errmsg : "the stored answer cannot be read");
        return;
    }
    if (with_view(db, pool, t, &page, NULL, root, json_object_get_int(code), &out->json, out)) {
        out->http_status = 200;
        out->code = json_object_get_int(code);
    }
}

/* The message on a page shown again because an answer is missing. */
static const char *alert_text(json_object *settings)
{
    const char *text = cc_member(settings, "responseRequiredAlert");

    return text && *text ? text : "Please answer every question on this page before going on.";
}

apr_status_t cc_run_submit(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           apr_table_t *values, const char *submit_id, long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    cc_loaded_test t;
    cc_assess_page page;
    apr_array_header_t *responses = NULL;
    apr_dbd_transaction_t *txn = NULL;
    const char *errmsg = NULL, *state = NULL, *new_token = NULL, *json, *shown = NULL;
    json_object *answer;
    int swapped = 0;
    apr_status_t rv;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    if (!cc_load_test(db, pool, NULL, s->test_id, &t, out)) {
        if (out->code == CC_RUN_TEST_NOT_FOUND)
            cc_rtest_submit(db, pool, &key, s, values, submit_id, now, out);
        return APR_SUCCESS;
    }
    /* A repeated submit gets the same answer and changes nothing. */
    if (submit_id && s->last_submit_id && !strcmp(submit_id, s->last_submit_id) &&
        s->last_response) {
        repeat_answer(db, pool, &t, s, out);
        return APR_SUCCESS;
    }
    if (s->status != CC_SESSION_RUNNING) {
        cc_run_refuse(out, 409, CC_RUN_SESSION_LOST, "this session has already ended");
        return APR_SUCCESS;
    }
    cc_give_exposure_counts(db, pool, &t, now);
    rv = cc_assess_submit(t.assessment, pool, s->state, values, now, &state, &responses, &page,
                          &errmsg);
    if (rv == APR_INCOMPLETE) {
        /* The same page again with a message; nothing is stored. */
        if (cc_run_sign_token(pool, &key, hash, now, &new_token, out))
            page_answer(db, pool, &t, &page, alert_text(t.settings), CC_RUN_VIEW, hash, new_token,
                        NULL, out);
        return APR_SUCCESS;
    }
    if (rv == APR_EINVAL) {
        cc_run_refuse(out, 400, CC_RUN_ERROR, errmsg);
        return APR_SUCCESS;
    }
    if (rv != APR_SUCCESS) {
        cc_run_refuse(out, 409, CC_RUN_ERROR, errmsg);
        return APR_SUCCESS;
    }
    if (!cc_run_sign_token(pool, &key, hash, now, &new_token, out))
        return APR_SUCCESS;
    answer = answer_object(pool, &page, hash, new_token, submit_id);
    json = json_text(pool, answer); /* kept without the page */
    /* Rendered before anything is stored: a page that cannot be shown
     * must not advance the session. */
    if (!with_view(db, pool, &t, &page, NULL, answer, page.finished ? CC_RUN_FINISHED : CC_RUN_VIEW,
                   &shown, out))
        return APR_SUCCESS;
    s->state = state;
    s->status = page.finished ? CC_SESSION_FINALIZED : CC_SESSION_RUNNING;
    s->time_limit = page.time_left > 0 ? page.time_left : 0;
    s->last_submit_id = submit_id;
    s->last_response = json;
    /* The answers and the new state together, or neither. */
    rv = cc_db_begin(db, pool, &txn);
    if (rv == APR_SUCCESS)
        rv = save_responses(db, pool, &t, s, responses, now, &errmsg);
    if (rv == APR_SUCCESS)
        rv = cc_session_save(db, pool, s, now, &swapped);
    cc_db_end(db, pool, txn, rv != APR_SUCCESS || !swapped);
    if (rv != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR,
                      apr_psprintf(pool, "the answers cannot be saved: %s",
                                   errmsg ? errmsg : db->last_error));
        return APR_SUCCESS;
    }
    if (!swapped) {
        /* Another request saved first: answer as it did when it was this
         * same submit, else ask for a retry. */
        if (cc_session_load(db, pool, hash, &s) == APR_SUCCESS && submit_id && s->last_submit_id &&
            !strcmp(submit_id, s->last_submit_id) && s->last_response) {
            repeat_answer(db, pool, &t, s, out);
            return APR_SUCCESS;
        }
        cc_run_refuse(out, 409, CC_RUN_ERROR,
                      "another answer to this session came first; please retry");
        return APR_SUCCESS;
    }
    out->http_status = 200;
    out->code = page.finished ? CC_RUN_FINISHED : CC_RUN_VIEW;
    out->json = shown;
    return APR_SUCCESS;
}

/* {code, hash, token} for the answers that carry no page. */
static const char *short_json(apr_pool_t *pool, int code, const char *hash, const char *token)
{
    json_object *root = json_object_new_object();
    const char *text;

    json_object_object_add(root, "code", json_object_new_int(code));
    json_object_object_add(root, "hash", json_object_new_string(hash));
    if (token)
        json_object_object_add(root, "token", json_object_new_string(token));
    text = json_text(pool, root);
    json_object_put(root);
    return text;
}

apr_status_t cc_run_resume(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    cc_loaded_test t;
    cc_assess_page page;
    const char *errmsg = NULL, *new_token = NULL;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    if (!cc_load_test(db, pool, NULL, s->test_id, &t, out)) {
        /* An R test's stored page: no R runs. */
        if (out->code == CC_RUN_TEST_NOT_FOUND)
            cc_rtest_resume(pool, &key, s, now, out);
        return APR_SUCCESS;
    }
    if (s->status != CC_SESSION_RUNNING && s->status != CC_SESSION_FINALIZED) {
        cc_run_refuse(out, 409, CC_RUN_SESSION_LOST, "this session has already ended");
        return APR_SUCCESS;
    }
    if (cc_assess_current(t.assessment, pool, s->state, now, &page, &errmsg) != APR_SUCCESS) {
        cc_run_refuse(out, 409, CC_RUN_SESSION_LOST, errmsg);
        return APR_SUCCESS;
    }
    if (!cc_run_sign_token(pool, &key, hash, now, &new_token, out))
        return APR_SUCCESS;
    /* The page as a view, under Concerto's resume code. */
    page_answer(db, pool, &t, &page, NULL, page.finished ? CC_RUN_FINISHED : CC_RUN_RESUME, hash,
                new_token, s->last_submit_id, out);
    return APR_SUCCESS;
}

apr_status_t cc_run_keepalive(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                              long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    const char *new_token = NULL;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    if (s->status == CC_SESSION_RUNNING && cc_session_touch(db, pool, hash, now) != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, "the session cannot be updated");
        return APR_SUCCESS;
    }
    if (!cc_run_sign_token(pool, &key, hash, now, &new_token, out))
        return APR_SUCCESS;
    out->http_status = 200;
    out->code = CC_RUN_KEEPALIVE;
    out->json = short_json(pool, CC_RUN_KEEPALIVE, hash, new_token);
    return APR_SUCCESS;
}

apr_status_t cc_run_kill(cc_db *db, apr_pool_t *pool, const char *hash, const char *token, long now,
                         cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    int swapped = 0, tries;

    for (tries = 0; tries < 3; tries++) {
        if (!open_session(db, pool, hash, token, now, &key, &s, out))
            return APR_SUCCESS;
        if (s->status != CC_SESSION_RUNNING)
            break;
        s->status = CC_SESSION_STOPPED;
        if (cc_session_save(db, pool, s, now, &swapped) != APR_SUCCESS) {
            cc_run_refuse(out, 503, CC_RUN_ERROR, "the session cannot be updated");
            return APR_SUCCESS;
        }
        if (swapped)
            break;
    }
    out->http_status = 200;
    out->code = CC_RUN_STOPPED;
    out->json = short_json(pool, CC_RUN_STOPPED, hash, NULL);
    return APR_SUCCESS;
}

apr_status_t cc_run_log(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                        const char *message, long now, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;

    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    if (message == NULL || *message == '\0') {
        cc_run_refuse(out, 400, CC_RUN_ERROR, "the log entry has no \"error\" text");
        return APR_SUCCESS;
    }
    /* One client's error text is bounded, so the log cannot be flooded. */
    if (strlen(message) > 4000)
        message = apr_pstrndup(pool, message, 4000);
    if (cc_session_log_add(db, pool, s, CC_SESSION_LOG_JS, message, now) != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, "the log entry cannot be saved");
        return APR_SUCCESS;
    }
    out->http_status = 200;
    out->code = 0;
    out->json = short_json(pool, 0, hash, NULL);
    return APR_SUCCESS;
}

apr_status_t cc_run_expire_idle(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                                int max_idle, long now, int *go_on, cc_run_result *out)
{
    cc_token_key key;
    cc_session *s = NULL;
    int swapped = 0;
    long idle;

    *go_on = 0;
    if (!open_session(db, pool, hash, token, now, &key, &s, out))
        return APR_SUCCESS;
    idle = now - s->updated;
    if (s->status != CC_SESSION_RUNNING || max_idle <= 0 || idle <= max_idle) {
        *go_on = 1;
        keep_session_read(pool, s);
        return APR_SUCCESS;
    }
    s->status = CC_SESSION_STOPPED;
    if (cc_session_save(db, pool, s, now, &swapped) != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, "the session cannot be updated");
        return APR_SUCCESS;
    }
    if (!swapped) {
        /* Another request saved it just now: the session is in use. */
        *go_on = 1;
        return APR_SUCCESS;
    }
    if (cc_session_log_add(db, pool, s, CC_SESSION_LOG_SYSTEM,
                           apr_psprintf(pool,
                                        "stopped: idle for %ld s, more than the %d s allowed "
                                        "(ConcertoSessionMaxIdle)",
                                        idle, max_idle),
                           now) != APR_SUCCESS)
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, 0, "session %s: the expiry was not logged", hash);
    cc_run_refuse(out, 410, CC_RUN_SESSION_LOST,
                  apr_psprintf(pool,
                               "this session was closed because it was not used for more than %d "
                               "minutes; please start the test again",
                               (max_idle + 59) / 60));
    return APR_SUCCESS;
}
