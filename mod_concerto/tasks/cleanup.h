/* concertoctl sessions clear: old sessions and their uploaded files go.
 * Like Concerto's concerto:sessions:clear, the age is the files expiration
 * (session_files_expiration, 7 days); unlike it, the session rows go too,
 * since ours hold the whole session state. Response tables are results and
 * are kept. */
#ifndef CC_TASKS_CLEANUP_H
#define CC_TASKS_CLEANUP_H

#include "store/db.h"

typedef struct cc_cleanup_result {
    int sessions;    /* rows removed (their log entries with them) */
    int directories; /* DATADIR/files/sessions/{hash} directories removed */
} cc_cleanup_result;

/* Removes every session not updated for older_than seconds before now that
 * is finished, stopped, failed or rejected, or still running but idle past
 * max_idle seconds (abandoned), with its file directory; then any session
 * directory under data_dir whose session no longer exists and whose
 * modification time is older than the same age. */
apr_status_t cc_sessions_clear(cc_db *db, apr_pool_t *pool, const char *data_dir, long now,
                               long older_than, int max_idle, cc_cleanup_result *result);

#endif
