#include "json_pool.h"

static apr_status_t put_object(void *obj)
{
    json_object_put(obj);
    return APR_SUCCESS;
}

json_object *cc_json_owned(apr_pool_t *pool, json_object *obj)
{
    if (obj)
        apr_pool_cleanup_register(pool, obj, put_object, apr_pool_cleanup_null);
    return obj;
}

void cc_json_release(apr_pool_t *pool, json_object *obj)
{
    if (obj)
        apr_pool_cleanup_run(pool, obj, put_object);
}
