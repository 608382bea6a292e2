#include "setup.h"

#include "../core/log.h"
#include "../core/random.h"
#include "migrate.h"
#include "settings.h"
#include "users.h"

apr_status_t cc_setup_run(cc_db *db, apr_pool_t *pool, const char *admin_password,
                          cc_setup_result *result)
{
    const char *secret = NULL;
    int exists = 0;
    apr_status_t rv;

    memset(result, 0, sizeof(*result));
    rv = cc_schema_migrate(db, pool, &result->migrations_applied);
    if (rv == APR_SUCCESS)
        rv = cc_schema_current(db, pool, &result->schema_version);
    if (rv == APR_SUCCESS)
        rv = cc_roles_ensure(db, pool);
    if (rv == APR_SUCCESS)
        rv = cc_user_exists(db, pool, CC_ADMIN_USER, &exists);
    if (rv == APR_SUCCESS && !exists) {
        static const char *const admin_roles[] = {"ROLE_SUPER_ADMIN", NULL};
        if (admin_password == NULL || *admin_password == '\0') {
            rv = cc_random_password(pool, 20, &admin_password);
            result->generated_password = admin_password;
        }
        if (rv == APR_SUCCESS)
            rv = cc_user_create(db, pool, CC_ADMIN_USER, admin_password, admin_roles);
        result->admin_created = (rv == APR_SUCCESS);
    }
    if (rv == APR_SUCCESS)
        rv = cc_setting_get(db, pool, CC_SETTING_SECRET, &secret);
    if (rv == APR_SUCCESS && secret == NULL) {
        rv = cc_random_hex(pool, 32, &secret);
        if (rv == APR_SUCCESS)
            rv = cc_setting_set(db, pool, CC_SETTING_SECRET, secret);
        result->secret_created = (rv == APR_SUCCESS);
    }
    return rv;
}
