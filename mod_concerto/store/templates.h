/* View templates from the view_template table, by name, for the renderer
 * (core/template.h): a lookup that reads each template at most once per
 * store, and a preload that reads several in one query. */
#ifndef CC_STORE_TEMPLATES_H
#define CC_STORE_TEMPLATES_H

#include "core/template.h"
#include "store/db.h"

typedef struct cc_template_store cc_template_store;

/* A store for one request: db and what it reads live in pool. */
cc_template_store *cc_template_store_make(cc_db *db, apr_pool_t *pool);

/* Reads these templates in one query (names that do not exist are
 * remembered as missing). */
apr_status_t cc_template_store_preload(cc_template_store *store, const char *const *names, int n,
                                       const char **errmsg);

/* A cc_template_lookup_fn: baton is the store. APR_NOTFOUND for a name
 * that has no template. */
apr_status_t cc_template_store_lookup(void *baton, apr_pool_t *pool, const char *name,
                                      const cc_template **tpl, const char **errmsg);

#endif
