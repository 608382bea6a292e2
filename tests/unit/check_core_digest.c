/* core/digest: SHA-256 hex (FIPS 180-2 examples) and the constant-time
 * comparison of secrets. */
#include "check_concerto.h"

#include "core/digest.h"

START_TEST(sha256_known_values)
{
    ck_assert_str_eq(cc_sha256_hex(cc_test_pool, "abc"),
                     "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ck_assert_str_eq(cc_sha256_hex(cc_test_pool, ""),
                     "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    ck_assert_str_eq(
        cc_sha256_hex(cc_test_pool, "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}
END_TEST

START_TEST(secret_equals)
{
    ck_assert_int_eq(cc_secret_equals("abc", "abc"), 1);
    ck_assert_int_eq(cc_secret_equals("", ""), 1);
    ck_assert_int_eq(cc_secret_equals("abc", "abd"), 0);
    ck_assert_int_eq(cc_secret_equals("abc", "abcd"), 0);
    ck_assert_int_eq(cc_secret_equals("abcd", "abc"), 0);
    ck_assert_int_eq(cc_secret_equals(NULL, "abc"), 0);
    ck_assert_int_eq(cc_secret_equals("abc", NULL), 0);
    ck_assert_int_eq(cc_secret_equals(NULL, NULL), 0);
}
END_TEST

TCase *tcase_core_digest(void)
{
    TCase *tc = cc_test_tcase("core/digest");

    tcase_add_test(tc, sha256_known_values);
    tcase_add_test(tc, secret_equals);
    return tc;
}
