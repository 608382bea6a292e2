/* core/shared_pool: pools a child's threads share, destroyed after the
 * requests that may still hold what they own. */
#include "check_concerto.h"

#include "core/shared_pool.h"

#include <string.h>

static char order[8];

static apr_status_t note(void *what)
{
    strncat(order, what, sizeof(order) - strlen(order) - 1);
    return APR_SUCCESS;
}

START_TEST(outlives_the_owners_subpools)
{
    apr_pool_t *owner, *request, *shared = NULL, *entry;

    order[0] = '\0';
    apr_pool_create(&owner, NULL);
    /* As prefork does: the transaction pool exists before child_init. */
    apr_pool_create(&request, owner);
    ck_assert_int_eq(cc_shared_pool_create(owner, "test_shared", &shared), APR_SUCCESS);
    apr_pool_create(&entry, shared);
    apr_pool_cleanup_register(request, "R", note, apr_pool_cleanup_null);
    apr_pool_cleanup_register(entry, "E", note, apr_pool_cleanup_null);
    apr_pool_cleanup_register(shared, "S", note, apr_pool_cleanup_null);
    apr_pool_destroy(owner);
    ck_assert_str_eq(order, "RES");
}
END_TEST

START_TEST(destroyed_early_once)
{
    apr_pool_t *owner, *shared = NULL;

    order[0] = '\0';
    apr_pool_create(&owner, NULL);
    ck_assert_int_eq(cc_shared_pool_create(owner, "test_shared", &shared), APR_SUCCESS);
    apr_pool_cleanup_register(shared, "S", note, apr_pool_cleanup_null);
    cc_shared_pool_destroy(owner, shared);
    ck_assert_str_eq(order, "S");
    apr_pool_destroy(owner);
    ck_assert_str_eq(order, "S");
}
END_TEST

TCase *tcase_core_shared_pool(void)
{
    TCase *tc = cc_test_tcase("core/shared_pool");

    tcase_add_test(tc, outlives_the_owners_subpools);
    tcase_add_test(tc, destroyed_early_once);
    return tc;
}
