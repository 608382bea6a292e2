/* The Concerto* directives. Each parses its value with the core's parsers,
 * so a bad value stops `apachectl -t` with a message naming the directive.
 * Directives that name files or databases are not allowed in .htaccess. */
#include "glue.h"

#include "store/db.h"
#include "store/dbparams.h"

#include <apr_strings.h>

void *cc_create_dir_config(apr_pool_t *pool, char *dir)
{
    return cc_config_create(pool, dir);
}

void *cc_merge_dir_config(apr_pool_t *pool, void *base, void *add)
{
    return cc_config_merge(pool, base, add);
}

static const char *directive_error(cmd_parms *cmd, const char *message)
{
    return apr_pstrcat(cmd->pool, cmd->cmd->name, ": ", message, NULL);
}

static const char *set_data_dir(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *path = ap_server_root_relative(cmd->pool, arg);

    if (path == NULL)
        return directive_error(cmd, apr_psprintf(cmd->pool, "invalid path '%s'", arg));
    cfg->data_dir = path;
    return NULL;
}

static const char *set_database(cmd_parms *cmd, void *dirconf, const char *driver,
                                const char *params)
{
    cc_config *cfg = dirconf;
    const apr_dbd_driver_t *loaded = NULL;
    cc_dialect dialect;
    apr_status_t rv;

    if (cc_db_dialect_for(driver, &dialect) != APR_SUCCESS)
        return directive_error(cmd, apr_psprintf(cmd->pool,
                                                 "unknown driver '%s' (use sqlite3, pgsql, "
                                                 "mysql, odbc or oracle)",
                                                 driver));
    /* Load the driver now, so that a missing package shows at configtest. */
    rv = apr_dbd_init(cmd->pool);
    if (rv == APR_SUCCESS)
        rv = apr_dbd_get_driver(cmd->pool, driver, &loaded);
    if (rv != APR_SUCCESS)
        return directive_error(cmd, apr_psprintf(cmd->pool,
                                                 "apr_dbd cannot load the '%s' driver "
                                                 "(is libaprutil1-dbd-%s installed?)",
                                                 driver, driver));
    if (params && dialect == CC_DIALECT_SQLITE && params[0] != '/' && params[0] != ':')
        params = ap_server_root_relative(cmd->pool, params);
    cfg->db_driver = driver;
    cfg->db_params = params;
    return NULL;
}

static const char *set_base_url(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_url_path(cmd->pool, arg, &cfg->base_url);

    return err ? directive_error(cmd, err) : NULL;
}

static const char *set_max_body_size(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err =
        cc_parse_size(cmd->pool, arg, 1024, (apr_off_t)1024 * 1024 * 1024, &cfg->max_body_size);

    return err ? directive_error(cmd, err) : NULL;
}

static const char *set_monitoring(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_flag(cmd->pool, arg, &cfg->monitoring);

    return err ? directive_error(cmd, err) : NULL;
}

static const char *set_session_idle_time(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 1, 86400, &cfg->session_idle_time);

    return err ? directive_error(cmd, err) : NULL;
}

/* Concerto's max_idle_time: at most a week, at least a minute (a page
 * that takes longer to read keeps itself alive with keepalive). */
static const char *set_session_max_idle(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 60, 604800, &cfg->session_max_idle);

    return err ? directive_error(cmd, err) : NULL;
}

/* Concerto's lockout: 3 wrong passwords in a row; 0 turns it off. The
 * bounded whole-number parser is cc_parse_seconds, as for the memory limit. */
static const char *set_login_max_failures(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 0, 1000, &cfg->login_max_failures);

    return err ? directive_error(cmd, "must be a whole number from 0 (no lockout) to 1000") : NULL;
}

/* Concerto's lock: 5 minutes. */
static const char *set_login_lockout(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 1, 86400, &cfg->login_lockout);

    return err ? directive_error(cmd, err) : NULL;
}

/* An admin login ends after an hour without a request... */
static const char *set_admin_session_idle(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 60, 604800, &cfg->admin_session_idle);

    return err ? directive_error(cmd, err) : NULL;
}

/* ...and after 12 hours in any case, so a stolen cookie does not last. */
static const char *set_admin_session_lifetime(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 60, 2592000, &cfg->admin_session_lifetime);

    return err ? directive_error(cmd, err) : NULL;
}

/* Server-wide because R lives in every child process, not per directory. */
static const char *set_r_enabled(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_flag(cmd->pool, arg, &cfg->r_enabled);

    return err ? directive_error(cmd, err) : NULL;
}

/* Concerto's max_execution_time. */
static const char *set_r_timeout(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 1, 3600, &cfg->r_timeout);

    return err ? directive_error(cmd, err) : NULL;
}

/* A directory of R packages (R CMD INSTALL -l DIR): server-wide, like R. */
static const char *set_r_library(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *path = ap_server_root_relative(cmd->pool, arg);

    if (path == NULL)
        return directive_error(cmd, apr_psprintf(cmd->pool, "invalid path '%s'", arg));
    cfg->r_library = path;
    return NULL;
}

/* Megabytes of resident memory after which a child with R exits gracefully. */
static const char *set_r_memory_limit(cmd_parms *cmd, void *dirconf, const char *arg)
{
    cc_config *cfg = dirconf;
    const char *err = cc_parse_seconds(cmd->pool, arg, 64, 1048576, &cfg->r_memory_limit_mb);

    return err ? directive_error(cmd, apr_psprintf(cmd->pool,
                                                   "'%s' is not a number of megabytes from 64 "
                                                   "to 1048576",
                                                   arg))
               : NULL;
}

/* FILES: server config and <Directory>/<Location>, never .htaccess.
 * HARMLESS: also .htaccess under AllowOverride FileInfo. */
#define FILES (RSRC_CONF | ACCESS_CONF)
#define HARMLESS (RSRC_CONF | ACCESS_CONF | OR_FILEINFO)

const command_rec cc_directives[] = {
    AP_INIT_TAKE1("ConcertoDataDir", set_data_dir, NULL, FILES,
                  "Directory for the SQLite database, uploaded files, sessions and logs"),
    AP_INIT_TAKE12("ConcertoDatabase", set_database, NULL, FILES,
                   "apr_dbd driver (sqlite3, pgsql, mysql, odbc, oracle) and optional "
                   "connection parameters"),
    AP_INIT_TAKE1("ConcertoBaseURL", set_base_url, NULL, HARMLESS,
                  "URL path under which the platform answers"),
    AP_INIT_TAKE1("ConcertoMaxBodySize", set_max_body_size, NULL, HARMLESS,
                  "Largest request body accepted, in bytes (K, M, G suffixes)"),
    AP_INIT_TAKE1("ConcertoMonitoring", set_monitoring, NULL, HARMLESS,
                  "On or Off: answer the /api/check monitoring endpoints"),
    AP_INIT_TAKE1("ConcertoSessionIdleTime", set_session_idle_time, NULL, HARMLESS,
                  "Seconds after its last update that a running session still counts as active"),
    AP_INIT_TAKE1("ConcertoSessionMaxIdle", set_session_max_idle, NULL, HARMLESS,
                  "Seconds without a submit or keep-alive after which a running session has "
                  "expired (60 to 604800)"),
    AP_INIT_TAKE1("ConcertoLoginMaxFailures", set_login_max_failures, NULL, FILES,
                  "Wrong passwords in a row after which an account is locked (0: never)"),
    AP_INIT_TAKE1("ConcertoLoginLockout", set_login_lockout, NULL, FILES,
                  "Seconds an account stays locked after too many wrong passwords (1 to 86400)"),
    AP_INIT_TAKE1("ConcertoAdminSessionIdle", set_admin_session_idle, NULL, FILES,
                  "Seconds without a request after which an admin login ends (60 to 604800)"),
    AP_INIT_TAKE1("ConcertoAdminSessionLifetime", set_admin_session_lifetime, NULL, FILES,
                  "Seconds after which an admin login ends however busy (60 to 2592000)"),
    AP_INIT_TAKE1("ConcertoR", set_r_enabled, NULL, RSRC_CONF,
                  "On or Off: start an embedded R interpreter in every child process"),
    AP_INIT_TAKE1("ConcertoRTimeout", set_r_timeout, NULL, HARMLESS,
                  "Seconds one evaluation of R code may run before it is stopped (1 to 3600)"),
    AP_INIT_TAKE1("ConcertoRLibrary", set_r_library, NULL, RSRC_CONF,
                  "Directory searched first for the R package concerto (R CMD INSTALL -l DIR)"),
    AP_INIT_TAKE1("ConcertoRMemoryLimit", set_r_memory_limit, NULL, RSRC_CONF,
                  "Megabytes of resident memory after which a child with R finishes its "
                  "request and exits (64 to 1048576)"),
    {NULL}};

const char *cc_config_resolved_db_params(apr_pool_t *pool, const cc_config *cfg,
                                         const char **errmsg)
{
    return cc_db_params_resolve(pool, cc_config_db_driver(cfg), cc_config_db_params(cfg),
                                cc_config_data_dir(cfg), cc_env_process, NULL, errmsg);
}
