/* What service.c shares with the runner's other requests (upload.c) and
 * with the test loading (testload.c): refusals, the token and session
 * check, and token signing. Internal: for the runner's own files, not
 * installed. */
#ifndef CC_RUNNER_SERVICE_INTERNAL_H
#define CC_RUNNER_SERVICE_INTERNAL_H

#include "core/token.h"
#include "runner/service.h"
#include "store/db.h"
#include "store/sessions.h"

#include <apr_pools.h>

/* Fills out as a refusal (no JSON); returns 0, so that callers can
 * `return cc_run_refuse(...)`. */
int cc_run_refuse(cc_run_result *out, int http_status, int code, const char *message);

/* Token and session checks shared by every request after the start:
 * 1 with *key and *s set; else 0 and out holds the refusal. check (may be
 * NULL) gets the token's claims. */
int cc_run_open_session_checked(cc_db *db, apr_pool_t *pool, const char *hash, const char *token,
                                long now, cc_token_key *key, cc_session **s, cc_run_result *out,
                                cc_token_check *check_out);

/* The token signing key, from this process's cache when it has it (read
 * from the database once per child and database). */
apr_status_t cc_run_token_key(cc_db *db, apr_pool_t *pool, cc_token_key *key, const char **errmsg);

/* A fresh runner token for the session: 1 with *token set; else 0 and out
 * holds the refusal. */
int cc_run_sign_token(apr_pool_t *pool, const cc_token_key *key, const char *hash, long now,
                      const char **token, cc_run_result *out);
/* The same with grants (CC_TOKEN_* flags, e.g. CC_TOKEN_SESSION_FILES). */
int cc_run_sign_token_with(apr_pool_t *pool, const cc_token_key *key, const char *hash, long now,
                           unsigned flags, const char **token, cc_run_result *out);

#endif
