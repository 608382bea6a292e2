#include "cache.h"

#include "core/shared_pool.h"

#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <string.h>

struct cc_test_cache_entry {
    cc_test_cache *cache;
    apr_pool_t *pool; /* owns this struct and the value */
    const char *source, *slug, *version;
    long id;
    const void *value;
    int refs;
    int cached; /* in the list; once out, never back */
    cc_test_cache_entry *newer, *older;
};

typedef struct kept_key {
    const char *source;
    cc_token_key key;
    struct kept_key *next;
} kept_key;

struct cc_test_cache {
    apr_pool_t *pool;
    apr_thread_mutex_t *lock; /* guards the list, counts, flags and keys */
    int capacity, size, pools, n_keys;
    cc_test_cache_entry *newest, *oldest;
    kept_key *keys;
};

static cc_test_cache *process_cache;

void cc_test_cache_set_process(cc_test_cache *cache)
{
    process_cache = cache;
}

cc_test_cache *cc_test_cache_process(void)
{
    return process_cache;
}

apr_status_t cc_test_cache_create(apr_pool_t *parent, int capacity, cc_test_cache **out)
{
    apr_pool_t *pool = NULL;
    cc_test_cache *cache;
    apr_status_t rv;

    /* Threads create and destroy entry pools at the same time: the cache
     * pool gets an allocator with a mutex (httpd's child pool has none). */
    rv = cc_shared_pool_create(parent, "concerto_test_cache", &pool);
    if (rv != APR_SUCCESS)
        return rv;
    cache = apr_pcalloc(pool, sizeof(*cache));
    rv = apr_thread_mutex_create(&cache->lock, APR_THREAD_MUTEX_DEFAULT, pool);
    if (rv != APR_SUCCESS) {
        cc_shared_pool_destroy(parent, pool);
        return rv;
    }
    cache->pool = pool;
    cache->capacity = capacity > 0 ? capacity : 1;
    *out = cache;
    return APR_SUCCESS;
}

/* ---- the list, under the lock ---- */

static void unlink_entry(cc_test_cache *cache, cc_test_cache_entry *e)
{
    if (e->newer)
        e->newer->older = e->older;
    else
        cache->newest = e->older;
    if (e->older)
        e->older->newer = e->newer;
    else
        cache->oldest = e->newer;
    e->newer = e->older = NULL;
}

static void push_newest(cc_test_cache *cache, cc_test_cache_entry *e)
{
    e->older = cache->newest;
    e->newer = NULL;
    if (cache->newest)
        cache->newest->newer = e;
    cache->newest = e;
    if (cache->oldest == NULL)
        cache->oldest = e;
}

/* Out of the cache; returns e when nobody uses it any more, for the caller
 * to destroy after unlocking. */
static cc_test_cache_entry *retire(cc_test_cache *cache, cc_test_cache_entry *e)
{
    unlink_entry(cache, e);
    e->cached = 0;
    cache->size--;
    return e->refs == 0 ? e : NULL;
}

/* Entries retired without users are chained through `older` for
 * destruction outside the lock. */
static void chain(cc_test_cache_entry **dead, cc_test_cache_entry *e)
{
    if (e) {
        e->older = *dead;
        *dead = e;
    }
}

static void destroy_chain(cc_test_cache *cache, cc_test_cache_entry *dead)
{
    while (dead) {
        cc_test_cache_entry *next = dead->older;
        apr_pool_destroy(dead->pool); /* the allocator's mutex guards the parent */
        apr_thread_mutex_lock(cache->lock);
        cache->pools--;
        apr_thread_mutex_unlock(cache->lock);
        dead = next;
    }
}

static int same(const char *a, const char *b)
{
    return a && b && !strcmp(a, b);
}

/* ---- the API ---- */

cc_test_cache_entry *cc_test_cache_find(cc_test_cache *cache, const char *source, const char *slug,
                                        long id)
{
    cc_test_cache_entry *e;

    apr_thread_mutex_lock(cache->lock);
    for (e = cache->newest; e; e = e->older)
        if (same(e->source, source) && (slug ? same(e->slug, slug) : e->id == id))
            break;
    if (e) {
        e->refs++;
        unlink_entry(cache, e);
        push_newest(cache, e);
    }
    apr_thread_mutex_unlock(cache->lock);
    return e;
}

apr_status_t cc_test_cache_prepare(cc_test_cache *cache, cc_test_cache_entry **out)
{
    apr_pool_t *pool = NULL;
    cc_test_cache_entry *e;
    apr_status_t rv;

    apr_thread_mutex_lock(cache->lock);
    rv = apr_pool_create(&pool, cache->pool);
    if (rv == APR_SUCCESS)
        cache->pools++;
    apr_thread_mutex_unlock(cache->lock);
    if (rv != APR_SUCCESS)
        return rv;
    apr_pool_tag(pool, "concerto_test_cache_entry");
    e = apr_pcalloc(pool, sizeof(*e));
    e->cache = cache;
    e->pool = pool;
    e->refs = 1;
    *out = e;
    return APR_SUCCESS;
}

apr_pool_t *cc_test_cache_entry_pool(const cc_test_cache_entry *entry)
{
    return entry->pool;
}

void cc_test_cache_publish(cc_test_cache *cache, cc_test_cache_entry *entry, const char *source,
                           long id, const char *slug, const char *version, const void *value)
{
    cc_test_cache_entry *e, *older, *dead = NULL;

    /* The entry's pool is still this thread's alone. */
    entry->source = apr_pstrdup(entry->pool, source);
    entry->slug = slug ? apr_pstrdup(entry->pool, slug) : NULL;
    entry->version = apr_pstrdup(entry->pool, version);
    entry->id = id;
    entry->value = value;
    apr_thread_mutex_lock(cache->lock);
    if (!entry->cached) {
        for (e = cache->newest; e; e = older) {
            older = e->older;
            if (same(e->source, source) && (e->id == id || (slug && same(e->slug, slug))))
                chain(&dead, retire(cache, e));
        }
        entry->cached = 1;
        cache->size++;
        push_newest(cache, entry);
        while (cache->size > cache->capacity && cache->oldest != NULL)
            chain(&dead, retire(cache, cache->oldest));
    }
    apr_thread_mutex_unlock(cache->lock);
    destroy_chain(cache, dead);
}

const char *cc_test_cache_entry_version(const cc_test_cache_entry *entry)
{
    return entry->version;
}

const void *cc_test_cache_entry_value(const cc_test_cache_entry *entry)
{
    return entry->value;
}

void cc_test_cache_release(cc_test_cache_entry *entry)
{
    cc_test_cache *cache = entry->cache;
    cc_test_cache_entry *dead = NULL;

    apr_thread_mutex_lock(cache->lock);
    if (--entry->refs == 0 && !entry->cached)
        dead = entry;
    apr_thread_mutex_unlock(cache->lock);
    destroy_chain(cache, dead);
}

static kept_key *find_key(cc_test_cache *cache, const char *source)
{
    kept_key *k;

    for (k = cache->keys; k; k = k->next)
        if (same(k->source, source))
            return k;
    return NULL;
}

int cc_test_cache_token_key(cc_test_cache *cache, const char *source, cc_token_key *key)
{
    kept_key *k;

    apr_thread_mutex_lock(cache->lock);
    k = find_key(cache, source);
    if (k)
        *key = k->key;
    apr_thread_mutex_unlock(cache->lock);
    return k != NULL;
}

void cc_test_cache_keep_token_key(cc_test_cache *cache, const char *source, const cc_token_key *key)
{
    kept_key *k;

    if (source == NULL || !key->ready)
        return;
    apr_thread_mutex_lock(cache->lock);
    if (cache->n_keys < CC_TOKEN_KEYS_KEPT && find_key(cache, source) == NULL) {
        /* The cache pool's other users allocate under this lock too. */
        k = apr_palloc(cache->pool, sizeof(*k));
        k->source = apr_pstrdup(cache->pool, source);
        k->key = *key;
        k->next = cache->keys;
        cache->keys = k;
        cache->n_keys++;
    }
    apr_thread_mutex_unlock(cache->lock);
}

int cc_test_cache_size(cc_test_cache *cache)
{
    int n;

    apr_thread_mutex_lock(cache->lock);
    n = cache->size;
    apr_thread_mutex_unlock(cache->lock);
    return n;
}

int cc_test_cache_pools(cc_test_cache *cache)
{
    int n;

    apr_thread_mutex_lock(cache->lock);
    n = cache->pools;
    apr_thread_mutex_unlock(cache->lock);
    return n;
}
