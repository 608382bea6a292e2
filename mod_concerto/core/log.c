#include "log.h"

#include <apr_strings.h>
#include <stdarg.h>

static cc_log_sink_fn *log_sink;
static void *log_baton;
static cc_log_level log_max_level = CC_LOG_WARNING;

void cc_log_set_sink(cc_log_sink_fn *sink, void *baton, cc_log_level max_level)
{
    log_sink = sink;
    log_baton = baton;
    log_max_level = max_level;
}

int cc_log_is_enabled(cc_log_level level)
{
    return log_sink != NULL && level <= log_max_level;
}

void cc_log(const char *file, int line, cc_log_level level, apr_status_t status, const char *fmt,
            ...)
{
    char message[2048];
    va_list ap;

    if (!cc_log_is_enabled(level))
        return;
    va_start(ap, fmt);
    apr_vsnprintf(message, sizeof(message), fmt, ap);
    va_end(ap);
    log_sink(log_baton, file, line, level, status, message);
}
