/* Platform settings kept in the database (administration_setting). */
#ifndef CC_SETTINGS_H
#define CC_SETTINGS_H

#include "db.h"

/* *value is NULL when the key is not set. */
apr_status_t cc_setting_get(cc_db *db, apr_pool_t *pool, const char *key, const char **value);
apr_status_t cc_setting_set(cc_db *db, apr_pool_t *pool, const char *key, const char *value);

#endif
