#include "tasks/cleanup.h"

#include "core/files.h"
#include "store/sessions.h"

#include <apr_file_info.h>
#include <apr_strings.h>
#include <apr_time.h>

static const char *session_dir(apr_pool_t *pool, const char *data_dir, const char *hash)
{
    return apr_pstrcat(pool, data_dir, "/files/sessions/", hash, NULL);
}

static int directory_exists(apr_pool_t *pool, const char *path)
{
    apr_finfo_t info;

    return apr_stat(&info, path, APR_FINFO_TYPE, pool) == APR_SUCCESS && info.filetype == APR_DIR;
}

/* A hash we wrote ourselves: hex only, so it can never climb out of the
 * sessions directory. */
static int is_session_hash(const char *name)
{
    const char *c;

    if (*name == '\0')
        return 0;
    for (c = name; *c; c++)
        if (!((*c >= '0' && *c <= '9') || (*c >= 'a' && *c <= 'f') || (*c >= 'A' && *c <= 'F')))
            return 0;
    return 1;
}

static apr_status_t remove_old_rows(cc_db *db, apr_pool_t *pool, const char *data_dir, long now,
                                    long older_than, int max_idle, cc_cleanup_result *result)
{
    long cutoff = now - older_than, idle_cutoff = now - (long)max_idle;
    const char *args[] = {apr_ltoa(pool, cutoff), apr_itoa(pool, CC_SESSION_RUNNING),
                          apr_ltoa(pool, idle_cutoff < cutoff ? idle_cutoff : cutoff), NULL};
    cc_rows *rows = NULL;
    apr_status_t rv;
    int i;

    rv = cc_db_select(db, pool, &rows,
                      "SELECT id, hash FROM test_session WHERE updated < %s "
                      "AND (status <> %s OR updated < %s) ORDER BY id",
                      3, args);
    if (rv != APR_SUCCESS)
        return rv;
    for (i = 0; i < rows->nrows; i++) {
        const char *id = rows->values[i][0], *hash = rows->values[i][1];
        const char *delete_args[] = {id, NULL};
        int affected = 0;

        /* The log first: SQLite without foreign keys would keep it. */
        rv = cc_db_query(db, pool, NULL, "DELETE FROM test_session_log WHERE session_id = %s", 1,
                         delete_args);
        if (rv == APR_SUCCESS)
            rv = cc_db_query(db, pool, &affected, "DELETE FROM test_session WHERE id = %s", 1,
                             delete_args);
        if (rv != APR_SUCCESS)
            return rv;
        result->sessions += affected;
        if (hash && is_session_hash(hash) &&
            directory_exists(pool, session_dir(pool, data_dir, hash))) {
            cc_remove_tree(pool, session_dir(pool, data_dir, hash));
            result->directories++;
        }
    }
    return APR_SUCCESS;
}

/* Directories left behind (a session deleted by hand, a crash between the
 * row and the files): gone when old enough and without a session. */
static apr_status_t remove_orphan_dirs(cc_db *db, apr_pool_t *pool, const char *data_dir, long now,
                                       long older_than, cc_cleanup_result *result)
{
    const char *root = apr_pstrcat(pool, data_dir, "/files/sessions", NULL);
    apr_dir_t *dir = NULL;
    apr_finfo_t entry;
    apr_status_t rv;

    if (apr_dir_open(&dir, root, pool) != APR_SUCCESS)
        return APR_SUCCESS; /* no uploads ever: nothing to do */
    while (apr_dir_read(&entry, APR_FINFO_NAME | APR_FINFO_TYPE | APR_FINFO_MTIME, dir) ==
           APR_SUCCESS) {
        const char *args[] = {entry.name, NULL};
        const char *found = NULL;

        if (entry.filetype != APR_DIR || !is_session_hash(entry.name))
            continue;
        if ((long)apr_time_sec(entry.mtime) >= now - older_than)
            continue;
        rv = cc_db_select_value(db, pool, &found, "SELECT id FROM test_session WHERE hash = %s", 1,
                                args);
        if (rv != APR_SUCCESS) {
            apr_dir_close(dir);
            return rv;
        }
        if (found == NULL) {
            cc_remove_tree(pool, apr_pstrcat(pool, root, "/", entry.name, NULL));
            result->directories++;
        }
    }
    apr_dir_close(dir);
    return APR_SUCCESS;
}

apr_status_t cc_sessions_clear(cc_db *db, apr_pool_t *pool, const char *data_dir, long now,
                               long older_than, int max_idle, cc_cleanup_result *result)
{
    apr_status_t rv;

    result->sessions = 0;
    result->directories = 0;
    rv = remove_old_rows(db, pool, data_dir, now, older_than, max_idle, result);
    if (rv == APR_SUCCESS)
        rv = remove_orphan_dirs(db, pool, data_dir, now, older_than, result);
    return rv;
}
