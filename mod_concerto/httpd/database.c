/* A request's database connection: taken from this child's pool on first
 * use, checked against the schema this build needs, given back when the
 * request pool goes away. */
#include "glue.h"

#include "store/dbparams.h"
#include "store/migrate.h"

#include <apr_strings.h>

static apr_status_t release_connection(void *data)
{
    cc_request *req = data;

    cc_dbpool_release(req->dbpool, req->db, req->db_broken);
    req->db = NULL;
    return APR_SUCCESS;
}

/* Is the schema current? Remembered per pool once it is, so that the check
 * costs one query per child and database, and a database that was behind
 * is served as soon as `concertoctl setup` has run, without a restart. */
static apr_status_t schema_check(cc_request *req, const char **reason)
{
    int version = 0;
    apr_status_t rv;

    if (cc_dbpool_schema_version(req->dbpool) == cc_schema_latest())
        return APR_SUCCESS;
    rv = cc_schema_current(req->db, req->r->pool, &version);
    if (rv != APR_SUCCESS) {
        *reason =
            apr_psprintf(req->r->pool, "cannot read the schema version: %s", req->db->last_error);
        req->db_broken = 1;
        return rv;
    }
    if (version != cc_schema_latest()) {
        *reason = apr_psprintf(req->r->pool,
                               version < cc_schema_latest()
                                   ? "the database schema is at version %d, this module needs "
                                     "%d: run 'concertoctl setup'"
                                   : "the database schema is at version %d, newer than this "
                                     "module (%d): upgrade mod_concerto",
                               version, cc_schema_latest());
        return APR_EGENERAL;
    }
    cc_dbpool_set_schema_version(req->dbpool, version);
    return APR_SUCCESS;
}

apr_status_t cc_request_db_quiet(cc_request *req, cc_db **db, const char **reason)
{
    const char *params, *errmsg = NULL;
    apr_status_t rv;

    if (req->db) {
        *db = req->db;
        return APR_SUCCESS;
    }
    params = cc_config_resolved_db_params(req->r->pool, req->cfg, &errmsg);
    if (params == NULL) {
        *reason = errmsg;
        return APR_EINVAL;
    }
    rv = cc_dbpool_get(cc_proc.dbpools, cc_config_db_driver(req->cfg), params, &req->dbpool);
    if (rv == APR_SUCCESS)
        rv = cc_dbpool_acquire(req->dbpool, &req->db, &errmsg);
    if (rv != APR_SUCCESS) {
        *reason = apr_psprintf(req->r->pool, "%s (%s)", errmsg ? errmsg : "no connection pool",
                               cc_db_params_redact(req->r->pool, params));
        return rv;
    }
    apr_pool_cleanup_register(req->r->pool, req, release_connection, apr_pool_cleanup_null);
    rv = schema_check(req, reason);
    if (rv != APR_SUCCESS)
        return rv;
    *db = req->db;
    return APR_SUCCESS;
}

int cc_request_db(cc_request *req, cc_db **db)
{
    const char *reason = NULL;

    if (cc_request_db_quiet(req, db, &reason) != APR_SUCCESS) {
        cc_send_error(
            req, HTTP_SERVICE_UNAVAILABLE,
            apr_pstrcat(req->r->pool, "the platform cannot use its database: ", reason, NULL));
        return DONE;
    }
    return OK;
}
