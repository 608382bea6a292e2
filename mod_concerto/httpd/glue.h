/* Shared declarations of the httpd glue: the only part that knows httpd. */
#ifndef CC_GLUE_H
#define CC_GLUE_H

#include "httpd.h"
#include "http_config.h"
#include "http_log.h"
#include "http_protocol.h"
#include "http_request.h"

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
 * JSON below /api/, a small HTML page elsewhere. */
int cc_send_error(cc_request *req, int status, const char *message);
/* Reads the whole body, at most the configured size. OK, or DONE when the
 * request has been answered with an error. */
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

#endif
