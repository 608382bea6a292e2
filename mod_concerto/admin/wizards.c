#include "wizards.h"

#include "core/json_pool.h"
#include "tests.h"

#include <apr_strings.h>
#include <string.h>

#define W CC_FIELD_WRITE
#define R CC_FIELD_REQUIRED
#define S CC_FIELD_SORT

static const cc_field wizard_fields[] = {
    {"name", CC_FIELD_TEXT, W | R | S | CC_FIELD_SEARCH, 0, 64},
    {"description", CC_FIELD_TEXT, W | CC_FIELD_SEARCH, 0, 0},
    {"test_id", CC_FIELD_INT, W | R | S | CC_FIELD_FILTER, 0, 0},
    {"tags", CC_FIELD_TEXT, W, 0, 1024},
};
const cc_kind cc_kind_wizard = {"wizard", "test_wizard",
                                NULL,     wizard_fields,
                                4,        CC_KIND_ACCESS | CC_KIND_REVISION | CC_KIND_AUDIT,
                                "name"};

static const cc_field step_fields[] = {
    {"title", CC_FIELD_TEXT, W | R | S, 0, 255},
    {"description", CC_FIELD_TEXT, W, 0, 0},
    {"order_num", CC_FIELD_INT, W | S, 0, 0},
    {"cols_num", CC_FIELD_INT, W, 0, 0},
};
const cc_kind cc_kind_wizard_step = {
    "wizard step", "test_wizard_step", "wizard_id", step_fields, 4, 0, NULL};

static const cc_field param_fields[] = {
    {"step_id", CC_FIELD_INT, W | R | S | CC_FIELD_FILTER, 0, 0},
    {"variable_id", CC_FIELD_INT, W | R, 0, 0},
    {"label", CC_FIELD_TEXT, W | S, 0, 255},
    {"description", CC_FIELD_TEXT, W, 0, 0},
    {"hide_condition", CC_FIELD_TEXT, W, 0, 0},
    {"type", CC_FIELD_INT, W, 0, 0},
    {"passable_through_url", CC_FIELD_BOOL, W, 0, 0},
    {"order_index", CC_FIELD_INT, W | S, 0, 0},
    {"value", CC_FIELD_TEXT, W, 0, 0},
    {"definition", CC_FIELD_TEXT, W, 0, 0},
};
const cc_kind cc_kind_wizard_param = {
    "wizard param", "test_wizard_param", "wizard_id", param_fields, 10, 0, NULL};

#undef W
#undef R
#undef S

static apr_status_t children(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long id,
                             const char *order, json_object **out, cc_admin_error *err)
{
    cc_list_query lq;
    json_object *page = NULL;

    memset(&lq, 0, sizeof(lq));
    lq.page = 1;
    lq.per_page = 1000000;
    lq.sort = order;
    lq.args = apr_table_make(pool, 1);
    if (cc_entity_list(db, pool, kind, id, &lq, NULL, &page, err) != APR_SUCCESS)
        return APR_EGENERAL;
    json_object_object_get_ex(page, "items", out);
    json_object_get(*out);
    return APR_SUCCESS;
}

apr_status_t cc_admin_wizard_get(cc_db *db, apr_pool_t *pool, long id, const cc_admin_actor *actor,
                                 json_object **out, cc_admin_error *err)
{
    json_object *steps = NULL, *params = NULL;

    if (cc_entity_get(db, pool, &cc_kind_wizard, 0, id, actor, out, err) != APR_SUCCESS ||
        children(db, pool, &cc_kind_wizard_step, id, "order_num", &steps, err) != APR_SUCCESS)
        return APR_EGENERAL;
    json_object_object_add(*out, "steps", steps);
    if (children(db, pool, &cc_kind_wizard_param, id, "order_index", &params, err) != APR_SUCCESS)
        return APR_EGENERAL;
    json_object_object_add(*out, "params", params);
    return APR_SUCCESS;
}

/* 422 naming field unless in's field is an id that sql (id, scope) finds. */
static apr_status_t check_ref(cc_db *db, apr_pool_t *pool, json_object *in, const char *field,
                              const char *sql, long scope, const char *why, cc_admin_error *err)
{
    json_object *v = NULL;
    const char *args[2], *found = NULL;

    if (!json_object_object_get_ex(in, field, &v) || json_object_is_type(v, json_type_null))
        return APR_SUCCESS;
    if (!json_object_is_type(v, json_type_int))
        return cc_admin_fail(err, 422, field, apr_psprintf(pool, "%s must be an id", field));
    args[0] = apr_ltoa(pool, (long)json_object_get_int64(v));
    args[1] = apr_ltoa(pool, scope);
    if (cc_db_select_value(db, pool, &found, sql, 2, args) != APR_SUCCESS)
        return cc_admin_db_fail(err, db, pool, "checking an id");
    if (found == NULL)
        return cc_admin_fail(err, 422, field,
                             apr_pstrcat(pool, field, " ", args[0], ": ", why, NULL));
    return APR_SUCCESS;
}

apr_status_t cc_admin_wizard_create(cc_db *db, apr_pool_t *pool, json_object *in,
                                    const cc_admin_actor *actor, long now, long *id,
                                    cc_admin_error *err)
{
    json_object *v = NULL;

    if (json_object_object_get_ex(in, "test_id", &v) && json_object_is_type(v, json_type_int)) {
        cc_admin_error inner = {0, NULL, NULL};
        if (cc_entity_check(db, pool, &cc_kind_test, 0, (long)json_object_get_int64(v), actor, NULL,
                            &inner) != APR_SUCCESS)
            return cc_admin_fail(err, inner.status == 500 ? 500 : 422, "test_id", inner.message);
    }
    return cc_entity_create(db, pool, &cc_kind_wizard, 0, in, actor, now, id, err);
}

typedef struct child_args {
    const cc_kind *kind;
    long wizard_id;
    int op;
    long *id;
    json_object *in;
    const cc_admin_actor *actor;
    long now;
} child_args;

static apr_status_t child_txn(cc_db *db, apr_pool_t *pool, void *baton, cc_admin_error *err)
{
    child_args *a = baton;
    const char *args[2];
    const char *test_id = NULL;

    if (cc_entity_check(db, pool, &cc_kind_wizard, 0, a->wizard_id, a->actor, NULL, err) !=
        APR_SUCCESS)
        return APR_EGENERAL;
    args[0] = apr_ltoa(pool, a->wizard_id);
    if (a->kind == &cc_kind_wizard_param && a->op != 2) {
        if (cc_db_select_value(db, pool, &test_id, "SELECT test_id FROM test_wizard WHERE id = %s",
                               1, args) != APR_SUCCESS)
            return cc_admin_db_fail(err, db, pool, "reading the wizard");
        if (check_ref(db, pool, a->in, "step_id",
                      "SELECT id FROM test_wizard_step WHERE id = %s AND wizard_id = %s",
                      a->wizard_id, "it is not a step of this wizard", err) != APR_SUCCESS ||
            check_ref(db, pool, a->in, "variable_id",
                      "SELECT id FROM test_variable WHERE id = %s AND test_id = %s",
                      cc_admin_number(test_id), "it is not a variable of the wizard's test",
                      err) != APR_SUCCESS)
            return APR_EGENERAL;
    }
    if (a->op == 0) {
        if (cc_entity_create(db, pool, a->kind, a->wizard_id, a->in, a->actor, a->now, a->id,
                             err) != APR_SUCCESS)
            return APR_EGENERAL;
    } else if (a->op == 1) {
        if (cc_entity_update(db, pool, a->kind, a->wizard_id, *a->id, a->in, a->actor, a->now,
                             err) != APR_SUCCESS)
            return APR_EGENERAL;
    } else if (cc_entity_delete(db, pool, a->kind, a->wizard_id, *a->id, a->actor, err) !=
               APR_SUCCESS)
        return APR_EGENERAL;
    args[1] = a->actor && a->actor->username ? a->actor->username : NULL;
    {
        const char *touch[] = {apr_ltoa(pool, a->now), args[1], args[0]};
        if (cc_db_query(db, pool, NULL,
                        "UPDATE test_wizard SET revision = revision + 1, updated = %s, "
                        "updated_by = %s WHERE id = %s",
                        3, touch) != APR_SUCCESS)
            return cc_admin_db_fail(err, db, pool, "bumping the wizard's revision");
    }
    return APR_SUCCESS;
}

apr_status_t cc_admin_wizard_child(cc_db *db, apr_pool_t *pool, const cc_kind *kind, long wizard_id,
                                   int op, long *id, json_object *in, const cc_admin_actor *actor,
                                   long now, cc_admin_error *err)
{
    child_args a = {kind, wizard_id, op, id, in, actor, now};

    return cc_admin_in_transaction(db, pool, child_txn, &a, err);
}
