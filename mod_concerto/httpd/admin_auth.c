/* Who is asking the admin interface: the session cookie (with its CSRF
 * token) or an API client's bearer token, and the gate every admin endpoint
 * and page passes (cc_admin_require). */
#include "glue.h"

#include "core/body.h"
#include "core/digest.h"
#include "store/admin_sessions.h"
#include "store/api_clients.h"
#include "store/users.h"

#include <apr_strings.h>
#include <json.h>

#define ADMIN_COOKIE "concerto_admin"
#define CSRF_HEADER "X-CSRF-Token"
#define CSRF_FIELD "_csrf"

static long request_now(const request_rec *r)
{
    return (long)apr_time_sec(r->request_time);
}

/* The value of cookie name in the request's Cookie headers, or NULL. */
static const char *cookie_value(request_rec *r, const char *name)
{
    const apr_array_header_t *headers = apr_table_elts(r->headers_in);
    const apr_table_entry_t *e = (const apr_table_entry_t *)headers->elts;
    apr_size_t name_len = strlen(name);
    int i;

    for (i = 0; i < headers->nelts; i++) {
        char *list, *item, *state = NULL;
        if (e[i].key == NULL || strcasecmp(e[i].key, "Cookie") != 0 || e[i].val == NULL)
            continue;
        list = apr_pstrdup(r->pool, e[i].val);
        for (item = apr_strtok(list, ";", &state); item; item = apr_strtok(NULL, ";", &state)) {
            while (*item == ' ' || *item == '\t')
                item++;
            if (!strncmp(item, name, name_len) && item[name_len] == '=') {
                char *value = item + name_len + 1;
                apr_size_t len = strlen(value);
                while (len > 0 && (value[len - 1] == ' ' || value[len - 1] == '\t'))
                    value[--len] = '\0';
                return value;
            }
        }
    }
    return NULL;
}

static int request_over_tls(request_rec *r)
{
    const char *https = apr_table_get(r->subprocess_env, "HTTPS");

    return !strcmp(ap_http_scheme(r), "https") || (https && !strcasecmp(https, "on"));
}

static int state_changing(const request_rec *r)
{
    return r->method_number == M_POST || r->method_number == M_PUT || r->method_number == M_PATCH ||
           r->method_number == M_DELETE;
}

/* Set-Cookie for value (NULL clears the cookie). Path is the platform's base
 * so that nothing else on the host sees it. */
static void set_cookie(cc_request *req, const char *value)
{
    request_rec *r = req->r;
    const char *cookie =
        apr_pstrcat(r->pool, ADMIN_COOKIE "=", value ? value : "",
                    "; Path=", cc_request_base_url(req), "/", value ? "" : "; Max-Age=0",
                    "; HttpOnly; SameSite=Strict", request_over_tls(r) ? "; Secure" : "", NULL);

    apr_table_addn(r->err_headers_out, "Set-Cookie", cookie);
}

/* 1 when host (an Origin's "host[:port]") is one this request was sent to:
 * the Host header, or the first X-Forwarded-Host a proxy in front set (a
 * page of another site cannot make a browser send that header). */
static int own_host(request_rec *r, const char *host)
{
    const char *sent = apr_table_get(r->headers_in, "Host");
    const char *forwarded = apr_table_get(r->headers_in, "X-Forwarded-Host");

    if (sent && !strcasecmp(host, sent))
        return 1;
    if (forwarded) {
        apr_size_t len = strcspn(forwarded, ", ");
        return len > 0 && strlen(host) == len && !strncasecmp(host, forwarded, len);
    }
    return 0;
}

int cc_admin_check_origin(cc_request *req)
{
    request_rec *r = req->r;
    const char *origin = apr_table_get(r->headers_in, "Origin");
    const char *origin_host;

    if (origin == NULL)
        return OK; /* not a browser's cross-origin request */
    /* Scheme aside (a TLS proxy in front changes it), the Origin's host and
     * port must be the one the request was sent to. */
    origin_host = strstr(origin, "://");
    if (origin_host && own_host(r, origin_host + 3))
        return OK;
    ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                  "admin request refused: Origin \"%s\" is not this site (Host \"%s\")",
                  ap_escape_logitem(r->pool, origin),
                  ap_escape_logitem(r->pool, apr_table_get(r->headers_in, "Host")
                                                 ? apr_table_get(r->headers_in, "Host")
                                                 : ""));
    cc_send_error(req, HTTP_FORBIDDEN, "this request came from another web site and was refused");
    return DONE;
}

/* The token of an "Authorization: Bearer TOKEN" header ("" when empty), or
 * NULL without one. Other schemes are not ours (Basic in front of the site,
 * say) and leave the cookie to decide. */
static const char *bearer_token(request_rec *r)
{
    const char *auth = apr_table_get(r->headers_in, "Authorization");

    if (auth == NULL || strncasecmp(auth, "Bearer ", 7) != 0)
        return NULL;
    auth += 7;
    while (*auth == ' ')
        auth++;
    return auth;
}

/* The caller's principal: an API client's (its creator's, via_bearer), or a
 * cookie session's; *session for the latter. */
static apr_status_t load_caller(cc_request *req, cc_db *db, const char *bearer, const char *cookie,
                                cc_admin_session **session, cc_user_record **user)
{
    request_rec *r = req->r;
    int idle = cc_config_admin_session_idle(req->cfg);
    apr_status_t rv;

    *session = NULL;
    *user = NULL;
    if (bearer) {
        cc_api_client *client = NULL;
        rv = cc_api_client_lookup(db, r->pool, bearer, request_now(r), &client);
        if (rv == APR_SUCCESS && client)
            rv = cc_user_load(db, r->pool, client->user_id, NULL, user);
        if (rv == APR_SUCCESS && *user)
            (*user)->principal.via_bearer = 1;
        return rv;
    }
    rv = cc_admin_session_lookup(db, r->pool, cookie, request_now(r), idle, session);
    if (rv == APR_SUCCESS && *session)
        rv = cc_user_load(db, r->pool, (*session)->user_id, NULL, user);
    if (rv == APR_SUCCESS && *session && *user)
        rv = cc_admin_session_touch(db, r->pool, *session, request_now(r), idle);
    if (*user == NULL)
        *session = NULL;
    return rv;
}

/* Finds who is asking, once per request. OK (req->principal may be NULL), or
 * DONE after a 503 when the database fails and answer is set. */
static int identify(cc_request *req, int answer)
{
    request_rec *r = req->r;
    cc_db *db = NULL;
    cc_admin_session *session = NULL;
    cc_user_record *user = NULL;
    const char *bearer, *cookie;
    int rc;

    if (req->auth_looked_up)
        return OK;
    /* A bearer token wins: a program's request is not a browser's. */
    bearer = bearer_token(r);
    cookie = bearer ? NULL : cookie_value(r, ADMIN_COOKIE);
    if ((bearer == NULL || *bearer == '\0') && (cookie == NULL || *cookie == '\0')) {
        req->auth_looked_up = 1;
        return OK;
    }
    if (answer) {
        rc = cc_request_db(req, &db);
        if (rc != OK)
            return rc;
    } else {
        const char *reason = NULL;
        if (cc_request_db_quiet(req, &db, &reason) != APR_SUCCESS)
            return OK; /* not looked up: a later call with answer set says why */
    }
    if (load_caller(req, db, bearer, cookie, &session, &user) != APR_SUCCESS) {
        req->db_broken = 1;
        if (!answer)
            return OK;
        cc_send_error(req, HTTP_SERVICE_UNAVAILABLE,
                      apr_pstrcat(r->pool, "cannot check the login: ", db->last_error, NULL));
        return DONE;
    }
    req->auth_looked_up = 1;
    if (user) {
        req->principal = &user->principal;
        req->admin_session = session;
        req->admin_token = session ? cookie : NULL;
    }
    return OK;
}

/* Not logged in: 401 for the API, to the login page for pages. */
static int refuse_stranger(cc_request *req)
{
    request_rec *r = req->r;

    if (!strncmp(req->path, "/api/", 5)) {
        apr_table_setn(r->err_headers_out, "WWW-Authenticate", "Bearer realm=\"concerto\"");
        cc_send_error(req, HTTP_UNAUTHORIZED,
                      bearer_token(r) ? "this API token is not valid (or was deleted)"
                      : cookie_value(r, ADMIN_COOKIE)
                          ? "your login has expired; please log in again"
                          : "please log in first (or send an API client's "
                            "bearer token)");
        return DONE;
    }
    apr_table_setn(r->headers_out, "Location",
                   apr_pstrcat(r->pool, cc_request_base_url(req), "/admin/login?next=",
                               ap_escape_urlencoded(r->pool, r->unparsed_uri), NULL));
    cc_send_text(r, HTTP_SEE_OTHER, "text/plain; charset=utf-8", "please log in first\n");
    return DONE;
}

/* The CSRF token the request sent: the header, else a form field. */
static const char *sent_csrf_token(cc_request *req)
{
    request_rec *r = req->r;
    const char *header = apr_table_get(r->headers_in, CSRF_HEADER);
    const char *type = apr_table_get(r->headers_in, "Content-Type");
    const char *body = NULL, *errmsg = NULL;
    apr_size_t len = 0;
    apr_table_t *fields = NULL;

    if (header)
        return header;
    if (type == NULL || strncasecmp(type, "application/x-www-form-urlencoded", 33) != 0)
        return NULL;
    if (cc_read_body(req, &body, &len) != OK)
        return NULL;
    if (cc_body_parse(r->pool, type, body, len, &fields, &errmsg) != APR_SUCCESS)
        return NULL;
    return apr_table_get(fields, CSRF_FIELD);
}

/* For a cookie session's POST, PUT, PATCH and DELETE: this site's Origin and
 * the session's CSRF token. OK or DONE. */
static int check_csrf(cc_request *req)
{
    request_rec *r = req->r;
    int rc;

    if (req->admin_session == NULL || !state_changing(r))
        return OK;
    rc = cc_admin_check_origin(req);
    if (rc != OK)
        return rc;
    if (!cc_secret_equals(sent_csrf_token(req), req->admin_session->csrf_token)) {
        if (r->status == HTTP_REQUEST_ENTITY_TOO_LARGE)
            return DONE; /* reading the form already answered */
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, r,
                      "admin request refused: missing or wrong CSRF token (user \"%s\")",
                      ap_escape_logitem(r->pool, req->principal->username));
        cc_send_error(req, HTTP_FORBIDDEN,
                      "this request lacks the page's security token (the " CSRF_HEADER
                      " header); reload the page and try again");
        return DONE;
    }
    return OK;
}

int cc_admin_require(cc_request *req, unsigned role_mask, const cc_principal **who)
{
    int rc = identify(req, 1);

    *who = NULL;
    if (rc != OK)
        return rc;
    if (req->principal == NULL)
        return refuse_stranger(req);
    rc = check_csrf(req);
    if (rc != OK)
        return rc;
    if (!cc_principal_has_role(req->principal, role_mask)) {
        ap_log_rerror(APLOG_MARK, APLOG_NOTICE, 0, req->r,
                      "admin request refused: user \"%s\" lacks the role for %s",
                      ap_escape_logitem(req->r->pool, req->principal->username),
                      ap_escape_logitem(req->r->pool, req->r->uri));
        cc_send_error(req, HTTP_FORBIDDEN, "your account does not have the role this needs");
        return DONE;
    }
    *who = req->principal;
    return OK;
}

const char *cc_admin_csrf_token(cc_request *req)
{
    identify(req, 0);
    return req->admin_session ? req->admin_session->csrf_token : NULL;
}

int cc_admin_start_session(cc_request *req, long user_id, int totp_passed, const char **csrf_token)
{
    request_rec *r = req->r;
    const char *old = cookie_value(r, ADMIN_COOKIE);
    const char *token = NULL;
    cc_admin_session *session = NULL;
    cc_db *db = NULL;
    apr_status_t rv;
    int rc = cc_request_db(req, &db);

    if (rc != OK)
        return rc;
    /* Logging in again replaces the session this browser had. */
    rv = old && *old ? cc_admin_session_delete(db, r->pool, old) : APR_SUCCESS;
    if (rv == APR_SUCCESS)
        rv = cc_admin_sessions_purge(db, r->pool, request_now(r), NULL);
    if (rv == APR_SUCCESS)
        rv = cc_admin_session_create(db, r->pool, user_id, request_now(r),
                                     cc_config_admin_session_lifetime(req->cfg), totp_passed,
                                     &token, &session);
    if (rv != APR_SUCCESS) {
        req->db_broken = 1;
        cc_send_error(
            req, HTTP_SERVICE_UNAVAILABLE,
            apr_pstrcat(r->pool, "cannot start the login session: ", db->last_error, NULL));
        return DONE;
    }
    set_cookie(req, token);
    *csrf_token = session->csrf_token;
    return OK;
}

int cc_handle_admin_logout(cc_request *req)
{
    request_rec *r = req->r;
    cc_db *db = NULL;
    int rc = identify(req, 1);

    if (rc != OK)
        return rc;
    if (req->admin_session) {
        rc = check_csrf(req);
        if (rc != OK)
            return rc;
        rc = cc_request_db(req, &db);
        if (rc != OK)
            return rc;
        if (cc_admin_session_delete(db, r->pool, req->admin_token) != APR_SUCCESS) {
            req->db_broken = 1;
            return cc_send_error(
                req, HTTP_SERVICE_UNAVAILABLE,
                apr_pstrcat(r->pool, "cannot end the login session: ", db->last_error, NULL));
        }
        ap_log_rerror(APLOG_MARK, APLOG_INFO, 0, r, "user \"%s\" logged out",
                      ap_escape_logitem(r->pool, req->principal->username));
    }
    /* Without a live session there is nothing to end; the cookie goes anyway. */
    set_cookie(req, NULL);
    apr_table_setn(r->headers_out, "Cache-Control", "no-store");
    r->status = HTTP_NO_CONTENT;
    return OK;
}

json_object *cc_admin_role_list(unsigned roles)
{
    json_object *list = json_object_new_array();
    unsigned bit;

    for (bit = 1; bit <= CC_ROLE_ALL; bit <<= 1)
        if ((roles & bit) && cc_role_name(bit))
            json_object_array_add(list, json_object_new_string(cc_role_name(bit)));
    return list;
}

int cc_handle_admin_me(cc_request *req)
{
    request_rec *r = req->r;
    const cc_principal *who = NULL;
    cc_user_record *user = NULL;
    cc_db *db = NULL;
    json_object *answer;
    const char *text;
    int rc = cc_admin_require(req, 0, &who);

    if (rc != OK)
        return rc;
    rc = cc_request_db(req, &db);
    if (rc != OK)
        return rc;
    if (cc_user_load(db, r->pool, who->user_id, NULL, &user) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(
            req, HTTP_SERVICE_UNAVAILABLE,
            apr_pstrcat(r->pool, "cannot read your account: ", db->last_error, NULL));
    }
    if (user == NULL)
        return cc_send_error(req, HTTP_UNAUTHORIZED, "your account no longer exists");
    answer = json_object_new_object();
    json_object_object_add(answer, "id", json_object_new_int64(user->principal.user_id));
    json_object_object_add(answer, "username", json_object_new_string(user->principal.username));
    json_object_object_add(answer, "email",
                           user->email ? json_object_new_string(user->email) : NULL);
    json_object_object_add(answer, "roles", cc_admin_role_list(user->principal.roles));
    json_object_object_add(answer, "groups",
                           user->principal.groups ? json_object_new_string(user->principal.groups)
                                                  : NULL);
    json_object_object_add(
        answer, "csrf_token",
        req->admin_session ? json_object_new_string(req->admin_session->csrf_token) : NULL);
    json_object_object_add(answer, "totp_enabled", json_object_new_boolean(user->totp_enabled));
    text = apr_pstrdup(r->pool, json_object_to_json_string_ext(answer, JSON_C_TO_STRING_PLAIN));
    json_object_put(answer);
    return cc_send_json(r, HTTP_OK, text);
}
