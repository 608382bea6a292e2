/* Embedded R in the children: started in child_init when any server has
 * ConcertoR On (R is per process, so the setting is server-wide), and the
 * graceful end of a child whose R grew past the memory ceiling. */
#include "glue.h"

#include "mpm_common.h"
#include "rhost/rhost.h"

#include <apr_strings.h>
#include <signal.h>
#include <unistd.h>

/* Resident size after an R call above which the child finishes its request
 * and exits; R alone is about 50 MB per child (README, Embedded R). */
#define CC_R_MEMORY_LIMIT ((apr_size_t)512 * 1024 * 1024)

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
    rv = cc_rhost_init(pchild, temp_base, CC_R_MEMORY_LIMIT, &errmsg);
    if (rv != APR_SUCCESS) {
        ap_log_error(APLOG_MARK, APLOG_CRIT, rv, s,
                     "ConcertoR On, but R did not start in process %ld: %s", (long)getpid(),
                     errmsg ? errmsg : "unknown reason");
        return;
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
                  (long)getpid(), (unsigned long)(CC_R_MEMORY_LIMIT / ((apr_size_t)1024 * 1024)));
    /* The MPM's graceful signal: the child stops accepting, finishes its
     * connections and exits; the parent starts a fresh one. */
    kill(getpid(), AP_SIG_GRACEFUL);
}
