/* How often each item of an adaptive test was given: the counts its
 * exposure control needs (wizard settings exposureMaxItems,
 * exposureMinSessions, exposureLimit), read from the test's response
 * table (distinct session_id per item_id) and kept per process.
 *
 * Staleness: a count is at most `refresh` seconds old (30 by default) and
 * each process (each Apache child) keeps its own. Sessions that start
 * within that window all see the same counts, so an item can go over the
 * limit by the sessions started in one window before it is left out; for
 * a rate over many sessions that is a small error, and it saves a
 * GROUP BY over the whole response table on every submit. */
#ifndef CC_RUNNER_EXPOSURE_H
#define CC_RUNNER_EXPOSURE_H

#include "store/datatable.h"

#define CC_EXPOSURE_REFRESH_SECONDS 30

typedef struct cc_exposure_counts {
    long sessions;        /* distinct sessions with responses */
    int n;                /* items with responses */
    const long *item_ids; /* n item ids */
    const long *counts;   /* sessions each was given in */
} cc_exposure_counts;

typedef struct cc_exposure_cache cc_exposure_cache;

/* A cache, thread safe (worker and event MPMs serve requests on threads),
 * living in pool. */
apr_status_t cc_exposure_cache_create(apr_pool_t *pool, long refresh_seconds,
                                      cc_exposure_cache **out);

/* This process's cache, set up at child start; NULL (tools, tests) means
 * every call reads the database. */
extern cc_exposure_cache *cc_exposure_process_cache;

/* The counts of response table dt, whose item and session columns are
 * named item_column and session_column, as of at most the refresh time
 * before now; copied into pool. cache may be NULL. When the database
 * cannot be read, an older answer is given if there is one. */
apr_status_t cc_exposure_counts_get(cc_exposure_cache *cache, cc_db *db, apr_pool_t *pool,
                                    const cc_datatable *dt, const char *item_column,
                                    const char *session_column, long now, cc_exposure_counts *out,
                                    const char **errmsg);

#endif
