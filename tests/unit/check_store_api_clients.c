/* store/api_clients: tokens stored as hashes, lookup marks use (at most once
 * a minute), list and delete; a client goes with its user. */
#include "check_concerto.h"

#include "core/digest.h"
#include "store/api_clients.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000L

static cc_db *clients_db(long *user_id)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    cc_test_exec(db, "INSERT INTO concerto_user (username, password_hash, created, updated) "
                     "VALUES ('ann', 'x', 0, 0)");
    *user_id = atol(cc_test_value(db, cc_test_pool, "SELECT id FROM concerto_user"));
    return db;
}

static cc_api_client *lookup(cc_db *db, const char *token, long now)
{
    cc_api_client *c = (cc_api_client *)1;

    ck_assert_msg(cc_api_client_lookup(db, cc_test_pool, token, now, &c) == APR_SUCCESS, "%s",
                  db->last_error);
    return c;
}

START_TEST(create_and_lookup)
{
    long uid = 0, id = 0, id2 = 0;
    cc_db *db = clients_db(&uid);
    const char *token = NULL, *token2 = NULL;
    cc_api_client *c;

    ck_assert_int_eq(cc_api_client_create(db, cc_test_pool, uid, "nightly export", T0, &token, &id),
                     APR_SUCCESS);
    ck_assert_uint_eq(strlen(token), 2 * CC_API_CLIENT_TOKEN_BYTES);
    ck_assert_int_gt(id, 0);
    ck_assert_str_eq(cc_test_value(db, cc_test_pool, "SELECT token_hash FROM api_client"),
                     cc_sha256_hex(cc_test_pool, token));
    c = lookup(db, token, T0 + 5);
    ck_assert_ptr_nonnull(c);
    ck_assert_int_eq(c->id, id);
    ck_assert_str_eq(c->name, "nightly export");
    ck_assert_int_eq(c->user_id, uid);
    ck_assert_str_eq(c->username, "ann");
    ck_assert_int_eq(c->created, T0);
    ck_assert_int_eq(c->last_used, T0 + 5);
    /* Marked used at most once a minute. */
    ck_assert_int_eq(lookup(db, token, T0 + 30)->last_used, T0 + 5);
    ck_assert_int_eq(lookup(db, token, T0 + 65)->last_used, T0 + 65);
    ck_assert_int_eq(atol(cc_test_value(db, cc_test_pool, "SELECT last_used FROM api_client")),
                     T0 + 65);
    ck_assert_ptr_null(lookup(db, "", T0));
    ck_assert_ptr_null(lookup(db, NULL, T0));
    ck_assert_ptr_null(lookup(db, cc_sha256_hex(cc_test_pool, token), T0));
    ck_assert_int_eq(cc_api_client_create(db, cc_test_pool, uid, "other", T0, &token2, &id2),
                     APR_SUCCESS);
    ck_assert_str_ne(token, token2);
    ck_assert_int_ne(id, id2);
}
END_TEST

START_TEST(list_and_delete)
{
    long uid = 0, a = 0, b = 0;
    cc_db *db = clients_db(&uid);
    const char *ta = NULL, *tb = NULL;
    cc_api_client *list = NULL;
    int count = -1, found = -1;

    ck_assert_int_eq(cc_api_client_list(db, cc_test_pool, &list, &count), APR_SUCCESS);
    ck_assert_int_eq(count, 0);
    ck_assert_int_eq(cc_api_client_create(db, cc_test_pool, uid, "a", T0, &ta, &a), APR_SUCCESS);
    ck_assert_int_eq(cc_api_client_create(db, cc_test_pool, uid, "b", T0, &tb, &b), APR_SUCCESS);
    ck_assert_int_eq(cc_api_client_list(db, cc_test_pool, &list, &count), APR_SUCCESS);
    ck_assert_int_eq(count, 2);
    ck_assert_str_eq(list[0].name, "a");
    ck_assert_str_eq(list[1].name, "b");
    ck_assert_int_eq(list[1].last_used, 0);
    ck_assert_int_eq(cc_api_client_delete(db, cc_test_pool, a, &found), APR_SUCCESS);
    ck_assert_int_eq(found, 1);
    ck_assert_ptr_null(lookup(db, ta, T0));
    ck_assert_ptr_nonnull(lookup(db, tb, T0));
    ck_assert_int_eq(cc_api_client_delete(db, cc_test_pool, a, &found), APR_SUCCESS);
    ck_assert_int_eq(found, 0);
    /* A deleted user takes their clients along. */
    cc_test_exec(db, "PRAGMA foreign_keys = ON");
    cc_test_exec(db, "DELETE FROM concerto_user");
    ck_assert_ptr_null(lookup(db, tb, T0));
}
END_TEST

TCase *tcase_store_api_clients(void)
{
    TCase *tc = cc_test_tcase("store/api_clients");

    tcase_add_test(tc, create_and_lookup);
    tcase_add_test(tc, list_and_delete);
    return tc;
}
