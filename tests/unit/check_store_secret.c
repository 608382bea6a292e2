/* store/secret: the token key from the secret setup stores. */
#include "check_concerto.h"

#include "store/secret.h"
#include "store/settings.h"
#include "store/setup.h"

#include <string.h>

#define HASH "0123456789abcdef0123456789abcdef"

static void setup_db(cc_db *db)
{
    cc_setup_result result;

    ck_assert_msg(cc_setup_run(db, cc_test_pool, "a password for the tests", &result) ==
                      APR_SUCCESS,
                  "%s", db->last_error);
}

static const char *sign(const cc_token_key *key)
{
    cc_token_claims claims = {HASH, "runner", 0, apr_time_from_sec(1700000000),
                              apr_time_from_sec(1700000600)};
    const char *token = NULL, *errmsg = NULL;

    ck_assert_int_eq(cc_token_sign(cc_test_pool, key, &claims, &token, &errmsg), APR_SUCCESS);
    return token;
}

START_TEST(no_secret_says_run_setup)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_token_key key;
    const char *errmsg = NULL;

    key.ready = 1;
    ck_assert_int_eq(cc_secret_token_key(db, cc_test_pool, &key, &errmsg), APR_ENOENT);
    ck_assert_str_eq(errmsg, "no token signing secret in the database: run concertoctl setup");
    ck_assert(!key.ready);
}
END_TEST

START_TEST(key_from_setup)
{
    cc_db *db = cc_test_db(cc_test_pool);
    cc_token_key key, expected;
    const char *errmsg = NULL, *secret = NULL;
    cc_token_check check;

    setup_db(db);
    ck_assert_int_eq(cc_secret_token_key(db, cc_test_pool, &key, &errmsg), APR_SUCCESS);
    ck_assert(key.ready);
    /* The key derived from the stored secret, not the secret itself. */
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, CC_SETTING_SECRET, &secret), APR_SUCCESS);
    ck_assert_int_eq(cc_token_key_from_hex(secret, &expected, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(memcmp(key.bytes, expected.bytes, sizeof(key.bytes)), 0);
    /* Loading again gives the same key: tokens survive a restart. */
    ck_assert_int_eq(cc_secret_token_key(db, cc_test_pool, &expected, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &expected, sign(&key), HASH, "runner",
                                     apr_time_from_sec(1700000001), &check),
                     CC_TOKEN_VALID);
}
END_TEST

/* Each setup makes its own secret: a token of one platform is worthless on
 * another (there is no shipped default). */
START_TEST(two_setups_two_keys)
{
    cc_db *one = cc_test_db(cc_test_pool), *two = cc_test_db(cc_test_pool);
    cc_token_key key_one, key_two;
    const char *errmsg = NULL;
    cc_token_check check;

    setup_db(one);
    setup_db(two);
    ck_assert_int_eq(cc_secret_token_key(one, cc_test_pool, &key_one, &errmsg), APR_SUCCESS);
    ck_assert_int_eq(cc_secret_token_key(two, cc_test_pool, &key_two, &errmsg), APR_SUCCESS);
    ck_assert_int_ne(memcmp(key_one.bytes, key_two.bytes, sizeof(key_one.bytes)), 0);
    ck_assert_int_eq(cc_token_verify(cc_test_pool, &key_two, sign(&key_one), HASH, "runner",
                                     apr_time_from_sec(1700000001), &check),
                     CC_TOKEN_BAD_SIGNATURE);
}
END_TEST

START_TEST(unusable_secret)
{
    static const char *const bad[] = {"", "secret", "00112233445566778899aabbccddee",
                                      "00112233445566778899aabbccddeeffgg"};
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_token_key key;
    const char *errmsg;
    apr_size_t i;

    for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        errmsg = NULL;
        key.ready = 1;
        ck_assert_int_eq(cc_setting_set(db, cc_test_pool, CC_SETTING_SECRET, bad[i]), APR_SUCCESS);
        ck_assert_int_eq(cc_secret_token_key(db, cc_test_pool, &key, &errmsg), APR_EINVAL);
        ck_assert(!key.ready);
        ck_assert_str_eq(errmsg, "the token signing secret (administration_setting \"secret\") is "
                                 "unusable: the signing secret must be 32 to 128 hex digits; "
                                 "delete it and run concertoctl setup to make a new one");
    }
    ck_assert_int_eq(
        cc_setting_set(db, cc_test_pool, CC_SETTING_SECRET, "00112233445566778899aabbccddeeff"),
        APR_SUCCESS);
    ck_assert_int_eq(cc_secret_token_key(db, cc_test_pool, &key, &errmsg), APR_SUCCESS);
    ck_assert(key.ready);
}
END_TEST

START_TEST(database_error)
{
    cc_db *db = cc_test_db(cc_test_pool); /* no schema */
    cc_token_key key;
    const char *errmsg = NULL;

    key.ready = 1;
    ck_assert_int_ne(cc_secret_token_key(db, cc_test_pool, &key, &errmsg), APR_SUCCESS);
    ck_assert(!key.ready);
    ck_assert_ptr_nonnull(errmsg);
    ck_assert_ptr_nonnull(strstr(errmsg, "cannot read the token signing secret: "));
    ck_assert_ptr_nonnull(strstr(errmsg, "administration_setting"));
}
END_TEST

TCase *tcase_store_secret(void)
{
    TCase *tc = cc_test_tcase("store/secret");

    tcase_add_test(tc, no_secret_says_run_setup);
    tcase_add_test(tc, key_from_setup);
    tcase_add_test(tc, two_setups_two_keys);
    tcase_add_test(tc, unusable_secret);
    tcase_add_test(tc, database_error);
    return tc;
}
