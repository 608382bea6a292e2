/* Concerto's participant upload: POST /test/session/{hash}/upload with a
 * multipart/form-data body (parts "file", "token", and optionally "name"
 * for the file's name), at most ConcertoMaxBodySize bytes. The checks and
 * the storing are in runner/service.c (cc_run_upload). */
#include "glue.h"

#include "core/multipart.h"
#include "runner/service.h"

#include <apr_strings.h>
#include <json.h>

static int send_upload_error(cc_request *req, int status, const char *message)
{
    json_object *root = json_object_new_object();
    const char *text;

    ap_log_rerror(APLOG_MARK, status >= 500 ? APLOG_ERR : APLOG_INFO, 0, req->r,
                  "upload refused: %d %s", status, message);
    json_object_object_add(root, "result", json_object_new_int(-1));
    json_object_object_add(root, "error", json_object_new_string(message));
    text = apr_pstrdup(req->r->pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN));
    json_object_put(root);
    return cc_send_json(req->r, status, text);
}

int cc_handle_test_upload(cc_request *req)
{
    request_rec *r = req->r;
    const char *body = NULL, *boundary = NULL, *errmsg = NULL, *token = NULL, *name = NULL;
    const cc_multipart_part *file, *part;
    apr_array_header_t *parts = NULL;
    apr_size_t len = 0;
    cc_db *db = NULL;
    cc_run_result res;
    int rc, go_on = 0;

    if (cc_multipart_boundary(r->pool, apr_table_get(r->headers_in, "Content-Type"), &boundary,
                              &errmsg) != APR_SUCCESS)
        return send_upload_error(req, HTTP_UNSUPPORTED_MEDIA_TYPE, errmsg);
    rc = cc_read_body(req, &body, &len);
    if (rc != OK)
        return rc;
    if (cc_multipart_parse(r->pool, boundary, body, len, &parts, &errmsg) != APR_SUCCESS)
        return send_upload_error(req, HTTP_BAD_REQUEST, errmsg);
    part = cc_multipart_find(parts, "token");
    token = part ? part->data : NULL;
    if (token == NULL)
        token = apr_table_get(r->headers_in, "Authorization") &&
                        !strncasecmp(apr_table_get(r->headers_in, "Authorization"), "Bearer ", 7)
                    ? apr_table_get(r->headers_in, "Authorization") + 7
                    : NULL;
    file = cc_multipart_find(parts, "file");
    part = cc_multipart_find(parts, "name");
    name = part && part->len ? part->data : file ? file->filename : NULL;
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    /* idle expiry first, answered in the upload's own form */
    if (cc_run_expire_idle(db, r->pool, req->route.params[0], token,
                           cc_config_session_max_idle(req->cfg), (long)apr_time_sec(apr_time_now()),
                           &go_on, &res) != APR_SUCCESS) {
        req->db_broken = 1;
        return send_upload_error(req, HTTP_SERVICE_UNAVAILABLE, "the session could not be read");
    }
    if (!go_on)
        return send_upload_error(req, res.http_status, res.message);
    if (cc_run_upload(db, r->pool, req->route.params[0], token, name, file ? file->data : NULL,
                      file ? file->len : 0, cc_config_data_dir(req->cfg),
                      (long)apr_time_sec(apr_time_now()), &res) != APR_SUCCESS) {
        req->db_broken = 1;
        return send_upload_error(req, HTTP_SERVICE_UNAVAILABLE, "the file could not be stored");
    }
    if (res.http_status != 200)
        ap_log_rerror(APLOG_MARK, res.http_status >= 500 ? APLOG_ERR : APLOG_INFO, 0, r,
                      "%s %s: %d %s", r->method, r->uri, res.http_status, res.message);
    return cc_send_json(r, res.http_status, res.json);
}
