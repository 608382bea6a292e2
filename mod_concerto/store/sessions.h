/* Participant sessions: the queries the monitoring needs now; the runner
 * adds the rest. */
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

/* Running sessions updated within idle_seconds before now. */
apr_status_t cc_sessions_count_active(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                      long *count);

#endif
