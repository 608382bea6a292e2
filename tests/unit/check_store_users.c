/* store/users: roles, bcrypt hashes and password checks. Each hash costs
 * about a tenth of a second, so these tests hash only as often as needed. */
#include "check_concerto.h"

#include "store/users.h"

#include <apr_strings.h>
#include <apr_time.h>
#include <stdlib.h>
#include <string.h>

static const char *const test_roles[] = {"ROLE_TEST", "ROLE_FILE", NULL};

static cc_db *users_db(void)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    ck_assert_int_eq(cc_roles_ensure(db, cc_test_pool), APR_SUCCESS);
    return db;
}

static int check(cc_db *db, const char *user, const char *password)
{
    int valid = -1;
    apr_status_t rv = cc_user_check_password(db, cc_test_pool, user, password, &valid);

    ck_assert_msg(rv == APR_SUCCESS, "check_password(%s): %s", user, db->last_error);
    ck_assert(valid == 0 || valid == 1);
    return valid;
}

START_TEST(roles_ensure_idempotent)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    int i;

    for (i = 0; cc_role_names[i]; i++)
        ;
    ck_assert_int_eq(i, 6);
    ck_assert_int_eq(cc_roles_ensure(db, cc_test_pool), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "role", NULL), 6);
    ck_assert_int_eq(cc_roles_ensure(db, cc_test_pool), APR_SUCCESS);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "role", NULL), 6);
    for (i = 0; cc_role_names[i]; i++) {
        const char *where = apr_psprintf(cc_test_pool, "role = '%s'", cc_role_names[i]);
        ck_assert_int_eq(cc_test_count(db, cc_test_pool, "role", where), 1);
    }
    ck_assert_str_eq(
        cc_test_value(db, cc_test_pool, "SELECT name FROM role WHERE role = 'ROLE_SUPER_ADMIN'"),
        "SUPER_ADMIN");
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "role", "role = 'ROLE_TEST'"), 1);
}
END_TEST

START_TEST(password_hash_is_bcrypt)
{
    const char *hash = NULL;

    ck_assert_int_eq(cc_password_hash(cc_test_pool, "pw", &hash), APR_SUCCESS);
    ck_assert_ptr_nonnull(hash);
    ck_assert_int_eq(strncmp(hash, "$2y$11$", 7), 0);
    ck_assert_uint_eq(strlen(hash), 60);
}
END_TEST

START_TEST(create_and_check)
{
    cc_db *db = users_db();
    const char *hash;
    int exists = -1;

    ck_assert_int_eq(cc_user_exists(db, cc_test_pool, "alice", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 0);
    ck_assert_msg(cc_user_create(db, cc_test_pool, "alice", "correct horse", test_roles) ==
                      APR_SUCCESS,
                  "%s", db->last_error);
    ck_assert_int_eq(cc_user_exists(db, cc_test_pool, "alice", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 1);
    ck_assert_int_eq(cc_user_exists(db, cc_test_pool, "Alice", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 0);

    ck_assert_int_eq(check(db, "alice", "correct horse"), 1);
    ck_assert_int_eq(check(db, "alice", "correct horse "), 0);
    ck_assert_int_eq(check(db, "alice", ""), 0);

    /* Stored as a bcrypt hash, never as the password. */
    hash = cc_test_value(db, cc_test_pool,
                         "SELECT password_hash FROM concerto_user WHERE username = 'alice'");
    ck_assert_ptr_nonnull(hash);
    ck_assert_int_eq(strncmp(hash, "$2y$", 4), 0);
    ck_assert_ptr_null(strstr(hash, "correct horse"));
    ck_assert_int_gt(atol(cc_test_value(db, cc_test_pool, "SELECT created FROM concerto_user")),
                     1700000000L);

    /* With the roles asked for, and only those. */
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "user_role", NULL), 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "user_role ur JOIN role r ON r.id = ur.role_id "
                                   "JOIN concerto_user u ON u.id = ur.user_id",
                                   "u.username = 'alice' AND r.role IN ('ROLE_TEST', "
                                   "'ROLE_FILE')"),
                     2);
}
END_TEST

START_TEST(unknown_user_is_invalid)
{
    cc_db *db = users_db();
    int exists = -1;

    ck_assert_int_eq(check(db, "nobody", "anything"), 0);
    ck_assert_ptr_null(db->last_error);
    ck_assert_int_eq(cc_user_exists(db, cc_test_pool, "nobody", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 0);
}
END_TEST

/* An unknown name costs a bcrypt check too, so timing does not tell which
 * names exist. Generous bound: a real check takes ~0.1 s, a skipped one
 * microseconds. */
START_TEST(unknown_user_takes_as_long)
{
    cc_db *db = users_db();
    apr_time_t start, known, unknown;

    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "bob", "pw", NULL), APR_SUCCESS);
    start = apr_time_now();
    ck_assert_int_eq(check(db, "bob", "wrong"), 0);
    known = apr_time_now() - start;
    start = apr_time_now();
    ck_assert_int_eq(check(db, "nobody", "wrong"), 0);
    unknown = apr_time_now() - start;
    ck_assert_msg(unknown * 4 >= known, "unknown user: %ld us, known user: %ld us", (long)unknown,
                  (long)known);
}
END_TEST

START_TEST(set_password)
{
    cc_db *db = users_db();
    const char *old_hash, *new_hash;

    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "carol", "old password", NULL), APR_SUCCESS);
    old_hash = cc_test_value(db, cc_test_pool, "SELECT password_hash FROM concerto_user");
    cc_test_exec(db, "UPDATE concerto_user SET failed_auth_streak = 3, locked_until = 99");
    ck_assert_int_eq(cc_user_set_password(db, cc_test_pool, "carol", "new password"), APR_SUCCESS);
    new_hash = cc_test_value(db, cc_test_pool, "SELECT password_hash FROM concerto_user");
    ck_assert_str_ne(old_hash, new_hash);
    ck_assert_int_eq(strncmp(new_hash, "$2y$", 4), 0);
    ck_assert_int_eq(check(db, "carol", "new password"), 1);
    ck_assert_int_eq(check(db, "carol", "old password"), 0);
    /* A new password also lifts a lockout. */
    ck_assert_str_eq(
        cc_test_value(db, cc_test_pool, "SELECT failed_auth_streak FROM concerto_user"), "0");
    ck_assert_ptr_null(cc_test_value(db, cc_test_pool, "SELECT locked_until FROM concerto_user"));

    ck_assert_int_eq(cc_user_set_password(db, cc_test_pool, "nobody", "x"), APR_NOTFOUND);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_user", NULL), 1);
}
END_TEST

static cc_login_outcome login_at(cc_db *db, const char *user, const char *password, long now,
                                 long *until)
{
    cc_login_outcome outcome = CC_LOGIN_OK;

    ck_assert_int_eq(cc_user_login(db, cc_test_pool, user, password, now, 3, 300, &outcome, until),
                     APR_SUCCESS);
    return outcome;
}

START_TEST(login_lockout)
{
    cc_db *db = users_db();
    long until = 0;
    int i;

    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "dave", "right", NULL), APR_SUCCESS);
    ck_assert_int_eq(login_at(db, "dave", "wrong", 1000, &until), CC_LOGIN_WRONG);
    ck_assert_int_eq(login_at(db, "dave", "wrong", 1001, &until), CC_LOGIN_WRONG);
    /* A right password ends the streak. */
    ck_assert_int_eq(login_at(db, "dave", "right", 1002, &until), CC_LOGIN_OK);
    ck_assert_int_eq(login_at(db, "dave", "wrong", 1003, &until), CC_LOGIN_WRONG);
    ck_assert_int_eq(login_at(db, "dave", "wrong", 1004, &until), CC_LOGIN_WRONG);
    ck_assert_int_eq(until, 0);
    ck_assert_int_eq(login_at(db, "dave", "wrong", 1005, &until), CC_LOGIN_WRONG);
    ck_assert_int_eq(until, 1305); /* the third in a row locks */
    ck_assert_int_eq(login_at(db, "dave", "right", 1100, &until), CC_LOGIN_LOCKED);
    ck_assert_int_eq(until, 1305);
    ck_assert_int_eq(login_at(db, "dave", "right", 1306, &until), CC_LOGIN_OK);
    /* Unknown names are wrong, never locked. */
    for (i = 0; i < 5; i++)
        ck_assert_int_eq(login_at(db, "nobody", "x", 2000 + i, &until), CC_LOGIN_WRONG);
}
END_TEST

/* With TOTP on, a right password alone does not end a streak: wrong
 * second steps (cc_user_login_failed) lock as wrong passwords do. */
START_TEST(login_lockout_with_totp)
{
    cc_db *db = users_db();
    long until = 0;

    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "erin", "right", NULL), APR_SUCCESS);
    cc_test_exec(db, "UPDATE concerto_user SET totp_enabled = 1, totp_secret = 'GEZDGNBV'");
    ck_assert_int_eq(login_at(db, "erin", "right", 1000, &until), CC_LOGIN_OK);
    ck_assert_int_eq(cc_user_login_failed(db, cc_test_pool, "erin", 1000, 3, 300, &until),
                     APR_SUCCESS);
    ck_assert_int_eq(login_at(db, "erin", "right", 1001, &until), CC_LOGIN_OK);
    ck_assert_int_eq(cc_user_login_failed(db, cc_test_pool, "erin", 1001, 3, 300, &until),
                     APR_SUCCESS);
    ck_assert_int_eq(login_at(db, "erin", "right", 1002, &until), CC_LOGIN_OK);
    ck_assert_int_eq(cc_user_login_failed(db, cc_test_pool, "erin", 1002, 3, 300, &until),
                     APR_SUCCESS);
    ck_assert_int_eq(until, 1302);
    ck_assert_int_eq(login_at(db, "erin", "right", 1003, &until), CC_LOGIN_LOCKED);
    /* After the lock, a passed second step ends the streak. */
    ck_assert_int_eq(login_at(db, "erin", "right", 1303, &until), CC_LOGIN_OK);
    ck_assert_int_eq(cc_user_login_failed(db, cc_test_pool, "erin", 1303, 3, 300, &until),
                     APR_SUCCESS);
    ck_assert_int_eq(cc_user_login_succeeded(db, cc_test_pool, "erin"), APR_SUCCESS);
    ck_assert_str_eq(
        cc_test_value(db, cc_test_pool, "SELECT failed_auth_streak FROM concerto_user"), "0");
}
END_TEST

START_TEST(list_and_email)
{
    cc_db *db = users_db();
    static const char *const admin_roles[] = {"ROLE_SUPER_ADMIN", NULL};
    cc_user_record *users = NULL;
    int count = -1;

    ck_assert_int_eq(cc_user_list(db, cc_test_pool, &users, &count), APR_SUCCESS);
    ck_assert_int_eq(count, 0);
    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "zoe", "pw", test_roles), APR_SUCCESS);
    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "amy", "pw", admin_roles), APR_SUCCESS);
    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "max", "pw", NULL), APR_SUCCESS);
    ck_assert_int_eq(cc_user_set_email(db, cc_test_pool, "zoe", "zoe@example.org"), APR_SUCCESS);
    ck_assert_int_eq(cc_user_set_email(db, cc_test_pool, "nobody", "x@example.org"), APR_NOTFOUND);
    ck_assert_int_eq(cc_user_list(db, cc_test_pool, &users, &count), APR_SUCCESS);
    ck_assert_int_eq(count, 3);
    ck_assert_str_eq(users[0].principal.username, "amy");
    ck_assert_uint_eq(users[0].principal.roles, CC_ROLE_SUPER_ADMIN);
    ck_assert_str_eq(users[1].principal.username, "max");
    ck_assert_uint_eq(users[1].principal.roles, 0);
    ck_assert_str_eq(users[2].principal.username, "zoe");
    ck_assert_uint_eq(users[2].principal.roles, CC_ROLE_TEST | CC_ROLE_FILE);
    ck_assert_str_eq(users[2].email, "zoe@example.org");
    ck_assert_int_eq(cc_user_set_email(db, cc_test_pool, "zoe", ""), APR_SUCCESS);
    ck_assert_ptr_null(
        cc_test_value(db, cc_test_pool, "SELECT email FROM concerto_user WHERE username = 'zoe'"));
}
END_TEST

START_TEST(duplicate_username_fails)
{
    cc_db *db = users_db();

    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "dave", "first", test_roles), APR_SUCCESS);
    ck_assert_int_ne(cc_user_create(db, cc_test_pool, "dave", "second", test_roles), APR_SUCCESS);
    ck_assert_ptr_nonnull(db->last_error);
    ck_assert_msg(strstr(db->last_error, "UNIQUE") != NULL, "%s", db->last_error);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_user", NULL), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "user_role", NULL), 2);
    ck_assert_int_eq(check(db, "dave", "first"), 1);
}
END_TEST

/* A role that does not exist fails the whole creation: the user inserted
 * before it is rolled back with its other roles. */
START_TEST(unknown_role_rolls_back)
{
    static const char *const bad_roles[] = {"ROLE_TEST", "ROLE_NO_SUCH", "ROLE_FILE", NULL};
    cc_db *db = users_db();
    int exists = -1;

    ck_assert_int_eq(cc_user_create(db, cc_test_pool, "keeper", "pw", test_roles), APR_SUCCESS);
    ck_assert_int_ne(cc_user_create(db, cc_test_pool, "eve", "pw", bad_roles), APR_SUCCESS);
    ck_assert_ptr_nonnull(db->last_error);
    ck_assert_msg(strstr(db->last_error, "ROLE_NO_SUCH") != NULL, "%s", db->last_error);
    ck_assert_int_eq(db->in_transaction, 0);
    ck_assert_int_eq(cc_user_exists(db, cc_test_pool, "eve", &exists), APR_SUCCESS);
    ck_assert_int_eq(exists, 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_user", NULL), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "user_role", NULL), 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "user_role ur JOIN concerto_user u ON u.id = ur.user_id",
                                   "u.username = 'keeper'"),
                     2);

    /* Nothing is left that would stand in the way of a correct request. */
    ck_assert_msg(cc_user_create(db, cc_test_pool, "eve", "pw", test_roles) == APR_SUCCESS, "%s",
                  db->last_error);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_user", NULL), 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "user_role", NULL), 4);
}
END_TEST

/* The same when the unknown role is the only one. */
START_TEST(only_unknown_role_fails)
{
    static const char *const bad_roles[] = {"ROLE_NOBODY_HAS", NULL};
    cc_db *db = users_db();

    ck_assert_int_ne(cc_user_create(db, cc_test_pool, "mallory", "pw", bad_roles), APR_SUCCESS);
    ck_assert_msg(strstr(db->last_error, "ROLE_NOBODY_HAS") != NULL, "%s", db->last_error);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_user", NULL), 0);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "user_role", NULL), 0);
    ck_assert_int_eq(db->in_transaction, 0);
}
END_TEST

TCase *tcase_store_users(void)
{
    TCase *tc = cc_test_tcase("store/users");

    tcase_add_test(tc, roles_ensure_idempotent);
    tcase_add_test(tc, password_hash_is_bcrypt);
    tcase_add_test(tc, create_and_check);
    tcase_add_test(tc, unknown_user_is_invalid);
    tcase_add_test(tc, unknown_user_takes_as_long);
    tcase_add_test(tc, set_password);
    tcase_add_test(tc, login_lockout);
    tcase_add_test(tc, login_lockout_with_totp);
    tcase_add_test(tc, list_and_email);
    tcase_add_test(tc, duplicate_username_fails);
    tcase_add_test(tc, unknown_role_rolls_back);
    tcase_add_test(tc, only_unknown_role_fails);
    return tc;
}
