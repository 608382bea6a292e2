/* One embedded R interpreter per process (stack-notes section 3).
 *
 * R can be initialised once per process and is not thread-safe: every call
 * takes a process-wide mutex and runs on the calling thread's stack, which
 * R is told about for the duration of the call. Never includes httpd.h. */
#ifndef CC_RHOST_H
#define CC_RHOST_H

#include <apr_errno.h>
#include <apr_pools.h>

#include "store/db.h"

typedef enum {
    CC_R_OK = 0,
    CC_R_ERROR,        /* stop() or any R error; message holds R's text */
    CC_R_PARSE_ERROR,  /* the code does not parse; message says where */
    CC_R_TIMEOUT,      /* stopped by the time limit */
    CC_R_QUIT_REFUSED, /* the code called q() or quit() */
} cc_r_status;

typedef struct cc_r_result {
    cc_r_status status;
    const char *output;  /* everything R printed during the call, never NULL */
    const char *message; /* the error text when status is not CC_R_OK, else NULL */
    const char *value;   /* cc_rhost_call: the string returned (UTF-8), else NULL */
} cc_r_result;

/* Initialises R in this process. temp_base is a directory (created when
 * missing) under which this process gets its own temp dir, named after the
 * pid and removed when pool is destroyed; memory_limit is the resident size
 * in bytes above which cc_rhost_memory_exceeded() turns true (0: none).
 * A second call in the same process returns APR_SUCCESS and changes
 * nothing. On failure *errmsg says why. */
apr_status_t cc_rhost_init(apr_pool_t *pool, const char *temp_base, apr_size_t memory_limit,
                           const char **errmsg);

/* Whether R is initialised in this process. */
int cc_rhost_ready(void);

/* Evaluates code in a fresh environment whose parent is the global one,
 * printing visible values like Rscript does, for at most timeout_ms
 * milliseconds (0: no limit). Waits for any other thread's call first.
 * Returns APR_EINIT when R is not initialised; an R-side failure is not an
 * apr error: it is reported in out->status. */
apr_status_t cc_rhost_eval(apr_pool_t *pool, const char *code, int timeout_ms, cc_r_result *out);

/* Calls function(arg) (function is an R expression naming a function,
 * e.g. "concerto:::cc_step"; arg becomes a character(1)) under the same
 * mutex, time limit and stack as cc_rhost_eval. db (may be NULL) is the
 * connection the database routines of dbbridge.h use during the call.
 * With status CC_R_OK, out->value is the character(1) it returned; any
 * other value is reported as CC_R_ERROR. */
apr_status_t cc_rhost_call(apr_pool_t *pool, cc_db *db, const char *function, const char *arg,
                           int timeout_ms, cc_r_result *out);

/* Loads an R package: .libPaths(c(lib_dir, .libPaths())) when lib_dir is
 * not NULL, then library(package). On failure *errmsg says why, and
 * cc_rhost_package_problem() keeps saying it. */
apr_status_t cc_rhost_load_package(apr_pool_t *pool, const char *lib_dir, const char *package,
                                   const char **errmsg);

/* NULL once cc_rhost_load_package succeeded in this process; else why the
 * package is not there (R not running, never loaded, or the load error). */
const char *cc_rhost_package_problem(void);

/* True once a call ended with the process above the memory limit: the host
 * should let this process finish its request and exit. */
int cc_rhost_memory_exceeded(void);

/* Removes the per-process dirs under temp_base whose process is gone. */
apr_status_t cc_rhost_clean_stale(apr_pool_t *pool, const char *temp_base);

/* A readable name of a status ("ok", "R error", ...). */
const char *cc_r_status_name(cc_r_status status);

#endif
