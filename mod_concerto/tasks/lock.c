#include "tasks/lock.h"

#include "core/random.h"

#include <apr_strings.h>
#include <unistd.h>

static apr_status_t try_update(cc_db *db, apr_pool_t *pool, const char *name, const char *holder,
                               long now, long ttl, int *claimed)
{
    const char *args[] = {holder, apr_ltoa(pool, now + ttl), name, apr_ltoa(pool, now), NULL};
    int affected = 0;
    apr_status_t rv = cc_db_query(db, pool, &affected,
                                  "UPDATE task_lock SET holder = %s, expires = %s "
                                  "WHERE name = %s AND expires <= %s",
                                  4, args);

    *claimed = (rv == APR_SUCCESS && affected == 1);
    return rv;
}

apr_status_t cc_task_lock_claim(cc_db *db, apr_pool_t *pool, const char *name, const char *holder,
                                long now, long ttl, int *claimed, const char **other)
{
    const char *args[] = {name, NULL};
    cc_rows *rows = NULL;
    apr_status_t rv;

    *claimed = 0;
    if (other)
        *other = NULL;
    rv = try_update(db, pool, name, holder, now, ttl, claimed);
    if (rv != APR_SUCCESS || *claimed)
        return rv;
    rv = cc_db_select(db, pool, &rows, "SELECT holder FROM task_lock WHERE name = %s", 1, args);
    if (rv != APR_SUCCESS)
        return rv;
    if (rows->nrows > 0) {
        if (other)
            *other = rows->values[0][0] ? rows->values[0][0] : "(unknown)";
        return APR_SUCCESS;
    }
    {
        /* A name the migration did not create: add its row free, then claim
         * it like any other. A second server inserting the same name fails on
         * the primary key, which is harmless. */
        const char *insert_args[] = {name, NULL};
        (void)cc_db_query(db, pool, NULL, "INSERT INTO task_lock (name, expires) VALUES (%s, 0)", 1,
                          insert_args);
    }
    rv = try_update(db, pool, name, holder, now, ttl, claimed);
    if (rv == APR_SUCCESS && !*claimed && other)
        *other = "(another run)";
    return rv;
}

apr_status_t cc_task_lock_release(cc_db *db, apr_pool_t *pool, const char *name, const char *holder)
{
    const char *args[] = {name, holder, NULL};

    return cc_db_query(db, pool, NULL,
                       "UPDATE task_lock SET holder = NULL, expires = 0 "
                       "WHERE name = %s AND holder = %s",
                       2, args);
}

const char *cc_task_lock_holder_name(apr_pool_t *pool)
{
    char host[256];
    const char *token = NULL;

    if (gethostname(host, sizeof(host)) != 0)
        apr_cpystrn(host, "unknown-host", sizeof(host));
    host[sizeof(host) - 1] = '\0';
    if (cc_random_hex(pool, 6, &token) != APR_SUCCESS)
        token = "0";
    return apr_psprintf(pool, "%.180s:%ld:%s", host, (long)getpid(), token);
}
