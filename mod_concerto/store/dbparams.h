/* Connection parameters: given explicitly, or derived from the data
 * directory (SQLite) and the DB_* environment variables (server databases). */
#ifndef CC_DBPARAMS_H
#define CC_DBPARAMS_H

#include <apr_pools.h>

/* Looks up an environment variable; NULL when unset. Tests pass their own. */
typedef const char *cc_env_lookup_fn(void *baton, const char *name);
const char *cc_env_process(void *baton, const char *name);

/* The apr_dbd parameter string for driver. params wins when given; else
 * sqlite3 uses DATA_DIR/concerto.db and the server drivers read DB_HOST,
 * DB_PORT, DB_NAME, DB_USER and DB_PASSWORD. NULL and *errmsg when the
 * driver is unknown. */
const char *cc_db_params_resolve(apr_pool_t *pool, const char *driver, const char *params,
                                 const char *data_dir, cc_env_lookup_fn *env, void *env_baton,
                                 const char **errmsg);

/* params with any password replaced by "***", for log lines. */
const char *cc_db_params_redact(apr_pool_t *pool, const char *params);

#endif
