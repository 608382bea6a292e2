#include "users.h"

#include "core/access.h"
#include "core/json_pool.h"
#include "store/users.h"

#include <apr_strings.h>
#include <string.h>

#define PASSWORD_MIN 8

static const cc_field user_fields[] = {
    {"username", CC_FIELD_TEXT,
     CC_FIELD_WRITE | CC_FIELD_REQUIRED | CC_FIELD_SORT | CC_FIELD_SEARCH, 0, 64},
    {"email", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_SORT | CC_FIELD_SEARCH, 0, 255},
    {"accessibility", CC_FIELD_INT, CC_FIELD_WRITE | CC_FIELD_SORT, 0, 2},
    {"object_groups", CC_FIELD_TEXT, CC_FIELD_WRITE, 0, 1024},
    {"archived", CC_FIELD_BOOL, CC_FIELD_WRITE | CC_FIELD_FILTER, 0, 0},
    {"totp_enabled", CC_FIELD_BOOL, CC_FIELD_FILTER, 0, 0},
    {"locked_until", CC_FIELD_INT, CC_FIELD_SORT, 0, 0},
    {"password_hash", CC_FIELD_TEXT, CC_FIELD_WRITE | CC_FIELD_SECRET, 0, 255},
};

const cc_kind cc_kind_user = {
    "user", "concerto_user", NULL, user_fields, 8, CC_KIND_REVISION | CC_KIND_AUDIT, "username"};

/* roles of every user (user_id 0) or one, into each object of items by id. */
static apr_status_t attach_roles(cc_db *db, apr_pool_t *pool, json_object *items, long user_id,
                                 cc_admin_error *err)
{
    const char *args[] = {apr_ltoa(pool, user_id)};
    cc_rows *rows = NULL;
    apr_hash_t *by_user = apr_hash_make(pool);
    size_t i;
    int r;

    if (cc_db_select(db, pool, &rows,
                     user_id ? "SELECT ur.user_id, r.role FROM user_role ur JOIN role r ON r.id = "
                               "ur.role_id WHERE ur.user_id = %s ORDER BY r.role"
                             : "SELECT ur.user_id, r.role FROM user_role ur JOIN role r ON r.id = "
                               "ur.role_id ORDER BY r.role",
                     user_id ? 1 : 0, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "reading roles");
    for (r = 0; r < rows->nrows; r++) {
        json_object *list = apr_hash_get(by_user, rows->values[r][0], APR_HASH_KEY_STRING);
        if (list == NULL) {
            list = cc_json_owned(pool, json_object_new_array());
            apr_hash_set(by_user, rows->values[r][0], APR_HASH_KEY_STRING, list);
        }
        json_object_array_add(list, json_object_new_string(rows->values[r][1]));
    }
    for (i = 0; i < json_object_array_length(items); i++) {
        json_object *u = json_object_array_get_idx(items, i), *id = NULL, *list;
        json_object_object_get_ex(u, "id", &id);
        list = apr_hash_get(by_user, json_object_get_string(id), APR_HASH_KEY_STRING);
        json_object_object_add(u, "roles", list ? json_object_get(list) : json_object_new_array());
    }
    return APR_SUCCESS;
}

apr_status_t cc_admin_user_list(cc_db *db, apr_pool_t *pool, const cc_list_query *lq,
                                json_object **out, cc_admin_error *err)
{
    json_object *items = NULL;

    if (cc_entity_list(db, pool, &cc_kind_user, 0, lq, NULL, out, err) != APR_SUCCESS)
        return APR_EGENERAL;
    json_object_object_get_ex(*out, "items", &items);
    return attach_roles(db, pool, items, 0, err);
}

apr_status_t cc_admin_user_get(cc_db *db, apr_pool_t *pool, long id, json_object **out,
                               cc_admin_error *err)
{
    json_object *one;

    if (cc_entity_get(db, pool, &cc_kind_user, 0, id, NULL, out, err) != APR_SUCCESS)
        return APR_EGENERAL;
    one = cc_json_owned(pool, json_object_new_array());
    json_object_array_add(one, json_object_get(*out));
    return attach_roles(db, pool, one, id, err);
}

/* The password of in, checked and hashed into "password_hash" (a client
 * cannot set that key itself). required: a new user needs one. */
static apr_status_t take_password(apr_pool_t *pool, json_object *in, int required,
                                  cc_admin_error *err)
{
    json_object *v = NULL;
    const char *hash = NULL, *password;

    json_object_object_del(in, "password_hash");
    if (!json_object_object_get_ex(in, "password", &v) || json_object_is_type(v, json_type_null)) {
        if (required)
            return cc_admin_fail(err, 422, "password", "a new user needs a password");
        return APR_SUCCESS;
    }
    if (!json_object_is_type(v, json_type_string))
        return cc_admin_fail(err, 422, "password", "password must be text");
    password = json_object_get_string(v);
    if (strlen(password) < PASSWORD_MIN)
        return cc_admin_fail(
            err, 422, "password",
            apr_psprintf(pool, "a password needs at least %d characters", PASSWORD_MIN));
    if (cc_password_hash(pool, password, &hash) != APR_SUCCESS)
        return cc_admin_fail(err, 500, NULL, "the password could not be hashed");
    json_object_object_add(in, "password_hash", json_object_new_string(hash));
    return APR_SUCCESS;
}

/* Replace the user's roles by those named in in's "roles" (when given). */
static apr_status_t set_roles(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                              cc_admin_error *err)
{
    json_object *roles = NULL;
    const char *args[1];
    size_t i;

    if (!json_object_object_get_ex(in, "roles", &roles) ||
        json_object_is_type(roles, json_type_null))
        return APR_SUCCESS;
    if (!json_object_is_type(roles, json_type_array))
        return cc_admin_fail(err, 422, "roles", "roles must be a list of role names");
    for (i = 0; i < json_object_array_length(roles); i++) {
        const char *name = json_object_get_string(json_object_array_get_idx(roles, i));
        if (name == NULL || cc_role_bit(name) == 0)
            return cc_admin_fail(err, 422, "roles",
                                 apr_psprintf(pool,
                                              "there is no role \"%s\" (ROLE_SUPER_ADMIN, "
                                              "ROLE_TEST, ROLE_TABLE, ROLE_TEMPLATE, "
                                              "ROLE_WIZARD, ROLE_FILE)",
                                              name ? name : ""));
    }
    args[0] = apr_ltoa(pool, id);
    if (cc_roles_ensure(db, pool) != APR_SUCCESS ||
        cc_db_query(db, pool, NULL, "DELETE FROM user_role WHERE user_id = %s", 1, args) !=
            APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "changing roles");
    for (i = 0; i < json_object_array_length(roles); i++) {
        const char *insert[3];
        insert[0] = args[0];
        insert[1] = json_object_get_string(json_object_array_get_idx(roles, i));
        insert[2] = args[0];
        /* A name given twice is one role. */
        if (cc_db_query(db, pool, NULL,
                        "INSERT INTO user_role (user_id, role_id) SELECT %s, r.id FROM role r "
                        "WHERE r.role = %s AND NOT EXISTS (SELECT 1 FROM user_role x WHERE "
                        "x.user_id = %s AND x.role_id = r.id)",
                        3, insert) != APR_SUCCESS)
            return cc_admin_db_fail(err, db, pool, "changing roles");
    }
    return APR_SUCCESS;
}

typedef struct user_args {
    long id;
    json_object *in;
    const cc_admin_actor *actor;
    long now;
    long *new_id;
} user_args;

static apr_status_t create_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    user_args *a = baton;

    if (cc_entity_create(db, pool, &cc_kind_user, 0, a->in, a->actor, a->now, a->new_id, err) !=
        APR_SUCCESS)
        return APR_EGENERAL;
    return set_roles(db, pool, *a->new_id, a->in, err);
}

apr_status_t cc_admin_user_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                  const cc_admin_actor *actor, long now, long *id,
                                  cc_admin_error *err)
{
    user_args a = {0, in, actor, now, id};

    if (take_password(pool, in, 1, err) != APR_SUCCESS)
        return APR_EGENERAL;
    return cc_admin_in_transaction(db, pool, create_txn, &a, err);
}

static apr_status_t update_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    user_args *a = baton;

    if (cc_entity_update(db, pool, &cc_kind_user, 0, a->id, a->in, a->actor, a->now, err) !=
        APR_SUCCESS)
        return APR_EGENERAL;
    return set_roles(db, pool, a->id, a->in, err);
}

apr_status_t cc_admin_user_update(cc_db *db, apr_pool_t *pool, long id, json_object *in,
                                  const cc_admin_actor *actor, long now, cc_admin_error *err)
{
    user_args a = {id, in, actor, now, NULL};

    if (take_password(pool, in, 0, err) != APR_SUCCESS)
        return APR_EGENERAL;
    return cc_admin_in_transaction(db, pool, update_txn, &a, err);
}

apr_status_t cc_admin_user_delete(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                  cc_admin_error *err)
{
    if (actor && actor->user_id == id)
        return cc_admin_fail(err, 409, NULL,
                             "you cannot delete your own account; ask another super admin");
    return cc_entity_delete(db, pool, &cc_kind_user, 0, id, actor, err);
}
