/* json-c objects owned by an APR pool (json-c counts references; APR frees
 * by pool): the object is put when the pool is cleared or destroyed. */
#ifndef CC_JSON_POOL_H
#define CC_JSON_POOL_H

#include <apr_pools.h>
#include <json.h>

/* obj, put when pool goes; NULL stays NULL. */
json_object *cc_json_owned(apr_pool_t *pool, json_object *obj);

/* Puts an object given to cc_json_owned now rather than with its pool. */
void cc_json_release(apr_pool_t *pool, json_object *obj);

#endif
