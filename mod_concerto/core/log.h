/* Logging for the core library: it never talks to httpd or stdio itself.
 * The host (the httpd glue or concertoctl) installs a sink; without one,
 * messages are dropped. */
#ifndef CC_LOG_H
#define CC_LOG_H

#include <apr_errno.h>

/* Same numbering as syslog and httpd's APLOG_* levels. */
typedef enum {
    CC_LOG_EMERG = 0,
    CC_LOG_ALERT,
    CC_LOG_CRIT,
    CC_LOG_ERR,
    CC_LOG_WARNING,
    CC_LOG_NOTICE,
    CC_LOG_INFO,
    CC_LOG_DEBUG
} cc_log_level;

typedef void cc_log_sink_fn(void *baton, const char *file, int line, cc_log_level level,
                            apr_status_t status, const char *message);

void cc_log_set_sink(cc_log_sink_fn *sink, void *baton, cc_log_level max_level);
int cc_log_is_enabled(cc_log_level level);

#define CC_LOG_MARK __FILE__, __LINE__

void cc_log(const char *file, int line, cc_log_level level, apr_status_t status, const char *fmt,
            ...) __attribute__((format(printf, 5, 6)));

#endif
