/* Shared by the admin API's unit tests: a migrated database with two
 * users, and actors for them. */
#ifndef ADMIN_FIXTURE_H
#define ADMIN_FIXTURE_H

#include "admin/entity.h"
#include "check_concerto.h"

#include <apr_strings.h>

/* Owner 1 ("alice") sees everything; "bob" (2) only public rows and his own. */
static int admin_fixture_allows(void *baton, long owner_id, int accessibility, const char *groups)
{
    long self = *(const long *)baton;
    (void)groups;
    return self == 1 || accessibility == 2 || owner_id == self;
}

static long admin_fixture_ids[2] = {1, 2};

static const cc_admin_actor admin_fixture_alice = {1, "alice", admin_fixture_allows,
                                                   &admin_fixture_ids[0], 1};
static const cc_admin_actor admin_fixture_bob = {2, "bob", admin_fixture_allows,
                                                 &admin_fixture_ids[1], 0};

static inline cc_db *admin_fixture_db(apr_pool_t *pool)
{
    cc_db *db = cc_test_db_migrated(pool);

    cc_test_exec(db, "INSERT INTO concerto_user (username, password_hash, created, updated) "
                     "VALUES ('alice', 'x', 0, 0)");
    cc_test_exec(db, "INSERT INTO concerto_user (username, password_hash, created, updated) "
                     "VALUES ('bob', 'x', 0, 0)");
    return db;
}

/* json_tokener_parse owned by the pool; fails the test on bad JSON. */
static inline json_object *admin_fixture_json(apr_pool_t *pool, const char *text)
{
    json_object *o = NULL;
    cc_admin_error err = {0, NULL, NULL};

    ck_assert_msg(cc_admin_parse_object(pool, text, strlen(text), &o, &err) == APR_SUCCESS,
                  "bad JSON in a test: %s", text);
    return o;
}

static inline long admin_fixture_int(json_object *o, const char *key)
{
    json_object *v = NULL;
    ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s in %s", key,
                  json_object_to_json_string(o));
    return (long)json_object_get_int64(v);
}

static inline const char *admin_fixture_str(json_object *o, const char *key)
{
    json_object *v = NULL;
    ck_assert_msg(json_object_object_get_ex(o, key, &v), "no %s in %s", key,
                  json_object_to_json_string(o));
    return json_object_get_string(v);
}

#endif
