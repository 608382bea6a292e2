/* Platform settings (administration_setting) for super admins. */
#ifndef CC_ADMIN_SETTINGS_H
#define CC_ADMIN_SETTINGS_H

#include "entity.h"

/* {"items":[{"key","value","exposed"}]}, by key. */
apr_status_t cc_admin_settings_list(cc_db *db, apr_pool_t *pool, json_object **out,
                                    cc_admin_error *err);
/* {"value": text or null}; the key is [A-Za-z0-9_.-]{1,128}. *out the setting. */
apr_status_t cc_admin_setting_put(cc_db *db, apr_pool_t *pool, const char *key, json_object *in,
                                  json_object **out, cc_admin_error *err);

#endif
