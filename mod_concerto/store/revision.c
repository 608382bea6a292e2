#include "revision.h"

#include <apr_strings.h>

apr_status_t cc_revision_bump_table(cc_db *db, apr_pool_t *pool, const char *name)
{
    const char *args[] = {name, NULL};

    return cc_db_query(db, pool, NULL,
                       "UPDATE data_table SET revision = revision + 1 WHERE name = %s", 1, args);
}

apr_status_t cc_revision_bump_test(cc_db *db, apr_pool_t *pool, long test_id)
{
    const char *args[] = {apr_ltoa(pool, test_id), NULL};

    return cc_db_query(db, pool, NULL, "UPDATE test SET revision = revision + 1 WHERE id = %s", 1,
                       args);
}

apr_status_t cc_revision_bump_template(cc_db *db, apr_pool_t *pool, const char *name)
{
    const char *args[] = {name, NULL};

    return cc_db_query(db, pool, NULL,
                       "UPDATE view_template SET revision = revision + 1 WHERE name = %s", 1, args);
}
