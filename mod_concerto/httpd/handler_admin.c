/* The administrators' login: POST /api/admin/login checks the password
 * (with Concerto's lockout) and starts a cookie session (admin_auth.c). */
#include "glue.h"

#include "core/body.h"
#include "store/users.h"

#include <apr_strings.h>
#include <json.h>

int cc_handle_admin_login(cc_request *req)
{
    request_rec *r = req->r;
    const char *body = NULL, *errmsg = NULL, *username, *password, *csrf_token = NULL;
    cc_user_record *user = NULL;
    apr_size_t len = 0;
    apr_table_t *fields = NULL;
    cc_db *db = NULL;
    cc_login_outcome outcome = CC_LOGIN_WRONG;
    long locked_until = 0;
    int rc;
    apr_status_t rv;

    /* A login from another site's page would log the browser into an
     * account of the attacker's choosing. */
    rc = cc_admin_check_origin(req);
    if (rc != OK)
        return rc;
    rc = cc_read_body(req, &body, &len);
    if (rc != OK)
        return rc;
    rv = cc_body_parse(r->pool, apr_table_get(r->headers_in, "Content-Type"), body, len, &fields,
                       &errmsg);
    if (rv != APR_SUCCESS)
        return cc_send_error(
            req, rv == APR_ENOTIMPL ? HTTP_UNSUPPORTED_MEDIA_TYPE : HTTP_BAD_REQUEST, errmsg);
    username = apr_table_get(fields, "username");
    password = apr_table_get(fields, "password");
    if (username == NULL || *username == '\0' || password == NULL)
        return cc_send_error(req, HTTP_BAD_REQUEST,
                             "both \"username\" and \"password\" are required");
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if (cc_user_login(db, r->pool, username, password, (long)apr_time_sec(r->request_time),
                      cc_config_login_max_failures(req->cfg), cc_config_login_lockout(req->cfg),
                      &outcome, &locked_until) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(
            req, HTTP_SERVICE_UNAVAILABLE,
            apr_pstrcat(r->pool, "cannot check the password: ", db->last_error, NULL));
    }
    if (outcome == CC_LOGIN_LOCKED) {
        long wait = locked_until - (long)apr_time_sec(r->request_time);
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "login refused: user \"%s\" is locked",
                      ap_escape_logitem(r->pool, username));
        apr_table_setn(r->err_headers_out, "Retry-After", apr_ltoa(r->pool, wait));
        return cc_send_error(
            req, HTTP_TOO_MANY_REQUESTS,
            apr_psprintf(r->pool,
                         "this account is locked after too many wrong passwords; try again in "
                         "%ld second%s",
                         wait, wait == 1 ? "" : "s"));
    }
    if (outcome != CC_LOGIN_OK) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "failed login for user \"%s\"%s",
                      ap_escape_logitem(r->pool, username),
                      locked_until ? "; the account is now locked" : "");
        return cc_send_error(req, HTTP_UNAUTHORIZED, "wrong user name or password");
    }
    if (cc_user_load(db, r->pool, 0, username, &user) != APR_SUCCESS || user == NULL) {
        req->db_broken = 1;
        return cc_send_error(req, HTTP_SERVICE_UNAVAILABLE,
                             apr_pstrcat(r->pool, "cannot read the account: ",
                                         db->last_error ? db->last_error : "it is gone", NULL));
    }
    rc = cc_admin_start_session(req, user->principal.user_id, 0, &csrf_token);
    if (rc != OK)
        return rc;
    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "user \"%s\" logged in",
                  ap_escape_logitem(r->pool, username));
    {
        json_object *answer = json_object_new_object();
        const char *text;
        json_object_object_add(answer, "username", json_object_new_string(username));
        json_object_object_add(answer, "roles", cc_admin_role_list(user->principal.roles));
        json_object_object_add(answer, "csrf_token", json_object_new_string(csrf_token));
        text = apr_pstrdup(r->pool, json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN));
        json_object_put(answer);
        return cc_send_json(r, HTTP_OK, text);
    }
}
