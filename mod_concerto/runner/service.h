/* The runner's requests, independent of HTTP: start a session of a test,
 * take a submit, show the current page. Native adaptive tests (type 3)
 * run in C; R tests (types 0, 1, 2) in the embedded R (runner/rtest.h). Every
 * request reads the session from the database and writes it back with a
 * compare-and-swap, so any child of any server can serve it. */
#ifndef CC_RUNNER_SERVICE_H
#define CC_RUNNER_SERVICE_H

#include "store/db.h"

#include <apr_tables.h>

/* Concerto's response codes (spec 4.2). */
enum {
    CC_RUN_VIEW = 0,
    CC_RUN_FINISHED = 1,
    CC_RUN_STOPPED = 4,
    CC_RUN_KEEPALIVE = 10,
    CC_RUN_RESUME = 16,
    CC_RUN_TEST_NOT_FOUND = 13,
    CC_RUN_SESSION_LOST = 14,
    CC_RUN_ERROR = -1
};

/* Answers with a page carry it rendered on the server from the test's
 * templates: data.templateHtml, templateCss, templateJs, templateHead. */
typedef struct cc_run_result {
    int http_status;     /* 200, or the status of a refusal */
    int code;            /* Concerto's code */
    const char *message; /* for refusals: a sentence a participant or author can read */
    const char *json;    /* the whole answer {code, data, hash, token, timeLimit} */
} cc_run_result;

/* What R tests need of the request and the server (the httpd glue gives
 * it per request with cc_run_set_r_options; without it R tests answer
 * 503). Native tests ignore it. */
typedef struct cc_run_r_options {
    int enabled;             /* ConcertoR On */
    int timeout_seconds;     /* ConcertoRTimeout */
    const char *app_url;     /* scheme://host[:port] and the platform's prefix */
    const char *files_dir;   /* absolute DATADIR/files */
    const char *files_url;   /* URL path of files_dir */
    apr_table_t *parameters; /* start: the URL's query parameters (may be NULL) */
} cc_run_r_options;

/* Attaches opts (copied) to pool: the R options of the requests made on it. */
void cc_run_set_r_options(apr_pool_t *pool, const cc_run_r_options *opts);
/* The options attached to pool, else NULL. */
const cc_run_r_options *cc_run_r_options_of(apr_pool_t *pool);

/* Called once for every R test step that ends its session in error
 * (timed_out: stopped by ConcertoRTimeout), for the metrics. */
typedef void cc_run_r_error_observer_fn(int timed_out);
void cc_run_set_r_error_observer(cc_run_r_error_observer_fn *observer);

/* Starts a session of the test with this slug: a native assessment (type
 * 3) in C, an R test (types 0, 1, 2) through the R package. */
apr_status_t cc_run_start(cc_db *db, apr_pool_t *pool, const char *slug, const char *client_ip,
                          const char *client_browser, long now, cc_run_result *out);

/* The start page of the test with this slug, before any session exists:
 * {code 0, data:{templateHtml, templateCss, templateJs, templateHead,
 * templateParams:{title}}, hash null, token null, timeLimit 0}. */
apr_status_t cc_run_intro(cc_db *db, apr_pool_t *pool, const char *slug, cc_run_result *out);

/* Takes the answers of the page shown. token must be the session's;
 * submit_id (may be NULL) makes a repeated submit return the same answer
 * without advancing. */
apr_status_t cc_run_submit(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           apr_table_t *values, const char *submit_id, long now,
                           cc_run_result *out);

/* The session's current page again (Concerto's resume, code 16), with a
 * fresh token. */
apr_status_t cc_run_resume(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           long now, cc_run_result *out);

/* Keep-alive (code 10): marks the session as in use, renews the token. */
apr_status_t cc_run_keepalive(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                              long now, cc_run_result *out);

/* The participant stops the test (code 4): the session is STOPPED. */
apr_status_t cc_run_kill(cc_db *db, apr_pool_t *pool, const char *hash, const char *token, long now,
                         cc_run_result *out);

/* A client-side error for the session log (type JS). */
apr_status_t cc_run_log(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                        const char *message, long now, cc_run_result *out);

/* Idle expiry, before a submit, resume, keepalive or upload: a running
 * session not used (no submit, no keep-alive) for more than max_idle
 * seconds becomes STOPPED, with a session log entry, and the request is
 * answered 410 with code 14 (session lost) and a sentence for the
 * participant. *go_on is 1 when the request may proceed; else out holds
 * the answer (also for a token that is refused). The session row it read
 * serves the next call on the same pool for this hash (once), so that the
 * check costs no second read. */
apr_status_t cc_run_expire_idle(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                                int max_idle, long now, int *go_on, cc_run_result *out);

/* A participant's file (Concerto's /upload), stored as
 * data_dir/files/sessions/{hash}/{file_name made safe}. Allowed when the
 * test's settings say "sessionFilesAccess": true or the token carries
 * CC_TOKEN_SESSION_FILES. data == NULL: no file was sent. Answers
 * {result:0, file_path, name, token} or {result:-1, error}. */
apr_status_t cc_run_upload(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                           const char *file_name, const char *data, apr_size_t len,
                           const char *data_dir, long now, cc_run_result *out);

#endif
