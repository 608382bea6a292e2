/* concertoctl sessions log: the active-session count over time
 * (test_session_count), a row only when the count changed, as Concerto's
 * concerto:sessions:log. The count is /api/check/session_count's. */
#ifndef CC_TASKS_SESSION_COUNT_H
#define CC_TASKS_SESSION_COUNT_H

#include "store/db.h"

/* Counts the running sessions updated within idle_seconds before now and
 * adds a row at now when it differs from the last one recorded (or none
 * was). *count is the count, *previous the last one (-1: none), *recorded
 * 1 when a row was added. */
apr_status_t cc_session_count_record(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                     long *count, long *previous, int *recorded);

#endif
