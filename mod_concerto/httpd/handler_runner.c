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
    if (cc_run_start(db, r->pool, req->route.params[0], r->useragent_ip,
                     apr_table_get(r->headers_in, "User-Agent"), (long)apr_time_sec(apr_time_now()),
                     &res) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE, "the session could not be started");
    }
    return send_result(req, &res);
}

int cc_handle_runner_submit(cc_request *req)
{
    request_rec *r = req->r;
    const char *body = NULL, *errmsg = NULL, *values_text, *token;
    apr_size_t len = 0;
    apr_table_t *fields = NULL, *values = NULL;
    cc_db *db = NULL;
    cc_run_result res;
    int rc = cc_read_body(req, &body, &len);

    if (rc != OK)
        return rc;
    if (cc_body_parse(r->pool, apr_table_get(r->headers_in, "Content-Type"), body, len, &fields,
                      &errmsg) != APR_SUCCESS)
        return cc_send_error(req, HTTP_BAD_REQUEST, errmsg);
    values_text = apr_table_get(fields, "values");
    if (values_text == NULL)
        values_text = "{}";
    if (cc_body_parse(r->pool, "application/json", values_text, strlen(values_text), &values,
                      &errmsg) != APR_SUCCESS)
        return cc_send_error(
            req, HTTP_BAD_REQUEST,
            apr_pstrcat(r->pool, "\"values\" must be a JSON object: ", errmsg, NULL));
    token = apr_table_get(fields, "token");
    if (token == NULL) {
        const char *auth = apr_table_get(r->headers_in, "Authorization");
        if (auth && !strncasecmp(auth, "Bearer ", 7))
            token = auth + 7;
    }
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if (cc_run_submit(db, r->pool, req->route.params[0], token, values,
                      apr_table_get(fields, "submitId"), (long)apr_time_sec(apr_time_now()),
                      &res) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE, "the answers could not be saved");
    }
    return send_result(req, &res);
}
