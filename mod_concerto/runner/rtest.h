/* R tests (test.type 0 code, 1 wizard, 2 flow) through the runner
 * protocol: each start or submit claims the session, calls the R package's
 * concerto:::cc_step once with a JSON request and stores what it answers
 * (doc-notes/ISSUE5-CONTRACT.md). Resume and repeated submits answer with
 * the stored page and never wait for R. Internal: for the runner's own
 * files, not installed. */
#ifndef CC_RUNNER_RTEST_H
#define CC_RUNNER_RTEST_H

#include "core/token.h"
#include "runner/service.h"
#include "store/db.h"
#include "store/sessions.h"

#include <apr_pools.h>
#include <apr_tables.h>

/* The R test with this slug (visible by URL: not a subtest) or, when slug
 * is NULL, this id: 1 and *type set; else 0 and out holds the refusal
 * (404, code 13, when there is none). */
int cc_rtest_find(cc_db *db, apr_pool_t *pool, const char *slug, long id, int *type,
                  cc_run_result *out);

/* Starts a session of the R test with this slug. */
void cc_rtest_start(cc_db *db, apr_pool_t *pool, const char *slug, const char *client_ip,
                    const char *client_browser, long now, cc_run_result *out);

/* The start page of an R test: no R runs; data.autostart tells the
 * runner page to start the session at once. */
void cc_rtest_intro(cc_db *db, apr_pool_t *pool, const char *slug, cc_run_result *out);

/* A submit to a session s of an R test, its token already checked. */
void cc_rtest_submit(cc_db *db, apr_pool_t *pool, const cc_token_key *key, cc_session *s,
                     apr_table_t *values, const char *submit_id, long now, cc_run_result *out);

/* The stored page again (code 16), with a fresh token. */
void cc_rtest_resume(apr_pool_t *pool, const cc_token_key *key, const cc_session *s, long now,
                     cc_run_result *out);

#endif
