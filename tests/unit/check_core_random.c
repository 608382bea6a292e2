/* core/random: hex secrets and readable passwords. */
#include "check_concerto.h"

#include "core/random.h"

#include <string.h>

START_TEST(hex_length_and_charset)
{
    const char *hex = NULL;
    apr_size_t i;

    ck_assert_int_eq(cc_random_hex(cc_test_pool, 32, &hex), APR_SUCCESS);
    ck_assert_ptr_nonnull(hex);
    ck_assert_uint_eq(strlen(hex), 64);
    for (i = 0; hex[i]; i++)
        ck_assert_msg(strchr("0123456789abcdef", hex[i]) != NULL, "'%c' in %s", hex[i], hex);

    ck_assert_int_eq(cc_random_hex(cc_test_pool, 1, &hex), APR_SUCCESS);
    ck_assert_uint_eq(strlen(hex), 2);
    ck_assert_int_eq(cc_random_hex(cc_test_pool, 0, &hex), APR_SUCCESS);
    ck_assert_str_eq(hex, "");
}
END_TEST

START_TEST(hex_calls_differ)
{
    const char *a = NULL, *b = NULL;

    ck_assert_int_eq(cc_random_hex(cc_test_pool, 32, &a), APR_SUCCESS);
    ck_assert_int_eq(cc_random_hex(cc_test_pool, 32, &b), APR_SUCCESS);
    ck_assert_str_ne(a, b);
}
END_TEST

/* Every nibble value shows up in a long enough output (a stuck bit or a
 * wrong digit table would not). */
START_TEST(hex_uses_all_digits)
{
    const char *hex = NULL;
    const char *d;

    ck_assert_int_eq(cc_random_hex(cc_test_pool, 1024, &hex), APR_SUCCESS);
    for (d = "0123456789abcdef"; *d; d++)
        ck_assert_msg(strchr(hex, *d) != NULL, "digit %c never produced", *d);
}
END_TEST

START_TEST(password_length_and_alphabet)
{
    /* Letters and digits without 0 O 1 l I. */
    static const char alphabet[] = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
    const char *pw = NULL, *other = NULL;
    int seen[256] = {0};
    apr_size_t i;

    ck_assert_int_eq(cc_random_password(cc_test_pool, 20, &pw), APR_SUCCESS);
    ck_assert_uint_eq(strlen(pw), 20);
    ck_assert_int_eq(cc_random_password(cc_test_pool, 20, &other), APR_SUCCESS);
    ck_assert_str_ne(pw, other);

    /* 4000 characters: each of the 57 allowed ones is missing with a chance
     * of about 1e-30, so the set seen must be exactly the alphabet. */
    ck_assert_int_eq(cc_random_password(cc_test_pool, 4000, &pw), APR_SUCCESS);
    ck_assert_uint_eq(strlen(pw), 4000);
    for (i = 0; pw[i]; i++) {
        ck_assert_msg(strchr("0O1lI", pw[i]) == NULL, "confusable '%c' in a password", pw[i]);
        ck_assert_msg(strchr(alphabet, pw[i]) != NULL, "'%c' outside the alphabet", pw[i]);
        seen[(unsigned char)pw[i]] = 1;
    }
    for (i = 0; alphabet[i]; i++)
        ck_assert_msg(seen[(unsigned char)alphabet[i]], "'%c' never produced", alphabet[i]);

    ck_assert_int_eq(cc_random_password(cc_test_pool, 0, &pw), APR_SUCCESS);
    ck_assert_str_eq(pw, "");
}
END_TEST

TCase *tcase_core_random(void)
{
    TCase *tc = cc_test_tcase("core/random");

    tcase_add_test(tc, hex_length_and_charset);
    tcase_add_test(tc, hex_calls_differ);
    tcase_add_test(tc, hex_uses_all_digits);
    tcase_add_test(tc, password_length_and_alphabet);
    return tc;
}
