#include "settings.h"

apr_status_t cc_setting_get(cc_db *db, apr_pool_t *pool, const char *key, const char **value)
{
    const char *args[] = {key, NULL};

    return cc_db_select_value(db, pool, value,
                              "SELECT svalue FROM administration_setting WHERE skey = %s", 1, args);
}

apr_status_t cc_setting_set(cc_db *db, apr_pool_t *pool, const char *key, const char *value)
{
    const char *args[] = {value, key, NULL};
    const char *found = NULL;
    /* Look first: MySQL reports 0 affected rows for an UPDATE that changes
     * nothing, so "update, else insert" would insert a duplicate there. */
    apr_status_t rv = cc_db_select_value(
        db, pool, &found, "SELECT id FROM administration_setting WHERE skey = %s", 1, args + 1);

    if (rv != APR_SUCCESS)
        return rv;
    if (found)
        return cc_db_query(db, pool, NULL,
                           "UPDATE administration_setting SET svalue = %s WHERE skey = %s", 2,
                           args);
    return cc_db_query(db, pool, NULL,
                       "INSERT INTO administration_setting (svalue, skey) VALUES (%s, %s)", 2,
                       args);
}
