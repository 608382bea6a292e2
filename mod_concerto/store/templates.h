/* View templates from the view_template table, by name, for the renderer
 * (core/template.h): a lookup that reads each template at most once per
 * store, and a preload that reads several in one query. A store can be
 * kept (with a cached test) and serve as the read-only base of the stores
 * of later requests; cc_template_version_sql says when it is stale. */
#ifndef CC_STORE_TEMPLATES_H
#define CC_STORE_TEMPLATES_H

#include "core/template.h"
#include "store/db.h"

typedef struct cc_template_store cc_template_store;

/* A store for one request: db and what it reads live in pool. */
cc_template_store *cc_template_store_make(cc_db *db, apr_pool_t *pool);

/* A store for one request that looks in base first (base is only read:
 * threads may share it) and reads from db only what base does not know. */
cc_template_store *cc_template_store_make_on(cc_db *db, apr_pool_t *pool,
                                             const cc_template_store *base);

/* Reads these templates in one query (names that do not exist are
 * remembered as missing). */
apr_status_t cc_template_store_preload(cc_template_store *store, const char *const *names, int n,
                                       const char **errmsg);

/* SQL for a derived table of one row (n, last_id, revisions) that changes
 * whenever a template of n_names names (given as n_names %s arguments) is
 * added, deleted or written through the store: how many exist, the
 * largest id (ids are never reused: a template deleted and made again has
 * a new one) and the sum of their revisions (migration 0005, bumped by
 * cc_revision_bump_template). For a version query, e.g.
 *   SELECT ... FROM test t CROSS JOIN <this> v WHERE ... */
const char *cc_template_version_sql(apr_pool_t *pool, int n_names);

/* A cc_template_lookup_fn: baton is the store. APR_NOTFOUND for a name
 * that has no template. */
apr_status_t cc_template_store_lookup(void *baton, apr_pool_t *pool, const char *name,
                                      const cc_template **tpl, const char **errmsg);

#endif
