#include "dbpool.h"

#include "../core/log.h"
#include "dbparams.h"

#include <apr_hash.h>
#include <apr_reslist.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>

struct cc_dbpool {
    apr_pool_t *pool;
    const char *driver;
    const char *params;
    apr_reslist_t *connections;
    char last_open_error[512]; /* fixed buffer: written by any thread */
    volatile int schema_version;
};

struct cc_dbpool_registry {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock;
    apr_hash_t *pools;
    int max_per_pool;
};

static apr_status_t connection_open(void **resource, void *params, apr_pool_t *pool)
{
    cc_dbpool *dbpool = params;
    cc_db *db = NULL;
    const char *errmsg = NULL;
    apr_status_t rv = cc_db_open(pool, dbpool->driver, dbpool->params, &db, &errmsg);

    if (rv != APR_SUCCESS) {
        apr_cpystrn(dbpool->last_open_error, errmsg, sizeof(dbpool->last_open_error));
        return rv;
    }
    cc_log(CC_LOG_MARK, CC_LOG_DEBUG, APR_SUCCESS, "opened %s connection to %s", dbpool->driver,
           cc_db_params_redact(pool, dbpool->params));
    *resource = db;
    return APR_SUCCESS;
}

static apr_status_t connection_close(void *resource, void *params, apr_pool_t *pool)
{
    (void)params;
    (void)pool;
    cc_db_close(resource);
    return APR_SUCCESS;
}

apr_status_t cc_dbpool_registry_create(apr_pool_t *pool, int max_per_pool,
                                       cc_dbpool_registry **out)
{
    cc_dbpool_registry *registry = apr_pcalloc(pool, sizeof(*registry));
    apr_status_t rv = apr_thread_mutex_create(&registry->lock, APR_THREAD_MUTEX_DEFAULT, pool);

    if (rv != APR_SUCCESS)
        return rv;
    registry->pool = pool;
    registry->pools = apr_hash_make(pool);
    registry->max_per_pool = max_per_pool > 0 ? max_per_pool : 1;
    *out = registry;
    return APR_SUCCESS;
}

apr_status_t cc_dbpool_get(cc_dbpool_registry *registry, const char *driver, const char *params,
                           cc_dbpool **out)
{
    const char *key = apr_pstrcat(registry->pool, driver, "\n", params, NULL);
    cc_dbpool *dbpool;
    apr_status_t rv = APR_SUCCESS;

    apr_thread_mutex_lock(registry->lock);
    dbpool = apr_hash_get(registry->pools, key, APR_HASH_KEY_STRING);
    if (dbpool == NULL) {
        dbpool = apr_pcalloc(registry->pool, sizeof(*dbpool));
        dbpool->pool = registry->pool;
        dbpool->driver = apr_pstrdup(registry->pool, driver);
        dbpool->params = apr_pstrdup(registry->pool, params);
        /* min 0: nothing opens before the first request needs it. */
        rv = apr_reslist_create(&dbpool->connections, 0, registry->max_per_pool,
                                registry->max_per_pool, 0, connection_open, connection_close,
                                dbpool, registry->pool);
        if (rv == APR_SUCCESS) {
            apr_reslist_timeout_set(dbpool->connections, apr_time_from_sec(30));
            apr_hash_set(registry->pools, key, APR_HASH_KEY_STRING, dbpool);
        }
    }
    apr_thread_mutex_unlock(registry->lock);
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
        dbpool->last_open_error[0] = '\0';
        rv = apr_reslist_acquire(dbpool->connections, &resource);
        if (rv != APR_SUCCESS) {
            *errmsg = dbpool->last_open_error[0] ? dbpool->last_open_error
                                                 : "no database connection available";
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
