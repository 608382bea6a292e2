/* The administrators' login: POST /api/admin/login checks the password
 * (with Concerto's lockout) and starts a cookie session (admin_auth.c). */
#include "glue.h"

#include "core/body.h"
#include "store/user_totp.h"
#include "store/users.h"

#include <apr_strings.h>
#include <json.h>

/* 401 {"error":..., "totp_required":true}: the password was right, the
 * second step is missing or wrong. */
static int totp_required(cc_request *req, const char *message)
{
    request_rec *r = req->r;
    json_object *answer = json_object_new_object();
    const char *text;

    ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s %s: 401 %s", r->method, r->uri, message);
    json_object_object_add(answer, "error", json_object_new_string(message));
    json_object_object_add(answer, "totp_required", json_object_new_boolean(1));
    text = apr_pstrdup(r->pool, json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN));
    json_object_put(answer);
    return cc_send_json(r, HTTP_UNAUTHORIZED, text);
}

/* The second step for an account with TOTP on: OK, or DONE after answering.
 * A wrong code counts towards the lockout, as a wrong password does. */
static int check_totp(cc_request *req, cc_db *db, const cc_user_record *user, const char *code)
{
    request_rec *r = req->r;
    long now = (long)apr_time_sec(r->request_time), locked_until = 0;
    int valid = 0;
    apr_status_t rv;

    if (code == NULL || *code == '\0') {
        totp_required(req, "this account also needs the 6-digit code from its authenticator app");
        return DONE;
    }
    rv = cc_user_totp_check(db, r->pool, user->principal.user_id, code, now, &valid);
    if (rv == APR_SUCCESS)
        rv = valid ? cc_user_login_succeeded(db, r->pool, user->principal.username)
                   : cc_user_login_failed(db, r->pool, user->principal.username, now,
                                          cc_config_login_max_failures(req->cfg),
                                          cc_config_login_lockout(req->cfg), &locked_until);
    if (rv != APR_SUCCESS) {
        req->db_broken = 1;
        cc_send_error(req, HTTP_SERVICE_UNAVAILABLE,
                      apr_pstrcat(r->pool, "cannot check the code: ", db->last_error, NULL));
        return DONE;
    }
    if (valid)
        return OK;
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "failed login for user \"%s\": wrong TOTP code%s",
                  ap_escape_logitem(r->pool, user->principal.username),
                  locked_until ? "; the account is now locked" : "");
    totp_required(req, "the code is wrong or was used already; wait for the next one");
    return DONE;
}

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
    if (user->totp_enabled) {
        rc = check_totp(req, db, user, apr_table_get(fields, "totp"));
        if (rc != OK)
            return rc;
    }
    rc = cc_admin_start_session(req, user->principal.user_id, user->totp_enabled, &csrf_token);
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
