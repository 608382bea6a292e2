/* The health check behind /api/check/health and the health gauge. */
#ifndef CC_HEALTH_H
#define CC_HEALTH_H

#include "../store/db.h"

/* APR_SUCCESS when the directory exists and a file can be created in it;
 * otherwise *reason says what failed. */
apr_status_t cc_health_data_dir(apr_pool_t *pool, const char *data_dir, const char **reason);

/* The database answers and its schema is the one this build needs. */
apr_status_t cc_health_database(cc_db *db, apr_pool_t *pool, int *schema_version,
                                const char **reason);

#endif
