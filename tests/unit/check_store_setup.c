/* store/setup: schema, roles, first administrator and signing secret. */
#include "check_concerto.h"

#include "store/migrate.h"
#include "store/settings.h"
#include "store/setup.h"
#include "store/users.h"

#include <string.h>

static int valid_password(cc_db *db, const char *user, const char *password)
{
    int valid = -1;

    ck_assert_int_eq(cc_user_check_password(db, cc_test_pool, user, password, &valid), APR_SUCCESS);
    return valid;
}

static int migrations(void)
{
    int n = 0;

    while (cc_migrations[n].version)
        n++;
    return n;
}

START_TEST(first_run_then_second)
{
    cc_db *db = cc_test_db(cc_test_pool);
    cc_setup_result first, second;
    const char *secret = NULL, *secret_again = NULL;
    apr_size_t i;

    memset(&first, 0xff, sizeof(first));
    ck_assert_msg(cc_setup_run(db, cc_test_pool, NULL, &first) == APR_SUCCESS, "%s",
                  db->last_error);
    ck_assert_int_eq(first.migrations_applied, migrations());
    ck_assert_int_eq(first.schema_version, cc_schema_latest());
    ck_assert_int_eq(first.admin_created, 1);
    ck_assert_int_eq(first.secret_created, 1);
    ck_assert_ptr_nonnull(first.generated_password);
    ck_assert_uint_eq(strlen(first.generated_password), 20);
    for (i = 0; first.generated_password[i]; i++)
        ck_assert(strchr("0O1lI", first.generated_password[i]) == NULL);
    ck_assert_int_eq(valid_password(db, CC_ADMIN_USER, first.generated_password), 1);

    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "role", NULL), 6);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_user", NULL), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool,
                                   "user_role ur JOIN role r ON r.id = ur.role_id "
                                   "JOIN concerto_user u ON u.id = ur.user_id",
                                   "u.username = 'admin' AND r.role = 'ROLE_SUPER_ADMIN'"),
                     1);

    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, CC_SETTING_SECRET, &secret), APR_SUCCESS);
    ck_assert_ptr_nonnull(secret);
    ck_assert_uint_eq(strlen(secret), 64);
    ck_assert_uint_eq(strspn(secret, "0123456789abcdef"), 64);

    /* Second run: nothing to do, nothing changes. */
    memset(&second, 0xff, sizeof(second));
    ck_assert_int_eq(cc_setup_run(db, cc_test_pool, NULL, &second), APR_SUCCESS);
    ck_assert_int_eq(second.migrations_applied, 0);
    ck_assert_int_eq(second.schema_version, cc_schema_latest());
    ck_assert_int_eq(second.admin_created, 0);
    ck_assert_int_eq(second.secret_created, 0);
    ck_assert_ptr_null(second.generated_password);
    ck_assert_int_eq(cc_setting_get(db, cc_test_pool, CC_SETTING_SECRET, &secret_again),
                     APR_SUCCESS);
    ck_assert_str_eq(secret_again, secret);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "concerto_user", NULL), 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "role", NULL), 6);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "administration_setting", NULL), 1);
    /* The administrator keeps the first password. */
    ck_assert_int_eq(valid_password(db, CC_ADMIN_USER, first.generated_password), 1);
}
END_TEST

START_TEST(explicit_admin_password)
{
    cc_db *db = cc_test_db(cc_test_pool);
    cc_setup_result result;

    ck_assert_int_eq(cc_setup_run(db, cc_test_pool, "Given-Pa55word", &result), APR_SUCCESS);
    ck_assert_int_eq(result.admin_created, 1);
    ck_assert_ptr_null(result.generated_password);
    ck_assert_int_eq(valid_password(db, CC_ADMIN_USER, "Given-Pa55word"), 1);

    /* A later run with another password leaves the administrator alone. */
    ck_assert_int_eq(cc_setup_run(db, cc_test_pool, "Other-Pa55word", &result), APR_SUCCESS);
    ck_assert_int_eq(result.admin_created, 0);
    ck_assert_ptr_null(result.generated_password);
    ck_assert_int_eq(valid_password(db, CC_ADMIN_USER, "Other-Pa55word"), 0);
}
END_TEST

/* An empty CONCERTO_PASSWORD means: generate one. */
START_TEST(empty_admin_password_generates)
{
    cc_db *db = cc_test_db(cc_test_pool);
    cc_setup_result result;

    ck_assert_int_eq(cc_setup_run(db, cc_test_pool, "", &result), APR_SUCCESS);
    ck_assert_int_eq(result.admin_created, 1);
    ck_assert_ptr_nonnull(result.generated_password);
    ck_assert_uint_eq(strlen(result.generated_password), 20);
}
END_TEST

/* Setup on a database that already has the schema (concertoctl migrate
 * ran first) still adds roles, administrator and secret. */
START_TEST(after_migrate_only)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);
    cc_setup_result result;

    ck_assert_int_eq(cc_setup_run(db, cc_test_pool, "pw-after-migrate", &result), APR_SUCCESS);
    ck_assert_int_eq(result.migrations_applied, 0);
    ck_assert_int_eq(result.schema_version, cc_schema_latest());
    ck_assert_int_eq(result.admin_created, 1);
    ck_assert_int_eq(result.secret_created, 1);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "role", NULL), 6);
}
END_TEST

TCase *tcase_store_setup(void)
{
    TCase *tc = cc_test_tcase("store/setup");

    tcase_add_test(tc, first_run_then_second);
    tcase_add_test(tc, explicit_admin_password);
    tcase_add_test(tc, empty_admin_password_generates);
    tcase_add_test(tc, after_migrate_only);
    return tc;
}
