/* Participants' sessions for the admin API: lists (of the tests the
 * caller may see), one session with its responses (the rows of the test's
 * response table, spec 8.2, theta and sem among them) and its log, a
 * test's responses as CSV, the session counts over time and the
 * dashboard's figures. Read only, but for a super admin's delete. */
#ifndef CC_ADMIN_SESSIONS_H
#define CC_ADMIN_SESSIONS_H

#include "entity.h"

/* ?test_id=&status=&page&per_page&sort=(id|created|updated|status|test_id)&order
 * -> {items:[{id,hash,test_id,test_name,status,created,updated,client_ip,error}],...} */
apr_status_t cc_admin_sessions_list(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                                    const cc_admin_actor *actor, json_object **out,
                                    cc_admin_error *err);
/* The session, "responses" and "log". */
apr_status_t cc_admin_session_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                  json_object **out, cc_admin_error *err);
/* Super admins only (403 otherwise): the session goes, with its log and
 * its uploaded files (DATA/files/sessions/HASH); its responses stay in
 * the response table. */
apr_status_t cc_admin_test_session_delete(cc_db *db, apr_pool_t *pool, long id,
                                          const char *data_dir, const cc_admin_actor *actor,
                                          cc_admin_error *err);
/* Every response of the test's sessions as CSV (the response table's
 * columns); a test without a response table gives the header "id" only. */
apr_status_t cc_admin_test_responses_csv(cc_db *db, apr_pool_t *pool, long test_id,
                                         const cc_admin_actor *actor, const char **csv,
                                         const char **filename, cc_admin_error *err);
/* {"items":[{"created","count"}]} from test_session_count, since (Unix) on. */
apr_status_t cc_admin_session_counts(cc_db *db, apr_pool_t *pool, long since, json_object **out,
                                     cc_admin_error *err);
/* {"active_sessions", "sessions_today", "recent_errors":[{session_id,
 * test_name, error, updated}]}: running sessions updated within
 * idle_seconds, sessions started since midnight UTC, and the last ten
 * failed sessions of tests the caller may see. */
apr_status_t cc_admin_dashboard(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                const cc_admin_actor *actor, json_object **out,
                                cc_admin_error *err);

#endif
