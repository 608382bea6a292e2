/* Pools of connections per (driver, parameters), shared by the threads of
 * one process. Connections open lazily on first use, are checked before
 * reuse and are replaced when broken. */
#ifndef CC_DBPOOL_H
#define CC_DBPOOL_H

#include "db.h"

typedef struct cc_dbpool cc_dbpool;
typedef struct cc_dbpool_registry cc_dbpool_registry;

/* The registry lives in a subpool of parent (with its own allocator, safe
 * for threads) and closes every connection when parent is destroyed. */
apr_status_t cc_dbpool_registry_create(apr_pool_t *parent, int max_per_pool,
                                       cc_dbpool_registry **out);
/* Every SQLite connection opened from now on writes under lock (see
 * cc_db_set_write_lock); lock must outlive the registry. */
void cc_dbpool_registry_set_sqlite_write_lock(cc_dbpool_registry *registry,
                                              const cc_db_write_lock *lock);
/* The pool for these settings, created on first use. */
apr_status_t cc_dbpool_get(cc_dbpool_registry *registry, const char *driver, const char *params,
                           cc_dbpool **out);

/* A connection for the caller's exclusive use; *errmsg says why not. The
 * message is this thread's and stays valid until its next acquire. */
apr_status_t cc_dbpool_acquire(cc_dbpool *dbpool, cc_db **db, const char **errmsg);
/* Give the connection back; broken ones (after a failure) are closed, and
 * so is one left inside a transaction (closing rolls it back and gives
 * back its write lock). */
void cc_dbpool_release(cc_dbpool *dbpool, cc_db *db, int broken);

/* The schema version last seen on this pool's database, 0 when unknown. */
int cc_dbpool_schema_version(const cc_dbpool *dbpool);
void cc_dbpool_set_schema_version(cc_dbpool *dbpool, int version);

#endif
