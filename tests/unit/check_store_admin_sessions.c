/* store/admin_sessions: the token is stored only as its hash; lookups end
 * sessions at their absolute end and after the idle limit; touch, delete
 * and purge. Also cc_user_load, which fills the principal the gate uses. */
#include "check_concerto.h"

#include "core/digest.h"
#include "store/admin_sessions.h"
#include "store/users.h"

#include <apr_strings.h>
#include <stdlib.h>
#include <string.h>

#define T0 1800000000L
#define IDLE 3600
#define LIFETIME 43200

static cc_db *sessions_db(long *user_id)
{
    cc_db *db = cc_test_db_migrated(cc_test_pool);

    ck_assert_int_eq(cc_roles_ensure(db, cc_test_pool), APR_SUCCESS);
    cc_test_exec(db, "INSERT INTO concerto_user (username, password_hash, object_groups, created, "
                     "updated) VALUES ('ann', 'x', 'lab,clinic', 0, 0)");
    cc_test_exec(db, "INSERT INTO user_role (user_id, role_id) SELECT u.id, r.id FROM "
                     "concerto_user u, role r WHERE u.username = 'ann' AND r.role IN "
                     "('ROLE_TEST', 'ROLE_WIZARD')");
    *user_id = atol(cc_test_value(db, cc_test_pool, "SELECT id FROM concerto_user"));
    return db;
}

static cc_admin_session *lookup(cc_db *db, const char *token, long now)
{
    cc_admin_session *s = (cc_admin_session *)1;
    apr_status_t rv = cc_admin_session_lookup(db, cc_test_pool, token, now, IDLE, &s);

    ck_assert_msg(rv == APR_SUCCESS, "lookup: %s", db->last_error);
    return s;
}

static const char *create(cc_db *db, long user_id, long now, cc_admin_session **out)
{
    const char *token = NULL;
    apr_status_t rv =
        cc_admin_session_create(db, cc_test_pool, user_id, now, LIFETIME, 1, &token, out);

    ck_assert_msg(rv == APR_SUCCESS, "create: %s", db->last_error);
    return token;
}

START_TEST(create_stores_only_the_hash)
{
    long uid = 0;
    cc_db *db = sessions_db(&uid);
    cc_admin_session *s = NULL, *found;
    const char *token = create(db, uid, T0, &s);
    const char *stored;

    ck_assert_uint_eq(strlen(token), 2 * CC_ADMIN_TOKEN_BYTES);
    ck_assert_uint_eq(strlen(s->csrf_token), 2 * CC_ADMIN_TOKEN_BYTES);
    ck_assert_str_ne(token, s->csrf_token);
    stored = cc_test_value(db, cc_test_pool, "SELECT token_hash FROM admin_session");
    ck_assert_str_eq(stored, cc_sha256_hex(cc_test_pool, token));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "admin_session",
                                   apr_psprintf(cc_test_pool, "token_hash = '%s'", token)),
                     0);
    ck_assert_int_eq(s->expires, T0 + LIFETIME);
    found = lookup(db, token, T0 + 10);
    ck_assert_ptr_nonnull(found);
    ck_assert_int_eq(found->id, s->id);
    ck_assert_int_eq(found->user_id, uid);
    ck_assert_str_eq(found->csrf_token, s->csrf_token);
    ck_assert_int_eq(found->totp_passed, 1);
    /* Two sessions never share a token. */
    ck_assert_str_ne(create(db, uid, T0, NULL), token);
}
END_TEST

START_TEST(unknown_tokens)
{
    long uid = 0;
    cc_db *db = sessions_db(&uid);
    const char *token = create(db, uid, T0, NULL);
    char *altered = apr_pstrdup(cc_test_pool, token);

    altered[0] = altered[0] == 'a' ? 'b' : 'a';
    ck_assert_ptr_null(lookup(db, altered, T0));
    ck_assert_ptr_null(lookup(db, "", T0));
    ck_assert_ptr_null(lookup(db, NULL, T0));
    /* The stored hash is not a token either. */
    ck_assert_ptr_null(
        lookup(db, cc_test_value(db, cc_test_pool, "SELECT token_hash FROM admin_session"), T0));
    ck_assert_ptr_nonnull(lookup(db, token, T0));
}
END_TEST

START_TEST(absolute_expiry)
{
    long uid = 0;
    cc_db *db = sessions_db(&uid);
    cc_admin_session *s = NULL;
    const char *token = create(db, uid, T0, &s);
    long t;

    /* Busy all along: touched every half idle period, it still ends. */
    for (t = T0; t < T0 + LIFETIME; t += IDLE / 2) {
        cc_admin_session *live = lookup(db, token, t);
        ck_assert_msg(live != NULL, "ended early at +%ld s", t - T0);
        ck_assert_int_eq(cc_admin_session_touch(db, cc_test_pool, live, t, IDLE), APR_SUCCESS);
    }
    ck_assert_ptr_null(lookup(db, token, T0 + LIFETIME));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "admin_session", NULL), 0);
}
END_TEST

START_TEST(idle_expiry_and_touch)
{
    long uid = 0;
    cc_db *db = sessions_db(&uid);
    const char *token = create(db, uid, T0, NULL);
    cc_admin_session *s = lookup(db, token, T0 + IDLE);

    ck_assert_ptr_nonnull(s); /* exactly idle seconds: still alive */
    /* A touch restarts the idle clock... */
    ck_assert_int_eq(cc_admin_session_touch(db, cc_test_pool, s, T0 + IDLE, IDLE), APR_SUCCESS);
    ck_assert_int_eq(atol(cc_test_value(db, cc_test_pool, "SELECT last_seen FROM admin_session")),
                     T0 + IDLE);
    s = lookup(db, token, T0 + 2 * IDLE);
    ck_assert_ptr_nonnull(s);
    /* ...but writes at most once per IDLE/30 seconds (capped at a minute). */
    ck_assert_int_eq(cc_admin_session_touch(db, cc_test_pool, s, T0 + 2 * IDLE + 60, IDLE),
                     APR_SUCCESS);
    ck_assert_int_eq(atol(cc_test_value(db, cc_test_pool, "SELECT last_seen FROM admin_session")),
                     T0 + 2 * IDLE + 60);
    ck_assert_int_eq(cc_admin_session_touch(db, cc_test_pool, s, T0 + 2 * IDLE + 100, IDLE),
                     APR_SUCCESS);
    ck_assert_int_eq(atol(cc_test_value(db, cc_test_pool, "SELECT last_seen FROM admin_session")),
                     T0 + 2 * IDLE + 60);
    /* Unused for longer than idle: gone, and deleted. */
    ck_assert_ptr_null(lookup(db, token, T0 + 3 * IDLE + 61));
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "admin_session", NULL), 0);
    ck_assert_ptr_null(lookup(db, token, T0 + 2 * IDLE));
}
END_TEST

START_TEST(delete_and_purge)
{
    long uid = 0;
    cc_db *db = sessions_db(&uid);
    const char *a = create(db, uid, T0, NULL);
    const char *b = create(db, uid, T0, NULL);
    int deleted = -1;

    ck_assert_int_eq(cc_admin_session_delete(db, cc_test_pool, a), APR_SUCCESS);
    ck_assert_ptr_null(lookup(db, a, T0));
    ck_assert_ptr_nonnull(lookup(db, b, T0));
    ck_assert_int_eq(cc_admin_session_delete(db, cc_test_pool, "no such token"), APR_SUCCESS);
    ck_assert_int_eq(cc_admin_sessions_delete_user(db, cc_test_pool, uid), APR_SUCCESS);
    ck_assert_ptr_null(lookup(db, b, T0));

    create(db, uid, T0, NULL);                       /* idle by T0 + IDLE + 1: kept */
    create(db, uid, T0 + IDLE, NULL);                /* alive */
    create(db, uid, T0 + IDLE + 1 - LIFETIME, NULL); /* ends at T0 + IDLE + 1 */
    create(db, uid, T0 - LIFETIME, NULL);            /* ended at T0 */
    ck_assert_int_eq(cc_admin_sessions_purge(db, cc_test_pool, T0 + IDLE + 1, &deleted),
                     APR_SUCCESS);
    ck_assert_int_eq(deleted, 2);
    ck_assert_int_eq(cc_test_count(db, cc_test_pool, "admin_session", NULL), 2);
}
END_TEST

START_TEST(deleting_the_user_ends_sessions)
{
    long uid = 0;
    cc_db *db = sessions_db(&uid);
    const char *token = create(db, uid, T0, NULL);

    cc_test_exec(db, "PRAGMA foreign_keys = ON");
    cc_test_exec(db, "DELETE FROM concerto_user WHERE username = 'ann'");
    ck_assert_ptr_null(lookup(db, token, T0));
}
END_TEST

START_TEST(user_load)
{
    long uid = 0;
    cc_db *db = sessions_db(&uid);
    cc_user_record *u = NULL, *by_name = NULL;

    ck_assert_int_eq(cc_user_load(db, cc_test_pool, uid, NULL, &u), APR_SUCCESS);
    ck_assert_ptr_nonnull(u);
    ck_assert_int_eq(u->principal.user_id, uid);
    ck_assert_str_eq(u->principal.username, "ann");
    ck_assert_uint_eq(u->principal.roles, CC_ROLE_TEST | CC_ROLE_WIZARD);
    ck_assert_str_eq(u->principal.groups, "lab,clinic");
    ck_assert_int_eq(u->principal.via_bearer, 0);
    ck_assert_ptr_null(u->email);
    ck_assert_int_eq(u->totp_enabled, 0);
    ck_assert_int_eq(cc_user_load(db, cc_test_pool, 0, "ann", &by_name), APR_SUCCESS);
    ck_assert_ptr_nonnull(by_name);
    ck_assert_int_eq(by_name->principal.user_id, uid);
    ck_assert_int_eq(cc_user_load(db, cc_test_pool, 0, "bob", &u), APR_SUCCESS);
    ck_assert_ptr_null(u);
    ck_assert_int_eq(cc_user_load(db, cc_test_pool, uid + 1, NULL, &u), APR_SUCCESS);
    ck_assert_ptr_null(u);
}
END_TEST

TCase *tcase_store_admin_sessions(void)
{
    TCase *tc = cc_test_tcase("store/admin_sessions");

    tcase_add_test(tc, create_stores_only_the_hash);
    tcase_add_test(tc, unknown_tokens);
    tcase_add_test(tc, absolute_expiry);
    tcase_add_test(tc, idle_expiry_and_touch);
    tcase_add_test(tc, delete_and_purge);
    tcase_add_test(tc, deleting_the_user_ends_sessions);
    tcase_add_test(tc, user_load);
    return tc;
}
