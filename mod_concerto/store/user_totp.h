/* A user's TOTP (two-step login): a pending secret until a first code
 * confirms it, then on; the last step used, so each code works once. */
#ifndef CC_USER_TOTP_H
#define CC_USER_TOTP_H

#include "db.h"

typedef struct cc_user_totp {
    const char *secret; /* base32; NULL when none, pending or on */
    int enabled;
} cc_user_totp;

apr_status_t cc_user_totp_get(cc_db *db, apr_pool_t *pool, long user_id, cc_user_totp *out);
/* Stores a new pending secret (TOTP stays off until confirmed). */
apr_status_t cc_user_totp_begin(cc_db *db, apr_pool_t *pool, long user_id, const char *secret);
/* Turns TOTP on (with the pending secret) or off (forgetting the secret). */
apr_status_t cc_user_totp_set_enabled(cc_db *db, apr_pool_t *pool, long user_id, int enabled);
/* Records step as used unless it, or a later step, was: *fresh is 1 when it
 * was not used before. One conditional UPDATE, so two requests with one
 * code cannot both win. */
apr_status_t cc_user_totp_use_step(cc_db *db, apr_pool_t *pool, long user_id, apr_int64_t step,
                                   int *fresh);

/* The code for user_id at now: *valid is 1 when code matches the secret
 * (pending or on) within +-1 step and its step was not used before (it is
 * used now). */
apr_status_t cc_user_totp_check(cc_db *db, apr_pool_t *pool, long user_id, const char *code,
                                long now, int *valid);

#endif
