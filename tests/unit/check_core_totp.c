/* core/totp: HMAC-SHA-1 against RFC 2202, HOTP against RFC 4226 appendix D,
 * TOTP against RFC 6238 appendix B (the SHA-1 vectors, truncated to 6
 * digits), the +-1 step window, and base32 against RFC 4648 section 10. */
#include "check_concerto.h"

#include "core/totp.h"

#include <apr_strings.h>
#include <string.h>

static const unsigned char rfc_secret[] = "12345678901234567890";
#define RFC_SECRET_LEN 20

static const char *hex_of(const unsigned char *b, apr_size_t n)
{
    static const char digits[] = "0123456789abcdef";
    char *out = apr_palloc(cc_test_pool, 2 * n + 1);
    apr_size_t i;

    for (i = 0; i < n; i++) {
        out[2 * i] = digits[b[i] >> 4];
        out[2 * i + 1] = digits[b[i] & 15];
    }
    out[2 * n] = '\0';
    return out;
}

START_TEST(hmac_sha1_rfc2202)
{
    unsigned char key[80], mac[CC_SHA1_BYTES];
    const char *jefe_msg = "what do ya want for nothing?";
    const char *big_msg = "Test Using Larger Than Block-Size Key - Hash Key First";

    memset(key, 0x0b, 20);
    cc_hmac_sha1(key, 20, (const unsigned char *)"Hi There", 8, mac);
    ck_assert_str_eq(hex_of(mac, sizeof(mac)), "b617318655057264e28bc0b6fb378c8ef146be00");
    cc_hmac_sha1((const unsigned char *)"Jefe", 4, (const unsigned char *)jefe_msg,
                 strlen(jefe_msg), mac);
    ck_assert_str_eq(hex_of(mac, sizeof(mac)), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
    memset(key, 0xaa, 80);
    cc_hmac_sha1(key, 80, (const unsigned char *)big_msg, strlen(big_msg), mac);
    ck_assert_str_eq(hex_of(mac, sizeof(mac)), "aa4ae5e15272d00e95705637ce8a3b55ed402112");
}
END_TEST

START_TEST(hotp_rfc4226)
{
    static const unsigned long expected[] = {755224, 287082, 359152, 969429, 338314,
                                             254676, 287922, 162583, 399871, 520489};
    unsigned i;

    for (i = 0; i < 10; i++)
        ck_assert_uint_eq(cc_hotp(rfc_secret, RFC_SECRET_LEN, i, 6), expected[i]);
}
END_TEST

static const struct {
    apr_int64_t time;
    unsigned long totp8; /* as printed in RFC 6238 */
} rfc6238[] = {
    {59, 94287082},         {1111111109, 7081804},  {1111111111, 14050471},
    {1234567890, 89005924}, {2000000000, 69279037}, {20000000000LL, 65353130},
};

START_TEST(totp_rfc6238)
{
    apr_int64_t step = -1;
    unsigned long six = rfc6238[_i].totp8 % 1000000;
    const char *code = apr_psprintf(cc_test_pool, "%06lu", six);

    ck_assert_uint_eq(
        cc_hotp(rfc_secret, RFC_SECRET_LEN, (apr_uint64_t)cc_totp_step(rfc6238[_i].time), 8),
        rfc6238[_i].totp8);
    ck_assert_uint_eq(
        cc_hotp(rfc_secret, RFC_SECRET_LEN, (apr_uint64_t)cc_totp_step(rfc6238[_i].time), 6), six);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, code, rfc6238[_i].time, &step), 1);
    ck_assert_int_eq(step, rfc6238[_i].time / 30);
}
END_TEST

START_TEST(totp_window)
{
    const apr_int64_t t = 1111111109; /* step 37037036, code 081804 */
    apr_int64_t step = -1;

    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "081804", t + 30, &step), 1);
    ck_assert_int_eq(step, 37037036);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "081804", t - 30, &step), 1);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "081804", t + 60, &step), 0);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "081804", t - 60, &step), 0);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "081 804", t, &step), 1);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "081805", t, &step), 0);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "81804", t, &step), 0);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "0081804", t, &step), 0);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "08180x", t, &step), 0);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, "", t, &step), 0);
    ck_assert_int_eq(cc_totp_verify(rfc_secret, RFC_SECRET_LEN, NULL, t, &step), 0);
    /* Another secret, another code. */
    ck_assert_int_eq(
        cc_totp_verify((const unsigned char *)"12345678901234567891", 20, "081804", t, &step), 0);
}
END_TEST

START_TEST(base32_rfc4648)
{
    static const char *const plain[] = {"", "f", "fo", "foo", "foob", "fooba", "foobar"};
    static const char *const coded[] = {"",        "MY",       "MZXQ",      "MZXW6",
                                        "MZXW6YQ", "MZXW6YTB", "MZXW6YTBOI"};
    unsigned char *out = NULL;
    apr_size_t len = 0;
    int i;

    for (i = 0; i < 7; i++) {
        ck_assert_str_eq(
            cc_base32_encode(cc_test_pool, (const unsigned char *)plain[i], strlen(plain[i])),
            coded[i]);
        ck_assert_int_eq(cc_base32_decode(cc_test_pool, coded[i], &out, &len), APR_SUCCESS);
        ck_assert_uint_eq(len, strlen(plain[i]));
        ck_assert_int_eq(memcmp(out, plain[i], len), 0);
    }
    ck_assert_int_eq(cc_base32_decode(cc_test_pool, "mzxw 6ytb oi======", &out, &len), APR_SUCCESS);
    ck_assert_uint_eq(len, 6);
    ck_assert_int_eq(memcmp(out, "foobar", 6), 0);
    ck_assert_int_eq(cc_base32_decode(cc_test_pool, "MZXW1", &out, &len), APR_EINVAL);
    ck_assert_int_eq(cc_base32_decode(cc_test_pool, "MZ+W", &out, &len), APR_EINVAL);
}
END_TEST

START_TEST(new_secret_and_uri)
{
    const char *a = NULL, *b = NULL, *uri;
    unsigned char *raw = NULL;
    apr_size_t len = 0;

    ck_assert_int_eq(cc_totp_new_secret(cc_test_pool, &a), APR_SUCCESS);
    ck_assert_int_eq(cc_totp_new_secret(cc_test_pool, &b), APR_SUCCESS);
    ck_assert_uint_eq(strlen(a), 32);
    ck_assert_str_ne(a, b);
    ck_assert_int_eq(cc_base32_decode(cc_test_pool, a, &raw, &len), APR_SUCCESS);
    ck_assert_uint_eq(len, CC_TOTP_SECRET_BYTES);
    uri = cc_totp_uri(cc_test_pool, "Concerto", "ann smith@lab", "MZXW6YTBOI");
    ck_assert_str_eq(uri, "otpauth://totp/Concerto:ann%20smith%40lab?secret=MZXW6YTBOI&"
                          "issuer=Concerto&algorithm=SHA1&digits=6&period=30");
}
END_TEST

TCase *tcase_core_totp(void)
{
    TCase *tc = cc_test_tcase("core/totp");

    tcase_add_test(tc, hmac_sha1_rfc2202);
    tcase_add_test(tc, hotp_rfc4226);
    tcase_add_loop_test(tc, totp_rfc6238, 0, (int)(sizeof(rfc6238) / sizeof(rfc6238[0])));
    tcase_add_test(tc, totp_window);
    tcase_add_test(tc, base32_rfc4648);
    tcase_add_test(tc, new_secret_and_uri);
    return tc;
}
