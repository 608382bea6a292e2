/* Embedded R in the children: started in child_init when any server has
 * ConcertoR On (R is per process, so the setting is server-wide), and the
 * graceful end of a child whose R grew past the memory ceiling. */
#include "glue.h"

#include "http_core.h"
#include "mpm_common.h"
#include "core/body.h"
#include "rhost/rhost.h"
#include "runner/service.h"

#include <apr_strings.h>
#include <signal.h>
#include <unistd.h>

/* ConcertoRMemoryLimit of the server that started R, in MB. */
static int memory_limit_mb;

static const cc_config *first_r_server(server_rec *main_server, server_rec **found)
{
    server_rec *s;

    for (s = main_server; s; s = s->next) {
        const cc_config *cfg = ap_get_module_config(s->lookup_defaults, &concerto_module);
        if (cc_config_r_enabled(cfg)) {
            *found = s;
            return cfg;
        }
    }
    return NULL;
}

void cc_rhost_child_init(apr_pool_t *pchild, server_rec *main_server)
{
    server_rec *s = main_server;
    const cc_config *cfg = first_r_server(main_server, &s);
    const char *temp_base, *errmsg = NULL;
    apr_time_t start = apr_time_now();
    apr_status_t rv;

    if (cfg == NULL)
        return;
    temp_base = apr_pstrcat(pchild, cc_config_data_dir(cfg), "/tmp/r", NULL);
    cc_rhost_clean_stale(pchild, temp_base);
    memory_limit_mb = cc_config_r_memory_limit_mb(cfg);
    rv = cc_rhost_init(pchild, temp_base, (apr_size_t)memory_limit_mb * 1024 * 1024, &errmsg);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "ConcertoR On, but R did not start in process %ld: %s", (long)getpid(),
                     errmsg ? errmsg : "unknown reason");
        return;
    }
    /* The tests' R package; without it R tests answer 503 and say why. */
    if (cc_rhost_load_package(pchild, cc_config_r_library(cfg), "concerto", &errmsg) !=
        APR_SUCCESS) {
        static int logged;
        if (!logged++)
            ap_log_error(APLOG_MARK, APLOG_CRIT, 0, s,
                         "ConcertoR On, but the R package concerto did not load (R tests will "
                         "answer 503): %s; install it (R CMD INSTALL) or set ConcertoRLibrary",
                         errmsg);
    }
    ap_log_error(APLOG_MARK, APLOG_DEBUG, 0, s,
                 "R ready in process %ld after %" APR_TIME_T_FMT " ms (temp dir under %s)",
                 (long)getpid(), apr_time_as_msec(apr_time_now() - start), temp_base);
}

void cc_rhost_after_request(request_rec *r)
{
    static int asked;

    if (asked || !cc_rhost_memory_exceeded())
        return;
    asked = 1;
    ap_log_rerror(APLOG_MARK, APLOG_WARNING, 0, r,
                  "R in process %ld is above %lu MB: the process exits after its current "
                  "requests",
                  (long)getpid(), (unsigned long)memory_limit_mb);
    /* The MPM's graceful signal: the child stops accepting, finishes its
     * connections and exits; the parent starts a fresh one. */
    kill(getpid(), AP_SIG_GRACEFUL);
}

static void count_r_error(int timed_out)
{
    cc_metrics_record_r_error(cc_proc.metrics,
                              timed_out ? CC_METRICS_R_TIMEOUT : CC_METRICS_R_ERROR);
}

void cc_rhost_observe_errors(void)
{
    cc_run_set_r_error_observer(count_r_error);
}

void cc_rhost_request_options(cc_request *req)
{
    request_rec *r = req->r;
    const char *base = cc_request_base_url(req);
    cc_run_r_options opts;
    const char *errmsg = NULL;

    memset(&opts, 0, sizeof(opts));
    opts.enabled = cc_config_r_enabled(req->cfg);
    opts.timeout_seconds = cc_config_r_timeout(req->cfg);
    opts.app_url = ap_construct_url(r->pool, base, r);
    opts.files_dir = apr_pstrcat(r->pool, cc_config_data_dir(req->cfg), "/files", NULL);
    opts.files_url = apr_pstrcat(r->pool, base, "/files", NULL);
    /* The URL's query: the test's parameters at the start (Concerto's
     * start_session merges query parameters into params). */
    if (r->args && *r->args &&
        cc_body_parse(r->pool, "application/x-www-form-urlencoded", r->args, strlen(r->args),
                      &opts.parameters, &errmsg) != APR_SUCCESS)
        opts.parameters = NULL;
    cc_run_set_r_options(r->pool, &opts);
}
