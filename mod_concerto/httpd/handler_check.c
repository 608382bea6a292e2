/* Monitoring endpoints: /api/check/health, session_count and prometheus. */
#include "glue.h"

#include "monitor/health.h"
#include "store/migrate.h"
#include "store/sessions.h"

#include <apr_strings.h>

/* Both checks, the reason of the first failure in *reason. */
static int platform_healthy(cc_request *req, int *schema_version, const char **reason)
{
    cc_db *db = NULL;

    *schema_version = 0;
    if (cc_health_data_dir(req->r->pool, cc_config_data_dir(req->cfg), reason) != APR_SUCCESS)
        return 0;
    if (cc_request_db_quiet(req, &db, reason) != APR_SUCCESS)
        return 0;
    return cc_health_database(db, req->r->pool, schema_version, reason) == APR_SUCCESS;
}

int cc_handle_check_health(cc_request *req)
{
    const char *reason = NULL;
    int schema_version;

    if (platform_healthy(req, &schema_version, &reason))
        return cc_send_text(req->r, HTTP_OK, "text/plain; charset=utf-8", "healthy\n");
    ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, "health check failed: %s", reason);
    return cc_send_text(req->r, HTTP_INTERNAL_SERVER_ERROR, "text/plain; charset=utf-8",
                        "unhealthy\n");
}

/* ConcertoSessionIdleTime, but never longer than ConcertoSessionMaxIdle:
 * a session idle past the latter has expired, even before a request
 * marks it STOPPED. */
static int active_window(const cc_config *cfg)
{
    int idle = cc_config_session_idle_time(cfg), max_idle = cc_config_session_max_idle(cfg);

    return idle < max_idle ? idle : max_idle;
}

int cc_handle_check_session_count(cc_request *req)
{
    cc_db *db = NULL;
    long count = 0;
    int rc = cc_request_db(req, &db);

    if (rc != OK)
        return rc;
    if (cc_sessions_count_active(db, req->r->pool, (long)apr_time_sec(apr_time_now()),
                                 active_window(req->cfg), &count) != APR_SUCCESS) {
        req->db_broken = 1;
        return cc_send_error(
            req, HTTP_SERVICE_UNAVAILABLE,
            apr_pstrcat(req->r->pool, "cannot count sessions: ", db->last_error, NULL));
    }
    return cc_send_text(req->r, HTTP_OK, "text/plain; charset=utf-8",
                        apr_ltoa(req->r->pool, count));
}

int cc_handle_check_prometheus(cc_request *req)
{
    cc_metrics_gauges gauges;
    const char *reason = NULL;

    memset(&gauges, 0, sizeof(gauges));
    gauges.schema_expected = cc_schema_latest();
    gauges.health = platform_healthy(req, &gauges.schema_version, &reason);
    if (!gauges.health)
        ap_log_rerror(APLOG_MARK, APLOG_ERR, 0, req->r, "health check failed: %s", reason);
    if (req->db && gauges.schema_version == gauges.schema_expected &&
        cc_sessions_count_active(req->db, req->r->pool, (long)apr_time_sec(apr_time_now()),
                                 active_window(req->cfg), &gauges.session_count) != APR_SUCCESS)
        req->db_broken = 1;
    return cc_send_text(
        req->r, HTTP_OK, "text/plain; version=0.0.4; charset=utf-8",
        cc_metrics_render(req->r->pool, cc_proc.metrics, &gauges, CONCERTO_VERSION));
}
