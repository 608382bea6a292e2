/* Bringing a database to a usable platform: schema, roles, the first
 * administrator and the signing secret. Safe to run again. */
#ifndef CC_SETUP_H
#define CC_SETUP_H

#include "db.h"

#define CC_ADMIN_USER "admin"
#define CC_SETTING_SECRET "secret"

typedef struct cc_setup_result {
    int migrations_applied;
    int schema_version;
    int admin_created;
    /* The administrator's password when setup generated it; print it once. */
    const char *generated_password;
    int secret_created;
} cc_setup_result;

/* admin_password: the first administrator's password (CONCERTO_PASSWORD),
 * or NULL to generate one. Used only when no administrator exists yet. */
apr_status_t cc_setup_run(cc_db *db, apr_pool_t *pool, const char *admin_password,
                          cc_setup_result *result);

#endif
