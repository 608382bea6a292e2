/* Small file-system helpers the core shares. */
#ifndef CC_FILES_H
#define CC_FILES_H

#include <apr_pools.h>

/* Removes path and everything below it (a file or a directory). Errors
 * are ignored: what cannot be removed stays. Scratch memory in pool. */
void cc_remove_tree(apr_pool_t *pool, const char *path);

#endif
