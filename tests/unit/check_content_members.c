/* content/members: lenient readers of Concerto's mixed-type fields. */
#include "check_concerto.h"

#include "content/members.h"
#include "core/json_pool.h"

START_TEST(reads_numbers_strings_and_booleans_alike)
{
    json_object *o = cc_json_owned(
        cc_test_pool, json_tokener_parse("{\"a\":\"1\",\"b\":true,\"c\":0,\"d\":null,\"e\":\"x\","
                                         "\"f\":{\"k\":[1]},\"g\":\"12\"}"));

    ck_assert(cc_member_flag(o, "a") && cc_member_flag(o, "b"));
    ck_assert(!cc_member_flag(o, "c") && !cc_member_flag(o, "d") && !cc_member_flag(o, "zz"));
    ck_assert_int_eq(cc_member_long(o, "g", -1), 12);
    ck_assert_int_eq(cc_member_long(o, "e", -1), -1);
    ck_assert_int_eq(cc_member_long(o, "b", -1), 1);
    ck_assert_str_eq(cc_member_text(cc_test_pool, o, "b"), "1");
    ck_assert_str_eq(cc_member_text(cc_test_pool, o, "f"), "{\"k\":[1]}");
    ck_assert_ptr_null(cc_member_text(cc_test_pool, o, "d"));
    ck_assert_ptr_null(cc_member_array(o, "f"));
}
END_TEST

TCase *tcase_content_members(void)
{
    TCase *tc = cc_test_tcase("content/members");
    tcase_add_test(tc, reads_numbers_strings_and_booleans_alike);
    return tc;
}
