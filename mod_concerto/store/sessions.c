#include "sessions.h"

#include <apr_strings.h>
#include <stdlib.h>

apr_status_t cc_sessions_count_active(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                      long *count)
{
    const char *value = NULL;
    const char *args[] = {apr_itoa(pool, CC_SESSION_RUNNING),
                          apr_ltoa(pool, now - (long)idle_seconds), NULL};
    apr_status_t rv = cc_db_select_value(
        db, pool, &value, "SELECT COUNT(*) FROM test_session WHERE status = %s AND updated >= %s",
        2, args);

    *count = (rv == APR_SUCCESS && value) ? strtol(value, NULL, 10) : 0;
    return rv;
}
