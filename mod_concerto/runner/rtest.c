/* R tests through the runner protocol (rtest.h). The session row is the
 * only state: a step claims it (busy_until), R runs with no transaction
 * open, and the save is a compare-and-swap on the claimed version. */
#include "runner/rtest.h"

#include "core/json_pool.h"
#include "core/log.h"
#include "rhost/rhost.h"
#include "runner/service_internal.h"
#include "runner/testload.h"

#include <apr_strings.h>
#include <json.h>
#include <stdlib.h>
#include <string.h>

#define R_STEP_FUNCTION "concerto:::cc_step"
#define R_OPTIONS_KEY "concerto_runner_r_options"
/* R's output kept in the session log per step. */
#define R_OUTPUT_LOG_CAP ((size_t)64 * 1024)
/* A claim outlives the time limit by this much: the save after R. */
#define CLAIM_MARGIN_SECONDS 10

enum { TEST_TYPE_CODE = 0, TEST_TYPE_FLOW = 2, VISIBILITY_SUBTEST = 2 };

static cc_run_r_error_observer_fn *r_error_observer;

void cc_run_set_r_error_observer(cc_run_r_error_observer_fn *observer)
{
    r_error_observer = observer;
}

void cc_run_set_r_options(apr_pool_t *pool, const cc_run_r_options *opts)
{
    cc_run_r_options *copy = apr_pmemdup(pool, opts, sizeof(*opts));

    apr_pool_userdata_setn(copy, R_OPTIONS_KEY, NULL, pool);
}

const cc_run_r_options *cc_run_r_options_of(apr_pool_t *pool)
{
    void *data = NULL;

    apr_pool_userdata_get(&data, R_OPTIONS_KEY, pool);
    return data;
}

/* 1 when R tests can run in this process; else 0 and out says why. */
static int r_available(apr_pool_t *pool, const cc_run_r_options **opts, cc_run_result *out)
{
    const char *problem;

    *opts = cc_run_r_options_of(pool);
    if (*opts == NULL || !(*opts)->enabled)
        return cc_run_refuse(out, 503, CC_RUN_ERROR,
                             "this server does not run R tests (ConcertoR Off)");
    if (!cc_rhost_ready())
        return cc_run_refuse(out, 503, CC_RUN_ERROR,
                             "R did not start in this server process, so R tests cannot run; "
                             "the server's error log says why");
    problem = cc_rhost_package_problem();
    if (problem != NULL)
        return cc_run_refuse(
            out, 503, CC_RUN_ERROR,
            apr_psprintf(pool,
                         "R tests cannot run on this server: the R package concerto is "
                         "not loaded (%s)",
                         problem));
    return 1;
}

int cc_rtest_find(cc_db *db, apr_pool_t *pool, const char *slug, long id, int *type,
                  cc_run_result *out)
{
    cc_rows *rows = NULL;
    const char *args[] = {slug ? slug : apr_ltoa(pool, id), NULL};

    if (cc_db_select(db, pool, &rows,
                     slug ? "SELECT type, visibility FROM test WHERE slug = %s"
                          : "SELECT type, visibility FROM test WHERE id = %s",
                     1, args) != APR_SUCCESS)
        return cc_run_refuse(out, 503, CC_RUN_ERROR, "the test cannot be read from the database");
    if (rows->nrows == 0)
        return cc_run_refuse(out, 404, CC_RUN_TEST_NOT_FOUND, "there is no such test");
    *type = rows->values[0][0] ? (int)strtol(rows->values[0][0], NULL, 10) : -1;
    if (*type < TEST_TYPE_CODE || *type > TEST_TYPE_FLOW)
        return cc_run_refuse(out, 404, CC_RUN_TEST_NOT_FOUND, "there is no such test");
    if (slug && rows->values[0][1] && strtol(rows->values[0][1], NULL, 10) == VISIBILITY_SUBTEST)
        return cc_run_refuse(out, 404, CC_RUN_TEST_NOT_FOUND,
                             "this test is a part of another test and cannot be started by its "
                             "address");
    return 1;
}

static int find_by_slug(cc_db *db, apr_pool_t *pool, const char *slug, long *id, const char **name,
                        cc_run_result *out)
{
    cc_rows *rows = NULL;
    const char *args[] = {slug, NULL};
    int type;

    if (!cc_rtest_find(db, pool, slug, 0, &type, out))
        return 0;
    if (cc_db_select(db, pool, &rows, "SELECT id, name FROM test WHERE slug = %s", 1, args) !=
            APR_SUCCESS ||
        rows->nrows == 0)
        return cc_run_refuse(out, 503, CC_RUN_ERROR, "the test cannot be read from the database");
    *id = strtol(rows->values[0][0], NULL, 10);
    *name = rows->values[0][1] ? rows->values[0][1] : "";
    return 1;
}

/* Adds name: value to obj; a name seen before becomes an array. */
static void add_value(json_object *obj, const char *name, const char *value)
{
    json_object *seen = NULL, *list;

    if (!json_object_object_get_ex(obj, name, &seen)) {
        json_object_object_add(obj, name, json_object_new_string(value));
        return;
    }
    if (json_object_is_type(seen, json_type_array)) {
        json_object_array_add(seen, json_object_new_string(value));
        return;
    }
    list = json_object_new_array();
    json_object_array_add(list, json_object_get(seen));
    json_object_array_add(list, json_object_new_string(value));
    json_object_object_add(obj, name, list);
}

static json_object *table_object(apr_table_t *table)
{
    json_object *obj = json_object_new_object();
    const apr_array_header_t *entries;
    const apr_table_entry_t *e;
    int k;

    if (table == NULL)
        return obj;
    entries = apr_table_elts(table);
    e = (const apr_table_entry_t *)entries->elts;
    for (k = 0; k < entries->nelts; k++)
        if (e[k].key && e[k].val)
            add_value(obj, e[k].key, e[k].val);
    return obj;
}

/* The request for cc_step (contract section 2). */
static const char *step_request(apr_pool_t *pool, const char *action, const cc_session *s,
                                apr_table_t *values, const char *submit_id,
                                const cc_run_r_options *opts)
{
    json_object *root = cc_json_owned(pool, json_object_new_object()),
                *session = json_object_new_object(),
                *params = s->params ? json_tokener_parse(s->params) : NULL, *response = NULL;

    if (params == NULL || !json_object_is_type(params, json_type_object)) {
        json_object_put(params);
        params = json_object_new_object();
    }
    json_object_object_add(session, "id", json_object_new_int64(s->id));
    json_object_object_add(session, "hash", json_object_new_string(s->hash));
    json_object_object_add(session, "testId", json_object_new_int64(s->test_id));
    json_object_object_add(session, "params", params);
    if (values != NULL) {
        response = table_object(values);
        if (submit_id && !json_object_object_get_ex(response, "submitId", NULL))
            json_object_object_add(response, "submitId", json_object_new_string(submit_id));
    }
    json_object_object_add(root, "action", json_object_new_string(action));
    json_object_object_add(root, "session", session);
    json_object_object_add(root, "state", s->state ? json_object_new_string(s->state) : NULL);
    json_object_object_add(root, "response", response);
    json_object_object_add(root, "appUrl",
                           json_object_new_string(opts->app_url ? opts->app_url : ""));
    json_object_object_add(root, "filesDir",
                           json_object_new_string(opts->files_dir ? opts->files_dir : ""));
    json_object_object_add(root, "filesUrl",
                           json_object_new_string(opts->files_url ? opts->files_url : ""));
    return apr_pstrdup(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
}

static const char *text_of(json_object *obj, const char *key)
{
    const char *text = cc_member(obj, key);

    return text ? text : "";
}

static const char *json_text(apr_pool_t *pool, json_object *obj)
{
    return apr_pstrdup(pool, json_object_to_json_string_ext(obj, JSON_C_TO_STRING_PLAIN));
}

/* {code, data:{templateHtml, templateCss, templateJs, templateHead,
 * templateParams, lastSubmitId}, hash, token, timeLimit}. page may be NULL
 * (a finished test without a final page). */
static json_object *page_answer(apr_pool_t *pool, int code, json_object *page, const char *hash,
                                const char *token, const char *submit_id, int time_limit)
{
    json_object *root = cc_json_owned(pool, json_object_new_object()),
                *data = json_object_new_object(), *params = NULL, *grant = NULL;

    json_object_object_add(data, "templateHtml", json_object_new_string(text_of(page, "html")));
    json_object_object_add(data, "templateCss", json_object_new_string(text_of(page, "css")));
    json_object_object_add(data, "templateJs", json_object_new_string(text_of(page, "js")));
    json_object_object_add(data, "templateHead", json_object_new_string(text_of(page, "head")));
    if (page && json_object_object_get_ex(page, "params", &params) &&
        json_object_is_type(params, json_type_object))
        json_object_object_add(data, "templateParams", json_object_get(params));
    else
        json_object_object_add(data, "templateParams", json_object_new_object());
    json_object_object_add(data, "lastSubmitId",
                           submit_id ? json_object_new_string(submit_id) : NULL);
    /* template.show(sessionFilesAccess = TRUE): the page may upload. */
    if (page && json_object_object_get_ex(page, "sessionFilesAccess", &grant) &&
        json_object_get_boolean(grant))
        json_object_object_add(data, "sessionFilesAccess", json_object_new_boolean(1));
    json_object_object_add(root, "code", json_object_new_int(code));
    json_object_object_add(root, "data", data);
    json_object_object_add(root, "hash", json_object_new_string(hash));
    json_object_object_add(root, "token", token ? json_object_new_string(token) : NULL);
    json_object_object_add(root, "timeLimit", json_object_new_int(time_limit));
    return root;
}

/* The answer for a session that ended in error: code -1 with a message
 * the runner page shows; no token, the session cannot go on. */
static json_object *error_answer(apr_pool_t *pool, const char *hash, const char *message)
{
    json_object *root = cc_json_owned(pool, json_object_new_object()),
                *data = json_object_new_object();

    json_object_object_add(data, "message", json_object_new_string(message));
    json_object_object_add(data, "sessionStatus", json_object_new_string("error"));
    json_object_object_add(root, "code", json_object_new_int(CC_RUN_ERROR));
    json_object_object_add(root, "data", data);
    json_object_object_add(root, "hash", json_object_new_string(hash));
    json_object_object_add(root, "token", NULL);
    json_object_object_add(root, "timeLimit", json_object_new_int(0));
    return root;
}

static void log_entry(cc_db *db, apr_pool_t *pool, const cc_session *s, int type,
                      const char *message, long now)
{
    if (cc_session_log_add(db, pool, s, type, message, now) != APR_SUCCESS)
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, 0, "R test session %s: a log entry was not saved: %s",
               s->hash, db->last_error ? db->last_error : "?");
}

/* What R printed during the step, into the session log (bounded). */
static void log_output(cc_db *db, apr_pool_t *pool, const cc_session *s, const char *output,
                       long now)
{
    if (output == NULL || *output == '\0')
        return;
    if (strlen(output) > R_OUTPUT_LOG_CAP)
        output = apr_pstrcat(pool, apr_pstrndup(pool, output, R_OUTPUT_LOG_CAP),
                             "\n[output truncated]", NULL);
    log_entry(db, pool, s, CC_SESSION_LOG_R, output, now);
}

/* The outcome of one step, before it is stored. */
typedef struct step_outcome {
    int session_status;
    const char *state;
    int time_limit;
    int failed; /* 1: an R error or time-out */
    int timed_out;
    const char *error;     /* failed: the message */
    const char *traceback; /* failed: may be "" */
    json_object *answer;   /* what the participant gets (token filled in later) */
} step_outcome;

static void fail_outcome(apr_pool_t *pool, const cc_session *s, step_outcome *o, int timed_out,
                         const char *message, const char *traceback)
{
    o->failed = 1;
    o->timed_out = timed_out;
    o->session_status = CC_SESSION_ERROR;
    o->state = s->state;
    o->time_limit = 0;
    o->error = message && *message ? message : "the test's R code failed";
    o->traceback = traceback ? traceback : "";
    /* The participant learns what happened, not the test's internals (an
     * R message can show SQL, names and paths): those go to the log. */
    o->answer = error_answer(
        pool, s->hash,
        timed_out ? o->error
                  : apr_psprintf(pool,
                                 "the test's R code failed; the error is in the session log for "
                                 "the test's author (session %.8s)",
                                 s->hash));
}

/* Runs one step in R and reads its answer into o. 0 with out set when R
 * could not be called at all. */
static int run_step(cc_db *db, apr_pool_t *pool, const cc_run_r_options *opts, const cc_session *s,
                    const char *action, apr_table_t *values, const char *submit_id, long now,
                    step_outcome *o, cc_run_result *out)
{
    cc_r_result res;
    json_object *answer, *page = NULL;
    const char *status;
    apr_status_t rv;
    apr_time_t started;
    const char *request;

    memset(o, 0, sizeof(*o));
    request = step_request(pool, action, s, values, submit_id, opts);
    started = apr_time_now();
    rv = cc_rhost_call(pool, db, R_STEP_FUNCTION, request, opts->timeout_seconds * 1000, &res);
    cc_log(CC_LOG_MARK, CC_LOG_DEBUG, rv,
           "R test session %s: %s step in R took %" APR_TIME_T_FMT
           " us (request %lu bytes, answer %lu bytes)",
           s->hash, action, apr_time_now() - started, (unsigned long)strlen(request),
           (unsigned long)(rv == APR_SUCCESS && res.value ? strlen(res.value) : 0));
    if (rv != APR_SUCCESS)
        return cc_run_refuse(out, 503, CC_RUN_ERROR, "R is not running in this server process");
    log_output(db, pool, s, res.output, now);
    if (res.status == CC_R_TIMEOUT) {
        fail_outcome(pool, s, o, 1,
                     apr_psprintf(pool, "the test's R code ran longer than the time limit of %d s",
                                  opts->timeout_seconds),
                     "");
        return 1;
    }
    if (res.status != CC_R_OK) {
        fail_outcome(pool, s, o, 0,
                     apr_psprintf(pool, "%s: %s", cc_r_status_name(res.status),
                                  res.message ? res.message : "?"),
                     "");
        return 1;
    }
    answer = cc_json_owned(pool, json_tokener_parse(res.value));
    status = cc_member(answer, "status");
    if (status == NULL) {
        fail_outcome(pool, s, o, 0, "the R engine's answer cannot be read", "");
        return 1;
    }
    if (!strcmp(status, "error")) {
        fail_outcome(pool, s, o, 0, cc_member(answer, "error"), cc_member(answer, "traceback"));
        return 1;
    }
    if (json_object_object_get_ex(answer, "page", &page) &&
        !json_object_is_type(page, json_type_object))
        page = NULL;
    if (!strcmp(status, "page") && page != NULL) {
        json_object *limit = NULL;
        o->time_limit =
            json_object_object_get_ex(page, "timeLimit", &limit) ? json_object_get_int(limit) : 0;
        if (o->time_limit < 0)
            o->time_limit = 0;
        o->session_status = CC_SESSION_RUNNING;
        o->state = cc_member(answer, "state");
        o->answer = page_answer(pool, CC_RUN_VIEW, page, s->hash, NULL, submit_id, o->time_limit);
        return 1;
    }
    if (!strcmp(status, "finished")) {
        json_object *returns = NULL;
        o->session_status = CC_SESSION_FINALIZED;
        o->state = NULL;
        o->answer = page_answer(pool, CC_RUN_FINISHED, page, s->hash, NULL, submit_id, 0);
        if (json_object_object_get_ex(answer, "returns", &returns) &&
            json_object_is_type(returns, json_type_object) && json_object_object_length(returns))
            log_entry(db, pool, s, CC_SESSION_LOG_R,
                      apr_pstrcat(pool, "finished; returns: ", json_text(pool, returns), NULL),
                      now);
        return 1;
    }
    fail_outcome(pool, s, o, 0,
                 apr_psprintf(pool, "the R engine answered with an unknown status '%s'", status),
                 "");
    return 1;
}

/* The token grants an answer carries: uploads when its page allows them. */
static unsigned answer_grants(json_object *answer)
{
    json_object *data = NULL, *grant = NULL;

    return json_object_object_get_ex(answer, "data", &data) &&
                   json_object_object_get_ex(data, "sessionFilesAccess", &grant) &&
                   json_object_get_boolean(grant)
               ? CC_TOKEN_SESSION_FILES
               : 0;
}

/* Stores the outcome (a CAS on s->version that also releases the claim),
 * logs and counts a failure, and fills out. */
static void store_outcome(cc_db *db, apr_pool_t *pool, const cc_token_key *key, cc_session *s,
                          const char *submit_id, step_outcome *o, long now, cc_run_result *out)
{
    const char *token = NULL;
    int swapped = 0;
    cc_session *now_s = NULL;

    if (!o->failed) {
        if (!cc_run_sign_token_with(pool, key, s->hash, now, answer_grants(o->answer), &token, out))
            return;
        json_object_object_add(o->answer, "token", json_object_new_string(token));
    }
    s->status = o->session_status;
    s->state = o->state;
    s->time_limit = o->time_limit;
    s->error = o->failed ? o->error : s->error;
    s->last_submit_id = submit_id;
    s->last_response = json_text(pool, o->answer);
    if (cc_session_save(db, pool, s, now, &swapped) != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, "the session cannot be saved");
        return;
    }
    if (o->failed) {
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, 0, "R test %ld, session %s: %s", s->test_id, s->hash,
               o->error);
        log_entry(db, pool, s, CC_SESSION_LOG_R,
                  *o->traceback ? apr_pstrcat(pool, o->error, "\n", o->traceback, NULL) : o->error,
                  now);
        if (r_error_observer)
            r_error_observer(o->timed_out);
    }
    if (!swapped) {
        /* Stopped or expired while R ran. */
        if (cc_session_load(db, pool, s->hash, &now_s) == APR_SUCCESS &&
            now_s->status != CC_SESSION_RUNNING)
            cc_run_refuse(out, 409, CC_RUN_SESSION_LOST, "this session has already ended");
        else
            cc_run_refuse(out, 409, CC_RUN_ERROR,
                          "another answer to this session came first; please retry");
        return;
    }
    out->http_status = 200;
    out->code = json_object_get_int(json_object_object_get(o->answer, "code"));
    out->json = s->last_response;
}

void cc_rtest_start(cc_db *db, apr_pool_t *pool, const char *slug, const char *client_ip,
                    const char *client_browser, long now, cc_run_result *out)
{
    const cc_run_r_options *opts = NULL;
    cc_token_key key;
    cc_session *s = NULL;
    step_outcome o;
    const char *name = NULL, *errmsg = NULL, *params;
    long id = 0;

    if (!find_by_slug(db, pool, slug, &id, &name, out) || !r_available(pool, &opts, out))
        return;
    if (cc_run_token_key(db, pool, &key, &errmsg) != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, errmsg);
        return;
    }
    params = json_text(pool, cc_json_owned(pool, table_object(opts->parameters)));
    if (cc_session_create(db, pool, id, params, client_ip, client_browser, NULL, now, &s) !=
        APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, "the session cannot be stored");
        return;
    }
    /* Nobody else knows the new hash yet: no claim needed. */
    if (!run_step(db, pool, opts, s, "start", NULL, NULL, now, &o, out))
        return;
    store_outcome(db, pool, &key, s, NULL, &o, now, out);
}

void cc_rtest_intro(cc_db *db, apr_pool_t *pool, const char *slug, cc_run_result *out)
{
    const cc_run_r_options *opts = NULL;
    json_object *root, *data, *params;
    const char *name = NULL;
    long id = 0;

    if (!find_by_slug(db, pool, slug, &id, &name, out) || !r_available(pool, &opts, out))
        return;
    root = cc_json_owned(pool, json_object_new_object());
    data = json_object_new_object();
    params = json_object_new_object();
    json_object_object_add(params, "title", json_object_new_string(name));
    json_object_object_add(data, "templateParams", params);
    json_object_object_add(data, "autostart", json_object_new_boolean(1));
    json_object_object_add(root, "code", json_object_new_int(CC_RUN_VIEW));
    json_object_object_add(root, "data", data);
    json_object_object_add(root, "hash", NULL);
    json_object_object_add(root, "token", NULL);
    json_object_object_add(root, "timeLimit", json_object_new_int(0));
    out->http_status = 200;
    out->code = CC_RUN_VIEW;
    out->json = json_text(pool, root);
}

/* The stored answer with a fresh token (none for an error) and code
 * (-1: keep the stored one). */
static void stored_answer(apr_pool_t *pool, const cc_token_key *key, const cc_session *s, int code,
                          long now, cc_run_result *out)
{
    json_object *root = cc_json_owned(pool, json_tokener_parse(s->last_response)), *stored = NULL;
    const char *token = NULL;
    int stored_code;

    if (root == NULL || !json_object_object_get_ex(root, "code", &stored)) {
        cc_run_refuse(out, 409, CC_RUN_SESSION_LOST, "this session has no page to show");
        return;
    }
    stored_code = json_object_get_int(stored);
    if (stored_code != CC_RUN_ERROR) {
        if (!cc_run_sign_token_with(pool, key, s->hash, now, answer_grants(root), &token, out))
            return;
        json_object_object_add(root, "token", json_object_new_string(token));
    }
    if (code >= 0 && stored_code == CC_RUN_VIEW)
        json_object_object_add(root, "code", json_object_new_int(code));
    out->http_status = 200;
    out->code = json_object_get_int(json_object_object_get(root, "code"));
    out->json = json_text(pool, root);
}

void cc_rtest_resume(apr_pool_t *pool, const cc_token_key *key, const cc_session *s, long now,
                     cc_run_result *out)
{
    if (s->status == CC_SESSION_STOPPED || s->status == CC_SESSION_REJECTED ||
        s->last_response == NULL) {
        cc_run_refuse(out, 409, CC_RUN_SESSION_LOST, "this session has already ended");
        return;
    }
    stored_answer(pool, key, s, CC_RUN_RESUME, now, out);
}

static int same_submit(const cc_session *s, const char *submit_id)
{
    return submit_id && s->last_submit_id && !strcmp(submit_id, s->last_submit_id) &&
           s->last_response;
}

void cc_rtest_submit(cc_db *db, apr_pool_t *pool, const cc_token_key *key, cc_session *s,
                     apr_table_t *values, const char *submit_id, long now, cc_run_result *out)
{
    const cc_run_r_options *opts = NULL;
    step_outcome o;
    int claimed = 0, type;

    /* A repeated submit gets the same answer and changes nothing. */
    if (same_submit(s, submit_id)) {
        stored_answer(pool, key, s, -1, now, out);
        return;
    }
    if (s->status != CC_SESSION_RUNNING) {
        cc_run_refuse(out, 409, CC_RUN_SESSION_LOST, "this session has already ended");
        return;
    }
    if (!cc_rtest_find(db, pool, NULL, s->test_id, &type, out) || !r_available(pool, &opts, out))
        return;
    if (cc_session_claim(db, pool, s, now, now + opts->timeout_seconds + CLAIM_MARGIN_SECONDS,
                         &claimed) != APR_SUCCESS) {
        cc_run_refuse(out, 503, CC_RUN_ERROR, "the session cannot be updated");
        return;
    }
    if (!claimed) {
        /* Another request has it, or saved first: the same submit gets
         * its answer, a different one is asked to retry. */
        if (cc_session_load(db, pool, s->hash, &s) == APR_SUCCESS && same_submit(s, submit_id))
            stored_answer(pool, key, s, -1, now, out);
        else
            cc_run_refuse(out, 409, CC_RUN_ERROR,
                          "another answer to this session came first; please retry");
        return;
    }
    if (!run_step(db, pool, opts, s, "submit", values, submit_id, now, &o, out))
        return;
    store_outcome(db, pool, key, s, submit_id, &o, now, out);
}
