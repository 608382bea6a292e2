/* The runner's JSON API for apps, integrations and load tests (spec 4.5):
 * POST /api/runner/test/{slug}/session/start and
 * POST /api/runner/test/session/{hash}/submit {"values":{...},"token":...,
 * "submitId":...}. The work is in runner/service.c. */
#include "glue.h"

#include "core/body.h"
#include "runner/service.h"

#include <apr_strings.h>
#include <json.h>

static int send_result(cc_request *req, const cc_run_result *res)
{
    request_rec *r = req->r;
    json_object *root, *error;
    const char *text;

    if (res->json)
        return cc_send_json(r, res->http_status, res->json);
    ap_log_rerror(APLOG_MARK, res->http_status >= 500 ? APLOG_ERR : APLOG_INFO, 0, r,
                  "%s %s: %d %s", r->method, r->uri, res->http_status, res->message);
    root = json_object_new_object();
    error = json_object_new_object();
    json_object_object_add(root, "code", json_object_new_int(res->code));
    json_object_object_add(error, "status", json_object_new_int(res->http_status));
    json_object_object_add(error, "message", json_object_new_string(res->message));
    json_object_object_add(root, "error", error);
    text = apr_pstrdup(r->pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return cc_send_json(r, res->http_status, text);
}

int cc_runner_session_expired(cc_request *req, cc_db *db, const char *token, long now)
{
    cc_run_result res;
    int go_on = 0;

    if (cc_run_expire_idle(db, req->r->pool, req->route.params[0], token,
                           cc_config_session_max_idle(req->cfg), now, &go_on,
                           &res) != APR_SUCCESS) {
        req->db_broken = 1;
        cc_send_error(req, HTTP_SERVICE_UNAVAILABLE, "the session could not be read");
        return 1;
    }
    if (go_on)
        return 0;
    send_result(req, &res);
    return 1;
}

int cc_handle_runner_start(cc_request *req)
{
    request_rec *r = req->r;
    const char *body = NULL;
    apr_size_t len = 0;
    cc_db *db = NULL;
    cc_run_result res;
    int rc = cc_read_body(req, &body, &len);

    if (rc != OK)
        return rc;
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    cc_rhost_request_options(req);
    if (cc_run_start(db, r->pool, req->route.params[0], r->useragent_ip,
                     apr_table_get(r->headers_in, "User-Agent"), (long)apr_time_sec(apr_time_now()),
                     &res) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE, "the session could not be started");
    }
    return send_result(req, &res);
}

/* The participant's values: a JSON object under "values", or form fields
 * values[name] as Concerto's runner posts them. NULL and *errmsg when the
 * JSON is not an object. */
static apr_table_t *collect_values(apr_pool_t *pool, apr_table_t *fields, const char **errmsg)
{
    const char *json = apr_table_get(fields, "values");
    const apr_array_header_t *entries = apr_table_elts(fields);
    const apr_table_entry_t *e = (const apr_table_entry_t *)entries->elts;
    apr_table_t *values = NULL;
    int k;

    if (json != NULL) {
        if (cc_body_parse(pool, "application/json", json, strlen(json), &values, errmsg) !=
            APR_SUCCESS) {
            *errmsg = apr_pstrcat(pool, "\"values\" must be a JSON object: ", *errmsg, NULL);
            return NULL;
        }
        return values;
    }
    values = apr_table_make(pool, 8);
    for (k = 0; k < entries->nelts; k++) {
        apr_size_t len = strlen(e[k].key);
        if (len > 8 && !strncmp(e[k].key, "values[", 7) && e[k].key[len - 1] == ']')
            apr_table_add(values, apr_pstrmemdup(pool, e[k].key + 7, len - 8), e[k].val);
    }
    return values;
}

/* The request's fields (JSON or form; an empty body is no fields) and its
 * token (field, or Authorization: Bearer). OK, or DONE after a 400. */
static int read_fields(cc_request *req, apr_table_t **fields, const char **token)
{
    request_rec *r = req->r;
    const char *body = NULL, *errmsg = NULL, *auth;
    apr_size_t len = 0;
    int rc = cc_read_body(req, &body, &len);

    if (rc != OK)
        return rc;
    if (len == 0) {
        *fields = apr_table_make(r->pool, 1);
    } else if (cc_body_parse(r->pool, apr_table_get(r->headers_in, "Content-Type"), body, len,
                             fields, &errmsg) != APR_SUCCESS) {
        cc_send_error(req, HTTP_BAD_REQUEST, errmsg);
        return DONE;
    }
    *token = apr_table_get(*fields, "token");
    auth = apr_table_get(r->headers_in, "Authorization");
    if (*token == NULL && auth && !strncasecmp(auth, "Bearer ", 7))
        *token = auth + 7;
    return OK;
}

int cc_handle_runner_submit(cc_request *req)
{
    request_rec *r = req->r;
    const char *errmsg = NULL, *token = NULL;
    apr_table_t *fields = NULL, *values;
    cc_db *db = NULL;
    cc_run_result res;
    int rc = read_fields(req, &fields, &token);

    if (rc != OK)
        return rc;
    values = collect_values(r->pool, fields, &errmsg);
    if (values == NULL)
        return cc_send_error(req, HTTP_BAD_REQUEST, errmsg);
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if (cc_runner_session_expired(req, db, token, (long)apr_time_sec(apr_time_now())))
        return DONE;
    cc_rhost_request_options(req);
    if (cc_run_submit(db, r->pool, req->route.params[0], token, values,
                      apr_table_get(fields, "submitId") ? apr_table_get(fields, "submitId")
                                                        : apr_table_get(values, "submitId"),
                      (long)apr_time_sec(apr_time_now()), &res) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE, "the answers could not be saved");
    }
    return send_result(req, &res);
}

int cc_handle_test_session(cc_request *req)
{
    request_rec *r = req->r;
    const char *token = NULL, *hash = req->route.params[0];
    apr_table_t *fields = NULL;
    cc_db *db = NULL;
    cc_run_result res;
    long now = (long)apr_time_sec(apr_time_now());
    apr_status_t rv = APR_SUCCESS;
    int rc;

    rc = read_fields(req, &fields, &token);
    if (rc == OK)
        rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if ((req->route.endpoint == CC_EP_TEST_RESUME || req->route.endpoint == CC_EP_TEST_KEEPALIVE) &&
        cc_runner_session_expired(req, db, token, now))
        return DONE;
    cc_rhost_request_options(req);
    switch (req->route.endpoint) {
    case CC_EP_TEST_RESUME:
        rv = cc_run_resume(db, r->pool, hash, token, now, &res);
        break;
    case CC_EP_TEST_KEEPALIVE:
        rv = cc_run_keepalive(db, r->pool, hash, token, now, &res);
        break;
    case CC_EP_TEST_KILL:
        rv = cc_run_kill(db, r->pool, hash, token, now, &res);
        break;
    default:
        rv = cc_run_log(db, r->pool, hash, token, apr_table_get(fields, "error"), now, &res);
        break;
    }
    if (rv != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE, "the session could not be updated");
    }
    return send_result(req, &res);
}
