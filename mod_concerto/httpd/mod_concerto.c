/* mod_concerto: the module record and its hooks. Everything else lives in
 * the core library; this file wires it into httpd. */
#define CC_MODULE_MAIN
#include "glue.h"

#include "ap_mpm.h"
#include "core/log.h"
#include "runner/exposure.h"
#include "runner/cache.h"
#include "store/dbparams.h"
#include "store/migrate.h"

#include <apr_shm.h>
#include <apr_strings.h>

cc_process cc_proc;

/* The core library logs through httpd's error log, under this module. */
static void log_to_error_log(void *baton, const char *file, int line, cc_log_level level,
                             apr_status_t status, const char *message)
{
    server_rec *s = baton;

    ap_log_error_(file, line, APLOG_MODULE_INDEX, (int)level, status, s, "%s", message);
}

static void count_db_error(void)
{
    cc_metrics_record_db_error(cc_proc.metrics);
}

static int concerto_pre_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp)
{
    (void)plog;
    (void)ptemp;
    return cc_sqlite_lock_register(pconf) == APR_SUCCESS ? OK : HTTP_INTERNAL_SERVER_ERROR;
}

/* Metrics live in anonymous shared memory created once per server start
 * and kept across graceful restarts (the process pool outlives pconf). */
static int concerto_post_config(apr_pool_t *pconf, apr_pool_t *plog, apr_pool_t *ptemp,
                                server_rec *s)
{
    apr_pool_t *process_pool = s->process->pool;
    apr_shm_t *shm = NULL;
    apr_status_t rv;
    /* Keyed by layout, so a reload with another version never reuses a
     * segment of a different shape. */
    const char *metrics_userdata_key = apr_psprintf(
        process_pool, "concerto_metrics_%s_%" APR_SIZE_T_FMT, CONCERTO_VERSION, sizeof(cc_metrics));

    (void)plog;
    (void)ptemp;
    /* ap_global_mutex_create logs why it failed. */
    if (cc_sqlite_lock_create(pconf, s) != APR_SUCCESS)
        return HTTP_INTERNAL_SERVER_ERROR;
    apr_pool_userdata_get((void **)&shm, metrics_userdata_key, process_pool);
    if (shm == NULL) {
        rv = apr_shm_create(&shm, sizeof(cc_metrics), NULL, process_pool);
        if (rv != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                         "cannot create shared memory for the metrics");
            return HTTP_INTERNAL_SERVER_ERROR;
        }
        cc_metrics_init(apr_shm_baseaddr_get(shm), (uint64_t)apr_time_sec(apr_time_now()));
        apr_pool_userdata_set(shm, metrics_userdata_key, apr_pool_cleanup_null, process_pool);
    }
    cc_proc.metrics = apr_shm_baseaddr_get(shm);
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s, "mod_concerto %s configured, schema version %d",
                 CONCERTO_VERSION, cc_schema_latest());
    return OK;
}

/* At start, each child checks the databases named at server level, so that
 * a schema that is behind shows in the log before the first request. */
static void check_server_databases(apr_pool_t *pool, server_rec *main_server)
{
    server_rec *s;

    for (s = main_server; s; s = s->next) {
        const cc_config *cfg = ap_get_module_config(s->lookup_defaults, &concerto_module);
        const char *params, *errmsg = NULL;
        cc_dbpool *dbpool = NULL;
        cc_db *db = NULL;
        int version = 0;

        if (cfg == NULL || (cfg->db_driver == NULL && cfg->data_dir == NULL))
            continue;
        params = cc_config_resolved_db_params(pool, cfg, &errmsg);
        if (params == NULL || cc_dbpool_get(cc_proc.dbpools, cc_config_db_driver(cfg), params,
                                            &dbpool) != APR_SUCCESS)
            continue;
        if (cc_dbpool_acquire(dbpool, &db, &errmsg) != APR_SUCCESS) {
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s, "database not reachable at start: %s",
                         errmsg);
            continue;
        }
        if (cc_schema_current(db, pool, &version) == APR_SUCCESS && version != cc_schema_latest())
            ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                         "database schema is at version %d, this module needs %d: run "
                         "'concertoctl setup'; until then requests get 503",
                         version, cc_schema_latest());
        else if (version == cc_schema_latest())
            cc_dbpool_set_schema_version(dbpool, version);
        cc_dbpool_release(dbpool, db, 0);
    }
}

static void concerto_child_init(apr_pool_t *pchild, server_rec *s)
{
    int threads = 1;
    apr_pool_t *scratch;
    cc_test_cache *cache = NULL;

    cc_log_set_sink(log_to_error_log, s, CC_LOG_DEBUG);
    cc_db_set_error_observer(count_db_error);
    cc_rhost_observe_errors();
    if (ap_mpm_query(AP_MPMQ_MAX_THREADS, &threads) != APR_SUCCESS || threads < 1)
        threads = 1;
    if (cc_dbpool_registry_create(pchild, threads, &cc_proc.dbpools) != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s, "cannot create the connection registry");
        return;
    }
    cc_dbpool_registry_set_sqlite_write_lock(cc_proc.dbpools, cc_sqlite_lock_child_init(pchild, s));
    if (cc_exposure_cache_create(pchild, CC_EXPOSURE_REFRESH_SECONDS, &cc_exposure_process_cache) !=
        APR_SUCCESS)
        ap_log_error(APLOG_MARK, APLOG_WARNING, 0, s,
                     "no exposure count cache: adaptive tests with exposure control will count "
                     "on every request");
    if (cc_test_cache_create(pchild, CC_TEST_CACHE_CAPACITY, &cache) == APR_SUCCESS)
        cc_test_cache_set_process(cache);
    else
        ap_log_error(APLOG_MARK, APLOG_ERR, 0, s,
                     "cannot create the test cache: every request builds its test");
    apr_pool_create(&scratch, pchild);
    check_server_databases(scratch, s);
    apr_pool_destroy(scratch);
    cc_rhost_child_init(pchild, s);
}

/* The URI from its first segment on which the rest is one of the
 * platform's routes (leftmost wins); else from its first /api/, so that
 * an API client's 404 is JSON; else the whole URI. */
static const char *path_from_routes(request_rec *r)
{
    const char *p;
    cc_route_match match;

    if (r->uri == NULL || r->uri[0] != '/')
        return r->uri;
    for (p = r->uri; p != NULL; p = strchr(p + 1, '/'))
        if (cc_route(r->pool, r->method, p, &match) != CC_ROUTE_NOT_FOUND)
            return p;
    p = strstr(r->uri, "/api/");
    return p ? p : r->uri;
}

/* Where the platform's routes start: ConcertoBaseURL, else the <Location>
 * or <Directory> the handler was set in. */
static const char *path_below_base(request_rec *r, const cc_config *cfg)
{
    const char *section = cfg->section_path;

    if (cfg->base_url != NULL)
        return cc_path_below(r->uri, cfg->base_url);
    if (section && r->filename && section[0] == '/' &&
        !strncmp(r->filename, section, strlen(section)) && strlen(section) > 1 &&
        section[strlen(section) - 1] == '/') {
        /* A <Directory> or .htaccess: the rest of the file path and path_info. */
        return apr_pstrcat(r->pool, "/", r->filename + strlen(section),
                           r->path_info ? r->path_info : "", NULL);
    }
    if (section && section[0] == '/') {
        apr_size_t len = strlen(section);
        const char *below;
        while (len > 1 && section[len - 1] == '/')
            len--;
        below = cc_path_below(r->uri, len == 1 ? "" : apr_pstrmemdup(r->pool, section, len));
        if (below)
            return below;
    }
    /* A section holding only `SetHandler concerto`: Apache makes the
     * module no configuration for it, so its path is not known here. */
    return path_from_routes(r);
}

static int dispatch(cc_request *req)
{
    switch (req->route.endpoint) {
    case CC_EP_HEALTH:
        return cc_handle_check_health(req);
    case CC_EP_SESSION_COUNT:
        return cc_handle_check_session_count(req);
    case CC_EP_PROMETHEUS:
        return cc_handle_check_prometheus(req);
    case CC_EP_ADMIN_LOGIN:
        return cc_handle_admin_login(req);
    case CC_EP_ADMIN_LOGOUT:
        return cc_handle_admin_logout(req);
    case CC_EP_ADMIN_ME:
        return cc_handle_admin_me(req);
    case CC_EP_ADMIN_TOTP_BEGIN:
        return cc_handle_admin_totp_begin(req);
    case CC_EP_ADMIN_TOTP_CONFIRM:
        return cc_handle_admin_totp_confirm(req);
    case CC_EP_ADMIN_TOTP_DISABLE:
        return cc_handle_admin_totp_disable(req);
    case CC_EP_ADMIN_CLIENTS:
        return cc_handle_admin_clients(req);
    case CC_EP_ADMIN_CLIENT_CREATE:
        return cc_handle_admin_client_create(req);
    case CC_EP_ADMIN_CLIENT_DELETE:
        return cc_handle_admin_client_delete(req);
    case CC_EP_ADMIN_CONTENT_IMPORT:
        return cc_handle_admin_content_import(req);
    case CC_EP_ADMIN_CONTENT_EXPORT:
        return cc_handle_admin_content_export(req);
    case CC_EP_REST_LIST:
    case CC_EP_REST_CREATE:
    case CC_EP_REST_DELETE_QUERY:
    case CC_EP_REST_GET:
    case CC_EP_REST_UPDATE:
    case CC_EP_REST_DELETE:
    case CC_EP_REST_SUB_LIST:
    case CC_EP_REST_SUB_CREATE:
    case CC_EP_REST_SUB_GET:
    case CC_EP_REST_SUB_UPDATE:
    case CC_EP_REST_SUB_DELETE:
    case CC_EP_REST_PORT_UPDATE:
        return cc_handle_rest(req);
    case CC_EP_DATA_LIST:
    case CC_EP_DATA_CREATE:
    case CC_EP_DATA_INSERT:
    case CC_EP_DATA_GET:
    case CC_EP_DATA_CHANGE:
    case CC_EP_DATA_UPDATE:
    case CC_EP_DATA_DELETE:
        return cc_handle_rest_data(req);
    case CC_EP_RUNNER_START:
        return cc_handle_runner_start(req);
    case CC_EP_RUNNER_SUBMIT:
        return cc_handle_runner_submit(req);
    case CC_EP_TEST_START:
        return cc_handle_runner_start(req);
    case CC_EP_TEST_SUBMIT:
        return cc_handle_runner_submit(req);
    case CC_EP_TEST_RESUME:
    case CC_EP_TEST_KEEPALIVE:
    case CC_EP_TEST_KILL:
    case CC_EP_TEST_LOG:
        return cc_handle_test_session(req);
    case CC_EP_TEST_PAGE:
        return cc_handle_test_page(req);
    case CC_EP_SESSION_PAGE:
        return cc_handle_session_page(req);
    case CC_EP_ADMIN_PAGE_LOGIN:
        return cc_handle_admin_page_login(req);
    case CC_EP_ADMIN_PAGE_ROOT:
        return cc_handle_admin_page_root(req);
    case CC_EP_ADMIN_PAGE_HOME:
    case CC_EP_ADMIN_PAGE_LIST:
    case CC_EP_ADMIN_PAGE_ITEM:
        return cc_handle_admin_page(req);
    case CC_EP_ASSET:
        return cc_handle_asset(req);
    case CC_EP_TEST_UPLOAD:
        return cc_handle_test_upload(req);
    /* No default: -Wswitch names a route added without its handler. */
    case CC_EP_NOT_FOUND:
    case CC_EP__COUNT:
        break;
    }
    return cc_send_error(req, HTTP_NOT_FOUND, "no such page");
}

static int concerto_handler(request_rec *r)
{
    cc_request *req;
    cc_route_result found;

    if (r->handler == NULL || strcmp(r->handler, CC_HANDLER_NAME) != 0)
        return DECLINED;
    req = apr_pcalloc(r->pool, sizeof(*req));
    req->r = r;
    req->cfg = ap_get_module_config(r->per_dir_config, &concerto_module);
    req->route.endpoint = CC_EP_NOT_FOUND;
    ap_set_module_config(r->request_config, &concerto_module, req);
    req->path = path_below_base(r, req->cfg);
    if (req->path == NULL)
        return cc_send_error(req, HTTP_NOT_FOUND, "this address is outside the platform");
    found = cc_route(r->pool, r->method, req->path, &req->route);
    ap_log_rerror(APLOG_MARK, APLOG_DEBUG, 0, r, "%s %s -> %s", r->method, req->path,
                  found == CC_ROUTE_FOUND        ? cc_endpoint_label(req->route.endpoint)
                  : found == CC_ROUTE_BAD_METHOD ? "method not allowed"
                                                 : "not found");
    if (found == CC_ROUTE_NOT_FOUND)
        return cc_send_error(req, HTTP_NOT_FOUND,
                             apr_psprintf(r->pool, "there is no page at %s", r->uri));
    if (found == CC_ROUTE_BAD_METHOD) {
        apr_table_setn(r->headers_out, "Allow", req->route.allow);
        return cc_send_error(
            req, HTTP_METHOD_NOT_ALLOWED,
            apr_psprintf(r->pool, "%s is not allowed here; use %s", r->method, req->route.allow));
    }
    if (!strncmp(req->path, "/api/check/", 11) && !cc_config_monitoring(req->cfg))
        return cc_send_error(req, HTTP_FORBIDDEN, "API disabled");
    /* Endpoints always answer themselves: DONE (an error already sent)
     * and OK both end the request here. */
    dispatch(req);
    return OK;
}

/* Count every request the handler saw, with its final status and time. */
static int concerto_log_transaction(request_rec *r)
{
    const cc_request *req = ap_get_module_config(r->request_config, &concerto_module);
    apr_time_t elapsed;

    cc_rhost_after_request(r);
    if (req == NULL || cc_proc.metrics == NULL)
        return DECLINED;
    elapsed = apr_time_now() - r->request_time;
    cc_metrics_record_request(cc_proc.metrics, req->route.endpoint, r->status,
                              elapsed > 0 ? (uint64_t)elapsed : 0);
    return DECLINED;
}

static void concerto_register_hooks(apr_pool_t *pool)
{
    (void)pool;
    ap_hook_pre_config(concerto_pre_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_post_config(concerto_post_config, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_child_init(concerto_child_init, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_handler(concerto_handler, NULL, NULL, APR_HOOK_MIDDLE);
    ap_hook_log_transaction(concerto_log_transaction, NULL, NULL, APR_HOOK_MIDDLE);
}

AP_DECLARE_MODULE(concerto) = {
    STANDARD20_MODULE_STUFF, cc_create_dir_config,    cc_merge_dir_config, NULL, NULL,
    cc_directives,           concerto_register_hooks,
#if defined(AP_MODULE_FLAG_ALWAYS_MERGE)
    AP_MODULE_FLAG_NONE
#endif
};
