/* The server-wide SQLite write lock: one httpd global mutex, named
 * "concerto-sqlite" for the Mutex directive, created before the children
 * fork and re-attached in each of them. */
#include "glue.h"

#include "http_core.h"
#include "util_mutex.h"

#include <apr_global_mutex.h>

#define CC_SQLITE_MUTEX_TYPE "concerto-sqlite"

static apr_global_mutex_t *sqlite_mutex; /* this generation's, or NULL */
static cc_db_write_lock sqlite_write_lock;

static apr_status_t mutex_acquire(void *baton)
{
    return apr_global_mutex_lock(baton);
}

static apr_status_t mutex_release(void *baton)
{
    return apr_global_mutex_unlock(baton);
}

/* fcntl by default: the kernel drops the lock of a child that dies holding
 * it (SIGKILL, crash), so it cannot wedge the writers; "Mutex none
 * concerto-sqlite" leaves SQLite's busy timeout alone to do the waiting. */
apr_status_t cc_sqlite_lock_register(apr_pool_t *pconf)
{
    return ap_mutex_register(pconf, CC_SQLITE_MUTEX_TYPE, NULL, APR_LOCK_FCNTL,
                             AP_MUTEX_ALLOW_NONE);
}

apr_status_t cc_sqlite_lock_create(apr_pool_t *pconf, server_rec *s)
{
    sqlite_mutex = NULL;
    /* The first pass only checks the configuration: no children follow. */
    if (ap_state_query(AP_SQ_MAIN_STATE) == AP_SQ_MS_CREATE_PRE_CONFIG)
        return APR_SUCCESS;
    return ap_global_mutex_create(&sqlite_mutex, NULL, CC_SQLITE_MUTEX_TYPE, NULL, s, pconf, 0);
}

const cc_db_write_lock *cc_sqlite_lock_child_init(apr_pool_t *pchild, server_rec *s)
{
    apr_status_t rv;

    if (sqlite_mutex == NULL)
        return NULL;
    rv =
        apr_global_mutex_child_init(&sqlite_mutex, apr_global_mutex_lockfile(sqlite_mutex), pchild);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_ERR, rv, s,
                     "cannot attach the " CC_SQLITE_MUTEX_TYPE
                     " mutex: SQLite writers of this child wait on the busy timeout");
        return NULL;
    }
    sqlite_write_lock.acquire = mutex_acquire;
    sqlite_write_lock.release = mutex_release;
    sqlite_write_lock.baton = sqlite_mutex;
    return &sqlite_write_lock;
}
