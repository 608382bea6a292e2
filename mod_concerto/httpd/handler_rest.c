/* The REST API below /api/admin/ (ISSUE7-CONTRACT section 3): who is
 * asking (cc_admin_require with the kind's role), the body, and the
 * answer of the core's dispatcher (admin/rest.h). */
#include "glue.h"

#include "admin/rest.h"
#include "core/access.h"

#include <apr_strings.h>
#include <json.h>

static unsigned area_role(cc_admin_area area)
{
    switch (area) {
    case CC_AREA_TEST:
        return CC_ROLE_TEST;
    case CC_AREA_TEMPLATE:
        return CC_ROLE_TEMPLATE;
    case CC_AREA_TABLE:
        return CC_ROLE_TABLE;
    case CC_AREA_WIZARD:
        return CC_ROLE_WIZARD;
    case CC_AREA_FILE:
        return CC_ROLE_FILE;
    case CC_AREA_SUPER_ADMIN:
    case CC_AREA_UNKNOWN:
        break;
    }
    return CC_ROLE_SUPER_ADMIN;
}

static int principal_allows(void *baton, long owner_id, int accessibility, const char *groups)
{
    return cc_access_allows(baton, owner_id, accessibility, groups);
}

void cc_rest_call_init(cc_request *req, const cc_principal *who, cc_admin_actor *actor,
                       cc_rest_request *call)
{
    request_rec *r = req->r;

    actor->user_id = who->user_id;
    actor->username = who->username;
    actor->allows = principal_allows;
    actor->baton = (void *)who;
    actor->super_admin = (who->roles & CC_ROLE_SUPER_ADMIN) != 0;
    call->method = r->method;
    call->query = r->args;
    call->content_type = apr_table_get(r->headers_in, "Content-Type");
    call->actor = actor;
    call->now = (long)apr_time_sec(r->request_time);
}

/* {"error": message[, "field": name]} with a tagged log line. */
static int send_rest_error(cc_request *req, const cc_admin_error *err)
{
    request_rec *r = req->r;
    json_object *o = json_object_new_object();
    const char *text;
    int status = err->status >= 400 && err->status <= 599 ? err->status : 500;

    ap_log_rerror(APLOG_MARK, status >= 500 ? APLOG_ERR : APLOG_INFO, 0, r,
                  "admin api: %s %s: %d %s%s%s", r->method, r->uri, status,
                  err->message ? err->message : "", err->field ? " (field " : "",
                  err->field ? apr_pstrcat(r->pool, err->field, ")", NULL) : "");
    json_object_object_add(o, "error",
                           json_object_new_string(err->message ? err->message : "failed"));
    if (err->field)
        json_object_object_add(o, "field", json_object_new_string(err->field));
    text =
        apr_pstrcat(r->pool, json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), "\n", NULL);
    json_object_put(o);
    return cc_send_json(r, status, text);
}

int cc_rest_send_answer(cc_request *req, const cc_rest_answer *answer)
{
    request_rec *r = req->r;

    if (answer->status == HTTP_NO_CONTENT) {
        r->status = HTTP_NO_CONTENT;
        apr_table_setn(r->headers_out, "Cache-Control", "no-store");
        return OK;
    }
    if (answer->json)
        return cc_send_json(
            r, answer->status,
            apr_pstrcat(r->pool,
                        json_object_to_json_string_ext(answer->json, JSON_C_TO_STRING_PLAIN), "\n",
                        NULL));
    if (answer->filename)
        apr_table_setn(r->headers_out, "Content-Disposition",
                       apr_psprintf(r->pool, "attachment; filename=\"%s\"", answer->filename));
    return cc_send_text(r, answer->status, answer->content_type, answer->text ? answer->text : "");
}

int cc_rest_send_error(cc_request *req, const cc_admin_error *err)
{
    return send_rest_error(req, err);
}

/* The methods of the routes other than the REST API's that take path
 * (e.g. POST, DELETE for /api/admin/me/totp), or NULL: a generic route
 * took a request the specific ones refuse by method. */
static const char *specific_methods(apr_pool_t *pool, const char *path)
{
    static const char *const methods[] = {"GET", "POST", "PUT", "DELETE", NULL};
    const char *allow = NULL;
    int i;

    for (i = 0; methods[i]; i++) {
        cc_route_match m;
        if (cc_route(pool, methods[i], path, &m) == CC_ROUTE_FOUND &&
            strncmp(cc_endpoint_label(m.endpoint), "rest_", 5) != 0)
            allow = allow ? apr_pstrcat(pool, allow, ", ", methods[i], NULL) : methods[i];
    }
    return allow;
}

int cc_handle_rest(cc_request *req)
{
    request_rec *r = req->r;
    cc_rest_request call;
    cc_rest_answer answer;
    cc_admin_error err = {0, NULL, NULL};
    cc_admin_actor actor;
    const cc_principal *who = NULL;
    cc_admin_area area;
    cc_db *db = NULL;
    const char *allow;
    int rc;

    memset(&call, 0, sizeof(call));
    if ((allow = specific_methods(r->pool, req->path)) != NULL) {
        apr_table_setn(r->headers_out, "Allow", allow);
        return cc_send_error(
            req, HTTP_METHOD_NOT_ALLOWED,
            apr_psprintf(r->pool, "%s is not allowed here; use %s", r->method, allow));
    }
    if (!cc_rest_split(r->pool, req->path + strlen("/api/admin/"), &call))
        return cc_send_error(req, HTTP_NOT_FOUND,
                             apr_psprintf(r->pool, "there is nothing at %s", r->uri));
    area = cc_rest_area(call.segs[0]);
    /* An unknown kind is 404 only for someone logged in. */
    rc = cc_admin_require(req, area == CC_AREA_UNKNOWN ? 0 : area_role(area), &who);
    if (rc != OK)
        return rc;
    if (area == CC_AREA_UNKNOWN)
        return cc_send_error(
            req, HTTP_NOT_FOUND,
            apr_psprintf(r->pool, "there is no kind \"%s\" in the admin API", call.segs[0]));
    if (!strcmp(r->method, "POST") || !strcmp(r->method, "PUT")) {
        rc = cc_read_body(req, &call.body, &call.len);
        if (rc != OK)
            return rc;
    }
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    cc_rest_call_init(req, who, &actor, &call);
    call.data_dir = cc_config_data_dir(req->cfg);
    /* The window of /api/check/session_count: idle time, capped by the max. */
    call.idle_seconds = cc_config_session_idle_time(req->cfg) < cc_config_session_max_idle(req->cfg)
                            ? cc_config_session_idle_time(req->cfg)
                            : cc_config_session_max_idle(req->cfg);
    if (cc_rest_handle(db, r->pool, &call, &answer, &err) != APR_SUCCESS)
        return send_rest_error(req, &err);
    return cc_rest_send_answer(req, &answer);
}
