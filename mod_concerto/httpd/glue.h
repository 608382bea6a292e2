/* Shared declarations of the httpd glue: the only part that knows httpd. */
#ifndef CC_GLUE_H
#define CC_GLUE_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

#include "core/access.h"
#include "core/config.h"
#include "core/router.h"
#include "monitor/metrics.h"
#include "store/dbpool.h"

extern module AP_MODULE_DECLARE_DATA concerto_module;
/* mod_concerto.c gets this from AP_DECLARE_MODULE. */
#ifndef CC_MODULE_MAIN
APLOG_USE_MODULE(concerto);
#endif

#define CC_HANDLER_NAME "concerto"

/* State of this process, set up in post_config (metrics) and child_init. */
typedef struct cc_process {
    cc_metrics *metrics;         /* shared memory, all children */
    cc_dbpool_registry *dbpools; /* this child's connections */
} cc_process;
extern cc_process cc_proc;

/* One request on its way through the handler. */
typedef struct cc_request {
    request_rec *r;
    const cc_config *cfg;
    const char *path; /* below the base URL */
    cc_route_match route;
    cc_dbpool *dbpool;
    cc_db *db;
    int db_broken;
    /* The body, once read: cc_read_body reads the wire only once. */
    const char *body;
    apr_size_t body_len;
    int body_read;
    /* admin_auth.c: who is asking, looked up once per request. */
    int auth_looked_up;
    const cc_principal *principal;          /* NULL: nobody logged in */
    const char *admin_token;                /* the cookie session's token */
    struct cc_admin_session *admin_session; /* NULL unless a cookie session */
} cc_request;

/* config.c */
extern const command_rec cc_directives[];
void *cc_create_dir_config(apr_pool_t *pool, char *dir);
void *cc_merge_dir_config(apr_pool_t *pool, void *base, void *add);
/* The database settings of a configuration, resolved against the
 * environment; NULL and *errmsg when they cannot be. */
const char *cc_config_resolved_db_params(apr_pool_t *pool, const cc_config *cfg,
                                         const char **errmsg);

/* rhost.c */
/* Starts R in this child when any server has ConcertoR On. */
void cc_rhost_child_init(apr_pool_t *pchild, server_rec *main_server);
/* After a request: ends the child gracefully once R passed its memory limit. */
void cc_rhost_after_request(request_rec *r);
/* In child_init: R tests' failures go to the metrics. */
void cc_rhost_observe_errors(void);
/* The R options (runner/service.h) of this request, attached to its pool. */
void cc_rhost_request_options(cc_request *req);

/* response.c */
int cc_send_text(request_rec *r, int status, const char *content_type, const char *body);
int cc_send_json(request_rec *r, int status, const char *json);
/* Logs (info for 4xx, error for 5xx) and answers with a readable message:
 * JSON below /api/ ({"error":"..."} below /api/admin/, as the admin API's
 * other errors; {"error":{"status","message"}} elsewhere), a small HTML page
 * elsewhere. */
int cc_send_error(cc_request *req, int status, const char *message);
/* Reads the whole body, at most the configured size. OK, or DONE when the
 * request has been answered with an error. A second call returns the same
 * body. */
int cc_read_body(cc_request *req, const char **body, apr_size_t *len);

/* database.c */
/* This request's connection, acquired on first use and released with the
 * request pool. OK, or DONE when the request has been answered with an
 * error (503 when the database is down or its schema is behind). */
int cc_request_db(cc_request *req, cc_db **db);
/* Same, without answering: for the health check. */
apr_status_t cc_request_db_quiet(cc_request *req, cc_db **db, const char **reason);

/* sqlite_lock.c: the Mutex "concerto-sqlite" that queues SQLite writers.
 * Register in pre_config, create in post_config, and attach in child_init
 * (NULL when disabled with "Mutex none" or when it cannot be). */
apr_status_t cc_sqlite_lock_register(apr_pool_t *pconf);
apr_status_t cc_sqlite_lock_create(apr_pool_t *pconf, server_rec *s);
const cc_db_write_lock *cc_sqlite_lock_child_init(apr_pool_t *pchild, server_rec *s);

/* admin_auth.c: who is asking (ISSUE7-CONTRACT section 2). */
/* OK and *who for a logged-in user (session cookie) or an API client (Authorization: Bearer)
 * holding any role of role_mask (0: any logged-in user); else DONE after answering:
 * 401 JSON {"error": "..."} under /api/, a 303 redirect to <base>/admin/login?next=... for pages;
 * 403 when the role is missing or, for a cookie session on POST/PUT/PATCH/DELETE, when the
 * X-CSRF-Token header (or a form field _csrf) does not match the session's token, or when the
 * Origin header names another site. */
int cc_admin_require(cc_request *req, unsigned role_mask, const cc_principal **who);
/* The CSRF token of the current cookie session (NULL if none), for pages to embed. */
const char *cc_admin_csrf_token(cc_request *req);
/* POST /api/admin/logout, GET /api/admin/me */
int cc_handle_admin_logout(cc_request *req);
int cc_handle_admin_me(cc_request *req);
/* For the login: starts a cookie session of user_id and sets the cookie. OK,
 * or DONE after answering an error. *csrf_token is the new session's. */
int cc_admin_start_session(cc_request *req, long user_id, int totp_passed, const char **csrf_token);
/* ["ROLE_...", ...] of CC_ROLE_* bits, a new json-c array. */
struct json_object *cc_admin_role_list(unsigned roles);
/* 403 unless the request's Origin header (when sent) is this site. OK or DONE. */
int cc_admin_check_origin(cc_request *req);

/* handler_admin_clients.c: API clients (super admin). */
int cc_handle_admin_clients(cc_request *req);
int cc_handle_admin_client_create(cc_request *req);
int cc_handle_admin_client_delete(cc_request *req);
/* handler_content.c: Concerto content import and export (super admin). */
int cc_handle_admin_content_import(cc_request *req);
int cc_handle_admin_content_export(cc_request *req);

/* handler_admin_totp.c: the logged-in user's two-step login. */
int cc_handle_admin_totp_begin(cc_request *req);
int cc_handle_admin_totp_confirm(cc_request *req);
int cc_handle_admin_totp_disable(cc_request *req);

/* handler_rest.c: the REST API below /api/admin/ (admin/rest.h). */
int cc_handle_rest(cc_request *req);
struct cc_rest_answer;
struct cc_admin_error;
/* An answer of the core's dispatcher; an error as {"error"[, "field"]}. */
int cc_rest_send_answer(cc_request *req, const struct cc_rest_answer *answer);
int cc_rest_send_error(cc_request *req, const struct cc_admin_error *err);
struct cc_principal;
struct cc_admin_actor;
struct cc_rest_request;
/* The caller (who, as cc_admin_require found) and the request's method,
 * query, Content-Type and time, for the core's dispatchers. */
void cc_rest_call_init(cc_request *req, const struct cc_principal *who,
                       struct cc_admin_actor *actor, struct cc_rest_request *call);
/* handler_rest_data.c: /api/data/{table}[/{id}] (spec 4.5). */
int cc_handle_rest_data(cc_request *req);

/* handler_check.c, handler_admin.c */
int cc_handle_check_health(cc_request *req);
int cc_handle_check_session_count(cc_request *req);
int cc_handle_check_prometheus(cc_request *req);
int cc_handle_admin_login(cc_request *req);
int cc_handle_runner_start(cc_request *req);
int cc_handle_runner_submit(cc_request *req);
/* Concerto's participant endpoints after the start (form-encoded; submit
 * goes to cc_handle_runner_submit, which reads both forms). */
int cc_handle_test_session(cc_request *req);
/* Idle expiry (ConcertoSessionMaxIdle) of the session in route.params[0]:
 * 1 when the request has been answered (expired: 410, code 14; or a bad
 * token), 0 when it may go on. */
int cc_runner_session_expired(cc_request *req, cc_db *db, const char *token, long now);
/* handler_upload.c: POST /test/session/{hash}/upload (multipart). */
int cc_handle_test_upload(cc_request *req);

/* handler_page.c: the participant's HTML pages and the runner's assets. */
/* The platform's URL prefix as the browser sees it (no trailing slash). */
const char *cc_request_base_url(cc_request *req);
int cc_handle_test_page(cc_request *req);
int cc_handle_session_page(cc_request *req);
int cc_handle_asset(cc_request *req);

/* handler_admin_ui.c: the administrators' pages under /admin/ (shells that
 * admin*.js fills from the REST API). */
int cc_handle_admin_page_login(cc_request *req);
int cc_handle_admin_page_root(cc_request *req);
int cc_handle_admin_page(cc_request *req);

#endif
