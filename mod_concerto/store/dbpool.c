#include "dbpool.h"

#include "core/log.h"
#include "core/shared_pool.h"
#include "dbparams.h"

#include <apr_file_info.h>
#include <apr_hash.h>
#include <apr_reslist.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <stdlib.h>
#include <string.h>

struct cc_dbpool {
    apr_pool_t *pool;
    const char *driver;
    const char *params;
    apr_reslist_t *connections;
    volatile int schema_version;
    const cc_db_write_lock *sqlite_write_lock;
};

/* Why the last connection attempt of this thread failed. The reslist opens
 * connections in the acquiring thread, so the message reaches its caller
 * without another thread overwriting it. */
static _Thread_local char last_open_error[512];

struct cc_dbpool_registry {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;
    apr_hash_t *pools;
    int max_per_pool;
    const cc_db_write_lock *sqlite_write_lock;
};

/* SQLite would silently create an empty database where none is; the server
 * must not, so that a missing setup is reported as such. */
static apr_status_t sqlite_file_check(cc_dbpool *dbpool, apr_pool_t *pool)
{
    apr_finfo_t info;

    if (strcmp(dbpool->driver, "sqlite3") != 0 || dbpool->params == NULL ||
        dbpool->params[0] == ':' || !strncmp(dbpool->params, "file:", 5))
        return APR_SUCCESS;
    if (apr_stat(&info, dbpool->params, APR_FINFO_TYPE, pool) == APR_SUCCESS)
        return APR_SUCCESS;
    apr_snprintf(last_open_error, sizeof(last_open_error),
                 "the SQLite database %s does not exist: run 'concertoctl setup'", dbpool->params);
    return APR_ENOENT;
}

static apr_status_t connection_open(void **resource, void *params, apr_pool_t *pool)
{
    cc_dbpool *dbpool = params;
    cc_db *db = NULL;
    const char *errmsg = NULL;
    apr_status_t rv = sqlite_file_check(dbpool, pool);

    apr_pool_t *attempt;

    if (rv != APR_SUCCESS)
        return rv;
    /* Each connection gets its own pool, so that a failed attempt leaves
     * nothing behind in the long-lived registry pool. */
    rv = apr_pool_create(&attempt, pool);
    if (rv != APR_SUCCESS)
        return rv;
    rv = cc_db_open(attempt, dbpool->driver, dbpool->params, &db, &errmsg);

    if (rv != APR_SUCCESS) {
        apr_cpystrn(last_open_error, errmsg, sizeof(last_open_error));
        apr_pool_destroy(attempt);
        return rv;
    }
    cc_db_set_write_lock(db, dbpool->sqlite_write_lock);
    if (cc_log_is_enabled(CC_LOG_DEBUG))
        cc_log(CC_LOG_MARK, CC_LOG_DEBUG, APR_SUCCESS, "opened %s connection to %s", dbpool->driver,
               cc_db_params_redact(attempt, dbpool->params));
    *resource = db;
    return APR_SUCCESS;
}

static apr_status_t connection_close(void *resource, void *params, apr_pool_t *pool)
{
    cc_db *db = resource;

    (void)params;
    (void)pool;
    /* The connection's pool and the attempt pool above it go together. */
    apr_pool_destroy(apr_pool_parent_get(db->pool));
    return APR_SUCCESS;
}

apr_status_t cc_dbpool_registry_create(apr_pool_t *parent, int max_per_pool,
                                       cc_dbpool_registry **out)
{
    apr_pool_t *pool = NULL;
    cc_dbpool_registry *registry;
    apr_status_t rv;

    /* Threads open and close connections, each in a subpool of this pool,
     * at the same time (core/shared_pool.h). */
    rv = cc_shared_pool_create(parent, "concerto_dbpools", &pool);
    if (rv != APR_SUCCESS)
        return rv;
    registry = apr_pcalloc(pool, sizeof(*registry));
    rv = apr_thread_mutex_create(&registry->lock, APR_THREAD_MUTEX_DEFAULT, pool);
    if (rv != APR_SUCCESS) {
        cc_shared_pool_destroy(parent, pool);
        return rv;
    }
    registry->pool = pool;
    registry->pools = apr_hash_make(pool);
    registry->max_per_pool = max_per_pool > 0 ? max_per_pool : 1;
    *out = registry;
    return APR_SUCCESS;
}

void cc_dbpool_registry_set_sqlite_write_lock(cc_dbpool_registry *registry,
                                              const cc_db_write_lock *lock)
{
    apr_thread_mutex_lock(registry->lock);
    registry->sqlite_write_lock = lock;
    apr_thread_mutex_unlock(registry->lock);
}

apr_status_t cc_dbpool_get(cc_dbpool_registry *registry, const char *driver, const char *params,
                           cc_dbpool **out)
{
    /* Called on every request: the lookup key must not come from the
     * process-long registry pool (a leak, and no pool is thread-safe). */
    apr_size_t key_size = strlen(driver) + (params ? strlen(params) : 0) + 2;
    char *key = malloc(key_size);
    cc_dbpool *dbpool;
    apr_status_t rv = APR_SUCCESS;

    if (key == NULL)
        return APR_ENOMEM;
    apr_snprintf(key, key_size, "%s\n%s", driver, params ? params : "");
    apr_thread_mutex_lock(registry->lock);
    dbpool = apr_hash_get(registry->pools, key, APR_HASH_KEY_STRING);
    if (dbpool == NULL) {
        dbpool = apr_pcalloc(registry->pool, sizeof(*dbpool));
        dbpool->pool = registry->pool;
        dbpool->driver = apr_pstrdup(registry->pool, driver);
        dbpool->params = apr_pstrdup(registry->pool, params);
        dbpool->sqlite_write_lock = registry->sqlite_write_lock;
        /* min 0: nothing opens before the first request needs it. */
        rv = apr_reslist_create(&dbpool->connections, 0, registry->max_per_pool,
                                registry->max_per_pool, 0, connection_open, connection_close,
                                dbpool, registry->pool);
        if (rv == APR_SUCCESS) {
            apr_reslist_timeout_set(dbpool->connections, apr_time_from_sec(30));
            /* Close the connections before the registry pool destroys their
             * subpools; the default order would destroy each twice. */
            apr_reslist_cleanup_order_set(dbpool->connections, APR_RESLIST_CLEANUP_FIRST);
            apr_hash_set(registry->pools, apr_pstrdup(registry->pool, key), APR_HASH_KEY_STRING,
                         dbpool);
        }
    }
    apr_thread_mutex_unlock(registry->lock);
    free(key);
    *out = dbpool;
    return rv;
}

apr_status_t cc_dbpool_acquire(cc_dbpool *dbpool, cc_db **db, const char **errmsg)
{
    void *resource = NULL;
    apr_status_t rv;
    int attempt;

    /* A pooled connection may have died (server restart): replace it once. */
    for (attempt = 0; attempt < 2; attempt++) {
        last_open_error[0] = '\0';
        rv = apr_reslist_acquire(dbpool->connections, &resource);
        if (rv != APR_SUCCESS) {
            *errmsg = last_open_error[0] ? last_open_error : "no database connection available";
            return rv;
        }
        *db = resource;
        if (apr_dbd_check_conn((*db)->driver, (*db)->pool, (*db)->handle) == APR_SUCCESS)
            return APR_SUCCESS;
        cc_log(CC_LOG_MARK, CC_LOG_INFO, APR_SUCCESS, "replacing a broken %s connection",
               dbpool->driver);
        apr_reslist_invalidate(dbpool->connections, resource);
    }
    *errmsg = "the database connection keeps failing its check";
    return APR_EGENERAL;
}

void cc_dbpool_release(cc_dbpool *dbpool, cc_db *db, int broken)
{
    if (db == NULL)
        return;
    if (db->in_transaction) {
        cc_log(CC_LOG_MARK, CC_LOG_ERR, APR_SUCCESS,
               "a %s connection came back inside a transaction: closing it", dbpool->driver);
        broken = 1;
    }
    if (broken)
        apr_reslist_invalidate(dbpool->connections, db);
    else
        apr_reslist_release(dbpool->connections, db);
}

int cc_dbpool_schema_version(const cc_dbpool *dbpool)
{
    return dbpool->schema_version;
}

void cc_dbpool_set_schema_version(cc_dbpool *dbpool, int version)
{
    dbpool->schema_version = version;
}
