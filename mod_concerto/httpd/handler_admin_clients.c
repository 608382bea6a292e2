/* API clients (super admin): GET and POST /api/admin/clients, DELETE
 * /api/admin/clients/{id}. The token is in the answer to POST only. */
#include "glue.h"

#include "core/body.h"
#include "store/api_clients.h"

#include <apr_lib.h>
#include <apr_strings.h>
#include <json.h>
#include <stdlib.h>

static int send_object(request_rec *r, int status, json_object *answer)
{
    const char *text =
        apr_pstrdup(r->pool, json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN));

    json_object_put(answer);
    return cc_send_json(r, status, text);
}

static int db_failed(cc_request *req, cc_db *db, const char *what)
{
    req->db_broken = 1;
    return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE,
                         apr_pstrcat(req->r->pool, what, ": ", db->last_error, NULL));
}

static json_object *client_json(const cc_api_client *c)
{
    json_object *o = json_object_new_object();

    json_object_object_add(o, "id", json_object_new_int64(c->id));
    json_object_object_add(o, "name", json_object_new_string(c->name));
    json_object_object_add(o, "user_id", json_object_new_int64(c->user_id));
    json_object_object_add(o, "username", json_object_new_string(c->username));
    json_object_object_add(o, "created", json_object_new_int64(c->created));
    json_object_object_add(o, "last_used",
                           c->last_used ? json_object_new_int64(c->last_used) : NULL);
    return o;
}

int cc_handle_admin_clients(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    cc_api_client *clients = NULL;
    cc_db *db = NULL;
    json_object *answer, *items;
    int count = 0, i;
    int rc = cc_admin_require(req, CC_ROLE_SUPER_ADMIN, &who);

    if (rc == OK)
        rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if (cc_api_client_list(db, r->pool, &clients, &count) != APR_SUCCESS)
        return db_failed(req, db, "cannot list the API clients");
    items = json_object_new_array();
    for (i = 0; i < count; i++)
        json_object_array_add(items, client_json(&clients[i]));
    answer = json_object_new_object();
    json_object_object_add(answer, "items", items);
    json_object_object_add(answer, "total", json_object_new_int(count));
    json_object_object_add(answer, "page", json_object_new_int(1));
    json_object_object_add(answer, "per_page", json_object_new_int(count > 0 ? count : 1));
    return send_object(r, HTTP_OK, answer);
}

static const char *trimmed(apr_pool_t *pool, const char *text)
{
    apr_size_t len;

    if (text == NULL)
        return NULL;
    while (apr_isspace(*text))
        text++;
    len = strlen(text);
    while (len > 0 && apr_isspace(text[len - 1]))
        len--;
    return apr_pstrmemdup(pool, text, len);
}

/* 422 naming the field, as the REST API's validation errors. */
static int invalid_name(cc_request *req, const char *message)
{
    json_object *answer = json_object_new_object();

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, req->r, "%s %s: 422 %s", req->r->method, req->r->uri,
                  message);
    json_object_object_add(answer, "error", json_object_new_string(message));
    json_object_object_add(answer, "field", json_object_new_string("name"));
    return send_object(req->r, HTTP_UNPROCESSABLE_ENTITY, answer);
}

int cc_handle_admin_client_create(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    const char *body = NULL, *errmsg = NULL, *name, *token = NULL;
    apr_size_t len = 0;
    apr_table_t *fields = NULL;
    cc_db *db = NULL;
    long id = 0;
    json_object *answer;
    apr_status_t rv;
    int rc = cc_admin_require(req, CC_ROLE_SUPER_ADMIN, &who);

    if (rc == OK)
        rc = cc_read_body(req, &body, &len);
    if (rc != OK)
        return rc;
    rv = cc_body_parse(r->pool, apr_table_get(r->headers_in, "Content-Type"), body, len, &fields,
                       &errmsg);
    if (rv != APR_SUCCESS)
        return cc_send_error(
            req, rv == APR_ENOTIMPL ? HTTP_UNSUPPORTED_MEDIA_TYPE : HTTP_BAD_REQUEST, errmsg);
    name = trimmed(r->pool, apr_table_get(fields, "name"));
    if (name == NULL || *name == '\0')
        return invalid_name(req, "an API client needs a name (who or what will use its token)");
    if (strlen(name) > CC_API_CLIENT_NAME_MAX)
        return invalid_name(req, apr_psprintf(r->pool, "the name is longer than %d characters",
                                              CC_API_CLIENT_NAME_MAX));
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if (cc_api_client_create(db, r->pool, who->user_id, name, (long)apr_time_sec(r->request_time),
                             &token, &id) != APR_SUCCESS)
        return db_failed(req, db, "cannot create the API client");
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "user \"%s\" created API client %ld \"%s\"",
                  ap_escape_logitem(r->pool, who->username), id, ap_escape_logitem(r->pool, name));
    answer = json_object_new_object();
    json_object_object_add(answer, "id", json_object_new_int64(id));
    json_object_object_add(answer, "name", json_object_new_string(name));
    json_object_object_add(answer, "token", json_object_new_string(token));
    apr_table_setn(r->headers_out, "Location",
                   apr_psprintf(r->pool, "%s/api/admin/clients/%ld", cc_request_base_url(req), id));
    return send_object(r, HTTP_CREATED, answer);
}

int cc_handle_admin_client_delete(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    const char *text = req->route.params[0];
    char *end = NULL;
    long id;
    int found = 0;
    cc_db *db = NULL;
    int rc = cc_admin_require(req, CC_ROLE_SUPER_ADMIN, &who);

    if (rc != OK)
        return rc;
    id = strtol(text, &end, 10);
    if (end == text || *end != '\0' || id <= 0)
        return cc_send_error(req, HTTP_NOT_FOUND,
                             "API clients are known by their number, as GET /api/admin/clients "
                             "lists them");
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if (cc_api_client_delete(db, r->pool, id, &found) != APR_SUCCESS)
        return db_failed(req, db, "cannot delete the API client");
    if (!found)
        return cc_send_error(req, HTTP_NOT_FOUND,
                             apr_psprintf(r->pool, "there is no API client %ld", id));
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "user \"%s\" deleted API client %ld",
                  ap_escape_logitem(r->pool, who->username), id);
    r->status = HTTP_NO_CONTENT;
    return OK;
}
