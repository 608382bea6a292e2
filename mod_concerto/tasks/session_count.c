#include "tasks/session_count.h"

#include "store/sessions.h"

#include <apr_strings.h>
#include <stdlib.h>

apr_status_t cc_session_count_record(cc_db *db, apr_pool_t *pool, long now, int idle_seconds,
                                     long *count, long *previous, int *recorded)
{
    const char *last = NULL;
    apr_status_t rv;

    *count = 0;
    *previous = -1;
    *recorded = 0;
    rv = cc_sessions_count_active(db, pool, now, idle_seconds, count);
    if (rv != APR_SUCCESS)
        return rv;
    /* MAX(id) rather than ORDER BY ... LIMIT, which not every dialect has. */
    rv = cc_db_select_value(db, pool, &last,
                            "SELECT session_count FROM test_session_count "
                            "WHERE id = (SELECT MAX(id) FROM test_session_count)",
                            0, NULL);
    if (rv != APR_SUCCESS)
        return rv;
    if (last != NULL)
        *previous = strtol(last, NULL, 10);
    if (*previous == *count)
        return APR_SUCCESS;
    {
        const char *args[] = {apr_ltoa(pool, *count), apr_ltoa(pool, now), NULL};
        rv = cc_db_query(db, pool, NULL,
                         "INSERT INTO test_session_count (session_count, created) VALUES (%s, %s)",
                         2, args);
    }
    if (rv == APR_SUCCESS)
        *recorded = 1;
    return rv;
}
