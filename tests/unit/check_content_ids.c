/* content/ids: id normalization and object hashes. */
#include "check_concerto.h"

#include "content/ids.h"
#include "core/json_pool.h"

static json_object *parse(const char *text)
{
    json_object *obj = cc_json_owned(cc_test_pool, json_tokener_parse(text));
    ck_assert_ptr_nonnull(obj);
    return obj;
}

START_TEST(renumbers_per_class_and_rewrites_references)
{
    json_object *c = parse(
        "[{\"class_name\":\"Test\",\"id\":40,\"baseTemplate\":9,\"variables\":[{\"class_name\":"
        "\"TestVariable\",\"id\":77,\"test\":40}],\"nodes\":[{\"class_name\":\"TestNode\",\"id\":5,"
        "\"sourceTest\":41,\"ports\":[{\"class_name\":\"TestNodePort\",\"id\":3,\"node\":5,"
        "\"variable\":78}]}]},{\"class_name\":\"Test\",\"id\":41,\"variables\":[{\"class_name\":"
        "\"TestVariable\",\"id\":78,\"test\":41}]}]");

    cc_content_normalize_ids(cc_test_pool, c);
    ck_assert_str_eq(
        json_object_to_json_string_ext(c, JSON_C_TO_STRING_PLAIN),
        "[{\"class_name\":\"Test\",\"id\":1,\"baseTemplate\":null,\"variables\":[{\"class_name\":"
        "\"TestVariable\",\"id\":1,\"test\":1}],\"nodes\":[{\"class_name\":\"TestNode\",\"id\":1,"
        "\"sourceTest\":2,\"ports\":[{\"class_name\":\"TestNodePort\",\"id\":1,\"node\":1,"
        "\"variable\":2}]}]},{\"class_name\":\"Test\",\"id\":2,\"variables\":[{\"class_name\":"
        "\"TestVariable\",\"id\":2,\"test\":2}]}]");
    ck_assert_str_eq(cc_content_ref_class("destinationPort"), "TestNodePort");
    ck_assert_ptr_null(cc_content_ref_class("name"));
}
END_TEST

START_TEST(hash_ignores_ids_but_not_content)
{
    const char *a = cc_content_hash(
        cc_test_pool,
        parse("{\"class_name\":\"Test\",\"id\":4,\"name\":\"t\",\"variables\":"
              "[{\"class_name\":\"TestVariable\",\"id\":9,\"test\":4}],\"hash\":\"x\"}"));
    const char *b = cc_content_hash(
        cc_test_pool, parse("{\"class_name\":\"Test\",\"id\":1,\"name\":\"t\",\"variables\":"
                            "[{\"class_name\":\"TestVariable\",\"id\":1,\"test\":1}]}"));
    const char *c = cc_content_hash(
        cc_test_pool, parse("{\"class_name\":\"Test\",\"id\":1,\"name\":\"u\",\"variables\":"
                            "[{\"class_name\":\"TestVariable\",\"id\":1,\"test\":1}]}"));

    ck_assert_int_eq((int)strlen(a), 40);
    ck_assert_str_eq(a, b);
    ck_assert_str_ne(a, c);
}
END_TEST

TCase *tcase_content_ids(void)
{
    TCase *tc = cc_test_tcase("content/ids");
    tcase_add_test(tc, renumbers_per_class_and_rewrites_references);
    tcase_add_test(tc, hash_ignores_ids_but_not_content);
    return tc;
}
