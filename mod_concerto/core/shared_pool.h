/* Long-lived pools that a child's threads share (the connection registry,
 * the test cache): an allocator with a mutex, since threads create and
 * destroy subpools in them at the same time, and a lifetime that outlasts
 * every request. The pool is destroyed by a cleanup of owner, which runs
 * after owner's subpools are gone: httpd's prefork creates its transaction
 * pool before child_init, so a plain subpool of the child pool would be
 * destroyed first when a signal ends the child in the middle of a request,
 * while that request still holds what the pool owns. */
#ifndef CC_SHARED_POOL_H
#define CC_SHARED_POOL_H

#include <apr_pools.h>

apr_status_t cc_shared_pool_create(apr_pool_t *owner, const char *tag, apr_pool_t **out);

/* Destroys such a pool before its owner goes (a failed set-up). */
void cc_shared_pool_destroy(apr_pool_t *owner, apr_pool_t *pool);

#endif
