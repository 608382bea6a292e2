/* Writing answers and reading bodies. */
#include "glue.h"

#include <apr_strings.h>
#include <json.h>

int cc_send_text(request_rec *r, int status, const char *content_type, const char *body)
{
    r->status = status;
    ap_set_content_type(r, content_type);
    ap_set_content_length(r, (apr_off_t)strlen(body));
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    apr_table_setn(r->headers_out, "X-Content-Type-Options", "nosniff");
    if (!r->header_only)
        ap_rwrite(body, (int)strlen(body), r);
    return OK;
}

int cc_send_json(request_rec *r, int status, const char *json)
{
    return cc_send_text(r, status, "application/json; charset=utf-8", json);
}

static const char *json_error_body(apr_pool_t *pool, int status, const char *message)
{
    json_object *root = json_object_new_object();
    json_object *error = json_object_new_object();
    const char *text;

    json_object_object_add(error, "status", json_object_new_int(status));
    json_object_object_add(error, "message", json_object_new_string(message));
    json_object_object_add(root, "error", error);
    text =
        apr_pstrcat(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN), "\n", NULL);
    json_object_put(root);
    return text;
}

static const char *html_error_body(apr_pool_t *pool, int status, const char *message)
{
    const char *title = ap_get_status_line(status);

    return apr_psprintf(pool,
                        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                        "<title>%s</title></head>\n<body><h1>%s</h1>\n<p>%s</p></body></html>\n",
                        ap_escape_html(pool, title), ap_escape_html(pool, title),
                        ap_escape_html(pool, message));
}

/* The admin API's errors: {"error":"a sentence"} (ISSUE7-CONTRACT). */
static const char *admin_error_body(apr_pool_t *pool, const char *message)
{
    json_object *root = json_object_new_object();
    const char *text;

    json_object_object_add(root, "error", json_object_new_string(message));
    text =
        apr_pstrcat(pool, json_object_to_json_string_ext(root, JSON_C_TO_STRING_PLAIN), "\n", NULL);
    json_object_put(root);
    return text;
}

int cc_send_error(cc_request *req, int status, const char *message)
{
    request_rec *r = req->r;
    int is_api = req->path && !strncmp(req->path, "/api/", 5);
    int is_admin_api = is_api && !strncmp(req->path, "/api/admin/", 11);

    if (status >= 500)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, r, "%s %s: %d %s", r->method, r->uri, status,
                      message);
    else
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s %s: %d %s", r->method, r->uri, status,
                      message);
    /* A refused body may still be on the wire: do not reuse the connection. */
    if (status == HTTP_REQUEST_ENTITY_TOO_LARGE)
        r->connection->keepalive = AP_CONN_CLOSE;
    if (is_admin_api)
        return cc_send_json(r, status, admin_error_body(r->pool, message));
    if (is_api)
        return cc_send_json(r, status, json_error_body(r->pool, status, message));
    return cc_send_text(r, status, "text/html; charset=utf-8",
                        html_error_body(r->pool, status, message));
}

static int body_too_large(cc_request *req, apr_off_t limit)
{
    cc_send_error(req, HTTP_REQUEST_ENTITY_TOO_LARGE,
                  apr_psprintf(req->r->pool,
                               "the request body is larger than the %" APR_OFF_T_FMT
                               " bytes this server accepts",
                               limit));
    return DONE;
}

int cc_read_body(cc_request *req, const char **body, apr_size_t *len)
{
    request_rec *r = req->r;
    apr_off_t limit = cc_config_max_body_size(req->cfg);
    const char *declared = apr_table_get(r->headers_in, "Content-Length");
    apr_size_t capacity = 8192, used = 0;
    char *buffer;
    int rc;

    if (req->body_read) {
        *body = req->body;
        *len = req->body_len;
        return OK;
    }
    if (declared && apr_atoi64(declared) > limit)
        return body_too_large(req, limit);
    rc = ap_setup_client_block(r, REQUEST_CHUNKED_DECHUNK);
    if (rc != OK) {
        cc_send_error(req, rc, "the request body cannot be read");
        return DONE;
    }
    if (declared && apr_atoi64(declared) > 0)
        capacity = (apr_size_t)apr_atoi64(declared) + 1;
    buffer = apr_palloc(r->pool, capacity);
    if (ap_should_client_block(r)) {
        long got;
        /* Grow by doubling: memory follows what was sent, never the limit. */
        for (;;) {
            if (used + 1 >= capacity) {
                char *larger = apr_palloc(r->pool, capacity * 2);
                memcpy(larger, buffer, used);
                buffer = larger;
                capacity *= 2;
            }
            got = ap_get_client_block(r, buffer + used, capacity - used - 1);
            if (got <= 0)
                break;
            used += (apr_size_t)got;
            if (used > (apr_size_t)limit)
                return body_too_large(req, limit);
        }
        if (got < 0) {
            cc_send_error(req, HTTP_BAD_REQUEST, "the request body could not be read completely");
            return DONE;
        }
    }
    buffer[used] = '\0';
    req->body = *body = buffer;
    req->body_len = *len = used;
    req->body_read = 1;
    return OK;
}
