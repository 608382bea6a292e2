#include "exposure.h"

#include <apr_hash.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <stdlib.h>
#include <string.h>

cc_exposure_cache *cc_exposure_process_cache;

typedef struct entry {
    long fetched; /* 0: never */
    int refreshing;
    long sessions;
    int n;
    long *item_ids, *counts; /* malloc'd: replaced on every refresh */
} entry;

struct cc_exposure_cache {
    apr_pool_t *pool; /* keys and entries; used under the mutex only */
    apr_thread_mutex_t *mutex;
    apr_hash_t *entries; /* "table\ncolumn\ncolumn" -> entry */
    long refresh;
};

static apr_status_t cache_cleanup(void *data)
{
    cc_exposure_cache *cache = data;
    apr_hash_index_t *hi;

    for (hi = apr_hash_first(NULL, cache->entries); hi; hi = apr_hash_next(hi)) {
        entry *e = apr_hash_this_val(hi);
        free(e->item_ids);
        free(e->counts);
    }
    if (cc_exposure_process_cache == cache)
        cc_exposure_process_cache = NULL;
    return APR_SUCCESS;
}

apr_status_t cc_exposure_cache_create(apr_pool_t *pool, long refresh_seconds,
                                      cc_exposure_cache **out)
{
    cc_exposure_cache *cache = apr_pcalloc(pool, sizeof(*cache));
    apr_status_t rv;

    rv = apr_thread_mutex_create(&cache->mutex, APR_THREAD_MUTEX_DEFAULT, pool);
    if (rv != APR_SUCCESS)
        return rv;
    cache->pool = pool;
    cache->entries = apr_hash_make(pool);
    cache->refresh = refresh_seconds;
    apr_pool_cleanup_register(pool, cache, cache_cleanup, apr_pool_cleanup_null);
    *out = cache;
    return APR_SUCCESS;
}

/* One GROUP BY into malloc'd arrays (they outlive the request's pool). */
static apr_status_t read_counts(cc_db *db, apr_pool_t *pool, const cc_datatable *dt,
                                const char *item_column, const char *session_column, entry *e,
                                const char **errmsg)
{
    cc_rows *rows = NULL;
    apr_int64_t total = 0;
    int r;

    if (cc_datatable_distinct_counts(db, pool, dt, item_column, session_column, &rows, &total,
                                     errmsg) != APR_SUCCESS)
        return APR_EGENERAL;
    e->item_ids = malloc(sizeof(long) * (size_t)(rows->nrows + 1));
    e->counts = malloc(sizeof(long) * (size_t)(rows->nrows + 1));
    if (e->item_ids == NULL || e->counts == NULL) {
        free(e->item_ids);
        free(e->counts);
        *errmsg = "out of memory for the exposure counts";
        return APR_ENOMEM;
    }
    e->n = 0;
    for (r = 0; r < rows->nrows; r++) {
        if (rows->values[r][0] == NULL || rows->values[r][1] == NULL)
            continue;
        e->item_ids[e->n] = strtol(rows->values[r][0], NULL, 10);
        e->counts[e->n++] = strtol(rows->values[r][1], NULL, 10);
    }
    e->sessions = (long)total;
    return APR_SUCCESS;
}

static void copy_out(apr_pool_t *pool, const entry *e, cc_exposure_counts *out)
{
    out->sessions = e->sessions;
    out->n = e->n;
    out->item_ids = apr_pmemdup(pool, e->item_ids, sizeof(long) * (size_t)(e->n + 1));
    out->counts = apr_pmemdup(pool, e->counts, sizeof(long) * (size_t)(e->n + 1));
}

apr_status_t cc_exposure_counts_get(cc_exposure_cache *cache, cc_db *db, apr_pool_t *pool,
                                    const cc_datatable *dt, const char *item_column,
                                    const char *session_column, long now, cc_exposure_counts *out,
                                    const char **errmsg)
{
    const char *key = apr_pstrcat(pool, dt->name, "\n", item_column, "\n", session_column, NULL);
    entry fresh, *e;
    apr_status_t rv;

    memset(out, 0, sizeof(*out));
    memset(&fresh, 0, sizeof(fresh));
    if (cache == NULL) {
        rv = read_counts(db, pool, dt, item_column, session_column, &fresh, errmsg);
        if (rv == APR_SUCCESS) {
            copy_out(pool, &fresh, out);
            free(fresh.item_ids);
            free(fresh.counts);
        }
        return rv;
    }
    apr_thread_mutex_lock(cache->mutex);
    e = apr_hash_get(cache->entries, key, APR_HASH_KEY_STRING);
    if (e == NULL) {
        e = apr_pcalloc(cache->pool, sizeof(*e));
        apr_hash_set(cache->entries, apr_pstrdup(cache->pool, key), APR_HASH_KEY_STRING, e);
    }
    /* Fresh enough, or another thread is reading newer counts: the ones
     * held do meanwhile. */
    if (e->fetched && (now - e->fetched < cache->refresh || e->refreshing)) {
        copy_out(pool, e, out);
        apr_thread_mutex_unlock(cache->mutex);
        return APR_SUCCESS;
    }
    e->refreshing = 1;
    apr_thread_mutex_unlock(cache->mutex);

    /* The query runs without the lock, so other threads are not held up. */
    rv = read_counts(db, pool, dt, item_column, session_column, &fresh, errmsg);

    apr_thread_mutex_lock(cache->mutex);
    e->refreshing = 0;
    if (rv == APR_SUCCESS) {
        free(e->item_ids);
        free(e->counts);
        e->item_ids = fresh.item_ids;
        e->counts = fresh.counts;
        e->n = fresh.n;
        e->sessions = fresh.sessions;
        e->fetched = now;
    }
    if (e->fetched) {
        copy_out(pool, e, out);
        rv = APR_SUCCESS;
    }
    apr_thread_mutex_unlock(cache->mutex);
    return rv;
}
