#include "rhost.h"

#include "core/files.h"
#include "core/log.h"
#include "rhost/dbbridge.h"

#include <apr_file_info.h>
#include <apr_file_io.h>
#include <apr_strings.h>
#include <apr_thread_mutex.h>
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

/* R's headers come after APR's; no remapped short names, and the stack and
 * console hooks are wanted. */
#define R_NO_REMAP
#define CSTACK_DEFNS
#define R_INTERFACE_PTRS
#include <Rembedded.h>
#include <Rinterface.h>
#include <R_ext/Parse.h>
#include <Rinternals.h>

#ifndef CONCERTO_R_HOME
#define CONCERTO_R_HOME "/usr/lib/R"
#endif

/* Exported by libR (declared only in a graphics header). */
extern int R_interrupts_pending;

/* Output beyond this is dropped, so a printing loop cannot eat the memory. */
#define OUTPUT_CAP ((size_t)1024 * 1024)
/* R may use this share of the calling thread's stack (100% segfaulted). */
#define STACK_SHARE_NUM 3
#define STACK_SHARE_DEN 4

static pid_t initialised_pid;
static apr_thread_mutex_t *r_mutex;
static timer_t r_timer;
static apr_size_t r_memory_limit;
static atomic_int memory_exceeded;
static atomic_int timer_armed;
static atomic_int timed_out;
static int quit_attempted;
static const char *process_temp_dir;
/* Why the package for tests is not there (NULL once it loaded). */
static const char *package_problem = "no R package was loaded";
static char *package_problem_text;

/* The buffer of the call in progress (only touched under r_mutex). */
static struct {
    char *data;
    size_t len;
    size_t cap;
    int truncated;
} console;

static void console_write(const char *text, int length, int stream)
{
    size_t need;

    if (console.data == NULL) {
        /* Output outside a call (start-up): to the log. */
        cc_log(CC_LOG_MARK, stream ? CC_LOG_WARNING : CC_LOG_DEBUG, APR_SUCCESS, "R: %.*s", length,
               text);
        return;
    }
    if (length <= 0)
        return;
    if (console.len + (size_t)length > OUTPUT_CAP) {
        console.truncated = 1;
        return;
    }
    need = console.len + (size_t)length + 1;
    if (need > console.cap) {
        size_t cap = console.cap * 2 > need ? console.cap * 2 : need;
        char *grown = realloc(console.data, cap);
        if (grown == NULL) {
            console.truncated = 1;
            return;
        }
        console.data = grown;
        console.cap = cap;
    }
    memcpy(console.data + console.len, text, (size_t)length);
    console.len += (size_t)length;
    console.data[console.len] = '\0';
}

/* q() and quit() end up here: refuse with an R error instead of exit(). */
static void refuse_quit(SA_TYPE save, int status, int run_last)
{
    (void)save;
    (void)status;
    (void)run_last;
    quit_attempted = 1;
    Rf_error("quit() is disabled inside mod_concerto");
}

/* Runs on a timer thread: asks R to stop at its next interrupt check. */
static void timer_fired(union sigval value)
{
    (void)value;
    if (atomic_load(&timer_armed)) {
        atomic_store(&timed_out, 1);
        R_interrupts_pending = 1;
    }
}

static void set_timer(int timeout_ms)
{
    struct itimerspec spec;

    memset(&spec, 0, sizeof(spec));
    spec.it_value.tv_sec = timeout_ms / 1000;
    spec.it_value.tv_nsec = (long)(timeout_ms % 1000) * 1000000L;
    atomic_store(&timer_armed, timeout_ms > 0);
    timer_settime(r_timer, 0, &spec, NULL);
}

apr_status_t cc_rhost_clean_stale(apr_pool_t *pool, const char *temp_base)
{
    apr_dir_t *dir;
    apr_finfo_t entry;
    apr_status_t rv = apr_dir_open(&dir, temp_base, pool);

    if (rv != APR_SUCCESS)
        return APR_STATUS_IS_ENOENT(rv) ? APR_SUCCESS : rv;
    while (apr_dir_read(&entry, APR_FINFO_NAME | APR_FINFO_TYPE, dir) == APR_SUCCESS) {
        char *end = NULL;
        long pid;

        if (entry.filetype != APR_DIR || strncmp(entry.name, "pid-", 4) != 0)
            continue;
        pid = strtol(entry.name + 4, &end, 10);
        if (end == entry.name + 4 || *end != '\0' || pid <= 0)
            continue;
        if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
            continue; /* alive, or someone else's */
        cc_log(CC_LOG_MARK, CC_LOG_INFO, APR_SUCCESS,
               "R: removing the temp dir of gone process %ld", pid);
        cc_remove_tree(pool, apr_pstrcat(pool, temp_base, "/", entry.name, NULL));
    }
    apr_dir_close(dir);
    return APR_SUCCESS;
}

static apr_status_t rhost_cleanup(void *data)
{
    apr_pool_t *scratch;

    (void)data;
    if (initialised_pid != getpid())
        return APR_SUCCESS; /* a fork of the process that owns R */
    timer_delete(r_timer);
    /* Runs R's exit finalisers and removes R's session dir. */
    Rf_endEmbeddedR(0);
    if (process_temp_dir != NULL && apr_pool_create(&scratch, NULL) == APR_SUCCESS) {
        cc_remove_tree(scratch, process_temp_dir);
        apr_pool_destroy(scratch);
    }
    process_temp_dir = NULL;
    r_mutex = NULL;
    return APR_SUCCESS;
}

static void start_r(void *unused)
{
    (void)unused;
    R_ParseEvalString("options(warn = 1)", R_GlobalEnv);
}

apr_status_t cc_rhost_init(apr_pool_t *pool, const char *temp_base, apr_size_t memory_limit,
                           const char **errmsg)
{
    static char *argv[] = {"mod_concerto", "--vanilla", "--silent", "--no-save", "--no-echo"};
    struct sigevent event;
    apr_status_t rv;
    char *dir;

    *errmsg = NULL;
    if (initialised_pid == getpid())
        return APR_SUCCESS;
    if (initialised_pid != 0) {
        *errmsg = "R was initialised in a parent process and cannot be used after fork";
        return APR_EINIT;
    }
    dir = apr_psprintf(pool, "%s/pid-%ld", temp_base, (long)getpid());
    rv = apr_dir_make_recursive(temp_base, APR_OS_DEFAULT, pool);
    if (rv == APR_SUCCESS) {
        cc_remove_tree(pool, dir); /* left by an earlier process with our pid */
        rv = apr_dir_make(dir, APR_UREAD | APR_UWRITE | APR_UEXECUTE, pool);
    }
    if (rv != APR_SUCCESS) {
        char buf[120];
        *errmsg = apr_psprintf(pool, "cannot create the R temp dir %s: %s", dir,
                               apr_strerror(rv, buf, sizeof(buf)));
        return rv;
    }
    rv = apr_thread_mutex_create(&r_mutex, APR_THREAD_MUTEX_DEFAULT, pool);
    if (rv != APR_SUCCESS) {
        *errmsg = "cannot create the R mutex";
        return rv;
    }
    memset(&event, 0, sizeof(event));
    event.sigev_notify = SIGEV_THREAD;
    event.sigev_notify_function = timer_fired;
    if (timer_create(CLOCK_MONOTONIC, &event, &r_timer) != 0) {
        rv = APR_FROM_OS_ERROR(errno);
        *errmsg = apr_psprintf(pool, "cannot create the R time-limit timer: %s", strerror(errno));
        return rv;
    }
    if (getenv("R_HOME") == NULL)
        setenv("R_HOME", CONCERTO_R_HOME, 1);
    /* R makes its session dir under TMPDIR while it starts. */
    setenv("TMPDIR", dir, 1);
    process_temp_dir = dir;
    r_memory_limit = memory_limit;

    R_SignalHandlers = 0; /* no SIGSEGV/SIGINT/SIGPIPE handlers inside httpd */
    Rf_initialize_R((int)(sizeof(argv) / sizeof(argv[0])), argv);
    R_Interactive = FALSE;
    R_Outputfile = NULL;
    R_Consolefile = NULL;
    ptr_R_WriteConsole = NULL;
    ptr_R_WriteConsoleEx = console_write;
    setup_Rmainloop();
    ptr_R_CleanUp = refuse_quit;
    initialised_pid = getpid();
    apr_pool_cleanup_register(pool, NULL, rhost_cleanup, apr_pool_cleanup_null);
    cc_dbbridge_register();
    if (!R_ToplevelExec(start_r, NULL))
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, APR_SUCCESS, "R: options(warn = 1) failed");
    cc_log(CC_LOG_MARK, CC_LOG_DEBUG, APR_SUCCESS, "R initialised in process %ld, temp dir %s",
           (long)getpid(), dir);
    return APR_SUCCESS;
}

int cc_rhost_ready(void)
{
    return initialised_pid != 0 && initialised_pid == getpid();
}

int cc_rhost_memory_exceeded(void)
{
    return atomic_load(&memory_exceeded);
}

const char *cc_r_status_name(cc_r_status status)
{
    switch (status) {
    case CC_R_OK:
        return "ok";
    case CC_R_ERROR:
        return "R error";
    case CC_R_PARSE_ERROR:
        return "parse error";
    case CC_R_TIMEOUT:
        return "time limit reached";
    case CC_R_QUIT_REFUSED:
        return "quit() refused";
    }
    return "unknown";
}

/* What one call gets back from the R top level. */
typedef struct {
    cc_r_status status;
    char *message; /* malloc'd */
} job_outcome;

/* cc_rhost_eval's job: code to parse and evaluate. */
typedef struct {
    job_outcome outcome;
    const char *code;
} eval_job;

/* cc_rhost_call's job: function(arg), its character(1) value. */
typedef struct {
    job_outcome outcome;
    const char *function;
    const char *arg;
    char *value; /* malloc'd */
} call_job;

static void fail_job(job_outcome *outcome, cc_r_status status)
{
    const char *text = R_curErrorBuf();
    size_t len = strlen(text);

    outcome->status = status;
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        len--;
    outcome->message = strndup(text, len);
}

/* Runs under R_ToplevelExec: any R longjmp ends here, never in the caller. */
static void eval_toplevel(void *data)
{
    eval_job *job = data;
    SEXP text, no, parse_call, exprs, env;
    SEXP parse_sym = Rf_install("parse");
    int err = 0;
    R_xlen_t i;

    PROTECT(text = Rf_mkString(job->code));
    PROTECT(no = Rf_ScalarLogical(FALSE));
    /* parse(text=) reports errors with line and column, R_ParseVector does not. */
    PROTECT(parse_call = Rf_lang3(parse_sym, text, no));
    SET_TAG(CDR(parse_call), Rf_install("text"));
    SET_TAG(CDDR(parse_call), Rf_install("keep.source"));
    exprs = R_tryEvalSilent(parse_call, R_BaseEnv, &err);
    if (err) {
        fail_job(&job->outcome, CC_R_PARSE_ERROR);
        UNPROTECT(3);
        return;
    }
    PROTECT(exprs);
    PROTECT(env = R_NewEnv(R_GlobalEnv, TRUE, 29));
    for (i = 0; i < XLENGTH(exprs); i++) {
        SEXP call, shown;
        PROTECT(call = Rf_lang2(Rf_install("withVisible"), VECTOR_ELT(exprs, i)));
        shown = R_tryEvalSilent(call, env, &err);
        UNPROTECT(1);
        if (err)
            break;
        PROTECT(shown);
        if (Rf_asLogical(VECTOR_ELT(shown, 1)) == TRUE) {
            PROTECT(call = Rf_lang2(Rf_install("print"), VECTOR_ELT(shown, 0)));
            R_tryEvalSilent(call, env, &err);
            UNPROTECT(1);
        }
        UNPROTECT(1);
        if (err)
            break;
    }
    if (err)
        fail_job(&job->outcome, CC_R_ERROR);
    UNPROTECT(5);
}

/* Runs under R_ToplevelExec: the function is found by evaluating its name
 * (so "pkg:::name" works), then called with arg as a character(1). */
static void call_toplevel(void *data)
{
    call_job *job = data;
    SEXP name, exprs, fn, arg, call, value;
    ParseStatus parsed;
    int err = 0;

    PROTECT(name = Rf_mkString(job->function));
    PROTECT(exprs = R_ParseVector(name, 1, &parsed, R_NilValue));
    if (parsed != PARSE_OK || XLENGTH(exprs) != 1) {
        job->outcome.status = CC_R_ERROR;
        job->outcome.message = strdup("the function to call is not a name");
        UNPROTECT(2);
        return;
    }
    fn = R_tryEvalSilent(VECTOR_ELT(exprs, 0), R_GlobalEnv, &err);
    if (err) {
        fail_job(&job->outcome, CC_R_ERROR);
        UNPROTECT(2);
        return;
    }
    PROTECT(fn);
    PROTECT(arg = Rf_ScalarString(Rf_mkCharCE(job->arg, CE_UTF8)));
    PROTECT(call = Rf_lang2(fn, arg));
    value = R_tryEvalSilent(call, R_GlobalEnv, &err);
    if (err) {
        fail_job(&job->outcome, CC_R_ERROR);
    } else if (TYPEOF(value) != STRSXP || XLENGTH(value) != 1 ||
               STRING_ELT(value, 0) == NA_STRING) {
        job->outcome.status = CC_R_ERROR;
        job->outcome.message = strdup("the R function did not return one character string");
    } else {
        job->value = strdup(Rf_translateCharUTF8(STRING_ELT(value, 0)));
    }
    UNPROTECT(5);
}

static apr_size_t resident_bytes(void)
{
    char line[128];
    char *field, *end = NULL;
    long pages_resident = 0;
    FILE *statm = fopen("/proc/self/statm", "r");

    if (statm == NULL)
        return 0;
    /* "size resident shared ...", in pages */
    if (fgets(line, sizeof(line), statm) != NULL && (field = strchr(line, ' ')) != NULL)
        pages_resident = strtol(field + 1, &end, 10);
    fclose(statm);
    if (end == NULL || pages_resident < 0)
        return 0;
    return (apr_size_t)pages_resident * (apr_size_t)sysconf(_SC_PAGESIZE);
}

/* Points R's C stack check at the calling thread's own stack. */
static void adopt_stack(uintptr_t *saved_start, uintptr_t *saved_limit)
{
    pthread_attr_t attr;
    void *addr = NULL;
    size_t size = 0;

    *saved_start = R_CStackStart;
    *saved_limit = R_CStackLimit;
    if (pthread_getattr_np(pthread_self(), &attr) != 0)
        return;
    if (pthread_attr_getstack(&attr, &addr, &size) == 0 && size > 0) {
        R_CStackStart = (uintptr_t)addr + size;
        R_CStackLimit = (uintptr_t)(size / STACK_SHARE_DEN * STACK_SHARE_NUM);
    }
    pthread_attr_destroy(&attr);
}

/* Runs body(job) at R's top level under the mutex, the time limit and
 * the calling thread's stack, with db bound for the database routines,
 * and fills out from outcome and R's console. */
static apr_status_t run_toplevel(apr_pool_t *pool, void (*body)(void *), void *job,
                                 job_outcome *outcome, int timeout_ms, cc_db *db, cc_r_result *out)
{
    uintptr_t saved_start, saved_limit;
    Rboolean completed;
    apr_status_t rv;

    out->status = CC_R_OK;
    out->output = "";
    out->message = NULL;
    out->value = NULL;
    if (!cc_rhost_ready())
        return APR_EINIT;
    rv = apr_thread_mutex_lock(r_mutex);
    if (rv != APR_SUCCESS)
        return rv;

    console.cap = 4096;
    console.len = 0;
    console.truncated = 0;
    console.data = malloc(console.cap);
    if (console.data == NULL) {
        apr_thread_mutex_unlock(r_mutex);
        return APR_ENOMEM;
    }
    console.data[0] = '\0';
    quit_attempted = 0;
    atomic_store(&timed_out, 0);
    R_interrupts_pending = 0;
    adopt_stack(&saved_start, &saved_limit);
    cc_dbbridge_bind(db, pool);

    set_timer(timeout_ms);
    completed = R_ToplevelExec(body, job);
    set_timer(0);
    R_interrupts_pending = 0;

    cc_dbbridge_bind(NULL, NULL);
    R_CStackStart = saved_start;
    R_CStackLimit = saved_limit;

    /* The flags win over R's text: an interrupt leaves a stale message. */
    if (atomic_load(&timed_out) && (outcome->status != CC_R_OK || !completed)) {
        out->status = CC_R_TIMEOUT;
        out->message =
            apr_psprintf(pool, "the R code ran longer than the limit of %d ms", timeout_ms);
    } else if (quit_attempted) {
        out->status = CC_R_QUIT_REFUSED;
        out->message = "quit() is disabled inside mod_concerto";
    } else if (!completed) {
        out->status = CC_R_ERROR;
        out->message = "R stopped the evaluation at top level";
    } else if (outcome->status != CC_R_OK) {
        out->status = outcome->status;
        out->message =
            apr_pstrdup(pool, outcome->message && *outcome->message ? outcome->message : "R error");
    }
    free(outcome->message);
    outcome->message = NULL;
    out->output = console.truncated
                      ? apr_pstrcat(pool, console.data, "\n[output truncated]\n", NULL)
                      : apr_pstrdup(pool, console.data);
    free(console.data);
    console.data = NULL;

    if (r_memory_limit > 0 && resident_bytes() > r_memory_limit &&
        !atomic_exchange(&memory_exceeded, 1))
        cc_log(CC_LOG_MARK, CC_LOG_WARNING, APR_SUCCESS,
               "R: process %ld is above its memory limit of %lu bytes; it will exit after this "
               "request",
               (long)getpid(), (unsigned long)r_memory_limit);
    apr_thread_mutex_unlock(r_mutex);
    return APR_SUCCESS;
}

apr_status_t cc_rhost_eval(apr_pool_t *pool, const char *code, int timeout_ms, cc_r_result *out)
{
    eval_job job = {{CC_R_OK, NULL}, code};

    return run_toplevel(pool, eval_toplevel, &job, &job.outcome, timeout_ms, NULL, out);
}

apr_status_t cc_rhost_call(apr_pool_t *pool, cc_db *db, const char *function, const char *arg,
                           int timeout_ms, cc_r_result *out)
{
    call_job job = {{CC_R_OK, NULL}, function, arg, NULL};
    apr_status_t rv = run_toplevel(pool, call_toplevel, &job, &job.outcome, timeout_ms, db, out);

    if (rv == APR_SUCCESS && out->status == CC_R_OK && job.value != NULL)
        out->value = apr_pstrdup(pool, job.value);
    free(job.value);
    return rv;
}

/* An R string literal of text. */
static const char *r_string(apr_pool_t *pool, const char *text)
{
    char *quoted = apr_palloc(pool, strlen(text) * 2 + 3), *q = quoted;

    *q++ = '"';
    for (; *text; text++) {
        if (*text == '"' || *text == '\\')
            *q++ = '\\';
        *q++ = *text;
    }
    *q++ = '"';
    *q = '\0';
    return quoted;
}

apr_status_t cc_rhost_load_package(apr_pool_t *pool, const char *lib_dir, const char *package,
                                   const char **errmsg)
{
    cc_r_result res;
    const char *code = apr_pstrcat(
        pool,
        lib_dir ? apr_psprintf(pool, ".libPaths(c(%s, .libPaths()))\n", r_string(pool, lib_dir))
                : "",
        "suppressPackageStartupMessages(library(", package, "))", NULL);
    apr_status_t rv = cc_rhost_eval(pool, code, 120000, &res);

    *errmsg = NULL;
    if (rv == APR_SUCCESS && res.status == CC_R_OK) {
        package_problem = NULL;
        return APR_SUCCESS;
    }
    *errmsg = rv != APR_SUCCESS
                  ? "R is not running in this process"
                  : apr_psprintf(pool, "library(%s)%s%s: %s", package, lib_dir ? " from " : "",
                                 lib_dir ? lib_dir : "", res.message);
    free(package_problem_text);
    package_problem_text = strdup(*errmsg);
    package_problem = package_problem_text ? package_problem_text : "the R package did not load";
    return rv != APR_SUCCESS ? rv : APR_EGENERAL;
}

const char *cc_rhost_package_problem(void)
{
    return cc_rhost_ready() ? package_problem : "R is not running in this process";
}
