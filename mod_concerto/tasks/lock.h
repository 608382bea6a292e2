/* A named lock in the database (table task_lock) for jobs that several
 * servers sharing one database may start at the same moment: one claims
 * it, the others are told it is taken. A claim expires, so a job that died
 * holding it blocks the others only until then. */
#ifndef CC_TASKS_LOCK_H
#define CC_TASKS_LOCK_H

#include "store/db.h"

/* Claims lock name for holder until now + ttl seconds, when it is free or
 * its claim has expired. *claimed is 1 if this call got it, else 0 (and
 * *other, if not NULL, names the holder). A name without a row gets one. */
apr_status_t cc_task_lock_claim(cc_db *db, apr_pool_t *pool, const char *name, const char *holder,
                                long now, long ttl, int *claimed, const char **other);
/* Frees the lock if holder still has it. */
apr_status_t cc_task_lock_release(cc_db *db, apr_pool_t *pool, const char *name,
                                  const char *holder);
/* "host:pid:random", unique to this run. */
const char *cc_task_lock_holder_name(apr_pool_t *pool);

#endif
