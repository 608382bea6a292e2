/* core/json_pool: json-c objects put when their pool goes, once. */
#include "check_concerto.h"

#include "core/json_pool.h"

START_TEST(put_with_the_pool_or_before_once)
{
    apr_pool_t *sub;
    json_object *obj = json_object_new_object();

    /* Our own reference keeps the object alive to count the pool's. */
    json_object_get(obj);
    apr_pool_create(&sub, cc_test_pool);
    ck_assert_ptr_eq(cc_json_owned(sub, obj), obj);
    ck_assert_ptr_null(cc_json_owned(sub, NULL));
    apr_pool_destroy(sub);
    json_object_get(obj);
    apr_pool_create(&sub, cc_test_pool);
    cc_json_owned(sub, obj);
    cc_json_release(sub, obj);                 /* put now ... */
    apr_pool_destroy(sub);                     /* ... and not again */
    ck_assert_int_eq(json_object_put(obj), 1); /* ours was the last reference */
}
END_TEST

TCase *tcase_core_json_pool(void)
{
    TCase *tc = cc_test_tcase("core/json_pool");

    tcase_add_test(tc, put_with_the_pool_or_before_once);
    return tc;
}
