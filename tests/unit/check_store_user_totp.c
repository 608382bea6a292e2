/* store/user_totp: pending secret, on and off, and each code used once
 * (the RFC 6238 secret, whose codes are known). */
#include "check_concerto.h"

#include "core/totp.h"
#include "store/user_totp.h"

#include <stdlib.h>

/* base32 of "12345678901234567890" */
#define RFC_SECRET_B32 "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"

static cc_db *totp_db(long *user_id)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    cc_test_exec(db, "INSERT INTO concerto_user (username, password_hash, created, updated) "
                     "VALUES ('ann', 'x', 0, 0)");
    *user_id = atol(cc_test_value(db, cc_test_pool, "SELECT id FROM concerto_user"));
    return db;
}

static int check(cc_db *db, long uid, const char *code, long now)
{
    int valid = -1;

    ck_assert_msg(cc_user_totp_check(db, cc_test_pool, uid, code, now, &valid) == APR_SUCCESS, "%s",
                  db->last_error);
    return valid;
}

START_TEST(pending_on_off)
{
    long uid = 0;
    cc_db *db = totp_db(&uid);
    cc_user_totp t;

    ck_assert_int_eq(cc_user_totp_get(db, cc_test_pool, uid, &t), APR_SUCCESS);
    ck_assert_ptr_null(t.secret);
    ck_assert_int_eq(t.enabled, 0);
    /* Without a secret nothing turns it on, and no code is valid. */
    ck_assert_int_eq(cc_user_totp_set_enabled(db, cc_test_pool, uid, 1), APR_SUCCESS);
    ck_assert_int_eq(cc_user_totp_get(db, cc_test_pool, uid, &t), APR_SUCCESS);
    ck_assert_int_eq(t.enabled, 0);
    ck_assert_int_eq(check(db, uid, "287082", 59), 0);

    ck_assert_int_eq(cc_user_totp_begin(db, cc_test_pool, uid, RFC_SECRET_B32), APR_SUCCESS);
    ck_assert_int_eq(cc_user_totp_get(db, cc_test_pool, uid, &t), APR_SUCCESS);
    ck_assert_str_eq(t.secret, RFC_SECRET_B32);
    ck_assert_int_eq(t.enabled, 0);
    ck_assert_int_eq(cc_user_totp_set_enabled(db, cc_test_pool, uid, 1), APR_SUCCESS);
    ck_assert_int_eq(cc_user_totp_get(db, cc_test_pool, uid, &t), APR_SUCCESS);
    ck_assert_int_eq(t.enabled, 1);
    ck_assert_int_eq(cc_user_totp_set_enabled(db, cc_test_pool, uid, 0), APR_SUCCESS);
    ck_assert_int_eq(cc_user_totp_get(db, cc_test_pool, uid, &t), APR_SUCCESS);
    ck_assert_int_eq(t.enabled, 0);
    ck_assert_ptr_null(t.secret);
}
END_TEST

START_TEST(codes_work_once)
{
    long uid = 0;
    cc_db *db = totp_db(&uid);

    ck_assert_int_eq(cc_user_totp_begin(db, cc_test_pool, uid, RFC_SECRET_B32), APR_SUCCESS);
    /* RFC 6238: at 1111111109 the code is (0)7081804, at 1111111111 (1)4050471. */
    ck_assert_int_eq(check(db, uid, "081805", 1111111109), 0);
    ck_assert_int_eq(check(db, uid, "081804", 1111111109), 1);
    ck_assert_int_eq(check(db, uid, "081804", 1111111109), 0); /* used */
    ck_assert_int_eq(check(db, uid, "081804", 1111111110), 0); /* still used, next step */
    ck_assert_int_eq(check(db, uid, "050471", 1111111111), 1); /* the next step's code */
    /* An earlier step's code, though inside the window, is older than the
     * last one used. */
    ck_assert_int_eq(cc_user_totp_begin(db, cc_test_pool, uid, RFC_SECRET_B32), APR_SUCCESS);
    ck_assert_int_eq(check(db, uid, "050471", 1111111111), 1);
    ck_assert_int_eq(check(db, uid, "081804", 1111111111), 0);
}
END_TEST

START_TEST(use_step_is_monotonic)
{
    long uid = 0;
    cc_db *db = totp_db(&uid);
    int fresh = -1;

    ck_assert_int_eq(cc_user_totp_use_step(db, cc_test_pool, uid, 100, &fresh), APR_SUCCESS);
    ck_assert_int_eq(fresh, 1);
    ck_assert_int_eq(cc_user_totp_use_step(db, cc_test_pool, uid, 100, &fresh), APR_SUCCESS);
    ck_assert_int_eq(fresh, 0);
    ck_assert_int_eq(cc_user_totp_use_step(db, cc_test_pool, uid, 99, &fresh), APR_SUCCESS);
    ck_assert_int_eq(fresh, 0);
    ck_assert_int_eq(cc_user_totp_use_step(db, cc_test_pool, uid, 101, &fresh), APR_SUCCESS);
    ck_assert_int_eq(fresh, 1);
}
END_TEST

START_TEST(broken_secret_is_an_error)
{
    long uid = 0;
    cc_db *db = totp_db(&uid);
    int valid = -1;

    ck_assert_int_eq(cc_user_totp_begin(db, cc_test_pool, uid, "not base32!"), APR_SUCCESS);
    ck_assert_int_ne(cc_user_totp_check(db, cc_test_pool, uid, "123456", 59, &valid), APR_SUCCESS);
    ck_assert_int_eq(valid, 0);
    ck_assert_ptr_nonnull(db->last_error);
}
END_TEST

TCase *tcase_store_user_totp(void)
{
    TCase *tc = cc_test_tcase("store/user_totp");

    tcase_add_test(tc, pending_on_off);
    tcase_add_test(tc, codes_work_once);
    tcase_add_test(tc, use_step_is_monotonic);
    tcase_add_test(tc, broken_secret_is_an_error);
    return tc;
}
