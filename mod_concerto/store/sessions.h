/* Participant sessions, kept in the database so that any child of any
 * server can continue any session. Writers never overwrite each other:
 * every save is a compare-and-swap on the row's version. */
#ifndef CC_SESSIONS_H
#define CC_SESSIONS_H

#include "db.h"

/* Status values, as in Concerto 5. */
enum {
    CC_SESSION_RUNNING = 0,
    CC_SESSION_STOPPED,
    CC_SESSION_FINALIZED,
    CC_SESSION_ERROR,
    CC_SESSION_REJECTED
};

typedef struct cc_session {
    long id;
    const char *hash; /* 40 hex characters, unguessable */
    long test_id;
    int status;
    int time_limit; /* seconds of the current page, 0 = none */
    const char *params;
    const char *error;
    const char *client_ip;
    const char *client_browser;
    int version; /* bumped by every successful save */
    const char *last_submit_id;
    const char *last_response; /* the answer sent for last_submit_id */
    const char *state;         /* the runner's state (JSON) */
    long created;
    long updated;
} cc_session;

/* Types of session log entries, as in Concerto 5. */
enum { CC_SESSION_LOG_JS = 0, CC_SESSION_LOG_R, CC_SESSION_LOG_SYSTEM };

/* A new running session of test_id with a fresh random hash; *out is read
 * back from the database (id, version 0). */
apr_status_t cc_session_create(cc_db *db, apr_pool_t *pool, long test_id, const char *params,
                               const char *client_ip, const char *client_browser, const char *state,
                               long now, cc_session **out);
/* The session with this hash; APR_NOTFOUND when there is none. */
apr_status_t cc_session_load(cc_db *db, apr_pool_t *pool, const char *hash, cc_session **out);
/* Writes status, time_limit, error, last_submit_id, last_response, state
 * and updated = now, releases any claim (busy_until), and bumps the version, only if the stored
 * version is still s->version. *swapped is 0 when another writer saved first: reload and decide
 * again. On success s->version is the new version. */
apr_status_t cc_session_save(cc_db *db, apr_pool_t *pool, cc_session *s, long now, int *swapped);
/* Claims the session for a step that runs outside any transaction (an R
 * test's code): bumps the version and sets busy_until = until, only if the
 * stored version is still s->version and no other claim holds (busy_until
 * empty or before now). *claimed is 0 otherwise. On success s->version is
 * the claimed version; the save that follows (cc_session_save, a CAS on
 * it) releases the claim. */
apr_status_t cc_session_claim(cc_db *db, apr_pool_t *pool, cc_session *s, long now, long until,
                              int *claimed);
/* Keep-alive: updated = now, without touching the version. APR_NOTFOUND
 * for an unknown hash. */
apr_status_t cc_session_touch(cc_db *db, apr_pool_t *pool, const char *hash, long now);
/* Running sessions idle for more than max_idle seconds become STOPPED;
 * *expired counts them. */
apr_status_t cc_session_expire_idle(cc_db *db, apr_pool_t *pool, long now, int max_idle,
                                    int *expired);
/* One entry of the session log (messages for the admin's view). */
apr_status_t cc_session_log_add(cc_db *db, apr_pool_t *pool, const cc_session *s, int type,
                                const char *message, long now);

/* Running sessions updated within idle_seconds before now. */
apr_status_t cc_sessions_count_active(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                      long *count);

#endif
