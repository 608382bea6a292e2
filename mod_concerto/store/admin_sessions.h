/* Cookie sessions of the admin interface. The cookie carries a random token;
 * the row keeps only its SHA-256, the user, a CSRF token for forms and
 * scripts, and two clocks: an absolute end (expires) and the last time the
 * session was used (last_seen, for the idle limit). */
#ifndef CC_ADMIN_SESSIONS_H
#define CC_ADMIN_SESSIONS_H

#include "db.h"

/* Random bytes of a session token and of a CSRF token (hex doubles them). */
#define CC_ADMIN_TOKEN_BYTES 32

typedef struct cc_admin_session {
    long id;
    long user_id;
    const char *csrf_token;
    long created;
    long last_seen;
    long expires;
    int totp_passed;
} cc_admin_session;

/* A new session of user_id at now that ends at now + lifetime at the latest.
 * *token is the cookie's value: it is not stored and cannot be had again. */
apr_status_t cc_admin_session_create(cc_db *db, apr_pool_t *pool, long user_id, long now,
                                     int lifetime, int totp_passed, const char **token,
                                     cc_admin_session **out);

/* The live session of token at now. *out is NULL for an unknown token, after
 * expires, or when unused for more than idle seconds; such a session is
 * deleted. */
apr_status_t cc_admin_session_lookup(cc_db *db, apr_pool_t *pool, const char *token, long now,
                                     int idle, cc_admin_session **out);

/* Restarts the idle clock at now. To spare a write per request it writes
 * only when last_seen is older than a thirtieth of idle (at most a minute),
 * which is all the idle limit can be early by. */
apr_status_t cc_admin_session_touch(cc_db *db, apr_pool_t *pool, cc_admin_session *s, long now,
                                    int idle);

/* Ends the session of token; unknown tokens are no error. */
apr_status_t cc_admin_session_delete(cc_db *db, apr_pool_t *pool, const char *token);
/* Ends every session of a user (a changed password, a deleted account). */
apr_status_t cc_admin_sessions_delete_user(cc_db *db, apr_pool_t *pool, long user_id);
/* Deletes the sessions past their absolute end; *deleted may be NULL. Idle
 * ones are left to lookup (the idle limit is the location's, and two
 * locations may share a database) and to their end. */
apr_status_t cc_admin_sessions_purge(cc_db *db, apr_pool_t *pool, long now, int *deleted);

#endif
