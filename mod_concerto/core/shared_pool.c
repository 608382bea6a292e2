#include "shared_pool.h"

#include <apr_allocator.h>
#include <apr_thread_mutex.h>

static apr_status_t destroy_shared(void *pool)
{
    apr_pool_destroy(pool);
    return APR_SUCCESS;
}

apr_status_t cc_shared_pool_create(apr_pool_t *owner, const char *tag, apr_pool_t **out)
{
    apr_allocator_t *allocator = NULL;
    apr_thread_mutex_t *lock = NULL;
    apr_pool_t *pool = NULL;
    apr_status_t rv = apr_allocator_create(&allocator);

    if (rv != APR_SUCCESS)
        return rv;
    rv = apr_pool_create_unmanaged_ex(&pool, NULL, allocator);
    if (rv != APR_SUCCESS) {
        apr_allocator_destroy(allocator);
        return rv;
    }
    apr_allocator_owner_set(allocator, pool);
    apr_pool_tag(pool, tag);
    rv = apr_thread_mutex_create(&lock, APR_THREAD_MUTEX_DEFAULT, pool);
    if (rv != APR_SUCCESS) {
        apr_pool_destroy(pool);
        return rv;
    }
    apr_allocator_mutex_set(allocator, lock);
    apr_pool_cleanup_register(owner, pool, destroy_shared, apr_pool_cleanup_null);
    *out = pool;
    return APR_SUCCESS;
}

void cc_shared_pool_destroy(apr_pool_t *owner, apr_pool_t *pool)
{
    apr_pool_cleanup_run(owner, pool, destroy_shared);
}
