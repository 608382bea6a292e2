/* /api/data/{table}[/{row}] (spec 4.5): ROLE_TABLE, a bearer token or a
 * cookie session; the core (admin/data.h) does the rest. */
#include "glue.h"

#include "admin/data.h"
#include "core/access.h"

#include <apr_strings.h>

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
    cc_rest_call_init(req, who, &actor, &call);
    if (cc_admin_data_handle(db, r->pool, &call, &answer, &err) != APR_SUCCESS)
        return cc_rest_send_error(req, &err);
    return cc_rest_send_answer(req, &answer);
}
