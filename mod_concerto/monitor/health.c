#include "health.h"

#include "../store/migrate.h"

#include <apr_file_io.h>
#include <apr_strings.h>

apr_status_t cc_health_data_dir(apr_pool_t *pool, const char *data_dir, const char **reason)
{
    apr_finfo_t info;
    apr_file_t *probe = NULL;
    char *probe_path = apr_pstrcat(pool, data_dir, "/.health-XXXXXX", NULL);
    char errbuf[256];
    apr_status_t rv = apr_stat(&info, data_dir, APR_FINFO_TYPE, pool);

    if (rv != APR_SUCCESS || info.filetype != APR_DIR) {
        *reason =
            apr_psprintf(pool, "data directory %s does not exist or is not a directory", data_dir);
        return rv != APR_SUCCESS ? rv : APR_ENOTDIR;
    }
    rv = apr_file_mktemp(&probe, probe_path,
                         APR_FOPEN_CREATE | APR_FOPEN_WRITE | APR_FOPEN_EXCL | APR_FOPEN_DELONCLOSE,
                         pool);
    if (rv != APR_SUCCESS) {
        *reason = apr_psprintf(pool, "data directory %s is not writable by the server: %s",
                               data_dir, apr_strerror(rv, errbuf, sizeof(errbuf)));
        return rv;
    }
    apr_file_close(probe);
    return APR_SUCCESS;
}

apr_status_t cc_health_database(cc_db *db, apr_pool_t *pool, int *schema_version,
                                const char **reason)
{
    apr_status_t rv = cc_db_ping(db);

    *schema_version = 0;
    if (rv != APR_SUCCESS) {
        *reason = apr_psprintf(pool, "database does not answer: %s", db->last_error);
        return rv;
    }
    rv = cc_schema_current(db, pool, schema_version);
    if (rv != APR_SUCCESS) {
        *reason = apr_psprintf(pool, "cannot read the schema version: %s", db->last_error);
        return rv;
    }
    if (*schema_version < cc_schema_latest()) {
        *reason = apr_psprintf(pool,
                               "database schema is at version %d, this build needs %d: run "
                               "'concertoctl setup'",
                               *schema_version, cc_schema_latest());
        return APR_EGENERAL;
    }
    if (*schema_version > cc_schema_latest()) {
        *reason = apr_psprintf(pool,
                               "database schema is at version %d, newer than this build (%d): "
                               "upgrade mod_concerto",
                               *schema_version, cc_schema_latest());
        return APR_EGENERAL;
    }
    return APR_SUCCESS;
}
