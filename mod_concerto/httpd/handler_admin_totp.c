/* Two-step login for the logged-in user: POST /api/admin/me/totp makes a
 * pending secret, POST /api/admin/me/totp/confirm {"code"} turns it on,
 * DELETE /api/admin/me/totp {"code"} turns it off. */
#include "glue.h"

#include "core/body.h"
#include "core/totp.h"
#include "store/user_totp.h"

#include <apr_strings.h>
#include <json.h>

#define TOTP_ISSUER "Concerto"

static int send_object(request_rec *r, int status, json_object *answer)
{
    const char *text =
        apr_pstrdup(r->pool, json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN));

    json_object_put(answer);
    return cc_send_json(r, status, text);
}

static int db_failed(cc_request *req, cc_db *db)
{
    req->db_broken = 1;
    cc_send_error(
        req, HTTP_SERVICE_UNAVAILABLE,
        apr_pstrcat(req->r->pool, "cannot change the two-step login: ", db->last_error, NULL));
    return DONE;
}

/* The logged-in person (not an API client) and their TOTP state. OK or DONE. */
static int totp_caller(cc_request *req, const cc_principal **who, cc_db **db, cc_user_totp *totp)
{
    int rc = cc_admin_require(req, 0, who);

    if (rc != OK)
        return rc;
    if ((*who)->via_bearer) {
        cc_send_error(req, HTTP_FORBIDDEN,
                      "an API client cannot change its user's two-step login; log in instead");
        return DONE;
    }
    rc = cc_request_db(req, db);
    if (rc != OK)
        return rc;
    if (cc_user_totp_get(*db, req->r->pool, (*who)->user_id, totp) != APR_SUCCESS)
        return db_failed(req, *db);
    return OK;
}

/* The "code" of the body: OK or DONE. */
static int read_code(cc_request *req, const char **code)
{
    const char *body = NULL, *errmsg = NULL;
    apr_size_t len = 0;
    apr_table_t *fields = NULL;
    apr_status_t rv;
    int rc = cc_read_body(req, &body, &len);

    if (rc != OK)
        return rc;
    rv = cc_body_parse(req->r->pool, apr_table_get(req->r->headers_in, "Content-Type"), body, len,
                       &fields, &errmsg);
    if (rv != APR_SUCCESS) {
        cc_send_error(req, rv == APR_ENOTIMPL ? HTTP_UNSUPPORTED_MEDIA_TYPE : HTTP_BAD_REQUEST,
                      errmsg);
        return DONE;
    }
    *code = apr_table_get(fields, "code");
    return OK;
}

/* Checks code (and uses it up): OK, or DONE after 422 naming the field. */
static int check_code(cc_request *req, cc_db *db, long user_id, const char *code)
{
    request_rec *r = req->r;
    int valid = 0;

    if (cc_user_totp_check(db, r->pool, user_id, code, (long)apr_time_sec(r->request_time),
                           &valid) != APR_SUCCESS)
        return db_failed(req, db);
    if (!valid) {
        json_object *answer = json_object_new_object();
        const char *message = code == NULL || *code == '\0'
                                  ? "send the 6-digit code your authenticator app shows"
                                  : "the code is wrong or was used already; wait for the next one";
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "%s %s: 422 %s", r->method, r->uri, message);
        json_object_object_add(answer, "error", json_object_new_string(message));
        json_object_object_add(answer, "field", json_object_new_string("code"));
        send_object(r, HTTP_UNPROCESSABLE_ENTITY, answer);
        return DONE;
    }
    return OK;
}

int cc_handle_admin_totp_begin(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    cc_db *db = NULL;
    cc_user_totp totp;
    const char *secret = NULL;
    json_object *answer;
    int rc = totp_caller(req, &who, &db, &totp);

    if (rc != OK)
        return rc;
    if (totp.enabled)
        return cc_send_error(req, HTTP_CONFLICT,
                             "two-step login is on already; turn it off (with a code) to set up "
                             "a new secret");
    if (cc_totp_new_secret(r->pool, &secret) != APR_SUCCESS)
        return cc_send_error(req, HTTP_INTERNAL_SERVER_ERROR, "no random bytes for a secret");
    if (cc_user_totp_begin(db, r->pool, who->user_id, secret) != APR_SUCCESS)
        return db_failed(req, db);
    answer = json_object_new_object();
    json_object_object_add(answer, "secret", json_object_new_string(secret));
    json_object_object_add(
        answer, "otpauth_uri",
        json_object_new_string(cc_totp_uri(r->pool, TOTP_ISSUER, who->username, secret)));
    return send_object(r, HTTP_OK, answer);
}

static int answer_state(request_rec *r, int enabled)
{
    json_object *answer = json_object_new_object();

    json_object_object_add(answer, "totp_enabled", json_object_new_boolean(enabled));
    return send_object(r, HTTP_OK, answer);
}

int cc_handle_admin_totp_confirm(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    cc_db *db = NULL;
    cc_user_totp totp;
    const char *code = NULL;
    int rc = totp_caller(req, &who, &db, &totp);

    if (rc == OK)
        rc = read_code(req, &code);
    if (rc != OK)
        return rc;
    if (totp.enabled)
        return cc_send_error(req, HTTP_CONFLICT, "two-step login is on already");
    if (totp.secret == NULL)
        return cc_send_error(req, HTTP_CONFLICT,
                             "there is no secret to confirm; POST /api/admin/me/totp first");
    rc = check_code(req, db, who->user_id, code);
    if (rc != OK)
        return rc;
    if (cc_user_totp_set_enabled(db, r->pool, who->user_id, 1) != APR_SUCCESS)
        return db_failed(req, db);
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "user \"%s\" turned two-step login on",
                  ap_escape_logitem(r->pool, who->username));
    return answer_state(r, 1);
}

int cc_handle_admin_totp_disable(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    cc_db *db = NULL;
    cc_user_totp totp;
    const char *code = NULL;
    int rc = totp_caller(req, &who, &db, &totp);

    if (rc == OK)
        rc = read_code(req, &code);
    if (rc != OK)
        return rc;
    if (!totp.enabled)
        return cc_send_error(req, HTTP_CONFLICT, "two-step login is not on");
    rc = check_code(req, db, who->user_id, code);
    if (rc != OK)
        return rc;
    if (cc_user_totp_set_enabled(db, r->pool, who->user_id, 0) != APR_SUCCESS)
        return db_failed(req, db);
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r, "user \"%s\" turned two-step login off",
                  ap_escape_logitem(r->pool, who->username));
    return answer_state(r, 0);
}
