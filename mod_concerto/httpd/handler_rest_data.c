/* /api/data/{table}[/{row}] (spec 4.5): ROLE_TABLE, a bearer token or a
 * cookie session; the core (admin/data.h) does the rest. */
#include "glue.h"

#include "admin/data.h"
#include "core/access.h"

#include <apr_strings.h>

static int principal_allows(void *baton, long owner_id, int accessibility, const char *groups)
{
    return cc_access_allows(baton, owner_id, accessibility, groups);
}

int cc_handle_rest_data(cc_request *req)
{
    request_rec *r = req->r;
    cc_rest_request call;
    cc_rest_answer answer;
    cc_admin_error err = {0, NULL, NULL};
    cc_admin_actor actor;
    const cc_principal *who = NULL;
    cc_db *db = NULL;
    int rc;

    memset(&call, 0, sizeof(call));
    if (!cc_rest_split(r->pool, req->path + strlen("/api/data/"), &call))
        return cc_send_error(req, HTTP_NOT_FOUND,
                             apr_psprintf(r->pool, "there is nothing at %s", r->uri));
    rc = cc_admin_require(req, CC_ROLE_TABLE, &who);
    if (rc != OK)
        return rc;
    if (strcmp(r->method, "GET") != 0 && strcmp(r->method, "HEAD") != 0 &&
        strcmp(r->method, "DELETE") != 0) {
        rc = cc_read_body(req, &call.body, &call.len);
        if (rc != OK)
            return rc;
    }
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    actor.user_id = who->user_id;
    actor.username = who->username;
    actor.allows = principal_allows;
    actor.baton = (void *)who;
    actor.super_admin = (who->roles & CC_ROLE_SUPER_ADMIN) != 0;
    call.method = r->method;
    call.query = r->args;
    call.content_type = apr_table_get(r->headers_in, "Content-Type");
    call.actor = &actor;
    call.now = (long)apr_time_sec(r->request_time);
    if (cc_admin_data_handle(db, r->pool, &call, &answer, &err) != APR_SUCCESS)
        return cc_rest_send_error(req, &err);
    return cc_rest_send_answer(req, &answer);
}
